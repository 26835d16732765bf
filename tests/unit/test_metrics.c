/*
 * test_metrics.c - the LLM metrics of a run, from hand-made requests.
 *
 * Pins, against hand arithmetic on requests with known times (no World):
 * TTFT, TPOT, E2E and normalised-latency percentiles (nearest rank:
 * the ceil(p n)-th smallest, exact below HIST_EXACT_CAP values) and means;
 * output and total tokens/s over the measured period; SLO attainment with
 * both targets (boundaries included: <= meets, a one-token request has no
 * TPOT) and goodput; the executor's mean running batch, KV utilisation,
 * preemptions and iterations as differences of cumulative counters from
 * the warm-up point, NaN without engines; the timeseries window's TTFT
 * p50/p99, output tokens/s and KV utilisation; warm-up deletion (an
 * early request is in its window, not in the run).  Does not pin the
 * executor that sets the times (tests of the llm executor do).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/metrics.h"

#define MS 1000 /* us */

/* Ends one completed request: arrival, first token and finish in ms. */
static void complete(Metrics *m, SimTime arr_ms, SimTime first_ms,
                     SimTime finish_ms, int32_t out, int32_t prompt)
{
    Request req;
    memset(&req, 0, sizeof req);
    req.arrival = arr_ms * MS;
    req.first_token_us = first_ms * MS;
    req.start = req.arrival;
    req.bound_at = -1;
    req.tokens_out_done = out;
    req.output_tokens = out;
    req.prompt_tokens = prompt;
    req.outcome = REQ_COMPLETED;
    metrics_arrival(m, req.arrival);
    metrics_end(m, &req, finish_ms * MS);
}

static void ended_without_token(Metrics *m, SimTime arr_ms, ReqOutcome o)
{
    Request req;
    memset(&req, 0, sizeof req);
    req.arrival = arr_ms * MS;
    req.first_token_us = -1;
    req.start = -1;
    req.bound_at = -1;
    req.output_tokens = 7;
    req.outcome = (uint8_t)o;
    metrics_arrival(m, req.arrival);
    metrics_end(m, &req, req.arrival + 5 * MS);
}

/*   req  arrival  TTFT  TPOT  E2E   out  prompt  norm (E2E/out)
 *    0      0     100    25   200    5     10     40
 *    1   1000     300    30   360    3     20    120
 *    2   2000     200     -   200    1     30    200
 *    3   3000     120    10   220   11     40     20
 *    4   4000     900   100  1000    2     50    500
 *    5   5000     200    80   600    6     60    100
 * (ms; finish = arrival + TTFT + TPOT x (out - 1)), then one rejected and
 * one timed-out request; SLO TTFT 200 ms and TPOT 25 ms. */
static Metrics *six_requests(void)
{
    Metrics *m = metrics_create(1000 * MS);
    metrics_llm_slo(m, 200 * MS, 25 * MS);
    complete(m, 0, 100, 200, 5, 10);
    complete(m, 1000, 1300, 1360, 3, 20);
    complete(m, 2000, 2200, 2200, 1, 30);
    complete(m, 3000, 3120, 3220, 11, 40);
    complete(m, 4000, 4900, 5000, 2, 50);
    complete(m, 5000, 5200, 5600, 6, 60);
    ended_without_token(m, 6000, REQ_REJECTED);
    ended_without_token(m, 7000, REQ_TIMED_OUT);
    return m;
}

Test(metrics, llm_percentiles_by_nearest_rank)
{
    Metrics *m = six_requests();
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 10.0, v);
    cr_assert_eq(v[MET_llm_requests], 6.0);
    /* TTFT sorted 100 120 200 200 300 900: p50 rank 3, p90..p99 rank 6 */
    cr_assert_eq(v[MET_ttft_p50_ms], 200.0);
    cr_assert_eq(v[MET_ttft_p90_ms], 900.0);
    cr_assert_eq(v[MET_ttft_p99_ms], 900.0);
    cr_assert_float_eq(v[MET_ttft_mean_ms], 1820.0 / 6, 1e-9);
    /* TPOT of the five with >= 2 tokens: 10 25 30 80 100 */
    cr_assert_float_eq(v[MET_tpot_p50_ms], 30.0, 1e-9);
    cr_assert_float_eq(v[MET_tpot_p90_ms], 100.0, 1e-9);
    cr_assert_float_eq(v[MET_tpot_mean_ms], 245.0 / 5, 1e-9);
    /* E2E 200 200 220 360 600 1000 */
    cr_assert_eq(v[MET_e2e_p50_ms], 220.0);
    cr_assert_eq(v[MET_e2e_p95_ms], 1000.0);
    /* normalised 20 40 100 120 200 500 */
    cr_assert_float_eq(v[MET_norm_p50_ms], 100.0, 1e-9);
    cr_assert_float_eq(v[MET_norm_p99_ms], 500.0, 1e-9);
    metrics_destroy(m);
}

Test(metrics, llm_tokens_per_second_slo_and_goodput)
{
    Metrics *m = six_requests();
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 10.0, v);
    /* 5 + 3 + 1 + 11 + 2 + 6 = 28 output, 210 prompt tokens in 10 s */
    cr_assert_eq(v[MET_output_tokens], 28.0);
    cr_assert_float_eq(v[MET_output_tok_s], 2.8, 1e-12);
    cr_assert_float_eq(v[MET_total_tok_s], 23.8, 1e-12);
    /* within TTFT <= 200 and TPOT <= 25: req 0 (TPOT at the bound), 2 (TTFT
     * at the bound, one token: no TPOT) and 3; not 5 (TTFT 200 but TPOT
     * 80).  3 of 8 ended requests; 3 in 10 s. */
    cr_assert_float_eq(v[MET_llm_slo_pct], 37.5, 1e-12);
    cr_assert_float_eq(v[MET_goodput_rps], 0.3, 1e-12);
    /* no engine reported: the executor's metrics are empty */
    cr_assert(isnan(v[MET_mean_running_batch]));
    cr_assert(isnan(v[MET_kv_util_pct]));
    cr_assert(isnan(v[MET_preemptions]));
    metrics_destroy(m);
}

Test(metrics, llm_without_targets_every_completed_request_counts)
{
    Metrics *m = metrics_create(1000 * MS); /* no metrics_llm_slo */
    complete(m, 0, 100, 200, 5, 10);
    complete(m, 4000, 4900, 5000, 2, 50);
    ended_without_token(m, 6000, REQ_REJECTED);
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 4.0, v);
    cr_assert_float_eq(v[MET_llm_slo_pct], 100.0 * 2 / 3, 1e-12);
    cr_assert_float_eq(v[MET_goodput_rps], 0.5, 1e-12);
    metrics_destroy(m);
}

Test(metrics, llm_empty_run_gives_empty_percentiles)
{
    Metrics *m = metrics_create(1000 * MS);
    ended_without_token(m, 10, REQ_REJECTED);
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 1.0, v);
    cr_assert_eq(v[MET_llm_requests], 0.0);
    cr_assert(isnan(v[MET_ttft_p50_ms]));
    cr_assert(isnan(v[MET_tpot_p99_ms]));
    cr_assert(isnan(v[MET_ttft_mean_ms]));
    cr_assert_eq(v[MET_output_tok_s], 0.0);
    cr_assert_eq(v[MET_llm_slo_pct], 0.0);
    metrics_destroy(m);
}

/* 20 requests, ended in a shuffled order (7 i mod 20): request k has TTFT
 * 10 (k + 1) ms and 4 tokens 5 (k + 1) ms apart, so the p-quantile is
 * the ceil(20 p)-th: p50 10th, p90 18th, p95 19th, p99 20th. */
Test(metrics, llm_upper_percentiles_of_twenty)
{
    Metrics *m = metrics_create(1000 * MS);
    for (int i = 0; i < 20; i++) {
        int k = (7 * i) % 20;
        SimTime arr = 1000 * i, ttft = 10 * (k + 1), tpot = 5 * (k + 1);
        complete(m, arr, arr + ttft, arr + ttft + 3 * tpot, 4, 100);
    }
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 20.0, v);
    cr_assert_eq(v[MET_ttft_p50_ms], 100.0);
    cr_assert_eq(v[MET_ttft_p90_ms], 180.0);
    cr_assert_eq(v[MET_ttft_p95_ms], 190.0);
    cr_assert_eq(v[MET_ttft_p99_ms], 200.0);
    cr_assert_float_eq(v[MET_tpot_p90_ms], 90.0, 1e-9);
    cr_assert_float_eq(v[MET_tpot_p99_ms], 100.0, 1e-9);
    /* E2E = 25 (k + 1), normalised = E2E / 4 */
    cr_assert_eq(v[MET_e2e_p95_ms], 475.0);
    cr_assert_float_eq(v[MET_norm_p95_ms], 118.75, 1e-9);
    cr_assert_float_eq(v[MET_output_tok_s], 80.0 / 20, 1e-12);
    cr_assert_float_eq(v[MET_total_tok_s], 2080.0 / 20, 1e-12);
    metrics_destroy(m);
}

/* TPOT of a gap that is not a whole number of microseconds: 100 ms over
 * 3 gaps is 33,333.333 us, kept to the nanosecond. */
Test(metrics, llm_tpot_keeps_fractions_of_a_microsecond)
{
    Metrics *m = metrics_create(1000 * MS);
    complete(m, 0, 50, 150, 4, 1);
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 1.0, v);
    cr_assert_float_eq(v[MET_tpot_p50_ms], 33.333333, 1e-9);
    cr_assert_float_eq(v[MET_norm_p50_ms], 37.5, 1e-9);
    metrics_destroy(m);
}

Test(metrics, llm_executor_counters_from_the_warmup_point)
{
    Metrics *m = metrics_create(1000 * MS);
    LlmRunStats at_w = {1, 10, 1, 500, 40, 1e6, 3e6, 2e6, 8e6};
    LlmRunStats at_h = {1, 110, 4, 900, 440, 5e6, 15e6, 10e6, 40e6};
    metrics_llm_warmup(m, &at_w);
    double v[MET_COUNT];
    metrics_llm_result(m, &at_h, 1.0, v);
    /* (15 - 3) / (5 - 1) running sequences per busy us; (10 - 2) / (40 -
     * 8) of the KV capacity; 4 - 1 preemptions; 110 - 10 iterations */
    cr_assert_float_eq(v[MET_mean_running_batch], 3.0, 1e-12);
    cr_assert_float_eq(v[MET_kv_util_pct], 25.0, 1e-12);
    cr_assert_eq(v[MET_preemptions], 3.0);
    cr_assert_eq(v[MET_iterations], 100.0);
    metrics_destroy(m);
}

Test(metrics, llm_window_ttft_tokens_and_kv)
{
    Metrics *m = six_requests();
    TsRow row;
    metrics_window(m, 10000 * MS, &row);
    LlmRunStats st = {1, 50, 0, 0, 0, 2e6, 4e6, 3e6, 12e6};
    metrics_llm_window(m, &st, &row);
    cr_assert_eq(row.ttft_p50_ms, 200.0);
    cr_assert_eq(row.ttft_p99_ms, 900.0);
    cr_assert_float_eq(row.out_tok_s, 2.8, 1e-12);
    cr_assert_float_eq(row.kv_util_pct, 25.0, 1e-12);
    /* the next window starts empty and from these counters */
    complete(m, 12000, 12400, 12400, 1, 5);
    metrics_window(m, 20000 * MS, &row);
    LlmRunStats st2 = {1, 60, 0, 0, 0, 3e6, 5e6, 6e6, 18e6};
    metrics_llm_window(m, &st2, &row);
    cr_assert_eq(row.ttft_p50_ms, 400.0);
    cr_assert_float_eq(row.out_tok_s, 0.1, 1e-12);
    cr_assert_float_eq(row.kv_util_pct, 50.0, 1e-12);
    metrics_window(m, 30000 * MS, &row);
    LlmRunStats no_engine = {0};
    metrics_llm_window(m, &no_engine, &row);
    cr_assert(isnan(row.ttft_p50_ms));
    cr_assert(isnan(row.kv_util_pct));
    cr_assert_eq(row.out_tok_s, 0.0);
    metrics_destroy(m);
}

Test(metrics, llm_warmup_requests_are_in_the_window_only)
{
    Metrics *m = metrics_create(1000 * MS);
    m->warmup = 1000 * MS;
    complete(m, 0, 300, 300, 1, 10);    /* before the warm-up point */
    complete(m, 2000, 2100, 2100, 1, 10);
    TsRow row;
    metrics_window(m, 3000 * MS, &row);
    cr_assert_eq(row.ttft_p99_ms, 300.0);
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 2.0, v);
    cr_assert_eq(v[MET_llm_requests], 1.0);
    cr_assert_eq(v[MET_ttft_p99_ms], 100.0);
    cr_assert_float_eq(v[MET_output_tok_s], 0.5, 1e-12);
    metrics_destroy(m);
}

Test(metrics, llm_columns_follow_the_base_metrics)
{
    cr_assert_eq(metrics_columns(0), MET_LLM_FIRST);
    cr_assert_eq(metrics_columns(METCOLS_LLM), MET_TIER_FIRST);
    cr_assert_str_eq(metric_info[MET_LLM_FIRST - 1].name, "warmup_s");
    cr_assert_str_eq(metric_info[MET_TIER_FIRST - 1].name, "usd_per_1m_out");
}

/* The column sets are prefixes in the order base, LLM, tiers, GPU: each
 * set brings the ones before it (empty or zero), so a scenario without the
 * later sets keeps its columns. */
Test(metrics, tier_and_gpu_columns_come_last_and_only_when_on)
{
    cr_assert_eq(metrics_columns(METCOLS_TIERS), MET_GPU_FIRST);
    cr_assert_eq(metrics_columns(METCOLS_LLM | METCOLS_TIERS), MET_GPU_FIRST);
    cr_assert_eq(metrics_columns(METCOLS_GPU), MET_COUNT);
    cr_assert_eq(metrics_columns(METCOLS_LLM | METCOLS_GPU), MET_COUNT);
    cr_assert_str_eq(metric_info[MET_GPU_FIRST - 1].name, "dram_hit_pct");
    cr_assert_str_eq(metric_info[MET_GPU_FIRST].name, "swap_ins");
    cr_assert_str_eq(metric_info[MET_COUNT - 1].name, "cold_wait_p99_ms");
}

/* A completed request without a first token (an executor that does not
 * stream) counts its tokens, not in the latency percentiles; a request
 * without token counts counts nowhere. */
Test(metrics, llm_tokens_of_requests_without_a_first_token)
{
    Metrics *m = metrics_create(1000 * MS);
    complete(m, 0, 100, 200, 5, 10);
    Request req;
    memset(&req, 0, sizeof req);
    req.arrival = 300 * MS;
    req.first_token_us = -1;
    req.bound_at = -1;
    req.start = req.arrival;
    req.output_tokens = 7;
    req.prompt_tokens = 20;
    req.outcome = REQ_COMPLETED;
    metrics_arrival(m, req.arrival);
    metrics_end(m, &req, 900 * MS);
    req.output_tokens = req.prompt_tokens = -1; /* no token counts */
    metrics_arrival(m, req.arrival);
    metrics_end(m, &req, 900 * MS);
    LlmRunStats none = {0};
    double v[MET_COUNT];
    metrics_llm_result(m, &none, 2.0, v);
    cr_assert_eq(v[MET_llm_requests], 1.0);
    cr_assert_eq(v[MET_ttft_p99_ms], 100.0);
    cr_assert_eq(v[MET_output_tokens], 12.0);
    cr_assert_float_eq(v[MET_output_tok_s], 6.0, 1e-12);
    cr_assert_float_eq(v[MET_total_tok_s], 21.0, 1e-12);
    /* 1 of 3 ended requests met the (absent) targets: the one with a
     * first token */
    cr_assert_float_eq(v[MET_llm_slo_pct], 100.0 / 3, 1e-12);
    metrics_destroy(m);
}

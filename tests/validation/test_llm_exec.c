/*
 * test_llm_exec.c - the `llm` executor inside a World (a serverless
 * instance or a VM running the engine of executor/llm_engine.h).
 *
 * Pins: the hand-worked three-request schedules of test_llm_engine.c
 * give, through a World, the same first-token and finish times plus the
 * instance's cold start (constant iteration time, with and without chunked
 * prefill); max_num_seqs 1 with a linear model reduces exactly to the
 * `single` executor's a + p * prompt + o * output on the same requests
 * (every request's latency equal to the microsecond); under overload the
 * output tokens/s equal the iteration-rate bound max_num_seqs / t(batch)
 * of the fitted Llama-2-7B H100 profile within 1%; Little's law on running
 * sequences (integral of the running batch = sum of the requests' times
 * in it); every prompt and output token accounted for; a VM's LLM start
 * is its boot plus the profile's pieces; the executor's one-line errors
 * (weights that do not fit, a model without an "llm" block, executors that
 * contradict `batching`); an explicit "executor" that names what the
 * batching keys imply changes no metric; the run's LLM metrics (TTFT,
 * TPOT, E2E, normalised latency, tokens/s, SLO attainment, goodput,
 * iterations, mean running batch) of the three requests by hand; the
 * platform's timeout cutting a sequence at its deadline, mid-iteration.
 * Does not pin the engine's own rules (test_llm_engine.c) nor the fitted
 * coefficients (test_llm_profile.c).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "config/scenario.h"
#include "support.h"

/* ---- helpers ------------------------------------------------------- */

#define MAX_SEEN 4096

/* What the observe hook saw of each ended request, by request id. */
typedef struct Seen {
    int n;
    SimTime arrival[MAX_SEEN], first[MAX_SEEN], end[MAX_SEEN];
    int32_t prompt[MAX_SEEN], output[MAX_SEEN], done[MAX_SEEN];
    int outcome[MAX_SEEN];
} Seen;

static void observe(void *ctx, const Request *req, SimTime now)
{
    Seen *s = ctx;
    cr_assert_lt(req->id, MAX_SEEN);
    uint64_t i = req->id;
    s->arrival[i] = req->arrival;
    s->first[i] = req->first_token_us;
    s->end[i] = now;
    s->prompt[i] = req->seq != NULL ? req->seq->prompt_tokens : -1;
    s->output[i] = req->seq != NULL ? req->seq->output_tokens : -1;
    s->done[i] = req->tokens_out_done;
    s->outcome[i] = req->outcome;
    if ((int)i + 1 > s->n)
        s->n = (int)i + 1;
}

/* A trace of n requests at t_s with their prompt and output tokens: the
 * workload of support_trace, with token columns and no durations. */
static WorkloadSpec token_trace(const char *tag, const double *t_s,
                                const int *prompt, const int *output, int n)
{
    WorkloadSpec wl = support_trace(tag, NULL, NULL, 0);
    size_t cap = 64 + (size_t)n * 48, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "t,prompt,output\n");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%.6f,%d,%d\n",
                                t_s[i], prompt[i], output[i]);
    support_write_file(wl.trace.file, text);
    free(text);
    wl.trace.duration_column[0] = '\0';
    strcpy(wl.trace.context_column, "prompt");
    strcpy(wl.trace.generated_column, "output");
    return wl;
}

/* One serverless instance (max_instances 1, concurrency 64) running the
 * llm executor: max_num_seqs 4, 40 tokens per iteration, blocks of 16, 64
 * blocks -- the engine test's configuration -- starting in start_s. */
static AltSpec llm_alt(const LlmTimeModel *tm, int64_t chunk, double start_s)
{
    AltSpec a = support_alt(0, 0.0);
    a.executor = EXEC_LLM;
    a.concurrency = 64;
    a.max_instances = 1;
    a.queue_len = 1000000;
    a.timeout_s = 0;
    LlmExecSpec *sp = &a.llm;
    sp->max_num_seqs = 4;
    sp->max_num_batched_tokens = 40;
    sp->block_tokens = 16;
    sp->chunk_tokens = chunk;
    sp->kv_blocks = 64;
    sp->tp = 1;
    sp->default_prompt_tokens = 100;
    sp->default_output_tokens = 50;
    sp->hwm.time = *tm;
    sp->cold_start_s = start_s;
    return a;
}

/* alt on one provisioned instance, ready at 0, holding up to 1,000
 * requests, with a KV cache of kv_blocks and up to max_seqs sequences. */
static void one_warm(AltSpec *alt, int max_seqs, int64_t kv_blocks)
{
    alt->concurrency = 1000;
    alt->n_prov = 1;
    alt->prov[0].count = 1;
    alt->llm.max_num_seqs = max_seqs;
    alt->llm.max_num_batched_tokens = 8192;
    alt->llm.kv_blocks = kv_blocks;
}

/* Runs alt on wl to the horizon with the observe hook; *st gets the
 * engines' counters at the horizon. */
static RunResult run_seen(const AltSpec *alt, const WorkloadSpec *wl,
                          double horizon_s, uint64_t seed, Seen *seen,
                          LlmRunStats *st)
{
    memset(seen, 0, sizeof *seen);
    RunConfig rc = support_config(alt, wl, horizon_s, seed);
    rc.observe = observe;
    rc.observe_ctx = seen;
    World *w = world_create(&rc);
    sim_run(world_sim(w), rc.horizon);
    if (st != NULL)
        world_llm_stats(w, rc.horizon, st);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
    return res;
}

/* ---- the hand-worked schedules, through a World ------------------------ */

/* A (prompt 20, output 3) and B (10, 2) arrive at 0 and wait for the
 * instance's start S = 1.5 s; C (30, 4) arrives 1,000 us after it is
 * ready -- the engine test's workload shifted by S.  Every first token and
 * finish is the engine test's plus S; TTFT counts the cold start. */
static void three_requests(int64_t chunk, const SimTime want[3][2])
{
    const SimTime S = 1500000, T = 2385;
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = (double)T};
    AltSpec alt = llm_alt(&tm, chunk, 1.5);
    double t[3] = {0, 0, 1.501};
    int prompt[3] = {20, 10, 30}, output[3] = {3, 2, 4};
    WorkloadSpec wl = token_trace("llm3", t, prompt, output, 3);
    Seen s;
    RunResult res = run_seen(&alt, &wl, 10, 1, &s, NULL);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_eq(s.n, 3);
    const char *names = "ABC";
    for (int i = 0; i < 3; i++) {
        printf("%c: first token %lld us (engine %lld + S), finish %lld us "
               "(%lld + S): TTFT %.3f ms, E2E %.3f ms\n", names[i],
               (long long)s.first[i], (long long)want[i][0],
               (long long)s.end[i], (long long)want[i][1],
               (double)(s.first[i] - s.arrival[i]) / 1e3,
               (double)(s.end[i] - s.arrival[i]) / 1e3);
        cr_assert_eq(s.first[i], S + want[i][0], "%c first", names[i]);
        cr_assert_eq(s.end[i], S + want[i][1], "%c finish", names[i]);
        cr_assert_eq(s.done[i], output[i]);
    }
    (void)T;
}

Test(llm_exec, three_requests_plus_cold_start)
{
    const SimTime T = 2385;
    const SimTime want[3][2] = {{T, 3 * T}, {T, 2 * T}, {2 * T, 5 * T}};
    three_requests(0, want);
}

Test(llm_exec, three_requests_chunked_plus_cold_start)
{
    const SimTime T = 2385;
    const SimTime want[3][2] = {{2 * T, 4 * T}, {T, 2 * T}, {3 * T, 6 * T}};
    three_requests(16, want);
}

/* ---- max_num_seqs 1 = the single executor ------------------------------ */

/* 40 requests with tokens from a fixed LCG, arriving every 150 ms (they
 * queue: a request takes 20 ms + 0.1 ms x prompt + 10 ms x output, up to
 * 0.5 s).  The single executor on one provisioned instance (concurrency 1,
 * per-token profile a 20 ms, p 0.1 ms, o 10 ms, sigma 0) and the llm
 * executor with max_num_seqs 1 and the linear model new_seq 20,000 us,
 * prefill_token 100 us, output_token 10,000 us give every request the same
 * latency to the microsecond. */
Test(llm_exec, one_sequence_reduces_to_single)
{
    enum { N = 40 };
    double t[N];
    int prompt[N], output[N];
    uint32_t x = 2385;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        prompt[i] = 1 + (int)((x >> 8) % 300);
        x = x * 1103515245u + 12345u;
        output[i] = 1 + (int)((x >> 8) % 40);
        t[i] = 0.15 * i;
    }
    WorkloadSpec wl = token_trace("llm1", t, prompt, output, N);
    AltSpec one = support_alt(0, 0.0);
    one.hw.warm_affine = 1;
    one.hw.per_token = 1;
    one.hw.warm_a_s = 0.020;
    one.hw.prompt_s_per_token = 0.0001;
    one.hw.output_s_per_token = 0.010;
    one.hw.warm_sigma = 0;
    one.n_prov = 1;
    one.prov[0].count = 1;
    one.max_instances = 1;
    one.queue_len = 1000000;
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR,
                       .new_seq_us = 20000,
                       .prefill_token_us = 100,
                       .output_token_us = 10000};
    AltSpec llm = llm_alt(&tm, 0, 0);
    llm.llm.max_num_seqs = 1;
    llm.llm.max_num_batched_tokens = 4096;
    llm.llm.kv_blocks = 1000;
    llm.n_prov = 1;
    llm.prov[0].count = 1;
    static Seen a, b;
    RunResult ra = run_seen(&one, &wl, 100, 1, &a, NULL);
    RunResult rb = run_seen(&llm, &wl, 100, 1, &b, NULL);
    cr_assert_eq(ra.v[MET_completed], N);
    cr_assert_eq(rb.v[MET_completed], N);
    SimTime worst = 0;
    for (int i = 0; i < N; i++) {
        SimTime la = a.end[i] - a.arrival[i], lb = b.end[i] - b.arrival[i];
        SimTime alone = 20000 + 100 * (SimTime)prompt[i] +
                        10000 * (SimTime)output[i];
        cr_assert_eq(la, lb, "request %d: single %lld us, llm %lld us", i,
                     (long long)la, (long long)lb);
        cr_assert_geq(lb, alone);
        if (lb - alone > worst)
            worst = lb - alone;
        /* TPOT of a lone sequence: o exactly */
        if (output[i] > 1)
            cr_assert_eq((b.end[i] - b.first[i]) / (output[i] - 1), 10000);
    }
    printf("max_num_seqs 1: %d latencies equal to the single executor's "
           "(a + p prompt + o output, longest queue wait %.1f ms)\n", N,
           (double)worst / 1e3);
    cr_assert_gt(worst, 0, "the requests must queue for the test to bite");
}

/* ---- the platform's timeout inside the engine -------------------------- */

/* One warm instance, iterations of T = 2,385 us, timeout 10 ms.  A (20
 * prompt, 100 output tokens) and B (10, 2) arrive at 0, D (5, 100) at
 * 1 ms, C (5, 3) at 20 ms.  A and B, arriving together, share the
 * iteration that begins at 0, so B finishes at 2T; D runs from T.
 * Iterations end at T, 2T, 3T, 4T = 9,540
 * us; the fifth would end at 11,925 us.  A is taken out at 10,000 us
 * exactly, timed out with its 4 tokens (first at T); the check is set
 * again for D, taken out at 11,000 us with 3 tokens (first at 2T).  C,
 * alone, starts at 20 ms and finishes at 20 ms + 3T. */
Test(llm_exec, timeout_cuts_a_sequence_at_its_deadline)
{
    const SimTime T = 2385;
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = (double)T};
    AltSpec alt = llm_alt(&tm, 0, 0);
    one_warm(&alt, 4, 64);
    alt.timeout_s = 0.010;
    double t[4] = {0, 0, 0.001, 0.020};
    int prompt[4] = {20, 10, 5, 5}, output[4] = {100, 2, 100, 3};
    WorkloadSpec wl = token_trace("llmto", t, prompt, output, 4);
    Seen s;
    RunResult res = run_seen(&alt, &wl, 10, 1, &s, NULL);
    printf("timeout 10 ms: A ends %lld us (%s, %d tokens), B %lld us, "
           "D %lld us (%d tokens), C %lld us\n", (long long)s.end[0],
           s.outcome[0] == REQ_TIMED_OUT ? "timed out" : "not timed out",
           s.done[0], (long long)s.end[1], (long long)s.end[2], s.done[2],
           (long long)s.end[3]);
    cr_assert_eq(res.v[MET_timed_out], 2);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(s.outcome[0], REQ_TIMED_OUT);
    cr_assert_eq(s.end[0], 10000);
    cr_assert_eq(s.first[0], T);
    cr_assert_eq(s.done[0], 4);
    cr_assert_eq(s.outcome[1], REQ_COMPLETED);
    cr_assert_eq(s.end[1], 2 * T);
    cr_assert_eq(s.outcome[2], REQ_TIMED_OUT);
    cr_assert_eq(s.end[2], 11000);
    cr_assert_eq(s.first[2], 2 * T);
    cr_assert_eq(s.done[2], 3);
    cr_assert_eq(s.outcome[3], REQ_COMPLETED);
    cr_assert_eq(s.end[3], 20000 + 3 * T);
    cr_assert_eq(s.done[3], 3);
}

/* ---- throughput bound on the fitted profile ---------------------------- */

/* Llama-2-7B on one H100 (models/llama-2-7b.json, fitted model), 64
 * sequences at most, prompts of 16 and outputs of 1,024 tokens, offered
 * 20 req/s (twice what it serves).  From 300 s to 900 s the batch is
 * saturated at 64; the bound is 64 tokens per iteration of a 64-decode
 * batch whose sequences read on average 16 + 1 + 1,023 / 2 KV tokens
 * each; measured output tokens/s within 1% of 64 / t(batch). */
Test(llm_exec, overload_throughput_is_the_iteration_bound)
{
    char path[1024];
    ModelProfile m;
    Err err;
    cr_assert_eq(profile_load(support_src("models/llama-2-7b.json", path,
                                          sizeof path),
                              &m, &err),
                 0, "%s", err.msg);
    const LlmHwModel *x = profile_llm(&m, "gpu-h100", 1);
    cr_assert_not_null(x);
    LlmTimeModel tm = x->time;
    AltSpec alt = llm_alt(&tm, 0, 0);
    one_warm(&alt, 64, 64 * (1040 / 16 + 1));
    LlmExecSpec *sp = &alt.llm;
    sp->default_prompt_tokens = 16;
    sp->default_output_tokens = 1024;
    WorkloadSpec wl = support_constant(20, 0, 900);
    RunConfig rc = support_config(&alt, &wl, 900, 1);
    World *w = world_create(&rc);
    LlmRunStats a, b;
    sim_run(world_sim(w), time_from_s(300));
    world_llm_stats(w, time_from_s(300), &a);
    sim_run(world_sim(w), time_from_s(900));
    world_llm_stats(w, time_from_s(900), &b);
    double tokens_s = (double)(b.output_tokens - a.output_tokens) / 600.0;
    double batch = (b.running_seq_us - a.running_seq_us) /
                   (b.busy_us - a.busy_us);
    LlmBatch dec = {.decode_seqs = 64,
                    .decode_kv_tokens = 64 * (16 + 1) + 64 * 1023 / 2,
                    .output_tokens = 64};
    double t_us = (double)llm_time_us(&tm, &dec);
    double bound = 64 / (t_us * 1e-6);
    printf("overload: %.1f output tokens/s, mean running batch %.3f; "
           "bound 64 / %.0f us = %.1f tokens/s (ratio %.4f, must be within "
           "[0.99, 1.01])\n",
           tokens_s, batch, t_us, bound, tokens_s / bound);
    cr_assert_float_eq(batch, 64.0, 0.05);
    cr_assert_float_eq(tokens_s / bound, 1.0, 0.01);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
}

/* ---- Little's law and the tokens ---------------------------------------- */

/* Poisson arrivals at 5/s for 600 s, all finished by the 700 s horizon;
 * constant iteration time 10 ms, so a sequence is admitted exactly one
 * iteration before its first token.  Sample-path Little: the integral of
 * the running batch = the sum over requests of (finish - admission), so
 * mean running = throughput x mean time running; printed with the
 * tolerance (float summation only: 1e-9). */
Test(llm_exec, littles_law_on_running_sequences)
{
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = 10000};
    AltSpec alt = llm_alt(&tm, 0, 0);
    one_warm(&alt, 256, 100000);
    WorkloadSpec wl = support_poisson(5);
    wl.end_s = 600;
    static Seen s;
    LlmRunStats st;
    RunResult res = run_seen(&alt, &wl, 700, 7, &s, &st);
    double n = res.v[MET_completed];
    cr_assert_eq(n, res.v[MET_arrivals]);
    cr_assert_gt(n, 2500);
    double sum_w = 0;
    for (int i = 0; i < s.n; i++)
        sum_w += (double)(s.end[i] - (s.first[i] - 10000));
    double h_us = 700e6;
    double mean_running = st.running_seq_us / h_us;
    double little = (n / h_us) * (sum_w / n);
    printf("Little: mean running %.6f = throughput %.4f/s x mean time "
           "running %.4f s = %.6f (relative tolerance 1e-9); mean batch "
           "while busy %.3f\n",
           mean_running, n / 700, sum_w / n * 1e-6, little,
           st.running_seq_us / st.busy_us);
    cr_assert_float_eq(mean_running / little, 1.0, 1e-9);
    /* 50 output tokens each: 50 iterations running */
    cr_assert_float_eq(sum_w / n, 50 * 10000.0, 1e-6);
}

/* Requests with tokens from a fixed LCG (prompts 1..600, outputs 1..200)
 * on a KV cache of 96 blocks of 16 (preemptions happen) all finish: the
 * engines prefilled every prompt token plus the recomputed ones, and
 * sampled exactly every output token; no request is refused. */
Test(llm_exec, every_token_accounted_for)
{
    enum { N = 300 };
    double t[N];
    int prompt[N], output[N];
    uint32_t x = 71;
    long long sum_p = 0, sum_o = 0;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        prompt[i] = 1 + (int)((x >> 8) % 600);
        x = x * 1103515245u + 12345u;
        output[i] = 1 + (int)((x >> 8) % 200);
        t[i] = 0.05 * i;
        sum_p += prompt[i];
        sum_o += output[i];
    }
    WorkloadSpec wl = token_trace("llmtok", t, prompt, output, N);
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR,
                       .iter_us = 5000,
                       .prefill_token_us = 10};
    AltSpec alt = llm_alt(&tm, 0, 0);
    one_warm(&alt, 32, 96);
    alt.llm.max_num_batched_tokens = 2048;
    static Seen s;
    LlmRunStats st;
    RunResult res = run_seen(&alt, &wl, 2000, 1, &s, &st);
    cr_assert_eq(res.v[MET_completed], N);
    long long done = 0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(s.done[i], output[i]);
        done += s.done[i];
    }
    printf("tokens: prompts %lld, prefilled %llu (recompute %llu, %llu "
           "preemptions), outputs %lld = sampled %llu = counted %lld, %llu "
           "iterations\n",
           sum_p, (unsigned long long)st.prefill_tokens,
           (unsigned long long)(st.prefill_tokens - (unsigned long long)sum_p),
           (unsigned long long)st.preemptions, sum_o,
           (unsigned long long)st.output_tokens, done,
           (unsigned long long)st.iterations);
    cr_assert_eq(st.output_tokens, (uint64_t)sum_o);
    cr_assert_eq(done, sum_o);
    cr_assert_gt(st.preemptions, 0, "the cache must be short");
    cr_assert_gt(st.prefill_tokens, (uint64_t)sum_p);
    cr_assert_leq(st.kv_used_block_us, st.kv_cap_block_us);
}

/* ---- VMs: the LLM start after boot ------------------------------------- */

/* An autoscaled fleet that starts empty launches a VM at the first
 * evaluation (60 s): it serves after boot 25 s + the profile's LLM start
 * 12.5 s, so a request waiting since 1 s gets its first token at 97.5 s +
 * one 2,385 us iteration. */
Test(llm_exec, vm_start_is_boot_plus_llm_pieces)
{
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = 2385};
    AltSpec alt = support_vm_alt("g6.xlarge", 0, 8, 0);
    alt.vm.executor = EXEC_LLM;
    alt.vm.llm = llm_alt(&tm, 0, 12.5).llm;
    alt.vm.as.enabled = 1;
    alt.vm.as.min_vms = 0;
    alt.vm.as.max_vms = 1;
    alt.vm.as.metric = SCALE_QUEUE;
    alt.vm.as.target = 1;
    alt.vm.as.period_s = 60;
    alt.vm.as.cooldown_s = 1000;
    double t[1] = {1.0};
    int prompt[1] = {20}, output[1] = {3};
    WorkloadSpec wl = token_trace("llmvm", t, prompt, output, 1);
    Seen s;
    RunResult res = run_seen(&alt, &wl, 200, 1, &s, NULL);
    cr_assert_eq(res.v[MET_completed], 1);
    SimTime ready = time_from_s(60 + 25 + 12.5);
    printf("VM: first token at %lld us (ready %lld + 2,385), finish %lld "
           "us\n",
           (long long)s.first[0], (long long)ready, (long long)s.end[0]);
    cr_assert_eq(s.first[0], ready + 2385);
    cr_assert_eq(s.end[0], ready + 3 * 2385);
}

/* ---- VMs: one engine per tp GPUs ---------------------------------------- */

/* A p4d.24xlarge (8 GPUs), ready; A at 100 s and B 500 us later (prompt
 * 10, output 3 each); an iteration takes 1,000 us + 1,000 us per decoding
 * sequence.  At tp 8 one engine runs both: A's prefill [0, 1000); A's
 * decode with B's prefill [1000, 3000); both decoding [3000, 6000), A's
 * last token; B alone [6000, 8000): A 6,000 us, B 7,500 us, 4
 * iterations.  At tp 4 the VM runs 2 engines and B goes to the one
 * holding fewer sequences: each request runs alone, 1,000 + 2 x 2,000 =
 * 5,000 us, 3 iterations each; at tp 2 (4 engines) the same.  (B arrives
 * b_after_s after A.) */
static void two_on_p4d(int tp, double b_after_s, const SimTime want_us[2],
                       double want_iterations)
{
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = 1000,
                       .decode_seq_us = 1000};
    AltSpec alt = support_vm_alt("p4d.24xlarge", 1, 16, 0);
    alt.vm.executor = EXEC_LLM;
    alt.vm.llm = llm_alt(&tm, 0, 0).llm;
    alt.vm.llm.tp = tp;
    double t[2] = {100, 100 + b_after_s};
    int prompt[2] = {10, 10}, output[2] = {3, 3};
    WorkloadSpec wl = token_trace("llmdp", t, prompt, output, 2);
    Seen s;
    LlmRunStats st = {0};
    RunResult res = run_seen(&alt, &wl, 200, 1, &s, &st);
    cr_assert_eq(res.v[MET_completed], 2);
    printf("tp %d: %.0f iterations\n", tp, (double)st.iterations);
    for (int i = 0; i < 2; i++) {
        printf("tp %d: request %d: first token %lld us, end %lld us after "
               "arriving\n",
               tp, i, (long long)(s.first[i] - s.arrival[i]),
               (long long)(s.end[i] - s.arrival[i]));
        cr_assert_eq(s.end[i] - s.arrival[i], want_us[i],
                     "tp %d, request %d", tp, i);
        cr_assert_eq(s.done[i], 3);
    }
    cr_assert_float_eq((double)st.iterations, want_iterations, 1e-9,
                       "tp %d", tp);
}

Test(llm_exec, a_vm_runs_one_engine_per_tp_gpus)
{
    const SimTime one[2] = {6000, 7500}, apart[2] = {5000, 5000};
    two_on_p4d(8, 0.0005, one, 4);
    two_on_p4d(4, 0.0005, apart, 6);
    two_on_p4d(2, 0.0005, apart, 6);
}

/* Requests arriving in the same microsecond share an idle engine's first
 * iteration: A and B both at 100 s on the p4d at TP 8 prefill together
 * [0, 1000), then decode together twice [1000, 7000): 7,000 us each, 3
 * iterations (an engine that began at the first arrival would have left
 * B to the next iteration: 6,000 and 8,000 us). */
Test(llm_exec, requests_arriving_together_share_the_first_iteration)
{
    const SimTime together[2] = {7000, 7000};
    two_on_p4d(8, 0, together, 3);
}

/* ---- the executor's errors --------------------------------------------- */

/* Loads a scenario of one alternative `alt` (JSON) on model `model` into
 * *sc: 0, or -1 with the error line in msg. */
static int load_alt(const char *model, const char *alt, Scenario *sc,
                    char *msg, size_t size)
{
    char dir[1024], text[4096];
    support_src("models", dir, sizeof dir);
    snprintf(text, sizeof text,
             "{\"name\": \"t\", \"horizon_s\": 10, \"model\": \"%s\", "
             "\"models_dir\": \"%s\", \"workload\": {\"type\": \"poisson\", "
             "\"rate_per_s\": 1}, \"alternatives\": [%s]}",
             model, dir, alt);
    Err err;
    memset(&err, 0, sizeof err);
    snprintf(msg, size, "%s", "");
    int rc = scenario_load_text("x.json", text, NULL, sc, &err);
    if (rc < 0)
        err_format(&err, msg, size);
    return rc;
}

/* The error line of load_alt, or "" when it loads. */
static const char *load_alt_error(const char *model, const char *alt,
                                  char *msg, size_t size)
{
    Scenario sc;
    if (load_alt(model, alt, &sc, msg, size) == 0)
        scenario_free(&sc);
    return msg;
}

Test(llm_exec, executor_errors_are_one_line)
{
    char msg[600];
    load_alt_error("llama-2-70b",
                   "{\"name\": \"a\", \"pricing\": \"modal-h100\", "
                   "\"memory_mb\": 160000, \"beyond_limits\": true, "
                   "\"concurrency\": 64, \"executor\": "
                   "{\"kind\": \"llm\"}}",
                   msg, sizeof msg);
    printf("%s\n", msg);
    cr_assert(strstr(msg, "alternatives[0].executor.tp: the weights of "
                          "'llama-2-70b'") != NULL,
              "%s", msg);
    cr_assert(strstr(msg, "do not fit 1 x ") != NULL, "%s", msg);
    load_alt_error("resnet50",
                   "{\"name\": \"a\", \"pricing\": \"modal-l4\", "
                   "\"memory_mb\": 32768, \"executor\": \"llm\"}",
                   msg, sizeof msg);
    printf("%s\n", msg);
    cr_assert(strstr(msg, "alternatives[0].executor: 'llm' needs a model "
                          "profile with an \"llm\" block") != NULL,
              "%s", msg);
    load_alt_error("llama-2-7b",
                   "{\"name\": \"a\", \"pricing\": \"modal-h100\", "
                   "\"memory_mb\": 32768, \"executor\": \"batch\"}",
                   msg, sizeof msg);
    printf("%s\n", msg);
    cr_assert(strstr(msg, "alternatives[0].executor: 'batch' needs the "
                          "alternative's batching.max_batch > 1") != NULL,
              "%s", msg);
    load_alt_error("llama-2-7b",
                   "{\"name\": \"a\", \"pricing\": \"modal-h100\", "
                   "\"memory_mb\": 32768, \"concurrency\": 64, \"executor\": "
                   "{\"kind\": \"llm\", \"tp\": 3}}",
                   msg, sizeof msg);
    printf("%s\n", msg);
    cr_assert(strstr(msg, "alternatives[0].executor.tp: 3 GPUs") != NULL,
              "%s", msg);
    load_alt_error("llama-2-7b",
                   "{\"name\": \"a\", \"pricing\": \"modal-h100\", "
                   "\"memory_mb\": 32768, \"concurrency\": 64, \"executor\": "
                   "{\"kind\": \"llm\", \"tp\": 2}}",
                   msg, sizeof msg);
    cr_assert_str_eq(msg, "", "llama-2-7b at tp 2 on H100 loads: %s", msg);
}

/* ---- the run's LLM metrics of the three requests ------------------------ */

/* The schedule of three_requests (no chunking) in the summary (metrics.h,
 * LLM_METRICS), by hand with T = 2,385 us and S = 1.5 s:
 *   TTFT  A = B = S + T = 1,502.385 ms, C = 2T - 1 ms = 3.770 ms;
 *   TPOT  T for all three (A: 2T over 2 gaps, B: T over 1, C: 3T over 3);
 *   E2E   A = S + 3T, B = S + 2T, C = 5T - 1 ms = 10.925 ms;
 *   E2E / tokens  C 2.73125, A 502.385, B 752.385 ms;
 *   9 output and 60 prompt tokens in 10 s; SLO TTFT 5 ms, TPOT 2.385 ms:
 *   C alone (its TPOT at the bound), 1 of 3, 0.1 per second;
 *   iterations [A B], [A B C], [A C], [C], [C]: 5, and 9 T of running
 *   sequences over 5 T busy: a mean running batch of 1.8. */
Test(llm_exec, summary_metrics_of_the_three_requests)
{
    const double T = 2385e-3, S = 1500; /* ms */
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = 2385};
    AltSpec alt = llm_alt(&tm, 0, 1.5);
    double t[3] = {0, 0, 1.501};
    int prompt[3] = {20, 10, 30}, output[3] = {3, 2, 4};
    WorkloadSpec wl = token_trace("llm3m", t, prompt, output, 3);
    RunConfig rc = support_config(&alt, &wl, 10, 1);
    rc.slo_ttft = 5000;
    rc.slo_tpot = 2385;
    RunResult res;
    world_run(&rc, &res);
    const double *v = res.v;
    printf("TTFT p50 %.3f (hand %.3f) p99 %.3f; TPOT p50 %.6f (hand %.3f); "
           "E2E p50 %.3f (hand %.3f); norm p50 %.3f (hand %.3f); batch %.3f "
           "(hand 1.8); SLO %.3f%% (hand 33.333)\n",
           v[MET_ttft_p50_ms], S + T, v[MET_ttft_p99_ms], v[MET_tpot_p50_ms],
           T, v[MET_e2e_p50_ms], S + 2 * T, v[MET_norm_p50_ms],
           (S + 3 * T) / 3, v[MET_mean_running_batch], v[MET_llm_slo_pct]);
    cr_assert_eq(v[MET_llm_requests], 3);
    cr_assert_float_eq(v[MET_ttft_p50_ms], S + T, 1e-9);
    cr_assert_float_eq(v[MET_ttft_p99_ms], S + T, 1e-9);
    cr_assert_float_eq(v[MET_ttft_mean_ms], (2 * (S + T) + 2 * T - 1) / 3,
                       1e-9);
    cr_assert_float_eq(v[MET_tpot_p50_ms], T, 1e-9);
    cr_assert_float_eq(v[MET_tpot_p99_ms], T, 1e-9);
    cr_assert_float_eq(v[MET_e2e_p50_ms], S + 2 * T, 1e-9);
    cr_assert_float_eq(v[MET_e2e_p99_ms], S + 3 * T, 1e-9);
    cr_assert_float_eq(v[MET_norm_p50_ms], (S + 3 * T) / 3, 1e-9);
    cr_assert_float_eq(v[MET_norm_p99_ms], (S + 2 * T) / 2, 1e-9);
    cr_assert_eq(v[MET_output_tokens], 9);
    cr_assert_float_eq(v[MET_output_tok_s], 0.9, 1e-12);
    cr_assert_float_eq(v[MET_total_tok_s], 6.9, 1e-12);
    cr_assert_float_eq(v[MET_llm_slo_pct], 100.0 / 3, 1e-9);
    cr_assert_float_eq(v[MET_goodput_rps], 0.1, 1e-12);
    cr_assert_eq(v[MET_iterations], 5);
    cr_assert_eq(v[MET_preemptions], 0);
    cr_assert_float_eq(v[MET_mean_running_batch], 1.8, 1e-9);
    cr_assert(v[MET_kv_util_pct] > 0 && v[MET_kv_util_pct] < 100);
}

/* An explicit "executor" naming what the batching keys imply runs the
 * same alternative: every metric of "batch" + batching equals batching
 * alone, and "single" equals no key (ResNet-50 on Modal T4, Poisson 40/s,
 * one seed). */
Test(llm_exec, explicit_executor_equals_the_default)
{
    char dir[1024], text[4096];
    support_src("models", dir, sizeof dir);
    snprintf(text, sizeof text,
             "{\"name\": \"t\", \"horizon_s\": 300, \"seed\": 5, \"model\": "
             "\"resnet50\", \"models_dir\": \"%s\", \"workload\": {\"type\": "
             "\"poisson\", \"rate_per_s\": 40}, \"defaults\": {\"pricing\": "
             "\"modal-t4\", \"memory_mb\": 4096, \"vcpus\": 1}, "
             "\"alternatives\": ["
             "{\"name\": \"a\", \"batching\": {\"max_batch\": 8, "
             "\"max_wait_ms\": 10}},"
             "{\"name\": \"b\", \"batching\": {\"max_batch\": 8, "
             "\"max_wait_ms\": 10}, \"executor\": \"batch\"},"
             "{\"name\": \"c\"},"
             "{\"name\": \"d\", \"executor\": {\"kind\": \"single\"}}]}",
             dir);
    Scenario sc;
    Err err;
    cr_assert_eq(scenario_load_text("x.json", text, NULL, &sc, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(sc.alt[1].executor, EXEC_BATCH);
    cr_assert_eq(sc.alt[3].executor, EXEC_SINGLE);
    RunResult r[4];
    for (int i = 0; i < 4; i++) {
        RunConfig rc = support_config(&sc.alt[i], &sc.workload, 300, 5);
        world_run(&rc, &r[i]);
    }
    cr_assert_gt(r[0].v[MET_mean_batch], 1.0);
    for (int k = 0; k < MET_COUNT; k++) {
        cr_assert(r[0].v[k] == r[1].v[k] ||
                      (isnan(r[0].v[k]) && isnan(r[1].v[k])),
                  "batch: metric %d differs", k);
        cr_assert(r[2].v[k] == r[3].v[k] ||
                      (isnan(r[2].v[k]) && isnan(r[3].v[k])),
                  "single: metric %d differs", k);
    }
    scenario_free(&sc);
}

/* ---- slots of an llm instance by default --------------------------------- */

/* The serverless concurrency and VM slots of one alternative on
 * llama-2-7b (one request per slot would leave the engine a batch of
 * one). */
static void load_slots(const char *alt, int *concurrency, int *slots)
{
    Scenario sc;
    char msg[600];
    cr_assert_eq(load_alt("llama-2-7b", alt, &sc, msg, sizeof msg), 0, "%s",
                 msg);
    *concurrency = sc.alt[0].concurrency;
    *slots = sc.alt[0].vm.slots;
    scenario_free(&sc);
}

Test(llm_exec, llm_instances_hold_max_num_seqs_requests_by_default)
{
    int conc, slots;
    load_slots("{\"name\": \"a\", \"pricing\": \"modal-h100\", "
               "\"memory_mb\": 32768, \"executor\": {\"kind\": \"llm\", "
               "\"max_num_seqs\": 48}}",
               &conc, &slots);
    cr_assert_eq(conc, 48);
    load_slots("{\"name\": \"a\", \"pricing\": \"modal-h100\", "
               "\"memory_mb\": 32768, \"executor\": \"llm\"}",
               &conc, &slots);
    cr_assert_eq(conc, 256, "vLLM's max_num_seqs default");
    load_slots("{\"name\": \"a\", \"pricing\": \"modal-h100\", "
               "\"memory_mb\": 32768, \"concurrency\": 8, \"executor\": "
               "\"llm\"}",
               &conc, &slots);
    cr_assert_eq(conc, 8, "an explicit concurrency is kept");
    load_slots("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": "
               "{\"instance_type\": \"p5.48xlarge\", \"count\": 1}, "
               "\"executor\": {\"kind\": \"llm\", \"max_num_seqs\": 96}}",
               &conc, &slots);
    cr_assert_eq(slots, 8 * 96, "8 engines at tp 1, 96 sequences each");
    load_slots("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": "
               "{\"instance_type\": \"p5.48xlarge\", \"count\": 1}, "
               "\"executor\": {\"kind\": \"llm\", \"max_num_seqs\": 96, "
               "\"tp\": 4}}",
               &conc, &slots);
    cr_assert_eq(slots, 2 * 96, "2 engines at tp 4");
    load_slots("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": "
               "{\"instance_type\": \"p5.48xlarge\", \"count\": 1, "
               "\"slots\": 4}, \"executor\": \"llm\"}",
               &conc, &slots);
    cr_assert_eq(slots, 4, "explicit slots are kept");
}

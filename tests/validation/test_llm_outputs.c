/*
 * test_llm_outputs.c - where the LLM metrics appear, end to end through
 * `simsrv run`.
 *
 * Pins: a scenario whose requests carry no token counts writes no LLM
 * column (summary.csv, summary.json, timeseries.csv keep the columns they
 * had); a trace with token counts writes all of them, with output tokens,
 * tokens/s and $/1M output tokens by hand: three requests of 100, 200 and
 * 300 output tokens (1,000, 2,000 and 3,000 prompt tokens) in 600 s on one
 * g6.xlarge ($0.8048/h, billed 600 s: $0.134133) give 600 output tokens,
 * 1 and 11 tokens/s, $223.556 per 1M output tokens.  The api platform
 * by hand (a user catalog entry: $1 / $2 per 1M input / output tokens, 3
 * requests per minute, TTFT 200 ms, 50 tokens/s; and 3,000 tokens per
 * minute instead): which requests the buckets reject, TTFT, TPOT, E2E,
 * SLO attainment, goodput, the bill of completed, timed-out and
 * unfinished requests, $/1M output tokens.  Does not pin the executors'
 * TTFT or TPOT (their tests do).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* The value in column `name` of data row `row` (from 1; summary.csv has
 * one per alternative, in order) of a CSV file without quoted fields; NaN
 * when empty; the test fails when the column is absent unless `absent_ok`
 * (then -1 is returned). */
static double csv_cell(const char *path, int row, const char *name,
                       int absent_ok)
{
    size_t n;
    char *text = support_slurp(path, &n);
    char *line = strchr(text, '\n');
    cr_assert_not_null(line);
    *line++ = '\0';
    for (int r = 1; r < row; r++) {
        line = strchr(line, '\n');
        cr_assert_not_null(line, "%s: no row %d", path, row);
        line++;
    }
    int col = -1, i = 0;
    for (char *save = NULL, *h = strtok_r(text, ",", &save); h != NULL;
         h = strtok_r(NULL, ",", &save), i++)
        if (strcmp(h, name) == 0)
            col = i;
    if (col < 0) {
        cr_assert(absent_ok, "%s: no column %s", path, name);
        free(text);
        return -1;
    }
    /* walk the row by hand: empty cells must count */
    const char *c = line;
    for (i = 0; i < col; i++) {
        c = strchr(c, ',');
        cr_assert_not_null(c);
        c++;
    }
    double v = (*c == ',' || *c == '\n' || *c == '\0') ? (double)NAN
                                                        : atof(c);
    free(text);
    return v;
}

static double csv_value(const char *path, const char *name, int absent_ok)
{
    return csv_cell(path, 1, name, absent_ok);
}

static int file_has(const char *path, const char *needle)
{
    size_t n;
    char *text = support_slurp(path, &n);
    int found = strstr(text, needle) != NULL;
    free(text);
    return found;
}

/* A fresh folder (dir[1024]) for test `tag`, the models folder
 * (models[1024]) and, unless NULL, `trace` written to dir/t.csv. */
static void prepare(const char *tag, char *dir, char *models,
                    const char *trace)
{
    char path[1200];
    support_tmpdir(tag, dir, 1024);
    support_src("models", models, 1024);
    if (trace != NULL) {
        snprintf(path, sizeof path, "%s/t.csv", dir);
        support_write_file(path, trace);
    }
}

static void run(const char *dir, const char *body)
{
    char file[1100], out[1100];
    snprintf(file, sizeof file, "%s/s.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    support_write_file(file, body);
    const char *argv[] = {"simsrv", "run", file, "--out", out, "--quiet",
                          NULL};
    cr_assert_eq(support_cli(argv), 0);
}

static double row_value(const char *path, int row, const char *name)
{
    return csv_cell(path, row, name, 0);
}

Test(llm_outputs, no_token_counts_no_llm_columns)
{
    char dir[1024], models[1024], body[2048], path[1200];
    prepare("llmout-plain", dir, models, NULL);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 120, \"timeseries_interval_s\": 60, "
             "\"models_dir\": \"%s\", \"model\": \"resnet18\", \"workload\": "
             "{\"type\": \"poisson\", \"rate_per_s\": 2}, \"alternatives\": "
             "[{\"name\": \"l\", \"memory_mb\": 2048}]}",
             models);
    run(dir, body);
    snprintf(path, sizeof path, "%s/out/summary.csv", dir);
    cr_assert_eq(csv_value(path, "ttft_p50_ms", 1), -1);
    cr_assert_eq(csv_value(path, "usd_per_1m_out", 1), -1);
    cr_assert_geq(csv_value(path, "warmup_s", 0), 0);
    snprintf(path, sizeof path, "%s/out/summary.json", dir);
    cr_assert(!file_has(path, "slo_ttft_ms"));
    cr_assert(!file_has(path, "goodput_rps"));
    snprintf(path, sizeof path, "%s/out/timeseries.csv", dir);
    cr_assert(!file_has(path, "ttft_p50_ms"));
}

Test(llm_outputs, token_counts_give_tokens_per_second_and_cost_per_token)
{
    char dir[1024], models[1024], body[2048], path[1200];
    prepare("llmout-llm", dir, models,
            "timestamp,ctx,gen\n1.5,1000,100\n2.5,2000,200\n3.5,3000,300\n");
    snprintf(body, sizeof body,
             "{\"horizon_s\": 600, \"timeseries_interval_s\": 300, "
             "\"slo_ttft_ms\": 500, \"slo_tpot_ms\": 50, "
             "\"models_dir\": \"%s\", \"model\": \"llama-2-7b\", \"workload\": "
             "{\"type\": \"trace\", \"file\": \"t.csv\", \"context_column\": "
             "\"ctx\", \"generated_column\": \"gen\"}, \"alternatives\": "
             "[{\"name\": \"l4\", \"platform\": \"vm\", \"vm\": "
             "{\"instance_type\": \"g6.xlarge\", \"count\": 1}}]}",
             models);
    run(dir, body);
    snprintf(path, sizeof path, "%s/out/summary.csv", dir);
    cr_assert_eq(csv_value(path, "completed", 0), 3);
    cr_assert_eq(csv_value(path, "output_tokens", 0), 600);
    cr_assert_float_eq(csv_value(path, "output_tok_s", 0), 1.0, 1e-12);
    cr_assert_float_eq(csv_value(path, "total_tok_s", 0), 11.0, 1e-12);
    double cost = csv_value(path, "cost_usd", 0);
    cr_assert_float_eq(cost, 0.8048 * 600 / 3600, 1e-12);
    double per_1m = csv_value(path, "usd_per_1m_out", 0);
    fprintf(stderr, "usd_per_1m_out: hand 0.8048 x 600 / 3600 / 600 x 1e6 = "
                    "223.5556, sim %.4f\n", per_1m);
    cr_assert_float_eq(per_1m, 0.8048 * 600 / 3600 / 600 * 1e6, 1e-9);
    cr_assert(isnan(csv_value(path, "kv_util_pct", 0)) ||
              csv_value(path, "kv_util_pct", 0) >= 0);
    snprintf(path, sizeof path, "%s/out/summary.json", dir);
    cr_assert(file_has(path, "\"slo_ttft_ms\": 500"));
    cr_assert(file_has(path, "\"slo_tpot_ms\": 50"));
    snprintf(path, sizeof path, "%s/out/timeseries.csv", dir);
    /* all three complete in the first 300 s window */
    cr_assert_float_eq(csv_value(path, "out_tok_s", 0), 2.0, 1e-9);
}

Test(llm_outputs, api_platform_by_hand)
{
    char dir[1024], models[1024], body[4096], path[1200];
    /* 5 at 1 s (3 pass: the bucket holds 3), 21 s (refilled one: 20 s at
     * 3 a minute), 22 s (rejected), 3 at 100 s (full again), 199.9 s
     * (admitted, unfinished at the horizon: 0.1 s < TTFT) */
    prepare("llmout-api", dir, models,
            "timestamp,ctx,gen\n1.0,1000,11\n1.0,1000,11\n1.0,1000,11\n"
            "1.0,1000,11\n1.0,1000,11\n21.0,1000,11\n22.0,1000,11\n"
            "100.0,1000,11\n100.0,1000,11\n100.0,1000,11\n199.9,1000,11\n");
    snprintf(path, sizeof path, "%s/prices.json", dir);
    support_write_file(path,
                       "{\"entries\": [{\"id\": \"test-api\", \"provider\": "
                       "\"test\", \"region\": \"x\", \"date\": \"2026-12\", "
                       "\"source\": \"test\", \"model\": \"per-token\", "
                       "\"usd_per_1m_input\": 1.0, \"usd_per_1m_output\": 2.0, "
                       "\"rate_limit_rpm\": 3, \"ttft_ms\": 200, "
                       "\"output_tokens_per_s\": 50}, {\"id\": \"test-tpm\", "
                       "\"provider\": \"test\", \"region\": \"x\", \"date\": "
                       "\"2026-12\", \"source\": \"test\", \"model\": "
                       "\"per-token\", \"usd_per_1m_input\": 1.0, "
                       "\"usd_per_1m_output\": 2.0, \"rate_limit_tpm\": 3000, "
                       "\"ttft_ms\": 200, \"output_tokens_per_s\": 50}]}");
    snprintf(body, sizeof body,
             "{\"horizon_s\": 200, \"timeseries_interval_s\": 0, "
             "\"slo_ttft_ms\": 200, \"slo_tpot_ms\": 20, "
             "\"pricing_catalog\": \"prices.json\", "
             "\"models_dir\": \"%s\", \"model\": \"llama-2-7b\", \"workload\": "
             "{\"type\": \"trace\", \"file\": \"t.csv\", \"context_column\": "
             "\"ctx\", \"generated_column\": \"gen\"}, \"alternatives\": "
             "[{\"name\": \"api\", \"platform\": \"api\", \"pricing\": "
             "\"test-api\"}, {\"name\": \"api-timeout\", \"platform\": "
             "\"api\", \"pricing\": \"test-api\", \"timeout_s\": 0.3}, "
             "{\"name\": \"api-tpm\", \"platform\": \"api\", \"pricing\": "
             "\"test-tpm\"}]}",
             models);
    run(dir, body);
    snprintf(path, sizeof path, "%s/out/summary.csv", dir);
    cr_assert_eq(row_value(path, 1, "arrivals"), 11);
    cr_assert_eq(row_value(path, 1, "rejected"), 3);
    cr_assert_eq(row_value(path, 1, "completed"), 7);
    cr_assert_eq(row_value(path, 1, "unfinished"), 1);
    cr_assert_eq(row_value(path, 1, "cold_starts"), 0);
    /* 11 tokens: TTFT 200 ms, 10 gaps of 20 ms, E2E 400 ms */
    cr_assert_eq(row_value(path, 1, "ttft_p50_ms"), 200.0);
    cr_assert_eq(row_value(path, 1, "ttft_p99_ms"), 200.0);
    cr_assert_float_eq(row_value(path, 1, "tpot_p99_ms"), 20.0, 1e-9);
    cr_assert_eq(row_value(path, 1, "e2e_p50_ms"), 400.0);
    cr_assert_float_eq(row_value(path, 1, "norm_p50_ms"), 400.0 / 11, 1e-6);
    /* at both targets exactly: 7 of 10 ended requests, 7 in 200 s */
    cr_assert_float_eq(row_value(path, 1, "llm_slo_pct"), 70.0, 1e-9);
    cr_assert_float_eq(row_value(path, 1, "goodput_rps"), 0.035, 1e-12);
    cr_assert_eq(row_value(path, 1, "output_tokens"), 77);
    /* 8 prompts of 1,000 tokens at $1 per 1M + 7 x 11 output tokens at $2
     * per 1M (the unfinished one had none yet) */
    double cost = 8 * 1000 * 1e-6 + 7 * 11 * 2e-6;
    fprintf(stderr, "api cost: hand %.6f, sim %.6f\n", cost,
            row_value(path, 1, "cost_usd"));
    cr_assert_float_eq(row_value(path, 1, "cost_usd"), cost, 1e-12);
    cr_assert_float_eq(row_value(path, 1, "cost_tokens_usd"), cost, 1e-12);
    cr_assert_float_eq(row_value(path, 1, "usd_per_1m_out"), cost / 77 * 1e6,
                       1e-9);
    cr_assert(isnan(row_value(path, 1, "mean_running_batch")));
    cr_assert(isnan(row_value(path, 1, "kv_util_pct")));
    /* timeout 0.3 s: stopped after 1 + floor(0.1 x 50) = 6 tokens, billed
     * its prompt and those; the one at 199.9 s is still unfinished */
    cr_assert_eq(row_value(path, 2, "timed_out"), 7);
    cr_assert_eq(row_value(path, 2, "completed"), 0);
    cr_assert_float_eq(row_value(path, 2, "cost_usd"),
                       8 * 1000 * 1e-6 + 7 * 6 * 2e-6, 1e-12);
    /* 3,000 tokens a minute (50 a second), requests of 1,000 + 11: 2 of
     * the 5 at 1 s (978 left); 21 s: 1,978, one passes (967); 22 s:
     * 1,017, one passes (6); 100 s: full, 2 of 3; 199.9 s: full, passes */
    cr_assert_eq(row_value(path, 3, "rejected"), 4);
    cr_assert_eq(row_value(path, 3, "completed"), 6);
    cr_assert_eq(row_value(path, 3, "unfinished"), 1);
    cr_assert_float_eq(row_value(path, 3, "cost_usd"),
                       7 * 1000 * 1e-6 + 6 * 11 * 2e-6, 1e-12);
}

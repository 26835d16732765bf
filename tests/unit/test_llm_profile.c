/*
 * test_llm_profile.c - the LLM model profiles (models/llama-*.json, written
 * by scripts/import-vidur) and the fitted iteration-time model.
 *
 * Pins: the three profiles load, with their classes and TP degrees; KV
 * bytes per token of the three shapes (2 x layers x KV heads x head dim x
 * 2 bytes / tp: 524,288, 131,072, 327,680 B at TP 1, 163,840 B for the 70B
 * at TP 2); the KV capacity of Llama-2-7B on an 80 GiB GPU at utilisation
 * 0.9 by hand; the cold-start sum of Llama-2-7B on gpu-a100-80 at the NVMe
 * rate by hand; llm_time_fitted_us on a hand-made model (knots,
 * extrapolation, clamping, each term); a "linear" time model read from a
 * profile, by hand; and the fit's error on held-out
 * profile rows: tests/data/vidur-*-heldout.csv are rows of Vidur's tables
 * that the importer held out; the error of the committed profiles on them
 * is printed and must not exceed the held-out maximum the profile states
 * (they are a subset of those rows) nor a few per cent at the median.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/scenario.h"
#include "entity/profile.h"
#include "executor/llm_model.h"
#include "support.h"

static void load(const char *name, ModelProfile *m)
{
    char rel[128], path[1024];
    Err err = {0};
    snprintf(rel, sizeof rel, "models/%s.json", name);
    support_src(rel, path, sizeof path);
    int rc = profile_load(path, m, &err);
    cr_assert_eq(rc, 0, "%s: %s", name, err.msg);
}

Test(llm_profile, the_three_profiles_load_with_their_classes_and_tp)
{
    static ModelProfile m;
    const struct {
        const char *name, *hw;
        int tp, absent_tp;
    } want[] = {{"llama-2-7b", "gpu-a100-80", 1, 0},
                {"llama-2-7b", "gpu-l4", 1, 2},
                {"llama-3-8b", "gpu-h100", 8, 0},
                {"llama-2-70b", "gpu-a100-80", 2, 1},
                {"llama-2-70b", "gpu-h100", 8, 1}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        load(want[i].name, &m);
        cr_assert(m.llm.present, "%s", want[i].name);
        const LlmHwModel *x = profile_llm(&m, want[i].hw, want[i].tp);
        cr_assert_not_null(x, "%s %s TP %d", want[i].name, want[i].hw,
                           want[i].tp);
        cr_expect_eq(x->time.kind, LLM_TM_FITTED);
        cr_expect_eq(x->time.layers, m.llm.shape.layers);
        cr_expect(x->fit_median_rel_err >= 0 &&
                  x->fit_median_rel_err <= x->fit_max_rel_err);
        if (want[i].absent_tp)
            cr_expect_null(profile_llm(&m, want[i].hw, want[i].absent_tp),
                           "%s %s TP %d should be absent", want[i].name,
                           want[i].hw, want[i].absent_tp);
        fprintf(stderr, "%s %s TP %d: held-out median %.1f%%, max %.1f%%\n",
                want[i].name, want[i].hw, want[i].tp,
                100 * x->fit_median_rel_err, 100 * x->fit_max_rel_err);
    }
    cr_expect_null(profile_llm(&m, "gpu-t4", 1));
    load("resnet50", &m); /* not an LLM profile */
    cr_expect_eq(m.llm.present, 0);
    cr_expect_null(profile_llm(&m, "cpu", 1));
}

Test(llm_profile, kv_bytes_per_token_of_the_three_shapes)
{
    static ModelProfile m;
    load("llama-2-7b", &m);
    cr_expect_eq(llm_kv_bytes_per_token(&m.llm.shape, 1), 524288.0);
    load("llama-3-8b", &m);
    cr_expect_eq(llm_kv_bytes_per_token(&m.llm.shape, 1), 131072.0);
    load("llama-2-70b", &m);
    cr_expect_eq(llm_kv_bytes_per_token(&m.llm.shape, 1), 327680.0);
    cr_expect_eq(llm_kv_bytes_per_token(&m.llm.shape, 2), 163840.0);
}

Test(llm_profile, kv_capacity_of_llama_2_7b_on_80_gib_at_0_9)
{
    /* 0.9 x 80 x 2^30 = 77,309,411,328 B; - weights 13,476,831,232
     * (6,738,415,616 params x 2) - reserve 1,916,010,496 (8,192 x (3 x
     * 11,008 + 4 x 4,096) x 2 = 809,500,672 + 256 x 32,000 x 4 = 32,768,000
     * + 2^30) = 61,916,569,600 B; / 524,288 = 118,096.48 -> 118,096
     * tokens (7,381 blocks of 16) */
    static ModelProfile m;
    load("llama-2-7b", &m);
    cr_expect_eq(m.llm.shape.weights_bytes, 13476831232.0);
    cr_expect_eq(m.llm.activation_reserve_bytes, 1916010496.0);
    const HwProfile *h = profile_hw(&m, "gpu-a100-80");
    cr_assert_not_null(h);
    cr_expect_eq(h->gpu_memory_bytes, 85899345920.0);
    double tokens = profile_llm_kv_tokens(&m, h->gpu_memory_bytes, 0.9, 1);
    fprintf(stderr, "Llama-2-7B KV capacity on 80 GiB at 0.9: %.0f tokens "
                    "(hand: 118096)\n",
            tokens);
    cr_expect_eq(tokens, 118096.0);
    /* nothing left: a 13.5 GB model on a 16 GiB GPU at 0.5 */
    cr_expect_eq(profile_llm_kv_tokens(&m, 16.0 * (1 << 30), 0.5, 1), 0.0);
}

Test(llm_profile, cold_start_of_llama_2_7b_from_nvme_by_hand)
{
    /* container 5 s + runtime init 8 s + 13,476,831,232 B / 20e9 B/s =
     * 0.6738415616 s + KV allocation 0.67917 s + warm-up 5.68643 s (the
     * profile's figures) = 20.0394415616 s; from host memory (52e9 B/s)
     * the weights take 0.25917 s */
    static ModelProfile m;
    load("llama-2-7b", &m);
    const HwProfile *h = profile_hw(&m, "gpu-a100-80");
    const LlmHwModel *x = profile_llm(&m, "gpu-a100-80", 1);
    cr_assert_not_null(x);
    cr_expect_float_eq(x->container_start_s, 5.0, 1e-12);
    cr_expect_float_eq(x->runtime_init_s, 8.0, 1e-12);
    cr_expect_float_eq(x->kv_alloc_s, 0.67917, 1e-12);
    cr_expect_float_eq(x->warmup_s, 5.68643, 1e-12);
    cr_expect_float_eq(profile_llm_load_s(&m, h, 1, LLM_LOAD_NVME),
                       0.6738415616, 1e-12);
    double s = profile_llm_cold_start_s(&m, h, x, LLM_LOAD_NVME);
    fprintf(stderr, "Llama-2-7B cold start, gpu-a100-80, NVMe: %.10f s "
                    "(hand: 20.0394415616)\n",
            s);
    cr_expect_float_eq(s, 20.0394415616, 1e-9);
    cr_expect_float_eq(profile_llm_load_s(&m, h, 1, LLM_LOAD_DRAM),
                       13476831232.0 / 52e9, 1e-12);
    /* host memory: one PCIe link per GPU, so TP 2 loads twice as fast */
    cr_expect_float_eq(profile_llm_load_s(&m, h, 2, LLM_LOAD_DRAM),
                       13476831232.0 / 104e9, 1e-12);
}

/* A hand-made fitted model: 2 layers, knots at 1 and 101 tokens. */
static LlmTimeModel hand_model(void)
{
    LlmTimeModel m = {0};
    m.kind = LLM_TM_FITTED;
    m.layers = 2;
    m.n_knots = 2;
    m.knot_tokens[0] = 1;
    m.knot_tokens[1] = 101;
    m.layer_us[0] = 10;      /* 10 + 1 per token beyond the first */
    m.layer_us[1] = 110;
    m.allreduce_us[0] = 1;   /* 1 + 0.01 per token */
    m.allreduce_us[1] = 2;
    m.emb_us[0] = 0;
    m.emb_us[1] = 0;
    m.cpu_iter_us = 1000;
    m.cpu_seq_us = 5;
    m.attn_dec_us = 3;
    m.attn_dec_seq_us = 0.5;
    m.attn_dec_kv_us = 0.001;
    m.attn_pre_us = 0;
    m.attn_pre_seq_us = 4;
    m.attn_pre_token_us = 0.1;
    m.attn_pre_work_us = 0.0001;
    m.lm_head_us = 50;
    m.lm_head_token_us = 2;
    return m;
}

Test(llm_profile, fitted_time_of_a_hand_made_model)
{
    LlmTimeModel m = hand_model();
    /* 4 decodes reading 4,000 KV tokens: T = 4; layer 13 + all-reduce
     * 1.03 + decode attention 3 + 2 + 4 = 9 -> 23.03 per layer, x 2 =
     * 46.06; cpu 1000 + 20; head 50 + 8: 1124.06 us */
    LlmBatch d = {.decode_seqs = 4, .decode_kv_tokens = 4000,
                  .output_tokens = 4};
    cr_expect_float_eq(llm_time_fitted_us(&m, &d), 1124.06, 1e-9);
    /* the engine's entry point rounds it to the microsecond */
    cr_expect_eq(llm_time_us(&m, &d), 1124);
    /* one prefill of 201 tokens (beyond the last knot: the last segment
     * extended), work 20,200: layer 210 + all-reduce 3.0 +
     * prefill attention 4 + 20.1 + 2.02 = 239.12 per layer, x 2 = 478.24;
     * cpu 1005; head 52: 1535.24 us */
    LlmBatch p = {.prefill_tokens = 201, .prefill_seqs = 1,
                  .prefill_attn_work = 20200, .new_seqs = 1,
                  .output_tokens = 1};
    cr_expect_float_eq(llm_time_fitted_us(&m, &p), 1535.24, 1e-9);
    /* an empty batch takes nothing */
    LlmBatch none = {0};
    cr_expect_eq(llm_time_fitted_us(&m, &none), 0.0);
    /* a table below 0 counts 0 (the loader refuses one; the sum never
     * goes down) */
    m.layer_us[0] = -5;
    m.layer_us[1] = -100;
    LlmBatch one = {.decode_seqs = 1, .decode_kv_tokens = 0,
                    .output_tokens = 1};
    /* layer 0 + all-reduce 1 + attention 3.5 = 4.5, x 2 = 9; cpu 1005;
     * head 52: 1066 us */
    cr_expect_float_eq(llm_time_fitted_us(&m, &one), 1066.0, 1e-9);
}

/* A copy of tm with only the non-attention tables (all-reduce off). */
static LlmTimeModel only_nonattention(const LlmTimeModel *tm)
{
    LlmTimeModel m = {0};
    m.kind = LLM_TM_FITTED;
    m.layers = tm->layers;
    m.n_knots = tm->n_knots;
    memcpy(m.knot_tokens, tm->knot_tokens, sizeof m.knot_tokens);
    memcpy(m.layer_us, tm->layer_us, sizeof m.layer_us);
    memcpy(m.emb_us, tm->emb_us, sizeof m.emb_us);
    return m;
}

/* A copy of tm with only its attention terms, one layer. */
static LlmTimeModel only_attention(const LlmTimeModel *tm)
{
    LlmTimeModel m = {0};
    m.kind = LLM_TM_FITTED;
    m.layers = 1;
    m.n_knots = 1;
    m.attn_dec_us = tm->attn_dec_us;
    m.attn_dec_seq_us = tm->attn_dec_seq_us;
    m.attn_dec_kv_us = tm->attn_dec_kv_us;
    m.attn_pre_us = tm->attn_pre_us;
    m.attn_pre_seq_us = tm->attn_pre_seq_us;
    m.attn_pre_token_us = tm->attn_pre_token_us;
    m.attn_pre_work_us = tm->attn_pre_work_us;
    return m;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* The next data line of a fixture (comments and the header skipped). */
static char *next_row(char **cursor)
{
    while (**cursor != '\0') {
        char *line = *cursor, *nl = strchr(line, '\n');
        *cursor = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        if (line[0] != '#' && line[0] != '\0' &&
            strncmp(line, "model,", 6) != 0 &&
            strncmp(line, "is_prefill,", 11) != 0)
            return line;
    }
    return NULL;
}

/* Splits a CSV line in place; empty fields become "". */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (c == NULL)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

Test(llm_profile, held_out_nonattention_rows_of_the_mlp_tables)
{
    char path[1024];
    size_t len;
    char *text = support_slurp(
        support_src("tests/data/vidur-mlp-heldout.csv", path, sizeof path),
        &len);
    char *cur = text, *line;
    double err[64];
    int n = 0;
    static ModelProfile m;
    char loaded[64] = "";
    while ((line = next_row(&cur)) != NULL) {
        char *f[16];
        cr_assert_eq(split(line, f, 16), 14, "a fixture row has 14 fields");
        if (strcmp(loaded, f[0]) != 0) {
            load(f[0], &m);
            snprintf(loaded, sizeof loaded, "%s", f[0]);
        }
        int tp = atoi(f[2]);
        const LlmHwModel *x = profile_llm(&m, f[1], tp);
        cr_assert_not_null(x, "%s %s TP %d", f[0], f[1], tp);
        double tokens = atof(f[3]), layer_us = 0;
        for (int k = 5; k < 14; k++)
            layer_us += atof(f[k]) * 1000;
        double measured = m.llm.shape.layers * layer_us + atof(f[4]) * 1000;
        LlmTimeModel only = only_nonattention(&x->time);
        LlmBatch b = {.decode_seqs = (int64_t)tokens};
        double fitted = llm_time_fitted_us(&only, &b);
        double e = fabs(fitted - measured) / measured;
        fprintf(stderr, "held out: %s %s TP %d, %5.0f tokens: measured %9.1f "
                        "us, fitted %9.1f us, error %5.2f%% (profile's "
                        "held-out max %.2f%%)\n",
                f[0], f[1], tp, tokens, measured, fitted, 100 * e,
                100 * x->fit_max_rel_err);
        cr_expect_leq(e, x->fit_max_rel_err + 1e-5,
                      "%s %s TP %d at %.0f tokens: %.4f above the stated "
                      "maximum",
                      f[0], f[1], tp, tokens, e);
        cr_assert_lt(n, 64);
        err[n++] = e;
    }
    free(text);
    cr_assert_eq(n, 30, "30 held-out rows");
    double med = median(err, n);
    fprintf(stderr, "non-attention, %d held-out rows: median error %.2f%%, "
                    "max %.2f%% (bound: median <= 5%%)\n",
            n, 100 * med, 100 * err[n - 1]);
    cr_expect_leq(med, 0.05);
}

Test(llm_profile, held_out_attention_rows_of_the_70b_table)
{
    char path[1024];
    size_t len;
    char *text = support_slurp(
        support_src("tests/data/vidur-attention-heldout.csv", path,
                    sizeof path),
        &len);
    static ModelProfile m;
    load("llama-2-70b", &m);
    const LlmHwModel *x = profile_llm(&m, "gpu-a100-80", 2);
    cr_assert_not_null(x);
    LlmTimeModel only = only_attention(&x->time);
    char *cur = text, *line;
    double err[2][16];
    int n[2] = {0, 0};
    while ((line = next_row(&cur)) != NULL) {
        char *f[8];
        cr_assert_eq(split(line, f, 8), 8);
        int prefill = strcmp(f[0], "True") == 0;
        int64_t batch = atoll(f[1]), kv = atoll(f[2]), chunk = atoll(f[3]);
        double measured = (atof(f[4]) + atof(f[5]) + atof(f[6]) +
                           atof(f[7])) * 1000;
        LlmBatch b = {0};
        if (prefill) {
            b.prefill_tokens = chunk;
            b.prefill_seqs = 1;
            b.prefill_attn_work = chunk * kv + chunk * chunk / 2;
        } else {
            b.decode_seqs = batch;
            b.decode_kv_tokens = batch * kv;
        }
        double fitted = llm_time_fitted_us(&only, &b);
        double e = fabs(fitted - measured) / measured;
        fprintf(stderr, "held out: 70B A100 TP 2 %s batch %3lld kv %4lld "
                        "chunk %4lld: measured %7.1f us, fitted %7.1f us, "
                        "error %5.1f%%\n",
                prefill ? "prefill" : "decode ", (long long)batch,
                (long long)kv, (long long)chunk, measured, fitted, 100 * e);
        cr_assert_lt(n[prefill], 16);
        err[prefill][n[prefill]++] = e;
    }
    free(text);
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(n[k], 12);
        double med = median(err[k], n[k]);
        fprintf(stderr, "attention %s, 12 held-out rows: median %.1f%%, max "
                        "%.1f%% (bounds: median <= 20%%, max <= 65%%)\n",
                k ? "prefill" : "decode", 100 * med,
                100 * err[k][n[k] - 1]);
        cr_expect_leq(med, 0.20);
        cr_expect_leq(err[k][n[k] - 1], 0.65);
    }
}

Test(llm_profile, a_linear_time_model_loads_beside_the_per_request_blocks)
{
    /* iter 100 + new_seq 1000 + prefill 2 per token + output 50 per token:
     * a 500-token prompt's first iteration = 100 + 1000 + 1000 + 50 =
     * 2150 us; then a decode = 150 us (llm_model.h's linear form) */
    char dir[512], path[600];
    support_tmpdir("llm-linear", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lin.json", dir);
    support_write_file(
        path,
        "{\"name\": \"lin\", \"size_mb\": 2, \"memory_mb\": 4, \"llm\": "
        "{\"layers\": 2, \"hidden\": 64, \"q_heads\": 8, \"kv_heads\": 4, "
        "\"head_dim\": 8, \"ffn\": 128, \"vocab\": 100, \"params\": 1e6, "
        "\"dtype_bytes\": 2, \"weights_bytes\": 2e6}, \"hardware\": "
        "{\"gpu-l4\": {\"cold_start\": {}, \"warm\": {\"a_ms\": 1, \"c_ms\": "
        "0}, \"llm\": {\"gpu_memory_gib\": 24, \"tp\": {\"2\": "
        "{\"time_model\": {\"kind\": \"linear\", \"iter_us\": 100, "
        "\"new_seq_us\": 1000, \"prefill_token_us\": 2, \"output_token_us\": "
        "50}, \"cold_start\": {\"container_start_ms\": 1000, "
        "\"runtime_init_ms\": 2000, \"kv_alloc_ms\": 300, \"warmup_ms\": "
        "400}}}}}}}");
    static ModelProfile m;
    Err err = {0};
    cr_assert_eq(profile_load(path, &m, &err), 0, "%s", err.msg);
    const LlmHwModel *x = profile_llm(&m, "gpu-l4", 2);
    cr_assert_not_null(x);
    cr_expect_eq(x->time.kind, LLM_TM_LINEAR);
    cr_expect_eq(x->fit_median_rel_err, -1.0); /* no fit given */
    LlmBatch first = {.prefill_tokens = 500, .prefill_seqs = 1,
                      .new_seqs = 1, .output_tokens = 1};
    LlmBatch decode = {.decode_seqs = 1, .decode_kv_tokens = 501,
                       .output_tokens = 1};
    cr_expect_eq(llm_time_us(&x->time, &first), 2150);
    cr_expect_eq(llm_time_us(&x->time, &decode), 150);
    /* no load rate given: the cold start is unknown (-1) */
    const HwProfile *h = profile_hw(&m, "gpu-l4");
    cr_expect_eq(profile_llm_cold_start_s(&m, h, x, LLM_LOAD_NVME), -1.0);
    cr_expect_eq(profile_llm(&m, "gpu-l4", 1), NULL);
}

/*
 * profile_llm.c - the "llm" blocks of a model profile -> LlmProfile and
 * LlmHwModel (entity/profile.h).
 *
 * Format (scripts/import-vidur writes it; sizes in bytes, times in the
 * unit their key names):
 *   "llm": { "layers": 32, "hidden": 4096, "q_heads": 32, "kv_heads": 32,
 *            "head_dim": 128, "ffn": 11008, "vocab": 32000,
 *            "params": 6738415616, "dtype_bytes": 2,
 *            "weights_bytes": 13476831232,
 *            "activation_reserve_bytes": 1.9e9, "source": "..." }
 * and in a hardware class beside "cold_start" and "warm":
 *   "llm": { "gpu_memory_gib": 80,
 *            "load_gb_per_s": { "remote": .., "nvme": .., "dram": .. },
 *            "tp": { "1": { "time_model": TM,
 *                           "cold_start": { "container_start_ms": ..,
 *                               "runtime_init_ms": .., "kv_alloc_ms": ..,
 *                               "warmup_ms": .. } }, "2": {...} } }
 * TM is { "kind": "fitted", "knots_tokens": [...], "emb_us": [...],
 * "layer_us": [...], "allreduce_us": [...] (absent: 0), "cpu_iter_us",
 * "cpu_seq_us", "attn_decode_us", "attn_decode_seq_us",
 * "attn_decode_kv_token_us", "attn_prefill_us", "attn_prefill_seq_us",
 * "attn_prefill_token_us", "attn_prefill_work_us", "lm_head_us",
 * "lm_head_token_us", "fit": { "heldout_median_rel_err",
 * "heldout_max_rel_err", ... } } (executor/llm_model.h says what each term
 * is), or { "kind": "linear", "iter_us", "new_seq_us", "prefill_token_us",
 * "output_token_us", "decode_seq_us", "kv_token_us", "attn_work_us" }.
 * "source", "sources", "notes" are free text; "fit" beyond its two numbers
 * is the record of how the fit was made.  gpu_memory_gib is in 2^30 bytes
 * (a data sheet's "80 GB" of HBM), load_gb_per_s in 10^9 bytes per second.
 *
 * Checks beyond each number's range: KV heads divide query heads; a TP
 * degree is 1, 2, 4 or 8, divides both head counts, and leaves room for
 * its share of the weights on one GPU; knots increase strictly and every
 * table has one value per knot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_int.h"

/* An integer field of the shape. */
static int shape_int(const JCtx *c, const cJSON *v, const char *key,
                     long long max, int *out)
{
    long long x;
    int rc = json_int(c, v, "llm", key, 1, 0, 1, max, &x);
    if (rc == 0)
        *out = (int)x;
    return rc;
}

int profile_llm_load_model(const JCtx *c, const cJSON *v, ModelProfile *m)
{
    static const char *const keys[] = {
        "layers", "hidden", "q_heads", "kv_heads", "head_dim", "ffn",
        "vocab", "params", "dtype_bytes", "weights_bytes",
        "activation_reserve_bytes", "source", "sources", "notes", NULL};
    LlmProfile *p = &m->llm;
    int rc, dtype = 0;
    if ((rc = json_expect_object(c, v, "llm")) < 0 ||
        (rc = json_check_keys(c, v, "llm", keys)) < 0 ||
        (rc = shape_int(c, v, "layers", 100000, &p->shape.layers)) < 0 ||
        (rc = shape_int(c, v, "hidden", 10000000, &p->hidden)) < 0 ||
        (rc = shape_int(c, v, "q_heads", 100000, &p->q_heads)) < 0 ||
        (rc = shape_int(c, v, "kv_heads", 100000, &p->shape.kv_heads)) < 0 ||
        (rc = shape_int(c, v, "head_dim", 100000, &p->shape.head_dim)) < 0 ||
        (rc = shape_int(c, v, "ffn", 10000000, &p->ffn)) < 0 ||
        (rc = shape_int(c, v, "vocab", 100000000, &p->vocab)) < 0 ||
        (rc = shape_int(c, v, "dtype_bytes", 8, &dtype)) < 0 ||
        (rc = json_num(c, v, "llm", "params", 1, 0, JNUM_POSITIVE,
                       &p->params)) < 0 ||
        (rc = json_num(c, v, "llm", "weights_bytes", 1, 0, JNUM_POSITIVE,
                       &p->shape.weights_bytes)) < 0 ||
        (rc = json_num(c, v, "llm", "activation_reserve_bytes", 0, 0,
                       JNUM_NONNEGATIVE, &p->activation_reserve_bytes)) < 0)
        return rc;
    p->shape.dtype_bytes = dtype;
    if (p->q_heads % p->shape.kv_heads != 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "llm.kv_heads: must divide q_heads (%d), got %d",
                       p->q_heads, p->shape.kv_heads);
    p->present = 1;
    return 0;
}

/* A list of 1..LLM_FIT_MAX_KNOTS numbers >= 0 (the key required unless
 * `optional`; absent: *n = 0). */
static int num_list(const JCtx *c, const cJSON *obj, const char *path,
                    const char *key, int optional, double *out, int *n)
{
    char p[256], e[280];
    json_path_key(p, sizeof p, path, key);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    *n = 0;
    if (a == NULL && optional)
        return 0;
    int len = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || len < 1 || len > LLM_FIT_MAX_KNOTS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: must be a list of 1..%d numbers", p,
                       LLM_FIT_MAX_KNOTS);
    for (int i = 0; i < len; i++) {
        const cJSON *x = cJSON_GetArrayItem(a, i);
        json_path_index(e, sizeof e, p, i);
        if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0) ||
            x->valuedouble > 1e15)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: must be a number in 0..1e15", e);
        out[i] = x->valuedouble;
    }
    *n = len;
    return 0;
}

/* The knots and the three tables on them. */
static int load_knots(const JCtx *c, const cJSON *v, const char *path,
                      LlmTimeModel *tm)
{
    char p[256];
    int rc, n, ne, nl, na;
    if ((rc = num_list(c, v, path, "knots_tokens", 0, tm->knot_tokens,
                       &n)) < 0 ||
        (rc = num_list(c, v, path, "emb_us", 0, tm->emb_us, &ne)) < 0 ||
        (rc = num_list(c, v, path, "layer_us", 0, tm->layer_us, &nl)) < 0 ||
        (rc = num_list(c, v, path, "allreduce_us", 1, tm->allreduce_us,
                       &na)) < 0)
        return rc;
    for (int i = 1; i < n; i++)
        if (!(tm->knot_tokens[i] > tm->knot_tokens[i - 1]))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s[%d]: knots must increase (%.17g after %.17g)",
                           json_path_key(p, sizeof p, path, "knots_tokens"),
                           i, tm->knot_tokens[i], tm->knot_tokens[i - 1]);
    const char *bad = ne != n ? "emb_us" : nl != n ? "layer_us"
                                 : na != 0 && na != n ? "allreduce_us"
                                                      : NULL;
    if (bad != NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: must have one value per knot (%d)",
                       json_path_key(p, sizeof p, path, bad), n);
    tm->n_knots = n;
    return 0;
}

/* The fit's record: its two error figures (-1 when absent). */
static int load_fit(const JCtx *c, const cJSON *v, const char *path,
                    LlmHwModel *x)
{
    char p[256];
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "fit");
    x->fit_median_rel_err = x->fit_max_rel_err = -1;
    if (f == NULL)
        return 0;
    json_path_key(p, sizeof p, path, "fit");
    int rc;
    if ((rc = json_expect_object(c, f, p)) < 0 ||
        (rc = json_num(c, f, p, "heldout_median_rel_err", 0, -1,
                       JNUM_ANY, &x->fit_median_rel_err)) < 0 ||
        (rc = json_num(c, f, p, "heldout_max_rel_err", 0, -1, JNUM_ANY,
                       &x->fit_max_rel_err)) < 0)
        return rc;
    if (x->fit_median_rel_err > x->fit_max_rel_err)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.heldout_median_rel_err: above the maximum "
                       "(%.17g > %.17g)",
                       p, x->fit_median_rel_err, x->fit_max_rel_err);
    return 0;
}

/* Scalar coefficients >= 0, absent = 0. */
typedef struct Coef {
    const char *key;
    double *out;
} Coef;

#define LLM_MAX_KEYS 40

/* Checks v's keys against the coefficients' and `extra` (NULL-ended),
 * then reads the coefficients; *any = 1 when one of them is > 0. */
static int load_coefs(const JCtx *c, const cJSON *v, const char *path,
                      const Coef *k, int n, const char *const *extra,
                      int *any)
{
    const char *keys[LLM_MAX_KEYS];
    int nk = 0, rc;
    for (int i = 0; i < n && nk < LLM_MAX_KEYS - 1; i++)
        keys[nk++] = k[i].key;
    for (int i = 0; extra[i] != NULL && nk < LLM_MAX_KEYS - 1; i++)
        keys[nk++] = extra[i];
    keys[nk] = NULL;
    if ((rc = json_check_keys(c, v, path, keys)) < 0)
        return rc;
    *any = 0;
    for (int i = 0; i < n; i++) {
        if ((rc = json_num(c, v, path, k[i].key, 0, 0, JNUM_NONNEGATIVE,
                           k[i].out)) < 0)
            return rc;
        *any |= *k[i].out > 0;
    }
    return 0;
}

/* The keys every time model may have besides its coefficients. */
#define LLM_TM_COMMON_KEYS "kind", "fit", "sources", "source", "notes"

static int load_fitted(const JCtx *c, const cJSON *v, const char *path,
                       LlmHwModel *x)
{
    static const char *const extra[] = {LLM_TM_COMMON_KEYS, "knots_tokens",
                                        "emb_us", "layer_us",
                                        "allreduce_us", NULL};
    LlmTimeModel *tm = &x->time;
    const Coef k[] = {{"cpu_iter_us", &tm->cpu_iter_us},
                      {"cpu_seq_us", &tm->cpu_seq_us},
                      {"attn_decode_us", &tm->attn_dec_us},
                      {"attn_decode_seq_us", &tm->attn_dec_seq_us},
                      {"attn_decode_kv_token_us", &tm->attn_dec_kv_us},
                      {"attn_prefill_us", &tm->attn_pre_us},
                      {"attn_prefill_seq_us", &tm->attn_pre_seq_us},
                      {"attn_prefill_token_us", &tm->attn_pre_token_us},
                      {"attn_prefill_work_us", &tm->attn_pre_work_us},
                      {"lm_head_us", &tm->lm_head_us},
                      {"lm_head_token_us", &tm->lm_head_token_us}};
    int rc, any;
    tm->kind = LLM_TM_FITTED;
    if ((rc = load_coefs(c, v, path, k, (int)(sizeof k / sizeof k[0]), extra,
                         &any)) < 0 ||
        (rc = load_knots(c, v, path, tm)) < 0)
        return rc;
    return load_fit(c, v, path, x);
}

static int load_linear(const JCtx *c, const cJSON *v, const char *path,
                       LlmHwModel *x)
{
    static const char *const extra[] = {LLM_TM_COMMON_KEYS, NULL};
    LlmTimeModel *tm = &x->time;
    const Coef k[] = {{"iter_us", &tm->iter_us},
                      {"new_seq_us", &tm->new_seq_us},
                      {"prefill_token_us", &tm->prefill_token_us},
                      {"output_token_us", &tm->output_token_us},
                      {"decode_seq_us", &tm->decode_seq_us},
                      {"kv_token_us", &tm->kv_token_us},
                      {"attn_work_us", &tm->attn_work_us}};
    int rc, any;
    tm->kind = LLM_TM_LINEAR;
    if ((rc = load_coefs(c, v, path, k, (int)(sizeof k / sizeof k[0]), extra,
                         &any)) < 0)
        return rc;
    if (!any)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a linear time model needs a coefficient > 0",
                       path);
    return load_fit(c, v, path, x);
}

static int load_time_model(const JCtx *c, const cJSON *v, const char *path,
                           LlmHwModel *x)
{
    char kind[16];
    int rc;
    if (v == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: missing (the iteration time model is required)",
                       path);
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_str(c, v, path, "kind", 1, NULL, kind, sizeof kind)) < 0)
        return rc;
    if (strcmp(kind, "fitted") == 0)
        return load_fitted(c, v, path, x);
    if (strcmp(kind, "linear") == 0)
        return load_linear(c, v, path, x);
    return err_set(c->err, SIM_EINPUT, c->file,
                   "%s.kind: unknown time model '%s' (fitted or linear)",
                   path, kind);
}

/* The cold-start pieces of one TP degree (milliseconds in the file). */
static int load_cold(const JCtx *c, const cJSON *v, const char *path,
                     LlmHwModel *x)
{
    static const char *const keys[] = {"container_start_ms",
                                       "runtime_init_ms", "kv_alloc_ms",
                                       "warmup_ms", "source", "sources",
                                       "notes", NULL};
    double ms[4];
    int rc;
    if (v == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: missing (the cold-start pieces are required)",
                       path);
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0)
        return rc;
    for (int i = 0; i < 4; i++)
        if ((rc = json_num(c, v, path, keys[i], 1, 0, JNUM_NONNEGATIVE,
                           &ms[i])) < 0)
            return rc;
    x->container_start_s = ms[0] * 1e-3;
    x->runtime_init_s = ms[1] * 1e-3;
    x->kv_alloc_s = ms[2] * 1e-3;
    x->warmup_s = ms[3] * 1e-3;
    return 0;
}

/* The TP degree a key of "tp" names, or 0. */
static int tp_degree(const char *key)
{
    static const char *const names[] = {"1", "2", "4", "8"};
    for (int i = 0; i < 4; i++)
        if (strcmp(key, names[i]) == 0)
            return atoi(names[i]);
    return 0;
}

static int load_tp(const JCtx *c, const cJSON *v, const char *path,
                   const ModelProfile *m, const HwProfile *h, LlmHwModel *x)
{
    static const char *const keys[] = {"time_model", "cold_start", "source",
                                       "notes", NULL};
    const LlmProfile *p = &m->llm;
    char tp_path[256];
    int rc;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0)
        return rc;
    if (p->q_heads % x->tp != 0 || p->shape.kv_heads % x->tp != 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: TP %d must divide the query heads (%d) and the "
                       "KV heads (%d)",
                       path, x->tp, p->q_heads, p->shape.kv_heads);
    double per_gpu = p->shape.weights_bytes / x->tp;
    if (per_gpu >= h->gpu_memory_bytes)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: the weights on one GPU (%.4g GiB) do not fit its "
                       "%.4g GiB",
                       path, per_gpu / 1073741824.0,
                       h->gpu_memory_bytes / 1073741824.0);
    if ((rc = load_time_model(
             c, cJSON_GetObjectItemCaseSensitive(v, "time_model"),
             json_path_key(tp_path, sizeof tp_path, path, "time_model"),
             x)) < 0)
        return rc;
    x->time.layers = p->shape.layers;
    return load_cold(c, cJSON_GetObjectItemCaseSensitive(v, "cold_start"),
                     json_path_key(tp_path, sizeof tp_path, path,
                                   "cold_start"),
                     x);
}

/* "load_gb_per_s": the rates a class gives (absent: none). */
static int load_rates(const JCtx *c, const cJSON *v, const char *path,
                      HwProfile *h)
{
    static const char *const keys[] = {"remote", "nvme", "dram", "source",
                                       "sources", "notes", NULL};
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(v, "load_gb_per_s");
    char p[256];
    int rc;
    if (r == NULL)
        return 0;
    json_path_key(p, sizeof p, path, "load_gb_per_s");
    if ((rc = json_expect_object(c, r, p)) < 0 ||
        (rc = json_check_keys(c, r, p, keys)) < 0)
        return rc;
    for (int i = 0; i < LLM_LOAD_N; i++) {
        double gb = 0;
        if ((rc = json_num(c, r, p, keys[i], 0, 0, JNUM_POSITIVE, &gb)) < 0)
            return rc;
        h->load_bytes_per_s[i] = gb * 1e9;
    }
    return 0;
}

int profile_llm_load_hw(const JCtx *c, const cJSON *v, const char *path,
                        const ModelProfile *m, HwProfile *h)
{
    static const char *const keys[] = {"gpu_memory_gib", "load_gb_per_s", "tp",
                                       "source", "sources", "notes", NULL};
    char p[256], q[280];
    double gib;
    int rc;
    if (!m->llm.present)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: an LLM hardware block needs the model's 'llm' "
                       "block (its shape)",
                       path);
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_num(c, v, path, "gpu_memory_gib", 1, 0, JNUM_POSITIVE,
                       &gib)) < 0 ||
        (rc = load_rates(c, v, path, h)) < 0)
        return rc;
    h->gpu_memory_bytes = gib * 1073741824.0;
    const cJSON *tp = cJSON_GetObjectItemCaseSensitive(v, "tp");
    json_path_key(p, sizeof p, path, "tp");
    if ((rc = json_expect_object(c, tp, p)) < 0)
        return rc;
    for (const cJSON *it = tp->child; it != NULL; it = it->next) {
        json_path_key(q, sizeof q, p, it->string);
        int degree = tp_degree(it->string);
        if (degree == 0)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: not a TP degree (1, 2, 4 or 8)", q);
        for (int i = 0; i < h->n_llm; i++)
            if (h->llm[i].tp == degree)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "%s: TP %d given twice", q, degree);
        LlmHwModel *x = &h->llm[h->n_llm];
        memset(x, 0, sizeof *x);
        x->tp = degree;
        if ((rc = load_tp(c, it, q, m, h, x)) < 0)
            return rc;
        h->n_llm++;
    }
    if (h->n_llm == 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: no TP degree is described", p);
    return 0;
}

/*
 * profile.h - a model profile: what an ML model costs to start and to run.
 *
 * DESIGN.md section 3.  Profiles live in models/<name>.json (by hand, from
 * literature and measurements, or written by `simsrv calibrate`).  Per
 * hardware class the profile gives either
 *   - cold-start components: sandbox init + runtime init + model load
 *     (+ a first-inference extra), each a distribution, model load
 *     optionally as size / throughput; or
 *   - the total time of a cold request as one distribution, which then
 *     replaces the warm service time for that request;
 * and the warm service time: lognormal with median a + c*b for batch size
 * b, or any distribution at batch 1; for LLMs, per-token terms make the
 * median a + p * prompt tokens + o * output tokens of each request.  All times are in seconds here (the
 * JSON files use milliseconds, named *_ms).
 *
 * An LLM profile (models/llama-*.json, written by scripts/import-vidur)
 * adds the model's shape (LlmProfile: what sizes its weights and KV
 * cache) and, per hardware class, an iteration-time model and the pieces
 * of an LLM instance's cold start per tensor-parallel degree (LlmHwModel)
 * for the `llm` executor.  A profile without them loads as before; one
 * with them keeps the per-request fields above for the other executors.
 * The time model is executor/llm_model.h's LlmTimeModel, a header that
 * depends on core/time.h alone.
 */
#ifndef SIM_ENTITY_PROFILE_H
#define SIM_ENTITY_PROFILE_H

#include "../core/dist.h"
#include "../executor/llm_model.h"

#define PROFILE_MAX_HW 8
#define PROFILE_MAX_CALIB 16
#define PROFILE_MAX_TP 4        /* tensor-parallel degrees 1, 2, 4, 8 */

/* Where an LLM instance's weights come from when it starts. */
typedef enum LlmLoadSource {
    LLM_LOAD_REMOTE = 0,    /* network / object store */
    LLM_LOAD_NVME,          /* the host's local NVMe */
    LLM_LOAD_DRAM,          /* the host's memory (a cached copy) */
    LLM_LOAD_N
} LlmLoadSource;

/* An LLM instance of one hardware class at one TP degree. */
typedef struct LlmHwModel {
    int tp;                 /* GPUs of the instance */
    LlmTimeModel time;      /* the iteration time */
    /* cold start, apart from the weights: container start, runtime init
     * (CUDA context, engine), KV-cache allocation (with the memory
     * profiling pass), warm-up (CUDA-graph capture) */
    double container_start_s, runtime_init_s, kv_alloc_s, warmup_s;
    /* the fit's relative error on held-out profile rows (-1: none given) */
    double fit_median_rel_err, fit_max_rel_err;
} LlmHwModel;

/* The shape of an LLM (Hugging Face config.json) and what sizes its
 * memory.  present == 0 for a model that is not an LLM profile. */
typedef struct LlmProfile {
    int present;
    LlmShape shape;         /* layers, KV heads, head dim, dtype, weights */
    int hidden, q_heads, ffn, vocab;
    double params;
    double activation_reserve_bytes; /* per GPU, beside weights and KV */
} LlmProfile;

typedef enum ColdMode {
    COLD_COMPONENTS = 0,
    COLD_TOTAL
} ColdMode;

typedef struct HwProfile {
    char hw[32];            /* "cpu", "gpu-t4", ... */
    double ref_vcpus;       /* CPU share the figures were measured with */
    ColdMode cold_mode;
    Dist sandbox;           /* COLD_COMPONENTS: not CPU-scaled */
    Dist runtime;           /* CPU-scaled, billed as INIT */
    Dist model_load;        /* CPU-scaled, billed as INIT */
    double load_mb_per_s;   /* > 0: adds size_mb / load_mb_per_s to model load */
    Dist first_extra;       /* added to the first request an instance serves */
    Dist cold_total;        /* COLD_TOTAL: a cold request's whole duration */
    int warm_affine;        /* 1: lognormal, median a + c*b; 0: `warm` */
    double warm_a_s, warm_c_s, warm_sigma;
    int per_token;          /* LLM: median a + p * prompt + o * output tokens
                               for requests that carry token counts */
    double prompt_s_per_token, output_s_per_token;
    Dist warm;              /* warm service at batch 1 when !warm_affine */
    /* LLM (n_llm > 0 only in an LLM profile): one entry per TP degree */
    int n_llm;
    LlmHwModel llm[PROFILE_MAX_TP];
    double gpu_memory_bytes;                /* of one GPU of the class */
    double load_bytes_per_s[LLM_LOAD_N];    /* weights loading rates */
} HwProfile;

typedef struct ModelProfile {
    char name[64];
    double size_mb;         /* model file size */
    double memory_mb;       /* resident memory of a loaded instance */
    int n_hw;
    HwProfile hw[PROFILE_MAX_HW];
    /* written by `simsrv calibrate` (its "calibration" block); used by
     * `calibrate --validate` */
    int calibrated;
    char calib_model[1024];         /* the .onnx file measured */
    char calib_family[32];          /* architecture family ("conv", ...) */
    int n_calib_batches;
    int calib_batches[PROFILE_MAX_CALIB];   /* batch sizes measured */
    int n_calib_dims;
    char calib_dim_name[PROFILE_MAX_CALIB][64]; /* symbolic dimensions */
    long long calib_dim_value[PROFILE_MAX_CALIB];
    LlmProfile llm;                 /* the "llm" block */
} ModelProfile;

/* The profile for hardware class `hw`, or NULL. */
const HwProfile *profile_hw(const ModelProfile *m, const char *hw);

/* The warm service-time distribution for batch size b. */
Dist profile_warm_dist(const HwProfile *h, int batch);

/* The LLM model of class `hw` at TP degree tp, or NULL (no LLM profile,
 * no such class, or no entry for that degree).  A view into m. */
const LlmHwModel *profile_llm(const ModelProfile *m, const char *hw, int tp);

/* KV-cache capacity in tokens of one instance at TP degree tp on GPUs of
 * gpu_memory_bytes each, vLLM's rule: (memory x utilisation - weights / tp
 * - activation reserve) / KV bytes per token per GPU, rounded down; 0 when
 * nothing is left. */
double profile_llm_kv_tokens(const ModelProfile *m, double gpu_memory_bytes,
                             double utilization, int tp);

/* The time to load the weights from `src`: weights / rate; from host
 * memory each GPU has its own PCIe link, so the rate is per GPU (times
 * tp); NVMe and the network are shared by the instance.  -1 when the
 * class gives no rate for src. */
double profile_llm_load_s(const ModelProfile *m, const HwProfile *h,
                          int tp, LlmLoadSource src);

/* The whole cold start of an LLM instance: container start + runtime init
 * + weights from src + KV allocation + warm-up; -1 when a piece is
 * unknown. */
double profile_llm_cold_start_s(const ModelProfile *m, const HwProfile *h,
                                const LlmHwModel *x, LlmLoadSource src);

#endif

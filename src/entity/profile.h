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
 */
#ifndef SIM_ENTITY_PROFILE_H
#define SIM_ENTITY_PROFILE_H

#include "../core/dist.h"

#define PROFILE_MAX_HW 8
#define PROFILE_MAX_CALIB 16

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
} ModelProfile;

/* The profile for hardware class `hw`, or NULL. */
const HwProfile *profile_hw(const ModelProfile *m, const char *hw);

/* The warm service-time distribution for batch size b. */
Dist profile_warm_dist(const HwProfile *h, int batch);

#endif

/*
 * profile_load.c - models/<name>.json -> ModelProfile.
 *
 * Format (times in milliseconds, sizes in MB):
 *   { "name": "resnet50", "size_mb": 102, "memory_mb": 292,
 *     "description": "...", "sources": {...},
 *     "hardware": { "cpu": {
 *         "ref_vcpus": 1,
 *         "cold_start": { "sandbox": DIST, "runtime": DIST,
 *                         "model_load": DIST, "load_mb_per_s": 0,
 *                         "first_inference_extra": DIST },
 *      or "cold_total": DIST,
 *         "warm": { "a_ms": .., "c_ms": .., "sigma": ..,
 *                   "prompt_ms_per_token": .., "output_ms_per_token": .. }
 *                 or DIST,
 *         "source": "..." } } }
 * "description", "sources", "notes" and "source" are free text for people.
 * "calibration" (written by `simsrv calibrate`) records the measurements;
 * of it only model_file, family, batches and dims are read.
 *
 * A profile with a "cpu" class and no "cpu-arm" class gets a derived
 * "cpu-arm" (the class of the Arm/Graviton catalog entries: Lambda arm64,
 * c7g): the cpu class with its CPU work -- runtime init, model load, first
 * inference extra, cold_total, warm time and per-token terms -- divided by
 * PROFILE_ARM_SPEED_VS_X86; the sandbox start and a load throughput
 * (load_mb_per_s, I/O) are kept.  A profile measured on Arm gives its own
 * "cpu-arm" class and is used as it is.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "scenario.h"

/* Speed of one Arm (AWS Graviton) vCPU relative to one x86 vCPU for ML
 * inference.  ESTIMATE, collected 2026-11: AWS states that Lambda functions
 * on Graviton2 "deliver up to 19 percent better performance" than on x86
 * (AWS News Blog, "AWS Lambda Functions Powered by AWS Graviton2
 * Processor", 2021-09-29; generic workloads, an upper bound), and that
 * PyTorch 2.0 inference of ResNet-50 and BERT on Graviton3 c7g had lower
 * p90 latency than on the comparable x86 compute instances, at up to 50%
 * lower cost (AWS ML Blog / pytorch.org, "Optimized PyTorch 2.0 inference
 * with AWS Graviton processors", 2023).  No stored source gives a
 * per-vCPU figure for ONNX Runtime on Graviton2 against x86, so AWS's 1.19
 * is taken for both generations; Graviton2 without bf16 may well be slower
 * on fp32 models.  Measure the model on Graviton and give a "cpu-arm" class
 * to replace it. */
#define PROFILE_ARM_SPEED_VS_X86 1.19

/* The cpu-arm class derived from the cpu class (see the file comment). */
static HwProfile derive_cpu_arm(const HwProfile *cpu)
{
    const double k = 1.0 / PROFILE_ARM_SPEED_VS_X86;
    HwProfile h = *cpu;
    snprintf(h.hw, sizeof h.hw, "cpu-arm");
    h.runtime = dist_scaled(&cpu->runtime, k);
    h.model_load = dist_scaled(&cpu->model_load, k);
    h.first_extra = dist_scaled(&cpu->first_extra, k);
    h.cold_total = dist_scaled(&cpu->cold_total, k);
    h.warm = dist_scaled(&cpu->warm, k);
    h.warm_a_s *= k;
    h.warm_c_s *= k;
    h.prompt_s_per_token *= k;
    h.output_s_per_token *= k;
    return h;
}

/* Adds the derived cpu-arm class when the profile has cpu and no cpu-arm
 * (and room for one more class). */
static void add_cpu_arm(ModelProfile *m)
{
    const HwProfile *cpu = profile_hw(m, "cpu");
    if (cpu == NULL || profile_hw(m, "cpu-arm") != NULL ||
        m->n_hw == PROFILE_MAX_HW)
        return;
    m->hw[m->n_hw] = derive_cpu_arm(cpu);
    m->n_hw++;
}

static int load_hw(const JCtx *c, const cJSON *v, const char *path,
                   HwProfile *h)
{
    static const char *const keys[] = {"ref_vcpus", "cold_start", "cold_total",
                                       "warm", "source", "notes", NULL};
    int rc;
    char p[256];
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_num(c, v, path, "ref_vcpus", 0, 1.0, JNUM_POSITIVE,
                       &h->ref_vcpus)) < 0)
        return rc;
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(v, "cold_start");
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(v, "cold_total");
    if ((cs == NULL) == (ct == NULL))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: give exactly one of 'cold_start' (components) "
                       "and 'cold_total'",
                       path);
    if (ct != NULL) {
        h->cold_mode = COLD_TOTAL;
        if ((rc = json_dist(c, ct, json_path_key(p, sizeof p, path,
                                                 "cold_total"),
                            &h->cold_total)) < 0)
            return rc;
    } else {
        static const char *const ckeys[] = {
            "sandbox", "runtime", "model_load", "load_mb_per_s",
            "first_inference_extra", "source", "notes", NULL};
        char cp[256];
        json_path_key(cp, sizeof cp, path, "cold_start");
        h->cold_mode = COLD_COMPONENTS;
        if ((rc = json_expect_object(c, cs, cp)) < 0 ||
            (rc = json_check_keys(c, cs, cp, ckeys)) < 0 ||
            (rc = json_num(c, cs, cp, "load_mb_per_s", 0, 0, JNUM_NONNEGATIVE,
                           &h->load_mb_per_s)) < 0)
            return rc;
        struct {
            const char *key;
            Dist *d;
        } parts[] = {{"sandbox", &h->sandbox},
                     {"runtime", &h->runtime},
                     {"model_load", &h->model_load},
                     {"first_inference_extra", &h->first_extra}};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(cs, parts[i].key);
            if (d == NULL)
                continue; /* an absent component takes no time */
            if ((rc = json_dist(c, d, json_path_key(p, sizeof p, cp,
                                                    parts[i].key),
                                parts[i].d)) < 0)
                return rc;
        }
    }
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "warm");
    json_path_key(p, sizeof p, path, "warm");
    if (w == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: missing (the warm service time is required)", p);
    if (cJSON_GetObjectItemCaseSensitive(w, "a_ms") != NULL) {
        static const char *const wkeys[] = {
            "a_ms", "c_ms", "sigma", "prompt_ms_per_token",
            "output_ms_per_token", "source", NULL};
        double a, cc, pt, ot;
        if ((rc = json_check_keys(c, w, p, wkeys)) < 0 ||
            (rc = json_num(c, w, p, "a_ms", 1, 0, JNUM_NONNEGATIVE, &a)) < 0 ||
            (rc = json_num(c, w, p, "c_ms", 1, 0, JNUM_NONNEGATIVE, &cc)) < 0 ||
            (rc = json_num(c, w, p, "sigma", 0, 0, JNUM_NONNEGATIVE,
                           &h->warm_sigma)) < 0 ||
            (rc = json_num(c, w, p, "prompt_ms_per_token", 0, 0,
                           JNUM_NONNEGATIVE, &pt)) < 0 ||
            (rc = json_num(c, w, p, "output_ms_per_token", 0, 0,
                           JNUM_NONNEGATIVE, &ot)) < 0)
            return rc;
        h->per_token = pt > 0 || ot > 0;
        h->prompt_s_per_token = pt * 1e-3;
        h->output_s_per_token = ot * 1e-3;
        if (!(a + cc > 0))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: a_ms + c_ms must be > 0", p);
        h->warm_affine = 1;
        h->warm_a_s = a * 1e-3;
        h->warm_c_s = cc * 1e-3;
    } else if ((rc = json_dist(c, w, p, &h->warm)) < 0) {
        return rc;
    }
    return 0;
}

/* The "calibration" block of a profile written by `simsrv calibrate`: the
 * parts a later `calibrate --validate` needs (the rest is the record). */
static int load_calibration(const JCtx *c, const cJSON *v, ModelProfile *m)
{
    int rc;
    const char *p = "calibration";
    if ((rc = json_expect_object(c, v, p)) < 0 ||
        (rc = json_str(c, v, p, "model_file", 1, NULL, m->calib_model,
                       sizeof m->calib_model)) < 0 ||
        (rc = json_str(c, v, p, "family", 0, "other", m->calib_family,
                       sizeof m->calib_family)) < 0)
        return rc;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, "batches");
    int n = cJSON_GetArraySize(b);
    if (!cJSON_IsArray(b) || n < 1 || n > PROFILE_MAX_CALIB)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "calibration.batches: must be a list of 1..%d batch "
                       "sizes",
                       PROFILE_MAX_CALIB);
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(b, i);
        if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
            e->valuedouble > 4096 || e->valuedouble != (int)e->valuedouble)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "calibration.batches[%d]: not a batch size", i);
        m->calib_batches[i] = (int)e->valuedouble;
    }
    m->n_calib_batches = n;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(v, "dims");
    if (d != NULL) {
        if ((rc = json_expect_object(c, d, "calibration.dims")) < 0)
            return rc;
        for (const cJSON *e = d->child; e != NULL; e = e->next) {
            if (m->n_calib_dims == PROFILE_MAX_CALIB ||
                strlen(e->string) >= sizeof m->calib_dim_name[0] ||
                !cJSON_IsNumber(e) || e->valuedouble < 1)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "calibration.dims.%s: not a dimension size",
                               e->string);
            snprintf(m->calib_dim_name[m->n_calib_dims],
                     sizeof m->calib_dim_name[0], "%s", e->string);
            m->calib_dim_value[m->n_calib_dims++] = (long long)e->valuedouble;
        }
    }
    m->calibrated = 1;
    return 0;
}

int profile_load(const char *path, ModelProfile *m, Err *err)
{
    static const char *const keys[] = {"name", "description", "size_mb",
                                       "memory_mb", "hardware", "sources",
                                       "notes", "calibration", NULL};
    cJSON *root = NULL;
    int rc = json_load_file(path, &root, NULL, err);
    if (rc < 0)
        return rc;
    JCtx c = {path, err};
    memset(m, 0, sizeof *m);
    const cJSON *hw = NULL;
    if ((rc = json_expect_object(&c, root, "")) < 0 ||
        (rc = json_check_keys(&c, root, "", keys)) < 0 ||
        (rc = json_str(&c, root, "", "name", 1, NULL, m->name,
                       sizeof m->name)) < 0 ||
        (rc = json_num(&c, root, "", "size_mb", 1, 0, JNUM_POSITIVE,
                       &m->size_mb)) < 0 ||
        (rc = json_num(&c, root, "", "memory_mb", 1, 0, JNUM_POSITIVE,
                       &m->memory_mb)) < 0)
        goto done;
    hw = cJSON_GetObjectItemCaseSensitive(root, "hardware");
    if ((rc = json_expect_object(&c, hw, "hardware")) < 0)
        goto done;
    for (const cJSON *it = hw->child; it != NULL; it = it->next) {
        if (m->n_hw == PROFILE_MAX_HW) {
            rc = err_set(err, SIM_EINPUT, path,
                         "hardware: at most %d hardware classes",
                         PROFILE_MAX_HW);
            goto done;
        }
        HwProfile *h = &m->hw[m->n_hw];
        memset(h, 0, sizeof *h);
        char p[256];
        json_path_key(p, sizeof p, "hardware", it->string);
        if (strlen(it->string) >= sizeof h->hw) {
            rc = err_set(err, SIM_EINPUT, path, "%s: name too long", p);
            goto done;
        }
        snprintf(h->hw, sizeof h->hw, "%s", it->string);
        if ((rc = load_hw(&c, it, p, h)) < 0)
            goto done;
        m->n_hw++;
    }
    if (m->n_hw == 0) {
        rc = err_set(err, SIM_EINPUT, path,
                     "hardware: no hardware class is described");
        goto done;
    }
    add_cpu_arm(m);
    const cJSON *cal = cJSON_GetObjectItemCaseSensitive(root, "calibration");
    if (cal != NULL)
        rc = load_calibration(&c, cal, m);
done:
    cJSON_Delete(root);
    return rc;
}

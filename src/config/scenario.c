/*
 * scenario.c - scenario JSON -> Scenario (see scenario.h, README.md).
 *
 * Validation happens here, once, completely: after scenario_load() returns
 * 0, every field is in range, every name resolves (model, hardware class,
 * policy, pricing entry), and nothing has been written anywhere -- so a bad
 * input never leaves a half-made results directory (non-negotiable 4).
 * Alternatives may share fields through a top-level "defaults" object; a key
 * given in the alternative wins, and errors name where the value came from.
 */
#include "scenario.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../entity/storage.h"
#include "../output/metrics.h"
#include "../util/xalloc.h"
#include "addons.h"
#include "json.h"
#include "limits.h"

static const char *const top_keys[] = {
    "name", "description", "seed", "replications", "horizon_s", "slo_ms",
    "slo_ttft_ms", "slo_tpot_ms", "timeseries_interval_s", "model",
    "models_dir", "workload", "pricing_catalog", "defaults", "alternatives",
    "warmup", "notes", NULL};

static const char *const alt_keys[] = {
    "name", "platform", "pricing", "hardware", "memory_mb", "vcpus",
    "concurrency", "max_instances", "queue_length", "scale_per_10s",
    "timeout_s", "batch", "batching", "keepalive", "provisioned", "vm",
    "overflow", "cluster", "routing", "beyond_limits", "executor", "queue",
    "knative", "notes", "package", "payload", "gateway", "model", "after",
    "checkpoint_gb", "image_gb", "snapshot", "swap", "models", NULL};

static const char *const routing_names[] = {"most-recent", "newest",
                                            "oldest", "random", NULL};

static const char *const vm_keys[] = {
    "instance_type", "count", "slots", "lb", "max_queue", "boot_s",
    "pricing", "hardware", "autoscale", "batching", "spot", "notes", "task",
    NULL};

static const char *const autoscale_keys[] = {
    "min", "max", "metric", "target", "period_s", "cooldown_s", "notes",
    NULL};

static const char *const lb_names[] = {"shared-queue", "round-robin",
                                       "least-outstanding", NULL};
static const char *const platform_names[] = {"serverless", "vm", "hybrid",
                                             "api", "knative", "pipeline",
                                             "rollout", NULL};

/* AWS Step Functions, us-east-1 (aws.amazon.com/step-functions/pricing/,
 * read 2026-12-02; the same rules on the page archived 2020-07-28, and the
 * figures as quoted by wring.co, "AWS Step Functions Pricing: Standard vs
 * Express", 2026-03-14): Standard $0.025 per 1,000 state transitions, one
 * transition "each time a step of your workflow is executed" (retries
 * included); Express $1.00 per 1M requests and $0.00001667 per GB-second
 * (the first tier: up to 1,000 GB-hours a month; the cheaper tiers beyond
 * are not modelled), the duration "rounded up to the nearest 100ms", the
 * memory "billed in 64-MB chunks".  The memory a workflow uses depends on
 * its definition and payloads; 64 MB (one chunk) is an estimate for a
 * chain of a few states passing small payloads.  The free tier (4,000
 * transitions a month) is left out, as the other entries' free tiers are. */
#define SFN_STANDARD_USD_PER_1M_TRANSITIONS 25.0
#define SFN_EXPRESS_USD_PER_1M_REQUESTS 1.0
#define SFN_EXPRESS_USD_PER_GB_S 0.00001667
#define SFN_EXPRESS_MEMORY_MB 64.0
#define SFN_EXPRESS_GRANULARITY_MS 100.0

/* VM price multipliers (reference/pricing.md, 2026-11): typical 1-year
 * reserved ~0.60x, 3-year ~0.40x; spot observed ~0.30x for GPUs. */
static const struct {
    const char *name;
    double multiplier;
} vm_pricing[] = {{"on-demand", 1.0},
                  {"reserved-1y", 0.60},
                  {"reserved-3y", 0.40},
                  {"spot", 0.30}};
static const char *const vm_pricing_names[] = {"on-demand", "reserved-1y",
                                               "reserved-3y", "spot", NULL};

/* Spot interruptions (vm.spot).  The default rate is an ESTIMATE.  The EC2
 * Spot Instance Advisor (aws.amazon.com/ec2/spot/instance-advisor, read
 * 2026-12) gives per instance type and region a "frequency of
 * interruption": "the rate at which Spot has reclaimed capacity during the
 * trailing month", in buckets <5%, 5-10%, 10-15%, 15-20%, >20%.  Read as
 * the chance that an instance running through a 30-day month is
 * interrupted, the upper edge of the lowest bucket, 5%, gives for a Poisson
 * process 1 - exp(-720 h x rate) = 0.05: rate = -ln(0.95) / 720 h =
 * 7.1e-5 per VM-hour (one interruption per ~14,000 VM-hours).  Were the
 * share one of instances launched, and instances lived a day, the rate
 * would be ~30x higher; a user sets interruptions_per_hour from the bucket
 * of the type (bucket share s: -ln(1 - s) / 720).  The notice: "a warning
 * that is issued two minutes before Amazon EC2 stops or terminates your
 * Spot Instance" (EC2 User Guide, "Spot Instance interruption notices",
 * read 2026-12). */
#define SPOT_ADVISOR_MONTHLY_SHARE 0.05
#define SPOT_NOTICE_S 120.0

/* Per workload type, the keys it takes (besides type/start_s/end_s). */
static const char *const wl_poisson[] = {"type", "rate_per_s", "start_s",
                                         "end_s", "notes", NULL};
static const char *const wl_mmpp[] = {
    "type", "rate_on_per_s", "rate_off_per_s", "mean_on_s", "mean_off_s",
    "start_s", "end_s", "notes", NULL};
static const char *const wl_steps[] = {"type", "steps", "start_s", "end_s",
                                       "notes", NULL};
static const char *const wl_diurnal[] = {"type", "rate_per_s", "amplitude",
                                         "period_s", "peak_s", "start_s",
                                         "end_s", "notes", NULL};

int scenario_name_valid(const char *s)
{
    if (s[0] == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return 0;
    return 1;
}

int scenario_check_name(const char *file, const char *name, Err *err)
{
    if (scenario_name_valid(name))
        return 0;
    return err_set(err, SIM_EINPUT, file,
                   "name: '%s' may use only letters, digits, '-', '_' and "
                   "'.', and is not '.' or '..' (it names the results "
                   "directory)",
                   name);
}

static void dir_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(out, size, ".");
    else if (slash == path)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

static void resolve(const char *base_dir, const char *rel, char *out,
                    size_t size)
{
    if (rel[0] == '/')
        snprintf(out, size, "%s", rel);
    else
        snprintf(out, size, "%s/%s", base_dir, rel);
}

static int pick_name(const JCtx *c, const char *path, const char *value,
                     const char *const *names, int *out)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(value, names[i]) == 0) {
            *out = i;
            return 0;
        }
    return err_set(c->err, SIM_EINPUT, c->file,
                   "%s: unknown value '%s' (did you mean '%s'?)", path, value,
                   json_nearest(value, names));
}

static const char *const wl_trace[] = {
    "type", "file", "time_column", "duration_column", "function_column",
    "function", "time_unit", "duration_unit", "time_scale", "start_s",
    "end_s", "lookahead", "time_format", "context_column",
    "generated_column", "sample", "notes", NULL};

static int unit_seconds(const JCtx *c, const cJSON *v, const char *key,
                        const char *def, double *out)
{
    static const char *const units[] = {"s", "ms", "us", NULL};
    static const double secs[] = {1, 1e-3, 1e-6};
    char name[8], p[64];
    int rc, idx = 0;
    if ((rc = json_str(c, v, "workload", key, 0, def, name, sizeof name)) <
            0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, "workload", key), name,
                        units, &idx)) < 0)
        return rc;
    *out = secs[idx];
    return 0;
}

static int check_trace(const JCtx *c, WorkloadSpec *wl);

/* workload.sample: {"method": "all" | "top" | "random" | "quartile", "n",
 * "seed"} (sample.h); absent = all. */
static int load_sample(const JCtx *c, const cJSON *v, int *method, int *n_out,
                       uint64_t *seed_out)
{
    static const char *const skeys[] = {"method", "n", "seed", NULL};
    static const char *const methods[] = {"all", "top", "random", "quartile",
                                          NULL};
    const cJSON *smp = cJSON_GetObjectItemCaseSensitive(v, "sample");
    char m[16];
    long long n, seed;
    int rc, idx = 0;
    *method = AZ_SAMPLE_ALL;
    if (smp == NULL)
        return 0;
    if ((rc = json_expect_object(c, smp, "workload.sample")) < 0 ||
        (rc = json_check_keys(c, smp, "workload.sample", skeys)) < 0 ||
        (rc = json_str(c, smp, "workload.sample", "method", 1, NULL, m,
                       sizeof m)) < 0 ||
        (rc = pick_name(c, "workload.sample.method", m, methods, &idx)) < 0 ||
        (rc = json_int(c, smp, "workload.sample", "n", idx != 0, 0, 1,
                       100000000, &n)) < 0 ||
        (rc = json_int(c, smp, "workload.sample", "seed", 0, 1, 0,
                       9007199254740991LL, &seed)) < 0)
        return rc;
    *method = idx;
    *n_out = (int)n;
    *seed_out = (uint64_t)seed;
    return 0;
}

/* A trace's time_scale, window [start_s, end_s) and look-ahead. */
static int load_trace_window(const JCtx *c, const cJSON *v,
                             long long def_lookahead, TraceSpec *t)
{
    long long look;
    int rc;
    if ((rc = json_num(c, v, "workload", "time_scale", 0, 1, JNUM_POSITIVE,
                       &t->time_scale)) < 0 ||
        (rc = json_num(c, v, "workload", "start_s", 0, 0, JNUM_NONNEGATIVE,
                       &t->start_s)) < 0 ||
        (rc = json_num(c, v, "workload", "end_s", 0, 0, JNUM_NONNEGATIVE,
                       &t->end_s)) < 0 ||
        (rc = json_int(c, v, "workload", "lookahead", 0, def_lookahead, 1,
                       10000000, &look)) < 0)
        return rc;
    if (t->end_s > 0 && !(t->end_s > t->start_s))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "workload.end_s: must be after start_s (%g <= %g)",
                       t->end_s, t->start_s);
    t->lookahead = (int)look;
    return 0;
}

/* A trace workload: its columns, units, window; then the whole file is
 * read once so that a bad row is reported before anything is written. */
static int load_trace(const JCtx *c, const cJSON *v, const char *dir,
                      WorkloadSpec *wl)
{
    TraceSpec *t = &wl->trace;
    char file[512];
    int rc;
    if ((rc = json_check_keys(c, v, "workload", wl_trace)) < 0 ||
        (rc = json_str(c, v, "workload", "file", 1, NULL, file,
                       sizeof file)) < 0 ||
        (rc = json_str(c, v, "workload", "time_column", 0, "timestamp",
                       t->time_column, sizeof t->time_column)) < 0 ||
        (rc = json_str(c, v, "workload", "duration_column", 0, "",
                       t->duration_column, sizeof t->duration_column)) < 0 ||
        (rc = json_str(c, v, "workload", "function_column", 0, "",
                       t->function_column, sizeof t->function_column)) < 0 ||
        (rc = json_str(c, v, "workload", "function", 0, "", t->function,
                       sizeof t->function)) < 0 ||
        (rc = unit_seconds(c, v, "time_unit", "s", &t->time_unit_s)) < 0 ||
        (rc = unit_seconds(c, v, "duration_unit", "ms",
                           &t->duration_unit_s)) < 0 ||
        (rc = load_trace_window(c, v, 10000, t)) < 0 ||
        (rc = json_str(c, v, "workload", "context_column", 0, "",
                       t->context_column, sizeof t->context_column)) < 0 ||
        (rc = json_str(c, v, "workload", "generated_column", 0, "",
                       t->generated_column, sizeof t->generated_column)) < 0)
        return rc;
    {
        static const char *const formats[] = {"number", "datetime", NULL};
        char fmt[16];
        int idx = 0;
        if ((rc = json_str(c, v, "workload", "time_format", 0, "number", fmt,
                           sizeof fmt)) < 0 ||
            (rc = pick_name(c, "workload.time_format", fmt, formats, &idx)) <
                0)
            return rc;
        t->datetime = idx == 1;
    }
    if (t->function[0] != '\0' && t->function_column[0] == '\0')
        return err_set(c->err, SIM_EINPUT, c->file,
                       "workload.function: needs function_column");
    /* a function column without one function to keep: every function is
     * replayed, each on its own instances */
    t->numbered = t->function_column[0] != '\0' && t->function[0] == '\0';
    if ((rc = load_sample(c, v, &t->sample, &t->sample_n, &t->sample_seed)) <
        0)
        return rc;
    if (t->sample != AZ_SAMPLE_ALL && !t->numbered)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "workload.sample: samples functions, so it needs "
                       "function_column (and no single function)");
    resolve(dir, file, t->file, sizeof t->file);
    return check_trace(c, wl);
}

/* Reads the whole trace once: a bad row is reported before anything is
 * written, and the rows and functions are counted. */
static int check_trace(const JCtx *c, WorkloadSpec *wl)
{
    int rc;
    if ((rc = trace_check(&wl->trace, &wl->trace_rows, &wl->trace_functions,
                          c->err)) < 0)
        return rc;
    if (wl->trace_rows == 0)
        return err_set(c->err, SIM_EINPUT, wl->trace.file,
                       "no request to replay (empty trace, or nothing in the "
                       "window / for that function)");
    if (wl->trace_functions > 1000000)
        return err_set(c->err, SIM_EINPUT, wl->trace.file,
                       "%llu functions: more than the 1,000,000 a run holds",
                       (unsigned long long)wl->trace_functions);
    return 0;
}

static const char *const wl_az21[] = {"type",    "file",      "time_scale",
                                      "start_s", "end_s",     "lookahead",
                                      "sample",  "notes",     NULL};

/* The Azure Functions 2021 trace: one file (app, func, end_timestamp,
 * duration in seconds), functions numbered, start = end - duration, rows
 * re-ordered by start within the look-ahead. */
static int load_az21(const JCtx *c, const cJSON *v, const char *dir,
                     WorkloadSpec *wl)
{
    TraceSpec *t = &wl->trace;
    char file[512];
    int rc;
    if ((rc = json_check_keys(c, v, "workload", wl_az21)) < 0 ||
        (rc = json_str(c, v, "workload", "file", 1, NULL, file,
                       sizeof file)) < 0 ||
        (rc = load_trace_window(c, v, 100000, t)) < 0 ||
        (rc = load_sample(c, v, &t->sample, &t->sample_n,
                          &t->sample_seed)) < 0)
        return rc;
    snprintf(t->time_column, sizeof t->time_column, "end_timestamp");
    snprintf(t->duration_column, sizeof t->duration_column, "duration");
    snprintf(t->function_column, sizeof t->function_column, "func");
    snprintf(t->app_column, sizeof t->app_column, "app");
    t->numbered = 1;
    t->end_time = 1;
    t->time_unit_s = 1;
    t->duration_unit_s = 1;
    resolve(dir, file, t->file, sizeof t->file);
    return check_trace(c, wl);
}

static const char *const wl_az19[] = {
    "type", "invocations", "durations", "memory", "spacing", "sample",
    "time_scale", "start_s", "end_s", "notes", NULL};

/* The Azure Functions 2019 trace: three files, spacing, sampling, window;
 * the files are read and joined once here, so a bad row is reported before
 * anything is written, and the join losses are known. */
static int load_az19(const JCtx *c, const cJSON *v, const char *dir,
                     WorkloadSpec *wl)
{
    Az19Spec *s = &wl->az19;
    char file[512];
    int rc, idx = 0;
    static const char *const spacings[] = {"equidistant", "uniform", "poisson",
                                           NULL};
    char sp[16];
    if ((rc = json_check_keys(c, v, "workload", wl_az19)) < 0 ||
        (rc = json_str(c, v, "workload", "invocations", 1, NULL, file,
                       sizeof file)) < 0)
        return rc;
    resolve(dir, file, s->invocations, sizeof s->invocations);
    if ((rc = json_str(c, v, "workload", "durations", 1, NULL, file,
                       sizeof file)) < 0)
        return rc;
    resolve(dir, file, s->durations, sizeof s->durations);
    if ((rc = json_str(c, v, "workload", "memory", 0, "", file,
                       sizeof file)) < 0)
        return rc;
    if (file[0] != '\0')
        resolve(dir, file, s->memory, sizeof s->memory);
    if ((rc = json_str(c, v, "workload", "spacing", 0, "equidistant", sp,
                       sizeof sp)) < 0 ||
        (rc = pick_name(c, "workload.spacing", sp, spacings, &idx)) < 0 ||
        (rc = json_num(c, v, "workload", "time_scale", 0, 1, JNUM_POSITIVE,
                       &s->time_scale)) < 0 ||
        (rc = json_num(c, v, "workload", "start_s", 0, 0, JNUM_NONNEGATIVE,
                       &s->start_s)) < 0 ||
        (rc = json_num(c, v, "workload", "end_s", 0, 0, JNUM_NONNEGATIVE,
                       &s->end_s)) < 0)
        return rc;
    s->spacing = idx;
    if (s->end_s > 0 && !(s->end_s > s->start_s))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "workload.end_s: must be after start_s (%g <= %g)",
                       s->end_s, s->start_s);
    if ((rc = load_sample(c, v, &s->sample, &s->sample_n,
                          &s->sample_seed)) < 0)
        return rc;
    Az19 *a = az19_open(s, c->err);
    if (a == NULL)
        return -SIM_EINPUT;
    wl->az19_stats = *az19_stats(a);
    az19_close(a);
    if (wl->az19_stats.invocations == 0)
        return err_set(c->err, SIM_EINPUT, s->invocations,
                       "no invocation to replay (in the window, of the kept "
                       "functions)");
    return 0;
}

static int load_workload(const JCtx *c, const cJSON *root, double horizon_s,
                         const char *dir, WorkloadSpec *wl)
{
    int rc;
    const char *path = "workload";
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, path);
    memset(wl, 0, sizeof *wl);
    if (v == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "workload: missing (an object with a \"type\" is "
                       "required)");
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_str(c, v, path, "type", 1, NULL, wl->type,
                       sizeof wl->type)) < 0)
        return rc;
    if (arrivals_find(wl->type) == NULL) {
        return err_set(c->err, SIM_EINPUT, c->file,
                       "workload.type: unknown workload '%s' (did you mean "
                       "'%s'?)",
                       wl->type, json_nearest(wl->type, arrivals_names()));
    }
    if (strcmp(wl->type, "trace") == 0)
        return load_trace(c, v, dir, wl);
    if (strcmp(wl->type, "azure2019") == 0)
        return load_az19(c, v, dir, wl);
    if (strcmp(wl->type, "azure2021") == 0)
        return load_az21(c, v, dir, wl);
    if (strcmp(wl->type, "poisson") == 0 || strcmp(wl->type, "constant") == 0) {
        if ((rc = json_check_keys(c, v, path, wl_poisson)) < 0 ||
            (rc = json_num(c, v, path, "rate_per_s", 1, 0, JNUM_POSITIVE,
                           &wl->rate_per_s)) < 0)
            return rc;
    } else if (strcmp(wl->type, "mmpp") == 0) {
        if ((rc = json_check_keys(c, v, path, wl_mmpp)) < 0 ||
            (rc = json_num(c, v, path, "rate_on_per_s", 1, 0, JNUM_POSITIVE,
                           &wl->rate_on_per_s)) < 0 ||
            (rc = json_num(c, v, path, "rate_off_per_s", 1, 0,
                           JNUM_NONNEGATIVE, &wl->rate_off_per_s)) < 0 ||
            (rc = json_num(c, v, path, "mean_on_s", 1, 0, JNUM_POSITIVE,
                           &wl->mean_on_s)) < 0 ||
            (rc = json_num(c, v, path, "mean_off_s", 1, 0, JNUM_POSITIVE,
                           &wl->mean_off_s)) < 0)
            return rc;
    } else if (strcmp(wl->type, "steps") == 0) {
        if ((rc = json_check_keys(c, v, path, wl_steps)) < 0)
            return rc;
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(v, "steps");
        int n = cJSON_GetArraySize(st);
        if (!cJSON_IsArray(st) || n < 1 || n > WORKLOAD_MAX_STEPS)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "workload.steps: expected an array of 1 to %d "
                           "{\"at_s\": .., \"rate_per_s\": ..}",
                           WORKLOAD_MAX_STEPS);
        static const char *const step_keys[] = {"at_s", "rate_per_s", NULL};
        for (int i = 0; i < n; i++) {
            char sp[64];
            json_path_index(sp, sizeof sp, "workload.steps", i);
            const cJSON *e = cJSON_GetArrayItem(st, i);
            if ((rc = json_expect_object(c, e, sp)) < 0 ||
                (rc = json_check_keys(c, e, sp, step_keys)) < 0 ||
                (rc = json_num(c, e, sp, "at_s", 1, 0, JNUM_NONNEGATIVE,
                               &wl->step_at_s[i])) < 0 ||
                (rc = json_num(c, e, sp, "rate_per_s", 1, 0, JNUM_NONNEGATIVE,
                               &wl->step_rate[i])) < 0)
                return rc;
            if (i == 0 && wl->step_at_s[0] != 0)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "%s.at_s: the first step must start at 0", sp);
            if (i > 0 && !(wl->step_at_s[i] > wl->step_at_s[i - 1]))
                return err_set(c->err, SIM_EINPUT, c->file,
                               "%s.at_s: steps must be in increasing time "
                               "order",
                               sp);
        }
        wl->n_steps = n;
    } else {
        if ((rc = json_check_keys(c, v, path, wl_diurnal)) < 0 ||
            (rc = json_num(c, v, path, "rate_per_s", 1, 0, JNUM_POSITIVE,
                           &wl->rate_per_s)) < 0 ||
            (rc = json_num(c, v, path, "amplitude", 1, 0, JNUM_NONNEGATIVE,
                           &wl->amplitude)) < 0 ||
            (rc = json_num(c, v, path, "period_s", 0, 86400, JNUM_POSITIVE,
                           &wl->period_s)) < 0 ||
            (rc = json_num(c, v, path, "peak_s", 0, 14 * 3600.0, JNUM_ANY,
                           &wl->peak_s)) < 0)
            return rc;
        if (wl->amplitude > 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "workload.amplitude: must be in 0..1 (got %g)",
                           wl->amplitude);
    }
    if ((rc = json_num(c, v, path, "start_s", 0, 0, JNUM_NONNEGATIVE,
                       &wl->start_s)) < 0 ||
        (rc = json_num(c, v, path, "end_s", 0, horizon_s, JNUM_POSITIVE,
                       &wl->end_s)) < 0)
        return rc;
    if (!(wl->end_s > wl->start_s))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "workload.end_s: must be after start_s (%g <= %g)",
                       wl->end_s, wl->start_s);
    return 0;
}

/* Where to read `key` of an alternative from: the alternative itself, or
 * the shared defaults; *path is set to match. */
static const cJSON *from(const cJSON *alt, const cJSON *defs, const char *key,
                         const char *apath, const char **path)
{
    if (cJSON_GetObjectItemCaseSensitive(alt, key) == NULL && defs != NULL &&
        cJSON_GetObjectItemCaseSensitive(defs, key) != NULL) {
        *path = "defaults";
        return defs;
    }
    *path = apath;
    return alt;
}

/* Sets ka->policy to `name` if it is a keep-alive policy. */
static int keepalive_policy_known(const JCtx *c, const char *path,
                                  const char *name, KeepaliveSpec *ka)
{
    if (policy_find(name) == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: unknown keep-alive policy '%s' (did you mean "
                       "'%s'?)",
                       path, name, json_nearest(name, policy_names()));
    if (strlen(name) >= sizeof ka->policy)
        return err_set(c->err, SIM_EINPUT, c->file, "%s: name too long",
                       path);
    if (name != ka->policy)
        snprintf(ka->policy, sizeof ka->policy, "%s", name);
    return 0;
}

/* keepalive: an object, or a policy name alone ("none", "fixed", ...) for
 * that policy with its defaults. */
static int load_keepalive(const JCtx *c, const cJSON *v, const char *path,
                          KeepaliveSpec *ka)
{
    static const char *const keys[] = {
        "policy",        "keepalive_s",  "memory_limit_gb", "hist_range_s",
        "hist_bin_s",    "hist_head_pct", "hist_tail_pct",  "hist_margin",
        "hist_cv_min",   "hist_min_idle", "hist_oob_max",   "notes",
        NULL};
    int rc;
    long long min_idle = 10;
    policy_spec_defaults(ka);
    if (v == NULL)
        return 0;
    if (cJSON_IsString(v)) /* "none": {"policy": "none"}, defaults kept */
        return keepalive_policy_known(c, path, v->valuestring, ka);
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_str(c, v, path, "policy", 0, "fixed", ka->policy,
                       sizeof ka->policy)) < 0 ||
        (rc = json_num(c, v, path, "keepalive_s", 0, 600, JNUM_NONNEGATIVE,
                       &ka->keepalive_s)) < 0 ||
        (rc = json_num(c, v, path, "memory_limit_gb", 0, 0, JNUM_NONNEGATIVE,
                       &ka->memory_limit_gb)) < 0 ||
        (rc = json_num(c, v, path, "hist_range_s", 0, ka->hist_range_s,
                       JNUM_POSITIVE, &ka->hist_range_s)) < 0 ||
        (rc = json_num(c, v, path, "hist_bin_s", 0, ka->hist_bin_s,
                       JNUM_POSITIVE, &ka->hist_bin_s)) < 0 ||
        (rc = json_num(c, v, path, "hist_head_pct", 0, ka->hist_head_pct,
                       JNUM_NONNEGATIVE, &ka->hist_head_pct)) < 0 ||
        (rc = json_num(c, v, path, "hist_tail_pct", 0, ka->hist_tail_pct,
                       JNUM_POSITIVE, &ka->hist_tail_pct)) < 0 ||
        (rc = json_num(c, v, path, "hist_margin", 0, ka->hist_margin,
                       JNUM_NONNEGATIVE, &ka->hist_margin)) < 0 ||
        (rc = json_num(c, v, path, "hist_cv_min", 0, ka->hist_cv_min,
                       JNUM_NONNEGATIVE, &ka->hist_cv_min)) < 0 ||
        (rc = json_int(c, v, path, "hist_min_idle", 0, 10, 0, 1000000000,
                       &min_idle)) < 0 ||
        (rc = json_num(c, v, path, "hist_oob_max", 0, ka->hist_oob_max,
                       JNUM_NONNEGATIVE, &ka->hist_oob_max)) < 0)
        return rc;
    ka->hist_min_idle = (int)min_idle;
    char pp[160];
    if ((rc = keepalive_policy_known(c, json_path_key(pp, sizeof pp, path,
                                                      "policy"),
                                     ka->policy, ka)) < 0)
        return rc;
    if (ka->hist_range_s < ka->hist_bin_s)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.hist_range_s: %g is shorter than hist_bin_s %g",
                       path, ka->hist_range_s, ka->hist_bin_s);
    /* idle times are binned on the 1 us clock, each function holds
     * range/bin counters scanned at every decision (the default is 240
     * bins: 4 h of 1 min), and the keep-alive window is a multiple of the
     * bin in us: all bounded before any of them is an integer */
    if (ka->hist_range_s > 3.15e9)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.hist_range_s: at most 100 years (3.15e9 s)", path);
    if (ka->hist_bin_s < 1e-3)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.hist_bin_s: %g s is below 1 ms (idle times are "
                       "binned on the 1 us clock)",
                       path, ka->hist_bin_s);
    if (ka->hist_range_s / ka->hist_bin_s > HIST_MAX_BINS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.hist_bin_s: %g s over hist_range_s %g s is %.0f "
                       "bins; at most %d (one counter per bin and function, "
                       "scanned at every decision)",
                       path, ka->hist_bin_s, ka->hist_range_s,
                       ceil(ka->hist_range_s / ka->hist_bin_s), HIST_MAX_BINS);
    if (ka->hist_head_pct > ka->hist_tail_pct || ka->hist_tail_pct > 100)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: need 0 <= hist_head_pct <= hist_tail_pct <= 100",
                       path);
    if (ka->hist_margin >= 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.hist_margin: %g must be below 1", path,
                       ka->hist_margin);
    return 0;
}

/* A constant provisioned count: one step at midnight (none for 0). */
static void set_prov_count(AltSpec *a, int count)
{
    a->n_prov = count > 0;
    a->prov[0].at_s = 0;
    a->prov[0].count = count;
}

/* `provisioned.by_function`: {"name": count, ...}, alone in `provisioned`
 * (the names are checked against the workload in check_provisioned). */
static int load_prov_named(const JCtx *c, const cJSON *v, const cJSON *named,
                           const char *path, AltSpec *a)
{
    char np[256];
    json_path_key(np, sizeof np, path, "by_function");
    if (cJSON_GetArraySize(v) > 1 + (cJSON_GetObjectItemCaseSensitive(
                                         v, "notes") != NULL))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: by_function gives each named function its own "
                       "count; it takes no \"count\", \"schedule\" or "
                       "\"functions\" beside it",
                       path);
    int n = cJSON_GetArraySize(named);
    if (!cJSON_IsObject(named) || n < 1 || n > PROV_MAX_NAMED)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected an object of 1 to %d functions, "
                       "{\"function_id\" or \"app/function_id\": count}",
                       np, PROV_MAX_NAMED);
    int rc, k = 0;
    for (const cJSON *e = named->child; e != NULL; e = e->next, k++) {
        char ep[512];
        json_path_key(ep, sizeof ep, np, e->string);
        if ((rc = json_check_unique_key(c, named, e, ep)) < 0)
            return rc;
        size_t len = strlen(e->string);
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)e->string[i] < 0x20)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "%s: a function's name has no control "
                               "characters",
                               np);
        if (len == 0 || len >= PROV_NAME_MAX)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: a function's name has 1 to %d characters "
                           "(got %zu)",
                           ep, PROV_NAME_MAX - 1, len);
        long long count;
        if ((rc = json_int_value(c, e, ep, 0, 1000000, &count)) < 0)
            return rc;
        snprintf(a->prov_named[k].name, PROV_NAME_MAX, "%s", e->string);
        a->prov_named[k].count = (int)count;
    }
    a->n_prov_named = n; /* (and no schedule: n_prov stays 0) */
    return 0;
}

/* `provisioned`: a count, or {"count" | "schedule", "functions"}, or
 * {"by_function"}. */
static int load_provisioned(const JCtx *c, const cJSON *v, const char *path,
                            AltSpec *a)
{
    int rc;
    a->n_prov = 0;
    a->prov_functions = 0;
    a->n_prov_named = 0;
    if (v == NULL)
        return 0;
    if (cJSON_IsNumber(v)) {
        long long n;
        double x = v->valuedouble;
        /* range first: casting 1e300 to an integer is undefined */
        if (!(x >= 0) || x > 1e6 || x != floor(x))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: expected a whole number of instances in "
                           "0..1000000 (got %g)",
                           path, x);
        n = (long long)x;
        set_prov_count(a, (int)n);
        return 0;
    }
    static const char *const keys[] = {"count", "schedule", "functions",
                                       "by_function", "notes", NULL};
    long long n_fn;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0)
        return rc;
    const cJSON *named = cJSON_GetObjectItemCaseSensitive(v, "by_function");
    if (named != NULL)
        return load_prov_named(c, v, named, path, a);
    if ((rc = json_int(c, v, path, "functions", 0, 0, 1, 1000000,
                       &n_fn)) < 0)
        return rc;
    a->prov_functions = (int)n_fn;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(v, "schedule");
    int has_count = cJSON_GetObjectItemCaseSensitive(v, "count") != NULL;
    if (has_count == (s != NULL))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected exactly one of \"count\" and "
                       "\"schedule\"",
                       path);
    if (has_count) {
        long long count;
        if ((rc = json_int(c, v, path, "count", 1, 0, 0, 1000000, &count)) <
            0)
            return rc;
        set_prov_count(a, (int)count);
        return 0;
    }
    char sp[256];
    json_path_key(sp, sizeof sp, path, "schedule");
    int n = cJSON_GetArraySize(s);
    if (!cJSON_IsArray(s) || n < 1 || n > PROV_MAX_STEPS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected an array of 1 to %d steps "
                       "{\"at_h\": hour of day, \"count\": instances}",
                       sp, PROV_MAX_STEPS);
    static const char *const step_keys[] = {"at_h", "count", NULL};
    for (int i = 0; i < n; i++) {
        const cJSON *st = cJSON_GetArrayItem(s, i);
        char p[256];
        json_path_index(p, sizeof p, sp, i);
        double at_h;
        long long count;
        if ((rc = json_expect_object(c, st, p)) < 0 ||
            (rc = json_check_keys(c, st, p, step_keys)) < 0 ||
            (rc = json_num(c, st, p, "at_h", 1, 0, JNUM_NONNEGATIVE, &at_h)) <
                0 ||
            (rc = json_int(c, st, p, "count", 1, 0, 0, 1000000, &count)) < 0)
            return rc;
        if (at_h >= 24)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.at_h: must be an hour of the day in [0, 24) "
                           "(got %g)",
                           p, at_h);
        if (i > 0 && !(at_h * 3600 > a->prov[i - 1].at_s))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.at_h: steps must be in increasing hour order",
                           p);
        a->prov[i].at_s = at_h * 3600;
        a->prov[i].count = (int)count;
    }
    a->n_prov = n;
    return 0;
}


static int load_autoscale(const JCtx *c, const cJSON *v, const char *path,
                          VmSpec *vm)
{
    static const char *const metrics[] = {"utilization", "queue", NULL};
    AutoscaleSpec *as = &vm->as;
    int rc, metric = 0;
    long long mn, mx;
    char name[32], p[256];
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, autoscale_keys)) < 0 ||
        (rc = json_int(c, v, path, "min", 0, 1, 0, 100000, &mn)) < 0 ||
        (rc = json_int(c, v, path, "max", 1, 0, 1, 100000, &mx)) < 0 ||
        (rc = json_str(c, v, path, "metric", 0, "utilization", name,
                       sizeof name)) < 0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, path, "metric"), name,
                        metrics, &metric)) < 0 ||
        (rc = json_num(c, v, path, "target", 1, 0, JNUM_POSITIVE,
                       &as->target)) < 0 ||
        (rc = json_num(c, v, path, "period_s", 0, 60, JNUM_POSITIVE,
                       &as->period_s)) < 0 ||
        (rc = json_num(c, v, path, "cooldown_s", 0, 300, JNUM_NONNEGATIVE,
                       &as->cooldown_s)) < 0)
        return rc;
    if (mn > mx)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: min (%lld) is larger than max (%lld)", path, mn,
                       mx);
    as->metric = (ScaleMetric)metric;
    if (as->metric == SCALE_UTILIZATION && as->target > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.target: a utilization target is a fraction in "
                       "(0, 1] (got %g)",
                       path, as->target);
    as->enabled = 1;
    as->min_vms = (int)mn;
    as->max_vms = (int)mx;
    return 0;
}

static int load_spot(const JCtx *c, const cJSON *vm_obj, const char *vm_path,
                     const char *pricing, SpotSpec *sp)
{
    static const char *const keys[] = {"interruptions_per_hour", "notice_s",
                                       "notice_at_s", "notes", NULL};
    int rc;
    char path[256], p[300];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(vm_obj, "spot");
    json_path_key(path, sizeof path, vm_path, "spot");
    memset(sp, 0, sizeof *sp);
    int is_spot = strcmp(pricing, "spot") == 0;
    if (v != NULL && !is_spot)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: only a \"pricing\": \"spot\" fleet is "
                       "interrupted (this one is '%s')",
                       path, pricing);
    if (!is_spot)
        return 0;
    sp->enabled = 1;
    if (v == NULL) {
        sp->per_hour = -log(1 - SPOT_ADVISOR_MONTHLY_SHARE) / 720.0;
        sp->notice_s = SPOT_NOTICE_S;
        return 0;
    }
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_num(c, v, path, "interruptions_per_hour", 0,
                       -log(1 - SPOT_ADVISOR_MONTHLY_SHARE) / 720.0,
                       JNUM_NONNEGATIVE, &sp->per_hour)) < 0 ||
        (rc = json_num(c, v, path, "notice_s", 0, SPOT_NOTICE_S,
                       JNUM_NONNEGATIVE, &sp->notice_s)) < 0)
        return rc;
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(v, "notice_at_s");
    if (at == NULL)
        return 0;
    json_path_key(p, sizeof p, path, "notice_at_s");
    int n = cJSON_GetArraySize(at);
    if (!cJSON_IsArray(at) || n > SPOT_MAX_NOTICES)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected an array of at most %d times (s)", p,
                       SPOT_MAX_NOTICES);
    for (int i = 0; i < n; i++) {
        const cJSON *t = cJSON_GetArrayItem(at, i);
        char ip[320];
        json_path_index(ip, sizeof ip, p, i);
        if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0) ||
            !isfinite(t->valuedouble))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: expected a time >= 0 in seconds", ip);
        if (i > 0 && t->valuedouble < sp->notice_at_s[i - 1])
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: notice times must not decrease", ip);
        sp->notice_at_s[i] = t->valuedouble;
    }
    sp->n_notice_at = n;
    return 0;
}

/* A VM's host memory must hold a copy of the model per slot -- or one
 * under the llm executor, whose slots are sequences of one engine.  Checked
 * once the executor is known; `path` is the "vm" object's. */
static int check_vm_host_memory(const JCtx *c, const VmSpec *vm,
                                const char *path, const Scenario *sc)
{
    int copies = vm->executor == EXEC_LLM ? 1 : vm->slots;
    double need_mb = sc->model.memory_mb * copies;
    double have_mb = vm->type.memory_gb * 1024;
    if (need_mb <= have_mb)
        return 0;
    return err_set(c->err, SIM_EINPUT, c->file,
                   "%s.slots: %d slots of model '%s' need %g MB, more than "
                   "%s has (%g MB)",
                   path, vm->slots, sc->model.name, need_mb, vm->type.id,
                   have_mb);
}

static int load_vm(const JCtx *c, const cJSON *v, const char *path,
                   const Scenario *sc, const Catalog *cat, VmSpec *vm,
                   char *catalog_date)
{
    int rc, idx = 0;
    char id[64], name[32], p[256], where[300];
    long long ll;
    memset(vm, 0, sizeof *vm);
    if (v == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: missing (a VM or hybrid alternative needs "
                       "{\"instance_type\": ...})",
                       path);
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, vm_keys)) < 0 ||
        (rc = json_str(c, v, path, "instance_type", 1, NULL, id, sizeof id)) <
            0)
        return rc;
    snprintf(where, sizeof where, "%s: %s.instance_type", c->file, path);
    if ((rc = catalog_get(cat, id, &vm->type, catalog_date, c->err,
                          where)) < 0)
        return rc;
    if (vm->type.model != PRICE_VM_HOURLY)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.instance_type: '%s' is not a VM instance type",
                       path, id);
    if ((rc = addons_task_size(c, v, path, vm)) < 0)
        return rc;
    char hw_name[32];
    if ((rc = json_str(c, v, path, "hardware", 0, vm->type.hardware, hw_name,
                       sizeof hw_name)) < 0)
        return rc;
    const HwProfile *hw = profile_hw(&sc->model, hw_name);
    if (hw == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: model '%s' has no profile for hardware '%s' "
                       "(instance type %s)",
                       path, sc->model.name, hw_name, id);
    vm->hw = *hw;
    int is_gpu = vm->type.gpus > 0;
    long long def_slots = 1;
    if (!is_gpu) {
        /* clamped as a double before the cast (a catalog's vcpus may be
         * anything positive) */
        double per = vm->type.vcpus / hw->ref_vcpus;
        def_slots = per >= 100000 ? 100000 : per >= 1 ? (long long)per : 1;
    }
    if ((rc = json_int(c, v, path, "slots", 0, def_slots, 1, 100000, &ll)) <
        0)
        return rc;
    vm->slots = (int)ll;
    if ((rc = json_int(c, v, path, "count", 0, 1, 0, 1000000, &ll)) < 0)
        return rc;
    vm->count = (int)ll;
    if ((rc = json_str(c, v, path, "lb", 0, "shared-queue", name,
                       sizeof name)) < 0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, path, "lb"), name,
                        lb_names, &idx)) < 0)
        return rc;
    vm->lb = (LbKind)idx;
    if ((rc = json_int(c, v, path, "max_queue", 0, 1000000, 0, 100000000,
                       &ll)) < 0)
        return rc;
    vm->max_queue = (int)ll;
    if ((rc = json_num(c, v, path, "boot_s", 0, 25, JNUM_NONNEGATIVE,
                       &vm->boot_s)) < 0 ||
        (rc = json_str(c, v, path, "pricing", 0, "on-demand", name,
                       sizeof name)) < 0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, path, "pricing"), name,
                        vm_pricing_names, &idx)) < 0)
        return rc;
    vm->price_multiplier = vm_pricing[idx].multiplier;
    if ((rc = load_spot(c, v, path, vm_pricing_names[idx], &vm->spot)) < 0)
        return rc;
    vm->max_batch = 1;
    const cJSON *bt = cJSON_GetObjectItemCaseSensitive(v, "batching");
    if (bt != NULL) {
        static const char *const bkeys[] = {"max_batch", "max_wait_ms",
                                            "notes", NULL};
        double wait_ms;
        json_path_key(p, sizeof p, path, "batching");
        if ((rc = json_expect_object(c, bt, p)) < 0 ||
            (rc = json_check_keys(c, bt, p, bkeys)) < 0 ||
            (rc = json_int(c, bt, p, "max_batch", 1, 0, 1, 4096, &ll)) < 0 ||
            (rc = json_num(c, bt, p, "max_wait_ms", 0, 0, JNUM_NONNEGATIVE,
                           &wait_ms)) < 0)
            return rc;
        vm->max_batch = (int)ll;
        vm->batch_wait_s = wait_ms * 1e-3;
        if (vm->max_batch > 1 && vm->slots != 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: a batching VM runs one batch at a time: "
                           "slots must be 1 (got %d)",
                           p, vm->slots);
        if (vm->max_batch > 1 && !vm->hw.warm_affine)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: the '%s' profile gives no per-batch latency "
                           "(warm a_ms + c_ms * b)",
                           p, hw_name);
    }
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(v, "autoscale");
    if (as != NULL) {
        if ((rc = load_autoscale(c, as, json_path_key(p, sizeof p, path,
                                                      "autoscale"),
                                 vm)) < 0)
            return rc;
        if (cJSON_GetObjectItemCaseSensitive(v, "count") == NULL)
            vm->count = vm->as.min_vms;
        if (vm->count < vm->as.min_vms || vm->count > vm->as.max_vms)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.count: the initial fleet (%d) must lie within "
                           "autoscale min..max (%d..%d)",
                           path, vm->count, vm->as.min_vms, vm->as.max_vms);
    }
    return 0;
}

static int load_overflow(const JCtx *c, const cJSON *v, const char *path,
                         AltSpec *a)
{
    static const char *const keys[] = {"rule", "max_wait_ms", "notes", NULL};
    static const char *const rules[] = {"free-slot", "expected-wait", NULL};
    int rc, idx = 0;
    char name[32], p[256];
    double ms;
    a->overflow = OVERFLOW_FREE_SLOT;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_str(c, v, path, "rule", 0, "free-slot", name,
                       sizeof name)) < 0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, path, "rule"), name,
                        rules, &idx)) < 0 ||
        (rc = json_num(c, v, path, "max_wait_ms", idx == 1, 0,
                       JNUM_NONNEGATIVE, &ms)) < 0)
        return rc;
    a->overflow = (OverflowRule)idx;
    a->overflow_wait_s = ms * 1e-3;
    return 0;
}

/* The GPU memory of the largest instance: its model's footprint, the
 * largest of the models set when there is one. */
static double largest_model_mb(const AltSpec *a)
{
    double mb = a->models.n > 0 ? 0.0 : a->model_memory_mb;
    for (int k = 0; k < a->models.n; k++) {
        double m = modelset_model(&a->models, k).mem_mb;
        mb = m > mb ? m : mb;
    }
    return mb;
}

/* cluster.preload: {"models": K, "nodes": N, "replicas": R} (cluster.h). */
static int load_preload(const JCtx *c, const cJSON *v, const char *path,
                        ClusterSpec *cs)
{
    static const char *const keys[] = {"models", "nodes", "replicas",
                                       "notes", NULL};
    long long models, nodes, replicas;
    int n_nodes = 0, rc;
    for (int k = 0; k < cs->n_kinds; k++)
        n_nodes += cs->kind[k].count;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_int(c, v, path, "models", 1, 0, 1, MODELSET_MAX_COUNT,
                       &models)) < 0 ||
        (rc = json_int(c, v, path, "nodes", 0, n_nodes, 1, n_nodes,
                       &nodes)) < 0 ||
        (rc = json_int(c, v, path, "replicas", 0, 1, 1, nodes,
                       &replicas)) < 0)
        return rc;
    cs->preload_models = (int)models;
    cs->preload_nodes = (int)nodes;
    cs->preload_replicas = (int)replicas;
    int dram = 0;
    for (int k = 0; k < cs->n_kinds; k++)
        dram |= cs->kind[k].dram_cache_gb > 0;
    if (!dram)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: pre-loading needs nodes with a DRAM cache "
                       "(dram_cache_gb)",
                       path);
    return 0;
}

/* One entry of models.table. */
static int load_model_entry(const JCtx *c, const cJSON *e, const char *path,
                            ModelEntry *m)
{
    static const char *const keys[] = {"name", "size_gb", "memory_gb",
                                       "weight", "notes", NULL};
    double size_gb, mem_gb;
    int rc;
    if ((rc = json_expect_object(c, e, path)) < 0 ||
        (rc = json_check_keys(c, e, path, keys)) < 0 ||
        (rc = json_str(c, e, path, "name", 1, "", m->name,
                       sizeof m->name)) < 0 ||
        (rc = json_num(c, e, path, "size_gb", 1, 0, JNUM_POSITIVE,
                       &size_gb)) < 0 ||
        (rc = json_num(c, e, path, "memory_gb", 0, size_gb, JNUM_POSITIVE,
                       &mem_gb)) < 0 ||
        (rc = json_num(c, e, path, "weight", 0, 1, JNUM_POSITIVE,
                       &m->weight)) < 0)
        return rc;
    if (size_gb > 1e6 || mem_gb > 1e6)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a model of more than 10^6 GB", path);
    m->size_mb = size_gb * 1000; /* a file's GB, as profiles' size_mb */
    m->mem_mb = mem_gb * 1024;   /* GPU memory, as gpu_memory_gb */
    return 0;
}

/* "models": {"table": [{"name", "size_gb", "memory_gb", "weight"}, ..]} or
 * {"count": N, "size_gb_min": a, "size_gb_max": b}; "seed" salts the
 * function -> model hash (workload/modelset.h). */
static int load_models(const JCtx *c, const cJSON *v, const char *path,
                       AltSpec *a)
{
    static const char *const keys[] = {"table", "count", "size_gb_min",
                                       "size_gb_max", "seed", "notes", NULL};
    ModelSetSpec *ms = &a->models;
    long long count, seed;
    double lo, hi;
    char p[300];
    int rc;
    memset(ms, 0, sizeof *ms);
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_int(c, v, path, "seed", 0, 0, 0, 9007199254740991LL,
                       &seed)) < 0)
        return rc;
    ms->seed = (uint64_t)seed;
    if (a->kind != PLATFORM_SERVERLESS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a models set is for serverless alternatives", path);
    const cJSON *table = cJSON_GetObjectItemCaseSensitive(v, "table");
    int has_count = cJSON_GetObjectItemCaseSensitive(v, "count") != NULL;
    if ((table != NULL) == has_count)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: give either \"table\" or \"count\" (with "
                       "size_gb_min and size_gb_max)",
                       path);
    if (table != NULL) {
        int n = cJSON_GetArraySize(table);
        json_path_key(p, sizeof p, path, "table");
        if (!cJSON_IsArray(table) || n < 1 || n > MODELSET_MAX_TABLE)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: expected 1 to %d models {\"name\", "
                           "\"size_gb\"}",
                           p, MODELSET_MAX_TABLE);
        for (int i = 0; i < n; i++) {
            char ep[320];
            json_path_index(ep, sizeof ep, p, i);
            if ((rc = load_model_entry(c, cJSON_GetArrayItem(table, i), ep,
                                       &ms->table[i])) < 0)
                return rc;
        }
        ms->n = ms->n_table = n;
        return 0;
    }
    if ((rc = json_int(c, v, path, "count", 1, 0, 1, MODELSET_MAX_COUNT,
                       &count)) < 0 ||
        (rc = json_num(c, v, path, "size_gb_min", 1, 0, JNUM_POSITIVE,
                       &lo)) < 0 ||
        (rc = json_num(c, v, path, "size_gb_max", 1, 0, JNUM_POSITIVE,
                       &hi)) < 0)
        return rc;
    if (lo > hi || hi > 1e6)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.size_gb_max: %g must lie in size_gb_min (%g) .. "
                       "10^6",
                       path, hi, lo);
    ms->n = (int)count;
    ms->size_min_mb = lo * 1000;
    ms->size_max_mb = hi * 1000;
    return 0;
}

/* A node kind's "spot": the fleet's keys and defaults, interruptions at
 * random only (forced notices are the fleet's). */
static int load_node_spot(const JCtx *c, const cJSON *e, const char *np,
                          NodeSpec *ns)
{
    SpotSpec sp;
    char p[320];
    int rc;
    if (cJSON_GetObjectItemCaseSensitive(e, "spot") == NULL)
        return 0;
    if ((rc = load_spot(c, e, np, "spot", &sp)) < 0)
        return rc;
    if (sp.n_notice_at > 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.notice_at_s: forced notices are for VM fleets; a "
                       "spot node is interrupted at random",
                       json_path_key(p, sizeof p, np, "spot"));
    ns->spot_per_hour = sp.per_hour;
    ns->spot_notice_s = sp.notice_s;
    return 0;
}

/* A storage-tier size or rate: >= 0 (> 0 when given, for a rate), at
 * most TIER_MAX (a petabyte, a petabyte per second: bytes stay exact in
 * an int64); 0 when absent. */
#define TIER_MAX 1e6

static int tier_num(const JCtx *c, const cJSON *obj, const char *path,
                    const char *key, int required, JNumRule rule,
                    double *out)
{
    int rc = json_num(c, obj, path, key, required, 0, rule, out);
    if (rc < 0 || *out <= TIER_MAX)
        return rc;
    char p[320];
    json_path_key(p, sizeof p, path, key);
    return err_set(c->err, SIM_EINPUT, c->file, "%s: at most %g (got %g)", p,
                   TIER_MAX, *out);
}

static int node_has_tiers(const NodeSpec *ns)
{
    return ns->network_gbps > 0 || ns->ssd_gb > 0 ||
           ns->ssd_read_gb_per_s > 0 || ns->dram_cache_gb > 0 ||
           ns->host_to_gpu_gb_per_s > 0;
}

/* A node kind's storage tiers (entity/storage.h): a cache needs the rate
 * it is read at. */
static int load_node_tiers(const JCtx *c, const cJSON *e, const char *np,
                           NodeSpec *ns)
{
    int rc;
    if ((rc = tier_num(c, e, np, "network_gbps", 0, JNUM_POSITIVE,
                       &ns->network_gbps)) < 0 ||
        (rc = tier_num(c, e, np, "ssd_gb", 0, JNUM_NONNEGATIVE, &ns->ssd_gb)) <
            0 ||
        (rc = tier_num(c, e, np, "ssd_read_gb_per_s", 0, JNUM_POSITIVE,
                       &ns->ssd_read_gb_per_s)) < 0 ||
        (rc = tier_num(c, e, np, "dram_cache_gb", 0, JNUM_NONNEGATIVE,
                       &ns->dram_cache_gb)) < 0 ||
        (rc = tier_num(c, e, np, "host_to_gpu_gb_per_s", 0, JNUM_POSITIVE,
                       &ns->host_to_gpu_gb_per_s)) < 0)
        return rc;
    if (ns->ssd_gb > 0 && ns->ssd_read_gb_per_s == 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.ssd_read_gb_per_s: needed with ssd_gb", np);
    if (ns->dram_cache_gb > 0 && ns->host_to_gpu_gb_per_s == 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.host_to_gpu_gb_per_s: needed with dram_cache_gb",
                       np);
    return 0;
}

/* The cluster-wide tier keys; with tiers, every node kind needs its
 * network rate (the cold path). */
static int load_cluster_tiers(const JCtx *c, const cJSON *v, const char *path,
                              ClusterSpec *cs)
{
    char name[32], p[256];
    int rc = tier_num(c, v, path, "remote_cap_gbps", 0, JNUM_NONNEGATIVE,
                      &cs->remote_cap_gbps);
    if (rc < 0 || (rc = json_str(c, v, path, "cache_policy", 0, "lru", name,
                                 sizeof name)) < 0)
        return rc;
    cs->cache_policy = cache_policy_find(name);
    if (cs->cache_policy < 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: unknown cache policy '%s' (known: lru, fifo)",
                       json_path_key(p, sizeof p, path, "cache_policy"), name);
    cs->tiers |= cs->remote_cap_gbps > 0;
    for (int i = 0; i < cs->n_kinds && cs->tiers; i++)
        if (cs->kind[i].network_gbps == 0) {
            char np[300];
            json_path_index(np, sizeof np,
                            json_path_key(p, sizeof p, path, "nodes"), i);
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.network_gbps: needed when the cluster has "
                           "storage tiers",
                           np);
        }
    return 0;
}

static int load_cluster(const JCtx *c, const cJSON *v, const char *path,
                        AltSpec *a)
{
    static const char *const keys[] = {"nodes", "placement", "preload",
                                       "remote_cap_gbps", "cache_policy",
                                       "gpu_sharing", "on_stockout", "notes",
                                       NULL};
    static const char *const node_keys[] = {
        "count", "vcpus", "memory_gb", "gpus", "gpu_memory_gb", "gpu_type",
        "network_gbps", "ssd_gb", "ssd_read_gb_per_s", "dram_cache_gb",
        "host_to_gpu_gb_per_s", "spot", "notes", NULL};
    static const char *const stockouts[] = {"queue", "reject", "wait", NULL};
    ClusterSpec *cs = &a->cluster;
    int rc, idx = 0;
    char name[32], p[256];
    memset(cs, 0, sizeof *cs);
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_str(c, v, path, "placement", 0, "first-fit", name,
                       sizeof name)) < 0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, path, "placement"),
                        name, cluster_place_names, &idx)) < 0)
        return rc;
    cs->place = (PlacementKind)idx;
    if ((rc = json_bool(c, v, path, "gpu_sharing", 0, &cs->gpu_sharing)) < 0 ||
        (rc = json_str(c, v, path, "on_stockout", 0, "queue", name,
                       sizeof name)) < 0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, path, "on_stockout"),
                        name, stockouts, &idx)) < 0)
        return rc;
    cs->on_stockout = (StockoutRule)idx;
    const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(v, "nodes");
    json_path_key(p, sizeof p, path, "nodes");
    int n = cJSON_GetArraySize(nodes);
    if (!cJSON_IsArray(nodes) || n < 1 || n > CLUSTER_MAX_NODE_KINDS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected 1 to %d kinds of node {\"count\", "
                       "\"vcpus\", \"memory_gb\", \"gpus\", "
                       "\"gpu_memory_gb\"}",
                       p, CLUSTER_MAX_NODE_KINDS);
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(nodes, i);
        NodeSpec *ns = &cs->kind[i];
        char np[300];
        long long count, gpus;
        json_path_index(np, sizeof np, p, i);
        if ((rc = json_expect_object(c, e, np)) < 0 ||
            (rc = json_check_keys(c, e, np, node_keys)) < 0 ||
            (rc = json_int(c, e, np, "count", 0, 1, 1, 1000000, &count)) < 0 ||
            (rc = json_num(c, e, np, "vcpus", 1, 0, JNUM_POSITIVE,
                           &ns->vcpus)) < 0 ||
            (rc = json_num(c, e, np, "memory_gb", 1, 0, JNUM_POSITIVE,
                           &ns->memory_gb)) < 0 ||
            (rc = json_int(c, e, np, "gpus", 0, 0, 0, 64, &gpus)) < 0 ||
            (rc = json_num(c, e, np, "gpu_memory_gb", gpus > 0, 0,
                           JNUM_NONNEGATIVE, &ns->gpu_memory_gb)) < 0 ||
            (rc = json_str(c, e, np, "gpu_type", 0, "", ns->gpu_type,
                           sizeof ns->gpu_type)) < 0 ||
            (rc = load_node_spot(c, e, np, ns)) < 0)
            return rc;
        ns->count = (int)count;
        ns->gpus = (int)gpus;
        if ((rc = load_node_tiers(c, e, np, ns)) < 0)
            return rc;
        cs->tiers |= node_has_tiers(ns);
    }
    cs->n_kinds = n;
    cs->enabled = 1;
    if ((rc = load_cluster_tiers(c, v, path, cs)) < 0 ||
        (rc = load_preload(c, cJSON_GetObjectItemCaseSensitive(v, "preload"),
                           json_path_key(p, sizeof p, path, "preload"),
                           cs)) < 0)
        return rc;
    /* an instance that fits no node could never start */
    InstanceShape sh = spec_instance_shape(a);
    double gpu_mb = sh.gpus > 0 ? largest_model_mb(a) : 0;
    Demand d = cluster_demand(sh.vcpus, a->model_memory_mb, sh.gpus, gpu_mb);
    Cluster probe;
    cluster_init(&probe, cs, a->hardware);
    int fits = cluster_fits_any_empty(&probe, &d);
    cluster_fini(&probe);
    if (!fits)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: an instance (%g vCPU, %g MB%s%s, %g MB of GPU "
                       "memory) fits no node",
                       path, sh.vcpus, a->model_memory_mb,
                       sh.gpus ? ", a GPU of class " : "",
                       sh.gpus ? a->hardware : "", gpu_mb);
    return 0;
}

/* "swap": idle instances' weights leave GPU memory after idle_s; needs
 * GPU instances on a cluster. */
static int load_swap(const JCtx *c, const cJSON *v, const char *path,
                     AltSpec *a)
{
    static const char *const keys[] = {"enabled", "idle_s", "notes", NULL};
    ClusterSpec *cs = &a->cluster;
    int rc;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_bool(c, v, path, "enabled", 1, &cs->swap)) < 0 ||
        (rc = json_num(c, v, path, "idle_s", cs->swap, 0, JNUM_NONNEGATIVE,
                       &cs->swap_idle_s)) < 0)
        return rc;
    if (cs->swap && (!cs->enabled || spec_instance_shape(a).gpus < 1))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: swapping moves weights out of GPU memory: it "
                       "needs a cluster and a GPU hardware class",
                       path);
    return 0;
}

/* keepalive.memory_limit_gb: one node of that much memory, CPUs not
 * limiting -- the memory limit of the caching policies (DESIGN.md 3). */
static int memory_limit_cluster(const JCtx *c, AltSpec *a, const char *apath)
{
    if (a->cluster.enabled)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: give either cluster or keepalive.memory_limit_gb, "
                       "not both",
                       apath);
    if (a->kind == PLATFORM_VM)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.keepalive.memory_limit_gb: a VM alternative has no "
                       "serverless instances to limit",
                       apath);
    ClusterSpec *cs = &a->cluster;
    memset(cs, 0, sizeof *cs);
    cs->enabled = 1;
    cs->n_kinds = 1;
    cs->kind[0].count = 1;
    cs->kind[0].vcpus = 1e9;
    cs->kind[0].memory_gb = a->keepalive.memory_limit_gb;
    if (a->model_memory_mb > a->keepalive.memory_limit_gb * 1024)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.keepalive.memory_limit_gb: %g GB is less than one "
                       "instance (%g MB)",
                       apath, a->keepalive.memory_limit_gb,
                       a->model_memory_mb);
    return 0;
}

/* The `llm` executor's knobs in the "executor" object e (at path p) and
 * what they give with the model on hardware hw: the time model at tp, the
 * KV capacity (refused when the weights do not fit) and the cold start. */
static int load_llm_exec(const JCtx *c, const cJSON *e, const char *p,
                         const Scenario *sc, const HwProfile *hw,
                         LlmExecSpec *sp)
{
    static const char *const srcs[] = {"remote", "nvme", "dram", NULL};
    long long ll;
    int rc, idx = LLM_LOAD_NVME;
    char src[16], kp[300];
    memset(sp, 0, sizeof *sp);
    const ModelProfile *m = &sc->model;
    if (!m->llm.present)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: 'llm' needs a model profile with an \"llm\" "
                       "block; model '%s' has none",
                       p, m->name);
    if ((rc = json_int(c, e, p, "max_num_seqs", 0, 256, 1, 1 << 20, &ll)) < 0)
        return rc;
    sp->max_num_seqs = (int)ll;
    if ((rc = json_int(c, e, p, "block_tokens", 0, 16, 1, 1024, &ll)) < 0)
        return rc;
    sp->block_tokens = (int)ll;
    if ((rc = json_int(c, e, p, "chunk_tokens", 0, 0, 0, 1 << 24, &ll)) < 0)
        return rc;
    sp->chunk_tokens = ll;
    if ((rc = json_int(c, e, p, "max_num_batched_tokens", 0, 8192, 1,
                       1 << 24, &ll)) < 0)
        return rc;
    sp->max_num_batched_tokens = ll;
    if ((rc = json_int(c, e, p, "tp", 0, 1, 1, 8, &ll)) < 0)
        return rc;
    sp->tp = (int)ll;
    if (sp->tp != 1 && sp->tp != 2 && sp->tp != 4 && sp->tp != 8)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.tp: %d GPUs; an instance holds 1, 2, 4 or 8", p,
                       sp->tp);
    if ((rc = json_num(c, e, p, "gpu_memory_utilization", 0, 0.9,
                       JNUM_POSITIVE, &sp->gpu_memory_utilization)) < 0)
        return rc;
    if (sp->gpu_memory_utilization > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.gpu_memory_utilization: %g is more than all of "
                       "the memory (at most 1)",
                       p, sp->gpu_memory_utilization);
    double reserve_gb;
    if ((rc = json_num(c, e, p, "activation_reserve_gb", 0,
                       m->llm.activation_reserve_bytes / 1e9,
                       JNUM_NONNEGATIVE, &reserve_gb)) < 0)
        return rc;
    sp->activation_reserve_bytes = reserve_gb * 1e9;
    if ((rc = json_int(c, e, p, "default_prompt_tokens", 0, 512, 1,
                       1 << 24, &ll)) < 0)
        return rc;
    sp->default_prompt_tokens = (int32_t)ll;
    if ((rc = json_int(c, e, p, "default_output_tokens", 0, 128, 1,
                       1 << 24, &ll)) < 0)
        return rc;
    sp->default_output_tokens = (int32_t)ll;
    if ((rc = json_str(c, e, p, "weights_from", 0, "nvme", src,
                       sizeof src)) < 0 ||
        (rc = pick_name(c, json_path_key(kp, sizeof kp, p, "weights_from"),
                        src, srcs, &idx)) < 0)
        return rc;
    sp->weights_from = (LlmLoadSource)idx;
    sp->shape = m->llm.shape;
    sp->gpu_memory_bytes = hw->gpu_memory_bytes;
    /* vLLM's rule (profile_llm_kv_tokens) with this reserve */
    ModelProfile mm = *m;
    mm.llm.activation_reserve_bytes = sp->activation_reserve_bytes;
    sp->kv_tokens = profile_llm_kv_tokens(&mm, hw->gpu_memory_bytes,
                                          sp->gpu_memory_utilization,
                                          sp->tp);
    sp->kv_blocks = (int64_t)(sp->kv_tokens / sp->block_tokens);
    if (sp->kv_blocks < 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.tp: the weights of '%s' (%.1f GB) and the "
                       "activation reserve (%.2f GB per GPU) do not fit %d x "
                       "%.1f GB at gpu_memory_utilization %g",
                       p, m->name, m->llm.shape.weights_bytes / 1e9,
                       reserve_gb, sp->tp, hw->gpu_memory_bytes / 1e9,
                       sp->gpu_memory_utilization);
    const LlmHwModel *x = profile_llm(m, hw->hw, sp->tp);
    if (x == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.tp: model '%s' has no llm entry for hardware '%s' "
                       "at tp %d",
                       p, m->name, hw->hw, sp->tp);
    sp->hwm = *x;
    sp->load_s = profile_llm_load_s(m, hw, sp->tp, sp->weights_from);
    sp->cold_start_s = profile_llm_cold_start_s(m, hw, x, sp->weights_from);
    if (sp->load_s < 0 || sp->cold_start_s < 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.weights_from: model '%s' gives no '%s' load rate "
                       "for hardware '%s'",
                       p, m->name, src, hw->hw);
    return 0;
}

/* "executor": what runs inside an instance -- "single", "batch", or an
 * object {"kind": "llm", knobs...} (a bare name is that kind with its
 * defaults).  Without it, today's keys decide (batch when
 * batching.max_batch > 1), so older scenarios run as before; with it, the
 * batching keys must agree.  `max_batch` is the part's (the alternative's
 * or its VM's) and hw its hardware profile; `what` names the part in
 * errors. */
static int load_executor(const JCtx *c, const cJSON *o, const char *path,
                         int max_batch, const char *what, const Scenario *sc,
                         const HwProfile *hw, ExecKind *out, LlmExecSpec *sp)
{
    static const char *const kinds[] = {"single", "batch", "llm", NULL};
    static const char *const ekeys[] = {"kind", "notes", NULL};
    static const char *const lkeys[] = {
        "kind", "max_num_seqs", "max_num_batched_tokens", "block_tokens",
        "chunk_tokens", "gpu_memory_utilization", "tp",
        "activation_reserve_gb", "default_prompt_tokens",
        "default_output_tokens", "weights_from", "notes", NULL};
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "executor");
    char p[256], kp[280], name[32];
    int rc, idx = 0;
    *out = EXEC_AUTO;
    if (e == NULL)
        return 0;
    json_path_key(p, sizeof p, path, "executor");
    if (cJSON_IsObject(e)) {
        if ((rc = json_str(c, e, p, "kind", 1, NULL, name, sizeof name)) < 0)
            return rc;
        json_path_key(kp, sizeof kp, p, "kind");
    } else {
        if ((rc = json_str(c, o, path, "executor", 1, NULL, name,
                           sizeof name)) < 0)
            return rc;
        snprintf(kp, sizeof kp, "%s", p);
    }
    if ((rc = pick_name(c, kp, name, kinds, &idx)) < 0)
        return rc;
    *out = executor_find(name);
    if (cJSON_IsObject(e) &&
        (rc = json_check_keys(c, e, p, *out == EXEC_LLM ? lkeys : ekeys)) < 0)
        return rc;
    if (*out == EXEC_SINGLE && max_batch > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: 'single' runs one request per slot, but %s "
                       "batching.max_batch is %d (use 'batch')",
                       kp, what, max_batch);
    if (*out == EXEC_BATCH && max_batch <= 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: 'batch' needs %s batching.max_batch > 1", kp,
                       what);
    if (*out == EXEC_LLM && max_batch > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: 'llm' batches by iteration; %s batching must be "
                       "off",
                       kp, what);
    if (*out == EXEC_LLM) {
        static const cJSON empty;
        return load_llm_exec(c, cJSON_IsObject(e) ? e : &empty, p, sc, hw,
                             sp);
    }
    return 0;
}

/* "routing": which warm on-demand instance takes a request. */
static int load_routing(const JCtx *c, const cJSON *o, const char *path,
                        AltSpec *a)
{
    char name[32], p[256];
    int rc, idx = 0;
    if ((rc = json_str(c, o, path, "routing", 0, "most-recent", name,
                       sizeof name)) < 0 ||
        (rc = pick_name(c, json_path_key(p, sizeof p, path, "routing"), name,
                        routing_names, &idx)) < 0)
        return rc;
    a->routing = (RoutingKind)idx;
    return 0;
}

/* A platform limit broken: "<path>.<key>: <what it breaks>". */
static int limit_error(const JCtx *c, const cJSON *alt, const cJSON *defs,
                       const char *apath, const LimitViolation *v)
{
    const char *p;
    from(alt, defs, v->key, apath, &p);
    return err_set(c->err, SIM_EINPUT, c->file, "%s.%s: %s", p, v->key,
                   v->msg);
}

/* The catalog entry that key "pricing" of the alternative (or of the
 * defaults) names, into a->price: `def` when absent (NULL: required).
 * Its id goes to price_id[64], the JSON path of the object to *path. */
static int load_pricing(const JCtx *c, const cJSON *alt, const cJSON *defs,
                        const char *apath, const char *def,
                        const Catalog *cat, AltSpec *a, char *catalog_date,
                        char *price_id, const char **path)
{
    int rc;
    const cJSON *o = from(alt, defs, "pricing", apath, path);
    char where[300];
    if ((rc = json_str(c, o, *path, "pricing", def == NULL, def, price_id,
                       64)) < 0)
        return rc;
    snprintf(where, sizeof where, "%s: %s.pricing", c->file, *path);
    return catalog_get(cat, price_id, &a->price, catalog_date, c->err,
                       where);
}

/* Keys "package", "payload" and "gateway" (addons.h), from the
 * alternative or the defaults. */
static int load_addons(const JCtx *c, const cJSON *alt, const cJSON *defs,
                       const char *apath, const Catalog *cat,
                       const Scenario *sc, AltSpec *a, char *catalog_date)
{
    char pp[3][160];
    const char *p;
    const cJSON *o[3];
    static const char *const keys[] = {"package", "payload", "gateway"};
    for (int k = 0; k < 3; k++) {
        const cJSON *holder = from(alt, defs, keys[k], apath, &p);
        o[k] = cJSON_GetObjectItemCaseSensitive(holder, keys[k]);
        json_path_key(pp[k], sizeof pp[k], p, keys[k]);
    }
    AddonKeys ak = {o[0], o[1], o[2], pp[0], pp[1], pp[2]};
    return addons_load(c, &ak, cat, sc->model.size_mb, &a->addon,
                       catalog_date);
}

/* An "api" alternative (platform/api.c): a per-token price entry, a
 * timeout, and traffic with token counts; the instance keys do not
 * apply. */
static int load_api(const JCtx *c, const cJSON *alt, const cJSON *defs,
                    const char *apath, const Scenario *sc,
                    const Catalog *cat, AltSpec *a, char *catalog_date)
{
    int rc;
    const char *p;
    const cJSON *o;
    char price_id[64];
    if ((rc = load_pricing(c, alt, defs, apath, NULL, cat, a, catalog_date,
                           price_id, &p)) < 0)
        return rc;
    if (a->price.model != PRICE_PER_TOKEN)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.pricing: '%s' is not a per-token API entry (the "
                       "api platform takes one: 'simsrv catalog' lists them "
                       "as per-token)",
                       p, price_id);
    if (!workload_has_tokens(&sc->workload))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.platform: the api platform bills per token; the "
                       "workload must give token counts (a trace with "
                       "context_column and generated_column)",
                       apath);
    snprintf(a->hardware, sizeof a->hardware, "api");
    o = from(alt, defs, "timeout_s", apath, &p);
    return json_num(c, o, p, "timeout_s", 0, 900, JNUM_NONNEGATIVE,
                    &a->timeout_s);
}

/* "snapshot": {"size_gb", "restore_gb_per_s"}: a start restores the
 * snapshot (size / rate) in place of the sandbox and runtime init. */
static int load_snapshot(const JCtx *c, const cJSON *v, const char *p,
                         AltSpec *a)
{
    static const char *const keys[] = {"size_gb", "restore_gb_per_s", "notes",
                                       NULL};
    double gb, rate;
    int rc;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, p)) < 0 ||
        (rc = json_check_keys(c, v, p, keys)) < 0 ||
        (rc = tier_num(c, v, p, "size_gb", 1, JNUM_NONNEGATIVE, &gb)) < 0 ||
        (rc = tier_num(c, v, p, "restore_gb_per_s", 1, JNUM_POSITIVE,
                       &rate)) < 0)
        return rc;
    a->snapshot = 1;
    a->snapshot_bytes = gb * 1e9;
    a->restore_bytes_per_s = rate * 1e9;
    return 0;
}

/* What a start moves (checkpoint_gb: default the LLM profile's weights,
 * else the model's size_mb; image_gb) and snapshot/restore.  Both replace
 * pieces of a start drawn from the profile's components, so a profile that
 * gives a cold start only as a total cannot have them. */
static int load_start_bytes(const JCtx *c, const cJSON *alt,
                            const cJSON *defs, const char *apath,
                            const Scenario *sc, AltSpec *a)
{
    const char *p;
    char kp[160];
    double gb;
    int rc;
    double def_gb = sc->model.llm.present
                        ? sc->model.llm.shape.weights_bytes / 1e9
                        : sc->model.size_mb / 1e3;
    const cJSON *o = from(alt, defs, "checkpoint_gb", apath, &p);
    if ((rc = tier_num(c, o, p, "checkpoint_gb", 0, JNUM_NONNEGATIVE, &gb)) < 0)
        return rc;
    a->checkpoint_bytes =
        (cJSON_GetObjectItemCaseSensitive(o, "checkpoint_gb") ? gb : def_gb) *
        1e9;
    o = from(alt, defs, "image_gb", apath, &p);
    if ((rc = tier_num(c, o, p, "image_gb", 0, JNUM_NONNEGATIVE, &gb)) < 0)
        return rc;
    a->image_bytes = gb * 1e9;
    o = from(alt, defs, "snapshot", apath, &p);
    json_path_key(kp, sizeof kp, p, "snapshot");
    if ((rc = load_snapshot(c, cJSON_GetObjectItemCaseSensitive(o, "snapshot"),
                            kp, a)) < 0)
        return rc;
    if (a->snapshot && a->kind == PLATFORM_VM)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a VM alternative has no serverless starts to "
                       "restore",
                       kp);
    int totals = a->executor != EXEC_LLM && a->hw.cold_mode == COLD_TOTAL;
    if (totals && (a->snapshot || a->cluster.tiers))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: the '%s' profile gives its cold start as one "
                       "total; %s needs its components",
                       a->snapshot ? kp : apath, a->hardware,
                       a->snapshot ? "a snapshot" : "a cluster with storage "
                                                    "tiers");
    return 0;
}


/* "queue": an SQS event source in front of the function (platform/
 * queue.c).  Limits and defaults, Lambda Developer Guide, "Lambda parameters
 * for Amazon SQS event source mappings" and "Configuring maximum concurrency
 * for Amazon SQS event sources" (docs.aws.amazon.com/lambda/latest/dg/
 * services-sqs-parameters.html, services-sqs-scaling.html, read 2026-12):
 * BatchSize default 10, at most 10,000 for a standard queue, and a batch
 * window of at least 1 s when above 10; MaximumBatchingWindowInSeconds 0 to
 * 300 s, default 0; maximum concurrency 2 to 1,000.  SQS Developer Guide
 * ("Amazon SQS visibility timeout", "Using dead-letter queues", read
 * 2026-12): visibility timeout 0 s to 12 h, default 30 s; maxReceiveCount 1
 * to 1,000.  CreateEventSourceMapping refuses a queue whose visibility
 * timeout is shorter than the function's timeout, and so does this. */
static const char *const queue_keys[] = {
    "batch_size", "batch_window_s", "max_concurrency", "visibility_timeout_s",
    "max_receives", "failure_prob", "backoff_s", "backoff_factor", "notes",
    NULL};

static int load_queue(const JCtx *c, const cJSON *v, const char *path,
                      const Scenario *sc, AltSpec *a)
{
    int rc;
    long long ll;
    QueueSpec *q = &a->queue;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, queue_keys)) < 0)
        return rc;
    if (a->kind != PLATFORM_SERVERLESS || a->max_batch > 1 || a->batch > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: an event source feeds a serverless alternative "
                       "without \"batch\" or \"batching\" (the queue forms "
                       "the batches)",
                       path);
    q->enabled = 1;
    if ((rc = json_int(c, v, path, "batch_size", 0, 10, 1, 10000, &ll)) < 0)
        return rc;
    q->batch_size = (int)ll;
    if ((rc = json_num(c, v, path, "batch_window_s", 0, 0, JNUM_NONNEGATIVE,
                       &q->batch_window_s)) < 0)
        return rc;
    if (q->batch_window_s > 300)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.batch_window_s: %g s; the batching window is at "
                       "most 300 s",
                       path, q->batch_window_s);
    if (q->batch_size > 10 && q->batch_window_s < 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.batch_size: %d above 10 needs batch_window_s of "
                       "at least 1 s",
                       path, q->batch_size);
    if ((rc = json_int(c, v, path, "max_concurrency", 0, 0, 0, 1000, &ll)) <
        0)
        return rc;
    q->max_concurrency = (int)ll;
    if (q->max_concurrency == 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.max_concurrency: 1; it is 2 to 1000 (0 = no limit)",
                       path);
    if ((rc = json_num(c, v, path, "visibility_timeout_s", 0, 30,
                       JNUM_NONNEGATIVE, &q->visibility_s)) < 0)
        return rc;
    if (q->visibility_s > 43200)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.visibility_timeout_s: %g s; it is at most 43200 s "
                       "(12 h)",
                       path, q->visibility_s);
    if (q->visibility_s < a->timeout_s)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.visibility_timeout_s: %g s is less than the "
                       "function's timeout_s (%g s)",
                       path, q->visibility_s, a->timeout_s);
    if ((rc = json_int(c, v, path, "max_receives", 0, 3, 1, 1000, &ll)) < 0)
        return rc;
    q->max_receives = (int)ll;
    if ((rc = json_num(c, v, path, "failure_prob", 0, 0, JNUM_NONNEGATIVE,
                       &q->failure_prob)) < 0)
        return rc;
    if (q->failure_prob > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.failure_prob: %g is not a probability (0 to 1)",
                       path, q->failure_prob);
    if ((rc = json_num(c, v, path, "backoff_s", 0, 0, JNUM_NONNEGATIVE,
                       &q->backoff_s)) < 0 ||
        (rc = json_num(c, v, path, "backoff_factor", 0, 2, JNUM_POSITIVE,
                       &q->backoff_factor)) < 0)
        return rc;
    if (q->backoff_s > 43200 || q->backoff_factor > 10)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.%s: %g is above its limit (%s)", path,
                       q->backoff_s > 43200 ? "backoff_s" : "backoff_factor",
                       q->backoff_s > 43200 ? q->backoff_s
                                            : q->backoff_factor,
                       q->backoff_s > 43200 ? "43200 s, SQS's longest "
                                              "visibility"
                                            : "10");
    if (a->executor == EXEC_LLM || !a->hw.warm_affine)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: the '%s' profile gives no per-batch latency (warm "
                       "a_ms + c_ms * b) for the queue's batches",
                       path, a->hardware);
    if (workload_multi_function(&sc->workload))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: one queue feeds one function and this workload "
                       "(%s) has many",
                       path, sc->workload.type);
    return 0;
}

/* "knative": the pod autoscaler and the pods of a "platform": "knative"
 * alternative; its "vm" is the node pool.  Keys, defaults and bounds of the
 * Knative Serving docs (knative.dev/docs/serving/autoscaling, "Configuring
 * targets", "Additional autoscaling configuration for Knative Pod
 * Autoscaler", "Configuring scale bounds", "Configure scale to zero"; and
 * "Configuring concurrency", read 2026-12): target 100
 * (container-concurrency-target-default), and when only
 * containerConcurrency is set the target is it; target-utilization-
 * percentage 70; containerConcurrency 0 (no limit); stable-window 60 s (6 s
 * to 1 h); panic-window-percentage 10 (1 to 100); panic-threshold-
 * percentage 200 (110 to 1000); max-scale-up-rate 1000 and
 * max-scale-down-rate 2 (above 1); scale-to-zero-grace-period 30 s (at
 * least 6 s); initial-scale 1; min-scale 0; max-scale 0 (none); and the
 * autoscaler's tick-interval of 2 s (config-autoscaler).  The revision
 * timeout, 300 s, is the alternative's timeout_s default. */
static const char *const knative_keys[] = {
    "target", "target_utilization_pct", "container_concurrency",
    "stable_window_s", "panic_window_pct", "panic_threshold_pct",
    "max_scale_up_rate", "max_scale_down_rate", "scale_to_zero_grace_s",
    "min_scale", "max_scale", "initial_scale", "tick_s", "pod_vcpus",
    "pod_memory_mb", "notes", NULL};

static int load_knative(const JCtx *c, const cJSON *v, const char *path,
                        const char *vm_path, const Scenario *sc, AltSpec *a)
{
    int rc;
    long long ll;
    double x;
    KnativeSpec *kn = &a->kn;
    static const cJSON empty_obj = {.type = cJSON_Object};
    if (v == NULL)
        v = &empty_obj; /* every default */
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, knative_keys)) < 0)
        return rc;
    if ((rc = json_int(c, v, path, "container_concurrency", 0, 0, 0, 1000,
                       &ll)) < 0)
        return rc;
    kn->container_concurrency = (int)ll;
    if ((rc = json_num(c, v, path, "target", 0,
                       kn->container_concurrency > 0
                           ? kn->container_concurrency
                           : 100,
                       JNUM_POSITIVE, &kn->target)) < 0)
        return rc;
    if (kn->target < 0.01 || (kn->container_concurrency > 0 &&
                              kn->target > kn->container_concurrency))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.target: %g concurrent requests per pod; it is at "
                       "least 0.01 and at most container_concurrency (%d)",
                       path, kn->target, kn->container_concurrency);
    if ((rc = json_num(c, v, path, "target_utilization_pct", 0, 70,
                       JNUM_POSITIVE, &x)) < 0)
        return rc;
    if (x > 100)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.target_utilization_pct: %g%%; it is at most 100",
                       path, x);
    kn->utilization = x / 100;
    if ((rc = json_int(c, v, path, "stable_window_s", 0, 60, 6, 3600, &ll)) <
        0)
        return rc;
    kn->stable_window_s = (int)ll;
    if ((rc = json_num(c, v, path, "panic_window_pct", 0, 10, JNUM_POSITIVE,
                       &x)) < 0)
        return rc;
    if (x < 1 || x > 100)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.panic_window_pct: %g%%; it is 1 to 100", path, x);
    /* the windows are whole 1 s buckets: 10% of 60 s is 6 */
    kn->panic_window_s = (int)floor(kn->stable_window_s * x / 100 + 0.5);
    if (kn->panic_window_s < 1)
        kn->panic_window_s = 1;
    if ((rc = json_num(c, v, path, "panic_threshold_pct", 0, 200,
                       JNUM_POSITIVE, &x)) < 0)
        return rc;
    if (x < 110 || x > 1000)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.panic_threshold_pct: %g%%; it is 110 to 1000",
                       path, x);
    kn->panic_threshold = x / 100;
    if ((rc = json_num(c, v, path, "max_scale_up_rate", 0, 1000,
                       JNUM_POSITIVE, &kn->max_scale_up_rate)) < 0 ||
        (rc = json_num(c, v, path, "max_scale_down_rate", 0, 2,
                       JNUM_POSITIVE, &kn->max_scale_down_rate)) < 0)
        return rc;
    if (kn->max_scale_up_rate <= 1 || kn->max_scale_down_rate <= 1 ||
        kn->max_scale_up_rate > 1e6 || kn->max_scale_down_rate > 1e6)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.%s: %g; the scale rates are above 1 (and at most "
                       "1e6)",
                       path,
                       kn->max_scale_up_rate <= 1 ||
                               kn->max_scale_up_rate > 1e6
                           ? "max_scale_up_rate"
                           : "max_scale_down_rate",
                       kn->max_scale_up_rate <= 1 ||
                               kn->max_scale_up_rate > 1e6
                           ? kn->max_scale_up_rate
                           : kn->max_scale_down_rate);
    if ((rc = json_num(c, v, path, "scale_to_zero_grace_s", 0, 30,
                       JNUM_POSITIVE, &kn->scale_to_zero_grace_s)) < 0)
        return rc;
    if (kn->scale_to_zero_grace_s < 6 || kn->scale_to_zero_grace_s > 86400)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.scale_to_zero_grace_s: %g s; it is 6 s to a day",
                       path, kn->scale_to_zero_grace_s);
    if ((rc = json_int(c, v, path, "max_scale", 0, 0, 0, 100000, &ll)) < 0)
        return rc;
    kn->max_scale = (int)ll;
    long long cap = kn->max_scale > 0 ? kn->max_scale : 100000;
    if ((rc = json_int(c, v, path, "min_scale", 0, 0, 0, cap, &ll)) < 0)
        return rc;
    kn->min_scale = (int)ll;
    if ((rc = json_int(c, v, path, "initial_scale", 0,
                       kn->min_scale > 1 ? kn->min_scale : 1, kn->min_scale,
                       cap, &ll)) < 0)
        return rc;
    kn->initial_scale = (int)ll;
    if ((rc = json_int(c, v, path, "tick_s", 0, 2, 1, 60, &ll)) < 0)
        return rc;
    kn->tick_s = (int)ll;
    if ((rc = json_num(c, v, path, "pod_vcpus", 0, a->vm.hw.ref_vcpus,
                       JNUM_POSITIVE, &kn->pod_vcpus)) < 0 ||
        (rc = json_num(c, v, path, "pod_memory_mb", 1, 0, JNUM_POSITIVE,
                       &kn->pod_memory_mb)) < 0)
        return rc;
    if (kn->pod_memory_mb < sc->model.memory_mb)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.pod_memory_mb: %g MB is less than model '%s' needs "
                       "resident (%g MB)",
                       path, kn->pod_memory_mb, sc->model.name,
                       sc->model.memory_mb);
    if (kn->pod_vcpus > a->vm.type.vcpus ||
        kn->pod_memory_mb > a->vm.type.memory_gb * 1024)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a pod of %g vCPUs and %g MB does not fit a %s "
                       "node (%g vCPUs, %g GB)",
                       path, kn->pod_vcpus, kn->pod_memory_mb, a->vm.type.id,
                       a->vm.type.vcpus, a->vm.type.memory_gb);
    if (a->vm.executor == EXEC_LLM || a->vm.max_batch > 1 || a->vm.as.enabled ||
        a->vm.spot.enabled)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a Knative node pool is a fixed count of nodes "
                       "(no autoscale, spot, batching or llm executor)",
                       vm_path);
    return 0;
}

static int load_composite(const JCtx *c, const cJSON *alt, const cJSON *defs,
                          const char *apath, const Scenario *sc,
                          const Catalog *cat, AltSpec *a, char *catalog_date);

/* The required "name" of the deployment at `apath` into a->name. */
static int load_alt_name(const JCtx *c, const cJSON *alt, const char *apath,
                         AltSpec *a)
{
    int rc;
    if ((rc = json_str(c, alt, apath, "name", 1, NULL, a->name,
                       sizeof a->name)) < 0)
        return rc;
    if (!scenario_name_valid(a->name))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.name: '%s' may use only letters, digits, '-', '_' "
                       "and '.', and is not '.' or '..'",
                       apath, a->name);
    return 0;
}

/* Keys only a serverless deployment (or a hybrid's overflow) reads: on a
 * vm or knative alternative they would be ignored, so one written there
 * (not in "defaults", which every platform shares) is refused. */
static int refuse_serverless_keys(const JCtx *c, const cJSON *alt,
                                  const char *apath, const char *platform)
{
    static const char *const keys[] = {
        "hardware", "memory_mb", "vcpus", "concurrency", "max_instances",
        "queue_length", "scale_per_10s", "batch", "batching", "keepalive",
        "provisioned", "swap", "routing", "pricing", "models", "cluster",
        NULL};
    static const char *const in_vm[] = {"hardware", "batching", "pricing",
                                        NULL};
    for (int k = 0; keys[k] != NULL; k++) {
        if (cJSON_GetObjectItemCaseSensitive(alt, keys[k]) == NULL)
            continue;
        for (int v = 0; in_vm[v] != NULL; v++)
            if (strcmp(keys[k], in_vm[v]) == 0)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "%s.%s: a %s alternative reads its %s from "
                               "\"vm\" (\"vm\": {\"%s\": ...})",
                               apath, keys[k], platform, keys[k], keys[k]);
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.%s: applies to serverless instances (and a "
                       "hybrid's), not to a %s alternative",
                       apath, keys[k], platform);
    }
    return 0;
}

/* Whether alternative `alt` is a composite (its platform, or the
 * defaults', is "pipeline" or "rollout"). */
static int is_composite(const cJSON *alt, const cJSON *defs)
{
    const char *p;
    const cJSON *o = from(alt, defs, "platform", "", &p);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "platform");
    return cJSON_IsString(v) && (strcmp(v->valuestring, "pipeline") == 0 ||
                                 strcmp(v->valuestring, "rollout") == 0);
}

/* match_named's tally: for each by_function entry, how many replayed
 * functions it names, and the first error (a function two entries name). */
typedef struct NamedHits {
    const JCtx *c;
    const AltSpec *a;
    const char *np;
    int n[PROV_MAX_NAMED];
    int rc;
} NamedHits;

static void count_named(void *ctx, int fn, const char *app, const char *id)
{
    NamedHits *h = ctx;
    int k, hits = id != NULL ? spec_prov_named_match(h->a, app, id, &k) : 0;
    if (hits > 1 && h->rc == 0)
        h->rc = err_set(h->c->err, SIM_EINPUT, h->c->file,
                        "%s: two entries name function %d (app '%s', "
                        "function_id '%s')",
                        h->np, fn, app, id);
    else if (hits == 1)
        h->n[k]++;
}

/* Matches the replayed functions' names against by_function, read as a
 * run reads them (workload_each_function_name). */
static int match_named(const JCtx *c, const Scenario *sc, const AltSpec *a,
                       const char *np, NamedHits *h)
{
    memset(h, 0, sizeof *h);
    h->c = c;
    h->a = a;
    h->np = np;
    workload_each_function_name(&sc->workload, sc->seed, 0, count_named, h);
    return h->rc;
}

/* by_function: a many-function workload, each name one replayed function,
 * the counts within max_instances. */
static int check_named(const JCtx *c, const Scenario *sc, const AltSpec *a,
                       const char *kp)
{
    char np[256];
    json_path_key(np, sizeof np, kp, "by_function");
    if (!workload_multi_function(&sc->workload))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: this workload (%s) has one function: give "
                       "\"provisioned\" a count",
                       np, sc->workload.type);
    NamedHits h;
    int rc = match_named(c, sc, a, np, &h);
    if (rc < 0)
        return rc;
    long long total = 0;
    for (int k = 0; k < a->n_prov_named; k++) {
        char ep[512];
        json_path_key(ep, sizeof ep, np, a->prov_named[k].name);
        if (h.n[k] == 0)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: no replayed function of the workload has "
                           "this function_id (or app/function_id)",
                           ep);
        if (h.n[k] > 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: %d replayed functions of different apps "
                           "have this function_id: write "
                           "\"app/function_id\"",
                           ep, h.n[k]);
        total += a->prov_named[k].count;
    }
    if (a->max_instances > 0 && total > a->max_instances)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: %lld provisioned instances in all exceed "
                       "max_instances (%d)",
                       np, total, a->max_instances);
    return 0;
}

/* The provisioned fleet against the workload and max_instances: a
 * many-function workload says how many of its functions (the busiest)
 * keep the count, or which each keep their own (by_function); each of
 * them does, all within the account's limit. */
static int check_provisioned(const JCtx *c, const Scenario *sc,
                             const AltSpec *a, const char *kp)
{
    if (a->n_prov_named > 0)
        return check_named(c, sc, a, kp);
    if (a->n_prov == 0)
        return 0;
    int many = workload_multi_function(&sc->workload);
    if (many && a->prov_functions == 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: provisioned concurrency is per function and this "
                       "workload (%s) has many functions: say how many of "
                       "them keep the count, the busiest by arrivals, with "
                       "{\"count\": N, \"functions\": K}",
                       kp, sc->workload.type);
    if (!many && a->prov_functions > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.functions: this workload has one function (got "
                       "%d)",
                       kp, a->prov_functions);
    long long k = a->prov_functions > 1 ? a->prov_functions : 1;
    for (int i = 0; i < a->n_prov; i++) {
        long long n = k * a->prov[i].count;
        if (a->max_instances <= 0 || n <= a->max_instances)
            continue;
        if (k == 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: %d provisioned instances exceed "
                           "max_instances (%d)",
                           kp, a->prov[i].count, a->max_instances);
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: %lld provisioned instances (%lld functions x "
                       "%d) exceed max_instances (%d)",
                       kp, n, k, a->prov[i].count, a->max_instances);
    }
    return 0;
}

/* One deployment at `apath`: an alternative, or (is_part) a composite's
 * stage or version, which may name its own model. */
static int load_alt_at(const JCtx *c, const cJSON *alt, const cJSON *defs,
                       const char *apath, int is_part, const Scenario *sc,
                       const Catalog *cat, AltSpec *a, char *catalog_date)
{
    int rc;
    char kp[128];
    const char *p;
    const cJSON *o;
    long long ll;
    memset(a, 0, sizeof *a);
    if ((rc = json_expect_object(c, alt, apath)) < 0)
        return rc;
    if (!is_part && is_composite(alt, defs))
        return load_composite(c, alt, defs, apath, sc, cat, a, catalog_date);
    if ((rc = json_check_keys(c, alt, apath, alt_keys)) < 0)
        return rc;
    if (!is_part && cJSON_GetObjectItemCaseSensitive(alt, "after") != NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.after: only a pipeline's stage waits for others",
                       apath);
    if (!is_part && cJSON_GetObjectItemCaseSensitive(alt, "model") != NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.model: only a pipeline's stage or a rollout's "
                       "version names its own model (the scenario's "
                       "\"model\" serves the alternatives)",
                       apath);
    if ((rc = load_alt_name(c, alt, apath, a)) < 0)
        return rc;
    int beyond = 0;
    LimitViolation lv;
    o = from(alt, defs, "beyond_limits", apath, &p);
    if ((rc = json_bool(c, o, p, "beyond_limits", 0, &beyond)) < 0)
        return rc;
    o = from(alt, defs, "platform", apath, &p);
    if ((rc = json_str(c, o, p, "platform", 0, "serverless", a->platform,
                       sizeof a->platform)) < 0)
        return rc;
    if (strcmp(a->platform, "serverless") == 0)
        a->kind = PLATFORM_SERVERLESS;
    else if (strcmp(a->platform, "vm") == 0)
        a->kind = PLATFORM_VM;
    else if (strcmp(a->platform, "hybrid") == 0)
        a->kind = PLATFORM_HYBRID;
    else if (strcmp(a->platform, "api") == 0)
        a->kind = PLATFORM_API;
    else if (strcmp(a->platform, "knative") == 0)
        a->kind = PLATFORM_KNATIVE;
    else if (strcmp(a->platform, "pipeline") == 0 ||
             strcmp(a->platform, "rollout") == 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.platform: a stage or version is one deployment "
                       "(serverless, vm, hybrid, api or knative), not a '%s'",
                       p, a->platform);
    else
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.platform: unknown platform '%s' (did you mean "
                       "'%s'?)",
                       p, a->platform, json_nearest(a->platform,
                                                    platform_names));
    a->model_size_mb = sc->model.size_mb;
    a->model_memory_mb = sc->model.memory_mb;
    if ((a->kind == PLATFORM_VM || a->kind == PLATFORM_KNATIVE) &&
        (rc = refuse_serverless_keys(c, alt, apath, a->platform)) < 0)
        return rc;
    if (a->kind == PLATFORM_API)
        return load_api(c, alt, defs, apath, sc, cat, a, catalog_date);
    if ((rc = load_addons(c, alt, defs, apath, cat, sc, a, catalog_date)) < 0)
        return rc;
    if (a->kind != PLATFORM_SERVERLESS) {
        o = from(alt, defs, "vm", apath, &p);
        char vp[128];
        json_path_key(vp, sizeof vp, p, "vm");
        if ((rc = load_vm(c, cJSON_GetObjectItemCaseSensitive(o, "vm"), vp,
                          sc, cat, &a->vm, catalog_date)) < 0)
            return rc;
        o = from(alt, defs, "timeout_s", apath, &p);
        if ((rc = json_num(c, o, p, "timeout_s", 0,
                           a->kind == PLATFORM_KNATIVE ? 300 : 900,
                           JNUM_NONNEGATIVE, &a->timeout_s)) < 0)
            return rc;
        o = from(alt, defs, "executor", apath, &p);
        if ((rc = load_executor(c, o, p, a->vm.max_batch, "vm", sc,
                                &a->vm.hw, &a->vm.executor, &a->vm.llm)) < 0)
            return rc;
        /* an engine's slots are its sequences: without "slots" a VM under
         * llm holds max_num_seqs requests, not one */
        const char *vmp;
        const cJSON *vo = cJSON_GetObjectItemCaseSensitive(
            from(alt, defs, "vm", apath, &vmp), "vm");
        if (a->vm.executor == EXEC_LLM &&
            cJSON_GetObjectItemCaseSensitive(vo, "slots") == NULL) {
            /* each of its engines holds max_num_seqs */
            double seqs = (double)a->vm.llm.max_num_seqs *
                          spec_vm_engines(&a->vm);
            a->vm.slots = seqs < 100000 ? (int)seqs : 100000;
        }
        if (a->vm.executor == EXEC_LLM && a->vm.llm.tp > a->vm.type.gpus)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.executor.tp: %d GPUs per engine; a %s has %d",
                           p, a->vm.llm.tp, a->vm.type.id, a->vm.type.gpus);
        if ((rc = check_vm_host_memory(c, &a->vm, vp, sc)) < 0)
            return rc;
        addons_task_start(vo, &a->addon, &a->vm);
        if (!beyond && limits_check_fleet(&a->vm, &lv))
            return err_set(c->err, SIM_EINPUT, c->file, "%s.%s: %s", vp,
                           lv.key, lv.msg);
        if (!beyond && a->kind == PLATFORM_VM &&
            limits_check_addon(&a->addon, &a->vm.type, &lv))
            return limit_error(c, alt, defs, apath, &lv);
        /* after the executor: the llm executor's GPU share is per TP rank */
        if (!beyond && limits_check_vm(&a->vm, a->vm.hw.hw,
                                       sc->model.memory_mb, &lv))
            return err_set(c->err, SIM_EINPUT, c->file, "%s.%s: %s", vp,
                           lv.key, lv.msg);
        if (a->kind == PLATFORM_KNATIVE) {
            o = from(alt, defs, "knative", apath, &p);
            json_path_key(kp, sizeof kp, p, "knative");
            return load_knative(c, cJSON_GetObjectItemCaseSensitive(o,
                                                                    "knative"),
                                kp, vp, sc, a);
        }
        if (a->kind == PLATFORM_VM) {
            o = from(alt, defs, "queue", apath, &p);
            json_path_key(kp, sizeof kp, p, "queue");
            return load_queue(c, cJSON_GetObjectItemCaseSensitive(o, "queue"),
                              kp, sc, a); /* refuses one */
        }
        o = from(alt, defs, "overflow", apath, &p);
        json_path_key(vp, sizeof vp, p, "overflow");
        if ((rc = load_overflow(c, cJSON_GetObjectItemCaseSensitive(
                                       o, "overflow"),
                                vp, a)) < 0)
            return rc;
    }
    char price_id[64];
    if ((rc = load_pricing(c, alt, defs, apath, "aws-lambda-x86", cat, a,
                           catalog_date, price_id, &p)) < 0)
        return rc;
    if (a->price.model == PRICE_VM_HOURLY)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.pricing: '%s' is not a serverless price entry (it "
                       "is a VM instance type; use it in \"vm\")",
                       p, price_id);
    if (a->price.model == PRICE_PER_TOKEN)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.pricing: '%s' is a per-token API entry; use it "
                       "with \"platform\": \"api\"",
                       p, price_id);
    o = from(alt, defs, "hardware", apath, &p);
    if ((rc = json_str(c, o, p, "hardware", 0,
                       a->price.hardware[0] ? a->price.hardware : "cpu",
                       a->hardware, sizeof a->hardware)) < 0)
        return rc;
    const HwProfile *hw = profile_hw(&sc->model, a->hardware);
    if (hw == NULL) {
        char have[256] = "";
        for (int k = 0; k < sc->model.n_hw; k++) {
            size_t n = strlen(have);
            snprintf(have + n, sizeof have - n, "%s%s", k ? ", " : "",
                     sc->model.hw[k].hw);
        }
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.hardware: model '%s' has no profile for hardware "
                       "'%s' (it has: %s)",
                       p, sc->model.name, a->hardware, have);
    }
    a->hw = *hw;

    o = from(alt, defs, "memory_mb", apath, &p);
    if ((rc = json_int(c, o, p, "memory_mb", 1, 0, 1, 1048576, &ll)) < 0)
        return rc;
    a->memory_mb = (int)ll;
    a->price.cpu_ghz = pricing_cpu_ghz(&a->price, a->memory_mb);
    if (a->memory_mb < sc->model.memory_mb)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.memory_mb: %d MB is less than model '%s' needs "
                       "resident (%g MB)",
                       p, a->memory_mb, sc->model.name, sc->model.memory_mb);
    o = from(alt, defs, "vcpus", apath, &p);
    if ((rc = json_num(c, o, p, "vcpus", 0, 0, JNUM_NONNEGATIVE, &a->vcpus)) <
        0)
        return rc;
    o = from(alt, defs, "concurrency", apath, &p);
    if ((rc = json_int(c, o, p, "concurrency", 0, 1, 1, 1000, &ll)) < 0)
        return rc;
    a->concurrency = (int)ll;
    o = from(alt, defs, "routing", apath, &p);
    if ((rc = load_routing(c, o, p, a)) < 0)
        return rc;
    o = from(alt, defs, "max_instances", apath, &p);
    int max_inst = a->price.limits.max_instances;
    if ((rc = json_int(c, o, p, "max_instances", 0,
                       max_inst > 0 && max_inst < 1000 ? max_inst : 1000, 0,
                       10000000, &ll)) < 0)
        return rc;
    a->max_instances = (int)ll;
    o = from(alt, defs, "queue_length", apath, &p);
    if ((rc = json_int(c, o, p, "queue_length", 0, 0, 0, 100000000, &ll)) < 0)
        return rc;
    a->queue_len = (int)ll;
    o = from(alt, defs, "scale_per_10s", apath, &p);
    if ((rc = json_int(c, o, p, "scale_per_10s", 0, 1000, 0, 10000000, &ll)) <
        0)
        return rc;
    a->scale_per_10s = (int)ll;
    o = from(alt, defs, "timeout_s", apath, &p);
    if ((rc = json_num(c, o, p, "timeout_s", 0,
                       limits_default_timeout_s(&a->price), JNUM_NONNEGATIVE,
                       &a->timeout_s)) < 0)
        return rc;
    o = from(alt, defs, "batch", apath, &p);
    if ((rc = json_int(c, o, p, "batch", 0, 1, 1, 4096, &ll)) < 0)
        return rc;
    a->batch = (int)ll;
    if (a->batch > 1 && !a->hw.warm_affine)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.batch: the '%s' profile gives no per-batch "
                       "latency (warm a_ms + c_ms * b), so batch must be 1",
                       p, a->hardware);

    o = from(alt, defs, "models", apath, &p);
    json_path_key(kp, sizeof kp, p, "models");
    if ((rc = load_models(c, cJSON_GetObjectItemCaseSensitive(o, "models"),
                          kp, a)) < 0)
        return rc;
    o = from(alt, defs, "cluster", apath, &p);
    json_path_key(kp, sizeof kp, p, "cluster");
    if ((rc = load_cluster(c, cJSON_GetObjectItemCaseSensitive(o, "cluster"),
                           kp, a)) < 0)
        return rc;
    o = from(alt, defs, "batching", apath, &p);
    a->max_batch = 1;
    const cJSON *bt = cJSON_GetObjectItemCaseSensitive(o, "batching");
    if (bt != NULL) {
        static const char *const bkeys[] = {"max_batch", "max_wait_ms",
                                            "notes", NULL};
        char bp[128];
        double wait_ms;
        json_path_key(bp, sizeof bp, p, "batching");
        if ((rc = json_expect_object(c, bt, bp)) < 0 ||
            (rc = json_check_keys(c, bt, bp, bkeys)) < 0 ||
            (rc = json_int(c, bt, bp, "max_batch", 1, 0, 1, 4096, &ll)) < 0 ||
            (rc = json_num(c, bt, bp, "max_wait_ms", 0, 0, JNUM_NONNEGATIVE,
                           &wait_ms)) < 0)
            return rc;
        a->max_batch = (int)ll;
        a->batch_wait_s = wait_ms * 1e-3;
        if (a->max_batch > 1 && a->concurrency != 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: dynamic batching runs one batch at a time "
                           "per instance: concurrency must be 1 (got %d)",
                           bp, a->concurrency);
        if (a->max_batch > 1 && !a->hw.warm_affine)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: the '%s' profile gives no per-batch latency "
                           "(warm a_ms + c_ms * b)",
                           bp, a->hardware);
    }
    o = from(alt, defs, "keepalive", apath, &p);
    json_path_key(kp, sizeof kp, p, "keepalive");
    if ((rc = load_keepalive(c, cJSON_GetObjectItemCaseSensitive(o,
                                                                 "keepalive"),
                             kp, &a->keepalive)) < 0)
        return rc;
    o = from(alt, defs, "provisioned", apath, &p);
    json_path_key(kp, sizeof kp, p, "provisioned");
    if ((rc = load_provisioned(c, cJSON_GetObjectItemCaseSensitive(
                                          o, "provisioned"),
                               kp, a)) < 0)
        return rc;
    if ((rc = check_provisioned(c, sc, a, kp)) < 0)
        return rc;
    if (a->keepalive.memory_limit_gb > 0 &&
        (rc = memory_limit_cluster(c, a, apath)) < 0)
        return rc;
    o = from(alt, defs, "swap", apath, &p);
    json_path_key(kp, sizeof kp, p, "swap");
    if ((rc = load_swap(c, cJSON_GetObjectItemCaseSensitive(o, "swap"), kp,
                        a)) < 0)
        return rc;
    o = from(alt, defs, "executor", apath, &p);
    if ((rc = load_executor(c, o, p, a->max_batch, "the alternative's", sc,
                            &a->hw, &a->executor, &a->llm)) < 0)
        return rc;
    if ((rc = load_start_bytes(c, alt, defs, apath, sc, a)) < 0)
        return rc;
    /* an engine batches what its instance holds: without "concurrency" an
     * llm instance holds max_num_seqs requests (at most 1000) */
    const char *cp;
    if (a->executor == EXEC_LLM &&
        cJSON_GetObjectItemCaseSensitive(from(alt, defs, "concurrency", apath,
                                              &cp),
                                         "concurrency") == NULL)
        a->concurrency = a->llm.max_num_seqs < 1000 ? a->llm.max_num_seqs
                                                    : 1000;
    if (!beyond && (limits_check_serverless(a, &lv) ||
                    limits_check_addon(&a->addon, &a->price, &lv)))
        return limit_error(c, alt, defs, apath, &lv);
    o = from(alt, defs, "queue", apath, &p);
    json_path_key(kp, sizeof kp, p, "queue");
    return load_queue(c, cJSON_GetObjectItemCaseSensitive(o, "queue"), kp, sc,
                      a);
}

int scenario_has_queue(const Scenario *sc)
{
    for (int i = 0; i < sc->n_alt; i++)
        if (sc->alt[i].queue.enabled)
            return 1;
    return 0;
}

static int load_alt(const JCtx *c, const cJSON *alt, const cJSON *defs,
                    int i, const Scenario *sc, const Catalog *cat,
                    AltSpec *a, char *catalog_date)
{
    char apath[64];
    json_path_index(apath, sizeof apath, "alternatives", i);
    return load_alt_at(c, alt, defs, apath, 0, sc, cat, a, catalog_date);
}

/* ---- composite alternatives (platform/compose.c) ---------------------- */

/* A stage or version at `path`: a deployment, with its own model profile
 * when it names one ("model": a name in the folder of the scenario's
 * model, or a path from the scenario's folder). */
static int load_part(const JCtx *c, const cJSON *o, const cJSON *defs,
                     const char *path, const Scenario *sc, const Catalog *cat,
                     AltSpec *a, char *catalog_date)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "model");
    if (m == NULL)
        return load_alt_at(c, o, defs, path, 1, sc, cat, a, catalog_date);
    char mp[128], file[1100], dir[512];
    json_path_key(mp, sizeof mp, path, "model");
    if (!cJSON_IsString(m) || m->valuestring[0] == '\0')
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected a model name (a profile in models/)",
                       mp);
    const char *name = m->valuestring;
    if (strchr(name, '/') != NULL || strstr(name, ".json") != NULL) {
        dir_of(c->file, dir, sizeof dir);
        resolve(dir, name, file, sizeof file);
    } else {
        dir_of(sc->model_path, dir, sizeof dir);
        snprintf(file, sizeof file, "%s/%s.json", dir, name);
    }
    FILE *probe = fopen(file, "r");
    if (probe == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: unknown model '%s' (no profile file %s)", mp,
                       name, file);
    fclose(probe);
    Scenario *own = xmalloc(sizeof *own); /* sc with the part's model */
    *own = *sc;
    int rc = profile_load(file, &own->model, c->err);
    if (rc == 0)
        rc = load_alt_at(c, o, defs, path, 1, own, cat, a, catalog_date);
    free(own);
    return rc;
}

/* "orchestration": how a pipeline's stages are chained, and its fees. */
static int load_orchestration(const JCtx *c, const cJSON *v,
                              const char *path, OrchSpec *o)
{
    static const char *const keys[] = {
        "type", "transition_ms", "usd_per_1m_transitions",
        "usd_per_1m_requests", "usd_per_gb_s", "memory_mb",
        "granularity_ms", "notes", NULL};
    static const char *const types[] = {"none", "standard", "express", NULL};
    int rc, idx = 0;
    double transition_ms = 0, per_1m_tr, per_1m_req;
    char type[16] = "none", tp[160];
    memset(o, 0, sizeof *o);
    if (v == NULL)
        return 0;
    json_path_key(tp, sizeof tp, path, "type");
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_str(c, v, path, "type", 0, "none", type, sizeof type)) <
            0 ||
        (rc = pick_name(c, tp, type, types, &idx)) < 0 ||
        (rc = json_num(c, v, path, "transition_ms", 0, 0, JNUM_NONNEGATIVE,
                       &transition_ms)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_1m_transitions", 0,
                       SFN_STANDARD_USD_PER_1M_TRANSITIONS, JNUM_NONNEGATIVE,
                       &per_1m_tr)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_1m_requests", 0,
                       SFN_EXPRESS_USD_PER_1M_REQUESTS, JNUM_NONNEGATIVE,
                       &per_1m_req)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_gb_s", 0,
                       SFN_EXPRESS_USD_PER_GB_S, JNUM_NONNEGATIVE,
                       &o->usd_per_gb_s)) < 0 ||
        (rc = json_num(c, v, path, "memory_mb", 0, SFN_EXPRESS_MEMORY_MB,
                       JNUM_POSITIVE, &o->memory_mb)) < 0 ||
        (rc = json_num(c, v, path, "granularity_ms", 0,
                       SFN_EXPRESS_GRANULARITY_MS, JNUM_NONNEGATIVE,
                       &o->granularity_ms)) < 0)
        return rc;
    if (transition_ms > 3.6e6)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.transition_ms: at most an hour (got %g)", path,
                       transition_ms);
    if (o->memory_mb > 1048576)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.memory_mb: at most 1048576 (got %g)", path,
                       o->memory_mb);
    o->kind = (OrchKind)idx;
    o->transition_s = transition_ms * 1e-3;
    o->usd_per_transition = per_1m_tr * 1e-6;
    o->usd_per_request = per_1m_req * 1e-6;
    return 0;
}

/* One phase of a rollout's schedule into a->phase[i]. */
static int load_phase(const JCtx *c, const cJSON *ph, const char *pp, int i,
                      AltSpec *a)
{
    static const char *const keys[] = {"at_s", "weights", "notes", NULL};
    char wp[200];
    int rc;
    RolloutPhase *out = &a->phase[i];
    json_path_key(wp, sizeof wp, pp, "weights");
    if ((rc = json_expect_object(c, ph, pp)) < 0 ||
        (rc = json_check_keys(c, ph, pp, keys)) < 0 ||
        (rc = json_num(c, ph, pp, "at_s", 1, 0, JNUM_NONNEGATIVE,
                       &out->at_s)) < 0)
        return rc;
    if (i == 0 && out->at_s != 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.at_s: the first phase starts at 0 (got %g)", pp,
                       out->at_s);
    if (i > 0 && !(out->at_s > a->phase[i - 1].at_s))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.at_s: phases must start in increasing order", pp);
    if (out->at_s > 3.15e9)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.at_s: at most 100 years (3.15e9 s)", pp);
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(ph, "weights");
    if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) != a->n_parts)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected an array of %d percentages, one per "
                       "version",
                       wp, a->n_parts);
    double sum = 0;
    for (int k = 0; k < a->n_parts; k++) {
        const cJSON *x = cJSON_GetArrayItem(w, k);
        if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0) ||
            x->valuedouble > 100)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s[%d]: expected a percentage in 0..100", wp, k);
        out->weight[k] = x->valuedouble / 100;
        sum += x->valuedouble;
    }
    if (fabs(sum - 100) > 1e-9)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: the weights sum to %g, not 100", wp, sum);
    return 0;
}

/* "schedule": a rollout's phases, each {"at_s", "weights": percent per
 * version, summing to 100}; the first at 0, then increasing. */
static int load_phases(const JCtx *c, const cJSON *v, const char *path,
                       AltSpec *a)
{
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v) || n < 1 || n > ROLLOUT_MAX_PHASES)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected an array of 1 to %d phases {\"at_s\": "
                       "start, \"weights\": [percent per version]}",
                       path, ROLLOUT_MAX_PHASES);
    for (int i = 0; i < n; i++) {
        char pp[160];
        int rc;
        json_path_index(pp, sizeof pp, path, i);
        if ((rc = load_phase(c, cJSON_GetArrayItem(v, i), pp, i, a)) < 0)
            return rc;
    }
    a->n_phases = n;
    return 0;
}

/* Stage k's "after" (at `path`): the names of earlier stages it waits for,
 * into its after_mask; without it, the stage before it. */
static int load_after(const JCtx *c, const cJSON *o, const char *path,
                      AltSpec *a, int k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "after");
    char ap[200];
    json_path_key(ap, sizeof ap, path, "after");
    a->part[k].after_mask = 0;
    if (v == NULL)
        return 0;
    if (k == 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: the first stage runs first and waits for none",
                       ap);
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v) || n < 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected a non-empty array of names of earlier "
                       "stages",
                       ap);
    for (int i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(v, i);
        int j = 0;
        while (j < k && !(cJSON_IsString(x) &&
                          strcmp(x->valuestring, a->part[j].name) == 0))
            j++;
        if (j == k)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s[%d]: not the name of an earlier stage", ap, i);
        a->part[k].after_mask = (uint8_t)(a->part[k].after_mask | 1u << j);
    }
    return 0;
}

/* Every stage but the last must be waited for by a later one, so that
 * every path ends at the last stage (which ends the request). */
static int check_sinks(const JCtx *c, const char *kp, const AltSpec *a)
{
    unsigned waited = 0;
    for (int k = 1; k < a->n_parts; k++)
        waited |= a->part[k].after_mask ? a->part[k].after_mask
                                        : 1u << (k - 1);
    for (int k = 0; k + 1 < a->n_parts; k++)
        if (!(waited & 1u << k))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s[%d]: no later stage waits for '%s': every "
                           "path must end at the last stage",
                           kp, k, a->part[k].name);
    return 0;
}

/* A pipeline ("stages", "orchestration") or a rollout ("versions",
 * "schedule") at `apath`; its parts are deployments of their own. */
static int load_composite(const JCtx *c, const cJSON *alt, const cJSON *defs,
                          const char *apath, const Scenario *sc,
                          const Catalog *cat, AltSpec *a, char *catalog_date)
{
    static const char *const pipe_keys[] = {"name", "platform", "stages",
                                            "orchestration", "notes", NULL};
    static const char *const roll_keys[] = {"name", "platform", "versions",
                                            "schedule", "notes", NULL};
    int rc;
    const char *p;
    char kp[128], ip[160];
    const cJSON *o = from(alt, defs, "platform", apath, &p);
    snprintf(a->platform, sizeof a->platform, "%s",
             cJSON_GetObjectItemCaseSensitive(o, "platform")->valuestring);
    int pipeline = strcmp(a->platform, "pipeline") == 0;
    const char *list = pipeline ? "stages" : "versions";
    a->kind = pipeline ? PLATFORM_PIPELINE : PLATFORM_ROLLOUT;
    if ((rc = json_check_keys(c, alt, apath,
                              pipeline ? pipe_keys : roll_keys)) < 0 ||
        (rc = load_alt_name(c, alt, apath, a)) < 0)
        return rc;
    if (workload_multi_function(&sc->workload))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.platform: a %s serves one function and this "
                       "workload (%s) has many",
                       p, a->platform, sc->workload.type);
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive(alt, list);
    int n = cJSON_GetArraySize(parts);
    json_path_key(kp, sizeof kp, apath, list);
    if (!cJSON_IsArray(parts) || n < 1 + !pipeline || n > COMPOSE_MAX_PARTS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected an array of %d to %d deployments", kp,
                       1 + !pipeline, COMPOSE_MAX_PARTS);
    a->part = xcalloc((size_t)n, sizeof *a->part);
    for (int k = 0; k < n; k++) {
        json_path_index(ip, sizeof ip, kp, k);
        if ((rc = load_part(c, cJSON_GetArrayItem(parts, k), defs, ip, sc,
                            cat, &a->part[k], catalog_date)) < 0)
            goto fail;
        a->n_parts++;
        const cJSON *po = cJSON_GetArrayItem(parts, k);
        if (!pipeline && cJSON_GetObjectItemCaseSensitive(po, "after")) {
            rc = err_set(c->err, SIM_EINPUT, c->file,
                         "%s.after: a rollout's versions share the traffic; "
                         "only a pipeline's stages wait for others",
                         ip);
            goto fail;
        }
        if (pipeline && (rc = load_after(c, po, ip, a, k)) < 0)
            goto fail;
        for (int j = 0; j < k; j++)
            if (strcmp(a->part[j].name, a->part[k].name) == 0) {
                rc = err_set(c->err, SIM_EINPUT, c->file,
                             "%s.name: '%s' is already the name of %s[%d]",
                             ip, a->part[k].name, list, j);
                goto fail;
            }
    }
    if (pipeline && (rc = check_sinks(c, kp, a)) < 0)
        goto fail;
    /* its pricing column: the parts' entry, or "mixed" */
    snprintf(a->price.id, sizeof a->price.id, "%s", a->part[0].price.id);
    for (int k = 1; k < n; k++)
        if (strcmp(a->part[k].price.id, a->price.id) != 0)
            snprintf(a->price.id, sizeof a->price.id, "mixed");
    a->model_size_mb = sc->model.size_mb;
    a->model_memory_mb = sc->model.memory_mb;
    json_path_key(kp, sizeof kp, apath, pipeline ? "orchestration"
                                                 : "schedule");
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(
        alt, pipeline ? "orchestration" : "schedule");
    rc = pipeline ? load_orchestration(c, x, kp, &a->orch)
                  : load_phases(c, x, kp, a);
    if (rc < 0)
        goto fail;
    return 0;
fail:
    free(a->part);
    a->part = NULL;
    a->n_parts = 0;
    return rc;
}

static int scenario_from_tree(const char *path, cJSON *root,
                              const ScenarioOverrides *ov, Scenario *sc,
                              Err *err);

int scenario_load(const char *path, const ScenarioOverrides *ov,
                  Scenario *sc, Err *err)
{
    cJSON *root = NULL;
    int rc;
    memset(sc, 0, sizeof *sc);
    snprintf(sc->path, sizeof sc->path, "%s", path);
    if ((rc = json_load_file(path, &root, &sc->json_text, err)) < 0)
        return rc;
    return scenario_from_tree(path, root, ov, sc, err);
}

int scenario_load_text(const char *path, const char *text,
                       const ScenarioOverrides *ov, Scenario *sc, Err *err)
{
    cJSON *root = NULL;
    int rc;
    memset(sc, 0, sizeof *sc);
    snprintf(sc->path, sizeof sc->path, "%s", path);
    if ((rc = json_parse_text(path, text, &root, err)) < 0)
        return rc;
    sc->json_text = xstrdup(text);
    return scenario_from_tree(path, root, ov, sc, err);
}

/* Validates a parsed scenario; takes ownership of root. */
static int scenario_from_tree(const char *path, cJSON *root,
                              const ScenarioOverrides *ov, Scenario *sc,
                              Err *err)
{
    int rc;
    JCtx c = {path, err};
    Catalog *cat = NULL, *own_cat = NULL;
    char dir[512], models_dir[512], model[256], file[1100], catalog[1100];
    long long ll;
    catalog[0] = '\0';
    dir_of(path, dir, sizeof dir);
    if ((rc = json_expect_object(&c, root, "")) < 0 ||
        (rc = json_check_keys(&c, root, "", top_keys)) < 0)
        goto fail;
    json_file_stem(path, sc->name, sizeof sc->name);
    if ((rc = json_str(&c, root, "", "name", 0, sc->name, sc->name,
                       sizeof sc->name)) < 0 ||
        (rc = json_str(&c, root, "", "description", 0, "", sc->description,
                       sizeof sc->description)) < 0)
        goto fail;
    if ((rc = scenario_check_name(path, sc->name, err)) < 0)
        goto fail;
    if ((rc = json_int(&c, root, "", "seed", 0, 1, 0, 9007199254740991LL,
                       &ll)) < 0)
        goto fail;
    sc->seed = (uint64_t)ll;
    if ((rc = json_int(&c, root, "", "replications", 0, 1, 1, 100000, &ll)) <
        0)
        goto fail;
    sc->replications = (int)ll;
    if ((rc = json_num(&c, root, "", "horizon_s", 1, 0, JNUM_POSITIVE,
                       &sc->horizon_s)) < 0 ||
        (rc = json_num(&c, root, "", "slo_ms", 0, 1000, JNUM_POSITIVE,
                       &sc->slo_ms)) < 0 ||
        (rc = json_num(&c, root, "", "slo_ttft_ms", 0, 0, JNUM_POSITIVE,
                       &sc->slo_ttft_ms)) < 0 ||
        (rc = json_num(&c, root, "", "slo_tpot_ms", 0, 0, JNUM_POSITIVE,
                       &sc->slo_tpot_ms)) < 0 ||
        (rc = json_num(&c, root, "", "timeseries_interval_s", 0, 60,
                       JNUM_NONNEGATIVE, &sc->ts_interval_s)) < 0)
        goto fail;
    if (sc->horizon_s > 3.15e9) {
        rc = err_set(err, SIM_EINPUT, path,
                     "horizon_s: at most 100 years (3.15e9 s)");
        goto fail;
    }
    if (sc->ts_interval_s > 0 && sc->horizon_s / sc->ts_interval_s > 1e7) {
        rc = err_set(err, SIM_EINPUT, path,
                     "timeseries_interval_s: %g s gives over 10 million rows "
                     "for this horizon; use a longer interval or 0 (none)",
                     sc->ts_interval_s);
        goto fail;
    }
    if ((rc = load_workload(&c, root, sc->horizon_s, dir, &sc->workload)) < 0)
        goto fail;
    {
        static const char *const wkeys[] = {"method", "warmup_s", "notes",
                                            NULL};
        static const char *const methods[] = {"none", "fixed", "mser5",
                                              NULL};
        const cJSON *wu = cJSON_GetObjectItemCaseSensitive(root, "warmup");
        char method[16] = "none";
        int idx = 0;
        if (wu != NULL &&
            ((rc = json_expect_object(&c, wu, "warmup")) < 0 ||
             (rc = json_check_keys(&c, wu, "warmup", wkeys)) < 0 ||
             (rc = json_str(&c, wu, "warmup", "method", 1, NULL, method,
                            sizeof method)) < 0 ||
             (rc = pick_name(&c, "warmup.method", method, methods, &idx)) <
                 0 ||
             (rc = json_num(&c, wu, "warmup", "warmup_s", idx == 1, 0,
                            JNUM_NONNEGATIVE, &sc->warmup.warmup_s)) < 0))
            goto fail;
        sc->warmup.method = (WarmupMethod)idx;
        if (sc->warmup.method == WARMUP_FIXED &&
            !(sc->warmup.warmup_s < sc->horizon_s)) {
            rc = err_set(err, SIM_EINPUT, path,
                         "warmup.warmup_s: must be shorter than the horizon "
                         "(%g >= %g)",
                         sc->warmup.warmup_s, sc->horizon_s);
            goto fail;
        }
    }

    /* The model profile. */
    if ((rc = json_str(&c, root, "", "model", 1, NULL, model, sizeof model)) <
        0)
        goto fail;
    snprintf(models_dir, sizeof models_dir, "%s/../models", dir);
    if ((rc = json_str(&c, root, "", "models_dir", 0, NULL, file,
                       sizeof file)) < 0)
        goto fail;
    if (cJSON_GetObjectItemCaseSensitive(root, "models_dir") != NULL)
        resolve(dir, file, models_dir, sizeof models_dir);
    if (ov != NULL && ov->models_dir != NULL)
        snprintf(models_dir, sizeof models_dir, "%s", ov->models_dir);
    if (strchr(model, '/') != NULL || strstr(model, ".json") != NULL)
        resolve(dir, model, sc->model_path, sizeof sc->model_path);
    else
        snprintf(sc->model_path, sizeof sc->model_path, "%s/%s.json",
                 models_dir, model);
    {
        FILE *probe = fopen(sc->model_path, "r");
        if (probe == NULL) {
            rc = err_set(err, SIM_EINPUT, path,
                         "model: unknown model '%s' (no profile file %s)",
                         model, sc->model_path);
            goto fail;
        }
        fclose(probe);
    }
    if ((rc = profile_load(sc->model_path, &sc->model, err)) < 0)
        goto fail;

    if ((rc = json_str(&c, root, "", "pricing_catalog", 0, NULL, file,
                       sizeof file)) < 0)
        goto fail;
    if (cJSON_GetObjectItemCaseSensitive(root, "pricing_catalog") != NULL)
        resolve(dir, file, catalog, sizeof catalog);

    /* Alternatives. */
    const cJSON *defs = cJSON_GetObjectItemCaseSensitive(root, "defaults");
    if (defs != NULL &&
        ((rc = json_expect_object(&c, defs, "defaults")) < 0 ||
         (rc = json_check_keys(&c, defs, "defaults", alt_keys)) < 0))
        goto fail;
    if (defs != NULL && cJSON_GetObjectItemCaseSensitive(defs, "model")) {
        rc = err_set(err, SIM_EINPUT, path,
                     "defaults.model: the scenario's \"model\" is the "
                     "default; a stage or version names its own");
        goto fail;
    }
    if (defs != NULL && cJSON_GetObjectItemCaseSensitive(defs, "name")) {
        rc = err_set(err, SIM_EINPUT, path,
                     "defaults.name: each alternative names itself");
        goto fail;
    }
    const cJSON *alts = cJSON_GetObjectItemCaseSensitive(root, "alternatives");
    int n = cJSON_GetArraySize(alts);
    if (!cJSON_IsArray(alts) || n < 1) {
        rc = err_set(err, SIM_EINPUT, path,
                     "alternatives: expected a non-empty array of "
                     "deployments");
        goto fail;
    }
    if (n > 1000) {
        rc = err_set(err, SIM_EINPUT, path,
                     "alternatives: at most 1000 (got %d)", n);
        goto fail;
    }
    /* One parse of the catalog for every alternative (and, through the
     * overrides' cache, for every point of a sweep). */
    if (ov != NULL && ov->catalog_cache != NULL &&
        *ov->catalog_cache != NULL &&
        catalog_matches(*ov->catalog_cache, catalog)) {
        cat = *ov->catalog_cache;
    } else {
        if ((cat = catalog_open(catalog, err)) == NULL) {
            rc = -SIM_EINPUT;
            goto fail;
        }
        if (ov != NULL && ov->catalog_cache != NULL &&
            !ov->catalog_cache_fixed) {
            catalog_close(*ov->catalog_cache);
            *ov->catalog_cache = cat; /* the caller closes it */
        } else {
            own_cat = cat;
        }
    }
    sc->alt = xcalloc((size_t)n, sizeof *sc->alt);
    for (int i = 0; i < n; i++) {
        if ((rc = load_alt(&c, cJSON_GetArrayItem(alts, i), defs, i, sc,
                           cat, &sc->alt[i], sc->catalog_date)) < 0)
            goto fail;
        sc->n_alt++;
        for (int k = 0; k < i; k++)
            if (strcmp(sc->alt[k].name, sc->alt[i].name) == 0) {
                rc = err_set(err, SIM_EINPUT, path,
                             "alternatives[%d].name: '%s' is already the "
                             "name of alternatives[%d]",
                             i, sc->alt[i].name, k);
                goto fail;
            }
    }

    if (ov != NULL && ov->seed >= 0)
        sc->seed = (uint64_t)ov->seed;
    if (ov != NULL && ov->replications > 0)
        sc->replications = ov->replications;
    {
        LimitViolation lv;
        if (limits_check_arrivals(&sc->workload, sc->horizon_s,
                                  sc->replications, &lv)) {
            rc = err_set(err, SIM_EINPUT, path, "workload.%s", lv.msg);
            goto fail;
        }
    }
    catalog_close(own_cat);
    cJSON_Delete(root);
    return 0;
fail:
    catalog_close(own_cat);
    cJSON_Delete(root);
    scenario_free(sc);
    return rc;
}

void scenario_free(Scenario *sc)
{
    free(sc->json_text);
    for (int i = 0; sc->alt != NULL && i < sc->n_alt; i++)
        free(sc->alt[i].part);
    free(sc->alt);
    sc->json_text = NULL;
    sc->alt = NULL;
    sc->n_alt = 0;
}

int scenario_columns(const Scenario *sc)
{
    int cols = workload_has_tokens(&sc->workload) ? METCOLS_LLM : 0;
    for (int a = 0; a < sc->n_alt; a++)
        if (sc->alt[a].cluster.tiers || sc->alt[a].snapshot)
            cols |= METCOLS_TIERS;
    for (int a = 0; a < sc->n_alt; a++)
        if (cluster_spec_gpu_features(&sc->alt[a].cluster))
            cols |= METCOLS_GPU;
    return cols;
}

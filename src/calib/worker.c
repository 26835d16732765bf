/*
 * worker.c - the measuring process of `simsrv calibrate` (see calib.h).
 *
 *   simsrv calibrate-worker cold  --model F --threads T --spawn-ns N ...
 *   simsrv calibrate-worker warm  ... --batches 1,8,32 --min-runs 20 ...
 *   simsrv calibrate-worker serve ... --batch B --arrivals FILE
 *
 * cold: one cold start, timed part by part: process start (spawn to main),
 *   dlopen + bind, CreateEnv, CreateSession, the first Run at batch 1.
 * warm: after one untimed run per batch size, Runs until both min-runs and
 *   min-seconds are reached (or max-runs), each timed; CPU time per run and
 *   the peak resident set after each batch size.
 * serve: one serving process: starts cold at spawn time and serves requests
 *   that arrive at spawn + offset, one at a time, in order; latency = end -
 *   arrival (queueing and the cold start included).
 * Output is "key value..." lines on stdout; milliseconds and MB.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/xalloc.h"
#include "calib.h"

static double ms_between(int64_t a, int64_t b) { return (double)(b - a) * 1e-6; }

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* VmRSS or VmHWM of this process, MB (0 when /proc is missing). */
static double status_mb(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (fp == NULL)
        return 0;
    char line[256];
    double kb = 0;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, fp) != NULL)
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            kb = strtod(line + n + 1, NULL);
            break;
        }
    fclose(fp);
    return kb / 1024.0;
}

static int fail(const Err *err)
{
    char line[1024];
    err_format(err, line, sizeof line);
    printf("error %s\n", line);
    fflush(stdout);
    return 2;
}

typedef struct Loaded {
    OrtLib *lib;
    OrtModel *m;
    int64_t t_main, t_lib, t_env, t_load;
    double rss_env_mb, rss_load_mb;
} Loaded;

static int load_all(const CalibOpts *o, Loaded *L, Err *err)
{
    int rc;
    L->t_main = calib_now_ns();
    if ((rc = ort_lib_open(o->lib, &L->lib, err)) < 0)
        return rc;
    L->t_lib = calib_now_ns();
    if ((rc = ort_env_create(L->lib, err)) < 0)
        return rc;
    L->t_env = calib_now_ns();
    L->rss_env_mb = status_mb("VmRSS");
    if ((rc = ort_model_load(L->lib, o->model, o->threads, &L->m, err)) < 0)
        return rc;
    L->t_load = calib_now_ns();
    L->rss_load_mb = status_mb("VmRSS");
    return 0;
}

/* Sessions before the environment (ort.h); returns `status`. */
static int unload(Loaded *L, int status)
{
    ort_model_free(L->m);
    ort_lib_close(L->lib);
    return status;
}

static int do_cold(const CalibOpts *o)
{
    Err err;
    err_clear(&err);
    Loaded L = {0};
    if (load_all(o, &L, &err) < 0 ||
        ort_model_prepare(L.m, 1, o->dims, o->n_dims, &err) < 0)
        return unload(&L, fail(&err));
    int64_t t0 = calib_now_ns();
    if (ort_model_run(L.m, &err) < 0)
        return unload(&L, fail(&err));
    int64_t t1 = calib_now_ns();
    printf("spawn_ms %.4f\nlib_ms %.4f\nenv_ms %.4f\nload_ms %.4f\n"
           "first_ms %.4f\nrss_env_mb %.2f\nrss_load_mb %.2f\nhwm_mb %.2f\n"
           "cpu_ms %.3f\n",
           ms_between(o->spawn_ns, L.t_main), ms_between(L.t_main, L.t_lib),
           ms_between(L.t_lib, L.t_env), ms_between(L.t_env, L.t_load),
           ms_between(t0, t1), L.rss_env_mb, L.rss_load_mb,
           status_mb("VmHWM"), cpu_ms());
    /* every requested batch size must be runnable: fail now, not after
     * minutes of measurements */
    for (int k = 0; k < o->n_batches; k++)
        if (ort_model_prepare(L.m, o->batches[k], o->dims, o->n_dims, &err) < 0)
            return unload(&L, fail(&err));
    printf("input_elems %lld\n", (long long)ort_model_input_elems(L.m));
    return unload(&L, 0);
}

static int do_warm(const CalibOpts *o)
{
    Err err;
    err_clear(&err);
    Loaded L = {0};
    if (load_all(o, &L, &err) < 0)
        return unload(&L, fail(&err));
    size_t cap = (size_t)o->max_runs;
    double *lat = xmalloc(cap * sizeof *lat);
    for (int k = 0; k < o->n_batches; k++) {
        int b = o->batches[k];
        if (ort_model_prepare(L.m, b, o->dims, o->n_dims, &err) < 0 ||
            ort_model_run(L.m, &err) < 0) { /* first run of this shape */
            free(lat);
            return unload(&L, fail(&err));
        }
        int64_t start = calib_now_ns();
        double cpu0 = cpu_ms();
        size_t n = 0;
        while (n < cap) {
            int64_t t0 = calib_now_ns();
            if (ort_model_run(L.m, &err) < 0) {
                free(lat);
                return unload(&L, fail(&err));
            }
            int64_t t1 = calib_now_ns();
            lat[n++] = ms_between(t0, t1);
            if ((int)n >= o->min_runs &&
                ms_between(start, t1) >= o->min_seconds * 1e3)
                break;
        }
        printf("warm %d %zu %.4f %.2f\nlat", b, n,
               (cpu_ms() - cpu0) / (double)n, status_mb("VmHWM"));
        for (size_t i = 0; i < n; i++)
            printf(" %.5g", lat[i]);
        putchar('\n');
        fflush(stdout);
    }
    free(lat);
    return unload(&L, 0);
}

/* The validation's arrivals: a one-column trace ("timestamp", seconds
 * with six decimals, written by validate.c) -> whole microseconds. */
static int read_arrivals(const char *path, int64_t **out, size_t *n, Err *err)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return err_set(err, SIM_EIO, path, "cannot open");
    char head[32];
    if (fscanf(fp, "%31s", head) != 1 || strcmp(head, "timestamp") != 0) {
        fclose(fp);
        return err_set(err, SIM_EINPUT, path, "line 1: expected 'timestamp'");
    }
    size_t cap = 1024, k = 0;
    int64_t *a = xmalloc(cap * sizeof *a);
    double s;
    while (fscanf(fp, "%lf", &s) == 1) {
        if (k == cap)
            a = xrealloc(a, (cap *= 2) * sizeof *a);
        a[k++] = (int64_t)llround(s * 1e6);
    }
    fclose(fp);
    *out = a;
    *n = k;
    return 0;
}

static int do_serve(const CalibOpts *o)
{
    Err err;
    err_clear(&err);
    int64_t *arr = NULL;
    size_t n = 0;
    if (read_arrivals(o->arrivals, &arr, &n, &err) < 0)
        return fail(&err);
    Loaded L = {0};
    if (load_all(o, &L, &err) < 0 ||
        ort_model_prepare(L.m, o->batch, o->dims, o->n_dims, &err) < 0) {
        free(arr);
        return unload(&L, fail(&err));
    }
    int64_t ready = calib_now_ns();
    double *lat = xmalloc((n ? n : 1) * sizeof *lat);
    size_t waited = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t due = o->spawn_ns + arr[i] * 1000;
        int64_t now = calib_now_ns();
        if (now < due) {
            struct timespec ts = {(time_t)(due / 1000000000),
                                  (long)(due % 1000000000)};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
                ;
        } else {
            waited++;
        }
        if (ort_model_run(L.m, &err) < 0) {
            free(arr);
            free(lat);
            return unload(&L, fail(&err));
        }
        lat[i] = ms_between(due, calib_now_ns());
    }
    printf("ready_ms %.4f\nwaited %zu\nlat", ms_between(o->spawn_ns, ready),
           waited);
    for (size_t i = 0; i < n; i++)
        printf(" %.6g", lat[i]);
    putchar('\n');
    free(arr);
    free(lat);
    return unload(&L, 0);
}

int calib_worker_main(int argc, char **argv)
{
    Err err;
    err_clear(&err);
    if (argc < 2)
        return fail(&(Err){SIM_EINPUT, "calibrate-worker", "no mode given"});
    CalibOpts o = {0};
    o.threads = 1;
    o.batch = 1;
    o.min_runs = 20;
    o.max_runs = 1000;
    o.min_seconds = 1.0;
    o.batches[0] = 1;
    o.n_batches = 1;
    const char *mode = argv[1];
    for (int i = 2; i < argc; i++) {
        int rc = calib_parse_opt(argc, argv, &i, &o, &err);
        if (rc < 0)
            return fail(&err);
        if (rc == 0) {
            err_set(&err, SIM_EINPUT, "calibrate-worker", "unknown option '%s'",
                    argv[i]);
            return fail(&err);
        }
    }
    if (o.model == NULL) {
        err_set(&err, SIM_EINPUT, "calibrate-worker", "no --model");
        return fail(&err);
    }
    if (strcmp(mode, "cold") == 0)
        return do_cold(&o);
    if (strcmp(mode, "warm") == 0)
        return do_warm(&o);
    if (strcmp(mode, "serve") == 0 && o.arrivals != NULL)
        return do_serve(&o);
    err_set(&err, SIM_EINPUT, "calibrate-worker", "bad mode '%s'", mode);
    return fail(&err);
}

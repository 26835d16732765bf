/*
 * calibrate.c - `simsrv calibrate MODEL.onnx`: measure, fit, write a profile.
 *
 * For each intra-op thread count: `cold_reps` fresh worker processes each
 * time one cold start (spawn, library, environment, session, first run),
 * then one worker times warm runs per batch size (worker.c).  Fits (fit.h):
 * cold components lognormal from the repetitions, warm service lognormal
 * with median a + c*b, memory = the peak resident set after the batch-1
 * runs.  The profile is written in the format profile_load() reads (one
 * hardware class per thread count: "cpu" for the first, "cpu-<n>t" for the
 * others, with ref_vcpus = threads), plus a "calibration" block with every
 * raw measurement, the host, the library and its options.  The file is
 * written under a temporary name and renamed when complete.
 */
#include <errno.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/atomic_file.h"
#include "../util/xalloc.h"
#include "calib.h"
#include "fit.h"

#ifndef SIMSRV_VERSION
#define SIMSRV_VERSION "unknown"
#endif

extern char **environ;

#define MAX_COLD 50

int64_t calib_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- options ----------------------------------------------------------- */

int calib_parse_list(const char *s, const char *opt, int *out, int max,
                     int *n, Err *err)
{
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno != 0 || v < 1 || v > 4096 ||
            (*end != ',' && *end != '\0'))
            return err_set(err, SIM_EINPUT, opt,
                           "'%s' is not a list of integers in 1..4096", s);
        if (*n == max)
            return err_set(err, SIM_EINPUT, opt, "at most %d values", max);
        for (int k = 0; k < *n; k++)
            if (out[k] == (int)v)
                return err_set(err, SIM_EINPUT, opt, "%ld is listed twice", v);
        out[(*n)++] = (int)v;
        p = *end == ',' ? end + 1 : end;
    }
    if (*n == 0)
        return err_set(err, SIM_EINPUT, opt, "empty list");
    return 0;
}

int calib_parse_int(const char *s, const char *opt, long lo, long hi,
                     int *out, Err *err)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
        return err_set(err, SIM_EINPUT, opt, "'%s' is not an integer in %ld..%ld",
                       s, lo, hi);
    *out = (int)v;
    return 0;
}

int calib_parse_pos(const char *s, const char *opt, double *out, Err *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !(v > 0) || v > 1e9)
        return err_set(err, SIM_EINPUT, opt, "'%s' is not a positive number", s);
    *out = v;
    return 0;
}

int calib_parse_opt(int argc, char **argv, int *i, CalibOpts *o, Err *err)
{
    static const char *const with_value[] = {
        "--model", "--lib", "--threads", "--spawn-ns", "--batches", "--dim",
        "--min-runs", "--max-runs", "--min-seconds", "--batch", "--arrivals",
        NULL};
    const char *a = argv[*i];
    int known = 0;
    for (const char *const *k = with_value; *k; k++)
        known |= strcmp(a, *k) == 0;
    if (!known)
        return 0;
    if (*i + 1 >= argc)
        return err_set(err, SIM_EINPUT, a, "needs a value");
    const char *v = argv[++*i];
    if (strcmp(a, "--model") == 0) {
        o->model = v;
    } else if (strcmp(a, "--lib") == 0) {
        o->lib = v;
    } else if (strcmp(a, "--threads") == 0) {
        return calib_parse_int(v, a, 1, 256, &o->threads, err) < 0 ? -SIM_EINPUT : 1;
    } else if (strcmp(a, "--spawn-ns") == 0) {
        o->spawn_ns = strtoll(v, NULL, 10);
    } else if (strcmp(a, "--batches") == 0) {
        if (calib_parse_list(v, a, o->batches, CALIB_MAX_BATCHES,
                             &o->n_batches, err) < 0)
            return -SIM_EINPUT;
    } else if (strcmp(a, "--dim") == 0) {
        const char *eq = strchr(v, '=');
        OrtDim *d = &o->dims[o->n_dims];
        int val;
        if (o->n_dims == CALIB_MAX_DIMS)
            return err_set(err, SIM_EINPUT, a, "at most %d", CALIB_MAX_DIMS);
        if (eq == NULL || eq == v || (size_t)(eq - v) >= sizeof d->name)
            return err_set(err, SIM_EINPUT, a, "'%s' is not NAME=VALUE", v);
        if (calib_parse_int(eq + 1, a, 1, 1 << 24, &val, err) < 0)
            return -SIM_EINPUT;
        snprintf(d->name, sizeof d->name, "%.*s", (int)(eq - v), v);
        d->value = val;
        o->n_dims++;
    } else if (strcmp(a, "--min-runs") == 0) {
        return calib_parse_int(v, a, 1, 1000000, &o->min_runs, err) < 0 ? -SIM_EINPUT
                                                                 : 1;
    } else if (strcmp(a, "--max-runs") == 0) {
        return calib_parse_int(v, a, 1, 1000000, &o->max_runs, err) < 0 ? -SIM_EINPUT
                                                                 : 1;
    } else if (strcmp(a, "--min-seconds") == 0) {
        return calib_parse_pos(v, a, &o->min_seconds, err) < 0 ? -SIM_EINPUT : 1;
    } else if (strcmp(a, "--batch") == 0) {
        return calib_parse_int(v, a, 1, 4096, &o->batch, err) < 0 ? -SIM_EINPUT : 1;
    } else {
        o->arrivals = v;
    }
    return 1;
}

/* ---- spawning workers -------------------------------------------------- */

int calib_spawn(const char **argv, char **text, Err *err)
{
    *text = NULL;
    char exe[1024];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return err_set(err, SIM_EIO, "/proc/self/exe",
                       "cannot find the simsrv executable");
    exe[len] = '\0';
    int fd[2];
    if (pipe(fd) < 0)
        return err_set(err, SIM_EIO, "", "pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    argv[0] = exe;
    pid_t pid;
    /* posix_spawn's argv is char *const[] for history's sake; it does not
     * write to the strings */
    int rc = posix_spawn(&pid, exe, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (rc != 0) {
        close(fd[0]);
        return err_set(err, SIM_EIO, exe, "cannot start a worker: %s",
                       strerror(rc));
    }
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 == cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = read(fd[0], buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    close(fd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        *text = buf;
        return 0;
    }
    const char *e = strstr(buf, "error ");
    if (e != NULL && (e == buf || e[-1] == '\n')) {
        char line[800];
        snprintf(line, sizeof line, "%s", e + 6);
        line[strcspn(line, "\n")] = '\0';
        /* the worker's error is already "where: what" */
        err_set(err, SIM_EINPUT, "", "%s", line);
        err->where[0] = '\0';
    } else if (WIFSIGNALED(status)) {
        err_set(err, SIM_EINTERNAL, "",
                "the measuring process died of signal %d", WTERMSIG(status));
    } else {
        err_set(err, SIM_EINTERNAL, "",
                "the measuring process failed (exit %d)", WEXITSTATUS(status));
    }
    free(buf);
    return -err->code;
}

/* ---- measurements ------------------------------------------------------ */

typedef struct ColdRun {
    double spawn_ms, lib_ms, env_ms, load_ms, first_ms;
    double rss_env_mb, rss_load_mb, hwm_mb, cpu_ms;
} ColdRun;

typedef struct WarmBatch {
    int batch;
    size_t n;
    double cpu_ms, hwm_mb;
    double *lat;            /* in run order */
    double p05, p50, p95, p99, mean;
    double sigma;           /* lognormal spread from p95 / p50 (fit.h) */
} WarmBatch;

typedef struct ThreadResult {
    int threads;
    int n_cold;
    ColdRun cold[MAX_COLD];
    WarmBatch warm[CALIB_MAX_BATCHES];
    AffineFit fit;
    double sigma;
} ThreadResult;

static double field(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (strncmp(p, key, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

static void parse_cold(const char *t, ColdRun *c)
{
    c->spawn_ms = field(t, "spawn_ms");
    c->lib_ms = field(t, "lib_ms");
    c->env_ms = field(t, "env_ms");
    c->load_ms = field(t, "load_ms");
    c->first_ms = field(t, "first_ms");
    c->rss_env_mb = field(t, "rss_env_mb");
    c->rss_load_mb = field(t, "rss_load_mb");
    c->hwm_mb = field(t, "hwm_mb");
    c->cpu_ms = field(t, "cpu_ms");
}

static int parse_warm(const char *t, const CalibOpts *o, WarmBatch *w,
                      Err *err)
{
    const char *p = t;
    for (int k = 0; k < o->n_batches; k++) {
        WarmBatch *wb = &w[k];
        p = strstr(p, "warm ");
        if (p == NULL)
            return err_set(err, SIM_EINTERNAL, "",
                           "worker output lacks batch %d", o->batches[k]);
        char *end;
        wb->batch = (int)strtol(p + 5, &end, 10);
        wb->n = (size_t)strtoul(end, &end, 10);
        wb->cpu_ms = strtod(end, &end);
        wb->hwm_mb = strtod(end, &end);
        p = strstr(end, "lat");
        if (p == NULL || wb->n == 0)
            return err_set(err, SIM_EINTERNAL, "", "bad worker output");
        p += 3;
        wb->lat = xmalloc(wb->n * sizeof *wb->lat);
        for (size_t i = 0; i < wb->n; i++)
            wb->lat[i] = strtod(p, (char **)&p);
        double *s = xmalloc(wb->n * sizeof *s), sum = 0;
        memcpy(s, wb->lat, wb->n * sizeof *s);
        fit_sort(s, wb->n);
        for (size_t i = 0; i < wb->n; i++)
            sum += s[i];
        wb->p05 = fit_quantile(s, wb->n, 0.05);
        wb->p50 = fit_quantile(s, wb->n, 0.50);
        wb->p95 = fit_quantile(s, wb->n, 0.95);
        wb->p99 = fit_quantile(s, wb->n, 0.99);
        wb->mean = sum / (double)wb->n;
        wb->sigma = fit_sigma_p95(s, wb->n);
        free(s);
    }
    return 0;
}

typedef struct CalibRun {
    CalibOpts o;
    const char *name, *out_path, *family;
    int threads[CALIB_MAX_THREADS];
    int n_threads;
    int cold_reps;
    int quiet;
    FILE *err_fp;
    double size_mb;
    ThreadResult res[CALIB_MAX_THREADS];
    double load_start[3], load_end[3];
} CalibRun;

static void progress(const CalibRun *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void progress(const CalibRun *r, const char *fmt, ...)
{
    if (r->quiet || !isatty(fileno(r->err_fp)))
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(r->err_fp, "\r  calibrate %s: ", r->name);
    vfprintf(r->err_fp, fmt, ap);
    fputs("          ", r->err_fp);
    fflush(r->err_fp);
    va_end(ap);
}

/* argv for one worker; strings live in `store`. */
typedef struct Argv {
    const char *v[64];
    char store[16][64];
    int n, ns;
} Argv;

static void av_add(Argv *a, const char *s) { a->v[a->n++] = s; }

static void av_num(Argv *a, const char *opt, long long v)
{
    snprintf(a->store[a->ns], sizeof a->store[0], "%lld", v);
    av_add(a, opt);
    av_add(a, a->store[a->ns++]);
}

static void worker_argv(Argv *a, const CalibOpts *o, const char *mode,
                        int threads)
{
    memset(a, 0, sizeof *a);
    av_add(a, "simsrv");
    av_add(a, "calibrate-worker");
    av_add(a, mode);
    av_add(a, "--model");
    av_add(a, o->model);
    if (o->lib != NULL) {
        av_add(a, "--lib");
        av_add(a, o->lib);
    }
    av_num(a, "--threads", threads);
    av_num(a, "--min-runs", o->min_runs);
    av_num(a, "--max-runs", o->max_runs);
    snprintf(a->store[a->ns], sizeof a->store[0], "%.17g", o->min_seconds);
    av_add(a, "--min-seconds");
    av_add(a, a->store[a->ns++]);
    av_add(a, "--batches");
    char *bl = a->store[a->ns++];
    bl[0] = '\0';
    for (int k = 0; k < o->n_batches; k++)
        snprintf(bl + strlen(bl), 64 - strlen(bl), "%s%d", k ? "," : "",
                 o->batches[k]);
    av_add(a, bl);
    for (int k = 0; k < o->n_dims; k++) {
        snprintf(a->store[a->ns], sizeof a->store[0], "%s=%lld",
                 o->dims[k].name, (long long)o->dims[k].value);
        av_add(a, "--dim");
        av_add(a, a->store[a->ns++]);
    }
}

static void spawn_now(Argv *a)
{
    snprintf(a->store[15], sizeof a->store[0], "%lld",
             (long long)calib_now_ns());
    av_add(a, "--spawn-ns");
    av_add(a, a->store[15]);
    a->v[a->n] = NULL;
}

static int measure(CalibRun *r, Err *err)
{
    for (int t = 0; t < r->n_threads; t++) {
        ThreadResult *tr = &r->res[t];
        tr->threads = r->threads[t];
        for (int k = 0; k < r->cold_reps; k++) {
            progress(r, "%d thread(s): cold start %d/%d", tr->threads, k + 1,
                     r->cold_reps);
            Argv a;
            worker_argv(&a, &r->o, "cold", tr->threads);
            spawn_now(&a);
            char *text;
            int rc = calib_spawn(a.v, &text, err);
            if (rc < 0)
                return rc;
            parse_cold(text, &tr->cold[k]);
            free(text);
            tr->n_cold++;
        }
        progress(r, "%d thread(s): warm runs, %d batch sizes", tr->threads,
                 r->o.n_batches);
        Argv a;
        worker_argv(&a, &r->o, "warm", tr->threads);
        spawn_now(&a);
        char *text;
        int rc = calib_spawn(a.v, &text, err);
        if (rc < 0)
            return rc;
        rc = parse_warm(text, &r->o, tr->warm, err);
        free(text);
        if (rc < 0)
            return rc;
        double b[CALIB_MAX_BATCHES], m[CALIB_MAX_BATCHES], sig = 0;
        for (int k = 0; k < r->o.n_batches; k++) {
            b[k] = tr->warm[k].batch;
            m[k] = tr->warm[k].p50;
            sig += tr->warm[k].sigma;
        }
        fit_affine_relative(b, m, (size_t)r->o.n_batches, &tr->fit);
        tr->sigma = sig / r->o.n_batches;
    }
    if (!r->quiet && isatty(fileno(r->err_fp)))
        fprintf(r->err_fp, "\r%*s\r", 78, "");
    return 0;
}

/* ---- host facts -------------------------------------------------------- */

static void read_loadavg(double v[3])
{
    v[0] = v[1] = v[2] = -1;
    FILE *fp = fopen("/proc/loadavg", "r");
    if (fp == NULL)
        return;
    if (fscanf(fp, "%lf %lf %lf", &v[0], &v[1], &v[2]) != 3)
        v[0] = v[1] = v[2] = -1;
    fclose(fp);
}

static void cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown");
    FILE *fp = fopen("/proc/cpuinfo", "r");
    if (fp == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, fp) != NULL)
        if (strncmp(line, "model name", 10) == 0) {
            const char *c = strchr(line, ':');
            if (c != NULL) {
                c += strspn(c + 1, " \t") + 1;
                snprintf(buf, size, "%s", c);
                buf[strcspn(buf, "\n")] = '\0';
            }
            break;
        }
    fclose(fp);
}

/* ---- writing the profile ----------------------------------------------- */

static void jstr(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(fp, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(fp, "\\u%04x", ch);
        else
            fputc(ch, fp);
    }
    fputc('"', fp);
}

/* The parts of a cold start that become profile components. */
typedef enum ColdPart { PART_SPAWN, PART_RUNTIME, PART_LOAD, PART_FIRST } ColdPart;

static double cold_part(const ColdRun *c, ColdPart part)
{
    switch (part) {
    case PART_SPAWN: return c->spawn_ms;
    case PART_RUNTIME: return c->lib_ms + c->env_ms; /* dlopen + CreateEnv */
    case PART_LOAD: return c->load_ms;
    default: return c->first_ms;
    }
}

/* Median over the cold starts of one part; *sd = sd of its logs. */
static double cold_median(const ThreadResult *tr, ColdPart part, double *sd)
{
    double v[MAX_COLD];
    for (int i = 0; i < tr->n_cold; i++) {
        v[i] = cold_part(&tr->cold[i], part);
        if (!(v[i] > 1e-6))
            v[i] = 1e-6; /* a lognormal needs > 0 */
    }
    *sd = fit_log_sd(v, (size_t)tr->n_cold);
    fit_sort(v, (size_t)tr->n_cold);
    return fit_quantile(v, (size_t)tr->n_cold, 0.5);
}

static void write_lognormal(FILE *fp, const char *key, double median,
                            double sigma, const char *tail)
{
    fprintf(fp, "        \"%s\": {\"dist\": \"lognormal\", \"median_ms\": %.6g, "
                "\"sigma\": %.4g}%s\n",
            key, median, sigma, tail);
}

static void hw_name(const CalibRun *r, int t, char *buf, size_t size)
{
    if (t == 0)
        snprintf(buf, size, "cpu");
    else
        snprintf(buf, size, "cpu-%dt", r->res[t].threads);
}

static void write_hw(FILE *fp, const CalibRun *r, int t, const char *tail)
{
    const ThreadResult *tr = &r->res[t];
    char name[32];
    hw_name(r, t, name, sizeof name);
    double sd_spawn, sd_rt, sd_load, sd_first;
    double spawn = cold_median(tr, PART_SPAWN, &sd_spawn);
    double runtime = cold_median(tr, PART_RUNTIME, &sd_rt);
    double load = cold_median(tr, PART_LOAD, &sd_load);
    double first = cold_median(tr, PART_FIRST, &sd_first);
    double warm1 = tr->warm[0].p50;
    for (int k = 0; k < r->o.n_batches; k++)
        if (tr->warm[k].batch == 1)
            warm1 = tr->warm[k].p50;
    double extra = first > warm1 ? first - warm1 : 0;
    fprintf(fp, "    \"%s\": {\n      \"ref_vcpus\": %d,\n", name, tr->threads);
    fputs("      \"cold_start\": {\n", fp);
    write_lognormal(fp, "sandbox", spawn, sd_spawn, ",");
    write_lognormal(fp, "runtime", runtime, sd_rt, ",");
    write_lognormal(fp, "model_load", load, sd_load, ",");
    fprintf(fp, "        \"first_inference_extra\": {\"dist\": \"constant\", "
                "\"value_ms\": %.6g}\n      },\n",
            extra);
    fprintf(fp, "      \"warm\": {\"a_ms\": %.6g, \"c_ms\": %.6g, \"sigma\": %.4g},\n",
            tr->fit.a, tr->fit.c, tr->sigma);
    fprintf(fp, "      \"source\": \"simsrv calibrate: ONNX Runtime %s, %d intra-op "
                "thread(s), %d cold starts, warm medians at %d batch sizes "
                "(largest relative residual of the a + c*b fit %.1f%%)\"\n    }%s\n",
            ORT_PINNED_VERSION, tr->threads, tr->n_cold, r->o.n_batches,
            100.0 * tr->fit.max_rel_resid, tail);
}

static void write_measurements(FILE *fp, const CalibRun *r)
{
    fputs("    \"measurements\": [\n", fp);
    for (int t = 0; t < r->n_threads; t++) {
        const ThreadResult *tr = &r->res[t];
        char name[32];
        hw_name(r, t, name, sizeof name);
        fprintf(fp, "      {\"hardware\": \"%s\", \"threads\": %d,\n"
                    "       \"cold\": [\n",
                name, tr->threads);
        for (int i = 0; i < tr->n_cold; i++) {
            const ColdRun *c = &tr->cold[i];
            fprintf(fp, "         {\"spawn_ms\": %.4g, \"lib_ms\": %.4g, "
                        "\"env_ms\": %.4g, \"load_ms\": %.6g, "
                        "\"first_run_ms\": %.6g, \"rss_after_env_mb\": %.4g, "
                        "\"rss_after_load_mb\": %.4g, \"peak_rss_mb\": %.4g, "
                        "\"cpu_ms\": %.6g}%s\n",
                    c->spawn_ms, c->lib_ms, c->env_ms, c->load_ms, c->first_ms,
                    c->rss_env_mb, c->rss_load_mb, c->hwm_mb, c->cpu_ms,
                    i + 1 < tr->n_cold ? "," : "");
        }
        fputs("       ],\n       \"warm\": [\n", fp);
        for (int k = 0; k < r->o.n_batches; k++) {
            const WarmBatch *w = &tr->warm[k];
            fprintf(fp, "         {\"batch\": %d, \"runs\": %zu, \"median_ms\": %.6g, "
                        "\"p05_ms\": %.6g, \"p95_ms\": %.6g, \"p99_ms\": %.6g, "
                        "\"mean_ms\": %.6g, \"cpu_ms_per_run\": %.6g, "
                        "\"peak_rss_mb\": %.4g, \"fit_median_ms\": %.6g,\n"
                        "          \"latencies_ms\": [",
                    w->batch, w->n, w->p50, w->p05, w->p95, w->p99, w->mean,
                    w->cpu_ms, w->hwm_mb, tr->fit.a + tr->fit.c * w->batch);
            for (size_t i = 0; i < w->n; i++)
                fprintf(fp, "%s%.5g", i ? ", " : "", w->lat[i]);
            fprintf(fp, "]}%s\n", k + 1 < r->o.n_batches ? "," : "");
        }
        fprintf(fp, "       ]}%s\n", t + 1 < r->n_threads ? "," : "");
    }
    fputs("    ]\n", fp);
}

static void write_profile(FILE *fp, const CalibRun *r)
{
    char cpu[256], date[32];
    cpu_model(cpu, sizeof cpu);
    struct utsname un;
    if (uname(&un) != 0)
        snprintf(un.release, sizeof un.release, "unknown");
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    const ThreadResult *t0 = &r->res[0];
    double mem = t0->warm[0].hwm_mb;
    fputs("{\n  \"name\": ", fp);
    jstr(fp, r->name);
    fputs(",\n  \"description\": ", fp);
    char desc[1200];
    snprintf(desc, sizeof desc, "Calibrated by simsrv calibrate from %s", r->o.model);
    jstr(fp, desc);
    fprintf(fp, ",\n  \"size_mb\": %.6g,\n  \"memory_mb\": %.4g,\n", r->size_mb,
            mem);
    fputs("  \"sources\": {\n    \"all\": ", fp);
    snprintf(desc, sizeof desc,
             "measured on %s (%ld cores) by simsrv %s with ONNX Runtime %s on "
             "%s; memory_mb = peak resident set after the batch-%d runs (%d "
             "thread(s)); sandbox = process start only (a provider's sandbox "
             "adds its own)",
             cpu, sysconf(_SC_NPROCESSORS_ONLN), SIMSRV_VERSION,
             ORT_PINNED_VERSION, date, t0->warm[0].batch, t0->threads);
    jstr(fp, desc);
    fputs("\n  },\n  \"hardware\": {\n", fp);
    for (int t = 0; t < r->n_threads; t++)
        write_hw(fp, r, t, t + 1 < r->n_threads ? "," : "");
    fputs("  },\n  \"calibration\": {\n    \"model_file\": ", fp);
    jstr(fp, r->o.model);
    fputs(",\n    \"family\": ", fp);
    jstr(fp, r->family);
    fprintf(fp, ",\n    \"date\": \"%s\",\n    \"simsrv_version\": \"%s\",\n",
            date, SIMSRV_VERSION);
    fputs("    \"host\": {\"cpu_model\": ", fp);
    jstr(fp, cpu);
    fprintf(fp, ", \"cores\": %ld, \"kernel\": ", sysconf(_SC_NPROCESSORS_ONLN));
    jstr(fp, un.release);
    fprintf(fp, ",\n             \"loadavg_start\": [%.2f, %.2f, %.2f], "
                "\"loadavg_end\": [%.2f, %.2f, %.2f]},\n",
            r->load_start[0], r->load_start[1], r->load_start[2],
            r->load_end[0], r->load_end[1], r->load_end[2]);
    fprintf(fp, "    \"runtime\": {\"library\": \"onnxruntime\", \"version\": "
                "\"%s\", \"graph_optimization_level\": 99, \"execution_mode\": "
                "\"sequential\", \"inter_op_threads\": 1, \"cpu_arena\": true},\n",
            ORT_PINNED_VERSION);
    fputs("    \"batches\": [", fp);
    for (int k = 0; k < r->o.n_batches; k++)
        fprintf(fp, "%s%d", k ? ", " : "", r->o.batches[k]);
    fputs("],\n    \"threads\": [", fp);
    for (int t = 0; t < r->n_threads; t++)
        fprintf(fp, "%s%d", t ? ", " : "", r->threads[t]);
    fputs("],\n    \"dims\": {", fp);
    for (int k = 0; k < r->o.n_dims; k++) {
        fputs(k ? ", " : "", fp);
        jstr(fp, r->o.dims[k].name);
        fprintf(fp, ": %lld", (long long)r->o.dims[k].value);
    }
    fprintf(fp, "},\n    \"cold_reps\": %d, \"min_runs\": %d, \"max_runs\": %d, "
                "\"min_seconds\": %.6g,\n",
            r->cold_reps, r->o.min_runs, r->o.max_runs, r->o.min_seconds);
    write_measurements(fp, r);
    fputs("  }\n}\n", fp);
}

static void print_summary(FILE *out, const CalibRun *r, const char *path)
{
    fprintf(out, "%s (%.1f MB) -> %s\n", r->name, r->size_mb, path);
    fprintf(out, "%-8s %8s %9s %9s %9s %9s %9s %7s\n", "class", "batch",
            "p50 ms", "p95 ms", "fit ms", "load ms", "a ms", "c ms");
    for (int t = 0; t < r->n_threads; t++) {
        const ThreadResult *tr = &r->res[t];
        char name[32];
        hw_name(r, t, name, sizeof name);
        double sd, load = cold_median(tr, PART_LOAD, &sd);
        for (int k = 0; k < r->o.n_batches; k++) {
            const WarmBatch *w = &tr->warm[k];
            fprintf(out, "%-8s %8d %9.3f %9.3f %9.3f", k ? "" : name, w->batch,
                    w->p50, w->p95, tr->fit.a + tr->fit.c * w->batch);
            if (k == 0)
                fprintf(out, " %9.1f %9.3f %7.3f  sigma %.3f", load, tr->fit.a,
                        tr->fit.c, tr->sigma);
            fputc('\n', out);
        }
    }
}

/* ---- the command ------------------------------------------------------- */

static void usage(FILE *fp)
{
    fputs("usage: simsrv calibrate MODEL.onnx [options]\n"
          "       simsrv calibrate --validate PROFILE [options]\n"
          "       simsrv calibrate --families PROFILE... [--out FILE]\n"
          "\n"
          "Measures a real ONNX model with ONNX Runtime on this machine and writes\n"
          "a latency profile (models/NAME.profile.json) that scenarios use as\n"
          "\"model\": \"NAME.profile\".  Every cold start is a fresh process.\n"
          "\n"
          "options:\n"
          "  --name NAME         profile name (default: the file name without .onnx)\n"
          "  --out FILE          where to write (default models/NAME.profile.json)\n"
          "  --batches LIST      batch sizes (default 1,8,32)\n"
          "  --threads LIST      intra-op thread counts (default 1,2); the first\n"
          "                      becomes hardware class \"cpu\", others \"cpu-<n>t\"\n"
          "  --cold-reps N       cold starts per thread count (default 5)\n"
          "  --min-runs N        warm runs per batch size, at least (default 20)\n"
          "  --min-seconds S     ... and for at least S seconds (default 1)\n"
          "  --max-runs N        ... but at most N runs (default 1000)\n"
          "  --dim NAME=N        value of a symbolic input dimension (repeatable;\n"
          "                      a free first dimension is always the batch)\n"
          "  --family NAME       architecture family, for load-time fits (default\n"
          "                      \"other\"; e.g. mlp, conv, transformer)\n"
          "  --lib PATH          libonnxruntime.so.1 (default $" ORT_ENV_VAR
          ", else\n"
          "                      the copy scripts/fetch-onnxruntime installs)\n"
          "  -q, --quiet         no progress display\n"
          "\n"
          "validation (--validate PROFILE): serves the model for real with an\n"
          "open-loop Poisson stream in one process (cold start included), then\n"
          "simulates the same arrivals with the profile and compares quantiles:\n"
          "  --model FILE        the .onnx file (default: the profile's model_file)\n"
          "  --hardware CLASS    profile class to validate (default cpu)\n"
          "  --batch B           batch size of every request (must be measured)\n"
          "  --rate R            requests/s (default: 30% of one process's capacity)\n"
          "  --duration S        seconds of arrivals (default 60)\n"
          "  --seed N            arrivals and simulation seed (default 1)\n"
          "  --replications R    simulated replications (default 20)\n"
          "  --out FILE          report (default results/validate-NAME.json)\n"
          "\n"
          "--families PROFILE...: fits model load = base + k x size and memory =\n"
          "base + k x size per calibration family (default models/families.json).\n"
          "\n"
          "Requires ONNX Runtime " ORT_PINNED_VERSION
          " (npm package onnxruntime-node); the rest of\n"
          "simsrv does not.  Exit status 2 on bad input, nothing written.\n",
          fp);
}

int calib_fail(FILE *ef, const Err *err)
{
    char line[1200];
    err_format(err, line, sizeof line);
    fprintf(ef, "simsrv: calibrate: %s\n", line);
    return 2;
}

static void default_name(const char *model, char *buf, size_t size)
{
    const char *base = strrchr(model, '/');
    base = base != NULL ? base + 1 : model;
    snprintf(buf, size, "%s", base);
    size_t n = strlen(buf);
    if (n > 5 && strcmp(buf + n - 5, ".onnx") == 0)
        buf[n - 5] = '\0';
}

static int name_ok(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

int calibrate_cmd(int argc, char **argv, FILE *out, FILE *ef)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(out);
            return 0;
        }
        if (strcmp(argv[i], "--validate") == 0)
            return calib_validate(argc, argv, out, ef);
        if (strcmp(argv[i], "--families") == 0)
            return calib_families(argc, argv, out, ef);
    }
    Err err;
    err_clear(&err);
    CalibRun *r = xcalloc(1, sizeof *r);
    r->err_fp = ef;
    r->o.min_runs = 20;
    r->o.max_runs = 1000;
    r->o.min_seconds = 1.0;
    r->o.batches[0] = 1, r->o.batches[1] = 8, r->o.batches[2] = 32;
    r->o.n_batches = 3;
    r->threads[0] = 1, r->threads[1] = 2;
    r->n_threads = 2;
    r->cold_reps = 5;
    r->family = "other";
    const char *model = NULL;
    char name[128] = "", path[1200];
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            r->quiet = 1;
        } else if (strcmp(a, "--threads") == 0 || strcmp(a, "--cold-reps") == 0 ||
                   strcmp(a, "--name") == 0 || strcmp(a, "--out") == 0 ||
                   strcmp(a, "--family") == 0) {
            if (i + 1 >= argc) {
                rc = err_set(&err, SIM_EINPUT, a, "needs a value");
                break;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--threads") == 0)
                rc = calib_parse_list(v, a, r->threads, CALIB_MAX_THREADS,
                                      &r->n_threads, &err);
            else if (strcmp(a, "--cold-reps") == 0)
                rc = calib_parse_int(v, a, 1, MAX_COLD, &r->cold_reps, &err);
            else if (strcmp(a, "--name") == 0)
                snprintf(name, sizeof name, "%s", v);
            else if (strcmp(a, "--out") == 0 &&
                     strlen(v) >= sizeof ((AtomicFile *)0)->path)
                rc = err_set(&err, SIM_EINPUT, a,
                             "the file name is longer than %zu characters",
                             sizeof ((AtomicFile *)0)->path - 1);
            else if (strcmp(a, "--out") == 0)
                r->out_path = v;
            else
                r->family = v;
        } else if (strcmp(a, "--model") == 0 || strcmp(a, "--spawn-ns") == 0 ||
                   strcmp(a, "--batch") == 0 || strcmp(a, "--arrivals") == 0) {
            rc = err_set(&err, SIM_EINPUT, a, "not an option of calibrate "
                                              "(give the model as an argument)");
        } else {
            int k = calib_parse_opt(argc, argv, &i, &r->o, &err);
            if (k < 0) {
                rc = k;
            } else if (k == 0) {
                if (a[0] == '-' && a[1] != '\0')
                    rc = err_set(&err, SIM_EINPUT, a,
                                 "unknown option (try 'simsrv calibrate --help')");
                else if (model != NULL)
                    rc = err_set(&err, SIM_EINPUT, a, "more than one model given");
                else
                    model = a;
            }
        }
    }
    if (rc == 0 && model == NULL)
        rc = err_set(&err, SIM_EINPUT, "",
                     "no model given (try 'simsrv calibrate --help')");
    if (rc < 0) {
        free(r);
        return calib_fail(ef, &err);
    }
    r->o.model = model;
    if (name[0] == '\0')
        default_name(model, name, sizeof name);
    r->name = name;
    if (!name_ok(name)) {
        err_set(&err, SIM_EINPUT, "--name",
                "'%s': use letters, digits and -_. only", name);
        free(r);
        return calib_fail(ef, &err);
    }
    if (r->out_path == NULL) {
        snprintf(path, sizeof path, "models/%s.profile.json", name);
        r->out_path = path;
    }
    struct stat stt;
    if (err_if_directory(&err, model, "model file") < 0) {
        free(r);
        return calib_fail(ef, &err);
    }
    errno = 0;
    if (stat(model, &stt) != 0 || !S_ISREG(stt.st_mode)) {
        err_set(&err, SIM_EINPUT, model, "cannot open: %s",
                errno ? strerror(errno) : "not a regular file");
        free(r);
        return calib_fail(ef, &err);
    }
    r->size_mb = (double)stt.st_size / 1e6;
    /* the library first: its absence is the commonest problem, and costs
     * nothing to find out (the worker checks it again) */
    static OrtLib *lib; /* loaded once, never unloaded (ort.h) */
    if (lib == NULL && ort_lib_open(r->o.lib, &lib, &err) < 0) {
        free(r);
        return calib_fail(ef, &err);
    }
    read_loadavg(r->load_start);
    rc = measure(r, &err);
    read_loadavg(r->load_end);
    AtomicFile af;
    if (rc == 0 && (rc = atomic_file_open(&af, r->out_path, &err)) == 0) {
        write_profile(af.fp, r);
        rc = atomic_file_commit(&af, &err);
    }
    if (rc == 0)
        print_summary(out, r, r->out_path);
    for (int t = 0; t < r->n_threads; t++)
        for (int k = 0; k < r->o.n_batches; k++)
            free(r->res[t].warm[k].lat);
    free(r);
    return rc < 0 ? calib_fail(ef, &err) : 0;
}

/*
 * validate.c - `simsrv calibrate --validate PROFILE`: does the simulator,
 * given the profile, predict a real serving run?
 *
 * The real side: one Poisson stream of arrival offsets (seeded), served by
 * one fresh worker process (worker.c, "serve") that starts cold at time 0 --
 * library, environment, model load -- and then runs one request at a time,
 * in arrival order, each `batch` items; latency = end - arrival.
 * The simulated side: the same arrivals as a trace, one serverless function
 * limited to one instance with an unbounded queue and no timeout, so the
 * first request cold-starts it and later ones queue exactly as in the real
 * process; R replications (the arrivals are fixed, the service times are
 * drawn).  Reported: measured and predicted p50 / p95 / p99 (prediction:
 * mean over replications with its 95% interval) and the relative error.
 * The report goes to results/validate-NAME.json (temporary name, renamed).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config/scenario.h"
#include "../core/rng.h"
#include "../output/stats.h"
#include "../platform/world.h"
#include "../util/atomic_file.h"
#include "../util/xalloc.h"
#include "calib.h"
#include "fit.h"

typedef struct ValOpts {
    const char *profile, *model, *hardware, *out, *lib;
    int batch, replications, quiet;
    double rate, duration_s;
    long long seed;
} ValOpts;

static int parse_val_opts(int argc, char **argv, ValOpts *v, Err *err)
{
    static const char *const keys[] = {
        "--validate", "--model", "--hardware", "--batch", "--rate",
        "--duration", "--seed", "--replications", "--out", "--lib", NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            v->quiet = 1;
            continue;
        }
        int k = 0;
        while (keys[k] != NULL && strcmp(keys[k], a) != 0)
            k++;
        if (keys[k] == NULL)
            return err_set(err, SIM_EINPUT, a,
                           a[0] == '-' ? "not an option of --validate (try "
                                         "'simsrv calibrate --help')"
                                       : "unexpected argument");
        if (i + 1 >= argc)
            return err_set(err, SIM_EINPUT, a, "needs a value");
        const char *val = argv[++i];
        int rc = 0;
        switch (k) {
        case 0: v->profile = val; break;
        case 1: v->model = val; break;
        case 2: v->hardware = val; break;
        case 3: rc = calib_parse_int(val, a, 1, 4096, &v->batch, err); break;
        case 4: rc = calib_parse_pos(val, a, &v->rate, err); break;
        case 5: rc = calib_parse_pos(val, a, &v->duration_s, err); break;
        case 6: {
            char *end;
            errno = 0;
            unsigned long long x = strtoull(val, &end, 10);
            if (end == val || *end != '\0' || errno != 0 || val[0] == '-' ||
                x > 9007199254740991ULL)
                return err_set(err, SIM_EINPUT, a,
                               "'%s' is not an integer in 0..2^53-1", val);
            v->seed = (long long)x;
            break;
        }
        case 7:
            rc = calib_parse_int(val, a, 1, 4096, &v->replications, err);
            break;
        case 8: v->out = val; break;
        default: v->lib = val; break;
        }
        if (rc < 0)
            return rc;
    }
    if (v->profile == NULL)
        return err_set(err, SIM_EINPUT, "--validate", "needs a profile");
    return 0;
}

/* The model file: --model, else the profile's, taken as given or relative
 * to the profile's folder. */
static int model_path(const ValOpts *v, const ModelProfile *m, char *buf,
                      size_t size, Err *err)
{
    const char *f = v->model != NULL ? v->model : m->calib_model;
    struct stat st;
    snprintf(buf, size, "%s", f);
    if (stat(buf, &st) == 0 || v->model != NULL || f[0] == '/')
        return 0;
    const char *slash = strrchr(v->profile, '/');
    if (slash != NULL) {
        snprintf(buf, size, "%.*s/%s", (int)(slash - v->profile), v->profile, f);
        if (stat(buf, &st) == 0)
            return 0;
    }
    return err_set(err, SIM_EINPUT, v->profile,
                   "calibration.model_file '%s' not found: give the model with "
                   "--model FILE",
                   f);
}

static int write_text(const char *path, const char *text, Err *err)
{
    FILE *fp = fopen(path, "w");
    if (fp == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
        return err_set(err, SIM_EIO, path, "cannot write: %s", strerror(errno));
    return 0;
}

typedef struct Served {
    double *lat_ms;
    size_t n;
    double ready_ms;
} Served;

static int serve_for_real(const ValOpts *v, const ModelProfile *m, int threads,
                          const char *model, const char *arr_file, Served *s,
                          Err *err)
{
    char thr[16], batch[16], spawn[32];
    snprintf(thr, sizeof thr, "%d", threads);
    snprintf(batch, sizeof batch, "%d", v->batch);
    const char *av[48] = {"simsrv", "calibrate-worker", "serve", "--model",
                          model, "--threads", thr, "--batch", batch,
                          "--arrivals", arr_file};
    int n = 11;
    char dims[CALIB_MAX_DIMS][96];
    for (int k = 0; k < m->n_calib_dims; k++) {
        snprintf(dims[k], sizeof dims[k], "%s=%lld", m->calib_dim_name[k],
                 (long long)m->calib_dim_value[k]);
        av[n++] = "--dim";
        av[n++] = dims[k];
    }
    if (v->lib != NULL) {
        av[n++] = "--lib";
        av[n++] = v->lib;
    }
    snprintf(spawn, sizeof spawn, "%lld", (long long)calib_now_ns());
    av[n++] = "--spawn-ns";
    av[n++] = spawn;
    av[n] = NULL;
    char *text;
    int rc = calib_spawn(av, &text, err);
    if (rc < 0)
        return rc;
    const char *p = strstr(text, "ready_ms ");
    s->ready_ms = p != NULL ? strtod(p + 9, NULL) : -1;
    p = strstr(text, "\nlat");
    size_t cap = 1024;
    s->lat_ms = xmalloc(cap * sizeof *s->lat_ms);
    s->n = 0;
    if (p != NULL) {
        p += 4;
        char *end;
        for (;;) {
            double x = strtod(p, &end);
            if (end == p)
                break;
            if (s->n == cap)
                s->lat_ms = xrealloc(s->lat_ms, (cap *= 2) * sizeof *s->lat_ms);
            s->lat_ms[s->n++] = x;
            p = end;
        }
    }
    free(text);
    return 0;
}

static int simulate(const ValOpts *v, const char *dir, const char *profile_abs,
                    const ModelProfile *m, int threads, double horizon_s,
                    Interval q[3], Err *err)
{
    char *json = xmalloc(8192), path[1100];
    /* one process with the measured threads, whatever Lambda would allow:
     * a model of the measurement, not a deployment (beyond_limits) */
    double mem = ceil(m->memory_mb) < 128 ? 128 : ceil(m->memory_mb);
    snprintf(json, 8192,
             "{\"name\": \"validate\", \"seed\": %lld, \"horizon_s\": %.3f,\n"
             " \"replications\": %d, \"slo_ms\": 1000, \"timeseries_interval_s\": 0,\n"
             " \"model\": \"%s\",\n"
             " \"workload\": {\"type\": \"trace\", \"file\": \"arrivals.csv\", "
             "\"time_column\": \"timestamp\"},\n"
             " \"defaults\": {\"pricing\": \"aws-lambda-x86\", \"memory_mb\": %.0f,"
             " \"vcpus\": %d, \"hardware\": \"%s\", \"max_instances\": 1,"
             " \"queue_length\": 100000000, \"timeout_s\": 0, \"scale_per_10s\": 0,"
             " \"batch\": %d, \"keepalive\": {\"policy\": \"fixed\", "
             "\"keepalive_s\": 1e9}, \"beyond_limits\": true},\n"
             " \"alternatives\": [{\"name\": \"one-process\"}]}\n",
             v->seed, horizon_s, v->replications, profile_abs, mem, threads,
             v->hardware, v->batch);
    snprintf(path, sizeof path, "%s/validate.json", dir);
    Scenario sc;
    int rc = scenario_load_text(path, json, NULL, &sc, err);
    free(json);
    if (rc < 0)
        return rc;
    int R = sc.replications;
    double *x[3];
    for (int k = 0; k < 3; k++)
        x[k] = xmalloc((size_t)R * sizeof *x[k]);
    for (int r = 0; r < R; r++) {
        RunConfig cfg = {0};
        RunResult res;
        cfg.alt = &sc.alt[0];
        cfg.wl = &sc.workload;
        cfg.seed = sc.seed;
        cfg.rep = (uint32_t)r;
        cfg.horizon = time_from_s(sc.horizon_s);
        cfg.slo = time_from_s(sc.slo_ms * 1e-3);
        cfg.warmup = sc.warmup;
        world_run(&cfg, &res);
        x[0][r] = res.v[MET_p50_ms];
        x[1][r] = res.v[MET_p95_ms];
        x[2][r] = res.v[MET_p99_ms];
    }
    for (int k = 0; k < 3; k++) {
        q[k] = stats_interval(x[k], R);
        free(x[k]);
    }
    scenario_free(&sc);
    return 0;
}

static void write_report(FILE *fp, const ValOpts *v, const ModelProfile *m,
                         const char *model, int threads, const Served *s,
                         const double meas[3], const Interval pred[3])
{
    static const char *const qn[3] = {"p50", "p95", "p99"};
    fprintf(fp, "{\n  \"profile\": \"%s\",\n  \"model_file\": \"%s\",\n"
                "  \"hardware\": \"%s\", \"threads\": %d, \"batch\": %d,\n"
                "  \"rate_per_s\": %.6g, \"duration_s\": %.6g, \"seed\": %lld,\n"
                "  \"requests\": %zu, \"ready_ms\": %.4g, \"replications\": %d,\n"
                "  \"quantiles\": [\n",
            v->profile, model, v->hardware, threads, v->batch, v->rate,
            v->duration_s, v->seed, s->n, s->ready_ms, v->replications);
    for (int k = 0; k < 3; k++)
        fprintf(fp, "    {\"q\": \"%s\", \"measured_ms\": %.6g, \"predicted_ms\": "
                    "%.6g, \"predicted_half_ms\": %.4g, \"error_pct\": %.3f}%s\n",
                qn[k], meas[k], pred[k].mean, pred[k].half,
                100.0 * (pred[k].mean - meas[k]) / meas[k], k < 2 ? "," : "");
    fprintf(fp, "  ],\n  \"model\": \"%s\"\n}\n", m->name);
}

int calib_validate(int argc, char **argv, FILE *out, FILE *ef)
{
    Err err;
    err_clear(&err);
    ValOpts v = {0};
    v.hardware = "cpu";
    v.batch = 1;
    v.replications = 20;
    v.duration_s = 60;
    v.seed = 1;
    if (parse_val_opts(argc, argv, &v, &err) < 0)
        return calib_fail(ef, &err);
    ModelProfile *m = xcalloc(1, sizeof *m);
    char model[1100], dir[] = "/tmp/simsrv-validate-XXXXXX", path[1200];
    char outbuf[600], profile_abs[4096];
    Served s = {0};
    int rc, have_dir = 0;
    if ((rc = profile_load(v.profile, m, &err)) < 0)
        goto done;
    if (!m->calibrated) {
        rc = err_set(&err, SIM_EINPUT, v.profile,
                     "no 'calibration' block: validate profiles written by "
                     "simsrv calibrate");
        goto done;
    }
    const HwProfile *hw = profile_hw(m, v.hardware);
    if (hw == NULL) {
        rc = err_set(&err, SIM_EINPUT, v.profile,
                     "--hardware: no hardware class '%s' in the profile",
                     v.hardware);
        goto done;
    }
    int measured = 0;
    char list[128] = "";
    for (int k = 0; k < m->n_calib_batches; k++) {
        measured |= m->calib_batches[k] == v.batch;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d",
                 k ? ", " : "", m->calib_batches[k]);
    }
    if (!measured) {
        rc = err_set(&err, SIM_EINPUT, v.profile,
                     "batch %d was never measured (calibration.batches: %s)",
                     v.batch, list);
        goto done;
    }
    if ((rc = model_path(&v, m, model, sizeof model, &err)) < 0)
        goto done;
    if (realpath(v.profile, profile_abs) == NULL) {
        rc = err_set(&err, SIM_EIO, v.profile, "%s", strerror(errno));
        goto done;
    }
    int threads = (int)lround(hw->ref_vcpus);
    double median_s = hw->warm_a_s + hw->warm_c_s * v.batch;
    if (!(v.rate > 0))
        v.rate = 0.3 / median_s;
    if (v.out == NULL) {
        snprintf(outbuf, sizeof outbuf, "results/validate-%s.json", m->name);
        v.out = outbuf;
    }
    if (mkdtemp(dir) == NULL) {
        rc = err_set(&err, SIM_EIO, dir, "mkdtemp: %s", strerror(errno));
        goto done;
    }
    have_dir = 1;
    /* the arrivals, whole microseconds, as a trace both sides read */
    gsl_rng *g = rng_create((uint64_t)v.seed, 0, RNG_ARRIVALS, 0);
    size_t cap = 1024, n = 0;
    int64_t *arr = xmalloc(cap * sizeof *arr);
    for (double t = rng_exponential(g, 1.0 / v.rate); t < v.duration_s;
         t += rng_exponential(g, 1.0 / v.rate)) {
        if (n == cap)
            arr = xrealloc(arr, (cap *= 2) * sizeof *arr);
        arr[n++] = (int64_t)llround(t * 1e6);
    }
    gsl_rng_free(g);
    size_t tsz = 32 + n * 24;
    char *csv = xmalloc(tsz);
    size_t lc = (size_t)snprintf(csv, tsz, "timestamp\n");
    for (size_t i = 0; i < n; i++)
        lc += (size_t)snprintf(csv + lc, tsz - lc, "%lld.%06lld\n",
                               (long long)(arr[i] / 1000000),
                               (long long)(arr[i] % 1000000));
    free(arr);
    char csv_file[1100];
    snprintf(csv_file, sizeof csv_file, "%s/arrivals.csv", dir);
    rc = write_text(csv_file, csv, &err);
    free(csv);
    if (rc < 0)
        goto done;
    if (n < 20) {
        rc = err_set(&err, SIM_EINPUT, "--rate",
                     "only %zu arrivals in %g s: raise --rate or --duration", n,
                     v.duration_s);
        goto done;
    }
    int show = !v.quiet && isatty(fileno(ef));
    if (show)
        fprintf(ef, "  validate %s: serving %zu requests at %.3g/s for %g s "
                    "(%d thread(s), batch %d)...",
                m->name, n, v.rate, v.duration_s, threads, v.batch);
    fflush(ef);
    if ((rc = serve_for_real(&v, m, threads, model, csv_file, &s, &err)) < 0)
        goto done;
    if (s.n != n) {
        rc = err_set(&err, SIM_EINTERNAL, "",
                     "the serving process reported %zu of %zu requests", s.n, n);
        goto done;
    }
    double *sorted = xmalloc(n * sizeof *sorted);
    memcpy(sorted, s.lat_ms, n * sizeof *sorted);
    fit_sort(sorted, n);
    double meas[3] = {fit_quantile(sorted, n, 0.50), fit_quantile(sorted, n, 0.95),
                      fit_quantile(sorted, n, 0.99)};
    double horizon = v.duration_s + 2 * sorted[n - 1] * 1e-3 + 60;
    free(sorted);
    if (show)
        fprintf(ef, " simulating...");
    Interval pred[3];
    if ((rc = simulate(&v, dir, profile_abs, m, threads, horizon, pred, &err)) < 0)
        goto done;
    if (show)
        fprintf(ef, "\r%*s\r", 100, "");
    AtomicFile af;
    char *slash = strrchr(v.out, '/');
    if (slash != NULL) {
        snprintf(path, sizeof path, "%.*s", (int)(slash - v.out), v.out);
        if ((rc = mkdir_p(path, &err)) < 0)
            goto done;
    }
    if ((rc = atomic_file_open(&af, v.out, &err)) < 0)
        goto done;
    write_report(af.fp, &v, m, model, threads, &s, meas, pred);
    if ((rc = atomic_file_commit(&af, &err)) < 0)
        goto done;
    static const char *const qn[3] = {"p50", "p95", "p99"};
    fprintf(out, "%s on %s (%d thread(s)), batch %d, %zu requests at %.3g/s "
                 "(Poisson, seed %lld), ready after %.0f ms\n",
            m->name, v.hardware, threads, v.batch, n, v.rate, v.seed, s.ready_ms);
    fprintf(out, "%-8s %12s %12s %10s %8s\n", "quantile", "measured ms",
            "predicted ms", "+-95% ms", "error %");
    for (int k = 0; k < 3; k++)
        fprintf(out, "%-8s %12.3f %12.3f %10.3f %+8.1f\n", qn[k], meas[k],
                pred[k].mean, pred[k].half,
                100.0 * (pred[k].mean - meas[k]) / meas[k]);
    fprintf(out, "report: %s\n", v.out);
done:
    if (have_dir) {
        snprintf(path, sizeof path, "%s/arrivals.csv", dir);
        unlink(path);
        rmdir(dir);
    }
    free(s.lat_ms);
    free(m);
    return rc < 0 ? calib_fail(ef, &err) : 0;
}

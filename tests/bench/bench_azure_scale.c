/*
 * bench_azure_scale.c - replaying an Azure-2019-shaped trace at full scale.
 *
 * A generator streams an invocations file in the published 2019 schema --
 * FUNCTIONS functions over MINUTES minutes, function i (0-based) invoked
 * Poisson(m_i) times a minute with m_i proportional to (i + 1)^-1.2 (a
 * heavy tail: the top function ~2,000/s, the last ones under one a minute),
 * scaled so the expected total is 1.02 x TARGET, every minute independent
 * (drawn by inversion below ten a minute, by GSL above; below one a
 * minute only the non-zero minutes are drawn, by their geometric gaps, so
 * generating costs what the invocations and the file's bytes cost, not a
 * draw per function and minute) -- with a durations file
 * (medians 20 ms to 2 s, log-uniform) and a per-app memory file (128 MB to
 * 1.5 GB, two functions per app).  Then simsrv replays it: workload
 * azure2019 (equidistant spacing), one Lambda alternative, fixed 600 s
 * keep-alive, every function on its own instances.  Generation, the
 * reader's open (parse + join + sparse table), and the run are timed
 * separately; peak RSS is the process's (getrusage).  One line of results.
 *
 * usage: bench_azure_scale [TARGET [FUNCTIONS [MINUTES [DIR]]]]
 *        defaults 1e9 50000 1440, DIR = a fresh directory under /tmp
 * The generated files (about 155 MB for the defaults) are removed at the
 * end.  Seeds are fixed: the same arguments replay the same trace.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "config/scenario.h"
#include "platform/world.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- writing: a big buffer and hand-made number formatting ---------- */

typedef struct Out {
    FILE *f;
    char *buf;
    size_t n, cap;
} Out;

static void out_open(Out *o, const char *dir, const char *name, size_t cap)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    o->f = fopen(p, "w");
    o->buf = malloc(cap);
    o->n = 0;
    o->cap = cap;
    if (o->f == NULL || o->buf == NULL) {
        fprintf(stderr, "bench_azure_scale: cannot write %s\n", p);
        exit(2);
    }
}

static void out_flush(Out *o)
{
    if (o->n > 0 && fwrite(o->buf, 1, o->n, o->f) != o->n) {
        fprintf(stderr, "bench_azure_scale: write error (disk full?)\n");
        exit(2);
    }
    o->n = 0;
}

/* Room for `need` more bytes. */
static void out_room(Out *o, size_t need)
{
    if (o->n + need > o->cap)
        out_flush(o);
}

static void out_close(Out *o)
{
    out_flush(o);
    if (fclose(o->f) != 0) {
        fprintf(stderr, "bench_azure_scale: write error (disk full?)\n");
        exit(2);
    }
    free(o->buf);
}

static void put_str(Out *o, const char *s, size_t len)
{
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

/* An unsigned integer in decimal. */
static void put_u(Out *o, unsigned long long v)
{
    char t[24];
    int k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (k > 0)
        o->buf[o->n++] = t[--k];
}

/* x >= 0 rounded to tenths, as "%.1f" would print it but for ties. */
static void put_tenths(Out *o, double x)
{
    unsigned long long t = (unsigned long long)llround(x * 10);
    put_u(o, t / 10);
    o->buf[o->n++] = '.';
    o->buf[o->n++] = (char)('0' + t % 10);
}

/* ---- drawing ---------------------------------------------------------- */

/* Poisson(mean) for mean < DENSE_MEAN by inversion from e^-mean. */
#define DENSE_MEAN 10.0

/* Inversion of a Poisson(mean) law from k0 up, P(k0) = p0: the first k
 * whose cumulative probability reaches a uniform draw. */
static unsigned poisson_from(gsl_rng *r, double mean, unsigned k0, double p0)
{
    double u = gsl_rng_uniform(r), p = p0, cdf = p0;
    unsigned k = k0;
    while (u > cdf && k < 1000) {
        k++;
        p *= mean / k;
        cdf += p;
    }
    return k;
}

/* One function's row of minute counts, each Poisson(mean).  Below one a
 * minute, the minutes with a count are found by their gaps: the zeros
 * before the next non-zero minute number floor(E / mean), E exponential
 * (P(zero) = e^-mean), and that minute's count is Poisson given >= 1 --
 * the same distribution as a draw per minute, at a cost per non-zero
 * minute.  Returns the row's invocations. */
static unsigned long long put_row(Out *o, gsl_rng *r, double mean, int minutes,
                                  const char *zeros)
{
    unsigned long long total = 0;
    if (mean >= 1.0) {
        double e_minus = exp(-mean);
        for (int m = 0; m < minutes; m++) {
            unsigned k = mean < DENSE_MEAN ? poisson_from(r, mean, 0, e_minus)
                                           : gsl_ran_poisson(r, mean);
            total += k;
            o->buf[o->n++] = ',';
            put_u(o, k);
        }
        return total;
    }
    int m = 0;
    while (m < minutes) {
        double gap = floor(-log(gsl_rng_uniform_pos(r)) / mean);
        int zero = gap < minutes - m ? (int)gap : minutes - m;
        put_str(o, zeros, 2 * (size_t)zero);
        m += zero;
        if (m == minutes)
            break;
        /* Poisson given >= 1: P(1) = mean e^-mean / (1 - e^-mean) */
        unsigned k = poisson_from(r, mean, 1, mean / expm1(mean));
        total += k;
        o->buf[o->n++] = ',';
        put_u(o, k);
        m++;
    }
    return total;
}

/* Writes the three files; returns the invocations written. */
static unsigned long long generate(const char *dir, double target, int nfn,
                                   int minutes)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2019);
    double norm = 0;
    for (int i = 0; i < nfn; i++)
        norm += pow(i + 1.0, -1.2);
    double c = 1.02 * target / minutes / norm;

    /* a row: its ids and at most 11 bytes a minute */
    size_t row = 64 + 11 * (size_t)minutes, cap = (8u << 20) + 2 * row;
    Out fi, fd, fm;
    out_open(&fi, dir, "invocations.csv", cap);
    out_open(&fd, dir, "durations.csv", 1u << 20);
    out_open(&fm, dir, "memory.csv", 1u << 20);
    char *zeros = malloc(2 * (size_t)minutes + 1);
    for (int m = 0; m < minutes; m++)
        memcpy(zeros + 2 * m, ",0", 2);
    static const char hi[] = "HashOwner,HashApp,HashFunction,Trigger";
    static const char hd[] =
        "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,"
        "percentile_Average_0,percentile_Average_1,percentile_Average_25,"
        "percentile_Average_50,percentile_Average_75,percentile_Average_99,"
        "percentile_Average_100\n";
    static const char hm[] = "HashOwner,HashApp,SampleCount,AverageAllocatedMb\n";
    put_str(&fi, hi, sizeof hi - 1);
    for (int m = 1; m <= minutes; m++) {
        out_room(&fi, 16);
        fi.buf[fi.n++] = ',';
        put_u(&fi, (unsigned)m);
    }
    put_str(&fi, "\n", 1);
    put_str(&fd, hd, sizeof hd - 1);
    put_str(&fm, hm, sizeof hm - 1);
    unsigned long long total = 0;
    for (int i = 0; i < nfn; i++) {
        double mean = c * pow(i + 1.0, -1.2);
        out_room(&fi, row);
        put_str(&fi, "o,a", 3);
        put_u(&fi, (unsigned)i / 2);
        put_str(&fi, ",f", 2);
        put_u(&fi, (unsigned)i);
        put_str(&fi, ",http", 5);
        total += put_row(&fi, r, mean, minutes, zeros);
        put_str(&fi, "\n", 1);
        double med = 20.0 * pow(100.0, gsl_rng_uniform(r)); /* 20 ms..2 s */
        /* Average, Count, Minimum, Maximum, then the seven percentiles */
        const double col[] = {med,       med / 4,   med * 8, med / 4,
                              med / 3,   med / 1.5, med,     med * 1.5,
                              med * 5,   med * 8};
        out_room(&fd, 256);
        put_str(&fd, "o,a", 3);
        put_u(&fd, (unsigned)i / 2);
        put_str(&fd, ",f", 2);
        put_u(&fd, (unsigned)i);
        for (int k = 0; k < 10; k++) {
            put_str(&fd, ",", 1);
            put_tenths(&fd, col[k]);
            if (k == 0)
                put_str(&fd, ",1", 2);
        }
        put_str(&fd, "\n", 1);
        if (i % 2 == 0) {
            out_room(&fm, 64);
            put_str(&fm, "o,a", 3);
            put_u(&fm, (unsigned)i / 2);
            put_str(&fm, ",10,", 4);
            put_u(&fm, (unsigned long long)llround(
                           128.0 * pow(12.0, gsl_rng_uniform(r))));
            put_str(&fm, "\n", 1);
        }
    }
    out_close(&fi);
    out_close(&fd);
    out_close(&fm);
    free(zeros);
    gsl_rng_free(r);
    return total;
}

int main(int argc, char **argv)
{
    double target = argc > 1 ? atof(argv[1]) : 1e9;
    int nfn = argc > 2 ? atoi(argv[2]) : 50000;
    int minutes = argc > 3 ? atoi(argv[3]) : 1440;
    char dir[1024];
    if (argc > 4) {
        snprintf(dir, sizeof dir, "%s", argv[4]);
    } else {
        snprintf(dir, sizeof dir, "/tmp/simsrv-azscale-XXXXXX");
        if (mkdtemp(dir) == NULL) {
            perror("mkdtemp");
            return 2;
        }
    }
    double t0 = now_s();
    unsigned long long total = generate(dir, target, nfn, minutes);
    double t1 = now_s();

    char text[4096];
    snprintf(text, sizeof text,
             "{\"name\": \"azscale\", \"seed\": 1, \"horizon_s\": %d,"
             " \"slo_ms\": 1000, \"model\": \"resnet18\","
             " \"timeseries_interval_s\": 0,"
             " \"workload\": {\"type\": \"azure2019\","
             " \"invocations\": \"%s/invocations.csv\","
             " \"durations\": \"%s/durations.csv\","
             " \"memory\": \"%s/memory.csv\"},"
             " \"defaults\": {\"pricing\": \"aws-lambda-x86\","
             " \"memory_mb\": 1024, \"timeout_s\": 0, \"max_instances\": 0,"
             " \"beyond_limits\": true},"
             " \"alternatives\": [{\"name\": \"lambda-ka600\"}]}",
             minutes * 60 + 600, dir, dir, dir);
    char spath[1200];
    snprintf(spath, sizeof spath, "%s/scenarios/azscale.json",
             getenv("SIMSRV_SOURCE_ROOT") ? getenv("SIMSRV_SOURCE_ROOT") : ".");
    Scenario sc;
    Err err;
    err_clear(&err);
    if (scenario_load_text(spath, text, NULL, &sc, &err) < 0) {
        fprintf(stderr, "bench_azure_scale: %s: %s\n", err.where, err.msg);
        return 2;
    }
    double t2 = now_s();
    RunConfig rc;
    memset(&rc, 0, sizeof rc);
    rc.alt = &sc.alt[0];
    rc.wl = &sc.workload;
    rc.seed = sc.seed;
    rc.horizon = time_from_s(sc.horizon_s);
    rc.slo = time_from_s(sc.slo_ms * 1e-3);
    RunResult res;
    world_run(&rc, &res);
    double t3 = now_s();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("azure-scale: %d functions x %d min, %llu invocations generated "
           "in %.1f s; config check (open+join) %.1f s; run %.1f s = %.2f M "
           "requests/s (%.0f arrivals, %.0f completed, cold %.4f%%, peak %.0f "
           "instances, idle %.3g GB-s, %llu events); peak RSS %ld MB\n",
           nfn, minutes, total, t1 - t0, t2 - t1, t3 - t2,
           res.v[MET_arrivals] / (t3 - t2) * 1e-6, res.v[MET_arrivals],
           res.v[MET_completed], res.v[MET_cold_pct], res.v[MET_peak_instances],
           res.v[MET_idle_gb_s], (unsigned long long)res.events,
           ru.ru_maxrss / 1024);
    scenario_free(&sc);
    if (argc <= 4) {
        char p[1200];
        const char *names[] = {"invocations.csv", "durations.csv",
                               "memory.csv"};
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "%s/%s", dir, names[i]);
            remove(p);
        }
        rmdir(dir);
    }
    return 0;
}

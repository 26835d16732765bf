/*
 * bench_azure_scale.c - replaying an Azure-2019-shaped trace at full scale.
 *
 * A generator streams an invocations file in the published 2019 schema --
 * FUNCTIONS functions over MINUTES minutes, function i (0-based) invoked
 * Poisson(m_i) times a minute with m_i proportional to (i + 1)^-1.2 (a
 * heavy tail: the top function ~2,000/s, the last ones under one a minute),
 * scaled so the expected total is 1.02 x TARGET -- with a durations file
 * (medians 20 ms to 2 s, log-uniform) and a per-app memory file (128 MB to
 * 1.5 GB, two functions per app).  Then simsrv replays it: workload
 * azure2019 (equidistant spacing), one Lambda alternative, fixed 600 s
 * keep-alive, every function on its own instances.  Generation, the
 * reader's open (parse + join + sparse table), and the run are timed
 * separately; peak RSS is the process's (getrusage).  One line of results.
 *
 * usage: bench_azure_scale [TARGET [FUNCTIONS [MINUTES [DIR]]]]
 *        defaults 1e9 50000 1440, DIR = a fresh directory under /tmp
 * The generated files (about 250 MB for the defaults) are removed at the
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

/* Writes the three files; returns the invocations written. */
static unsigned long long generate(const char *dir, double target, int nfn,
                                   int minutes)
{
    char p[1200];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2019);
    double norm = 0;
    for (int i = 0; i < nfn; i++)
        norm += pow(i + 1.0, -1.2);
    double c = 1.02 * target / minutes / norm;

    snprintf(p, sizeof p, "%s/invocations.csv", dir);
    FILE *fi = fopen(p, "w");
    snprintf(p, sizeof p, "%s/durations.csv", dir);
    FILE *fd = fopen(p, "w");
    snprintf(p, sizeof p, "%s/memory.csv", dir);
    FILE *fm = fopen(p, "w");
    if (!fi || !fd || !fm) {
        fprintf(stderr, "bench_azure_scale: cannot write in %s\n", dir);
        exit(2);
    }
    static char buf[1 << 20];
    setvbuf(fi, buf, _IOFBF, sizeof buf);
    fputs("HashOwner,HashApp,HashFunction,Trigger", fi);
    for (int m = 1; m <= minutes; m++)
        fprintf(fi, ",%d", m);
    fputc('\n', fi);
    fputs("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,"
          "percentile_Average_0,percentile_Average_1,percentile_Average_25,"
          "percentile_Average_50,percentile_Average_75,percentile_Average_99,"
          "percentile_Average_100\n",
          fd);
    fputs("HashOwner,HashApp,SampleCount,AverageAllocatedMb\n", fm);
    unsigned long long total = 0;
    for (int i = 0; i < nfn; i++) {
        double mean = c * pow(i + 1.0, -1.2);
        fprintf(fi, "o,a%d,f%d,http", i / 2, i);
        for (int m = 0; m < minutes; m++) {
            unsigned k = gsl_ran_poisson(r, mean);
            total += k;
            fprintf(fi, ",%u", k);
        }
        fputc('\n', fi);
        double med = 20.0 * pow(100.0, gsl_rng_uniform(r)); /* 20 ms..2 s */
        fprintf(fd,
                "o,a%d,f%d,%.1f,1,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,"
                "%.1f\n",
                i / 2, i, med, med / 4, med * 8, med / 4, med / 3, med / 1.5,
                med, med * 1.5, med * 5, med * 8);
        if (i % 2 == 0)
            fprintf(fm, "o,a%d,10,%.0f\n", i / 2,
                    128.0 * pow(12.0, gsl_rng_uniform(r)));
    }
    fclose(fi);
    fclose(fd);
    fclose(fm);
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

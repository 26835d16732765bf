/*
 * bench_serverless.c - engine + serverless platform throughput.
 *
 * The workload of issue "simsrv core": scale-per-request (concurrency 1),
 * Poisson arrivals, warm service Exp(1.991 s), a cold request's total time
 * Exp(2.244 s) replacing the warm one, keep-alive 600 s.
 *   sparse  lambda = 0.9/s, no instance limit, horizon 10^6 s (and 10^5 s
 *           and 10^7 s to show that peak memory does not grow with it)
 *   dense   lambda = 1000/s, at most 1000 instances, horizon 10^4 s
 * Each case runs in a fresh child process so its peak RSS is its own.
 * Phases are timed separately (setup, run, teardown), as libuv's
 * benchmark-million-timers does.  Prints one line per case.
 *
 * usage: bench_serverless               all cases
 *        bench_serverless CASE HORIZON_S one case (what the children run)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
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

static int run_case(const char *name, double horizon_s)
{
    int dense = strcmp(name, "dense") == 0;
    AltSpec alt;
    memset(&alt, 0, sizeof alt);
    strcpy(alt.name, name);
    strcpy(alt.platform, "serverless");
    strcpy(alt.hardware, "cpu");
    alt.memory_mb = 2048;
    alt.vcpus = 1;
    alt.concurrency = 1;
    alt.batch = 1;
    alt.max_instances = dense ? 1000 : 0;
    strcpy(alt.keepalive.policy, "fixed");
    alt.keepalive.keepalive_s = 600;
    Err err;
    char date[16];
    if (catalog_lookup(NULL, "aws-lambda-x86", &alt.price, date, &err, "bench") <
        0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    alt.hw.ref_vcpus = 1;
    alt.hw.cold_mode = COLD_TOTAL;
    alt.hw.cold_total.kind = DIST_EXPONENTIAL;
    alt.hw.cold_total.a_s = 2.244;
    alt.hw.warm.kind = DIST_EXPONENTIAL;
    alt.hw.warm.a_s = 1.991;
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "poisson");
    wl.rate_per_s = dense ? 1000 : 0.9;
    wl.end_s = horizon_s;
    RunConfig rc;
    memset(&rc, 0, sizeof rc);
    rc.alt = &alt;
    rc.wl = &wl;
    rc.seed = 1;
    rc.horizon = time_from_s(horizon_s);
    rc.slo = time_from_s(5);

    double t0 = now_s();
    World *s = world_create(&rc);
    double t1 = now_s();
    sim_run(world_sim(s), rc.horizon);
    double t2 = now_s();
    RunResult res;
    world_finish(s, &res);
    world_destroy(s);
    double t3 = now_s();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double run = t2 - t1;
    printf("%-7s horizon %8.0e s  requests %10.0f  events %10llu (stale "
           "%llu)  run %7.3f s  %6.2f M events/s  %6.2f M requests/s  "
           "setup %.4f s  teardown %.4f s  peak RSS %ld KB  peak pending %llu"
           "  cold %.3f%%  rejected %.2f%%\n",
           name, horizon_s, res.v[MET_arrivals],
           (unsigned long long)res.events,
           (unsigned long long)res.stale_events, run,
           (double)res.events / run * 1e-6, res.v[MET_arrivals] / run * 1e-6,
           t1 - t0, t3 - t2, ru.ru_maxrss,
           (unsigned long long)res.peak_pending, res.v[MET_cold_pct],
           100.0 * res.v[MET_rejected] / res.v[MET_arrivals]);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3)
        return run_case(argv[1], atof(argv[2]));
    const char *cases[][2] = {{"sparse", "1e5"},
                              {"sparse", "1e6"},
                              {"sparse", "1e7"},
                              {"dense", "1e4"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/proc/self/exe", argv[0], cases[i][0], cases[i][1],
                  (char *)NULL);
            _exit(127);
        }
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return 1;
    }
    return 0;
}

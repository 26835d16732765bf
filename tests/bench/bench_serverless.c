/*
 * bench_serverless.c - engine + serverless platform throughput.
 *
 * The workload of issue "simsrv core": scale-per-request (concurrency 1),
 * Poisson arrivals, warm service Exp(1.991 s), a cold request's total time
 * Exp(2.244 s) replacing the warm one, keep-alive 600 s.
 *   sparse  lambda = 0.9/s, no instance limit, horizon 10^6 s (and 10^5 s
 *           and 10^7 s to show that peak memory does not grow with it)
 *   dense   lambda = 1000/s, at most 1000 instances, horizon 10^4 s
 *   vm1000  an autoscaled VM fleet (1 slot per VM, Exp(1 s) service,
 *           utilization target 0.6) under a diurnal load of mean 400/s and
 *           amplitude 0.5: about 1000 VMs at the peak; one day
 *   cluster100  serverless instances of 1 GB on 100 nodes of 16 GB (1,600
 *           fit), Poisson 1,500/s, Exp(1 s), keep-alive 600 s, a queue:
 *           thousands of live instances under memory pressure; 2 hours
 *   live N  per-event cost against the number of live instances N: one
 *           function, Poisson lambda = N/s, Exp(1 s) warm service, a cold
 *           request Exp(1.2 s), keep-alive 600 s, no instance limit.  Warm
 *           routing takes the most recently used instance, so the live
 *           count is the peak concurrency of an M/M/inf queue: by Little
 *           lambda x 1 s = N busy on average, plus the few idle ones the
 *           fluctuations leave behind (each with its keep-alive timer
 *           pending: about 2N events pending).  After a warm-up of 8 s
 *           (eight mean services: past the ramp and most of the cold
 *           starts of the slowly rising peak) a fixed count of
 *           events is timed, so every N does the same work; live_measure()
 *           is that phase alone, for callgrind's --toggle-collect.
 * Each case runs in a fresh child process so its peak RSS is its own.
 * Phases are timed separately (setup, run, teardown), as libuv's
 * benchmark-million-timers does.  Prints one line per case.
 *
 * usage: bench_serverless               all cases
 *        bench_serverless CASE HORIZON_S one case (what the children run)
 *        bench_serverless live           N = 2e3, 2e4, 2e5 and the ratio
 *        bench_serverless live N [EVENTS] one N (EVENTS timed, default 10^7)
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

/* The scale-per-request Lambda alternative both workloads run on: 2 GB,
 * concurrency 1, fixed keep-alive 600 s, Exp(warm_s) warm service and a
 * cold request's total time Exp(cold_s).  Returns 0, or -1 (printed). */
static int lambda_alt(AltSpec *alt, const char *name, int max_instances,
                      double cold_s, double warm_s)
{
    memset(alt, 0, sizeof *alt);
    strcpy(alt->name, name);
    strcpy(alt->platform, "serverless");
    strcpy(alt->hardware, "cpu");
    alt->memory_mb = 2048;
    alt->vcpus = 1;
    alt->concurrency = 1;
    alt->batch = 1;
    alt->max_instances = max_instances;
    strcpy(alt->keepalive.policy, "fixed");
    alt->keepalive.keepalive_s = 600;
    Err err;
    char date[16];
    if (catalog_lookup(NULL, "aws-lambda-x86", &alt->price, date, &err,
                       "bench") < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    alt->hw.ref_vcpus = 1;
    alt->hw.cold_mode = COLD_TOTAL;
    alt->hw.cold_total.kind = DIST_EXPONENTIAL;
    alt->hw.cold_total.a_s = cold_s;
    alt->hw.warm.kind = DIST_EXPONENTIAL;
    alt->hw.warm.a_s = warm_s;
    return 0;
}

/* This process's CPU time: on a shared machine the timed phase's wall time
 * also counts other processes' turns. */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int run_case(const char *name, double horizon_s)
{
    int dense = strcmp(name, "dense") == 0;
    int vm1000 = strcmp(name, "vm1000") == 0;
    int cluster100 = strcmp(name, "cluster100") == 0;
    AltSpec alt;
    if (lambda_alt(&alt, name, dense ? 1000 : 0, 2.244, 1.991) < 0)
        return 1;
    Err err;
    char date[16];
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "poisson");
    wl.rate_per_s = dense ? 1000 : 0.9;
    wl.end_s = horizon_s;
    if (vm1000) {
        strcpy(alt.platform, "vm");
        alt.kind = PLATFORM_VM;
        if (catalog_lookup(NULL, "c7i.large", &alt.vm.type, date, &err,
                           "bench") < 0)
            return 1;
        alt.vm.hw = alt.hw;
        alt.vm.hw.warm.kind = DIST_EXPONENTIAL;
        alt.vm.hw.warm.a_s = 1.0;
        alt.vm.count = 700;
        alt.vm.slots = 1;
        alt.vm.max_queue = 100000000;
        alt.vm.boot_s = 25;
        alt.vm.price_multiplier = 1;
        alt.vm.as.enabled = 1;
        alt.vm.as.min_vms = 100;
        alt.vm.as.max_vms = 1500;
        alt.vm.as.target = 0.6;
        alt.vm.as.period_s = 60;
        alt.vm.as.cooldown_s = 300;
        strcpy(wl.type, "diurnal");
        wl.rate_per_s = 400;
        wl.amplitude = 0.5;
        wl.period_s = 86400;
        wl.peak_s = 43200;
    }
    if (cluster100) {
        alt.hw.cold_total.a_s = 1.5;
        alt.hw.warm.a_s = 1.0;
        alt.max_instances = 0;
        alt.scale_per_10s = 0;
        alt.queue_len = 100000;
        alt.memory_mb = 1024;
        alt.model_memory_mb = 1024;
        alt.cluster.enabled = 1;
        alt.cluster.n_kinds = 1;
        alt.cluster.kind[0].count = 100;
        alt.cluster.kind[0].vcpus = 64;
        alt.cluster.kind[0].memory_gb = 16;
        wl.rate_per_s = 1500;
    }
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
    printf("%-10s horizon %8.0e s  requests %10.0f  events %10llu (stale "
           "%llu)  run %7.3f s  %6.2f M events/s  %6.2f M requests/s  "
           "setup %.4f s  teardown %.4f s  peak RSS %ld KB  peak pending %llu"
           "  cold %.3f%%  rejected %.2f%%  peak instances %.0f  peak VMs "
           "%.0f\n",
           name, horizon_s, res.v[MET_arrivals],
           (unsigned long long)res.events,
           (unsigned long long)res.stale_events, run,
           (double)res.events / run * 1e-6, res.v[MET_arrivals] / run * 1e-6,
           t1 - t0, t3 - t2, ru.ru_maxrss,
           (unsigned long long)res.peak_pending, res.v[MET_cold_pct],
           100.0 * res.v[MET_rejected] / res.v[MET_arrivals],
           res.v[MET_peak_instances], res.v[MET_vm_peak]);
    fflush(stdout);
    return 0;
}

#define LIVE_WARMUP_S 8.0

/* The timed phase of `live`: `events` more events, or fewer if the horizon
 * comes first.  Not inlined, so callgrind can collect it alone. */
uint64_t live_measure(Sim *sim, uint64_t events, SimTime end);
__attribute__((noinline)) uint64_t live_measure(Sim *sim, uint64_t events,
                                                SimTime end)
{
    uint64_t n = 0;
    while (n < events && sim_step(sim, end))
        n++;
    return n;
}

/* One `live` size; returns its ns per timed event (negative on error). */
static double live_case(double n_live, double events)
{
    AltSpec alt;
    if (lambda_alt(&alt, "live", 0, 1.2, 1.0) < 0)
        return -1;
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "poisson");
    wl.rate_per_s = n_live; /* x 1 s mean service = n_live busy (Little) */
    RunConfig rc;
    memset(&rc, 0, sizeof rc);
    rc.alt = &alt;
    rc.wl = &wl;
    rc.seed = 1;
    /* >= 2 events a request */
    double horizon_s = LIVE_WARMUP_S + events / n_live;
    wl.end_s = horizon_s;
    rc.horizon = time_from_s(horizon_s);
    rc.slo = time_from_s(5);

    World *w = world_create(&rc);
    Sim *sim = world_sim(w);
    sim_run(sim, time_from_s(LIVE_WARMUP_S));
    uint64_t ev0 = sim_events(sim);
    double t0 = now_s(), c0 = cpu_s();
    uint64_t done = live_measure(sim, (uint64_t)events, rc.horizon);
    double t1 = now_s(), c1 = cpu_s();
    WorldState ws = world_state(w);
    size_t pending = sim_pending(sim);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
    double ns = (t1 - t0) * 1e9 / (double)done;
    double cpu_ns = (c1 - c0) * 1e9 / (double)done;
    printf("live %8.0f  warm-up events %9llu  timed events %9llu  run %7.3f "
           "s  %6.1f ns/event (CPU %6.1f)  live instances %d (busy %d idle %d "
           "starting %d)  pending events %zu  cold %.3f%%\n",
           n_live, (unsigned long long)ev0, (unsigned long long)done, t1 - t0,
           ns, cpu_ns, ws.busy + ws.idle + ws.starting, ws.busy, ws.idle,
           ws.starting, pending, res.v[MET_cold_pct]);
    fflush(stdout);
    return ns;
}

static int live_all(void)
{
    const double sizes[] = {2e3, 2e4, 2e5};
    double ns[3];
    for (int i = 0; i < 3; i++)
        if ((ns[i] = live_case(sizes[i], 1e7)) < 0)
            return 1;
    printf("live ratio 2e5/2e3 %.2f  2e4/2e3 %.2f\n", ns[2] / ns[0],
           ns[1] / ns[0]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "live") == 0) {
        if (argc == 2)
            return live_all();
        return live_case(atof(argv[2]), argc > 3 ? atof(argv[3]) : 1e7) < 0;
    }
    if (argc == 3)
        return run_case(argv[1], atof(argv[2]));
    const char *cases[][2] = {{"sparse", "1e5"},     {"sparse", "1e6"},
                              {"sparse", "1e7"},     {"dense", "1e4"},
                              {"vm1000", "86400"},   {"cluster100", "7200"}};
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

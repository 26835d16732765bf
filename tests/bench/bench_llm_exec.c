/*
 * bench_llm_exec.c - whole runs of the `llm` executor, timed: a scenario's
 * alternatives one by one through a World, reporting run time, engine
 * iterations per second and requests per second of run time.
 *
 *   bench_llm_exec tests/bench/llm/azure-conv-h100.json
 *       the Azure LLM 2023 conversation trace (19,366 requests in an hour,
 *       from ../shared/traces/azure_llm_2023) on one H100 instance of
 *       Llama-2-7B, iteration by iteration;
 *   bench_llm_exec tests/bench/llm/synthetic-1m.json
 *       10^6 synthetic Poisson requests on an autoscaled fleet of up to
 *       100 instances.
 * Setup (loading the scenario) and the run are timed apart; the run is
 * world_create + run to the horizon + world_finish, in wall and in CPU
 * time of the process (rates are per CPU second).  Not a test: its
 * figures depend on the machine (`meson test -C build --benchmark
 * llm-exec`, a release build under `nice`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/scenario.h"
#include "platform/world.h"

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

/* CPU time of this process: on a shared machine, what the run itself
 * cost (wall time also counts the other processes' turns). */
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_llm_exec SCENARIO.json\n");
        return 2;
    }
    Scenario sc;
    Err err;
    double t0 = now_s();
    if (scenario_load(argv[1], NULL, &sc, &err) < 0) {
        char msg[600];
        err_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    printf("%s: setup %.3f s\n", sc.name, now_s() - t0);
    for (int i = 0; i < sc.n_alt; i++) {
        RunConfig rc;
        memset(&rc, 0, sizeof rc);
        rc.alt = &sc.alt[i];
        rc.wl = &sc.workload;
        rc.seed = sc.seed;
        rc.horizon = time_from_s(sc.horizon_s);
        rc.slo = time_from_s(1.0);
        double t1 = now_s(), c1 = cpu_s();
        World *w = world_create(&rc);
        sim_run(world_sim(w), rc.horizon);
        LlmRunStats st;
        world_llm_stats(w, rc.horizon, &st);
        RunResult res;
        world_finish(w, &res);
        world_destroy(w);
        double run_s = now_s() - t1, run_cpu_s = cpu_s() - c1;
        printf("%-24s %9.0f requests %8.0f completed  run %.3f s wall, "
               "%.3f s CPU  %llu iterations (%.3g /s of CPU)  %.3g "
               "requests/s of CPU  %llu events  mean batch %.1f\n",
               sc.alt[i].name, res.v[MET_arrivals], res.v[MET_completed],
               run_s, run_cpu_s, (unsigned long long)st.iterations,
               (double)st.iterations / run_cpu_s,
               res.v[MET_arrivals] / run_cpu_s,
               (unsigned long long)res.events,
               st.busy_us > 0 ? st.running_seq_us / st.busy_us : 0.0);
    }
    scenario_free(&sc);
    return 0;
}

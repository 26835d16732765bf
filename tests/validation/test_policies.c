/*
 * test_policies.c - the keep-alive policies (policy/) and many-function
 * runs (platform/serverless.c).
 *
 * Pins:
 *  - greedy-dual's priority is clock + frequency x cost / memory, the clock
 *    moves to the evicted priority, frequency resets with a function's last
 *    instance (arithmetic);
 *  - the hybrid histogram's windows for idle times all in minute 9: pre-warm
 *    9 min x 0.9 = 486 s, keep-alive 10 min x 1.1 - 486 s = 174 s, and the
 *    fixed fallback before hist_min_idle idle times;
 *  - fixed TTL = hybrid histogram when the histogram is not representative
 *    (idle times spread over the range: CV of the bin counts < 2):
 *    identical results, metric by metric, on a Poisson workload;
 *  - a function called every 600 s (service 1 s, start 2 s): fixed 600 s
 *    holds 597 + 29 x 599 = 17,968 GB-s idle over 30 periods; the hybrid
 *    policy holds the same for its first 10 idle times, then 111 s per
 *    period: 5,988 + 20 x 111 = 8,208 GB-s, with 20 pre-warm starts and the
 *    same single cold request;
 *  - many functions (an Azure-2019-format trace written here): greedy-dual
 *    and LRU without a memory limit never evict (every instance lives to the
 *    end, so starts = peak instances); with a limit, node memory never
 *    exceeds it (checked after every event), evictions happen, and every
 *    request is accounted for; the per-function rows add up to the totals;
 *  - a function's model load scales with its memory / the alternative's:
 *    hand-worked starts of 0.6, 2.1 and 1.1 s, and the greedy-dual eviction
 *    that this cost term changes.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/serverless.h"
#include "policy/policy.h"
#include "support.h"

static void *policy_state(const KeepalivePolicyType *t, KeepaliveSpec *spec,
                          int n_fn)
{
    void *st = calloc(1, t->state_size);
    Err err;
    cr_assert_eq(t->init(st, spec, n_fn, &err), 0);
    return st;
}

Test(policies, greedy_dual_priority_arithmetic)
{
    KeepaliveSpec spec;
    policy_spec_defaults(&spec);
    const KeepalivePolicyType *t = policy_find("greedy-dual");
    cr_assert_not_null(t);
    void *st = policy_state(t, &spec, 2);
    for (int i = 0; i < 5; i++)
        t->on_arrival(st, 0, 0);
    t->on_arrival(st, 1, 0);
    KaIdle idle = {time_from_s(10), time_from_s(1.0), 100};
    KaDecision d = t->on_idle(st, 0, &idle);
    cr_assert_eq(d.keepalive_us, KA_FOREVER);
    cr_assert_eq(d.prewarm_us, 0);
    cr_assert_float_eq(t->priority(st, 0, &idle), 5 * 1.0 / 100, 1e-12);
    cr_assert_float_eq(t->priority(st, 1, &idle), 1 * 1.0 / 100, 1e-12);
    t->on_evict(st, 1, 0.01, 1); /* clock 0.01; fn 1 has no instance */
    cr_assert_float_eq(t->priority(st, 0, &idle), 0.01 + 0.05, 1e-12);
    cr_assert_float_eq(t->priority(st, 1, &idle), 0.01, 1e-12);
    t->on_arrival(st, 1, 0);
    idle.memory_mb = 50;
    idle.cold_us = time_from_s(2.0);
    cr_assert_float_eq(t->priority(st, 1, &idle), 0.01 + 1 * 2.0 / 50, 1e-12);
    t->fini(st);
    free(st);
}

Test(policies, hybrid_windows_from_the_histogram)
{
    KeepaliveSpec spec;
    policy_spec_defaults(&spec);
    const KeepalivePolicyType *t = policy_find("hybrid-histogram");
    cr_assert_not_null(t);
    void *st = policy_state(t, &spec, 1);
    SimTime now = 0;
    KaIdle idle = {0, time_from_s(1), 1024};
    for (int i = 0; i < 12; i++) {
        idle.now = now;
        KaDecision d = t->on_idle(st, 0, &idle);
        if (i < 10) { /* fewer than hist_min_idle idle times: fixed */
            cr_assert_eq(d.keepalive_us, time_from_s(600), "i = %d", i);
            cr_assert_eq(d.prewarm_us, 0);
        } else {
            cr_assert_eq(d.prewarm_us, time_from_s(486), "i = %d", i);
            cr_assert_eq(d.keepalive_us, time_from_s(174));
        }
        now += time_from_s(570); /* idle 9.5 minutes: bin 9 */
        t->on_arrival(st, 0, now);
    }
    t->fini(st);
    free(st);
}

static int same_results(const RunResult *a, const RunResult *b)
{
    for (int k = 0; k < MET_COUNT; k++)
        if (memcmp(&a->v[k], &b->v[k], sizeof a->v[k]) != 0) {
            fprintf(stderr, "differs: %s %.17g vs %.17g\n", metric_info[k].name,
                    a->v[k], b->v[k]);
            return 0;
        }
    return 1;
}

Test(policies, hybrid_equals_fixed_when_unrepresentative)
{
    /* Poisson, mean gap 100 min: idle times spread over the 4-hour range.
     * The bin counts of Exp(100 min) have CV 0.66; counting noise adds
     * about 240 / n to CV^2, so after n = 200 idle times the CV stays
     * below 1.3 < 2 and the histogram is never trusted.  Then the same
     * with a threshold nothing can reach. */
    WorkloadSpec wl = support_poisson(1.0 / 6000);
    AltSpec fixed = support_alt(1.0, 2.0);
    fixed.keepalive.keepalive_s = 1800;
    fixed.keepalive.hist_min_idle = 200;
    AltSpec hyb = fixed;
    strcpy(hyb.keepalive.policy, "hybrid-histogram");
    RunResult a = support_run(&fixed, &wl, 30 * 86400.0, 5, 0);
    RunResult b = support_run(&hyb, &wl, 30 * 86400.0, 5, 0);
    fprintf(stderr,
            "fixed vs hybrid (CV < 2): %.0f arrivals, cold %.3f%%, "
            "idle %.1f GB-s\n",
            a.v[MET_arrivals], a.v[MET_cold_pct], a.v[MET_idle_gb_s]);
    cr_assert_gt(a.v[MET_arrivals], 400);
    cr_assert(same_results(&a, &b));
    hyb.keepalive.hist_cv_min = 1e300;
    wl = support_poisson(1.0 / 300);
    a = support_run(&fixed, &wl, 2 * 86400.0, 6, 0);
    b = support_run(&hyb, &wl, 2 * 86400.0, 6, 0);
    cr_assert(same_results(&a, &b));
}

Test(policies, hybrid_prewarm_saves_idle_memory_exactly)
{
    WorkloadSpec wl = support_constant(1.0 / 600, 0, 18000);
    AltSpec fixed = support_alt(1.0, 2.0);
    fixed.hw.warm.kind = DIST_CONSTANT; /* service exactly 1 s */
    fixed.hw.warm.a_s = 1.0;
    AltSpec hyb = fixed;
    strcpy(hyb.keepalive.policy, "hybrid-histogram");
    RunResult a = support_run(&fixed, &wl, 18000, 1, 0);
    RunResult b = support_run(&hyb, &wl, 18000, 1, 0);
    fprintf(stderr,
            "fixed: %.3f GB-s, %.0f starts; hybrid: %.3f GB-s, "
            "%.0f starts\n",
            a.v[MET_idle_gb_s], a.v[MET_cold_starts], b.v[MET_idle_gb_s],
            b.v[MET_cold_starts]);
    cr_assert_eq(a.v[MET_arrivals], 30);
    cr_assert_float_eq(a.v[MET_idle_gb_s], 17968.0, 1e-6);
    cr_assert_float_eq(b.v[MET_idle_gb_s], 8208.0, 1e-6);
    cr_assert_eq(a.v[MET_cold_starts], 1);
    cr_assert_eq(b.v[MET_cold_starts], 21);
    cr_assert_eq(a.cold_requests, 1);
    cr_assert_eq(b.cold_requests, 1);
}

/* ---- many functions ----------------------------------------------------- */

#define NFN 40
#define NMIN 30

/* An azure2019 workload of the three files, replayed as written. */
static void az19_workload(WorkloadSpec *wl, const char *inv, const char *dur,
                          const char *mem)
{
    memset(wl, 0, sizeof *wl);
    snprintf(wl->type, sizeof wl->type, "azure2019");
    snprintf(wl->az19.invocations, sizeof wl->az19.invocations, "%s", inv);
    snprintf(wl->az19.durations, sizeof wl->az19.durations, "%s", dur);
    snprintf(wl->az19.memory, sizeof wl->az19.memory, "%s", mem);
    wl->az19.time_scale = 1;
}

/* An Azure-2019-format trace: NFN functions in NFN / 2 apps over NMIN
 * minutes, heavy-tailed rates (function i at about 40 / (i + 1) a minute,
 * bursty: each minute on with probability 1/2), durations 50 to 500 ms,
 * app memory 128 to 1024 MB. */
static void write_trace(const char *dir, WorkloadSpec *wl)
{
    char p_inv[512], p_dur[512], p_mem[512];
    snprintf(p_inv, sizeof p_inv, "%s/inv.csv", dir);
    snprintf(p_dur, sizeof p_dur, "%s/dur.csv", dir);
    snprintf(p_mem, sizeof p_mem, "%s/mem.csv", dir);
    FILE *fi = fopen(p_inv, "w"), *fd = fopen(p_dur, "w"),
         *fm = fopen(p_mem, "w");
    cr_assert(fi && fd && fm);
    fprintf(fi, "HashOwner,HashApp,HashFunction,Trigger");
    for (int m = 1; m <= NMIN; m++)
        fprintf(fi, ",%d", m);
    fprintf(fi, "\n");
    fprintf(fd, "HashOwner,HashApp,HashFunction,Average,Count,Minimum,"
                "Maximum,percentile_Average_0,percentile_Average_1,"
                "percentile_Average_25,percentile_Average_50,"
                "percentile_Average_75,percentile_Average_99,"
                "percentile_Average_100\n");
    fprintf(fm, "HashOwner,HashApp,SampleCount,AverageAllocatedMb\n");
    uint64_t x = 12345;
    for (int i = 0; i < NFN; i++) {
        fprintf(fi, "o,app%d,f%d,http", i / 2, i);
        for (int m = 0; m < NMIN; m++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int on = (x >> 33) & 1;
            fprintf(fi, ",%d", on ? 40 / (i + 1) : 0);
        }
        fprintf(fi, "\n");
        int ms = 50 + 450 * (i % 7) / 6;
        fprintf(fd, "o,app%d,f%d,%d,10,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", i / 2, i,
                ms, ms / 2, ms * 2, ms / 2, ms / 2, ms * 3 / 4, ms, ms * 5 / 4,
                ms * 2, ms * 2);
        if (i % 2 == 0)
            fprintf(fm, "o,app%d,10,%d\n", i / 2, 256 + 256 * (i % 8) / 2);
    }
    fclose(fi);
    fclose(fd);
    fclose(fm);
    az19_workload(wl, p_inv, p_dur, p_mem);
}

static AltSpec many_alt(const char *policy, double limit_gb)
{
    AltSpec a = support_alt(0.1, 0.5);
    strcpy(a.keepalive.policy, policy);
    a.keepalive.memory_limit_gb = limit_gb;
    if (limit_gb > 0) {
        a.cluster.enabled = 1;
        a.cluster.n_kinds = 1;
        a.cluster.kind[0].count = 1;
        a.cluster.kind[0].vcpus = 1e9;
        a.cluster.kind[0].memory_gb = limit_gb;
    }
    return a;
}

/* Runs alt to the horizon, checking the nodes after every event; returns
 * the result and fills the per-function sums. */
static RunResult run_checked(const AltSpec *alt, const WorkloadSpec *wl,
                             SrvFnStats *sum)
{
    RunConfig rc = support_config(alt, wl, NMIN * 60.0 + 60, 3);
    World *w = world_create(&rc);
    char msg[256];
    uint64_t steps = 0;
    while (sim_step(world_sim(w), rc.horizon)) {
        steps++;
        cr_assert_eq(world_check(w, msg, sizeof msg), 0, "%s", msg);
    }
    cr_assert_gt(steps, 1000);
    RunResult res;
    world_finish(w, &res);
    memset(sum, 0, sizeof *sum);
    cr_assert_eq(srvpool_functions(w->srv), NFN);
    for (int i = 0; i < NFN; i++) {
        SrvFnStats st;
        srvpool_fn_stats(w->srv, i, rc.horizon, &st);
        sum->arrivals += st.arrivals;
        sum->completed += st.completed;
        sum->cold += st.cold;
        sum->starts += st.starts;
        sum->evictions += st.evictions;
        sum->idle_mb_us += st.idle_mb_us;
    }
    world_destroy(w);
    return res;
}

Test(policies, caching_policies_without_a_limit_never_evict)
{
    char dir[512];
    WorkloadSpec wl;
    write_trace(support_tmpdir("policies-nolimit", dir, sizeof dir), &wl);
    const char *pol[] = {"greedy-dual", "lru"};
    for (int k = 0; k < 2; k++) {
        AltSpec alt = many_alt(pol[k], 0);
        SrvFnStats sum;
        RunResult res = run_checked(&alt, &wl, &sum);
        fprintf(stderr,
                "%s, no limit: %.0f arrivals, cold %.3f%%, %.0f "
                "starts, peak %.0f\n",
                pol[k], res.v[MET_arrivals], res.v[MET_cold_pct],
                res.v[MET_cold_starts], res.v[MET_peak_instances]);
        cr_assert_eq(res.v[MET_evictions], 0);
        cr_assert_eq(res.v[MET_cold_starts], res.v[MET_peak_instances]);
        cr_assert_eq(res.v[MET_arrivals], res.v[MET_completed]);
        cr_assert_eq((double)sum.arrivals, res.v[MET_arrivals]);
    }
}

Test(policies, memory_limit_is_never_exceeded)
{
    char dir[512];
    WorkloadSpec wl;
    write_trace(support_tmpdir("policies-limit", dir, sizeof dir), &wl);
    const char *pol[] = {"greedy-dual", "lru", "fixed", "hybrid-histogram"};
    for (int k = 0; k < 4; k++) {
        AltSpec alt = many_alt(pol[k], 2.0);
        SrvFnStats sum;
        RunResult res = run_checked(&alt, &wl, &sum);
        fprintf(stderr,
                "%s, 2 GB: cold %.3f%%, idle %.1f GB-s, %.0f "
                "evictions, %.0f no room\n",
                pol[k], res.v[MET_cold_pct], res.v[MET_idle_gb_s],
                res.v[MET_evictions], res.v[MET_no_room]);
        cr_assert_gt(res.v[MET_evictions], 0, "the limit binds");
        cr_assert_eq(res.v[MET_arrivals],
                     res.v[MET_completed] + res.v[MET_rejected] +
                         res.v[MET_timed_out] + res.v[MET_unfinished]);
        cr_assert_eq((double)sum.arrivals, res.v[MET_arrivals]);
        cr_assert_eq((double)sum.completed, res.v[MET_completed]);
        cr_assert_eq((double)sum.cold, (double)res.cold_requests);
        cr_assert_eq((double)sum.starts, res.v[MET_cold_starts]);
        cr_assert_eq((double)sum.evictions, res.v[MET_evictions]);
        cr_assert_float_eq(sum.idle_mb_us * 1e-6 / 1024, res.v[MET_idle_gb_s],
                           1e-9);
    }
}

/* ---- cold starts scale with a function's memory ------------------------ */

/* Three functions in their own apps: A (512 MB) called at 30 s, B
 * (2048 MB) at 15 and 45 s, C (1024 MB) at 90 s; 50 ms each. */
static void write_three(const char *dir, WorkloadSpec *wl)
{
    char p_inv[512], p_dur[512], p_mem[512];
    snprintf(p_inv, sizeof p_inv, "%s/inv.csv", dir);
    snprintf(p_dur, sizeof p_dur, "%s/dur.csv", dir);
    snprintf(p_mem, sizeof p_mem, "%s/mem.csv", dir);
    support_write_file(p_inv, "HashOwner,HashApp,HashFunction,Trigger,1,2\n"
                              "o,a,fa,http,1,0\n"
                              "o,b,fb,http,2,0\n"
                              "o,c,fc,http,0,1\n");
    const char *dur_head =
        "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,"
        "percentile_Average_0,percentile_Average_1,percentile_Average_25,"
        "percentile_Average_50,percentile_Average_75,percentile_Average_99,"
        "percentile_Average_100\n";
    char dur[1024];
    snprintf(dur, sizeof dur, "%s%s%s%s", dur_head,
             "o,a,fa,50,1,50,50,50,50,50,50,50,50,50\n",
             "o,b,fb,50,2,50,50,50,50,50,50,50,50,50\n",
             "o,c,fc,50,1,50,50,50,50,50,50,50,50,50\n");
    support_write_file(p_dur, dur);
    support_write_file(p_mem, "HashOwner,HashApp,SampleCount,AverageAllocatedMb\n"
                              "o,a,1,512\no,b,1,2048\no,c,1,1024\n");
    az19_workload(wl, p_inv, p_dur, p_mem);
}

Test(policies, greedy_dual_cost_scales_with_function_memory)
{
    /* Alternative 1024 MB; start = sandbox 0.1 s + model load 1.0 s x
     * memory / 1024 MB: A 0.6 s, B 2.1 s, C 1.1 s (before the rule every
     * function took 1.1 s).  Greedy-dual priorities (clock 0, frequency x
     * start s / MB): A 1 x 0.6 / 512 = 0.00117, B 2 x 2.1 / 2048 =
     * 0.00205.  In 3 GB, C's start at 90 s (A + B hold 2,560 MB) evicts
     * the lower one: A.  (With 1.1 s for all: A 0.00215, B 0.00107, and B
     * would go.)  Mean cold wait (0.6 + 2.1 + 1.1) / 3 s. */
    char dir[512];
    WorkloadSpec wl;
    write_three(support_tmpdir("policies-memscale", dir, sizeof dir), &wl);
    AltSpec alt = many_alt("greedy-dual", 3.0);
    alt.hw.sandbox.a_s = 0.1;
    alt.hw.model_load.kind = DIST_CONSTANT;
    alt.hw.model_load.a_s = 1.0;
    RunConfig rc = support_config(&alt, &wl, 180, 3);
    World *w = world_create(&rc);
    sim_run(world_sim(w), rc.horizon);
    RunResult res;
    world_finish(w, &res);
    cr_assert_eq(srvpool_functions(w->srv), 3);
    SrvFnStats st[3];
    for (int i = 0; i < 3; i++)
        srvpool_fn_stats(w->srv, i, rc.horizon, &st[i]);
    world_destroy(w);
    cr_assert_eq(res.v[MET_completed], 4);
    cr_assert_eq(res.v[MET_evictions], 1);
    cr_assert_eq(st[0].evictions, 1, "A is evicted");
    cr_assert_eq(st[1].evictions, 0, "B stays");
    cr_assert_float_eq(res.v[MET_mean_cold_wait_ms], (600.0 + 2100 + 1100) / 3,
                       1e-6, "cold wait %.6f ms",
                       res.v[MET_mean_cold_wait_ms]);
}

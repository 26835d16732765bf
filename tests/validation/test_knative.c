/*
 * test_knative.c - Knative Serving on a node pool (platform/knative.c).
 *
 * Pins: the pod autoscaler on a load step against a hand-worked trace of
 * its algorithm (the desired pods at every tick, panic mode entered and
 * left, the pods ready as they start, the scale-down limited by the
 * stable window, the last pod kept for the scale-to-zero grace period;
 * panic mode holding its largest count through a spike, then the
 * scale-down by at most half per tick);
 * the activator buffering requests while the first pod starts (their
 * latencies and cold flags by hand); and the bill of the node pool, nodes
 * x billed seconds x hourly rate / 3600 whatever the pods do, with the
 * 60 s minimum.  Does not pin how requests spread over pods (fewest in
 * flight) beyond what these need.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "platform/knative.h"
#include "support.h"

/* 3 c7i.xlarge nodes (4 pods of 1 vCPU each), pods start in start_s,
 * target 10 at 100%, no concurrency limit, the documented windows. */
static AltSpec kn_alt(double start_s)
{
    AltSpec a = support_vm_alt("c7i.xlarge", 3, 1, 0);
    strcpy(a.platform, "knative");
    a.kind = PLATFORM_KNATIVE;
    a.vm.hw.sandbox.kind = DIST_CONSTANT;
    a.vm.hw.sandbox.a_s = start_s;
    KnativeSpec *kn = &a.kn;
    kn->target = 10;
    kn->utilization = 1.0;
    kn->container_concurrency = 0;
    kn->stable_window_s = 60;
    kn->panic_window_s = 6;
    kn->panic_threshold = 2.0;
    kn->max_scale_up_rate = 1000;
    kn->max_scale_down_rate = 2;
    kn->scale_to_zero_grace_s = 30;
    kn->initial_scale = 1;
    kn->tick_s = 2;
    kn->pod_vcpus = 1;
    kn->pod_memory_mb = 1024;
    return a;
}

/* The load step: 5 requests from 0 to 300 s, 45 more from 100 to 300 s:
 * concurrency 5, then 50, then 0 (service times from the trace). */
static WorkloadSpec step_load(void)
{
    static double t[50], d[50];
    for (int i = 0; i < 50; i++) {
        t[i] = i < 5 ? 0 : 100;
        d[i] = i < 5 ? 300 : 200;
    }
    return support_trace("knative-step", t, d, 50);
}

/* The hand-worked trace (target 10, ticks every 2 s, windows of 1 s
 * buckets; pods start in 10 s):
 *  t <= 100: both windows average 5: ceil(5/10) = 1 pod.
 *  102: panic window [96,102) = (4x5 + 2x50)/6 = 20 -> 2 pods; 2/1 >= 200%:
 *       panic.  (stable: (58x5 + 2x50)/60 = 6.5 -> 1.)
 *  104: (2x5 + 4x50)/6 = 35 -> 4.   106: 50 -> 5, held at 5.
 *  112: the pod of 102 is ready (2 ready); 5/2 >= 2 extends panic to 112.
 *  114: 4 ready, 116: 5; panic ends at the first tick after 112 + 60: 174.
 *  300: the requests end; at 300 + 2j the stable window holds 60 - 2j
 *       seconds of 50: ceil((60 - 2j) / 12) pods: 5 to 310, 4 from 312,
 *       3 from 324, 2 from 336, 1 from 348, 0 from 360 -- but the last pod
 *       stays for the 30 s grace: gone at the tick of 390. */
static int hand_desired(int t)
{
    if (t <= 100)
        return 1;
    if (t == 102)
        return 2;
    if (t == 104)
        return 4;
    if (t <= 310)
        return 5;
    if (t <= 322)
        return 4;
    if (t <= 334)
        return 3;
    if (t <= 346)
        return 2;
    if (t <= 388)
        return 1;
    return 0;
}

static const void *kn_state(const World *w)
{
    int i = world_component_of(w, &platform_knative);
    cr_assert_geq(i, 0);
    return w->comp[i].state;
}

/* Runs to the horizon, checking the component's invariants every event. */
static void run_checked(World *w, SimTime horizon)
{
    char msg[256];
    while (sim_step(w->sim, horizon))
        cr_assert_eq(world_check(w, msg, sizeof msg), 0, "%s", msg);
}

/* A checked run of alt on wl to horizon_s (rc: its configuration, which
 * the World borrows); *log, *n: its ticks, valid until it is destroyed. */
static World *run_ticks(RunConfig *rc, const AltSpec *alt,
                        const WorkloadSpec *wl, double horizon_s,
                        const KnTick **log, int *n)
{
    *rc = support_config(alt, wl, horizon_s, 1);
    World *w = world_create(rc);
    run_checked(w, rc->horizon);
    *log = knative_ticks(kn_state(w), n);
    return w;
}

Test(knative, autoscaler_on_a_load_step_follows_the_hand_worked_trace)
{
    AltSpec alt = kn_alt(10);
    WorkloadSpec wl = step_load();
    RunConfig rc;
    int n;
    const KnTick *log;
    World *w = run_ticks(&rc, &alt, &wl, 400, &log, &n);
    cr_assert_eq(n, 199); /* ticks at 2, 4, ..., 398 */
    for (int i = 0; i < n; i++) {
        int t = (int)(log[i].t / 1000000);
        cr_assert_eq(t, 2 * (i + 1));
        cr_assert_eq(log[i].desired, hand_desired(t),
                     "tick %d s: %d pods wanted, hand-worked %d (stable "
                     "%.4f, panic %.4f)",
                     t, log[i].desired, hand_desired(t), log[i].stable_avg,
                     log[i].panic_avg);
        cr_assert_eq(log[i].panic, t >= 102 && t <= 172, "tick %d s", t);
    }
    cr_assert_float_eq(log[50].panic_avg, 20.0, 1e-12); /* 102 s */
    cr_assert_float_eq(log[50].stable_avg, 6.5, 1e-12, "stable %.17g", log[50].stable_avg);
    cr_assert_float_eq(log[51].panic_avg, 35.0, 1e-12); /* 104 s */
    cr_assert_eq(log[54].ready, 1); /* 110 s */
    cr_assert_eq(log[55].ready, 2); /* 112 s */
    cr_assert_eq(log[56].ready, 4); /* 114 s */
    cr_assert_eq(log[57].ready, 5); /* 116 s */
    int ready, starting;
    cr_assert_eq(knative_pods(kn_state(w), &ready, &starting), 0);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
    cr_assert_eq(res.v[MET_completed], 50);
    /* nothing waited: (5 x 300 + 45 x 200) / 50 s */
    cr_assert_float_eq(res.v[MET_mean_ms], 210000.0, 1e-6);
    cr_assert_eq(res.v[MET_cold_starts], 4); /* the initial pod is not one */

    /* a 36 s grace: the last pod goes at the tick of 396 instead */
    alt.kn.scale_to_zero_grace_s = 36;
    w = run_ticks(&rc, &alt, &wl, 400, &log, &n);
    cr_assert_eq(log[195].desired, 1); /* 392 */
    cr_assert_eq(log[196].desired, 1); /* 394 */
    cr_assert_eq(log[197].desired, 0); /* 396 */
    world_finish(w, &res);
    world_destroy(w);
}

Test(knative, max_scale_up_rate_limits_the_step)
{
    /* rate 1.5: at most ceil(1.5 x ready) pods: at 104 s (1 ready) 2, not
     * 4; at 106 still 2; once both are ready (114 s) 3, then 5. */
    AltSpec alt = kn_alt(10);
    alt.kn.max_scale_up_rate = 1.5;
    WorkloadSpec wl = step_load();
    RunConfig rc;
    int n;
    const KnTick *log;
    World *w = run_ticks(&rc, &alt, &wl, 200, &log, &n);
    cr_assert_eq(log[50].desired, 2); /* 102 */
    cr_assert_eq(log[51].desired, 2); /* 104 */
    cr_assert_eq(log[52].desired, 2); /* 106 */
    cr_assert_eq(log[55].ready, 2);   /* 112: the pod of 102 */
    cr_assert_eq(log[55].desired, 3); /* ceil(1.5 x 2) */
    cr_assert_eq(log[60].ready, 3);   /* 122: the pod of 112 */
    cr_assert_eq(log[60].desired, 5); /* ceil(1.5 x 3) = 5 >= 5 */
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
}

Test(knative, panic_mode_keeps_its_largest_count_then_scales_down_by_half)
{
    /* 5 requests from 0 to 300 s and a spike of 45 from 100 to 104 s.
     * Panic window: 102: 20 -> 2 (panic); 104: 35 -> 4; 106: (4 x 50 +
     * 2 x 5)/6 = 35 -> 4; 108: (2 x 50 + 4 x 5)/6 = 20 -> 2, and 2/1 ready
     * >= 200% extends the panic to 108; 110: 5 -> 1.  In panic the count
     * stays at 4 until the first tick after 108 + 60, 170: then stable
     * (ceil(5/10) = 1) limited to floor(4 ready / 2) = 2; at 172, 1. */
    static double t[50], d[50];
    for (int i = 0; i < 50; i++) {
        t[i] = i < 5 ? 0 : 100;
        d[i] = i < 5 ? 300 : 4;
    }
    AltSpec alt = kn_alt(10);
    WorkloadSpec wl = support_trace("knative-spike", t, d, 50);
    RunConfig rc;
    int n;
    const KnTick *log;
    World *w = run_ticks(&rc, &alt, &wl, 200, &log, &n);
    for (int i = 49; i <= 85; i++) { /* ticks 100 .. 172 */
        int tick = 2 * (i + 1);
        int want = tick == 100 ? 1 : tick == 102 ? 2 : tick <= 168 ? 4
                   : tick == 170 ? 2 : 1;
        cr_assert_eq(log[i].desired, want, "tick %d s: %d, hand-worked %d",
                     tick, log[i].desired, want);
        cr_assert_eq(log[i].panic, tick >= 102 && tick <= 168, "tick %d s",
                     tick);
    }
    cr_assert_float_eq(log[53].panic_avg, 20.0, 1e-12, "108 s: %.17g",
                       log[53].panic_avg);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
}

typedef struct Ends {
    int n;
    double latency_s[8];
    int cold[8];
} Ends;

static void observe(void *ctx, const Request *req, SimTime now)
{
    Ends *e = ctx;
    cr_assert_lt(e->n, 8);
    e->latency_s[e->n] = time_to_s(now - req->arrival);
    e->cold[e->n] = req->cold;
    e->n++;
}

Test(knative, activator_buffers_requests_while_the_first_pod_starts)
{
    /* no pod at first; requests at 5, 5.5 and 6 s of 1 s each: the first
     * starts a pod at once (ready at 15 s); all three wait in the
     * activator and run at 15: latencies 11, 10.5 and 10 s, all cold.  A
     * fourth at 30 s finds the pod warm: 1 s. */
    static const double t[] = {5, 5.5, 6, 30};
    static const double d[] = {1, 1, 1, 1};
    AltSpec alt = kn_alt(10);
    alt.kn.initial_scale = 0;
    alt.kn.target = 100;
    WorkloadSpec wl = support_trace("knative-activator", t, d, 4);
    RunConfig rc = support_config(&alt, &wl, 40, 1);
    Ends e = {0};
    rc.observe = observe;
    rc.observe_ctx = &e;
    RunResult res;
    world_run(&rc, &res);
    cr_assert_eq(e.n, 4);
    static const double want[] = {11, 10.5, 10, 1};
    for (int i = 0; i < 4; i++) {
        cr_assert_float_eq(e.latency_s[i], want[i], 1e-9, "request %d", i);
        cr_assert_eq(e.cold[i], i < 3);
    }
    cr_assert_eq(res.v[MET_cold_starts], 1);
    cr_assert_float_eq(res.v[MET_mean_cold_wait_ms], (10 + 9.5 + 9) / 3 * 1e3,
                       1e-6);
    /* the pod idles 16-30 and 31-40 s with 1024 MB: 23 GB-s */
    cr_assert_float_eq(res.v[MET_idle_gb_s], 23.0, 1e-9);
}

Test(knative, node_pool_bill_is_nodes_times_seconds_times_rate)
{
    AltSpec alt = kn_alt(10);
    double rate = alt.vm.type.usd_per_hour / 3600.0;
    cr_assert_gt(rate, 0);
    /* 3 nodes, 3600.5 s: 3601 billed seconds each, busy or idle */
    WorkloadSpec wl = step_load();
    RunResult res = support_run(&alt, &wl, 3600.5, 1, 0);
    cr_assert_float_eq(res.v[MET_cost_usd], 3 * 3601 * rate, 1e-12);
    cr_assert_float_eq(res.v[MET_cost_vm_usd], 3 * 3601 * rate, 1e-12);
    WorkloadSpec none = support_constant(1, 5000, 5001); /* no arrival */
    res = support_run(&alt, &none, 3600.5, 1, 0);
    cr_assert_float_eq(res.v[MET_cost_usd], 3 * 3601 * rate, 1e-12);
    /* 30 s: the 60 s minimum per node */
    res = support_run(&alt, &none, 30, 1, 0);
    cr_assert_float_eq(res.v[MET_cost_usd], 3 * 60 * rate, 1e-12);
}

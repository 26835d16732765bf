/*
 * test_edges.c - the simulator's rules at their exact edges, hand-worked.
 *
 * Each test is a run small enough to work out on paper, placed on the
 * boundary where an off-by-one or a swapped rule changes the answer; the
 * comments are that working.  Pins:
 *  - keep-alive: an instance is still warm at its exact deadline (idle at
 *    1 s, keep-alive 9 s, next request at 10 s: warm), and gone 1 us before;
 *  - a request whose run equals its timeout completes (serverless, VM and a
 *    batch), one 1 us longer times out;
 *  - a request still running at the horizon is billed for the time it ran
 *    (horizon - start: 9.7 s of a request started at 0.5 s, horizon 10.2 s);
 *  - a VM is billed per second rounded up, at least 60 s (30.5 s -> 60 s,
 *    75.3 s -> 76 s);
 *  - the autoscaler rounds the desired size up (3 requests / target 2.5 ->
 *    2 VMs) and scales in at exactly the cooldown, not before, not later;
 *  - hybrid expected wait = (queued + 1) x E[S] / ready slots, and a wait
 *    equal to the threshold goes to the VM;
 *  - least-outstanding ties go to the lowest-index VM (servers 0, 1, 2, 0
 *    on three VMs), a full VM queue rejects;
 *  - scale-in cancels a booting VM (billed launch to ready, 100 s) and
 *    drains a busy one (no new work, terminated when its request ends);
 *  - a components cold start is sandbox + f x (runtime + load + size /
 *    throughput), f = ref_vcpus / vcpus, and the first request also runs
 *    f x first-extra; INIT + run is rounded up once (4,101 ms, not 4,102);
 *  - the hybrid histogram's percentiles at a bin edge and for idle times
 *    under a minute (bin 0: no pre-warm, keep-alive 66 s);
 *  - MSER-5: ties go to the smaller deletion point, d may reach m / 2, and
 *    the warm-up point is the completion of the last deleted batch;
 *  - the free tier reduces INIT in proportion, scaled to the run's months;
 *    rounding of billed milliseconds, memory steps and VM seconds.
 * Not pinned here: distributions (test_erlang, test_mginf, test_vm do that).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/scenario.h"
#include "output/sink.h"
#include "output/stats.h"
#include "support.h"

/* ---- helpers ------------------------------------------------------------ */

static AltSpec const_alt(double service_s, double start_s)
{
    AltSpec a = support_alt(service_s, start_s);
    a.hw.warm.kind = DIST_CONSTANT;
    return a;
}

static AltSpec const_vm(int count, int slots, double service_s)
{
    AltSpec a = support_vm_alt("c7i.large", count, slots, service_s);
    a.hw.warm.kind = a.vm.hw.warm.kind = DIST_CONSTANT;
    return a;
}

static double vm_usd_per_s(const AltSpec *a)
{
    return a->vm.type.usd_per_hour / 3600.0;
}

/* A request sink that keeps what the tests look at. */
enum { REC_MAX = 4096 };
typedef struct Recorder {
    int n;
    int64_t server[REC_MAX];
    int32_t outcome[REC_MAX];
    SimTime done_us[REC_MAX]; /* completed requests: when they ended */
    double latency_ms[REC_MAX];
} Recorder;

static void rec_write(void *state, const ReqRecord *r)
{
    Recorder *rec = state;
    cr_assert_lt(rec->n, REC_MAX);
    rec->server[rec->n] = r->server;
    rec->outcome[rec->n] = r->outcome;
    rec->latency_ms[rec->n] = r->latency_ms;
    rec->done_us[rec->n] =
        r->outcome == REQ_COMPLETED
            ? llround((r->arrival_s * 1e3 + r->latency_ms) * 1e3)
            : -1;
    rec->n++;
}

static const SinkType recorder_sink = {"test-recorder", NULL, rec_write, NULL};

static RunResult run_recorded(const AltSpec *alt, const WorkloadSpec *wl,
                              double horizon_s, Recorder *rec)
{
    RunConfig rc = support_config(alt, wl, horizon_s, 1);
    rc.req_sink = &recorder_sink;
    rc.req_sink_state = rec;
    rec->n = 0;
    RunResult res;
    world_run(&rc, &res);
    return res;
}

/* Runs w's engine to t (inclusive of events at t - 1 us). */
static WorldState state_at(World *w, double t_s)
{
    sim_run(world_sim(w), time_from_s(t_s));
    return world_state(w);
}

/* ---- keep-alive deadline ------------------------------------------------- */

Test(edges, keepalive_warm_at_the_exact_deadline)
{
    /* Arrivals at 0, 10, 20 s; service 1 s; instant start.  r0 is cold and
     * ends at 1 s; with keep-alive 9 s its instance expires at exactly 10 s,
     * when r1 arrives: still warm (expiry after arrivals), and r1's instance
     * again lasts to 20 s.  One start.  With 9 s - 1 us it is gone 1 us
     * before each arrival: three starts. */
    WorkloadSpec wl = support_constant(0.1, 0, 25);
    AltSpec alt = const_alt(1.0, 0.0);
    alt.keepalive.keepalive_s = 9.0;
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_eq(res.v[MET_cold_starts], 1,
                 "%.0f starts: the instance expired at its exact deadline",
                 res.v[MET_cold_starts]);
    alt.keepalive.keepalive_s = 9.0 - 1e-6;
    res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_cold_starts], 3);
}

/* ---- timeouts ------------------------------------------------------------ */

Test(edges, run_equal_to_the_timeout_completes)
{
    /* Service exactly 1 s, timeout 1 s: completed and billed 1,000 ms each
     * (3 requests, 1 GB); 1 s + 1 us: timed out (billed up to 1 s). */
    PriceEntry p = support_lambda_x86();
    WorkloadSpec wl = support_constant(0.1, 0, 25);
    AltSpec alt = const_alt(1.0, 0.0);
    alt.timeout_s = 1.0;
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3, "serverless: run = timeout");
    cr_assert_eq(res.v[MET_timed_out], 0);
    cr_assert_float_eq(res.v[MET_cost_usd],
                       3 * (p.usd_per_request + 1.0 * p.usd_per_gb_s), 1e-15);
    alt.hw.warm.a_s = 1.000001;
    res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_timed_out], 3);

    AltSpec batch = const_alt(1.0, 0.0);
    batch.timeout_s = 1.0;
    batch.max_batch = 4;
    batch.batch_wait_s = 0;
    res = support_run(&batch, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3, "batch: run = timeout");

    AltSpec vm = const_vm(1, 1, 1.0);
    vm.timeout_s = 1.0;
    res = support_run(&vm, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3, "VM: run = timeout");
    cr_assert_eq(res.v[MET_timed_out], 0);
}

/* ---- the horizon --------------------------------------------------------- */

Test(edges, unfinished_request_billed_for_the_time_it_ran)
{
    /* One request at 0; a 0.5 s sandbox start (not INIT); service 100 s;
     * horizon 10.2 s: it started at 0.5 s and ran 9.7 s = 9,700 ms at 1 GB,
     * plus its request fee. */
    PriceEntry p = support_lambda_x86();
    WorkloadSpec wl = support_constant(1, 0, 0.5);
    AltSpec alt = const_alt(100.0, 0.5);
    RunResult res = support_run(&alt, &wl, 10.2, 1, 0);
    cr_assert_eq(res.v[MET_unfinished], 1);
    double hand = p.usd_per_request + 9.7 * p.usd_per_gb_s;
    fprintf(stderr, "unfinished at the horizon: $%.10f (hand %.10f)\n",
            res.v[MET_cost_usd], hand);
    cr_assert_float_eq(res.v[MET_cost_compute_usd], 9.7 * p.usd_per_gb_s,
                       1e-15);
    cr_assert_float_eq(res.v[MET_cost_usd], hand, 1e-15);
}

/* ---- VM billing ---------------------------------------------------------- */

Test(edges, vm_billed_per_second_with_a_60_s_minimum)
{
    /* One c7i.xlarge (catalog: 60 s minimum) alive for 30.5 s bills 60 s;
     * for 75.3 s bills 76 s. */
    WorkloadSpec wl = support_constant(1, 0, 0.5);
    AltSpec alt = support_vm_alt("c7i.xlarge", 1, 1, 0.2);
    cr_assert_eq(alt.vm.type.min_billed_s, 60);
    RunResult res = support_run(&alt, &wl, 30.5, 1, 0);
    cr_assert_float_eq(res.v[MET_cost_vm_usd], 60 * vm_usd_per_s(&alt), 1e-15);
    res = support_run(&alt, &wl, 75.3, 1, 0);
    cr_assert_float_eq(res.v[MET_cost_vm_usd], 76 * vm_usd_per_s(&alt), 1e-15);
    /* A VM type of the user's own catalog without min_billed_s gets the
     * 60 s default too: $0.36/h for 30.5 s bills 60 s = $0.006. */
    char dir[1024], cat[1100], date[16] = "";
    support_tmpdir("edges-catalog", dir, sizeof dir);
    snprintf(cat, sizeof cat, "%s/prices.json", dir);
    support_write_file(
        cat, "{\"entries\": [{\"id\": \"test-vm\", \"provider\": \"test\", "
             "\"region\": \"none\", \"date\": \"2026-11\", \"source\": "
             "\"made up for this test\", \"model\": \"vm-hourly\", "
             "\"usd_per_hour\": 0.36, \"vcpus\": 2, \"memory_gb\": 4, "
             "\"hardware\": \"cpu\"}]}");
    Err err;
    cr_assert_eq(
        catalog_lookup(cat, "test-vm", &alt.vm.type, date, &err, "test"), 0,
        "%s: %s", err.where, err.msg);
    cr_assert_eq(alt.vm.type.min_billed_s, 60);
    res = support_run(&alt, &wl, 30.5, 1, 0);
    cr_assert_float_eq(res.v[MET_cost_vm_usd], 0.006, 1e-15);
    cr_assert_eq(pricing_vm_billed_s(1, 60), 60);
    cr_assert_eq(pricing_vm_billed_s(time_from_s(60.000001), 60), 61);
}

/* ---- autoscaling --------------------------------------------------------- */

static AltSpec queue_scaled(int count, double target, double cooldown_s)
{
    AltSpec alt = const_vm(count, 1, 1000.0);
    alt.vm.as.enabled = 1;
    alt.vm.as.min_vms = 1;
    alt.vm.as.max_vms = 10;
    alt.vm.as.metric = SCALE_QUEUE;
    alt.vm.as.target = target;
    alt.vm.as.period_s = 60;
    alt.vm.as.cooldown_s = cooldown_s;
    return alt;
}

Test(edges, autoscaler_rounds_the_desired_size_up)
{
    /* One VM, 1 slot; 3 requests of 1,000 s at 0, 0.1, 0.2 s; queue metric
     * with target 2.5 requests per VM.  At the 60 s tick: (1 in service + 2
     * queued) / 2.5 = 1.2 -> 2 VMs: one launches (boots 25 s) and takes r1
     * when ready at 85 s. */
    AltSpec alt = queue_scaled(1, 2.5, 300);
    WorkloadSpec wl = support_constant(10, 0, 0.25);
    RunConfig rc = support_config(&alt, &wl, 200, 1);
    World *w = world_create(&rc);
    WorldState st = state_at(w, 59);
    cr_assert_eq(st.vm_ready, 1);
    cr_assert_eq(st.vm_booting, 0);
    st = state_at(w, 61);
    cr_assert_eq(st.vm_booting, 1, "ceil(1.2) = 2 VMs wanted");
    st = state_at(w, 86);
    cr_assert_eq(st.vm_ready, 2);
    cr_assert_eq(st.queued, 1);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
}

Test(edges, autoscaler_scales_in_at_exactly_the_cooldown)
{
    /* Three idle VMs, min 1, cooldown 120 s, ticks every 60 s, no traffic:
     * the tick at 60 s is inside the cooldown (counted from time 0); the
     * one at 120 s is not: two VMs go then.  Bill: 300 s + 2 x 120 s. */
    AltSpec alt = queue_scaled(3, 1, 120);
    WorkloadSpec wl = support_constant(1, 5000, 5001);
    RunConfig rc = support_config(&alt, &wl, 300, 1);
    World *w = world_create(&rc);
    cr_assert_eq(state_at(w, 61).vm_ready, 3, "scaled in within the cooldown");
    cr_assert_eq(state_at(w, 121).vm_ready, 1,
                 "no scale-in at the end of the cooldown");
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
    cr_assert_float_eq(res.v[MET_cost_vm_usd], 540 * vm_usd_per_s(&alt), 1e-15);
}

/* ---- hybrid -------------------------------------------------------------- */

Test(edges, hybrid_expected_wait_counts_the_arriving_request)
{
    /* 1 VM x 1 slot, service 1 s, overflow when the expected VM wait
     * exceeds 1 s; requests at 0, 0.1, 0.2 s.  r0: free slot.  r1: wait
     * (0 + 1) x 1 s / 1 slot = 1 s <= 1 s: queues on the VM (0.9 s).  r2:
     * (1 + 1) x 1 = 2 s: serverless.  VM share 2/3. */
    AltSpec alt = const_vm(1, 1, 1.0);
    alt.kind = PLATFORM_HYBRID;
    strcpy(alt.platform, "hybrid");
    alt.overflow = OVERFLOW_EXPECTED_WAIT;
    alt.overflow_wait_s = 1.0;
    WorkloadSpec wl = support_constant(10, 0, 0.25);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_float_eq(res.v[MET_served_vm_pct], 200.0 / 3, 1e-9);
    cr_assert_float_eq(res.v[MET_mean_queue_wait_ms], 900.0 / 3, 1e-6);
}

/* ---- load balancing and queues ------------------------------------------- */

Test(edges, least_outstanding_ties_go_to_the_lowest_index)
{
    /* 3 VMs x 1 slot, least-outstanding; requests at 0, 0.1, 0.2 (10 s
     * each), 0.3 (0.5 s): r0 -> VM 0 (tie 0,0,0), r1 -> VM 1 (1,0,0), r2 ->
     * VM 2, r3 -> VM 0's queue (tie 1,1,1), starting at 10 s: latency
     * 10.2 s.  They end, and are recorded, in order: 10, 10.1, 10.2, 10.5 s.
     * The server ids tell the tie rule apart from its mirror image, which
     * gives the same latencies on identical VMs. */
    double t[] = {0, 0.1, 0.2, 0.3}, d[] = {10, 10, 10, 0.5};
    WorkloadSpec wl = support_trace("edges-lo", t, d, 4);
    AltSpec alt = const_vm(3, 1, 1.0);
    alt.vm.lb = LB_LEAST_OUTSTANDING;
    Recorder *rec = calloc(1, sizeof *rec);
    RunResult res = run_recorded(&alt, &wl, 100, rec);
    cr_assert_eq(res.v[MET_completed], 4);
    cr_assert_eq(rec->n, 4);
    int64_t want[4] = {0, 1, 2, 0};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(rec->server[i], want[i], "request %d on VM %lld", i,
                     (long long)rec->server[i]);
    cr_assert_float_eq(rec->latency_ms[3], 10200.0, 1e-6);
    free(rec);
}

Test(edges, full_vm_queue_rejects)
{
    /* 1 VM x 1 slot, max_queue 2, 1 s service, requests at 0 .. 0.4 s: r0
     * runs, r1 and r2 wait, r3 and r4 are rejected; r2 ends at 3 s. */
    AltSpec alt = const_vm(1, 1, 1.0);
    alt.vm.max_queue = 2;
    WorkloadSpec wl = support_constant(10, 0, 0.45);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_eq(res.v[MET_rejected], 2);
    cr_assert_float_eq(res.v[MET_max_ms], 2800.0, 1e-6);
}

/* ---- scale-in ------------------------------------------------------------ */

Test(edges, scale_in_cancels_a_booting_vm)
{
    /* 1 VM, queue metric target 1, cooldown 0, boot 100 s; requests at 0
     * and 0.1 s of 65 s.  60 s: 1 + 1 queued -> 2 VMs: VM 1 launches
     * (ready at 160 s).  65 s: r1 starts on VM 0.  120 s: 1 in service -> 1
     * VM: the booting VM 1 is cancelled and terminates when its boot ends
     * (billed 100 s); VM 0 is billed to the 200 s horizon.  r1 waited
     * 64.9 s. */
    AltSpec alt = queue_scaled(1, 1, 0);
    alt.vm.boot_s = 100;
    alt.vm.hw.warm.a_s = 65;
    WorkloadSpec wl = support_constant(10, 0, 0.15);
    RunConfig rc = support_config(&alt, &wl, 200, 1);
    World *w = world_create(&rc);
    WorldState st = state_at(w, 61);
    cr_assert_eq(st.vm_booting, 1);
    st = state_at(w, 150);
    cr_assert_eq(st.vm_booting, 1, "the cancelled VM is still booting");
    st = state_at(w, 161);
    cr_assert_eq(st.vm_booting, 0);
    cr_assert_eq(st.vm_ready, 1, "a cancelled VM came up");
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_float_eq(res.v[MET_max_ms], 129900.0, 1e-6);
    cr_assert_float_eq(res.v[MET_cost_vm_usd], 300 * vm_usd_per_s(&alt), 1e-15);
}

Test(edges, scale_in_drains_a_busy_vm)
{
    /* 2 VMs, queue metric target 2, cooldown 0; requests at 0 and 0.1 s of
     * 100 s, and one at 70 s of 100 s.  r0 takes VM 1 (the most recently
     * freed), r1 VM 0.  60 s: 2 in service / 2 = 1 VM: VM 1 (newest) drains.
     * 70 s: r2 waits.  100 s: VM 1 ends r0 and terminates without taking
     * r2 (billed 100 s); 100.1 s: VM 0 takes r2 (waited 30.1 s, ends
     * 200.1 s).  Bill: 300 s + 100 s. */
    double t[] = {0, 0.1, 70}, d[] = {100, 100, 100};
    WorkloadSpec wl = support_trace("edges-drain", t, d, 3);
    AltSpec alt = queue_scaled(2, 2, 0);
    RunResult res = support_run(&alt, &wl, 300, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_float_eq(res.v[MET_max_ms], 130100.0, 1e-6);
    cr_assert_float_eq(res.v[MET_mean_ms], (100000 + 100000 + 130100) / 3.0,
                       1e-6);
    cr_assert_float_eq(res.v[MET_cost_vm_usd], 400 * vm_usd_per_s(&alt), 1e-15);
}

/* ---- cold-start components ----------------------------------------------- */

Test(edges, cold_start_components_and_init_billing)
{
    /* vcpus 0.5 on a profile measured with 1: f = 2.  Sandbox 0.1 s (not
     * scaled); runtime 0.20015 s, model load 0.3 s + 50 MB / 100 MB/s =
     * 0.8 s, both x 2: INIT 2.0003 s; start 2.1003 s.  The request runs
     * 1 s x 2 + first extra 0.05015 s x 2 = 2.1003 s: latency 4.2006 s.
     * Billed ceil(2,100.3 + 2,000.3) = 4,101 ms, of which INIT 4,101 -
     * ceil(2,100.3) = 2,000 ms. */
    PriceEntry p = support_lambda_x86();
    AltSpec alt = const_alt(1.0, 0.1);
    alt.vcpus = 0.5;
    alt.hw.runtime.kind = DIST_CONSTANT;
    alt.hw.runtime.a_s = 0.20015;
    alt.hw.model_load.kind = DIST_CONSTANT;
    alt.hw.model_load.a_s = 0.3;
    alt.hw.load_mb_per_s = 100;
    alt.model_size_mb = 50;
    alt.hw.first_extra.kind = DIST_CONSTANT;
    alt.hw.first_extra.a_s = 0.05015;
    WorkloadSpec wl = support_constant(1, 0, 0.5);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 1);
    cr_assert_float_eq(res.v[MET_max_ms], 4200.6, 1e-6, "latency %.4f ms",
                       res.v[MET_max_ms]);
    cr_assert_float_eq(res.v[MET_mean_cold_wait_ms], 2100.3, 1e-6);
    cr_assert_float_eq(res.v[MET_cost_compute_usd], 4.101 * p.usd_per_gb_s,
                       1e-15);
    cr_assert_float_eq(res.v[MET_cost_init_usd], 2.000 * p.usd_per_gb_s, 1e-15);
}

/* ---- the hybrid histogram ------------------------------------------------ */

/* Feeds fn 0 of a hybrid-histogram policy the idle times it_s[0..n-1]
 * (each: an instance goes idle, the next arrival comes it_s later) and
 * returns the decision for the next instance that goes idle. */
static KaDecision hist_after(const double *it_s, int n)
{
    const KeepalivePolicyType *pt = &policy_keepalive_hybrid;
    KeepaliveSpec spec;
    policy_spec_defaults(&spec);
    void *state = calloc(1, pt->state_size);
    Err err;
    cr_assert_eq(pt->init(state, &spec, 1, &err), 0);
    SimTime now = 0;
    for (int i = 0; i < n; i++) {
        KaIdle idle = {now, 0, 1024};
        (void)pt->on_idle(state, 0, &idle);
        now += time_from_s(it_s[i]);
        pt->on_arrival(state, 0, now);
        now += time_from_s(1);
    }
    KaIdle idle = {now, 0, 1024};
    KaDecision d = pt->on_idle(state, 0, &idle);
    pt->fini(state);
    free(state);
    return d;
}

Test(edges, histogram_percentile_on_a_bin_edge)
{
    /* 20 idle times: one of 150 s (bin 2), 19 of 550 s (bin 9).  The 5th
     * percentile needs 0.05 x 20 = 1 idle time: bin 2 already holds it, so
     * head = bin 2 (lower edge 120 s); the 99th needs 19.8: bin 9 (upper
     * edge 600 s).  Pre-warm 120 x 0.9 = 108 s, keep-alive 600 x 1.1 - 108
     * = 552 s (to the microsecond, the products being inexact). */
    double it[20];
    it[0] = 150;
    for (int i = 1; i < 20; i++)
        it[i] = 550;
    KaDecision d = hist_after(it, 20);
    fprintf(stderr, "histogram: pre-warm %.6f s, keep-alive %.6f s\n",
            time_to_s(d.prewarm_us), time_to_s(d.keepalive_us));
    cr_assert(llabs(d.prewarm_us - 108000000) <= 1, "pre-warm %lld us",
              (long long)d.prewarm_us);
    cr_assert(llabs(d.keepalive_us - 552000000) <= 1, "keep-alive %lld us",
              (long long)d.keepalive_us);
}

Test(edges, histogram_idle_times_under_a_minute)
{
    /* 12 idle times of 29.5 s, all in bin 0: head = bin 0, so no pre-warm;
     * keep-alive to the upper edge of bin 0 with the margin, 66 s. */
    double it[12];
    for (int i = 0; i < 12; i++)
        it[i] = 29.5;
    KaDecision d = hist_after(it, 12);
    cr_assert_eq(d.prewarm_us, 0);
    cr_assert(llabs(d.keepalive_us - 66000000) <= 1, "keep-alive %lld us",
              (long long)d.keepalive_us);
}

Test(edges, histogram_keeps_an_instance_with_no_prewarm_window)
{
    /* A request every 30 s (service 1 s, start 2 s) under the hybrid
     * histogram: idle times 27 s, then 29 s, all under a minute.  The
     * fixed fallback (600 s) covers the first 10, then the histogram says
     * "no pre-warm, keep 66 s": the one instance serves all 40 requests,
     * one cold start in all. */
    AltSpec alt = const_alt(1.0, 2.0);
    strcpy(alt.keepalive.policy, "hybrid-histogram");
    WorkloadSpec wl = support_constant(1.0 / 30, 0, 1199);
    RunResult res = support_run(&alt, &wl, 1230, 1, 0);
    cr_assert_eq(res.v[MET_completed], 40);
    cr_assert_eq(res.v[MET_cold_starts], 1, "%.0f instance starts",
                 res.v[MET_cold_starts]);
    cr_assert_float_eq(res.v[MET_cold_pct], 100.0 / 40, 1e-12);
}

/* ---- MSER-5 -------------------------------------------------------------- */

Test(edges, mser_ties_and_the_half_limit)
{
    /* A constant series: every d has zero variance -- the tie goes to d = 0.
     * 5 batches at 100 then 1 2 1 2 1: the best cut is d = 5 = m / 2
     * (allowed; d = 4 leaves a 100 in). */
    double flat[10] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    cr_assert_eq(stats_mser(flat, 10), 0);
    double step[10] = {100, 100, 100, 100, 100, 1, 2, 1, 2, 1};
    cr_assert_eq(stats_mser(step, 10), 5);
}

Test(edges, mser5_warmup_is_the_end_of_the_last_deleted_batch)
{
    /* Oracle: a VM queue overloaded for 300 s (3/s on one 0.5 s slot) then
     * light (0.5/s); the completions of a plain run, recorded, give the
     * batch means of 5; MSER on them picks d; the warm-up point must be
     * the completion time of request 5 d (the last of batch d). */
    AltSpec alt = const_vm(1, 1, 0.5);
    WorkloadSpec wl = support_steps(3, 300, 0.5);
    Recorder *rec = calloc(1, sizeof *rec);
    (void)run_recorded(&alt, &wl, 3000, rec);
    static double z[REC_MAX / 5];
    SimTime end[REC_MAX / 5];
    int m = 0, k = 0;
    double sum = 0;
    for (int i = 0; i < rec->n; i++) {
        if (rec->outcome[i] != REQ_COMPLETED)
            continue;
        sum += rec->latency_ms[i];
        if (++k == 5) {
            z[m] = sum / 5;
            end[m++] = rec->done_us[i];
            sum = 0;
            k = 0;
        }
    }
    int d = stats_mser(z, m);
    cr_assert_gt(d, 0, "no transient found (m = %d)", m);
    RunConfig rc = support_config(&alt, &wl, 3000, 1);
    SimTime t = world_mser5_warmup(&rc);
    fprintf(stderr, "MSER-5: %d batches, d = %d, warm-up %.6f s\n", m, d,
            time_to_s(t));
    cr_assert_eq(t, end[d - 1], "warm-up %lld us, batch %d ended %lld us",
                 (long long)t, d, (long long)end[d - 1]);
    free(rec);
}

/* ---- price arithmetic ---------------------------------------------------- */

Test(edges, free_tier_reduces_init_in_proportion)
{
    /* INIT is its share of the duration bill, after the free tier and the
     * volume tiers.  Two months; 3M requests, 1.2M GB-s of duration of
     * which 300k GB-s INIT; free tier 1M requests and 400k GB-s a month.
     * Billed: 1M requests ($0.20), 1.2M - 800k = 400k GB-s; INIT keeps the
     * same share of what is billed: 300k x 400k / 1.2M = 100k GB-s. */
    PriceEntry p = support_lambda_x86();
    p.free_tier = 1;
    p.free_requests = 1e6;
    p.free_gb_s = 400000;
    CostAcc acc;
    memset(&acc, 0, sizeof acc);
    acc.requests = 3000000;
    acc.od_mb_ms = (int64_t)1200000 * 1024 * 1000;
    acc.od_init_mb_ms = (int64_t)300000 * 1024 * 1000;
    CostBreakdown b;
    pricing_breakdown(&acc, &p, 2.0, NULL, &b);
    cr_assert_float_eq(b.requests_usd, 1e6 * p.usd_per_request, 1e-12);
    cr_assert_float_eq(b.compute_usd, 400000 * p.usd_per_gb_s, 1e-9);
    cr_assert_float_eq(b.init_usd, 100000 * p.usd_per_gb_s, 1e-9);

    /* Volume tiers, no free tier: one month of 8e9 GB-s (2e9 INIT), 10%
     * off past 6e9 GB-s: compute 6e9 r + 2e9 x 0.9 r = 7.8e9 r; INIT is a
     * quarter of it, 1.95e9 r (not the list price 2e9 r). */
    p.free_tier = 0;
    p.n_tiers = 2;
    p.tier_from_gb_s[0] = 0;
    p.tier_discount[0] = 0;
    p.tier_from_gb_s[1] = 6e9;
    p.tier_discount[1] = 0.1;
    acc.requests = 0;
    acc.od_mb_ms = (int64_t)8000000000 * 1024 * 1000;
    acc.od_init_mb_ms = (int64_t)2000000000 * 1024 * 1000;
    pricing_breakdown(&acc, &p, 1.0, NULL, &b);
    double r = p.usd_per_gb_s;
    cr_assert_float_eq(b.compute_usd, 7.8e9 * r, 1e-9 * 7.8e9 * r);
    cr_assert_float_eq(b.init_usd, 1.95e9 * r, 1e-9 * 1.95e9 * r);
}

Test(edges, rounding_of_milliseconds_memory_and_vm_seconds)
{
    /* 1.0004 ms bills 2 ms (up, not to the nearest); 1,000 MB in 128 MB
     * steps bills 1,024 MB; 75.3 s of VM bills 76 s. */
    PriceEntry p = support_lambda_x86();
    cr_assert_eq(pricing_billed_ms(1000, 1), 1);
    cr_assert_eq(pricing_billed_ms(1001, 1), 2);
    cr_assert_eq(pricing_billed_ms(1400, 1), 2);
    cr_assert_eq(pricing_billed_ms(100400, 100), 200);
    p.memory_step_mb = 128;
    cr_assert_eq(pricing_billed_mb(&p, 1000), 1024);
    cr_assert_eq(pricing_billed_mb(&p, 1024), 1024);
    cr_assert_eq(pricing_vm_billed_s(time_from_s(75.3), 60), 76);
}

Test(edges, vm_load_of_a_cold_total_profile_is_slowed_like_the_warm_time)
{
    /* A total-time profile (cold request 10 s) on a c7i.large slot of 2
     * vCPUs, measured on 4: CPU factor 2, so a launched VM loads for 20 s.
     * 1 VM, queue target 1, boot 100 s; requests at 0 and 0.1 s.  At 60 s
     * 2 requests on 1 VM -> a second VM launches, ready at 60 + 100 + 20 =
     * 180 s (170 s if the load were not slowed). */
    AltSpec alt = queue_scaled(1, 1, 0);
    alt.vm.boot_s = 100;
    alt.vm.hw.ref_vcpus = 4;
    alt.vm.hw.cold_mode = COLD_TOTAL;
    alt.vm.hw.cold_total.kind = DIST_CONSTANT;
    alt.vm.hw.cold_total.a_s = 10;
    WorkloadSpec wl = support_constant(10, 0, 0.15);
    RunConfig rc = support_config(&alt, &wl, 300, 1);
    World *w = world_create(&rc);
    WorldState st = state_at(w, 61);
    cr_assert_eq(st.vm_booting, 1);
    st = state_at(w, 179.9);
    cr_assert_eq(st.vm_booting, 1, "the load was not slowed by the CPU factor");
    st = state_at(w, 180.1);
    cr_assert_eq(st.vm_booting, 0);
    cr_assert_eq(st.vm_ready, 2);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
}

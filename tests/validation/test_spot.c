/*
 * test_spot.c - spot VM interruptions: notice, drain, retry, replacement,
 * billing.
 *
 * Pins:
 *  - a fixed fleet of N spot VMs whose replacements start at each notice
 *    always has N VMs exposed to notices, so the interruptions before the
 *    horizon H are Poisson with mean N x rate x (H - notice): 4 VMs at
 *    3/h for 4 x 50 h give 2,398.4, inside its 95% Poisson interval;
 *  - a hand-worked schedule (forced notice at 100 s, 120 s notice, 300 s
 *    constant service, boot 25 s): the request in service on the reclaimed
 *    VM is retried at 220 s on the replacement and completes with latency
 *    exactly 510 s; the request that arrives during the notice goes to the
 *    replacement, not to the draining VM (latency 300 s); the bill is the
 *    replacement's 900 s (the reclaimed VM, interrupted in its first hour,
 *    is free) x $0.0893/h x 0.3;
 *  - a VM reclaimed while booting (notice 10 s, boot 25 s) never serves; a
 *    request lost to an interruption waits in the fleet queue for the next
 *    VM to boot (latency exactly 326 s);
 *  - a VM reclaimed after its first hour is billed per second: 4,120 s;
 *  - with rate 0 and no forced notice a spot fleet is its on-demand fleet
 *    at the spot price (every metric equal); with a rate > 0 the arrivals
 *    are unchanged (the notices have their own stream);
 *  - arrivals = completed + rejected + timed_out + unfinished under
 *    frequent interruptions, for every balancer, with queue limits,
 *    timeouts, batching, autoscaling and a hybrid's serverless overflow;
 *  - a stale DONE (the service an interruption lost) never ends the
 *    request's next service, wherever it runs: in a hybrid under frequent
 *    interruptions every completed request ends exactly its 100 s service
 *    after its last start, and a hand-worked retry to the overflow ends at
 *    102 s, not at the lost service's 100 s;
 *  - the scenario keys: defaults (7.1e-5 per hour, 120 s), and a one-line
 *    error for a "spot" block on a fleet not priced spot.
 * Does not pin: latencies under interruptions beyond conservation and the
 * hand-worked cases.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/scenario.h"
#include "support.h"

static const double C7I_LARGE_USD_PER_S = 0.0893 / 3600;

static AltSpec spot_alt(int count, int slots, double mean_s, double per_hour)
{
    AltSpec alt = support_vm_alt("c7i.large", count, slots, mean_s);
    alt.vm.price_multiplier = 0.3;
    alt.vm.spot.enabled = 1;
    alt.vm.spot.per_hour = per_hour;
    alt.vm.spot.notice_s = 120;
    return alt;
}

static void constant_service(AltSpec *alt, double s)
{
    alt->vm.hw.warm.kind = DIST_CONSTANT;
    alt->vm.hw.warm.a_s = s;
}

static void check_conservation(const RunResult *res, const char *label)
{
    const double *v = res->v;
    fprintf(stderr,
            "%s: %.0f arrivals = %.0f completed + %.0f rejected + %.0f "
            "timed out + %.0f unfinished; %.0f interruptions, %.0f "
            "retried\n",
            label, v[MET_arrivals], v[MET_completed], v[MET_rejected],
            v[MET_timed_out], v[MET_unfinished], v[MET_spot_interruptions],
            v[MET_spot_retried]);
    cr_assert_eq(v[MET_arrivals], v[MET_completed] + v[MET_rejected] +
                                      v[MET_timed_out] + v[MET_unfinished],
                 "%s: conservation", label);
}

Test(spot, interruptions_are_poisson_with_rate_times_vm_hours)
{
    enum { N = 4, R = 4 };
    const double rate = 3, hours = 50;
    AltSpec alt = spot_alt(N, 1, 1.0, rate);
    WorkloadSpec wl = support_poisson(0.5);
    double total = 0;
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(&alt, &wl, hours * 3600, 31, (uint32_t)r);
        check_conservation(&res, "4 spot VMs at 3/h, 50 h");
        total += res.v[MET_spot_interruptions];
    }
    /* notices before H - 120 s become interruptions before H */
    double mean = R * N * rate * (hours - 120.0 / 3600);
    double half = 1.96 * sqrt(mean);
    fprintf(stderr,
            "interruptions in %d x %g h of %d VMs at %g/h: %.0f, Poisson "
            "mean %.1f, 95%% interval [%.1f, %.1f]\n",
            R, hours, N, rate, total, mean, mean - half, mean + half);
    cr_assert(fabs(total - mean) <= half, "%.0f interruptions, expected "
                                          "%.1f +- %.1f",
              total, mean, half);
}

Test(spot, hand_worked_retry_of_the_request_in_service)
{
    /* 1 VM A of 2 slots, ready at 0; 300 s per request; requests at 10 s
     * and 138 s.  Forced notice at 100 s: A drains, B launches (ready at
     * 125 s).  r1 (138 s) goes to B although A has a free slot: 138-438 s.
     * A is reclaimed at 220 s while r0 (10-310 s) runs: r0 is retried on
     * B's free slot, 220-520 s, latency 510 s. */
    AltSpec alt = spot_alt(1, 2, 300, 0);
    constant_service(&alt, 300);
    alt.vm.hw.ref_vcpus = 1; /* 2 slots on 2 vCPUs: no slowdown */
    alt.vm.spot.n_notice_at = 1;
    alt.vm.spot.notice_at_s[0] = 100;
    WorkloadSpec wl = support_constant(1.0 / 128, 10, 200);
    RunResult res = support_run(&alt, &wl, 1000, 1, 0);
    const double *v = res.v;
    check_conservation(&res, "hand-worked");
    cr_assert_eq(v[MET_arrivals], 2);
    cr_assert_eq(v[MET_completed], 2);
    cr_assert_eq(v[MET_spot_interruptions], 1);
    cr_assert_eq(v[MET_spot_retried], 1, "r1 went to the draining VM");
    cr_assert_float_eq(v[MET_max_ms], 510000.0, 1e-9);
    cr_assert_float_eq(v[MET_mean_ms], (510000.0 + 300000.0) / 2, 1e-9);
    /* r0 waited 220 - 10 s before its second start */
    cr_assert_float_eq(v[MET_mean_queue_wait_ms], 210000.0 / 2, 1e-9);
    cr_assert_float_eq(v[MET_served_vm_pct], 100.0, 1e-12);
    /* A lived 0-220 s, B 100-1000 s */
    cr_assert_float_eq(v[MET_vms_mean], (220.0 + 900.0) / 1000, 1e-12);
    double hand = 900 * C7I_LARGE_USD_PER_S * 0.3;
    fprintf(stderr, "hand-worked cost: $%.9f (hand: B 900 s, A free in its "
                    "first hour: $%.9f)\n",
            v[MET_cost_usd], hand);
    cr_assert_float_eq(v[MET_cost_usd], hand, 1e-15);
}

Test(spot, reclaimed_while_booting_and_lost_request_waits_for_next_vm)
{
    /* notice 10 s.  0.5 s: A noticed, B launched (ready 25.5 s); 1.0 s: the
     * oldest VM not noticed, B (booting), noticed, C launched (ready
     * 26 s).  A is reclaimed at 10.5 s with r0 (0-300 s): no VM is ready,
     * r0 waits in the fleet queue; B is reclaimed at 11 s before it is
     * ready; C takes r0 at 26 s: latency 326 s.  Bill: A and B free, C
     * 1-1000 s: 999 s. */
    AltSpec alt = spot_alt(1, 1, 300, 0);
    constant_service(&alt, 300);
    alt.vm.spot.notice_s = 10;
    alt.vm.spot.n_notice_at = 2;
    alt.vm.spot.notice_at_s[0] = 0.5;
    alt.vm.spot.notice_at_s[1] = 1.0;
    WorkloadSpec wl = support_constant(1.0 / 1024, 0, 1);
    RunConfig rc = support_config(&alt, &wl, 1000, 1);
    World *w = world_create(&rc);
    sim_run(world_sim(w), time_from_s(20));
    WorldState st = world_state(w);
    fprintf(stderr, "at 20 s: %d VMs booting, %d ready, %d queued\n",
            st.vm_booting, st.vm_ready, st.queued);
    cr_assert_eq(st.vm_booting, 1, "only C boots at 20 s");
    cr_assert_eq(st.vm_ready, 0);
    cr_assert_eq(st.queued, 1, "r0 waits for a VM");
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
    check_conservation(&res, "reclaimed while booting");
    cr_assert_eq(res.v[MET_completed], 1);
    cr_assert_eq(res.v[MET_spot_interruptions], 2);
    cr_assert_eq(res.v[MET_spot_retried], 1);
    cr_assert_float_eq(res.v[MET_max_ms], 326000.0, 1e-9);
    cr_assert_float_eq(res.v[MET_cost_usd], 999 * C7I_LARGE_USD_PER_S * 0.3,
                       1e-15);
}

Test(spot, reclaimed_after_its_first_hour_is_billed_per_second)
{
    /* notice at 4000 s, reclaimed at 4120 s: billed 4120 s; its
     * replacement 4000-5000 s: 1000 s. */
    AltSpec alt = spot_alt(1, 1, 1.0, 0);
    alt.vm.spot.n_notice_at = 1;
    alt.vm.spot.notice_at_s[0] = 4000;
    WorkloadSpec wl = support_poisson(0.2);
    RunResult res = support_run(&alt, &wl, 5000, 3, 0);
    check_conservation(&res, "reclaimed after an hour");
    cr_assert_eq(res.v[MET_spot_interruptions], 1);
    double hand = (4120 + 1000) * C7I_LARGE_USD_PER_S * 0.3;
    fprintf(stderr, "cost $%.9f, hand (4120 s + 1000 s) $%.9f\n",
            res.v[MET_cost_usd], hand);
    cr_assert_float_eq(res.v[MET_cost_usd], hand, 1e-15);
}

Test(spot, common_random_numbers_with_the_on_demand_fleet)
{
    AltSpec od = support_vm_alt("c7i.large", 3, 1, 1.0);
    od.vm.price_multiplier = 0.3;
    AltSpec sp = spot_alt(3, 1, 1.0, 0);
    WorkloadSpec wl = support_poisson(2);
    RunResult a = support_run(&od, &wl, 20000, 9, 2);
    RunResult b = support_run(&sp, &wl, 20000, 9, 2);
    for (int m = 0; m < MET_COUNT; m++) /* empty (NaN) in both is equal */
        cr_assert(a.v[m] == b.v[m] || (isnan(a.v[m]) && isnan(b.v[m])),
                  "%s: on-demand %.17g, spot at rate 0 %.17g",
                  metric_info[m].name, a.v[m], b.v[m]);
    sp.vm.spot.per_hour = 2;
    RunResult c = support_run(&sp, &wl, 20000, 9, 2);
    fprintf(stderr, "rate 2/h: %.0f interruptions, %.0f arrivals (on-demand "
                    "%.0f)\n",
            c.v[MET_spot_interruptions], c.v[MET_arrivals], a.v[MET_arrivals]);
    cr_assert_gt(c.v[MET_spot_interruptions], 0);
    cr_assert_eq(c.v[MET_arrivals], a.v[MET_arrivals]);
}

Test(spot, conservation_under_frequent_interruptions)
{
    WorkloadSpec wl = support_poisson(6);
    /* a notice of 0.5 s: requests are still in service when it ends */
    for (int lb = LB_SHARED_QUEUE; lb <= LB_LEAST_OUTSTANDING; lb++) {
        AltSpec alt = spot_alt(4, 2, 1.0, 20);
        alt.vm.hw.ref_vcpus = 1;
        alt.vm.spot.notice_s = 0.5;
        alt.vm.lb = (LbKind)lb;
        alt.vm.max_queue = 6;
        alt.timeout_s = 3;
        RunResult res = support_run(&alt, &wl, 4 * 3600, 17, 0);
        check_conservation(&res, lb == LB_SHARED_QUEUE  ? "shared queue"
                                 : lb == LB_ROUND_ROBIN ? "round-robin"
                                                        : "least-outstanding");
        cr_assert_gt(res.v[MET_spot_retried], 0);
        cr_assert_gt(res.v[MET_rejected], 0, "the queue limit never hit");
    }
    /* batching VMs (1 slot, up to 4 per batch) */
    AltSpec bat = spot_alt(3, 1, 1.0, 20);
    bat.vm.spot.notice_s = 0.5;
    bat.vm.max_batch = 4;
    bat.vm.batch_wait_s = 0.05;
    bat.vm.hw.warm_affine = 1;
    bat.vm.hw.warm_a_s = 0.3;
    bat.vm.hw.warm_c_s = 0.1;
    bat.vm.hw.warm_sigma = 0.2;
    RunResult res = support_run(&bat, &wl, 4 * 3600, 17, 0);
    check_conservation(&res, "batching");
    cr_assert_gt(res.v[MET_spot_retried], 0);
    /* autoscaled */
    AltSpec as = spot_alt(2, 1, 1.0, 20);
    as.vm.spot.notice_s = 0.5;
    as.vm.as.enabled = 1;
    as.vm.as.min_vms = 2;
    as.vm.as.max_vms = 20;
    as.vm.as.metric = SCALE_UTILIZATION;
    as.vm.as.target = 0.6;
    as.vm.as.period_s = 60;
    as.vm.as.cooldown_s = 120;
    res = support_run(&as, &wl, 4 * 3600, 17, 0);
    check_conservation(&res, "autoscaled");
    cr_assert_gt(res.v[MET_spot_retried], 0);
    /* hybrid: lost requests go serverless when no VM slot is free */
    AltSpec hy = spot_alt(4, 1, 1.0, 20);
    hy.kind = PLATFORM_HYBRID;
    strcpy(hy.platform, "hybrid");
    hy.vm.spot.notice_s = 0.5;
    hy.overflow = OVERFLOW_FREE_SLOT;
    res = support_run(&hy, &wl, 4 * 3600, 17, 0);
    check_conservation(&res, "hybrid");
    cr_assert_gt(res.v[MET_spot_retried], 0);
    cr_assert_lt(res.v[MET_served_vm_pct], 100.0);
}

/* What the requests of the stale-DONE tests saw: each completed one must
 * end exactly its run time after its (last) start. */
typedef struct Ends {
    int completed, early;
    double worst_s; /* the largest |end - (start + run)| */
} Ends;

static void observe_end(void *ctx, const Request *req, SimTime now)
{
    Ends *e = ctx;
    if (req->outcome != REQ_COMPLETED)
        return;
    e->completed++;
    SimTime off = now - (req->start + req->run_us);
    if (off != 0) {
        e->early++;
        double s = fabs(time_to_s(off));
        e->worst_s = s > e->worst_s ? s : e->worst_s;
    }
}

/* A hybrid of `count` spot VMs of 1 slot (notice 1 s) and serverless
 * overflow, 100 s constant service on both. */
static AltSpec hybrid_100s(int count, double per_hour)
{
    AltSpec hy = spot_alt(count, 1, 100, per_hour);
    constant_service(&hy, 100);
    hy.hw.warm.kind = DIST_CONSTANT;
    hy.hw.warm.a_s = 100;
    hy.kind = PLATFORM_HYBRID;
    strcpy(hy.platform, "hybrid");
    hy.vm.spot.notice_s = 1;
    hy.overflow = OVERFLOW_FREE_SLOT;
    return hy;
}

/* One run of alt, each request's end seen by observe_end into *e. */
static RunResult run_ends(const AltSpec *alt, const WorkloadSpec *wl,
                          double horizon_s, uint64_t seed, uint32_t rep,
                          Ends *e)
{
    RunConfig rc = support_config(alt, wl, horizon_s, seed);
    rc.rep = rep;
    rc.observe = observe_end;
    rc.observe_ctx = e;
    RunResult res;
    world_run(&rc, &res);
    return res;
}

Test(spot, a_stale_done_never_ends_a_request_served_elsewhere)
{
    /* A hybrid: 5 spot VMs of 1 slot (20 notices per VM-hour, 1 s notice)
     * and serverless overflow, 100 s constant service on both, Poisson
     * 0.1/s for 20,000 s.  An interrupted VM request leaves its DONE in the
     * queue, stale, until its old end; meanwhile the request (or, once it
     * ended, the next request in its pooled memory) is served by the
     * overflow.  Every DONE epoch comes from the world's one counter, so
     * the stale DONE cannot match the new service's: every completed
     * request ends exactly 100 s after its last start.  (With a counter per
     * component, 12 replications had 3 requests ended early, by up to
     * 82 s.) */
    AltSpec hy = hybrid_100s(5, 20);
    WorkloadSpec wl = support_poisson(0.1);
    Ends e = {0, 0, 0};
    double retried = 0;
    for (int r = 0; r < 12; r++) {
        RunResult res = run_ends(&hy, &wl, 20000, 2, (uint32_t)r, &e);
        check_conservation(&res, "hybrid, 100 s services");
        retried += res.v[MET_spot_retried];
    }
    fprintf(stderr,
            "stale DONEs: %d completed requests in 12 replications, %.0f "
            "retried after an interruption, %d not ended 100 s after their "
            "start (worst by %.3f s)\n",
            e.completed, retried, e.early, e.worst_s);
    cr_assert_gt(retried, 100, "too few interruptions to test");
    cr_assert_eq(e.early, 0);
}

Test(spot, hand_worked_retry_to_the_overflow_keeps_its_own_done)
{
    /* A hybrid of 1 spot VM (1 slot, forced notice at 1 s, notice 1 s,
     * replacement booting 25 s) and serverless overflow (no start time),
     * 100 s constant service, requests at 0, 0.2, 0.4 and 0.6 s.  r0 runs
     * on the VM from 0 s; r1-r3 find no free slot and run serverless, each
     * on an instance of its own, for 100 s.  The VM is reclaimed at 2 s:
     * r0's DONE at 100 s is stale, and r0 goes to the overflow (the
     * replacement is still booting): 2-102 s.  Latencies: 100 s three
     * times and 102 s.  The world's one counter gives r0 on the VM epoch
     * 1, r1-r3 2-4 and r0 again 5.  With the fleet's own counter (which
     * also numbers its VMs' lives) r0's stale DONE had epoch 4, the
     * overflow's fourth DONE epoch: r0 ended at 100 s, then again at
     * 102 s. */
    AltSpec hy = hybrid_100s(1, 0);
    hy.vm.spot.n_notice_at = 1;
    hy.vm.spot.notice_at_s[0] = 1;
    WorkloadSpec wl = support_constant(5, 0, 0.7);
    Ends e = {0, 0, 0};
    RunResult res = run_ends(&hy, &wl, 1000, 1, 0, &e);
    const double *v = res.v;
    check_conservation(&res, "hand-worked overflow retry");
    fprintf(stderr, "hand-worked overflow retry: %d ended, %d early; max "
                    "%.3f ms, mean %.3f ms (hand: 102,000 and 100,500)\n",
            e.completed, e.early, v[MET_max_ms], v[MET_mean_ms]);
    cr_assert_eq(v[MET_arrivals], 4);
    cr_assert_eq(v[MET_completed], 4);
    cr_assert_eq(v[MET_spot_retried], 1);
    cr_assert_eq(e.completed, 4);
    cr_assert_eq(e.early, 0);
    cr_assert_float_eq(v[MET_max_ms], 102000.0, 1e-9);
    cr_assert_float_eq(v[MET_mean_ms], 100500.0, 1e-9);
}

static int load(const char *vm_json, Scenario *sc, Err *err)
{
    char dir[1024], file[1100], models[1024], body[4096];
    support_tmpdir("spotcfg", dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(file, sizeof file, "%s/s.json", dir);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 3600, \"models_dir\": \"%s\", \"model\": "
             "\"resnet50\", \"workload\": {\"type\": \"poisson\", "
             "\"rate_per_s\": 1}, \"alternatives\": [{\"name\": \"v\", "
             "\"platform\": \"vm\", \"vm\": %s}]}",
             models, vm_json);
    support_write_file(file, body);
    err_clear(err);
    return scenario_load(file, NULL, sc, err);
}

Test(spot, scenario_keys_and_defaults)
{
    Scenario sc;
    Err err;
    int rc = load("{\"instance_type\": \"c7i.large\", \"pricing\": \"spot\"}",
                  &sc, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    const SpotSpec *s = &sc.alt[0].vm.spot;
    fprintf(stderr, "default: %.6g interruptions per VM-hour, notice %g s\n",
            s->per_hour, s->notice_s);
    cr_assert_eq(s->enabled, 1);
    cr_assert_float_eq(s->per_hour, -log(0.95) / 720, 1e-18);
    cr_assert_float_eq(s->notice_s, 120.0, 0);
    scenario_free(&sc);
    rc = load("{\"instance_type\": \"c7i.large\", \"pricing\": \"spot\", "
              "\"spot\": {\"interruptions_per_hour\": 0.25, \"notice_s\": 30, "
              "\"notice_at_s\": [60, 90.5]}}",
              &sc, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    s = &sc.alt[0].vm.spot;
    cr_assert_float_eq(s->per_hour, 0.25, 0);
    cr_assert_float_eq(s->notice_s, 30.0, 0);
    cr_assert_eq(s->n_notice_at, 2);
    cr_assert_float_eq(s->notice_at_s[1], 90.5, 0);
    scenario_free(&sc);
    rc = load("{\"instance_type\": \"c7i.large\"}", &sc, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_assert_eq(sc.alt[0].vm.spot.enabled, 0, "on-demand interrupted");
    scenario_free(&sc);

    static const struct {
        const char *vm, *needle;
    } bad[] = {
        {"{\"instance_type\": \"c7i.large\", \"spot\": {}}",
         "alternatives[0].vm.spot: only a \"pricing\": \"spot\" fleet"},
        {"{\"instance_type\": \"c7i.large\", \"pricing\": \"spot\", \"spot\": "
         "{\"interruptions_per_hour\": -1}}",
         "interruptions_per_hour"},
        {"{\"instance_type\": \"c7i.large\", \"pricing\": \"spot\", \"spot\": "
         "{\"notice_at_s\": [5, 4]}}",
         "alternatives[0].vm.spot.notice_at_s[1]: notice times must not "
         "decrease"},
        {"{\"instance_type\": \"c7i.large\", \"pricing\": \"spot\", \"spot\": "
         "{\"notice\": 1}}",
         "unknown key 'notice'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[1024];
        rc = load(bad[i].vm, &sc, &err);
        cr_assert_lt(rc, 0, "accepted %s", bad[i].vm);
        err_format(&err, line, sizeof line);
        fprintf(stderr, "message: %s\n", line);
        cr_assert_null(strchr(line, '\n'));
        cr_assert_not_null(strstr(line, bad[i].needle), "'%s' not in %s",
                           bad[i].needle, line);
    }
}

/*
 * test_ps.c - processor sharing of an instance's vCPUs (concurrency > 1).
 *
 * DESIGN.md section 3: k requests on an instance with v vCPUs, profile
 * measured on r, each run at speed min(1, v / (k r)).  Pins:
 *  - a hand-worked schedule on one 1-vCPU instance (v = r = 1): three
 *    requests of 3 ms arriving at 0, 1 and 2 ms end at 6.5, 8.5 and 9.0 ms
 *    (working below), and are billed those wall times; with a 7 ms timeout
 *    the second times out at 8.0 ms and the third ends at 8.75 ms;
 *  - M/M/1-PS (one provisioned instance, v = r = 1, concurrency 1000):
 *    mean response S / (1 - rho), mean busy = rho; and the insensitivity of
 *    M/G/1-PS: constant and lognormal service of the same mean give the same
 *    mean response;
 *  - two vCPUs (m = 2 requests at full speed): with exponential service the
 *    number in system is that of M/M/2, so the mean response is Erlang C's;
 *  - the example, 100 req/s of a 41 ms model, concurrency 80 on
 *    1 vCPU (rho = 4.1): one instance completes ~1 / E[S] = 24.4 req/s and
 *    holds ~80 requests, so latency is ~80 x 41 ms, not 41 ms; with no
 *    instance limit new instances start when the 80 slots are full and the
 *    busy instances average lambda E[S] = 4.1 (each busy instance does one
 *    vCPU-second of work per second).
 * Intervals: 95% over 10 replications, fixed seeds, printed.  Not pinned:
 * response-time quantiles under PS (no closed form used here).
 */
#include <criterion/criterion.h>
#include <math.h>

#include "support.h"

enum { R = 10 };

/* One on-demand instance that starts instantly, v = r = 1, constant 3 ms. */
static AltSpec hand_alt(void)
{
    AltSpec alt = support_alt(0, 0.0);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.003;
    alt.concurrency = 10;
    alt.max_instances = 1;
    return alt;
}

/* Runs alt on arrivals at 0, 1, 2 ms, recording when requests end. */
static RunResult run_hand(const AltSpec *alt, SimTime *ends, int *n_ends)
{
    WorkloadSpec wl = support_constant(1000, 0, 0.0025);
    RunConfig rc = support_config(alt, &wl, 1, 1);
    World *w = world_create(&rc);
    Sim *sim = world_sim(w);
    uint64_t live = 0;
    *n_ends = 0;
    while (sim_step(sim, rc.horizon)) {
        WorldState st = world_state(w);
        if (st.live_requests < live)
            ends[(*n_ends)++] = sim_now(sim);
        live = st.live_requests;
    }
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
    return res;
}

Test(ps, hand_worked_three_requests_share_one_vcpu)
{
    /* A alone 0-1 ms: rem 2 ms.  A, B at 1/2 for 1 ms: A 1.5, B 2.5.
     * A, B, C at 1/3: A needs 4.5 ms -> ends 6.5; B 1.0, C 1.5 left.
     * B, C at 1/2: B ends 8.5, C has 0.5 left -> ends 9.0.
     * Latencies 6.5, 7.5, 7.0 ms; billed ceil: 7 + 8 + 7 = 22 ms. */
    AltSpec alt = hand_alt();
    SimTime ends[8];
    int n;
    RunResult res = run_hand(&alt, ends, &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(ends[0], 6500);
    cr_assert_eq(ends[1], 8500);
    cr_assert_eq(ends[2], 9000);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_eq(res.v[MET_cold_starts], 1);
    cr_assert_float_eq(res.v[MET_mean_ms], 7.0, 1e-9);
    cr_assert_float_eq(res.v[MET_max_ms], 7.5, 1e-9);
    PriceEntry p = support_lambda_x86();
    double hand = 3 * p.usd_per_request + 0.022 * p.usd_per_gb_s;
    cr_assert_float_eq(res.v[MET_cost_usd], hand, 1e-15, "cost %.10g",
                       res.v[MET_cost_usd]);
}

Test(ps, timeout_counts_wall_time_in_service)
{
    /* As above with a 7 ms timeout: A ends 6.5 (6.5 < 7); B and C at 1/2
     * from 6.5 with 1.0 and 1.5 left; B's deadline 1 + 7 = 8.0 ms, when
     * it has 0.25 left: timed out; C, 0.75 left, alone: ends 8.75 (its
     * deadline is 9.0).  Billed 7 + 7 + ceil(6.75) = 21 ms. */
    AltSpec alt = hand_alt();
    alt.timeout_s = 0.007;
    SimTime ends[8];
    int n;
    RunResult res = run_hand(&alt, ends, &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(ends[0], 6500);
    cr_assert_eq(ends[1], 8000);
    cr_assert_eq(ends[2], 8750);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(res.v[MET_timed_out], 1);
    PriceEntry p = support_lambda_x86();
    double hand = 3 * p.usd_per_request + 0.021 * p.usd_per_gb_s;
    cr_assert_float_eq(res.v[MET_cost_usd], hand, 1e-15, "cost %.10g",
                       res.v[MET_cost_usd]);
}

/* One provisioned instance (never cold), no second one, `vcpus` vCPUs,
 * concurrency 1000 (never full at these loads). */
static AltSpec ps_alt(double mean_s, double vcpus)
{
    AltSpec alt = support_alt(mean_s, 0.0);
    alt.vcpus = vcpus;
    alt.concurrency = 1000;
    alt.max_instances = 1;
    alt.n_prov = 1;
    alt.prov[0].count = 1;
    return alt;
}

static void check_response(const AltSpec *alt, double lambda, double theory_s,
                           double rho, const char *label)
{
    WorkloadSpec wl = support_poisson(lambda);
    double t[R], busy[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(alt, &wl, 10000, 2385, (uint32_t)r);
        cr_assert_eq(res.v[MET_rejected], 0);
        t[r] = res.v[MET_mean_ms] * 1e-3;
        busy[r] = res.v[MET_busy_mean];
    }
    char what[160];
    snprintf(what, sizeof what, "%s: mean response (s)", label);
    support_check_in_interval(what, t, R, theory_s, 0);
    if (rho > 0) {
        snprintf(what, sizeof what, "%s: P(instance busy) = rho", label);
        support_check_in_interval(what, busy, R, rho, 0);
    }
}

/* lambda 6/s, E[S] 0.1 s: rho 0.6, E[T] = 0.1 / 0.4 = 0.25 s. */
Test(ps, mm1_ps_mean_response)
{
    AltSpec alt = ps_alt(0.1, 1.0);
    check_response(&alt, 6, 0.25, 0.6, "M/M/1-PS");
}

Test(ps, mg1_ps_is_insensitive_constant)
{
    AltSpec alt = ps_alt(0.1, 1.0);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.1;
    check_response(&alt, 6, 0.25, 0.6, "M/D/1-PS");
}

Test(ps, mg1_ps_is_insensitive_lognormal)
{
    AltSpec alt = ps_alt(0.1, 1.0);
    /* mean 0.1 s, sigma 1: median 0.1 e^-0.5 (E[S^2] = 2.7 E[S]^2) */
    alt.hw.warm.kind = DIST_LOGNORMAL;
    alt.hw.warm.sigma = 1.0;
    alt.hw.warm.a_s = 0.1 * exp(-0.5);
    check_response(&alt, 6, 0.25, 0.6, "M/G/1-PS lognormal");
}

/* Two vCPUs: each of k requests at min(1, 2 / k), total rate min(k, 2) mu,
 * the birth-death chain of M/M/2.  lambda 15, mu 10: a = 1.5, Erlang C =
 * (a^2 / 2 x 2 / (2 - a)) / (1 + a + 4.5) = 4.5 / 7; E[T] = C / (2 mu -
 * lambda) + 1 / mu = 0.642857 / 5 + 0.1 = 0.228571 s. */
Test(ps, two_vcpus_exponential_is_mm2)
{
    AltSpec alt = ps_alt(0.1, 2.0);
    check_response(&alt, 15, 4.5 / 7 / 5 + 0.1, 0, "2-vCPU PS, M/M/2");
}

/* The example: 100 req/s, 41 ms (constant), concurrency 80,
 * 1 vCPU, cold start 0.5 s. */
static AltSpec example_alt(int max_instances)
{
    AltSpec alt = support_alt(0, 0.5);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.041;
    alt.concurrency = 80;
    alt.max_instances = max_instances;
    return alt;
}

Test(ps, one_instance_saturates_at_one_vcpu)
{
    /* One instance, no queue: it always holds ~80 requests, completes
     * 1 / 0.041 = 24.39 req/s, and each waits ~80 x 41 ms = 3.28 s; the
     * rest are rejected. */
    AltSpec alt = example_alt(1);
    WorkloadSpec wl = support_poisson(100);
    double rate[R], lat[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(&alt, &wl, 600, 41, (uint32_t)r);
        rate[r] = res.v[MET_completed] / 600;
        lat[r] = res.v[MET_mean_ms] * 1e-3;
        cr_assert_gt(res.v[MET_p50_ms], 3000.0, "p50 %.1f ms",
                     res.v[MET_p50_ms]);
    }
    /* The instance works from 0.5 s (its start) to 600 s at one vCPU:
     * 599.5 s of work = completed x 0.041 + what the <= 80 requests in
     * flight at the end have done (0 ... 80 x 0.041 s), so completions
     * per s lie in [(599.5 - 3.28) / 0.041, 599.5 / 0.041] / 600 =
     * [24.236, 24.370]: the midpoint, widened by the half-width. */
    double lo = (599.5 - 3.28) / 0.041 / 600, hi = 599.5 / 0.041 / 600;
    support_check_in_interval("one instance: completions per s = work / E[S]",
                              rate, R, (lo + hi) / 2, (hi - lo) / 2);
    support_check_in_interval("one instance: mean latency ~ 80 E[S]", lat, R,
                              80 * 0.041, 0.05 * 80 * 0.041);
}

Test(ps, more_instances_start_when_slots_are_full)
{
    /* No limit: busy instance-seconds = work = lambda E[S] per second. */
    AltSpec alt = example_alt(0);
    WorkloadSpec wl = support_poisson(100);
    double busy[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(&alt, &wl, 2000, 41, (uint32_t)r);
        busy[r] = res.v[MET_busy_mean];
        cr_assert_geq(res.v[MET_cold_starts], 5, "%g starts",
                      res.v[MET_cold_starts]);
        cr_assert_eq(res.v[MET_rejected], 0);
        if (r == 0)
            fprintf(stderr,
                    "unlimited: %g starts, peak %g, p50 %.1f ms, p99 %.1f "
                    "ms, mean %.1f ms\n",
                    res.v[MET_cold_starts], res.v[MET_peak_instances],
                    res.v[MET_p50_ms], res.v[MET_p99_ms], res.v[MET_mean_ms]);
    }
    support_check_in_interval("unlimited: mean busy instances = lambda E[S]",
                              busy, R, 100 * 0.041, 0.01);
}

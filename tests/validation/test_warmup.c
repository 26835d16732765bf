/*
 * test_warmup.c - warm-up deletion.
 *
 * Pins: MSER picks the end of a transient in a synthetic series (a level
 * shift after 50 batches of noise-free start, fixed-seed noise after);
 * fixed deletion counts exactly the requests that arrive after the point
 * and integrates instances over [warmup, horizon) (hand-worked); the MSER-5
 * pilot deletes a queue-building transient so the mean latency of the rest
 * is the stationary M/M/1 value; conservation holds for the measured and
 * the deleted requests alike (checked in every run).
 */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "support.h"

Test(warmup, mser_finds_the_end_of_a_transient)
{
    double z[600];
    gsl_rng *r = rng_create(3, 0, RNG_POLICY, 0);
    for (int j = 0; j < 600; j++)
        z[j] = (j < 50 ? 20.0 - 0.3 * j : 5.0) + gsl_ran_gaussian(r, 1.0);
    int d = stats_mser(z, 600);
    fprintf(stderr, "MSER truncation: %d (transient ends at 50)\n", d);
    cr_assert(d >= 45 && d <= 55, "d = %d", d);
    double flat[100];
    for (int j = 0; j < 100; j++)
        flat[j] = 5.0 + gsl_ran_gaussian(r, 1.0);
    cr_assert_leq(stats_mser(flat, 100), 20, "no transient, little cut");
    gsl_rng_free(r);
}

Test(warmup, fixed_deletion_counts_only_later_arrivals)
{
    /* arrivals every second, 0.5 s each, from 0 to 999 s; warm-up 100 s:
     * 900 measured requests, none cold (the only cold start was at 0),
     * exactly half an instance busy over [100, 1000). */
    AltSpec alt = support_alt(0, 0.2);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.5;
    WorkloadSpec wl = support_constant(1, 0, 999.5);
    RunConfig rc = support_config(&alt, &wl, 1000, 1);
    rc.warmup.method = WARMUP_FIXED;
    rc.warmup.warmup_s = 100;
    RunResult res;
    world_run(&rc, &res);
    cr_assert_eq(res.v[MET_arrivals], 900);
    cr_assert_eq(res.v[MET_completed], 900);
    cr_assert_eq(res.v[MET_cold_pct], 0.0);
    cr_assert_float_eq(res.v[MET_busy_mean], 0.5, 1e-12);
    cr_assert_float_eq(res.v[MET_instances_mean], 1.0, 1e-12);
    cr_assert_float_eq(res.v[MET_warmup_s], 100.0, 1e-12);
    /* 900 requests of 500 ms at 1 GB, no INIT after the warm-up */
    cr_assert_float_eq(res.v[MET_cost_usd],
                       900 * 0.2e-6 + 900 * 0.5 * 0.0000166667, 1e-12);
}

Test(warmup, mser5_pilot_trims_a_transient)
{
    /* One VM slot, Exp(1 s) service: 3 req/s for the first 500 s build a
     * queue of ~1,000 requests, then 0.5 req/s (M/M/1 at rho 0.5, mean
     * latency 1 / (mu - lambda) = 2 s) drains it in ~2,000 s.  MSER-5
     * deletes that transient and the mean latency of the rest is close to
     * 2 s; without it the transient dominates. */
    AltSpec alt = support_vm_alt("c7i.large", 1, 1, 1.0);
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "steps");
    wl.n_steps = 2;
    wl.step_rate[0] = 3;
    wl.step_at_s[1] = 500;
    wl.step_rate[1] = 0.5;
    wl.end_s = 1e12;
    RunConfig rc = support_config(&alt, &wl, 30000, 17);
    rc.slo = time_from_s(60);
    RunResult plain, trimmed;
    world_run(&rc, &plain);
    rc.warmup.method = WARMUP_MSER5;
    world_run(&rc, &trimmed);
    fprintf(stderr, "MSER-5 warm-up %.0f s; mean latency %.2f s without, "
                    "%.2f s with (stationary 2 s)\n",
            trimmed.v[MET_warmup_s], plain.v[MET_mean_ms] / 1000,
            trimmed.v[MET_mean_ms] / 1000);
    cr_assert(trimmed.v[MET_warmup_s] > 1500 && trimmed.v[MET_warmup_s] < 6000,
              "warm-up %.0f s", trimmed.v[MET_warmup_s]);
    cr_assert_lt(fabs(trimmed.v[MET_mean_ms] / 1000 - 2), 0.4);
    cr_assert_gt(plain.v[MET_mean_ms] / 1000, 10);
}

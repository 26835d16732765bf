/*
 * test_keepalive.c - the exact limits of fixed keep-alive.
 *
 * Workload: the scale-per-request benchmark (Poisson 0.9/s, warm service
 * Exp(1.991 s), a cold request's total time Exp(2.244 s) in place of it).
 * Pins (reference/validation.md): keep-alive 0 makes every request cold
 * (policy "none" and "fixed" with 0 s); keep-alive longer than the run
 * leaves only the first instances cold, so cold requests = instance starts
 * = peak instances; under common random numbers the cold-start ratio is
 * non-increasing in the keep-alive (checked for 3 seeds, 7 values).
 * Not pinned: the Mahmoudi-Khazaei approximation (no closed form).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static AltSpec bench_alt(double keepalive_s)
{
    AltSpec alt = support_alt(1.991, 0.0);
    alt.hw.cold_mode = COLD_TOTAL;
    alt.hw.cold_total.kind = DIST_EXPONENTIAL;
    alt.hw.cold_total.a_s = 2.244;
    alt.keepalive.keepalive_s = keepalive_s;
    alt.max_instances = 0;
    return alt;
}

Test(keepalive, zero_keepalive_makes_every_request_cold)
{
    WorkloadSpec wl = support_poisson(0.9);
    AltSpec alt = bench_alt(0);
    RunResult res = support_run(&alt, &wl, 5000, 17, 0);
    cr_assert_gt(res.v[MET_completed], 4000);
    cr_assert_eq(res.v[MET_cold_pct], 100.0);
    cr_assert_eq((double)res.cold_requests, res.v[MET_completed]);
    cr_assert_eq(res.v[MET_idle_gb_s], 0.0);
    strcpy(alt.keepalive.policy, "none");
    alt.keepalive.keepalive_s = 600;
    RunResult none = support_run(&alt, &wl, 5000, 17, 0);
    cr_assert_eq(none.v[MET_cold_pct], 100.0);
    cr_assert_eq(none.v[MET_arrivals], res.v[MET_arrivals]);
}

Test(keepalive, keepalive_beyond_horizon_leaves_only_first_instances_cold)
{
    WorkloadSpec wl = support_poisson(0.9);
    AltSpec alt = bench_alt(1e9);
    for (uint32_t rep = 0; rep < 5; rep++) {
        RunResult res = support_run(&alt, &wl, 20000, 23, rep);
        fprintf(stderr, "rep %u: %.0f cold of %.0f, peak %.0f instances\n",
                rep, (double)res.cold_requests, res.v[MET_completed],
                res.v[MET_peak_instances]);
        cr_assert_eq(res.v[MET_cold_starts], res.v[MET_peak_instances]);
        /* every start was caused by one request, which was cold; at most
         * the last few may still be in flight */
        cr_assert_leq((double)res.cold_requests, res.v[MET_cold_starts]);
        cr_assert_geq((double)res.cold_requests + res.v[MET_unfinished],
                      res.v[MET_cold_starts]);
        cr_assert_lt(res.v[MET_peak_instances], 20);
    }
}

Test(keepalive, cold_ratio_non_increasing_in_keepalive)
{
    WorkloadSpec wl = support_poisson(0.9);
    const double ka[] = {0, 0.5, 2, 10, 60, 600, 1e9};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        double prev = 101, arrivals = -1;
        for (size_t i = 0; i < sizeof ka / sizeof ka[0]; i++) {
            AltSpec alt = bench_alt(ka[i]);
            RunResult res = support_run(&alt, &wl, 10000, seed, 0);
            fprintf(stderr, "seed %lu keepalive %g s: cold %.3f%%\n",
                    (unsigned long)seed, ka[i], res.v[MET_cold_pct]);
            if (arrivals >= 0)
                cr_assert_eq(res.v[MET_arrivals], arrivals,
                             "common random numbers: same arrivals");
            arrivals = res.v[MET_arrivals];
            cr_assert_leq(res.v[MET_cold_pct], prev,
                          "cold ratio rose from %.4f to %.4f at %g s", prev,
                          res.v[MET_cold_pct], ka[i]);
            prev = res.v[MET_cold_pct];
        }
    }
}

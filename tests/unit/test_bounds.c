/*
 * test_bounds.c - the size bounds of config/limits.h, and what keeps the
 * sizes they allow in bounded memory.
 *
 * Pins, each with the exact boundary accepted and one over refused:
 * 10^9 expected arrivals per run (Poisson 10^6/s over 1000 s; constant
 * 2.5 10^6/s over 400 s times 1 replication, not 2; the diurnal thinning's
 * candidates at the peak rate(1 + amplitude); mmpp state changes 2 x span /
 * (mean_on + mean_off) with the means 2^-20 s and the span 10^9 2^-20 s;
 * the window clipped at the horizon), the histogram's 10^5 bins
 * (hist_range_s 10^5 s of 1 s bins, not 100,001), and the sweep's bytes
 * n_points x point bytes + 2 x cells x alternatives x 368.  Does not pin
 * the bounds' wording (test_badinput.c does).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config/limits.h"
#include "config/scenario.h"
#include "output/sweeptab.h"
#include "support.h"

static WorkloadSpec synth(const char *type, double rate, double start_s,
                          double end_s)
{
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    snprintf(wl.type, sizeof wl.type, "%s", type);
    wl.rate_per_s = rate;
    wl.start_s = start_s;
    wl.end_s = end_s;
    return wl;
}

static int over(const WorkloadSpec *wl, double horizon_s, int reps)
{
    LimitViolation v;
    int r = limits_check_arrivals(wl, horizon_s, reps, &v);
    if (r)
        fprintf(stderr, "refused: %s\n", v.msg);
    return r;
}

Test(bounds, poisson_10_9_arrivals_accepted_one_more_refused)
{
    WorkloadSpec wl = synth("poisson", 1e6, 0, 1000);
    cr_assert_eq(over(&wl, 1000, 1), 0, "10^6/s x 1000 s = 10^9");
    wl.rate_per_s = 1000000.001; /* 10^9 + 1 */
    cr_assert_eq(over(&wl, 1000, 1), 1);
}

Test(bounds, replications_multiply_and_the_horizon_clips_the_window)
{
    WorkloadSpec wl = synth("constant", 2.5e6, 0, 400);
    cr_assert_eq(over(&wl, 400, 1), 0, "2.5 10^6/s x 400 s = 10^9");
    cr_assert_eq(over(&wl, 400, 2), 1, "x 2 replications");
    /* end_s beyond the horizon: arrivals stop at the horizon (400 s) */
    wl.end_s = 1e6;
    cr_assert_eq(over(&wl, 400, 1), 0);
    /* start_s inside: only [100, 400) counts, so 4/3 the rate fits */
    wl = synth("poisson", 2.5e6 * 4 / 3, 100, 400);
    cr_assert_eq(over(&wl, 400, 1), 0);
}

Test(bounds, diurnal_counts_the_thinning_candidates_at_the_peak)
{
    WorkloadSpec wl = synth("diurnal", 5e5, 0, 1000);
    wl.amplitude = 1; /* candidates at 10^6/s */
    wl.period_s = 86400;
    cr_assert_eq(over(&wl, 1000, 1), 0);
    wl.rate_per_s = 500000.001;
    cr_assert_eq(over(&wl, 1000, 1), 1);
    wl.rate_per_s = 9e5; /* mean 9 10^5/s fits, the peak 1.8 10^6 not */
    cr_assert_eq(over(&wl, 1000, 1), 1);
    wl.amplitude = 0;
    cr_assert_eq(over(&wl, 1000, 1), 0);
}

Test(bounds, mmpp_state_changes_count)
{
    /* no arrivals at all, only state changes: 2 span / cycle */
    WorkloadSpec wl = synth("mmpp", 0, 0, 953.67431640625);
    wl.mean_on_s = wl.mean_off_s = 1.0 / 1048576; /* 2^-20 s */
    cr_assert_eq(over(&wl, 1e4, 1), 0, "exactly 10^9 state changes");
    wl.end_s = 953.6744;
    cr_assert_eq(over(&wl, 1e4, 1), 1);
}

Test(bounds, steps_sum_their_pieces)
{
    WorkloadSpec wl = support_steps(1e6, 500, 1e6);
    wl.end_s = 1000;
    cr_assert_eq(over(&wl, 1000, 1), 0, "10^6/s over 1000 s in two steps");
    wl.step_rate[1] = 1000000.01;
    cr_assert_eq(over(&wl, 1000, 1), 1);
}

Test(bounds, traces_are_not_bound_by_a_rate)
{
    WorkloadSpec wl = synth("azure2019", 0, 0, 0);
    cr_assert_eq(over(&wl, 3e9, 100000), 0);
}

Test(bounds, sweep_bytes_are_points_and_twice_the_rows)
{
    cr_assert_eq(sizeof(SweepRow), 368);
    /* 10^6 points of 50,000 bytes, 10^6 cells of one alternative */
    cr_assert_float_eq(limits_sweep_bytes(1e6, 5e4, 1e6, 1),
                       5e10 + 2 * 368e6, 1);
    cr_assert_float_eq(limits_sweep_bytes(10, 1000, 30, 3),
                       10000 + 2 * 30 * 3 * 368.0, 1e-9);
}

/* A scenario with a hybrid-histogram alternative of hist_range_s over
 * 1 s bins. */
static int load_hist(double range_s, char *msg, size_t size)
{
    char dir[1024], path[1100], models[1024], body[2048];
    support_tmpdir("hist", dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(path, sizeof path, "%s/s.json", dir);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 600, \"models_dir\": \"%s\", \"model\": "
             "\"mlp-tabular\", \"workload\": {\"type\": \"poisson\", "
             "\"rate_per_s\": 1}, \"alternatives\": [{\"name\": \"a\", "
             "\"memory_mb\": 512, \"keepalive\": {\"policy\": "
             "\"hybrid-histogram\", \"hist_bin_s\": 1, \"hist_range_s\": "
             "%.17g}}]}",
             models, range_s);
    support_write_file(path, body);
    Scenario sc;
    Err err;
    err_clear(&err);
    int rc = scenario_load(path, NULL, &sc, &err);
    err_format(&err, msg, size);
    if (rc == 0)
        scenario_free(&sc);
    return rc;
}

Test(bounds, histogram_of_10_5_bins_accepted_one_more_refused)
{
    char msg[1024];
    cr_assert_eq(load_hist(1e5, msg, sizeof msg), 0, "%s", msg);
    cr_assert_lt(load_hist(100001, msg, sizeof msg), 0);
    cr_assert(strstr(msg, "at most 100000") != NULL, "%s", msg);
}

/*
 * test_erlang.c - a concurrency limit without a queue: Erlang B.
 *
 * Pins (reference/validation.md): with at most c = 10 instances, no queue
 * and no cold-start delay, the share of rejected requests is B(c, a);
 * B(10, 5) = 0.01838, whatever the service distribution.  Checked with
 * provisioned instances (always warm) under exponential and lognormal
 * service, and with on-demand instances that start instantly and are kept
 * forever; 10 replications of 20,000 s, fixed seed.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "support.h"

enum { R = 10 };

static void check_b(const AltSpec *alt, const char *label)
{
    WorkloadSpec wl = support_poisson(2.5); /* E[S] = 2 s: a = 5 */
    double x[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(alt, &wl, 20000, 4711, (uint32_t)r);
        x[r] = res.v[MET_rejected] / res.v[MET_arrivals];
        cr_assert_leq(res.v[MET_peak_instances], 10.0);
    }
    support_check_in_interval(label, x, R, 0.01838, 0);
}

Test(erlang, provisioned_limit_rejects_erlang_b_exponential)
{
    AltSpec alt = support_alt(2.0, 0.0);
    alt.max_instances = 10;
    alt.n_prov = 1;
    alt.prov[0].count = 10;
    check_b(&alt, "B(10,5), provisioned, exponential service");
}

Test(erlang, provisioned_limit_rejects_erlang_b_lognormal)
{
    AltSpec alt = support_alt(2.0, 0.0);
    alt.max_instances = 10;
    alt.n_prov = 1;
    alt.prov[0].count = 10;
    alt.hw.warm.kind = DIST_LOGNORMAL;
    alt.hw.warm.sigma = 1.1;
    alt.hw.warm.a_s = 2.0 * exp(-0.5 * 1.1 * 1.1);
    check_b(&alt, "B(10,5), provisioned, lognormal service");
}

Test(erlang, on_demand_limit_rejects_erlang_b)
{
    AltSpec alt = support_alt(2.0, 0.0);
    alt.max_instances = 10;
    alt.keepalive.keepalive_s = 1e9;
    check_b(&alt, "B(10,5), on-demand, instant starts");
}

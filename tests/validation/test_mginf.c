/*
 * test_mginf.c - all instances provisioned: the M/G/infinity system.
 *
 * Pins (reference/validation.md): with every request served warm by one of
 * N >> a provisioned instances, the number of busy instances is Poisson(a),
 * a = lambda E[S]: time-average mean = variance = a and P(k busy) =
 * e^-a a^k / k!.  Checked for exponential and lognormal service (the M/G/inf
 * result is insensitive to the distribution), 10 replications of 20,000 s,
 * fixed seeds; also no cold starts and conservation (checked in every run).
 * Not pinned: transient behaviour (the system starts empty, which biases
 * the mean by ~E[S]/horizon = 0.01%).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "support.h"

enum { R = 10 };

static void check_mginf(const AltSpec *alt, double lambda, double es,
                        const char *label)
{
    double a = lambda * es;
    WorkloadSpec wl = support_poisson(lambda);
    double mean[R], var[R], pk[13][R], lat[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(alt, &wl, 20000, 2385, (uint32_t)r);
        cr_assert_eq(res.v[MET_cold_pct], 0.0, "a provisioned run had a cold "
                                                 "start");
        cr_assert_eq(res.v[MET_rejected], 0.0);
        double m = 0, m2 = 0;
        for (int k = 0; k < METRICS_BUSY_K; k++) {
            m += k * res.busy_p[k];
            m2 += (double)k * k * res.busy_p[k];
        }
        mean[r] = res.v[MET_busy_mean];
        cr_assert_float_eq(m, mean[r], 1e-6 * a, "two views of busy disagree");
        var[r] = m2 - m * m;
        for (int k = 0; k < 13; k++)
            pk[k][r] = res.busy_p[k];
        lat[r] = res.v[MET_mean_ms] * 1e-3;
    }
    char what[128];
    snprintf(what, sizeof what, "%s: mean busy = lambda E[S]", label);
    support_check_in_interval(what, mean, R, a, 0);
    snprintf(what, sizeof what, "%s: variance of busy = a", label);
    support_check_in_interval(what, var, R, a, 0);
    snprintf(what, sizeof what, "%s: mean latency = E[S] (all warm)", label);
    support_check_in_interval(what, lat, R, es, 0);
    double pmf = exp(-a);
    for (int k = 0; k < 13; k++) {
        snprintf(what, sizeof what, "%s: P(%d busy)", label, k);
        support_check_in_interval(what, pk[k], R, pmf, 0);
        pmf *= a / (k + 1);
    }
}

Test(mginf, exponential_service_busy_is_poisson)
{
    AltSpec alt = support_alt(2.1, 0.7);
    alt.n_prov = 1;
    alt.prov[0].count = 40;
    check_mginf(&alt, 2.385, 2.1, "M/M/inf");
}

Test(mginf, lognormal_service_busy_is_poisson)
{
    AltSpec alt = support_alt(2.1, 0.7);
    alt.n_prov = 1;
    alt.prov[0].count = 40;
    /* lognormal with mean 2.1 s and sigma 0.9: median = 2.1 e^{-0.405} */
    alt.hw.warm.kind = DIST_LOGNORMAL;
    alt.hw.warm.sigma = 0.9;
    alt.hw.warm.a_s = 2.1 * exp(-0.5 * 0.9 * 0.9);
    check_mginf(&alt, 2.385, 2.1, "M/G/inf lognormal");
}

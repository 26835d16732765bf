/*
 * test_fit.c - the calibration fits (calib/fit.h) on synthetic measurements.
 *
 * Pins: type-7 quantiles on hand-worked samples; the relative-residual
 * affine fit is exact on points on a line, clamps a negative intercept to 0
 * and a negative slope to a flat line; on lognormal samples with median
 * a + c*b (a = 2 ms, c = 1.5 ms, sigma = 0.1; 2,000 draws per batch size
 * 1, 8, 32; fixed seed) the fit recovers a within 5%, c within 2% and
 * sigma within 10%; log-sd of a constant is 0.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>

#include "calib/fit.h"
#include "core/rng.h"

Test(fit, quantile_type7)
{
    double x[] = {1, 2, 3, 4, 5};
    cr_assert_float_eq(fit_quantile(x, 5, 0.5), 3.0, 1e-12);
    cr_assert_float_eq(fit_quantile(x, 5, 0.25), 2.0, 1e-12);
    cr_assert_float_eq(fit_quantile(x, 5, 0.9), 4.6, 1e-12);
    cr_assert_float_eq(fit_quantile(x, 5, 1.0), 5.0, 1e-12);
    cr_assert_float_eq(fit_quantile(x, 5, 0.0), 1.0, 1e-12);
    double y[] = {7};
    cr_assert_float_eq(fit_quantile(y, 1, 0.3), 7.0, 1e-12);
    double z[] = {3, 1, 2};
    fit_sort(z, 3);
    cr_assert(z[0] == 1 && z[1] == 2 && z[2] == 3);
}

Test(fit, affine_exact_and_clamped)
{
    double b[] = {1, 8, 32}, y[3];
    for (int i = 0; i < 3; i++)
        y[i] = 0.3 + 17.6 * b[i];
    AffineFit f;
    fit_affine_relative(b, y, 3, &f);
    cr_assert_float_eq(f.a, 0.3, 1e-9);
    cr_assert_float_eq(f.c, 17.6, 1e-9);
    cr_assert_float_eq(f.max_rel_resid, 0.0, 1e-9);

    /* points on y = -1 + 2b: a would be negative -> through the origin,
     * c = sum(w b y) / sum(w b^2) with w = 1/y^2 */
    double y2[] = {1, 15, 63}, swxy = 0, swxx = 0;
    for (int i = 0; i < 3; i++) {
        swxy += b[i] * y2[i] / (y2[i] * y2[i]);
        swxx += b[i] * b[i] / (y2[i] * y2[i]);
    }
    fit_affine_relative(b, y2, 3, &f);
    cr_assert_eq(f.a, 0.0);
    cr_assert_float_eq(f.c, swxy / swxx, 1e-12, "c = %g", f.c);

    /* falling latency -> flat line at the weighted mean */
    double y3[] = {4, 3, 2};
    fit_affine_relative(b, y3, 3, &f);
    cr_assert_eq(f.c, 0.0);
    cr_assert(f.a > 2 && f.a < 4);

    /* one batch size: flat line through it */
    double one[] = {8}, y4[] = {5};
    fit_affine_relative(one, y4, 1, &f);
    cr_assert_float_eq(f.a, 5.0, 1e-12);
    cr_assert_eq(f.c, 0.0);

    double a, c, xs[] = {10, 20, 30}, ys[] = {130, 190, 250};
    fit_line(xs, ys, 3, &a, &c);
    cr_assert_float_eq(a, 70.0, 1e-9);
    cr_assert_float_eq(c, 6.0, 1e-9);
}

Test(fit, recovers_lognormal_parameters)
{
    const double a = 2.0, c = 1.5, sigma = 0.1;
    double b[] = {1, 8, 32}, med[3], sig = 0;
    enum { N = 2000 };
    static double x[N];
    gsl_rng *g = rng_create(77, 0, RNG_SERVICE, 0);
    for (int k = 0; k < 3; k++) {
        double m = a + c * b[k];
        for (int i = 0; i < N; i++)
            x[i] = gsl_ran_lognormal(g, log(m), sigma);
        fit_sort(x, N);
        med[k] = fit_quantile(x, N, 0.5);
        sig += fit_sigma_p95(x, N) / 3;
    }
    gsl_rng_free(g);
    AffineFit f;
    fit_affine_relative(b, med, 3, &f);
    printf("fit: a %.4f (2), c %.4f (1.5), sigma %.4f (0.1), max residual %.3f%%\n",
           f.a, f.c, sig, 100 * f.max_rel_resid);
    cr_assert(fabs(f.a - a) < 0.05 * a, "a = %g", f.a);
    cr_assert(fabs(f.c - c) < 0.02 * c, "c = %g", f.c);
    cr_assert(fabs(sig - sigma) < 0.1 * sigma, "sigma = %g", sig);
}

Test(fit, log_sd)
{
    double k[] = {5, 5, 5};
    cr_assert_float_eq(fit_log_sd(k, 3), 0.0, 1e-12);
    double e[] = {1, exp(1.0)};
    cr_assert_float_eq(fit_log_sd(e, 2), sqrt(0.5), 1e-12);
    cr_assert_eq(fit_log_sd(e, 1), 0.0);
}

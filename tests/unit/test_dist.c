/*
 * test_dist.c - profile distributions.
 *
 * Pins: lognormal by median: the sample median and mean match median and
 * median*exp(sigma^2/2); empirical quantiles interpolate linearly between
 * equally spaced points (exact values); means of each kind (arithmetic).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/dist.h"
#include "core/rng.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(dist, lognormal_median_and_mean)
{
    Dist d = {.kind = DIST_LOGNORMAL, .a_s = 0.0408, .sigma = 0.35};
    gsl_rng *r = rng_create(11, 0, RNG_SERVICE, 0);
    enum { N = 200001 };
    double *x = malloc(N * sizeof *x), s = 0;
    for (int i = 0; i < N; i++) {
        x[i] = dist_sample_s(&d, r);
        s += x[i];
    }
    qsort(x, N, sizeof *x, cmp_d);
    double median = x[N / 2], mean = s / N;
    double mean_theory = 0.0408 * exp(0.35 * 0.35 / 2);
    fprintf(stderr, "lognormal median %.6f (theory 0.0408), mean %.6f "
                    "(theory %.6f)\n",
            median, mean, mean_theory);
    cr_assert(fabs(median / 0.0408 - 1) < 0.005);
    cr_assert(fabs(mean / mean_theory - 1) < 0.005);
    cr_assert(fabs(dist_mean_s(&d) - mean_theory) < 1e-12);
    cr_assert(fabs(dist_quantile_s(&d, 0.5) - 0.0408) < 1e-12);
    free(x);
    gsl_rng_free(r);
}

Test(dist, empirical_interpolates_quantiles)
{
    Dist d = {.kind = DIST_EMPIRICAL, .nq = 3, .q_s = {1.0, 2.0, 6.0}};
    cr_assert_float_eq(dist_quantile_s(&d, 0.0), 1.0, 1e-12);
    cr_assert_float_eq(dist_quantile_s(&d, 0.25), 1.5, 1e-12);
    cr_assert_float_eq(dist_quantile_s(&d, 0.75), 4.0, 1e-12);
    cr_assert_float_eq(dist_mean_s(&d), (1.5 + 4.0) / 2, 1e-12);
    gsl_rng *r = rng_create(3, 0, RNG_SERVICE, 0);
    for (int i = 0; i < 1000; i++) {
        double x = dist_sample_s(&d, r);
        cr_assert(x >= 1.0 && x <= 6.0);
    }
    gsl_rng_free(r);
}

Test(dist, constant_exponential_and_none)
{
    Dist c = {.kind = DIST_CONSTANT, .a_s = 0.1203};
    Dist e = {.kind = DIST_EXPONENTIAL, .a_s = 1.991};
    Dist n = {.kind = DIST_NONE};
    gsl_rng *r = rng_create(5, 0, RNG_SERVICE, 0);
    cr_assert_eq(dist_sample_s(&c, r), 0.1203);
    cr_assert_eq(dist_sample_s(&n, r), 0.0);
    cr_assert_float_eq(dist_mean_s(&e), 1.991, 1e-12);
    cr_assert_float_eq(dist_quantile_s(&e, 0.5), 1.991 * log(2.0), 1e-12);
    gsl_rng_free(r);
}

/*
 * test_hist.c - latency quantiles.
 *
 * Pins: up to HIST_EXACT_CAP values, quantiles are exact nearest-rank
 * values; beyond, every reported quantile is within 1% of the exact one
 * (checked on 300,000 lognormal values spanning 4 decades); reset forgets.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/dist.h"
#include "core/rng.h"
#include "output/hist.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static Hist *new_hist(void)
{
    Hist *h = calloc(1, sizeof *h);
    h->n = 1;
    hist_reset(h);
    return h;
}

Test(hist, small_runs_are_exact_nearest_rank)
{
    Hist *h = new_hist();
    int64_t v[] = {120300, 5, 99999, 4, 7777, 2385000, 1, 42, 640, 17};
    for (int i = 0; i < 10; i++)
        hist_add(h, v[i]);
    /* sorted: 1 4 5 17 42 640 7777 99999 120300 2385000 */
    cr_assert_eq(hist_quantile(h, 0.5), 42.0);    /* rank ceil(5) = 5 */
    cr_assert_eq(hist_quantile(h, 0.51), 640.0);  /* rank 6 */
    cr_assert_eq(hist_quantile(h, 0.99), 2385000.0);
    cr_assert_eq(hist_quantile(h, 0.1), 1.0);
    cr_assert_float_eq(hist_mean(h), 2613785.0 / 10, 1e-9);
    hist_reset(h);
    cr_assert_eq(h->n, 0);
    cr_assert_eq(hist_quantile(h, 0.5), 0.0);
    free(h);
}

Test(hist, large_runs_within_one_percent)
{
    enum { N = 300000 };
    Hist *h = new_hist();
    int64_t *x = malloc(N * sizeof *x);
    Dist d = {.kind = DIST_LOGNORMAL, .a_s = 0.05, .sigma = 1.2};
    gsl_rng *r = rng_create(99, 0, RNG_SERVICE, 0);
    for (int i = 0; i < N; i++) {
        x[i] = (int64_t)llround(dist_sample_s(&d, r) * 1e6) + 1;
        hist_add(h, x[i]);
    }
    qsort(x, N, sizeof *x, cmp_i64);
    double ps[] = {0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
    double worst = 0;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        uint64_t rank = (uint64_t)ceil(ps[i] * N);
        double exact = (double)x[rank - 1], got = hist_quantile(h, ps[i]);
        double rel = fabs(got - exact) / exact;
        if (rel > worst)
            worst = rel;
        cr_assert(rel <= HIST_MAX_REL_ERR + 1e-12,
                  "p%.3f: exact %.0f, hist %.1f, rel err %.4f", ps[i], exact,
                  got, rel);
    }
    fprintf(stderr, "histogram worst relative error %.5f (bound %.5f)\n",
            worst, HIST_MAX_REL_ERR);
    free(x);
    free(h);
    gsl_rng_free(r);
}

Test(hist, many_quantiles_at_once_equal_one_by_one)
{
    /* both modes: exact (1,000 values) and bucketed (20,000 values) */
    int sizes[2] = {1000, 20000};
    double ps[6] = {0.999, 0.5, 0.01, 1.0, 0.95, 0.3}, got[6];
    gsl_rng *r = rng_create(8, 0, RNG_SERVICE, 0);
    for (int k = 0; k < 2; k++) {
        Hist *h = new_hist();
        for (int i = 0; i < sizes[k]; i++)
            hist_add(h, (int64_t)(gsl_rng_uniform(r) * 1e6));
        hist_quantiles(h, ps, 6, got);
        for (int i = 0; i < 6; i++)
            cr_assert_eq(got[i], hist_quantile(h, ps[i]), "p %g", ps[i]);
        free(h);
    }
    gsl_rng_free(r);
}

/* The table lookup returns exactly what the formula gives: every value
 * below 2^22, a few values either side of every bucket's first value (by
 * bisection on the formula) and
 * of every power of two, and 10^6 values drawn across all octaves. */
Test(hist, bucket_lookup_equals_the_formula)
{
    hist_init_tables();
    for (int64_t v = -3; v < (int64_t)1 << 22; v++)
        if (hist_bucket(v) != hist_bucket_slow(v))
            cr_assert_fail("v = %lld: lookup %d, formula %d", (long long)v,
                     hist_bucket(v), hist_bucket_slow(v));
    for (int k = 2; k < HIST_NBUCKETS; k++) {
        int64_t lo = 1, hi = INT64_MAX / 2; /* bisect for k's first value */
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (hist_bucket_slow(mid) >= k)
                hi = mid;
            else
                lo = mid + 1;
        }
        for (int64_t v = lo - 3; v <= lo + 3; v++)
            cr_assert_eq(hist_bucket(v), hist_bucket_slow(v), "v = %lld",
                         (long long)v);
    }
    for (int b = 0; b < 63; b++) {
        int64_t p = (int64_t)((uint64_t)1 << b);
        for (int64_t v = p - 2; v <= p + 2 && v > 0; v++)
            cr_assert_eq(hist_bucket(v), hist_bucket_slow(v), "v = %lld",
                         (long long)v);
    }
    gsl_rng *r = rng_create(7, 0, RNG_SERVICE, 0);
    for (int i = 0; i < 1000000; i++) {
        uint64_t u = gsl_rng_get(r) << 32 | gsl_rng_get(r);
        int64_t v = (int64_t)(u >> (1 + gsl_rng_uniform_int(r, 63)));
        cr_assert_eq(hist_bucket(v), hist_bucket_slow(v), "v = %lld",
                     (long long)v);
    }
    gsl_rng_free(r);
    /* hand-checked: ln 2 / ln 1.02 = 35.003, ln 1000 / ln 1.02 = 348.83 */
    cr_assert_eq(hist_bucket(1), 1);
    cr_assert_eq(hist_bucket(2), 36);
    cr_assert_eq(hist_bucket(1000), 349);
    cr_assert_eq(hist_bucket(INT64_MAX), HIST_NBUCKETS - 1);
}

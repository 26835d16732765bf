/*
 * test_rng.c - the named streams.
 *
 * Pins: a stream is a pure function of (seed, replication, stream, index);
 * changing any field gives a different sequence; draws are uniform on
 * [0, 1) (chi-square over 100 cells, fixed seed); GSL distributions work on
 * our generator type (exponential mean within its interval); the inline
 * draws of rng.h return exactly what GSL's calls return.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "core/rng.h"

Test(rng, same_key_same_sequence_different_key_different)
{
    gsl_rng *a = rng_create(42, 3, RNG_SERVICE, 7);
    gsl_rng *b = rng_create(42, 3, RNG_SERVICE, 7);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
    uint64_t base = rng_key(42, 3, RNG_SERVICE, 7);
    cr_assert_neq(base, rng_key(43, 3, RNG_SERVICE, 7));
    cr_assert_neq(base, rng_key(42, 4, RNG_SERVICE, 7));
    cr_assert_neq(base, rng_key(42, 3, RNG_ARRIVALS, 7));
    cr_assert_neq(base, rng_key(42, 3, RNG_SERVICE, 8));
    /* Neighbouring keys differ in about half their bits. */
    int bits = __builtin_popcountll(base ^ rng_key(42, 3, RNG_SERVICE, 8));
    cr_assert(bits > 16 && bits < 48, "poor mixing: %d bits differ", bits);
}

Test(rng, uniform_passes_chi_square)
{
    gsl_rng *r = rng_create(2385, 0, RNG_ARRIVALS, 0);
    enum { CELLS = 100, N = 1000000 };
    static long count[CELLS];
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        cr_assert(u >= 0.0 && u < 1.0);
        count[(int)(u * CELLS)]++;
    }
    double chi2 = 0, e = (double)N / CELLS;
    for (int k = 0; k < CELLS; k++)
        chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
    double p = gsl_cdf_chisq_Q(chi2, CELLS - 1);
    fprintf(stderr, "uniform chi2 = %.2f on %d dof, p = %.3f\n", chi2,
            CELLS - 1, p);
    cr_assert(p > 0.001, "chi2 %.1f, p %.5f", chi2, p);
    gsl_rng_free(r);
}

Test(rng, gsl_exponential_mean_on_our_generator)
{
    gsl_rng *r = rng_create(7, 1, RNG_SERVICE, 0);
    enum { N = 400000 };
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        double x = gsl_ran_exponential(r, 2.385);
        s += x;
        s2 += x * x;
    }
    double mean = s / N, sd = sqrt(s2 / N - mean * mean);
    double half = 1.96 * sd / sqrt((double)N);
    fprintf(stderr, "exponential mean: theory 2.385, sim %.5f +- %.5f\n",
            mean, half);
    cr_assert(fabs(mean - 2.385) < half * 1.5);
    gsl_rng_free(r);
}

/* The inline draws are GSL's draws: two streams of one key give the same
 * doubles through rng_uniform / rng_uniform_pos as through
 * gsl_rng_uniform / gsl_rng_uniform_pos, and so the same exponentials as
 * -mean ln(1 - gsl_rng_uniform). */
Test(rng, inline_draws_equal_gsl_draws)
{
    gsl_rng *a = rng_create(5, 1, RNG_ARRIVALS, 2);
    gsl_rng *b = rng_create(5, 1, RNG_ARRIVALS, 2);
    for (int i = 0; i < 100000; i++) {
        double x = rng_uniform(a), y = gsl_rng_uniform(b);
        cr_assert_eq(x, y, "draw %d: %.17g vs %.17g", i, x, y);
        cr_assert_eq(rng_uniform_pos(a), gsl_rng_uniform_pos(b));
        cr_assert_eq(rng_exponential(a, 2.5), -2.5 * log(1.0 - gsl_rng_uniform(b)));
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/*
 * dist.c - sampling the profile distributions with GSL.
 *
 * Lognormal: X = median * exp(sigma * Z), Z ~ N(0, 1), so that
 * median(X) = median and E[X] = median * exp(sigma^2 / 2).
 * Z comes from GSL's ziggurat sampler (Marsaglia & Tsang 2000), several
 * times faster than the polar Box-Muller method behind gsl_ran_gaussian.
 * Exponential: X = -mean * ln(1 - U) (rng_exponential, see rng.h).
 */
#include "dist.h"

#include "rng.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

static double empirical_at(const Dist *d, double u)
{
    if (d->nq == 1)
        return d->q_s[0];
    double x = u * (d->nq - 1);
    int i = (int)x;
    if (i >= d->nq - 1)
        return d->q_s[d->nq - 1];
    double f = x - i;
    return d->q_s[i] + f * (d->q_s[i + 1] - d->q_s[i]);
}

double dist_sample_s(const Dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case DIST_NONE:
        return 0.0;
    case DIST_CONSTANT:
        return d->a_s;
    case DIST_EXPONENTIAL:
        return rng_exponential(r, d->a_s);
    case DIST_LOGNORMAL:
        return d->a_s * exp(d->sigma * gsl_ran_gaussian_ziggurat(r, 1.0));
    case DIST_EMPIRICAL:
        return empirical_at(d, gsl_rng_uniform(r));
    }
    return 0.0;
}

double dist_mean_s(const Dist *d)
{
    switch (d->kind) {
    case DIST_NONE:
        return 0.0;
    case DIST_CONSTANT:
    case DIST_EXPONENTIAL:
        return d->a_s;
    case DIST_LOGNORMAL:
        return d->a_s * exp(0.5 * d->sigma * d->sigma);
    case DIST_EMPIRICAL: {
        /* mean of the piecewise-linear quantile function */
        if (d->nq == 1)
            return d->q_s[0];
        double s = 0;
        for (int i = 0; i + 1 < d->nq; i++)
            s += 0.5 * (d->q_s[i] + d->q_s[i + 1]);
        return s / (d->nq - 1);
    }
    }
    return 0.0;
}

double dist_quantile_s(const Dist *d, double p)
{
    switch (d->kind) {
    case DIST_NONE:
        return 0.0;
    case DIST_CONSTANT:
        return d->a_s;
    case DIST_EXPONENTIAL:
        return -d->a_s * log(1.0 - p); /* as rng_exponential */
    case DIST_LOGNORMAL:
        return d->a_s * exp(d->sigma * gsl_cdf_ugaussian_Pinv(p));
    case DIST_EMPIRICAL:
        return empirical_at(d, p);
    }
    return 0.0;
}

Dist dist_scaled(const Dist *d, double k)
{
    Dist out = *d;
    out.a_s *= k;
    for (int i = 0; i < out.nq; i++)
        out.q_s[i] *= k;
    return out;
}

/*
 * dist.h - duration distributions used by model profiles.
 *
 * A Dist is plain data: a kind and its parameters in seconds.  Profiles give
 * constant, exponential, lognormal (by median and sigma, the natural form for
 * measured latencies: median = e^mu) or empirical (equally spaced quantiles,
 * linearly interpolated -- what calibration produces).
 */
#ifndef SIM_CORE_DIST_H
#define SIM_CORE_DIST_H

#include <gsl/gsl_rng.h>

#define DIST_MAX_QUANTILES 65

typedef enum DistKind {
    DIST_NONE = 0, /* absent: samples 0 */
    DIST_CONSTANT,
    DIST_EXPONENTIAL,
    DIST_LOGNORMAL,
    DIST_EMPIRICAL
} DistKind;

typedef struct Dist {
    DistKind kind;
    double a_s;   /* constant: value; exponential: mean; lognormal: median */
    double sigma; /* lognormal shape (sd of the log) */
    int nq;       /* empirical: number of quantiles, p_i = i / (nq - 1) */
    double q_s[DIST_MAX_QUANTILES]; /* empirical: non-decreasing values */
} Dist;

/* One draw, in seconds, >= 0. */
double dist_sample_s(const Dist *d, gsl_rng *r);

/* The mean, in seconds. */
double dist_mean_s(const Dist *d);

/* The p-quantile, in seconds (0 < p < 1). */
double dist_quantile_s(const Dist *d, double p);

/* The same distribution with every duration multiplied by k > 0 (a
 * lognormal keeps its sigma). */
Dist dist_scaled(const Dist *d, double k);

#endif

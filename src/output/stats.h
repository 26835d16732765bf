/*
 * stats.h - means and Student-t confidence intervals across replications.
 *
 * Convention (reference/hpc-and-statistics.md): R independent replications,
 * mean +- t_{0.975, R-1} s / sqrt(R).  With R = 1 there is no interval and
 * the half-width is reported as NaN ("n/a" in tables, empty in CSV).
 */
#ifndef SIM_OUTPUT_STATS_H
#define SIM_OUTPUT_STATS_H

typedef struct Interval {
    double mean;
    double half;   /* 95% half-width; NaN when n < 2 */
    double sd;     /* sample standard deviation */
    int n;
} Interval;

/* Mean and 95% t-interval of x[0..n-1] (n >= 1). */
Interval stats_interval(const double *x, int n);

/* The same for a confidence level other than 95% (e.g. 0.99). */
Interval stats_interval_level(const double *x, int n, double level);

/* MSER truncation point (White 1997) of a series z[0..m-1] of batch means:
 * the d in 0..m/2 minimising sum_{j>=d} (z_j - mean(z[d..]))^2 / (m-d)^2.
 * With batches of 5 observations this is MSER-5. */
int stats_mser(const double *z, int m);

/* Erlang B blocking probability B(c, a), by the stable recursion
 * B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)). */
double stats_erlang_b(int c, double a);

/* Erlang C probability of waiting C(c, a), a < c. */
double stats_erlang_c(int c, double a);

#endif

/*
 * stats.c - t-intervals (GSL's t quantile) and the Erlang formulas.
 */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

/* GSL's t quantile, remembered for the last (p, df) asked on this thread:
 * a sweep's tables ask it for every metric of every point with the same
 * two, and it costs some 4,700 instructions. */
static double t_quantile(double p, double df)
{
    static _Thread_local double last_p = -1, last_df = -1, last_t;
    if (p != last_p || df != last_df) {
        last_t = gsl_cdf_tdist_Pinv(p, df);
        last_p = p;
        last_df = df;
    }
    return last_t;
}

Interval stats_interval_level(const double *x, int n, double level)
{
    Interval iv = {0.0, (double)NAN, (double)NAN, n};
    if (n <= 0)
        return iv;
    /* Welford's update: stable for large means and small spreads. */
    double mean = 0, m2 = 0;
    for (int i = 0; i < n; i++) {
        double d = x[i] - mean;
        mean += d / (i + 1);
        m2 += d * (x[i] - mean);
    }
    iv.mean = mean;
    if (n >= 2) {
        iv.sd = sqrt(m2 / (n - 1));
        double t = t_quantile(0.5 + 0.5 * level, (double)(n - 1));
        iv.half = t * iv.sd / sqrt((double)n);
    }
    return iv;
}

Interval stats_interval(const double *x, int n)
{
    return stats_interval_level(x, n, 0.95);
}

int stats_mser(const double *z, int m)
{
    /* suffix sums give every d in O(m) */
    double s1 = 0, s2 = 0, best = HUGE_VAL;
    int best_d = 0;
    for (int j = m - 1; j >= 0; j--) {
        s1 += z[j];
        s2 += z[j] * z[j];
        int d = j, n = m - d;
        if (d > m / 2)
            continue;
        double ss = s2 - s1 * s1 / n; /* sum of squared deviations */
        double mser = ss / ((double)n * n);
        if (mser <= best) { /* ties: the smaller d */
            best = mser;
            best_d = d;
        }
    }
    return best_d;
}

double stats_erlang_b(int c, double a)
{
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b;
}

double stats_erlang_c(int c, double a)
{
    double b = stats_erlang_b(c, a);
    double rho = a / c;
    return b / (1.0 - rho * (1.0 - b));
}

/*
 * fit.h - the statistics of calibration: quantiles, and the fits that turn
 * measurements into profile parameters.
 *
 * Pure functions on arrays, so tests can feed them synthetic measurements
 * with known parameters.  Conventions:
 *   - quantiles interpolate linearly between order statistics (the
 *     "type 7" definition of R and numpy);
 *   - the warm service time is lognormal with median a + c*b for batch b
 *     (DESIGN.md section 3).  a and c come from the per-batch medians by
 *     least squares on *relative* residuals (weights 1/median^2), so a
 *     batch-1 median of 2 ms counts as much as a batch-32 median of 60 ms;
 *     both are kept >= 0.  The spread sigma matches each batch's measured
 *     p95/p50 ratio, (ln p95 - ln p50) / z(0.95), averaged over batches:
 *     the tail a user cares about, not a variance that one outlier sets;
 *   - cold-start components (few repetitions) are lognormal with the
 *     median of the repetitions and the standard deviation of their logs.
 */
#ifndef SIM_CALIB_FIT_H
#define SIM_CALIB_FIT_H

#include <stddef.h>

#define FIT_Z95 1.6448536269514722

/* Sorts x ascending in place. */
void fit_sort(double *x, size_t n);

/* Quantile p in [0, 1] of sorted x (n >= 1). */
double fit_quantile(const double *sorted, size_t n, double p);

typedef struct AffineFit {
    double a, c;            /* y = a + c * x, both >= 0 */
    double max_rel_resid;   /* largest |fit - y| / y over the points */
} AffineFit;

/* Weighted least squares of y on x with weights 1/y^2 (y > 0); n >= 1.
 * One distinct x gives c = 0, a = mean y. */
void fit_affine_relative(const double *x, const double *y, size_t n,
                         AffineFit *out);

/* Ordinary least squares y = a + c x (a, c unconstrained); n >= 1. */
void fit_line(const double *x, const double *y, size_t n, double *a,
              double *c);

/* Lognormal spread from one sample's p50 and p95 (sorted, n >= 2). */
double fit_sigma_p95(const double *sorted, size_t n);

/* Standard deviation of ln x (x > 0); 0 for n < 2. */
double fit_log_sd(const double *x, size_t n);

#endif

/*
 * fit.c - quantiles and least-squares fits for calibration (see fit.h).
 */
#include "fit.h"

#include <math.h>
#include <stdlib.h>

#include "../util/xalloc.h"

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

void fit_sort(double *x, size_t n) { qsort(x, n, sizeof *x, cmp_double); }

double fit_quantile(const double *sorted, size_t n, double p)
{
    if (n == 1)
        return sorted[0];
    double h = p * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    double f = h - (double)lo;
    return sorted[lo] + f * (sorted[lo + 1] - sorted[lo]);
}

/* Weighted least squares y = a + c x with weights w. */
static int wls(const double *x, const double *y, const double *w, size_t n,
               double *a, double *c)
{
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        sw += w[i];
        sx += w[i] * x[i];
        sy += w[i] * y[i];
        sxx += w[i] * x[i] * x[i];
        sxy += w[i] * x[i] * y[i];
    }
    double det = sw * sxx - sx * sx;
    if (!(fabs(det) > 1e-12 * sw * sxx)) {
        *c = 0;
        *a = sy / sw;
        return -1;
    }
    *c = (sw * sxy - sx * sy) / det;
    *a = (sy - *c * sx) / sw;
    return 0;
}

void fit_line(const double *x, const double *y, size_t n, double *a,
              double *c)
{
    double *w = xmalloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0;
    wls(x, y, w, n, a, c);
    free(w);
}

void fit_affine_relative(const double *x, const double *y, size_t n,
                         AffineFit *out)
{
    double *w = xmalloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0 / (y[i] * y[i]);
    double a, c;
    wls(x, y, w, n, &a, &c);
    if (c < 0) { /* latency cannot fall with batch: a flat line */
        double sw = 0, sy = 0;
        for (size_t i = 0; i < n; i++)
            sw += w[i], sy += w[i] * y[i];
        c = 0, a = sy / sw;
    } else if (a < 0) { /* through the origin: c = sum w x y / sum w x^2 */
        double sxy = 0, sxx = 0;
        for (size_t i = 0; i < n; i++)
            sxy += w[i] * x[i] * y[i], sxx += w[i] * x[i] * x[i];
        a = 0, c = sxy / sxx;
    }
    free(w);
    out->a = a;
    out->c = c;
    out->max_rel_resid = 0;
    for (size_t i = 0; i < n; i++) {
        double r = fabs(a + c * x[i] - y[i]) / y[i];
        if (r > out->max_rel_resid)
            out->max_rel_resid = r;
    }
}

double fit_sigma_p95(const double *sorted, size_t n)
{
    double p50 = fit_quantile(sorted, n, 0.5), p95 = fit_quantile(sorted, n, 0.95);
    if (!(p50 > 0) || !(p95 > p50))
        return 0;
    return (log(p95) - log(p50)) / FIT_Z95;
}

double fit_log_sd(const double *x, size_t n)
{
    if (n < 2)
        return 0;
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        m += log(x[i]);
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        s += (log(x[i]) - m) * (log(x[i]) - m);
    return sqrt(s / (double)(n - 1));
}

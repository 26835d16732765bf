/*
 * hist.c - log-bucketed histogram with an exact small-run mode (see hist.h).
 *
 * The bucket index is 1 + floor(ln v / ln g): one log() per value, about
 * 20 ns, cheaper than the rest of a request's handling.
 */
#include "hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hist_reset(Hist *h)
{
    if (h->n > 0 && h->hi_b >= h->lo_b)
        memset(&h->b[h->lo_b], 0,
               (size_t)(h->hi_b - h->lo_b + 1) * sizeof h->b[0]);
    h->n = 0;
    h->min = INT64_MAX;
    h->max = INT64_MIN;
    h->sum = 0;
    h->lo_b = HIST_NBUCKETS;
    h->hi_b = -1;
}

int hist_bucket(int64_t v)
{
    if (v <= 0)
        return 0;
    static const double inv_log_g = 50.498754151103897; /* 1 / ln 1.02 */
    int k = 1 + (int)(log((double)v) * inv_log_g);
    return k < HIST_NBUCKETS ? k : HIST_NBUCKETS - 1;
}

void hist_add_in(Hist *h, int64_t v, int k)
{
    if (h->n < HIST_EXACT_CAP)
        h->exact[h->n] = v;
    h->n++;
    h->sum += (double)v;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    h->b[k]++;
    if (k < h->lo_b)
        h->lo_b = k;
    if (k > h->hi_b)
        h->hi_b = k;
}

void hist_add(Hist *h, int64_t v)
{
    hist_add_in(h, v, hist_bucket(v));
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rank_of(uint64_t n, double p)
{
    double r = ceil(p * (double)n);
    if (r < 1)
        r = 1;
    if (r > (double)n)
        r = (double)n;
    return (uint64_t)r;
}

double hist_quantile(const Hist *h, double p)
{
    if (h->n == 0)
        return 0.0;
    uint64_t rank = rank_of(h->n, p);
    if (h->n <= HIST_EXACT_CAP) {
        int64_t *tmp = malloc(h->n * sizeof *tmp);
        if (tmp == NULL)
            abort();
        memcpy(tmp, h->exact, h->n * sizeof *tmp);
        qsort(tmp, h->n, sizeof *tmp, cmp_i64);
        double v = (double)tmp[rank - 1];
        free(tmp);
        return v;
    }
    uint64_t seen = 0;
    for (int k = h->lo_b; k <= h->hi_b; k++) {
        seen += h->b[k];
        if (seen >= rank) {
            if (k == 0)
                return 0.0;
            double lo = pow(HIST_GAMMA, k - 1), hi = lo * HIST_GAMMA;
            double mid = 0.5 * (lo + hi);
            if (mid < (double)h->min)
                mid = (double)h->min;
            if (mid > (double)h->max || k == HIST_NBUCKETS - 1)
                mid = (double)h->max;
            return mid;
        }
    }
    return (double)h->max;
}

void hist_quantiles(const Hist *h, const double *p, int n, double *out)
{
    if (h->n == 0 || h->n > HIST_EXACT_CAP) {
        for (int i = 0; i < n; i++)
            out[i] = hist_quantile(h, p[i]);
        return;
    }
    int64_t *tmp = malloc(h->n * sizeof *tmp);
    if (tmp == NULL)
        abort();
    memcpy(tmp, h->exact, h->n * sizeof *tmp);
    qsort(tmp, h->n, sizeof *tmp, cmp_i64);
    for (int i = 0; i < n; i++)
        out[i] = (double)tmp[rank_of(h->n, p[i]) - 1];
    free(tmp);
}

double hist_mean(const Hist *h) { return h->n ? h->sum / (double)h->n : 0.0; }

/*
 * hist.c - log-bucketed histogram with an exact small-run mode (see hist.h).
 *
 * The bucket of v is defined by one formula, 1 + floor(ln v / ln g)
 * (hist_bucket_slow), but found without log(): the formula is monotone in
 * v, so bucket k starts at an integer lo[k] and a value's bucket is the
 * largest k with lo[k] <= v.  A second table maps v's top bits -- its
 * highest set bit and the 6 bits below it, 64 slices per octave -- to the
 * bucket where its slice starts; a slice spans a ratio of at most 65/64,
 * less than g = 1.02, so at most one bucket boundary lies inside it and
 * one comparison finishes the lookup.  Both tables are built once per
 * process from the formula itself (about 10,000 log() calls), so the
 * lookup returns exactly what the formula does; tests/unit/test_hist.c
 * compares the two on every value below 2^24 and around every boundary.
 * The lookup costs a few instructions against about 50 for log().
 */
#include "hist.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLICE_BITS 6
#define SLICES (1 << SLICE_BITS)
#define OCTAVES 63 /* highest set bit of a positive int64_t: 0..62 */

static int64_t bucket_lo[HIST_NBUCKETS + 1]; /* lo[k]: bucket k's first v */
static uint16_t slice_bucket[OCTAVES][SLICES];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* 1 / ln g as the formula has always used it.  (It is 1 / ln 1.0199998;
 * 1 / ln 1.02 is 50.498346.  Bucket k's edge is therefore below
 * 1.02^(k-1) by up to 0.024% (at k = 1499), well inside the 0.99% bound
 * of a reported quantile; it is kept so that every histogram stays what
 * it was.) */
static const double inv_log_g = 50.498754151103897;

int hist_bucket_slow(int64_t v)
{
    if (v <= 0)
        return 0;
    int k = 1 + (int)(log((double)v) * inv_log_g);
    return k < HIST_NBUCKETS ? k : HIST_NBUCKETS - 1;
}

/* The smallest v >= from with hist_bucket_slow(v) >= k (k >= 1): from the
 * formula's own edge, exp((k - 1) ln g), stepped to the exact integer. */
static int64_t first_of_bucket(int k, int64_t from)
{
    double guess = ceil(exp((double)(k - 1) / inv_log_g));
    int64_t v = guess > (double)from ? (int64_t)guess : from;
    while (v > from && hist_bucket_slow(v - 1) >= k)
        v--;
    while (hist_bucket_slow(v) < k)
        v++;
    return v;
}

static void build_tables(void)
{
    bucket_lo[0] = 0;
    bucket_lo[1] = 1;
    for (int k = 2; k < HIST_NBUCKETS; k++)
        bucket_lo[k] = first_of_bucket(k, bucket_lo[k - 1]);
    bucket_lo[HIST_NBUCKETS] = INT64_MAX; /* (never compared) */
    for (int oct = 0; oct < OCTAVES; oct++)
        for (int sl = 0; sl < SLICES; sl++) {
            int64_t start;
            if (oct < SLICE_BITS) /* small values: every v is its own slice */
                start = ((int64_t)1 << oct) + (sl & ((1 << oct) - 1));
            else
                start = (int64_t)(SLICES + sl) << (oct - SLICE_BITS);
            slice_bucket[oct][sl] = (uint16_t)hist_bucket_slow(start);
        }
}

void hist_init_tables(void) { pthread_once(&tables_once, build_tables); }

int hist_bucket(int64_t v)
{
    if (v <= 0)
        return 0;
    int oct = 63 - __builtin_clzll((unsigned long long)v);
    int sl = oct < SLICE_BITS ? (int)(v & ((1 << oct) - 1))
                              : (int)(v >> (oct - SLICE_BITS)) & (SLICES - 1);
    int k = slice_bucket[oct][sl];
    while (k < HIST_NBUCKETS - 1 && v >= bucket_lo[k + 1])
        k++; /* at most once: a slice holds at most one boundary */
    return k;
}

void hist_reset(Hist *h)
{
    hist_init_tables();
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

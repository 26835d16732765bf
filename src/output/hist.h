/*
 * hist.h - latency quantiles from a log-bucketed histogram.
 *
 * Bucket k >= 1 holds values in [g^(k-1), g^k) microseconds with g = 1.02;
 * bucket 0 holds 0.  A quantile is reported as the middle of its bucket,
 * (lo + hi) / 2, clamped to the smallest and largest value seen, so its
 * relative error is at most (g - 1) / (g + 1) = 0.99% (the idea of DDSketch,
 * Masson et al., VLDB 2019).  1,500 buckets reach 1.02^1499 us, about 90
 * days; larger values share the last bucket, reported as the exact maximum.
 *
 * Small runs are exact: the first HIST_EXACT_CAP values are also kept as
 * they are, and while no more than that many were added, quantiles come from
 * them (nearest rank: the ceil(p n)-th smallest).  Memory is fixed
 * (~44 KB), whatever the run length.
 */
#ifndef SIM_OUTPUT_HIST_H
#define SIM_OUTPUT_HIST_H

#include <stdint.h>

#define HIST_GAMMA 1.02
#define HIST_NBUCKETS 1500
#define HIST_EXACT_CAP 4096
#define HIST_MAX_REL_ERR 0.0099009901 /* (g - 1) / (g + 1) */

typedef struct Hist {
    uint64_t n;
    int64_t min, max;      /* exact extremes, us */
    double sum;            /* for the mean */
    int lo_b, hi_b;        /* range of buckets touched, for a cheap reset */
    uint64_t b[HIST_NBUCKETS];
    int64_t exact[HIST_EXACT_CAP];
} Hist;

void hist_reset(Hist *h);
void hist_add(Hist *h, int64_t v_us);

/* The same in two steps, for a value added to several histograms: its
 * bucket, then the adds.  hist_bucket is a table lookup that returns
 * exactly hist_bucket_slow's 1 + floor(ln v / ln g) (0 for v <= 0, capped
 * at the last bucket); its tables are built by hist_init_tables, which
 * hist_reset calls (once per process, thread-safe). */
int hist_bucket(int64_t v_us);
int hist_bucket_slow(int64_t v_us);
void hist_init_tables(void);
void hist_add_in(Hist *h, int64_t v_us, int bucket);

/* The p-quantile (0 < p <= 1) in us; 0 when empty. */
double hist_quantile(const Hist *h, double p);
double hist_mean(const Hist *h);

/* Several quantiles at once (p ascending or not): out[i] for p[i].  One
 * sort of the exact values, or one pass over the buckets. */
void hist_quantiles(const Hist *h, const double *p, int n, double *out);

#endif

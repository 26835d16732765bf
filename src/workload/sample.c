/*
 * sample.c - choosing functions of a trace (sample.h).
 */
#include "sample.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

typedef struct Ranked {
    uint64_t total;
    int idx;
} Ranked;

static int by_total_desc(const void *pa, const void *pb)
{
    const Ranked *a = pa, *b = pb;
    if (a->total != b->total)
        return a->total < b->total ? 1 : -1;
    return a->idx - b->idx;
}

static int by_index(const void *pa, const void *pb)
{
    return *(const int *)pa - *(const int *)pb;
}

int *sample_functions(const uint64_t *totals, int N, int method, int want,
                      uint64_t seed, int *n)
{
    int *idx = xmalloc(((size_t)N + 1) * sizeof *idx);
    for (int i = 0; i < N; i++)
        idx[i] = i;
    if (method == AZ_SAMPLE_ALL || want >= N) {
        *n = N;
        return idx;
    }
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, (unsigned long)seed);
    if (method == AZ_SAMPLE_RANDOM) {
        gsl_ran_shuffle(g, idx, (size_t)N, sizeof *idx);
        *n = want;
    } else {
        Ranked *rk = xmalloc((size_t)N * sizeof *rk);
        for (int i = 0; i < N; i++)
            rk[i] = (Ranked){totals[i], i};
        qsort(rk, (size_t)N, sizeof *rk, by_total_desc);
        for (int i = 0; i < N; i++)
            idx[i] = rk[i].idx;
        free(rk);
        if (method == AZ_SAMPLE_TOP) {
            *n = want;
        } else { /* want/4 at random from each quartile of total invocations */
            /* a quartile too small for its share passes the rest on (with
             * fewer than 4 functions some quartiles are empty) */
            int *out = xmalloc(((size_t)want + 4) * sizeof *out), k = 0;
            int carry = 0;
            for (int q = 0; q < 4; q++) {
                int lo = N * q / 4, hi = N * (q + 1) / 4;
                int take = want / 4 + (q < want % 4) + carry;
                carry = take > hi - lo ? take - (hi - lo) : 0;
                take -= carry;
                if (hi - lo > 1)
                    gsl_ran_shuffle(g, idx + lo, (size_t)(hi - lo),
                                    sizeof *idx);
                for (int i = 0; i < take; i++)
                    out[k++] = idx[lo + i];
            }
            memcpy(idx, out, (size_t)k * sizeof *idx);
            free(out);
            *n = k;
        }
    }
    gsl_rng_free(g);
    qsort(idx, (size_t)*n, sizeof *idx, by_index);
    return idx;
}

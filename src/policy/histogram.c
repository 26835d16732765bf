/*
 * histogram.c - the hybrid histogram policy (Shahrad et al., "Serverless in
 * the Wild", USENIX ATC'20, section 4.2).
 *
 * For each function a histogram of its idle times -- from the moment one of
 * its instances ran out of work to the function's next arrival -- in bins of
 * hist_bin_s (1 minute) up to hist_range_s (4 hours); longer idle times are
 * counted out of range.  When an instance goes idle:
 *   - if the function has seen fewer than hist_min_idle idle times, or more
 *     than hist_oob_max of them were out of range, or the histogram is not
 *     representative -- the coefficient of variation of its bin counts is
 *     below hist_cv_min (a flat histogram predicts nothing) -- the policy is
 *     the fixed keep-alive, keepalive_s;
 *   - otherwise, with head = the hist_head_pct percentile (lower bin edge)
 *     and tail = the hist_tail_pct percentile (upper bin edge):
 *       pre-warm window   = head x (1 - margin),
 *       keep-alive window = tail x (1 + margin) - pre-warm window;
 *     a zero pre-warm window keeps the instance for the keep-alive window,
 *     else the instance goes now and a fresh one is started when the
 *     pre-warm window ends (the platform does that).
 * The paper's ARIMA branch for functions with mostly out-of-range idle
 * times is replaced by the fixed fallback (documented in README).
 *
 * Representation: per function, bins allocated on its first idle time (240
 * x 4 bytes), the number of idle times, the out-of-range count, and the sum
 * of squared bin counts kept incrementally so the CV costs O(1); the
 * percentiles scan the bins (240 steps per decision).
 */
#include "policy.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../util/xalloc.h"

typedef struct HFn {
    uint32_t *bins;
    uint64_t n, oob; /* idle times seen; of which out of range */
    double sumsq;    /* sum over bins of count^2 */
    SimTime idle_at; /* when an instance last went idle, or -1 */
} HFn;

typedef struct HState {
    KeepaliveSpec spec;
    SimTime ttl_us, bin_us;
    int nbins;
    int n_fn;
    HFn *fn;
} HState;

static int hist_init(void *state, const KeepaliveSpec *spec, int n_fn, Err *err)
{
    HState *st = state;
    st->spec = *spec;
    if (!(spec->hist_bin_s > 0) || !(spec->hist_range_s >= spec->hist_bin_s))
        return err_set(err, SIM_EINPUT, "hist_bin_s",
                       "need 0 < hist_bin_s <= hist_range_s");
    st->ttl_us = time_from_s(spec->keepalive_s);
    st->bin_us = time_from_s(spec->hist_bin_s);
    st->nbins = (int)ceil(spec->hist_range_s / spec->hist_bin_s);
    st->n_fn = n_fn > 0 ? n_fn : 1;
    st->fn = xcalloc((size_t)st->n_fn, sizeof *st->fn);
    for (int i = 0; i < st->n_fn; i++)
        st->fn[i].idle_at = -1;
    return 0;
}

static void hist_arrival(void *state, int fn, SimTime now)
{
    HState *st = state;
    HFn *f = &st->fn[fn];
    if (f->idle_at < 0)
        return; /* no instance went idle since the last arrival */
    SimTime it = now - f->idle_at;
    f->idle_at = -1;
    f->n++;
    int64_t k = it / st->bin_us;
    if (k >= st->nbins) {
        f->oob++;
        return;
    }
    if (f->bins == NULL)
        f->bins = xcalloc((size_t)st->nbins, sizeof *f->bins);
    f->sumsq += 2.0 * f->bins[k] + 1.0;
    f->bins[k]++;
}

/* Whether fn's histogram is trusted (see the file comment). */
static int representative(const HState *st, const HFn *f)
{
    if (f->n < (uint64_t)st->spec.hist_min_idle || f->bins == NULL)
        return 0;
    uint64_t in = f->n - f->oob;
    if ((double)f->oob > st->spec.hist_oob_max * (double)f->n || in == 0)
        return 0;
    double mean = (double)in / st->nbins;
    double var = f->sumsq / st->nbins - mean * mean;
    double cv = var > 0 ? sqrt(var) / mean : 0.0;
    return cv >= st->spec.hist_cv_min;
}

/* The bin where the cumulative count first reaches pct % of `in`. */
static int percentile_bin(const HState *st, const HFn *f, uint64_t in,
                          double pct)
{
    double want = pct / 100.0 * (double)in;
    uint64_t cum = 0;
    for (int k = 0; k < st->nbins; k++) {
        cum += f->bins[k];
        if ((double)cum >= want && cum > 0)
            return k;
    }
    return st->nbins - 1;
}

static KaDecision hist_idle(void *state, int fn, const KaIdle *idle)
{
    HState *st = state;
    HFn *f = &st->fn[fn];
    f->idle_at = idle->now;
    KaDecision d = {st->ttl_us, 0};
    if (!representative(st, f))
        return d;
    uint64_t in = f->n - f->oob;
    int head = percentile_bin(st, f, in, st->spec.hist_head_pct);
    int tail = percentile_bin(st, f, in, st->spec.hist_tail_pct);
    double m = st->spec.hist_margin;
    SimTime prewarm = (SimTime)((double)(head * st->bin_us) * (1 - m));
    SimTime end = (SimTime)((double)((tail + 1) * st->bin_us) * (1 + m));
    d.prewarm_us = prewarm;
    d.keepalive_us = end - prewarm;
    return d;
}

static void hist_fini(void *state)
{
    HState *st = state;
    for (int i = 0; i < st->n_fn; i++)
        free(st->fn[i].bins);
    free(st->fn);
}

const KeepalivePolicyType policy_keepalive_hybrid = {
    "hybrid-histogram", sizeof(HState),      hist_init,       hist_arrival,
    hist_idle,          policy_lru_priority, policy_no_evict, hist_fini};

/*
 * cache.c - keep-alive as caching (Fuerst & Sharma, "FaasCache", ASPLOS'21):
 * idle instances are kept until memory is needed, and the policy only ranks
 * them for eviction.
 *
 * greedy-dual: an instance going idle gets priority
 *     clock + frequency x cold-start cost / memory,
 * frequency = invocations of its function since the function last had no
 * instance, cost = the instance's own start time (seconds), memory in MB.
 * Evicting an instance advances the clock to its priority, so instances
 * idle since long ago age relative to fresh ones (the "greedy-dual-size-
 * frequency" rule of web caching, Cherkasova 1998).  lru: priority = the
 * time it went idle.
 *
 * Representation: one frequency counter per function (8 bytes x functions),
 * the clock; nothing per instance -- the platform stores each instance's
 * priority with it.  With no memory limit nothing is ever evicted, so both
 * keep every instance to the end of the run.
 */
#include "policy.h"

#include <stdint.h>
#include <stdlib.h>

#include "../util/xalloc.h"

typedef struct GdState {
    double clock;
    uint64_t *freq;
} GdState;

static int gd_init(void *state, const KeepaliveSpec *spec, int n_fn, Err *err)
{
    GdState *st = state;
    (void)spec;
    (void)err;
    st->freq = xcalloc((size_t)(n_fn > 0 ? n_fn : 1), sizeof *st->freq);
    return 0;
}

static void gd_arrival(void *state, int fn, SimTime now)
{
    (void)now;
    ((GdState *)state)->freq[fn]++;
}

static KaDecision keep_forever(void *state, int fn, const KaIdle *idle)
{
    (void)state;
    (void)fn;
    (void)idle;
    KaDecision d = {KA_FOREVER, 0};
    return d;
}

static double gd_priority(void *state, int fn, const KaIdle *idle)
{
    GdState *st = state;
    double mem = idle->memory_mb > 0 ? idle->memory_mb : 1;
    return st->clock + (double)st->freq[fn] * time_to_s(idle->cold_us) / mem;
}

static void gd_evict(void *state, int fn, double prio, int last)
{
    GdState *st = state;
    if (prio > st->clock)
        st->clock = prio;
    if (last)
        st->freq[fn] = 0;
}

static void gd_fini(void *state)
{
    free(((GdState *)state)->freq);
}

const KeepalivePolicyType policy_keepalive_greedy_dual = {
    "greedy-dual", sizeof(GdState), gd_init,  gd_arrival,
    keep_forever,  gd_priority,     gd_evict, gd_fini};

const KeepalivePolicyType policy_keepalive_lru = {
    "lru",           1,
    policy_no_init,  policy_no_arrival,
    keep_forever,    policy_lru_priority,
    policy_no_evict, policy_no_fini};

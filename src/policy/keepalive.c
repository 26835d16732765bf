/*
 * keepalive.c - the fixed-TTL and no-keep-alive policies.
 *
 * fixed: an idle instance is torn down keepalive_s after its last request
 * finished (AWS Lambda keeps idle environments about 10 minutes, observed
 * 2019; hence the 600 s default).  none: torn down as soon as it is idle,
 * so every request is cold.  Under a memory limit both evict the least
 * recently used idle instance first.
 */
#include "policy.h"

typedef struct FixedState {
    SimTime ttl_us;
} FixedState;

static int fixed_init(void *state, const KeepaliveSpec *spec, int n_fn,
                      Err *err)
{
    FixedState *st = state;
    (void)n_fn;
    if (!(spec->keepalive_s >= 0))
        return err_set(err, SIM_EINPUT, "keepalive_s", "must be >= 0");
    st->ttl_us = time_from_s(spec->keepalive_s);
    return 0;
}

static KaDecision fixed_idle(void *state, int fn, const KaIdle *idle)
{
    (void)fn;
    (void)idle;
    KaDecision d = {((FixedState *)state)->ttl_us, 0};
    return d;
}

const KeepalivePolicyType policy_keepalive_fixed = {
    "fixed",    sizeof(FixedState),  fixed_init,      policy_no_arrival,
    fixed_idle, policy_lru_priority, policy_no_evict, policy_no_fini};

static KaDecision none_idle(void *state, int fn, const KaIdle *idle)
{
    (void)state;
    (void)fn;
    (void)idle;
    KaDecision d = {0, 0};
    return d;
}

const KeepalivePolicyType policy_keepalive_none = {
    "none",          1,
    policy_no_init,  policy_no_arrival,
    none_idle,       policy_lru_priority,
    policy_no_evict, policy_no_fini};

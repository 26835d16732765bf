/*
 * keepalive.c - the fixed-TTL and no-keep-alive policies.
 *
 * fixed: an idle instance is torn down keepalive_s after its last request
 * finished (AWS Lambda keeps idle environments about 10 minutes, observed
 * 2019; hence the 600 s default).  none: torn down as soon as it is idle,
 * so every request is cold.
 */
#include "policy.h"

typedef struct FixedState {
    SimTime ttl_us;
} FixedState;

static int fixed_init(void *state, const KeepaliveSpec *spec, Err *err)
{
    FixedState *st = state;
    if (!(spec->keepalive_s >= 0))
        return err_set(err, SIM_EINPUT, "keepalive_s", "must be >= 0");
    st->ttl_us = time_from_s(spec->keepalive_s);
    return 0;
}

static void no_arrival(void *state, unsigned fn, SimTime now)
{
    (void)state;
    (void)fn;
    (void)now;
}

static SimTime fixed_keepalive(void *state, unsigned fn, SimTime now)
{
    (void)fn;
    (void)now;
    return ((FixedState *)state)->ttl_us;
}

static void no_fini(void *state) { (void)state; }

const KeepalivePolicyType policy_keepalive_fixed = {
    "fixed", sizeof(FixedState), fixed_init, no_arrival, fixed_keepalive,
    no_fini};

static int none_init(void *state, const KeepaliveSpec *spec, Err *err)
{
    (void)state;
    (void)spec;
    (void)err;
    return 0;
}

static SimTime none_keepalive(void *state, unsigned fn, SimTime now)
{
    (void)state;
    (void)fn;
    (void)now;
    return 0;
}

const KeepalivePolicyType policy_keepalive_none = {
    "none", 1, none_init, no_arrival, none_keepalive, no_fini};

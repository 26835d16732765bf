/*
 * policy.c - the registry of keep-alive policies, by scenario name, and the
 * small pieces several policies share.
 */
#include "policy.h"

#include <stdio.h>
#include <string.h>

static const KeepalivePolicyType *const registry[] = {
    &policy_keepalive_fixed,  &policy_keepalive_none,
    &policy_keepalive_hybrid, &policy_keepalive_greedy_dual,
    &policy_keepalive_lru,
};

static const char *const names[] = {"fixed",       "none", "hybrid-histogram",
                                    "greedy-dual", "lru",  NULL};

const KeepalivePolicyType *policy_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

const char *const *policy_names(void)
{
    return names;
}

void policy_spec_defaults(KeepaliveSpec *ka)
{
    memset(ka, 0, sizeof *ka);
    snprintf(ka->policy, sizeof ka->policy, "fixed");
    ka->keepalive_s = 600;
    ka->hist_range_s = 4 * 3600.0; /* 4 hours of 1-minute bins */
    ka->hist_bin_s = 60;
    ka->hist_head_pct = 5;
    ka->hist_tail_pct = 99;
    ka->hist_margin = 0.10;
    ka->hist_cv_min = 2;
    ka->hist_min_idle = 10;
    ka->hist_oob_max = 0.5;
}

int policy_no_init(void *state, const KeepaliveSpec *spec, int n_fn, Err *err)
{
    (void)state;
    (void)spec;
    (void)n_fn;
    (void)err;
    return 0;
}

void policy_no_arrival(void *state, int fn, SimTime now)
{
    (void)state;
    (void)fn;
    (void)now;
}

/* Least recently used first: the time it went idle, in seconds. */
double policy_lru_priority(void *state, int fn, const KaIdle *idle)
{
    (void)state;
    (void)fn;
    return time_to_s(idle->now);
}

void policy_no_evict(void *state, int fn, double prio, int last)
{
    (void)state;
    (void)fn;
    (void)prio;
    (void)last;
}

void policy_no_fini(void *state)
{
    (void)state;
}

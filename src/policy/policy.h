/*
 * policy.h - keep-alive / pre-warm policies: a const table of functions.
 *
 * A policy decides how long an idle on-demand instance is kept before it is
 * torn down (DESIGN.md section 3).  Each policy is one `const
 * KeepalivePolicyType` (the shape of GSL's gsl_rng_type and ROSS's
 * tw_lptype): a name as spelled in scenario JSON, the size of its state,
 * which the platform allocates zeroed, and its functions.  policy.c holds
 * the registry by name; adding a policy means adding one line there.
 */
#ifndef SIM_POLICY_POLICY_H
#define SIM_POLICY_POLICY_H

#include <stddef.h>

#include "../core/time.h"
#include "../util/err.h"

typedef struct KeepaliveSpec {
    char policy[32];      /* registry name: "fixed", "none" */
    double keepalive_s;   /* fixed: idle time before teardown; default 600 */
} KeepaliveSpec;

typedef struct KeepalivePolicyType {
    const char *name;
    size_t state_size;
    /* Reads its parameters; returns 0 or -SIM_E*. */
    int (*init)(void *state, const KeepaliveSpec *spec, Err *err);
    /* A request for function fn arrived at `now`. */
    void (*on_arrival)(void *state, unsigned fn, SimTime now);
    /* An instance of function fn just went idle at `now`: how long to keep
     * it, in us (<= 0: tear it down at once). */
    SimTime (*keepalive_us)(void *state, unsigned fn, SimTime now);
    void (*fini)(void *state);
} KeepalivePolicyType;

extern const KeepalivePolicyType policy_keepalive_fixed;
extern const KeepalivePolicyType policy_keepalive_none;

/* The policy registered under `name`, or NULL. */
const KeepalivePolicyType *policy_find(const char *name);

/* The registered names, NULL-terminated (for messages and --help). */
const char *const *policy_names(void);

#endif

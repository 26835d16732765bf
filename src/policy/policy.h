/*
 * policy.h - keep-alive / pre-warm policies: a const table of functions.
 *
 * A policy decides, for every on-demand instance that goes idle, how long it
 * is kept (keep-alive) and whether it is instead torn down and started again
 * later (pre-warm); and, when nodes run out of memory, which idle instance
 * is evicted first (its priority: the lowest goes).  DESIGN.md section 3.
 * Each policy is one `const KeepalivePolicyType` (the shape of GSL's
 * gsl_rng_type and ROSS's tw_lptype): a name as spelled in scenario JSON,
 * the size of its state, which the platform allocates zeroed, and its
 * functions.  policy.c holds the registry by name; adding a policy means
 * adding one line there.
 *
 *   fixed             keep keepalive_s; evict least recently used
 *   none              tear down at once
 *   hybrid-histogram  Shahrad et al., ATC'20 (histogram.c)
 *   greedy-dual       Fuerst & Sharma, ASPLOS'21 (cache.c): keep until
 *                     evicted; priority clock + frequency x cost / memory
 *   lru               keep until evicted; least recently used goes first
 *
 * Policies see functions by index (0 .. n_fn - 1) and keep per-function
 * state in arrays sized at init; they never see instances, so the platform
 * stays the only owner of instance life cycles.
 */
#ifndef SIM_POLICY_POLICY_H
#define SIM_POLICY_POLICY_H

#include <stddef.h>

#include "../core/time.h"
#include "../util/err.h"

/* keepalive_us meaning "until evicted". */
#define KA_FOREVER SIM_TIME_MAX

typedef struct KeepaliveSpec {
    char policy[32];        /* registry name */
    double keepalive_s;     /* fixed, and hybrid's fallback; default 600 */
    double memory_limit_gb; /* node memory for instances; 0 = unlimited */
    double hist_range_s;    /* hybrid: histogram range (4 h) */
    double hist_bin_s;      /* hybrid: bin width (60 s) */
    double hist_head_pct;   /* hybrid: pre-warm percentile (5) */
    double hist_tail_pct;   /* hybrid: keep-alive percentile (99) */
    double hist_margin;     /* hybrid: margin on both (0.10) */
    double hist_cv_min;     /* hybrid: representative iff CV >= this (2) */
    int hist_min_idle;      /* hybrid: idle times seen before trusting (10) */
    double hist_oob_max;    /* hybrid: out-of-range share tolerated (0.5) */
} KeepaliveSpec;

/* What the platform knows about an instance going idle. */
typedef struct KaIdle {
    SimTime now;
    SimTime cold_us;  /* how long its start took (cold-start cost) */
    double memory_mb; /* memory it holds */
} KaIdle;

/* A policy's answer for an instance going idle. */
typedef struct KaDecision {
    SimTime keepalive_us; /* keep idle this long (KA_FOREVER; <= 0: tear
                             down now) */
    SimTime prewarm_us;   /* > 0: tear down now, start a fresh instance
                             this long from now and keep it keepalive_us
                             once ready */
} KaDecision;

typedef struct KeepalivePolicyType {
    const char *name;
    size_t state_size;
    /* Reads its parameters, sizes per-function state for n_fn functions;
     * returns 0 or -SIM_E*. */
    int (*init)(void *state, const KeepaliveSpec *spec, int n_fn, Err *err);
    /* A request for function fn arrived at `now`. */
    void (*on_arrival)(void *state, int fn, SimTime now);
    /* An on-demand instance of fn has no work left. */
    KaDecision (*on_idle)(void *state, int fn, const KaIdle *idle);
    /* Its eviction priority at that moment: the lowest is evicted first. */
    double (*priority)(void *state, int fn, const KaIdle *idle);
    /* An idle instance of fn with priority `prio` was evicted for room;
     * `last` when fn has no instance left. */
    void (*on_evict)(void *state, int fn, double prio, int last);
    void (*fini)(void *state);
} KeepalivePolicyType;

extern const KeepalivePolicyType policy_keepalive_fixed;
extern const KeepalivePolicyType policy_keepalive_none;
extern const KeepalivePolicyType policy_keepalive_hybrid;
extern const KeepalivePolicyType policy_keepalive_greedy_dual;
extern const KeepalivePolicyType policy_keepalive_lru;

/* The policy registered under `name`, or NULL. */
const KeepalivePolicyType *policy_find(const char *name);

/* The registered names, NULL-terminated (for messages and --help). */
const char *const *policy_names(void);

/* The defaults of every field: fixed, 600 s, no memory limit, and the
 * hybrid histogram's parameters from Shahrad et al. */
void policy_spec_defaults(KeepaliveSpec *ka);

/* Shared pieces for the policies' tables. */
int policy_no_init(void *state, const KeepaliveSpec *spec, int n_fn, Err *err);
void policy_no_arrival(void *state, int fn, SimTime now);
double policy_lru_priority(void *state, int fn, const KaIdle *idle);
void policy_no_evict(void *state, int fn, double prio, int last);
void policy_no_fini(void *state);

#endif

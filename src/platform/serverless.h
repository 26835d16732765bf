/*
 * serverless.h - the serverless platform component: on-demand and
 * provisioned instances of one function, or of each function of a
 * many-function trace (DESIGN.md section 3).
 *
 * A World reaches it through its PlatformOps table, platform_serverless
 * (platform.h); serverless.c explains the semantics.  What is declared here
 * is for tests that read its per-function counters (World.srv).
 */
#ifndef SIM_PLATFORM_SERVERLESS_H
#define SIM_PLATFORM_SERVERLESS_H

#include <stdint.h>

#include "../core/time.h"

typedef struct SrvPool SrvPool;

/* One function's counters, over requests that arrived after the warm-up
 * (instances and idle memory over [warm-up, now)). */
typedef struct SrvFnStats {
    /* first what every request updates (serverless.c keeps these near
     * the function's lists, in the lines it fetches ahead) */
    uint64_t arrivals, completed, cold;
    double idle_mb_us;    /* memory held idle: MB x us */
    uint64_t rejected, timed_out;
    uint64_t starts;      /* on-demand instance starts (pre-warms
                             included), as the run's cold_starts */
    uint64_t prewarms;    /* of which started by a pre-warm */
    uint64_t evictions;   /* its idle instances evicted for room */
    double memory_mb;     /* one instance's memory */
} SrvFnStats;

int srvpool_functions(const SrvPool *s);

/* Function fn's counters, idle memory closed at `now`. */
void srvpool_fn_stats(SrvPool *s, int fn, SimTime now, SrvFnStats *out);

/* Function fn's checkpoint: its model's index in the alternative's models
 * set (without a set, fn: each function is its own deployment, with its
 * own copy of the weights), and *size_mb its size (10^6 bytes). */
int srvpool_fn_checkpoint(const SrvPool *s, int fn, double *size_mb);

/* The pre-loading plan (ClusterSpec.preload_*): the models ranked by the
 * trace's arrivals to their functions, most first (ties: lower index;
 * models without arrivals are not ranked), at most preload_models of them;
 * *n gets how many.  A view, valid until the pool is destroyed; NULL with
 * *n = 0 without pre-loading. */
const int *srvpool_preload_ranking(const SrvPool *s, int *n);

/* The nodes' storage tiers (a view, valid until the pool is destroyed), or
 * NULL without tiers. */
const struct Storage *srvpool_storage(const SrvPool *s);

#endif

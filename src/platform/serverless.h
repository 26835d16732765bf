/*
 * serverless.h - the serverless platform component: on-demand and
 * provisioned instances of one function, or of each function of a
 * many-function trace (DESIGN.md section 3).
 *
 * It lives inside a World (world.h), which owns the engine, the requests
 * and the metrics; the World hands it requests with srvpool_route() and
 * its events with srvpool_handle().  serverless.c explains the semantics.
 */
#ifndef SIM_PLATFORM_SERVERLESS_H
#define SIM_PLATFORM_SERVERLESS_H

#include <stddef.h>

#include "../pricing/pricing.h"
#include "world.h"

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

/* Creates the component for alternative `alt` (its serverless fields) and
 * its provisioned instances, ready at time 0: n_fn functions, function i
 * holding fn_memory_mb[i] MB (0 or a NULL array: the alternative's). */
SrvPool *srvpool_create(World *w, const AltSpec *alt, int n_fn,
                        const double *fn_memory_mb);
void srvpool_destroy(SrvPool *s);

/* Takes a new request: a warm slot, a starting instance, a new instance,
 * the queue -- or rejects it (through world_end_request). */
void srvpool_route(SrvPool *s, Request *req);

/* Hints (util/prefetch.h) that change nothing: a request for function
 * `fn` arrives soon, so its state is fetched into cache while the events
 * before it run; then, an arrival later, the instance it will find (read
 * from that state, by then in cache). */
void srvpool_warm_fn(const SrvPool *s, int fn);
void srvpool_warm_instance(const SrvPool *s, int fn);

/* Handles DONE, BATCH, READY, EXPIRE, PREWARM, PROVISION and WINDOW
 * events. */
void srvpool_handle(SrvPool *s, const Event *ev);

/* Requests waiting in the function queue. */
int srvpool_queued(const SrvPool *s);

/* Bills a request still running at the horizon for what it ran. */
void srvpool_bill_partial(SrvPool *s, const Request *req, SimTime ran_us);

/* The cost accumulators at `now`; `final` closes the provisioned billing
 * period (rounded up), otherwise the open period counts unrounded. */
void srvpool_cost(SrvPool *s, SimTime now, int final, CostAcc *out);

/* Node memory utilization (time-average used / total) up to now,
 * evictions of idle instances for room, starts refused for lack of room. */
void srvpool_cluster_stats(SrvPool *s, SimTime now, double *mem_util,
                           uint64_t *evictions, uint64_t *no_room);

/* Checks the cluster's books against its instances: every node's use is
 * the sum of its instances' demands and within its capacity.  0, or -1 with
 * a message. */
int srvpool_check(const SrvPool *s, char *msg, size_t size);

int srvpool_functions(const SrvPool *s);

/* Function fn's counters, idle memory closed at `now`. */
void srvpool_fn_stats(SrvPool *s, int fn, SimTime now, SrvFnStats *out);

#endif

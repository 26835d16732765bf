/*
 * serverless.h - the serverless platform component: on-demand and
 * provisioned instances of one function (DESIGN.md section 3).
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

/* Creates the component for alternative `alt` (its serverless fields) and
 * its provisioned instances, ready at time 0. */
SrvPool *srvpool_create(World *w, const AltSpec *alt);
void srvpool_destroy(SrvPool *s);

/* Takes a new request: a warm slot, a starting instance, a new instance,
 * the queue -- or rejects it (through world_end_request). */
void srvpool_route(SrvPool *s, Request *req);

/* Handles DONE, READY, EXPIRE, PROVISION and WINDOW events. */
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

#endif

/*
 * platform.h - a platform component: the plug-in that keeps instances,
 * routing and billing for one kind of deployment (serverless pool, VM
 * fleet, ...), a const table of functions like the keep-alive policies.
 *
 * A World (world.h) holds one component per platform of its alternative
 * (a hybrid holds a VM fleet and a serverless pool) as (ops, state) pairs
 * and reaches them only through this table: it routes arrivals to them,
 * dispatches their events, and asks them for costs and statistics at the
 * end.  Components see the World through host.h.  Each component says
 * which event kinds it handles (`events`, a bit per kind): the World keeps
 * one table kind -> component, except for EV_DONE, which goes to the
 * component that holds the request (Request.comp).
 *
 * Ops marked "may be NULL" are optional; the others are required.
 */
#ifndef SIM_PLATFORM_PLATFORM_H
#define SIM_PLATFORM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../executor/llm_stats.h"
#include "host.h"

typedef struct PlatformOps {
    const char *name;          /* "serverless", "vm" */
    uint64_t events;           /* EV_BIT of every kind it handles, EV_DONE
                                  of its requests apart */
    int vm_served;             /* its started requests count as served by
                                  VMs (served_vm_pct, the hybrid split) */
    /* The component for alternative `alt`, ready at time 0 (it may
     * schedule its first events). */
    void *(*create)(World *w, const AltSpec *alt);
    void (*destroy)(void *st);
    /* Takes a new request: serves, queues or rejects it (through
     * world_end_request). */
    void (*route)(void *st, Request *req);
    /* It could start a request routed now without waiting (the hybrid's
     * free-slot rule). */
    int (*accepts)(const void *st);
    /* Expected queueing delay of a request routed now, seconds. */
    double (*expected_wait_s)(const void *st);
    /* Handles an event of one of its kinds (or a DONE of its request). */
    void (*handle)(void *st, const Event *ev);
    /* Requests waiting in its queues. */
    int (*queued)(const void *st);
    /* Hints that change nothing: a request for function fn_next arrives
     * next, one for fn_ahead after it.  May be NULL. */
    void (*prefetch)(const void *st, int fn_next, int fn_ahead);
    /* Hints that change nothing: ev (one of its kinds, or a DONE of its
     * request) comes due within a few events (core/sim.h, SimWarm).
     * May be NULL. */
    void (*warm)(const void *st, const Event *ev);
    /* Checks its invariants: 0, or -1 with a message.  May be NULL. */
    int (*check)(const void *st, char *msg, size_t size);
    /* The warm-up point has come: costs count from here. */
    void (*warmup)(void *st, SimTime now);
    /* The horizon: billing ends.  Called once.  May be NULL. */
    void (*close)(void *st, SimTime horizon);
    /* A request still running at the horizon is billed for what it ran.
     * May be NULL. */
    void (*bill_partial)(void *st, const Request *req, SimTime ran_us);
    /* Dollars accrued up to now -- `final`: after close, billing periods
     * rounded; else open periods unrounded -- over the whole run, or from
     * the warm-up point on (`since_warmup`).  With v != NULL its parts are
     * added into v[MET_cost_*] (a RunResult's values). */
    double (*cost_usd)(void *st, SimTime now, int final, int since_warmup,
                       double *v);
    /* Its statistics at the horizon h into v (RunResult values: only its
     * own fields), and its per-function rows to fn_out (may be NULL). */
    void (*stats)(void *st, SimTime h, double *v, FILE *fn_out);
    /* The id of the instance or VM serving req, or -1. */
    int64_t (*server_id)(const void *st, const Request *req);
    /* A composite's parts into out->part (after stats).  May be NULL. */
    void (*parts)(const void *st, RunResult *out);
    /* Requests it started (less starts lost to interruptions). */
    uint64_t (*served)(const void *st);
    /* Adds its LLM engines' counters, cumulative from time 0 to now, into
     * *sum (executor/llm_stats.h).  May be NULL. */
    void (*llm_stats)(const void *st, SimTime now, LlmRunStats *sum);
    /* A request it made with world_carrier_new ended with `outcome` (then
     * returns to the pool).  NULL for components that make none. */
    void (*carrier_ended)(void *st, Request *carrier, ReqOutcome outcome);
} PlatformOps;

extern const PlatformOps platform_serverless, platform_vm, platform_api,
    platform_queue, platform_knative;
extern const PlatformOps platform_pipeline, platform_rollout; /* compose.c */

/* The table of the platform named `name`, or NULL. */
const PlatformOps *platform_find(const char *name);

#endif

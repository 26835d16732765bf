/*
 * serverless.h - the serverless platform: on-demand and provisioned
 * instances of one function, driven by the event engine.
 *
 * Semantics are DESIGN.md section 3; the file comment of serverless.c says
 * how they map to events.  Two ways to use it:
 *
 *   serverless_run(rc, &result)            one whole run (what the CLI does)
 *
 *   Srv *s = srv_create(rc);               step by step (tests)
 *   while (sim_step(srv_sim(s), rc->horizon)) { ... srv_state(s) ... }
 *   srv_finish(s, &result); srv_destroy(s);
 */
#ifndef SIM_PLATFORM_SERVERLESS_H
#define SIM_PLATFORM_SERVERLESS_H

#include "../core/sim.h"
#include "../output/metrics.h"
#include "spec.h"

typedef struct Srv Srv;

/* A snapshot for tests and progress lines. */
typedef struct SrvState {
    int starting, idle, busy;  /* instances by state */
    int queued;                /* requests in the function queue */
    uint64_t live_requests;    /* arrived and not ended */
} SrvState;

/* Builds the world for one run: streams, provisioned instances, the first
 * arrival.  `rc` and what it points to are borrowed for the Srv's life. */
Srv *srv_create(const RunConfig *rc);
Sim *srv_sim(Srv *s);
SrvState srv_state(const Srv *s);

/* Ends the run at the horizon: in-flight requests become unfinished, open
 * billing periods close, conservation is checked (a violation aborts: it is
 * a bug).  Fills *out. */
void srv_finish(Srv *s, RunResult *out);
void srv_destroy(Srv *s);

/* create + run to the horizon + finish + destroy. */
void serverless_run(const RunConfig *rc, RunResult *out);

#endif

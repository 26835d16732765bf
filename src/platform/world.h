/*
 * world.h - one simulated run: the engine, the traffic, the requests and
 * the platform components that serve them.
 *
 * A run of one alternative is a World.  The World owns the engine (Sim),
 * the arrival stream, the request pool, the metrics, and one or two
 * platform components: a serverless pool (SrvPool, platform/serverless.c)
 * and/or a VM fleet (VmFleet, platform/vmfleet.c).  A "hybrid" alternative
 * has both, and the World routes each arrival to one of them (DESIGN.md
 * section 3); "serverless" and "vm" alternatives have one.  Components
 * schedule their own events on the shared engine and end requests through
 * world_end_request(), so conservation and metrics live in one place.
 *
 * Common random numbers: at arrival the World draws the request's service
 * quantile u ~ U(0,1) from the service stream; whichever component serves
 * it turns u into a time with its own hardware's distribution.  Every
 * alternative on one seed therefore sees the same requests, each at the same
 * quantile of its latency distribution.
 *
 * This header is for the platform components and for tests that drive a
 * run step by step; the CLI only needs world_run().
 */
#ifndef SIM_PLATFORM_WORLD_H
#define SIM_PLATFORM_WORLD_H

#include <gsl/gsl_rng.h>

#include "../core/sim.h"
#include "../output/metrics.h"
#include "../util/pool.h"
#include "host.h"
#include "platform.h"
#include "spec.h"

/* One platform component of the run: its table and its state. */
#define WORLD_MAX_COMPONENTS 4
typedef struct WorldComponent {
    const PlatformOps *ops;
    void *state;
} WorldComponent;

/* An arrival pulled from the generator and not yet fired. */
typedef struct PendingArrival {
    SimTime t;              /* when it fires (>= horizon: never) */
    double dur_s;           /* its trace duration, NaN if none */
    int fn;                 /* its function, 0 .. n_fn - 1 */
    long prompt, output;    /* its token counts (-1: none) */
} PendingArrival;

typedef struct World {
    const RunConfig *rc;
    const AltSpec *alt;
    Sim *sim;
    Metrics *m;
    Pool req_pool;
    Pool seq_pool;        /* LlmSeqs of requests in llm engines (root's) */
    gsl_rng *r_arr, *r_svc, *r_cold;
    const ArrivalType *arr_type;
    ArrivalState arr;
    PendingArrival next;    /* the arrival in the engine's slot */
    PendingArrival ahead;   /* the one after it, pulled early */
    int n_fn;               /* functions (many-function traces), else 1 */
    WorldComponent comp[WORLD_MAX_COMPONENTS]; /* in creation order */
    int n_comp;
    int route_base;         /* hybrid: the component tried first (the VM
                               fleet) and the overflow; else both 0 */
    int route_overflow;
    uint8_t owner[EV_NKINDS]; /* event kind -> component */
    void *srv;              /* the serverless component's state, or NULL
                               (tests read its per-function counters
                               through serverless.h) */
    uint64_t next_req_id;
    uint64_t peak_pending;
    uint64_t stale;         /* lazily cancelled events dropped */
    uint32_t done_epochs;   /* the last DONE epoch given (the root's is
                               the one used: world_done_epoch) */
    uint64_t batches, batched;      /* batches run, requests in them */
    SimTime warmup;                 /* 0 = no warm-up deletion */
    uint64_t gw_calls, gw_calls_w;  /* gateway calls metered (all; at the
                                       warm-up point) */
    uint64_t gw_timeouts;           /* completed after its timeout, from
                                       the warm-up on */
    /* Sub-worlds (host.h): a part of a composite alternative shares its
     * root's engine and request pool; the root hands it the events that
     * carry its tag (kind >> WORLD_TAG_SHIFT). */
    struct World *root;             /* itself at the top */
    uint32_t tag;                   /* 0 at the top; k + 1 for root->sub[k] */
    int n_sub;
    struct World *sub[WORLD_MAX_SUBS];
    void (*on_end)(void *ctx, Request *req, ReqOutcome outcome);
    void *on_end_ctx;
    RunConfig own_rc;               /* a sub-world's config (its root's,
                                       for its own alternative) */
    uint64_t sub_unfinished, sub_pre_unfinished; /* live in it at the
                                       horizon, closed by the root */
} World;

#define WORLD_TAG_SHIFT 24

/* MSER-5 pilot: batch means of 5 consecutive completed latencies and the
 * time the last of each batch completed (the first MSER_MAX_BATCHES). */
#define MSER_MAX_BATCHES 1000000
typedef struct MserLog {
    double *z;
    SimTime *t;
    int m;
    double sum;
    int in_batch;
} MserLog;

/* A snapshot for tests and progress lines. */
typedef struct WorldState {
    int starting, idle, busy;  /* serverless instances by state */
    int vm_booting, vm_ready;  /* VMs */
    int queued;                /* requests waiting in any queue */
    uint64_t live_requests;    /* arrived and not ended */
} WorldState;

/* Builds the world for one run.  `rc` and what it points to are borrowed
 * for the World's life. */
World *world_create(const RunConfig *rc);
WorldState world_state(const World *w);

/* Ends the run at the horizon (requests still live become unfinished),
 * checks conservation (a violation aborts: it is a bug) and fills *out. */
void world_finish(World *w, RunResult *out);
void world_destroy(World *w);

/* Checks the run's invariants that are cheap to recompute (node capacity
 * and accounting): 0, or -1 with a message.  For tests. */
int world_check(const World *w, char *msg, size_t size);

/* The LLM engines' counters of every component, cumulative from time 0
 * to `now` (executor/llm_stats.h); has_engines 0 when no component runs
 * an LLM engine. */
void world_llm_stats(World *w, SimTime now, LlmRunStats *st);

/* create + run to the horizon (with progress) + finish + destroy.  With
 * WARMUP_MSER5, a pilot run on the same streams picks the warm-up point
 * first (the run is then repeated with it). */
void world_run(const RunConfig *rc, RunResult *out);

/* The MSER-5 warm-up point of a run (the pilot alone). */
SimTime world_mser5_warmup(const RunConfig *rc);

#endif

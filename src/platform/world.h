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
#include "spec.h"

/* Every event kind of a run, in priority order (lowest fires first at
 * equal times): windows close first, then slots free before arrivals look
 * for them, readiness before arrivals, expiries after arrivals (an instance
 * is still warm at its exact deadline), then control events.  A spot VM's
 * notice and interruption come before arrivals at the same time, so an
 * arrival then finds the VM draining or gone. */
#define WORLD_EVENTS(X)                                                        \
    X(EV_WARMUP)       /* the warm-up point: statistics start here */          \
    X(EV_SAMPLE)       /* close a timeseries window */                         \
    X(EV_DONE)         /* a request leaves its slot (obj: Request) */          \
    X(EV_SHARE)        /* a processor-shared instance's next end (obj:        \
                          Instance) */                                         \
    X(EV_BATCH)        /* a forming batch's wait ends (obj: Instance) */       \
    X(EV_VM_BATCH)     /* the same on a VM (obj: Vm) */                        \
    X(EV_READY)        /* a serverless instance finished starting */           \
    X(EV_VM_READY)     /* a VM finished booting and loading the model */       \
    X(EV_VM_NOTICE)    /* a spot VM's interruption notice (obj: Vm, or      \
                          NULL: a forced notice for the oldest VM) */          \
    X(EV_VM_INTERRUPT) /* the provider reclaims a spot VM (obj: Vm) */         \
    X(EV_ARRIVAL)      /* the next request */                                  \
    X(EV_EXPIRE)       /* keep-alive deadline (obj: Instance) */               \
    X(EV_PREWARM)      /* a pre-warm window ends (obj: a function) */          \
    X(EV_PROVISION)    /* provisioned count changes */                         \
    X(EV_WINDOW)       /* a new 10 s scaling window opens */                   \
    X(EV_VM_SCALE)     /* the autoscaler evaluates its target */

enum {
#define X(name) name,
    WORLD_EVENTS(X)
#undef X
        EV_NKINDS
};

typedef struct SrvPool SrvPool;
typedef struct VmFleet VmFleet;

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
    gsl_rng *r_arr, *r_svc, *r_cold;
    const ArrivalType *arr_type;
    ArrivalState arr;
    PendingArrival next;    /* the arrival in the engine's slot */
    PendingArrival ahead;   /* the one after it, pulled early */
    int n_fn;               /* functions (many-function traces), else 1 */
    SrvPool *srv;           /* serverless part, or NULL */
    VmFleet *vm;            /* VM part, or NULL */
    uint64_t next_req_id;
    uint64_t peak_pending;
    uint64_t stale;         /* lazily cancelled events dropped */
    uint64_t served_srv, served_vm; /* requests started on each part */
    uint64_t batches, batched;      /* batches run, requests in them */
    SimTime warmup;                 /* 0 = no warm-up deletion */
    CostAcc srv_cost_w;             /* serverless cost at the warm-up */
    double vm_usd_w;                /* VM cost accrued by the warm-up */
} World;

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
Sim *world_sim(World *w);
WorldState world_state(const World *w);

/* Ends the run at the horizon (requests still live become unfinished),
 * checks conservation (a violation aborts: it is a bug) and fills *out. */
void world_finish(World *w, RunResult *out);
void world_destroy(World *w);

/* Checks the run's invariants that are cheap to recompute (node capacity
 * and accounting): 0, or -1 with a message.  For tests. */
int world_check(const World *w, char *msg, size_t size);

/* create + run to the horizon (with progress) + finish + destroy.  With
 * WARMUP_MSER5, a pilot run on the same streams picks the warm-up point
 * first (the run is then repeated with it). */
void world_run(const RunConfig *rc, RunResult *out);

/* The MSER-5 warm-up point of a run (the pilot alone). */
SimTime world_mser5_warmup(const RunConfig *rc);

/* --- for the components --------------------------------------------- */

/* Ends a request with `outcome` (completed, rejected, timed out): metrics,
 * then the request returns to the pool. */
void world_end_request(World *w, Request *req, ReqOutcome outcome);

/* Routes again a live request that lost its server (an interrupted spot
 * VM), as an arrival would be routed now: its placement is forgotten, its
 * arrival time and service quantile are kept, so its latency counts from
 * its arrival and its service time is the same.  A pending DONE event of
 * it becomes stale. */
void world_retry_request(World *w, Request *req);

/* The service time of req on hardware `hw` at batch size `batch`, slowed by
 * `cpu_factor`: the req's own quantile of the profile's distribution (for
 * an LLM request with token counts, median a + p * prompt + o * output) --
 * or, for a request replayed from a trace with durations, that duration. */
SimTime world_service_us(const Request *req, const HwProfile *hw, int batch,
                         double cpu_factor);

/* Starts a batch of b requests (linked through `next` from `first`) that
 * run together for `run_us`, cut to `timeout_us` when that is shorter
 * (0 = none; they then end timed out): each gets its start, run time,
 * batch size and leader flag, and one DONE event; `*served` counts them.
 * Returns the run time actually scheduled. */
SimTime world_start_batch(World *w, Request *first, int b, SimTime run_us,
                          SimTime timeout_us, int on_provisioned,
                          uint64_t *served);

/* The LLM engines' counters of every component, cumulative from time 0
 * to `now` (executor/llm_stats.h); has_engines 0 when no component runs
 * an LLM engine.  Read at the warm-up point, at each timeseries window
 * and at the horizon. */
void world_llm_stats(World *w, SimTime now, LlmRunStats *st);

/* Schedules an event of `kind` at its priority. */
void world_schedule(World *w, SimTime t, uint32_t kind, void *obj,
                    uint32_t epoch);

#endif

/*
 * host.h - what a platform component (platform.h) and an executor
 * (executor/executor.h) may ask of the World that hosts them.
 *
 * The World (world.h) owns the engine, the traffic, the request pool and
 * the metrics; components and executors schedule their events on its
 * engine and end requests through it, so conservation and metrics live in
 * one place.  They see the World only through this header: World is
 * opaque here, and world.h is for the World itself, the CLI and tests.
 * That keeps the include graph one way (world.c -> platform.h -> host.h;
 * serverless.c, vmfleet.c -> host.h), where world.c and the components
 * used to include each other.
 */
#ifndef SIM_PLATFORM_HOST_H
#define SIM_PLATFORM_HOST_H

#include <gsl/gsl_rng.h>

#include "../core/sim.h"
#include "../entity/profile.h"
#include "../entity/request.h"
#include "../output/metrics.h"
#include "spec.h"

/* Every event kind of a run, in priority order (lowest fires first at
 * equal times): windows close first, then slots free before arrivals look
 * for them, readiness before arrivals, expiries after arrivals (an instance
 * is still warm at its exact deadline), then control events.  A spot VM's
 * notice and interruption come before arrivals at the same time, so an
 * arrival then finds the VM draining or gone.  An idle LLM engine given
 * work begins after the arrivals and queue hand-overs of its microsecond,
 * so requests arriving together share its first iteration. */
#define WORLD_EVENTS(X)                                                        \
    X(EV_WARMUP)       /* the warm-up point: statistics start here */          \
    X(EV_SAMPLE)       /* close a timeseries window */                         \
    X(EV_DONE)         /* a request leaves its slot (obj: Request) */          \
    X(EV_ITER)         /* an LLM engine's iteration ends (obj: ExecUnit) */    \
    X(EV_VM_ITER)      /* the same on a VM (obj: ExecUnit) */                  \
    X(EV_SHARE)        /* a processor-shared instance's next end (obj:        \
                          ExecUnit) */                                         \
    X(EV_BATCH)        /* a forming batch's wait ends (obj: ExecUnit) */       \
    X(EV_VM_BATCH)     /* the same on a VM (obj: ExecUnit) */                  \
    X(EV_XFER)         /* a storage-tier transfer's next completion        \
                          (serverless with storage tiers) */                  \
    X(EV_READY)        /* a serverless instance finished starting */           \
    X(EV_VM_READY)     /* a VM finished booting and loading the model */       \
    X(EV_KN_READY)     /* a Knative pod is ready (obj: the pod) */             \
    X(EV_VM_NOTICE)    /* a spot VM's interruption notice (obj: Vm, or      \
                          NULL: a forced notice for the oldest VM) */          \
    X(EV_VM_INTERRUPT) /* the provider reclaims a spot VM (obj: Vm) */         \
    X(EV_STAGE)        /* a composite's timer: a request enters its next    \
                          stage (obj: Request), or a rollout's phase begins \
                          (obj: NULL) */                                       \
    X(EV_NODE_NOTICE)  /* a spot node's interruption notice (obj: Node) */     \
    X(EV_NODE_INTERRUPT) /* the provider reclaims a spot node (obj: Node) */   \
    X(EV_ARRIVAL)      /* the next request */                                  \
    X(EV_QUEUE_POLL)   /* a queue's poller looks again (a batch window     \
                          ends, an invocation ended) */                        \
    X(EV_QUEUE_RETURN) /* failed messages become visible again (obj: the  \
                          first, linked through next) */                       \
    X(EV_ITER_KICK)    /* an idle LLM engine given work begins an          \
                          iteration, after everything handed over at that    \
                          microsecond (obj: ExecUnit) */                     \
    X(EV_VM_ITER_KICK) /* the same on a VM (obj: ExecUnit) */                  \
    X(EV_EXPIRE)       /* keep-alive deadline (obj: Instance) */               \
    X(EV_PREWARM)      /* a pre-warm window ends (obj: a function) */          \
    X(EV_PROVISION)    /* provisioned count changes */                         \
    X(EV_WINDOW)       /* a new 10 s scaling window opens */                   \
    X(EV_VM_SCALE)     /* the autoscaler evaluates its target */            \
    X(EV_KN_TICK)      /* the Knative pod autoscaler's tick */

enum {
#define X(name) name,
    WORLD_EVENTS(X)
#undef X
        EV_NKINDS
};

/* The bit of an event kind in PlatformOps.events. */
#define EV_BIT(kind) ((uint64_t)1 << (kind))

typedef struct World World;

Sim *world_sim(World *w);
Metrics *world_metrics(World *w);
const RunConfig *world_config(const World *w);

/* The warm-up point (0 = none): counters count requests that arrive from
 * it on, integrals and costs time from it on. */
SimTime world_warmup(const World *w);

/* The cold-start stream: start durations, in the order starts happen. */
gsl_rng *world_cold_rng(World *w);

/* Counts one lazily cancelled event dropped. */
void world_count_stale(World *w);

/* The run's functions (many-function traces), and one's memory from the
 * trace (0 when the trace gives none) and names for its functions.csv row
 * (app may be "", id the model's name when the trace names none). */
int world_functions(const World *w);
double world_function_memory_mb(World *w, int fn);
void world_function_names(World *w, int fn, const char **app,
                          const char **id);

/* The run's workload read once ahead, from a second generator on the same
 * arrival stream (so it sees the run's arrivals exactly): for each function
 * fn, visit(ctx, fn, arrivals before the horizon, app, id), names as in
 * world_function_names (views valid during the call).  Costs one more pass
 * over the workload; call it at most once, before the first arrival. */
void world_census(World *w,
                  void (*visit)(void *ctx, int fn, uint64_t arrivals,
                                const char *app, const char *id),
                  void *ctx);

/* world_census without the arrivals: visit(ctx, fn, app, id) for each
 * function, names as in world_function_names, from a second reader of the
 * workload that draws no arrival (workload_each_function_name). */
void world_each_function_name(World *w,
                              void (*visit)(void *ctx, int fn,
                                            const char *app, const char *id),
                              void *ctx);

/* Calls visit(req, arg) for every request in the pool (live or not; test
 * req->live). */
void world_each_request(World *w, void (*visit)(void *obj, void *arg),
                        void *arg);

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

/* A front component (platform/queue.c) serves its requests through another
 * component.  world_component_of: the index of the run's component with
 * table `ops`, or -1.  world_carrier_new: a zeroed live request made by
 * component `owner` to carry others (a queue's invocation of a batch of
 * messages); it is no arrival and counts in no metric: when the component
 * that serves it ends it, the owner's carrier_ended op is told the outcome
 * instead, and at the horizon it is billed for what it ran and dropped
 * (the requests it carries are the owner's to account for).
 * world_carrier_route: hands it to component `to`.  world_count_batch: n
 * requests ran as one batch (mean_batch). */
struct PlatformOps;
int world_component_of(const World *w, const struct PlatformOps *ops);
Request *world_carrier_new(World *w, int owner);
void world_carrier_route(World *w, int to, Request *req);
void world_count_batch(World *w, int n);

/* Schedules an event of `kind` at its priority. */
void world_schedule(World *w, SimTime t, uint32_t kind, void *obj,
                    uint32_t epoch);

/* A new epoch for a request's DONE (Request.done_epoch): from one counter
 * of the root World, because requests come from its one pool and move
 * between components and sub-worlds.  A DONE left stale by an
 * interruption is recognised by its epoch only, so the epoch of the next
 * service of that memory must differ from it whoever serves it; a counter
 * per component gave equal epochs (a hybrid's VM fleet and serverless
 * part both counted from 1). */
uint32_t world_done_epoch(World *w);

/* ---- sub-worlds: the parts of a composite alternative ------------------
 *
 * A pipeline's stage or a rollout's version (platform/compose.c) is a World
 * of its own -- its alternative's components, its metrics, its cold-start
 * and service streams -- that shares its root's engine and request pool.
 * Its events carry its tag in the kind's high bits and the root hands them
 * to it, so its components run unchanged.  A request enters it by
 * world_sub_enter(); when the sub-world ends the request, its metrics count
 * the stage (latency from entry) and `on_end` decides what comes next
 * (another stage, or world_end_request on the root). */

/* A sub-world of `parent` for alternative `alt`, with its streams at index
 * `stream` (>= 1; the root's are index 0).  The parent's destroy must
 * world_sub_destroy it.  At most WORLD_MAX_SUBS per root. */
#define WORLD_MAX_SUBS 16
World *world_sub_create(World *parent, const AltSpec *alt, uint32_t stream,
                        void (*on_end)(void *ctx, Request *req,
                                       ReqOutcome outcome),
                        void *ctx);
void world_sub_destroy(World *sub);

/* A branch of req: a request from the root's pool with req's identity
 * (id, origin, tokens) and `parent` = req, for one stage of a pipeline
 * that runs beside others (fan-out).  It counts in no World's arrivals;
 * at the horizon the part holding it counts it unfinished and it goes.
 * Free it with world_branch_free once its part ended it. */
/* The llm executor's sequence of req: req->seq, taken from the root
 * World's pool when req has none.  A request keeps it while it is routed
 * again (its engine lost) and after it left its engine (its observers
 * read the tokens it was run with); it goes back to the pool with
 * world_seq_put when the request ends. */
LlmSeq *world_seq_get(World *w, Request *req);
void world_seq_put(World *w, Request *req);

Request *world_branch_create(World *w, Request *req);
void world_branch_free(World *w, Request *branch);

/* The root World of w (w itself at the top). */
World *world_root(World *w);

/* Routes req into sub now: its entry time becomes its `arrival` there (the
 * first entry keeps the original in `origin`), its placement is forgotten;
 * with `redraw` its service quantile is drawn anew from the sub-world's
 * service stream (a pipeline's stage runs other code than the one before). */
void world_sub_enter(World *sub, Request *req, int redraw);

/* The warm-up point has come (the parent's warmup op). */
void world_sub_warmup(World *sub, SimTime now);

/* The horizon: its components stop billing (the parent's close op). */
void world_sub_close(World *sub, SimTime horizon);

/* Dollars of its components, as PlatformOps.cost_usd. */
double world_sub_cost_usd(World *sub, SimTime now, int final, int since_warmup,
                          double *v);

/* Its summary at the horizon, after the root has closed the requests still
 * live (those in sub count as its unfinished); checks its conservation. */
void world_sub_finish(World *sub, RunResult *out);

/* Its counters so far (since the warm-up point): arrivals, completed,
 * rejected, timed out, cold requests and instance starts. */
void world_sub_counts(const World *sub, uint64_t c[6]);

#endif

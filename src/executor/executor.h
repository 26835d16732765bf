/*
 * executor.h - what runs inside one instance (a serverless Instance or a
 * VM): a plug-in, a const table of functions like the keep-alive policies.
 *
 * The platforms (platform/serverless.c, platform/vmfleet.c) keep their
 * instances, slots, queues, routing and billing; the executor decides, for
 * the requests a platform gives one instance, when each starts, how long it
 * runs and when it ends.  Both platforms run the same executors through the
 * same table:
 *   single  one request per slot (DESIGN.md section 3), for the profile's
 *           warm time at the request's quantile, cut at the timeout; on a
 *           CPU instance whose slots outnumber what its vCPUs run at full
 *           speed, the running requests share the vCPUs (processor
 *           sharing, exec_single.c);
 *   batch   dynamic batching: requests join the batch the instance forms
 *           while its previous batch runs; the batch starts when the
 *           instance is free and the batch is full or its oldest request
 *           has waited batch_wait, and all of it ends together after the
 *           profile's time at the batch size (exec_batch.c);
 *   llm     iteration-level LLM serving (exec_llm.c).
 *
 * Representation.  One Executor per platform component: the table, the
 * configuration every instance shares (ExecConfig), and the hooks through
 * which the executor tells the platform what happened (ExecHooks).  Each
 * instance embeds an ExecUnit (entity/exec_unit.h) for the executor's
 * per-instance state.  The executor schedules its own events (batch
 * deadlines, processor-sharing ends, LLM iterations) with the unit as the
 * event's object; the platform forwards them to ops->handle.  A request's
 * DONE event (single, batch) goes to the platform as before, which ends
 * the request and frees its slot; executors whose requests end inside
 * their own events (processor sharing, llm) end them through hooks->ended
 * and then let the platform refill the instance (hooks->refill).
 *
 * Why the platforms keep their bookkeeping: the serverless pool's slots
 * live on intrusive lists by function and the VM fleet's on a free-slot
 * list behind a load balancer; the order in which they touch those lists
 * is part of the routing rules, so it stays where the rules are written.
 */
#ifndef SIM_EXECUTOR_EXECUTOR_H
#define SIM_EXECUTOR_EXECUTOR_H

#include <stdint.h>

#include "../core/event.h"
#include "../entity/exec_unit.h"
#include "../entity/profile.h"
#include "../entity/request.h"
#include "../util/pool.h"
#include "llm_engine.h"
#include "llm_stats.h"

struct World;

/* The `llm` executor's knobs (the alternative's "executor" object) and
 * what config/ resolved from them and the model profile. */
typedef struct LlmExecSpec {
    int max_num_seqs;              /* running sequences (vLLM: 256) */
    int64_t max_num_batched_tokens;/* tokens per iteration */
    int block_tokens;              /* KV block size (16) */
    int64_t chunk_tokens;          /* chunked prefill budget; 0 = off */
    double gpu_memory_utilization; /* share of each GPU's memory (0.9) */
    int tp;                        /* GPUs of one instance: 1, 2, 4, 8 */
    double activation_reserve_bytes; /* per GPU, beside weights and KV */
    int32_t default_prompt_tokens; /* for requests without token counts */
    int32_t default_output_tokens;
    LlmLoadSource weights_from;    /* where a start loads the weights */
    /* resolved */
    LlmShape shape;                /* the model's */
    LlmHwModel hwm;                /* time model and cold-start pieces of
                                      the class at tp */
    double gpu_memory_bytes;       /* one GPU of the class */
    int64_t kv_blocks;             /* KV capacity of one instance */
    double kv_tokens;              /* the same in tokens */
    double load_s;                 /* weights from weights_from */
    double cold_start_s;           /* container + runtime + weights + KV
                                      allocation + warm-up */
} LlmExecSpec;

typedef enum ExecKind {
    EXEC_AUTO = 0,            /* not chosen: batch when max_batch > 1, else
                                 single (what scenarios without an
                                 `executor` key always ran) */
    EXEC_SINGLE,
    EXEC_BATCH,
    EXEC_LLM
} ExecKind;

/* What every instance of one component shares. */
typedef struct ExecConfig {
    const HwProfile *hw;      /* the model on the instance's hardware */
    double cpu_factor;        /* >= 1: CPU slowdown of warm times */
    int batch;                /* each request's own batch size (serverless
                                 `batch`; 1 on VMs) */
    SimTime timeout_us;       /* 0 = none */
    int slots;                /* requests one instance runs at once */
    int share;                /* single: processor sharing of vCPUs */
    double share_m;           /* max(1, vCPUs / profile vCPUs) */
    int max_batch;            /* batch: requests per batch */
    SimTime batch_wait_us;    /* batch: longest a batch waits */
    uint32_t batch_event;     /* event kind of its batch deadlines */
    uint32_t iter_event;      /* event kind of its LLM iteration ends */
    uint32_t kick_event;      /* event kind of an idle LLM engine's first
                                 iteration (after the hand-overs of its
                                 microsecond) */
    const LlmExecSpec *llm;   /* llm: knobs and the model (else NULL) */
    int engines;              /* llm: engines per unit (a VM's GPUs / tp;
                                 <= 1: one) */
} ExecConfig;

/* What the executor tells the platform (its component state `platform`). */
typedef struct ExecHooks {
    /* n requests (linked through `next` from `first`; n == 1 for single)
     * start on u now: the platform counts them in service and sets its own
     * fields on them (placement, first start of the instance).  Returns
     * extra run time the first request carries (first-inference extra). */
    SimTime (*start)(void *platform, ExecUnit *u, Request *first, int n);
    /* req joined the batch u forms (batch). */
    void (*joined)(void *platform, ExecUnit *u, Request *req);
    /* u is ready and runs nothing: a held batch may start (batch). */
    int (*can_run)(void *platform, const ExecUnit *u);
    /* req's service on u ended at now with `outcome` (processor sharing,
     * llm): the platform bills it, ends it and frees its slot. */
    void (*ended)(void *platform, ExecUnit *u, Request *req,
                  ReqOutcome outcome);
    /* after ends, and as a batch starts (its forming batch is then
     * empty): u's room takes queued requests; u goes idle when it holds
     * nothing. */
    void (*refill)(void *platform, ExecUnit *u);
} ExecHooks;

typedef struct Executor Executor;

typedef struct ExecutorOps {
    const char *name;         /* as in scenario JSON */
    ExecKind kind;
    int forms_batches;        /* held requests start together when the
                                 unit is free (the platform refills a unit
                                 only once everything on it has ended, and
                                 the executor as each batch starts) */
    void (*unit_init)(Executor *ex, ExecUnit *u, void *owner);
    void (*unit_fini)(Executor *ex, ExecUnit *u);
    /* req is given to ready u (which has room): started now or held. */
    void (*take)(Executor *ex, ExecUnit *u, Request *req);
    /* req waits on u, not started (u is not ready yet, or the platform
     * hands over what was bound while it started). */
    void (*hold)(Executor *ex, ExecUnit *u, Request *req);
    /* u may start what it holds (it became free or ready). */
    void (*kick)(Executor *ex, ExecUnit *u);
    /* The executor's own events (obj: the ExecUnit). */
    void (*handle)(Executor *ex, const Event *ev);
    /* u is lost with everything on it (a spot interruption): forget its
     * requests; the platform routes them again. */
    void (*clear)(Executor *ex, ExecUnit *u);
    /* The time an instance takes to start when the executor decides it
     * (llm: the profile's pieces), or NULL: the platform's cold-start
     * rule. */
    SimTime (*start_us)(const Executor *ex);
    /* Adds u's counters up to now into *st.  May be NULL. */
    void (*stats)(const Executor *ex, const ExecUnit *u, SimTime now,
                  LlmRunStats *st);
} ExecutorOps;

struct Executor {
    const ExecutorOps *ops;
    ExecConfig cfg;
    struct World *w;
    const ExecHooks *hooks;
    void *platform;           /* the component's state, for the hooks */
    uint32_t *epochs;         /* the component's epoch counter: epochs stay
                                 unique across its pool's reuse */
    uint64_t *served;         /* the component's count of started
                                 requests */
    Pool share_pool;          /* processor sharing: per-unit arrays */
    int has_share_pool;
    LlmRunStats gone;         /* llm: counters of engines already gone */
};

extern const ExecutorOps exec_single, exec_batch, exec_llm;

/* The counters of ex's engines: those gone (ex->gone) plus, through
 * ops->stats, the live unit u (call once per live unit, then once with
 * u NULL for the gone ones). */
void executor_stats(const Executor *ex, const ExecUnit *u, SimTime now,
                    LlmRunStats *st);

/* The requests one instance takes at once: its forming batch's
 * max_batch (an executor that forms batches), else its slots. */
static inline int executor_capacity(const Executor *ex)
{
    return ex->ops->forms_batches ? ex->cfg.max_batch : ex->cfg.slots;
}

/* Whether u, running `in_use` requests with `pending` more bound to it,
 * has room for one more: room in the batch it forms while one runs (an
 * executor that forms batches), else a free slot.  Inline rather than an
 * op: the platforms ask it on every change of an instance's lists. */
static inline int executor_room(const Executor *ex, const ExecUnit *u,
                                int in_use, int pending)
{
    return ex->ops->forms_batches ? u->held + pending < ex->cfg.max_batch
                                  : in_use + pending < ex->cfg.slots;
}

/* u, of `owner`, as every executor starts it: nothing held or running,
 * fresh batch and share epochs, no share runs, no engines. */
void executor_unit_reset(Executor *ex, ExecUnit *u, void *owner);

/* The table for a kind (not EXEC_AUTO). */
const ExecutorOps *executor_ops(ExecKind kind);

/* The kind that runs: `chosen`, or for EXEC_AUTO the one today's keys
 * imply (batch when max_batch > 1). */
ExecKind executor_resolve(ExecKind chosen, int max_batch);

/* The kind named `name` ("single", "batch", "llm"), or EXEC_AUTO. */
ExecKind executor_find(const char *name);

/* Sets up ex for a component; `cfg` is copied.  Aborts (a bug) on an
 * unusable configuration: config/ validated it. */
void executor_init(Executor *ex, ExecKind kind, const ExecConfig *cfg,
                   struct World *w, const ExecHooks *hooks, void *platform,
                   uint32_t *epochs, uint64_t *served);
void executor_fini(Executor *ex);

/* The warm service time of req on this component's hardware at batch size
 * b (in requests; multiplied by cfg.batch), slowed by cfg.cpu_factor. */
SimTime executor_service_us(const Executor *ex, const Request *req, int b);

/* Appends req to u's held requests / takes the first of them. */
void executor_hold_push(ExecUnit *u, Request *req);
Request *executor_hold_pop(ExecUnit *u);

#endif

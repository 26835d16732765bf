/*
 * exec_llm.c - the `llm` executor: iteration-level LLM serving inside one
 * instance (executor.h), on the engine of executor/llm_engine.h.
 *
 * Each unit owns its engines (LlmReplica): a serverless instance one, of
 * tp GPUs; a VM gpus / tp of them (cfg.engines: data-parallel replicas,
 * as one vLLM server per group of tp GPUs behind the VM's own balancer),
 * created when the instance is, each with the KV cache config/ sized from
 * the model and its tp GPUs: (GPU memory x gpu_memory_utilization -
 * weights / tp - activation reserve) / KV bytes per token per GPU, in
 * blocks of block_tokens (profile_llm_kv_tokens).  A request the platform
 * gives the unit goes to the engine holding the fewest sequences (the
 * first of those, in order) and becomes an LlmSeq (Request.seq, from the
 * World's pool, given back when the request ends): its prompt and output
 * tokens from the trace, or the executor's defaults for a request without
 * them; the engine queues it FCFS beyond max_num_seqs.  The platform's
 * slots (serverless concurrency, VM slots) bound the requests a unit holds
 * in all, running and waiting in its engines.
 *
 * Events: one iteration end per busy engine (cfg.iter_event, obj the unit,
 * epoch the engine's iter_epoch: the engine is the unit's one with that
 * epoch, and none has it once the event is stale).  At an iteration's end
 * the engine samples its tokens; each finished request gets first_token_us
 * and its output tokens (Request.first_token_us, tokens_out_done: TTFT =
 * first token - arrival, so queueing and the cold start count) and ends
 * completed through hooks->ended, after running now - start; then the
 * platform refills the freed slots (hooks->refill) and the next iteration
 * begins with every sequence added meanwhile.  A sequence given to an idle
 * engine starts an iteration at the same microsecond, through an event that
 * fires after that microsecond's arrivals (cfg.kick_event), so that
 * everything the platform hands over at that moment (the requests bound
 * while the instance started, requests arriving together) is in it.
 *
 * A request whose prompt + output can never fit the KV cache (or whose
 * prompt cannot be prefilled within max_num_batched_tokens) is refused:
 * it ends rejected at the unit's next iteration boundary (at once when
 * the engine is idle), through the same hooks, so the platform's
 * bookkeeping sees one path.
 *
 * Cold start (start_us): container start + runtime init + weights at the
 * class's load rate from `weights_from` + KV-cache allocation + warm-up,
 * the profile's pieces (profile_llm_cold_start_s), on VMs after boot.
 *
 * Timeout (the platform's timeout_s, T > 0): a request still in the engine,
 * running or waiting, T after it was given to the unit is taken out at that
 * microsecond -- mid-iteration too: the iteration runs on and simply no
 * longer holds it, as vLLM aborts a request between its steps -- and ends
 * timed out after running T (billed up to it), with the tokens it
 * had.  Requests are given to a unit in time order, so their deadlines are
 * too: one pending check per engine (cfg.batch_event, which this executor
 * does not otherwise use, obj the unit, epoch the engine's deadline_epoch)
 * at the earliest deadline of what the engine holds; each check walks the
 * engine once (O(held)) and is set again for the earliest left, so there
 * are at most as many checks as requests.
 *
 * Not modelled: swapping preempted KV to the CPU (vLLM's default is
 * recompute).
 */
#include "executor.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "../platform/host.h"
#include "../util/xalloc.h"

static SimTime now_of(const Executor *ex)
{
    return sim_now(world_sim(ex->w));
}

static LlmEngineConfig engine_config(const LlmExecSpec *sp)
{
    LlmEngineConfig c;
    c.max_num_seqs = sp->max_num_seqs;
    c.max_num_batched_tokens = sp->max_num_batched_tokens;
    c.block_tokens = sp->block_tokens;
    c.chunk_tokens = sp->chunk_tokens;
    c.kv_blocks = sp->kv_blocks;
    return c;
}

/* One engine of a unit and its pending events. */
typedef struct LlmReplica {
    ExecUnit *u;
    LlmEngine *engine;
    uint32_t iter_epoch;     /* its pending iteration end */
    uint32_t deadline_epoch; /* its pending timeout check */
    uint8_t in_step;         /* its iteration end is being handled: new
                                sequences wait for the next iteration */
    uint8_t kick_pending;    /* an event at this microsecond begins its
                                next iteration */
    uint8_t deadline_pending;
    int seqs;                /* sequences in it, running or waiting */
    SimTime created_at;      /* when its KV cache was sized */
} LlmReplica;

static int engines_of(const Executor *ex)
{
    return ex->cfg.engines > 1 ? ex->cfg.engines : 1;
}

/* A fresh engine for r (config/ checked the same configuration). */
static void replica_init(Executor *ex, ExecUnit *u, LlmReplica *r)
{
    LlmEngineConfig c = engine_config(ex->cfg.llm);
    char err[160];
    r->u = u;
    r->engine = llm_engine_create(&c, &ex->cfg.llm->hwm.time, err,
                                  (int)sizeof err);
    if (r->engine == NULL) {
        fprintf(stderr, "simsrv: BUG: llm engine: %s\n", err);
        abort();
    }
    r->iter_epoch = ++*ex->epochs;
    r->deadline_epoch = ++*ex->epochs;
    r->in_step = r->kick_pending = r->deadline_pending = 0;
    r->seqs = 0;
    r->created_at = now_of(ex);
}

static void engines_create(Executor *ex, ExecUnit *u)
{
    u->n_llm = engines_of(ex);
    u->llm = xcalloc((size_t)u->n_llm, sizeof *u->llm);
    for (int i = 0; i < u->n_llm; i++)
        replica_init(ex, u, &u->llm[i]);
    u->llm_gen++;
}

/* r's counters and integrals up to now, added to *st. */
static void engine_stats(const Executor *ex, const LlmReplica *r,
                         SimTime now, LlmRunStats *st)
{
    const LlmEngineStats *es = llm_engine_stats(r->engine);
    st->has_engines = 1;
    st->iterations += es->iterations;
    st->preemptions += es->preemptions;
    st->prefill_tokens += es->prefill_tokens;
    st->output_tokens += es->output_tokens;
    st->busy_us += (double)es->busy_us;
    st->running_seq_us += es->running_seq_us;
    st->kv_used_block_us += es->kv_block_us;
    st->kv_cap_block_us +=
        (double)ex->cfg.llm->kv_blocks * (double)(now - r->created_at);
}

/* u's engines: their figures go to `into`; they are destroyed (a pending
 * event finds no engine with its epoch). */
static void engines_destroy(Executor *ex, ExecUnit *u, LlmRunStats *into)
{
    SimTime now = now_of(ex);
    for (int i = 0; i < u->n_llm; i++) {
        engine_stats(ex, &u->llm[i], now, into);
        llm_engine_destroy(u->llm[i].engine);
    }
    free(u->llm);
    u->llm = NULL;
    u->n_llm = 0;
    u->llm_gen++;
}

static void llm_unit_init(Executor *ex, ExecUnit *u, void *owner)
{
    executor_unit_reset(ex, u, owner);
    engines_create(ex, u);
}

static void llm_unit_fini(Executor *ex, ExecUnit *u)
{
    if (u->llm != NULL)
        engines_destroy(ex, u, &ex->gone);
}

static void llm_stats(const Executor *ex, const ExecUnit *u, SimTime now,
                      LlmRunStats *st)
{
    for (int i = 0; i < u->n_llm; i++)
        engine_stats(ex, &u->llm[i], now, st);
}

/* An idle engine given work: its next iteration is formed by an event at
 * this microsecond (cfg.kick_event, after the arrivals of the same
 * microsecond), so that every request the platform hands the unit now
 * (the requests bound while it started, a refill, requests arriving
 * together) is in the first batch. */
static void maybe_begin(Executor *ex, LlmReplica *r)
{
    if (r->in_step || r->kick_pending || llm_engine_busy(r->engine))
        return;
    r->kick_pending = 1;
    r->iter_epoch = ++*ex->epochs;
    world_schedule(ex->w, now_of(ex), ex->cfg.kick_event, r->u,
                   r->iter_epoch);
}

/* Begins r's next iteration, if there is work, at now. */
static void begin(Executor *ex, LlmReplica *r)
{
    SimTime now = now_of(ex);
    SimTime d = llm_engine_begin(r->engine, now);
    if (d > 0) {
        r->iter_epoch = ++*ex->epochs;
        world_schedule(ex->w, now + d, ex->cfg.iter_event, r->u,
                       r->iter_epoch);
    } else if (r->u->held > 0) { /* refused requests end at once */
        maybe_begin(ex, r);
    }
}

/* req's token counts, or the executor's defaults for those it lacks. */
static void seq_tokens(const LlmExecSpec *sp, const Request *req,
                       int32_t *prompt, int32_t *output)
{
    *prompt = req->prompt_tokens >= 1 ? req->prompt_tokens
                                      : sp->default_prompt_tokens;
    *output = req->output_tokens >= 1 ? req->output_tokens
                                      : sp->default_output_tokens;
}

/* Schedules r's timeout check at `at` (the earliest deadline it holds). */
static void set_deadline(Executor *ex, LlmReplica *r, SimTime at)
{
    r->deadline_epoch = ++*ex->epochs;
    r->deadline_pending = 1;
    world_schedule(ex->w, at, ex->cfg.batch_event, r->u, r->deadline_epoch);
}

/* The engine of u a new request goes to: the one holding the fewest
 * sequences, the first of those. */
static LlmReplica *least_held(ExecUnit *u)
{
    LlmReplica *best = &u->llm[0];
    for (int i = 1; i < u->n_llm; i++)
        if (u->llm[i].seqs < best->seqs)
            best = &u->llm[i];
    return best;
}

static void llm_take(Executor *ex, ExecUnit *u, Request *req)
{
    SimTime now = now_of(ex);
    ex->hooks->start(ex->platform, u, req, 1);
    (*ex->served)++;
    req->service_us = 0;
    req->first_token_us = -1;
    req->tokens_out_done = 0;
    LlmSeq *s = world_seq_get(ex->w, req);
    seq_tokens(ex->cfg.llm, req, &s->prompt_tokens, &s->output_tokens);
    s->owner = req;
    LlmReplica *r = least_held(u);
    if (!llm_engine_fits(r->engine, s->prompt_tokens, s->output_tokens)) {
        executor_hold_push(u, req); /* refused at the next boundary */
    } else {
        llm_engine_add(r->engine, s, now);
        r->seqs++;
        u->running++;
        if (ex->cfg.timeout_us > 0 && !r->deadline_pending)
            set_deadline(ex, r, now + ex->cfg.timeout_us);
    }
    maybe_begin(ex, r);
}

static void llm_hold(Executor *ex, ExecUnit *u, Request *req)
{
    (void)ex;
    executor_hold_push(u, req);
}

static void llm_kick(Executor *ex, ExecUnit *u)
{
    for (int i = 0; i < u->n_llm; i++)
        maybe_begin(ex, &u->llm[i]);
}

/* s, out of r's engine, ends now with `outcome`: its request gets its
 * first token, the tokens it had and its time on the unit. */
static void end_seq(Executor *ex, LlmReplica *r, LlmSeq *s, SimTime now,
                    ReqOutcome outcome)
{
    Request *req = s->owner;
    req->first_token_us = s->first_token_us;
    req->tokens_out_done = s->generated;
    req->run_us = now - req->start;
    r->seqs--;
    r->u->running--;
    ex->hooks->ended(ex->platform, r->u, req, outcome);
}

/* The engine of u whose pending event of this kind has `epoch`, or NULL
 * (the event is stale). */
static LlmReplica *replica_of(ExecUnit *u, uint32_t epoch, int deadline)
{
    for (int i = 0; i < u->n_llm; i++) {
        LlmReplica *r = &u->llm[i];
        if ((deadline ? r->deadline_epoch : r->iter_epoch) == epoch)
            return r;
    }
    return NULL;
}

/* The platform refills u's freed slots; 1 when r, its engine, is still
 * there afterwards (the platform may have destroyed the unit, or given
 * its memory to a new one). */
static int refill_keeps(Executor *ex, LlmReplica *r)
{
    ExecUnit *u = r->u;
    uint32_t gen = u->llm_gen;
    ex->hooks->refill(ex->platform, u);
    return u->llm_gen == gen;
}

/* An iteration of r ends now (or an idle engine was given work): finished
 * requests end completed, refused ones rejected; the freed slots refill;
 * the next iteration begins. */
static void on_iter(Executor *ex, ExecUnit *u, uint32_t epoch)
{
    LlmReplica *r = replica_of(u, epoch, 0);
    if (r == NULL) {
        world_count_stale(ex->w);
        return;
    }
    SimTime now = now_of(ex);
    r->kick_pending = 0;
    r->in_step = 1;
    LlmSeq *fin = llm_engine_busy(r->engine) ? llm_engine_end(r->engine, now)
                                             : NULL;
    for (LlmSeq *s = fin, *next; s != NULL; s = next) {
        next = s->next;
        end_seq(ex, r, s, now, REQ_COMPLETED);
    }
    Request *req;
    while ((req = executor_hold_pop(u)) != NULL) {
        req->run_us = 0;
        ex->hooks->ended(ex->platform, u, req, REQ_REJECTED);
    }
    if (!refill_keeps(ex, r))
        return; /* its engines are gone (or a new unit's) */
    r->in_step = 0;
    begin(ex, r);
}

/* r's timeout check: what it was given T ago or earlier ends timed out
 * now; the check is set again for the earliest deadline left.  Freed
 * slots refill at the running iteration's end (or at once when none runs,
 * which, with sequences held, cannot be: an idle engine holds nothing
 * it could run). */
static void on_deadline(Executor *ex, ExecUnit *u, uint32_t epoch)
{
    LlmReplica *r = replica_of(u, epoch, 1);
    if (r == NULL) {
        world_count_stale(ex->w);
        return;
    }
    r->deadline_pending = 0;
    SimTime now = now_of(ex), next_added;
    LlmSeq *out = llm_engine_remove_added_before(
        r->engine, now - ex->cfg.timeout_us, &next_added);
    int ended = 0;
    for (LlmSeq *s = out, *next; s != NULL; s = next) {
        next = s->next;
        end_seq(ex, r, s, now, REQ_TIMED_OUT);
        ended++;
    }
    if (next_added != SIM_TIME_MAX)
        set_deadline(ex, r, next_added + ex->cfg.timeout_us);
    if (ended > 0 && !r->in_step && !r->kick_pending &&
        !llm_engine_busy(r->engine) && refill_keeps(ex, r))
        begin(ex, r);
}

static void llm_handle(Executor *ex, const Event *ev)
{
    if (ev->kind == ex->cfg.batch_event)
        on_deadline(ex, ev->obj, ev->epoch);
    else
        on_iter(ex, ev->obj, ev->epoch);
}

/* The unit is lost: its engines are replaced by empty ones (what they
 * held is routed again by the platform). */
static void llm_clear(Executor *ex, ExecUnit *u)
{
    engines_destroy(ex, u, &ex->gone);
    engines_create(ex, u);
    u->held_head = u->held_tail = NULL;
    u->held = 0;
    u->running = 0;
    u->batch_epoch = ++*ex->epochs;
}

static SimTime llm_start_us(const Executor *ex)
{
    return time_from_s(ex->cfg.llm->cold_start_s);
}

const ExecutorOps exec_llm = {
    .name = "llm",
    .kind = EXEC_LLM,
    .forms_batches = 0,
    .unit_init = llm_unit_init,
    .unit_fini = llm_unit_fini,
    .take = llm_take,
    .hold = llm_hold,
    .kick = llm_kick,
    .handle = llm_handle,
    .clear = llm_clear,
    .start_us = llm_start_us,
    .stats = llm_stats,
};

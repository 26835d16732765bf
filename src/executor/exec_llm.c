/*
 * exec_llm.c - the `llm` executor: iteration-level LLM serving inside one
 * instance (executor.h), on the engine of executor/llm_engine.h.
 *
 * Each unit (a serverless instance or a VM of tp GPUs) owns one LlmEngine,
 * created when the instance is, with the KV cache config/ sized from the
 * model and the GPUs: (GPU memory x gpu_memory_utilization - weights / tp
 * - activation reserve) / KV bytes per token per GPU, in blocks of
 * block_tokens (profile_llm_kv_tokens).  A request the platform gives the
 * unit becomes an LlmSeq (Request.seq, from the World's pool, given back
 * when the request ends): its prompt and output
 * tokens from the trace, or the executor's defaults for a request without
 * them; the engine queues it FCFS beyond max_num_seqs.  The platform's
 * slots (serverless concurrency, VM slots) bound the requests a unit holds
 * in all, running and waiting in its engine.
 *
 * Events: one iteration end per busy unit (cfg.iter_event, obj the unit,
 * cancelled by its iter_epoch).  At an iteration's end the engine samples
 * its tokens; each finished request gets first_token_us and its output
 * tokens (Request.first_token_us, tokens_out_done: TTFT = first token -
 * arrival, so queueing and the cold start count) and ends completed
 * through hooks->ended, after running now - start; then the platform
 * refills the freed slots (hooks->refill) and the next iteration begins
 * with every sequence added meanwhile.  A sequence given to an idle unit
 * starts an iteration at the same microsecond, through an event, so that
 * everything the platform hands over at that moment (the requests bound
 * while the instance started) is in it.
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
 * Timeout (the platform's timeout_s, T > 0): a request still in the
 * engine, running or waiting, T after it was given to the unit is taken
 * out at that microsecond -- mid-iteration too: the iteration runs on and
 * simply no longer holds it, as vLLM aborts a request between its steps --
 * and ends timed out after running T (billed up to it), with the tokens
 * it had.  Requests are given to a unit in time order, so their deadlines
 * are too: one pending check per unit (cfg.batch_event, which this
 * executor does not otherwise use, epoch u->batch_epoch) at the earliest
 * deadline of what the engine holds; each check walks the engine once
 * (O(held)) and is set again for the earliest left, so there are at most
 * as many checks as requests.
 *
 * Not modelled: swapping preempted KV to the CPU (vLLM's default is
 * recompute).
 */
#include "executor.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "../platform/host.h"

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

static void llm_unit_init(Executor *ex, ExecUnit *u, void *owner)
{
    const LlmExecSpec *sp = ex->cfg.llm;
    u->owner = owner;
    u->held_head = u->held_tail = NULL;
    u->held = 0;
    u->running = 0;
    u->batch_epoch = ++*ex->epochs;
    u->iter_epoch = ++*ex->epochs;
    u->share = NULL;
    u->in_step = 0;
    u->kick_pending = 0;
    u->deadline_pending = 0;
    u->created_at = now_of(ex);
    LlmEngineConfig c = engine_config(sp);
    char err[160];
    u->llm = llm_engine_create(&c, &sp->hwm.time, err, (int)sizeof err);
    if (u->llm == NULL) { /* config/ checked the same configuration */
        fprintf(stderr, "simsrv: BUG: llm engine: %s\n", err);
        abort();
    }
}

/* The engine's counters and integrals up to now, in LlmRunStats form. */
static void engine_stats(const Executor *ex, const ExecUnit *u, SimTime now,
                         LlmRunStats *st)
{
    const LlmEngineStats *es = llm_engine_stats(u->llm);
    st->has_engines = 1;
    st->iterations += es->iterations;
    st->preemptions += es->preemptions;
    st->prefill_tokens += es->prefill_tokens;
    st->output_tokens += es->output_tokens;
    st->busy_us += (double)es->busy_us;
    st->running_seq_us += es->running_seq_us;
    st->kv_used_block_us += es->kv_block_us;
    st->kv_cap_block_us +=
        (double)ex->cfg.llm->kv_blocks * (double)(now - u->created_at);
}

static void llm_unit_fini(Executor *ex, ExecUnit *u)
{
    if (u->llm == NULL)
        return;
    engine_stats(ex, u, now_of(ex), &ex->gone);
    llm_engine_destroy(u->llm);
    u->llm = NULL;
    u->batch_epoch = ++*ex->epochs; /* a pending timeout check is stale */
    u->deadline_pending = 0;
}

static void llm_stats(const Executor *ex, const ExecUnit *u, SimTime now,
                      LlmRunStats *st)
{
    if (u->llm != NULL)
        engine_stats(ex, u, now, st);
}



/* An idle unit given work: its next iteration is formed by an event at
 * this microsecond, so that every request the platform hands it now (the
 * requests bound while it started, a refill) is in the first batch. */
static void maybe_begin(Executor *ex, ExecUnit *u)
{
    if (u->in_step || u->kick_pending || llm_engine_busy(u->llm))
        return;
    u->kick_pending = 1;
    u->iter_epoch = ++*ex->epochs;
    world_schedule(ex->w, now_of(ex), ex->cfg.iter_event, u, u->iter_epoch);
}

/* Begins u's next iteration, if there is work, at now. */
static void begin(Executor *ex, ExecUnit *u)
{
    SimTime now = now_of(ex);
    SimTime d = llm_engine_begin(u->llm, now);
    if (d > 0) {
        u->iter_epoch = ++*ex->epochs;
        world_schedule(ex->w, now + d, ex->cfg.iter_event, u, u->iter_epoch);
    } else if (u->held > 0) { /* refused requests end at once */
        maybe_begin(ex, u);
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

/* Schedules u's timeout check at `at` (the earliest deadline it holds). */
static void set_deadline(Executor *ex, ExecUnit *u, SimTime at)
{
    u->batch_epoch = ++*ex->epochs;
    u->deadline_pending = 1;
    world_schedule(ex->w, at, ex->cfg.batch_event, u, u->batch_epoch);
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
    if (!llm_engine_fits(u->llm, s->prompt_tokens, s->output_tokens)) {
        executor_hold_push(u, req); /* refused at the next boundary */
    } else {
        llm_engine_add(u->llm, s, now);
        u->running++;
        if (ex->cfg.timeout_us > 0 && !u->deadline_pending)
            set_deadline(ex, u, now + ex->cfg.timeout_us);
    }
    maybe_begin(ex, u);
}

static void llm_hold(Executor *ex, ExecUnit *u, Request *req)
{
    (void)ex;
    executor_hold_push(u, req);
}

static void llm_kick(Executor *ex, ExecUnit *u)
{
    maybe_begin(ex, u);
}


/* s, out of u's engine, ends now with `outcome`: its request gets its
 * first token, the tokens it had and its time on the unit. */
static void end_seq(Executor *ex, ExecUnit *u, LlmSeq *s, SimTime now,
                    ReqOutcome outcome)
{
    Request *req = s->owner;
    req->first_token_us = s->first_token_us;
    req->tokens_out_done = s->generated;
    req->run_us = now - req->start;
    u->running--;
    ex->hooks->ended(ex->platform, u, req, outcome);
}

/* The iteration of u ends now (or an idle unit was given work): finished
 * requests end completed, refused ones rejected; the freed slots refill;
 * the next iteration begins. */
static void on_iter(Executor *ex, ExecUnit *u, uint32_t epoch)
{
    if (epoch != u->iter_epoch) {
        world_count_stale(ex->w);
        return;
    }
    SimTime now = now_of(ex);
    u->kick_pending = 0;
    u->in_step = 1;
    LlmSeq *fin = llm_engine_busy(u->llm) ? llm_engine_end(u->llm, now)
                                          : NULL;
    for (LlmSeq *s = fin, *next; s != NULL; s = next) {
        next = s->next;
        end_seq(ex, u, s, now, REQ_COMPLETED);
    }
    Request *req;
    while ((req = executor_hold_pop(u)) != NULL) {
        req->run_us = 0;
        ex->hooks->ended(ex->platform, u, req, REQ_REJECTED);
    }
    ex->hooks->refill(ex->platform, u);
    /* (u may be gone now, its engine destroyed: then nothing runs; or its
     * memory a new unit's, whose engine is empty) */
    u->in_step = 0;
    if (u->llm != NULL)
        begin(ex, u);
}

/* u's timeout check: what it was given T ago or earlier ends timed out
 * now; the check is set again for the earliest deadline left.  Freed
 * slots refill at the running iteration's end (or at once when none runs,
 * which, with sequences held, cannot be: an idle engine holds nothing
 * it could run). */
static void on_deadline(Executor *ex, ExecUnit *u, uint32_t epoch)
{
    if (epoch != u->batch_epoch) {
        world_count_stale(ex->w);
        return;
    }
    u->deadline_pending = 0;
    SimTime now = now_of(ex), next_added;
    LlmSeq *out = llm_engine_remove_added_before(
        u->llm, now - ex->cfg.timeout_us, &next_added);
    int ended = 0;
    for (LlmSeq *s = out, *next; s != NULL; s = next) {
        next = s->next;
        end_seq(ex, u, s, now, REQ_TIMED_OUT);
        ended++;
    }
    if (next_added != SIM_TIME_MAX)
        set_deadline(ex, u, next_added + ex->cfg.timeout_us);
    if (ended > 0 && !u->in_step && !u->kick_pending &&
        !llm_engine_busy(u->llm)) {
        ex->hooks->refill(ex->platform, u);
        if (u->llm != NULL)
            begin(ex, u);
    }
}

static void llm_handle(Executor *ex, const Event *ev)
{
    if (ev->kind == ex->cfg.batch_event)
        on_deadline(ex, ev->obj, ev->epoch);
    else
        on_iter(ex, ev->obj, ev->epoch);
}

/* The unit is lost: its engine is replaced by an empty one (what it held
 * is routed again by the platform). */
static void llm_clear(Executor *ex, ExecUnit *u)
{
    LlmRunStats keep = {0};
    engine_stats(ex, u, now_of(ex), &keep);
    llm_stats_add(&ex->gone, &keep);
    llm_engine_destroy(u->llm);
    LlmEngineConfig c = engine_config(ex->cfg.llm);
    char err[160];
    u->llm = llm_engine_create(&c, &ex->cfg.llm->hwm.time, err,
                               (int)sizeof err);
    assert(u->llm != NULL);
    u->created_at = now_of(ex);
    u->held_head = u->held_tail = NULL;
    u->held = 0;
    u->running = 0;
    u->kick_pending = 0;
    u->iter_epoch = ++*ex->epochs; /* a pending iteration end is stale */
    u->batch_epoch = ++*ex->epochs; /* and a pending timeout check */
    u->deadline_pending = 0;
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

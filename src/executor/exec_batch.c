/*
 * exec_batch.c - the `batch` executor: dynamic batching (executor.h).
 *
 * A unit runs one batch while the next one forms: requests given to it
 * join the forming batch (ExecUnit.held) while it has fewer than max_batch;
 * the batch starts when the unit runs nothing and the batch is full or its
 * oldest request has waited batch_wait (an event of cfg.batch_event at
 * that deadline, cancelled by the unit's batch epoch), and its b requests
 * run together for the profile's service time at batch size b (the
 * median a + c b, at the first request's quantile), all ending at once
 * (world_start_batch: one DONE each, the duration billed to the leader).
 * A batch's start empties the forming batch, so the platform refills it
 * from its queue then and there (hooks->refill): a request that queued
 * while the forming batch was full joins the next batch ahead of any that
 * arrive later, whichever way the batch started (a full batch, its
 * deadline, the previous batch's end).
 */
#include "executor.h"

#include <assert.h>

#include "../platform/host.h"

/* Runs u's forming batch now. */
static void run_batch(Executor *ex, ExecUnit *u)
{
    Request *first = u->held_head;
    int b = u->held;
    assert(b > 0);
    SimTime run = executor_service_us(ex, first, b);
    u->held_head = u->held_tail = NULL;
    u->held = 0;
    u->batch_epoch = ++*ex->epochs; /* a pending deadline is stale */
    run += ex->hooks->start(ex->platform, u, first, b);
    world_start_batch(ex->w, first, b, run, ex->cfg.timeout_us,
                      u->provisioned, ex->served);
    ex->hooks->refill(ex->platform, u); /* the queue, in order, first */
}

/* Runs the forming batch if the unit is free and the batch is full or its
 * oldest request has waited batch_wait; otherwise waits for that. */
static void batch_kick(Executor *ex, ExecUnit *u)
{
    if (u->held == 0 || !ex->hooks->can_run(ex->platform, u))
        return;
    SimTime deadline = u->held_head->arrival + ex->cfg.batch_wait_us;
    if (u->held >= ex->cfg.max_batch ||
        deadline <= sim_now(world_sim(ex->w))) {
        run_batch(ex, u);
        return;
    }
    world_schedule(ex->w, deadline, ex->cfg.batch_event, u, u->batch_epoch);
}

static void batch_unit_init(Executor *ex, ExecUnit *u, void *owner)
{
    executor_unit_reset(ex, u, owner);
}

static void batch_unit_fini(Executor *ex, ExecUnit *u)
{
    (void)ex;
    (void)u;
}



static void batch_take(Executor *ex, ExecUnit *u, Request *req)
{
    executor_hold_push(u, req);
    ex->hooks->joined(ex->platform, u, req);
    batch_kick(ex, u);
}

static void batch_hold(Executor *ex, ExecUnit *u, Request *req)
{
    (void)ex;
    executor_hold_push(u, req);
}


static void batch_handle(Executor *ex, const Event *ev)
{
    ExecUnit *u = ev->obj;
    if (ev->epoch != u->batch_epoch) {
        world_count_stale(ex->w);
        return;
    }
    batch_kick(ex, u);
}

static void batch_clear(Executor *ex, ExecUnit *u)
{
    u->held_head = u->held_tail = NULL;
    u->held = 0;
    u->batch_epoch = ++*ex->epochs; /* a pending deadline is stale */
}

const ExecutorOps exec_batch = {
    .name = "batch",
    .kind = EXEC_BATCH,
    .forms_batches = 1,
    .unit_init = batch_unit_init,
    .unit_fini = batch_unit_fini,
    .take = batch_take,
    .hold = batch_hold,
    .kick = batch_kick,
    .handle = batch_handle,
    .clear = batch_clear,
};

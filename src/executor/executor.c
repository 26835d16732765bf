/*
 * executor.c - the executors' registry and what they share (executor.h).
 */
#include "executor.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "../platform/host.h"

const ExecutorOps *executor_ops(ExecKind kind)
{
    switch (kind) {
    case EXEC_SINGLE:
        return &exec_single;
    case EXEC_BATCH:
        return &exec_batch;
    case EXEC_LLM:
        return &exec_llm;
    case EXEC_AUTO:
        break;
    }
    return NULL;
}

ExecKind executor_resolve(ExecKind chosen, int max_batch)
{
    if (chosen != EXEC_AUTO)
        return chosen;
    return max_batch > 1 ? EXEC_BATCH : EXEC_SINGLE;
}

ExecKind executor_find(const char *name)
{
    static const struct {
        const char *name;
        ExecKind kind;
    } names[] = {{"single", EXEC_SINGLE}, {"batch", EXEC_BATCH},
                 {"llm", EXEC_LLM}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return names[i].kind;
    return EXEC_AUTO;
}

void executor_init(Executor *ex, ExecKind kind, const ExecConfig *cfg,
                   struct World *w, const ExecHooks *hooks, void *platform,
                   uint32_t *epochs, uint64_t *served)
{
    memset(ex, 0, sizeof *ex);
    ex->ops = executor_ops(kind);
    assert(ex->ops != NULL); /* config validated the kind */
    ex->cfg = *cfg;
    ex->w = w;
    ex->hooks = hooks;
    ex->platform = platform;
    ex->epochs = epochs;
    ex->served = served;
}

void executor_fini(Executor *ex)
{
    if (ex->has_share_pool)
        pool_fini(&ex->share_pool);
    ex->has_share_pool = 0;
}

SimTime executor_service_us(const Executor *ex, const Request *req, int b)
{
    return world_service_us(req, ex->cfg.hw, b * ex->cfg.batch,
                            ex->cfg.cpu_factor);
}

void executor_unit_reset(Executor *ex, ExecUnit *u, void *owner)
{
    u->owner = owner;
    u->held_head = u->held_tail = NULL;
    u->held = 0;
    u->running = 0;
    u->batch_epoch = ++*ex->epochs;
    u->share_epoch = ++*ex->epochs;
    u->share = NULL;
    u->share_at = 0;
    u->llm = NULL;
    u->n_llm = 0;
}

void executor_hold_push(ExecUnit *u, Request *req)
{
    req->next = NULL;
    if (u->held_tail != NULL)
        u->held_tail->next = req;
    else
        u->held_head = req;
    u->held_tail = req;
    u->held++;
}

Request *executor_hold_pop(ExecUnit *u)
{
    Request *req = u->held_head;
    if (req != NULL) {
        u->held_head = req->next;
        if (u->held_head == NULL)
            u->held_tail = NULL;
        req->next = NULL;
        u->held--;
    }
    return req;
}

void executor_stats(const Executor *ex, const ExecUnit *u, SimTime now,
                    LlmRunStats *st)
{
    if (u == NULL) {
        llm_stats_add(st, &ex->gone);
        return;
    }
    if (ex->ops->stats != NULL)
        ex->ops->stats(ex, u, now, st);
}

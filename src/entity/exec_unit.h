/*
 * exec_unit.h - what an executor (executor/executor.h) keeps inside one
 * instance: a serverless Instance or a VM embeds one ExecUnit.
 *
 * Plain data, so the platforms can embed it without knowing which executor
 * runs; only the executor that owns the instance reads or writes it (the
 * platforms read `held`).  Kept in entity/ because it is per-instance state,
 * like the instance's own fields; the rules live in executor/.
 */
#ifndef SIM_ENTITY_EXEC_UNIT_H
#define SIM_ENTITY_EXEC_UNIT_H

#include <stdint.h>

#include "../core/time.h"
#include "request.h"

struct ShareRun;
struct LlmReplica;

typedef struct ExecUnit {
    void *owner;              /* the platform's Instance or Vm */
    /* requests the executor holds and has not started: bound while the
     * instance starts (single), or the batch it is forming (batch) */
    Request *held_head, *held_tail;
    int held;
    uint32_t batch_epoch;     /* cancels a pending batch deadline */
    uint8_t provisioned;      /* a provisioned instance (billing of its
                                 requests) */
    /* single, processor-shared: the running requests' remaining work */
    int running;              /* requests running (processor sharing) */
    uint32_t share_epoch;     /* cancels a pending processor-sharing end */
    struct ShareRun *share;   /* `slots` entries, or NULL */
    SimTime share_at;         /* their remaining work is as of this time */
    /* llm: its engines (data-parallel replicas, executor/exec_llm.c) */
    struct LlmReplica *llm;   /* n_llm of them, or NULL */
    int n_llm;
    uint32_t llm_gen;         /* bumped whenever its engines are created or
                                 destroyed */
} ExecUnit;

#endif

/*
 * llm_engine.h - one LLM serving engine (one instance: tp GPUs), iteration
 * by iteration, with vLLM's scheduling semantics: continuous batching,
 * a paged KV cache, optional chunked prefill, recompute preemption.
 *
 * The engine is plain bookkeeping with no events of its own and no
 * knowledge of platforms: its host (the `llm` executor inside a serverless
 * instance or a VM) adds sequences, asks it to begin an iteration, sets a
 * timer for the duration it returns, and tells it when that time has come.
 * That keeps the scheduling rules testable against hand-worked schedules
 * without a World (tests/unit/test_llm_engine.c).
 *
 * Rules (../shared/reference/llm/llm-serving.md section 3; DESIGN.md):
 *  - a FCFS waiting queue; an iteration first gives every running
 *    sequence its token for this iteration (a decode, or the next prefill
 *    chunk of a sequence still prefilling), then admits waiting sequences
 *    in order while running < max_num_seqs, the iteration's tokens stay
 *    <= max_num_batched_tokens and free KV blocks cover the admitted
 *    prompt (or chunk); the first waiting sequence that does not fit stops
 *    admission (no overtaking);
 *  - without chunked prefill (chunk_tokens 0) a prompt is prefilled in one
 *    iteration; with it, at most chunk_tokens of one prompt per iteration
 *    and the batch's token budget shared by decodes first;
 *  - a sequence's KV occupies ceil(context / block_tokens) blocks; when a
 *    running sequence needs a new block and none is free, the most
 *    recently admitted running sequence is preempted (its blocks freed,
 *    its progress lost: it returns to the FRONT of the waiting queue and
 *    is prefilled again, prompt + tokens already generated), repeatedly,
 *    until the block is found; preemptions are counted;
 *  - the iteration that completes a sequence's prompt samples its first
 *    output token; every later iteration samples one more; a sequence
 *    finishes at the end of the iteration that samples its last token and
 *    frees its blocks then.
 * Times: the engine stamps first_token_us and finish_us on sequences at
 * the END of the iteration that produced them.
 */
#ifndef SIM_EXECUTOR_LLM_ENGINE_H
#define SIM_EXECUTOR_LLM_ENGINE_H

#include <stdint.h>

#include "../core/time.h"
#include "llm_model.h"

typedef struct LlmEngineConfig {
    int max_num_seqs;              /* running sequences, vLLM default 256 */
    int64_t max_num_batched_tokens;/* tokens per iteration */
    int block_tokens;              /* KV block size, default 16 */
    int64_t chunk_tokens;          /* chunked prefill budget; 0 = off */
    int64_t kv_blocks;             /* KV cache capacity in blocks */
} LlmEngineConfig;

/* One request's sequence.  The host owns the memory (e.g. inside its
 * request) and keeps it alive from llm_engine_add until it is returned
 * finished or removed. */
typedef struct LlmSeq {
    struct LlmSeq *next;           /* engine's links: do not touch */
    struct LlmSeq *prev;
    void *owner;                   /* the host's request */
    int32_t prompt_tokens;         /* >= 1 */
    int32_t output_tokens;         /* >= 1 */
    /* engine state, readable by the host */
    int32_t prefilled;             /* context tokens with KV now */
    int32_t generated;             /* output tokens sampled so far */
    int32_t blocks;                /* KV blocks held */
    int32_t chunk;                 /* tokens it prefills this iteration */
    uint32_t preemptions;          /* times it was preempted */
    uint8_t state;                 /* waiting, running, finished */
    uint64_t admit_order;          /* for "most recently admitted" */
    SimTime added_us;              /* when llm_engine_add was called */
    SimTime first_token_us;        /* -1 until its first token */
    SimTime finish_us;             /* -1 until finished */
} LlmSeq;

typedef struct LlmEngineStats {
    uint64_t iterations;
    uint64_t preemptions;
    uint64_t prefill_tokens;       /* prompt tokens prefilled (recompute
                                      included) */
    uint64_t output_tokens;        /* tokens sampled */
    double running_seq_us;         /* integral of running sequences over
                                      busy time (mean batch = / busy_us) */
    double kv_block_us;            /* integral of used KV blocks */
    SimTime busy_us;               /* time with an iteration running */
} LlmEngineStats;

typedef struct LlmEngine LlmEngine;

/* NULL (and a message in err) when the configuration is unusable (no KV
 * block, max_num_seqs < 1, ...).  `tm` is borrowed. */
LlmEngine *llm_engine_create(const LlmEngineConfig *cfg,
                             const LlmTimeModel *tm, char *err,
                             int err_size);
void llm_engine_destroy(LlmEngine *e);

/* 1 when a sequence of this size can ever run alone (its prompt + output
 * fits the KV cache and the per-iteration token budget allows its prefill,
 * chunked or not); the host refuses the request otherwise. */
int llm_engine_fits(const LlmEngine *e, int32_t prompt_tokens,
                    int32_t output_tokens);

/* Appends s to the waiting queue at `now` (s->prompt_tokens and
 * s->output_tokens set by the host; the rest is initialised here). */
void llm_engine_add(LlmEngine *e, LlmSeq *s, SimTime now);

/* Takes s out wherever it is (waiting or running; the host's timeout or
 * the instance went away), freeing its blocks.  Must not be called while
 * an iteration that includes s is running unless the host then calls
 * llm_engine_end as usual (s is then simply absent). */
void llm_engine_remove(LlmEngine *e, LlmSeq *s);

/* With no iteration running: forms the next one at `now` and returns its
 * duration (>= 1 us), or 0 when there is nothing to run. */
SimTime llm_engine_begin(LlmEngine *e, SimTime now);

/* The running iteration ends at `now`: tokens are sampled, first tokens
 * and finishes stamped, finished sequences leave (their blocks freed) and
 * are returned as a list linked through `next`, in admission order. */
LlmSeq *llm_engine_end(LlmEngine *e, SimTime now);

int llm_engine_busy(const LlmEngine *e);     /* an iteration is running */
int llm_engine_running(const LlmEngine *e);  /* running sequences */
int llm_engine_waiting(const LlmEngine *e);  /* waiting sequences */
int64_t llm_engine_free_blocks(const LlmEngine *e);
const LlmEngineStats *llm_engine_stats(const LlmEngine *e);

#endif

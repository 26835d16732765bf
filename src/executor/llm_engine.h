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
 *
 * Edge rules (settled here; tests/unit/test_llm_engine.c pins each):
 *  - KV slots.  A sequence's context is prompt + generated tokens; the
 *    KV of a sampled token is written by the next iteration (its decode),
 *    so a decoding sequence has prefilled = prompt + generated - 1 and the
 *    last output token never gets KV: the peak is prompt + output - 1
 *    tokens, ceil((prompt + output - 1) / block_tokens) blocks.
 *  - Allocation follows vLLM: admission needs the blocks of what the
 *    iteration prefills (ceil(prompt / block_tokens) for a whole prompt,
 *    the chunk's new blocks under chunked prefill), and each decode
 *    allocates its one slot in the iteration that writes it, so a
 *    sequence whose first sampled token starts a new block asks for that
 *    block in its first decode iteration (and may preempt then), not at
 *    admission.
 *  - Order inside an iteration: (1) decodes, oldest admission first, each
 *    crossing a block boundary takes one block, preempting the newest
 *    running sequence while none is free (itself, when it is the newest);
 *    (2) running sequences still prefilling (chunked), oldest first, get
 *    min(chunk_tokens, rest of the prompt, token budget left after the
 *    decodes and the chunks before them), preempting likewise for the
 *    chunk's blocks; (3) admission from the head of the waiting queue.
 *  - Token budget: an iteration's tokens = prefill tokens (whole prompts
 *    or chunks) + one per decode, <= max_num_batched_tokens.  As vLLM
 *    does, max_num_batched_tokens < max_num_seqs is refused, so decodes
 *    always fit.
 *  - Recompute.  A preempted sequence keeps its sampled tokens; when
 *    admitted again it prefills prompt + generated tokens (whole or in
 *    chunks) and the iteration that completes that samples ONE new token
 *    (none is sampled again for the tokens it already had).  Its
 *    first_token_us stays that of its first admission.  Readmission gives
 *    it a new admission order (it is then the most recently admitted).
 *    new_seqs in the batch counts every sequence whose (re)prefill starts.
 *  - llm_engine_fits: ceil((prompt + output - 1) / block_tokens) <=
 *    kv_blocks, and without chunked prefill prompt + output - 1 <=
 *    max_num_batched_tokens (vLLM's max_model_len <= max_num_batched_
 *    tokens: the longest recompute prefill must fit one iteration).  Such
 *    a sequence always completes: the oldest running sequence can preempt
 *    every other.  One that does not fit would block the queue's head for
 *    ever; refusing it is the host's job.
 *  - Batch figures (LlmBatch): decode_kv_tokens sums each decode's context
 *    including the token it processes (prefilled + 1); prefill_attn_work
 *    sums chunk x KV-before + floor(chunk^2 / 2).
 *
 * Laziness.  A decoding sequence's prefilled, generated, blocks and chunk
 * fields are brought up to date only when the engine touches it (block
 * shortage, finish, removal) or when the host calls llm_engine_sync(); the
 * engine keeps per-iteration sums instead, so a decode-only iteration costs
 * O(1) (llm_engine.c says how).  Waiting, prefilling, finished and removed
 * sequences are always exact.  A decoder's chunk reads 1 during an
 * iteration (its decode) and 0 between iterations.
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
    /* engine's bookkeeping: do not touch */
    uint8_t decoding;              /* running and past its prefill */
    int32_t heap_pos;              /* in the finish heap, when decoding */
    int32_t prefill_pos;           /* in the prefill list, when prefilling */
    uint64_t sync_it;              /* iterations the fields above include */
    uint64_t finish_it;            /* iteration that samples its last token */
} LlmSeq;

/* LlmSeq.state */
enum {
    LLM_SEQ_WAITING = 0,
    LLM_SEQ_RUNNING,
    LLM_SEQ_FINISHED,
    LLM_SEQ_REMOVED               /* taken out by llm_engine_remove */
};

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
    uint64_t decode_tokens;        /* decodes run (one token each) */
    uint64_t recompute_tokens;     /* KV tokens dropped by preemptions
                                      (prefilled again on readmission) */
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

/* Takes out (as llm_engine_remove) every sequence added at or before
 * `cutoff`, running or waiting -- the host's timeout -- and returns them
 * linked through `next`, the running ones first, each list in its order;
 * *next_added gets the earliest added_us of the sequences left
 * (SIM_TIME_MAX when none).  O(running + waiting). */
LlmSeq *llm_engine_remove_added_before(LlmEngine *e, SimTime cutoff,
                                       SimTime *next_added);

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

/* Brings s's prefilled, generated, blocks and chunk up to date (a running
 * decoding sequence's are lazy; see Laziness above).  O(1). */
void llm_engine_sync(const LlmEngine *e, LlmSeq *s);

/* Checks every invariant against a walk of all sequences (block count,
 * per-iteration sums, heap, list order); O(running + waiting), for tests.
 * Returns 1, or 0 with the first broken one described in msg. */
int llm_engine_check(const LlmEngine *e, char *msg, int msg_size);

#endif

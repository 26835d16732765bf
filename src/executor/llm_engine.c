/*
 * llm_engine.c - one LLM serving engine, iteration by iteration
 * (llm_engine.h states the scheduling rules; this file says how).
 *
 * Workload fact behind the representation.  Iterations are the hot loop:
 * 10^6 requests of a few hundred output tokens are ~10^8 decode steps, and
 * in steady state almost every iteration is decode-only with nothing
 * admitted: one decoding sequence in block_tokens (16) crosses a KV block
 * boundary in a given iteration, and a sequence finishes once in hundreds
 * of iterations.  So the engine never walks the decoding sequences in the
 * common case:
 *  - waiting and running are intrusive doubly linked lists through
 *    LlmSeq.next/prev (no allocation; running in admission order, so the
 *    preemption victim, the most recently admitted, is the tail);
 *  - a decoding sequence's fields are lazy: they hold its state after
 *    iteration sync_it, and since it decodes exactly one token in every
 *    iteration until it finishes, its state after iters_done iterations is
 *    that plus (iters_done - sync_it) tokens (seq_sync);
 *  - per-iteration sums over decoding sequences are kept incrementally:
 *    dec_n (how many) and dec_kv (sum of prefilled + 1, the KV a decode
 *    reads), which grows by dec_n each iteration;
 *  - block crossings: a decoder with prefilled p needs a new block in the
 *    next iteration iff p % block == 0.  p - iters_done is invariant while
 *    it decodes, so decoders are counted by (p - iters_done) mod block in
 *    cross[]: the next iteration needs cross[(-iters_done) mod block] new
 *    blocks, one array read;
 *  - finishes: a binary min-heap of decoders keyed by (finish_it,
 *    admit_order), the iteration that samples their last token; the heap
 *    pops in admission order within an iteration, which is the order
 *    llm_engine_end returns them in;
 *  - sequences still prefilling (chunked prefill, or just admitted) are a
 *    small array in admission order, walked each iteration: they get
 *    chunks and blocks one by one, so they cost O(prefilling).
 * A decode-only iteration with free blocks for its crossings is O(1); one
 * that admits or prefills is O(prefilling + admitted); finishes cost
 * O(log running) each.  Only a block shortage walks the running list
 * (slow_decodes: it syncs the decoders in admission order to find the ones
 * that cross, preempting from the tail), which is rare and already costs a
 * preemption's recompute.
 *
 * Roads not taken: walking all running sequences each iteration (simplest,
 * O(running): 256 touches per iteration at vLLM's default max_num_seqs;
 * the reference implementation in tests/unit/test_llm_engine.c does that
 * and the engine must agree with it); a bucket queue (timing wheel) for
 * finishes, O(1) but sized by the longest output: the heap's log factor is
 * paid once per sequence, not per iteration.
 *
 * Cost (callgrind instruction counts, tests/bench/bench_llm_engine.c, 256
 * running, per steady iteration including the bench's loop): about 200
 * when finishes are rare (outputs ~20,000 tokens: begin ~79, end ~69, the
 * linear time model ~33), about 650 with outputs of 64..575 tokens (~0.8
 * finishes and admissions per iteration, ~550 instructions each), about
 * 1,800 with a cache for half the batch (a preemption every 4 iterations,
 * each a walk of the running list).
 *
 * Stats count what an iteration did at its end, for the sequences still in
 * it (a sequence removed mid-iteration is simply absent), so the token
 * identities of the tests hold exactly: prefill_tokens + decode_tokens -
 * recompute_tokens = the KV tokens sequences hold or held when they left.
 */
#include "llm_engine.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util/xalloc.h"

#define LLM_MAX_SEQS_CAP (1 << 24) /* arrays are sized by max_num_seqs */

struct LlmEngine {
    LlmEngineConfig cfg;
    const LlmTimeModel *tm;        /* borrowed */
    int64_t block;                 /* cfg.block_tokens */
    LlmSeq *wait_head, *wait_tail;
    LlmSeq *run_head, *run_tail;   /* admission order */
    int n_waiting, n_running;
    LlmSeq **prefill;              /* running, still prefilling, admission
                                      order; NULL = left (compacted on the
                                      next walk); capacity max_num_seqs */
    int n_prefill;
    LlmSeq **heap;                 /* decoders, min (finish_it, admit_order) */
    int n_heap;
    int64_t *cross;                /* block entries: decoders by
                                      (prefilled - iters_done) mod block */
    int64_t dec_n;                 /* decoding sequences */
    int64_t dec_kv;                /* sum of their prefilled + 1 */
    int64_t used_blocks;
    uint64_t iters_done;           /* iterations ended */
    int64_t iters_mod;             /* iters_done % block */
    uint64_t next_admit;           /* admission counter */
    int busy;
    int dec_slot;                  /* 1 once this iteration's decodes hold
                                      their slot (until its end) */
    SimTime begin_us;              /* when the running iteration began */
    int cur_running;               /* running sequences in it */
    int64_t cur_blocks;            /* blocks used in it */
    LlmEngineStats stats;
};

/* ---------- small arithmetic ---------- */

static int64_t blocks_for(const LlmEngine *e, int64_t tokens)
{
    return (tokens + e->block - 1) / e->block;
}

static int64_t free_blocks(const LlmEngine *e)
{
    return e->cfg.kv_blocks - e->used_blocks;
}

/* (tokens - iters_done) mod block, in [0, block). */
static int64_t phase_of(const LlmEngine *e, int64_t tokens)
{
    int64_t r = tokens % e->block - e->iters_mod;
    return r < 0 ? r + e->block : r;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* ---------- lists ---------- */

static void list_unlink(LlmSeq **head, LlmSeq **tail, LlmSeq *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else
        *tail = s->prev;
    s->next = s->prev = NULL;
}

static void list_append(LlmSeq **head, LlmSeq **tail, LlmSeq *s)
{
    s->next = NULL;
    s->prev = *tail;
    if (*tail)
        (*tail)->next = s;
    else
        *head = s;
    *tail = s;
}

static void list_prepend(LlmSeq **head, LlmSeq **tail, LlmSeq *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    else
        *tail = s;
    *head = s;
}

/* ---------- the finish heap ---------- */

static int heap_less(const LlmSeq *a, const LlmSeq *b)
{
    return a->finish_it < b->finish_it ||
           (a->finish_it == b->finish_it && a->admit_order < b->admit_order);
}

static void heap_set(LlmEngine *e, int i, LlmSeq *s)
{
    e->heap[i] = s;
    s->heap_pos = i;
}

static void heap_up(LlmEngine *e, int i)
{
    LlmSeq *s = e->heap[i];
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!heap_less(s, e->heap[parent]))
            break;
        heap_set(e, i, e->heap[parent]);
        i = parent;
    }
    heap_set(e, i, s);
}

static void heap_down(LlmEngine *e, int i)
{
    LlmSeq *s = e->heap[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= e->n_heap)
            break;
        if (c + 1 < e->n_heap && heap_less(e->heap[c + 1], e->heap[c]))
            c++;
        if (!heap_less(e->heap[c], s))
            break;
        heap_set(e, i, e->heap[c]);
        i = c;
    }
    heap_set(e, i, s);
}

static void heap_push(LlmEngine *e, LlmSeq *s)
{
    assert(e->n_heap < e->cfg.max_num_seqs);
    heap_set(e, e->n_heap++, s);
    heap_up(e, s->heap_pos);
}

static void heap_remove(LlmEngine *e, LlmSeq *s)
{
    int i = s->heap_pos;
    assert(i >= 0 && i < e->n_heap && e->heap[i] == s);
    LlmSeq *last = e->heap[--e->n_heap];
    s->heap_pos = -1;
    if (last == s)
        return;
    heap_set(e, i, last);
    heap_up(e, i);
    heap_down(e, last->heap_pos);
}

/* ---------- decoders (lazy) ---------- */

static void seq_sync_decoder(const LlmEngine *e, LlmSeq *s)
{
    int32_t d = (int32_t)(e->iters_done - s->sync_it);
    s->prefilled += d;
    s->generated += d;
    s->sync_it = e->iters_done;
    s->chunk = e->dec_slot;
    s->blocks = (int32_t)blocks_for(e, s->prefilled + s->chunk);
}

void llm_engine_sync(const LlmEngine *e, LlmSeq *s)
{
    if (s->state == LLM_SEQ_RUNNING && s->decoding)
        seq_sync_decoder(e, s);
}

/* s has just sampled with prefilled == prompt + generated - 1: from the
 * next iteration on it decodes. */
static void decoder_add(LlmEngine *e, LlmSeq *s)
{
    s->decoding = 1;
    s->sync_it = e->iters_done;
    s->finish_it = e->iters_done + (uint64_t)(s->output_tokens -
                                              s->generated);
    e->cross[phase_of(e, s->prefilled)]++;
    e->dec_n++;
    e->dec_kv += s->prefilled + 1;
    heap_push(e, s);
}

/* Takes a synced decoder out of the sums and the heap. */
static void decoder_drop(LlmEngine *e, LlmSeq *s)
{
    e->cross[phase_of(e, s->prefilled)]--;
    e->dec_n--;
    e->dec_kv -= s->prefilled + 1;
    if (s->heap_pos >= 0)
        heap_remove(e, s);
    s->decoding = 0;
}

/* ---------- leaving the running set ---------- */

/* Takes s (running) out of the running set and frees its blocks; returns
 * the KV tokens it held. */
static int32_t running_detach(LlmEngine *e, LlmSeq *s)
{
    if (s->decoding) {
        seq_sync_decoder(e, s);
        decoder_drop(e, s);
    } else {
        assert(e->prefill[s->prefill_pos] == s);
        e->prefill[s->prefill_pos] = NULL;
        s->prefill_pos = -1;
    }
    e->used_blocks -= blocks_for(e, s->prefilled + s->chunk);
    list_unlink(&e->run_head, &e->run_tail, s);
    e->n_running--;
    int32_t kv = s->prefilled;
    s->prefilled = 0;
    s->chunk = 0;
    s->blocks = 0;
    return kv;
}

/* Recompute preemption of the newest running sequence. */
static LlmSeq *preempt_newest(LlmEngine *e)
{
    LlmSeq *v = e->run_tail;
    assert(v);
    e->stats.recompute_tokens += (uint64_t)running_detach(e, v);
    v->state = LLM_SEQ_WAITING;
    v->preemptions++;
    e->stats.preemptions++;
    list_prepend(&e->wait_head, &e->wait_tail, v);
    e->n_waiting++;
    return v;
}

/* Frees `need` blocks by preempting from the tail; returns 0 when s
 * itself had to go. */
static int make_room(LlmEngine *e, const LlmSeq *s, int64_t need)
{
    while (free_blocks(e) < need) {
        if (preempt_newest(e) == s)
            return 0;
    }
    return 1;
}

/* ---------- forming an iteration ---------- */

/* Step 1 when the crossings outnumber the free blocks: decoders in
 * admission order take their block, preempting from the tail. */
static void slow_decodes(LlmEngine *e)
{
    /* victims come from the tail, so s->next is read only after s got
     * its block: it is then still running */
    for (LlmSeq *s = e->run_head; s; s = s->next) {
        if (!s->decoding)
            continue;
        seq_sync_decoder(e, s);
        if (s->prefilled % e->block == 0) {
            if (!make_room(e, s, 1))
                return;
            e->used_blocks++;
        }
    }
}

/* Step 2: running sequences still prefilling (chunked prefill only),
 * oldest first, within `budget` tokens; compacts the array. */
static void prefill_chunks(LlmEngine *e, int64_t budget)
{
    int w = 0;
    for (int i = 0; i < e->n_prefill; i++) {
        LlmSeq *s = e->prefill[i];
        if (!s)
            continue;
        assert(e->cfg.chunk_tokens > 0);
        int64_t rest = s->prompt_tokens + s->generated - s->prefilled;
        int64_t chunk = min64(min64(rest, e->cfg.chunk_tokens), budget);
        int64_t need = blocks_for(e, s->prefilled + chunk) -
                       blocks_for(e, s->prefilled);
        if (!make_room(e, s, need))
            break; /* s was the newest: nothing after it is left */
        e->used_blocks += need;
        s->chunk = (int32_t)chunk;
        s->blocks = (int32_t)blocks_for(e, s->prefilled + chunk);
        budget -= chunk;
        e->prefill[w] = s;
        s->prefill_pos = w++;
    }
    e->n_prefill = w;
}

/* Step 3: FCFS admission from the waiting head. */
static void admit(LlmEngine *e, int64_t budget)
{
    while (e->wait_head && e->n_running < e->cfg.max_num_seqs) {
        LlmSeq *s = e->wait_head;
        int64_t target = s->prompt_tokens + s->generated;
        int64_t chunk = e->cfg.chunk_tokens > 0
                            ? min64(min64(target, e->cfg.chunk_tokens), budget)
                            : target;
        if (chunk < 1 || chunk > budget)
            break;
        int64_t need = blocks_for(e, chunk);
        if (need > free_blocks(e))
            break;
        list_unlink(&e->wait_head, &e->wait_tail, s);
        e->n_waiting--;
        list_append(&e->run_head, &e->run_tail, s);
        e->n_running++;
        s->state = LLM_SEQ_RUNNING;
        s->decoding = 0;
        s->admit_order = ++e->next_admit;
        s->prefilled = 0;
        s->chunk = (int32_t)chunk;
        s->blocks = (int32_t)need;
        e->used_blocks += need;
        budget -= chunk;
        assert(e->n_prefill < e->cfg.max_num_seqs);
        e->prefill[e->n_prefill] = s;
        s->prefill_pos = e->n_prefill++;
    }
}

/* The batch: decoders from the sums, prefills from the array. */
static void batch_fill(const LlmEngine *e, LlmBatch *b)
{
    *b = (LlmBatch){.decode_seqs = e->dec_n,
                    .decode_kv_tokens = e->dec_kv,
                    .output_tokens = e->dec_n};
    for (int i = 0; i < e->n_prefill; i++) {
        const LlmSeq *s = e->prefill[i];
        if (s->chunk == 0)
            continue;
        int64_t c = s->chunk;
        b->prefill_tokens += c;
        b->prefill_seqs++;
        b->prefill_attn_work += c * s->prefilled + c * c / 2;
        if (s->prefilled == 0)
            b->new_seqs++;
        if (s->prefilled + c == s->prompt_tokens + s->generated)
            b->output_tokens++;
    }
}

SimTime llm_engine_begin(LlmEngine *e, SimTime now)
{
    assert(!e->busy);
    if (e->n_running == 0 && e->n_waiting == 0)
        return 0;
    int64_t crossing = e->cross[e->iters_mod ? e->block - e->iters_mod : 0];
    if (crossing <= free_blocks(e))
        e->used_blocks += crossing;
    else
        slow_decodes(e);
    e->dec_slot = 1;
    prefill_chunks(e, e->cfg.max_num_batched_tokens - e->dec_n);
    /* again: decoders preempted in step 2 left their token to admission */
    int64_t budget = e->cfg.max_num_batched_tokens - e->dec_n;
    for (int i = 0; i < e->n_prefill; i++)
        budget -= e->prefill[i]->chunk;
    admit(e, budget);
    if (e->n_running == 0) {
        e->dec_slot = 0;
        return 0;
    }
    LlmBatch b;
    batch_fill(e, &b);
    e->busy = 1;
    e->begin_us = now;
    e->cur_running = e->n_running;
    e->cur_blocks = e->used_blocks;
    return llm_time_us(e->tm, &b);
}

/* ---------- ending an iteration ---------- */

static void finish(LlmEngine *e, LlmSeq *s, SimTime now)
{
    seq_sync_decoder(e, s);
    assert(s->generated == s->output_tokens);
    decoder_drop(e, s);
    e->used_blocks -= blocks_for(e, s->prefilled);
    list_unlink(&e->run_head, &e->run_tail, s);
    e->n_running--;
    s->state = LLM_SEQ_FINISHED;
    s->blocks = 0;
    s->chunk = 0;
    s->finish_us = now;
}

/* Prefilling sequences take their chunk; those that complete their
 * context sample and become decoders. */
static void prefill_end(LlmEngine *e, SimTime now)
{
    int w = 0;
    for (int i = 0; i < e->n_prefill; i++) {
        LlmSeq *s = e->prefill[i];
        if (!s)
            continue;
        s->prefilled += s->chunk;
        e->stats.prefill_tokens += (uint64_t)s->chunk;
        s->chunk = 0;
        if (s->prefilled == s->prompt_tokens + s->generated) {
            s->generated++;
            e->stats.output_tokens++;
            if (s->first_token_us < 0)
                s->first_token_us = now;
            s->prefill_pos = -1;
            decoder_add(e, s);
        } else {
            e->prefill[w] = s;
            s->prefill_pos = w++;
        }
    }
    e->n_prefill = w;
}

LlmSeq *llm_engine_end(LlmEngine *e, SimTime now)
{
    assert(e->busy);
    SimTime dur = now - e->begin_us;
    e->stats.busy_us += dur;
    e->stats.running_seq_us += (double)e->cur_running * (double)dur;
    e->stats.kv_block_us += (double)e->cur_blocks * (double)dur;
    e->stats.iterations++;
    e->iters_done++;
    if (++e->iters_mod == e->block)
        e->iters_mod = 0;
    e->dec_kv += e->dec_n;
    e->stats.decode_tokens += (uint64_t)e->dec_n;
    e->stats.output_tokens += (uint64_t)e->dec_n;
    e->busy = 0;
    e->dec_slot = 0;
    prefill_end(e, now);
    LlmSeq *head = NULL, *tail = NULL;
    while (e->n_heap > 0 && e->heap[0]->finish_it <= e->iters_done) {
        LlmSeq *s = e->heap[0];
        finish(e, s, now);
        list_append(&head, &tail, s);
    }
    return head;
}

/* ---------- the rest of the interface ---------- */

LlmEngine *llm_engine_create(const LlmEngineConfig *cfg,
                             const LlmTimeModel *tm, char *err,
                             int err_size)
{
    const char *why = NULL;
    if (!tm)
        why = "no iteration time model";
    else if (cfg->max_num_seqs < 1 || cfg->max_num_seqs > LLM_MAX_SEQS_CAP)
        why = "max_num_seqs must be in [1, 16777216]";
    else if (cfg->max_num_batched_tokens < cfg->max_num_seqs)
        why = "max_num_batched_tokens must be >= max_num_seqs";
    else if (cfg->block_tokens < 1)
        why = "block_tokens must be >= 1";
    else if (cfg->chunk_tokens < 0)
        why = "chunk_tokens must be >= 0";
    else if (cfg->kv_blocks < 1)
        why = "the KV cache holds no block";
    if (why) {
        if (err && err_size > 0)
            snprintf(err, (size_t)err_size, "%s", why);
        return NULL;
    }
    LlmEngine *e = xcalloc(1, sizeof *e);
    e->cfg = *cfg;
    e->tm = tm;
    e->block = cfg->block_tokens;
    e->prefill = xcalloc((size_t)cfg->max_num_seqs, sizeof *e->prefill);
    e->heap = xcalloc((size_t)cfg->max_num_seqs, sizeof *e->heap);
    e->cross = xcalloc((size_t)cfg->block_tokens, sizeof *e->cross);
    return e;
}

void llm_engine_destroy(LlmEngine *e)
{
    if (!e)
        return;
    free(e->prefill);
    free(e->heap);
    free(e->cross);
    free(e);
}

int llm_engine_fits(const LlmEngine *e, int32_t prompt_tokens,
                    int32_t output_tokens)
{
    if (prompt_tokens < 1 || output_tokens < 1)
        return 0;
    int64_t peak = (int64_t)prompt_tokens + output_tokens - 1;
    if (blocks_for(e, peak) > e->cfg.kv_blocks)
        return 0;
    return e->cfg.chunk_tokens > 0 || peak <= e->cfg.max_num_batched_tokens;
}

void llm_engine_add(LlmEngine *e, LlmSeq *s, SimTime now)
{
    assert(s->prompt_tokens >= 1 && s->output_tokens >= 1);
    s->prefilled = s->generated = s->blocks = s->chunk = 0;
    s->preemptions = 0;
    s->state = LLM_SEQ_WAITING;
    s->decoding = 0;
    s->heap_pos = s->prefill_pos = -1;
    s->admit_order = 0;
    s->sync_it = s->finish_it = 0;
    s->added_us = now;
    s->first_token_us = -1;
    s->finish_us = -1;
    list_append(&e->wait_head, &e->wait_tail, s);
    e->n_waiting++;
}

void llm_engine_remove(LlmEngine *e, LlmSeq *s)
{
    if (s->state == LLM_SEQ_WAITING) {
        list_unlink(&e->wait_head, &e->wait_tail, s);
        e->n_waiting--;
    } else if (s->state == LLM_SEQ_RUNNING) {
        int32_t kv = running_detach(e, s);
        s->prefilled = kv; /* what it had when it left */
    } else {
        return;
    }
    s->state = LLM_SEQ_REMOVED;
}

/* Moves every sequence of list `head` added at or before cutoff onto
 * *out (through `next`); the earliest added_us of those left lowers
 * *next_added. */
static void remove_added_before(LlmEngine *e, LlmSeq *head, SimTime cutoff,
                                LlmSeq **out, SimTime *next_added)
{
    for (LlmSeq *s = head, *nx; s != NULL; s = nx) {
        nx = s->next;
        if (s->added_us > cutoff) {
            if (s->added_us < *next_added)
                *next_added = s->added_us;
            continue;
        }
        llm_engine_remove(e, s);
        s->next = *out;
        *out = s;
    }
}

LlmSeq *llm_engine_remove_added_before(LlmEngine *e, SimTime cutoff,
                                       SimTime *next_added)
{
    LlmSeq *out = NULL;
    *next_added = SIM_TIME_MAX;
    remove_added_before(e, e->run_head, cutoff, &out, next_added);
    remove_added_before(e, e->wait_head, cutoff, &out, next_added);
    /* reversed while collected: back to list order */
    LlmSeq *rev = NULL;
    while (out != NULL) {
        LlmSeq *nx = out->next;
        out->next = rev;
        rev = out;
        out = nx;
    }
    return rev;
}

int llm_engine_busy(const LlmEngine *e) { return e->busy; }
int llm_engine_running(const LlmEngine *e) { return e->n_running; }
int llm_engine_waiting(const LlmEngine *e) { return e->n_waiting; }
int64_t llm_engine_free_blocks(const LlmEngine *e) { return free_blocks(e); }
const LlmEngineStats *llm_engine_stats(const LlmEngine *e)
{
    return &e->stats;
}

/* ---------- the invariant check (tests) ---------- */

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            if (msg && msg_size > 0)                                          \
                snprintf(msg, (size_t)msg_size, __VA_ARGS__);                 \
            free(cross);                                                      \
            return 0;                                                         \
        }                                                                     \
    } while (0)

int llm_engine_check(const LlmEngine *e, char *msg, int msg_size)
{
    int64_t *cross = xcalloc((size_t)e->block, sizeof *cross);
    int64_t blocks = 0, dec_n = 0, dec_kv = 0;
    int n = 0, np = 0;
    uint64_t last_order = 0;
    for (LlmSeq *s = e->run_head; s; s = s->next) {
        CHECK(s->state == LLM_SEQ_RUNNING, "running seq in state %d",
              s->state);
        CHECK(s->admit_order > last_order, "running list not in admission "
              "order");
        last_order = s->admit_order;
        CHECK(!s->next || s->next->prev == s, "running links broken");
        n++;
        if (s->decoding) {
            LlmSeq c = *s;
            seq_sync_decoder(e, &c);
            CHECK(c.prefilled == c.prompt_tokens + c.generated - 1,
                  "decoder prefilled %d != prompt %d + generated %d - 1",
                  c.prefilled, c.prompt_tokens, c.generated);
            CHECK(c.generated >= 1 && c.generated < c.output_tokens,
                  "decoder generated %d of %d", c.generated, c.output_tokens);
            CHECK(c.finish_it == e->iters_done +
                      (uint64_t)(c.output_tokens - c.generated),
                  "decoder finish_it off");
            CHECK(s->heap_pos >= 0 && s->heap_pos < e->n_heap &&
                      e->heap[s->heap_pos] == s, "decoder not in heap");
            blocks += c.blocks;
            dec_n++;
            dec_kv += c.prefilled + 1;
            cross[phase_of(e, c.prefilled)]++;
        } else {
            CHECK(s->prefill_pos >= 0 && s->prefill_pos < e->n_prefill &&
                      e->prefill[s->prefill_pos] == s,
                  "prefilling seq not in prefill array");
            CHECK(s->prefilled + s->chunk <= s->prompt_tokens + s->generated,
                  "prefill beyond its context");
            CHECK(s->blocks == blocks_for(e, s->prefilled + s->chunk),
                  "prefilling seq blocks %d", s->blocks);
            blocks += s->blocks;
            np++;
        }
    }
    CHECK(n == e->n_running, "running count %d != %d", n, e->n_running);
    CHECK(n <= e->cfg.max_num_seqs, "running %d > max_num_seqs", n);
    CHECK(blocks == e->used_blocks, "blocks held %lld != used %lld",
          (long long)blocks, (long long)e->used_blocks);
    CHECK(e->used_blocks <= e->cfg.kv_blocks, "used blocks beyond capacity");
    CHECK(dec_n == e->dec_n && dec_n == e->n_heap, "decoder count %lld",
          (long long)dec_n);
    CHECK(dec_kv == e->dec_kv, "decode KV sum %lld != %lld",
          (long long)dec_kv, (long long)e->dec_kv);
    for (int64_t k = 0; k < e->block; k++)
        CHECK(cross[k] == e->cross[k], "cross[%lld] %lld != %lld",
              (long long)k, (long long)cross[k], (long long)e->cross[k]);
    int live = 0;
    uint64_t last_p = 0;
    for (int i = 0; i < e->n_prefill; i++) {
        if (!e->prefill[i])
            continue;
        live++;
        CHECK(e->prefill[i]->admit_order > last_p, "prefill array order");
        last_p = e->prefill[i]->admit_order;
    }
    CHECK(live == np, "prefill array holds %d, list %d", live, np);
    for (int i = 1; i < e->n_heap; i++)
        CHECK(!heap_less(e->heap[i], e->heap[(i - 1) / 2]), "heap order");
    int nw = 0;
    for (LlmSeq *s = e->wait_head; s; s = s->next) {
        CHECK(s->state == LLM_SEQ_WAITING && s->blocks == 0 &&
                  s->prefilled == 0, "waiting seq holds state");
        nw++;
    }
    CHECK(nw == e->n_waiting, "waiting count %d != %d", nw, e->n_waiting);
    free(cross);
    return 1;
}

/*
 * bench_llm_engine.c - the LLM engine alone, at a steady running batch:
 * 256 sequences (max_num_seqs 256), prompts 64..575 and outputs 64..575
 * tokens (fixed LCG), a KV cache large enough that nothing is preempted,
 * each finished sequence replaced by a new one at once, a constant
 * iteration time.  Phases (fill, steady, drain) are timed apart; the
 * steady phase reports iterations/s and decode tokens/s.  With an
 * argument, the KV cache is cut to half the batch's need, so blocks run
 * short and preemptions (the slow path) are part of the loop.
 * The `long` mode has outputs of 20,000..20,511 tokens: finishes are rare
 * and almost every steady iteration is decode-only (the O(1) path).
 * Usage: bench_llm_engine [ample|short|long [steady iterations]].
 * Not a test: `meson test -C build --benchmark llm-engine`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "executor/llm_engine.h"

enum { SEQS = 256, POOL = 2 * SEQS };

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint32_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*x >> 33);
}

static int32_t output_base = 64; /* 20,000 in the `long` mode */

static void refill(LlmEngine *e, LlmSeq *s, uint64_t *x, SimTime t)
{
    s->prompt_tokens = 64 + (int32_t)(lcg(x) % 512);
    s->output_tokens = output_base + (int32_t)(lcg(x) % 512);
    llm_engine_add(e, s, t);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "ample";
    int tight = strcmp(mode, "short") == 0;
    if (strcmp(mode, "long") == 0)
        output_base = 20000;
    uint64_t steady = argc > 2 ? strtoull(argv[2], NULL, 10) : 2000000;
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = 10000};
    LlmEngineConfig cfg = {.max_num_seqs = SEQS,
                           .max_num_batched_tokens = 8192,
                           .block_tokens = 16,
                           .chunk_tokens = 0,
                           .kv_blocks = tight ? SEQS * 36 / 2
                                              : SEQS * (output_base / 16 + 80)};
    char err[128];
    LlmEngine *e = llm_engine_create(&cfg, &tm, err, (int)sizeof err);
    if (!e) {
        fprintf(stderr, "bench_llm_engine: %s\n", err);
        return 1;
    }
    static LlmSeq pool[POOL];
    uint64_t x = 2385;
    SimTime t = 0;
    for (int i = 0; i < POOL; i++)
        refill(e, &pool[i], &x, t);
    double t0 = now_s();
    /* fill: until the batch is full, or for 2,000 iterations when the
     * cache cannot hold a full batch */
    for (int k = 0; k < 2000 && llm_engine_running(e) < SEQS; k++) {
        t += llm_engine_begin(e, t);
        for (LlmSeq *f = llm_engine_end(e, t), *n; f; f = n) {
            n = f->next;
            refill(e, f, &x, t);
        }
    }
    double t1 = now_s();
    uint64_t tok0 = llm_engine_stats(e)->decode_tokens;
    for (uint64_t k = 0; k < steady; k++) {
        t += llm_engine_begin(e, t);
        for (LlmSeq *f = llm_engine_end(e, t), *n; f; f = n) {
            n = f->next;
            refill(e, f, &x, t);
        }
    }
    double t2 = now_s();
    uint64_t tok = llm_engine_stats(e)->decode_tokens - tok0;
    SimTime d;
    while ((d = llm_engine_begin(e, t)) > 0) {
        t += d;
        llm_engine_end(e, t);
    }
    double t3 = now_s();
    const LlmEngineStats *st = llm_engine_stats(e);
    printf("%s: fill %.3f s; steady %llu iterations in %.3f s: %.3g "
           "iterations/s, %.3g decode tokens/s (%.1f ns per iteration, "
           "mean batch %.1f); drain %.3f s; %llu preemptions\n",
           mode, t1 - t0, (unsigned long long)steady,
           t2 - t1, (double)steady / (t2 - t1), (double)tok / (t2 - t1),
           (t2 - t1) / (double)steady * 1e9,
           st->running_seq_us / (double)st->busy_us, t3 - t2,
           (unsigned long long)st->preemptions);
    llm_engine_destroy(e);
    return 0;
}

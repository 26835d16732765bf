/*
 * llm_model.h - the time one LLM engine iteration takes on one GPU class
 * at one tensor-parallel degree, and the model shape that sizes its KV
 * cache.
 *
 * Representation.  An iteration is described by what it computes
 * (LlmBatch): the prompt tokens it prefills (whole prompts, or chunks of
 * them under chunked prefill), the attention work of those prefills, the
 * sequences that decode one token, the KV tokens those decodes read, and
 * the output tokens it samples.  A time model maps that to microseconds.
 * Two kinds:
 *   LLM_TM_LINEAR  a sum of per-item costs; with max_num_seqs 1 it is
 *                  exactly the old per-request form a + p * prompt +
 *                  o * output (a per new sequence, p per prefilled
 *                  token, o per sampled token), and the hand-worked
 *                  schedules of the tests use it;
 *   LLM_TM_FITTED  the model fitted to measured per-operator GPU times
 *                  (Vidur's profiles; scripts/import-vidur writes its
 *                  coefficients into models/<name>.json).
 * The engine (llm_engine.h) only calls llm_time_us(); it does not know
 * which kind it has.  Kept apart from entity/profile.h so the executor
 * depends on nothing but time.h.
 */
#ifndef SIM_EXECUTOR_LLM_MODEL_H
#define SIM_EXECUTOR_LLM_MODEL_H

#include <stdint.h>

#include "../core/time.h"

/* What one iteration computes.  Token counts are whole-instance (all TP
 * ranks together). */
typedef struct LlmBatch {
    int64_t prefill_tokens;    /* prompt tokens prefilled this iteration */
    int64_t prefill_seqs;      /* sequences with a prefill chunk in it */
    int64_t prefill_attn_work; /* sum over prefill chunks of chunk x (KV
                                  tokens before the chunk + chunk / 2):
                                  the pairs causal attention computes */
    int64_t new_seqs;          /* sequences whose first chunk this is */
    int64_t decode_seqs;       /* sequences decoding one token */
    int64_t decode_kv_tokens;  /* sum of their context lengths (KV read) */
    int64_t output_tokens;     /* tokens sampled: decodes + prefills that
                                  complete their prompt */
} LlmBatch;

/* Knots of a fitted model's piecewise-linear terms. */
#define LLM_FIT_MAX_KNOTS 32

typedef enum LlmTimeKind {
    LLM_TM_LINEAR = 0,
    LLM_TM_FITTED
} LlmTimeKind;

typedef struct LlmTimeModel {
    LlmTimeKind kind;
    /* LLM_TM_LINEAR: time = iter_us + new_seq_us * new_seqs
     *   + prefill_token_us * prefill_tokens + output_token_us *
     *   output_tokens + decode_seq_us * decode_seqs + kv_token_us *
     *   decode_kv_tokens + attn_work_us * prefill_attn_work */
    double iter_us, new_seq_us, prefill_token_us, output_token_us;
    double decode_seq_us, kv_token_us, attn_work_us;
    /* LLM_TM_FITTED (llm_fit.c; scripts/import-vidur writes them): time =
     *   cpu_iter_us + cpu_seq_us * (prefill_seqs + decode_seqs)
     *   + emb(T) + layers * (layer(T) + allreduce(T) + decode attention
     *   + prefill attention) + lm_head_us + lm_head_token_us * output_tokens
     * with T = prefill_tokens + decode_seqs (the tokens of the forward
     * pass); emb, layer and allreduce are piecewise linear in T through
     * the knots (linear beyond the first and last knot, never < 0);
     * decode attention = attn_dec_us + attn_dec_seq_us * decode_seqs +
     * attn_dec_kv_us * decode_kv_tokens when decode_seqs > 0; prefill
     * attention = attn_pre_us + attn_pre_seq_us * prefill_seqs +
     * attn_pre_token_us * prefill_tokens + attn_pre_work_us *
     * prefill_attn_work when prefill_seqs > 0; the LM head's terms count
     * when output_tokens > 0.  Per-layer values are of one layer on one
     * GPU of the tp-way instance. */
    int layers;
    int n_knots;                          /* 1..LLM_FIT_MAX_KNOTS */
    double knot_tokens[LLM_FIT_MAX_KNOTS];/* strictly increasing */
    double emb_us[LLM_FIT_MAX_KNOTS];     /* embedding, once */
    double layer_us[LLM_FIT_MAX_KNOTS];   /* non-attention ops, one layer */
    double allreduce_us[LLM_FIT_MAX_KNOTS]; /* its two all-reduces (TP) */
    double cpu_iter_us, cpu_seq_us;
    double attn_dec_us, attn_dec_seq_us, attn_dec_kv_us;
    double attn_pre_us, attn_pre_seq_us, attn_pre_token_us, attn_pre_work_us;
    double lm_head_us, lm_head_token_us;
} LlmTimeModel;

/* The shape that sizes the KV cache (Hugging Face config.json). */
typedef struct LlmShape {
    int layers;
    int kv_heads;
    int head_dim;
    int dtype_bytes;           /* 2 for fp16/bf16 */
    double weights_bytes;      /* all ranks together */
} LlmShape;

/* KV bytes one token takes on one GPU of a tp-way instance:
 * 2 (K and V) x layers x KV heads x head dim x dtype bytes / tp. */
static inline double llm_kv_bytes_per_token(const LlmShape *s, int tp)
{
    return 2.0 * s->layers * s->kv_heads * s->head_dim * s->dtype_bytes /
           (double)(tp > 0 ? tp : 1);
}

/* The iteration's duration, >= 1 us for a non-empty batch. */
SimTime llm_time_us(const LlmTimeModel *m, const LlmBatch *b);

/* LLM_TM_FITTED: the fitted time of the iteration in microseconds, not
 * rounded (llm_fit.c; llm_time_us rounds and bounds it).  0 for a batch
 * with no token. */
double llm_time_fitted_us(const LlmTimeModel *m, const LlmBatch *b);

#endif

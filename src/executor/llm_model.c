/*
 * llm_model.c - an LLM engine iteration's duration from what it computes
 * (llm_model.h): a switch on the model's kind, each kind one function.
 *
 * Durations are rounded to the nearest microsecond once per iteration and
 * kept >= 1 us, so an iteration always advances the clock; a NaN or a
 * negative sum (a bad coefficient the loader let through) also gives 1 us
 * rather than an undefined cast.
 */
#include "llm_model.h"

/* Doubles -> SimTime: nearest, at least 1 us, capped like time_from_s. */
static SimTime llm_round_us(double us)
{
    if (!(us >= 1.0))
        return 1;
    if (us > SIM_TIME_CAP_S * 1e6)
        us = SIM_TIME_CAP_S * 1e6;
    return (SimTime)(us + 0.5);
}

/* LLM_TM_LINEAR: a sum of per-item costs (llm_model.h). */
static SimTime llm_time_linear_us(const LlmTimeModel *m, const LlmBatch *b)
{
    double us = m->iter_us + m->new_seq_us * (double)b->new_seqs +
                m->prefill_token_us * (double)b->prefill_tokens +
                m->output_token_us * (double)b->output_tokens +
                m->decode_seq_us * (double)b->decode_seqs +
                m->kv_token_us * (double)b->decode_kv_tokens +
                m->attn_work_us * (double)b->prefill_attn_work;
    return llm_round_us(us);
}

SimTime llm_time_us(const LlmTimeModel *m, const LlmBatch *b)
{
    switch (m->kind) {
    case LLM_TM_LINEAR:
        return llm_time_linear_us(m, b);
    case LLM_TM_FITTED:
        return llm_round_us(llm_time_fitted_us(m, b)); /* llm_fit.c */
    }
    return llm_time_linear_us(m, b);
}

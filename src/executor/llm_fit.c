/*
 * llm_fit.c - the fitted iteration-time model (LLM_TM_FITTED): one engine
 * iteration's duration from per-operator GPU times measured by Vidur and
 * fitted by scripts/import-vidur.
 *
 * Representation.  What a transformer iteration costs splits along the
 * operators Vidur measured: the non-attention operators of a layer (QKV
 * and O projections, MLP, norms, RoPE, residual add) depend only on the
 * tokens of the forward pass, so they are tables of knots in tokens,
 * linear between knots (GEMM times step and bend with tile sizes; a
 * piecewise-linear curve follows that where one slope cannot); the two
 * all-reduces of a tensor-parallel layer move hidden x tokens x 2 bytes,
 * so they too are a function of tokens alone, kept on the same knots;
 * attention is the only term that depends on the context: decode reads
 * the KV cache (linear in the KV tokens read), prefill computes causal
 * pairs (linear in the attention work of llm_model.h's LlmBatch).  The
 * CPU's work per iteration (scheduling, input preparation, sampling) and
 * the LM head complete the sum.  Everything is fixed-size: evaluating an
 * iteration is a few dozen flops and a search over at most 32 knots.
 */
#include "llm_model.h"

/* Value at x of the curve through (xs[i], ys[i]), i < n, xs increasing:
 * linear between knots and along the first or last segment beyond them;
 * never below 0. */
static double pwl_at(const double *xs, const double *ys, int n, double x)
{
    if (n <= 0)
        return 0.0;
    if (n == 1)
        return ys[0] > 0 ? ys[0] : 0.0;
    int i = 0; /* the segment [xs[i], xs[i + 1]] used */
    if (x >= xs[n - 1]) {
        i = n - 2;
    } else {
        int lo = 0, hi = n - 1; /* xs[lo] <= x < xs[hi] unless x < xs[0] */
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            if (xs[mid] <= x)
                lo = mid;
            else
                hi = mid;
        }
        i = lo;
    }
    double slope = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]);
    double y = ys[i] + slope * (x - xs[i]);
    return y > 0 ? y : 0.0;
}

/* Per-layer attention of the decodes. */
static double decode_attention_us(const LlmTimeModel *m, const LlmBatch *b)
{
    if (b->decode_seqs <= 0)
        return 0.0;
    return m->attn_dec_us + m->attn_dec_seq_us * (double)b->decode_seqs +
           m->attn_dec_kv_us * (double)b->decode_kv_tokens;
}

/* Per-layer attention of the prefill chunks. */
static double prefill_attention_us(const LlmTimeModel *m, const LlmBatch *b)
{
    if (b->prefill_seqs <= 0)
        return 0.0;
    return m->attn_pre_us + m->attn_pre_seq_us * (double)b->prefill_seqs +
           m->attn_pre_token_us * (double)b->prefill_tokens +
           m->attn_pre_work_us * (double)b->prefill_attn_work;
}

double llm_time_fitted_us(const LlmTimeModel *m, const LlmBatch *b)
{
    double tokens = (double)(b->prefill_tokens + b->decode_seqs);
    if (tokens <= 0 && b->output_tokens <= 0)
        return 0.0;
    const double *k = m->knot_tokens;
    int n = m->n_knots;
    double layer = pwl_at(k, m->layer_us, n, tokens) +
                   pwl_at(k, m->allreduce_us, n, tokens) +
                   decode_attention_us(m, b) + prefill_attention_us(m, b);
    double head = b->output_tokens > 0
                      ? m->lm_head_us +
                            m->lm_head_token_us * (double)b->output_tokens
                      : 0.0;
    return m->cpu_iter_us +
           m->cpu_seq_us * (double)(b->prefill_seqs + b->decode_seqs) +
           pwl_at(k, m->emb_us, n, tokens) + m->layers * layer + head;
}

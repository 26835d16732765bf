/*
 * llm_stats.h - what a platform component reports about the LLM engines
 * it ran: the counters and time integrals behind the run's mean running
 * batch, KV-cache utilisation and preemptions (RUN_METRICS in
 * output/metrics.h) and the timeseries' KV utilisation.
 *
 * Representation.  Every field is cumulative from time 0 to the moment
 * the World asks (world_llm_stats), summed over all engines of the
 * component, those of instances already gone included.  Cumulative sums
 * make every period a difference: the run's statistics are "at the
 * horizon minus at the warm-up point", a timeseries window's are "at its
 * end minus at its start", and the World keeps nothing else.  Integrals
 * are in unit x microseconds (running sequences x us, KV blocks x us).
 * An engine may count the iteration in progress whole (its running count
 * and duration are known when it begins); the error is at most one
 * iteration per engine in each period.
 *
 * Plain data with no dependency but <stdint.h>, so the executor fills it
 * without knowing the metrics, and the metrics read it without knowing
 * the executor.
 */
#ifndef SIM_EXECUTOR_LLM_STATS_H
#define SIM_EXECUTOR_LLM_STATS_H

#include <stdint.h>

typedef struct LlmRunStats {
    int has_engines;           /* 1 when some component ran an LLM engine;
                                  0: the executor metrics are NaN (empty) */
    uint64_t iterations;       /* engine iterations begun */
    uint64_t preemptions;      /* recompute preemptions */
    uint64_t prefill_tokens;   /* prompt tokens prefilled (recompute
                                  included) */
    uint64_t output_tokens;    /* tokens sampled */
    double busy_us;            /* engine-us with an iteration running */
    double running_seq_us;     /* integral of running sequences over that
                                  time: mean batch = running_seq_us /
                                  busy_us */
    double kv_used_block_us;   /* integral of KV blocks in use */
    double kv_cap_block_us;    /* integral of KV capacity (blocks) over the
                                  engines' lives: utilisation = used / cap */
} LlmRunStats;

/* sum += x, field by field (has_engines: or). */
static inline void llm_stats_add(LlmRunStats *sum, const LlmRunStats *x)
{
    sum->has_engines |= x->has_engines;
    sum->iterations += x->iterations;
    sum->preemptions += x->preemptions;
    sum->prefill_tokens += x->prefill_tokens;
    sum->output_tokens += x->output_tokens;
    sum->busy_us += x->busy_us;
    sum->running_seq_us += x->running_seq_us;
    sum->kv_used_block_us += x->kv_used_block_us;
    sum->kv_cap_block_us += x->kv_cap_block_us;
}

#endif

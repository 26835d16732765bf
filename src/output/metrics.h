/*
 * metrics.h - online accumulators of one run, and the summary they yield.
 *
 * DESIGN.md section 5.  Everything is accumulated as the run goes, in fixed
 * memory: outcome counts, a latency histogram, waits, instance-seconds by
 * state (integrated at every state change), a time-weighted distribution of
 * the number of busy instances (the M/G/infinity check), and a window that
 * the platform closes every timeseries interval.
 *
 * The summary of a run is a fixed vector of named numbers, RUN_METRICS
 * below (X-macro: name, unit, meaning); every output -- the printed table,
 * summary.csv, summary.json and the replication intervals -- iterates this
 * one list, so a metric added here appears everywhere.
 */
#ifndef SIM_OUTPUT_METRICS_H
#define SIM_OUTPUT_METRICS_H

#include <stdint.h>

#include "../core/time.h"
#include "../entity/instance.h"
#include "../executor/llm_stats.h"
#include "../entity/request.h"
#include "hist.h"

#define RUN_METRICS(X)                                                         \
    X(arrivals, "count", "requests that arrived before the horizon")           \
    X(completed, "count", "requests that finished")                            \
    X(rejected, "count", "throttled or queue-full requests")                   \
    X(timed_out, "count", "requests stopped at the timeout")                   \
    X(unfinished, "count", "requests in flight at the horizon")                \
    X(cold_starts, "count", "on-demand instance starts")                       \
    X(cold_pct, "%", "cold requests / completed requests")                     \
    X(p50_ms, "ms", "median latency of completed requests")                    \
    X(p90_ms, "ms", "90th percentile latency")                                 \
    X(p95_ms, "ms", "95th percentile latency")                                 \
    X(p99_ms, "ms", "99th percentile latency")                                 \
    X(p999_ms, "ms", "99.9th percentile latency")                              \
    X(max_ms, "ms", "largest latency")                                         \
    X(mean_ms, "ms", "mean latency")                                           \
    X(mean_queue_wait_ms, "ms", "mean time queued, completed requests")        \
    X(mean_cold_wait_ms, "ms", "mean time waiting for a start, cold requests") \
    X(waited_pct, "%", "completed requests that waited in a queue")         \
    X(slo_pct, "%", "ended requests completed within the SLO")                 \
    X(instances_mean, "instances", "time-average live instances")              \
    X(busy_mean, "instances", "time-average busy instances")                   \
    X(idle_mean, "instances", "time-average idle instances")                   \
    X(starting_mean, "instances", "time-average starting instances")           \
    X(peak_instances, "instances", "most live instances at once")              \
    X(idle_gb_s, "GB-s", "memory held by idle instances (wasted memory)")      \
    X(vms_mean, "VMs", "time-average live VMs (booting included)")            \
    X(vm_peak, "VMs", "most live VMs at once")                                \
    X(vm_util_pct, "%", "busy VM slot-seconds / ready VM slot-seconds")       \
    X(served_vm_pct, "%", "started requests served by VMs (hybrid split)")    \
    X(spot_interruptions, "count", "spot VMs reclaimed by the provider")     \
    X(spot_retried, "count", "requests taken off reclaimed VMs, routed again") \
    X(mean_batch, "requests", "mean size of dynamic batches (0: no batching)") \
    X(node_mem_util_pct, "%", "node memory in use, time-average (cluster)")   \
    X(evictions, "count", "idle instances evicted to make room on a node")   \
    X(no_room, "count", "instance starts refused: no node had room")        \
    X(cost_requests_usd, "USD", "request fees")                                \
    X(cost_compute_usd, "USD", "on-demand duration, INIT included")            \
    X(cost_init_usd, "USD", "of which INIT of cold starts")                    \
    X(cost_provisioned_usd, "USD", "provisioned concurrency configured")       \
    X(cost_prov_compute_usd, "USD", "duration on provisioned instances")       \
    X(cost_vm_usd, "USD", "VM time, per second with a 60 s minimum")          \
    X(cost_instance_usd, "USD", "serverless instance time (instance billing)") \
    X(cost_data_usd, "USD", "data processed (request + response bytes)")  \
    X(cost_gateway_usd, "USD", "API gateway calls")                          \
    X(gateway_timeouts, "count", "completed after the gateway's timeout")   \
    X(cost_usd, "USD", "total cost")                                           \
    X(usd_per_1m, "USD", "total cost per million arrivals")                    \
    X(warmup_s, "s", "deleted warm-up (statistics cover [warmup, horizon))")

/* The LLM metrics, after the others: they are written only for scenarios
 * whose requests carry token counts (metrics_llm_columns), so every other
 * scenario's outputs keep their columns.  Per request (completed, with a
 * first output token): TTFT = first token - arrival (queueing and cold
 * start included); TPOT = (finish - first token) / (output tokens - 1),
 * for requests of two tokens or more; E2E = finish - arrival; normalised
 * latency = E2E / output tokens.  Percentiles are NaN (empty) when no
 * request had a first token; the executor's entries are NaN when no
 * component ran an LLM engine. */
#define LLM_METRICS(X)                                                         \
    X(llm_requests, "count", "completed requests with a first output token")  \
    X(ttft_p50_ms, "ms", "median time to first token (arrival to token 1)")   \
    X(ttft_p90_ms, "ms", "90th percentile TTFT")                              \
    X(ttft_p95_ms, "ms", "95th percentile TTFT")                              \
    X(ttft_p99_ms, "ms", "99th percentile TTFT")                              \
    X(ttft_mean_ms, "ms", "mean TTFT")                                        \
    X(tpot_p50_ms, "ms", "median time per output token after the first")      \
    X(tpot_p90_ms, "ms", "90th percentile TPOT")                              \
    X(tpot_p95_ms, "ms", "95th percentile TPOT")                              \
    X(tpot_p99_ms, "ms", "99th percentile TPOT")                              \
    X(tpot_mean_ms, "ms", "mean TPOT (requests of 2 or more tokens)")         \
    X(e2e_p50_ms, "ms", "median end-to-end latency of those requests")        \
    X(e2e_p90_ms, "ms", "90th percentile E2E")                                \
    X(e2e_p95_ms, "ms", "95th percentile E2E")                                \
    X(e2e_p99_ms, "ms", "99th percentile E2E")                                \
    X(norm_p50_ms, "ms/token", "median normalised latency, E2E / tokens")     \
    X(norm_p90_ms, "ms/token", "90th percentile normalised latency")          \
    X(norm_p95_ms, "ms/token", "95th percentile normalised latency")          \
    X(norm_p99_ms, "ms/token", "99th percentile normalised latency")          \
    X(output_tokens, "tokens", "output tokens of completed requests")         \
    X(output_tok_s, "tokens/s", "those output tokens / measured seconds")     \
    X(total_tok_s, "tokens/s", "their prompt + output tokens / measured s")   \
    X(llm_slo_pct, "%", "ended requests within slo_ttft_ms and slo_tpot_ms")  \
    X(goodput_rps, "req/s", "requests within both LLM SLOs / measured s")     \
    X(mean_running_batch, "sequences", "running sequences per iteration, "     \
      "time-weighted over busy engine time")                                 \
    X(kv_util_pct, "%", "KV blocks in use / KV capacity, time-average")       \
    X(preemptions, "count", "recompute preemptions")                          \
    X(iterations, "count", "engine iterations")                               \
    X(cost_tokens_usd, "USD", "per-token API charges (platform api)")         \
    X(usd_per_1m_out, "USD", "total cost per million output tokens")

/* The storage-tier metrics (entity/storage.h), after the LLM ones: written
 * only for scenarios with a cluster with storage tiers or a snapshot
 * (METCOLS_TIERS), with the LLM metrics before them (empty when the
 * requests carry no token counts).  Counters cover the whole run, like
 * evictions. */
#define TIER_METRICS(X)                                                        \
    X(starts_remote, "count", "instance starts loading from remote (cold)")   \
    X(starts_ssd, "count", "instance starts loading from local SSD")          \
    X(starts_dram, "count", "instance starts loading from host memory")       \
    X(gpu_resident_requests, "count",                                          \
      "completed requests served by an instance holding the model")           \
    X(snapshot_restores, "count", "starts restored from a snapshot")          \
    X(load_s_remote, "s", "seconds of loads from remote, in all")             \
    X(load_s_ssd, "s", "seconds of loads from SSD, in all")                   \
    X(load_s_dram, "s", "seconds of loads from host memory, in all")          \
    X(read_gb_remote, "GB", "bytes read from remote (images included)")       \
    X(read_gb_ssd, "GB", "bytes read from local SSDs")                        \
    X(read_gb_dram, "GB", "bytes read from host memory into GPUs")            \
    X(dram_hit_pct, "%", "starts finding their checkpoint in host memory")

/* The GPU-cluster metrics, last: written only for scenarios that share
 * GPUs, swap weights, refuse or hold starts on a stock-out, or run spot
 * nodes (METCOLS_GPU), with the LLM and tier metrics before them (empty or
 * zero without those), so every other scenario's outputs keep their
 * columns.  Counts are of requests that arrived (swap-ins, stock-outs) or
 * events that happened (swap-outs, interruptions) after the warm-up. */
#define GPU_METRICS(X)                                                         \
    X(swap_ins, "count", "requests that waited for weights to come back to "   \
      "their instance's GPU")                                                 \
    X(swap_s, "s", "time instances spent moving weights host to GPU")         \
    X(swap_outs, "count", "idle instances whose weights left GPU memory")     \
    X(stockout_rejected, "count", "requests refused: no node had room "       \
      "(on_stockout reject)")                                                 \
    X(stockout_waited, "count", "requests that waited for room on a node "    \
      "(on_stockout wait)")                                                   \
    X(node_interruptions, "count", "spot nodes reclaimed by the provider")    \
    X(node_retried, "count", "requests taken off reclaimed spot nodes, "      \
      "routed again")                                                  \
    X(gpu_hours, "GPU-h", "GPUs held by serverless instances x time")        \
    X(cold_wait_p50_ms, "ms", "median wait for a start, cold requests")      \
    X(cold_wait_p90_ms, "ms", "90th percentile of that wait")                \
    X(cold_wait_p99_ms, "ms", "99th percentile of that wait")

enum {
#define X(name, unit, doc) MET_##name,
    RUN_METRICS(X)
    LLM_METRICS(X)
    TIER_METRICS(X)
    GPU_METRICS(X)
#undef X
        MET_COUNT
};

/* Where the LLM metrics start (MET_LLM_FIRST .. MET_TIER_FIRST - 1), the
 * storage-tier ones (.. MET_GPU_FIRST - 1) and the GPU ones (.. MET_COUNT
 * - 1). */
#define MET_LLM_FIRST MET_llm_requests
#define MET_TIER_FIRST MET_starts_remote
#define MET_GPU_FIRST MET_swap_ins

/* The column sets a scenario's outputs carry, as bits. */
#define METCOLS_LLM 1   /* its requests carry token counts */
#define METCOLS_TIERS 2 /* storage tiers or snapshots */
#define METCOLS_GPU 4   /* GPU sharing, swapping, stock-out rules, spot nodes */

/* How many metrics (from the first) a scenario's outputs carry (cols:
 * METCOLS_* bits): all of them with the GPU features, up to the GPU
 * metrics with tiers, up to the tier metrics when its requests carry token
 * counts, else those before the LLM metrics (the sets between are then
 * empty or zero). */
static inline int metrics_columns(int cols)
{
    if (cols & METCOLS_GPU)
        return MET_COUNT;
    if (cols & METCOLS_TIERS)
        return MET_GPU_FIRST;
    return cols & METCOLS_LLM ? MET_TIER_FIRST : MET_LLM_FIRST;
}

#define METRICS_BUSY_K 128 /* busy-count distribution: 0..126, 127+ */
#define RUN_CDF_POINTS 104 /* latency quantiles kept per run */

/* The probabilities of those quantiles: 0.001, 0.01, 0.02, ..., 0.99,
 * 0.995, 0.999, 0.9999 and 1 (the maximum): 104 in all. */
extern const double run_cdf_p[RUN_CDF_POINTS];

typedef struct MetricInfo {
    const char *name, *unit, *doc;
} MetricInfo;

extern const MetricInfo metric_info[MET_COUNT];

/* One part of a composite alternative (a pipeline's stage, a rollout's
 * version) over the run, and over each rollout phase. */
#define RUN_MAX_PARTS 8
#define RUN_MAX_PHASES 16
typedef struct PartResult {
    double arrivals, completed, rejected, cold_pct;
    double cold_share_pct;         /* of every part's cold requests */
    double instance_starts, mean_ms, p99_ms, cost_usd;
    double cold_wait_ms;           /* mean wait of its cold requests */
    double phase_arrivals[RUN_MAX_PHASES]; /* rollouts: per phase */
    double phase_starts[RUN_MAX_PHASES];
    double phase_cost_usd[RUN_MAX_PHASES];
} PartResult;

/* The summary of one run. */
typedef struct RunResult {
    double v[MET_COUNT];
    double busy_p[METRICS_BUSY_K]; /* fraction of time with k busy */
    uint64_t events;               /* events dispatched */
    uint64_t stale_events;         /* of which lazily cancelled timers */
    uint64_t peak_pending;         /* most events pending at once */
    uint64_t cold_requests;        /* completed and cold */
    double lat_cdf_ms[RUN_CDF_POINTS]; /* latency at run_cdf_p, ms */
    int n_parts;                   /* a composite's parts, else 0 */
    int n_phases;                  /* a rollout's phases begun, else 0 */
    double phase_from_s[RUN_MAX_PHASES];
    PartResult part[RUN_MAX_PARTS];
} RunResult;

/* One timeseries interval. */
typedef struct TsRow {
    double t0_s, t1_s;
    uint64_t arrivals, completed, rejected, timed_out, cold;
    double starting, idle, busy; /* time-average instances */
    double vm_booting, vm_ready; /* time-average VMs */
    double p95_ms;               /* NaN when nothing completed */
    double cost_usd;             /* accrued by t1 */
    int backlog;                 /* messages a queue holds at t1 (written
                                    only for scenarios with a queue) */
    /* LLM scenarios (written only for them), of the requests completed
     * in the interval: */
    double ttft_p50_ms, ttft_p99_ms; /* with a first token; NaN if none */
    double out_tok_s;            /* output tokens / interval length */
    double kv_util_pct;          /* executor: KV blocks in use / capacity,
                                    time-average; NaN without engines */
} TsRow;

/* The LLM part of the accumulators (see LLM_METRICS).  TPOT and
 * normalised latency are kept in nanoseconds (a 20 ms TPOT is 2e7 ns), so
 * that a mean gap between tokens is not rounded to whole microseconds;
 * the histograms are indifferent to the unit. */
typedef struct LlmAcc {
    SimTime slo_ttft_us;         /* 0 = no TTFT target */
    SimTime slo_tpot_us;         /* 0 = no TPOT target */
    uint64_t n;                  /* measured, completed, with a first token */
    uint64_t slo_ok;             /* of which within both targets */
    uint64_t prompt_tokens, output_tokens; /* of every measured completed
                                              request with token counts */
    Hist ttft;                   /* us */
    Hist tpot_ns;                /* requests of >= 2 output tokens */
    Hist e2e;                    /* us */
    Hist norm_ns;                /* ns per output token */
    /* the open timeseries window (every request, warm-up included) */
    uint64_t w_output_tokens;
    Hist w_ttft;
    LlmRunStats at_warmup;       /* executor counters at the warm-up point */
    LlmRunStats at_window;       /* ... at the open window's start */
} LlmAcc;

typedef struct Metrics {
    /* Outcome counters count the requests that arrived at or after
     * `warmup` (warm-up deletion); earlier ones only in pre_*. */
    SimTime warmup;
    uint64_t pre_arrivals, pre_ended;
    uint64_t arrivals, completed, rejected, timed_out, cold, slo_ok;
    uint64_t waited;             /* completed after a queue wait > 0 */
    uint64_t instance_starts;
    SimTime slo_us;
    double queue_wait_us, cold_wait_us; /* sums */
    Hist lat;
    Hist cold_wait;              /* us, completed cold requests */
    SimTime last_t;
    int n[INST_NSTATES];         /* instances by state now (GONE unused) */
    double state_us[INST_NSTATES]; /* instance-us by state */
    int peak_alive;
    double busy_k_us[METRICS_BUSY_K];
    int vm_n[INST_NSTATES];        /* VMs by state (starting = booting) */
    double vm_state_us[INST_NSTATES];
    int vm_peak;
    /* the integrals at the warm-up point, subtracted at the end */
    double state_us_w[INST_NSTATES], vm_state_us_w[INST_NSTATES];
    double busy_k_us_w[METRICS_BUSY_K];
    /* the open timeseries window */
    SimTime win_t0;
    uint64_t w_arrivals, w_completed, w_rejected, w_timed_out, w_cold;
    double w_state_us0[INST_NSTATES];
    double w_vm_state_us0[INST_NSTATES];
    int windows;                 /* 1 (the default): `win` is kept; 0 in a
                                    run without timeseries rows */
    Hist win;
    LlmAcc llm;
} Metrics;

Metrics *metrics_create(SimTime slo_us);
void metrics_destroy(Metrics *m);

/* Integrates instance counts up to `now`; every change calls it first. */
void metrics_advance(Metrics *m, SimTime now);

void metrics_arrival(Metrics *m, SimTime arrival);

/* Warm-up point reached at `now`: integrals count from here on. */
void metrics_warmup(Metrics *m, SimTime now);

/* An instance moved from `from` to `to` at `now`; INST_GONE as `from`
 * means it was created, as `to` that it was removed. */
void metrics_instance(Metrics *m, SimTime now, InstState from, InstState to);

/* The same for a VM (booting = INST_STARTING). */
void metrics_vm(Metrics *m, SimTime now, InstState from, InstState to);

/* A request ended (completed, rejected or timed out) at `now`. */
void metrics_end(Metrics *m, const Request *req, SimTime now);

/* Closes the window [win_t0, now) into *row and opens the next. */
void metrics_window(Metrics *m, SimTime now, TsRow *row);

/* --- LLM metrics ------------------------------------------------------ */

/* The LLM SLO targets (0 = none): a request meets the SLO when its TTFT
 * <= ttft_us and its TPOT <= tpot_us (a one-token request has no TPOT and
 * meets that target). */
void metrics_llm_slo(Metrics *m, SimTime ttft_us, SimTime tpot_us);

/* The executor's counters at the warm-up point (st: cumulative, see
 * llm_stats.h). */
void metrics_llm_warmup(Metrics *m, const LlmRunStats *st);

/* The executor's part of the window [t0, t1) that metrics_window just
 * closed into *row (st: counters at t1); the next window starts there. */
void metrics_llm_window(Metrics *m, const LlmRunStats *st, TsRow *row);

/* Fills the LLM entries of v (MET_LLM_FIRST ..) but usd_per_1m_out from
 * the requests measured and the executor's counters at the horizon (st),
 * over `measured_s` seconds (horizon - warm-up). */
void metrics_llm_result(const Metrics *m, const LlmRunStats *st,
                        double measured_s, double *v);

#endif

/*
 * arrivals.h - synthetic traffic, pulled one arrival at a time.
 *
 * Each generator is a const ArrivalType (name, next): the platform keeps one
 * pending arrival per stream and asks for the next when it fires, so memory
 * does not grow with the horizon (DESIGN.md section 8).  Trace readers
 * (a later issue) share this interface.
 *
 *   poisson   rate_per_s
 *   constant  rate_per_s: arrivals at start_s + i / rate exactly
 *   mmpp      two-state on/off Markov-modulated Poisson ("spiky"): rate
 *             rate_on_per_s for Exp(mean_on_s), then rate_off_per_s for
 *             Exp(mean_off_s); starts in the stationary state
 *   diurnal   lambda(t) = rate_per_s (1 + amplitude cos(2 pi (t - peak_s) /
 *             period_s)), by thinning (Lewis & Shedler 1979)
 *   steps     Poisson with a piecewise-constant rate: rate_i from at_s_i on
 *   trace     a CSV log replayed as it is (trace.h), with its durations
 *   azure2019 the Azure Functions 2019 trace (azure2019.h): per-minute
 *             counts of every function, durations from its percentiles
 *   azure2021 the Azure Functions 2021 trace: one row per invocation (app,
 *             func, end_timestamp, duration), read by the trace reader
 *             with numbered functions and start = end - duration
 * Every generator emits arrivals in [start_s, end_s).
 */
#ifndef SIM_WORKLOAD_ARRIVALS_H
#define SIM_WORKLOAD_ARRIVALS_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "../core/time.h"
#include "azure2019.h"
#include "trace.h"

#define WORKLOAD_MAX_STEPS 64

typedef struct WorkloadSpec {
    char type[16];          /* "poisson", "constant", "mmpp", "diurnal" */
    double rate_per_s;      /* poisson, constant; diurnal mean */
    double rate_on_per_s;   /* mmpp */
    double rate_off_per_s;  /* mmpp */
    double mean_on_s;       /* mmpp */
    double mean_off_s;      /* mmpp */
    double amplitude;       /* diurnal, 0..1 */
    double period_s;        /* diurnal, default 86400 */
    double peak_s;          /* diurnal: time of the daily peak */
    double start_s;         /* first possible arrival */
    double end_s;           /* no arrival at or after this (0 = horizon) */
    int n_steps;            /* steps: rate step_rate[i] from step_at_s[i] */
    double step_at_s[WORKLOAD_MAX_STEPS];
    double step_rate[WORKLOAD_MAX_STEPS];
    TraceSpec trace;        /* trace */
    Az19Spec az19;          /* azure2019 */
    Az19Stats az19_stats;   /* azure2019: join losses, found by config */
    uint64_t trace_rows;    /* trace, azure2021: requests replayed */
    uint64_t trace_functions; /* azure2021: functions numbered (config) */
} WorkloadSpec;

typedef struct ArrivalState {
    SimTime t;          /* last arrival, us */
    SimTime start, end; /* window, us */
    uint64_t i;         /* arrivals so far (constant) */
    int on;             /* mmpp: in the on state; steps: current step */
    double t_s;         /* current time in seconds (mmpp, diurnal) */
    double state_end_s; /* mmpp: when the current state ends */
    void *ext;          /* trace: the open reader */
    double dur_s;       /* trace: the last arrival's duration, NaN if none */
    long prompt_tokens; /* trace: its token counts, -1 if none */
    long output_tokens;
    int function;       /* many-function traces: the arrival's function */
} ArrivalState;

typedef struct ArrivalType {
    const char *name;
    /* Prepares the state; draws the initial burst state if any. */
    void (*init)(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r);
    /* The next arrival time, or SIM_TIME_MAX when the window is over. */
    SimTime (*next)(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r);
    /* Releases what init acquired (NULL: nothing to release). */
    void (*fini)(ArrivalState *st);
    /* Many-function traces: how many functions (ArrivalState.function is
     * in 0 .. n - 1), and function fn's memory in MB (0: unknown).  NULL:
     * one function. */
    int (*functions)(const ArrivalState *st, const WorkloadSpec *wl);
    double (*function_memory_mb)(const ArrivalState *st, int fn);
    /* The trace's names of function fn: its app ("" when the trace has
     * none) and its function; *id NULL when the trace names none (NULL
     * member: no trace).  Views into the reader, valid until fini.  Called
     * after the run's last `next` (a reader may read ahead to find them). */
    void (*function_ids)(ArrivalState *st, const WorkloadSpec *wl, int fn,
                         const char **app, const char **id);
} ArrivalType;

const ArrivalType *arrivals_find(const char *name);
const char *const *arrivals_names(void);

/* The long-run mean rate of a workload, per second. */
double arrivals_mean_rate(const WorkloadSpec *wl);

/* Whether the workload's arrivals belong to many functions, each deployed
 * on its own instances (the Azure traces). */
int workload_multi_function(const WorkloadSpec *wl);

/* Calls visit(ctx, fn, app, id) for each of the workload's functions, with
 * function_ids' names (id NULL where the trace names none), from a reader
 * of its own opened on the arrival stream of (seed, rep): no arrival is
 * drawn (a trace without its functions' names up front is still read to
 * its end for them). */
void workload_each_function_name(const WorkloadSpec *wl, uint64_t seed,
                                 uint32_t rep,
                                 void (*visit)(void *ctx, int fn,
                                               const char *app,
                                               const char *id),
                                 void *ctx);

/* Whether the workload's requests carry output token counts (LLM traffic:
 * a trace with a generated-tokens column), so that runs report the LLM
 * metrics (output/metrics.h, LLM_METRICS). */
int workload_has_tokens(const WorkloadSpec *wl);

#endif

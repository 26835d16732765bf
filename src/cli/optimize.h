/*
 * optimize.h - `simsrv optimize`: the best feasible candidate of a search
 * space, by sequential elimination with common random numbers.
 *
 *   simsrv optimize FILE [--threads N] [--shard k/K] [--out DIR] [--quiet]
 *
 * The file (config/optimize.h) names a base scenario, a space, constraints
 * and an objective.  The procedure and its guarantee are stated at the top
 * of optimize.c and in README's "Optimisation" section.  Outputs, in
 * DIR (default results/<name>), written as one output set
 * (util/outset.h): recommended.json (a runnable scenario of the chosen
 * candidate), finalists.csv (every candidate: intervals, and why it lost)
 * and pareto.csv (the objective-latency front of what was evaluated).
 */
#ifndef SIM_CLI_OPTIMIZE_H
#define SIM_CLI_OPTIMIZE_H

#include <stdint.h>
#include <stdio.h>

#include "../config/optimize.h"

enum { OPT_EXTRA_COLUMNS = 4 }; /* stored per run beside the constraints */

typedef enum OptStatus {
    OPT_ALIVE = 0,       /* still in contention when the procedure ended */
    OPT_CHOSEN,          /* the recommendation */
    OPT_WITHIN,          /* shown within the indifference of the chosen */
    OPT_INFEASIBLE,      /* a constraint's interval excludes its bound */
    OPT_WORSE,           /* shown worse than a feasible candidate */
    OPT_SKIPPED,         /* set aside by the monotone search */
} OptStatus;

typedef struct OptCandResult {
    OptStatus status;
    int reps;            /* replications it received */
    int stage;           /* the stage it was decided at (1-based) */
    int why_con;         /* OPT_INFEASIBLE: which constraint */
    int why_other;       /* OPT_WORSE: the candidate it lost to;
                            OPT_SKIPPED: the search's pick (-1: none) */
    double why_diff;     /* OPT_WORSE: mean objective gap; lower bound... */
    double why_lcb;      /* ...of that gap (objective unit) */
    int feasible;        /* every constraint shown met at its last stage */
} OptCandResult;

typedef struct OptOutcome {
    int chosen;          /* candidate index, -1 if none is feasible */
    int proven;          /* 1: chosen shown within the indifference of every
                            rival; 0: the replication maximum ended it */
    int stages;
    long runs;           /* simulated runs (candidate x replication) */
    uint64_t events;     /* events they dispatched */
    double events_exhaustive; /* estimated events of all candidates at the
                                 replication maximum */
    double delta;        /* the indifference used (objective unit) */
    OptCandResult *cand; /* n_cand, owned */
    double *x;           /* [(c * rep_max + r) * (n_con + OPT_EXTRA_COLUMNS)
                            + q]: q = 0 the objective, 1..n_con the
                            constraints' metrics, then usd_per_month, the
                            Pareto front's latency metric and the arrivals
                            (optimize.c); owned */
} OptOutcome;

/* Runs the procedure with `threads` OpenMP threads (0: default).  The
 * outcome is the same for any thread count. */
void optimize_solve(const OptPlan *plan, int threads, OptOutcome *out);

/* The same with a run log (cli/optlog.h): runs it holds are not made
 * again, only the log's shard's are made, and each is appended as it
 * ends.  0: the procedure ended (out is complete); 1: it stopped at a
 * stage lacking other shards' runs (log->missing says which; out holds
 * only what came before). */
struct OptLog;
int optimize_solve_log(const OptPlan *plan, int threads, struct OptLog *log,
                       OptOutcome *out);
void optimize_outcome_free(OptOutcome *out);

/* Mean and t-interval half-width (two-sided, `confidence`) of metric
 * column q of candidate c over its replications. */
void optimize_interval(const OptPlan *plan, const OptOutcome *out, int c,
                       int q, double confidence, double *mean, double *half);

/* The process exit status (0, or 2 after a one-line error). */
int optimize_cmd(int argc, char **argv, FILE *out, FILE *err);

/* The same; *waiting (if not NULL) is set to 1 when a shard run stopped
 * at a stage lacking other shards' runs (simsrv-mpi then runs another
 * round), else 0. */
int optimize_cmd_shard(int argc, char **argv, FILE *out, FILE *err,
                       int *waiting);

#endif

/*
 * sweep.h - `simsrv sweep` and `simsrv merge`.
 *
 *   simsrv sweep FILE [--threads N] [--out DIR] [--shard k/K] [--quiet]
 *   simsrv merge FILE [--out DIR]
 *
 * A sweep runs its cells (point x replication) with OpenMP and appends each
 * finished cell's rows to DIR/shard-k-of-K.csv, flushed at once: that file
 * is both the shard's result and its resume log.  A rerun skips complete
 * cells and drops a torn last cell, so killing a sweep (even with -9) loses
 * no finished cell.  An unsharded run (K = 1) then merges; sharded runs
 * (--shard k/K, or SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT) leave the
 * merge to `simsrv merge`, which checks that every cell is present exactly
 * once and writes cells.csv, points.csv, diffs.csv and sweep.h5.  The final
 * tables are built from the rows sorted by cell, so they are the same bytes
 * for any thread count and any sharding.  A resumed run says on stdout how
 * many cells it skipped; an unsharded run and a merge end with a short
 * table of the points (sweeptab_print_summary); progress goes to stderr
 * (progress.h), each cell weighed by its expected arrivals x alternatives.
 * A merge that finds a cell twice names the two files and the fix.
 */
#ifndef SIM_CLI_SWEEP_H
#define SIM_CLI_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "../config/sweep.h"
#include "../output/metrics.h"

/* Both return the process exit status (0, or 2 after a one-line error). */
int sweep_cmd(int argc, char **argv, FILE *out, FILE *err);
int merge_cmd(int argc, char **argv, FILE *out, FILE *err);

/* One run of a plan: alternative `alt` of point `point`, replication
 * `rep` (its random streams are those of the scenario seed and rep, as in
 * a sweep's cell). */
typedef struct SweepTask {
    int point, alt, rep;
} SweepTask;

/* Called as each task finishes, one call at a time (a critical section),
 * in the order tasks finish: i, the task's index, and its result. */
typedef void (*SweepTaskDone)(void *ctx, int i, const RunResult *res);

/* Runs the n tasks with `threads` OpenMP threads (0: the default) into
 * res[0 .. n-1], task t on points[t.point] (the caller builds the points
 * it runs: sweep_point_load); each result depends only on its task, never
 * on the thread count or order.  `done` (NULL: none) hears of each
 * finished task.  Returns the events dispatched in all. */
uint64_t sweep_run_tasks(const Scenario *points, const SweepTask *tasks,
                         int n, int threads, RunResult *res,
                         SweepTaskDone done, void *ctx);

#endif

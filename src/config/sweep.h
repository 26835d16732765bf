/*
 * sweep.h - a sweep file, expanded into validated scenarios (its points).
 *
 * A sweep names a base scenario and parameters by JSON path, with values
 * given as a grid (cartesian product, the last parameter varying fastest),
 * a zip (parallel lists) or an explicit list of points, times R
 * replications.  Cell c = point * R + replication has a fixed global index,
 * so any partition of the cells gives the same rows.  Every point is the
 * base scenario's JSON with its values written in at their paths and then
 * validated in full, exactly as `simsrv run` would.  Only point 0's
 * scenario is held: a point is some 50 KB, and a grid may have 10^6.
 *
 *   { "scenario": "spiky.json", "replications": 10,
 *     "grid": { "alternatives[1].keepalive.keepalive_s": [60, 600],
 *               "workload.rate_on_per_s": [4, 8, 16] } }
 */
#ifndef SIM_CONFIG_SWEEP_H
#define SIM_CONFIG_SWEEP_H

#include <stdint.h>

#include "scenario.h"

#define SWEEP_MAX_PARAMS 16

typedef struct SweepPlan {
    char path[512];            /* the sweep file */
    char name[64];             /* results/<name>/ */
    char scenario_path[1100];
    char *sweep_text;          /* owned */
    int n_params;
    char param[SWEEP_MAX_PARAMS][128]; /* JSON paths */
    int n_points;
    char **value;              /* [point * n_params + i]: JSON text, owned */
    Scenario *points;          /* the points validated (owned): point 0,
                                  or all when they fit in 32 MB; the
                                  others are checked by sweep_load and
                                  built again by sweep_point_load when
                                  they run */
    int points_held;           /* entries of points (1 or n_points) */
    double *work;              /* [n_points]: a cell's expected arrivals x
                                  runs, + 1 a run (the progress line) */
    struct SweepSource *src;   /* what builds the points (sweep.c) */
    int replications;
    int llm;                   /* the column sets of its points
                                  (METCOLS_*, metrics_columns): LLM
                                  metrics, storage-tier metrics */
    uint64_t hash;             /* of the sweep and base scenario texts */
} SweepPlan;

/* Reads, expands and validates a sweep.  One-line errors name the sweep
 * file and the point, or the scenario problem the point causes (the
 * lowest such point). */
int sweep_load(const char *path, const ScenarioOverrides *ov,
               SweepPlan *plan, Err *err);

/* Runs body(ctx, i) for every i in [from, to), in any order, possibly
 * several at once: the sweep driver's threads check the points. */
typedef void (*SweepBody)(void *ctx, int i);
typedef void (*SweepFor)(int from, int to, SweepBody body, void *ctx);

/* The SweepFor that runs them one after another, in order. */
void sweep_each_serial(int from, int to, SweepBody body, void *ctx);

/* sweep_load with the points (past point 0) checked by `each` (NULL:
 * sweep_each_serial).  The plan and the error are the same whatever
 * `each` does. */
int sweep_load_each(const char *path, const ScenarioOverrides *ov,
                    SweepFor each, SweepPlan *plan, Err *err);
/* The same for a sweep held in memory (`text`, copied); `path` names it in
 * messages and is where a relative "scenario" is found from.  NULL text
 * reads the file at `path` (sweep_load). */
int sweep_load_text(const char *path, const char *text,
                    const ScenarioOverrides *ov, SweepPlan *plan, Err *err);
void sweep_free(SweepPlan *plan);

/* Builds point p's scenario into *sc (the caller frees it with
 * scenario_free), exactly as sweep_load checked it.  Not thread-safe: the
 * points share one parsed pricing catalog, so concurrent callers
 * serialize.  Fails only if a file read changed since sweep_load. */
int sweep_point_load(const SweepPlan *plan, int p, Scenario *sc, Err *err);

static inline int sweep_n_cells(const SweepPlan *p)
{
    return p->n_points * p->replications;
}

#endif

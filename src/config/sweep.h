/*
 * sweep.h - a sweep file, expanded into validated scenarios (its points).
 *
 * A sweep names a base scenario and parameters by JSON path, with values
 * given as a grid (cartesian product, the last parameter varying fastest),
 * a zip (parallel lists) or an explicit list of points, times R
 * replications.  Cell c = point * R + replication has a fixed global index,
 * so any partition of the cells gives the same rows.  Every point is the
 * base scenario's JSON with its values written in at their paths and then
 * validated in full, exactly as `simsrv run` would.
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
    Scenario *points;          /* n_points validated scenarios, owned */
    int replications;
    uint64_t hash;             /* of the sweep and base scenario texts */
} SweepPlan;

/* Reads, expands and validates a sweep.  One-line errors name the sweep
 * file and the point, or the scenario problem the point causes. */
int sweep_load(const char *path, const ScenarioOverrides *ov,
               SweepPlan *plan, Err *err);
/* The same for a sweep held in memory (`text`, copied); `path` names it in
 * messages and is where a relative "scenario" is found from.  NULL text
 * reads the file at `path` (sweep_load). */
int sweep_load_text(const char *path, const char *text,
                    const ScenarioOverrides *ov, SweepPlan *plan, Err *err);
void sweep_free(SweepPlan *plan);

static inline int sweep_n_cells(const SweepPlan *p)
{
    return p->n_points * p->replications;
}

#endif

/*
 * sweeptab.h - the tables of a merged sweep.
 *
 * Rows are (cell, alternative), sorted by cell then alternative, each with
 * the RUN_METRICS vector of that run.  From them:
 *   cells.csv    one row per cell and alternative (the raw results);
 *   points.csv   one row per point and alternative: mean and 95% Student-t
 *                half-width of every metric over the replications;
 *   diffs.csv    one row per point and alternative other than the first:
 *                the paired difference (alternative - first alternative)
 *                over replications, mean and 95% half-width -- alternatives
 *                of a cell share their arrivals (common random numbers), so
 *                these intervals are much narrower than the points' own;
 *   sweep.h5     the same cells and points tables as HDF5 datasets, with the
 *                plan hash, version, sweep and scenario texts as attributes.
 * Everything is a function of the rows: the same rows give the same bytes.
 */
#ifndef SIM_OUTPUT_SWEEPTAB_H
#define SIM_OUTPUT_SWEEPTAB_H

#include <stdint.h>
#include <stdio.h>

#include "../util/err.h"
#include "metrics.h"

typedef struct SweepRow {
    int cell, point, rep, alt;
    double v[MET_COUNT];
} SweepRow;

typedef struct SweepTable {
    const char *name;
    const char *version;
    uint64_t hash;
    const char *sweep_json, *scenario_json;
    uint64_t seed;
    int n_params;
    const char (*param)[128];     /* [n_params] JSON paths */
    int n_points;
    char *const *value;           /* [point * n_params + i] JSON text */
    int n_alt;
    const char *const *alt_names; /* [n_alt] */
    int reps;
    const SweepRow *rows;         /* [n_points * reps * n_alt], sorted */
    int llm;                      /* LLM traffic: the tables carry the LLM
                                     metrics (metrics_columns) */
} SweepTable;

void sweeptab_write_cells(FILE *fp, const SweepTable *t);
void sweeptab_write_points(FILE *fp, const SweepTable *t);
void sweeptab_write_diffs(FILE *fp, const SweepTable *t);

/* Prints a short table for a person at the end of a sweep: per point and
 * alternative (the first max_rows of them) the parameter values and the
 * mean and 95% half-width of cold %, p99 latency and cost, then where the
 * full tables are (dir/points.csv, dir/diffs.csv). */
void sweeptab_print_summary(FILE *fp, const SweepTable *t, int max_rows,
                            const char *dir);

/* Writes sweep.h5 at `path` (the caller's temporary name; removed again on
 * failure).  Without HDF5 support compiled in, fails with a clear
 * message. */
int sweeptab_write_h5(const char *path, const SweepTable *t, Err *err);

#endif

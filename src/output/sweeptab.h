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

/* A source of the rows read point by point, so that no writer holds more
 * than one point's rows (the merge reads them again from the shard files:
 * a 10^6-point sweep's rows would be 368 bytes each in memory).  Each
 * writer opens its own cursor, so writers can run side by side. */
typedef struct SweepReader {
    void *(*open)(const void *arg);
    /* point p's reps x n_alt rows, by replication then alternative, into
     * rows: 0, or -1 with *err filled (a shard file unreadable now) */
    int (*point)(void *cursor, int p, SweepRow *rows, Err *err);
    void (*close)(void *cursor);
    const void *arg;
} SweepReader;

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
    const SweepRow *rows;         /* [n_points * reps * n_alt], sorted; or
                                     NULL: read through reader */
    const SweepReader *reader;
    int llm;                      /* LLM traffic: the tables carry the LLM
                                     metrics (metrics_columns) */
} SweepTable;

/* One writer's view of the rows, a point at a time: sweeptab_point gives
 * point p's reps x n_alt rows (a view valid until the next call), or NULL
 * once reading failed; sweeptab_cursor_close returns 0 or -1 with *err. */
typedef struct SweepCursor {
    const SweepTable *t;
    void *ctx;
    SweepRow *buf;
    int rc;
    Err *err;
} SweepCursor;

void sweeptab_cursor_open(SweepCursor *c, const SweepTable *t, Err *err);
const SweepRow *sweeptab_point(SweepCursor *c, int p);
int sweeptab_cursor_close(SweepCursor *c);

/* The tables; 0, or -1 with *err when the rows could not be read (a write
 * error is the caller's to find, on closing fp). */
int sweeptab_write_cells(FILE *fp, const SweepTable *t, Err *err);
int sweeptab_write_points(FILE *fp, const SweepTable *t, Err *err);
int sweeptab_write_diffs(FILE *fp, const SweepTable *t, Err *err);

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

/* Whether the folder `dir` can get its sweep.h5: 0, or a negative SIM_EIO
 * code with err naming the file (the HDF5 library does not load), before
 * any cell runs.  0 in a build without HDF5, which writes no sweep.h5. */
int sweeptab_h5_ready(const char *dir, Err *err);

#endif

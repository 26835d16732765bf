/*
 * optlog.h - the optimiser's run log: every finished run of `simsrv
 * optimize`, one file per shard, read back to resume and to let shards
 * cooperate.
 *
 * A run is a cell, candidate c x replication r, numbered c * rep_max + r
 * as the sweep numbers point x replication; shard k of K owns the cells
 * whose number is k mod K.  Its file DIR/opt-shard-k-of-K.csv:
 *
 *   # simsrv-optimize plan=<16 hex> cells=<N> shard=<k>/<K> version=<v>
 *   candidate,replication,events,<the stored columns>,crc32
 *   <one row per finished run, appended and flushed as each one ends>
 *
 * The stored columns are the outcome's (cli/optimize.h: the objective, the
 * constraints' metrics, usd_per_month, the front's latency metric, the
 * arrivals), %.17g, so they read back exactly; the last field is zlib's
 * CRC-32 of the row before its last comma, as in the sweep's shard files.
 * The log is the whole state of an optimisation: its decisions are a pure
 * function of the runs, so reading every shard's file and replaying gives
 * the same stages, and a run found in a file is never run again.  A torn
 * last line (a kill in the middle of a write) of this shard's file is cut;
 * of another shard's file (perhaps being written right now) it is ignored.
 * A whole row that fails its checksum, or a cell found twice with other
 * values, is an error naming the file and line.
 */
#ifndef SIM_CLI_OPTLOG_H
#define SIM_CLI_OPTLOG_H

#include <stdint.h>
#include <stdio.h>

#include "../config/optimize.h"

typedef struct OptLog {
    int k, K;            /* this process's shard */
    int ncol, rep_max;   /* values per row; cell = c * rep_max + r */
    int n_cells;
    unsigned char *have; /* [n_cells]: 1 when the cell's row is known */
    uint64_t *events;    /* [n_cells] */
    double *x;           /* [n_cells * ncol] */
    FILE *fp;            /* this shard's file, opened to append */
    char path[1200];
    int read;            /* cells found in the files when opened */
    int ran;             /* cells appended by this process */
    int stop_after;      /* test hook: _exit(137) after so many (-1: no) */
    /* a stage this shard cannot complete: the other shards' cells it
     * lacks, per shard, and the first of them */
    long missing;
    int *missing_of;     /* [K] */
    int first_missing;
    char where[64];      /* "stage 3", "the probe of candidate 7" */
} OptLog;

/* Reads every DIR/opt-shard-*-of-*.csv of this plan, then opens shard
 * k/K's file to append (created with its header lines if absent, the
 * stored columns named by `columns`, "a,b,c"; its torn tail cut).  Errors: one line naming the file (and line). */
int optlog_open(OptLog *log, const OptPlan *plan, int ncol,
                const char *columns, const char *dir, int k, int K, Err *err);

/* Whether this shard runs cell `cell`. */
int optlog_owns(const OptLog *log, int cell);

/* Appends and flushes one finished cell (and remembers it). */
void optlog_append(OptLog *log, int cell, uint64_t events,
                   const double *row);

/* Closes the file; -SIM_EIO if a write failed.  optlog_free also frees
 * what the log holds (after a failed optlog_open, nothing is held). */
int optlog_close(OptLog *log, Err *err);
void optlog_free(OptLog *log);

#endif

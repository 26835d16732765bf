/*
 * calib.h - `simsrv calibrate`: measure a real ONNX model with ONNX Runtime
 * and write the latency profile that scenarios use (DESIGN.md section 2).
 *
 * Three parts:
 *   - calibrate.c: the command.  Every measurement runs in a fresh process
 *     (the same executable, hidden command `calibrate-worker`), started with
 *     posix_spawn, so each cold start really is cold and no library thread
 *     survives a fork.  The parent only collects, fits (fit.h) and writes.
 *   - worker.c: the measuring process, which prints its figures as lines
 *     of "key value..." on stdout (or "error <message>" and exit 2).
 *   - validate.c: `--validate PROFILE` drives the real model with an
 *     open-loop Poisson stream in one serving process and compares its
 *     latency quantiles with what the simulator predicts on the same
 *     arrivals.
 */
#ifndef SIM_CALIB_CALIB_H
#define SIM_CALIB_CALIB_H

#include <stdint.h>
#include <stdio.h>

#include "../util/err.h"
#include "ort.h"

#define CALIB_MAX_BATCHES 16
#define CALIB_MAX_THREADS 8
#define CALIB_MAX_DIMS 8

typedef struct CalibOpts {
    const char *model;      /* the .onnx file */
    const char *lib;        /* library path; NULL = ort_default_path() */
    int threads;            /* intra-op threads of this session */
    int64_t spawn_ns;       /* CLOCK_MONOTONIC when the parent spawned us */
    int batches[CALIB_MAX_BATCHES];
    int n_batches;
    OrtDim dims[CALIB_MAX_DIMS];
    int n_dims;
    int min_runs, max_runs; /* warm runs per batch size */
    double min_seconds;     /* ... and at least this long */
    int batch;              /* serve: batch size of every request */
    const char *arrivals;   /* serve: the arrivals trace (validate.c) */
} CalibOpts;

/* Entry points (argv[0] is the command name). */
int calibrate_cmd(int argc, char **argv, FILE *out, FILE *err);
int calib_worker_main(int argc, char **argv);

/* Shared by the command and the worker: parses one option that takes a
 * value (--batches, --dim, --threads, ...).  Returns 1 if `opt` was one of
 * them (and *i was advanced), 0 if not, < 0 on a bad value. */
int calib_parse_opt(int argc, char **argv, int *i, CalibOpts *o, Err *err);

/* An integer in [lo, hi] / a positive number, for option `opt`. */
int calib_parse_int(const char *s, const char *opt, long lo, long hi,
                    int *out, Err *err);
int calib_parse_pos(const char *s, const char *opt, double *out, Err *err);

/* A comma-separated list of positive integers. */
int calib_parse_list(const char *s, const char *opt, int *out, int max,
                     int *n, Err *err);

/* Prints "simsrv: calibrate: <where: what>" and returns exit status 2. */
int calib_fail(FILE *ef, const Err *err);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t calib_now_ns(void);

/* Spawns this executable with argv (argv[0] ignored), returns its stdout
 * in *text (malloc'd) and 0, or fills err (the worker's own error line
 * when it printed one). */
int calib_spawn(const char **argv, char **text, Err *err);

/* validate.c */
int calib_validate(int argc, char **argv, FILE *out, FILE *err);

/* families.c: load time and memory vs size per architecture family */
int calib_families(int argc, char **argv, FILE *out, FILE *err);

#endif

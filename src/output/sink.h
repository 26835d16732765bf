/*
 * sink.h - where per-request records go: a const table of functions.
 *
 * `simsrv run --requests` streams every request of every run (arrival,
 * alternative, replication, outcome, cold flag, waits, latency, server; for
 * LLM requests time to first token and token counts) to a
 * sink while the runs go; memory stays one buffer, whatever the run length.
 * The HDF5 sink (sink_hdf5.c) is the only one so far; a CSV or Parquet sink
 * would be another table like it.
 */
#ifndef SIM_OUTPUT_SINK_H
#define SIM_OUTPUT_SINK_H

#include <stdint.h>

#include "../util/err.h"

typedef struct ReqRecord {
    double arrival_s;
    double queue_wait_ms;   /* NaN unless it started */
    double cold_wait_ms;    /* waiting for an instance start; 0 if warm */
    double latency_ms;      /* NaN unless completed */
    double ttft_ms;         /* LLM: arrival to first output token; NaN if
                               it had none */
    int64_t server;         /* instance or VM id, -1 if none */
    int32_t alternative;
    int32_t replication;
    int32_t prompt_tokens;  /* LLM: from the trace, -1 if none */
    int32_t output_tokens;  /* LLM: output tokens produced (0 if none) */
    int32_t outcome;        /* ReqOutcome: 1 completed, 2 rejected,
                               3 timed out, 4 unfinished */
    int8_t cold;
    int8_t on_vm;
} ReqRecord;

typedef struct SinkType {
    const char *name;
    /* Creates `path` (the caller's temporary name: the caller renames it
     * into place with the rest of its output set); `meta` is stored as
     * attributes: NULL-terminated key, value pairs. */
    void *(*open)(const char *path, const char *const *meta, Err *err);
    void (*write)(void *sink, const ReqRecord *rec);
    /* Flushes and closes; returns 0 or -SIM_E* (one line; the file is then
     * removed).  `keep` = 0 discards the file instead. */
    int (*close)(void *sink, int keep, Err *err);
} SinkType;

/* NULL when simsrv was built without HDF5. */
extern const SinkType *const sink_hdf5;

#endif

/*
 * trace.h - replaying a CSV log of requests (the generic trace reader).
 *
 * A trace is a CSV file with a header row; the scenario maps its columns:
 * a timestamp, optionally a duration (the request's service time, used in
 * place of the model profile's), and optionally a function name to keep
 * the rows of one function; token counts (context, generated) for LLM
 * traces.  Timestamps are numbers (time_unit) or datetimes counted from
 * the first row's.  Files ending in anything are read through
 * zlib, so .gz works transparently; CRLF line ends are accepted.  A window
 * [start_s, end_s) of trace time is replayed, rebased to time 0 and scaled
 * by time_scale (2 = twice as slow, 0.5 = twice as fast).
 *
 * Many-function logs (numbered functions): with `numbered`, each row's
 * function is the pair (app_column, function_column) -- or function_column
 * alone -- numbered 0, 1, ... in order of first appearance in the file, and
 * each function is deployed on its own instances.  With `end_time`, the
 * timestamp is when the request ended and it arrived `duration` earlier
 * (the Azure Functions 2021 trace: app, func, end_timestamp, duration).
 * Numbered functions may be sampled (sample.h: top / random / quartile by
 * rows in the file): the reader then reads the file once more at open to
 * count each function's rows, and the kept functions are renumbered 0 ..
 * k - 1 in order of first appearance; other rows are skipped.
 *
 * Rows are pulled one at a time; a bounded look-ahead (a min-heap of
 * `lookahead` rows) re-orders timestamps that are slightly out of order, as
 * logs written by several threads are.  A row earlier than what was already
 * replayed, beyond that look-ahead, is an error.  Memory: one line buffer
 * and the look-ahead heap, whatever the trace length.
 */
#ifndef SIM_WORKLOAD_TRACE_H
#define SIM_WORKLOAD_TRACE_H

#include <stdint.h>

#include "../util/err.h"

#define TRACE_MAX_LINE 65536

typedef struct TraceSpec {
    char file[1024];          /* the path to read */
    char time_column[64];     /* header name of the timestamp */
    char duration_column[64]; /* "" = no durations */
    char function_column[64]; /* "" = no function filter */
    char function[128];       /* keep only this function's rows */
    double time_unit_s;       /* seconds per timestamp unit */
    double duration_unit_s;   /* seconds per duration unit */
    double time_scale;        /* replayed time = (t - start) x scale */
    double start_s, end_s;    /* window in trace time; end 0 = to the end */
    int lookahead;            /* rows held for re-ordering */
    int datetime;             /* timestamps "YYYY-MM-DD HH:MM:SS[.f]" (UTC),
                                 counted from the first row's */
    char context_column[64];  /* "" = none: prompt / context tokens */
    char generated_column[64]; /* "" = none: generated tokens */
    char app_column[64];      /* numbered: "" = functions by
                                 function_column alone */
    int numbered;             /* number the functions (see above) */
    int end_time;             /* timestamps are ends: start = t - duration */
    int sample;               /* numbered: AZ_SAMPLE_* (sample.h) */
    int sample_n;
    uint64_t sample_seed;
} TraceSpec;

/* One replayed request. */
typedef struct TraceRow {
    double t_s;     /* replayed time, seconds */
    double dur_s;   /* NaN without a duration column */
    long context;   /* tokens, -1 without the column */
    long generated; /* tokens, -1 without the column */
    int fn;         /* numbered: the function's number, else 0 */
} TraceRow;

typedef struct TraceReader TraceReader;

/* Opens the trace and reads its header. */
TraceReader *trace_open(const TraceSpec *spec, Err *err);

/* The next request in time order: 1 with *row filled, 0 at the end, or a
 * negative error naming file and line. */
int trace_next(TraceReader *r, TraceRow *row, Err *err);

/* The names of function fn: for numbered functions the row's app column
 * ("" without one) and function column as first read; for one function
 * kept by `function`, "" and that name; else "" and NULL.  Only the kept
 * functions' names are held.  A function not yet read (its rows lie beyond
 * what was replayed) makes the reader read the rest of the file for names,
 * after which trace_next may not be called: ask at the end of a run.  Views
 * valid until trace_close. */
void trace_function_names(TraceReader *r, int fn, const char **app,
                          const char **id);

void trace_close(TraceReader *r);

/* Reads the whole trace once and reports the first problem (config does
 * this before anything is written).  *rows: the requests it replays;
 * *functions: the functions numbered (numbered traces; else 1). */
int trace_check(const TraceSpec *spec, uint64_t *rows, uint64_t *functions,
                Err *err);

#endif

/*
 * azure2019.h - the Azure Functions 2019 trace (Shahrad et al., ATC'20) as
 * an arrival stream.
 *
 * The public trace gives, per function, invocation counts per minute
 * (invocations_per_function_md.anon.dNN.csv: HashOwner, HashApp,
 * HashFunction, Trigger, then one column per minute), percentiles of its
 * execution time (function_durations_percentiles.anon.dNN.csv, joined on
 * HashApp + HashFunction) and its application's allocated memory
 * (app_memory_percentiles.anon.dNN.csv, joined on HashApp; a file with a
 * HashFunction column, like the InVitro samples, is joined per function).
 * Columns are found by their header names; minute columns are the ones
 * whose header is an integer, in file order, and minute j (0-based) covers
 * [60 j, 60 j + 60) s of trace time.  The window has the trace's resolution:
 * minute j is replayed iff 60 j lies in [start_s, end_s), and replayed time
 * counts from the first replayed minute's start (times time_scale).
 *
 * Representation.  The counts are held sparsely, by minute (compressed rows:
 * for each minute, the (function, count) pairs that are not zero): memory
 * grows with functions x active minutes, never with the number of
 * invocations (10^9 a day for 50,000 functions is 8 bytes per non-zero
 * cell).  Arrivals are made one minute at a time into a buffer sorted by
 * (time, function), so the stream is in time order -- and a minute of more
 * than AZ_SLICE_ARRIVALS arrivals in time slices of about that many each,
 * one slice at a time, so the buffer holds at most 2 AZ_SLICE_ARRIVALS
 * (32 MB, and as much for the sort's scratch) whatever the count: a
 * minute of 10^9 arrivals made at once would take 16 GB.  The kept functions'
 * HashApp and HashFunction are held apart (util/names.h), for
 * functions.csv; the other functions' names are dropped once sampled.
 * Spacing within a minute:
 *   equidistant  count c at (k + 1/2) 60/c s into the minute (default);
 *   uniform      c uniform times in the minute (a Poisson process
 *                conditioned on c arrivals);
 *   poisson      Poisson(c) arrivals, uniform in the minute: the count is
 *                random with mean c, so totals differ from the trace.
 * Each arrival's service time is drawn from its function's duration
 * percentiles (0, 1, 25, 50, 75, 99, 100), linearly interpolated in
 * probability.  These are percentiles of 30-second averages (the trace's
 * note 7): close to the true distribution when invocations are sparse,
 * narrower than it when they are dense.
 *
 * Join losses are counted, never silent: functions without a durations row
 * are dropped (with their invocations), durations rows without a function
 * and functions whose app has no memory row are counted.  Bad rows (wrong
 * column count, a count that is not a non-negative integer, a duration that
 * is not a number) are errors naming file, line and column; empty fields in
 * Minimum/Maximum (known gaps of the published data) are not used.
 */
#ifndef SIM_WORKLOAD_AZURE2019_H
#define SIM_WORKLOAD_AZURE2019_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "sample.h"

enum { AZ_EQUIDISTANT = 0, AZ_UNIFORM, AZ_POISSON };

/* The largest count of one function in one minute: 10^9, the arrivals of
 * a whole run (config/limits.h, LIMITS_MAX_RUN_ARRIVALS); 4,294,967,295
 * is an error naming the file, line and column. */
#define AZ_MAX_MINUTE_COUNT 1000000000u
/* The arrivals of one time slice of a minute (16 bytes each: 16 MB). */
#define AZ_SLICE_ARRIVALS (1u << 20)

typedef struct Az19Spec {
    char invocations[1024];
    char durations[1024];
    char memory[1024];      /* "" = none */
    int spacing;            /* AZ_EQUIDISTANT, ... */
    int sample;             /* AZ_SAMPLE_* */
    int sample_n;           /* functions kept by top / random / quartile */
    uint64_t sample_seed;
    double start_s, end_s;  /* window in trace time, whole minutes (see
                               above); end 0 = to the end */
    double time_scale;      /* replayed time = (t - start) x scale */
} Az19Spec;

typedef struct Az19Stats {
    uint64_t functions;             /* rows of the invocations file */
    uint64_t no_duration;           /* of which without a durations row: dropped */
    uint64_t no_duration_invocations; /* their invocations */
    uint64_t durations_unused;      /* durations rows matching no function */
    uint64_t no_memory;             /* kept functions without a memory row */
    uint64_t kept;                  /* functions replayed (join, sampling) */
    uint64_t minutes;               /* minute columns */
    uint64_t invocations;           /* invocations of the kept functions in
                                       the window's minutes (what is replayed,
                                       except with poisson spacing) */
} Az19Stats;

typedef struct Az19 Az19;

/* Reads and joins the three files; every check happens here. */
Az19 *az19_open(const Az19Spec *spec, Err *err);

/* The next arrival: 1 with *t_s (replayed), *dur_s and *fn (index among the
 * kept functions), or 0 at the end. */
int az19_next(Az19 *a, gsl_rng *r, double *t_s, double *dur_s, int *fn);

const Az19Stats *az19_stats(const Az19 *a);

/* The arrivals the reader's buffers can hold now: at most
 * 2 AZ_SLICE_ARRIVALS, whatever a minute's count (for the tests of that
 * bound). */
size_t az19_buffer_capacity(const Az19 *a);

/* Memory of kept function fn, MB (its app's average / the app's functions;
 * 0 when unknown). */
double az19_memory_mb(const Az19 *a, int fn);

/* Kept function fn's HashApp and HashFunction, as in the invocations
 * file (views into the reader, valid until az19_close).  Only the kept
 * functions' names are held. */
void az19_function_names(const Az19 *a, int fn, const char **app,
                         const char **id);

void az19_close(Az19 *a);

#endif

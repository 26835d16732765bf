/*
 * fuzz.h - what every libFuzzer harness in tests/fuzz shares.
 *
 * The readers under test take file paths, so each process makes one
 * private folder (under $TMPDIR, removed at exit) laid out like the source
 * tree: models/ is the source tree's models folder (a link), scenarios/
 * holds links to the shipped scenarios, and traces/ holds the shipped
 * example traces cut to their first FUZZ_TRACE_LINES lines, so that a
 * scenario or sweep naming "../traces/example-log.csv" validates quickly
 * (the whole file is 725 kB).  An input is written into that folder under a fixed
 * name and read back by the code under test; every execution overwrites it.
 *
 * Bounded executions.  Inputs are at most -max_len bytes; a harness skips
 * (returns 0 without reading) inputs whose work is not bounded by their
 * length (a sweep of many points, an Azure 2019 minute of millions of
 * arrivals).  A scenario names files by any path, so the harnesses are
 * linked with -Wl,--wrap=fopen,--wrap=gzopen: a file opened for reading
 * must be a regular file inside the private folder (or, through its links,
 * the source tree's models/ and scenarios/), or the open fails with EACCES
 * (as for a file the user may not read) -- never /dev/zero or a FIFO,
 * which would never end, nor a large file such as a build output.
 */
#ifndef SIMSRV_TESTS_FUZZ_H
#define SIMSRV_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_TRACE_LINES 200

/* The private folder (made on the first call, removed at exit). */
const char *fuzz_dir(void);

/* Writes bytes to fuzz_dir()/name (name may have a folder that exists:
 * "scenarios/fuzz.json") and returns its full path, copied into out. */
const char *fuzz_write(const char *name, const uint8_t *data, size_t n,
                       char *out, size_t size);

/* Splits data at the first `sep` byte: the head is data[0..*head_n), the
 * rest follows the separator (empty without one); returns the rest. */
const uint8_t *fuzz_split(const uint8_t *data, size_t n, uint8_t sep,
                          size_t *head_n, size_t *rest_n);

/* With SIMSRV_FUZZ_VERBOSE set, prints "accepted" or the error's one
 * line to stderr (to see what an input does: fuzz_TARGET FILE...). */
struct Err;
void fuzz_report(int rc, const struct Err *err);

/* The trace targets' common part: writes data (n bytes) to trace.csv of
 * the private folder, names it in spec->file, reads it all with
 * trace_check() as the scenario loader does, and, when that passes, opens
 * it again, replays one row and asks for the names of the last function
 * (which reads the rest of the file for names).  Returns trace_check's
 * status. */
struct TraceSpec;
int fuzz_trace(struct TraceSpec *spec, const uint8_t *data, size_t n);

/* Window, time scale and look-ahead of a trace from one option byte:
 * bits 0-1 the look-ahead (1, 2, 16, 10000 rows), bits 2-3 the window
 * (none, from 10 s, to 100 s, [10, 100) s), bit 4 time_scale 0.5. */
void fuzz_trace_window(struct TraceSpec *spec, uint8_t opt);

#endif

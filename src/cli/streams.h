/*
 * streams.h - where a command prints, and its one-line error exit; shared
 * by the commands in src/cli (run, catalog, calibrate in cli.c; sweep and
 * merge in sweep.c).  Output streams are passed in rather than assumed to
 * be stdout/stderr, so tests drive every command in-process.
 */
#ifndef SIM_CLI_STREAMS_H
#define SIM_CLI_STREAMS_H

#include <stdio.h>

#include "../util/err.h"

#ifndef SIMSRV_VERSION
#define SIMSRV_VERSION "unknown"
#endif

typedef struct Streams {
    FILE *out, *err;
} Streams;

/* The longest output folder a command accepts (--out): the folder's files
 * are named in fixed buffers of 1024 bytes and more, and a longer path is
 * refused rather than cut. */
enum { CLI_OUT_MAX = 1000 };
#define CLI_OUT_MAX_STR "1000"

/* Prints "simsrv: <file: where: message>" on st->err; returns exit status
 * 2. */
int cli_fail(const Streams *st, const Err *err);

#endif

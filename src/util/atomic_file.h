/*
 * atomic_file.h - write a file under a temporary name, rename it when done.
 *
 * DESIGN.md section 5: a crash never leaves a half file that looks whole.
 * atomic_file_open() creates "<path>.tmp.<pid>" next to the target;
 * atomic_file_commit() flushes, closes and renames it over the target;
 * atomic_file_abort() closes and removes it.  Exactly one of the two must be
 * called for every successful open -- or atomic_file_finish(), which closes
 * and checks the temporary but leaves the rename to an output set
 * (outset.h), so that several files appear together.
 */
#ifndef SIM_UTIL_ATOMIC_FILE_H
#define SIM_UTIL_ATOMIC_FILE_H

#include <stdio.h>

#include "err.h"

typedef struct AtomicFile {
    FILE *fp;          /* write here */
    char path[1024];   /* final name */
    char tmp[1100];    /* temporary name */
} AtomicFile;

int atomic_file_open(AtomicFile *af, const char *path, Err *err);
int atomic_file_commit(AtomicFile *af, Err *err);
void atomic_file_abort(AtomicFile *af);
/* Flushes and closes; on success the temporary is complete and stays (the
 * caller renames af->tmp); on failure it is removed.  0 or -SIM_EIO. */
int atomic_file_finish(AtomicFile *af, Err *err);

/* Creates a directory and its parents (like mkdir -p). */
int mkdir_p(const char *dir, Err *err);

#endif

/*
 * outset.h - an output set: every file of one command appears at once or
 * not at all.
 *
 * `simsrv run` writes summary.json, summary.csv, timeseries.csv,
 * functions.csv and requests.h5; `sweep` and `merge` write cells.csv,
 * points.csv, diffs.csv and sweep.h5.  Each file is first written complete
 * under "<name>.tmp.<pid>"; only when every one of them has been written,
 * flushed and closed without error does outset_commit() rename them into
 * place.  Any failure before that removes all the temporaries and leaves the
 * previous set untouched.  (The renames themselves are not one atomic step:
 * rename(2) of a complete file does not fail for lack of space, so the
 * window is a crash between two renames.)
 *
 * The folder is also where stale temporaries of dead runs (kill -9, power
 * loss) are swept up, and where `sweep` takes its lock file.
 */
#ifndef SIM_UTIL_OUTSET_H
#define SIM_UTIL_OUTSET_H

#include <stddef.h>

#include "err.h"

enum { OUTSET_MAX = 8 };

typedef struct OutSet {
    int n;
    char tmp[OUTSET_MAX][1100];  /* written, closed temporaries */
    char path[OUTSET_MAX][1024]; /* their final names */
} OutSet;

void outset_init(OutSet *set);

/* Writes "<path>.tmp.<pid>" into buf; -1 if it does not fit. */
int outset_tmp_name(char *buf, size_t size, const char *path);

/* Adds a complete, closed temporary `tmp` to be renamed to `path`. */
void outset_add(OutSet *set, const char *tmp, const char *path);

/* Renames every temporary into place, in order; on a failure removes the
 * temporaries not yet renamed and returns -SIM_EIO.  Commit and abort
 * untrack the set's temporaries. */
int outset_commit(OutSet *set, Err *err);

/* Removes every temporary of the set. */
void outset_abort(OutSet *set);

/* Test hook: with SIMSRV_TEST_FAIL_WRITE=N in the environment, the Nth
 * output file finished by this process (counting from 1) fails as a full
 * disk would (returns 1; 0 otherwise).  Lets the disk-full checks run
 * without root. */
int outset_fault(void);

/* Temporaries this process has created and not yet renamed or removed:
 * outset_track() records one (at most OUTSET_TRACKED at a time, extra ones
 * are not recorded), outset_untrack() forgets it.  They are removed by
 * outset_remove_tracked(), which runs at exit() (registered on the first
 * track: a trace that changed under its reader exits mid-run) and on the
 * out-of-memory path of xalloc before it aborts.  kill -9 leaves them for
 * outset_remove_stale() of the next run. */
enum { OUTSET_TRACKED = 32 };
void outset_track(const char *tmp);
void outset_untrack(const char *tmp);
void outset_remove_tracked(void);

/* Removes "*.tmp.<pid>" files in dir whose process no longer exists
 * (kill(pid, 0) fails with ESRCH).  Others are left alone. */
void outset_remove_stale(const char *dir);

/* Takes "<dir>/<name>" (O_CREAT|O_EXCL, holding "PID HOST") into
 * lock_path.  A lock of a dead process of this host is taken over; a live
 * one, or one of another host (its PID cannot be checked from here), is an
 * error naming its PID (and host).  outset_unlock() removes it. */
int outset_lock_named(const char *dir, const char *name, char *lock_path,
                      size_t size, Err *err);

/* The folder's lock, "<dir>/.simsrv.lock": held by whoever writes the
 * folder's tables (an unsharded sweep, merge). */
int outset_lock(const char *dir, char *lock_path, size_t size, Err *err);
void outset_unlock(const char *lock_path);

#endif

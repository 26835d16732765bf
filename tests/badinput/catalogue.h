/*
 * catalogue.h - the bad-input catalogue's cases and how one is run
 * (catalogue.c); the tables are in test_badinput.c and more_cases.inc.
 */
#ifndef SIMSRV_TESTS_BADINPUT_CATALOGUE_H
#define SIMSRV_TESTS_BADINPUT_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct File {
    const char *name; /* in the case's folder; NULL = none */
    const char *body; /* NULL = make a directory of that name */
    size_t len;       /* bytes of body; 0 = strlen(body) */
} File;

typedef struct Case {
    const char *what;
    const char *scenario; /* NULL = bad.json is a directory */
    File files[6];
    const char *arg[6]; /* extra arguments, or NULL */
    const char *want; /* the whole stderr line without its newline;
                         NULL: only exit 2, one line, nothing written */
    const char *setup[10]; /* a valid command run first (after "simsrv") */
    const char *shell;     /* then this, by sh in the case's folder */
    const char *fifo_then; /* files[0] is a FIFO: later readers get this */
} Case;

/* Runs case c (number i): exit 2, its one line, its folder unchanged (see
 * test_badinput.c). */
void catalogue_run_case(const Case *c, int i);

/* A folder tree's entries: path below the root, type and size, the
 * modification time in ns and the FNV-1a hash of the bytes (files only: a
 * FIFO is never read). */
#define SNAP_MAX 1024

typedef struct Entry {
    char path[300];
    unsigned mode;
    long long size, mtime_ns;
    uint64_t hash;
} Entry;

typedef struct Snap {
    int n;
    Entry e[SNAP_MAX];
} Snap;

/* The tree under root (empty if root does not exist), sorted by path. */
void snap_take(Snap *s, const char *root);

/* Expects b to equal a, naming the first difference. */
void snap_expect_same(const Snap *a, const Snap *b, const char *what);

/* Runs the simsrv executable of this build with argv in a child process
 * in folder cwd, stderr to err_path; its exit status (128 + signal if it
 * was killed). */
int run_child(int argc, char **argv, const char *cwd, const char *err_path);

/* A file's text (empty if it cannot be read), NUL-terminated. */
void read_text(const char *path, char *buf, size_t size);

/* Newlines in s. */
int count_lines(const char *s);

#endif

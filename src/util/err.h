/*
 * err.h - the error record that every input-checking function fills.
 *
 * simsrv has three kinds of failure (STYLE.md section 5): a broken invariant
 * is a bug and asserts; running out of memory aborts in xalloc; bad input or
 * failed I/O is reported to the user.  This module is the third kind: a
 * function that can fail on input returns 0 or a negative SIM_E* code and
 * fills a caller-supplied Err with *where* (file, line/column or JSON path)
 * and *what*.  Every error goes through err_set(), so one breakpoint catches
 * them all.
 */
#ifndef SIM_UTIL_ERR_H
#define SIM_UTIL_ERR_H

enum {
    SIM_OK = 0,
    SIM_EINPUT = 1, /* the user's input is wrong: exit status 2 */
    SIM_EIO = 2,    /* reading or writing a file failed: exit status 2 */
    SIM_EINTERNAL = 3
};

typedef struct Err {
    int code;        /* SIM_E*; 0 = no error */
    char where[256]; /* "scenarios/a.json: alternatives[2].keepalive_s" */
    char msg[512];
} Err;

/* Records an error and returns -code (control characters in `where` and
 * the message are escaped, see err_escape), so callers can write
 * `return err_set(err, SIM_EINPUT, path, "must be > 0");`.
 * `err` may be NULL (the error is then only returned). */
int err_set(Err *err, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copies src into dst (at most size bytes with the terminator), writing
 * newline, carriage return and tab as \n, \r, \t and any other control
 * byte as \xNN, so quoted user text cannot break a one-line message. */
void err_escape(char *dst, unsigned long size, const char *src);

/* If `path` is a directory: an error "is a directory, not a <kind>" and
 * -SIM_EINPUT; else 0 (a missing file is left to the caller's open). */
int err_if_directory(Err *err, const char *path, const char *kind);

/* Clears an error record. */
void err_clear(Err *err);

/* Writes "where: msg" (one line) into buf. */
void err_format(const Err *err, char *buf, unsigned long size);

#endif

/*
 * fuzz.c - the private folder and file plumbing of the harnesses (fuzz.h).
 *
 * The folder is made once per process with mkdtemp and removed by an atexit
 * handler (nftw, depth first, links not followed), so a run of millions of
 * executions leaves nothing behind; a crash leaves it in $TMPDIR, which
 * scripts/fuzz points into the build folder.  FUZZ_SOURCE_ROOT is the
 * source tree, set by tests/fuzz/meson.build.
 */
#define _XOPEN_SOURCE 700
#include "fuzz.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "workload/trace.h"

#ifndef FUZZ_SOURCE_ROOT
#error "FUZZ_SOURCE_ROOT must name the source tree"
#endif

static char dir[PATH_MAX];
static char dir_real[PATH_MAX], src_real[PATH_MAX];

static void die(const char *what, const char *path)
{
    fprintf(stderr, "fuzz: %s %s: %s\n", what, path, strerror(errno));
    abort();
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_dir(void)
{
    if (dir[0] != '\0')
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void join(char *out, size_t size, const char *a, const char *b)
{
    if ((size_t)snprintf(out, size, "%s/%s", a, b) >= size) {
        errno = ENAMETOOLONG;
        die("path too long:", a);
    }
}

/* Copies the first FUZZ_TRACE_LINES lines of src into dst. */
static void copy_head(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    if (in == NULL || out == NULL)
        die("cannot copy", src);
    int c, lines = 0;
    while (lines < FUZZ_TRACE_LINES && (c = getc(in)) != EOF) {
        putc(c, out);
        lines += c == '\n';
    }
    fclose(in);
    if (fclose(out) != 0)
        die("cannot write", dst);
}

static void link_or_die(const char *target, const char *name)
{
    if (symlink(target, name) != 0)
        die("cannot link", name);
}

/* models/ -> the source tree's; scenarios/ of links; traces/ of heads. */
static void lay_out(void)
{
    static const char *const scenarios[] = {
        "azure2019-replay.json", "azure2021-replay.json",
        "duty-cycle-base.json",  "gpu-image.json",
        "keepalive-base.json",   "llm-replay.json",
        "replay-log.json",       "spiky.json",
        "sweep-duty-cycle.json", "sweep-keepalive.json", NULL};
    static const char *const traces[] = {
        "azure2019-durations.csv", "azure2019-invocations.csv",
        "azure2019-memory.csv",    "azure2021-invocations.csv",
        "example-llm.csv",         "example-log.csv", NULL};
    char a[PATH_MAX], b[PATH_MAX];
    join(a, sizeof a, FUZZ_SOURCE_ROOT, "models");
    join(b, sizeof b, dir, "models");
    link_or_die(a, b);
    join(b, sizeof b, dir, "scenarios");
    if (mkdir(b, 0700) != 0)
        die("cannot make", b);
    for (int i = 0; scenarios[i] != NULL; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "scenarios/%s", scenarios[i]);
        join(a, sizeof a, FUZZ_SOURCE_ROOT, rel);
        join(b, sizeof b, dir, rel);
        link_or_die(a, b);
    }
    join(b, sizeof b, dir, "traces");
    if (mkdir(b, 0700) != 0)
        die("cannot make", b);
    for (int i = 0; traces[i] != NULL; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "traces/%s", traces[i]);
        join(a, sizeof a, FUZZ_SOURCE_ROOT, rel);
        join(b, sizeof b, dir, rel);
        copy_head(a, b);
    }
}

const char *fuzz_dir(void)
{
    if (dir[0] != '\0')
        return dir;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/simsrv-fuzz.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        die("cannot make a folder like", dir);
    atexit(remove_dir);
    lay_out();
    if (realpath(dir, dir_real) == NULL)
        die("cannot resolve", dir);
    if (realpath(FUZZ_SOURCE_ROOT, src_real) == NULL)
        die("cannot resolve", FUZZ_SOURCE_ROOT);
    return dir;
}

const char *fuzz_write(const char *name, const uint8_t *data, size_t n,
                       char *out, size_t size)
{
    join(out, size, fuzz_dir(), name);
    FILE *fp = fopen(out, "wb");
    if (fp == NULL || fwrite(data, 1, n, fp) != n || fclose(fp) != 0)
        die("cannot write", out);
    return out;
}

const uint8_t *fuzz_split(const uint8_t *data, size_t n, uint8_t sep,
                          size_t *head_n, size_t *rest_n)
{
    const uint8_t *p = n > 0 ? memchr(data, sep, n) : NULL;
    if (p == NULL) {
        *head_n = n;
        *rest_n = 0;
        return data + n;
    }
    *head_n = (size_t)(p - data);
    *rest_n = n - *head_n - 1;
    return p + 1;
}

int fuzz_trace(TraceSpec *spec, const uint8_t *data, size_t n)
{
    fuzz_write("trace.csv", data, n, spec->file, sizeof spec->file);
    uint64_t rows, fns;
    Err err;
    err_clear(&err);
    int rc = trace_check(spec, &rows, &fns, &err);
    if (rc < 0 || rows == 0)
        return rc;
    TraceReader *r = trace_open(spec, &err);
    if (r == NULL)
        abort(); /* it opened a moment ago */
    TraceRow row;
    const char *app, *id;
    if (trace_next(r, &row, &err) != 1)
        abort(); /* it had rows a moment ago */
    trace_function_names(r, (int)fns - 1, &app, &id);
    trace_close(r);
    return rc;
}

void fuzz_trace_window(TraceSpec *spec, uint8_t opt)
{
    static const int lookahead[] = {1, 2, 16, 10000};
    spec->lookahead = lookahead[opt & 3];
    spec->start_s = (opt & 4) ? 10 : 0;
    spec->end_s = (opt & 8) ? 100 : 0;
    spec->time_scale = (opt & 16) ? 0.5 : 1;
}

/* 1 if path is a regular file inside the private folder or the source
 * tree (after links are resolved). */
static int readable(const char *path)
{
    char real[PATH_MAX];
    struct stat st;
    if (realpath(path, real) == NULL || stat(real, &st) != 0)
        return 0;
    if (!S_ISREG(st.st_mode))
        return 0;
    size_t nd = strlen(dir_real), ns = strlen(src_real);
    return (strncmp(real, dir_real, nd) == 0 && real[nd] == '/') ||
           (strncmp(real, src_real, ns) == 0 && real[ns] == '/');
}

/* The guarded opens (see fuzz.h): reads only of readable() files; a
 * missing file fails as it would (ENOENT). */
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__real_fopen64(const char *path, const char *mode);
FILE *__wrap_fopen64(const char *path, const char *mode);
gzFile __real_gzopen(const char *path, const char *mode);
gzFile __wrap_gzopen(const char *path, const char *mode);
gzFile __real_gzopen64(const char *path, const char *mode);
gzFile __wrap_gzopen64(const char *path, const char *mode);

static int refused(const char *path, const char *mode)
{
    if (strchr(mode, 'r') == NULL || strchr(mode, '+') != NULL ||
        dir_real[0] == '\0')
        return 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return 0; /* the real open reports it */
    if (readable(path))
        return 0;
    errno = EACCES;
    return 1;
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    return refused(path, mode) ? NULL : __real_fopen(path, mode);
}

FILE *__wrap_fopen64(const char *path, const char *mode)
{
    return refused(path, mode) ? NULL : __real_fopen64(path, mode);
}

gzFile __wrap_gzopen(const char *path, const char *mode)
{
    return refused(path, mode) ? NULL : __real_gzopen(path, mode);
}

gzFile __wrap_gzopen64(const char *path, const char *mode)
{
    return refused(path, mode) ? NULL : __real_gzopen64(path, mode);
}

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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/err.h"
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

/* fuzz_dir()/folder made and filled with put(source file, its name there)
 * for each file of the source tree's `folder` ending in `ext`. */
static void mirror(const char *folder, const char *ext,
                   void (*put)(const char *, const char *))
{
    char src[PATH_MAX], dst[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
    join(src, sizeof src, FUZZ_SOURCE_ROOT, folder);
    join(dst, sizeof dst, dir, folder);
    if (mkdir(dst, 0700) != 0)
        die("cannot make", dst);
    DIR *d = opendir(src);
    if (d == NULL)
        die("cannot list", src);
    const struct dirent *e;
    size_t n_ext = strlen(ext);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= n_ext || strcmp(e->d_name + n - n_ext, ext) != 0)
            continue;
        join(a, sizeof a, src, e->d_name);
        join(b, sizeof b, dst, e->d_name);
        put(a, b);
    }
    closedir(d);
}

/* models/ -> the source tree's; scenarios/ of links; traces/ of heads. */
static void lay_out(void)
{
    char a[PATH_MAX], b[PATH_MAX];
    join(a, sizeof a, FUZZ_SOURCE_ROOT, "models");
    join(b, sizeof b, dir, "models");
    link_or_die(a, b);
    mirror("scenarios", ".json", link_or_die);
    mirror("traces", ".csv", copy_head);
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
    /* overwritten in place and cut to size, never truncated to 0 first:
     * ext4 flushes a file truncated and rewritten at its close (the
     * "replace-via-truncate" heuristic), a disk write per execution */
    int fd = open(out, O_WRONLY | O_CREAT, 0600);
    size_t done = 0;
    while (fd >= 0 && done < n) {
        ssize_t w = write(fd, data + done, n - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (fd < 0 || done != n || ftruncate(fd, (off_t)n) != 0 || close(fd) != 0)
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

void fuzz_report(int rc, const Err *err)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("SIMSRV_FUZZ_VERBOSE") != NULL;
    if (!verbose)
        return;
    char line[1024];
    err_format(err, line, sizeof line);
    fprintf(stderr, "fuzz: %s\n", rc == 0 ? "accepted" : line);
}

int fuzz_trace(TraceSpec *spec, const uint8_t *data, size_t n)
{
    fuzz_write("trace.csv", data, n, spec->file, sizeof spec->file);
    uint64_t rows, fns;
    Err err;
    err_clear(&err);
    int rc = trace_check(spec, &rows, &fns, &err);
    fuzz_report(rc, &err);
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

/* 1 if real (a resolved path) lies in folder `dir` of the source tree. */
static int in_source(const char *real, const char *dir_name)
{
    size_t ns = strlen(src_real), nd = strlen(dir_name);
    return strncmp(real, src_real, ns) == 0 && real[ns] == '/' &&
           strncmp(real + ns + 1, dir_name, nd) == 0 && real[ns + 1 + nd] == '/';
}

/* 1 if path is a regular file inside the private folder, or (through its
 * links) the source tree's models/ or scenarios/, after links are
 * resolved: not the source tree's own traces or build outputs, which are
 * large. */
static int readable(const char *path)
{
    char real[PATH_MAX];
    struct stat st;
    if (realpath(path, real) == NULL || stat(real, &st) != 0)
        return 0;
    if (!S_ISREG(st.st_mode))
        return 0;
    size_t nd = strlen(dir_real);
    return (strncmp(real, dir_real, nd) == 0 && real[nd] == '/') ||
           in_source(real, "models") || in_source(real, "scenarios");
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

/*
 * catalogue.c - how a case of the bad-input catalogue runs (the tables and
 * what they pin are in test_badinput.c).
 *
 * A case gets a fresh folder under the build tree holding bad.json, its
 * files and, for its second run, a previous output set in results/.  The
 * folder is snapshotted (every entry's path, type, size, modification time
 * in ns and an FNV-1a hash of its bytes) before and after the command,
 * which is the simsrv executable of this build in a process of its own
 * (fork + exec, in the case's folder): a stray relative write is seen,
 * failures that exit from deep inside a run are taken as in real use, and
 * under the sanitizers the leak check sees that process alone.  A named
 * pipe stands for a trace that changes under its reader: a writer process
 * gives the first reader one text and every later reader another, and
 * opens the pipe again only once the reader has closed it (polling the
 * reader's /proc/PID/fd: it waits on states, never on a time).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "support.h"

int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* s with every `token` replaced by `with`, into out. */
static void expand(const char *s, const char *token, const char *with,
                   char *out, size_t size)
{
    size_t n = 0, t = strlen(token), w = strlen(with);
    while (*s && n + w + 1 < size) {
        if (strncmp(s, token, t) == 0) {
            memcpy(out + n, with, w);
            n += w;
            s += t;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
}

static void write_bytes(const char *path, const char *body, size_t len)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp, "cannot write %s", path);
    cr_assert_eq(fwrite(body, 1, len, fp), len);
    fclose(fp);
}

/* --- the folder's snapshot ------------------------------------------- */

static uint64_t file_hash(const char *path)
{
    uint64_t h = 1469598103934665603ull;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    int c;
    while ((c = getc(fp)) != EOF)
        h = (h ^ (uint64_t)c) * 1099511628211ull;
    fclose(fp);
    return h;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const Entry *)a)->path, ((const Entry *)b)->path);
}

static void snap_walk(Snap *s, const char *root, const char *rel)
{
    char dir[1400];
    snprintf(dir, sizeof dir, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        cr_assert_lt(s->n, SNAP_MAX, "more than %d entries in %s", SNAP_MAX,
                     root);
        Entry *e = &s->e[s->n++];
        char full[1800];
        snprintf(e->path, sizeof e->path, "%s%s%s", rel, rel[0] ? "/" : "",
                 de->d_name);
        snprintf(full, sizeof full, "%s/%s", root, e->path);
        struct stat sb;
        cr_assert_eq(lstat(full, &sb), 0, "%s", full);
        e->mode = (unsigned)sb.st_mode;
        e->size = S_ISREG(sb.st_mode) ? (long long)sb.st_size : 0;
        e->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000ll +
                      sb.st_mtim.tv_nsec;
        e->hash = S_ISREG(sb.st_mode) ? file_hash(full) : 0;
        if (S_ISFIFO(sb.st_mode))
            e->mtime_ns = 0; /* a write into a pipe is not a change */
        if (S_ISDIR(sb.st_mode)) {
            e->mtime_ns = 0; /* a directory read is not a change */
            char sub[300];
            snprintf(sub, sizeof sub, "%s", e->path);
            snap_walk(s, root, sub);
        }
    }
    closedir(d);
}

/* The tree under root (empty if root does not exist), sorted by path. */
void snap_take(Snap *s, const char *root)
{
    s->n = 0;
    snap_walk(s, root, "");
    qsort(s->e, (size_t)s->n, sizeof s->e[0], entry_cmp);
}

/* Expects b to equal a, naming the first difference. */
void snap_expect_same(const Snap *a, const Snap *b, const char *what)
{
    int i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1
                                          : strcmp(a->e[i].path, b->e[j].path);
        if (c < 0) {
            cr_expect_fail("%s: %s removed", what, a->e[i].path);
            return;
        }
        if (c > 0) {
            cr_expect_fail("%s: %s created", what, b->e[j].path);
            return;
        }
        const Entry *x = &a->e[i++], *y = &b->e[j++];
        if (x->mode != y->mode || x->size != y->size ||
            x->mtime_ns != y->mtime_ns || x->hash != y->hash) {
            cr_expect_fail("%s: %s changed (size %lld -> %lld, mtime %lld -> "
                           "%lld)",
                           what, x->path, x->size, y->size, x->mtime_ns,
                           y->mtime_ns);
            return;
        }
    }
}

/* --- running one command --------------------------------------------- */

/* The simsrv executable of this build. */
static const char *simsrv_bin(void)
{
    static char path[1100];
    const char *root = getenv("SIMSRV_BUILD_ROOT");
    snprintf(path, sizeof path, "%s/simsrv", root != NULL ? root : ".");
    return path;
}

/* Starts the simsrv executable with `argv` in a child process whose
 * working folder is cwd, stderr going to err_path and stdout to
 * /dev/null; the child waits for a byte on *gate (when gate is not NULL)
 * so that the pipe's writer can learn its PID first.  A fresh process per
 * command: what simsrv does at exit (the removal of temporaries) runs as in
 * real use, and under the sanitizers its leak check sees that process
 * alone. */
static pid_t start_child(int argc, char **argv, const char *cwd,
                         const char *err_path, int gate[2])
{
    (void)argc;
    const char *bin = simsrv_bin();
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char go;
        if (gate != NULL && (close(gate[1]) != 0 || read(gate[0], &go, 1) != 1))
            _exit(119);
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = open("/dev/null", O_WRONLY);
        if (chdir(cwd) != 0 || fd < 0 || nul < 0 || dup2(fd, 2) < 0 ||
            dup2(nul, 1) < 0)
            _exit(120);
        execv(bin, argv);
        _exit(121);
    }
    return pid;
}

/* The child's exit status (128 + signal if it was killed). */
static int wait_child(pid_t pid)
{
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_child(int argc, char **argv, const char *cwd,
                     const char *err_path)
{
    return wait_child(start_child(argc, argv, cwd, err_path, NULL));
}

void read_text(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    size_t n = 0;
    if (fp != NULL) {
        n = fread(buf, 1, size - 1, fp);
        fclose(fp);
    }
    buf[n] = '\0';
}

/* --- the cases ----------------------------------------------------------- */

/* The folder of case i and the values its tokens stand for. */
typedef struct Ctx {
    char dir[1024], models[1024], traces[1024], pid[32];
} Ctx;

/* s with every "%WN;" replaced by N fields "c," (wide rows). */
static void expand_wide(const char *s, char *out, size_t size)
{
    size_t n = 0;
    while (*s && n + 1 < size) {
        char *end;
        if (strncmp(s, "%W", 2) == 0) {
            long k = strtol(s + 2, &end, 10);
            cr_assert_eq(*end, ';');
            for (long j = 0; j < k && n + 3 < size; j++) {
                out[n++] = 'c';
                out[n++] = ',';
            }
            s = end + 1;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
}

static void expand_all(const Ctx *x, const char *s, char *out, size_t size)
{
    static char w[1 << 17], a[1 << 17], b[1 << 17], c[1 << 17];
    expand_wide(s, w, sizeof w);
    s = w;
    expand(s, "%M", x->models, a, sizeof a);
    expand(a, "%T", x->traces, b, sizeof b);
    expand(b, "%P", x->pid, c, sizeof c);
    expand(c, "@", x->dir, out, size);
}

/* A previous output set of every command: the run's and the sweep's
 * tables (their bytes do not matter, only that they stay). */
static void write_previous_set(const char *out)
{
    static const char *const names[] = {
        "summary.json", "summary.csv", "timeseries.csv", "functions.csv",
        "requests.h5", "cells.csv", "points.csv", "diffs.csv", "sweep.h5"};
    cr_assert_eq(mkdir(out, 0777), 0, "%s", out);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char path[1200], body[200];
        snprintf(path, sizeof path, "%s/%s", out, names[k]);
        snprintf(body, sizeof body, "the previous run's %s\n", names[k]);
        support_write_file(path, body);
    }
}

/* 1 if process pid has `path` open (or is gone: 0 then). */
static int has_open(pid_t pid, const char *path)
{
    char dir[64], link[300], target[1200];
    snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *de;
    int found = 0;
    while (!found && (de = readdir(d)) != NULL) {
        snprintf(link, sizeof link, "%s/%s", dir, de->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            found = strcmp(target, path) == 0;
        }
    }
    closedir(d);
    return found;
}

/* The FIFO's writer: the first reader gets `first`, every later one
 * `then` (until the parent kills it).  Each reader gets its text alone:
 * the writer opens the pipe again only once `reader` has closed it (a
 * writer that reopened at once would add the next text to the same
 * stream); it waits on those states, polling, never on a time. */
static pid_t fifo_writer(const char *path, const char *first, size_t len,
                         const char *then, pid_t reader)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        for (int k = 0;; k++) {
            int fd = open(path, O_WRONLY);
            if (fd < 0)
                _exit(1);
            const char *b = k == 0 ? first : then;
            size_t n = k == 0 ? len : strlen(then);
            if (write(fd, b, n) < 0) {
                /* the reader left early: fine */
            }
            /* the reader's open may return after ours: see its fd before
             * closing (it cannot see the end of the text, so it cannot
             * close first), then wait until it has closed */
            struct timespec ms = {0, 1000000};
            while (!has_open(reader, path) && kill(reader, 0) == 0)
                nanosleep(&ms, NULL);
            close(fd);
            while (has_open(reader, path))
                nanosleep(&ms, NULL);
        }
    }
    return pid;
}

/* The argv of case c: argv[0..] into argv, strings in store. */
static int case_argv(const Ctx *x, const Case *c, const char *file,
                     const char *out, const char **argv, char store[][1200])
{
    const char *w = c->what;
    int argc = 0, plain = 0;
    argv[argc++] = "simsrv";
    if (strncmp(w, "cli:", 4) == 0) {
        plain = 1;
    } else if (strncmp(w, "catalog:", 8) == 0) {
        argv[argc++] = "catalog";
        plain = 1;
    } else if (strncmp(w, "calibrate:", 10) == 0) {
        argv[argc++] = "calibrate";
        plain = 1;
    } else if (strncmp(w, "merge:", 6) == 0) {
        argv[argc++] = "merge"; /* merge has no --quiet */
        argv[argc++] = file;
        argv[argc++] = "--out";
        argv[argc++] = out;
    } else {
        int sweep = strncmp(w, "sweep:", 6) == 0;
        int opt = strncmp(w, "optimize:", 9) == 0;
        argv[argc++] = sweep ? "sweep" : opt ? "optimize" : "run";
        argv[argc++] = file;
        argv[argc++] = "--quiet";
        argv[argc++] = "--out";
        argv[argc++] = out;
        if (sweep || opt) {
            argv[argc++] = "--threads";
            argv[argc++] = "1";
        }
    }
    (void)plain;
    for (int k = 0; k < 6 && c->arg[k] != NULL; k++) {
        expand_all(x, c->arg[k], store[k], sizeof store[k]);
        argv[argc++] = store[k];
    }
    argv[argc] = NULL;
    return argc;
}

/* 1 if got equals want, where "%X" in want stands for 16 hex digits (a
 * sweep plan's hash, which covers the absolute paths in its texts). */
static int same_line(const char *got, const char *want)
{
    while (*want != '\0') {
        if (strncmp(want, "%X", 2) == 0) {
            for (int k = 0; k < 16; k++, got++)
                if (!((*got >= '0' && *got <= '9') ||
                      (*got >= 'a' && *got <= 'f')))
                    return 0;
            want += 2;
        } else if (*got++ != *want++) {
            return 0;
        }
    }
    return *got == '\0';
}

/* Runs case c once over the case's folder as it is: exit 2, its one line,
 * the folder unchanged, and no temporary anywhere in it. */
static void run_once(const Ctx *x, const Case *c, int i, const char *when)
{
    char file[1100], out[1100], err_path[1100], store[6][1200];
    const char *argv[24];
    snprintf(file, sizeof file, "%s/bad.json", x->dir);
    snprintf(out, sizeof out, "%s/results", x->dir);
    snprintf(err_path, sizeof err_path, "%s.stderr", x->dir);
    int argc = case_argv(x, c, file, out, argv, store);
    char fifo[1200] = "";
    if (c->fifo_then != NULL) {
        snprintf(fifo, sizeof fifo, "%s/%s", x->dir, c->files[0].name);
        cr_assert_eq(mkfifo(fifo, 0666), 0, "mkfifo %s", fifo);
    }
    Snap *before = malloc(sizeof *before), *after = malloc(sizeof *after);
    cr_assert(before != NULL && after != NULL);
    snap_take(before, x->dir);
    int gate[2];
    cr_assert_eq(pipe(gate), 0);
    pid_t child = start_child(argc, (char **)argv, x->dir, err_path, gate);
    pid_t writer = 0;
    if (fifo[0] != '\0')
        writer = fifo_writer(fifo, c->files[0].body,
                             c->files[0].len ? c->files[0].len
                                             : strlen(c->files[0].body),
                             c->fifo_then, child);
    close(gate[0]);
    cr_assert_eq(write(gate[1], "g", 1), 1);
    close(gate[1]);
    int status = wait_child(child);
    if (writer > 0) {
        kill(writer, SIGKILL);
        waitpid(writer, NULL, 0);
    }
    snap_take(after, x->dir);
    char err[4096], want[4096];
    read_text(err_path, err, sizeof err);
    fprintf(stderr, "case %d (%s, %s): exit %d: %s", i, c->what, when, status,
            err);
    cr_expect_eq(status, 2, "case %d (%s, %s): exit %d", i, c->what, when,
                 status);
    cr_expect_eq(count_lines(err), 1, "case %d (%s, %s): %d lines: %s", i,
                 c->what, when, count_lines(err), err);
    if (c->want != NULL) {
        expand_all(x, c->want, want, sizeof want - 1);
        strcat(want, "\n");
        cr_expect(same_line(err, want), "case %d (%s, %s):\n  got  %s  want %s",
                  i, c->what, when, err, want);
    }
    char what[200];
    snprintf(what, sizeof what, "case %d (%s, %s)", i, c->what, when);
    snap_expect_same(before, after, what);
    for (int k = 0; k < after->n; k++)
        cr_expect_null(strstr(after->e[k].path, ".tmp"), "%s: %s left", what,
                       after->e[k].path);
    free(before);
    free(after);
}

/* Makes the case's folder and files; 1 if it already holds an output
 * folder (the case's files or its setup made one). */
static int make_case(const Ctx *x, const Case *c, int i)
{
    char file[1100], path[1200];
    snprintf(file, sizeof file, "%s/bad.json", x->dir);
    if (c->scenario == NULL) {
        cr_assert_eq(mkdir(file, 0777), 0);
    } else {
        static char body[1 << 17];
        expand_all(x, c->scenario, body, sizeof body);
        support_write_file(file, body);
    }
    for (int k = c->fifo_then != NULL; k < 6 && c->files[k].name != NULL;
         k++) {
        snprintf(path, sizeof path, "%s/%s", x->dir, c->files[k].name);
        if (c->files[k].body == NULL) {
            cr_assert_eq(mkdir(path, 0777), 0);
        } else {
            static char body[1 << 17];
            const char *b = c->files[k].body;
            size_t len = c->files[k].len;
            if (len == 0) {
                expand_all(x, b, body, sizeof body);
                b = body;
                len = strlen(body);
            }
            write_bytes(path, b, len);
        }
    }
    if (c->setup[0] != NULL) {
        const char *argv[12] = {"simsrv"};
        char store[10][1200];
        int argc = 1;
        for (int k = 0; k < 10 && c->setup[k] != NULL; k++) {
            expand_all(x, c->setup[k], store[k], sizeof store[k]);
            argv[argc++] = store[k];
        }
        argv[argc] = NULL;
        char err_path[1100], err[4096];
        snprintf(err_path, sizeof err_path, "%s.stderr", x->dir);
        int rc = run_child(argc, (char **)argv, x->dir, err_path);
        read_text(err_path, err, sizeof err);
        cr_assert_eq(rc, 0, "case %d (%s): setup failed: %s", i, c->what, err);
    }
    if (c->shell != NULL) {
        char cmd[4096], sh[3000];
        expand_all(x, c->shell, sh, sizeof sh);
        snprintf(cmd, sizeof cmd, "cd '%s' && %s", x->dir, sh);
        cr_assert_eq(system(cmd), 0, "case %d (%s): %s", i, c->what, sh);
    }
    snprintf(path, sizeof path, "%s/results", x->dir);
    return support_dir_entries(path) >= 0;
}

void catalogue_run_case(const Case *c, int i)
{
    Ctx x;
    char tag[32], out[1100];
    snprintf(tag, sizeof tag, "bad%03d", i);
    support_tmpdir(tag, x.dir, sizeof x.dir);
    support_src("models", x.models, sizeof x.models);
    support_src("traces", x.traces, sizeof x.traces);
    snprintf(x.pid, sizeof x.pid, "%ld", (long)getppid());
    snprintf(out, sizeof out, "%s/results", x.dir);
    if (make_case(&x, c, i)) {
        run_once(&x, c, i, "as set up");
        return;
    }
    if (c->fifo_then != NULL) { /* fails mid-run: over a previous set */
        write_previous_set(out);
        run_once(&x, c, i, "over a previous set");
        return;
    }
    run_once(&x, c, i, "no output folder");
    if (support_dir_entries(out) >= 0)
        return; /* reported above */
    write_previous_set(out);
    run_once(&x, c, i, "over a previous set");
}

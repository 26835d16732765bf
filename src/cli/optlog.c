/*
 * optlog.c - the optimiser's run log (see optlog.h).
 *
 * Held in memory as flat arrays over all cells (have, events, values):
 * an optimisation has at most OPT_MAX_RUNS cells, and the replay asks for
 * cells by number, stage after stage.  Files are read whole when the log
 * is opened; only this process appends, to its own shard's file.
 */
#include "optlog.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../util/xalloc.h"

#ifndef SIMSRV_VERSION
#define SIMSRV_VERSION "unknown"
#endif

static unsigned long line_crc(const char *s, size_t len)
{
    return crc32(0L, (const Bytef *)s, (uInt)len);
}

/* Parses one whole data line (no newline) into cell, events and values:
 * 0, or -1 if it is not a row of this log, -2 if its checksum fails. */
static int parse_line(const OptLog *log, char *line, int *cell,
                      uint64_t *events, double *vals)
{
    char *crc_at = strrchr(line, ',');
    if (crc_at == NULL)
        return -1;
    char *end;
    unsigned long want = strtoul(crc_at + 1, &end, 16);
    if (end != crc_at + 9 || *end != '\0')
        return -1;
    if (want != line_crc(line, (size_t)(crc_at - line)))
        return -2;
    *crc_at = '\0';
    char *s = line;
    long c = strtol(s, &end, 10);
    if (*end != ',' || c < 0 || c >= log->n_cells / log->rep_max)
        return -1;
    long r = strtol(end + 1, &end, 10);
    if (*end != ',' || r < 0 || r >= log->rep_max)
        return -1;
    *events = strtoull(end + 1, &end, 10);
    for (int q = 0; q < log->ncol; q++) {
        if (*end != ',')
            return -1;
        vals[q] = strtod(end + 1, &end);
    }
    if (*end != '\0')
        return -1;
    *cell = (int)c * log->rep_max + (int)r;
    return 0;
}

/* Keeps one parsed row; a cell already known must carry the same values. */
static int keep_row(OptLog *log, int cell, uint64_t events, const double *v,
                    const char *path, int lineno, Err *err)
{
    double *x = &log->x[(size_t)cell * (size_t)log->ncol];
    if (log->have[cell]) {
        if (log->events[cell] != events ||
            memcmp(x, v, (size_t)log->ncol * sizeof *v) != 0)
            return err_set(err, SIM_EINPUT, path,
                           "line %d: candidate %d replication %d differs "
                           "from the same run in another shard file "
                           "(another simsrv's?); rerun into a fresh --out",
                           lineno, cell / log->rep_max, cell % log->rep_max);
        return 0;
    }
    log->have[cell] = 1;
    log->events[cell] = events;
    memcpy(x, v, (size_t)log->ncol * sizeof *v);
    log->read++;
    return 0;
}

static void header_text(char *buf, size_t size, const OptPlan *plan,
                        int cells, int k, int K)
{
    snprintf(buf, size,
             "# simsrv-optimize plan=%016" PRIx64 " cells=%d shard=%d/%d "
             "version=%s\n",
             plan->hash, cells, k, K, SIMSRV_VERSION);
}

/* Reads one shard file; valid_bytes: how much of it is whole lines (a torn
 * tail is not read: this shard's is then cut, another's left alone). */
static int read_file(OptLog *log, const OptPlan *plan, const char *path,
                     long *valid_bytes, Err *err)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return err_set(err, SIM_EIO, path, "cannot open: %s",
                       strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, rc = 0;
    double *v = xcalloc((size_t)log->ncol + 1, sizeof *v);
    *valid_bytes = 0;
    while (rc == 0 && (got = getline(&line, &cap, fp)) != -1) {
        lineno++;
        if (line[got - 1] != '\n')
            break; /* torn by a kill, or being written */
        line[got - 1] = '\0';
        if (lineno == 1) {
            uint64_t hash;
            int cells;
            if (sscanf(line, "# simsrv-optimize plan=%" SCNx64 " cells=%d",
                       &hash, &cells) != 2)
                rc = err_set(err, SIM_EINPUT, path,
                             "not a simsrv optimize run log");
            else if (hash != plan->hash || cells != log->n_cells)
                rc = err_set(err, SIM_EINPUT, path,
                             "belongs to another optimisation (plan %016" PRIx64
                             ", this one %016" PRIx64 "); remove it or use "
                             "another --out",
                             hash, plan->hash);
        } else if (lineno > 2) {
            int cell;
            uint64_t events;
            int prc = parse_line(log, line, &cell, &events, v);
            if (prc == -2)
                rc = err_set(err, SIM_EINPUT, path,
                             "line %d: the row does not match its crc32 "
                             "(changed after it was written); delete the "
                             "line to rerun its run, or rerun into a fresh "
                             "--out",
                             lineno);
            else if (prc < 0)
                rc = err_set(err, SIM_EINPUT, path,
                             "line %d: not a row of this optimisation's log",
                             lineno);
            else
                rc = keep_row(log, cell, events, v, path, lineno, err);
        }
        *valid_bytes = ftell(fp);
    }
    free(v);
    free(line);
    fclose(fp);
    if (rc == 0 && lineno < 2 && *valid_bytes > 0)
        rc = err_set(err, SIM_EINPUT, path, "no columns line");
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every shard file of dir but this shard's own, in name order. */
static int read_others(OptLog *log, const OptPlan *plan, const char *dir,
                       const char *own, Err *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return err_set(err, SIM_EIO, dir, "cannot read the folder: %s",
                       strerror(errno));
    char **names = NULL;
    int n = 0, cap = 0, rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int k, K, used = 0;
        if (sscanf(e->d_name, "opt-shard-%d-of-%d.csv%n", &k, &K, &used) !=
                2 ||
            e->d_name[used] != '\0')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            names = xrealloc(names, (size_t)cap * sizeof *names);
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = xmalloc(len);
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, (size_t)n, sizeof *names, cmp_name);
    for (int i = 0; i < n; i++) {
        long valid;
        if (rc == 0 && strcmp(names[i], own) != 0)
            rc = read_file(log, plan, names[i], &valid, err);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Opens this shard's file to append: read (torn tail cut) if it exists,
 * else created with its two header lines. */
static int open_own(OptLog *log, const OptPlan *plan, const char *columns,
                    Err *err)
{
    long valid = 0;
    if (access(log->path, F_OK) == 0) {
        int rc = read_file(log, plan, log->path, &valid, err);
        if (rc < 0)
            return rc;
        if (truncate(log->path, valid) != 0)
            return err_set(err, SIM_EIO, log->path,
                           "cannot cut the torn tail: %s", strerror(errno));
    }
    if (valid > 0) {
        log->fp = fopen(log->path, "a");
    } else if ((log->fp = fopen(log->path, "w")) != NULL) {
        char head[256];
        header_text(head, sizeof head, plan, log->n_cells, log->k, log->K);
        fputs(head, log->fp);
        fprintf(log->fp, "candidate,replication,events,%s,crc32\n", columns);
        fflush(log->fp);
    }
    if (log->fp == NULL)
        return err_set(err, SIM_EIO, log->path, "cannot write: %s",
                       strerror(errno));
    return 0;
}

int optlog_open(OptLog *log, const OptPlan *plan, int ncol,
                const char *columns, const char *dir, int k, int K, Err *err)
{
    memset(log, 0, sizeof *log);
    log->k = k;
    log->K = K;
    log->ncol = ncol;
    log->rep_max = plan->rep_max;
    log->n_cells = plan->n_cand * plan->rep_max;
    log->have = xcalloc((size_t)log->n_cells, 1);
    log->events = xcalloc((size_t)log->n_cells, sizeof *log->events);
    log->x = xcalloc((size_t)log->n_cells * (size_t)ncol, sizeof *log->x);
    log->missing_of = xcalloc((size_t)K, sizeof *log->missing_of);
    log->first_missing = -1;
    const char *stop = getenv("SIMSRV_TEST_STOP_AFTER_CELLS");
    log->stop_after = stop != NULL ? atoi(stop) : -1;
    snprintf(log->path, sizeof log->path, "%s/opt-shard-%d-of-%d.csv", dir, k,
             K);
    int rc = read_others(log, plan, dir, log->path, err);
    if (rc == 0)
        rc = open_own(log, plan, columns, err);
    if (rc < 0)
        optlog_free(log);
    return rc;
}

int optlog_owns(const OptLog *log, int cell)
{
    return cell % log->K == log->k;
}

void optlog_append(OptLog *log, int cell, uint64_t events, const double *row)
{
    char buf[8192];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%d,%d,%" PRIu64,
                                cell / log->rep_max, cell % log->rep_max,
                                events);
    for (int q = 0; q < log->ncol && n < sizeof buf; q++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, ",%.17g", row[q]);
    if (n + 10 < sizeof buf)
        snprintf(buf + n, sizeof buf - n, ",%08lx\n", line_crc(buf, n));
    fputs(buf, log->fp);
    fflush(log->fp);
    log->have[cell] = 1;
    log->events[cell] = events;
    memcpy(&log->x[(size_t)cell * (size_t)log->ncol], row,
           (size_t)log->ncol * sizeof *row);
    if (++log->ran == log->stop_after)
        _exit(137); /* test hook: die like kill -9 */
}

int optlog_close(OptLog *log, Err *err)
{
    int rc = 0;
    if (log->fp != NULL && fclose(log->fp) != 0 && err != NULL)
        rc = err_set(err, SIM_EIO, log->path, "write failed");
    log->fp = NULL;
    return rc;
}

void optlog_free(OptLog *log)
{
    optlog_close(log, NULL);
    free(log->have);
    free(log->events);
    free(log->x);
    free(log->missing_of);
    log->have = NULL;
    log->events = NULL;
    log->x = NULL;
    log->missing_of = NULL;
}

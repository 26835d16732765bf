/*
 * sweep.c - the sweep runner, shard files and the merge (see sweep.h).
 * The only file in simsrv that uses OpenMP.
 *
 * Parallelism is over independent cells: each cell builds its own Worlds
 * (engine, RNG streams seeded from the scenario seed and the cell's
 * replication, metrics) and formats its rows into a private buffer; one
 * critical section appends the buffer to the shard file.  No state is
 * shared inside a run, so a cell's rows do not depend on the thread that
 * ran it or on what ran beside it.  schedule(dynamic, 1): cells differ in
 * cost by orders of magnitude (a point may have 100x the traffic of
 * another).
 *
 * Shard file:
 *   # simsrv-sweep plan=<16 hex> cells=<N> shard=<k>/<K> version=<v>
 *   cell,point,replication,alternative,<metrics...>,crc32
 *   <one row per alternative of a cell, the cell's rows contiguous>
 * Doubles are written with %.17g and so read back exactly.  The last field
 * of a row is zlib's CRC-32 of the row's bytes before its last comma, as 8
 * lowercase hex digits: a digit changed in the middle of a shard (a bad
 * disk, an edit, a copy gone wrong) is refused by the merge and by a
 * resume, naming file and line, instead of flowing into the tables; a
 * torn last line (no newline: a kill in the middle of a write) is still
 * cut by a resume.  A shard without the crc32 column (an older simsrv) is
 * refused by its columns line.  Only shard files carry it: the merged
 * tables are rebuilt from the checked rows.
 */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../config/sweep.h"
#include "../output/sweeptab.h"
#include "../platform/world.h"
#include "../util/atomic_file.h"
#include "../util/csv.h"
#include "../util/outset.h"
#include "../util/xalloc.h"
#include "cmdopts.h"
#include "progress.h"
#include "streams.h"


static void header_line(char *buf, size_t size, const SweepPlan *plan, int k,
                        int K)
{
    snprintf(buf, size,
             "# simsrv-sweep plan=%016" PRIx64 " cells=%d shard=%d/%d "
             "version=%s\n",
             plan->hash, sweep_n_cells(plan), k, K, SIMSRV_VERSION);
}

static void columns_text(char *buf, size_t size, const SweepPlan *plan)
{
    size_t n = (size_t)snprintf(buf, size,
                                "cell,point,replication,alternative");
    for (int m = 0; m < metrics_columns(plan->llm) && n < size; m++)
        n += (size_t)snprintf(buf + n, size - n, ",%s", metric_info[m].name);
    if (n < size)
        snprintf(buf + n, size - n, ",crc32\n");
}

static void columns_line(FILE *fp, const SweepPlan *plan)
{
    char buf[4096];
    columns_text(buf, sizeof buf, plan);
    fputs(buf, fp);
}

/* The checksum of a shard row: CRC-32 (zlib) of its bytes before the
 * ",crc32" field. */
static unsigned long row_crc(const char *row, size_t len)
{
    return crc32(0L, (const Bytef *)row, (uInt)len);
}

/* ---- reading shard files ------------------------------------------ */

/* Where a checked row is: its cell and alternative, the shard file (an
 * index into the caller's list), the byte offset of its line, and where
 * its parsed values are held (-1: not held).  The merge keeps these, 24
 * bytes a row.  While the rows' values fit in ROWS_HELD_BYTES they are
 * also held as parsed (Rows.held), so the four writers take them from
 * memory; past that the writers read them again from the shard files
 * point by point (sweeptab.h, SweepReader), and memory stays 24 bytes a
 * row, not 368, whatever the sweep's size. */
typedef struct RowRef {
    int cell, alt, file, held;
    long off;
} RowRef;

typedef struct Rows {
    RowRef *r;
    int n, cap;
    SweepRow *held; /* [cap] while holding: held[r[i].held] */
    long held_max;  /* rows held at most; 0: none (or no longer) */
} Rows;

enum { ROWS_HELD_BYTES = 32 << 20 };

/* Rows that will hold their parsed values up to ROWS_HELD_BYTES (or
 * SIMSRV_TEST_ROWS_HELD rows: a test hook, so the re-reading path is
 * tested on small sweeps too). */
static Rows rows_holding(void)
{
    Rows rows = {0};
    rows.held_max = (long)(ROWS_HELD_BYTES / sizeof(SweepRow));
    const char *test = getenv("SIMSRV_TEST_ROWS_HELD");
    if (test != NULL)
        rows.held_max = atol(test);
    return rows;
}

/* Stops holding: every row is read again from its file. */
static void rows_unhold(Rows *rows)
{
    for (int i = 0; i < rows->n; i++)
        rows->r[i].held = -1;
    free(rows->held);
    rows->held = NULL;
    rows->held_max = 0;
}

static void rows_push(Rows *rows, const SweepRow *row, int file, long off)
{
    if (rows->held_max > 0 && rows->n >= rows->held_max)
        rows_unhold(rows);
    if (rows->n == rows->cap) {
        rows->cap = rows->cap ? 2 * rows->cap : 1024;
        rows->r = xrealloc(rows->r, (size_t)rows->cap * sizeof *rows->r);
        if (rows->held_max > 0)
            rows->held = xrealloc(rows->held,
                                  (size_t)rows->cap * sizeof *rows->held);
    }
    int h = -1;
    if (rows->held_max > 0) {
        h = rows->n; /* (a dropped partial cell's slots are reused) */
        rows->held[h] = *row;
    }
    rows->r[rows->n++] = (RowRef){row->cell, row->alt, file, h, off};
}

static void rows_free(Rows *rows)
{
    free(rows->r);
    free(rows->held);
}

static int alt_index(const SweepPlan *plan, const char *name)
{
    const Scenario *sc = &plan->points[0];
    for (int a = 0; a < sc->n_alt; a++)
        if (strcmp(sc->alt[a].name, name) == 0)
            return a;
    return -1;
}

enum { ROW_TORN = -1, ROW_CHANGED = -2 };

/* Parses one data line; returns 0, ROW_TORN if it is not a whole row, or
 * ROW_CHANGED if it is a whole line whose checksum does not match. */
static int parse_row(const SweepPlan *plan, char *line, SweepRow *row)
{
    size_t len = strlen(line);
    if (len == 0 || line[len - 1] != '\n')
        return ROW_TORN; /* torn by a kill */
    line[len - 1] = '\0';
    char *crc_at = strrchr(line, ',');
    if (crc_at == NULL)
        return ROW_CHANGED;
    char *crc_end;
    unsigned long want = strtoul(crc_at + 1, &crc_end, 16);
    if (crc_end != crc_at + 9 || *crc_end != '\0' ||
        want != row_crc(line, (size_t)(crc_at - line)))
        return ROW_CHANGED;
    *crc_at = '\0';
    int n_met = metrics_columns(plan->llm);
    for (int m = n_met; m < MET_COUNT; m++)
        row->v[m] = (double)NAN; /* not in the file */
    char *save = NULL, *tok;
    int field = 0;
    for (tok = strtok_r(line, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save), field++) {
        char *end;
        if (field == 0)
            row->cell = (int)strtol(tok, &end, 10);
        else if (field == 1)
            row->point = (int)strtol(tok, &end, 10);
        else if (field == 2)
            row->rep = (int)strtol(tok, &end, 10);
        else if (field == 3) {
            row->alt = alt_index(plan, tok);
            end = tok + strlen(tok);
            if (row->alt < 0)
                return -1;
        } else if (field - 4 < n_met) {
            row->v[field - 4] = strtod(tok, &end);
        } else {
            return -1;
        }
        if (*end != '\0')
            return -1;
    }
    if (field != 4 + n_met || row->cell < 0 ||
        row->cell >= sweep_n_cells(plan) ||
        row->point != row->cell / plan->replications ||
        row->rep != row->cell % plan->replications)
        return -1;
    return 0;
}

/* Reads a shard file's rows.  `strict`: any malformed line is an error
 * (merge); otherwise a torn tail is tolerated (resume).  Returns the number
 * of rows kept or a negative error; `valid_bytes` is how much of the file
 * holds complete cells. */
static int read_shard(const SweepPlan *plan, const char *path, int file,
                      int strict, int *k_out, int *K_out, Rows *rows,
                      long *valid_bytes, Err *err)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return err_set(err, SIM_EIO, path, "cannot open: %s",
                       strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, rc = 0, n_alt = plan->points[0].n_alt;
    int cell_start = rows->n;
    long cell_start_bytes = 0;
    *valid_bytes = 0;
    for (;;) {
        long at = ftell(fp);
        if ((got = getline(&line, &cap, fp)) == -1)
            break;
        lineno++;
        if (lineno == 1) {
            uint64_t hash;
            int cells, k, K;
            if (sscanf(line, "# simsrv-sweep plan=%" SCNx64 " cells=%d "
                             "shard=%d/%d",
                       &hash, &cells, &k, &K) != 4) {
                rc = err_set(err, SIM_EINPUT, path,
                             "not a simsrv sweep shard file");
                break;
            }
            if (hash != plan->hash || cells != sweep_n_cells(plan)) {
                rc = err_set(err, SIM_EINPUT, path,
                             "belongs to another sweep plan (plan %016" PRIx64
                             ", this one %016" PRIx64 "); remove it or use "
                             "another --out",
                             hash, plan->hash);
                break;
            }
            *k_out = k;
            *K_out = K;
            *valid_bytes = ftell(fp);
            cell_start_bytes = *valid_bytes;
            continue;
        }
        if (lineno == 2) {
            char want[4096];
            columns_text(want, sizeof want, plan);
            if (strcmp(line, want) != 0) {
                rc = err_set(err, SIM_EINPUT, path,
                             "line 2: not the columns of this simsrv's "
                             "shard files (an older version's?); remove it "
                             "or use another --out");
                break;
            }
            *valid_bytes = ftell(fp);
            cell_start_bytes = *valid_bytes;
            continue; /* column names */
        }
        SweepRow row;
        memset(&row, 0, sizeof row);
        int prc = parse_row(plan, line, &row);
        if (prc == ROW_CHANGED) {
            rc = err_set(err, SIM_EINPUT, path,
                         "line %d: the row does not match its crc32 (changed "
                         "after it was written); delete the line to rerun "
                         "its cell, or rerun into a fresh --out",
                         lineno);
            break;
        }
        if (prc < 0) {
            if (strict) {
                rc = err_set(err, SIM_EINPUT, path,
                             "line %d: not a complete row of this sweep",
                             lineno);
                break;
            }
            break; /* a torn tail: drop it and the partial cell */
        }
        if (rows->n > cell_start && rows->r[cell_start].cell != row.cell) {
            if (rows->n - cell_start != n_alt)
                break; /* the previous cell is incomplete */
            cell_start = rows->n;
            cell_start_bytes = *valid_bytes;
        }
        if (row.alt != rows->n - cell_start) {
            if (strict) {
                rc = err_set(err, SIM_EINPUT, path,
                             "line %d: rows of cell %d out of order", lineno,
                             row.cell);
                break;
            }
            break;
        }
        rows_push(rows, &row, file, at);
        *valid_bytes = ftell(fp);
    }
    if (rc == 0 && rows->n > cell_start && rows->n - cell_start != n_alt) {
        if (strict)
            rc = err_set(err, SIM_EINPUT, path, "cell %d is incomplete",
                         rows->r[cell_start].cell);
        rows->n = cell_start; /* drop the partial cell */
        *valid_bytes = cell_start_bytes;
    }
    if (rc == 0 && lineno < 2)
        rc = err_set(err, SIM_EINPUT, path, "empty shard file");
    free(line);
    fclose(fp);
    return rc < 0 ? rc : rows->n;
}

/* ---- running cells ------------------------------------------------ */

typedef struct Buf {
    char *s;
    size_t n, cap;
} Buf;

static void buf_printf(Buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void buf_printf(Buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        /* no pointer arithmetic on a still-NULL buffer (UB even + 0) */
        int need = vsnprintf(b->s ? b->s + b->n : NULL, b->cap - b->n, fmt,
                             ap);
        va_end(ap);
        if (need >= 0 && (size_t)need < b->cap - b->n) {
            b->n += (size_t)need;
            return;
        }
        b->cap = b->cap * 2 + (size_t)need + 64;
        b->s = xrealloc(b->s, b->cap);
    }
}

/* The points' scenarios while their cells run.  A small sweep's points
 * were kept by sweep_load, which checked them (plan->points_held: all of
 * them), and are used as they are.  Otherwise a point is built when
 * its first cell of this run starts and freed when its last one ends.
 * Cells start in index order, point after point, so the cells started are
 * a prefix of the list: a point is held only while one of its cells is in
 * flight or it straddles the prefix's end -- at most threads + 1 points
 * besides point 0 (the plan's), some 100 KB each, never all of a
 * 10^6-point grid -- and each point is built once per run.  Building
 * shares the plan's pricing catalog (and may replace it), hence the
 * critical section; a failure (a file changed since the sweep was
 * checked) is kept and its cells are not run. */
typedef struct Points {
    Scenario **sc; /* [n_points]: held points, NULL otherwise */
    int *left;     /* [n_points]: cells of the point still to run */
    int held, most_held;
    int failed;
    Err err;       /* the first failure */
} Points;

static void points_init(Points *pts, const SweepPlan *plan, const int *todo,
                        int n_todo)
{
    memset(pts, 0, sizeof *pts);
    pts->sc = xcalloc((size_t)plan->n_points, sizeof *pts->sc);
    pts->left = xcalloc((size_t)plan->n_points, sizeof *pts->left);
    for (int i = 0; i < n_todo; i++)
        pts->left[todo[i] / plan->replications]++;
    err_clear(&pts->err);
}

static void points_fini(Points *pts)
{
    free(pts->sc);
    free(pts->left);
}

/* sweep_load's check of the points, on the run's threads (every point is
 * built once to check it: a tenth of a small sweep's time, serial).  A
 * few points (a check takes about 0.3 ms) are checked here, without
 * starting the threads: a sweep refused right after its check (a bad
 * point, a held lock) then exits as before, its threads never started. */
#define EACH_PARALLEL_MIN 32

/* --threads for the check (0: the runtime's default), set before
 * sweep_load_each.  The OpenMP runtime is first touched in each_omp, not
 * before the sweep's lock is taken: a process refused at its lock with
 * the runtime up (omp_set_num_threads had been called) crashed
 * LeakSanitizer's exit check in the clang sanitizer pass. */
static int check_threads;

static void each_omp(int from, int to, SweepBody body, void *ctx)
{
    if (check_threads > 0)
        omp_set_num_threads(check_threads);
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = from; i < to; i++)
        body(ctx, i);
}

static void each_parallel(int from, int to, SweepBody body, void *ctx)
{
    if (to - from >= EACH_PARALLEL_MIN)
        each_omp(from, to, body, ctx);
    else
        sweep_each_serial(from, to, body, ctx);
}

static const Scenario *point_acquire(const SweepPlan *plan, Points *pts,
                                     int p)
{
    if (p < plan->points_held) /* kept since sweep_load checked it */
        return &plan->points[p];
    const Scenario *sc;
#pragma omp critical(sweep_points)
    {
        if (pts->sc[p] == NULL) {
            Scenario *built = xmalloc(sizeof *built);
            Err err;
            if (sweep_point_load(plan, p, built, &err) == 0) {
                pts->sc[p] = built;
                if (++pts->held > pts->most_held)
                    pts->most_held = pts->held;
            } else {
                free(built);
                if (!pts->failed++)
                    pts->err = err;
            }
        }
        sc = pts->sc[p];
    }
    return sc;
}

static void point_release(const SweepPlan *plan, Points *pts, int p)
{
    if (p < plan->points_held)
        return;
#pragma omp critical(sweep_points)
    {
        if (--pts->left[p] == 0 && pts->sc[p] != NULL) {
            scenario_free(pts->sc[p]);
            free(pts->sc[p]);
            pts->sc[p] = NULL;
            pts->held--;
        }
    }
}

/* One run of alternative a of a point's scenario, replication rep. */
static void run_one(const Scenario *sc, int a, int rep, RunResult *res)
{
    RunConfig rc;
    memset(&rc, 0, sizeof rc);
    rc.alt = &sc->alt[a];
    rc.wl = &sc->workload;
    rc.seed = sc->seed;
    rc.rep = (uint32_t)rep;
    rc.horizon = time_from_s(sc->horizon_s);
    rc.slo = time_from_s(sc->slo_ms * 1e-3);
    rc.slo_ttft = time_from_s(sc->slo_ttft_ms * 1e-3);
    rc.slo_tpot = time_from_s(sc->slo_tpot_ms * 1e-3);
    rc.warmup = sc->warmup;
    world_run(&rc, res);
}

/* Runs every alternative of one cell of scenario sc; appends its rows to
 * b.  Returns the events the cell dispatched (for the progress line). */
static uint64_t run_cell(const SweepPlan *plan, const Scenario *sc, int cell,
                         Buf *b)
{
    uint64_t events = 0;
    int point = cell / plan->replications, rep = cell % plan->replications;
    for (int a = 0; a < sc->n_alt; a++) {
        RunResult res;
        run_one(sc, a, rep, &res);
        events += res.events;
        size_t row0 = b->n;
        buf_printf(b, "%d,%d,%d,%s", cell, point, rep, sc->alt[a].name);
        for (int m = 0; m < metrics_columns(plan->llm); m++) {
            char num[CSV_NUM_MAX];
            csv_num(num, sizeof num, res.v[m]);
            buf_printf(b, ",%s", num);
        }
        buf_printf(b, ",%08lx\n", row_crc(b->s + row0, b->n - row0));
    }
    return events;
}

/* What the progress line weighs a cell by (config/sweep.c). */
static double cell_work(const SweepPlan *plan, int cell)
{
    return plan->work[cell / plan->replications];
}

/* ---- merge -------------------------------------------------------- */

/* Orders the merge's row references by cell, then alternative. */
static int cmp_row(const void *x, const void *y)
{
    const RowRef *a = x, *b = y;
    if (a->cell != b->cell)
        return (a->cell > b->cell) - (a->cell < b->cell);
    return (a->alt > b->alt) - (a->alt < b->alt);
}

/* Writes the tables into dir and, once they are written, prints the
 * short summary on `summary` (sweeptab_print_summary). */
enum { SUMMARY_ROWS = 12 };

/* The rows of the tables, read again from the shard files point by point
 * (sweeptab.h, SweepReader): rows holds every cell's refs, sorted by cell
 * and alternative, so point p's are rows->r[p R A .. (p + 1) R A). */
typedef struct ShardRows {
    const SweepPlan *plan;
    char *const *files;
    const Rows *rows;
} ShardRows;

typedef struct ShardCursor {
    const ShardRows *src;
    int nf;
    FILE **fp;  /* one per file, opened when first read */
    long *pos;  /* where each one is (rows mostly follow each other) */
    char *line;
    size_t cap;
} ShardCursor;

static void *shard_cursor_open(const void *arg)
{
    const ShardRows *src = arg;
    ShardCursor *c = xcalloc(1, sizeof *c);
    int nf = 0;
    for (int i = 0; i < src->rows->n; i++)
        nf = src->rows->r[i].file >= nf ? src->rows->r[i].file + 1 : nf;
    c->src = src;
    c->nf = nf;
    c->fp = xcalloc((size_t)nf + 1, sizeof *c->fp);
    c->pos = xcalloc((size_t)nf + 1, sizeof *c->pos);
    return c;
}

static int shard_cursor_point(void *cursor, int p, SweepRow *out, Err *err)
{
    ShardCursor *c = cursor;
    const SweepPlan *plan = c->src->plan;
    int n_alt = plan->points[0].n_alt;
    int per = plan->replications * n_alt;
    const Rows *rows = c->src->rows;
    const RowRef *ref = &rows->r[(size_t)p * (size_t)per];
    for (int i = 0; i < per; i++, ref++) {
        const char *path = c->src->files[ref->file];
        SweepRow row;
        memset(&row, 0, sizeof row);
        int parsed = 0;
        if (ref->held >= 0) {
            row = rows->held[ref->held];
            parsed = 1;
        } else {
            FILE **fp = &c->fp[ref->file];
            if (*fp == NULL && (*fp = fopen(path, "r")) == NULL)
                return err_set(err, SIM_EIO, path, "cannot open again: %s",
                               strerror(errno));
            if (c->pos[ref->file] != ref->off &&
                fseek(*fp, ref->off, SEEK_SET) != 0)
                return err_set(err, SIM_EIO, path, "cannot seek: %s",
                               strerror(errno));
            ssize_t got = getline(&c->line, &c->cap, *fp);
            c->pos[ref->file] = ref->off + (got > 0 ? got : 0);
            parsed = got > 0 && parse_row(plan, c->line, &row) == 0;
        }
        /* each row goes where its own cell and alternative put it in
         * the point's (replication, alternative) order */
        int slot = -1;
        if (parsed && row.cell == ref->cell && row.alt == ref->alt)
            slot = (row.cell - p * plan->replications) * n_alt + row.alt;
        if (slot < 0 || slot >= per)
            return err_set(err, SIM_EINPUT, path,
                           "changed while it was merged (byte %ld)",
                           ref->off);
        out[slot] = row;
    }
    return 0;
}

static void shard_cursor_close(void *cursor)
{
    ShardCursor *c = cursor;
    for (int i = 0; i < c->nf; i++)
        if (c->fp[i] != NULL)
            fclose(c->fp[i]);
    free(c->fp);
    free(c->pos);
    free(c->line);
    free(c);
}

static int write_tables(const SweepPlan *plan, const char *dir,
                        char *const *files, Rows *rows, FILE *summary,
                        Err *err)
{
    qsort(rows->r, (size_t)rows->n, sizeof *rows->r, cmp_row);
    const Scenario *sc0 = &plan->points[0];
    const char **names = xcalloc((size_t)sc0->n_alt, sizeof *names);
    for (int a = 0; a < sc0->n_alt; a++)
        names[a] = sc0->alt[a].name;
    ShardRows src = {plan, files, rows};
    SweepReader reader = {shard_cursor_open, shard_cursor_point,
                          shard_cursor_close, &src};
    SweepTable t = {plan->name,           SIMSRV_VERSION,
                    plan->hash,           plan->sweep_text,
                    sc0->json_text,       sc0->seed,
                    plan->n_params,       (const char(*)[128])plan->param,
                    plan->n_points,       plan->value,
                    sc0->n_alt,           names,
                    plan->replications,   NULL,
                    &reader,              plan->llm};
    /* The four outputs are independent: write them side by side (the HDF5
     * file, the slowest, on its own thread), each complete under its
     * temporary name; rename all four only once all are complete
     * (util/outset.h).  Each writer has its own Err; the first failure in
     * file order is reported. */
    struct {
        const char *file;
        int (*write)(FILE *, const SweepTable *, Err *);
    } tables[] = {{"cells.csv", sweeptab_write_cells},
                  {"points.csv", sweeptab_write_points},
                  {"diffs.csv", sweeptab_write_diffs}};
    enum { NOUT = 4 };
    int rcs[NOUT] = {0, 0, 0, 0};
    Err errs[NOUT];
    AtomicFile afs[3];
    char h5_path[1200], h5_tmp[1300];
    for (int i = 0; i < NOUT; i++)
        err_clear(&errs[i]);
    snprintf(h5_path, sizeof h5_path, "%s/sweep.h5", dir);
    outset_tmp_name(h5_tmp, sizeof h5_tmp, h5_path);
#pragma omp parallel sections
    {
#pragma omp section
        {
#ifdef SIMSRV_HAVE_HDF5
            rcs[3] = sweeptab_write_h5(h5_tmp, &t, &errs[3]);
            if (rcs[3] < 0)
                snprintf(errs[3].where, sizeof errs[3].where, "%s", h5_path);
#endif
        }
#pragma omp section
        {
            for (int i = 0; i < 3; i++) {
                char path[1200];
                snprintf(path, sizeof path, "%s/%s", dir, tables[i].file);
                if ((rcs[i] = atomic_file_open(&afs[i], path, &errs[i])) < 0)
                    break;
                if ((rcs[i] = tables[i].write(afs[i].fp, &t, &errs[i])) <
                    0) {
                    atomic_file_abort(&afs[i]);
                    break;
                }
                if ((rcs[i] = atomic_file_finish(&afs[i], &errs[i])) < 0)
                    break;
            }
        }
    }
    int rc = 0;
    for (int i = 0; i < NOUT && rc == 0; i++)
        if (rcs[i] < 0) {
            rc = rcs[i];
            *err = errs[i];
        }
    OutSet set;
    outset_init(&set);
    for (int i = 0; i < 3 && rcs[i] == 0; i++) /* the complete ones */
        outset_add(&set, afs[i].tmp, afs[i].path);
#ifdef SIMSRV_HAVE_HDF5
    if (rcs[3] == 0)
        outset_add(&set, h5_tmp, h5_path);
#endif
    if (rc == 0)
        rc = outset_commit(&set, err);
    else
        outset_abort(&set);
    if (rc == 0) {
        sweeptab_print_summary(summary, &t, SUMMARY_ROWS, dir);
        fputc('\n', summary);
    }
    free(names);
    return rc;
}

/* Checks that rows hold every cell exactly once (rows sorted by cell). */
static int check_complete(const SweepPlan *plan, Rows *rows,
                          const char *where, Err *err)
{
    int n_alt = plan->points[0].n_alt, cells = sweep_n_cells(plan);
    qsort(rows->r, (size_t)rows->n, sizeof *rows->r, cmp_row);
    int missing = 0, first_missing = -1, i = 0;
    for (int c = 0; c < cells; c++) {
        int n = 0;
        while (i < rows->n && rows->r[i].cell == c) {
            n++;
            i++;
        }
        if (n > n_alt)
            return err_set(err, SIM_EINPUT, where,
                           "cell %d appears %d times (it is in more than one "
                           "shard file)",
                           c, n / n_alt);
        if (n == 0) {
            if (first_missing < 0)
                first_missing = c;
            missing++;
        }
    }
    if (missing > 0)
        return err_set(err, SIM_EINPUT, where,
                       "%d of %d cells are missing (the first is cell %d): "
                       "run the shards that hold them",
                       missing, cells, first_missing);
    return 0;
}

/* The shard count K of a file named .../shard-k-of-K.csv (0 if not). */
static int shard_count_of(const char *path)
{
    const char *base = strrchr(path, '/');
    int k, K;
    base = base ? base + 1 : path;
    return sscanf(base, "shard-%d-of-%d.csv", &k, &K) == 2 ? K : 0;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* Merge: finds a cell that two shard files (or one file twice) hold, and
 * says which files and what to do.  files[i]'s rows are rows->r[start[i]
 * .. start[i + 1]), in file order (before any sort). */
static int check_duplicates(const SweepPlan *plan, const Rows *rows,
                            char **files, const int *start, int nf,
                            const char *dir, Err *err)
{
    int cells = sweep_n_cells(plan), rc = 0;
    int *owner = xmalloc((size_t)cells * sizeof *owner);
    for (int c = 0; c < cells; c++)
        owner[c] = -1;
    for (int f = 0; f < nf && rc == 0; f++)
        for (int i = start[f]; i < start[f + 1] && rc == 0; i++) {
            const RowRef *r = &rows->r[i];
            if (r->alt != 0)
                continue; /* one row per cell is enough */
            int o = owner[r->cell];
            owner[r->cell] = f;
            if (o < 0)
                continue;
            int Ka = shard_count_of(files[o]), Kb = shard_count_of(files[f]);
            if (o == f)
                rc = err_set(err, SIM_EINPUT, files[f],
                             "cell %d appears twice in this file (two runs "
                             "appended to it?): rerun into a fresh --out",
                             r->cell);
            else if (Ka != Kb)
                rc = err_set(err, SIM_EINPUT, dir,
                             "cell %d is in both %s and %s: runs with "
                             "different shard counts (%d and %d) wrote here; "
                             "remove the stale run's files (shard-*-of-%d.csv "
                             "or shard-*-of-%d.csv) or rerun into a fresh "
                             "--out",
                             r->cell, base_name(files[o]), base_name(files[f]),
                             Ka, Kb, Ka, Kb);
            else
                rc = err_set(err, SIM_EINPUT, dir,
                             "cell %d is in both %s and %s (a shard file "
                             "copied or renamed?): remove the stale one or "
                             "rerun into a fresh --out",
                             r->cell, base_name(files[o]),
                             base_name(files[f]));
        }
    free(owner);
    return rc;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The shard files in dir (sorted, so messages are stable). */
static int list_shards(const char *dir, char ***out, int *n, Err *err)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return err_set(err, SIM_EINPUT, dir, "cannot read the directory: %s",
                       strerror(errno));
    struct dirent *e;
    int cap = 0;
    while ((e = readdir(d)) != NULL) {
        int k, K, used = 0;
        if (sscanf(e->d_name, "shard-%d-of-%d.csv%n", &k, &K, &used) != 2 ||
            e->d_name[used] != '\0')
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        (*out)[*n] = xmalloc(len);
        snprintf((*out)[*n], len, "%s/%s", dir, e->d_name);
        (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(*out, (size_t)*n, sizeof **out, cmp_str);
    return 0;
}

int merge_cmd(int argc, char **argv, FILE *out, FILE *errf)
{
    Streams st = {out, errf};
    const char *file = NULL;
    CmdOpts co = {0, NULL, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        int took;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs("usage: simsrv merge SWEEP_FILE [--out DIR] [--threads N] "
                  "[--quiet]\n\n"
                  "Reads DIR/shard-*-of-*.csv (default results/<name>), checks "
                  "that every\ncell of the sweep is present exactly once, and "
                  "writes cells.csv,\npoints.csv, diffs.csv and sweep.h5.  "
                  "--threads and --quiet are the\nsweep's (the points are "
                  "checked on N threads; there is no progress\nline).\n",
                  out);
            return 0;
        } else if ((took = cmdopts_take(&st, "merge", argc, argv, &i,
                                        CMDOPT_ALL & ~CMDOPT_SHARD, &co)) !=
                   0) {
            if (took == 2)
                return 2;
        } else if (argv[i][0] == '-') {
            return cmdopts_usage(&st, "merge", "unknown option '%s'", argv[i]);
        } else if (file == NULL) {
            file = argv[i];
        } else {
            return cmdopts_usage(&st, "merge",
                                 "more than one sweep file ('%s')", argv[i]);
        }
    }
    if (file == NULL)
        return cmdopts_usage(&st, "merge", "no sweep file given%s", "");
    const char *dir_arg = co.out_dir;
    check_threads = co.threads;
    Err err;
    err_clear(&err);
    SweepPlan plan;
    /* its points are checked as the sweep's are, on the default threads */
    if (sweep_load_each(file, NULL, each_parallel, &plan, &err) < 0)
        return cli_fail(&st, &err);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", dir_arg ? dir_arg : "");
    if (dir_arg == NULL)
        snprintf(dir, sizeof dir, "results/%s", plan.name);
    char **files = NULL;
    int nf = 0, rc = 0, *start = NULL;
    Rows rows = rows_holding(); /* the tables are written from them */
    char lock[1100] = "";
    if ((rc = sweeptab_h5_ready(dir, &err)) < 0)
        goto done;
    if ((rc = list_shards(dir, &files, &nf, &err)) < 0)
        goto done;
    if ((rc = outset_lock(dir, lock, sizeof lock, &err)) < 0)
        goto done;
    outset_remove_stale(dir);
    if (nf == 0) {
        rc = err_set(&err, SIM_EINPUT, dir, "no shard-*-of-*.csv files here");
        goto done;
    }
    start = xmalloc(((size_t)nf + 1) * sizeof *start);
    for (int i = 0; i < nf && rc >= 0; i++) {
        int k, K;
        long valid;
        start[i] = rows.n;
        rc = read_shard(&plan, files[i], i, 1, &k, &K, &rows, &valid, &err);
        start[i + 1] = rows.n;
    }
    if (rc >= 0)
        rc = check_duplicates(&plan, &rows, files, start, nf, dir, &err);
    if (rc >= 0)
        rc = check_complete(&plan, &rows, dir, &err);
    if (rc >= 0)
        rc = write_tables(&plan, dir, files, &rows, out, &err);
    if (rc >= 0)
        fprintf(out, "merged %d cells from %d shard files into "
                     "%s/{cells,points,diffs}.csv\n",
                sweep_n_cells(&plan), nf, dir);
done:
    outset_unlock(lock);
    for (int i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    free(start);
    rows_free(&rows);
    sweep_free(&plan);
    return rc < 0 ? cli_fail(&st, &err) : 0;
}

/* ---- sweep ---------------------------------------------------------- */

int sweep_cmd(int argc, char **argv, FILE *out, FILE *errf)
{
    Streams st = {out, errf};
    const char *file = NULL;
    CmdOpts co = {0, NULL, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int took;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs("usage: simsrv sweep SWEEP_FILE [--threads N] [--out DIR]\n"
                  "                    [--shard k/K] [--quiet]\n\n"
                  "Runs every cell (point x replication) of the sweep, with N\n"
                  "OpenMP threads (default: OMP_NUM_THREADS or all cores), into\n"
                  "DIR/shard-k-of-K.csv (default results/<name>, shard 0/1).\n"
                  "A rerun resumes: finished cells are skipped (and counted).\n"
                  "Unsharded runs then write cells.csv, points.csv (means, 95%\n"
                  "t-intervals), diffs.csv (paired differences against the\n"
                  "first alternative) and sweep.h5, and print a short table of\n"
                  "the points.  Progress (stderr; not with --quiet) weighs each\n"
                  "cell by its expected arrivals.  Sharded runs (--shard, or\n"
                  "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT) leave that to\n"
                  "'simsrv merge SWEEP_FILE --out DIR'.  The tables are the same\n"
                  "bytes for any thread count and any sharding.\n",
                  out);
            return 0;
        } else if ((took = cmdopts_take(&st, "sweep", argc, argv, &i,
                                        CMDOPT_ALL, &co)) != 0) {
            if (took == 2)
                return 2;
        } else if (a[0] == '-') {
            return cmdopts_usage(&st, "sweep", "unknown option '%s'", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return cmdopts_usage(&st, "sweep",
                                 "more than one sweep file ('%s')", a);
        }
    }
    if (file == NULL)
        return cmdopts_usage(&st, "sweep", "no sweep file given%s", "");
    if (cmdopts_slurm_shard(&st, "sweep", &co) != 0)
        return 2;
    const char *dir_arg = co.out_dir;
    int threads = co.threads, quiet = co.quiet;
    int k = co.shard_k, K = co.shard_K > 0 ? co.shard_K : 1;

    Err err;
    err_clear(&err);
    SweepPlan plan;
    check_threads = threads;
    if (sweep_load_each(file, NULL, each_parallel, &plan, &err) < 0)
        return cli_fail(&st, &err);
    char dir[1024], path[1200], head[256];
    if (dir_arg != NULL)
        snprintf(dir, sizeof dir, "%s", dir_arg);
    else
        snprintf(dir, sizeof dir, "results/%s", plan.name);
    int rc = 0;
    Rows done_rows = {0};
    FILE *fp = NULL;
    char *done = NULL;
    int *todo = NULL;
    char lock[1100] = "";
    /* (an unsharded sweep ends writing sweep.h5: its library is loaded
     * before any cell runs, so a missing one costs no run) */
    if (K == 1 && (rc = sweeptab_h5_ready(dir, &err)) < 0)
        goto out;
    if ((rc = mkdir_p(dir, &err)) < 0)
        goto out;
    /* An unsharded sweep writes the folder's tables: it takes the folder's
     * lock.  A shard writes only its own file, beside the other shards
     * (running at once, perhaps on other machines): it locks that file,
     * and leaves temporaries alone -- a PID of another host may look dead
     * here. */
    if (K == 1) {
        if ((rc = outset_lock(dir, lock, sizeof lock, &err)) < 0)
            goto out;
        outset_remove_stale(dir);
    } else {
        char name[96];
        snprintf(name, sizeof name, ".shard-%d-of-%d.lock", k, K);
        if ((rc = outset_lock_named(dir, name, lock, sizeof lock, &err)) < 0)
            goto out;
    }
    snprintf(path, sizeof path, "%s/shard-%d-of-%d.csv", dir, k, K);
    header_line(head, sizeof head, &plan, k, K);

    /* Resume: keep the complete cells, cut a torn tail. */
    int cells = sweep_n_cells(&plan);
    done = xcalloc((size_t)cells, 1);
    if (access(path, F_OK) == 0) {
        int fk, fK;
        long valid;
        if ((rc = read_shard(&plan, path, 0, 0, &fk, &fK, &done_rows, &valid,
                             &err)) < 0)
            goto out;
        if (fk != k || fK != K) {
            rc = err_set(&err, SIM_EINPUT, path, "is shard %d/%d, not %d/%d",
                         fk, fK, k, K);
            goto out;
        }
        if (truncate(path, valid) != 0) {
            rc = err_set(&err, SIM_EIO, path, "cannot cut the torn tail: %s",
                         strerror(errno));
            goto out;
        }
        for (int i = 0; i < done_rows.n; i++)
            done[done_rows.r[i].cell] = 1;
        fp = fopen(path, "a");
    } else {
        fp = fopen(path, "w");
        if (fp != NULL) {
            fputs(head, fp);
            columns_line(fp, &plan);
            fflush(fp);
        }
    }
    if (fp == NULL) {
        rc = err_set(&err, SIM_EIO, path, "cannot write: %s", strerror(errno));
        goto out;
    }
    int n_todo = 0, in_shard = 0;
    double total_work = 0, done_work = 0;
    todo = xcalloc((size_t)(cells / K + 2), sizeof *todo);
    for (int c = k; c < cells; c += K, in_shard++)
        if (!done[c]) {
            todo[n_todo++] = c;
            total_work += cell_work(&plan, c);
        }
    if (n_todo < in_shard) {
        char note[1400];
        progress_resume_note(note, sizeof note, path, in_shard - n_todo,
                             in_shard);
        fprintf(out, "%s\n", note);
    }

    if (threads > 0)
        omp_set_num_threads(threads);
    const char *stop_env = getenv("SIMSRV_TEST_STOP_AFTER_CELLS");
    int stop_after = stop_env ? atoi(stop_env) : -1;
    Progress prog;
    progress_init(&prog, errf, !quiet);
    int written = 0;
    uint64_t events = 0;
    double t0 = progress_now_s();
    Points pts;
    points_init(&pts, &plan, todo, n_todo);
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < n_todo; i++) {
        Buf b = {NULL, 0, 0};
        int point = todo[i] / plan.replications;
        const Scenario *sc = point_acquire(&plan, &pts, point);
        uint64_t cell_events = sc ? run_cell(&plan, sc, todo[i], &b) : 0;
        point_release(&plan, &pts, point);
#pragma omp critical(sweep_write)
        {
            if (b.n > 0)
                fwrite(b.s, 1, b.n, fp);
            fflush(fp);
            written++;
            events += cell_events;
            done_work += cell_work(&plan, todo[i]);
            if (stop_after >= 0 && written >= stop_after)
                _exit(137); /* test hook: die like kill -9 */
            double now = progress_now_s();
            if (progress_due(&prog, now)) {
                char line[256];
                double dt = now - t0;
                progress_sweep_line(line, sizeof line, written, n_todo,
                                    done_work, total_work,
                                    dt > 0 ? (double)events / dt : 0.0, dt);
                progress_show(&prog, now, line);
            }
        }
        free(b.s);
    }
    progress_clear(&prog);
    if (getenv("SIMSRV_TEST_POINTS_HELD") != NULL) /* test hook */
        fprintf(errf, "points held at once: %d\n", pts.most_held);
    if (pts.failed) {
        err = pts.err;
        rc = -SIM_EINPUT;
    }
    points_fini(&pts);
    if (fclose(fp) != 0 && rc == 0)
        rc = err_set(&err, SIM_EIO, path, "write failed");
    fp = NULL;
    if (rc < 0)
        goto out;
    if (K == 1) {
        Rows all = rows_holding(); /* the tables are written from them */
        int fk, fK;
        long valid;
        char *one[1] = {path};
        rc = read_shard(&plan, path, 0, 1, &fk, &fK, &all, &valid, &err);
        if (rc >= 0)
            rc = check_complete(&plan, &all, path, &err);
        if (rc >= 0)
            rc = write_tables(&plan, dir, one, &all, out, &err);
        rows_free(&all);
        if (rc >= 0)
            fprintf(out, "%d cells (%d points x %d replications x %d "
                         "alternatives) -> %s/points.csv\n",
                    cells, plan.n_points, plan.replications,
                    plan.points[0].n_alt, dir);
    } else {
        fprintf(out, "shard %d/%d: %d cells done in %s; merge with 'simsrv "
                     "merge %s --out %s' once every shard has run\n",
                k, K, n_todo + done_rows.n / plan.points[0].n_alt, path, file,
                dir);
    }
out:
    if (fp != NULL)
        fclose(fp);
    outset_unlock(lock);
    free(todo);
    free(done);
    rows_free(&done_rows);
    sweep_free(&plan);
    return rc < 0 ? cli_fail(&st, &err) : 0;
}

/* ---- runs for other drivers (optimize) ------------------------------ */

uint64_t sweep_run_tasks(const Scenario *points, const SweepTask *tasks,
                         int n, int threads, RunResult *res,
                         SweepTaskDone done, void *ctx)
{
    uint64_t events = 0;
    if (threads > 0)
        omp_set_num_threads(threads);
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : events)
    for (int i = 0; i < n; i++) {
        const SweepTask *t = &tasks[i];
        run_one(&points[t->point], t->alt, t->rep, &res[i]);
        events += res[i].events;
        if (done != NULL) {
#pragma omp critical(sweep_task_done)
            done(ctx, i, &res[i]);
        }
    }
    return events;
}

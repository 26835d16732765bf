/*
 * sweeptab.c - CSV tables of a merged sweep (see sweeptab.h); the HDF5
 * writer is in sweeptab_h5.c.
 */
#include "sweeptab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/csv.h"
#include "../util/xalloc.h"
#include "stats.h"

static void put_num(FILE *fp, double x)
{
    if (!isnan(x)) {
        char buf[CSV_NUM_MAX];
        fwrite(buf, 1, (size_t)csv_num(buf, sizeof buf, x), fp);
    }
}

/* ",mean,half" of the 95% interval of x[0..n-1] (empty when NaN). */
static void put_interval(FILE *fp, const double *x, int n)
{
    Interval iv = stats_interval(x, n);
    fputc(',', fp);
    put_num(fp, iv.mean);
    fputc(',', fp);
    put_num(fp, iv.half);
}

static void put_params(FILE *fp, const SweepTable *t, int point)
{
    for (int i = 0; i < t->n_params; i++) {
        fputc(',', fp);
        csv_put_field(fp, t->value[point * t->n_params + i]);
    }
}

static void put_param_header(FILE *fp, const SweepTable *t)
{
    for (int i = 0; i < t->n_params; i++) {
        fputc(',', fp);
        csv_put_field(fp, t->param[i]);
    }
}

/* ---- rows, a point at a time --------------------------------------- */

void sweeptab_cursor_open(SweepCursor *c, const SweepTable *t, Err *err)
{
    c->t = t;
    c->rc = 0;
    c->err = err;
    c->ctx = NULL;
    c->buf = NULL;
    if (t->rows == NULL) {
        c->ctx = t->reader->open(t->reader->arg);
        c->buf = xmalloc((size_t)t->reps * (size_t)t->n_alt * sizeof *c->buf);
    }
}

const SweepRow *sweeptab_point(SweepCursor *c, int p)
{
    const SweepTable *t = c->t;
    if (c->rc < 0)
        return NULL;
    if (t->rows != NULL)
        return &t->rows[(size_t)p * t->reps * t->n_alt];
    if (t->reader->point(c->ctx, p, c->buf, c->err) < 0) {
        c->rc = -1;
        return NULL;
    }
    return c->buf;
}

int sweeptab_cursor_close(SweepCursor *c)
{
    if (c->ctx != NULL)
        c->t->reader->close(c->ctx);
    free(c->buf);
    c->ctx = NULL;
    c->buf = NULL;
    return c->rc;
}

/* ---- the tables ----------------------------------------------------- */

int sweeptab_write_cells(FILE *fp, const SweepTable *t, Err *err)
{
    SweepCursor cur;
    sweeptab_cursor_open(&cur, t, err);
    fputs("cell,point,replication,alternative", fp);
    put_param_header(fp, t);
    for (int m = 0; m < metrics_columns(t->llm); m++)
        fprintf(fp, ",%s", metric_info[m].name);
    fputc('\n', fp);
    const SweepRow *rows;
    for (int p = 0; p < t->n_points && (rows = sweeptab_point(&cur, p)); p++)
        for (int i = 0; i < t->reps * t->n_alt; i++) {
            const SweepRow *r = &rows[i];
            fprintf(fp, "%d,%d,%d,%s", r->cell, r->point, r->rep,
                    t->alt_names[r->alt]);
            put_params(fp, t, r->point);
            for (int m = 0; m < metrics_columns(t->llm); m++) {
                fputc(',', fp);
                put_num(fp, r->v[m]);
            }
            fputc('\n', fp);
        }
    return sweeptab_cursor_close(&cur);
}

/* The points' rows (base < 0) or their paired differences against the
 * alternative `base` (alternatives after it). */
static int write_intervals(FILE *fp, const SweepTable *t, int base,
                           Err *err)
{
    SweepCursor cur;
    sweeptab_cursor_open(&cur, t, err);
    double *x = xmalloc((size_t)t->reps * sizeof *x);
    const SweepRow *rows;
    for (int p = 0; p < t->n_points && (rows = sweeptab_point(&cur, p)); p++)
        for (int a = base + 1; a < t->n_alt; a++) {
            int b = base < 0 ? a : base; /* the baseline's column */
            if (base < 0)
                fprintf(fp, "%d,%s,%d", p, t->alt_names[a], t->reps);
            else
                fprintf(fp, "%d,%s,%s,%d", p, t->alt_names[a],
                        t->alt_names[base], t->reps);
            put_params(fp, t, p);
            for (int m = 0; m < metrics_columns(t->llm); m++) {
                for (int r = 0; r < t->reps; r++) {
                    const SweepRow *ra = &rows[r * t->n_alt + a];
                    const SweepRow *rb = &rows[r * t->n_alt + b];
                    x[r] = base < 0 ? ra->v[m] : ra->v[m] - rb->v[m];
                }
                put_interval(fp, x, t->reps);
            }
            fputc('\n', fp);
        }
    free(x);
    return sweeptab_cursor_close(&cur);
}

int sweeptab_write_points(FILE *fp, const SweepTable *t, Err *err)
{
    fputs("point,alternative,replications", fp);
    put_param_header(fp, t);
    for (int m = 0; m < metrics_columns(t->llm); m++)
        fprintf(fp, ",%s,%s_ci95", metric_info[m].name, metric_info[m].name);
    fputc('\n', fp);
    return write_intervals(fp, t, -1, err);
}

int sweeptab_write_diffs(FILE *fp, const SweepTable *t, Err *err)
{
    fputs("point,alternative,baseline,replications", fp);
    put_param_header(fp, t);
    for (int m = 0; m < metrics_columns(t->llm); m++)
        fprintf(fp, ",%s_diff,%s_diff_ci95", metric_info[m].name,
                metric_info[m].name);
    fputc('\n', fp);
    return write_intervals(fp, t, 0, err);
}

/* ---- the summary printed at the end of a sweep ---------------------- */

/* A parameter's short name: its JSON path's last key. */
static const char *short_param(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

enum { SUM_VALUE_W = 20 }; /* widest parameter value shown */

static const int sum_metric[] = {MET_cold_pct, MET_p99_ms, MET_cost_usd};
static const char *const sum_head[] = {"cold %", "p99 ms", "cost $"};
enum { SUM_NMET = 3, SUM_CELL_W = 20 };

/* "mean ± half" (or the mean alone without an interval), right-aligned in
 * SUM_CELL_W columns; '±' is two bytes and one column.  Significant digits
 * rather than fixed decimals: a sweep's costs span $0.0004 to $1000. */
static void put_summary_cell(FILE *fp, Interval iv)
{
    char cell[96];
    int cols;
    if (isnan(iv.half)) {
        snprintf(cell, sizeof cell, "%.4g", iv.mean);
        cols = (int)strlen(cell);
    } else {
        snprintf(cell, sizeof cell, "%.4g ± %.2g", iv.mean, iv.half);
        cols = (int)strlen(cell) - 1;
    }
    fprintf(fp, "  %*s%s", cols < SUM_CELL_W ? SUM_CELL_W - cols : 0, "",
            cell);
}

void sweeptab_print_summary(FILE *fp, const SweepTable *t, int max_rows,
                            const char *dir)
{
    int *pw = xmalloc(((size_t)t->n_params + 1) * sizeof *pw);
    for (int i = 0; i < t->n_params; i++) {
        size_t w = strlen(short_param(t->param[i]));
        for (int p = 0; p < t->n_points; p++) {
            size_t v = strlen(t->value[p * t->n_params + i]);
            w = v > w ? v : w;
        }
        pw[i] = w > SUM_VALUE_W ? SUM_VALUE_W : (int)w;
    }
    int aw = (int)strlen("alternative");
    for (int a = 0; a < t->n_alt; a++)
        if ((int)strlen(t->alt_names[a]) > aw)
            aw = (int)strlen(t->alt_names[a]);
    fprintf(fp, "point");
    for (int i = 0; i < t->n_params; i++)
        fprintf(fp, "  %-*.*s", pw[i], pw[i], short_param(t->param[i]));
    fprintf(fp, "  %-*s", aw, "alternative");
    for (int m = 0; m < SUM_NMET; m++)
        fprintf(fp, "  %*s", SUM_CELL_W, sum_head[m]);
    fputc('\n', fp);
    double *x = xmalloc((size_t)t->reps * sizeof *x);
    int n_rows = t->n_points * t->n_alt, shown = 0;
    Err err; /* a failed read ends the table early; the tables' writers
                report it */
    SweepCursor cur;
    sweeptab_cursor_open(&cur, t, &err);
    const SweepRow *rows = NULL;
    for (int p = 0; p < t->n_points && shown < max_rows &&
                    (rows = sweeptab_point(&cur, p)) != NULL;
         p++)
        for (int a = 0; a < t->n_alt && shown < max_rows; a++, shown++) {
            fprintf(fp, "%5d", p);
            for (int i = 0; i < t->n_params; i++)
                fprintf(fp, "  %-*.*s", pw[i], pw[i],
                        t->value[p * t->n_params + i]);
            fprintf(fp, "  %-*s", aw, t->alt_names[a]);
            for (int m = 0; m < SUM_NMET; m++) {
                for (int r = 0; r < t->reps; r++)
                    x[r] = rows[r * t->n_alt + a].v[sum_metric[m]];
                put_summary_cell(fp, stats_interval(x, t->reps));
            }
            fputc('\n', fp);
        }
    if (shown < n_rows)
        fprintf(fp, "... %d more rows\n", n_rows - shown);
    if (t->reps > 1)
        fprintf(fp, "Means ± 95%% half-widths over %d replications", t->reps);
    else
        fprintf(fp, "One replication (no intervals)");
    fprintf(fp, "; every metric in %s/points.csv, paired differences in "
                "%s/diffs.csv\n",
            dir, dir);
    sweeptab_cursor_close(&cur);
    free(x);
    free(pw);
}

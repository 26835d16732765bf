/*
 * sweeptab.c - CSV tables of a merged sweep (see sweeptab.h); the HDF5
 * writer is in sweeptab_h5.c.
 */
#include "sweeptab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "stats.h"

/* A JSON value as a CSV cell: quoted when it holds a comma or a quote. */
static void put_value(FILE *fp, const char *json)
{
    if (strpbrk(json, ",\"\n") == NULL) {
        fputs(json, fp);
        return;
    }
    fputc('"', fp);
    for (const char *p = json; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
}

static void put_num(FILE *fp, double x)
{
    if (!isnan(x))
        fprintf(fp, "%.17g", x);
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
        put_value(fp, t->value[point * t->n_params + i]);
    }
}

static void put_param_header(FILE *fp, const SweepTable *t)
{
    for (int i = 0; i < t->n_params; i++) {
        fputc(',', fp);
        put_value(fp, t->param[i]);
    }
}

static const SweepRow *row(const SweepTable *t, int point, int rep, int alt)
{
    return &t->rows[((size_t)point * t->reps + rep) * t->n_alt + alt];
}

void sweeptab_write_cells(FILE *fp, const SweepTable *t)
{
    fputs("cell,point,replication,alternative", fp);
    put_param_header(fp, t);
    for (int m = 0; m < MET_COUNT; m++)
        fprintf(fp, ",%s", metric_info[m].name);
    fputc('\n', fp);
    size_t n = (size_t)t->n_points * t->reps * t->n_alt;
    for (size_t i = 0; i < n; i++) {
        const SweepRow *r = &t->rows[i];
        fprintf(fp, "%d,%d,%d,%s", r->cell, r->point, r->rep,
                t->alt_names[r->alt]);
        put_params(fp, t, r->point);
        for (int m = 0; m < MET_COUNT; m++) {
            fputc(',', fp);
            put_num(fp, r->v[m]);
        }
        fputc('\n', fp);
    }
}

void sweeptab_write_points(FILE *fp, const SweepTable *t)
{
    double *x = xmalloc((size_t)t->reps * sizeof *x);
    fputs("point,alternative,replications", fp);
    put_param_header(fp, t);
    for (int m = 0; m < MET_COUNT; m++)
        fprintf(fp, ",%s,%s_ci95", metric_info[m].name, metric_info[m].name);
    fputc('\n', fp);
    for (int p = 0; p < t->n_points; p++)
        for (int a = 0; a < t->n_alt; a++) {
            fprintf(fp, "%d,%s,%d", p, t->alt_names[a], t->reps);
            put_params(fp, t, p);
            for (int m = 0; m < MET_COUNT; m++) {
                for (int r = 0; r < t->reps; r++)
                    x[r] = row(t, p, r, a)->v[m];
                put_interval(fp, x, t->reps);
            }
            fputc('\n', fp);
        }
    free(x);
}

void sweeptab_write_diffs(FILE *fp, const SweepTable *t)
{
    double *x = xmalloc((size_t)t->reps * sizeof *x);
    fputs("point,alternative,baseline,replications", fp);
    put_param_header(fp, t);
    for (int m = 0; m < MET_COUNT; m++)
        fprintf(fp, ",%s_diff,%s_diff_ci95", metric_info[m].name,
                metric_info[m].name);
    fputc('\n', fp);
    for (int p = 0; p < t->n_points; p++)
        for (int a = 1; a < t->n_alt; a++) {
            fprintf(fp, "%d,%s,%s,%d", p, t->alt_names[a], t->alt_names[0],
                    t->reps);
            put_params(fp, t, p);
            for (int m = 0; m < MET_COUNT; m++) {
                for (int r = 0; r < t->reps; r++)
                    x[r] = row(t, p, r, a)->v[m] - row(t, p, r, 0)->v[m];
                put_interval(fp, x, t->reps);
            }
            fputc('\n', fp);
        }
    free(x);
}

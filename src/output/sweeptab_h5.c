/*
 * sweeptab_h5.c - sweep.h5: the cells and points tables as HDF5.
 *
 * Layout (readable with h5py, h5dump or pandas via h5py):
 *   /cells/values       double [rows][4 + metrics]: cell, point,
 *                       replication, alternative index, then RUN_METRICS
 *   /cells/columns      string [4 + metrics]: the column names
 *   /points/values      double [points x alternatives][3 + 2 metrics]:
 *                       point, alternative index, replications, then mean
 *                       and ci95 of each metric (NaN without an interval)
 *   /points/columns     string names of those columns
 *   /alternatives       string [alternatives]
 *   /parameters         string [params]: the swept JSON paths
 *   /parameter_values   string [points][params]: their JSON values
 *   attributes on /     plan_hash, simsrv_version, name, seed, replications,
 *                       sweep_json, scenario_json
 * Numeric tables are 2-D doubles rather than compound types: every reader
 * maps them to a matrix directly.  Datasets are chunked and deflated, and
 * written a point's rows at a time (a sweep's rows are read point by point,
 * sweeptab.h).
 */
#include "sweeptab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/outset.h"
#include "../util/xalloc.h"
#include "stats.h"

#ifdef SIMSRV_HAVE_HDF5
#include "h5util.h"

static int put_strings(hid_t loc, const char *name, const char *const *s,
                       hsize_t n0, hsize_t n1)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hsize_t dims[2] = {n0, n1};
    hid_t space = H5Screate_simple(n1 > 0 ? 2 : 1, dims, NULL);
    hid_t dcpl = h5_dcpl();
    hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl,
                          H5P_DEFAULT);
    herr_t rc = ds >= 0 && n0 > 0
                    ? H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, s)
                    : 0;
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Tclose(type);
    return rc < 0 || ds < 0 ? -1 : 0;
}

/* A 2-D double dataset written a block of rows at a time (the rows of one
 * point), so the table is never held whole; chunked (1024 rows) and
 * deflated as a whole-table write would be. */
typedef struct Slab {
    hid_t ds;
    hsize_t rows, cols, at;
} Slab;

static int slab_open(Slab *sl, hid_t loc, const char *name, hsize_t rows,
                     hsize_t cols)
{
    hsize_t dims[2] = {rows, cols};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t plist = h5_dcpl();
    if (rows > 0) {
        hsize_t chunk[2] = {rows < 1024 ? rows : 1024, cols};
        H5Pset_chunk(plist, 2, chunk);
        H5Pset_deflate(plist, 4);
    }
    sl->ds = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, plist,
                        H5P_DEFAULT);
    sl->rows = rows;
    sl->cols = cols;
    sl->at = 0;
    H5Pclose(plist);
    H5Sclose(space);
    return sl->ds < 0 ? -1 : 0;
}

/* Writes the next n rows of x. */
static int slab_write(Slab *sl, const double *x, hsize_t n)
{
    if (sl->ds < 0 || n == 0)
        return sl->ds < 0 ? -1 : 0;
    hsize_t start[2] = {sl->at, 0}, count[2] = {n, sl->cols};
    hid_t file_space = H5Dget_space(sl->ds);
    hid_t mem_space = H5Screate_simple(2, count, NULL);
    herr_t rc = H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL,
                                    count, NULL);
    if (rc >= 0)
        rc = H5Dwrite(sl->ds, H5T_NATIVE_DOUBLE, mem_space, file_space,
                      H5P_DEFAULT, x);
    H5Sclose(mem_space);
    H5Sclose(file_space);
    sl->at += n;
    return rc < 0 ? -1 : 0;
}

static int slab_close(Slab *sl)
{
    int rc = sl->ds < 0 || sl->at != sl->rows ? -1 : 0;
    if (sl->ds >= 0 && H5Dclose(sl->ds) < 0)
        rc = -1;
    return rc;
}

/* A group with a "values" table of `cols` columns and their names. */
static int group_open(hid_t f, const char *name, const char *const *names,
                      hsize_t rows, hsize_t cols, hid_t *g, Slab *sl)
{
    hid_t gcpl = h5_gcpl();
    *g = H5Gcreate2(f, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    int rc = slab_open(sl, *g, "values", rows, cols);
    return put_strings(*g, "columns", names, cols, 0) | rc;
}

static int write_file(const char *tmp, const SweepTable *t, Err *err)
{
    hid_t f = h5_create_file(tmp);
    if (f < 0)
        return -1;
    int rc = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)t->hash);
    h5_attr_string(f, "plan_hash", buf);
    h5_attr_string(f, "simsrv_version", t->version);
    h5_attr_string(f, "name", t->name);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)t->seed);
    h5_attr_string(f, "seed", buf);
    snprintf(buf, sizeof buf, "%d", t->reps);
    h5_attr_string(f, "replications", buf);
    h5_attr_string(f, "sweep_json", t->sweep_json);
    h5_attr_string(f, "scenario_json", t->scenario_json);

    /* the cells and points tables, side by side, a point at a time */
    size_t nrow = (size_t)t->n_points * t->reps * t->n_alt;
    int n_met = metrics_columns(t->llm);
    size_t ccols = 4 + (size_t)n_met, pcols = 3 + 2 * (size_t)n_met;
    const char *cnames[4 + MET_COUNT] = {"cell", "point", "replication",
                                         "alternative"};
    for (int m = 0; m < n_met; m++)
        cnames[4 + m] = metric_info[m].name;
    char (*pn)[96] = xcalloc(pcols, sizeof *pn);
    const char **pnames = xcalloc(pcols, sizeof *pnames);
    snprintf(pn[0], 96, "point");
    snprintf(pn[1], 96, "alternative");
    snprintf(pn[2], 96, "replications");
    for (int m = 0; m < n_met; m++) {
        snprintf(pn[3 + 2 * m], 96, "%s", metric_info[m].name);
        snprintf(pn[4 + 2 * m], 96, "%s_ci95", metric_info[m].name);
    }
    for (size_t i = 0; i < pcols; i++)
        pnames[i] = pn[i];
    hid_t gc, gp;
    Slab cells, points;
    rc |= group_open(f, "cells", cnames, nrow, ccols, &gc, &cells);
    rc |= group_open(f, "points", pnames,
                     (hsize_t)t->n_points * (hsize_t)t->n_alt, pcols, &gp,
                     &points);
    size_t per = (size_t)t->reps * t->n_alt;
    double *x = xmalloc(per * ccols * sizeof *x);
    double *o = xmalloc((size_t)t->n_alt * pcols * sizeof *o);
    double *y = xmalloc((size_t)t->reps * sizeof *y);
    SweepCursor cur;
    sweeptab_cursor_open(&cur, t, err);
    const SweepRow *rows;
    for (int p = 0; p < t->n_points && rc == 0 &&
                    (rows = sweeptab_point(&cur, p)) != NULL;
         p++) {
        for (size_t i = 0; i < per; i++) {
            const SweepRow *r = &rows[i];
            double *c = &x[i * ccols];
            c[0] = r->cell;
            c[1] = r->point;
            c[2] = r->rep;
            c[3] = r->alt;
            memcpy(c + 4, r->v, (size_t)n_met * sizeof *c);
        }
        rc |= slab_write(&cells, x, per);
        for (int a = 0; a < t->n_alt; a++) {
            double *q = &o[(size_t)a * pcols];
            q[0] = p;
            q[1] = a;
            q[2] = t->reps;
            for (int m = 0; m < n_met; m++) {
                for (int r = 0; r < t->reps; r++)
                    y[r] = rows[r * t->n_alt + a].v[m];
                Interval iv = stats_interval(y, t->reps);
                q[3 + 2 * m] = iv.mean;
                q[4 + 2 * m] = iv.half;
            }
        }
        rc |= slab_write(&points, o, (hsize_t)t->n_alt);
    }
    if (sweeptab_cursor_close(&cur) < 0)
        rc = -1;
    rc |= slab_close(&cells) | slab_close(&points);
    H5Gclose(gc);
    H5Gclose(gp);
    free(x);
    free(o);
    free(y);
    free(pn);
    free(pnames);

    rc |= put_strings(f, "alternatives", t->alt_names, (hsize_t)t->n_alt, 0);
    if (t->n_params > 0) {
        const char **pp = xcalloc((size_t)t->n_params, sizeof *pp);
        for (int i = 0; i < t->n_params; i++)
            pp[i] = t->param[i];
        rc |= put_strings(f, "parameters", pp, (hsize_t)t->n_params, 0);
        rc |= put_strings(f, "parameter_values",
                          (const char *const *)t->value,
                          (hsize_t)t->n_points, (hsize_t)t->n_params);
        free(pp);
    }
    if (h5_close_file(f) < 0)
        rc = -1;
    return rc;
}

int sweeptab_h5_ready(const char *dir, Err *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/sweep.h5", dir);
    return h5dl_load(path, err);
}

int sweeptab_write_h5(const char *path, const SweepTable *t, Err *err)
{
    if (h5dl_load(path, err) < 0)
        return -SIM_EIO;
    outset_track(path);
    Err rerr;
    err_clear(&rerr);
    if (write_file(path, t, &rerr) < 0 || outset_fault()) {
        outset_untrack(path);
        remove(path);
        if (rerr.code != 0) { /* the rows could not be read again */
            *err = rerr;
            return -rerr.code;
        }
        return err_set(err, SIM_EIO, path, "HDF5 write failed (disk full?)");
    }
    return 0;
}

#else

int sweeptab_h5_ready(const char *dir, Err *err)
{
    (void)dir;
    (void)err;
    return 0;
}

int sweeptab_write_h5(const char *path, const SweepTable *t, Err *err)
{
    (void)t;
    return err_set(err, SIM_EIO, path,
                   "this simsrv was built without HDF5 (meson -Dhdf5=enabled)");
}

#endif

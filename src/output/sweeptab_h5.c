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
 * maps them to a matrix directly.  Datasets are chunked and deflated.
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
#include <hdf5.h>

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

static int put_matrix(hid_t loc, const char *name, const double *x,
                      hsize_t rows, hsize_t cols)
{
    hsize_t dims[2] = {rows, cols};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t plist = h5_dcpl();
    if (rows > 0) {
        hsize_t chunk[2] = {rows < 1024 ? rows : 1024, cols};
        H5Pset_chunk(plist, 2, chunk);
        H5Pset_deflate(plist, 4);
    }
    hid_t ds = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT,
                          plist, H5P_DEFAULT);
    herr_t rc = ds >= 0 && rows > 0 ? H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                    H5P_DEFAULT, x)
                         : 0;
    H5Dclose(ds);
    H5Pclose(plist);
    H5Sclose(space);
    return rc < 0 || ds < 0 ? -1 : 0;
}

static int write_file(const char *tmp, const SweepTable *t)
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

    /* cells */
    size_t nrow = (size_t)t->n_points * t->reps * t->n_alt;
    int n_met = metrics_columns(t->llm);
    size_t ccols = 4 + (size_t)n_met;
    double *x = xmalloc((nrow ? nrow : 1) * ccols * sizeof *x);
    for (size_t i = 0; i < nrow; i++) {
        const SweepRow *r = &t->rows[i];
        double *o = &x[i * ccols];
        o[0] = r->cell;
        o[1] = r->point;
        o[2] = r->rep;
        o[3] = r->alt;
        memcpy(o + 4, r->v, (size_t)n_met * sizeof *o);
    }
    const char *cnames[4 + MET_COUNT] = {"cell", "point", "replication",
                                         "alternative"};
    for (int m = 0; m < n_met; m++)
        cnames[4 + m] = metric_info[m].name;
    hid_t gcpl = h5_gcpl();
    hid_t g = H5Gcreate2(f, "cells", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    rc |= put_matrix(g, "values", x, nrow, ccols);
    rc |= put_strings(g, "columns", cnames, ccols, 0);
    H5Gclose(g);
    free(x);

    /* points */
    size_t prow = (size_t)t->n_points * t->n_alt;
    size_t pcols = 3 + 2 * (size_t)n_met;
    x = xmalloc((prow ? prow : 1) * pcols * sizeof *x);
    double *y = xmalloc((size_t)t->reps * sizeof *y);
    for (int p = 0; p < t->n_points; p++)
        for (int a = 0; a < t->n_alt; a++) {
            double *o = &x[((size_t)p * t->n_alt + a) * pcols];
            o[0] = p;
            o[1] = a;
            o[2] = t->reps;
            for (int m = 0; m < n_met; m++) {
                for (int r = 0; r < t->reps; r++)
                    y[r] = t->rows[((size_t)p * t->reps + r) * t->n_alt + a]
                               .v[m];
                Interval iv = stats_interval(y, t->reps);
                o[3 + 2 * m] = iv.mean;
                o[4 + 2 * m] = iv.half;
            }
        }
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
    g = H5Gcreate2(f, "points", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    rc |= put_matrix(g, "values", x, prow, pcols);
    rc |= put_strings(g, "columns", pnames, pcols, 0);
    H5Gclose(g);
    free(x);
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
    H5Pclose(gcpl);
    if (h5_close_file(f) < 0)
        rc = -1;
    return rc;
}

int sweeptab_write_h5(const char *path, const SweepTable *t, Err *err)
{
    outset_track(path);
    if (write_file(path, t) < 0 || outset_fault()) {
        outset_untrack(path);
        remove(path);
        return err_set(err, SIM_EIO, path, "HDF5 write failed (disk full?)");
    }
    return 0;
}

#else

int sweeptab_write_h5(const char *path, const SweepTable *t, Err *err)
{
    (void)t;
    return err_set(err, SIM_EIO, path,
                   "this simsrv was built without HDF5 (meson -Dhdf5=enabled)");
}

#endif

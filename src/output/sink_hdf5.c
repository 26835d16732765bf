/*
 * sink_hdf5.c - requests.h5: one row per request, appended in chunks.
 *
 * Layout: dataset /requests, a 1-D extendible array of a compound type
 * (arrival_s, alternative, replication, outcome, cold, on_vm, queue_wait_ms,
 * cold_wait_ms, latency_ms, server, ttft_ms, prompt_tokens,
 * output_tokens: the last three for LLM requests, NaN / -1 / 0 otherwise),
 * chunks of 65,536 rows deflated at level 4; attributes on / from the caller (scenario, version, seed, ...)
 * and `outcomes` naming the outcome codes.  Rows are buffered one chunk at a
 * time and appended by extending the dataset, so memory stays ~3 MB for any
 * number of requests.  h5py reads it as a structured array:
 *   np.array(h5py.File("requests.h5")["requests"]).
 */
#include "sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/outset.h"
#include "../util/xalloc.h"

#ifdef SIMSRV_HAVE_HDF5
#include "h5util.h"

#define CHUNK 65536

typedef struct H5Sink {
    hid_t file, dset, type;
    hsize_t rows;
    ReqRecord *buf;
    int n;
    int failed;
    char path[1200];
} H5Sink;

static hid_t record_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(ReqRecord));
    H5Tinsert(t, "arrival_s", HOFFSET(ReqRecord, arrival_s), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "alternative", HOFFSET(ReqRecord, alternative),
              H5T_NATIVE_INT32);
    H5Tinsert(t, "replication", HOFFSET(ReqRecord, replication),
              H5T_NATIVE_INT32);
    H5Tinsert(t, "outcome", HOFFSET(ReqRecord, outcome), H5T_NATIVE_INT32);
    H5Tinsert(t, "cold", HOFFSET(ReqRecord, cold), H5T_NATIVE_INT8);
    H5Tinsert(t, "on_vm", HOFFSET(ReqRecord, on_vm), H5T_NATIVE_INT8);
    H5Tinsert(t, "queue_wait_ms", HOFFSET(ReqRecord, queue_wait_ms),
              H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "cold_wait_ms", HOFFSET(ReqRecord, cold_wait_ms),
              H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "latency_ms", HOFFSET(ReqRecord, latency_ms),
              H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "server", HOFFSET(ReqRecord, server), H5T_NATIVE_INT64);
    H5Tinsert(t, "ttft_ms", HOFFSET(ReqRecord, ttft_ms), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "prompt_tokens", HOFFSET(ReqRecord, prompt_tokens),
              H5T_NATIVE_INT32);
    H5Tinsert(t, "output_tokens", HOFFSET(ReqRecord, output_tokens),
              H5T_NATIVE_INT32);
    return t;
}

static void *h5_open(const char *path, const char *const *meta, Err *err)
{
    if (h5dl_load(path, err) < 0)
        return NULL;
    H5Sink *s = xcalloc(1, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    outset_track(path);
    s->file = h5_create_file(path);
    if (s->file < 0) {
        outset_untrack(path);
        remove(path);
        err_set(err, SIM_EIO, path, "cannot create the HDF5 file");
        free(s);
        return NULL;
    }
    s->type = record_type();
    hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = CHUNK;
    hid_t space = H5Screate_simple(1, &dims, &maxdims);
    hid_t plist = h5_dcpl();
    H5Pset_chunk(plist, 1, &chunk);
    H5Pset_deflate(plist, 4);
    s->dset = H5Dcreate2(s->file, "requests", s->type, space, H5P_DEFAULT,
                         plist, H5P_DEFAULT);
    H5Pclose(plist);
    H5Sclose(space);
    for (int i = 0; meta != NULL && meta[i] != NULL && meta[i + 1] != NULL;
         i += 2)
        h5_attr_string(s->file, meta[i], meta[i + 1]);
    h5_attr_string(s->file, "outcomes", "1 completed, 2 rejected, 3 timed_out, "
                              "4 unfinished");
    s->buf = xmalloc(CHUNK * sizeof *s->buf);
    return s;
}

static void flush_rows(H5Sink *s)
{
    if (s->n == 0 || s->failed)
        return;
    hsize_t start = s->rows, count = (hsize_t)s->n, size = s->rows + count;
    if (H5Dset_extent(s->dset, &size) < 0) {
        s->failed = 1;
        return;
    }
    hid_t fspace = H5Dget_space(s->dset);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL);
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    if (H5Dwrite(s->dset, s->type, mspace, fspace, H5P_DEFAULT, s->buf) < 0)
        s->failed = 1;
    H5Sclose(mspace);
    H5Sclose(fspace);
    s->rows = size;
    s->n = 0;
}

static void h5_write(void *sink, const ReqRecord *rec)
{
    H5Sink *s = sink;
    s->buf[s->n++] = *rec;
    if (s->n == CHUNK)
        flush_rows(s);
}

static int h5_close(void *sink, int keep, Err *err)
{
    H5Sink *s = sink;
    int rc = 0;
    if (keep)
        flush_rows(s);
    if (s->dset < 0)
        s->failed = 1;
    H5Dclose(s->dset);
    H5Tclose(s->type);
    if (h5_close_file(s->file) < 0)
        s->failed = 1;
    if (keep && !s->failed && outset_fault())
        s->failed = 1;
    if (!keep) {
        outset_untrack(s->path);
        remove(s->path);
    } else if (s->failed) {
        outset_untrack(s->path);
        remove(s->path);
        rc = err_set(err, SIM_EIO, s->path,
                     "HDF5 write failed (disk full?)");
    }
    free(s->buf);
    free(s);
    return rc;
}

static const SinkType hdf5_type = {"hdf5", h5_open, h5_write, h5_close};
const SinkType *const sink_hdf5 = &hdf5_type;

#else

const SinkType *const sink_hdf5 = NULL;

#endif

/*
 * ort.h - ONNX Runtime's C API, reached through dlopen, for the calibrator.
 *
 * Debian has no ONNX Runtime package and simsrv includes no ONNX Runtime
 * header: the library (libonnxruntime.so.1 from the npm package
 * onnxruntime-node, pinned to ORT_PINNED_VERSION) is loaded at run time, its
 * one exported entry point hands over a table of function pointers, and
 * ort.c binds the few slots simsrv uses by position, through function types
 * declared in its own words (slot numbers: reference sheet on the ONNX
 * Runtime C ABI).  The simulator never needs the library; only
 * `simsrv calibrate` loads it.
 *
 * An OrtLib is one loaded library with its environment (one per process,
 * never unloaded: the library owns threads and static objects).  An OrtModel
 * is one inference session of one model with input buffers for one batch
 * size, filled with fixed pseudo-random values.
 */
#ifndef SIM_CALIB_ORT_H
#define SIM_CALIB_ORT_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define ORT_PINNED_VERSION "1.30.0"
#define ORT_ENV_VAR "SIMSRV_ORT_LIB"
#define ORT_MAX_IO 16
#define ORT_MAX_RANK 8

typedef struct OrtLib OrtLib;
typedef struct OrtModel OrtModel;

/* A value for a symbolic input dimension ("--dim seq=128"). */
typedef struct OrtDim {
    char name[64];
    int64_t value;
} OrtDim;

/* Where the library is looked for: $SIMSRV_ORT_LIB, else the copy that
 * scripts/fetch-onnxruntime puts beside the sources. */
const char *ort_default_path(void);

/* dlopen + bind: checks the version string and the API level. */
int ort_lib_open(const char *path, OrtLib **out, Err *err);

/* Creates the process's environment (timed separately: it probes the
 * hardware and is part of a cold start). */
int ort_env_create(OrtLib *lib, Err *err);

const char *ort_lib_version(const OrtLib *lib);

/* Releases the environment and the handle's memory; the shared object
 * itself stays loaded (it owns threads and static objects). */
void ort_lib_close(OrtLib *lib);

/* Creates a session: the model-load part of a cold start.  threads is the
 * intra-op thread count (1 = no pool thread). */
int ort_model_load(OrtLib *lib, const char *model_path, int threads,
                   OrtModel **out, Err *err);

/* Checks the inputs (float or int64 tensors; the first dimension, when
 * free, is the batch; every other free dimension needs a value in dims)
 * and allocates input tensors for `batch`. */
int ort_model_prepare(OrtModel *m, int batch, const OrtDim *dims, int n_dims,
                      Err *err);

/* One inference on the prepared inputs; the outputs are released. */
int ort_model_run(OrtModel *m, Err *err);

/* Elements per batch item over all inputs (for the record). */
int64_t ort_model_input_elems(const OrtModel *m);

void ort_model_free(OrtModel *m);

#endif

/*
 * ort.c - binds ONNX Runtime's function table by slot (see ort.h).
 *
 * The library exports OrtGetApiBase(); its first member returns the API
 * table for a version, an array of function pointers that only ever grows
 * at its end.  The highest slot used here is 100, which API version 1
 * covers, so simsrv asks for version 1.  Each slot gets a typed member in
 * `struct Api`; enum values and slot numbers are the library's, everything
 * else is simsrv's own.  Every call that returns a status goes through
 * check(), which copies the message into an Err and releases the status.
 */
#define _GNU_SOURCE /* RTLD_* is POSIX; nothing else GNU is needed */
#include "ort.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

#ifndef SIMSRV_ORT_DEFAULT
#define SIMSRV_ORT_DEFAULT "libonnxruntime.so.1"
#endif

/* Handles are opaque to us: pointers to incomplete structs. */
struct OrtStatus;
struct OrtEnv;
struct OrtSessionOptions;
struct OrtSession;
struct OrtValue;
struct OrtMemoryInfo;
struct OrtAllocator;
struct OrtTypeInfo;
struct OrtTensorTypeAndShapeInfo;
typedef struct OrtStatus *status_t;

enum {
    SLOT_GET_ERROR_CODE = 1,
    SLOT_GET_ERROR_MESSAGE = 2,
    SLOT_CREATE_ENV = 3,
    SLOT_DISABLE_TELEMETRY = 6,
    SLOT_CREATE_SESSION = 7,
    SLOT_RUN = 9,
    SLOT_CREATE_SESSION_OPTIONS = 10,
    SLOT_SET_EXECUTION_MODE = 13,
    SLOT_SET_OPT_LEVEL = 23,
    SLOT_SET_INTRA_THREADS = 24,
    SLOT_SET_INTER_THREADS = 25,
    SLOT_INPUT_COUNT = 30,
    SLOT_OUTPUT_COUNT = 31,
    SLOT_INPUT_TYPE_INFO = 33,
    SLOT_INPUT_NAME = 36,
    SLOT_OUTPUT_NAME = 37,
    SLOT_CREATE_TENSOR_WITH_DATA = 49,
    SLOT_CAST_TYPE_TO_TENSOR = 55,
    SLOT_GET_ONNX_TYPE = 56,
    SLOT_GET_ELEMENT_TYPE = 60,
    SLOT_GET_DIM_COUNT = 61,
    SLOT_GET_DIMS = 62,
    SLOT_GET_SYMBOLIC_DIMS = 63,
    SLOT_CREATE_CPU_MEMORY_INFO = 69,
    SLOT_ALLOCATOR_FREE = 76,
    SLOT_DEFAULT_ALLOCATOR = 78,
    SLOT_RELEASE_ENV = 92,
    SLOT_RELEASE_STATUS = 93,
    SLOT_RELEASE_MEMORY_INFO = 94,
    SLOT_RELEASE_SESSION = 95,
    SLOT_RELEASE_VALUE = 96,
    SLOT_RELEASE_TYPE_INFO = 98,
    SLOT_RELEASE_SESSION_OPTIONS = 100
};
#define API_VERSION 1u /* covers slots 0..101 */

enum { ELEM_FLOAT = 1, ELEM_INT64 = 7 };
enum { VALUE_TENSOR = 1 };
enum { LOG_ERROR = 3, OPT_ALL = 99, MODE_SEQUENTIAL = 0 };
enum { ALLOC_ARENA = 1, MEM_DEFAULT = 0 };

typedef void (*any_fn)(void);
typedef struct Base {
    const any_fn *(*get_api)(uint32_t version);
    const char *(*get_version_string)(void);
} Base;

struct Api {
    int (*error_code)(const struct OrtStatus *);
    const char *(*error_message)(const struct OrtStatus *);
    void (*release_status)(struct OrtStatus *);
    status_t (*create_env)(int level, const char *id, struct OrtEnv **out);
    status_t (*disable_telemetry)(const struct OrtEnv *env);
    status_t (*create_session)(const struct OrtEnv *, const char *path,
                               const struct OrtSessionOptions *,
                               struct OrtSession **out);
    status_t (*run)(struct OrtSession *, const void *run_opts,
                    const char *const *in_names,
                    const struct OrtValue *const *in, size_t n_in,
                    const char *const *out_names, size_t n_out,
                    struct OrtValue **out);
    status_t (*create_options)(struct OrtSessionOptions **out);
    status_t (*set_mode)(struct OrtSessionOptions *, int mode);
    status_t (*set_opt_level)(struct OrtSessionOptions *, int level);
    status_t (*set_intra)(struct OrtSessionOptions *, int n);
    status_t (*set_inter)(struct OrtSessionOptions *, int n);
    status_t (*input_count)(const struct OrtSession *, size_t *out);
    status_t (*output_count)(const struct OrtSession *, size_t *out);
    status_t (*input_type_info)(const struct OrtSession *, size_t i,
                                struct OrtTypeInfo **out);
    status_t (*input_name)(const struct OrtSession *, size_t i,
                           struct OrtAllocator *, char **out);
    status_t (*output_name)(const struct OrtSession *, size_t i,
                            struct OrtAllocator *, char **out);
    status_t (*create_tensor_with_data)(const struct OrtMemoryInfo *,
                                        void *data, size_t bytes,
                                        const int64_t *shape, size_t rank,
                                        int elem, struct OrtValue **out);
    status_t (*cast_to_tensor)(const struct OrtTypeInfo *,
                               const struct OrtTensorTypeAndShapeInfo **out);
    status_t (*onnx_type)(const struct OrtTypeInfo *, int *out);
    status_t (*element_type)(const struct OrtTensorTypeAndShapeInfo *,
                             int *out);
    status_t (*dim_count)(const struct OrtTensorTypeAndShapeInfo *,
                          size_t *out);
    status_t (*dims)(const struct OrtTensorTypeAndShapeInfo *, int64_t *d,
                     size_t n);
    status_t (*symbolic_dims)(const struct OrtTensorTypeAndShapeInfo *,
                              const char **names, size_t n);
    status_t (*cpu_memory_info)(int alloc_kind, int mem_kind,
                                struct OrtMemoryInfo **out);
    status_t (*allocator_free)(struct OrtAllocator *, void *p);
    status_t (*default_allocator)(struct OrtAllocator **out);
    void (*release_env)(struct OrtEnv *);
    void (*release_memory_info)(struct OrtMemoryInfo *);
    void (*release_session)(struct OrtSession *);
    void (*release_value)(struct OrtValue *);
    void (*release_type_info)(struct OrtTypeInfo *);
    void (*release_options)(struct OrtSessionOptions *);
};

struct OrtLib {
    char path[1024];
    char version[32];
    struct Api api;
    struct OrtEnv *env;
    struct OrtAllocator *alloc;
    struct OrtMemoryInfo *mem;
};

typedef struct Input {
    char *name;             /* allocated by the library's allocator */
    int elem;               /* ELEM_FLOAT or ELEM_INT64 */
    size_t rank;
    int64_t dims[ORT_MAX_RANK];    /* -1: free */
    char sym[ORT_MAX_RANK][64];    /* names of free dimensions */
    int64_t shape[ORT_MAX_RANK];   /* the prepared shape */
    void *buf;
    size_t bytes;
    struct OrtValue *value;
} Input;

struct OrtModel {
    OrtLib *lib;
    char path[1024];
    struct OrtSession *sess;
    size_t n_in, n_out;
    Input in[ORT_MAX_IO];
    char *out_name[ORT_MAX_IO];
    int64_t elems_per_item;
};

const char *ort_default_path(void)
{
    const char *env = getenv(ORT_ENV_VAR);
    return env != NULL && env[0] != '\0' ? env : SIMSRV_ORT_DEFAULT;
}

/* A non-NULL status becomes an Err (message copied, status released). */
static int check(const OrtLib *lib, status_t st, const char *where,
                 const char *what, Err *err)
{
    if (st == NULL)
        return 0;
    int code = lib->api.error_code(st);
    char msg[400];
    snprintf(msg, sizeof msg, "%s", lib->api.error_message(st));
    lib->api.release_status(st);
    for (char *p = msg; *p; p++) /* keep the error on one line */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return err_set(err, SIM_EINPUT, where, "%s: ONNX Runtime error %d: %s",
                   what, code, msg);
}

/* function pointer to function pointer: a well-defined conversion; the
 * call then goes through the slot's true type */
#define BIND(member, slot) \
    (lib->api.member = (__typeof__(lib->api.member))table[slot])

static void bind_table(OrtLib *lib, const any_fn *table)
{
    BIND(error_code, SLOT_GET_ERROR_CODE);
    BIND(error_message, SLOT_GET_ERROR_MESSAGE);
    BIND(release_status, SLOT_RELEASE_STATUS);
    BIND(create_env, SLOT_CREATE_ENV);
    BIND(disable_telemetry, SLOT_DISABLE_TELEMETRY);
    BIND(create_session, SLOT_CREATE_SESSION);
    BIND(run, SLOT_RUN);
    BIND(create_options, SLOT_CREATE_SESSION_OPTIONS);
    BIND(set_mode, SLOT_SET_EXECUTION_MODE);
    BIND(set_opt_level, SLOT_SET_OPT_LEVEL);
    BIND(set_intra, SLOT_SET_INTRA_THREADS);
    BIND(set_inter, SLOT_SET_INTER_THREADS);
    BIND(input_count, SLOT_INPUT_COUNT);
    BIND(output_count, SLOT_OUTPUT_COUNT);
    BIND(input_type_info, SLOT_INPUT_TYPE_INFO);
    BIND(input_name, SLOT_INPUT_NAME);
    BIND(output_name, SLOT_OUTPUT_NAME);
    BIND(create_tensor_with_data, SLOT_CREATE_TENSOR_WITH_DATA);
    BIND(cast_to_tensor, SLOT_CAST_TYPE_TO_TENSOR);
    BIND(onnx_type, SLOT_GET_ONNX_TYPE);
    BIND(element_type, SLOT_GET_ELEMENT_TYPE);
    BIND(dim_count, SLOT_GET_DIM_COUNT);
    BIND(dims, SLOT_GET_DIMS);
    BIND(symbolic_dims, SLOT_GET_SYMBOLIC_DIMS);
    BIND(cpu_memory_info, SLOT_CREATE_CPU_MEMORY_INFO);
    BIND(allocator_free, SLOT_ALLOCATOR_FREE);
    BIND(default_allocator, SLOT_DEFAULT_ALLOCATOR);
    BIND(release_env, SLOT_RELEASE_ENV);
    BIND(release_memory_info, SLOT_RELEASE_MEMORY_INFO);
    BIND(release_session, SLOT_RELEASE_SESSION);
    BIND(release_value, SLOT_RELEASE_VALUE);
    BIND(release_type_info, SLOT_RELEASE_TYPE_INFO);
    BIND(release_options, SLOT_RELEASE_SESSION_OPTIONS);
}

static const char how_to_get[] =
    "run scripts/fetch-onnxruntime (onnxruntime-node " ORT_PINNED_VERSION
    " from npm), or set " ORT_ENV_VAR " to its libonnxruntime.so.1";

int ort_lib_open(const char *path, OrtLib **out, Err *err)
{
    *out = NULL;
    if (path == NULL)
        path = ort_default_path();
    /* read by the library when it starts; the API call in ort_env_create
     * is the documented switch, this covers what runs before it */
    setenv("ORT_DISABLE_TELEMETRY", "1", 1);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *why = dlerror();
        /* dlerror() repeats the path; keep only its reason */
        const char *colon = why != NULL ? strrchr(why, ':') : NULL;
        return err_set(err, SIM_EINPUT, path,
                       "cannot load the ONNX Runtime library (%s): %s",
                       colon != NULL ? colon + 2 : "unknown reason",
                       how_to_get);
    }
    const Base *(*get_base)(void);
    *(void **)&get_base = dlsym(h, "OrtGetApiBase");
    if (get_base == NULL) {
        dlclose(h);
        return err_set(err, SIM_EINPUT, path,
                       "not an ONNX Runtime library (no OrtGetApiBase): %s",
                       how_to_get);
    }
    const Base *base = get_base();
    const char *ver = base->get_version_string();
    if (ver == NULL || strcmp(ver, ORT_PINNED_VERSION) != 0) {
        /* the handle stays open: the library may own threads already */
        return err_set(err, SIM_EINPUT, path,
                       "ONNX Runtime %s, but simsrv is verified against "
                       "%s only: %s",
                       ver != NULL ? ver : "(no version)",
                       ORT_PINNED_VERSION, how_to_get);
    }
    const any_fn *table = base->get_api(API_VERSION);
    if (table == NULL)
        return err_set(err, SIM_EINPUT, path,
                       "the library offers no API version %u", API_VERSION);
    OrtLib *lib = xcalloc(1, sizeof *lib);
    snprintf(lib->path, sizeof lib->path, "%s", path);
    snprintf(lib->version, sizeof lib->version, "%s", ver);
    bind_table(lib, table);
    *out = lib;
    return 0;
}

const char *ort_lib_version(const OrtLib *lib) { return lib->version; }

void ort_lib_close(OrtLib *lib)
{
    if (lib == NULL)
        return;
    if (lib->mem != NULL)
        lib->api.release_memory_info(lib->mem);
    if (lib->env != NULL)
        lib->api.release_env(lib->env);
    free(lib);
}

int ort_env_create(OrtLib *lib, Err *err)
{
    int rc;
    /* Nothing leaves the machine: telemetry is turned off on the new
     * environment before any session exists (ort_lib_open also sets
     * ORT_DISABLE_TELEMETRY for the library's own start-up). */
    if ((rc = check(lib, lib->api.create_env(LOG_ERROR, "simsrv", &lib->env),
                    lib->path, "CreateEnv", err)) < 0 ||
        (rc = check(lib, lib->api.disable_telemetry(lib->env), lib->path,
                    "DisableTelemetryEvents", err)) < 0 ||
        (rc = check(lib, lib->api.default_allocator(&lib->alloc), lib->path,
                    "GetAllocatorWithDefaultOptions", err)) < 0 ||
        (rc = check(lib, lib->api.cpu_memory_info(ALLOC_ARENA, MEM_DEFAULT,
                                                  &lib->mem),
                    lib->path, "CreateCpuMemoryInfo", err)) < 0)
        return rc;
    return 0;
}

static int describe_input(OrtModel *m, size_t i, Err *err)
{
    const OrtLib *lib = m->lib;
    const struct Api *a = &lib->api;
    Input *in = &m->in[i];
    struct OrtTypeInfo *ti = NULL;
    const struct OrtTensorTypeAndShapeInfo *tsi = NULL;
    const char *sym[ORT_MAX_RANK] = {0};
    int kind = 0, rc;
    if ((rc = check(lib, a->input_name(m->sess, i, lib->alloc, &in->name),
                    m->path, "SessionGetInputName", err)) < 0 ||
        (rc = check(lib, a->input_type_info(m->sess, i, &ti), m->path,
                    "SessionGetInputTypeInfo", err)) < 0)
        return rc;
    if ((rc = check(lib, a->onnx_type(ti, &kind), m->path, "GetOnnxType",
                    err)) < 0)
        goto done;
    if (kind != VALUE_TENSOR ||
        (rc = check(lib, a->cast_to_tensor(ti, &tsi), m->path,
                    "CastTypeInfoToTensorInfo", err)) < 0 ||
        tsi == NULL) {
        rc = err_set(err, SIM_EINPUT, m->path,
                     "input '%s' is not a tensor: only float and int64 "
                     "tensor inputs are supported",
                     in->name);
        goto done;
    }
    if ((rc = check(lib, a->element_type(tsi, &in->elem), m->path,
                    "GetTensorElementType", err)) < 0 ||
        (rc = check(lib, a->dim_count(tsi, &in->rank), m->path,
                    "GetDimensionsCount", err)) < 0)
        goto done;
    if (in->elem != ELEM_FLOAT && in->elem != ELEM_INT64) {
        rc = err_set(err, SIM_EINPUT, m->path,
                     "input '%s' has element type %d: only float (1) and "
                     "int64 (7) tensors are supported",
                     in->name, in->elem);
        goto done;
    }
    if (in->rank > ORT_MAX_RANK) {
        rc = err_set(err, SIM_EINPUT, m->path,
                     "input '%s' has rank %zu (at most %d)", in->name,
                     in->rank, ORT_MAX_RANK);
        goto done;
    }
    if ((rc = check(lib, a->dims(tsi, in->dims, in->rank), m->path,
                    "GetDimensions", err)) < 0 ||
        (rc = check(lib, a->symbolic_dims(tsi, sym, in->rank), m->path,
                    "GetSymbolicDimensions", err)) < 0)
        goto done;
    for (size_t d = 0; d < in->rank; d++)
        snprintf(in->sym[d], sizeof in->sym[d], "%s",
                 sym[d] != NULL ? sym[d] : "");
done:
    a->release_type_info(ti);
    return rc;
}

int ort_model_load(OrtLib *lib, const char *model_path, int threads,
                   OrtModel **out, Err *err)
{
    *out = NULL;
    FILE *fp = fopen(model_path, "rb");
    if (fp == NULL)
        return err_set(err, SIM_EINPUT, model_path, "cannot open: %s",
                       strerror(errno));
    fclose(fp);
    const struct Api *a = &lib->api;
    struct OrtSessionOptions *so = NULL;
    int rc;
    if ((rc = check(lib, a->create_options(&so), model_path,
                    "CreateSessionOptions", err)) < 0)
        return rc;
    if ((rc = check(lib, a->set_intra(so, threads), model_path,
                    "SetIntraOpNumThreads", err)) < 0 ||
        (rc = check(lib, a->set_inter(so, 1), model_path,
                    "SetInterOpNumThreads", err)) < 0 ||
        (rc = check(lib, a->set_mode(so, MODE_SEQUENTIAL), model_path,
                    "SetSessionExecutionMode", err)) < 0 ||
        (rc = check(lib, a->set_opt_level(so, OPT_ALL), model_path,
                    "SetSessionGraphOptimizationLevel", err)) < 0) {
        a->release_options(so);
        return rc;
    }
    OrtModel *m = xcalloc(1, sizeof *m);
    m->lib = lib;
    snprintf(m->path, sizeof m->path, "%s", model_path);
    status_t st = a->create_session(lib->env, model_path, so, &m->sess);
    a->release_options(so);
    if (st != NULL) {
        free(m);
        Err inner;
        check(lib, st, model_path, "CreateSession", &inner);
        return err_set(err, SIM_EINPUT, model_path,
                       "not a model ONNX Runtime can load (%s)", inner.msg);
    }
    if ((rc = check(lib, a->input_count(m->sess, &m->n_in), model_path,
                    "SessionGetInputCount", err)) < 0 ||
        (rc = check(lib, a->output_count(m->sess, &m->n_out), model_path,
                    "SessionGetOutputCount", err)) < 0)
        goto fail;
    if (m->n_in == 0 || m->n_in > ORT_MAX_IO || m->n_out == 0 ||
        m->n_out > ORT_MAX_IO) {
        rc = err_set(err, SIM_EINPUT, model_path,
                     "%zu inputs and %zu outputs: 1..%d of each are supported",
                     m->n_in, m->n_out, ORT_MAX_IO);
        goto fail;
    }
    for (size_t i = 0; i < m->n_in; i++)
        if ((rc = describe_input(m, i, err)) < 0)
            goto fail;
    for (size_t i = 0; i < m->n_out; i++)
        if ((rc = check(lib, a->output_name(m->sess, i, lib->alloc,
                                            &m->out_name[i]),
                        model_path, "SessionGetOutputName", err)) < 0)
            goto fail;
    *out = m;
    return 0;
fail:
    ort_model_free(m);
    return rc;
}

static int64_t dim_value(const Input *in, size_t d, int batch,
                         const OrtDim *dims, int n_dims, const char *path,
                         Err *err)
{
    if (d == 0 && in->dims[0] < 0)
        return batch;
    if (d == 0 && batch != 1 && in->dims[0] != batch) {
        err_set(err, SIM_EINPUT, path,
                "input '%s' has a fixed first dimension of %lld, so it cannot "
                "run batch %d (measure batch %lld only: --batches %lld)",
                in->name, (long long)in->dims[0], batch,
                (long long)in->dims[0], (long long)in->dims[0]);
        return -1;
    }
    if (in->dims[d] >= 0)
        return in->dims[d];
    for (int k = 0; k < n_dims; k++)
        if (in->sym[d][0] != '\0' && strcmp(dims[k].name, in->sym[d]) == 0)
            return dims[k].value;
    err_set(err, SIM_EINPUT, path,
            "input '%s': dimension %zu ('%s') is symbolic and has no value: "
            "give one with --dim %s=N",
            in->name, d, in->sym[d][0] ? in->sym[d] : "unnamed",
            in->sym[d][0] ? in->sym[d] : "NAME");
    return -1;
}

/* Fixed, cheap pseudo-random fill (xorshift): inputs are data, not noise
 * that depends on the run. */
static void fill_input(Input *in, size_t n)
{
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    if (in->elem == ELEM_FLOAT) {
        float *f = in->buf;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            f[i] = (float)(x >> 40) * (1.0f / 16777216.0f);
        }
    } else {
        int64_t *v = in->buf;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            v[i] = (int64_t)(x % 100u); /* valid ids for any vocabulary >= 100 */
        }
    }
}

static void release_inputs(OrtModel *m)
{
    for (size_t i = 0; i < m->n_in; i++) {
        if (m->in[i].value != NULL)
            m->lib->api.release_value(m->in[i].value);
        m->in[i].value = NULL;
        free(m->in[i].buf);
        m->in[i].buf = NULL;
    }
}

int ort_model_prepare(OrtModel *m, int batch, const OrtDim *dims, int n_dims,
                      Err *err)
{
    release_inputs(m);
    m->elems_per_item = 0;
    for (size_t i = 0; i < m->n_in; i++) {
        Input *in = &m->in[i];
        size_t n = 1;
        for (size_t d = 0; d < in->rank; d++) {
            int64_t v = dim_value(in, d, batch, dims, n_dims, m->path, err);
            if (v < 0)
                return -SIM_EINPUT;
            if (v == 0 || v > (int64_t)1 << 31) {
                return err_set(err, SIM_EINPUT, m->path,
                               "input '%s': dimension %zu = %lld is out of "
                               "range",
                               in->name, d, (long long)v);
            }
            in->shape[d] = v;
            n *= (size_t)v;
        }
        if (n > ((size_t)1 << 32))
            return err_set(err, SIM_EINPUT, m->path,
                           "input '%s' would hold %zu elements", in->name, n);
        int batched = in->rank > 0 && in->dims[0] < 0;
        m->elems_per_item += (int64_t)(batched ? n / (size_t)batch : n);
        size_t esz = in->elem == ELEM_FLOAT ? 4 : 8;
        in->bytes = n * esz;
        in->buf = xmalloc(in->bytes > 0 ? in->bytes : 1);
        fill_input(in, n);
        int rc = check(m->lib,
                       m->lib->api.create_tensor_with_data(
                           m->lib->mem, in->buf, in->bytes, in->shape,
                           in->rank, in->elem, &in->value),
                       m->path, "CreateTensorWithDataAsOrtValue", err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int ort_model_run(OrtModel *m, Err *err)
{
    const char *in_names[ORT_MAX_IO], *out_names[ORT_MAX_IO];
    const struct OrtValue *in_vals[ORT_MAX_IO];
    struct OrtValue *outs[ORT_MAX_IO] = {0};
    for (size_t i = 0; i < m->n_in; i++) {
        in_names[i] = m->in[i].name;
        in_vals[i] = m->in[i].value;
    }
    for (size_t i = 0; i < m->n_out; i++)
        out_names[i] = m->out_name[i];
    int rc = check(m->lib,
                   m->lib->api.run(m->sess, NULL, in_names, in_vals, m->n_in,
                                   out_names, m->n_out, outs),
                   m->path, "Run", err);
    for (size_t i = 0; i < m->n_out; i++)
        if (outs[i] != NULL)
            m->lib->api.release_value(outs[i]);
    return rc;
}

int64_t ort_model_input_elems(const OrtModel *m) { return m->elems_per_item; }

void ort_model_free(OrtModel *m)
{
    if (m == NULL)
        return;
    const struct Api *a = &m->lib->api;
    release_inputs(m);
    for (size_t i = 0; i < m->n_in; i++)
        if (m->in[i].name != NULL)
            m->lib->api.release_status(
                a->allocator_free(m->lib->alloc, m->in[i].name));
    for (size_t i = 0; i < m->n_out; i++)
        if (m->out_name[i] != NULL)
            m->lib->api.release_status(
                a->allocator_free(m->lib->alloc, m->out_name[i]));
    if (m->sess != NULL)
        a->release_session(m->sess);
    free(m);
}

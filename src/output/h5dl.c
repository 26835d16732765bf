/*
 * h5dl.c - loads the HDF5 library and fills its table (see h5dl.h).
 *
 * dlopen of the soname the build linked its headers against, RTLD_LOCAL
 * (nothing else resolves against it) and never closed: HDF5 keeps global
 * state for the process, and its exit handler stays off (h5_create_file).
 * A process that already has the library (a test that reads HDF5 files
 * links it) gets that copy back from dlopen, so both see one library.
 */
#define _GNU_SOURCE /* for RTLD_DEFAULT (glibc, BSDs); RTLD_* else POSIX */
#define H5DL_IMPLEMENTATION
#include "h5dl.h"

#ifdef SIMSRV_HAVE_HDF5
#include <dlfcn.h>
#include <stdlib.h>

#ifndef SIMSRV_HDF5_SONAME
#define SIMSRV_HDF5_SONAME "libhdf5_serial.so.103"
#endif

H5dl h5dl; /* loaded iff its members are set: H5open first of all */

const char *h5dl_library(void)
{
    const char *lib = getenv("SIMSRV_HDF5_LIB");
    return lib != NULL && lib[0] != '\0' ? lib : SIMSRV_HDF5_SONAME;
}

/* The address of `name`, or NULL.  A global id (data) is looked up in
 * the process's global scope first: a program linked with HDF5 that reads
 * one of them itself (a test reading HDF5 files) holds a copy of the
 * variable (a copy relocation), and the library then reads and writes that
 * copy, not its own, which dlsym on the handle would give. */
static void *bind(void *lib, const char *name, int data)
{
    void *p = data ? dlsym(RTLD_DEFAULT, name) : NULL;
    return p != NULL ? p : dlsym(lib, name);
}

int h5dl_load(const char *path, Err *err)
{
    if (h5dl.H5open != NULL)
        return 0;
    void *lib = dlopen(h5dl_library(), RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *e = dlerror(); /* (it names the library) */
        return err_set(err, SIM_EIO, path, "cannot load the HDF5 library: %s",
                       e != NULL ? e : h5dl_library());
    }
    H5dl t;
    const char *missing = NULL;
#define H5DL_BIND(name, data)                                               \
    if (missing == NULL &&                                                  \
        (*(void **)(void *)&t.name = bind(lib, #name, data)) == NULL)       \
        missing = #name;
#define H5DL_BIND_FN(ret, name, params) H5DL_BIND(name, 0)
#define H5DL_BIND_ID(name) H5DL_BIND(name, 1)
    H5DL_FUNCS(H5DL_BIND_FN)
    H5DL_IDS(H5DL_BIND_ID)
#undef H5DL_BIND_FN
#undef H5DL_BIND_ID
#undef H5DL_BIND
    if (missing != NULL) {
        dlclose(lib);
        return err_set(err, SIM_EIO, path,
                       "%s has no %s: not the HDF5 this simsrv was built for",
                       h5dl_library(), missing);
    }
    h5dl = t;
    return 0;
}

#else

typedef int h5dl_unused; /* ISO C forbids an empty translation unit */

#endif

/*
 * h5dl.c - loads the HDF5 library and fills its table (see h5dl.h).
 *
 * dlopen of the soname the build linked its headers against, RTLD_LOCAL
 * (nothing else resolves against it) and never closed: HDF5 keeps global
 * state for the process, and its exit handler stays off (h5_create_file).
 * A process that already has the library (a test that reads HDF5 files
 * links it) gets that copy back from dlopen, so both see one library.
 */
#define _GNU_SOURCE /* RTLD_* is POSIX; nothing else GNU is needed */
#define H5DL_IMPLEMENTATION
#include "h5dl.h"

#ifdef SIMSRV_HAVE_HDF5
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SIMSRV_HDF5_SONAME
#define SIMSRV_HDF5_SONAME "libhdf5_serial.so.103"
#endif

H5dl h5dl;
static int loaded;

const char *h5dl_library(void)
{
    const char *lib = getenv("SIMSRV_HDF5_LIB");
    return lib != NULL && lib[0] != '\0' ? lib : SIMSRV_HDF5_SONAME;
}

/* dlsym into *slot; 0, or -1 with the missing name in why.  A global id
 * is looked up in the process's global scope first: a program linked with
 * HDF5 that reads one of them itself (a test reading HDF5 files) holds a
 * copy of the variable (a copy relocation), and the library then reads and
 * writes that copy, not its own, which dlsym on the handle would give. */
static int bind(void *lib, const char *name, int data, void **slot,
                char *why, size_t n)
{
    *slot = data ? dlsym(RTLD_DEFAULT, name) : NULL;
    if (*slot == NULL)
        *slot = dlsym(lib, name);
    if (*slot != NULL)
        return 0;
    snprintf(why, n, "%s has no %s: not the HDF5 this simsrv was built for",
             h5dl_library(), name);
    return -1;
}

int h5dl_load(char *why, size_t n)
{
    if (loaded)
        return 0;
    void *lib = dlopen(h5dl_library(), RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *e = dlerror(); /* (it names the library) */
        snprintf(why, n, "cannot load the HDF5 library: %s",
                 e != NULL ? e : h5dl_library());
        return -1;
    }
    H5dl t;
#define H5DL_BIND_FN(ret, name, params)                                     \
    if (bind(lib, #name, 0, (void **)(void *)&t.name, why, n) < 0)           \
        goto fail;
#define H5DL_BIND_ID(name)                                                  \
    if (bind(lib, #name, 1, (void **)(void *)&t.name, why, n) < 0)           \
        goto fail;
    H5DL_FUNCS(H5DL_BIND_FN)
    H5DL_IDS(H5DL_BIND_ID)
#undef H5DL_BIND_FN
#undef H5DL_BIND_ID
    h5dl = t;
    loaded = 1;
    return 0;
fail:
    dlclose(lib);
    return -1;
}

#else

typedef int h5dl_unused; /* ISO C forbids an empty translation unit */

#endif

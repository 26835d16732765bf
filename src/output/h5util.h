/*
 * h5util.h - small HDF5 helpers shared by the HDF5 writers (sweep.h5,
 * requests.h5).  Only compiled with HDF5 support.  The library is loaded
 * at a writer's first need (h5dl.h): h5dl_load() comes before anything
 * else.
 */
#ifndef SIM_OUTPUT_H5UTIL_H
#define SIM_OUTPUT_H5UTIL_H

#ifdef SIMSRV_HAVE_HDF5
#include "h5dl.h"

/* A variable-length string attribute `name` = `value` on `loc`. */
void h5_attr_string(hid_t loc, const char *name, const char *value);

/* Creates (truncates) `path` for writing, after silencing HDF5's own error
 * stack (simsrv reports one line instead) and its exit handler.  Object time tracking is off on
 * the file's root group, so identical runs give identical bytes; a close
 * closes every object still open in the file (H5F_CLOSE_STRONG).  Returns
 * the file id or a negative value. */
hid_t h5_create_file(const char *path);

/* Closes a file made by h5_create_file(): 0, or -1 if its last writes
 * failed; the file is released either way (no loop at exit). */
int h5_close_file(hid_t f);

/* Dataset and group creation property lists with time tracking off; the
 * caller closes them with H5Pclose. */
hid_t h5_dcpl(void);
hid_t h5_gcpl(void);
#endif

#endif

/*
 * h5util.h - small HDF5 helpers shared by the HDF5 writers (sweep.h5,
 * requests.h5).  Only compiled with HDF5 support.
 */
#ifndef SIM_OUTPUT_H5UTIL_H
#define SIM_OUTPUT_H5UTIL_H

#ifdef SIMSRV_HAVE_HDF5
#include <hdf5.h>

/* A variable-length string attribute `name` = `value` on `loc`. */
void h5_attr_string(hid_t loc, const char *name, const char *value);
#endif

#endif

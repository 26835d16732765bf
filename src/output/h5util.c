/*
 * h5util.c - HDF5 helpers (see h5util.h).
 */
#include "h5util.h"

#ifdef SIMSRV_HAVE_HDF5

void h5_attr_string(hid_t loc, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t at = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(at, type, &value);
    H5Aclose(at);
    H5Sclose(space);
    H5Tclose(type);
}

#else

typedef int h5util_unused; /* ISO C forbids an empty translation unit */

#endif

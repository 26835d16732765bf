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

hid_t h5_create_file(const char *path)
{
    /* No H5close() at exit: after a failed close (full disk) it loops over
     * the file it cannot flush and prints about it.  Every file simsrv
     * opens is closed before exit, so there is nothing left to flush.  A
     * no-op if the library is already in use. */
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_obj_track_times(fcpl, 0);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fapl);
    H5Pclose(fcpl);
    return f;
}

int h5_close_file(hid_t f)
{
    if (H5Fclose(f) >= 0)
        return 0;
    /* A close that failed (a full disk) leaves the file open, and the
     * library would loop over it at exit.  Retrying releases the id; the
     * library's own exit handler is off (h5_create_file), since HDF5 1.10
     * keeps the unflushable file inside and reports "infinite loop
     * closing library" from it. */
    for (int i = 0; i < 4 && H5Iis_valid(f) > 0; i++)
        H5Fclose(f);
    return -1;
}

hid_t h5_dcpl(void)
{
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(p, 0);
    return p;
}

hid_t h5_gcpl(void)
{
    hid_t p = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(p, 0);
    return p;
}

#else

typedef int h5util_unused; /* ISO C forbids an empty translation unit */

#endif

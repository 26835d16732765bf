/*
 * h5dl.h - the HDF5 library, loaded when a writer first needs it.
 *
 * Why not linked.  Debian's libhdf5_serial links libcurl (for its S3 file
 * driver) and through it TLS, Kerberos, LDAP and more: some thirty shared
 * libraries whose loading and start-up code took about 9 ms of every
 * simsrv process, HDF5 written or not: `simsrv --version` took 12.3 ms
 * with them and takes 3.2 ms without, and a whole 10^6 s run of the SimFaaS
 * README workload (scenarios/simfaas-readme.json) 0.144 s and 0.132 s
 * (medians, release builds).  Now only a run that writes requests.h5 or
 * sweep.h5 pays for it, once.
 *
 * Representation.  A table of pointers, one per function the writers call
 * and one per global id they read (H5T_NATIVE_DOUBLE and the like are the
 * library's variables), filled by dlsym from the library whose soname the
 * build found (SIMSRV_HDF5_SONAME, by scripts/soname.py), or the file
 * $SIMSRV_HDF5_LIB names.  After <hdf5.h>, which still gives the
 * types and constants, each name the writers use is a macro for its table
 * entry, so the writers keep the library's own spelling.  The build and
 * the loaded library are the same release: the library's own version check
 * (H5check_version, which H5F_ACC_TRUNC and the like call) still runs.
 *
 * Include this instead of <hdf5.h>.  A writer calls h5dl_load() before
 * anything else of HDF5; it loads once and is not thread-safe (HDF5's
 * serial library is not either: its writers run on one thread).
 */
#ifndef SIM_OUTPUT_H5DL_H
#define SIM_OUTPUT_H5DL_H

#ifdef SIMSRV_HAVE_HDF5
#include <hdf5.h>

#include "../util/err.h"

/* X(return type, name, parameter list): the functions the writers call. */
#define H5DL_FUNCS(X)                                                       \
    X(herr_t, H5check_version, (unsigned, unsigned, unsigned))              \
    X(herr_t, H5open, (void))                                               \
    X(herr_t, H5dont_atexit, (void))                                        \
    X(herr_t, H5Eset_auto2, (hid_t, H5E_auto2_t, void *))                   \
    X(htri_t, H5Iis_valid, (hid_t))                                         \
    X(hid_t, H5Fcreate, (const char *, unsigned, hid_t, hid_t))             \
    X(herr_t, H5Fclose, (hid_t))                                            \
    X(hid_t, H5Gcreate2, (hid_t, const char *, hid_t, hid_t, hid_t))        \
    X(herr_t, H5Gclose, (hid_t))                                            \
    X(hid_t, H5Pcreate, (hid_t))                                            \
    X(herr_t, H5Pclose, (hid_t))                                            \
    X(herr_t, H5Pset_chunk, (hid_t, int, const hsize_t *))                  \
    X(herr_t, H5Pset_deflate, (hid_t, unsigned))                            \
    X(herr_t, H5Pset_fclose_degree, (hid_t, H5F_close_degree_t))            \
    X(herr_t, H5Pset_obj_track_times, (hid_t, hbool_t))                     \
    X(hid_t, H5Screate, (H5S_class_t))                                      \
    X(hid_t, H5Screate_simple, (int, const hsize_t *, const hsize_t *))     \
    X(herr_t, H5Sselect_hyperslab, (hid_t, H5S_seloper_t, const hsize_t *,  \
                                    const hsize_t *, const hsize_t *,       \
                                    const hsize_t *))                       \
    X(herr_t, H5Sclose, (hid_t))                                            \
    X(hid_t, H5Tcreate, (H5T_class_t, size_t))                              \
    X(hid_t, H5Tcopy, (hid_t))                                              \
    X(herr_t, H5Tinsert, (hid_t, const char *, size_t, hid_t))              \
    X(herr_t, H5Tset_size, (hid_t, size_t))                                 \
    X(herr_t, H5Tclose, (hid_t))                                            \
    X(hid_t, H5Acreate2, (hid_t, const char *, hid_t, hid_t, hid_t, hid_t)) \
    X(herr_t, H5Awrite, (hid_t, hid_t, const void *))                       \
    X(herr_t, H5Aclose, (hid_t))                                            \
    X(hid_t, H5Dcreate2, (hid_t, const char *, hid_t, hid_t, hid_t, hid_t,  \
                          hid_t))                                           \
    X(hid_t, H5Dget_space, (hid_t))                                         \
    X(herr_t, H5Dset_extent, (hid_t, const hsize_t *))                      \
    X(herr_t, H5Dwrite, (hid_t, hid_t, hid_t, hid_t, hid_t, const void *))  \
    X(herr_t, H5Dclose, (hid_t))

/* The library's global ids the writers read (through <hdf5.h>'s macros:
 * H5T_NATIVE_DOUBLE is H5T_NATIVE_DOUBLE_g once the library is open). */
#define H5DL_IDS(X)                                                         \
    X(H5T_NATIVE_DOUBLE_g)                                                  \
    X(H5T_NATIVE_INT8_g)                                                    \
    X(H5T_NATIVE_INT32_g)                                                   \
    X(H5T_NATIVE_INT64_g)                                                   \
    X(H5T_IEEE_F64LE_g)                                                     \
    X(H5T_C_S1_g)                                                           \
    X(H5P_CLS_FILE_CREATE_ID_g)                                             \
    X(H5P_CLS_FILE_ACCESS_ID_g)                                             \
    X(H5P_CLS_DATASET_CREATE_ID_g)                                          \
    X(H5P_CLS_GROUP_CREATE_ID_g)

/* Members are named as the library names them: a macro below that stands
 * for `h5dl.NAME` is not expanded again inside its own expansion. */
typedef struct H5dl {
#define H5DL_FN_MEMBER(ret, name, params) ret(*name) params;
#define H5DL_ID_MEMBER(name) hid_t *name;
    H5DL_FUNCS(H5DL_FN_MEMBER)
    H5DL_IDS(H5DL_ID_MEMBER)
#undef H5DL_FN_MEMBER
#undef H5DL_ID_MEMBER
} H5dl;

extern H5dl h5dl;

/* Loads the library and fills h5dl (once; later calls return at once):
 * 0, or a negative SIM_EIO code with err naming `path`, the file that was
 * to be written, and why (the library missing, or a symbol it lacks). */
int h5dl_load(const char *path, Err *err);

/* The library h5dl_load opens: $SIMSRV_HDF5_LIB when set (an HDF5 of the
 * same release elsewhere), else the build's soname. */
const char *h5dl_library(void);

/* One macro per entry of the two lists above.  A name the writers use that
 * is missing here fails the link (simsrv does not link HDF5), and one here
 * that the lists lack fails the compile (no such member). */
#ifndef H5DL_IMPLEMENTATION
#define H5check_version (h5dl.H5check_version)
#define H5open (h5dl.H5open)
#define H5dont_atexit (h5dl.H5dont_atexit)
#define H5Eset_auto2 (h5dl.H5Eset_auto2)
#define H5Iis_valid (h5dl.H5Iis_valid)
#define H5Fcreate (h5dl.H5Fcreate)
#define H5Fclose (h5dl.H5Fclose)
#define H5Gcreate2 (h5dl.H5Gcreate2)
#define H5Gclose (h5dl.H5Gclose)
#define H5Pcreate (h5dl.H5Pcreate)
#define H5Pclose (h5dl.H5Pclose)
#define H5Pset_chunk (h5dl.H5Pset_chunk)
#define H5Pset_deflate (h5dl.H5Pset_deflate)
#define H5Pset_fclose_degree (h5dl.H5Pset_fclose_degree)
#define H5Pset_obj_track_times (h5dl.H5Pset_obj_track_times)
#define H5Screate (h5dl.H5Screate)
#define H5Screate_simple (h5dl.H5Screate_simple)
#define H5Sselect_hyperslab (h5dl.H5Sselect_hyperslab)
#define H5Sclose (h5dl.H5Sclose)
#define H5Tcreate (h5dl.H5Tcreate)
#define H5Tcopy (h5dl.H5Tcopy)
#define H5Tinsert (h5dl.H5Tinsert)
#define H5Tset_size (h5dl.H5Tset_size)
#define H5Tclose (h5dl.H5Tclose)
#define H5Acreate2 (h5dl.H5Acreate2)
#define H5Awrite (h5dl.H5Awrite)
#define H5Aclose (h5dl.H5Aclose)
#define H5Dcreate2 (h5dl.H5Dcreate2)
#define H5Dget_space (h5dl.H5Dget_space)
#define H5Dset_extent (h5dl.H5Dset_extent)
#define H5Dwrite (h5dl.H5Dwrite)
#define H5Dclose (h5dl.H5Dclose)
#define H5T_NATIVE_DOUBLE_g (*h5dl.H5T_NATIVE_DOUBLE_g)
#define H5T_NATIVE_INT8_g (*h5dl.H5T_NATIVE_INT8_g)
#define H5T_NATIVE_INT32_g (*h5dl.H5T_NATIVE_INT32_g)
#define H5T_NATIVE_INT64_g (*h5dl.H5T_NATIVE_INT64_g)
#define H5T_IEEE_F64LE_g (*h5dl.H5T_IEEE_F64LE_g)
#define H5T_C_S1_g (*h5dl.H5T_C_S1_g)
#define H5P_CLS_FILE_CREATE_ID_g (*h5dl.H5P_CLS_FILE_CREATE_ID_g)
#define H5P_CLS_FILE_ACCESS_ID_g (*h5dl.H5P_CLS_FILE_ACCESS_ID_g)
#define H5P_CLS_DATASET_CREATE_ID_g (*h5dl.H5P_CLS_DATASET_CREATE_ID_g)
#define H5P_CLS_GROUP_CREATE_ID_g (*h5dl.H5P_CLS_GROUP_CREATE_ID_g)
#endif

#endif /* SIMSRV_HAVE_HDF5 */

#endif

/*
 * families.c - `simsrv calibrate --families PROFILE...`: cold-start load time
 * and memory against model size, per architecture family.
 *
 * Reads calibrated profiles (their "cpu" class: the first thread count),
 * groups them by calibration.family and fits, by ordinary least squares,
 *   model load (ms) = load_base_ms + load_ms_per_mb x size_mb
 *   memory (MB)     = memory_base_mb + memory_per_mb x size_mb
 * so a profile for an unmeasured model of a known family can be written
 * from its size (model_load = load_base_ms, load_mb_per_s =
 * 1000 / load_ms_per_mb).  Writes a small JSON file (default
 * models/families.json) and prints the table.  A family needs two models
 * of different sizes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../config/scenario.h"
#include "../util/atomic_file.h"
#include "../util/xalloc.h"
#include "calib.h"
#include "fit.h"

#define MAX_PROFILES 256

typedef struct Point {
    const char *family, *name;
    double size_mb, load_ms, memory_mb;
} Point;

int calib_families(int argc, char **argv, FILE *out, FILE *ef)
{
    Err err;
    err_clear(&err);
    const char *out_path = "models/families.json";
    ModelProfile *m = xcalloc(MAX_PROFILES, sizeof *m);
    Point *pt = xcalloc(MAX_PROFILES, sizeof *pt);
    int n = 0, rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "--families") == 0)
            continue;
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_path = argv[++i];
            continue;
        }
        if (argv[i][0] == '-') {
            rc = err_set(&err, SIM_EINPUT, argv[i],
                         "not an option of --families (--out FILE)");
            break;
        }
        if (n == MAX_PROFILES) {
            rc = err_set(&err, SIM_EINPUT, argv[i], "at most %d profiles",
                         MAX_PROFILES);
            break;
        }
        if ((rc = profile_load(argv[i], &m[n], &err)) < 0)
            break;
        const HwProfile *h = profile_hw(&m[n], "cpu");
        if (!m[n].calibrated || h == NULL || h->cold_mode != COLD_COMPONENTS) {
            rc = err_set(&err, SIM_EINPUT, argv[i],
                         "not a calibrated profile with a \"cpu\" class");
            break;
        }
        pt[n] = (Point){m[n].calib_family, m[n].name, m[n].size_mb,
                        h->model_load.a_s * 1e3, m[n].memory_mb};
        n++;
    }
    if (rc == 0 && n == 0)
        rc = err_set(&err, SIM_EINPUT, "--families", "no profiles given");
    AtomicFile af;
    if (rc == 0 && (rc = atomic_file_open(&af, out_path, &err)) == 0) {
        fputs("{\n  \"description\": \"model load and memory against model size, "
              "per family: simsrv calibrate --families\",\n  \"families\": {",
              af.fp);
        fprintf(out, "%-12s %6s %14s %12s %14s %12s\n", "family", "models",
                "load base ms", "load ms/MB", "memory base MB", "memory MB/MB");
        int first = 1;
        for (int i = 0; i < n; i++) {
            int seen = 0;
            for (int j = 0; j < i; j++)
                seen |= strcmp(pt[j].family, pt[i].family) == 0;
            if (seen)
                continue;
            double x[MAX_PROFILES], yl[MAX_PROFILES], ym[MAX_PROFILES];
            size_t k = 0;
            for (int j = i; j < n; j++)
                if (strcmp(pt[j].family, pt[i].family) == 0) {
                    x[k] = pt[j].size_mb, yl[k] = pt[j].load_ms;
                    ym[k++] = pt[j].memory_mb;
                }
            double la = (double)NAN, lc = (double)NAN, ma = (double)NAN,
                   mc = (double)NAN;
            int distinct = 0;
            for (size_t j = 1; j < k; j++)
                distinct |= x[j] != x[0];
            if (distinct) {
                fit_line(x, yl, k, &la, &lc);
                fit_line(x, ym, k, &ma, &mc);
            }
            fprintf(out, "%-12s %6zu %14.1f %12.3f %14.1f %12.3f\n",
                    pt[i].family, k, la, lc, ma, mc);
            fprintf(af.fp, "%s\n    \"%s\": {\"models\": %zu", first ? "" : ",",
                    pt[i].family, k);
            if (distinct)
                fprintf(af.fp, ", \"load_base_ms\": %.6g, \"load_ms_per_mb\": %.6g, "
                               "\"memory_base_mb\": %.6g, \"memory_per_mb\": %.6g",
                        la, lc, ma, mc);
            fputs(", \"points\": [", af.fp);
            int f2 = 1;
            for (int j = i; j < n; j++)
                if (strcmp(pt[j].family, pt[i].family) == 0) {
                    fprintf(af.fp, "%s{\"model\": \"%s\", \"size_mb\": %.6g, "
                                   "\"load_ms\": %.6g, \"memory_mb\": %.6g}",
                            f2 ? "" : ", ", pt[j].name, pt[j].size_mb,
                            pt[j].load_ms, pt[j].memory_mb);
                    f2 = 0;
                }
            fputs("]}", af.fp);
            first = 0;
        }
        fputs("\n  }\n}\n", af.fp);
        rc = atomic_file_commit(&af, &err);
        if (rc == 0)
            fprintf(out, "(a family needs two model sizes for a fit) -> %s\n",
                    out_path);
    }
    free(m);
    free(pt);
    return rc < 0 ? calib_fail(ef, &err) : 0;
}

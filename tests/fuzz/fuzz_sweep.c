/*
 * fuzz_sweep.c - libFuzzer target: sweep files (config/sweep.c).
 *
 * The whole input is a sweep file's text, written to
 * scenarios/fuzz-sweep.json of the private folder (fuzz.h), so that its
 * "scenario" names one of the shipped scenarios beside it (spiky.json,
 * keepalive-base.json, ...; or the sweep itself).  sweep_load() expands
 * the grid, zip or points and validates every point's scenario in full, as
 * `simsrv sweep` does before it runs.
 *
 * Bounded: each point costs one scenario validation, so a sweep of more
 * than FUZZ_MAX_POINTS points is skipped -- except a grid beyond the
 * loader's own bound (1,000,000 points), which it must refuse before it
 * expands anything.  The count is taken from a cJSON parse of the input
 * made here, saturating, never overflowing.
 */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/sweep.h"
#include "fuzz.h"

#define FUZZ_MAX_POINTS 8
#define GRID_BOUND 1000000.0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

/* The number of points the sweep asks for (as a double: a product of up to
 * 16 array lengths does not overflow it); 1 if it does not parse. */
static double points_asked(const uint8_t *data, size_t n, int *is_grid)
{
    cJSON *root = cJSON_ParseWithLength((const char *)data, n);
    double pts = 1;
    *is_grid = 0;
    const cJSON *grid = cJSON_GetObjectItemCaseSensitive(root, "grid");
    const cJSON *zip = cJSON_GetObjectItemCaseSensitive(root, "zip");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "points");
    if (cJSON_IsArray(list))
        pts = cJSON_GetArraySize(list);
    for (const cJSON *it = grid != NULL ? grid->child : NULL; it != NULL;
         it = it->next) {
        pts *= cJSON_GetArraySize(it);
        *is_grid = 1;
    }
    for (const cJSON *it = zip != NULL ? zip->child : NULL; it != NULL;
         it = it->next)
        if (cJSON_GetArraySize(it) > pts)
            pts = cJSON_GetArraySize(it);
    cJSON_Delete(root);
    return pts;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    int is_grid;
    double pts = points_asked(data, n, &is_grid);
    if (pts > FUZZ_MAX_POINTS && !(is_grid && pts > GRID_BOUND))
        return 0;
    char path[PATH_MAX];
    fuzz_write("scenarios/fuzz-sweep.json", data, n, path, sizeof path);
    ScenarioOverrides ov = {-1, 0, NULL, NULL, 0};
    SweepPlan plan;
    Err err;
    err_clear(&err);
    int rc = sweep_load(path, &ov, &plan, &err);
    fuzz_report(rc, &err);
    if (rc == 0)
        sweep_free(&plan);
    return 0;
}

/*
 * sweep.c - sweep file -> points (see sweep.h).
 *
 * JSON paths are written the way they read: `workload.rate_per_s`,
 * `alternatives[1].keepalive.keepalive_s`, `workload.steps[1].at_s`.
 * Missing object keys on the way are created (`keepalive` above, when the
 * alternative has none); indexed arrays must exist.  The point's scenario
 * is then validated in full, so a mistyped key is still caught there.  The plan hash (FNV-1a 64 of the sweep text, the base
 * scenario text and the program version) tags every shard file, so shards
 * of different plans are never merged.
 */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "json.h"
#include "limits.h"

#ifndef SIMSRV_VERSION
#define SIMSRV_VERSION "unknown"
#endif

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h * 0x100000001b3ULL; /* separates consecutive strings */
}

/* Writes `value` (consumed) at `path` inside root.  0, or -1 with msg. */
static int set_path(cJSON *root, const char *path, cJSON *value, char *msg,
                    size_t size)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    cJSON *cur = root;
    char *seg = buf;
    for (;;) {
        char *dot = strchr(seg, '.');
        if (dot != NULL)
            *dot = '\0';
        char *br = strchr(seg, '[');
        int idx = -1;
        if (br != NULL) {
            *br = '\0';
            /* strtol, not atoi: an index past INT_MAX is refused, never an
             * overflow */
            char *end;
            long li = strtol(br + 1, &end, 10);
            idx = li >= 0 && li <= 1000000000L && end != br + 1 ? (int)li : -1;
            if (strchr(br + 1, ']') == NULL || idx < 0) {
                snprintf(msg, size, "malformed index in '%s'", path);
                goto fail;
            }
        }
        int last = dot == NULL;
        if (!cJSON_IsObject(cur)) {
            snprintf(msg, size, "'%s' goes through something not an object",
                     path);
            goto fail;
        }
        cJSON *child = cJSON_GetObjectItemCaseSensitive(cur, seg);
        if (idx < 0) {
            if (last) {
                if (child != NULL)
                    cJSON_ReplaceItemInObjectCaseSensitive(cur, seg, value);
                else
                    cJSON_AddItemToObject(cur, seg, value);
                return 0;
            }
            if (child == NULL) /* a missing object on the way is created */
                child = cJSON_AddObjectToObject(cur, seg);
            cur = child;
        } else {
            if (!cJSON_IsArray(child) || idx >= cJSON_GetArraySize(child)) {
                snprintf(msg, size, "the scenario has no %s[%d] (in '%s')",
                         seg, idx, path);
                goto fail;
            }
            if (last) {
                cJSON_ReplaceItemInArray(child, idx, value);
                return 0;
            }
            cur = cJSON_GetArrayItem(child, idx);
        }
        seg = dot + 1;
    }
fail:
    cJSON_Delete(value);
    return -1;
}

/* Reads the parameter lists of "grid" / "zip" / "points" into plan->param
 * and a value matrix of cJSON pointers (borrowed from the tree). */
/* A swept path is kept in a 128-byte slot: a longer one is refused, never
 * cut (a cut path would sweep nothing). */
static int check_key(const JCtx *c, const char *where, const char *key)
{
    if (strlen(key) < sizeof ((SweepPlan *)0)->param[0])
        return 0;
    return err_set(c->err, SIM_EINPUT, c->file,
                   "%s: a swept path is %zu characters (at most %zu)", where,
                   strlen(key), sizeof ((SweepPlan *)0)->param[0] - 1);
}

/* A path given twice in one grid, zip or point would be swept with one
 * list's length and the other's values (found by fuzzing): refused. */
static int check_repeated(const JCtx *c, const SweepPlan *plan,
                          const char *what, const char *key)
{
    for (int i = 0; i < plan->n_params; i++)
        if (strcmp(plan->param[i], key) == 0)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.%s: the path is given twice", what, key);
    return 0;
}

static int expand(const JCtx *c, const cJSON *root, SweepPlan *plan,
                  const cJSON ***vals_out)
{
    const cJSON *grid = cJSON_GetObjectItemCaseSensitive(root, "grid");
    const cJSON *zip = cJSON_GetObjectItemCaseSensitive(root, "zip");
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(root, "points");
    int kinds = (grid != NULL) + (zip != NULL) + (pts != NULL);
    if (kinds > 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "give one of \"grid\", \"zip\" and \"points\"");
    const cJSON **vals = NULL;
    if (kinds == 0) {
        plan->n_points = 1;
        plan->n_params = 0;
    } else if (pts != NULL) {
        int n = cJSON_GetArraySize(pts);
        if (!cJSON_IsArray(pts) || n < 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "points: expected a non-empty array of objects "
                           "{\"json.path\": value}");
        const cJSON *first = cJSON_GetArrayItem(pts, 0);
        if (!cJSON_IsObject(first))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "points[0]: expected an object");
        for (const cJSON *it = first->child; it != NULL; it = it->next) {
            if (plan->n_params == SWEEP_MAX_PARAMS)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "at most %d parameters", SWEEP_MAX_PARAMS);
            if (check_key(c, "points[0]", it->string) < 0 ||
                check_repeated(c, plan, "points[0]", it->string) < 0)
                return -SIM_EINPUT;
            snprintf(plan->param[plan->n_params++], 128, "%s", it->string);
        }
        plan->n_points = n;
        vals = xcalloc((size_t)(n * plan->n_params + 1), sizeof *vals);
        const cJSON *pt = pts->child; /* walked, not indexed: O(n) */
        for (int p = 0; p < n; p++, pt = pt->next) {
            int count = 0;
            for (const cJSON *it = pt ? pt->child : NULL; it; it = it->next)
                count++;
            if (!cJSON_IsObject(pt) || count != plan->n_params) {
                free(vals);
                return err_set(c->err, SIM_EINPUT, c->file,
                               "points[%d]: every point sets the same %d "
                               "paths as points[0]",
                               p, plan->n_params);
            }
            for (int i = 0; i < plan->n_params; i++) {
                const cJSON *v =
                    cJSON_GetObjectItemCaseSensitive(pt, plan->param[i]);
                if (v == NULL) {
                    free(vals);
                    return err_set(c->err, SIM_EINPUT, c->file,
                                   "points[%d]: missing '%s'", p,
                                   plan->param[i]);
                }
                vals[p * plan->n_params + i] = v;
            }
        }
    } else {
        const cJSON *obj = grid != NULL ? grid : zip;
        const char *what = grid != NULL ? "grid" : "zip";
        int len[SWEEP_MAX_PARAMS];
        if (!cJSON_IsObject(obj) || obj->child == NULL)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: expected an object {\"json.path\": [values]}",
                           what);
        for (const cJSON *it = obj->child; it != NULL; it = it->next) {
            if (plan->n_params == SWEEP_MAX_PARAMS)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "%s: at most %d parameters", what,
                               SWEEP_MAX_PARAMS);
            int n = cJSON_GetArraySize(it);
            if (!cJSON_IsArray(it) || n < 1)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "%s.%s: expected a non-empty array of values",
                               what, it->string);
            if (check_key(c, what, it->string) < 0 ||
                check_repeated(c, plan, what, it->string) < 0)
                return -SIM_EINPUT;
            len[plan->n_params] = n;
            snprintf(plan->param[plan->n_params++], 128, "%s", it->string);
        }
        if (grid != NULL) {
            long long total = 1;
            for (int i = 0; i < plan->n_params && total <= 1000000; i++)
                total *= len[i]; /* <= 10^6 x 2^31: no overflow */
            if (total > 1000000)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "grid: %lld points (at most 1,000,000)", total);
            plan->n_points = (int)total;
        } else {
            for (int i = 1; i < plan->n_params; i++)
                if (len[i] != len[0])
                    return err_set(c->err, SIM_EINPUT, c->file,
                                   "zip.%s: %d values, but %s has %d",
                                   plan->param[i], len[i], plan->param[0],
                                   len[0]);
            plan->n_points = len[0];
        }
        vals = xcalloc((size_t)(plan->n_points * plan->n_params + 1),
                       sizeof *vals);
        /* each list's items by index (cJSON_GetArrayItem walks the list) */
        const cJSON **item[SWEEP_MAX_PARAMS];
        for (int i = 0; i < plan->n_params; i++) {
            const cJSON *arr =
                cJSON_GetObjectItemCaseSensitive(obj, plan->param[i]);
            item[i] = xcalloc((size_t)len[i], sizeof *item[i]);
            int k = 0;
            for (const cJSON *e = arr->child; e != NULL; e = e->next)
                item[i][k++] = e;
        }
        for (int p = 0; p < plan->n_points; p++) {
            int rest = p;
            for (int i = plan->n_params - 1; i >= 0; i--) {
                int k = grid != NULL ? rest % len[i] : p;
                if (grid != NULL)
                    rest /= len[i];
                vals[p * plan->n_params + i] = item[i][k];
            }
        }
        for (int i = 0; i < plan->n_params; i++)
            free(item[i]);
    }
    *vals_out = vals;
    return 0;
}

/* Once point 0 is validated: the replications, and the sweep's size
 * against the bounds of config/limits.h (cells, and the memory held at
 * once, estimated from point 0), refused before the other points are
 * built. */
static int check_size(const JCtx *c, const cJSON *root, SweepPlan *plan,
                      const ScenarioOverrides *ov)
{
    const Scenario *p0 = &plan->points[0];
    if (plan->replications == 0)
        plan->replications = p0->replications;
    if (ov != NULL && ov->replications > 0)
        plan->replications = ov->replications;
    const char *key = cJSON_GetObjectItemCaseSensitive(root, "grid")   ? "grid"
                      : cJSON_GetObjectItemCaseSensitive(root, "zip") ? "zip"
                      : cJSON_GetObjectItemCaseSensitive(root, "points")
                          ? "points"
                          : "replications";
    long long cells = (long long)plan->n_points * plan->replications;
    if (cells > LIMITS_MAX_SWEEP_CELLS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: %d points x %d replications are %lld cells; at "
                       "most %lld (cell indices are ints; split the sweep)",
                       key, plan->n_points, plan->replications, cells,
                       LIMITS_MAX_SWEEP_CELLS);
    /* held per point: its work (8 bytes), the runner's slot and count of
     * cells left (12), and each value's text with its pointer and the
     * allocator's overhead (about 40 + its length) */
    double point_bytes = 20.0;
    for (int i = 0; i < plan->n_params; i++)
        point_bytes += 41.0 + (double)strlen(plan->value[i]);
    double bytes = limits_sweep_bytes(plan->n_points, point_bytes,
                                      (double)cells, p0->n_alt);
    if (bytes > (double)LIMITS_SWEEP_MAX_BYTES)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: %d points x %d replications x %d alternatives "
                       "hold about %.3g GB at once (%.0f bytes a point, %d a "
                       "cell); at most %.3g GB (split the sweep)",
                       key, plan->n_points, plan->replications, p0->n_alt,
                       bytes / 1e9, point_bytes,
                       LIMITS_SWEEP_CELL_BYTES +
                           p0->n_alt * LIMITS_SWEEP_ROW_BYTES,
                       (double)LIMITS_SWEEP_MAX_BYTES / 1e9);
    return 0;
}

/* What a plan keeps to build its points again, one at a time (sweep.h:
 * sweep_point_load): the sweep and base trees, the value of every
 * (point, parameter) as a view into the sweep tree, and the overrides
 * with the shared pricing catalog. */
struct SweepSource {
    cJSON *root, *base;         /* owned */
    const cJSON **vals;         /* [point * n_params + i], views into root */
    Catalog *cache;             /* owned: one catalog parse for every point */
    ScenarioOverrides pov;      /* pov.catalog_cache = &cache */
};

/* Point p's scenario, loaded with the overrides pov. */
static int point_load(const SweepPlan *plan, int p,
                      const ScenarioOverrides *pov, Scenario *sc, Err *err)
{
    struct SweepSource *src = plan->src;
    cJSON *tree = cJSON_Duplicate(src->base, 1);
    char msg[300];
    for (int i = 0; i < plan->n_params; i++) {
        const cJSON *v = src->vals[p * plan->n_params + i];
        if (set_path(tree, plan->param[i], cJSON_Duplicate(v, 1), msg,
                     sizeof msg) < 0) {
            cJSON_Delete(tree);
            memset(sc, 0, sizeof *sc);
            return err_set(err, SIM_EINPUT, plan->path, "point %d: %s", p,
                           msg);
        }
    }
    char *text = cJSON_PrintUnformatted(tree);
    cJSON_Delete(tree);
    Err perr;
    err_clear(&perr);
    int rc = scenario_load_text(plan->scenario_path, text, pov, sc, &perr);
    free(text);
    if (rc < 0) {
        char line[900];
        err_format(&perr, line, sizeof line);
        return err_set(err, SIM_EINPUT, plan->path,
                       "point %d makes the scenario invalid: %s", p, line);
    }
    return 0;
}

int sweep_point_load(const SweepPlan *plan, int p, Scenario *sc, Err *err)
{
    return point_load(plan, p, &plan->src->pov, sc, err);
}

/* The points' scenarios are kept from the check to the run when they
 * take at most this much memory together. */
#define SWEEP_HOLD_BYTES (32.0 * 1024 * 1024)

/* A scenario's expected arrivals in one run, known before it runs: the
 * trace's rows in its window, or the mean rate over the arrival window. */
static double expected_arrivals(const Scenario *sc)
{
    const WorkloadSpec *wl = &sc->workload;
    if (strcmp(wl->type, "azure2019") == 0)
        return (double)wl->az19_stats.invocations;
    if (strcmp(wl->type, "trace") == 0 || strcmp(wl->type, "azure2021") == 0)
        return (double)wl->trace_rows;
    double end = wl->end_s > 0 && wl->end_s < sc->horizon_s ? wl->end_s
                                                            : sc->horizon_s;
    return end > wl->start_s ? arrivals_mean_rate(wl) * (end - wl->start_s)
                             : 0.0;
}

/* What the progress line weighs a cell of the point by: expected arrivals
 * x runs (its alternatives, twice with an MSER-5 pilot run), plus one per
 * run for the set-up.  Events per arrival differ little between the cells
 * of a sweep; arrivals per cell may differ a hundredfold. */
static double point_work(const Scenario *sc)
{
    double runs = sc->n_alt * (sc->warmup.method == WARMUP_MSER5 ? 2.0 : 1.0);
    return runs * (1.0 + expected_arrivals(sc));
}

static int load(const char *path, const char *sweep_text,
                const ScenarioOverrides *ov, SweepFor each, SweepPlan *plan,
                Err *err);

int sweep_load(const char *path, const ScenarioOverrides *ov,
               SweepPlan *plan, Err *err)
{
    return load(path, NULL, ov, NULL, plan, err);
}

int sweep_load_each(const char *path, const ScenarioOverrides *ov,
                    SweepFor each, SweepPlan *plan, Err *err)
{
    return load(path, NULL, ov, each, plan, err);
}

int sweep_load_text(const char *path, const char *sweep_text,
                    const ScenarioOverrides *ov, SweepPlan *plan, Err *err)
{
    return load(path, sweep_text, ov, NULL, plan, err);
}

/* Checking the points past 0, each on its own (at once, with a SweepFor):
 * a point's outcome goes to its own entries only.  The catalog cache is
 * only read meanwhile. */
typedef struct PointCheck {
    SweepPlan *plan;
    ScenarioOverrides pov; /* the plan's, its cache fixed */
    signed char *bad;      /* [n_points]: 1 the point fails to load, 2 it
                              changes the alternatives */
    int *cols;             /* [n_points]: scenario_columns */
} PointCheck;

static void check_point(void *ctx, int p)
{
    PointCheck *pc = ctx;
    const Scenario *p0 = &pc->plan->points[0];
    Scenario pt;
    Err err;
    err_clear(&err);
    if (point_load(pc->plan, p, &pc->pov, &pt, &err) < 0) {
        pc->bad[p] = 1;
        return;
    }
    int same = pt.n_alt == p0->n_alt;
    for (int a = 0; same && a < p0->n_alt; a++)
        same = strcmp(pt.alt[a].name, p0->alt[a].name) == 0;
    pc->plan->work[p] = point_work(&pt);
    pc->cols[p] = scenario_columns(&pt);
    pc->bad[p] = same ? 0 : 2;
    if (p < pc->plan->points_held)
        pc->plan->points[p] = pt; /* kept for the runner */
    else
        scenario_free(&pt);
}

void sweep_each_serial(int from, int to, SweepBody body, void *ctx)
{
    for (int i = from; i < to; i++)
        body(ctx, i);
}

/* Points 1.. checked by `each`; the error is the lowest failing point's,
 * as a serial check would report it. */
static int check_points(SweepPlan *plan, SweepFor each, Err *err)
{
    int n = plan->n_points;
    PointCheck pc = {plan, plan->src->pov, xcalloc((size_t)n, 1),
                     xcalloc((size_t)n, sizeof(int))};
    pc.pov.catalog_cache_fixed = 1;
    (each != NULL ? each : sweep_each_serial)(1, n, check_point, &pc);
    int rc = 0;
    for (int p = 1; p < n && rc == 0; p++) {
        plan->llm |= pc.cols[p];
        if (pc.bad[p] == 1) {
            Scenario pt; /* again, for its message */
            rc = point_load(plan, p, &pc.pov, &pt, err);
            if (rc == 0) { /* (a file changed meanwhile) */
                scenario_free(&pt);
                rc = err_set(err, SIM_EINPUT, plan->path,
                             "point %d: a file it reads changed while the "
                             "sweep was checked",
                             p);
            }
        } else if (pc.bad[p] == 2) {
            rc = err_set(err, SIM_EINPUT, plan->path,
                         "point %d changes the alternatives' names or number "
                         "(every point must compare the same alternatives)",
                         p);
        }
    }
    free(pc.bad);
    free(pc.cols);
    return rc;
}

static int load(const char *path, const char *sweep_text,
                const ScenarioOverrides *ov, SweepFor each, SweepPlan *plan,
                Err *err)
{
    static const char *const keys[] = {"name", "scenario", "replications",
                                       "grid", "zip", "points", "notes",
                                       NULL};
    char *base_text = NULL;
    int rc;
    long long reps;
    memset(plan, 0, sizeof *plan);
    struct SweepSource *src = plan->src = xcalloc(1, sizeof *src);
    snprintf(plan->path, sizeof plan->path, "%s", path);
    if (sweep_text != NULL) {
        plan->sweep_text = xstrdup(sweep_text);
        rc = json_parse_text(path, sweep_text, &src->root, err);
    } else {
        rc = json_load_file(path, &src->root, &plan->sweep_text, err);
    }
    if (rc < 0)
        goto done;
    cJSON *root = src->root;
    JCtx c = {path, err};
    char scen[512], dir[512];
    if ((rc = json_expect_object(&c, root, "")) < 0 ||
        (rc = json_check_keys(&c, root, "", keys)) < 0 ||
        (rc = json_str(&c, root, "", "scenario", 1, NULL, scen,
                       sizeof scen)) < 0)
        goto done;
    json_file_stem(path, plan->name, sizeof plan->name);
    if ((rc = json_str(&c, root, "", "name", 0, plan->name, plan->name,
                       sizeof plan->name)) < 0)
        goto done;
    if ((rc = scenario_check_name(path, plan->name, err)) < 0)
        goto done;
    {
        const char *slash = strrchr(path, '/');
        if (slash == NULL)
            snprintf(dir, sizeof dir, ".");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    }
    if (scen[0] == '/')
        snprintf(plan->scenario_path, sizeof plan->scenario_path, "%s", scen);
    else
        snprintf(plan->scenario_path, sizeof plan->scenario_path, "%s/%s",
                 dir, scen);
    if ((rc = json_load_file(plan->scenario_path, &src->base, &base_text,
                             err)) < 0)
        goto done;
    if ((rc = expand(&c, root, plan, &src->vals)) < 0)
        goto done;
    if ((rc = json_int(&c, root, "", "replications", 0, 0, 1, 100000,
                       &reps)) < 0)
        goto done;
    plan->hash = fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ULL, plan->sweep_text),
                             base_text),
                       SIMSRV_VERSION);
    /* every point shares one parsed pricing catalog */
    src->pov = (ScenarioOverrides){-1, 0, NULL, NULL, 0};
    if (ov != NULL)
        src->pov = *ov;
    src->pov.catalog_cache = &src->cache;
    plan->value = xcalloc((size_t)(plan->n_points * plan->n_params + 1),
                          sizeof *plan->value);
    for (int i = 0; i < plan->n_params; i++) /* point 0's; the rest once */
        plan->value[i] = cJSON_PrintUnformatted(src->vals[i]); /* checked */
    /* Point 0 is held (the alternatives' names and count); every other
     * point is built and checked here.  If all of them fit in
     * SWEEP_HOLD_BYTES they are kept for the runner; else each is freed
     * and built again when its cells run, so that memory does not grow
     * with the points' scenarios (some 100 KB each). */
    plan->points = xcalloc(1, sizeof *plan->points);
    plan->replications = (int)reps; /* 0: the scenario's, after point 0 */
    if ((rc = sweep_point_load(plan, 0, &plan->points[0], err)) < 0)
        goto done;
    plan->points_held = 1;
    if ((double)plan->n_points *
            (double)(sizeof(Scenario) +
                     (size_t)plan->points[0].n_alt * sizeof(AltSpec)) <=
        SWEEP_HOLD_BYTES) {
        plan->points = xrealloc(plan->points,
                                (size_t)plan->n_points * sizeof *plan->points);
        memset(plan->points + 1, 0,
               (size_t)(plan->n_points - 1) * sizeof *plan->points);
        plan->points_held = plan->n_points;
    }
    if ((rc = check_size(&c, root, plan, ov)) < 0)
        goto done;
    for (int i = plan->n_params; i < plan->n_points * plan->n_params; i++)
        plan->value[i] = cJSON_PrintUnformatted(src->vals[i]);
    plan->work = xcalloc((size_t)plan->n_points, sizeof *plan->work);
    plan->work[0] = point_work(&plan->points[0]);
    plan->llm = scenario_columns(&plan->points[0]);
    rc = check_points(plan, each, err);
done:
    free(base_text);
    if (rc < 0)
        sweep_free(plan);
    return rc;
}

void sweep_free(SweepPlan *plan)
{
    for (int p = 0; plan->points != NULL && p < plan->points_held; p++)
        scenario_free(&plan->points[p]);
    free(plan->points);
    for (int i = 0; plan->value != NULL && i < plan->n_points * plan->n_params;
         i++)
        free(plan->value[i]);
    free(plan->value);
    free(plan->work);
    free(plan->sweep_text);
    struct SweepSource *src = plan->src;
    if (src != NULL) {
        catalog_close(src->cache);
        free(src->vals);
        cJSON_Delete(src->base);
        cJSON_Delete(src->root);
        free(src);
    }
    memset(plan, 0, sizeof *plan);
}

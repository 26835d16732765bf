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
            idx = atoi(br + 1);
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
            if (check_key(c, "points[0]", it->string) < 0)
                return -SIM_EINPUT;
            snprintf(plan->param[plan->n_params++], 128, "%s", it->string);
        }
        plan->n_points = n;
        vals = xcalloc((size_t)(n * plan->n_params + 1), sizeof *vals);
        for (int p = 0; p < n; p++) {
            const cJSON *pt = cJSON_GetArrayItem(pts, p);
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
            if (check_key(c, what, it->string) < 0)
                return -SIM_EINPUT;
            len[plan->n_params] = n;
            snprintf(plan->param[plan->n_params++], 128, "%s", it->string);
        }
        if (grid != NULL) {
            long long total = 1;
            for (int i = 0; i < plan->n_params; i++)
                total *= len[i];
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
        for (int p = 0; p < plan->n_points; p++) {
            int rest = p;
            for (int i = plan->n_params - 1; i >= 0; i--) {
                int k = grid != NULL ? rest % len[i] : p;
                if (grid != NULL)
                    rest /= len[i];
                const cJSON *arr =
                    cJSON_GetObjectItemCaseSensitive(obj, plan->param[i]);
                vals[p * plan->n_params + i] = cJSON_GetArrayItem(arr, k);
            }
        }
    }
    *vals_out = vals;
    return 0;
}

int sweep_load(const char *path, const ScenarioOverrides *ov,
               SweepPlan *plan, Err *err)
{
    return sweep_load_text(path, NULL, ov, plan, err);
}

int sweep_load_text(const char *path, const char *sweep_text,
                    const ScenarioOverrides *ov, SweepPlan *plan, Err *err)
{
    static const char *const keys[] = {"name", "scenario", "replications",
                                       "grid", "zip", "points", "notes",
                                       NULL};
    cJSON *root = NULL, *base = NULL;
    Catalog *cache = NULL;
    const cJSON **vals = NULL;
    char *base_text = NULL;
    int rc;
    long long reps;
    memset(plan, 0, sizeof *plan);
    snprintf(plan->path, sizeof plan->path, "%s", path);
    if (sweep_text != NULL) {
        plan->sweep_text = xstrdup(sweep_text);
        if ((rc = json_parse_text(path, sweep_text, &root, err)) < 0) {
            sweep_free(plan);
            return rc;
        }
    } else if ((rc = json_load_file(path, &root, &plan->sweep_text, err)) <
               0) {
        return rc;
    }
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
    if ((rc = json_load_file(plan->scenario_path, &base, &base_text, err)) <
        0)
        goto done;
    if ((rc = expand(&c, root, plan, &vals)) < 0)
        goto done;
    if ((rc = json_int(&c, root, "", "replications", 0, 0, 1, 100000,
                       &reps)) < 0)
        goto done;
    plan->hash = fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ULL, plan->sweep_text),
                             base_text),
                       SIMSRV_VERSION);
    /* every point shares one parsed pricing catalog */
    ScenarioOverrides pov = {-1, 0, NULL, &cache};
    if (ov != NULL) {
        pov = *ov;
        pov.catalog_cache = &cache;
    }
    plan->points = xcalloc((size_t)plan->n_points, sizeof *plan->points);
    plan->value = xcalloc((size_t)(plan->n_points * plan->n_params + 1),
                          sizeof *plan->value);
    for (int p = 0; p < plan->n_points; p++) {
        cJSON *tree = cJSON_Duplicate(base, 1);
        char msg[300];
        for (int i = 0; i < plan->n_params; i++) {
            const cJSON *v = vals[p * plan->n_params + i];
            plan->value[p * plan->n_params + i] = cJSON_PrintUnformatted(v);
            if (set_path(tree, plan->param[i], cJSON_Duplicate(v, 1), msg,
                         sizeof msg) < 0) {
                cJSON_Delete(tree);
                rc = err_set(err, SIM_EINPUT, path, "point %d: %s", p, msg);
                goto done;
            }
        }
        char *text = cJSON_PrintUnformatted(tree);
        cJSON_Delete(tree);
        Err perr;
        rc = scenario_load_text(plan->scenario_path, text, &pov,
                                &plan->points[p], &perr);
        free(text);
        if (rc < 0) {
            char line[900];
            err_format(&perr, line, sizeof line);
            rc = err_set(err, SIM_EINPUT, path, "point %d makes the scenario "
                                                "invalid: %s",
                         p, line);
            goto done;
        }
        const Scenario *p0 = &plan->points[0], *pp = &plan->points[p];
        int same = pp->n_alt == p0->n_alt;
        for (int a = 0; same && a < p0->n_alt; a++)
            same = strcmp(pp->alt[a].name, p0->alt[a].name) == 0;
        if (!same) {
            rc = err_set(err, SIM_EINPUT, path,
                         "point %d changes the alternatives' names or number "
                         "(every point must compare the same alternatives)",
                         p);
            goto done;
        }
    }
    plan->replications =
        reps > 0 ? (int)reps : plan->points[0].replications;
    if (ov != NULL && ov->replications > 0)
        plan->replications = ov->replications;
done:
    catalog_close(cache);
    free(vals);
    free(base_text);
    cJSON_Delete(base);
    cJSON_Delete(root);
    if (rc < 0)
        sweep_free(plan);
    return rc;
}

void sweep_free(SweepPlan *plan)
{
    for (int p = 0; plan->points != NULL && p < plan->n_points; p++)
        scenario_free(&plan->points[p]);
    free(plan->points);
    for (int i = 0; plan->value != NULL && i < plan->n_points * plan->n_params;
         i++)
        free(plan->value[i]);
    free(plan->value);
    free(plan->sweep_text);
    memset(plan, 0, sizeof *plan);
}

/*
 * optimize.c - optimisation file -> candidates, constraints, objective
 * (see optimize.h).
 *
 * The space is expanded here into value lists and handed to the sweep
 * loader as a generated grid ({"scenario": ..., "replications": max,
 * "grid": {path: [values]}}), so a candidate's point is exactly the sweep
 * point those values make, validated in full the way `simsrv run` would,
 * and its runs are that sweep's cells.  Nothing is simulated here.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "optimize.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output/report_ci.h"
#include "../util/xalloc.h"
#include "json.h"

static const char *const derived_names[] = {"usd_per_month", "rejected_pct"};

const char *optimize_metric_name(int m)
{
    if (m >= 0 && m < MET_COUNT)
        return metric_info[m].name;
    if (m >= MET_COUNT && m < OPT_N_METRICS)
        return derived_names[m - MET_COUNT];
    return "?";
}

int optimize_metric_index(const char *name)
{
    for (int m = 0; m < OPT_N_METRICS; m++)
        if (strcmp(optimize_metric_name(m), name) == 0)
            return m; /* a summary metric wins over a derived one */
    return -1;
}

double optimize_metric_value(const Scenario *sc, const RunResult *res, int m)
{
    if (m < MET_COUNT)
        return res->v[m];
    double arrivals = res->v[MET_arrivals];
    if (m == OPT_REJECTED_PCT)
        return arrivals > 0 ? 100.0 * res->v[MET_rejected] / arrivals : 0.0;
    return report_usd_per_month(res, sc->horizon_s);
}

/* A metric name at `key` of obj: one of the summary's or a derived one. */
static int read_metric(const JCtx *c, const cJSON *obj, const char *path,
                       const char *key, int *out)
{
    char name[64], p[300];
    int rc = json_str(c, obj, path, key, 1, NULL, name, sizeof name);
    if (rc < 0)
        return rc;
    if ((*out = optimize_metric_index(name)) >= 0)
        return 0;
    const char *names[OPT_N_METRICS + 1];
    for (int m = 0; m < OPT_N_METRICS; m++)
        names[m] = optimize_metric_name(m);
    names[OPT_N_METRICS] = NULL;
    json_path_key(p, sizeof p, path, key);
    return err_set(c->err, SIM_EINPUT, c->file,
                   "%s: '%s' is not a metric of the summary (nearest: '%s')",
                   p, name, json_nearest(name, names));
}

/* ---- the space ------------------------------------------------------ */

/* Appends the values of one space entry to `arr` (a cJSON array). */
static int space_values(const JCtx *c, const cJSON *v, const char *p,
                        cJSON *arr)
{
    if (cJSON_IsArray(v)) {
        if (cJSON_GetArraySize(v) < 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: an empty list of values", p);
        for (const cJSON *it = v->child; it != NULL; it = it->next)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(it, 1));
        return 0;
    }
    static const char *const keys[] = {"range", "step", "log_range", "count",
                                       NULL};
    int rc;
    if ((rc = json_expect_object(c, v, p)) < 0 ||
        (rc = json_check_keys(c, v, p, keys)) < 0)
        return rc;
    const cJSON *lin = cJSON_GetObjectItemCaseSensitive(v, "range");
    const cJSON *lg = cJSON_GetObjectItemCaseSensitive(v, "log_range");
    const cJSON *r = lin != NULL ? lin : lg;
    char rp[300];
    json_path_key(rp, sizeof rp, p, lin != NULL ? "range" : "log_range");
    if ((lin == NULL) == (lg == NULL))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: give a list, \"range\" or \"log_range\"", p);
    if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != 2 ||
        !cJSON_IsNumber(r->child) || !cJSON_IsNumber(r->child->next))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected [from, to] (integers)", rp);
    double a = r->child->valuedouble, b = r->child->next->valuedouble;
    if (a != floor(a) || b != floor(b) || a > b || a < 0 || b > 1e9)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected integers 0 <= from <= to <= 1e9", rp);
    long long step, count;
    if (lin != NULL) {
        if ((rc = json_int(c, v, p, "step", 0, 1, 1, 1000000000, &step)) < 0)
            return rc;
        if ((b - a) / (double)step >= OPT_MAX_CANDIDATES)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: more than %d values", rp, OPT_MAX_CANDIDATES);
        for (double x = a; x <= b; x += (double)step)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(x));
        return 0;
    }
    if ((rc = json_int(c, v, p, "count", 1, 0, 2, OPT_MAX_CANDIDATES,
                       &count)) < 0)
        return rc;
    if (a < 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a geometric range starts at 1 or more", rp);
    double last = -1;
    for (long long i = 0; i < count; i++) {
        double x = i == count - 1
                       ? b
                       : floor(a * pow(b / a, (double)i / (double)(count - 1)) +
                               0.5);
        if (x != last)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(x));
        last = x;
    }
    return 0;
}

/* Builds the generated sweep's text from "space" (NULL space: one point). */
static int space_sweep(const JCtx *c, const cJSON *root, const char *scen,
                       int reps, char **text)
{
    cJSON *sw = cJSON_CreateObject();
    cJSON_AddStringToObject(sw, "scenario", scen);
    cJSON_AddNumberToObject(sw, "replications", reps);
    const cJSON *space = cJSON_GetObjectItemCaseSensitive(root, "space");
    int rc = 0;
    if (space != NULL) {
        if ((rc = json_expect_object(c, space, "space")) < 0) {
            cJSON_Delete(sw);
            return rc;
        }
        cJSON *grid = cJSON_AddObjectToObject(sw, "grid");
        double total = 1;
        for (const cJSON *it = space->child; it != NULL && rc == 0;
             it = it->next) {
            char p[300];
            snprintf(p, sizeof p, "space[\"%s\"]", it->string);
            cJSON *arr = cJSON_AddArrayToObject(grid, it->string);
            rc = space_values(c, it, p, arr);
            total *= cJSON_GetArraySize(arr);
        }
        if (rc == 0 && total > OPT_MAX_CANDIDATES)
            rc = err_set(c->err, SIM_EINPUT, c->file,
                         "space: %.0f points (at most %d)", total,
                         OPT_MAX_CANDIDATES);
    }
    if (rc == 0)
        *text = cJSON_PrintUnformatted(sw);
    cJSON_Delete(sw);
    return rc;
}

/* ---- constraints, objective, procedure settings ----------------------- */

static int read_constraints(const JCtx *c, const cJSON *root, OptPlan *plan)
{
    static const char *const keys[] = {"metric", "<=", ">=", NULL};
    const cJSON *cons = cJSON_GetObjectItemCaseSensitive(root, "constraints");
    if (cons == NULL)
        return 0;
    int n = cJSON_GetArraySize(cons), rc;
    if (!cJSON_IsArray(cons) || n > OPT_MAX_CONSTRAINTS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "constraints: expected a list of at most %d "
                       "{\"metric\": name, \"<=\" or \">=\": bound}",
                       OPT_MAX_CONSTRAINTS);
    for (int j = 0; j < n; j++) {
        const cJSON *e = cJSON_GetArrayItem(cons, j);
        char p[64];
        OptConstraint *k = &plan->con[j];
        json_path_index(p, sizeof p, "constraints", j);
        if ((rc = json_expect_object(c, e, p)) < 0 ||
            (rc = json_check_keys(c, e, p, keys)) < 0 ||
            (rc = read_metric(c, e, p, "metric", &k->metric)) < 0)
            return rc;
        int le = cJSON_GetObjectItemCaseSensitive(e, "<=") != NULL;
        k->ge = cJSON_GetObjectItemCaseSensitive(e, ">=") != NULL;
        if (le == k->ge)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: give one bound, \"<=\" or \">=\"", p);
        if ((rc = json_num(c, e, p, k->ge ? ">=" : "<=", 1, 0, JNUM_ANY,
                           &k->bound)) < 0)
            return rc;
    }
    plan->n_con = n;
    return 0;
}

static int read_objective(const JCtx *c, const cJSON *root, OptPlan *plan)
{
    static const char *const keys[] = {"minimize", "maximize", NULL};
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "objective");
    plan->objective = MET_cost_usd;
    if (o == NULL)
        return 0;
    if (cJSON_IsString(o))
        return read_metric(c, root, "", "objective", &plan->objective);
    int rc;
    if ((rc = json_expect_object(c, o, "objective")) < 0 ||
        (rc = json_check_keys(c, o, "objective", keys)) < 0)
        return rc;
    plan->maximize = cJSON_GetObjectItemCaseSensitive(o, "maximize") != NULL;
    if (plan->maximize ==
        (cJSON_GetObjectItemCaseSensitive(o, "minimize") != NULL))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "objective: give a metric name, or one of "
                       "{\"minimize\": name} and {\"maximize\": name}");
    return read_metric(c, o, "objective",
                       plan->maximize ? "maximize" : "minimize",
                       &plan->objective);
}

static int read_settings(const JCtx *c, const cJSON *root, OptPlan *plan)
{
    static const char *const keys[] = {"initial", "batch", "max", NULL};
    int rc;
    long long n0 = 10, nb = 10, nmax = 100;
    if ((rc = json_num(c, root, "", "confidence", 0, 0.95, JNUM_POSITIVE,
                       &plan->confidence)) < 0 ||
        (rc = json_num(c, root, "", "indifference", 0, 0.01,
                       JNUM_NONNEGATIVE, &plan->indiff_rel)) < 0 ||
        (rc = json_num(c, root, "", "indifference_abs", 0, 0,
                       JNUM_NONNEGATIVE, &plan->indiff_abs)) < 0)
        return rc;
    if (plan->confidence <= 0.5 || plan->confidence >= 1)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "confidence: %g is not between 0.5 and 1 (exclusive)",
                       plan->confidence);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(root, "replications");
    if (r != NULL &&
        ((rc = json_expect_object(c, r, "replications")) < 0 ||
         (rc = json_check_keys(c, r, "replications", keys)) < 0 ||
         (rc = json_int(c, r, "replications", "initial", 0, 10, 3, 100000,
                        &n0)) < 0 ||
         (rc = json_int(c, r, "replications", "batch", 0, 10, 1, 100000,
                        &nb)) < 0 ||
         (rc = json_int(c, r, "replications", "max", 0, n0 > 100 ? n0 : 100,
                        1, 100000, &nmax)) < 0))
        return rc;
    if (nmax < n0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "replications.max: %lld is below replications.initial "
                       "(%lld)",
                       nmax, n0);
    plan->rep_initial = (int)n0;
    plan->rep_batch = (int)nb;
    plan->rep_max = (int)nmax;
    return 0;
}

/* Whether swept parameter i can change alternative a: every path except
 * those inside another alternative ("alternatives[j]..." with j != a). */
static int param_touches(const SweepPlan *sw, int i, int a)
{
    if (i < 0 || i >= sw->n_params)
        return 0;
    const char *path = sw->param[i];
    if (strncmp(path, "alternatives[", 13) != 0)
        return 1;
    return atoi(path + 13) == a;
}

/* Whether an earlier point makes alternative a the same candidate as
 * point p does (the same values on every path that can change it). */
static int seen_before(const SweepPlan *sw, int p, int a)
{
    for (int q = 0; q < p; q++) {
        int same = 1;
        for (int i = 0; same && i < sw->n_params; i++)
            same = !param_touches(sw, i, a) ||
                   strcmp(sw->value[q * sw->n_params + i],
                          sw->value[p * sw->n_params + i]) == 0;
        if (same)
            return 1;
    }
    return 0;
}

/* The candidates: every point x the alternatives named in "alternatives"
 * (default: all of the base scenario's), without the repeats a point makes
 * when a path it sweeps lies inside another alternative. */
static int read_candidates(const JCtx *c, const cJSON *root, OptPlan *plan)
{
    const Scenario *s0 = &plan->sweep.points[0];
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(root,
                                                          "alternatives");
    int use[64] = {0}, n_use = 0;
    if (names == NULL) {
        for (int a = 0; a < s0->n_alt && a < 64; a++)
            use[n_use++] = a;
    } else {
        if (!cJSON_IsArray(names) || cJSON_GetArraySize(names) < 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "alternatives: expected a non-empty list of the "
                           "base scenario's alternative names");
        int i = 0;
        for (const cJSON *it = names->child; it != NULL; it = it->next, i++) {
            int found = -1;
            for (int a = 0; cJSON_IsString(it) && a < s0->n_alt; a++)
                if (strcmp(s0->alt[a].name, it->valuestring) == 0)
                    found = a;
            if (found < 0 || n_use == 64)
                return err_set(c->err, SIM_EINPUT, c->file,
                               "alternatives[%d]: not the name of an "
                               "alternative of the scenario (it has '%s'%s)",
                               i, s0->alt[0].name,
                               s0->n_alt > 1 ? ", ..." : "");
            use[n_use++] = found;
        }
    }
    if ((long long)n_use * plan->sweep.n_points > OPT_MAX_CANDIDATES)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%d points x %d alternatives: more than %d candidates",
                       plan->sweep.n_points, n_use, OPT_MAX_CANDIDATES);
    plan->cand = xcalloc((size_t)(n_use * plan->sweep.n_points),
                         sizeof *plan->cand);
    for (int u = 0; u < n_use; u++)
        for (int p = 0; p < plan->sweep.n_points; p++) {
            if (seen_before(&plan->sweep, p, use[u]))
                continue;
            plan->cand[plan->n_cand].point = p;
            plan->cand[plan->n_cand++].alt = use[u];
        }
    return 0;
}

/* "search": "monotone" needs, per alternative, at most one swept path
 * that changes it, with numbers in increasing order. */
static int check_monotone(const JCtx *c, OptPlan *plan)
{
    const SweepPlan *sw = &plan->sweep;
    for (int k = 1; k < plan->n_cand; k++) {
        const OptCand *a = &plan->cand[k - 1], *b = &plan->cand[k];
        if (a->alt != b->alt)
            continue;
        int touching = 0;
        for (int i = 0; i < sw->n_params; i++) {
            if (!param_touches(sw, i, b->alt))
                continue;
            touching++;
            char *end1, *end2;
            const char *va = sw->value[a->point * sw->n_params + i];
            const char *vb = sw->value[b->point * sw->n_params + i];
            double x = strtod(va, &end1), y = strtod(vb, &end2);
            if (*end1 != '\0' || *end2 != '\0' || !(x < y))
                return err_set(c->err, SIM_EINPUT, c->file,
                               "search: \"monotone\" needs increasing "
                               "numbers at space[\"%s\"] (%s then %s)",
                               sw->param[i], va, vb);
        }
        if (touching != 1)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "search: \"monotone\" needs one swept path per "
                           "alternative; alternative '%s' has %d",
                           sw->points[0].alt[b->alt].name, touching);
    }
    return 0;
}

static int check_search(const JCtx *c, const char *search)
{
    if (strcmp(search, "all") == 0 || strcmp(search, "monotone") == 0)
        return 0;
    return err_set(c->err, SIM_EINPUT, c->file,
                   "search: '%s' is not \"all\" or \"monotone\"", search);
}

/* Every point's scenario, held for the whole optimisation (candidates x
 * points are bounded by OPT_MAX_CANDIDATES). */
static int build_points(OptPlan *plan, Err *err)
{
    if (plan->sweep.points_held == plan->sweep.n_points) {
        plan->points = plan->sweep.points; /* kept by sweep_load: borrowed */
        return 0;
    }
    plan->points = xcalloc((size_t)plan->sweep.n_points, sizeof *plan->points);
    for (int p = 0; p < plan->sweep.n_points; p++) {
        int rc = sweep_point_load(&plan->sweep, p, &plan->points[p], err);
        if (rc < 0)
            return rc;
        plan->n_points_built = p + 1;
    }
    return 0;
}

int optimize_load(const char *path, OptPlan *plan, Err *err)
{
    static const char *const keys[] = {
        "name",       "scenario",     "space",       "alternatives",
        "constraints", "objective",   "confidence",  "indifference",
        "indifference_abs", "replications", "search", "notes", "description",
        NULL};
    cJSON *root = NULL;
    char *text = NULL, *sweep_text = NULL, scen[512], search[16];
    int rc;
    memset(plan, 0, sizeof *plan);
    snprintf(plan->path, sizeof plan->path, "%s", path);
    if ((rc = json_load_file(path, &root, &text, err)) < 0)
        return rc;
    JCtx c = {path, err};
    json_file_stem(path, plan->name, sizeof plan->name);
    if ((rc = json_expect_object(&c, root, "")) < 0 ||
        (rc = json_check_keys(&c, root, "", keys)) < 0 ||
        (rc = json_str(&c, root, "", "scenario", 1, NULL, scen,
                       sizeof scen)) < 0 ||
        (rc = json_str(&c, root, "", "name", 0, plan->name, plan->name,
                       sizeof plan->name)) < 0 ||
        (rc = scenario_check_name(path, plan->name, err)) < 0 ||
        (rc = read_constraints(&c, root, plan)) < 0 ||
        (rc = read_objective(&c, root, plan)) < 0 ||
        (rc = read_settings(&c, root, plan)) < 0 ||
        (rc = json_str(&c, root, "", "search", 0, "all", search,
                       sizeof search)) < 0 ||
        (rc = check_search(&c, search)) < 0 ||
        (rc = space_sweep(&c, root, scen, plan->rep_max, &sweep_text)) < 0)
        goto done;
    if ((rc = sweep_load_text(path, sweep_text, NULL, &plan->sweep, err)) < 0 ||
        (rc = build_points(plan, err)) < 0)
        goto done;
    plan->monotone = strcmp(search, "monotone") == 0;
    plan->hash = plan->sweep.hash;
    for (const char *t = text; *t; t++) /* FNV-1a 64 */
        plan->hash = (plan->hash ^ (unsigned char)*t) * 0x100000001b3ULL;
    if ((rc = read_candidates(&c, root, plan)) < 0 ||
        (plan->monotone && (rc = check_monotone(&c, plan)) < 0))
        goto done;
    if ((double)plan->n_cand * plan->rep_max > OPT_MAX_RUNS)
        rc = err_set(err, SIM_EINPUT, path,
                     "replications.max: %d candidates x %d replications is "
                     "more than %d runs",
                     plan->n_cand, plan->rep_max, OPT_MAX_RUNS);
done:
    free(sweep_text);
    free(text);
    cJSON_Delete(root);
    if (rc < 0)
        optimize_free(plan);
    return rc;
}

int optimize_param_touches(const OptPlan *plan, int i, int a)
{
    return param_touches(&plan->sweep, i, a);
}

void optimize_free(OptPlan *plan)
{
    if (plan->points != plan->sweep.points) {
        for (int p = 0; p < plan->n_points_built; p++)
            scenario_free(&plan->points[p]);
        free(plan->points);
    }
    sweep_free(&plan->sweep);
    free(plan->cand);
    memset(plan, 0, sizeof *plan);
}

/* ---- the recommended scenario --------------------------------------- */

/* Makes a relative file name at obj.key absolute from `dir` (realpath),
 * so that the scenario runs from wherever it is written. */
static void absolute_key(cJSON *obj, const char *key, const char *dir)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || v->valuestring[0] == '/')
        return;
    char joined[1200], real[PATH_MAX];
    snprintf(joined, sizeof joined, "%s/%s", dir, v->valuestring);
    if (realpath(joined, real) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
                                               cJSON_CreateString(real));
}

char *optimize_scenario_text(const OptPlan *plan, int c)
{
    const OptCand *k = &plan->cand[c];
    const Scenario *sc = &plan->points[k->point];
    cJSON *root = cJSON_Parse(sc->json_text);
    if (root == NULL)
        return NULL;
    char dir[600];
    const char *slash = strrchr(sc->path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - sc->path) : 1,
             slash ? sc->path : ".");
    if (cJSON_GetObjectItemCaseSensitive(root, "models_dir") == NULL)
        cJSON_AddStringToObject(root, "models_dir", "../models");
    absolute_key(root, "models_dir", dir);
    absolute_key(root, "pricing_catalog", dir);
    cJSON *wl = cJSON_GetObjectItemCaseSensitive(root, "workload");
    static const char *const files[] = {"file", "invocations", "durations",
                                        "memory"};
    for (size_t i = 0; cJSON_IsObject(wl) && i < 4; i++)
        absolute_key(wl, files[i], dir);
    cJSON *alts = cJSON_GetObjectItemCaseSensitive(root, "alternatives");
    cJSON *keep = cJSON_DetachItemFromArray(alts, k->alt);
    cJSON *one = cJSON_CreateArray();
    cJSON_AddItemToArray(one, keep);
    cJSON_ReplaceItemInObjectCaseSensitive(root, "alternatives", one);
    char desc[900];
    snprintf(desc, sizeof desc,
             "Recommended by simsrv optimize from %s: candidate %d (point %d, "
             "alternative '%s').",
             plan->path, c, k->point, sc->alt[k->alt].name);
    if (cJSON_GetObjectItemCaseSensitive(root, "description") != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(root, "description",
                                               cJSON_CreateString(desc));
    else
        cJSON_AddStringToObject(root, "description", desc);
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    return out;
}

/*
 * catalog_extras.c - the catalog fields of the rules beyond the five base
 * price models: data processed, CPU clock by memory, VM billing increments,
 * task-sized prices and start times, neuron prices, API gateway calls, and
 * the limits that go with them (see catalog_int.h).
 *
 * Each field is optional on every entry and defaults to "rule off" (0), so
 * an entry that does not name a rule is billed as before.  The tables (CPU
 * clock by memory, gateway call tiers, task sizes) are short arrays of
 * objects read into fixed arrays of the PriceEntry: a few entries each, and
 * a PriceEntry is copied into every alternative, so no allocation.
 */
#include "catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A table's array `key` of `v`: 0 with *n = 0 when absent, else checks it
 * is an array of 1..max objects with exactly `keys`. */
static int table(const JCtx *c, const cJSON *v, const char *path,
                 const char *key, int max, const char *const *keys,
                 char *p, size_t psize, const cJSON **out, int *n)
{
    *out = cJSON_GetObjectItemCaseSensitive(v, key);
    *n = 0;
    if (*out == NULL)
        return 0;
    json_path_key(p, psize, path, key);
    int len = cJSON_GetArraySize(*out);
    if (!cJSON_IsArray(*out) || len < 1 || len > max)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected an array of 1 to %d objects", p, max);
    for (int i = 0; i < len; i++) {
        char ip[320];
        const cJSON *it = cJSON_GetArrayItem(*out, i);
        int rc;
        json_path_index(ip, sizeof ip, p, i);
        if ((rc = json_expect_object(c, it, ip)) < 0 ||
            (rc = json_check_keys(c, it, ip, keys)) < 0)
            return rc;
    }
    *n = len;
    return 0;
}

/* "cpu_ghz": [{"memory_mb": 128, "ghz": 0.2}, ...], memory rising. */
static int parse_ghz(const JCtx *c, const cJSON *v, const char *path,
                     PriceEntry *e)
{
    static const char *const keys[] = {"memory_mb", "ghz", NULL};
    const cJSON *t;
    char p[300];
    int n, rc;
    if ((rc = table(c, v, path, "cpu_ghz", PRICE_MAX_GHZ, keys, p, sizeof p,
                    &t, &n)) < 0 || t == NULL)
        return rc;
    for (int i = 0; i < n; i++) {
        char ip[320];
        const cJSON *it = cJSON_GetArrayItem(t, i);
        long long mb;
        json_path_index(ip, sizeof ip, p, i);
        if ((rc = json_int(c, it, ip, "memory_mb", 1, 0, 1, 1048576, &mb)) <
                0 ||
            (rc = json_num(c, it, ip, "ghz", 1, 0, JNUM_POSITIVE,
                           &e->ghz[i])) < 0)
            return rc;
        e->ghz_memory_mb[i] = (int)mb;
        if (i > 0 && !(e->ghz_memory_mb[i] > e->ghz_memory_mb[i - 1]))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.memory_mb: sizes must rise", ip);
    }
    e->n_ghz = n;
    return 0;
}

/* "call_tiers": [{"from_calls_per_month": 0, "usd_per_1m": 3.5}, ...]. */
static int parse_call_tiers(const JCtx *c, const cJSON *v, const char *path,
                            PriceEntry *e)
{
    static const char *const keys[] = {"from_calls_per_month", "usd_per_1m",
                                       NULL};
    const cJSON *t;
    char p[300];
    int n, rc;
    if ((rc = table(c, v, path, "call_tiers", PRICE_MAX_TIERS, keys, p,
                    sizeof p, &t, &n)) < 0 || t == NULL)
        return rc;
    for (int i = 0; i < n; i++) {
        char ip[320];
        const cJSON *it = cJSON_GetArrayItem(t, i);
        json_path_index(ip, sizeof ip, p, i);
        if ((rc = json_num(c, it, ip, "from_calls_per_month", 1, 0,
                           JNUM_NONNEGATIVE, &e->call_tier_from[i])) < 0 ||
            (rc = json_num(c, it, ip, "usd_per_1m", 1, 0, JNUM_NONNEGATIVE,
                           &e->call_tier_usd_per_1m[i])) < 0)
            return rc;
        if ((i == 0 && e->call_tier_from[0] != 0) ||
            (i > 0 && !(e->call_tier_from[i] > e->call_tier_from[i - 1])))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.from_calls_per_month: tiers start at 0 and "
                           "rise strictly",
                           ip);
    }
    e->n_call_tiers = n;
    return 0;
}

int catalog_parse_extras(const JCtx *c, const cJSON *v, const char *path,
                         PriceEntry *e)
{
    int rc;
    long long inc = e->billing_increment_s ? e->billing_increment_s : 1;
    if ((rc = json_num(c, v, path, "usd_per_gb_data", 0, e->usd_per_gb_data,
                       JNUM_NONNEGATIVE, &e->usd_per_gb_data)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_ghz_s", 0, e->usd_per_ghz_s,
                       JNUM_NONNEGATIVE, &e->usd_per_ghz_s)) < 0 ||
        (rc = parse_ghz(c, v, path, e)) < 0 ||
        (rc = json_int(c, v, path, "billing_increment_s", 0, inc, 1, 86400,
                       &inc)) < 0 ||
        (rc = json_num(c, v, path, "start_base_s", 0, e->start_base_s,
                       JNUM_NONNEGATIVE, &e->start_base_s)) < 0 ||
        (rc = json_num(c, v, path, "image_pull_mb_per_s", 0,
                       e->image_pull_mb_per_s, JNUM_NONNEGATIVE,
                       &e->image_pull_mb_per_s)) < 0 ||
        (rc = json_num(c, v, path, "free_neurons_per_day", 0,
                       e->free_neurons_per_day, JNUM_NONNEGATIVE,
                       &e->free_neurons_per_day)) < 0 ||
        (rc = parse_call_tiers(c, v, path, e)) < 0 ||
        (rc = json_num(c, v, path, "meter_kb", 0, e->meter_kb,
                       JNUM_NONNEGATIVE, &e->meter_kb)) < 0 ||
        (rc = json_num(c, v, path, "integration_timeout_s", 0,
                       e->integration_timeout_s, JNUM_NONNEGATIVE,
                       &e->integration_timeout_s)) < 0)
        return rc;
    e->billing_increment_s = (int)inc;
    return 0;
}

int catalog_parse_task(const JCtx *c, const cJSON *v, const char *path,
                       PriceEntry *e, int fresh)
{
    int rc;
    long long min_s = e->min_billed_s ? e->min_billed_s : 60;
    if ((rc = json_num(c, v, path, "usd_per_vcpu_hour", fresh,
                       e->usd_per_vcpu_hour, JNUM_NONNEGATIVE,
                       &e->usd_per_vcpu_hour)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_gb_hour", fresh,
                       e->usd_per_gb_hour, JNUM_NONNEGATIVE,
                       &e->usd_per_gb_hour)) < 0 ||
        (rc = json_int(c, v, path, "min_billed_s", 0, min_s, 0, 86400,
                       &min_s)) < 0 ||
        (rc = json_str(c, v, path, "hardware", fresh, e->hardware,
                       e->hardware, sizeof e->hardware)) < 0)
        return rc;
    e->min_billed_s = (int)min_s;
    e->task_priced = 1;
    /* the size comes from the alternative's "task"; until then one vCPU
     * and 2 GB stand in, so that the entry prints a price */
    if (e->vcpus <= 0) {
        e->vcpus = 1;
        e->memory_gb = 2;
    }
    e->usd_per_hour = pricing_task_usd_per_hour(e, e->vcpus, e->memory_gb);
    return 0;
}

int catalog_parse_neurons(const JCtx *c, const cJSON *v, const char *path,
                          PriceEntry *e, int *derived)
{
    int rc;
    if ((rc = json_num(c, v, path, "neurons_per_1m_input", 0,
                       e->neurons_per_1m_input, JNUM_NONNEGATIVE,
                       &e->neurons_per_1m_input)) < 0 ||
        (rc = json_num(c, v, path, "neurons_per_1m_output", 0,
                       e->neurons_per_1m_output, JNUM_NONNEGATIVE,
                       &e->neurons_per_1m_output)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_1k_neurons", 0,
                       e->usd_per_1k_neurons, JNUM_NONNEGATIVE,
                       &e->usd_per_1k_neurons)) < 0)
        return rc;
    *derived = e->usd_per_1k_neurons > 0;
    if (*derived) { /* neurons per 1M tokens x $ per 1,000 neurons */
        e->usd_per_1m_input =
            e->neurons_per_1m_input * e->usd_per_1k_neurons / 1000;
        e->usd_per_1m_output =
            e->neurons_per_1m_output * e->usd_per_1k_neurons / 1000;
    }
    return 0;
}

int catalog_parse_gateway(const JCtx *c, const cJSON *v, const char *path,
                          PriceEntry *e, int fresh)
{
    if (fresh && e->n_call_tiers == 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: a gateway entry needs \"call_tiers\"", path);
    (void)v;
    return 0;
}

/* limits.task_sizes: [{"vcpus": 0.25, "min_gb": 0.5, "max_gb": 2,
 * "step_gb": 0.5}, ...]. */
static int parse_task_sizes(const JCtx *c, const cJSON *v, const char *path,
                            PriceLimits *l)
{
    static const char *const keys[] = {"vcpus", "min_gb", "max_gb",
                                       "step_gb", NULL};
    const cJSON *t;
    char p[300];
    int n, rc;
    if ((rc = table(c, v, path, "task_sizes", PRICE_MAX_TASK_SIZES, keys, p,
                    sizeof p, &t, &n)) < 0 || t == NULL)
        return rc;
    for (int i = 0; i < n; i++) {
        char ip[320];
        const cJSON *it = cJSON_GetArrayItem(t, i);
        json_path_index(ip, sizeof ip, p, i);
        if ((rc = json_num(c, it, ip, "vcpus", 1, 0, JNUM_POSITIVE,
                           &l->task_vcpus[i])) < 0 ||
            (rc = json_num(c, it, ip, "min_gb", 1, 0, JNUM_POSITIVE,
                           &l->task_min_gb[i])) < 0 ||
            (rc = json_num(c, it, ip, "max_gb", 1, 0, JNUM_POSITIVE,
                           &l->task_max_gb[i])) < 0 ||
            (rc = json_num(c, it, ip, "step_gb", 1, 0, JNUM_POSITIVE,
                           &l->task_step_gb[i])) < 0)
            return rc;
        if (l->task_min_gb[i] > l->task_max_gb[i])
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: min_gb is above max_gb", ip);
    }
    l->n_task_sizes = n;
    return 0;
}

int catalog_parse_limit_extras(const JCtx *c, const cJSON *v, const char *p,
                               PriceLimits *l)
{
    int rc;
    long long mx = l->max_instances, mn = l->min_instances;
    if ((rc = json_int(c, v, p, "max_instances", 0, mx, 0, 100000000,
                       &mx)) < 0 ||
        (rc = json_int(c, v, p, "min_instances", 0, mn, 0, 100000000,
                       &mn)) < 0 ||
        (rc = json_bool(c, v, p, "cpu_only", l->cpu_only, &l->cpu_only)) <
            0 ||
        (rc = json_num(c, v, p, "max_zip_mb", 0, l->max_zip_mb,
                       JNUM_NONNEGATIVE, &l->max_zip_mb)) < 0 ||
        (rc = json_num(c, v, p, "max_image_mb", 0, l->max_image_mb,
                       JNUM_NONNEGATIVE, &l->max_image_mb)) < 0 ||
        (rc = json_num(c, v, p, "max_request_kb", 0, l->max_request_kb,
                       JNUM_NONNEGATIVE, &l->max_request_kb)) < 0 ||
        (rc = json_num(c, v, p, "max_response_kb", 0, l->max_response_kb,
                       JNUM_NONNEGATIVE, &l->max_response_kb)) < 0 ||
        (rc = parse_task_sizes(c, v, p, l)) < 0)
        return rc;
    l->max_instances = (int)mx;
    l->min_instances = (int)mn;
    return 0;
}

/* ---- `simsrv catalog ID`: the fields, when set ----------------------- */

static void num(cJSON *o, const char *key, double v)
{
    char buf[32];
    if (v == 0)
        return;
    snprintf(buf, sizeof buf, "%.12g", v);
    cJSON_AddNumberToObject(o, key, strtod(buf, NULL));
}

void catalog_extras_json(cJSON *o, const PriceEntry *e)
{
    num(o, "usd_per_gb_data", e->usd_per_gb_data);
    num(o, "usd_per_ghz_s", e->usd_per_ghz_s);
    if (e->n_ghz > 0) {
        cJSON *a = cJSON_AddArrayToObject(o, "cpu_ghz");
        for (int i = 0; i < e->n_ghz; i++) {
            cJSON *r = cJSON_CreateObject();
            num(r, "memory_mb", e->ghz_memory_mb[i]);
            num(r, "ghz", e->ghz[i]);
            cJSON_AddItemToArray(a, r);
        }
    }
    if (e->billing_increment_s > 1)
        num(o, "billing_increment_s", e->billing_increment_s);
    num(o, "usd_per_vcpu_hour", e->usd_per_vcpu_hour);
    num(o, "usd_per_gb_hour", e->usd_per_gb_hour);
    num(o, "start_base_s", e->start_base_s);
    num(o, "image_pull_mb_per_s", e->image_pull_mb_per_s);
    num(o, "neurons_per_1m_input", e->neurons_per_1m_input);
    num(o, "neurons_per_1m_output", e->neurons_per_1m_output);
    num(o, "usd_per_1k_neurons", e->usd_per_1k_neurons);
    num(o, "free_neurons_per_day", e->free_neurons_per_day);
    if (e->n_call_tiers > 0) {
        cJSON *a = cJSON_AddArrayToObject(o, "call_tiers");
        for (int i = 0; i < e->n_call_tiers; i++) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddNumberToObject(r, "from_calls_per_month",
                                    e->call_tier_from[i]);
            num(r, "usd_per_1m", e->call_tier_usd_per_1m[i]);
            cJSON_AddItemToArray(a, r);
        }
    }
    num(o, "meter_kb", e->meter_kb);
    num(o, "integration_timeout_s", e->integration_timeout_s);
}

void catalog_limit_extras_json(cJSON *o, const PriceLimits *l)
{
    num(o, "max_instances", l->max_instances);
    num(o, "min_instances", l->min_instances);
    if (l->cpu_only)
        cJSON_AddBoolToObject(o, "cpu_only", 1);
    num(o, "max_zip_mb", l->max_zip_mb);
    num(o, "max_image_mb", l->max_image_mb);
    num(o, "max_request_kb", l->max_request_kb);
    num(o, "max_response_kb", l->max_response_kb);
    if (l->n_task_sizes > 0) {
        cJSON *a = cJSON_AddArrayToObject(o, "task_sizes");
        for (int i = 0; i < l->n_task_sizes; i++) {
            cJSON *r = cJSON_CreateObject();
            num(r, "vcpus", l->task_vcpus[i]);
            num(r, "min_gb", l->task_min_gb[i]);
            num(r, "max_gb", l->task_max_gb[i]);
            num(r, "step_gb", l->task_step_gb[i]);
            cJSON_AddItemToArray(a, r);
        }
    }
}

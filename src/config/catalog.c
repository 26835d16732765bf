/*
 * catalog.c - the pricing catalog: built-in entries plus user overrides.
 *
 * The built-in catalog is src/pricing/catalog.json, compiled into the
 * binary (meson turns it into a C array), so `simsrv` never depends on
 * where it was built.  A user file in the same format may add entries or
 * override single fields of existing ones: an entry whose "id" exists starts
 * from the built-in values and takes only the fields it gives.
 *
 * Entry fields: id, provider, region, date, source, confirmed, notes, and a
 * "model" with its own fields:
 *   "request-duration" (serverless billed per request and GB-s used):
 *     usd_per_1m_requests, usd_per_gb_s, granularity_ms, bill_init,
 *     provisioned_usd_per_gb_s, provisioned_duration_usd_per_gb_s,
 *     provisioned_granularity_s, free_tier, free_requests_per_month,
 *     free_gb_s_per_month;
 *     memory_step_mb, min_billed_ms, tiers ([{from_gb_s_per_month,
 *     discount}]), hardware;
 *   "instance-busy" / "instance-life" (serverless billed per instance-second
 *     while starting or serving / for the whole instance life):
 *     usd_per_1m_requests, usd_per_vcpu_s, usd_per_gib_s, usd_per_gpu_s,
 *     active_usd_per_gpu_s, granularity_ms, gpus, gpu_memory_gb, hardware;
 *   "vm-hourly" (a VM instance type): usd_per_hour, min_billed_s, vcpus,
 *     memory_gb, gpus, gpu_memory_gb, hardware (the profile class it runs);
 *   "per-token" (a hosted model API, platform "api"): usd_per_1m_input,
 *     usd_per_1m_output, rate_limit_rpm, rate_limit_tpm, max_concurrent
 *     (0 = no limit), ttft_ms, output_tokens_per_s;
 *   "task-hourly" (a VM fleet priced per task size, Fargate) and "gateway"
 *     (API Gateway calls), and the optional rule fields of any entry --
 *     data processed, CPU clock by memory, billing increments, neurons --
 *     in catalog_extras.c (catalog_int.h lists them).
 * Any entry may carry "limits" (PriceLimits in pricing.h: what a deployment
 * may configure, with its own source and date): min_memory_mb,
 * max_memory_mb, memory_increment_mb, min_vcpus, max_vcpus, mb_per_vcpu,
 * vcpu_rules ([{above_mb, min_vcpus}]), max_concurrency, max_timeout_s,
 * source, date, and those of catalog_extras.c (instances, package,
 * payload, task sizes).  A user file overrides them field by field too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "catalog_int.h"
#include "json.h"
#include "scenario.h"

extern const char pricing_catalog_json[];

static const char *const entry_keys[] = {
    "id", "provider", "region", "date", "source", "confirmed", "model",
    "usd_per_1m_requests", "usd_per_gb_s", "granularity_ms", "bill_init",
    "provisioned_usd_per_gb_s", "provisioned_duration_usd_per_gb_s",
    "provisioned_granularity_s", "free_tier", "free_requests_per_month",
    "free_gb_s_per_month", "notes", "usd_per_hour", "min_billed_s", "vcpus",
    "memory_gb", "gpus", "gpu_memory_gb", "hardware", "memory_step_mb",
    "min_billed_ms", "tiers", "usd_per_vcpu_s", "usd_per_gib_s",
    "usd_per_gpu_s", "active_usd_per_gpu_s", "limits", "usd_per_1m_input",
    "usd_per_1m_output", "rate_limit_rpm", "rate_limit_tpm", "max_concurrent",
    "ttft_ms", "output_tokens_per_s", CATALOG_EXTRA_KEYS, NULL};

/* Reads the fields present in `v` over *e.  `fresh`: a new entry, whose
 * descriptive and price fields are required. */
static int parse_vm_fields(const JCtx *c, const cJSON *v, const char *path,
                           PriceEntry *e, int fresh)
{
    int rc;
    long long min_s = e->min_billed_s ? e->min_billed_s : 60;
    long long gpus = e->gpus;
    if ((rc = json_num(c, v, path, "usd_per_hour", fresh, e->usd_per_hour,
                       JNUM_NONNEGATIVE, &e->usd_per_hour)) < 0 ||
        (rc = json_int(c, v, path, "min_billed_s", 0, min_s, 0, 86400,
                       &min_s)) < 0 ||
        (rc = json_num(c, v, path, "vcpus", fresh, e->vcpus, JNUM_POSITIVE,
                       &e->vcpus)) < 0 ||
        (rc = json_num(c, v, path, "memory_gb", fresh, e->memory_gb,
                       JNUM_POSITIVE, &e->memory_gb)) < 0 ||
        (rc = json_int(c, v, path, "gpus", 0, gpus, 0, 64, &gpus)) < 0 ||
        (rc = json_num(c, v, path, "gpu_memory_gb", 0, e->gpu_memory_gb,
                       JNUM_NONNEGATIVE, &e->gpu_memory_gb)) < 0 ||
        (rc = json_str(c, v, path, "hardware", fresh, e->hardware,
                       e->hardware, sizeof e->hardware)) < 0)
        return rc;
    /* slots are counted from vCPUs and memory as integers: bound them (the
     * largest instances have a few hundred vCPUs and a few TB) */
    if (e->vcpus > 100000 || e->memory_gb > 1e6 || e->gpu_memory_gb > 1e6)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: at most 100,000 vcpus and 1,000,000 memory_gb or "
                       "gpu_memory_gb (got %g, %g, %g)",
                       path, e->vcpus, e->memory_gb, e->gpu_memory_gb);
    e->min_billed_s = (int)min_s;
    e->gpus = (int)gpus;
    return 0;
}

static int parse_tiers(const JCtx *c, const cJSON *v, const char *path,
                       PriceEntry *e)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "tiers");
    if (t == NULL)
        return 0;
    char p[256];
    json_path_key(p, sizeof p, path, "tiers");
    int n = cJSON_GetArraySize(t);
    if (!cJSON_IsArray(t) || n < 1 || n > PRICE_MAX_TIERS)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected 1 to %d tiers {\"from_gb_s_per_month\": "
                       ".., \"discount\": ..}",
                       p, PRICE_MAX_TIERS);
    static const char *const keys[] = {"from_gb_s_per_month", "discount",
                                       NULL};
    for (int i = 0; i < n; i++) {
        char ip[300];
        const cJSON *it = cJSON_GetArrayItem(t, i);
        int rc;
        json_path_index(ip, sizeof ip, p, i);
        if ((rc = json_expect_object(c, it, ip)) < 0 ||
            (rc = json_check_keys(c, it, ip, keys)) < 0 ||
            (rc = json_num(c, it, ip, "from_gb_s_per_month", 1, 0,
                           JNUM_NONNEGATIVE, &e->tier_from_gb_s[i])) < 0 ||
            (rc = json_num(c, it, ip, "discount", 1, 0, JNUM_NONNEGATIVE,
                           &e->tier_discount[i])) < 0)
            return rc;
        if (e->tier_discount[i] >= 1 || (i == 0 && e->tier_from_gb_s[0] != 0) ||
            (i > 0 && !(e->tier_from_gb_s[i] > e->tier_from_gb_s[i - 1])))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: tiers start at 0 GB-s, rise strictly, and "
                           "discount by less than 1",
                           ip);
    }
    e->n_tiers = n;
    return 0;
}

/* limits.vcpu_rules: [{"above_mb": 4096, "min_vcpus": 2}, ...], rising. */
static int parse_vcpu_rules(const JCtx *c, const cJSON *v, const char *path,
                            PriceLimits *l)
{
    static const char *const keys[] = {"above_mb", "min_vcpus", NULL};
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "vcpu_rules");
    if (t == NULL)
        return 0;
    char p[300];
    json_path_key(p, sizeof p, path, "vcpu_rules");
    int n = cJSON_GetArraySize(t);
    if (!cJSON_IsArray(t) || n > PRICE_MAX_VCPU_RULES)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: expected 0 to %d rules {\"above_mb\": .., "
                       "\"min_vcpus\": ..}",
                       p, PRICE_MAX_VCPU_RULES);
    for (int i = 0; i < n; i++) {
        char ip[320];
        const cJSON *it = cJSON_GetArrayItem(t, i);
        long long above;
        int rc;
        json_path_index(ip, sizeof ip, p, i);
        if ((rc = json_expect_object(c, it, ip)) < 0 ||
            (rc = json_check_keys(c, it, ip, keys)) < 0 ||
            (rc = json_int(c, it, ip, "above_mb", 1, 0, 0, 1048576,
                           &above)) < 0 ||
            (rc = json_num(c, it, ip, "min_vcpus", 1, 0, JNUM_POSITIVE,
                           &l->rule_min_vcpus[i])) < 0)
            return rc;
        l->rule_above_mb[i] = (int)above;
        if (i > 0 && !(l->rule_above_mb[i] > l->rule_above_mb[i - 1]))
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s.above_mb: rules must rise in memory", ip);
    }
    l->n_vcpu_rules = n;
    return 0;
}

/* The entry's "limits" object, read over what *l holds. */
static int parse_limits(const JCtx *c, const cJSON *entry, const char *epath,
                        PriceLimits *l)
{
    static const char *const keys[] = {
        "min_memory_mb", "max_memory_mb", "memory_increment_mb", "min_vcpus",
        "max_vcpus", "mb_per_vcpu", "vcpu_rules", "max_concurrency",
        "max_timeout_s", "source", "date", "notes", CATALOG_LIMIT_EXTRA_KEYS,
        NULL};
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, "limits");
    if (v == NULL)
        return 0;
    char p[256];
    json_path_key(p, sizeof p, epath, "limits");
    long long mn = l->min_memory_mb, mx = l->max_memory_mb,
              inc = l->memory_increment_mb, conc = l->max_concurrency;
    int rc;
    if ((rc = json_expect_object(c, v, p)) < 0 ||
        (rc = json_check_keys(c, v, p, keys)) < 0 ||
        (rc = json_int(c, v, p, "min_memory_mb", 0, mn, 0, 1048576, &mn)) <
            0 ||
        (rc = json_int(c, v, p, "max_memory_mb", 0, mx, 0, 1048576, &mx)) <
            0 ||
        (rc = json_int(c, v, p, "memory_increment_mb", 0, inc, 0, 1048576,
                       &inc)) < 0 ||
        (rc = json_num(c, v, p, "min_vcpus", 0, l->min_vcpus,
                       JNUM_NONNEGATIVE, &l->min_vcpus)) < 0 ||
        (rc = json_num(c, v, p, "max_vcpus", 0, l->max_vcpus,
                       JNUM_NONNEGATIVE, &l->max_vcpus)) < 0 ||
        (rc = json_num(c, v, p, "mb_per_vcpu", 0, l->mb_per_vcpu,
                       JNUM_NONNEGATIVE, &l->mb_per_vcpu)) < 0 ||
        (rc = parse_vcpu_rules(c, v, p, l)) < 0 ||
        (rc = json_int(c, v, p, "max_concurrency", 0, conc, 0, 1000000,
                       &conc)) < 0 ||
        (rc = json_num(c, v, p, "max_timeout_s", 0, l->max_timeout_s,
                       JNUM_NONNEGATIVE, &l->max_timeout_s)) < 0 ||
        (rc = json_str(c, v, p, "source", l->source[0] == '\0', l->source,
                       l->source, sizeof l->source)) < 0 ||
        (rc = json_str(c, v, p, "date", l->date[0] == '\0', l->date,
                       l->date, sizeof l->date)) < 0 ||
        (rc = catalog_parse_limit_extras(c, v, p, l)) < 0)
        return rc;
    if (mx > 0 && mn > mx)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: min_memory_mb %lld is above max_memory_mb %lld",
                       p, mn, mx);
    l->min_memory_mb = (int)mn;
    l->max_memory_mb = (int)mx;
    l->memory_increment_mb = (int)inc;
    l->max_concurrency = (int)conc;
    return 0;
}

static int parse_instance_fields(const JCtx *c, const cJSON *v,
                                 const char *path, PriceEntry *e, int fresh)
{
    int rc;
    double per_1m = e->usd_per_request * 1e6;
    long long gran = e->granularity_ms ? e->granularity_ms : 1000;
    long long gpus = e->gpus;
    if ((rc = json_num(c, v, path, "usd_per_1m_requests", 0, per_1m,
                       JNUM_NONNEGATIVE, &per_1m)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_vcpu_s", 0, e->usd_per_vcpu_s,
                       JNUM_NONNEGATIVE, &e->usd_per_vcpu_s)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_gib_s", 0, e->usd_per_gib_s,
                       JNUM_NONNEGATIVE, &e->usd_per_gib_s)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_gpu_s", 0, e->usd_per_gpu_s,
                       JNUM_NONNEGATIVE, &e->usd_per_gpu_s)) < 0 ||
        (rc = json_num(c, v, path, "active_usd_per_gpu_s", 0,
                       e->active_usd_per_gpu_s, JNUM_NONNEGATIVE,
                       &e->active_usd_per_gpu_s)) < 0 ||
        (rc = json_int(c, v, path, "granularity_ms", 0, gran, 1, 3600000,
                       &gran)) < 0 ||
        (rc = json_int(c, v, path, "gpus", 0, gpus, 0, 64, &gpus)) < 0 ||
        (rc = json_num(c, v, path, "gpu_memory_gb", 0, e->gpu_memory_gb,
                       JNUM_NONNEGATIVE, &e->gpu_memory_gb)) < 0 ||
        (rc = json_str(c, v, path, "hardware", 0, e->hardware, e->hardware,
                       sizeof e->hardware)) < 0)
        return rc;
    if (fresh && e->usd_per_vcpu_s + e->usd_per_gib_s + e->usd_per_gpu_s <= 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: an instance-billed entry needs a per-second price "
                       "(usd_per_vcpu_s, usd_per_gib_s or usd_per_gpu_s)",
                       path);
    e->usd_per_request = per_1m / 1e6;
    e->granularity_ms = (int)gran;
    e->gpus = (int)gpus;
    return 0;
}

static int parse_token_fields(const JCtx *c, const cJSON *v,
                              const char *path, PriceEntry *e, int fresh)
{
    int rc;
    long long rpm = e->rate_rpm, tpm = e->rate_tpm, conc = e->max_concurrent;
    int derived;
    if ((rc = catalog_parse_neurons(c, v, path, e, &derived)) < 0)
        return rc;
    if (derived)
        fresh = 0; /* the per-token prices derive from the neurons */
    if ((rc = json_num(c, v, path, "usd_per_1m_input", fresh,
                       e->usd_per_1m_input, JNUM_NONNEGATIVE,
                       &e->usd_per_1m_input)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_1m_output", fresh,
                       e->usd_per_1m_output, JNUM_NONNEGATIVE,
                       &e->usd_per_1m_output)) < 0 ||
        (rc = json_int(c, v, path, "rate_limit_rpm", 0, rpm, 0, 100000000,
                       &rpm)) < 0 ||
        (rc = json_int(c, v, path, "rate_limit_tpm", 0, tpm, 0,
                       10000000000LL, &tpm)) < 0 ||
        (rc = json_int(c, v, path, "max_concurrent", 0, conc, 0, 100000000,
                       &conc)) < 0 ||
        (rc = json_num(c, v, path, "ttft_ms", fresh, e->ttft_ms,
                       JNUM_NONNEGATIVE, &e->ttft_ms)) < 0 ||
        (rc = json_num(c, v, path, "output_tokens_per_s", fresh,
                       e->output_tokens_per_s, JNUM_POSITIVE,
                       &e->output_tokens_per_s)) < 0 ||
        (rc = json_str(c, v, path, "hardware", 0, e->hardware, e->hardware,
                       sizeof e->hardware)) < 0)
        return rc;
    if (e->output_tokens_per_s <= 0) { /* an override to 0 */
        char p[256];
        json_path_key(p, sizeof p, path, "output_tokens_per_s");
        return err_set(c->err, SIM_EINPUT, c->file, "%s: must be > 0", p);
    }
    e->rate_rpm = rpm;
    e->rate_tpm = tpm;
    e->max_concurrent = (int)conc;
    return 0;
}

static int parse_serverless_fields(const JCtx *c, const cJSON *v,
                                   const char *path, PriceEntry *e, int fresh)
{
    int rc;
    double per_1m = e->usd_per_request * 1e6;
    long long gran = e->granularity_ms ? e->granularity_ms : 1;
    long long pgran = e->prov_granularity_s ? e->prov_granularity_s : 300;
    long long step, min_ms;
    if ((rc = json_num(c, v, path, "usd_per_1m_requests", fresh, per_1m,
                       JNUM_NONNEGATIVE, &per_1m)) < 0 ||
        (rc = json_num(c, v, path, "usd_per_gb_s", fresh, e->usd_per_gb_s,
                       JNUM_NONNEGATIVE, &e->usd_per_gb_s)) < 0 ||
        (rc = json_int(c, v, path, "granularity_ms", 0, gran, 1, 3600000,
                       &gran)) < 0 ||
        (rc = json_bool(c, v, path, "bill_init", fresh ? 0 : e->bill_init,
                        &e->bill_init)) < 0 ||
        (rc = json_num(c, v, path, "provisioned_usd_per_gb_s", 0,
                       e->prov_usd_per_gb_s, JNUM_NONNEGATIVE,
                       &e->prov_usd_per_gb_s)) < 0 ||
        (rc = json_num(c, v, path, "provisioned_duration_usd_per_gb_s", 0,
                       e->prov_duration_usd_per_gb_s, JNUM_NONNEGATIVE,
                       &e->prov_duration_usd_per_gb_s)) < 0 ||
        (rc = json_int(c, v, path, "provisioned_granularity_s", 0, pgran, 1,
                       86400, &pgran)) < 0 ||
        (rc = json_bool(c, v, path, "free_tier", fresh ? 0 : e->free_tier,
                        &e->free_tier)) < 0 ||
        (rc = json_num(c, v, path, "free_requests_per_month", 0,
                       e->free_requests, JNUM_NONNEGATIVE,
                       &e->free_requests)) < 0 ||
        (rc = json_num(c, v, path, "free_gb_s_per_month", 0, e->free_gb_s,
                       JNUM_NONNEGATIVE, &e->free_gb_s)) < 0 ||
        (rc = json_int(c, v, path, "memory_step_mb", 0,
                       e->memory_step_mb ? e->memory_step_mb : 1, 1, 65536,
                       &step)) < 0 ||
        (rc = json_int(c, v, path, "min_billed_ms", 0, e->min_billed_ms, 0,
                       3600000, &min_ms)) < 0 ||
        (rc = json_str(c, v, path, "hardware", 0, e->hardware, e->hardware,
                       sizeof e->hardware)) < 0 ||
        (rc = parse_tiers(c, v, path, e)) < 0)
        return rc;
    e->memory_step_mb = (int)step;
    e->min_billed_ms = (int)min_ms;
    e->usd_per_request = per_1m / 1e6;
    e->granularity_ms = (int)gran;
    e->prov_granularity_s = (int)pgran;
    return 0;
}

/* Reads the fields present in `v` over *e.  `fresh`: a new entry, whose
 * descriptive and price fields are required. */
static int parse_entry(const JCtx *c, const cJSON *v, const char *path,
                       PriceEntry *e, int fresh)
{
    static const char *const models[] = {"request-duration", "vm-hourly",
                                         "instance-busy", "instance-life",
                                         "per-token", "gateway",
                                         "task-hourly", NULL};
    int rc;
    char model[32];
    snprintf(model, sizeof model, "%s",
             fresh            ? "request-duration"
             : e->task_priced ? "task-hourly"
                              : models[e->model]);
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, entry_keys)) < 0 ||
        (rc = json_str(c, v, path, "provider", fresh, e->provider,
                       e->provider, sizeof e->provider)) < 0 ||
        (rc = json_str(c, v, path, "region", fresh, e->region, e->region,
                       sizeof e->region)) < 0 ||
        (rc = json_str(c, v, path, "date", fresh, e->date, e->date,
                       sizeof e->date)) < 0 ||
        (rc = json_str(c, v, path, "source", fresh, e->source, e->source,
                       sizeof e->source)) < 0 ||
        (rc = json_bool(c, v, path, "confirmed", fresh ? 0 : e->confirmed,
                        &e->confirmed)) < 0 ||
        (rc = json_str(c, v, path, "model", 0, model, model,
                       sizeof model)) < 0)
        return rc;
    if ((rc = parse_limits(c, v, path, &e->limits)) < 0 ||
        (rc = catalog_parse_extras(c, v, path, e)) < 0)
        return rc;
    if (strcmp(model, "request-duration") == 0) {
        e->model = PRICE_REQUEST_DURATION;
        return parse_serverless_fields(c, v, path, e, fresh);
    }
    if (strcmp(model, "vm-hourly") == 0) {
        e->model = PRICE_VM_HOURLY;
        return parse_vm_fields(c, v, path, e, fresh);
    }
    if (strcmp(model, "instance-busy") == 0 ||
        strcmp(model, "instance-life") == 0) {
        e->model = model[9] == 'b' ? PRICE_INSTANCE_BUSY : PRICE_INSTANCE_LIFE;
        return parse_instance_fields(c, v, path, e, fresh);
    }
    if (strcmp(model, "per-token") == 0) {
        e->model = PRICE_PER_TOKEN;
        return parse_token_fields(c, v, path, e, fresh);
    }
    if (strcmp(model, "task-hourly") == 0) {
        e->model = PRICE_VM_HOURLY;
        return catalog_parse_task(c, v, path, e, fresh);
    }
    if (strcmp(model, "gateway") == 0) {
        e->model = PRICE_GATEWAY;
        return catalog_parse_gateway(c, v, path, e, fresh);
    }
    char p[256];
    json_path_key(p, sizeof p, path, "model");
    return err_set(c->err, SIM_EINPUT, c->file,
                   "%s: unknown pricing model '%s' (did you mean '%s'?)", p,
                   model, json_nearest(model, models));
}

/* Finds entry `id` in a catalog tree and reads it over *e.  Returns 1 if
 * found, 0 if not, or a negative error. */
static int find_in(const JCtx *c, const cJSON *root, const char *id,
                   PriceEntry *e, int fresh, char *date_out)
{
    static const char *const keys[] = {"catalog_date", "notes", "entries",
                                       NULL};
    int rc;
    if ((rc = json_expect_object(c, root, "")) < 0 ||
        (rc = json_check_keys(c, root, "", keys)) < 0)
        return rc;
    if (date_out != NULL &&
        (rc = json_str(c, root, "", "catalog_date", 0, date_out, date_out,
                       16)) < 0)
        return rc;
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(root, "entries");
    if (!cJSON_IsArray(entries))
        return err_set(c->err, SIM_EINPUT, c->file,
                       "entries: expected an array of price entries");
    int i = 0;
    for (const cJSON *it = entries->child; it != NULL; it = it->next, i++) {
        char p[64];
        json_path_index(p, sizeof p, "entries", i);
        char eid[64];
        if ((rc = json_expect_object(c, it, p)) < 0 ||
            (rc = json_str(c, it, p, "id", 1, NULL, eid, sizeof eid)) < 0)
            return rc;
        if (strcmp(eid, id) != 0)
            continue;
        snprintf(e->id, sizeof e->id, "%s", id);
        if ((rc = parse_entry(c, it, p, e, fresh)) < 0)
            return rc;
        return 1;
    }
    return 0;
}

/* The id nearest to `id` among the catalog's entries. */
static void nearest_id(const cJSON *root, const char *id, char *out,
                       size_t size)
{
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(root, "entries");
    const char *names[256];
    int n = 0;
    for (const cJSON *it = entries ? entries->child : NULL;
         it != NULL && n < 255; it = it->next) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (cJSON_IsString(e))
            names[n++] = e->valuestring;
    }
    names[n] = NULL;
    const char *best = n ? json_nearest(id, names) : NULL;
    snprintf(out, size, "%s", best ? best : "");
}

struct Catalog {
    cJSON *base;            /* the built-in catalog */
    cJSON *user;            /* the user's file, or NULL */
    char user_file[1100];
};

Catalog *catalog_open(const char *user_file, Err *err)
{
    Catalog *cat = xcalloc(1, sizeof *cat);
    if (json_parse_text("built-in pricing catalog", pricing_catalog_json,
                        &cat->base, err) < 0) {
        free(cat);
        return NULL;
    }
    if (user_file != NULL && user_file[0] != '\0') {
        snprintf(cat->user_file, sizeof cat->user_file, "%s", user_file);
        if (json_load_file(user_file, &cat->user, NULL, err) < 0) {
            catalog_close(cat);
            return NULL;
        }
    }
    return cat;
}

void catalog_close(Catalog *cat)
{
    if (cat == NULL)
        return;
    cJSON_Delete(cat->base);
    cJSON_Delete(cat->user);
    free(cat);
}

int catalog_matches(const Catalog *cat, const char *user_file)
{
    return strcmp(cat->user_file, user_file ? user_file : "") == 0;
}

int catalog_get(const Catalog *cat, const char *id, PriceEntry *out,
                char *catalog_date, Err *err, const char *where)
{
    memset(out, 0, sizeof *out);
    JCtx cb = {"built-in pricing catalog", err};
    int found = find_in(&cb, cat->base, id, out, 1, catalog_date);
    if (found < 0)
        return found;
    if (cat->user != NULL) {
        JCtx cu = {cat->user_file, err};
        int ufound = find_in(&cu, cat->user, id, out, !found, NULL);
        if (ufound < 0)
            return ufound;
        found = found || ufound;
    }
    if (!found) {
        char near[64];
        nearest_id(cat->base, id, near, sizeof near);
        return err_set(err, SIM_EINPUT, where,
                       "unknown pricing entry '%s' (did you mean '%s'? "
                       "'simsrv catalog' lists them)",
                       id, near);
    }
    return 0;
}

int catalog_lookup(const char *user_file, const char *id, PriceEntry *out,
                   char *catalog_date, Err *err, const char *where)
{
    Catalog *cat = catalog_open(user_file, err);
    if (cat == NULL)
        return -SIM_EINPUT;
    int rc = catalog_get(cat, id, out, catalog_date, err, where);
    catalog_close(cat);
    return rc;
}


static const char *model_name(PriceModel m)
{
    switch (m) {
    case PRICE_REQUEST_DURATION:
        return "request-duration";
    case PRICE_VM_HOURLY:
        return "vm-hourly";
    case PRICE_INSTANCE_BUSY:
        return "instance-busy";
    case PRICE_INSTANCE_LIFE:
        return "instance-life";
    case PRICE_PER_TOKEN:
        return "per-token";
    case PRICE_GATEWAY:
        return "gateway";
    }
    return "?";
}

/* ---- `simsrv catalog`: the listing, one entry in full, JSON ---------- */

/* Adds a number rounded to 12 significant digits, so that 0.2 / 1e6 * 1e6
 * prints as 0.2. */
static void add_num(cJSON *o, const char *key, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.12g", v);
    cJSON_AddNumberToObject(o, key, strtod(buf, NULL));
}

/* Adds a number only when it is set (not 0). */
static void add_num_set(cJSON *o, const char *key, double v)
{
    if (v != 0)
        add_num(o, key, v);
}

static cJSON *tiers_json(const PriceEntry *e)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < e->n_tiers; i++) {
        cJSON *t = cJSON_CreateObject();
        add_num(t, "from_gb_s_per_month", e->tier_from_gb_s[i]);
        add_num(t, "discount", e->tier_discount[i]);
        cJSON_AddItemToArray(a, t);
    }
    return a;
}

static cJSON *limits_json(const PriceLimits *l)
{
    cJSON *o = cJSON_CreateObject();
    add_num_set(o, "min_memory_mb", l->min_memory_mb);
    add_num_set(o, "max_memory_mb", l->max_memory_mb);
    add_num_set(o, "memory_increment_mb", l->memory_increment_mb);
    add_num_set(o, "min_vcpus", l->min_vcpus);
    add_num_set(o, "max_vcpus", l->max_vcpus);
    add_num_set(o, "mb_per_vcpu", l->mb_per_vcpu);
    if (l->n_vcpu_rules > 0) {
        cJSON *a = cJSON_AddArrayToObject(o, "vcpu_rules");
        for (int i = 0; i < l->n_vcpu_rules; i++) {
            cJSON *r = cJSON_CreateObject();
            add_num(r, "above_mb", l->rule_above_mb[i]);
            add_num(r, "min_vcpus", l->rule_min_vcpus[i]);
            cJSON_AddItemToArray(a, r);
        }
    }
    add_num_set(o, "max_concurrency", l->max_concurrency);
    add_num_set(o, "max_timeout_s", l->max_timeout_s);
    catalog_limit_extras_json(o, l);
    cJSON_AddStringToObject(o, "source", l->source);
    cJSON_AddStringToObject(o, "date", l->date);
    return o;
}

static void request_duration_json(cJSON *o, const PriceEntry *e)
{
    add_num(o, "usd_per_1m_requests", e->usd_per_request * 1e6);
    add_num(o, "usd_per_gb_s", e->usd_per_gb_s);
    add_num(o, "granularity_ms", e->granularity_ms);
    add_num(o, "memory_step_mb", e->memory_step_mb);
    add_num(o, "min_billed_ms", e->min_billed_ms);
    cJSON_AddBoolToObject(o, "bill_init", e->bill_init);
    add_num(o, "provisioned_usd_per_gb_s", e->prov_usd_per_gb_s);
    add_num(o, "provisioned_duration_usd_per_gb_s",
            e->prov_duration_usd_per_gb_s);
    add_num(o, "provisioned_granularity_s", e->prov_granularity_s);
    cJSON_AddBoolToObject(o, "free_tier", e->free_tier);
    add_num(o, "free_requests_per_month", e->free_requests);
    add_num(o, "free_gb_s_per_month", e->free_gb_s);
    cJSON_AddItemToObject(o, "tiers", tiers_json(e));
}

static void instance_json(cJSON *o, const PriceEntry *e)
{
    add_num(o, "usd_per_1m_requests", e->usd_per_request * 1e6);
    add_num(o, "usd_per_vcpu_s", e->usd_per_vcpu_s);
    add_num(o, "usd_per_gib_s", e->usd_per_gib_s);
    add_num(o, "usd_per_gpu_s", e->usd_per_gpu_s);
    add_num(o, "active_usd_per_gpu_s", e->active_usd_per_gpu_s);
    add_num(o, "granularity_ms", e->granularity_ms);
    add_num(o, "gpus", e->gpus);
    add_num(o, "gpu_memory_gb", e->gpu_memory_gb);
}

static void token_json(cJSON *o, const PriceEntry *e)
{
    add_num(o, "usd_per_1m_input", e->usd_per_1m_input);
    add_num(o, "usd_per_1m_output", e->usd_per_1m_output);
    add_num(o, "rate_limit_rpm", (double)e->rate_rpm);
    add_num(o, "rate_limit_tpm", (double)e->rate_tpm);
    add_num(o, "max_concurrent", e->max_concurrent);
    add_num(o, "ttft_ms", e->ttft_ms);
    add_num(o, "output_tokens_per_s", e->output_tokens_per_s);
}

static void vm_json(cJSON *o, const PriceEntry *e)
{
    add_num(o, "usd_per_hour", e->usd_per_hour);
    add_num(o, "min_billed_s", e->min_billed_s);
    add_num(o, "vcpus", e->vcpus);
    add_num(o, "memory_gb", e->memory_gb);
    add_num(o, "gpus", e->gpus);
    add_num(o, "gpu_memory_gb", e->gpu_memory_gb);
}

/* Every field of `e` the simulator uses, defaults filled in; `raw` (the
 * catalog's own object) adds its notes. */
static cJSON *entry_json(const PriceEntry *e, const cJSON *raw)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", e->id);
    cJSON_AddStringToObject(o, "provider", e->provider);
    cJSON_AddStringToObject(o, "region", e->region);
    cJSON_AddStringToObject(o, "date", e->date);
    cJSON_AddStringToObject(o, "source", e->source);
    cJSON_AddBoolToObject(o, "confirmed", e->confirmed);
    cJSON_AddStringToObject(o, "model", e->task_priced
                                            ? "task-hourly"
                                            : model_name(e->model));
    cJSON_AddStringToObject(o, "hardware", e->hardware[0] ? e->hardware
                                                          : "cpu");
    switch (e->model) {
    case PRICE_REQUEST_DURATION:
        request_duration_json(o, e);
        break;
    case PRICE_INSTANCE_BUSY:
    case PRICE_INSTANCE_LIFE:
        instance_json(o, e);
        break;
    case PRICE_VM_HOURLY:
        vm_json(o, e);
        break;
    case PRICE_PER_TOKEN:
        token_json(o, e);
        break;
    case PRICE_GATEWAY:
        break;
    }
    catalog_extras_json(o, e);
    if (e->limits.source[0] != '\0')
        cJSON_AddItemToObject(o, "limits", limits_json(&e->limits));
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(raw, "notes");
    if (cJSON_IsString(notes))
        cJSON_AddStringToObject(o, "notes", notes->valuestring);
    return o;
}

/* Appends " + <v> <unit>" (or "<v> <unit>" first) when v is set. */
static void add_price(char *buf, size_t size, double v, const char *unit)
{
    if (v == 0)
        return;
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%.6g %s", n ? " + " : "", v, unit);
}

/* Every price component of `e` that is not zero, on one line. */
static void price_line(const PriceEntry *e, char *buf, size_t size)
{
    buf[0] = '\0';
    switch (e->model) {
    case PRICE_REQUEST_DURATION:
        add_price(buf, size, e->usd_per_request * 1e6, "per 1M req");
        add_price(buf, size, e->usd_per_gb_s, "per GB-s");
        if (e->prov_usd_per_gb_s > 0) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n,
                     "; provisioned %.6g per GB-s + %.6g per GB-s run",
                     e->prov_usd_per_gb_s, e->prov_duration_usd_per_gb_s);
        }
        break;
    case PRICE_INSTANCE_BUSY:
    case PRICE_INSTANCE_LIFE:
        add_price(buf, size, e->usd_per_request * 1e6, "per 1M req");
        add_price(buf, size, e->usd_per_gpu_s, "per GPU-s");
        add_price(buf, size, e->usd_per_vcpu_s, "per vCPU-s");
        add_price(buf, size, e->usd_per_gib_s, "per GiB-s");
        if (e->active_usd_per_gpu_s > 0) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, "; active %.6g per GPU-s",
                     e->active_usd_per_gpu_s);
        }
        break;
    case PRICE_VM_HOURLY:
        snprintf(buf, size, "%.6g per hour (%g vCPU, %g GB%s)",
                 e->usd_per_hour, e->vcpus, e->memory_gb,
                 e->gpus ? ", GPU" : "");
        break;
    case PRICE_PER_TOKEN:
        snprintf(buf, size, "%.6g per 1M input + %.6g per 1M output tokens",
                 e->usd_per_1m_input, e->usd_per_1m_output);
        break;
    case PRICE_GATEWAY:
        snprintf(buf, size, "%.6g per 1M calls (first tier), timeout %g s",
                 e->call_tier_usd_per_1m[0], e->integration_timeout_s);
        break;
    }
    if (e->task_priced)
        snprintf(buf, size, "%.6g per vCPU-hour + %.6g per GB-hour",
                 e->usd_per_vcpu_hour, e->usd_per_gb_hour);
    add_price(buf, size, e->usd_per_ghz_s, "per GHz-s");
    add_price(buf, size, e->usd_per_gb_data, "per GB data");
}

/* The built-in catalog, parsed twice over: the raw tree (ids, order,
 * notes) and the Catalog that reads entries with their defaults. */
typedef struct Listing {
    cJSON *root;
    Catalog *cat;
} Listing;

static int listing_open(Listing *l, Err *err)
{
    l->cat = NULL;
    if (json_parse_text("built-in pricing catalog", pricing_catalog_json,
                        &l->root, err) < 0)
        return -SIM_EINPUT;
    if ((l->cat = catalog_open(NULL, err)) == NULL) {
        cJSON_Delete(l->root);
        return -SIM_EINPUT;
    }
    return 0;
}

static void listing_close(Listing *l)
{
    catalog_close(l->cat);
    cJSON_Delete(l->root);
}

static const char *listing_date(const Listing *l)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(l->root,
                                                      "catalog_date");
    return cJSON_IsString(d) ? d->valuestring : "?";
}

/* The raw object of entry `id`, or NULL. */
static const cJSON *listing_raw(const Listing *l, const char *id)
{
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(l->root,
                                                            "entries");
    for (const cJSON *it = entries ? entries->child : NULL; it != NULL;
         it = it->next) {
        const cJSON *eid = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (cJSON_IsString(eid) && strcmp(eid->valuestring, id) == 0)
            return it;
    }
    return NULL;
}

int catalog_print(FILE *fp, Err *err)
{
    Listing l;
    int rc = listing_open(&l, err);
    if (rc < 0)
        return rc;
    fprintf(fp, "built-in pricing catalog of %s (USD; * = no primary source "
                "confirmed it; 'simsrv catalog ID' shows an entry in full: "
                "billing rules, limits, sources)\n\n",
            listing_date(&l));
    fprintf(fp, "%-28s %-17s %-11s %s\n", "id", "model", "hardware",
            "price");
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(l.root,
                                                            "entries");
    for (const cJSON *it = entries ? entries->child : NULL; it != NULL;
         it = it->next) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        PriceEntry e;
        char d[16], price[320];
        if (!cJSON_IsString(id) ||
            (rc = catalog_get(l.cat, id->valuestring, &e, d, err, "")) < 0)
            break;
        price_line(&e, price, sizeof price);
        fprintf(fp, "%-28s %-17s %-11s %s  [%s%s]\n", e.id,
                e.task_priced ? "task-hourly" : model_name(e.model),
                e.model == PRICE_GATEWAY ? "-"
                : e.hardware[0]          ? e.hardware
                                         : "cpu",
                price, e.date, e.confirmed ? "" : " *");
    }
    listing_close(&l);
    return rc < 0 ? rc : 0;
}

/* One entry's JSON object, or an error naming the nearest id. */
static int listing_entry(const Listing *l, const char *id, cJSON **out,
                         Err *err)
{
    PriceEntry e;
    char d[16];
    int rc = catalog_get(l->cat, id, &e, d, err, "catalog");
    if (rc < 0)
        return rc;
    *out = entry_json(&e, listing_raw(l, id));
    return 0;
}

/* "  key   value" for every field; objects (limits) as "limits.key". */
static void print_fields(FILE *fp, const cJSON *o, const char *prefix)
{
    for (const cJSON *it = o->child; it != NULL; it = it->next) {
        char key[96];
        snprintf(key, sizeof key, "%s%s", prefix, it->string);
        if (cJSON_IsObject(it)) {
            char sub[100];
            snprintf(sub, sizeof sub, "%s.", key);
            print_fields(fp, it, sub);
            continue;
        }
        char *v = cJSON_IsString(it) ? NULL : cJSON_PrintUnformatted(it);
        fprintf(fp, "  %-36s %s\n", key, v ? v : it->valuestring);
        cJSON_free(v);
    }
}

int catalog_print_entry(FILE *fp, const char *id, Err *err)
{
    Listing l;
    cJSON *o = NULL;
    int rc = listing_open(&l, err);
    if (rc < 0)
        return rc;
    if ((rc = listing_entry(&l, id, &o, err)) < 0) {
        listing_close(&l);
        return rc;
    }
    fprintf(fp, "%s (built-in pricing catalog of %s; USD)\n", id,
            listing_date(&l));
    print_fields(fp, o, "");
    cJSON_Delete(o);
    listing_close(&l);
    return 0;
}

int catalog_print_json(FILE *fp, const char *id, Err *err)
{
    Listing l;
    int rc = listing_open(&l, err);
    if (rc < 0)
        return rc;
    cJSON *o = NULL;
    if (id != NULL) {
        rc = listing_entry(&l, id, &o, err);
    } else {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "catalog_date", listing_date(&l));
        cJSON *arr = cJSON_AddArrayToObject(o, "entries");
        const cJSON *entries = cJSON_GetObjectItemCaseSensitive(l.root,
                                                                "entries");
        for (const cJSON *it = entries ? entries->child : NULL;
             it != NULL && rc == 0; it = it->next) {
            cJSON *e = NULL;
            const cJSON *eid = cJSON_GetObjectItemCaseSensitive(it, "id");
            if (cJSON_IsString(eid) &&
                (rc = listing_entry(&l, eid->valuestring, &e, err)) == 0)
                cJSON_AddItemToArray(arr, e);
        }
    }
    if (rc == 0) {
        char *text = cJSON_Print(o);
        fprintf(fp, "%s\n", text);
        cJSON_free(text);
    }
    cJSON_Delete(o);
    listing_close(&l);
    return rc;
}

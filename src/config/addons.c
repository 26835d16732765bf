/*
 * addons.c - the scenario keys around a deployment: its package, its
 * payloads, an API gateway in front of it, and a task-sized VM type (see
 * addons.h).
 *
 * They are read into an AddonSpec (spec.h) that every platform carries;
 * what reads them: limits.c (package and payload limits), serverless.c
 * (data processed), world.c (gateway calls and timeouts).  The defaults are
 * chosen so that a scenario without these keys runs as before: the package
 * is a container image the size of the model, the payloads 10 KB each (an
 * assumption: a small JSON request or a compressed thumbnail), no gateway.
 */
#include "addons.h"

#include <stdio.h>
#include <string.h>

#define ADDON_DEFAULT_PAYLOAD_KB 10.0

static int load_package(const JCtx *c, const cJSON *v, const char *path,
                        double model_size_mb, AddonSpec *ad)
{
    static const char *const keys[] = {"type", "size_mb", "notes", NULL};
    char type[16];
    int rc;
    ad->package_mb = model_size_mb;
    ad->package_zip = 0;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_str(c, v, path, "type", 0, "image", type, sizeof type)) <
            0 ||
        (rc = json_num(c, v, path, "size_mb", 0, model_size_mb,
                       JNUM_NONNEGATIVE, &ad->package_mb)) < 0)
        return rc;
    if (strcmp(type, "zip") != 0 && strcmp(type, "image") != 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.type: '%s' is neither \"zip\" nor \"image\"", path,
                       type);
    ad->package_zip = type[0] == 'z';
    return 0;
}

static int load_payload(const JCtx *c, const cJSON *v, const char *path,
                        AddonSpec *ad)
{
    static const char *const keys[] = {"request_kb", "response_kb", "notes",
                                       NULL};
    int rc;
    ad->request_kb = ad->response_kb = ADDON_DEFAULT_PAYLOAD_KB;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_num(c, v, path, "request_kb", 0, ADDON_DEFAULT_PAYLOAD_KB,
                       JNUM_NONNEGATIVE, &ad->request_kb)) < 0 ||
        (rc = json_num(c, v, path, "response_kb", 0,
                       ADDON_DEFAULT_PAYLOAD_KB, JNUM_NONNEGATIVE,
                       &ad->response_kb)) < 0)
        return rc;
    if (ad->request_kb > 1e9 || ad->response_kb > 1e9) /* int64 bytes */
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: at most 1e9 KB a payload", path);
    return 0;
}

static int load_gateway(const JCtx *c, const cJSON *v, const char *path,
                        const Catalog *cat, AddonSpec *ad, char *catalog_date)
{
    static const char *const keys[] = {"type", "pricing", "timeout_s",
                                       "notes", NULL};
    char type[16], id[64], def[64], where[300];
    int rc;
    ad->gateway = 0;
    if (v == NULL)
        return 0;
    if ((rc = json_expect_object(c, v, path)) < 0 ||
        (rc = json_check_keys(c, v, path, keys)) < 0 ||
        (rc = json_str(c, v, path, "type", 0, "http", type, sizeof type)) < 0)
        return rc;
    if (strcmp(type, "rest") != 0 && strcmp(type, "http") != 0)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.type: '%s' is neither \"rest\" nor \"http\"", path,
                       type);
    snprintf(def, sizeof def, "aws-api-gateway-%s", type);
    if ((rc = json_str(c, v, path, "pricing", 0, def, id, sizeof id)) < 0)
        return rc;
    snprintf(where, sizeof where, "%s: %s.pricing", c->file, path);
    if ((rc = catalog_get(cat, id, &ad->gw, catalog_date, c->err, where)) <
        0)
        return rc;
    if (ad->gw.model != PRICE_GATEWAY)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.pricing: '%s' is not a gateway entry", path, id);
    if ((rc = json_num(c, v, path, "timeout_s", 0,
                       ad->gw.integration_timeout_s, JNUM_POSITIVE,
                       &ad->gw_timeout_s)) < 0)
        return rc;
    if (!(ad->gw_timeout_s > 0) || ad->gw_timeout_s > 1e6)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s.timeout_s: a gateway timeout of more than 0 and "
                       "at most 1e6 s (the entry gives %g)",
                       path, ad->gw.integration_timeout_s);
    ad->gateway = 1;
    return 0;
}

int addons_load(const JCtx *c, const AddonKeys *k, const Catalog *cat,
                double model_size_mb, AddonSpec *ad, char *catalog_date)
{
    int rc;
    memset(ad, 0, sizeof *ad);
    if ((rc = load_package(c, k->package, k->package_path, model_size_mb,
                           ad)) < 0 ||
        (rc = load_payload(c, k->payload, k->payload_path, ad)) < 0)
        return rc;
    return load_gateway(c, k->gateway, k->gateway_path, cat, ad,
                        catalog_date);
}

int addons_task_size(const JCtx *c, const cJSON *vm_obj, const char *path,
                     VmSpec *vm)
{
    static const char *const keys[] = {"vcpus", "memory_gb", "notes", NULL};
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(vm_obj, "task");
    char p[300];
    int rc;
    json_path_key(p, sizeof p, path, "task");
    if (!vm->type.task_priced) {
        if (t != NULL)
            return err_set(c->err, SIM_EINPUT, c->file,
                           "%s: '%s' is not priced per task size", p,
                           vm->type.id);
        return 0;
    }
    if (t == NULL)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: missing ('%s' is priced per task size: "
                       "{\"vcpus\": .., \"memory_gb\": ..})",
                       p, vm->type.id);
    if ((rc = json_expect_object(c, t, p)) < 0 ||
        (rc = json_check_keys(c, t, p, keys)) < 0 ||
        (rc = json_num(c, t, p, "vcpus", 1, 0, JNUM_POSITIVE,
                       &vm->type.vcpus)) < 0 ||
        (rc = json_num(c, t, p, "memory_gb", 1, 0, JNUM_POSITIVE,
                       &vm->type.memory_gb)) < 0)
        return rc;
    if (vm->type.vcpus > 1000 || vm->type.memory_gb > 100000)
        return err_set(c->err, SIM_EINPUT, c->file,
                       "%s: at most 1,000 vcpus and 100,000 memory_gb", p);
    vm->type.usd_per_hour = pricing_task_usd_per_hour(
        &vm->type, vm->type.vcpus, vm->type.memory_gb);
    return 0;
}

void addons_task_start(const cJSON *vm_obj, const AddonSpec *ad, VmSpec *vm)
{
    if (vm->type.task_priced &&
        cJSON_GetObjectItemCaseSensitive(vm_obj, "boot_s") == NULL)
        vm->boot_s = pricing_task_start_s(&vm->type, ad->package_mb);
}

/*
 * addons.h - scenario keys "package", "payload" and "gateway" of an
 * alternative, and "task" of its "vm" (README, Scenario format and
 * Platform limits).
 *
 *   "package": {"type": "zip" | "image", "size_mb": N}   default: an image
 *       of the model profile's size_mb;
 *   "payload": {"request_kb": N, "response_kb": M}       default: 10 and 10;
 *   "gateway": {"type": "rest" | "http", "pricing": ID, "timeout_s": S}
 *       an API gateway in front of the alternative: entry
 *       aws-api-gateway-<type> unless "pricing" names another, its
 *       integration timeout unless timeout_s is given;
 *   "vm": {"task": {"vcpus": V, "memory_gb": G}}          required by, and
 *       only allowed with, a task-priced instance type (Fargate).
 */
#ifndef SIM_CONFIG_ADDONS_H
#define SIM_CONFIG_ADDONS_H

#include "json.h"
#include "scenario.h"

/* Where each key was found (the alternative or "defaults"): the object
 * (NULL when absent) and its JSON path. */
typedef struct AddonKeys {
    const cJSON *package, *payload, *gateway;
    const char *package_path, *payload_path, *gateway_path;
} AddonKeys;

/* Reads the three keys into *ad (zeroed first), with their defaults. */
int addons_load(const JCtx *c, const AddonKeys *k, const Catalog *cat,
                double model_size_mb, AddonSpec *ad, char *catalog_date);

/* A task-priced VM type: reads vm_obj's "task" into vm->type (vcpus,
 * memory_gb, usd_per_hour).  An error when "task" is missing for such a
 * type or given for another.  `path` is vm_obj's. */
int addons_task_size(const JCtx *c, const cJSON *vm_obj, const char *path,
                     VmSpec *vm);

/* A task-priced VM type without "boot_s": the task start time from the
 * package size (pricing_task_start_s). */
void addons_task_start(const cJSON *vm_obj, const AddonSpec *ad, VmSpec *vm);

#endif

/*
 * catalog_int.h - what catalog.c and catalog_extras.c share: the readers
 * and writers of the fields beyond the five base price models (data
 * processed, CPU clock by memory, VM billing increments, task-sized
 * prices, neuron prices, gateway calls) and of their limits.
 */
#ifndef SIM_CONFIG_CATALOG_INT_H
#define SIM_CONFIG_CATALOG_INT_H

#include "json.h"
#include "../pricing/pricing.h"

/* Field names, for the catalog's key checks. */
#define CATALOG_EXTRA_KEYS                                                     \
    "usd_per_gb_data", "usd_per_ghz_s", "cpu_ghz", "billing_increment_s",     \
        "usd_per_vcpu_hour", "usd_per_gb_hour", "start_base_s",               \
        "image_pull_mb_per_s", "neurons_per_1m_input",                        \
        "neurons_per_1m_output", "usd_per_1k_neurons",                        \
        "free_neurons_per_day", "call_tiers", "meter_kb",                     \
        "integration_timeout_s"
#define CATALOG_LIMIT_EXTRA_KEYS                                               \
    "max_instances", "min_instances", "cpu_only", "max_zip_mb", "max_image_mb", \
        "max_request_kb", "max_response_kb", "task_sizes"

/* The optional rule fields present in entry `v`, over *e (any model). */
int catalog_parse_extras(const JCtx *c, const cJSON *v, const char *path,
                         PriceEntry *e);

/* Model "task-hourly" (Fargate): usd_per_vcpu_hour and usd_per_gb_hour
 * (required when `fresh`), min_billed_s (60), hardware; the entry becomes
 * a PRICE_VM_HOURLY entry with task_priced set. */
int catalog_parse_task(const JCtx *c, const cJSON *v, const char *path,
                       PriceEntry *e, int fresh);

/* Per-token entries priced in neurons (Workers AI): neurons per 1M input
 * and output tokens and $ per 1,000 neurons; when the latter is set the
 * per-token prices derive from them and *derived is 1. */
int catalog_parse_neurons(const JCtx *c, const cJSON *v, const char *path,
                          PriceEntry *e, int *derived);

/* Model "gateway": call_tiers are required when `fresh`. */
int catalog_parse_gateway(const JCtx *c, const cJSON *v, const char *path,
                          PriceEntry *e, int fresh);

/* The optional limits fields present in limits object `v`, over *l. */
int catalog_parse_limit_extras(const JCtx *c, const cJSON *v, const char *p,
                               PriceLimits *l);

/* Adds the set extra fields of `e` / `l` to `o` (`simsrv catalog ID`). */
void catalog_extras_json(cJSON *o, const PriceEntry *e);
void catalog_limit_extras_json(cJSON *o, const PriceLimits *l);

#endif

/*
 * limits.h - is an alternative within what its provider lets you configure?
 *
 * Each catalog entry carries its provider's limits (PriceLimits, with a
 * source and date): memory range and step, vCPU rules, requests per
 * instance, longest timeout, and -- for GPU entries -- the GPU memory the
 * model must fit in.  scenario.c asks these functions once per alternative
 * and turns a violation into one error line "<path>.<key>: <message>",
 * unless the alternative says "beyond_limits": true.  The checks are plain
 * functions of validated structs (no cJSON), so they are tested directly.
 */
#ifndef SIM_CONFIG_LIMITS_H
#define SIM_CONFIG_LIMITS_H

#include <stddef.h>

#include "../platform/spec.h"

/* A violation: the alternative's key at fault ("memory_mb", "vcpus",
 * "concurrency", "timeout_s", "pricing") and what is wrong, naming the
 * limit, the entry and the limit's source. */
typedef struct LimitViolation {
    const char *key;
    char msg[1024];
} LimitViolation;

/* The serverless part of `a` (serverless and hybrid alternatives) against
 * a->price.limits and the entry's GPU memory.  Returns 1 and fills *v on
 * the first violation (checked in the order memory, vCPUs, concurrency,
 * timeout, GPU memory), else 0. */
int limits_check_serverless(const AltSpec *a, LimitViolation *v);

/* A VM fleet: the model must fit in one GPU of a GPU instance type when it
 * runs on a GPU class -- under the llm executor its share of one GPU,
 * weights / tp + activation reserve (so too for limits_check_serverless).
 * Returns 1 (key "instance_type") or 0. */
int limits_check_vm(const VmSpec *vm, const char *hw_class,
                    double model_memory_mb, LimitViolation *v);

/* The timeout an alternative gets when it gives none: 900 s, or the
 * entry's maximum when that is shorter. */
double limits_default_timeout_s(const PriceEntry *p);

#endif

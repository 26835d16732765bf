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
 * the first violation (checked in the order memory, memory size of a
 * per-GHz table, instances, a GPU class on a CPU-only entry, vCPUs,
 * concurrency, timeout, GPU memory), else 0. */
int limits_check_serverless(const AltSpec *a, LimitViolation *v);

/* A VM fleet: the model must fit in one GPU of a GPU instance type when it
 * runs on a GPU class -- under the llm executor its share of one GPU,
 * weights / tp + activation reserve (so too for limits_check_serverless).
 * Returns 1 (key "instance_type") or 0. */
int limits_check_vm(const VmSpec *vm, const char *hw_class,
                    double model_memory_mb, LimitViolation *v);

/* The package and payloads of an alternative (AddonSpec) against entry
 * `p` (its serverless price entry or VM type) and its gateway's entry:
 * package_mb against max_zip_mb or max_image_mb, request_kb and
 * response_kb against max_request_kb and max_response_kb.  Returns 1 (key
 * "package" or "payload") or 0. */
int limits_check_addon(const AddonSpec *ad, const PriceEntry *p,
                       LimitViolation *v);

/* A VM fleet's own limits: a task-priced type's task size must be one of
 * limits.task_sizes (key "task"), and a fleet may not go below
 * limits.min_instances (key "count", or "autoscale" when autoscaled).
 * Returns 1 or 0. */
int limits_check_fleet(const VmSpec *vm, LimitViolation *v);

/* The timeout an alternative gets when it gives none: 900 s, or the
 * entry's maximum when that is shorter. */
double limits_default_timeout_s(const PriceEntry *p);

/* ---- Size bounds ----------------------------------------------------
 *
 * What a scenario or a sweep may ask for, checked at validation so that a
 * run accepted is a run that ends in minutes and in bounded memory (a value
 * accepted and then exploding is worse than a clear refusal).  The figures
 * and their reasons:
 *
 *   LIMITS_MAX_RUN_ARRIVALS  10^9 expected arrivals in one scenario's run,
 *       all replications together (rate x arrival window x replications;
 *       for diurnal traffic the thinning's candidates at the peak rate, for
 *       mmpp the state changes too).  At the 3.7-4.3 M requests/s measured
 *       on a 2-core VM (README, Benchmarks) that is about 4 minutes per
 *       alternative; memory does not grow with it.  Trace replays are bound
 *       by their files instead; one Azure 2019 minute of one function is
 *       bound by AZ_MAX_MINUTE_COUNT (workload/azure2019.h), the same 10^9.
 *   LIMITS_MAX_SWEEP_CELLS  10^8 cells (points x replications): cell
 *       indices are ints, and each cell costs bytes in the resume map.
 *   LIMITS_SWEEP_MAX_BYTES  4 GiB held at once by a sweep: per point its
 *       values' texts and a few counters (about 60 bytes and 40 a value;
 *       the points' scenarios, some 50 KB each, are built when their cells
 *       run and freed after, threads + 1 at a time), per cell 9 bytes (the
 *       resume map, the run list, the merge's owner check) and per result
 *       row a 24-byte reference to its line in a shard file, counted twice
 *       for the array's growth (LIMITS_SWEEP_ROW_BYTES): the tables are
 *       written reading the rows again point by point, never holding them.
 *       So the 10^6-point grid of the sweep format fits with up to 39
 *       replications of two alternatives (4.2 GB), and 100 (10^8 cells,
 *       10.6 GB) are refused, with the estimate.
 *   HIST_MAX_BINS  10^5 bins of the hybrid-histogram policy (240 by
 *       default): a counter per bin and function, scanned at each decision.
 */
#define LIMITS_MAX_RUN_ARRIVALS 1e9
#define LIMITS_MAX_SWEEP_CELLS 100000000LL
#define LIMITS_SWEEP_MAX_BYTES (4ULL << 30)
#define LIMITS_SWEEP_ROW_BYTES 48
#define LIMITS_SWEEP_CELL_BYTES 9
#define HIST_MAX_BINS 100000

/* The synthetic workload `wl` over [start_s, min(end_s, horizon_s)) with
 * `replications` runs against LIMITS_MAX_RUN_ARRIVALS.  Returns 1 and
 * fills *v (key: the workload key that contributes most, such as
 * "rate_per_s" or "steps[2].rate_per_s") when over, else 0.  Trace
 * workloads always pass. */
int limits_check_arrivals(const WorkloadSpec *wl, double horizon_s,
                          int replications, LimitViolation *v);

/* The memory a sweep of n_points points (each about point_bytes held),
 * `cells` cells and n_alt alternatives holds at once, in bytes: n_points x
 * point_bytes + cells x (LIMITS_SWEEP_CELL_BYTES + n_alt x
 * LIMITS_SWEEP_ROW_BYTES) (a double: the product may pass 2^64 on hostile
 * input). */
double limits_sweep_bytes(double n_points, double point_bytes, double cells,
                          int n_alt);

#endif

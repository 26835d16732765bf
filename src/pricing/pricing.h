/*
 * pricing.h - price-list entries and the pure cost functions on them.
 *
 * DESIGN.md section 4.  A PriceEntry is one dated, sourced line of the
 * catalog (src/pricing/catalog.json, parsed by config/).  Cost is accrued
 * event by event as integers -- billed requests, MB x ms of billed duration,
 * MB x s of provisioned time -- and turned into dollars once, by
 * pricing_breakdown(), so a million 121 ms requests cost exactly
 * 1e6 * 121 ms * 1 GB * rate, with no floating-point drift.  int64 MB x ms
 * overflows only past 9.2e18 MB x ms (9e12 GB-s, ~$150M at Lambda rates).
 *
 * Lambda rules implemented (AWS pricing page / whitepaper, collected
 * 2026-11; see reference/pricing.md):
 *   cost = requests x usd_per_request
 *        + sum ceil_g(init + duration) x GB x usd_per_gb_s        (on-demand)
 *        + sum ceil_g(duration) x GB x prov_duration_usd_per_gb_s (on a
 *          provisioned instance)
 *        + provisioned GB-s x prov_usd_per_gb_s, each configuration period
 *          rounded up to prov_granularity_s (5 minutes);
 * where ceil_g rounds up to the billing granularity (1 ms) and INIT is
 * billed for cold starts since 2025-08-01.  Volume tiers (-10% past 6B GB-s
 * a month) and the free tier are not applied unless free_tier is set.
 */
#ifndef SIM_PRICING_PRICING_H
#define SIM_PRICING_PRICING_H

#include <stdint.h>

#include "../core/time.h"

typedef enum PriceModel {
    PRICE_REQUEST_DURATION = 0, /* Lambda-like: per request + per GB-s used */
    PRICE_VM_HOURLY             /* a VM instance type: per second, 60 s min */
} PriceModel;

typedef struct PriceEntry {
    char id[64];              /* "aws-lambda-x86" */
    char provider[64];
    char region[32];
    char date[16];            /* when the price was collected, "2026-11" */
    char source[256];
    int confirmed;            /* 0: no primary source was found */
    PriceModel model;
    double usd_per_request;   /* e.g. 0.20 / 1e6 */
    double usd_per_gb_s;      /* duration, on-demand */
    int granularity_ms;       /* duration rounding, >= 1 */
    int bill_init;            /* INIT phase of cold starts billed */
    double prov_usd_per_gb_s; /* provisioned concurrency, per GB-s configured */
    double prov_duration_usd_per_gb_s; /* duration on provisioned instances */
    int prov_granularity_s;   /* provisioned time rounding, e.g. 300 */
    int free_tier;            /* apply the monthly free tier (off by default) */
    double free_requests;     /* per month */
    double free_gb_s;         /* per month */
    /* PRICE_VM_HOURLY */
    double usd_per_hour;      /* on-demand, Linux */
    int min_billed_s;         /* 60 for EC2 */
    double vcpus;
    double memory_gb;
    int gpus;
    double gpu_memory_gb;     /* per GPU */
    char hardware[32];        /* profile class it runs: "cpu", "gpu-t4", ... */
} PriceEntry;

/* Integer cost accumulators for one run. */
typedef struct CostAcc {
    uint64_t requests;        /* billed invocations */
    int64_t od_mb_ms;         /* on-demand billed MB x ms (INIT included) */
    int64_t od_init_mb_ms;    /* of which INIT */
    int64_t pc_dur_mb_ms;     /* billed MB x ms on provisioned instances */
    int64_t pc_mb_s;          /* provisioned MB x s, periods rounded up */
} CostAcc;

typedef struct CostBreakdown {
    double requests_usd;
    double compute_usd;      /* on-demand duration, INIT included */
    double init_usd;         /* of which INIT */
    double provisioned_usd;  /* configured provisioned concurrency */
    double prov_compute_usd; /* duration on provisioned instances */
    double total_usd;
} CostBreakdown;

/* Billed milliseconds: `dur_us` rounded up to the granularity. */
int64_t pricing_billed_ms(SimTime dur_us, int granularity_ms);

/* Provisioned seconds billed for a period of `dur_us`: rounded up. */
int64_t pricing_prov_billed_s(SimTime dur_us, int granularity_s);

/* Billed seconds of one VM alive for `life_us`: per second, rounded up,
 * at least `min_s`. */
int64_t pricing_vm_billed_s(SimTime life_us, int min_s);

/* Dollars from the accumulators.  `months` scales the free tier. */
void pricing_breakdown(const CostAcc *acc, const PriceEntry *p, double months,
                       CostBreakdown *out);

#endif

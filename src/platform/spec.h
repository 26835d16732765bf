/*
 * spec.h - one alternative (deployment) and one run, as validated plain data.
 *
 * config/ turns scenario JSON into these structs (cJSON stops there); the
 * platforms read them and nothing else.  An AltSpec carries copies of what it
 * needs -- its hardware profile and its price entry -- so a run depends on no
 * other object's lifetime.
 */
#ifndef SIM_PLATFORM_SPEC_H
#define SIM_PLATFORM_SPEC_H

#include <stdint.h>
#include <stdio.h>

#include "../entity/profile.h"
#include "../output/metrics.h"
#include "../policy/policy.h"
#include "../pricing/pricing.h"
#include "../workload/arrivals.h"

#define PROV_MAX_STEPS 48

typedef struct ProvisionStep {
    double at_s; /* seconds after midnight, 0 <= at_s < 86400 */
    int count;   /* provisioned instances from then on */
} ProvisionStep;

typedef struct AltSpec {
    char name[64];
    char platform[16];     /* "serverless" */
    char hardware[32];     /* hardware class of the profile */
    int memory_mb;         /* configured memory, billed */
    double vcpus;          /* CPU share; Lambda: memory_mb / 1769 */
    int concurrency;       /* requests per instance (1 = Lambda) */
    int max_instances;     /* 0 = unlimited */
    int queue_len;         /* 0 = reject when no instance can take it */
    int scale_per_10s;     /* new on-demand instances per 10 s; 0 = no limit */
    double timeout_s;      /* 0 = none */
    int batch;             /* batch size of each request (1) */
    KeepaliveSpec keepalive;
    int n_prov;            /* provisioned schedule steps; 0 = none */
    ProvisionStep prov[PROV_MAX_STEPS]; /* sorted by at_s */
    PriceEntry price;      /* copied from the catalog */
    HwProfile hw;          /* copied from the model profile */
    double model_size_mb;
    double model_memory_mb;
} AltSpec;

/* Everything one (alternative, replication) run needs. */
typedef struct RunConfig {
    const AltSpec *alt;
    const WorkloadSpec *wl;
    uint64_t seed;
    uint32_t rep;
    SimTime horizon;       /* arrivals and events before it count */
    SimTime slo;           /* latency target */
    SimTime ts_interval;   /* 0 = no timeseries */
    FILE *ts_out;          /* timeseries rows go here, or NULL */
    void (*progress)(void *ctx, double frac, uint64_t events);
    void *progress_ctx;
} RunConfig;

/* Lambda's CPU rule: 1,769 MB = 1 vCPU, at most 6 (Lambda docs, "Configure
 * memory").  Used when a scenario gives no vcpus. */
double spec_lambda_vcpus(int memory_mb);

/* Provisioned count at absolute time t (the schedule repeats daily). */
int spec_prov_count_at(const AltSpec *alt, SimTime t);

/* The next time after t at which the provisioned count may change, or
 * SIM_TIME_MAX when it never does. */
SimTime spec_prov_next_change(const AltSpec *alt, SimTime t);

#endif

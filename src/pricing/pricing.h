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
 * billed for cold starts since 2025-08-01.  Volume tiers (x86: -10% past
 * 6B GB-s a month, -20% past 15B) apply to the run's GB-s scaled to a
 * 30-day month; the free tier only when free_tier is set.  Azure Functions
 * Consumption uses the same model with memory in 128 MB steps and a 100 ms
 * minimum per execution.
 *
 * Instance-billed models count instance-milliseconds (each period rounded
 * up to the granularity) at gpus x usd_per_gpu_s + vcpus x usd_per_vcpu_s +
 * GiB x usd_per_gib_s per second: INSTANCE_BUSY counts the time an
 * instance starts or serves at least one request (Cloud Run request-based,
 * docs "Billing settings"), INSTANCE_LIFE its whole life until scale-down
 * (Cloud Run instance-based; Modal, RunPod and Replicate deployments).
 *
 * Further rules on request-duration entries: data processed, (request +
 * response bytes) / 2^30 x usd_per_gb_data (SageMaker Serverless
 * Inference); CPU clock time, billed ms / 1000 x GHz x usd_per_ghz_s, the
 * GHz fixed by the memory size (Cloud Functions 1st gen: 128 MB gets
 * 0.2 GHz, ...).  VM entries may round to a billing increment (Vertex AI
 * prediction nodes: 30 s) and be priced per task size (Fargate: vCPU-hours
 * + GB-hours, per second with a 1-minute minimum).  A gateway entry bills
 * each call, metered per meter_kb of payload, at per-million rates tiered
 * by calls a month (API Gateway REST and HTTP APIs).
 */
#ifndef SIM_PRICING_PRICING_H
#define SIM_PRICING_PRICING_H

#include <stdint.h>

#include "../core/time.h"

typedef enum PriceModel {
    PRICE_REQUEST_DURATION = 0, /* Lambda-like: per request + per GB-s used */
    PRICE_VM_HOURLY,            /* a VM instance type: per second, 60 s min */
    PRICE_INSTANCE_BUSY,        /* Cloud Run request-based: per request +
                                   instance time while starting or serving */
    PRICE_INSTANCE_LIFE,        /* instance-billed serverless (Cloud Run
                                   instance-based, GPU serverless): an
                                   instance's whole life, idle included */
    PRICE_PER_TOKEN,            /* a hosted model API: per input and output
                                   token, nothing else (platform "api") */
    PRICE_GATEWAY               /* an API gateway in front of an
                                   alternative: per call, tiered a month */
} PriceModel;

#define PRICE_MAX_TIERS 4
#define PRICE_MAX_VCPU_RULES 8
#define PRICE_MAX_GHZ 12         /* CPU clock by memory size (GCF 1st gen) */
#define PRICE_MAX_TASK_SIZES 8   /* task vCPU sizes (Fargate) */

/* What the provider lets a deployment configure (the catalog entry's
 * "limits"; 0 = no limit of that kind).  Enforced by config/limits.c when a
 * scenario is read, unless the alternative says "beyond_limits": true. */
typedef struct PriceLimits {
    int min_memory_mb, max_memory_mb;
    int memory_increment_mb;  /* memory_mb - min_memory_mb is a multiple */
    double min_vcpus, max_vcpus;
    double mb_per_vcpu;       /* vCPUs are memory_mb / mb_per_vcpu at most
                                 (Lambda: 1,769) */
    int n_vcpu_rules;         /* memory above rule_above_mb needs at least
                                 rule_min_vcpus (Cloud Run) */
    int rule_above_mb[PRICE_MAX_VCPU_RULES];
    double rule_min_vcpus[PRICE_MAX_VCPU_RULES];
    int max_concurrency;      /* requests per instance */
    double max_timeout_s;     /* longest a request may run; then timeout_s 0
                                 (none) is beyond the limit too */
    int max_instances;        /* instances (SageMaker: concurrency per
                                 endpoint) */
    int cpu_only;             /* no GPU hardware classes (SageMaker
                                 Serverless) */
    int min_instances;        /* VM fleets that cannot scale to zero
                                 (Vertex AI: minReplicaCount >= 1) */
    double max_zip_mb;        /* deployment package: zip, unzipped */
    double max_image_mb;      /* deployment package: container image */
    double max_request_kb;    /* request payload of a synchronous call */
    double max_response_kb;   /* response payload */
    int n_task_sizes;         /* task sizes: vCPUs and the memory each
                                 allows, min..max GB in steps (Fargate) */
    double task_vcpus[PRICE_MAX_TASK_SIZES];
    double task_min_gb[PRICE_MAX_TASK_SIZES];
    double task_max_gb[PRICE_MAX_TASK_SIZES];
    double task_step_gb[PRICE_MAX_TASK_SIZES];
    char source[512];         /* where these limits were read */
    char date[16];
} PriceLimits;

typedef struct PriceEntry {
    char id[64];              /* "aws-lambda-x86" */
    char provider[128];
    char region[32];
    char date[16];            /* when the price was collected, "2026-11" */
    char source[512];
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
    int memory_step_mb;       /* memory billed in steps (Azure: 128) */
    int min_billed_ms;        /* per execution (Azure: 100) */
    int n_tiers;              /* volume tiers of on-demand GB-s a month */
    double tier_from_gb_s[PRICE_MAX_TIERS]; /* tier i starts here */
    double tier_discount[PRICE_MAX_TIERS];  /* off the list rate */
    /* PRICE_INSTANCE_BUSY, PRICE_INSTANCE_LIFE: per instance-second */
    double usd_per_vcpu_s;
    double usd_per_gib_s;     /* memory */
    double usd_per_gpu_s;
    double active_usd_per_gpu_s; /* provisioned ("active") instances; 0 =
                                    the same as usd_per_gpu_s */
    /* PRICE_REQUEST_DURATION extras */
    double usd_per_gb_data;   /* data processed, request + response
                                 (SageMaker Serverless) */
    double usd_per_ghz_s;     /* CPU clock time (Cloud Functions 1st gen) */
    int n_ghz;                /* the CPU clock each memory size gets */
    int ghz_memory_mb[PRICE_MAX_GHZ]; /* rising; the allowed sizes */
    double ghz[PRICE_MAX_GHZ];
    double cpu_ghz;           /* resolved for the alternative's memory */
    /* PRICE_VM_HOURLY */
    double usd_per_hour;      /* on-demand, Linux */
    int min_billed_s;         /* 60 for EC2 */
    int billing_increment_s;  /* billed time rounds up to this (1; Vertex
                                 AI: 30) */
    int task_priced;          /* priced per task size (Fargate): vcpus,
                                 memory_gb and usd_per_hour come from the
                                 alternative's "task" */
    double usd_per_vcpu_hour; /* task_priced */
    double usd_per_gb_hour;
    double start_base_s;      /* task start: base + image / pull rate */
    double image_pull_mb_per_s;
    double vcpus;
    double memory_gb;
    int gpus;
    double gpu_memory_gb;     /* per GPU (also of GPU serverless entries):
                                 the model must fit */
    char hardware[32];        /* profile class it runs: "cpu", "gpu-t4", ... */
    /* PRICE_PER_TOKEN: a hosted model API (platform/api.c) */
    double usd_per_1m_input;  /* prompt tokens */
    double usd_per_1m_output; /* generated tokens */
    int64_t rate_rpm;         /* requests per minute; 0 = no limit */
    int64_t rate_tpm;         /* input + output tokens per minute; 0 = none */
    int max_concurrent;       /* requests in flight; 0 = no limit */
    double ttft_ms;           /* arrival to first output token */
    double output_tokens_per_s; /* then one token every 1 / this s */
    double neurons_per_1m_input;  /* Workers AI: neurons per 1M tokens; */
    double neurons_per_1m_output; /* the per-token prices derive from them */
    double usd_per_1k_neurons;
    double free_neurons_per_day;  /* listed; not applied */
    /* PRICE_GATEWAY: per call, tiers by calls a month */
    int n_call_tiers;
    double call_tier_from[PRICE_MAX_TIERS]; /* calls a month */
    double call_tier_usd_per_1m[PRICE_MAX_TIERS];
    double meter_kb;          /* a call is metered per this many KB of
                                 payload (HTTP API: 512); 0 = one call */
    double integration_timeout_s; /* requests longer fail at the gateway */
    PriceLimits limits;       /* what a deployment may configure */
} PriceEntry;

/* Integer cost accumulators for one run. */
typedef struct CostAcc {
    uint64_t requests;        /* billed invocations */
    int64_t od_mb_ms;         /* on-demand billed MB x ms (INIT included) */
    int64_t od_init_mb_ms;    /* of which INIT */
    int64_t pc_dur_mb_ms;     /* billed MB x ms on provisioned instances */
    int64_t pc_mb_s;          /* provisioned MB x s, periods rounded up */
    int64_t inst_od_ms;       /* billed instance-ms, on-demand instances */
    int64_t inst_pc_ms;       /* billed instance-ms, provisioned instances */
    int64_t od_ms;            /* billed ms, on-demand (CPU clock time) */
    int64_t pc_dur_ms;        /* billed ms, on provisioned instances */
    int64_t data_bytes;       /* request + response payloads processed */
} CostAcc;

/* What one serverless instance holds, for per-instance-second prices. */
typedef struct InstanceShape {
    double vcpus;
    double memory_gib;
    int gpus;
} InstanceShape;

typedef struct CostBreakdown {
    double requests_usd;
    double compute_usd;      /* on-demand duration, INIT included */
    double init_usd;         /* of which INIT */
    double provisioned_usd;  /* configured provisioned concurrency */
    double prov_compute_usd; /* duration on provisioned instances */
    double instance_usd;     /* instance time (instance-billed models) */
    double data_usd;         /* data processed */
    double total_usd;
} CostBreakdown;

/* Billed milliseconds: `dur_us` rounded up to the granularity. */
int64_t pricing_billed_ms(SimTime dur_us, int granularity_ms);

/* Memory billed for a configured size: rounded up to the entry's step. */
int64_t pricing_billed_mb(const PriceEntry *p, int memory_mb);

/* Billed ms of one execution under a request-duration entry: rounded up,
 * at least min_billed_ms when it ran at all. */
int64_t pricing_exec_ms(const PriceEntry *p, SimTime dur_us);

/* Dollars per instance-second of `shape` (instance-billed models). */
double pricing_instance_usd_per_s(const PriceEntry *p,
                                  const InstanceShape *shape, int active);

/* Provisioned seconds billed for a period of `dur_us`: rounded up. */
int64_t pricing_prov_billed_s(SimTime dur_us, int granularity_s);

/* Billed seconds of one VM alive for `life_us`: per second, rounded up,
 * at least `min_s`. */
int64_t pricing_vm_billed_s(SimTime life_us, int min_s);

/* Billed seconds of a spot VM that the provider interrupted after
 * `life_us`: nothing within its first hour, else as pricing_vm_billed_s.
 * EC2 User Guide, "Billing for interrupted Spot Instances" (read 2026-12):
 * Linux and Windows instances that Amazon EC2 interrupts in their first
 * hour are not charged; later, the seconds used are. */
int64_t pricing_spot_interrupted_billed_s(SimTime life_us, int min_s);

/* Dollars of `input` prompt and `output` generated tokens at a per-token
 * entry: input x usd_per_1m_input / 1e6 + output x usd_per_1m_output /
 * 1e6 (the providers' pages, as the catalog entries cite them). */
double pricing_tokens_usd(const PriceEntry *p, uint64_t input,
                          uint64_t output);

/* Billed seconds of a VM alive for `life_us` under an entry: rounded up to
 * billing_increment_s (1 when unset), at least min_billed_s. */
int64_t pricing_vm_entry_billed_s(const PriceEntry *p, SimTime life_us);

/* The CPU clock (GHz) that `memory_mb` gets under a per-GHz-s entry: the
 * entry of the table for exactly that memory size, or 0 when the size is
 * not one of the table's (Cloud Functions 1st gen pricing page). */
double pricing_cpu_ghz(const PriceEntry *p, int memory_mb);

/* Dollars an hour of a task of `vcpus` and `memory_gb` at a task-priced
 * entry: vcpus x usd_per_vcpu_hour + memory_gb x usd_per_gb_hour. */
double pricing_task_usd_per_hour(const PriceEntry *p, double vcpus,
                                 double memory_gb);

/* Seconds from a task's launch to its container running: start_base_s +
 * image_mb / image_pull_mb_per_s (an estimate; see the catalog entry). */
double pricing_task_start_s(const PriceEntry *p, double image_mb);

/* Calls a gateway meters for one request of `payload_kb` (request +
 * response): ceil(payload_kb / meter_kb), at least 1; 1 when unmetered. */
int64_t pricing_gateway_calls(const PriceEntry *p, double payload_kb);

/* Dollars of `calls` gateway calls in a run of `months` (30-day months),
 * with the monthly tiers applied to calls / months. */
double pricing_gateway_usd(const PriceEntry *p, double calls, double months);

/* Dollars from the accumulators.  `months` (the run's length in 30-day
 * months) scales the free tier and the monthly volume tiers; `shape` is
 * used by the instance-billed models. */
void pricing_breakdown(const CostAcc *acc, const PriceEntry *p, double months,
                       const InstanceShape *shape, CostBreakdown *out);

#endif

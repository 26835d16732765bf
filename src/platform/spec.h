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

#include "../entity/cluster.h"
#include "../executor/executor.h"
#include "../entity/profile.h"
#include "../output/metrics.h"
#include "../policy/policy.h"
#include "../pricing/pricing.h"
#include "../workload/arrivals.h"
#include "../workload/modelset.h"

#define PROV_MAX_STEPS 48

typedef struct ProvisionStep {
    double at_s; /* seconds after midnight, 0 <= at_s < 86400 */
    int count;   /* provisioned instances from then on */
} ProvisionStep;

/* Provisioned instances for one function named in the scenario
 * (`provisioned.by_function`): its trace name -- the function_id, or
 * "app/function_id" where function ids repeat across apps -- and its
 * constant count.  Two Azure 2019 hashes of 64 characters and the slash
 * fit the name. */
#define PROV_MAX_NAMED 64
#define PROV_NAME_MAX 136

typedef struct ProvNamed {
    char name[PROV_NAME_MAX];
    int count;
} ProvNamed;

typedef enum PlatformKind {
    PLATFORM_SERVERLESS = 0,
    PLATFORM_VM,
    PLATFORM_HYBRID,       /* VM base fleet + serverless overflow */
    PLATFORM_API,          /* a hosted per-token API (platform/api.c) */
    PLATFORM_KNATIVE,      /* Knative Serving on a node pool (knative.c) */
    PLATFORM_PIPELINE,     /* a chain of stages, each its own deployment
                              (platform/compose.c) */
    PLATFORM_ROLLOUT       /* versions sharing the traffic by scheduled
                              weights (platform/compose.c) */
} PlatformKind;

typedef enum LbKind {
    LB_SHARED_QUEUE = 0,   /* one FIFO queue for the fleet */
    LB_ROUND_ROBIN,        /* per-VM queues, VMs taken in turn */
    LB_LEAST_OUTSTANDING   /* per-VM queues, fewest in service + queued */
} LbKind;

typedef enum ScaleMetric {
    SCALE_UTILIZATION = 0, /* busy slots / ready slots over the period */
    SCALE_QUEUE            /* requests in service + queued, per VM */
} ScaleMetric;

typedef struct AutoscaleSpec {
    int enabled;
    int min_vms, max_vms;
    ScaleMetric metric;
    double target;         /* utilization 0..1, or requests per VM */
    double period_s;       /* evaluation period */
    double cooldown_s;     /* no scale-in until this long after a change */
} AutoscaleSpec;

#define SPOT_MAX_NOTICES 16

/* Spot interruptions of a `"pricing": "spot"` fleet (vmfleet.c). */
typedef struct SpotSpec {
    int enabled;           /* the provider may reclaim the fleet's VMs */
    double per_hour;       /* notices per VM-hour, a Poisson process */
    double notice_s;       /* notice to interruption (EC2: 120 s) */
    int n_notice_at;       /* forced notices (what-if studies, tests) */
    double notice_at_s[SPOT_MAX_NOTICES]; /* increasing */
} SpotSpec;

typedef struct VmSpec {
    PriceEntry type;       /* the instance type's catalog entry */
    HwProfile hw;          /* profile of the model on its hardware */
    int count;             /* fixed fleet size; initial size if autoscaled */
    int slots;             /* requests served at once per VM */
    LbKind lb;
    int max_queue;         /* requests that may wait (fleet-wide) */
    double boot_s;         /* launch to OS ready; the model load follows */
    double price_multiplier; /* 1 on-demand, ~0.6 / 0.4 reserved, ~0.3 spot */
    SpotSpec spot;
    AutoscaleSpec as;
    int max_batch;         /* dynamic batching (1 = off; needs 1 slot) */
    double batch_wait_s;
    ExecKind executor;     /* what runs inside a VM (EXEC_AUTO: batch when
                              max_batch > 1, else single) */
    LlmExecSpec llm;       /* EXEC_LLM: its knobs, resolved */
} VmSpec;

typedef enum OverflowRule {
    OVERFLOW_FREE_SLOT = 0, /* to a VM iff a slot is free now */
    OVERFLOW_EXPECTED_WAIT  /* to a VM iff its expected wait is short */
} OverflowRule;

/* Which warm on-demand instance takes a request (DESIGN.md section 3). */
typedef enum RoutingKind {
    ROUTE_MOST_RECENT = 0, /* most recently used (Lambda-like; older expire) */
    ROUTE_NEWEST,          /* newest created (SimFaaS, faas-sim) */
    ROUTE_OLDEST,          /* oldest created */
    ROUTE_RANDOM           /* uniform, from the routing stream */
} RoutingKind;

/* An SQS event source in front of a serverless alternative (platform/
 * queue.c): arrivals are messages; a poller hands up to batch_size of them,
 * or what arrived within batch_window_s, to one invocation. */
typedef struct QueueSpec {
    int enabled;
    int batch_size;        /* messages per invocation at most (BatchSize) */
    double batch_window_s; /* MaximumBatchingWindowInSeconds (0: none) */
    int max_concurrency;   /* invocations in flight at most; 0 = no limit */
    double visibility_s;   /* visibility timeout of a received message */
    int max_receives;      /* maxReceiveCount: then to the dead-letter queue */
    double failure_prob;   /* an invocation fails with this probability */
    double backoff_s;      /* after the k-th failed receive a message waits
                              at least backoff_s * backoff_factor^(k-1) */
    double backoff_factor;
} QueueSpec;

/* Knative Serving's pod autoscaler (KPA) and its pods (platform/
 * knative.c); the node pool is the alternative's VmSpec. */
typedef struct KnativeSpec {
    double target;         /* concurrent requests per pod it aims at */
    double utilization;    /* of the target (target-utilization-percentage
                              / 100) */
    int container_concurrency; /* hard limit per pod; 0 = none */
    int stable_window_s;   /* averages of 1 s buckets over these */
    int panic_window_s;
    double panic_threshold; /* panic-threshold-percentage / 100 */
    double max_scale_up_rate, max_scale_down_rate;
    double scale_to_zero_grace_s;
    int min_scale, max_scale, initial_scale; /* max 0 = no limit */
    int tick_s;            /* the autoscaler's period */
    double pod_vcpus;      /* what a pod requests on its node */
    double pod_memory_mb;
} KnativeSpec;
/* What travels with every request and the deployment around it: the
 * package the platform's size limits apply to, the payload sizes that
 * data-processing fees and payload limits read, and an optional API
 * gateway in front of the alternative (scenario keys "package",
 * "payload", "gateway"; README, Platform limits). */
typedef struct AddonSpec {
    double package_mb;     /* deployment package; default the model size */
    int package_zip;       /* 1: a zip archive (unzipped size), 0: image */
    double request_kb;     /* payload per request (default 10) */
    double response_kb;    /* per response (default 10) */
    int gateway;           /* 1: an API gateway bills and times calls */
    PriceEntry gw;         /* its catalog entry */
    double gw_timeout_s;   /* integration timeout (default the entry's) */
} AddonSpec;
/* A composite alternative (PLATFORM_PIPELINE, PLATFORM_ROLLOUT) holds its
 * parts -- stages or versions -- as alternatives of their own. */
#define COMPOSE_MAX_PARTS RUN_MAX_PARTS
#define ROLLOUT_MAX_PHASES RUN_MAX_PHASES

/* Orchestration between a pipeline's stages (AWS Step Functions). */
typedef enum OrchKind {
    ORCH_NONE = 0,         /* the stages call each other: no fee */
    ORCH_STANDARD,         /* per state transition */
    ORCH_EXPRESS           /* per request + GB-s of the workflow's duration */
} OrchKind;

typedef struct OrchSpec {
    OrchKind kind;
    double transition_s;          /* delay of each transition (entering a
                                     stage), seconds */
    double usd_per_transition;    /* ORCH_STANDARD */
    double usd_per_request;       /* ORCH_EXPRESS */
    double usd_per_gb_s;          /* ORCH_EXPRESS, duration */
    double memory_mb;             /* ORCH_EXPRESS: billed memory, rounded
                                     up to 64 MB */
    double granularity_ms;        /* ORCH_EXPRESS: duration rounded up */
} OrchSpec;

typedef struct RolloutPhase {
    double at_s;                  /* phase start, seconds from 0 */
    double weight[COMPOSE_MAX_PARTS]; /* per version, summing to 1 */
} RolloutPhase;

typedef struct AltSpec {
    char name[64];
    char platform[16];     /* "serverless", "vm", "hybrid", "api" or
                              "knative" */
    PlatformKind kind;
    char hardware[32];     /* hardware class of the profile */
    int memory_mb;         /* configured memory, billed */
    double vcpus;          /* CPU share; Lambda: memory_mb / 1769 */
    int concurrency;       /* requests per instance (1 = Lambda) */
    RoutingKind routing;   /* warm on-demand instance choice */
    int max_instances;     /* 0 = unlimited */
    int queue_len;         /* 0 = reject when no instance can take it */
    int scale_per_10s;     /* new on-demand instances per 10 s; 0 = no limit */
    double timeout_s;      /* 0 = none */
    int batch;             /* batch size of each request (1) */
    int max_batch;         /* dynamic batching: requests per batch (1 = off) */
    double batch_wait_s;   /* longest a batch waits for more requests */
    ExecKind executor;     /* what runs inside an instance (EXEC_AUTO:
                              batch when max_batch > 1, else single) */
    LlmExecSpec llm;       /* EXEC_LLM: its knobs, resolved */
    KeepaliveSpec keepalive;
    int n_prov;            /* provisioned schedule steps; 0 = none */
    ProvisionStep prov[PROV_MAX_STEPS]; /* sorted by at_s */
    int prov_functions;    /* many functions: how many of them (the most
                              arrivals first) each keep the count; 0 =
                              not given (one function: that one) */
    int n_prov_named;      /* by_function: named functions, each with its
                              own count (then n_prov and prov_functions
                              are 0); 0 = none */
    ProvNamed prov_named[PROV_MAX_NAMED];
    PriceEntry price;      /* copied from the catalog */
    HwProfile hw;          /* copied from the model profile */
    double model_size_mb;
    double model_memory_mb;
    ClusterSpec cluster;   /* nodes the serverless instances run on */
    /* storage tiers (cluster.tiers): what a start moves (entity/storage.h) */
    double checkpoint_bytes; /* the model's weights (LLM weights, else
                                size_mb); a trace function's scale with
                                its memory */
    double image_bytes;    /* the container image (0: none) */
    int snapshot;          /* restore from a snapshot in place of the
                              sandbox and runtime init */
    double snapshot_bytes, restore_bytes_per_s;
    VmSpec vm;             /* PLATFORM_VM and PLATFORM_HYBRID */
    OverflowRule overflow; /* PLATFORM_HYBRID */
    double overflow_wait_s; /* OVERFLOW_EXPECTED_WAIT: longest VM wait */
    QueueSpec queue;       /* PLATFORM_SERVERLESS: an event source */
    KnativeSpec kn;        /* PLATFORM_KNATIVE (nodes: vm) */
    AddonSpec addon;       /* package, payload, gateway */
    /* PLATFORM_PIPELINE / PLATFORM_ROLLOUT: its parts (owned by whoever
     * built the AltSpec: scenario_free frees a scenario's) */
    int n_parts;
    struct AltSpec *part;
    uint8_t after_mask;           /* a pipeline's stage k > 0: the stages it
                                     waits for (bit j: stage j < k); 0 =
                                     the one before it */
    OrchSpec orch;                /* PLATFORM_PIPELINE */
    int n_phases;                 /* PLATFORM_ROLLOUT: at least 1, the */
    RolloutPhase phase[ROLLOUT_MAX_PHASES]; /* first at 0, increasing */
    ModelSetSpec models;   /* what each function runs (n 0: the model) */
} AltSpec;

typedef enum WarmupMethod {
    WARMUP_NONE = 0,
    WARMUP_FIXED,          /* delete what arrives before warmup_s */
    WARMUP_MSER5           /* choose the point by MSER-5 on a pilot run */
} WarmupMethod;

typedef struct WarmupSpec {
    WarmupMethod method;
    double warmup_s;       /* WARMUP_FIXED */
} WarmupSpec;

/* The per-function rows' header (functions.csv).  `function` is the
 * function's number in the run; `app` and `function_id` are the trace's
 * names for it (2019: HashApp and HashFunction; 2021 and numbered traces:
 * the app and function columns; one function: the trace's function, else
 * the model's name, with `app` empty). */
#define FN_CSV_HEADER                                                          \
    "alternative,replication,function,app,function_id,memory_mb,arrivals,"   \
    "completed,rejected,timed_out,unfinished,cold,cold_pct,instance_starts," \
    "prewarms,evictions,idle_gb_s"

/* The per-part rows' header (stages.csv): one row per pipeline stage or
 * rollout version over the run (phase -1), and per rollout version and
 * phase. */
#define STAGES_CSV_HEADER                                                      \
    "alternative,replication,part,name,phase,from_s,to_s,weight_pct,"         \
    "arrivals,completed,rejected,timed_out,cold,cold_pct,cold_share_pct,"     \
    "instance_starts,cold_wait_ms,mean_ms,p99_ms,busy_mean,starting_mean,"  \
    "instances_mean,cost_usd"

/* Everything one (alternative, replication) run needs. */
typedef struct RunConfig {
    const AltSpec *alt;
    const WorkloadSpec *wl;
    uint64_t seed;
    uint32_t rep;
    SimTime horizon;       /* arrivals and events before it count */
    SimTime slo;           /* latency target */
    SimTime slo_ttft;      /* LLM targets: time to first token and time */
    SimTime slo_tpot;      /* per output token; 0 = none */
    int llm;               /* the requests carry token counts: the
                              timeseries rows get the LLM columns */
    int queue;             /* an alternative has an event source: the
                              timeseries rows get the backlog column */
    SimTime ts_interval;   /* 0 = no timeseries */
    FILE *ts_out;          /* timeseries rows go here, or NULL */
    FILE *fn_out;          /* per-function rows go here, or NULL
                              (columns: FN_CSV_HEADER) */
    FILE *stages_out;      /* per-stage / per-version rows of composite
                              alternatives, or NULL (STAGES_CSV_HEADER) */
    const char *model_name; /* names a one-function workload's function in
                               those rows (NULL: "") */
    void (*progress)(void *ctx, double frac, uint64_t events);
    void *progress_ctx;
    const struct SinkType *req_sink; /* every request ends here, or NULL */
    void *req_sink_state;
    int32_t alt_index;     /* written into the request records */
    WarmupSpec warmup;     /* steady-state studies: warm-up deletion */
    /* every ended request is shown here before it returns to the pool
     * (tests: per-request times), or NULL */
    void (*observe)(void *ctx, const struct Request *req, SimTime now);
    void *observe_ctx;
    struct MserLog *mser;  /* set by world_run for its MSER-5 pilot */
} RunConfig;

/* The CPU slowdown of a profile measured on `ref_vcpus` when it gets only
 * `vcpus`: max(1, ref / vcpus). */
double spec_cpu_factor(double ref_vcpus, double vcpus);

/* Whether hardware class `hw` runs on CPUs, so that fewer vCPUs than the
 * profile's slow it: "cpu" and the derived Arm class "cpu-arm". */
int spec_cpu_class(const char *hw);

/* What an instance of the alternative holds (vCPUs, memory, GPUs), for
 * per-instance-second prices. */
InstanceShape spec_instance_shape(const AltSpec *alt);

/* The LLM engines a VM of vm's type runs: its GPUs / tp (data-parallel
 * replicas of tp GPUs each; the rest, if tp does not divide them, idle);
 * 1 under other executors. */
int spec_vm_engines(const VmSpec *vm);

/* Lambda's CPU rule: 1,769 MB = 1 vCPU, at most 6 (Lambda docs, "Configure
 * memory").  Used when a scenario gives no vcpus. */
double spec_lambda_vcpus(int memory_mb);

/* Whether the alternative provisions instances: a count or schedule, or
 * counts by_function. */
int spec_has_provisioned(const AltSpec *alt);

/* Provisioned count at absolute time t (the schedule repeats daily; 0
 * without one). */
int spec_prov_count_at(const AltSpec *alt, SimTime t);

/* The by_function entries that name the function (app, id) -- app "" in
 * traces without apps -- as its id, or as app/id: how many (0, 1, or more
 * when two entries name one function), the first in *which. */
int spec_prov_named_match(const AltSpec *alt, const char *app,
                          const char *id, int *which);

/* The next time after t at which the provisioned count may change, or
 * SIM_TIME_MAX when it never does. */
SimTime spec_prov_next_change(const AltSpec *alt, SimTime t);

#endif

/*
 * cluster.h - nodes (vCPUs, memory, GPUs) and the placement of instances.
 *
 * The provider view of DESIGN.md section 3: instances take resources from
 * the node they are placed on, and a node never holds more than it has.
 * Resources are integers -- milli-vCPUs, MB, whole GPUs, MB of GPU memory --
 * so that taking and giving back never drifts and a capacity check is
 * exact.  Placement policies (a const table in cluster.c, each a score the
 * pick minimises over the nodes that fit, ties to the lowest-numbered):
 *   first-fit  the lowest-numbered node that fits;
 *   best-fit   the fitting node with the least memory left after placing;
 *   spread     the fitting node with the most memory left;
 *   locality   the fitting node with the smallest estimated start time,
 *              given what it holds and its links' current load -- the rule
 *              of ServerlessLLM (Fu et al., OSDI'24, section 5) -- asked of
 *              the caller's PlaceCost, which knows the checkpoint and the
 *              storage tiers (without one it is first-fit).
 * O(nodes) per placement (locality: one estimate per fitting node):
 * clusters here have up to thousands of nodes, and a start is rare next to
 * the requests it serves.
 *
 * GPUs are booked one by one (a GpuBook each: its holders and the MB they
 * hold), so that a node's GPUs are never more than it has and no GPU's
 * memory is exceeded.  Without sharing an instance of g GPUs owns g whole
 * GPUs (the node's GPU memory is checked in all, as it always was); with
 * `gpu_sharing` it takes ceil(its GPU MB / g) on each of g GPUs that have
 * that much left, lowest-numbered first, so several models share a GPU by
 * memory (multiplexing).  An instance knows its GPUs as a bit mask (a node
 * has at most 64); its GPU part can leave and come back on its own (the
 * weights swapped to host memory and back), its vCPUs and host memory
 * staying.  A node may be closed (a spot node under notice): it takes no
 * new instances.
 */
#ifndef SIM_ENTITY_CLUSTER_H
#define SIM_ENTITY_CLUSTER_H

#include <stdint.h>

#include "../core/time.h"

#define CLUSTER_MAX_NODE_KINDS 8

typedef enum PlacementKind {
    PLACE_FIRST_FIT = 0,
    PLACE_BEST_FIT,
    PLACE_SPREAD,
    PLACE_LOCALITY
} PlacementKind;

/* Placement names as the scenario spells them, by PlacementKind, NULL
 * ended. */
extern const char *const cluster_place_names[];

/* What locality asks of the caller: the estimated start time, in seconds,
 * of the instance being placed if it went to node i.  Optionally (marked
 * not NULL) a shortcut: the nodes not marked all start the same way (from
 * remote, say), their estimates ordered by key (lower: no slower), so only
 * the marked nodes and the unmarked one of the lowest key (ties: the lowest
 * number) are estimated -- O(marked) estimates instead of O(nodes). */
typedef struct PlaceCost {
    double (*start_s)(const void *ctx, int node);
    const void *ctx;
    const unsigned char *marked;     /* by node, or NULL */
    double (*key)(const void *ctx, int node);
} PlaceCost;

typedef struct NodeSpec {
    int count;
    double vcpus;
    double memory_gb;
    int gpus;
    double gpu_memory_gb; /* per GPU */
    char gpu_type[32];    /* hardware class of its GPUs, e.g. "gpu-l4" */
    /* storage tiers (entity/storage.h); 0 = not given */
    double network_gbps;         /* remote -> node, Gbit/s */
    double ssd_gb;               /* local SSD cache of checkpoints, images */
    double ssd_read_gb_per_s;    /* GB/s */
    double dram_cache_gb;        /* host memory for cached checkpoints */
    double host_to_gpu_gb_per_s; /* GB/s, PCIe, per GPU */
    double spot_per_hour; /* spot node: interruption notices per node-hour
                             (a Poisson process); 0 = not spot */
    double spot_notice_s; /* notice to interruption */
} NodeSpec;

/* What a request does when no node has room for the instance it needs
 * (a capacity stock-out, counted). */
typedef enum StockoutRule {
    STOCKOUT_QUEUE = 0, /* the alternative's queue_length decides (waits
                           while the queue has room, else is rejected) */
    STOCKOUT_REJECT,    /* refused at once */
    STOCKOUT_WAIT       /* waits for room, whatever queue_length says */
} StockoutRule;

typedef struct ClusterSpec {
    int enabled;
    int n_kinds;
    NodeSpec kind[CLUSTER_MAX_NODE_KINDS];
    PlacementKind place;
    int tiers;              /* some node kind gives a storage tier key:
                               starts load through entity/storage.h */
    double remote_cap_gbps; /* all nodes' remote transfers together
                               (0 = no cap) */
    int cache_policy;       /* index in storage.h's cache_policies */
    /* Pre-loading: the checkpoints of the preload_models most-invoked
     * models (by the trace's counts) go into host DRAM at time 0, model of
     * rank j onto nodes (j R + r) mod preload_nodes, r < R =
     * preload_replicas, of the first preload_nodes nodes.  0 = none. */
    int preload_models;
    int preload_nodes;
    int preload_replicas;
    int gpu_sharing;      /* instances share a GPU by memory */
    StockoutRule on_stockout;
    int swap;             /* idle instances' weights leave GPU memory */
    double swap_idle_s;   /* ... after this long idle */
} ClusterSpec;

/* What one instance takes. */
typedef struct Demand {
    int64_t mvcpus;      /* milli-vCPUs */
    int64_t mem_mb;
    int gpus;
    int64_t gpu_mem_mb;  /* in all */
} Demand;

#define CLUSTER_MAX_GPUS 64 /* per node: an instance's GPUs are a bit mask */

/* Demand.gpus and gpu_mem_mb of a node's books: GPUs with a holder, and
 * the GPU MB its instances hold in all. */
typedef struct Node {
    Demand cap;   /* capacity */
    Demand used;  /* taken by the instances on it */
    int n_inst;
    const char *gpu_type; /* points into the ClusterSpec; "" if none */
    int gpu0;             /* its first GpuBook in Cluster.gpu */
    int64_t gpu_cap_mb;   /* memory of each of its GPUs */
    int kind;             /* its NodeSpec in the ClusterSpec */
    uint8_t closed;       /* takes no new instances */
} Node;

/* One GPU: the instances holding part of it and the MB they hold. */
typedef struct GpuBook {
    int64_t used_mb;
    int holders;
} GpuBook;

typedef struct Cluster {
    Node *nodes;
    int n;
    GpuBook *gpu;         /* every node's GPUs, node by node */
    int n_gpu;
    int gpu_sharing;
    PlacementKind place;
    const char *gpu_type; /* GPU class the instances need ("" = any) */
    int64_t total_mem_mb, used_mem_mb;
    int used_gpus;
    SimTime last_t;
    double used_mem_mb_us; /* integral, for utilization */
    double used_gpus_us;   /* integral: GPU-hours */
} Cluster;

/* `spec` must outlive the cluster (nodes point at its GPU types).
 * `gpu_type` is the GPU class GPU instances need (borrowed, may be ""). */
void cluster_init(Cluster *c, const ClusterSpec *spec, const char *gpu_type);
void cluster_fini(Cluster *c);

/* d from vCPUs, MB, GPUs and GPU MB (rounded up to whole units). */
Demand cluster_demand(double vcpus, double mem_mb, int gpus,
                      double gpu_mem_mb);

/* Whether node i could take d (it is open and has room). */
int cluster_fits(const Cluster *c, int i, const Demand *d);

/* Whether node i could take d's GPU part alone (its vCPUs and memory
 * already held there): GPUs of its class with room. */
int cluster_gpu_fits(const Cluster *c, int i, const Demand *d);

/* The node the policy picks for d, or -1 if none fits.  `cost` (may be
 * NULL) is what locality minimises; the other policies ignore it. */
int cluster_pick(const Cluster *c, const Demand *d, const PlaceCost *cost);

/* Takes d on node i at time now (asserts it fits); returns the mask of the
 * GPUs it took (0 without GPUs). */
uint64_t cluster_take(Cluster *c, int i, const Demand *d, SimTime now);

/* Gives back d on node i, its GPU part iff `gpus` (the mask it holds) is
 * not 0. */
void cluster_release(Cluster *c, int i, const Demand *d, uint64_t gpus,
                     SimTime now);

/* The GPU part of d alone: taken (asserts it fits; returns the mask) and
 * given back. */
uint64_t cluster_gpu_take(Cluster *c, int i, const Demand *d, SimTime now);
void cluster_gpu_release(Cluster *c, int i, const Demand *d, uint64_t gpus,
                         SimTime now);

/* MB that d holds on each of its GPUs: ceil(GPU MB / GPUs). */
int64_t cluster_gpu_share_mb(const Demand *d);

/* Time-average used memory / total memory up to now. */
double cluster_mem_utilization(Cluster *c, SimTime now);

/* GPUs held by instances x time, up to now, in GPU-hours (a GPU that
 * several instances share counts once while any holds it). */
double cluster_gpu_hours(Cluster *c, SimTime now);
/* Whether spec uses GPU sharing, swapping, a stock-out rule other than the
 * queue's, spot nodes, nodes with GPUs, storage tiers, locality or
 * pre-loading (the GPU metrics are then written). */
int cluster_spec_gpu_features(const ClusterSpec *spec);

/* Whether d could fit an empty node of the cluster at all. */
int cluster_fits_any_empty(const Cluster *c, const Demand *d);

#endif

/*
 * storage.h - where a model's weights are: per-node storage tiers, their
 * caches and the links between them.
 *
 * The tiers of DESIGN.md section 3, fastest last: remote (a registry or
 * object store, reached over the node's network link and, optionally, a
 * cluster-wide cap), the node's local SSD, the node's host memory (DRAM),
 * GPU memory (an instance holding the model: a warm start, which the
 * platform counts).  SSD and DRAM cache checkpoints (one per model id, its
 * bytes) and container images (their own size, on SSD only) under a
 * replacement policy (cache_policies: LRU by default).  A start loads its
 * checkpoint from the fastest tier holding it and fills the tiers above on
 * the way (a load from remote leaves a copy on SSD and in DRAM, one from SSD
 * a copy in DRAM), at its end; an image missing from SSD is pulled from
 * remote beside the checkpoint.
 *
 * A load is one transfer on the link of the tier it reads (remote: the
 * network link and the cap; SSD: the SSD's read link; DRAM: the host->GPU
 * link), capped at the instance's own PCIe rate (host_to_gpu x its GPUs)
 * when the node gives one: the tiers are pipelined, as ServerlessLLM
 * loads, so the slowest stage -- the tier read, for the usual remote <
 * SSD < PCIe order -- sets the time, and the stages above it are not
 * charged.  Links share their bandwidth fairly among their transfers
 * (entity/link.h).  The engine knows nothing of this: the platform asks
 * storage_next_finish for the next completion, schedules one event there
 * and calls storage_finish_due when it fires.
 *
 * Representation.  A cache is a small array of entries with a recency
 * stamp (the victim is the smallest stamp: LRU refreshes it on a hit,
 * FIFO does not), scanned linearly: a tier holds tens of checkpoints, not
 * thousands.  Bytes are int64 so that a tier's books (held = filled -
 * evicted, held <= capacity) are exact; transfer progress is a double
 * (link.h).  Loads in flight are in one array (each knows its place), in
 * the order they began, so completions at one time come in that order.
 */
#ifndef SIM_ENTITY_STORAGE_H
#define SIM_ENTITY_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/time.h"
#include "cluster.h"
#include "link.h"

/* The warmth ladder: where a start's weights came from. */
typedef enum StoreTier {
    TIER_REMOTE = 0, /* cold: registry / object store */
    TIER_SSD,        /* disk-warm */
    TIER_DRAM,       /* memory-warm */
    TIER_GPU,        /* GPU-resident: an idle instance (a warm start) */
    TIER_N
} StoreTier;

extern const char *const store_tier_names[TIER_N]; /* "remote", ... */

typedef struct CacheEntry {
    int64_t key;    /* >= 0: a model's checkpoint; < 0: an image */
    int64_t bytes;
    uint64_t stamp; /* recency (LRU) or insertion (FIFO) */
} CacheEntry;

/* A replacement policy: what a hit does to an entry's stamp. */
typedef struct CachePolicy {
    const char *name;
    void (*on_hit)(CacheEntry *e, uint64_t clock);
} CachePolicy;

extern const CachePolicy cache_policies[]; /* {"lru"}, {"fifo"}, {NULL} */

/* The index of policy `name` in cache_policies, or -1. */
int cache_policy_find(const char *name);

typedef struct TierCache {
    int64_t cap_bytes;                /* 0: the node has no such tier */
    int64_t held_bytes;
    int64_t filled_bytes, evicted_bytes; /* since the start: held = f - e */
    CacheEntry *e;
    int n, cap;
    uint64_t hits, misses;            /* lookups by starts */
} TierCache;

/* The key of an alternative's container image in a cache. */
#define STORE_IMAGE_KEY(image) (-1 - (int64_t)(image))

/* A cache on its own (the Che test uses one). */
void cache_init(TierCache *c, int64_t cap_bytes);
void cache_fini(TierCache *c);
/* Whether key is held; a hit refreshes it as policy says. */
int cache_lookup(TierCache *c, int64_t key, const CachePolicy *p,
                 uint64_t clock);
int cache_holds(const TierCache *c, int64_t key);
/* Puts key in (evicting smallest stamps first until it fits); 0 when
 * bytes exceed the whole capacity (nothing changes), 1 otherwise. */
int cache_insert(TierCache *c, int64_t key, int64_t bytes, uint64_t clock);

typedef struct NodeStore {
    TierCache ssd, dram;
    Link net;             /* remote -> node */
    Link ssd_read;        /* when ssd has a capacity */
    Link h2g;             /* host -> GPU, all the node's GPUs together */
    int has_h2g;
    double h2g_per_gpu;   /* bytes/s of one GPU's link */
} NodeStore;

/* Counters of the warmth ladder. */
typedef struct StoreStats {
    uint64_t starts[TIER_N];  /* by where the weights came from */
    double load_s[TIER_N];    /* seconds of those loads (first byte to
                                 last, image pulls included) */
    double read_bytes[TIER_N];/* bytes read from each tier (remote: images
                                 too; DRAM: swap-ins too) */
    uint64_t snapshot_restores;
} StoreStats;

typedef struct StoreLoad StoreLoad;

typedef struct Storage {
    NodeStore *node;
    int n;
    Link cap;             /* remote cap, when has_cap */
    int has_cap;
    const CachePolicy *policy;
    uint64_t clock;       /* cache stamps */
    StoreLoad **live;     /* loads in flight, in the order they began */
    int n_live, cap_live;
    int64_t started_bytes[TIER_N], done_bytes[TIER_N]; /* for the books */
    StoreStats st;
} Storage;

/* Per-node tiers from spec (cluster_init's node order). */
void storage_init(Storage *s, const ClusterSpec *spec);
void storage_fini(Storage *s);

/* What a finished load tells its owner. */
typedef struct StoreDone {
    void *owner;
    int tag;              /* the caller's, from the begin call */
    StoreTier from;
    SimTime began_us;
} StoreDone;

typedef void (*StoreDoneFn)(void *arg, const StoreDone *d);

/* The tier a start of `model` on node i would read now. */
StoreTier storage_source(const Storage *s, int i, int64_t model);

/* Whether node i's DRAM (or SSD) holds model's checkpoint. */
int storage_dram_holds(const Storage *s, int i, int64_t model);
int storage_ssd_holds(const Storage *s, int i, int64_t model);

/* ServerlessLLM's rule: the estimated seconds to load `bytes` of model
 * onto `gpus` GPUs of node i given what it holds and its links' load now
 * (each read link as if one more transfer shared it; an image missing
 * from SSD is pulled alongside, so the longer of the two counts). */
double storage_estimate_start_s(const Storage *s, int i, int64_t model,
                                int64_t bytes, int64_t image_key,
                                int64_t image_bytes, int gpus);

/* Begins the load of a start of model (`bytes`) on node i for `gpus` GPUs,
 * with its image (image_bytes 0: none): counts the start on the ladder and
 * sets *from.  Returns 1 when transfers are in flight (their end comes
 * through storage_finish_due), 0 when nothing has to move. */
int storage_begin_start(Storage *s, int i, int64_t model, int64_t bytes,
                        int64_t image_key, int64_t image_bytes, int gpus,
                        SimTime now, void *owner, int tag, StoreTier *from);

/* Begins a host->GPU transfer of `bytes` on node i for `gpus` GPUs (a
 * swap-in of weights held in DRAM): no cache changes, bytes counted as
 * read from DRAM.  Returns 1 when in flight, 0 when instant (the node
 * gives no host->GPU rate or bytes is 0). */
int storage_begin_h2g(Storage *s, int i, int64_t bytes, int gpus,
                      SimTime now, void *owner, int tag);

/* Puts model's checkpoint into node i's DRAM (tier TIER_DRAM) or SSD
 * (TIER_SSD) now, as a pre-load before traffic; 0 when it does not fit. */
int storage_preload(Storage *s, int i, int64_t model, int64_t bytes,
                    StoreTier tier);

/* The next completion among loads in flight, or SIM_TIME_MAX. */
SimTime storage_next_finish(const Storage *s);

/* Ends every transfer due at `now`; for each load with nothing left, fills
 * the tiers above its source and calls done(arg, ...), in the order the
 * loads began. */
void storage_finish_due(Storage *s, SimTime now, StoreDoneFn done,
                        void *arg);

/* The books: every cache's held bytes equal its entries' and filled -
 * evicted, never above capacity; every tier's bytes started equal those
 * done plus those in flight; no transfer has more left than it carries.
 * 0, or -1 with msg. */
int storage_check(const Storage *s, SimTime now, char *msg, size_t size);

#endif

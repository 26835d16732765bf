/*
 * storage.c - per-node storage tiers, their caches and loads (see
 * storage.h).
 */
#include "storage.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

const char *const store_tier_names[TIER_N] = {"remote", "ssd", "dram",
                                              "gpu"};

static void lru_hit(CacheEntry *e, uint64_t clock) { e->stamp = clock; }

static void fifo_hit(CacheEntry *e, uint64_t clock)
{
    (void)e;
    (void)clock; /* the order of insertion stands */
}

const CachePolicy cache_policies[] = {
    {"lru", lru_hit},
    {"fifo", fifo_hit},
    {NULL, NULL},
};

int cache_policy_find(const char *name)
{
    for (int i = 0; cache_policies[i].name != NULL; i++)
        if (strcmp(cache_policies[i].name, name) == 0)
            return i;
    return -1;
}

/* ---- one cache ---------------------------------------------------------- */

void cache_init(TierCache *c, int64_t cap_bytes)
{
    memset(c, 0, sizeof *c);
    c->cap_bytes = cap_bytes > 0 ? cap_bytes : 0;
}

void cache_fini(TierCache *c)
{
    free(c->e);
    c->e = NULL;
    c->n = c->cap = 0;
}

static int cache_find(const TierCache *c, int64_t key)
{
    for (int i = 0; i < c->n; i++)
        if (c->e[i].key == key)
            return i;
    return -1;
}

int cache_holds(const TierCache *c, int64_t key)
{
    return cache_find(c, key) >= 0;
}

int cache_lookup(TierCache *c, int64_t key, const CachePolicy *p,
                 uint64_t clock)
{
    int i = cache_find(c, key);
    if (key >= 0) { /* images are not counted */
        if (i >= 0)
            c->hits++;
        else
            c->misses++;
    }
    if (i >= 0)
        p->on_hit(&c->e[i], clock);
    return i >= 0;
}

static void cache_drop(TierCache *c, int i)
{
    c->held_bytes -= c->e[i].bytes;
    c->evicted_bytes += c->e[i].bytes;
    c->e[i] = c->e[--c->n];
}

/* The entry with the smallest stamp. */
static int cache_victim(const TierCache *c)
{
    int v = 0;
    for (int i = 1; i < c->n; i++)
        if (c->e[i].stamp < c->e[v].stamp)
            v = i;
    return v;
}

int cache_insert(TierCache *c, int64_t key, int64_t bytes, uint64_t clock)
{
    if (bytes > c->cap_bytes)
        return 0;
    int i = cache_find(c, key);
    if (i >= 0) { /* a copy landed meanwhile: it is the newest now */
        c->e[i].stamp = clock;
        return 1;
    }
    while (c->held_bytes + bytes > c->cap_bytes)
        cache_drop(c, cache_victim(c));
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 8;
        c->e = xrealloc(c->e, (size_t)c->cap * sizeof *c->e);
    }
    c->e[c->n].key = key;
    c->e[c->n].bytes = bytes;
    c->e[c->n].stamp = clock;
    c->n++;
    c->held_bytes += bytes;
    c->filled_bytes += bytes;
    return 1;
}

/* ---- nodes -------------------------------------------------------------- */

#define GB 1e9

void storage_init(Storage *s, const ClusterSpec *spec)
{
    memset(s, 0, sizeof *s);
    int n = 0;
    for (int k = 0; k < spec->n_kinds; k++)
        n += spec->kind[k].count;
    s->node = xcalloc((size_t)(n > 0 ? n : 1), sizeof *s->node);
    s->n = n;
    s->policy = &cache_policies[spec->cache_policy];
    s->has_cap = spec->remote_cap_gbps > 0;
    if (s->has_cap)
        link_init(&s->cap, spec->remote_cap_gbps * GB / 8);
    int i = 0;
    for (int k = 0; k < spec->n_kinds; k++) {
        const NodeSpec *ns = &spec->kind[k];
        for (int j = 0; j < ns->count; j++, i++) {
            NodeStore *nd = &s->node[i];
            cache_init(&nd->ssd, (int64_t)(ns->ssd_gb * GB));
            cache_init(&nd->dram, (int64_t)(ns->dram_cache_gb * GB));
            /* a node without a network rate reads remote "at once": the
             * config asks for one whenever tiers are on */
            link_init(&nd->net, ns->network_gbps > 0
                                    ? ns->network_gbps * GB / 8
                                    : (double)INFINITY);
            link_init(&nd->ssd_read, ns->ssd_read_gb_per_s > 0
                                         ? ns->ssd_read_gb_per_s * GB
                                         : (double)INFINITY);
            nd->has_h2g = ns->host_to_gpu_gb_per_s > 0;
            nd->h2g_per_gpu = ns->host_to_gpu_gb_per_s * GB;
            link_init(&nd->h2g, nd->has_h2g ? nd->h2g_per_gpu *
                                                  (ns->gpus > 1 ? ns->gpus : 1)
                                            : (double)INFINITY);
        }
    }
}

void storage_fini(Storage *s)
{
    for (int i = 0; i < s->n_live; i++)
        free(s->live[i]);
    free(s->live);
    for (int i = 0; i < s->n; i++) {
        NodeStore *nd = &s->node[i];
        cache_fini(&nd->ssd);
        cache_fini(&nd->dram);
        link_fini(&nd->net);
        link_fini(&nd->ssd_read);
        link_fini(&nd->h2g);
    }
    if (s->has_cap)
        link_fini(&s->cap);
    free(s->node);
    memset(s, 0, sizeof *s);
}

StoreTier storage_source(const Storage *s, int i, int64_t model)
{
    const NodeStore *nd = &s->node[i];
    if (cache_holds(&nd->dram, model))
        return TIER_DRAM;
    if (cache_holds(&nd->ssd, model))
        return TIER_SSD;
    return TIER_REMOTE;
}

int storage_dram_holds(const Storage *s, int i, int64_t model)
{
    return cache_holds(&s->node[i].dram, model);
}

int storage_ssd_holds(const Storage *s, int i, int64_t model)
{
    return cache_holds(&s->node[i].ssd, model);
}

/* The link a read of `tier` on node nd uses. */
static Link *read_link(NodeStore *nd, StoreTier tier)
{
    switch (tier) {
    case TIER_SSD:
        return &nd->ssd_read;
    case TIER_DRAM:
        return &nd->h2g;
    default:
        return &nd->net;
    }
}

/* An instance's own PCIe cap on node nd (0 = none). */
static double gpu_cap(const NodeStore *nd, int gpus)
{
    return nd->has_h2g ? nd->h2g_per_gpu * (gpus > 1 ? gpus : 1) : 0.0;
}

static double min_rate(double a, double b)
{
    return b > 0 && b < a ? b : a;
}

double storage_estimate_start_s(const Storage *s, int i, int64_t model,
                                int64_t bytes, int64_t image_key,
                                int64_t image_bytes, int gpus)
{
    NodeStore *nd = &s->node[i];
    StoreTier from = storage_source(s, i, model);
    double rate = link_share_if_added(read_link(nd, from));
    if (from == TIER_REMOTE && s->has_cap)
        rate = min_rate(rate, link_share_if_added(&s->cap));
    rate = min_rate(rate, gpu_cap(nd, gpus));
    double t = bytes > 0 ? (double)bytes / rate : 0.0;
    if (image_bytes > 0 && !cache_holds(&nd->ssd, image_key)) {
        int both = from == TIER_REMOTE; /* the two share the network */
        double r = nd->net.bytes_per_s / (nd->net.n + 1 + both);
        if (s->has_cap)
            r = min_rate(r, s->cap.bytes_per_s / (s->cap.n + 1 + both));
        double ti = (double)image_bytes / r;
        if (ti > t)
            t = ti;
    }
    return t;
}

/* ---- loads -------------------------------------------------------------- */

struct StoreLoad {
    Transfer x[2];          /* [0] the checkpoint, [1] the image */
    StoreTier tier[2];      /* the tier each reads */
    int64_t bytes[2];
    int active[2];
    int n_active;
    int node;
    int fill;               /* a start: fill the tiers above at the end */
    int64_t model, image_key;
    StoreTier from;
    void *owner;
    int tag;
    SimTime began_us;
};

static StoreLoad *load_new(Storage *s, int i, void *owner, int tag,
                           SimTime now)
{
    StoreLoad *ld = xcalloc(1, sizeof *ld);
    ld->node = i;
    ld->owner = owner;
    ld->tag = tag;
    ld->began_us = now;
    if (s->n_live == s->cap_live) {
        s->cap_live = s->cap_live ? 2 * s->cap_live : 16;
        s->live = xrealloc(s->live, (size_t)s->cap_live * sizeof *s->live);
    }
    s->live[s->n_live++] = ld;
    return ld;
}

/* Starts transfer k of ld: `bytes` read from `tier`, capped at max_rate. */
static void load_xfer(Storage *s, StoreLoad *ld, int k, StoreTier tier,
                      int64_t bytes, double max_rate, SimTime now)
{
    NodeStore *nd = &s->node[ld->node];
    Link *b = tier == TIER_REMOTE && s->has_cap ? &s->cap : NULL;
    link_start(&ld->x[k], read_link(nd, tier), b, (double)bytes, max_rate,
               now);
    ld->tier[k] = tier;
    ld->bytes[k] = bytes;
    ld->active[k] = 1;
    ld->n_active++;
    s->started_bytes[tier] += bytes;
}

int storage_begin_start(Storage *s, int i, int64_t model, int64_t bytes,
                        int64_t image_key, int64_t image_bytes, int gpus,
                        SimTime now, void *owner, int tag, StoreTier *from)
{
    NodeStore *nd = &s->node[i];
    uint64_t clock = ++s->clock;
    StoreTier src = TIER_REMOTE;
    if (cache_lookup(&nd->dram, model, s->policy, clock))
        src = TIER_DRAM;
    else if (cache_lookup(&nd->ssd, model, s->policy, clock))
        src = TIER_SSD;
    *from = src;
    s->st.starts[src]++;
    int pull_image = image_bytes > 0 &&
                     !cache_lookup(&nd->ssd, image_key, s->policy, clock);
    if (bytes <= 0 && !pull_image)
        return 0;
    StoreLoad *ld = load_new(s, i, owner, tag, now);
    ld->fill = 1;
    ld->model = model;
    ld->image_key = image_key;
    ld->from = src;
    if (bytes > 0)
        load_xfer(s, ld, 0, src, bytes, gpu_cap(nd, gpus), now);
    if (pull_image)
        load_xfer(s, ld, 1, TIER_REMOTE, image_bytes, 0.0, now);
    return 1;
}

int storage_begin_h2g(Storage *s, int i, int64_t bytes, int gpus,
                      SimTime now, void *owner, int tag)
{
    NodeStore *nd = &s->node[i];
    if (bytes <= 0 || !nd->has_h2g)
        return 0;
    StoreLoad *ld = load_new(s, i, owner, tag, now);
    ld->from = TIER_DRAM;
    load_xfer(s, ld, 0, TIER_DRAM, bytes, gpu_cap(nd, gpus), now);
    return 1;
}

int storage_preload(Storage *s, int i, int64_t model, int64_t bytes,
                    StoreTier tier)
{
    NodeStore *nd = &s->node[i];
    TierCache *c = tier == TIER_SSD ? &nd->ssd : &nd->dram;
    assert(tier == TIER_SSD || tier == TIER_DRAM);
    return cache_insert(c, model, bytes, ++s->clock);
}

SimTime storage_next_finish(const Storage *s)
{
    SimTime best = SIM_TIME_MAX;
    for (int i = 0; i < s->n_live; i++) {
        const StoreLoad *ld = s->live[i];
        for (int k = 0; k < 2; k++)
            if (ld->active[k]) {
                SimTime t = link_xfer_finish(&ld->x[k]);
                if (t < best)
                    best = t;
            }
    }
    return best;
}

/* Ends ld's transfers due at now; 1 when any ended. */
static int end_due(Storage *s, StoreLoad *ld, SimTime now)
{
    int any = 0;
    for (int k = 0; k < 2; k++)
        if (ld->active[k] && link_xfer_finish(&ld->x[k]) <= now) {
            link_end(&ld->x[k], now);
            ld->active[k] = 0;
            ld->n_active--;
            s->done_bytes[ld->tier[k]] += ld->bytes[k];
            s->st.read_bytes[ld->tier[k]] += (double)ld->bytes[k];
            any = 1;
        }
    return any;
}

/* A start's copies on the way up: remote -> SSD and DRAM, SSD -> DRAM; a
 * pulled image lands on SSD. */
static void fill_above(Storage *s, const StoreLoad *ld)
{
    NodeStore *nd = &s->node[ld->node];
    uint64_t clock = ++s->clock;
    if (ld->bytes[0] > 0 && ld->from == TIER_REMOTE)
        cache_insert(&nd->ssd, ld->model, ld->bytes[0], clock);
    if (ld->bytes[0] > 0 && ld->from != TIER_DRAM)
        cache_insert(&nd->dram, ld->model, ld->bytes[0], clock);
    if (ld->bytes[1] > 0)
        cache_insert(&nd->ssd, ld->image_key, ld->bytes[1], clock);
}

void storage_finish_due(Storage *s, SimTime now, StoreDoneFn done, void *arg)
{
    /* an ending transfer speeds up the others: go round until none is due */
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; i < s->n_live; i++)
            again |= end_due(s, s->live[i], now);
    }
    int n_done = 0;
    for (int i = 0; i < s->n_live; i++)
        n_done += s->live[i]->n_active == 0;
    if (n_done == 0)
        return;
    StoreLoad **fin = xcalloc((size_t)n_done, sizeof *fin);
    int j = 0, f = 0;
    for (int i = 0; i < s->n_live; i++) {
        StoreLoad *ld = s->live[i];
        if (ld->n_active == 0)
            fin[f++] = ld;
        else
            s->live[j++] = ld;
    }
    s->n_live = j;
    for (int k = 0; k < n_done; k++) {
        StoreLoad *ld = fin[k];
        if (ld->fill) {
            fill_above(s, ld);
            s->st.load_s[ld->from] += time_to_s(now - ld->began_us);
        }
        StoreDone d = {ld->owner, ld->tag, ld->from, ld->began_us};
        free(ld);
        done(arg, &d);
    }
    free(fin);
}

/* ---- the books ---------------------------------------------------------- */

static int check_cache(const TierCache *c, const char *what, int node,
                       char *msg, size_t size)
{
    int64_t sum = 0;
    for (int k = 0; k < c->n; k++)
        sum += c->e[k].bytes;
    if (sum != c->held_bytes ||
        c->held_bytes != c->filled_bytes - c->evicted_bytes) {
        snprintf(msg, size,
                 "node %d %s: holds %lld bytes, entries %lld, filled - "
                 "evicted %lld",
                 node, what, (long long)c->held_bytes, (long long)sum,
                 (long long)(c->filled_bytes - c->evicted_bytes));
        return -1;
    }
    if (c->held_bytes > c->cap_bytes) {
        snprintf(msg, size, "node %d %s: %lld bytes held of %lld", node, what,
                 (long long)c->held_bytes, (long long)c->cap_bytes);
        return -1;
    }
    return 0;
}

int storage_check(const Storage *s, SimTime now, char *msg, size_t size)
{
    for (int i = 0; i < s->n; i++)
        if (check_cache(&s->node[i].ssd, "ssd", i, msg, size) < 0 ||
            check_cache(&s->node[i].dram, "dram", i, msg, size) < 0)
            return -1;
    int64_t flying[TIER_N] = {0};
    for (int i = 0; i < s->n_live; i++) {
        const StoreLoad *ld = s->live[i];
        for (int k = 0; k < 2; k++) {
            if (!ld->active[k])
                continue;
            flying[ld->tier[k]] += ld->bytes[k];
            double left = link_xfer_left(&ld->x[k], now);
            if (!(left >= 0 && left <= ld->x[k].bytes)) {
                snprintf(msg, size, "node %d: a transfer has %g of %g bytes "
                                    "left",
                         ld->node, left, ld->x[k].bytes);
                return -1;
            }
        }
    }
    for (int t = 0; t < TIER_N; t++)
        if (s->started_bytes[t] != s->done_bytes[t] + flying[t]) {
            snprintf(msg, size,
                     "tier %s: %lld bytes started, %lld done, %lld moving",
                     store_tier_names[t], (long long)s->started_bytes[t],
                     (long long)s->done_bytes[t], (long long)flying[t]);
            return -1;
        }
    return 0;
}

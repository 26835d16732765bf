/*
 * cluster.c - node capacity accounting and placement (see cluster.h).
 */
#include "cluster.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

/* x rounded up as an integer, at most 2^36 (69 PB, 69 million vCPUs): a
 * memory limit or a node of 1e300 GB is "unlimited", casting it would be
 * undefined, and a million such nodes of each kind still sum in an int64. */
static int64_t ceil_units(double x)
{
    const int64_t cap = (int64_t)1 << 36;
    if (x != x)
        return 0;
    return x < (double)cap ? (int64_t)ceil(x) : cap;
}

void cluster_init(Cluster *c, const ClusterSpec *spec, const char *gpu_type)
{
    c->gpu_type = gpu_type;
    int n = 0;
    for (int k = 0; k < spec->n_kinds; k++)
        n += spec->kind[k].count;
    c->nodes = xcalloc((size_t)(n > 0 ? n : 1), sizeof *c->nodes);
    c->n = n;
    c->place = spec->place;
    c->gpu_sharing = spec->gpu_sharing;
    int n_gpu = 0;
    for (int k = 0; k < spec->n_kinds; k++)
        n_gpu += spec->kind[k].count * spec->kind[k].gpus;
    c->gpu = xcalloc((size_t)(n_gpu > 0 ? n_gpu : 1), sizeof *c->gpu);
    c->n_gpu = n_gpu;
    n_gpu = 0;
    c->total_mem_mb = c->used_mem_mb = 0;
    c->used_gpus = 0;
    c->last_t = 0;
    c->used_mem_mb_us = c->used_gpus_us = 0;
    int i = 0;
    for (int k = 0; k < spec->n_kinds; k++) {
        const NodeSpec *ns = &spec->kind[k];
        for (int j = 0; j < ns->count; j++, i++) {
            c->nodes[i].cap = cluster_demand(ns->vcpus, ns->memory_gb * 1024,
                                             ns->gpus,
                                             ns->gpu_memory_gb * 1024 *
                                                 ns->gpus);
            c->nodes[i].gpu_type = ns->gpu_type;
            c->nodes[i].gpu0 = n_gpu;
            c->nodes[i].gpu_cap_mb = ceil_units(ns->gpu_memory_gb * 1024 -
                                                1e-9);
            c->nodes[i].kind = k;
            n_gpu += ns->gpus;
            c->total_mem_mb += c->nodes[i].cap.mem_mb;
        }
    }
}

void cluster_fini(Cluster *c)
{
    free(c->nodes);
    free(c->gpu);
    c->nodes = NULL;
    c->gpu = NULL;
    c->n = 0;
}

Demand cluster_demand(double vcpus, double mem_mb, int gpus,
                      double gpu_mem_mb)
{
    Demand d;
    d.mvcpus = ceil_units(vcpus * 1000 - 1e-9);
    d.mem_mb = ceil_units(mem_mb - 1e-9);
    d.gpus = gpus;
    d.gpu_mem_mb = ceil_units(gpu_mem_mb - 1e-9);
    return d;
}

int64_t cluster_gpu_share_mb(const Demand *d)
{
    return d->gpus > 0 ? (d->gpu_mem_mb + d->gpus - 1) / d->gpus : 0;
}

/* Whether GPU g (of a node whose GPUs have cap_mb each) can take a part of
 * share_mb: free when GPUs are owned whole, with room when shared. */
static int gpu_takes(const Cluster *c, const GpuBook *g, int64_t cap_mb,
                     int64_t share_mb)
{
    return c->gpu_sharing ? g->used_mb + share_mb <= cap_mb
                          : g->holders == 0;
}

/* The GPUs of node i that d's GPU part would take, lowest-numbered first,
 * as a mask; 0 when fewer than d->gpus can take it. */
static uint64_t gpu_choice(const Cluster *c, int i, const Demand *d)
{
    const Node *n = &c->nodes[i];
    int64_t share = cluster_gpu_share_mb(d);
    uint64_t mask = 0;
    int got = 0;
    for (int g = 0; g < n->cap.gpus && got < d->gpus; g++)
        if (gpu_takes(c, &c->gpu[n->gpu0 + g], n->gpu_cap_mb, share)) {
            mask |= (uint64_t)1 << g;
            got++;
        }
    return got == d->gpus ? mask : 0;
}

int cluster_gpu_fits(const Cluster *c, int i, const Demand *d)
{
    const Node *n = &c->nodes[i];
    if (d->gpus <= 0)
        return 1;
    if (c->gpu_type[0] != '\0' && n->gpu_type[0] != '\0' &&
        strcmp(n->gpu_type, c->gpu_type) != 0)
        return 0; /* GPUs of another class */
    if (!c->gpu_sharing) /* whole GPUs: counted, memory in all */
        return n->used.gpus + d->gpus <= n->cap.gpus &&
               n->used.gpu_mem_mb + d->gpu_mem_mb <= n->cap.gpu_mem_mb;
    return gpu_choice(c, i, d) != 0;
}

int cluster_fits(const Cluster *c, int i, const Demand *d)
{
    const Node *n = &c->nodes[i];
    return !n->closed && n->used.mvcpus + d->mvcpus <= n->cap.mvcpus &&
           n->used.mem_mb + d->mem_mb <= n->cap.mem_mb &&
           cluster_gpu_fits(c, i, d);
}

/* ---- placement policies: a score per fitting node, lowest wins ------- */

typedef struct PlacePolicy {
    /* node i's score for d (lower is better) */
    double (*score)(const Cluster *c, int i, const Demand *d,
                    const PlaceCost *cost);
    int first_wins; /* every node scores alike: stop at the first fit */
} PlacePolicy;

static double mem_left_mb(const Cluster *c, int i, const Demand *d)
{
    return (double)(c->nodes[i].cap.mem_mb - c->nodes[i].used.mem_mb -
                    d->mem_mb);
}

static double score_first(const Cluster *c, int i, const Demand *d,
                          const PlaceCost *cost)
{
    (void)c, (void)i, (void)d, (void)cost;
    return 0.0;
}

static double score_best(const Cluster *c, int i, const Demand *d,
                         const PlaceCost *cost)
{
    (void)cost;
    return mem_left_mb(c, i, d);
}

static double score_spread(const Cluster *c, int i, const Demand *d,
                           const PlaceCost *cost)
{
    (void)cost;
    return -mem_left_mb(c, i, d);
}

static double score_locality(const Cluster *c, int i, const Demand *d,
                             const PlaceCost *cost)
{
    (void)c, (void)d;
    return cost != NULL && cost->start_s != NULL
               ? cost->start_s(cost->ctx, i)
               : 0.0;
}

/* By PlacementKind. */
static const PlacePolicy place_policies[] = {
    {score_first, 1},
    {score_best, 0},
    {score_spread, 0},
    {score_locality, 0},
};

const char *const cluster_place_names[] = {"first-fit", "best-fit", "spread",
                                           "locality", NULL};

/* Locality with the caller's shortcut (PlaceCost.marked): the marked
 * fitting nodes by estimate, the unmarked ones by key, then the best of
 * the unmarked against the best marked (ties: the lower number). */
static int pick_marked(const Cluster *c, const Demand *d,
                       const PlaceCost *cost)
{
    int best = -1, plain = -1;
    double best_s = 0.0, plain_key = 0.0;
    for (int i = 0; i < c->n; i++) {
        if (!cluster_fits(c, i, d))
            continue;
        if (cost->marked[i]) {
            double t = cost->start_s(cost->ctx, i);
            if (best < 0 || t < best_s) {
                best = i;
                best_s = t;
            }
        } else {
            double k = cost->key(cost->ctx, i);
            if (plain < 0 || k < plain_key) {
                plain = i;
                plain_key = k;
            }
        }
    }
    if (plain >= 0) {
        double t = cost->start_s(cost->ctx, plain);
        if (best < 0 || t < best_s || (t == best_s && plain < best))
            best = plain;
    }
    return best;
}

int cluster_pick(const Cluster *c, const Demand *d, const PlaceCost *cost)
{
    const PlacePolicy *pol = &place_policies[c->place];
    if (c->place == PLACE_LOCALITY && cost != NULL && cost->marked != NULL)
        return pick_marked(c, d, cost);
    int best = -1;
    double best_score = 0.0;
    for (int i = 0; i < c->n; i++) {
        if (!cluster_fits(c, i, d))
            continue;
        if (pol->first_wins)
            return i;
        double score = pol->score(c, i, d, cost);
        if (best < 0 || score < best_score) {
            best = i;
            best_score = score;
        }
    }
    return best;
}

static void advance(Cluster *c, SimTime now)
{
    if (now > c->last_t) {
        c->used_mem_mb_us += (double)c->used_mem_mb * (double)(now - c->last_t);
        c->used_gpus_us += (double)c->used_gpus * (double)(now - c->last_t);
        c->last_t = now;
    }
}

uint64_t cluster_gpu_take(Cluster *c, int i, const Demand *d, SimTime now)
{
    assert(cluster_gpu_fits(c, i, d));
    advance(c, now);
    Node *n = &c->nodes[i];
    uint64_t mask = gpu_choice(c, i, d);
    int64_t share = cluster_gpu_share_mb(d);
    for (int g = 0; g < n->cap.gpus; g++)
        if (mask >> g & 1) {
            GpuBook *b = &c->gpu[n->gpu0 + g];
            n->used.gpus += b->holders == 0;
            c->used_gpus += b->holders == 0;
            b->holders++;
            b->used_mb += share;
        }
    n->used.gpu_mem_mb += d->gpu_mem_mb;
    return mask;
}

void cluster_gpu_release(Cluster *c, int i, const Demand *d, uint64_t gpus,
                         SimTime now)
{
    advance(c, now);
    Node *n = &c->nodes[i];
    int64_t share = cluster_gpu_share_mb(d);
    for (int g = 0; g < n->cap.gpus; g++)
        if (gpus >> g & 1) {
            GpuBook *b = &c->gpu[n->gpu0 + g];
            assert(b->holders > 0 && b->used_mb >= share);
            b->holders--;
            b->used_mb -= share;
            n->used.gpus -= b->holders == 0;
            c->used_gpus -= b->holders == 0;
        }
    n->used.gpu_mem_mb -= d->gpu_mem_mb;
}

uint64_t cluster_take(Cluster *c, int i, const Demand *d, SimTime now)
{
    assert(i >= 0 && i < c->n && cluster_fits(c, i, d));
    advance(c, now);
    Node *n = &c->nodes[i];
    n->used.mvcpus += d->mvcpus;
    n->used.mem_mb += d->mem_mb;
    n->n_inst++;
    c->used_mem_mb += d->mem_mb;
    return d->gpus > 0 ? cluster_gpu_take(c, i, d, now) : 0;
}

void cluster_release(Cluster *c, int i, const Demand *d, uint64_t gpus,
                     SimTime now)
{
    assert(i >= 0 && i < c->n && c->nodes[i].n_inst > 0);
    advance(c, now);
    Node *n = &c->nodes[i];
    n->used.mvcpus -= d->mvcpus;
    n->used.mem_mb -= d->mem_mb;
    n->n_inst--;
    c->used_mem_mb -= d->mem_mb;
    if (gpus != 0)
        cluster_gpu_release(c, i, d, gpus, now);
}

double cluster_mem_utilization(Cluster *c, SimTime now)
{
    advance(c, now);
    if (c->total_mem_mb == 0 || now <= 0)
        return 0.0;
    return c->used_mem_mb_us / ((double)c->total_mem_mb * (double)now);
}

double cluster_gpu_hours(Cluster *c, SimTime now)
{
    advance(c, now);
    return c->used_gpus_us / (3600.0 * SIM_US_PER_S);
}

int cluster_fits_any_empty(const Cluster *c, const Demand *d)
{
    for (int i = 0; i < c->n; i++) {
        const Demand *cap = &c->nodes[i].cap;
        if (d->gpus > 0 && c->gpu_type[0] != '\0' &&
            c->nodes[i].gpu_type[0] != '\0' &&
            strcmp(c->nodes[i].gpu_type, c->gpu_type) != 0)
            continue;
        if (c->gpu_sharing && cluster_gpu_share_mb(d) >
                                  c->nodes[i].gpu_cap_mb)
            continue; /* its part of a GPU is more than a GPU */
        if (d->mvcpus <= cap->mvcpus && d->mem_mb <= cap->mem_mb &&
            d->gpus <= cap->gpus && d->gpu_mem_mb <= cap->gpu_mem_mb)
            return 1;
    }
    return 0;
}

int cluster_spec_gpu_features(const ClusterSpec *spec)
{
    int on = spec->enabled && (spec->gpu_sharing || spec->swap ||
                               spec->on_stockout != STOCKOUT_QUEUE);
    on |= spec->enabled && (spec->tiers || spec->place == PLACE_LOCALITY ||
                            spec->preload_models > 0);
    for (int k = 0; spec->enabled && k < spec->n_kinds; k++)
        on |= spec->kind[k].spot_per_hour > 0 || spec->kind[k].gpus > 0;
    return on;
}

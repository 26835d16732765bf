/*
 * test_placement.c - placement policies, the function -> model mapping of
 * many-function traces, and pre-loading.
 *
 * Pins:
 *  - the policy table: first-fit, best-fit, spread and locality each pick
 *    the node a hand-worked four-node case predicts (locality: the fitting
 *    node with the smallest estimate, ties to the lower number; without an
 *    estimate it is first-fit);
 *  - the mapping: the same names give the same model whatever else is
 *    mapped and in whatever order; the seed reshuffles it; functions fall
 *    on a weighted table in proportion to the weights (chi-square with 3
 *    degrees of freedom under its 0.999 quantile, 16.27, printed); the
 *    generated sizes are log-uniform in [min, max] (mean of the log-position
 *    within 1/2 +- 4 standard errors);
 *  - in a run: every function's checkpoint is the mapping of its trace
 *    names, its size the table's; the pre-loading ranking is the models
 *    ordered by the arrivals the trace gives their functions (counted here
 *    from the trace as written), cut at preload_models;
 *  - nodes never hold more vCPUs, memory, GPUs or GPU memory than they have,
 *    and their books (and the storage tiers' bytes) balance, after every
 *    event of random many-model scenarios with tiers placed by locality.
 *  - locality with tiers: a hand-worked three-node run where it starts a
 *    function from the DRAM that holds it while first-fit loads it from
 *    remote again; estimates by hand (10 s remote, 0.5 s DRAM, 1 s on a
 *    shared link); pre-loading fills node j's DRAM with the model of rank j
 *    at time 0; GPU-hours and cold-wait percentiles by hand.
 * Does not pin which node a start goes to in the random runs.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "entity/cluster.h"
#include "entity/storage.h"
#include "platform/serverless.h"
#include "platform/world.h"
#include "support.h"
#include "workload/modelset.h"

/* ---- the policy table --------------------------------------------------- */

/* Estimates by node, for the locality cases. */
static double est_of(const void *ctx, int node)
{
    return ((const double *)ctx)[node];
}

/* Four nodes of 8 GB, with 1.5, 6, 3 and 0 GB taken; node 3's vCPUs are
 * all taken, so a 2 GB, 1 vCPU instance fits nodes 0, 1 and 2. */
static void four_nodes(Cluster *c, ClusterSpec *cs, PlacementKind place)
{
    memset(cs, 0, sizeof *cs);
    cs->enabled = 1;
    cs->n_kinds = 1;
    cs->kind[0].count = 4;
    cs->kind[0].vcpus = 4;
    cs->kind[0].memory_gb = 8;
    cs->place = place;
    cluster_init(c, cs, "");
    Demand taken[4] = {cluster_demand(1, 1536, 0, 0),
                       cluster_demand(1, 6144, 0, 0),
                       cluster_demand(1, 3072, 0, 0),
                       cluster_demand(4, 0, 0, 0)};
    for (int i = 0; i < 4; i++)
        cluster_take(c, i, &taken[i], 0);
}

Test(placement, each_policy_picks_the_hand_worked_node)
{
    /* 2 GB left after placing: node 0 6.5 - 2 = 4.5, node 1 0, node 2 3 */
    static const int want[] = {0, 1, 0}; /* first-, best-fit, spread */
    Demand d = cluster_demand(1, 2048, 0, 0);
    ClusterSpec cs;
    Cluster c;
    for (int p = 0; p < 3; p++) {
        four_nodes(&c, &cs, (PlacementKind)p);
        cr_assert_eq(cluster_pick(&c, &d, NULL), want[p], "%s",
                     cluster_place_names[p]);
        cluster_fini(&c);
    }
    /* locality: node 3 would be fastest but is full; of the fitting ones
     * node 2 (0.7 s) beats 0 (5.1 s) and 1 (2.3 s) */
    double est[4] = {5.1, 2.3, 0.7, 0.1};
    PlaceCost cost = {est_of, est, NULL, NULL};
    four_nodes(&c, &cs, PLACE_LOCALITY);
    cr_assert_eq(cluster_pick(&c, &d, &cost), 2);
    est[1] = 0.7; /* a tie goes to the lower number */
    cr_assert_eq(cluster_pick(&c, &d, &cost), 1);
    cr_assert_eq(cluster_pick(&c, &d, NULL), 0, "no estimate: first-fit");
    Demand big = cluster_demand(1, 7 * 1024, 0, 0);
    cr_assert_eq(cluster_pick(&c, &big, &cost), -1, "fits nowhere");
    cluster_fini(&c);
    cr_assert_str_eq(cluster_place_names[PLACE_LOCALITY], "locality");
}

/* Three nodes of one GPU, a 10 Gbit/s network (1.25 GB/s), a 100 GB
 * DRAM cache and 25 GB/s host -> GPU each. */
static ClusterSpec tier_nodes(void)
{
    ClusterSpec cs;
    memset(&cs, 0, sizeof cs);
    cs.enabled = 1;
    cs.n_kinds = 1;
    NodeSpec *ns = &cs.kind[0];
    ns->count = 3;
    ns->vcpus = 8;
    ns->memory_gb = 64;
    ns->gpus = 1;
    ns->gpu_memory_gb = 80;
    ns->network_gbps = 10;
    ns->dram_cache_gb = 100;
    ns->host_to_gpu_gb_per_s = 25;
    cs.tiers = 1;
    cs.place = PLACE_LOCALITY;
    return cs;
}

typedef struct StoreJob {
    const Storage *st;
    int64_t model, bytes;
} StoreJob;

/* The shortcut's key for nodes holding nothing: their network's share. */
static double net_key(const void *ctx, int node)
{
    const StoreJob *j = ctx;
    const Link *net = &j->st->node[node].net;
    return (net->n + 1) / net->bytes_per_s;
}

static double store_est(const void *ctx, int node)
{
    const StoreJob *j = ctx;
    return storage_estimate_start_s(j->st, node, j->model, j->bytes,
                                    STORE_IMAGE_KEY(0), 0, 1);
}

/* Pins (by hand): a 12.5 GB checkpoint takes 12.5 / 1.25 = 10 s from
 * remote and 12.5 / 25 = 0.5 s from DRAM; locality picks a node holding
 * it in DRAM (node 1 of 0, 1, 2 with nodes 1 and 2 holding it: the tie to
 * the lower number); once node 1's host -> GPU link carries another
 * transfer its estimate is 12.5 / (25 / 2) = 1 s, and node 2, whose link
 * is idle, is picked. */
Test(placement, locality_picks_the_holder_and_then_the_faster_link)
{
    ClusterSpec cs = tier_nodes();
    Cluster c;
    Storage st;
    cluster_init(&c, &cs, "");
    storage_init(&st, &cs);
    const int64_t model = 7, bytes = 12500000000LL;
    cr_assert(storage_preload(&st, 1, model, bytes, TIER_DRAM));
    cr_assert(storage_preload(&st, 2, model, bytes, TIER_DRAM));
    StoreJob job = {&st, model, bytes};
    PlaceCost cost = {store_est, &job, NULL, NULL};
    Demand d = cluster_demand(1, 1024, 1, 20 * 1024);
    double e[3];
    for (int i = 0; i < 3; i++)
        e[i] = store_est(&job, i);
    fprintf(stderr, "estimates: %.3f %.3f %.3f s (by hand 10, 0.5, 0.5)\n",
            e[0], e[1], e[2]);
    cr_assert_float_eq(e[0], 10.0, 1e-9);
    cr_assert_float_eq(e[1], 0.5, 1e-9);
    cr_assert_eq(cluster_pick(&c, &d, &cost), 1);
    int dummy;
    cr_assert(storage_begin_h2g(&st, 1, 25000000000LL, 1, 0, &dummy, 0));
    e[1] = store_est(&job, 1);
    fprintf(stderr, "node 1's link shared: %.3f s (by hand 1)\n", e[1]);
    cr_assert_float_eq(e[1], 1.0, 1e-9);
    cr_assert_eq(cluster_pick(&c, &d, &cost), 2);
    /* the shortcut (only holders estimated, the rest by their network's
     * share) picks alike, and so when no node holds it */
    const unsigned char marked[3] = {0, 1, 1}, none[3] = {0, 0, 0};
    PlaceCost quick = {store_est, &job, marked, net_key};
    cr_assert_eq(cluster_pick(&c, &d, &quick), 2);
    StoreJob other = {&st, 8, bytes};
    PlaceCost q8 = {store_est, &other, none, net_key};
    PlaceCost f8 = {store_est, &other, NULL, NULL};
    cr_assert_eq(cluster_pick(&c, &d, &q8), cluster_pick(&c, &d, &f8));
    cr_assert_eq(cluster_pick(&c, &d, &q8), 0);
    /* node 0's network now carries a load: 12.5 / (1.25 / 2) = 20 s there,
     * 10 s on nodes 1 and 2; both ways pick node 1 */
    StoreTier from;
    cr_assert(storage_begin_start(&st, 0, 9, bytes, STORE_IMAGE_KEY(0), 0, 1,
                                  0, &dummy, 0, &from));
    cr_assert_eq(from, TIER_REMOTE);
    cr_assert_float_eq(store_est(&other, 0), 20.0, 1e-9);
    cr_assert_eq(cluster_pick(&c, &d, &f8), 1);
    cr_assert_eq(cluster_pick(&c, &d, &q8), 1);
    c.place = PLACE_FIRST_FIT;
    cr_assert_eq(cluster_pick(&c, &d, &cost), 0, "first-fit ignores it");
    storage_fini(&st);
    cluster_fini(&c);
}

/* ---- the mapping -------------------------------------------------------- */

static ModelSetSpec four_models(void)
{
    ModelSetSpec ms;
    memset(&ms, 0, sizeof ms);
    static const double gb[] = {16.1, 2.385, 140.0, 26.0};
    for (int k = 0; k < 4; k++) {
        ModelEntry *m = &ms.table[k];
        snprintf(m->name, sizeof m->name, "m%d", k);
        m->size_mb = gb[k] * 1024;
        m->mem_mb = m->size_mb;
        m->weight = k + 1; /* shares 0.1, 0.2, 0.3, 0.4 */
    }
    ms.n = ms.n_table = 4;
    return ms;
}

Test(placement, mapping_is_deterministic_and_follows_the_weights)
{
    enum { N = 20000 };
    ModelSetSpec ms = four_models();
    long seen[4] = {0};
    int moved = 0;
    char app[32], id[32];
    for (int i = 0; i < N; i++) {
        snprintf(app, sizeof app, "app%d", i / 3);
        snprintf(id, sizeof id, "fn%d", i);
        int k = modelset_assign(&ms, app, id);
        cr_assert(k >= 0 && k < 4);
        seen[k]++;
        ModelSetSpec other = ms;
        other.seed = 7;
        moved += modelset_assign(&other, app, id) != k;
    }
    /* again, backwards: every name keeps its model */
    for (int i = N - 1; i >= 0; i -= 97) {
        snprintf(app, sizeof app, "app%d", i / 3);
        snprintf(id, sizeof id, "fn%d", i);
        int k = modelset_assign(&ms, app, id);
        int k2 = modelset_assign(&ms, app, id);
        cr_assert_eq(k, k2);
    }
    double chi2 = 0.0;
    for (int k = 0; k < 4; k++) {
        double e = N * (k + 1) / 10.0;
        double o = (double)seen[k];
        chi2 += (o - e) * (o - e) / e;
    }
    fprintf(stderr, "mapping: %ld %ld %ld %ld of %d (expected 2000 4000 6000 "
                    "8000), chi-square %.3f (3 df, 0.999 quantile 16.27); "
                    "seed 7 moves %d\n",
            seen[0], seen[1], seen[2], seen[3], N, chi2, moved);
    cr_assert_lt(chi2, 16.27);
    /* an independent reshuffle moves 1 - sum p^2 = 0.7 of them */
    cr_assert(fabs(moved / (double)N - 0.7) < 0.02, "moved %d", moved);
    /* the separator: ("ab", "c") and ("a", "bc") hash apart */
    cr_assert_neq(modelset_unit_hash(0, "ab", "c"),
                  modelset_unit_hash(0, "a", "bc"));
}

Test(placement, generated_sizes_are_log_uniform)
{
    enum { N = 500 };
    ModelSetSpec ms;
    memset(&ms, 0, sizeof ms);
    ms.n = N;
    ms.size_min_mb = 1.5 * 1024;
    ms.size_max_mb = 70.0 * 1024;
    double sum = 0.0;
    for (int k = 0; k < N; k++) {
        ModelEntry m = modelset_model(&ms, k);
        cr_assert(m.size_mb >= ms.size_min_mb && m.size_mb <= ms.size_max_mb);
        cr_assert_float_eq(m.mem_mb, m.size_mb * 1e6 / 1048576, 1e-9);
        sum += log(m.size_mb / ms.size_min_mb) /
               log(ms.size_max_mb / ms.size_min_mb);
    }
    double mean = sum / N, se = sqrt(1.0 / 12.0 / N);
    fprintf(stderr, "generated sizes: mean log-position %.4f, 1/2 +- %.4f "
                    "(4 standard errors)\n",
            mean, 4 * se);
    cr_assert(fabs(mean - 0.5) < 4 * se);
    /* equal weights: the index is the hash's quantile */
    double u = modelset_unit_hash(0, "app", "fn");
    cr_assert_eq(modelset_assign(&ms, "app", "fn"), (int)(u * N));
}

/* ---- in a run ----------------------------------------------------------- */

#define NFN 24
#define NMIN 20

/* The percentile columns of an Azure 2019 durations file. */
static const int pct[] = {0, 1, 25, 50, 75, 99, 100};

/* Function i's count in minute m, as written to the trace. */
static int count_of(int i, int m, uint64_t salt)
{
    uint64_t x = (uint64_t)(i * 131 + m) * 0x9e3779b97f4a7c15ULL ^ salt;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 32;
    return (x % 3 == 0) ? 0 : (int)(x % (unsigned)(60 / (i + 1) + 2));
}

/* An Azure-2019-format trace of NFN functions (in NFN / 3 apps) over NMIN
 * minutes, counts count_of(), durations 40 to 800 ms. */
static void write_many(const char *tag, uint64_t salt, WorkloadSpec *wl)
{
    char dir[512];
    support_tmpdir(tag, dir, sizeof dir);
    memset(wl, 0, sizeof *wl);
    snprintf(wl->type, sizeof wl->type, "azure2019");
    Az19Spec *z = &wl->az19;
    snprintf(z->invocations, sizeof z->invocations, "%s/inv.csv", dir);
    snprintf(z->durations, sizeof z->durations, "%s/dur.csv", dir);
    z->time_scale = 1;
    FILE *fi = fopen(z->invocations, "w"), *fd = fopen(z->durations, "w");
    cr_assert(fi != NULL && fd != NULL);
    fprintf(fi, "HashOwner,HashApp,HashFunction,Trigger");
    for (int m = 1; m <= NMIN; m++)
        fprintf(fi, ",%d", m);
    fprintf(fi, "\n");
    /* durations: percentiles p of function i at ms_i (1 + p / 100) */
    fprintf(fd, "HashOwner,HashApp,HashFunction,Average,Count,Minimum,"
                "Maximum");
    for (int k = 0; k < 7; k++)
        fprintf(fd, ",percentile_Average_%d", pct[k]);
    fprintf(fd, "\n");
    for (int i = 0; i < NFN; i++) {
        fprintf(fi, "own,a%d,f%d,http", i / 3, i);
        for (int m = 0; m < NMIN; m++)
            fprintf(fi, ",%d", count_of(i, m, salt));
        fprintf(fi, "\n");
        int ms = 40 + 60 * (i % 7);
        fprintf(fd, "own,a%d,f%d,%d,9,%d,%d", i / 3, i, ms * 3 / 2, ms,
                ms * 2);
        for (int k = 0; k < 7; k++)
            fprintf(fd, ",%d", ms + ms * pct[k] / 100);
        fprintf(fd, "\n");
    }
    fclose(fi);
    fclose(fd);
}

/* A GPU alternative over `nodes` nodes of 4 GPUs (24 GB each) running the
 * four-model table (models 0 and 1 fit a node's GPU memory; model 2's 140
 * GB is cut to 20 GB of GPU memory here). */
static AltSpec gpu_alt(int nodes, PlacementKind place)
{
    AltSpec a = support_alt(0.2, 3.0);
    a.price.gpus = 1;
    strcpy(a.hardware, "gpu-t4");
    a.model_memory_mb = 900;
    a.memory_mb = 1024;
    a.vcpus = 1;
    a.models = four_models();
    a.models.table[2].mem_mb = 20 * 1024;
    a.models.table[3].mem_mb = 19 * 1024;
    a.cluster.enabled = 1;
    a.cluster.n_kinds = 1;
    a.cluster.kind[0].count = nodes;
    a.cluster.kind[0].vcpus = 32;
    a.cluster.kind[0].memory_gb = 256;
    a.cluster.kind[0].gpus = 4;
    a.cluster.kind[0].gpu_memory_gb = 24;
    a.cluster.place = place;
    return a;
}

Test(placement, functions_run_their_mapped_model_and_preload_ranks_by_trace)
{
    WorkloadSpec wl;
    write_many("placement_map", 0, &wl);
    AltSpec a = gpu_alt(3, PLACE_LOCALITY);
    a.cluster.preload_models = 3;
    a.cluster.preload_nodes = 3;
    a.cluster.preload_replicas = 1;
    a.cluster.tiers = 1; /* 100 GB of DRAM cache: model 2 (140 GB) fits none */
    a.cluster.kind[0].network_gbps = 10;
    a.cluster.kind[0].dram_cache_gb = 100;
    a.cluster.kind[0].host_to_gpu_gb_per_s = 25;
    RunConfig rc = support_config(&a, &wl, NMIN * 60.0, 11);
    World *w = world_create(&rc);
    cr_assert_eq(srvpool_functions(w->srv), NFN);
    uint64_t per_model[4] = {0};
    char app[16], id[16];
    for (int i = 0; i < NFN; i++) {
        snprintf(app, sizeof app, "a%d", i / 3);
        snprintf(id, sizeof id, "f%d", i);
        int want = modelset_assign(&a.models, app, id);
        double mb;
        cr_assert_eq(srvpool_fn_checkpoint(w->srv, i, &mb), want, "fn %d", i);
        cr_assert_float_eq(mb, a.models.table[want].size_mb, 1e-6);
        for (int m = 0; m < NMIN; m++)
            per_model[want] += (uint64_t)count_of(i, m, 0);
    }
    /* the ranking by hand: most arrivals first */
    int order[4] = {0, 1, 2, 3};
    for (int x = 0; x < 4; x++)
        for (int y = x + 1; y < 4; y++)
            if (per_model[order[y]] > per_model[order[x]]) {
                int t = order[x];
                order[x] = order[y];
                order[y] = t;
            }
    int n;
    const int *rank = srvpool_preload_ranking(w->srv, &n);
    fprintf(stderr, "arrivals by model: %llu %llu %llu %llu; pre-load %d, "
                    "first %d\n",
            (unsigned long long)per_model[0], (unsigned long long)per_model[1],
            (unsigned long long)per_model[2], (unsigned long long)per_model[3],
            n, n > 0 ? rank[0] : -1);
    cr_assert_eq(n, 3);
    for (int j = 0; j < 3; j++)
        cr_assert_eq(rank[j], order[j], "rank %d", j);
    /* at time 0 node j's DRAM holds the model of rank j, and only it
     * (unless it is the 140 GB one, which fits no DRAM cache) */
    const Storage *st = srvpool_storage(w->srv);
    cr_assert_not_null(st);
    for (int node = 0; node < 3; node++)
        for (int k = 0; k < 4; k++) {
            int want = k == rank[node] && k != 2;
            cr_assert_eq(storage_dram_holds(st, node, k), want,
                         "node %d, model %d", node, k);
        }
    RunResult res;
    while (sim_step(world_sim(w), rc.horizon))
        ;
    world_finish(w, &res);
    world_destroy(w);
    fprintf(stderr, "completed %g of %g\n", res.v[MET_completed],
            res.v[MET_arrivals]);
    cr_assert_gt(res.v[MET_completed], 100);
}

Test(placement, locality_never_exceeds_capacity_random_scenarios)
{
    gsl_rng *r = rng_create(2385, 1, RNG_POLICY, 0);
    uint64_t events = 0, no_room = 0, starts = 0;
    int runs = 0;
    for (int sc = 0; sc < 12; sc++) {
        WorkloadSpec wl;
        write_many("placement_random", (uint64_t)sc, &wl);
        AltSpec a = gpu_alt(1 + (int)gsl_rng_uniform_int(r, 3),
                            PLACE_LOCALITY);
        a.cluster.kind[0].gpus = 1 + (int)gsl_rng_uniform_int(r, 4);
        a.cluster.kind[0].memory_gb = 2 + 6 * gsl_rng_uniform(r);
        a.cluster.kind[0].vcpus = 2 + (int)gsl_rng_uniform_int(r, 6);
        a.keepalive.keepalive_s = 30 * gsl_rng_uniform(r);
        a.queue_len = (int)gsl_rng_uniform_int(r, 4);
        a.concurrency = 1 + (int)gsl_rng_uniform_int(r, 2);
        NodeSpec *ns = &a.cluster.kind[0];
        a.cluster.tiers = 1; /* tiers: loads of 2.4 to 140 GB */
        ns->network_gbps = 10 + 90 * gsl_rng_uniform(r);
        ns->dram_cache_gb = 200 * gsl_rng_uniform(r);
        ns->host_to_gpu_gb_per_s = 25;
        if (gsl_rng_uniform(r) < 0.5) {
            ns->ssd_gb = 500 * gsl_rng_uniform(r);
            ns->ssd_read_gb_per_s = 3 + 4 * gsl_rng_uniform(r);
        }
        if (gsl_rng_uniform(r) < 0.5) {
            a.cluster.preload_models = 1 + (int)gsl_rng_uniform_int(r, 4);
            a.cluster.preload_nodes = a.cluster.kind[0].count;
            a.cluster.preload_replicas = 1;
        }
        RunConfig rc = support_config(&a, &wl, NMIN * 60.0, (uint64_t)sc);
        World *w = world_create(&rc);
        char msg[256];
        while (sim_step(world_sim(w), rc.horizon)) {
            events++;
            cr_assert_eq(world_check(w, msg, sizeof msg), 0,
                         "scenario %d, event %llu: %s", sc,
                         (unsigned long long)events, msg);
        }
        RunResult res;
        world_finish(w, &res);
        world_destroy(w);
        no_room += (uint64_t)res.v[MET_no_room];
        starts += (uint64_t)res.v[MET_cold_starts];
        runs++;
    }
    fprintf(stderr, "%d scenarios, %llu events checked, %llu starts, %llu "
                    "without room\n",
            runs, (unsigned long long)events, (unsigned long long)starts,
            (unsigned long long)no_room);
    cr_assert_gt(no_room, 0, "the scenarios never filled a node");
    cr_assert_gt(events, 10000);
    gsl_rng_free(r);
}

/* Pins: GPU-hours are GPUs held x time: instances of 2 GPUs each, two of
 * them provisioned for the whole hour (4.000 GPU-h); the third request, at
 * 0.5 s, finds both busy and starts an on-demand instance: ready at 3.5 s,
 * done at 5.885 s, kept 600 s, so it holds 2 GPUs 0.5 .. 605.885 s.  The
 * cold-wait percentiles of a constant 3 s start are 3,000 ms (a small
 * run: exact). */
Test(placement, gpu_hours_and_cold_wait_by_hand)
{
    AltSpec a = gpu_alt(2, PLACE_FIRST_FIT);
    memset(&a.models, 0, sizeof a.models);
    a.price.gpus = 2;
    a.hw.warm.kind = DIST_CONSTANT;
    a.hw.warm.a_s = 2.385;
    a.n_prov = 1;
    a.prov[0].count = 2;
    double t[3] = {0.2, 0.3, 0.5}, dur[3] = {2.385, 2.385, 2.385};
    WorkloadSpec wl = support_trace("placement_gpuh", t, dur, 3);
    RunResult res = support_run(&a, &wl, 3600, 1, 0);
    double want = 2 * (2.0 + (605.885 - 0.5) / 3600.0);
    fprintf(stderr, "GPU-hours %.6f (by hand %.6f), cold wait p50 %.3f p99 "
                    "%.3f ms\n",
            res.v[MET_gpu_hours], want, res.v[MET_cold_wait_p50_ms],
            res.v[MET_cold_wait_p99_ms]);
    cr_assert_eq(res.v[MET_cold_starts], 1);
    cr_assert_float_eq(res.v[MET_gpu_hours], want, 1e-9);
    cr_assert_float_eq(res.v[MET_cold_wait_p50_ms], 3000.0, 1e-9);
    cr_assert_float_eq(res.v[MET_cold_wait_p99_ms], 3000.0, 1e-9);
}

/* Three functions, one arrival each minute as written: A at 30 s (runs
 * 1000 s), C at 90 s (100 s), B at 150 s and again at 270 s (2 s each);
 * keep-alive 5 s; 3 nodes of one GPU; each function its own 12.5 GB
 * checkpoint: 10 s from remote, 0.5 s from DRAM, after a 3 s sandbox.
 * A takes node 0, C node 1, B node 2 (cold, filling node 2's DRAM).  At
 * 270 s nodes 1 (C gone at 208 s) and 2 (B gone at 170 s) are free:
 * first-fit starts B on node 1 from remote again (four remote starts, cold
 * waits all 13 s), locality on node 2 from DRAM (three remote, one DRAM:
 * mean wait (3 x 13 + 3.5) / 4 = 10.625 s). */
Test(placement, locality_starts_where_the_weights_are)
{
    char dir[512];
    support_tmpdir("placement_e2e", dir, sizeof dir);
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    snprintf(wl.type, sizeof wl.type, "azure2019");
    Az19Spec *z = &wl.az19;
    snprintf(z->invocations, sizeof z->invocations, "%s/inv.csv", dir);
    snprintf(z->durations, sizeof z->durations, "%s/dur.csv", dir);
    z->time_scale = 1;
    support_write_file(z->invocations,
                       "HashOwner,HashApp,HashFunction,Trigger,1,2,3,4,5\n"
                       "o,a,A,http,1,0,0,0,0\n"
                       "o,a,C,http,0,1,0,0,0\n"
                       "o,a,B,http,0,0,1,0,1\n");
    static const char *const rows[] = {"A,1000000", "C,100000", "B,2000"};
    FILE *fd = fopen(z->durations, "w");
    cr_assert_not_null(fd);
    fprintf(fd, "HashOwner,HashApp,HashFunction,Average,Count,Minimum,"
                "Maximum");
    for (int k = 0; k < 7; k++)
        fprintf(fd, ",percentile_Average_%d", pct[k]);
    fprintf(fd, "\n");
    for (int i = 0; i < 3; i++) {
        const char *ms = strchr(rows[i], ',') + 1;
        fprintf(fd, "o,a,%.*s,%s,1,%s,%s", (int)(ms - 1 - rows[i]), rows[i],
                ms, ms, ms);
        for (int k = 0; k < 7; k++)
            fprintf(fd, ",%s", ms);
        fprintf(fd, "\n");
    }
    fclose(fd);
    double mean_wait[2], remote[2], dram[2];
    for (int p = 0; p < 2; p++) {
        ClusterSpec cs = tier_nodes();
        cs.place = p ? PLACE_LOCALITY : PLACE_FIRST_FIT;
        AltSpec a = support_alt(1.0, 3.0);
        a.price.gpus = 1;
        strcpy(a.hardware, "gpu-t4");
        a.cluster = cs;
        a.checkpoint_bytes = 12.5e9;
        a.keepalive.keepalive_s = 5;
        RunResult res = support_run(&a, &wl, 1200, 1, 0);
        fprintf(stderr, "%s: %g arrivals, %g completed, %g rejected, %g "
                        "starts\n",
                cluster_place_names[cs.place], res.v[MET_arrivals],
                res.v[MET_completed], res.v[MET_rejected],
                res.v[MET_cold_starts]);
        cr_assert_eq(res.v[MET_completed], 4);
        mean_wait[p] = res.v[MET_mean_cold_wait_ms];
        remote[p] = res.v[MET_starts_remote];
        dram[p] = res.v[MET_starts_dram];
    }
    fprintf(stderr, "first-fit: %g remote, %g DRAM starts, mean cold wait "
                    "%.3f ms; locality: %g, %g, %.3f ms\n",
            remote[0], dram[0], mean_wait[0], remote[1], dram[1],
            mean_wait[1]);
    cr_assert_eq(remote[0], 4);
    cr_assert_eq(dram[0], 0);
    cr_assert_float_eq(mean_wait[0], 13000.0, 1e-6);
    cr_assert_eq(remote[1], 3);
    cr_assert_eq(dram[1], 1);
    cr_assert_float_eq(mean_wait[1], 10625.0, 1e-6);
}

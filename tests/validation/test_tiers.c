/*
 * test_tiers.c - storage tiers, processor-shared links and the warmth
 * ladder (entity/storage.h, entity/link.h, serverless starts).
 *
 * Pins:
 *  - processor sharing by hand: two equal transfers started together on
 *    one link end together at twice the single time; a staggered pair on
 *    a 1 GB/s link (1 GB at 0 s, 1 GB at 0.5 s) ends at 1.5 s and 2.0 s;
 *    a transfer crossing a node link and the cluster cap gets the smaller
 *    share;
 *  - max-min fair rates by hand: what a transfer bottlenecked elsewhere
 *    (or at its own cap) leaves of a link goes to the others on it, and an
 *    end on one node's link rerates a transfer on another node through the
 *    shared cap; on random sets of links, caps and transfers (fixed seed)
 *    every link carries at most its bandwidth and every transfer is at its
 *    cap or at a full link where no transfer is faster (the max-min
 *    condition);
 *  - a hand-worked start sequence on one node: cold (remote), disk-warm
 *    (SSD), memory-warm (DRAM), with the latencies, load seconds, bytes
 *    per tier and start counts the arithmetic gives, and a snapshot
 *    restore in place of the sandbox;
 *  - the DRAM cache's hit ratio under independent references (Zipf
 *    popularity) against the Che approximation for LRU, inside the
 *    interval;
 *  - ServerlessLLM's measured loading times (H100, NVMe and cached in host
 *    memory) from two fitted tier bandwidths, within 10% (fitted and
 *    predicted figures below);
 *  - bytes conserved per tier (held = filled - evicted <= capacity, bytes
 *    started = done + in flight) after every event of random scenarios
 *    and every operation of random load sequences, fixed seeds.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "config/scenario.h"
#include "core/rng.h"
#include "entity/link.h"
#include "entity/storage.h"
#include "support.h"

#define GB 1e9

static void count_done(void *arg, const StoreDone *d)
{
    (void)d;
    (*(int *)arg)++;
}

/* ---- processor sharing ------------------------------------------------- */

Test(tiers, ps_two_equal_transfers_end_together_at_twice_the_single_time)
{
    Link l;
    link_init(&l, 2 * GB); /* 2 GB/s */
    Transfer a, b;
    link_start(&a, &l, NULL, 4 * GB, 0, 0);
    cr_assert_eq(link_next_finish(&l, NULL), time_from_s(2.0)); /* alone */
    link_start(&b, &l, NULL, 4 * GB, 0, 0);
    SimTime ta = link_xfer_finish(&a), tb = link_xfer_finish(&b);
    fprintf(stderr, "PS: single 2.000000 s, together %.6f s and %.6f s "
                    "(theory 4.000000 s each)\n",
            time_to_s(ta), time_to_s(tb));
    cr_assert_eq(ta, time_from_s(4.0));
    cr_assert_eq(tb, time_from_s(4.0));
    link_end(&a, ta);
    link_end(&b, tb);
    cr_assert_eq(l.n, 0);
    link_fini(&l);
}

Test(tiers, ps_equal_loads_on_one_node_end_in_the_same_event)
{
    /* two 3 GB cold loads on one 8 Gbit/s (1 GB/s) node: 6 s, both */
    ClusterSpec cs;
    memset(&cs, 0, sizeof cs);
    cs.enabled = cs.tiers = 1;
    cs.n_kinds = 1;
    cs.kind[0] = (NodeSpec){.count = 1, .gpus = 1, .network_gbps = 8};
    Storage st;
    storage_init(&st, &cs);
    StoreTier from;
    for (int m = 0; m < 2; m++)
        storage_begin_start(&st, 0, m, (int64_t)(3 * GB), 0, 0, 1, 0, NULL, 0,
                            &from);
    cr_assert_eq(storage_next_finish(&st), time_from_s(6.0));
    /* a third would share the link three ways: 3 GB at 1/3 GB/s */
    cr_assert_float_eq(storage_estimate_start_s(&st, 0, 2, (int64_t)(3 * GB),
                                                0, 0, 1),
                       9.0, 1e-9);
    int done = 0;
    storage_finish_due(&st, time_from_s(6.0), count_done, &done);
    cr_assert_eq(done, 2);
    storage_fini(&st);
}

Test(tiers, ps_staggered_pair_by_hand)
{
    /* 1 GB/s; A = 1 GB at 0 s, B = 1 GB at 0.5 s.  At 0.5 s A has 0.5 GB
     * left; both then move at 0.5 GB/s, so A ends at 0.5 + 0.5 / 0.5 =
     * 1.5 s, with B at 0.5 GB left, which it moves alone by 2.0 s. */
    Link l;
    link_init(&l, 1 * GB);
    Transfer a, b;
    link_start(&a, &l, NULL, 1 * GB, 0, 0);
    link_start(&b, &l, NULL, 1 * GB, 0, time_from_s(0.5));
    cr_assert_float_eq(link_xfer_left(&a, time_from_s(0.5)), 0.5 * GB, 1);
    Transfer *first;
    SimTime t1 = link_next_finish(&l, &first);
    cr_assert_eq(first, &a);
    cr_assert_eq(t1, time_from_s(1.5));
    link_end(&a, t1);
    cr_assert_float_eq(link_xfer_left(&b, t1), 0.5 * GB, 1);
    SimTime t2 = link_next_finish(&l, NULL);
    fprintf(stderr, "PS staggered: A ends %.6f s (1.5), B %.6f s (2.0)\n",
            time_to_s(t1), time_to_s(t2));
    cr_assert_eq(t2, time_from_s(2.0));
    link_end(&b, t2);
    link_fini(&l);
}

Test(tiers, ps_transfer_across_two_links_takes_the_smaller_share)
{
    /* node links of 1 GB/s each, a cap of 1.5 GB/s shared by both: one
     * transfer per node gets min(1, 1.5 / 2) = 0.75 GB/s */
    Link n0, n1, cap;
    link_init(&n0, 1 * GB);
    link_init(&n1, 1 * GB);
    link_init(&cap, 1.5 * GB);
    Transfer a, b;
    link_start(&a, &n0, &cap, 3 * GB, 0, 0);
    cr_assert_float_eq(a.rate, 1 * GB, 1e-3);
    link_start(&b, &n1, &cap, 3 * GB, 0, 0);
    cr_assert_float_eq(a.rate, 0.75 * GB, 1e-3);
    cr_assert_eq(link_xfer_finish(&b), time_from_s(4.0));
    /* a transfer's own cap binds first */
    link_end(&b, 0);
    Transfer c;
    link_start(&c, &n1, &cap, 1 * GB, 0.25 * GB, 0);
    cr_assert_float_eq(c.rate, 0.25 * GB, 1e-3);
    /* max-min: the cap's 1.25 GB/s left over goes to a, up to n0's 1 */
    cr_assert_float_eq(a.rate, 1 * GB, 1e-3);
    link_end(&a, 0);
    link_end(&c, 0);
    link_fini(&n0);
    link_fini(&n1);
    link_fini(&cap);
}

/* ---- max-min fairness ---------------------------------------------------- */

/* Two node links and the cluster cap between them (GB/s), and a remote
 * transfer of 3 GB on each node started at 0. */
typedef struct TwoNodes {
    Link n0, n1, cap;
    Transfer a, b;
} TwoNodes;

static void two_nodes(TwoNodes *t, double n0_gb_s, double n1_gb_s,
                      double cap_gb_s)
{
    link_init(&t->n0, n0_gb_s * GB);
    link_init(&t->n1, n1_gb_s * GB);
    link_init(&t->cap, cap_gb_s * GB);
    link_start(&t->a, &t->n0, &t->cap, 3 * GB, 0, 0);
    link_start(&t->b, &t->n1, &t->cap, 3 * GB, 0, 0);
}

static void two_nodes_fini(TwoNodes *t)
{
    link_fini(&t->n0);
    link_fini(&t->n1);
    link_fini(&t->cap);
}

Test(tiers, max_min_gives_what_a_slower_transfer_leaves_to_the_others)
{
    /* a cap of 1.5 GB/s shared by node links of 0.5 and 2 GB/s: a is held
     * to 0.5 by its node, so b takes the cap's other 1.0 (the smaller
     * share min(2, 1.5 / 2) would give it 0.75 and leave 0.25 unused).
     * 3 GB each: b ends at 3 s; a, still 0.5 GB/s, at 6 s. */
    TwoNodes t;
    two_nodes(&t, 0.5, 2, 1.5);
    cr_assert_float_eq(t.a.rate, 0.5 * GB, 1e-3);
    cr_assert_float_eq(t.b.rate, 1.0 * GB, 1e-3);
    cr_assert_eq(link_xfer_finish(&t.b), time_from_s(3.0));
    link_end(&t.b, time_from_s(3.0));
    cr_assert_float_eq(link_xfer_left(&t.a, time_from_s(3.0)), 1.5 * GB, 1);
    cr_assert_eq(link_xfer_finish(&t.a), time_from_s(6.0));
    link_end(&t.a, time_from_s(6.0));
    two_nodes_fini(&t);
}

Test(tiers, max_min_an_end_on_one_node_rerates_another_through_the_cap)
{
    /* node links of 1 GB/s, a cap of 1.2: a (node 0, remote), b (node 1,
     * remote), d (node 1, local).  Node 1 is full first (0.5 each for b
     * and d), so a gets the cap's remaining 0.7.  When d ends at 1 s the
     * cap is the bottleneck: a and b get 0.6 each, and a, which shares no
     * link with d, slows. */
    TwoNodes t;
    two_nodes(&t, 1, 1, 1.2);
    Transfer d;
    link_start(&d, &t.n1, NULL, 3 * GB, 0, 0);
    cr_assert_float_eq(t.a.rate, 0.7 * GB, 1e-3);
    cr_assert_float_eq(t.b.rate, 0.5 * GB, 1e-3);
    cr_assert_float_eq(d.rate, 0.5 * GB, 1e-3);
    link_end(&d, time_from_s(1.0));
    cr_assert_float_eq(t.a.rate, 0.6 * GB, 1e-3);
    cr_assert_float_eq(t.b.rate, 0.6 * GB, 1e-3);
    /* a moved 0.7 GB in the first second: 2.3 GB at 0.6 GB/s from 1 s */
    cr_assert_float_eq(link_xfer_left(&t.a, time_from_s(1.0)), 2.3 * GB, 1);
    cr_assert_eq(link_xfer_finish(&t.a),
                 time_from_s(1.0) + (SimTime)ceil(2.3 / 0.6 * 1e6 - 1e-6));
    link_end(&t.a, time_from_s(1.0));
    link_end(&t.b, time_from_s(1.0));
    two_nodes_fini(&t);
}

Test(tiers, max_min_condition_holds_on_random_link_sets)
{
    /* 2,000 random sets: 1-6 node links and a cap, 1-12 transfers on a
     * node link (half also on the cap; a third with caps of their own),
     * with starts and ends in random order.  After each change: every
     * link carries at most its bandwidth, and every transfer is at its cap
     * or crosses a full link on which no transfer is faster. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 17);
    long checks = 0;
    for (int set = 0; set < 2000; set++) {
        Link l[7];
        int nl = 1 + (int)gsl_rng_uniform_int(r, 6);
        for (int i = 0; i <= nl; i++)
            link_init(&l[i], (0.2 + 2.0 * gsl_rng_uniform(r)) * GB);
        Link *cap = &l[nl];
        Transfer x[12];
        int on[12] = {0};
        int nx = 1 + (int)gsl_rng_uniform_int(r, 12);
        for (int step = 0; step < 3 * nx; step++) {
            int k = (int)gsl_rng_uniform_int(r, (unsigned long)nx);
            if (on[k]) {
                link_end(&x[k], 0);
                on[k] = 0;
            } else {
                Link *a = &l[gsl_rng_uniform_int(r, (unsigned long)nl)];
                Link *b = gsl_rng_uniform(r) < 0.5 ? cap : NULL;
                double mr = gsl_rng_uniform(r) < 0.33
                                ? (0.05 + gsl_rng_uniform(r)) * GB
                                : 0.0;
                link_start(&x[k], a, b, 1 * GB, mr, 0);
                on[k] = 1;
            }
            for (int i = 0; i <= nl; i++) {
                double sum = 0;
                for (int j = 0; j < l[i].n; j++)
                    sum += l[i].act[j]->rate;
                cr_assert_leq(sum, l[i].bytes_per_s * (1 + 1e-9),
                              "set %d: link %d carries %g of %g", set, i,
                              sum, l[i].bytes_per_s);
            }
            for (int j = 0; j < nx; j++) {
                if (!on[j])
                    continue;
                const Transfer *t = &x[j];
                cr_assert(t->max_rate <= 0 ||
                              t->rate <= t->max_rate * (1 + 1e-9),
                          "set %d: transfer %d above its cap", set, j);
                int ok = t->max_rate > 0 &&
                         t->rate >= t->max_rate * (1 - 1e-9);
                for (int m = 0; m < LINK_MAX_PER_XFER && !ok; m++) {
                    const Link *lk = t->on[m];
                    if (lk == NULL)
                        continue;
                    double sum = 0, fastest = 0;
                    for (int q = 0; q < lk->n; q++) {
                        sum += lk->act[q]->rate;
                        if (lk->act[q]->rate > fastest)
                            fastest = lk->act[q]->rate;
                    }
                    ok = sum >= lk->bytes_per_s * (1 - 1e-9) &&
                         t->rate >= fastest * (1 - 1e-9);
                }
                cr_assert(ok, "set %d: transfer %d (rate %g, cap %g) has no "
                              "bottleneck",
                          set, j, t->rate, t->max_rate);
                checks++;
            }
        }
        for (int j = 0; j < nx; j++)
            if (on[j])
                link_end(&x[j], 0);
        for (int i = 0; i <= nl; i++)
            link_fini(&l[i]);
    }
    gsl_rng_free(r);
    fprintf(stderr, "max-min: %ld transfer rates checked, each at its cap "
                    "or its bottleneck\n",
            checks);
}

/* ---- a hand-worked start sequence ------------------------------------- */

/* One node: 8 Gbit/s network (1 GB/s), SSD 100 GB read at 5 GB/s, DRAM
 * cache `dram_gb` read into the GPU at 10 GB/s; a 10 GB checkpoint; the
 * sandbox 0.5 s, no runtime or model-load draw; each request runs 1 s;
 * keep-alive 10 s, so each request below starts its own instance. */
static AltSpec one_node(double dram_gb)
{
    AltSpec alt = support_alt(0, 0.5);
    alt.keepalive.keepalive_s = 10;
    alt.cluster.enabled = 1;
    alt.cluster.tiers = 1;
    alt.cluster.n_kinds = 1;
    NodeSpec *ns = &alt.cluster.kind[0];
    ns->count = 1;
    ns->vcpus = 8;
    ns->memory_gb = 64;
    ns->network_gbps = 8;
    ns->ssd_gb = 100;
    ns->ssd_read_gb_per_s = 5;
    ns->dram_cache_gb = dram_gb;
    ns->host_to_gpu_gb_per_s = 10;
    alt.checkpoint_bytes = 10 * GB;
    return alt;
}

static RunResult run_two(const AltSpec *alt, const char *tag)
{
    static const double t_s[] = {0, 100, 200};
    static const double dur_s[] = {1, 1, 1};
    WorkloadSpec wl = support_trace(tag, t_s, dur_s, 3);
    return support_run(alt, &wl, 400, 1, 0);
}

Test(tiers, hand_worked_cold_then_memory_warm)
{
    /* request 1: remote 10 GB at 1 GB/s = 10 s, then the 0.5 s sandbox:
     * waits 10.5 s, latency 11.5 s.  Requests 2, 3: DRAM 10 GB at 10 GB/s
     * = 1 s + 0.5 s: wait 1.5 s, latency 2.5 s.  Mean cold wait (10.5 +
     * 1.5 + 1.5) / 3 = 4.5 s; loads 10 s remote, 2 s DRAM; bytes 10 GB
     * remote, 20 GB from DRAM, none from SSD. */
    AltSpec alt = one_node(40);
    RunResult r = run_two(&alt, "tiers-mem");
    cr_assert_eq(r.v[MET_completed], 3);
    cr_assert_float_eq(r.v[MET_mean_cold_wait_ms], 4500.0, 1e-6);
    cr_assert_float_eq(r.v[MET_max_ms], 11500.0, 1e-6);
    cr_assert_eq(r.v[MET_starts_remote], 1);
    cr_assert_eq(r.v[MET_starts_ssd], 0);
    cr_assert_eq(r.v[MET_starts_dram], 2);
    cr_assert_float_eq(r.v[MET_load_s_remote], 10.0, 1e-9);
    cr_assert_float_eq(r.v[MET_load_s_dram], 2.0, 1e-9);
    cr_assert_float_eq(r.v[MET_read_gb_remote], 10.0, 1e-9);
    cr_assert_float_eq(r.v[MET_read_gb_ssd], 0.0, 1e-9);
    cr_assert_float_eq(r.v[MET_read_gb_dram], 20.0, 1e-9);
    cr_assert_float_eq(r.v[MET_dram_hit_pct], 200.0 / 3, 1e-9);
    /* the loads are INIT (the sandbox is not): 10 + 1 + 1 s at 1 GB */
    alt.price.free_gb_s = 0;
    alt.price.bill_init = 1;
    r = run_two(&alt, "tiers-init");
    cr_assert_float_eq(r.v[MET_cost_init_usd], 12 * alt.price.usd_per_gb_s,
                       1e-12);
}

Test(tiers, hand_worked_cold_then_disk_warm_without_dram)
{
    /* no DRAM cache: requests 2, 3 read the SSD, 10 GB at 5 GB/s = 2 s:
     * wait 2.5 s each; mean cold wait (10.5 + 2.5 + 2.5) / 3 = 5.1667 s */
    AltSpec alt = one_node(0);
    RunResult r = run_two(&alt, "tiers-ssd");
    cr_assert_float_eq(r.v[MET_mean_cold_wait_ms], 15500.0 / 3, 1e-6);
    cr_assert_eq(r.v[MET_starts_remote], 1);
    cr_assert_eq(r.v[MET_starts_ssd], 2);
    cr_assert_float_eq(r.v[MET_load_s_ssd], 4.0, 1e-9);
    cr_assert_float_eq(r.v[MET_read_gb_ssd], 20.0, 1e-9);
}

Test(tiers, hand_worked_image_shares_the_network_and_stays_on_ssd)
{
    /* a 2 GB image beside the 10 GB checkpoint on the 1 GB/s network:
     * both at 0.5 GB/s until the image is in (4 s), the checkpoint's last
     * 8 GB alone by 12 s: wait 12.5 s.  The image stays on SSD: the later
     * starts pull nothing.  Mean cold wait (12.5 + 1.5 + 1.5) / 3. */
    AltSpec alt = one_node(40);
    alt.image_bytes = 2 * GB;
    RunResult r = run_two(&alt, "tiers-img");
    cr_assert_float_eq(r.v[MET_mean_cold_wait_ms], 15500.0 / 3, 1e-6);
    cr_assert_float_eq(r.v[MET_load_s_remote], 12.0, 1e-9);
    cr_assert_float_eq(r.v[MET_read_gb_remote], 12.0, 1e-9);
}

Test(tiers, hand_worked_snapshot_restore_replaces_the_sandbox)
{
    /* a 4 GB snapshot restored at 8 GB/s = 0.5 s in place of a 2 s
     * sandbox: waits 10.5 s, 1.5 s, 1.5 s as in the memory-warm case */
    AltSpec alt = one_node(40);
    alt.hw.sandbox.a_s = 2.0;
    alt.snapshot = 1;
    alt.snapshot_bytes = 4 * GB;
    alt.restore_bytes_per_s = 8 * GB;
    RunResult r = run_two(&alt, "tiers-snap");
    cr_assert_float_eq(r.v[MET_mean_cold_wait_ms], 4500.0, 1e-6);
    cr_assert_eq(r.v[MET_snapshot_restores], 3);
}

Test(tiers, ladder_cold_disk_memory_on_one_node_two_models)
{
    /* DRAM holds one 10 GB checkpoint, SSD both: A cold, B cold (DRAM
     * drops A), A disk-warm (DRAM drops B), A memory-warm, B disk-warm */
    ClusterSpec cs;
    memset(&cs, 0, sizeof cs);
    cs.enabled = cs.tiers = 1;
    cs.n_kinds = 1;
    cs.kind[0] = (NodeSpec){.count = 1, .gpus = 1, .network_gbps = 8,
                            .ssd_gb = 25, .ssd_read_gb_per_s = 5,
                            .dram_cache_gb = 15,
                            .host_to_gpu_gb_per_s = 10};
    Storage st;
    storage_init(&st, &cs);
    static const int model[] = {0, 1, 0, 0, 1};
    static const StoreTier want[] = {TIER_REMOTE, TIER_REMOTE, TIER_SSD,
                                     TIER_DRAM, TIER_SSD};
    static const double secs[] = {10, 10, 2, 1, 2};
    for (int k = 0; k < 5; k++) {
        StoreTier from;
        SimTime t0 = time_from_s(100.0 * k);
        double est = storage_estimate_start_s(&st, 0, model[k],
                                              (int64_t)(10 * GB), 0, 0, 1);
        cr_assert_eq(storage_begin_start(&st, 0, model[k], (int64_t)(10 * GB),
                                         0, 0, 1, t0, NULL, 0, &from),
                     1);
        cr_assert_eq(from, want[k], "start %d from %s", k,
                     store_tier_names[from]);
        cr_assert_float_eq(est, secs[k], 1e-9);
        cr_assert_eq(storage_next_finish(&st) - t0, time_from_s(secs[k]));
        char msg[256];
        cr_assert_eq(storage_check(&st, t0, msg, sizeof msg), 0, "%s", msg);
        int done = 0;
        storage_finish_due(&st, storage_next_finish(&st), count_done, &done);
        cr_assert_eq(done, 1);
    }
    storage_fini(&st);
}

Test(tiers, remote_cap_shared_by_two_nodes_and_estimates_count_the_load)
{
    /* two nodes of 8 Gbit/s (1 GB/s) under an 8 Gbit/s cap: two cold
     * 10 GB loads at once get 0.5 GB/s each and end at 20 s; a third on
     * node 0 is estimated at 10 GB / min(1 / 2, 1 / 3) GB/s = 30 s */
    ClusterSpec cs;
    memset(&cs, 0, sizeof cs);
    cs.enabled = cs.tiers = 1;
    cs.remote_cap_gbps = 8;
    cs.n_kinds = 1;
    cs.kind[0] = (NodeSpec){.count = 2, .gpus = 1, .network_gbps = 8};
    Storage st;
    storage_init(&st, &cs);
    StoreTier from;
    cr_assert_float_eq(storage_estimate_start_s(&st, 0, 0, (int64_t)(10 * GB),
                                                0, 0, 1),
                       10.0, 1e-9);
    storage_begin_start(&st, 0, 0, (int64_t)(10 * GB), 0, 0, 1, 0, NULL, 0,
                        &from);
    storage_begin_start(&st, 1, 0, (int64_t)(10 * GB), 0, 0, 1, 0, NULL, 0,
                        &from);
    cr_assert_eq(storage_next_finish(&st), time_from_s(20.0));
    cr_assert_float_eq(storage_estimate_start_s(&st, 0, 0, (int64_t)(10 * GB),
                                                0, 0, 1),
                       30.0, 1e-9);
    int done = 0;
    storage_finish_due(&st, time_from_s(20.0), count_done, &done);
    cr_assert_eq(done, 2);
    storage_fini(&st);
}

/* ---- LRU under independent references vs the Che approximation ------- */

/* Che et al. (2002): with popularities p_i, an LRU cache of C equal-sized
 * objects keeps object i for its characteristic time T, sum_i (1 -
 * exp(-p_i T)) = C, so it hits i with h_i = 1 - exp(-p_i T) and its hit
 * ratio is sum_i p_i h_i. */
static double che_hit_ratio(const double *p, int n, double c)
{
    double lo = 0, hi = 1;
    for (;;) { /* bracket T */
        double occ = 0;
        for (int i = 0; i < n; i++)
            occ += 1 - exp(-p[i] * hi);
        if (occ >= c)
            break;
        hi *= 2;
    }
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi), occ = 0;
        for (int i = 0; i < n; i++)
            occ += 1 - exp(-p[i] * mid);
        if (occ < c)
            lo = mid;
        else
            hi = mid;
    }
    double h = 0;
    for (int i = 0; i < n; i++)
        h += p[i] * (1 - exp(-p[i] * lo));
    return h;
}

Test(tiers, lru_dram_hit_ratio_matches_che_under_independent_references)
{
    /* 200 checkpoints of 1 GB, Zipf(0.8) popularity, a 40 GB DRAM cache
     * filled by every miss (no SSD; one load at a time): 20,000
     * references to warm up, then 20 batches of 10,000 */
    enum { N = 200, BATCH = 10000, NB = 20 };
    double p[N], cdf[N], sum = 0;
    for (int i = 0; i < N; i++)
        sum += p[i] = pow(i + 1, -0.8);
    for (int i = 0; i < N; i++) {
        p[i] /= sum;
        cdf[i] = (i ? cdf[i - 1] : 0) + p[i];
    }
    double che = che_hit_ratio(p, N, 40);
    ClusterSpec cs;
    memset(&cs, 0, sizeof cs);
    cs.enabled = cs.tiers = 1;
    cs.n_kinds = 1;
    cs.kind[0] = (NodeSpec){.count = 1, .gpus = 1, .network_gbps = 8,
                            .dram_cache_gb = 40, .host_to_gpu_gb_per_s = 10};
    Storage st;
    storage_init(&st, &cs);
    gsl_rng *r = rng_create(4242, 0, RNG_POLICY, 0);
    double x[NB];
    int done = 0;
    SimTime now = 0;
    for (int b = -2; b < NB; b++) {
        int hits = 0;
        for (int k = 0; k < BATCH; k++) {
            double u = gsl_rng_uniform(r);
            int m = 0;
            while (m < N - 1 && cdf[m] < u)
                m++;
            StoreTier from;
            storage_begin_start(&st, 0, m, (int64_t)GB, 0, 0, 1, now, NULL,
                                0, &from);
            now = storage_next_finish(&st); /* one load at a time */
            storage_finish_due(&st, now, count_done, &done);
            hits += from == TIER_DRAM;
        }
        if (b >= 0)
            x[b] = (double)hits / BATCH;
    }
    char msg[256];
    cr_assert_eq(storage_check(&st, 0, msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(st.n_live, 0);
    /* Che's approximation is within about 1% for caches of this size
     * (Fricker, Robert, Roberts 2012): that is the widening */
    support_check_in_interval("LRU DRAM hit ratio vs Che", x, NB, che, 0.01);
    gsl_rng_free(r);
    storage_fini(&st);
}

/* ---- ServerlessLLM's loading times ------------------------------------ */

/* ServerlessLLM (Fu et al., OSDI'24), its repository's
 * benchmarks/results/h100_2025/README.md: an H100 server with NVMe,
 * ServerlessLLM's loader, load into GPU memory:
 *   Llama-3.1-8B                  0.678 s from NVMe (random model order)
 *   Qwen3-32B                     3.216 s from NVMe, 1.253 s cached in DRAM
 *   DeepSeek-R1-Distill-Qwen-32B  3.220 s from NVMe, 1.184 s cached
 * Checkpoint bytes, bf16 = 2 bytes per parameter of the Hugging Face
 * configs: Llama-3.1-8B 8.03 B (16.06 GB: models/llama-3-8b.json's
 * weights, the same shape); both 32B models 32.76 B (65.53 GB: 64 layers,
 * hidden 5,120, 8 KV heads of 128, FFN 27,648 or 25,600 with 64 query
 * heads, vocabularies of ~152,000, untied embeddings).
 *
 * The model: a start from a tier is one transfer on that tier's link
 * (entity/storage.h: the tiers are pipelined, the read is the slowest
 * stage), so time = bytes / rate.  Fitted: the SSD's effective read rate
 * from the 8B and Qwen3-32B NVMe figures (the geometric mean of their
 * rates 23.69 and 20.37 GB/s: 21.97 GB/s, below the drive's 29.4 GB/s),
 * and the host->GPU rate from Qwen3-32B cached (52.30 GB/s).  Predicted:
 * DeepSeek-32B from NVMe and cached.  One rate cannot fit both sizes
 * closer than about 7.5% either way: the 8B loads 16% faster per byte. */
Test(tiers, serverlessllm_loading_times_within_10_percent)
{
    const double b8 = 16060522496.0, b32 = 2 * 32.764e9;
    const double ssd = sqrt((b8 / 0.678) * (b32 / 3.216)) / GB;
    const double h2g = b32 / 1.253 / GB;
    ClusterSpec cs;
    memset(&cs, 0, sizeof cs);
    cs.enabled = cs.tiers = 1;
    cs.n_kinds = 1;
    cs.kind[0] = (NodeSpec){.count = 1, .gpus = 1, .network_gbps = 100,
                            .ssd_gb = 1000, .ssd_read_gb_per_s = ssd,
                            .dram_cache_gb = 1000,
                            .host_to_gpu_gb_per_s = h2g};
    Storage st;
    storage_init(&st, &cs);
    static const struct {
        const char *what;
        int model;
        int fitted;
        StoreTier from;
        double measured_s;
    } row[] = {
        {"Llama-3.1-8B NVMe", 0, 1, TIER_SSD, 0.678},
        {"Qwen3-32B NVMe", 1, 1, TIER_SSD, 3.216},
        {"Qwen3-32B cached", 1, 1, TIER_DRAM, 1.253},
        {"DeepSeek-R1-Distill-Qwen-32B NVMe", 2, 0, TIER_SSD, 3.220},
        {"DeepSeek-R1-Distill-Qwen-32B cached", 2, 0, TIER_DRAM, 1.184},
    };
    fprintf(stderr, "fitted: SSD read %.2f GB/s, host->GPU %.2f GB/s\n", ssd,
            h2g);
    SimTime t = 0;
    for (size_t k = 0; k < sizeof row / sizeof row[0]; k++) {
        double bytes = row[k].model == 0 ? b8 : b32;
        if (row[k].from == TIER_SSD) /* on SSD only */
            storage_preload(&st, 0, row[k].model, (int64_t)bytes, TIER_SSD);
        else
            storage_preload(&st, 0, row[k].model, (int64_t)bytes, TIER_DRAM);
        StoreTier from;
        storage_begin_start(&st, 0, row[k].model, (int64_t)bytes, 0, 0, 1, t,
                            NULL, 0, &from);
        cr_assert_eq(from, row[k].from, "%s", row[k].what);
        SimTime end = storage_next_finish(&st);
        double sim_s = time_to_s(end - t);
        double err = sim_s / row[k].measured_s - 1;
        fprintf(stderr, "%-38s measured %.3f s, simulated %.3f s (%+.1f%%, %s)"
                        "\n",
                row[k].what, row[k].measured_s, sim_s, 100 * err,
                row[k].fitted ? "fitted" : "predicted");
        cr_assert_lt(fabs(err), 0.10, "%s: %+.1f%%", row[k].what, 100 * err);
        int done = 0;
        storage_finish_due(&st, end, count_done, &done);
        cr_assert_eq(done, 1);
        t = end + time_from_s(10);
    }
    storage_fini(&st);
}

/* ---- conservation ------------------------------------------------------ */

static double uni(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

static void random_tiers(gsl_rng *r, ClusterSpec *cs)
{
    cs->tiers = 1;
    cs->remote_cap_gbps = gsl_rng_uniform(r) < 0.4 ? uni(r, 5, 50) : 0;
    cs->cache_policy = (int)gsl_rng_uniform_int(r, 2);
    for (int k = 0; k < cs->n_kinds; k++) {
        NodeSpec *ns = &cs->kind[k];
        ns->network_gbps = uni(r, 1, 100);
        ns->ssd_gb = gsl_rng_uniform(r) < 0.8 ? uni(r, 0, 60) : 0;
        ns->ssd_read_gb_per_s = uni(r, 0.5, 10);
        ns->dram_cache_gb = gsl_rng_uniform(r) < 0.8 ? uni(r, 0, 40) : 0;
        ns->host_to_gpu_gb_per_s = uni(r, 5, 30);
    }
}

Test(tiers, bytes_conserved_after_every_event_random_scenarios)
{
    gsl_rng *r = rng_create(1515, 0, RNG_POLICY, 0);
    int events = 0;
    double starts[TIER_N] = {0};
    for (int sc = 0; sc < 60; sc++) {
        AltSpec alt = support_alt(uni(r, 0.05, 2), uni(r, 0, 1));
        alt.cluster.enabled = 1;
        alt.cluster.place = (PlacementKind)gsl_rng_uniform_int(r, 3);
        alt.cluster.n_kinds = 1 + (int)gsl_rng_uniform_int(r, 3);
        for (int k = 0; k < alt.cluster.n_kinds; k++) {
            NodeSpec *ns = &alt.cluster.kind[k];
            ns->count = 1 + (int)gsl_rng_uniform_int(r, 3);
            ns->vcpus = 4;
            ns->memory_gb = uni(r, 2, 8);
            ns->gpus = (int)gsl_rng_uniform_int(r, 3);
            ns->gpu_memory_gb = 24;
        }
        random_tiers(r, &alt.cluster);
        alt.checkpoint_bytes = uni(r, 0.5, 30) * GB;
        alt.image_bytes = gsl_rng_uniform(r) < 0.5 ? uni(r, 0.1, 8) * GB : 0;
        alt.model_memory_mb = 900;
        alt.memory_mb = 1024;
        alt.concurrency = 1 + (int)gsl_rng_uniform_int(r, 3);
        alt.queue_len = (int)gsl_rng_uniform_int(r, 20);
        alt.keepalive.keepalive_s = uni(r, 0, 30);
        WorkloadSpec wl = support_poisson(uni(r, 0.5, 10));
        RunConfig rc = support_config(&alt, &wl, 300, (uint64_t)sc);
        char what[32];
        snprintf(what, sizeof what, "scenario %d", sc);
        RunResult res;
        events += support_run_checked(&rc, what, &res);
        starts[TIER_REMOTE] += res.v[MET_starts_remote];
        starts[TIER_SSD] += res.v[MET_starts_ssd];
        starts[TIER_DRAM] += res.v[MET_starts_dram];
    }
    fprintf(stderr, "60 scenarios, %d events checked; starts: %g remote, %g "
                    "SSD, %g DRAM\n",
            events, starts[TIER_REMOTE], starts[TIER_SSD], starts[TIER_DRAM]);
    for (int t = TIER_REMOTE; t <= TIER_DRAM; t++)
        cr_assert_gt(starts[t], 0, "no start from %s", store_tier_names[t]);
    gsl_rng_free(r);
}

Test(tiers, bytes_conserved_random_load_sequences_many_models)
{
    /* random starts of 30 models of random sizes and swap-ins on 4 nodes,
     * transfers ending as they come due: the books after every step */
    gsl_rng *r = rng_create(1516, 0, RNG_POLICY, 0);
    for (int round = 0; round < 20; round++) {
        ClusterSpec cs;
        memset(&cs, 0, sizeof cs);
        cs.enabled = 1;
        cs.n_kinds = 2;
        cs.kind[0].count = 2;
        cs.kind[1].count = 2;
        cs.kind[0].gpus = 8;
        cs.kind[1].gpus = 1;
        random_tiers(r, &cs);
        Storage st;
        storage_init(&st, &cs);
        int64_t size[30];
        for (int m = 0; m < 30; m++)
            size[m] = (int64_t)(uni(r, 0.1, 20) * GB);
        SimTime now = 0;
        int begun = 0, done = 0;
        char msg[256];
        for (int step = 0; step < 400; step++) {
            if (gsl_rng_uniform(r) < 0.6) {
                int node = (int)gsl_rng_uniform_int(r, 4);
                int m = (int)gsl_rng_uniform_int(r, 30);
                StoreTier from;
                if (gsl_rng_uniform(r) < 0.15)
                    begun += storage_begin_h2g(&st, node, size[m], 1, now,
                                               NULL, 1);
                else
                    begun += storage_begin_start(
                        &st, node, m, size[m], STORE_IMAGE_KEY(0),
                        gsl_rng_uniform(r) < 0.5 ? (int64_t)GB : 0,
                        1 + (int)gsl_rng_uniform_int(r, 2), now, NULL, 0,
                        &from);
            } else { /* time passes: what comes due ends, in order */
                SimTime until = now + time_from_s(uni(r, 0, 4));
                SimTime next;
                while ((next = storage_next_finish(&st)) <= until) {
                    cr_assert_geq(next, now);
                    now = next;
                    storage_finish_due(&st, now, count_done, &done);
                    cr_assert_eq(storage_check(&st, now, msg, sizeof msg), 0,
                                 "round %d step %d: %s", round, step, msg);
                }
                now = until;
            }
            cr_assert_eq(storage_check(&st, now, msg, sizeof msg), 0,
                         "round %d step %d: %s", round, step, msg);
        }
        while (storage_next_finish(&st) != SIM_TIME_MAX) {
            now = storage_next_finish(&st);
            storage_finish_due(&st, now, count_done, &done);
        }
        cr_assert_eq(done, begun, "every load ends once");
        cr_assert_eq(storage_check(&st, now, msg, sizeof msg), 0, "%s", msg);
        storage_fini(&st);
    }
    gsl_rng_free(r);
}

/* ---- the scenario keys ------------------------------------------------- */

static int load_model_scenario(const char *model, const char *alt_json,
                               Scenario *sc)
{
    char models[1024], text[4096];
    support_src("models", models, sizeof models);
    snprintf(text, sizeof text,
             "{\"name\": \"t\", \"horizon_s\": 60, \"models_dir\": \"%s\", "
             "\"model\": \"%s\", \"workload\": {\"type\": \"poisson\", "
             "\"rate_per_s\": 1}, \"alternatives\": [%s]}",
             models, model, alt_json);
    Err err;
    int rc = scenario_load_text("t.json", text, NULL, sc, &err);
    cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
    return rc;
}

static int load_scenario(const char *alt_json, Scenario *sc)
{
    return load_model_scenario("resnet50", alt_json, sc);
}

Test(tiers, llm_start_takes_its_weights_through_the_tiers)
{
    /* Llama-3-8B on an H100 under the llm executor: the start is the
     * profile's pieces less its NVMe weights time, plus the 16.06 GB over
     * a 100 Gbit/s network (12.5 GB/s): the cold wait of one request */
    Scenario sc;
    load_model_scenario(
        "llama-3-8b",
        "{\"name\": \"a\", \"pricing\": \"modal-h100\", \"hardware\": "
        "\"gpu-h100\", \"memory_mb\": 32768, \"executor\": \"llm\", "
        "\"cluster\": {\"nodes\": [{\"count\": 1, \"vcpus\": 32, "
        "\"memory_gb\": 256, \"gpus\": 1, \"gpu_memory_gb\": 80, "
        "\"network_gbps\": 100}]}}",
        &sc);
    const AltSpec *a = &sc.alt[0];
    static const double t_s[] = {0};
    static const double dur_s[] = {1};
    WorkloadSpec wl = support_trace("tiers-llm", t_s, dur_s, 1);
    RunResult r = support_run(a, &wl, 600, 1, 0);
    double want_s = a->llm.cold_start_s - a->llm.load_s +
                    16060522496.0 / 12.5e9;
    fprintf(stderr, "llm start: profile %.3f s (weights %.3f s from NVMe), "
                    "with tiers %.3f s\n",
            a->llm.cold_start_s, a->llm.load_s, want_s);
    cr_assert_float_eq(r.v[MET_mean_cold_wait_ms], 1e3 * want_s, 2e-3);
    cr_assert_eq(r.v[MET_starts_remote], 1);
    scenario_free(&sc);
}

Test(tiers, scenario_keys_parse_and_only_tiers_add_columns)
{
    Scenario sc;
    load_scenario(
        "{\"name\": \"a\", \"memory_mb\": 2048, \"image_gb\": 3, "
        "\"snapshot\": {\"size_gb\": 2, \"restore_gb_per_s\": 4}, "
        "\"cluster\": {\"remote_cap_gbps\": 40, \"cache_policy\": \"fifo\", "
        "\"nodes\": [{\"count\": 2, \"vcpus\": 8, \"memory_gb\": 32, "
        "\"network_gbps\": 25, \"ssd_gb\": 500, \"ssd_read_gb_per_s\": 3, "
        "\"dram_cache_gb\": 64, \"host_to_gpu_gb_per_s\": 16}]}}",
        &sc);
    const AltSpec *a = &sc.alt[0];
    const NodeSpec *ns = &a->cluster.kind[0];
    cr_assert(a->cluster.tiers);
    cr_assert_float_eq(ns->network_gbps, 25, 0);
    cr_assert_float_eq(ns->ssd_gb, 500, 0);
    cr_assert_float_eq(ns->ssd_read_gb_per_s, 3, 0);
    cr_assert_float_eq(ns->dram_cache_gb, 64, 0);
    cr_assert_float_eq(ns->host_to_gpu_gb_per_s, 16, 0);
    cr_assert_float_eq(a->cluster.remote_cap_gbps, 40, 0);
    cr_assert_str_eq(cache_policies[a->cluster.cache_policy].name, "fifo");
    /* the checkpoint defaults to the model's size_mb (102 MB) */
    cr_assert_float_eq(a->checkpoint_bytes, 102e6, 1);
    cr_assert_float_eq(a->image_bytes, 3e9, 1);
    cr_assert(a->snapshot);
    cr_assert_float_eq(a->snapshot_bytes / a->restore_bytes_per_s, 0.5,
                       1e-12);
    /* tiers bring their columns and the GPU-cluster ones (GPU-hours, the
     * cold-wait percentiles) */
    cr_assert_eq(scenario_columns(&sc), METCOLS_TIERS | METCOLS_GPU);
    cr_assert_eq(metrics_columns(scenario_columns(&sc)), MET_COUNT);
    scenario_free(&sc);
    /* a cluster without tier keys is today's: no tier columns */
    load_scenario("{\"name\": \"a\", \"memory_mb\": 2048, \"checkpoint_gb\": "
                  "7, \"cluster\": {\"nodes\": [{\"count\": 1, \"vcpus\": 8, "
                  "\"memory_gb\": 32}]}}",
                  &sc);
    cr_assert_not(sc.alt[0].cluster.tiers);
    cr_assert_float_eq(sc.alt[0].checkpoint_bytes, 7e9, 1);
    cr_assert_eq(scenario_columns(&sc), 0);
    cr_assert_eq(metrics_columns(0), MET_LLM_FIRST);
    scenario_free(&sc);
}

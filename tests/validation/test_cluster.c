/*
 * test_cluster.c - nodes, placement and eviction (provider view).
 *
 * Pins: placement never exceeds any node's memory, vCPUs, GPUs or GPU
 * memory, and every node's books equal the sum of its instances -- checked
 * after every event of 150 random scenarios (property test, fixed seed);
 * an instance that finds no room is queued or rejected (counted); a
 * provisioned instance that needs room evicts the least recently used idle
 * on-demand instance; node memory utilization of a static fleet is exact.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "core/rng.h"
#include "entity/cluster.h"
#include "support.h"

static double uni(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

Test(cluster, placement_never_exceeds_capacity_random_scenarios)
{
    gsl_rng *r = rng_create(2385, 0, RNG_POLICY, 0);
    int tried = 0, events_checked = 0;
    uint64_t evictions = 0, no_room = 0;
    for (int sc = 0; sc < 150; sc++) {
        AltSpec alt = support_alt(uni(r, 0.05, 3), uni(r, 0, 2));
        alt.cluster.enabled = 1;
        alt.cluster.place = (PlacementKind)gsl_rng_uniform_int(r, 3);
        alt.cluster.n_kinds = 1 + (int)gsl_rng_uniform_int(r, 3);
        for (int k = 0; k < alt.cluster.n_kinds; k++) {
            NodeSpec *ns = &alt.cluster.kind[k];
            ns->count = 1 + (int)gsl_rng_uniform_int(r, 4);
            ns->vcpus = 1 + (int)gsl_rng_uniform_int(r, 8);
            ns->memory_gb = uni(r, 0.5, 8);
            ns->gpus = (int)gsl_rng_uniform_int(r, 3);
            ns->gpu_memory_gb = ns->gpus ? uni(r, 4, 24) : 0;
            /* some GPU nodes carry another GPU class than the function's */
            snprintf(ns->gpu_type, sizeof ns->gpu_type, "%s",
                     gsl_rng_uniform(r) < 0.3 ? "gpu-other" : "");
        }
        alt.model_memory_mb = uni(r, 100, 3000);
        alt.memory_mb = (int)alt.model_memory_mb + 64;
        alt.vcpus = uni(r, 0.25, 3);
        if (gsl_rng_uniform(r) < 0.3) {
            alt.price.gpus = 1; /* a GPU function */
            strcpy(alt.hardware, "gpu-t4");
        }
        alt.concurrency = 1 + (int)gsl_rng_uniform_int(r, 3);
        alt.queue_len = (int)gsl_rng_uniform_int(r, 5);
        alt.max_instances = 0;
        alt.keepalive.keepalive_s = uni(r, 0, 60);
        if (gsl_rng_uniform(r) < 0.3) {
            alt.n_prov = 2;
            alt.prov[0].at_s = 0;
            alt.prov[0].count = (int)gsl_rng_uniform_int(r, 3);
            alt.prov[1].at_s = 100;
            alt.prov[1].count = (int)gsl_rng_uniform_int(r, 4);
        }
        /* the config rejects instances that fit no node; so do we */
        InstanceShape sh = spec_instance_shape(&alt);
        Demand d = cluster_demand(sh.vcpus, alt.model_memory_mb, sh.gpus,
                                  sh.gpus ? alt.model_memory_mb : 0);
        Cluster probe;
        cluster_init(&probe, &alt.cluster, alt.hardware);
        int fits = cluster_fits_any_empty(&probe, &d);
        cluster_fini(&probe);
        if (!fits)
            continue;
        tried++;
        WorkloadSpec wl = support_poisson(uni(r, 0.5, 20));
        RunConfig rc;
        memset(&rc, 0, sizeof rc);
        rc.alt = &alt;
        rc.wl = &wl;
        rc.seed = (uint64_t)sc;
        rc.horizon = time_from_s(400); /* past the schedule step at 100 s */
        rc.slo = time_from_s(1);
        World *w = world_create(&rc);
        char msg[256];
        int n = 0;
        while (sim_step(world_sim(w), rc.horizon)) {
            n++;
            cr_assert_eq(world_check(w, msg, sizeof msg), 0,
                         "scenario %d, event %d: %s", sc, n, msg);
        }
        events_checked += n;
        RunResult res;
        world_finish(w, &res);
        world_destroy(w);
        evictions += (uint64_t)res.v[MET_evictions];
        no_room += (uint64_t)res.v[MET_no_room];
    }
    fprintf(stderr, "%d scenarios, %d events checked, %llu evictions, %llu "
                    "starts without room\n",
            tried, events_checked, (unsigned long long)evictions,
            (unsigned long long)no_room);
    cr_assert_gt(tried, 50);
    cr_assert_gt(no_room, 0, "the scenarios never filled a node");
    gsl_rng_free(r);
}

static AltSpec two_slot_node(void)
{
    /* one node with room for exactly two 400 MB instances */
    AltSpec alt = support_alt(0, 0.0);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 1.0;
    alt.model_memory_mb = 400;
    alt.vcpus = 1;
    alt.cluster.enabled = 1;
    alt.cluster.n_kinds = 1;
    alt.cluster.kind[0].count = 1;
    alt.cluster.kind[0].vcpus = 4;
    alt.cluster.kind[0].memory_gb = 900.0 / 1024;
    alt.max_instances = 0;
    return alt;
}

Test(cluster, no_room_queues_or_rejects)
{
    /* three requests 0.1 s apart, 1 s each: the third finds no room.
     * Without a queue it is rejected; with one it takes r0's slot at 1 s. */
    AltSpec alt = two_slot_node();
    WorkloadSpec wl = support_constant(10, 0, 0.25);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_rejected], 1);
    cr_assert_eq(res.v[MET_no_room], 1);
    alt.queue_len = 5;
    res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_float_eq(res.v[MET_max_ms], 1800.0, 1e-9);
    cr_assert_eq(res.v[MET_peak_instances], 2);
}

Test(cluster, provisioned_start_evicts_the_lru_idle_instance)
{
    /* two on-demand instances go idle early and are kept (keep-alive
     * 1 h); at 00:10 the schedule asks for one provisioned instance: the
     * node is full, so the least recently used idle one is evicted. */
    AltSpec alt = two_slot_node();
    alt.keepalive.keepalive_s = 3600;
    alt.n_prov = 2;
    alt.prov[0].at_s = 0;
    alt.prov[0].count = 0;
    alt.prov[1].at_s = 600;
    alt.prov[1].count = 1;
    WorkloadSpec wl = support_constant(10, 0, 0.15);
    RunResult res = support_run(&alt, &wl, 1200, 1, 0);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(res.v[MET_evictions], 1);
    cr_assert_eq(res.v[MET_no_room], 0);
}

Test(cluster, node_memory_utilization_of_a_static_fleet)
{
    /* 2 provisioned 400 MB instances on one 900 MB node for the whole run:
     * 800 / 900 of the node's memory is in use all the time. */
    AltSpec alt = two_slot_node();
    alt.n_prov = 1;
    alt.prov[0].count = 2;
    WorkloadSpec wl = support_poisson(0.1);
    RunResult res = support_run(&alt, &wl, 3600, 1, 0);
    cr_assert_float_eq(res.v[MET_node_mem_util_pct], 100.0 * 800 / 900, 1e-9);
}

/* Pins: demands and capacities beyond 2^36 units (69 PB of memory, 69
 * million vCPUs) are that cap, not a cast of 1e300 to an integer
 * (undefined; clang's UBSan): a memory limit or node of 1e300 GB acts as
 * unlimited, a 1e300-vCPU instance fits no real node; and below the cap the
 * rounding up is exact (1.5 vCPU = 1500 milli-vCPU, 100.2 MB -> 101). */
Test(cluster, demands_beyond_any_integer_are_capped)
{
    const int64_t cap = (int64_t)1 << 36;
    Demand d = cluster_demand(1e300, 1e300 * 1024, 1, 1e300);
    cr_assert_eq(d.mvcpus, cap);
    cr_assert_eq(d.mem_mb, cap);
    cr_assert_eq(d.gpu_mem_mb, cap);
    d = cluster_demand(1.5, 100.2, 0, 0);
    cr_assert_eq(d.mvcpus, 1500);
    cr_assert_eq(d.mem_mb, 101);
    cr_assert_eq(d.gpu_mem_mb, 0);
}

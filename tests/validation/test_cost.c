/*
 * test_cost.c - the simulator's bill against the price list, to the cent.
 *
 * Pins (reference/validation.md, Lambda x86 of the built-in catalog):
 *  - 1,000,000 constant-rate requests of 120.3 ms at 1024 MB, all warm
 *    (starts take 0 s): $0.20 + 1e6 x 121 ms x 1 GB x $0.0000166667
 *    = $2.21667;
 *  - 5 provisioned instances at 1024 MB for 2 h serving 7,200 requests of
 *    500.3 ms: 5 x 1 x 7200 x $0.0000041667 + 7200 x 0.501 x
 *    $0.0000097222 + 7200 x $0.20/1e6;
 *  - INIT billed for cold starts: each request with a 0.5 s INIT (runtime
 *    0.2 + model load 0.3; the 0.1 s sandbox is not INIT) and 150.4 ms
 *    of run time bills ceil(650.4) = 651 ms.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/scenario.h"
#include "support.h"

Test(cost, constant_rate_all_warm_to_the_cent)
{
    AltSpec alt = support_alt(0, 0.0);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.1203;
    WorkloadSpec wl = support_constant(10, 0, 100000); /* 1,000,000 arrivals */
    RunResult res = support_run(&alt, &wl, 100010, 1, 0);
    cr_assert_eq(res.v[MET_completed], 1e6);
    cr_assert_eq(res.v[MET_unfinished], 0);
    double hand = 1e6 * 0.20 / 1e6 + 1e6 * 0.121 * 1.0 * 0.0000166667;
    fprintf(stderr, "cost: simulated $%.6f, hand-computed $%.6f\n",
            res.v[MET_cost_usd], hand);
    cr_assert(fabs(res.v[MET_cost_usd] - hand) < 1e-6);
    cr_assert_eq(round(res.v[MET_cost_usd] * 100), 222.0);
    cr_assert_float_eq(res.v[MET_cost_requests_usd], 0.20, 1e-12);
    cr_assert_eq(res.v[MET_cost_init_usd], 0.0);
    cr_assert_eq(res.v[MET_cold_starts], 2.0,
                 "120.3 ms service every 100 ms needs two instances");
}

Test(cost, provisioned_concurrency_to_the_cent)
{
    AltSpec alt = support_alt(0, 0.0);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.5003;
    alt.n_prov = 1;
    alt.prov[0].count = 5;
    WorkloadSpec wl = support_constant(1, 0, 7199.9); /* 7,200 arrivals */
    RunResult res = support_run(&alt, &wl, 7200, 1, 0);
    cr_assert_eq(res.v[MET_completed], 7200);
    cr_assert_eq(res.v[MET_cold_starts], 0);
    double pc = 5 * 1.0 * 7200 * 0.0000041667;
    double dur = 7200 * 0.501 * 0.0000097222;
    double req = 7200 * 0.20 / 1e6;
    fprintf(stderr, "provisioned $%.6f (hand %.6f), duration $%.6f (hand "
                    "%.6f)\n",
            res.v[MET_cost_provisioned_usd], pc,
            res.v[MET_cost_prov_compute_usd], dur);
    cr_assert_float_eq(res.v[MET_cost_provisioned_usd], pc, 1e-9);
    cr_assert_float_eq(res.v[MET_cost_prov_compute_usd], dur, 1e-9);
    cr_assert_float_eq(res.v[MET_cost_usd], pc + dur + req, 1e-9);
}

Test(cost, init_of_cold_starts_is_billed)
{
    AltSpec alt = support_alt(0, 0.1);
    alt.hw.runtime.kind = DIST_CONSTANT;
    alt.hw.runtime.a_s = 0.2;
    alt.hw.model_load.kind = DIST_CONSTANT;
    alt.hw.model_load.a_s = 0.3;
    alt.hw.first_extra.kind = DIST_CONSTANT;
    alt.hw.first_extra.a_s = 0.0504;
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.1;
    alt.keepalive.keepalive_s = 0;
    WorkloadSpec wl = support_constant(1, 0, 100); /* 100 arrivals, all cold */
    RunResult res = support_run(&alt, &wl, 200, 1, 0);
    cr_assert_eq(res.v[MET_completed], 100);
    cr_assert_eq(res.v[MET_cold_pct], 100);
    cr_assert_float_eq(res.v[MET_p50_ms], 750.4, 1e-9);
    cr_assert_float_eq(res.v[MET_max_ms], 750.4, 1e-9);
    cr_assert_float_eq(res.v[MET_mean_cold_wait_ms], 600.0, 1e-9);
    double total = 100 * 0.651 * 0.0000166667 + 100 * 0.2e-6;
    double init = 100 * 0.500 * 0.0000166667;
    cr_assert_float_eq(res.v[MET_cost_usd], total, 1e-12);
    cr_assert_float_eq(res.v[MET_cost_init_usd], init, 1e-12);
}

Test(cost, lambda_memory_sets_cpu_share)
{
    /* At 1024 MB Lambda gives 1024/1769 vCPU: a profile measured on 1 vCPU
     * runs 1769/1024 times slower (Lambda docs, "Configure memory"). */
    AltSpec alt = support_alt(0, 0.0);
    alt.vcpus = 0; /* derive from memory */
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.0408;
    WorkloadSpec wl = support_constant(1, 0, 10);
    RunResult res = support_run(&alt, &wl, 20, 1, 0);
    cr_assert_float_eq(res.v[MET_p50_ms], 40.8 * 1769.0 / 1024.0, 1e-3);
    alt.memory_mb = 3008;
    res = support_run(&alt, &wl, 20, 1, 0);
    cr_assert_float_eq(res.v[MET_p50_ms], 40.8, 1e-9);
}

static AltSpec priced(const char *id)
{
    AltSpec alt = support_alt(0, 0.0);
    Err err;
    char date[16];
    cr_assert_eq(catalog_lookup(NULL, id, &alt.price, date, &err, "test"), 0,
                 "%s", err.msg);
    alt.hw.warm.kind = DIST_CONSTANT;
    return alt;
}

Test(cost, gpu_serverless_bills_the_whole_instance_life)
{
    /* Modal L4: one request at 10 s, a 5 s start, 1 s of service, then
     * idle until the 60 s scale-down: the instance lives 10 .. 76 s and
     * all 66 s are billed at 1 GPU + 1 vCPU + 1 GiB per second. */
    AltSpec alt = priced("modal-l4");
    alt.hw.sandbox.a_s = 5.0;
    alt.hw.warm.a_s = 1.0;
    alt.keepalive.keepalive_s = 60;
    WorkloadSpec wl = support_constant(1, 0, 10.5);
    wl.start_s = 10;
    RunResult res = support_run(&alt, &wl, 200, 1, 0);
    cr_assert_eq(res.v[MET_completed], 1);
    double rate = 0.000222 + 0.0000131 + 0.00000222;
    fprintf(stderr, "modal-l4 instance: $%.8f (hand %.8f)\n",
            res.v[MET_cost_usd], 66 * rate);
    cr_assert_float_eq(res.v[MET_cost_instance_usd], 66 * rate, 1e-12);
    cr_assert_float_eq(res.v[MET_cost_usd], 66 * rate, 1e-12);
}

Test(cost, runpod_active_workers_are_billed_all_the_time)
{
    AltSpec alt = priced("runpod-l4");
    alt.hw.warm.a_s = 0.5;
    alt.n_prov = 1;
    alt.prov[0].count = 1;
    WorkloadSpec wl = support_constant(0.01, 0, 3600); /* 36 requests, all on it */
    RunResult res = support_run(&alt, &wl, 3600, 1, 0);
    cr_assert_eq(res.v[MET_cold_starts], 0);
    cr_assert_float_eq(res.v[MET_cost_usd], 3600 * 0.00013, 1e-12);
}

Test(cost, cloud_run_request_based_bills_busy_and_startup_time)
{
    /* r0 at 0 s: 2 s start + 0.35 s = one billed period of 2.35 -> 2.4 s;
     * r1 at 3 s on the same (warm) instance: 0.35 -> 0.4 s. */
    AltSpec alt = priced("gcp-cloud-run-request");
    alt.concurrency = 80;
    alt.hw.sandbox.a_s = 2.0;
    alt.hw.warm.a_s = 0.35;
    alt.keepalive.keepalive_s = 900;
    WorkloadSpec wl = support_constant(1.0 / 3, 0, 4);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 2);
    double per_s = 1 * 0.000024 + 1 * 0.0000025;
    cr_assert_float_eq(res.v[MET_cost_usd], 2.8 * per_s + 2 * 0.40e-6, 1e-12);
}

Test(cost, azure_rounds_memory_and_bills_a_minimum)
{
    /* 200 MB bills as 256 MB; 30 ms executions bill 100 ms. */
    AltSpec alt = priced("azure-functions-consumption");
    alt.memory_mb = 200;
    alt.hw.warm.a_s = 0.030;
    WorkloadSpec wl = support_constant(10, 0, 100); /* 1,000 requests */
    RunResult res = support_run(&alt, &wl, 110, 1, 0);
    cr_assert_eq(res.v[MET_completed], 1000);
    cr_assert_float_eq(res.v[MET_cost_usd],
                       1000 * 0.1 * 0.25 * 0.000016 + 1000 * 0.20e-6, 1e-12);
}

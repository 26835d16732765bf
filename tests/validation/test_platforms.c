/*
 * test_platforms.c - the bills and gateway counts of the platforms beyond
 * Lambda, Cloud Run and EC2, in whole runs, against hand arithmetic.
 *
 * Pins (built-in catalog entries; every figure below is worked by hand in
 * its test):
 *  - API Gateway REST in front of Lambda: arrivals every 10 s from 0, cold
 *    starts of 35 s (then 0.1 s warm): the requests at 0, 10, 20 and 30 s
 *    each start an instance and take 35.1 s > 29 s, so exactly 4 gateway
 *    timeouts, all 60 requests still completed and billed; 60 calls x
 *    $3.50 / 1M = $0.00021 (tier 1: 60 calls in 600 s is 259,200 a month);
 *    a timeout_s of 36 s gives 0 timeouts;
 *  - the HTTP API meters 512 KB: 600 KB requests count 2 calls each, 120 x
 *    $1.00 / 1M = $0.00012, and its 30 s timeout still catches the 4;
 *  - SageMaker Serverless: 100 warm requests of 120.3 ms at 2,048 MB,
 *    10 + 10 KB each: 100 x 0.121 s x 2 GB x $0.00002 = $0.000484, plus
 *    100 x 20,480 B / 2^30 x $0.016 = $0.000030517578125 of data, no
 *    request fee;
 *  - Cloud Functions 1st gen: 100 requests of 260 ms at 128 MB bill 300 ms
 *    each: 100 x 0.3 x (0.125 x $0.0000025 + 0.2 GHz x $0.00001) =
 *    $0.000069375, plus 100 x $0.40 / 1M;
 *  - Fargate: 2 tasks of 1 vCPU and 2 GB for 3,600 s: 2 x ($0.04048 +
 *    2 x $0.004445) = $0.09874; for 45 s each bills the 60 s minimum:
 *    2 x 60 / 3600 x $0.04937;
 *  - Vertex AI: one n1-standard-4 node alive 31 s bills two 30 s
 *    increments: 60 / 3600 x $0.2185.
 * Does not pin: latencies beyond the gateway's count (constant draws make
 * them exact; see test_cost.c for the Lambda arithmetic).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/scenario.h"
#include "support.h"

static PriceEntry entry(const char *id)
{
    PriceEntry p;
    Err err;
    char date[16] = "";
    int rc = catalog_lookup(NULL, id, &p, date, &err, "test");
    cr_assert_eq(rc, 0, "catalog lacks %s: %s", id, err.msg);
    return p;
}

/* Lambda with 35 s cold starts and 0.1 s warm requests behind gateway
 * `gw_id`; arrivals every 10 s over [0, 595). */
static RunResult gateway_run(const char *gw_id, double timeout_s,
                             double payload_kb)
{
    AltSpec alt = support_alt(0, 35.0);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.1;
    alt.timeout_s = 0;
    alt.addon.gateway = 1;
    alt.addon.gw = entry(gw_id);
    alt.addon.gw_timeout_s =
        timeout_s > 0 ? timeout_s : alt.addon.gw.integration_timeout_s;
    alt.addon.request_kb = alt.addon.response_kb = payload_kb / 2;
    WorkloadSpec wl = support_constant(0.1, 0, 595);
    return support_run(&alt, &wl, 600, 1, 0);
}

Test(platforms, rest_gateway_counts_its_timeouts_and_bills_every_call)
{
    RunResult res = gateway_run("aws-api-gateway-rest", 0, 20);
    fprintf(stderr, "REST: %.0f arrivals, %.0f completed, %.0f gateway "
                    "timeouts, gateway $%.8f\n",
            res.v[MET_arrivals], res.v[MET_completed],
            res.v[MET_gateway_timeouts], res.v[MET_cost_gateway_usd]);
    cr_assert_eq(res.v[MET_arrivals], 60);
    cr_assert_eq(res.v[MET_completed], 60);
    cr_assert_eq(res.v[MET_cold_starts], 4);
    cr_assert_eq(res.v[MET_gateway_timeouts], 4);
    cr_assert_float_eq(res.v[MET_cost_gateway_usd], 60 * 3.5e-6, 1e-15);
    /* the function is billed for every request, the slow ones too */
    cr_assert_float_eq(res.v[MET_cost_requests_usd], 60 * 0.2e-6, 1e-15);
    cr_assert_float_eq(res.v[MET_cost_usd],
                       res.v[MET_cost_requests_usd] +
                           res.v[MET_cost_compute_usd] +
                           res.v[MET_cost_gateway_usd],
                       1e-15);
    RunResult longer = gateway_run("aws-api-gateway-rest", 36, 20);
    cr_assert_eq(longer.v[MET_gateway_timeouts], 0);
}

Test(platforms, http_gateway_meters_512_kb)
{
    RunResult res = gateway_run("aws-api-gateway-http", 0, 600);
    cr_assert_eq(res.v[MET_gateway_timeouts], 4);
    cr_assert_float_eq(res.v[MET_cost_gateway_usd], 120 * 1e-6, 1e-15);
    RunResult small = gateway_run("aws-api-gateway-http", 0, 512);
    cr_assert_float_eq(small.v[MET_cost_gateway_usd], 60 * 1e-6, 1e-15);
}

Test(platforms, sagemaker_serverless_bills_duration_and_data)
{
    AltSpec alt = support_alt(0, 0.0);
    alt.price = entry("aws-sagemaker-serverless");
    alt.memory_mb = 2048;
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.1203;
    alt.addon.request_kb = alt.addon.response_kb = 10;
    WorkloadSpec wl = support_constant(1, 0, 99.5); /* 100 arrivals */
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 100);
    double compute = 100 * 0.121 * 2 * 0.00002;
    double data = 100 * 20480.0 / 1073741824.0 * 0.016;
    fprintf(stderr, "SageMaker: compute $%.9f (hand %.9f), data $%.12f "
                    "(hand %.12f)\n",
            res.v[MET_cost_compute_usd], compute, res.v[MET_cost_data_usd],
            data);
    cr_assert_float_eq(res.v[MET_cost_compute_usd], compute, 1e-15);
    cr_assert_float_eq(res.v[MET_cost_data_usd], data, 1e-15);
    cr_assert_eq(res.v[MET_cost_requests_usd], 0);
    cr_assert_float_eq(res.v[MET_cost_usd], compute + data, 1e-15);
}

Test(platforms, cloud_functions_gen1_bills_gb_s_and_ghz_s_per_100_ms)
{
    AltSpec alt = support_alt(0, 0.0);
    alt.price = entry("gcp-cloud-functions-gen1");
    alt.memory_mb = 128;
    alt.price.cpu_ghz = pricing_cpu_ghz(&alt.price, 128);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = 0.26;
    WorkloadSpec wl = support_constant(1, 0, 99.5);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 100);
    double compute = 100 * 0.3 * (0.125 * 0.0000025 + 0.2 * 0.00001);
    fprintf(stderr, "GCF gen1: compute $%.9f (hand %.9f)\n",
            res.v[MET_cost_compute_usd], compute);
    cr_assert_float_eq(res.v[MET_cost_compute_usd], compute, 1e-15);
    cr_assert_float_eq(res.v[MET_cost_usd], compute + 100 * 0.4e-6, 1e-15);
}

/* A fixed fleet of `n` VMs of type `id` for `horizon_s`, no traffic. */
static double fleet_usd(const char *id, int n, double horizon_s, double vcpus,
                        double gb)
{
    AltSpec alt = support_vm_alt(id, n, 1, 0.1);
    if (alt.vm.type.task_priced) {
        alt.vm.type.vcpus = vcpus;
        alt.vm.type.memory_gb = gb;
        alt.vm.type.usd_per_hour =
            pricing_task_usd_per_hour(&alt.vm.type, vcpus, gb);
    }
    WorkloadSpec wl = support_constant(1, horizon_s + 1, horizon_s + 2);
    RunResult res = support_run(&alt, &wl, horizon_s, 1, 0);
    cr_assert_eq(res.v[MET_arrivals], 0);
    return res.v[MET_cost_vm_usd];
}

Test(platforms, fargate_tasks_per_second_with_a_minute_minimum)
{
    double hour = fleet_usd("aws-fargate-x86", 2, 3600, 1, 2);
    cr_assert_float_eq(hour, 2 * (0.04048 + 2 * 0.004445), 1e-12);
    double short_life = fleet_usd("aws-fargate-x86", 2, 45, 1, 2);
    cr_assert_float_eq(short_life, 2 * 60 / 3600.0 * 0.04937, 1e-12);
    double sixty_one = fleet_usd("aws-fargate-x86", 1, 61.2, 1, 2);
    cr_assert_float_eq(sixty_one, 62 / 3600.0 * 0.04937, 1e-12);
}

Test(platforms, vertex_nodes_bill_30_second_increments)
{
    cr_assert_float_eq(fleet_usd("vertex-n1-standard-4", 1, 31, 0, 0),
                       60 / 3600.0 * 0.2185, 1e-12);
    cr_assert_float_eq(fleet_usd("vertex-n1-standard-4", 1, 30, 0, 0),
                       30 / 3600.0 * 0.2185, 1e-12);
    cr_assert_float_eq(fleet_usd("vertex-n1-standard-4-t4", 1, 3600, 0, 0),
                       0.2185 + 0.4025, 1e-12);
}

/*
 * test_calibrated.c - a profile in the format `simsrv calibrate` writes
 * drives the simulator to the profile's own latency quantiles.
 *
 * Pins: with 20 provisioned instances and Poisson(1/s) arrivals (a < 0.1
 * busy on average: nobody waits, nothing starts cold), a completed
 * request's latency is its warm service time, lognormal with median
 * a + c*b and spread sigma; so p50, p95 and p99 are
 * exp(ln(a + c b) + z sigma), z = 0, 1.645, 2.326, at batch 1 and batch 8.
 * 10 replications of 20,000 s, seed 31; the latency histogram's relative
 * error (<= 1%) is the tolerance added to the interval.  The fixture
 * tests/fixtures/models/calibrated.profile.json carries a "calibration"
 * block, which the loader must accept and read.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "config/scenario.h"
#include "support.h"

enum { R = 10 };

static void load(int batch, Scenario *sc)
{
    char dir[1024], path[1200], text[2048];
    support_src("tests/fixtures", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/calibrated-scenario.json", dir);
    snprintf(text, sizeof text,
             "{\"name\": \"calibrated\", \"seed\": 31, \"horizon_s\": 20000,"
             " \"replications\": %d, \"slo_ms\": 1000, \"model\": \"calibrated.profile\","
             " \"models_dir\": \"models\", \"timeseries_interval_s\": 0,"
             " \"workload\": {\"type\": \"poisson\", \"rate_per_s\": 1},"
             " \"defaults\": {\"memory_mb\": 2048, \"vcpus\": 1, \"batch\": %d,"
             " \"provisioned\": 20, \"timeout_s\": 0,"
             " \"beyond_limits\": true},"
             " \"alternatives\": [{\"name\": \"warm\"}]}",
             R, batch);
    Err err;
    err_clear(&err);
    int rc = scenario_load_text(path, text, NULL, sc, &err);
    cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
}

static void check_quantiles(int batch)
{
    Scenario sc;
    load(batch, &sc);
    cr_assert_eq(sc.model.calibrated, 1);
    cr_assert_eq(sc.model.n_calib_batches, 3);
    cr_assert_eq(sc.model.calib_batches[2], 32);
    cr_assert_str_eq(sc.model.calib_model, "resnet18.onnx");
    const double a = 0.9, c = 17.4, sigma = 0.12;
    const double z[3] = {0, 1.6448536269514722, 2.3263478740408408};
    const int met[3] = {MET_p50_ms, MET_p95_ms, MET_p99_ms};
    double x[3][R];
    for (int r = 0; r < R; r++) {
        RunConfig cfg = support_config(&sc.alt[0], &sc.workload, sc.horizon_s,
                                       sc.seed);
        cfg.rep = (uint32_t)r;
        RunResult res;
        world_run(&cfg, &res);
        cr_assert_eq(res.v[MET_cold_starts], 0.0);
        cr_assert(res.v[MET_waited_pct] == 0.0, "a request waited");
        for (int k = 0; k < 3; k++)
            x[k][r] = res.v[met[k]];
    }
    for (int k = 0; k < 3; k++) {
        double theory = exp(log(a + c * batch) + z[k] * sigma);
        char what[96];
        snprintf(what, sizeof what, "batch %d: quantile z = %.3f of the profile",
                 batch, z[k]);
        support_check_in_interval(what, x[k], R, theory, 0.01 * theory);
    }
    scenario_free(&sc);
}

Test(calibrated, simulator_reproduces_profile_quantiles_batch1)
{
    check_quantiles(1);
}

Test(calibrated, simulator_reproduces_profile_quantiles_batch8)
{
    check_quantiles(8);
}

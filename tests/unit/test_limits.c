/*
 * test_limits.c - platform limits of the catalog, the cpu-arm class, and
 * the keep-alive shorthand.
 *
 * Pins: a scenario beyond its entry's limit fails with one exact line
 * naming the JSON path, the value, the limit and the limit's source and
 * date (Lambda 20,480 MB; concurrency 10 on Lambda; Azure Consumption
 * 4,096 MB); the boundary values themselves are accepted (Lambda 128 and
 * 10,240 MB, not 127 or 10,241; Azure 1,536, not 1,537; timeout 900 s, not
 * 901 or 0; Cloud Run 4,096 MB on 1 vCPU, not 4,097; 8,193 MB on 4, not
 * on 2); "beyond_limits": true accepts them; a model larger than the GPU
 * is rejected (serverless and VM), under the llm executor per TP rank
 * (weights / tp + reserve, 81,920 MB fits 80 GB exactly); a user catalog overrides a limit field
 * by field; the derived cpu-arm class is the cpu
 * class with CPU work divided by 1.19 (119 ms -> 100 ms, exactly); the
 * package, payload and gateway limits (Lambda zip 250 MB unzipped, image
 * 10,240 MB, 6,144 KB payloads, the gateway's 10,240 KB), SageMaker
 * Serverless (1,024 MB steps, 200 instances, 60 s, 4,096 KB), Cloud
 * Functions 1st gen memory sizes, Fargate task sizes and start time, and
 * Vertex AI's one-replica minimum, each at and past its boundary.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config/limits.h"
#include "config/scenario.h"
#include "support.h"

/* A 50 MB model whose CPU figures are multiples of 1.19 ms, and GPU
 * classes for the GPU entries. */
static const char *tiny_profile =
    "{\"name\": \"tiny\", \"size_mb\": 10, \"memory_mb\": %s,\n"
    " \"hardware\": {\n"
    "  \"cpu\": {\"ref_vcpus\": 1,\n"
    "   \"cold_start\": {\"sandbox\": {\"dist\": \"constant\", "
    "\"value_ms\": 100},\n"
    "    \"runtime\": {\"dist\": \"constant\", \"value_ms\": 119},\n"
    "    \"model_load\": {\"dist\": \"lognormal\", \"median_ms\": 238, "
    "\"sigma\": 0.1},\n"
    "    \"load_mb_per_s\": 50,\n"
    "    \"first_inference_extra\": {\"dist\": \"constant\", "
    "\"value_ms\": 11.9}},\n"
    "   \"warm\": {\"a_ms\": 1.19, \"c_ms\": 11.9, \"sigma\": 0.1}},\n"
    "  \"gpu-t4\": {\"cold_total\": {\"dist\": \"constant\", "
    "\"value_ms\": 1000}, \"warm\": {\"dist\": \"constant\", "
    "\"value_ms\": 5}},\n"
    "  \"gpu-l4\": {\"cold_total\": {\"dist\": \"constant\", "
    "\"value_ms\": 1000}, \"warm\": {\"dist\": \"constant\", "
    "\"value_ms\": 5}},\n"
    "  \"gpu-a100\": {\"cold_total\": {\"dist\": \"constant\", "
    "\"value_ms\": 1000}, \"warm\": {\"dist\": \"constant\", "
    "\"value_ms\": 5}}}}\n";

/* A scenario of one alternative with `members`, on the tiny model of
 * `model_mb` MB; writes both files, returns the scenario's path. */
static const char *write_scenario(const char *model_mb, const char *members,
                                  char *file, size_t size)
{
    char dir[1024], path[1100], text[4096];
    support_tmpdir("limits", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/tiny.json", dir);
    snprintf(text, sizeof text, tiny_profile, model_mb);
    support_write_file(path, text);
    snprintf(file, size, "%s/s.json", dir);
    snprintf(text, sizeof text,
             "{\"name\": \"t\", \"horizon_s\": 60, \"models_dir\": \".\", "
             "\"model\": \"tiny\", \"timeseries_interval_s\": 0,\n"
             " \"workload\": {\"type\": \"poisson\", \"rate_per_s\": 1},\n"
             " \"alternatives\": [{\"name\": \"a\", %s}]}\n",
             members);
    support_write_file(file, text);
    return file;
}

/* Loads; returns the rc and the one-line message (empty if it loaded). */
static int load(const char *model_mb, const char *members, Scenario *sc,
                char *file, char *line, size_t size)
{
    Err err;
    err_clear(&err);
    write_scenario(model_mb, members, file, 1100);
    int rc = scenario_load(file, NULL, sc, &err);
    line[0] = '\0';
    if (rc < 0)
        err_format(&err, line, size);
    fprintf(stderr, "%s -> %s\n", members, rc < 0 ? line : "loads");
    return rc;
}

/* Loads, or fails the test; the caller frees *sc. */
static void load_ok(const char *model_mb, const char *members, Scenario *sc)
{
    char file[1100], line[1024];
    cr_assert_eq(load(model_mb, members, sc, file, line, sizeof line), 0,
                 "%s rejected: %s", members, line);
}

static void expect_ok(const char *members)
{
    Scenario sc;
    load_ok("50", members, &sc);
    scenario_free(&sc);
}

/* Rejected, with a line containing `needle`; returns the line. */
static const char *expect_beyond(const char *model_mb, const char *members,
                                 const char *needle)
{
    static char line[1024];
    Scenario sc;
    char file[1100];
    cr_assert_lt(load(model_mb, members, &sc, file, line, sizeof line), 0,
                 "%s accepted", members);
    cr_assert_null(strchr(line, '\n'));
    cr_assert_not_null(strstr(line, needle), "'%s' not in %s", needle,
                       line);
    cr_assert_not_null(strstr(line, "\"beyond_limits\": true runs it "
                                    "anyway"),
                       "cut short: %s", line);
    return line;
}

static PriceEntry entry(const char *id)
{
    PriceEntry p;
    char date[16];
    Err err;
    cr_assert_eq(catalog_lookup(NULL, id, &p, date, &err, "test"), 0);
    return p;
}

/* The message the loader must give, whole. */
static void expect_exact(const char *members, const char *id,
                         const char *path_and_what, const char *limit)
{
    Scenario sc;
    char file[1100], line[1024], want[1400];
    PriceEntry p = entry(id);
    cr_assert_lt(load("50", members, &sc, file, line, sizeof line), 0);
    snprintf(want, sizeof want,
             "%s: %s is beyond the limit of %s: %s (%s, %s); "
             "\"beyond_limits\": true runs it anyway",
             file, path_and_what, id, limit, p.limits.source, p.limits.date);
    cr_assert_str_eq(line, want);
}

Test(limits, lambda_20480_mb_exact_message)
{
    expect_exact("\"memory_mb\": 20480", "aws-lambda-x86",
                 "alternatives[0].memory_mb: 20480 MB",
                 "128 to 10240 MB in 1 MB steps");
}

Test(limits, lambda_concurrency_10_exact_message)
{
    expect_exact("\"memory_mb\": 2048, \"concurrency\": 10",
                 "aws-lambda-x86",
                 "alternatives[0].concurrency: 10 requests per instance",
                 "at most 1 per instance");
}

Test(limits, azure_consumption_4096_mb_exact_message)
{
    expect_exact("\"memory_mb\": 4096, \"pricing\": "
                 "\"azure-functions-consumption\", \"timeout_s\": 600",
                 "azure-functions-consumption",
                 "alternatives[0].memory_mb: 4096 MB", "at most 1536 MB");
}

Test(limits, memory_boundaries)
{
    expect_ok("\"memory_mb\": 10240");
    expect_ok("\"memory_mb\": 128");
    expect_beyond("50", "\"memory_mb\": 10241", "10241 MB");
    expect_beyond("50", "\"memory_mb\": 127", "127 MB");
    expect_ok("\"memory_mb\": 1536, \"pricing\": "
              "\"azure-functions-consumption\"");
    expect_beyond("50",
                  "\"memory_mb\": 1537, \"pricing\": "
                  "\"azure-functions-consumption\"",
                  "1537 MB");
}

Test(limits, timeout_boundaries_and_platform_default)
{
    expect_ok("\"memory_mb\": 1024, \"timeout_s\": 900");
    expect_beyond("50", "\"memory_mb\": 1024, \"timeout_s\": 901",
                  "alternatives[0].timeout_s: 901 s");
    expect_beyond("50", "\"memory_mb\": 1024, \"timeout_s\": 0",
                  "0 (no timeout) is beyond the limit of aws-lambda-x86: a "
                  "timeout of at most 900 s");
    /* no timeout_s on Azure Consumption: its maximum, 600 s, not 900 */
    Scenario sc;
    load_ok("50",
            "\"memory_mb\": 1024, \"pricing\": "
            "\"azure-functions-consumption\"",
            &sc);
    cr_assert_eq(sc.alt[0].timeout_s, 600);
    scenario_free(&sc);
    expect_beyond("50",
                  "\"memory_mb\": 1024, \"pricing\": "
                  "\"azure-functions-consumption\", \"timeout_s\": 601",
                  "a timeout of at most 600 s");
}

Test(limits, vcpu_rules)
{
    /* Lambda: 1 vCPU per 1,769 MB */
    expect_ok("\"memory_mb\": 1769, \"vcpus\": 1");
    expect_beyond("50", "\"memory_mb\": 1024, \"vcpus\": 1",
                  "alternatives[0].vcpus: 1 vCPU at 1024 MB is beyond the "
                  "limit of aws-lambda-x86: CPU comes with memory, 1 vCPU "
                  "per 1769 MB");
    expect_beyond("50", "\"memory_mb\": 10240, \"vcpus\": 7",
                  "at most 6 vCPUs");
    /* Cloud Run: more than 4 GiB needs 2 vCPUs, more than 8 GiB 4 */
    const char *cr = "\"pricing\": \"gcp-cloud-run-request\", ";
    char m[256];
    snprintf(m, sizeof m, "%s\"memory_mb\": 4096", cr);
    expect_ok(m);
    snprintf(m, sizeof m, "%s\"memory_mb\": 4097", cr);
    expect_beyond("50", m,
                  "1 vCPU (the default) at 4097 MB is beyond the limit of "
                  "gcp-cloud-run-request: more than 4096 MB needs at least "
                  "2 vCPUs");
    snprintf(m, sizeof m, "%s\"memory_mb\": 8193, \"vcpus\": 2", cr);
    expect_beyond("50", m, "more than 8192 MB needs at least 4 vCPUs");
    snprintf(m, sizeof m, "%s\"memory_mb\": 8193, \"vcpus\": 4", cr);
    expect_ok(m);
    snprintf(m, sizeof m, "%s\"memory_mb\": 4096, \"concurrency\": 1000",
             cr);
    expect_ok(m);
}

Test(limits, gpu_memory_must_hold_the_model)
{
    expect_beyond("20000",
                  "\"memory_mb\": 32768, \"vcpus\": 4, \"pricing\": "
                  "\"modal-t4\"",
                  "alternatives[0].pricing: a model of 20000 MB resident is "
                  "beyond the limit of modal-t4: 16 GB of memory per GPU");
    Scenario sc;
    load_ok("20000",
            "\"memory_mb\": 32768, \"vcpus\": 4, \"pricing\": \"modal-l4\"",
            &sc);
    scenario_free(&sc);
    /* a VM: one A100 40 GB of p4d.24xlarge */
    expect_beyond("50000",
                  "\"platform\": \"vm\", \"vm\": {\"instance_type\": "
                  "\"p4d.24xlarge\"}",
                  "alternatives[0].vm.instance_type: a model of 50000 MB "
                  "resident is beyond the limit of p4d.24xlarge: 40 GB of "
                  "memory per GPU");
}

/* Under the llm executor one GPU holds weights / tp + the activation
 * reserve (the KV cache takes what is left), not the whole model: on
 * modal-h100 (80 GB = 81,920 MB per GPU) 2 x 80 GiB of weights at TP 2 and
 * no reserve is exactly 81,920 MB and fits; 2 MiB more weights (1 MB more
 * per GPU) do not; 140 GB + 2 GB of reserve at TP 1 is
 * (140e9 + 2e9) / 2^20 = 135,422 MB, at TP 2 68,665 MB (fits). */
Test(limits, llm_gpu_memory_is_per_tp_rank)
{
    AltSpec a;
    LimitViolation v;
    memset(&a, 0, sizeof a);
    a.price = entry("modal-h100");
    snprintf(a.hardware, sizeof a.hardware, "gpu-h100");
    a.memory_mb = 32768;
    a.concurrency = 256;
    a.timeout_s = 300;
    a.model_memory_mb = 1e6; /* the whole model: ignored under llm */
    a.executor = EXEC_LLM;
    a.llm.tp = 2;
    a.llm.shape.weights_bytes = 2.0 * 80 * 1073741824.0;
    cr_assert_eq(limits_check_serverless(&a, &v), 0, "%s", v.msg);
    a.llm.shape.weights_bytes += 2.0 * 1048576;
    cr_assert_eq(limits_check_serverless(&a, &v), 1);
    cr_assert_str_eq(v.key, "pricing");
    a.llm.shape.weights_bytes = 140e9;
    a.llm.activation_reserve_bytes = 2e9;
    cr_assert_eq(limits_check_serverless(&a, &v), 0, "%s", v.msg);
    a.llm.tp = 1;
    cr_assert_eq(limits_check_serverless(&a, &v), 1);
    printf("%s\n", v.msg);
    cr_assert_not_null(strstr(v.msg, "135422 MB per GPU resident (weights / "
                                     "tp 1 + activation reserve) is beyond "
                                     "the limit of modal-h100: 80 GB of "
                                     "memory per GPU"),
                       "%s", v.msg);
    /* the same rule on a VM: p4d.24xlarge has 40 GB (40,960 MB) per GPU */
    VmSpec vm;
    memset(&vm, 0, sizeof vm);
    vm.type = entry("p4d.24xlarge");
    vm.executor = EXEC_LLM;
    vm.llm = a.llm;
    vm.llm.tp = 4; /* 35e9 + 2e9 bytes = 35,286 MB */
    cr_assert_eq(limits_check_vm(&vm, "gpu-a100", 1e6, &v), 0, "%s", v.msg);
    vm.llm.tp = 2; /* 70e9 + 2e9 bytes = 68,665 MB */
    cr_assert_eq(limits_check_vm(&vm, "gpu-a100", 1e6, &v), 1);
    cr_assert_str_eq(v.key, "instance_type");
}

Test(limits, beyond_limits_accepts)
{
    expect_ok("\"memory_mb\": 20480, \"beyond_limits\": true");
    expect_ok("\"memory_mb\": 2048, \"concurrency\": 10, \"timeout_s\": 0, "
              "\"beyond_limits\": true");
    expect_ok("\"memory_mb\": 4096, \"pricing\": "
              "\"azure-functions-consumption\", \"beyond_limits\": true");
    expect_beyond("50", "\"memory_mb\": 20480, \"beyond_limits\": false",
                  "20480 MB");
}

/* Every entry's limit message fits Err's 511 characters with a long JSON
 * path in front, so the hint at its end is never cut off. */
Test(limits, every_message_fits_one_error_line)
{
    static const char *ids[] = {
        "aws-lambda-x86", "aws-lambda-arm", "azure-functions-consumption",
        "gcp-cloud-run-request", "gcp-cloud-run-instance", "gcp-cloud-run-l4",
        "modal-t4", "modal-h200", "runpod-h100", "replicate-t4", NULL};
    for (int i = 0; ids[i] != NULL; i++) {
        AltSpec a;
        LimitViolation v;
        memset(&a, 0, sizeof a);
        a.price = entry(ids[i]);
        snprintf(a.hardware, sizeof a.hardware, "gpu-h200");
        a.memory_mb = 1048576;     /* beyond every memory limit */
        a.model_memory_mb = 1e6;   /* beyond every GPU */
        a.concurrency = 1;
        cr_assert_eq(limits_check_serverless(&a, &v), 1, "%s", ids[i]);
        size_t n = strlen("alternatives[999].defaults.") + strlen(v.key) +
                   2 + strlen(v.msg);
        cr_assert_lt(n, sizeof(((Err *)0)->msg), "%s: %zu: %s", ids[i], n,
                     v.msg);
    }
}

Test(limits, cpu_arm_is_derived_from_cpu_by_1_19)
{
    Scenario sc;
    load_ok("50", "\"memory_mb\": 1769, \"pricing\": \"aws-lambda-arm\"", &sc);
    const HwProfile *h = &sc.alt[0].hw;
    cr_assert_str_eq(sc.alt[0].hardware, "cpu-arm"); /* the entry's class */
    cr_assert_str_eq(h->hw, "cpu-arm");
    /* CPU work / 1.19: 119 -> 100 ms, 238 -> 200, 11.9 -> 10, 1.19 -> 1 */
    cr_assert_float_eq(h->runtime.a_s, 0.100, 1e-12);
    cr_assert_float_eq(h->model_load.a_s, 0.200, 1e-12);
    cr_assert_float_eq(h->model_load.sigma, 0.1, 1e-12);
    cr_assert_float_eq(h->first_extra.a_s, 0.010, 1e-12);
    cr_assert_float_eq(h->warm_a_s, 0.001, 1e-12);
    cr_assert_float_eq(h->warm_c_s, 0.010, 1e-12);
    cr_assert_float_eq(h->warm_sigma, 0.1, 1e-12);
    /* kept: the sandbox, the I/O throughput, the reference vCPUs */
    cr_assert_float_eq(h->sandbox.a_s, 0.100, 1e-12);
    cr_assert_float_eq(h->load_mb_per_s, 50, 1e-12);
    cr_assert_float_eq(h->ref_vcpus, 1, 1e-12);
    scenario_free(&sc);
    /* c7g VMs run it too */
    load_ok("50",
            "\"platform\": \"vm\", \"vm\": {\"instance_type\": "
            "\"c7g.large\"}",
            &sc);
    cr_assert_str_eq(sc.alt[0].vm.hw.hw, "cpu-arm");
    cr_assert_float_eq(sc.alt[0].vm.hw.warm_c_s, 0.010, 1e-12);
    scenario_free(&sc);
}

Test(limits, a_profile_of_its_own_cpu_arm_is_kept)
{
    char dir[1024], path[1100];
    support_tmpdir("limits-own", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/own.json", dir);
    support_write_file(
        path, "{\"name\": \"own\", \"size_mb\": 1, \"memory_mb\": 10,"
              " \"hardware\": {"
              "  \"cpu\": {\"cold_total\": {\"dist\": \"constant\","
              " \"value_ms\": 100}, \"warm\": {\"dist\": \"constant\","
              " \"value_ms\": 10}},"
              "  \"cpu-arm\": {\"cold_total\": {\"dist\": \"constant\","
              " \"value_ms\": 70}, \"warm\": {\"dist\": \"constant\","
              " \"value_ms\": 7}}}}");
    ModelProfile m;
    Err err;
    cr_assert_eq(profile_load(path, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(m.n_hw, 2);
    const HwProfile *h = profile_hw(&m, "cpu-arm");
    cr_assert_float_eq(h->warm.a_s, 0.007, 1e-12);
    cr_assert_float_eq(h->cold_total.a_s, 0.070, 1e-12);
    /* without it, a non-affine warm time and cold_total are scaled too */
    support_write_file(
        path, "{\"name\": \"own\", \"size_mb\": 1, \"memory_mb\": 10,"
              " \"hardware\": {"
              "  \"cpu\": {\"cold_total\": {\"dist\": \"empirical\","
              " \"quantiles_ms\": [119, 238]}, \"warm\": {\"dist\":"
              " \"exponential\", \"mean_ms\": 11.9}}}}");
    cr_assert_eq(profile_load(path, &m, &err), 0, "%s", err.msg);
    h = profile_hw(&m, "cpu-arm");
    cr_assert_not_null(h);
    cr_assert_float_eq(h->warm.a_s, 0.010, 1e-12);
    cr_assert_float_eq(h->cold_total.q_s[0], 0.100, 1e-12);
    cr_assert_float_eq(h->cold_total.q_s[1], 0.200, 1e-12);
}

Test(limits, keepalive_policy_name_alone)
{
    Scenario sc;
    char file[1100], line[1024];
    load_ok("50", "\"memory_mb\": 1024, \"keepalive\": \"none\"", &sc);
    cr_assert_str_eq(sc.alt[0].keepalive.policy, "none");
    scenario_free(&sc);
    load_ok("50", "\"memory_mb\": 1024, \"keepalive\": \"fixed\"", &sc);
    cr_assert_str_eq(sc.alt[0].keepalive.policy, "fixed");
    cr_assert_eq(sc.alt[0].keepalive.keepalive_s, 600);
    scenario_free(&sc);
    cr_assert_lt(load("50", "\"memory_mb\": 1024, \"keepalive\": \"nnoe\"",
                      &sc, file, line, sizeof line),
                 0);
    cr_assert_not_null(strstr(line, "alternatives[0].keepalive: unknown "
                                    "keep-alive policy 'nnoe' (did you mean "
                                    "'none'?)"),
                       "%s", line);
}

/* The tiny-model scenario of one Lambda alternative of `mb` MB, priced
 * from prices.json beside it, which raises Lambda's memory limit. */
static void write_user_catalog_scenario(const char *file, int mb)
{
    char dir[1024], cat[1100], text[4096];
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(file, '/') - file), file);
    snprintf(cat, sizeof cat, "%s/prices.json", dir);
    support_write_file(cat, "{\"entries\": [{\"id\": \"aws-lambda-x86\","
                            " \"limits\": {\"max_memory_mb\": 20480}}]}");
    snprintf(text, sizeof text,
             "{\"name\": \"t\", \"horizon_s\": 60, \"models_dir\": \".\", "
             "\"model\": \"tiny\", \"pricing_catalog\": \"prices.json\",\n"
             " \"workload\": {\"type\": \"poisson\", \"rate_per_s\": 1},\n"
             " \"alternatives\": [{\"name\": \"a\", \"memory_mb\": %d}]}\n",
             mb);
    support_write_file(file, text);
}

Test(limits, a_user_catalog_overrides_a_limit)
{
    char file[1100], line[1024];
    Scenario sc;
    Err err;
    write_scenario("50", "\"memory_mb\": 1024", file, sizeof file);
    write_user_catalog_scenario(file, 20480);
    int rc = scenario_load(file, NULL, &sc, &err);
    err_format(&err, line, sizeof line);
    cr_assert_eq(rc, 0, "%s", line);
    cr_assert_eq(sc.alt[0].price.limits.max_memory_mb, 20480);
    cr_assert_eq(sc.alt[0].price.limits.min_memory_mb, 128); /* kept */
    scenario_free(&sc);
    write_user_catalog_scenario(file, 20481);
    cr_assert_lt(scenario_load(file, NULL, &sc, &err), 0);
    err_format(&err, line, sizeof line);
    cr_assert_not_null(strstr(line, "128 to 20480 MB"), "%s", line);
}

/* ---- package, payload, gateway, and the other platforms' limits ------ */

/* Pins: Lambda's zip holds 250 MB unzipped and its image 10,240 MB (250
 * and 10,240 accepted, 250.5 and 10,241 not);
 * synchronous payloads of 6,144 KB each way (6,145 rejected, key
 * "payload"); a gateway's 10,240 KB request limit applies on top. */
Test(limits, lambda_package_and_payload)
{
    const char *m = "\"memory_mb\": 1024, ";
    char buf[512];
    snprintf(buf, sizeof buf, "%s\"package\": {\"type\": \"zip\", "
             "\"size_mb\": 250}", m);
    expect_ok(buf);
    snprintf(buf, sizeof buf, "%s\"package\": {\"type\": \"zip\", "
             "\"size_mb\": 250.5}", m);
    const char *line = expect_beyond("50", buf, "alternatives[0].package: a "
                                     "zip package of 250.5 MB is beyond the "
                                     "limit of aws-lambda-x86: a zip package "
                                     "(unzipped) of at most 250 MB");
    cr_assert_not_null(strstr(line, "zip 250 MB unzipped"), "%s", line);
    snprintf(buf, sizeof buf, "%s\"package\": {\"size_mb\": 10240}", m);
    expect_ok(buf);
    snprintf(buf, sizeof buf, "%s\"package\": {\"size_mb\": 10241}", m);
    expect_beyond("50", buf, "a container image of 10241 MB");
    snprintf(buf, sizeof buf, "%s\"payload\": {\"request_kb\": 6144, "
             "\"response_kb\": 6144}", m);
    expect_ok(buf);
    snprintf(buf, sizeof buf, "%s\"payload\": {\"response_kb\": 6145}", m);
    expect_beyond("50", buf, "alternatives[0].payload: a response of 6145 KB");
    snprintf(buf, sizeof buf, "%s\"payload\": {\"request_kb\": 6000}, "
             "\"gateway\": {\"type\": \"rest\"}", m);
    expect_ok(buf);
    snprintf(buf, sizeof buf, "%s\"pricing\": \"gcp-cloud-run-request\", "
             "\"payload\": {\"request_kb\": 10241}, \"gateway\": {}", m);
    expect_beyond("50", buf, "limit of aws-api-gateway-http: requests of at "
                  "most 10240 KB");
}

/* Pins: SageMaker Serverless takes 1,024 to 6,144 MB in 1,024 MB steps
 * (1,536 rejected) and at most 200 instances, which is also its default
 * max_instances; payloads of 4,096 KB; no GPU classes.  Cloud Functions 1st gen takes
 * only its table's sizes (1,000 MB rejected, 2,048 accepted) and a
 * 540 s timeout. */
Test(limits, sagemaker_and_cloud_functions)
{
    Scenario sc;
    load_ok("50", "\"memory_mb\": 6144, \"pricing\": "
            "\"aws-sagemaker-serverless\", \"timeout_s\": 60",
            &sc);
    cr_assert_eq(sc.alt[0].max_instances, 200);
    cr_assert_eq(sc.alt[0].addon.request_kb, 10, "the default payload");
    cr_assert_eq(sc.alt[0].addon.package_mb, 10, "the model's size_mb");
    scenario_free(&sc);
    expect_beyond("50", "\"memory_mb\": 1536, \"pricing\": "
                  "\"aws-sagemaker-serverless\", \"timeout_s\": 60",
                  "1024 to 6144 MB in 1024 MB steps");
    expect_beyond("50", "\"memory_mb\": 2048, \"pricing\": "
                  "\"aws-sagemaker-serverless\", \"timeout_s\": 60, "
                  "\"max_instances\": 201",
                  "201 instances is beyond the limit of "
                  "aws-sagemaker-serverless: at most 200 instances");
    expect_beyond("50", "\"memory_mb\": 2048, \"pricing\": "
                  "\"aws-sagemaker-serverless\", \"timeout_s\": 61",
                  "a timeout of at most 60 s");
    expect_beyond("50", "\"memory_mb\": 2048, \"pricing\": "
                  "\"aws-sagemaker-serverless\", \"timeout_s\": 60, "
                  "\"payload\": {\"request_kb\": 4097}",
                  "requests of at most 4096 KB");
    expect_beyond("50", "\"memory_mb\": 2048, \"pricing\": "
                  "\"aws-sagemaker-serverless\", \"timeout_s\": 60, "
                  "\"hardware\": \"gpu-t4\"",
                  "alternatives[0].hardware: hardware class gpu-t4 is beyond "
                  "the limit of aws-sagemaker-serverless: CPU only (no GPUs)");
    load_ok("50", "\"memory_mb\": 2048, \"pricing\": "
            "\"gcp-cloud-functions-gen1\", \"timeout_s\": 540",
            &sc);
    cr_assert_eq(sc.alt[0].price.cpu_ghz, 2.4);
    scenario_free(&sc);
    expect_beyond("50", "\"memory_mb\": 1000, \"pricing\": "
                  "\"gcp-cloud-functions-gen1\", \"timeout_s\": 540",
                  "1000 MB is beyond the limit of gcp-cloud-functions-gen1: "
                  "one of 128, 256, 512, 1024, 2048, 4096, 8192 MB");
}

/* Pins: Fargate tasks must be a valid size (1 vCPU with 2..8 GB in 1 GB
 * steps: 8 accepted, 9 and 2.5 not; 0.3 vCPU not a size; 8 vCPU with 20
 * GB accepted, 18 not), "task" is required by and only allowed with a
 * task-priced type, and a task without boot_s starts in 15 s + package /
 * 50 MB/s (a 500 MB image: 25 s).  Vertex AI fleets keep at least one
 * replica (count 0 and autoscale min 0 rejected). */
Test(limits, fargate_task_sizes_and_vertex_minimum)
{
    const char *f = "\"platform\": \"vm\", \"package\": {\"size_mb\": 500}, "
                    "\"vm\": {\"instance_type\": \"aws-fargate-x86\", ";
    char buf[512];
    Scenario sc;
    snprintf(buf, sizeof buf, "%s\"task\": {\"vcpus\": 1, \"memory_gb\": 8}}",
             f);
    load_ok("50", buf, &sc);
    cr_assert_float_eq(sc.alt[0].vm.boot_s, 25, 1e-12);
    cr_assert_float_eq(sc.alt[0].vm.type.usd_per_hour,
                       0.04048 + 8 * 0.004445, 1e-15);
    cr_assert_eq(sc.alt[0].vm.type.vcpus, 1);
    scenario_free(&sc);
    snprintf(buf, sizeof buf, "%s\"task\": {\"vcpus\": 1, \"memory_gb\": 8}, "
             "\"boot_s\": 40}", f);
    load_ok("50", buf, &sc);
    cr_assert_eq(sc.alt[0].vm.boot_s, 40);
    scenario_free(&sc);
    snprintf(buf, sizeof buf, "%s\"task\": {\"vcpus\": 1, \"memory_gb\": 9}}",
             f);
    expect_beyond("50", buf, "alternatives[0].vm.task: 1 vCPU with 9 GB is "
                  "beyond the limit of aws-fargate-x86: 1 vCPU takes 2 to 8 "
                  "GB in 1 GB steps");
    snprintf(buf, sizeof buf,
             "%s\"task\": {\"vcpus\": 1, \"memory_gb\": 2.5}}", f);
    expect_beyond("50", buf, "1 vCPU with 2.5 GB");
    snprintf(buf, sizeof buf,
             "%s\"task\": {\"vcpus\": 0.3, \"memory_gb\": 1}}", f);
    expect_beyond("50", buf, "vCPUs one of 0.25, 0.5, 1, 2, 4, 8, 16");
    snprintf(buf, sizeof buf,
             "%s\"task\": {\"vcpus\": 8, \"memory_gb\": 20}}", f);
    expect_ok(buf);
    snprintf(buf, sizeof buf,
             "%s\"task\": {\"vcpus\": 8, \"memory_gb\": 18}}", f);
    expect_beyond("50", buf, "8 vCPU takes 16 to 60 GB in 4 GB steps");
    char file[1100], line[1024];
    snprintf(buf, sizeof buf, "%s\"count\": 1}", f);
    cr_assert_lt(load("50", buf, &sc, file, line, sizeof line), 0);
    cr_assert_not_null(strstr(line, "vm.task: missing"), "%s", line);
    cr_assert_lt(load("50", "\"platform\": \"vm\", \"vm\": {\"instance_type\": "
                      "\"c7i.large\", \"task\": {\"vcpus\": 1, "
                      "\"memory_gb\": 2}}",
                      &sc, file, line, sizeof line),
                 0);
    cr_assert_not_null(strstr(line, "not priced per task size"), "%s", line);
    expect_ok("\"platform\": \"vm\", \"vm\": {\"instance_type\": "
              "\"vertex-n1-standard-4\", \"count\": 1}");
    expect_beyond("50", "\"platform\": \"vm\", \"vm\": {\"instance_type\": "
                  "\"vertex-n1-standard-4\", \"count\": 0}",
                  "alternatives[0].vm.count: a fleet of 0 is beyond the limit "
                  "of vertex-n1-standard-4: at least 1 replica");
    expect_beyond("50", "\"platform\": \"vm\", \"vm\": {\"instance_type\": "
                  "\"vertex-n1-standard-4\", \"autoscale\": {\"min\": 0, "
                  "\"max\": 4, \"target\": 0.6}}",
                  "alternatives[0].vm.autoscale: a fleet of 0");
}

/* `v`'s message behind the longest path `prefix` fits one error line. */
static void assert_fits(const char *prefix, const LimitViolation *v,
                        const char *id)
{
    size_t n = strlen(prefix) + strlen(v->key) + 2 + strlen(v->msg);
    cr_assert_lt(n, sizeof(((Err *)0)->msg), "%s: %zu: %s", id, n, v->msg);
}

/* The new entries' messages fit one error line too. */
Test(limits, new_entries_messages_fit_one_error_line)
{
    static const char *ids[] = {"aws-sagemaker-serverless",
                                "gcp-cloud-functions-gen1",
                                "gcp-cloud-run-functions", NULL};
    for (int i = 0; ids[i] != NULL; i++) {
        AltSpec a;
        LimitViolation v;
        memset(&a, 0, sizeof a);
        a.price = entry(ids[i]);
        a.memory_mb = 1048576;
        a.concurrency = 1;
        cr_assert_eq(limits_check_serverless(&a, &v), 1, "%s", ids[i]);
        assert_fits("alternatives[999].defaults.", &v, ids[i]);
    }
    static const char *vms[] = {"aws-fargate-x86", "aws-fargate-arm",
                                "vertex-n1-standard-4", NULL};
    for (int i = 0; vms[i] != NULL; i++) {
        VmSpec vm;
        LimitViolation v;
        memset(&vm, 0, sizeof vm);
        vm.type = entry(vms[i]);
        vm.type.vcpus = 3;
        cr_assert_eq(limits_check_fleet(&vm, &v), 1, "%s", vms[i]);
        assert_fits("alternatives[999].defaults.vm.", &v, vms[i]);
    }
    AddonSpec ad;
    LimitViolation v;
    memset(&ad, 0, sizeof ad);
    ad.request_kb = 1e6;
    ad.gateway = 1;
    ad.gw = entry("aws-api-gateway-rest");
    PriceEntry run = entry("gcp-cloud-run-request");
    cr_assert_eq(limits_check_addon(&ad, &run, &v), 1);
    assert_fits("alternatives[999].defaults.", &v, "aws-api-gateway-rest");
}

/*
 * test_config.c - scenario validation: one test per class of bad input.
 *
 * Pins: each bad input fails with a one-line message naming the file and
 * the line/column (syntax) or JSON path (meaning), and the problem; the
 * nearest valid key is suggested for an unknown one.  Also: every scenario
 * shipped in scenarios/ loads (sweep-* as sweeps, optimize-* as
 * optimisation files), and defaults/overrides apply.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/optimize.h"
#include "config/scenario.h"
#include "config/sweep.h"
#include "support.h"

/* A valid scenario with one field replaced: `patch` is spliced in place of
 * the marker @PATCH@ (a JSON member list). */
static const char *base_tmpl =
    "{\n"
    "  \"name\": \"t\",\n"
    "  \"horizon_s\": 3600,\n"
    "  \"models_dir\": \"%s\",\n"
    "  \"model\": \"resnet50\",\n"
    "  \"workload\": {\"type\": \"poisson\", \"rate_per_s\": 1.5},\n"
    "  \"alternatives\": [{\"name\": \"a\", \"memory_mb\": 2048}]%s\n"
    "}\n";

static int load_text(const char *body, Err *err, char *file, size_t size)
{
    char dir[1024];
    support_tmpdir("config", dir, sizeof dir);
    snprintf(file, size, "%s/s.json", dir);
    support_write_file(file, body);
    Scenario sc;
    int rc = scenario_load(file, NULL, &sc, err);
    if (rc == 0)
        scenario_free(&sc);
    return rc;
}

static void expect_error(const char *body, const char *needle1,
                         const char *needle2)
{
    Err err;
    char file[1100], line[1024];
    err_clear(&err);
    int rc = load_text(body, &err, file, sizeof file);
    cr_assert_lt(rc, 0, "accepted a bad scenario:\n%s", body);
    err_format(&err, line, sizeof line);
    fprintf(stderr, "message: %s\n", line);
    cr_assert_null(strchr(line, '\n'), "message spans lines: %s", line);
    cr_assert_not_null(strstr(line, file), "no file name in: %s", line);
    cr_assert_not_null(strstr(line, needle1), "'%s' not in: %s", needle1,
                       line);
    if (needle2)
        cr_assert_not_null(strstr(line, needle2), "'%s' not in: %s", needle2,
                           line);
}

static char *with(const char *extra)
{
    static char buf[8192];
    char models[1024];
    support_src("models", models, sizeof models);
    snprintf(buf, sizeof buf, base_tmpl, models, extra);
    return buf;
}

/* The base scenario with `from` replaced by `to` (first occurrence). */
static char *edited(const char *from, const char *to)
{
    static char out[8192];
    const char *b = with("");
    const char *at = strstr(b, from);
    cr_assert_not_null(at, "fixture lacks '%s'", from);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - b), b, to,
             at + strlen(from));
    return out;
}

Test(config, base_fixture_is_valid)
{
    Err err;
    char file[1100];
    int rc = load_text(with(""), &err, file, sizeof file);
    cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
}

Test(config, malformed_json_gives_line_and_column)
{
    /* the missing comma is at line 3 */
    expect_error(edited("\"horizon_s\": 3600,", "\"horizon_s\": 3600"),
                 ":4:3", "JSON syntax error");
}

Test(config, unknown_key_names_the_nearest_valid_key)
{
    expect_error(edited("\"horizon_s\"", "\"horizn_s\""),
                 "unknown key 'horizn_s'", "did you mean 'horizon_s'");
    expect_error(edited("\"memory_mb\": 2048", "\"memroy_mb\": 2048"),
                 "alternatives[0].memroy_mb", "did you mean 'memory_mb'");
}

Test(config, wrong_type)
{
    expect_error(edited("\"horizon_s\": 3600", "\"horizon_s\": \"1h\""),
                 "horizon_s", "expected a number, got a string");
    expect_error(edited("\"memory_mb\": 2048", "\"memory_mb\": 2048.5"),
                 "alternatives[0].memory_mb", "expected an integer");
}

Test(config, negative_nan_and_zero_are_rejected)
{
    expect_error(edited("\"rate_per_s\": 1.5", "\"rate_per_s\": -1.5"),
                 "workload.rate_per_s", "must be > 0 (got -1.5)");
    expect_error(edited("\"rate_per_s\": 1.5", "\"rate_per_s\": 1e999"),
                 "workload.rate_per_s", "finite");
    expect_error(edited("\"rate_per_s\": 1.5", "\"rate_per_s\": 0"),
                 "workload.rate_per_s", "must be > 0");
    expect_error(with(", \"slo_ms\": -3"), "slo_ms", "must be > 0");
    expect_error(edited("\"memory_mb\": 2048",
                        "\"memory_mb\": 2048, \"keepalive\": "
                        "{\"keepalive_s\": -60}"),
                 "alternatives[0].keepalive.keepalive_s", "must be >= 0");
}

Test(config, zero_horizon)
{
    expect_error(edited("\"horizon_s\": 3600", "\"horizon_s\": 0"),
                 "horizon_s", "must be > 0 (got 0)");
}

Test(config, missing_file)
{
    Err err;
    Scenario sc;
    cr_assert_lt(scenario_load("no/such/scenario.json", NULL, &sc, &err), 0);
    cr_assert_not_null(strstr(err.where, "no/such/scenario.json"));
    cr_assert_not_null(strstr(err.msg, "cannot open"));
}

Test(config, unknown_model_policy_hardware_pricing_platform)
{
    expect_error(edited("\"resnet50\"", "\"resnet500\""),
                 "unknown model 'resnet500'", NULL);
    expect_error(edited("\"memory_mb\": 2048",
                        "\"memory_mb\": 2048, \"keepalive\": "
                        "{\"policy\": \"fixd\"}"),
                 "unknown keep-alive policy 'fixd'", "did you mean 'fixed'");
    expect_error(edited("\"memory_mb\": 2048",
                        "\"memory_mb\": 2048, \"hardware\": \"gpu-z9\""),
                 "no profile for hardware 'gpu-z9'", "it has: cpu");
    expect_error(edited("\"memory_mb\": 2048",
                        "\"memory_mb\": 2048, \"pricing\": \"aws-lambda-x68\""),
                 "unknown pricing entry 'aws-lambda-x68'", "did you mean 'aws-lambda-x86'");
    expect_error(edited("\"memory_mb\": 2048",
                        "\"memory_mb\": 2048, \"platform\": \"mainframe\""),
                 "unknown platform 'mainframe'", NULL);
    expect_error(edited("\"poisson\"", "\"poison\""),
                 "unknown workload 'poison'", "did you mean 'poisson'");
}

Test(config, memory_below_model_footprint)
{
    expect_error(edited("\"memory_mb\": 2048", "\"memory_mb\": 256"),
                 "alternatives[0].memory_mb", "less than model 'resnet50'");
}

Test(config, bad_model_profile_names_its_file)
{
    char dir[1024], file[1100], models[1100], body[4096];
    support_tmpdir("badprofile", dir, sizeof dir);
    snprintf(models, sizeof models, "%s/models", dir);
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", models);
    cr_assert_eq(system(cmd), 0);
    snprintf(file, sizeof file, "%s/broken.json", models);
    support_write_file(file, "{\"name\": \"broken\", \"size_mb\": 5, "
                             "\"memory_mb\": 10, \"hardware\": {\"cpu\": "
                             "{\"warm\": {\"dist\": \"lognormal\", "
                             "\"median_ms\": 4}, \"cold_total\": {\"dist\": "
                             "\"constant\", \"value_ms\": 9}}}}");
    snprintf(body, sizeof body,
             "{\"horizon_s\": 10, \"model\": \"broken\", \"models_dir\": "
             "\"models\", \"workload\": {\"type\": \"poisson\", "
             "\"rate_per_s\": 1}, \"alternatives\": [{\"name\": \"a\", "
             "\"memory_mb\": 128}]}");
    snprintf(file, sizeof file, "%s/s.json", dir);
    support_write_file(file, body);
    Scenario sc;
    Err err;
    cr_assert_lt(scenario_load(file, NULL, &sc, &err), 0);
    fprintf(stderr, "message: %s: %s\n", err.where, err.msg);
    cr_assert_not_null(strstr(err.where, "broken.json"));
    cr_assert_not_null(strstr(err.where, "hardware.cpu.warm.sigma"));
}

Test(config, defaults_apply_and_alternatives_override)
{
    Err err;
    char file[1100];
    const char *b = edited(
        "\"alternatives\": [{\"name\": \"a\", \"memory_mb\": 2048}]",
        "\"defaults\": {\"memory_mb\": 3008, \"keepalive\": {\"keepalive_s\": "
        "60}}, \"alternatives\": [{\"name\": \"a\"}, {\"name\": \"b\", "
        "\"memory_mb\": 1024, \"provisioned\": 3}]");
    char dir[1024];
    support_tmpdir("defaults", dir, sizeof dir);
    snprintf(file, sizeof file, "%s/s.json", dir);
    support_write_file(file, b);
    Scenario sc;
    cr_assert_eq(scenario_load(file, NULL, &sc, &err), 0, "%s", err.msg);
    cr_assert_eq(sc.n_alt, 2);
    cr_assert_eq(sc.alt[0].memory_mb, 3008);
    cr_assert_eq(sc.alt[1].memory_mb, 1024);
    cr_assert_float_eq(sc.alt[1].keepalive.keepalive_s, 60, 0);
    cr_assert_eq(sc.alt[1].n_prov, 1);
    cr_assert_eq(sc.alt[1].prov[0].count, 3);
    cr_assert_float_eq(sc.alt[0].price.usd_per_gb_s, 0.0000166667, 1e-15);
    cr_assert_eq(sc.alt[0].max_instances, 1000);
    scenario_free(&sc);
}

Test(config, user_catalog_overrides_single_fields)
{
    char dir[1024], cat[1100], file[1100];
    support_tmpdir("catalog", dir, sizeof dir);
    snprintf(cat, sizeof cat, "%s/prices.json", dir);
    support_write_file(cat, "{\"entries\": [{\"id\": \"aws-lambda-x86\", "
                            "\"usd_per_gb_s\": 0.00001}]}");
    snprintf(file, sizeof file, "%s/s.json", dir);
    support_write_file(file, with(", \"pricing_catalog\": \"prices.json\""));
    Scenario sc;
    Err err;
    cr_assert_eq(scenario_load(file, NULL, &sc, &err), 0, "%s", err.msg);
    cr_assert_float_eq(sc.alt[0].price.usd_per_gb_s, 0.00001, 1e-15);
    cr_assert_float_eq(sc.alt[0].price.usd_per_request, 0.20 / 1e6, 1e-15);
    scenario_free(&sc);
}

Test(config, every_shipped_scenario_loads)
{
    char dir[1024];
    support_src("scenarios", dir, sizeof dir);
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        Err err;
        if (strncmp(e->d_name, "sweep-", 6) == 0) {
            SweepPlan plan;
            int rc = sweep_load(path, NULL, &plan, &err);
            cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
            sweep_free(&plan);
        } else if (strncmp(e->d_name, "optimize-", 9) == 0) {
            OptPlan plan;
            int rc = optimize_load(path, &plan, &err);
            cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
            optimize_free(&plan);
        } else {
            Scenario sc;
            int rc = scenario_load(path, NULL, &sc, &err);
            if (rc != 0 && strstr(err.where, "shared/traces/") != NULL) {
                /* a scenario of the public traces, absent here */
                fprintf(stderr, "%s: skipped (%s)\n", e->d_name, err.msg);
                continue;
            }
            cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
            scenario_free(&sc);
        }
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 1);
}

Test(config, vm_bad_inputs)
{
    const char *vm = "\"platform\": \"vm\", \"vm\": ";
    char buf[1024];
#define VM_CASE(obj, n1, n2)                                                   \
    snprintf(buf, sizeof buf, "%s%s", vm, obj);                                \
    expect_error(edited("\"memory_mb\": 2048", buf), n1, n2)
    VM_CASE("{\"instance_type\": \"c9x.huge\"}",
            "unknown pricing entry 'c9x.huge'", "did you mean");
    VM_CASE("{\"instance_type\": \"p5.48xlarge\"}",
            "no profile for hardware 'gpu-h100'", "p5.48xlarge");
    VM_CASE("{\"instance_type\": \"c7i.large\", \"autoscale\": {\"min\": 5, "
            "\"max\": 2, \"target\": 0.5}}",
            "alternatives[0].vm.autoscale", "min (5) is larger than max (2)");
    VM_CASE("{\"instance_type\": \"c7i.large\", \"boot_s\": -25}",
            "alternatives[0].vm.boot_s", "must be >= 0");
    VM_CASE("{\"instance_type\": \"c7i.large\", \"slots\": 40}",
            "alternatives[0].vm.slots", "more than c7i.large has");
    VM_CASE("{\"instance_type\": \"c7i.large\", \"lb\": \"round-robbin\"}",
            "alternatives[0].vm.lb", "did you mean 'round-robin'");
    VM_CASE("{\"instance_type\": \"aws-lambda-x86\"}",
            "'aws-lambda-x86' is not a VM instance type", NULL);
    expect_error(edited("\"memory_mb\": 2048", "\"platform\": \"vm\""),
                 "alternatives[0].vm", "missing");
    /* serverless keys on a VM alternative would be ignored: refused */
    VM_CASE("{\"instance_type\": \"c7i.large\"}, \"memory_mb\": 2048",
            "alternatives[0].memory_mb", "not to a vm alternative");
    VM_CASE("{\"instance_type\": \"c7i.large\"}, \"batching\": "
            "{\"max_batch\": 4}",
            "alternatives[0].batching", "(\"vm\": {\"batching\": ...})");
    expect_error(edited("\"memory_mb\": 2048",
                        "\"memory_mb\": 2048, \"pricing\": \"c7i.large\""),
                 "'c7i.large' is not a serverless price entry", NULL);
#undef VM_CASE
}

Test(config, warmup_bad_inputs)
{
    expect_error(with(", \"warmup\": {\"method\": \"mser4\"}"), "warmup.method",
                 "did you mean 'mser5'");
    expect_error(with(", \"warmup\": {\"method\": \"fixed\", \"warmup_s\": 3600}"),
                 "warmup.warmup_s", "shorter than the horizon");
    expect_error(with(", \"warmup\": {\"method\": \"fixed\"}"), "warmup.warmup_s",
                 "missing");
}

Test(config, routing_names_are_checked)
{
    expect_error(edited("\"memory_mb\": 2048",
                        "\"memory_mb\": 2048, \"routing\": \"newst\""),
                 "alternatives[0].routing: unknown value 'newst'",
                 "did you mean 'newest'");
    const char *names[] = {"most-recent", "newest", "oldest", "random"};
    for (int i = 0; i < 4; i++) {
        char to[128];
        snprintf(to, sizeof to, "\"memory_mb\": 2048, \"routing\": \"%s\"",
                 names[i]);
        Err err;
        char file[1100];
        Scenario sc;
        load_text(edited("\"memory_mb\": 2048", to), &err, file, sizeof file);
        cr_assert_eq(scenario_load(file, NULL, &sc, &err), 0, "%s", err.msg);
        cr_assert_eq(sc.alt[0].routing, (RoutingKind)i);
        scenario_free(&sc);
    }
}

/* Pins: a swept path longer than its 127-character slot is refused with
 * the bound, never cut (a cut path swept nothing and then crashed). */
Test(config, sweep_key_longer_than_127_is_an_error)
{
    char dir[1024], path[1200], base[2400];
    support_tmpdir("sweep-longkey", dir, sizeof dir);
    char rel[1200];
    support_src("scenarios/duty-cycle-base.json", rel, sizeof rel);
    char cwd[1024];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    if (rel[0] == '/')
        snprintf(base, sizeof base, "%s", rel);
    else
        snprintf(base, sizeof base, "%s/%s", cwd, rel);
    snprintf(path, sizeof path, "%s/long.json", dir);
    static char text[4096];
    char key[201];
    memset(key, 'a', 200);
    key[200] = '\0';
    snprintf(text, sizeof text,
             "{\"name\": \"long\", \"scenario\": \"%s\", \"grid\": "
             "{\"%s\": [1, 2]}}",
             base, key);
    support_write_file(path, text);
    SweepPlan plan;
    Err err;
    cr_assert_lt(sweep_load(path, NULL, &plan, &err), 0);
    char line[1600];
    err_format(&err, line, sizeof line);
    cr_assert_not_null(
        strstr(line, "grid: a swept path is 200 characters (at most 127)"),
        "%s", line);
}

/* The api platform takes a per-token entry and traffic with token counts;
 * a per-token entry is for it alone. */
Test(config, api_platform_needs_a_per_token_entry_and_tokens)
{
    expect_error(edited("\"memory_mb\": 2048", "\"memory_mb\": 2048, "
                        "\"pricing\": \"groq-llama-3.1-8b\""),
                 "alternatives[0].pricing", "is a per-token API entry");
    expect_error(edited("\"memory_mb\": 2048", "\"memory_mb\": 2048, "
                        "\"platform\": \"api\", \"pricing\": \"modal-h100\""),
                 "alternatives[0].pricing", "is not a per-token API entry");
    expect_error(edited("\"memory_mb\": 2048", "\"memory_mb\": 2048, "
                        "\"platform\": \"api\""),
                 "alternatives[0]", "pricing");
    expect_error(edited("\"memory_mb\": 2048", "\"memory_mb\": 2048, "
                        "\"platform\": \"api\", \"pricing\": "
                        "\"groq-llama-3.1-8b\""),
                 "alternatives[0].platform", "must give token counts");
}

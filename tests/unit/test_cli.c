/*
 * test_cli.c - `simsrv` as a user meets it.
 *
 * Pins: bad input exits 2 with exactly one line on stderr and writes
 * nothing (the output directory is not even created); usage errors exit 2;
 * --help and --version exit 0; a good run writes exactly summary.json,
 * summary.csv and timeseries.csv (no temporary file left behind).
 * `simsrv catalog` lists every price component (Cloud Run's $0.40 per 1M
 * requests among them), `catalog ID` shows one entry in full, `--json`
 * gives every entry of the built-in file, and an unknown id is one line,
 * exit 2.
 */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "support.h"

typedef struct Outcome {
    int status;
    char out[65536]; /* the whole catalog as JSON fits */
    char err[4096];
} Outcome;

static Outcome run_cli(int argc, const char **argv)
{
    Outcome o;
    memset(&o, 0, sizeof o);
    FILE *out = tmpfile(), *err = tmpfile();
    o.status = cli_main_streams(argc, (char **)argv, out, err);
    rewind(out);
    rewind(err);
    size_t n = fread(o.out, 1, sizeof o.out - 1, out);
    o.out[n] = '\0';
    n = fread(o.err, 1, sizeof o.err - 1, err);
    o.err[n] = '\0';
    fclose(out);
    fclose(err);
    return o;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void expect_bad_input(const char *scenario_body, const char *needle)
{
    char dir[1024], file[1100], out[1100];
    support_tmpdir("cli", dir, sizeof dir);
    snprintf(file, sizeof file, "%s/bad.json", dir);
    snprintf(out, sizeof out, "%s/results", dir);
    support_write_file(file, scenario_body);
    const char *argv[] = {"simsrv", "run", file, "--out", out, "--quiet"};
    Outcome o = run_cli(6, argv);
    fprintf(stderr, "stderr: %s", o.err);
    cr_assert_eq(o.status, 2);
    cr_assert_eq(count_lines(o.err), 1, "stderr: %s", o.err);
    cr_assert_not_null(strstr(o.err, needle), "'%s' not in %s", needle, o.err);
    cr_assert_eq(support_dir_entries(out), -1, "output directory created");
}

Test(cli, bad_inputs_exit_2_and_write_nothing)
{
    expect_bad_input("{\"horizon_s\": 10,,}", "JSON syntax error");
    expect_bad_input("{\"horizon_s\": 10, \"colour\": 1}",
                     "unknown key 'colour'");
    expect_bad_input("[1, 2]", "expected an object");
    expect_bad_input("", "unexpected end of file");
}

Test(cli, missing_scenario_file)
{
    char dir[1024], out[1100];
    support_tmpdir("climissing", dir, sizeof dir);
    snprintf(out, sizeof out, "%s/results", dir);
    const char *argv[] = {"simsrv", "run", "nonexistent.json", "--out", out};
    Outcome o = run_cli(5, argv);
    cr_assert_eq(o.status, 2);
    cr_assert_not_null(strstr(o.err, "nonexistent.json: cannot open"));
    cr_assert_eq(support_dir_entries(out), -1);
}

Test(cli, usage_errors_exit_2)
{
    const char *a1[] = {"simsrv", "frobnicate"};
    cr_assert_eq(run_cli(2, a1).status, 2);
    const char *a2[] = {"simsrv", "run"};
    cr_assert_eq(run_cli(2, a2).status, 2);
    const char *a3[] = {"simsrv", "run", "x.json", "--seed", "-4"};
    Outcome o = run_cli(5, a3);
    cr_assert_eq(o.status, 2);
    cr_assert_not_null(strstr(o.err, "--seed"));
    const char *a4[] = {"simsrv", "run", "x.json", "--bogus"};
    cr_assert_eq(run_cli(4, a4).status, 2);
    const char *a5[] = {"simsrv"};
    cr_assert_eq(run_cli(1, a5).status, 2);
}

Test(cli, help_and_version)
{
    const char *a1[] = {"simsrv", "--help"};
    Outcome o = run_cli(2, a1);
    cr_assert_eq(o.status, 0);
    cr_assert_not_null(strstr(o.out, "usage: simsrv"));
    const char *a2[] = {"simsrv", "run", "--help"};
    o = run_cli(3, a2);
    cr_assert_eq(o.status, 0);
    cr_assert_not_null(strstr(o.out, "--replications"));
    const char *a3[] = {"simsrv", "--version"};
    o = run_cli(2, a3);
    cr_assert_eq(o.status, 0);
    cr_assert_not_null(strstr(o.out, "simsrv 0."));
}

Test(cli, good_run_writes_three_complete_files)
{
    char dir[1024], file[1100], out[1100], models[1024], body[2048];
    support_tmpdir("cligood", dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(file, sizeof file, "%s/ok.json", dir);
    snprintf(out, sizeof out, "%s/results/ok", dir);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 600, \"models_dir\": \"%s\", \"model\": "
             "\"mlp-tabular\", \"timeseries_interval_s\": 60, \"workload\": "
             "{\"type\": \"poisson\", \"rate_per_s\": 3}, \"alternatives\": "
             "[{\"name\": \"small\", \"memory_mb\": 512}, {\"name\": \"pc\", "
             "\"memory_mb\": 512, \"provisioned\": 2}]}",
             models);
    support_write_file(file, body);
    const char *argv[] = {"simsrv", "run", file, "--out", out};
    Outcome o = run_cli(5, argv);
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    cr_assert_eq(support_dir_entries(out), 3);
    cr_assert_not_null(strstr(o.out, "small"));
    cr_assert_not_null(strstr(o.out, "pc"));
    char path[1300], line[4096];
    snprintf(path, sizeof path, "%s/timeseries.csv", out);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    int rows = 0;
    while (fgets(line, sizeof line, fp))
        rows++;
    fclose(fp);
    cr_assert_eq(rows, 1 + 2 * 10, "header + 10 intervals x 2 alternatives");
}

#ifdef SIMSRV_HAVE_HDF5
#include <hdf5.h>
#include <math.h>

typedef struct Rec {
    double arrival_s, latency_ms;
    int32_t alternative, outcome;
} Rec;

Test(cli, requests_h5_holds_every_request)
{
    /* Pins: one row per arrival of every run, completed rows per
     * alternative as in summary.csv, a latency exactly for the completed
     * ones, every arrival inside the horizon. */
    char dir[1024], file[1100], out[1100], models[1024], body[2048];
    support_tmpdir("clireq", dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(file, sizeof file, "%s/r.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 300, \"replications\": 2, \"models_dir\": \"%s\", "
             "\"model\": \"resnet50\", \"workload\": {\"type\": \"poisson\", "
             "\"rate_per_s\": 3}, \"alternatives\": [{\"name\": \"l\", "
             "\"memory_mb\": 2048, \"max_instances\": 2}, {\"name\": \"v\", "
             "\"platform\": \"vm\", \"vm\": {\"instance_type\": \"c7i.large\"}}]}",
             models);
    support_write_file(file, body);
    const char *argv[] = {"simsrv", "run", file, "--out", out, "--requests"};
    Outcome o = run_cli(6, argv);
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    char path[1200];
    snprintf(path, sizeof path, "%s/requests.h5", out);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    hid_t ds = H5Dopen2(f, "requests", H5P_DEFAULT);
    hid_t sp = H5Dget_space(ds);
    hsize_t n;
    H5Sget_simple_extent_dims(sp, &n, NULL);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(Rec));
    H5Tinsert(t, "arrival_s", HOFFSET(Rec, arrival_s), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "latency_ms", HOFFSET(Rec, latency_ms), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "alternative", HOFFSET(Rec, alternative), H5T_NATIVE_INT32);
    H5Tinsert(t, "outcome", HOFFSET(Rec, outcome), H5T_NATIVE_INT32);
    Rec *r = malloc(n * sizeof *r);
    cr_assert_geq(H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, r), 0);
    long done[2] = {0, 0}, all[2] = {0, 0};
    for (hsize_t i = 0; i < n; i++) {
        cr_assert(r[i].arrival_s >= 0 && r[i].arrival_s < 300);
        all[r[i].alternative]++;
        if (r[i].outcome == 1) {
            done[r[i].alternative]++;
            cr_assert(r[i].latency_ms > 0);
        } else {
            cr_assert(isnan(r[i].latency_ms));
        }
    }
    /* summary.csv: arrivals and completed are means over 2 replications */
    snprintf(path, sizeof path, "%s/summary.csv", out);
    FILE *fp = fopen(path, "r");
    char line[16384];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    for (int a = 0; a < 2; a++) {
        cr_assert_not_null(fgets(line, sizeof line, fp));
        double v[8];
        char *p = line;
        for (int k = 0; k < 3; k++)
            p = strchr(p, ',') + 1; /* alternative, pricing, replications */
        for (int k = 0; k < 4; k++) { /* arrivals, ci, completed, ci */
            v[k] = strtod(p, &p);
            p++;
        }
        fprintf(stderr, "alternative %d: %ld rows (summary %g x 2), %ld "
                        "completed (summary %g x 2)\n",
                a, all[a], v[0], done[a], v[2]);
        cr_assert_float_eq((double)all[a], 2 * v[0], 1e-9);
        cr_assert_float_eq((double)done[a], 2 * v[2], 1e-9);
    }
    fclose(fp);
    cr_assert_gt(done[1], 0);
    free(r);
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(ds);
    H5Fclose(f);
}
#endif

/* The line of `out` that starts with `id` followed by a space. */
static const char *line_of(const char *out, const char *id)
{
    static char line[512];
    size_t n = strlen(id);
    for (const char *p = out; *p; p = strchr(p, '\n') + 1) {
        if (strncmp(p, id, n) == 0 && p[n] == ' ') {
            const char *e = strchr(p, '\n');
            snprintf(line, sizeof line, "%.*s", (int)(e - p), p);
            return line;
        }
        if (strchr(p, '\n') == NULL)
            break;
    }
    cr_assert_fail("no line for %s in:\n%s", id, out);
    return NULL;
}

Test(cli, catalog_lists_every_price_component)
{
    const char *a[] = {"simsrv", "catalog"};
    Outcome o = run_cli(2, a);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cr_assert_str_eq(o.err, "");
    cr_assert_not_null(strstr(line_of(o.out, "gcp-cloud-run-request"),
                              "0.4 per 1M req + 2.4e-05 per vCPU-s + "
                              "2.5e-06 per GiB-s"));
    cr_assert_not_null(strstr(line_of(o.out, "aws-lambda-x86"),
                              "0.2 per 1M req + 1.66667e-05 per GB-s; "
                              "provisioned 4.1667e-06 per GB-s + 9.7222e-06 "
                              "per GB-s run"));
    cr_assert_not_null(strstr(line_of(o.out, "runpod-l4"),
                              "0.00019 per GPU-s; active 0.00013 per GPU-s"));
    cr_assert_not_null(strstr(line_of(o.out, "c7g.large"), "cpu-arm"));
}

Test(cli, catalog_id_shows_one_entry_in_full)
{
    const char *a[] = {"simsrv", "catalog", "gcp-cloud-run-request"};
    Outcome o = run_cli(3, a);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cr_assert_eq(strncmp(o.out, "gcp-cloud-run-request (built-in", 31), 0,
                 "%s", o.out);
    cr_assert_null(strstr(o.out, "aws-lambda-x86"), "%s", o.out);
    const char *want[] = {
        "  usd_per_1m_requests                  0.4\n",
        "  usd_per_vcpu_s                       2.4e-05\n",
        "  granularity_ms                       100\n",
        "  limits.max_memory_mb                 32768\n",
        "  limits.max_concurrency               1000\n",
        "  limits.max_timeout_s                 3600\n",
        "  limits.vcpu_rules                    [{\"above_mb\":4096,"
        "\"min_vcpus\":2},",
        "  limits.source                        Cloud Run docs",
        "  source                               cloud.google.com/run/pricing",
        NULL};
    for (int i = 0; want[i] != NULL; i++)
        cr_assert_not_null(strstr(o.out, want[i]), "'%s' not in:\n%s",
                           want[i], o.out);
}

Test(cli, catalog_json_has_every_entry)
{
    const char *a[] = {"simsrv", "catalog", "--json"};
    Outcome o = run_cli(3, a);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cJSON *got = cJSON_Parse(o.out);
    cr_assert_not_null(got, "not JSON (or cut short):\n%.300s", o.out);
    char path[1024];
    support_src("src/pricing/catalog.json", path, sizeof path);
    size_t n;
    char *text = support_slurp(path, &n);
    cJSON *file = cJSON_Parse(text);
    free(text);
    const cJSON *ge = cJSON_GetObjectItem(got, "entries");
    const cJSON *fe = cJSON_GetObjectItem(file, "entries");
    cr_assert_eq(cJSON_GetArraySize(ge), cJSON_GetArraySize(fe));
    for (int i = 0; i < cJSON_GetArraySize(fe); i++)
        cr_assert_str_eq(
            cJSON_GetObjectItem(cJSON_GetArrayItem(ge, i), "id")->valuestring,
            cJSON_GetObjectItem(cJSON_GetArrayItem(fe, i), "id")->valuestring);
    const cJSON *cr = cJSON_GetArrayItem(ge, 3);
    cr_assert_str_eq(cJSON_GetObjectItem(cr, "id")->valuestring,
                     "gcp-cloud-run-request");
    cr_assert_eq(cJSON_GetObjectItem(cr, "usd_per_1m_requests")->valuedouble,
                 0.4);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(cr, "limits"),
                                     "max_timeout_s")
                     ->valuedouble,
                 3600);
    cJSON_Delete(got);
    cJSON_Delete(file);

    const char *b[] = {"simsrv", "catalog", "aws-lambda-arm", "--json"};
    o = run_cli(4, b);
    cr_assert_eq(o.status, 0, "%s", o.err);
    got = cJSON_Parse(o.out);
    cr_assert_not_null(got);
    cr_assert_str_eq(cJSON_GetObjectItem(got, "hardware")->valuestring,
                     "cpu-arm");
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(got, "limits"),
                                     "max_concurrency")
                     ->valuedouble,
                 1);
    cJSON_Delete(got);
}

Test(cli, catalog_unknown_id_or_option_exit_2)
{
    const char *a[] = {"simsrv", "catalog", "aws-lamda"};
    Outcome o = run_cli(3, a);
    cr_assert_eq(o.status, 2);
    cr_assert_str_eq(o.out, "");
    cr_assert_eq(count_lines(o.err), 1, "%s", o.err);
    cr_assert_str_eq(o.err, "simsrv: catalog: unknown pricing entry "
                            "'aws-lamda' (did you mean 'aws-lambda-x86'? "
                            "'simsrv catalog' lists them)\n");
    const char *b[] = {"simsrv", "catalog", "--jsno"};
    o = run_cli(3, b);
    cr_assert_eq(o.status, 2);
    cr_assert_eq(count_lines(o.err), 1, "%s", o.err);
    const char *c[] = {"simsrv", "catalog", "modal-t4", "modal-l4"};
    cr_assert_eq(run_cli(4, c).status, 2);
}

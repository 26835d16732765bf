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
 *
 * Progress (cli/progress.h), as pure functions of injected numbers, never
 * the clock: the ETA is elapsed x (total - done) / done of the work, "ETA
 * --" before a basis; a sweep of nine cheap cells and one 100 times dearer
 * says 1m40s left after the cheap ones, where counting cells said 1 s; the
 * exact run and sweep lines; the width (terminal, else COLUMNS, else 80)
 * and the cut to width - 1; off a terminal a whole line only every
 * PROGRESS_LOG_S.  The sweep's end: the resume note's text; the summary
 * table's means and t-intervals by hand (t_{0.975,1} = 12.706).  (The
 * resume count and the merge message on real runs: test_sweep.c.)
 * functions.csv names each function as the 2019 and 2021 example traces
 * do, and a one-function workload's after its model.
 */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "config/scenario.h"
#include "output/sweeptab.h"
#include "support.h"

typedef struct Outcome {
    int status;
    char out[1 << 18]; /* the whole catalog as JSON fits (run_cli checks) */
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
    cr_assert_lt(n, sizeof o.out - 1, "standard output cut at %zu bytes", n);
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

/* ---- progress -------------------------------------------------------- */

static void expect_eta(double done, double total, double elapsed,
                       const char *want)
{
    char buf[64];
    progress_eta_format(buf, sizeof buf, done, total, elapsed);
    cr_assert_str_eq(buf, want, "eta(%g, %g, %g)", done, total, elapsed);
}

Test(cli, eta_is_remaining_work_at_the_measured_rate)
{
    expect_eta(0, 10, 30, "ETA --");      /* nothing done: no basis */
    expect_eta(3, 10, 0.5, "ETA --");     /* under PROGRESS_BASIS_S */
    expect_eta(2.5, 10, 30, "ETA 1m30s"); /* 30 x 7.5 / 2.5 = 90 s */
    expect_eta(5, 10, 41.6, "ETA 42s");
    expect_eta(9, 10, 4.2, "ETA 0s");     /* 0.47 s */
    expect_eta(10, 10, 3, "ETA 0s");
    expect_eta(1, 4, 41.5, "ETA 2m05s");  /* 124.5 s */
    expect_eta(1, 100, 45, "ETA 1h14m");  /* 4455 s */
    expect_eta(1, 1000, 200, "ETA 2d08h"); /* 199800 s = 55.5 h */
    cr_assert_float_eq(progress_eta_s(2.5, 10, 30), 90.0, 1e-12);
    cr_assert_eq(progress_eta_s(0, 10, 30), -1);
    /* nine cells of work 1 done in 9 s, one of work 100 to go: weighing by
     * work says 100 s; counting cells would say 9 / 9 x 1 = 1 s */
    expect_eta(9, 109, 9.0, "ETA 1m40s");
}

Test(cli, progress_lines_and_width)
{
    char buf[256];
    progress_run_line(buf, sizeof buf, 2, 10, "lambda-2gb", 1, 0.5, 2.5e6,
                      50);
    /* 2.5 of 10 runs in 50 s: 150 s left */
    cr_assert_str_eq(buf, "  run 3/10   50.0%  ETA 2m30s  lambda-2gb rep 1  "
                          "2.50 M events/s");
    progress_sweep_line(buf, sizeof buf, 12, 160, 40, 200, 3.4e6, 20);
    cr_assert_str_eq(buf, "  cells 12/160  work 20.0%  ETA 1m20s  3.40 M "
                          "events/s");
    progress_sweep_line(buf, sizeof buf, 0, 160, 0, 200, 0, 20);
    cr_assert_str_eq(buf, "  cells 0/160  work 0.0%  ETA --  0.00 M events/s");
    cr_assert_eq(progress_width(120, "50"), 120);
    cr_assert_eq(progress_width(0, "50"), 50);
    cr_assert_eq(progress_width(0, NULL), 80);
    cr_assert_eq(progress_width(0, "wide"), 80);
    cr_assert_eq(progress_width(0, "0"), 80);
    cr_assert_eq(progress_width(0, "-40"), 80);
    progress_run_line(buf, sizeof buf, 2, 10, "a-very-long-alternative-name",
                      1, 0.5, 2.5e6, 50);
    cr_assert_gt(strlen(buf), 40);
    progress_fit(buf, 40);
    cr_assert_eq(strlen(buf), 39); /* the last column stays free */
    cr_assert_str_eq(buf, "  run 3/10   50.0%  ETA 2m30s  a-very-l");
    strcpy(buf, "short");
    progress_fit(buf, 40);
    cr_assert_str_eq(buf, "short");
}

Test(cli, progress_off_a_terminal_prints_sparse_whole_lines)
{
    FILE *fp = tmpfile();
    Progress p;
    progress_init(&p, fp, 1);
    cr_assert_eq(p.tty, 0);
    p.last_s = 1000; /* injected: as if started at t = 1000 s */
    cr_assert_eq(progress_due(&p, 1000 + PROGRESS_LOG_S - 0.5), 0);
    cr_assert_eq(progress_due(&p, 1000 + PROGRESS_LOG_S), 1);
    progress_show(&p, 1000 + PROGRESS_LOG_S, "  cells 1/2");
    cr_assert_eq(progress_due(&p, 1000 + 1.5 * PROGRESS_LOG_S), 0);
    progress_clear(&p); /* nothing to clear off a terminal */
    Progress off;
    progress_init(&off, fp, 0);
    cr_assert_eq(progress_due(&off, 1e9), 0);
    progress_show(&off, 1e9, "never");
    char got[128] = "";
    rewind(fp);
    size_t n = fread(got, 1, sizeof got - 1, fp);
    got[n] = '\0';
    fclose(fp);
    cr_assert_str_eq(got, "  cells 1/2\n"); /* no \r, one whole line */
}

/* ---- the end of a sweep ---------------------------------------------- */

Test(cli, sweep_summary_means_and_intervals_by_hand)
{
    /* 2 points x 2 replications x 1 alternative: cold % 1 and 3 (mean 2,
     * s = sqrt 2, half = 12.706 x sqrt 2 / sqrt 2 = 12.706), p99 10 and 10
     * (half 0), cost 0.5 and 0.7 (mean 0.6, half 12.706 x 0.1 = 1.27) */
    SweepRow rows[4];
    memset(rows, 0, sizeof rows);
    const double cold[4] = {1, 3, 4, 4}, cost[4] = {0.5, 0.7, 2, 2};
    for (int i = 0; i < 4; i++) {
        rows[i].cell = i;
        rows[i].point = i / 2;
        rows[i].rep = i % 2;
        rows[i].v[MET_cold_pct] = cold[i];
        rows[i].v[MET_p99_ms] = 10;
        rows[i].v[MET_cost_usd] = cost[i];
    }
    const char param[1][128] = {"alternatives[0].keepalive.keepalive_s"};
    char v0[] = "0", v1[] = "600";
    char *values[2] = {v0, v1};
    const char *alts[1] = {"lambda"};
    SweepTable t = {"s", "0", 0, "{}", "{}", 1, 1, param, 2, values,
                    1, alts, 2, rows, NULL, 0};
    char buf[2048] = "";
    FILE *fp = tmpfile();
    sweeptab_print_summary(fp, &t, 12, "results/s");
    rewind(fp);
    buf[fread(buf, 1, sizeof buf - 1, fp)] = '\0';
    fclose(fp);
    fprintf(stderr, "%s", buf);
    cr_assert_not_null(strstr(buf, "keepalive_s  alternative"), "%s", buf);
    cr_assert_not_null(strstr(buf, "    0  0            lambda"), "%s", buf);
    cr_assert_not_null(strstr(buf, "2 ± 13"), "%s", buf);
    cr_assert_not_null(strstr(buf, "10 ± 0"), "%s", buf);
    cr_assert_not_null(strstr(buf, "0.6 ± 1.3"), "%s", buf);
    cr_assert_not_null(strstr(buf, "4 ± 0"), "%s", buf);
    cr_assert_not_null(strstr(buf, "over 2 replications; every metric in "
                                   "results/s/points.csv"),
                       "%s", buf);
    fp = tmpfile();
    sweeptab_print_summary(fp, &t, 1, "results/s");
    rewind(fp);
    buf[fread(buf, 1, sizeof buf - 1, fp)] = '\0';
    fclose(fp);
    cr_assert_not_null(strstr(buf, "... 1 more rows"), "%s", buf);
    cr_assert_null(strstr(buf, "600"), "%s", buf);
}

Test(cli, resume_note_counts_the_skipped_cells)
{
    char buf[256];
    progress_resume_note(buf, sizeof buf, "results/x/shard-0-of-1.csv", 40,
                         160);
    cr_assert_str_eq(buf, "resuming results/x/shard-0-of-1.csv: 40 of 160 "
                          "cells already done (skipped), 120 to run");
}

/* ---- functions.csv --------------------------------------------------- */

/* Runs a shipped scenario with one replication into a fresh folder and
 * returns its functions.csv (malloc'd). */
static char *functions_csv(const char *scenario, const char *tag)
{
    char dir[1024], file[1100], out[1100], path[1200];
    support_tmpdir(tag, dir, sizeof dir);
    support_src(scenario, file, sizeof file);
    snprintf(out, sizeof out, "%s/out", dir);
    const char *argv[] = {"simsrv", "run", file, "--out", out,
                          "--replications", "1", "--quiet"};
    Outcome o = run_cli(8, argv);
    cr_assert_eq(o.status, 0, "%s", o.err);
    snprintf(path, sizeof path, "%s/functions.csv", out);
    size_t n;
    return support_slurp(path, &n);
}

/* Asserts that the first rows of text (after the header) start with
 * want[i] for i < n: alternative, replication, function, app, function_id. */
static void expect_rows(const char *text, const char *const *want, int n)
{
    const char *p = strchr(text, '\n') + 1;
    cr_assert_eq(strncmp(text, FN_CSV_HEADER "\n", strlen(FN_CSV_HEADER) + 1),
                 0, "header: %.200s", text);
    const char *lead = "alternative,replication,function,app,function_id,"
                       "memory_mb,";
    cr_assert_eq(strncmp(text, lead, strlen(lead)), 0);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(strncmp(p, want[i], strlen(want[i])), 0,
                     "row %d: %.80s (want %s)", i, p, want[i]);
        p = strchr(p, '\n') + 1;
    }
}

Test(cli, functions_csv_names_the_2019_trace_functions)
{
    char *text = functions_csv("scenarios/azure2019-replay.json", "clifn19");
    /* kept in file order (fB1 has no durations row and is dropped) */
    const char *want[] = {"fixed-600s,0,0,appA,fA1,", "fixed-600s,0,1,appA,fA2,",
                          "fixed-600s,0,2,appC,fC1,", "fixed-600s,0,3,appC,fC2,",
                          "fixed-60s,0,0,appA,fA1,"};
    expect_rows(text, want, 5);
    free(text);
}

Test(cli, functions_csv_names_the_2021_trace_functions)
{
    char *text = functions_csv("scenarios/azure2021-replay.json", "clifn21");
    /* numbered by first appearance in the file */
    const char *want[] = {"fixed-600s,0,0,appA,f1,", "fixed-600s,0,1,appA,f2,",
                          "fixed-600s,0,2,appB,f1,", "fixed-600s,0,3,appC,f9,"};
    expect_rows(text, want, 4);
    free(text);
}

Test(cli, one_function_workload_is_named_after_its_model)
{
    AltSpec alt = support_alt(0.05, 0.2);
    WorkloadSpec wl = support_poisson(2);
    RunConfig rc = support_config(&alt, &wl, 60, 7);
    FILE *fp = tmpfile();
    rc.fn_out = fp;
    rc.model_name = "resnet50";
    RunResult res;
    world_run(&rc, &res);
    char line[512] = "";
    rewind(fp);
    cr_assert_not_null(fgets(line, sizeof line, fp));
    fclose(fp);
    char want[256];
    snprintf(want, sizeof want, "%s,0,0,,resnet50,", alt.name);
    cr_assert_eq(strncmp(line, want, strlen(want)), 0, "%s", line);
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

#include <gsl/gsl_rng.h>
#include <sys/wait.h>
#include <unistd.h>

Test(cli, a_gsl_error_is_one_line_and_exit_2)
{
    /* GSL's own handler prints two lines and aborts: simsrv's says one
     * line and exits 2.  A child installs it (any cli call does) and asks
     * GSL for an integer below 0. */
    char path[1024];
    support_tmpdir("gsl-error", path, sizeof path);
    strncat(path, "/stderr.txt", sizeof path - strlen(path) - 1);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        FILE *so = tmpfile(), *se = tmpfile();
        char *argv[] = {(char *)"simsrv", (char *)"--version", NULL};
        cli_main_streams(2, argv, so, se);
        if (freopen(path, "w", stderr) == NULL)
            _exit(3);
        /* static: still reachable when the handler exits, so the leak
         * check at exit does not count it (a local may live only in a
         * register of an optimised build) */
        static gsl_rng *r;
        r = gsl_rng_alloc(gsl_rng_mt19937);
        (void)gsl_rng_uniform_int(r, 0);
        _exit(0);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "the child did not exit (GSL aborted?)");
    cr_assert_eq(WEXITSTATUS(status), 2);
    char text[1024] = "";
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    size_t got = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[got] = '\0';
    /* one line of simsrv's; lines a sanitizer adds at exit ("==PID==...")
     * are not counted */
    int ours = 0, other = 0;
    for (char *line = strtok(text, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
        if (strncmp(line, "==", 2) == 0)
            continue;
        if (strncmp(line, "simsrv: GSL error ", 18) == 0)
            ours++;
        else
            other++;
    }
    cr_assert_eq(ours, 1, "no simsrv line");
    cr_assert_eq(other, 0, "more than one line");
}

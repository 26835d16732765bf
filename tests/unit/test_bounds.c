/*
 * test_bounds.c - the size bounds of config/limits.h, and what keeps the
 * sizes they allow in bounded memory.
 *
 * Pins, each with the exact boundary accepted and one over refused:
 * 10^9 expected arrivals per run (Poisson 10^6/s over 1000 s; constant
 * 2.5 10^6/s over 400 s times 1 replication, not 2; the diurnal thinning's
 * candidates at the peak rate(1 + amplitude); mmpp state changes 2 x span /
 * (mean_on + mean_off) with the means 2^-20 s and the span 10^9 2^-20 s;
 * the window clipped at the horizon), the histogram's 10^5 bins
 * (hist_range_s 10^5 s of 1 s bins, not 100,001), and the sweep's bytes
 * n_points x point bytes + cells x (9 + 48 x alternatives).  An Azure 2019
 * minute of 10^9 arrivals is made 2^20 at a time: its equidistant offsets
 * exactly, the first uniform slice Binomial(10^9, 1/954), the buffer never
 * past 2 x 2^20 arrivals; 10^9 in a minute is accepted, 10^9 + 1 not.
 * Shard rows end with the CRC-32 of their other bytes, and a digit changed
 * in the middle of a shard is refused by merge and resume with the line.
 * A sweep's plan holds point 0's scenario only, and its run at most
 * threads + 1 points at once.
 * Does not pin the bounds' wording (test_badinput.c does).
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cli/cli.h"
#include "config/limits.h"
#include "config/scenario.h"
#include "config/sweep.h"
#include "output/sweeptab.h"
#include "support.h"
#include "workload/azure2019.h"

static WorkloadSpec synth(const char *type, double rate, double start_s,
                          double end_s)
{
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    snprintf(wl.type, sizeof wl.type, "%s", type);
    wl.rate_per_s = rate;
    wl.start_s = start_s;
    wl.end_s = end_s;
    return wl;
}

static int over(const WorkloadSpec *wl, double horizon_s, int reps)
{
    LimitViolation v;
    int r = limits_check_arrivals(wl, horizon_s, reps, &v);
    if (r)
        fprintf(stderr, "refused: %s\n", v.msg);
    return r;
}

Test(bounds, poisson_10_9_arrivals_accepted_one_more_refused)
{
    WorkloadSpec wl = synth("poisson", 1e6, 0, 1000);
    cr_assert_eq(over(&wl, 1000, 1), 0, "10^6/s x 1000 s = 10^9");
    wl.rate_per_s = 1000000.001; /* 10^9 + 1 */
    cr_assert_eq(over(&wl, 1000, 1), 1);
}

Test(bounds, replications_multiply_and_the_horizon_clips_the_window)
{
    WorkloadSpec wl = synth("constant", 2.5e6, 0, 400);
    cr_assert_eq(over(&wl, 400, 1), 0, "2.5 10^6/s x 400 s = 10^9");
    cr_assert_eq(over(&wl, 400, 2), 1, "x 2 replications");
    /* end_s beyond the horizon: arrivals stop at the horizon (400 s) */
    wl.end_s = 1e6;
    cr_assert_eq(over(&wl, 400, 1), 0);
    /* start_s inside: only [100, 400) counts, so 4/3 the rate fits */
    wl = synth("poisson", 2.5e6 * 4 / 3, 100, 400);
    cr_assert_eq(over(&wl, 400, 1), 0);
}

Test(bounds, diurnal_counts_the_thinning_candidates_at_the_peak)
{
    WorkloadSpec wl = synth("diurnal", 5e5, 0, 1000);
    wl.amplitude = 1; /* candidates at 10^6/s */
    wl.period_s = 86400;
    cr_assert_eq(over(&wl, 1000, 1), 0);
    wl.rate_per_s = 500000.001;
    cr_assert_eq(over(&wl, 1000, 1), 1);
    wl.rate_per_s = 9e5; /* mean 9 10^5/s fits, the peak 1.8 10^6 not */
    cr_assert_eq(over(&wl, 1000, 1), 1);
    wl.amplitude = 0;
    cr_assert_eq(over(&wl, 1000, 1), 0);
}

Test(bounds, mmpp_state_changes_count)
{
    /* no arrivals at all, only state changes: 2 span / cycle */
    WorkloadSpec wl = synth("mmpp", 0, 0, 953.67431640625);
    wl.mean_on_s = wl.mean_off_s = 1.0 / 1048576; /* 2^-20 s */
    cr_assert_eq(over(&wl, 1e4, 1), 0, "exactly 10^9 state changes");
    wl.end_s = 953.6744;
    cr_assert_eq(over(&wl, 1e4, 1), 1);
}

Test(bounds, steps_sum_their_pieces)
{
    WorkloadSpec wl = support_steps(1e6, 500, 1e6);
    wl.end_s = 1000;
    cr_assert_eq(over(&wl, 1000, 1), 0, "10^6/s over 1000 s in two steps");
    wl.step_rate[1] = 1000000.01;
    cr_assert_eq(over(&wl, 1000, 1), 1);
}

Test(bounds, traces_are_not_bound_by_a_rate)
{
    WorkloadSpec wl = synth("azure2019", 0, 0, 0);
    cr_assert_eq(over(&wl, 3e9, 100000), 0);
}

Test(bounds, sweep_bytes_are_points_cells_and_row_refs)
{
    /* 10^6 points of 146 bytes, 10^6 cells of one alternative */
    cr_assert_float_eq(limits_sweep_bytes(1e6, 146, 1e6, 1),
                       146e6 + 1e6 * (9 + 48), 1e-3);
    cr_assert_float_eq(limits_sweep_bytes(10, 1000, 30, 3),
                       10000 + 30 * (9 + 3 * 48.0), 1e-9);
    /* the 10^6-point grid of two alternatives: 39 replications fit in
     * 4 GiB (4.241e9), 40 do not (4.346e9 > 4.295e9) */
    double gib4 = 4294967296.0;
    cr_assert_leq(limits_sweep_bytes(1e6, 146, 39e6, 2), gib4);
    cr_assert_gt(limits_sweep_bytes(1e6, 146, 40e6, 2), gib4);
}

static char sw_dir[1024];

/* A fresh folder sw_dir with base.json: the mlp-tabular model and `rest`
 * (the other keys); its path into path. */
static void base_scenario(const char *tag, const char *rest, char *path,
                          size_t size)
{
    char models[1024], body[2048];
    support_tmpdir(tag, sw_dir, sizeof sw_dir);
    support_src("models", models, sizeof models);
    snprintf(path, size, "%s/base.json", sw_dir);
    snprintf(body, sizeof body,
             "{\"models_dir\": \"%s\", \"model\": \"mlp-tabular\", %s}",
             models, rest);
    support_write_file(path, body);
}

/* A scenario with a hybrid-histogram alternative of hist_range_s over
 * 1 s bins. */
static int load_hist(double range_s, char *msg, size_t size)
{
    char path[1200], rest[1024];
    snprintf(rest, sizeof rest,
             "\"horizon_s\": 600, \"workload\": {\"type\": \"poisson\", "
             "\"rate_per_s\": 1}, \"alternatives\": [{\"name\": \"a\", "
             "\"memory_mb\": 512, \"keepalive\": {\"policy\": "
             "\"hybrid-histogram\", \"hist_bin_s\": 1, \"hist_range_s\": "
             "%.17g}}]",
             range_s);
    base_scenario("hist", rest, path, sizeof path);
    Scenario sc;
    Err err;
    err_clear(&err);
    int rc = scenario_load(path, NULL, &sc, &err);
    err_format(&err, msg, size);
    if (rc == 0)
        scenario_free(&sc);
    return rc;
}

Test(bounds, histogram_of_10_5_bins_accepted_one_more_refused)
{
    char msg[1024];
    cr_assert_eq(load_hist(1e5, msg, sizeof msg), 0, "%s", msg);
    cr_assert_lt(load_hist(100001, msg, sizeof msg), 0);
    cr_assert(strstr(msg, "at most 100000") != NULL, "%s", msg);
}

/* ---- the Azure 2019 reader: a huge minute, made slice by slice --------- */

/* Writes a one-function trace (minute 0 empty, minute 1 `count`) into a
 * fresh folder and opens it with `spacing`. */
static Az19 *huge_minute(const char *tag, const char *count, int spacing)
{
    char dir[1024];
    support_tmpdir(tag, dir, sizeof dir);
    Az19Spec s;
    memset(&s, 0, sizeof s);
    snprintf(s.invocations, sizeof s.invocations, "%s/i.csv", dir);
    snprintf(s.durations, sizeof s.durations, "%s/d.csv", dir);
    char body[512];
    snprintf(body, sizeof body,
             "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,0,%s\n",
             count);
    support_write_file(s.invocations, body);
    support_write_file(s.durations,
                       "HashOwner,HashApp,HashFunction,Average,Count,Minimum,"
                       "Maximum,percentile_Average_0,percentile_Average_1,"
                       "percentile_Average_25,percentile_Average_50,"
                       "percentile_Average_75,percentile_Average_99,"
                       "percentile_Average_100\n"
                       "o,a,f,40,100,10,120,10,11,20,40,60,90,120\n");
    s.spacing = spacing;
    s.time_scale = 1;
    Err err;
    err_clear(&err);
    Az19 *a = az19_open(&s, &err);
    cr_assert_not_null(a, "%s: %s", err.where, err.msg);
    return a;
}

/* 10^9 equidistant arrivals in minute 1: arrival i at 60 + (i + 1/2) 60 /
 * 10^9 s, exactly the whole-minute formula; 2 x 2^20 of them pulled (two
 * slices and a part of a third, 0.13 s of trace time) with the buffer never
 * past
 * 2^20 arrivals (a slice is 10^9 / 954 = 1,048,218 of them). */
Test(bounds, azure2019_minute_of_10_9_is_made_slice_by_slice)
{
    Az19 *a = huge_minute("az-equi", "1000000000", AZ_EQUIDISTANT);
    cr_assert_eq(az19_stats(a)->invocations, 1000000000u);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double t, dur;
    int fn;
    size_t n = 2u << 20, worst = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(az19_next(a, r, &t, &dur, &fn), 1);
        /* replayed time counts from minute 0, which is empty */
        double want = 60.0 + ((double)i + 0.5) * 60.0 / 1e9;
        if (t != want)
            cr_assert_eq(t, want, "arrival %zu at %.17g, not %.17g", i, t,
                         want);
        size_t cap = az19_buffer_capacity(a);
        worst = cap > worst ? cap : worst;
    }
    fprintf(stderr, "2 x 2^20 arrivals pulled, buffer at most %zu\n", worst);
    cr_assert_leq(worst, (size_t)AZ_SLICE_ARRIVALS);
    gsl_rng_free(r);
    az19_close(a);
}

/* Uniform spacing: the first slice holds Binomial(10^9, 1/954) arrivals
 * (mean 1,048,218, sd 1,023), in time order, inside [60, 60 + 60/954)
 * s. */
Test(bounds, azure2019_uniform_minute_slices_are_binomial_and_sorted)
{
    Az19 *a = huge_minute("az-unif", "1000000000", AZ_UNIFORM);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    double t, dur, prev = -1, edge = 60.0 + 60.0 / 954;
    int fn;
    size_t in_first = 0;
    for (size_t i = 0; i < (2u << 20); i++) {
        cr_assert_eq(az19_next(a, r, &t, &dur, &fn), 1);
        cr_assert_geq(t, prev, "arrival %zu out of order", i);
        prev = t;
        in_first += t < edge;
    }
    double mean = 1e9 / 954, sd = sqrt(1e9 / 954 * (1 - 1.0 / 954));
    fprintf(stderr, "first slice %zu arrivals, expected %.0f +- 5 x %.0f\n",
            in_first, mean, sd);
    cr_assert(fabs((double)in_first - mean) < 5 * sd);
    cr_assert_leq(az19_buffer_capacity(a), 2 * (size_t)AZ_SLICE_ARRIVALS);
    gsl_rng_free(r);
    az19_close(a);
}

/* The largest count of a minute is accepted, one more is the error that
 * names file, line and column (the full table: test_badinput.c). */
Test(bounds, azure2019_minute_count_bound)
{
    Az19 *a = huge_minute("az-max", "1000000000", AZ_POISSON);
    az19_close(a);
    char dir[1024];
    support_tmpdir("az-over", dir, sizeof dir);
    Az19Spec s;
    memset(&s, 0, sizeof s);
    snprintf(s.invocations, sizeof s.invocations, "%s/i.csv", dir);
    support_write_file(s.invocations, "HashOwner,HashApp,HashFunction,"
                                      "Trigger,1\no,a,f,http,1000000001\n");
    snprintf(s.durations, sizeof s.durations, "%s/d.csv", dir);
    support_write_file(s.durations,
                       "HashApp,HashFunction,percentile_Average_0,"
                       "percentile_Average_1,percentile_Average_25,"
                       "percentile_Average_50,percentile_Average_75,"
                       "percentile_Average_99,percentile_Average_100\n");
    s.time_scale = 1;
    Err err;
    err_clear(&err);
    cr_assert_null(az19_open(&s, &err));
    cr_assert(strstr(err.msg, "line 2, column 5: invocation count "
                              "1000000001 is over 1000000000 in a minute") !=
                  NULL,
              "%s", err.msg);
}

/* ---- shard rows carry a CRC-32 ---------------------------------------- */

/* A 2-point x 2-replication sweep of a two-alternative scenario, run as
 * shards 0/2 and 1/2 into sw_dir/out. */
static void sharded_sweep(const char *tag, char *sweep, size_t size)
{
    char path[1200], out[1100];
    base_scenario(tag,
                  "\"horizon_s\": 120, \"seed\": 7, "
                  "\"timeseries_interval_s\": 0, \"workload\": {\"type\": "
                  "\"poisson\", \"rate_per_s\": 2.385}, \"alternatives\": "
                  "[{\"name\": \"a\", \"memory_mb\": 512}, {\"name\": \"b\", "
                  "\"memory_mb\": 1024}]",
                  path, sizeof path);
    snprintf(sweep, size, "%s/sweep.json", sw_dir);
    support_write_file(sweep, "{\"scenario\": \"base.json\", \"replications\": "
                              "2, \"grid\": {\"slo_ms\": [100, 200]}}");
    snprintf(out, sizeof out, "%s/out", sw_dir);
    for (int k = 0; k < 2; k++) {
        const char *argv[] = {"simsrv", "sweep", sweep,   "--out", out,
                              "--shard", k ? "1/2" : "0/2", "--quiet", NULL};
        cr_assert_eq(support_cli(argv), 0);
    }
}

/* Runs simsrv argv (argc of them); its stderr into err. */
static int run_err(int argc, const char **argv, char *err, size_t size)
{
    FILE *o = tmpfile(), *e = tmpfile();
    int rc = cli_main_streams(argc, (char **)argv, o, e);
    rewind(e);
    err[fread(err, 1, size - 1, e)] = '\0';
    fclose(o);
    fclose(e);
    return rc;
}

/* Every row's last field is zlib's crc32 of the bytes before its last
 * comma, as 8 hex digits (checked here with zlib itself). */
Test(bounds, shard_rows_end_with_the_crc32_of_their_other_bytes)
{
    char sweep[1200], shard[1200];
    sharded_sweep("crc-rows", sweep, sizeof sweep);
    snprintf(shard, sizeof shard, "%s/out/shard-0-of-2.csv", sw_dir);
    size_t n;
    char *text = support_slurp(shard, &n);
    char *save = NULL;
    int lines = 0;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save), lines++) {
        if (lines == 1)
            cr_assert(strstr(line, ",crc32") == line + strlen(line) - 6,
                      "columns: %s", line);
        if (lines < 2)
            continue;
        char *comma = strrchr(line, ',');
        char want[16];
        snprintf(want, sizeof want, "%08lx",
                 crc32(0L, (const Bytef *)line, (uInt)(comma - line)));
        cr_assert_str_eq(comma + 1, want, "line %d", lines + 1);
    }
    cr_assert_eq(lines, 2 + 2 * 2, "header, columns, 2 cells x 2 "
                                   "alternatives");
    free(text);
}

/* One digit changed in the middle of shard 0 (line 4, its second row):
 * the merge and the shard's resume both refuse it naming file and line,
 * and the merge writes no table. */
Test(bounds, a_changed_digit_is_refused_by_merge_and_resume)
{
    char sweep[1200], shard[1200], out[1100], err[2048], want[2048];
    sharded_sweep("crc-changed", sweep, sizeof sweep);
    snprintf(out, sizeof out, "%s/out", sw_dir);
    snprintf(shard, sizeof shard, "%s/shard-0-of-2.csv", out);
    size_t n;
    char *text = support_slurp(shard, &n);
    char *line4 = text;
    for (int i = 0; i < 3; i++)
        line4 = strchr(line4, '\n') + 1;
    char *digit = strpbrk(strchr(line4, 'b'), "123456789");
    *digit = *digit == '9' ? '8' : (char)(*digit + 1);
    FILE *fp = fopen(shard, "w");
    fwrite(text, 1, n, fp);
    fclose(fp);
    free(text);
    snprintf(want, sizeof want,
             "simsrv: %s: line 4: the row does not match its crc32 (changed "
             "after it was written); delete the line to rerun its cell, or "
             "rerun into a fresh --out\n",
             shard);
    const char *merge[] = {"simsrv", "merge", sweep, "--out", out};
    cr_assert_eq(run_err(5, merge, err, sizeof err), 2);
    cr_assert_str_eq(err, want);
    char cells[1200];
    snprintf(cells, sizeof cells, "%s/cells.csv", out);
    cr_assert_eq(access(cells, F_OK), -1, "merge wrote cells.csv");
    const char *resume[] = {"simsrv", "sweep", sweep,   "--out",
                            out,      "--shard", "0/2", "--quiet"};
    cr_assert_eq(run_err(8, resume, err, sizeof err), 2);
    cr_assert_str_eq(err, want);
}

/* ---- a sweep holds a few points' scenarios, not all ------------------- */

/* A sweep of n_points points of one small alternative (slo_ms 100, 101,
 * ...) x reps replications, run on 2 threads: how many points the plan
 * keeps, and the most the runner held at once (its test hook). */
static void sweep_holding(const char *name, int n_points, int reps,
                          int *plan_held, int *run_held)
{
    char path[1200], sweep[1200], out[1100];
    base_scenario(name,
                  "\"horizon_s\": 30, \"timeseries_interval_s\": 0, "
                  "\"workload\": {\"type\": \"poisson\", \"rate_per_s\": "
                  "1.5}, \"alternatives\": [{\"name\": \"a\", \"memory_mb\": "
                  "512}]",
                  path, sizeof path);
    snprintf(sweep, sizeof sweep, "%s/sweep.json", sw_dir);
    char grid[8192];
    int n = snprintf(grid, sizeof grid,
                     "{\"scenario\": \"base.json\", \"replications\": %d, "
                     "\"grid\": {\"slo_ms\": [",
                     reps);
    for (int i = 0; i < n_points; i++)
        n += snprintf(grid + n, sizeof grid - (size_t)n, "%s%d",
                      i ? ", " : "", 100 + i);
    snprintf(grid + n, sizeof grid - (size_t)n, "]}}");
    support_write_file(sweep, grid);
    SweepPlan plan;
    Err err;
    err_clear(&err);
    cr_assert_eq(sweep_load(sweep, NULL, &plan, &err), 0, "%s", err.msg);
    cr_assert_eq(plan.n_points, n_points);
    *plan_held = plan.points_held;
    sweep_free(&plan);
    snprintf(out, sizeof out, "%s/out", sw_dir);
    setenv("SIMSRV_TEST_POINTS_HELD", "1", 1);
    const char *argv[] = {"simsrv", "sweep", sweep,     "--out",
                          out,      "--threads", "2", "--quiet"};
    char msg[2048];
    int rc = run_err(8, argv, msg, sizeof msg);
    unsetenv("SIMSRV_TEST_POINTS_HELD");
    cr_assert_eq(rc, 0, "%s", msg);
    *run_held = -1;
    cr_assert_eq(sscanf(msg, "points held at once: %d", run_held), 1, "%s",
                 msg);
    fprintf(stderr, "%d points x %d replications, 2 threads: plan %d, run "
                    "%d held\n",
            n_points, reps, *plan_held, *run_held);
}

/* 40 points (about 4 MB of scenarios, under the 32 MB the plan keeps):
 * the plan keeps every point checked, and the runner builds none. */
Test(bounds, a_small_sweep_keeps_its_checked_points)
{
    int plan_held, run_held;
    sweep_holding("points-kept", 40, 3, &plan_held, &run_held);
    cr_assert_eq(plan_held, 40);
    cr_assert_eq(run_held, 0);
}

/* 400 points (some 45 MB of scenarios, over the 32 MB): the plan keeps
 * point 0 alone, and on 2 threads the runner holds at most threads + 1 =
 * 3 points at once. */
Test(bounds, a_sweep_holds_at_most_threads_plus_one_points)
{
    int plan_held, run_held;
    sweep_holding("points-held", 400, 1, &plan_held, &run_held);
    cr_assert_eq(plan_held, 1);
    cr_assert(run_held >= 1 && run_held <= 3, "%d points held", run_held);
}

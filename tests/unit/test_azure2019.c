/*
 * test_azure2019.c - the Azure Functions 2019 reader (workload/azure2019.h).
 *
 * On the generated trace (scripts/make-traces: traces/azure2019-*.csv, five
 * functions in three apps over ten minutes, counts fixed in the script):
 * exact join losses (fB1 has no durations row: 1 function, 9 invocations
 * dropped; one durations row matches nothing; app C has no memory row),
 * exact arrivals per (minute, function) and equidistant times
 * (k + 1/2) 60 / c, time order, memory split within an app (300 MB / 2),
 * durations inside each function's [p0, p100], the window (whole minutes)
 * and time-scale semantics, sampling (top-k), uniform spacing keeping every count, and
 * bad rows as file:line errors; the count fast paths give what strtoull
 * gives (every count as written, the same stream), the decimal fast path
 * what strtod gives (each duration bit for bit).  On ../shared/traces when present: the
 * 500-function InVitro sample replays completely (arrivals = the sum of
 * its minute columns) through `simsrv run`-equivalent World runs with
 * conservation, and twice identically.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config/scenario.h"
#include "core/rng.h"
#include "support.h"
#include "workload/azure2019.h"

static const int counts[5][10] = {{3, 0, 5, 1, 0, 0, 2, 4, 0, 1},
                                  {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                  {7, 0, 0, 0, 0, 0, 0, 0, 0, 2},
                                  {0, 0, 12, 30, 6, 0, 0, 0, 0, 0},
                                  {0, 2, 0, 0, 0, 0, 0, 0, 0, 9}};
/* kept functions in file order: fA1, fA2, fC1, fC2 (rows 0, 1, 3, 4) */
static const int kept_row[4] = {0, 1, 3, 4};
static const double pmin[4] = {10, 100, 5, 200}, pmax[4] = {120, 100, 50, 1500};

static Az19Spec mini(void)
{
    Az19Spec s;
    memset(&s, 0, sizeof s);
    support_src("traces/azure2019-invocations.csv", s.invocations,
                sizeof s.invocations);
    support_src("traces/azure2019-durations.csv", s.durations,
                sizeof s.durations);
    support_src("traces/azure2019-memory.csv", s.memory, sizeof s.memory);
    s.time_scale = 1;
    return s;
}

static Az19 *open_ok(const Az19Spec *s)
{
    Err err;
    err_clear(&err);
    Az19 *a = az19_open(s, &err);
    cr_assert_not_null(a, "%s: %s", err.where, err.msg);
    return a;
}

Test(azure2019, join_losses_are_counted)
{
    Az19Spec s = mini();
    Az19 *a = open_ok(&s);
    const Az19Stats *st = az19_stats(a);
    cr_assert_eq(st->functions, 5);
    cr_assert_eq(st->no_duration, 1);
    cr_assert_eq(st->no_duration_invocations, 9);
    cr_assert_eq(st->durations_unused, 1);
    cr_assert_eq(st->kept, 4);
    cr_assert_eq(st->no_memory, 2);
    cr_assert_eq(st->minutes, 10);
    cr_assert_eq(st->invocations, 16 + 10 + 48 + 11);
    cr_assert_float_eq(az19_memory_mb(a, 0), 150.0, 1e-9);
    cr_assert_float_eq(az19_memory_mb(a, 1), 150.0, 1e-9);
    cr_assert_eq(az19_memory_mb(a, 2), 0.0);
    az19_close(a);
}

Test(azure2019, equidistant_arrivals_per_minute_and_function)
{
    Az19Spec s = mini();
    Az19 *a = open_ok(&s);
    gsl_rng *r = rng_create(1, 0, RNG_ARRIVALS, 0);
    int seen[4][10] = {{0}};
    double t, dur, last = -1;
    int fn, n = 0;
    while (az19_next(a, r, &t, &dur, &fn)) {
        cr_assert(t >= last, "out of order at %g", t);
        last = t;
        int m = (int)(t / 60);
        int c = counts[kept_row[fn]][m];
        int k = seen[fn][m]++;
        cr_assert_float_eq(t, 60.0 * m + (k + 0.5) * 60.0 / c, 1e-9);
        cr_assert(dur * 1e3 >= pmin[fn] - 1e-9 && dur * 1e3 <= pmax[fn] + 1e-9,
                  "duration %g ms outside [%g, %g]", dur * 1e3, pmin[fn], pmax[fn]);
        n++;
    }
    cr_assert_eq(n, 85);
    for (int f = 0; f < 4; f++)
        for (int m = 0; m < 10; m++)
            cr_assert_eq(seen[f][m], counts[kept_row[f]][m], "fn %d minute %d", f, m);
    gsl_rng_free(r);
    az19_close(a);
}

/* Writes `src` to `dst` with CRLF line ends, gzipped. */
static void gzip_crlf_copy(const char *src, const char *dst)
{
    size_t n;
    char *text = support_slurp(src, &n);
    cr_assert_not_null(text, "cannot read %s", src);
    gzFile gz = gzopen(dst, "wb");
    cr_assert_not_null(gz);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n')
            gzputc(gz, '\r');
        gzputc(gz, text[i]);
    }
    gzclose(gz);
    free(text);
}

/* All three files gzipped with CRLF ends replay exactly the plain ones:
 * the same times, functions and durations in the same order. */
Test(azure2019, gzip_and_crlf_read_alike)
{
    char dir[1024];
    support_tmpdir("az19-gz", dir, sizeof dir);
    Az19Spec plain = mini(), packed = mini();
    gzip_crlf_copy(plain.invocations, strcat(strcpy(packed.invocations, dir),
                                             "/inv.csv.gz"));
    gzip_crlf_copy(plain.durations, strcat(strcpy(packed.durations, dir),
                                           "/dur.csv.gz"));
    gzip_crlf_copy(plain.memory, strcat(strcpy(packed.memory, dir),
                                        "/mem.csv.gz"));
    Az19 *a = open_ok(&plain), *b = open_ok(&packed);
    const Az19Stats *sa = az19_stats(a), *sb = az19_stats(b);
    cr_assert_eq(sa->kept, sb->kept);
    cr_assert_eq(sa->no_duration, sb->no_duration);
    cr_assert_eq(sa->invocations, sb->invocations);
    for (int f = 0; f < (int)sa->kept; f++)
        cr_assert(az19_memory_mb(a, f) == az19_memory_mb(b, f));
    gsl_rng *ra = rng_create(1, 0, RNG_ARRIVALS, 0);
    gsl_rng *rb = rng_create(1, 0, RNG_ARRIVALS, 0);
    double ta, tb, da, db;
    int fa, fb, n = 0;
    for (;;) {
        int more = az19_next(a, ra, &ta, &da, &fa);
        cr_assert_eq(az19_next(b, rb, &tb, &db, &fb), more);
        if (!more)
            break;
        cr_assert(ta == tb && da == db && fa == fb, "arrival %d differs", n);
        n++;
    }
    cr_assert_eq(n, 85);
    gsl_rng_free(ra);
    gsl_rng_free(rb);
    az19_close(a);
    az19_close(b);
}

Test(azure2019, window_and_time_scale)
{
    Az19Spec s = mini();
    s.start_s = 120; /* minutes 3..5 of the file (0-based 2..4) */
    s.end_s = 300;
    s.time_scale = 2;
    Az19 *a = open_ok(&s);
    cr_assert_eq(az19_stats(a)->invocations, (5 + 1 + 0) + (1 + 1 + 1) + (12 + 30 + 6));
    gsl_rng *r = rng_create(1, 0, RNG_ARRIVALS, 0);
    double t, dur, first = -1, lastt = 0;
    int fn, n = 0;
    while (az19_next(a, r, &t, &dur, &fn)) {
        if (first < 0)
            first = t;
        lastt = t;
        n++;
    }
    cr_assert_eq(n, 57);
    /* fC1 has 12 arrivals in minute 2: the first 2.5 s into it, rebased to
     * the window's start and doubled */
    cr_assert_float_eq(first, 2 * 2.5, 1e-9);
    cr_assert(lastt < 2 * 180.0);
    gsl_rng_free(r);
    az19_close(a);

    /* the window has the trace's one-minute resolution: [90, 250) replays
     * the minutes starting at 120, 180 and 240 -- the same 57 arrivals,
     * exactly, whatever the spacing -- from time 0 */
    s.start_s = 90;
    s.end_s = 250;
    s.time_scale = 1;
    s.spacing = AZ_UNIFORM;
    a = open_ok(&s);
    cr_assert_eq(az19_stats(a)->invocations, 57);
    r = rng_create(2, 0, RNG_ARRIVALS, 0);
    n = 0;
    while (az19_next(a, r, &t, &dur, &fn)) {
        cr_assert(t >= 0 && t < 180.0, "t = %g", t);
        n++;
    }
    cr_assert_eq(n, 57);
    gsl_rng_free(r);
    az19_close(a);
}

Test(azure2019, uniform_spacing_keeps_counts_and_sampling)
{
    Az19Spec s = mini();
    s.spacing = AZ_UNIFORM;
    s.sample = AZ_SAMPLE_TOP;
    s.sample_n = 2; /* the two busiest: fC1 (48) and fA1 (16) */
    Az19 *a = open_ok(&s);
    cr_assert_eq(az19_stats(a)->kept, 2);
    cr_assert_eq(az19_stats(a)->invocations, 48 + 16);
    gsl_rng *r = rng_create(3, 0, RNG_ARRIVALS, 0);
    int per_min[10] = {0}, n = 0, fn;
    double t, dur, last = -1;
    while (az19_next(a, r, &t, &dur, &fn)) {
        cr_assert(t >= last);
        last = t;
        per_min[(int)(t / 60)]++;
        n++;
    }
    cr_assert_eq(n, 64);
    for (int m = 0; m < 10; m++)
        cr_assert_eq(per_min[m], counts[0][m] + counts[3][m], "minute %d", m);
    gsl_rng_free(r);
    az19_close(a);
}

/* Pins: the kept functions' names are the invocations file's HashApp and
 * HashFunction, in kept order; a sample holds the names of the functions
 * it keeps only. */
Test(azure2019, function_names_of_kept_functions)
{
    static const char *const app[4] = {"appA", "appA", "appC", "appC"};
    static const char *const fn[4] = {"fA1", "fA2", "fC1", "fC2"};
    Az19Spec s = mini();
    Az19 *a = open_ok(&s);
    const char *ga, *gf;
    for (int i = 0; i < 4; i++) {
        az19_function_names(a, i, &ga, &gf);
        cr_assert_str_eq(ga, app[i], "function %d", i);
        cr_assert_str_eq(gf, fn[i], "function %d", i);
    }
    az19_close(a);
    s.sample = AZ_SAMPLE_TOP;
    s.sample_n = 2; /* fA1 (16) and fC1 (48), in file order */
    a = open_ok(&s);
    az19_function_names(a, 0, &ga, &gf);
    cr_assert(strcmp(ga, "appA") == 0 && strcmp(gf, "fA1") == 0);
    az19_function_names(a, 1, &ga, &gf);
    cr_assert(strcmp(ga, "appC") == 0 && strcmp(gf, "fC1") == 0);
    az19_function_names(a, 2, &ga, &gf); /* not kept: no name held */
    cr_assert_null(gf);
    az19_close(a);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void expect_error(const char *inv_text, const char *needle)
{
    char dir[1024], inv[1100];
    support_tmpdir("az19-bad", dir, sizeof dir);
    snprintf(inv, sizeof inv, "%s/inv.csv", dir);
    write_file(inv, inv_text);
    Az19Spec s = mini();
    snprintf(s.invocations, sizeof s.invocations, "%s", inv);
    Err err;
    err_clear(&err);
    Az19 *a = az19_open(&s, &err);
    cr_assert_null(a, "accepted a bad file");
    char line[1024];
    err_format(&err, line, sizeof line);
    printf("bad input: %s\n", line);
    cr_assert(strstr(line, needle) != NULL, "'%s' lacks '%s'", line, needle);
    cr_assert(strstr(line, "inv.csv") != NULL);
}

/* A line longer than the reader's 64 MB cap (a corrupt or wrong file: a
 * day of minutes is ~15 KB) is an error naming the file and line, not an
 * unbounded allocation.  Gzipped, the 65 MB line takes ~70 KB of disk. */
Test(azure2019, overlong_line_is_an_error)
{
    char dir[1024], inv[1100];
    support_tmpdir("az19-long", dir, sizeof dir);
    snprintf(inv, sizeof inv, "%s/inv.csv.gz", dir);
    gzFile gz = gzopen(inv, "wb9");
    cr_assert_not_null(gz);
    gzputs(gz, "HashOwner,HashApp,HashFunction,Trigger,1\n");
    static char chunk[1 << 20];
    memset(chunk, '1', sizeof chunk);
    for (int i = 0; i < 65; i++)
        gzwrite(gz, chunk, sizeof chunk);
    gzputs(gz, "\n");
    gzclose(gz);
    Az19Spec s = mini();
    snprintf(s.invocations, sizeof s.invocations, "%s", inv);
    Err err;
    err_clear(&err);
    cr_assert_null(az19_open(&s, &err), "accepted a 65 MB line");
    char line[1024];
    err_format(&err, line, sizeof line);
    cr_assert(strstr(line, "inv.csv.gz") && strstr(line, "line 2") &&
                  strstr(line, "longer than 64 MB"),
              "%s", line);
}

Test(azure2019, bad_rows_name_file_and_line)
{
    expect_error("", "empty file");
    expect_error("HashOwner,HashApp,HashFunction,Trigger,1,2\n"
                 "o,appA,fA1,http,1,2\no,appA,fA2,http,1\n",
                 "line 3: 5 columns, the header has 6");
    expect_error("HashOwner,HashApp,HashFunction,Trigger,1,2\n"
                 "o,appA,fA1,http,1,-2\n",
                 "line 2, column 6");
    expect_error("HashOwner,HashApp,HashFunction,Trigger,1,2\n"
                 "o,appA,fA1,http,1,x\n",
                 "not a non-negative integer");
    expect_error("HashOwner,HashApp,Trigger,1,2\n", "no column 'HashFunction'");
    expect_error("HashOwner,HashApp,HashFunction,Trigger\n", "no minute columns");
}

/* The 500-function InVitro sample of the 2019 trace, when ../shared has it. */
Test(azure2019, public_invitro_500_sample_replays_completely)
{
    char rel[1024], dir[4096], inv[4200];
    support_src("../shared/traces/azure_functions_2019/invitro_sample_500fn_8h",
                rel, sizeof rel);
    if (realpath(rel, dir) == NULL)
        cr_skip("../shared/traces/azure_functions_2019 is absent: the 500-function "
                "replay is not checked");
    snprintf(inv, sizeof inv, "%s/invocations.csv", dir);
    FILE *fp = fopen(inv, "r");
    if (fp == NULL)
        cr_skip("../shared/traces/azure_functions_2019 is absent: the 500-function "
                "replay is not checked");
    /* the sum of the minute columns, independently of the reader */
    static char line[1 << 16];
    uint64_t total = 0;
    int first = 1;
    while (fgets(line, sizeof line, fp) != NULL) {
        if (first) {
            first = 0;
            continue;
        }
        char *p = line;
        for (int col = 0; p != NULL; col++) {
            if (col >= 4)
                total += strtoull(p, NULL, 10);
            p = strchr(p, ',');
            if (p)
                p++;
        }
    }
    fclose(fp);
    char text[16384], path[1300];
    snprintf(text, sizeof text,
             "{\"name\": \"az500\", \"seed\": 1, \"horizon_s\": 40000, \"slo_ms\": 1000,"
             " \"model\": \"resnet18\", \"timeseries_interval_s\": 0,"
             " \"workload\": {\"type\": \"azure2019\", \"invocations\": \"%s/invocations.csv\","
             " \"durations\": \"%s/durations.csv\", \"memory\": \"%s/memory.csv\"},"
             " \"defaults\": {\"memory_mb\": 2048, \"timeout_s\": 0,"
             " \"beyond_limits\": true},"
             " \"alternatives\": [{\"name\": \"ka600\"}]}",
             dir, dir, dir);
    support_src("scenarios/az500.json", path, sizeof path);
    Scenario sc;
    Err err;
    err_clear(&err);
    cr_assert_eq(scenario_load_text(path, text, NULL, &sc, &err), 0, "%s: %s",
                 err.where, err.msg);
    cr_assert_eq(sc.workload.az19_stats.invocations, total);
    RunResult r1 = support_run(&sc.alt[0], &sc.workload, sc.horizon_s, 1, 0);
    RunResult r2 = support_run(&sc.alt[0], &sc.workload, sc.horizon_s, 1, 0);
    printf("500-function sample: %llu invocations in the minute columns, %.0f "
           "arrivals, %.0f completed, cold %.3f%%; join: %llu without durations, "
           "%llu without memory\n",
           (unsigned long long)total, r1.v[MET_arrivals], r1.v[MET_completed],
           r1.v[MET_cold_pct],
           (unsigned long long)sc.workload.az19_stats.no_duration,
           (unsigned long long)sc.workload.az19_stats.no_memory);
    cr_assert_eq(r1.v[MET_arrivals], (double)total);
    cr_assert_eq(r1.v[MET_completed], (double)total);
    cr_assert_eq(memcmp(r1.v, r2.v, sizeof r1.v), 0, "two runs differ");
    scenario_free(&sc);
}

#include "workload/sample.h"

Test(azure2019, quartile_sample_of_fewer_than_four_functions)
{
    /* N = 3, keep 2: quartiles [0,0) [0,1) [1,2) [2,3) hold 0, 1, 1, 1
     * functions; shares 1, 1, 0, 0 -> the empty first quartile passes its
     * one on: functions 0 and 1 (ranked by total: 30, 20), never a GSL
     * shuffle of nothing. */
    const uint64_t totals[3] = {30, 20, 10};
    int n = 0;
    int *idx = sample_functions(totals, 3, AZ_SAMPLE_QUARTILE, 2, 7, &n);
    cr_assert_eq(n, 2);
    cr_assert_eq(idx[0], 0);
    cr_assert_eq(idx[1], 1);
    free(idx);
    /* N = 2, keep 1: one function, from the first non-empty quartile */
    idx = sample_functions(totals, 2, AZ_SAMPLE_QUARTILE, 1, 7, &n);
    cr_assert_eq(n, 1);
    cr_assert_eq(idx[0], 0);
    free(idx);
}

Test(azure2019, huge_window_bounds_clamp_to_the_trace)
{
    /* start_s 1e300 replays nothing; end_s 1e300 replays everything (the
     * whole-trace count); neither casts a huge minute to an integer. */
    Az19Spec s = mini();
    Az19 *all = open_ok(&s);
    uint64_t total = az19_stats(all)->invocations;
    az19_close(all);
    cr_assert(total > 0);
    s.start_s = 1e300;
    Az19 *a = open_ok(&s);
    cr_assert_eq(az19_stats(a)->invocations, 0);
    az19_close(a);
    s = mini();
    s.end_s = 1e300;
    a = open_ok(&s);
    cr_assert_eq(az19_stats(a)->invocations, total);
    az19_close(a);
}

/* ---- the count fast paths against strtoull -------------------------------
 * Three functions with durations (fA1, fA2, fC1) over 37 minutes, counts
 * 1..997 in runs between runs of six or more zero minutes at shifting
 * offsets (and fC1 silent for its first 17 minutes): written plainly (the
 * digit parser, four zero minutes at once, adjacent minute columns),
 * every count as "+N" (each field through strtoull), and plainly with a
 * non-minute column inside the minutes (each minute by its own column).
 * All three must give every (function, minute) count as written and the
 * same arrival stream, bit for bit, in (time, function) order: minutes of
 * over 256 arrivals, so the radix sort orders them (equal times across
 * functions at the minutes' middles). */
#define FP_MINUTES 37

static int fp_count(int f, int m)
{
    if (((m + 2 * f) / 6) % 2 == 0 || (f == 2 && m < 17))
        return 0;
    return 1 + (m * 37 + f * 101) % 997;
}

static void fp_write(const char *path, int form)
{
    static const char *const id[3] = {"appA,fA1", "appA,fA2", "appC,fC1"};
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("HashOwner,HashApp,HashFunction,Trigger", fp);
    for (int m = 1; m <= FP_MINUTES; m++)
        fprintf(fp, m == 11 && form == 2 ? ",Region,%d" : ",%d", m);
    fputc('\n', fp);
    for (int f = 0; f < 3; f++) {
        fprintf(fp, "o,%s,http", id[f]);
        for (int m = 0; m < FP_MINUTES; m++)
            fprintf(fp, m == 10 && form == 2 ? ",eu,%d"
                        : form == 1           ? ",+%d"
                                              : ",%d",
                    fp_count(f, m));
        fputc('\n', fp);
    }
    fclose(fp);
}

typedef struct FpArrival {
    double t, dur;
    int fn;
} FpArrival;

/* The stream of form `form`, checked against fp_count; its length. */
static int fp_stream(const char *dir, int form, FpArrival *out, int cap)
{
    Az19Spec s = mini();
    snprintf(s.invocations, sizeof s.invocations, "%s/inv%d.csv", dir,
             form % 3);
    if (form == 3) /* form 0's file, uniform spacing: the sort on random times */
        s.spacing = AZ_UNIFORM;
    else
        fp_write(s.invocations, form);
    Az19 *a = open_ok(&s);
    cr_assert_eq(az19_stats(a)->kept, 3);
    gsl_rng *r = rng_create(1, 0, RNG_ARRIVALS, 0);
    static int seen[3][FP_MINUTES];
    memset(seen, 0, sizeof seen);
    int n = 0;
    FpArrival x;
    while (az19_next(a, r, &x.t, &x.dur, &x.fn)) {
        cr_assert(n < cap);
        /* the minute sort's order: by time, then by function */
        cr_assert(n == 0 || out[n - 1].t < x.t ||
                      (out[n - 1].t == x.t && out[n - 1].fn <= x.fn),
                  "form %d: arrival %d (%.17g s, fn %d) after (%.17g s, fn "
                  "%d)",
                  form, n, x.t, x.fn, out[n - 1].t, out[n - 1].fn);
        seen[x.fn][(int)(x.t / 60)]++;
        out[n++] = x;
    }
    for (int f = 0; f < 3; f++)
        for (int m = 0; m < FP_MINUTES; m++)
            cr_assert_eq(seen[f][m], fp_count(f, m),
                         "form %d: fn %d minute %d: %d arrivals, %d written",
                         form, f, m, seen[f][m], fp_count(f, m));
    gsl_rng_free(r);
    az19_close(a);
    return n;
}

Test(azure2019, count_fast_paths_read_what_strtoull_reads)
{
    char dir[1024];
    support_tmpdir("az19-fast", dir, sizeof dir);
    enum { CAP = 40000 };
    static FpArrival st[4][CAP];
    int n[4];
    for (int form = 0; form < 4; form++)
        n[form] = fp_stream(dir, form, st[form], CAP);
    int want = 0;
    for (int f = 0; f < 3; f++)
        for (int m = 0; m < FP_MINUTES; m++)
            want += fp_count(f, m);
    printf("count fast paths: %d arrivals in each form, %d written\n", n[0],
           want);
    cr_assert_eq(n[0], want);
    cr_assert_eq(n[3], want);
    for (int form = 1; form < 3; form++) {
        cr_assert_eq(n[form], n[0]);
        for (int i = 0; i < n[0]; i++)
            cr_assert(st[form][i].t == st[0][i].t &&
                          st[form][i].dur == st[0][i].dur &&
                          st[form][i].fn == st[0][i].fn,
                      "form %d's arrival %d differs from the plain one", form,
                      i);
    }
}

/* The durations' decimal fast path reads what strtod reads: each kept
 * function's seven percentiles are one string, so every drawn duration is
 * that string's double (less a millisecond's 1e-3), bit for bit -- plain
 * decimals of up to 15 digits (the fast path: a tenth, fifteen digits, a
 * leading point, a trailing one, 2.675 of the rounding puzzles) and an
 * exponent and a sixteen-digit one (strtod's). */
Test(azure2019, duration_decimals_read_as_strtod_reads)
{
    static const char *const v[2][4] = {
        {"0.1", "123.456789012345", ".5", "7."},
        {"2.675", "1e2", "0.3000000000000001", "1500"}};
    static const char *const id[4] = {"appA,fA1", "appA,fA2", "appC,fC1",
                                      "appC,fC2"};
    char dir[1024], path[1100];
    support_tmpdir("az19-dec", dir, sizeof dir);
    for (int set = 0; set < 2; set++) {
        snprintf(path, sizeof path, "%s/dur%d.csv", dir, set);
        FILE *fp = fopen(path, "w");
        cr_assert_not_null(fp);
        fputs("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,"
              "percentile_Average_0,percentile_Average_1,"
              "percentile_Average_25,percentile_Average_50,"
              "percentile_Average_75,percentile_Average_99,"
              "percentile_Average_100\n",
              fp);
        for (int f = 0; f < 4; f++) {
            fprintf(fp, "o,%s,1,1,1,1", id[f]);
            for (int k = 0; k < 7; k++)
                fprintf(fp, ",%s", v[set][f]);
            fputc('\n', fp);
        }
        fclose(fp);
        Az19Spec s = mini();
        snprintf(s.durations, sizeof s.durations, "%s", path);
        Az19 *a = open_ok(&s);
        cr_assert_eq(az19_stats(a)->kept, 4);
        gsl_rng *r = rng_create(1, 0, RNG_ARRIVALS, 0);
        double t, dur;
        int fn, n = 0;
        while (az19_next(a, r, &t, &dur, &fn)) {
            double want = strtod(v[set][fn], NULL) * 1e-3;
            cr_assert(dur == want, "fn %d ('%s'): %.17g s, strtod %.17g s",
                      fn, v[set][fn], dur, want);
            n++;
        }
        cr_assert_eq(n, 85);
        gsl_rng_free(r);
        az19_close(a);
    }
}

/*
 * test_outputs.c - the CLI's output files, checked against what they must
 * hold by construction or by hand.
 *
 * Pins:
 *  - common random numbers at every alternative index: three identical
 *    on-demand alternatives (random cold starts, a short keep-alive so many
 *    happen) give identical summary.csv rows under `simsrv run`, and
 *    identical cells.csv rows and all-zero diffs under `simsrv sweep`;
 *  - diffs.csv: for each point and alternative, the mean and 95%
 *    half-width of the paired differences (alternative - baseline,
 *    replication by replication) recomputed from cells.csv, with
 *    t(0.975, 2) = sqrt(1.805 / 0.0975) = 4.3027 (Student's t with 2
 *    degrees of freedom has the closed form F(t) = 1/2 + t / (2 sqrt(2 +
 *    t^2)));
 *  - csv_num writes the bytes %.17g writes, for whole numbers (its own
 *    path: 0, -0, +-1, 2^53 - 1, 2^53, 1e15, 1e16, -1e17 and 100,000 drawn
 *    below 2^53 in magnitude) and other doubles (NaN, infinities, the
 *    smallest subnormal, 0.1, 100,000 of random bit patterns);
 *  - functions.csv is written for a many-function trace and its counts are
 *    the hand-worked ones: function a (2 requests: one timed out, one
 *    completed cold), function b (3 requests: one rejected by the
 *    one-instance limit, one completed cold, one unfinished at the horizon);
 *  - provisioned concurrency in a many-function run: {"count": 1,
 *    "functions": 2} gives the two functions with the most arrivals (c
 *    with 3; a and b tie at 2, a has the lower index) one provisioned
 *    instance each: their requests are warm, b's are cold, and the bill is
 *    2 instances x 400 s rounded up to 600 s x 0.5 GB x $0.0000041667.
 * Not pinned: the numbers inside the summaries (test_edges and the
 * validation tests do that).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/metrics.h"
#include "platform/spec.h"
#include "util/csv.h"
#include "support.h"

static char dir[1024];

/* simsrv a0 a1 --out a2 --quiet [a3 a4] */
static int run_cli(const char *a0, const char *a1, const char *a2,
                   const char *a3, const char *a4)
{
    const char *argv[] = {"simsrv",  a0, a1, "--out", a2,
                          "--quiet", a3, a4, NULL};
    return support_cli(argv);
}

/* ---- a tiny CSV table (no quoted fields in these files' cells) --------- */

enum { MAX_ROWS = 256, MAX_COLS = 512 };
typedef struct Table {
    char *text;
    int n_rows, n_cols;
    char *cell[MAX_ROWS + 1][MAX_COLS]; /* row 0 = header */
} Table;

static Table *table_read(const char *path)
{
    Table *t = calloc(1, sizeof *t);
    size_t n;
    t->text = support_slurp(path, &n);
    char *line = t->text;
    int r = 0;
    while (line != NULL && *line != '\0') {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        cr_assert_leq(r, MAX_ROWS, "%s: too many rows", path);
        int c = 0;
        for (char *p = line;; c++) {
            cr_assert_lt(c, MAX_COLS);
            t->cell[r][c] = p;
            char *comma = strchr(p, ',');
            if (comma == NULL)
                break;
            *comma = '\0';
            p = comma + 1;
        }
        if (r == 0)
            t->n_cols = c + 1;
        else
            cr_assert_eq(c + 1, t->n_cols, "%s row %d: %d cells, header %d",
                         path, r, c + 1, t->n_cols);
        r++;
        line = nl != NULL ? nl + 1 : NULL;
    }
    t->n_rows = r - 1;
    return t;
}

static void table_free(Table *t)
{
    free(t->text);
    free(t);
}

static int col(const Table *t, const char *name)
{
    for (int c = 0; c < t->n_cols; c++)
        if (strcmp(t->cell[0][c], name) == 0)
            return c;
    cr_assert_fail("no column %s", name);
    return -1;
}

/* Row r's cells from column c0 on, joined (to compare two rows). */
static void rest_of_row(const Table *t, int r, int c0, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int c = c0; c < t->n_cols && len < size; c++)
        len += (size_t)snprintf(buf + len, size - len, "%s,", t->cell[r][c]);
}

/* ---- scenarios ---------------------------------------------------------- */

/* base.json in a fresh directory: mlp-tabular on Lambda, Poisson 1.5/s,
 * with the given alternatives (JSON array text). */
static void write_base(const char *tag, const char *alternatives, int reps)
{
    char models[1024], path[1200], body[4096];
    support_tmpdir(tag, dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(path, sizeof path, "%s/base.json", dir);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 1500, \"seed\": 77, \"replications\": %d, "
             "\"models_dir\": \"%s\", \"model\": \"mlp-tabular\", "
             "\"timeseries_interval_s\": 0, "
             "\"workload\": {\"type\": \"poisson\", \"rate_per_s\": 1.5}, "
             "\"defaults\": {\"memory_mb\": 512, \"keepalive\": "
             "{\"policy\": \"fixed\", \"keepalive_s\": 2}}, "
             "\"alternatives\": %s}",
             reps, models, alternatives);
    support_write_file(path, body);
}

static const char *three_same =
    "[{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}]";

Test(outputs, identical_alternatives_give_identical_summary_rows)
{
    write_base("outputs-crn-run", three_same, 2);
    char scen[1100], out[1100], path[1200];
    snprintf(scen, sizeof scen, "%s/base.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(run_cli("run", scen, out, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/summary.csv", out);
    Table *t = table_read(path);
    cr_assert_eq(t->n_rows, 3);
    cr_assert_gt(atof(t->cell[1][col(t, "cold_starts")]), 100,
                 "too few cold starts to exercise the cold-start stream");
    static char first[65536], other[65536];
    rest_of_row(t, 1, 1, first, sizeof first);
    for (int r = 2; r <= 3; r++) {
        rest_of_row(t, r, 1, other, sizeof other);
        cr_assert_str_eq(other, first, "alternative %s differs from %s",
                         t->cell[r][0], t->cell[1][0]);
    }
    table_free(t);
}

/* The 95% interval of x[0..2] by hand: mean and t(0.975, 2) s / sqrt(3). */
static void interval3(const double *x, double *mean, double *half)
{
    *mean = (x[0] + x[1] + x[2]) / 3;
    double ss = 0;
    for (int i = 0; i < 3; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *half = sqrt(1.805 / 0.0975) * sqrt(ss / 2) / sqrt(3.0);
}

static int close_to(double x, double want)
{
    return fabs(x - want) <= 1e-9 * (1 + fabs(want));
}

Test(outputs, sweep_diffs_are_the_paired_differences)
{
    /* alternatives: ka (baseline), its copy, and none (keep-alive 0); 2
     * points x 3 replications. */
    write_base("outputs-diffs",
               "[{\"name\": \"ka\"}, {\"name\": \"ka-copy\"}, "
               "{\"name\": \"none\", \"keepalive\": {\"policy\": \"none\"}}]",
               3);
    char sweep[1100], out[1100], path[1200];
    snprintf(sweep, sizeof sweep, "%s/sweep.json", dir);
    support_write_file(sweep, "{\"scenario\": \"base.json\", \"replications\":"
                              " 3, \"grid\": {\"workload.rate_per_s\": "
                              "[0.7, 1.9]}}");
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(run_cli("sweep", sweep, out, "--threads", "1"), 0);
    snprintf(path, sizeof path, "%s/cells.csv", out);
    Table *cells = table_read(path);
    snprintf(path, sizeof path, "%s/diffs.csv", out);
    Table *diffs = table_read(path);
    cr_assert_eq(cells->n_rows, 2 * 3 * 3);
    cr_assert_eq(diffs->n_rows, 2 * 2);
    int c_point = col(cells, "point"), c_rep = col(cells, "replication"),
        c_alt = col(cells, "alternative");
    int d_point = col(diffs, "point"), d_alt = col(diffs, "alternative");
    /* v[point][rep][alt] for every metric, from cells.csv */
    static double v[2][3][3][MET_COUNT];
    static int have[2][3][3][MET_COUNT];
    const char *names[3] = {"ka", "ka-copy", "none"};
    for (int r = 1; r <= cells->n_rows; r++) {
        int p = atoi(cells->cell[r][c_point]);
        int rep = atoi(cells->cell[r][c_rep]);
        int a = -1;
        for (int k = 0; k < 3; k++)
            if (strcmp(cells->cell[r][c_alt], names[k]) == 0)
                a = k;
        cr_assert(p >= 0 && p < 2 && rep >= 0 && rep < 3 && a >= 0);
        for (int m = 0; m < metrics_columns(0); m++) { /* no LLM traffic */
            const char *s = cells->cell[r][col(cells, metric_info[m].name)];
            have[p][rep][a][m] = *s != '\0';
            v[p][rep][a][m] = atof(s);
        }
    }
    int checked = 0, nonzero = 0;
    for (int r = 1; r <= diffs->n_rows; r++) {
        int p = atoi(diffs->cell[r][d_point]);
        int a = strcmp(diffs->cell[r][d_alt], "ka-copy") == 0 ? 1 : 2;
        cr_assert_str_eq(diffs->cell[r][col(diffs, "baseline")], "ka");
        for (int m = 0; m < metrics_columns(0); m++) {
            char name[96];
            snprintf(name, sizeof name, "%s_diff", metric_info[m].name);
            const char *s = diffs->cell[r][col(diffs, name)];
            snprintf(name, sizeof name, "%s_diff_ci95", metric_info[m].name);
            const char *h = diffs->cell[r][col(diffs, name)];
            if (!have[p][0][a][m] || !have[p][0][0][m] || *s == '\0')
                continue;
            double x[3], mean, half;
            for (int rep = 0; rep < 3; rep++)
                x[rep] = v[p][rep][a][m] - v[p][rep][0][m];
            interval3(x, &mean, &half);
            cr_assert(close_to(atof(s), mean), "point %d %s %s: %s, hand %.17g",
                      p, diffs->cell[r][d_alt], metric_info[m].name, s, mean);
            cr_assert(close_to(atof(h), half),
                      "point %d %s %s ci95: %s, hand %.17g", p,
                      diffs->cell[r][d_alt], metric_info[m].name, h, half);
            if (a == 1)
                cr_assert_eq(atof(s), 0.0, "CRN: ka-copy %s differs",
                             metric_info[m].name);
            else if (mean != 0)
                nonzero++;
            checked++;
        }
    }
    fprintf(stderr, "diffs.csv: %d values checked, %d non-zero\n", checked,
            nonzero);
    cr_assert_gt(nonzero, 10, "keep-alive 0 should change many metrics");
    table_free(cells);
    table_free(diffs);
}

/* `simsrv run` of a 400 s replay of `trace` (columns t in s, dur in ms,
 * fn) with one alternative, in a fresh folder `name`; its output set's
 * path in out. */
static void run_trace(const char *name, const char *trace, const char *alt,
                      char *out, size_t out_size)
{
    char models[1024], path[1200], body[4096];
    support_tmpdir(name, dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(path, sizeof path, "%s/trace.csv", dir);
    support_write_file(path, trace);
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 400, \"seed\": 3, \"models_dir\": \"%s\", "
             "\"model\": \"mlp-tabular\", \"timeseries_interval_s\": 0, "
             "\"workload\": {\"type\": \"trace\", \"file\": \"trace.csv\", "
             "\"time_column\": \"t\", \"duration_column\": \"dur\", "
             "\"function_column\": \"fn\"}, \"alternatives\": [%s]}",
             models, alt);
    support_write_file(path, body);
    snprintf(out, out_size, "%s/out", dir);
    cr_assert_eq(run_cli("run", path, out, NULL, NULL), 0);
}

Test(outputs, functions_csv_written_and_counted)
{
    /* Trace (times in s, durations in ms), one instance at most, no queue,
     * keep-alive none, timeout 50 s, horizon 400 s:
     *   0 s   a 60 s   -> cold, times out after 50 s of running
     *   1 s   b 0.1 s  -> rejected: a's instance holds the only place
     *   200 s b 0.1 s  -> cold, completes
     *   300 s a 0.1 s  -> cold, completes
     *   390 s b 100 s  -> cold, still running at 400 s: unfinished
     * Functions are numbered in order of first appearance: a = 0, b = 1. */
    char path[1200], out[1100];
    run_trace("outputs-fns",
              "t,dur,fn\n0,60000,a\n1,100,b\n200,100,b\n300,100,a\n"
              "390,100000,b\n",
              "{\"name\": \"one\", \"memory_mb\": 512, \"max_instances\": 1, "
              "\"timeout_s\": 50, \"keepalive\": {\"policy\": \"none\"}}",
              out, sizeof out);
    snprintf(path, sizeof path, "%s/functions.csv", out);
    Table *t = table_read(path);
    char header[1024] = "";
    for (int c = 0; c < t->n_cols; c++)
        snprintf(header + strlen(header), sizeof header - strlen(header),
                 c ? ",%s" : "%s", t->cell[0][c]);
    cr_assert_str_eq(header, FN_CSV_HEADER);
    cr_assert_eq(t->n_rows, 2);
    /* arrivals, completed, rejected, timed_out, unfinished, cold, cold_pct,
     * instance_starts per function */
    const char *cols[] = {"arrivals",  "completed",      "rejected",
                          "timed_out", "unfinished",     "cold",
                          "cold_pct",  "instance_starts"};
    double want[2][8] = {{2, 1, 0, 1, 0, 1, 100, 2},
                         {3, 1, 1, 0, 1, 1, 100, 2}};
    for (int r = 1; r <= 2; r++) {
        int fn = atoi(t->cell[r][col(t, "function")]);
        cr_assert(fn == 0 || fn == 1);
        cr_assert_str_eq(t->cell[r][col(t, "alternative")], "one");
        for (int k = 0; k < 8; k++)
            cr_assert_float_eq(atof(t->cell[r][col(t, cols[k])]), want[fn][k],
                               1e-9, "function %d %s: %s", fn, cols[k],
                               t->cell[r][col(t, cols[k])]);
    }
    table_free(t);
}

/* The trace of the two tests below: requests of 0.1 s at 0 (a), 10 (b),
 * 20 (c), 30 (a), 40 (b), 50 (c), 60 (c); functions by first appearance:
 * a = 0, b = 1, c = 2. */
#define FLEET_TRACE                                                         \
    "t,dur,fn\n0,100,a\n10,100,b\n20,100,c\n30,100,a\n40,100,b\n"          \
    "50,100,c\n60,100,c\n"

/* The run in out: each function's cold starts (every instance start is
 * one: provisioned instances exist before the run), and the provisioned
 * bill, `instances` x 600 s (400 s in 5-minute increments) x 0.5 GB x
 * $0.0000041667 per GB-s. */
static void check_fleets(const char *out, const double cold[3],
                         int instances)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/functions.csv", out);
    Table *t = table_read(path);
    cr_assert_eq(t->n_rows, 3);
    const double arrivals[3] = {2, 2, 3};
    double cold_total = 0;
    for (int r = 1; r <= 3; r++) {
        int fn = atoi(t->cell[r][col(t, "function")]);
        cr_assert(fn >= 0 && fn <= 2);
        cr_assert_float_eq(atof(t->cell[r][col(t, "arrivals")]),
                           arrivals[fn], 1e-9);
        cr_assert_float_eq(atof(t->cell[r][col(t, "cold")]), cold[fn], 1e-9,
                           "function %d cold: %s", fn,
                           t->cell[r][col(t, "cold")]);
        cr_assert_float_eq(atof(t->cell[r][col(t, "instance_starts")]),
                           cold[fn], 1e-9);
        cold_total += cold[fn];
    }
    table_free(t);
    snprintf(path, sizeof path, "%s/summary.csv", out);
    t = table_read(path);
    double usd = atof(t->cell[1][col(t, "cost_provisioned_usd")]);
    double hand = instances * 600 * 0.5 * 0.0000041667;
    fprintf(stderr, "%d provisioned instances: $%.10g (hand: $%.10g)\n",
            instances, usd, hand);
    cr_assert_float_eq(usd, hand, 1e-12);
    cr_assert_float_eq(atof(t->cell[1][col(t, "cold_starts")]), cold_total,
                       1e-9);
    table_free(t);
}

Test(outputs, provisioned_fleets_for_the_busiest_functions)
{
    /* Keep-alive none: an on-demand instance serves one request and goes.
     * One provisioned instance for each of the 2 busiest functions, c (3
     * arrivals) and a (2, the lower index of the tie with b): b's two
     * requests start cold. */
    char out[1100];
    run_trace("outputs-pcf", FLEET_TRACE,
              "{\"name\": \"pc\", \"memory_mb\": 512, \"keepalive\": "
              "{\"policy\": \"none\"}, \"provisioned\": {\"count\": 1, "
              "\"functions\": 2}}",
              out, sizeof out);
    const double cold[3] = {0, 2, 0};
    check_fleets(out, cold, 2);
}

Test(outputs, provisioned_fleets_for_named_functions)
{
    /* by_function {"b": 2, "c": 1, "a": 0}: a (no provisioned instance)
     * starts cold both times, b's two and c's one take every request of
     * theirs (c's three come 10 s apart). */
    char out[1100];
    run_trace("outputs-pcn", FLEET_TRACE,
              "{\"name\": \"pc\", \"memory_mb\": 512, \"keepalive\": "
              "{\"policy\": \"none\"}, \"provisioned\": {\"by_function\": "
              "{\"b\": 2, \"c\": 1, \"a\": 0}}}",
              out, sizeof out);
    const double cold[3] = {2, 0, 0};
    check_fleets(out, cold, 3);
}

/* One value: csv_num and %.17g agree byte for byte. */
static void same_as_g17(double x)
{
    char want[64], got[CSV_NUM_MAX];
    snprintf(want, sizeof want, "%.17g", x);
    int n = csv_num(got, sizeof got, x);
    cr_assert_str_eq(got, want, "%a", x);
    cr_assert_eq(n, (int)strlen(want));
}

Test(outputs, csv_num_writes_what_g17_writes)
{
    const double edge[] = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           9007199254740991.0,
                           9007199254740992.0,
                           -9007199254740992.0,
                           1e15,
                           1e16,
                           -1e17,
                           123456789.0,
                           0.1,
                           -2.5,
                           1e300,
                           4.9406564584124654e-324,
                           (double)NAN,
                           (double)INFINITY,
                           -(double)INFINITY};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        same_as_g17(edge[i]);
    uint64_t st = 0x9e3779b97f4a7c15u; /* splitmix64, fixed seed */
    int whole = 0;
    for (int i = 0; i < 200000; i++) {
        st += 0x9e3779b97f4a7c15u;
        uint64_t z = st;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        z ^= z >> 31;
        double x;
        if (i % 2 == 0) { /* a whole number: sign, then 0 .. 2^53 - 1 */
            int64_t v = (int64_t)(z >> 11) >> (z & 63 & 31);
            x = (z & 1) ? -(double)v : (double)v;
            whole++;
        } else { /* any bit pattern */
            memcpy(&x, &z, sizeof x);
        }
        same_as_g17(x);
    }
    fprintf(stderr, "csv_num: %zu edge values and 200,000 drawn (%d whole) "
                    "as %%.17g writes them\n",
            sizeof edge / sizeof edge[0], whole);
}

/*
 * test_timeseries.c - timeseries.csv's cost column against the summary.
 *
 * Pins: the cost_usd of a run's last timeseries row is the run's final
 * cost, printed to the row's 6 decimals exactly as summary.csv's cost_usd
 * rounds there, for every kind of platform: serverless billed per request
 * (a request still running at the horizon billed for the 20 ms it ran),
 * instance-billed serverless (open instance periods rounded up to 100 ms),
 * provisioned concurrency (the open period rounded up to 5 minutes), a
 * fixed VM (the 600 s run that once printed twice its cost), an autoscaled
 * fleet, a hybrid and a spot VM reclaimed during the run.  The scenario
 * runs through the command line, as a user runs it, so the files are the
 * ones users read.
 * Also pins: the rows before the last never exceed the last (cost accrues;
 * not for the spot VM: one reclaimed in its first hour is not charged, so
 * the time it accrued drops out at its interruption).
 * Does not pin the intermediate rows' values (accrued, unrounded) beyond
 * that, nor runs with a warm-up deleted from the summary (the timeseries
 * counts from time 0 there, the summary from the warm-up point).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

enum { MAX_ALTS = 16 };

/* The index of `name` among the comma-separated fields of `header`. */
static int column(const char *header, const char *name)
{
    int k = 0;
    size_t n = strlen(name);
    for (const char *p = header; *p; k++) {
        const char *end = strpbrk(p, ",\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return k;
        if (end == NULL || *end == '\n')
            break;
        p = end + 1;
    }
    cr_assert_fail("no column '%s' in %s", name, header);
    return -1;
}

/* Field k of a CSV line (no quoting in these files), copied to out. */
static void field(const char *line, int k, char *out, size_t size)
{
    const char *p = line;
    for (int i = 0; i < k; i++) {
        p = strchr(p, ',');
        cr_assert_not_null(p, "line has no field %d: %s", k, line);
        p++;
    }
    size_t len = strcspn(p, ",\n");
    cr_assert_lt(len, size);
    memcpy(out, p, len);
    out[len] = '\0';
}

typedef struct AltCost {
    char name[64];
    char ts_last[32];   /* cost_usd of its last timeseries row */
    double ts_max_before; /* largest cost_usd of its earlier rows */
    int rows;
    double summary;     /* summary.csv cost_usd */
    double unfinished;
} AltCost;

static AltCost *find(AltCost *a, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(a[i].name, name) == 0)
            return &a[i];
    cr_assert_lt(*n, MAX_ALTS);
    AltCost *c = &a[(*n)++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

static int read_costs(const char *out, AltCost *a)
{
    char path[1300], line[16384], buf[64];
    int n = 0;
    snprintf(path, sizeof path, "%s/timeseries.csv", out);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "no %s", path);
    cr_assert_not_null(fgets(line, sizeof line, fp));
    int cost_col = column(line, "cost_usd");
    while (fgets(line, sizeof line, fp)) {
        field(line, 0, buf, sizeof buf);
        AltCost *c = find(a, &n, buf);
        if (c->rows > 0) {
            double prev = atof(c->ts_last);
            if (prev > c->ts_max_before)
                c->ts_max_before = prev;
        }
        field(line, cost_col, c->ts_last, sizeof c->ts_last);
        c->rows++;
    }
    fclose(fp);
    snprintf(path, sizeof path, "%s/summary.csv", out);
    fp = fopen(path, "r");
    cr_assert_not_null(fp, "no %s", path);
    cr_assert_not_null(fgets(line, sizeof line, fp));
    int sum_col = column(line, "cost_usd");
    int unf_col = column(line, "unfinished");
    int rows = 0;
    while (fgets(line, sizeof line, fp)) {
        field(line, 0, buf, sizeof buf);
        int known = n;
        AltCost *c = find(a, &n, buf);
        cr_assert_eq(n, known, "%s is in summary.csv only", buf);
        field(line, sum_col, buf, sizeof buf);
        c->summary = atof(buf);
        field(line, unf_col, buf, sizeof buf);
        c->unfinished = atof(buf);
        rows++;
    }
    fclose(fp);
    cr_assert_eq(rows, n, "%d alternatives in summary.csv, %d in "
                          "timeseries.csv", rows, n);
    return n;
}

Test(timeseries, last_row_cost_equals_summary_cost_on_every_platform)
{
    char dir[1024], file[1100], out[1100], models[1024], body[8192];
    support_tmpdir("tscost", dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(file, sizeof file, "%s/ts.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    /* 30 req/s exactly: the request that arrives at 630 s is still running
     * at the horizon, 630.02 s, which is not a multiple of the 60 s
     * interval (the last window is 30.02 s long). */
    snprintf(
        body, sizeof body,
        "{\"name\": \"ts\", \"seed\": 12, \"horizon_s\": 630.02, "
        "\"timeseries_interval_s\": 60, \"models_dir\": \"%s\", "
        "\"model\": \"resnet50\", \"workload\": {\"type\": \"constant\", "
        "\"rate_per_s\": 30}, \"defaults\": {\"hardware\": \"cpu\", "
        "\"timeout_s\": 900}, \"alternatives\": ["
        "{\"name\": \"lambda\", \"memory_mb\": 10240},"
        "{\"name\": \"cloud-run-instance\", \"pricing\": "
        "\"gcp-cloud-run-instance\", \"memory_mb\": 2048, \"vcpus\": 1},"
        "{\"name\": \"lambda-pc\", \"memory_mb\": 2048, \"provisioned\": 2},"
        "{\"name\": \"vm\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
        "\"c7i.large\", \"count\": 1, \"slots\": 2}},"
        "{\"name\": \"vm-auto\", \"platform\": \"vm\", \"vm\": "
        "{\"instance_type\": \"c7i.large\", \"slots\": 2, \"autoscale\": "
        "{\"min\": 1, \"max\": 3, \"metric\": \"utilization\", \"target\": "
        "0.1, \"period_s\": 60, \"cooldown_s\": 120}}},"
        "{\"name\": \"hybrid\", \"platform\": \"hybrid\", \"memory_mb\": 2048, "
        "\"vm\": {\"instance_type\": \"c7i.large\", \"count\": 1, \"slots\": "
        "1}},"
        "{\"name\": \"vm-spot\", \"platform\": \"vm\", \"vm\": "
        "{\"instance_type\": \"c7i.large\", \"count\": 1, \"slots\": 2, "
        "\"pricing\": \"spot\", \"spot\": {\"interruptions_per_hour\": 0, "
        "\"notice_at_s\": [200.5]}}}]}",
        models);
    support_write_file(file, body);
    const char *argv[] = {"simsrv", "run", file, "--out", out, "--quiet",
                          NULL};
    cr_assert_eq(support_cli(argv), 0, "simsrv run failed (its stderr is in "
                                       "the log)");

    AltCost a[MAX_ALTS];
    int n = read_costs(out, a);
    cr_assert_eq(n, 7);
    for (int i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "%.6f", a[i].summary);
        fprintf(stderr, "%-20s last timeseries row %s, summary %.9f (%s), "
                        "%d rows\n",
                a[i].name, a[i].ts_last, a[i].summary, want, a[i].rows);
        cr_assert_eq(a[i].rows, 11, "%s: 10 full windows + 1 partial",
                     a[i].name);
        cr_assert_str_eq(a[i].ts_last, want,
                         "%s: the last timeseries row says %s, the summary "
                         "%s",
                         a[i].name, a[i].ts_last, want);
        if (strcmp(a[i].name, "vm-spot") != 0)
            cr_assert_leq(a[i].ts_max_before, atof(a[i].ts_last),
                          "%s: an earlier row (%g) exceeds the final cost",
                          a[i].name, a[i].ts_max_before);
    }
    /* the request-billed check bills a partial request (else it would
     * compare two sums of completed requests only) */
    cr_assert_geq(a[0].unfinished, 1, "nothing ran across the horizon");
}

/*
 * test_azure2021.c - the Azure Functions 2021 trace (workload "azure2021":
 * the trace reader with numbered functions and start = end - duration).
 *
 * On the generated trace (scripts/make-traces: traces/azure2021-
 * invocations.csv, 10 rows, 4 functions, appA/f1 and appB/f1 distinct):
 * exact start times and function numbers in start order; a window [10, 70)
 * with time scale 2 keeps 8 arrivals at (start - 10) x 2; appC/f9's row
 * needs a look-ahead of 2 rows -- with 1 it is an error naming its line;
 * a replay gives each function its own instances (4 functions, arrivals per
 * function as counted from the file); sampling the top 2 functions keeps
 * appA/f1 (4 rows) and appB/f1 (3), renumbered 0 and 1, and a random /
 * quartile sample of n keeps n; functions' names are their app and func
 * columns (read on for the unreplayed, a sample's only); bad rows name
 * file and line.  On the
 * InVitro samples in ../shared (skipped with a message when absent): every
 * row is replayed, once, in start order.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/scenario.h"
#include "platform/serverless.h"
#include "support.h"
#include "workload/trace.h"

static TraceSpec az21_spec(const char *file, int lookahead)
{
    TraceSpec t;
    memset(&t, 0, sizeof t);
    snprintf(t.file, sizeof t.file, "%s", file);
    strcpy(t.time_column, "end_timestamp");
    strcpy(t.duration_column, "duration");
    strcpy(t.function_column, "func");
    strcpy(t.app_column, "app");
    t.numbered = 1;
    t.end_time = 1;
    t.time_unit_s = 1;
    t.duration_unit_s = 1;
    t.time_scale = 1;
    t.lookahead = lookahead;
    return t;
}

/* Replays t and checks each arrival's time (and function, unless want_fn
 * is NULL), then that trace_check counts n rows and n_fns functions. */
static void expect_replay(const TraceSpec *t, const double *want_t,
                          const int *want_fn, int n, uint64_t n_fns)
{
    Err err;
    TraceReader *r = trace_open(t, &err);
    cr_assert_not_null(r, "%s", err.msg);
    TraceRow row;
    int i = 0, rc;
    while ((rc = trace_next(r, &row, &err)) > 0) {
        cr_assert_lt(i, n);
        cr_assert_float_eq(row.t_s, want_t[i], 1e-9, "row %d: %g", i, row.t_s);
        if (want_fn != NULL)
            cr_assert_eq(row.fn, want_fn[i], "row %d: function %d", i, row.fn);
        i++;
    }
    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_assert_eq(i, n);
    trace_close(r);
    uint64_t rows, fns;
    cr_assert_eq(trace_check(t, &rows, &fns, &err), 0);
    cr_assert_eq(rows, (uint64_t)n);
    cr_assert_eq(fns, n_fns);
}

Test(azure2021, starts_in_order_with_numbered_functions)
{
    char path[1024];
    support_src("traces/azure2021-invocations.csv", path, sizeof path);
    TraceSpec t = az21_spec(path, 2);
    const double want_t[] = {9.0,  10.0, 12.0, 15.0, 20.0,
                             30.0, 60.0, 64.5, 69.9, 120.0};
    const int want_fn[] = {1, 0, 2, 3, 0, 2, 1, 0, 2, 0};
    expect_replay(&t, want_t, want_fn, 10, 4);

    /* window [10, 70), twice as slow; functions are numbered over the
     * whole file */
    t.start_s = 10;
    t.end_s = 70;
    t.time_scale = 2;
    const double want_w[] = {0, 4, 10, 20, 40, 100, 109, 119.8};
    expect_replay(&t, want_w, NULL, 8, 4);
}

Test(azure2021, look_ahead_too_short_names_the_line)
{
    char path[1024];
    support_src("traces/azure2021-invocations.csv", path, sizeof path);
    TraceSpec t = az21_spec(path, 1);
    uint64_t rows, fns;
    Err err;
    cr_assert_lt(trace_check(&t, &rows, &fns, &err), 0);
    fprintf(stderr, "%s: %s\n", err.where, err.msg);
    cr_assert(strstr(err.where, "azure2021-invocations.csv:7") != NULL, "%s",
              err.where);
    cr_assert(strstr(err.msg, "out of order beyond the look-ahead") != NULL);
}

static void load_text(const char *text, Scenario *sc, Err *err, int want_ok)
{
    char path[1100];
    support_src("scenarios/az21-test.json", path, sizeof path);
    err_clear(err);
    int rc = scenario_load_text(path, text, NULL, sc, err);
    if (want_ok)
        cr_assert_eq(rc, 0, "%s: %s", err->where, err->msg);
    else
        cr_assert_lt(rc, 0, "accepted: %s", text);
}

Test(azure2021, replay_gives_each_function_its_instances)
{
    Scenario sc;
    Err err;
    load_text("{\"name\": \"az21\", \"seed\": 1, \"horizon_s\": 300,"
              " \"slo_ms\": 1000, \"model\": \"resnet18\","
              " \"workload\": {\"type\": \"azure2021\","
              " \"file\": \"../traces/azure2021-invocations.csv\"},"
              " \"defaults\": {\"memory_mb\": 1024, \"timeout_s\": 0,"
              " \"beyond_limits\": true},"
              " \"alternatives\": [{\"name\": \"ka600\"}]}",
              &sc, &err, 1);
    cr_assert_eq(sc.workload.trace_functions, 4);
    cr_assert_eq(sc.workload.trace_rows, 10);
    RunConfig rc = support_config(&sc.alt[0], &sc.workload, sc.horizon_s, 1);
    World *w = world_create(&rc);
    sim_run(world_sim(w), rc.horizon);
    RunResult res;
    world_finish(w, &res);
    cr_assert_eq(srvpool_functions(w->srv), 4);
    const uint64_t per_fn[] = {4, 2, 3, 1};
    for (int i = 0; i < 4; i++) {
        SrvFnStats st;
        srvpool_fn_stats(w->srv, i, rc.horizon, &st);
        cr_assert_eq(st.arrivals, per_fn[i], "function %d: %llu", i,
                     (unsigned long long)st.arrivals);
        cr_assert_eq(st.completed, per_fn[i]);
        cr_assert_eq(st.cold, 1, "one cold start per function (ka 600 s)");
    }
    cr_assert_eq(res.v[MET_cold_starts], 4);
    world_destroy(w);
    scenario_free(&sc);
}

Test(azure2021, function_sampling)
{
    char path[1024];
    support_src("traces/azure2021-invocations.csv", path, sizeof path);
    TraceSpec t = az21_spec(path, 2);
    t.sample = AZ_SAMPLE_TOP;
    t.sample_n = 2;
    const double want_t[] = {10.0, 12.0, 20.0, 30.0, 64.5, 69.9, 120.0};
    const int want_fn[] = {0, 1, 0, 1, 0, 1, 0};
    expect_replay(&t, want_t, want_fn, 7, 2);
    uint64_t rows, fns;
    Err err;
    for (int method = AZ_SAMPLE_RANDOM; method <= AZ_SAMPLE_QUARTILE;
         method++) {
        t.sample = method;
        t.sample_n = 3;
        cr_assert_eq(trace_check(&t, &rows, &fns, &err), 0);
        cr_assert_eq(fns, 3, "method %d kept %llu", method,
                     (unsigned long long)fns);
    }
}

/* Pins: a function's names are its app and func columns as first read; a
 * function whose rows lie beyond what was replayed (appC/f9, line 7, after
 * one arrival with a look-ahead of 2) is found by reading on; a sample
 * holds its kept functions' names only. */
Test(azure2021, function_names_read_on_and_sampled)
{
    static const char *const app[4] = {"appA", "appA", "appB", "appC"};
    static const char *const fn[4] = {"f1", "f2", "f1", "f9"};
    char path[1024];
    support_src("traces/azure2021-invocations.csv", path, sizeof path);
    TraceSpec t = az21_spec(path, 2);
    Err err;
    TraceReader *r = trace_open(&t, &err);
    cr_assert_not_null(r, "%s", err.msg);
    TraceRow row;
    cr_assert_eq(trace_next(r, &row, &err), 1);
    const char *ga, *gf;
    for (int i = 3; i >= 0; i--) {
        trace_function_names(r, i, &ga, &gf);
        cr_assert_not_null(gf, "function %d", i);
        cr_assert_str_eq(ga, app[i], "function %d", i);
        cr_assert_str_eq(gf, fn[i], "function %d", i);
    }
    trace_function_names(r, 4, &ga, &gf); /* there is no fifth */
    cr_assert_null(gf);
    trace_close(r);

    t.sample = AZ_SAMPLE_TOP;
    t.sample_n = 2; /* appA/f1 (4 rows) and appB/f1 (3) */
    r = trace_open(&t, &err);
    cr_assert_not_null(r, "%s", err.msg);
    while (trace_next(r, &row, &err) > 0)
        ;
    trace_function_names(r, 0, &ga, &gf);
    cr_assert(strcmp(ga, "appA") == 0 && strcmp(gf, "f1") == 0);
    trace_function_names(r, 1, &ga, &gf);
    cr_assert(strcmp(ga, "appB") == 0 && strcmp(gf, "f1") == 0);
    trace_function_names(r, 2, &ga, &gf);
    cr_assert_null(gf);
    trace_close(r);
}

Test(azure2021, bad_rows_name_file_and_line)
{
    char dir[512], file[700], text[2048];
    support_tmpdir("az21-bad", dir, sizeof dir);
    snprintf(file, sizeof file, "%s/t.csv", dir);
    const struct {
        const char *csv, *where, *msg;
    } cases[] = {
        {"app,func,end_timestamp,duration\na,f,10,1\na,f,11\n", ":3",
         "truncated"},
        {"app,func,end_timestamp,duration\na,f,ten,1\n", ":2", "not a number"},
        {"app,func,end_timestamp,duration\na,f,10,-1\n", ":2", "negative"},
        {"app,func,end_timestamp\na,f,10\n", "t.csv", "no column 'duration'"},
        {"", "t.csv", "empty trace"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        support_write_file(file, cases[i].csv);
        snprintf(text, sizeof text,
                 "{\"name\": \"bad\", \"horizon_s\": 100, \"model\": "
                 "\"resnet18\", \"workload\": {\"type\": \"azure2021\", "
                 "\"file\": \"%s\"}, \"alternatives\": [{\"name\": \"a\"}]}",
                 file);
        Scenario sc;
        Err err;
        load_text(text, &sc, &err, 0);
        fprintf(stderr, "case %zu: %s: %s\n", i, err.where, err.msg);
        cr_assert(strstr(err.where, cases[i].where) != NULL, "case %zu: %s", i,
                  err.where);
        cr_assert(strstr(err.msg, cases[i].msg) != NULL, "case %zu: %s", i,
                  err.msg);
    }
}

/* The InVitro samples of the 2021 trace, when ../shared has them. */
Test(azure2021, public_invitro_samples_replay_completely)
{
    const char *names[] = {"Azure2021_30.csv", "Azure2021_200.csv"};
    for (int k = 0; k < 2; k++) {
        char rel[1024], path[PATH_MAX];
        char sub[256];
        snprintf(sub, sizeof sub,
                 "../shared/traces/azure_functions_2021/invitro_samples/%s",
                 names[k]);
        support_src(sub, rel, sizeof rel);
        if (realpath(rel, path) == NULL)
            cr_skip("../shared/traces/azure_functions_2021 is absent: the "
                    "InVitro samples are not replayed");
        /* rows, independently of the reader */
        FILE *fp = fopen(path, "r");
        cr_assert_not_null(fp);
        static char line[4096];
        uint64_t n_rows = 0;
        while (fgets(line, sizeof line, fp) != NULL)
            n_rows++;
        fclose(fp);
        n_rows--; /* the header */
        TraceSpec t = az21_spec(path, 100000);
        Err err;
        TraceReader *r = trace_open(&t, &err);
        cr_assert_not_null(r, "%s", err.msg);
        TraceRow row;
        uint64_t n = 0;
        double last = -1;
        int rc;
        while ((rc = trace_next(r, &row, &err)) > 0) {
            cr_assert_geq(row.t_s, last);
            last = row.t_s;
            n++;
        }
        cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
        trace_close(r);
        printf("%s: %llu rows, %llu replayed in start order\n", names[k],
               (unsigned long long)n_rows, (unsigned long long)n);
        cr_assert_eq(n, n_rows);
    }
}

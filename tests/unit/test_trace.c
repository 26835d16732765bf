/*
 * test_trace.c - the generic CSV trace reader and trace replay.
 *
 * Pins: exact arrival times and counts from a generated trace, CRLF and
 * gzip read alike, window + time-scale semantics (window start becomes 0,
 * times scaled), the function filter, re-ordering inside the look-ahead
 * and an error naming the line beyond it; each class of bad input gives
 * file:line and the problem; a replay through the simulator uses the
 * trace's durations as service times (hand-worked latencies) and a bad
 * trace makes `simsrv run` exit 2 with nothing written; datetime stamps
 * are counted from the first row; on the public Azure LLM 2023 traces
 * (when ../shared/traces is present) the token medians are the published
 * ones: code 1469 / 13, conversation 1020 / 129.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "cli/cli.h"
#include "support.h"
#include "workload/trace.h"

static char dir[1024];

static TraceSpec spec_for(const char *name)
{
    TraceSpec t;
    memset(&t, 0, sizeof t);
    snprintf(t.file, sizeof t.file, "%s/%s", dir, name);
    strcpy(t.time_column, "timestamp");
    t.time_unit_s = 1;
    t.duration_unit_s = 1e-3;
    t.time_scale = 1;
    t.lookahead = 4;
    return t;
}

static int read_all(const TraceSpec *t, double *ts, double *ds, int max,
                    Err *err)
{
    TraceReader *r = trace_open(t, err);
    if (r == NULL)
        return -1;
    int n = 0, rc;
    TraceRow row;
    while ((rc = trace_next(r, &row, err)) > 0 && n < max) {
        ts[n] = row.t_s;
        ds[n] = row.dur_s;
        n++;
    }
    trace_close(r);
    return rc < 0 ? -1 : n;
}

static const char *csv =
    "timestamp,function,duration\n"
    "10.5,f,120\n"
    "11.25,g,80\n"
    "11,f,30\n" /* out of order by one row: inside the look-ahead */
    "12.75,f,45.5\n"
    "20,f,10\n";

Test(trace, exact_times_crlf_and_gzip)
{
    support_tmpdir("trace", dir, sizeof dir);
    char path[1200];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    support_write_file(path, csv);
    /* the same with CRLF line ends, and gzipped */
    char crlf[512];
    size_t k = 0;
    for (const char *p = csv; *p; p++) {
        if (*p == '\n')
            crlf[k++] = '\r';
        crlf[k++] = *p;
    }
    crlf[k] = '\0';
    snprintf(path, sizeof path, "%s/crlf.csv", dir);
    support_write_file(path, crlf);
    snprintf(path, sizeof path, "%s/t.csv.gz", dir);
    gzFile gz = gzopen(path, "wb");
    gzputs(gz, csv);
    gzclose(gz);
    const char *files[] = {"t.csv", "crlf.csv", "t.csv.gz"};
    for (int f = 0; f < 3; f++) {
        TraceSpec t = spec_for(files[f]);
        strcpy(t.duration_column, "duration");
        double ts[16], ds[16];
        Err err;
        int n = read_all(&t, ts, ds, 16, &err);
        cr_assert_eq(n, 5, "%s: %d rows (%s)", files[f], n, err.msg);
        double want_t[] = {10.5, 11, 11.25, 12.75, 20};
        double want_d[] = {0.120, 0.030, 0.080, 0.0455, 0.010};
        for (int i = 0; i < 5; i++) {
            cr_assert_float_eq(ts[i], want_t[i], 1e-12, "%s row %d", files[f], i);
            cr_assert_float_eq(ds[i], want_d[i], 1e-12);
        }
    }
}

Test(trace, window_scale_and_function)
{
    support_tmpdir("trace-w", dir, sizeof dir);
    char path[1200];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    support_write_file(path, csv);
    TraceSpec t = spec_for("t.csv");
    t.start_s = 11;     /* keeps 11, 11.25, 12.75 (20 is past end) */
    t.end_s = 15;
    t.time_scale = 2;   /* twice as slow, from 0 */
    strcpy(t.function_column, "function");
    strcpy(t.function, "f"); /* drops 11.25 (g) */
    double ts[16], ds[16];
    Err err;
    int n = read_all(&t, ts, ds, 16, &err);
    cr_assert_eq(n, 2, "%s", err.msg);
    cr_assert_float_eq(ts[0], 0.0, 1e-12);
    cr_assert_float_eq(ts[1], 3.5, 1e-12); /* (12.75 - 11) x 2 */
    cr_assert(isnan(ds[0]), "no duration column mapped");
}

static void expect_bad(const char *name, const char *text, int lookahead,
                       const char *needle)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    support_write_file(path, text);
    TraceSpec t = spec_for(name);
    strcpy(t.duration_column, "duration");
    t.lookahead = lookahead;
    uint64_t rows;
    Err err;
    uint64_t fns;
    cr_assert_lt(trace_check(&t, &rows, &fns, &err), 0, "%s accepted", name);
    char line[1400];
    err_format(&err, line, sizeof line);
    fprintf(stderr, "%s\n", line);
    cr_assert_not_null(strstr(line, needle), "'%s' not in: %s", needle, line);
    cr_assert_not_null(strstr(line, name));
}

Test(trace, bad_inputs_name_file_and_line)
{
    support_tmpdir("trace-bad", dir, sizeof dir);
    expect_bad("order.csv", "timestamp,duration\n5,1\n6,1\n7,1\n1,1\n", 2,
               "order.csv:5: timestamp out of order beyond the look-ahead");
    expect_bad("nan.csv", "timestamp,duration\n5,1\nsoon,1\n", 4,
               "nan.csv:3: not a number in the timestamp column");
    expect_bad("neg.csv", "timestamp,duration\n5,-1\n", 4,
               "neg.csv:2: negative duration");
    expect_bad("short.csv", "timestamp,duration\n5,1\n6\n", 4,
               "short.csv:3: 1 fields");
    expect_bad("empty.csv", "", 4, "empty trace");
    expect_bad("cols.csv", "time,duration\n5,1\n", 4,
               "no column 'timestamp'");
    /* a line longer than the reader's buffer */
    static char big[TRACE_MAX_LINE + 64];
    strcpy(big, "timestamp,duration\n5,");
    size_t n = strlen(big);
    memset(big + n, '1', TRACE_MAX_LINE);
    big[n + TRACE_MAX_LINE] = '\0';
    expect_bad("long.csv", big, 4, "line longer than");
}

Test(trace, replay_uses_the_trace_durations)
{
    /* requests at 0, 1, 2 s lasting 300, 2500, 100 ms on a function with
     * instant starts: r0 cold on A (done 0.3), r1 warm on A (done 3.5),
     * r2 at 2 s finds A busy: cold on B (done 2.1).  Latencies 0.3, 2.5,
     * 0.1 s, whatever the model profile says. */
    support_tmpdir("trace-run", dir, sizeof dir);
    char path[1200];
    snprintf(path, sizeof path, "%s/log.csv", dir);
    support_write_file(path, "timestamp,duration\n100,300\n101,2500\n102,100\n");
    AltSpec alt = support_alt(5.0, 0.0);
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "trace");
    wl.trace = spec_for("log.csv");
    strcpy(wl.trace.duration_column, "duration");
    wl.trace.start_s = 100;
    RunResult res = support_run(&alt, &wl, 60, 1, 0);
    cr_assert_eq(res.v[MET_arrivals], 3);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_float_eq(res.v[MET_mean_ms], (300.0 + 2500 + 100) / 3, 1e-9);
    cr_assert_float_eq(res.v[MET_max_ms], 2500.0, 1e-9);
    cr_assert_eq(res.v[MET_cold_starts], 2);
}

Test(trace, bad_trace_makes_run_exit_2_and_write_nothing)
{
    char models[1024], file[1200], out[1200], body[2048], path[1200];
    support_tmpdir("trace-cli", dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(path, sizeof path, "%s/log.csv", dir);
    support_write_file(path, "timestamp\n1\n2\nthree\n");
    snprintf(file, sizeof file, "%s/s.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(body, sizeof body,
             "{\"horizon_s\": 60, \"models_dir\": \"%s\", \"model\": "
             "\"mlp-tabular\", \"workload\": {\"type\": \"trace\", \"file\": "
             "\"log.csv\"}, \"alternatives\": [{\"name\": \"a\", "
             "\"memory_mb\": 512}]}",
             models);
    support_write_file(file, body);
    const char *argv[] = {"simsrv", "run", file, "--out", out};
    FILE *o = tmpfile(), *e = tmpfile();
    cr_assert_eq(cli_main_streams(5, (char **)argv, o, e), 2);
    char msg[1024];
    rewind(e);
    size_t n = fread(msg, 1, sizeof msg - 1, e);
    msg[n] = '\0';
    fprintf(stderr, "%s", msg);
    cr_assert_not_null(strstr(msg, "log.csv:4: not a number"));
    cr_assert_eq(support_dir_entries(out), -1, "output directory created");
    fclose(o);
    fclose(e);
}

/* A trace in the Azure LLM schema: datetime stamps and token columns. */
static TraceSpec llm_spec(const char *file)
{
    TraceSpec t = spec_for(file);
    strcpy(t.time_column, "TIMESTAMP");
    strcpy(t.context_column, "ContextTokens");
    strcpy(t.generated_column, "GeneratedTokens");
    t.datetime = 1;
    return t;
}

/* Writes `text` as llm.csv in a fresh directory; its spec. */
static TraceSpec write_llm(const char *tag, const char *text)
{
    support_tmpdir(tag, dir, sizeof dir);
    char path[1200];
    snprintf(path, sizeof path, "%s/llm.csv", dir);
    support_write_file(path, text);
    return llm_spec("llm.csv");
}

Test(trace, datetime_stamps_and_token_counts)
{
    TraceSpec t = write_llm("trace-dt",
                            "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                            "2023-11-16 23:59:59.5000000,4808,10\n"
                            "2023-11-17 00:00:01.2500000,3180,8\n");
    Err err;
    TraceReader *r = trace_open(&t, &err);
    cr_assert_not_null(r, "%s", err.msg);
    TraceRow row;
    cr_assert_eq(trace_next(r, &row, &err), 1);
    cr_assert_float_eq(row.t_s, 0.0, 1e-9);
    cr_assert_eq(row.context, 4808);
    cr_assert_eq(row.generated, 10);
    cr_assert_eq(trace_next(r, &row, &err), 1);
    cr_assert_float_eq(row.t_s, 1.75, 1e-9, "across midnight");
    cr_assert_eq(row.context, 3180);
    cr_assert_eq(trace_next(r, &row, &err), 0);
    trace_close(r);
}

/* The 2024 Azure LLM traces stamp times with a UTC offset ("+00:00");
 * other offsets move the time to UTC, and a bad one names the line. */
Test(trace, datetime_utc_offsets_2024_format)
{
    TraceSpec t = write_llm("trace-tz",
                            "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                            "2024-05-10 00:00:00.009930+00:00,2048,30\n"
                            "2024-05-10 01:00:00.5+01:00,100,5\n"
                            "2024-05-10T00:00:02Z,7,1\n"
                            "2024-05-09 19:00:03-0500,8,2\n");
    Err err;
    TraceReader *r = trace_open(&t, &err);
    cr_assert_not_null(r, "%s", err.msg);
    TraceRow row;
    /* 01:00:00.5+01:00 is 00:00:00.5 UTC: 0.49007 s after the first */
    const double want[] = {0.0, 0.5 - 0.00993, 2 - 0.00993, 3 - 0.00993};
    const long ctx[] = {2048, 100, 7, 8};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(trace_next(r, &row, &err), 1, "row %d: %s", i, err.msg);
        /* epoch seconds in a double: ~0.2 us resolution in 2024 */
        cr_assert_float_eq(row.t_s, want[i], 1e-6, "row %d: %.9f", i,
                           row.t_s);
        cr_assert_eq(row.context, ctx[i]);
    }
    cr_assert_eq(trace_next(r, &row, &err), 0);
    trace_close(r);

    t = write_llm("trace-tz-bad", "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                  "2024-05-10 00:00:00.009930+00:00,2048,30\n"
                                  "2024-05-10 00:00:04+00:0x,9,3\n");
    r = trace_open(&t, &err);
    int rc = r != NULL ? trace_next(r, &row, &err) : -1;
    if (rc > 0)
        rc = trace_next(r, &row, &err);
    cr_assert_lt(rc, 0, "a bad offset is an error");
    cr_assert_not_null(strstr(err.where, "llm.csv:3"), "%s", err.where);
    cr_assert_not_null(strstr(err.msg, "not a datetime"), "%s", err.msg);
    trace_close(r);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void check_medians(const char *file, long ctx_med, long gen_med)
{
    char path[1200];
    support_src("../shared/traces/azure_llm_2023", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *probe = fopen(path, "r");
    if (probe == NULL)
        cr_skip("../shared/traces is absent: the public LLM trace test "
                "needs it");
    fclose(probe);
    TraceSpec t = llm_spec(file);
    t.lookahead = 10000;
    Err err;
    TraceReader *r = trace_open(&t, &err);
    cr_assert_not_null(r, "%s", err.msg);
    static long ctx[40000], gen[40000];
    int n = 0, rc;
    TraceRow row;
    double last = -1;
    while ((rc = trace_next(r, &row, &err)) > 0 && n < 40000) {
        cr_assert_geq(row.t_s, last, "replayed in time order");
        last = row.t_s;
        ctx[n] = row.context;
        gen[n] = row.generated;
        n++;
    }
    cr_assert_eq(rc, 0, "%s: %s", err.where, err.msg);
    trace_close(r);
    qsort(ctx, (size_t)n, sizeof *ctx, cmp_long);
    qsort(gen, (size_t)n, sizeof *gen, cmp_long);
    long cm = ctx[(n - 1) / 2], gm = gen[(n - 1) / 2];
    fprintf(stderr, "%s: %d requests over %.0f s, median prompt %ld, output "
                    "%ld\n",
            file, n, last, cm, gm);
    cr_assert_eq(cm, ctx_med);
    cr_assert_eq(gm, gen_med);
}

Test(trace, public_azure_llm_2023_code_medians)
{
    check_medians("AzureLLMInferenceTrace_code.csv", 1469, 13);
}

Test(trace, public_azure_llm_2023_conversation_medians)
{
    check_medians("AzureLLMInferenceTrace_conv.csv", 1020, 129);
}

Test(trace, llm_requests_take_a_plus_prompt_plus_output_time)
{
    /* a = 50 ms, 0.2 ms per prompt token, 20 ms per output token, no noise;
     * requests 10 s apart on a warm (provisioned) instance:
     * (1000, 10) -> 50 + 200 + 200 = 450 ms; (500, 100) -> 2150 ms. */
    support_tmpdir("trace-llm", dir, sizeof dir);
    char path[1200];
    snprintf(path, sizeof path, "%s/llm.csv", dir);
    support_write_file(path, "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                             "2023-11-16 18:00:00.0,1000,10\n"
                             "2023-11-16 18:00:10.0,500,100\n");
    AltSpec alt = support_alt(0, 0.0);
    alt.hw.warm_affine = 1;
    alt.hw.warm_a_s = 0.050;
    alt.hw.warm_sigma = 0;
    alt.hw.per_token = 1;
    alt.hw.prompt_s_per_token = 0.0002;
    alt.hw.output_s_per_token = 0.020;
    alt.n_prov = 1;
    alt.prov[0].count = 1;
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "trace");
    wl.trace = spec_for("llm.csv");
    strcpy(wl.trace.time_column, "TIMESTAMP");
    strcpy(wl.trace.context_column, "ContextTokens");
    strcpy(wl.trace.generated_column, "GeneratedTokens");
    wl.trace.datetime = 1;
    RunResult res = support_run(&alt, &wl, 60, 1, 0);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(res.v[MET_cold_starts], 0);
    cr_assert_float_eq(res.v[MET_max_ms], 2150.0, 1e-9);
    cr_assert_float_eq(res.v[MET_mean_ms], (450.0 + 2150.0) / 2, 1e-9);
}

/* Pins: a header or row wider than the reader's 255-field bound is a
 * file:line error naming the bound (it used to read an unset field). */
Test(trace, wider_than_255_fields_is_an_error)
{
    support_tmpdir("trace-wide", dir, sizeof dir);
    static char text[8192];
    strcpy(text, "timestamp,duration");
    for (int i = 0; i < 300; i++)
        strcat(text, ",x");
    strcat(text, "\n5,1\n");
    expect_bad("widehead.csv", text, 4,
               "widehead.csv:1: the header has more than 255 columns");
    strcpy(text, "timestamp,duration\n5,1\n6");
    for (int i = 0; i < 300; i++)
        strcat(text, ",1");
    strcat(text, "\n");
    expect_bad("widerow.csv", text, 4,
               "widerow.csv:3: the row has more than 255 fields");
}

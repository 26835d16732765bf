/*
 * cli.c - `simsrv run`, `--help`, `--version` (see cli.h).
 *
 * A run is: load and validate the scenario completely (config/), then -- and
 * only then -- create the output directory, run every (alternative,
 * replication) pair on the same seed (common random numbers), and write
 * summary.json, summary.csv and timeseries.csv (functions.csv,
 * requests.h5) under temporary names, renamed into place together only once
 * every one is complete (util/outset.h): the folder holds the previous set
 * or the new one, never a mix.
 */
#include "cli.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../calib/calib.h"
#include "../config/scenario.h"
#include "../output/report.h"
#include "../output/report_ci.h"
#include "../output/sink.h"
#include "../output/timeseries.h"
#include "../platform/world.h"
#include "../policy/policy.h"
#include "../util/atomic_file.h"
#include "../util/outset.h"
#include "../util/xalloc.h"
#include "../workload/arrivals.h"
#include "progress.h"
#include "streams.h"
#include "optimize.h"
#include "sweep.h"


static void usage_main(FILE *fp)
{
    fputs("usage: simsrv <command> [options]\n"
          "\n"
          "A discrete-event simulator of serverless ML inference: what do\n"
          "serverless deployments of a model cost, and what latency do they\n"
          "deliver, for a given traffic?\n"
          "\n"
          "commands:\n"
          "  run FILE       simulate a scenario and compare its alternatives\n"
          "  sweep FILE     run a parameter sweep (OpenMP; shards for clusters)\n"
          "  merge FILE     merge a sharded sweep's results\n"
          "  optimize FILE  the cheapest configuration that meets the SLO\n"
          "  calibrate M    measure an ONNX model with ONNX Runtime and write\n"
          "                 its latency profile (--validate PROFILE: check it)\n"
          "  catalog [ID]   list the built-in prices (ids for \"pricing\" and\n"
          "                 \"instance_type\"), or show one entry in full\n"
          "  help [CMD]     show help for a command\n"
          "\n"
          "options:\n"
          "  -h, --help     show this help\n"
          "  -V, --version  print the version\n"
          "\n"
          "Example:  simsrv run scenarios/spiky.json\n"
          "Scenario format, outputs and models: see README.md.\n",
          fp);
}

static void usage_run(FILE *fp)
{
    fputs("usage: simsrv run FILE [options]\n"
          "\n"
          "Runs every alternative (deployment) of the scenario FILE on the same\n"
          "arrivals, for each replication, prints one row per alternative and\n"
          "writes results/<scenario>/{summary.json,summary.csv,timeseries.csv}\n"
          "(and functions.csv, one row per function, for many-function traces).\n"
          "\n"
          "options:\n"
          "  --seed N            override the scenario's seed\n"
          "  --replications R    override the number of replications\n"
          "  --out DIR           write outputs to DIR (default results/<name>)\n"
          "  --models DIR        read model profiles from DIR\n"
          "                      (default: models/ beside the scenario's folder)\n"
          "  --no-timeseries     do not write timeseries.csv\n"
          "  --requests          also write requests.h5: every request of every\n"
          "                      run (arrival, outcome, cold, waits, latency, server)\n"
          "  --ci                also print 95% intervals of the main metrics\n"
          "                      and the $/month projection\n"
          "  -q, --quiet         no progress display (the table still prints)\n"
          "  -h, --help          show this help\n"
          "\n"
          "Units: times in seconds (*_s) or milliseconds (*_ms), memory in MB,\n"
          "money in USD.  Latency quantiles have a relative error of at most\n"
          "1% (exact below 4,096 completed requests).\n"
          "\n"
          "Exit status: 0 success, 2 bad input or I/O error (one line on\n"
          "stderr; nothing is written).\n",
          fp);
    fputs("\nkeep-alive policies:", fp);
    for (const char *const *n = policy_names(); *n; n++)
        fprintf(fp, " %s", *n);
    fputs("\nworkloads:", fp);
    for (const char *const *n = arrivals_names(); *n; n++)
        fprintf(fp, " %s", *n);
    fputc('\n', fp);
}

static int usage_error(const Streams *st, const char *fmt,
                       const char *arg)
{
    FILE *e = st->err;
    char safe[512];
    err_escape(safe, sizeof safe, arg != NULL ? arg : "");
    fputs("simsrv: ", e);
    fprintf(e, fmt, safe);
    fputs(" (try 'simsrv --help')\n", e);
    return 2;
}

static void usage_catalog(FILE *fp)
{
    fputs("usage: simsrv catalog [ID] [--json]\n"
          "\n"
          "Without ID: the built-in pricing catalog, one line per entry with\n"
          "every price it charges.  With ID: that entry in full -- prices,\n"
          "billing rules, free tier, platform limits, sources and dates.\n"
          "\n"
          "options:\n"
          "  --json        print it as JSON (every field, defaults filled in)\n"
          "  -h, --help    show this help\n"
          "\n"
          "Exit status: 0 success, 2 unknown ID or option (one line on\n"
          "stderr).\n",
          fp);
}

/* simsrv catalog [ID] [--json] */
static int cmd_catalog(const Streams *st, int argc, char **argv)
{
    const char *id = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "-h") == 0 ||
                   strcmp(argv[i], "--help") == 0) {
            usage_catalog(st->out);
            return 0;
        } else if (argv[i][0] == '-') {
            return usage_error(st, "catalog: unknown option '%s'", argv[i]);
        } else if (id != NULL) {
            return usage_error(st, "catalog: one entry id at most (got '%s' "
                                   "as well)",
                               argv[i]);
        } else {
            id = argv[i];
        }
    }
    Err err;
    err_clear(&err);
    int rc = json ? catalog_print_json(st->out, id, &err)
             : id ? catalog_print_entry(st->out, id, &err)
                  : catalog_print(st->out, &err);
    return rc < 0 ? cli_fail(st, &err) : 0;
}

static int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The run's progress: run idx of total; work = runs, the one in progress
 * counted by the fraction of its simulated time (progress.h). */
typedef struct RunProgress {
    Progress line;
    int idx, total;
    const char *alt;
    int rep;
    double t0_s;     /* the whole run's start: the ETA covers every run */
    double run_t0_s; /* this (alternative, replication) run's start */
} RunProgress;

static void show_progress(void *ctx, double frac, uint64_t events)
{
    RunProgress *p = ctx;
    double now = progress_now_s();
    if (!progress_due(&p->line, now))
        return;
    double dt = now - p->run_t0_s;
    char buf[512];
    progress_run_line(buf, sizeof buf, p->idx, p->total, p->alt, p->rep, frac,
                      dt > 0 ? (double)events / dt : 0.0, now - p->t0_s);
    progress_show(&p->line, now, buf);
}

typedef struct RunOpts {
    const char *file;
    const char *out_dir;
    const char *models_dir;
    int64_t seed;
    int replications;
    int quiet;
    int no_ts;
    int requests;
    int ci;
} RunOpts;

/* Writes summary.json and summary.csv as complete temporaries of `set`. */
static int write_outputs(const char *dir, const ReportInput *rep, OutSet *set,
                         Err *err)
{
    static const char *const files[] = {"summary.json", "summary.csv"};
    for (int i = 0; i < 2; i++) {
        char path[1100];
        AtomicFile af;
        int rc;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if ((rc = atomic_file_open(&af, path, err)) < 0)
            return rc;
        if (i == 0)
            report_write_json(af.fp, rep);
        else
            report_write_csv(af.fp, rep);
        if ((rc = atomic_file_finish(&af, err)) < 0)
            return rc;
        outset_add(set, af.tmp, af.path);
    }
    return 0;
}

/* Finishes one open AtomicFile into `set` (a no-op when not wanted). */
static int finish_into(AtomicFile *af, int want, int rc, OutSet *set,
                       Err *err)
{
    if (!want)
        return rc;
    if (rc < 0) {
        atomic_file_abort(af);
        return rc;
    }
    if ((rc = atomic_file_finish(af, err)) == 0)
        outset_add(set, af->tmp, af->path);
    return rc;
}

/* The mean over a composite alternative's replications of one part field
 * (at byte offset `off` in PartResult, plus `ph` doubles for a phase). */
static double part_mean(const RunResult *res, int reps, int k, size_t off,
                        int ph)
{
    double sum = 0;
    for (int r = 0; r < reps; r++) {
        const char *p = (const char *)&res[r].part[k] + off;
        sum += ((const double *)(const void *)p)[ph];
    }
    return sum / reps;
}

#define PART_MEAN(res, reps, k, field, ph)                                     \
    part_mean(res, reps, k, offsetof(PartResult, field), ph)

/* A rollout's overlap: the phases in which two or more versions take
 * traffic, and what every version is billed in them; then what versions
 * taking no traffic are billed (idle instances left over, provisioned ones
 * kept): the double provisioning. */
static void print_overlap(FILE *fp, const AltSpec *alt, const RunResult *ra,
                          int reps)
{
    double usd = 0, starts = 0, idle_usd = 0, from = -1, to = -1;
    for (int ph = 0; ph < ra->n_phases; ph++) {
        int live = 0;
        for (int k = 0; k < alt->n_parts; k++)
            live += alt->phase[ph].weight[k] > 0;
        for (int k = 0; k < alt->n_parts; k++) {
            double c = PART_MEAN(ra, reps, k, phase_cost_usd, ph);
            if (alt->phase[ph].weight[k] <= 0)
                idle_usd += c;
            if (live < 2)
                continue;
            usd += c;
            starts += PART_MEAN(ra, reps, k, phase_starts, ph);
        }
        if (live >= 2 && from < 0)
            from = ra->phase_from_s[ph];
        if (live >= 2)
            to = ph + 1 < ra->n_phases ? ra->phase_from_s[ph + 1] : -1;
    }
    if (from < 0)
        fprintf(fp, "%s: no phase with two versions taking traffic", alt->name);
    else if (to < 0)
        fprintf(fp, "%s: overlap from %.0f s to the horizon: $%.4f, %.1f "
                    "starts",
                alt->name, from, usd, starts);
    else
        fprintf(fp, "%s: overlap %.0f-%.0f s: $%.4f, %.1f starts", alt->name,
                from, to, usd, starts);
    fprintf(fp, "; versions without traffic billed $%.4f\n", idle_usd);
}

/* After the main table: each pipeline's stages and rollout's versions
 * (means over the replications), and each rollout's phases. */
static void print_parts(FILE *fp, const Scenario *sc, const RunResult *res,
                        int reps)
{
    int header = 0, phases = 0;
    for (int a = 0; a < sc->n_alt; a++) {
        const AltSpec *alt = &sc->alt[a];
        const RunResult *ra = &res[a * reps];
        if (alt->n_parts == 0)
            continue;
        if (!header++)
            fprintf(fp, "\n%-19s %-8s %9s %7s %8s %7s %8s %8s %8s %9s\n",
                    "stage / version", "part", "requests", "cold %",
                    "share %", "starts", "cold ms", "mean ms", "p99 ms",
                    "cost $");
        phases |= alt->kind == PLATFORM_ROLLOUT;
        for (int k = 0; k < alt->n_parts; k++)
            fprintf(fp, "%-19s %-8s %9.0f %7.2f %8.1f %7.1f %8.1f %8.1f "
                        "%8.1f %9.4f\n",
                    alt->name, alt->part[k].name,
                    PART_MEAN(ra, reps, k, arrivals, 0),
                    PART_MEAN(ra, reps, k, cold_pct, 0),
                    PART_MEAN(ra, reps, k, cold_share_pct, 0),
                    PART_MEAN(ra, reps, k, instance_starts, 0),
                    PART_MEAN(ra, reps, k, cold_wait_ms, 0),
                    PART_MEAN(ra, reps, k, mean_ms, 0),
                    PART_MEAN(ra, reps, k, p99_ms, 0),
                    PART_MEAN(ra, reps, k, cost_usd, 0));
    }
    if (!phases)
        return;
    fprintf(fp, "\n%-19s %5s %9s %-8s %8s %9s %7s %9s\n", "rollout",
            "phase", "from s", "version", "weight %", "requests", "starts",
            "cost $");
    for (int a = 0; a < sc->n_alt; a++) {
        const AltSpec *alt = &sc->alt[a];
        const RunResult *ra = &res[a * reps];
        if (alt->kind != PLATFORM_ROLLOUT)
            continue;
        for (int ph = 0; ph < ra->n_phases; ph++)
            for (int k = 0; k < alt->n_parts; k++)
                fprintf(fp, "%-19s %5d %9.0f %-8s %8.1f %9.1f %7.1f %9.4f\n",
                        alt->name, ph, ra->phase_from_s[ph],
                        alt->part[k].name, 100 * alt->phase[ph].weight[k],
                        PART_MEAN(ra, reps, k, phase_arrivals, ph),
                        PART_MEAN(ra, reps, k, phase_starts, ph),
                        PART_MEAN(ra, reps, k, phase_cost_usd, ph));
    }
    fputc('\n', fp);
    for (int a = 0; a < sc->n_alt; a++)
        if (sc->alt[a].kind == PLATFORM_ROLLOUT)
            print_overlap(fp, &sc->alt[a], &res[a * reps], reps);
}

static int run_scenario(const Streams *s, const RunOpts *o)
{
    Streams st = *s;
    Err err;
    err_clear(&err);
    Scenario sc;
    ScenarioOverrides ov = {o->seed, o->replications, o->models_dir, NULL, 0};
    if (scenario_load(o->file, &ov, &sc, &err) < 0)
        return cli_fail(&st, &err);

    char dir[1024];
    if (o->out_dir != NULL)
        snprintf(dir, sizeof dir, "%s", o->out_dir);
    else
        snprintf(dir, sizeof dir, "results/%s", sc.name);
    if (mkdir_p(dir, &err) < 0) {
        scenario_free(&sc);
        return cli_fail(&st, &err);
    }
    outset_remove_stale(dir);
    AtomicFile ts = {0};
    int want_ts = sc.ts_interval_s > 0 && !o->no_ts;
    if (want_ts) {
        char path[1100];
        snprintf(path, sizeof path, "%s/timeseries.csv", dir);
        if (atomic_file_open(&ts, path, &err) < 0) {
            scenario_free(&sc);
            return cli_fail(&st, &err);
        }
        ts_write_header(ts.fp, workload_has_tokens(&sc.workload),
                        scenario_has_queue(&sc));
    }
    /* Many-function traces: one row per function, alternative, replication */
    AtomicFile fns = {0};
    int want_fns = workload_multi_function(&sc.workload);
    if (want_fns) {
        char path[1100];
        snprintf(path, sizeof path, "%s/functions.csv", dir);
        if (atomic_file_open(&fns, path, &err) < 0) {
            atomic_file_abort(&ts);
            scenario_free(&sc);
            return cli_fail(&st, &err);
        }
        fprintf(fns.fp, "%s\n", FN_CSV_HEADER);
    }
    /* Pipelines and rollouts: one row per stage or version (and phase) */
    AtomicFile stages = {0};
    int want_stages = 0;
    for (int a = 0; a < sc.n_alt; a++)
        want_stages |= sc.alt[a].n_parts > 0;
    if (want_stages) {
        char path[1100];
        snprintf(path, sizeof path, "%s/stages.csv", dir);
        if (atomic_file_open(&stages, path, &err) < 0) {
            atomic_file_abort(&ts);
            atomic_file_abort(&fns);
            scenario_free(&sc);
            return cli_fail(&st, &err);
        }
        fprintf(stages.fp, "%s\n", STAGES_CSV_HEADER);
    }

    void *sink = NULL;
    char h5_path[1100], h5_tmp[1200];
    if (o->requests) {
        if (sink_hdf5 == NULL) {
            err_set(&err, SIM_EINPUT, "--requests",
                    "this simsrv was built without HDF5");
            atomic_file_abort(&ts); /* all are no-ops when not open */
            atomic_file_abort(&fns);
            atomic_file_abort(&stages);
            scenario_free(&sc);
            return cli_fail(&st, &err);
        }
        char seed[32], reps_s[32], alts[2048] = "";
        snprintf(h5_path, sizeof h5_path, "%s/requests.h5", dir);
        outset_tmp_name(h5_tmp, sizeof h5_tmp, h5_path);
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)sc.seed);
        snprintf(reps_s, sizeof reps_s, "%d", sc.replications);
        for (int a = 0; a < sc.n_alt; a++) {
            size_t n = strlen(alts);
            snprintf(alts + n, sizeof alts - n, "%s%s", a ? "," : "",
                     sc.alt[a].name);
        }
        const char *meta[] = {"scenario", sc.name, "simsrv_version",
                              SIMSRV_VERSION, "seed", seed, "replications",
                              reps_s, "alternatives", alts, "scenario_json",
                              sc.json_text, NULL};
        sink = sink_hdf5->open(h5_tmp, meta, &err);
        if (sink == NULL) {
            snprintf(err.where, sizeof err.where, "%s", h5_path);
            atomic_file_abort(&ts); /* all are no-ops when not open */
            atomic_file_abort(&fns);
            atomic_file_abort(&stages);
            scenario_free(&sc);
            return cli_fail(&st, &err);
        }
    }

    if (strcmp(sc.workload.type, "azure2019") == 0) {
        const Az19Stats *j = &sc.workload.az19_stats;
        fprintf(st.out,
                "azure2019 join: %" PRIu64 " functions, %" PRIu64
                " replayed; %" PRIu64 " without durations (%" PRIu64
                " invocations dropped), %" PRIu64 " durations rows unused, %" PRIu64
                " without memory; %" PRIu64 " invocations in the window\n",
                j->functions, j->kept, j->no_duration, j->no_duration_invocations,
                j->durations_unused, j->no_memory, j->invocations);
    }
    int reps = sc.replications, total = sc.n_alt * reps;
    RunResult *results = xcalloc((size_t)total, sizeof *results);
    RunProgress prog = {{0}, 0, total, NULL, 0, progress_now_s(), 0};
    progress_init(&prog.line, st.err, !o->quiet);
    for (int a = 0; a < sc.n_alt; a++) {
        for (int r = 0; r < reps; r++) {
            RunConfig rc = {0};
            rc.alt = &sc.alt[a];
            rc.wl = &sc.workload;
            rc.seed = sc.seed;
            rc.rep = (uint32_t)r;
            rc.horizon = time_from_s(sc.horizon_s);
            rc.slo = time_from_s(sc.slo_ms * 1e-3);
            rc.slo_ttft = time_from_s(sc.slo_ttft_ms * 1e-3);
            rc.slo_tpot = time_from_s(sc.slo_tpot_ms * 1e-3);
            rc.llm = workload_has_tokens(&sc.workload);
            rc.queue = scenario_has_queue(&sc);
            rc.ts_interval = want_ts ? time_from_s(sc.ts_interval_s) : 0;
            rc.ts_out = want_ts ? ts.fp : NULL;
            rc.fn_out = want_fns ? fns.fp : NULL;
            rc.stages_out = want_stages ? stages.fp : NULL;
            rc.req_sink = sink != NULL ? sink_hdf5 : NULL;
            rc.req_sink_state = sink;
            rc.alt_index = a;
            rc.warmup = sc.warmup;
            rc.model_name = sc.model.name;
            if (!o->quiet) {
                prog.idx = a * reps + r;
                prog.alt = sc.alt[a].name;
                prog.rep = r;
                prog.run_t0_s = progress_now_s();
                rc.progress = show_progress;
                rc.progress_ctx = &prog;
                show_progress(&prog, 0.0, 0);
            }
            world_run(&rc, &results[a * reps + r]);
        }
    }
    progress_clear(&prog.line);

    const char **names = xcalloc((size_t)sc.n_alt, sizeof *names);
    const char **prices = xcalloc((size_t)sc.n_alt, sizeof *prices);
    for (int a = 0; a < sc.n_alt; a++) {
        names[a] = sc.alt[a].name;
        prices[a] = sc.alt[a].price.id;
    }
    ReportInput rep = {sc.name, sc.path, sc.description, sc.json_text,
                       sc.model.name, sc.catalog_date, SIMSRV_VERSION,
                       sc.seed, reps, sc.horizon_s, sc.slo_ms, sc.n_alt,
                       names, prices, results,
                       scenario_columns(&sc), sc.slo_ttft_ms,
                       sc.slo_tpot_ms};
    OutSet set;
    outset_init(&set);
    int rc = write_outputs(dir, &rep, &set, &err);
    rc = finish_into(&ts, want_ts, rc, &set, &err);
    rc = finish_into(&fns, want_fns, rc, &set, &err);
    rc = finish_into(&stages, want_stages, rc, &set, &err);
    if (sink != NULL) {
        int src = sink_hdf5->close(sink, rc == 0, &err);
        if (rc == 0 && (rc = src) == 0)
            outset_add(&set, h5_tmp, h5_path);
        else if (src < 0) /* name the file the user knows */
            snprintf(err.where, sizeof err.where, "%s", h5_path);
    }
    if (rc == 0)
        rc = outset_commit(&set, &err);
    else
        outset_abort(&set);
    if (rc == 0)
        report_print_table(st.out, &rep, dir);
    if (rc == 0 && want_stages)
        print_parts(st.out, &sc, results, reps);
    if (rc == 0 && o->ci)
        report_print_ci(st.out, &rep);
    free(names);
    free(prices);
    free(results);
    scenario_free(&sc);
    return rc < 0 ? cli_fail(&st, &err) : 0;
}

static int cmd_run(const Streams *st, int argc, char **argv)
{
    RunOpts o = {NULL, NULL, NULL, -1, 0, 0, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage_run(st->out);
            return 0;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o.quiet = 1;
        } else if (strcmp(a, "--no-timeseries") == 0) {
            o.no_ts = 1;
        } else if (strcmp(a, "--requests") == 0) {
            o.requests = 1;
        } else if (strcmp(a, "--ci") == 0) {
            o.ci = 1;
        } else if (strcmp(a, "--seed") == 0 || strcmp(a, "--replications") == 0 ||
                   strcmp(a, "--out") == 0 || strcmp(a, "--models") == 0) {
            if (i + 1 >= argc)
                return usage_error(st, "run: %s needs a value", a);
            const char *v = argv[++i];
            int64_t n;
            if (strcmp(a, "--seed") == 0) {
                if (parse_i64(v, 0, 9007199254740991LL, &n) < 0)
                    return usage_error(st, "run: --seed: '%s' is not an integer "
                                       "in 0..2^53-1",
                                       v);
                o.seed = n;
            } else if (strcmp(a, "--replications") == 0) {
                if (parse_i64(v, 1, 100000, &n) < 0)
                    return usage_error(st, "run: --replications: '%s' is not an "
                                       "integer in 1..100000",
                                       v);
                o.replications = (int)n;
            } else if (strcmp(a, "--out") == 0) {
                if (strlen(v) > CLI_OUT_MAX)
                    return usage_error(st, "run: --out: the folder name is "
                                       "longer than %s characters",
                                       CLI_OUT_MAX_STR);
                o.out_dir = v;
            } else {
                o.models_dir = v;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error(st, "run: unknown option '%s'", a);
        } else if (o.file == NULL) {
            o.file = a;
        } else {
            return usage_error(st, "run: more than one scenario file ('%s')", a);
        }
    }
    if (o.file == NULL)
        return usage_error(st, "run: no scenario file given%s", "");
    return run_scenario(st, &o);
}

/* GSL's default handler prints two lines and aborts.  Every GSL call
 * simsrv makes has arguments the configuration already checked, so an error
 * there is an input simsrv failed to refuse: one line and exit 2, like any
 * other bad input (exit() removes the temporaries of the output set). */
static void gsl_error_exit(const char *reason, const char *file, int line,
                           int gsl_errno)
{
    fprintf(stderr, "simsrv: GSL error %d at %s:%d: %s\n", gsl_errno, file,
            line, reason);
    exit(2);
}

int cli_main_streams(int argc, char **argv, FILE *out, FILE *err)
{
    Streams st = {out, err};
    gsl_set_error_handler(gsl_error_exit);
    if (argc < 2) {
        usage_main(st.err);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        usage_main(st.out);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        fprintf(st.out, "simsrv %s\n", SIMSRV_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(argv[2], "run") == 0)
            usage_run(st.out);
        else if (argc > 2 && strcmp(argv[2], "catalog") == 0)
            usage_catalog(st.out);
        else if (argc > 2 && strcmp(argv[2], "calibrate") == 0) {
            char a0[] = "calibrate", a1[] = "--help";
            char *hv[] = {a0, a1, NULL};
            return calibrate_cmd(2, hv, st.out, st.err);
        }
        else
            usage_main(st.out);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(&st, argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return sweep_cmd(argc - 1, argv + 1, st.out, st.err);
    if (strcmp(cmd, "merge") == 0)
        return merge_cmd(argc - 1, argv + 1, st.out, st.err);
    if (strcmp(cmd, "optimize") == 0)
        return optimize_cmd(argc - 1, argv + 1, st.out, st.err);
    if (strcmp(cmd, "calibrate") == 0)
        return calibrate_cmd(argc - 1, argv + 1, st.out, st.err);
    if (strcmp(cmd, "calibrate-worker") == 0) /* internal: calib.h */
        return calib_worker_main(argc - 1, argv + 1);
    if (strcmp(cmd, "catalog") == 0)
        return cmd_catalog(&st, argc - 1, argv + 1);
    return usage_error(&st, "unknown command '%s'", cmd);
}

int cli_main(int argc, char **argv)
{
    return cli_main_streams(argc, argv, stdout, stderr);
}

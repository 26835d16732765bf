/*
 * test_compose.c - pipelines of stages and rollouts of versions
 * (platform/compose.c) against hand arithmetic and sample-path identities.
 *
 * Pins: a hand-worked 3-stage schedule with one cold start (every stage
 * time, every end-to-end latency, the stage counts, the standard
 * orchestration fee); a hand-worked fan-out and join (end to end = the
 * longest path, the stages beside each other); the latency identity per request (end-to-end = the
 * sum of its stage times + one transition per stage, exact in
 * microseconds) on a random run too; the cost identity (the pipeline's bill
 * = the sum of the stages' bills in stages.csv + the orchestration fee,
 * recomputed here per request for Step Functions express); Little's law
 * per stage on a sample path (L = time-average requests in the stage, inside
 * [lambda W, lambda W + unfinished x longest / T]); a rollout's split
 * fractions per phase inside 99.9% binomial intervals; a hand-worked
 * rollout schedule (which version serves which request, one cold start per
 * version); the rollout's bill = the sum of its versions' phases; and
 * common random numbers: a rollout with all its weight on one version is
 * that version run alone, number for number.  Does not pin the orchestration
 * price figures (config/scenario.c holds them with their source).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define MAX_SEEN 200000
#define MAX_ROWS 64

/* What the observe hook saw: per request id, the sum of its stage times
 * and its end-to-end latency; per stage, Little's law sums. */
typedef struct Seen {
    SimTime stage_sum[MAX_SEEN];
    SimTime e2e[MAX_SEEN];
    int stages_done[MAX_SEEN];
    SimTime stage_lat[4][8]; /* the hand-worked cases: stage, request */
    double sojourn_us[8];    /* per stage: sum over completed */
    SimTime longest_us[8];
    uint64_t completed[8];
    double express_usd;      /* recomputed per ended request */
    const OrchSpec *orch;
} Seen;

static void observe(void *ctx, const Request *req, SimTime now)
{
    Seen *s = ctx;
    cr_assert(req->id < MAX_SEEN);
    SimTime lat = now - req->arrival;
    if (req->tag != 0) { /* a stage ended it */
        if (req->outcome != REQ_COMPLETED)
            return;
        int k = req->part;
        s->stage_sum[req->id] += lat;
        s->stages_done[req->id]++;
        s->sojourn_us[k] += (double)lat;
        s->completed[k]++;
        if (lat > s->longest_us[k])
            s->longest_us[k] = lat;
        if (req->id < 8 && k < 4)
            s->stage_lat[k][req->id] = lat;
        return;
    }
    s->e2e[req->id] = req->outcome == REQ_COMPLETED ? lat : -1;
    if (s->orch != NULL && s->orch->kind == ORCH_EXPRESS) {
        double billed_s = ceil((double)lat / 1e5) * 0.1; /* 100 ms */
        double gb = ceil(s->orch->memory_mb / 64.0) * 64.0 / 1024.0;
        s->express_usd += s->orch->usd_per_request +
                          billed_s * gb * s->orch->usd_per_gb_s;
    }
}

static AltSpec fixed_stage(const char *name, double service_s, double start_s)
{
    AltSpec a = support_alt(0, start_s);
    snprintf(a.name, sizeof a.name, "%s", name);
    a.hw.warm.kind = DIST_CONSTANT;
    a.hw.warm.a_s = service_s;
    return a;
}

static AltSpec composite(PlatformKind kind, AltSpec *parts, int n)
{
    AltSpec a = support_alt(0, 0);
    snprintf(a.name, sizeof a.name, "%s",
             kind == PLATFORM_PIPELINE ? "pipe" : "roll");
    a.kind = kind;
    a.n_parts = n;
    a.part = parts;
    return a;
}

/* One parsed stages.csv row. */
typedef struct Row {
    int part, phase;
    double from_s, to_s, weight_pct, arrivals, completed, rejected, cold,
        cold_share_pct, starts, cold_wait_ms, busy_mean, starting_mean,
        instances_mean, cost_usd;
} Row;

/* Splits one CSV line into fields (empty fields kept). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p != '\0' && n < max; p++)
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static int read_rows(FILE *fp, Row *rows)
{
    char line[1024];
    int n = 0;
    rewind(fp);
    while (fgets(line, sizeof line, fp) != NULL && n < MAX_ROWS) {
        char *f[32];
        cr_assert_eq(split(line, f, 32), 23, "stages.csv has 23 columns");
        Row *r = &rows[n++];
        r->part = atoi(f[2]);
        r->phase = atoi(f[4]);
        r->from_s = atof(f[5]);
        r->to_s = atof(f[6]);
        r->weight_pct = atof(f[7]);
        r->arrivals = atof(f[8]);
        r->completed = atof(f[9]);
        r->rejected = atof(f[10]);
        r->cold = atof(f[12]);
        r->cold_share_pct = atof(f[14]);
        r->starts = atof(f[15]);
        r->cold_wait_ms = atof(f[16]);
        r->busy_mean = atof(f[19]);
        r->starting_mean = atof(f[20]);
        r->instances_mean = atof(f[21]);
        r->cost_usd = atof(f[22]);
    }
    return n;
}

/* Runs alt on wl with the observe hook (*seen cleared first, its orch
 * kept) and stages.csv rows. */
static RunResult run_with(const AltSpec *alt, const WorkloadSpec *wl,
                          double horizon_s, uint64_t seed, Seen *seen,
                          Row *rows, int *n_rows)
{
    const OrchSpec *orch = seen->orch;
    memset(seen, 0, sizeof *seen);
    seen->orch = orch;
    RunConfig rc = support_config(alt, wl, horizon_s, seed);
    rc.observe = observe;
    rc.observe_ctx = seen;
    rc.stages_out = tmpfile();
    cr_assert_not_null(rc.stages_out);
    RunResult r;
    world_run(&rc, &r);
    *n_rows = read_rows(rc.stages_out, rows);
    fclose(rc.stages_out);
    cr_assert_eq(r.v[MET_arrivals], r.v[MET_completed] + r.v[MET_rejected] +
                                        r.v[MET_timed_out] +
                                        r.v[MET_unfinished]);
    return r;
}

Test(compose, hand_worked_three_stages_one_cold_start)
{
    /* Stages: pre 0.1234 s (one provisioned instance), model 0.4321 s
     * (on demand, start 1.5 s), post 0.0432 s (one provisioned); each
     * transition 0.02 s; arrivals at 0, 2, 4, 6 s.
     * r0: pre 0.02-0.1434; model entry 0.1634, cold, ready 1.6634, done
     *     2.0955 (stage time 1.9321); post 2.1155-2.1587: e2e 2.1587.
     * r1 (2 s): pre 2.02-2.1434; model 2.1634, warm (idle since 2.0955),
     *     done 2.5955; post 2.6155-2.6587: e2e 0.6587 = 3 x 0.02 + 0.1234 +
     *     0.4321 + 0.0432; r2, r3 the same.  One cold start (model, r0):
     *     25% of requests cold, all of them in the model stage.
     * Standard orchestration, $25 per 1M transitions: 12 x 25e-6 = $3e-4. */
    AltSpec parts[3] = {fixed_stage("pre", 0.1234, 0.25),
                        fixed_stage("model", 0.4321, 1.5),
                        fixed_stage("post", 0.0432, 0.125)};
    parts[0].n_prov = parts[2].n_prov = 1;
    parts[0].prov[0].count = parts[2].prov[0].count = 1;
    AltSpec alt = composite(PLATFORM_PIPELINE, parts, 3);
    alt.orch.kind = ORCH_STANDARD;
    alt.orch.transition_s = 0.02;
    alt.orch.usd_per_transition = 25e-6;
    WorkloadSpec wl = support_constant(0.5, 0, 7);
    static Seen seen;
    Row rows[MAX_ROWS];
    int n;
    RunResult r = run_with(&alt, &wl, 10, 1, &seen, rows, &n);
    cr_assert_eq(r.v[MET_completed], 4);
    cr_assert_eq(r.v[MET_cold_starts], 1);
    cr_assert_float_eq(r.v[MET_cold_pct], 25.0, 1e-12);
    const SimTime e2e[4] = {2158700, 658700, 658700, 658700};
    const SimTime model[4] = {1932100, 432100, 432100, 432100};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(seen.e2e[i], e2e[i], "r%d: e2e %lld us", i,
                     (long long)seen.e2e[i]);
        cr_assert_eq(seen.stage_lat[0][i], 123400);
        cr_assert_eq(seen.stage_lat[1][i], model[i]);
        cr_assert_eq(seen.stage_lat[2][i], 43200);
        cr_assert_eq(seen.e2e[i], seen.stage_sum[i] + 3 * 20000);
    }
    cr_assert_float_eq(r.v[MET_max_ms], 2158.7, 1e-9);
    cr_assert_eq(n, 3);
    const double starts[3] = {0, 1, 0}, share[3] = {0, 100, 0};
    double parts_usd = 0;
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(rows[k].part, k);
        cr_assert_eq(rows[k].phase, -1);
        cr_assert_eq(rows[k].arrivals, 4);
        cr_assert_eq(rows[k].completed, 4);
        cr_assert_eq(rows[k].starts, starts[k]);
        cr_assert_float_eq(rows[k].cold_share_pct, share[k], 1e-12);
        cr_assert_float_eq(rows[k].cold_wait_ms, k == 1 ? 1500.0 : 0.0, 1e-9);
        parts_usd += rows[k].cost_usd;
    }
    /* Little on the model stage: (1.9321 + 3 x 0.4321) s over 10 s */
    cr_assert_float_eq(rows[1].starting_mean, 1.5 / 10, 1e-12);
    cr_assert_float_eq(rows[1].busy_mean + rows[1].starting_mean,
                       (1.9321 + 3 * 0.4321) / 10, 1e-12);
    cr_assert_float_eq(r.v[MET_cost_usd], parts_usd + 12 * 25e-6, 1e-12);
    cr_assert_float_eq(r.v[MET_cost_requests_usd] - 12 * 25e-6,
                       3 * 4 * 0.20e-6, 1e-15); /* Lambda $0.20 per 1M */
}

Test(compose, hand_worked_fan_out_and_join)
{
    /* pre (0.1 s) -> {a (0.3 s), b (0.5 s, on demand, start 1.0 s)} ->
     * post (0.05 s) after both; pre, a and post provisioned; 10 ms
     * transitions; arrivals at 0 and 5 s.
     * r0: pre 0.01-0.11; a and b enter at 0.12: a done 0.42, b cold,
     *     ready 1.12, done 1.62; post 1.63-1.68: e2e 1.68 = the longest
     *     path 3 x 0.01 + 0.1 + (1.0 + 0.5) + 0.05, not the sum of stages.
     * r1: the same warm: b done 5.62, post 5.63-5.68: e2e 0.68.
     * Four transitions per request (8 at $25 per 1M); one cold start. */
    AltSpec parts[4] = {fixed_stage("pre", 0.1, 0.25),
                        fixed_stage("a", 0.3, 0.25),
                        fixed_stage("b", 0.5, 1.0),
                        fixed_stage("post", 0.05, 0.25)};
    for (int k = 0; k < 4; k += k == 1 ? 2 : 1) {
        parts[k].n_prov = 1;
        parts[k].prov[0].count = 1;
    }
    parts[2].after_mask = 1;       /* b after pre, beside a */
    parts[3].after_mask = 2 | 4;   /* post after a and b */
    AltSpec alt = composite(PLATFORM_PIPELINE, parts, 4);
    alt.orch.kind = ORCH_STANDARD;
    alt.orch.transition_s = 0.01;
    alt.orch.usd_per_transition = 25e-6;
    WorkloadSpec wl = support_constant(0.2, 0, 6);
    static Seen seen;
    Row rows[MAX_ROWS];
    int n;
    RunResult r = run_with(&alt, &wl, 10, 1, &seen, rows, &n);
    cr_assert_eq(r.v[MET_completed], 2);
    cr_assert_eq(r.v[MET_cold_starts], 1);
    cr_assert_float_eq(r.v[MET_cold_pct], 50.0, 1e-12);
    cr_assert_eq(seen.e2e[0], 1680000, "r0: %lld us", (long long)seen.e2e[0]);
    cr_assert_eq(seen.e2e[1], 680000, "r1: %lld us", (long long)seen.e2e[1]);
    cr_assert_eq(seen.stage_lat[1][0], 300000);
    cr_assert_eq(seen.stage_lat[2][0], 1500000);
    cr_assert_eq(seen.stage_lat[2][1], 500000);
    cr_assert_eq(seen.stages_done[0], 4);
    cr_assert_eq(n, 4);
    double parts_usd = 0;
    for (int k = 0; k < 4; k++) {
        cr_assert_eq(rows[k].arrivals, 2);
        parts_usd += rows[k].cost_usd;
    }
    cr_assert_float_eq(r.v[MET_cost_usd], parts_usd + 8 * 25e-6, 1e-12);
}

Test(compose, pipeline_identities_and_little_per_stage)
{
    /* Poisson 5/s through three exponential stages (means 0.05, 0.2,
     * 0.03 s; starts 0.3, 1.0, 0.2 s), 5 ms transitions, express
     * orchestration.  Per request: e2e = its stage times + 3 x 5 ms.  Per
     * stage (concurrency 1, no queue, no pre-warm: a request is in the
     * stage iff it is busy on or bound to a starting instance), the sample
     * path gives L T = sum of completed sojourns + the unfinished ones'
     * time in the stage, so L - lambda W lies in [0, unfinished x longest /
     * T] with lambda = completed / T. */
    AltSpec parts[3] = {support_alt(0.05, 0.3), support_alt(0.2, 1.0),
                        support_alt(0.03, 0.2)};
    snprintf(parts[0].name, sizeof parts[0].name, "pre");
    snprintf(parts[1].name, sizeof parts[1].name, "model");
    snprintf(parts[2].name, sizeof parts[2].name, "post");
    AltSpec alt = composite(PLATFORM_PIPELINE, parts, 3);
    alt.orch.kind = ORCH_EXPRESS;
    alt.orch.transition_s = 0.005;
    alt.orch.usd_per_request = 1e-6;
    alt.orch.usd_per_gb_s = 0.00001667;
    alt.orch.memory_mb = 50; /* billed as 64 MB */
    alt.orch.granularity_ms = 100;
    WorkloadSpec wl = support_poisson(5);
    static Seen seen;
    seen.orch = &alt.orch;
    Row rows[MAX_ROWS];
    int n;
    const double T = 2000;
    RunResult r = run_with(&alt, &wl, T, 20261202, &seen, rows, &n);
    cr_assert_eq(n, 3);
    uint64_t checked = 0;
    for (uint64_t i = 0; i < (uint64_t)r.v[MET_arrivals] && i < MAX_SEEN; i++)
        if (seen.e2e[i] > 0) {
            cr_assert_eq(seen.stages_done[i], 3);
            cr_assert_eq(seen.e2e[i], seen.stage_sum[i] + 3 * 5000,
                         "request %llu", (unsigned long long)i);
            checked++;
        }
    cr_assert_eq((double)checked, r.v[MET_completed]);
    cr_assert_gt(checked, 9000);
    for (int k = 0; k < 3; k++) {
        double L = rows[k].busy_mean + rows[k].starting_mean;
        double lw = (double)seen.completed[k] / T *
                    (seen.sojourn_us[k] / (double)seen.completed[k] * 1e-6);
        double unfinished = rows[k].arrivals - rows[k].completed -
                            rows[k].rejected;
        double hi = lw + unfinished * (double)seen.longest_us[k] * 1e-6 / T;
        printf("Little, stage %d: L %.9f in [lambda W %.9f, %.9f] "
               "(%g unfinished)\n",
               k, L, lw, hi, unfinished);
        cr_assert(L >= lw - 1e-9 && L <= hi + 1e-9, "stage %d: L %.9f", k, L);
        cr_assert_eq(rows[k].rejected, 0);
    }
    double parts_usd = 0;
    for (int k = 0; k < 3; k++)
        parts_usd += rows[k].cost_usd;
    printf("pipeline cost: parts %.9f + express %.9f vs total %.9f\n",
           parts_usd, seen.express_usd, r.v[MET_cost_usd]);
    cr_assert_float_eq(r.v[MET_cost_usd], parts_usd + seen.express_usd,
                       1e-9 * r.v[MET_cost_usd]);
}

/* A rollout of `n` versions with `np` phases: at_s[p], weight of version v
 * in phase p = w[p * n + v]. */
static AltSpec rollout(AltSpec *versions, int n, const double *at_s,
                       const double *w, int np)
{
    AltSpec a = composite(PLATFORM_ROLLOUT, versions, n);
    a.n_phases = np;
    for (int p = 0; p < np; p++) {
        a.phase[p].at_s = at_s[p];
        for (int v = 0; v < n; v++)
            a.phase[p].weight[v] = w[p * n + v];
    }
    return a;
}

/* The row of version v in phase p (-1: the whole run). */
static const Row *row_of(const Row *rows, int n, int v, int p)
{
    for (int i = 0; i < n; i++)
        if (rows[i].part == v && rows[i].phase == p)
            return &rows[i];
    cr_assert_fail("no row for version %d, phase %d", v, p);
    return NULL;
}

Test(compose, hand_worked_rollout_schedule)
{
    /* Arrivals every 1 s from 0 to 9; v0 until 3 s, v1 from 3 s, v0 again
     * from 6 s (a rollback).  Service 0.25 s, start 0.5 s, keep-alive
     * 600 s: r0 cold on v0, r1 r2 warm; r3 cold on v1, r4 r5 warm; r6-r9
     * warm on v0 (idle since 2.25).  Latencies 0.75 x 2 and 0.25 x 8.
     * Phase rows: v0 3 + 0 + 4 arrivals, v1 0 + 3 + 0, one start each. */
    AltSpec v[2] = {fixed_stage("v1.0", 0.25, 0.5),
                    fixed_stage("v1.1", 0.25, 0.5)};
    const double at[3] = {0, 3, 6}, w[6] = {1, 0, 0, 1, 1, 0};
    AltSpec alt = rollout(v, 2, at, w, 3);
    WorkloadSpec wl = support_constant(1, 0, 9.5);
    static Seen seen;
    Row rows[MAX_ROWS];
    int n;
    RunResult r = run_with(&alt, &wl, 20, 7, &seen, rows, &n);
    cr_assert_eq(r.v[MET_completed], 10);
    cr_assert_eq(r.v[MET_cold_starts], 2);
    cr_assert_float_eq(r.v[MET_cold_pct], 20.0, 1e-12);
    cr_assert_float_eq(r.v[MET_mean_ms], (2 * 750.0 + 8 * 250.0) / 10, 1e-9);
    cr_assert_eq(n, 2 * (1 + 3));
    const double arrivals[2][3] = {{3, 0, 4}, {0, 3, 0}};
    const double starts[2][3] = {{1, 0, 0}, {0, 1, 0}};
    for (int k = 0; k < 2; k++) {
        double usd = 0;
        for (int p = 0; p < 3; p++) {
            const Row *x = row_of(rows, n, k, p);
            cr_assert_float_eq(x->from_s, at[p], 1e-12);
            cr_assert_float_eq(x->to_s, p < 2 ? at[p + 1] : 20, 1e-12);
            cr_assert_float_eq(x->weight_pct, 100 * w[p * 2 + k], 1e-12);
            cr_assert_eq(x->arrivals, arrivals[k][p]);
            cr_assert_eq(x->starts, starts[k][p]);
            usd += x->cost_usd;
        }
        const Row *all = row_of(rows, n, k, -1);
        cr_assert_eq(all->starts, 1);
        cr_assert_float_eq(all->cold_share_pct, 50.0, 1e-12);
        cr_assert_float_eq(usd, all->cost_usd, 1e-12);
    }
    cr_assert_float_eq(row_of(rows, n, 0, -1)->cost_usd +
                           row_of(rows, n, 1, -1)->cost_usd,
                       r.v[MET_cost_usd], 1e-12);
}

Test(compose, rollout_split_fractions_per_phase)
{
    /* 5% -> 25% -> 50% -> 100% of Poisson 4/s to the new version, 500 s
     * per phase.  In each phase the new version's share of the phase's
     * arrivals is binomial(n, p): inside p +- 3.29 sqrt(p (1 - p) / n)
     * (99.9%), and exactly 1 in the last phase.  Bill: each version's
     * phases add up to its total, the versions to the run's. */
    AltSpec v[2] = {support_alt(0.1, 0.8), support_alt(0.1, 0.8)};
    snprintf(v[0].name, sizeof v[0].name, "old");
    snprintf(v[1].name, sizeof v[1].name, "new");
    const double at[4] = {0, 500, 1000, 1500};
    const double w[8] = {0.95, 0.05, 0.75, 0.25, 0.5, 0.5, 0, 1};
    AltSpec alt = rollout(v, 2, at, w, 4);
    WorkloadSpec wl = support_poisson(4);
    static Seen seen;
    Row rows[MAX_ROWS];
    int n;
    RunResult r = run_with(&alt, &wl, 2000, 20261202, &seen, rows, &n);
    for (int p = 0; p < 4; p++) {
        double a0 = row_of(rows, n, 0, p)->arrivals;
        double a1 = row_of(rows, n, 1, p)->arrivals;
        double q = w[p * 2 + 1], frac = a1 / (a0 + a1);
        double h = 3.29 * sqrt(q * (1 - q) / (a0 + a1));
        printf("rollout phase %d: new share %.5f, binomial %.2f +- %.5f "
               "(n = %g)\n",
               p, frac, q, h, a0 + a1);
        cr_assert(fabs(frac - q) <= h, "phase %d", p);
    }
    double total = 0;
    for (int k = 0; k < 2; k++) {
        double usd = 0;
        for (int p = 0; p < 4; p++)
            usd += row_of(rows, n, k, p)->cost_usd;
        cr_assert_float_eq(usd, row_of(rows, n, k, -1)->cost_usd, 1e-9);
        total += usd;
    }
    cr_assert_float_eq(total, r.v[MET_cost_usd], 1e-9);
}

Test(compose, rollout_on_one_version_is_that_version_alone)
{
    /* Common random numbers: the split draws from its own stream and a
     * version keeps the request's service quantile, so with all the weight
     * on one version (constant cold starts) the run is that version's. */
    AltSpec v[2] = {support_alt(0.2, 0.6), support_alt(0.2, 0.6)};
    const double at[1] = {0}, w[2] = {0, 1};
    AltSpec alt = rollout(v, 2, at, w, 1);
    WorkloadSpec wl = support_poisson(3);
    RunResult a = support_run(&alt, &wl, 1000, 99, 0);
    RunResult b = support_run(&v[1], &wl, 1000, 99, 0);
    const int keys[] = {MET_completed, MET_cold_starts, MET_p50_ms,
                        MET_p99_ms,    MET_mean_ms,     MET_busy_mean,
                        MET_cost_usd};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_eq(a.v[keys[i]], b.v[keys[i]], "metric %d: %.17g vs %.17g",
                     keys[i], a.v[keys[i]], b.v[keys[i]]);
}

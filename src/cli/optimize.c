/*
 * optimize.c - `simsrv optimize` (see optimize.h): sequential elimination
 * of candidates with common random numbers, Bonferroni-corrected.
 *
 * Candidates c = 1..K (points x alternatives), constraints j = 1..J, each
 * "metric <= b" or ">= b"; the objective y is minimised (a maximised
 * metric is negated).  Replication r of every candidate runs on the same
 * random streams (seed, r), so the candidates see the same arrivals and the
 * same service quantiles, and differences are paired per replication.
 *
 * Stages s = 1..S: stage 1 gives every candidate n_1 = "initial"
 * replications; each later stage gives the candidates still in contention
 * "batch" more, up to "max" (so S = 1 + ceil((max - initial) / batch)).
 * After each stage, with n replications, t = the (1 - a) quantile of
 * Student's t with n - 1 degrees of freedom, and
 *
 *     a = (1 - confidence) / ((K + 1) (J + 1) S)     (Bonferroni),
 *
 * every interval is mean +- t sd / sqrt(n), one-sided:
 *   1. c is infeasible, and dropped, when a constraint's interval excludes
 *      its bound (<= b: mean - t sd/sqrt(n) > b);
 *      c is shown feasible when every interval lies within its bound;
 *   2. c is worse, and dropped, when for some k shown feasible the paired
 *      differences d_r = y_c,r - y_k,r have mean - t sd/sqrt(n) > 0;
 *   3. the procedure stops, choosing L (the shown-feasible candidate with
 *      the smallest mean y), when every other candidate i still in
 *      contention has  mean(y_L - y_i) + t sd/sqrt(n) <= delta  (delta: the
 *      indifference, "indifference" x |mean y_L| or "indifference_abs").
 * Rules 1 and 2 are decided on one stage's numbers for all candidates at
 * once, so the order of candidates does not matter.  If the maximum is
 * reached first, the candidates left are reported as indistinguishable and
 * the shown-feasible one with the smallest mean is recommended; if none is
 * shown feasible, nothing is.
 *
 * Why it holds: let B be the best truly feasible candidate.  The statements
 * used about B -- per stage, J lower bounds of its own constraints, K - 1
 * bounds on mu_k - mu_B -- and the K J upper bounds that make a candidate
 * "shown feasible" number at most (K + 1)(J + 1) per stage, so with
 * probability >= confidence all of them hold at every stage at once.  Then
 * B is never infeasible (1), never worse than a truly feasible k (2), and
 * a stop by rule 3 gives mu_L - mu_B <= delta with L truly feasible: the
 * choice is feasible and within the indifference of the optimum.  This
 * assumes approximately normal replication means (each replication is a
 * whole run; its p99 is that run's p99, and the constraint is on the mean
 * of per-run values); it is conservative (Bonferroni), and an objective
 * that does not vary between replications (a fixed fleet's cost) has
 * sd = 0 and is compared exactly.
 *
 * Budget: at most K x max runs, at least K x initial.
 *
 * "search": "monotone" (monotone_search): each alternative's candidates
 * are ordered by one parameter in which constraints go from unmet to met
 * and the objective grows; bisection finds the smallest value shown
 * feasible (each probe: one candidate, batches until shown feasible or
 * infeasible; undecided at the maximum counts as infeasible) at level
 * a = (1 - confidence) / 2 / (P J S), P the probes; only those values
 * enter the elimination above, which gets the other half of the error
 * budget (K = their number).  Budget: P x max + (alternatives) x max.
 *
 * Every stage's runs go through sweep_run_tasks (the sweep's OpenMP
 * runner), results indexed by task, and every decision is taken after the
 * stage on those numbers, so the outcome and the files are the same bytes
 * for any thread count.
 *
 * Shards and resume (cli/optlog.h): every run is a cell c * max + r,
 * shard k of K owns the cells = k mod K, and each finished run is
 * appended to the shard's log at once.  A run reads every log in the
 * folder and replays the procedure: a stage's runs found in a log are
 * taken from it, this shard's missing ones are made, and if another
 * shard's are missing the shard stops after making its own, saying which
 * it lacks.  Since the decisions are a pure function of the runs, and a
 * run of (c, r) is the same bytes wherever it is made, a resumed, sharded
 * or MPI optimisation takes the decisions an uninterrupted one takes; the
 * unsharded command (K = 1: it owns every cell) finishes from whatever is
 * there and writes the outputs.
 */
#include "optimize.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/atomic_file.h"
#include "../util/csv.h"
#include "../util/outset.h"
#include "../util/xalloc.h"
#include "cmdopts.h"
#include "optlog.h"
#include "streams.h"
#include "sweep.h"

/* ---- statistics over the stored replications ------------------------- */

/* Stored columns per run: the objective, the constraints' metrics, the
 * monthly projection, the Pareto front's latency metric and the arrivals. */
static int ncol(const OptPlan *p)
{
    return p->n_con + OPT_EXTRA_COLUMNS;
}

static int q_arrivals(const OptPlan *p)
{
    return 3 + p->n_con;
}

static int q_month(const OptPlan *p)
{
    return 1 + p->n_con;
}

static int q_latency(const OptPlan *p)
{
    return 2 + p->n_con;
}

/* The latency metric of the Pareto front: the first constraint on an
 * "_ms" metric, else p99_ms. */
static int latency_metric(const OptPlan *p)
{
    for (int j = 0; j < p->n_con; j++) {
        const char *name = optimize_metric_name(p->con[j].metric);
        size_t len = strlen(name);
        if (len > 3 && strcmp(name + len - 3, "_ms") == 0)
            return p->con[j].metric;
    }
    return MET_p99_ms;
}

static double xval(const OptPlan *p, const OptOutcome *o, int c, int r, int q)
{
    return o->x[((size_t)c * (size_t)p->rep_max + (size_t)r) *
                    (size_t)ncol(p) +
                (size_t)q];
}

/* The objective to minimise: the metric, negated when it is maximised. */
static double yval(const OptPlan *p, const OptOutcome *o, int c, int r)
{
    double v = xval(p, o, c, r, 0);
    return p->maximize ? -v : v;
}

/* Mean and standard error of column q of c over n replications;
 * `other` >= 0: of the paired difference y_c - y_other (objective). */
static void mean_se(const OptPlan *p, const OptOutcome *o, int c, int other,
                    int q, int n, double *mean, double *se)
{
    double sum = 0, ss = 0;
    for (int r = 0; r < n; r++)
        sum += other >= 0 ? yval(p, o, c, r) - yval(p, o, other, r)
                          : xval(p, o, c, r, q);
    *mean = sum / n;
    for (int r = 0; r < n; r++) {
        double v = other >= 0 ? yval(p, o, c, r) - yval(p, o, other, r)
                              : xval(p, o, c, r, q);
        ss += (v - *mean) * (v - *mean);
    }
    *se = n > 1 ? sqrt(ss / (n - 1) / n) : HUGE_VAL;
}

void optimize_interval(const OptPlan *plan, const OptOutcome *out, int c,
                       int q, double confidence, double *mean, double *half)
{
    int n = out->cand[c].reps;
    double se;
    mean_se(plan, out, c, -1, q, n, mean, &se);
    *half = n > 1 ? gsl_cdf_tdist_Pinv(0.5 + confidence / 2, n - 1) * se
                  : HUGE_VAL;
    if (*half < 1e-12 * fabs(*mean))
        *half = 0; /* rounding noise of a constant */
}

/* ---- one stage ------------------------------------------------------- */

/* How a stage's runs are made: the threads, the events per candidate so
 * far, and the run log (NULL: none; cli/optlog.h) that holds runs already
 * made and hears of each new one. */
typedef struct Runner {
    int threads;
    double *events_of; /* [n_cand] */
    OptLog *log;
} Runner;

/* The stored columns of one run (the layout of OptOutcome.x). */
static void row_of(const OptPlan *p, const Scenario *sc, const RunResult *res,
                   double *row)
{
    row[0] = optimize_metric_value(sc, res, p->objective);
    for (int j = 0; j < p->n_con; j++)
        row[1 + j] = optimize_metric_value(sc, res, p->con[j].metric);
    row[q_month(p)] = optimize_metric_value(sc, res, OPT_USD_PER_MONTH);
    row[q_latency(p)] = optimize_metric_value(sc, res, latency_metric(p));
    row[q_arrivals(p)] = res->v[MET_arrivals];
}

/* The runs a stage makes here, while they finish (sweep_run_tasks calls
 * run_done one at a time): each one's row, appended to the log at once so
 * that a kill loses no finished run. */
typedef struct StageRuns {
    const OptPlan *p;
    const SweepTask *tasks;
    const int *cell;
    double *rows; /* [n * ncol] */
    OptLog *log;
} StageRuns;

static void run_done(void *ctx, int i, const RunResult *res)
{
    StageRuns *s = ctx;
    double *row = &s->rows[(size_t)i * (size_t)ncol(s->p)];
    row_of(s->p, &s->p->points[s->tasks[i].point], res, row);
    if (s->log != NULL)
        optlog_append(s->log, s->cell[i], res->events, row);
}

/* Notes a cell another shard owns and has not written. */
static void note_missing(OptLog *log, int cell)
{
    log->missing++;
    log->missing_of[cell % log->K]++;
    if (log->first_missing < 0)
        log->first_missing = cell;
}

/* Runs replications [from, to) of every candidate still in contention
 * (only >= 0: of that one alone), skipping those it already has, and
 * stores their metrics.  With a log, a run it holds is taken from it and
 * only this shard's runs are made; -1 (nothing stored) if another shard's
 * runs of the stage are missing, else 0. */
static int run_stage(const OptPlan *p, OptOutcome *o, int from, int to,
                     int only, const Runner *ru)
{
    size_t most = (size_t)p->n_cand * (size_t)(to - from) + 1;
    int *cell = xcalloc(most, sizeof *cell), n = 0;
    for (int c = 0; c < p->n_cand; c++) {
        if (o->cand[c].status != OPT_ALIVE || (only >= 0 && c != only))
            continue;
        int r0 = o->cand[c].reps > from ? o->cand[c].reps : from;
        for (int r = r0; r < to; r++)
            cell[n++] = c * p->rep_max + r;
    }
    OptLog *log = ru->log;
    SweepTask *tasks = xcalloc((size_t)n + 1, sizeof *tasks);
    int *run_cell = xcalloc((size_t)n + 1, sizeof *run_cell);
    int *slot = xcalloc((size_t)n + 1, sizeof *slot); /* -1: from the log */
    int m = 0;
    long missing = 0;
    for (int i = 0; i < n; i++) {
        int c = cell[i] / p->rep_max;
        slot[i] = -1;
        if (log != NULL && log->have[cell[i]])
            continue;
        if (log != NULL && !optlog_owns(log, cell[i])) {
            note_missing(log, cell[i]);
            missing++;
            continue;
        }
        tasks[m] = (SweepTask){p->cand[c].point, p->cand[c].alt,
                               cell[i] % p->rep_max};
        run_cell[m] = cell[i];
        slot[i] = m++;
    }
    RunResult *res = xcalloc((size_t)m + 1, sizeof *res);
    double *rows = xcalloc((size_t)m * (size_t)ncol(p) + 1, sizeof *rows);
    StageRuns sr = {p, tasks, run_cell, rows, log};
    sweep_run_tasks(p->points, tasks, m, ru->threads, res, run_done, &sr);
    for (int i = 0; i < n && missing == 0; i++) {
        int c = cell[i] / p->rep_max, r = cell[i] % p->rep_max;
        const double *src = slot[i] >= 0
                                ? &rows[(size_t)slot[i] * (size_t)ncol(p)]
                                : &log->x[(size_t)cell[i] * (size_t)ncol(p)];
        uint64_t ev = slot[i] >= 0 ? res[slot[i]].events : log->events[cell[i]];
        memcpy(&o->x[(size_t)cell[i] * (size_t)ncol(p)], src,
               (size_t)ncol(p) * sizeof *src);
        o->events += ev;
        o->runs++;
        ru->events_of[c] += (double)ev;
        if (r + 1 > o->cand[c].reps)
            o->cand[c].reps = r + 1;
    }
    free(rows);
    free(res);
    free(slot);
    free(run_cell);
    free(tasks);
    free(cell);
    return missing > 0 ? -1 : 0;
}

/* The least half-width of a percentage of requests (a metric in "%"):
 * -ln(a) / N x 100 over the N arrivals of c's n replications, the exact
 * one-sided bound on a rate when none of N requests had the event
 * (1 - a^(1/N) <= -ln(a)/N), used as a floor because a sample of runs with
 * no such request has sd 0 and would otherwise look exact.  0 for other
 * metrics. */
static double pct_floor(const OptPlan *p, const OptOutcome *o, int c, int m,
                        int n, double a)
{
    const char *unit = m < MET_COUNT ? metric_info[m].unit
                       : m == OPT_REJECTED_PCT ? "%"
                                               : "";
    if (strcmp(unit, "%") != 0)
        return 0;
    double arrivals = 0;
    for (int r = 0; r < n; r++)
        arrivals += xval(p, o, c, r, q_arrivals(p));
    return arrivals > 0 ? -log(a) / arrivals * 100 : HUGE_VAL;
}

/* Rule 1: drops the candidates a constraint rules out; marks the
 * shown-feasible ones. */
static void rule_feasible(const OptPlan *p, OptOutcome *o, int n, double t,
                          double a, int stage)
{
    for (int c = 0; c < p->n_cand; c++) {
        OptCandResult *cr = &o->cand[c];
        if (cr->status != OPT_ALIVE)
            continue;
        cr->feasible = 1;
        for (int j = 0; j < p->n_con; j++) {
            double m, se;
            mean_se(p, o, c, -1, 1 + j, n, &m, &se);
            const OptConstraint *k = &p->con[j];
            double half = fmax(t * se, pct_floor(p, o, c, k->metric, n, a));
            double lo = m - half, hi = m + half;
            int out = k->ge ? hi < k->bound : lo > k->bound;
            int in = k->ge ? lo >= k->bound : hi <= k->bound;
            if (out && cr->status == OPT_ALIVE) {
                cr->status = OPT_INFEASIBLE;
                cr->why_con = j;
                cr->stage = stage;
            }
            cr->feasible &= in;
        }
        if (cr->status != OPT_ALIVE)
            cr->feasible = 0;
    }
}

/* Rule 2: drops the candidates shown worse than a shown-feasible one
 * (decided for all on this stage's numbers, then applied). */
static void rule_worse(const OptPlan *p, OptOutcome *o, int n, double t,
                       int stage)
{
    int *lost_to = xcalloc((size_t)p->n_cand, sizeof *lost_to);
    double *gap = xcalloc((size_t)p->n_cand, sizeof *gap);
    double *lcb = xcalloc((size_t)p->n_cand, sizeof *lcb);
    for (int c = 0; c < p->n_cand; c++) {
        lost_to[c] = -1;
        if (o->cand[c].status != OPT_ALIVE)
            continue;
        for (int k = 0; k < p->n_cand; k++) {
            if (k == c || o->cand[k].status != OPT_ALIVE ||
                !o->cand[k].feasible)
                continue;
            double m, se;
            mean_se(p, o, c, k, 0, n, &m, &se);
            /* the largest lower bound names the clearest winner */
            if (m - t * se > 0 && (lost_to[c] < 0 || m - t * se > lcb[c])) {
                lost_to[c] = k;
                gap[c] = m;
                lcb[c] = m - t * se;
            }
        }
    }
    for (int c = 0; c < p->n_cand; c++)
        if (lost_to[c] >= 0) {
            OptCandResult *cr = &o->cand[c];
            cr->status = OPT_WORSE;
            cr->why_other = lost_to[c];
            cr->why_diff = gap[c];
            cr->why_lcb = lcb[c];
            cr->stage = stage;
            cr->feasible = 0;
        }
    free(lcb);
    free(gap);
    free(lost_to);
}

/* The shown-feasible contender with the smallest mean y (-1: none); with
 * any_alive, the contender with the smallest mean if none is feasible. */
static int leader(const OptPlan *p, const OptOutcome *o, int n, int any_alive)
{
    int best = -1;
    double best_m = 0;
    for (int c = 0; c < p->n_cand; c++) {
        const OptCandResult *cr = &o->cand[c];
        if (cr->status != OPT_ALIVE || (!cr->feasible && !any_alive))
            continue;
        double m = 0;
        for (int r = 0; r < n; r++)
            m += yval(p, o, c, r);
        m /= n;
        if (best < 0 || m < best_m) {
            best = c;
            best_m = m;
        }
    }
    return best;
}

/* Rule 3: whether L is shown within delta of every other contender. */
static int rule_stop(const OptPlan *p, OptOutcome *o, int L, int n, double t)
{
    double sum = 0;
    for (int r = 0; r < n; r++)
        sum += yval(p, o, L, r);
    o->delta = p->indiff_abs > 0 ? p->indiff_abs
                                 : p->indiff_rel * fabs(sum / n);
    for (int i = 0; i < p->n_cand; i++) {
        if (i == L || o->cand[i].status != OPT_ALIVE)
            continue;
        double m, se;
        mean_se(p, o, L, i, 0, n, &m, &se);
        if (!(m + t * se <= o->delta))
            return 0;
    }
    return 1;
}

/* ---- the monotone search ----------------------------------------------- */

/* Decides one candidate's feasibility alone, adding batches of
 * replications: 1 shown feasible, 0 shown infeasible (why_con set), -1
 * undecided at the maximum; PROBE_WAITING if another shard's runs are
 * missing. */
enum { PROBE_WAITING = -2 };

static int probe(const OptPlan *p, OptOutcome *o, int c, double a,
                 const Runner *ru)
{
    for (int n = p->rep_initial;; n += p->rep_batch) {
        if (n > p->rep_max)
            n = p->rep_max;
        if (ru->log != NULL)
            snprintf(ru->log->where, sizeof ru->log->where,
                     "the monotone search's probe of candidate %d", c);
        if (run_stage(p, o, 0, n, c, ru) < 0)
            return PROBE_WAITING;
        double t = gsl_cdf_tdist_Pinv(1 - a, n - 1);
        int in = 1;
        for (int j = 0; j < p->n_con; j++) {
            double m, se;
            mean_se(p, o, c, -1, 1 + j, n, &m, &se);
            const OptConstraint *k = &p->con[j];
            double half = fmax(t * se, pct_floor(p, o, c, k->metric, n, a));
            if (k->ge ? m + half < k->bound : m - half > k->bound) {
                o->cand[c].why_con = j;
                return 0;
            }
            in &= k->ge ? m - half >= k->bound : m + half <= k->bound;
        }
        if (in)
            return 1;
        if (n == p->rep_max)
            return -1;
    }
}

/* Probes needed to bisect m ordered candidates: ceil(log2(m + 1)). */
static int probes_for(int m)
{
    int k = 0;
    while ((1 << k) < m + 1)
        k++;
    return k;
}

/* Bisects each alternative's ordered candidates for the smallest value
 * shown feasible; every other candidate is set aside (OPT_SKIPPED, or
 * OPT_INFEASIBLE when a probe showed it).  Uses half of the error
 * budget: a = (1 - confidence) / 2 / (probes x J x S). */
static int monotone_search(const OptPlan *p, OptOutcome *o, int S,
                           const Runner *ru)
{
    int probes = 0;
    for (int g0 = 0, g1; g0 < p->n_cand; g0 = g1) {
        for (g1 = g0; g1 < p->n_cand && p->cand[g1].alt == p->cand[g0].alt;)
            g1++;
        probes += probes_for(g1 - g0);
    }
    double a = (1 - p->confidence) / 2 /
               ((double)probes * (p->n_con > 0 ? p->n_con : 1) * S);
    for (int g0 = 0, g1; g0 < p->n_cand; g0 = g1) {
        for (g1 = g0; g1 < p->n_cand && p->cand[g1].alt == p->cand[g0].alt;)
            g1++;
        int lo = -1, hi = g1 - g0; /* lo: not shown feasible; hi: shown */
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2, c = g0 + mid;
            int ok = p->n_con == 0 ? 1 : probe(p, o, c, a, ru);
            if (ok == PROBE_WAITING)
                return -1;
            if (ok == 0)
                o->cand[c].status = OPT_INFEASIBLE;
            if (ok == 1)
                hi = mid;
            else
                lo = mid;
        }
        for (int c = g0; c < g1; c++) {
            OptCandResult *cr = &o->cand[c];
            cr->why_other = hi < g1 - g0 ? g0 + hi : -1;
            if (c != g0 + hi && cr->status == OPT_ALIVE)
                cr->status = OPT_SKIPPED;
        }
    }
    return 0;
}

void optimize_solve(const OptPlan *p, int threads, OptOutcome *o)
{
    optimize_solve_log(p, threads, NULL, o);
}

int optimize_solve_log(const OptPlan *p, int threads, OptLog *log,
                       OptOutcome *o)
{
    memset(o, 0, sizeof *o);
    o->chosen = -1;
    o->cand = xcalloc((size_t)p->n_cand, sizeof *o->cand);
    o->x = xcalloc((size_t)p->n_cand * (size_t)p->rep_max * (size_t)ncol(p),
                   sizeof *o->x);
    double *events_of = xcalloc((size_t)p->n_cand, sizeof *events_of);
    Runner ru = {threads, events_of, log};
    int S = 1 + (p->rep_max - p->rep_initial + p->rep_batch - 1) /
                    p->rep_batch;
    int K = p->n_cand;
    double alpha = 1 - p->confidence;
    if (p->monotone) {
        if (monotone_search(p, o, S, &ru) < 0) {
            free(events_of);
            return 1;
        }
        alpha /= 2; /* the other half went to the search */
        K = 0;
        for (int c = 0; c < p->n_cand; c++)
            K += o->cand[c].status == OPT_ALIVE;
    }
    double a = alpha / ((double)(K + 1) * (p->n_con + 1) * S);
    int n = 0;
    for (int stage = 1;; stage++) {
        int to = stage == 1 ? p->rep_initial : n + p->rep_batch;
        if (to > p->rep_max)
            to = p->rep_max;
        if (log != NULL)
            snprintf(log->where, sizeof log->where, "stage %d", stage);
        if (run_stage(p, o, n, to, -1, &ru) < 0) {
            free(events_of);
            return 1;
        }
        n = to;
        o->stages = stage;
        double t = n > 1 ? gsl_cdf_tdist_Pinv(1 - a, n - 1) : HUGE_VAL;
        rule_feasible(p, o, n, t, a, stage);
        rule_worse(p, o, n, t, stage);
        int L = leader(p, o, n, 0);
        if (L >= 0 && rule_stop(p, o, L, n, t)) {
            o->chosen = L;
            o->proven = 1;
            break;
        }
        if (n >= p->rep_max || leader(p, o, n, 1) < 0) {
            o->chosen = L; /* -1: none shown feasible */
            break;
        }
    }
    double per_rep = 0; /* for candidates the search never ran */
    int evaluated = 0;
    for (int c = 0; c < p->n_cand; c++)
        if (o->cand[c].reps > 0) {
            per_rep += events_of[c] / o->cand[c].reps;
            evaluated++;
        }
    per_rep = evaluated > 0 ? per_rep / evaluated : 0;
    for (int c = 0; c < p->n_cand; c++) {
        OptCandResult *cr = &o->cand[c];
        o->events_exhaustive +=
            (cr->reps > 0 ? events_of[c] / cr->reps : per_rep) * p->rep_max;
        if (cr->status == OPT_ALIVE) {
            cr->stage = o->stages;
            if (c != o->chosen && o->proven)
                cr->status = OPT_WITHIN;
        }
    }
    if (o->chosen >= 0) {
        o->cand[o->chosen].status = OPT_CHOSEN;
        o->cand[o->chosen].stage = o->stages;
    }
    free(events_of);
    return 0;
}

void optimize_outcome_free(OptOutcome *o)
{
    free(o->cand);
    free(o->x);
    memset(o, 0, sizeof *o);
}

/* ---- tables ---------------------------------------------------------- */

/* Why candidate c lost (or did not), one phrase. */
static void why_text(const OptPlan *p, const OptOutcome *o, int c, char *buf,
                     size_t size)
{
    const OptCandResult *cr = &o->cand[c];
    const char *obj = optimize_metric_name(p->objective);
    switch (cr->status) {
    case OPT_CHOSEN:
        snprintf(buf, size, "%s",
                 o->proven ? "recommended"
                           : "recommended (replication maximum reached)");
        break;
    case OPT_WITHIN:
        snprintf(buf, size, "within the indifference (%.6g %s) of the choice",
                 o->delta, obj);
        break;
    case OPT_ALIVE:
        snprintf(buf, size, "indistinguishable at the replication maximum");
        break;
    case OPT_INFEASIBLE: {
        const OptConstraint *k = &p->con[cr->why_con];
        snprintf(buf, size, "infeasible: %s %s %.6g fails",
                 optimize_metric_name(k->metric), k->ge ? ">=" : "<=",
                 k->bound);
        break;
    }
    case OPT_SKIPPED:
        if (cr->why_other >= 0)
            snprintf(buf, size, "%s (monotone search: candidate %d is the "
                                "smallest value shown feasible)",
                     cr->reps > 0 ? "not the smallest feasible value"
                                  : "not evaluated",
                     cr->why_other);
        else
            snprintf(buf, size, "monotone search: no value of this "
                                "alternative was shown feasible");
        break;
    case OPT_WORSE:
        snprintf(buf, size,
                 "%s %.6g worse than candidate %d (at least %.6g)",
                 obj, cr->why_diff, cr->why_other, cr->why_lcb);
        break;
    }
}

static const char *status_name(OptStatus s)
{
    static const char *const names[] = {"indistinguishable", "chosen",
                                        "within-indifference", "infeasible",
                                        "worse", "skipped"};
    return names[s];
}

/* The swept values that make candidate c, "path=value; ..."; `brief`:
 * each path by its last part ("memory_mb=1024"). */
static void values_text(const OptPlan *p, int c, int brief, char *buf,
                        size_t size)
{
    const SweepPlan *sw = &p->sweep;
    int pt = p->cand[c].point;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < sw->n_params && used < size; i++) {
        if (!optimize_param_touches(p, i, p->cand[c].alt))
            continue;
        const char *name = sw->param[i], *dot = strrchr(name, '.');
        if (brief && dot != NULL)
            name = dot + 1;
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s",
                                 used ? "; " : "", name,
                                 sw->value[pt * sw->n_params + i]);
    }
}

static void write_finalists(FILE *fp, const OptPlan *p, const OptOutcome *o)
{
    const char *obj = optimize_metric_name(p->objective);
    fputs("candidate,point,alternative,values,replications,status,stage", fp);
    fprintf(fp, ",%s_mean,%s_half", obj, obj);
    for (int j = 0; j < p->n_con; j++)
        fprintf(fp, ",%s_mean,%s_half", optimize_metric_name(p->con[j].metric),
                optimize_metric_name(p->con[j].metric));
    fprintf(fp, ",usd_per_month_mean,usd_per_month_half,%s_mean,%s_half,why\n",
            optimize_metric_name(latency_metric(p)),
            optimize_metric_name(latency_metric(p)));
    for (int c = 0; c < p->n_cand; c++) {
        char vals[2048], why[256];
        const OptCand *k = &p->cand[c];
        values_text(p, c, 0, vals, sizeof vals);
        why_text(p, o, c, why, sizeof why);
        fprintf(fp, "%d,%d,", c, k->point);
        csv_put_field(fp, p->points[k->point].alt[k->alt].name);
        fputc(',', fp);
        csv_put_field(fp, vals);
        fprintf(fp, ",%d,%s,%d", o->cand[c].reps,
                status_name(o->cand[c].status), o->cand[c].stage);
        for (int q = 0; q < ncol(p) - 1; q++) { /* not the arrivals */
            double m, h;
            optimize_interval(p, o, c, q, p->confidence, &m, &h);
            if (o->cand[c].reps == 0)
                fputs(",,", fp); /* never evaluated */
            else
                fprintf(fp, ",%.6g,%.6g", m, h);
        }
        fputc(',', fp);
        csv_put_field(fp, why);
        fputc('\n', fp);
    }
}

/* Whether candidate c is on the front of (y, latency) means: no other
 * candidate is at least as good on both and better on one. */
static int on_front(const OptPlan *p, const OptOutcome *o, const double *y,
                    const double *lat, int c)
{
    if (o->cand[c].reps == 0)
        return 0; /* never evaluated */
    for (int k = 0; k < p->n_cand; k++)
        if (k != c && y[k] <= y[c] && lat[k] <= lat[c] &&
            (y[k] < y[c] || lat[k] < lat[c]))
            return 0;
    return 1;
}

/* Means of the objective (as minimised) and of the latency metric. */
static void front_means(const OptPlan *p, const OptOutcome *o, double *y,
                        double *lat)
{
    for (int c = 0; c < p->n_cand; c++) {
        double h;
        optimize_interval(p, o, c, 0, p->confidence, &y[c], &h);
        if (p->maximize)
            y[c] = -y[c];
        optimize_interval(p, o, c, q_latency(p), p->confidence, &lat[c], &h);
    }
}

static void write_pareto(FILE *fp, const OptPlan *p, const OptOutcome *o)
{
    double *y = xcalloc((size_t)p->n_cand, sizeof *y);
    double *lat = xcalloc((size_t)p->n_cand, sizeof *lat);
    front_means(p, o, y, lat);
    char bound[64] = ""; /* the latency metric's constraint, if any */
    for (int j = p->n_con - 1; j >= 0; j--)
        if (p->con[j].metric == latency_metric(p))
            snprintf(bound, sizeof bound, "%.6g", p->con[j].bound);
    fprintf(fp, "candidate,alternative,values,%s_mean,%s_mean,status,%s_bound\n",
            optimize_metric_name(p->objective),
            optimize_metric_name(latency_metric(p)),
            optimize_metric_name(latency_metric(p)));
    for (int c = 0; c < p->n_cand; c++) {
        if (!on_front(p, o, y, lat, c))
            continue;
        char vals[2048];
        const OptCand *k = &p->cand[c];
        values_text(p, c, 0, vals, sizeof vals);
        fprintf(fp, "%d,", c);
        csv_put_field(fp, p->points[k->point].alt[k->alt].name);
        fputc(',', fp);
        csv_put_field(fp, vals);
        fprintf(fp, ",%.6g,%.6g,%s,%s\n", p->maximize ? -y[c] : y[c], lat[c],
                status_name(o->cand[c].status), bound);
    }
    free(lat);
    free(y);
}

/* ---- printing ---------------------------------------------------------- */

/* Order of the printed finalists: the choice, the contenders, then the
 * dropped by the stage they fell at (latest first), then by index. */
static const OptOutcome *sort_o;

static int rank_of(const OptCandResult *cr)
{
    return cr->status == OPT_CHOSEN                          ? 0
           : cr->status == OPT_WITHIN || cr->status == OPT_ALIVE ? 1
           : cr->status == OPT_SKIPPED                           ? 3
                                                                 : 2;
}

static int cmp_final(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    const OptCandResult *ca = &sort_o->cand[a], *cb = &sort_o->cand[b];
    if (rank_of(ca) != rank_of(cb))
        return rank_of(ca) - rank_of(cb);
    if (ca->stage != cb->stage)
        return cb->stage - ca->stage;
    return a - b;
}

enum { PRINT_ROWS = 10 };

static void print_summary(FILE *out, const OptPlan *p, const OptOutcome *o,
                          const char *dir)
{
    int *order = xcalloc((size_t)p->n_cand, sizeof *order);
    for (int c = 0; c < p->n_cand; c++)
        order[c] = c;
    sort_o = o;
    qsort(order, (size_t)p->n_cand, sizeof *order, cmp_final);
    const char *obj = optimize_metric_name(p->objective);
    fprintf(out, "%d candidates, %d stages, %ld runs (%.1f%% of the %ld an "
                 "exhaustive search at %d replications makes; events %.1f%%)\n",
            p->n_cand, o->stages, o->runs,
            100.0 * (double)o->runs / ((double)p->n_cand * p->rep_max),
            (long)p->n_cand * p->rep_max, p->rep_max,
            o->events_exhaustive > 0
                ? 100.0 * (double)o->events / o->events_exhaustive
                : 0.0);
    fprintf(out, "%-4s %-28s %-24s %5s %22s  %s\n", "cand", "values",
            "alternative", "reps", obj, "why");
    int shown = p->n_cand < PRINT_ROWS ? p->n_cand : PRINT_ROWS;
    for (int i = 0; i < shown; i++) {
        int c = order[i];
        char vals[2048], why[256], iv[64];
        double m, h;
        values_text(p, c, 1, vals, sizeof vals);
        why_text(p, o, c, why, sizeof why);
        optimize_interval(p, o, c, 0, p->confidence, &m, &h);
        if (o->cand[c].reps > 0)
            snprintf(iv, sizeof iv, "%.5g +- %.2g", m, h);
        else
            snprintf(iv, sizeof iv, "-");
        fprintf(out, "%-4d %-28.28s %-24.24s %5d %22s  %s\n", c, vals,
                p->points[p->cand[c].point].alt[p->cand[c].alt].name,
                o->cand[c].reps, iv, why);
    }
    if (shown < p->n_cand)
        fprintf(out, "(%d more in %s/finalists.csv)\n", p->n_cand - shown,
                dir);
    if (o->chosen >= 0) {
        int c = o->chosen;
        char vals[2048];
        double m, h;
        values_text(p, c, 1, vals, sizeof vals);
        optimize_interval(p, o, c, q_month(p), p->confidence, &m, &h);
        fprintf(out, "recommended: candidate %d, %s%s%s: $%.2f +- %.2f per "
                     "month at the scenario's rate -> %s/recommended.json\n",
                c, p->points[p->cand[c].point].alt[p->cand[c].alt].name,
                vals[0] ? ", " : "", vals, m, h, dir);
    } else {
        fprintf(out, "no candidate was shown feasible (%d stages): nothing "
                     "recommended (see %s/finalists.csv)\n",
                o->stages, dir);
    }
    free(order);
}

/* ---- the command ------------------------------------------------------- */

/* The names of the stored columns, "objective,<constraints>,usd_per_month,
 * <latency>,arrivals" (the log's columns line). */
static void columns_text(const OptPlan *p, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%s",
                                optimize_metric_name(p->objective));
    for (int j = 0; j < p->n_con && n < size; j++)
        n += (size_t)snprintf(buf + n, size - n, ",%s",
                              optimize_metric_name(p->con[j].metric));
    if (n < size)
        snprintf(buf + n, size - n, ",usd_per_month,%s,arrivals",
                 optimize_metric_name(latency_metric(p)));
}

/* An unsharded run writes the folder's outputs: it takes the folder's
 * lock (and sweeps up dead runs' temporaries).  A shard writes only its
 * own log, beside the others (perhaps on other hosts): it locks that. */
static int lock_dir(const char *dir, int k, int K, char *lock, size_t size,
                    Err *err)
{
    if (K > 1) {
        char name[96];
        snprintf(name, sizeof name, ".opt-shard-%d-of-%d.lock", k, K);
        return outset_lock_named(dir, name, lock, size, err);
    }
    int rc = outset_lock(dir, lock, size, err);
    if (rc == 0)
        outset_remove_stale(dir);
    return rc;
}

/* "0, 2" (at most 8 named, then "..."): the shards that cells are
 * missing from. */
static void shard_list(const OptLog *log, char *buf, size_t size)
{
    size_t used = 0;
    int named = 0;
    buf[0] = '\0';
    for (int s = 0; s < log->K && used < size; s++) {
        if (log->missing_of[s] == 0)
            continue;
        if (named++ == 8) {
            snprintf(buf + used, size - used, ", ...");
            break;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%d",
                                 used ? ", " : "", s);
    }
}

/* What a shard run did, on stdout: waiting for other shards' runs, or
 * every run present. */
static void print_shard(FILE *out, const OptPlan *p, const OptLog *log, int k,
                        int K, int waiting, const char *file, const char *dir)
{
    if (waiting) {
        char shards[128];
        shard_list(log, shards, sizeof shards);
        fprintf(out, "shard %d/%d: %s lacks %ld runs of shard%s %s (the "
                     "first: candidate %d replication %d); %d runs made "
                     "here.  Run %s, then this shard again; or finish with "
                     "'simsrv optimize %s --out %s'\n",
                k, K, log->where, log->missing,
                strchr(shards, ',') ? "s" : "", shards,
                log->first_missing / p->rep_max,
                log->first_missing % p->rep_max, log->ran,
                strchr(shards, ',') ? "them" : "it", file, dir);
    } else {
        fprintf(out, "shard %d/%d: every run of the optimisation is in %s "
                     "(%d made here); write its outputs with 'simsrv "
                     "optimize %s --out %s'\n",
                k, K, dir, log->ran, file, dir);
    }
}

/* Writes recommended.json, finalists.csv and pareto.csv as one set. */
static int write_outputs(const OptPlan *p, const OptOutcome *o,
                         const char *dir, Err *err)
{
    static const char *const names[] = {"finalists.csv", "pareto.csv",
                                        "recommended.json"};
    int n = o->chosen >= 0 ? 3 : 2, rc = 0;
    AtomicFile af[3];
    OutSet set;
    outset_init(&set);
    for (int i = 0; i < n && rc == 0; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if ((rc = atomic_file_open(&af[i], path, err)) < 0)
            break;
        if (i == 0)
            write_finalists(af[i].fp, p, o);
        else if (i == 1)
            write_pareto(af[i].fp, p, o);
        else {
            char *text = optimize_scenario_text(p, o->chosen);
            fputs(text != NULL ? text : "", af[i].fp);
            fputc('\n', af[i].fp);
            free(text);
        }
        if ((rc = atomic_file_finish(&af[i], err)) < 0)
            break;
        outset_add(&set, af[i].tmp, af[i].path);
    }
    if (rc < 0) {
        outset_abort(&set);
        return rc;
    }
    if ((rc = outset_commit(&set, err)) == 0 && o->chosen < 0) {
        char stale[1200]; /* a previous run's choice is not this run's */
        snprintf(stale, sizeof stale, "%s/recommended.json", dir);
        unlink(stale);
    }
    return rc;
}

int optimize_cmd(int argc, char **argv, FILE *out, FILE *errf)
{
    return optimize_cmd_shard(argc, argv, out, errf, NULL);
}

int optimize_cmd_shard(int argc, char **argv, FILE *out, FILE *errf,
                       int *waiting)
{
    Streams st = {out, errf};
    const char *file = NULL;
    CmdOpts co = {0, NULL, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        int took;
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs("usage: simsrv optimize FILE [--threads N] [--shard k/K] "
                  "[--out DIR] [--quiet]\n\n"
                  "Finds the candidate of FILE's search space (points x "
                  "alternatives) that\nmeets every constraint and is best on "
                  "the objective, within the\nindifference at the stated "
                  "confidence: replications are added in\nbatches to the "
                  "candidates still in contention, sharing random "
                  "numbers,\nand a candidate is dropped once shown infeasible "
                  "or worse than a\nfeasible one (Bonferroni-corrected "
                  "t-intervals; see README,\n\"Optimisation\").  Writes "
                  "recommended.json (a runnable scenario),\nfinalists.csv and "
                  "pareto.csv into DIR (default results/<name>).\nEvery "
                  "run is appended to DIR/opt-shard-k-of-K.csv as it ends: "
                  "a rerun\nresumes.  --shard k/K (or, in a Slurm array task, "
                  "SLURM_ARRAY_TASK_ID and\nSLURM_ARRAY_TASK_COUNT) makes only "
                  "shard k's runs "
                  "of each stage and stops\nat a stage that lacks other "
                  "shards' runs (rerun the shards to go on);\nthe unsharded "
                  "command finishes from what is there and writes the\n"
                  "outputs.  The same bytes for any thread count, split and "
                  "resume point.\n",
                  out);
            return 0;
        } else if ((took = cmdopts_take(&st, "optimize", argc, argv, &i,
                                        CMDOPT_ALL, &co)) != 0) {
            if (took == 2)
                return 2;
        } else if (a[0] == '-') {
            return cmdopts_usage(&st, "optimize", "unknown option '%s'", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return cmdopts_usage(&st, "optimize", "more than one file ('%s')",
                                 a);
        }
    }
    if (file == NULL)
        return cmdopts_usage(&st, "optimize", "no optimisation file given%s",
                             "");
    if (cmdopts_slurm_shard(&st, "optimize", &co) != 0)
        return 2;
    Err err;
    err_clear(&err);
    OptPlan plan;
    if (optimize_load(file, &plan, &err) < 0)
        return cli_fail(&st, &err);
    char dir[1024], lock[1100] = "";
    snprintf(dir, sizeof dir, "%s", co.out_dir ? co.out_dir : "");
    if (co.out_dir == NULL)
        snprintf(dir, sizeof dir, "results/%s", plan.name);
    if (!co.quiet)
        fprintf(errf, "optimize: %d candidates, %d to %d replications each\n",
                plan.n_cand, plan.rep_initial, plan.rep_max);
    int k = co.shard_k, K = co.shard_K > 0 ? co.shard_K : 1, wait = 0;
    OptLog log;
    OptOutcome o;
    memset(&o, 0, sizeof o);
    memset(&log, 0, sizeof log);
    int rc = mkdir_p(dir, &err);
    if (rc == 0)
        rc = lock_dir(dir, k, K, lock, sizeof lock, &err);
    char columns[1024];
    columns_text(&plan, columns, sizeof columns);
    if (rc == 0 && (rc = optlog_open(&log, &plan, ncol(&plan), columns, dir,
                                     k, K, &err)) == 0) {
        wait = optimize_solve_log(&plan, co.threads, &log, &o);
        rc = optlog_close(&log, &err);
        if (rc == 0 && K > 1)
            print_shard(out, &plan, &log, k, K, wait, file, dir);
        if (rc == 0 && K == 1) {
            if (log.read > 0)
                fprintf(out, "resumed: %d runs read from %s/opt-shard-*.csv, "
                             "%d made now\n",
                        log.read, dir, log.ran);
            rc = write_outputs(&plan, &o, dir, &err);
            if (rc == 0)
                print_summary(out, &plan, &o, dir);
        }
    }
    if (waiting != NULL)
        *waiting = wait;
    outset_unlock(lock);
    optlog_free(&log);
    optimize_outcome_free(&o);
    optimize_free(&plan);
    return rc < 0 ? cli_fail(&st, &err) : 0;
}

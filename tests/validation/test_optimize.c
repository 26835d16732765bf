/*
 * test_optimize.c - `simsrv optimize` against problems with known answers.
 *
 * Pins:
 *  - the smallest fleet of 1-slot VMs whose probability of waiting meets a
 *    target: Poisson(4/s), Exp(1 s) service, so a fleet of c is M/M/c and
 *    P(wait > 0) = C(c, 4) (stats_erlang_c, the function test_vm checks the
 *    simulator against): C(7, 4) = 0.135 > 10% >= C(8, 4) = 0.059, so the
 *    answer to "cost_usd least, waited_pct <= 10" over c = 5..10 is c = 8;
 *  - generated problems where platforms compete: Lambda x86 (memory
 *    512 MB to 10 GB, no queue: every request its own instance), a fleet
 *    of c7i.large VMs with 2 slots (M/M/2c) and such a fleet with Lambda
 *    taking the overflow (no queue either), offered loads a in [0.2, 8]
 *    req/s (log-uniform) from a fixed LCG, a target on P(wait) placed
 *    between two adjacent fleets' C values and at least a factor 1.3 from
 *    every fleet's (the indifference zone on the constraint) and seen at
 *    least 10 times a run (a rarer event is mostly absent from a run, and
 *    samples of zeros look exact: see README).  Feasibility comes from
 *    theory, cost from the exhaustive run (every candidate at the
 *    replication maximum).  The optimiser's choice must be feasible in
 *    theory and within the indifference of the cheapest feasible
 *    candidate, and of the exhaustive optimum by means; at least two
 *    platforms must be optima among the problems (the default 10: Lambda
 *    3, VM 3, hybrid 4); the fraction of simulated events against the
 *    exhaustive run is printed (no bound on it is pinned: it depends on
 *    the problems);
 *  - the wrong-selection rate over seeds of the Erlang C problem above
 *    (c = 8 by theory, c = 9 costs 12.5% more: beyond the indifference):
 *    at most 3 wrong in 20 seeds (at a true rate of 5%, 4 or more has
 *    probability 1.6%), below 5% with SIMSRV_OPT_SEEDS >= 100;
 *  - one thread and two threads give the same outcome, run for run, and
 *    the same finalists.csv, pareto.csv and recommended.json, which runs;
 *  - the monthly projection by hand: $2 per 1M requests at 1 req/s is
 *    $5.184 a month;
 *  - "search": "monotone" (bisection for the smallest fleet shown
 *    feasible) gives the same c = 8 over c = 5..60 in fewer runs than the
 *    full elimination, at most 6 probes x 40 replications;
 *  - 16 candidates x 70,000 replications (over 10^6 runs) are refused
 *    before anything runs.
 * Fixed seeds; nothing depends on timing.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/optimize.h"
#include "output/report_ci.h"
#include "support.h"

static char dir[1024];

/* The start of every base scenario here, up to its alternatives. */
static int base_head(char *buf, size_t size, int horizon_s, int seed,
                     double rate)
{
    return snprintf(buf, size,
                    "{\"horizon_s\": %d, \"seed\": %d, \"models_dir\": \".\", "
                    "\"model\": \"expo\", \"timeseries_interval_s\": 0, "
                    "\"slo_ms\": 5000, \"workload\": {\"type\": \"poisson\", "
                    "\"rate_per_s\": %.6g}, \"defaults\": {\"timeout_s\": "
                    "900}, \"alternatives\": [",
                    horizon_s, seed, rate);
}

/* A model with Exp(1 s) warm service and an instant start, and a base
 * scenario with a c7i.large fleet (`c7i_slots` slots per VM, one per vCPU
 * or fewer: no slowdown) and an m7i.xlarge fleet (4 slots). */
static void write_base(const char *tag, double rate, int horizon_s,
                       int c7i_slots, int seed)
{
    char path[1200], body[4096];
    support_tmpdir(tag, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/expo.json", dir);
    support_write_file(
        path, "{\"name\": \"expo\", \"size_mb\": 1, \"memory_mb\": 64, "
              "\"hardware\": {\"cpu\": {\"ref_vcpus\": 1, \"cold_total\": "
              "{\"dist\": \"constant\", \"value_ms\": 1}, \"warm\": "
              "{\"dist\": \"exponential\", \"mean_ms\": 1000}}}}");
    snprintf(path, sizeof path, "%s/base.json", dir);
    int n = base_head(body, sizeof body, horizon_s, seed, rate);
    snprintf(body + n, sizeof body - (size_t)n,
             "{\"name\": \"c7i\", \"platform\": \"vm\", \"vm\": "
             "{\"instance_type\": \"c7i.large\", \"count\": 1, \"slots\": %d, "
             "\"boot_s\": 0}}, "
             "{\"name\": \"m7i\", \"platform\": \"vm\", \"vm\": "
             "{\"instance_type\": \"m7i.xlarge\", \"count\": 1, \"slots\": 4, "
             "\"boot_s\": 0}}]}",
             c7i_slots);
    support_write_file(path, body);
}

static void load(const char *body, OptPlan *plan)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/opt.json", dir);
    support_write_file(path, body);
    Err err;
    err_clear(&err);
    int rc = optimize_load(path, plan, &err);
    char line[900];
    err_format(&err, line, sizeof line);
    cr_assert_eq(rc, 0, "optimize_load: %s", line);
}

/* The slots of candidate c's fleet (count x slots). */
static int slots_of(const OptPlan *plan, int c)
{
    const OptCand *k = &plan->cand[c];
    const AltSpec *alt = &plan->points[k->point].alt[k->alt];
    return alt->vm.count * alt->vm.slots;
}

Test(optimize, smallest_fleet_meeting_an_erlang_c_target)
{
    write_base("opt_erlang", 4.0, 1000, 1, 17);
    OptPlan plan;
    load("{\"scenario\": \"base.json\", \"alternatives\": [\"c7i\"], "
         "\"space\": {\"alternatives[0].vm.count\": {\"range\": [5, 10]}}, "
         "\"constraints\": [{\"metric\": \"waited_pct\", \"<=\": 10}], "
         "\"objective\": \"cost_usd\", "
         "\"replications\": {\"initial\": 5, \"batch\": 5, \"max\": 40}}",
         &plan);
    int want = 0;
    for (int c = 5; c <= 10 && want == 0; c++)
        if (stats_erlang_c(c, 4.0) <= 0.10)
            want = c;
    OptOutcome o;
    optimize_solve(&plan, 1, &o);
    cr_assert_geq(o.chosen, 0, "no candidate chosen");
    int got = slots_of(&plan, o.chosen);
    fprintf(stderr,
            "Erlang C target 10%%: theory c = %d (C(%d,4) = %.4f, C(%d,4) = "
            "%.4f), optimiser c = %d after %d stages, %ld runs, proven %d\n",
            want, want - 1, stats_erlang_c(want - 1, 4.0), want,
            stats_erlang_c(want, 4.0), got, o.stages, o.runs, o.proven);
    cr_assert_eq(want, 8);
    cr_assert_eq(got, want);
    cr_assert(o.cand[o.chosen].feasible, "the choice is shown feasible");

    /* the same outcome with two threads */
    OptOutcome o2;
    optimize_solve(&plan, 2, &o2);
    cr_assert_eq(o2.chosen, o.chosen);
    cr_assert_eq(o2.runs, o.runs);
    cr_assert_eq(o2.events, o.events);
    size_t n = (size_t)plan.n_cand * (size_t)plan.rep_max *
               (size_t)(plan.n_con + OPT_EXTRA_COLUMNS);
    cr_assert(memcmp(o.x, o2.x, n * sizeof *o.x) == 0, "runs differ");
    optimize_outcome_free(&o2);
    optimize_outcome_free(&o);
    optimize_free(&plan);
}

/* ---- generated problems -------------------------------------------------- */

static uint64_t lcg = 20261202;

static double uniform01(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) / 9007199254740992.0;
}

/* A target between C(s (k0 - 1), a) and C(s k0, a) (geometric middle), s
 * slots a VM, or -1 if some stable fleet up to 64 slots has C within a
 * factor 1.3 of it. */
static double place_target(double a, int k0, int s)
{
    double tau = sqrt(stats_erlang_c(s * (k0 - 1), a) *
                      stats_erlang_c(s * k0, a));
    for (int c = (int)(a / s) + 1; s * c <= 64; c++) {
        double C = stats_erlang_c(s * c, a);
        if (C > tau / 1.3 && C < tau * 1.3)
            return -1;
    }
    return tau;
}

/* The generated problems' base: the Exp(1 s) model on Lambda x86 at
 * memory_mb (no queue: each request its own instance), on a fleet of
 * c7i.large VMs with 2 slots (one per vCPU: M/M/2c), and on such a fleet
 * with Lambda taking the overflow when no slot is free (no queue either). */
static void write_mixed_base(const char *tag, double rate, int memory_mb,
                             int horizon_s, int seed)
{
    char path[1200], body[4096];
    write_base(tag, rate, horizon_s, 1, seed); /* the folder and the model */
    snprintf(path, sizeof path, "%s/base.json", dir);
    int n = base_head(body, sizeof body, horizon_s, seed, rate);
    snprintf(body + n, sizeof body - (size_t)n,
             "{\"name\": \"lambda\", \"platform\": \"serverless\", "
             "\"pricing\": \"aws-lambda-x86\", \"memory_mb\": %d}, "
             "{\"name\": \"vm\", \"platform\": \"vm\", \"vm\": "
             "{\"instance_type\": \"c7i.large\", \"count\": 1, \"slots\": 2, "
             "\"boot_s\": 0}}, "
             "{\"name\": \"hybrid\", \"platform\": \"hybrid\", \"pricing\": "
             "\"aws-lambda-x86\", \"memory_mb\": %d, \"vm\": "
             "{\"instance_type\": \"c7i.large\", \"count\": 1, \"slots\": 2, "
             "\"boot_s\": 0}, \"overflow\": {\"rule\": \"free-slot\"}}]}",
             memory_mb, memory_mb);
    support_write_file(path, body);
}

/* Whether candidate c meets P(wait) <= tau in theory: the VM fleet is
 * M/M/(slots), Lambda and the hybrid never queue. */
static int feasible_in_theory(const OptPlan *plan, int c, double a,
                              double tau)
{
    const OptCand *k = &plan->cand[c];
    const AltSpec *alt = &plan->points[k->point].alt[k->alt];
    return strcmp(alt->name, "vm") != 0 ||
           stats_erlang_c(slots_of(plan, c), a) <= tau;
}

/* 10 problems by default (some seconds); SIMSRV_OPT_PROBLEMS=40 runs the
 * study README quotes. */
static int n_problems(void)
{
    const char *s = getenv("SIMSRV_OPT_PROBLEMS");
    return s != NULL && atoi(s) > 0 ? atoi(s) : 10;
}

/* The exhaustive optimum of a problem: the cheapest candidate by its mean
 * at the replication maximum that is feasible in theory (`by_mean` 0) or
 * by its mean waited_pct (1). */
static int exhaustive_best(const OptPlan *plan, const OptOutcome *exh,
                           double a, double tau, int by_mean, double *best_y)
{
    int best = -1;
    for (int c = 0; c < plan->n_cand; c++) {
        double y, h, w;
        optimize_interval(plan, exh, c, 0, 0.95, &y, &h);
        optimize_interval(plan, exh, c, 1, 0.95, &w, &h);
        int ok = by_mean ? w <= 100 * tau : feasible_in_theory(plan, c, a, tau);
        if (ok && (best < 0 || y < *best_y)) {
            best = c;
            *best_y = y;
        }
    }
    return best;
}

static const char *alt_name(const OptPlan *plan, int c)
{
    return c >= 0 ? plan->points[0].alt[plan->cand[c].alt].name : "none";
}

Test(optimize, generated_problems_match_theory_and_exhaustive_search,
     .timeout = 900)
{
    int ok = 0, ok_exh = 0, done = 0, n_prob = n_problems();
    int wrong = 0, declined = 0, wins[3] = {0, 0, 0};
    double events = 0, events_exh = 0;
    while (done < n_prob) {
        /* loads from 0.2 to 8 (log-uniform), 512 MB to 10 GB, targets
         * mostly just above the smallest stable fleet (u^3): small loads
         * or memory favour Lambda, loose targets the VM fleet, tight ones
         * the hybrid */
        double a = 0.2 * pow(40, uniform01());
        int memory_mb = (int)lround(512 * pow(20, uniform01()));
        int lo = (int)(a / 2) + 1; /* the smallest stable fleet */
        double u = uniform01();
        int k0 = lo + 1 + (int)(3 * u * u * u);
        int horizon_s = (int)(600 * fmax(1, 3 / a)); /* >= 1,800 requests */
        double tau = place_target(a, k0, 2);
        if (tau < 0 || tau * a * horizon_s < 10)
            continue; /* too close to a fleet's C, or too rare to see */
        char tag[64], body[1024];
        snprintf(tag, sizeof tag, "opt_gen%d", done);
        write_mixed_base(tag, a, memory_mb, horizon_s, 100 + done);
        snprintf(body, sizeof body,
                 "{\"scenario\": \"base.json\", \"space\": "
                 "{\"alternatives[1].vm.count\": {\"range\": [%d, %d]}, "
                 "\"alternatives[2].vm.count\": {\"range\": [1, %d]}}, "
                 "\"constraints\": [{\"metric\": \"waited_pct\", \"<=\": "
                 "%.6g}], \"objective\": \"cost_usd\", \"replications\": "
                 "{\"initial\": 5, \"batch\": 5, \"max\": 30}}",
                 lo, lo + 5, lo + 5, 100 * tau);
        OptPlan plan;
        load(body, &plan);
        OptOutcome seq, exh;
        optimize_solve(&plan, 0, &seq);
        plan.rep_initial = plan.rep_max; /* one stage: every run */
        optimize_solve(&plan, 0, &exh);
        double truth_y = 0, best_y = 0;
        int truth = exhaustive_best(&plan, &exh, a, tau, 0, &truth_y);
        int best = exhaustive_best(&plan, &exh, a, tau, 1, &best_y);
        cr_assert(truth >= 0 && best >= 0);
        wins[plan.cand[truth].alt]++;
        double y = 0, h, w = 0, hw;
        int ch = seq.chosen, within = 0, within_exh = 0;
        if (ch >= 0) {
            optimize_interval(&plan, &exh, ch, 0, 0.95, &y, &h);
            optimize_interval(&plan, &exh, ch, 1, 0.95, &w, &hw);
            int feasible = feasible_in_theory(&plan, ch, a, tau);
            within = feasible && y - truth_y <= 0.01 * truth_y;
            within_exh = w <= 100 * tau && y - best_y <= 0.01 * best_y;
            wrong += !feasible;
        } else {
            declined++;
        }
        ok += within;
        ok_exh += within_exh;
        events += (double)seq.events;
        events_exh += (double)exh.events;
        fprintf(stderr,
                "problem %d: a = %.3f, %d MB, target %.4f, %d candidates: "
                "optimum %s x%d ($%.4f), optimiser %s x%d ($%.4f) in %ld "
                "of %ld runs (%.1f%% of the events)\n",
                done, a, memory_mb, tau, plan.n_cand, alt_name(&plan, truth),
                slots_of(&plan, truth), truth_y, alt_name(&plan, ch),
                ch >= 0 ? slots_of(&plan, ch) : 0, y, seq.runs, exh.runs,
                100.0 * (double)seq.events / (double)exh.events);
        optimize_outcome_free(&seq);
        optimize_outcome_free(&exh);
        optimize_free(&plan);
        done++;
    }
    fprintf(stderr,
            "%d of %d generated problems within the indifference of the "
            "optimum, %d of the exhaustive optimum by means; %d infeasible "
            "choices, %d declined (none shown feasible); optima: lambda %d, "
            "vm %d, hybrid %d; events used %.1f%% of the exhaustive "
            "search's\n",
            ok, n_prob, ok_exh, wrong, declined, wins[0], wins[1], wins[2],
            100.0 * events / events_exh);
    cr_assert_eq(wrong, 0, "an infeasible candidate was chosen");
    cr_assert_geq(ok, (int)ceil(0.95 * n_prob));
    cr_assert_geq(ok_exh, (int)ceil(0.95 * n_prob));
    /* the problems are varied: the optimum is not one platform's */
    cr_assert((wins[0] > 0) + (wins[1] > 0) + (wins[2] > 0) >= 2,
              "every optimum on one platform");
}

/* ---- the wrong-selection rate over seeds -------------------------------- */

/* 20 seeds by default; SIMSRV_OPT_SEEDS=200 runs the study README
 * quotes. */
static int n_seeds(void)
{
    const char *s = getenv("SIMSRV_OPT_SEEDS");
    return s != NULL && atoi(s) > 0 ? atoi(s) : 20;
}

/* Clopper-Pearson 95% interval of a rate of x in n. */
static void rate_interval(int x, int n, double *lo, double *hi)
{
    *lo = x > 0 ? gsl_cdf_beta_Pinv(0.025, x, n - x + 1) : 0;
    *hi = x < n ? gsl_cdf_beta_Pinv(0.975, x + 1, n - x) : 1;
}

Test(optimize, wrong_selection_rate_over_seeds_stays_below_five_percent,
     .timeout = 600)
{
    /* The Erlang C problem of the first test (c = 5..10, P(wait) <= 10% at
     * a = 4: the answer is c = 8, and c = 9 costs 12.5% more, beyond the
     * 1% indifference, so "within the indifference of the optimum" is
     * "c = 8"), run on a fresh seed each time.  A run that declines (none
     * shown feasible) counts as wrong. */
    int n = n_seeds(), wrong = 0, declined = 0;
    long runs = 0;
    for (int i = 0; i < n; i++) {
        write_base("opt_seeds", 4.0, 1000, 1, 1000 + i);
        OptPlan plan;
        load("{\"scenario\": \"base.json\", \"alternatives\": [\"c7i\"], "
             "\"space\": {\"alternatives[0].vm.count\": {\"range\": [5, "
             "10]}}, \"constraints\": [{\"metric\": \"waited_pct\", \"<=\": "
             "10}], \"objective\": \"cost_usd\", \"replications\": "
             "{\"initial\": 5, \"batch\": 5, \"max\": 40}}",
             &plan);
        OptOutcome o;
        optimize_solve(&plan, 0, &o);
        declined += o.chosen < 0;
        wrong += o.chosen < 0 || slots_of(&plan, o.chosen) != 8;
        runs += o.runs;
        optimize_outcome_free(&o);
        optimize_free(&plan);
    }
    double lo, hi;
    rate_interval(wrong, n, &lo, &hi);
    fprintf(stderr,
            "wrong selections over %d seeds of the Erlang C problem (c = 8 "
            "by theory): %d (%.1f%%, 95%% interval [%.1f%%, %.1f%%]), %d of "
            "them declined; %.1f runs a problem of the 240 an exhaustive "
            "search makes\n",
            n, wrong, 100.0 * wrong / n, 100 * lo, 100 * hi, declined,
            (double)runs / n);
    /* 20 seeds: at a true rate of 5%, 4 or more wrong has probability
     * 1.6%; 100 or more: the rate itself */
    if (n >= 100)
        cr_assert_lt((double)wrong / n, 0.05, "the wrong-selection rate");
    else
        cr_assert_leq(wrong, 3, "%d wrong in %d seeds", wrong, n);
}

Test(optimize, monthly_projection_by_hand)
{
    /* $2 per 1M requests at 3,600 arrivals in [600, 4200) s = 1 req/s:
     * 2,592,000 requests a month, $5.184 */
    RunResult res;
    memset(&res, 0, sizeof res);
    res.v[MET_usd_per_1m] = 2.0;
    res.v[MET_arrivals] = 3600;
    res.v[MET_warmup_s] = 600;
    cr_assert_float_eq(report_usd_per_month(&res, 4200), 5.184, 1e-12);
    res.v[MET_arrivals] = 0;
    cr_assert_eq(report_usd_per_month(&res, 4200), 0.0);
}

Test(optimize, files_are_the_same_bytes_for_any_thread_count)
{
    write_base("opt_cli", 4.0, 300, 1, 5);
    char opt[1200], d1[1200], d2[1200], d3[1200];
    snprintf(opt, sizeof opt, "%s/opt.json", dir);
    support_write_file(
        opt, "{\"scenario\": \"base.json\", \"space\": "
             "{\"alternatives[0].vm.count\": {\"range\": [5, 9]}}, "
             "\"constraints\": [{\"metric\": \"waited_pct\", \"<=\": 10}], "
             "\"replications\": {\"initial\": 4, \"batch\": 4, \"max\": 12}}");
    snprintf(d1, sizeof d1, "%s/t1", dir);
    snprintf(d2, sizeof d2, "%s/t2", dir);
    snprintf(d3, sizeof d3, "%s/rerun", dir);
    const char *a1[] = {"simsrv", "optimize", opt, "--threads", "1", "--out",
                        d1, "--quiet", NULL};
    const char *a2[] = {"simsrv", "optimize", opt, "--threads", "2", "--out",
                        d2, "--quiet", NULL};
    cr_assert_eq(support_cli(a1), 0);
    cr_assert_eq(support_cli(a2), 0);
    const char *files[] = {"finalists.csv", "pareto.csv", "recommended.json"};
    for (int i = 0; i < 3; i++) {
        char pa[1300], pb[1300];
        size_t na, nb;
        snprintf(pa, sizeof pa, "%s/%s", d1, files[i]);
        snprintf(pb, sizeof pb, "%s/%s", d2, files[i]);
        char *x = support_slurp(pa, &na), *y = support_slurp(pb, &nb);
        cr_assert(na == nb && memcmp(x, y, na) == 0, "%s differs", files[i]);
        free(x);
        free(y);
    }
    /* the recommendation runs as it is, from another folder */
    char rec[1300];
    snprintf(rec, sizeof rec, "%s/recommended.json", d1);
    const char *a3[] = {"simsrv", "run", rec, "--replications", "1", "--out",
                        d3, "--quiet", NULL};
    cr_assert_eq(support_cli(a3), 0);
}

Test(optimize, more_runs_than_the_bound_are_refused_before_running)
{
    write_base("opt_bound", 4.0, 300, 1, 5);
    char path[1200];
    snprintf(path, sizeof path, "%s/opt.json", dir);
    support_write_file(
        path, "{\"scenario\": \"base.json\", \"space\": "
              "{\"alternatives[0].vm.count\": {\"range\": [5, 20]}}, "
              "\"alternatives\": [\"c7i\"], \"replications\": {\"max\": "
              "70000}}");
    OptPlan plan;
    Err err;
    err_clear(&err);
    cr_assert_eq(optimize_load(path, &plan, &err), -SIM_EINPUT);
    char line[900];
    err_format(&err, line, sizeof line);
    cr_assert(strstr(line, "replications.max: 16 candidates x 70000 "
                           "replications is more than 1000000 runs") != NULL,
              "%s", line);
}

Test(optimize, monotone_search_finds_the_erlang_c_fleet_with_fewer_runs)
{
    write_base("opt_mono", 4.0, 1000, 1, 17);
    const char *fmt =
        "{\"scenario\": \"base.json\", \"alternatives\": [\"c7i\"], "
        "\"search\": \"%s\", \"space\": {\"alternatives[0].vm.count\": "
        "{\"range\": [5, 60]}}, \"constraints\": [{\"metric\": "
        "\"waited_pct\", \"<=\": 10}], \"objective\": \"cost_usd\", "
        "\"replications\": {\"initial\": 5, \"batch\": 5, \"max\": 40}}";
    char body[1024];
    long runs[2];
    for (int m = 0; m < 2; m++) {
        snprintf(body, sizeof body, fmt, m ? "monotone" : "all");
        OptPlan plan;
        load(body, &plan);
        OptOutcome o;
        optimize_solve(&plan, 0, &o);
        cr_assert_geq(o.chosen, 0);
        int got = slots_of(&plan, o.chosen);
        runs[m] = o.runs;
        fprintf(stderr, "%s search over c = 5..60: c = %d in %ld runs\n",
                m ? "monotone" : "full", got, o.runs);
        cr_assert_eq(got, 8);
        optimize_outcome_free(&o);
        optimize_free(&plan);
    }
    /* bisection probes ceil(log2 57) = 6 fleets (5 runs each when clear) */
    cr_assert_lt(runs[1], runs[0]);
    cr_assert_leq(runs[1], 6 * 40);
}

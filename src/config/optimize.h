/*
 * optimize.h - an optimisation file, read into candidates, constraints and
 * an objective for `simsrv optimize` (cli/optimize.c runs the procedure).
 *
 *   { "scenario": "base.json",
 *     "space": { "alternatives[0].memory_mb": {"log_range": [512, 10240],
 *                                              "count": 9},
 *                "alternatives[0].provisioned": {"range": [0, 8]},
 *                "alternatives[0].keepalive.keepalive_s": [60, 600] },
 *     "alternatives": ["lambda", "ec2"],
 *     "constraints": [{"metric": "p99_ms", "<=": 300},
 *                     {"metric": "slo_pct", ">=": 99}],
 *     "objective": "usd_per_month",
 *     "confidence": 0.95, "indifference": 0.01,
 *     "replications": {"initial": 10, "batch": 10, "max": 60} }
 *
 * The space is the cartesian product of its paths' values (a list of any
 * JSON values, objects included; an integer range {"range": [a, b],
 * "step": s}; or a geometric range {"log_range": [a, b], "count": n},
 * rounded to integers, duplicates dropped).  Each point is the base
 * scenario with the values written in (as a sweep's points, config/sweep.h),
 * and each of the named alternatives of a point is one candidate (a point
 * that differs from an earlier one only inside other alternatives repeats
 * no candidate): "choices of whole alternatives" are the base scenario's
 * alternatives (platforms compete), or a list of objects at
 * "alternatives[i]" that keep its name.  The points are held as a SweepPlan
 * whose replications are the maximum, so candidate runs are sweep cells and
 * share the sweep's random streams (common random numbers).
 *
 * "search": "all" (default) or "monotone": each alternative's candidates
 * differ in one numeric parameter, listed in increasing order, in which
 * every constraint can only go from unmet to met and the objective only
 * grows (fleet size, provisioned count); the smallest value shown feasible
 * is found by bisection and only those compete (cli/optimize.c).
 *
 * Metrics: every summary metric (output/metrics.h, by name), and the
 * derived OPT_DERIVED ones below.  The indifference is a fraction of the
 * objective's best mean ("indifference", default 0.01) or an amount in its
 * unit ("indifference_abs").
 */
#ifndef SIM_CONFIG_OPTIMIZE_H
#define SIM_CONFIG_OPTIMIZE_H

#include "../output/metrics.h"
#include "sweep.h"

#define OPT_MAX_CONSTRAINTS 8
#define OPT_MAX_CANDIDATES 4096
#define OPT_MAX_RUNS 1000000 /* candidates x replications.max (memory) */

/* Derived metrics, numbered after the summary's MET_COUNT.
 * usd_per_month: the run's cost per request times its measured arrival rate
 * over a 30-day month (report_usd_per_month, output/report_ci.h).  rejected_pct: 100 x rejected / arrivals (only while the
 * summary has no metric of that name). */
enum { OPT_USD_PER_MONTH = MET_COUNT, OPT_REJECTED_PCT, OPT_N_METRICS };

typedef struct OptConstraint {
    int metric; /* MET_* or OPT_* */
    int ge;     /* 1: metric >= bound; 0: metric <= bound */
    double bound;
} OptConstraint;

typedef struct OptCand {
    int point, alt; /* in points[point].alt[alt] */
} OptCand;

typedef struct OptPlan {
    SweepPlan sweep;   /* the points; replications = rep_max */
    int n_points_built;
    Scenario *points;  /* [sweep.n_points]: the optimiser runs every point
                          in every stage.  The sweep's own when it kept
                          them all (sweep.points_held), else built here
                          (sweep_point_load) and owned */
    char path[512];    /* the optimisation file */
    char name[64];     /* results/<name>/ */
    int n_cand;
    OptCand *cand;     /* owned */
    int n_con;
    OptConstraint con[OPT_MAX_CONSTRAINTS];
    int objective;     /* MET_* or OPT_* */
    int maximize;
    double confidence;     /* (0.5, 1) */
    double indiff_rel;     /* fraction of the best mean */
    double indiff_abs;     /* > 0: overrides indiff_rel (objective unit) */
    int rep_initial, rep_batch, rep_max;
    int monotone;      /* "search": "monotone" (cli/optimize.c) */
    uint64_t hash;     /* FNV-1a 64 of the file's text over the sweep's
                          plan hash (the base scenario, the space, the
                          version): names the plan in run logs */
} OptPlan;

/* Reads and validates an optimisation file and every point it implies.
 * Errors are one line naming the file and the JSON path. */
int optimize_load(const char *path, OptPlan *plan, Err *err);
void optimize_free(OptPlan *plan);

/* Whether swept parameter i can change alternative a (every path but
 * those inside another alternative). */
int optimize_param_touches(const OptPlan *plan, int i, int a);

/* The name of metric m (MET_* or OPT_*), and m for a name (-1: none). */
const char *optimize_metric_name(int m);
int optimize_metric_index(const char *name);

/* Metric m of one run of scenario sc. */
double optimize_metric_value(const Scenario *sc, const RunResult *res, int m);

/* A runnable scenario (JSON text, malloc'd) of candidate c: its point's
 * scenario with only the candidate's alternative, and a "description"
 * saying where it came from. */
char *optimize_scenario_text(const OptPlan *plan, int c);

#endif

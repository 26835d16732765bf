/*
 * report.h - what a `simsrv run` prints and writes.
 *
 * Given the results of every (alternative, replication) run, this module
 * aggregates each RUN_METRICS entry across replications (mean and 95%
 * Student-t half-width) and writes:
 *   summary.csv   one tidy row per alternative: alternative, replications,
 *                 then <metric>,<metric>_ci95 for every metric (the LLM
 *                 metrics only when `llm`);
 *   summary.json  everything: scenario text, seed, version, per-replication
 *                 values and the intervals;
 * and prints the comparison table.  Output is a pure function of the
 * inputs (no clock, no host), so the same seed gives the same bytes.
 */
#ifndef SIM_OUTPUT_REPORT_H
#define SIM_OUTPUT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "metrics.h"

typedef struct ReportInput {
    const char *scenario_name;
    const char *scenario_path;
    const char *description;
    const char *scenario_json;   /* the scenario file's text */
    const char *model_name;
    const char *catalog_date;
    const char *version;
    uint64_t seed;
    int replications;
    double horizon_s;
    double slo_ms;
    int n_alt;
    const char *const *alt_names;
    const char *const *alt_pricing; /* price entry id per alternative */
    const RunResult *results;    /* [alt * replications + rep] */
    int llm;                     /* the column sets (METCOLS_*): with
                                    METCOLS_LLM the LLM metrics are written
                                    and printed */
    double slo_ttft_ms, slo_tpot_ms; /* LLM SLO targets, 0 = none */
    int gpu;                     /* GPU-cluster features on: the GPU
                                    metrics are written */
} ReportInput;

void report_write_csv(FILE *fp, const ReportInput *in);
void report_write_json(FILE *fp, const ReportInput *in);
void report_print_table(FILE *fp, const ReportInput *in, const char *out_dir);

#endif

/*
 * report_ci.h - `simsrv run --ci`: the comparison with 95% intervals, and
 * the monthly cost projection that both it and `simsrv optimize` use.
 *
 * $/month projects a run's cost per request onto a 30-day month at the
 * arrival rate the run measured: usd_per_1m / 1e6 x arrivals / (horizon_s
 * - warmup_s) x 2,592,000 s.  It is a projection of a steady rate (a trace
 * replay's window stands for the whole month), not a calendar bill.
 */
#ifndef SIM_OUTPUT_REPORT_CI_H
#define SIM_OUTPUT_REPORT_CI_H

#include <stdio.h>

#include "report.h"

/* The monthly projection of one run of horizon_s (0 without arrivals). */
double report_usd_per_month(const RunResult *res, double horizon_s);

/* Prints mean +- 95% Student-t half-width over the replications of cold %,
 * p99, SLO %, cost, $/1M requests and $/month, one row per alternative. */
void report_print_ci(FILE *fp, const ReportInput *in);

#endif

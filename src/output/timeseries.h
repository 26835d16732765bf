/*
 * timeseries.h - timeseries.csv, written row by row while runs stream.
 *
 * Columns: alternative, replication, t0_s, t1_s, arrivals, completed,
 * rejected, timed_out, cold, starting, idle, busy (time-average serverless
 * instances in the interval), vm_booting, vm_ready (time-average VMs), p95_ms (of requests completed in it; empty if none),
 * cost_usd (accrued by t1).  Rows are streamed, so memory does not grow
 * with the horizon.
 */
#ifndef SIM_OUTPUT_TIMESERIES_H
#define SIM_OUTPUT_TIMESERIES_H

#include <stdint.h>
#include <stdio.h>

#include "metrics.h"

void ts_write_header(FILE *fp);
void ts_write_row(FILE *fp, const char *alternative, uint32_t rep,
                  const TsRow *row);

#endif

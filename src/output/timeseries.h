/*
 * timeseries.h - timeseries.csv, written row by row while runs stream.
 *
 * Columns: alternative, replication, t0_s, t1_s, arrivals, completed,
 * rejected, timed_out, cold, starting, idle, busy (time-average serverless
 * instances in the interval), vm_booting, vm_ready (time-average VMs), p95_ms (of requests completed in it; empty if none),
 * cost_usd (accrued over [0, t1), periods still open counted unrounded;
 * the last row of a run carries the run's final cost, billing rounding
 * and requests unfinished at the horizon included, so it equals the
 * summary's cost_usd unless a warm-up is deleted from the summary).  Rows
 * are streamed, so memory does not grow with the horizon.
 * With `llm` (the scenario's requests carry token counts) four more:
 * ttft_p50_ms, ttft_p99_ms (of the requests completed in the interval with
 * a first token; empty if none), out_tok_s (the output tokens of the
 * requests completed in it / the interval's length) and kv_util_pct (the LLM engines' KV blocks in use /
 * capacity, time-average over the interval; empty without engines).
 * With `queue` (an alternative has an event source, platform/queue.c) one
 * more before them: backlog, the messages its queue holds at t1 (visible,
 * in an invocation, or waiting out a visibility timeout; 0 for the
 * alternatives without one).
 */
#ifndef SIM_OUTPUT_TIMESERIES_H
#define SIM_OUTPUT_TIMESERIES_H

#include <stdint.h>
#include <stdio.h>

#include "metrics.h"

void ts_write_header(FILE *fp, int llm, int queue);
void ts_write_row(FILE *fp, const char *alternative, uint32_t rep,
                  const TsRow *row, int llm, int queue);

#endif

/*
 * timeseries.c - CSV rows of one interval each (see timeseries.h).
 */
#include "timeseries.h"

#include <inttypes.h>
#include <math.h>

void ts_write_header(FILE *fp, int llm, int queue)
{
    fputs("alternative,replication,t0_s,t1_s,arrivals,completed,rejected,"
          "timed_out,cold,starting,idle,busy,vm_booting,vm_ready,p95_ms,"
          "cost_usd",
          fp);
    if (queue)
        fputs(",backlog", fp);
    if (llm)
        fputs(",ttft_p50_ms,ttft_p99_ms,out_tok_s,kv_util_pct", fp);
    fputc('\n', fp);
}

/* ",x" with x rounded to `decimals`, or "," (an empty cell) for NaN. */
static void put_cell(FILE *fp, double x, int decimals)
{
    fputc(',', fp);
    if (!isnan(x))
        fprintf(fp, "%.*f", decimals, x);
}

void ts_write_row(FILE *fp, const char *alternative, uint32_t rep,
                  const TsRow *r, int llm, int queue)
{
    fprintf(fp,
            "%s,%" PRIu32 ",%.6f,%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%.4f,%.4f,%.4f,%.4f,%.4f,",
            alternative, rep, r->t0_s, r->t1_s, r->arrivals, r->completed,
            r->rejected, r->timed_out, r->cold, r->starting, r->idle, r->busy,
            r->vm_booting, r->vm_ready);
    if (!isnan(r->p95_ms))
        fprintf(fp, "%.3f", r->p95_ms);
    fprintf(fp, ",%.6f", r->cost_usd);
    if (queue)
        fprintf(fp, ",%d", r->backlog);
    if (llm) {
        put_cell(fp, r->ttft_p50_ms, 3);
        put_cell(fp, r->ttft_p99_ms, 3);
        put_cell(fp, r->out_tok_s, 4);
        put_cell(fp, r->kv_util_pct, 4);
    }
    fputc('\n', fp);
}

/*
 * timeseries.c - CSV rows of one interval each (see timeseries.h).
 */
#include "timeseries.h"

#include <inttypes.h>
#include <math.h>

void ts_write_header(FILE *fp)
{
    fputs("alternative,replication,t0_s,t1_s,arrivals,completed,rejected,"
          "timed_out,cold,starting,idle,busy,vm_booting,vm_ready,p95_ms,"
          "cost_usd\n",
          fp);
}

void ts_write_row(FILE *fp, const char *alternative, uint32_t rep,
                  const TsRow *r)
{
    fprintf(fp,
            "%s,%" PRIu32 ",%.6f,%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%.4f,%.4f,%.4f,%.4f,%.4f,",
            alternative, rep, r->t0_s, r->t1_s, r->arrivals, r->completed,
            r->rejected, r->timed_out, r->cold, r->starting, r->idle, r->busy,
            r->vm_booting, r->vm_ready);
    if (!isnan(r->p95_ms))
        fprintf(fp, "%.3f", r->p95_ms);
    fprintf(fp, ",%.6f\n", r->cost_usd);
}

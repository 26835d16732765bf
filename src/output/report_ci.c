/*
 * report_ci.c - the interval table of `simsrv run --ci` (see report_ci.h).
 * Each cell is "mean ± half": the 95% Student-t interval over the
 * replications (stats_interval), as in summary.csv's <metric>_ci95.
 */
#include "report_ci.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "stats.h"

double report_usd_per_month(const RunResult *res, double horizon_s)
{
    double arrivals = res->v[MET_arrivals];
    double span_s = horizon_s - res->v[MET_warmup_s];
    if (span_s <= 0 || arrivals <= 0)
        return 0.0;
    return res->v[MET_usd_per_1m] * 1e-6 * (arrivals / span_s) * 2592000.0;
}

enum { CI_MONTH = -1 }; /* the column that is not a summary metric */

/* The interval of metric m (or the monthly projection) of alternative a. */
static Interval column_interval(const ReportInput *in, int a, int m)
{
    double *x = xmalloc((size_t)in->replications * sizeof *x);
    for (int r = 0; r < in->replications; r++) {
        const RunResult *res = &in->results[a * in->replications + r];
        x[r] = m == CI_MONTH ? report_usd_per_month(res, in->horizon_s)
                             : res->v[m];
    }
    Interval iv = stats_interval(x, in->replications);
    free(x);
    return iv;
}

void report_print_ci(FILE *fp, const ReportInput *in)
{
    static const struct {
        const char *head;
        int metric;
    } cols[] = {{"cold %", MET_cold_pct},   {"p99 ms", MET_p99_ms},
                {"SLO %", MET_slo_pct},     {"cost $", MET_cost_usd},
                {"$/1M req", MET_usd_per_1m}, {"$/month", CI_MONTH}};
    enum { NCOL = sizeof cols / sizeof cols[0] };
    size_t w = strlen("alternative");
    for (int a = 0; a < in->n_alt; a++)
        if (strlen(in->alt_names[a]) > w)
            w = strlen(in->alt_names[a]);
    fprintf(fp, "\n%-*s", (int)w, "alternative");
    for (int k = 0; k < NCOL; k++)
        fprintf(fp, " %22s", cols[k].head);
    fputc('\n', fp);
    for (int a = 0; a < in->n_alt; a++) {
        fprintf(fp, "%-*s", (int)w, in->alt_names[a]);
        for (int k = 0; k < NCOL; k++) {
            Interval iv = column_interval(in, a, cols[k].metric);
            if (iv.half < 1e-12 * fabs(iv.mean))
                iv.half = 0; /* rounding noise of a constant */
            char cell[64];
            if (in->replications > 1)
                snprintf(cell, sizeof cell, "%.5g ± %.2g", iv.mean, iv.half);
            else
                snprintf(cell, sizeof cell, "%.5g", iv.mean);
            /* "±" is two bytes and one column */
            fprintf(fp, " %*s", in->replications > 1 ? 23 : 22, cell);
        }
        fputc('\n', fp);
    }
    fprintf(fp, "Means ± 95%% half-widths (Student t, %d replications); "
                "$/month: cost per request x the measured rate x 30 days\n",
            in->replications);
}

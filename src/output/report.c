/*
 * report.c - summary.csv, summary.json and the printed comparison table.
 *
 * Numbers are printed with %.17g in machine-readable files (round-trip
 * exact, so two runs compare byte for byte) and rounded for people in the
 * table.
 */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "stats.h"

static Interval metric_interval(const ReportInput *in, int alt, int met)
{
    double *x = xmalloc((size_t)in->replications * sizeof *x);
    for (int r = 0; r < in->replications; r++)
        x[r] = in->results[alt * in->replications + r].v[met];
    Interval iv = stats_interval(x, in->replications);
    free(x);
    return iv;
}

static void put_num(FILE *fp, double x)
{
    if (isnan(x))
        return; /* empty CSV cell */
    fprintf(fp, "%.17g", x);
}

void report_write_csv(FILE *fp, const ReportInput *in)
{
    fputs("alternative,pricing,replications", fp);
    for (int m = 0; m < MET_COUNT; m++)
        if (metrics_shown(in->llm, in->gpu, m))
            fprintf(fp, ",%s,%s_ci95", metric_info[m].name,
                    metric_info[m].name);
    fputc('\n', fp);
    for (int a = 0; a < in->n_alt; a++) {
        fprintf(fp, "%s,%s,%d", in->alt_names[a], in->alt_pricing[a],
                in->replications);
        for (int m = 0; m < MET_COUNT; m++) {
            if (!metrics_shown(in->llm, in->gpu, m))
                continue;
            Interval iv = metric_interval(in, a, m);
            fputc(',', fp);
            put_num(fp, iv.mean);
            fputc(',', fp);
            put_num(fp, iv.half);
        }
        fputc('\n', fp);
    }
}

static void json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", fp);
            break;
        case '\\':
            fputs("\\\\", fp);
            break;
        case '\n':
            fputs("\\n", fp);
            break;
        case '\r':
            fputs("\\r", fp);
            break;
        case '\t':
            fputs("\\t", fp);
            break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

static void json_num(FILE *fp, double x)
{
    if (isnan(x) || isinf(x))
        fputs("null", fp);
    else
        fprintf(fp, "%.17g", x);
}

void report_write_json(FILE *fp, const ReportInput *in)
{
    fputs("{\n  \"simsrv_version\": ", fp);
    json_string(fp, in->version);
    fputs(",\n  \"scenario\": ", fp);
    json_string(fp, in->scenario_name);
    fputs(",\n  \"scenario_file\": ", fp);
    json_string(fp, in->scenario_path);
    fputs(",\n  \"description\": ", fp);
    json_string(fp, in->description);
    fputs(",\n  \"model\": ", fp);
    json_string(fp, in->model_name);
    fputs(",\n  \"pricing_catalog_date\": ", fp);
    json_string(fp, in->catalog_date);
    fprintf(fp, ",\n  \"seed\": %" PRIu64 ",\n  \"replications\": %d",
            in->seed, in->replications);
    fputs(",\n  \"horizon_s\": ", fp);
    json_num(fp, in->horizon_s);
    fputs(",\n  \"slo_ms\": ", fp);
    json_num(fp, in->slo_ms);
    if (in->llm & METCOLS_LLM) { /* 0 = no target: null */
        fputs(",\n  \"slo_ttft_ms\": ", fp);
        json_num(fp, in->slo_ttft_ms > 0 ? in->slo_ttft_ms : (double)NAN);
        fputs(",\n  \"slo_tpot_ms\": ", fp);
        json_num(fp, in->slo_tpot_ms > 0 ? in->slo_tpot_ms : (double)NAN);
    }
    fputs(",\n  \"confidence\": \"95% Student-t over replications; null "
          "with one replication\"",
          fp);
    fputs(",\n  \"metrics\": {", fp);
    for (int m = 0; m < MET_COUNT; m++) {
        if (!metrics_shown(in->llm, in->gpu, m))
            continue;
        fprintf(fp, "%s\n    \"%s\": {\"unit\": ", m ? "," : "",
                metric_info[m].name);
        json_string(fp, metric_info[m].unit);
        fputs(", \"meaning\": ", fp);
        json_string(fp, metric_info[m].doc);
        fputc('}', fp);
    }
    fputs("\n  },\n  \"alternatives\": [", fp);
    for (int a = 0; a < in->n_alt; a++) {
        fprintf(fp, "%s\n    {\n      \"name\": ", a ? "," : "");
        json_string(fp, in->alt_names[a]);
        fputs(",\n      \"pricing\": ", fp);
        json_string(fp, in->alt_pricing[a]);
        fputs(",\n      \"mean\": {", fp);
        for (int m = 0; m < MET_COUNT; m++) {
            if (!metrics_shown(in->llm, in->gpu, m))
                continue;
            Interval iv = metric_interval(in, a, m);
            fprintf(fp, "%s\"%s\": ", m ? ", " : "", metric_info[m].name);
            json_num(fp, iv.mean);
        }
        fputs("},\n      \"ci95\": {", fp);
        for (int m = 0; m < MET_COUNT; m++) {
            if (!metrics_shown(in->llm, in->gpu, m))
                continue;
            Interval iv = metric_interval(in, a, m);
            fprintf(fp, "%s\"%s\": ", m ? ", " : "", metric_info[m].name);
            json_num(fp, iv.half);
        }
        fputs("},\n      \"latency_cdf\": {\"p\": [", fp);
        for (int k = 0; k < RUN_CDF_POINTS; k++) {
            fprintf(fp, "%s", k ? ", " : "");
            json_num(fp, run_cdf_p[k]);
        }
        fputs("], \"ms\": [", fp);
        for (int k = 0; k < RUN_CDF_POINTS; k++) {
            double sum = 0;
            for (int r = 0; r < in->replications; r++)
                sum += in->results[a * in->replications + r].lat_cdf_ms[k];
            fprintf(fp, "%s", k ? ", " : "");
            json_num(fp, sum / in->replications);
        }
        fputs("], \"note\": \"latency quantiles, mean over replications\"}",
              fp);
        fputs(",\n      \"replications\": [", fp);
        for (int r = 0; r < in->replications; r++) {
            const RunResult *res = &in->results[a * in->replications + r];
            fprintf(fp, "%s\n        {\"replication\": %d, \"events\": %" PRIu64,
                    r ? "," : "", r, res->events);
            for (int m = 0; m < MET_COUNT; m++) {
                if (!metrics_shown(in->llm, in->gpu, m))
                    continue;
                fprintf(fp, ", \"%s\": ", metric_info[m].name);
                json_num(fp, res->v[m]);
            }
            fputc('}', fp);
        }
        fputs("\n      ]\n    }", fp);
    }
    fputs("\n  ],\n  \"scenario_json\": ", fp);
    json_string(fp, in->scenario_json);
    fputs("\n}\n", fp);
}

/* "%9.1f", or blanks and "-" for NaN (no LLM request, no engine). */
static void put_cell(FILE *fp, double x, int width, int decimals)
{
    if (isnan(x))
        fprintf(fp, " %*s", width, "-");
    else
        fprintf(fp, " %*.*f", width, decimals, x);
}

/* The LLM table: TTFT, TPOT, tokens/s, LLM SLO attainment and goodput,
 * cost per million output tokens. */
static void print_llm_table(FILE *fp, const ReportInput *in, int iw)
{
    fprintf(fp, "\nLLM: TTFT and TPOT of completed requests; SLO TTFT ");
    if (in->slo_ttft_ms > 0)
        fprintf(fp, "%g ms", in->slo_ttft_ms);
    else
        fputs("none", fp);
    fputs(", TPOT ", fp);
    if (in->slo_tpot_ms > 0)
        fprintf(fp, "%g ms\n", in->slo_tpot_ms);
    else
        fputs("none\n", fp);
    fprintf(fp, "%-*s %9s %9s %8s %8s %9s %7s %9s %6s %10s\n", iw,
            "alternative", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99",
            "out tok/s", "SLO %", "goodput/s", "batch", "$/1M out");
    for (int a = 0; a < in->n_alt; a++) {
        double v[MET_COUNT];
        for (int m = MET_LLM_FIRST; m < MET_COUNT; m++)
            v[m] = metric_interval(in, a, m).mean;
        fprintf(fp, "%-*s", iw, in->alt_names[a]);
        put_cell(fp, v[MET_ttft_p50_ms], 9, 1);
        put_cell(fp, v[MET_ttft_p99_ms], 9, 1);
        put_cell(fp, v[MET_tpot_p50_ms], 8, 2);
        put_cell(fp, v[MET_tpot_p99_ms], 8, 2);
        put_cell(fp, v[MET_output_tok_s], 9, 1);
        put_cell(fp, v[MET_llm_slo_pct], 7, 2);
        put_cell(fp, v[MET_goodput_rps], 9, 3);
        put_cell(fp, v[MET_mean_running_batch], 6, 1);
        put_cell(fp, v[MET_usd_per_1m_out], 10, 4);
        fputc('\n', fp);
    }
    fputs("(ms; SLO % of ended requests within both targets; batch = mean "
          "running sequences per engine iteration)\n",
          fp);
}

void report_print_table(FILE *fp, const ReportInput *in, const char *out_dir)
{
    fprintf(fp, "%s: %s\n", in->scenario_name,
            in->description[0] ? in->description : "(no description)");
    fprintf(fp,
            "model %s, horizon %.0f s, SLO %.0f ms, seed %" PRIu64
            ", %d replication%s, prices of %s\n\n",
            in->model_name, in->horizon_s, in->slo_ms, in->seed,
            in->replications, in->replications == 1 ? "" : "s",
            in->catalog_date[0] ? in->catalog_date : "?");
    size_t w = strlen("alternative");
    for (int a = 0; a < in->n_alt; a++)
        if (strlen(in->alt_names[a]) > w)
            w = strlen(in->alt_names[a]);
    int iw = (int)w;
    fprintf(fp, "%-*s %10s %7s %9s %9s %9s %7s %6s %11s %10s %11s\n", iw,
            "alternative", "requests", "cold %", "p50 ms", "p95 ms", "p99 ms",
            "SLO %", "VM %", "cost $", "$/1M req", "idle GB-s");
    for (int a = 0; a < in->n_alt; a++) {
        double v[MET_COUNT];
        for (int m = 0; m < MET_COUNT; m++)
            v[m] = metric_interval(in, a, m).mean;
        fprintf(fp,
                "%-*s %10.0f %7.2f %9.1f %9.1f %9.1f %7.2f %6.1f %11.4f "
                "%10.4f %11.1f\n",
                iw, in->alt_names[a], v[MET_arrivals], v[MET_cold_pct],
                v[MET_p50_ms], v[MET_p95_ms], v[MET_p99_ms], v[MET_slo_pct],
                v[MET_served_vm_pct], v[MET_cost_usd], v[MET_usd_per_1m],
                v[MET_idle_gb_s]);
    }
    if (in->llm & METCOLS_LLM)
        print_llm_table(fp, in, iw);
    if (in->replications > 1)
        fprintf(fp, "\nMeans over %d replications; 95%% intervals",
                in->replications);
    else
        fprintf(fp, "\nOne replication (no intervals); every metric");
    if (out_dir != NULL)
        fprintf(fp, " in %s/summary.csv\n", out_dir);
    else
        fprintf(fp, " in summary.csv\n");
}

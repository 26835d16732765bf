/*
 * pricing.c - rounding rules and the dollar arithmetic (see pricing.h).
 */
#include "pricing.h"

int64_t pricing_billed_ms(SimTime dur_us, int granularity_ms)
{
    if (dur_us <= 0)
        return 0;
    int64_t g_us = (int64_t)granularity_ms * 1000;
    return (dur_us + g_us - 1) / g_us * granularity_ms;
}

int64_t pricing_prov_billed_s(SimTime dur_us, int granularity_s)
{
    if (dur_us <= 0)
        return 0;
    int64_t g_us = (int64_t)granularity_s * SIM_US_PER_S;
    return (dur_us + g_us - 1) / g_us * granularity_s;
}

int64_t pricing_vm_billed_s(SimTime life_us, int min_s)
{
    int64_t s = (life_us + SIM_US_PER_S - 1) / SIM_US_PER_S;
    return s < min_s ? min_s : s;
}

void pricing_breakdown(const CostAcc *acc, const PriceEntry *p, double months,
                       CostBreakdown *out)
{
    /* MB x ms -> GB x s: / 1024 / 1000 */
    const double gb_s_per_mb_ms = 1.0 / (1024.0 * 1000.0);
    double requests = (double)acc->requests;
    double od_gb_s = (double)acc->od_mb_ms * gb_s_per_mb_ms;
    double init_gb_s = (double)acc->od_init_mb_ms * gb_s_per_mb_ms;
    if (p->free_tier) {
        /* The free tier covers on-demand requests and duration only;
         * provisioned concurrency is never free. */
        double fr = p->free_requests * months, fg = p->free_gb_s * months;
        requests = requests > fr ? requests - fr : 0;
        double keep = od_gb_s > fg ? (od_gb_s - fg) / od_gb_s : 0;
        init_gb_s *= keep;
        od_gb_s = od_gb_s > fg ? od_gb_s - fg : 0;
    }
    out->requests_usd = requests * p->usd_per_request;
    out->compute_usd = od_gb_s * p->usd_per_gb_s;
    out->init_usd = init_gb_s * p->usd_per_gb_s;
    out->provisioned_usd = (double)acc->pc_mb_s / 1024.0 * p->prov_usd_per_gb_s;
    out->prov_compute_usd = (double)acc->pc_dur_mb_ms * gb_s_per_mb_ms *
                            p->prov_duration_usd_per_gb_s;
    out->total_usd = out->requests_usd + out->compute_usd +
                     out->provisioned_usd + out->prov_compute_usd;
}

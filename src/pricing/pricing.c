/*
 * pricing.c - rounding rules and the dollar arithmetic (see pricing.h).
 */
#include "pricing.h"

#include <math.h>
#include <stddef.h>

int64_t pricing_billed_ms(SimTime dur_us, int granularity_ms)
{
    if (dur_us <= 0)
        return 0;
    if (granularity_ms < 1)
        granularity_ms = 1;
    int64_t g_us = (int64_t)granularity_ms * 1000;
    return (dur_us + g_us - 1) / g_us * granularity_ms;
}

int64_t pricing_billed_mb(const PriceEntry *p, int memory_mb)
{
    int step = p->memory_step_mb > 1 ? p->memory_step_mb : 1;
    return ((int64_t)memory_mb + step - 1) / step * step;
}

int64_t pricing_exec_ms(const PriceEntry *p, SimTime dur_us)
{
    if (dur_us <= 0)
        return 0;
    int64_t ms = pricing_billed_ms(dur_us, p->granularity_ms);
    return ms < p->min_billed_ms ? p->min_billed_ms : ms;
}

double pricing_instance_usd_per_s(const PriceEntry *p,
                                  const InstanceShape *shape, int active)
{
    double gpu = active && p->active_usd_per_gpu_s > 0 ? p->active_usd_per_gpu_s
                                                       : p->usd_per_gpu_s;
    return shape->gpus * gpu + shape->vcpus * p->usd_per_vcpu_s +
           shape->memory_gib * p->usd_per_gib_s;
}

/* Dollars for `gb_s` of on-demand duration in a run of `months`, with the
 * volume tiers applied to the monthly rate. */
static double tiered_usd(const PriceEntry *p, double gb_s, double months)
{
    if (p->n_tiers == 0 || months <= 0)
        return gb_s * p->usd_per_gb_s;
    double monthly = gb_s / months, usd = 0;
    for (int i = 0; i < p->n_tiers; i++) {
        double lo = p->tier_from_gb_s[i];
        double hi = i + 1 < p->n_tiers ? p->tier_from_gb_s[i + 1] : HUGE_VAL;
        if (monthly <= lo)
            break;
        double part = (monthly < hi ? monthly : hi) - lo;
        usd += part * p->usd_per_gb_s * (1 - p->tier_discount[i]);
    }
    return usd * months;
}

int64_t pricing_prov_billed_s(SimTime dur_us, int granularity_s)
{
    if (dur_us <= 0)
        return 0;
    if (granularity_s < 1)
        granularity_s = 1;
    int64_t g_us = (int64_t)granularity_s * SIM_US_PER_S;
    return (dur_us + g_us - 1) / g_us * granularity_s;
}

int64_t pricing_vm_billed_s(SimTime life_us, int min_s)
{
    int64_t s = (life_us + SIM_US_PER_S - 1) / SIM_US_PER_S;
    return s < min_s ? min_s : s;
}

int64_t pricing_spot_interrupted_billed_s(SimTime life_us, int min_s)
{
    if (life_us < (SimTime)3600 * SIM_US_PER_S)
        return 0;
    return pricing_vm_billed_s(life_us, min_s);
}

int64_t pricing_vm_entry_billed_s(const PriceEntry *p, SimTime life_us)
{
    int64_t inc = p->billing_increment_s > 1 ? p->billing_increment_s : 1;
    int64_t s = pricing_vm_billed_s(life_us, p->min_billed_s);
    return (s + inc - 1) / inc * inc;
}

double pricing_cpu_ghz(const PriceEntry *p, int memory_mb)
{
    for (int i = 0; i < p->n_ghz; i++)
        if (p->ghz_memory_mb[i] == memory_mb)
            return p->ghz[i];
    return 0;
}

double pricing_task_usd_per_hour(const PriceEntry *p, double vcpus,
                                 double memory_gb)
{
    return vcpus * p->usd_per_vcpu_hour + memory_gb * p->usd_per_gb_hour;
}

double pricing_task_start_s(const PriceEntry *p, double image_mb)
{
    double pull = p->image_pull_mb_per_s > 0 ? image_mb / p->image_pull_mb_per_s
                                             : 0;
    return p->start_base_s + pull;
}

int64_t pricing_gateway_calls(const PriceEntry *p, double payload_kb)
{
    if (!(p->meter_kb > 0) || !(payload_kb > p->meter_kb))
        return 1;
    return (int64_t)ceil(payload_kb / p->meter_kb);
}

double pricing_gateway_usd(const PriceEntry *p, double calls, double months)
{
    if (p->n_call_tiers == 0 || !(calls > 0))
        return 0;
    if (!(months > 0))
        return calls * p->call_tier_usd_per_1m[0] * 1e-6;
    double monthly = calls / months, usd = 0;
    for (int i = 0; i < p->n_call_tiers; i++) {
        double lo = p->call_tier_from[i];
        double hi = i + 1 < p->n_call_tiers ? p->call_tier_from[i + 1]
                                            : HUGE_VAL;
        if (monthly <= lo)
            break;
        usd += ((monthly < hi ? monthly : hi) - lo) *
               p->call_tier_usd_per_1m[i] * 1e-6;
    }
    return usd * months;
}

double pricing_tokens_usd(const PriceEntry *p, uint64_t input,
                          uint64_t output)
{
    return ((double)input * p->usd_per_1m_input +
            (double)output * p->usd_per_1m_output) *
           1e-6;
}

void pricing_breakdown(const CostAcc *acc, const PriceEntry *p, double months,
                       const InstanceShape *shape, CostBreakdown *out)
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
    out->compute_usd = tiered_usd(p, od_gb_s, months);
    out->init_usd = od_gb_s > 0 ? out->compute_usd * init_gb_s / od_gb_s : 0;
    out->provisioned_usd = (double)acc->pc_mb_s / 1024.0 * p->prov_usd_per_gb_s;
    out->prov_compute_usd = (double)acc->pc_dur_mb_ms * gb_s_per_mb_ms *
                            p->prov_duration_usd_per_gb_s;
    /* CPU clock time (per-GHz-s entries), untiered */
    out->compute_usd += (double)acc->od_ms * 1e-3 * p->cpu_ghz *
                        p->usd_per_ghz_s;
    out->prov_compute_usd += (double)acc->pc_dur_ms * 1e-3 * p->cpu_ghz *
                             p->usd_per_ghz_s;
    out->data_usd = (double)acc->data_bytes / (1024.0 * 1024.0 * 1024.0) *
                    p->usd_per_gb_data;
    out->instance_usd = 0;
    if (shape != NULL)
        out->instance_usd =
            (double)acc->inst_od_ms * 1e-3 *
                pricing_instance_usd_per_s(p, shape, 0) +
            (double)acc->inst_pc_ms * 1e-3 *
                pricing_instance_usd_per_s(p, shape, 1);
    out->total_usd = out->requests_usd + out->compute_usd +
                     out->provisioned_usd + out->prov_compute_usd +
                     out->instance_usd + out->data_usd;
}

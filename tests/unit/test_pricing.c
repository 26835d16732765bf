/*
 * test_pricing.c - price-list arithmetic, by hand.
 *
 * Pins: 1 ms round-up; 5-minute provisioned round-up; the Lambda x86
 * example of reference/validation.md ($2.2167 for 1M warm 120.3 ms
 * requests at 1024 MB); provisioned concurrency n*(m/1024)*3600*H*rate;
 * the free tier subtracts 1M requests and 400,000 GB-s a month; per-token
 * API entries of the built-in catalog: N requests x tokens x $/1M by hand,
 * and the entry fields as the catalog gives them; a serverless llm
 * instance at TP 2 pays two GPUs ($0.0026185 per s on modal-h100).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/scenario.h"
#include "pricing/pricing.h"
#include "support.h"

Test(pricing, billed_duration_rounds_up_to_the_millisecond)
{
    cr_assert_eq(pricing_billed_ms(120300, 1), 121);
    cr_assert_eq(pricing_billed_ms(121000, 1), 121);
    cr_assert_eq(pricing_billed_ms(1, 1), 1);
    cr_assert_eq(pricing_billed_ms(0, 1), 0);
    cr_assert_eq(pricing_billed_ms(150001, 100), 200);
    cr_assert_eq(pricing_prov_billed_s(301 * 1000000LL, 300), 600);
    cr_assert_eq(pricing_prov_billed_s(3600 * 1000000LL, 300), 3600);
}

Test(pricing, lambda_x86_reference_example_to_the_cent)
{
    PriceEntry p = support_lambda_x86();
    CostAcc acc = {0};
    acc.requests = 1000000;
    acc.od_mb_ms = 1000000LL * pricing_billed_ms(120300, 1) * 1024;
    CostBreakdown b;
    pricing_breakdown(&acc, &p, 1.0, NULL, &b);
    cr_assert_float_eq(b.requests_usd, 0.20, 1e-12);
    cr_assert_float_eq(b.compute_usd, 121.0 * 1000 * 0.0000166667, 1e-9);
    cr_assert_eq(round(b.total_usd * 100), 222.0, "got %.6f", b.total_usd);
    cr_assert(fabs(b.total_usd - 2.2167) < 0.00005, "got %.6f", b.total_usd);
}

Test(pricing, provisioned_concurrency_formula)
{
    PriceEntry p = support_lambda_x86();
    CostAcc acc = {0};
    int n = 5, mem = 1536;
    double hours = 7.0;
    acc.pc_mb_s = (int64_t)n * mem *
                  pricing_prov_billed_s((SimTime)(hours * 3600e6), 300);
    CostBreakdown b;
    pricing_breakdown(&acc, &p, 0, NULL, &b);
    double expect = n * (mem / 1024.0) * 3600 * hours * 0.0000041667;
    cr_assert_float_eq(b.provisioned_usd, expect, 1e-9);
    cr_assert_float_eq(b.total_usd, expect, 1e-9);
}

Test(pricing, free_tier_subtracts_monthly_allowance)
{
    PriceEntry p = support_lambda_x86();
    p.free_tier = 1;
    CostAcc acc = {0};
    acc.requests = 3000000;
    acc.od_mb_ms = (int64_t)1000000 * 1000 * 1024; /* 1,000,000 GB-s */
    CostBreakdown b;
    pricing_breakdown(&acc, &p, 1.0, NULL, &b);
    cr_assert_float_eq(b.requests_usd, 2000000 * 0.20 / 1e6, 1e-12);
    cr_assert_float_eq(b.compute_usd, 600000 * 0.0000166667, 1e-9);
}

Test(pricing, lambda_volume_tiers)
{
    /* 10B GB-s in a month: 6B at list, 4B at -10% (AWS Compute Blog). */
    PriceEntry p = support_lambda_x86();
    CostAcc acc = {0};
    acc.od_mb_ms = (int64_t)(10e9 * 1024 * 1000 / 1e6); /* in 1e6 units */
    CostBreakdown b;
    pricing_breakdown(&acc, &p, 1e-6, NULL, &b); /* 1e-6 months */
    double list = 0.0000166667;
    cr_assert_float_eq(b.compute_usd * 1e6, 6e9 * list + 4e9 * list * 0.9,
                       1e-3);
}

static PriceEntry builtin(const char *id)
{
    PriceEntry p;
    char date[16];
    Err err;
    cr_assert_eq(catalog_lookup(NULL, id, &p, date, &err, "test"), 0, "%s",
                 err.msg);
    return p;
}

/* 1,000 requests of 1,021 prompt and 237 output tokens on Groq's 70B
 * ($0.59 / $0.79 per 1M): 1.021M x 0.59 + 0.237M x 0.79 = $0.60239 +
 * $0.18723 = $0.78962; on Bedrock's Llama 3 70B ($2.65 / $3.50): $2.70565
 * + $0.8295 = $3.53515. */
Test(pricing, per_token_api_cost_by_hand)
{
    PriceEntry g = builtin("groq-llama-3.3-70b");
    cr_assert_eq(g.model, PRICE_PER_TOKEN);
    cr_assert_float_eq(pricing_tokens_usd(&g, 1000 * 1021, 1000 * 237),
                       0.78962, 1e-12);
    PriceEntry b = builtin("bedrock-llama-3-70b");
    cr_assert_float_eq(pricing_tokens_usd(&b, 1021000, 237000), 3.53515,
                       1e-12);
    cr_assert_eq(pricing_tokens_usd(&b, 0, 0), 0.0);
    /* output only: 1M output tokens cost the output rate */
    cr_assert_float_eq(pricing_tokens_usd(&g, 0, 1000000), 0.79, 1e-12);
}

Test(pricing, per_token_entries_carry_limits_and_latency)
{
    PriceEntry g = builtin("groq-llama-3.1-8b");
    cr_assert_eq(g.rate_rpm, 30);
    cr_assert_eq(g.rate_tpm, 6000);
    cr_assert_eq(g.max_concurrent, 0);
    cr_assert_float_eq(g.usd_per_1m_input, 0.05, 1e-15);
    cr_assert_float_eq(g.usd_per_1m_output, 0.08, 1e-15);
    cr_assert(g.ttft_ms > 0 && g.output_tokens_per_s > 0);
    PriceEntry d = builtin("deepinfra-llama-3.1-8b");
    cr_assert_eq(d.max_concurrent, 200);
    cr_assert_eq(d.rate_rpm, 0);
    PriceEntry h = builtin("Standard_NC40ads_H100_v5");
    cr_assert_eq(h.model, PRICE_VM_HOURLY);
    cr_assert_eq(h.gpus, 1);
    cr_assert_float_eq(h.usd_per_hour, 6.98, 1e-12);
}

/* A serverless instance of the llm executor at tp N holds N of the entry's
 * GPUs and pays for them: modal-h100 with 8 vCPU and 144 GiB at TP 2 is
 * 2 x 0.001097 + 8 x 0.0000131 + 144 x 0.00000222 = $0.0026185 per s
 * (at TP 1, $0.001097 less); other executors keep the entry's GPU. */
Test(pricing, llm_instance_at_tp_pays_its_gpus)
{
    AltSpec a;
    memset(&a, 0, sizeof a);
    a.price = builtin("modal-h100");
    a.memory_mb = 147456;
    a.vcpus = 8;
    a.executor = EXEC_LLM;
    a.llm.tp = 2;
    InstanceShape sh = spec_instance_shape(&a);
    cr_assert_eq(sh.gpus, 2);
    double usd_s = pricing_instance_usd_per_s(&a.price, &sh, 0);
    printf("modal-h100 at TP 2: %.7f USD/s, by hand 0.0026185\n", usd_s);
    cr_assert_float_eq(usd_s, 2 * 0.001097 + 8 * 1.31e-5 + 144 * 2.22e-6,
                       1e-15);
    a.llm.tp = 1;
    cr_assert_eq(spec_instance_shape(&a).gpus, 1);
    a.executor = EXEC_SINGLE;
    a.llm.tp = 4;
    cr_assert_eq(spec_instance_shape(&a).gpus, 1);
}

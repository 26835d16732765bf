/*
 * test_pricing.c - price-list arithmetic, by hand.
 *
 * Pins: 1 ms round-up; 5-minute provisioned round-up; the Lambda x86
 * example of reference/validation.md ($2.2167 for 1M warm 120.3 ms
 * requests at 1024 MB); provisioned concurrency n*(m/1024)*3600*H*rate;
 * the free tier subtracts 1M requests and 400,000 GB-s a month; per-token
 * API entries of the built-in catalog: N requests x tokens x $/1M by hand,
 * and the entry fields as the catalog gives them; a serverless llm
 * instance at TP 2 pays two GPUs ($0.0026185 per s on modal-h100); and
 * the other platforms' rules, each worked in its test: Cloud Functions 1st
 * gen GB-s + GHz-s per 100 ms ($1.09375 for 1M x 260 ms at 128 MB),
 * SageMaker Serverless duration + data ($5.14517578125), API Gateway
 * monthly call tiers and 512 KB metering, Fargate task prices and the
 * 60 s minimum, Vertex AI's 30 s increments, Workers AI neurons -> $ per
 * token, Container Apps GPU-seconds.
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

/* ---- the other platforms: their billing rules by hand ---------- */


/* Cloud Functions 1st gen: the page's per-100 ms price of 128 MB,
 * $0.000000231 = 0.0125 GB-s x $0.0000025 + 0.02 GHz-s x $0.00001, and
 * 1M requests of 260 ms (billed 300 ms) = $0.40 + 1e6 x 0.3 x 2.3125e-6 =
 * $1.09375. */
Test(pricing, cloud_functions_gen1_gb_s_plus_ghz_s)
{
    PriceEntry p = builtin("gcp-cloud-functions-gen1");
    cr_assert_eq(pricing_cpu_ghz(&p, 128), 0.2);
    cr_assert_eq(pricing_cpu_ghz(&p, 2048), 2.4);
    cr_assert_eq(pricing_cpu_ghz(&p, 1000), 0, "not one of the sizes");
    p.cpu_ghz = pricing_cpu_ghz(&p, 128);
    CostAcc acc = {0};
    acc.requests = 1;
    acc.od_ms = pricing_exec_ms(&p, 100000);
    acc.od_mb_ms = acc.od_ms * 128;
    CostBreakdown b;
    pricing_breakdown(&acc, &p, 1.0, NULL, &b);
    cr_assert_float_eq(b.compute_usd, 0.000000231, 5e-10);
    cr_assert_float_eq(b.compute_usd, 2.3125e-7, 1e-18);
    acc.requests = 1000000;
    acc.od_ms = 1000000LL * pricing_exec_ms(&p, 260000);
    cr_assert_eq(acc.od_ms, 300000000LL, "260 ms bills 300 ms");
    acc.od_mb_ms = acc.od_ms * 128;
    pricing_breakdown(&acc, &p, 1.0, NULL, &b);
    fprintf(stderr, "GCF gen1 1M x 260 ms at 128 MB: $%.6f (hand 1.09375)\n",
            b.total_usd);
    cr_assert_float_eq(b.total_usd, 1.09375, 1e-12);
}

/* SageMaker Serverless: 1M requests of 121 ms at 2 GB with 10 + 10 KB:
 * 1e6 x 0.121 x 2 x $0.00002 = $4.84 and 1e6 x 20 KB = 19.0734863 GB x
 * $0.016 = $0.30517578125; no request fee. */
Test(pricing, sagemaker_serverless_duration_plus_data)
{
    PriceEntry p = builtin("aws-sagemaker-serverless");
    CostAcc acc = {0};
    acc.requests = 1000000;
    acc.od_mb_ms = 1000000LL * 121 * 2048;
    acc.data_bytes = 1000000LL * 20 * 1024;
    CostBreakdown b;
    pricing_breakdown(&acc, &p, 1.0, NULL, &b);
    cr_assert_eq(b.requests_usd, 0);
    cr_assert_float_eq(b.compute_usd, 4.84, 1e-12);
    cr_assert_float_eq(b.data_usd, 0.30517578125, 1e-15);
    cr_assert_float_eq(b.total_usd, 5.14517578125, 1e-12);
}

/* API Gateway: REST 500M calls in one month = 333M x $3.50 + 167M x
 * $2.80 = $1,633.10 (twice that for 1e9 calls in two months); HTTP 400M
 * = 300M x $1.00 + 100M x $0.90 = $390; 1.5e9 REST calls in a month =
 * 333 x 3.5 + 667 x 2.8 + 500 x 2.38 = $4,223.10; HTTP meters 512 KB. */
Test(pricing, gateway_calls_in_monthly_tiers)
{
    PriceEntry rest = builtin("aws-api-gateway-rest");
    PriceEntry http = builtin("aws-api-gateway-http");
    cr_assert_float_eq(pricing_gateway_usd(&rest, 5e8, 1), 1633.1, 1e-9);
    cr_assert_float_eq(pricing_gateway_usd(&rest, 1e9, 2), 3266.2, 1e-9);
    cr_assert_float_eq(pricing_gateway_usd(&rest, 1.5e9, 1), 4223.1, 1e-9);
    cr_assert_float_eq(pricing_gateway_usd(&http, 4e8, 1), 390, 1e-9);
    cr_assert_float_eq(pricing_gateway_usd(&http, 1e6, 0.5), 1.0, 1e-12);
    cr_assert_eq(pricing_gateway_calls(&http, 512), 1);
    cr_assert_eq(pricing_gateway_calls(&http, 513), 2);
    cr_assert_eq(pricing_gateway_calls(&http, 1000), 2);
    cr_assert_eq(pricing_gateway_calls(&http, 1537), 4);
    cr_assert_eq(pricing_gateway_calls(&rest, 5000), 1, "REST: per call");
    cr_assert_eq(rest.integration_timeout_s, 29);
    cr_assert_eq(http.integration_timeout_s, 30);
}

/* Fargate: 1 vCPU + 2 GB = $0.04048 + 2 x $0.004445 = $0.04937 an hour;
 * 45 s bills 60 s, 61.2 s bills 62 s; a 1,000 MB image starts in 15 +
 * 1000 / 50 = 35 s.  Vertex AI: 30 s increments, 31 s -> 60 s. */
Test(pricing, fargate_tasks_and_vertex_increments)
{
    PriceEntry f = builtin("aws-fargate-x86");
    cr_assert(f.task_priced);
    cr_assert_float_eq(pricing_task_usd_per_hour(&f, 1, 2), 0.04937, 1e-15);
    cr_assert_float_eq(pricing_task_usd_per_hour(&f, 0.25, 0.5),
                       0.25 * 0.04048 + 0.5 * 0.004445, 1e-15);
    cr_assert_eq(pricing_vm_entry_billed_s(&f, 45 * SIM_US_PER_S), 60);
    cr_assert_eq(pricing_vm_entry_billed_s(&f, 61200000), 62);
    cr_assert_float_eq(pricing_task_start_s(&f, 1000), 35, 1e-12);
    PriceEntry v = builtin("vertex-n1-standard-4");
    cr_assert_eq(pricing_vm_entry_billed_s(&v, 31 * SIM_US_PER_S), 60);
    cr_assert_eq(pricing_vm_entry_billed_s(&v, 30 * SIM_US_PER_S), 30);
    cr_assert_eq(pricing_vm_entry_billed_s(&v, 1), 30);
    cr_assert_eq(pricing_vm_entry_billed_s(&v, 3601LL * SIM_US_PER_S), 3630);
    PriceEntry ec2 = builtin("c7i.large"); /* unchanged: per second, 60 s */
    cr_assert_eq(pricing_vm_entry_billed_s(&ec2, 61200000), 62);
    cr_assert_eq(pricing_vm_entry_billed_s(&ec2, 1), 60);
}

/* Workers AI: $ per 1M tokens = neurons per 1M x $0.011 / 1,000:
 * Llama 3.1 8B 25,608 -> $0.281688 in, 75,147 -> $0.826617 out (the page
 * rounds them to $0.282 and $0.827); 1,000 requests of 500 + 200 tokens
 * cost 0.5M x 0.281688 + 0.2M x 0.826617 = $0.3061674. */
Test(pricing, workers_ai_neurons_to_tokens)
{
    PriceEntry p = builtin("workers-ai-llama-3.1-8b");
    cr_assert_float_eq(p.usd_per_1m_input, 0.281688, 1e-12);
    cr_assert_float_eq(p.usd_per_1m_output, 0.826617, 1e-12);
    cr_assert_float_eq(pricing_tokens_usd(&p, 500000, 200000), 0.3061674,
                       1e-12);
    cr_assert_eq(p.free_neurons_per_day, 10000);
    PriceEntry q = builtin("workers-ai-llama-3.3-70b");
    cr_assert_float_eq(q.usd_per_1m_output, 204805 * 0.011 / 1000, 1e-12);
}

/* Container Apps serverless GPU: one GPU-second rate per replica. */
Test(pricing, container_apps_gpu_seconds)
{
    PriceEntry t4 = builtin("azure-container-apps-t4");
    InstanceShape sh = {8, 56, 1};
    cr_assert_float_eq(pricing_instance_usd_per_s(&t4, &sh, 0), 0.000209,
                       1e-15);
    PriceEntry a100 = builtin("azure-container-apps-a100");
    cr_assert_float_eq(pricing_instance_usd_per_s(&a100, &sh, 0), 0.00102,
                       1e-15);
    cr_assert_eq(a100.gpu_memory_gb, 80);
}

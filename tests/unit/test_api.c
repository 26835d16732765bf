/*
 * test_api.c - the per-token API's rate limit and token timing
 * (platform/api_limit.h), counted by hand.
 *
 * Pins: a requests-per-minute bucket passes a burst of rpm requests, then
 * one every 60 / rpm s, and is full again a minute later; a tokens-per-
 * minute bucket the same in tokens, and never a request larger than a
 * minute's tokens; a limit of requests in flight; rejected requests take
 * nothing from the buckets; the catalog's Groq Free-plan limits on
 * requests of 1,258 tokens (TPM binds first: 4 of 10 at once).  Tokens:
 * first at TTFT, then one per 1 / rate s, and all of them at the
 * microsecond api_e2e_us gives (150 tokens/s, n = 2 .. 400).  Does not pin the platform's
 * routing and billing (test_api_platform.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "config/scenario.h"
#include "platform/api_limit.h"

#define S 1000000 /* us */

static PriceEntry limits(int64_t rpm, int64_t tpm, int conc)
{
    PriceEntry p;
    memset(&p, 0, sizeof p);
    p.model = PRICE_PER_TOKEN;
    p.rate_rpm = rpm;
    p.rate_tpm = tpm;
    p.max_concurrent = conc;
    p.ttft_ms = 200;
    p.output_tokens_per_s = 50;
    return p;
}

/* n requests at `t`: how many were admitted. */
static int burst(ApiLimiter *l, SimTime t, int n, int64_t tokens)
{
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += api_limiter_admit(l, t, tokens);
    return ok;
}

Test(api, rpm_bucket_passes_a_burst_then_one_per_interval)
{
    PriceEntry p = limits(30, 0, 0);
    ApiLimiter l;
    api_limiter_init(&l, &p);
    /* 30 of 40 at t = 0; the bucket refills one request every 2 s */
    cr_assert_eq(burst(&l, 0, 40, 100), 30);
    cr_assert_eq(burst(&l, 1 * S, 1, 100), 0);     /* half a request */
    cr_assert_eq(burst(&l, 2 * S, 2, 100), 1);     /* one, not two */
    cr_assert_eq(burst(&l, 2 * S + 1999999, 1, 100), 0);
    cr_assert_eq(burst(&l, 4 * S, 1, 100), 1);
    /* a minute later the bucket is full again: 30, not more */
    cr_assert_eq(burst(&l, 64 * S, 31, 100), 30);
    cr_assert_eq(l.rejected_rpm, 10 + 1 + 1 + 1 + 1);
    cr_assert_eq(l.rejected_tpm + l.rejected_concurrent, 0);
}

Test(api, tpm_bucket_counts_prompt_and_output_tokens)
{
    PriceEntry p = limits(0, 6000, 0);
    ApiLimiter l;
    api_limiter_init(&l, &p);
    /* requests of 1,000 tokens: 6 at once, then one every 10 s */
    cr_assert_eq(burst(&l, 0, 7, 1000), 6);
    cr_assert_eq(burst(&l, 9 * S, 1, 1000), 0);
    cr_assert_eq(burst(&l, 10 * S, 1, 1000), 1);
    /* 500 tokens refill in 5 s */
    cr_assert_eq(burst(&l, 15 * S, 2, 500), 1);
    /* more than a minute's tokens never passes, even with a full bucket */
    cr_assert_eq(burst(&l, 1000 * S, 1, 6001), 0);
    cr_assert_eq(burst(&l, 1000 * S, 1, 6000), 1);
    cr_assert_eq(l.rejected_tpm, 1 + 1 + 1 + 1);
}

Test(api, requests_in_flight_limit_and_release)
{
    PriceEntry p = limits(0, 0, 2);
    ApiLimiter l;
    api_limiter_init(&l, &p);
    cr_assert_eq(burst(&l, 0, 3, 10), 2);
    api_limiter_release(&l);
    cr_assert_eq(burst(&l, 1, 2, 10), 1);
    cr_assert_eq(l.rejected_concurrent, 2);
    cr_assert_eq(l.in_flight, 2);
}

Test(api, no_limits_admit_everything)
{
    PriceEntry p = limits(0, 0, 0);
    ApiLimiter l;
    api_limiter_init(&l, &p);
    cr_assert_eq(burst(&l, 0, 100000, 1000000), 100000);
}

/* groq-llama-3.1-8b: 30 RPM and 6,000 TPM.  Requests of 1,021 prompt +
 * 237 output = 1,258 tokens: 4 fit a minute's tokens (5,032), a fifth
 * would need 6,290; then one more after 1,258 / 100 = 12.58 s (tokens
 * refill at 6,000 / 60 = 100 per s). */
Test(api, groq_free_plan_by_hand)
{
    PriceEntry p;
    char date[16];
    Err err;
    cr_assert_eq(catalog_lookup(NULL, "groq-llama-3.1-8b", &p, date, &err,
                                "test"),
                 0);
    ApiLimiter l;
    api_limiter_init(&l, &p);
    cr_assert_eq(burst(&l, 0, 10, 1258), 4);
    cr_assert_eq(l.rejected_tpm, 6);
    /* 968 tokens left (6,000 - 5,032): the next needs 290 more, 2.9 s */
    cr_assert_eq(burst(&l, 2899999, 1, 1258), 0);
    cr_assert_eq(burst(&l, 2900000, 1, 1258), 1);
    cr_assert_eq(l.rejected_rpm, 0);
    /* tiny requests: RPM binds at 30 a minute */
    api_limiter_init(&l, &p);
    cr_assert_eq(burst(&l, 0, 40, 10), 30);
    cr_assert_eq(l.rejected_rpm, 10);
}

/* TTFT 200 ms, 50 tokens/s: 11 tokens end 0.2 + 10 / 50 = 0.4 s after
 * arrival; token k comes at 0.2 + (k - 1) x 0.02 s. */
Test(api, tokens_come_at_ttft_then_one_per_interval)
{
    PriceEntry p = limits(0, 0, 0);
    cr_assert_eq(api_ttft_us(&p), 200000);
    cr_assert_eq(api_e2e_us(&p, 11), 400000);
    cr_assert_eq(api_e2e_us(&p, 1), 200000);
    cr_assert_eq(api_tokens_by(&p, 11, 199999), 0);
    cr_assert_eq(api_tokens_by(&p, 11, 200000), 1);
    cr_assert_eq(api_tokens_by(&p, 11, 219999), 1);
    cr_assert_eq(api_tokens_by(&p, 11, 220000), 2);
    cr_assert_eq(api_tokens_by(&p, 11, 399999), 10);
    cr_assert_eq(api_tokens_by(&p, 11, 400000), 11);
    cr_assert_eq(api_tokens_by(&p, 11, 1000 * S), 11);
}

/* At 150 tokens/s a gap is 6,666.67 us, which api_e2e_us rounds to whole
 * microseconds: a request that ran its api_e2e_us still has every token
 * (2 tokens: TTFT + 6,666 or 6,667 us; 202 tokens: + 201 gaps), and a
 * microsecond earlier it lacks the last one. */
Test(api, a_finished_request_has_all_its_tokens_at_any_rate)
{
    PriceEntry p = limits(0, 0, 0);
    p.output_tokens_per_s = 150;
    for (int32_t n = 2; n <= 400; n++) {
        SimTime e2e = api_e2e_us(&p, n);
        cr_assert_eq(api_tokens_by(&p, n, e2e), n, "n %d at %lld us", n,
                     (long long)e2e);
        cr_assert_eq(api_tokens_by(&p, n, e2e - 1), n - 1, "n %d", n);
    }
}

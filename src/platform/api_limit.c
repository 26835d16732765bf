/*
 * api_limit.c - the per-token API's rate limit and token timing (see
 * api_limit.h).
 */
#include "api_limit.h"

#include <assert.h>
#include <math.h>

/* One item (request or token) in bucket units: a minute in microseconds,
 * so that a limit of r per minute refills r units per microsecond. */
#define UNITS_PER_ITEM ((int64_t)60 * SIM_US_PER_S)

void api_limiter_init(ApiLimiter *l, const PriceEntry *p)
{
    l->rpm = p->rate_rpm;
    l->tpm = p->rate_tpm;
    l->max_concurrent = p->max_concurrent;
    l->req_level = l->rpm * UNITS_PER_ITEM;
    l->tok_level = l->tpm * UNITS_PER_ITEM;
    l->last = 0;
    l->in_flight = 0;
    l->rejected_rpm = l->rejected_tpm = l->rejected_concurrent = 0;
}

/* level + dt x rate, at most the bucket's capacity rate x UNITS_PER_ITEM
 * (compared before multiplying: dt x rate could overflow). */
static int64_t refill(int64_t level, int64_t rate, SimTime dt)
{
    int64_t cap = rate * UNITS_PER_ITEM;
    if (rate <= 0 || dt <= 0)
        return level;
    if (dt >= (cap - level + rate - 1) / rate)
        return cap;
    return level + dt * rate;
}

int api_limiter_admit(ApiLimiter *l, SimTime now, int64_t tokens)
{
    assert(now >= l->last);
    l->req_level = refill(l->req_level, l->rpm, now - l->last);
    l->tok_level = refill(l->tok_level, l->tpm, now - l->last);
    l->last = now;
    if (l->max_concurrent > 0 && l->in_flight >= l->max_concurrent) {
        l->rejected_concurrent++;
        return 0;
    }
    if (l->rpm > 0 && l->req_level < UNITS_PER_ITEM) {
        l->rejected_rpm++;
        return 0;
    }
    /* A request larger than a whole minute's tokens never fits. */
    if (l->tpm > 0 && (tokens > l->tpm ||
                       l->tok_level < tokens * UNITS_PER_ITEM)) {
        l->rejected_tpm++;
        return 0;
    }
    if (l->rpm > 0)
        l->req_level -= UNITS_PER_ITEM;
    if (l->tpm > 0)
        l->tok_level -= tokens * UNITS_PER_ITEM;
    l->in_flight++;
    return 1;
}

void api_limiter_release(ApiLimiter *l)
{
    assert(l->in_flight > 0);
    l->in_flight--;
}

SimTime api_ttft_us(const PriceEntry *p)
{
    return time_from_s(p->ttft_ms * 1e-3);
}

SimTime api_e2e_us(const PriceEntry *p, int32_t output_tokens)
{
    int32_t gaps = output_tokens > 1 ? output_tokens - 1 : 0;
    return time_from_s(p->ttft_ms * 1e-3 +
                       (double)gaps / p->output_tokens_per_s);
}

int32_t api_tokens_by(const PriceEntry *p, int32_t output_tokens,
                      SimTime at_us)
{
    SimTime ttft = api_ttft_us(p);
    if (at_us < ttft || output_tokens < 1)
        return 0;
    /* token k (k = 1 .. n) comes at ttft + (k - 1) / rate, in microseconds
     * as api_e2e_us rounds it: the estimate is corrected to that rounding,
     * so a request that ran its api_e2e_us has all its tokens */
    double est = 1.0 + floor(time_to_s(at_us - ttft) * p->output_tokens_per_s);
    int32_t k = est >= (double)output_tokens ? output_tokens : (int32_t)est;
    while (k < output_tokens && api_e2e_us(p, k + 1) <= at_us)
        k++;
    while (k > 1 && api_e2e_us(p, k) > at_us)
        k--;
    return k;
}

/*
 * api_limit.h - what a hosted per-token model API does with a request:
 * its rate limit (admit or HTTP 429) and when its tokens come.
 *
 * The `api` platform (api.c) is a provider's shared endpoint: no
 * instances, no cold starts, billed per input and output token.  This
 * header holds its two rules as plain functions on a PriceEntry of model
 * PRICE_PER_TOKEN, so tests pin them by hand without a World.
 *
 * Rate limit.  Providers state limits per minute -- requests (RPM) and
 * tokens (TPM) -- and answer a request beyond them with HTTP 429 Too Many
 * Requests (Groq, Together, Fireworks docs): the request is rejected, not
 * queued, and is not billed.  Each limit is a token bucket that starts
 * full, holds one minute's worth (rpm requests, tpm tokens) and refills
 * continuously at rpm / 60 s (tpm / 60 s); a request is admitted when
 * both buckets hold enough (one request; its prompt + output tokens) and
 * then takes that much from both.  So a burst of rpm requests passes at
 * once and then one more every 60 / rpm s.  Providers do not publish
 * their windowing; the bucket is the common implementation (OpenAI's
 * docs describe continuous replenishment) and the one whose counts a
 * hand can predict.  A third limit, requests in flight (max_concurrent),
 * rejects the same way.  0 = no limit of that kind.
 *
 * Arithmetic is exact: a bucket level is kept in units of 1 / 60e6 of
 * its item (request or token), so refilling by rate per microsecond is an
 * integer product and no rounding accumulates over a day of arrivals.
 *
 * Tokens.  The first output token comes ttft_ms after arrival; the others
 * follow one every 1 / output_tokens_per_s s, so the request finishes at
 * arrival + ttft + (output tokens - 1) / tokens per s (its TPOT is the
 * entry's 1 / tokens per s up to microsecond rounding).  The figures are
 * per stream; the provider's batching and load are inside them.
 */
#ifndef SIM_PLATFORM_API_LIMIT_H
#define SIM_PLATFORM_API_LIMIT_H

#include <stdint.h>

#include "../core/time.h"
#include "../pricing/pricing.h"

typedef struct ApiLimiter {
    int64_t rpm, tpm;          /* limits per minute; 0 = none */
    int max_concurrent;        /* 0 = none */
    int64_t req_level;         /* RPM bucket, in 1/60e6 requests */
    int64_t tok_level;         /* TPM bucket, in 1/60e6 tokens */
    SimTime last;              /* the levels are as of this time */
    int in_flight;             /* admitted and not yet released */
    uint64_t rejected_rpm, rejected_tpm, rejected_concurrent;
} ApiLimiter;

/* Both buckets full at time 0. */
void api_limiter_init(ApiLimiter *l, const PriceEntry *p);

/* A request of `tokens` (prompt + output) arrives at `now` (times never
 * decrease): 1 = admitted (counted against every limit and in flight
 * until api_limiter_release), 0 = rejected (HTTP 429; nothing counted;
 * the reason is added to the rejected_* counters: in flight first, then
 * requests, then tokens). */
int api_limiter_admit(ApiLimiter *l, SimTime now, int64_t tokens);

/* An admitted request has ended (completed, timed out, unfinished). */
void api_limiter_release(ApiLimiter *l);

/* Arrival to first token, us. */
SimTime api_ttft_us(const PriceEntry *p);

/* Arrival to last token of a request of `output_tokens` (>= 1), us. */
SimTime api_e2e_us(const PriceEntry *p, int32_t output_tokens);

/* Output tokens sampled by `at_us` after arrival (0 .. output_tokens). */
int32_t api_tokens_by(const PriceEntry *p, int32_t output_tokens,
                      SimTime at_us);

#endif

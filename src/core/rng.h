/*
 * rng.h - named random streams, one per (seed, replication, purpose, index).
 *
 * DESIGN.md section 6: every stochastic input has its own stream, so two
 * alternatives run on one seed see the same arrivals (common random numbers)
 * and a cell of a sweep is the same whichever thread or shard runs it.
 *
 * The streams are GSL generators (so every gsl_ran_* distribution applies) of
 * our own type "simsrv-xoshiro256ss": xoshiro256** (Blackman & Vigna, 2018),
 * 256-bit state, period 2^256 - 1, whose state is filled by SplitMix64 from a
 * 64-bit key hashed from (seed, replication, stream, index).  GSL's own
 * generators take an `unsigned long` seed but most use only 32 bits of it
 * (mt19937 masks to 32), so thousands of functions x 4 purposes would risk
 * two streams sharing a seed; a full 64-bit key makes that negligible
 * (birthday bound ~ n^2 / 2^65).  Overlap of distinct streams is not ruled
 * out by construction (no jump-ahead) but has probability ~ n^2 L / 2^256.
 */
#ifndef SIM_CORE_RNG_H
#define SIM_CORE_RNG_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

typedef enum RngStream {
    RNG_ARRIVALS = 0, /* inter-arrival times, burst state changes */
    RNG_SERVICE = 1,  /* warm service times */
    RNG_COLDSTART = 2, /* cold-start components */
    RNG_POLICY = 3,   /* randomised policy decisions */
    RNG_ROUTING = 4,  /* random warm routing (routing "random") */
    RNG_SPOT = 5,     /* spot VM interruption notices */
    RNG_QUEUE = 6,    /* a queue's invocation failures and quantiles */
    RNG_SPLIT = 7,    /* a rollout's traffic split between versions */
    RNG_NSTREAMS
} RngStream;

/* The GSL generator type behind every stream. */
extern const gsl_rng_type *const rng_type_xoshiro;

/* The 64-bit key of a stream; distinct inputs give well-mixed keys. */
uint64_t rng_key(uint64_t seed, uint32_t replication, unsigned stream,
                 uint32_t index);

/* A new generator for the stream.  Free with gsl_rng_free(). */
gsl_rng *rng_create(uint64_t seed, uint32_t replication, RngStream stream,
                    uint32_t index);

/* The generator's state and step, here so that the draws below inline. */
typedef struct XoState {
    uint64_t s[4];
} XoState;

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_xo_next(XoState *st)
{
    uint64_t *s = st->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* gsl_rng_uniform(r), the same value, without GSL's two indirect calls
 * when r is one of our streams (any other generator goes through GSL):
 * the top 53 bits of the next output on a 2^-53 grid in [0, 1). */
static inline double rng_uniform(gsl_rng *r)
{
    if (r->type != rng_type_xoshiro)
        return gsl_rng_uniform(r);
    return (double)(rng_xo_next(r->state) >> 11) * 0x1.0p-53;
}

/* gsl_rng_uniform_pos(r): the same, redrawn while 0, so in (0, 1). */
static inline double rng_uniform_pos(gsl_rng *r)
{
    double u;
    do
        u = rng_uniform(r);
    while (u == 0);
    return u;
}

/* An exponential draw with the given mean: -mean ln(1 - U).  Same law as
 * gsl_ran_exponential (which uses log1p(-U)); 1 - U is exact here because U
 * lies on a 2^-53 grid in [0, 1), and log() is about three times cheaper
 * than log1p() in glibc, which matters at two draws per request. */
static inline double rng_exponential(gsl_rng *r, double mean)
{
    return -mean * log(1.0 - rng_uniform(r));
}

#endif

/*
 * rng.c - xoshiro256** as a gsl_rng_type, seeded through SplitMix64.
 *
 * Algorithms (public domain descriptions, reimplemented here):
 *   SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): z += 0x9e3779b97f4a7c15;
 *     z = (z ^ z>>30) * 0xbf58476d1ce4e5b9; z = (z ^ z>>27) * 0x94d049bb133111eb;
 *     return z ^ z>>31.
 *   xoshiro256** (Blackman & Vigna 2018): result = rotl(s1 * 5, 7) * 9, then
 *     the xor-shift-rotate state update (rng_xo_next in rng.h, inline so
 *     that rng_uniform draws without GSL's indirect calls).
 * get() returns the top 32 bits (GSL's integer interface assumes a max of at
 * most 2^32 - 1 in places such as the ziggurat sampler); get_double() uses
 * the top 53 bits, so gsl_rng_uniform() is exact on a 2^-53 grid in [0, 1).
 */
#include "rng.h"

static uint64_t splitmix64(uint64_t *z)
{
    uint64_t x = (*z += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void xo_set(void *vstate, unsigned long seed)
{
    XoState *st = vstate;
    uint64_t z = (uint64_t)seed;
    for (int i = 0; i < 4; i++)
        st->s[i] = splitmix64(&z);
    if ((st->s[0] | st->s[1] | st->s[2] | st->s[3]) == 0)
        st->s[0] = 1; /* the all-zero state is the one fixed point */
}

static unsigned long xo_get(void *vstate)
{
    return (unsigned long)(rng_xo_next(vstate) >> 32);
}

static double xo_get_double(void *vstate) /* as rng_uniform (rng.h) */
{
    return (double)(rng_xo_next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "simsrv-xoshiro256ss", 0xffffffffUL, 0, sizeof(XoState),
    xo_set, xo_get, xo_get_double};

const gsl_rng_type *const rng_type_xoshiro = &xoshiro_type;

uint64_t rng_key(uint64_t seed, uint32_t replication, unsigned stream,
                 uint32_t index)
{
    /* Chain SplitMix64 over the fields so that every field changes all
     * bits of the key. */
    uint64_t z = seed;
    uint64_t k = splitmix64(&z);
    z = k ^ replication;
    k = splitmix64(&z);
    z = k ^ ((uint64_t)stream << 32 | index);
    return splitmix64(&z);
}

gsl_rng *rng_create(uint64_t seed, uint32_t replication, RngStream stream,
                    uint32_t index)
{
    gsl_rng *r = gsl_rng_alloc(rng_type_xoshiro);
    gsl_rng_set(r, (unsigned long)rng_key(seed, replication, stream, index));
    return r;
}

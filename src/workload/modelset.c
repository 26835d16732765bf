/*
 * modelset.c - models of a many-function trace (see modelset.h).
 *
 * The hash: FNV-1a (64 bit) over app, a NUL and id, started from the set's
 * seed, then the splitmix64 finaliser (Steele, Lea & Flood, OOPSLA'14) so
 * that names differing in one character spread over the whole range; the
 * top 53 bits make a double in [0, 1).  Fixed by this file: changing it
 * changes which function runs which model in every scenario.
 */
#include "modelset.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t fnv_bytes(uint64_t h, const char *s)
{
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= FNV_PRIME;
    }
    return h;
}

static double unit_of(uint64_t h)
{
    return (double)(h >> 11) * 0x1.0p-53;
}

double modelset_unit_hash(uint64_t seed, const char *app, const char *id)
{
    uint64_t h = fnv_bytes(FNV_OFFSET ^ mix64(seed), app);
    h *= FNV_PRIME; /* a NUL between: ("ab", "c") is not ("a", "bc") */
    h = fnv_bytes(h, id);
    return unit_of(mix64(h));
}

ModelEntry modelset_model(const ModelSetSpec *ms, int k)
{
    assert(k >= 0 && k < ms->n);
    if (ms->n_table > 0)
        return ms->table[k];
    ModelEntry e;
    snprintf(e.name, sizeof e.name, "model-%d", k);
    /* log-uniform: min (max / min)^u, u from the model's own hash */
    double u = unit_of(mix64(mix64(ms->seed) ^ (uint64_t)k));
    e.size_mb = ms->size_min_mb * pow(ms->size_max_mb / ms->size_min_mb, u);
    e.mem_mb = e.size_mb * 1e6 / 1048576.0; /* the weights, in 2^20 B */
    e.weight = 1.0;
    return e;
}

int modelset_assign(const ModelSetSpec *ms, const char *app, const char *id)
{
    assert(ms->n > 0);
    double u = modelset_unit_hash(ms->seed, app, id);
    if (ms->n_table == 0) { /* equal weights */
        int k = (int)(u * ms->n);
        return k < ms->n ? k : ms->n - 1;
    }
    double total = 0.0;
    for (int k = 0; k < ms->n_table; k++)
        total += ms->table[k].weight;
    double at = u * total, sum = 0.0;
    for (int k = 0; k < ms->n_table; k++) {
        sum += ms->table[k].weight;
        if (at < sum)
            return k;
    }
    return ms->n_table - 1; /* rounding at the top */
}

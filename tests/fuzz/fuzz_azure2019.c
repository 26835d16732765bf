/*
 * fuzz_azure2019.c - libFuzzer target: the Azure Functions 2019 trace
 * (workload "azure2019", workload/azure2019.c): the invocations,
 * durations and memory files, joined.
 *
 * Input: one option byte, then the three files one after the other,
 * separated by the byte FUZZ_SEP (0x1e, ASCII record separator, which no
 * CSV of the trace holds): invocations FUZZ_SEP durations [FUZZ_SEP
 * memory].  Without a second separator there is no memory file (the
 * scenario key is optional); a third separator is part of the memory file.
 *   option bits 0-1: spacing (equidistant, uniform, poisson, equidistant);
 *   bits 2-3: sample method (all, top, random, quartile), bit 4 its n (1 or
 *   3); bits 5-6: window (none, from minute 2, to minute 5, both); bit 7:
 *   time_scale 0.5.
 * az19_open() reads and joins everything, as the scenario loader does;
 * when it accepts and the window holds at most FUZZ_MAX_ARRIVALS
 * invocations (a bounded execution), every arrival is replayed with a
 * fixed seed, and the last kept function's names and memory are read.
 */
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "workload/azure2019.h"

#define FUZZ_SEP 0x1e
#define FUZZ_MAX_ARRIVALS 100000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void replay(Az19 *a)
{
    const Az19Stats *st = az19_stats(a);
    if (st->invocations > FUZZ_MAX_ARRIVALS)
        return;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    double t_s, dur_s, last_s = 0;
    int fn;
    while (az19_next(a, r, &t_s, &dur_s, &fn) == 1) {
        if (t_s < last_s || fn < 0 || (uint64_t)fn >= st->kept)
            abort(); /* the stream is in time order, of kept functions */
        last_s = t_s;
    }
    gsl_rng_free(r);
    if (st->kept > 0) {
        const char *app, *id;
        az19_function_names(a, (int)st->kept - 1, &app, &id);
        (void)az19_memory_mb(a, (int)st->kept - 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    if (n < 1)
        return 0;
    uint8_t opt = data[0];
    size_t inv_n, rest_n, dur_n, mem_n;
    const uint8_t *rest = fuzz_split(data + 1, n - 1, FUZZ_SEP, &inv_n,
                                     &rest_n);
    int has_mem = rest_n > 0 && memchr(rest, FUZZ_SEP, rest_n) != NULL;
    const uint8_t *mem = fuzz_split(rest, rest_n, FUZZ_SEP, &dur_n, &mem_n);
    Az19Spec spec;
    memset(&spec, 0, sizeof spec);
    fuzz_write("invocations.csv", data + 1, inv_n, spec.invocations,
               sizeof spec.invocations);
    fuzz_write("durations.csv", rest, dur_n, spec.durations,
               sizeof spec.durations);
    if (has_mem)
        fuzz_write("memory.csv", mem, mem_n, spec.memory, sizeof spec.memory);
    spec.spacing = (opt & 3) == 3 ? AZ_EQUIDISTANT : opt & 3;
    spec.sample = (opt >> 2) & 3;
    spec.sample_n = (opt & 16) ? 3 : 1;
    spec.sample_seed = 1;
    spec.start_s = (opt & 32) ? 120 : 0;
    spec.end_s = (opt & 64) ? 300 : 0;
    spec.time_scale = (opt & 128) ? 0.5 : 1;
    Err err;
    err_clear(&err);
    Az19 *a = az19_open(&spec, &err);
    fuzz_report(a != NULL ? 0 : -1, &err);
    if (a != NULL) {
        replay(a);
        az19_close(a);
    }
    return 0;
}

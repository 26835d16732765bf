/*
 * bench_evq.c - the event queue alone: "hold" operations (pop the least,
 * push it back later by an exponential increment) at 10^2 .. 10^7 pending
 * events, as in reference/hpc-and-statistics.md.  Phases (fill, hold,
 * drain) are timed apart.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/evq.h"
#include "core/rng.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    const size_t sizes[] = {100, 10000, 1000000, 10000000};
    gsl_rng *r = rng_create(1, 0, RNG_POLICY, 0);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        Evq *q = evq_create(n);
        double t0 = now_s();
        for (size_t k = 0; k < n; k++) {
            evq_push(q, (SimTime)(-1e6 * log1p(-gsl_rng_uniform(r))), 0, 0,
                     NULL, 0);
        }
        double t1 = now_s();
        size_t holds = 10000000;
        for (size_t k = 0; k < holds; k++) {
            Event ev;
            evq_pop(q, &ev);
            evq_push(q, ev.t + (SimTime)(-1e6 * log1p(-gsl_rng_uniform(r))),
                     0, 0, NULL, 0);
        }
        double t2 = now_s();
        Event ev;
        while (evq_pop(q, &ev)) {
        }
        double t3 = now_s();
        printf("pending %9zu: fill %.3f s, hold %.1f ns each, drain %.3f s\n",
               n, t1 - t0, (t2 - t1) / (double)holds * 1e9, t3 - t2);
        evq_destroy(q);
    }
    gsl_rng_free(r);
    return 0;
}

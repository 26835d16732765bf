/*
 * sample.h - choosing which functions of a trace to replay.
 *
 * FaasCache-style samples of a many-function trace, by each function's
 * total invocations: the busiest n (top), n at random, or n/4 at random
 * from each quartile of totals (a "representative" sample).  The random
 * choices use their own MT19937 seeded with `seed`, so a sample is the same
 * whatever else the run draws.  Shared by the Azure 2019 reader and the
 * trace reader's numbered functions.
 */
#ifndef SIM_WORKLOAD_SAMPLE_H
#define SIM_WORKLOAD_SAMPLE_H

#include <stdint.h>

enum { AZ_SAMPLE_ALL = 0, AZ_SAMPLE_TOP, AZ_SAMPLE_RANDOM, AZ_SAMPLE_QUARTILE };

/* The chosen indices among N functions with these totals, ascending (the
 * caller's order): *n of them (malloc'd; all N when method is ALL or want
 * >= N). */
int *sample_functions(const uint64_t *totals, int N, int method, int want,
                      uint64_t seed, int *n);

#endif

/*
 * knative.h - the `knative` platform component (platform_knative,
 * knative.c) and what tests read of its autoscaler.
 */
#ifndef SIM_PLATFORM_KNATIVE_H
#define SIM_PLATFORM_KNATIVE_H

#include "platform.h"

/* One autoscaler tick, as decided. */
typedef struct KnTick {
    SimTime t;
    double stable_avg, panic_avg; /* mean concurrency over the windows */
    int panic;                    /* in panic mode after this tick */
    int desired;                  /* pods wanted (the last one kept for the
                                     scale-to-zero grace period counts) */
    int ready;                    /* ready pods when it decided */
} KnTick;

/* The first KN_LOG_MAX ticks are kept. */
#define KN_LOG_MAX 8192

/* The ticks so far (a view into st, valid until it is destroyed). */
const KnTick *knative_ticks(const void *st, int *n);

/* Pods alive (draining and pending included); *ready and *starting count
 * those not draining. */
int knative_pods(const void *st, int *ready, int *starting);

#endif

/*
 * spot.h - what spot VMs (vmfleet.c) and spot nodes (serverless.c) share:
 * when the next interruption notice comes, and the requests a reclaimed
 * VM or node held.
 *
 * Notices come at the events of a Poisson process of `per_hour` per VM- or
 * node-hour: one exponential draw from the caller's own spot stream at
 * each launch (so no other stream's draws change).  The requests something
 * held are found by walking the World's request pool (O(live requests),
 * once per interruption), so serving keeps no list of them; they are
 * routed again oldest first (by id: arrival order).
 */
#ifndef SIM_PLATFORM_SPOT_H
#define SIM_PLATFORM_SPOT_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "host.h"

/* The time of the next notice after now: 1 and *at when it is before the
 * horizon, else 0 (the draw is compared before converting: it may be
 * huge). */
int spot_next_notice(gsl_rng *r, double per_hour, SimTime now,
                     SimTime horizon, SimTime *at);

/* Requests gathered for routing again (the buffer is kept between
 * interruptions). */
typedef struct SpotHeld {
    Request **v;
    size_t n, cap;
} SpotHeld;

/* Fills h with the live requests for which held(req, what) is true, in
 * arrival order. */
void spot_collect(World *w, SpotHeld *h,
                  int (*held)(const Request *req, const void *what),
                  const void *what);

void spot_held_fini(SpotHeld *h);

#endif

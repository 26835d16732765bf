/*
 * sim.h - the clock, the run loop and dispatch.
 *
 * A Sim owns the event queue and the clock; the model that uses it (the
 * serverless platform, a test's toy model) registers one handler, which the
 * Sim calls for every event with the clock already advanced.  The Sim knows
 * no event kinds: the handler switches over its own.
 *
 *   Sim *sim = sim_create(handler, model);
 *   sim_schedule(sim, t, prio, kind, obj, epoch);
 *   while (sim_step(sim, end)) {}      -- or sim_run(sim, end)
 *   sim_destroy(sim);
 */
#ifndef SIM_CORE_SIM_H
#define SIM_CORE_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "time.h"

typedef struct Sim Sim;

/* Called once per event, after the clock moved to ev->t. */
typedef void (*SimHandler)(void *model, Sim *sim, const Event *ev);

/* `model` is borrowed and passed back to the handler. */
Sim *sim_create(SimHandler handler, void *model);

/* A hint that ev comes due soon (evq.h, evq_set_warm): the model may ask
 * for the memory its handler will read, and must change nothing. */
typedef void (*SimWarm)(void *model, const Event *ev);

/* Sets (or, with NULL, clears) the model's warm hint. */
void sim_set_warm(Sim *sim, SimWarm warm);
void sim_destroy(Sim *sim);

SimTime sim_now(const Sim *sim);

/* Schedules an event of `kind` about `obj` at absolute time t >= now.
 * Among events at equal t, lower prio fires first, then insertion order. */
void sim_schedule(Sim *sim, SimTime t, unsigned prio, uint32_t kind, void *obj,
                  uint32_t epoch);

/* The same for the one event of a stream that always has exactly one
 * pending -- the next arrival: it waits in a slot beside the heap, and the
 * run loop takes the earlier of the slot and the heap's least.  The stream
 * must be the only user of its `prio`, so order is as if it were in the
 * heap (no equal-priority ties to break); it saves a heap push and pop per
 * request.  At most one may be pending. */
void sim_schedule_next(Sim *sim, SimTime t, unsigned prio, uint32_t kind,
                       void *obj, uint32_t epoch);

/* Runs the least pending event if it is due before `end` (exclusive).
 * Returns 1 if one ran, 0 if none is pending before `end`. */
int sim_step(Sim *sim, SimTime end);

/* Runs events until none is pending before `end`; the clock is then `end`
 * (or stays where it is if it is already later).  Returns events run. */
uint64_t sim_run(Sim *sim, SimTime end);

/* Events dispatched so far, and events pending now. */
uint64_t sim_events(const Sim *sim);
size_t sim_pending(const Sim *sim);

#endif

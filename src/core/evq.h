/*
 * evq.h - the pending-event set: a radix heap of Event records (evq.c says
 * why).
 *
 * Operations: push O(1), pop amortised O(1) for a simulation's pushes
 * (never earlier than the last event popped; earlier ones are still
 * ordered right, on a slower path), peek likewise.  The order is total and
 * exact: (t, order).  The queue owns its arrays; they grow by doubling and
 * never shrink, so a run that reached its peak pending count allocates
 * nothing more.
 */
#ifndef SIM_CORE_EVQ_H
#define SIM_CORE_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

typedef struct Evq Evq;

/* Creates an empty queue with room for `cap` events (grows as needed). */
Evq *evq_create(size_t cap);
void evq_destroy(Evq *q);

/* Inserts an event of `kind` about `obj` at time t.  t and `prio`
 * (0..EV_PRIO_MAX) set the order; the queue assigns the insertion
 * sequence (the event's `order` is (prio << 56) | sequence).  Returns the
 * sequence.  Fields, not an Event, so the record is written once, in
 * place. */
uint64_t evq_push(Evq *q, SimTime t, unsigned prio, uint32_t kind, void *obj,
                  uint32_t epoch);

/* Removes the least event into *out.  Returns 1, or 0 if empty. */
int evq_pop(Evq *q, Event *out);

/* The least event, or NULL when empty.  The pointer is valid until the next
 * push or pop: do not keep it.  (Not const: finding the least may move
 * events between buckets.) */
const Event *evq_peek(Evq *q);

size_t evq_size(const Evq *q);

/* A hint that ev comes due soon: it may ask for the memory ev's handler
 * will read (util/prefetch.h) and must change nothing.  ev is valid only
 * during the call. */
typedef void (*EvqWarm)(void *ctx, const Event *ev);

/* When a refill finds that the next events due are few (the lowest
 * non-empty bucket holds at most 256) among many pending (8,192 or more),
 * `warm` sees each of them once before they are popped, up to a few
 * hundred events ahead: time enough for a load that depends on another
 * (an event's request, then the request's instance) to arrive.  NULL
 * turns it off (the default). */
void evq_set_warm(Evq *q, EvqWarm warm, void *ctx);

/* Removes every event (the sequence counter keeps counting). */
void evq_clear(Evq *q);

#endif

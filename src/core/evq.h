/*
 * evq.h - the pending-event set: a binary min-heap of Event records.
 *
 * Operations: push O(log n), pop O(log n), peek O(1).  The queue is behind
 * these few functions so a calendar queue could replace the heap later
 * (ROSS keeps tw_pq the same way).  The queue owns its array; it grows by
 * doubling and never shrinks, so a run that reached its peak pending count
 * allocates nothing more.
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

/* Inserts a copy of `ev`.  `ev->t` and `prio` (0..EV_PRIO_MAX) set the
 * order; the queue assigns the insertion sequence.  Returns the sequence. */
uint64_t evq_push(Evq *q, Event ev, unsigned prio);

/* Removes the least event into *out.  Returns 1, or 0 if empty. */
int evq_pop(Evq *q, Event *out);

/* The least event, or NULL when empty.  The pointer is valid until the next
 * push or pop: do not keep it. */
const Event *evq_peek(const Evq *q);

size_t evq_size(const Evq *q);

/* Removes every event (the sequence counter keeps counting). */
void evq_clear(Evq *q);

#endif

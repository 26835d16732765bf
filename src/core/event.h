/*
 * event.h - the engine's event record.
 *
 * The engine knows nothing about serverless: an event is a time, an order
 * key, a kind the model defines, the object it concerns and an epoch for
 * lazy cancellation.  The model (src/platform) names its kinds with an
 * X-macro list of its own and dispatches on them with a switch.
 *
 * Order is total: (t, prio, seq).  prio sits in the top 8 bits of `order`
 * and the insertion sequence, assigned by the queue on push, in the low 56,
 * so one unsigned compare after the time compare settles every tie, and a run
 * is a pure function of (scenario, seed) -- libuv's timer_less_than() idea.
 */
#ifndef SIM_CORE_EVENT_H
#define SIM_CORE_EVENT_H

#include <stdint.h>

#include "time.h"

#define EV_PRIO_BITS 8
#define EV_SEQ_BITS 56
#define EV_PRIO_MAX ((1u << EV_PRIO_BITS) - 1)

typedef struct Event {
    SimTime t;      /* when it fires, us */
    uint64_t order; /* (prio << 56) | seq; lower fires first at equal t */
    void *obj;      /* what the event is about; owned by the model */
    uint32_t kind;  /* model-defined kind */
    uint32_t epoch; /* copied from the object at scheduling; stale if changed */
} Event;

static inline unsigned event_prio(const Event *ev)
{
    return (unsigned)(ev->order >> EV_SEQ_BITS);
}

/* Whether x fires before y: earlier time, then lower `order`. */
static inline int event_before(const Event *x, const Event *y)
{
    return x->t < y->t || (x->t == y->t && x->order < y->order);
}

#endif

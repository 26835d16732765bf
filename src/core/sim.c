/*
 * sim.c - the run loop: pop the least event, advance the clock, dispatch.
 *
 * sim_step() is the whole engine; sim_run() only loops over it (GSL's
 * iterate/test split, Redis's aeProcessEvents() beside aeMain()), so tests
 * can drive a model one event at a time and look at it in between.
 *
 * Pending events live in three places, merged into one order: the near
 * queue, the timer queue (sim_schedule_timer) and the one-event slot for
 * the next arrival (sim_schedule_next).  Both queues take their insertion
 * sequence from the Sim, so (t, prio, seq) is one total order across them,
 * and each step takes the least of the three heads.
 */
#include "sim.h"

#include <assert.h>
#include <stdlib.h>

#include "../util/prefetch.h"
#include "../util/xalloc.h"
#include "evq.h"

struct Sim {
    Evq *q;      /* near events: completions, starts, control */
    Evq *timers; /* sim_schedule_timer's: deadlines far beyond the rest */
    uint64_t seq; /* one insertion sequence for both heaps */
    Event next; /* the sim_schedule_next slot */
    int has_next;
    SimTime now;
    uint64_t n_events;
    SimHandler handler;
    void *model;
};

Sim *sim_create(SimHandler handler, void *model)
{
    Sim *sim = xcalloc(1, sizeof *sim);
    sim->q = evq_create(256);
    sim->timers = evq_create(256);
    sim->handler = handler;
    sim->model = model;
    return sim;
}

void sim_destroy(Sim *sim)
{
    if (sim == NULL)
        return;
    evq_destroy(sim->q);
    evq_destroy(sim->timers);
    free(sim);
}

SimTime sim_now(const Sim *sim)
{
    return sim->now;
}

/* Both queues order events by (t, order), with (prio, the Sim's
 * sequence) in `order`. */
static uint64_t next_order(Sim *sim, SimTime t, unsigned prio)
{
    assert(t >= sim->now && prio <= EV_PRIO_MAX);
    assert(sim->seq < ((uint64_t)1 << EV_SEQ_BITS));
    (void)t;
    return ((uint64_t)prio << EV_SEQ_BITS) | sim->seq++;
}

void sim_schedule(Sim *sim, SimTime t, unsigned prio, uint32_t kind, void *obj,
                  uint32_t epoch)
{
    evq_insert(sim->q, t, next_order(sim, t, prio), obj, kind, epoch);
}

void sim_schedule_timer(Sim *sim, SimTime t, unsigned prio, uint32_t kind,
                        void *obj, uint32_t epoch)
{
    evq_insert(sim->timers, t, next_order(sim, t, prio), obj, kind, epoch);
}

void sim_schedule_next(Sim *sim, SimTime t, unsigned prio, uint32_t kind,
                       void *obj, uint32_t epoch)
{
    assert(t >= sim->now && !sim->has_next && prio <= EV_PRIO_MAX);
    Event ev = {.t = t,
                .order = (uint64_t)prio << EV_SEQ_BITS,
                .obj = obj,
                .kind = kind,
                .epoch = epoch};
    sim->next = ev;
    sim->has_next = 1;
}

static int ev_before(const Event *x, const Event *y)
{
    return x->t < y->t || (x->t == y->t && x->order < y->order);
}

/* Whether the slot's event comes before the heaps' least, `top`. */
static int next_first(const Sim *sim, const Event *top)
{
    if (!sim->has_next)
        return 0;
    if (top == NULL)
        return 1;
    const Event *x = &sim->next;
    return x->t < top->t || (x->t == top->t && event_prio(x) < event_prio(top));
}

/* The heap whose least event is the least of both, or NULL if both are
 * empty.  Sequences are unique across the two, so this is the order one
 * heap holding every event would give. */
static Evq *least_heap(Sim *sim)
{
    const Event *a = evq_peek(sim->q), *b = evq_peek(sim->timers);
    if (b == NULL)
        return a != NULL ? sim->q : NULL;
    if (a == NULL)
        return sim->timers;
    return ev_before(b, a) ? sim->timers : sim->q;
}

/* Asks for the object of the next near event while this one is handled:
 * at Azure scale it is a request served long ago, no longer in cache.
 * Objects span lines: two are asked for. */
static void warm_next(Sim *sim)
{
    const Event *next = evq_peek(sim->q);
    if (next != NULL && next->obj != NULL) {
        PREFETCH(next->obj);
        PREFETCH((const char *)next->obj + 64);
    }
}

int sim_step(Sim *sim, SimTime end)
{
    Evq *heap = least_heap(sim);
    const Event *top = heap != NULL ? evq_peek(heap) : NULL;
    Event ev;
    if (next_first(sim, top)) {
        if (sim->next.t >= end)
            return 0;
        ev = sim->next;
        sim->has_next = 0;
    } else {
        if (top == NULL || top->t >= end)
            return 0;
        evq_pop(heap, &ev);
        warm_next(sim);
    }
    sim->now = ev.t;
    sim->n_events++;
    sim->handler(sim->model, sim, &ev);
    return 1;
}

uint64_t sim_run(Sim *sim, SimTime end)
{
    uint64_t before = sim->n_events;
    while (sim_step(sim, end)) {
    }
    if (sim->now < end)
        sim->now = end;
    return sim->n_events - before;
}

uint64_t sim_events(const Sim *sim)
{
    return sim->n_events;
}

size_t sim_pending(const Sim *sim)
{
    return evq_size(sim->q) + evq_size(sim->timers) + (size_t)sim->has_next;
}

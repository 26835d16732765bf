/*
 * sim.c - the run loop: pop the least event, advance the clock, dispatch.
 *
 * sim_step() is the whole engine; sim_run() only loops over it (GSL's
 * iterate/test split, Redis's aeProcessEvents() beside aeMain()), so tests
 * can drive a model one event at a time and look at it in between.
 *
 * Pending events live in two places, merged into one order: the queue and
 * the one-event slot for the next arrival (sim_schedule_next); each step
 * takes the earlier of the two heads.
 */
#include "sim.h"

#include <assert.h>
#include <stdlib.h>

#include "../util/prefetch.h"
#include "../util/xalloc.h"
#include "evq.h"

struct Sim {
    Evq *q;
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
    sim->handler = handler;
    sim->model = model;
    return sim;
}

void sim_set_warm(Sim *sim, SimWarm warm)
{
    evq_set_warm(sim->q, warm, sim->model);
}

void sim_destroy(Sim *sim)
{
    if (sim == NULL)
        return;
    evq_destroy(sim->q);
    free(sim);
}

SimTime sim_now(const Sim *sim)
{
    return sim->now;
}

void sim_schedule(Sim *sim, SimTime t, unsigned prio, uint32_t kind, void *obj,
                  uint32_t epoch)
{
    assert(t >= sim->now);
    evq_push(sim->q, t, prio, kind, obj, epoch);
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

/* Whether the slot's event comes before the queue's least, `top`.  The
 * slot's `order` is its priority with sequence 0; no queued event shares
 * that priority (sim_schedule_next), so this is the one order. */
static int next_first(const Sim *sim, const Event *top)
{
    if (!sim->has_next)
        return 0;
    return top == NULL || event_before(&sim->next, top);
}

/* Asks for the object of the next queued event while this one is handled:
 * at Azure scale, or with 10^5 requests in service, it is a request served
 * long ago, no longer in cache.  Objects span lines: three are asked for
 * (a request's end reads its first three, the pool aligning it to a
 * line). */
static void warm_next(Sim *sim)
{
    const Event *next = evq_peek(sim->q);
    if (next != NULL && next->obj != NULL) {
        PREFETCH(next->obj);
        PREFETCH((const char *)next->obj + 64);
        PREFETCH((const char *)next->obj + 128);
    }
}

int sim_step(Sim *sim, SimTime end)
{
    const Event *top = evq_peek(sim->q);
    Event ev;
    if (next_first(sim, top)) {
        if (sim->next.t >= end)
            return 0;
        ev = sim->next;
        sim->has_next = 0;
    } else {
        if (top == NULL || top->t >= end)
            return 0;
        evq_pop(sim->q, &ev);
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
    return evq_size(sim->q) + (size_t)sim->has_next;
}

/*
 * sim.c - the run loop: pop the least event, advance the clock, dispatch.
 *
 * sim_step() is the whole engine; sim_run() only loops over it (GSL's
 * iterate/test split, Redis's aeProcessEvents() beside aeMain()), so tests
 * can drive a model one event at a time and look at it in between.
 */
#include "sim.h"

#include <assert.h>
#include <stdlib.h>

#include "../util/xalloc.h"
#include "evq.h"

struct Sim {
    Evq *q;
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

void sim_destroy(Sim *sim)
{
    if (sim == NULL)
        return;
    evq_destroy(sim->q);
    free(sim);
}

SimTime sim_now(const Sim *sim) { return sim->now; }

void sim_schedule(Sim *sim, SimTime t, unsigned prio, uint32_t kind, void *obj,
                  uint32_t epoch)
{
    assert(t >= sim->now);
    Event ev = {.t = t, .obj = obj, .kind = kind, .epoch = epoch};
    evq_push(sim->q, ev, prio);
}

int sim_step(Sim *sim, SimTime end)
{
    const Event *top = evq_peek(sim->q);
    if (top == NULL || top->t >= end)
        return 0;
    Event ev;
    evq_pop(sim->q, &ev);
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

uint64_t sim_events(const Sim *sim) { return sim->n_events; }

size_t sim_pending(const Sim *sim) { return evq_size(sim->q); }

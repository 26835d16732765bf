/*
 * test_sim.c - the run loop, driven one event at a time.
 *
 * Pins: the clock equals each event's time when its handler runs; sim_step
 * runs nothing due at or after `end`; sim_run leaves the clock at `end`.
 * A toy model (a single server with fixed service 2.385 s and arrivals at
 * 0, 1, 5 s) is worked by hand: departures at 2.385, 4.770, 7.385 s.
 * The slot for the next arrival (sim_schedule_next) fires in the order the
 * heap would give it: by time, then priority.
 */
#include <criterion/criterion.h>

#include "core/sim.h"

enum { TOY_ARRIVAL, TOY_DEPARTURE };

typedef struct Toy {
    SimTime free_at; /* when the server is next free */
    SimTime deps[8];
    int n_deps;
    SimTime seen[16];
    int n_seen;
} Toy;

static void toy_handler(void *model, Sim *sim, const Event *ev)
{
    Toy *toy = model;
    toy->seen[toy->n_seen++] = sim_now(sim);
    cr_assert_eq(sim_now(sim), ev->t);
    if (ev->kind == TOY_ARRIVAL) {
        SimTime start = toy->free_at > ev->t ? toy->free_at : ev->t;
        toy->free_at = start + 2385000;
        sim_schedule(sim, toy->free_at, 0, TOY_DEPARTURE, NULL, 0);
    } else {
        toy->deps[toy->n_deps++] = sim_now(sim);
    }
}

Test(sim, hand_worked_single_server_run)
{
    Toy toy = {0};
    Sim *sim = sim_create(toy_handler, &toy);
    sim_schedule(sim, 0, 1, TOY_ARRIVAL, NULL, 0);
    sim_schedule(sim, 1000000, 1, TOY_ARRIVAL, NULL, 0);
    sim_schedule(sim, 5000000, 1, TOY_ARRIVAL, NULL, 0);
    /* Step by step: arrival 0, arrival 1 s, departure 2.385 s. */
    cr_assert(sim_step(sim, SIM_TIME_MAX));
    cr_assert_eq(sim_now(sim), 0);
    cr_assert(sim_step(sim, SIM_TIME_MAX));
    cr_assert_eq(sim_now(sim), 1000000);
    cr_assert(sim_step(sim, SIM_TIME_MAX));
    cr_assert_eq(sim_now(sim), 2385000);
    cr_assert_eq(toy.n_deps, 1);
    /* Nothing due before 2.5 s remains. */
    cr_assert_not(sim_step(sim, 2500000));
    uint64_t n = sim_run(sim, 100000000);
    cr_assert_eq(n, 3);
    cr_assert_eq(toy.n_deps, 3);
    cr_assert_eq(toy.deps[1], 4770000);
    cr_assert_eq(toy.deps[2], 7385000);
    cr_assert_eq(sim_now(sim), 100000000);
    cr_assert_eq(sim_events(sim), 6);
    cr_assert_eq(sim_pending(sim), 0);
    sim_destroy(sim);
}

Test(sim, run_stops_before_end_exclusive)
{
    Toy toy = {0};
    Sim *sim = sim_create(toy_handler, &toy);
    sim_schedule(sim, 10, 0, TOY_DEPARTURE, NULL, 0);
    sim_schedule(sim, 20, 0, TOY_DEPARTURE, NULL, 0);
    cr_assert_eq(sim_run(sim, 20), 1, "an event at exactly `end` waits");
    cr_assert_eq(sim_pending(sim), 1);
    cr_assert_eq(sim_now(sim), 20);
    sim_destroy(sim);
}

static void record_kind(void *model, Sim *sim, const Event *ev)
{
    Toy *toy = model;
    (void)sim;
    toy->seen[toy->n_seen++] = (SimTime)ev->kind;
}

/* The slot beside the heap (sim_schedule_next) is ordered as if it were in
 * the heap: by time, then priority. */
Test(sim, next_slot_orders_like_the_heap)
{
    Toy toy = {0};
    Sim *sim = sim_create(record_kind, &toy);
    sim_schedule(sim, 5, 1, 1, NULL, 0);
    sim_schedule(sim, 5, 3, 3, NULL, 0);
    sim_schedule_next(sim, 5, 2, 2, NULL, 0);
    cr_assert_eq(sim_pending(sim), 3);
    cr_assert_not(sim_step(sim, 5), "nothing is due before 5");
    sim_run(sim, 6);
    cr_assert_eq(toy.n_seen, 3);
    cr_assert_eq(toy.seen[0], 1);
    cr_assert_eq(toy.seen[1], 2);
    cr_assert_eq(toy.seen[2], 3);
    sim_schedule(sim, 9, 0, 4, NULL, 0);
    sim_schedule_next(sim, 8, 9, 5, NULL, 0); /* earlier time wins */
    sim_run(sim, 20);
    cr_assert_eq(toy.seen[3], 5);
    cr_assert_eq(toy.seen[4], 4);
    cr_assert_eq(sim_events(sim), 5);
    sim_destroy(sim);
}

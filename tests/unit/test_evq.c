/*
 * test_evq.c - the event queue against a sorted-array oracle.
 *
 * Pins: pop order is (t, prio, insertion sequence) for any interleaving of
 * pushes and pops, including many equal times and priorities.  Does not pin
 * the heap's internal layout or its growth policy.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/evq.h"

typedef struct OracleEv {
    SimTime t;
    unsigned prio;
    uint64_t seq;
    uint32_t tag;
} OracleEv;

static int oracle_less(const OracleEv *a, const OracleEv *b)
{
    if (a->t != b->t)
        return a->t < b->t;
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

Test(evq, equal_times_pop_in_schedule_order)
{
    Evq *q = evq_create(4);
    Event ev = {.t = 2385};
    ev.kind = 7;
    evq_push(q, ev, 1);
    ev.kind = 9;
    evq_push(q, ev, 1);
    ev.kind = 3;
    evq_push(q, ev, 0); /* lower prio first at equal time */
    Event out;
    cr_assert(evq_pop(q, &out));
    cr_assert_eq(out.kind, 3);
    cr_assert(evq_pop(q, &out));
    cr_assert_eq(out.kind, 7);
    cr_assert(evq_pop(q, &out));
    cr_assert_eq(out.kind, 9);
    cr_assert_not(evq_pop(q, &out));
    evq_destroy(q);
}

Test(evq, matches_sorted_array_oracle_on_random_operations)
{
    /* 200,000 operations, times drawn from a small range so that ties in
     * time and in priority are frequent (about 1 in 50). */
    srand(2385);
    Evq *q = evq_create(2); /* forces many regrowths */
    size_t cap = 1 << 18, n = 0;
    OracleEv *o = malloc(cap * sizeof *o);
    uint64_t seq = 0;
    uint32_t tag = 0;
    SimTime now = 0;
    for (int op = 0; op < 200000; op++) {
        int do_push = n == 0 || (rand() % 100) < 55;
        if (do_push) {
            Event ev = {.t = now + rand() % 1000, .kind = tag};
            unsigned prio = (unsigned)(rand() % 4);
            uint64_t s = evq_push(q, ev, prio);
            cr_assert_eq(s, seq, "sequence numbers count pushes");
            OracleEv e = {ev.t, prio, seq++, tag++};
            size_t i = n++;
            while (i > 0 && oracle_less(&e, &o[i - 1])) {
                o[i] = o[i - 1];
                i--;
            }
            o[i] = e;
        } else {
            Event out;
            cr_assert(evq_pop(q, &out));
            cr_assert_eq(out.kind, o[0].tag, "op %d: got tag %u, oracle %u",
                         op, out.kind, o[0].tag);
            cr_assert_eq(out.t, o[0].t);
            cr_assert_eq(event_prio(&out), o[0].prio);
            now = out.t;
            for (size_t i = 1; i < n; i++)
                o[i - 1] = o[i];
            n--;
        }
        cr_assert_eq(evq_size(q), n);
    }
    /* Drain: the rest comes out in oracle order too. */
    for (size_t i = 0; i < n; i++) {
        Event out;
        cr_assert(evq_pop(q, &out));
        cr_assert_eq(out.kind, o[i].tag);
    }
    cr_assert_null(evq_peek(q));
    free(o);
    evq_destroy(q);
}

Test(evq, peek_shows_the_least_without_removing_it)
{
    Evq *q = evq_create(8);
    Event a = {.t = 50, .kind = 1}, b = {.t = 20, .kind = 2};
    evq_push(q, a, 0);
    evq_push(q, b, 5);
    cr_assert_eq(evq_peek(q)->kind, 2);
    cr_assert_eq(evq_size(q), 2);
    evq_clear(q);
    cr_assert_eq(evq_size(q), 0);
    cr_assert_null(evq_peek(q));
    evq_destroy(q);
}

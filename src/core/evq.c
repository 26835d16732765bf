/*
 * evq.c - binary min-heap of 32-byte Event records, 0-based array.
 *
 * Why a heap: in simsrv the pending set is small and hot -- one completion
 * per in-flight request (the next arrival waits beside the heap, in the
 * run loop's slot: sim_schedule_next in sim.c) and at
 * most one keep-alive timer per instance (platform/serverless.c re-arms timers
 * lazily instead of pushing one per idle period).  At 10^2..10^4 pending
 * events a binary heap "hold" costs 50-100 ns on this machine class
 * (reference/hpc-and-statistics.md).  A 4-ary heap was tried: on the dense
 * serverless benchmark (2,000 pending) it ran 8.4 M events/s against the
 * binary heap's 9.5 M in the same session (more compares per level cost
 * more than the halved depth saves); a calendar queue only pays off with far
 * larger, evenly spread sets.
 *
 * Records are stored by value: the heap array *is* the event pool, so the
 * steady-state loop never allocates, and a pop touches one cache line less
 * than a heap of pointers into a separate pool would.  Sifting moves a hole
 * instead of swapping, halving the copies.
 */
#include "evq.h"

#include <assert.h>

#include <stdlib.h>

#include "../util/xalloc.h"

struct Evq {
    Event *a;      /* heap array, a[0] is the least */
    size_t n;      /* events held */
    size_t cap;    /* slots allocated */
    uint64_t seq;  /* next insertion sequence */
};

static inline int ev_less(const Event *x, const Event *y)
{
    return x->t < y->t || (x->t == y->t && x->order < y->order);
}

Evq *evq_create(size_t cap)
{
    Evq *q = xcalloc(1, sizeof *q);
    q->cap = cap < 16 ? 16 : cap;
    q->a = xmalloc(q->cap * sizeof *q->a);
    return q;
}

void evq_destroy(Evq *q)
{
    if (q == NULL)
        return;
    free(q->a);
    free(q);
}

uint64_t evq_push(Evq *q, Event ev, unsigned prio)
{
    assert(prio <= EV_PRIO_MAX);
    assert(q->seq < ((uint64_t)1 << EV_SEQ_BITS));
    uint64_t seq = q->seq++;
    ev.order = ((uint64_t)prio << EV_SEQ_BITS) | seq;
    if (q->n == q->cap) {
        q->cap *= 2;
        q->a = xrealloc(q->a, q->cap * sizeof *q->a);
    }
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_less(&ev, &q->a[p]))
            break;
        q->a[i] = q->a[p];
        i = p;
    }
    q->a[i] = ev;
    return seq;
}

int evq_pop(Evq *q, Event *out)
{
    if (q->n == 0)
        return 0;
    *out = q->a[0];
    Event last = q->a[--q->n];
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_less(&q->a[c + 1], &q->a[c]))
            c++;
        if (!ev_less(&q->a[c], &last))
            break;
        q->a[i] = q->a[c];
        i = c;
    }
    if (n > 0)
        q->a[i] = last;
    return 1;
}

const Event *evq_peek(const Evq *q) { return q->n ? &q->a[0] : NULL; }

size_t evq_size(const Evq *q) { return q->n; }

void evq_clear(Evq *q) { q->n = 0; }

/*
 * evq.c - the pending-event set as a radix heap of 32-byte Event records.
 *
 * Why a radix heap.  A simulation pops events in time order and never
 * schedules one before the clock, so the keys it holds are never below the
 * last one popped.  A radix heap uses that: with `last` the time of the
 * least event, the heap (bucket 0) holds the events at `last`, and every
 * later event sits in the bucket named by where its time first differs
 * from `last`, so each bucket is a range of times beyond the buckets below
 * it.  A push appends to its bucket (O(1), no compares); a pop takes from
 * the heap, and when that is empty the lowest non-empty bucket's least
 * time becomes `last` and its events are spread over the buckets below.
 * Refills are sequential copies; a binary heap instead walks log2(n)
 * dependent loads on every pop: at Azure scale (10^4 requests in service)
 * that walk was a quarter of the replay once its other cache misses were
 * prefetched away.
 *
 * Radix 16.  The bucket of t > last is (level, digit): the level is the
 * highest 4-bit digit in which t and `last` differ (0..15), the digit t's
 * value there (1..15, as t > last).  Buckets in (level, digit) order are
 * ranges in time order, and a refill from level L sends every event to a
 * level below L, so an event moves at most 16 times and in practice once
 * or twice.  With one bucket per bit (radix 2, the previous layout) an
 * Azure-shaped replay moved each event 4.8 times on average and the
 * refills were a sixth of its run time.  bench_evq gives the hold times.
 *
 * Order is exact, not approximate: bucket 0 is a small binary heap on
 * (t, order), so among equal times the order the Sim assigned (priority,
 * then insertion sequence) decides, exactly as with one binary heap.
 *
 * Bucket 0 holds every event at or before `last`, not only those at it: a
 * peek may have to advance `last` to the next event's time (beyond the
 * clock) to find the least, and an event pushed afterwards between the
 * clock and `last` is earlier than everything bucketed.  It joins the
 * bucket-0 heap, which is served first.  That is rare (the gap is one
 * inter-event time), and it makes the queue right for any push order:
 * monotone pushes are only what makes it fast.
 *
 * Warming.  A refill of the lowest bucket knows the next events due: when
 * they are few (at most 256) and many are pending, each is shown once to
 * the owner's hint (evq_set_warm), which asks for what its handler will
 * read.  With 10^5 requests in service an event's request and then the
 * request's instance are both out of cache, the second found only through
 * the first; asked for hundreds of events ahead, both have arrived when
 * the event is popped.  A bucket filled by a warmed refill is marked, so
 * its events are not shown again as they move further down.
 *
 * Records are stored by value in per-bucket arrays that grow by doubling
 * and never shrink, so a run that reached its peak allocates nothing more.
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>

#include "../util/prefetch.h"
#include "../util/xalloc.h"

#define DIGIT_BITS 4
#define FANOUT (1 << DIGIT_BITS)         /* digits per level */
#define NLEVELS (64 / DIGIT_BITS)        /* levels of a 64-bit time */
#define NBUCKETS (1 + NLEVELS * FANOUT)  /* the heap, then (level, digit) */
#define USED_WORDS ((NBUCKETS + 63) / 64)
/* A refilled bucket of at most EVQ_WARM_NEAR events is what comes due
 * next: its events are shown to evq_set_warm's hint, unless fewer than
 * EVQ_WARM_MIN events are pending (their objects then stay in cache, and
 * the hint is only instructions).  With 2 * 10^5 requests in service, 256
 * gave 119 ns per event, 64 gave 122, 16 gave 152, none 183
 * (bench_serverless live 2e5, one sitting): a few events ahead is too
 * late for a load that needs another first. */
#define EVQ_WARM_NEAR 256
#define EVQ_WARM_MIN 8192

typedef struct Bucket {
    Event *a;
    size_t n, cap;
    SimTime min; /* buckets >= 1: the least time held (valid when n > 0) */
} Bucket;

struct Evq {
    Bucket b[NBUCKETS]; /* b[0] a heap of the events at or before `last`,
                           b[1 + level * FANOUT + digit] plain arrays of
                           those after it */
    uint64_t used[USED_WORDS]; /* bit i set iff bucket i >= 1 is non-empty */
    uint64_t warmed[USED_WORDS]; /* bit i: bucket i's events came from a
                                    refill whose events were warmed (so
                                    they are not warmed again) */
    SimTime last;       /* bucket indices are relative to this time */
    size_t n;           /* events held */
    size_t cap_hint;    /* initial capacity of a bucket */
    uint64_t seq;       /* next insertion sequence */
    EvqWarm warm;       /* evq_set_warm's hint, or NULL */
    void *warm_ctx;
};

static inline int highest_bit(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__) || defined(__clang__)
    return 63 - __builtin_clzll(x);
#else
    int i = -1;
    while (x != 0) {
        x >>= 1;
        i++;
    }
    return i;
#endif
}

static inline int lowest_bit(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(x);
#else
    int i = 0;
    while (!(x & 1)) {
        x >>= 1;
        i++;
    }
    return i;
#endif
}

/* The bucket of time t >= last: 0 if equal, else 1 + level * FANOUT +
 * digit, the level being the highest digit in which they differ. */
static inline int bucket_of(SimTime t, SimTime last)
{
    uint64_t x = (uint64_t)t ^ (uint64_t)last;
    if (x == 0)
        return 0;
    int level = highest_bit(x) / DIGIT_BITS;
    int digit = (int)((uint64_t)t >> (level * DIGIT_BITS)) & (FANOUT - 1);
    return 1 + level * FANOUT + digit;
}

/* Bit i of a bucket bit set (used, warmed). */
static inline void bit_set(uint64_t *set, int i)
{
    set[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Clears bit i and returns what it was. */
static inline int bit_take(uint64_t *set, int i)
{
    int was = (int)(set[i / 64] >> (i % 64)) & 1;
    set[i / 64] &= ~((uint64_t)1 << (i % 64));
    return was;
}

/* The lowest non-empty bucket >= 1 (some is). */
static inline int lowest_used(const Evq *q)
{
    int w = 0;
    while (q->used[w] == 0)
        w++;
    return 64 * w + lowest_bit(q->used[w]);
}

static void bucket_grow(Bucket *b, size_t hint)
{
    b->cap = b->cap ? 2 * b->cap : hint;
    b->a = xrealloc(b->a, b->cap * sizeof *b->a);
}

/* Keeps b->min for an event at t joining bucket b (before n counts it). */
static inline void bucket_note_min(Bucket *b, SimTime t)
{
    if (b->n == 0 || t < b->min)
        b->min = t;
}

static inline void bucket_append(Bucket *b, const Event *ev, size_t hint)
{
    if (b->n == b->cap)
        bucket_grow(b, hint);
    bucket_note_min(b, ev->t);
    b->a[b->n++] = *ev;
}

/* ---- the bucket-0 heap ---------------------------------------------- */

static void heap_push(Bucket *h, const Event *ev, size_t hint)
{
    if (h->n == h->cap)
        bucket_grow(h, hint);
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!event_before(ev, &h->a[p]))
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = *ev;
}

static void heap_pop(Bucket *h, Event *out)
{
    *out = h->a[0];
    Event last = h->a[--h->n];
    size_t n = h->n, i = 0;
    if (n == 0)
        return;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && event_before(&h->a[c + 1], &h->a[c]))
            c++;
        if (!event_before(&h->a[c], &last))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = last;
}

/* ---- the queue ------------------------------------------------------ */

Evq *evq_create(size_t cap)
{
    Evq *q = xcalloc(1, sizeof *q);
    q->cap_hint = cap < 16 ? 16 : cap > 4096 ? 4096 : cap;
    return q;
}

void evq_destroy(Evq *q)
{
    if (q == NULL)
        return;
    for (int i = 0; i < NBUCKETS; i++)
        free(q->b[i].a);
    free(q);
}

uint64_t evq_push(Evq *q, SimTime t, unsigned prio, uint32_t kind, void *obj,
                  uint32_t epoch)
{
    assert(prio <= EV_PRIO_MAX);
    assert(q->seq < ((uint64_t)1 << EV_SEQ_BITS));
    uint64_t seq = q->seq++;
    uint64_t order = ((uint64_t)prio << EV_SEQ_BITS) | seq;
    q->n++;
    int i;
    if (t < q->last || (i = bucket_of(t, q->last)) == 0) {
        Event ev = {.t = t, .order = order, .obj = obj, .kind = kind,
                    .epoch = epoch};
        heap_push(&q->b[0], &ev, q->cap_hint);
        return seq;
    }
    /* the common case: appended field by field (an Event built on the
     * stack and copied stalled on the store-to-load forward) */
    Bucket *b = &q->b[i];
    if (b->n == b->cap)
        bucket_grow(b, q->cap_hint);
    bucket_note_min(b, t);
    Event *slot = &b->a[b->n++];
    slot->t = t;
    slot->order = order;
    slot->obj = obj;
    slot->kind = kind;
    slot->epoch = epoch;
    bit_set(q->used, i);
    return seq;
}

/* Bucket 0 is empty and some bucket is not: the lowest one's least time
 * becomes `last` and its events move down (the ones at `last` into the
 * bucket-0 heap).  The least time is kept as events join a bucket, so the
 * bucket is read once, not scanned first: with 10^5 requests in service
 * the upper buckets hold megabytes, and a second pass over them missed
 * cache again. */
static void refill(Evq *q)
{
    int i = lowest_used(q);
    Bucket *src = &q->b[i];
    bit_take(q->used, i);
    SimTime m = src->min;
    int was_warm = bit_take(q->warmed, i);
    int warm_now = q->warm != NULL && !was_warm &&
                   src->n <= EVQ_WARM_NEAR && q->n >= EVQ_WARM_MIN;
    int mark = warm_now || was_warm; /* the buckets it fills */
    if (warm_now) {
        /* the objects first, all at once: the hint reads them */
        for (size_t k = 0; k < src->n; k++)
            PREFETCH(src->a[k].obj);
        for (size_t k = 0; k < src->n; k++)
            q->warm(q->warm_ctx, &src->a[k]);
    }
    q->last = m;
    for (size_t k = 0; k < src->n; k++) {
        int j = bucket_of(src->a[k].t, m);
        assert(j < i);
        if (j == 0) {
            heap_push(&q->b[0], &src->a[k], q->cap_hint);
        } else {
            bucket_append(&q->b[j], &src->a[k], q->cap_hint);
            bit_set(q->used, j);
            if (mark)
                bit_set(q->warmed, j);
        }
    }
    src->n = 0;
}

/* The bucket-0 heap, which holds the least event (refilled if it must
 * be), or NULL when the queue is empty. */
static Bucket *least(Evq *q)
{
    if (q->b[0].n == 0) {
        if (q->n == 0) /* (every event is in bucket 0 or a used one) */
            return NULL;
        refill(q);
    }
    return &q->b[0];
}

int evq_pop(Evq *q, Event *out)
{
    Bucket *h = least(q);
    if (h == NULL)
        return 0;
    heap_pop(h, out);
    q->n--;
    return 1;
}

const Event *evq_peek(Evq *q)
{
    Bucket *h = least(q);
    return h != NULL ? &h->a[0] : NULL;
}

size_t evq_size(const Evq *q) { return q->n; }

void evq_set_warm(Evq *q, EvqWarm warm, void *ctx)
{
    q->warm = warm;
    q->warm_ctx = ctx;
}

void evq_clear(Evq *q)
{
    for (int i = 0; i < NBUCKETS; i++)
        q->b[i].n = 0;
    for (int w = 0; w < USED_WORDS; w++)
        q->used[w] = q->warmed[w] = 0;
    q->last = 0;
    q->n = 0;
}

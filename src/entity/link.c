/*
 * link.c - bandwidth links shared max-min fairly, and their transfers
 * (see link.h).
 */
#include "link.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "../util/xalloc.h"

void link_init(Link *l, double bytes_per_s)
{
    assert(bytes_per_s > 0);
    l->bytes_per_s = bytes_per_s;
    l->act = NULL;
    l->n = l->cap = 0;
    l->fill_left = l->fill_level = 0;
    l->fill_n = l->fill_mark = 0;
}

void link_fini(Link *l)
{
    free(l->act);
    l->act = NULL;
    l->n = l->cap = 0;
}

double link_xfer_left(const Transfer *x, SimTime now)
{
    if (now <= x->t_us)
        return x->left; /* (an unlimited link: no 0 x infinity) */
    double left = x->left - x->rate * time_to_s(now - x->t_us);
    return left > 0 ? left : 0.0;
}

/* x brought up to now at its old rate. */
static void catch_up(Transfer *x, SimTime now)
{
    if (now > x->t_us) {
        x->left = link_xfer_left(x, now);
        x->t_us = now;
    }
}

/* ---- max-min fair rates by progressive filling ------------------------ */

/* A heap entry: link f->l[link] at its fill level when pushed (stale once
 * the link's level has changed). */
typedef struct FillEntry {
    double level;
    int link;
} FillEntry;

/* One filling's scratch: the component's links and transfers, the heap of
 * links by fill level and the capped transfers by cap. */
typedef struct Fill {
    Link **l;
    int nl, cap_l;
    Transfer **x;
    int nx, cap_x;
    FillEntry *heap; /* a link may appear more than once */
    int nh, cap_h;
    Transfer **capped;
    int ncap;
} Fill;

/* a, holding n of *cap elements of `size` bytes, with room for one more. */
static void *grow(void *a, int n, int *cap, size_t size)
{
    if (n < *cap)
        return a;
    *cap = *cap ? 2 * *cap : 8;
    return xrealloc(a, (size_t)*cap * size);
}

static void fill_add_link(Fill *f, Link *l)
{
    if (l->fill_mark)
        return;
    f->l = grow(f->l, f->nl, &f->cap_l, sizeof *f->l);
    f->l[f->nl++] = l;
    l->fill_mark = f->nl;
}

static void fill_add_xfer(Fill *f, Transfer *x)
{
    if (x->fill_mark)
        return;
    f->x = grow(f->x, f->nx, &f->cap_x, sizeof *f->x);
    f->x[f->nx++] = x;
    x->fill_mark = f->nx;
    x->fill_frozen = 0;
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] != NULL)
            fill_add_link(f, x->on[k]);
}

/* The component of the seed links: breadth first through shared
 * transfers (the link array is the queue). */
static void fill_gather(Fill *f, Link *const *seed, int n_seed)
{
    for (int i = 0; i < n_seed; i++)
        if (seed[i] != NULL)
            fill_add_link(f, seed[i]);
    for (int i = 0; i < f->nl; i++)
        for (int j = 0; j < f->l[i]->n; j++)
            fill_add_xfer(f, f->l[i]->act[j]);
}

/* Heap entry a before b: lower level, then earlier in the component. */
static int heap_before(const FillEntry *a, const FillEntry *b)
{
    return a->level < b->level || (a->level == b->level && a->link < b->link);
}

static void heap_swap(Fill *f, int a, int b)
{
    FillEntry e = f->heap[a];
    f->heap[a] = f->heap[b];
    f->heap[b] = e;
}

static void fill_push(Fill *f, int li)
{
    f->heap = grow(f->heap, f->nh, &f->cap_h, sizeof *f->heap);
    int i = f->nh++;
    f->heap[i] = (FillEntry){f->l[li]->fill_level, li};
    while (i > 0 && heap_before(&f->heap[i], &f->heap[(i - 1) / 2])) {
        heap_swap(f, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void fill_pop(Fill *f)
{
    f->nh--;
    if (f->nh == 0)
        return;
    heap_swap(f, 0, f->nh);
    for (int i = 0;;) {
        int c = 2 * i + 1;
        if (c >= f->nh)
            break;
        if (c + 1 < f->nh && heap_before(&f->heap[c + 1], &f->heap[c]))
            c++;
        if (!heap_before(&f->heap[c], &f->heap[i]))
            break;
        heap_swap(f, i, c);
        i = c;
    }
}

/* The unfrozen link with the lowest fill level (stale entries dropped),
 * or NULL. */
static Link *fill_lowest(Fill *f)
{
    while (f->nh > 0) {
        Link *l = f->l[f->heap[0].link];
        if (l->fill_n > 0 && f->heap[0].level == l->fill_level)
            return l;
        fill_pop(f);
    }
    return NULL;
}

/* Capped transfers by cap, then by place in the component. */
static int cap_cmp(const void *pa, const void *pb)
{
    const Transfer *a = *(Transfer *const *)pa, *b = *(Transfer *const *)pb;
    if (a->max_rate != b->max_rate)
        return a->max_rate < b->max_rate ? -1 : 1;
    return (a->fill_mark > b->fill_mark) - (a->fill_mark < b->fill_mark);
}

/* x's rate is r: what it takes leaves its links' remaining bandwidth (a
 * link whose transfers all freeze now, `draining`, goes back on the heap
 * no more). */
static void fill_freeze(Fill *f, Transfer *x, double r, const Link *draining)
{
    x->rate = r;
    x->fill_frozen = 1;
    for (int k = 0; k < LINK_MAX_PER_XFER; k++) {
        Link *l = x->on[k];
        if (l == NULL)
            continue;
        l->fill_left = l->fill_left > r ? l->fill_left - r : 0.0;
        if (--l->fill_n > 0 && l != draining) {
            l->fill_level = l->fill_left / l->fill_n;
            fill_push(f, l->fill_mark - 1);
        }
    }
}

/* Gives the component's transfers their max-min fair rates. */
static void fill_rates(Fill *f)
{
    for (int i = 0; i < f->nl; i++) {
        Link *l = f->l[i];
        l->fill_left = l->bytes_per_s;
        l->fill_n = l->n;
        l->fill_level = l->n > 0 ? l->bytes_per_s / l->n : (double)INFINITY;
        if (l->n > 0)
            fill_push(f, i);
    }
    f->capped = xmalloc((size_t)(f->nx > 0 ? f->nx : 1) * sizeof *f->capped);
    f->ncap = 0;
    for (int i = 0; i < f->nx; i++)
        if (f->x[i]->max_rate > 0)
            f->capped[f->ncap++] = f->x[i];
    qsort(f->capped, (size_t)f->ncap, sizeof *f->capped, cap_cmp);
    int frozen = 0, ci = 0;
    while (frozen < f->nx) {
        Link *low = fill_lowest(f);
        while (ci < f->ncap && f->capped[ci]->fill_frozen)
            ci++;
        if (ci < f->ncap &&
            (low == NULL || f->capped[ci]->max_rate <= low->fill_level)) {
            fill_freeze(f, f->capped[ci], f->capped[ci]->max_rate, NULL);
            frozen++;
            continue;
        }
        assert(low != NULL);
        double level = low->fill_level;
        for (int j = 0; j < low->n; j++)
            if (!low->act[j]->fill_frozen) {
                fill_freeze(f, low->act[j], level, low);
                frozen++;
            }
    }
}

/* The links in seed[] and every link and transfer connected to them:
 * brought up to now at their old rates, then given their max-min fair
 * rates. */
static void refill_component(Link *const *seed, int n_seed, SimTime now)
{
    Fill f = {0};
    fill_gather(&f, seed, n_seed);
    for (int i = 0; i < f.nx; i++)
        catch_up(f.x[i], now);
    fill_rates(&f);
    for (int i = 0; i < f.nl; i++)
        f.l[i]->fill_mark = 0;
    for (int i = 0; i < f.nx; i++)
        f.x[i]->fill_mark = 0;
    free(f.l);
    free(f.x);
    free(f.heap);
    free(f.capped);
}

static void link_add(Link *l, Transfer *x, int k)
{
    l->act = grow(l->act, l->n, &l->cap, sizeof *l->act);
    x->pos[k] = l->n;
    l->act[l->n++] = x;
}

/* The index of link l among x's links. */
static int slot_of(const Transfer *x, const Link *l)
{
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] == l)
            return k;
    assert(0 && "transfer not on the link");
    return 0;
}

static void link_remove(Link *l, Transfer *x, int k)
{
    int i = x->pos[k];
    assert(i >= 0 && i < l->n && l->act[i] == x);
    Transfer *last = l->act[--l->n];
    l->act[i] = last;
    last->pos[slot_of(last, l)] = i;
    x->pos[k] = -1;
}

void link_start(Transfer *x, Link *a, Link *b, double bytes, double max_rate,
                SimTime now)
{
    assert(a != NULL && a != b && bytes >= 0);
    Link *seed[LINK_MAX_PER_XFER] = {a, b};
    x->on[0] = a;
    x->on[1] = b;
    x->bytes = x->left = bytes;
    x->max_rate = max_rate;
    x->t_us = x->started_us = now;
    x->rate = 0;
    x->fill_mark = x->fill_frozen = 0;
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] != NULL)
            link_add(x->on[k], x, k); /* the others keep their old rates */
    refill_component(seed, LINK_MAX_PER_XFER, now);
}

void link_end(Transfer *x, SimTime now)
{
    Link *seed[LINK_MAX_PER_XFER];
    for (int k = 0; k < LINK_MAX_PER_XFER; k++) {
        seed[k] = x->on[k];
        if (x->on[k] != NULL)
            link_remove(x->on[k], x, k);
        x->on[k] = NULL;
    }
    refill_component(seed, LINK_MAX_PER_XFER, now);
    x->left = 0;
    x->t_us = now;
}

SimTime link_xfer_finish(const Transfer *x)
{
    if (x->left <= 0)
        return x->t_us;
    /* rounded up, but not for the float noise of a catch-up (a picosecond):
     * equal transfers that end together end in the same microsecond */
    double us = ceil(x->left / x->rate * 1e6 - 1e-6);
    if (!(us < (double)SIM_TIME_MAX / 4))
        return SIM_TIME_MAX;
    return x->t_us + (SimTime)us;
}

SimTime link_next_finish(const Link *l, Transfer **which)
{
    SimTime best = SIM_TIME_MAX;
    Transfer *bx = NULL;
    for (int i = 0; i < l->n; i++) {
        SimTime t = link_xfer_finish(l->act[i]);
        if (t < best) {
            best = t;
            bx = l->act[i];
        }
    }
    if (which != NULL)
        *which = bx;
    return best;
}

double link_share_if_added(const Link *l)
{
    return l->bytes_per_s / (l->n + 1);
}

/*
 * link.c - processor-shared bandwidth links and their transfers (see
 * link.h).
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

/* x's rate: its smallest share, under its own cap. */
static void set_rate(Transfer *x)
{
    double r = x->max_rate > 0 ? x->max_rate : (double)INFINITY;
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] != NULL) {
            double share = x->on[k]->bytes_per_s / x->on[k]->n;
            if (share < r)
                r = share;
        }
    x->rate = r;
}

static void catch_up_all(Link *l, SimTime now)
{
    for (int i = 0; i < l->n; i++)
        catch_up(l->act[i], now);
}

static void rerate_all(Link *l)
{
    for (int i = 0; i < l->n; i++)
        set_rate(l->act[i]);
}

static void link_add(Link *l, Transfer *x, int k)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->act = xrealloc(l->act, (size_t)l->cap * sizeof *l->act);
    }
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
    x->on[0] = a;
    x->on[1] = b;
    x->bytes = x->left = bytes;
    x->max_rate = max_rate;
    x->t_us = x->started_us = now;
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] != NULL) {
            catch_up_all(x->on[k], now);
            link_add(x->on[k], x, k);
        }
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] != NULL)
            rerate_all(x->on[k]);
}

void link_end(Transfer *x, SimTime now)
{
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] != NULL) {
            catch_up_all(x->on[k], now);
            link_remove(x->on[k], x, k);
        }
    for (int k = 0; k < LINK_MAX_PER_XFER; k++)
        if (x->on[k] != NULL) {
            rerate_all(x->on[k]);
            x->on[k] = NULL;
        }
    x->left = 0;
    x->t_us = now;
}

SimTime link_xfer_finish(const Transfer *x)
{
    if (x->left <= 0)
        return x->t_us;
    double us = ceil(x->left / x->rate * 1e6);
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

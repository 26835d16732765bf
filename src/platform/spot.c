/*
 * spot.c - notice draws and the requests a reclaimed VM or node held (see
 * spot.h).
 */
#include "spot.h"

#include <stdlib.h>

#include "../core/rng.h"
#include "../util/xalloc.h"

int spot_next_notice(gsl_rng *r, double per_hour, SimTime now,
                     SimTime horizon, SimTime *at)
{
    double at_s = time_to_s(now) + rng_exponential(r, 3600.0 / per_hour);
    if (!(at_s < time_to_s(horizon)))
        return 0;
    *at = time_from_s(at_s);
    return 1;
}

typedef struct Collect {
    SpotHeld *h;
    int (*held)(const Request *req, const void *what);
    const void *what;
} Collect;

static void collect_one(void *obj, void *arg)
{
    Request *req = obj;
    Collect *c = arg;
    if (!req->live || !c->held(req, c->what))
        return;
    SpotHeld *h = c->h;
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 16;
        h->v = xrealloc(h->v, h->cap * sizeof *h->v);
    }
    h->v[h->n++] = req;
}

static int by_arrival(const void *a, const void *b)
{
    const Request *x = *(const Request *const *)a;
    const Request *y = *(const Request *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

void spot_collect(World *w, SpotHeld *h,
                  int (*held)(const Request *req, const void *what),
                  const void *what)
{
    Collect c = {h, held, what};
    h->n = 0;
    world_each_request(w, collect_one, &c);
    if (h->n > 1)
        qsort(h->v, h->n, sizeof *h->v, by_arrival);
}

void spot_held_fini(SpotHeld *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

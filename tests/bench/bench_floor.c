/*
 * bench_floor.c - a floor for `simsrv run scenarios/simfaas-readme.json`:
 * the same workload (SimFaaS's README: Poisson 0.9 req/s, warm service
 * Exp(1.991 s), a cold request's Exp(2.244 s), a new instance per request
 * that finds none idle, newest-idle routing, 600 s keep-alive, 10^6 s)
 * with the least machinery that still does what simsrv does per request:
 * two exponential draws (xoshiro256** and log), a binary heap of pending
 * events with lazy keep-alive timers, a heap of idle instances by creation,
 * state-time integrals, a latency histogram bucket, millisecond billing.
 * Nothing else: no configuration, components, policies, executors, per-
 * function state or outputs.  It is not simsrv and shares none of its code
 * but the generator's step (core/rng.h, inline); it answers how much of
 * simsrv's time any program computing the same needs on this machine
 * (README, Benchmarks).
 *
 * Prints the run's figures (to show it simulates the workload: its cold
 * start share, mean busy and idle instances) and the median wall time of
 * the runs in this process: 5, or the count its argument gives (1 times
 * it as a whole process beside a whole `simsrv run`).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"

typedef int64_t Us;

typedef struct Floor {
    XoState rng;
    /* pending events: (t, order) min-heap; kind 0 a request's end, 1 an
     * instance's keep-alive timer */
    struct Ev {
        Us t;
        uint64_t order;
        int kind, obj;
        uint32_t epoch;
    } * ev;
    int n_ev, cap_ev;
    uint64_t seq;
    /* instances, and the idle ones in a heap by creation (newest first) */
    struct Inst {
        Us idle_since, timer_at;
        uint64_t id;
        uint32_t epoch;
        int state, pos;
    } * inst;
    int n_inst, *free_inst, n_free_inst, *idle, n_idle;
    /* requests in service */
    struct Req {
        Us arrival, run;
        int inst, cold;
    } * req;
    int n_req, *free_req, n_free_req;
    /* accumulators */
    double state_us[3];
    int count[3];
    Us last_t;
    uint64_t events, completed, cold, slo_ok, billed_ms, hist[512];
} Floor;

enum { GONE, IDLE, BUSY };
enum { MAX_LIVE = 1 << 16 };

/* A uniform draw on a 2^-53 grid in [0, 1), and an exponential one. */
static double uniform(Floor *f)
{
    return (double)(rng_xo_next(&f->rng) >> 11) * 0x1.0p-53;
}

static double exp_s(Floor *f, double mean_s)
{
    return -mean_s * log(1.0 - uniform(f));
}

static Us to_us(double s) { return (Us)(s * 1e6 + 0.5); }

static int ev_before(const struct Ev *a, const struct Ev *b)
{
    return a->t < b->t || (a->t == b->t && a->order < b->order);
}

static void ev_push(Floor *f, Us t, int prio, int kind, int obj,
                    uint32_t epoch)
{
    if (f->n_ev == f->cap_ev) {
        f->cap_ev = f->cap_ev ? 2 * f->cap_ev : 64;
        f->ev = realloc(f->ev, (size_t)f->cap_ev * sizeof *f->ev);
        if (f->ev == NULL)
            abort();
    }
    struct Ev e = {t, ((uint64_t)prio << 56) | f->seq++, kind, obj, epoch};
    int i = f->n_ev++;
    while (i > 0 && ev_before(&e, &f->ev[(i - 1) / 2])) {
        f->ev[i] = f->ev[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    f->ev[i] = e;
}

static struct Ev ev_pop(Floor *f)
{
    struct Ev top = f->ev[0], last = f->ev[--f->n_ev];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= f->n_ev)
            break;
        if (c + 1 < f->n_ev && ev_before(&f->ev[c + 1], &f->ev[c]))
            c++;
        if (!ev_before(&f->ev[c], &last))
            break;
        f->ev[i] = f->ev[c];
        i = c;
    }
    if (f->n_ev > 0)
        f->ev[i] = last;
    return top;
}

static int newer(const Floor *f, int a, int b)
{
    return f->inst[a].id > f->inst[b].id;
}

static void idle_set(Floor *f, int i, int x)
{
    f->idle[i] = x;
    f->inst[x].pos = i;
}

static void idle_up(Floor *f, int i)
{
    int x = f->idle[i];
    while (i > 0 && newer(f, x, f->idle[(i - 1) / 2])) {
        idle_set(f, i, f->idle[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    idle_set(f, i, x);
}

static void idle_down(Floor *f, int i)
{
    int x = f->idle[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= f->n_idle)
            break;
        if (c + 1 < f->n_idle && newer(f, f->idle[c + 1], f->idle[c]))
            c++;
        if (!newer(f, f->idle[c], x))
            break;
        idle_set(f, i, f->idle[c]);
        i = c;
    }
    idle_set(f, i, x);
}

static void idle_push(Floor *f, int x)
{
    f->idle[f->n_idle] = x;
    idle_up(f, f->n_idle++);
}

static void idle_remove(Floor *f, int x)
{
    int i = f->inst[x].pos, last = f->idle[--f->n_idle];
    f->inst[x].pos = -1;
    if (i == f->n_idle)
        return;
    idle_set(f, i, last);
    if (i > 0 && newer(f, last, f->idle[(i - 1) / 2]))
        idle_up(f, i);
    else
        idle_down(f, i);
}

static void advance(Floor *f, Us now)
{
    double dt = (double)(now - f->last_t);
    f->state_us[IDLE] += dt * f->count[IDLE];
    f->state_us[BUSY] += dt * f->count[BUSY];
    f->last_t = now;
}

static void set_state(Floor *f, int x, int to, Us now)
{
    advance(f, now);
    f->count[f->inst[x].state]--;
    f->count[to]++;
    f->inst[x].state = to;
}

static int hist_bucket(Us v)
{
    if (v <= 0)
        return 0;
    int o = 63 - __builtin_clzll((unsigned long long)v);
    return o * 8 + (int)((v >> (o > 3 ? o - 3 : 0)) & 7);
}

static void on_arrival(Floor *f, Us now)
{
    double u = uniform(f);
    int r = f->n_free_req ? f->free_req[--f->n_free_req] : f->n_req++;
    int x;
    if (r >= MAX_LIVE)
        abort();
    f->req[r].arrival = now;
    f->req[r].cold = f->n_idle == 0;
    if (f->n_idle > 0) {
        x = f->idle[0];
        idle_remove(f, x);
        f->req[r].run = to_us(-1.991 * log(1.0 - u));
    } else {
        x = f->n_free_inst ? f->free_inst[--f->n_free_inst] : f->n_inst++;
        if (x >= MAX_LIVE)
            abort();
        /* (its id: the events so far, which grow, so ids follow
         * creation) */
        f->inst[x] = (struct Inst){0, -1, (uint64_t)f->events, 0, GONE, -1};
        f->count[GONE]++;
        f->req[r].run = to_us(-2.244 * log(1.0 - u));
    }
    set_state(f, x, BUSY, now);
    f->req[r].inst = x;
    ev_push(f, now + f->req[r].run, 1, 0, r, 0);
}

static void on_end(Floor *f, int r, Us now, Us keepalive)
{
    struct Req *q = &f->req[r];
    Us lat = now - q->arrival;
    int x = q->inst;
    int b = hist_bucket(lat);
    f->hist[b < 511 ? b : 511]++;
    f->completed++;
    f->cold += (uint64_t)q->cold;
    f->slo_ok += lat <= 5000000;
    f->billed_ms += (uint64_t)((q->run + 999) / 1000);
    f->free_req[f->n_free_req++] = r;
    set_state(f, x, IDLE, now);
    struct Inst *in = &f->inst[x];
    in->idle_since = now;
    idle_push(f, x);
    Us due = now + keepalive;
    if (in->timer_at >= 0 && in->timer_at <= due)
        return; /* the pending timer re-arms itself */
    if (in->timer_at >= 0)
        in->epoch++;
    in->timer_at = due;
    ev_push(f, due, 2, 1, x, in->epoch);
}

static void on_timer(Floor *f, int x, uint32_t epoch, Us now, Us keepalive)
{
    struct Inst *in = &f->inst[x];
    if (epoch != in->epoch)
        return;
    in->timer_at = -1;
    if (in->state != IDLE)
        return;
    Us due = in->idle_since + keepalive;
    if (due > now) {
        in->timer_at = due;
        ev_push(f, due, 2, 1, x, in->epoch);
        return;
    }
    idle_remove(f, x);
    set_state(f, x, GONE, now);
    f->count[GONE]--;
    in->epoch++;
    f->free_inst[f->n_free_inst++] = x;
}

static void run(Floor *f)
{
    const Us horizon = to_us(1e6), keepalive = to_us(600);
    Us next_arrival = to_us(exp_s(f, 1 / 0.9));
    for (;;) {
        /* arrivals (priority 0 here) go before events at the same time */
        int arrival = f->n_ev == 0 || next_arrival <= f->ev[0].t;
        Us now = arrival ? next_arrival : f->ev[0].t;
        if (now >= horizon)
            break;
        f->events++;
        if (arrival) {
            next_arrival = now + to_us(exp_s(f, 1 / 0.9));
            on_arrival(f, now);
            continue;
        }
        struct Ev e = ev_pop(f);
        if (e.kind == 0)
            on_end(f, e.obj, now, keepalive);
        else
            on_timer(f, e.obj, e.epoch, now, keepalive);
    }
    advance(f, horizon);
}

static void floor_free(Floor *f)
{
    free(f->ev);
    free(f->inst);
    free(f->idle);
    free(f->free_inst);
    free(f->req);
    free(f->free_req);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    enum { MAX_RUNS = 101 };
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: bench_floor [RUNS, 1 to %d]\n", MAX_RUNS);
        return 2;
    }
    double wall[MAX_RUNS];
    Floor f;
    for (int k = 0; k < runs; k++) {
        memset(&f, 0, sizeof f);
        f.rng = (XoState){{0x9E3779B97F4A7C15u, 0xBF58476D1CE4E5B9u,
                           0x94D049BB133111EBu, 0x2545F4914F6CDD1Du}};
        f.inst = calloc(MAX_LIVE, sizeof *f.inst);
        f.idle = malloc(MAX_LIVE * sizeof *f.idle);
        f.free_inst = malloc(MAX_LIVE * sizeof *f.free_inst);
        f.req = malloc(MAX_LIVE * sizeof *f.req);
        f.free_req = malloc(MAX_LIVE * sizeof *f.free_req);
        if (!f.inst || !f.idle || !f.free_inst || !f.req || !f.free_req)
            abort();
        double t0 = now_s();
        run(&f);
        wall[k] = now_s() - t0;
        if (k + 1 < runs)
            floor_free(&f);
    }
    qsort(wall, (size_t)runs, sizeof wall[0], cmp_double);
    printf("floor (tests/bench/bench_floor.c, not simsrv): %llu events, "
           "%llu requests, cold %.3f%%, mean busy %.3f, idle %.3f; median "
           "of %d run%s %.3f s (%.3f-%.3f), %.2f M events/s\n",
           (unsigned long long)f.events, (unsigned long long)f.completed,
           100.0 * (double)f.cold / (double)f.completed,
           f.state_us[BUSY] / 1e12, f.state_us[IDLE] / 1e12, runs,
           runs > 1 ? "s" : "",
           wall[runs / 2], wall[0], wall[runs - 1],
           (double)f.events / wall[runs / 2] * 1e-6);
    floor_free(&f);
    return 0;
}

/*
 * queue.c - the `queue` platform component: an SQS queue and its Lambda
 * event source mapping in front of a serverless pool (the "S3 upload ->
 * event -> function" pattern, asynchronous and batch work).
 *
 * Arrivals are messages.  The component holds them and hands them in
 * batches to invocations of the serverless pool of the same alternative
 * (platform/serverless.c, reached through its ops table), as the Lambda
 * poller does (Lambda Developer Guide, "Using Lambda with Amazon SQS" and
 * "Lambda parameters for Amazon SQS event source mappings", read 2026-12):
 *
 * - batching: an invocation takes batch_size visible messages as soon as
 *   that many are visible; with batch_window_s > 0 a window opens when the
 *   first message of a batch is visible, and when it ends the invocation
 *   takes what is visible (up to batch_size); with no window it takes at
 *   once whatever is visible.  At most max_concurrency invocations are in
 *   flight (0: no limit); a batch waits for a free one.
 * - an invocation runs the profile's warm a + c n for its n messages (its
 *   own quantile, from the queue stream), plus a cold start when it gets
 *   one; the function's timeout_s stops it (a failure).
 * - failures: an invocation that times out, is throttled by the pool, or
 *   fails with probability failure_prob returns its whole batch to the
 *   queue (no partial batch responses).  A message received at r and
 *   failed at f (its k-th receive) is visible again at
 *   max(r + visibility_timeout_s, f + backoff_s * backoff_factor^(k-1)):
 *   SQS's own retry is the visibility timeout; a back-off is what a
 *   function does with ChangeMessageVisibility.  When it becomes visible
 *   after its max_receives-th receive it goes to the dead-letter queue
 *   instead (SQS redrive policy, maxReceiveCount).  A batch still in
 *   flight when its visibility timeout passes is not delivered twice (the
 *   configuration rule visibility_timeout_s >= timeout_s makes that rare).
 *
 * What the World counts for a message: completed when its batch
 * succeeded (latency = end-to-end delay from its arrival), rejected when
 * it was dead-lettered, unfinished when the horizon finds it in the queue
 * (visible, in an invocation, or waiting out a visibility timeout): the
 * World's conservation is then every message processed, dead-lettered or
 * in the backlog.  Invocations are carriers (host.h): the pool serves,
 * bills and counts them (its per-function rows count invocations), and
 * mean_batch is messages per invocation.
 *
 * Representation: the visible messages are a FIFO through Request.next;
 * each invocation in flight has a slot (messages, size, receive time) in
 * a growable array found from its carrier's id, with a free list; the
 * messages of a failed batch return by one event per group of equal
 * return times (one per batch without back-off).  Nothing is allocated
 * per message.  SQS request charges are not billed: at $0.40 per million
 * requests (SQS pricing page, read 2026-12), a poll, a receive and a
 * delete per batch of 10 cost ~$0.12 per million messages, below the
 * function's own cost for any model here.
 */
#include "platform.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "../core/rng.h"
#include "../util/xalloc.h"

typedef struct QueueInv {
    Request *head;             /* its messages, through next */
    int n;
    SimTime received;          /* when the poller took them */
} QueueInv;

typedef struct Queue {
    World *w;
    const AltSpec *alt;
    const QueueSpec *spec;
    int self, srv;             /* component indices */
    gsl_rng *r;                /* RNG_QUEUE: failures, service quantiles */
    double cpu_factor;
    SimTime window_us, visibility_us;
    Request *vis_head, *vis_tail; /* visible messages, FIFO */
    int n_vis;
    int in_flight;             /* invocations */
    long n_flight_msgs;        /* messages in them */
    long n_returning;          /* messages waiting out a visibility */
    SimTime window_end;        /* the open batch window's end, or -1 */
    QueueInv *inv;
    int *free_slots;
    int n_inv, cap_inv, n_free;
} Queue;

static void push_visible(Queue *q, Request *m)
{
    m->next = NULL;
    if (q->vis_tail != NULL)
        q->vis_tail->next = m;
    else
        q->vis_head = m;
    q->vis_tail = m;
    q->n_vis++;
}

static int new_slot(Queue *q)
{
    if (q->n_free > 0)
        return q->free_slots[--q->n_free];
    if (q->n_inv == q->cap_inv) {
        q->cap_inv = q->cap_inv ? 2 * q->cap_inv : 64;
        q->inv = xrealloc(q->inv, (size_t)q->cap_inv * sizeof *q->inv);
        q->free_slots = xrealloc(q->free_slots,
                                 (size_t)q->cap_inv * sizeof *q->free_slots);
    }
    return q->n_inv++;
}

/* Hands the first n visible messages to one invocation. */
static void invoke(Queue *q, int n)
{
    SimTime now = sim_now(world_sim(q->w));
    int slot = new_slot(q);
    QueueInv *inv = &q->inv[slot];
    inv->head = q->vis_head;
    inv->n = n;
    inv->received = now;
    Request *last = q->vis_head;
    last->receives++;
    for (int i = 1; i < n; i++) {
        last = last->next;
        last->receives++;
    }
    q->vis_head = last->next;
    last->next = NULL;
    if (q->vis_head == NULL)
        q->vis_tail = NULL;
    q->n_vis -= n;
    q->n_flight_msgs += n;
    q->in_flight++;
    q->window_end = -1; /* the next batch gathers from now */
    world_count_batch(q->w, n);

    Request *c = world_carrier_new(q->w, q->self);
    c->id = (uint64_t)slot;
    c->arrival = now;
    c->u_service = gsl_rng_uniform_pos(q->r);
    c->given_us = world_service_us(c, &q->alt->hw, n, q->cpu_factor);
    world_carrier_route(q->w, q->srv, c); /* may end it at once (throttle) */
}

static int can_invoke(const Queue *q)
{
    return q->spec->max_concurrency == 0 ||
           q->in_flight < q->spec->max_concurrency;
}

/* The poller: starts every batch that is ready and has an invocation. */
static void poll(Queue *q)
{
    SimTime now = sim_now(world_sim(q->w));
    while (q->n_vis > 0) {
        if (q->window_us > 0 && q->window_end < 0) {
            q->window_end = now + q->window_us;
            world_schedule(q->w, q->window_end, EV_QUEUE_POLL, NULL, 0);
        }
        int ready = q->n_vis >= q->spec->batch_size || q->window_us == 0 ||
                    now >= q->window_end;
        if (!ready || !can_invoke(q))
            return;
        invoke(q, q->n_vis < q->spec->batch_size ? q->n_vis
                                                 : q->spec->batch_size);
    }
}

/* When a message failed at `now` on its k-th receive becomes visible. */
static SimTime return_time(const Queue *q, const Request *m, SimTime received,
                           SimTime now)
{
    SimTime t = received + q->visibility_us;
    if (t < now) /* it ran past its visibility (a long cold start) */
        t = now;
    if (q->spec->backoff_s > 0) {
        double s = q->spec->backoff_s *
                   pow(q->spec->backoff_factor, (double)(m->receives - 1));
        SimTime b = now + time_from_s(s < 43200 ? s : 43200);
        if (b > t)
            t = b;
    }
    return t;
}

/* A failed batch: its messages return in groups of equal return times. */
static void fail_batch(Queue *q, const QueueInv *inv, SimTime now)
{
    Request *m = inv->head, *group = NULL, *tail = NULL;
    SimTime t_group = -1;
    while (m != NULL) {
        Request *next = m->next;
        SimTime t = return_time(q, m, inv->received, now);
        if (group != NULL && t != t_group) {
            world_schedule(q->w, t_group, EV_QUEUE_RETURN, group, 0);
            group = NULL;
        }
        m->next = NULL;
        if (group == NULL) {
            group = m;
            t_group = t;
        } else {
            tail->next = m;
        }
        tail = m;
        m = next;
    }
    if (group != NULL)
        world_schedule(q->w, t_group, EV_QUEUE_RETURN, group, 0);
    q->n_returning += inv->n;
}

static void succeed_batch(Queue *q, const QueueInv *inv, const Request *c)
{
    for (Request *m = inv->head, *next; m != NULL; m = next) {
        next = m->next;
        m->next = NULL;
        m->start = c->start;
        m->bound_at = c->bound_at;
        m->cold = c->cold;
        world_end_request(q->w, m, REQ_COMPLETED);
    }
}

static void queue_carrier_ended(void *st, Request *c, ReqOutcome outcome)
{
    Queue *q = st;
    SimTime now = sim_now(world_sim(q->w));
    int slot = (int)c->id;
    QueueInv inv = q->inv[slot];
    q->free_slots[q->n_free++] = slot;
    q->in_flight--;
    q->n_flight_msgs -= inv.n;
    int ok = outcome == REQ_COMPLETED;
    if (ok && q->spec->failure_prob > 0)
        ok = gsl_rng_uniform(q->r) >= q->spec->failure_prob;
    if (ok)
        succeed_batch(q, &inv, c);
    else
        fail_batch(q, &inv, now);
    if (q->n_vis > 0) /* after the pool has finished with its slot */
        world_schedule(q->w, now, EV_QUEUE_POLL, NULL, 0);
}

/* Messages whose visibility ended: visible again, or dead-lettered. */
static void on_return(Queue *q, Request *m)
{
    for (Request *next; m != NULL; m = next) {
        next = m->next;
        q->n_returning--;
        if (m->receives >= q->spec->max_receives) {
            m->next = NULL;
            world_end_request(q->w, m, REQ_REJECTED);
        } else {
            push_visible(q, m);
        }
    }
    poll(q);
}

static void *queue_create(World *w, const AltSpec *a)
{
    Queue *q = xcalloc(1, sizeof *q);
    q->w = w;
    q->alt = a;
    q->spec = &a->queue;
    q->self = world_component_of(w, &platform_queue); /* added before create */
    q->srv = world_component_of(w, &platform_serverless);
    assert(q->srv >= 0); /* the pool is created first */
    const RunConfig *rc = world_config(w);
    q->r = rng_create(rc->seed, rc->rep, RNG_QUEUE, 0);
    double vcpus = spec_instance_shape(a).vcpus;
    q->cpu_factor = spec_cpu_class(a->hardware)
                        ? spec_cpu_factor(a->hw.ref_vcpus, vcpus)
                        : 1.0;
    q->window_us = time_from_s(a->queue.batch_window_s);
    q->visibility_us = time_from_s(a->queue.visibility_s);
    q->window_end = -1;
    return q;
}

static void queue_destroy(void *st)
{
    Queue *q = st;
    if (q == NULL)
        return;
    gsl_rng_free(q->r);
    free(q->inv);
    free(q->free_slots);
    free(q);
}

static void queue_route(void *st, Request *req)
{
    Queue *q = st;
    push_visible(q, req);
    poll(q);
}

static int queue_accepts(const void *st)
{
    (void)st;
    return 1; /* a queue takes every message */
}

static double queue_expected_wait_s(const void *st)
{
    (void)st;
    return 0.0;
}

static void queue_handle(void *st, const Event *ev)
{
    Queue *q = st;
    if (ev->kind == EV_QUEUE_RETURN)
        on_return(q, ev->obj);
    else
        poll(q);
}

static int queue_queued(const void *st)
{
    const Queue *q = st;
    long n = q->n_vis + q->n_flight_msgs + q->n_returning;
    return n < INT32_MAX ? (int)n : INT32_MAX;
}

static int queue_check(const void *st, char *msg, size_t size)
{
    const Queue *q = st;
    int n = 0;
    for (const Request *m = q->vis_head; m != NULL; m = m->next)
        n++;
    if (n != q->n_vis || q->in_flight < 0 || q->n_flight_msgs < 0 ||
        q->n_returning < 0) {
        snprintf(msg, size,
                 "queue: %d visible listed, %d counted; %d invocations, %ld "
                 "messages in them, %ld returning",
                 n, q->n_vis, q->in_flight, q->n_flight_msgs, q->n_returning);
        return -1;
    }
    return 0;
}

static void queue_warmup(void *st, SimTime now)
{
    (void)st;
    (void)now;
}

static double queue_cost_usd(void *st, SimTime now, int final,
                             int since_warmup, double *v)
{
    (void)st;
    (void)now;
    (void)final;
    (void)since_warmup;
    (void)v;
    return 0.0; /* SQS requests: not billed (see the top of the file) */
}

static void queue_stats(void *st, SimTime h, double *v, FILE *fn_out)
{
    (void)st;
    (void)h;
    (void)v;
    (void)fn_out;
}

static int64_t queue_server_id(const void *st, const Request *req)
{
    (void)st;
    (void)req;
    return -1;
}

static uint64_t queue_served(const void *st)
{
    (void)st;
    return 0; /* its invocations count as the pool's */
}

const PlatformOps platform_queue = {
    .name = "queue",
    .events = EV_BIT(EV_QUEUE_POLL) | EV_BIT(EV_QUEUE_RETURN),
    .vm_served = 0,
    .create = queue_create,
    .destroy = queue_destroy,
    .route = queue_route,
    .accepts = queue_accepts,
    .expected_wait_s = queue_expected_wait_s,
    .handle = queue_handle,
    .queued = queue_queued,
    .prefetch = NULL,
    .warm = NULL,
    .check = queue_check,
    .warmup = queue_warmup,
    .close = NULL,
    .bill_partial = NULL,
    .cost_usd = queue_cost_usd,
    .stats = queue_stats,
    .server_id = queue_server_id,
    .served = queue_served,
    .llm_stats = NULL,
    .carrier_ended = queue_carrier_ended,
};

/*
 * world.c - one run: arrivals, routing between platform components,
 * dispatch, the horizon, conservation and the run's summary (see world.h).
 *
 * The World keeps the next arrival in the engine's slot beside the queue
 * (sim_schedule_next: a push and a pop saved per request) and the one
 * after it pulled ahead (advance_arrivals), so the queue holds only live
 * work: one completion per request in service, at most one timer per
 * instance, and a handful of control events.
 *
 * Sub-worlds (host.h; a composite's parts, platform/compose.c) are Worlds
 * without arrivals, pool or engine of their own: they schedule on the
 * root's engine with their tag in the event kind's high bits, and the
 * root's handler strips it and dispatches the event as the sub-world's.
 * The priority is the untagged kind's, so the order of events at equal
 * times is the same as in one World.
 */
#include "world.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "../core/rng.h"
#include "../output/sink.h"
#include "../output/stats.h"
#include "../output/timeseries.h"
#include "../util/xalloc.h"

#define PRIO(kind) ((unsigned)(kind))

void world_schedule(World *w, SimTime t, uint32_t kind, void *obj,
                    uint32_t epoch)
{
    /* a sub-world's events carry its tag, so the root hands them back */
    sim_schedule(w->sim, t, PRIO(kind), kind | w->tag << WORLD_TAG_SHIFT, obj,
                 epoch);
}

SimTime world_service_us(const Request *req, const HwProfile *hw, int batch,
                         double cpu_factor)
{
    if (req->given_us >= 0 && batch <= 1)
        return req->given_us; /* the trace's own duration, as measured */
    double x;
    if (hw->warm_affine) { /* lognormal, median a + c b: no Dist copy */
        double median = hw->warm_a_s + hw->warm_c_s * (batch > 0 ? batch : 1);
        if (hw->per_token && req->output_tokens >= 0) /* an LLM request */
            median = hw->warm_a_s +
                     hw->prompt_s_per_token * (req->prompt_tokens > 0
                                                   ? req->prompt_tokens
                                                   : 0) +
                     hw->output_s_per_token * req->output_tokens;
        x = hw->warm_sigma > 0
                ? median * exp(hw->warm_sigma *
                               gsl_cdf_ugaussian_Pinv(req->u_service))
                : median;
    } else {
        x = dist_quantile_s(&hw->warm, req->u_service);
    }
    x *= cpu_factor;
    return x > 0 ? time_from_s(x) : 0;
}

SimTime world_start_batch(World *w, Request *first, int b, SimTime run_us,
                          SimTime timeout_us, int on_provisioned,
                          uint64_t *served)
{
    SimTime now = sim_now(w->sim);
    int timed_out = timeout_us > 0 && run_us > timeout_us;
    if (timed_out)
        run_us = timeout_us;
    for (Request *req = first, *next; req != NULL; req = next) {
        next = req->next;
        req->next = NULL;
        req->start = now;
        req->run_us = req->service_us = run_us;
        req->batch = (uint16_t)b;
        req->batch_leader = req == first;
        /* (done_epoch: set by the VM fleet for its batches, else 0) */
        req->on_provisioned = (uint8_t)on_provisioned;
        if (timed_out)
            req->outcome = REQ_TIMED_OUT; /* recorded at DONE */
        (*served)++;
        world_schedule(w, now + run_us, EV_DONE, req, req->done_epoch);
    }
    w->batches++;
    w->batched += (uint64_t)b;
    return run_us;
}

/* Streams one ended request to the run's request sink. */
static void record(World *w, const Request *req, SimTime now)
{
    ReqRecord r;
    memset(&r, 0, sizeof r); /* its padding is written to requests.h5 too */
    r.arrival_s = time_to_s(req->arrival);
    r.alternative = w->rc->alt_index;
    r.replication = (int32_t)w->rc->rep;
    r.outcome = req->outcome;
    r.cold = (int8_t)req->cold;
    r.on_vm = req->where == REQ_AT_VM;
    SimTime cold_wait = req->cold && req->start >= 0 ? req->start - req->bound_at
                                                     : 0;
    r.cold_wait_ms = time_to_ms(cold_wait);
    r.queue_wait_ms = req->start >= 0
                          ? time_to_ms(req->start - req->arrival - cold_wait)
                          : (double)NAN;
    r.latency_ms = req->outcome == REQ_COMPLETED
                       ? time_to_ms(now - req->arrival)
                       : (double)NAN;
    r.ttft_ms = req->first_token_us >= 0
                    ? time_to_ms(req->first_token_us - req->arrival)
                    : (double)NAN;
    r.prompt_tokens = req->prompt_tokens;
    r.output_tokens = req->tokens_out_done > 0 ? req->tokens_out_done
                      : req->first_token_us >= 0 ? req->output_tokens
                                                 : 0;
    r.server = -1;
    if (req->where != REQ_AT_NONE) {
        const World *hw = req->tag ? w->sub[req->tag - 1] : w;
        const WorldComponent *c = &hw->comp[req->comp];
        r.server = c->ops->server_id(c->state, req);
    }
    w->rc->req_sink->write(w->rc->req_sink_state, &r);
}

static void mser_log(MserLog *log, double latency_ms, SimTime now)
{
    if (log->m >= MSER_MAX_BATCHES)
        return;
    log->sum += latency_ms;
    if (++log->in_batch == 5) {
        log->z[log->m] = log->sum / 5;
        log->t[log->m] = now;
        log->m++;
        log->sum = 0;
        log->in_batch = 0;
    }
}

/* req has ended: its sequence (if an llm engine held it) and itself go
 * back to their pools. */
static void release_request(World *w, Pool *pool, Request *req)
{
    if (req->seq != NULL)
        world_seq_put(w, req);
    req->live = 0;
    pool_put(pool, req);
}

/* A carrier's end goes to the component that made it. */
static void end_carrier(World *w, Request *req, ReqOutcome outcome)
{
    const WorldComponent *c = &w->comp[req->carrier - 1];
    req->outcome = (uint8_t)outcome;
    c->ops->carrier_ended(c->state, req, outcome);
    release_request(w, &w->req_pool, req);
}

/* API gateway (AddonSpec): a request that completes after the gateway's
 * integration timeout has failed for its client (the gateway answered
 * 504 at the timeout), while the function ran on and is billed: it stays
 * completed in the outcome counts and is counted in gateway_timeouts. */
static void gateway_end(World *w, const Request *req, ReqOutcome outcome)
{
    const AddonSpec *ad = &w->alt->addon;
    if (!ad->gateway || outcome != REQ_COMPLETED || req->arrival < w->warmup)
        return;
    if (sim_now(w->sim) - req->arrival > time_from_s(ad->gw_timeout_s))
        w->gw_timeouts++;
}

/* Dollars of the gateway calls since time 0, or since the warm-up point,
 * over a span of `span` (the monthly tiers). */
static double gateway_usd(const World *w, SimTime span, int since_warmup)
{
    const AddonSpec *ad = &w->alt->addon;
    if (!ad->gateway)
        return 0;
    uint64_t calls = w->gw_calls - (since_warmup ? w->gw_calls_w : 0);
    return pricing_gateway_usd(&ad->gw, (double)calls,
                               time_to_s(span) / (30.0 * 86400.0));
}

void world_end_request(World *w, Request *req, ReqOutcome outcome)
{
    if (req->carrier) {
        end_carrier(w, req, outcome);
        return;
    }
    req->outcome = (uint8_t)outcome;
    if (w->on_end != NULL) { /* a sub-world: its part ends, not the request */
        metrics_end(w->m, req, sim_now(w->sim));
        if (w->rc->observe != NULL)
            w->rc->observe(w->rc->observe_ctx, req, sim_now(w->sim));
        w->on_end(w->on_end_ctx, req, outcome);
        return;
    }
    gateway_end(w, req, outcome);
    if (w->rc->mser != NULL && outcome == REQ_COMPLETED)
        mser_log(w->rc->mser, time_to_ms(sim_now(w->sim) - req->arrival),
                 sim_now(w->sim));
    metrics_end(w->m, req, sim_now(w->sim));
    if (w->rc->req_sink != NULL)
        record(w, req, sim_now(w->sim));
    if (w->rc->observe != NULL)
        w->rc->observe(w->rc->observe_ctx, req, sim_now(w->sim));
    release_request(w, &w->req_pool, req);
}

/* ---- arrivals and routing --------------------------------------------- */

/* Pulls the generator's next arrival into *p. */
static void pull_arrival(World *w, PendingArrival *p)
{
    p->t = w->arr_type->next(&w->arr, w->rc->wl, w->r_arr);
    p->dur_s = w->arr.dur_s; /* these belong to the arrival at t */
    p->fn = w->arr.function >= 0 && w->arr.function < w->n_fn
                ? w->arr.function
                : 0;
    p->prompt = w->arr.prompt_tokens;
    p->output = w->arr.output_tokens;
}

/* `ahead` becomes `next`, in the engine's slot, and the arrival after it
 * is pulled as the new `ahead`.  Pulling one ahead lets its function's
 * state be fetched an arrival early, and the function's first instance
 * when it is `next` (two steps, as the second address is read from the
 * first); the generator is pulled exactly as often as with one pending
 * arrival, in the same order. */
static void advance_arrivals(World *w)
{
    w->next = w->ahead;
    if (w->next.t >= w->rc->horizon)
        return;
    /* the only EV_ARRIVAL: it may skip the heap */
    sim_schedule_next(w->sim, w->next.t, PRIO(EV_ARRIVAL), EV_ARRIVAL, NULL,
                      0);
    pull_arrival(w, &w->ahead);
    for (int i = 0; i < w->n_comp; i++)
        if (w->comp[i].ops->prefetch != NULL)
            w->comp[i].ops->prefetch(w->comp[i].state, w->next.fn,
                                     w->ahead.fn);
}

/* Hybrid: the base component (the VM fleet) if it can take the request
 * now (or soon enough), else the overflow (serverless). */
static int hybrid_wants_base(const World *w)
{
    const WorldComponent *base = &w->comp[w->route_base];
    if (base->ops->accepts(base->state))
        return 1;
    return w->alt->overflow == OVERFLOW_EXPECTED_WAIT &&
           base->ops->expected_wait_s(base->state) <= w->alt->overflow_wait_s;
}

/* Sends a request to the platform component that takes it now. */
static void route(World *w, Request *req)
{
    int i = w->route_base;
    if (w->route_overflow != w->route_base && !hybrid_wants_base(w))
        i = w->route_overflow;
    req->comp = (uint8_t)i;
    w->comp[i].ops->route(w->comp[i].state, req);
}

/* Forgets where req was placed and how it was served. */
static void forget_placement(Request *req)
{
    req->next = NULL;
    req->inst = NULL;
    req->vm = NULL;
    req->bound_at = -1;
    req->start = -1;
    req->run_us = 0;
    req->init_billed_us = 0;
    req->done_epoch = 0; /* the DONE of the lost service is stale */
    req->cold = 0;
    req->outcome = REQ_PENDING;
    req->on_provisioned = 0;
    req->where = REQ_AT_NONE;
    req->batch = 0;
    req->batch_leader = 0;
    req->tokens_out_done = 0; /* its tokens are generated again */
    req->first_token_us = -1;
}

void world_retry_request(World *w, Request *req)
{
    assert(req->live);
    forget_placement(req);
    route(w, req);
}

int world_component_of(const World *w, const PlatformOps *ops)
{
    for (int i = 0; i < w->n_comp; i++)
        if (w->comp[i].ops == ops)
            return i;
    return -1;
}

Request *world_carrier_new(World *w, int owner)
{
    Request *req = pool_get(&w->req_pool);
    req->carrier = (uint8_t)(owner + 1);
    req->bound_at = -1;
    req->start = -1;
    req->given_us = -1;
    req->prompt_tokens = req->output_tokens = -1;
    req->first_token_us = -1;
    req->live = 1;
    return req;
}

void world_carrier_route(World *w, int to, Request *req)
{
    req->comp = (uint8_t)to;
    w->comp[to].ops->route(w->comp[to].state, req);
}

void world_count_batch(World *w, int n)
{
    w->batches++;
    w->batched += (uint64_t)n;
}

static void on_arrival(World *w)
{
    double given_s = w->next.dur_s;
    long prompt = w->next.prompt, output = w->next.output;
    int fn = w->next.fn;
    advance_arrivals(w);
    Request *req = pool_get(&w->req_pool);
    req->id = w->next_req_id++;
    req->arrival = req->origin = sim_now(w->sim);
    req->bound_at = -1;
    req->start = -1;
    req->u_service = rng_uniform_pos(w->r_svc);
    req->fn = (uint32_t)fn;
    req->given_us = isnan(given_s) ? -1 : time_from_s(given_s);
    req->prompt_tokens = (int32_t)(prompt > INT32_MAX ? INT32_MAX : prompt);
    req->output_tokens = (int32_t)(output > INT32_MAX ? INT32_MAX : output);
    req->first_token_us = -1;
    req->live = 1;
    metrics_arrival(w->m, req->arrival);
    if (w->alt->addon.gateway)
        w->gw_calls += (uint64_t)pricing_gateway_calls(
            &w->alt->addon.gw, w->alt->addon.request_kb +
                                   w->alt->addon.response_kb);
    route(w, req);
}

/* ---- timeseries ----------------------------------------------------- */

/* Cost accrued over [0, now), open periods unrounded: the timeseries rows
 * before the last.  The last row carries the final cost instead
 * (world_finish), so it equals the summary's when nothing is deleted as
 * warm-up. */
static double cost_so_far(World *w, SimTime now)
{
    double usd = 0;
    for (int i = 0; i < w->n_comp; i++)
        usd += w->comp[i].ops->cost_usd(w->comp[i].state, now, 0, 0, NULL);
    return usd + gateway_usd(w, now, 0);
}

static void write_window(World *w, const TsRow *row)
{
    if (w->rc->ts_out != NULL)
        ts_write_row(w->rc->ts_out, w->alt->name, w->rc->rep, row,
                     w->rc->llm, w->rc->queue);
}

/* Closes the timeseries window ending at `now` into *row. */
static void close_window(World *w, SimTime now, TsRow *row)
{
    LlmRunStats st;
    metrics_window(w->m, now, row);
    int q = world_component_of(w, &platform_queue);
    row->backlog = q >= 0 ? w->comp[q].ops->queued(w->comp[q].state) : 0;
    world_llm_stats(w, now, &st);
    metrics_llm_window(w->m, &st, row);
}

static void on_sample(World *w)
{
    SimTime now = sim_now(w->sim);
    TsRow row;
    close_window(w, now, &row);
    row.cost_usd = cost_so_far(w, now);
    write_window(w, &row);
    SimTime next = now + w->rc->ts_interval;
    if (next < w->rc->horizon)
        world_schedule(w, next, EV_SAMPLE, NULL, 0);
}

/* ---- dispatch ------------------------------------------------------- */

/* The warm-up point: integrals and costs count from here. */
static void on_warmup(World *w)
{
    SimTime now = sim_now(w->sim);
    metrics_warmup(w->m, now);
    w->gw_calls_w = w->gw_calls;
    for (int i = 0; i < w->n_comp; i++)
        w->comp[i].ops->warmup(w->comp[i].state, now);
    LlmRunStats st;
    world_llm_stats(w, now, &st);
    metrics_llm_warmup(w->m, &st);
}

/* The component of a DONE's request, or NULL when the DONE is stale (its
 * VM was interrupted: the request may since be pooled again). */
static const WorldComponent *done_owner(const World *w, const Event *ev)
{
    const Request *req = ev->obj;
    if (ev->epoch != req->done_epoch)
        return NULL;
    return &w->comp[req->comp];
}

/* The component that handles events of `kind` (not DONE), or NULL: the
 * world's own kinds. */
static const WorldComponent *kind_owner(const World *w, uint32_t kind)
{
    if (kind < EV_NKINDS && w->owner[kind] < w->n_comp)
        return &w->comp[w->owner[kind]];
    return NULL;
}

/* The sub-world a tagged event belongs to (kind >> WORLD_TAG_SHIFT != 0),
 * with the event copied into *e without its tag. */
static World *untag(World *w, const Event *ev, Event *e)
{
    uint32_t tag = ev->kind >> WORLD_TAG_SHIFT;
    assert(tag != 0 && tag <= (uint32_t)w->n_sub);
    *e = *ev;
    e->kind &= ((uint32_t)1 << WORLD_TAG_SHIFT) - 1;
    return w->sub[tag - 1];
}

/* Runs one event of w's own (untagged) kinds. */
static void dispatch(World *w, const Event *ev)
{
    switch (ev->kind) {
    case EV_WARMUP:
        on_warmup(w);
        break;
    case EV_SAMPLE:
        on_sample(w);
        break;
    case EV_ARRIVAL:
        on_arrival(w);
        break;
    case EV_DONE: {
        const WorldComponent *c = done_owner(w, ev);
        if (c == NULL) {
            w->stale++;
            break;
        }
        c->ops->handle(c->state, ev);
        break;
    }
    default: {
        const WorldComponent *c = kind_owner(w, ev->kind);
        assert(c != NULL);
        c->ops->handle(c->state, ev);
    }
    }
}

/* The Sim's warm hint: ev comes due soon; its component may ask for what
 * its handler reads (nothing for a stale DONE or the world's own kinds). */
static void warm(void *model, const Event *ev)
{
    World *w = model;
    Event e;
    if (ev->kind >> WORLD_TAG_SHIFT != 0) {
        w = untag(w, ev, &e);
        ev = &e;
    }
    const WorldComponent *c =
        ev->kind == EV_DONE ? done_owner(w, ev) : kind_owner(w, ev->kind);
    if (c != NULL && c->ops->warm != NULL)
        c->ops->warm(c->state, ev);
}

static void handle(void *model, Sim *sim, const Event *ev)
{
    World *w = model;
    (void)sim;
    if (ev->kind >> WORLD_TAG_SHIFT == 0) {
        dispatch(w, ev);
    } else { /* a sub-world's event, without its tag */
        Event e;
        World *sub = untag(w, ev, &e);
        dispatch(sub, &e);
    }
    size_t pending = sim_pending(w->sim);
    if (pending > w->peak_pending)
        w->peak_pending = pending;
}

/* ---- life cycle ------------------------------------------------------ */

/* Adds the component named `name`; returns its index. */
static int add_component(World *w, const char *name, const AltSpec *a)
{
    const PlatformOps *ops = platform_find(name);
    assert(ops != NULL && w->n_comp < WORLD_MAX_COMPONENTS);
    int i = w->n_comp++;
    w->comp[i].ops = ops;
    w->comp[i].state = ops->create(w, a);
    for (unsigned k = 0; k < EV_NKINDS; k++)
        if (k != EV_DONE && (ops->events & EV_BIT(k))) {
            assert(w->owner[k] == UINT8_MAX); /* one owner per kind */
            w->owner[k] = (uint8_t)i;
        }
    if (ops == &platform_serverless)
        w->srv = w->comp[i].state;
    return i;
}

/* The alternative's components: the serverless pool is created first (its
 * provisioned instances and first events come before the fleet's), and a
 * hybrid routes to the VM fleet first. */
static void create_components(World *w, const AltSpec *a)
{
    memset(w->owner, UINT8_MAX, sizeof w->owner);
    int srv = -1, vm = -1;
    static const char *const single[] = {
        [PLATFORM_API] = "api", [PLATFORM_PIPELINE] = "pipeline",
        [PLATFORM_ROLLOUT] = "rollout"};
    if (a->kind == PLATFORM_API || a->kind == PLATFORM_PIPELINE ||
        a->kind == PLATFORM_ROLLOUT) {
        w->route_base = w->route_overflow = add_component(w, single[a->kind],
                                                          a);
        return;
    }
    if (a->kind == PLATFORM_KNATIVE) {
        w->route_base = w->route_overflow = add_component(w, "knative", a);
        return;
    }
    if (a->kind != PLATFORM_VM)
        srv = add_component(w, "serverless", a);
    if (a->queue.enabled) { /* arrivals go to the queue in front */
        w->route_base = w->route_overflow = add_component(w, "queue", a);
        return;
    }
    if (a->kind != PLATFORM_SERVERLESS)
        vm = add_component(w, "vm", a);
    w->route_base = vm >= 0 ? vm : srv;
    w->route_overflow = srv >= 0 ? srv : vm;
}

World *world_create(const RunConfig *rc)
{
    const AltSpec *a = rc->alt;
    World *w = xcalloc(1, sizeof *w);
    w->rc = rc;
    w->alt = a;
    w->root = w;
    w->sim = sim_create(handle, w);
    sim_set_warm(w->sim, warm);
    w->m = metrics_create(rc->slo);
    w->m->windows = rc->ts_interval > 0;
    metrics_llm_slo(w->m, rc->slo_ttft, rc->slo_tpot);
    pool_init(&w->req_pool, sizeof(Request), 1024);
    pool_init(&w->seq_pool, sizeof(LlmSeq), 256);
    w->r_arr = rng_create(rc->seed, rc->rep, RNG_ARRIVALS, 0);
    w->r_svc = rng_create(rc->seed, rc->rep, RNG_SERVICE, 0);
    w->r_cold = rng_create(rc->seed, rc->rep, RNG_COLDSTART, 0);
    w->arr_type = arrivals_find(rc->wl->type);
    assert(w->arr_type != NULL); /* config validated the name */
    w->arr_type->init(&w->arr, rc->wl, w->r_arr);
    w->n_fn = 1;
    if (w->arr_type->functions != NULL) {
        int n = w->arr_type->functions(&w->arr, rc->wl);
        w->n_fn = n > 0 ? n : 1;
    }
    if (rc->warmup.method == WARMUP_FIXED) {
        w->warmup = time_from_s(rc->warmup.warmup_s);
        if (w->warmup > rc->horizon)
            w->warmup = rc->horizon;
    }
    create_components(w, a);
    w->m->warmup = w->warmup;
    if (w->warmup > 0)
        world_schedule(w, w->warmup, EV_WARMUP, NULL, 0);
    pull_arrival(w, &w->ahead); /* the first arrival */
    advance_arrivals(w);
    if (rc->ts_interval > 0 && rc->ts_interval < rc->horizon)
        world_schedule(w, rc->ts_interval, EV_SAMPLE, NULL, 0);
    return w;
}

Sim *world_sim(World *w) { return w->sim; }
Metrics *world_metrics(World *w) { return w->m; }
const RunConfig *world_config(const World *w) { return w->rc; }
SimTime world_warmup(const World *w) { return w->warmup; }
gsl_rng *world_cold_rng(World *w) { return w->r_cold; }
void world_count_stale(World *w) { w->stale++; }
int world_functions(const World *w) { return w->n_fn; }

World *world_root(World *w) { return w->root; }

uint32_t world_done_epoch(World *w)
{
    uint32_t e = ++w->root->done_epochs;
    if (e == 0) /* 0 is no DONE's (forget_placement) */
        e = ++w->root->done_epochs;
    return e;
}

Request *world_branch_create(World *w, Request *req)
{
    World *root = w->root;
    Request *b = pool_get(&root->req_pool);
    b->id = req->id;
    b->arrival = b->origin = req->origin;
    b->bound_at = b->start = -1;
    b->u_service = req->u_service;
    b->fn = req->fn;
    b->given_us = req->given_us;
    b->prompt_tokens = req->prompt_tokens;
    b->output_tokens = req->output_tokens;
    b->first_token_us = -1;
    b->live = 1;
    b->parent = req;
    return b;
}

void world_branch_free(World *w, Request *branch)
{
    assert(branch->parent != NULL);
    release_request(w, &w->root->req_pool, branch);
}

LlmSeq *world_seq_get(World *w, Request *req)
{
    if (req->seq == NULL)
        req->seq = pool_get(&w->root->seq_pool);
    return req->seq;
}

void world_seq_put(World *w, Request *req)
{
    pool_put(&w->root->seq_pool, req->seq);
    req->seq = NULL;
}

double world_function_memory_mb(World *w, int fn)
{
    w = w->root;
    return w->arr_type->function_memory_mb != NULL
               ? w->arr_type->function_memory_mb(&w->arr, fn)
               : 0.0;
}

/* A function's id as the world names it: the trace's, else (none given)
 * the model's name. */
static const char *id_or_model(const RunConfig *rc, const char *id)
{
    if (id != NULL)
        return id;
    return rc->model_name != NULL ? rc->model_name : "";
}

void world_function_names(World *w, int fn, const char **app,
                          const char **id)
{
    w = w->root;
    *app = "";
    *id = NULL;
    if (w->arr_type->function_ids != NULL)
        w->arr_type->function_ids(&w->arr, w->rc->wl, fn, app, id);
    *id = id_or_model(w->rc, *id);
}

void world_census(World *w,
                  void (*visit)(void *ctx, int fn, uint64_t arrivals,
                                const char *app, const char *id),
                  void *ctx)
{
    const RunConfig *rc = w->rc;
    gsl_rng *r = rng_create(rc->seed, rc->rep, RNG_ARRIVALS, 0);
    ArrivalState st;
    memset(&st, 0, sizeof st);
    w->arr_type->init(&st, rc->wl, r);
    uint64_t *count = xcalloc((size_t)w->n_fn, sizeof *count);
    for (;;) {
        SimTime t = w->arr_type->next(&st, rc->wl, r);
        if (t >= rc->horizon)
            break;
        count[st.function >= 0 && st.function < w->n_fn ? st.function : 0]++;
    }
    for (int fn = 0; fn < w->n_fn; fn++) {
        const char *app = "", *id = NULL;
        if (w->arr_type->function_ids != NULL)
            w->arr_type->function_ids(&st, rc->wl, fn, &app, &id);
        visit(ctx, fn, count[fn], app, id_or_model(rc, id));
    }
    free(count);
    if (w->arr_type->fini != NULL)
        w->arr_type->fini(&st);
    gsl_rng_free(r);
}

/* world_each_function_name's visit, with ids as world_function_names
 * gives them. */
typedef struct NameVisit {
    const RunConfig *rc;
    void (*visit)(void *ctx, int fn, const char *app, const char *id);
    void *ctx;
} NameVisit;

static void visit_name(void *ctx, int fn, const char *app, const char *id)
{
    NameVisit *nv = ctx;
    nv->visit(nv->ctx, fn, app, id_or_model(nv->rc, id));
}

void world_each_function_name(World *w,
                              void (*visit)(void *ctx, int fn,
                                            const char *app, const char *id),
                              void *ctx)
{
    NameVisit nv = {w->rc, visit, ctx};
    workload_each_function_name(w->rc->wl, w->rc->seed, w->rc->rep,
                                visit_name, &nv);
}

void world_each_request(World *w, void (*visit)(void *obj, void *arg),
                        void *arg)
{
    pool_each(&w->root->req_pool, visit, arg);
}

void world_llm_stats(World *w, SimTime now, LlmRunStats *st)
{
    memset(st, 0, sizeof *st);
    for (int i = 0; i < w->n_comp; i++)
        if (w->comp[i].ops->llm_stats != NULL)
            w->comp[i].ops->llm_stats(w->comp[i].state, now, st);
}

int world_check(const World *w, char *msg, size_t size)
{
    for (int i = 0; i < w->n_comp; i++) {
        const WorldComponent *c = &w->comp[i];
        if (c->ops->check != NULL && c->ops->check(c->state, msg, size) < 0)
            return -1;
    }
    return 0;
}

WorldState world_state(const World *w)
{
    WorldState st;
    st.starting = w->m->n[INST_STARTING];
    st.idle = w->m->n[INST_IDLE];
    st.busy = w->m->n[INST_BUSY];
    st.vm_booting = w->m->vm_n[INST_STARTING];
    st.vm_ready = w->m->vm_n[INST_IDLE] + w->m->vm_n[INST_BUSY];
    st.queued = 0;
    for (int i = 0; i < w->n_comp; i++)
        st.queued += w->comp[i].ops->queued(w->comp[i].state);
    st.live_requests = w->req_pool.live;
    return st;
}

/* Requests still live at the horizon become unfinished; the ones that had
 * started are billed for what they ran (an invocation that began is paid
 * for; VMs are billed by their lives, not per request).  They are found by
 * walking the request pool (no list of live requests is kept: its links
 * would cost two cache misses per request at Azure scale). */
typedef struct Unfinished {
    World *w;
    SimTime horizon;
    uint64_t n, pre; /* measured, and arrived before the warm-up point */
} Unfinished;

static void close_one(void *obj, void *arg)
{
    Request *req = obj;
    Unfinished *u = arg;
    World *w = u->w;
    if (!req->live)
        return;
    World *hw = req->tag ? w->sub[req->tag - 1] : w; /* who holds it */
    if (req->start >= 0 && req->where != REQ_AT_NONE) {
        const WorldComponent *c = &hw->comp[req->comp];
        if (c->ops->bill_partial != NULL)
            c->ops->bill_partial(c->state, req, u->horizon - req->start);
    }
    if (hw != w && !req->carrier) { /* unfinished in its sub-world too */
        if (req->arrival < hw->warmup)
            hw->sub_pre_unfinished++;
        else
            hw->sub_unfinished++;
        req->arrival = req->origin;
    }
    /* a queue's invocation (its messages are counted on their own), or a
     * branch (its request counts for it) */
    if (req->carrier || req->parent != NULL) {
        req->live = 0;
        pool_put(&w->req_pool, req);
        return;
    }
    req->live = 0;
    req->outcome = REQ_UNFINISHED;
    if (w->rc->req_sink != NULL)
        record(w, req, u->horizon);
    req->tag = 0;
    if (req->arrival < w->warmup)
        u->pre++;
    else
        u->n++;
    pool_put(&w->req_pool, req);
}

static uint64_t close_unfinished(World *w, SimTime horizon, uint64_t *pre)
{
    Unfinished u = {w, horizon, 0, 0};
    pool_each(&w->req_pool, close_one, &u);
    *pre = u.pre;
    return u.n;
}

/* Conservation (DESIGN.md section 3): counted in four places -- for the
 * requests measured, and apart for those deleted as warm-up.  A violation
 * is a bug: it aborts. */
static void check_conservation(const World *w, uint64_t unfinished,
                               uint64_t pre_unfinished)
{
    const Metrics *m = w->m;
    if (m->arrivals != m->completed + m->rejected + m->timed_out + unfinished ||
        m->pre_arrivals != m->pre_ended + pre_unfinished) {
        fprintf(stderr,
                "simsrv: BUG: conservation violated%s%s: %" PRIu64
                " arrivals != %" PRIu64 " completed + %" PRIu64
                " rejected + %" PRIu64 " timed out + %" PRIu64 " unfinished\n",
                w->tag ? " in part " : "", w->tag ? w->alt->name : "",
                m->arrivals, m->completed, m->rejected, m->timed_out,
                unfinished);
        abort();
    }
}

/* The summary of a closed World into *out; the last timeseries row waits
 * in *last_row for the final cost (NULL: none). */
static void summarize(World *w, SimTime h, uint64_t unfinished,
                      TsRow *last_row, RunResult *out)
{
    Metrics *m = w->m;
    memset(out, 0, sizeof *out);
    /* Integrals and costs over [warmup, horizon). */
    for (int st = 0; st < INST_NSTATES; st++) {
        m->state_us[st] -= m->state_us_w[st];
        m->vm_state_us[st] -= m->vm_state_us_w[st];
    }
    for (int k = 0; k < METRICS_BUSY_K; k++)
        m->busy_k_us[k] -= m->busy_k_us_w[k];
    double hus = (double)(h - w->warmup);
    double *v = out->v;
    v[MET_warmup_s] = time_to_s(w->warmup);
    v[MET_arrivals] = (double)m->arrivals;
    v[MET_completed] = (double)m->completed;
    v[MET_rejected] = (double)m->rejected;
    v[MET_timed_out] = (double)m->timed_out;
    v[MET_unfinished] = (double)unfinished;
    v[MET_cold_starts] = (double)m->instance_starts;
    v[MET_cold_pct] =
        m->completed ? 100.0 * (double)m->cold / (double)m->completed : 0.0;
    static const double ps[5] = {0.50, 0.90, 0.95, 0.99, 0.999};
    double qs[5];
    hist_quantiles(&m->lat, ps, 5, qs);
    v[MET_p50_ms] = qs[0] * 1e-3;
    v[MET_p90_ms] = qs[1] * 1e-3;
    v[MET_p95_ms] = qs[2] * 1e-3;
    v[MET_p99_ms] = qs[3] * 1e-3;
    v[MET_p999_ms] = qs[4] * 1e-3;
    v[MET_max_ms] = m->lat.n ? (double)m->lat.max * 1e-3 : 0.0;
    v[MET_mean_ms] = hist_mean(&m->lat) * 1e-3;
    v[MET_mean_queue_wait_ms] =
        m->completed ? m->queue_wait_us / (double)m->completed * 1e-3 : 0.0;
    v[MET_mean_cold_wait_ms] =
        m->cold ? m->cold_wait_us / (double)m->cold * 1e-3 : 0.0;
    static const double pc[3] = {0.50, 0.90, 0.99};
    hist_quantiles(&m->cold_wait, pc, 3, qs);
    v[MET_cold_wait_p50_ms] = qs[0] * 1e-3;
    v[MET_cold_wait_p90_ms] = qs[1] * 1e-3;
    v[MET_cold_wait_p99_ms] = qs[2] * 1e-3;
    v[MET_waited_pct] = m->completed ? 100.0 * (double)m->waited /
                                           (double)m->completed
                                     : 0.0;
    uint64_t ended = m->completed + m->rejected + m->timed_out;
    v[MET_slo_pct] = ended ? 100.0 * (double)m->slo_ok / (double)ended : 0.0;
    v[MET_busy_mean] = m->state_us[INST_BUSY] / hus;
    v[MET_idle_mean] = m->state_us[INST_IDLE] / hus;
    v[MET_starting_mean] = m->state_us[INST_STARTING] / hus;
    v[MET_instances_mean] =
        v[MET_busy_mean] + v[MET_idle_mean] + v[MET_starting_mean];
    v[MET_peak_instances] = (double)m->peak_alive;
    v[MET_vms_mean] = (m->vm_state_us[INST_STARTING] +
                       m->vm_state_us[INST_IDLE] + m->vm_state_us[INST_BUSY]) /
                      hus;
    v[MET_vm_peak] = (double)m->vm_peak;
    /* (a composite's stats sum its parts' instances and VMs into these) */
    uint64_t served = 0, served_vm = 0;
    for (int i = 0; i < w->n_comp; i++) {
        const WorldComponent *c = &w->comp[i];
        c->ops->stats(c->state, h, v, w->rc->fn_out);
        if (c->ops->parts != NULL)
            c->ops->parts(c->state, out);
        uint64_t n = c->ops->served(c->state);
        served += n;
        if (c->ops->vm_served)
            served_vm += n;
    }
    v[MET_served_vm_pct] =
        served ? 100.0 * (double)served_vm / (double)served : 0.0;
    v[MET_mean_batch] =
        w->batches ? (double)w->batched / (double)w->batches : 0.0;
    /* Costs: the whole run for the last timeseries row, then from the
     * warm-up point on, each component's parts into v. */
    double usd_all = 0, usd = 0;
    if (last_row != NULL) {
        for (int i = 0; i < w->n_comp; i++)
            usd_all += w->comp[i].ops->cost_usd(w->comp[i].state, h, 1, 0,
                                                NULL);
        last_row->cost_usd = usd_all + gateway_usd(w, h, 0);
        write_window(w, last_row);
    }
    for (int i = 0; i < w->n_comp; i++)
        usd += w->comp[i].ops->cost_usd(w->comp[i].state, h, 1, 1, v);
    v[MET_cost_gateway_usd] = gateway_usd(w, h - w->warmup, 1);
    v[MET_gateway_timeouts] = (double)w->gw_timeouts;
    v[MET_cost_usd] = usd + v[MET_cost_gateway_usd];
    v[MET_usd_per_1m] =
        m->arrivals ? v[MET_cost_usd] / (double)m->arrivals * 1e6 : 0.0;
    LlmRunStats llm_end;
    world_llm_stats(w, h, &llm_end);
    metrics_llm_result(m, &llm_end, time_to_s(h - w->warmup), v);
    if (m->llm.output_tokens > 0)
        v[MET_usd_per_1m_out] =
            v[MET_cost_usd] / (double)m->llm.output_tokens * 1e6;
    for (int k = 0; k < METRICS_BUSY_K; k++)
        out->busy_p[k] = m->busy_k_us[k] / hus;
    hist_quantiles(&m->lat, run_cdf_p, RUN_CDF_POINTS, out->lat_cdf_ms);
    for (int k = 0; k < RUN_CDF_POINTS; k++)
        out->lat_cdf_ms[k] *= 1e-3;
    out->events = sim_events(w->sim);
    out->stale_events = w->stale;
    out->peak_pending = w->peak_pending;
    out->cold_requests = m->cold;
}

void world_finish(World *w, RunResult *out)
{
    SimTime h = w->rc->horizon;
    Metrics *m = w->m;
    if (sim_now(w->sim) < h)
        sim_run(w->sim, h); /* moves the clock to h */
    for (int i = 0; i < w->n_comp; i++)
        if (w->comp[i].ops->close != NULL)
            w->comp[i].ops->close(w->comp[i].state, h);
    metrics_advance(m, h);
    /* The last window closes now; its row waits for the final cost. */
    TsRow last_row;
    int last_window = w->rc->ts_interval > 0 && m->win_t0 < h;
    if (last_window)
        close_window(w, h, &last_row);
    uint64_t pre_unfinished;
    uint64_t unfinished = close_unfinished(w, h, &pre_unfinished);
    check_conservation(w, unfinished, pre_unfinished);
    summarize(w, h, unfinished, last_window ? &last_row : NULL, out);
}

void world_destroy(World *w)
{
    if (w == NULL)
        return;
    assert(w->root == w); /* sub-worlds go by world_sub_destroy */
    for (int i = 0; i < w->n_comp; i++)
        w->comp[i].ops->destroy(w->comp[i].state);
    if (w->arr_type->fini != NULL)
        w->arr_type->fini(&w->arr);
    gsl_rng_free(w->r_arr);
    gsl_rng_free(w->r_svc);
    gsl_rng_free(w->r_cold);
    pool_fini(&w->req_pool);
    pool_fini(&w->seq_pool);
    metrics_destroy(w->m);
    sim_destroy(w->sim);
    free(w);
}

/* ---- sub-worlds ------------------------------------------------------ */

World *world_sub_create(World *parent, const AltSpec *alt, uint32_t stream,
                        void (*on_end)(void *ctx, Request *req,
                                       ReqOutcome outcome),
                        void *ctx)
{
    World *root = parent->root;
    assert(root->n_sub < WORLD_MAX_SUBS && stream >= 1);
    World *w = xcalloc(1, sizeof *w);
    w->own_rc = *root->rc;
    w->own_rc.alt = alt;
    w->own_rc.ts_out = NULL; /* the root writes the run's rows */
    w->own_rc.fn_out = NULL;
    w->own_rc.stages_out = NULL;
    w->own_rc.req_sink = NULL;
    w->own_rc.progress = NULL;
    w->own_rc.mser = NULL; /* `observe` stays: tests see every part end */
    w->rc = &w->own_rc;
    w->alt = alt;
    w->root = root;
    w->sim = root->sim;
    w->m = metrics_create(root->rc->slo);
    w->m->windows = root->rc->ts_interval > 0;
    metrics_llm_slo(w->m, root->rc->slo_ttft, root->rc->slo_tpot);
    w->r_svc = rng_create(root->rc->seed, root->rc->rep, RNG_SERVICE, stream);
    w->r_cold = rng_create(root->rc->seed, root->rc->rep, RNG_COLDSTART,
                           stream);
    w->arr_type = root->arr_type;
    w->n_fn = root->n_fn;
    w->warmup = w->m->warmup = root->warmup;
    w->on_end = on_end;
    w->on_end_ctx = ctx;
    root->sub[root->n_sub++] = w;
    w->tag = (uint32_t)root->n_sub;
    create_components(w, alt);
    return w;
}

void world_sub_destroy(World *w)
{
    if (w == NULL)
        return;
    for (int i = 0; i < w->n_comp; i++)
        w->comp[i].ops->destroy(w->comp[i].state);
    gsl_rng_free(w->r_svc);
    gsl_rng_free(w->r_cold);
    metrics_destroy(w->m);
    free(w);
}

void world_sub_enter(World *sub, Request *req, int redraw)
{
    forget_placement(req);
    req->arrival = sim_now(sub->sim);
    req->tag = (uint8_t)sub->tag;
    if (redraw) {
        req->u_service = rng_uniform_pos(sub->r_svc);
        req->given_us = -1; /* a trace's duration is not this part's */
    }
    metrics_arrival(sub->m, req->arrival);
    route(sub, req);
}

void world_sub_warmup(World *sub, SimTime now) { on_warmup(sub); (void)now; }

void world_sub_close(World *sub, SimTime horizon)
{
    for (int i = 0; i < sub->n_comp; i++)
        if (sub->comp[i].ops->close != NULL)
            sub->comp[i].ops->close(sub->comp[i].state, horizon);
    metrics_advance(sub->m, horizon);
}

double world_sub_cost_usd(World *sub, SimTime now, int final, int since_warmup,
                          double *v)
{
    double usd = 0;
    for (int i = 0; i < sub->n_comp; i++)
        usd += sub->comp[i].ops->cost_usd(sub->comp[i].state, now, final,
                                          since_warmup, v);
    return usd;
}

void world_sub_finish(World *sub, RunResult *out)
{
    check_conservation(sub, sub->sub_unfinished, sub->sub_pre_unfinished);
    summarize(sub, sub->rc->horizon, sub->sub_unfinished, NULL, out);
}

void world_sub_counts(const World *sub, uint64_t c[6])
{
    const Metrics *m = sub->m;
    c[0] = m->arrivals;
    c[1] = m->completed;
    c[2] = m->rejected;
    c[3] = m->timed_out;
    c[4] = m->cold;
    c[5] = m->instance_starts;
}

SimTime world_mser5_warmup(const RunConfig *rc)
{
    MserLog log = {0};
    log.z = xmalloc(MSER_MAX_BATCHES * sizeof *log.z);
    log.t = xmalloc(MSER_MAX_BATCHES * sizeof *log.t);
    RunConfig pilot = *rc;
    pilot.warmup.method = WARMUP_NONE;
    pilot.mser = &log;
    pilot.ts_out = NULL;
    pilot.fn_out = NULL;
    pilot.req_sink = NULL;
    pilot.progress = NULL;
    World *w = world_create(&pilot);
    sim_run(w->sim, pilot.horizon);
    RunResult scratch;
    world_finish(w, &scratch);
    world_destroy(w);
    int d = stats_mser(log.z, log.m);
    SimTime t = d > 0 ? log.t[d - 1] : 0;
    free(log.z);
    free(log.t);
    return t;
}

void world_run(const RunConfig *rc, RunResult *out)
{
    RunConfig fixed;
    if (rc->warmup.method == WARMUP_MSER5) {
        fixed = *rc;
        fixed.warmup.method = WARMUP_FIXED;
        fixed.warmup.warmup_s = time_to_s(world_mser5_warmup(rc));
        rc = &fixed;
    }
    World *w = world_create(rc);
    uint64_t n = 0;
    double h = (double)rc->horizon;
    while (sim_step(w->sim, rc->horizon)) {
        if ((++n & 0x3ffff) == 0 && rc->progress != NULL)
            rc->progress(rc->progress_ctx, (double)sim_now(w->sim) / h,
                         sim_events(w->sim));
    }
    world_finish(w, out);
    world_destroy(w);
}

/*
 * serverless.c - on-demand + provisioned serverless instances of one
 * function, as engine events.
 *
 * Representation.  One function per run; its instances come from a pool and
 * sit on intrusive lists:
 *   avail_pc, avail_od  ready instances with a free slot, provisioned and
 *                       on-demand, most recently used first: warm routing
 *                       takes the head, so older instances drift to the tail
 *                       and expire first (DESIGN.md section 3);
 *   open_starting       starting on-demand instances with a free slot
 *                       (concurrency > 1 only): later arrivals may bind to
 *                       them and wait for the start, Cloud Run-style.
 * A request takes, in order: a provisioned slot, an on-demand warm slot, a
 * slot on a starting instance, a new instance (a cold start), a place in the
 * bounded queue, or else it is rejected (throttled).
 *
 * Events (prio in list order, lowest first at equal times):
 *   SAMPLE    closes a timeseries window: first, so a window [t0, t1) holds
 *             exactly the events before t1;
 *   DONE      a request leaves its slot: before arrivals, so an arrival at
 *             the same microsecond finds the slot free;
 *   READY     an instance finished starting;
 *   ARRIVAL   the next request of the function;
 *   EXPIRE    keep-alive deadline: after arrivals, so an instance is still
 *             warm at its exact deadline;
 *   PROVISION the provisioned count changes (time-of-day schedule);
 *   WINDOW    a new 10 s scaling window opens for queued requests.
 *
 * Keep-alive timers.  Each instance has at most one pending EXPIRE event.
 * When it goes idle with deadline d and its pending timer is due no later
 * than d, nothing is pushed: the timer, when it fires, finds the instance
 * idle with a later deadline and re-arms itself once.  Only a deadline
 * earlier than the pending timer pushes a new event, after bumping the
 * instance's epoch so the old one is dropped when popped (lazy cancellation,
 * STYLE.md section 6).  Pushing one timer per idle period instead would keep
 * lambda x keepalive stale events in the heap (600,000 at 1,000 req/s and
 * 600 s), and every heap operation would pay for them in cache misses.
 *
 * Cold starts (entity/profile.h).  Components: the instance starts for
 * sandbox + f (runtime + model load), f = max(1, ref_vcpus / vcpus) the CPU
 * slowdown, and its first request also runs the first-inference extra.
 * Total-time profiles: a cold request takes Tc, drawn from cold_total, in
 * place of its warm time S: the instance starts for max(0, Tc - S) and the
 * request then runs min(S, Tc), so it ends exactly Tc after binding.
 *
 * Randomness.  Arrival times come from the arrival stream and each
 * request's warm service time from the service stream, both drawn at
 * arrival in arrival order, so every alternative on one seed sees the same
 * requests with the same service times (common random numbers).  Start
 * times come from the cold-start stream in the order starts happen.
 */
#include "serverless.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rng.h"
#include "../output/timeseries.h"
#include "../util/pool.h"
#include "../util/xalloc.h"

#define SRV_EVENTS(X)                                                          \
    X(EV_SAMPLE)                                                               \
    X(EV_DONE)                                                                 \
    X(EV_READY)                                                                \
    X(EV_ARRIVAL)                                                              \
    X(EV_EXPIRE)                                                               \
    X(EV_PROVISION)                                                            \
    X(EV_WINDOW)

enum {
#define X(name) name,
    SRV_EVENTS(X)
#undef X
        EV_NKINDS
};

/* The priority of an event kind is its place in the list. */
#define PRIO(kind) ((unsigned)(kind))

#define SCALE_WINDOW_US ((SimTime)10 * SIM_US_PER_S)

typedef enum StartBlock { START_OK = 0, START_LIMIT, START_RATE } StartBlock;

struct Srv {
    const RunConfig *rc;
    const AltSpec *alt;
    Sim *sim;
    Metrics *m;
    CostAcc cost;
    Pool req_pool, inst_pool;
    gsl_rng *r_arr, *r_svc, *r_cold;
    const ArrivalType *arr_type;
    ArrivalState arr;
    const KeepalivePolicyType *ka;
    void *ka_state;

    Dist warm;            /* warm service at the alternative's batch size */
    double cpu_factor;    /* >= 1 */
    SimTime timeout_us;   /* 0 = none */
    int conc;

    InstList avail_pc, avail_od, open_starting;
    int n_alive;          /* instances not gone, both kinds */
    int pc_active;        /* provisioned instances not retiring */
    int pc_target;        /* configured provisioned count now */
    SimTime pc_seg_start; /* current provisioned billing period */

    Request *q_head, *q_tail; /* the function's FIFO queue */
    int q_len;

    int64_t win_index;    /* scaling window: floor(now / 10 s) */
    int win_starts;       /* on-demand starts in it */
    int window_armed;     /* a WINDOW event is pending */

    Instance **pc_all;    /* every provisioned instance, for retiring */
    int pc_n, pc_cap;

    Request *live;        /* every arrived, not ended request */
    uint32_t epoch_counter; /* epochs are unique across pool reuse */
    uint64_t next_req_id, next_inst_id;
    uint64_t stale, peak_pending;
};

static void serve(Srv *s, Instance *inst, Request *req);
static void drain_queue(Srv *s);

/* ---- small helpers -------------------------------------------------- */

static SimTime draw_us(const Dist *d, gsl_rng *r, double factor)
{
    double x = dist_sample_s(d, r) * factor;
    return x > 0 ? time_from_s(x) : 0;
}

static void live_add(Srv *s, Request *req)
{
    req->live_prev = NULL;
    req->live_next = s->live;
    if (s->live != NULL)
        s->live->live_prev = req;
    s->live = req;
}

static void live_remove(Srv *s, Request *req)
{
    if (req->live_prev != NULL)
        req->live_prev->live_next = req->live_next;
    else
        s->live = req->live_next;
    if (req->live_next != NULL)
        req->live_next->live_prev = req->live_prev;
}

static void set_state(Srv *s, Instance *inst, InstState to)
{
    metrics_instance(s->m, sim_now(s->sim), inst->state, to);
    instance_set_state(inst, to);
}

/* Keeps inst on the right available list: there, at the head (most
 * recently used), iff it is ready, has a free slot and is not retiring. */
static void avail_touch(Srv *s, Instance *inst)
{
    InstList *l = inst->provisioned ? &s->avail_pc : &s->avail_od;
    if (inst->list == l)
        instlist_remove(l, inst);
    int ready = inst->state == INST_IDLE || inst->state == INST_BUSY;
    if (ready && inst->in_use < s->conc && !inst->retiring)
        instlist_push_head(l, inst);
}

/* ---- request endings and billing ------------------------------------ */

static void bill(Srv *s, const Request *req, SimTime ran_us)
{
    const PriceEntry *p = &s->alt->price;
    int64_t mem = s->alt->memory_mb;
    s->cost.requests++;
    if (req->on_provisioned) {
        s->cost.pc_dur_mb_ms += pricing_billed_ms(ran_us, p->granularity_ms) *
                                mem;
    } else {
        SimTime init = p->bill_init ? req->init_billed_us : 0;
        int64_t all = pricing_billed_ms(ran_us + init, p->granularity_ms);
        int64_t run = pricing_billed_ms(ran_us, p->granularity_ms);
        s->cost.od_mb_ms += all * mem;
        s->cost.od_init_mb_ms += (all - run) * mem;
    }
}

static void end_request(Srv *s, Request *req, ReqOutcome outcome)
{
    req->outcome = (uint8_t)outcome;
    metrics_end(s->m, req, sim_now(s->sim));
    live_remove(s, req);
    pool_put(&s->req_pool, req);
}

/* ---- instances ------------------------------------------------------- */

static void destroy_instance(Srv *s, Instance *inst)
{
    if (inst->list != NULL)
        instlist_remove(inst->list, inst);
    set_state(s, inst, INST_GONE);
    inst->epoch = ++s->epoch_counter; /* any pending timer is now stale */
    s->n_alive--;
    if (inst->provisioned) {
        if (!inst->retiring)
            s->pc_active--;
        Instance *last = s->pc_all[--s->pc_n];
        s->pc_all[inst->pc_index] = last;
        last->pc_index = inst->pc_index;
    }
    pool_put(&s->inst_pool, inst);
}

static void arm_timer(Srv *s, Instance *inst, SimTime deadline)
{
    if (inst->timer_at >= 0 && inst->timer_at <= deadline)
        return; /* the pending timer will re-arm itself */
    if (inst->timer_at >= 0) /* the pending one is too late: cancel it */
        inst->epoch = ++s->epoch_counter;
    inst->timer_at = deadline;
    sim_schedule(s->sim, deadline, PRIO(EV_EXPIRE), EV_EXPIRE, inst,
                 inst->epoch);
}

/* inst has no request left: keep it (keep-alive) or remove it. */
static void go_idle(Srv *s, Instance *inst)
{
    SimTime now = sim_now(s->sim);
    if (inst->state == INST_BUSY)
        set_state(s, inst, INST_IDLE);
    inst->idle_since = now;
    if (inst->provisioned) {
        if (inst->retiring) {
            destroy_instance(s, inst);
            drain_queue(s);
        } else {
            avail_touch(s, inst);
        }
        return;
    }
    SimTime ttl = s->ka->keepalive_us(s->ka_state, 0, now);
    if (ttl <= 0) {
        destroy_instance(s, inst);
        drain_queue(s);
        return;
    }
    inst->ttl_us = ttl;
    avail_touch(s, inst);
    arm_timer(s, inst, now + ttl);
}

/* Draws the start duration; binds `trigger` (may be NULL) to the new
 * instance.  Provisioned instances created at time 0 start ready. */
static Instance *start_instance(Srv *s, Request *trigger, int provisioned,
                                int ready_now)
{
    SimTime now = sim_now(s->sim);
    const HwProfile *hw = &s->alt->hw;
    Instance *inst = pool_get(&s->inst_pool);
    inst->epoch = ++s->epoch_counter;
    inst->id = s->next_inst_id++;
    inst->state = INST_GONE;
    inst->provisioned = (uint8_t)provisioned;
    inst->created_at = now;
    inst->timer_at = -1;
    s->n_alive++;
    if (provisioned) {
        s->pc_active++;
        if (s->pc_n == s->pc_cap) {
            s->pc_cap = s->pc_cap ? 2 * s->pc_cap : 16;
            s->pc_all = xrealloc(s->pc_all, (size_t)s->pc_cap *
                                                sizeof *s->pc_all);
        }
        inst->pc_index = s->pc_n;
        s->pc_all[s->pc_n++] = inst;
    } else {
        s->m->instance_starts++;
        s->win_starts++;
    }
    if (ready_now) {
        set_state(s, inst, INST_STARTING);
        inst->ready_at = now;
        set_state(s, inst, INST_IDLE);
        inst->idle_since = now;
        avail_touch(s, inst);
        return inst;
    }
    set_state(s, inst, INST_STARTING);
    SimTime dur;
    if (hw->cold_mode == COLD_TOTAL) {
        SimTime tc = draw_us(&hw->cold_total, s->r_cold, 1.0);
        if (trigger != NULL) {
            SimTime svc = trigger->service_us;
            dur = tc > svc ? tc - svc : 0;
            trigger->service_us = tc < svc ? tc : svc;
        } else {
            dur = tc;
        }
        inst->init_us = dur;
    } else {
        double f = s->cpu_factor;
        SimTime sandbox = draw_us(&hw->sandbox, s->r_cold, 1.0);
        double load_s = dist_sample_s(&hw->model_load, s->r_cold);
        if (hw->load_mb_per_s > 0)
            load_s += s->alt->model_size_mb / hw->load_mb_per_s;
        SimTime init = draw_us(&hw->runtime, s->r_cold, f) +
                       time_from_s(load_s * f);
        inst->first_extra_us = draw_us(&hw->first_extra, s->r_cold, f);
        inst->init_us = init;
        dur = sandbox + init;
    }
    inst->ready_at = now + dur;
    sim_schedule(s->sim, inst->ready_at, PRIO(EV_READY), EV_READY, inst,
                 inst->epoch);
    if (trigger != NULL) {
        trigger->inst = inst;
        trigger->cold = 1;
        trigger->bound_at = now;
        trigger->next = NULL;
        inst->wait_head = inst->wait_tail = trigger;
        inst->bound = 1;
    }
    if (!provisioned && s->conc > 1 && inst->bound < s->conc)
        instlist_push_head(&s->open_starting, inst);
    return inst;
}

/* Binds req to a starting instance that has a free slot. */
static void bind_starting(Srv *s, Instance *inst, Request *req)
{
    req->inst = inst;
    req->cold = 1;
    req->bound_at = sim_now(s->sim);
    req->next = NULL;
    if (inst->wait_tail != NULL)
        inst->wait_tail->next = req;
    else
        inst->wait_head = req;
    inst->wait_tail = req;
    inst->bound++;
    if (inst->bound + inst->in_use >= s->conc && inst->list != NULL)
        instlist_remove(inst->list, inst);
}

static StartBlock can_start(Srv *s)
{
    const AltSpec *a = s->alt;
    if (a->max_instances > 0 && s->n_alive >= a->max_instances)
        return START_LIMIT;
    if (a->scale_per_10s > 0) {
        int64_t w = sim_now(s->sim) / SCALE_WINDOW_US;
        if (w != s->win_index) {
            s->win_index = w;
            s->win_starts = 0;
        }
        if (s->win_starts >= a->scale_per_10s)
            return START_RATE;
    }
    return START_OK;
}

static void arm_window(Srv *s)
{
    if (s->window_armed)
        return;
    s->window_armed = 1;
    SimTime next = (sim_now(s->sim) / SCALE_WINDOW_US + 1) * SCALE_WINDOW_US;
    sim_schedule(s->sim, next, PRIO(EV_WINDOW), EV_WINDOW, NULL, 0);
}

/* ---- routing ------------------------------------------------------- */

static Instance *warm_slot(Srv *s)
{
    return s->avail_pc.head != NULL ? s->avail_pc.head : s->avail_od.head;
}

/* Places req: warm slot, starting instance, new instance, queue, reject. */
static void route(Srv *s, Request *req)
{
    Instance *inst = warm_slot(s);
    if (inst != NULL) {
        serve(s, inst, req);
        return;
    }
    if (s->open_starting.head != NULL) {
        bind_starting(s, s->open_starting.head, req);
        return;
    }
    StartBlock why = can_start(s);
    if (why == START_OK) {
        start_instance(s, req, 0, 0);
        return;
    }
    if (s->q_len < s->alt->queue_len) {
        req->next = NULL;
        if (s->q_tail != NULL)
            s->q_tail->next = req;
        else
            s->q_head = req;
        s->q_tail = req;
        s->q_len++;
        if (why == START_RATE)
            arm_window(s);
        return;
    }
    end_request(s, req, REQ_REJECTED);
}

static Request *dequeue(Srv *s)
{
    Request *req = s->q_head;
    if (req == NULL)
        return NULL;
    s->q_head = req->next;
    if (s->q_head == NULL)
        s->q_tail = NULL;
    s->q_len--;
    req->next = NULL;
    return req;
}

/* Gives queued requests whatever capacity exists now. */
static void drain_queue(Srv *s)
{
    while (s->q_head != NULL) {
        Instance *inst = warm_slot(s);
        if (inst != NULL) {
            serve(s, inst, dequeue(s));
            continue;
        }
        if (s->open_starting.head != NULL) {
            bind_starting(s, s->open_starting.head, dequeue(s));
            continue;
        }
        StartBlock why = can_start(s);
        if (why != START_OK) {
            if (why == START_RATE)
                arm_window(s);
            return;
        }
        start_instance(s, dequeue(s), 0, 0);
    }
}

/* Starts req's service on inst, which has a free slot and is ready. */
static void serve(Srv *s, Instance *inst, Request *req)
{
    SimTime now = sim_now(s->sim);
    assert(inst->in_use < s->conc);
    inst->in_use++;
    if (inst->state == INST_IDLE)
        set_state(s, inst, INST_BUSY);
    avail_touch(s, inst);
    req->inst = inst;
    req->start = now;
    req->on_provisioned = inst->provisioned;
    SimTime run = req->service_us;
    if (!inst->served_any) {
        inst->served_any = 1;
        run += inst->first_extra_us;
        if (!inst->provisioned)
            req->init_billed_us = inst->init_us;
    }
    if (s->timeout_us > 0 && run > s->timeout_us) {
        run = s->timeout_us;
        req->outcome = REQ_TIMED_OUT; /* decided now, recorded at DONE */
    }
    req->run_us = run;
    sim_schedule(s->sim, now + run, PRIO(EV_DONE), EV_DONE, req, 0);
}

/* ---- event handlers -------------------------------------------------- */

static void schedule_next_arrival(Srv *s)
{
    SimTime t = s->arr_type->next(&s->arr, s->rc->wl, s->r_arr);
    if (t < s->rc->horizon)
        sim_schedule(s->sim, t, PRIO(EV_ARRIVAL), EV_ARRIVAL, NULL, 0);
}

static void on_arrival(Srv *s)
{
    SimTime now = sim_now(s->sim);
    schedule_next_arrival(s);
    Request *req = pool_get(&s->req_pool);
    req->id = s->next_req_id++;
    req->arrival = now;
    req->bound_at = -1;
    req->start = -1;
    req->service_us = draw_us(&s->warm, s->r_svc, s->cpu_factor);
    live_add(s, req);
    metrics_arrival(s->m);
    s->ka->on_arrival(s->ka_state, 0, now);
    route(s, req);
}

static void on_done(Srv *s, Request *req)
{
    Instance *inst = req->inst;
    ReqOutcome outcome =
        req->outcome == REQ_TIMED_OUT ? REQ_TIMED_OUT : REQ_COMPLETED;
    bill(s, req, req->run_us);
    end_request(s, req, outcome);
    inst->in_use--;
    /* The freed slot goes to the queue first. */
    if (s->q_head != NULL && !inst->retiring) {
        serve(s, inst, dequeue(s)); /* stays busy */
        return;
    }
    if (inst->in_use == 0)
        go_idle(s, inst);
    else
        avail_touch(s, inst);
}

static void on_ready(Srv *s, Instance *inst)
{
    if (inst->list == &s->open_starting)
        instlist_remove(&s->open_starting, inst);
    set_state(s, inst, INST_IDLE);
    inst->idle_since = sim_now(s->sim);
    Request *req = inst->wait_head;
    inst->wait_head = inst->wait_tail = NULL;
    while (req != NULL) {
        Request *next = req->next;
        inst->bound--;
        serve(s, inst, req);
        req = next;
    }
    assert(inst->bound == 0);
    if (inst->retiring && inst->in_use == 0) {
        destroy_instance(s, inst);
        return;
    }
    /* Spare slots take queued requests. */
    while (inst->in_use < s->conc && s->q_head != NULL && !inst->retiring)
        serve(s, inst, dequeue(s));
    if (inst->in_use == 0)
        go_idle(s, inst);
    else
        avail_touch(s, inst);
}

static void on_expire(Srv *s, Instance *inst, uint32_t epoch)
{
    if (epoch != inst->epoch) {
        s->stale++;
        return;
    }
    SimTime now = sim_now(s->sim);
    inst->timer_at = -1;
    if (inst->state != INST_IDLE)
        return; /* busy again: it re-arms when it next goes idle */
    SimTime deadline = inst->idle_since + inst->ttl_us;
    if (deadline <= now) {
        destroy_instance(s, inst);
        drain_queue(s);
    } else {
        arm_timer(s, inst, deadline);
    }
}

static void close_prov_period(Srv *s, SimTime now)
{
    int64_t billed_s = pricing_prov_billed_s(now - s->pc_seg_start,
                                             s->alt->price.prov_granularity_s);
    s->cost.pc_mb_s += billed_s * (int64_t)s->pc_target * s->alt->memory_mb;
    s->pc_seg_start = now;
}

/* Moves the provisioned fleet to `target` instances.  Fewer: idle ones
 * leave now, busy or starting ones when they next have nothing to do.
 * More: retiring ones stay after all, then new ones start (they take
 * requests once ready; at time 0 they exist ready, initialised before the
 * run). */
static void provision(Srv *s, int target)
{
    SimTime now = sim_now(s->sim);
    if (target != s->pc_target) {
        close_prov_period(s, now);
        s->pc_target = target;
    }
    for (int i = s->pc_n - 1; i >= 0 && s->pc_active > target; i--) {
        Instance *inst = s->pc_all[i];
        if (!inst->retiring && inst->state == INST_IDLE)
            destroy_instance(s, inst); /* swaps pc_all[i]; i-- is still safe */
    }
    for (int i = 0; i < s->pc_n && s->pc_active > target; i++) {
        Instance *inst = s->pc_all[i];
        if (!inst->retiring) {
            inst->retiring = 1;
            s->pc_active--;
            avail_touch(s, inst);
        }
    }
    for (int i = 0; i < s->pc_n && s->pc_active < target; i++) {
        Instance *inst = s->pc_all[i];
        if (inst->retiring) {
            inst->retiring = 0;
            s->pc_active++;
            avail_touch(s, inst);
        }
    }
    while (s->pc_active < target)
        start_instance(s, NULL, 1, now == 0);
}

static void on_provision(Srv *s)
{
    SimTime now = sim_now(s->sim);
    provision(s, spec_prov_count_at(s->alt, now));
    SimTime next = spec_prov_next_change(s->alt, now);
    if (next < s->rc->horizon)
        sim_schedule(s->sim, next, PRIO(EV_PROVISION), EV_PROVISION, NULL, 0);
}

static double cost_so_far(Srv *s, SimTime now)
{
    CostAcc acc = s->cost;
    /* the open provisioned period, unrounded */
    acc.pc_mb_s += (now - s->pc_seg_start) / SIM_US_PER_S *
                   (int64_t)s->pc_target * s->alt->memory_mb;
    CostBreakdown b;
    pricing_breakdown(&acc, &s->alt->price, 0, &b);
    return b.total_usd;
}

static void emit_window(Srv *s, SimTime now)
{
    TsRow row;
    metrics_window(s->m, now, &row);
    row.cost_usd = cost_so_far(s, now);
    if (s->rc->ts_out != NULL)
        ts_write_row(s->rc->ts_out, s->alt->name, s->rc->rep, &row);
}

static void on_sample(Srv *s)
{
    SimTime now = sim_now(s->sim);
    emit_window(s, now);
    SimTime next = now + s->rc->ts_interval;
    if (next < s->rc->horizon)
        sim_schedule(s->sim, next, PRIO(EV_SAMPLE), EV_SAMPLE, NULL, 0);
}

static void handle(void *model, Sim *sim, const Event *ev)
{
    Srv *s = model;
    (void)sim;
    switch (ev->kind) {
    case EV_SAMPLE:
        on_sample(s);
        break;
    case EV_DONE:
        on_done(s, ev->obj);
        break;
    case EV_READY:
        on_ready(s, ev->obj);
        break;
    case EV_ARRIVAL:
        on_arrival(s);
        break;
    case EV_EXPIRE:
        on_expire(s, ev->obj, ev->epoch);
        break;
    case EV_PROVISION:
        on_provision(s);
        break;
    case EV_WINDOW:
        s->window_armed = 0;
        drain_queue(s);
        break;
    default:
        assert(!"unknown event kind");
    }
    size_t pending = sim_pending(s->sim);
    if (pending > s->peak_pending)
        s->peak_pending = pending;
}

/* ---- life cycle ------------------------------------------------------ */

Srv *srv_create(const RunConfig *rc)
{
    const AltSpec *a = rc->alt;
    Srv *s = xcalloc(1, sizeof *s);
    s->rc = rc;
    s->alt = a;
    s->sim = sim_create(handle, s);
    s->m = metrics_create(rc->slo);
    pool_init(&s->req_pool, sizeof(Request), 1024);
    pool_init(&s->inst_pool, sizeof(Instance), 256);
    s->r_arr = rng_create(rc->seed, rc->rep, RNG_ARRIVALS, 0);
    s->r_svc = rng_create(rc->seed, rc->rep, RNG_SERVICE, 0);
    s->r_cold = rng_create(rc->seed, rc->rep, RNG_COLDSTART, 0);
    s->warm = profile_warm_dist(&a->hw, a->batch > 0 ? a->batch : 1);
    double vcpus = a->vcpus > 0 ? a->vcpus : spec_lambda_vcpus(a->memory_mb);
    s->cpu_factor = a->hw.ref_vcpus > vcpus ? a->hw.ref_vcpus / vcpus : 1.0;
    s->timeout_us = time_from_s(a->timeout_s);
    s->conc = a->concurrency > 0 ? a->concurrency : 1;
    s->win_index = -1;

    s->ka = policy_find(a->keepalive.policy);
    assert(s->ka != NULL); /* config validated the name */
    s->ka_state = xcalloc(1, s->ka->state_size);
    Err err;
    int rc_init = s->ka->init(s->ka_state, &a->keepalive, &err);
    assert(rc_init == 0);
    (void)rc_init;

    s->arr_type = arrivals_find(rc->wl->type);
    assert(s->arr_type != NULL);
    s->arr_type->init(&s->arr, rc->wl, s->r_arr);

    /* Provisioned instances exist, initialised, from time 0. */
    if (a->n_prov > 0)
        on_provision(s);
    schedule_next_arrival(s);
    if (rc->ts_interval > 0 && rc->ts_interval < rc->horizon)
        sim_schedule(s->sim, rc->ts_interval, PRIO(EV_SAMPLE), EV_SAMPLE,
                     NULL, 0);
    return s;
}

Sim *srv_sim(Srv *s) { return s->sim; }

SrvState srv_state(const Srv *s)
{
    SrvState st;
    st.starting = s->m->n[INST_STARTING];
    st.idle = s->m->n[INST_IDLE];
    st.busy = s->m->n[INST_BUSY];
    st.queued = s->q_len;
    st.live_requests = s->req_pool.live;
    return st;
}

/* Requests still live at the horizon: unfinished; the started ones are
 * billed for what they ran (an invocation that began is paid for). */
static uint64_t close_unfinished(Srv *s, SimTime horizon)
{
    uint64_t n = 0;
    while (s->live != NULL) {
        Request *req = s->live;
        if (req->start >= 0)
            bill(s, req, horizon - req->start);
        live_remove(s, req);
        req->outcome = REQ_UNFINISHED;
        pool_put(&s->req_pool, req);
        n++;
    }
    return n;
}

void srv_finish(Srv *s, RunResult *out)
{
    SimTime h = s->rc->horizon;
    Metrics *m = s->m;
    memset(out, 0, sizeof *out);
    if (sim_now(s->sim) < h)
        sim_run(s->sim, h); /* moves the clock to h */
    metrics_advance(m, h);
    if (s->rc->ts_interval > 0 && m->win_t0 < h)
        emit_window(s, h);
    close_prov_period(s, h);
    uint64_t unfinished = close_unfinished(s, h);

    /* Conservation (DESIGN.md section 3): counted in four places. */
    if (m->arrivals != m->completed + m->rejected + m->timed_out + unfinished) {
        fprintf(stderr,
                "simsrv: BUG: conservation violated: %" PRIu64
                " arrivals != %" PRIu64 " completed + %" PRIu64
                " rejected + %" PRIu64 " timed out + %" PRIu64 " unfinished\n",
                m->arrivals, m->completed, m->rejected, m->timed_out,
                unfinished);
        abort();
    }

    double hs = time_to_s(h), *v = out->v;
    v[MET_arrivals] = (double)m->arrivals;
    v[MET_completed] = (double)m->completed;
    v[MET_rejected] = (double)m->rejected;
    v[MET_timed_out] = (double)m->timed_out;
    v[MET_unfinished] = (double)unfinished;
    v[MET_cold_starts] = (double)m->instance_starts;
    v[MET_cold_pct] = m->completed ? 100.0 * (double)m->cold /
                                         (double)m->completed : 0.0;
    v[MET_p50_ms] = hist_quantile(&m->lat, 0.50) * 1e-3;
    v[MET_p90_ms] = hist_quantile(&m->lat, 0.90) * 1e-3;
    v[MET_p95_ms] = hist_quantile(&m->lat, 0.95) * 1e-3;
    v[MET_p99_ms] = hist_quantile(&m->lat, 0.99) * 1e-3;
    v[MET_p999_ms] = hist_quantile(&m->lat, 0.999) * 1e-3;
    v[MET_max_ms] = m->lat.n ? (double)m->lat.max * 1e-3 : 0.0;
    v[MET_mean_ms] = hist_mean(&m->lat) * 1e-3;
    v[MET_mean_queue_wait_ms] =
        m->completed ? m->queue_wait_us / (double)m->completed * 1e-3 : 0.0;
    v[MET_mean_cold_wait_ms] =
        m->cold ? m->cold_wait_us / (double)m->cold * 1e-3 : 0.0;
    uint64_t ended = m->completed + m->rejected + m->timed_out;
    v[MET_slo_pct] = ended ? 100.0 * (double)m->slo_ok / (double)ended : 0.0;
    double hus = (double)h;
    v[MET_busy_mean] = m->state_us[INST_BUSY] / hus;
    v[MET_idle_mean] = m->state_us[INST_IDLE] / hus;
    v[MET_starting_mean] = m->state_us[INST_STARTING] / hus;
    v[MET_instances_mean] =
        v[MET_busy_mean] + v[MET_idle_mean] + v[MET_starting_mean];
    v[MET_peak_instances] = (double)m->peak_alive;
    v[MET_idle_gb_s] =
        m->state_us[INST_IDLE] * 1e-6 * s->alt->memory_mb / 1024.0;
    CostBreakdown b;
    pricing_breakdown(&s->cost, &s->alt->price, hs / (30.0 * 86400.0), &b);
    v[MET_cost_requests_usd] = b.requests_usd;
    v[MET_cost_compute_usd] = b.compute_usd;
    v[MET_cost_init_usd] = b.init_usd;
    v[MET_cost_provisioned_usd] = b.provisioned_usd;
    v[MET_cost_prov_compute_usd] = b.prov_compute_usd;
    v[MET_cost_usd] = b.total_usd;
    v[MET_usd_per_1m] =
        m->arrivals ? b.total_usd / (double)m->arrivals * 1e6 : 0.0;
    for (int k = 0; k < METRICS_BUSY_K; k++)
        out->busy_p[k] = m->busy_k_us[k] / hus;
    out->events = sim_events(s->sim);
    out->stale_events = s->stale;
    out->peak_pending = s->peak_pending;
    out->cold_requests = m->cold;
}

void srv_destroy(Srv *s)
{
    if (s == NULL)
        return;
    s->ka->fini(s->ka_state);
    free(s->ka_state);
    gsl_rng_free(s->r_arr);
    gsl_rng_free(s->r_svc);
    gsl_rng_free(s->r_cold);
    free(s->pc_all);
    pool_fini(&s->req_pool);
    pool_fini(&s->inst_pool);
    metrics_destroy(s->m);
    sim_destroy(s->sim);
    free(s);
}

void serverless_run(const RunConfig *rc, RunResult *out)
{
    Srv *s = srv_create(rc);
    uint64_t n = 0;
    double h = (double)rc->horizon;
    while (sim_step(s->sim, rc->horizon)) {
        if ((++n & 0x3ffff) == 0 && rc->progress != NULL)
            rc->progress(rc->progress_ctx, (double)sim_now(s->sim) / h,
                         sim_events(s->sim));
    }
    srv_finish(s, out);
    srv_destroy(s);
}

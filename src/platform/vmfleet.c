/*
 * vmfleet.c - VMs serving `slots` requests each, behind a load balancer.
 *
 * Load balancing (VmSpec.lb):
 *   shared-queue        one FIFO for the fleet; a request takes any free slot
 *                       (most recently freed VM first), else waits; a freed
 *                       slot takes the head.  With c slots in all and
 *                       exponential service this is M/M/c (Erlang C).
 *   round-robin         VMs in turn, skipping busy ones when some VM has a
 *                       free slot; when none has, the request waits in the
 *                       queue of the next VM in turn.
 *   least-outstanding   the VM with the fewest requests in service + queued
 *                       (lowest index on ties); waits in that VM's queue.
 * Per-VM queues drain into their VM; requests that arrive while no VM is
 * ready wait in the fleet queue, which every VM also serves.  `max_queue`
 * bounds all queues together; beyond it a request is rejected.
 *
 * Lifecycle: a launched VM boots (boot_s) and loads the model (the
 * profile's runtime + model-load components, CPU-scaled) before it serves;
 * VM states map onto instance states: starting (booting), idle, busy.  The
 * initial fleet exists ready at time 0.  Scale-in terminates booting VMs
 * first, then idle ones, then marks busy ones draining: they take no new
 * requests, finish what they hold, and only then terminate -- in-flight
 * requests are never dropped.
 *
 * Autoscaling (target tracking, evaluated every period_s):
 *   utilization  desired = ceil(active x U / target), U = busy / ready
 *                slot-seconds over the last period;
 *   queue        desired = ceil((in service + queued) / target);
 * clamped to [min, max].  Scale-out launches at once; scale-in waits until
 * cooldown_s has passed since the last change.
 *
 * Billing: each VM from launch to termination (or the horizon), per second
 * rounded up with a 60 s minimum, x usd_per_hour / 3600 x the price
 * multiplier (EC2 rules, reference/pricing.md).
 *
 * Spot interruptions (pricing "spot", VmSpec.spot): the provider sends each
 * VM an interruption notice at the events of a Poisson process of
 * `per_hour` per VM-hour, from its launch (one exponential draw per VM, at
 * launch, from its own stream RNG_SPOT, so the arrivals and service draws
 * of every alternative stay as they were); `notice_at_s` adds forced
 * notices, each to the oldest live VM not yet noticed.  EC2 gives the
 * notice two minutes before it reclaims the instance (EC2 User Guide,
 * "Spot Instance interruption notices", read 2026-12), hence notice_s 120
 * by default.  At the notice the VM drains -- it takes no new requests and
 * goes on serving what it holds -- and the fleet launches its replacement
 * at once (boot + model load before it serves; a VM being scaled in gets
 * none).  At the interruption the requests the VM still holds (in service,
 * in its queue, in its forming batch) are lost from it and routed again
 * (world_retry_request: the fleet, or the hybrid's rule), their latency
 * still counted from their arrival; the VM is billed by the interrupted-
 * spot rule (pricing_spot_interrupted_billed_s: nothing in its first hour).
 * A noticed VM that runs out of work waits, idle, for the interruption
 * rather than being terminated (that would be billed).  Since a replacement
 * starts its own process at the notice, a fixed fleet of N VMs receives
 * notices as a Poisson process of rate N x per_hour.
 *
 * Dynamic batching (max_batch > 1, one slot per VM): as on serverless
 * instances, a VM runs one batch while the next forms; requests join the
 * forming batch of the VM the balancer picks while it has room, the batch
 * runs when the VM is free and the batch is full or its oldest request has
 * waited batch_wait, for the profile's a + c b at the first request's
 * quantile.
 *
 * Representation: live VMs in an array (index order = launch order, for
 * round-robin and least-outstanding scans, O(VMs) per request for those
 * two); VMs with a free slot on an intrusive list for shared-queue routing,
 * O(1).  A busy-slot and a ready-slot integral give utilization.
 */
#include "vmfleet.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rng.h"
#include "../util/xalloc.h"

typedef struct Vm {
    struct Vm *pool_link;     /* used by the pool while free */
    struct Vm *prev, *next;   /* free-slot list */
    int on_list;
    int index;                /* place in f->vms */
    uint64_t id;
    InstState state;          /* STARTING = booting */
    int in_use;               /* requests in service */
    int draining;
    int noticed;              /* a spot interruption notice came */
    uint32_t life_epoch;      /* its READY / NOTICE / INTERRUPT events; 0
                                 once terminated (pool reuse: new value) */
    Request *q_head, *q_tail; /* its own queue (round-robin, least-out.) */
    int q_len;
    Request *b_head, *b_tail; /* the batch it is forming */
    int bound;
    uint32_t batch_epoch;
    SimTime launched_at;
} Vm;

struct VmFleet {
    World *w;
    const VmSpec *spec;
    Sim *sim;
    Metrics *m;
    Pool vm_pool;
    Vm **vms;                 /* live VMs */
    int n_vms, cap_vms;
    Vm *free_head;            /* ready, not draining, with a free slot */
    int n_booting, n_active;  /* active = ready and not draining */
    int free_slots;           /* free slots on active VMs */
    Request *q_head, *q_tail; /* the fleet queue */
    int q_len;
    int q_total;              /* fleet queue + every VM queue */
    int rr_next;
    int slots;
    int batching, max_batch;
    SimTime batch_wait_us;
    double cpu_factor;
    double mean_service_s;
    SimTime timeout_us;
    /* utilization */
    SimTime last_t;
    int busy_slots, ready_slots;
    double busy_slot_us, ready_slot_us;
    double tick_busy0, tick_ready0;
    SimTime last_change;
    /* spot */
    gsl_rng *r_spot;          /* notice draws; NULL without random notices */
    uint64_t spot_interruptions, spot_retried; /* from the warm-up point */
    Request **held;           /* scratch: what an interrupted VM held */
    size_t cap_held;
    /* billing */
    int64_t billed_s;         /* terminated (or closed) VMs */
    int closed;
    uint64_t next_id;
    uint32_t epoch_counter;   /* batch, life and DONE epochs: unique across
                                 pool reuse */
};

static void serve(VmFleet *f, Vm *vm, Request *req);

/* ---- bookkeeping ----------------------------------------------------- */

static void advance(VmFleet *f)
{
    SimTime now = sim_now(f->sim);
    double dt = (double)(now - f->last_t);
    if (dt > 0) {
        f->busy_slot_us += dt * f->busy_slots;
        f->ready_slot_us += dt * f->ready_slots;
        f->last_t = now;
    }
}

static void set_state(VmFleet *f, Vm *vm, InstState to)
{
    metrics_vm(f->m, sim_now(f->sim), vm->state, to);
    vm->state = to;
}

static void list_remove(VmFleet *f, Vm *vm)
{
    if (!vm->on_list)
        return;
    if (vm->prev != NULL)
        vm->prev->next = vm->next;
    else
        f->free_head = vm->next;
    if (vm->next != NULL)
        vm->next->prev = vm->prev;
    vm->prev = vm->next = NULL;
    vm->on_list = 0;
}

/* Whether vm can take one more request now: a free slot, or (batching)
 * room in the batch it is forming. */
static int has_room(const VmFleet *f, const Vm *vm)
{
    return f->batching ? vm->bound < f->max_batch : vm->in_use < f->slots;
}

/* Keeps vm on the free-slot list, at the head, iff it can take a request. */
static void touch(VmFleet *f, Vm *vm)
{
    list_remove(f, vm);
    int ready = vm->state == INST_IDLE || vm->state == INST_BUSY;
    if (ready && !vm->draining && has_room(f, vm)) {
        vm->prev = NULL;
        vm->next = f->free_head;
        if (f->free_head != NULL)
            f->free_head->prev = vm;
        f->free_head = vm;
        vm->on_list = 1;
    }
}

static SimTime load_us(VmFleet *f)
{
    const HwProfile *hw = &f->spec->hw;
    gsl_rng *r = f->w->r_cold;
    /* CPU work, slowed like the warm time (a cold-request total too, as
     * serverless does) */
    double s = hw->cold_mode == COLD_TOTAL
                   ? dist_sample_s(&hw->cold_total, r)
                   : dist_sample_s(&hw->runtime, r) +
                         dist_sample_s(&hw->model_load, r);
    return time_from_s(s * f->cpu_factor);
}

/* Draws when vm's interruption notice comes, if before the horizon. */
static void draw_notice(VmFleet *f, Vm *vm)
{
    if (f->r_spot == NULL)
        return;
    double wait_s = rng_exponential(f->r_spot, 3600.0 / f->spec->spot.per_hour);
    double at_s = time_to_s(sim_now(f->sim)) + wait_s;
    if (at_s < time_to_s(f->w->rc->horizon)) /* compared before converting:
                                                 wait_s may be huge */
        world_schedule(f->w, time_from_s(at_s), EV_VM_NOTICE, vm,
                       vm->life_epoch);
}

static Vm *launch(VmFleet *f, int ready_now)
{
    SimTime now = sim_now(f->sim);
    Vm *vm = pool_get(&f->vm_pool);
    vm->id = f->next_id++;
    vm->batch_epoch = ++f->epoch_counter;
    vm->life_epoch = ++f->epoch_counter;
    vm->state = INST_GONE;
    vm->launched_at = now;
    if (f->n_vms == f->cap_vms) {
        f->cap_vms = f->cap_vms ? 2 * f->cap_vms : 16;
        f->vms = xrealloc(f->vms, (size_t)f->cap_vms * sizeof *f->vms);
    }
    vm->index = f->n_vms;
    f->vms[f->n_vms++] = vm;
    set_state(f, vm, INST_STARTING);
    if (ready_now) {
        advance(f);
        set_state(f, vm, INST_IDLE);
        f->n_active++;
        f->free_slots += f->slots;
        f->ready_slots += f->slots;
        touch(f, vm);
    } else {
        f->n_booting++;
        SimTime ready = now + time_from_s(f->spec->boot_s) + load_us(f);
        world_schedule(f->w, ready, EV_VM_READY, vm, vm->life_epoch);
    }
    draw_notice(f, vm);
    return vm;
}

/* Removes vm from the fleet and bills its life: as a spot VM the provider
 * reclaimed when `interrupted`, else as one the fleet terminated. */
static void terminate(VmFleet *f, Vm *vm, int interrupted)
{
    SimTime now = sim_now(f->sim);
    assert(vm->in_use == 0 && vm->q_len == 0);
    advance(f);
    list_remove(f, vm);
    if (vm->state == INST_STARTING) {
        f->n_booting--;
    } else {
        f->ready_slots -= f->slots;
        if (!vm->draining) {
            f->n_active--;
            f->free_slots -= f->slots;
        }
    }
    set_state(f, vm, INST_GONE);
    SimTime life = now - vm->launched_at;
    int min_s = f->spec->type.min_billed_s;
    f->billed_s += interrupted ? pricing_spot_interrupted_billed_s(life, min_s)
                               : pricing_vm_billed_s(life, min_s);
    vm->life_epoch = 0; /* its pending events are stale */
    Vm *last = f->vms[--f->n_vms];
    f->vms[vm->index] = last;
    last->index = vm->index;
    if (f->rr_next > f->n_vms)
        f->rr_next = 0;
    pool_put(&f->vm_pool, vm);
}

/* ---- queues ---------------------------------------------------------- */

static void push(Request **head, Request **tail, Request *req)
{
    req->next = NULL;
    if (*tail != NULL)
        (*tail)->next = req;
    else
        *head = req;
    *tail = req;
}

static Request *pop(Request **head, Request **tail)
{
    Request *req = *head;
    if (req != NULL) {
        *head = req->next;
        if (*head == NULL)
            *tail = NULL;
        req->next = NULL;
    }
    return req;
}

/* The next request for a slot of vm: its own queue, then the fleet's
 * (a draining VM serves only its own). */
static Request *next_for(VmFleet *f, Vm *vm)
{
    Request *req = pop(&vm->q_head, &vm->q_tail);
    if (req != NULL) {
        vm->q_len--;
    } else if (!vm->draining) {
        req = pop(&f->q_head, &f->q_tail);
        if (req != NULL)
            f->q_len--;
    }
    if (req != NULL)
        f->q_total--;
    return req;
}

/* ---- serving --------------------------------------------------------- */

static void serve(VmFleet *f, Vm *vm, Request *req)
{
    SimTime now = sim_now(f->sim);
    assert(vm->in_use < f->slots);
    advance(f);
    if (vm->in_use == 0)
        set_state(f, vm, INST_BUSY);
    vm->in_use++;
    f->busy_slots++;
    if (!vm->draining)
        f->free_slots--;
    touch(f, vm);
    req->vm = vm;
    req->start = now;
    req->service_us = world_service_us(req, &f->spec->hw, 1, f->cpu_factor);
    SimTime run = req->service_us;
    if (f->timeout_us > 0 && run > f->timeout_us) {
        run = f->timeout_us;
        req->outcome = REQ_TIMED_OUT;
    }
    req->run_us = run;
    req->done_epoch = ++f->epoch_counter;
    f->w->served_vm++;
    world_schedule(f->w, now + run, EV_DONE, req, req->done_epoch);
}

/* ---- dynamic batching ------------------------------------------------- */

static void run_batch(VmFleet *f, Vm *vm)
{
    Request *first = vm->b_head;
    int b = vm->bound;
    assert(b > 0 && vm->in_use == 0);
    SimTime run = world_service_us(first, &f->spec->hw, b, f->cpu_factor);
    advance(f);
    set_state(f, vm, INST_BUSY);
    vm->b_head = vm->b_tail = NULL; /* batch_join set each req->vm */
    vm->bound = 0;
    vm->batch_epoch = ++f->epoch_counter; /* a pending deadline is stale */
    vm->in_use = b;
    for (Request *req = first; req != NULL; req = req->next)
        req->done_epoch = ++f->epoch_counter;
    world_start_batch(f->w, first, b, run, f->timeout_us, 0,
                      &f->w->served_vm);
    f->busy_slots += 1; /* the VM's one slot runs the batch */
    f->free_slots -= vm->draining ? 0 : 1;
    touch(f, vm);
}

static void try_run_batch(VmFleet *f, Vm *vm)
{
    int ready = vm->state == INST_IDLE || vm->state == INST_BUSY;
    if (!ready || vm->in_use > 0 || vm->bound == 0)
        return;
    SimTime deadline = vm->b_head->arrival + f->batch_wait_us;
    if (vm->bound >= f->max_batch || deadline <= sim_now(f->sim))
        run_batch(f, vm);
    else
        world_schedule(f->w, deadline, EV_VM_BATCH, vm, vm->batch_epoch);
}

static void batch_join(VmFleet *f, Vm *vm, Request *req)
{
    req->vm = vm;
    req->next = NULL;
    if (vm->b_tail != NULL)
        vm->b_tail->next = req;
    else
        vm->b_head = req;
    vm->b_tail = req;
    vm->bound++;
    if (vm->state == INST_IDLE)
        set_state(f, vm, INST_BUSY);
    touch(f, vm);
    try_run_batch(f, vm);
}

/* Fills vm's forming batch from its queue, then the fleet's. */
static void batch_refill(VmFleet *f, Vm *vm)
{
    Request *req;
    while (has_room(f, vm) && (req = next_for(f, vm)) != NULL)
        batch_join(f, vm, req);
}

/* The VM a request goes to under round-robin: the first with a free slot
 * from the turn on, else the one whose turn it is. */
static Vm *pick_round_robin(VmFleet *f)
{
    int n = f->n_vms;
    Vm *turn = NULL;
    for (int k = 0; k < n; k++) {
        Vm *vm = f->vms[(f->rr_next + k) % n];
        int active = (vm->state == INST_IDLE || vm->state == INST_BUSY) &&
                     !vm->draining;
        if (!active)
            continue;
        if (turn == NULL)
            turn = vm;
        if (has_room(f, vm) || f->free_slots == 0) {
            f->rr_next = (vm->index + 1) % n;
            return vm;
        }
    }
    if (turn != NULL)
        f->rr_next = (turn->index + 1) % n;
    return turn;
}

static Vm *pick_least_outstanding(VmFleet *f)
{
    Vm *best = NULL;
    int best_out = 0;
    for (int k = 0; k < f->n_vms; k++) {
        Vm *vm = f->vms[k];
        int active = (vm->state == INST_IDLE || vm->state == INST_BUSY) &&
                     !vm->draining;
        if (!active)
            continue;
        int out = vm->in_use + vm->q_len + vm->bound;
        if (best == NULL || out < best_out ||
            (out == best_out && vm->index < best->index)) {
            best = vm;
            best_out = out;
        }
    }
    return best;
}

void vmfleet_route(VmFleet *f, Request *req)
{
    req->where = REQ_AT_VM;
    Vm *vm = NULL;
    switch (f->spec->lb) {
    case LB_SHARED_QUEUE:
        vm = f->free_head;
        break;
    case LB_ROUND_ROBIN:
        vm = pick_round_robin(f);
        break;
    case LB_LEAST_OUTSTANDING:
        vm = pick_least_outstanding(f);
        break;
    }
    if (vm != NULL && has_room(f, vm)) {
        if (f->batching)
            batch_join(f, vm, req);
        else
            serve(f, vm, req);
        return;
    }
    if (f->q_total >= f->spec->max_queue) {
        world_end_request(f->w, req, REQ_REJECTED);
        return;
    }
    req->vm = vm;
    f->q_total++;
    if (vm != NULL && f->spec->lb != LB_SHARED_QUEUE) {
        push(&vm->q_head, &vm->q_tail, req);
        vm->q_len++;
    } else {
        push(&f->q_head, &f->q_tail, req);
        f->q_len++;
    }
}

static void on_batch_done(VmFleet *f, Vm *vm)
{
    if (vm->in_use > 0)
        return; /* the rest of its batch ends at the same time */
    advance(f);
    f->busy_slots--;
    if (!vm->draining)
        f->free_slots++;
    batch_refill(f, vm);
    if (vm->bound > 0) {
        try_run_batch(f, vm);
        return;
    }
    set_state(f, vm, INST_IDLE);
    if (vm->draining && !vm->noticed && vm->q_len == 0) {
        terminate(f, vm, 0);
        return;
    }
    touch(f, vm);
}

static void on_done(VmFleet *f, Request *req)
{
    Vm *vm = req->vm;
    ReqOutcome outcome =
        req->outcome == REQ_TIMED_OUT ? REQ_TIMED_OUT : REQ_COMPLETED;
    world_end_request(f->w, req, outcome);
    if (f->batching) {
        vm->in_use--;
        on_batch_done(f, vm);
        return;
    }
    advance(f);
    vm->in_use--;
    f->busy_slots--;
    if (!vm->draining)
        f->free_slots++;
    Request *next = next_for(f, vm);
    if (next != NULL) {
        serve(f, vm, next);
        return;
    }
    if (vm->in_use == 0) {
        set_state(f, vm, INST_IDLE);
        if (vm->draining && !vm->noticed && vm->q_len == 0) {
            terminate(f, vm, 0);
            return;
        }
    }
    touch(f, vm);
}

/* vm has booted and loaded the model: its slots are ready.  (A noticed VM
 * stops here: it serves nothing and waits to be reclaimed.) */
static void boot_done(VmFleet *f, Vm *vm)
{
    advance(f);
    f->n_booting--;
    set_state(f, vm, INST_IDLE);
    f->ready_slots += f->slots;
}

static void on_ready(VmFleet *f, Vm *vm)
{
    boot_done(f, vm);
    f->n_active++;
    f->free_slots += f->slots;
    touch(f, vm);
    if (f->batching) {
        batch_refill(f, vm);
        return;
    }
    Request *req;
    while (vm->in_use < f->slots && (req = next_for(f, vm)) != NULL)
        serve(f, vm, req);
}

/* ---- autoscaling ------------------------------------------------------ */

/* A ready VM stops taking new requests; it finishes what it holds. */
static void start_draining(VmFleet *f, Vm *vm)
{
    advance(f);
    vm->draining = 1;
    f->n_active--;
    f->free_slots -= f->batching ? (vm->in_use == 0) : f->slots - vm->in_use;
    list_remove(f, vm);
}

static void scale_in(VmFleet *f, int n)
{
    /* booting VMs first, then idle ones, newest first; then drain busy */
    for (int pass = 0; pass < 3 && n > 0; pass++) {
        for (int k = f->n_vms - 1; k >= 0 && n > 0; k--) {
            Vm *vm = f->vms[k];
            if (vm->draining)
                continue;
            if (pass == 0 && vm->state == INST_STARTING) {
                /* marked draining: its READY event terminates it */
                vm->draining = 1;
                n--;
            } else if (pass == 1 && vm->state == INST_IDLE &&
                       vm->q_len == 0) {
                terminate(f, vm, 0);
                n--;
            } else if (pass == 2 && (vm->state == INST_BUSY ||
                                     vm->state == INST_IDLE)) {
                start_draining(f, vm);
                n--;
            }
        }
    }
}

static void on_scale(VmFleet *f)
{
    const AutoscaleSpec *as = &f->spec->as;
    SimTime now = sim_now(f->sim);
    advance(f);
    double busy = f->busy_slot_us - f->tick_busy0;
    double ready = f->ready_slot_us - f->tick_ready0;
    f->tick_busy0 = f->busy_slot_us;
    f->tick_ready0 = f->ready_slot_us;
    int booting_live = 0;
    for (int k = 0; k < f->n_vms; k++)
        if (f->vms[k]->state == INST_STARTING && !f->vms[k]->draining)
            booting_live++;
    int current = f->n_active + booting_live;
    double want;
    if (as->metric == SCALE_UTILIZATION) {
        double u = ready > 0 ? busy / ready : (f->q_total > 0 ? 1.0 : 0.0);
        want = f->n_active > 0 ? f->n_active * u / as->target
                               : (f->q_total > 0 ? 1.0 : 0.0);
    } else {
        want = (f->busy_slots + f->q_total) / as->target;
    }
    if (!(want <= as->max_vms)) /* clamped as a double: a tiny target */
        want = as->max_vms;     /* makes it huge, and the cast undefined */
    int desired = (int)ceil(want - 1e-9);
    if (desired < as->min_vms)
        desired = as->min_vms;
    if (desired > as->max_vms)
        desired = as->max_vms;
    if (desired > current) {
        for (int k = current; k < desired; k++)
            launch(f, 0);
        f->last_change = now;
    } else if (desired < current &&
               now - f->last_change >= time_from_s(as->cooldown_s)) {
        scale_in(f, current - desired);
        f->last_change = now;
    }
    SimTime next = now + time_from_s(as->period_s);
    if (next < f->w->rc->horizon)
        world_schedule(f->w, next, EV_VM_SCALE, NULL, 0);
}

/* ---- spot interruptions ---------------------------------------------- */

static void on_notice(VmFleet *f, Vm *vm)
{
    SimTime now = sim_now(f->sim);
    assert(!vm->noticed);
    vm->noticed = 1;
    if (!vm->draining) { /* (a VM being scaled in is not replaced) */
        if (vm->state == INST_STARTING)
            vm->draining = 1; /* it will take no requests once ready */
        else
            start_draining(f, vm);
        launch(f, 0);
    }
    SimTime at = now + time_from_s(f->spec->spot.notice_s);
    if (at < f->w->rc->horizon)
        world_schedule(f->w, at, EV_VM_INTERRUPT, vm, vm->life_epoch);
}

/* A forced notice goes to the oldest live VM not noticed yet, if any. */
static void on_forced_notice(VmFleet *f)
{
    Vm *oldest = NULL;
    for (int k = 0; k < f->n_vms; k++) {
        Vm *vm = f->vms[k];
        if (!vm->noticed && (oldest == NULL || vm->id < oldest->id))
            oldest = vm;
    }
    if (oldest != NULL)
        on_notice(f, oldest);
}

typedef struct Held {
    VmFleet *f;
    const Vm *vm;
    size_t n, started;
} Held;

static void collect_held(void *obj, void *arg)
{
    Request *req = obj;
    Held *h = arg;
    if (!req->live || req->where != REQ_AT_VM || req->vm != h->vm)
        return;
    VmFleet *f = h->f;
    if (h->n == f->cap_held) {
        f->cap_held = f->cap_held ? 2 * f->cap_held : 16;
        f->held = xrealloc(f->held, f->cap_held * sizeof *f->held);
    }
    f->held[h->n++] = req;
    h->started += req->start >= 0;
}

static int by_arrival(const void *a, const void *b)
{
    const Request *x = *(const Request *const *)a;
    const Request *y = *(const Request *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The provider reclaims vm: what it holds is routed again, oldest first,
 * once the VM is gone.  The requests it holds are found by walking the
 * request pool (O(live requests), once per interruption), so serving keeps
 * no per-VM list of the requests in service. */
static void on_interrupt(VmFleet *f, Vm *vm)
{
    Held h = {f, vm, 0, 0};
    pool_each(&f->w->req_pool, collect_held, &h);
    assert(h.started == (size_t)vm->in_use);
    assert(h.n - h.started == (size_t)(vm->q_len + vm->bound));
    if (h.n > 1) /* f->held is NULL until something was held */
        qsort(f->held, h.n, sizeof *f->held, by_arrival);
    advance(f);
    if (vm->in_use > 0)
        f->busy_slots -= f->batching ? 1 : vm->in_use;
    vm->in_use = 0;
    f->q_total -= vm->q_len;
    vm->q_len = 0;
    vm->q_head = vm->q_tail = NULL;
    vm->b_head = vm->b_tail = NULL;
    vm->bound = 0;
    vm->batch_epoch = ++f->epoch_counter; /* a pending deadline is stale */
    if (vm->state == INST_BUSY)
        set_state(f, vm, INST_IDLE);
    terminate(f, vm, 1);
    int counted = sim_now(f->sim) >= f->w->warmup;
    f->spot_interruptions += (uint64_t)counted;
    for (size_t k = 0; k < h.n; k++) {
        Request *req = f->held[k];
        if (req->start >= 0)
            f->w->served_vm--; /* a start lost, not a request served */
        f->spot_retried += (uint64_t)counted;
        world_retry_request(f->w, req);
    }
}

void vmfleet_handle(VmFleet *f, const Event *ev)
{
    switch (ev->kind) {
    case EV_DONE:
        on_done(f, ev->obj);
        break;
    case EV_VM_READY: {
        Vm *vm = ev->obj;
        if (ev->epoch != vm->life_epoch) { /* interrupted while booting */
            f->w->stale++;
        } else if (vm->noticed) {
            boot_done(f, vm);
        } else if (vm->draining) { /* scaled in while booting */
            vm->draining = 0;
            terminate(f, vm, 0);
        } else {
            on_ready(f, vm);
        }
        break;
    }
    case EV_VM_NOTICE: {
        Vm *vm = ev->obj;
        if (vm == NULL)
            on_forced_notice(f);
        else if (ev->epoch == vm->life_epoch && !vm->noticed)
            on_notice(f, vm);
        else
            f->w->stale++;
        break;
    }
    case EV_VM_INTERRUPT: {
        Vm *vm = ev->obj;
        if (ev->epoch == vm->life_epoch)
            on_interrupt(f, vm);
        else
            f->w->stale++;
        break;
    }
    case EV_VM_SCALE:
        on_scale(f);
        break;
    case EV_VM_BATCH: {
        Vm *vm = ev->obj;
        if (ev->epoch == vm->batch_epoch)
            try_run_batch(f, vm);
        else
            f->w->stale++;
        break;
    }
    default:
        assert(0 && "not a VM event");
    }
}

/* ---- interface ------------------------------------------------------ */

VmFleet *vmfleet_create(World *w, const VmSpec *spec, double timeout_s)
{
    VmFleet *f = xcalloc(1, sizeof *f);
    f->w = w;
    f->spec = spec;
    f->sim = w->sim;
    f->m = w->m;
    f->slots = spec->slots > 0 ? spec->slots : 1;
    f->batching = spec->max_batch > 1;
    f->max_batch = f->batching ? spec->max_batch : 1;
    f->batch_wait_us = time_from_s(spec->batch_wait_s);
    pool_init(&f->vm_pool, sizeof(Vm), 64);
    int is_cpu = spec_cpu_class(spec->type.hardware);
    f->cpu_factor = is_cpu ? spec_cpu_factor(spec->hw.ref_vcpus,
                                             spec->type.vcpus / f->slots)
                           : 1.0;
    Dist d = profile_warm_dist(&spec->hw, 1);
    f->mean_service_s = dist_mean_s(&d) * f->cpu_factor;
    f->timeout_us = time_from_s(timeout_s);
    if (spec->spot.enabled && spec->spot.per_hour > 0)
        f->r_spot = rng_create(w->rc->seed, w->rc->rep, RNG_SPOT, 0);
    for (int k = 0; k < spec->count; k++)
        launch(f, 1);
    for (int k = 0; spec->spot.enabled && k < spec->spot.n_notice_at; k++) {
        SimTime at = time_from_s(spec->spot.notice_at_s[k]);
        if (at < w->rc->horizon)
            world_schedule(w, at, EV_VM_NOTICE, NULL, 0);
    }
    if (spec->as.enabled && time_from_s(spec->as.period_s) < w->rc->horizon)
        world_schedule(w, time_from_s(spec->as.period_s), EV_VM_SCALE, NULL,
                       0);
    return f;
}

void vmfleet_destroy(VmFleet *f)
{
    if (f == NULL)
        return;
    free(f->vms);
    free(f->held);
    if (f->r_spot != NULL)
        gsl_rng_free(f->r_spot);
    pool_fini(&f->vm_pool);
    free(f);
}

int vmfleet_has_free_slot(const VmFleet *f) { return f->free_slots > 0; }

double vmfleet_expected_wait_s(const VmFleet *f)
{
    if (f->free_slots > 0)
        return 0.0;
    if (f->ready_slots == 0)
        return HUGE_VAL;
    return (f->q_total + 1) * f->mean_service_s / f->ready_slots;
}

int vmfleet_queued(const VmFleet *f) { return f->q_total; }

void vmfleet_close(VmFleet *f, SimTime horizon)
{
    assert(!f->closed);
    advance(f);
    for (int k = 0; k < f->n_vms; k++)
        f->billed_s += pricing_vm_billed_s(horizon - f->vms[k]->launched_at,
                                           f->spec->type.min_billed_s);
    f->closed = 1;
}

double vmfleet_cost_usd(const VmFleet *f, SimTime now, int final)
{
    double rate = f->spec->type.usd_per_hour / 3600.0 *
                  f->spec->price_multiplier;
    assert(!final || f->closed);
    if (f->closed) /* billed_s holds every VM's billed life */
        return (double)f->billed_s * rate;
    double live_s = 0;
    for (int k = 0; k < f->n_vms; k++)
        live_s += time_to_s(now - f->vms[k]->launched_at);
    return ((double)f->billed_s + live_s) * rate;
}

void vmfleet_spot_counts(const VmFleet *f, uint64_t *interruptions,
                         uint64_t *retried)
{
    *interruptions = f->spot_interruptions;
    *retried = f->spot_retried;
}

double vmfleet_utilization(const VmFleet *f)
{
    return f->ready_slot_us > 0 ? f->busy_slot_us / f->ready_slot_us : 0.0;
}

int64_t vmfleet_vm_id(const Vm *vm) { return (int64_t)vm->id; }

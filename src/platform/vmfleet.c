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
 * What runs inside a VM is its executor's (executor/executor.h), the same
 * tables serverless instances run: `single` (one request per slot) or
 * `batch` (dynamic batching, max_batch > 1, one slot per VM: as on
 * serverless instances, a VM runs one batch while the next forms; requests
 * join the forming batch of the VM the balancer picks while it has room,
 * the batch runs when the VM is free and the batch is full or its oldest
 * request has waited batch_wait, for the profile's a + c b at the first
 * request's quantile).  The fleet keeps slots, queues and billing and
 * hears of starts through the executor's hooks.
 *
 * Representation: live VMs in an array (index order = launch order, for
 * round-robin and least-outstanding scans, O(VMs) per request for those
 * two); VMs with a free slot on an intrusive list for shared-queue routing,
 * O(1).  A busy-slot and a ready-slot integral give utilization.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rng.h"
#include "../executor/executor.h"
#include "../util/pool.h"
#include "../util/xalloc.h"
#include "platform.h"
#include "spot.h"

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
    ExecUnit unit;            /* its executor's state (a forming batch) */
    SimTime launched_at;
} Vm;

typedef struct VmFleet VmFleet;

struct VmFleet {
    World *w;
    const VmSpec *spec;
    Executor ex;              /* what runs inside its VMs */
    uint64_t served;          /* requests started (less lost starts) */
    double usd_w;             /* VM cost accrued by the warm-up point */
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
    double cpu_factor;
    double mean_service_s;
    /* utilization */
    SimTime last_t;
    int busy_slots, ready_slots;
    double busy_slot_us, ready_slot_us;
    double tick_busy0, tick_ready0;
    SimTime last_change;
    /* spot */
    gsl_rng *r_spot;          /* notice draws; NULL without random notices */
    uint64_t spot_interruptions, spot_retried; /* from the warm-up point */
    SpotHeld held;            /* scratch: what an interrupted VM held */
    /* billing */
    int64_t billed_s;         /* terminated (or closed) VMs */
    int closed;
    uint64_t next_id;
    uint32_t epoch_counter;   /* batch and life epochs: unique across pool
                                 reuse (DONEs: world_done_epoch) */
};

static void serve(VmFleet *f, Vm *vm, Request *req);
static int batching(const VmFleet *f);

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
    return executor_room(&f->ex, &vm->unit, vm->in_use, 0);
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
    if (f->ex.ops->start_us != NULL) /* the executor's (llm) pieces */
        return f->ex.ops->start_us(&f->ex);
    gsl_rng *r = world_cold_rng(f->w);
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
    SimTime at;
    if (spot_next_notice(f->r_spot, f->spec->spot.per_hour, sim_now(f->sim),
                         world_config(f->w)->horizon, &at))
        world_schedule(f->w, at, EV_VM_NOTICE, vm, vm->life_epoch);
}

static Vm *launch(VmFleet *f, int ready_now)
{
    SimTime now = sim_now(f->sim);
    Vm *vm = pool_get(&f->vm_pool);
    vm->id = f->next_id++;
    f->ex.ops->unit_init(&f->ex, &vm->unit, vm);
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
                               : pricing_vm_entry_billed_s(&f->spec->type,
                                                           life);
    vm->life_epoch = 0; /* its pending events are stale */
    f->ex.ops->unit_fini(&f->ex, &vm->unit);
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

/* After its slots took what they could: a VM left with nothing goes idle
 * (and a draining one terminates); one still serving stays on the
 * free-slot list as it has room. */
static void settle(VmFleet *f, Vm *vm)
{
    if (vm->in_use == 0) {
        set_state(f, vm, INST_IDLE);
        if (vm->draining && !vm->noticed && vm->q_len == 0) {
            terminate(f, vm, 0);
            return;
        }
    }
    touch(f, vm);
}

/* ---- the executor's hooks -------------------------------------------- */

static int batching(const VmFleet *f) { return f->ex.ops->forms_batches; }

/* Requests start on vm: one in a free slot (single), or its batch of n in
 * its one slot (batch). */
static SimTime hook_start(void *platform, ExecUnit *u, Request *first, int n)
{
    VmFleet *f = platform;
    Vm *vm = u->owner;
    advance(f);
    if (batching(f)) {
        set_state(f, vm, INST_BUSY);
        vm->in_use = n;
        for (Request *req = first; req != NULL; req = req->next)
            req->done_epoch = world_done_epoch(f->w);
        f->busy_slots += 1; /* the VM's one slot runs the batch */
        f->free_slots -= vm->draining ? 0 : 1;
        touch(f, vm);
        return 0;
    }
    assert(n == 1 && vm->in_use < f->slots);
    if (vm->in_use == 0)
        set_state(f, vm, INST_BUSY);
    vm->in_use++;
    f->busy_slots++;
    if (!vm->draining)
        f->free_slots--;
    touch(f, vm);
    first->vm = vm;
    first->start = sim_now(f->sim);
    first->done_epoch = world_done_epoch(f->w);
    return 0;
}

static void hook_joined(void *platform, ExecUnit *u, Request *req)
{
    VmFleet *f = platform;
    Vm *vm = u->owner;
    req->vm = vm;
    if (vm->state == INST_IDLE)
        set_state(f, vm, INST_BUSY);
    touch(f, vm);
}

static int hook_can_run(void *platform, const ExecUnit *u)
{
    (void)platform;
    const Vm *vm = u->owner;
    int ready = vm->state == INST_IDLE || vm->state == INST_BUSY;
    return ready && vm->in_use == 0;
}

static void hook_ended(void *platform, ExecUnit *u, Request *req,
                       ReqOutcome outcome);
static void hook_refill(void *platform, ExecUnit *u);

static const ExecHooks vm_hooks = {hook_start, hook_joined, hook_can_run,
                                   hook_ended, hook_refill};

/* Gives req to ready vm, which has room: the executor starts or holds
 * it. */
static void serve(VmFleet *f, Vm *vm, Request *req)
{
    f->ex.ops->take(&f->ex, &vm->unit, req);
}

/* vm's room (free slots, or its forming batch) takes its queue, then the
 * fleet's, in order. */
static void take_queue(VmFleet *f, Vm *vm)
{
    Request *req;
    while (has_room(f, vm) && (req = next_for(f, vm)) != NULL)
        serve(f, vm, req);
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
        int out = vm->in_use + vm->q_len + vm->unit.held;
        if (best == NULL || out < best_out ||
            (out == best_out && vm->index < best->index)) {
            best = vm;
            best_out = out;
        }
    }
    return best;
}

static void vm_route(void *st, Request *req)
{
    VmFleet *f = st;
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
    take_queue(f, vm); /* may fill the forming batch: it runs */
    f->ex.ops->kick(&f->ex, &vm->unit);
    if (vm->in_use > 0 || vm->unit.held > 0)
        return;
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
    if (batching(f)) {
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
    settle(f, vm);
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
    if (batching(f)) {
        take_queue(f, vm);
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
    f->free_slots -= batching(f) ? (vm->in_use == 0) : f->slots - vm->in_use;
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
    if (next < world_config(f->w)->horizon)
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
    if (at < world_config(f->w)->horizon)
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

static int held_by_vm(const Request *req, const void *vm)
{
    return req->where == REQ_AT_VM && req->vm == vm;
}

/* The provider reclaims vm: what it holds (spot_collect) is routed again,
 * oldest first, once the VM is gone. */
static void on_interrupt(VmFleet *f, Vm *vm)
{
    SpotHeld *h = &f->held;
    spot_collect(f->w, h, held_by_vm, vm);
    size_t started = 0;
    for (size_t k = 0; k < h->n; k++)
        started += h->v[k]->start >= 0;
    assert(started == (size_t)vm->in_use);
    assert(h->n - started ==
           (size_t)(vm->q_len + (batching(f) ? vm->unit.held : 0)));
    (void)started;
    advance(f);
    if (vm->in_use > 0)
        f->busy_slots -= batching(f) ? 1 : vm->in_use;
    vm->in_use = 0;
    f->q_total -= vm->q_len;
    vm->q_len = 0;
    vm->q_head = vm->q_tail = NULL;
    f->ex.ops->clear(&f->ex, &vm->unit); /* its forming batch is lost */
    if (vm->state == INST_BUSY)
        set_state(f, vm, INST_IDLE);
    terminate(f, vm, 1);
    int counted = sim_now(f->sim) >= world_warmup(f->w);
    f->spot_interruptions += (uint64_t)counted;
    for (size_t k = 0; k < h->n; k++) {
        Request *req = h->v[k];
        if (req->start >= 0)
            f->served--; /* a start lost, not a request served */
        f->spot_retried += (uint64_t)counted;
        world_retry_request(f->w, req);
    }
}

/* A request ended inside the executor (llm): its slot frees. */
static void hook_ended(void *platform, ExecUnit *u, Request *req,
                       ReqOutcome outcome)
{
    VmFleet *f = platform;
    Vm *vm = u->owner;
    advance(f);
    vm->in_use--;
    f->busy_slots--;
    if (!vm->draining)
        f->free_slots++;
    world_end_request(f->w, req, outcome);
}

/* Freed slots take the VM's queue, then the fleet's; a VM left with
 * nothing goes idle (and a draining one terminates). */
static void hook_refill(void *platform, ExecUnit *u)
{
    VmFleet *f = platform;
    Vm *vm = u->owner;
    take_queue(f, vm);
    settle(f, vm);
}

static void vm_handle(void *st, const Event *ev)
{
    VmFleet *f = st;
    switch (ev->kind) {
    case EV_DONE:
        on_done(f, ev->obj);
        break;
    case EV_VM_READY: {
        Vm *vm = ev->obj;
        if (ev->epoch != vm->life_epoch) { /* interrupted while booting */
            world_count_stale(f->w);
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
            world_count_stale(f->w);
        break;
    }
    case EV_VM_INTERRUPT: {
        Vm *vm = ev->obj;
        if (ev->epoch == vm->life_epoch)
            on_interrupt(f, vm);
        else
            world_count_stale(f->w);
        break;
    }
    case EV_VM_SCALE:
        on_scale(f);
        break;
    case EV_VM_BATCH:
    case EV_VM_ITER:
    case EV_VM_ITER_KICK:
        f->ex.ops->handle(&f->ex, ev);
        break;
    default:
        assert(0 && "not a VM event");
    }
}

/* ---- interface ------------------------------------------------------ */

static void *vm_create(World *w, const AltSpec *alt)
{
    const VmSpec *spec = &alt->vm;
    const RunConfig *rc = world_config(w);
    VmFleet *f = xcalloc(1, sizeof *f);
    f->w = w;
    f->spec = spec;
    f->sim = world_sim(w);
    f->m = world_metrics(w);
    f->slots = spec->slots > 0 ? spec->slots : 1;
    pool_init(&f->vm_pool, sizeof(Vm), 64);
    int is_cpu = spec_cpu_class(spec->type.hardware);
    f->cpu_factor = is_cpu ? spec_cpu_factor(spec->hw.ref_vcpus,
                                             spec->type.vcpus / f->slots)
                           : 1.0;
    ExecConfig cfg = {0};
    cfg.hw = &spec->hw;
    cfg.cpu_factor = f->cpu_factor;
    cfg.batch = 1;
    cfg.timeout_us = time_from_s(alt->timeout_s);
    cfg.slots = f->slots;
    cfg.max_batch = spec->max_batch > 1 ? spec->max_batch : 1;
    cfg.batch_wait_us = time_from_s(spec->batch_wait_s);
    cfg.batch_event = EV_VM_BATCH;
    cfg.iter_event = EV_VM_ITER;
    cfg.kick_event = EV_VM_ITER_KICK;
    cfg.llm = &spec->llm;
    cfg.engines = spec_vm_engines(spec);
    executor_init(&f->ex, executor_resolve(spec->executor, spec->max_batch),
                  &cfg, w, &vm_hooks, f, &f->epoch_counter, &f->served);
    Dist d = profile_warm_dist(&spec->hw, 1);
    f->mean_service_s = dist_mean_s(&d) * f->cpu_factor;
    if (spec->spot.enabled && spec->spot.per_hour > 0)
        f->r_spot = rng_create(rc->seed, rc->rep, RNG_SPOT, 0);
    for (int k = 0; k < spec->count; k++)
        launch(f, 1);
    for (int k = 0; spec->spot.enabled && k < spec->spot.n_notice_at; k++) {
        SimTime at = time_from_s(spec->spot.notice_at_s[k]);
        if (at < rc->horizon)
            world_schedule(w, at, EV_VM_NOTICE, NULL, 0);
    }
    if (spec->as.enabled && time_from_s(spec->as.period_s) < rc->horizon)
        world_schedule(w, time_from_s(spec->as.period_s), EV_VM_SCALE, NULL,
                       0);
    return f;
}

static void vm_destroy(void *st)
{
    VmFleet *f = st;
    if (f == NULL)
        return;
    for (int k = 0; k < f->n_vms; k++)
        f->ex.ops->unit_fini(&f->ex, &f->vms[k]->unit); /* (llm: engines) */
    free(f->vms);
    spot_held_fini(&f->held);
    if (f->r_spot != NULL)
        gsl_rng_free(f->r_spot);
    executor_fini(&f->ex);
    pool_fini(&f->vm_pool);
    free(f);
}

/* A ready VM has a free slot now. */
static int vm_accepts(const void *st)
{
    return ((const VmFleet *)st)->free_slots > 0;
}

/* Expected queueing delay of a request routed now, seconds: 0 with a free
 * slot, else (queued + 1) x mean service / ready slots (M/M/c-like). */
static double vm_expected_wait_s(const void *st)
{
    const VmFleet *f = st;
    if (f->free_slots > 0)
        return 0.0;
    if (f->ready_slots == 0)
        return HUGE_VAL;
    return (f->q_total + 1) * f->mean_service_s / f->ready_slots;
}

static int vm_queued(const void *st) { return ((const VmFleet *)st)->q_total; }

/* Ends every VM's billing at the horizon. */
static void vm_close(void *st, SimTime horizon)
{
    VmFleet *f = st;
    assert(!f->closed);
    advance(f);
    for (int k = 0; k < f->n_vms; k++)
        f->billed_s += pricing_vm_entry_billed_s(
            &f->spec->type, horizon - f->vms[k]->launched_at);
    f->closed = 1;
}

/* Dollars for VM time: after vm_close (per second, 60 s minimum per VM;
 * `final` says the caller expects that), otherwise accrued so far,
 * unrounded. */
static double vm_usd(const VmFleet *f, SimTime now, int final)
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

static void vm_warmup(void *st, SimTime now)
{
    VmFleet *f = st;
    f->usd_w = vm_usd(f, now, 0);
}

static double vm_cost_usd(void *st, SimTime now, int final, int since_warmup,
                          double *v)
{
    VmFleet *f = st;
    double usd = vm_usd(f, now, final) - (since_warmup ? f->usd_w : 0.0);
    if (v != NULL)
        v[MET_cost_vm_usd] += usd;
    return usd;
}

/* Utilization (busy slot-seconds / ready slot-seconds) and the spot
 * counts from the warm-up point on. */
static void vm_stats(void *st, SimTime h, double *v, FILE *fn_out)
{
    const VmFleet *f = st;
    (void)h;
    (void)fn_out;
    v[MET_vm_util_pct] = 100.0 * (f->ready_slot_us > 0
                                      ? f->busy_slot_us / f->ready_slot_us
                                      : 0.0);
    v[MET_spot_interruptions] = (double)f->spot_interruptions;
    v[MET_spot_retried] = (double)f->spot_retried;
}

static int64_t vm_server_id(const void *st, const Request *req)
{
    (void)st;
    return req->vm != NULL ? (int64_t)req->vm->id : -1;
}

/* The LLM engines' counters: live VMs' and those gone. */
static void vm_llm_stats(const void *st, SimTime now, LlmRunStats *sum)
{
    const VmFleet *f = st;
    if (f->ex.ops->stats == NULL)
        return;
    for (int k = 0; k < f->n_vms; k++)
        executor_stats(&f->ex, &f->vms[k]->unit, now, sum);
    executor_stats(&f->ex, NULL, now, sum);
}

static uint64_t vm_served(const void *st)
{
    return ((const VmFleet *)st)->served;
}

const PlatformOps platform_vm = {
    .name = "vm",
    .events = EV_BIT(EV_VM_READY) | EV_BIT(EV_VM_NOTICE) |
              EV_BIT(EV_VM_INTERRUPT) | EV_BIT(EV_VM_SCALE) |
              EV_BIT(EV_VM_BATCH) | EV_BIT(EV_VM_ITER) |
              EV_BIT(EV_VM_ITER_KICK),
    .vm_served = 1,
    .create = vm_create,
    .destroy = vm_destroy,
    .route = vm_route,
    .accepts = vm_accepts,
    .expected_wait_s = vm_expected_wait_s,
    .handle = vm_handle,
    .queued = vm_queued,
    .prefetch = NULL,
    .warm = NULL,
    .check = NULL,
    .warmup = vm_warmup,
    .close = vm_close,
    .bill_partial = NULL,
    .cost_usd = vm_cost_usd,
    .stats = vm_stats,
    .server_id = vm_server_id,
    .served = vm_served,
    .llm_stats = vm_llm_stats,
};

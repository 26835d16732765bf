/*
 * knative.c - the `knative` platform: Knative Serving on a node pool the
 * customer pays for (self-hosted scale-to-zero).
 *
 * Pods of one revision run on a fixed pool of VM nodes of one catalog type
 * (the alternative's "vm": instance_type, count, pricing), each pod taking
 * pod_vcpus and pod_memory_mb of its node, and one GPU on a GPU type
 * (entity/cluster.c, first-fit);
 * the nodes are billed per second for the whole run, 60 s minimum, busy or
 * not, so scaling pods to zero saves nothing on the bill of a fixed pool:
 * it frees room for other work.  A pod serves at most container_concurrency
 * requests at once (0: no limit), each at the profile's speed (no sharing
 * of the pod's vCPUs: set container_concurrency to what a pod serves at
 * once); requests go to the ready pod with the fewest in flight.  A pod
 * starts in the profile's cold start (container start + runtime init +
 * model load, on the node's hardware class).
 *
 * The activator: a request that finds no ready pod with a free slot waits
 * in its buffer (FIFO) and is sent to the first slot that frees or pod
 * that becomes ready; one that arrives when the revision has no pod at all
 * makes the autoscaler start one at once (the activator's poke).  Such a
 * request, which waited with no pod ready, is cold.
 *
 * The Knative pod autoscaler (KPA), as documented (knative.dev/docs/
 * serving/autoscaling: "Configuring targets", "Additional autoscaling
 * configuration for Knative Pod Autoscaler", "Configuring scale bounds",
 * "Configure scale to zero", read 2026-12) and implemented in
 * knative/serving pkg/autoscaler/scaling/autoscaler.go: concurrency (the
 * requests in pods and in the activator) is averaged in buckets of 1 s;
 * every tick_s it takes the average over the stable window (60 s) and over
 * the panic window (10% of it, 6 s) -- before a window's length has
 * passed, over the seconds so far -- and with T = target x utilization
 * (100 x 70% by default) and R = max(1, ready pods):
 *   stable = ceil(avg_stable / T), panic = ceil(avg_panic / T), each kept
 *   within [floor(R / max_scale_down_rate), ceil(R x max_scale_up_rate)];
 *   panic mode starts (or is extended) when panic / R >= panic_threshold
 *   (200%), and ends at the first tick more than a stable window after it
 *   was last extended; in panic the desired count is the largest panic
 *   count seen since it started (no scale-down), else stable;
 *   then min_scale <= desired <= max_scale (0: none).
 * Scale to zero: when the desired count is 0 the last pod stays until
 * scale_to_zero_grace_s (30 s) after the first tick that wanted 0, and goes
 * at the first tick from then on that still wants 0.  Extra pods go
 * starting ones first, then idle ones (newest first), then busy ones,
 * which take no new requests and go when empty.  A pod that finds no room
 * on a node waits (pending) until a pod goes.
 *
 * Representation: pods in a growable array of pointers (a revision has at
 * most hundreds), the activator a FIFO through Request.next, the 1 s
 * buckets a ring as long as the stable window, filled from the integral of
 * the concurrency between changes.  O(pods) per routing decision.
 */
#include "knative.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

typedef struct KnPod {
    int id;
    int node;                  /* -1: pending, no room yet */
    uint64_t gpus;             /* the node's GPUs it holds (a mask) */
    int in_use;                /* requests on it */
    int ready;
    int draining;              /* takes no new requests; goes when empty */
    InstState state;           /* for the instance metrics */
    int index;                 /* in Knative.pods */
} KnPod;

typedef struct Knative {
    World *w;
    const AltSpec *alt;
    const KnativeSpec *kn;
    Metrics *m;
    Cluster cl;
    ClusterSpec cl_spec;
    Demand dem;
    double cpu_factor;
    SimTime timeout_us;        /* 0 = none */
    KnPod **pods;
    int n_pods, cap_pods;
    int next_pod_id;
    int n_ready, n_starting, n_pending; /* not draining */
    Request *buf_head, *buf_tail; /* the activator */
    int n_buf;
    /* concurrency and its 1 s buckets */
    int conc;                  /* requests in pods + in the activator */
    SimTime conc_since;
    double *bucket_us;         /* ring: integral of conc over second b */
    int n_buckets;             /* the stable window + 1 */
    int64_t cur_bucket;        /* second being filled */
    /* the autoscaler */
    SimTime panic_time;        /* -1: not in panic */
    int max_panic_pods;
    SimTime zero_since;        /* first tick that wanted 0, or -1 */
    KnTick *log;
    int n_log;
    uint64_t served;
    uint64_t billed_s;         /* after close */
    int closed;
    double usd_w;              /* at the warm-up point */
} Knative;

/* ---- concurrency buckets --------------------------------------------- */

/* Adds conc x time up to now into the buckets it spans. */
static void conc_advance(Knative *k, SimTime now)
{
    const SimTime sec = 1000000;
    while (k->conc_since < now) {
        SimTime end = (k->cur_bucket + 1) * sec;
        SimTime upto = now < end ? now : end;
        k->bucket_us[k->cur_bucket % k->n_buckets] +=
            (double)k->conc * (double)(upto - k->conc_since);
        k->conc_since = upto;
        if (upto == end) {
            k->cur_bucket++;
            k->bucket_us[k->cur_bucket % k->n_buckets] = 0;
        }
    }
}

static void conc_add(Knative *k, int d)
{
    conc_advance(k, sim_now(world_sim(k->w)));
    k->conc += d;
}

/* Mean concurrency over the last `win` whole seconds before now (a tick
 * time, a whole second), or over the seconds so far if fewer. */
static double window_avg(const Knative *k, int win)
{
    int64_t have = k->cur_bucket < win ? k->cur_bucket : win;
    if (have <= 0)
        return 0.0;
    double sum = 0;
    for (int64_t b = k->cur_bucket - have; b < k->cur_bucket; b++)
        sum += k->bucket_us[b % k->n_buckets];
    return sum / 1e6 / (double)have;
}

/* ---- pods ------------------------------------------------------------ */

static void pod_state(Knative *k, KnPod *p, InstState to)
{
    metrics_instance(k->m, sim_now(world_sim(k->w)), p->state, to);
    p->state = to;
}

static SimTime draw_us(const Dist *d, gsl_rng *r, double factor)
{
    double x = dist_sample_s(d, r) * factor;
    return x > 0 ? time_from_s(x) : 0;
}

/* The profile's cold start on the node's hardware. */
static SimTime start_us(Knative *k)
{
    const HwProfile *hw = &k->alt->vm.hw;
    gsl_rng *r = world_cold_rng(k->w);
    if (hw->cold_mode == COLD_TOTAL)
        return draw_us(&hw->cold_total, r, k->cpu_factor);
    double load_s = dist_sample_s(&hw->model_load, r);
    if (hw->load_mb_per_s > 0)
        load_s += k->alt->model_size_mb / hw->load_mb_per_s;
    return draw_us(&hw->sandbox, r, 1.0) +
           draw_us(&hw->runtime, r, k->cpu_factor) +
           time_from_s(load_s * k->cpu_factor);
}

/* A pending pod gets a node and starts (or is ready at once: the initial
 * pods at time 0), if one has room. */
static int place(Knative *k, KnPod *p, int ready_now)
{
    int node = cluster_pick(&k->cl, &k->dem, NULL);
    if (node < 0)
        return 0;
    SimTime now = sim_now(world_sim(k->w));
    p->node = node;
    p->gpus = cluster_take(&k->cl, node, &k->dem, now);
    k->n_pending--;
    pod_state(k, p, INST_STARTING);
    if (ready_now) {
        p->ready = 1;
        k->n_ready++;
        pod_state(k, p, INST_IDLE);
        return 1;
    }
    k->n_starting++;
    k->m->instance_starts++;
    world_schedule(k->w, now + start_us(k), EV_KN_READY, p, 0);
    return 1;
}

static void add_pod(Knative *k, int ready_now)
{
    KnPod *p = xcalloc(1, sizeof *p);
    p->id = k->next_pod_id++;
    p->node = -1;
    p->state = INST_GONE;
    if (k->n_pods == k->cap_pods) {
        k->cap_pods = k->cap_pods ? 2 * k->cap_pods : 16;
        k->pods = xrealloc(k->pods, (size_t)k->cap_pods * sizeof *k->pods);
    }
    p->index = k->n_pods;
    k->pods[k->n_pods++] = p;
    k->n_pending++;
    place(k, p, ready_now);
}

/* Places pending pods, oldest first, while nodes have room. */
static void place_pending(Knative *k)
{
    for (int i = 0; i < k->n_pods && k->n_pending > 0; i++) {
        KnPod *p = k->pods[i];
        if (p->node < 0 && !p->draining && !place(k, p, 0))
            return;
    }
}

static void remove_pod(Knative *k, KnPod *p)
{
    SimTime now = sim_now(world_sim(k->w));
    assert(p->in_use == 0);
    if (p->node >= 0)
        cluster_release(&k->cl, p->node, &k->dem, p->gpus, now);
    if (p->state != INST_GONE)
        pod_state(k, p, INST_GONE);
    k->pods[p->index] = k->pods[--k->n_pods];
    k->pods[p->index]->index = p->index;
    free(p);
    place_pending(k);
}

/* ---- requests -------------------------------------------------------- */

static void serve(Knative *k, KnPod *p, Request *req)
{
    SimTime now = sim_now(world_sim(k->w));
    req->pod = p;
    req->start = now;
    SimTime run = world_service_us(req, &k->alt->vm.hw, 1, k->cpu_factor);
    if (k->timeout_us > 0 && run > k->timeout_us) {
        run = k->timeout_us;
        req->outcome = REQ_TIMED_OUT; /* recorded at DONE */
    }
    req->service_us = req->run_us = run;
    if (p->in_use++ == 0)
        pod_state(k, p, INST_BUSY);
    k->served++;
    req->done_epoch = world_done_epoch(k->w);
    world_schedule(k->w, now + run, EV_DONE, req, req->done_epoch);
}

static int has_slot(const Knative *k, const KnPod *p)
{
    return p->ready && !p->draining &&
           (k->kn->container_concurrency == 0 ||
            p->in_use < k->kn->container_concurrency);
}

/* The ready pod with a free slot and the fewest in flight, or NULL. */
static KnPod *pick(const Knative *k)
{
    KnPod *best = NULL;
    for (int i = 0; i < k->n_pods; i++) {
        KnPod *p = k->pods[i];
        if (has_slot(k, p) &&
            (best == NULL || p->in_use < best->in_use ||
             (p->in_use == best->in_use && p->id < best->id)))
            best = p;
    }
    return best;
}

/* The activator sends what it holds to the free slots. */
static void drain_buffer(Knative *k)
{
    KnPod *p;
    while (k->buf_head != NULL && (p = pick(k)) != NULL) {
        Request *req = k->buf_head;
        k->buf_head = req->next;
        if (k->buf_head == NULL)
            k->buf_tail = NULL;
        req->next = NULL;
        k->n_buf--;
        serve(k, p, req);
    }
}

static void kn_route(void *st, Request *req)
{
    Knative *k = st;
    req->where = REQ_AT_POD;
    conc_add(k, 1);
    KnPod *p = pick(k);
    if (p != NULL) {
        serve(k, p, req);
        return;
    }
    if (k->n_ready == 0) { /* it waits for a pod to start */
        req->cold = 1;
        req->bound_at = sim_now(world_sim(k->w));
    }
    req->next = NULL;
    if (k->buf_tail != NULL)
        k->buf_tail->next = req;
    else
        k->buf_head = req;
    k->buf_tail = req;
    k->n_buf++;
    if (k->n_ready + k->n_starting + k->n_pending == 0 &&
        (k->kn->max_scale == 0 || k->kn->max_scale >= 1)) {
        k->zero_since = -1; /* the activator's poke: one pod at once */
        add_pod(k, 0);
    }
}

static void on_done(Knative *k, Request *req)
{
    KnPod *p = req->pod;
    ReqOutcome outcome =
        req->outcome == REQ_TIMED_OUT ? REQ_TIMED_OUT : REQ_COMPLETED;
    conc_add(k, -1);
    world_end_request(k->w, req, outcome); /* its record names p */
    if (--p->in_use == 0) {
        if (p->draining) {
            remove_pod(k, p);
            drain_buffer(k);
            return;
        }
        pod_state(k, p, INST_IDLE);
    }
    drain_buffer(k);
}

static void on_ready(Knative *k, KnPod *p)
{
    p->ready = 1;
    if (p->draining) { /* it was told to go while it started */
        remove_pod(k, p);
        return;
    }
    k->n_starting--;
    k->n_ready++;
    pod_state(k, p, INST_IDLE);
    drain_buffer(k);
}

/* ---- the autoscaler -------------------------------------------------- */

/* Takes one pod away: pending, then starting, then idle (newest first),
 * then busy (it drains). */
static void shed_one(Knative *k)
{
    KnPod *best = NULL;
    int best_rank = 0;
    for (int i = 0; i < k->n_pods; i++) {
        KnPod *p = k->pods[i];
        if (p->draining)
            continue;
        int rank = p->node < 0 ? 4 : !p->ready ? 3 : p->in_use == 0 ? 2 : 1;
        if (best == NULL || rank > best_rank ||
            (rank == best_rank && p->id > best->id)) {
            best = p;
            best_rank = rank;
        }
    }
    assert(best != NULL);
    if (best_rank == 4) {
        k->n_pending--;
        remove_pod(k, best);
    } else if (best_rank == 3) {
        k->n_starting--;
        best->draining = 1; /* goes when ready */
    } else if (best_rank == 2) {
        k->n_ready--;
        remove_pod(k, best);
    } else {
        k->n_ready--;
        best->draining = 1;
    }
}

static int clamp_int(double x, double lo, double hi)
{
    double y = x < lo ? lo : x > hi ? hi : x;
    return (int)y;
}

/* One KPA decision at `now` (see the top of the file). */
static int kpa_desired(Knative *k, SimTime now, KnTick *t)
{
    const KnativeSpec *kn = k->kn;
    double target = kn->target * kn->utilization;
    double ready = k->n_ready > 0 ? k->n_ready : 1;
    double up = ceil(kn->max_scale_up_rate * ready);
    double down = floor(ready / kn->max_scale_down_rate);
    t->stable_avg = window_avg(k, kn->stable_window_s);
    t->panic_avg = window_avg(k, kn->panic_window_s);
    double dspc = ceil(t->stable_avg / target);
    double dppc = ceil(t->panic_avg / target);
    int stable = clamp_int(dspc, down, up);
    int panic = clamp_int(dppc, down, up);
    int over = dppc / ready >= kn->panic_threshold;
    SimTime window = (SimTime)kn->stable_window_s * 1000000;
    if (over) {
        if (k->panic_time < 0)
            k->max_panic_pods = 0;
        k->panic_time = now;
    } else if (k->panic_time >= 0 && k->panic_time + window < now) {
        k->panic_time = -1;
    }
    int desired = stable;
    if (k->panic_time >= 0) {
        if (panic > k->max_panic_pods)
            k->max_panic_pods = panic;
        desired = k->max_panic_pods;
    }
    if (desired < kn->min_scale)
        desired = kn->min_scale;
    if (kn->max_scale > 0 && desired > kn->max_scale)
        desired = kn->max_scale;
    t->panic = k->panic_time >= 0;
    return desired;
}

static void on_tick(Knative *k)
{
    SimTime now = sim_now(world_sim(k->w));
    conc_advance(k, now);
    KnTick t = {0};
    t.t = now;
    int desired = kpa_desired(k, now, &t);
    int have = k->n_ready + k->n_starting + k->n_pending;
    if (desired == 0 && have > 0) {
        if (k->zero_since < 0)
            k->zero_since = now;
        if (now < k->zero_since + time_from_s(k->kn->scale_to_zero_grace_s))
            desired = 1; /* the last pod stays for the grace period */
    } else if (desired > 0) {
        k->zero_since = -1;
    }
    while (have < desired) {
        add_pod(k, 0);
        have++;
    }
    while (have > desired) {
        shed_one(k);
        have--;
    }
    t.desired = desired;
    t.ready = k->n_ready;
    if (k->n_log < KN_LOG_MAX)
        k->log[k->n_log++] = t;
    SimTime next = now + (SimTime)k->kn->tick_s * 1000000;
    if (next < world_config(k->w)->horizon)
        world_schedule(k->w, next, EV_KN_TICK, NULL, 0);
}

/* ---- the component ---------------------------------------------------- */

static void *kn_create(World *w, const AltSpec *a)
{
    Knative *k = xcalloc(1, sizeof *k);
    k->w = w;
    k->alt = a;
    k->kn = &a->kn;
    k->m = world_metrics(w);
    const PriceEntry *type = &a->vm.type;
    k->cl_spec.enabled = 1;
    k->cl_spec.n_kinds = 1;
    k->cl_spec.kind[0].count = a->vm.count;
    k->cl_spec.kind[0].vcpus = type->vcpus;
    k->cl_spec.kind[0].memory_gb = type->memory_gb;
    k->cl_spec.kind[0].gpus = type->gpus;
    k->cl_spec.place = PLACE_FIRST_FIT;
    cluster_init(&k->cl, &k->cl_spec, "");
    /* on a GPU node type a pod takes one whole GPU */
    k->dem = cluster_demand(a->kn.pod_vcpus, a->kn.pod_memory_mb,
                            type->gpus > 0 ? 1 : 0, 0);
    k->cpu_factor = spec_cpu_class(a->vm.hw.hw)
                        ? spec_cpu_factor(a->vm.hw.ref_vcpus, a->kn.pod_vcpus)
                        : 1.0;
    k->timeout_us = a->timeout_s > 0 ? time_from_s(a->timeout_s) : 0;
    k->n_buckets = a->kn.stable_window_s + 1; /* and the one filling */
    k->bucket_us = xcalloc((size_t)k->n_buckets, sizeof *k->bucket_us);
    k->panic_time = -1;
    k->zero_since = -1;
    k->log = xcalloc(KN_LOG_MAX, sizeof *k->log);
    for (int i = 0; i < a->kn.initial_scale; i++)
        add_pod(k, 1); /* ready at time 0 (pending if no node has room) */
    if ((SimTime)a->kn.tick_s * 1000000 < world_config(w)->horizon)
        world_schedule(w, (SimTime)a->kn.tick_s * 1000000, EV_KN_TICK, NULL,
                       0);
    return k;
}

static void kn_destroy(void *st)
{
    Knative *k = st;
    if (k == NULL)
        return;
    for (int i = 0; i < k->n_pods; i++)
        free(k->pods[i]);
    free(k->pods);
    free(k->bucket_us);
    free(k->log);
    cluster_fini(&k->cl);
    free(k);
}

static int kn_accepts(const void *st)
{
    const Knative *k = st;
    return pick(k) != NULL;
}

static double kn_expected_wait_s(const void *st)
{
    return kn_accepts(st) ? 0.0 : HUGE_VAL;
}

static void kn_handle(void *st, const Event *ev)
{
    Knative *k = st;
    switch (ev->kind) {
    case EV_DONE:
        on_done(k, ev->obj);
        break;
    case EV_KN_READY:
        on_ready(k, ev->obj);
        break;
    default:
        on_tick(k);
    }
}

static int kn_queued(const void *st) { return ((const Knative *)st)->n_buf; }

static int kn_check(const void *st, char *msg, size_t size)
{
    const Knative *k = st;
    int ready = 0, starting = 0, pending = 0, on = 0;
    for (int i = 0; i < k->n_pods; i++) {
        const KnPod *p = k->pods[i];
        on += p->in_use;
        if (p->draining)
            continue;
        if (p->node < 0)
            pending++;
        else if (p->ready)
            ready++;
        else
            starting++;
    }
    if (ready != k->n_ready || starting != k->n_starting ||
        pending != k->n_pending || on + k->n_buf != k->conc) {
        snprintf(msg, size,
                 "knative: pods ready/starting/pending %d/%d/%d counted "
                 "%d/%d/%d; %d in pods + %d buffered != concurrency %d",
                 ready, starting, pending, k->n_ready, k->n_starting,
                 k->n_pending, on, k->n_buf, k->conc);
        return -1;
    }
    return 0;
}

/* The node pool: every node for the whole run, per second, 60 s minimum
 * (the EC2 rule of the catalog entry). */
static double node_usd(const Knative *k, SimTime now, int final)
{
    const VmSpec *vm = &k->alt->vm;
    double rate = vm->type.usd_per_hour / 3600.0 * vm->price_multiplier;
    assert(!final || k->closed);
    if (k->closed)
        return (double)k->billed_s * rate;
    return (double)vm->count * time_to_s(now) * rate;
}

static void kn_close(void *st, SimTime horizon)
{
    Knative *k = st;
    k->billed_s = (uint64_t)k->alt->vm.count *
                  (uint64_t)pricing_vm_billed_s(horizon,
                                                k->alt->vm.type.min_billed_s);
    k->closed = 1;
}

static void kn_warmup(void *st, SimTime now)
{
    Knative *k = st;
    k->usd_w = node_usd(k, now, 0);
}

static double kn_cost_usd(void *st, SimTime now, int final, int since_warmup,
                          double *v)
{
    Knative *k = st;
    double usd = node_usd(k, now, final) - (since_warmup ? k->usd_w : 0.0);
    if (v != NULL)
        v[MET_cost_vm_usd] += usd;
    return usd;
}

/* Node memory in use, and the memory idle pods hold (pod-seconds idle
 * from the warm-up point on x pod_memory_mb). */
static void kn_stats(void *st, SimTime h, double *v, FILE *fn_out)
{
    Knative *k = st;
    (void)fn_out;
    v[MET_node_mem_util_pct] = 100.0 * cluster_mem_utilization(&k->cl, h);
    v[MET_idle_gb_s] = k->m->state_us[INST_IDLE] * 1e-6 *
                       k->kn->pod_memory_mb / 1024.0;
}

static int64_t kn_server_id(const void *st, const Request *req)
{
    (void)st;
    return req->pod != NULL ? req->pod->id : -1;
}

static uint64_t kn_served(const void *st)
{
    return ((const Knative *)st)->served;
}

const KnTick *knative_ticks(const void *st, int *n)
{
    const Knative *k = st;
    *n = k->n_log;
    return k->log;
}

int knative_pods(const void *st, int *ready, int *starting)
{
    const Knative *k = st;
    *ready = k->n_ready;
    *starting = k->n_starting;
    return k->n_pods;
}

const PlatformOps platform_knative = {
    .name = "knative",
    .events = EV_BIT(EV_KN_READY) | EV_BIT(EV_KN_TICK),
    .vm_served = 0,
    .create = kn_create,
    .destroy = kn_destroy,
    .route = kn_route,
    .accepts = kn_accepts,
    .expected_wait_s = kn_expected_wait_s,
    .handle = kn_handle,
    .queued = kn_queued,
    .prefetch = NULL,
    .warm = NULL,
    .check = kn_check,
    .warmup = kn_warmup,
    .close = kn_close,
    .bill_partial = NULL,
    .cost_usd = kn_cost_usd,
    .stats = kn_stats,
    .server_id = kn_server_id,
    .served = kn_served,
    .llm_stats = NULL,
    .carrier_ended = NULL,
};

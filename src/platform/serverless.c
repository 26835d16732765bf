/*
 * serverless.c - on-demand + provisioned serverless instances of one
 * function: a component of a World (world.h).
 *
 * Representation.  A run has one function, or -- replaying a many-function
 * trace -- thousands, each with its own instances, queue, keep-alive state
 * and counters (SrvFn), all drawing on the same nodes, instance pool and
 * account limits (max_instances, scaling rate).  Instances come from a pool
 * and sit on their function's intrusive lists:
 *   avail_pc, avail_od  ready instances with a free slot, provisioned and
 *                       on-demand, most recently used first: warm routing
 *                       takes the head, so older instances drift to the tail
 *                       and expire first (DESIGN.md section 3);
 *   route               with `routing` newest / oldest, the instances on
 *                       avail_od also sit in a binary heap by creation (the
 *                       instance id), so the choice is the top, O(log n) per
 *                       change; with random, in an array a draw from the
 *                       routing stream (its own, so no other stream's draws
 *                       change) indexes.  Provisioned instances are always
 *                       taken most recently used first: they never expire,
 *                       so the rule is about which on-demand ones do;
 *   open_starting       starting on-demand instances with a free slot
 *                       (concurrency > 1 only): later arrivals may bind to
 *                       them and wait for the start, Cloud Run-style.
 * A request takes, in order: a provisioned slot, an on-demand warm slot, a
 * slot on a starting instance, a new instance (a cold start), a place in the
 * bounded queue of its function, or else it is rejected (throttled).
 * Functions with queued requests are listed in the order they started
 * waiting, so capacity freed anywhere goes to the longest-waiting function.
 * Provisioned concurrency: each provisioned function has a fleet (PcFleet)
 * of instances kept at the schedule's count; with many functions, the
 * `provisioned.functions` with the most arrivals over the run have one
 * (an oracle's choice, read from the workload ahead, as pre-loading's), or
 * those `provisioned.by_function` names, each at its own count.
 *
 * Events it handles (the World dispatches them; their order at equal times
 * is WORLD_EVENTS in host.h):
 *   DONE      a request leaves its slot (before arrivals at the same
 *             microsecond, so they find the slot free);
 *   BATCH     a forming batch's oldest request has waited max_wait, and
 *   SHARE     a processor-shared instance's next end (both passed on to
 *             the executor);
 *   READY     an instance finished starting;
 *   EXPIRE    keep-alive deadline (after arrivals: an instance is still
 *             warm at its exact deadline);
 *   PROVISION the provisioned count changes (time-of-day schedule);
 *   WINDOW    a new 10 s scaling window opens for queued requests.
 *
 * Dynamic batching (max_batch > 1, concurrency 1): an instance's "room" is
 * room in the batch it forms while its previous batch runs; the batch runs
 * when the instance is free and the batch is full or its oldest request
 * waited max_wait.  Nodes (a cluster, or keepalive.memory_limit_gb): each
 * start takes the instance's vCPUs, memory (and GPU) on the node the
 * placement picks; when none fits, idle on-demand instances are evicted in
 * the keep-alive policy's priority order (lowest first; a min-heap over all
 * functions' idle instances, keyed by the priority the policy gave when the
 * instance went idle) until one does, else the start is refused.  An
 * instance's memory is its function's (from the trace, when it gives one),
 * else the model's footprint.  Instance-billed prices (Cloud Run, GPU
 * serverless) are accrued by the instance's state changes.
 *
 * GPUs (entity/cluster.h books them one by one).  With gpu_sharing an
 * instance takes its GPU memory on a GPU that has it left, so several
 * share one.  Swapping (cluster.swap): an idle on-demand instance's weights
 * leave its GPUs after swap_idle_s idle (its EXPIRE timer fires at the
 * earlier of that and its keep-alive deadline), or sooner when a start
 * needs GPU memory (before any eviction: lowest eviction priority first);
 * it stays warm, holding its vCPUs and host memory.  A request routed to
 * it takes GPU memory on its node again (swapping out idle instances there
 * if needed; if none can, the request goes on as if it had no warm
 * instance) and waits while the weights come back -- the instance busy,
 * READY when they are there: bytes / the node's host-to-GPU rate x its
 * GPUs, or, on a node with storage tiers, a transfer on its host-to-GPU
 * link shared with the loads.  That wait counts as queueing, not as a cold
 * start.  A stock-out (no node has room even after evictions) is decided
 * by on_stockout: the queue's rule, refusal, or a wait in the function's
 * queue whatever its length.  Spot nodes (a node kind's spot rate): at a
 * notice the node closes (no new instances), its idle instances go and
 * the others take no new requests; at the interruption its instances go
 * with what they hold, which is routed again (its lost service not
 * billed), and an empty node of its kind takes its place.
 *
 * Pre-warm (hybrid-histogram): when the policy answers an idle instance
 * with a pre-warm window, the instance goes now and a PREWARM event for its
 * function fires at the window's end; if the function then has no instance,
 * one starts (an instance start, not a cold request) and is kept the
 * policy's keep-alive window once ready.  A newer decision cancels an older
 * pending pre-warm through the function's epoch.
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
 * What runs inside an instance is its executor's (executor/executor.h):
 * `single` (one request per slot, processor sharing of vCPUs where the
 * slots outnumber them: exec_single.c) or `batch` (exec_batch.c).  The pool
 * keeps slots (in_use), queues, routing and billing, and hears of starts
 * and ends through the executor's hooks.  New instances start only when
 * every slot of the function's instances is taken, so an instance fills to
 * its concurrency: with more requests than its vCPUs run at full speed,
 * latency grows with k rather than the instance count.
 *
 * Cold starts (entity/profile.h).  Components: the instance starts for
 * sandbox + f (runtime + model load x g), f = max(1, ref_vcpus / vcpus) the
 * CPU slowdown, and its first request also runs the first-inference extra.
 * Total-time profiles: a cold request takes Tc x f, Tc drawn from
 * cold_total, in place of its warm time S (S x f already): the instance
 * starts for max(0, Tc - S) x g (the part above the warm time) and the
 * request then runs min(S, Tc), so with g = 1 it ends exactly Tc x f
 * after binding.  Requests that bind to a start they did not trigger run their
 * warm time.  g, the function's memory over the alternative's memory_mb,
 * is 1 unless a many-function trace gives the function's memory: model
 * load (and the rest of a measured cold total) grows with what an instance
 * holds, which gives each function its own cold-start cost (greedy-dual's
 * cost term).  An estimate: the Azure traces give memory, not load times.
 *
 * Storage tiers (a cluster with tier keys, entity/storage.h).  The
 * model-load piece of a start (the llm executor's weights) is replaced by a
 * load of the function's checkpoint onto the instance's node from the
 * fastest tier holding it, over processor-shared links; when it ends (an
 * XFER event at the next transfer completion, one pending per pool and
 * cancelled by its epoch when an earlier one is due) the drawn rest of the
 * start follows, and the load counts as INIT.  A snapshot restore (size /
 * rate) takes the place of the sandbox and runtime init.
 *
 * Randomness.  A request's warm service time is its own quantile (drawn
 * by the World at arrival) of this hardware's distribution, so alternatives
 * on one seed serve the same requests alike (common random numbers).  Start
 * times come from the cold-start stream in the order starts happen.
 */
#include "serverless.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rng.h"
#include "../entity/storage.h"
#include "../executor/executor.h"
#include "../util/csv.h"
#include "../util/pool.h"
#include "../util/prefetch.h"
#include "../util/xalloc.h"
#include "platform.h"
#include "spot.h"

/* The priority of an event kind is its place in WORLD_EVENTS. */
#define PRIO(kind) ((unsigned)(kind))

#define SCALE_WINDOW_US ((SimTime)10 * SIM_US_PER_S)

/* A growable list of node numbers. */
typedef struct NodeList {
    int *v;
    int n, cap;
} NodeList;

typedef enum StartBlock {
    START_OK = 0,
    START_LIMIT,  /* max_instances reached */
    START_RATE,   /* scaling-rate window used up */
    START_NOROOM  /* no node has room, even after evicting idle instances */
} StartBlock;

/* A member of an InstHeap: the instance with its key, (hi, lo) in
 * lexicographic order, copied in when it joins, so that ordering reads no
 * instance.  Routing orders by one integer (lo = 0); eviction by the
 * policy's priority, as an order-preserving integer, then by when the
 * instance went idle. */
typedef struct HeapSlot {
    uint64_t hi, lo;
    Instance *inst;
} HeapSlot;

/* A binary heap (or, unordered, an array) of instances whose members know
 * their place, so any member leaves in O(log n); see HeapOrder. */
typedef struct InstHeap {
    HeapSlot *v;
    int n, cap;
    const struct HeapOrder *ord;
} InstHeap;

/* One function: its instances, queue and counters.  What every arrival
 * and completion touches comes first -- the lists, the queue, its memory,
 * then the counters at the head of `st` -- in the first 128 bytes, which
 * warm_fn fetches ahead. */
typedef struct SrvFn {
    InstList avail_pc, avail_od, open_starting;
    Request *q_head, *q_tail; /* the function's FIFO queue; it is on the
                                 pool's waiting list iff q_head != NULL */
    double mem_mb;        /* its memory: idle GB-s, the policy's size */
    SrvFnStats st;
    struct SrvFn *wait_prev, *wait_next;
    int n_inst;           /* live instances */
    Demand dem;           /* what one of its instances takes on a node */
    uint32_t pw_epoch;    /* cancels a pending pre-warm */
    SimTime pw_keep_us;   /* keep-alive of the instance a pre-warm starts */
    double load_scale;    /* its memory / the alternative's (or its model's
                             checkpoint / the profile's): scales the
                             model-load part of its starts */
    int64_t model;        /* the checkpoint its instances load: its model
                             in the alternative's set (without one: its
                             own index), and that checkpoint's bytes */
    int64_t ckpt_bytes;
    InstHeap route;       /* routing other than most-recent: the instances
                             on avail_od, unordered (random), or by
                             creation (newest, oldest) with, besides, some
                             that left it since (see avail_touch) */
    int pc_fleet;         /* its PcFleet's index, or -1 */
} SrvFn;

/* One function's provisioned instances, kept at the pool's pc_target or,
 * named in by_function, at its own count. */
typedef struct PcFleet {
    int fn;               /* its function */
    int count;            /* by_function: its count; -1: pc_target */
    int active;           /* its provisioned instances not retiring */
    Instance **all;       /* every one of them, for retiring */
    int n, cap;
} PcFleet;

struct SrvPool {
    World *w;
    const AltSpec *alt;
    Sim *sim;             /* the World's engine */
    Metrics *m;           /* the World's metrics */
    CostAcc cost;
    CostAcc cost_w;       /* the cost accumulators at the warm-up point */
    int cost_closed;      /* final billing periods closed */
    Executor ex;          /* what runs inside its instances */
    size_t warm_bytes;    /* an instance's part warm_instance fetches */
    uint64_t served;      /* requests started */
    Pool inst_pool;
    const KeepalivePolicyType *ka;
    void *ka_state;

    double cpu_factor;    /* >= 1 */
    int64_t bytes_per_request; /* data in and out, AddonSpec's KB, rounded */
    int64_t billed_mb;    /* the memory a request-duration price bills */
    PriceModel inst_billing; /* inst_billing_of(the price) */
    RoutingKind routing;
    gsl_rng *r_route;     /* ROUTE_RANDOM: the routing stream */

    int n_fn;
    SrvFn *fn;
    SrvFn *wait_head, *wait_tail; /* functions with queued requests */
    InstHeap evict;       /* idle on-demand instances by eviction priority */
    uint64_t idle_seq;
    int *preload_rank;    /* pre-loading: models by arrivals, most first */
    int n_preload_rank;
    uint64_t preloaded, preload_skipped; /* checkpoints put in DRAM at 0 /
                                            left out (no room) */
    /* locality's shortcut: by model, the nodes that ever loaded its
     * checkpoint (a superset of those holding it); `marked` flags them
     * for one placement */
    NodeList *loaded_on;
    int n_loaded_models;
    unsigned char *marked;
    int n_alive;          /* instances not gone, both kinds */
    int pc_target;        /* configured provisioned count now, per fleet */
    SimTime pc_seg_start; /* current provisioned billing period */
    PcFleet *pcf;         /* the provisioned functions' fleets */
    int n_pcf;

    int q_len;            /* requests queued, all functions */

    int64_t win_index;    /* scaling window: floor(now / 10 s) */
    int win_starts;       /* on-demand starts in it */
    int window_armed;     /* a WINDOW event is pending */

    Instance *all;        /* every live instance (instance billing) */
    int has_cluster;
    Cluster cl;           /* nodes, when the scenario places instances */
    uint64_t evictions, no_room;
    /* swapping, stock-outs and spot nodes, from the warm-up point */
    uint64_t swap_ins, swap_outs;
    SimTime swap_us;      /* time instances spent swapping weights in */
    uint64_t stockout_rejected, stockout_waited;
    uint64_t spot_interruptions, spot_retried;
    gsl_rng *r_spot;      /* spot nodes' notice draws, or NULL */
    SpotHeld held;        /* scratch: what a reclaimed node held */
    Instance **on_node;   /* scratch: a node's instances */
    int cap_on_node;
    int has_tiers;        /* the cluster has storage tiers */
    uint64_t snapshot_restores;
    Storage store;        /* its nodes' tiers and links */
    SimTime xfer_at;      /* the pending XFER event, or -1 */
    uint32_t xfer_epoch;  /* cancels a pending XFER event */
    uint64_t next_inst_id;
    uint32_t epoch_counter; /* instance and unit epochs, unique across pool
                               reuse (DONEs: world_done_epoch) */
};

static void place(SrvPool *s, Instance *inst, Request *req);
static SimTime start_pieces(SrvPool *s, SrvFn *f, Instance *inst,
                            Request *trigger);
static int begin_load(SrvPool *s, SrvFn *f, Instance *inst, SimTime now);
static void note_loaded(SrvPool *s, int64_t model, int node);
static void drain_queue(SrvPool *s);
static void go_idle(SrvPool *s, Instance *inst);
static void bill(SrvPool *s, const Request *req, SimTime ran_us);
static void end_request(SrvPool *s, Request *req, ReqOutcome outcome);
static Request *dequeue(SrvPool *s, SrvFn *f);

static SrvFn *fn_of(SrvPool *s, const Instance *inst)
{
    return &s->fn[inst->fn];
}

_Static_assert(offsetof(SrvFn, st) + offsetof(SrvFnStats, rejected) <= 128,
               "a function's hot fields fit the 128 bytes warm_fn fetches");

/* Provisioned inst's fleet (its function has one). */
static PcFleet *fleet_of(SrvPool *s, const Instance *inst)
{
    int k = fn_of(s, inst)->pc_fleet;
    assert(k >= 0 && k < s->n_pcf);
    return &s->pcf[k];
}

/* Asks for the first 128 bytes of f (at most three lines). */
static void warm_fn(const SrvFn *f)
{
    PREFETCH(f);
    PREFETCH((const char *)f + 64);
    PREFETCH((const char *)f + 127);
}

/* Whether fetching ahead pays: with few functions and instances their
 * state stays in cache, and a prefetch is only instructions (with 64
 * functions and 2,048 instances, about 0.6 MB). */
static int worth_prefetch(const SrvPool *s)
{
    return s->n_fn > 64 || s->n_alive > 2048;
}

#define INST_HOT_BYTES (offsetof(Instance, unit) + sizeof(ExecUnit))
_Static_assert(offsetof(Instance, unit) == 2 * 64 &&
                   INST_HOT_BYTES <= 4 * 64,
               "an instance's hot fields fill its first 2 lines and its unit "
               "the next 2 (entity/instance.h, Layout)");

/* Asks for the hot part of inst (the pool aligns it to a line): its first
 * two lines, and its unit's two when the executor reads the unit per
 * request (s->warm_bytes); the rest is for starts, ends and clusters. */
static void warm_instance(const SrvPool *s, const Instance *inst)
{
    for (size_t off = 0; off < s->warm_bytes; off += 64)
        PREFETCH((const char *)inst + off);
}

/* The policies' name for f. */
static int fn_index(const SrvPool *s, const SrvFn *f)
{
    return (int)(f - s->fn);
}

/* Memory inst has held idle since it went idle (counted from the warm-up
 * point) up to now: MB x us. */
static double idle_mb_us(const SrvPool *s, const Instance *inst,
                         const SrvFn *f, SimTime now)
{
    SimTime warmup = world_warmup(s->w);
    SimTime from = inst->state_since > warmup ? inst->state_since : warmup;
    return now > from ? (double)(now - from) * f->mem_mb : 0.0;
}

/* ---- indexed heaps of instances ---------------------------------------- */

/* What orders an InstHeap and where its members keep their place.  With
 * key == NULL it is a plain array (members in no order; removal swaps the
 * last one in), which random routing draws from. */
typedef struct HeapOrder {
    size_t pos_off; /* offset of the member's int place field */
    HeapSlot (*key)(Instance *inst); /* its key: smallest first */
} HeapOrder;

static int *heap_pos_of(const InstHeap *h, Instance *inst)
{
    return (int *)(void *)((char *)inst + h->ord->pos_off);
}

static int slot_less(const HeapSlot *a, const HeapSlot *b)
{
    return a->hi < b->hi || (a->hi == b->hi && a->lo < b->lo);
}

/* x as an unsigned integer in the same order (x < y iff key(x) < key(y),
 * -0 and +0 equal); NaN, which no policy gives, sorts above +infinity. */
static uint64_t order_key(double x)
{
    uint64_t u;
    x += 0.0; /* -0 becomes +0 */
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | (uint64_t)1 << 63;
}

static void heap_set(InstHeap *h, int i, HeapSlot x)
{
    h->v[i] = x;
    *heap_pos_of(h, x.inst) = i;
}

static void heap_up(InstHeap *h, int i)
{
    HeapSlot x = h->v[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!slot_less(&x, &h->v[p]))
            break;
        heap_set(h, i, h->v[p]);
        i = p;
    }
    heap_set(h, i, x);
}

static void heap_down(InstHeap *h, int i)
{
    HeapSlot x = h->v[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && slot_less(&h->v[c + 1], &h->v[c]))
            c++;
        if (!slot_less(&h->v[c], &x))
            break;
        heap_set(h, i, h->v[c]);
        i = c;
    }
    heap_set(h, i, x);
}

static void heap_push(InstHeap *h, Instance *inst)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 64;
        h->v = xrealloc(h->v, (size_t)h->cap * sizeof *h->v);
    }
    HeapSlot x = {0, 0, inst};
    if (h->ord->key != NULL)
        x = h->ord->key(inst);
    heap_set(h, h->n, x);
    if (h->ord->key != NULL)
        heap_up(h, h->n);
    h->n++;
}

static void heap_remove(InstHeap *h, Instance *inst)
{
    int i = *heap_pos_of(h, inst);
    *heap_pos_of(h, inst) = -1;
    HeapSlot last = h->v[--h->n];
    if (i == h->n)
        return;
    heap_set(h, i, last);
    if (h->ord->key == NULL)
        return;
    if (i > 0 && slot_less(&last, &h->v[(i - 1) / 2]))
        heap_up(h, i);
    else
        heap_down(h, i);
}

/* Idle on-demand instances for eviction: lowest priority, then earliest
 * idle, first. */
static HeapSlot evict_key(Instance *inst)
{
    return (HeapSlot){order_key(inst->evict_prio), inst->evict_seq, inst};
}

/* Warm routing by creation: instance ids grow with creation time. */
static HeapSlot newest_key(Instance *inst)
{
    return (HeapSlot){UINT64_MAX - inst->id, 0, inst};
}

static HeapSlot oldest_key(Instance *inst)
{
    return (HeapSlot){inst->id, 0, inst};
}

static const HeapOrder evict_order = {offsetof(Instance, heap_pos),
                                      evict_key};
static const HeapOrder route_order[] = {
    [ROUTE_MOST_RECENT] = {offsetof(Instance, ord_pos), NULL}, /* unused */
    [ROUTE_NEWEST] = {offsetof(Instance, ord_pos), newest_key},
    [ROUTE_OLDEST] = {offsetof(Instance, ord_pos), oldest_key},
    [ROUTE_RANDOM] = {offsetof(Instance, ord_pos), NULL},
};

/* ---- small helpers -------------------------------------------------- */

static SimTime draw_us(const Dist *d, gsl_rng *r, double factor)
{
    double x = dist_sample_s(d, r) * factor;
    return x > 0 ? time_from_s(x) : 0;
}

/* Instance-billed prices: is an instance in state `to` being paid for?
 * Provisioned instances always (their whole life); otherwise INSTANCE_LIFE
 * while alive, INSTANCE_BUSY while starting or serving. */
static int billed_in(const SrvPool *s, const Instance *inst, InstState to)
{
    if (to == INST_GONE || s->inst_billing == PRICE_REQUEST_DURATION)
        return 0;
    if (s->inst_billing == PRICE_INSTANCE_LIFE)
        return 1;
    return inst->provisioned || to == INST_STARTING || to == INST_BUSY;
}

/* What billed_in switches on: the price model when it bills instance time
 * (PRICE_INSTANCE_LIFE or _BUSY), else PRICE_REQUEST_DURATION (nothing
 * billed by states). */
static PriceModel inst_billing_of(const PriceEntry *p)
{
    switch (p->model) {
    case PRICE_INSTANCE_LIFE:
    case PRICE_INSTANCE_BUSY:
        return p->model;
    case PRICE_REQUEST_DURATION:
    case PRICE_VM_HOURLY:
    case PRICE_PER_TOKEN:
    case PRICE_GATEWAY:
        return PRICE_REQUEST_DURATION;
    }
    return PRICE_REQUEST_DURATION;
}

static void close_billed_period(SrvPool *s, Instance *inst, SimTime now)
{
    int64_t ms = pricing_billed_ms(now - inst->bill_since,
                                   s->alt->price.granularity_ms);
    if (inst->provisioned)
        s->cost.inst_pc_ms += ms;
    else
        s->cost.inst_od_ms += ms;
    inst->bill_since = -1;
}

static void set_state(SrvPool *s, Instance *inst, InstState to)
{
    SimTime now = sim_now(s->sim);
    if (inst->state == INST_IDLE && to != INST_IDLE) {
        SrvFn *f = fn_of(s, inst);
        f->st.idle_mb_us += idle_mb_us(s, inst, f, now);
        if (inst->heap_pos >= 0)
            heap_remove(&s->evict, inst);
    }
    inst->state_since = now;
    metrics_instance(s->m, now, inst->state, to);
    instance_set_state(inst, to);
    int billed = billed_in(s, inst, to);
    if (billed && inst->bill_since < 0)
        inst->bill_since = now;
    else if (!billed && inst->bill_since >= 0)
        close_billed_period(s, inst, now);
}

/* Room for one more request on a ready instance: the executor's rule (a
 * free slot, or room in the batch it forms while one runs). */
static int has_room(const SrvPool *s, const Instance *inst)
{
    return executor_room(&s->ex, &inst->unit, inst->in_use, 0);
}

/* Keeps inst on the right available list: there, at the head (most
 * recently used), iff it is ready, has room and is not retiring. */
static void avail_touch(SrvPool *s, Instance *inst)
{
    SrvFn *f = fn_of(s, inst);
    InstList *l = inst->provisioned ? &f->avail_pc : &f->avail_od;
    if (inst->list == l)
        instlist_remove(l, inst);
    int ready = (inst->state == INST_IDLE || inst->state == INST_BUSY) &&
                !inst->swapping;
    if (ready && has_room(s, inst) && !inst->retiring)
        instlist_push_head(l, inst);
    if (s->routing != ROUTE_MOST_RECENT && !inst->provisioned) {
        int on = inst->list == l;
        if (on && inst->ord_pos < 0)
            heap_push(&f->route, inst);
        else if (!on && inst->ord_pos >= 0 && s->routing == ROUTE_RANDOM)
            heap_remove(&f->route, inst);
        /* (by creation, one that leaves avail_od stays in the heap until
         * pick_warm finds it on top: many come back first -- newest
         * routing takes the top instance, often idle again by the next
         * arrival -- and then neither a removal nor a push is paid; the
         * key, its id, never changes) */
    }
}

/* ---- request endings and billing ------------------------------------ */

static void bill(SrvPool *s, const Request *req, SimTime ran_us)
{
    const PriceEntry *p = &s->alt->price;
    s->cost.requests++;
    s->cost.data_bytes += s->bytes_per_request;
    if (p->model != PRICE_REQUEST_DURATION)
        return; /* instance time is billed by the instance's states */
    int64_t mem = s->billed_mb;
    if (req->batch > 1 && !req->batch_leader)
        ran_us = 0; /* a batch's duration is billed once, to its leader */
    if (req->on_provisioned) {
        int64_t ms = pricing_exec_ms(p, ran_us);
        s->cost.pc_dur_mb_ms += ms * mem;
        s->cost.pc_dur_ms += ms;
    } else {
        SimTime init = p->bill_init ? req->init_billed_us : 0;
        int64_t all = pricing_exec_ms(p, ran_us + init);
        int64_t run = init > 0 ? pricing_exec_ms(p, ran_us) : all;
        s->cost.od_mb_ms += all * mem;
        s->cost.od_ms += all;
        s->cost.od_init_mb_ms += (all - run) * mem;
    }
}

static void end_request(SrvPool *s, Request *req, ReqOutcome outcome)
{
    if (req->arrival >= world_warmup(s->w)) {
        SrvFnStats *st = &s->fn[req->fn].st;
        if (outcome == REQ_COMPLETED) {
            st->completed++;
            st->cold += req->cold;
        } else if (outcome == REQ_REJECTED) {
            st->rejected++;
        } else {
            st->timed_out++;
        }
    }
    world_end_request(s->w, req, outcome);
}

/* ---- instances ------------------------------------------------------- */

static void destroy_instance(SrvPool *s, Instance *inst)
{
    if (inst->list != NULL)
        instlist_remove(inst->list, inst);
    if (inst->ord_pos >= 0)
        heap_remove(&fn_of(s, inst)->route, inst);
    s->ex.ops->unit_fini(&s->ex, &inst->unit);
    set_state(s, inst, INST_GONE);
    if (inst->node >= 0)
        cluster_release(&s->cl, inst->node, &fn_of(s, inst)->dem,
                        inst->gpu_mask, sim_now(s->sim));
    fn_of(s, inst)->n_inst--;
    if (inst->all_prev != NULL)
        inst->all_prev->all_next = inst->all_next;
    else
        s->all = inst->all_next;
    if (inst->all_next != NULL)
        inst->all_next->all_prev = inst->all_prev;
    inst->epoch = ++s->epoch_counter; /* any pending timer is now stale */
    s->n_alive--;
    if (inst->provisioned) {
        PcFleet *pf = fleet_of(s, inst);
        if (!inst->retiring)
            pf->active--;
        Instance *last = pf->all[--pf->n];
        pf->all[inst->pc_index] = last;
        last->pc_index = inst->pc_index;
    }
    pool_put(&s->inst_pool, inst);
}

static void arm_timer(SrvPool *s, Instance *inst, SimTime deadline)
{
    if (inst->timer_at >= 0 && inst->timer_at <= deadline)
        return; /* the pending timer will re-arm itself */
    if (inst->timer_at >= 0) /* the pending one is too late: cancel it */
        inst->epoch = ++s->epoch_counter;
    inst->timer_at = deadline;
    world_schedule(s->w, deadline, EV_EXPIRE, inst, inst->epoch);
}

/* Whether idle inst's weights leave its GPU once it has idled swap_idle_s
 * (on-demand instances holding a GPU, with swapping on). */
static int swaps_out(const SrvPool *s, const Instance *inst)
{
    return s->alt->cluster.swap && inst->gpu_mask != 0 && !inst->provisioned;
}

static SimTime swap_out_at(const SrvPool *s, const Instance *inst)
{
    return inst->idle_since + time_from_s(s->alt->cluster.swap_idle_s);
}

/* The next thing due to idle inst -- its weights leaving the GPU, its
 * keep-alive ending -- or SIM_TIME_MAX when nothing is. */
static SimTime idle_deadline(const SrvPool *s, const Instance *inst)
{
    SimTime at = SIM_TIME_MAX;
    if (swaps_out(s, inst))
        at = swap_out_at(s, inst);
    if (inst->ttl_us != KA_FOREVER && inst->idle_since + inst->ttl_us < at)
        at = inst->idle_since + inst->ttl_us;
    return at;
}

static void arm_idle_timer(SrvPool *s, Instance *inst)
{
    SimTime at = idle_deadline(s, inst);
    if (at != SIM_TIME_MAX) /* else kept until evicted or the run ends */
        arm_timer(s, inst, at);
}

/* inst has no request left: keep it (keep-alive) or remove it. */
static void go_idle(SrvPool *s, Instance *inst)
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
    if (inst->retiring) { /* its spot node is going */
        destroy_instance(s, inst);
        drain_queue(s);
        return;
    }
    SrvFn *f = fn_of(s, inst);
    KaIdle idle = {now, inst->ready_at - inst->created_at, f->mem_mb};
    SimTime ttl = inst->ttl_us;
    if (!(inst->prewarmed && !inst->served_any)) {
        KaDecision d = s->ka->on_idle(s->ka_state, fn_index(s, f), &idle);
        if (d.prewarm_us > 0) { /* go now, come back later */
            f->pw_keep_us = d.keepalive_us;
            world_schedule(s->w, now + d.prewarm_us, EV_PREWARM, f,
                           ++f->pw_epoch);
            destroy_instance(s, inst);
            drain_queue(s);
            return;
        }
        ttl = d.keepalive_us;
    }
    if (ttl <= 0) {
        destroy_instance(s, inst);
        drain_queue(s);
        return;
    }
    inst->ttl_us = ttl;
    if (s->has_cluster) {
        inst->evict_prio = s->ka->priority(s->ka_state, fn_index(s, f), &idle);
        inst->evict_seq = s->idle_seq++;
        heap_push(&s->evict, inst);
    }
    avail_touch(s, inst);
    arm_idle_timer(s, inst);
}

/* Draws the start duration; binds `trigger` (may be NULL) to the new
 * instance.  Provisioned instances created at time 0 start ready. */
static Instance *start_instance(SrvPool *s, SrvFn *f, Request *trigger,
                                int provisioned, int ready_now, int node)
{
    SimTime now = sim_now(s->sim);
    Instance *inst = pool_get(&s->inst_pool);
    inst->epoch = ++s->epoch_counter;
    inst->id = s->next_inst_id++;
    inst->state = INST_GONE;
    inst->provisioned = (uint8_t)provisioned;
    inst->created_at = now;
    inst->timer_at = -1;
    inst->bill_since = -1;
    inst->node = node;
    inst->fn = fn_index(s, f);
    inst->heap_pos = -1;
    inst->ord_pos = -1;
    s->ex.ops->unit_init(&s->ex, &inst->unit, inst);
    inst->unit.provisioned = (uint8_t)provisioned;
    inst->prewarmed = 0;
    inst->state_since = now;
    f->n_inst++;
    inst->gpu_mask = node >= 0 ? cluster_take(&s->cl, node, &f->dem, now) : 0;
    inst->swapped = inst->swapping = 0;
    inst->all_prev = NULL;
    inst->all_next = s->all;
    if (s->all != NULL)
        s->all->all_prev = inst;
    s->all = inst;
    s->n_alive++;
    if (provisioned) {
        PcFleet *pf = fleet_of(s, inst);
        pf->active++;
        if (pf->n == pf->cap) {
            pf->cap = pf->cap ? 2 * pf->cap : 16;
            pf->all = xrealloc(pf->all, (size_t)pf->cap * sizeof *pf->all);
        }
        inst->pc_index = pf->n;
        pf->all[pf->n++] = inst;
    } else {
        s->m->instance_starts++;
        s->win_starts++;
        f->st.starts++;
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
    SimTime dur = start_pieces(s, f, inst, trigger);
    if (s->has_tiers && node >= 0 && begin_load(s, f, inst, now)) {
        inst->after_load_us = dur; /* READY once the weights are in */
    } else {
        inst->ready_at = now + dur;
        world_schedule(s->w, inst->ready_at, EV_READY, inst, inst->epoch);
    }
    if (trigger != NULL) {
        trigger->cold = 1;
        trigger->bound_at = now;
        instance_wait_push(inst, trigger);
    }
    int room = executor_capacity(&s->ex);
    if (!provisioned && room > 1 && inst->bound < room)
        instlist_push_head(&f->open_starting, inst);
    return inst;
}

/* The parts of a start the profile gives (sets inst's INIT and first-
 * inference extra): the executor's pieces (llm), a total-time profile's
 * draw, or the components.  With storage tiers the weights are left out
 * (begin_load moves them); with a snapshot its restore takes the place of
 * the sandbox and runtime init (container start and runtime init for
 * llm). */
static SimTime start_pieces(SrvPool *s, SrvFn *f, Instance *inst,
                            Request *trigger)
{
    const HwProfile *hw = &s->alt->hw;
    const AltSpec *a = s->alt;
    gsl_rng *r_cold = world_cold_rng(s->w);
    SimTime dur;
    SimTime restore = a->snapshot ? time_from_s(a->snapshot_bytes /
                                                a->restore_bytes_per_s)
                                  : 0;
    s->snapshot_restores += (uint64_t)a->snapshot;
    if (s->ex.ops->start_us != NULL) { /* the executor's (llm) pieces */
        dur = s->ex.ops->start_us(&s->ex);
        if (s->has_tiers && inst->node >= 0)
            dur -= time_from_s(a->llm.load_s);
        if (a->snapshot)
            dur += restore - time_from_s(a->llm.hwm.container_start_s +
                                         a->llm.hwm.runtime_init_s);
        inst->init_us = dur;
        inst->first_extra_us = 0;
    } else if (hw->cold_mode == COLD_TOTAL) {
        /* Tc is CPU time like the warm time: slowed alike. */
        SimTime tc = draw_us(&hw->cold_total, r_cold, s->cpu_factor);
        if (trigger != NULL) {
            SimTime svc = trigger->service_us =
                world_service_us(trigger, hw, s->alt->batch, s->cpu_factor);
            dur = tc > svc ? tc - svc : 0;
            trigger->service_us = tc < svc ? tc : svc;
        } else {
            dur = tc;
        }
        if (f->load_scale != 1.0) /* the start is the part that scales */
            dur = time_from_s(time_to_s(dur) * f->load_scale);
        inst->init_us = dur;
    } else {
        double cf = s->cpu_factor;
        SimTime sandbox = a->snapshot ? restore
                                      : draw_us(&hw->sandbox, r_cold, 1.0);
        SimTime load = 0;
        if (!(s->has_tiers && inst->node >= 0)) {
            double load_s = dist_sample_s(&hw->model_load, r_cold);
            if (hw->load_mb_per_s > 0)
                load_s += a->model_size_mb / hw->load_mb_per_s;
            load = time_from_s(load_s * cf * f->load_scale);
        }
        SimTime init =
            (a->snapshot ? 0 : draw_us(&hw->runtime, r_cold, cf)) + load;
        inst->first_extra_us = draw_us(&hw->first_extra, r_cold, cf);
        inst->init_us = init;
        dur = sandbox + init;
    }
    return dur;
}

/* ---- storage tiers (entity/storage.h) -------------------------------- */

/* What a load is for and whose it is (StoreDone.tag): the purpose in bit
 * 0, the low 30 bits of its instance's epoch above it, so that the load of
 * an instance gone meanwhile (a spot node) no longer matches (aliasing
 * would take 2^30 epochs in between). */
enum { LOAD_START = 0, LOAD_SWAP_IN = 1 };

static int load_tag(const Instance *inst, int purpose)
{
    return (int)((inst->epoch & 0x3fffffffu) << 1) | purpose;
}

/* Keeps one XFER event pending at the next transfer completion: a later
 * pending one is cancelled (its epoch), an earlier one re-arms when it
 * fires and finds nothing due. */
static void arm_xfer(SrvPool *s)
{
    SimTime t = storage_next_finish(&s->store);
    SimTime now = sim_now(s->sim);
    if (t == SIM_TIME_MAX || (s->xfer_at >= 0 && s->xfer_at <= t))
        return;
    s->xfer_at = t > now ? t : now;
    world_schedule(s->w, s->xfer_at, EV_XFER, NULL, ++s->xfer_epoch);
}

/* Begins moving inst's weights (and image) onto its node; 1 when they are
 * in flight, 0 when nothing has to move. */
static int begin_load(SrvPool *s, SrvFn *f, Instance *inst, SimTime now)
{
    StoreTier from;
    int64_t image = (int64_t)s->alt->image_bytes;
    note_loaded(s, f->model, inst->node);
    int moving = storage_begin_start(&s->store, inst->node, f->model,
                                     f->ckpt_bytes, STORE_IMAGE_KEY(0), image,
                                     f->dem.gpus, now, inst,
                                     load_tag(inst, LOAD_START),
                                     &from);
    inst->start_tier = (uint8_t)from;
    if (moving)
        arm_xfer(s);
    return moving;
}

/* A load ended.  A start's: the load counts as INIT; the rest of the start
 * follows.  A swap-in's: the instance is ready.  One whose instance went
 * meanwhile (with its spot node) is stale. */
static void on_loaded(void *arg, const StoreDone *d)
{
    SrvPool *s = arg;
    Instance *inst = d->owner;
    SimTime now = sim_now(s->sim);
    if (d->tag != load_tag(inst, d->tag & 1)) {
        world_count_stale(s->w);
        return;
    }
    if ((d->tag & 1) == LOAD_SWAP_IN) {
        assert(inst->swapping);
        world_schedule(s->w, now, EV_READY, inst, inst->epoch);
        return;
    }
    inst->init_us += now - d->began_us;
    inst->ready_at = now + inst->after_load_us;
    world_schedule(s->w, inst->ready_at, EV_READY, inst, inst->epoch);
}

static void on_xfer(SrvPool *s, uint32_t epoch)
{
    if (epoch != s->xfer_epoch) {
        world_count_stale(s->w);
        return;
    }
    s->xfer_at = -1;
    storage_finish_due(&s->store, sim_now(s->sim), on_loaded, s);
    arm_xfer(s);
}

/* Binds req to a starting (or swapping-in) instance that has a free slot:
 * cold iff it waits for a start. */
static void bind_starting(SrvPool *s, Instance *inst, Request *req)
{
    req->cold = !inst->swapping;
    req->bound_at = sim_now(s->sim);
    if (req->cold && s->alt->hw.cold_mode == COLD_TOTAL) /* only the
                                                  trigger's is Tc */
        req->service_us = world_service_us(req, &s->alt->hw, s->alt->batch,
                                           s->cpu_factor);
    instance_wait_push(inst, req);
    int full = !executor_room(&s->ex, &inst->unit, inst->in_use,
                                inst->bound);
    if (full && inst->list != NULL)
        instlist_remove(inst->list, inst);
}

/* ---- swapping weights between GPU and host memory -------------------- */

/* Host-to-GPU bandwidth of one GPU's link where the node kind gives none
 * (host_to_gpu_gb_per_s), GB/s: PCIe Gen4 x16 moves about 25 GB/s of its
 * 32 GB/s theoretical (reference sheet llm-serving.md, "Host-to-GPU"). */
#define SWAP_HOST_TO_GPU_GB_PER_S 25.0

/* The bytes a swap moves: the alternative's checkpoint (checkpoint_gb, by
 * default the model's size; 1 GB = 10^9 bytes, as the tiers count), scaled
 * like its load. */
static double swap_bytes(const SrvPool *s, const SrvFn *f)
{
    double b = s->alt->checkpoint_bytes > 0 ? s->alt->checkpoint_bytes
                                            : s->alt->model_size_mb * 1e6;
    return b * f->load_scale;
}

/* How long inst's weights take to come back on their own: bytes / (one
 * GPU's host-to-GPU rate x its GPUs: a link each). */
static SimTime swap_in_us(const SrvPool *s, const Instance *inst)
{
    const SrvFn *f = &s->fn[inst->fn];
    double gbps = s->alt->cluster.kind[s->cl.nodes[inst->node].kind]
                      .host_to_gpu_gb_per_s;
    if (gbps <= 0)
        gbps = SWAP_HOST_TO_GPU_GB_PER_S;
    return time_from_s(swap_bytes(s, f) / (gbps * 1e9 * f->dem.gpus));
}

/* Idle inst's weights leave its GPUs for host memory (it keeps its vCPUs
 * and host memory, and stays warm). */
static void swap_out(SrvPool *s, Instance *inst)
{
    assert(inst->state == INST_IDLE && inst->gpu_mask != 0);
    cluster_gpu_release(&s->cl, inst->node, &fn_of(s, inst)->dem,
                        inst->gpu_mask, sim_now(s->sim));
    inst->gpu_mask = 0;
    inst->swapped = 1;
    s->swap_outs += sim_now(s->sim) >= world_warmup(s->w);
}

/* The idle instance whose weights are on a GPU -- on `node`, or any node
 * when -1 -- lowest eviction priority first; NULL if none.  A scan of the
 * idle instances: starts and swap-ins that find GPUs full are rare next to
 * requests. */
static Instance *swap_victim(const SrvPool *s, int node)
{
    const HeapSlot *best = NULL;
    for (int k = 0; k < s->evict.n; k++) {
        const HeapSlot *v = &s->evict.v[k];
        if ((node < 0 || v->inst->node == node) && v->inst->gpu_mask != 0 &&
            (best == NULL || slot_less(v, best)))
            best = v;
    }
    return best != NULL ? best->inst : NULL;
}

/* Room on its node's GPUs for swapped-out inst: there, or made by swapping
 * out idle instances of that node.  Returns whether there is. */
static int swap_room(SrvPool *s, Instance *inst)
{
    const Demand *d = &fn_of(s, inst)->dem;
    while (!cluster_gpu_fits(&s->cl, inst->node, d)) {
        Instance *v = swap_victim(s, inst->node); /* (inst: swapped) */
        if (v == NULL)
            return 0;
        swap_out(s, v);
    }
    return 1;
}

/* req takes swapped-out inst (swap_room said yes): its weights come back
 * (busy meanwhile; READY when they are there), req waits for them. */
static void swap_in(SrvPool *s, Instance *inst, Request *req)
{
    SimTime now = sim_now(s->sim);
    SrvFn *f = fn_of(s, inst);
    inst->gpu_mask = cluster_gpu_take(&s->cl, inst->node, &f->dem, now);
    inst->swapped = 0;
    inst->swapping = 1;
    inst->swap_from = now;
    set_state(s, inst, INST_BUSY);
    avail_touch(s, inst);
    /* on a node with storage tiers and a host-to-GPU rate, the transfer
     * shares the node's host-to-GPU link with the loads on it (READY when
     * it ends: on_loaded); otherwise it has the link to itself */
    if (s->has_tiers &&
        storage_begin_h2g(&s->store, inst->node,
                          (int64_t)llround(swap_bytes(s, f)), f->dem.gpus,
                          now, inst, load_tag(inst, LOAD_SWAP_IN)))
        arm_xfer(s);
    else
        world_schedule(s->w, now + swap_in_us(s, inst), EV_READY, inst,
                       inst->epoch);
    s->swap_ins += req->arrival >= world_warmup(s->w);
    req->bound_at = now;
    instance_wait_push(inst, req);
    int room = executor_capacity(&s->ex);
    if (room > 1 && inst->bound < room) /* later requests may wait too */
        instlist_push_head(&f->open_starting, inst);
}

/* Whether warm inst can take a request now: its weights are on its GPU, or
 * can come back. */
static int warm_usable(SrvPool *s, Instance *inst)
{
    return !inst->swapped || swap_room(s, inst);
}

/* Gives req to warm inst (warm_usable said yes). */
static void use_warm(SrvPool *s, Instance *inst, Request *req)
{
    if (inst->swapped)
        swap_in(s, inst, req);
    else
        place(s, inst, req);
}

/* Evicts idle inst for room: the policy hears of it. */
static void evict(SrvPool *s, Instance *inst)
{
    SrvFn *f = fn_of(s, inst);
    double prio = inst->evict_prio;
    destroy_instance(s, inst);
    s->evictions++;
    f->st.evictions++;
    s->ka->on_evict(s->ka_state, fn_index(s, f), prio, f->n_inst == 0);
}

/* Locality placement asks, for each node that fits, how long a start of
 * the function being placed would take there. */
typedef struct PlaceJob {
    const SrvPool *s;
    const SrvFn *f;
} PlaceJob;

/* ServerlessLLM's estimate (storage_estimate_start_s): the load from the
 * fastest tier of the node holding the checkpoint, at its links' current
 * share.  The rest of a start (sandbox, runtime) is the same on every
 * node.  Without storage tiers every node is alike (first-fit). */
static double locality_start_s(const void *ctx, int node)
{
    const PlaceJob *job = ctx;
    const SrvPool *s = job->s;
    if (!s->has_tiers)
        return 0.0;
    return storage_estimate_start_s(&s->store, node, job->f->model,
                                    job->f->ckpt_bytes, STORE_IMAGE_KEY(0),
                                    (int64_t)s->alt->image_bytes,
                                    job->f->dem.gpus);
}

/* Room for one more instance of f: a node the placement policy picks, else
 * (swapping, GPU instances) idle instances' weights leave their GPUs, then
 * idle instances are evicted, lowest priority first, until a node fits
 * (usually one: the first whose node then fits is the one chosen).
 * Returns the node, or -1. */
/* The order of the remote estimates of nodes that hold nothing of the
 * checkpoint: their network link's share (transfers + 1 over its rate). */
static double remote_key(const void *ctx, int node)
{
    const PlaceJob *job = ctx;
    const Link *net = &job->s->store.node[node].net;
    return (double)(net->n + 1) / net->bytes_per_s;
}

/* Notes that node i loaded (or pre-loaded) model's checkpoint. */
static void note_loaded(SrvPool *s, int64_t model, int node)
{
    if (s->loaded_on == NULL || model < 0 || model >= s->n_loaded_models)
        return;
    NodeList *l = &s->loaded_on[model];
    for (int k = 0; k < l->n; k++)
        if (l->v[k] == node)
            return;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = node;
}

static int pick_node(SrvPool *s, SrvFn *f)
{
    PlaceJob job = {s, f};
    PlaceCost cost = {locality_start_s, &job, NULL, NULL};
    if (s->loaded_on == NULL || s->alt->image_bytes > 0)
        return cluster_pick(&s->cl, &f->dem, &cost);
    /* only nodes that loaded the checkpoint can hold it: the others load
     * it from remote, faster the less loaded their network link */
    const NodeList *l = &s->loaded_on[f->model];
    for (int k = 0; k < l->n; k++)
        s->marked[l->v[k]] = 1;
    cost.marked = s->marked;
    cost.key = remote_key;
    int node = cluster_pick(&s->cl, &f->dem, &cost);
    for (int k = 0; k < l->n; k++)
        s->marked[l->v[k]] = 0;
    return node;
}

static int find_room(SrvPool *s, SrvFn *f)
{
    int node = pick_node(s, f);
    Instance *v;
    while (node < 0 && s->alt->cluster.swap && f->dem.gpus > 0 &&
           (v = swap_victim(s, -1)) != NULL) {
        swap_out(s, v); /* only its node's GPUs changed: */
        node = cluster_fits(&s->cl, v->node, &f->dem) ? v->node : -1;
    }
    while (node < 0 && s->evict.n > 0) {
        Instance *victim = s->evict.v[0].inst;
        int vnode = victim->node;
        evict(s, victim); /* only its node changed: */
        node = cluster_fits(&s->cl, vnode, &f->dem) ? vnode : -1;
    }
    if (node < 0)
        s->no_room++;
    return node;
}

static StartBlock can_start(SrvPool *s, SrvFn *f, int *node)
{
    const AltSpec *a = s->alt;
    *node = -1;
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
    if (s->has_cluster && (*node = find_room(s, f)) < 0)
        return START_NOROOM;
    return START_OK;
}

static void arm_window(SrvPool *s)
{
    if (s->window_armed)
        return;
    s->window_armed = 1;
    SimTime next = (sim_now(s->sim) / SCALE_WINDOW_US + 1) * SCALE_WINDOW_US;
    world_schedule(s->w, next, EV_WINDOW, NULL, 0);
}

/* ---- routing ------------------------------------------------------- */

/* A guess at the instance the next request of f takes, to fetch ahead:
 * exact for most-recent routing. */
static Instance *warm_slot(const SrvFn *f)
{
    return f->avail_pc.head != NULL ? f->avail_pc.head : f->avail_od.head;
}

/* The warm instance a request of f takes, or NULL: a provisioned one (most
 * recently used first), else an on-demand one by the routing rule.  O(1),
 * besides dropping what avail_touch left on top of a by-creation heap
 * (each removal paid once); random draws only when there is a choice. */
static Instance *pick_warm(SrvPool *s, SrvFn *f)
{
    if (f->avail_pc.head != NULL || s->routing == ROUTE_MOST_RECENT)
        return warm_slot(f);
    InstHeap *h = &f->route;
    if (s->routing == ROUTE_RANDOM) {
        if (h->n == 0)
            return NULL;
        if (h->n == 1)
            return h->v[0].inst;
        return h->v[gsl_rng_uniform_int(s->r_route, (unsigned long)h->n)].inst;
    }
    while (h->n > 0 && h->v[0].inst->list != &f->avail_od)
        heap_remove(h, h->v[0].inst); /* left lazily by avail_touch */
    return h->n > 0 ? h->v[0].inst : NULL;
}

static void waiting_add(SrvPool *s, SrvFn *f)
{
    f->wait_next = NULL;
    f->wait_prev = s->wait_tail;
    if (s->wait_tail != NULL)
        s->wait_tail->wait_next = f;
    else
        s->wait_head = f;
    s->wait_tail = f;
}

static void waiting_remove(SrvPool *s, SrvFn *f)
{
    if (f->wait_prev != NULL)
        f->wait_prev->wait_next = f->wait_next;
    else
        s->wait_head = f->wait_next;
    if (f->wait_next != NULL)
        f->wait_next->wait_prev = f->wait_prev;
    else
        s->wait_tail = f->wait_prev;
}

static void enqueue(SrvPool *s, SrvFn *f, Request *req)
{
    req->next = NULL;
    if (f->q_tail != NULL) {
        f->q_tail->next = req;
    } else { /* it starts waiting */
        f->q_head = req;
        waiting_add(s, f);
    }
    f->q_tail = req;
    s->q_len++;
}

static Request *dequeue(SrvPool *s, SrvFn *f)
{
    Request *req = f->q_head;
    if (req == NULL)
        return NULL;
    f->q_head = req->next;
    if (f->q_head == NULL) {
        f->q_tail = NULL;
        waiting_remove(s, f);
    }
    s->q_len--;
    req->next = NULL;
    return req;
}

/* req needs an instance no node has room for (a capacity stock-out): with
 * on_stockout "reject" it is refused, with "wait" it waits for room. */
static void stock_out(SrvPool *s, SrvFn *f, Request *req)
{
    int counted = req->arrival >= world_warmup(s->w);
    if (s->alt->cluster.on_stockout == STOCKOUT_WAIT) {
        s->stockout_waited += (uint64_t)counted;
        enqueue(s, f, req);
    } else {
        s->stockout_rejected += (uint64_t)counted;
        end_request(s, req, REQ_REJECTED);
    }
}

/* Places req: warm slot, starting instance, new instance, queue, reject. */
static void route(SrvPool *s, Request *req)
{
    SrvFn *f = &s->fn[req->fn];
    Instance *inst = pick_warm(s, f);
    if (inst != NULL && warm_usable(s, inst)) {
        use_warm(s, inst, req);
        return;
    }
    if (f->open_starting.head != NULL) {
        bind_starting(s, f->open_starting.head, req);
        return;
    }
    int node;
    StartBlock why = can_start(s, f, &node);
    if (why == START_OK) {
        start_instance(s, f, req, 0, 0, node);
        return;
    }
    if (why == START_NOROOM && s->alt->cluster.on_stockout != STOCKOUT_QUEUE) {
        stock_out(s, f, req);
        return;
    }
    if (s->q_len < s->alt->queue_len) {
        enqueue(s, f, req);
        if (why == START_RATE)
            arm_window(s);
        return;
    }
    end_request(s, req, REQ_REJECTED);
}

/* Gives f's queued requests whatever capacity exists now: 0, or -1 when
 * an account-wide limit stopped it. */
static int drain_fn(SrvPool *s, SrvFn *f)
{
    while (f->q_head != NULL) {
        Instance *inst = pick_warm(s, f);
        if (inst != NULL && warm_usable(s, inst)) {
            use_warm(s, inst, dequeue(s, f));
            continue;
        }
        if (f->open_starting.head != NULL) {
            bind_starting(s, f->open_starting.head, dequeue(s, f));
            continue;
        }
        int node;
        StartBlock why = can_start(s, f, &node);
        if (why != START_OK) {
            if (why == START_RATE)
                arm_window(s);
            return -1;
        }
        start_instance(s, f, dequeue(s, f), 0, 0, node);
    }
    return 0;
}

/* Gives queued requests whatever capacity exists now, longest-waiting
 * function first. */
static void drain_queue(SrvPool *s)
{
    SrvFn *f = s->wait_head;
    while (f != NULL) {
        SrvFn *next = f->wait_next;
        if (drain_fn(s, f) < 0)
            return;
        f = next;
    }
}

/* ---- the executor's hooks ------------------------------------------ */

/* The instance whose unit u is.  From u's address, not u->owner: the
 * single executor's warm path reads nothing else of the unit, so the
 * unit's lines stay out of it (entity/instance.h, Layout). */
static Instance *unit_inst(const ExecUnit *u)
{
    return (Instance *)(void *)((char *)(uintptr_t)u -
                                offsetof(Instance, unit));
}

/* Requests start on inst: one (single), or its batch of n (batch). */
static SimTime hook_start(void *platform, ExecUnit *u, Request *first, int n)
{
    SrvPool *s = platform;
    Instance *inst = unit_inst(u);
    SimTime extra = 0;
    if (s->ex.ops->forms_batches) {
        if (!inst->served_any) {
            inst->served_any = 1;
            extra = inst->first_extra_us;
            if (!inst->provisioned)
                first->init_billed_us = inst->init_us;
        }
        for (Request *req = first; req != NULL; req = req->next)
            req->done_epoch = world_done_epoch(s->w); /* (a spot node's
                                                         loss makes it
                                                         stale) */
        inst->in_use = n;
        avail_touch(s, inst);
        return extra;
    }
    assert(n == 1 && executor_room(&s->ex, u, inst->in_use, 0));
    inst->in_use++;
    if (inst->state == INST_IDLE)
        set_state(s, inst, INST_BUSY);
    avail_touch(s, inst);
    first->inst = inst;
    first->start = sim_now(s->sim);
    first->done_epoch = world_done_epoch(s->w);
    first->on_provisioned = inst->provisioned;
    if (!inst->served_any) {
        inst->served_any = 1;
        extra = inst->first_extra_us;
        if (!inst->provisioned)
            first->init_billed_us = inst->init_us;
    }
    return extra;
}

/* req joined the batch inst forms: it holds work, so keep-alive waits. */
static void hook_joined(void *platform, ExecUnit *u, Request *req)
{
    SrvPool *s = platform;
    Instance *inst = unit_inst(u);
    req->inst = inst;
    if (inst->state == INST_IDLE)
        set_state(s, inst, INST_BUSY);
    avail_touch(s, inst);
}

static int hook_can_run(void *platform, const ExecUnit *u)
{
    (void)platform;
    const Instance *inst = unit_inst(u);
    int ready = (inst->state == INST_IDLE || inst->state == INST_BUSY) &&
                !inst->swapping;
    return ready && inst->in_use == 0;
}

/* A request ended inside the executor (processor sharing): billed for its
 * wall time in service. */
static void hook_ended(void *platform, ExecUnit *u, Request *req,
                       ReqOutcome outcome)
{
    SrvPool *s = platform;
    Instance *inst = unit_inst(u);
    inst->in_use--;
    bill(s, req, req->run_us);
    end_request(s, req, outcome);
}

/* inst's room (free slots, or its forming batch) takes the function's
 * queue, in order. */
static void take_queue(SrvPool *s, Instance *inst)
{
    SrvFn *f = fn_of(s, inst);
    while (f->q_head != NULL && has_room(s, inst) && !inst->retiring)
        place(s, inst, dequeue(s, f));
}

/* Freed slots take the function's queue; an instance left with nothing
 * goes idle. */
static void hook_refill(void *platform, ExecUnit *u)
{
    SrvPool *s = platform;
    Instance *inst = unit_inst(u);
    take_queue(s, inst);
    if (inst->in_use == 0)
        go_idle(s, inst);
    else
        avail_touch(s, inst);
}

static const ExecHooks srv_hooks = {hook_start, hook_joined, hook_can_run,
                                    hook_ended, hook_refill};

/* Gives req to ready inst, which has room: the executor starts or holds
 * it. */
static void place(SrvPool *s, Instance *inst, Request *req)
{
    s->ex.ops->take(&s->ex, &inst->unit, req);
}

/* ---- event handlers -------------------------------------------------- */

static void on_done(SrvPool *s, Request *req)
{
    Instance *inst = req->inst;
    if (worth_prefetch(s)) {
        warm_instance(s, inst); /* both from req: the misses overlap */
        warm_fn(&s->fn[req->fn]);
    }
    ReqOutcome outcome =
        req->outcome == REQ_TIMED_OUT ? REQ_TIMED_OUT : REQ_COMPLETED;
    bill(s, req, req->run_us);
    end_request(s, req, outcome);
    inst->in_use--;
    if (s->ex.ops->forms_batches) {
        if (inst->in_use > 0)
            return; /* the rest of its batch ends at the same time */
        take_queue(s, inst); /* may fill the forming batch: it runs */
        s->ex.ops->kick(&s->ex, &inst->unit);
        if (inst->in_use == 0 && inst->unit.held == 0)
            go_idle(s, inst);
        return;
    }
    /* The freed slot goes to the queue first. */
    SrvFn *f = fn_of(s, inst);
    if (f->q_head != NULL && !inst->retiring) {
        place(s, inst, dequeue(s, f)); /* stays busy */
        return;
    }
    if (inst->in_use == 0)
        go_idle(s, inst);
    else
        avail_touch(s, inst);
}

static void on_ready(SrvPool *s, Instance *inst, uint32_t epoch)
{
    if (epoch != inst->epoch) { /* it went meanwhile (a spot node) */
        world_count_stale(s->w);
        return;
    }
    SrvFn *f = fn_of(s, inst);
    if (inst->swapping) { /* its weights are back */
        inst->swapping = 0;
        if (inst->swap_from >= world_warmup(s->w))
            s->swap_us += sim_now(s->sim) - inst->swap_from;
    }
    if (inst->list == &f->open_starting)
        instlist_remove(&f->open_starting, inst);
    set_state(s, inst, INST_IDLE);
    inst->idle_since = sim_now(s->sim);
    if (s->ex.ops->forms_batches) {
        /* the requests bound while it started are its first batch */
        ExecUnit *u = &inst->unit;
        if (inst->bound > 0)
            set_state(s, inst, INST_BUSY);
        else if (inst->retiring) {
            destroy_instance(s, inst);
            return;
        }
        for (Request *req = inst->wait_head, *next; req != NULL; req = next) {
            next = req->next;
            s->ex.ops->hold(&s->ex, u, req);
        }
        inst->wait_head = inst->wait_tail = NULL;
        inst->bound = 0;
        take_queue(s, inst);
        if (u->held > 0) {
            avail_touch(s, inst);
            s->ex.ops->kick(&s->ex, u);
        } else {
            go_idle(s, inst);
        }
        return;
    }
    Request *req = inst->wait_head;
    inst->wait_head = inst->wait_tail = NULL;
    while (req != NULL) {
        Request *next = req->next;
        inst->bound--;
        place(s, inst, req);
        req = next;
    }
    assert(inst->bound == 0);
    if (inst->retiring && inst->in_use == 0) {
        destroy_instance(s, inst);
        return;
    }
    hook_refill(s, &inst->unit); /* spare slots take queued requests */
}

static void on_expire(SrvPool *s, Instance *inst, uint32_t epoch)
{
    if (epoch != inst->epoch) {
        world_count_stale(s->w);
        return;
    }
    SimTime now = sim_now(s->sim);
    inst->timer_at = -1;
    if (inst->state != INST_IDLE)
        return; /* busy again: it re-arms when it next goes idle */
    if (inst->ttl_us != KA_FOREVER && inst->idle_since + inst->ttl_us <= now) {
        destroy_instance(s, inst);
        drain_queue(s);
        return;
    }
    if (swaps_out(s, inst) && swap_out_at(s, inst) <= now) {
        swap_out(s, inst);
        arm_idle_timer(s, inst);
        drain_queue(s); /* its GPU memory may start a queued request (and
                           inst may be evicted for room) */
        return;
    }
    arm_idle_timer(s, inst);
}

/* Provisioned instances configured now, all fleets: what is billed (a
 * function's provisioned concurrency is billed at its configured memory,
 * as its requests' duration is). */
static int fleet_target(const SrvPool *s, const PcFleet *pf)
{
    return pf->count >= 0 ? pf->count : s->pc_target;
}

static int64_t pc_instances(const SrvPool *s)
{
    int64_t n = 0;
    for (int k = 0; k < s->n_pcf; k++)
        n += fleet_target(s, &s->pcf[k]);
    return n;
}

static void close_prov_period(SrvPool *s, SimTime now)
{
    int64_t billed_s = pricing_prov_billed_s(now - s->pc_seg_start,
                                             s->alt->price.prov_granularity_s);
    s->cost.pc_mb_s += billed_s * pc_instances(s) * s->alt->memory_mb;
    s->pc_seg_start = now;
}

/* Whether inst's node is a spot node under notice (inst goes with it). */
static int on_closed_node(const SrvPool *s, const Instance *inst)
{
    return inst->node >= 0 && s->cl.nodes[inst->node].closed;
}

/* Moves fleet pf to `target` instances.  Fewer: idle ones leave now,
 * busy or starting ones when they next have nothing to do.  More:
 * retiring ones stay after all, then new ones start (they take requests
 * once ready; at time 0 they exist ready, initialised before the run). */
static void provision_fleet(SrvPool *s, PcFleet *pf, int target)
{
    SimTime now = sim_now(s->sim);
    SrvFn *f = &s->fn[pf->fn];
    for (int i = pf->n - 1; i >= 0 && pf->active > target; i--) {
        Instance *inst = pf->all[i];
        if (!inst->retiring && inst->state == INST_IDLE)
            destroy_instance(s, inst); /* swaps all[i]; i-- is still safe */
    }
    for (int i = 0; i < pf->n && pf->active > target; i++) {
        Instance *inst = pf->all[i];
        if (!inst->retiring) {
            inst->retiring = 1;
            pf->active--;
            avail_touch(s, inst);
        }
    }
    for (int i = 0; i < pf->n && pf->active < target; i++) {
        Instance *inst = pf->all[i];
        if (inst->retiring && !on_closed_node(s, inst)) {
            inst->retiring = 0;
            pf->active++;
            avail_touch(s, inst);
        }
    }
    while (pf->active < target) {
        int node = -1;
        if (s->has_cluster && (node = find_room(s, f)) < 0)
            break; /* no room: the shortfall is counted in no_room */
        start_instance(s, f, NULL, 1, now == 0, node);
    }
}

/* Moves every fleet to its count: `target`, the schedule's, or its own. */
static void provision(SrvPool *s, int target)
{
    if (target != s->pc_target) {
        close_prov_period(s, sim_now(s->sim));
        s->pc_target = target;
    }
    for (int k = 0; k < s->n_pcf; k++)
        provision_fleet(s, &s->pcf[k], fleet_target(s, &s->pcf[k]));
}

static void on_provision(SrvPool *s)
{
    SimTime now = sim_now(s->sim);
    provision(s, spec_prov_count_at(s->alt, now));
    SimTime next = spec_prov_next_change(s->alt, now);
    if (next < world_config(s->w)->horizon)
        world_schedule(s->w, next, EV_PROVISION, NULL, 0);
}

/* ---- spot nodes -------------------------------------------------------- */

/* Schedules node i's next interruption notice, if it is a spot node and
 * the notice comes before the horizon. */
static void draw_node_notice(SrvPool *s, int i)
{
    const NodeSpec *ns = &s->alt->cluster.kind[s->cl.nodes[i].kind];
    SimTime at;
    if (ns->spot_per_hour > 0 &&
        spot_next_notice(s->r_spot, ns->spot_per_hour, sim_now(s->sim),
                         world_config(s->w)->horizon, &at))
        world_schedule(s->w, at, EV_NODE_NOTICE, &s->cl.nodes[i], 0);
}

/* The instances on node i, into s->on_node (they may go meanwhile). */
static int instances_on(SrvPool *s, int i)
{
    int n = 0;
    for (Instance *inst = s->all; inst != NULL; inst = inst->all_next) {
        if (inst->node != i)
            continue;
        if (n == s->cap_on_node) {
            s->cap_on_node = s->cap_on_node ? 2 * s->cap_on_node : 16;
            s->on_node = xrealloc(s->on_node, (size_t)s->cap_on_node *
                                                  sizeof *s->on_node);
        }
        s->on_node[n++] = inst;
    }
    return n;
}

/* Node i's notice: it takes no new instances, its idle ones go now, the
 * others take no new requests (retiring) and go when they have nothing to
 * do; provisioned ones are replaced elsewhere at once. */
static void on_node_notice(SrvPool *s, int i)
{
    s->cl.nodes[i].closed = 1;
    int n = instances_on(s, i), replace = 0;
    for (int k = 0; k < n; k++) {
        Instance *inst = s->on_node[k];
        if (inst->retiring)
            continue; /* (a provisioned one already retiring) */
        if (inst->state == INST_IDLE) {
            replace |= inst->provisioned;
            destroy_instance(s, inst);
            continue;
        }
        inst->retiring = 1;
        if (inst->provisioned) {
            fleet_of(s, inst)->active--;
            replace = 1;
        }
        if (inst->list != NULL) /* an available or open-starting list */
            instlist_remove(inst->list, inst);
        avail_touch(s, inst);
    }
    if (replace)
        provision(s, s->pc_target);
    SimTime at = sim_now(s->sim) +
                 time_from_s(s->alt->cluster.kind[s->cl.nodes[i].kind]
                                 .spot_notice_s);
    if (at < world_config(s->w)->horizon)
        world_schedule(s->w, at, EV_NODE_INTERRUPT, &s->cl.nodes[i], 0);
    drain_queue(s);
}

static int held_on_node(const Request *req, const void *node)
{
    return req->where == REQ_AT_SERVERLESS && req->inst != NULL &&
           req->inst->node == *(const int *)node;
}

/* The provider reclaims node i: its instances go with what they hold (in
 * service, bound while starting or swapping in, in a forming batch), which
 * is routed again, oldest first, keeping its arrival time; lost work is
 * not billed.  An empty node of its kind replaces it at once, and its
 * notices start anew. */
static void on_node_interrupt(SrvPool *s, int i)
{
    spot_collect(s->w, &s->held, held_on_node, &i);
    int n = instances_on(s, i);
    for (int k = 0; k < n; k++) {
        Instance *inst = s->on_node[k];
        s->ex.ops->clear(&s->ex, &inst->unit);
        inst->in_use = 0;
        inst->bound = 0;
        inst->wait_head = inst->wait_tail = NULL;
        if (inst->state == INST_BUSY)
            set_state(s, inst, INST_IDLE);
        destroy_instance(s, inst);
    }
    int counted = sim_now(s->sim) >= world_warmup(s->w);
    s->spot_interruptions += (uint64_t)counted;
    s->cl.nodes[i].closed = 0;
    draw_node_notice(s, i);
    for (size_t k = 0; k < s->held.n; k++) {
        Request *req = s->held.v[k];
        if (req->start >= 0)
            s->served--; /* a start lost, not a request served */
        if (req->arrival >= world_warmup(s->w))
            s->fn[req->fn].st.arrivals--; /* routed again, not arrived */
        s->spot_retried += (uint64_t)counted;
        world_retry_request(s->w, req);
    }
    drain_queue(s);
}

/* ---- the component interface (platform.h: platform_serverless) ------ */

/* A pre-warm window ended: start an instance if the function has none. */
static void on_prewarm(SrvPool *s, SrvFn *f, uint32_t epoch)
{
    if (epoch != f->pw_epoch) {
        world_count_stale(s->w);
        return;
    }
    if (f->n_inst > 0)
        return; /* a request brought one up meanwhile */
    int node;
    if (can_start(s, f, &node) != START_OK)
        return;
    Instance *inst = start_instance(s, f, NULL, 0, 0, node);
    inst->prewarmed = 1;
    inst->ttl_us = f->pw_keep_us;
    f->st.prewarms++;
}

static void srv_prefetch(const void *st, int fn_next, int fn_ahead)
{
    const SrvPool *s = st;
    if (!worth_prefetch(s))
        return;
    const Instance *inst = warm_slot(&s->fn[fn_next]);
    if (inst != NULL)
        warm_instance(s, inst);
    warm_fn(&s->fn[fn_ahead]);
}

/* ev comes due within a few hundred events: its instance's hot lines (a
 * DONE's is read through its request, whose line 0 the queue asked for
 * first), its function's, and the rest of a DONE's request. */
static void srv_warm(const void *st, const Event *ev)
{
    const SrvPool *s = st;
    if (!worth_prefetch(s))
        return;
    const Instance *inst = NULL;
    if (ev->kind == EV_DONE) {
        const Request *req = ev->obj; /* (its line 0 is here) */
        inst = req->inst;
        warm_fn(&s->fn[req->fn]);
        /* its times, for the ending, and the line only the next
         * arrival's reuse of it writes (the pool clears all three) */
        PREFETCH((const char *)req + 64);
        PREFETCH((const char *)req + 128);
    } else if (ev->kind == EV_EXPIRE || ev->kind == EV_READY) {
        inst = ev->obj;
    }
    if (inst != NULL)
        warm_instance(s, inst);
}

static void srv_route(void *st, Request *req)
{
    SrvPool *s = st;
    req->where = REQ_AT_SERVERLESS;
    req->inst = NULL; /* (a pooled request's old value) until it binds */
    if (req->arrival >= world_warmup(s->w))
        s->fn[req->fn].st.arrivals++;
    s->ka->on_arrival(s->ka_state, (int)req->fn, sim_now(s->sim));
    route(s, req);
}

static void srv_handle(void *st, const Event *ev)
{
    SrvPool *s = st;
    switch (ev->kind) {
    case EV_DONE:
        on_done(s, ev->obj);
        break;
    case EV_SHARE:
    case EV_BATCH:
    case EV_ITER:
    case EV_ITER_KICK:
        s->ex.ops->handle(&s->ex, ev);
        break;
    case EV_READY:
        on_ready(s, ev->obj, ev->epoch);
        break;
    case EV_XFER:
        on_xfer(s, ev->epoch);
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
    case EV_PREWARM:
        on_prewarm(s, ev->obj, ev->epoch);
        break;
    case EV_NODE_NOTICE:
        on_node_notice(s, (int)((Node *)ev->obj - s->cl.nodes));
        break;
    case EV_NODE_INTERRUPT:
        on_node_interrupt(s, (int)((Node *)ev->obj - s->cl.nodes));
        break;
    default:
        assert(0 && "not a serverless event");
    }
}

/* The executor's configuration for alternative a.  A CPU share below the
 * profile's slows CPU work; GPU classes run on their GPU whatever the
 * vCPUs.  Processor sharing where k requests can outnumber what the vCPUs
 * run at full speed; otherwise every request runs alone (the DONE path). */
static void srv_executor(SrvPool *s, const AltSpec *a)
{
    double vcpus = spec_instance_shape(a).vcpus;
    int on_cpu = spec_cpu_class(a->hardware);
    ExecKind kind = executor_resolve(a->executor, a->max_batch);
    ExecConfig cfg = {0};
    cfg.hw = &a->hw;
    cfg.cpu_factor = s->cpu_factor;
    cfg.batch = a->batch;
    cfg.timeout_us = time_from_s(a->timeout_s);
    cfg.slots = a->concurrency > 0 ? a->concurrency : 1;
    double ref = a->hw.ref_vcpus > 0 ? a->hw.ref_vcpus : 1.0;
    cfg.share_m = vcpus / ref > 1.0 ? vcpus / ref : 1.0;
    cfg.share = on_cpu && kind == EXEC_SINGLE && cfg.slots > cfg.share_m;
    cfg.max_batch = a->max_batch > 1 ? a->max_batch : 1;
    cfg.batch_wait_us = time_from_s(a->batch_wait_s);
    cfg.batch_event = EV_BATCH;
    cfg.iter_event = EV_ITER;
    cfg.kick_event = EV_ITER_KICK;
    cfg.llm = &a->llm;
    executor_init(&s->ex, kind, &cfg, s->w, &srv_hooks, s, &s->epoch_counter,
                  &s->served);
}

/* ---- models and pre-loading ---------------------------------------- */

typedef struct Census {
    SrvPool *s;
    uint64_t *model_arrivals; /* by model */
} Census;

static void census_visit(void *ctx, int fn, uint64_t arrivals,
                         const char *app, const char *id)
{
    Census *cen = ctx;
    const ModelSetSpec *ms = &cen->s->alt->models;
    SrvFn *f = &cen->s->fn[fn];
    f->model = ms->n > 0 ? modelset_assign(ms, app, id) : fn;
    cen->model_arrivals[f->model] += arrivals;
}

/* A model or function and its arrivals over the run, for ranking. */
typedef struct Ranked {
    uint64_t arrivals;
    int index;
} Ranked;

/* Most arrivals first, ties to the lower index. */
static int by_arrivals_desc(const void *pa, const void *pb)
{
    const Ranked *a = pa, *b = pb;
    if (a->arrivals != b->arrivals)
        return a->arrivals > b->arrivals ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Each function's model (the trace's names hashed: modelset.h; without a
 * models set, function i's checkpoint is its own, i) and, for
 * pre-loading, the models ranked by their functions' arrivals.  The
 * workload is read once ahead only when one of them needs it. */
static void assign_models(SrvPool *s)
{
    const AltSpec *a = s->alt;
    int preload = a->cluster.enabled && a->cluster.preload_models > 0;
    for (int i = 0; i < s->n_fn; i++)
        s->fn[i].model = i; /* without a set: each its own deployment */
    if (a->models.n == 0 && !preload)
        return;
    int n_models = a->models.n > 0 ? a->models.n : s->n_fn;
    Census cen = {s, xcalloc((size_t)n_models, sizeof(uint64_t))};
    world_census(s->w, census_visit, &cen);
    if (preload) {
        Ranked *rm = xcalloc((size_t)n_models, sizeof *rm);
        int n = 0;
        for (int k = 0; k < n_models; k++)
            if (cen.model_arrivals[k] > 0)
                rm[n++] = (Ranked){cen.model_arrivals[k], k};
        qsort(rm, (size_t)n, sizeof *rm, by_arrivals_desc);
        if (n > a->cluster.preload_models)
            n = a->cluster.preload_models;
        s->preload_rank = xcalloc((size_t)(n > 0 ? n : 1), sizeof(int));
        for (int j = 0; j < n; j++)
            s->preload_rank[j] = rm[j].index;
        s->n_preload_rank = n;
        free(rm);
    }
    free(cen.model_arrivals);
}

static void count_arrivals(void *ctx, int fn, uint64_t arrivals,
                           const char *app, const char *id)
{
    (void)app;
    (void)id;
    ((Ranked *)ctx)[fn] = (Ranked){arrivals, fn};
}

/* by_function: each function's count, by function (-1: none). */
typedef struct NamedCounts {
    const AltSpec *a;
    int *count;
} NamedCounts;

static void named_count(void *ctx, int fn, const char *app, const char *id)
{
    NamedCounts *nc = ctx;
    int k;
    nc->count[fn] = spec_prov_named_match(nc->a, app, id, &k) == 1
                        ? nc->a->prov_named[k].count
                        : -1; /* config: each name is one function */
}

/* The fleets of the functions by_function names, by function index. */
static void choose_named_fleets(SrvPool *s)
{
    NamedCounts nc = {s->alt, xcalloc((size_t)s->n_fn, sizeof(int))};
    world_each_function_name(s->w, named_count, &nc);
    s->pcf = xcalloc((size_t)s->alt->n_prov_named, sizeof *s->pcf);
    for (int i = 0; i < s->n_fn; i++) {
        if (nc.count[i] < 0 || s->n_pcf == s->alt->n_prov_named)
            continue;
        s->pcf[s->n_pcf].fn = i;
        s->pcf[s->n_pcf].count = nc.count[i];
        s->fn[i].pc_fleet = s->n_pcf++;
    }
    free(nc.count);
}

/* The provisioned functions' fleets: the one function's, or with many,
 * those by_function names, or those of the `provisioned.functions` with
 * the most arrivals over the run (ties to the lower index; a function
 * without arrivals has none). */
static void choose_fleets(SrvPool *s)
{
    for (int i = 0; i < s->n_fn; i++)
        s->fn[i].pc_fleet = -1;
    if (!spec_has_provisioned(s->alt))
        return;
    if (s->alt->n_prov_named > 0) {
        choose_named_fleets(s);
        return;
    }
    int want = s->alt->prov_functions > 0 ? s->alt->prov_functions : 1;
    Ranked *rf = xcalloc((size_t)s->n_fn, sizeof *rf);
    int n = 1; /* one function: rf[0] = {0, 0} */
    if (s->n_fn > 1) {
        world_census(s->w, count_arrivals, rf);
        n = 0;
        for (int i = 0; i < s->n_fn; i++)
            if (rf[i].arrivals > 0)
                rf[n++] = rf[i];
        qsort(rf, (size_t)n, sizeof *rf, by_arrivals_desc);
    }
    s->n_pcf = n < want ? n : want;
    s->pcf = xcalloc((size_t)(s->n_pcf > 0 ? s->n_pcf : 1), sizeof *s->pcf);
    for (int k = 0; k < s->n_pcf; k++) {
        s->pcf[k].fn = rf[k].index;
        s->pcf[k].count = -1;
        s->fn[rf[k].index].pc_fleet = k;
    }
    free(rf);
}

/* The checkpoint bytes of model k: the set's, else (k a function) that
 * function's. */
static int64_t model_bytes(const SrvPool *s, int64_t k)
{
    if (s->alt->models.n > 0)
        return (int64_t)llround(modelset_model(&s->alt->models, (int)k)
                                    .size_mb *
                                1e6);
    return s->fn[k].ckpt_bytes;
}

/* Pre-loading (ClusterSpec.preload_*): the model of rank j goes into the
 * host DRAM of nodes (j R + r) mod N, r < R, before any traffic; a model
 * that does not fit a node's DRAM cache is left out there (counted). */
static void preload(SrvPool *s)
{
    const ClusterSpec *cs = &s->alt->cluster;
    int R = cs->preload_replicas > 0 ? cs->preload_replicas : 1;
    for (int j = 0; j < s->n_preload_rank; j++) {
        int64_t model = s->preload_rank[j];
        int64_t bytes = model_bytes(s, model);
        for (int r = 0; r < R; r++) {
            int node = (int)(((int64_t)j * R + r) % cs->preload_nodes);
            if (storage_preload(&s->store, node, model, bytes, TIER_DRAM)) {
                s->preloaded++;
                note_loaded(s, model, node);
            }
            else
                s->preload_skipped++;
        }
    }
}

static void *srv_create(World *w, const AltSpec *a)
{
    SrvPool *s = xcalloc(1, sizeof *s);
    s->w = w;
    s->alt = a;
    s->sim = world_sim(w);
    s->m = world_metrics(w);
    pool_init(&s->inst_pool, sizeof(Instance), 256);
    double vcpus = spec_instance_shape(a).vcpus;
    int on_cpu = spec_cpu_class(a->hardware);
    s->cpu_factor = on_cpu ? spec_cpu_factor(a->hw.ref_vcpus, vcpus) : 1.0;
    s->bytes_per_request =
        (int64_t)llround((a->addon.request_kb + a->addon.response_kb) * 1024);
    s->billed_mb = pricing_billed_mb(&a->price, a->memory_mb);
    s->inst_billing = inst_billing_of(&a->price);
    srv_executor(s, a);
    s->warm_bytes = s->ex.ops->kind == EXEC_SINGLE && !s->ex.cfg.share
                        ? offsetof(Instance, unit)
                        : INST_HOT_BYTES;
    s->routing = a->routing;
    if (s->routing == ROUTE_RANDOM)
        s->r_route = rng_create(world_config(w)->seed, world_config(w)->rep,
                                RNG_ROUTING, 0);
    s->evict.ord = &evict_order;
    s->win_index = -1;
    int n_fn = world_functions(w);
    s->n_fn = n_fn > 0 ? n_fn : 1;
    s->fn = xcalloc((size_t)s->n_fn, sizeof *s->fn);
    InstanceShape sh = spec_instance_shape(a);
    assign_models(s);
    for (int i = 0; i < s->n_fn; i++) {
        SrvFn *f = &s->fn[i];
        double trace_mb = world_function_memory_mb(w, i);
        /* Instances take memory (and GPU memory) from the trace's function
         * when it gives one, else from the model profile; with a models
         * set, GPU memory is the function's model's. */
        double node_mb = trace_mb > 0 ? trace_mb : a->model_memory_mb;
        double gpu_mb = sh.gpus > 0 ? node_mb : 0;
        f->mem_mb = trace_mb > 0 ? trace_mb : a->memory_mb;
        f->load_scale = trace_mb > 0 ? trace_mb / a->memory_mb : 1.0;
        if (a->models.n > 0) {
            ModelEntry m = modelset_model(&a->models, (int)f->model);
            f->ckpt_bytes = (int64_t)llround(m.size_mb * 1e6);
            f->load_scale = a->model_size_mb > 0 ? m.size_mb /
                                                       a->model_size_mb
                                                 : 1.0;
            gpu_mb = sh.gpus > 0 ? m.mem_mb : 0;
        } else {
            double ckpt = a->checkpoint_bytes * f->load_scale; /* an int64 */
            f->ckpt_bytes =
                ckpt < 1e18 ? (int64_t)llround(ckpt) : (int64_t)1e18;
        }
        f->route.ord = &route_order[s->routing];
        f->dem = cluster_demand(sh.vcpus, node_mb, sh.gpus, gpu_mb);
    }
    if (a->cluster.enabled) {
        s->has_cluster = 1;
        cluster_init(&s->cl, &a->cluster, a->hardware);
        /* spot nodes draw from a spot stream of their own (the VM fleet's
         * is substream 0) */
        for (int k = 0; k < a->cluster.n_kinds; k++)
            if (a->cluster.kind[k].spot_per_hour > 0 && s->r_spot == NULL)
                s->r_spot = rng_create(world_config(w)->seed,
                                       world_config(w)->rep, RNG_SPOT, 1);
        for (int i = 0; s->r_spot != NULL && i < s->cl.n; i++)
            draw_node_notice(s, i);
    }
    s->xfer_at = -1;
    if (a->cluster.enabled && a->cluster.tiers) {
        s->has_tiers = 1;
        storage_init(&s->store, &a->cluster);
    }
    /* the shortcut needs remote estimates ordered by the network link
     * alone: one kind of node, no cluster-wide cap, no image */
    if (s->has_tiers && a->cluster.place == PLACE_LOCALITY &&
        a->cluster.n_kinds == 1 && a->cluster.remote_cap_gbps == 0 &&
        a->image_bytes == 0) {
        s->n_loaded_models = a->models.n > 0 ? a->models.n : s->n_fn;
        s->loaded_on = xcalloc((size_t)s->n_loaded_models,
                               sizeof *s->loaded_on);
        s->marked = xcalloc((size_t)s->cl.n, 1);
    }
    if (s->has_tiers)
        preload(s);
    s->ka = policy_find(a->keepalive.policy);
    assert(s->ka != NULL); /* config validated the name */
    s->ka_state = xcalloc(1, s->ka->state_size);
    Err err;
    int rc_init = s->ka->init(s->ka_state, &a->keepalive, s->n_fn, &err);
    assert(rc_init == 0);
    (void)rc_init;
    /* Provisioned instances exist, initialised, from time 0. */
    choose_fleets(s);
    if (spec_has_provisioned(a))
        on_provision(s);
    return s;
}

static int srv_queued(const void *st)
{
    return ((const SrvPool *)st)->q_len;
}

static int srv_accepts(const void *st)
{
    (void)st;
    return 0; /* (a hybrid's overflow: never asked) */
}

static double srv_expected_wait_s(const void *st)
{
    (void)st;
    return 0.0;
}

static void srv_bill_partial(void *st, const Request *req, SimTime ran_us)
{
    bill(st, req, ran_us);
}

/* The cost accumulators at `now`; `final` closes the provisioned billing
 * period (rounded up) once, otherwise the open period counts unrounded. */
static void srv_cost_acc(SrvPool *s, SimTime now, int final, CostAcc *out)
{
    if (final) {
        if (!s->cost_closed) {
            close_prov_period(s, now);
            for (Instance *inst = s->all; inst != NULL; inst = inst->all_next)
                if (inst->bill_since >= 0)
                    close_billed_period(s, inst, now);
            s->cost_closed = 1;
        }
        *out = s->cost;
        return;
    }
    *out = s->cost; /* open periods count unrounded */
    out->pc_mb_s += (now - s->pc_seg_start) / SIM_US_PER_S *
                    pc_instances(s) * s->alt->memory_mb;
    for (Instance *inst = s->all; inst != NULL; inst = inst->all_next)
        if (inst->bill_since >= 0) {
            int64_t ms = (now - inst->bill_since) / 1000;
            if (inst->provisioned)
                out->inst_pc_ms += ms;
            else
                out->inst_od_ms += ms;
        }
}

static void srv_warmup(void *st, SimTime now)
{
    SrvPool *s = st;
    srv_cost_acc(s, now, 0, &s->cost_w);
}

/* A run of length `t` in 30-day months (free tier and volume tiers). */
static double months_of(SimTime t)
{
    return time_to_s(t) / (30.0 * 86400.0);
}

static double srv_cost_usd(void *st, SimTime now, int final,
                           int since_warmup, double *v)
{
    SrvPool *s = st;
    CostAcc acc;
    CostBreakdown b;
    InstanceShape shape = spec_instance_shape(s->alt);
    SimTime warmup = world_warmup(s->w);
    srv_cost_acc(s, now, final, &acc);
    SimTime span = now;
    if (since_warmup && warmup > 0) { /* what accrued after the warm-up */
        const CostAcc *c0 = &s->cost_w;
        acc.requests -= c0->requests;
        acc.od_mb_ms -= c0->od_mb_ms;
        acc.od_init_mb_ms -= c0->od_init_mb_ms;
        acc.pc_dur_mb_ms -= c0->pc_dur_mb_ms;
        acc.pc_mb_s -= c0->pc_mb_s;
        acc.inst_od_ms -= c0->inst_od_ms;
        acc.inst_pc_ms -= c0->inst_pc_ms;
        acc.od_ms -= c0->od_ms;
        acc.pc_dur_ms -= c0->pc_dur_ms;
        acc.data_bytes -= c0->data_bytes;
    }
    if (since_warmup)
        span = now - warmup;
    pricing_breakdown(&acc, &s->alt->price, months_of(span), &shape, &b);
    if (v != NULL) {
        v[MET_cost_requests_usd] += b.requests_usd;
        v[MET_cost_compute_usd] += b.compute_usd;
        v[MET_cost_init_usd] += b.init_usd;
        v[MET_cost_provisioned_usd] += b.provisioned_usd;
        v[MET_cost_prov_compute_usd] += b.prov_compute_usd;
        v[MET_cost_instance_usd] += b.instance_usd;
        v[MET_cost_data_usd] += b.data_usd;
    }
    return b.total_usd;
}

/* One functions.csv row (FN_CSV_HEADER) per function; the names come from
 * the trace reader (read once per function there), else from the model. */
static void write_function_rows(SrvPool *s, SimTime h, FILE *fp)
{
    const RunConfig *rc = world_config(s->w);
    for (int i = 0; i < s->n_fn; i++) {
        SrvFnStats st;
        srvpool_fn_stats(s, i, h, &st);
        uint64_t ended = st.completed + st.rejected + st.timed_out;
        const char *app, *id;
        world_function_names(s->w, i, &app, &id);
        fprintf(fp, "%s,%" PRIu32 ",%d,", s->alt->name, rc->rep, i);
        csv_put_field(fp, app);
        fputc(',', fp);
        csv_put_field(fp, id);
        fprintf(fp,
                ",%g,%" PRIu64 ",%" PRIu64 ",%" PRIu64
                ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6g,%" PRIu64
                ",%" PRIu64 ",%" PRIu64 ",%.9g\n",
                st.memory_mb, st.arrivals,
                st.completed, st.rejected, st.timed_out,
                st.arrivals - ended, st.cold,
                st.completed ? 100.0 * (double)st.cold / (double)st.completed
                             : 0.0,
                st.starts, st.prewarms, st.evictions,
                st.idle_mb_us * 1e-6 / 1024.0);
    }
}

/* The warmth ladder and what the tiers moved (TIER_METRICS). */
static void tier_stats(SrvPool *s, SimTime h, double *v)
{
    uint64_t warm = 0;
    for (int i = 0; i < s->n_fn; i++) {
        SrvFnStats fs;
        srvpool_fn_stats(s, i, h, &fs);
        warm += fs.completed - fs.cold;
    }
    v[MET_gpu_resident_requests] = (double)warm;
    v[MET_snapshot_restores] = (double)s->snapshot_restores;
    if (!s->has_tiers)
        return;
    const StoreStats *st = &s->store.st;
    static const int met[][3] = {
        {MET_starts_remote, MET_load_s_remote, MET_read_gb_remote},
        {MET_starts_ssd, MET_load_s_ssd, MET_read_gb_ssd},
        {MET_starts_dram, MET_load_s_dram, MET_read_gb_dram},
    };
    for (int t = TIER_REMOTE; t <= TIER_DRAM; t++) {
        v[met[t][0]] = (double)st->starts[t];
        v[met[t][1]] = st->load_s[t];
        v[met[t][2]] = st->read_bytes[t] * 1e-9;
    }
    uint64_t hits = 0, looks = 0;
    for (int i = 0; i < s->store.n; i++) {
        hits += s->store.node[i].dram.hits;
        looks += s->store.node[i].dram.hits + s->store.node[i].dram.misses;
    }
    v[MET_dram_hit_pct] = looks ? 100.0 * (double)hits / (double)looks : 0.0;
}

/* Wasted memory (every function's idle MB x us, in GB-s), the cluster's
 * memory utilization and evictions, the per-function rows. */
static void srv_stats(void *st, SimTime h, double *v, FILE *fn_out)
{
    SrvPool *s = st;
    double sum = 0;
    for (int i = 0; i < s->n_fn; i++) {
        SrvFnStats fs;
        srvpool_fn_stats(s, i, h, &fs);
        sum += fs.idle_mb_us * 1e-6 / 1024.0;
    }
    v[MET_idle_gb_s] = sum;
    if (fn_out != NULL)
        write_function_rows(s, h, fn_out);
    double util = s->has_cluster ? cluster_mem_utilization(&s->cl, h) : 0.0;
    v[MET_node_mem_util_pct] = 100.0 * util;
    v[MET_gpu_hours] = s->has_cluster ? cluster_gpu_hours(&s->cl, h) : 0.0;
    v[MET_evictions] = (double)s->evictions;
    v[MET_no_room] = (double)s->no_room;
    v[MET_swap_ins] += (double)s->swap_ins;
    v[MET_swap_s] += time_to_s(s->swap_us);
    v[MET_swap_outs] += (double)s->swap_outs;
    v[MET_stockout_rejected] += (double)s->stockout_rejected;
    v[MET_stockout_waited] += (double)s->stockout_waited;
    v[MET_node_interruptions] += (double)s->spot_interruptions;
    v[MET_node_retried] += (double)s->spot_retried;
    if (s->has_tiers || s->alt->snapshot)
        tier_stats(s, h, v);
}

static int64_t srv_server_id(const void *st, const Request *req)
{
    (void)st;
    return req->inst != NULL ? (int64_t)req->inst->id : -1;
}

static uint64_t srv_served(const void *st)
{
    return ((const SrvPool *)st)->served;
}

/* The LLM engines' counters: live instances' and those gone. */
static void srv_llm_stats(const void *st, SimTime now, LlmRunStats *sum)
{
    const SrvPool *s = st;
    if (s->ex.ops->stats == NULL)
        return;
    for (const Instance *inst = s->all; inst != NULL; inst = inst->all_next)
        executor_stats(&s->ex, &inst->unit, now, sum);
    executor_stats(&s->ex, NULL, now, sum);
}

static void srv_destroy(void *st)
{
    SrvPool *s = st;
    if (s == NULL)
        return;
    for (Instance *inst = s->all; inst != NULL; inst = inst->all_next)
        s->ex.ops->unit_fini(&s->ex, &inst->unit); /* (llm: its engine) */
    s->ka->fini(s->ka_state);
    free(s->ka_state);
    for (int k = 0; k < s->n_pcf; k++)
        free(s->pcf[k].all);
    free(s->pcf);
    for (int i = 0; i < s->n_fn; i++)
        free(s->fn[i].route.v);
    free(s->fn);
    if (s->r_route != NULL)
        gsl_rng_free(s->r_route);
    if (s->r_spot != NULL)
        gsl_rng_free(s->r_spot);
    spot_held_fini(&s->held);
    free(s->on_node);
    executor_fini(&s->ex);
    free(s->evict.v);
    if (s->has_cluster)
        cluster_fini(&s->cl);
    free(s->preload_rank);
    for (int k = 0; k < s->n_loaded_models && s->loaded_on != NULL; k++)
        free(s->loaded_on[k].v);
    free(s->loaded_on);
    free(s->marked);
    if (s->has_tiers)
        storage_fini(&s->store);
    pool_fini(&s->inst_pool);
    free(s);
}

/* One instance's part of the books: its vCPUs and memory on its node, and
 * its share on each GPU of its mask. */
static int check_add(const SrvPool *s, const Instance *inst, Demand *sum,
                     GpuBook *gpu, char *msg, size_t size)
{
    const Node *n = &s->cl.nodes[inst->node];
    const Demand *id = &s->fn[inst->fn].dem;
    if (id->gpus > 0 && n->gpu_type[0] != '\0' &&
        strcmp(n->gpu_type, s->alt->hardware) != 0) {
        snprintf(msg, size, "a %s instance on node %d with %s GPUs",
                 s->alt->hardware, inst->node, n->gpu_type);
        return -1;
    }
    int held = 0;
    for (int g = 0; g < CLUSTER_MAX_GPUS; g++)
        held += (int)(inst->gpu_mask >> g & 1);
    int want = id->gpus > 0 && !inst->swapped ? id->gpus : 0;
    uint64_t beyond = n->cap.gpus < CLUSTER_MAX_GPUS
                          ? inst->gpu_mask >> n->cap.gpus : 0;
    if (held != want || beyond != 0 ||
        (inst->swapped && inst->swapping)) {
        snprintf(msg, size, "instance %llu holds %d GPUs, not %d",
                 (unsigned long long)inst->id, held, want);
        return -1;
    }
    Demand *d = &sum[inst->node];
    d->mvcpus += id->mvcpus;
    d->mem_mb += id->mem_mb;
    if (held > 0)
        d->gpu_mem_mb += id->gpu_mem_mb;
    for (int g = 0; g < n->cap.gpus; g++)
        if (inst->gpu_mask >> g & 1) {
            gpu[n->gpu0 + g].holders++;
            gpu[n->gpu0 + g].used_mb += cluster_gpu_share_mb(id);
        }
    return 0;
}

/* Node i's books against the sums of its instances, and its capacity. */
static int check_node(const SrvPool *s, int i, Demand *d, const GpuBook *gpu,
                      char *msg, size_t size)
{
    const Node *n = &s->cl.nodes[i];
    for (int g = 0; g < n->cap.gpus; g++) {
        const GpuBook *b = &gpu[n->gpu0 + g], *book = &s->cl.gpu[n->gpu0 + g];
        d->gpus += b->holders > 0;
        if (b->holders != book->holders || b->used_mb != book->used_mb) {
            snprintf(msg, size, "node %d GPU %d: books differ from its "
                                "instances", i, g);
            return -1;
        }
        if (s->cl.gpu_sharing ? b->used_mb > n->gpu_cap_mb : b->holders > 1) {
            snprintf(msg, size, "node %d GPU %d over capacity: %d holders, "
                                "%lld MB of %lld",
                     i, g, b->holders, (long long)b->used_mb,
                     (long long)n->gpu_cap_mb);
            return -1;
        }
    }
    if (d->mvcpus != n->used.mvcpus || d->mem_mb != n->used.mem_mb ||
        d->gpus != n->used.gpus || d->gpu_mem_mb != n->used.gpu_mem_mb) {
        snprintf(msg, size, "node %d: accounting differs from its instances",
                 i);
        return -1;
    }
    if (d->mvcpus > n->cap.mvcpus || d->mem_mb > n->cap.mem_mb ||
        d->gpus > n->cap.gpus || d->gpu_mem_mb > n->cap.gpu_mem_mb) {
        snprintf(msg, size,
                 "node %d over capacity: %lld MB of %lld, %lld mvCPU of "
                 "%lld, %d GPUs of %d",
                 i, (long long)d->mem_mb, (long long)n->cap.mem_mb,
                 (long long)d->mvcpus, (long long)n->cap.mvcpus, d->gpus,
                 n->cap.gpus);
        return -1;
    }
    return 0;
}

/* Every node's books equal the sum of its instances and stay within its
 * vCPUs, memory and GPUs; every GPU's within its memory (shared) or with
 * one holder (whole). */
static int srv_check(const void *st, char *msg, size_t size)
{
    const SrvPool *s = st;
    if (!s->has_cluster)
        return 0;
    Demand *sum = xcalloc((size_t)s->cl.n, sizeof *sum);
    GpuBook *gpu = xcalloc((size_t)(s->cl.n_gpu + 1), sizeof *gpu);
    int rc = 0;
    for (const Instance *inst = s->all; inst != NULL && rc == 0;
         inst = inst->all_next)
        if (inst->node >= 0)
            rc = check_add(s, inst, sum, gpu, msg, size);
    for (int i = 0; i < s->cl.n && rc == 0; i++)
        rc = check_node(s, i, &sum[i], gpu, msg, size);
    free(sum);
    free(gpu);
    if (rc == 0 && s->has_tiers)
        rc = storage_check(&s->store, sim_now(s->sim), msg, size);
    return rc;
}

int srvpool_functions(const SrvPool *s) { return s->n_fn; }

int srvpool_fn_checkpoint(const SrvPool *s, int fn, double *size_mb)
{
    *size_mb = (double)s->fn[fn].ckpt_bytes * 1e-6;
    return (int)s->fn[fn].model;
}

const Storage *srvpool_storage(const SrvPool *s)
{
    return s->has_tiers ? &s->store : NULL;
}

const int *srvpool_preload_ranking(const SrvPool *s, int *n)
{
    *n = s->n_preload_rank;
    return s->preload_rank;
}

void srvpool_fn_stats(SrvPool *s, int fn, SimTime now, SrvFnStats *out)
{
    SrvFn *f = &s->fn[fn];
    *out = f->st;
    out->memory_mb = f->mem_mb;
    /* idle instances are all on the available lists: close their periods */
    const InstList *lists[2] = {&f->avail_od, &f->avail_pc};
    for (int k = 0; k < 2; k++)
        for (const Instance *inst = lists[k]->head; inst != NULL;
             inst = inst->next)
            if (inst->state == INST_IDLE)
                out->idle_mb_us += idle_mb_us(s, inst, f, now);
}

const PlatformOps platform_serverless = {
    .name = "serverless",
    .events = EV_BIT(EV_SHARE) | EV_BIT(EV_BATCH) | EV_BIT(EV_ITER) |
              EV_BIT(EV_ITER_KICK) | EV_BIT(EV_READY) | EV_BIT(EV_XFER) |
              EV_BIT(EV_EXPIRE) | EV_BIT(EV_PREWARM) | EV_BIT(EV_PROVISION) |
              EV_BIT(EV_WINDOW) | EV_BIT(EV_NODE_NOTICE) |
              EV_BIT(EV_NODE_INTERRUPT),
    .vm_served = 0,
    .create = srv_create,
    .destroy = srv_destroy,
    .route = srv_route,
    .accepts = srv_accepts,
    .expected_wait_s = srv_expected_wait_s,
    .handle = srv_handle,
    .queued = srv_queued,
    .prefetch = srv_prefetch,
    .warm = srv_warm,
    .check = srv_check,
    .warmup = srv_warmup,
    .close = NULL,
    .bill_partial = srv_bill_partial,
    .cost_usd = srv_cost_usd,
    .stats = srv_stats,
    .server_id = srv_server_id,
    .served = srv_served,
    .llm_stats = srv_llm_stats,
};

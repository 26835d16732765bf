/*
 * compose.c - composite alternatives: a pipeline of stages and a rollout of
 * versions, two platform components (platform.h) whose parts are deployments
 * of their own.
 *
 * Representation.  Each part (a pipeline's stage, a rollout's version) is a
 * sub-world (host.h): its alternative's components with their own instances,
 * cold starts, keep-alive and bill, its own metrics, and its own service and
 * cold-start streams (index k + 1 for part k), on the root's engine.  The
 * component only moves requests between parts:
 *   pipeline  a small DAG of stages in topological order: stage 0 first,
 *             each later stage after the stages of its after_mask (by
 *             default the one before it: a chain), the last stage after
 *             every path (config checks it).  The request waits here; each
 *             stage runs a branch of it (world_branch_create: the same id
 *             and origin), so stages after a fan-out run side by side.  A
 *             stage begins once every stage it waits for has completed,
 *             after the transition time (an EV_STAGE event, even when that
 *             time is 0, so the handler of the stage that just ended
 *             finishes first); a stage that rejects or times its branch out
 *             fails the request, which ends with that outcome once its
 *             running branches have ended.  Each stage draws its service
 *             quantile anew (each stage runs other code), so trace
 *             durations do not apply.  End-to-end latency = the longest
 *             path of stage times (entry to completion) + one transition
 *             per stage on it (the first before stage 0 when transition_s
 *             > 0); for a chain, the sum of all.  A request is cold iff
 *             some stage was cold for it (bit k of cold_parts); its queue
 *             and cold waits are counted per stage only.
 *   rollout   an arrival goes to version v with the weight of v in the
 *             phase in force (one uniform draw per arrival from the split
 *             stream, RNG_SPLIT, so the other streams draw as they would
 *             without a rollout: common random numbers); it keeps its
 *             service quantile.  A phase begins with an EV_STAGE event
 *             (obj NULL), which snapshots every version's counters and bill
 *             so that stages.csv can give each phase's share.
 * The bill is the sum of the parts' bills plus, for a pipeline, the
 * orchestration fee (counted with the request fees):
 *   Step Functions standard: usd_per_transition per stage entered;
 *   Step Functions express: usd_per_request per ended request + its
 *   duration (origin to end, rounded up to granularity_ms) x memory
 *   (rounded up to 64 MB) x usd_per_gb_s.
 * The prices are the scenario's (config/scenario.c holds the defaults and
 * their source).  Parts' instance counts are summed into the run's
 * instance statistics (the peak is the sum of the parts' peaks, an upper
 * bound).
 *
 * Road not taken: one component with every stage's instances in one pool
 * would need per-stage queues, limits and bills inside serverless.c and
 * vmfleet.c; sub-worlds reuse them unchanged, at one extra event per hop.
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rng.h"
#include "../util/xalloc.h"
#include "platform.h"

/* One part's counters and bill at a phase boundary. */
typedef struct PartSnap {
    uint64_t c[6];  /* world_sub_counts */
    double usd;     /* accrued, whole run, open periods unrounded */
} PartSnap;

typedef struct Compose {
    World *w;
    const AltSpec *alt;
    int n;                           /* parts */
    int pipeline;                    /* 1: a chain of stages; 0: a split */
    World *part[COMPOSE_MAX_PARTS];
    uint8_t root_comp;               /* its index in the root World */
    SimTime transition_us;
    uint64_t served;                 /* requests it took */
    double orch_usd, orch_usd_all;   /* orchestration: measured, all */
    /* rollout */
    gsl_rng *r_split;
    int phase;                       /* the phase in force */
    int n_snap;                      /* phase starts seen, then the horizon */
    SimTime snap_t[ROLLOUT_MAX_PHASES + 1];
    PartSnap snap[ROLLOUT_MAX_PHASES + 1][COMPOSE_MAX_PARTS];
    RunResult res[COMPOSE_MAX_PARTS]; /* the parts' summaries (stats) */
} Compose;

/* ---- orchestration fees ------------------------------------------------ */

static void charge(Compose *s, const Request *req, double usd)
{
    s->orch_usd_all += usd;
    if (req->origin >= world_warmup(s->w))
        s->orch_usd += usd;
}

/* Express: per request, and its duration x memory, each rounded up. */
static double express_usd(const OrchSpec *o, SimTime dur_us)
{
    double gran_us = o->granularity_ms * 1e3;
    double billed_s =
        gran_us > 0 ? ceil((double)dur_us / gran_us) * gran_us * 1e-6
                    : (double)dur_us * 1e-6;
    double mem_gb = ceil(o->memory_mb / 64.0) * 64.0 / 1024.0;
    return o->usd_per_request + billed_s * mem_gb * o->usd_per_gb_s;
}

/* ---- moving requests ---------------------------------------------------- */

/* Stage k takes req (a branch) now: a transition. */
static void enter_stage(Compose *s, Request *req, int k)
{
    req->part = (uint8_t)k;
    if (s->alt->orch.kind == ORCH_STANDARD)
        charge(s, req, s->alt->orch.usd_per_transition);
    world_sub_enter(s->part[k], req, 1);
}

/* Sends req (a branch) to stage k after the transition time. */
static void hop(Compose *s, Request *req, int k)
{
    req->part = (uint8_t)k;
    world_schedule(s->w, sim_now(world_sim(s->w)) + s->transition_us,
                   EV_STAGE, req, 0);
}

/* The stages stage k waits for (bit j: stage j): its after_mask, by
 * default the stage before it. */
static unsigned after_of(const Compose *s, int k)
{
    unsigned m = s->alt->part[k].after_mask;
    return k > 0 && m == 0 ? 1u << (k - 1) : m;
}

/* Begins, each in a branch of its own, every stage of req not begun whose
 * stages before it are all done.  Stage 0 (no stage before it) enters at
 * once when transitions take no time: req is being routed then, inside no
 * part's handler; the others hop, so the stage that just ended finishes
 * its handler first. */
static void launch_ready(Compose *s, Request *req)
{
    for (int k = 0; k < s->n; k++) {
        unsigned bit = 1u << k;
        if ((req->parts_entered & bit) || (after_of(s, k) & ~req->parts_done))
            continue;
        req->parts_entered = (uint8_t)(req->parts_entered | bit);
        req->parts_live++;
        Request *b = world_branch_create(s->w, req);
        if (k == 0 && s->transition_us == 0)
            enter_stage(s, b, 0);
        else
            hop(s, b, k);
    }
}

/* The request ends with `outcome` on the root World. */
static void finish(Compose *s, Request *req, ReqOutcome outcome)
{
    SimTime now = sim_now(world_sim(s->w));
    req->tag = 0;
    req->comp = s->root_comp;
    req->where = REQ_AT_NONE;
    req->arrival = req->origin;
    if (s->pipeline) {
        req->cold = req->cold_parts != 0;
        req->start = req->bound_at = req->origin; /* waits: per stage */
        if (s->alt->orch.kind == ORCH_EXPRESS)
            charge(s, req, express_usd(&s->alt->orch, now - req->origin));
    }
    world_end_request(s->w, req, outcome);
}

/* A stage ended branch b of its request: the stages now ready begin; the
 * request ends when its last branch has, completed if every stage
 * completed, else with the first failure's outcome (stages after a failed
 * one never begin). */
static void pipeline_part_end(void *ctx, Request *b, ReqOutcome outcome)
{
    Compose *s = ctx;
    Request *req = b->parent;
    unsigned bit = 1u << b->part;
    if (b->cold)
        req->cold_parts = (uint8_t)(req->cold_parts | bit);
    req->parts_live--;
    world_branch_free(s->w, b);
    if (outcome == REQ_COMPLETED) {
        req->parts_done = (uint8_t)(req->parts_done | bit);
        if (req->outcome == REQ_PENDING)
            launch_ready(s, req);
    } else if (req->outcome == REQ_PENDING) {
        req->outcome = (uint8_t)outcome;
    }
    if (req->parts_live > 0)
        return;
    if (req->outcome != REQ_PENDING) {
        finish(s, req, (ReqOutcome)req->outcome);
        return;
    }
    assert(req->parts_done == (1u << s->n) - 1); /* the last stage ends all */
    finish(s, req, REQ_COMPLETED);
}

static void rollout_part_end(void *ctx, Request *req, ReqOutcome outcome)
{
    finish(ctx, req, outcome);
}

/* The version an arrival goes to: the phase's weights, one draw. */
static int pick_version(Compose *s)
{
    double u = gsl_rng_uniform(s->r_split), acc = 0;
    const RolloutPhase *ph = &s->alt->phase[s->phase];
    int last = 0;
    for (int v = 0; v < s->n; v++) {
        if (ph->weight[v] <= 0)
            continue;
        acc += ph->weight[v];
        last = v;
        if (u < acc)
            return v;
    }
    return last; /* rounding: the weights sum to 1 within 1e-9 */
}

/* ---- phases ------------------------------------------------------------- */

static void snapshot(Compose *s, SimTime now, int final)
{
    assert(s->n_snap <= ROLLOUT_MAX_PHASES);
    int i = s->n_snap++;
    s->snap_t[i] = now;
    for (int v = 0; v < s->n; v++) {
        world_sub_counts(s->part[v], s->snap[i][v].c);
        s->snap[i][v].usd =
            world_sub_cost_usd(s->part[v], now, final, 0, NULL);
    }
}

static void schedule_phase(Compose *s)
{
    if (s->phase + 1 >= s->alt->n_phases)
        return;
    SimTime t = time_from_s(s->alt->phase[s->phase + 1].at_s);
    if (t < world_config(s->w)->horizon)
        world_schedule(s->w, t, EV_STAGE, NULL, 0);
}

/* Part k's bill over phase ph: the difference of two sums, so a phase
 * with nothing billed may differ from 0 by rounding; that is shown as 0. */
static double phase_cost_usd(const Compose *s, int k, int ph)
{
    double d = s->snap[ph + 1][k].usd - s->snap[ph][k].usd;
    return fabs(d) < 1e-12 ? 0.0 : d;
}

/* ---- the component ---------------------------------------------------- */

static void *compose_create(World *w, const AltSpec *a, int pipeline)
{
    Compose *s = xcalloc(1, sizeof *s);
    assert(a->n_parts >= 1 && a->n_parts <= COMPOSE_MAX_PARTS);
    s->w = w;
    s->alt = a;
    s->n = a->n_parts;
    s->pipeline = pipeline;
    s->transition_us = pipeline ? time_from_s(a->orch.transition_s) : 0;
    for (int k = 0; k < s->n; k++)
        s->part[k] = world_sub_create(
            w, &a->part[k], (uint32_t)k + 1,
            pipeline ? pipeline_part_end : rollout_part_end, s);
    if (!pipeline) {
        const RunConfig *rc = world_config(w);
        s->r_split = rng_create(rc->seed, rc->rep, RNG_SPLIT, 0);
        snapshot(s, 0, 0);
        schedule_phase(s);
    }
    return s;
}

static void *pipeline_create(World *w, const AltSpec *a)
{
    return compose_create(w, a, 1);
}

static void *rollout_create(World *w, const AltSpec *a)
{
    return compose_create(w, a, 0);
}

static void compose_destroy(void *st)
{
    Compose *s = st;
    if (s == NULL)
        return;
    for (int k = 0; k < s->n; k++)
        world_sub_destroy(s->part[k]);
    if (s->r_split != NULL)
        gsl_rng_free(s->r_split);
    free(s);
}

static void compose_route(void *st, Request *req)
{
    Compose *s = st;
    s->root_comp = req->comp;
    s->served++;
    if (!s->pipeline) {
        int v = pick_version(s);
        req->part = (uint8_t)v;
        world_sub_enter(s->part[v], req, 0);
    } else {
        launch_ready(s, req); /* req waits here; branches run its stages */
    }
}

/* Only a hybrid asks these, and a composite is never part of one. */
static int compose_accepts(const void *st)
{
    (void)st;
    return 1;
}

static double compose_expected_wait_s(const void *st)
{
    (void)st;
    return 0;
}

static void compose_handle(void *st, const Event *ev)
{
    Compose *s = st;
    assert(ev->kind == EV_STAGE);
    if (ev->obj != NULL) {
        Request *req = ev->obj;
        enter_stage(s, req, req->part);
        return;
    }
    snapshot(s, sim_now(world_sim(s->w)), 0);
    s->phase++;
    schedule_phase(s);
}

static int compose_queued(const void *st)
{
    (void)st;
    return 0; /* the parts' queues are theirs */
}

static void compose_warmup(void *st, SimTime now)
{
    Compose *s = st;
    for (int k = 0; k < s->n; k++)
        world_sub_warmup(s->part[k], now);
}

static void compose_close(void *st, SimTime horizon)
{
    Compose *s = st;
    for (int k = 0; k < s->n; k++)
        world_sub_close(s->part[k], horizon);
}

static double compose_cost_usd(void *st, SimTime now, int final,
                               int since_warmup, double *v)
{
    Compose *s = st;
    double orch = since_warmup ? s->orch_usd : s->orch_usd_all;
    double usd = orch;
    for (int k = 0; k < s->n; k++)
        usd += world_sub_cost_usd(s->part[k], now, final, since_warmup, v);
    if (v != NULL)
        v[MET_cost_requests_usd] += orch;
    return usd;
}

/* One stages.csv row: a part over the run (phase < 0) or over a phase. */
static void write_part_row(const Compose *s, FILE *fp, int k, int phase,
                           const RunResult *r, double cold_total)
{
    const RunConfig *rc = world_config(s->w);
    const AltSpec *p = &s->alt->part[k];
    fprintf(fp, "%s,%" PRIu32 ",%d,%s,", s->alt->name, rc->rep, k, p->name);
    if (phase < 0) {
        double cold = (double)r->cold_requests;
        fprintf(fp,
                "-1,0,%.17g,,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,"
                "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                time_to_s(rc->horizon), r->v[MET_arrivals],
                r->v[MET_completed], r->v[MET_rejected], r->v[MET_timed_out],
                cold, r->v[MET_cold_pct],
                cold_total > 0 ? 100.0 * cold / cold_total : 0.0,
                r->v[MET_cold_starts], r->v[MET_mean_cold_wait_ms],
                r->v[MET_mean_ms], r->v[MET_p99_ms],
                r->v[MET_busy_mean], r->v[MET_starting_mean],
                r->v[MET_instances_mean],
                r->v[MET_cost_usd]);
        return;
    }
    const PartSnap *a = &s->snap[phase][k], *b = &s->snap[phase + 1][k];
    double d[6];
    for (int i = 0; i < 6; i++)
        d[i] = (double)(b->c[i] - a->c[i]);
    double cold_phase = 0; /* every version's cold requests in the phase */
    for (int v = 0; v < s->n; v++)
        cold_phase += (double)(s->snap[phase + 1][v].c[4] -
                               s->snap[phase][v].c[4]);
    fprintf(fp,
            "%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,"
            "%.17g,%.17g,,,,,,,%.17g\n",
            phase, time_to_s(s->snap_t[phase]), time_to_s(s->snap_t[phase + 1]),
            100.0 * s->alt->phase[phase].weight[k], d[0], d[1], d[2], d[3],
            d[4], d[1] > 0 ? 100.0 * d[4] / d[1] : 0.0,
            cold_phase > 0 ? 100.0 * d[4] / cold_phase : 0.0, d[5],
            phase_cost_usd(s, k, phase));
}

static void compose_stats(void *st, SimTime h, double *v, FILE *fn_out)
{
    Compose *s = st;
    (void)fn_out;
    double cold_total = 0;
    static const int summed[] = {MET_cold_starts,   MET_busy_mean,
                                 MET_idle_mean,     MET_starting_mean,
                                 MET_instances_mean, MET_peak_instances,
                                 MET_vms_mean,      MET_vm_peak,
                                 MET_idle_gb_s};
    for (size_t i = 0; i < sizeof summed / sizeof summed[0]; i++)
        v[summed[i]] = 0;
    if (!s->pipeline) /* the horizon ends the last phase, requests still
                         live at it billed (the root closed them) */
        snapshot(s, h, 1);
    for (int k = 0; k < s->n; k++) {
        world_sub_finish(s->part[k], &s->res[k]);
        cold_total += (double)s->res[k].cold_requests;
        for (size_t i = 0; i < sizeof summed / sizeof summed[0]; i++)
            v[summed[i]] += s->res[k].v[summed[i]];
    }
    FILE *fp = world_config(s->w)->stages_out;
    if (fp == NULL)
        return;
    for (int k = 0; k < s->n; k++) {
        write_part_row(s, fp, k, -1, &s->res[k], cold_total);
        if (!s->pipeline)
            for (int ph = 0; ph + 1 < s->n_snap; ph++)
                write_part_row(s, fp, k, ph, NULL, 0);
    }
}

static void compose_parts(const void *st, RunResult *out)
{
    const Compose *s = st;
    double cold_total = 0;
    for (int k = 0; k < s->n; k++)
        cold_total += (double)s->res[k].cold_requests;
    out->n_parts = s->n;
    out->n_phases = s->pipeline ? 0 : s->n_snap - 1;
    for (int ph = 0; ph < out->n_phases; ph++)
        out->phase_from_s[ph] = time_to_s(s->snap_t[ph]);
    for (int k = 0; k < s->n; k++) {
        const double *v = s->res[k].v;
        PartResult *p = &out->part[k];
        p->arrivals = v[MET_arrivals];
        p->completed = v[MET_completed];
        p->rejected = v[MET_rejected];
        p->cold_pct = v[MET_cold_pct];
        p->cold_share_pct = cold_total > 0 ? 100.0 *
                                                 (double)s->res[k].cold_requests /
                                                 cold_total
                                           : 0.0;
        p->instance_starts = v[MET_cold_starts];
        p->cold_wait_ms = v[MET_mean_cold_wait_ms];
        p->mean_ms = v[MET_mean_ms];
        p->p99_ms = v[MET_p99_ms];
        p->cost_usd = v[MET_cost_usd];
        for (int ph = 0; ph < out->n_phases; ph++) {
            const PartSnap *a = &s->snap[ph][k], *b = &s->snap[ph + 1][k];
            p->phase_arrivals[ph] = (double)(b->c[0] - a->c[0]);
            p->phase_starts[ph] = (double)(b->c[5] - a->c[5]);
            p->phase_cost_usd[ph] = phase_cost_usd(s, k, ph);
        }
    }
}

static int64_t compose_server_id(const void *st, const Request *req)
{
    (void)st;
    (void)req;
    return -1;
}

static uint64_t compose_served(const void *st)
{
    return ((const Compose *)st)->served;
}

#define COMPOSE_OPS(kind, create_fn)                                           \
    {                                                                          \
        .name = kind, .events = EV_BIT(EV_STAGE), .vm_served = 0,             \
        .create = create_fn, .destroy = compose_destroy,                       \
        .route = compose_route, .accepts = compose_accepts,                    \
        .expected_wait_s = compose_expected_wait_s,                            \
        .handle = compose_handle, .queued = compose_queued,                    \
        .warmup = compose_warmup, .close = compose_close,                      \
        .cost_usd = compose_cost_usd, .stats = compose_stats,                  \
        .server_id = compose_server_id, .parts = compose_parts,                \
        .served = compose_served,                                              \
    }

const PlatformOps platform_pipeline = COMPOSE_OPS("pipeline", pipeline_create);
const PlatformOps platform_rollout = COMPOSE_OPS("rollout", rollout_create);

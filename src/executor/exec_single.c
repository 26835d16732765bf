/*
 * exec_single.c - the `single` executor: one request per slot
 * (executor.h).
 *
 * A request given to an instance starts at once and runs its warm service
 * time (the request's quantile of the profile, executor_service_us), plus
 * the instance's first-inference extra when it is the instance's first,
 * cut at the timeout (it then ends timed out, billed up to the timeout);
 * one DONE event, handled by the platform, ends it.  A cold request of a
 * total-time profile arrives with its service time set by the platform's
 * cold start (serverless.c), which is kept.
 *
 * Processor sharing (cfg.share: concurrency > 1 on a CPU class).  DESIGN.md
 * section 3: k requests on an instance with v vCPUs, profile measured on r,
 * each run at speed min(1, v / (k r)) -- Cloud Run, Azure Container Apps
 * and Knative give an instance's requests its vCPUs, not a vCPU each.  A
 * request's work is its time alone (warm time x f), so relative to that it
 * runs at min(1, m / k), m = max(1, v / r).  Where concurrency <= m no
 * request ever slows and the plain path above runs (the platform does not
 * set cfg.share); otherwise a unit keeps its k running requests' remaining
 * work in an array (ShareRun), and each change of k -- a start, an end, a
 * timeout -- first brings all of it up to now at the old speed and then
 * schedules one EV_SHARE for the least remaining work at the new speed (or
 * the earliest timeout), cancelling the previous one by epoch.  That is
 * O(k) per change, k <= concurrency <= 1000; a heap by virtual finish time
 * would make it O(log k) but needs a second structure for the timeouts,
 * and at Cloud Run's default 80 the scan is a few hundred bytes.  A
 * request times out timeout_s of wall time after it started and is billed
 * (request-duration prices) for its wall time in service.  GPU classes
 * keep running each request at its profile's speed: their warm time is
 * GPU time, which DESIGN.md's vCPU rule does not describe, and concurrent
 * GPU work is what dynamic batching models.
 */
#include "executor.h"

#include <assert.h>
#include <math.h>

#include "../platform/host.h"

/* One request running on a processor-shared unit. */
typedef struct ShareRun {
    double rem_us;    /* work left, in microseconds of running alone */
    SimTime deadline; /* its timeout (start + timeout_s), or SIM_TIME_MAX */
    Request *req;
} ShareRun;

/* Speed of each of k requests on one instance relative to one request
 * alone: min(1, m / k), m = max(1, v / r).  DESIGN.md gives each request
 * min(1, v / (k r)); alone it runs at min(1, v / r) = 1 / cpu_factor, which
 * its work (service time x cpu_factor) already includes. */
static double share_speed(const Executor *ex, int k)
{
    return k <= ex->cfg.share_m ? 1.0 : ex->cfg.share_m / k;
}

/* Brings the remaining work of u's requests up to `now` at the speed they
 * had since share_at. */
static void share_advance(const Executor *ex, ExecUnit *u, SimTime now)
{
    int k = u->running;
    if (k > 0 && now > u->share_at) {
        double done_us = (double)(now - u->share_at) * share_speed(ex, k);
        for (int i = 0; i < k; i++)
            u->share[i].rem_us -= done_us;
    }
    u->share_at = now;
}

/* Schedules u's next end -- the least remaining work at the current speed,
 * or the earliest timeout -- and makes any pending one stale.  Rounded up
 * to the next microsecond (less a millionth, so that exact quotients stay
 * exact); share_end takes work within SHARE_EPS_US as done. */
#define SHARE_EPS_US 1e-6

static void share_schedule(Executor *ex, ExecUnit *u)
{
    u->share_epoch = ++*ex->epochs;
    int k = u->running;
    if (k == 0)
        return;
    double rem = HUGE_VAL;
    SimTime t = SIM_TIME_MAX;
    for (int i = 0; i < k; i++) {
        if (u->share[i].rem_us < rem)
            rem = u->share[i].rem_us;
        if (u->share[i].deadline < t)
            t = u->share[i].deadline;
    }
    double dt_us = ceil(rem / share_speed(ex, k) - SHARE_EPS_US);
    if (dt_us < 0)
        dt_us = 0; /* work already done (a zero service time) */
    if (dt_us < (double)(t - u->share_at))
        t = u->share_at + (SimTime)dt_us;
    world_schedule(ex->w, t, EV_SHARE, u, u->share_epoch);
}

/* req starts on u with `work_us` of work (its time alone). */
static void share_join(Executor *ex, ExecUnit *u, Request *req,
                       SimTime work_us)
{
    ShareRun *e = &u->share[u->running++];
    e->req = req;
    e->rem_us = (double)work_us;
    e->deadline = ex->cfg.timeout_us > 0 ? req->start + ex->cfg.timeout_us
                                         : SIM_TIME_MAX;
    share_schedule(ex, u);
}

/* EV_SHARE: ends u's requests whose work is done (completed) or whose
 * timeout has come (timed out), each billed for its wall time in service;
 * then the platform refills the freed slots. */
static void on_share(Executor *ex, ExecUnit *u, uint32_t epoch)
{
    if (epoch != u->share_epoch) {
        world_count_stale(ex->w);
        return;
    }
    SimTime now = sim_now(world_sim(ex->w));
    share_advance(ex, u, now);
    for (int i = 0; i < u->running;) {
        ShareRun *e = &u->share[i];
        ReqOutcome outcome;
        if (e->rem_us <= SHARE_EPS_US)
            outcome = REQ_COMPLETED; /* also when it is due to time out now */
        else if (e->deadline <= now)
            outcome = REQ_TIMED_OUT;
        else {
            i++;
            continue;
        }
        Request *req = e->req;
        *e = u->share[--u->running];
        req->run_us = now - req->start;
        ex->hooks->ended(ex->platform, u, req, outcome);
    }
    uint32_t before = u->share_epoch;
    ex->hooks->refill(ex->platform, u);
    /* (the unit may be gone now: only a unit still running is read) */
    if (u->running > 0 && u->share_epoch == before)
        share_schedule(ex, u); /* no start rescheduled it */
}

static void single_unit_init(Executor *ex, ExecUnit *u, void *owner)
{
    executor_unit_reset(ex, u, owner);
    if (ex->cfg.share) {
        if (!ex->has_share_pool) {
            pool_init(&ex->share_pool,
                      (size_t)ex->cfg.slots * sizeof(ShareRun), 64);
            ex->has_share_pool = 1;
        }
        u->share = pool_get(&ex->share_pool);
    }
}

static void single_unit_fini(Executor *ex, ExecUnit *u)
{
    if (u->share != NULL) {
        pool_put(&ex->share_pool, u->share);
        u->share = NULL;
    }
    u->running = 0;
}



/* Starts req on u now. */
static void single_take(Executor *ex, ExecUnit *u, Request *req)
{
    SimTime now = sim_now(world_sim(ex->w));
    if (ex->cfg.share)
        share_advance(ex, u, now); /* the others' work at the old k */
    SimTime extra = ex->hooks->start(ex->platform, u, req, 1);
    if (!(req->cold && ex->cfg.hw->cold_mode == COLD_TOTAL))
        req->service_us = executor_service_us(ex, req, 1);
    SimTime run = req->service_us + extra;
    (*ex->served)++;
    if (ex->cfg.share) {
        share_join(ex, u, req, run);
        return;
    }
    if (ex->cfg.timeout_us > 0 && run > ex->cfg.timeout_us) {
        run = ex->cfg.timeout_us;
        req->outcome = REQ_TIMED_OUT; /* decided now, recorded at DONE */
    }
    req->run_us = run;
    world_schedule(ex->w, now + run, EV_DONE, req, req->done_epoch);
}

static void single_hold(Executor *ex, ExecUnit *u, Request *req)
{
    (void)ex;
    executor_hold_push(u, req);
}

/* Held requests start (the unit became ready). */
static void single_kick(Executor *ex, ExecUnit *u)
{
    Request *req;
    while ((req = executor_hold_pop(u)) != NULL)
        single_take(ex, u, req);
}


static void single_handle(Executor *ex, const Event *ev)
{
    assert(ev->kind == EV_SHARE);
    on_share(ex, ev->obj, ev->epoch);
}

static void single_clear(Executor *ex, ExecUnit *u)
{
    u->held_head = u->held_tail = NULL;
    u->held = 0;
    u->running = 0;
    u->share_epoch = ++*ex->epochs; /* a pending end is stale */
}

const ExecutorOps exec_single = {
    .name = "single",
    .kind = EXEC_SINGLE,
    .forms_batches = 0,
    .unit_init = single_unit_init,
    .unit_fini = single_unit_fini,
    .take = single_take,
    .hold = single_hold,
    .kick = single_kick,
    .handle = single_handle,
    .clear = single_clear,
};

/*
 * test_queue.c - an SQS event source in front of a serverless pool
 * (platform/queue.c).
 *
 * Pins: a hand-worked batch-window schedule (batch size 3, window 2 s:
 * every message's end time and the mean batch); the times at which a
 * failing message returns and is dead-lettered, with and without
 * back-off and when the function's timeout is what fails it, all by hand;
 * the dead-letter count of independent failures, arrivals x p^max_receives,
 * inside its binomial interval; and conservation after every event of
 * random configurations: arrivals = processed + dead-lettered + the
 * queue's backlog.  Does not pin the order of messages inside a batch nor
 * the pool's instance choice (test_routing does).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>

#include "core/rng.h"
#include "support.h"

/* warm service 20 ms + 10 ms per message, exactly (sigma 0) */
static AltSpec queued_alt(double start_s, int batch, double window_s)
{
    AltSpec alt = support_alt(0, start_s);
    alt.hw.warm_affine = 1;
    alt.hw.warm_a_s = 0.020;
    alt.hw.warm_c_s = 0.010;
    alt.hw.warm_sigma = 0;
    alt.queue.enabled = 1;
    alt.queue.batch_size = batch;
    alt.queue.batch_window_s = window_s;
    alt.queue.visibility_s = 30;
    alt.queue.max_receives = 3;
    alt.queue.backoff_factor = 2;
    return alt;
}

#define MAX_SEEN 16
typedef struct Seen {
    int n;
    double arrival_s[MAX_SEEN], end_s[MAX_SEEN];
    int outcome[MAX_SEEN];
} Seen;

static void observe(void *ctx, const Request *req, SimTime now)
{
    Seen *s = ctx;
    cr_assert_lt(s->n, MAX_SEEN);
    s->arrival_s[s->n] = time_to_s(req->arrival);
    s->end_s[s->n] = time_to_s(now);
    s->outcome[s->n] = req->outcome;
    s->n++;
}

static RunResult run_seen(const AltSpec *alt, const WorkloadSpec *wl,
                          double horizon_s, Seen *seen)
{
    RunConfig rc = support_config(alt, wl, horizon_s, 1);
    rc.observe = observe;
    rc.observe_ctx = seen;
    RunResult res;
    world_run(&rc, &res);
    return res;
}

/* The end time of the message that arrived at arrival_s. */
static double end_of(const Seen *s, double arrival_s)
{
    for (int i = 0; i < s->n; i++)
        if (fabs(s->arrival_s[i] - arrival_s) < 1e-9)
            return s->end_s[i];
    cr_assert_fail("no message arrived at %g s", arrival_s);
    return -1.0; /* not reached */
}

Test(queue, batch_window_schedule_by_hand)
{
    /* batch 3, window 2 s; uploads at 0, 0.5, 1, 1.5, 3 and 6 s.
     * 0: a window opens (to 2 s); 1 s: three visible, a full batch runs at
     * once, on a new instance: 0.25 s start + 20 + 3 x 10 ms: ends 1.30.
     * 1.5: a window opens (to 3.5); at 3.5 the two visible run warm for
     * 40 ms: end 3.54.  6: a window to 8; one runs 30 ms: end 8.03. */
    static const double t[] = {0, 0.5, 1.0, 1.5, 3.0, 6.0};
    static const double d[] = {1, 1, 1, 1, 1, 1}; /* ignored: the batch
                                                     runs a + c n */
    static const double end[] = {1.30, 1.30, 1.30, 3.54, 3.54, 8.03};
    AltSpec alt = queued_alt(0.25, 3, 2.0);
    WorkloadSpec wl = support_trace("queue-window", t, d, 6);
    Seen seen = {0};
    RunResult res = run_seen(&alt, &wl, 20, &seen);
    cr_assert_eq(res.v[MET_completed], 6);
    cr_assert_eq(res.v[MET_cold_starts], 1);
    cr_assert_float_eq(res.v[MET_mean_batch], 2.0, 1e-12); /* 6 / 3 */
    for (int i = 0; i < 6; i++)
        cr_assert_float_eq(end_of(&seen, t[i]), end[i], 1e-9,
                           "message at %g s ended at %g, not %g", t[i],
                           end_of(&seen, t[i]), end[i]);
    /* end-to-end delay: (1.3 + 0.8 + 0.3 + 2.04 + 0.54 + 2.03) / 6 s */
    cr_assert_float_eq(res.v[MET_mean_ms], 7010.0 / 6, 1e-6);
    /* no window: each upload runs alone as it arrives */
    alt = queued_alt(0.25, 3, 0.0);
    Seen seen0 = {0};
    res = run_seen(&alt, &wl, 20, &seen0);
    cr_assert_float_eq(res.v[MET_mean_batch], 1.0, 1e-12);
    cr_assert_float_eq(end_of(&seen0, 0.5), 0.53, 1e-9); /* warm from 0.28 */
}

/* One message that fails every time it is received. */
static double dead_letter_time(AltSpec *alt)
{
    static const double t[] = {0};
    static const double d[] = {1};
    WorkloadSpec wl = support_trace("queue-retry", t, d, 1);
    Seen seen = {0};
    RunResult res = run_seen(alt, &wl, 100, &seen);
    cr_assert_eq(res.v[MET_rejected], 1, "dead-lettered: %g",
                 res.v[MET_rejected]);
    cr_assert_eq(seen.n, 1);
    cr_assert_eq(seen.outcome[0], REQ_REJECTED);
    return seen.end_s[0];
}

Test(queue, retry_and_back_off_times_by_hand)
{
    /* visibility 10 s, max receives 3, service 30 ms, no start time.
     * Without back-off: received at 0, 10, 20 (each visible again at
     * receipt + 10 s); after the third it is dead-lettered when it would
     * be visible again: 30 s. */
    AltSpec alt = queued_alt(0, 1, 0);
    alt.queue.visibility_s = 10;
    alt.queue.failure_prob = 1;
    cr_assert_float_eq(dead_letter_time(&alt), 30.0, 1e-9);
    /* back-off 4 s x 3^(k-1) after the k-th failure: fails at 0.03, back
     * at max(10, 0.03 + 4) = 10; fails 10.03, back at max(20, 10.03 + 12)
     * = 22.03; fails 22.06, gone at max(32.03, 22.06 + 36) = 58.06. */
    alt.queue.backoff_s = 4;
    alt.queue.backoff_factor = 3;
    cr_assert_float_eq(dead_letter_time(&alt), 58.06, 1e-9);
    /* the function's timeout fails it (10 ms < 30 ms of work): received
     * at 0, 10, 20, gone at 30 */
    alt = queued_alt(0, 1, 0);
    alt.queue.visibility_s = 10;
    alt.timeout_s = 0.010;
    cr_assert_float_eq(dead_letter_time(&alt), 30.0, 1e-9);
}

Test(queue, dead_letters_are_binomial_in_p_to_the_max_receives)
{
    /* batch 1, failures independent with p = 0.5, 3 receives: a message is
     * dead-lettered with probability p^3 = 0.125.  Arrivals end at 1000 s
     * and every retry is over by 1000 + 3 x 1 s, so nothing is left. */
    AltSpec alt = queued_alt(0, 1, 0);
    alt.queue.failure_prob = 0.5;
    alt.queue.visibility_s = 1;
    WorkloadSpec wl = support_poisson(10);
    wl.end_s = 1000;
    RunResult res = support_run(&alt, &wl, 1010, 7, 0);
    double n = res.v[MET_arrivals], q = 0.125;
    double mean = n * q, half = 4 * sqrt(n * q * (1 - q));
    fprintf(stderr,
            "dead-lettered: theory %.1f +- %.1f (4 sd, n = %.0f), sim %.0f\n",
            mean, half, n, res.v[MET_rejected]);
    cr_assert_eq(res.v[MET_unfinished], 0);
    cr_assert_eq(res.v[MET_completed] + res.v[MET_rejected], n);
    cr_assert(fabs(res.v[MET_rejected] - mean) <= half);
    /* p = 0: none */
    alt.queue.failure_prob = 0;
    res = support_run(&alt, &wl, 1010, 7, 0);
    cr_assert_eq(res.v[MET_rejected], 0);
}

/* The queue's backlog: messages it holds. */
static int backlog(const World *w)
{
    int q = world_component_of(w, &platform_queue);
    cr_assert_geq(q, 0);
    return w->comp[q].ops->queued(w->comp[q].state);
}

Test(queue, every_message_is_processed_dead_lettered_or_in_the_backlog)
{
    gsl_rng *r = rng_create(20261202, 0, RNG_POLICY, 0);
    for (int k = 0; k < 24; k++) {
        AltSpec alt = queued_alt(gsl_rng_uniform(r) * 2,
                                 1 + (int)gsl_rng_uniform_int(r, 20),
                                 gsl_rng_uniform(r) < 0.5
                                     ? 0
                                     : gsl_rng_uniform(r) * 3);
        alt.queue.max_concurrency =
            gsl_rng_uniform(r) < 0.5 ? 0 : 2 + (int)gsl_rng_uniform_int(r, 4);
        alt.queue.failure_prob = gsl_rng_uniform(r) * 0.6;
        alt.queue.max_receives = 1 + (int)gsl_rng_uniform_int(r, 4);
        alt.queue.visibility_s = gsl_rng_uniform(r) * 5;
        alt.queue.backoff_s = gsl_rng_uniform(r) < 0.5 ? 0 : 1;
        alt.timeout_s = gsl_rng_uniform(r) < 0.3 ? 0.1 : 0;
        alt.max_instances = gsl_rng_uniform(r) < 0.3 ? 2 : 0;
        alt.keepalive.keepalive_s = 5;
        WorkloadSpec wl = support_poisson(5 + 40 * gsl_rng_uniform(r));
        RunConfig rc = support_config(&alt, &wl, 60, (uint64_t)k + 1);
        World *w = world_create(&rc);
        char msg[256];
        uint64_t steps = 0;
        while (sim_step(w->sim, rc.horizon)) {
            const Metrics *m = w->m;
            cr_assert_eq(m->timed_out, 0);
            cr_assert_eq(m->arrivals,
                         m->completed + m->rejected + (uint64_t)backlog(w),
                         "case %d, event %" PRIu64 ": %" PRIu64
                         " arrivals, %" PRIu64 " processed, %" PRIu64
                         " dead-lettered, %d held",
                         k, steps, m->arrivals, m->completed, m->rejected,
                         backlog(w));
            cr_assert_eq(world_check(w, msg, sizeof msg), 0, "%s", msg);
            steps++;
        }
        RunResult res;
        int held = backlog(w);
        world_finish(w, &res); /* checks arrivals = ... + unfinished */
        cr_assert_eq(res.v[MET_unfinished], held);
        world_destroy(w);
    }
    gsl_rng_free(r);
}

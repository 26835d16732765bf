/*
 * test_batching.c - dynamic batching on serverless instances.
 *
 * Pins: a batch of b requests runs for the profile's a + c b (sigma 0 here)
 * and every request in it ends together, so a batched request's latency =
 * wait for its batch + service of the batch (hand-worked below); with
 * max_wait 0 and requests that never overlap, every batch has size 1;
 * under heavy load batches reach max_batch; a batch's duration is billed
 * once; a forming batch that the queue fills as a batch ends starts, and
 * its instance stays (no keep-alive, at most 1 instance: 20 runs with
 * conservation); a request that queued while the forming batch was full
 * joins the next forming batch as a batch starts, ahead of later arrivals
 * (hand-worked, serverless and VM).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static AltSpec batched(int max_batch, double wait_s)
{
    AltSpec alt = support_alt(0, 0.0);
    alt.hw.warm_affine = 1;
    alt.hw.warm_a_s = 0.020;
    alt.hw.warm_c_s = 0.010;
    alt.hw.warm_sigma = 0;
    alt.max_batch = max_batch;
    alt.batch_wait_s = wait_s;
    alt.n_prov = 1;
    alt.prov[0].count = 1;
    alt.max_instances = 1;
    alt.queue_len = 1000000;
    return alt;
}

Test(batching, latency_is_wait_for_batch_plus_batch_service)
{
    /* requests at 0, 1, 2 ms; max batch 4, max wait 10 ms: one batch of 3
     * runs at 10 ms for 20 + 3 x 10 = 50 ms: latencies 60, 59, 58 ms. */
    AltSpec alt = batched(4, 0.010);
    WorkloadSpec wl = support_constant(1000, 0, 0.0025);
    RunResult res = support_run(&alt, &wl, 10, 1, 0);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_float_eq(res.v[MET_mean_batch], 3.0, 1e-12);
    cr_assert_float_eq(res.v[MET_mean_ms], 59.0, 1e-9);
    cr_assert_float_eq(res.v[MET_max_ms], 60.0, 1e-9);
    /* max batch 2: r0, r1 run at 1 ms for 40 ms (done 41); r2 forms the
     * next batch meanwhile and runs alone at 41 ms for 30 ms (done 71). */
    alt = batched(2, 0.010);
    res = support_run(&alt, &wl, 10, 1, 0);
    cr_assert_float_eq(res.v[MET_mean_batch], 1.5, 1e-12);
    cr_assert_float_eq(res.v[MET_mean_ms], (41.0 + 40.0 + 69.0) / 3, 1e-9);
    /* billed once per batch: 40 ms + 30 ms on a provisioned instance */
    cr_assert_float_eq(res.v[MET_cost_prov_compute_usd],
                       0.070 * 1.0 * 0.0000097222, 1e-15);
}

Test(batching, zero_wait_without_overlap_gives_batch_size_one)
{
    AltSpec alt = batched(8, 0.0);
    WorkloadSpec wl = support_constant(1, 0, 1000);
    RunResult res = support_run(&alt, &wl, 1010, 1, 0);
    cr_assert_eq(res.v[MET_completed], 1000);
    cr_assert_float_eq(res.v[MET_mean_batch], 1.0, 1e-12);
    cr_assert_float_eq(res.v[MET_mean_ms], 30.0, 1e-9);
}

Test(batching, heavy_load_fills_batches)
{
    /* 200 req/s into one instance: a batch of 8 takes 100 ms, so 20 arrive
     * per batch: after the first, every batch is full. */
    AltSpec alt = batched(8, 0.005);
    WorkloadSpec wl = support_poisson(200);
    wl.end_s = 100;
    RunResult res = support_run(&alt, &wl, 100, 3, 0);
    fprintf(stderr, "mean batch %.4f under heavy load\n",
            res.v[MET_mean_batch]);
    cr_assert_geq(res.v[MET_mean_batch], 7.95); /* the first is partial */
}

static AltSpec batched_vm(int max_batch, double wait_s)
{
    AltSpec alt = support_vm_alt("g4dn.xlarge", 1, 1, 0);
    alt.vm.hw.warm_affine = 1;
    alt.vm.hw.warm_a_s = 0.020;
    alt.vm.hw.warm_c_s = 0.010;
    alt.vm.hw.warm_sigma = 0;
    alt.vm.max_batch = max_batch;
    alt.vm.batch_wait_s = wait_s;
    return alt;
}

Test(batching, gpu_vm_batches_like_serverless)
{
    /* the same hand-worked runs as on a serverless instance */
    WorkloadSpec wl = support_constant(1000, 0, 0.0025);
    AltSpec alt = batched_vm(4, 0.010);
    RunResult res = support_run(&alt, &wl, 10, 1, 0);
    cr_assert_float_eq(res.v[MET_mean_batch], 3.0, 1e-12);
    cr_assert_float_eq(res.v[MET_mean_ms], 59.0, 1e-9);
    alt = batched_vm(2, 0.010);
    res = support_run(&alt, &wl, 10, 1, 0);
    cr_assert_float_eq(res.v[MET_mean_ms], (41.0 + 40.0 + 69.0) / 3, 1e-9);
    /* heavy load: full batches; zero wait without overlap: size 1 */
    WorkloadSpec heavy = support_poisson(200);
    heavy.end_s = 100;
    alt = batched_vm(8, 0.005);
    res = support_run(&alt, &heavy, 100, 3, 0);
    cr_assert_geq(res.v[MET_mean_batch], 7.95);
    cr_assert_eq(res.v[MET_completed] + res.v[MET_unfinished],
                 res.v[MET_arrivals]);
    WorkloadSpec light = support_constant(1, 0, 1000);
    alt = batched_vm(8, 0.0);
    res = support_run(&alt, &light, 1010, 1, 0);
    cr_assert_float_eq(res.v[MET_mean_batch], 1.0, 1e-12);
}

/* The batches one instance ran, seen from their requests' ends (a batch's
 * requests end together): a batch that started before the previous one
 * ended ran beside it, on another instance. */
typedef struct Serial {
    SimTime batch_start, batch_end;
    int batches, overlaps;
} Serial;

static void observe_batch(void *ctx, const Request *req, SimTime now)
{
    Serial *s = ctx;
    if (req->outcome != REQ_COMPLETED ||
        (req->start == s->batch_start && now == s->batch_end))
        return;
    if (req->start < s->batch_end)
        s->overlaps++;
    s->batch_start = req->start;
    s->batch_end = now;
    s->batches++;
}

Test(batching, a_refill_that_fills_the_batch_keeps_its_instance)
{
    /* On-demand instances with no keep-alive, at most 1, a queue, batches
     * of up to 2 (1 ms wait), 0.5 s starts, Poisson 40/s.  When a batch
     * ends, the function's queue refills the forming batch; when that fills
     * it, it starts at once, so the instance must not then go idle (with no
     * keep-alive it was destroyed under the running batch, and the next
     * start ran a second instance beside it).  With at most one instance
     * the batches run one after another: none starts before the previous
     * one ended, over 20 replications, with world_check after every event
     * and conservation. */
    AltSpec alt = batched(2, 0.001);
    alt.n_prov = 0;
    alt.hw.sandbox.a_s = 0.5;
    strcpy(alt.keepalive.policy, "none");
    alt.queue_len = 3;
    WorkloadSpec wl = support_poisson(40);
    double completed = 0;
    int batches = 0, overlaps = 0;
    for (uint32_t r = 0; r < 20; r++) {
        Serial ser = {-1, -1, 0, 0};
        RunConfig rc = support_config(&alt, &wl, 60, 7);
        rc.rep = r;
        rc.observe = observe_batch;
        rc.observe_ctx = &ser;
        RunResult res;
        support_run_checked(&rc, "refilled batches", &res);
        const double *v = res.v;
        cr_assert_eq(v[MET_arrivals], v[MET_completed] + v[MET_rejected] +
                                          v[MET_timed_out] +
                                          v[MET_unfinished]);
        cr_assert_leq(v[MET_mean_batch], 2.0);
        completed += v[MET_completed];
        batches += ser.batches;
        overlaps += ser.overlaps;
    }
    fprintf(stderr, "refilled batches: %.0f requests completed in %d "
                    "batches over 20 runs, %d started before the previous "
                    "one ended\n",
            completed, batches, overlaps);
    cr_assert_gt(completed, 1000);
    cr_assert_eq(overlaps, 0);
}

/* Records each request's end (ids are arrival order: 0, 1, ...). */
typedef struct Ends {
    SimTime end_us[16];
} Ends;

static void observe_end(void *ctx, const Request *req, SimTime now)
{
    Ends *e = ctx;
    if (req->id < 16)
        e->end_us[req->id] = now;
}

static void check_queued_request_goes_first(AltSpec *alt, const char *what)
{
    /* Batches of up to 2, 10 ms wait, one instance, a + c b = 20 + 10 b
     * ms.  r0 (0 ms) and r1 (1) run at 1 ms until 41; r2 (2) and r3 (3)
     * fill the forming batch; r4 (4) queues.  At 41 the batch {r2, r3}
     * starts (until 81) and r4 joins the empty forming batch at once; r5
     * (50) joins it too, so r6 (60) queues.  At 81 {r4, r5} runs (until
     * 121) and r6 joins; its deadline (70) has passed, so at 121 it runs
     * alone for 30 ms (until 151).  Latencies 41, 40, 79, 78, 117, 71, 91
     * ms.  Had r4 waited in the queue until a batch ended, r5 and r6 would
     * have run first at 81 and r4 alone at 121 (latency 147 ms). */
    static const double t_s[] = {0, 0.001, 0.002, 0.003, 0.004, 0.050, 0.060};
    static const double dur_s[] = {0.030, 0.030, 0.030, 0.030,
                                   0.030, 0.030, 0.030}; /* b = 1 */
    static const double end_ms[] = {41, 41, 81, 81, 121, 121, 151};
    WorkloadSpec wl = support_trace("batch-fifo", t_s, dur_s, 7);
    Ends ends;
    memset(&ends, 0, sizeof ends);
    RunConfig rc = support_config(alt, &wl, 10, 1);
    rc.observe = observe_end;
    rc.observe_ctx = &ends;
    RunResult res;
    support_run_checked(&rc, what, &res);
    cr_assert_eq(res.v[MET_completed], 7, "%s", what);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(ends.end_us[i], time_from_s(end_ms[i] / 1000),
                     "%s: r%d ends at %.3f ms, not %.0f", what, i,
                     (double)ends.end_us[i] / 1000.0, end_ms[i]);
    cr_assert_float_eq(res.v[MET_max_ms], 117.0, 1e-9, "%s", what);
    cr_assert_float_eq(res.v[MET_mean_ms], 517.0 / 7, 1e-9, "%s", what);
    cr_assert_float_eq(res.v[MET_mean_batch], 7.0 / 4, 1e-12, "%s", what);
}

Test(batching, a_request_queued_behind_a_full_batch_joins_the_next_first)
{
    AltSpec alt = batched(2, 0.010);
    check_queued_request_goes_first(&alt, "serverless");
    alt = batched_vm(2, 0.010);
    check_queued_request_goes_first(&alt, "vm");
}

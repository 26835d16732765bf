/*
 * test_gpu.c - GPU sharing, swapping weights to host memory, capacity
 * stock-outs and spot nodes (provider view, DESIGN.md section 3).
 *
 * Pins: GPUs booked one by one (several instances on a shared GPU within
 * its memory; whole GPUs one holder each); a hand-worked schedule of two
 * functions on one GPU whose idle instances swap their weights out and
 * back in at the host-to-GPU bandwidth (exact times); the refused fraction
 * of a cluster of G GPUs under Poisson demand for instances that hold a
 * GPU for an exponential time equals Erlang B(G, a); a spot node's
 * interruption, after its notice, retries the request it held (exact
 * times); and, after every event of random scenarios with all of these
 * features, no node holds more than it has and no GPU more than its
 * memory.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "entity/cluster.h"
#include "support.h"

static double uni(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

/* One node of `gpus` GPUs of gpu_gb each, 8 vCPUs, 64 GB, for instances of
 * a gpu-t4 model of mem_mb (weights size_mb) that start in start_s and
 * keep 600 s. */
static AltSpec gpu_alt(int gpus, double gpu_gb, double mem_mb,
                       double size_mb, double start_s)
{
    AltSpec alt = support_alt(0, start_s);
    alt.price.gpus = 1;
    strcpy(alt.hardware, "gpu-t4");
    alt.model_memory_mb = mem_mb;
    alt.model_size_mb = size_mb;
    alt.vcpus = 1;
    alt.max_instances = 0;
    alt.cluster.enabled = 1;
    alt.cluster.n_kinds = 1;
    alt.cluster.kind[0].count = 1;
    alt.cluster.kind[0].vcpus = 8;
    alt.cluster.kind[0].memory_gb = 64;
    alt.cluster.kind[0].gpus = gpus;
    alt.cluster.kind[0].gpu_memory_gb = gpu_gb;
    return alt;
}

Test(gpu, gpus_are_booked_one_by_one)
{
    /* two 10 GB GPUs: shared, 6 GB instances go to GPU 0, then GPU 1 (6 +
     * 6 > 10), then none fits; a 4 GB one still fits GPU 0.  Whole, a GPU
     * has one holder whatever its memory. */
    AltSpec alt = gpu_alt(2, 10, 6144, 1024, 0);
    alt.cluster.gpu_sharing = 1;
    Cluster c;
    cluster_init(&c, &alt.cluster, alt.hardware);
    Demand d6 = cluster_demand(1, 6144, 1, 6144);
    Demand d4 = cluster_demand(1, 4096, 1, 4096);
    cr_assert_eq(cluster_take(&c, 0, &d6, 0), 1u);
    cr_assert_eq(cluster_take(&c, 0, &d6, 0), 2u);
    cr_assert(!cluster_fits(&c, 0, &d6));
    cr_assert(cluster_fits(&c, 0, &d4));
    cr_assert_eq(cluster_take(&c, 0, &d4, 0), 1u);
    cr_assert_eq(c.gpu[0].used_mb, 10240);
    cr_assert_eq(c.gpu[0].holders, 2);
    cr_assert_eq(c.nodes[0].used.gpus, 2);
    cluster_release(&c, 0, &d6, 1u, 0);
    cr_assert_eq(c.gpu[0].used_mb, 4096);
    cr_assert_eq(c.nodes[0].used.gpus, 2);
    cluster_gpu_release(&c, 0, &d4, 1u, 0); /* its weights swapped out */
    cr_assert_eq(c.nodes[0].used.gpus, 1);
    cr_assert_eq(c.nodes[0].used.mem_mb, 6144 + 4096);
    cluster_fini(&c);
    alt.cluster.gpu_sharing = 0;
    cluster_init(&c, &alt.cluster, alt.hardware);
    cr_assert_eq(cluster_take(&c, 0, &d4, 0), 1u);
    cr_assert_eq(cluster_take(&c, 0, &d4, 0), 2u);
    cr_assert(!cluster_fits(&c, 0, &d4));
    cluster_fini(&c);
}

Test(gpu, sharing_puts_two_instances_on_one_gpu)
{
    /* two 1 s requests 0.5 s apart on one 16 GB GPU, 6 GB instances:
     * shared, both run at once (two instances, nothing refused); whole,
     * the second finds no GPU and is refused. */
    AltSpec alt = gpu_alt(1, 16, 6144, 1024, 0);
    double t[] = {0, 0.5}, dur[] = {1, 1};
    WorkloadSpec wl = support_trace("gpu_share", t, dur, 2);
    alt.cluster.gpu_sharing = 1;
    RunResult res = support_run(&alt, &wl, 10, 1, 0);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(res.v[MET_peak_instances], 2);
    cr_assert_eq(res.v[MET_rejected], 0);
    alt.cluster.gpu_sharing = 0;
    res = support_run(&alt, &wl, 10, 1, 0);
    cr_assert_eq(res.v[MET_completed], 1);
    cr_assert_eq(res.v[MET_rejected], 1);
    cr_assert_eq(res.v[MET_no_room], 1);
}

/* Per-request (arrival, end) times of a run, by request id. */
typedef struct Seen {
    double arr_s[16], end_s[16];
    int cold[16];
    int n;
} Seen;

static void observe(void *ctx, const Request *req, SimTime now)
{
    Seen *s = ctx;
    cr_assert_lt(req->id, 16);
    s->arr_s[req->id] = time_to_s(req->arrival);
    s->end_s[req->id] = time_to_s(now);
    s->cold[req->id] = req->cold;
    s->n++;
}

/* A numbered trace: request i of function fn[i] at t_s[i], dur_s[i]. */
static WorkloadSpec fn_trace(const char *tag, const double *t_s,
                             const double *dur_s, const int *fn, int n,
                             int n_fn)
{
    WorkloadSpec wl = support_trace(tag, t_s, dur_s, 0);
    size_t size = 64 + (size_t)n * 64;
    char *text = malloc(size);
    int len = snprintf(text, size, "t,dur,fn\n");
    for (int i = 0; i < n; i++)
        len += snprintf(text + len, size - (size_t)len, "%.6f,%.6f,f%d\n",
                        t_s[i], dur_s[i], fn[i]);
    support_write_file(wl.trace.file, text); /* with the function column */
    free(text);
    strcpy(wl.trace.function_column, "fn");
    wl.trace.numbered = 1;
    wl.trace_functions = (uint64_t)n_fn; /* (what the config counts) */
    return wl;
}

/* Poisson arrivals of `rate` over [0, horizon_s) for n_fn functions at
 * random, exponential durations of mean_s (a numbered trace). */
static WorkloadSpec random_fn_trace(gsl_rng *r, double rate, double horizon_s,
                                    int n_fn, double mean_s)
{
    int cap = (int)(rate * horizon_s * 2) + 64, n = 0;
    double *t = malloc((size_t)cap * sizeof *t);
    double *dur = malloc((size_t)cap * sizeof *dur);
    int *fn = malloc((size_t)cap * sizeof *fn);
    for (double at = rng_exponential(r, 1 / rate); at < horizon_s && n < cap;
         at += rng_exponential(r, 1 / rate), n++) {
        t[n] = at;
        dur[n] = rng_exponential(r, mean_s);
        fn[n] = (int)gsl_rng_uniform_int(r, (unsigned long)n_fn);
    }
    WorkloadSpec wl = fn_trace("gpu_random", t, dur, fn, n, n_fn);
    free(t);
    free(dur);
    free(fn);
    return wl;
}

static RunResult run_seen(const AltSpec *alt, const WorkloadSpec *wl,
                          double horizon_s, Seen *seen)
{
    RunConfig rc = support_config(alt, wl, horizon_s, 1);
    rc.observe = observe;
    rc.observe_ctx = seen;
    RunResult res;
    support_run_checked(&rc, "hand-worked run", &res);
    return res;
}

Test(gpu, two_functions_one_gpu_swap_schedule_by_hand)
{
    /* One 10 GB GPU (shared), two functions A and B of a 6 GB instance
     * (5 GB of weights, 10^9 bytes a GB): only one is on the GPU at a
     * time.  Starts 2 s, requests 1 s, swap after 5 s idle, swap-in 5 GB /
     * 25 GB/s (the default PCIe rate) = 0.2 s.
     *   0    A cold: ready 2, ends 3                       (latency 3)
     *   4    B: no GPU room; A (idle) swaps out, B cold: ends 7 (3)
     *   8    A: swapped; B (idle) swaps out, A swaps in 8 -> 8.2,
     *        ends 9.2                                       (1.2)
     *   14.2 A has idled 5 s: swaps out
     *   20   B: swapped, the GPU is free: swaps in, ends 21.2 (1.2)
     *   26.2 B has idled 5 s: swaps out
     * swap-outs 4, swap-ins 2 (0.4 s), cold 2, no eviction. */
    AltSpec alt = gpu_alt(1, 10, 6144, 5000, 2.0);
    alt.cluster.gpu_sharing = 1;
    alt.cluster.swap = 1;
    alt.cluster.swap_idle_s = 5;
    alt.keepalive.keepalive_s = 600;
    double t[] = {0, 4, 8, 20}, dur[] = {1, 1, 1, 1};
    int fn[] = {0, 1, 0, 1};
    WorkloadSpec wl = fn_trace("gpu_swap", t, dur, fn, 4, 2);
    Seen seen = {0};
    RunResult res = run_seen(&alt, &wl, 100, &seen);
    double end[] = {3, 7, 9.2, 21.2};
    int cold[] = {1, 1, 0, 0};
    cr_assert_eq(seen.n, 4);
    for (int i = 0; i < 4; i++) {
        fprintf(stderr, "request %d: arrives %g s, ends %.6f s (hand %g)\n",
                i, seen.arr_s[i], seen.end_s[i], end[i]);
        cr_assert_float_eq(seen.end_s[i], end[i], 1e-9);
        cr_assert_eq(seen.cold[i], cold[i]);
    }
    cr_assert_eq(res.v[MET_swap_ins], 2);
    cr_assert_float_eq(res.v[MET_swap_s], 0.4, 1e-9);
    cr_assert_eq(res.v[MET_swap_outs], 4);
    cr_assert_eq(res.v[MET_cold_starts], 2);
    cr_assert_eq(res.v[MET_evictions], 0);
    cr_assert_float_eq(res.v[MET_mean_ms], 2100, 1e-6);
    /* the node's storage tiers give its host-to-GPU rate, 10 GB/s: the
     * swap-ins move over its link in 0.5 s (nothing else on it) */
    alt.cluster.tiers = 1;
    alt.cluster.kind[0].network_gbps = 10;
    alt.cluster.kind[0].host_to_gpu_gb_per_s = 10;
    memset(&seen, 0, sizeof seen);
    res = run_seen(&alt, &wl, 100, &seen);
    cr_assert_float_eq(seen.end_s[2], 9.5, 1e-9);
    cr_assert_float_eq(seen.end_s[3], 21.5, 1e-9);
    cr_assert_float_eq(res.v[MET_swap_s], 1.0, 1e-9);
    cr_assert_float_eq(res.v[MET_read_gb_dram], 10, 1e-9);
    alt.cluster.tiers = 0;
    /* without swapping the start at 4 s evicts A, and A starts cold again
     * at 8 s (B evicted): ends 11 */
    alt.cluster.swap = 0;
    memset(&seen, 0, sizeof seen);
    res = run_seen(&alt, &wl, 100, &seen);
    cr_assert_float_eq(seen.end_s[2], 11, 1e-9);
    cr_assert_eq(res.v[MET_evictions], 3);
    cr_assert_eq(res.v[MET_swap_ins], 0);
}

/* A random GPU cluster and function: 1-3 node kinds of 1-4 nodes with 0-8
 * GPUs of 4-24 GB, some of another class, instances of 1-2 GPUs and
 * 1-12 GB, sharing, swapping and the stock-out rule at random. */
static AltSpec random_gpu_alt(gsl_rng *r)
{
    AltSpec alt = gpu_alt(1, 1, 1, 1, uni(r, 0, 2));
    alt.hw.warm.kind = DIST_EXPONENTIAL;
    alt.hw.warm.a_s = uni(r, 0.05, 3);
    alt.cluster.place = (PlacementKind)gsl_rng_uniform_int(r, 3);
    alt.cluster.n_kinds = 1 + (int)gsl_rng_uniform_int(r, 3);
    for (int k = 0; k < alt.cluster.n_kinds; k++) {
        NodeSpec *ns = &alt.cluster.kind[k];
        ns->count = 1 + (int)gsl_rng_uniform_int(r, 4);
        ns->vcpus = 1 + (int)gsl_rng_uniform_int(r, 16);
        ns->memory_gb = uni(r, 4, 64);
        ns->gpus = (int)gsl_rng_uniform_int(r, 9);
        ns->gpu_memory_gb = uni(r, 4, 24);
        snprintf(ns->gpu_type, sizeof ns->gpu_type, "%s",
                 gsl_rng_uniform(r) < 0.2 ? "gpu-other" : "");
        if (gsl_rng_uniform(r) < 0.3) { /* spot: ~1-17 notices in 300 s */
            ns->spot_per_hour = uni(r, 10, 200);
            ns->spot_notice_s = uni(r, 0, 30);
        }
    }
    alt.price.gpus = 1 + (int)gsl_rng_uniform_int(r, 2);
    alt.model_memory_mb = uni(r, 1024, 12288);
    alt.model_size_mb = alt.model_memory_mb * uni(r, 0.3, 1);
    alt.vcpus = uni(r, 0.25, 2);
    alt.concurrency = 1 + (int)gsl_rng_uniform_int(r, 3);
    alt.queue_len = (int)gsl_rng_uniform_int(r, 5);
    alt.keepalive.keepalive_s = uni(r, 0, 120);
    alt.cluster.gpu_sharing = gsl_rng_uniform(r) < 0.6;
    alt.cluster.swap = gsl_rng_uniform(r) < 0.6;
    alt.cluster.swap_idle_s = uni(r, 0, 20);
    alt.cluster.on_stockout = (StockoutRule)gsl_rng_uniform_int(r, 3);
    return alt;
}

Test(gpu, conservation_after_every_event_random_scenarios)
{
    gsl_rng *r = rng_create(1515, 0, RNG_POLICY, 0);
    int tried = 0, events_checked = 0;
    double sum[MET_COUNT] = {0};
    for (int sc = 0; sc < 120; sc++) {
        AltSpec alt = random_gpu_alt(r);
        InstanceShape sh = spec_instance_shape(&alt);
        Demand d = cluster_demand(sh.vcpus, alt.model_memory_mb, sh.gpus,
                                  alt.model_memory_mb);
        Cluster probe;
        cluster_init(&probe, &alt.cluster, alt.hardware);
        int fits = cluster_fits_any_empty(&probe, &d);
        cluster_fini(&probe);
        if (!fits) /* the config refuses these */
            continue;
        tried++;
        int n_fn = 1 + (int)gsl_rng_uniform_int(r, 4);
        WorkloadSpec wl = random_fn_trace(r, uni(r, 0.2, 10), 300, n_fn,
                                          uni(r, 0.05, 3));
        if (n_fn == 1 && gsl_rng_uniform(r) < 0.4) { /* provisioned */
            alt.n_prov = 2;
            alt.prov[0].at_s = 0;
            alt.prov[0].count = (int)gsl_rng_uniform_int(r, 3);
            alt.prov[1].at_s = 100;
            alt.prov[1].count = (int)gsl_rng_uniform_int(r, 4);
        }
        RunConfig rc = support_config(&alt, &wl, 300, (uint64_t)sc);
        char what[32];
        snprintf(what, sizeof what, "scenario %d", sc);
        RunResult res;
        events_checked += support_run_checked(&rc, what, &res);
        cr_assert_eq(res.v[MET_arrivals], res.v[MET_completed] +
                                              res.v[MET_rejected] +
                                              res.v[MET_timed_out] +
                                              res.v[MET_unfinished]);
        for (int m = 0; m < MET_COUNT; m++)
            sum[m] += res.v[m];
    }
    fprintf(stderr, "%d scenarios, %d events checked: %.0f swap-ins, %.0f "
                    "swap-outs, %.0f evictions, %.0f stock-outs refused, %.0f "
                    "waited, %.0f node interruptions\n",
            tried, events_checked, sum[MET_swap_ins], sum[MET_swap_outs],
            sum[MET_evictions], sum[MET_stockout_rejected],
            sum[MET_stockout_waited], sum[MET_node_interruptions]);
    cr_assert_gt(tried, 50);
    cr_assert_gt(sum[MET_swap_ins], 0);
    cr_assert_gt(sum[MET_evictions], 0);
    cr_assert_gt(sum[MET_stockout_rejected], 0);
    cr_assert_gt(sum[MET_stockout_waited], 0);
    cr_assert_gt(sum[MET_node_interruptions], 0);
    cr_assert_gt(sum[MET_node_retried], 0);
    gsl_rng_free(r);
}

/* G GPUs on `nodes` nodes for instances that hold one GPU for their one
 * exponential(1 s) request (no start, no keep-alive) under Poisson demand
 * of `rate`: the refused fraction (on_stockout reject) is Erlang B(G, a),
 * the waiting one (wait) Erlang C(G, a), a = rate x 1 s. */
static void stockout_run(StockoutRule rule, int nodes, int gpus_per_node,
                         double rate, double *frac, int R)
{
    AltSpec alt = gpu_alt(gpus_per_node, 16, 4096, 1024, 0);
    alt.hw.warm.kind = DIST_EXPONENTIAL;
    alt.hw.warm.a_s = 1.0;
    alt.cluster.kind[0].count = nodes;
    alt.cluster.on_stockout = rule;
    alt.keepalive.keepalive_s = 0;
    WorkloadSpec wl = support_poisson(rate);
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(&alt, &wl, 20000, 4711, (uint32_t)r);
        double n = rule == STOCKOUT_REJECT ? res.v[MET_stockout_rejected]
                                           : res.v[MET_stockout_waited];
        frac[r] = n / res.v[MET_arrivals];
        if (rule == STOCKOUT_REJECT)
            cr_assert_eq(res.v[MET_stockout_rejected], res.v[MET_rejected]);
    }
}

Test(gpu, stockout_refused_fraction_is_erlang_b)
{
    enum { R = 10 };
    double x[R];
    /* 4 GPUs on one node, a = 3: B(4, 3) = 3.375 / 16.375 */
    stockout_run(STOCKOUT_REJECT, 1, 4, 3.0, x, R);
    cr_assert_float_eq(stats_erlang_b(4, 3.0), 3.375 / 16.375, 1e-12);
    support_check_in_interval("refused, 4 GPUs, a = 3 (Erlang B)", x, R,
                              stats_erlang_b(4, 3.0), 0);
    /* 8 GPUs on 4 nodes of 2, a = 5 */
    stockout_run(STOCKOUT_REJECT, 4, 2, 5.0, x, R);
    support_check_in_interval("refused, 8 GPUs on 4 nodes, a = 5 (Erlang B)",
                              x, R, stats_erlang_b(8, 5.0), 0);
}

Test(gpu, stockout_waiting_fraction_is_erlang_c)
{
    /* with on_stockout wait the starts queue FIFO for a GPU: M/M/4 */
    enum { R = 10 };
    double x[R];
    stockout_run(STOCKOUT_WAIT, 1, 4, 3.0, x, R);
    support_check_in_interval("waited, 4 GPUs, a = 3 (Erlang C)", x, R,
                              stats_erlang_c(4, 3.0), 0);
}

Test(gpu, spot_node_notice_interruption_and_retry_by_hand)
{
    /* Node 0 is a spot node (1 notice per node-hour, 30 s notice) with two
     * GPUs, node 1 on demand with one, first-fit; starts 2 s, no
     * keep-alive.  Its
     * first notice comes at T, the first draw of the nodes' spot stream
     * (seed 1, replication 0, substream 1); the next T2 after that.
     *   T - 10  r0 (100 s) starts on node 0: ready T - 8
     *   T       notice: node 0 takes no new instances
     *   T + 5   r1 (30 s): node 0 has a free GPU but is closed, so r1
     *           starts on node 1: ends T + 37                (latency 32)
     *   T + 30  node 0 reclaimed with r0: r0 routed again, starts on the
     *           replacement node 0: ends T + 132             (latency 142)
     * one interruption, one retried request, both requests cold. */
    gsl_rng *sr = rng_create(1, 0, RNG_SPOT, 1);
    double T = rng_exponential(sr, 3600), T2 = rng_exponential(sr, 3600);
    gsl_rng_free(sr);
    cr_assert(T > 10 && T2 > 200, "draws T %g, T2 %g do not fit the "
              "schedule", T, T2);
    AltSpec alt = gpu_alt(1, 16, 4096, 1024, 2.0);
    alt.keepalive.keepalive_s = 0;
    alt.cluster.n_kinds = 2;
    alt.cluster.kind[1] = alt.cluster.kind[0];
    alt.cluster.kind[0].spot_per_hour = 1;
    alt.cluster.kind[0].spot_notice_s = 30;
    alt.cluster.kind[0].gpus = 2;
    double t[] = {T - 10, T + 5}, dur[] = {100, 30};
    WorkloadSpec wl = support_trace("gpu_spot", t, dur, 2);
    Seen seen = {0};
    RunResult res = run_seen(&alt, &wl, T + 1000, &seen);
    double notice = time_to_s(time_from_s(T)); /* as scheduled, in us */
    double end[] = {notice + 132, notice + 37};
    for (int i = 0; i < 2; i++) {
        fprintf(stderr, "request %d: arrives %.6f s, ends %.6f s (hand "
                        "%.6f)\n", i, seen.arr_s[i], seen.end_s[i], end[i]);
        cr_assert_float_eq(seen.end_s[i], end[i], 2e-6);
        cr_assert_eq(seen.cold[i], 1);
    }
    cr_assert_eq(res.v[MET_node_interruptions], 1);
    cr_assert_eq(res.v[MET_node_retried], 1);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(res.v[MET_cold_starts], 3);
    cr_assert_float_eq(res.v[MET_max_ms], 142000, 2e-3);
}

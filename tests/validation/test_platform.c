/*
 * test_platform.c - serverless semantics on hand-worked runs.
 *
 * Each test is small enough to work out on paper; the expected numbers in
 * the comments are that working.  Pins: cold iff waited for a start;
 * warm reuse; requests queueing on a starting instance (concurrency > 1);
 * bounded queue behind max_instances; the +N per 10 s scaling limit;
 * timeouts billed up to the timeout; unfinished requests at the horizon;
 * a time-of-day provisioned schedule and its bill; a total-time (cold_total)
 * cold start slowed by the CPU factor like the warm time, and requests bound
 * to its start running their warm time; conservation (every run).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "support.h"

static AltSpec fixed_alt(double service_s, double start_s)
{
    AltSpec alt = support_alt(0, start_s);
    alt.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = service_s;
    return alt;
}

Test(platform, hand_worked_five_requests_step_by_step)
{
    /* Arrivals at 0,1,2,3,4 s; service 2.385 s; start 0.5 s; keep-alive
     * 600 s.  r0 cold on A (ready 0.5, done 2.885); r1 cold on B (ready
     * 1.5, done 3.885); r2 cold on C (ready 2.5, done 4.885); r3 warm on A
     * (idle since 2.885; done 5.385); r4 warm on B (done 6.385).
     * Latencies 2.885 x 3, 2.385 x 2.  Idle: A 0.115 + 600 s, B 0.115 +
     * 600 s, C 600 s (each expires 600 s after its last request). */
    AltSpec alt = fixed_alt(2.385, 0.5);
    WorkloadSpec wl = support_constant(1, 0, 4.5);
    RunConfig rc = support_config(&alt, &wl, 1000, 1);
    rc.slo = time_from_s(2.5);
    World *s = world_create(&rc);
    Sim *sim = world_sim(s);
    cr_assert(sim_step(sim, rc.horizon)); /* arrival r0 at 0 */
    WorldState st = world_state(s);
    cr_assert_eq(st.starting, 1);
    cr_assert(sim_step(sim, rc.horizon)); /* A ready at 0.5, r0 starts */
    cr_assert_eq(sim_now(sim), 500000);
    st = world_state(s);
    cr_assert_eq(st.busy, 1);
    cr_assert_eq(st.starting, 0);
    while (sim_step(sim, time_from_s(3.5))) {
    }
    st = world_state(s); /* at 3.5: A busy (r3), B busy (r1), C busy (r2) */
    cr_assert_eq(st.busy, 3);
    cr_assert_eq(st.idle, 0);
    cr_assert_eq(st.live_requests, 3);
    RunResult res;
    world_finish(s, &res);
    world_destroy(s);
    cr_assert_eq(res.v[MET_completed], 5);
    cr_assert_eq(res.v[MET_cold_starts], 3);
    cr_assert_float_eq(res.v[MET_cold_pct], 60.0, 1e-12);
    cr_assert_float_eq(res.v[MET_p50_ms], 2885.0, 1e-9);
    cr_assert_float_eq(res.v[MET_max_ms], 2885.0, 1e-9);
    cr_assert_float_eq(res.v[MET_mean_ms], (3 * 2885.0 + 2 * 2385.0) / 5,
                       1e-9);
    cr_assert_float_eq(res.v[MET_slo_pct], 40.0, 1e-12);
    cr_assert_float_eq(res.v[MET_idle_gb_s], 1800.23, 1e-6);
    cr_assert_float_eq(res.v[MET_starting_mean], 1.5 / 1000, 1e-12);
    cr_assert_eq(res.v[MET_peak_instances], 3);
}

Test(platform, concurrency_requests_queue_on_a_starting_instance)
{
    /* Concurrency 4, start 1 s, service 0.5 s, arrivals every 0.1 s from 0
     * to 0.9: r0-r3 bind to A (ready 1.0), r4-r7 to B (started 0.4, ready
     * 1.4), r8-r9 to C (started 0.8, ready 1.8).  All cold; latencies
     * 1.5 1.4 1.3 1.2 | 1.5 1.4 1.3 1.2 | 1.5 1.4.  Four vCPUs for four
     * slots, so the requests on one instance do not slow each other
     * (processor sharing is pinned in test_ps.c). */
    AltSpec alt = fixed_alt(0.5, 1.0);
    alt.concurrency = 4;
    alt.vcpus = 4;
    WorkloadSpec wl = support_constant(10, 0, 0.95);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 10);
    cr_assert_eq(res.v[MET_cold_starts], 3);
    cr_assert_float_eq(res.v[MET_cold_pct], 100.0, 1e-12);
    cr_assert_float_eq(res.v[MET_mean_ms], 1370.0, 1e-6);
    cr_assert_float_eq(res.v[MET_max_ms], 1500.0, 1e-6);
}

Test(platform, bounded_queue_behind_the_instance_limit)
{
    /* One instance at most, queue of 2, instant start, service 1 s,
     * arrivals at 0.0 .. 0.4: r0 runs; r1, r2 queue (start 1, 2);
     * r3, r4 are rejected.  Latencies 1.0, 1.9, 2.8; queue waits 0, 0.9,
     * 1.8; only r0 is cold. */
    AltSpec alt = fixed_alt(1.0, 0.0);
    alt.max_instances = 1;
    alt.queue_len = 2;
    WorkloadSpec wl = support_constant(10, 0, 0.45);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_arrivals], 5);
    cr_assert_eq(res.v[MET_completed], 3);
    cr_assert_eq(res.v[MET_rejected], 2);
    cr_assert_float_eq(res.v[MET_max_ms], 2800.0, 1e-6);
    cr_assert_float_eq(res.v[MET_mean_queue_wait_ms], 900.0, 1e-6);
    cr_assert_float_eq(res.v[MET_cold_pct], 100.0 / 3, 1e-9);
}

Test(platform, scaling_rate_limit_defers_starts_to_the_next_window)
{
    /* +2 instances per 10 s, service 100 s, instant start, 5 arrivals at
     * 0.0 .. 0.4 with a queue: r0, r1 start at once; r2, r3 start at
     * t = 10; r4 at t = 20.  Latencies: 100, 100, 110 - 0.2, 110 - 0.3,
     * 120 - 0.4 s. */
    AltSpec alt = fixed_alt(100.0, 0.0);
    alt.scale_per_10s = 2;
    alt.queue_len = 100;
    WorkloadSpec wl = support_constant(10, 0, 0.45);
    RunResult res = support_run(&alt, &wl, 1000, 1, 0);
    cr_assert_eq(res.v[MET_completed], 5);
    cr_assert_eq(res.v[MET_cold_starts], 5);
    cr_assert_float_eq(res.v[MET_max_ms], 119600.0, 1e-6);
    cr_assert_float_eq(res.v[MET_mean_ms],
                       (100 + 100 + 109.8 + 109.7 + 119.6) * 1000 / 5, 1e-6,
                       "mean %.3f ms", res.v[MET_mean_ms]);
}

Test(platform, timeout_stops_and_bills_up_to_the_timeout)
{
    AltSpec alt = fixed_alt(2.5, 0.0);
    alt.timeout_s = 1.0;
    WorkloadSpec wl = support_constant(0.5, 0, 100); /* 50 arrivals */
    RunResult res = support_run(&alt, &wl, 200, 1, 0);
    cr_assert_eq(res.v[MET_timed_out], 50);
    cr_assert_eq(res.v[MET_completed], 0);
    cr_assert_eq(res.v[MET_slo_pct], 0.0);
    double hand = 50 * 1.000 * 0.0000166667 + 50 * 0.2e-6;
    cr_assert_float_eq(res.v[MET_cost_usd], hand, 1e-12);
}

Test(platform, unfinished_at_the_horizon_are_counted)
{
    /* Arrivals every second from 0 to 100, service 10 s, horizon 100.5 s:
     * the ten that arrived at 91 .. 100 are still running. */
    AltSpec alt = fixed_alt(10.0, 0.0);
    WorkloadSpec wl = support_constant(1, 0, 100.5);
    RunResult res = support_run(&alt, &wl, 100.5, 1, 0);
    cr_assert_eq(res.v[MET_arrivals], 101);
    cr_assert_eq(res.v[MET_unfinished], 10);
    cr_assert_eq(res.v[MET_completed], 91);
}

Test(platform, provisioned_schedule_by_time_of_day)
{
    /* 1 provisioned instance from 00:00, 3 from 01:00, over 2 hours:
     * billed 1 x 3600 + 3 x 3600 GB-s at $0.0000041667; requests every
     * 10 s of 1.0003 s never need an on-demand instance. */
    AltSpec alt = fixed_alt(1.0003, 0.4);
    alt.n_prov = 2;
    alt.prov[0].at_s = 0;
    alt.prov[0].count = 1;
    alt.prov[1].at_s = 3600;
    alt.prov[1].count = 3;
    WorkloadSpec wl = support_constant(0.1, 0, 7200);
    RunResult res = support_run(&alt, &wl, 7200, 1, 0);
    cr_assert_eq(res.v[MET_completed], 720);
    cr_assert_eq(res.v[MET_cold_starts], 0);
    cr_assert_float_eq(res.v[MET_cost_provisioned_usd],
                       (3600 + 3 * 3600) * 0.0000041667, 1e-9);
    /* two new instances start at 01:00 for 0.4 s each */
    cr_assert_float_eq(res.v[MET_starting_mean], 2 * 0.4 / 7200, 1e-12);
    cr_assert_float_eq(res.v[MET_instances_mean],
                       (3600.0 + 3 * 3600.0) / 7200, 1e-9);
}

Test(platform, provisioned_spills_over_to_on_demand)
{
    /* 1 provisioned instance, service 1.5 s, arrivals every second: every
     * other request finds it busy and spills to on-demand (one on-demand
     * instance, kept warm, serves them all after its cold start). */
    AltSpec alt = fixed_alt(1.5, 0.2);
    alt.n_prov = 1;
    alt.prov[0].count = 1;
    WorkloadSpec wl = support_constant(1, 0, 100);
    RunResult res = support_run(&alt, &wl, 200, 1, 0);
    cr_assert_eq(res.v[MET_completed], 100);
    cr_assert_eq(res.v[MET_cold_starts], 1);
    cr_assert_gt(res.v[MET_cost_compute_usd], 0);
    cr_assert_gt(res.v[MET_cost_prov_compute_usd], 0);
}

Test(platform, provisioned_scale_down_waits_for_busy_instances)
{
    /* 3 provisioned instances until 01:00, then 0.  With no traffic they
     * all leave at 01:00: 3 x 3600 instance-s over 7200 s.  With three
     * 1000 s requests arriving at 3000, 3001, 3002 s, each instance leaves
     * when its request ends (4000, 4001, 4002 s): 3 x 3600 + 1203
     * instance-s.  Billing follows the configured count either way. */
    AltSpec alt = fixed_alt(1000.0, 0.0);
    alt.n_prov = 2;
    alt.prov[0].at_s = 0;
    alt.prov[0].count = 3;
    alt.prov[1].at_s = 3600;
    alt.prov[1].count = 0;
    WorkloadSpec idle = support_constant(1, 7000, 7000.5); /* one late request */
    RunResult a = support_run(&alt, &idle, 7200, 1, 0);
    cr_assert_eq(a.v[MET_cold_starts], 1, "after 01:00 requests are on-demand");
    double od_alive = 200.0; /* the on-demand instance, 7000 .. 7200 s */
    cr_assert_float_eq(a.v[MET_instances_mean],
                       (3 * 3600.0 + od_alive) / 7200, 1e-9);
    WorkloadSpec busy = support_constant(1, 3000, 3002.5);
    RunResult b = support_run(&alt, &busy, 7200, 1, 0);
    cr_assert_eq(b.v[MET_completed], 3);
    cr_assert_eq(b.v[MET_cold_starts], 0);
    cr_assert_float_eq(b.v[MET_instances_mean], (3 * 3600.0 + 1203) / 7200,
                       1e-9);
    cr_assert_float_eq(b.v[MET_cost_provisioned_usd],
                       3 * 3600 * 0.0000041667, 1e-9);
}

/* A total-time profile: a cold request takes Tc = 0.3 s in all, the warm
 * time is S = 0.2 s, both measured on 1 vCPU. */
static AltSpec cold_total_alt(double vcpus, int concurrency)
{
    AltSpec alt = fixed_alt(0.2, 0.0);
    alt.hw.cold_mode = COLD_TOTAL;
    alt.hw.cold_total.kind = DIST_CONSTANT;
    alt.hw.cold_total.a_s = 0.3;
    alt.vcpus = vcpus;
    alt.concurrency = concurrency;
    return alt;
}

Test(platform, cold_total_is_slowed_like_the_warm_time)
{
    /* 0.5 vCPU: f = 2, so S = 0.4 s and Tc = 0.6 s.  r0 at 0 is cold:
     * starting max(0, Tc - S) = 0.2 s, busy min(S, Tc) = 0.4 s, latency
     * 0.6 s; r1 at 1 s is warm: 0.4 s.  (Tc unscaled, the cold request
     * took 0.3 s, less than a warm one.) */
    AltSpec alt = cold_total_alt(0.5, 1);
    WorkloadSpec wl = support_constant(1, 0, 1.5);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(res.v[MET_cold_starts], 1);
    cr_assert_float_eq(res.v[MET_max_ms], 600.0, 1e-9);
    cr_assert_float_eq(res.v[MET_mean_ms], 500.0, 1e-9);
    cr_assert_float_eq(res.v[MET_mean_cold_wait_ms], 200.0, 1e-9);
}

Test(platform, cold_total_requests_bound_to_a_start_run_their_warm_time)
{
    /* 2 vCPUs (f = 1), concurrency 2: r0 at 0 triggers the start (0.1 s)
     * and runs 0.2 s: 0.3 s; r1 at 0.05 s waits for the start and runs
     * its warm 0.2 s: latency 0.05 + 0.2 = 0.25 s. */
    AltSpec alt = cold_total_alt(2.0, 2);
    WorkloadSpec wl = support_constant(20, 0, 0.075);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 2);
    cr_assert_eq(res.v[MET_cold_starts], 1);
    cr_assert_float_eq(res.v[MET_cold_pct], 100.0, 1e-12);
    cr_assert_float_eq(res.v[MET_max_ms], 300.0, 1e-9);
    cr_assert_float_eq(res.v[MET_mean_ms], 275.0, 1e-9);
}

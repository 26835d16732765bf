/*
 * test_vm.c - VM fleets and hybrids against queueing theory and prices.
 *
 * Pins (reference/validation.md):
 *  - a fixed fleet with c = 10 slots, one FIFO queue, Poisson(8/s) and
 *    Exp(1 s) service is M/M/10: P(wait > 0) = C(10, 8) = 0.4092 and
 *    W_q = C / (c mu - lambda) = 0.2046 s, whether the slots are 10 VMs of
 *    1 slot or 1 VM of 10 (10 replications of 20,000 s);
 *  - one VM, one slot, lambda = 0.5, mu = 1 (M/M/1): latency ~ Exp(0.5),
 *    mean 2 s and p99 = ln(100) / 0.5 = 9.21 s;
 *  - a hybrid whose VMs take a request only into a free slot is, on the VM
 *    side, an Erlang loss system: the serverless share is B(c, a);
 *  - a fixed fleet of k VMs at p $/h for H hours costs k p H;
 *  - autoscaling after a step in load reaches the size the target implies,
 *    and no VM launched for the step serves before its boot time; scaling
 *    in after a step down completes every request (none dropped).
 * Not pinned: the transient right after time 0 (fleets start empty of
 * work, a bias of ~E[W]/horizon).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "support.h"

enum { R = 10 };

static void check_mmc(AltSpec *alt, const char *label)
{
    WorkloadSpec wl = support_poisson(8);
    double pw[R], wq[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(alt, &wl, 20000, 8080, (uint32_t)r);
        cr_assert_eq(res.v[MET_rejected], 0);
        pw[r] = res.v[MET_waited_pct] / 100;
        wq[r] = res.v[MET_mean_queue_wait_ms] / 1000;
    }
    double C = stats_erlang_c(10, 8.0);
    char what[128];
    snprintf(what, sizeof what, "%s: P(wait > 0) = C(10, 8)", label);
    support_check_in_interval(what, pw, R, C, 0);
    snprintf(what, sizeof what, "%s: W_q = C / (c mu - lambda)", label);
    support_check_in_interval(what, wq, R, C / (10 - 8.0), 0);
}

Test(vm, fixed_fleet_is_erlang_c_ten_vms_one_slot)
{
    AltSpec alt = support_vm_alt("c7i.large", 10, 1, 1.0);
    check_mmc(&alt, "M/M/10, 10 VMs x 1 slot");
}

Test(vm, fixed_fleet_is_erlang_c_one_vm_ten_slots)
{
    AltSpec alt = support_vm_alt("m7i.xlarge", 1, 10, 1.0);
    alt.vm.hw.ref_vcpus = 0.4; /* 0.4 vCPU per slot: no CPU slowdown */
    check_mmc(&alt, "M/M/10, 1 VM x 10 slots");
}

Test(vm, mm1_latency_mean_and_p99)
{
    AltSpec alt = support_vm_alt("c7i.large", 1, 1, 1.0);
    WorkloadSpec wl = support_poisson(0.5);
    double mean[R], p99[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(&alt, &wl, 40000, 11, (uint32_t)r);
        mean[r] = res.v[MET_mean_ms] / 1000;
        p99[r] = res.v[MET_p99_ms] / 1000;
    }
    support_check_in_interval("M/M/1 mean latency 1/(mu - lambda)", mean, R,
                              2.0, 0);
    /* the histogram adds at most 1% to each p99 */
    support_check_in_interval("M/M/1 p99 = ln(100)/(mu - lambda)", p99, R,
                              log(100.0) / 0.5, 0.01 * 9.21);
}

Test(vm, hybrid_overflow_share_is_erlang_b)
{
    /* 5 VM slots take a request only when free: the VM side loses
     * B(5, 4) = 0.1991 of the traffic to serverless. */
    AltSpec alt = support_vm_alt("c7i.large", 5, 1, 1.0);
    alt.kind = PLATFORM_HYBRID;
    strcpy(alt.platform, "hybrid");
    alt.overflow = OVERFLOW_FREE_SLOT;
    alt.max_instances = 0;
    WorkloadSpec wl = support_poisson(4);
    double share[R];
    for (int r = 0; r < R; r++) {
        RunResult res = support_run(&alt, &wl, 20000, 5, (uint32_t)r);
        share[r] = 1 - res.v[MET_served_vm_pct] / 100;
        cr_assert_eq(res.v[MET_rejected], 0);
        cr_assert_eq(res.v[MET_waited_pct], 0.0,
                     "free-slot overflow never queues on a VM");
    }
    support_check_in_interval("hybrid overflow share = B(5, 4)", share, R,
                              stats_erlang_b(5, 4.0), 0);
}

Test(vm, hybrid_overflow_only_when_no_slot_is_free)
{
    /* 1 VM with 2 slots; requests at 0, 0.1, 0.2, 0.3 s of 1 s each:
     * the first two run on the VM, the next two go serverless. */
    AltSpec alt = support_vm_alt("c7i.large", 1, 2, 1.0);
    alt.kind = PLATFORM_HYBRID;
    alt.hw.warm.kind = alt.vm.hw.warm.kind = DIST_CONSTANT;
    alt.hw.warm.a_s = alt.vm.hw.warm.a_s = 1.0;
    WorkloadSpec wl = support_constant(10, 0, 0.35);
    RunResult res = support_run(&alt, &wl, 100, 1, 0);
    cr_assert_eq(res.v[MET_completed], 4);
    cr_assert_float_eq(res.v[MET_served_vm_pct], 50.0, 1e-12);
    cr_assert_eq(res.v[MET_cold_starts], 2);
}

Test(vm, fixed_fleet_costs_k_p_h)
{
    AltSpec alt = support_vm_alt("c7i.xlarge", 3, 4, 0.2);
    WorkloadSpec wl = support_poisson(5);
    RunResult res = support_run(&alt, &wl, 5 * 3600, 3, 0);
    double hand = 3 * 0.1785 * 5;
    fprintf(stderr, "3 x c7i.xlarge x 5 h: $%.6f (hand %.6f)\n",
            res.v[MET_cost_vm_usd], hand);
    cr_assert_float_eq(res.v[MET_cost_usd], hand, 1e-9);
    cr_assert_float_eq(res.v[MET_vms_mean], 3.0, 1e-12);
    alt.vm.price_multiplier = 0.3; /* spot */
    res = support_run(&alt, &wl, 5 * 3600, 3, 0);
    cr_assert_float_eq(res.v[MET_cost_usd], 0.3 * hand, 1e-9);
}

static WorkloadSpec step(double r0, double at, double r1)
{
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "steps");
    wl.n_steps = 2;
    wl.step_at_s[0] = 0;
    wl.step_rate[0] = r0;
    wl.step_at_s[1] = at;
    wl.step_rate[1] = r1;
    wl.end_s = 1e12;
    return wl;
}

static AltSpec autoscaled(void)
{
    AltSpec alt = support_vm_alt("c7i.large", 4, 1, 1.0);
    alt.vm.as.enabled = 1;
    alt.vm.as.min_vms = 1;
    alt.vm.as.max_vms = 60;
    alt.vm.as.metric = SCALE_UTILIZATION;
    alt.vm.as.target = 0.5;
    alt.vm.as.period_s = 60;
    alt.vm.as.cooldown_s = 300;
    return alt;
}

Test(vm, autoscaling_reaches_target_size_not_before_boot)
{
    /* 2/s then 10/s from 3600 s, Exp(1 s) service, 1 slot per VM, target
     * utilization 0.5: 4 VMs before the step, 20 after.  The first tick
     * that sees the step is at 3660 s; its VMs boot for 25 s. */
    AltSpec alt = autoscaled();
    WorkloadSpec wl = step(2, 3600, 10);
    RunConfig rc = support_config(&alt, &wl, 9000, 99);
    World *w = world_create(&rc);
    Sim *sim = world_sim(w);
    /* just after the tick at 3600 s, which still sees the old load */
    sim_run(sim, time_from_s(3601));
    WorldState st = world_state(w);
    int before = st.vm_ready + st.vm_booting;
    fprintf(stderr, "VMs at the step: %d ready + %d booting\n", st.vm_ready,
            st.vm_booting);
    cr_assert(before >= 3 && before <= 7, "%d VMs before the step", before);
    sim_run(sim, time_from_s(3660 + 25) - 1);
    st = world_state(w);
    fprintf(stderr, "just before the step's VMs finish booting: %d ready, "
                    "%d booting\n",
            st.vm_ready, st.vm_booting);
    cr_assert_leq(st.vm_ready, before,
                  "a VM launched for the step served before its boot time");
    cr_assert_gt(st.vm_booting, 0, "no scale-out at the first tick");
    sim_run(sim, time_from_s(3660 + 25) + 1);
    cr_assert_gt(world_state(w).vm_ready, before,
                 "the step's VMs are not ready after their boot time");
    /* average size over the last 40 minutes */
    double sum = 0;
    int n = 0;
    for (double t = 6600; t < 9000; t += 10) {
        sim_run(sim, time_from_s(t));
        sum += world_state(w).vm_ready;
        n++;
    }
    fprintf(stderr, "mean ready VMs, 6600-9000 s: %.2f (target 20)\n",
            sum / n);
    cr_assert(fabs(sum / n - 20) <= 3, "fleet %.2f, target 20", sum / n);
    RunResult res;
    world_finish(w, &res);
    world_destroy(w);
}

Test(vm, scale_in_never_drops_a_request)
{
    /* 10/s then 0.5/s from 3600 s, lognormal service with a long tail: the
     * fleet shrinks while requests are in flight; every request that
     * arrived completes (the run goes on long after the last one). */
    AltSpec alt = autoscaled();
    alt.vm.count = 20;
    alt.vm.hw.warm.kind = DIST_LOGNORMAL;
    alt.vm.hw.warm.a_s = 0.6;
    alt.vm.hw.warm.sigma = 1.2;
    WorkloadSpec wl = step(10, 3600, 0.5);
    wl.end_s = 7200;
    RunResult res = support_run(&alt, &wl, 12000, 7, 0);
    fprintf(stderr, "completed %.0f of %.0f, mean VMs %.2f, peak %.0f\n",
            res.v[MET_completed], res.v[MET_arrivals], res.v[MET_vms_mean],
            res.v[MET_vm_peak]);
    cr_assert_eq(res.v[MET_completed], res.v[MET_arrivals]);
    cr_assert_eq(res.v[MET_rejected], 0);
    cr_assert_lt(res.v[MET_vms_mean], 15, "the fleet never scaled in");
}

Test(vm, least_outstanding_and_round_robin_balance)
{
    /* 2 VMs x 1 slot, requests at 0, 0.1, 0.2 s of 1 s: least-outstanding
     * sends r2 to VM 0's queue (tie, lowest index): it starts at 1.0 s,
     * latency 0.8 s + 1 s.  Round-robin (from VM 0) sends r2 to VM 0 too. */
    for (int lb = LB_ROUND_ROBIN; lb <= LB_LEAST_OUTSTANDING; lb++) {
        AltSpec alt = support_vm_alt("c7i.large", 2, 1, 1.0);
        alt.vm.lb = (LbKind)lb;
        alt.vm.hw.warm.kind = DIST_CONSTANT;
        alt.vm.hw.warm.a_s = 1.0;
        WorkloadSpec wl = support_constant(10, 0, 0.25);
        RunResult res = support_run(&alt, &wl, 100, 1, 0);
        cr_assert_eq(res.v[MET_completed], 3);
        cr_assert_float_eq(res.v[MET_max_ms], 1800.0, 1e-9);
        cr_assert_float_eq(res.v[MET_waited_pct], 100.0 / 3, 1e-9);
    }
}

/* Pins: a utilization target of 1e-300 asks for more VMs than an int holds
 * (busy/ready / 1e-300); the wanted size is clamped to autoscale max before
 * it is an integer (the cast was undefined: clang's UBSan), so the fleet
 * grows to exactly max = 60 VMs and never beyond. */
Test(vm, tiny_utilization_target_scales_to_max)
{
    AltSpec alt = autoscaled();
    alt.vm.as.target = 1e-300;
    WorkloadSpec wl = support_poisson(2);
    RunConfig rc = support_config(&alt, &wl, 600, 5);
    World *w = world_create(&rc);
    sim_run(world_sim(w), time_from_s(599));
    WorldState st = world_state(w);
    fprintf(stderr, "VMs at 599 s: %d ready + %d booting (max 60)\n",
            st.vm_ready, st.vm_booting);
    cr_assert_eq(st.vm_ready + st.vm_booting, 60);
    RunResult res;
    world_finish(w, &res);
    cr_assert_eq(res.v[MET_vm_peak], 60);
    world_destroy(w);
}

/*
 * test_arrivals.c - synthetic traffic generators.
 *
 * Pins: constant rate gives exactly rate x window arrivals at exact times;
 * Poisson, on/off MMPP and diurnal counts match their mean rates inside a
 * 95% interval over 20 replications; the diurnal peak hour carries
 * (1 + a) / (1 - a) times the trough hour's rate; nothing outside
 * [start_s, end_s).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "support.h"
#include "workload/arrivals.h"

static uint64_t count(const WorkloadSpec *wl, uint32_t rep, SimTime *first,
                      SimTime *last)
{
    const ArrivalType *t = arrivals_find(wl->type);
    gsl_rng *r = rng_create(2024, rep, RNG_ARRIVALS, 0);
    ArrivalState st;
    t->init(&st, wl, r);
    uint64_t n = 0;
    SimTime prev = -1, x;
    while ((x = t->next(&st, wl, r)) != SIM_TIME_MAX) {
        cr_assert(x >= prev, "arrivals out of order");
        if (n == 0 && first)
            *first = x;
        prev = x;
        n++;
    }
    if (last)
        *last = prev;
    gsl_rng_free(r);
    return n;
}

Test(arrivals, constant_rate_is_exact)
{
    WorkloadSpec wl = {0};
    strcpy(wl.type, "constant");
    wl.rate_per_s = 10;
    wl.start_s = 5;
    wl.end_s = 105;
    SimTime first, last;
    cr_assert_eq(count(&wl, 0, &first, &last), 1000);
    cr_assert_eq(first, 5000000);
    cr_assert_eq(last, 104900000);
}

static void check_rate(const WorkloadSpec *wl, double horizon, double rate,
                       const char *what)
{
    double x[20];
    for (int rep = 0; rep < 20; rep++)
        x[rep] = (double)count(wl, (uint32_t)rep, NULL, NULL) / horizon;
    support_check_in_interval(what, x, 20, rate, 0);
}

Test(arrivals, poisson_mmpp_diurnal_mean_rates)
{
    WorkloadSpec p = support_poisson(2.385);
    p.end_s = 20000;
    check_rate(&p, 20000, 2.385, "poisson rate");
    WorkloadSpec m = {0};
    strcpy(m.type, "mmpp");
    m.rate_on_per_s = 8;
    m.rate_off_per_s = 0.05;
    m.mean_on_s = 12; /* ~1,500 on/off cycles per replication */
    m.mean_off_s = 120;
    m.end_s = 200000;
    check_rate(&m, 200000, arrivals_mean_rate(&m), "mmpp rate");
    WorkloadSpec d = {0};
    strcpy(d.type, "diurnal");
    d.rate_per_s = 3;
    d.amplitude = 0.6;
    d.period_s = 86400;
    d.peak_s = 50400;
    d.end_s = 86400;
    check_rate(&d, 86400, 3, "diurnal rate");
}

Test(arrivals, diurnal_peak_to_trough_ratio)
{
    WorkloadSpec d = {0};
    strcpy(d.type, "diurnal");
    d.rate_per_s = 20;
    d.amplitude = 0.5;
    d.period_s = 86400;
    d.peak_s = 43200;
    /* 20 minutes around the peak and around the trough, 10 days' worth. */
    double peak = 0, trough = 0;
    for (int day = 0; day < 10; day++) {
        d.start_s = day * 86400.0 + 43200 - 600;
        d.end_s = d.start_s + 1200;
        peak += (double)count(&d, (uint32_t)day, NULL, NULL);
        d.start_s = day * 86400.0 + 600; /* midnight + 10 min: near trough */
        d.start_s -= 1200;
        if (d.start_s < 0)
            d.start_s += 86400;
        d.end_s = d.start_s + 1200;
        trough += (double)count(&d, (uint32_t)(100 + day), NULL, NULL);
    }
    double ratio = peak / trough;
    fprintf(stderr, "diurnal peak/trough %.3f (theory ~%.3f)\n", ratio,
            1.5 / 0.5);
    cr_assert(ratio > 2.7 && ratio < 3.3, "ratio %.3f", ratio);
}

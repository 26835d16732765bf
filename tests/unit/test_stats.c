/*
 * test_stats.c - t-intervals and the Erlang formulas.
 *
 * Pins: values from tables and reference/validation.md: t(0.975, 4) =
 * 2.7764; B(10, 5) = 0.01838; B(100, 201.6) = 0.5087; C(10, 8) = 0.4092.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "output/stats.h"

Test(stats, t_interval_of_one_to_five)
{
    double x[] = {1, 2, 3, 4, 5};
    Interval iv = stats_interval(x, 5);
    cr_assert_float_eq(iv.mean, 3.0, 1e-12);
    cr_assert_float_eq(iv.sd, sqrt(2.5), 1e-12);
    /* 2.776445 * 1.581139 / sqrt(5) */
    cr_assert_float_eq(iv.half, 1.963243, 1e-5);
    Interval one = stats_interval(x, 1);
    cr_assert(isnan(one.half));
}

Test(stats, erlang_b_and_c_reference_values)
{
    cr_assert_float_eq(stats_erlang_b(10, 5.0), 0.01838, 5e-6);
    cr_assert_float_eq(stats_erlang_b(100, 201.6), 0.5087, 5e-5);
    cr_assert_float_eq(stats_erlang_c(10, 8.0), 0.4092, 5e-5);
    cr_assert_float_eq(stats_erlang_b(0, 3.0), 1.0, 0);
}

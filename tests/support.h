/*
 * support.h - helpers shared by the Criterion tests.
 *
 * Builders for alternatives with simple, exactly known profiles, a runner
 * that collects R replications of one metric, and the interval check every
 * validation test uses: it prints "<what>: theory T, sim M +- H (n = R)"
 * so a failure is diagnosable from the log alone.
 */
#ifndef SIMSRV_TESTS_SUPPORT_H
#define SIMSRV_TESTS_SUPPORT_H

#include "output/metrics.h"
#include "output/stats.h"
#include "platform/world.h"
#include "platform/spec.h"

/* An alternative whose warm service is exponential(mean_s) and whose cold
 * start is a constant start_s (components mode: sandbox only), billed
 * like Lambda x86, 1024 MB, 1 vCPU, no limits, no timeout, fixed 600 s
 * keep-alive. */
AltSpec support_alt(double mean_s, double start_s);

/* A VM alternative: `count` VMs of catalog type `type_id` with `slots`
 * slots, shared queue, exponential(mean_s) service measured on 1 vCPU
 * (no CPU slowdown: 1 slot per vCPU or fewer), boot 25 s, no load time. */
AltSpec support_vm_alt(const char *type_id, int count, int slots,
                       double mean_s);

/* Lambda x86 prices from the built-in catalog (the test fails if absent). */
PriceEntry support_lambda_x86(void);

/* Arrivals exactly every 1/rate s in [start_s, end_s). */
WorkloadSpec support_constant(double rate, double start_s, double end_s);

/* A Poisson workload of `rate` per second. */
WorkloadSpec support_poisson(double rate);

/* A trace workload written to a fresh folder named after tag: request i
 * arrives at t_s[i] s and runs dur_s[i] s (the path is static: one trace
 * at a time). */
WorkloadSpec support_trace(const char *tag, const double *t_s,
                           const double *dur_s, int n);

/* The run configuration support_run uses: replication 0, SLO 1 s, no
 * timeseries (tests that step a World by hand start from it). */
RunConfig support_config(const AltSpec *alt, const WorkloadSpec *wl,
                         double horizon_s, uint64_t seed);

/* Arrivals at rate r0 from 0 and r1 from at_s on (workload "steps"). */
WorkloadSpec support_steps(double r0, double at_s, double r1);

/* Runs rc once, asserting world_check after every event (a failure names
 * `what` and the event), into *out; returns the events stepped. */
int support_run_checked(const RunConfig *rc, const char *what,
                        RunResult *out);

/* Runs one replication. */
RunResult support_run(const AltSpec *alt, const WorkloadSpec *wl,
                      double horizon_s, uint64_t seed, uint32_t rep);

/* Asserts that `theory` lies in the 95% interval of x[0..n-1] widened by
 * `tol` (absolute), printing the interval. */
void support_check_in_interval(const char *what, const double *x, int n,
                               double theory, double tol);

/* The source tree (SIMSRV_SOURCE_ROOT, set by meson) joined with rel. */
const char *support_src(const char *rel, char *buf, size_t size);

/* A fresh empty directory under the build tree; returns its path. */
const char *support_tmpdir(const char *tag, char *buf, size_t size);

/* A whole file, NUL-terminated (malloc'd; the test fails if it is missing);
 * *n = its size. */
char *support_slurp(const char *path, size_t *n);

/* Number of entries in a directory (-1 if it does not exist). */
int support_dir_entries(const char *dir);

/* Runs `simsrv argv[1] ...` (argv NULL-terminated) in this process and
 * returns its exit status; on failure its stderr goes to the test log. */
int support_cli(const char *const *argv);

/* Writes text to path (for bad-input fixtures made at test time). */
void support_write_file(const char *path, const char *text);

#endif

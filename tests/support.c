/*
 * support.c - shared test helpers (see support.h).
 */
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/scenario.h"

PriceEntry support_lambda_x86(void)
{
    PriceEntry p;
    Err err;
    char date[16] = "";
    int rc = catalog_lookup(NULL, "aws-lambda-x86", &p, date, &err, "test");
    cr_assert_eq(rc, 0, "built-in catalog lacks aws-lambda-x86: %s", err.msg);
    return p;
}

AltSpec support_alt(double mean_s, double start_s)
{
    AltSpec a;
    memset(&a, 0, sizeof a);
    snprintf(a.name, sizeof a.name, "test");
    snprintf(a.platform, sizeof a.platform, "serverless");
    snprintf(a.hardware, sizeof a.hardware, "cpu");
    a.memory_mb = 1024;
    a.vcpus = 1.0;
    a.concurrency = 1;
    a.batch = 1;
    policy_spec_defaults(&a.keepalive);
    a.price = support_lambda_x86();
    snprintf(a.hw.hw, sizeof a.hw.hw, "cpu");
    a.hw.ref_vcpus = 1.0;
    a.hw.cold_mode = COLD_COMPONENTS;
    a.hw.sandbox.kind = DIST_CONSTANT;
    a.hw.sandbox.a_s = start_s;
    a.hw.warm.kind = DIST_EXPONENTIAL;
    a.hw.warm.a_s = mean_s;
    a.model_size_mb = 1;
    a.model_memory_mb = 1;
    return a;
}

AltSpec support_vm_alt(const char *type_id, int count, int slots,
                       double mean_s)
{
    AltSpec a = support_alt(mean_s, 0.0);
    strcpy(a.platform, "vm");
    a.kind = PLATFORM_VM;
    Err err;
    char date[16] = "";
    int rc = catalog_lookup(NULL, type_id, &a.vm.type, date, &err, "test");
    cr_assert_eq(rc, 0, "catalog lacks %s: %s", type_id, err.msg);
    a.vm.hw = a.hw;
    a.vm.count = count;
    a.vm.slots = slots;
    a.vm.lb = LB_SHARED_QUEUE;
    a.vm.max_queue = 100000000;
    a.vm.boot_s = 25;
    a.vm.price_multiplier = 1.0;
    a.timeout_s = 0;
    return a;
}

WorkloadSpec support_constant(double rate, double start_s, double end_s)
{
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    snprintf(wl.type, sizeof wl.type, "constant");
    wl.rate_per_s = rate;
    wl.start_s = start_s;
    wl.end_s = end_s;
    return wl;
}

WorkloadSpec support_poisson(double rate)
{
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    snprintf(wl.type, sizeof wl.type, "poisson");
    wl.rate_per_s = rate;
    wl.end_s = 1e12;
    return wl;
}

WorkloadSpec support_steps(double r0, double at_s, double r1)
{
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    snprintf(wl.type, sizeof wl.type, "steps");
    wl.n_steps = 2;
    wl.step_rate[0] = r0;
    wl.step_at_s[1] = at_s;
    wl.step_rate[1] = r1;
    wl.end_s = 1e12;
    return wl;
}

int support_cli(const char *const *argv)
{
    int argc = 0;
    while (argv[argc] != NULL)
        argc++;
    FILE *o = tmpfile(), *e = tmpfile();
    cr_assert(o != NULL && e != NULL);
    int rc = cli_main_streams(argc, (char **)argv, o, e);
    if (rc != 0) {
        char buf[2048];
        rewind(e);
        size_t n = fread(buf, 1, sizeof buf - 1, e);
        buf[n] = '\0';
        fprintf(stderr, "simsrv %s failed: %s", argc > 1 ? argv[1] : "", buf);
    }
    fclose(o);
    fclose(e);
    return rc;
}

RunConfig support_config(const AltSpec *alt, const WorkloadSpec *wl,
                         double horizon_s, uint64_t seed)
{
    RunConfig rc;
    memset(&rc, 0, sizeof rc);
    rc.alt = alt;
    rc.wl = wl;
    rc.seed = seed;
    rc.horizon = time_from_s(horizon_s);
    rc.slo = time_from_s(1.0);
    return rc;
}

RunResult support_run(const AltSpec *alt, const WorkloadSpec *wl,
                      double horizon_s, uint64_t seed, uint32_t rep)
{
    RunConfig rc = support_config(alt, wl, horizon_s, seed);
    rc.rep = rep;
    RunResult r;
    world_run(&rc, &r);
    /* Conservation, DESIGN.md section 3 (srv_finish also aborts on it). */
    cr_assert_eq(r.v[MET_arrivals], r.v[MET_completed] + r.v[MET_rejected] +
                                        r.v[MET_timed_out] +
                                        r.v[MET_unfinished],
                 "requests not conserved");
    return r;
}

void support_check_in_interval(const char *what, const double *x, int n,
                               double theory, double tol)
{
    Interval iv = stats_interval(x, n);
    fprintf(stderr, "%s: theory %.6g, simulated %.6g +- %.3g (95%%, n = %d)"
                    ", tolerance %.3g\n",
            what, theory, iv.mean, iv.half, n, tol);
    cr_assert(theory >= iv.mean - iv.half - tol &&
                  theory <= iv.mean + iv.half + tol,
              "%s: theory %.6g outside %.6g +- %.3g (+ tol %.3g)", what,
              theory, iv.mean, iv.half, tol);
}

const char *support_src(const char *rel, char *buf, size_t size)
{
    const char *root = getenv("SIMSRV_SOURCE_ROOT");
    snprintf(buf, size, "%s/%s", root ? root : ".", rel);
    return buf;
}

static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[2048];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            rm_rf(p);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

const char *support_tmpdir(const char *tag, char *buf, size_t size)
{
    const char *root = getenv("SIMSRV_BUILD_ROOT");
    char base[1024];
    snprintf(base, sizeof base, "%s/test-tmp", root ? root : ".");
    mkdir(base, 0777);
    snprintf(buf, size, "%s/%s-%ld", base, tag, (long)getpid());
    rm_rf(buf);
    mkdir(buf, 0777);
    return buf;
}

int support_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

void support_write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp, "cannot write %s", path);
    fputs(text, fp);
    fclose(fp);
}

char *support_slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "missing %s", path);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    rewind(fp);
    char *buf = malloc((size_t)size + 1);
    cr_assert_not_null(buf);
    *n = fread(buf, 1, (size_t)size, fp);
    buf[*n] = '\0';
    fclose(fp);
    return buf;
}

/* A trace workload: request i arrives at t_s[i] and runs dur_s[i]. */
WorkloadSpec support_trace(const char *tag, const double *t_s,
                           const double *dur_s, int n)
{
    static char path[1200];
    char dir[1024], text[4096];
    support_tmpdir(tag, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/trace.csv", dir);
    int len = snprintf(text, sizeof text, "t,dur\n");
    for (int i = 0; i < n; i++)
        len += snprintf(text + len, sizeof text - (size_t)len, "%.6f,%.6f\n",
                        t_s[i], dur_s[i]);
    support_write_file(path, text);
    WorkloadSpec wl;
    memset(&wl, 0, sizeof wl);
    strcpy(wl.type, "trace");
    snprintf(wl.trace.file, sizeof wl.trace.file, "%s", path);
    strcpy(wl.trace.time_column, "t");
    strcpy(wl.trace.duration_column, "dur");
    wl.trace.time_unit_s = 1;
    wl.trace.duration_unit_s = 1;
    wl.trace.time_scale = 1;
    wl.trace.lookahead = 16;
    return wl;
}

int support_run_checked(const RunConfig *rc, const char *what,
                        RunResult *out)
{
    char msg[256];
    int n = 0;
    World *w = world_create(rc);
    while (sim_step(world_sim(w), rc->horizon)) {
        n++;
        cr_assert_eq(world_check(w, msg, sizeof msg), 0, "%s, event %d: %s",
                     what, n, msg);
    }
    world_finish(w, out);
    world_destroy(w);
    return n;
}

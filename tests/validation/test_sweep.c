/*
 * test_sweep.c - sweeps: the same bytes however the work is split.
 *
 * Pins: 1 thread = 2 threads and 3 shards + merge = unsharded, byte for
 * byte, for cells.csv, points.csv and diffs.csv, whether the merge holds
 * the parsed rows or reads them again from the shard files; a sweep killed after n
 * cells (test hook: the process _exits like kill -9) and rerun, with a torn
 * half line appended for good measure, gives the uninterrupted tables;
 * merge reports a missing shard and a duplicated cell, naming the two
 * files (and the fix after an earlier unsharded run); a resumed sweep
 * counts the cells it skipped; the 95% intervals
 * of 100 independent points cover the M/G/infinity mean lambda E[S] in
 * about 95% of them; sweep.h5 holds the same numbers as points.csv.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "support.h"

#ifdef SIMSRV_HAVE_HDF5
#include <hdf5.h>
#endif

static char dir[1024];

/* A small two-alternative scenario and a 6-point sweep over it. */
static void make_files(const char *tag, char *sweep, size_t size,
                       const char *sweep_body)
{
    char models[1024], path[1200];
    support_tmpdir(tag, dir, sizeof dir);
    support_src("models", models, sizeof models);
    snprintf(path, sizeof path, "%s/base.json", dir);
    char body[2048];
    snprintf(body, sizeof body,
             "{\"horizon_s\": 2000, \"seed\": 5, \"models_dir\": \"%s\", "
             "\"model\": \"mlp-tabular\", \"timeseries_interval_s\": 0, "
             "\"workload\": {\"type\": \"poisson\", \"rate_per_s\": 2}, "
             "\"alternatives\": [{\"name\": \"ka\", \"memory_mb\": 512}, "
             "{\"name\": \"pc\", \"memory_mb\": 512, \"provisioned\": 1}]}",
             models);
    support_write_file(path, body);
    snprintf(sweep, size, "%s/sweep.json", dir);
    support_write_file(sweep, sweep_body);
}

static const char *grid_sweep =
    "{\"scenario\": \"base.json\", \"replications\": 4, \"grid\": "
    "{\"alternatives[0].keepalive.keepalive_s\": [0, 5, 60], "
    "\"workload.rate_per_s\": [1, 3]}}";

static int run(const char *a0, const char *a1, const char *a2, const char *a3,
               const char *a4, const char *a5, const char *a6, const char *a7)
{
    const char *argv[] = {"simsrv", a0, a1, a2, a3, a4, a5, a6, a7, NULL};
    return support_cli(argv);
}

static void same_tables(const char *a, const char *b)
{
    const char *files[] = {"cells.csv", "points.csv", "diffs.csv"};
    for (int i = 0; i < 3; i++) {
        char pa[1300], pb[1300];
        size_t na, nb;
        snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, files[i]);
        char *x = support_slurp(pa, &na), *y = support_slurp(pb, &nb);
        cr_assert(na == nb && memcmp(x, y, na) == 0, "%s differs: %s vs %s",
                  files[i], a, b);
        free(x);
        free(y);
    }
}

Test(sweep, one_thread_equals_two_threads_and_shards_equal_whole)
{
    char sweep[1200], d1[1300], d2[1300], ds[1300];
    make_files("sweep-threads", sweep, sizeof sweep, grid_sweep);
    snprintf(d1, sizeof d1, "%s/t1", dir);
    snprintf(d2, sizeof d2, "%s/t2", dir);
    snprintf(ds, sizeof ds, "%s/sh", dir);
    cr_assert_eq(run("sweep", sweep, "--threads", "1", "--out", d1, NULL, NULL), 0);
    cr_assert_eq(run("sweep", sweep, "--threads", "2", "--out", d2, NULL, NULL), 0);
    same_tables(d1, d2);
    for (int k = 0; k < 3; k++) {
        char spec[16];
        snprintf(spec, sizeof spec, "%d/3", k);
        cr_assert_eq(run("sweep", sweep, "--shard", spec, "--out", ds,
                         "--threads", "2"),
                     0);
    }
    cr_assert_eq(run("merge", sweep, "--out", ds, NULL, NULL, NULL, NULL), 0);
    same_tables(d1, ds);
    /* the merge's writers read rows again from the shard files when they
     * are not held (test hook: at most N rows held; 0, or 5 of the 48) */
    const char *held[] = {"0", "5"};
    for (int i = 0; i < 2; i++) {
        setenv("SIMSRV_TEST_ROWS_HELD", held[i], 1);
        int rc = run("merge", sweep, "--out", ds, NULL, NULL, NULL, NULL);
        unsetenv("SIMSRV_TEST_ROWS_HELD");
        cr_assert_eq(rc, 0);
        same_tables(d1, ds);
    }
}

Test(sweep, resume_after_kill_equals_uninterrupted)
{
    char sweep[1200], whole[1300], killed[1300], shard[1400];
    make_files("sweep-resume", sweep, sizeof sweep, grid_sweep);
    snprintf(whole, sizeof whole, "%s/whole", dir);
    snprintf(killed, sizeof killed, "%s/killed", dir);
    cr_assert_eq(run("sweep", sweep, "--out", whole, NULL, NULL, NULL, NULL), 0);
    /* a separate simsrv process (fork + exec: libgomp is not fork-safe
     * once this process has run OpenMP threads) */
    char simsrv[1100];
    const char *build = getenv("SIMSRV_BUILD_ROOT");
    snprintf(simsrv, sizeof simsrv, "%s/simsrv", build ? build : ".");
    pid_t pid = fork();
    if (pid == 0) {
        setenv("SIMSRV_TEST_STOP_AFTER_CELLS", "7", 1);
        execl(simsrv, "simsrv", "sweep", sweep, "--out", killed, "--threads",
              "2", "--quiet", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 137,
              "the test hook did not stop the sweep");
    /* a torn half row, as a kill in the middle of a write leaves */
    snprintf(shard, sizeof shard, "%s/shard-0-of-1.csv", killed);
    FILE *fp = fopen(shard, "a");
    fputs("23,5,3,ka,12.5,7", fp);
    fclose(fp);
    cr_assert_eq(run("sweep", sweep, "--out", killed, NULL, NULL, NULL, NULL), 0);
    same_tables(whole, killed);
}

/* Runs simsrv with argv; returns its status, with its stdout in out and
 * its stderr in err (each `size` bytes; either may be NULL). */
static int capture(int argc, const char **argv, char *out, char *err,
                   size_t size)
{
    FILE *o = tmpfile(), *e = tmpfile();
    int rc = cli_main_streams(argc, (char **)argv, o, e);
    FILE *fp[2] = {o, e};
    char *buf[2] = {out, err};
    for (int i = 0; i < 2; i++) {
        if (buf[i] != NULL) {
            rewind(fp[i]);
            buf[i][fread(buf[i], 1, size - 1, fp[i])] = '\0';
        }
        fclose(fp[i]);
    }
    return rc;
}

/* Runs `simsrv merge` and returns its status, with its stderr in msg. */
static int merge_message(const char *sweep, const char *out, char *msg,
                         size_t size)
{
    const char *argv[] = {"simsrv", "merge", sweep, "--out", out};
    return capture(5, argv, NULL, msg, size);
}

Test(sweep, merge_reports_missing_and_duplicated_cells)
{
    char sweep[1200], ds[1300], a[1400], b[1400];
    make_files("sweep-merge", sweep, sizeof sweep, grid_sweep);
    snprintf(ds, sizeof ds, "%s/sh", dir);
    cr_assert_eq(run("sweep", sweep, "--shard", "0/2", "--out", ds, NULL, NULL), 0);
    char msg[1024];
    cr_assert_eq(merge_message(sweep, ds, msg, sizeof msg), 2);
    fprintf(stderr, "missing: %s", msg);
    cr_assert_not_null(strstr(msg, "12 of 24 cells are missing"));
    cr_assert_eq(run("sweep", sweep, "--shard", "1/2", "--out", ds, NULL, NULL), 0);
    /* the same shard again under another name: every cell twice */
    snprintf(a, sizeof a, "%s/shard-1-of-2.csv", ds);
    snprintf(b, sizeof b, "%s/shard-7-of-8.csv", ds);
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", a, b);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(merge_message(sweep, ds, msg, sizeof msg), 2);
    fprintf(stderr, "duplicate: %s", msg);
    cr_assert_not_null(strstr(msg, "is in both shard-1-of-2.csv and "
                                   "shard-7-of-8.csv"),
                       "%s", msg);
}

/* Pins: inside a Slurm array task (SLURM_ARRAY_TASK_ID 1, COUNT 3) a sweep
 * without --shard runs shard 1/3 (its file, and the message that leaves
 * the merge to `simsrv merge`); --shard overrides the task; values that
 * are not a k/K are one usage line, exit 2, nothing written. */
Test(sweep, a_slurm_array_task_picks_the_shard)
{
    char sweep[1200], out[1300], path[1400], msg[1024], said[4096];
    make_files("sweep-slurm", sweep, sizeof sweep, grid_sweep);
    snprintf(out, sizeof out, "%s/arr", dir);
    setenv("SLURM_ARRAY_TASK_ID", "1", 1);
    setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
    const char *argv[] = {"simsrv", "sweep", sweep, "--out", out, "--quiet",
                          "--shard", "2/3"};
    int rc = capture(6, argv, said, msg, sizeof said);
    cr_assert_eq(rc, 0, "%s", msg);
    fprintf(stderr, "in array task 1 of 3: %s", said);
    cr_assert_not_null(strstr(said, "shard 1/3: 8 cells done in"), "%s",
                       said);
    snprintf(path, sizeof path, "%s/shard-1-of-3.csv", out);
    cr_assert_eq(access(path, F_OK), 0);
    rc = capture(8, argv, said, msg, sizeof said); /* --shard 2/3 wins */
    cr_assert_eq(rc, 0, "%s", msg);
    snprintf(path, sizeof path, "%s/shard-2-of-3.csv", out);
    cr_assert_eq(access(path, F_OK), 0);
    setenv("SLURM_ARRAY_TASK_ID", "3", 1); /* 3 of 0..2 */
    snprintf(out, sizeof out, "%s/bad", dir);
    rc = capture(6, argv, NULL, msg, sizeof msg);
    unsetenv("SLURM_ARRAY_TASK_ID");
    unsetenv("SLURM_ARRAY_TASK_COUNT");
    fprintf(stderr, "task 3 of 3: %s", msg);
    cr_assert_eq(rc, 2);
    cr_assert_str_eq(msg, "simsrv: sweep: SLURM_ARRAY_TASK_ID/COUNT give "
                          "'3/3', not k/K (use --array=0-(K-1)) (try "
                          "'simsrv sweep --help')\n");
    cr_assert_eq(access(out, F_OK), -1, "a refused sweep made its folder");
}

/* Pins: a resumed sweep counts the cells it skips (5 of 24 after its shard
 * file is cut back to 5 cells) and prints nothing on stderr with --quiet;
 * an unsharded sweep ends with the points' table. */
Test(sweep, resume_says_how_many_cells_it_skipped)
{
    char sweep[1200], out[1300], shard[1400], buf[8192], err[8192];
    make_files("sweep-skip", sweep, sizeof sweep, grid_sweep);
    snprintf(out, sizeof out, "%s/out", dir);
    const char *argv[] = {"simsrv", "sweep", sweep, "--out", out,
                          "--threads", "1", "--quiet"};
    cr_assert_eq(capture(8, argv, buf, err, sizeof err), 0, "%s", err);
    cr_assert_null(strstr(buf, "resuming"), "%s", buf);
    cr_assert_not_null(strstr(buf, "Means ± 95% half-widths over 4 "
                                   "replications"),
                       "%s", buf);
    /* keep the header, the column names and the first 5 cells (2 rows
     * each, in cell order with one thread) */
    snprintf(shard, sizeof shard, "%s/shard-0-of-1.csv", out);
    size_t n;
    char *text = support_slurp(shard, &n), *p = text;
    for (int line = 0; line < 2 + 5 * 2; line++)
        p = strchr(p, '\n') + 1;
    *p = '\0';
    support_write_file(shard, text);
    free(text);
    cr_assert_eq(capture(8, argv, buf, err, sizeof err), 0, "%s", err);
    char want[1600];
    snprintf(want, sizeof want,
             "resuming %s: 5 of 24 cells already done (skipped), 19 to run\n",
             shard);
    cr_assert_not_null(strstr(buf, want), "%s", buf);
    cr_assert_eq(err[0], '\0', "progress text with --quiet: %s", err);
}

/* Pins: merge after an unsharded run and a 2-shard run into one folder
 * names both files of the first doubled cell and what to do, in one line. */
Test(sweep, merge_after_an_unsharded_run_names_the_files_and_the_fix)
{
    char sweep[1200], out[1300], msg[2048];
    make_files("sweep-stale", sweep, sizeof sweep, grid_sweep);
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(run("sweep", sweep, "--out", out, "--threads", "1",
                     "--quiet", NULL),
                 0);
    cr_assert_eq(run("sweep", sweep, "--out", out, "--shard", "0/2",
                     "--threads", "1"),
                 0);
    cr_assert_eq(run("sweep", sweep, "--out", out, "--shard", "1/2",
                     "--threads", "1"),
                 0);
    cr_assert_eq(merge_message(sweep, out, msg, sizeof msg), 2);
    fprintf(stderr, "stale: %s", msg);
    char want[2048];
    snprintf(want, sizeof want,
             "simsrv: %s: cell 0 is in both shard-0-of-1.csv and "
             "shard-0-of-2.csv: runs with different shard counts (1 and 2) "
             "wrote here; remove the stale run's files (shard-*-of-1.csv or "
             "shard-*-of-2.csv) or rerun into a fresh --out\n",
             out);
    cr_assert_str_eq(msg, want);
}

/* Column `name` of a CSV header line: its index. */
static int column(const char *header, const char *name)
{
    int i = 0;
    const char *p = header;
    size_t len = strlen(name);
    for (;;) {
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\n'))
            return i;
        p = strchr(p, ',');
        if (p == NULL)
            return -1;
        p++;
        i++;
    }
}

static double field(const char *line, int col)
{
    const char *p = line;
    for (int i = 0; i < col; i++)
        p = strchr(p, ',') + 1;
    return strtod(p, NULL);
}

Test(sweep, intervals_cover_the_mginf_mean_about_95_percent)
{
    /* 100 points that differ only in their seed: 100 independent sets of
     * 10 replications of an all-provisioned M/M/inf run (a = 2 x 1 s). */
    char sweep[1200], out[1300], body[4096];
    strcpy(body, "{\"scenario\": \"base.json\", \"replications\": 10, "
                 "\"grid\": {\"seed\": [");
    for (int i = 0; i < 100; i++)
        sprintf(body + strlen(body), "%s%d", i ? ", " : "", 1000 + i);
    strcat(body, "]}}");
    make_files("sweep-coverage", sweep, sizeof sweep, body);
    char models[1024], path[1200], base[2048];
    support_src("models", models, sizeof models);
    snprintf(path, sizeof path, "%s/base.json", dir);
    snprintf(base, sizeof base,
             "{\"horizon_s\": 2000, \"models_dir\": \"%s\", \"model\": "
             "\"mlp-tabular\", \"timeseries_interval_s\": 0, \"workload\": "
             "{\"type\": \"poisson\", \"rate_per_s\": 2}, \"alternatives\": "
             "[{\"name\": \"all-provisioned\", \"memory_mb\": 512, "
             "\"vcpus\": 1, \"provisioned\": 30, \"max_instances\": 30,"
             " \"beyond_limits\": true}]}",
             models);
    support_write_file(path, base);
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(run("sweep", sweep, "--out", out, NULL, NULL, NULL, NULL), 0);
    char pts[1400];
    snprintf(pts, sizeof pts, "%s/cells.csv", out);
    size_t n;
    char *text = support_slurp(pts, &n);
    char *line = strtok(text, "\n");
    int c_busy = column(line, "busy_mean"), c_point = column(line, "point");
    cr_assert(c_busy > 0 && c_point >= 0);
    /* per point: the replications' time-average busy instances */
    double busy[100][10];
    int cnt[100] = {0};
    while ((line = strtok(NULL, "\n")) != NULL) {
        int p = (int)field(line, c_point);
        busy[p][cnt[p]] = field(line, c_busy);
        cnt[p]++;
    }
    free(text);
    /* mlp-tabular's warm time at 1 vCPU is lognormal with median a + c =
     * 0.0651 ms and sigma 0.15: mean = median x exp(sigma^2 / 2) */
    double mean_s = (0.054 + 0.0111) * 1e-3 * exp(0.5 * 0.15 * 0.15);
    double a = 2 * mean_s;
    int covered = 0;
    for (int p = 0; p < 100; p++) {
        cr_assert_eq(cnt[p], 10);
        Interval iv = stats_interval(busy[p], 10);
        if (fabs(iv.mean - a) <= iv.half)
            covered++;
    }
    fprintf(stderr, "95%% intervals covering lambda E[S] = %.6g: %d of 100\n",
            a, covered);
    /* Binomial(100, 0.95): 89..99 holds with probability 0.99 */
    cr_assert(covered >= 89 && covered <= 99, "%d of 100 covered", covered);
}

Test(sweep, hdf5_holds_the_points_table)
{
#ifndef SIMSRV_HAVE_HDF5
    cr_skip("built without HDF5");
#else
    char sweep[1200], out[1300], path[1400];
    make_files("sweep-h5", sweep, sizeof sweep, grid_sweep);
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(run("sweep", sweep, "--out", out, NULL, NULL, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/sweep.h5", out);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    hid_t ds = H5Dopen2(f, "points/values", H5P_DEFAULT);
    hid_t sp = H5Dget_space(ds);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(sp, dims, NULL);
    cr_assert_eq(dims[0], 12, "6 points x 2 alternatives");
    double *x = malloc(dims[0] * dims[1] * sizeof *x);
    H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x);
    /* compare every number with points.csv (skipping the name and the
     * parameter columns) */
    snprintf(path, sizeof path, "%s/points.csv", out);
    size_t n;
    char *text = support_slurp(path, &n);
    char *line = strtok(text, "\n");
    int row = 0;
    while ((line = strtok(NULL, "\n")) != NULL) {
        double *o = &x[row * dims[1]];
        cr_assert_eq(field(line, 0), o[0]);
        cr_assert_eq(field(line, 2), o[2]); /* replications */
        for (size_t k = 3; k < dims[1]; k++) {
            /* CSV columns: point, alternative, replications, 2 params,
             * then the metric pairs in the same order as the HDF5 */
            const char *p = line;
            for (size_t i = 0; i < k + 2; i++)
                p = strchr(p, ',') + 1;
            double v = (*p == ',' || *p == '\0') ? (double)NAN : strtod(p, NULL);
            cr_assert((isnan(v) && isnan(o[k])) || v == o[k],
                      "row %d column %zu: csv %.17g, h5 %.17g", row, k, v,
                      o[k]);
        }
        row++;
    }
    cr_assert_eq(row, 12);
    char *hash = NULL;
    hid_t at = H5Aopen(f, "plan_hash", H5P_DEFAULT);
    hid_t ty = H5Aget_type(at);
    H5Aread(at, ty, &hash);
    cr_assert_eq(strlen(hash), 16);
    H5free_memory(hash);
    H5Tclose(ty);
    H5Aclose(at);
    free(text);
    free(x);
    H5Sclose(sp);
    H5Dclose(ds);
    H5Fclose(f);
#endif
}

/* ---- each alternative's rows stay its own --------------------------- */

/* Field `col` of a CSV line, as text into out (field() gives numbers). */
static void csv_field(const char *line, int col, char *out, size_t size)
{
    const char *p = line;
    for (int i = 0; i < col; i++)
        p = strchr(p, ',') + 1;
    size_t n = strcspn(p, ",\n");
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

/* points.csv's cold_pct of (point, alternative) is the mean of cells.csv's
 * over that point's replications of that alternative, for every row: the
 * merge sorts its row references by cell and alternative, and a row of
 * one alternative never lands in another's mean.  Two threads, so rows
 * reach the shard file out of order. */
Test(sweep, each_points_row_is_the_mean_of_its_own_cells)
{
    char sweep[1200], out[1300], path[1400];
    make_files("sweep-own-rows", sweep, sizeof sweep, grid_sweep);
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(run("sweep", sweep, "--threads", "2", "--out", out, NULL,
                     NULL),
                 0);
    enum { POINTS = 6, ALTS = 2 };
    const char *alts[ALTS] = {"ka", "pc"};
    double sum[POINTS][ALTS] = {{0}};
    int n[POINTS][ALTS] = {{0}};
    size_t len;
    snprintf(path, sizeof path, "%s/cells.csv", out);
    char *cells = support_slurp(path, &len);
    int c_point = column(cells, "point"), c_alt = column(cells, "alternative"),
        c_cold = column(cells, "cold_pct");
    cr_assert(c_point >= 0 && c_alt >= 0 && c_cold >= 0);
    for (char *line = strchr(cells, '\n') + 1; *line != '\0';
         line = strchr(line, '\n') + 1) {
        char f[64];
        int p = (int)field(line, c_point);
        csv_field(line, c_alt, f, sizeof f);
        int a = strcmp(f, "pc") == 0;
        cr_assert(p >= 0 && p < POINTS);
        sum[p][a] += field(line, c_cold);
        n[p][a]++;
    }
    free(cells);
    snprintf(path, sizeof path, "%s/points.csv", out);
    char *points = support_slurp(path, &len);
    int p_point = column(points, "point"),
        p_alt = column(points, "alternative"),
        p_cold = column(points, "cold_pct");
    int rows = 0, ka_all_cold = 0;
    for (char *line = strchr(points, '\n') + 1; *line != '\0';
         line = strchr(line, '\n') + 1, rows++) {
        char f[64];
        int p = (int)field(line, p_point);
        csv_field(line, p_alt, f, sizeof f);
        cr_assert_str_eq(f, alts[rows % ALTS]);
        int a = rows % ALTS;
        double got = field(line, p_cold), want = sum[p][a] / n[p][a];
        cr_assert_eq(n[p][a], 4);
        cr_assert(fabs(got - want) <= 1e-9 * (1 + fabs(want)),
                  "point %d %s: cold_pct %.17g, its cells' mean %.17g", p,
                  alts[a], got, want);
        ka_all_cold += a == 0 && got == 100.0;
    }
    free(points);
    cr_assert_eq(rows, POINTS * ALTS);
    /* keep-alive 0 makes every request of ka cold, at both rates */
    cr_assert_eq(ka_all_cold, 2);
}

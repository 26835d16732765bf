/*
 * test_diskfull.c - the bad-input catalogue's checks that need more than a
 * table row: the snapshot sees every kind of change, and a disk that fills
 * in the middle of a write (catalogue.h runs the commands).
 */
#define _GNU_SOURCE /* unshare(2) and CLONE_NEWNS */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "catalogue.h"
#include "support.h"

/* Pins that the snapshot sees each kind of change (else the check above
 * could not fail): a file created, one removed, one rewritten with other
 * bytes of the same size, and one whose bytes stay but whose mtime moves. */
Test(badinput, the_snapshot_sees_every_change)
{
    char dir[1024], a[1100], b[1100];
    support_tmpdir("snapcheck", dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    support_write_file(a, "1,2\n");
    static Snap s0, s1;
    snap_take(&s0, dir);
    snap_take(&s1, dir);
    cr_assert_eq(s0.n, 1);
    support_write_file(b, "new\n");
    snap_take(&s1, dir);
    cr_assert_eq(s1.n, 2, "a created file is seen");
    remove(b);
    remove(a);
    snap_take(&s1, dir);
    cr_assert_eq(s1.n, 0, "a removed file is seen");
    support_write_file(a, "1,3\n");
    snap_take(&s1, dir);
    cr_assert_eq(s1.n, 1);
    cr_assert_neq(s0.e[0].hash, s1.e[0].hash, "other bytes are seen");
    struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, a, times, 0), 0);
    support_write_file(a, "1,2\n");
    cr_assert_eq(utimensat(AT_FDCWD, a, times, 0), 0);
    snap_take(&s1, dir);
    cr_assert_eq(s0.e[0].hash, s1.e[0].hash);
    cr_assert_neq(s0.e[0].mtime_ns, s1.e[0].mtime_ns, "a new mtime is seen");
}

/* --- a disk that fills in the middle of a write ------------------------ */

/* Bytes the files under dir take on disk (whole pages). */
static long long disk_bytes(const char *dir)
{
    static Snap s;
    snap_take(&s, dir);
    long long total = 0;
    for (int k = 0; k < s.n; k++) {
        char path[1400];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, s.e[k].path);
        if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            total += (long long)sb.st_blocks * 512;
    }
    return total;
}

/* Fills the file system of mnt with mnt/filler until `leave` bytes are
 * free (to the page). */
static void fill_leaving(const char *mnt, long long leave)
{
    struct statvfs v;
    cr_assert_eq(statvfs(mnt, &v), 0);
    long long free_b = (long long)v.f_bavail * (long long)v.f_frsize;
    long long want = free_b - leave;
    char path[1100];
    snprintf(path, sizeof path, "%s/filler", mnt);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    static char page[4096];
    for (long long n = 0; n + (long long)sizeof page <= want; n += sizeof page)
        if (fwrite(page, 1, sizeof page, fp) != sizeof page)
            break;
    fclose(fp);
    cr_assert_eq(statvfs(mnt, &v), 0);
    fprintf(stderr, "disk full: %lld bytes free of %lld (wanted %lld)\n",
            (long long)v.f_bavail * (long long)v.f_frsize,
            (long long)v.f_blocks * (long long)v.f_frsize, leave);
}

/* argv = "simsrv" and args (NULL-terminated); returns argc. */
static int with_simsrv(const char *const *args, const char **argv)
{
    int argc = 0;
    argv[argc++] = "simsrv";
    while (args[argc - 1] != NULL && argc < 15) {
        argv[argc] = args[argc - 1];
        argc++;
    }
    argv[argc] = NULL;
    return argc;
}

/* Runs args (after "simsrv") to success. */
static void run_ok(const char *cwd, const char *err_path,
                   const char *const *args)
{
    const char *argv[16];
    int argc = with_simsrv(args, argv);
    char err[4096];
    int rc = run_child(argc, (char **)argv, cwd, err_path);
    read_text(err_path, err, sizeof err);
    cr_assert_eq(rc, 0, "%s %s failed: %s", argv[1], argv[2], err);
}

/* Fills the disk so that about half of what `set`'s folder holds is free,
 * runs args (after "simsrv") and expects exit 2, one line, the folder's
 * files as they were (`journal`, if not NULL, may be written again with
 * the same bytes), and no temporary; then frees the disk. */
static void expect_full(const char *label, const char *mnt, const char *set,
                        const char *cwd, const char *err_path,
                        const char *journal, const char *const *args)
{
    static Snap before, after;
    long long need = disk_bytes(set);
    snap_take(&before, set);
    fill_leaving(mnt, need / 2);
    const char *argv[16];
    int argc = with_simsrv(args, argv);
    int rc = run_child(argc, (char **)argv, cwd, err_path);
    snap_take(&after, set);
    char err[4096], what[200];
    read_text(err_path, err, sizeof err);
    snprintf(what, sizeof what,
             "%s into a full disk (%lld bytes of output, %lld free)", label,
             need, need / 2);
    fprintf(stderr, "%s: exit %d: %s", what, rc, err);
    cr_expect_eq(rc, 2, "%s: exit %d", what, rc);
    cr_expect_eq(count_lines(err), 1, "%s: %s", what, err);
    /* the resume journal is written again on a rerun: its bytes stay */
    for (int k = 0; journal != NULL && k < before.n; k++)
        if (strcmp(before.e[k].path, journal) == 0)
            before.e[k].mtime_ns = 0;
    for (int k = 0; journal != NULL && k < after.n; k++)
        if (strcmp(after.e[k].path, journal) == 0)
            after.e[k].mtime_ns = 0;
    snap_expect_same(&before, &after, what);
    for (int k = 0; k < after.n; k++)
        cr_expect_null(strstr(after.e[k].path, ".tmp"), "%s: %s left", what,
                       after.e[k].path);
    char filler[1100];
    snprintf(filler, sizeof filler, "%s/filler", mnt);
    remove(filler);
}

/* Pins: `run`, `run --requests` and `sweep` into a 256 kB tmpfs that fills
 * while their files are written (about half of the previous set's size is
 * free) exit 2 with one line and leave the previous set as it was (the
 * sweep's resume journal, shard-0-of-1.csv, is written again on the rerun,
 * with the same bytes), with no temporary left.  Needs root for a
 * mount namespace and a tmpfs; skips naming the reason otherwise. */
Test(badinput, disk_full_mid_write_leaves_the_previous_set)
{
    if (geteuid() != 0)
        cr_skip_test("the disk-full case needs root to mount a tmpfs (uid "
                     "%ld)",
                     (long)geteuid());
    char dir[1024], mnt[1100], r[1200], sw[1200], scen[1200], sweep[1200];
    char err_path[1200], models[1024], body[4096];
    support_tmpdir("diskfull", dir, sizeof dir);
    snprintf(mnt, sizeof mnt, "%s/fs", dir);
    cr_assert_eq(mkdir(mnt, 0777), 0);
    /* the worker process's own mount namespace: the tmpfs is gone with it */
    if (unshare(CLONE_NEWNS) != 0)
        cr_skip_test("the disk-full case cannot make a mount namespace: %s",
                     strerror(errno));
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", mnt, "tmpfs", 0, "size=256k") != 0)
        cr_skip_test("the disk-full case cannot mount a 256 kB tmpfs: %s",
                     strerror(errno));
    support_src("models", models, sizeof models);
    snprintf(scen, sizeof scen, "%s/base.json", dir);
    snprintf(sweep, sizeof sweep, "%s/sweep.json", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", dir);
    snprintf(body, sizeof body,
             "{\"name\": \"full\", \"horizon_s\": 600, \"seed\": 7, "
             "\"replications\": 2, \"timeseries_interval_s\": 10, "
             "\"models_dir\": \"%s\", \"model\": \"mlp-tabular\", "
             "\"workload\": {\"type\": \"poisson\", \"rate_per_s\": 1}, "
             "\"alternatives\": [{\"name\": \"ka\", \"memory_mb\": 512}, "
             "{\"name\": \"pc\", \"memory_mb\": 512, \"provisioned\": 1}]}",
             models);
    support_write_file(scen, body);
    support_write_file(sweep,
                       "{\"scenario\": \"base.json\", \"replications\": 2, "
                       "\"grid\": {\"alternatives[0].keepalive.keepalive_s\": "
                       "[0, 60, 600]}}");
    snprintf(r, sizeof r, "%s/r", mnt);
    snprintf(sw, sizeof sw, "%s/s", mnt);

    const char *run1[] = {"run", scen, "--quiet", "--out", r, "--seed", "1",
                          NULL};
    const char *run2[] = {"run", scen, "--quiet", "--out", r, "--seed", "2",
                          NULL};
    run_ok(dir, err_path, run1);
    expect_full("run", mnt, r, dir, err_path, NULL, run2);

    const char *req1[] = {"run",  scen, "--quiet", "--out", r, "--seed",
                          "1",   "--requests", NULL};
    const char *req2[] = {"run",  scen, "--quiet", "--out", r, "--seed",
                          "2",   "--requests", NULL};
    run_ok(dir, err_path, req1);
    expect_full("run --requests", mnt, r, dir, err_path, NULL, req2);

    /* a rerun resumes (nothing left to run) and writes the tables again */
    const char *sw1[] = {"sweep", sweep, "--quiet", "--out", sw,
                         "--threads", "1", NULL};
    run_ok(dir, err_path, sw1);
    expect_full("sweep", mnt, sw, dir, err_path, "shard-0-of-1.csv", sw1);
    umount(mnt);
}

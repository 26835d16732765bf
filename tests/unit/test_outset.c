/*
 * test_outset.c - output sets and the temporaries they leave (util/outset.h).
 *
 * Pins: a set commits all its files or none (an aborted set leaves the
 * previous files' bytes); a temporary open when the process exits through
 * exit(2) (the path a trace that changed under its reader takes) or through
 * the out-of-memory abort is removed; remove_stale removes a dead PID's
 * "NAME.tmp.PID" and keeps a live PID's and names that only look alike;
 * the lock names its live holder and takes over a dead one's.  Each exit is
 * taken in a forked child, so the parent can look at the folder afterwards.
 * Does not pin message wording beyond the PID and file named.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/util/atomic_file.h"
#include "../src/util/outset.h"
#include "../src/util/xalloc.h"
#include "support.h"

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "%s", path);
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
}

/* A PID that certainly belongs to no process: a child that has exited and
 * been reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return pid;
}

/* Writes "a.csv" and "b.csv" through one set; returns 0 or the error. */
static int write_set(const char *dir, const char *text, int fail_second)
{
    OutSet set;
    Err err;
    err_clear(&err);
    outset_init(&set);
    const char *names[] = {"a.csv", "b.csv"};
    for (int i = 0; i < 2; i++) {
        char path[1200];
        AtomicFile af;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        cr_assert_eq(atomic_file_open(&af, path, &err), 0);
        fputs(text, af.fp);
        if (i == 1 && fail_second) {
            atomic_file_abort(&af);
            outset_abort(&set);
            return -1;
        }
        cr_assert_eq(atomic_file_finish(&af, &err), 0);
        cr_assert(exists(af.tmp));
        outset_add(&set, af.tmp, af.path);
    }
    return outset_commit(&set, &err);
}

Test(outset, aborted_set_leaves_the_previous_files)
{
    char dir[1024], path[1200], buf[64];
    support_tmpdir("outset-set", dir, sizeof dir);
    cr_assert_eq(write_set(dir, "old 2.385\n", 0), 0);
    cr_assert_eq(write_set(dir, "new 7.5\n", 1), -1);
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, i ? "b.csv" : "a.csv");
        slurp(path, buf, sizeof buf);
        cr_assert_str_eq(buf, "old 2.385\n");
    }
    snprintf(path, sizeof path, "%s/a.csv.tmp.%ld", dir, (long)getpid());
    cr_assert(!exists(path), "the first file's temporary is left");
    cr_assert_eq(write_set(dir, "new 7.5\n", 0), 0);
    snprintf(path, sizeof path, "%s/b.csv", dir);
    slurp(path, buf, sizeof buf);
    cr_assert_str_eq(buf, "new 7.5\n");
}

/* Forks a child that opens dir/out.csv under its temporary name and leaves
 * by `how` (0: exit(2), 1: the out-of-memory path); returns its status and
 * the temporary's name. */
static int child_leaves(const char *dir, int how, char *tmp, size_t size)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char path[1200];
        AtomicFile af;
        Err err;
        snprintf(path, sizeof path, "%s/out.csv", dir);
        if (atomic_file_open(&af, path, &err) < 0)
            _exit(9);
        fputs("half a table\n", af.fp);
        fflush(af.fp);
        if (write(fds[1], af.tmp, strlen(af.tmp) + 1) < 0)
            _exit(9);
        close(fds[1]);
        if (how == 0)
            exit(2);
        void *p = xmalloc(SIZE_MAX / 2); /* fails: oom() aborts */
        free(p);
        _exit(8);
    }
    close(fds[1]);
    ssize_t n = read(fds[0], tmp, size - 1);
    tmp[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return status;
}

Test(outset, exit_mid_run_removes_the_temporaries)
{
    char dir[1024], tmp[1300];
    support_tmpdir("outset-exit", dir, sizeof dir);
    int status = child_leaves(dir, 0, tmp, sizeof tmp);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    cr_assert_neq(tmp[0], '\0');
    cr_assert(!exists(tmp), "%s is left after exit(2)", tmp);
}

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

#ifndef HAVE_ASAN /* ASan reports the huge request itself, before malloc */
Test(outset, out_of_memory_removes_the_temporaries)
{
    char dir[1024], tmp[1300];
    support_tmpdir("outset-oom", dir, sizeof dir);
    int status = child_leaves(dir, 1, tmp, sizeof tmp);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
              "status %d", status);
    cr_assert_neq(tmp[0], '\0');
    cr_assert(!exists(tmp), "%s is left after the out-of-memory abort", tmp);
}
#endif

static void touch(const char *dir, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    support_write_file(path, "x");
}

Test(outset, remove_stale_takes_only_dead_pids_temporaries)
{
    char dir[1024], name[128], dead[1300], live[1300], odd[1300], plain[1300];
    support_tmpdir("outset-stale", dir, sizeof dir);
    snprintf(name, sizeof name, "summary.csv.tmp.%ld", (long)dead_pid());
    touch(dir, name, dead, sizeof dead);
    snprintf(name, sizeof name, "summary.csv.tmp.%ld", (long)getppid());
    touch(dir, name, live, sizeof live);
    touch(dir, "notes.tmp.12ab", odd, sizeof odd);
    touch(dir, "summary.csv", plain, sizeof plain);
    outset_remove_stale(dir);
    cr_assert(!exists(dead), "%s is left", dead);
    cr_assert(exists(live), "%s of a live process is removed", live);
    cr_assert(exists(odd));
    cr_assert(exists(plain));
}

Test(outset, lock_names_a_live_holder_and_takes_over_a_dead_one)
{
    char dir[1024], lock[1100], path[1200], text[400], buf[400];
    Err err;
    err_clear(&err);
    support_tmpdir("outset-lock", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/.simsrv.lock", dir);
    long parent = (long)getppid();
    snprintf(text, sizeof text, "%ld\n", parent);
    support_write_file(path, text);
    cr_assert_eq(outset_lock(dir, lock, sizeof lock, &err), -SIM_EIO);
    snprintf(buf, sizeof buf, "process %ld,", parent);
    cr_assert_not_null(strstr(err.msg, buf), "%s", err.msg);
    cr_assert_not_null(strstr(err.where, ".simsrv.lock"));
    outset_unlock(lock); /* not ours: must not remove it */
    cr_assert(exists(path));

    snprintf(text, sizeof text, "%ld\n", (long)dead_pid());
    support_write_file(path, text);
    err_clear(&err);
    cr_assert_eq(outset_lock(dir, lock, sizeof lock, &err), 0, "%s", err.msg);
    slurp(path, buf, sizeof buf);
    char host[256];
    cr_assert_eq(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';
    snprintf(text, sizeof text, "%ld %s\n", (long)getpid(), host);
    cr_assert_str_eq(buf, text);
    char again[1100];
    cr_assert_eq(outset_lock(dir, again, sizeof again, &err), -SIM_EIO,
                 "a held lock is taken twice");
    outset_unlock(again);
    cr_assert(exists(path));
    outset_unlock(lock);
    cr_assert(!exists(path), "the lock is left after unlock");
}

Test(outset, lock_of_another_host_is_never_taken_over)
{
    /* A shared folder (a cluster file system): a dead-looking PID of
     * another host may be alive there.  A shard's lock is its own file. */
    char dir[1024], lock[1100], path[1200], other[1100];
    Err err;
    err_clear(&err);
    support_tmpdir("outset-lock-host", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/.simsrv.lock", dir);
    char text[64];
    snprintf(text, sizeof text, "%ld some-other-node\n", (long)dead_pid());
    support_write_file(path, text);
    cr_assert_eq(outset_lock(dir, lock, sizeof lock, &err), -SIM_EIO);
    cr_assert_not_null(strstr(err.msg, "on some-other-node"), "%s", err.msg);
    cr_assert(exists(path));
    err_clear(&err);
    cr_assert_eq(outset_lock_named(dir, ".shard-1-of-4.lock", lock,
                                   sizeof lock, &err),
                 0, "%s", err.msg);
    cr_assert_eq(outset_lock_named(dir, ".shard-2-of-4.lock", other,
                                   sizeof other, &err),
                 0, "%s", err.msg);
    cr_assert_eq(outset_lock_named(dir, ".shard-1-of-4.lock", path,
                                   sizeof path, &err),
                 -SIM_EIO, "one shard locked twice");
    outset_unlock(lock);
    outset_unlock(other);
}

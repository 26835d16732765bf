/*
 * outset.c - output sets, stale temporaries and the folder lock (see
 * outset.h).
 *
 * Temporaries carry the writer's PID so that a later run can tell a dead
 * run's leftovers (remove) from a concurrent run's work in progress (keep):
 * kill(pid, 0) answers ESRCH only when no such process exists.  EPERM means
 * it exists under another user, so its files are kept too.
 *
 * The table of tracked temporaries is, with the test hook's counter, the
 * only mutable global state in src/: exit() handlers take no argument.
 * Slots are claimed with an atomic exchange since the sweep writes its
 * tables on two threads; a linear scan of 32 slots per file is nothing
 * beside writing the file.
 */
#include "outset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

void outset_init(OutSet *set)
{
    set->n = 0;
}

int outset_tmp_name(char *buf, size_t size, const char *path)
{
    int n = snprintf(buf, size, "%s.tmp.%ld", path, (long)getpid());
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

void outset_add(OutSet *set, const char *tmp, const char *path)
{
    if (set->n >= OUTSET_MAX)
        abort(); /* a bug: more outputs than OUTSET_MAX */
    snprintf(set->tmp[set->n], sizeof set->tmp[0], "%s", tmp);
    snprintf(set->path[set->n], sizeof set->path[0], "%s", path);
    set->n++;
}

static struct {
    atomic_int used;
    char path[1300];
} tracked[OUTSET_TRACKED];
static atomic_int exit_hook;

static void remove_tracked_at_exit(void)
{
    outset_remove_tracked();
}

void outset_track(const char *tmp)
{
    if (atomic_exchange(&exit_hook, 1) == 0)
        atexit(remove_tracked_at_exit);
    for (int i = 0; i < OUTSET_TRACKED; i++) {
        int expect = 0;
        if (atomic_compare_exchange_strong(&tracked[i].used, &expect, 2)) {
            snprintf(tracked[i].path, sizeof tracked[i].path, "%s", tmp);
            atomic_store(&tracked[i].used, 1);
            return;
        }
    }
}

void outset_untrack(const char *tmp)
{
    for (int i = 0; i < OUTSET_TRACKED; i++)
        if (atomic_load(&tracked[i].used) == 1 &&
            strcmp(tracked[i].path, tmp) == 0) {
            atomic_store(&tracked[i].used, 0);
            return;
        }
}

void outset_remove_tracked(void)
{
    for (int i = 0; i < OUTSET_TRACKED; i++)
        if (atomic_load(&tracked[i].used) == 1) {
            remove(tracked[i].path);
            atomic_store(&tracked[i].used, 0);
        }
}

int outset_commit(OutSet *set, Err *err)
{
    for (int i = 0; i < set->n; i++)
        outset_untrack(set->tmp[i]);
    for (int i = 0; i < set->n; i++) {
        if (rename(set->tmp[i], set->path[i]) != 0) {
            int e = errno;
            for (int j = i; j < set->n; j++)
                remove(set->tmp[j]);
            set->n = 0;
            return err_set(err, SIM_EIO, set->path[i],
                           "cannot rename into place: %s", strerror(e));
        }
    }
    set->n = 0;
    return 0;
}

void outset_abort(OutSet *set)
{
    for (int i = 0; i < set->n; i++) {
        outset_untrack(set->tmp[i]);
        remove(set->tmp[i]);
    }
    set->n = 0;
}

int outset_fault(void)
{
    /* The one counter in src/: test-only, atomic because the sweep writes
     * its tables on two threads. */
    static atomic_int finished;
    const char *s = getenv("SIMSRV_TEST_FAIL_WRITE");
    if (s == NULL)
        return 0;
    int n = atomic_fetch_add(&finished, 1) + 1;
    return n == atoi(s);
}

/* The PID of a "NAME.tmp.PID" entry, or 0. */
static long tmp_pid(const char *name)
{
    const char *p = strstr(name, ".tmp.");
    if (p == NULL)
        return 0;
    while (strstr(p + 1, ".tmp.") != NULL)
        p = strstr(p + 1, ".tmp.");
    p += 5;
    char *end;
    long pid = strtol(p, &end, 10);
    return *p != '\0' && *end == '\0' && pid > 0 ? pid : 0;
}

static int pid_dead(long pid)
{
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void outset_remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = tmp_pid(e->d_name);
        if (pid > 0 && pid != (long)getpid() && pid_dead(pid)) {
            char path[1400];
            int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (n > 0 && (size_t)n < sizeof path)
                remove(path);
        }
    }
    closedir(d);
}

/* This machine's name, for locks in folders that several machines share
 * (a sweep's shards on a cluster file system): a PID means something only
 * on the host that wrote it. */
static void host_name(char *buf, size_t size)
{
    if (gethostname(buf, size) != 0)
        snprintf(buf, size, "unknown");
    buf[size - 1] = '\0';
    for (char *c = buf; *c != '\0'; c++)
        if (*c == ' ' || *c == '\n')
            *c = '_';
}

/* Creates the lock holding "PID HOST": 0, or the errno of open(2). */
static int lock_create(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return errno;
    char host[256], buf[300];
    host_name(host, sizeof host);
    int n = snprintf(buf, sizeof buf, "%ld %s\n", (long)getpid(), host);
    ssize_t w = write(fd, buf, (size_t)n);
    close(fd);
    if (w != n) {
        remove(path);
        return ENOSPC;
    }
    return 0;
}

/* The holder's PID (0 if unreadable) and host ("" if none recorded). */
static long lock_holder(const char *path, char *host, size_t size)
{
    FILE *fp = fopen(path, "r");
    long pid = 0;
    char fmt[32];
    host[0] = '\0';
    snprintf(fmt, sizeof fmt, "%%ld %%%zus", size - 1);
    if (fp != NULL) {
        if (fscanf(fp, fmt, &pid, host) < 1)
            pid = 0;
        fclose(fp);
    }
    return pid;
}

int outset_lock_named(const char *dir, const char *name, char *lock_path,
                      size_t size, Err *err)
{
    int n = snprintf(lock_path, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return err_set(err, SIM_EIO, dir, "output path too long");
    char where[1100], host[256], mine[256];
    snprintf(where, sizeof where, "%s", lock_path);
    host_name(mine, sizeof mine);
    int e = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        e = lock_create(lock_path);
        if (e == 0)
            return 0;
        if (e != EEXIST)
            break;
        long pid = lock_holder(lock_path, host, sizeof host);
        int here = host[0] == '\0' || strcmp(host, mine) == 0;
        if (pid > 0 && !here) {
            lock_path[0] = '\0';
            return err_set(err, SIM_EIO, where,
                           "held by simsrv process %ld on %s, which is "
                           "writing into this folder; wait for it, or remove "
                           "this file if that process is gone",
                           pid, host);
        }
        if (pid > 0 && !pid_dead(pid)) {
            lock_path[0] = '\0';
            return err_set(err, SIM_EIO, where,
                           "held by simsrv process %ld, which is writing "
                           "into this folder; wait for it or use another "
                           "--out",
                           pid);
        }
        /* a dead process of this host (or an empty lock from a crash
         * between open and write): take it over */
        remove(lock_path);
    }
    lock_path[0] = '\0';
    return err_set(err, SIM_EIO, where, "cannot create the lock file: %s",
                   strerror(e));
}

int outset_lock(const char *dir, char *lock_path, size_t size, Err *err)
{
    return outset_lock_named(dir, ".simsrv.lock", lock_path, size, err);
}

void outset_unlock(const char *lock_path)
{
    if (lock_path != NULL && lock_path[0] != '\0')
        remove(lock_path);
}

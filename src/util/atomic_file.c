/*
 * atomic_file.c - temp-name-then-rename output files (see atomic_file.h).
 */
#include "atomic_file.h"

#include "outset.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int atomic_file_open(AtomicFile *af, const char *path, Err *err)
{
    int n = snprintf(af->path, sizeof af->path, "%s", path);
    if (n < 0 || (size_t)n >= sizeof af->path ||
        outset_tmp_name(af->tmp, sizeof af->tmp, path) < 0)
        return err_set(err, SIM_EIO, path, "output path too long");
    af->fp = fopen(af->tmp, "w");
    if (af->fp == NULL)
        return err_set(err, SIM_EIO, af->tmp, "cannot create: %s",
                       strerror(errno));
    outset_track(af->tmp);
    return 0;
}

int atomic_file_finish(AtomicFile *af, Err *err)
{
    int bad = fflush(af->fp) != 0 || ferror(af->fp);
    int e = bad ? errno : 0;
    if (fclose(af->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->fp = NULL;
    if (!bad && outset_fault()) {
        bad = 1;
        e = ENOSPC;
    }
    if (bad) {
        outset_untrack(af->tmp);
        remove(af->tmp);
        return err_set(err, SIM_EIO, af->path, "write failed: %s",
                       e ? strerror(e) : "I/O error");
    }
    return 0;
}

int atomic_file_commit(AtomicFile *af, Err *err)
{
    int rc = atomic_file_finish(af, err);
    if (rc < 0)
        return rc;
    outset_untrack(af->tmp);
    if (rename(af->tmp, af->path) != 0) {
        int e = errno;
        remove(af->tmp);
        return err_set(err, SIM_EIO, af->path, "cannot rename into place: %s",
                       strerror(e));
    }
    return 0;
}

void atomic_file_abort(AtomicFile *af)
{
    if (af->fp != NULL) {
        fclose(af->fp);
        af->fp = NULL;
        outset_untrack(af->tmp);
        remove(af->tmp);
    }
}

int mkdir_p(const char *dir, Err *err)
{
    char buf[1024];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf)
        return err_set(err, SIM_EIO, dir, "bad directory name");
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return err_set(err, SIM_EIO, buf, "cannot create directory: %s",
                               strerror(errno));
            buf[i] = c;
        }
    }
    return 0;
}

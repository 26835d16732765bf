/*
 * err.c - the single funnel for user-facing errors (see err.h).
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void err_escape(char *dst, unsigned long size, const char *src)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (size == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
        char esc[5];
        size_t k;
        if (*p >= 0x20 && *p != 0x7f) {
            esc[0] = (char)*p;
            k = 1;
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            esc[0] = '\\';
            esc[1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
            k = 2;
        } else {
            esc[0] = '\\';
            esc[1] = 'x';
            esc[2] = hex[*p >> 4];
            esc[3] = hex[*p & 15];
            k = 4;
        }
        if (n + k >= size) /* never cut an escape in half */
            break;
        memcpy(dst + n, esc, k);
        n += k;
    }
    dst[n] = '\0';
}

/* Both fields quote user text (file names, keys, values), so control
 * characters are escaped here, once, for every error: the message stays
 * one line whatever the input holds. */
int err_set(Err *err, int code, const char *where, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        char raw[sizeof err->msg];
        err->code = code;
        err_escape(err->where, sizeof err->where, where ? where : "");
        va_start(ap, fmt);
        vsnprintf(raw, sizeof raw, fmt, ap);
        va_end(ap);
        err_escape(err->msg, sizeof err->msg, raw);
    }
    return -code;
}

/* A folder opens for reading on Linux and then fails or "seeks" to a huge
 * size, which would be reported as something else: name it instead. */
int err_if_directory(Err *err, const char *path, const char *kind)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return err_set(err, SIM_EINPUT, path, "is a directory, not a %s",
                       kind);
    return 0;
}

void err_clear(Err *err)
{
    if (err != NULL) {
        err->code = 0;
        err->where[0] = '\0';
        err->msg[0] = '\0';
    }
}

void err_format(const Err *err, char *buf, unsigned long size)
{
    if (err->where[0] != '\0')
        snprintf(buf, size, "%s: %s", err->where, err->msg);
    else
        snprintf(buf, size, "%s", err->msg);
}

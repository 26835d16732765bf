/*
 * err.c - the single funnel for user-facing errors (see err.h).
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(Err *err, int code, const char *where, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        err->code = code;
        snprintf(err->where, sizeof err->where, "%s", where ? where : "");
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -code;
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

/*
 * streams.c - the commands' one-line error exit (streams.h).
 */
#include "streams.h"

int cli_fail(const Streams *st, const Err *err)
{
    char line[1024];
    err_format(err, line, sizeof line);
    fprintf(st->err, "simsrv: %s\n", line);
    return 2;
}

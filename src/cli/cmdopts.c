/*
 * cmdopts.c - shared options of the commands over many runs (see
 * cmdopts.h).
 */
#include "cmdopts.h"

#include <stdlib.h>
#include <string.h>

int cmdopts_usage(const Streams *st, const char *cmd, const char *msg,
                  const char *arg)
{
    char safe[512];
    err_escape(safe, sizeof safe, arg != NULL ? arg : "");
    fprintf(st->err, "simsrv: %s: ", cmd);
    fprintf(st->err, msg, safe);
    fprintf(st->err, " (try 'simsrv %s --help')\n", cmd);
    return 2;
}

int cmdopts_take(const Streams *st, const char *cmd, int argc, char **argv,
                 int *i, CmdOpts *o)
{
    const char *a = argv[*i];
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        o->quiet = 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return 0;
    if (strcmp(a, "--threads") == 0) {
        char *end;
        long n = strtol(argv[++*i], &end, 10);
        if (*end != '\0' || n < 1 || n > 4096)
            return cmdopts_usage(st, cmd, "--threads: '%s' is not 1..4096",
                                 argv[*i]);
        o->threads = (int)n;
        return 1;
    }
    if (strcmp(a, "--shard") == 0) {
        char *end;
        long k = strtol(argv[++*i], &end, 10), K = -1;
        if (*end == '/')
            K = strtol(end + 1, &end, 10);
        if (*end != '\0' || K < 1 || K > 1000000 || k < 0 || k >= K)
            return cmdopts_usage(st, cmd, "--shard: '%s' is not k/K with "
                                 "0 <= k < K", argv[*i]);
        o->shard_k = (int)k;
        o->shard_K = (int)K;
        return 1;
    }
    if (strcmp(a, "--out") == 0) {
        o->out_dir = argv[++*i];
        if (strlen(o->out_dir) > CLI_OUT_MAX)
            return cmdopts_usage(st, cmd, "--out: the folder name is longer "
                                 "than %s characters", CLI_OUT_MAX_STR);
        return 1;
    }
    return 0;
}

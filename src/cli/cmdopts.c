/*
 * cmdopts.c - shared options of the commands over many runs (see
 * cmdopts.h).
 */
#include "cmdopts.h"

#include <stdio.h>
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

/* "k/K" with 0 <= k < K <= 10^6 into *k, *K: 0, or -1. */
static int parse_shard(const char *s, int *k, int *K)
{
    char *end;
    long a = strtol(s, &end, 10), b = -1;
    if (*end == '/')
        b = strtol(end + 1, &end, 10);
    if (*end != '\0' || b < 1 || b > 1000000 || a < 0 || a >= b)
        return -1;
    *k = (int)a;
    *K = (int)b;
    return 0;
}

int cmdopts_take(const Streams *st, const char *cmd, int argc, char **argv,
                 int *i, unsigned accept, CmdOpts *o)
{
    const char *a = argv[*i];
    if ((accept & CMDOPT_QUIET) &&
        (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
        o->quiet = 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return 0;
    if ((accept & CMDOPT_THREADS) && strcmp(a, "--threads") == 0) {
        char *end;
        long n = strtol(argv[++*i], &end, 10);
        if (*end != '\0' || n < 1 || n > 4096)
            return cmdopts_usage(st, cmd, "--threads: '%s' is not 1..4096",
                                 argv[*i]);
        o->threads = (int)n;
        return 1;
    }
    if ((accept & CMDOPT_SHARD) && strcmp(a, "--shard") == 0) {
        if (parse_shard(argv[++*i], &o->shard_k, &o->shard_K) < 0)
            return cmdopts_usage(st, cmd, "--shard: '%s' is not k/K with "
                                 "0 <= k < K", argv[*i]);
        return 1;
    }
    if ((accept & CMDOPT_OUT) && strcmp(a, "--out") == 0) {
        o->out_dir = argv[++*i];
        if (strlen(o->out_dir) > CLI_OUT_MAX)
            return cmdopts_usage(st, cmd, "--out: the folder name is longer "
                                 "than %s characters", CLI_OUT_MAX_STR);
        return 1;
    }
    return 0;
}

int cmdopts_slurm_shard(const Streams *st, const char *cmd, CmdOpts *o)
{
    const char *tid = getenv("SLURM_ARRAY_TASK_ID");
    const char *tcount = getenv("SLURM_ARRAY_TASK_COUNT");
    if (o->shard_K > 0 || tid == NULL || tcount == NULL)
        return 0;
    char spec[64];
    snprintf(spec, sizeof spec, "%.30s/%.30s", tid, tcount);
    if (parse_shard(spec, &o->shard_k, &o->shard_K) < 0)
        return cmdopts_usage(st, cmd, "SLURM_ARRAY_TASK_ID/COUNT give '%s', "
                             "not k/K (use --array=0-(K-1))", spec);
    return 0;
}

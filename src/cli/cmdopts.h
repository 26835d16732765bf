/*
 * cmdopts.h - the options that the commands over many runs share
 * (--threads N, --out DIR, --shard k/K, -q/--quiet), and their one-line
 * usage errors.
 *
 * Used by `simsrv sweep`, `merge` (all but --shard) and `optimize`, so
 * they take the same options with the same messages.
 */
#ifndef SIM_CLI_CMDOPTS_H
#define SIM_CLI_CMDOPTS_H

#include "streams.h"

typedef struct CmdOpts {
    int threads;         /* 0: OpenMP's default */
    const char *out_dir; /* NULL: results/<name> */
    int quiet;
    int shard_k, shard_K; /* --shard k/K; shard_K 0: not given (0/1) */
} CmdOpts;

/* Prints "simsrv: <msg with arg> (try 'simsrv <cmd> --help')"; returns 2. */
int cmdopts_usage(const Streams *st, const char *cmd, const char *msg,
                  const char *arg);

/* The shared options a command takes (a mask for cmdopts_take). */
enum {
    CMDOPT_THREADS = 1,
    CMDOPT_OUT = 2,
    CMDOPT_QUIET = 4,
    CMDOPT_SHARD = 8,
    CMDOPT_ALL = 15
};

/* Takes the option at argv[*i] if it is one of the shared ones in
 * `accept` (advancing *i past its value): returns 1; 0 if it is not one of
 * them; 2 after a usage error (a bad value). */
int cmdopts_take(const Streams *st, const char *cmd, int argc, char **argv,
                 int *i, unsigned accept, CmdOpts *o);

/* Without --shard, inside a Slurm array task (SLURM_ARRAY_TASK_ID and
 * SLURM_ARRAY_TASK_COUNT both set), the task's shard: k = the ID, K = the
 * count (an array --array=0-(K-1)).  Returns 0, or 2 after a usage error
 * (values that are not such a k/K). */
int cmdopts_slurm_shard(const Streams *st, const char *cmd, CmdOpts *o);

#endif

/*
 * mpi_main.c - simsrv-mpi: a sweep over MPI ranks (the optional MPI build,
 * meson -Dmpi=enabled).
 *
 *   mpirun -np 4 build/simsrv-mpi SWEEP_FILE [--out DIR] [--threads N]
 *   srun --mpi=pmix -n 4 build/simsrv-mpi SWEEP_FILE ...
 *   mpirun -np 4 build/simsrv-mpi optimize FILE [--out DIR] [--threads N]
 *
 * Rank r of n runs shard r/n of the sweep (cells with index = r mod n) with
 * its OpenMP threads, writing shard-r-of-n.csv; after every rank succeeded,
 * rank 0 merges.  The rows and tables are those of any other split, since a
 * cell's rows depend on the cell alone.  MPI stays in this file: ranks share
 * nothing but the output folder and one reduction of exit statuses.
 *
 * `optimize` (optimize_mpi) goes in rounds: rank r runs `simsrv optimize
 * FILE --shard r/n`, which replays the procedure from every rank's run log
 * and makes its own runs of the first stage not yet complete; the ranks
 * then agree (one reduction) whether any stopped for lack of another's
 * runs, and if so go again.  Each round completes at least one stage.
 * Once none waits, rank 0 runs the unsharded command, which finds every
 * run in the logs and writes the outputs: the same bytes as any other
 * split.
 */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "optimize.h"
#include "sweep.h"

/* args = cmd, argv[1 ..] (at most 59 of them), "--shard", shard,
 * "--quiet", NULL; returns their number. */
static int shard_args(char **args, const char *cmd, int argc, char **argv,
                      char *shard)
{
    int n = 0;
    args[n++] = (char *)cmd;
    for (int i = 1; i < argc && n < 60; i++)
        args[n++] = argv[i];
    args[n++] = (char *)"--shard";
    args[n++] = shard;
    args[n++] = (char *)"--quiet";
    args[n] = NULL;
    return n;
}

/* `simsrv-mpi optimize FILE [options]`: rounds of shard runs, then rank 0
 * writes the outputs.  argv[0] is "optimize". */
static int optimize_mpi(int argc, char **argv, int rank, int size)
{
    char shard[32], *args[64];
    snprintf(shard, sizeof shard, "%d/%d", rank, size);
    int n = shard_args(args, argv[0], argc, argv, shard);
    FILE *quiet = fopen("/dev/null", "w");
    int worst = 0;
    for (;;) {
        int waiting = 0, any = 0;
        int rc = optimize_cmd_shard(n, args, quiet, stderr, &waiting);
        MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        MPI_Allreduce(&waiting, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (worst != 0 || !any)
            break;
    }
    if (worst == 0 && rank == 0) {
        n -= 3; /* drop --shard r/n --quiet: the whole, shard 0/1 (not a
                   Slurm array task's shard, should it run in one) */
        args[n++] = (char *)"--shard";
        args[n++] = (char *)"0/1";
        args[n] = NULL;
        worst = optimize_cmd(n, args, stdout, stderr);
    }
    MPI_Bcast(&worst, 1, MPI_INT, 0, MPI_COMM_WORLD);
    fclose(quiet);
    return worst;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        if (rank == 0)
            fputs("usage: mpirun -np N simsrv-mpi SWEEP_FILE [--out DIR] "
                  "[--threads T] [--quiet]\n"
                  "       mpirun -np N simsrv-mpi optimize FILE [--out DIR] "
                  "[--threads T] [--quiet]\n",
                  stdout);
        MPI_Finalize();
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "optimize") == 0) {
        int rc = optimize_mpi(argc - 1, argv + 1, rank, size);
        MPI_Finalize();
        return rc;
    }
    char shard[32];
    snprintf(shard, sizeof shard, "%d/%d", rank, size);
    /* sweep SWEEP_FILE [user options] --shard r/n --quiet */
    char *args[64];
    int n = shard_args(args, "sweep", argc, argv, shard);
    FILE *out = rank == 0 ? stdout : fopen("/dev/null", "w");
    int rc = sweep_cmd(n, args, out, stderr);
    int worst = 0;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst == 0 && rank == 0) {
        /* merge SWEEP_FILE [user options]: it takes the sweep's --out,
         * --threads and --quiet */
        args[0] = (char *)"merge";
        n -= 3; /* drop --shard r/n --quiet */
        args[n] = NULL;
        worst = merge_cmd(n, args, stdout, stderr);
    }
    MPI_Bcast(&worst, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (out != stdout && out != NULL)
        fclose(out);
    MPI_Finalize();
    return worst;
}

/*
 * mpi_main.c - simsrv-mpi: a sweep over MPI ranks (the optional MPI build,
 * meson -Dmpi=enabled).
 *
 *   mpirun -np 4 build/simsrv-mpi SWEEP_FILE [--out DIR] [--threads N]
 *   srun --mpi=pmix -n 4 build/simsrv-mpi SWEEP_FILE ...
 *
 * Rank r of n runs shard r/n of the sweep (cells with index = r mod n) with
 * its OpenMP threads, writing shard-r-of-n.csv; after every rank succeeded,
 * rank 0 merges.  The rows and tables are those of any other split, since a
 * cell's rows depend on the cell alone.  MPI stays in this file: ranks share
 * nothing but the output folder and one reduction of exit statuses.
 */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "sweep.h"

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
                  "[--threads T]\n",
                  stdout);
        MPI_Finalize();
        return argc < 2 ? 2 : 0;
    }
    char shard[32];
    snprintf(shard, sizeof shard, "%d/%d", rank, size);
    /* sweep SWEEP_FILE [user options] --shard r/n --quiet */
    char *args[64];
    int n = 0;
    args[n++] = (char *)"sweep";
    for (int i = 1; i < argc && n < 60; i++)
        args[n++] = argv[i];
    args[n++] = (char *)"--shard";
    args[n++] = shard;
    args[n++] = (char *)"--quiet";
    args[n] = NULL;
    FILE *out = rank == 0 ? stdout : fopen("/dev/null", "w");
    int rc = sweep_cmd(n, args, out, stderr);
    int worst = 0;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst == 0 && rank == 0) {
        args[0] = (char *)"merge";
        n -= 3; /* drop --shard r/n --quiet */
        args[n] = NULL;
        /* merge takes only the sweep file and --out */
        char *margs[8];
        int m = 0;
        margs[m++] = (char *)"merge";
        for (int i = 1; i < n && m < 6; i++) {
            if (strcmp(args[i], "--threads") == 0) {
                i++;
                continue;
            }
            margs[m++] = args[i];
        }
        margs[m] = NULL;
        worst = merge_cmd(m, margs, stdout, stderr);
    }
    MPI_Bcast(&worst, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (out != stdout && out != NULL)
        fclose(out);
    MPI_Finalize();
    return worst;
}

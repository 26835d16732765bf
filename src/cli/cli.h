/*
 * cli.h - the simsrv command line, as a library function.
 *
 * cli_main() is the whole program; cli/main.c only calls it.  Keeping it in
 * the library lets tests run `simsrv run bad.json` in-process and check the
 * message and the exit status.
 *
 * Exit status: 0 success; 2 bad input (usage, scenario, profile, catalog)
 * or failed I/O, after one line on stderr and with nothing left half-written.
 */
#ifndef SIM_CLI_CLI_H
#define SIM_CLI_CLI_H

#include <stdio.h>

int cli_main(int argc, char **argv);

/* The same, printing results to `out` and messages to `err`. */
int cli_main_streams(int argc, char **argv, FILE *out, FILE *err);

#endif

/*
 * main.c - the simsrv executable: everything else is in libsimsrv.
 */
#include "cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }

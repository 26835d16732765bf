/*
 * progress.h - the progress line of `simsrv run` and `simsrv sweep`.
 *
 * Progress is text on stderr only: it never reaches an output file and
 * never changes what the run computes.  The formatting is pure functions
 * of numbers the caller passes in (work done, work in all, seconds elapsed),
 * so tests pin the text with fixed numbers and no clock; only
 * progress_now_s() and progress_init() look at the machine.
 *
 * The estimate.  Work is whatever the caller can weigh before it runs: for
 * a sweep, each cell's expected arrivals times its alternatives (cells of
 * one sweep may differ in cost by orders of magnitude, so counting cells
 * misleads); for a run, runs, the one in progress counted by the fraction of
 * its simulated time.  The remaining time is the remaining work at the rate
 * measured so far, elapsed x (total - done) / done, and is shown only once
 * there is a basis for it: some work done and at least PROGRESS_BASIS_S of
 * measurement.  Before that the line says "ETA --".
 *
 * Display.  On a terminal the line is redrawn in place (\r), at most every
 * PROGRESS_TTY_S, and cut to the terminal's width less one column, so it
 * never wraps (a wrapped line cannot be redrawn with \r).  The width comes
 * from ioctl(TIOCGWINSZ), else the COLUMNS variable, else 80.  Elsewhere (a
 * log file, a batch job's output) it prints a whole line at most every
 * PROGRESS_LOG_S, and none for shorter runs.
 */
#ifndef SIM_CLI_PROGRESS_H
#define SIM_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_BASIS_S 1.0 /* measurement needed before an ETA */
#define PROGRESS_TTY_S 0.2   /* redraws on a terminal at most this often */
#define PROGRESS_LOG_S 60.0  /* lines elsewhere at most this often */

/* Seconds left at the rate measured so far, or -1 without a basis (no work
 * done, or less than PROGRESS_BASIS_S elapsed).  0 once done >= total. */
double progress_eta_s(double done_work, double total_work, double elapsed_s);

/* "ETA 42s", "ETA 3m05s", "ETA 1h02m", "ETA 2d03h" or "ETA --" (see
 * progress_eta_s), into buf. */
void progress_eta_format(char *buf, size_t size, double done_work,
                         double total_work, double elapsed_s);

/* The columns to fit: tty_cols when positive (the terminal's, from
 * ioctl), else COLUMNS when it is a positive integer, else 80. */
int progress_width(int tty_cols, const char *columns_env);

/* Cuts line to at most width - 1 characters (at least one is kept). */
void progress_fit(char *line, int width);

/* The line of `simsrv run`: run idx (0-based) of n, the fraction of its
 * simulated time done, the ETA over all n runs, its alternative and
 * replication, and events per second of wall time. */
void progress_run_line(char *buf, size_t size, int idx, int n,
                       const char *alt, int rep, double frac,
                       double events_per_s, double elapsed_s);

/* The line of `simsrv sweep`: cells finished of those to run, the share of
 * the estimated work they hold, the ETA, and events per second. */
void progress_sweep_line(char *buf, size_t size, int done_cells,
                         int todo_cells, double done_work, double total_work,
                         double events_per_s, double elapsed_s);

/* The note of a resumed sweep: "resuming PATH: k of n cells already done
 * (skipped), m to run". */
void progress_resume_note(char *buf, size_t size, const char *path,
                          int skipped, int cells);

typedef struct Progress {
    FILE *fp;
    int enabled;   /* 0: show nothing */
    int tty;       /* redraw in place */
    int fd;        /* for the width query; -1 when not a terminal */
    double last_s; /* when a line was last shown; < 0: never */
    size_t shown;  /* characters of the line now on the terminal */
} Progress;

/* Progress on fp; nothing at all unless `enabled`. */
void progress_init(Progress *p, FILE *fp, int enabled);

/* Whether a line is due at now_s (the first one on a terminal is due at
 * once; elsewhere the first comes after PROGRESS_LOG_S). */
int progress_due(const Progress *p, double now_s);

/* Shows line (fitted to the width on a terminal) and notes now_s. */
void progress_show(Progress *p, double now_s, const char *line);

/* Clears the line on a terminal (before the results are printed). */
void progress_clear(Progress *p);

/* Monotonic seconds. */
double progress_now_s(void);

#endif

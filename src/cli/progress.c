/*
 * progress.c - the progress line (see progress.h for the estimate and the
 * display rules).
 *
 * The line is plain ASCII, so cutting it at a byte is cutting it at a
 * column; what matters most (how far, how long still) comes first, so a
 * narrow terminal cuts the names and rates.  On a terminal a shorter line is followed by spaces over what the
 * longer one left, rather than an ANSI erase sequence, so that a dumb
 * terminal (TERM=dumb, an Emacs shell) shows it right too.
 */
#include "progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

double progress_eta_s(double done_work, double total_work, double elapsed_s)
{
    if (!(done_work > 0) || !(elapsed_s >= PROGRESS_BASIS_S))
        return -1;
    if (done_work >= total_work)
        return 0;
    return elapsed_s * (total_work - done_work) / done_work;
}

void progress_eta_format(char *buf, size_t size, double done_work,
                         double total_work, double elapsed_s)
{
    double eta = progress_eta_s(done_work, total_work, elapsed_s);
    if (eta < 0) {
        snprintf(buf, size, "ETA --");
        return;
    }
    double r = floor(eta + 0.5);
    if (r < 60)
        snprintf(buf, size, "ETA %.0fs", r);
    else if (r < 3600)
        snprintf(buf, size, "ETA %.0fm%02.0fs", floor(r / 60),
                 fmod(r, 60));
    else if (r < 86400) {
        double m = floor(r / 60 + 0.5); /* to the minute */
        snprintf(buf, size, "ETA %.0fh%02.0fm", floor(m / 60), fmod(m, 60));
    } else {
        double h = floor(r / 3600 + 0.5); /* to the hour */
        snprintf(buf, size, "ETA %.0fd%02.0fh", floor(h / 24), fmod(h, 24));
    }
}

int progress_width(int tty_cols, const char *columns_env)
{
    if (tty_cols > 0)
        return tty_cols;
    if (columns_env != NULL) {
        char *end;
        long n = strtol(columns_env, &end, 10);
        if (end != columns_env && *end == '\0' && n > 0 && n < 100000)
            return (int)n;
    }
    return 80;
}

void progress_fit(char *line, int width)
{
    size_t max = width > 2 ? (size_t)width - 1 : 1;
    if (strlen(line) > max)
        line[max] = '\0';
}

void progress_run_line(char *buf, size_t size, int idx, int n,
                       const char *alt, int rep, double frac,
                       double events_per_s, double elapsed_s)
{
    char eta[32];
    double f = frac < 0 ? 0 : frac > 1 ? 1 : frac;
    progress_eta_format(eta, sizeof eta, idx + f, n, elapsed_s);
    snprintf(buf, size, "  run %d/%d  %5.1f%%  %s  %s rep %d  %.2f M events/s",
             idx + 1, n, 100.0 * f, eta, alt, rep, events_per_s * 1e-6);
}

void progress_sweep_line(char *buf, size_t size, int done_cells,
                         int todo_cells, double done_work, double total_work,
                         double events_per_s, double elapsed_s)
{
    char eta[32];
    progress_eta_format(eta, sizeof eta, done_work, total_work, elapsed_s);
    snprintf(buf, size, "  cells %d/%d  work %.1f%%  %s  %.2f M events/s",
             done_cells, todo_cells,
             total_work > 0 ? 100.0 * done_work / total_work : 0.0, eta,
             events_per_s * 1e-6);
}

void progress_resume_note(char *buf, size_t size, const char *path,
                          int skipped, int cells)
{
    snprintf(buf, size,
             "resuming %s: %d of %d cells already done (skipped), %d to run",
             path, skipped, cells, cells - skipped);
}

double progress_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void progress_init(Progress *p, FILE *fp, int enabled)
{
    memset(p, 0, sizeof *p);
    p->fp = fp;
    p->enabled = enabled;
    int fd = fileno(fp);
    p->tty = fd >= 0 && isatty(fd);
    p->fd = p->tty ? fd : -1;
    p->last_s = p->tty ? -1 : progress_now_s();
}

int progress_due(const Progress *p, double now_s)
{
    if (!p->enabled)
        return 0;
    if (p->tty)
        return p->last_s < 0 || now_s - p->last_s >= PROGRESS_TTY_S;
    return now_s - p->last_s >= PROGRESS_LOG_S;
}

static int terminal_cols(int fd)
{
    struct winsize ws;
    if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0)
        return ws.ws_col;
    return 0;
}

void progress_show(Progress *p, double now_s, const char *line)
{
    if (!p->enabled)
        return;
    p->last_s = now_s;
    if (!p->tty) {
        fprintf(p->fp, "%s\n", line);
        fflush(p->fp);
        return;
    }
    char fitted[512];
    int width = progress_width(terminal_cols(p->fd), getenv("COLUMNS"));
    snprintf(fitted, sizeof fitted, "%s", line);
    progress_fit(fitted, width);
    /* blanks over what a longer line left, within the (maybe narrowed)
     * width */
    size_t n = strlen(fitted), old = p->shown;
    if (old > (size_t)width - 1)
        old = width > 1 ? (size_t)width - 1 : 1;
    fprintf(p->fp, "\r%s%*s", fitted, old > n ? (int)(old - n) : 0, "");
    if (old > n) /* back over the blanks, to the line's end */
        fprintf(p->fp, "\r%s", fitted);
    p->shown = n;
    fflush(p->fp);
}

void progress_clear(Progress *p)
{
    if (!p->enabled || !p->tty || p->shown == 0)
        return;
    fprintf(p->fp, "\r%*s\r", (int)p->shown, "");
    p->shown = 0;
    fflush(p->fp);
}

/*
 * trace.c - the generic CSV trace reader (see trace.h).
 *
 * zlib's gz* functions read plain and gzip-compressed files alike, so one
 * code path serves both.  Lines are read into a fixed buffer; a line that
 * does not fit (more than TRACE_MAX_LINE bytes) is an input error, never a
 * huge allocation.
 */
#include "trace.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../util/keymap.h"
#include "../util/names.h"
#include "../util/xalloc.h"
#include "sample.h"

typedef struct Row {
    double t_s;    /* trace time, seconds */
    double dur_s;  /* NaN if none */
    long context, generated;
    long line;
    int fn;
} Row;

struct TraceReader {
    TraceSpec spec;
    gzFile gz;
    char *buf;
    long line;
    int col_time, col_dur, col_fn, col_ctx, col_gen, col_app, n_cols;
    KeyMap fns;          /* numbered: function key -> number */
    int n_fns;
    int *keep;           /* sampled: number -> kept number, or -1 */
    int n_keep;          /* its length: the functions in the file */
    int n_kept;          /* the functions sampled */
    int have_t0;
    double t0;           /* datetime traces: the first row's time */
    Row *heap;           /* look-ahead min-heap by t_s, then line */
    int n_heap;
    int eof;
    double last_t;       /* last replayed trace time */
    Names names;         /* numbered: the kept functions' (app, function),
                            in number order, as each is first read */
    int names_scanned;   /* the rest of the file was read for names: no row
                            is replayed after that */
};

static int row_less(const Row *a, const Row *b)
{
    return a->t_s < b->t_s || (a->t_s == b->t_s && a->line < b->line);
}

static void heap_push(TraceReader *r, Row row)
{
    int i = r->n_heap++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!row_less(&row, &r->heap[p]))
            break;
        r->heap[i] = r->heap[p];
        i = p;
    }
    r->heap[i] = row;
}

static Row heap_pop(TraceReader *r)
{
    Row top = r->heap[0], last = r->heap[--r->n_heap];
    int i = 0, n = r->n_heap;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && row_less(&r->heap[c + 1], &r->heap[c]))
            c++;
        if (!row_less(&r->heap[c], &last))
            break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (n > 0)
        r->heap[i] = last;
    return top;
}

static int fail(TraceReader *r, Err *err, const char *fmt, const char *a)
{
    char where[1100];
    if (r->line > 0)
        snprintf(where, sizeof where, "%s:%ld", r->spec.file, r->line);
    else
        snprintf(where, sizeof where, "%s", r->spec.file);
    char msg[300];
    snprintf(msg, sizeof msg, fmt, a);
    return err_set(err, SIM_EINPUT, where, "%s", msg);
}

/* Reads one line into r->buf without its line end.  1, 0 at EOF, or <0. */
static int read_line(TraceReader *r, Err *err)
{
    z_off_t at = gztell(r->gz);
    if (gzgets(r->gz, r->buf, TRACE_MAX_LINE) == NULL) {
        int code;
        gzerror(r->gz, &code);
        if (code != Z_OK && code != Z_STREAM_END)
            return fail(r, err, "read error (%s)", "corrupt or truncated file");
        return 0;
    }
    r->line++;
    size_t n = strlen(r->buf);
    /* gzgets copies NUL bytes too; the uncompressed offset tells how many
     * bytes the line really had, so a NUL inside it (a damaged or binary
     * file) is an error instead of a silently shortened or empty line */
    if (at >= 0 && gztell(r->gz) - at != (z_off_t)n)
        return fail(r, err, "NUL byte in the line (a binary or damaged "
                            "file?)%s", "");
    /* a UTF-8 byte-order mark before the header is not part of it */
    if (r->line == 1 && strncmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
        n -= 3;
        memmove(r->buf, r->buf + 3, n + 1);
    }
    if (n == TRACE_MAX_LINE - 1 && r->buf[n - 1] != '\n' && !gzeof(r->gz))
        return fail(r, err, "line longer than %s bytes", "65,535");
    while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == '\r'))
        r->buf[--n] = '\0';
    return 1;
}

/* A header or row has at most this many fields; split() stops at one more
 * so that a wider line is reported, never read past f[]. */
#define TRACE_MAX_COLS 255

/* Splits r->buf on commas in place (no quoting: trace fields are numbers
 * and identifiers).  Returns the number of fields, or max + 1 when there
 * are more than max (only f[0..max-1] are then set). */
static int split(char *s, char **f, int max)
{
    int n = 0;
    f[n++] = s;
    for (char *p = s; *p; p++)
        if (*p == ',') {
            *p = '\0';
            if (n == max)
                return max + 1;
            f[n++] = p + 1;
        }
    return n;
}

static int find_col(char **f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return i;
    return -1;
}

static int choose_sample(TraceReader *r, Err *err);

TraceReader *trace_open(const TraceSpec *spec, Err *err)
{
    if (err_if_directory(err, spec->file, "trace file") < 0)
        return NULL;
    TraceReader *r = xcalloc(1, sizeof *r);
    r->spec = *spec;
    r->gz = gzopen(spec->file, "rb");
    if (r->gz == NULL) {
        err_set(err, SIM_EINPUT, spec->file, "cannot open: %s",
                strerror(errno ? errno : ENOENT));
        free(r);
        return NULL;
    }
    r->buf = xmalloc(TRACE_MAX_LINE);
    r->heap = xmalloc((size_t)(spec->lookahead + 1) * sizeof *r->heap);
    r->last_t = -HUGE_VAL;
    int rc = read_line(r, err);
    if (rc <= 0) {
        if (rc == 0)
            fail(r, err, "empty trace: no header row%s", "");
        trace_close(r);
        return NULL;
    }
    char *f[TRACE_MAX_COLS];
    int n = split(r->buf, f, TRACE_MAX_COLS);
    if (n > TRACE_MAX_COLS) {
        fail(r, err, "the header has more than %s columns (the reader's bound)",
             "255");
        trace_close(r);
        return NULL;
    }
    r->n_cols = n;
    r->col_time = find_col(f, n, spec->time_column);
    r->col_dur = spec->duration_column[0] ? find_col(f, n, spec->duration_column)
                                          : -2;
    r->col_fn = spec->function_column[0] ? find_col(f, n, spec->function_column)
                                         : -2;
    r->col_ctx = spec->context_column[0] ? find_col(f, n, spec->context_column)
                                         : -2;
    r->col_gen = spec->generated_column[0]
                     ? find_col(f, n, spec->generated_column)
                     : -2;
    r->col_app = spec->app_column[0] ? find_col(f, n, spec->app_column) : -2;
    keymap_init(&r->fns, 1024);
    const char *missing = r->col_time < 0 ? spec->time_column
                          : r->col_dur == -1 ? spec->duration_column
                          : r->col_fn == -1  ? spec->function_column
                          : r->col_ctx == -1 ? spec->context_column
                          : r->col_gen == -1 ? spec->generated_column
                          : r->col_app == -1 ? spec->app_column
                                             : NULL;
    if (missing != NULL) {
        fail(r, err, "the header has no column '%s'", missing);
        trace_close(r);
        return NULL;
    }
    if (spec->numbered && spec->sample != AZ_SAMPLE_ALL &&
        choose_sample(r, err) < 0) {
        trace_close(r);
        return NULL;
    }
    return r;
}

void trace_close(TraceReader *r)
{
    if (r == NULL)
        return;
    gzclose(r->gz);
    free(r->buf);
    free(r->heap);
    free(r->keep);
    keymap_free(&r->fns);
    names_free(&r->names);
    free(r);
}

static int parse_num(TraceReader *r, const char *s, const char *what,
                     double *out, Err *err)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(x))
        return fail(r, err, "not a number in the %s column", what);
    if (x < 0)
        return fail(r, err, "negative %s", what);
    *out = x;
    return 0;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian; Howard
 * Hinnant's days_from_civil algorithm, reimplemented). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Two decimal digits at s into *v; 0 if they are not two digits. */
static int two_digits(const char *s, int *v)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return 0;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return 1;
}

/* A UTC offset after the seconds: "", "Z", "+HH", "+HHMM" or "+HH:MM"
 * (or '-').  1 with *off_s the seconds to subtract for UTC, 0 if bad. */
static int parse_utc_offset(const char *s, double *off_s)
{
    *off_s = 0;
    if (*s == '\0' || strcmp(s, "Z") == 0)
        return 1;
    int h, m = 0;
    if ((*s != '+' && *s != '-') || !two_digits(s + 1, &h))
        return 0;
    const char *p = s + 3;
    if (*p != '\0') {
        p += *p == ':';
        if (!two_digits(p, &m) || p[2] != '\0')
            return 0;
    }
    if (h > 23 || m > 59)
        return 0;
    *off_s = (*s == '-' ? -1 : 1) * (h * 3600.0 + m * 60.0);
    return 1;
}

/* "YYYY-MM-DD HH:MM:SS[.fraction][offset]" (or with a 'T'; the offset as
 * parse_utc_offset reads it: the 2024 Azure LLM traces end their stamps in
 * "+00:00") -> seconds since 1970, UTC. */
/* The number of days in month `m` (1..12) of year `y` (Gregorian). */
static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

static int parse_datetime(TraceReader *r, const char *s, double *out,
                          Err *err)
{
    int y, mo, d, h, mi, used = 0;
    double sec, off_s = 0;
    if (sscanf(s, "%4d-%2d-%2d%*[ T]%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi,
               &sec, &used) != 6 ||
        !parse_utc_offset(s + used, &off_s) || mo < 1 || mo > 12 || d < 1 ||
        d > 31 || h > 23 || mi > 59 || sec < 0 || sec >= 61)
        return fail(r, err, "not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) in "
                            "the %s column",
                    "timestamp");
    if (d > days_in_month(y, mo))
        return fail(r, err, "no such date in the %s column (the day is past "
                            "the end of its month)",
                    "timestamp");
    *out = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 +
           mi * 60.0 + sec - off_s;
    return 0;
}

static int parse_count(TraceReader *r, const char *s, const char *what,
                       long *out, Err *err)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return fail(r, err, "not a whole number in the %s column", what);
    if (x < 0)
        return fail(r, err, "negative %s", what);
    *out = x;
    return 0;
}

/* The number of the row's function, numbering it if it is new. */
static int number_function(TraceReader *r, char **f)
{
    uint64_t k = r->col_app >= 0 ? keymap_hash2(f[r->col_app], f[r->col_fn])
                                 : keymap_hash1(f[r->col_fn]);
    int32_t v = keymap_get(&r->fns, k);
    if (v >= 0)
        return v;
    keymap_reserve(&r->fns, (size_t)r->n_fns + 1);
    keymap_put(&r->fns, k, r->n_fns);
    return r->n_fns++;
}

/* Sampling: counts every function's rows, chooses, and maps the numbers
 * to the kept ones; the file is then read again from its first row (the
 * numbering restarts and comes out the same).  Rows of the wrong width
 * are left for the main pass to report. */
static int choose_sample(TraceReader *r, Err *err)
{
    char *f[TRACE_MAX_COLS];
    uint64_t *rows = NULL;
    size_t cap = 0;
    int rc;
    while ((rc = read_line(r, err)) > 0) {
        if (r->buf[0] == '\0' || split(r->buf, f, TRACE_MAX_COLS) != r->n_cols)
            continue;
        int fn = number_function(r, f);
        if ((size_t)fn >= cap) {
            size_t old = cap;
            cap = cap ? 2 * cap : 1024;
            rows = xrealloc(rows, cap * sizeof *rows);
            memset(rows + old, 0, (cap - old) * sizeof *rows);
        }
        rows[fn]++;
    }
    if (rc < 0) {
        free(rows);
        return rc;
    }
    int n;
    int *idx = sample_functions(rows, r->n_fns, r->spec.sample,
                                r->spec.sample_n, r->spec.sample_seed, &n);
    free(rows);
    r->n_keep = r->n_fns;
    r->keep = xmalloc(((size_t)r->n_fns + 1) * sizeof *r->keep);
    for (int i = 0; i < r->n_fns; i++)
        r->keep[i] = -1;
    for (int i = 0; i < n; i++)
        r->keep[idx[i]] = i;
    r->n_kept = n;
    free(idx);
    /* back to the first row, numbering from scratch */
    keymap_free(&r->fns);
    keymap_init(&r->fns, 1024);
    r->n_fns = 0;
    gzrewind(r->gz);
    r->line = 0;
    if ((rc = read_line(r, err)) <= 0)
        return rc < 0 ? rc : -SIM_EINPUT;
    return 0;
}

/* The row's kept function number (numbering it if it is new), or -1 when
 * it is not in the sample.  Kept functions are numbered in order of first
 * appearance, so the first row of function k comes after that of k - 1 and
 * its names are entry k. */
static int kept_function(TraceReader *r, char **f)
{
    int fn = number_function(r, f);
    if (r->keep != NULL && (fn >= r->n_keep || (fn = r->keep[fn]) < 0))
        return -1;
    if ((size_t)fn == names_count(&r->names))
        names_add(&r->names, r->col_app >= 0 ? f[r->col_app] : "",
                  f[r->col_fn]);
    return fn;
}

/* Reads rows into the look-ahead until it is full or the file ends. */
static int fill(TraceReader *r, Err *err)
{
    char *f[TRACE_MAX_COLS];
    while (!r->eof && r->n_heap <= r->spec.lookahead) {
        int rc = read_line(r, err);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            r->eof = 1;
            break;
        }
        if (r->buf[0] == '\0')
            continue; /* a blank line */
        int n = split(r->buf, f, TRACE_MAX_COLS);
        if (n > TRACE_MAX_COLS)
            return fail(r, err, "the row has more than %s fields (the reader's "
                                "bound)",
                        "255");
        if (n != r->n_cols) {
            char got[32];
            snprintf(got, sizeof got, "%d", n);
            return fail(r, err, "%s fields, but the header has a different "
                                "number (truncated row?)",
                        got);
        }
        if (r->col_fn >= 0 && !r->spec.numbered &&
            strcmp(f[r->col_fn], r->spec.function) != 0)
            continue;
        Row row = {0, (double)NAN, -1, -1, r->line, 0};
        if (r->spec.numbered && (row.fn = kept_function(r, f)) < 0)
            continue; /* not in the sample */
        if (r->spec.datetime) {
            if (parse_datetime(r, f[r->col_time], &row.t_s, err) < 0)
                return -SIM_EINPUT;
            if (!r->have_t0) {
                r->t0 = row.t_s;
                r->have_t0 = 1;
            }
            row.t_s -= r->t0;
        } else {
            if (parse_num(r, f[r->col_time], "timestamp", &row.t_s, err) < 0)
                return -SIM_EINPUT;
            row.t_s *= r->spec.time_unit_s;
        }
        if (r->col_ctx >= 0 &&
            parse_count(r, f[r->col_ctx], "context tokens", &row.context,
                        err) < 0)
            return -SIM_EINPUT;
        if (r->col_gen >= 0 &&
            parse_count(r, f[r->col_gen], "generated tokens", &row.generated,
                        err) < 0)
            return -SIM_EINPUT;
        if (r->col_dur >= 0) {
            if (parse_num(r, f[r->col_dur], "duration", &row.dur_s, err) < 0)
                return -SIM_EINPUT;
            row.dur_s *= r->spec.duration_unit_s;
            if (r->spec.end_time)
                row.t_s -= row.dur_s; /* it arrived that long before */
        }
        if (row.t_s < r->spec.start_s ||
            (r->spec.end_s > 0 && row.t_s >= r->spec.end_s))
            continue; /* outside the window */
        heap_push(r, row);
    }
    return 0;
}

int trace_next(TraceReader *r, TraceRow *out, Err *err)
{
    assert(!r->names_scanned); /* its rows were read for names only */
    int rc = fill(r, err);
    if (rc < 0)
        return rc;
    if (r->n_heap == 0)
        return 0;
    Row row = heap_pop(r);
    if (row.t_s < r->last_t) {
        char lim[32];
        r->line = row.line;
        snprintf(lim, sizeof lim, "%d", r->spec.lookahead);
        return fail(r, err, "timestamp out of order beyond the look-ahead "
                            "of %s rows (sort the trace, or raise lookahead)",
                    lim);
    }
    r->last_t = row.t_s;
    out->t_s = (row.t_s - r->spec.start_s) * r->spec.time_scale;
    out->dur_s = row.dur_s;
    out->context = row.context;
    out->generated = row.generated;
    out->fn = row.fn;
    return 1;
}

/* Reads the rest of the file for the names of functions not yet seen
 * (their rows come after the run's last arrival).  Rows of the wrong width
 * are skipped: the config's check read the whole file already. */
static void scan_names(TraceReader *r)
{
    char *f[TRACE_MAX_COLS];
    Err err;
    r->names_scanned = 1;
    while (!r->eof) {
        int rc = read_line(r, &err);
        if (rc <= 0) {
            r->eof = 1;
            break;
        }
        if (r->buf[0] != '\0' && split(r->buf, f, TRACE_MAX_COLS) == r->n_cols)
            (void)kept_function(r, f);
    }
}

void trace_function_names(TraceReader *r, int fn, const char **app,
                          const char **id)
{
    *app = "";
    *id = NULL;
    if (!r->spec.numbered) {
        if (r->spec.function[0] != '\0')
            *id = r->spec.function;
        return;
    }
    if (fn >= 0 && (size_t)fn >= names_count(&r->names) && !r->eof)
        scan_names(r);
    if (fn >= 0 && (size_t)fn < names_count(&r->names))
        names_get(&r->names, (size_t)fn, app, id);
}

int trace_check(const TraceSpec *spec, uint64_t *rows, uint64_t *functions,
                Err *err)
{
    TraceReader *r = trace_open(spec, err);
    if (r == NULL)
        return -SIM_EINPUT;
    TraceRow row;
    int rc;
    *rows = 0;
    while ((rc = trace_next(r, &row, err)) > 0)
        (*rows)++;
    *functions = !spec->numbered ? 1
                 : r->keep != NULL ? (uint64_t)r->n_kept
                                   : (uint64_t)r->n_fns;
    trace_close(r);
    return rc;
}

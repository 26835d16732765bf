/*
 * azure2019.c - the Azure Functions 2019 reader (see azure2019.h).
 *
 * Files are read through zlib (plain or gzip) one line at a time into a
 * growing buffer capped at AZ_MAX_LINE.  Joins use 64-bit FNV-1a hashes of
 * the id strings in open-addressing tables (ids are 64-hex-digit HMACs; a
 * collision among 10^5 ids has probability ~10^-10).  A day's row is 1,440
 * counts, mostly "0" for most functions, so the split and the counts have
 * fast paths that take four zero minutes at once and parse plain digits by
 * hand, as do the durations' plain decimals; anything else (signs,
 * spaces, exponents, long or bad numbers) goes through strtoull or strtod
 * as before, which word every error.
 */
#include "azure2019.h"

#include <errno.h>
#include <float.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../util/keymap.h"
#include "../util/names.h"
#include "../util/prefetch.h"
#include "../util/xalloc.h"
#include "sample.h"

#define AZ_MAX_LINE (64u << 20) /* 64 MB: a day of minutes is ~15 KB */
#define AZ_MAX_COLS 4096
#define NPCT 7
/* arrivals ahead whose function record is fetched (util/prefetch.h) */
#define AZ_PREFETCH_AHEAD 16
/* the minute sort (sort_by_time): two 11-bit digits of a coarse key, then
 * runs of one coarse key of up to FINE_RUN by insertion */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_DIGITS 2
#define FINE_RUN 32

static const double pct_p[NPCT] = {0, 0.01, 0.25, 0.5, 0.75, 0.99, 1};
static const char *const pct_col[NPCT] = {
    "percentile_Average_0",  "percentile_Average_1",  "percentile_Average_25",
    "percentile_Average_50", "percentile_Average_75", "percentile_Average_99",
    "percentile_Average_100"};

typedef struct Csv {
    gzFile gz;
    const char *path;
    char *line;
    size_t cap;
    size_t len; /* bytes of the current line, its NUL not counted */
    long lineno;
    int n; /* fields of the current line */
    char *f[AZ_MAX_COLS];
} Csv;

typedef struct Fn {
    uint64_t app; /* hash of HashApp */
    double pct_ms[NPCT];
    double memory_mb;
    uint64_t total; /* invocations in the file */
    uint64_t first; /* its entries in the staging arrays */
    uint32_t n_entries;
} Fn;

typedef struct Arr {
    double t_s;
    uint32_t fn;
} Arr;

struct Az19 {
    Az19Spec spec;
    Az19Stats st;
    int n_fn;
    Fn *fn;
    uint32_t n_min;
    uint64_t *min_start; /* CSR by minute over the kept functions */
    uint32_t *e_fn, *e_cnt;
    uint32_t first_min, end_min; /* replayed minutes [first, end) */
    uint32_t cur;                /* the minute being expanded */
    uint32_t slice, n_slices;    /* its next slice, and how many it has */
    int started;                 /* cur has been begun */
    uint32_t *rem;               /* uniform spacing: each entry's arrivals
                                    not yet placed in a slice */
    size_t rem_cap;
    Arr *buf;
    size_t buf_n, buf_i, buf_cap;
    Arr *tmp; /* radix sort scratch */
    size_t tmp_cap;
    size_t (*radix_count)[RADIX_SIZE]; /* its counts, a row per digit */
    Names names; /* the kept functions' HashApp and HashFunction: names
                    apart from Fn, read once for functions.csv */
};

/* ---- CSV lines ------------------------------------------------------- */

static int csv_open(Csv *c, const char *path, Err *err)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    int rc = err_if_directory(err, path, "trace file");
    if (rc < 0)
        return rc;
    c->gz = gzopen(path, "rb");
    if (c->gz == NULL)
        return err_set(err, SIM_EINPUT, path, "cannot open: %s",
                       errno ? strerror(errno) : "out of memory");
    gzbuffer(c->gz, 1u << 17);
    c->cap = 1u << 16;
    c->line = xmalloc(c->cap);
    return 0;
}

static void csv_close(Csv *c)
{
    if (c->gz != NULL)
        gzclose(c->gz);
    free(c->line);
    c->gz = NULL;
    c->line = NULL;
}

/* Splits the line at its commas into c->f.  One pass over the bytes: a
 * day's row is 1,440 fields of a digit or two, where a strchr call per
 * field costs more than the field. */
static int split_fields(Csv *c, Err *err)
{
    char *p = c->line, **f = c->f; /* locals: the byte stores alias all */
    const char *end = c->line + c->len;
    int n = 0;
    f[n++] = p;
    for (; *p != '\0'; p++) {
        /* four zero minutes at once, where the line and the column limit
         * have room: the same fields as byte by byte */
        while (end - p >= 8 && n + 4 <= AZ_MAX_COLS &&
               memcmp(p, ",0,0,0,0", 8) == 0) {
            for (int k = 0; k < 8; k += 2) {
                p[k] = '\0';
                f[n++] = p + k + 1;
            }
            p += 8;
        }
        if (*p == '\0')
            break;
        if (*p != ',')
            continue;
        if (n == AZ_MAX_COLS) {
            c->n = n;
            return err_set(err, SIM_EINPUT, c->path,
                           "line %ld: more than %d columns", c->lineno,
                           AZ_MAX_COLS);
        }
        *p = '\0';
        f[n++] = p + 1;
    }
    c->n = n;
    return 1;
}

/* Next line split at commas: 1, 0 at the end, < 0 on error. */
static int csv_next(Csv *c, Err *err)
{
    size_t len = 0;
    for (;;) {
        z_off_t at = gztell(c->gz);
        if (gzgets(c->gz, c->line + len, (int)(c->cap - len)) == NULL) {
            if (len == 0) {
                int zerr;
                const char *m = gzerror(c->gz, &zerr);
                if (zerr != Z_OK && zerr != Z_STREAM_END)
                    return err_set(err, SIM_EINPUT, c->path,
                                   "line %ld: read error (%s)", c->lineno + 1,
                                   m);
                return 0;
            }
            break;
        }
        size_t got = strlen(c->line + len);
        /* gzgets copies NUL bytes too: the uncompressed offset says how
         * many bytes it really read, so a NUL in a line is an error rather
         * than a silently shortened or empty line */
        if (at >= 0 && gztell(c->gz) - at != (z_off_t)got)
            return err_set(err, SIM_EINPUT, c->path,
                           "line %ld: NUL byte in the line (a binary or "
                           "damaged file?)",
                           c->lineno + 1);
        len += got;
        if (len > 0 && c->line[len - 1] == '\n')
            break;
        if (c->cap - len > 1) /* a short read without newline: end of file */
            continue;
        if (c->cap >= AZ_MAX_LINE)
            return err_set(err, SIM_EINPUT, c->path,
                           "line %ld: longer than %u MB (not a trace line)",
                           c->lineno + 1, AZ_MAX_LINE >> 20);
        c->cap *= 2;
        c->line = xrealloc(c->line, c->cap);
    }
    c->lineno++;
    while (len > 0 && (c->line[len - 1] == '\n' || c->line[len - 1] == '\r'))
        c->line[--len] = '\0';
    /* a UTF-8 byte-order mark before the header is not part of it */
    if (c->lineno == 1 && strncmp(c->line, "\xEF\xBB\xBF", 3) == 0) {
        len -= 3;
        memmove(c->line, c->line + 3, len + 1);
    }
    c->len = len;
    return split_fields(c, err);
}

static int col_index(const Csv *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->f[i], name) == 0)
            return i;
    return -1;
}

static int need_col(const Csv *c, const char *name, int *out, Err *err)
{
    *out = col_index(c, name);
    if (*out < 0)
        return err_set(err, SIM_EINPUT, c->path,
                       "line 1: no column '%s' in the header", name);
    return 0;
}

static int header(Csv *c, Err *err)
{
    int rc = csv_next(c, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(err, SIM_EINPUT, c->path, "empty file (no header)");
    return 0;
}

static int check_width(const Csv *c, int width, Err *err)
{
    if (c->n != width)
        return err_set(err, SIM_EINPUT, c->path,
                       "line %ld: %d columns, the header has %d (truncated "
                       "row?)",
                       c->lineno, c->n, width);
    return 0;
}

/* ---- numbers --------------------------------------------------------- */

/* A plain decimal of at most 15 digits ("12", "0.25", ".5", "3."), the
 * durations' every field: its value in *out and 1, else 0 (then num's
 * strtod reads it, and words the error).  The same double as strtod: the
 * digits make an integer below 2^53, exact, and one division by an exact
 * power of ten rounds once, to nearest, as strtod does -- where doubles
 * are evaluated as doubles (FLT_EVAL_METHOD 0). */
static int plain_decimal(const char *s, double *out)
{
#if FLT_EVAL_METHOD == 0
    static const double pow10[16] = {1e0, 1e1,  1e2,  1e3,  1e4,  1e5,
                                     1e6, 1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15};
    uint64_t m = 0;
    int digits = 0, frac = -1; /* digits after the point, -1 before one */
    const char *p = s;
    for (;; p++) {
        if (*p >= '0' && *p <= '9') {
            if (++digits > 15)
                return 0;
            m = 10 * m + (uint64_t)(*p - '0');
            frac += frac >= 0;
        } else if (*p == '.' && frac < 0) {
            frac = 0;
        } else {
            break;
        }
    }
    if (*p != '\0' || digits == 0)
        return 0;
    *out = (double)m / pow10[frac > 0 ? frac : 0];
    return 1;
#else
    (void)s;
    (void)out;
    return 0;
#endif
}

static int num(const Csv *c, int col, const char *what, double *out, Err *err)
{
    if (plain_decimal(c->f[col], out))
        return 0;
    char *end;
    errno = 0;
    double v = strtod(c->f[col], &end);
    if (end == c->f[col] || *end != '\0' || errno != 0 || !isfinite(v) || v < 0)
        return err_set(err, SIM_EINPUT, c->path,
                       "line %ld, column %d (%s): '%s' is not a non-negative "
                       "number",
                       c->lineno, col + 1, what, c->f[col]);
    *out = v;
    return 0;
}

/* A count of one to nine plain digits, the trace's every field: its value
 * in *out and its length, else 0 (then count's strtoull decides, and
 * words the error). */
static int plain_count(const char *s, uint32_t *out)
{
    if (s[0] == '0' && s[1] == '\0') { /* most minutes of most functions */
        *out = 0;
        return 1;
    }
    uint32_t v = 0;
    int k = 0;
    for (; k < 9 && s[k] >= '0' && s[k] <= '9'; k++)
        v = 10 * v + (uint32_t)(s[k] - '0');
    if (k == 0 || s[k] != '\0' || v > AZ_MAX_MINUTE_COUNT)
        return 0;
    *out = v;
    return k;
}

static int count(const Csv *c, int col, uint32_t *out, Err *err)
{
    const char *s = c->f[col];
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || s[0] == '-' ||
        (errno != 0 && errno != ERANGE))
        return err_set(err, SIM_EINPUT, c->path,
                       "line %ld, column %d: invocation count '%s' is not a "
                       "non-negative integer",
                       c->lineno, col + 1, s);
    if (errno == ERANGE || v > AZ_MAX_MINUTE_COUNT)
        return err_set(err, SIM_EINPUT, c->path,
                       "line %ld, column %d: invocation count %s is over "
                       "%u in a minute (one function's minute would pass a "
                       "run's 10^9 arrivals)",
                       c->lineno, col + 1, s, AZ_MAX_MINUTE_COUNT);
    *out = (uint32_t)v;
    return 0;
}

/* ---- durations and memory -------------------------------------------- */

typedef struct Durations {
    KeyMap map;
    double (*pct)[NPCT];
    char *used;
    int32_t n;
} Durations;

static int read_durations(const char *path, Durations *d, Err *err)
{
    Csv c;
    int rc, ca, cf, cp[NPCT];
    memset(d, 0, sizeof *d);
    keymap_init(&d->map, 1024);
    size_t cap = 1024;
    d->pct = xmalloc(cap * sizeof *d->pct);
    if ((rc = csv_open(&c, path, err)) < 0)
        return rc;
    if ((rc = header(&c, err)) < 0 ||
        (rc = need_col(&c, "HashApp", &ca, err)) < 0 ||
        (rc = need_col(&c, "HashFunction", &cf, err)) < 0)
        goto done;
    for (int k = 0; k < NPCT; k++)
        if ((rc = need_col(&c, pct_col[k], &cp[k], err)) < 0)
            goto done;
    int width = c.n;
    while ((rc = csv_next(&c, err)) > 0) {
        if ((rc = check_width(&c, width, err)) < 0)
            goto done;
        if ((size_t)d->n == cap)
            d->pct = xrealloc(d->pct, (cap *= 2) * sizeof *d->pct);
        for (int k = 0; k < NPCT; k++)
            if ((rc = num(&c, cp[k], pct_col[k], &d->pct[d->n][k], err)) < 0)
                goto done;
        for (int k = 1; k < NPCT; k++)
            if (d->pct[d->n][k] < d->pct[d->n][k - 1]) {
                rc = err_set(err, SIM_EINPUT, path,
                             "line %ld: duration percentiles decrease (%s)",
                             c.lineno, pct_col[k]);
                goto done;
            }
        keymap_reserve(&d->map, (size_t)d->n + 1);
        keymap_put(&d->map, keymap_hash2(c.f[ca], c.f[cf]), d->n);
        d->n++;
    }
done:
    csv_close(&c);
    d->used = xcalloc((size_t)d->n + 1, 1);
    return rc < 0 ? rc : 0;
}

typedef struct Memory {
    KeyMap map;
    double *mb;
    int32_t n;
    int per_function;
} Memory;

static int read_memory(const char *path, Memory *m, Err *err)
{
    Csv c;
    int rc, ca, cf, cm;
    memset(m, 0, sizeof *m);
    keymap_init(&m->map, 1024);
    size_t cap = 1024;
    m->mb = xmalloc(cap * sizeof *m->mb);
    if ((rc = csv_open(&c, path, err)) < 0)
        return rc;
    if ((rc = header(&c, err)) < 0 ||
        (rc = need_col(&c, "HashApp", &ca, err)) < 0 ||
        (rc = need_col(&c, "AverageAllocatedMb", &cm, err)) < 0)
        goto done;
    cf = col_index(&c, "HashFunction");
    m->per_function = cf >= 0;
    int width = c.n;
    while ((rc = csv_next(&c, err)) > 0) {
        if ((rc = check_width(&c, width, err)) < 0)
            goto done;
        if ((size_t)m->n == cap)
            m->mb = xrealloc(m->mb, (cap *= 2) * sizeof *m->mb);
        if ((rc = num(&c, cm, "AverageAllocatedMb", &m->mb[m->n], err)) < 0)
            goto done;
        keymap_reserve(&m->map, (size_t)m->n + 1);
        keymap_put(&m->map,
                   cf >= 0 ? keymap_hash2(c.f[ca], c.f[cf])
                           : keymap_hash1(c.f[ca]),
                   m->n);
        m->n++;
    }
done:
    csv_close(&c);
    return rc < 0 ? rc : 0;
}

/* ---- invocations ----------------------------------------------------- */

static int is_int_header(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

typedef struct Staging { /* (minute, count) of every function, row order */
    uint32_t *min, *cnt;
    uint64_t n, cap;
    Names names; /* of every function with durations, as a->fn */
} Staging;

static int read_invocations(Az19 *a, const Durations *d, const Memory *mem,
                            Staging *sg, KeyMap *app_fns, Err *err)
{
    Csv c;
    int rc, ca, cf;
    int mcol[AZ_MAX_COLS];
    if ((rc = csv_open(&c, a->spec.invocations, err)) < 0)
        return rc;
    if ((rc = header(&c, err)) < 0 ||
        (rc = need_col(&c, "HashApp", &ca, err)) < 0 ||
        (rc = need_col(&c, "HashFunction", &cf, err)) < 0)
        goto done;
    a->n_min = 0;
    for (int i = 0; i < c.n; i++)
        if (is_int_header(c.f[i]))
            mcol[a->n_min++] = i;
    if (a->n_min == 0) {
        rc = err_set(err, SIM_EINPUT, a->spec.invocations,
                     "line 1: no minute columns (headers 1..1440)");
        goto done;
    }
    a->st.minutes = a->n_min;
    int adjacent = 1; /* the minute columns follow each other */
    for (uint32_t j = 1; j < a->n_min; j++)
        adjacent &= mcol[j] == mcol[0] + (int)j;
    int width = c.n;
    size_t fcap = 1024;
    a->fn = xmalloc(fcap * sizeof *a->fn);
    while ((rc = csv_next(&c, err)) > 0) {
        if ((rc = check_width(&c, width, err)) < 0)
            goto done;
        a->st.functions++;
        Fn f = {0};
        f.app = keymap_hash1(c.f[ca]);
        f.first = sg->n;
        const char *at = c.f[mcol[0]], *end = c.line + c.len + 1;
        for (uint32_t j = 0; j < a->n_min; j++) {
            /* four zero minutes at once ("0" and its NUL, four times) */
            while (adjacent && j + 4 <= a->n_min && end - at >= 8 &&
                   memcmp(at, "0\0" "0\0" "0\0" "0\0", 8) == 0) {
                j += 4;
                at += 8;
            }
            if (j == a->n_min)
                break;
            /* adjacent minute columns: the field after the last one's NUL */
            const char *s = adjacent ? at : c.f[mcol[j]];
            uint32_t v = 0;
            int len = plain_count(s, &v);
            if (len == 0) {
                if ((rc = count(&c, mcol[j], &v, err)) < 0)
                    goto done;
                len = (int)strlen(s);
            }
            at = s + len + 1;
            if (v == 0)
                continue;
            if (sg->n == sg->cap) {
                sg->cap = sg->cap ? 2 * sg->cap : 4096;
                sg->min = xrealloc(sg->min, sg->cap * sizeof *sg->min);
                sg->cnt = xrealloc(sg->cnt, sg->cap * sizeof *sg->cnt);
            }
            sg->min[sg->n] = j;
            sg->cnt[sg->n++] = v;
            f.total += v;
            f.n_entries++;
        }
        int32_t di = keymap_get(&d->map, keymap_hash2(c.f[ca], c.f[cf]));
        if (di < 0) { /* join loss: no service time for it */
            a->st.no_duration++;
            a->st.no_duration_invocations += f.total;
            sg->n = f.first;
            continue;
        }
        d->used[di] = 1;
        memcpy(f.pct_ms, d->pct[di], sizeof f.pct_ms);
        f.memory_mb = -1;
        if (mem->mb != NULL) {
            int32_t mi = keymap_get(
                &mem->map,
                mem->per_function ? keymap_hash2(c.f[ca], c.f[cf]) : f.app);
            f.memory_mb = mi >= 0 ? mem->mb[mi] : -1;
        }
        if ((size_t)a->n_fn == fcap)
            a->fn = xrealloc(a->fn, (fcap *= 2) * sizeof *a->fn);
        a->fn[a->n_fn++] = f;
        names_add(&sg->names, c.f[ca], c.f[cf]);
        /* functions per app, for splitting an app's memory */
        int32_t k = keymap_get(app_fns, f.app);
        keymap_reserve(app_fns, (size_t)a->n_fn);
        keymap_put(app_fns, f.app, k < 0 ? 1 : k + 1);
    }
done:
    csv_close(&c);
    return rc < 0 ? rc : 0;
}

/* ---- sampling -------------------------------------------------------- */

/* A function's rank key: qsort has no context argument, and readers are
 * opened concurrently by sweep cells, so the key travels with the index. */
/* Chosen function indices, ascending (file order): *n of them. */
static int *choose(const Az19 *a, int *n)
{
    uint64_t *totals = xmalloc(((size_t)a->n_fn + 1) * sizeof *totals);
    for (int i = 0; i < a->n_fn; i++)
        totals[i] = a->fn[i].total;
    int *idx = sample_functions(totals, a->n_fn, a->spec.sample,
                                a->spec.sample_n, a->spec.sample_seed, n);
    free(totals);
    return idx;
}

/* Keeps the chosen functions and builds the by-minute rows. */
static void build(Az19 *a, const Staging *sg, const KeyMap *app_fns)
{
    int n;
    int *idx = choose(a, &n);
    Fn *kept = xmalloc(((size_t)n + 1) * sizeof *kept);
    a->min_start = xcalloc((size_t)a->n_min + 1, sizeof *a->min_start);
    uint64_t nnz = 0;
    for (int i = 0; i < n; i++) {
        const Fn *f = &a->fn[idx[i]];
        for (uint32_t e = 0; e < f->n_entries; e++)
            a->min_start[sg->min[f->first + e] + 1]++;
        nnz += f->n_entries;
    }
    for (uint32_t m = 0; m < a->n_min; m++)
        a->min_start[m + 1] += a->min_start[m];
    a->e_fn = xmalloc((nnz + 1) * sizeof *a->e_fn);
    a->e_cnt = xmalloc((nnz + 1) * sizeof *a->e_cnt);
    uint64_t *fill = xmalloc(((size_t)a->n_min + 1) * sizeof *fill);
    memcpy(fill, a->min_start, a->n_min * sizeof *fill);
    for (int i = 0; i < n; i++) {
        Fn f = a->fn[idx[i]];
        for (uint32_t e = 0; e < f.n_entries; e++) {
            uint32_t m = sg->min[f.first + e];
            a->e_fn[fill[m]] = (uint32_t)i;
            a->e_cnt[fill[m]++] = sg->cnt[f.first + e];
        }
        const char *app, *id;
        names_get(&sg->names, (size_t)idx[i], &app, &id);
        names_add(&a->names, app, id);
        if (f.memory_mb < 0) {
            a->st.no_memory++;
            f.memory_mb = 0;
        } else if (!a->spec.memory[0]) {
            f.memory_mb = 0;
        }
        kept[i] = f;
    }
    /* an app's memory is shared by its functions (per-app memory file) */
    for (int i = 0; i < n; i++) {
        int32_t k = keymap_get(app_fns, kept[i].app);
        if (k > 1)
            kept[i].memory_mb /= k;
    }
    free(fill);
    free(idx);
    free(a->fn);
    a->fn = kept;
    a->n_fn = n;
    a->st.kept = (uint64_t)n;
}

/* The trace's resolution is a minute, so the window is too: minute m is
 * replayed iff it starts in [start_s, end_s); these are minutes
 * [first_min, end_min). */
/* The first minute starting at or after s, at most n_min (clamped as a
 * double: casting a huge one to uint32_t is undefined). */
static uint32_t minute_from(double s, uint32_t n_min)
{
    double m = ceil(s / 60.0);
    if (!(m > 0))
        return 0;
    return m < (double)n_min ? (uint32_t)m : n_min;
}

static void window_minutes(Az19 *a)
{
    double end = a->spec.end_s > 0 ? a->spec.end_s : 60.0 * a->n_min;
    a->first_min = minute_from(a->spec.start_s, a->n_min);
    a->end_min = minute_from(end, a->n_min);
    for (uint32_t m = a->first_min; m < a->end_min; m++)
        for (uint64_t e = a->min_start[m]; e < a->min_start[m + 1]; e++)
            a->st.invocations += a->e_cnt[e];
}

Az19 *az19_open(const Az19Spec *spec, Err *err)
{
    Az19 *a = xcalloc(1, sizeof *a);
    a->spec = *spec;
    Durations d;
    Memory mem = {0};
    Staging sg = {0};
    KeyMap app_fns;
    keymap_init(&app_fns, 1024);
    int rc = read_durations(spec->durations, &d, err);
    if (rc == 0 && spec->memory[0])
        rc = read_memory(spec->memory, &mem, err);
    if (rc == 0)
        rc = read_invocations(a, &d, &mem, &sg, &app_fns, err);
    if (rc == 0) {
        for (int32_t i = 0; i < d.n; i++)
            a->st.durations_unused += !d.used[i];
        build(a, &sg, &app_fns);
        window_minutes(a);
        a->cur = a->first_min;
    }
    keymap_free(&d.map);
    free(d.pct);
    free(d.used);
    keymap_free(&mem.map);
    free(mem.mb);
    free(sg.min);
    free(sg.cnt);
    names_free(&sg.names);
    keymap_free(&app_fns);
    if (rc < 0) {
        az19_close(a);
        return NULL;
    }
    return a;
}

const Az19Stats *az19_stats(const Az19 *a)
{
    return &a->st;
}

size_t az19_buffer_capacity(const Az19 *a)
{
    return a->buf_cap > a->tmp_cap ? a->buf_cap : a->tmp_cap;
}

double az19_memory_mb(const Az19 *a, int fn)
{
    return a->fn[fn].memory_mb;
}

void az19_function_names(const Az19 *a, int fn, const char **app,
                         const char **id)
{
    if (fn < 0 || (size_t)fn >= names_count(&a->names)) { /* none kept */
        *app = "";
        *id = NULL;
        return;
    }
    names_get(&a->names, (size_t)fn, app, id);
}

void az19_close(Az19 *a)
{
    if (a == NULL)
        return;
    free(a->fn);
    free(a->min_start);
    free(a->e_fn);
    free(a->e_cnt);
    free(a->buf);
    free(a->rem);
    free(a->tmp);
    free(a->radix_count);
    names_free(&a->names);
    free(a);
}

/* ---- the stream ------------------------------------------------------ */

static int by_time(const void *pa, const void *pb)
{
    const Arr *a = pa, *b = pb;
    if (a->t_s != b->t_s)
        return a->t_s < b->t_s ? -1 : 1;
    return (a->fn > b->fn) - (a->fn < b->fn);
}

static void push(Az19 *a, double t, uint32_t fn)
{
    if (a->buf_n == a->buf_cap) {
        a->buf_cap = a->buf_cap ? 2 * a->buf_cap : 1024;
        a->buf = xrealloc(a->buf, a->buf_cap * sizeof *a->buf);
    }
    a->buf[a->buf_n++] = (Arr){t, fn};
}

static uint64_t time_bits(const Arr *x)
{
    uint64_t k;
    memcpy(&k, &x->t_s, sizeof k); /* t >= 0: the bits order like the value */
    return k;
}

/* The coarse key of x: its time's bits above `shift`, less lo's. */
static uint32_t coarse_key(const Arr *x, uint64_t lo, int shift)
{
    return (uint32_t)((time_bits(x) - lo) >> shift);
}

/* Stable insertion sort by time, for the short runs. */
static void insertion_by_time(Arr *b, size_t n)
{
    for (size_t p = 1; p < n; p++) {
        Arr x = b[p];
        uint64_t k = time_bits(&x);
        size_t q = p;
        for (; q > 0 && time_bits(&b[q - 1]) > k; q--)
            b[q] = b[q - 1];
        b[q] = x;
    }
}

/* Sorts the minute's arrivals by (time, function).  They were made in
 * function order, so a stable sort by time alone is enough.  The times'
 * bits order like the times (t >= 0); a slice's span of bits is cut to a
 * 22-bit coarse key, (bits - lowest) >> shift, and an LSD radix sort on
 * it -- two 11-bit passes, each one read and one write, a pass skipped
 * where every key has the same digit -- leaves the arrivals in coarse
 * order, made order within a key.  Each run of one coarse key is then
 * sorted by its times: by insertion (stable) up to FINE_RUN, by qsort on
 * (time, function) beyond -- the same order, as the run is in function
 * order.  Runs are a few arrivals (a slice has at most ~2^20 over 2^22
 * keys) but for equal times, which insertion leaves in place.  Small
 * minutes use qsort. */
static void sort_by_time(Az19 *a)
{
    size_t n = a->buf_n;
    if (n < 2)
        return; /* also keeps qsort away from a NULL buffer */
    if (n < 256) {
        qsort(a->buf, n, sizeof *a->buf, by_time);
        return;
    }
    if (a->tmp_cap < n) {
        a->tmp_cap = a->buf_cap;
        a->tmp = xrealloc(a->tmp, a->tmp_cap * sizeof *a->tmp);
    }
    if (a->radix_count == NULL)
        a->radix_count = xmalloc(RADIX_DIGITS * sizeof *a->radix_count);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = time_bits(&a->buf[i]);
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    int shift = 0;
    while (((hi - lo) >> shift) >> (RADIX_DIGITS * RADIX_BITS) != 0)
        shift++;
    size_t(*count)[RADIX_SIZE] = a->radix_count;
    memset(count, 0, RADIX_DIGITS * sizeof *count);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = coarse_key(&a->buf[i], lo, shift);
        count[0][k & (RADIX_SIZE - 1)]++;
        count[1][k >> RADIX_BITS]++;
    }
    uint32_t k0 = coarse_key(&a->buf[0], lo, shift);
    Arr *src = a->buf, *dst = a->tmp;
    for (int d = 0; d < RADIX_DIGITS; d++) {
        int dshift = d * RADIX_BITS;
        size_t *c = count[d];
        if (c[(k0 >> dshift) & (RADIX_SIZE - 1)] == n)
            continue; /* every key has this digit */
        size_t pos = 0;
        for (unsigned b = 0; b < RADIX_SIZE; b++) {
            size_t m = c[b];
            c[b] = pos;
            pos += m;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(coarse_key(&src[i], lo, shift) >> dshift) &
                  (RADIX_SIZE - 1)]++] = src[i];
        Arr *t = src;
        src = dst;
        dst = t;
    }
    if (src != a->buf) { /* the result is in tmp: swap the buffers */
        a->tmp = a->buf;
        a->buf = src;
        size_t c = a->tmp_cap;
        a->tmp_cap = a->buf_cap;
        a->buf_cap = c;
    }
    for (size_t i = 0, j; i < n; i = j) { /* each run of one coarse key */
        uint32_t k = coarse_key(&a->buf[i], lo, shift);
        for (j = i + 1; j < n && coarse_key(&a->buf[j], lo, shift) == k; j++)
            ;
        if (j - i <= FINE_RUN)
            insertion_by_time(a->buf + i, j - i);
        else
            qsort(a->buf + i, j - i, sizeof *a->buf, by_time);
    }
}

/* Starts minute m: its slices (AZ_SLICE_ARRIVALS arrivals each, or the
 * whole minute), and for uniform spacing every entry's count to place. */
static void begin_minute(Az19 *a, uint32_t m)
{
    uint64_t total = 0, e0 = a->min_start[m], e1 = a->min_start[m + 1];
    for (uint64_t e = e0; e < e1; e++)
        total += a->e_cnt[e];
    uint64_t n = (total + AZ_SLICE_ARRIVALS - 1) / AZ_SLICE_ARRIVALS;
    a->n_slices = n > 1 ? (uint32_t)n : 1; /* <= 10^9 x 10^5 / 2^20 */
    a->slice = 0;
    if (a->spec.spacing != AZ_UNIFORM || a->n_slices == 1)
        return;
    if (a->rem_cap < e1 - e0) {
        a->rem_cap = e1 - e0;
        a->rem = xrealloc(a->rem, a->rem_cap * sizeof *a->rem);
    }
    for (uint64_t e = e0; e < e1; e++)
        a->rem[e - e0] = a->e_cnt[e];
}

/* The first k in [0, c] whose equidistant offset (k + 1/2) 60 / c is at or
 * after lo seconds: found from the estimate and corrected with the very
 * expression the arrivals use, so consecutive slices share their
 * boundaries exactly. */
static uint32_t first_at_or_after(double lo, uint32_t c)
{
    double est = floor(lo * c / 60.0 - 0.5);
    uint32_t k = est > 0 ? (est < c ? (uint32_t)est : c) : 0;
    while (k > 0 && (k - 1 + 0.5) * 60.0 / c >= lo)
        k--;
    while (k < c && (k + 0.5) * 60.0 / c < lo)
        k++;
    return k;
}

/* Makes the arrivals of the current minute's next slice, [lo, hi) seconds
 * into it, sorted.  A minute of at most AZ_SLICE_ARRIVALS arrivals is one
 * slice, made exactly as a whole minute was before slices: counts and
 * offsets come from the same draws in the same order.  Of more, the slice
 * s of S gets:
 *   equidistant  the k with (k + 1/2) 60 / c in [lo, hi);
 *   uniform      Binomial(left, (hi - lo) / (60 - lo)) of the entry's
 *                arrivals not yet placed (all of them in the last slice),
 *                uniform in the slice: the c uniforms of the minute,
 *                counted slice by slice;
 *   poisson      Poisson(c (hi - lo) / 60), uniform in the slice.
 * A slice holds about total / S <= AZ_SLICE_ARRIVALS arrivals, plus one
 * per function and slice for equidistant spacing. */
static void expand_slice(Az19 *a, gsl_rng *r)
{
    uint32_t m = a->cur, s = a->slice++, S = a->n_slices;
    uint64_t e0 = a->min_start[m], e1 = a->min_start[m + 1];
    double m0 = 60.0 * m;
    double lo = 60.0 * s / S, hi = s + 1 == S ? 60.0 : 60.0 * (s + 1) / S;
    a->buf_n = a->buf_i = 0;
    for (uint64_t e = e0; e < e1; e++) {
        uint32_t c = a->e_cnt[e], fn = a->e_fn[e];
        if (a->spec.spacing == AZ_EQUIDISTANT) {
            uint32_t k0 = s == 0 ? 0 : first_at_or_after(lo, c);
            uint32_t k1 = s + 1 == S ? c : first_at_or_after(hi, c);
            for (uint32_t k = k0; k < k1; k++)
                push(a, m0 + (k + 0.5) * 60.0 / c, fn);
            continue;
        }
        uint32_t n;
        if (a->spec.spacing == AZ_POISSON)
            n = gsl_ran_poisson(r, S == 1 ? c : c * ((hi - lo) / 60.0));
        else if (S == 1)
            n = c;
        else if (s + 1 == S)
            n = a->rem[e - e0];
        else {
            n = gsl_ran_binomial(r, (hi - lo) / (60.0 - lo), a->rem[e - e0]);
            a->rem[e - e0] -= n;
        }
        for (uint32_t k = 0; k < n; k++)
            push(a, m0 + (lo + (hi - lo) * gsl_rng_uniform(r)), fn);
    }
    sort_by_time(a);
}

/* The duration at quantile u in [0, 1): linear between the percentiles
 * around u.  The segment k is the first with u <= pct_p[k], found by
 * counting the percentiles below u -- no branch to mispredict for each
 * request, the same k and the same arithmetic as a search. */
static double draw_ms(const Fn *f, double u)
{
    int k = 1;
    for (int j = 1; j < NPCT - 1; j++)
        k += u > pct_p[j];
    if (u > pct_p[NPCT - 1])
        return f->pct_ms[NPCT - 1];
    double w = (u - pct_p[k - 1]) / (pct_p[k] - pct_p[k - 1]);
    return f->pct_ms[k - 1] + w * (f->pct_ms[k] - f->pct_ms[k - 1]);
}

int az19_next(Az19 *a, gsl_rng *r, double *t_s, double *dur_s, int *fn)
{
    while (a->buf_i == a->buf_n) {
        if (a->slice == a->n_slices) { /* the minute is done: the next */
            if (a->started)
                a->cur++;
            a->started = 1;
            if (a->cur >= a->end_min)
                return 0;
            begin_minute(a, a->cur);
        }
        expand_slice(a, r);
    }
    if (a->buf_i + AZ_PREFETCH_AHEAD < a->buf_n) { /* its function, soon */
        const Fn *soon = &a->fn[a->buf[a->buf_i + AZ_PREFETCH_AHEAD].fn];
        PREFETCH(soon->pct_ms);
        PREFETCH(&soon->pct_ms[NPCT - 1]);
    }
    const Arr *x = &a->buf[a->buf_i++];
    *t_s = (x->t_s - 60.0 * a->first_min) * a->spec.time_scale;
    *fn = (int)x->fn;
    *dur_s = draw_ms(&a->fn[x->fn], gsl_rng_uniform(r)) * 1e-3;
    return 1;
}

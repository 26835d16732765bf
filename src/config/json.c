/*
 * json.c - validated getters over cJSON (see json.h).
 */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

#define JSON_MAX_FILE_BYTES (64L << 20)

static void line_col(const char *text, const char *at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at && *p; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

int json_parse_text(const char *name, const char *text, cJSON **root,
                    Err *err)
{
    const char *end = NULL;
    *root = cJSON_ParseWithOpts(text, &end, 1);
    if (*root == NULL) {
        int line, col;
        const char *at = end != NULL ? end : text;
        line_col(text, at, &line, &col);
        char where[300];
        snprintf(where, sizeof where, "%s:%d:%d", name, line, col);
        char near[24] = "";
        size_t k = 0;
        for (const char *p = at; *p && *p != '\n' && k < 16; p++)
            near[k++] = *p;
        near[k] = '\0';
        if (*at == '\0')
            return err_set(err, SIM_EINPUT, where,
                           "JSON syntax error: unexpected end of file");
        return err_set(err, SIM_EINPUT, where,
                       "JSON syntax error near '%s'", near);
    }
    return 0;
}

int json_load_file(const char *file, cJSON **root, char **text, Err *err)
{
    int rc = err_if_directory(err, file, "JSON file");
    if (rc < 0)
        return rc;
    FILE *fp = fopen(file, "rb");
    if (fp == NULL)
        return err_set(err, SIM_EINPUT, file, "cannot open: %s",
                       strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0) {
        fclose(fp);
        return err_set(err, SIM_EINPUT, file, "cannot read (not a file?)");
    }
    long size = ftell(fp);
    if (size < 0 || size > JSON_MAX_FILE_BYTES) {
        fclose(fp);
        return err_set(err, SIM_EINPUT, file,
                       size < 0 ? "cannot read (not a file?)"
                                : "too large for a JSON input (over 64 MB)");
    }
    rewind(fp);
    char *buf = xmalloc((size_t)size + 1);
    size_t got = fread(buf, 1, (size_t)size, fp);
    fclose(fp);
    if (got != (size_t)size) {
        free(buf);
        return err_set(err, SIM_EINPUT, file, "read failed");
    }
    buf[size] = '\0';
    if (strlen(buf) != (size_t)size) {
        free(buf);
        return err_set(err, SIM_EINPUT, file,
                       "contains a NUL byte: not a JSON text file");
    }
    rc = json_parse_text(file, buf, root, err);
    if (rc < 0 || text == NULL)
        free(buf);
    else
        *text = buf;
    return rc;
}

void json_file_stem(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    if (n >= size)
        n = size - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

const char *json_path_key(char *buf, size_t size, const char *path,
                          const char *key)
{
    if (path == NULL || path[0] == '\0')
        snprintf(buf, size, "%s", key);
    else
        snprintf(buf, size, "%s.%s", path, key);
    return buf;
}

const char *json_path_index(char *buf, size_t size, const char *path, int i)
{
    snprintf(buf, size, "%s[%d]", path, i);
    return buf;
}

static int jerr(const JCtx *c, const char *path, const char *fmt,
                const char *a, const char *b)
{
    char where[256], msg[400];
    snprintf(where, sizeof where, "%s: %s", c->file,
             path && path[0] ? path : "(top level)");
    snprintf(msg, sizeof msg, fmt, a, b);
    return err_set(c->err, SIM_EINPUT, where, "%s", msg);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return la > lb ? la : lb;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            size_t m = sub < del ? sub : del;
            d[i][j] = m < ins ? m : ins;
        }
    return d[la][lb];
}

const char *json_nearest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int i = 0; names[i] != NULL; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}

static const char *type_name(const cJSON *v)
{
    if (v == NULL)
        return "nothing";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an unknown value";
}

int json_expect_object(const JCtx *c, const cJSON *v, const char *path)
{
    if (!cJSON_IsObject(v))
        return jerr(c, path, "expected an object, got %s%s", type_name(v),
                    "");
    return 0;
}

int json_check_unique_key(const JCtx *c, const cJSON *obj,
                          const cJSON *it, const char *p)
{
    for (const cJSON *jt = obj->child; jt != it; jt = jt->next)
        if (strcmp(jt->string, it->string) == 0)
            return jerr(c, p, "duplicate key '%s'%s", it->string, "");
    return 0;
}

int json_check_keys(const JCtx *c, const cJSON *obj, const char *path,
                    const char *const *allowed)
{
    for (const cJSON *it = obj->child; it != NULL; it = it->next) {
        int ok = 0;
        for (int i = 0; allowed[i] != NULL; i++)
            if (strcmp(it->string, allowed[i]) == 0)
                ok = 1;
        char p[256];
        json_path_key(p, sizeof p, path, it->string);
        if (!ok)
            return jerr(c, p, "unknown key '%s' (did you mean '%s'?)",
                        it->string, json_nearest(it->string, allowed));
        int rc = json_check_unique_key(c, obj, it, p);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int json_num(const JCtx *c, const cJSON *obj, const char *path,
             const char *key, int required, double def, JNumRule rule,
             double *out)
{
    char p[256];
    json_path_key(p, sizeof p, path, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        if (required)
            return jerr(c, p, "missing (a number is required)%s%s", "", "");
        *out = def;
        return 0;
    }
    if (!cJSON_IsNumber(v))
        return jerr(c, p, "expected a number, got %s%s", type_name(v), "");
    double x = v->valuedouble;
    if (!isfinite(x))
        return jerr(c, p, "must be a finite number (got %s)%s",
                    isnan(x) ? "NaN" : "infinity", "");
    char got[64];
    snprintf(got, sizeof got, "%.17g", x);
    if (rule == JNUM_POSITIVE && !(x > 0))
        return jerr(c, p, "must be > 0 (got %s)%s", got, "");
    if (rule == JNUM_NONNEGATIVE && !(x >= 0))
        return jerr(c, p, "must be >= 0 (got %s)%s", got, "");
    *out = x;
    return 0;
}

int json_int_value(const JCtx *c, const cJSON *v, const char *path,
                   long long min, long long max, long long *out)
{
    if (!cJSON_IsNumber(v))
        return jerr(c, path, "expected an integer, got %s%s", type_name(v),
                    "");
    double x = v->valuedouble;
    char got[64];
    snprintf(got, sizeof got, "%.17g", x);
    if (!isfinite(x) || x != floor(x))
        return jerr(c, path, "expected an integer (got %s)%s", got, "");
    /* the range is checked on the double, before any cast: converting a
     * double outside long long's range (1e300) is undefined behaviour */
    if (x < (double)min || x > (double)max) {
        char range[96];
        snprintf(range, sizeof range, "%lld..%lld", min, max);
        return jerr(c, path, "must be in %s (got %s)", range, got);
    }
    *out = (long long)x;
    return 0;
}

int json_int(const JCtx *c, const cJSON *obj, const char *path,
             const char *key, int required, long long def, long long min,
             long long max, long long *out)
{
    char p[256];
    json_path_key(p, sizeof p, path, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        if (required)
            return jerr(c, p, "missing (an integer is required)%s%s", "", "");
        *out = def;
        return 0;
    }
    return json_int_value(c, v, p, min, max, out);
}

int json_bool(const JCtx *c, const cJSON *obj, const char *path,
              const char *key, int def, int *out)
{
    char p[256];
    json_path_key(p, sizeof p, path, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        *out = def;
        return 0;
    }
    if (!cJSON_IsBool(v))
        return jerr(c, p, "expected true or false, got %s%s", type_name(v),
                    "");
    *out = cJSON_IsTrue(v);
    return 0;
}

int json_str(const JCtx *c, const cJSON *obj, const char *path,
             const char *key, int required, const char *def, char *out,
             size_t size)
{
    char p[256];
    json_path_key(p, sizeof p, path, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    const char *s = def;
    if (v == NULL) {
        if (required)
            return jerr(c, p, "missing (a string is required)%s%s", "", "");
    } else if (!cJSON_IsString(v)) {
        return jerr(c, p, "expected a string, got %s%s", type_name(v), "");
    } else {
        s = v->valuestring;
    }
    if (s == NULL)
        s = "";
    if (strlen(s) >= size) {
        char lim[32];
        snprintf(lim, sizeof lim, "%zu", size - 1);
        return jerr(c, p, "too long (at most %s characters)%s", lim, "");
    }
    if (s != out) /* the default may be the output itself */
        memmove(out, s, strlen(s) + 1);
    return 0;
}

int json_dist(const JCtx *c, const cJSON *v, const char *path, Dist *out)
{
    static const char *const kinds[] = {"constant", "exponential",
                                        "lognormal", "empirical", NULL};
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = json_expect_object(c, v, path)) < 0)
        return rc;
    char kind[32];
    if ((rc = json_str(c, v, path, "dist", 1, NULL, kind, sizeof kind)) < 0)
        return rc;
    char p[256];
    json_path_key(p, sizeof p, path, "dist");
    double ms = 0;
    if (strcmp(kind, "constant") == 0) {
        static const char *const keys[] = {"dist", "value_ms", "source", NULL};
        if ((rc = json_check_keys(c, v, path, keys)) < 0 ||
            (rc = json_num(c, v, path, "value_ms", 1, 0, JNUM_NONNEGATIVE,
                           &ms)) < 0)
            return rc;
        out->kind = DIST_CONSTANT;
        out->a_s = ms * 1e-3;
    } else if (strcmp(kind, "exponential") == 0) {
        static const char *const keys[] = {"dist", "mean_ms", "source", NULL};
        if ((rc = json_check_keys(c, v, path, keys)) < 0 ||
            (rc = json_num(c, v, path, "mean_ms", 1, 0, JNUM_POSITIVE, &ms)) <
                0)
            return rc;
        out->kind = DIST_EXPONENTIAL;
        out->a_s = ms * 1e-3;
    } else if (strcmp(kind, "lognormal") == 0) {
        static const char *const keys[] = {"dist", "median_ms", "sigma",
                                           "source", NULL};
        if ((rc = json_check_keys(c, v, path, keys)) < 0 ||
            (rc = json_num(c, v, path, "median_ms", 1, 0, JNUM_POSITIVE,
                           &ms)) < 0 ||
            (rc = json_num(c, v, path, "sigma", 1, 0, JNUM_NONNEGATIVE,
                           &out->sigma)) < 0)
            return rc;
        out->kind = DIST_LOGNORMAL;
        out->a_s = ms * 1e-3;
    } else if (strcmp(kind, "empirical") == 0) {
        static const char *const keys[] = {"dist", "quantiles_ms", "source",
                                           NULL};
        if ((rc = json_check_keys(c, v, path, keys)) < 0)
            return rc;
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(v, "quantiles_ms");
        json_path_key(p, sizeof p, path, "quantiles_ms");
        int n = cJSON_GetArraySize(q);
        if (!cJSON_IsArray(q) || n < 2 || n > DIST_MAX_QUANTILES)
            return jerr(c, p,
                        "expected an array of 2 to 65 quantile values "
                        "(p = 0 .. 1, equally spaced)%s%s",
                        "", "");
        out->kind = DIST_EMPIRICAL;
        out->nq = n;
        for (int i = 0; i < n; i++) {
            const cJSON *e = cJSON_GetArrayItem(q, i);
            char pi[256];
            json_path_index(pi, sizeof pi, p, i);
            if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble) ||
                e->valuedouble < 0)
                return jerr(c, pi, "expected a number >= 0%s%s", "", "");
            out->q_s[i] = e->valuedouble * 1e-3;
            if (i > 0 && out->q_s[i] < out->q_s[i - 1])
                return jerr(c, pi, "quantiles must not decrease%s%s", "", "");
        }
    } else {
        return jerr(c, p, "unknown distribution '%s' (did you mean '%s'?)",
                    kind, json_nearest(kind, kinds));
    }
    return 0;
}

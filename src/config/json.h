/*
 * json.h - reading validated values out of cJSON trees, with JSON paths.
 *
 * Every getter takes the path of the object it reads from ("alternatives[1]")
 * and reports errors as "<file>: <path>.<key>: <problem>", one line, through
 * err_set().  Objects are checked for unknown keys first; an unknown key is
 * named together with the nearest valid one (edit distance), because a typo
 * silently ignored is the worst kind of simulator bug.  cJSON never leaves
 * src/config/.
 */
#ifndef SIM_CONFIG_JSON_H
#define SIM_CONFIG_JSON_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "../core/dist.h"
#include "../util/err.h"

typedef struct JCtx {
    const char *file; /* for messages */
    Err *err;
} JCtx;

/* Reads and parses a JSON file.  Syntax errors give file:line:column.
 * On success *root is owned by the caller (cJSON_Delete) and, if text is
 * not NULL, *text is the file's contents (free()). */
int json_load_file(const char *file, cJSON **root, char **text, Err *err);

/* Parses JSON text held in memory; `name` is used in messages. */
int json_parse_text(const char *name, const char *text, cJSON **root,
                    Err *err);

/* The file name of `path` without its folder and its ".json" ending
 * (names results/<name>/ by default). */
void json_file_stem(const char *path, char *out, size_t size);

/* Joins a path and a key or index into buf. */
const char *json_path_key(char *buf, size_t size, const char *path,
                          const char *key);
const char *json_path_index(char *buf, size_t size, const char *path, int i);

/* Fails when member `it` of obj repeats the key of an earlier member
 * (the error names path p, the member's). */
int json_check_unique_key(const JCtx *c, const cJSON *obj,
                          const cJSON *it, const char *p);

/* Fails on a key not in `allowed` (NULL-terminated) or a duplicate key. */
int json_check_keys(const JCtx *c, const cJSON *obj, const char *path,
                    const char *const *allowed);

/* The nearest of `names` to `word` by edit distance. */
const char *json_nearest(const char *word, const char *const *names);

/* Fails unless obj is an object / array. */
int json_expect_object(const JCtx *c, const cJSON *v, const char *path);

typedef enum JNumRule {
    JNUM_ANY = 0,
    JNUM_POSITIVE,     /* > 0 */
    JNUM_NONNEGATIVE,  /* >= 0 */
} JNumRule;

/* Numbers: absent -> *out = def (or an error when required).  NaN and
 * infinities (1e999) are always rejected. */
int json_num(const JCtx *c, const cJSON *obj, const char *path,
             const char *key, int required, double def, JNumRule rule,
             double *out);
/* An integer in [min, max].  Every integer-valued key is read through
 * these two, which check the range on the double before casting (1e300,
 * -1, 2.5 and 1e999 are one-line errors, never an undefined conversion);
 * |min| and |max| must be below 2^53, where doubles are still exact.
 * json_int_value reads a value already found (an array element), named
 * `path` in messages. */
int json_int_value(const JCtx *c, const cJSON *v, const char *path,
                   long long min, long long max, long long *out);
int json_int(const JCtx *c, const cJSON *obj, const char *path,
             const char *key, int required, long long def, long long min,
             long long max, long long *out);
int json_bool(const JCtx *c, const cJSON *obj, const char *path,
              const char *key, int def, int *out);
/* A string that fits in `size` bytes (NUL included). */
int json_str(const JCtx *c, const cJSON *obj, const char *path,
             const char *key, int required, const char *def, char *out,
             size_t size);

/* A duration distribution: {"dist": "lognormal", "median_ms": .., "sigma":
 * ..} and the other kinds of core/dist.h, in milliseconds. */
int json_dist(const JCtx *c, const cJSON *v, const char *path, Dist *out);

#endif

/*
 * names.h - the identifiers of a trace's functions, kept for output.
 *
 * Entry i is a pair of strings (an app and a function, as the trace spells
 * them).  The strings sit back to back in one growing block, with one
 * offset per entry: no allocation per name, and nothing beside the
 * replay's hot per-function records, which are read for every arrival while
 * names are read once, for functions.csv.  The readers hold the names of
 * the functions they replay only (a sample of 400 of the 2019 trace's
 * 50,000 functions holds 400 pairs, ~52 KB with its 64-hex-digit hashes).
 */
#ifndef SIM_UTIL_NAMES_H
#define SIM_UTIL_NAMES_H

#include <stddef.h>

typedef struct Names {
    char *s;        /* "app\0function\0" per entry */
    size_t n, cap;  /* bytes used, allocated */
    size_t *at;     /* [entry] offset of its app in s */
    size_t n_at, cap_at;
} Names;

/* Appends the pair (app, fn) as entry names_count(nm); copies both. */
void names_add(Names *nm, const char *app, const char *fn);

size_t names_count(const Names *nm);

/* Entry i's strings: views valid until the next names_add or names_free. */
void names_get(const Names *nm, size_t i, const char **app, const char **fn);

/* Frees the block; the Names is then empty (and may be reused). */
void names_free(Names *nm);

#endif

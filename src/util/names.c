/*
 * names.c - pairs of identifiers in one block (see names.h).
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void names_add(Names *nm, const char *app, const char *fn)
{
    size_t la = strlen(app) + 1, lf = strlen(fn) + 1;
    while (nm->n + la + lf > nm->cap) {
        nm->cap = nm->cap ? 2 * nm->cap : 4096;
        nm->s = xrealloc(nm->s, nm->cap);
    }
    if (nm->n_at == nm->cap_at) {
        nm->cap_at = nm->cap_at ? 2 * nm->cap_at : 256;
        nm->at = xrealloc(nm->at, nm->cap_at * sizeof *nm->at);
    }
    nm->at[nm->n_at++] = nm->n;
    memcpy(nm->s + nm->n, app, la);
    memcpy(nm->s + nm->n + la, fn, lf);
    nm->n += la + lf;
}

size_t names_count(const Names *nm) { return nm->n_at; }

void names_get(const Names *nm, size_t i, const char **app, const char **fn)
{
    *app = nm->s + nm->at[i];
    *fn = *app + strlen(*app) + 1;
}

void names_free(Names *nm)
{
    free(nm->s);
    free(nm->at);
    memset(nm, 0, sizeof *nm);
}

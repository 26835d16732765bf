/*
 * pool.c - chunked free list (see pool.h).
 */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define POOL_LINE 64 /* bytes in a cache line */

void pool_init(Pool *p, size_t elem_size, size_t per_chunk)
{
    memset(p, 0, sizeof *p);
    if (elem_size < sizeof(void *))
        elem_size = sizeof(void *);
    /* keep every object 8-byte aligned, and one of a line or more on a
     * line of its own: it then spans the fewest lines, and a prefetch of
     * its first lines covers what it laid out first (entity/instance.h) */
    size_t align = elem_size >= POOL_LINE ? POOL_LINE : 8;
    p->elem_size = (elem_size + align - 1) & ~(align - 1);
    p->per_chunk = per_chunk ? per_chunk : 256;
}

void pool_fini(Pool *p)
{
    for (size_t i = 0; i < p->n_chunks; i++)
        free(p->chunks[i]);
    free(p->chunks);
    memset(p, 0, sizeof *p);
}

void *pool_get(Pool *p)
{
    void *obj;
    if (p->free_list != NULL) {
        obj = p->free_list;
        p->free_list = *(void **)obj;
    } else {
        if (p->bump_left == 0) {
            if (p->n_chunks == p->cap_chunks) {
                p->cap_chunks = p->cap_chunks ? 2 * p->cap_chunks : 8;
                p->chunks = xrealloc(p->chunks,
                                     p->cap_chunks * sizeof *p->chunks);
            }
            p->bump = xaligned(POOL_LINE, p->elem_size * p->per_chunk);
            p->chunks[p->n_chunks++] = p->bump;
            p->bump_left = p->per_chunk;
        }
        obj = p->bump;
        p->bump += p->elem_size;
        p->bump_left--;
    }
    memset(obj, 0, p->elem_size);
    p->live++;
    return obj;
}

void pool_put(Pool *p, void *obj)
{
    *(void **)obj = p->free_list;
    p->free_list = obj;
    p->live--;
}

void pool_each(Pool *p, void (*visit)(void *obj, void *arg), void *arg)
{
    for (size_t c = 0; c < p->n_chunks; c++) {
        char *obj = p->chunks[c];
        /* the newest chunk is used up to the bump pointer */
        size_t n = c + 1 < p->n_chunks ? p->per_chunk
                                       : p->per_chunk - p->bump_left;
        for (size_t i = 0; i < n; i++, obj += p->elem_size)
            visit(obj, arg);
    }
}

/*
 * pool.h - a free list of fixed-size objects carved from chunks.
 *
 * Requests and instances are created and retired millions of times per run;
 * the pool hands out recycled objects so the steady-state loop never calls
 * malloc (STYLE.md section 4).  Chunks are never moved, so pointers stay
 * valid, and are freed together by pool_fini().  The pool owns the memory;
 * it does not know what the objects hold.  An object of 64 bytes or more
 * starts on a cache line (its size rounded up to whole lines), so one that
 * lays out its hot fields first keeps them in its first lines.
 */
#ifndef SIM_UTIL_POOL_H
#define SIM_UTIL_POOL_H

#include <stddef.h>

typedef struct Pool {
    size_t elem_size;  /* bytes per object, >= sizeof(void *) */
    size_t per_chunk;  /* objects per chunk */
    void *free_list;   /* recycled objects, linked through their first word */
    void **chunks;     /* every chunk, for pool_fini */
    size_t n_chunks, cap_chunks;
    char *bump;        /* next never-used object in the newest chunk */
    size_t bump_left;  /* never-used objects left there */
    size_t live;       /* objects handed out and not returned */
} Pool;

void pool_init(Pool *p, size_t elem_size, size_t per_chunk);
void pool_fini(Pool *p);

/* A zeroed object. */
void *pool_get(Pool *p);
void pool_put(Pool *p, void *obj);

/* Calls visit(obj, arg) for every object the pool has ever handed out,
 * returned or not, in the order of their memory (chunk by chunk): the
 * caller tells the live ones by a mark of its own, outside the first word
 * (a returned object's first word is the free list's link).  The order
 * depends only on the sequence of gets and puts, so it is deterministic.
 * `visit` may pool_put the object it is given. */
void pool_each(Pool *p, void (*visit)(void *obj, void *arg), void *arg);

#endif

/*
 * xalloc.h - allocation that cannot fail.
 *
 * Running out of memory is fatal in simsrv: these wrappers print who asked
 * and abort(), like ROSS's tw_calloc and Redis's zmalloc OOM handler.  The
 * exception is an allocation whose size comes from input; check that size
 * before calling (a 2 GB line is an input error, not an OOM).
 */
#ifndef SIM_UTIL_XALLOC_H
#define SIM_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
/* `size` bytes (rounded up to a multiple of `align`, a power of two) on an
 * `align` boundary; free() releases them. */
void *xaligned(size_t align, size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif

/*
 * test_pool.c - the object pool (util/pool.h).
 *
 * Pins: an object of 64 bytes or more starts on a 64-byte line and its
 * size is rounded up to whole lines (100 -> 128, 328 -> 384 bytes apart);
 * a smaller one is rounded to 8 bytes (20 -> 24, 3 -> 8) and 8-aligned;
 * objects never overlap across chunks; pool_get zeroes what it hands out
 * and recycles the last object put first; pool_each visits every object
 * ever handed out in the order of its memory.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/pool.h"

/* Hands out 3 chunks' worth of objects of `size` (per_chunk 4) and checks
 * their alignment, spacing within a chunk and zeroing. */
static void check_layout(size_t size, size_t align, size_t spacing)
{
    Pool p;
    pool_init(&p, size, 4);
    cr_assert_eq(p.elem_size, spacing, "size %zu: %zu bytes apart, not %zu",
                 size, p.elem_size, spacing);
    char *obj[12];
    for (int i = 0; i < 12; i++) {
        obj[i] = pool_get(&p);
        cr_assert_eq((uintptr_t)obj[i] % align, 0, "size %zu: object %d at %p",
                     size, i, (void *)obj[i]);
        for (size_t b = 0; b < size; b++)
            cr_assert_eq(obj[i][b], 0);
        memset(obj[i], 0xa5, size); /* overlaps would show below */
        if (i % 4 != 0)
            cr_assert_eq(obj[i] - obj[i - 1], (ptrdiff_t)spacing);
    }
    for (int i = 0; i < 12; i++)
        for (size_t b = 0; b < size; b++)
            cr_assert_eq((unsigned char)obj[i][b], 0xa5);
    pool_fini(&p);
}

Test(pool, line_sized_objects_start_on_lines)
{
    check_layout(64, 64, 64);
    check_layout(100, 64, 128);
    check_layout(328, 64, 384);
}

Test(pool, small_objects_are_8_aligned)
{
    check_layout(3, 8, 8);
    check_layout(20, 8, 24);
    check_layout(56, 8, 56);
}

static void count_visit(void *obj, void *arg)
{
    char ***cursor = arg;
    cr_assert_eq(obj, **cursor);
    (*cursor)++;
}

Test(pool, recycles_last_put_and_visits_in_memory_order)
{
    Pool p;
    pool_init(&p, 200, 2);
    char *a = pool_get(&p), *b = pool_get(&p), *c = pool_get(&p);
    memset(b, 1, 200);
    pool_put(&p, a);
    pool_put(&p, b);
    cr_assert_eq(p.live, 1);
    char *again = pool_get(&p);
    cr_assert_eq(again, b);
    for (int i = 0; i < 200; i++)
        cr_assert_eq(again[i], 0);
    cr_assert_eq(pool_get(&p), a);
    char *seen[] = {a, b, c};
    char **cursor = seen;
    pool_each(&p, count_visit, &cursor);
    cr_assert_eq(cursor, seen + 3);
    pool_fini(&p);
}

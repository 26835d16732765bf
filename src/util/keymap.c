/*
 * keymap.c - hashed identifiers to indices (keymap.h).
 */
#include "keymap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t keymap_hash1(const char *a)
{
    return fnv(0xcbf29ce484222325ULL, a);
}

uint64_t keymap_hash2(const char *a, const char *b)
{
    return fnv(fnv(keymap_hash1(a), "\x1f"), b);
}

void keymap_init(KeyMap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n + 16)
        m->cap *= 2;
    /* a slot is empty while its value is -1 (all bits set, so one memset
     * marks them all); an empty slot's key is never read */
    m->key = xmalloc(m->cap * sizeof *m->key);
    m->val = xmalloc(m->cap * sizeof *m->val);
    memset(m->val, 0xff, m->cap * sizeof *m->val);
}

static void grow(KeyMap *m)
{
    KeyMap n;
    keymap_init(&n, m->cap);
    for (size_t i = 0; i < m->cap; i++)
        if (m->val[i] >= 0)
            keymap_put(&n, m->key[i], m->val[i]);
    free(m->key);
    free(m->val);
    *m = n;
}

/* Keeps the load factor at most 1/4 before `n` entries are held. */
void keymap_reserve(KeyMap *m, size_t n)
{
    if (2 * n + 2 > m->cap / 2)
        grow(m);
}

void keymap_put(KeyMap *m, uint64_t k, int32_t v)
{
    size_t i = (size_t)(k * 0x9e3779b97f4a7c15ULL) & (m->cap - 1);
    while (m->val[i] >= 0 && m->key[i] != k)
        i = (i + 1) & (m->cap - 1);
    m->key[i] = k;
    m->val[i] = v;
}

int32_t keymap_get(const KeyMap *m, uint64_t k)
{
    size_t i = (size_t)(k * 0x9e3779b97f4a7c15ULL) & (m->cap - 1);
    while (m->val[i] >= 0) {
        if (m->key[i] == k)
            return m->val[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

void keymap_free(KeyMap *m)
{
    free(m->key);
    free(m->val);
}

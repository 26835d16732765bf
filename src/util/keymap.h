/*
 * keymap.h - 64-bit keys (hashes of identifiers) to non-negative indices.
 *
 * The trace readers join and number functions by their hashed names
 * (HashApp, HashFunction, app + func).  Open addressing with linear
 * probing, load factor at most 1/4, values >= 0 (a -1 marks a free slot):
 * two arrays, no per-entry allocation, so 50,000 functions take about 3 MB.
 * Keys are FNV-1a hashes of the strings; two different names sharing a
 * 64-bit hash (odds about n^2 / 2^65) would be taken for one.
 */
#ifndef SIM_UTIL_KEYMAP_H
#define SIM_UTIL_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct KeyMap {
    uint64_t *key;
    int32_t *val;
    size_t cap;
} KeyMap;

/* FNV-1a of one string, and of two joined by a separator. */
uint64_t keymap_hash1(const char *a);
uint64_t keymap_hash2(const char *a, const char *b);

/* A map sized for n entries. */
void keymap_init(KeyMap *m, size_t n);
/* Grows the map, if needed, before it holds n entries. */
void keymap_reserve(KeyMap *m, size_t n);
/* Sets k -> v (v >= 0); keymap_reserve first. */
void keymap_put(KeyMap *m, uint64_t k, int32_t v);
/* v, or -1 when k is absent. */
int32_t keymap_get(const KeyMap *m, uint64_t k);
void keymap_free(KeyMap *m);

#endif

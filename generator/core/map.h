/* map: a hash map from NUL-terminated string keys to pointers. Keys are not
 * copied: they must outlive the map (in klar they live in the build arena).
 * Iteration order is insertion order, so output built from a map is
 * deterministic. */
#ifndef KLAR_MAP_H
#define KLAR_MAP_H
#include <stdbool.h>
#include <stddef.h>

typedef struct map_entry {
  const char *key;
  void *value;
} map_entry;

typedef struct map {
  map_entry *entries; /* in insertion order */
  size_t n, cap;
  unsigned *slots;    /* open addressing: index+1 into entries, 0 = empty */
  size_t nslots;
} map;

#define MAP_INIT {NULL, 0, 0, NULL, 0}

/* Returns the value for key, or NULL. */
void *map_get(const map *m, const char *key);
bool map_has(const map *m, const char *key);
/* Sets key to value; returns the previous value or NULL. */
void *map_set(map *m, const char *key, void *value);
void map_free(map *m);
/* FNV-1a hash of a string. */
unsigned map_hash(const char *s);

#endif

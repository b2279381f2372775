/* map: open addressing over an insertion-ordered entry array. */
#include "map.h"
#include "arena.h"
#include <stdlib.h>
#include <string.h>

unsigned map_hash(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static size_t find_slot(const map *m, const char *key) {
  size_t mask = m->nslots - 1, i = map_hash(key) & mask;
  while (m->slots[i] && strcmp(m->entries[m->slots[i] - 1].key, key) != 0)
    i = (i + 1) & mask;
  return i;
}

static void rehash(map *m) {
  size_t n = m->nslots ? m->nslots * 2 : 16;
  free(m->slots);
  m->slots = xcalloc(n, sizeof *m->slots);
  m->nslots = n;
  for (size_t e = 0; e < m->n; e++) {
    size_t i = find_slot(m, m->entries[e].key);
    m->slots[i] = (unsigned)e + 1;
  }
}

void *map_get(const map *m, const char *key) {
  if (!m->nslots) return NULL;
  size_t i = find_slot(m, key);
  return m->slots[i] ? m->entries[m->slots[i] - 1].value : NULL;
}

bool map_has(const map *m, const char *key) {
  return m->nslots && m->slots[find_slot(m, key)] != 0;
}

void *map_set(map *m, const char *key, void *value) {
  if ((m->n + 1) * 2 > m->nslots) rehash(m);
  size_t i = find_slot(m, key);
  if (m->slots[i]) {
    map_entry *e = &m->entries[m->slots[i] - 1];
    void *old = e->value;
    e->value = value;
    return old;
  }
  if (m->n == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 16;
    m->entries = xrealloc(m->entries, m->cap * sizeof *m->entries);
  }
  m->entries[m->n].key = key;
  m->entries[m->n].value = value;
  m->slots[i] = (unsigned)++m->n;
  return NULL;
}

void map_free(map *m) {
  free(m->entries);
  free(m->slots);
  memset(m, 0, sizeof *m);
}

/* val: value tree helpers. */
#include "val.h"
#include <string.h>

val *val_new(arena *a, val_kind kind, int line, int col) {
  val *v = arena_calloc(a, 1, sizeof *v);
  v->kind = kind;
  v->line = line;
  v->col = col;
  return v;
}

val *val_str(arena *a, const char *s, int line, int col) {
  val *v = val_new(a, VAL_STR, line, col);
  v->u.str.len = strlen(s);
  v->u.str.s = arena_strndup(a, s, v->u.str.len);
  return v;
}

val *val_get(const val *m, const char *key) {
  if (!m || m->kind != VAL_MAP) return NULL;
  for (size_t i = 0; i < m->u.map.n; i++)
    if (strcmp(m->u.map.keys[i], key) == 0) return m->u.map.vals[i];
  return NULL;
}

const char *val_as_str(const val *v) {
  if (!v) return NULL;
  if (v->kind == VAL_STR) return v->u.str.s;
  if (v->kind == VAL_REF) return v->u.ref.s;
  return NULL;
}

const char *val_kind_name(val_kind k) {
  switch (k) {
  case VAL_NULL: return "nothing";
  case VAL_BOOL: return "true or false";
  case VAL_NUM: return "a number";
  case VAL_STR: return "text";
  case VAL_LIST: return "a list";
  case VAL_MAP: return "a mapping";
  case VAL_REF: return "a page reference";
  }
  return "?";
}

/* Arrays grow by doubling at powers of two; the capacity is implied by n. */
static size_t cap_for(size_t n) {
  size_t c = 4;
  while (c < n) c *= 2;
  return c;
}

void val_map_put(arena *a, val *m, const char *key, val *v) {
  size_t n = m->u.map.n;
  if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
    size_t oldcap = n ? cap_for(n) : 0, newcap = cap_for(n + 1);
    if (newcap != oldcap) {
      m->u.map.keys = arena_realloc(a, m->u.map.keys, n * sizeof(char *), newcap * sizeof(char *));
      m->u.map.vals = arena_realloc(a, m->u.map.vals, n * sizeof(val *), newcap * sizeof(val *));
    }
  }
  m->u.map.keys[n] = key;
  m->u.map.vals[n] = v;
  m->u.map.n = n + 1;
}

void val_list_push(arena *a, val *l, val *v) {
  size_t n = l->u.list.n;
  if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
    size_t oldcap = n ? cap_for(n) : 0, newcap = cap_for(n + 1);
    if (newcap != oldcap)
      l->u.list.items = arena_realloc(a, l->u.list.items, n * sizeof(val *), newcap * sizeof(val *));
  }
  l->u.list.items[n] = v;
  l->u.list.n = n + 1;
}

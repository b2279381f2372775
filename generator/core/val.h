/* val: the value tree of front matter and site.yaml (built by yml, checked
 * against schemas by model, read by klua). Values live in the build arena and
 * are read-only once the model is built. Every value remembers where the user
 * wrote it, for diagnostics. */
#ifndef KLAR_VAL_H
#define KLAR_VAL_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

typedef enum {
  VAL_NULL,
  VAL_BOOL,
  VAL_NUM,
  VAL_STR,  /* also dates, kept as written ("2014-05-27") once checked */
  VAL_LIST,
  VAL_MAP,
  VAL_REF   /* a reference to a page, resolved by model from a string */
} val_kind;

typedef struct val val;
struct val {
  val_kind kind;
  int line, col;            /* 1-based position in the source file */
  int key_line, key_col;    /* a mapping's value: where its key is written (a
                             * message about the key points there); else 0 */
  union {
    bool b;
    double num;
    struct { const char *s; size_t len; } str;
    struct { val **items; size_t n; } list;
    struct { const char **keys; val **vals; size_t n; } map;
    struct { const char *s; const void *page; } ref; /* s: as written */
  } u;
};

/* Constructors allocate in arena a. */
val *val_new(arena *a, val_kind kind, int line, int col);
val *val_str(arena *a, const char *s, int line, int col);
/* Returns the map entry for key, or NULL (also when m is not a map). */
val *val_get(const val *m, const char *key);
/* Returns the string of a VAL_STR (or a VAL_REF's written text), else NULL. */
const char *val_as_str(const val *v);
/* Returns a readable name of the kind for messages ("a list"). */
const char *val_kind_name(val_kind k);
/* Appends a map entry (arena-grown; for builders). */
void val_map_put(arena *a, val *m, const char *key, val *v);
void val_list_push(arena *a, val *l, val *v);

#endif

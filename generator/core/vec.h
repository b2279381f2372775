/* vec: a typed growable array on the heap, as macros.
 *   VEC(page *) pages = {0};  vec_push(&pages, p);  vec_free(&pages);
 * The items belong to the vector's owner; vec_free releases only the array. */
#ifndef KLAR_VEC_H
#define KLAR_VEC_H
#include <stdlib.h>
#include "arena.h"

#define VEC(T) struct { T *items; size_t n, cap; }

#define vec_push(v, x)                                                        \
  do {                                                                        \
    if ((v)->n == (v)->cap) {                                                 \
      (v)->cap = (v)->cap ? (v)->cap * 2 : 8;                                 \
      (v)->items = xrealloc((v)->items, (v)->cap * sizeof *(v)->items);       \
    }                                                                         \
    (v)->items[(v)->n++] = (x);                                               \
  } while (0)

#define vec_free(v)                                                           \
  do {                                                                        \
    free((v)->items);                                                         \
    (v)->items = NULL;                                                        \
    (v)->n = (v)->cap = 0;                                                    \
  } while (0)

#endif

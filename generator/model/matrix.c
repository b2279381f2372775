/* model, matrix: which proposal touches which core group (see model.h).
 * Written once, here: the web layout and the print stage read the result,
 * so the page and the booklets cannot disagree. */
#include <stdlib.h>
#include <string.h>
#include "model.h"

/* The page a reference value points at, or NULL. */
static const page *ref_page(const val *v) {
  return v && v->kind == VAL_REF ? (const page *)v->u.ref.page : NULL;
}

static int by_weight(const void *a, const void *b) {
  const page *x = *(const page *const *)a, *y = *(const page *const *)b;
  if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

interface_matrix *model_matrix(const site *s, arena *a) {
  interface_matrix *m = arena_calloc(a, 1, sizeof *m);
  page_list gl = model_pages_of(s, "group"), pl = model_pages_of(s, "proposal");
  m->ngroups = gl.n;
  m->groups = arena_alloc(a, (gl.n ? gl.n : 1) * sizeof *m->groups);
  if (gl.n) memcpy(m->groups, gl.items, gl.n * sizeof *m->groups); /* none: items may be NULL */
  qsort(m->groups, gl.n, sizeof *m->groups, by_weight);
  m->blocks = arena_calloc(a, gl.n ? gl.n : 1, sizeof *m->blocks);
  m->totals = arena_calloc(a, gl.n ? gl.n : 1, sizeof *m->totals);
  for (size_t g = 0; g < gl.n; g++) {
    matrix_block *bl = &m->blocks[g];
    bl->group = m->groups[g];
    bl->rows = arena_calloc(a, pl.n ? pl.n : 1, sizeof *bl->rows);
  }
  for (size_t i = 0; i < pl.n; i++) {
    const page *p = pl.items[i];
    const page *own = ref_page(val_get(p->fm, "group"));
    const val *ifs = val_get(p->fm, "interfaces");
    size_t nifs = ifs && ifs->kind == VAL_LIST ? ifs->u.list.n : 0;
    for (size_t g = 0; g < gl.n; g++)
      for (size_t j = 0; j < nifs; j++)
        if (ref_page(ifs->u.list.items[j]) == m->groups[g]) {
          m->totals[g]++; /* once per proposal that names it */
          break;
        }
    for (size_t g = 0; g < gl.n; g++) {
      if (m->groups[g] != own) continue;
      matrix_block *bl = &m->blocks[g];
      matrix_row *r = &bl->rows[bl->nrows++];
      r->proposal = p;
      r->marks = arena_calloc(a, gl.n, sizeof *r->marks);
      r->to = arena_alloc(a, (nifs ? nifs : 1) * sizeof *r->to);
      for (size_t j = 0; j < nifs; j++) {
        const page *to = ref_page(ifs->u.list.items[j]);
        if (to && to != own) r->to[r->nto++] = to;
      }
      for (size_t c = 0; c < gl.n; c++) {
        if (m->groups[c] == own) r->marks[c] = MATRIX_OWN;
        else
          for (size_t j = 0; j < r->nto; j++)
            if (r->to[j] == m->groups[c]) r->marks[c] = MATRIX_INTERFACE;
      }
    }
  }
  return m;
}

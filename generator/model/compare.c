/* compare: whether two models of one site have the same structure, for the
 * incremental rebuild of `klar serve` (build/session.c), which keeps the
 * rest of its work when only front matter values changed. */
#include <string.h>
#include "model.h"

static bool str_same(const char *a, const char *b) {
  return a == b || (a && b && !strcmp(a, b));
}

/* True when two front matter values are the same, positions aside. */
static bool val_same(const val *a, const val *b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case VAL_NULL: return true;
  case VAL_BOOL: return a->u.b == b->u.b;
  case VAL_NUM: return a->u.num == b->u.num;
  case VAL_STR: return a->u.str.len == b->u.str.len && !memcmp(a->u.str.s, b->u.str.s, a->u.str.len);
  case VAL_REF: return str_same(a->u.ref.s, b->u.ref.s);
  case VAL_LIST:
    if (a->u.list.n != b->u.list.n) return false;
    for (size_t i = 0; i < a->u.list.n; i++)
      if (!val_same(a->u.list.items[i], b->u.list.items[i])) return false;
    return true;
  case VAL_MAP:
    if (a->u.map.n != b->u.map.n) return false;
    for (size_t i = 0; i < a->u.map.n; i++)
      if (strcmp(a->u.map.keys[i], b->u.map.keys[i]) || !val_same(a->u.map.vals[i], b->u.map.vals[i]))
        return false;
    return true;
  }
  return false;
}

static size_t index_of(const page *p) {
  return p ? p->index : (size_t)-1;
}

static bool list_same(const page_list *a, const page_list *b) {
  if (a->n != b->n) return false;
  for (size_t i = 0; i < a->n; i++)
    if (a->items[i]->index != b->items[i]->index) return false;
  return true;
}

bool model_same_structure(const site *a, const site *b) {
  if (a->all.n != b->all.n || a->regular.n != b->regular.n || a->statics.n != b->statics.n ||
      a->ntaxonomies != b->ntaxonomies || a->nmenu != b->nmenu || a->nbooklets != b->nbooklets ||
      !str_same(a->build_date, b->build_date))
    return false;
  for (size_t i = 0; i < a->all.n; i++) {
    const page *x = a->all.items[i], *y = b->all.items[i];
    if (x->kind != y->kind || !str_same(x->src, y->src) || !str_same(x->url, y->url) ||
        !str_same(x->out, y->out) || !str_same(x->type, y->type) || !str_same(x->section, y->section) ||
        !str_same(x->title, y->title) || !str_same(x->date, y->date) || x->days != y->days ||
        x->weight != y->weight || x->draft != y->draft || x->broken != y->broken ||
        x->nbooklets != y->nbooklets || index_of(x->parent) != index_of(y->parent) ||
        !str_same(x->term, y->term) || !str_same(x->taxonomy, y->taxonomy) ||
        !list_same(&x->pages, &y->pages) || !list_same(&x->subsections, &y->subsections) ||
        !list_same(&x->referrers, &y->referrers) ||
        !val_same(val_get(x->fm, "aliases"), val_get(y->fm, "aliases")))
      return false;
  }
  if (!list_same(&a->regular, &b->regular)) return false;
  for (size_t i = 0; i < a->ntaxonomies; i++)
    if (index_of(a->taxonomies[i].list) != index_of(b->taxonomies[i].list) ||
        !list_same(&a->taxonomies[i].terms, &b->taxonomies[i].terms))
      return false;
  for (size_t i = 0; i < a->nmenu; i++)
    if (!str_same(a->menu[i].title, b->menu[i].title) || !str_same(a->menu[i].url, b->menu[i].url) ||
        index_of(a->menu[i].page) != index_of(b->menu[i].page))
      return false;
  return true;
}


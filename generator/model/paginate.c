/* paginate: lists longer than site.yaml's `paginate: N` split into pages.
 * The list page itself (a section's _index.md or a taxonomy term) stays
 * page 1 at its URL; pages 2.. are made up at URL/side/N/. Every page of
 * the list gets a pager (model.h) with its part of the list; the list page's
 * own `pages` stays whole, since other pages (the front page's news, a pixi
 * guide's neighbours, a booklet's folder) read it as the whole list. */
#include "builder.h"
#include <math.h>

/* The page size of a list page: its front matter `paginate` (false: never;
 * a whole number: that size), else the site's. 0 means not split. */
static int size_for(builder *b, page *p, int site_size) {
  val *v = val_get(p->fm, "paginate");
  if (!v) return site_size;
  if (v->kind == VAL_BOOL && !v->u.b) return 0;
  if (v->kind == VAL_NUM && v->u.num >= 1 && v->u.num == floor(v->u.num) && v->u.num <= 100000) return (int)v->u.num;
  diag_error(b->d, p->file, v->line, v->col,
             "'paginate' must be a whole number of list items per page, like 20, or false to keep the list on one page");
  return 0;
}

/* site.yaml's `paginate`: 0 when absent; an error when not a whole number >= 0. */
static int site_size(builder *b) {
  val *v = val_get(b->s->config, "paginate");
  if (!v) return 0;
  if (v->kind == VAL_BOOL && !v->u.b) return 0;
  if (v->kind == VAL_NUM && v->u.num >= 0 && v->u.num == floor(v->u.num) && v->u.num <= 100000) return (int)v->u.num;
  diag_error(b->d, b->site_file, v->line, v->col,
             "'paginate' must be a whole number of list items per page, like 20 (0 or false: lists are never split)");
  return 0;
}

/* Page n (2..) of the list of first: the same kind, section, type and
 * layout, no body, titled "TITLE – side N" so that every page of the list
 * has its own title. */
static page *made_up_part(builder *b, page *first, int n) {
  page *p = mb_made_up_page(b, first->kind, arena_printf(b->a, "%s – side %d", first->title, n),
                            arena_printf(b->a, "%sside/%d/", first->url, n));
  p->src = NULL;
  p->file = first->file;
  p->dir = first->dir;
  p->section = first->section;
  p->type = first->type;
  p->term = first->term;
  p->taxonomy = first->taxonomy;
  p->parent = first->parent;
  p->weight = first->weight;
  /* Only what picks the layout is carried over: aliases, summary and the
   * rest belong to the list page itself. */
  val *layout = val_get(first->fm, "layout");
  if (layout) val_map_put(b->a, p->fm, "layout", layout);
  return p;
}

void mb_paginate(builder *b) {
  int every = site_size(b);
  size_t n = b->all.n; /* the made-up parts are pushed behind */
  for (size_t i = 0; i < n; i++) {
    page *first = b->all.items[i];
    if (first->kind != PAGE_SECTION && first->kind != PAGE_TERM) continue;
    int size = size_for(b, first, every);
    if (size <= 0 || first->pages.n <= (size_t)size) continue;
    int total = (int)((first->pages.n + (size_t)size - 1) / (size_t)size);
    page **all = arena_alloc(b->a, (size_t)total * sizeof *all);
    all[0] = first;
    for (int k = 1; k < total; k++) {
      all[k] = made_up_part(b, first, k + 1);
      vec_push(&b->all, all[k]);
    }
    for (int k = 0; k < total; k++) {
      pager *g = arena_calloc(b->a, 1, sizeof *g);
      g->number = k + 1;
      g->total = total;
      g->first = first;
      g->all = all;
      size_t from = (size_t)k * (size_t)size;
      g->pages.items = first->pages.items + from;
      g->pages.n = first->pages.n - from < (size_t)size ? first->pages.n - from : (size_t)size;
      all[k]->pager = g;
      if (k > 0) all[k]->pages = g->pages;
    }
  }
}

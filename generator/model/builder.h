/* builder: the model builder's state and the steps model_build calls, shared
 * by the files of model/ only (model.h is the public API). schema.c reads
 * site.yaml and checks front matter; tree.c gives pages their URLs and builds
 * sections, taxonomies, menus and booklets; links.c resolves references and
 * links; model.c runs the steps in order. */
#ifndef KLAR_MODEL_BUILDER_H
#define KLAR_MODEL_BUILDER_H
#include "model.h"
#include "../core/str.h"
#include "../core/vec.h"

#define NO_DATE (-1000000000L)

typedef struct builder {
  site *s;
  arena *a;
  diag *d;
  const char *site_file;
  VEC(page *) all;
} builder;

/* schema.c: site.yaml's settings and types; front matter against them. */
void mb_read_config(builder *b);
void mb_check_common(builder *b, page *p);
void mb_check_page_fields(builder *b, page *p);

/* tree.c: URLs, list order, sections, taxonomies, menu, booklets. */
void mb_put_slugged_dir(sbuf *u, const char *dir);
void mb_assign_url(builder *b, page *p);
void mb_sort_list(page_list *l);
void mb_list_push(arena *a, page_list *l, page *p);
page *mb_made_up_page(builder *b, page_kind kind, const char *title, const char *url);
page *mb_section_for_dir(builder *b, const char *dir);
const char *mb_section_default(builder *b, const char *section, const char *key);
void mb_read_taxonomies(builder *b);
void mb_build_taxonomies(builder *b);
void mb_read_menu(builder *b);
void mb_read_booklets(builder *b);

/* paginate.c: lists longer than `paginate` split into pages (after sorting). */
void mb_paginate(builder *b);

/* links.c: front matter references (after every page is known). */
void mb_resolve_refs(builder *b, page *p, val *v, const char *field, const field_schema *f);
/* Reports every javascript:, vbscript: or data: URL in v (front matter or
 * site.yaml, in file) at its position; key names the field v is the value of. */
void mb_check_urls(builder *b, const char *file, const val *v, const char *key);

#endif

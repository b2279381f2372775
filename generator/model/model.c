/* model: from loaded content to the checked, cross-referenced site. The
 * steps live in schema.c, tree.c and links.c (see builder.h); this file runs
 * them in order and answers the queries on types. */
#include "builder.h"
#include "../md/md.h"
#include "../core/dk.h"
#include "../core/fsx.h"
#include "../load/content.h"
#include "../load/sources.h"
#include "../load/yml.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../core/msg.h"

/* ----------------------------------------------------------------- build */

static int cmp_src(const void *pa, const void *pb) {
  const page *a = *(page *const *)pa, *b = *(page *const *)pb;
  return strcmp(a->src, b->src);
}

static void set_build_date(builder *b) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  char buf[32];
  if (sde && *sde) {
    time_t t = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    b->s->build_date = arena_strdup(b->a, buf);
    return;
  }
  /* Without SOURCE_DATE_EPOCH the newest page date stands in, so two builds
   * of the same content are byte-identical. */
  const char *best = NULL;
  for (size_t i = 0; i < b->s->regular.n; i++) {
    const char *d = b->s->regular.items[i]->date;
    if (d && (!best || strcmp(d, best) > 0)) best = d;
  }
  b->s->build_date = best ? best : "1970-01-01";
}

static void index_types(builder *b);

static void free_map(void *m) { map_free(m); }

site *model_build(arena *a, const char *root, bool drafts, int jobs, diag *d) {
  return model_build_cached(a, root, drafts, false, jobs, NULL, d);
}

/* The day pages are published against: SOURCE_DATE_EPOCH's when set (a
 * reproducible build publishes what it published before), else today's by
 * the clock, in UTC. */
static long publish_today(void) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  return dk_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* True when page p (its type known) waits for a later day: its `publish`
 * day, or its `date` when its type says the date is the day it is
 * published. A conference's date is the evening it is held, announced
 * months before, so that type leaves publish_on_date out. */
static bool held_back(const site *s, const page *p) {
  if (p->publish_days != NO_DATE) return p->publish_days > s->today;
  const type_schema *t = model_type(s, p->type);
  return t && t->publish_on_date && p->days != NO_DATE && p->days > s->today;
}

const char *model_held_until(const page *p) {
  const char *pub = val_as_str(val_get(p->fm, "publish"));
  return pub ? pub : p->date ? p->date : "";
}

site *model_build_cached(arena *a, const char *root, bool drafts, bool future, int jobs, content_cache *cache,
                         diag *d) {
  site *s = arena_calloc(a, 1, sizeof *s);
  /* The site's maps live on the heap; they die with the build arena. */
  arena_defer(a, free_map, &s->by_src);
  arena_defer(a, free_map, &s->by_url);
  arena_defer(a, free_map, &s->sections);
  arena_defer(a, free_map, &s->by_type);
  arena_defer(a, free_map, &s->statics);
  arena_defer(a, free_map, &s->assets);
  arena_defer(a, free_map, &s->left_out);
  builder bb = {.s = s, .a = a, .d = d};
  builder *b = &bb;
  s->arena = a;
  s->drafts = drafts;
  s->future = future;
  s->today = publish_today();
  s->root = root;
  s->content_dir = fsx_join(a, root, "content");
  s->layouts_dir = fsx_join(a, root, "layouts");
  s->assets_dir = fsx_join(a, root, "assets");
  b->site_file = fsx_join(a, s->content_dir, "site.yaml");

  if (!fsx_is_dir(s->content_dir)) {
    diag_error(d, s->content_dir, 0, 0, "there is no content folder here (run klar in the site's folder, or pass --root)");
    return NULL;
  }
  /* Before anything is read: a link out of the site would publish what it
   * points to (ln -s /etc content/etc), and a loop would never end. */
  if (!sources_check(a, root, d)) return NULL;
  size_t n;
  char *cfg = fsx_read(a, b->site_file, &n);
  if (!cfg) {
    diag_error(d, b->site_file, 0, 0, "cannot read the site settings; every site needs a content/site.yaml");
    s->config = val_new(a, VAL_MAP, 0, 0);
  } else {
    s->config = yml_parse(a, cfg, n, b->site_file, 0, d);
    if (!s->config || s->config->kind != VAL_MAP) s->config = val_new(a, VAL_MAP, 0, 0);
  }
  mb_read_config(b);
  mb_check_urls(b, b->site_file, s->config, NULL);
  mb_read_taxonomies(b);

  content c;
  content_load_cached(a, s->content_dir, s->content_dir, jobs, cache, &c, d);

  /* Pages: drafts out, kinds, types, common fields. */
  VEC(page *) kept = {0};
  for (size_t i = 0; i < c.pages.n; i++) {
    page *p = c.pages.items[i];
    /* A broken page was reported already; it stays in the model so that
     * references to it do not add errors of their own. */
    if (!p->broken) mb_check_common(b, p);
    if (!p->broken) mb_check_urls(b, p->file, p->fm, NULL);
    if (p->draft && !drafts) {
      if (p->src) map_set(&s->left_out, p->src, p);
      continue;
    }
    const char *t = val_as_str(val_get(p->fm, "type"));
    if (!t && p->kind == PAGE_REGULAR) t = mb_section_default(b, p->section, "type");
    p->type = t ? t : p->kind == PAGE_REGULAR ? "page" : "";
    if (!future && !p->broken && held_back(s, p)) {
      p->held = true;
      if (p->src) map_set(&s->left_out, p->src, p);
      mb_list_push(a, &s->held, p);
      continue;
    }
    if (!p->title) p->title = p->kind == PAGE_SECTION ? fsx_basename(p->dir) : "";
    mb_assign_url(b, p);
    vec_push(&kept, p);
  }
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    map_set(&s->by_src, p->src, p);
    if (p->kind == PAGE_HOME) s->home = p;
    if (p->kind == PAGE_SECTION && !strchr(p->dir, '/')) map_set(&s->sections, p->dir, p);
  }
  if (!s->home) {
    s->home = mb_made_up_page(b, PAGE_HOME, s->title, "/");
    s->home->file = b->site_file;
  }
  for (size_t i = 0; i < kept.n; i++)
    if (!kept.items[i]->broken) mb_check_page_fields(b, kept.items[i]);

  /* Order: every page by source path; made-up pages follow. */
  if (kept.n) qsort(kept.items, kept.n, sizeof(page *), cmp_src);
  if (!s->home->src) vec_push(&b->all, s->home);
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    vec_push(&b->all, p);
    if (p->kind == PAGE_REGULAR) mb_list_push(a, &s->regular, p);
  }

  /* Parents, section lists, references. */
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    if (p->kind == PAGE_HOME) continue;
    const char *dir = p->dir;
    if (p->kind == PAGE_SECTION || p->bundle) dir = fsx_dirname(a, p->dir);
    page *parent = mb_section_for_dir(b, dir);
    if (parent == p) parent = s->home;
    p->parent = parent;
    if (p->kind == PAGE_SECTION) mb_list_push(a, &parent->subsections, p);
    else mb_list_push(a, &parent->pages, p);
  }
  /* Made-up sections hang under home. */
  for (size_t i = 0; i < s->sections.n; i++) {
    page *sec = s->sections.entries[i].value;
    if (!sec->src) {
      sec->parent = s->home;
      mb_list_push(a, &s->home->subsections, sec);
    }
  }
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    const type_schema *t = model_type(s, p->type);
    for (size_t j = 0; j < p->fm->u.map.n; j++) {
      const field_schema *f = NULL;
      for (size_t k = 0; t && k < t->nfields; k++)
        if (!strcmp(t->fields[k].name, p->fm->u.map.keys[j])) f = &t->fields[k];
      mb_resolve_refs(b, p, p->fm->u.map.vals[j], p->fm->u.map.keys[j], f);
    }
  }
  mb_build_taxonomies(b);
  mb_read_menu(b);

  for (size_t i = 0; i < b->all.n; i++) {
    page *p = b->all.items[i];
    mb_sort_list(&p->pages);
    mb_sort_list(&p->subsections);
  }
  mb_paginate(b);
  mb_read_booklets(b);
  /* Output files must be unique: two pages writing one file would lose one
   * (/ and url: /index.html are one file). The rest of the output is
   * checked against the pages by site_check_outputs. */
  map outs = MAP_INIT;
  for (size_t i = 0; i < b->all.n; i++) {
    page *p = b->all.items[i];
    page *other = map_get(&outs, p->out);
    const val *v = val_get(p->fm, "url");
    if (!v) v = val_get(p->fm, "slug");
    if (other) {
      const val *ov = val_get(other->fm, "url");
      if (!ov) ov = val_get(other->fm, "slug");
      diag_error(d, p->file, v ? v->line : 0, v ? v->col : 0,
                 "this page gets the URL %s and writes %s, which %s%s%s writes already; give one of them "
                 "another 'slug' or 'url'",
                 p->url, p->out, other->src ? msg_tr("the page ") : msg_tr("the generated list page "), other->file,
                 ov ? arena_printf(a, ":%d", ov->line) : "");
    } else {
      map_set(&outs, p->out, p);
    }
    if (!map_get(&s->by_url, p->url)) map_set(&s->by_url, p->url, p);
  }
  map_free(&outs);
  s->all.items = arena_alloc(a, (b->all.n ? b->all.n : 1) * sizeof(page *));
  for (size_t i = 0; i < b->all.n; i++) {
    b->all.items[i]->index = i;
    s->all.items[s->all.n++] = b->all.items[i];
  }
  set_build_date(b);
  index_types(b);
  for (size_t i = 0; i < c.nstatics; i++) {
    sbuf o = SBUF_INIT;
    const char *f = c.statics[i];
    char *dir = fsx_dirname(a, f);
    page *bundle = map_get(&s->by_src, arena_printf(a, "%s/index.md", dir));
    if (bundle) {
      sbuf_puts(&o, bundle->url + 1);
    } else {
      mb_put_slugged_dir(&o, dir);
    }
    sbuf_puts(&o, fsx_basename(f));
    map_set(&s->statics, f, sbuf_dup(&o, a));
    sbuf_free(&o);
  }
  /* Titles are shown as plain text everywhere (layouts, feeds, booklets),
   * always with the site's typography, so they get it here, once; last,
   * so that pages sort by their titles as written. */
  md_options typo = {.quote_open = s->quote_open, .quote_close = s->quote_close};
  for (size_t i = 0; i < s->all.n; i++) {
    page *p = s->all.items[i];
    if (p->title) p->title = md_typography(p->title, &typo, a);
    /* so do the summary and description, shown as written on cards, in
     * meta tags and in feeds ("den 7. marts 2018" never breaks) */
    static const char *const texts[] = {"summary", "description"};
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
      val *v = val_get(p->fm, texts[k]);
      if (v && v->kind == VAL_STR && v->u.str.s) {
        v->u.str.s = md_typography(v->u.str.s, &typo, a);
        v->u.str.len = strlen(v->u.str.s);
      }
    }
  }
  vec_free(&kept);
  vec_free(&b->all);
  return s;
}

/* ------------------------------------------------------------ queries */

const type_schema *model_type(const site *s, const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < s->ntypes; i++)
    if (!strcmp(s->types[i].name, name)) return &s->types[i];
  return NULL;
}

page_list model_pages_of(const site *s, const char *type) {
  page_list *l = map_get(&s->by_type, type);
  page_list empty = {0};
  return l ? *l : empty;
}

static void index_types(builder *b) {
  for (size_t i = 0; i < b->s->regular.n; i++) {
    page *p = b->s->regular.items[i];
    page_list *l = map_get(&b->s->by_type, p->type);
    if (!l) {
      l = arena_calloc(b->a, 1, sizeof *l);
      map_set(&b->s->by_type, p->type, l);
    }
    mb_list_push(b->a, l, p);
  }
}

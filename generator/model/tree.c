/* tree: where every page goes and where it is listed: URLs, list order,
 * sections, taxonomies, the menu and the booklets' pages. */
#include "builder.h"
#include "../core/dk.h"
#include "../core/fsx.h"
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ URLs */

/* Appends the slugged folder parts of dir ("Pixi Guides/x" → "pixi-guides/x/"). */
void mb_put_slugged_dir(sbuf *u, const char *dir) {
  const char *p = dir;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    dk_slug_put(u, p, n);
    sbuf_putc(u, '/');
    p += n;
    if (*p == '/') p++;
  }
}

static bool safe_url(const char *u) {
  if (u[0] != '/' || strstr(u, "//") || strchr(u, '\\') || strchr(u, '?') || strchr(u, '#')) return false;
  for (const char *p = u; *p; p++) {
    if ((unsigned char)*p < 0x20) return false;
    if (p[0] == '.' && (p == u || p[-1] == '/') && (p[1] == '/' || p[1] == 0 || (p[1] == '.' && (p[2] == '/' || p[2] == 0))))
      return false;
  }
  return true;
}

void mb_assign_url(builder *b, page *p) {
  sbuf u = SBUF_INIT;
  val *url = val_get(p->fm, "url");
  val *slug = val_get(p->fm, "slug");
  if (url) {
    const char *us = val_as_str(url);
    if (!us || !safe_url(us)) {
      diag_error(b->d, p->file, url->line, url->col,
                 "'url' must be a site path like /om/kontakt/ (starting with '/', without '..', '//' or '\\')");
    } else {
      sbuf_puts(&u, us);
      if (u.data[u.len - 1] != '/' && !str_ends(us, ".html")) sbuf_putc(&u, '/');
    }
  }
  if (!u.len) {
    sbuf_putc(&u, '/');
    const char *dir = p->dir;
    const char *last = NULL;
    if (p->kind == PAGE_REGULAR && !p->bundle) {
      mb_put_slugged_dir(&u, dir);
      last = fsx_basename(p->src);
    } else if (*dir) {
      /* Sections and bundles: the folder is the page. */
      const char *ls = strrchr(dir, '/');
      if (ls) {
        char *parent = arena_strndup(b->a, dir, (size_t)(ls - dir));
        mb_put_slugged_dir(&u, parent);
      }
      last = ls ? ls + 1 : dir;
    }
    if (slug) {
      const char *ss = val_as_str(slug);
      if (!ss || !*ss || strchr(ss, '/') || strchr(ss, '\\') || !strcmp(ss, ".") || !strcmp(ss, "..")) {
        diag_error(b->d, p->file, slug->line, slug->col, "'slug' must be one URL part without '/', like 'robusthed'");
        ss = NULL;
      }
      if (ss) {
        dk_slug_put(&u, ss, strlen(ss));
        sbuf_putc(&u, '/');
        last = NULL;
      }
    }
    if (last) {
      size_t n = strlen(last);
      if (str_ends(last, ".md")) n -= 3;
      size_t before = u.len;
      dk_slug_put(&u, last, n);
      if (u.len == before) sbuf_puts(&u, "side");
      sbuf_putc(&u, '/');
    }
  }
  p->url = sbuf_dup(&u, b->a);
  p->slug = "";
  if (strlen(p->url) > 1) {
    const char *e = p->url + strlen(p->url) - 1;
    const char *s0 = e;
    while (s0 > p->url && s0[-1] != '/') s0--;
    p->slug = arena_strndup(b->a, s0, (size_t)(e - s0 + (*e != '/')));
  }
  if (str_ends(p->url, ".html")) p->out = arena_strdup(b->a, p->url + 1);
  else p->out = arena_printf(b->a, "%sindex.html", p->url + 1);
  sbuf_free(&u);
}

/* ------------------------------------------------------------- sorting */

static int cmp_list_order(const void *pa, const void *pb) {
  const page *a = *(page *const *)pa, *b = *(page *const *)pb;
  if (a->weight != b->weight) return a->weight < b->weight ? -1 : 1;
  if (a->days != b->days) return a->days > b->days ? -1 : 1;
  int c = dk_collate(a->title ? a->title : "", b->title ? b->title : "");
  if (c) return c;
  return strcmp(a->url, b->url);
}

void mb_sort_list(page_list *l) {
  if (l->n > 1) qsort(l->items, l->n, sizeof(page *), cmp_list_order);
}

void mb_list_push(arena *a, page_list *l, page *p) {
  if ((l->n & (l->n - 1)) == 0) {
    size_t cap = l->n ? l->n * 2 : 4;
    l->items = arena_realloc(a, l->items, l->n * sizeof(page *), cap * sizeof(page *));
  }
  l->items[l->n++] = p;
}

/* -------------------------------------------------------------- sections */

page *mb_made_up_page(builder *b, page_kind kind, const char *title, const char *url) {
  page *p = arena_calloc(b->a, 1, sizeof *p);
  p->kind = kind;
  p->title = title;
  p->fm = val_new(b->a, VAL_MAP, 0, 0);
  p->body = "";
  p->days = NO_DATE;
  p->type = "";
  p->section = "";
  p->dir = "";
  p->url = url;
  p->out = arena_printf(b->a, "%sindex.html", url + 1);
  p->file = b->site_file;
  const char *e = url + strlen(url) - 1, *s0 = e;
  while (s0 > url && s0[-1] != '/') s0--;
  p->slug = arena_strndup(b->a, s0, (size_t)(e - s0));
  return p;
}

/* Gives every folder with pages a list page: its _index.md, or a made-up one
 * titled after the folder ("nyheder" → "Nyheder"). */
page *mb_section_for_dir(builder *b, const char *dir) {
  if (!*dir) return b->s->home;
  char *key = arena_printf(b->a, "%s/_index.md", dir);
  page *sec = map_get(&b->s->by_src, key);
  if (sec) return sec;
  /* Only top-level folders get made-up pages; deeper ones list on their parent. */
  if (strchr(dir, '/')) {
    char *parent = fsx_dirname(b->a, dir);
    return mb_section_for_dir(b, parent);
  }
  sec = map_get(&b->s->sections, dir);
  if (sec) return sec;
  char *title = arena_strdup(b->a, dir);
  if (title[0] >= 'a' && title[0] <= 'z') title[0] = (char)(title[0] - 32);
  sbuf u = SBUF_INIT;
  sbuf_putc(&u, '/');
  mb_put_slugged_dir(&u, dir);
  sec = mb_made_up_page(b, PAGE_SECTION, title, sbuf_dup(&u, b->a));
  sbuf_free(&u);
  sec->src = NULL;
  sec->dir = dir;
  sec->section = dir;
  sec->file = arena_printf(b->a, "%s/%s", b->s->content_dir, dir);
  map_set(&b->s->sections, arena_strdup(b->a, dir), sec);
  vec_push(&b->all, sec);
  return sec;
}

const char *mb_section_default(builder *b, const char *section, const char *key) {
  val *secs = val_get(b->s->config, "sections");
  return val_as_str(val_get(val_get(secs, section), key));
}

/* ------------------------------------------------------------ taxonomies */

void mb_read_taxonomies(builder *b) {
  val *tx = val_get(b->s->config, "taxonomies");
  if (!tx) return;
  if (tx->kind != VAL_MAP) {
    diag_error(b->d, b->site_file, tx->line, tx->col, "'taxonomies' must be a mapping");
    return;
  }
  b->s->taxonomies = arena_calloc(b->a, tx->u.map.n, sizeof(taxonomy));
  for (size_t i = 0; i < tx->u.map.n; i++) {
    taxonomy *t = &b->s->taxonomies[b->s->ntaxonomies++];
    val *spec = tx->u.map.vals[i];
    t->name = tx->u.map.keys[i];
    t->title = val_as_str(val_get(spec, "title"));
    if (!t->title) t->title = t->name;
    const char *slug = val_as_str(val_get(spec, "slug"));
    t->slug = dk_slug(b->a, slug ? slug : t->name);
  }
}

void mb_build_taxonomies(builder *b) {
  for (size_t i = 0; i < b->s->ntaxonomies; i++) {
    taxonomy *t = &b->s->taxonomies[i];
    t->list = mb_made_up_page(b, PAGE_TAXONOMY, t->title, arena_printf(b->a, "/%s/", t->slug));
    t->list->taxonomy = t->name;
    map terms = MAP_INIT;
    for (size_t j = 0; j < b->s->regular.n; j++) {
      page *p = b->s->regular.items[j];
      val *v = val_get(p->fm, t->name);
      if (!v) continue;
      if (v->kind != VAL_LIST) {
        diag_error(b->d, p->file, v->line, v->col, "'%s' must be a list of terms", t->name);
        continue;
      }
      for (size_t k = 0; k < v->u.list.n; k++) {
        const char *term = val_as_str(v->u.list.items[k]);
        if (!term) {
          diag_error(b->d, p->file, v->u.list.items[k]->line, v->u.list.items[k]->col,
                     "the terms of '%s' must be text", t->name);
          continue;
        }
        char *ts = dk_slug(b->a, term);
        page *tp = map_get(&terms, ts);
        if (!tp) {
          tp = mb_made_up_page(b, PAGE_TERM, term, arena_printf(b->a, "/%s/%s/", t->slug, ts));
          tp->taxonomy = t->name;
          tp->term = term;
          tp->parent = t->list;
          map_set(&terms, ts, tp);
          mb_list_push(b->a, &t->terms, tp);
        }
        if (!tp->pages.n || tp->pages.items[tp->pages.n - 1] != p) mb_list_push(b->a, &tp->pages, p);
      }
    }
    map_free(&terms);
    for (size_t j = 0; j < t->terms.n; j++) mb_sort_list(&t->terms.items[j]->pages);
    /* Terms in Danish alphabetical order. */
    for (size_t x = 1; x < t->terms.n; x++)
      for (size_t y = x; y > 0 && dk_collate(t->terms.items[y - 1]->title, t->terms.items[y]->title) > 0; y--) {
        page *tmp = t->terms.items[y];
        t->terms.items[y] = t->terms.items[y - 1];
        t->terms.items[y - 1] = tmp;
      }
    t->list->pages = t->terms;
    vec_push(&b->all, t->list);
    for (size_t j = 0; j < t->terms.n; j++) vec_push(&b->all, t->terms.items[j]);
  }
}

/* ------------------------------------------------------------------ menu */

void mb_read_menu(builder *b) {
  val *m = val_get(b->s->config, "menu");
  if (!m) return;
  if (m->kind != VAL_LIST) {
    diag_error(b->d, b->site_file, m->line, m->col, "'menu' must be a list of items with 'title' and 'page' or 'url'");
    return;
  }
  b->s->menu = arena_calloc(b->a, m->u.list.n, sizeof(menu_item));
  for (size_t i = 0; i < m->u.list.n; i++) {
    val *it = m->u.list.items[i];
    menu_item *mi = &b->s->menu[b->s->nmenu];
    const char *pg = val_as_str(val_get(it, "page"));
    mi->url = val_as_str(val_get(it, "url"));
    mi->title = val_as_str(val_get(it, "title"));
    if (pg) {
      mi->page = map_get(&b->s->by_src, pg);
      if (!mi->page) {
        val *pv = val_get(it, "page");
        diag_error(b->d, b->site_file, pv->line, pv->col, "the menu names the page '%s', which does not exist", pg);
        continue;
      }
      mi->url = mi->page->url;
      if (!mi->title) mi->title = mi->page->title;
    }
    if (!mi->url || !mi->title) {
      diag_error(b->d, b->site_file, it->line, it->col, "a menu item needs a 'title' and a 'page' or 'url'");
      continue;
    }
    b->s->nmenu++;
  }
}

/* -------------------------------------------------------------- booklets */

static void booklet_add_page(builder *b, booklet *k, page *p) {
  mb_list_push(b->a, &k->pages, p);
  p->booklets = arena_realloc(b->a, p->booklets, p->nbooklets * sizeof(booklet *),
                              (p->nbooklets + 1) * sizeof(booklet *));
  p->booklets[p->nbooklets++] = k;
  if (!k->home) k->home = p;
}

/* Marks p as a page that links booklet k for download: its first page (the
 * pixi guide, the conference, the catalog's memo) and the section page of a
 * folder it names (temaer/, tilbud/). A proposal printed in the catalog does
 * not: the catalog is one download, offered where the catalog begins. */
static void booklet_link_from(builder *b, booklet *k, page *p) {
  for (size_t i = 0; i < p->ndownloads; i++)
    if (p->downloads[i] == k) return;
  p->downloads = arena_realloc(b->a, p->downloads, p->ndownloads * sizeof(booklet *),
                               (p->ndownloads + 1) * sizeof(booklet *));
  p->downloads[p->ndownloads++] = k;
}

/* Reads `booklets:`: each entry names its pages as .md paths below content/,
 * or a folder ("forslag/") for its section page and then its pages in list
 * order. */
void mb_read_booklets(builder *b) {
  val *bl = val_get(b->s->config, "booklets");
  if (!bl) return;
  if (bl->kind != VAL_LIST) {
    diag_error(b->d, b->site_file, bl->line, bl->col, "'booklets' must be a list of booklets (name, layout, pages)");
    return;
  }
  b->s->booklets = arena_calloc(b->a, bl->u.list.n ? bl->u.list.n : 1, sizeof(booklet));
  map names = MAP_INIT;
  for (size_t i = 0; i < bl->u.list.n; i++) {
    val *e = bl->u.list.items[i];
    booklet *k = &b->s->booklets[b->s->nbooklets];
    k->decl = e;
    k->file = b->site_file;
    k->line = e->line;
    k->name = val_as_str(val_get(e, "name"));
    k->layout = val_as_str(val_get(e, "layout"));
    k->title = val_as_str(val_get(e, "title"));
    k->subtitle = val_as_str(val_get(e, "subtitle"));
    k->author = val_as_str(val_get(e, "author"));
    k->subject = val_as_str(val_get(e, "subject"));
    k->label = val_as_str(val_get(e, "label"));
    val *imp = val_get(e, "impose");
    k->impose = imp && imp->kind == VAL_BOOL && imp->u.b;
    if (!k->name || !k->layout) {
      diag_error(b->d, b->site_file, e->line, e->col, "a booklet needs a 'name' and a 'layout'");
      continue;
    }
    if (k->layout[0] == '/' || strstr(k->layout, "..")) {
      val *lv = val_get(e, "layout");
      diag_error(b->d, b->site_file, lv->line, lv->col,
                 "a booklet's layout names a file in layouts/print/ without '.xml', like 'pixi', not a path ('%s')",
                 k->layout);
      continue;
    }
    const char *slug = dk_slug(b->a, k->name);
    if (strcmp(slug, k->name) != 0) {
      val *nv = val_get(e, "name");
      diag_error(b->d, b->site_file, nv->line, nv->col,
                 "a booklet's name becomes its file name: use lower case letters, digits and '-' ('%s')", slug);
      continue;
    }
    if (map_get(&names, k->name)) {
      diag_error(b->d, b->site_file, e->line, e->col, "there is already a booklet named '%s'", k->name);
      continue;
    }
    map_set(&names, k->name, k);
    val *pages = val_get(e, "pages");
    if (!pages || pages->kind != VAL_LIST || !pages->u.list.n) {
      diag_error(b->d, b->site_file, e->line, e->col, "the booklet '%s' needs 'pages': a list of .md files or folders", k->name);
      continue;
    }
    for (size_t j = 0; j < pages->u.list.n; j++) {
      val *pv = pages->u.list.items[j];
      const char *path = val_as_str(pv);
      page *p = path ? map_get(&b->s->by_src, path) : NULL;
      if (p) {
        booklet_add_page(b, k, p);
        if (j == 0) booklet_link_from(b, k, p);
        continue;
      }
      if (path && str_ends(path, "/")) {
        char *dir = arena_strndup(b->a, path, strlen(path) - 1);
        page *sec = map_get(&b->s->by_src, arena_printf(b->a, "%s/_index.md", dir));
        page_list members = {0};
        if (sec) {
          booklet_add_page(b, k, sec);
          booklet_link_from(b, k, sec);
          members = sec->pages;
        } else {
          for (size_t x = 0; x < b->all.n; x++)
            if (b->all.items[x]->kind == PAGE_SECTION && str_eq(b->all.items[x]->dir, dir))
              members = b->all.items[x]->pages;
        }
        for (size_t x = 0; x < members.n; x++) booklet_add_page(b, k, members.items[x]);
        if (sec || members.n) continue;
      }
      diag_error(b->d, b->site_file, pv->line, pv->col,
                 "the booklet '%s' names '%s', which is neither a page nor a folder below content/",
                 k->name, path ? path : "?");
    }
    b->s->nbooklets++;
  }
  map_free(&names);
}

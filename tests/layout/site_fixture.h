/* A tiny site built by hand for the klua and layout unit tests, so they do
 * not depend on model_build: a front page, two sections, two core groups,
 * three proposals with references between them, a menu, assets. */
#ifndef KLAR_SITE_FIXTURE_H
#define KLAR_SITE_FIXTURE_H
#include <string.h>
#include "core/arena.h"
#include "core/map.h"
#include "core/val.h"
#include "model/model.h"

typedef struct fixture {
  site *s;
  page *home, *groups, *proposals, *laering, *fritid, *p1, *p2, *p3;
} fixture;

static page *fx_page(arena *a, page_kind kind, const char *src, const char *section,
                     const char *type, const char *url, const char *title) {
  page *p = arena_calloc(a, 1, sizeof *p);
  p->kind = kind;
  p->src = src;
  p->file = src ? arena_printf(a, "content/%s", src) : NULL;
  p->dir = section;
  p->section = section;
  p->type = type;
  p->url = url;
  p->title = title;
  p->days = -1000000;
  p->fm = val_new(a, VAL_MAP, 1, 1);
  return p;
}

static val *fx_ref(arena *a, page *p) {
  val *v = val_new(a, VAL_REF, 3, 8);
  v->u.ref.s = p->src;
  v->u.ref.page = p;
  return v;
}

static page_list fx_list(arena *a, int n, ...) {
  page_list l;
  l.n = (size_t)n;
  l.items = arena_calloc(a, (size_t)(n ? n : 1), sizeof(page *));
  __builtin_va_list ap;
  __builtin_va_start(ap, n);
  for (int i = 0; i < n; i++) l.items[i] = __builtin_va_arg(ap, page *);
  __builtin_va_end(ap);
  return l;
}

static void fx_date(page *p, const char *d, long days) {
  p->date = d;
  p->days = days;
}

static fixture fx_build(arena *a, const char *layouts_dir) {
  fixture f;
  site *s = arena_calloc(a, 1, sizeof *s);
  f.s = s;
  s->root = ".";
  s->layouts_dir = layouts_dir;
  s->title = "KLAR til Læring";
  s->baseurl = "https://klar.hedensted.dk/";
  s->basepath = "/";
  s->language = "da";
  s->quote_open = "»";
  s->quote_close = "«";
  s->build_date = "2018-01-01";
  s->params = val_new(a, VAL_MAP, 1, 1);
  val_map_put(a, s->params, "kommune", val_str(a, "Hedensted", 2, 3));
  s->arena = a;

  f.home = fx_page(a, PAGE_HOME, "_index.md", "", "page", "/", "Forside");
  f.groups = fx_page(a, PAGE_SECTION, "kernegrupper/_index.md", "kernegrupper", "page",
                     "/kernegrupper/", "Kernegrupper");
  f.proposals = fx_page(a, PAGE_SECTION, "forslag/_index.md", "forslag", "page", "/forslag/",
                        "Forslag");
  f.laering = fx_page(a, PAGE_REGULAR, "kernegrupper/laering.md", "kernegrupper", "group",
                      "/kernegrupper/laering/", "Læring");
  f.laering->weight = 2;
  f.fritid = fx_page(a, PAGE_REGULAR, "kernegrupper/fritid.md", "kernegrupper", "group",
                     "/kernegrupper/fritid/", "Fritid og Fællesskab");
  f.fritid->weight = 1;
  f.p1 = fx_page(a, PAGE_REGULAR, "forslag/aaben-skole.md", "forslag", "proposal",
                 "/forslag/aaben-skole/", "Åben skole");
  f.p2 = fx_page(a, PAGE_REGULAR, "forslag/overgange.md", "forslag", "proposal",
                 "/forslag/overgange/", "Bedre overgange");
  f.p3 = fx_page(a, PAGE_REGULAR, "forslag/aebler.md", "forslag", "proposal", "/forslag/aebler/",
                 "Æbler i skolen");
  fx_date(f.p1, "2014-05-27", 16217);
  fx_date(f.p2, "2015-01-02", 16437);

  val_map_put(a, f.p1->fm, "group", fx_ref(a, f.laering));
  val *ifs = val_new(a, VAL_LIST, 4, 1);
  val_list_push(a, ifs, fx_ref(a, f.fritid));
  val_list_push(a, ifs, fx_ref(a, f.laering));
  val_map_put(a, f.p1->fm, "interfaces", ifs);
  val_map_put(a, f.p1->fm, "status", val_str(a, "idé", 5, 9));
  val *budget = val_new(a, VAL_NUM, 6, 9);
  budget->u.num = 2325750;
  val_map_put(a, f.p1->fm, "budget", budget);

  val_map_put(a, f.p2->fm, "group", fx_ref(a, f.fritid));
  val *ifs2 = val_new(a, VAL_LIST, 4, 1);
  val_list_push(a, ifs2, fx_ref(a, f.laering));
  val_map_put(a, f.p2->fm, "interfaces", ifs2);
  val_map_put(a, f.p3->fm, "group", fx_ref(a, f.laering));
  val_map_put(a, f.p3->fm, "status", val_str(a, "besluttet", 5, 9));

  f.laering->referrers = fx_list(a, 3, f.p1, f.p2, f.p3);
  f.fritid->referrers = fx_list(a, 2, f.p1, f.p2);
  f.groups->pages = fx_list(a, 2, f.fritid, f.laering);
  f.proposals->pages = fx_list(a, 3, f.p1, f.p2, f.p3);
  f.home->subsections = fx_list(a, 2, f.groups, f.proposals);
  f.laering->parent = f.fritid->parent = f.groups;
  f.p1->parent = f.p2->parent = f.p3->parent = f.proposals;
  f.groups->parent = f.proposals->parent = f.home;

  s->all = fx_list(a, 8, f.home, f.fritid, f.laering, f.groups, f.p1, f.p3, f.proposals, f.p2);
  s->regular = fx_list(a, 5, f.fritid, f.laering, f.p1, f.p3, f.p2);
  /* What the Markdown stage would have made, beside the pages. */
  page_md *md = arena_calloc(a, s->all.n, sizeof *md);
  for (size_t i = 0; i < s->all.n; i++) {
    page *p = s->all.items[i];
    p->index = i;
    map_set(&s->by_src, p->src, p);
    map_set(&s->by_url, p->url, p);
    md[i].html = "";
    md[i].summary = "";
  }
  page_md *m1 = &md[f.p1->index];
  m1->html = "<p>Brødtekst &amp; mere</p>";
  m1->summary = "Skolen åbner sig";
  m1->words = 3;
  m1->toc = arena_calloc(a, 2, sizeof *m1->toc);
  m1->toc[0] = (toc_entry){2, "baggrund", "Baggrund", 0, 0};
  m1->toc[1] = (toc_entry){2, "forslag", "Forslag", 0, 0};
  m1->ntoc = 2;
  s->md = md;
  s->home = f.home;
  map_set(&s->sections, "kernegrupper", f.groups);
  map_set(&s->sections, "forslag", f.proposals);
  map_set(&s->assets, "css/site.css", (void *)"/css/site.4f3a9c.css");
  s->menu = arena_calloc(a, 4, sizeof *s->menu);
  s->menu[0] = (menu_item){"Forside", NULL, f.home};
  s->menu[1] = (menu_item){"Kernegrupper", NULL, f.groups};
  s->menu[2] = (menu_item){"Forslag", NULL, f.proposals};
  s->menu[3] = (menu_item){"Kommunen", "https://www.hedensted.dk/", NULL};
  s->nmenu = 4;
  return f;
}

static void fx_free_maps(site *s) {
  map_free(&s->by_src);
  map_free(&s->by_url);
  map_free(&s->sections);
  map_free(&s->assets);
}

#endif

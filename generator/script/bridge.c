/* bridge: klar's read-only model as Lua values: one userdata per page with
 * its fields (docs/reference.md), front matter values and page lists as
 * tables built once per state, and the `site` table with its lazy fields. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../core/dk.h"
#include "klua_int.h"

/* Registry keys (their addresses). */
static char PAGES_KEY, LISTS_KEY, PAGE_MT_KEY, MENUS_KEY;
char klua_pagesof_key;

/* ---- the bridge: pages, values, lists ---------------------------------- */

void klua_push_number(lua_State *L, double x) {
  if (x == floor(x) && fabs(x) < 9007199254740992.0)
    lua_pushinteger(L, (lua_Integer)x);
  else
    lua_pushnumber(L, x);
}

/* Pushes the cached Lua table of key from the lists cache, or false. */
static bool cached(lua_State *L, const void *key) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &LISTS_KEY);
  if (lua_rawgetp(L, -1, key) != LUA_TNIL) {
    lua_remove(L, -2);
    return true;
  }
  lua_pop(L, 2);
  return false;
}

/* Stores the table on top under key, leaving it on top. */
static void cache_top(lua_State *L, const void *key) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &LISTS_KEY);
  lua_pushvalue(L, -2);
  lua_rawsetp(L, -2, key);
  lua_pop(L, 1);
}

/* Front matter values: lists and maps become tables, built once per state
 * (the model is read-only, so the cache never goes stale). */
static void push_val(lua_State *L, const val *v) {
  if (!v) {
    lua_pushnil(L);
    return;
  }
  switch (v->kind) {
  case VAL_NULL: lua_pushnil(L); return;
  case VAL_BOOL: lua_pushboolean(L, v->u.b); return;
  case VAL_NUM: klua_push_number(L, v->u.num); return;
  case VAL_STR: lua_pushlstring(L, v->u.str.s, v->u.str.len); return;
  case VAL_REF:
    if (v->u.ref.page) klua_push_page(L, v->u.ref.page);
    else lua_pushstring(L, v->u.ref.s);
    return;
  case VAL_LIST:
    if (cached(L, v)) return;
    lua_createtable(L, (int)v->u.list.n, 0);
    for (size_t i = 0; i < v->u.list.n; i++) {
      push_val(L, v->u.list.items[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    cache_top(L, v);
    return;
  case VAL_MAP:
    if (cached(L, v)) return;
    lua_createtable(L, 0, (int)v->u.map.n);
    for (size_t i = 0; i < v->u.map.n; i++) {
      push_val(L, v->u.map.vals[i]);
      lua_setfield(L, -2, v->u.map.keys[i]);
    }
    cache_top(L, v);
    return;
  }
  lua_pushnil(L);
}

void klua_watched(lua_State *L, const page *p, klua_read what) {
  klua *k = get_klua(L);
  if (k->watch) k->watch(k->watch_ctx, p, what);
}

/* A page list as a Lua sequence, cached by the list's address; owner (or
 * NULL for a site-wide list) is told to the watcher on every use, cached
 * or not, because each page's render is recorded on its own. */
static void push_list(lua_State *L, const page_list *l, const page *owner) {
  klua_watched(L, owner, KLUA_READ_LIST);
  if (cached(L, l)) return;
  lua_createtable(L, (int)l->n, 0);
  for (size_t i = 0; i < l->n; i++) {
    klua_push_page(L, l->items[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  cache_top(L, l);
}

/* One userdata per page per state, so that == is identity. */
void klua_push_page(lua_State *L, const page *p) {
  if (!p) {
    lua_pushnil(L);
    return;
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &PAGES_KEY);
  if (lua_rawgetp(L, -1, p) == LUA_TNIL) {
    lua_pop(L, 1);
    const page **u = lua_newuserdatauv(L, sizeof *u, 0);
    *u = p;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &PAGE_MT_KEY);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, p);
  }
  lua_remove(L, -2);
}

/* Returns the page of the userdata at idx, or NULL if it is not one. */
const page *klua_to_page(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) return NULL;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &PAGE_MT_KEY);
  bool is = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return is ? *(const page **)lua_touserdata(L, idx) : NULL;
}

/* Pushes a site path with the base path in front ("/temaer/" → "/klar/temaer/").
 * Absolute URLs, fragments and paths that already carry the base path are
 * left alone, so url(page.url) is harmless. */
void klua_push_url(lua_State *L, klua *k, const char *path) {
  const char *bp = k->basepath;
  if (!path) {
    lua_pushnil(L);
    return;
  }
  if (strstr(path, "://") || str_starts(path, "mailto:") || path[0] == '#' ||
      str_starts(path, "//") || (bp[1] && str_starts(path, bp))) {
    lua_pushstring(L, path);
    return;
  }
  if (path[0] == '/') path++;
  lua_pushfstring(L, "%s%s", bp, path);
}

static const char *kind_name(page_kind kind) {
  switch (kind) {
  case PAGE_REGULAR: return "page";
  case PAGE_SECTION: return "section";
  case PAGE_HOME: return "home";
  case PAGE_TAXONOMY: return "taxonomy";
  case PAGE_TERM: return "term";
  }
  return "page";
}

static void push_toc(lua_State *L, const page_md *m) {
  if (cached(L, &m->toc)) return;
  lua_createtable(L, (int)m->ntoc, 0);
  for (size_t i = 0; i < m->ntoc; i++) {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, m->toc[i].level);
    lua_setfield(L, -2, "level");
    lua_pushstring(L, m->toc[i].id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, m->toc[i].title);
    lua_setfield(L, -2, "title");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  cache_top(L, &m->toc);
}

/* Pushes booklet b as the layouts see it: {name, label, title, subtitle,
 * description, home, made, url, printer_url, imposed_url, bytes, size,
 * pages}. label is the short name to show (the declared `label`, else the
 * title, else its first page's title), description the declared `subject`
 * (nil without one: a layout may show home.summary), home the booklet's
 * first page, title the subtitle or title as before. size is readable in
 * Danish style ("36 kB", "1,2 MB": kilobytes rounded up, megabytes to one
 * decimal, 1000 bytes a kilobyte), pages the reader PDF's page count. A
 * booklet not made (klar serve, klar build --no-booklets without earlier
 * PDFs) has made = false and neither url, size nor pages. */
static void push_booklet(lua_State *L, klua *k, const booklet *b) {
  lua_createtable(L, 0, 13);
  lua_pushstring(L, b->name);
  lua_setfield(L, -2, "name");
  lua_pushstring(L, b->subtitle ? b->subtitle : b->title ? b->title : b->name);
  lua_setfield(L, -2, "title");
  const char *label = b->label ? b->label : b->title ? b->title : b->home ? b->home->title : b->name;
  lua_pushstring(L, label);
  lua_setfield(L, -2, "label");
  if (b->subtitle) {
    lua_pushstring(L, b->subtitle);
    lua_setfield(L, -2, "subtitle");
  }
  if (b->subject) {
    lua_pushstring(L, b->subject);
    lua_setfield(L, -2, "description");
  }
  lua_pushstring(L, b->layout);
  lua_setfield(L, -2, "layout");
  klua_push_page(L, b->home);
  lua_setfield(L, -2, "home");
  lua_pushboolean(L, b->made);
  lua_setfield(L, -2, "made");
  if (!b->made) return;
  klua_push_url(L, k, b->url);
  lua_setfield(L, -2, "url");
  klua_push_url(L, k, b->printer_url);
  lua_setfield(L, -2, "printer_url");
  if (b->imposed_url) {
    klua_push_url(L, k, b->imposed_url);
    lua_setfield(L, -2, "imposed_url");
  }
  lua_pushinteger(L, b->bytes);
  lua_setfield(L, -2, "bytes");
  sbuf sz = SBUF_INIT;
  long kb = (b->bytes + 999) / 1000;
  if (kb < 1000) {
    dk_number_put(&sz, (double)kb, 0);
    sbuf_puts(&sz, "\xC2\xA0kB");
  } else {
    dk_number_put(&sz, (double)((b->bytes + 50000) / 100000) / 10.0, 1);
    sbuf_puts(&sz, "\xC2\xA0MB");
  }
  lua_pushstring(L, sbuf_str(&sz));
  sbuf_free(&sz);
  lua_setfield(L, -2, "size");
  lua_pushinteger(L, b->npages);
  lua_setfield(L, -2, "pages");
}

/* Pushes the made booklets of list (the page's booklets or downloads) as a
 * list of push_booklet tables, cached under key. */
static void push_booklet_list(lua_State *L, klua *k, booklet *const *list, size_t n, const void *key) {
  if (cached(L, key)) return;
  lua_createtable(L, (int)n, 0);
  int m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!list[i]->made) continue;
    push_booklet(L, k, list[i]);
    lua_rawseti(L, -2, ++m);
  }
  cache_top(L, key);
}

/* Pushes the pager of page p (model.h): {number, total, pages (this page's
 * part of the list), first, prev, next (pages, nil at the ends), all (every
 * page of the list, in order)}; nil when the list is not split. */
static void push_pager(lua_State *L, const page *p) {
  const pager *g = p->pager;
  if (!g) {
    lua_pushnil(L);
    return;
  }
  klua_watched(L, g->first, KLUA_READ_LIST); /* before the cache: every reader depends on the list */
  if (cached(L, g)) return;
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, g->number);
  lua_setfield(L, -2, "number");
  lua_pushinteger(L, g->total);
  lua_setfield(L, -2, "total");
  push_list(L, &g->pages, g->first);
  lua_setfield(L, -2, "pages");
  klua_push_page(L, g->first);
  lua_setfield(L, -2, "first");
  klua_push_page(L, g->number > 1 ? g->all[g->number - 2] : NULL);
  lua_setfield(L, -2, "prev");
  klua_push_page(L, g->number < g->total ? g->all[g->number] : NULL);
  lua_setfield(L, -2, "next");
  lua_createtable(L, g->total, 0);
  for (int i = 0; i < g->total; i++) {
    klua_push_page(L, g->all[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "all");
  cache_top(L, g);
}

/* Pushes field key of page p: a builtin field of docs/reference.md, else the
 * front matter field of that name, else nil. */
void klua_push_field(lua_State *L, klua *k, const page *p, const char *key) {
  if (k->watch) {
    klua_read what = !strcmp(key, "content")   ? KLUA_READ_CONTENT
                     : !strcmp(key, "summary") ? KLUA_READ_SUMMARY
                     : !strcmp(key, "toc")     ? KLUA_READ_TOC
                     : !strcmp(key, "words")   ? KLUA_READ_WORDS
                                               : KLUA_READ_FIELD;
    k->watch(k->watch_ctx, p, what);
  }
  switch (key[0]) {
  case 'b':
    if (!strcmp(key, "booklets")) { push_booklet_list(L, k, p->booklets, p->nbooklets, &p->booklets); return; }
    break;
  case 'c':
    if (!strcmp(key, "content")) { lua_pushstring(L, model_page_md(k->s, p)->html); return; }
    break;
  case 'd':
    if (!strcmp(key, "date")) { lua_pushstring(L, p->date); return; }
    if (!strcmp(key, "days")) {
      if (p->date) lua_pushinteger(L, p->days);
      else lua_pushnil(L);
      return;
    }
    if (!strcmp(key, "draft")) { lua_pushboolean(L, p->draft); return; }
    if (!strcmp(key, "downloads")) { push_booklet_list(L, k, p->downloads, p->ndownloads, &p->downloads); return; }
    break;
  case 'f':
    if (!strcmp(key, "file")) { lua_pushstring(L, p->file); return; }
    break;
  case 'k':
    if (!strcmp(key, "kind")) { lua_pushstring(L, kind_name(p->kind)); return; }
    break;
  case 'p':
    if (!strcmp(key, "pages")) { push_list(L, &p->pages, p); return; }
    if (!strcmp(key, "parent")) { klua_push_page(L, p->parent); return; }
    if (!strcmp(key, "permalink")) {
      klua_push_url(L, k, p->url);
      lua_pushstring(L, k->origin);
      lua_insert(L, -2);
      lua_concat(L, 2);
      return;
    }
    if (!strcmp(key, "params")) { push_val(L, p->fm); return; }
    if (!strcmp(key, "pager")) { push_pager(L, p); return; }
    break;
  case 'r':
    if (!strcmp(key, "referrers")) { push_list(L, &p->referrers, p); return; }
    break;
  case 's':
    if (!strcmp(key, "section")) { lua_pushstring(L, p->section); return; }
    if (!strcmp(key, "slug")) { lua_pushstring(L, p->slug); return; }
    if (!strcmp(key, "summary")) { lua_pushstring(L, model_page_md(k->s, p)->summary); return; }
    if (!strcmp(key, "subsections")) { push_list(L, &p->subsections, p); return; }
    break;
  case 't':
    if (!strcmp(key, "title")) { lua_pushstring(L, p->title); return; }
    if (!strcmp(key, "type")) { lua_pushstring(L, p->type); return; }
    if (!strcmp(key, "toc")) { push_toc(L, model_page_md(k->s, p)); return; }
    if (!strcmp(key, "term")) { lua_pushstring(L, p->term); return; }
    if (!strcmp(key, "taxonomy")) { lua_pushstring(L, p->taxonomy); return; }
    break;
  case 'u':
    if (!strcmp(key, "url")) { klua_push_url(L, k, p->url); return; }
    break;
  case 'w':
    if (!strcmp(key, "weight")) { klua_push_number(L, p->weight); return; }
    if (!strcmp(key, "words")) { lua_pushinteger(L, model_page_md(k->s, p)->words); return; }
    break;
  default:
    break;
  }
  push_val(L, val_get(p->fm, key));
}

static int page_index(lua_State *L) {
  const page *p = *(const page **)lua_touserdata(L, 1);
  if (lua_type(L, 2) != LUA_TSTRING) {
    lua_pushnil(L);
    return 1;
  }
  klua_push_field(L, get_klua(L), p, lua_tostring(L, 2));
  return 1;
}

static int page_tostring(lua_State *L) {
  const page *p = *(const page **)lua_touserdata(L, 1);
  lua_pushstring(L, p->title ? p->title : "");
  return 1;
}

static int page_eq(lua_State *L) {
  lua_pushboolean(L, klua_to_page(L, 1) && klua_to_page(L, 1) == klua_to_page(L, 2));
  return 1;
}

static int page_newindex(lua_State *L) {
  return luaL_error(L, "pages are read-only (cannot set '%s')", luaL_optstring(L, 2, "?"));
}

void klua_bridge_init(lua_State *L) {
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &PAGES_KEY);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &LISTS_KEY);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &klua_pagesof_key);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &MENUS_KEY);
  lua_createtable(L, 0, 6);
  lua_pushcfunction(L, page_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, page_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, page_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, page_eq);
  lua_setfield(L, -2, "__eq");
  lua_pushliteral(L, "page");
  lua_setfield(L, -2, "__metatable");
  lua_pushliteral(L, "page");
  lua_setfield(L, -2, "__name");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &PAGE_MT_KEY);
}

/* ---- site --------------------------------------------------------------- */

/* Whether menu item m is active on the page whose URL is cur: the front
 * page only on itself, any other item also on the pages below it. */
static bool menu_active(const menu_item *m, const char *cur) {
  const char *url = m->page ? m->page->url : m->url;
  if (!cur || !url || url[0] != '/') return false;
  return !strcmp(url, "/") ? !strcmp(cur, "/") : str_starts(cur, url);
}

/* site.menu for the current page. Only the items' `active` differs from
 * page to page, and the pages of one section all have the same items
 * active, so the menu is built once per state for each set of active
 * items (the key: one '0' or '1' per item) and shared, as the page lists
 * are: building 20 tables for every page was a fifth of rendering the
 * 10,000-page benchmark site. */
static void push_menu(lua_State *L, klua *k) {
  const site *s = k->s;
  const char *cur = k->cur ? k->cur->url : NULL;
  char small[64];
  char *key = s->nmenu <= sizeof small ? small : xmalloc(s->nmenu);
  for (size_t i = 0; i < s->nmenu; i++) key[i] = menu_active(&s->menu[i], cur) ? '1' : '0';
  lua_rawgetp(L, LUA_REGISTRYINDEX, &MENUS_KEY);
  lua_pushlstring(L, key, s->nmenu);
  if (key != small) free(key);
  lua_pushvalue(L, -1);
  if (lua_rawget(L, -3) != LUA_TNIL) { /* menus key menu */
    lua_insert(L, -3);
    lua_pop(L, 2);
    return;
  }
  lua_pop(L, 1);
  lua_createtable(L, (int)s->nmenu, 0);
  for (size_t i = 0; i < s->nmenu; i++) {
    const menu_item *m = &s->menu[i];
    lua_createtable(L, 0, 4);
    lua_pushstring(L, m->title);
    lua_setfield(L, -2, "title");
    klua_push_url(L, k, m->page ? m->page->url : m->url);
    lua_setfield(L, -2, "url");
    klua_push_page(L, m->page);
    lua_setfield(L, -2, "page");
    lua_pushboolean(L, menu_active(m, cur));
    lua_setfield(L, -2, "active");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_pushvalue(L, -1); /* menus key menu menu */
  lua_insert(L, -4);    /* menu menus key menu */
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

/* The lazy fields of `site`: built on first use and stored in the table
 * (except the menu, whose `active` depends on the current page). */
static int site_index(lua_State *L) {
  klua *k = get_klua(L);
  const site *s = k->s;
  const char *key = lua_tostring(L, 2);
  if (!key) return 0;
  if (!strcmp(key, "menu")) {
    push_menu(L, k);
    return 1;
  }
  if (!strcmp(key, "params")) {
    push_val(L, s->params);
  } else if (!strcmp(key, "pages")) {
    push_list(L, &s->regular, NULL);
  } else if (!strcmp(key, "sections")) {
    klua_watched(L, NULL, KLUA_READ_LIST);
    if (cached(L, &s->sections)) return 1;
    lua_createtable(L, 0, (int)s->sections.n);
    for (size_t i = 0; i < s->sections.n; i++) {
      klua_push_page(L, s->sections.entries[i].value);
      lua_setfield(L, -2, s->sections.entries[i].key);
    }
    cache_top(L, &s->sections);
  } else if (!strcmp(key, "booklets")) {
    /* Every booklet declared, made or not (the /hent/ page lists them all). */
    klua_watched(L, NULL, KLUA_READ_LIST);
    if (cached(L, &s->booklets)) return 1;
    lua_createtable(L, (int)s->nbooklets, 0);
    for (size_t i = 0; i < s->nbooklets; i++) {
      push_booklet(L, k, &s->booklets[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    cache_top(L, &s->booklets);
  } else if (!strcmp(key, "taxonomies")) {
    klua_watched(L, NULL, KLUA_READ_LIST);
    if (cached(L, &s->taxonomies)) return 1;
    lua_createtable(L, 0, (int)s->ntaxonomies);
    for (size_t i = 0; i < s->ntaxonomies; i++) {
      const taxonomy *t = &s->taxonomies[i];
      lua_createtable(L, 0, 4);
      lua_pushstring(L, t->title);
      lua_setfield(L, -2, "title");
      klua_push_url(L, k, t->list ? t->list->url : NULL);
      lua_setfield(L, -2, "url");
      klua_push_page(L, t->list);
      lua_setfield(L, -2, "page");
      push_list(L, &t->terms, NULL);
      lua_setfield(L, -2, "terms");
      lua_setfield(L, -2, t->name);
    }
    cache_top(L, &s->taxonomies);
  } else {
    return 0;
  }
  /* Kept in the table for the next read, except while a watcher records
   * each page's reads: a kept list would be read past it. The tables are
   * kept in the lists cache all the same (built once per state, told to
   * the watcher on every read): a page that shows its tags' links reads
   * site.taxonomies two to four times. */
  if (k->watch && strcmp(key, "params")) return 1;
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 1;
}

void klua_push_site(lua_State *L, klua *k) {
  const site *s = k->s;
  lua_createtable(L, 0, 8);
  lua_pushstring(L, s->title);
  lua_setfield(L, -2, "title");
  lua_pushstring(L, s->baseurl);
  lua_setfield(L, -2, "baseurl");
  lua_pushstring(L, s->language ? s->language : "da");
  lua_setfield(L, -2, "language");
  lua_pushstring(L, s->build_date);
  lua_setfield(L, -2, "build_date");
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, site_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
}


void klua_set_watch(klua *k, klua_watch_fn fn, void *ctx) {
  k->watch = fn;
  k->watch_ctx = ctx;
}

/* klua: sandboxed Lua states, the bridge from klar's model to Lua, and the
 * template helpers of docs/reference.md. This file is the only one in klar
 * that includes Lua; everything else sees the small API of klua.h.
 *
 * The main stack of every state keeps five fixed slots for the life of the
 * state, so the hot paths of rendering never look anything up:
 *   1 G      the sandbox globals (helpers, site, page, library tables)
 *   2 E      the environment of expressions: locals of k:with/k:for,
 *            falling back to G through its metatable
 *   3 S      saved values of shadowed locals and the lists of running k:for
 *   4 X      compiled expressions, by handle
 *   5 msgh   the message handler of every protected call
 * Every API function leaves the stack at exactly these five slots. */
#include "klua.h"
#include <dirent.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../core/dk.h"
#include "../core/fsx.h"
#include "../md/md.h"

enum { IDX_G = 1, IDX_E, IDX_S, IDX_X, IDX_MSGH, IDX_TOP = IDX_MSGH };

/* The count hook runs every HOOK_STEP instructions; cheap enough to leave on. */
#define HOOK_STEP 1000

struct klua {
  lua_State *L;
  const site *s;
  const page *cur;
  const char *broken_link; /* markdown(): the first link it could not resolve */
  /* memory ceiling: enforced only inside protected calls, so the few
   * allocations klua makes outside them can never raise */
  size_t mem, mem_limit;
  bool in_call, mem_hit;
  long budget, budget_left;
  bool hook_fast;
  const val *strings;
  const char *strings_file;
  const char *origin;   /* "https://klar.hedensted.dk" */
  const char *basepath; /* "/" or "/klar/" */
  arena *scratch;       /* per page: markdown() results */
  sbuf err;
  int nexprs;
  const char **names;   /* per S slot: the local it saves, or NULL */
  size_t sp, cap;
  int menu_ref;         /* cached site.menu of menu_page */
  const page *menu_page;
};

/* Registry keys (their addresses). */
static char PAGES_KEY, LISTS_KEY, PAGESOF_KEY, PAGE_MT_KEY;

static klua *get_klua(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

/* ---- allocator, budget, errors ----------------------------------------- */

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  klua *k = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    k->mem -= old;
    return NULL;
  }
  if (nsize > old && k->in_call && k->mem + (nsize - old) > k->mem_limit) {
    k->mem_hit = true;
    return NULL;
  }
  void *np = realloc(ptr, nsize);
  if (!np) return NULL;
  k->mem = k->mem - old + nsize;
  return np;
}

/* Lua panics only on an error outside a protected call, which klua never
 * makes on purpose: treat it like running out of memory. */
static int panic(lua_State *L) { klar_oom(); }

/* Once the budget is spent, the hook fires on every instruction, so that a
 * pcall inside the runaway script cannot swallow the error for long: the
 * next instruction outside that pcall raises it again. */
static void hook(lua_State *L, lua_Debug *ar) {
  klua *k = get_klua(L);
  k->budget_left -= k->hook_fast ? 1 : HOOK_STEP;
  if (k->budget_left >= 0) return;
  if (!k->hook_fast) {
    k->hook_fast = true;
    lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  }
  if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0 && ar->source[0] == '@')
    lua_pushfstring(L, "%s:%d: instruction budget exceeded (%d instructions); is there an endless loop?",
                    ar->short_src, ar->currentline, (int)k->budget);
  else
    lua_pushfstring(L, "instruction budget exceeded (%d instructions); is there an endless loop?",
                    (int)k->budget);
  lua_error(L);
}

/* The message handler: turns any error value into text and adds where in the
 * site's helper files it passed ("called from layouts/lua/x.lua:7"), which
 * Lua's own message leaves out. */
static int msgh(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      msg = lua_tostring(L, -1);
    else
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, msg);
  lua_Debug ar;
  int shown = 0;
  bool opened = false;
  for (int level = 1; shown < 4 && lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar) || ar.source[0] != '@' || ar.currentline <= 0) continue;
    char where[LUA_IDSIZE + 24];
    snprintf(where, sizeof where, "%s:%d", ar.short_src, ar.currentline);
    shown++;
    if (shown == 1 && strncmp(msg, where, strlen(where)) == 0) continue; /* already there */
    luaL_addstring(&b, opened ? ", " : " (called from ");
    luaL_addstring(&b, where);
    opened = true;
  }
  if (opened) luaL_addchar(&b, ')');
  luaL_pushresult(&b);
  return 1;
}

/* Strips the position of an expression chunk ("expression:2: ") from a
 * message: the layout names the file and line itself. */
static const char *strip_expr_pos(const char *m) {
  static const char pre[] = "expression:";
  if (strncmp(m, pre, sizeof pre - 1) != 0) return m;
  const char *p = m + sizeof pre - 1;
  while (*p >= '0' && *p <= '9') p++;
  if (p[0] == ':' && p[1] == ' ') return p + 2;
  return m;
}

static void set_err_from_top(klua *k, int status) {
  sbuf_clear(&k->err);
  if (status == LUA_ERRMEM && k->mem_hit) {
    sbuf_printf(&k->err, "memory limit exceeded (%zu MiB per Lua state)", k->mem_limit >> 20);
  } else {
    const char *m = lua_tostring(k->L, -1);
    sbuf_puts(&k->err, strip_expr_pos(m ? m : "error without a message"));
  }
  lua_pop(k->L, 1);
}

/* Calls the function below nargs arguments under the message handler, the
 * budget and the memory ceiling. On error, sets k->err and pops the message
 * (nothing of the call is left); on success nres results are on the stack. */
static bool pcall(klua *k, int nargs, int nres) {
  lua_State *L = k->L;
  k->budget_left = k->budget;
  if (k->hook_fast) {
    k->hook_fast = false;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_STEP);
  }
  k->mem_hit = false;
  k->in_call = true;
  int status = lua_pcall(L, nargs, nres, IDX_MSGH);
  k->in_call = false;
  if (status != LUA_OK) {
    set_err_from_top(k, status);
    return false;
  }
  return true;
}

const char *klua_error(const klua *k) { return k->err.data ? k->err.data : ""; }

/* ---- the bridge: pages, values, lists ---------------------------------- */

static void push_page(lua_State *L, const page *p);

static void push_number(lua_State *L, double x) {
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
  case VAL_NUM: push_number(L, v->u.num); return;
  case VAL_STR: lua_pushlstring(L, v->u.str.s, v->u.str.len); return;
  case VAL_REF:
    if (v->u.ref.page) push_page(L, v->u.ref.page);
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

/* A page list as a Lua sequence, cached by the list's address. */
static void push_list(lua_State *L, const page_list *l) {
  if (cached(L, l)) return;
  lua_createtable(L, (int)l->n, 0);
  for (size_t i = 0; i < l->n; i++) {
    push_page(L, l->items[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  cache_top(L, l);
}

/* One userdata per page per state, so that == is identity. */
static void push_page(lua_State *L, const page *p) {
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
static const page *to_page(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) return NULL;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &PAGE_MT_KEY);
  bool is = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return is ? *(const page **)lua_touserdata(L, idx) : NULL;
}

/* Pushes a site path with the base path in front ("/temaer/" → "/klar/temaer/").
 * Absolute URLs, fragments and paths that already carry the base path are
 * left alone, so url(page.url) is harmless. */
static void push_url(lua_State *L, klua *k, const char *path) {
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

static void push_toc(lua_State *L, const page *p) {
  if (cached(L, &p->toc)) return;
  lua_createtable(L, (int)p->ntoc, 0);
  for (size_t i = 0; i < p->ntoc; i++) {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, p->toc[i].level);
    lua_setfield(L, -2, "level");
    lua_pushstring(L, p->toc[i].id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, p->toc[i].title);
    lua_setfield(L, -2, "title");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  cache_top(L, &p->toc);
}

/* Pushes the booklets page p is printed in, as made by the build: a list of
 * {name, title, url, printer_url, imposed_url, bytes, size, pages}, where
 * size is readable ("36 kB") and pages the reader PDF's page count. Booklets
 * that were not made (klar build --no-booklets) are left out. */
static void push_booklets(lua_State *L, klua *k, const page *p) {
  if (cached(L, &p->booklets)) return;
  lua_createtable(L, (int)p->nbooklets, 0);
  int n = 0;
  for (size_t i = 0; i < p->nbooklets; i++) {
    const booklet *b = p->booklets[i];
    if (!b->made) continue;
    lua_createtable(L, 0, 8);
    lua_pushstring(L, b->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, b->subtitle ? b->subtitle : b->title ? b->title : b->name);
    lua_setfield(L, -2, "title");
    push_url(L, k, b->url);
    lua_setfield(L, -2, "url");
    push_url(L, k, b->printer_url);
    lua_setfield(L, -2, "printer_url");
    if (b->imposed_url) {
      push_url(L, k, b->imposed_url);
      lua_setfield(L, -2, "imposed_url");
    }
    lua_pushinteger(L, b->bytes);
    lua_setfield(L, -2, "bytes");
    /* Danish style: "36 kB", "1,2 MB". */
    sbuf sz = SBUF_INIT;
    if (b->bytes < 1000 * 1000) {
      dk_number_put(&sz, (double)((b->bytes + 999) / 1000), 0);
      sbuf_puts(&sz, "\xC2\xA0kB");
    } else {
      dk_number_put(&sz, (double)(b->bytes / 100000) / 10.0, 1);
      sbuf_puts(&sz, "\xC2\xA0MB");
    }
    lua_pushstring(L, sbuf_str(&sz));
    sbuf_free(&sz);
    lua_setfield(L, -2, "size");
    lua_pushinteger(L, b->npages);
    lua_setfield(L, -2, "pages");
    lua_rawseti(L, -2, ++n);
  }
  cache_top(L, &p->booklets);
}

/* Pushes field key of page p: a builtin field of docs/reference.md, else the
 * front matter field of that name, else nil. */
static void push_field(lua_State *L, klua *k, const page *p, const char *key) {
  switch (key[0]) {
  case 'b':
    if (!strcmp(key, "booklets")) { push_booklets(L, k, p); return; }
    break;
  case 'c':
    if (!strcmp(key, "content")) { lua_pushstring(L, p->html ? p->html : ""); return; }
    break;
  case 'd':
    if (!strcmp(key, "date")) { lua_pushstring(L, p->date); return; }
    if (!strcmp(key, "days")) {
      if (p->date) lua_pushinteger(L, p->days);
      else lua_pushnil(L);
      return;
    }
    if (!strcmp(key, "draft")) { lua_pushboolean(L, p->draft); return; }
    break;
  case 'f':
    if (!strcmp(key, "file")) { lua_pushstring(L, p->file); return; }
    break;
  case 'k':
    if (!strcmp(key, "kind")) { lua_pushstring(L, kind_name(p->kind)); return; }
    break;
  case 'p':
    if (!strcmp(key, "pages")) { push_list(L, &p->pages); return; }
    if (!strcmp(key, "parent")) { push_page(L, p->parent); return; }
    if (!strcmp(key, "permalink")) {
      push_url(L, k, p->url);
      lua_pushstring(L, k->origin);
      lua_insert(L, -2);
      lua_concat(L, 2);
      return;
    }
    if (!strcmp(key, "params")) { push_val(L, p->fm); return; }
    break;
  case 'r':
    if (!strcmp(key, "referrers")) { push_list(L, &p->referrers); return; }
    break;
  case 's':
    if (!strcmp(key, "section")) { lua_pushstring(L, p->section); return; }
    if (!strcmp(key, "slug")) { lua_pushstring(L, p->slug); return; }
    if (!strcmp(key, "summary")) { lua_pushstring(L, p->summary); return; }
    if (!strcmp(key, "subsections")) { push_list(L, &p->subsections); return; }
    break;
  case 't':
    if (!strcmp(key, "title")) { lua_pushstring(L, p->title); return; }
    if (!strcmp(key, "type")) { lua_pushstring(L, p->type); return; }
    if (!strcmp(key, "toc")) { push_toc(L, p); return; }
    if (!strcmp(key, "term")) { lua_pushstring(L, p->term); return; }
    if (!strcmp(key, "taxonomy")) { lua_pushstring(L, p->taxonomy); return; }
    break;
  case 'u':
    if (!strcmp(key, "url")) { push_url(L, k, p->url); return; }
    break;
  case 'w':
    if (!strcmp(key, "weight")) { push_number(L, p->weight); return; }
    if (!strcmp(key, "words")) { lua_pushinteger(L, p->words); return; }
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
  push_field(L, get_klua(L), p, lua_tostring(L, 2));
  return 1;
}

static int page_tostring(lua_State *L) {
  const page *p = *(const page **)lua_touserdata(L, 1);
  lua_pushstring(L, p->title ? p->title : "");
  return 1;
}

static int page_eq(lua_State *L) {
  lua_pushboolean(L, to_page(L, 1) && to_page(L, 1) == to_page(L, 2));
  return 1;
}

static int page_newindex(lua_State *L) {
  return luaL_error(L, "pages are read-only (cannot set '%s')", luaL_optstring(L, 2, "?"));
}

/* ---- site --------------------------------------------------------------- */

static void push_menu(lua_State *L, klua *k) {
  const site *s = k->s;
  if (k->menu_ref != LUA_NOREF && k->menu_page == k->cur) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, k->menu_ref);
    return;
  }
  lua_createtable(L, (int)s->nmenu, 0);
  const char *cur = k->cur ? k->cur->url : NULL;
  for (size_t i = 0; i < s->nmenu; i++) {
    const menu_item *m = &s->menu[i];
    const char *url = m->page ? m->page->url : m->url;
    lua_createtable(L, 0, 4);
    lua_pushstring(L, m->title);
    lua_setfield(L, -2, "title");
    push_url(L, k, url);
    lua_setfield(L, -2, "url");
    push_page(L, m->page);
    lua_setfield(L, -2, "page");
    /* The front page is active only on itself; any other item also on
     * the pages below it. */
    bool active = false;
    if (cur && url && url[0] == '/') {
      if (!strcmp(url, "/")) active = !strcmp(cur, "/");
      else active = str_starts(cur, url);
    }
    lua_pushboolean(L, active);
    lua_setfield(L, -2, "active");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  if (k->menu_ref == LUA_NOREF) {
    lua_pushvalue(L, -1);
    k->menu_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  } else {
    lua_pushvalue(L, -1);
    lua_rawseti(L, LUA_REGISTRYINDEX, k->menu_ref);
  }
  k->menu_page = k->cur;
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
    push_list(L, &s->regular);
  } else if (!strcmp(key, "sections")) {
    lua_createtable(L, 0, (int)s->sections.n);
    for (size_t i = 0; i < s->sections.n; i++) {
      push_page(L, s->sections.entries[i].value);
      lua_setfield(L, -2, s->sections.entries[i].key);
    }
  } else if (!strcmp(key, "taxonomies")) {
    lua_createtable(L, 0, (int)s->ntaxonomies);
    for (size_t i = 0; i < s->ntaxonomies; i++) {
      const taxonomy *t = &s->taxonomies[i];
      lua_createtable(L, 0, 4);
      lua_pushstring(L, t->title);
      lua_setfield(L, -2, "title");
      push_url(L, k, t->list ? t->list->url : NULL);
      lua_setfield(L, -2, "url");
      push_page(L, t->list);
      lua_setfield(L, -2, "page");
      push_list(L, &t->terms);
      lua_setfield(L, -2, "terms");
      lua_setfield(L, -2, t->name);
    }
  } else {
    return 0;
  }
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 1;
}

static void push_site(lua_State *L, klua *k) {
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

/* ---- helpers ------------------------------------------------------------ */

/* Pushes field path (dotted: "params.x") of the item at idx; pages are read
 * directly, without going through their metatable. */
static void push_item_field(lua_State *L, klua *k, int idx, const char *path) {
  idx = lua_absindex(L, idx);
  lua_pushvalue(L, idx);
  char part[128];
  while (*path) {
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    if (n >= sizeof part) n = sizeof part - 1;
    memcpy(part, path, n);
    part[n] = 0;
    path += dot ? n + 1 : n;
    const page *p = to_page(L, -1);
    if (p) {
      lua_pop(L, 1);
      push_field(L, k, p, part);
    } else if (lua_type(L, -1) == LUA_TTABLE) {
      lua_getfield(L, -1, part);
      lua_remove(L, -2);
    } else {
      lua_pop(L, 1);
      lua_pushnil(L);
      return;
    }
  }
}

/* The list argument of a list helper: a table, or nil for an empty list. */
static lua_Integer list_arg(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return 0;
  luaL_checktype(L, idx, LUA_TTABLE);
  return (lua_Integer)lua_rawlen(L, idx);
}

static int h_url(lua_State *L) {
  klua *k = get_klua(L);
  const page *p = to_page(L, 1);
  push_url(L, k, p ? p->url : luaL_checkstring(L, 1));
  return 1;
}

static int h_abs_url(lua_State *L) {
  klua *k = get_klua(L);
  const page *p = to_page(L, 1);
  const char *path = p ? p->url : luaL_checkstring(L, 1);
  if (strstr(path, "://") || str_starts(path, "mailto:")) {
    lua_pushstring(L, path);
    return 1;
  }
  lua_pushstring(L, k->origin);
  push_url(L, k, path);
  lua_concat(L, 2);
  return 1;
}

static int h_asset(lua_State *L) {
  klua *k = get_klua(L);
  const char *name = luaL_checkstring(L, 1);
  const char *u = map_get(&k->s->assets, name);
  if (!u) return luaL_error(L, "unknown asset '%s' (no such file below assets/)", name);
  push_url(L, k, u);
  return 1;
}

static void push_sbuf(lua_State *L, sbuf *b) {
  lua_pushlstring(L, b->data ? b->data : "", b->len);
  sbuf_free(b);
}

static int h_date(lua_State *L) {
  const page *p = to_page(L, 1);
  const char *d = p ? p->date : lua_tostring(L, 1);
  const char *style = luaL_optstring(L, 2, "long");
  if (!d) return luaL_error(L, "date: no date given (got %s)", p ? "a page without a date" : luaL_typename(L, 1));
  int y, m, day;
  if (!dk_parse_date(d, &y, &m, &day)) return luaL_error(L, "date: '%s' is not a date (write it as 2014-05-27)", d);
  sbuf b = SBUF_INIT;
  if (!strcmp(style, "long")) dk_date_put(&b, y, m, day, false);
  else if (!strcmp(style, "short")) dk_date_short_put(&b, y, m, day);
  else if (!strcmp(style, "iso")) sbuf_printf(&b, "%04d-%02d-%02d", y, m, day);
  else if (!strcmp(style, "weekday")) {
    sbuf_printf(&b, "%s ", dk_weekday(y, m, day));
    dk_date_put(&b, y, m, day, false);
  } else if (!strcmp(style, "month")) sbuf_printf(&b, "%s %d", dk_month(m), y);
  else {
    sbuf_free(&b);
    return luaL_error(L, "date: unknown style '%s' (use short, iso, weekday or month)", style);
  }
  push_sbuf(L, &b);
  return 1;
}

static int h_number(lua_State *L) {
  double x = luaL_checknumber(L, 1);
  int dec = (int)luaL_optinteger(L, 2, -1);
  sbuf b = SBUF_INIT;
  dk_number_put(&b, x, dec);
  push_sbuf(L, &b);
  return 1;
}

static int h_money(lua_State *L) {
  double x = luaL_checknumber(L, 1);
  sbuf b = SBUF_INIT;
  dk_money_put(&b, x);
  push_sbuf(L, &b);
  return 1;
}

static int h_plural(lua_State *L) {
  double x = luaL_checknumber(L, 1);
  const char *one = luaL_checkstring(L, 2);
  const char *many = luaL_optstring(L, 3, one);
  sbuf b = SBUF_INIT;
  dk_number_put(&b, x, -1);
  sbuf_putc(&b, ' ');
  sbuf_puts(&b, x == 1 ? one : many);
  push_sbuf(L, &b);
  return 1;
}

static int h_t(lua_State *L) {
  klua *k = get_klua(L);
  const char *key = luaL_checkstring(L, 1);
  const char *lang = k->s->language ? k->s->language : "da";
  const char *file = k->strings_file ? k->strings_file : "layouts/i18n.yaml";
  const val *v = val_get(val_get(k->strings, lang), key);
  const char *str = val_as_str(v);
  if (!str) {
    if (v && v->kind == VAL_NUM) {
      push_number(L, v->u.num);
      lua_tolstring(L, -1, NULL);
      return 1;
    }
    return luaL_error(L, "unknown string '%s' in %s (language '%s')", key, file, lang);
  }
  lua_pushstring(L, str);
  return 1;
}

/* Links in front matter text are written like links in the body, relative
 * to the page's file ("../temaer/robusthed.md#id"); they become site URLs. */
static bool resolve_link(void *ctx, bool is_image, const char *dest, sbuf *out) {
  klua *k = ctx;
  /* Images in front matter text keep their address as written. */
  if (is_image || !k->cur) return false;
  const page *p = model_resolve_link(k->s, k->cur, dest, k->scratch);
  if (!p || !p->url) {
    if (!k->broken_link) k->broken_link = arena_strdup(k->scratch, dest);
    return false;
  }
  const char *url = p->url, *bp = k->basepath;
  if (bp[1] && !str_starts(url, bp)) {
    sbuf_put(out, bp, strlen(bp) - 1);
  }
  sbuf_puts(out, url);
  const char *frag = strchr(dest, '#');
  if (frag) sbuf_puts(out, frag);
  return true;
}

static int h_markdown(lua_State *L) {
  klua *k = get_klua(L);
  if (lua_isnoneornil(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  const char *src = luaL_checkstring(L, 1);
  md_options o;
  memset(&o, 0, sizeof o);
  o.site_passes = true;
  o.resolve = resolve_link;
  o.resolve_ctx = k;
  o.quote_open = k->s->quote_open;
  o.quote_close = k->s->quote_close;
  k->broken_link = NULL;
  const char *html = md_inline(src, &o, k->scratch);
  /* A broken link in front matter text is an error like one in the body. */
  if (k->broken_link)
    return luaL_error(L, "markdown: broken link to '%s' in the front matter of %s", k->broken_link,
                      k->cur && k->cur->file ? k->cur->file : "the page");
  lua_pushstring(L, html ? html : "");
  return 1;
}

static int h_slug(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  sbuf b = SBUF_INIT;
  dk_slug_put(&b, s, n);
  push_sbuf(L, &b);
  return 1;
}

static int h_len(lua_State *L) {
  switch (lua_type(L, 1)) {
  case LUA_TNIL:
  case LUA_TNONE: lua_pushinteger(L, 0); return 1;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, 1, &n), *e = s + n;
    lua_Integer count = 0;
    while (s < e) {
      if (str_utf8_next(&s, e) < 0) s++;
      count++;
    }
    lua_pushinteger(L, count);
    return 1;
  }
  case LUA_TTABLE: {
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    if (n == 0) {
      lua_pushnil(L);
      while (lua_next(L, 1)) {
        n++;
        lua_pop(L, 1);
      }
    }
    lua_pushinteger(L, n);
    return 1;
  }
  default:
    return luaL_error(L, "len: cannot measure %s", luaL_typename(L, 1));
  }
}

static int h_pages_of(lua_State *L) {
  klua *k = get_klua(L);
  const char *type = luaL_checkstring(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &PAGESOF_KEY);
  if (lua_getfield(L, -1, type) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_Integer n = 0;
  for (size_t i = 0; i < k->s->all.n; i++) {
    const page *p = k->s->all.items[i];
    if (p->kind == PAGE_REGULAR && p->type && !strcmp(p->type, type)) {
      push_page(L, p);
      lua_rawseti(L, -2, ++n);
    }
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, type);
  return 1;
}

static int h_page_at(lua_State *L) {
  klua *k = get_klua(L);
  const char *path = luaL_checkstring(L, 1);
  if (str_starts(path, "content/")) path += 8;
  const page *p = map_get(&k->s->by_src, path);
  if (!p) return luaL_error(L, "page_at: no page 'content/%s'", path);
  push_page(L, p);
  return 1;
}

/* Is the value at a the same as the one at b, where a page also matches its
 * source path or URL written as text? */
static bool same(lua_State *L, klua *k, int a, int b) {
  if (lua_rawequal(L, a, b)) return true;
  const page *pa = to_page(L, a), *pb = to_page(L, b);
  const char *s = NULL;
  const page *p = NULL;
  if (pa && lua_type(L, b) == LUA_TSTRING) p = pa, s = lua_tostring(L, b);
  else if (pb && lua_type(L, a) == LUA_TSTRING) p = pb, s = lua_tostring(L, a);
  if (p) {
    if (p->src && !strcmp(p->src, s)) return true;
    if (p->url && !strcmp(p->url, s)) return true;
    lua_pushstring(L, s);
    push_url(L, k, p->url);
    bool eq = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return eq;
  }
  if (lua_type(L, a) == LUA_TNUMBER && lua_type(L, b) == LUA_TNUMBER)
    return lua_tonumber(L, a) == lua_tonumber(L, b);
  return false;
}

/* Does the field value at f match v: equal, or a list containing it. */
static bool matches(lua_State *L, klua *k, int f, int v) {
  f = lua_absindex(L, f);
  v = lua_absindex(L, v);
  if (same(L, k, f, v)) return true;
  if (lua_type(L, f) == LUA_TTABLE) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, f);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, f, i);
      bool m = same(L, k, -1, v);
      lua_pop(L, 1);
      if (m) return true;
    }
  }
  return false;
}

static int h_where(lua_State *L) {
  klua *k = get_klua(L);
  lua_Integer n = list_arg(L, 1);
  const char *field = luaL_checkstring(L, 2);
  lua_settop(L, 3);
  lua_newtable(L);
  lua_Integer out = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i);
    push_item_field(L, k, -1, field);
    bool m = matches(L, k, -1, 3);
    lua_pop(L, 1);
    if (m) lua_rawseti(L, 4, ++out);
    else lua_pop(L, 1);
  }
  return 1;
}

typedef struct sort_key {
  int type;       /* 0 number, 1 boolean, 2 text, 3 nil (always last) */
  double num;
  const char *str;
  lua_Integer idx;
} sort_key;

static int cmp_keys(const void *pa, const void *pb, void *desc) {
  const sort_key *a = pa, *b = pb;
  int c = 0;
  if (a->type == 3 || b->type == 3) {
    /* nil last whatever the direction */
    if (a->type != b->type) return a->type == 3 ? 1 : -1;
  } else if (a->type != b->type) {
    c = a->type < b->type ? -1 : 1;
  } else if (a->type == 2) {
    c = dk_collate(a->str, b->str);
  } else {
    c = a->num < b->num ? -1 : a->num > b->num;
  }
  if (c && *(bool *)desc) c = -c;
  if (c) return c;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int h_sort(lua_State *L) {
  klua *k = get_klua(L);
  lua_Integer n = list_arg(L, 1);
  const char *field = luaL_optstring(L, 2, NULL);
  const char *dir = luaL_optstring(L, 3, "asc");
  if (strcmp(dir, "asc") && strcmp(dir, "desc"))
    return luaL_error(L, "sort: direction must be \"asc\" or \"desc\", not '%s'", dir);
  bool desc = !strcmp(dir, "desc");
  lua_settop(L, 3);
  lua_createtable(L, (int)n, 0); /* 4: keeps the key strings alive */
  sort_key *keys = lua_newuserdatauv(L, sizeof *keys * (size_t)(n ? n : 1), 0); /* 5 */
  for (lua_Integer i = 1; i <= n; i++) {
    sort_key *sk = &keys[i - 1];
    sk->idx = i;
    lua_rawgeti(L, 1, i);
    if (field) push_item_field(L, k, -1, field);
    else lua_pushvalue(L, -1);
    const page *p = to_page(L, -1);
    if (p) {
      lua_pop(L, 1);
      lua_pushstring(L, p->title ? p->title : "");
    }
    switch (lua_type(L, -1)) {
    case LUA_TNUMBER: sk->type = 0; sk->num = lua_tonumber(L, -1); break;
    case LUA_TBOOLEAN: sk->type = 1; sk->num = lua_toboolean(L, -1); break;
    case LUA_TSTRING: sk->type = 2; sk->str = lua_tostring(L, -1); break;
    case LUA_TNIL: sk->type = 3; break;
    default:
      return luaL_error(L, "sort: cannot order by %s values (field '%s')", luaL_typename(L, -1),
                        field ? field : "");
    }
    lua_rawseti(L, 4, i);
    lua_pop(L, 1);
  }
  qsort_r(keys, (size_t)n, sizeof *keys, cmp_keys, &desc);
  lua_createtable(L, (int)n, 0);
  for (lua_Integer i = 0; i < n; i++) {
    lua_rawgeti(L, 1, keys[i].idx);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* Adds item (at idx) to the group of the key on top (popped). */
static void group_add(lua_State *L, int result, int index, int item) {
  if (lua_isnil(L, -1) || (lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) != lua_tonumber(L, -1))) {
    lua_pop(L, 1);
    return;
  }
  lua_pushvalue(L, -1);
  if (lua_rawget(L, index) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "key");
    const page *p = to_page(L, -2);
    if (p) lua_pushstring(L, p->title ? p->title : "");
    else lua_pushvalue(L, -2);
    lua_setfield(L, -2, "title");
    lua_newtable(L);
    lua_setfield(L, -2, "pages");
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -2);
    lua_rawset(L, index);
    lua_pushvalue(L, -1);
    lua_rawseti(L, result, (lua_Integer)lua_rawlen(L, result) + 1);
  }
  lua_getfield(L, -1, "pages");
  lua_pushvalue(L, item);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 3);
}

static int h_group(lua_State *L) {
  klua *k = get_klua(L);
  lua_Integer n = list_arg(L, 1);
  const char *field = luaL_checkstring(L, 2);
  lua_settop(L, 2);
  lua_newtable(L); /* 3 result */
  lua_newtable(L); /* 4 key → group */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i); /* 5 */
    push_item_field(L, k, 5, field);
    if (lua_type(L, -1) == LUA_TTABLE) {
      int t = lua_gettop(L);
      lua_Integer m = (lua_Integer)lua_rawlen(L, t);
      for (lua_Integer j = 1; j <= m; j++) {
        lua_rawgeti(L, t, j);
        group_add(L, 3, 4, 5);
      }
      lua_pop(L, 1);
    } else {
      group_add(L, 3, 4, 5);
    }
    lua_pop(L, 1);
  }
  lua_settop(L, 3);
  return 1;
}

static int h_first(lua_State *L) {
  lua_Integer n = list_arg(L, 1);
  lua_Integer want = luaL_optinteger(L, 2, 1);
  if (want > n) want = n;
  if (want < 0) want = 0;
  lua_createtable(L, (int)want, 0);
  for (lua_Integer i = 1; i <= want; i++) {
    lua_rawgeti(L, 1, i);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

static int h_join(lua_State *L) {
  klua *k = get_klua(L);
  lua_Integer n = list_arg(L, 1);
  const char *sep = luaL_optstring(L, 2, ", ");
  const char *field = luaL_optstring(L, 3, NULL);
  lua_settop(L, 3);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  bool any = false;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i);
    if (field) {
      push_item_field(L, k, -1, field);
      lua_remove(L, -2);
    }
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    luaL_tolstring(L, -1, NULL);
    lua_remove(L, -2);
    if (any) {
      /* the separator goes in below the item, then both into the buffer */
      lua_pushstring(L, sep);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    luaL_addvalue(&b);
    any = true;
  }
  luaL_pushresult(&b);
  return 1;
}

static int h_contains(lua_State *L) {
  klua *k = get_klua(L);
  lua_settop(L, 2);
  if (lua_type(L, 1) == LUA_TSTRING) {
    const char *x = luaL_tolstring(L, 2, NULL);
    lua_pushboolean(L, strstr(lua_tostring(L, 1), x) != NULL);
    return 1;
  }
  lua_Integer n = list_arg(L, 1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i);
    bool m = same(L, k, -1, 2);
    lua_pop(L, 1);
    if (m) {
      lua_pushboolean(L, 1);
      return 1;
    }
  }
  lua_pushboolean(L, 0);
  return 1;
}

/* load for the sandbox: text chunks only, in the given environment (the
 * sandbox globals when none is given). */
static int sb_load(lua_State *L) {
  size_t n;
  if (lua_type(L, 1) != LUA_TSTRING) {
    luaL_pushfail(L);
    lua_pushliteral(L, "load: only text chunks given as strings are allowed");
    return 2;
  }
  const char *s = lua_tolstring(L, 1, &n);
  const char *name = luaL_optstring(L, 2, s);
  const char *mode = luaL_optstring(L, 3, "t");
  if (n && s[0] == LUA_SIGNATURE[0]) {
    luaL_pushfail(L);
    lua_pushliteral(L, "binary chunks are not allowed");
    return 2;
  }
  if (!strchr(mode, 't')) {
    luaL_pushfail(L);
    lua_pushliteral(L, "binary chunks are not allowed (load mode must include 't')");
    return 2;
  }
  bool has_env = !lua_isnone(L, 4);
  if (luaL_loadbufferx(L, s, n, name, "t") != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (has_env) {
    lua_pushvalue(L, 4);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

static const luaL_Reg helpers[] = {
    {"url", h_url},           {"abs_url", h_abs_url},   {"asset", h_asset},
    {"date", h_date},         {"number", h_number},     {"money", h_money},
    {"t", h_t},               {"markdown", h_markdown}, {"plural", h_plural},
    {"pages_of", h_pages_of}, {"page_at", h_page_at},   {"where", h_where},
    {"sort", h_sort},         {"group", h_group},       {"first", h_first},
    {"join", h_join},         {"contains", h_contains}, {"slug", h_slug},
    {"len", h_len},           {"load", sb_load},        {NULL, NULL}};

/* The base functions the sandbox keeps (docs/reference.md). print is left
 * out on purpose: modules never print. */
static const char *const base_keep[] = {
    "pairs", "ipairs", "select", "type", "tostring", "tonumber", "error", "pcall", "xpcall",
    "assert", "next", "rawget", "rawequal", "rawlen", "setmetatable", "getmetatable", NULL};

/* ---- life of a state ---------------------------------------------------- */

/* Builds the sandbox globals G on top of the stack. The real global table is
 * replaced by G in the registry, so chunks loaded later see only G. */
static void build_sandbox(klua *k) {
  lua_State *L = k->L;
  luaL_requiref(L, "_G", luaopen_base, 0); /* the full base library */
  int base = lua_gettop(L);
  lua_newtable(L); /* G */
  int G = lua_gettop(L);
  for (int i = 0; base_keep[i]; i++) {
    lua_getfield(L, base, base_keep[i]);
    lua_setfield(L, G, base_keep[i]);
  }
  lua_pushliteral(L, LUA_VERSION);
  lua_setfield(L, G, "_VERSION");
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump"); /* binary chunks have no use here */
  lua_setfield(L, G, "string");
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
  lua_setfield(L, G, "table");
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
  /* Reproducible builds: the same random sequence on every run. */
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, 20140527);
  lua_call(L, 1, 0);
  lua_setfield(L, G, "math");
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
  lua_setfield(L, G, "utf8");
  luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
  lua_createtable(L, 0, 3);
  static const char *const os_keep[] = {"time", "date", "clock", NULL};
  for (int i = 0; os_keep[i]; i++) {
    lua_getfield(L, -2, os_keep[i]);
    lua_setfield(L, -2, os_keep[i]);
  }
  lua_setfield(L, G, "os");
  lua_pop(L, 1); /* the full os table */
  luaL_setfuncs(L, helpers, 0);
  lua_pushvalue(L, G);
  lua_setfield(L, G, "_G");
  push_site(L, k);
  lua_setfield(L, G, "site");
  lua_pushvalue(L, G);
  lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  /* Forget the full libraries where require would have found them. */
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_remove(L, base);
}

klua *klua_new(const site *s) {
  klua *k = xcalloc(1, sizeof *k);
  k->s = s;
  k->mem_limit = KLUA_MEMORY;
  k->budget = KLUA_BUDGET;
  k->menu_ref = LUA_NOREF;
  k->scratch = arena_new();
  /* origin and base path from the base URL */
  const char *bu = s->baseurl ? s->baseurl : "/";
  const char *sch = strstr(bu, "://");
  const char *path = sch ? strchr(sch + 3, '/') : bu;
  if (!path) path = bu + strlen(bu);
  k->origin = arena_strndup(k->scratch, bu, (size_t)(path - bu));
  const char *bp = s->basepath ? s->basepath : (*path ? path : "/");
  if (!str_ends(bp, "/")) bp = arena_printf(k->scratch, "%s/", bp);
  k->basepath = bp;
  /* the scratch arena is reset per page: keep origin and basepath apart */
  k->origin = xstrdup(k->origin);
  k->basepath = xstrdup(k->basepath);
  arena_reset(k->scratch);

  lua_State *L = lua_newstate(alloc, k);
  if (!L) klar_oom();
  k->L = L;
  lua_atpanic(L, panic);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &PAGES_KEY);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &LISTS_KEY);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &PAGESOF_KEY);
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

  build_sandbox(k); /* G at 1 */
  lua_newtable(L);  /* E at 2 */
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, IDX_G);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, IDX_E);
  lua_newtable(L); /* S at 3 */
  lua_newtable(L); /* X at 4 */
  lua_pushcfunction(L, msgh); /* 5 */
  lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_STEP);
  return k;
}

void klua_free(klua *k) {
  if (!k) return;
  lua_close(k->L);
  arena_free(k->scratch);
  sbuf_free(&k->err);
  free(k->names);
  free((char *)k->origin);
  free((char *)k->basepath);
  free(k);
}

void klua_set_budget(klua *k, long instructions) { k->budget = instructions > 0 ? instructions : 1; }
void klua_set_memory_limit(klua *k, size_t bytes) { k->mem_limit = bytes; }

void klua_set_strings(klua *k, const val *strings, const char *file) {
  k->strings = strings;
  k->strings_file = file;
}

void klua_set_page(klua *k, const page *p) {
  lua_State *L = k->L;
  k->cur = p;
  arena_reset(k->scratch);
  push_page(L, p);
  lua_setfield(L, IDX_G, "page");
}

/* ---- helper files -------------------------------------------------------- */

/* Reports a message of the form "name:LINE: text" at name:LINE. */
static void report_chunk_error(klua *k, const char *name, diag *d) {
  const char *m = klua_error(k);
  size_t nl = strlen(name);
  int line = 0;
  if (!strncmp(m, name, nl) && m[nl] == ':') {
    const char *p = m + nl + 1;
    while (*p >= '0' && *p <= '9') line = line * 10 + (*p++ - '0');
    if (p[0] == ':' && p[1] == ' ') m = p + 2;
    else line = 0;
  }
  diag_error(d, name, line, 0, "%s", m);
}

bool klua_run_file(klua *k, const char *path, const char *name, diag *d) {
  lua_State *L = k->L;
  size_t n;
  char *src = fsx_read_heap(path, &n);
  if (!src) {
    diag_error(d, name, 0, 0, "cannot read the helper file");
    return false;
  }
  char *chunk = xmalloc(strlen(name) + 2);
  chunk[0] = '@';
  strcpy(chunk + 1, name);
  int st = luaL_loadbufferx(L, src, n, chunk, "t");
  free(chunk);
  free(src);
  if (st != LUA_OK) {
    set_err_from_top(k, st);
    report_chunk_error(k, name, d);
    return false;
  }
  if (!pcall(k, 0, 0)) {
    report_chunk_error(k, name, d);
    return false;
  }
  return true;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

bool klua_run_helpers(klua *k, const char *dir, diag *d) {
  arena *a = arena_new();
  char *luadir = fsx_join(a, dir, "lua");
  DIR *dh = opendir(luadir);
  if (!dh) {
    arena_free(a);
    return true; /* no helpers is fine */
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dh))) {
    if (e->d_name[0] == '.' || !str_ends(e->d_name, ".lua")) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 8;
      names = xrealloc(names, cap * sizeof *names);
    }
    names[n++] = arena_strdup(a, e->d_name);
  }
  closedir(dh);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    char *path = fsx_join(a, luadir, names[i]);
    char *shown = arena_printf(a, "layouts/lua/%s", names[i]);
    if (!klua_run_file(k, path, shown, d)) ok = false;
  }
  free(names);
  arena_free(a);
  return ok;
}

bool klua_exec(klua *k, const char *chunk, const char *name) {
  lua_State *L = k->L;
  int st = luaL_loadbufferx(L, chunk, strlen(chunk), name, "t");
  if (st != LUA_OK) {
    set_err_from_top(k, st);
    return false;
  }
  return pcall(k, 0, 0);
}

/* ---- expressions --------------------------------------------------------- */

/* Loads src as the expression chunk "return src". A return must end its
 * block, so src cannot smuggle in statements after it; and syntax messages
 * name only what the designer wrote ("near <eof>"). */
static bool load_expr(klua *k, const char *src) {
  sbuf b = SBUF_INIT;
  sbuf_puts(&b, "return ");
  sbuf_puts(&b, src);
  int st = luaL_loadbufferx(k->L, b.data, b.len, "=expression", "t");
  sbuf_free(&b);
  if (st != LUA_OK) {
    set_err_from_top(k, st);
    return false;
  }
  return true;
}

int klua_compile(klua *k, const char *src) {
  lua_State *L = k->L;
  if (!load_expr(k, src)) return -1;
  lua_pushvalue(L, IDX_E);
  lua_setupvalue(L, -2, 1);
  int h = k->nexprs++;
  lua_rawseti(L, IDX_X, h);
  return h;
}

bool klua_check(klua *k, const char *src, char **err) {
  if (!load_expr(k, src)) {
    *err = xstrdup(klua_error(k));
    return false;
  }
  lua_pop(k->L, 1);
  return true;
}

/* Evaluates expression h, leaving its value on top. */
static bool eval(klua *k, int h) {
  lua_rawgeti(k->L, IDX_X, h);
  return pcall(k, 0, 1);
}

bool klua_eval_truthy(klua *k, int h, bool *out) {
  if (!eval(k, h)) return false;
  *out = lua_toboolean(k->L, -1);
  lua_pop(k->L, 1);
  return true;
}

static void put_number(lua_State *L, int idx, sbuf *out) {
  if (lua_isinteger(L, idx)) {
    sbuf_printf(out, "%lld", (long long)lua_tointeger(L, idx));
    return;
  }
  double x = lua_tonumber(L, idx);
  if (x == floor(x) && fabs(x) < 1e15) sbuf_printf(out, "%.0f", x);
  else sbuf_printf(out, "%.14g", x);
}

static void put_esc(sbuf *out, const char *s, size_t n, klua_esc esc) {
  if (esc == KLUA_ESC_HTML) {
    sbuf_put_html(out, s, n);
  } else if (esc == KLUA_ESC_RAW) {
    sbuf_put(out, s, n);
  } else {
    /* inside <script>/<style>: "</" would end the element early */
    for (size_t i = 0; i < n; i++) {
      if (s[i] == '<' && i + 1 < n && s[i + 1] == '/') {
        sbuf_puts(out, "<\\/");
        i++;
      } else {
        sbuf_putc(out, s[i]);
      }
    }
  }
}

/* Appends the value on top (popped) as text; false (with k->err) for a value
 * that has no text form. */
static bool put_top(klua *k, sbuf *out, klua_esc esc) {
  lua_State *L = k->L;
  bool ok = true;
  const page *p;
  switch (lua_type(L, -1)) {
  case LUA_TNIL: break;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    put_esc(out, s, n, esc);
    break;
  }
  case LUA_TNUMBER: put_number(L, -1, out); break;
  case LUA_TBOOLEAN: sbuf_puts(out, lua_toboolean(L, -1) ? "true" : "false"); break;
  default:
    if ((p = to_page(L, -1))) {
      const char *t = p->title ? p->title : "";
      put_esc(out, t, strlen(t), esc);
      break;
    }
    sbuf_clear(&k->err);
    sbuf_printf(&k->err, "the value is a %s, not text (pick a field, or use join())",
                luaL_typename(L, -1));
    ok = false;
  }
  lua_pop(L, 1);
  return ok;
}

bool klua_eval_put(klua *k, int h, sbuf *out, klua_esc esc) {
  if (!eval(k, h)) return false;
  return put_top(k, out, esc);
}

int klua_eval_attr(klua *k, int h, sbuf *out) {
  lua_State *L = k->L;
  if (!eval(k, h)) return -1;
  int t = lua_type(L, -1);
  if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
    lua_pop(L, 1);
    return 0;
  }
  if (t == LUA_TBOOLEAN) {
    lua_pop(L, 1);
    return 1;
  }
  return put_top(k, out, KLUA_ESC_HTML) ? 2 : -1;
}

bool klua_eval_string(klua *k, const char *src, sbuf *out) {
  if (!load_expr(k, src)) return false;
  lua_pushvalue(k->L, IDX_E);
  lua_setupvalue(k->L, -2, 1);
  if (!pcall(k, 0, 1)) return false;
  return put_top(k, out, KLUA_ESC_RAW);
}

/* ---- locals -------------------------------------------------------------- */

size_t klua_mark(const klua *k) { return k->sp; }

/* Pushes a slot on S holding the value on top (popped); name is the local
 * it restores, or NULL. Returns the slot. */
static size_t push_slot(klua *k, const char *name) {
  if (k->sp + 1 >= k->cap) {
    k->cap = k->cap ? k->cap * 2 : 64;
    k->names = xrealloc(k->names, k->cap * sizeof *k->names);
  }
  size_t slot = ++k->sp;
  k->names[slot] = name;
  lua_rawseti(k->L, IDX_S, (lua_Integer)slot);
  return slot;
}

/* Saves the current value of local name for klua_restore. */
static void save_local(klua *k, const char *name) {
  lua_pushstring(k->L, name);
  lua_rawget(k->L, IDX_E);
  push_slot(k, name);
}

static void set_local(klua *k, const char *name) {
  lua_pushstring(k->L, name);
  lua_insert(k->L, -2);
  lua_rawset(k->L, IDX_E);
}

bool klua_bind(klua *k, const char *name, int h) {
  if (!eval(k, h)) return false;
  save_local(k, name);
  set_local(k, name);
  return true;
}

/* Pushes the keys of the table at idx, sorted (numbers first, then text by
 * byte order; other keys are skipped), as a sequence. */
static void push_sorted_keys(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  lua_Integer n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    int t = lua_type(L, -1);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
      lua_pushvalue(L, -1);
      lua_rawseti(L, -3, ++n);
    }
  }
  /* insertion sort: maps in front matter are small */
  int keys = lua_gettop(L);
  for (lua_Integer i = 2; i <= n; i++) {
    for (lua_Integer j = i; j > 1; j--) {
      lua_rawgeti(L, keys, j - 1);
      lua_rawgeti(L, keys, j);
      int ta = lua_type(L, -2), tb = lua_type(L, -1);
      bool swap;
      if (ta != tb) swap = ta == LUA_TSTRING;
      else if (ta == LUA_TNUMBER) swap = lua_tonumber(L, -2) > lua_tonumber(L, -1);
      else swap = strcmp(lua_tostring(L, -2), lua_tostring(L, -1)) > 0;
      if (!swap) {
        lua_pop(L, 2);
        break;
      }
      lua_rawseti(L, keys, j - 1);
      lua_rawseti(L, keys, j);
    }
  }
}

bool klua_for_begin(klua *k, int h, const char *iname, const char *xname, size_t *n,
                    size_t *slot) {
  lua_State *L = k->L;
  if (!eval(k, h)) return false;
  int t = lua_type(L, -1);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    lua_newtable(L);
  } else if (t != LUA_TTABLE) {
    sbuf_clear(&k->err);
    sbuf_printf(&k->err, "k:for needs a list, but the value is a %s",
                to_page(L, -1) ? "page" : luaL_typename(L, -1));
    lua_pop(L, 1);
    return false;
  }
  size_t count = lua_rawlen(L, -1);
  bool keyed = false;
  if (count == 0) {
    lua_pushnil(L);
    if (lua_next(L, -2)) {
      lua_pop(L, 2);
      keyed = true;
    }
  }
  if (keyed) {
    push_sorted_keys(L, -1);
    count = lua_rawlen(L, -1);
    lua_insert(L, -2);
    *slot = push_slot(k, NULL); /* the map */
    push_slot(k, NULL);         /* its keys */
  } else {
    *slot = push_slot(k, NULL);
    lua_pushboolean(L, 0);
    push_slot(k, NULL);
  }
  if (iname) save_local(k, iname);
  save_local(k, xname);
  *n = count;
  return true;
}

void klua_for_bind(klua *k, size_t slot, size_t i, const char *iname, const char *xname) {
  lua_State *L = k->L;
  lua_rawgeti(L, IDX_S, (lua_Integer)slot);     /* list or map */
  lua_rawgeti(L, IDX_S, (lua_Integer)slot + 1); /* keys or false */
  if (lua_istable(L, -1)) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1); /* key */
    if (iname) {
      lua_pushvalue(L, -1);
      set_local(k, iname);
    }
    lua_rawget(L, -3);
    set_local(k, xname);
  } else {
    if (iname) {
      lua_pushinteger(L, (lua_Integer)i + 1);
      set_local(k, iname);
    }
    lua_rawgeti(L, -2, (lua_Integer)i + 1);
    set_local(k, xname);
  }
  lua_pop(L, 2);
}

void klua_restore(klua *k, size_t mark) {
  lua_State *L = k->L;
  while (k->sp > mark) {
    size_t slot = k->sp--;
    const char *name = k->names[slot];
    if (name) {
      lua_rawgeti(L, IDX_S, (lua_Integer)slot);
      set_local(k, name);
    }
    lua_pushnil(L);
    lua_rawseti(L, IDX_S, (lua_Integer)slot);
  }
}

/* helpers: the template helpers of docs/reference.md (url, date, markdown,
 * where, sort, group, ...), as C functions over the bridge's values. */
#include <stdlib.h>
#include <string.h>
#include "../core/dk.h"
#include "../md/md.h"
#include "klua_int.h"

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
    const page *p = klua_to_page(L, -1);
    if (p) {
      lua_pop(L, 1);
      klua_push_field(L, k, p, part);
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
  const page *p = klua_to_page(L, 1);
  klua_push_url(L, k, p ? p->url : luaL_checkstring(L, 1));
  return 1;
}

static int h_abs_url(lua_State *L) {
  klua *k = get_klua(L);
  const page *p = klua_to_page(L, 1);
  const char *path = p ? p->url : luaL_checkstring(L, 1);
  if (strstr(path, "://") || str_starts(path, "mailto:")) {
    lua_pushstring(L, path);
    return 1;
  }
  lua_pushstring(L, k->origin);
  klua_push_url(L, k, path);
  lua_concat(L, 2);
  return 1;
}

static int h_asset(lua_State *L) {
  klua *k = get_klua(L);
  const char *name = luaL_checkstring(L, 1);
  const char *u = map_get(&k->s->assets, name);
  if (!u) return luaL_error(L, "unknown asset '%s' (no such file below assets/)", name);
  klua_push_url(L, k, u);
  return 1;
}

static void push_sbuf(lua_State *L, sbuf *b) {
  lua_pushlstring(L, b->data ? b->data : "", b->len);
  sbuf_free(b);
}

static int h_date(lua_State *L) {
  const page *p = klua_to_page(L, 1);
  const char *d = p ? p->date : lua_tostring(L, 1);
  const char *style = luaL_optstring(L, 2, "long");
  if (!d) return luaL_error(L, "date: no date given (got %s)", p ? "a page without a date" : luaL_typename(L, 1));
  int y, m, day;
  if (!dk_parse_date(d, &y, &m, &day)) return luaL_error(L, "date: '%s' is not a date (write it as 2014-05-27)", d);
  sbuf b = SBUF_INIT;
  /* "27. maj 2014" never breaks across lines (no-break spaces, as in the
   * Markdown text); only the weekday before it may stand on the line above. */
  if (!strcmp(style, "long")) dk_date_put(&b, y, m, day, true);
  else if (!strcmp(style, "short")) dk_date_short_put(&b, y, m, day);
  else if (!strcmp(style, "iso")) sbuf_printf(&b, "%04d-%02d-%02d", y, m, day);
  else if (!strcmp(style, "weekday")) {
    sbuf_printf(&b, "%s ", dk_weekday(y, m, day));
    dk_date_put(&b, y, m, day, true);
  } else if (!strcmp(style, "month")) sbuf_printf(&b, "%s\u00a0%d", dk_month(m), y);
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
      klua_push_number(L, v->u.num);
      lua_tolstring(L, -1, NULL);
      return 1;
    }
    return luaL_error(L, "unknown string '%s' in %s (language '%s')", key, file, lang);
  }
  lua_pushstring(L, str);
  return 1;
}

/* What markdown() costs per byte of text, in instructions. */
#define MARKDOWN_COST 256

static int h_markdown(lua_State *L) {
  klua *k = get_klua(L);
  if (lua_isnoneornil(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  size_t n;
  const char *src = luaL_checklstring(L, 1, &n);
  /* cmark runs in C, where the count hook never fires, and its tree and the
   * HTML live outside the Lua memory ceiling (about 200 bytes a byte of
   * input): charged by the byte, a script's markdown() calls together get at
   * most about 195 kB of text per evaluation. markdown() of 80 MB ended in an
   * abort at several GB; in a loop it hung the build. */
  klua_charge(L, n > (size_t)(LONG_MAX / MARKDOWN_COST) ? LONG_MAX : (long)n * MARKDOWN_COST + 1,
              "markdown()");
  /* Links in front matter text are written like links in the body,
   * relative to the page's file, and resolved by the same function. */
  model_link lc = {k->s, k->cur, k->scratch, NULL};
  md_options o;
  memset(&o, 0, sizeof o);
  o.site_passes = true;
  o.resolve = model_link_resolve;
  o.resolve_ctx = &lc;
  o.quote_open = k->s->quote_open;
  o.quote_close = k->s->quote_close;
  const char *html = md_inline(src, &o, k->scratch);
  /* A broken link in front matter text is an error like one in the body. */
  if (lc.broken)
    return luaL_error(L, "markdown: broken link to '%s' in the front matter of %s", lc.broken,
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
  klua_watched(L, NULL, KLUA_READ_LIST);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &klua_pagesof_key);
  if (lua_getfield(L, -1, type) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_Integer n = 0;
  for (size_t i = 0; i < k->s->all.n; i++) {
    const page *p = k->s->all.items[i];
    if (p->kind == PAGE_REGULAR && p->type && !strcmp(p->type, type)) {
      klua_push_page(L, p);
      lua_rawseti(L, -2, ++n);
    }
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, type);
  return 1;
}

/* interface_matrix(): the interface matrix of the site (model_matrix, the
 * one place that knows which proposal touches which core group; the
 * booklets print the same), as
 *   { groups = {group...}, totals = {n...},
 *     blocks = {{group = g, rows = {{page = p, marks = {"own"|"yes"|false...},
 *                                     to = {group...}}...}}...} }
 * where to lists the other groups a proposal touches, as written. */
static int h_interface_matrix(lua_State *L) {
  klua *k = get_klua(L);
  klua_watched(L, NULL, KLUA_READ_LIST);
  const interface_matrix *m = model_matrix(k->s, k->scratch);
  lua_createtable(L, 0, 3);
  lua_createtable(L, (int)m->ngroups, 0);
  for (size_t g = 0; g < m->ngroups; g++) {
    klua_push_page(L, m->groups[g]);
    lua_rawseti(L, -2, (lua_Integer)g + 1);
  }
  lua_setfield(L, -2, "groups");
  lua_createtable(L, (int)m->ngroups, 0);
  for (size_t g = 0; g < m->ngroups; g++) {
    lua_pushinteger(L, m->totals[g]);
    lua_rawseti(L, -2, (lua_Integer)g + 1);
  }
  lua_setfield(L, -2, "totals");
  lua_createtable(L, (int)m->ngroups, 0);
  for (size_t g = 0; g < m->ngroups; g++) {
    const matrix_block *bl = &m->blocks[g];
    lua_createtable(L, 0, 2);
    klua_push_page(L, bl->group);
    lua_setfield(L, -2, "group");
    lua_createtable(L, (int)bl->nrows, 0);
    for (size_t r = 0; r < bl->nrows; r++) {
      const matrix_row *row = &bl->rows[r];
      /* The front matter it was made from: an edit of it renders again. */
      klua_watched(L, row->proposal, KLUA_READ_FIELD);
      lua_createtable(L, 0, 3);
      klua_push_page(L, row->proposal);
      lua_setfield(L, -2, "page");
      lua_createtable(L, (int)m->ngroups, 0);
      for (size_t c = 0; c < m->ngroups; c++) {
        if (row->marks[c] == MATRIX_NONE) lua_pushboolean(L, 0);
        else lua_pushstring(L, row->marks[c] == MATRIX_OWN ? "own" : "yes");
        lua_rawseti(L, -2, (lua_Integer)c + 1);
      }
      lua_setfield(L, -2, "marks");
      lua_createtable(L, (int)row->nto, 0);
      for (size_t j = 0; j < row->nto; j++) {
        klua_push_page(L, row->to[j]);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
      }
      lua_setfield(L, -2, "to");
      lua_rawseti(L, -2, (lua_Integer)r + 1);
    }
    lua_setfield(L, -2, "rows");
    lua_rawseti(L, -2, (lua_Integer)g + 1);
  }
  lua_setfield(L, -2, "blocks");
  return 1;
}

static int h_page_at(lua_State *L) {
  klua *k = get_klua(L);
  const char *path = luaL_checkstring(L, 1);
  if (str_starts(path, "content/")) path += 8;
  const page *p = map_get(&k->s->by_src, path);
  if (!p) return luaL_error(L, "page_at: no page 'content/%s'", path);
  klua_push_page(L, p);
  return 1;
}

/* Is the value at a the same as the one at b, where a page also matches its
 * source path or URL written as text? */
static bool same(lua_State *L, klua *k, int a, int b) {
  if (lua_rawequal(L, a, b)) return true;
  const page *pa = klua_to_page(L, a), *pb = klua_to_page(L, b);
  const char *s = NULL;
  const page *p = NULL;
  if (pa && lua_type(L, b) == LUA_TSTRING) p = pa, s = lua_tostring(L, b);
  else if (pb && lua_type(L, a) == LUA_TSTRING) p = pb, s = lua_tostring(L, a);
  if (p) {
    if (p->src && !strcmp(p->src, s)) return true;
    if (p->url && !strcmp(p->url, s)) return true;
    lua_pushstring(L, s);
    klua_push_url(L, k, p->url);
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
    const page *p = klua_to_page(L, -1);
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
    const page *p = klua_to_page(L, -2);
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

const luaL_Reg klua_helpers[] = {
    {"url", h_url},           {"abs_url", h_abs_url},   {"asset", h_asset},
    {"date", h_date},         {"number", h_number},     {"money", h_money},
    {"t", h_t},               {"markdown", h_markdown}, {"plural", h_plural},
    {"pages_of", h_pages_of}, {"page_at", h_page_at},   {"where", h_where},
    {"sort", h_sort},         {"group", h_group},       {"first", h_first},
    {"join", h_join},         {"contains", h_contains}, {"slug", h_slug},
    {"len", h_len},           {"interface_matrix", h_interface_matrix},
    {NULL, NULL}};


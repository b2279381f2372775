/* expr: template expressions compiled once per layout node and evaluated
 * in the environment E, their values turned into text, and the dynamically
 * scoped locals of k:with and k:for. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "klua_int.h"

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
    klua_set_err_from_top(k, st);
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
  return klua_pcall(k, 0, 1);
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
    if ((p = klua_to_page(L, -1))) {
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
  if (!klua_pcall(k, 0, 1)) return false;
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

typedef struct key_ref {
  bool is_num;
  double num;
  const char *s;
  lua_Integer idx; /* in the unsorted keys: ties keep their order */
} key_ref;

/* Numbers first, by value, then text by byte order. */
static int cmp_key_ref(const void *pa, const void *pb) {
  const key_ref *a = pa, *b = pb;
  int c;
  if (a->is_num != b->is_num) c = a->is_num ? -1 : 1;
  else if (a->is_num) c = a->num < b->num ? -1 : a->num > b->num;
  else c = strcmp(a->s, b->s);
  if (c) return c;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
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
  /* Maps in front matter are small, but a script can hand k:for a map of a
   * million keys, and this runs after the evaluation, outside the budget:
   * sort in n log n. */
  int keys = lua_gettop(L);
  key_ref *refs = xmalloc(sizeof *refs * (size_t)(n ? n : 1));
  for (lua_Integer i = 1; i <= n; i++) {
    key_ref *r = &refs[i - 1];
    lua_rawgeti(L, keys, i);
    r->idx = i;
    r->is_num = lua_type(L, -1) == LUA_TNUMBER;
    r->num = r->is_num ? lua_tonumber(L, -1) : 0;
    r->s = r->is_num ? NULL : lua_tostring(L, -1); /* kept alive by keys */
    lua_pop(L, 1);
  }
  qsort(refs, (size_t)n, sizeof *refs, cmp_key_ref);
  lua_createtable(L, (int)n, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, keys, refs[i - 1].idx);
    lua_rawseti(L, -2, i);
  }
  free(refs);
  lua_remove(L, keys);
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
                klua_to_page(L, -1) ? "page" : luaL_typename(L, -1));
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

bool klua_for_bind(klua *k, size_t slot, size_t i, const char *iname, const char *xname) {
  lua_State *L = k->L;
  /* A round runs no instruction of its own when its body has no expression:
   * it is charged, so nested k:for over long lists end too. */
  k->page_left -= KLUA_ROUND_COST;
  if (k->page_left < 0) {
    sbuf_clear(&k->err);
    sbuf_printf(&k->err, "the page's k:for rounds and evaluations together exceeded their "
                "instruction budget (%ld instructions per page); is a k:for nested over long lists?",
                (long)KLUA_PAGE_BUDGET);
    return false;
  }
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
  return true;
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

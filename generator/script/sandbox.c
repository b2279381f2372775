/* sandbox: the life of a klua state: the sandboxed globals, the allocator
 * with its memory ceiling, the instruction budget, protected calls and their
 * messages, and the site's helper files (layouts/lua/). */
#include <dirent.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../core/fsx.h"
#include "klua_int.h"

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

/* The coarse monotonic clock is read from the vDSO in a few nanoseconds, so
 * the hook can look at it every HOOK_STEP instructions. */
static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void start_clock(klua *k) {
  k->deadline_ns = now_ns() + (long long)(k->time_limit * 1e9);
  k->time_hit = false;
}

/* Raises the error of a page past its time: the instruction budget cannot
 * see work done in C (one == of two 60 MB strings is one instruction). */
static int time_error(lua_State *L, klua *k, lua_Debug *ar) {
  k->time_hit = true;
  klua_hook_fast(k);
  if (ar && lua_getinfo(L, "Sl", ar) && ar->currentline > 0 && ar->source[0] == '@')
    lua_pushfstring(L, "%s:%d: the page's evaluations took longer than %d seconds; is a loop "
                       "working on very long strings?",
                    ar->short_src, ar->currentline, (int)k->time_limit);
  else
    lua_pushfstring(L, "the page's evaluations took longer than %d seconds; is a loop working on "
                       "very long strings?",
                    (int)k->time_limit);
  return lua_error(L);
}

/* Once the budget is spent, the hook fires on every instruction, so that a
 * pcall inside the runaway script cannot swallow the error for long: the
 * next instruction outside that pcall raises it again. */
static void hook(lua_State *L, lua_Debug *ar) {
  klua *k = get_klua(L);
  if (k->time_hit || now_ns() > k->deadline_ns) time_error(L, k, ar);
  k->budget_left -= k->hook_fast ? 1 : HOOK_STEP;
  if (k->budget_left >= 0) return;
  klua_hook_fast(k);
  if (k->page_bound)
    lua_pushfstring(L, "the page's evaluations together exceeded their instruction budget (%d "
                       "instructions per page); is a k:for nested over long lists?",
                    (int)KLUA_PAGE_BUDGET);
  else if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0 && ar->source[0] == '@')
    lua_pushfstring(L, "%s:%d: instruction budget exceeded (%d instructions); is there an endless loop?",
                    ar->short_src, ar->currentline, (int)k->budget);
  else
    lua_pushfstring(L, "instruction budget exceeded (%d instructions); is there an endless loop?",
                    (int)k->budget);
  lua_error(L);
}

void klua_hook_fast(klua *k) {
  if (k->hook_fast) return;
  k->hook_fast = true;
  lua_sethook(k->L, hook, LUA_MASKCOUNT, 1);
}

/* The message handler looks for helper files in this many frames from the
 * top: lua_getstack walks the frames from the top every time, so looking
 * through the million frames of a stack overflow took hours. */
#define MSGH_LEVELS 100

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
  for (int level = 1; shown < 4 && level <= MSGH_LEVELS && lua_getstack(L, level, &ar); level++) {
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

void klua_set_err_from_top(klua *k, int status) {
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
bool klua_pcall(klua *k, int nargs, int nres) {
  lua_State *L = k->L;
  /* The hook takes HOOK_STEP at a time from whichever evaluation runs, so
   * what each one used adds up to the page's instructions. */
  long start = k->budget;
  k->page_bound = k->page_left < start;
  if (k->page_bound) start = k->page_left > 0 ? k->page_left : 0;
  k->budget_left = start;
  if (start == 0) {
    klua_hook_fast(k); /* spent: the first instruction raises */
  } else if (k->hook_fast) {
    k->hook_fast = false;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_STEP);
  }
  if (!k->time_hit && now_ns() > k->deadline_ns) k->time_hit = true;
  if (k->time_hit) klua_hook_fast(k); /* the first instruction raises */
  k->mem_hit = false;
  k->in_call = true;
  int status = lua_pcall(L, nargs, nres, IDX_MSGH);
  k->in_call = false;
  k->page_left -= start - (k->budget_left > 0 ? k->budget_left : 0);
  if (status != LUA_OK) {
    klua_set_err_from_top(k, status);
    return false;
  }
  return true;
}

const char *klua_error(const klua *k) { return k->err.data ? k->err.data : ""; }


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
  luaL_setfuncs(L, klua_helpers, 0);
  lua_pushcfunction(L, sb_load);
  lua_setfield(L, G, "load");
  lua_pushvalue(L, G);
  lua_setfield(L, G, "_G");
  klua_push_site(L, k);
  lua_setfield(L, G, "site");
  lua_pushvalue(L, G);
  lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  /* Forget the full libraries where require would have found them. */
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  klua_limit_libraries(L, G);
  lua_remove(L, base);
}

klua *klua_new(const site *s) {
  klua *k = xcalloc(1, sizeof *k);
  k->s = s;
  k->mem_limit = KLUA_MEMORY;
  k->budget = KLUA_BUDGET;
  k->page_left = KLUA_PAGE_BUDGET;
  k->time_limit = KLUA_PAGE_SECONDS;
  start_clock(k);
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
  klua_bridge_init(L);

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

void klua_set_time_limit(klua *k, double seconds) {
  k->time_limit = seconds > 0 ? seconds : 0.001;
  start_clock(k);
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
  k->page_left = KLUA_PAGE_BUDGET;
  start_clock(k);
  arena_reset(k->scratch);
  klua_push_page(L, p);
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
  k->page_left = KLUA_PAGE_BUDGET; /* each helper file has a page's budget */
  start_clock(k);
  char *chunk = xmalloc(strlen(name) + 2);
  chunk[0] = '@';
  strcpy(chunk + 1, name);
  int st = luaL_loadbufferx(L, src, n, chunk, "t");
  free(chunk);
  free(src);
  if (st != LUA_OK) {
    klua_set_err_from_top(k, st);
    report_chunk_error(k, name, d);
    return false;
  }
  if (!klua_pcall(k, 0, 0)) {
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
    klua_set_err_from_top(k, st);
    return false;
  }
  return klua_pcall(k, 0, 0);
}


/* klua_int: what the files of generator/script/ share: the klua state, the
 * fixed stack slots, and the few functions one file calls in another. Private
 * to script/: nothing outside this folder includes it (the public API is
 * klua.h). These files are the only ones in klar that include Lua.
 *
 *   sandbox.c  the state's life, the sandbox, the instruction budget and the
 *              memory ceiling, protected calls and their messages, helper files
 *   bridge.c   pages, front matter values and `site` as Lua values
 *   helpers.c  the template helpers of docs/reference.md
 *   expr.c     compiled expressions, their evaluation, and k:with/k:for locals
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
#ifndef KLAR_KLUA_INT_H
#define KLAR_KLUA_INT_H
#include <lauxlib.h>
#include <lua.h>
#include "klua.h"

enum { IDX_G = 1, IDX_E, IDX_S, IDX_X, IDX_MSGH, IDX_TOP = IDX_MSGH };

/* The count hook runs every HOOK_STEP instructions; cheap enough to leave on. */
#define HOOK_STEP 1000

struct klua {
  lua_State *L;
  const site *s;
  const page *cur;
  /* memory ceiling: enforced only inside protected calls, so the few
   * allocations klua makes outside them can never raise */
  size_t mem, mem_limit;
  bool in_call, mem_hit;
  long budget, budget_left;
  long page_left; /* of KLUA_PAGE_BUDGET, for the current page */
  bool page_bound; /* the page's budget is what limits this evaluation */
  bool hook_fast;
  double time_limit;      /* seconds per page, KLUA_PAGE_SECONDS */
  long long deadline_ns;  /* of the current page, CLOCK_MONOTONIC_COARSE */
  bool time_hit;          /* the deadline passed: every call fails from now */
  const val *strings;
  const char *strings_file;
  const char *origin;   /* "https://klar.hedensted.dk" */
  const char *basepath; /* "/" or "/klar/" */
  arena *scratch;       /* per page: markdown() results */
  sbuf err;
  int nexprs;
  const char **names;   /* per S slot: the local it saves, or NULL */
  size_t sp, cap;
  klua_watch_fn watch;  /* klua_set_watch: what renders read, for build/session */
  void *watch_ctx;
};

/* The klua of a state: the allocator's user data. */
static inline klua *get_klua(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

/* ---- sandbox.c ---- */

/* Calls the function below nargs arguments under the message handler, the
 * budget and the memory ceiling. On error, sets k->err and pops the message
 * (nothing of the call is left); on success nres results are on the stack. */
bool klua_pcall(klua *k, int nargs, int nres);
/* Sets k->err from the error message on top (popped), for status. */
void klua_set_err_from_top(klua *k, int status);
/* Makes the count hook fire on every instruction (the budget is spent). */
void klua_hook_fast(klua *k);

/* ---- limits.c, pattern.c ---- */

/* Charges n units of work done in C (an instruction's worth each) to the
 * budget of the running evaluation. Once it is spent, raises "WHAT exceeded
 * the instruction budget" with the calling script's line, and again at every
 * later instruction, so a pcall cannot swallow it. */
void klua_charge(lua_State *L, long n, const char *what);
/* Replaces, in G (an index), the functions through which a script could get
 * past the limits: setmetatable (no __gc), string.rep, string.find, match,
 * gmatch and gsub, table.move, insert, remove, concat, unpack and sort. */
void klua_limit_libraries(lua_State *L, int G);
/* Sets string.find, match, gmatch and gsub, counted, in the table on top. */
void klua_limit_patterns(lua_State *L);

/* ---- bridge.c ---- */

/* The registry tables of the bridge (page userdata, cached lists, pages_of
 * results) and the pages' metatable; called once by klua_new. */
void klua_bridge_init(lua_State *L);
/* Registry key (its address) of the pages_of cache. */
extern char klua_pagesof_key;
/* Tells the watcher (klua_set_watch), if any, what is being read. */
void klua_watched(lua_State *L, const page *p, klua_read what);
/* Pushes the page's userdata (one per page per state), or nil for NULL. */
void klua_push_page(lua_State *L, const page *p);
/* Returns the page of the userdata at idx, or NULL if it is not one. */
const page *klua_to_page(lua_State *L, int idx);
/* Pushes a site path with the base path in front. */
void klua_push_url(lua_State *L, klua *k, const char *path);
/* Pushes x as an integer when it is one. */
void klua_push_number(lua_State *L, double x);
/* Pushes field key of page p (builtin, else front matter, else nil). */
void klua_push_field(lua_State *L, klua *k, const page *p, const char *key);
/* Pushes the `site` table. */
void klua_push_site(lua_State *L, klua *k);

/* ---- helpers.c ---- */

/* The template helpers and the sandbox's load, set as globals of G. */
extern const luaL_Reg klua_helpers[];

#endif

/* limits: the places where a script could get past the instruction budget
 * or the memory ceiling, closed.
 *
 * The count hook (sandbox.c) only sees Lua instructions. Work done in C is
 * charged to the same budget here, before it is done, and raises the same
 * kind of error: pattern matching (pattern.c), the table functions that walk
 * a range of a table through its metamethods (table.move(t, 1,
 * math.maxinteger, 1) never ran a Lua instruction), and string.rep of an
 * empty string, which looped a count of times with nothing to copy.
 *
 * A script's xpcall handler may not run once the budget is spent: Lua calls
 * it with hooks off for an error raised by the hook.
 *
 * Finalizers cannot be charged at all: Lua runs __gc with hooks off and turns
 * their errors into warnings, during collection steps and in lua_close, where
 * the memory ceiling is not in force either. So setmetatable refuses a
 * metatable with a __gc field, and no object of a script ever has one (Lua
 * marks an object for finalization only when the metatable is set). */
#include <limits.h>
#include <string.h>
#include "klua_int.h"

/* Per element walked by a table function, in instructions: a raw get and
 * set cost about four (measured: table.move of plain tables against a loop
 * of instructions), through metamethods written in C (tostring, rawequal
 * run no instruction) about thirty. */
#define COST_RAW 4
#define COST_META 32

void klua_charge(lua_State *L, long n, const char *what) {
  klua *k = get_klua(L);
  if (n < k->budget_left) {
    k->budget_left -= n;
    return;
  }
  k->budget_left = -1;
  /* as the hook does once the budget is spent: a pcall that catches this
   * gets the error again at its next instruction */
  klua_hook_fast(k);
  luaL_where(L, 1);
  lua_pushfstring(L, "%s exceeded the instruction budget (%d instructions); is the %s too large?",
                  what, (int)k->budget,
                  !strncmp(what, "table.", 6)    ? "range"
                  : !strncmp(what, "string.", 7) ? "pattern or the text"
                                                 : "text");
  lua_concat(L, 2);
  lua_error(L);
}

/* setmetatable as the base library has it, refusing a __gc field (see the top
 * of this file). The field is looked up raw, as Lua does when it decides to
 * finalize an object. */
static int sb_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: __gc is not allowed (a finalizer would run outside the "
                           "instruction budget and the memory limit); remove the __gc field");
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
    return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

/* Calls the library's own function (upvalue 1) with the arguments as given. */
static int call_lib(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

/* The message handler of a script's xpcall, called through this. Lua calls
 * it with hooks off when the error comes from the count hook, so a handler
 * that loops would never be stopped: once the budget is spent, the message
 * passes through unhandled. */
static int sb_handler(lua_State *L) {
  if (get_klua(L)->budget_left < 0) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int sb_xpcall(lua_State *L) {
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, sb_handler, 1);
  lua_replace(L, 2);
  return call_lib(L);
}

/* string.rep of lstrlib.c (Lua 5.4.4), except that a result of length zero
 * is returned at once instead of after n empty copies. Every other result is
 * allocated in full before the copying starts, so the memory ceiling bounds
 * the loop. */
static int sb_rep(lua_State *L) {
  size_t l, lsep;
  const char *s = luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  if (l + lsep < l || l + lsep > (size_t)INT_MAX / (lua_Unsigned)n)
    return luaL_error(L, "resulting string too large");
  size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, total);
  while (n-- > 1) {
    memcpy(p, s, l);
    p += l;
    if (lsep > 0) {
      memcpy(p, sep, lsep);
      p += lsep;
    }
  }
  memcpy(p, s, l);
  luaL_pushresultsize(&b, total);
  return 1;
}

/* ---- table functions ------------------------------------------------------ */

static bool has_meta(lua_State *L, int idx) {
  if (!lua_getmetatable(L, idx)) return false;
  lua_pop(L, 1);
  return true;
}

/* The length a table function walks: #t, through __len when there is a
 * metatable (a Lua __len is counted by the hook); 0 for a value the function
 * will refuse anyway. */
static lua_Integer walk_len(lua_State *L, int idx) {
  if (has_meta(L, idx) && lua_type(L, idx) != LUA_TSTRING) return luaL_len(L, idx);
  if (lua_type(L, idx) == LUA_TTABLE) return (lua_Integer)lua_rawlen(L, idx);
  return 0;
}

/* Charges a walk over the elements first..last (none when last < first). */
static void charge_range(lua_State *L, lua_Integer first, lua_Integer last, bool meta,
                         const char *what) {
  if (last < first) return;
  lua_Unsigned n = (lua_Unsigned)last - (lua_Unsigned)first + 1; /* 0: all of them */
  long w = meta ? COST_META : COST_RAW;
  long cost = n == 0 || n > (lua_Unsigned)(LONG_MAX / w) ? LONG_MAX : (long)n * w;
  klua_charge(L, cost, what);
}

static int sb_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  luaL_checkinteger(L, 4);
  int tt = lua_isnoneornil(L, 5) ? 1 : 5;
  charge_range(L, f, e, has_meta(L, 1) || has_meta(L, tt), "table.move");
  return call_lib(L);
}

/* insert and remove shift the elements from pos to #t. */
static int sb_shift(lua_State *L, const char *what) {
  if (lua_gettop(L) >= (what[6] == 'i' ? 3 : 2)) {
    lua_Integer len = walk_len(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, len);
    charge_range(L, pos, len + 1, has_meta(L, 1), what);
  }
  return call_lib(L);
}

static int sb_insert(lua_State *L) { return sb_shift(L, "table.insert"); }
static int sb_remove(lua_State *L) { return sb_shift(L, "table.remove"); }

/* concat and unpack walk i..j, j being #t unless given. */
static int sb_span(lua_State *L, int ii, const char *what) {
  lua_Integer i = luaL_optinteger(L, ii, 1);
  lua_Integer j = lua_isnoneornil(L, ii + 1) ? walk_len(L, 1) : luaL_checkinteger(L, ii + 1);
  charge_range(L, i, j, has_meta(L, 1), what);
  return call_lib(L);
}

static int sb_concat(lua_State *L) { return sb_span(L, 3, "table.concat"); }
static int sb_unpack(lua_State *L) { return sb_span(L, 2, "table.unpack"); }

/* sort compares about n log2 n times. */
static int sb_sort(lua_State *L) {
  lua_Integer n = walk_len(L, 1), steps = 1;
  for (lua_Integer m = n; m > 1; m >>= 1) steps++;
  if (n > 0) charge_range(L, 1, n > LUA_MAXINTEGER / steps ? LUA_MAXINTEGER : n * steps,
                          has_meta(L, 1), "table.sort");
  return call_lib(L);
}

void klua_limit_libraries(lua_State *L, int G) {
  lua_pushcfunction(L, sb_setmetatable);
  lua_setfield(L, G, "setmetatable");
  lua_getfield(L, G, "xpcall");
  lua_pushcclosure(L, sb_xpcall, 1);
  lua_setfield(L, G, "xpcall");
  lua_getfield(L, G, "string");
  lua_pushcfunction(L, sb_rep);
  lua_setfield(L, -2, "rep");
  klua_limit_patterns(L);
  lua_pop(L, 1);
  /* The library's own functions stay reachable for the wrappers (as
   * upvalues) and, in the registry's table of loaded modules that no script
   * can reach, for the names in their argument errors ("table.move"). */
  static const lua_CFunction wrap[] = {sb_move, sb_insert, sb_remove, sb_concat, sb_unpack, sb_sort};
  static const char *const names[] = {"move", "insert", "remove", "concat", "unpack", "sort"};
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_createtable(L, 0, 6);
  lua_getfield(L, G, "table");
  for (int i = 0; i < 6; i++) {
    lua_getfield(L, -1, names[i]);
    lua_pushvalue(L, -1);
    lua_setfield(L, -4, names[i]);
    lua_pushcclosure(L, wrap[i], 1);
    lua_setfield(L, -2, names[i]);
  }
  lua_pop(L, 1);
  lua_setfield(L, -2, "table");
  lua_pop(L, 1);
}

/*
 * lua/guard.c - library functions whose C loops can run long without
 * allocating, so that neither the count hook nor the memory cap would stop
 * them: string.rep of an empty string (and empty separator) a huge number
 * of times; table.move over a huge range of nils; table.insert, remove,
 * concat and sort on a table whose __len says it is huge and whose
 * __index and __newindex are C functions or absent. The replacements
 * behave as the manual says (§6.4, §6.6) and charge the budget per
 * element. utf8.len, offset and codepoint walk their string without
 * allocating: they charge its length first.
 */
#include "lua/pattern.h"
#include "lua/host.h"

#include <limits.h>
#include <stdbool.h>
#include <lauxlib.h>

/* The longest string.rep result (the stock library's limit). */
#define REP_MAX ((size_t)INT_MAX)

/* Upvalue 1: the stock string.rep, which allocates the whole result before
 * its loop, so the memory cap bounds the loop, unless the result is empty:
 * then the stock loop runs n times for nothing. */
static int guarded_rep(lua_State *L)
{
	size_t len, sep_len;
	luaL_checklstring(L, 1, &len);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &sep_len);
	if (n <= 0 || (len == 0 && sep_len == 0)) {
		lua_pushliteral(L, "");
		return 1;
	}
	/* Raised here, not by the stock function, so that the message names
	 * the caller's line. */
	if (len + sep_len < len || len + sep_len > REP_MAX / (size_t)n) {
		return luaL_error(L, "resulting string too large");
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* Raises the manual's error unless the value at arg is a table or has
 * every metamethod in `events` (a table function's needs).  [-0, +0, v] */
static void check_table_like(lua_State *L, int arg, const char *const *events)
{
	if (lua_type(L, arg) == LUA_TTABLE) {
		return;
	}
	if (lua_getmetatable(L, arg)) {
		bool has = true;
		for (; *events != NULL && has; events++) {
			has = lua_getfield(L, -1, *events) != LUA_TNIL;
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		if (has) {
			return;
		}
	}
	luaL_checktype(L, arg, LUA_TTABLE);
}

static bool has_metatable(lua_State *L, int idx)
{
	if (!lua_getmetatable(L, idx)) {
		return false;
	}
	lua_pop(L, 1);
	return true;
}

/* Steps charged per element a table function reads or writes: one, or
 * more when a metamethod (perhaps a C function, which the count hook does
 * not see) may run for it. */
#define METAMETHOD_COST 16

static size_t element_cost(lua_State *L, int a, int b)
{
	return has_metatable(L, a) || has_metatable(L, b) ? METAMETHOD_COST : 1;
}

static const char *const read_events[] = {"__index", NULL};
static const char *const write_events[] = {"__newindex", NULL};
static const char *const read_len_events[] = {"__index", "__len", NULL};
static const char *const all_events[] = {"__index", "__newindex", "__len",
	NULL};

/* Copies a[f..f+n-1] to b[t..] one element at a time, upwards or
 * downwards so an overlapping range reads each element before it is
 * overwritten. */
static void move_elements(lua_State *L, int b, lua_Integer f, lua_Integer n,
	lua_Integer t, bool upwards)
{
	struct plm_lua_meter meter = {L, 0};
	size_t cost = element_cost(L, 1, b);
	for (lua_Integer i = 0; i < n; i++) {
		lua_Integer k = upwards ? i : n - 1 - i;
		plm_lua_meter_add(&meter, cost);
		lua_geti(L, 1, f + k);
		lua_seti(L, b, t + k);
	}
	plm_lua_meter_settle(&meter);
}

/* table.move(a1, f, e, t [, a2]) */
static int guarded_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2);
	lua_Integer e = luaL_checkinteger(L, 3);
	lua_Integer t = luaL_checkinteger(L, 4);
	int b = lua_isnoneornil(L, 5) ? 1 : 5;
	check_table_like(L, 1, read_events);
	check_table_like(L, b, write_events);
	if (e >= f) {
		luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3,
			"too many elements to move");
		lua_Integer n = e - f + 1;
		luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4,
			"destination wrap around");
		bool upwards = t > e || t <= f ||
			(b != 1 && !lua_compare(L, 1, b, LUA_OPEQ));
		move_elements(L, b, f, n, t, upwards);
	}
	lua_pushvalue(L, b);
	return 1;
}

/* t[to] = t[from] for `from` stepping from `first` to `last` (by +1 or
 * -1), charging each move.  [-0, +0, e] */
static void shift(lua_State *L, lua_Integer first, lua_Integer last,
	lua_Integer to_offset)
{
	struct plm_lua_meter meter = {L, 0};
	size_t cost = element_cost(L, 1, 1);
	lua_Integer step = first <= last ? 1 : -1;
	for (lua_Integer from = first;; from += step) {
		plm_lua_meter_add(&meter, cost);
		lua_geti(L, 1, from);
		lua_seti(L, 1, from + to_offset);
		if (from == last) {
			break;
		}
	}
	plm_lua_meter_settle(&meter);
}

/* table.insert(list, [pos,] value) */
static int guarded_insert(lua_State *L)
{
	check_table_like(L, 1, all_events);
	lua_Integer after = (lua_Integer)((lua_Unsigned)luaL_len(L, 1) + 1);
	lua_Integer pos = after;
	int args = lua_gettop(L);
	if (args == 3) {
		pos = luaL_checkinteger(L, 2);
		/* 1 <= pos <= after, without overflow */
		luaL_argcheck(L, (lua_Unsigned)pos - 1 < (lua_Unsigned)after, 2,
			"position out of bounds");
		if (pos < after) {
			shift(L, after - 1, pos, 1);
		}
	} else if (args != 2) {
		return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

/* table.remove(list [, pos]) */
static int guarded_remove(lua_State *L)
{
	check_table_like(L, 1, all_events);
	lua_Integer size = luaL_len(L, 1);
	lua_Integer pos = luaL_optinteger(L, 2, size);
	/* pos == size (0 for an empty list), or 1 <= pos <= size + 1; the
	 * stock message blames argument 1, and so do we. */
	luaL_argcheck(L,
		pos == size || (lua_Unsigned)pos - 1 <= (lua_Unsigned)size, 1,
		"position out of bounds");
	lua_geti(L, 1, pos);
	if (pos < size) {
		shift(L, pos + 1, size, -1);
		pos = size;
	}
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

/* table.concat(list [, sep [, i [, j]]]) */
static int guarded_concat(lua_State *L)
{
	check_table_like(L, 1, read_len_events);
	lua_Integer last = luaL_len(L, 1);
	size_t sep_len;
	const char *sep = luaL_optlstring(L, 2, "", &sep_len);
	lua_Integer i = luaL_optinteger(L, 3, 1);
	last = luaL_optinteger(L, 4, last);
	struct plm_lua_meter meter = {L, 0};
	size_t cost = element_cost(L, 1, 1);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (; i <= last; i++) {
		plm_lua_meter_add(&meter, cost);
		lua_geti(L, 1, i);
		if (!lua_isstring(L, -1)) {
			return luaL_error(L,
				"invalid value (%s) at index %I "
				"in table for 'concat'",
				luaL_typename(L, -1), (LUAI_UACINT)i);
		}
		luaL_addvalue(&b);
		if (i == last) {
			break;
		}
		luaL_addlstring(&b, sep, sep_len);
	}
	plm_lua_meter_settle(&meter);
	luaL_pushresult(&b);
	return 1;
}

/* Copies t[1..n] of the table at `from` to the table at `to`, charging
 * each element. Returns false if an element was nil.  [-0, +0, e] */
static bool copy_list(lua_State *L, int from, int to, lua_Integer n)
{
	struct plm_lua_meter meter = {L, 0};
	size_t cost = element_cost(L, from, to);
	bool full = true;
	for (lua_Integer i = 1; i <= n; i++) {
		plm_lua_meter_add(&meter, cost);
		full = lua_geti(L, from, i) != LUA_TNIL && full;
		lua_seti(L, to, i);
	}
	plm_lua_meter_settle(&meter);
	return full;
}

/* table.sort(list [, comp]). Upvalue 1: the stock sort. A list with a
 * metatable (whose __len, __index and __newindex could make the stock
 * loop endless and silent) is sorted through a plain copy, once reading
 * it has been charged; a copy with holes could not stand for the list, so
 * then the list itself is sorted (its length is within the budget). */
static int guarded_sort(lua_State *L)
{
	check_table_like(L, 1, all_events);
	lua_Integer n = luaL_len(L, 1);
	if (n <= 1) {
		return 0;
	}
	luaL_argcheck(L, n < INT_MAX, 1, "array too big");
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TFUNCTION);
	}
	lua_settop(L, 2);
	bool copy = has_metatable(L, 1);
	if (copy) {
		lua_newtable(L);
		copy = copy_list(L, 1, 3, n);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, copy ? 3 : 1);
	lua_pushvalue(L, 2);
	lua_call(L, 2, 0);
	if (copy) {
		copy_list(L, 3, 1, n);
	}
	return 0;
}

/* Upvalue 1: a stock function that scans its first argument, a string,
 * without allocating: charged by its length, then called. */
static int charged_scan(lua_State *L)
{
	size_t len = 0;
	if (lua_type(L, 1) == LUA_TSTRING) {
		lua_tolstring(L, 1, &len);
	}
	plm_lua_charge(L, len / PLM_LUA_BYTES_PER_STEP);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

void plm_lua_guard_install(lua_State *L, int string_lib, int table_lib,
	int utf8_lib)
{
	string_lib = lua_absindex(L, string_lib);
	table_lib = lua_absindex(L, table_lib);
	utf8_lib = lua_absindex(L, utf8_lib);
	static const char *const scans[] = {"len", "offset", "codepoint", NULL};
	for (const char *const *s = scans; *s != NULL; s++) {
		lua_getfield(L, utf8_lib, *s);
		lua_pushcclosure(L, charged_scan, 1);
		lua_setfield(L, utf8_lib, *s);
	}
	lua_getfield(L, string_lib, "rep");
	lua_pushcclosure(L, guarded_rep, 1);
	lua_setfield(L, string_lib, "rep");
	static const luaL_Reg table_functions[] = {
		{"move", guarded_move},
		{"insert", guarded_insert},
		{"remove", guarded_remove},
		{"concat", guarded_concat},
		{NULL, NULL},
	};
	for (const luaL_Reg *f = table_functions; f->name != NULL; f++) {
		lua_pushcfunction(L, f->func);
		lua_setfield(L, table_lib, f->name);
	}
	lua_getfield(L, table_lib, "sort");
	lua_pushcclosure(L, guarded_sort, 1);
	lua_setfield(L, table_lib, "sort");
}

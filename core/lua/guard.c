/*
 * lua/guard.c - library functions whose C loops can run long without
 * allocating, so that neither the count hook nor the memory cap would stop
 * them: string.rep of an empty string (and empty separator) a huge number
 * of times, and table.move over a huge range of nils. The replacements
 * behave as the manual says (§6.4, §6.6) and charge the budget.
 */
#include "lua/pattern.h"

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

/* Raises the manual's error unless the value at arg is a table or has the
 * metamethod a table function needs.  [-0, +0, v] */
static void check_table_like(lua_State *L, int arg, const char *event)
{
	if (lua_type(L, arg) == LUA_TTABLE) {
		return;
	}
	if (lua_getmetatable(L, arg)) {
		bool has = lua_getfield(L, -1, event) != LUA_TNIL;
		lua_pop(L, 2);
		if (has) {
			return;
		}
	}
	luaL_checktype(L, arg, LUA_TTABLE);
}

/* Copies a[f..f+n-1] to b[t..] one element at a time, upwards or
 * downwards so an overlapping range reads each element before it is
 * overwritten. */
static void move_elements(lua_State *L, int b, lua_Integer f, lua_Integer n,
	lua_Integer t, bool upwards)
{
	struct plm_lua_meter meter = {L, 0};
	for (lua_Integer i = 0; i < n; i++) {
		lua_Integer k = upwards ? i : n - 1 - i;
		plm_lua_meter_add(&meter, 1);
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
	check_table_like(L, 1, "__index");
	check_table_like(L, b, "__newindex");
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

void plm_lua_guard_install(lua_State *L, int string_lib, int table_lib)
{
	string_lib = lua_absindex(L, string_lib);
	table_lib = lua_absindex(L, table_lib);
	lua_getfield(L, string_lib, "rep");
	lua_pushcclosure(L, guarded_rep, 1);
	lua_setfield(L, string_lib, "rep");
	lua_pushcfunction(L, guarded_move);
	lua_setfield(L, table_lib, "move");
}

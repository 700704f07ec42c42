/*
 * tests/lua/test_pattern.c - the sandbox's own pattern functions and
 * guarded loops (core/lua/pattern.c, guard.c): the same results and errors
 * as the stock Lua 5.4 library on hand-written and random cases
 * (pattern_cases.lua), and runaway calls ending as the instruction limit
 * inside a sandboxed run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lua/host.h"
#include "lua/pattern.h"
#include "plm_config.h"

#define RANDOM_CASES 20000

/* Pushes a copy of the library table `name` of a plain state. */
static void push_library_copy(lua_State *L, const char *name)
{
	lua_newtable(L);
	lua_getglobal(L, name);
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
}

static void ours_agree_with_stock_library(void **state)
{
	(void)state;
	lua_State *L = luaL_newstate();
	assert_non_null(L);
	/* No host: nothing to charge. */
	*(void **)lua_getextraspace(L) = NULL;
	luaL_openlibs(L);
	if (luaL_loadfile(L, PLM_SOURCE_ROOT "/tests/lua/pattern_cases.lua") !=
		LUA_OK) {
		fail_msg("%s", lua_tostring(L, -1));
	}
	lua_call(L, 0, 1);
	lua_getglobal(L, "string");
	push_library_copy(L, "string");
	lua_getglobal(L, "table");
	push_library_copy(L, "table");
	plm_lua_pattern_install(L, -3);
	push_library_copy(L, "utf8"); /* guarded too, not compared here */
	plm_lua_guard_install(L, -4, -2, -1);
	lua_pop(L, 1);
	lua_pushinteger(L, RANDOM_CASES);
	if (lua_pcall(L, 5, 2, 0) != LUA_OK) {
		fail_msg("%s", lua_tostring(L, -1));
	}
	lua_Integer cases = lua_tointeger(L, -2);
	lua_Integer bad = (lua_Integer)luaL_len(L, -1);
	for (lua_Integer i = 1; i <= bad && i <= 30; i++) {
		lua_geti(L, -1, i);
		print_error("%s\n", lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	print_message("%lld cases, %lld mismatches\n", (long long)cases,
		(long long)bad);
	assert_true(cases > RANDOM_CASES + 2000);
	assert_int_equal(bad, 0);
	lua_close(L);
}

/* Runs the chunk (the light userdata) in a fresh sandbox environment. */
static int run_chunk(lua_State *L)
{
	const char *code = lua_touserdata(L, 1);
	if (luaL_loadbufferx(L, code, strlen(code), "=hostile", "t") !=
		LUA_OK) {
		return lua_error(L);
	}
	plm_lua_push_env(L);
	plm_lua_set_env(L, -2);
	lua_call(L, 0, 0);
	return 0;
}

static enum plm_lua_status run(struct plm_lua *h, const char *code,
	struct plm_lua_failure *fail)
{
	struct plm_lua_limits limits = {
		.memory = PLM_LUA_DEFAULT_MEMORY,
		.instructions = PLM_LUA_DEFAULT_INSTRUCTIONS,
	};
	return plm_lua_run(h, run_chunk, (void *)code, &limits, fail);
}

static void runaway_calls_end_at_the_instruction_limit(void **state)
{
	(void)state;
	static const char *const hostile[] = {
		"local s = string.rep('a', 50000)\n"
		"return string.find(s, string.rep('a*', 15) .. 'b')",
		"local s = string.rep('a', 50000)\n"
		"return s:match(string.rep('a*', 15) .. 'b')",
		"local s = string.rep('x', 20000)\n"
		"return s:find(('.-'):rep(10) .. 'y')",
		"local s = string.rep('a', 30000)\n"
		"return s:gsub(string.rep('a-', 12) .. 'b', '')",
		"local s = string.rep('a', 30000)\n"
		"for w in s:gmatch(string.rep('a?', 14) .. 'b') do end",
		"local s = string.rep('a', 30000)\n"
		"return pcall(string.find, s, string.rep('a*', 15) .. 'b')",
		/* A set that may match nothing is read again at every
		 * place tried (a set that must match is read once, and
		 * only its bytes are tried: see set_first_search_is_one_pass). */
		"local p = '[' .. string.rep('b', 1000000) .. ']*c'\n"
		"return string.rep('a', 100000):find(p)",
		"local s = string.rep('a', 1000000)\n"
		"return s:find(string.rep('a', 500000) .. 'b', 1, true)",
		"local s = string.rep('a', 10000000)\n"
		"for i = 1, 10000000 do s:find('b', 1, true) end",
		"local s = string.rep('(', 100000)\n"
		"for i = 1, 100000 do s:find('%b()') end",
		"local s = string.rep('', 1e15) .. string.rep('', 1e15, '')\n"
		"while s == '' do end",
		"\nreturn #string.rep('', 1e15, 'x')",
		"\nreturn table.move({}, 1, 1e15, 2)",
		"local t = setmetatable({}, {__len = function() return 1e15 end})\n"
		"table.insert(t, 1, 1)",
		"local t = setmetatable({}, {__len = function() return 1e15 end})\n"
		"table.remove(t, 1)",
		"local t = setmetatable({}, {__index = table.concat})\n"
		"return table.concat(t, '', 1, 1e15)",
	};
	struct plm_lua *h = NULL;
	assert_int_equal(plm_lua_create(&h), 0);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(*hostile); i++) {
		struct plm_lua_failure fail;
		clock_t t0 = clock();
		enum plm_lua_status st = run(h, hostile[i], &fail);
		double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		print_message("%.2f s: %s\n", secs, fail.message);
		if (strstr(hostile[i], "'x')") != NULL) {
			/* Over the longest string rep makes. */
			assert_int_equal(st, PLM_LUA_ERROR);
			continue;
		}
		assert_int_equal(st, PLM_LUA_INSTRUCTIONS);
		assert_non_null(strstr(fail.message,
			"hostile:2: instruction "
			"limit exceeded"));
	}
	plm_lua_destroy(h);
}

/* A search whose pattern starts with a set that must match reads the set
 * once and tries only the places holding one of its bytes: a million-byte
 * set over a 100,000-byte subject ends well within the budget (read at
 * every place, it ran out of it), with the answers the stock library
 * gives. */
static void set_first_search_is_one_pass(void **state)
{
	(void)state;
	struct plm_lua *h = NULL;
	assert_int_equal(plm_lua_create(&h), 0);
	struct plm_lua_failure fail;
	enum plm_lua_status st = run(h,
		"local p = '[' .. string.rep('b', 1000000) .. ']'\n"
		"local s = string.rep('a', 100000) .. 'b'\n"
		"assert(s:find(p) == 100001)\n"
		"assert(s:find(p .. '$') == 100001)\n"
		"assert(s:find(p .. 'c') == nil)\n"
		"assert(s:find('[^a]') == 100001)\n"
		"assert(('x  y'):find('[%s]+', 2) == 2)\n"
		"assert(select(2, ('x  y'):find('[%s]+')) == 3)\n"
		"assert(('--]x'):find('[]x]') == 3)\n"
		"assert(('az-b'):find('[%-b]', 2) == 3)",
		&fail);
	print_message("%s\n", fail.message);
	assert_int_equal(st, PLM_LUA_OK);
	plm_lua_destroy(h);
}

static void rep_of_empty_strings_is_empty_at_once(void **state)
{
	(void)state;
	struct plm_lua *h = NULL;
	assert_int_equal(plm_lua_create(&h), 0);
	struct plm_lua_failure fail;
	assert_int_equal(run(h,
				 "assert(string.rep('', 1e15) == '')\n"
				 "assert(('').rep('', math.maxinteger, '') == '')\n"
				 "assert(string.rep('ab', 3, '') == 'ababab')",
				 &fail),
		PLM_LUA_OK);
	plm_lua_destroy(h);
}

static void deep_patterns_fail_as_too_complex(void **state)
{
	(void)state;
	struct plm_lua *h = NULL;
	assert_int_equal(plm_lua_create(&h), 0);
	struct plm_lua_failure fail;
	assert_int_equal(
		run(h,
			"local ok, err = pcall(string.find, ('a'):rep(500), "
			"('a?'):rep(500))\n"
			"assert(not ok and err:find('pattern too complex'), err)\n"
			"assert(('a'):rep(500):find(('%a'):rep(500)) == 1)",
			&fail),
		PLM_LUA_OK);
	plm_lua_destroy(h);
}

/* The library is ours both through `string` and through the string
 * metatable, for policies and for the helper library alike. */
static void policies_and_methods_use_our_functions(void **state)
{
	(void)state;
	struct plm_lua *h = NULL;
	assert_int_equal(plm_lua_create(&h), 0);
	struct plm_lua_failure fail;
	assert_int_equal(run(h,
				 "local s = ('a'):rep(30000)\n"
				 "local p = ('a*'):rep(15) .. 'b'\n"
				 "assert(s:find(p) == nil)",
				 &fail),
		PLM_LUA_INSTRUCTIONS);
	assert_int_equal(run(h,
				 "local P = require('plimsoll')\n"
				 "assert(string.find('a.b', '.', 1, true) == 2)\n"
				 "assert(('x=1'):match('(%w)=(%d)') == 'x')",
				 &fail),
		PLM_LUA_OK);
	plm_lua_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ours_agree_with_stock_library),
		cmocka_unit_test(runaway_calls_end_at_the_instruction_limit),
		cmocka_unit_test(set_first_search_is_one_pass),
		cmocka_unit_test(rep_of_empty_strings_is_empty_at_once),
		cmocka_unit_test(deep_patterns_fail_as_too_complex),
		cmocka_unit_test(policies_and_methods_use_our_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

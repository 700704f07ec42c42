/*
 * tests/fuzz/fuzz_pattern.c - the sandbox's own Lua pattern matching
 * (core/lua/pattern.c) against the stock Lua 5.4 library, differentially:
 * the same results, or the same error message, for string.find, match,
 * gmatch and gsub on fuzzer-chosen patterns, subjects and start positions.
 * A difference aborts.
 *
 * Input: byte 0 picks the function and the replacement, byte 1 the start
 * position (-8..+8 around 1), then the pattern up to the first NUL and the
 * subject after it. The stock matcher has no step budget, so inputs that
 * could make it backtrack for long (more than three repetition characters
 * in the pattern, or a long subject) are skipped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lua/pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PATTERN 48
#define MAX_SUBJECT 64
#define MAX_REPEATS 3

/* Runs one call with both libraries; returns whether they agree, with
 * what each gave as text in `stock` and `ours` (for the report). */
static const char compare_source[] =
	"local stock, ours, op, pat, subj, init = ...\n"
	"local function show(ok, ...)\n"
	"  local t = {ok and 'ok' or 'error'}\n"
	"  for i = 1, select('#', ...) do\n"
	"    local v = select(i, ...)\n"
	"    t[#t + 1] = type(v) .. ':' .. tostring(v)\n"
	"  end\n"
	"  return table.concat(t, '|')\n"
	"end\n"
	"local function each(lib)\n"
	"  if op == 0 then return show(pcall(lib.find, subj, pat, init)) end\n"
	"  if op == 1 then\n"
	"    return show(pcall(lib.find, subj, pat, init, true))\n"
	"  end\n"
	"  if op == 2 then return show(pcall(lib.match, subj, pat, init)) end\n"
	"  if op == 3 then\n"
	"    return show(pcall(function()\n"
	"      local out = {}\n"
	"      for a, b in lib.gmatch(subj, pat, init) do\n"
	"        out[#out + 1] = tostring(a) .. ',' .. tostring(b)\n"
	"        if #out > 200 then break end\n"
	"      end\n"
	"      return table.concat(out, ';')\n"
	"    end))\n"
	"  end\n"
	"  local repl = ({'%0-%1', {a = 'A', b = false}, function(x)\n"
	"    return x and #x > 1 and x:upper() or nil end, '%%', '%2'})\n"
	"    [op - 3] or ''\n"
	"  return show(pcall(lib.gsub, subj, pat, repl, init > 0 and init or nil))\n"
	"end\n"
	"local a, b = each(stock), each(ours)\n"
	"return a == b, a, b\n";

static lua_State *L;
static int compare_ref;
static int stock_ref;
static int ours_ref;

/* A plain copy of the string library table at the top.  [-0, +1] */
static void push_copy(lua_State *S)
{
	lua_newtable(S);
	lua_pushnil(S);
	while (lua_next(S, -3) != 0) {
		lua_pushvalue(S, -2);
		lua_insert(S, -2);
		lua_rawset(S, -4);
	}
}

static void setup(void)
{
	L = luaL_newstate();
	if (L == NULL) {
		abort();
	}
	/* No host: the matcher's steps are counted but charged to nothing. */
	*(void **)lua_getextraspace(L) = NULL;
	luaL_openlibs(L);
	if (luaL_loadbufferx(L, compare_source, sizeof(compare_source) - 1,
		    "=compare", "t") != LUA_OK) {
		abort();
	}
	compare_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_getglobal(L, "string");
	push_copy(L);
	stock_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	push_copy(L);
	plm_lua_pattern_install(L, -1);
	ours_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);
}

static size_t repeats(const char *pattern, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		n += strchr("*+-?", pattern[i]) != NULL && pattern[i] != '\0';
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (L == NULL) {
		setup();
	}
	if (size < 2) {
		return 0;
	}
	int op = data[0] % 9;
	lua_Integer init = (lua_Integer)(data[1] % 17) - 8;
	const char *rest = (const char *)data + 2;
	size_t rest_len = size - 2;
	const char *nul = memchr(rest, '\0', rest_len);
	size_t pat_len = nul != NULL ? (size_t)(nul - rest) : rest_len;
	const char *subject = nul != NULL ? nul + 1 : "";
	size_t subject_len = nul != NULL ? rest_len - pat_len - 1 : 0;
	if (pat_len > MAX_PATTERN || subject_len > MAX_SUBJECT ||
		repeats(rest, pat_len) > MAX_REPEATS) {
		return 0;
	}
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, compare_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, stock_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, ours_ref);
	lua_pushinteger(L, op);
	lua_pushlstring(L, rest, pat_len);
	lua_pushlstring(L, subject, subject_len);
	lua_pushinteger(L, init == 0 ? 1 : init);
	if (lua_pcall(L, 6, 3, 0) != LUA_OK) {
		fprintf(stderr, "fuzz_pattern: %s\n", lua_tostring(L, -1));
		abort();
	}
	if (!lua_toboolean(L, -3)) {
		fprintf(stderr,
			"fuzz: pattern results differ\nstock: %s\nours:  %s\n",
			lua_tostring(L, -2), lua_tostring(L, -1));
		abort();
	}
	lua_settop(L, top);
	static unsigned runs;
	if (++runs % 1024 == 0) {
		lua_gc(L, LUA_GCCOLLECT);
	}
	return 0;
}

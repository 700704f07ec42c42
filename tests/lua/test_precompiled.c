/*
 * tests/lua/test_precompiled.c - loading a built-in policy whose
 * build-time dump this Lua refuses: the engine keeps no text for such a
 * policy, so the chunk is read again from its file; and what the
 * build-time dumps keep of the debug information.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lua/checker.h"
#include "lua/internal.h"
#include "lua/precompiled.h"
#include "plm_config.h"
#include <lauxlib.h>

/* Not a dump of any Lua: load_precompiled refuses it. */
static const unsigned char not_a_dump[] = "this is not a Lua dump at all";

static const struct plm_precompiled refused = {
	.name = "refused",
	.dump = not_a_dump,
	.dump_len = sizeof(not_a_dump) - 1,
};

static void refused_dump_reads_the_file_again(void **state)
{
	(void)state;
	char path[] = "/tmp/plm-precompiled-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "return 6 * 7\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1),
		(ssize_t)(sizeof(text) - 1));
	close(fd);
	char chunkname[64];
	snprintf(chunkname, sizeof(chunkname), "@%s", path);

	struct plm_lua *h = NULL;
	assert_int_equal(plm_lua_create(&h), 0);
	lua_State *L = plm_lua_state(h);
	struct plm_lua_chunk c = {
		.chunkname = chunkname,
		.text = NULL,
		.text_len = sizeof(text) - 1,
		.precompiled = &refused,
	};
	bool parsed = false;
	assert_int_equal(plm_lua_load_chunk(L, &c, &parsed), LUA_OK);
	assert_true(parsed);
	lua_call(L, 0, 1);
	assert_int_equal(lua_tointeger(L, -1), 42);
	lua_pop(L, 1);

	/* Gone since: an error that names the file, not a crash. */
	unlink(path);
	assert_int_not_equal(plm_lua_load_chunk(L, &c, &parsed), LUA_OK);
	assert_non_null(strstr(lua_tostring(L, -1), path));
	lua_pop(L, 1);
	plm_lua_destroy(h);
}

static int count_bytes(lua_State *L, const void *p, size_t size, void *ud)
{
	(void)L;
	(void)p;
	*(size_t *)ud += size;
	return 0;
}

/* The size of path's chunk dumped by this Lua under the build's chunk
 * name, stripped or not. */
static size_t dump_size(const char *path, int strip)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char text[1 << 20];
	size_t len = fread(text, 1, sizeof(text), f);
	fclose(f);
	lua_State *L = luaL_newstate();
	assert_non_null(L);
	assert_int_equal(luaL_loadbufferx(L, text, len,
				 "@" PLM_PRECOMPILED_NAME, "t"),
		LUA_OK);
	size_t size = 0;
	assert_int_equal(lua_dump(L, count_bytes, &size, strip), 0);
	lua_close(L);
	return size;
}

/* precompile.c drops the names of locals and upvalues and keeps the line
 * numbers: each built-in dump is smaller than the whole one and larger
 * than one stripped of everything, loads, and still maps its code to
 * lines. */
static void dumps_keep_lines_not_names(void **state)
{
	(void)state;
	size_t checked = 0;
	for (const struct plm_precompiled *const *e = plm_precompiled_policies;
		*e != NULL; e++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s/policy.lua",
			PLM_SOURCE_POLICY_DIR, (*e)->name);
		size_t whole = dump_size(path, 0), bare = dump_size(path, 1);
		if ((*e)->dump_len >= whole || (*e)->dump_len <= bare) {
			fail_msg("%s: dump of %zu bytes, whole %zu, stripped %zu",
				(*e)->name, (*e)->dump_len, whole, bare);
		}
		lua_State *L = luaL_newstate();
		assert_int_equal(luaL_loadbufferx(L, (const char *)(*e)->dump,
					 (*e)->dump_len, "=dump", "b"),
			LUA_OK);
		lua_Debug ar;
		assert_true(lua_getinfo(L, ">L", &ar));
		lua_pushnil(L);
		assert_true(lua_next(L, -2) != 0); /* a line with code */
		lua_close(L);
		checked++;
	}
	assert_true(checked >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_dump_reads_the_file_again),
		cmocka_unit_test(dumps_keep_lines_not_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

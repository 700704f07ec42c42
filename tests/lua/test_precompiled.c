/*
 * tests/lua/test_precompiled.c - loading a built-in policy whose
 * build-time dump this Lua refuses: the engine keeps no text for such a
 * policy, so the chunk is read again from its file.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_dump_reads_the_file_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

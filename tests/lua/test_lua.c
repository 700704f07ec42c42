/*
 * tests/lua/test_lua.c - runs tests/lua/helpers.lua (the helper library's
 * and the sandbox's tests, written in Lua) as a policy; each failing Lua
 * test is a finding and fails here with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../engine/docs.h"
#include "engine/engine.h"
#include "plm_config.h"

static void helper_library_lua_tests_pass(void **state)
{
	(void)state;
	/* The helper library's reads of undefined globals raise. */
	setenv("PLIMSOLL_STRICT_HELPERS", "1", 1);
	const char *files[] = {PLM_SOURCE_ROOT "/tests/lua/helpers.lua"};
	struct plm_engine_options o = {0};
	o.policy_files = files;
	o.policy_file_count = 1;
	o.no_builtin = true;
	struct plm_engine *e = NULL;
	char *error = NULL;
	if (plm_engine_create(&o, &e, &error) != 0) {
		fail_msg("%s", error);
	}
	struct plm_checker *c = NULL;
	assert_int_equal(plm_checker_create(e, &c, &error), 0);
	struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE, "Dockerfile",
		"FROM alpine\nRUN true\n");
	test_container(doc, "stage-0", "dockerfile",
		test_at(doc, "FROM alpine"));
	struct plm_file_result r;
	assert_int_equal(plm_file_result_init(&r, "Dockerfile"), 0);
	assert_int_equal(plm_checker_run(c, doc, &r), 0);
	for (size_t i = 0; i < r.finding_count; i++) {
		print_error("lua test failed: %s\n", r.findings[i].message);
	}
	for (size_t i = 0; i < r.note_count; i++) {
		print_error("lua error: %s\n", r.notes[i].message);
	}
	assert_int_equal(r.finding_count, 0);
	assert_int_equal(r.note_count, 0);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(helper_library_lua_tests_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

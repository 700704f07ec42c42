/*
 * tests/policies/test_hostile.c - hostile policies are contained: each
 * becomes one policy-error notification with a clear message naming the
 * policy file and the scanned file, and the witness policy that runs after
 * them reports exactly what it reports alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>

#include "../engine/docs.h"
#include "engine/engine.h"
#include "plm_config.h"

#define HOSTILE PLM_SOURCE_ROOT "/tests/policies/hostile"

struct expectation {
	const char *id;
	const char *code;
	const char *text;
};

static const struct expectation expected[] = {
	{"hostile-alloc", "policy/memory-limit", "memory limit exceeded"},
	{"hostile-alloc-table", "policy/memory-limit", "memory limit exceeded"},
	{"hostile-error", "policy/error", "deliberate failure in check"},
	{"hostile-flood", "policy/error", "failed after flooding"},
	{"hostile-gc", "policy/error", "__gc metamethods are not allowed"},
	{"hostile-load-bytecode", "policy/error", "nil value"},
	{"hostile-loop", "policy/instruction-limit",
		"instruction limit exceeded"},
	{"hostile-loop-in-pcall", "policy/instruction-limit",
		"instruction limit exceeded"},
	{"hostile-mutate-model", "policy/error", "the model is read-only"},
	{"hostile-outside", "policy/error", "line 99999 is outside Dockerfile"},
	{"hostile-read-file", "policy/error", "global 'io'"},
	{"hostile-recursion", "policy/memory-limit", "memory limit exceeded"},
	{"hostile-rep-bomb", "policy/memory-limit", "memory limit exceeded"},
	{"hostile-require-os", "policy/error", "module 'os' not found"},
	{"hostile-run-command", "policy/error", "global 'os'"},
	{"hostile-string-metatable", "policy/error", "string value"},
};

static struct plm_engine *hostile_engine(const char *only)
{
	const char *dirs[] = {HOSTILE};
	const char *only_list[] = {only};
	struct plm_engine_options o = {0};
	o.policy_dirs = dirs;
	o.policy_dir_count = 1;
	o.no_builtin = true;
	o.memory_limit = (size_t)32 * 1024 * 1024;
	o.instruction_limit = 5000000;
	if (only != NULL) {
		o.only = only_list;
		o.only_count = 1;
	}
	struct plm_engine *e = NULL;
	char *error = NULL;
	if (plm_engine_create(&o, &e, &error) != 0) {
		fail_msg("engine: %s", error);
	}
	return e;
}

static struct plm_doc *witness_doc(void)
{
	struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE, "Dockerfile",
		"FROM alpine AS web\nUSER root\n");
	struct plm_node *c = test_container(doc, "web", "dockerfile",
		test_at(doc, "FROM alpine AS web"));
	test_set(doc, c, "name",
		plm_node_cstring(doc->arena, test_at(doc, "web"), "web"));
	return doc;
}

static void hostile_policies_are_contained_and_the_witness_unchanged(
	void **state)
{
	(void)state;
	unlink("/tmp/plimsoll-pwned");
	struct plm_engine *alone = hostile_engine("witness");
	struct plm_engine *all = hostile_engine(NULL);
	size_t n = 0;
	plm_engine_rules(all, &n);
	assert_int_equal(n, sizeof(expected) / sizeof(expected[0]) + 1);

	struct plm_doc *doc = witness_doc();
	char *error = NULL;
	struct plm_checker *ca = NULL, *cb = NULL;
	assert_int_equal(plm_checker_create(alone, &ca, &error), 0);
	assert_int_equal(plm_checker_create(all, &cb, &error), 0);
	struct plm_file_result ra;
	assert_int_equal(plm_file_result_init(&ra, "Dockerfile"), 0);
	assert_int_equal(plm_checker_run(ca, doc, &ra), 0);
	assert_int_equal(ra.finding_count, 1);
	assert_string_equal(ra.findings[0].message, "WEB/WEB 0");
	assert_int_equal(ra.note_count, 0);

	/* Twice through the same checker: aborted runs leave it usable. */
	for (int round = 0; round < 2; round++) {
		struct plm_file_result rb;
		assert_int_equal(plm_file_result_init(&rb, "Dockerfile"), 0);
		assert_int_equal(plm_checker_run(cb, doc, &rb), 0);
		assert_int_equal(rb.finding_count, 1);
		assert_string_equal(rb.findings[0].rule_id, "witness");
		assert_string_equal(rb.findings[0].message,
			ra.findings[0].message);
		assert_string_equal(rb.findings[0].fingerprint,
			ra.findings[0].fingerprint);
		assert_int_equal(rb.findings[0].region.start_line,
			ra.findings[0].region.start_line);
		assert_true(rb.incomplete);
		assert_int_equal(rb.note_count,
			sizeof(expected) / sizeof(expected[0]));
		for (size_t i = 0; i < rb.note_count; i++) {
			const struct plm_notification *note = &rb.notes[i];
			const struct expectation *x = &expected[i];
			if (round == 0 && getenv("PLM_TEST_VERBOSE") != NULL) {
				printf("%s: %s\n", note->code, note->message);
			}
			assert_int_equal(note->kind, PLM_NOTIFY_POLICY_ERROR);
			assert_string_equal(note->rule_id, x->id);
			assert_string_equal(note->path, "Dockerfile");
			char file[128];
			snprintf(file, sizeof(file), "%s.lua:", x->id);
			if (strcmp(note->code, x->code) != 0 ||
				strstr(note->message, x->text) == NULL ||
				strstr(note->message, file) == NULL ||
				strstr(note->message, "failed on Dockerfile") ==
					NULL) {
				fail_msg("%s: [%s] %s", x->id, note->code,
					note->message);
			}
		}
		plm_file_result_finish(&rb);
	}
	assert_int_not_equal(access("/tmp/plimsoll-pwned", F_OK), 0);
	plm_file_result_finish(&ra);
	plm_checker_destroy(ca);
	plm_checker_destroy(cb);
	plm_doc_destroy(doc);
	plm_engine_destroy(alone);
	plm_engine_destroy(all);
}

static void malformed_metadata_names_the_file(void **state)
{
	(void)state;
	const char *files[] = {
		PLM_SOURCE_ROOT "/tests/policies/malformed/bad-metadata.lua"};
	struct plm_engine_options o = {0};
	o.policy_files = files;
	o.policy_file_count = 1;
	o.no_builtin = true;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_not_equal(plm_engine_create(&o, &e, &error), 0);
	assert_null(e);
	assert_non_null(strstr(error, "malformed/bad-metadata.lua"));
	assert_non_null(strstr(error, "kebab-case"));
	free(error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			hostile_policies_are_contained_and_the_witness_unchanged),
		cmocka_unit_test(malformed_metadata_names_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

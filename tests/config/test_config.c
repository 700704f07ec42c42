/*
 * tests/config/test_config.c - configuration globs, the per-directory
 * lookup cache, and an editor's in-memory buffer linted through the run
 * with the configuration of the directory its path names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/run.h"
#include "util/glob.h"
#include "plm_config.h"

#define BUILTIN PLM_SOURCE_ROOT "/policies"

static void test_glob_segments_and_double_star(void **state)
{
	(void)state;
	assert_true(plm_glob_match("*.yaml", "a/b/c.yaml"));
	assert_true(plm_glob_match("vendor", "x/vendor/y/Dockerfile"));
	assert_false(plm_glob_match("vendor", "vendors/Dockerfile"));
	assert_true(plm_glob_match("deploy/*", "deploy/a/Dockerfile"));
	assert_false(plm_glob_match("deploy/*.yaml", "deploy/a/b.yaml"));
	assert_true(plm_glob_match("deploy/**/b.yaml", "deploy/b.yaml"));
	assert_true(plm_glob_match("deploy/**/b.yaml", "deploy/x/y/b.yaml"));
	assert_false(plm_glob_match("deploy/**/b.yaml", "other/deploy/b.yaml"));
	assert_true(plm_glob_match("**/test/**", "a/test/b"));
	assert_true(plm_glob_match("/top", "top/x"));
	assert_false(plm_glob_match("/top", "a/top/x"));
	assert_true(plm_glob_match("build/", "build/x"));
	assert_false(plm_glob_match("build/", "build"));
	assert_true(plm_glob_match("f[0-9].y?ml", "f3.yaml"));
	assert_false(plm_glob_match("f[!0-9].yml", "f3.yml"));
	assert_true(plm_glob_match("a\\*b", "a*b"));
	assert_false(plm_glob_match("a\\*b", "axb"));
	assert_true(plm_glob_match("*a*b*c", "xxaxxbxxc"));
	assert_false(plm_glob_match("*a*b*c", "xxaxxbxx"));
}

static void test_glob_problems(void **state)
{
	(void)state;
	assert_null(plm_glob_check("deploy/**/x.yaml"));
	assert_null(plm_glob_check("/x"));
	assert_non_null(plm_glob_check(""));
	assert_non_null(plm_glob_check("a**"));
	assert_non_null(plm_glob_check("a/[b"));
	assert_non_null(plm_glob_check("../x"));
	assert_non_null(plm_glob_check("a//b"));
	assert_non_null(plm_glob_check("/"));
	assert_non_null(plm_glob_check("**/**/**/**/**/**/**/**/**/x")); /* 9 */
}

/* A temporary tree with a .git marker, so no file above it applies. */
struct tree {
	char root[64];
};

static void put(const struct tree *t, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	for (char *p = path + strlen(t->root) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void make_tree(struct tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/plm-config-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	char git[128];
	snprintf(git, sizeof(git), "%s/.git", t->root);
	assert_int_equal(mkdir(git, 0755), 0);
}

static void remove_tree(const struct tree *t)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
}

static struct plm_engine *engine(void)
{
	struct plm_engine_options o = {.builtin_dir = BUILTIN};
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	return e;
}

static void test_lookup_is_cached_per_directory(void **state)
{
	(void)state;
	struct tree t;
	make_tree(&t);
	put(&t, ".plimsoll.yaml", "rules:\n  low-uid: {severity: high}\n");
	put(&t, "a/b/c/Dockerfile", "FROM x\n");
	struct plm_engine *e = engine();
	struct plm_config_options o = {0};
	struct plm_config_set *cs = NULL;
	assert_int_equal(plm_config_set_create(&o, &cs), 0);
	char *error = NULL;
	assert_int_equal(plm_config_bind(cs, e, &error), 0);
	size_t index = 0;
	assert_non_null(plm_engine_find(e, "low-uid", &index));

	char path[512];
	const struct plm_file_config *first = NULL;
	for (int i = 0; i < 200; i++) {
		const struct plm_file_config *fc = NULL;
		snprintf(path, sizeof(path), "%s/a/b/c/f%d.yaml", t.root, i);
		assert_int_equal(plm_config_resolve(cs, path, false, &fc,
					 &error),
			0);
		assert_int_equal(fc->rules[index].severity, PLM_SEVERITY_HIGH);
		/* one table for every file that matches the same overrides */
		first = first != NULL ? first : fc;
		assert_ptr_equal(fc, first);
	}
	size_t dirs = 0, files = 0;
	plm_config_stats(cs, &dirs, &files);
	assert_int_equal(files, 1);
	assert_int_equal(dirs, 4); /* c, b, a, the root: once each */

	/* a sibling directory walks only to the first cached one */
	snprintf(path, sizeof(path), "%s/a/other/Dockerfile", t.root);
	const struct plm_file_config *fc = NULL;
	assert_int_equal(plm_config_resolve(cs, path, false, &fc, &error), 0);
	plm_config_stats(cs, &dirs, &files);
	assert_int_equal(dirs, 5);
	assert_int_equal(files, 1);
	assert_non_null(fc->file);

	plm_config_set_destroy(cs);
	plm_engine_destroy(e);
	remove_tree(&t);
}

struct counts {
	size_t findings;
	bool low_uid_critical;
	bool excluded;
};

static void on_result(void *ctx, const struct plm_file_result *r)
{
	struct counts *c = ctx;
	c->excluded |= r->excluded;
	for (size_t i = 0; i < r->finding_count; i++) {
		c->findings++;
		if (strcmp(r->findings[i].rule_id, "low-uid") == 0 &&
			r->findings[i].severity == PLM_SEVERITY_CRITICAL) {
			c->low_uid_critical = true;
		}
	}
}

/* Lints text as if it were the file at rel under the tree. */
static struct counts lint_buffer(const struct tree *t, struct plm_engine *e,
	struct plm_config_set *cs, const char *rel, const char *text)
{
	char shown[512];
	snprintf(shown, sizeof(shown), "%s/%s", t->root, rel);
	struct plm_project_options po = {0};
	struct plm_project *p = NULL;
	assert_int_equal(plm_project_create(&po, &p), 0);
	assert_int_equal(plm_project_add_buffer(p, shown, text, strlen(text),
				 PLM_KIND_UNKNOWN),
		0);
	struct counts c = {0};
	struct plm_run_options ro = {
		.engine = e,
		.jobs = 1,
		.rule = PLM_RUN_ALL_RULES,
		.configs = cs,
	};
	struct plm_sink sink = {.result = on_result, .ctx = &c};
	struct plm_run_status st;
	plm_run(p, &ro, &sink, &st);
	assert_null(st.config_error);
	assert_null(st.checker_error);
	assert_true(st.delivered >= 1); /* and the project rules' */
	plm_project_destroy(p);
	return c;
}

static void test_buffer_uses_the_configuration_of_its_path(void **state)
{
	(void)state;
	struct tree t;
	make_tree(&t);
	put(&t, "svc/.plimsoll.yaml",
		"rules:\n  low-uid: {severity: critical}\n"
		"paths:\n  exclude: [generated]\n");
	struct plm_engine *e = engine();
	struct plm_config_options o = {0};
	struct plm_config_set *cs = NULL;
	assert_int_equal(plm_config_set_create(&o, &cs), 0);
	char *error = NULL;
	assert_int_equal(plm_config_bind(cs, e, &error), 0);

	const char *text = "FROM ubuntu:24.04\nUSER 1000\n";
	/* the buffer's file does not exist: only its directory is used */
	struct counts c = lint_buffer(&t, e, cs, "svc/Dockerfile", text);
	assert_true(c.low_uid_critical);
	c = lint_buffer(&t, e, cs, "other/Dockerfile", text);
	assert_false(c.low_uid_critical);
	assert_true(c.findings > 0);
	c = lint_buffer(&t, e, cs, "svc/generated/Dockerfile", text);
	assert_true(c.excluded);
	assert_int_equal(c.findings, 0);

	/* a file written after the first look is not seen: cached */
	put(&t, "other/.plimsoll.yaml", "rules: 3\n");
	c = lint_buffer(&t, e, cs, "other/Dockerfile", text);
	assert_true(c.findings > 0);

	plm_config_set_destroy(cs);
	plm_engine_destroy(e);
	remove_tree(&t);
}

static void test_a_wrong_file_found_by_the_run_stops_it(void **state)
{
	(void)state;
	struct tree t;
	make_tree(&t);
	put(&t, "bad/.plimsoll.yaml", "rules:\n  no-such-rule: {}\n");
	struct plm_engine *e = engine();
	struct plm_config_options o = {0};
	struct plm_config_set *cs = NULL;
	assert_int_equal(plm_config_set_create(&o, &cs), 0);
	char *error = NULL;
	assert_int_equal(plm_config_bind(cs, e, &error), 0);
	char shown[512];
	snprintf(shown, sizeof(shown), "%s/bad/Dockerfile", t.root);
	struct plm_project_options po = {0};
	struct plm_project *p = NULL;
	assert_int_equal(plm_project_create(&po, &p), 0);
	assert_int_equal(plm_project_add_buffer(p, shown, "FROM x\n", 7,
				 PLM_KIND_UNKNOWN),
		0);
	struct counts c = {0};
	struct plm_run_options ro = {.engine = e,
		.jobs = 1,
		.rule = PLM_RUN_ALL_RULES,
		.configs = cs};
	struct plm_sink sink = {.result = on_result, .ctx = &c};
	struct plm_run_status st;
	plm_run(p, &ro, &sink, &st);
	assert_non_null(st.config_error);
	assert_non_null(strstr(st.config_error,
		"bad/.plimsoll.yaml:2:3: unknown rule 'no-such-rule'"));
	assert_int_equal(st.delivered, 0);
	free(st.config_error);
	plm_project_destroy(p);
	plm_config_set_destroy(cs);
	plm_engine_destroy(e);
	remove_tree(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_segments_and_double_star),
		cmocka_unit_test(test_glob_problems),
		cmocka_unit_test(test_lookup_is_cached_per_directory),
		cmocka_unit_test(
			test_buffer_uses_the_configuration_of_its_path),
		cmocka_unit_test(test_a_wrong_file_found_by_the_run_stops_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

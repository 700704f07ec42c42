/*
 * tests/engine/test_engine.c - the engine on hand-built documents:
 * catalogue loading and selection, metadata validation, report targets,
 * fingerprints, suppressions, require, and the runs-as-root policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docs.h"
#include "engine/engine.h"
#include "engine/internal.h"
#include "load/load.h"
#include "util/source.h"
#include "plm_config.h"

#define BUILTIN PLM_SOURCE_ROOT "/policies"

static char *policy_path(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

/* Writes dir/<name>.lua: metadata with the given id and check body. */
static void write_policy(const char *dir, const char *name, const char *id,
	const char *body)
{
	char file[256];
	snprintf(file, sizeof(file), "%s.lua", name);
	char *path = policy_path(dir, file);
	char text[8192];
	snprintf(text, sizeof(text),
		"local p = require('plimsoll')\n"
		"return {\n"
		"  id = '%s', title = 'Test rule %s', severity = 'medium',\n"
		"  applies_to = {'dockerfile', 'compose', 'kubernetes'},\n"
		"  tags = {'security', 'CWE-250'}, aliases = {'XX%s'},\n"
		"  description = 'A test rule.',\n"
		"  check = function(doc, report)\n%s\n  end,\n}\n",
		id, id, name, body);
	test_write(path, text);
	free(path);
}

/* Runs every policy of the engine on doc into a fresh result. */
static void run(struct plm_engine *e, const struct plm_doc *doc,
	struct plm_file_result *r)
{
	char *error = NULL;
	struct plm_checker *c = NULL;
	assert_int_equal(plm_checker_create(e, &c, &error), 0);
	assert_int_equal(plm_file_result_init(r, plm_doc_main(doc)->path), 0);
	assert_int_equal(plm_checker_run(c, doc, r), 0);
	plm_checker_destroy(c);
}

/* The finding with this message (fails the test when there is none). */
static const struct plm_finding *by_message(const struct plm_file_result *r,
	const char *message)
{
	for (size_t i = 0; i < r->finding_count; i++) {
		if (strcmp(r->findings[i].message, message) == 0) {
			return &r->findings[i];
		}
	}
	fail_msg("no finding '%s'", message);
	return NULL;
}

static struct plm_doc *dockerfile_without_user(void)
{
	struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE, "Dockerfile",
		"FROM alpine:3.19\nRUN apk add curl\nCMD [\"sh\"]\n");
	test_container(doc, "stage-0", "dockerfile",
		test_at(doc, "FROM alpine:3.19"));
	return doc;
}

static void builtin_catalogue_is_sorted_and_has_runs_as_root(void **state)
{
	(void)state;
	struct plm_engine_options o = {0};
	o.builtin_dir = BUILTIN;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	size_t n = 0;
	const struct plm_rule_info *rules = plm_engine_rules(e, &n);
	assert_true(n >= 1);
	for (size_t i = 1; i < n; i++) {
		assert_true(strcmp(rules[i - 1].id, rules[i].id) < 0);
	}
	size_t idx = 99;
	const struct plm_rule_info *r = plm_engine_find(e, "DL3002", &idx);
	assert_non_null(r);
	assert_string_equal(r->id, "runs-as-root");
	assert_int_equal(r->severity, PLM_SEVERITY_HIGH);
	assert_string_equal(rules[idx].id, "runs-as-root");
	assert_non_null(strstr(r->source_path, "runs-as-root/policy.lua"));
	plm_engine_destroy(e);
}

static void runs_as_root_lands_on_the_from_line_without_user(void **state)
{
	(void)state;
	struct plm_engine_options o = {0};
	o.builtin_dir = BUILTIN;
	const char *only[] = {"runs-as-root"};
	o.only = only;
	o.only_count = 1;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	struct plm_doc *doc = dockerfile_without_user();
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.note_count, 0);
	assert_int_equal(r.finding_count, 1);
	const struct plm_finding *f = &r.findings[0];
	assert_string_equal(f->rule_id, "runs-as-root");
	assert_int_equal(f->region.start_line, 1);
	assert_int_equal(f->region.start_column, 1);
	assert_string_equal(f->snippet, "FROM alpine:3.19");
	assert_string_equal(f->line_text, "FROM alpine:3.19");
	assert_string_equal(f->kind, "dockerfile");
	assert_string_equal(f->path, "Dockerfile");
	assert_non_null(f->fix);
	assert_int_equal(strlen(f->fingerprint), 32);
	assert_int_equal(f->suppression, PLM_SUPPRESSION_NONE);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
}

static void runs_as_root_accepts_a_non_root_user(void **state)
{
	(void)state;
	struct plm_engine_options o = {0};
	o.builtin_dir = BUILTIN;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE, "Dockerfile",
		"FROM alpine\nUSER 10001\n");
	struct plm_node *c = test_container(doc, "stage-0", "dockerfile",
		test_at(doc, "FROM alpine"));
	test_user(doc, c, "10001", test_at(doc, "10001"), 0);
	struct plm_file_result r;
	run(e, doc, &r);
	for (size_t i = 0; i < r.finding_count; i++) {
		assert_string_not_equal(r.findings[i].rule_id, "runs-as-root");
	}
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
}

static void runs_as_root_reports_the_root_user_span(void **state)
{
	(void)state;
	struct plm_engine_options o = {0};
	o.builtin_dir = BUILTIN;
	const char *only[] = {"runs-as-root"};
	o.only = only;
	o.only_count = 1;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	struct plm_doc *doc = test_doc(PLM_KIND_KUBERNETES, "pod.yaml",
		"kind: Pod\nspec:\n  containers:\n  - name: app\n"
		"    securityContext:\n      runAsUser: 0\n");
	struct plm_node *c = test_container(doc, "app", "kubernetes",
		test_at(doc, "name: app"));
	test_user(doc, c, "0", test_at(doc, "0\n"), 1);
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.finding_count, 1);
	assert_int_equal(r.findings[0].region.start_line, 6);
	assert_int_equal(r.findings[0].region.start_column, 18);
	assert_non_null(strstr(r.findings[0].message, "runAsUser: 0"));
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
}

static void ignore_comment_marks_finding_suppressed_with_reason(void **state)
{
	(void)state;
	struct plm_engine_options o = {0};
	o.builtin_dir = BUILTIN;
	const char *only[] = {"runs-as-root"};
	o.only = only;
	o.only_count = 1;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	static const char *const texts[] = {
		("# plimsoll ignore=runs-as-root -- the base image sets USER\n"
		 "FROM alpine\n"),
		"# hadolint ignore=DL3002\n# another comment\nFROM alpine\n",
		"FROM alpine # plimsoll ignore=other,runs-as-root\n",
		"FROM alpine\n# plimsoll ignore-file=runs-as-root -- reviewed\n",
	};
	static const char *const reasons[] = {"the base image sets USER", NULL,
		NULL, "reviewed"};
	for (size_t i = 0; i < 4; i++) {
		struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE,
			"Dockerfile", texts[i]);
		test_container(doc, "s", "dockerfile",
			test_at(doc, "FROM alpine"));
		struct plm_file_result r;
		run(e, doc, &r);
		assert_int_equal(r.finding_count, 1);
		assert_int_equal(r.findings[0].suppression,
			PLM_SUPPRESSION_IN_SOURCE);
		if (reasons[i] == NULL) {
			assert_null(r.findings[0].suppression_justification);
		} else {
			assert_string_equal(r.findings[0]
						    .suppression_justification,
				reasons[i]);
		}
		plm_file_result_finish(&r);
		plm_doc_destroy(doc);
	}
	/* An ignore for another rule, or a comment two lines up past code,
	 * does not suppress. */
	static const char *const kept[] = {
		"# plimsoll ignore=privileged\nFROM alpine\n",
		"# plimsoll ignore=runs-as-root\nARG X\nFROM alpine\n",
		"# hadolint ignore=runs-as-root\nFROM alpine\n",
	};
	for (size_t i = 0; i < 3; i++) {
		struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE,
			"Dockerfile", kept[i]);
		test_container(doc, "s", "dockerfile",
			test_at(doc, "FROM alpine"));
		struct plm_file_result r;
		run(e, doc, &r);
		assert_int_equal(r.finding_count, 1);
		assert_int_equal(r.findings[0].suppression,
			PLM_SUPPRESSION_NONE);
		plm_file_result_finish(&r);
		plm_doc_destroy(doc);
	}
	plm_engine_destroy(e);
}

/* Every id of a directive is recorded with its position and whether it
 * suppressed something; an id naming no rule is a warning instead. */
static void ignore_ids_are_recorded_with_their_use(void **state)
{
	(void)state;
	struct plm_engine_options o = {0};
	o.builtin_dir = BUILTIN;
	const char *only[] = {"runs-as-root", "sudo-in-build"};
	o.only = only;
	o.only_count = 2;
	o.report_unused_ignores = true;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE, "Dockerfile",
		"# plimsoll ignore=DL3002,sudo-in-build,privileged,nope\n"
		"FROM alpine\n");
	test_container(doc, "s", "dockerfile", test_at(doc, "FROM alpine"));
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.finding_count, 1);
	assert_int_equal(r.findings[0].suppression, PLM_SUPPRESSION_IN_SOURCE);
	/* DL3002 (runs-as-root's alias) used; sudo-in-build ran and found
	 * nothing; privileged is known but did not run. */
	assert_int_equal(r.ignore_count, 3);
	static const struct {
		const char *id, *rule;
		uint32_t column;
		bool used, ran;
	} want[] = {
		{"DL3002", "runs-as-root", 19, true, true},
		{"sudo-in-build", "sudo-in-build", 26, false, true},
		{"privileged", NULL, 40, false, false},
	};
	for (size_t i = 0; i < 3; i++) {
		const struct plm_ignore_use *u = &r.ignores[i];
		assert_string_equal(u->id, want[i].id);
		if (want[i].rule != NULL) {
			assert_string_equal(u->rule_id, want[i].rule);
		}
		assert_int_equal(u->region.start_line, 1);
		assert_int_equal(u->region.start_column, want[i].column);
		assert_int_equal(u->used, want[i].used);
		assert_int_equal(u->ran, want[i].ran);
		assert_false(u->project);
	}
	assert_int_equal(r.note_count, 1);
	assert_string_equal(r.notes[0].code, "suppress/unknown-rule");
	assert_int_equal(r.notes[0].kind, PLM_NOTIFY_PARSE_WARNING);
	assert_int_equal(r.notes[0].region.start_column, 51);
	assert_int_equal(r.notes[0].region.end_column, 55);
	assert_false(r.incomplete);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
}

static void fingerprint_survives_lines_moving(void **state)
{
	(void)state;
	struct plm_engine_options o = {0};
	o.builtin_dir = BUILTIN;
	const char *only[] = {"runs-as-root"};
	o.only = only;
	o.only_count = 1;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	const char *texts[] = {"FROM alpine\n",
		"\n\nARG V=1\n  FROM   alpine\n", "FROM debian\n"};
	char prints[3][33];
	for (size_t i = 0; i < 3; i++) {
		struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE,
			"Dockerfile", texts[i]);
		test_container(doc, "s", "dockerfile", test_at(doc, "FROM"));
		struct plm_file_result r;
		run(e, doc, &r);
		assert_int_equal(r.finding_count, 1);
		snprintf(prints[i], sizeof(prints[i]), "%s",
			r.findings[0].fingerprint);
		for (const char *p = prints[i]; *p; p++) {
			assert_true((*p >= '0' && *p <= '9') ||
				(*p >= 'a' && *p <= 'f'));
		}
		plm_file_result_finish(&r);
		plm_doc_destroy(doc);
	}
	assert_string_equal(prints[0], prints[1]);
	assert_string_not_equal(prints[0], prints[2]);
	plm_engine_destroy(e);
}

/* Fingerprints are what dashboards match findings by from scan to scan:
 * their values never change. Two rules, each reporting twice at one
 * place, give these four, whatever order the engine works them out in. */
static void fingerprints_keep_their_values(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	write_policy(dir, "pa", "pin/a",
		"for c in p.containers(doc) do report(c, 'one') "
		"report(c, 'two') end");
	write_policy(dir, "pb", "pin/b",
		"for c in p.containers(doc) do report(c, 'one') "
		"report({line = 2}, 'three') end");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	struct plm_doc *doc = dockerfile_without_user();
	struct plm_file_result r;
	run(e, doc, &r);
	static const struct {
		const char *rule, *message, *fingerprint;
	} want[] = {
		{"pin/a", "one", "078c8df9056ba84a8ba8aeec0d7301ee"},
		{"pin/a", "two", "a7873a015ba164dbfe053c08787cc4ad"},
		{"pin/b", "one", "e526453c4485c1afb19393054572dd98"},
		{"pin/b", "three", "f980cb933d721051115fe7463141d422"},
	};
	assert_int_equal(r.finding_count, 4);
	const char *got[4] = {NULL};
	for (size_t i = 0; i < 4; i++) {
		for (size_t k = 0; k < r.finding_count; k++) {
			if (strcmp(r.findings[k].rule_id, want[i].rule) == 0 &&
				strcmp(r.findings[k].message,
					want[i].message) == 0) {
				got[i] = r.findings[k].fingerprint;
			}
		}
		assert_non_null(got[i]);
		print_message("%s %s %s\n", want[i].rule, want[i].message,
			got[i]);
	}
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(got[i], want[i].fingerprint);
	}
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

static void repeated_findings_get_distinct_fingerprints(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	write_policy(dir, "twice", "twice",
		"for c in p.containers(doc) do report(c, 'one') "
		"report(c, 'two') end");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	struct plm_doc *doc = dockerfile_without_user();
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.finding_count, 2);
	assert_string_not_equal(r.findings[0].fingerprint,
		r.findings[1].fingerprint);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

static void only_skip_and_tag_select_rules(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	write_policy(dir, "a", "alpha", "");
	write_policy(dir, "b", "beta", "");
	write_policy(dir, "c", "team/gamma", "");
	const char *dirs[] = {dir};
	struct plm_engine_options o = {0};
	o.policy_dirs = dirs;
	o.policy_dir_count = 1;
	o.no_builtin = true;
	struct plm_engine *e = NULL;
	char *error = NULL;
	size_t n = 0;

	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	const struct plm_rule_info *rules = plm_engine_rules(e, &n);
	assert_int_equal(n, 3);
	assert_string_equal(rules[0].id, "alpha");
	assert_string_equal(rules[2].id, "team/gamma");
	plm_engine_destroy(e);

	const char *only[] = {"XXb", "team/gamma"};
	o.only = only;
	o.only_count = 2;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	rules = plm_engine_rules(e, &n);
	assert_int_equal(n, 2);
	assert_string_equal(rules[0].id, "beta");
	plm_engine_destroy(e);

	const char *skip[] = {"beta"};
	o.skip = skip;
	o.skip_count = 1;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	plm_engine_rules(e, &n);
	assert_int_equal(n, 1);
	plm_engine_destroy(e);

	o.only_count = 0;
	o.skip_count = 0;
	const char *tags[] = {"cwe-250"};
	o.tags = tags;
	o.tag_count = 1;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	plm_engine_rules(e, &n);
	assert_int_equal(n, 3);
	plm_engine_destroy(e);
	const char *other[] = {"nope"};
	o.tags = other;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	plm_engine_rules(e, &n);
	assert_int_equal(n, 0);
	plm_engine_destroy(e);

	o.tag_count = 0;
	const char *unknown[] = {"no-such-rule"};
	o.only = unknown;
	o.only_count = 1;
	assert_int_not_equal(plm_engine_create(&o, &e, &error), 0);
	assert_null(e);
	assert_non_null(strstr(error, "no-such-rule"));
	free(error);
	test_rmrf(dir);
}

struct bad_metadata {
	const char *text;
	const char *expect;
};

static void malformed_metadata_is_refused_naming_the_file(void **state)
{
	(void)state;
	static const struct bad_metadata cases[] = {
		{"return 42", "must return a table"},
		{"return {", "expected"},
		{"return {id='Bad_Id', title='t', severity='low', "
		 "applies_to={'dockerfile'}, description='d', check=function() end}",
			"kebab-case"},
		{"return {id='x', title='t', severity='severe', "
		 "applies_to={'dockerfile'}, description='d', check=function() end}",
			"'severity' must be one of"},
		{"return {id='x', title='t', severity='low', "
		 "applies_to={'helm'}, description='d', check=function() end}",
			"applies_to"},
		{"return {id='x', title='t', severity='low', "
		 "applies_to={'dockerfile'}, description='d'}",
			"'check'"},
		{"return {id='x', title='t', severity='low', "
		 "applies_to={'dockerfile'}, check=function() end}",
			"description"},
		{"return {id='x', title='t', severity='low', severty='x', "
		 "applies_to={'dockerfile'}, description='d', check=function() end}",
			"unknown field 'severty'"},
		{"return {id='x', title='t', severity='low', tags={'CWE-abc'}, "
		 "applies_to={'dockerfile'}, description='d', check=function() end}",
			"CWE-"},
		{"error('boom at load')", "boom at load"},
		{"\x1bLua\x54\x00\x19\x93\r\n\x1a\n", "binary chunk"},
		{"while true do end", "instruction limit"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = test_tmpdir();
		char *path = policy_path(dir, "bad.lua");
		test_write(path, cases[i].text);
		char *error = NULL;
		struct plm_engine *e = test_engine_for(dir, &error);
		assert_null(e);
		assert_non_null(error);
		if (strstr(error, path) == NULL ||
			strstr(error, cases[i].expect) == NULL) {
			fail_msg("case %zu: error '%s' lacks '%s' or the path",
				i, error, cases[i].expect);
		}
		free(error);
		free(path);
		test_rmrf(dir);
	}
}

static void duplicate_ids_are_refused(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	write_policy(dir, "one", "same", "");
	write_policy(dir, "two", "same", "");
	char *error = NULL;
	assert_null(test_engine_for(dir, &error));
	assert_non_null(strstr(error, "duplicate policy id 'same'"));
	assert_non_null(strstr(error, "one.lua"));
	assert_non_null(strstr(error, "two.lua"));
	free(error);
	test_rmrf(dir);
}

static void report_field_uses_the_field_span(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	write_policy(dir, "f", "field",
		"for c in p.containers(doc) do\n"
		"  report(c, 'privileged', 'written')\n"
		"  report(c, 'run_as_non_root', 'implicit')\n"
		"  report(c, 'no_such_field', 'missing')\n"
		"  report(c.capabilities.add, 1, 'item', {fix = 'drop it', "
		"severity = 'critical'})\n"
		"  report({line = 3}, 'a line')\n"
		"end");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	struct plm_doc *doc = test_doc(PLM_KIND_COMPOSE, "compose.yaml",
		"services:\n  web:\n    privileged: true\n    cap_add: [NET_ADMIN]\n");
	struct plm_node *c = test_container(doc, "web", "compose",
		test_at(doc, "web"));
	test_set(doc, c, "privileged",
		plm_node_bool(doc->arena, test_at(doc, "true"), true));
	struct plm_node *add = plm_node_get(plm_node_get(c, "capabilities"),
		"add");
	assert_int_equal(plm_node_push(doc->arena, add,
				 plm_node_cstring(doc->arena,
					 test_at(doc, "NET_ADMIN"),
					 "NET_ADMIN")),
		0);
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.note_count, 0);
	assert_int_equal(r.finding_count, 5);
	const struct plm_finding *written = by_message(&r, "written");
	assert_string_equal(written->snippet, "true");
	assert_int_equal(written->region.start_line, 3);
	assert_int_equal(written->severity, PLM_SEVERITY_MEDIUM);
	assert_string_equal(by_message(&r, "implicit")->snippet, "web");
	assert_string_equal(by_message(&r, "missing")->snippet, "web");
	const struct plm_finding *item = by_message(&r, "item");
	assert_string_equal(item->snippet, "NET_ADMIN");
	assert_string_equal(item->fix, "drop it");
	assert_int_equal(item->severity, PLM_SEVERITY_CRITICAL);
	assert_string_equal(by_message(&r, "a line")->snippet,
		"    privileged: true");
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

static void team_lib_modules_can_be_required(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char *lib = policy_path(dir, "lib");
	assert_int_equal(mkdir(lib, 0700), 0);
	char *sub = policy_path(lib, "acme");
	assert_int_equal(mkdir(sub, 0700), 0);
	char *mod = policy_path(sub, "names.lua");
	test_write(mod,
		"local M = {}\n"
		"function M.shout(s) return s:upper() .. '!' end\n"
		"return M\n");
	write_policy(dir, "uses", "uses-lib",
		"local names = require('acme.names')\n"
		"names.shout = nil\n"
		"for c in p.containers(doc) do report(c, "
		"require('acme.names').shout ~= nil and 'same table' or "
		"'fresh') end");
	write_policy(dir, "uses2", "uses-lib-again",
		"for c in p.containers(doc) do report(c, "
		"require('acme.names').shout(c.name)) end");
	write_policy(dir, "missing", "missing-lib", "require('acme.nothere')");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	struct plm_doc *doc = dockerfile_without_user();
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.finding_count, 2);
	/* Changes to a module stay inside the run that made them. */
	assert_string_equal(r.findings[0].message, "fresh");
	assert_string_equal(r.findings[1].message, "STAGE-0!");
	assert_int_equal(r.note_count, 1);
	assert_string_equal(r.notes[0].rule_id, "missing-lib");
	assert_non_null(strstr(r.notes[0].message, "acme.nothere"));
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
	free(mod);
	free(sub);
	free(lib);
	test_rmrf(dir);
}

static void policies_cannot_keep_state_between_files(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	write_policy(dir, "count", "counter",
		"count = (count or 0) + 1\n"
		"for c in p.containers(doc) do report(c, 'run ' .. count) end");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	struct plm_checker *c = NULL;
	assert_int_equal(plm_checker_create(e, &c, &error), 0);
	for (int i = 0; i < 3; i++) {
		struct plm_doc *doc = dockerfile_without_user();
		struct plm_file_result r;
		assert_int_equal(plm_file_result_init(&r, "Dockerfile"), 0);
		assert_int_equal(plm_checker_run(c, doc, &r), 0);
		assert_int_equal(r.finding_count, 1);
		assert_string_equal(r.findings[0].message, "run 1");
		plm_file_result_finish(&r);
		plm_doc_destroy(doc);
	}
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

static void applies_to_limits_the_kinds_a_policy_sees(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char *path = policy_path(dir, "k8s.lua");
	test_write(path,
		"return {id='k8s-only', title='t', severity='low', "
		"applies_to={'kubernetes'}, description='d', "
		"check=function(doc, report) report({line=1}, 'seen') end}");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	struct plm_doc *doc = dockerfile_without_user();
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.finding_count, 0);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
	free(path);
	test_rmrf(dir);
}

/* A real document of kind from text. */
static struct plm_doc *loaded(const char *path, const char *text,
	enum plm_kind kind)
{
	struct plm_load_options o = {0};
	struct plm_load_status st;
	struct plm_doc *doc = NULL;
	assert_int_equal(plm_load_bytes(path, text, strlen(text), kind, true,
				 &o, &doc, &st),
		0);
	assert_int_equal(st.outcome, PLM_LOAD_OK);
	return doc;
}

/* The messages of the findings of e on doc, one per line, sorted by the
 * engine's rule order. */
static void findings_of(struct plm_engine *e, const struct plm_doc *doc,
	char *out, size_t size)
{
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.note_count, 0);
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < r.finding_count; i++) {
		n += (size_t)snprintf(out + n, size - n, "%s;",
			r.findings[i].rule_id);
	}
	plm_file_result_finish(&r);
}

/* Writes into dir one policy per {id, needs} of rules, each reporting
 * once on every document it is started on. */
static void write_reporting_rules(const char *dir,
	const char *const (*rules)[2], size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char file[64], text[1024];
		snprintf(file, sizeof(file), "%s/%s.lua", dir, rules[i][0]);
		snprintf(text, sizeof(text),
			"return {id='%s', title='t', severity='low', "
			"applies_to={'dockerfile', 'compose', 'kubernetes'}, "
			"%s description='d', "
			"check=function(doc, report) report({line=1}, 'x') end}",
			rules[i][0], rules[i][1]);
		test_write(file, text);
	}
}

static void needs_keep_a_rule_off_documents_without_them(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	static const char *const rules[][2] = {
		{"containers", "needs = {containers = true},"},
		{"runs", "needs = {instructions = {'RUN'}},"},
		{"expose-or-user",
			"needs = {instructions = {'EXPOSE', 'user'}},"},
		{"mentions", "needs = {mentions = {'apk', 'yum'}},"},
		{"both",
			"needs = {instructions = {'RUN'}, mentions = {'apk'}},"},
		{"none", ""},
	};
	write_reporting_rules(dir, rules, sizeof(rules) / sizeof(rules[0]));
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	static const struct {
		const char *path, *text;
		enum plm_kind kind;
		const char *expect;
	} docs[] = {
		{"a/Dockerfile", "FROM alpine\nRUN apk add curl\n",
			PLM_KIND_DOCKERFILE,
			"both;containers;mentions;none;runs;"},
		/* a RUN in an ONBUILD trigger counts; `apk` in a comment */
		{"b/Dockerfile", "FROM alpine\n# apk\nONBUILD RUN true\n",
			PLM_KIND_DOCKERFILE,
			"both;containers;mentions;none;runs;"},
		/* every byte and pair of bytes of "apk", not the word */
		{"e/Dockerfile", "FROM alpine\nRUN apt-get install pkg\n",
			PLM_KIND_DOCKERFILE, "containers;none;runs;"},
		{"c/Dockerfile", "FROM alpine\nUSER app\nCMD [\"x\"]\n",
			PLM_KIND_DOCKERFILE, "containers;expose-or-user;none;"},
		/* no stage: no container, no instruction */
		{"d/Dockerfile", "ARG A=1\n", PLM_KIND_DOCKERFILE, "none;"},
		/* instructions are asked of Dockerfiles only; one of the
		 * words is enough, but every part must hold */
		{"pod.yaml",
			"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
			"spec:\n  containers:\n  - {name: c, image: yum}\n",
			PLM_KIND_KUBERNETES,
			"containers;expose-or-user;mentions;none;runs;"},
		{"map.yaml",
			"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"
			"data: {a: b}\n",
			PLM_KIND_KUBERNETES, "expose-or-user;none;runs;"},
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct plm_doc *doc = loaded(docs[i].path, docs[i].text,
			docs[i].kind);
		char got[512];
		findings_of(e, doc, got, sizeof(got));
		if (strcmp(got, docs[i].expect) != 0) {
			fail_msg("%s: ran '%s', expected '%s'", docs[i].path,
				got, docs[i].expect);
		}
		plm_doc_destroy(doc);
	}
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* A word a rule needs is searched for in the whole text: at its very
 * start and end, past near misses that share its bytes and pairs. */
static void needs_words_are_found_anywhere_in_the_file(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	static const char *const rules[][2] = {
		{"start", "needs = {mentions = {'FROM bu'}},"},
		{"end", "needs = {mentions = {'kafka'}},"},
		{"long", "needs = {mentions = {'--no-install-recommends'}},"},
		/* its f is met only before a byte of 0xC0 and above */
		{"utf8", "needs = {mentions = {'caf\xc3\xa9'}},"},
	};
	write_reporting_rules(dir, rules, sizeof(rules) / sizeof(rules[0]));
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	static const struct {
		const char *text, *expect;
	} docs[] = {
		{"FROM busybox\nRUN echo kafk afka akafk kafkq\nRUN kafka",
			"end;start;"},
		{"FROM alpine\nRUN echo kafk afka akafk kafkq FRM bu FROM b\n",
			""},
		{"FROM alpine\nRUN apt-get install --no-install-recommend "
		 "-no-install-recommends --no-install-recommends",
			"long;"},
		{"FROM alpine\nRUN apt-get install --no-install-recommend "
		 "-no-install-recommends --no-install-recommendz\n",
			""},
		{"FROM alpine\nRUN echo caf\xc3\xa9", "utf8;"},
		{"FROM alpine\nRUN echo cafe caf\xc3 af\xc3\xa9", ""},
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct plm_doc *doc = loaded("Dockerfile", docs[i].text,
			PLM_KIND_DOCKERFILE);
		char got[512];
		findings_of(e, doc, got, sizeof(got));
		if (strcmp(got, docs[i].expect) != 0) {
			fail_msg("document %zu: ran '%s', expected '%s'", i,
				got, docs[i].expect);
		}
		plm_doc_destroy(doc);
	}
	plm_engine_destroy(e);
	test_rmrf(dir);
}

static void needs_are_checked_when_a_policy_loads(void **state)
{
	(void)state;
	static const struct bad_metadata cases[] = {
		{"needs = 'containers',", "'needs' must be a table"},
		{"needs = {container = true},",
			"'needs' has an unknown field 'container'"},
		{"needs = {containers = 1},", "'needs.containers' must be"},
		{"needs = {instructions = {'RUNN'}},",
			"'needs.instructions' has 'RUNN'"},
		{"needs = {instructions = 'RUN'},",
			"'needs.instructions' must be a list"},
		{"needs = {mentions = {''}},",
			"'needs.mentions'[1] must be a non-empty string"},
		{"needs = {containers = true}, scope = 'project',",
			"'needs' is for file-scope policies"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = test_tmpdir();
		char *path = policy_path(dir, "bad.lua");
		char text[1024];
		snprintf(text, sizeof(text),
			"return {id='x', title='t', severity='low', %s "
			"applies_to={'kubernetes'}, description='d', "
			"check=function() end}",
			cases[i].text);
		test_write(path, text);
		char *error = NULL;
		struct plm_engine *e = test_engine_for(dir, &error);
		assert_null(e);
		assert_non_null(error);
		if (strstr(error, cases[i].expect) == NULL) {
			fail_msg("case %zu: error '%s' lacks '%s'", i, error,
				cases[i].expect);
		}
		free(error);
		free(path);
		test_rmrf(dir);
	}
}

static void policy_file_loads_modules_from_the_lib_beside_it(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char *lib = policy_path(dir, "lib");
	assert_int_equal(mkdir(lib, 0700), 0);
	char *mod = policy_path(lib, "helper.lua");
	test_write(mod, "return {answer = 42}\n");
	write_policy(dir, "single", "single-file",
		"report({line = 1}, 'answer ' .. require('helper').answer)");
	char *file = policy_path(dir, "single.lua");
	const char *files[] = {file};
	struct plm_engine_options o = {0};
	o.policy_files = files;
	o.policy_file_count = 1;
	o.no_builtin = true;
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	struct plm_doc *doc = dockerfile_without_user();
	struct plm_file_result r;
	run(e, doc, &r);
	assert_int_equal(r.note_count, 0);
	assert_int_equal(r.finding_count, 1);
	assert_string_equal(r.findings[0].message, "answer 42");
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_engine_destroy(e);
	free(file);
	free(mod);
	free(lib);
	test_rmrf(dir);
}

static void run_rule_runs_one_policy_whatever_its_kinds(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char *path = policy_path(dir, "k.lua");
	test_write(path,
		"return {id='k8s-only', title='t', severity='low', "
		"applies_to={'kubernetes'}, description='d', "
		"check=function(doc, report) report({line=1}, doc.kind) end}");
	write_policy(dir, "other", "other", "report({line = 1}, 'other')");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(dir, &error);
	assert_non_null(e);
	size_t index = 9;
	assert_non_null(plm_engine_find(e, "k8s-only", &index));
	struct plm_checker *c = NULL;
	assert_int_equal(plm_checker_create(e, &c, &error), 0);
	struct plm_doc *doc = dockerfile_without_user();
	struct plm_file_result r;
	assert_int_equal(plm_file_result_init(&r, "Dockerfile"), 0);
	assert_int_equal(plm_checker_run_rule(c, doc, index, &r), 0);
	assert_int_equal(r.finding_count, 1);
	assert_string_equal(r.findings[0].rule_id, "k8s-only");
	assert_string_equal(r.findings[0].message, "dockerfile");
	assert_int_equal(plm_checker_run_rule(c, doc, 99, &r), PLM_EINVAL);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	free(path);
	test_rmrf(dir);
}

struct bad_report {
	const char *body;
	const char *expect;
};

static void report_refuses_bad_arguments_with_clear_errors(void **state)
{
	(void)state;
	static const struct bad_report cases[] = {
		{"report({line = 1}, '')", "message must not be empty"},
		{"report({line = 1}, 'm', {severity = 'huge'})",
			"extra.severity must be"},
		{"report({line = 1}, 'm', {fix = 3})", "extra.fix"},
		{"report(doc.containers, 'name', 'm')",
			"index of the sequence"},
		{"report('node', 'm')", "model node"},
		{"report({}, 'm')", "{line = N}"},
		{"report({line = 0}, 'm')", "line 0 is outside Dockerfile"},
		{"report(doc.containers[1], 'user', 'm', 'extra')",
			"table expected"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = test_tmpdir();
		write_policy(dir, "bad", "bad-report", cases[i].body);
		char *error = NULL;
		struct plm_engine *e = test_engine_for(dir, &error);
		assert_non_null(e);
		struct plm_doc *doc = dockerfile_without_user();
		struct plm_file_result r;
		run(e, doc, &r);
		assert_int_equal(r.finding_count, 0);
		assert_int_equal(r.note_count, 1);
		if (strstr(r.notes[0].message, cases[i].expect) == NULL ||
			strstr(r.notes[0].message, "bad.lua:") == NULL) {
			fail_msg("case %zu: '%s' lacks '%s'", i,
				r.notes[0].message, cases[i].expect);
		}
		plm_file_result_finish(&r);
		plm_doc_destroy(doc);
		plm_engine_destroy(e);
		test_rmrf(dir);
	}
}

static void limits_are_configurable_per_engine(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	write_policy(dir, "work", "work",
		"local n = 0 for i = 1, 300000 do n = n + i end\n"
		"local t = {} for i = 1, 20000 do t[i] = {i} end\n"
		"report({line = 1}, 'done ' .. n)");
	const char *dirs[] = {dir};
	struct plm_engine_options o = {0};
	o.policy_dirs = dirs;
	o.policy_dir_count = 1;
	o.no_builtin = true;
	struct plm_doc *doc = dockerfile_without_user();
	const struct {
		size_t memory;
		uint64_t instructions;
		const char *code;
	} cases[] = {
		{0, 0, NULL},
		{0, 100000, "policy/instruction-limit"},
		{(size_t)1 << 20, 0, "policy/memory-limit"},
	};
	for (size_t i = 0; i < 3; i++) {
		o.memory_limit = cases[i].memory;
		o.instruction_limit = cases[i].instructions;
		struct plm_engine *e = NULL;
		char *error = NULL;
		assert_int_equal(plm_engine_create(&o, &e, &error), 0);
		struct plm_file_result r;
		run(e, doc, &r);
		if (cases[i].code == NULL) {
			assert_int_equal(r.note_count, 0);
			assert_int_equal(r.finding_count, 1);
		} else {
			assert_int_equal(r.note_count, 1);
			assert_string_equal(r.notes[0].code, cases[i].code);
			assert_int_equal(r.finding_count, 0);
		}
		plm_file_result_finish(&r);
		plm_engine_destroy(e);
	}
	plm_doc_destroy(doc);
	test_rmrf(dir);
}

/* Whether a source can hold an ignore directive: an ignore word after a
 * '#' on its line, or an annotation key; never a word before the '#', on
 * another line, or in no comment at all. */
static void suppress_possible_needs_the_word_after_a_hash(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		bool possible;
	} cases[] = {
		{"FROM a\n# plimsoll ignore=runs-as-root\nUSER root\n", true},
		{"x: 1 # hadolint ignore=DL3002", true},
		{"# checkov:skip=CKV_K8S_8", true},
		{"#kics-scan disable=x\n", true},
		{"a # b\n# c\n\t#  ignore", true},
		{"description: do not ignore this\nkind: Pod\n", false},
		{"ignore # but before the hash\n", false},
		{"# a comment\nignore: on the next line\n", false},
		{"skip=1\r\n#\r\n", false},
		{"metadata:\n  annotations:\n    plimsoll.dev/ignore: x\n",
			true},
		{"a:\n  ignore-check.kube-linter.io/privileged: ok\n", true},
		{"plimsoll.dev/ignore", true},
		{"ignore-check.kube-linter.io/", true},
		{"ignore-check.kube-linter.io", false},
		{"lsoll.dev/ignore: x\n", false},
		{"description: ignore it\nmetadata:\n  annotations:\n    "
		 "plimsoll.dev/ignore: x\n",
			true},
		{"ignored: ignore-checks.kube-linter.io/x\n", false},
		{"", false},
		{"#", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plm_source *src = plm_source_create("t.yaml",
			cases[i].text, strlen(cases[i].text));
		assert_non_null(src);
		if (plm_suppress_possible(src) != cases[i].possible) {
			fail_msg("case %zu (%s): expected %s", i, cases[i].text,
				cases[i].possible ? "possible"
						  : "not possible");
		}
		plm_source_destroy(src);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(suppress_possible_needs_the_word_after_a_hash),
		cmocka_unit_test(
			builtin_catalogue_is_sorted_and_has_runs_as_root),
		cmocka_unit_test(
			runs_as_root_lands_on_the_from_line_without_user),
		cmocka_unit_test(runs_as_root_accepts_a_non_root_user),
		cmocka_unit_test(runs_as_root_reports_the_root_user_span),
		cmocka_unit_test(
			ignore_comment_marks_finding_suppressed_with_reason),
		cmocka_unit_test(ignore_ids_are_recorded_with_their_use),
		cmocka_unit_test(fingerprint_survives_lines_moving),
		cmocka_unit_test(repeated_findings_get_distinct_fingerprints),
		cmocka_unit_test(fingerprints_keep_their_values),
		cmocka_unit_test(only_skip_and_tag_select_rules),
		cmocka_unit_test(malformed_metadata_is_refused_naming_the_file),
		cmocka_unit_test(duplicate_ids_are_refused),
		cmocka_unit_test(report_field_uses_the_field_span),
		cmocka_unit_test(team_lib_modules_can_be_required),
		cmocka_unit_test(policies_cannot_keep_state_between_files),
		cmocka_unit_test(applies_to_limits_the_kinds_a_policy_sees),
		cmocka_unit_test(needs_keep_a_rule_off_documents_without_them),
		cmocka_unit_test(needs_words_are_found_anywhere_in_the_file),
		cmocka_unit_test(needs_are_checked_when_a_policy_loads),
		cmocka_unit_test(
			policy_file_loads_modules_from_the_lib_beside_it),
		cmocka_unit_test(run_rule_runs_one_policy_whatever_its_kinds),
		cmocka_unit_test(
			report_refuses_bad_arguments_with_clear_errors),
		cmocka_unit_test(limits_are_configurable_per_engine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

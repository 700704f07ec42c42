/*
 * tests/lua/test_lua.c - runs tests/lua/helpers.lua (the helper library's
 * and the sandbox's tests, written in Lua) as a policy; each failing Lua
 * test is a finding and fails here with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../engine/docs.h"
#include "engine/engine.h"
#include "plm_config.h"

/* A checker of the one policy file *file (which outlives it), with no
 * built-in policy; its engine into *e. */
static struct plm_checker *checker_of(const char *const *file,
	struct plm_engine **e)
{
	struct plm_engine_options o = {0};
	o.policy_files = file;
	o.policy_file_count = 1;
	o.no_builtin = true;
	char *error = NULL;
	if (plm_engine_create(&o, e, &error) != 0) {
		fail_msg("%s", error);
	}
	struct plm_checker *c = NULL;
	assert_int_equal(plm_checker_create(*e, &c, &error), 0);
	return c;
}

static void helper_library_lua_tests_pass(void **state)
{
	(void)state;
	/* The helper library's reads of undefined globals raise. */
	setenv("PLIMSOLL_STRICT_HELPERS", "1", 1);
	const char *files[] = {PLM_SOURCE_ROOT "/tests/lua/helpers.lua"};
	struct plm_engine *e = NULL;
	struct plm_checker *c = checker_of(files, &e);
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

/* Compares p.instructions, p.stages and p.stage_instructions (the walk
 * made in C for a model's tree) with the tree walked here through the
 * proxies, as the library's own walk reads it; reports "ok" or what
 * differs. */
static const char walk_policy[] =
	"local p = require('plimsoll')\n"
	"local function walked(doc, keyword)\n"
	"  local out = {}\n"
	"  for _, stage in ipairs(doc.tree.stages or {}) do\n"
	"    for _, ins in ipairs(stage.instructions or {}) do\n"
	"      local kw = ins.keyword\n"
	"      local up = kw ~= nil and kw:upper() or false\n"
	"      if keyword == nil or up == keyword then\n"
	"        out[#out + 1] = {ins, stage, false}\n"
	"      end\n"
	"      if up == 'ONBUILD' and keyword then\n"
	"        local t = ins.instruction\n"
	"        local tk = t and t.keyword\n"
	"        if tk ~= nil and tk:upper() == keyword then\n"
	"          out[#out + 1] = {t, stage, ins}\n"
	"        end\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"  return out\n"
	"end\n"
	"return {id = 'walk', title = 'walk', severity = 'info',\n"
	"  applies_to = {'dockerfile'}, description = 'walk',\n"
	"  check = function(doc, report)\n"
	"    local ok, err = pcall(function()\n"
	"      for _ in p.instructions(doc) do end\n"
	"    end)\n"
	"    if not ok then\n"
	"      report({line = 1}, 'raised: ' .. tostring(err))\n"
	"      return\n"
	"    end\n"
	"    local bad = {}\n"
	"    for _, kw in ipairs({false, 'RUN', 'COPY', 'ONBUILD'}) do\n"
	"      local got, want = {}, walked(doc, kw or nil)\n"
	"      for a, b, c in p.instructions(doc, kw or nil) do\n"
	"        got[#got + 1] = {a, b, c or false}\n"
	"      end\n"
	"      local same = #got == #want\n"
	"      for i = 1, same and #got or 0 do\n"
	"        for k = 1, 3 do same = same and got[i][k] == want[i][k] end\n"
	"      end\n"
	"      if not same then bad[#bad + 1] = tostring(kw) .. ' ' .. #got ..\n"
	"        '/' .. #want end\n"
	"    end\n"
	"    local n = 0\n"
	"    for stage in p.stages(doc) do\n"
	"      n = n + 1\n"
	"      local list, kws = p.stage_instructions(doc, stage)\n"
	"      for i, ins in ipairs(stage.instructions or {}) do\n"
	"        local kw = ins.keyword\n"
	"        if list[i] ~= ins or kws[i] ~= (kw ~= nil and kw:upper()\n"
	"          or false) then bad[#bad + 1] = 'stage ' .. n end\n"
	"      end\n"
	"    end\n"
	"    if n ~= #(doc.tree.stages or {}) then bad[#bad + 1] = 'stages' end\n"
	"    report({line = 1}, #bad == 0 and 'ok' or table.concat(bad, ','))\n"
	"  end}\n";

/* Runs walk_policy over doc: its one finding's message, or the first
 * note's (a policy error), into out. */
static void run_walk(struct plm_doc *doc, char *out, size_t size)
{
	char *dir = test_tmpdir();
	char path[4096];
	snprintf(path, sizeof(path), "%s/walk.lua", dir);
	test_write(path, walk_policy);
	const char *files[] = {path};
	struct plm_engine *e = NULL;
	struct plm_checker *c = checker_of(files, &e);
	struct plm_file_result r;
	assert_int_equal(plm_file_result_init(&r, "Dockerfile"), 0);
	assert_int_equal(plm_checker_run(c, doc, &r), 0);
	snprintf(out, size, "%s",
		r.finding_count > 0        ? r.findings[0].message
			: r.note_count > 0 ? r.notes[0].message
					   : "nothing");
	plm_file_result_finish(&r);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* An instruction map {keyword = kw} (no keyword when kw is NULL). */
static struct plm_node *test_ins(struct plm_doc *doc, const char *kw)
{
	struct plm_span at = test_at(doc, "FROM");
	struct plm_node *ins = plm_node_map(doc->arena, at);
	if (kw != NULL) {
		test_set(doc, ins, "keyword",
			plm_node_cstring(doc->arena, at, kw));
	}
	return ins;
}

/* A hand-made tree of shapes the Dockerfile parser never makes (a
 * string where a stage or an instruction goes, an instruction with no
 * keyword, lower-case keywords, an ONBUILD with and without a trigger):
 * the walk made in C gives what the library's walk through the proxies
 * gives; a number where an instruction goes, on which that walk raises,
 * raises the same. */
static void the_native_walk_matches_the_proxies_on_odd_trees(void **state)
{
	(void)state;
	for (int raising = 0; raising < 2; raising++) {
		struct plm_doc *doc = test_doc(PLM_KIND_DOCKERFILE,
			"Dockerfile", "FROM alpine\nRUN true\n");
		struct plm_arena *a = doc->arena;
		struct plm_span at = test_at(doc, "FROM");
		struct plm_node *stages = plm_node_seq(a, at);
		struct plm_node *stage = plm_node_map(a, at);
		struct plm_node *list = plm_node_seq(a, at);
		struct plm_node *onbuild = test_ins(doc, "onbuild");
		test_set(doc, onbuild, "instruction", test_ins(doc, "copy"));
		struct plm_node *items[] = {test_ins(doc, "FROM"),
			test_ins(doc, "run"), test_ins(doc, NULL), onbuild,
			test_ins(doc, "ONBUILD"),
			plm_node_cstring(a, at, "a string"),
			raising ? plm_node_int(a, at, 5)
				: test_ins(doc, "RUN")};
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
			assert_int_equal(plm_node_push(a, list, items[i]), 0);
		}
		test_set(doc, stage, "instructions", list);
		assert_int_equal(plm_node_push(a, stages, stage), 0);
		assert_int_equal(plm_node_push(a, stages,
					 plm_node_cstring(a, at, "a stage")),
			0);
		test_set(doc, doc->tree, "stages", stages);
		char got[1024];
		run_walk(doc, got, sizeof(got));
		if (!raising && strcmp(got, "ok") != 0) {
			fail_msg("the walks differ: %s", got);
		}
		if (raising &&
			(strncmp(got, "raised: ", 8) != 0 ||
				strstr(got, "attempt to index a number") ==
					NULL)) {
			fail_msg("expected the library's walk to raise: %s",
				got);
		}
		plm_doc_destroy(doc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(helper_library_lua_tests_pass),
		cmocka_unit_test(
			the_native_walk_matches_the_proxies_on_odd_trees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Variable substitution and ARG/ENV scoping. */
#include "helpers.h"

/* The expanded WORKDIR path of `WORKDIR <word>` after `prelude`. */
static struct plm_doc *workdir(const char *prelude, const char *word,
	const char **out)
{
	char text[1024];
	snprintf(text, sizeof(text), "FROM a\n%sWORKDIR %s\n", prelude, word);
	struct plm_doc *doc = parse(text);
	const struct plm_node *st = get(stage(doc, 0), "instructions");
	*out = str(item(st, plm_node_count(st) - 1), "path");
	return doc;
}

static void check(const char *prelude, const char *word, const char *want)
{
	const char *got;
	struct plm_doc *doc = workdir(prelude, word, &got);
	if (strcmp(got, want) != 0) {
		fail_msg("%s%s -> '%s', expected '%s'", prelude, word, got,
			want);
	}
	plm_doc_destroy(doc);
}

static void simple_and_braced_references(void **state)
{
	(void)state;
	check("ENV A=x\n", "/$A/${A}/$A_", "/x/x/");
	check("ENV A=x\n", "/$/a$", "/$/a$");
	check("ENV A=x\n", "'$A'\"$A\"\\$A", "$Ax$A");
}

static void default_and_alternative_forms(void **state)
{
	(void)state;
	check("ENV E=\n", "${U:-d}|${E:-d}|${E-d}|${U-d}", "d|d||d");
	check("ENV A=x E=\n", "${A:+y}|${E:+y}|${E+y}|${U+y}", "y||y|");
	check("ENV A=x\n", "${A:?no}|${A?no}", "x|x");
	check("ENV A=x\n", "${U:-${A:-z}}", "x");
	check("", "${U:-\"a b\"}", "a b");
}

static void pattern_removal_and_replacement(void **state)
{
	(void)state;
	check("ENV V=v1.2.3-rc\n", "${V#v}|${V#*.}|${V##*.}",
		"1.2.3-rc|2.3-rc|3-rc");
	check("ENV V=v1.2.3-rc\n", "${V%-rc}|${V%.*}|${V%%.*}",
		"v1.2.3|v1.2|v1");
	check("ENV P=a/b/a\n", "${P/a/x}|${P//a/x}|${P//?/_}",
		"x/b/a|x/b/x|_____");
}

static void env_values_are_expanded_with_the_previous_scope(void **state)
{
	(void)state;
	/* Within one ENV the old value is seen (BuildKit semantics). */
	check("ENV abc=hello\nENV abc=bye def=$abc\n", "$def-$abc",
		"hello-bye");
}

static void global_args_reach_from_but_not_the_stage(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("ARG TAG=3.19\nARG REG=ghcr.io\n"
				    "FROM $REG/org/app:${TAG} AS base\n"
				    "WORKDIR /$TAG\n"
				    "ARG TAG\n"
				    "WORKDIR /$TAG\n");
	struct plm_node *base = get(stage(doc, 0), "base");
	assert_string_equal(str(base, "text"), "$REG/org/app:${TAG}");
	assert_string_equal(str(base, "expanded"), "ghcr.io/org/app:3.19");
	assert_true(get(base, "expanded")->flags & PLM_NODE_INTERPOLATED);
	assert_string_equal(str(base, "registry"), "ghcr.io");
	assert_string_equal(str(base, "repository"), "org/app");
	assert_string_equal(str(base, "tag"), "3.19");
	assert_string_equal(str(instr(doc, 0, 1), "path"), "/");
	assert_string_equal(str(instr(doc, 0, 3), "path"), "/3.19");
	plm_doc_destroy(doc);
}

static void env_overrides_arg_and_is_inherited_by_child_stages(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a AS one\nARG X=arg\nENV X=env\nWORKDIR /$X\n"
		"FROM one\nWORKDIR /$X\n"
		"FROM a\nWORKDIR /$X\n");
	assert_string_equal(str(instr(doc, 0, 3), "path"), "/env");
	assert_string_equal(str(instr(doc, 1, 1), "path"), "/env");
	assert_string_equal(str(instr(doc, 2, 1), "path"), "/");
	plm_doc_destroy(doc);
}

static void raw_and_expanded_text_are_both_kept(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nENV B=/b\nCOPY \"$B/x y\" $B/\n");
	struct plm_node *copy = instr(doc, 0, 2);
	assert_string_equal(str(copy, "text"), "\"$B/x y\" $B/");
	assert_string_equal(str(copy, "expanded"), "\"/b/x y\" /b/");
	assert_string_equal(str(copy, "destination"), "/b/");
	assert_true(get(copy, "destination")->flags & PLM_NODE_INTERPOLATED);
	/* RUN is left to the shell. */
	struct plm_doc *run = parse("FROM a\nENV B=1\nRUN echo $B\n");
	assert_null(plm_node_get(instr(run, 0, 2), "expanded"));
	assert_string_equal(str(instr(run, 0, 2), "text"), "echo $B");
	plm_doc_destroy(run);
	plm_doc_destroy(doc);
}

static void backtick_escape_applies_to_substitution(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# escape=`\nFROM a\nENV A=x\n"
				    "WORKDIR C:\\$A\\`$A\n");
	assert_string_equal(str(instr(doc, 0, 2), "path"), "C:\\x\\$A");
	plm_doc_destroy(doc);
}

static void bad_substitution_is_reported_where_it_is(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nWORKDIR /x/${A:=b}\n"
				    "WORKDIR ${B\n");
	assert_int_equal(diags(doc, "dockerfile/bad-substitution"), 2);
	assert_at(doc, diag(doc, "dockerfile/bad-substitution")->span, 2, 16);
	plm_doc_destroy(doc);
}

static void nested_defaults_are_bounded(void **state)
{
	(void)state;
	char text[8192] = "FROM a\nWORKDIR ";
	size_t n = strlen(text);
	for (int i = 0; i < 500; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "${A:-");
	}
	for (int i = 0; i < 500; i++) {
		text[n++] = '}';
	}
	text[n++] = '\n';
	text[n] = '\0';
	struct plm_doc *doc = parse(text);
	assert_int_equal(diags(doc, "dockerfile/nesting-limit"), 1);
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_and_braced_references),
		cmocka_unit_test(default_and_alternative_forms),
		cmocka_unit_test(pattern_removal_and_replacement),
		cmocka_unit_test(
			env_values_are_expanded_with_the_previous_scope),
		cmocka_unit_test(global_args_reach_from_but_not_the_stage),
		cmocka_unit_test(
			env_overrides_arg_and_is_inherited_by_child_stages),
		cmocka_unit_test(raw_and_expanded_text_are_both_kept),
		cmocka_unit_test(backtick_escape_applies_to_substitution),
		cmocka_unit_test(bad_substitution_is_reported_where_it_is),
		cmocka_unit_test(nested_defaults_are_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Logical lines: directives, continuations, comments, line endings. */
#include "helpers.h"

static void directives_are_read_case_insensitively_before_anything_else(
	void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# SYNTAX = docker/dockerfile:1.7\n"
				    "#Escape=`\n"
				    "# check=skip=JSONArgsRecommended\n"
				    "FROM alpine\n");
	struct plm_node *d = get(doc->tree, "directives");
	assert_string_equal(str(d, "syntax"), "docker/dockerfile:1.7");
	assert_string_equal(str(d, "escape"), "`");
	assert_string_equal(str(d, "check"), "skip=JSONArgsRecommended");
	assert_at(doc, get(d, "syntax")->span, 1, 12);
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void directive_after_a_comment_is_only_a_comment(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# a comment\n# escape=`\nFROM alpine\n"
				    "RUN a \\\n b\n");
	struct plm_node *d = get(doc->tree, "directives");
	assert_string_equal(str(d, "escape"), "\\");
	assert_true(get(d, "escape")->flags & PLM_NODE_IMPLICIT);
	assert_true(is_null(d, "syntax"));
	assert_string_equal(str(instr(doc, 0, 1), "text"), "a  b");
	plm_doc_destroy(doc);
}

static void unknown_directive_ends_directives(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# unknown=x\n# escape=`\nFROM a\n");
	assert_string_equal(str(get(doc->tree, "directives"), "escape"), "\\");
	plm_doc_destroy(doc);
}

static void empty_line_ends_directives(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("\n# escape=`\nFROM a\n");
	assert_string_equal(str(get(doc->tree, "directives"), "escape"), "\\");
	plm_doc_destroy(doc);
}

static void duplicate_directive_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# escape=`\n# escape=\\\nFROM a\n");
	assert_int_equal(diags(doc, "dockerfile/duplicate-directive"), 1);
	assert_at(doc, diag(doc, "dockerfile/duplicate-directive")->span, 2, 1);
	assert_string_equal(str(get(doc->tree, "directives"), "escape"), "`");
	plm_doc_destroy(doc);
}

static void invalid_escape_token_is_reported_and_ignored(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# escape=x\nFROM a\nRUN a \\\n b\n");
	assert_int_equal(diags(doc, "dockerfile/invalid-directive"), 1);
	assert_string_equal(str(instr(doc, 0, 1), "text"), "a  b");
	plm_doc_destroy(doc);
}

static void backtick_escape_drives_continuations(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# escape=`\nFROM mcr/windows\n"
				    "RUN dir C:\\ `\n    && echo done\n"
				    "WORKDIR C:\\app\\\n");
	struct plm_node *run = instr(doc, 0, 1);
	assert_string_equal(str(run, "text"), "dir C:\\     && echo done");
	assert_string_equal(str(instr(doc, 0, 2), "text"), "C:\\app\\");
	assert_string_equal(str(instr(doc, 0, 2), "path"), "C:\\app\\");
	plm_doc_destroy(doc);
}

static void continuation_skips_comment_and_empty_lines(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN apt-get update \\\n"
				    "  # a comment inside\n"
				    "\n"
				    "  && apt-get install -y x\n"
				    "USER nobody\n");
	struct plm_node *run = instr(doc, 0, 1);
	assert_string_equal(str(run, "text"),
		"apt-get update   && apt-get install -y x");
	assert_int_equal(diags(doc, "dockerfile/empty-continuation"), 1);
	assert_string_equal(doc->comments[2], "# a comment inside");
	/* The argument spans map back across the joined lines. */
	struct plm_node *cmd = item(get(run, "commands"), 1);
	struct plm_node *y = item(get(cmd, "argv"), 2);
	assert_at(doc, y->span, 5, 22);
	assert_span_text(doc, y->span, "-y");
	assert_at(doc, instr(doc, 0, 2)->span, 6, 1);
	plm_doc_destroy(doc);
}

static void continuation_at_end_of_file_ends_the_instruction(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN echo hi \\");
	assert_string_equal(str(instr(doc, 0, 1), "text"), "echo hi");
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void escape_followed_by_blanks_still_continues(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN a \\  \t\n b\n");
	assert_string_equal(str(instr(doc, 0, 1), "text"), "a  b");
	plm_doc_destroy(doc);
}

static void comments_are_recorded_by_line(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# first\nFROM a\n   #   indented  \n"
				    "RUN x # not a comment\n");
	assert_int_equal(doc->comment_count, 5);
	assert_string_equal(doc->comments[0], "# first");
	assert_null(doc->comments[1]);
	assert_string_equal(doc->comments[2], "#   indented");
	assert_null(doc->comments[3]);
	assert_string_equal(str(instr(doc, 0, 1), "text"), "x # not a comment");
	plm_doc_destroy(doc);
}

static void crlf_line_endings_are_accepted(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM alpine\r\nRUN a \\\r\n  b\r\n"
				    "USER 1000\r\n");
	assert_int_equal(doc->diag_count, 0);
	assert_string_equal(str(instr(doc, 0, 1), "text"), "a   b");
	assert_string_equal(str(instr(doc, 0, 2), "text"), "1000");
	assert_false(boolean(get(container(doc), "user"), "root"));
	plm_doc_destroy(doc);
}

static void byte_order_mark_is_skipped(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("\xEF\xBB\xBF# escape=`\nFROM alpine\n");
	assert_int_equal(doc->diag_count, 0);
	assert_string_equal(str(get(doc->tree, "directives"), "escape"), "`");
	assert_string_equal(str(instr(doc, 0, 0), "keyword"), "FROM");
	assert_at(doc, instr(doc, 0, 0)->span, 2, 1);
	plm_doc_destroy(doc);
}

static void leading_blanks_before_keyword_are_allowed(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("  \tFROM a\n\t run  x  \n");
	assert_string_equal(str(instr(doc, 0, 1), "keyword"), "RUN");
	assert_string_equal(str(instr(doc, 0, 1), "text"), "x");
	assert_at(doc, instr(doc, 0, 1)->span, 2, 3);
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			directives_are_read_case_insensitively_before_anything_else),
		cmocka_unit_test(directive_after_a_comment_is_only_a_comment),
		cmocka_unit_test(unknown_directive_ends_directives),
		cmocka_unit_test(empty_line_ends_directives),
		cmocka_unit_test(duplicate_directive_is_reported),
		cmocka_unit_test(invalid_escape_token_is_reported_and_ignored),
		cmocka_unit_test(backtick_escape_drives_continuations),
		cmocka_unit_test(continuation_skips_comment_and_empty_lines),
		cmocka_unit_test(
			continuation_at_end_of_file_ends_the_instruction),
		cmocka_unit_test(escape_followed_by_blanks_still_continues),
		cmocka_unit_test(comments_are_recorded_by_line),
		cmocka_unit_test(crlf_line_endings_are_accepted),
		cmocka_unit_test(byte_order_mark_is_skipped),
		cmocka_unit_test(leading_blanks_before_keyword_are_allowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

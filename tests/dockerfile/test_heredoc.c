/* Heredocs in RUN, COPY and ADD. */
#include "helpers.h"

static void run_heredoc_body_is_read_and_split(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN <<EOF\napt-get update\n"
				    "apt-get install -y curl\nEOF\nUSER x\n");
	struct plm_node *run = instr(doc, 0, 1);
	struct plm_node *h = item(get(run, "heredocs"), 0);
	assert_string_equal(str(h, "delimiter"), "EOF");
	assert_string_equal(str(h, "body"),
		"apt-get update\napt-get install -y curl\n");
	assert_false(boolean(h, "strip_tabs"));
	assert_false(boolean(h, "quoted"));
	assert_at(doc, get(h, "body")->span, 3, 1);
	struct plm_node *cmds = get(run, "commands");
	assert_int_equal(plm_node_count(cmds), 2);
	assert_string_equal(seq_str(get(item(cmds, 1), "argv"), 2), "-y");
	assert_at(doc, item(get(item(cmds, 1), "argv"), 2)->span, 4, 17);
	/* The next instruction comes after the terminator. */
	assert_string_equal(str(instr(doc, 0, 2), "keyword"), "USER");
	assert_at(doc, instr(doc, 0, 2)->span, 6, 1);
	struct plm_region r = plm_doc_region(doc, run->span);
	assert_int_equal(r.end_line, 5);
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void dash_heredoc_strips_leading_tabs(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN <<-EOT bash\n\techo hi\n"
				    "\t\techo there\n\tEOT\n");
	struct plm_node *h = item(get(instr(doc, 0, 1), "heredocs"), 0);
	assert_true(boolean(h, "strip_tabs"));
	assert_string_equal(str(h, "body"), "echo hi\necho there\n");
	assert_int_equal(plm_node_count(get(instr(doc, 0, 1), "commands")), 3);
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void quoted_delimiters_mark_the_body_quoted(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN python3 <<'PY'\nprint(1)\nPY\n"
				    "RUN cat <<\"E\"O > /x\n$HOME\nEO\n");
	struct plm_node *h = item(get(instr(doc, 0, 1), "heredocs"), 0);
	assert_string_equal(str(h, "delimiter"), "PY");
	assert_true(boolean(h, "quoted"));
	/* python3 reads the body: it is not shell, so not split. */
	assert_int_equal(plm_node_count(get(instr(doc, 0, 1), "commands")), 1);
	struct plm_node *h2 = item(get(instr(doc, 0, 2), "heredocs"), 0);
	assert_string_equal(str(h2, "delimiter"), "EO");
	assert_true(boolean(h2, "quoted"));
	assert_string_equal(str(h2, "body"), "$HOME\n");
	plm_doc_destroy(doc);
}

static void several_heredocs_on_one_line_are_read_in_order(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nCOPY <<one.txt <<two.txt /dst/\n"
		"first\none.txt\nsecond\ntwo.txt\nUSER u\n");
	struct plm_node *copy = instr(doc, 0, 1);
	struct plm_node *hs = get(copy, "heredocs");
	assert_int_equal(plm_node_count(hs), 2);
	assert_string_equal(str(item(hs, 0), "body"), "first\n");
	assert_string_equal(str(item(hs, 1), "delimiter"), "two.txt");
	assert_string_equal(str(item(hs, 1), "body"), "second\n");
	assert_string_equal(seq_str(get(copy, "sources"), 0), "<<one.txt");
	assert_string_equal(str(copy, "destination"), "/dst/");
	assert_string_equal(str(instr(doc, 0, 2), "keyword"), "USER");
	plm_doc_destroy(doc);
}

static void heredoc_with_file_descriptor_and_crlf(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\r\nRUN 3<<EOF cat <&3\r\nx\r\nEOF\r\n");
	struct plm_node *h = item(get(instr(doc, 0, 1), "heredocs"), 0);
	assert_int_equal(integer(h, "fd"), 3);
	assert_string_equal(str(h, "body"), "x\r\n");
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void heredoc_markers_only_count_for_run_copy_add(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nLABEL x=<<EOF\nUSER y\n"
				    "RUN echo \"<<EOF\" << \n");
	assert_int_equal(plm_node_count(get(instr(doc, 0, 1), "heredocs")), 0);
	assert_string_equal(str(instr(doc, 0, 2), "keyword"), "USER");
	assert_int_equal(plm_node_count(get(instr(doc, 0, 3), "heredocs")), 0);
	plm_doc_destroy(doc);
}

static void unterminated_heredoc_is_reported_and_runs_to_eof(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN <<EOF\necho hi\nUSER root\n");
	assert_int_equal(diags(doc, "dockerfile/unterminated-heredoc"), 1);
	const struct plm_diag *d = diag(doc, "dockerfile/unterminated-heredoc");
	assert_at(doc, d->span, 2, 5);
	assert_non_null(strstr(d->message, "EOF"));
	struct plm_node *h = item(get(instr(doc, 0, 1), "heredocs"), 0);
	assert_string_equal(str(h, "body"), "echo hi\nUSER root\n");
	assert_int_equal(plm_node_count(get(stage(doc, 0), "instructions")), 2);
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_heredoc_body_is_read_and_split),
		cmocka_unit_test(dash_heredoc_strips_leading_tabs),
		cmocka_unit_test(quoted_delimiters_mark_the_body_quoted),
		cmocka_unit_test(
			several_heredocs_on_one_line_are_read_in_order),
		cmocka_unit_test(heredoc_with_file_descriptor_and_crlf),
		cmocka_unit_test(heredoc_markers_only_count_for_run_copy_add),
		cmocka_unit_test(
			unterminated_heredoc_is_reported_and_runs_to_eof),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* RUN shell text split into commands with argv lists. */
#include "helpers.h"

/* "argv0 argv1|argv0 argv1|..." for RUN <text>. */
static void expect(const char *run, const char *want)
{
	char text[4096];
	snprintf(text, sizeof(text), "FROM a\nRUN %s\n", run);
	struct plm_doc *doc = parse(text);
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	char got[4096];
	size_t n = 0;
	got[0] = '\0';
	for (size_t i = 0; i < plm_node_count(cmds); i++) {
		struct plm_node *argv = get(item(cmds, i), "argv");
		if (i > 0) {
			n += (size_t)snprintf(got + n, sizeof(got) - n, "|");
		}
		for (size_t k = 0; k < plm_node_count(argv); k++) {
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
				k ? " " : "", seq_str(argv, k));
		}
	}
	if (strcmp(got, want) != 0) {
		fail_msg("RUN %s\n  got:      %s\n  expected: %s", run, got,
			want);
	}
	plm_doc_destroy(doc);
}

static void operators_separate_commands(void **state)
{
	(void)state;
	expect("a 1 && b 2 || c; d | e & f |& g", "a 1|b 2|c|d|e|f|g");
	expect("apt-get update&&apt-get install -y x",
		"apt-get update|apt-get install -y x");
}

static void quotes_are_removed_from_argv(void **state)
{
	(void)state;
	expect("echo 'a b' \"c $HOME\" d\\ e \"\\\"q\\\"\" ''",
		"echo a b c $HOME d e \"q\" ");
}

static void redirections_are_left_out(void **state)
{
	(void)state;
	expect("curl -sSL x > /tmp/f 2>&1 && sh < /tmp/f >>log &>/dev/null",
		"curl -sSL x|sh");
}

static void assignments_are_kept_apart(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nRUN DEBIAN_FRONTEND=noninteractive "
		"apt-get install -y x\n");
	struct plm_node *cmd = item(get(instr(doc, 0, 1), "commands"), 0);
	assert_string_equal(seq_str(get(cmd, "argv"), 0), "apt-get");
	assert_string_equal(seq_str(get(cmd, "assignments"), 0),
		"DEBIAN_FRONTEND=noninteractive");
	assert_string_equal(str(cmd, "text"),
		"DEBIAN_FRONTEND=noninteractive apt-get install -y x");
	plm_doc_destroy(doc);
}

static void subshells_and_substitutions_contribute_commands(void **state)
{
	(void)state;
	expect("(cd /x && make) && echo \"$(id -u)\" `whoami`",
		"cd /x|make|id -u|whoami|echo $(id -u) `whoami`");
	expect("{ a; b; }", "a|b");
	expect("x=$(( 1 + 2 )) y", "y");
}

static void control_words_are_skipped(void **state)
{
	(void)state;
	expect("if [ -f x ]; then apt-get install -y a; elif true; then b; "
	       "else c; fi",
		"[ -f x ]|apt-get install -y a|true|b|c");
	expect("for p in a b; do pip install $p; done", "pip install $p");
	expect("while read l; do echo $l; done < f", "read l|echo $l");
	expect("case $x in a|b) apk add a;; *) echo no;; esac; z",
		"apk add a|echo no|z");
	expect("! grep -q x f", "grep -q x f");
}

static void comments_end_at_newline(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nRUN <<EOF\n# setup\napk add x # why\n"
		"echo '#not'\nEOF\n");
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 2);
	assert_string_equal(seq_str(get(item(cmds, 0), "argv"), 2), "x");
	assert_string_equal(seq_str(get(item(cmds, 1), "argv"), 1), "#not");
	plm_doc_destroy(doc);
}

static void exec_form_sh_c_script_is_split(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nCMD [\"sh\", \"-c\", "
				    "\"apt-get install -y x && exec app\"]\n");
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 3);
	assert_string_equal(seq_str(get(item(cmds, 0), "argv"), 0), "sh");
	assert_string_equal(seq_str(get(item(cmds, 1), "argv"), 0), "apt-get");
	assert_string_equal(seq_str(get(item(cmds, 2), "argv"), 1), "app");
	assert_span_text(doc, item(get(item(cmds, 2), "argv"), 1)->span, "app");
	plm_doc_destroy(doc);
	/* Escapes and a continuation inside the script keep spans exact. */
	doc = parse(
		"FROM a\nCMD [\"sh\", \"-c\", \"echo \\\"q\\\" \\u0041 && \\\n"
		"  apk add \\t curl\"]\n");
	cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 3);
	/* JSON unescapes \"q\" to "q", then the shell removes the quotes. */
	assert_string_equal(seq_str(get(item(cmds, 1), "argv"), 1), "q");
	assert_string_equal(seq_str(get(item(cmds, 1), "argv"), 2), "A");
	/* A word decoded from an escape starts at its backslash. */
	assert_at(doc, item(get(item(cmds, 1), "argv"), 2)->span, 2, 30);
	struct plm_node *curl = item(get(item(cmds, 2), "argv"), 2);
	assert_string_equal(curl->as.string.ptr, "curl");
	assert_span_text(doc, curl->span, "curl");
	assert_at(doc, curl->span, 3, 14);
	plm_doc_destroy(doc);
}

static void inline_heredoc_in_a_script_is_skipped(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nRUN <<EOF\ncat > f <<X\nnot a command\n"
		"X\necho done\nEOF\n");
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 2);
	assert_string_equal(seq_str(get(item(cmds, 1), "argv"), 0), "echo");
	plm_doc_destroy(doc);
}

static void command_spans_point_at_the_words(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN  sudo   apt-get install\n");
	struct plm_node *cmd = item(get(instr(doc, 0, 1), "commands"), 0);
	assert_span_text(doc, cmd->span, "sudo   apt-get install");
	assert_span_text(doc, item(get(cmd, "argv"), 1)->span, "apt-get");
	plm_doc_destroy(doc);
}

static void deep_nesting_is_bounded(void **state)
{
	(void)state;
	size_t depth = 100000;
	size_t len = depth * 4 + 64;
	char *text = malloc(len);
	assert_non_null(text);
	size_t n = (size_t)snprintf(text, len, "FROM a\nRUN ");
	for (size_t i = 0; i < depth; i++) {
		memcpy(text + n, "$(", 2);
		n += 2;
	}
	for (size_t i = 0; i < depth; i++) {
		text[n++] = ')';
	}
	for (size_t i = 0; i < depth / 2; i++) {
		text[n++] = '(';
	}
	text[n++] = '\n';
	struct plm_doc *doc = parse_n(text, n);
	assert_int_equal(diags(doc, "dockerfile/nesting-limit"), 1);
	plm_doc_destroy(doc);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(operators_separate_commands),
		cmocka_unit_test(quotes_are_removed_from_argv),
		cmocka_unit_test(redirections_are_left_out),
		cmocka_unit_test(assignments_are_kept_apart),
		cmocka_unit_test(
			subshells_and_substitutions_contribute_commands),
		cmocka_unit_test(control_words_are_skipped),
		cmocka_unit_test(comments_end_at_newline),
		cmocka_unit_test(exec_form_sh_c_script_is_split),
		cmocka_unit_test(inline_heredoc_in_a_script_is_skipped),
		cmocka_unit_test(command_spans_point_at_the_words),
		cmocka_unit_test(deep_nesting_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* RUN shell text split into commands with argv lists. */
#include "helpers.h"
#include "dockerfile/text.h"

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

/* The region of command i of instruction k of stage 0: start and end. */
static void expect_region(const struct plm_doc *doc, size_t k, size_t i,
	uint32_t line, uint32_t column, uint32_t end_line, uint32_t end_column)
{
	struct plm_node *cmd = item(get(instr(doc, 0, k), "commands"), i);
	struct plm_region r = plm_doc_region(doc, cmd->span);
	if (r.start_line != line || r.start_column != column ||
		r.end_line != end_line || r.end_column != end_column) {
		fail_msg("command %zu (%s): got %u:%u-%u:%u, expected "
			 "%u:%u-%u:%u",
			i, str(cmd, "text"), r.start_line, r.start_column,
			r.end_line, r.end_column, line, column, end_line,
			end_column);
	}
}

static void commands_on_continuation_lines_have_their_position(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\n"
				    "RUN apt-get update && \\\n"
				    "    apt-get install -y \\\n"
				    "      curl && \\\n"
				    "# a comment line\n"
				    "  rm -rf /x\n");
	expect_region(doc, 1, 0, 2, 5, 2, 19);
	/* A command spread over two lines ends on the second. */
	expect_region(doc, 1, 1, 3, 5, 4, 11);
	expect_region(doc, 1, 2, 6, 3, 6, 12);
	plm_doc_destroy(doc);
}

static void commands_in_a_heredoc_have_their_position(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\n"
				    "RUN <<EOF\n"
				    "set -e\n"
				    "  apk add \\\n"
				    "    curl; echo ok\n"
				    "EOF\n");
	expect_region(doc, 1, 0, 3, 1, 3, 7);
	expect_region(doc, 1, 1, 4, 3, 5, 9);
	expect_region(doc, 1, 2, 5, 11, 5, 18);
	plm_doc_destroy(doc);
	/* A heredoc fed to a shell: nested one level. */
	doc = parse("FROM a\nRUN bash <<EOF\n  pip install x\nEOF\n");
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 2);
	expect_region(doc, 1, 1, 3, 3, 3, 16);
	assert_int_equal(integer(item(cmds, 1), "nested"), 1);
	plm_doc_destroy(doc);
}

static void commands_in_a_sh_c_string_have_their_position(void **state)
{
	(void)state;
	/* Single quotes, then double quotes with escapes kept exact, over a
	 * continuation line. */
	struct plm_doc *doc = parse(
		"FROM a\n"
		"RUN sh -c 'apk add x && \\\n"
		"  pip install y' && bash -ec \"echo \\\"hi\\\"; \\\n"
		"     npm ci\"\n");
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 6);
	assert_string_equal(seq_str(get(item(cmds, 1), "argv"), 0), "apk");
	expect_region(doc, 1, 1, 2, 12, 2, 21);
	assert_string_equal(seq_str(get(item(cmds, 2), "argv"), 0), "pip");
	expect_region(doc, 1, 2, 3, 3, 3, 16);
	assert_int_equal(integer(item(cmds, 2), "nested"), 1);
	assert_string_equal(seq_str(get(item(cmds, 4), "argv"), 1), "hi");
	expect_region(doc, 1, 4, 3, 31, 3, 42);
	/* Each byte maps to the byte it was decoded from: the word starts
	 * at the quote its escape kept. */
	assert_span_text(doc, item(get(item(cmds, 4), "argv"), 1)->span,
		"\"hi\\\"");
	assert_string_equal(seq_str(get(item(cmds, 5), "argv"), 0), "npm");
	expect_region(doc, 1, 5, 4, 6, 4, 12);
	plm_doc_destroy(doc);
}

/* "op_before op_after pipeline" of each command, '-' for absent. */
static void expect_ops(const char *run, const char *want)
{
	char text[4096];
	snprintf(text, sizeof(text), "FROM a\nRUN %s\n", run);
	struct plm_doc *doc = parse(text);
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	char got[4096];
	size_t n = 0;
	got[0] = '\0';
	for (size_t i = 0; i < plm_node_count(cmds); i++) {
		struct plm_node *c = item(cmds, i);
		struct plm_node *before = plm_node_get(c, "op_before");
		struct plm_node *after = plm_node_get(c, "op_after");
		struct plm_node *pipe = plm_node_get(c, "pipeline");
		n += (size_t)snprintf(got + n, sizeof(got) - n,
			"%s%s %s %s %lld", i ? "," : "",
			seq_str(get(c, "argv"), 0),
			before ? before->as.string.ptr : "-",
			after ? after->as.string.ptr : "-",
			pipe ? (long long)pipe->as.integer : 0LL);
	}
	if (strcmp(got, want) != 0) {
		fail_msg("RUN %s\n  got:      %s\n  expected: %s", run, got,
			want);
	}
	plm_doc_destroy(doc);
}

static void operators_between_commands_are_recorded(void **state)
{
	(void)state;
	expect_ops("a && b || c; d & e",
		"a - && 0,b && || 0,c || ; 0,"
		"d ; & 0,e & - 0");
	expect_ops("curl -s x | sh && b |& c | d",
		"curl - | 1,sh | && 1,b && |& 2,c |& | 2,d | - 2");
	/* A group takes the operator before it; a substitution is a list
	 * of its own. */
	expect_ops("curl x | (sh; y)", "curl - | 1,sh | ; 1,y ; - 0");
	expect_ops("a | b $(c | d) e", "a - | 1,c - | 2,d | - 2,b | - 1");
	expect_ops("case $x in a) p;; b) q;; esac; z",
		"p - - 0,q - - 0,z ; - 0");
	expect_ops("a &&\\\n  b", "a - && 0,b && - 0");
	plm_doc_destroy(parse("FROM a\nRUN a\n"));
	/* Lines of a heredoc script are separated by newlines; a newline
	 * after && is not an operator of its own. */
	struct plm_doc *doc = parse("FROM a\nRUN <<EOF\na &&\n\nb\nc\nEOF\n");
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	assert_string_equal(str(item(cmds, 1), "op_before"), "&&");
	assert_string_equal(str(item(cmds, 1), "op_after"), "\n");
	assert_string_equal(str(item(cmds, 2), "op_before"), "\n");
	assert_span_text(doc, get(item(cmds, 0), "op_after")->span, "&&");
	plm_doc_destroy(doc);
}

static void nested_shell_scripts_are_split_recursively(void **state)
{
	(void)state;
	expect("sh -c 'apt-get install -y x && bash -c \"apk add y\"'",
		"sh -c apt-get install -y x && bash -c \"apk add y\"|"
		"apt-get install -y x|bash -c apk add y|apk add y");
	expect("sudo -u app /bin/bash -o pipefail -xc 'a | b'",
		"sudo -u app /bin/bash -o pipefail -xc a | b|a|b");
	expect("su - app -c 'npm ci'", "su - app -c npm ci|npm ci");
	expect("env A=1 dash -c 'make install'",
		"env A=1 dash -c make install|make install");
	/* A script file, or -c in another program, runs nothing seen. */
	expect("sh setup.sh -c x", "sh setup.sh -c x");
	expect("python -c 'import os; os.system(1)'",
		"python -c import os; os.system(1)");
	/* A substitution in a double-quoted script is found once. */
	expect("sh -c \"echo $(id -u)\"",
		"sh -c echo $(id -u)|id -u|"
		"echo $(id -u)");
	struct plm_doc *doc = parse("FROM a\nRUN bash -c \"sh -c 'x'\"\n");
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 3);
	assert_false(plm_node_get(item(cmds, 0), "nested") != NULL);
	assert_int_equal(integer(item(cmds, 1), "nested"), 1);
	assert_int_equal(integer(item(cmds, 2), "nested"), 2);
	expect_region(doc, 1, 2, 2, 21, 2, 22);
	plm_doc_destroy(doc);
	/* The exec form's script too, read the same way. */
	doc = parse(
		"FROM a\nCMD [\"sudo\", \"-u\", \"app\", \"bash\", \"-eo\", "
		"\"pipefail\", \"-c\", \"a | b\"]\n");
	cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(plm_node_count(cmds), 3);
	assert_string_equal(seq_str(get(item(cmds, 2), "argv"), 0), "b");
	plm_doc_destroy(doc);
	/* The exec form's script too. */
	doc = parse("FROM a\nCMD [\"sh\", \"-c\", \"npm ci && npm start\"]\n");
	cmds = get(instr(doc, 0, 1), "commands");
	assert_int_equal(integer(item(cmds, 1), "nested"), 1);
	assert_string_equal(str(item(cmds, 2), "op_before"), "&&");
	plm_doc_destroy(doc);
}

/* RUN with `levels` nested $( around `sh -c 'a; $(b)'`: how many
 * commands named a and b were found, and the nesting-limit notes. */
static void nested_script_at(int levels, size_t *a, size_t *b, size_t *notes)
{
	char text[1024];
	size_t n = (size_t)snprintf(text, sizeof(text), "FROM a\nRUN ");
	for (int i = 0; i < levels; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "$(");
	}
	n += (size_t)snprintf(text + n, sizeof(text) - n, "sh -c 'a; $(b)'");
	for (int i = 0; i < levels; i++) {
		text[n++] = ')';
	}
	text[n++] = '\n';
	struct plm_doc *doc = parse_n(text, n);
	struct plm_node *cmds = get(instr(doc, 0, 1), "commands");
	*a = *b = 0;
	for (size_t i = 0; i < plm_node_count(cmds); i++) {
		const char *prog = seq_str(get(item(cmds, i), "argv"), 0);
		*a += strcmp(prog, "a") == 0;
		*b += strcmp(prog, "b") == 0;
	}
	*notes = diags(doc, "dockerfile/nesting-limit");
	plm_doc_destroy(doc);
}

static void nested_shell_scripts_are_bounded(void **state)
{
	(void)state;
	size_t a, b, notes;
	/* A script counts one level of the same bound as $(...). */
	nested_script_at(PLM_DOCKERFILE_MAX_NESTING - 3, &a, &b, &notes);
	assert_int_equal(a, 1);
	assert_int_equal(b, 1);
	assert_int_equal(notes, 0);
	nested_script_at(PLM_DOCKERFILE_MAX_NESTING - 2, &a, &b, &notes);
	assert_int_equal(a, 1);
	assert_int_equal(b, 0);
	assert_int_equal(notes, 1);
	nested_script_at(PLM_DOCKERFILE_MAX_NESTING - 1, &a, &b, &notes);
	assert_int_equal(a, 0);
	assert_int_equal(notes, 1);
}

static void a_powershell_or_cmd_shell_is_not_split(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM w\n"
		"SHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference "
		"= 'Stop';\"]\n"
		"RUN iwr x | iex; choco install git\n"
		"CMD a && b\n"
		"SHELL [\"C:\\\\Windows\\\\System32\\\\cmd.exe\", \"/S\", "
		"\"/C\"]\n"
		"RUN a && b\n"
		"RUN [\"sh\", \"-c\", \"a && b\"]\n"
		"SHELL [\"/usr/bin/env\", \"bash\", \"-c\"]\n"
		"RUN a && b\n");
	for (size_t k = 2; k <= 5; k += k == 3 ? 2 : 1) {
		struct plm_node *cmds = get(instr(doc, 0, k), "commands");
		assert_int_equal(plm_node_count(cmds), 1);
		assert_true(boolean(item(cmds, 0), "unknown"));
		assert_int_equal(plm_node_count(get(item(cmds, 0), "argv")), 0);
	}
	assert_string_equal(str(item(get(instr(doc, 0, 2), "commands"), 0),
				    "text"),
		"iwr x | iex; choco install git");
	/* The exec form names its program: split as that program's. */
	assert_int_equal(plm_node_count(get(instr(doc, 0, 6), "commands")), 3);
	assert_int_equal(plm_node_count(get(instr(doc, 0, 8), "commands")), 2);
	/* The container still runs the text with the SHELL. */
	assert_string_equal(seq_str(get(container(doc), "command"), 0),
		"powershell");
	plm_doc_destroy(doc);
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
		cmocka_unit_test(
			commands_on_continuation_lines_have_their_position),
		cmocka_unit_test(commands_in_a_heredoc_have_their_position),
		cmocka_unit_test(commands_in_a_sh_c_string_have_their_position),
		cmocka_unit_test(operators_between_commands_are_recorded),
		cmocka_unit_test(nested_shell_scripts_are_split_recursively),
		cmocka_unit_test(nested_shell_scripts_are_bounded),
		cmocka_unit_test(a_powershell_or_cmd_shell_is_not_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

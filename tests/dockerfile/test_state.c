/* The state each instruction runs in, each stage's at its end, and
 * variables that are unset (empty) or unknown (set by the build). */
#include "helpers.h"

/* The state an instruction runs in. */
static struct plm_node *state_of(const struct plm_doc *doc, size_t i, size_t j)
{
	return get(instr(doc, i, j), "state");
}

/* The user map of the last USER of stage 0 (the container's). */
static struct plm_node *user_of(const char *text, struct plm_doc **doc)
{
	*doc = parse(text);
	return get(container(*doc), "user");
}

static void unknown_null(const struct plm_node *map, const char *key)
{
	const struct plm_node *v = get(map, key);
	if (v->kind != PLM_NODE_NULL || !(v->flags & PLM_NODE_UNKNOWN)) {
		fail_msg("'%s' is not null flagged unknown", key);
	}
}

static void default_forms_resolve_a_user(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int64_t uid;
	} cases[] = {
		{"FROM a\nUSER ${UID:-0}\n", 0},
		{"FROM a\nUSER ${UID-0}\n", 0},
		{"FROM a\nENV UID=\nUSER ${UID:-7}\n", 7},
		{"FROM a\nENV UID=\nUSER 1${UID-7}\n", 1},
		{"FROM a\nARG UID=5\nUSER ${UID:+9}\n", 9},
		{"FROM a\nUSER 4${UID+9}\n", 4},
		{"FROM a\nARG APP_UID=1000\nUSER $APP_UID\n", 1000},
		{"FROM a\nARG APP_UID=1000\nUSER ${APP_UID}:${APP_UID}\n",
			1000},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct plm_doc *doc;
		struct plm_node *user = user_of(cases[k].text, &doc);
		if (get(user, "uid")->kind != PLM_NODE_INT ||
			integer(user, "uid") != cases[k].uid) {
			fail_msg("%s: uid is not %lld", cases[k].text,
				(long long)cases[k].uid);
		}
		assert_int_equal(boolean(user, "root"), cases[k].uid == 0);
		assert_false(user->flags & PLM_NODE_UNKNOWN);
		plm_doc_destroy(doc);
	}
}

static void escaped_dollar_is_literal(void **state)
{
	(void)state;
	struct plm_doc *doc;
	struct plm_node *user = user_of("FROM a\nARG U=1\nUSER \\$U\n", &doc);
	assert_string_equal(str(user, "name"), "$U");
	assert_true(get(user, "root")->kind == PLM_NODE_NULL);
	plm_doc_destroy(doc);
}

static void arg_without_default_is_unknown_not_unset(void **state)
{
	(void)state;
	struct plm_doc *doc;
	/* Declared without a default: a --build-arg may set it. */
	struct plm_node *user = user_of("FROM a\nARG UID\nUSER ${UID:-0}\n",
		&doc);
	assert_true(user->flags & PLM_NODE_UNKNOWN);
	assert_string_equal(str(user, "text"), "${UID:-0}");
	unknown_null(user, "name");
	unknown_null(user, "uid");
	unknown_null(user, "group");
	unknown_null(user, "root");
	struct plm_node *u = instr(doc, 0, 2);
	unknown_null(u, "user");
	unknown_null(u, "group");
	plm_doc_destroy(doc);

	/* Never declared: BuildKit substitutes the empty string. */
	user = user_of("FROM a\nUSER app$NOPE\n", &doc);
	assert_string_equal(str(user, "name"), "app");
	assert_false(boolean(user, "root"));
	assert_false(user->flags & PLM_NODE_UNKNOWN);
	plm_doc_destroy(doc);
}

static void values_that_depend_on_an_unknown_variable_are_unknown(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nARG TOKEN\nARG V=1\n"
				    "ENV A=$TOKEN B=${V}x C=$NOPE\n"
				    "LABEL l=$TOKEN\nRUN true\n");
	struct plm_node *env = get(state_of(doc, 0, 5), "env");
	unknown_null(env, "A");
	assert_string_equal(str(env, "B"), "1x");
	assert_string_equal(str(env, "C"), "");
	assert_false(get(env, "C")->flags & PLM_NODE_UNKNOWN);
	struct plm_node *args = get(state_of(doc, 0, 5), "args");
	unknown_null(args, "TOKEN");
	assert_string_equal(str(args, "V"), "1");
	unknown_null(get(stage(doc, 0), "labels"), "l");
	plm_doc_destroy(doc);

	/* EXPOSE ${PORT}/udp with PORT unknown: no warning, port unknown. */
	doc = parse("FROM a\nARG PORT\nEXPOSE ${PORT}/udp\n");
	assert_int_equal(diags(doc, "dockerfile/invalid-port"), 0);
	unknown_null(item(get(stage(doc, 0), "exposes"), 0), "container");
	plm_doc_destroy(doc);
	doc = parse("FROM a\nARG V=1\nARG TOKEN\nENV A=$TOKEN\n");
	/* The container's env says the same. */
	struct plm_node *pair = item(get(container(doc), "env"), 0);
	assert_string_equal(str(pair, "name"), "A");
	unknown_null(pair, "value");
	plm_doc_destroy(doc);
}

static void global_args_are_scoped_to_from_unless_redeclared(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("ARG V=g\nARG W=w\nFROM a:$V\n"
				    "ENV X=[$V]\nARG V\nENV Y=[$V] Z=[$W]\n"
				    "ARG V=own\nRUN true\n"
				    "FROM a\nENV Q=[$V]\n");
	assert_string_equal(str(get(stage(doc, 0), "base"), "tag"), "g");
	struct plm_node *env = get(stage(doc, 0), "env");
	assert_string_equal(str(env, "X"), "[]");
	assert_string_equal(str(env, "Y"), "[g]");
	assert_string_equal(str(env, "Z"), "[]");
	/* Before the redeclaration the stage has no ARG V. */
	assert_null(plm_node_get(get(state_of(doc, 0, 1), "args"), "V"));
	assert_string_equal(str(get(state_of(doc, 0, 3), "args"), "V"), "g");
	assert_string_equal(str(get(state_of(doc, 0, 5), "args"), "V"), "own");
	/* A stage does not see another stage's ARGs. */
	assert_string_equal(str(get(stage(doc, 1), "env"), "Q"), "[]");
	assert_int_equal(plm_node_count(get(stage(doc, 1), "args")), 0);
	plm_doc_destroy(doc);
}

static void platform_args_are_unknown(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM ${TARGETARCH}/alpine\n"
				    "ARG TARGETOS\nUSER $TARGETOS\n");
	assert_true(is_null(get(stage(doc, 0), "base"), "registry"));
	unknown_null(get(stage(doc, 0), "args"), "TARGETOS");
	assert_true(get(container(doc), "user")->flags & PLM_NODE_UNKNOWN);
	plm_doc_destroy(doc);
}

static void env_workdir_user_and_shell_are_inherited(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a AS base\nENV A=1 B=2\n"
				    "WORKDIR /app\nUSER 10\n"
				    "SHELL [\"/bin/bash\", \"-c\"]\n"
				    "FROM base AS child\nENV B=3\nWORKDIR sub\n"
				    "RUN x\nFROM a\nRUN y\n");
	struct plm_node *s = state_of(doc, 1, 3);
	assert_string_equal(str(get(s, "env"), "A"), "1");
	assert_string_equal(str(get(s, "env"), "B"), "3");
	assert_string_equal(str(s, "workdir"), "/app/sub");
	assert_int_equal(integer(get(s, "user"), "uid"), 10);
	assert_string_equal(seq_str(get(s, "shell"), 0), "/bin/bash");
	/* The parent's own state is as it was. */
	assert_string_equal(str(get(stage(doc, 0), "env"), "B"), "2");
	/* An unrelated stage starts afresh: the base image's user and
	 * workdir are not known, the shell is the default. */
	s = state_of(doc, 2, 1);
	assert_int_equal(plm_node_count(get(s, "env")), 0);
	assert_true(is_null(s, "user"));
	assert_true(is_null(s, "workdir"));
	assert_string_equal(seq_str(get(s, "shell"), 0), "/bin/sh");
	assert_string_equal(seq_str(get(s, "shell"), 1), "-c");
	assert_true(get(s, "shell")->flags & PLM_NODE_IMPLICIT);
	plm_doc_destroy(doc);
}

static void each_run_has_the_shell_in_effect(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nRUN one\n"
		"SHELL [\"pwsh\", \"-Command\"]\nRUN two\n"
		"SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", "
		"\"-c\"]\nRUN three\n");
	assert_string_equal(seq_str(get(state_of(doc, 0, 1), "shell"), 0),
		"/bin/sh");
	assert_string_equal(seq_str(get(state_of(doc, 0, 3), "shell"), 0),
		"pwsh");
	struct plm_node *sh = get(state_of(doc, 0, 5), "shell");
	assert_int_equal(plm_node_count(sh), 4);
	assert_string_equal(seq_str(sh, 2), "pipefail");
	/* The SHELL instruction itself runs with the previous shell. */
	assert_string_equal(seq_str(get(state_of(doc, 0, 2), "shell"), 0),
		"/bin/sh");
	plm_doc_destroy(doc);
}

static void windows_base_has_an_unknown_default_shell(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM mcr.microsoft.com/windows/"
		"servercore:ltsc2022\nRUN dir\n"
		"FROM mcr.microsoft.com/dotnet/sdk:8.0-"
		"nanoserver-ltsc2022\n"
		"SHELL [\"cmd\", \"/S\", \"/C\"]\nRUN dir\n");
	unknown_null(state_of(doc, 0, 1), "shell");
	assert_string_equal(seq_str(get(state_of(doc, 1, 2), "shell"), 0),
		"cmd");
	plm_doc_destroy(doc);
}

static void stage_end_state_labels_exposes_healthcheck(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a AS base\nLABEL a=1 b=2\n"
				    "EXPOSE 80 53/udp\n"
				    "HEALTHCHECK CMD curl -f http://x/\n"
				    "FROM base\nLABEL b=3\nEXPOSE 443/tcp\n"
				    "HEALTHCHECK NONE\n");
	struct plm_node *s0 = stage(doc, 0), *s1 = stage(doc, 1);
	assert_string_equal(str(get(s1, "labels"), "a"), "1");
	assert_string_equal(str(get(s1, "labels"), "b"), "3");
	assert_string_equal(str(get(s0, "labels"), "b"), "2");
	struct plm_node *ports = get(s1, "exposes");
	assert_int_equal(plm_node_count(ports), 3);
	assert_int_equal(integer(item(ports, 1), "container"), 53);
	assert_string_equal(str(item(ports, 1), "protocol"), "udp");
	assert_int_equal(integer(item(ports, 2), "container"), 443);
	assert_int_equal(plm_node_count(get(s0, "exposes")), 2);
	assert_false(boolean(get(s0, "healthcheck"), "disabled"));
	assert_true(boolean(get(s1, "healthcheck"), "disabled"));
	assert_string_equal(seq_str(get(get(s1, "healthcheck"), "test"), 0),
		"NONE");
	plm_doc_destroy(doc);

	doc = parse("FROM a\nRUN x\n");
	assert_true(is_null(stage(doc, 0), "healthcheck"));
	assert_int_equal(plm_node_count(get(stage(doc, 0), "labels")), 0);
	assert_int_equal(plm_node_count(get(stage(doc, 0), "exposes")), 0);
	plm_doc_destroy(doc);
}

static void state_is_shared_until_it_changes(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN a\nCOPY x /y\nRUN b\n"
				    "ENV K=v\nRUN c\nONBUILD RUN sudo d\n");
	assert_ptr_equal(state_of(doc, 0, 1), state_of(doc, 0, 3));
	assert_ptr_not_equal(state_of(doc, 0, 3), state_of(doc, 0, 5));
	/* The ENV runs before its own effect. */
	assert_int_equal(plm_node_count(get(state_of(doc, 0, 4), "env")), 0);
	assert_string_equal(str(get(state_of(doc, 0, 5), "env"), "K"), "v");
	/* A trigger runs in another build: no state of this one. */
	assert_null(
		plm_node_get(get(instr(doc, 0, 6), "instruction"), "state"));
	/* FROM starts the stage: no state before it. */
	assert_null(plm_node_get(instr(doc, 0, 0), "state"));
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_forms_resolve_a_user),
		cmocka_unit_test(escaped_dollar_is_literal),
		cmocka_unit_test(arg_without_default_is_unknown_not_unset),
		cmocka_unit_test(
			values_that_depend_on_an_unknown_variable_are_unknown),
		cmocka_unit_test(
			global_args_are_scoped_to_from_unless_redeclared),
		cmocka_unit_test(platform_args_are_unknown),
		cmocka_unit_test(env_workdir_user_and_shell_are_inherited),
		cmocka_unit_test(each_run_has_the_shell_in_effect),
		cmocka_unit_test(windows_base_has_an_unknown_default_shell),
		cmocka_unit_test(stage_end_state_labels_exposes_healthcheck),
		cmocka_unit_test(state_is_shared_until_it_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

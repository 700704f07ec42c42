/* Stages, inheritance, and the container record of the final stage. */
#include "helpers.h"

static void stages_are_indexed_named_and_linked(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM golang:1.22 AS Build\nRUN go build\n"
				    "FROM build AS test\nFROM alpine\n");
	assert_int_equal(plm_node_count(get(doc->tree, "stages")), 3);
	assert_int_equal(integer(stage(doc, 1), "index"), 1);
	assert_string_equal(str(stage(doc, 1), "name"), "test");
	assert_int_equal(integer(get(stage(doc, 1), "base"), "stage"), 0);
	/* A stage reference is not an image: no registry or repository. */
	assert_true(is_null(get(stage(doc, 1), "base"), "registry"));
	assert_true(is_null(get(stage(doc, 1), "base"), "repository"));
	assert_true(is_null(get(stage(doc, 2), "base"), "stage"));
	assert_true(is_null(stage(doc, 2), "name"));
	struct plm_node *c = container(doc);
	assert_string_equal(str(c, "name"), "stage-2");
	assert_true(get(c, "name")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(integer(c, "stage"), 2);
	assert_string_equal(str(get(c, "image"), "repository"), "alpine");
	plm_doc_destroy(doc);
}

static void unknown_variable_in_the_registry_part_is_no_registry(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("ARG REG\nARG TAG\nFROM ${REG}/alpine\n"
				    "FROM alpine:${TAG}\nFROM ${IMAGE}\n"
				    "FROM docker.io/${NAME}\n");
	/* REG is unknown: the first component may be any registry. */
	assert_true(is_null(get(stage(doc, 0), "base"), "registry"));
	assert_string_equal(str(get(stage(doc, 0), "base"), "text"),
		"${REG}/alpine");
	/* An unknown tag leaves the registry known. */
	assert_string_equal(str(get(stage(doc, 1), "base"), "registry"),
		"docker.io");
	assert_true(is_null(get(stage(doc, 2), "base"), "registry"));
	assert_string_equal(str(get(stage(doc, 3), "base"), "registry"),
		"docker.io");
	plm_doc_destroy(doc);
}

static void workdir_resolves_relative_paths(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a AS one\nWORKDIR sub\n"
				    "WORKDIR /app\nWORKDIR sub/\nWORKDIR x\n"
				    "ENV D=/srv\nWORKDIR $D\n"
				    "FROM one\nWORKDIR z\nARG U\nWORKDIR $U/y\n"
				    "WORKDIR w\nFROM b\nWORKDIR $NOPE/y\n");
	/* No earlier WORKDIR: the base image's is not known. */
	assert_true(is_null(instr(doc, 0, 1), "absolute"));
	assert_string_equal(str(instr(doc, 0, 2), "absolute"), "/app");
	assert_string_equal(str(instr(doc, 0, 3), "absolute"), "/app/sub/");
	assert_string_equal(str(instr(doc, 0, 4), "absolute"), "/app/sub/x");
	assert_string_equal(str(instr(doc, 0, 6), "absolute"), "/srv");
	/* A stage built on another continues from its WORKDIR. */
	assert_string_equal(str(instr(doc, 1, 1), "absolute"), "/srv/z");
	assert_string_equal(str(instr(doc, 1, 3), "path"), "/y");
	/* A variable whose value is not known (an ARG without a default)
	 * makes the path, and the ones after it, unknown. */
	assert_true(is_null(instr(doc, 1, 3), "absolute"));
	assert_true(
		get(instr(doc, 1, 3), "absolute")->flags & PLM_NODE_UNKNOWN);
	assert_true(get(instr(doc, 1, 3), "path")->flags & PLM_NODE_UNKNOWN);
	assert_true(is_null(instr(doc, 1, 4), "absolute"));
	/* A variable never declared is empty, as BuildKit substitutes it. */
	assert_string_equal(str(instr(doc, 2, 1), "absolute"), "/y");
	plm_doc_destroy(doc);
}

static void effective_user_is_inherited_through_parent_stages(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM debian AS base\nUSER 1000\n"
				    "FROM base AS app\nRUN id\n");
	struct plm_node *u = get(container(doc), "user");
	assert_string_equal(str(u, "text"), "1000");
	assert_int_equal(integer(u, "uid"), 1000);
	assert_false(boolean(u, "root"));
	assert_true(u->flags & PLM_NODE_INHERITED);
	assert_int_equal(integer(get(stage(doc, 1), "user"), "uid"), 1000);
	/* The image is the root ancestor's base. */
	assert_string_equal(str(get(container(doc), "image"), "repository"),
		"debian");
	plm_doc_destroy(doc);
}

static void user_of_an_unrelated_earlier_stage_does_not_leak(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM debian AS base\nUSER app\n"
				    "FROM debian\nRUN id\n");
	struct plm_node *u = get(container(doc), "user");
	assert_true(is_null(u, "text"));
	assert_true(is_null(u, "root"));
	assert_true(u->flags & PLM_NODE_IMPLICIT);
	/* Implicit fields point at the final FROM, where a fix goes. */
	assert_at(doc, u->span, 3, 1);
	plm_doc_destroy(doc);
}

static void root_user_forms(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nUSER app\nUSER root:root\n");
	assert_true(boolean(get(container(doc), "user"), "root"));
	plm_doc_destroy(doc);
	doc = parse("FROM a\nUSER 0:0\n");
	assert_true(boolean(get(container(doc), "user"), "root"));
	plm_doc_destroy(doc);
	doc = parse("FROM a\nARG U\nUSER $U\n");
	struct plm_node *u = get(container(doc), "user");
	assert_true(is_null(u, "root"));
	assert_string_equal(str(u, "text"), "$U");
	plm_doc_destroy(doc);
	doc = parse("FROM a\nARG U=1001\nUSER ${U}\n");
	u = get(container(doc), "user");
	assert_false(boolean(u, "root"));
	assert_int_equal(integer(u, "uid"), 1001);
	plm_doc_destroy(doc);
}

static void cmd_entrypoint_env_ports_are_inherited(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a AS base\nENV A=1 B=2\nEXPOSE 80\nCMD [\"serve\"]\n"
		"HEALTHCHECK CMD true\nVOLUME /data\n"
		"FROM base\nENV B=3 C=4\nEXPOSE 443\n");
	struct plm_node *c = container(doc);
	struct plm_node *env = get(c, "env");
	assert_int_equal(plm_node_count(env), 3);
	assert_string_equal(str(item(env, 1), "name"), "B");
	assert_string_equal(str(item(env, 1), "value"), "3");
	assert_true(item(env, 0)->flags & PLM_NODE_INHERITED);
	assert_int_equal(plm_node_count(get(c, "ports")), 2);
	assert_string_equal(seq_str(get(c, "command"), 0), "serve");
	assert_true(get(c, "command")->flags & PLM_NODE_INHERITED);
	assert_false(boolean(get(c, "healthcheck"), "disabled"));
	assert_int_equal(plm_node_count(get(c, "mounts")), 1);
	plm_doc_destroy(doc);
}

static void entrypoint_resets_an_inherited_cmd(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a AS base\nCMD [\"x\"]\n"
				    "FROM base\nENTRYPOINT [\"y\"]\n");
	assert_true(is_null(container(doc), "command"));
	plm_doc_destroy(doc);
	doc = parse("FROM a\nCMD [\"x\"]\nENTRYPOINT [\"y\"]\n");
	assert_string_equal(seq_str(get(container(doc), "command"), 0), "x");
	plm_doc_destroy(doc);
}

static void container_record_has_every_field(void **state)
{
	(void)state;
	static const char *const fields[] = {"name", "origin", "role",
		"workload", "image", "user", "run_as_non_root", "privileged",
		"allow_privilege_escalation", "read_only_rootfs",
		"capabilities", "host", "seccomp", "apparmor", "selinux",
		"mounts", "ports", "command", "entrypoint", "shell_form",
		"lifecycle", "env", "healthcheck",
		"automount_service_account_token", "build", NULL};
	struct plm_doc *doc = parse("FROM scratch\n");
	struct plm_node *c = container(doc);
	for (size_t i = 0; fields[i] != NULL; i++) {
		assert_non_null(plm_node_get(c, fields[i]));
	}
	assert_string_equal(str(c, "origin"), "dockerfile");
	assert_string_equal(str(c, "role"), "stage");
	assert_string_equal(str(get(c, "workload"), "kind"), "Dockerfile");
	assert_true(is_null(get(c, "image"), "registry"));
	assert_true(is_null(get(c, "host"), "network"));
	assert_int_equal(plm_node_count(get(get(c, "capabilities"), "drop")),
		0);
	assert_true(get(c, "privileged")->flags & PLM_NODE_IMPLICIT);
	for (size_t i = 0; i < plm_node_count(c); i++) {
		assert_int_equal(c->as.map.entries[i].value->span.source, 0);
	}
	plm_doc_destroy(doc);
}

static void no_from_gives_no_container(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("# only a comment\nRUN echo\n");
	assert_int_equal(plm_node_count(doc->containers), 0);
	assert_int_equal(diags(doc, "dockerfile/no-from"), 1);
	assert_int_equal(diags(doc, "dockerfile/instruction-before-from"), 1);
	assert_int_equal(plm_node_count(get(doc->tree, "unstaged")), 1);
	plm_doc_destroy(doc);
}

static void duplicate_stage_name_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a AS x\nFROM b AS X\n");
	assert_int_equal(diags(doc, "dockerfile/duplicate-stage"), 1);
	plm_doc_destroy(doc);
}

static void container_of_another_source_by_target(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM main\n");
	const char *other = "FROM node AS build\nUSER node\nFROM nginx\nBOGUS\n";
	int idx = plm_doc_add_source_take(doc,
		plm_source_create("app/Dockerfile", other, strlen(other)));
	assert_int_equal(idx, 1);
	struct plm_node *c = NULL;
	assert_int_equal(plm_dockerfile_container(doc, 1, "BUILD", &c), 0);
	assert_non_null(c);
	assert_string_equal(str(get(c, "user"), "text"), "node");
	assert_int_equal(get(c, "user")->span.source, 1);
	assert_int_equal(plm_dockerfile_container(doc, 1, NULL, &c), 0);
	assert_string_equal(str(get(c, "image"), "repository"), "nginx");
	assert_int_equal(plm_dockerfile_container(doc, 1, "nope", &c), 0);
	assert_null(c);
	assert_int_equal(plm_dockerfile_container(doc, 7, NULL, &c),
		PLM_EINVAL);
	/* Diagnostics carry the other source; comments of sources[0] only. */
	const struct plm_diag *d = diag(doc, "dockerfile/unknown-instruction");
	assert_int_equal(d->span.source, 1);
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stages_are_indexed_named_and_linked),
		cmocka_unit_test(
			unknown_variable_in_the_registry_part_is_no_registry),
		cmocka_unit_test(workdir_resolves_relative_paths),
		cmocka_unit_test(
			effective_user_is_inherited_through_parent_stages),
		cmocka_unit_test(
			user_of_an_unrelated_earlier_stage_does_not_leak),
		cmocka_unit_test(root_user_forms),
		cmocka_unit_test(cmd_entrypoint_env_ports_are_inherited),
		cmocka_unit_test(entrypoint_resets_an_inherited_cmd),
		cmocka_unit_test(container_record_has_every_field),
		cmocka_unit_test(no_from_gives_no_container),
		cmocka_unit_test(duplicate_stage_name_is_reported),
		cmocka_unit_test(container_of_another_source_by_target),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

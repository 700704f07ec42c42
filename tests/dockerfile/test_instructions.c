/* Every instruction: keyword, flags, forms, arguments, extras, spans. */
#include "helpers.h"

static void keywords_are_case_insensitive_and_upper_cased(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("from alpine\nRun echo\nwOrKdIr /x\n");
	assert_string_equal(str(instr(doc, 0, 0), "keyword"), "FROM");
	assert_string_equal(str(instr(doc, 0, 1), "keyword"), "RUN");
	assert_string_equal(str(instr(doc, 0, 2), "keyword"), "WORKDIR");
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void from_takes_platform_flag_and_stage_name(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM --platform=$BUILDPLATFORM golang:1.22 As Builder\n");
	struct plm_node *from = instr(doc, 0, 0);
	struct plm_node *flag = item(get(from, "flags"), 0);
	assert_string_equal(str(flag, "name"), "platform");
	assert_string_equal(str(flag, "value"), "$BUILDPLATFORM");
	assert_span_text(doc, flag->span, "--platform=$BUILDPLATFORM");
	assert_string_equal(str(from, "name"), "Builder");
	assert_string_equal(str(from, "image"), "golang:1.22");
	assert_int_equal(integer(from, "stage"), 0);
	struct plm_node *st = stage(doc, 0);
	assert_string_equal(str(st, "platform"), "$BUILDPLATFORM");
	assert_string_equal(str(st, "name"), "Builder");
	struct plm_node *base = get(st, "base");
	assert_string_equal(str(base, "repository"), "golang");
	assert_string_equal(str(base, "tag"), "1.22");
	assert_string_equal(str(base, "registry"), "docker.io");
	assert_true(is_null(base, "stage"));
	assert_span_text(doc, item(get(from, "args"), 2)->span, "Builder");
	plm_doc_destroy(doc);
}

static void from_with_wrong_argument_count_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a b\nFROM c AS\n");
	assert_int_equal(diags(doc, "dockerfile/syntax"), 2);
	assert_int_equal(plm_node_count(get(doc->tree, "stages")), 2);
	plm_doc_destroy(doc);
}

static void run_mount_network_security_flags_are_parsed(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\n"
		"RUN --mount=type=cache,target=/root/.cache,sharing=locked "
		"--mount=type=secret,id=npmrc,required "
		"--mount=target=/src,ro "
		"--network=none --security=insecure pip install x\n");
	struct plm_node *run = instr(doc, 0, 1);
	struct plm_node *flags = get(run, "flags");
	assert_int_equal(plm_node_count(flags), 5);
	struct plm_node *cache = get(item(flags, 0), "mount");
	assert_string_equal(str(cache, "type"), "cache");
	assert_string_equal(str(cache, "target"), "/root/.cache");
	assert_string_equal(str(cache, "sharing"), "locked");
	struct plm_node *secret = get(item(flags, 1), "mount");
	assert_string_equal(str(secret, "type"), "secret");
	assert_string_equal(str(secret, "id"), "npmrc");
	assert_string_equal(str(secret, "required"), "true");
	struct plm_node *bind = get(item(flags, 2), "mount");
	assert_string_equal(str(bind, "type"), "bind");
	assert_true(get(bind, "type")->flags & PLM_NODE_IMPLICIT);
	assert_string_equal(str(item(flags, 3), "value"), "none");
	assert_string_equal(str(item(flags, 4), "name"), "security");
	assert_string_equal(str(run, "text"), "pip install x");
	assert_string_equal(str(run, "form"), "shell");
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void flag_values_lose_their_quotes(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nCOPY --chown=\"app:app\" "
				    "--chmod='0755' a /b\n");
	struct plm_node *flags = get(instr(doc, 0, 1), "flags");
	assert_string_equal(str(item(flags, 0), "value"), "app:app");
	assert_string_equal(str(item(flags, 1), "value"), "0755");
	plm_doc_destroy(doc);
}

static void flag_values_with_variables_are_expanded(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nARG UID=10001\nCOPY --chown=$UID:$UID "
		"--chmod=0755 a /b\n");
	struct plm_node *flags = get(instr(doc, 0, 2), "flags");
	assert_string_equal(str(item(flags, 0), "value"), "$UID:$UID");
	assert_string_equal(str(item(flags, 0), "expanded"), "10001:10001");
	assert_null(plm_node_get(item(flags, 1), "expanded"));
	plm_doc_destroy(doc);
}

static void unknown_flag_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nCOPY --user=x a b\n"
				    "CMD --doit echo\n");
	assert_int_equal(diags(doc, "dockerfile/unknown-flag"), 2);
	assert_at(doc, diag(doc, "dockerfile/unknown-flag")->span, 2, 6);
	plm_doc_destroy(doc);
}

static void double_dash_ends_flags(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nRUN -- --version\n");
	struct plm_node *run = instr(doc, 0, 1);
	assert_int_equal(plm_node_count(get(run, "flags")), 0);
	assert_string_equal(str(run, "text"), "--version");
	plm_doc_destroy(doc);
}

static void cmd_and_entrypoint_exec_and_shell_forms(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\n"
		"ENTRYPOINT [\"/docker-entrypoint.sh\", \"--x=\\\"q\\\"\"]\n"
		"CMD nginx -g 'daemon off;'\n");
	struct plm_node *ep = instr(doc, 0, 1);
	assert_string_equal(str(ep, "form"), "exec");
	assert_string_equal(seq_str(get(ep, "args"), 0),
		"/docker-entrypoint.sh");
	assert_string_equal(seq_str(get(ep, "args"), 1), "--x=\"q\"");
	assert_span_text(doc, item(get(ep, "args"), 0)->span,
		"\"/docker-entrypoint.sh\"");
	struct plm_node *cmd = instr(doc, 0, 2);
	assert_string_equal(str(cmd, "form"), "shell");
	struct plm_node *argv = get(item(get(cmd, "commands"), 0), "argv");
	assert_string_equal(seq_str(argv, 2), "daemon off;");
	struct plm_node *c = container(doc);
	assert_string_equal(seq_str(get(c, "entrypoint"), 0),
		"/docker-entrypoint.sh");
	assert_string_equal(seq_str(get(c, "command"), 0), "/bin/sh");
	assert_string_equal(seq_str(get(c, "command"), 1), "-c");
	assert_string_equal(seq_str(get(c, "command"), 2),
		"nginx -g 'daemon off;'");
	assert_true(boolean(get(c, "shell_form"), "command"));
	assert_false(boolean(get(c, "shell_form"), "entrypoint"));
	plm_doc_destroy(doc);
}

static void json_with_unicode_escapes_is_decoded(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nCMD [\"caf\\u00e9\", \"\\ud83d\\ude00\", "
		"\"a\\/b\"]\n");
	struct plm_node *args = get(instr(doc, 0, 1), "args");
	assert_string_equal(seq_str(args, 0), "caf\xc3\xa9");
	assert_string_equal(seq_str(args, 1), "\xf0\x9f\x98\x80");
	assert_string_equal(seq_str(args, 2), "a/b");
	plm_doc_destroy(doc);
}

static void invalid_json_falls_back_to_shell_form(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\n"
				    "CMD ['single', 'quotes']\n"
				    "RUN [ -f /etc/x ] && echo yes\n"
				    "ENTRYPOINT [\"a\"] # comment\n");
	struct plm_node *cmd = instr(doc, 0, 1);
	assert_string_equal(str(cmd, "form"), "shell");
	assert_string_equal(seq_str(get(cmd, "args"), 0),
		"['single', 'quotes']");
	assert_string_equal(str(instr(doc, 0, 2), "form"), "shell");
	assert_string_equal(str(instr(doc, 0, 3), "form"), "shell");
	/* The test command [ is not an exec-form attempt: no warning. */
	assert_int_equal(diags(doc, "dockerfile/exec-form"), 2);
	plm_doc_destroy(doc);
}

static void json_array_of_non_strings_is_an_error(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nCMD [\"a\", 1, {\"k\": [true]}]\n");
	assert_int_equal(diags(doc, "dockerfile/exec-form"), 1);
	assert_int_equal(diag(doc, "dockerfile/exec-form")->level,
		PLM_DIAG_ERROR);
	assert_at(doc, diag(doc, "dockerfile/exec-form")->span, 2, 11);
	assert_string_equal(str(instr(doc, 0, 1), "form"), "shell");
	plm_doc_destroy(doc);
}

static void shell_instruction_sets_the_shell_of_later_shell_forms(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nSHELL [\"powershell\", \"-Command\"]\nCMD Get-Date\n"
		"SHELL /bin/bash -c\n");
	struct plm_node *sh = instr(doc, 0, 1);
	assert_string_equal(str(sh, "form"), "exec");
	struct plm_node *cmd = get(container(doc), "command");
	assert_string_equal(seq_str(cmd, 0), "powershell");
	assert_string_equal(seq_str(cmd, 1), "-Command");
	assert_string_equal(seq_str(cmd, 2), "Get-Date");
	assert_int_equal(diags(doc, "dockerfile/exec-form"), 1);
	plm_doc_destroy(doc);
}

static void env_and_label_key_value_form_with_quotes(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\n"
		"ENV A=1 B=\"two words\" C='$A' D=x\\ y\n"
		"LABEL \"com.example.vendor\"=\"ACME\" version=1.0\n");
	struct plm_node *pairs = get(instr(doc, 0, 1), "pairs");
	assert_int_equal(plm_node_count(pairs), 4);
	assert_string_equal(str(item(pairs, 1), "name"), "B");
	assert_string_equal(str(item(pairs, 1), "value"), "two words");
	assert_string_equal(str(item(pairs, 1), "raw"), "\"two words\"");
	assert_string_equal(str(item(pairs, 2), "value"), "$A");
	assert_string_equal(str(item(pairs, 3), "value"), "x y");
	assert_span_text(doc, item(pairs, 1)->span, "B=\"two words\"");
	struct plm_node *labels = get(instr(doc, 0, 2), "pairs");
	assert_string_equal(str(item(labels, 0), "name"), "com.example.vendor");
	assert_string_equal(str(item(labels, 0), "value"), "ACME");
	plm_doc_destroy(doc);
}

static void env_legacy_form_takes_the_rest_of_the_line(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nENV PATH /usr/local/bin:$PATH  x\n"
				    "LABEL maintainer someone@example.com\n");
	struct plm_node *pair = item(get(instr(doc, 0, 1), "pairs"), 0);
	assert_string_equal(str(pair, "name"), "PATH");
	assert_string_equal(str(pair, "raw"), "/usr/local/bin:$PATH  x");
	assert_string_equal(str(pair, "value"), "/usr/local/bin:  x");
	struct plm_node *label = item(get(instr(doc, 0, 2), "pairs"), 0);
	assert_string_equal(str(label, "value"), "someone@example.com");
	plm_doc_destroy(doc);
}

static void env_pair_without_equals_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nENV A=1 B\nENV C\n");
	assert_int_equal(diags(doc, "dockerfile/syntax"), 2);
	plm_doc_destroy(doc);
}

static void arg_with_and_without_defaults(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("ARG VERSION=1.2 FLAVOR\nFROM a\n"
				    "ARG VERSION\nARG USER=app\n");
	struct plm_node *global = item(get(doc->tree, "args"), 0);
	struct plm_node *pairs = get(global, "pairs");
	assert_string_equal(str(item(pairs, 0), "name"), "VERSION");
	assert_string_equal(str(item(pairs, 0), "value"), "1.2");
	assert_string_equal(str(item(pairs, 1), "name"), "FLAVOR");
	assert_true(is_null(item(pairs, 1), "value"));
	assert_string_equal(str(instr(doc, 0, 1), "keyword"), "ARG");
	plm_doc_destroy(doc);
}

static void expose_ports_ranges_and_protocols(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nEXPOSE 80 443/tcp 53/UDP "
				    "8000-8010/udp nope\n");
	struct plm_node *ports = get(instr(doc, 0, 1), "ports");
	assert_int_equal(plm_node_count(ports), 5);
	assert_int_equal(integer(item(ports, 0), "container"), 80);
	assert_string_equal(str(item(ports, 0), "protocol"), "tcp");
	assert_true(get(item(ports, 0), "protocol")->flags & PLM_NODE_IMPLICIT);
	assert_string_equal(str(item(ports, 2), "protocol"), "udp");
	assert_int_equal(integer(item(ports, 3), "container"), 8000);
	assert_int_equal(integer(item(ports, 3), "container_end"), 8010);
	assert_true(is_null(item(ports, 4), "container"));
	assert_int_equal(diags(doc, "dockerfile/invalid-port"), 1);
	assert_int_equal(plm_node_count(get(container(doc), "ports")), 5);
	plm_doc_destroy(doc);
}

static void copy_and_add_flags_sources_and_destination(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM golang AS build\nFROM alpine\n"
		"COPY --from=build --chown=1000:1000 --chmod=0755 --link "
		"--parents --exclude=*.md /src/a /src/b /dst/\n"
		"ADD --checksum=sha256:abc --keep-git-dir=true "
		"https://example.com/x.tgz /opt/\n"
		"COPY [\"a b\", \"/c d/\"]\n"
		"COPY --from=0 x y\n");
	struct plm_node *copy = instr(doc, 1, 1);
	assert_int_equal(plm_node_count(get(copy, "flags")), 6);
	assert_true(is_null(item(get(copy, "flags"), 3), "value"));
	assert_string_equal(seq_str(get(copy, "sources"), 1), "/src/b");
	assert_string_equal(str(copy, "destination"), "/dst/");
	assert_int_equal(integer(copy, "from_stage"), 0);
	struct plm_node *add = instr(doc, 1, 2);
	assert_string_equal(seq_str(get(add, "sources"), 0),
		"https://example.com/x.tgz");
	struct plm_node *json = instr(doc, 1, 3);
	assert_string_equal(str(json, "form"), "exec");
	assert_string_equal(seq_str(get(json, "sources"), 0), "a b");
	assert_string_equal(str(json, "destination"), "/c d/");
	assert_int_equal(integer(instr(doc, 1, 4), "from_stage"), 0);
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void copy_with_one_argument_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nCOPY onlyone\n");
	assert_int_equal(diags(doc, "dockerfile/missing-argument"), 1);
	plm_doc_destroy(doc);
}

static void volume_json_and_list_forms_become_mounts(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nVOLUME [\"/data\"]\n"
				    "VOLUME /var/log /var/db\n");
	assert_string_equal(str(instr(doc, 0, 1), "form"), "exec");
	struct plm_node *mounts = get(container(doc), "mounts");
	assert_int_equal(plm_node_count(mounts), 3);
	assert_string_equal(str(item(mounts, 0), "kind"), "volume");
	assert_string_equal(str(item(mounts, 2), "target"), "/var/db");
	assert_false(boolean(item(mounts, 2), "read_only"));
	plm_doc_destroy(doc);
}

static void user_with_group_is_split(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nUSER app:staff\n");
	struct plm_node *user = instr(doc, 0, 1);
	assert_string_equal(str(user, "user"), "app");
	assert_string_equal(str(user, "group"), "staff");
	struct plm_node *spec = get(container(doc), "user");
	assert_string_equal(str(spec, "text"), "app:staff");
	assert_false(boolean(spec, "root"));
	plm_doc_destroy(doc);
}

static void workdir_stopsignal_maintainer_take_one_argument(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nENV D=/srv\nWORKDIR $D/app\n"
				    "STOPSIGNAL SIGTERM\n"
				    "MAINTAINER Jane Doe <jane@example.com>\n");
	assert_string_equal(str(instr(doc, 0, 2), "path"), "/srv/app");
	assert_string_equal(str(instr(doc, 0, 2), "expanded"), "/srv/app");
	assert_string_equal(str(instr(doc, 0, 2), "text"), "$D/app");
	assert_string_equal(str(instr(doc, 0, 3), "signal"), "SIGTERM");
	assert_string_equal(seq_str(get(instr(doc, 0, 4), "args"), 0),
		"Jane Doe <jane@example.com>");
	plm_doc_destroy(doc);
}

static void onbuild_wraps_another_instruction(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nONBUILD RUN --mount=type=cache,"
				    "target=/c make\nONBUILD FROM x\n"
				    "ONBUILD USER root\n");
	struct plm_node *ob = instr(doc, 0, 1);
	struct plm_node *inner = get(ob, "instruction");
	assert_string_equal(str(inner, "keyword"), "RUN");
	assert_int_equal(plm_node_count(get(inner, "flags")), 1);
	assert_string_equal(seq_str(get(item(get(inner, "commands"), 0),
					    "argv"),
				    0),
		"make");
	assert_at(doc, inner->span, 2, 9);
	assert_int_equal(diags(doc, "dockerfile/onbuild"), 1);
	/* ONBUILD USER applies to images built FROM this one, not here. */
	assert_true(is_null(get(container(doc), "user"), "text"));
	plm_doc_destroy(doc);
}

static void healthcheck_none_cmd_and_options(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nHEALTHCHECK --interval=5s --timeout=3s --retries=3 "
		"--start-period=1s --start-interval=2s \\\n"
		"  CMD curl -f http://localhost/ || exit 1\n"
		"FROM b\nHEALTHCHECK CMD [\"/bin/check\", \"-q\"]\n"
		"FROM c\nHEALTHCHECK NONE\n");
	struct plm_node *hc = instr(doc, 0, 1);
	struct plm_node *opts = get(hc, "options");
	assert_string_equal(str(opts, "interval"), "5s");
	assert_string_equal(str(opts, "start_interval"), "2s");
	assert_int_equal(integer(opts, "retries"), 3);
	assert_string_equal(seq_str(get(hc, "command"), 0), "CMD-SHELL");
	assert_string_equal(seq_str(get(hc, "command"), 1),
		"curl -f http://localhost/ || exit 1");
	assert_int_equal(plm_node_count(get(hc, "commands")), 2);
	struct plm_node *exec = instr(doc, 1, 1);
	assert_string_equal(str(exec, "form"), "exec");
	assert_string_equal(seq_str(get(exec, "command"), 0), "CMD");
	assert_string_equal(seq_str(get(exec, "command"), 1), "/bin/check");
	struct plm_node *none = instr(doc, 2, 1);
	assert_true(boolean(none, "disabled"));
	struct plm_node *c = get(container(doc), "healthcheck");
	assert_true(boolean(c, "disabled"));
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void instruction_raw_and_spans_cover_continuations(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nRUN echo a \\\n  && echo b\nUSER x\n");
	struct plm_node *run = instr(doc, 0, 1);
	assert_string_equal(str(run, "raw"), "RUN echo a \\\n  && echo b");
	struct plm_region r = plm_doc_region(doc, run->span);
	assert_int_equal(r.start_line, 2);
	assert_int_equal(r.end_line, 3);
	assert_at(doc, get(run, "keyword")->span, 2, 1);
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keywords_are_case_insensitive_and_upper_cased),
		cmocka_unit_test(from_takes_platform_flag_and_stage_name),
		cmocka_unit_test(from_with_wrong_argument_count_is_reported),
		cmocka_unit_test(run_mount_network_security_flags_are_parsed),
		cmocka_unit_test(flag_values_lose_their_quotes),
		cmocka_unit_test(flag_values_with_variables_are_expanded),
		cmocka_unit_test(unknown_flag_is_reported),
		cmocka_unit_test(double_dash_ends_flags),
		cmocka_unit_test(cmd_and_entrypoint_exec_and_shell_forms),
		cmocka_unit_test(json_with_unicode_escapes_is_decoded),
		cmocka_unit_test(invalid_json_falls_back_to_shell_form),
		cmocka_unit_test(json_array_of_non_strings_is_an_error),
		cmocka_unit_test(
			shell_instruction_sets_the_shell_of_later_shell_forms),
		cmocka_unit_test(env_and_label_key_value_form_with_quotes),
		cmocka_unit_test(env_legacy_form_takes_the_rest_of_the_line),
		cmocka_unit_test(env_pair_without_equals_is_reported),
		cmocka_unit_test(arg_with_and_without_defaults),
		cmocka_unit_test(expose_ports_ranges_and_protocols),
		cmocka_unit_test(copy_and_add_flags_sources_and_destination),
		cmocka_unit_test(copy_with_one_argument_is_reported),
		cmocka_unit_test(volume_json_and_list_forms_become_mounts),
		cmocka_unit_test(user_with_group_is_split),
		cmocka_unit_test(
			workdir_stopsignal_maintainer_take_one_argument),
		cmocka_unit_test(onbuild_wraps_another_instruction),
		cmocka_unit_test(healthcheck_none_cmd_and_options),
		cmocka_unit_test(instruction_raw_and_spans_cover_continuations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

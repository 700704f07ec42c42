/*
 * tests/compose/test_compose.c - the Compose front end: name detection,
 * interpolation, .env, extends, multi-file merges, services to records.
 */
#include "../yaml/helpers.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compose/compose.h"
#include "engine/link.h"

static const char *const test_environ[] = {"SET=value", "EMPTY=",
	"TAG=1.25", "PRIV=true", NULL};

static struct plm_doc *build_with(const char *path, const char *text,
	const struct plm_compose_options *options)
{
	struct plm_doc *doc = doc_from(path, text, PLM_KIND_COMPOSE);
	assert_int_equal(plm_compose_build(doc, options), 0);
	return doc;
}

/* build_with, then the links the front end asked for (root: the compose
 * file's directory). */
static struct plm_doc *build_linked(const char *path, const char *text,
	const struct plm_compose_options *options)
{
	struct plm_doc *doc = build_with(path, text, options);
	assert_int_equal(plm_link_resolve(doc, NULL), 0);
	return doc;
}

static struct plm_doc *build(const char *text)
{
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	o.no_env_file = true;
	return build_with("/nonexistent/compose.yaml", text, &o);
}

/* A fresh temporary directory (path in a static buffer). */
static const char *temp_dir(void)
{
	static char dir[64];
	strcpy(dir, "/tmp/plm-compose-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_dir(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void compose_file_names_are_recognised(void **state)
{
	(void)state;
	assert_true(plm_compose_name_matches("compose.yaml"));
	assert_true(plm_compose_name_matches("compose.yml"));
	assert_true(plm_compose_name_matches("compose.prod.yaml"));
	assert_true(plm_compose_name_matches("compose.override.yml"));
	assert_true(plm_compose_name_matches("docker-compose.yml"));
	assert_true(plm_compose_name_matches("docker-compose.dev.yaml"));
	assert_true(plm_compose_name_matches("docker-compose-ci.yml"));
	assert_false(plm_compose_name_matches("compose.json"));
	assert_false(plm_compose_name_matches("mycompose.yaml"));
	assert_false(plm_compose_name_matches("deployment.yaml"));
}

/* One interpolated value: services.s.x */
static struct plm_node *interpolate_one(struct plm_doc **doc, const char *value)
{
	char text[512];
	snprintf(text, sizeof(text), "services:\n  s:\n    x: %s\n", value);
	*doc = build(text);
	return at((*doc)->tree, "0.services.s.x");
}

static void interpolation_of_every_form(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"${SET}", "value"}, {"$SET", "value"}, {"a${SET}b", "avalueb"},
		{"${UNSET}", ""},
		{"${UNSET:-d}", "d"}, {"${EMPTY:-d}", "d"}, {"${SET:-d}", "value"},
		{"${UNSET-d}", "d"}, {"${EMPTY-d}", ""}, {"${SET-d}", "value"},
		{"${SET:+r}", "r"}, {"${EMPTY:+r}", ""}, {"${UNSET:+r}", ""},
		{"${SET+r}", "r"}, {"${EMPTY+r}", "r"}, {"${UNSET+r}", ""},
		{"${SET:?e}", "value"}, {"${SET?e}", "value"},
		{"$$SET", "$SET"}, {"$${SET}", "${SET}"}, {"cost $5", "cost $5"},
		{"${UNSET:-${SET}}", "value"},
		{"${UNSET:-${ALSO_UNSET:-deep}}", "deep"},
		{"${UNSET:-a:b/c}", "a:b/c"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plm_doc *doc;
		struct plm_node *n = interpolate_one(&doc, cases[i].in);
		assert_non_null(n);
		if (strcmp(plm_node_str(n), cases[i].out) != 0) {
			fail_msg("%s gave \"%s\", expected \"%s\"", cases[i].in,
				plm_node_str(n), cases[i].out);
		}
		plm_doc_destroy(doc);
	}
}

static void interpolated_values_are_flagged_and_keep_their_text(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    image: \"nginx:${TAG}\"\n"
		"    literal: plain\n    escaped: $$HOME\n");
	struct plm_node *image = at(doc->tree, "0.services.s.image");
	assert_string_equal(plm_node_str(image), "nginx:1.25");
	assert_true(image->flags & PLM_NODE_INTERPOLATED);
	assert_string_equal(image->text, "\"nginx:${TAG}\"");
	assert_false(at(doc->tree, "0.services.s.literal")->flags &
		PLM_NODE_INTERPOLATED);
	/* $$ is an escape, not a variable */
	assert_false(at(doc->tree, "0.services.s.escaped")->flags &
		PLM_NODE_INTERPOLATED);
	assert_string_equal(str_at(doc->containers, "0.image.text"),
		"nginx:1.25");
	assert_true(at(doc->containers, "0.image.text")->flags &
		PLM_NODE_INTERPOLATED);
	plm_doc_destroy(doc);
}

static void required_variable_and_bad_syntax_are_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    a: ${UNSET:?must be set}\n"
		"    b: ${UNSET?gone}\n    c: ${SET:?x}\n    d: ${BAD\n"
		"    e: ${A B}\n");
	size_t required = 0, bad = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		required += strcmp(doc->diags[i].code,
				"compose/required-variable") == 0;
		bad += strcmp(doc->diags[i].code,
			       "compose/bad-interpolation") == 0;
	}
	assert_int_equal(required, 2);
	assert_int_equal(bad, 2);
	const struct plm_diag *d = diag_with(doc, "compose/required-variable");
	assert_non_null(strstr(d->message, "must be set"));
	assert_int_equal(line_of(doc, d->span), 3);
	plm_doc_destroy(doc);
}

static void unset_variable_is_a_note_once_per_variable(void **state)
{
	(void)state;
	struct plm_doc *doc = build("services:\n  s:\n    image: ${NOPE}\n"
		"    user: $NOPE\n    x: ${OTHER}\n");
	const struct plm_diag *d = diag_with(doc, "compose/unset-variable");
	assert_non_null(d);
	assert_int_equal(d->level, PLM_DIAG_NOTE);
	assert_int_equal(line_of(doc, d->span), 3);
	assert_int_equal(error_count(doc), 0);
	/* once per variable */
	assert_int_equal(doc->diag_count, 2);
	plm_doc_destroy(doc);
}

static void dotenv_beside_the_file_is_read_and_environment_wins(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], env[256];
	snprintf(env, sizeof(env), "%s/.env", dir);
	write_file(env, "# comment\nFROM_FILE=file\nexport QUOTED=\"a b\"\n"
		"SET=from-dotenv\nSINGLE='$NOT'\nREF=${FROM_FILE}-x\n"
		"INLINE=v # comment\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	const char *text = "services:\n  s:\n"
		"    a: $FROM_FILE\n    b: ${QUOTED}\n    c: $SET\n"
		"    d: $SINGLE\n    e: $REF\n    f: $INLINE\n";
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path, text, &o);
	struct plm_node *s = at(doc->tree, "0.services.s");
	assert_string_equal(str_at(s, "a"), "file");
	assert_string_equal(str_at(s, "b"), "a b");
	assert_string_equal(str_at(s, "c"), "value");
	assert_string_equal(str_at(s, "d"), "$NOT");
	assert_string_equal(str_at(s, "e"), "file-x");
	assert_string_equal(str_at(s, "f"), "v");
	plm_doc_destroy(doc);
	/* no_env_file leaves it out */
	o.no_env_file = true;
	doc = build_with(path, text, &o);
	assert_string_equal(str_at(doc->tree, "0.services.s.a"), "");
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void dotenv_variables_doubling_each_other_stop_at_the_limit(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], env[256];
	snprintf(env, sizeof(env), "%s/.env", dir);
	/* 2^64 copies of "lol" if nothing stopped it. */
	char text_env[sizeof("A=lol\n") + 64 * sizeof("A=${A}${A}\n")];
	size_t n = (size_t)snprintf(text_env, sizeof(text_env), "A=lol\n");
	for (int i = 0; i < 64; i++) {
		n += (size_t)snprintf(text_env + n, sizeof(text_env) - n,
			"A=${A}${A}\n");
	}
	write_file(env, text_env);
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path,
		"services:\n  s:\n    image: \"x:${A}${A}${A}\"\n", &o);
	const struct plm_diag *d = diag_with(doc, "limit/interpolation");
	assert_non_null(d);
	assert_int_equal(d->level, PLM_DIAG_ERROR);
	assert_non_null(strstr(d->message, ".env: line 20"));
	/* A keeps its last value within the limit (3 * 2^18 bytes); three
	 * of them in one string pass the limit again: cut there. */
	const char *image = str_at(doc->tree, "0.services.s.image");
	assert_int_equal(strlen(image), PLM_COMPOSE_MAX_INTERPOLATED);
	assert_int_equal(error_count(doc), 2);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void extends_in_the_same_file_inherits_and_own_values_win(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n"
		"  base:\n"
		"    image: base\n"
		"    privileged: true\n"          /* line 4 */
		"    cap_add: [NET_ADMIN]\n"
		"    command: [a]\n"
		"  web:\n"
		"    extends: base\n"
		"    image: web\n"
		"    cap_add: [SYS_TIME]\n"
		"    command: [b]\n"
		"  api:\n"
		"    extends: {service: web}\n");
	struct plm_node *web = at(doc->containers, "1");
	assert_string_equal(str_at(web, "name"), "web");
	assert_string_equal(str_at(web, "image.text"), "web");
	assert_true(at(web, "privileged")->as.boolean);
	assert_true(at(web, "privileged")->flags & PLM_NODE_INHERITED);
	assert_int_equal(line_of(doc, at(web, "privileged")->span), 4);
	assert_int_equal(plm_node_count(at(web, "capabilities.add")), 2);
	assert_string_equal(str_at(web, "command.0"), "b");
	assert_int_equal(plm_node_count(at(web, "command")), 1);
	struct plm_node *api = at(doc->containers, "2");
	assert_string_equal(str_at(api, "image.text"), "web");
	assert_true(at(api, "privileged")->as.boolean);
	assert_int_equal(error_count(doc), 0);
	plm_doc_destroy(doc);
}

static void extends_from_another_file_adds_a_source(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], other[256];
	snprintf(other, sizeof(other), "%s/common.yml", dir);
	write_file(other, "services:\n  db:\n    image: postgres:${TAG}\n"
		"    user: root\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path,
		"services:\n  db:\n    extends:\n      file: common.yml\n"
		"      service: db\n    read_only: true\n", &o);
	struct plm_node *c = at(doc->containers, "0");
	assert_string_equal(str_at(c, "image.text"), "postgres:1.25");
	assert_string_equal(str_at(c, "image.repository"), "postgres");
	assert_string_equal(str_at(c, "image.tag"), "1.25");
	assert_true(at(c, "image.tag")->flags & PLM_NODE_INTERPOLATED);
	assert_string_equal(str_at(c, "user.text"), "root");
	assert_true(at(c, "user.root")->as.boolean);
	assert_int_equal(at(c, "user.text")->span.source, 1);
	assert_true(at(c, "user.text")->flags & PLM_NODE_INHERITED);
	assert_true(at(c, "read_only_rootfs")->as.boolean);
	assert_int_equal(doc->source_count, 2);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void extends_from_another_directory_rebases_relative_paths(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], f[256];
	snprintf(f, sizeof(f), "%s/sub", dir);
	assert_int_equal(mkdir(f, 0700), 0);
	snprintf(f, sizeof(f), "%s/sub/app", dir);
	assert_int_equal(mkdir(f, 0700), 0);
	snprintf(f, sizeof(f), "%s/sub/app/Dockerfile", dir);
	write_file(f, "FROM alpine\nUSER 123\n");
	snprintf(f, sizeof(f), "%s/sub/vars.env", dir);
	write_file(f, "FROM_SUB=1\n");
	snprintf(f, sizeof(f), "%s/sub/common.yml", dir);
	write_file(f, "services:\n  base:\n    build: ./app\n"
		"    env_file: vars.env\n"
		"    volumes: [\"./data:/data\", \"named:/n\"]\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_linked(path,
		"services:\n  web:\n    extends: {file: sub/common.yml, "
		"service: base}\n    volumes: [\"./own:/own\"]\n", &o);
	struct plm_node *c = at(doc->containers, "0");
	assert_string_equal(str_at(c, "mounts.0.source"), "sub/data");
	assert_string_equal(str_at(c, "mounts.1.source"), "named");
	assert_string_equal(str_at(c, "mounts.2.source"), "./own");
	assert_string_equal(str_at(c, "env.0.name"), "FROM_SUB");
	assert_string_equal(str_at(c, "build.origin"), "dockerfile");
	assert_string_equal(str_at(c, "user.text"), "123");
	assert_int_equal(error_count(doc), 0);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void extends_cycles_and_missing_bases_are_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  a: {extends: b, image: a}\n"
		"  b: {extends: a, image: b}\n  c: {extends: nope}\n"
		"  d: {extends: {file: /nonexistent/x.yml, service: q}}\n");
	assert_int_equal(plm_node_count(doc->containers), 4);
	assert_non_null(diag_with(doc, "compose/extends-cycle"));
	assert_non_null(diag_with(doc, "compose/bad-extends"));
	assert_non_null(diag_with(doc, "compose/missing-file"));
	plm_doc_destroy(doc);
}

static const char merge_base[] =
	"services:\n  web:\n"
	"    image: web:1\n"
	"    command: [run, base]\n"
	"    dns: [1.1.1.1]\n"
	"    ports: [\"8080:80\", \"9000:9000\"]\n"
	"    volumes: [\"./a:/data\", \"logs:/logs\"]\n"
	"    environment: [A=1, B=2]\n"
	"    labels: {x: \"1\"}\n"
	"    cap_add: [NET_ADMIN]\n"
	"    healthcheck: {test: [CMD, a], interval: 5s}\n"
	"    privileged: true\n";

static struct plm_doc *merged(const char *override_text, const char **dir)
{
	*dir = temp_dir();
	char base[256], over[256];
	snprintf(base, sizeof(base), "%s/base.yml", *dir);
	snprintf(over, sizeof(over), "%s/over.yml", *dir);
	write_file(over, override_text);
	const char *overrides[] = {over};
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	o.override_paths = overrides;
	o.override_count = 1;
	return build_with(base, merge_base, &o);
}

static void override_file_merges_by_the_spec_rules(void **state)
{
	(void)state;
	const char *dir;
	struct plm_doc *doc = merged(
		"services:\n  web:\n"
		"    image: web:2\n"
		"    command: [run, over]\n"
		"    dns: [8.8.8.8]\n"
		"    ports: [\"8080:80\", \"7000:7000\"]\n"
		"    volumes: [\"./b:/data\"]\n"
		"    environment: {B: \"3\", C: \"4\"}\n"
		"    labels: [y=2]\n"
		"    healthcheck: {test: [CMD, b]}\n"
		"  extra:\n    image: extra\n", &dir);
	assert_int_equal(plm_node_count(doc->containers), 2);
	struct plm_node *c = at(doc->containers, "0");
	/* scalars: replaced, with the override's span */
	assert_string_equal(str_at(c, "image.text"), "web:2");
	assert_int_equal(at(c, "image.text")->span.source, 1);
	/* command: replaced, not appended */
	assert_int_equal(plm_node_count(at(c, "command")), 2);
	assert_string_equal(str_at(c, "command.1"), "over");
	/* ports: unique, so 8080:80 once */
	assert_int_equal(plm_node_count(at(c, "ports")), 3);
	/* volumes: unique by target, the override's source wins */
	struct plm_node *mounts = at(c, "mounts");
	assert_int_equal(plm_node_count(mounts), 2);
	bool found_b = false;
	for (size_t i = 0; i < plm_node_count(mounts); i++) {
		const char *src = str_at(mounts->as.seq.items[i], "source");
		assert_true(src == NULL || strcmp(src, "./a") != 0);
		found_b |= src != NULL && strcmp(src, "./b") == 0;
	}
	assert_true(found_b);
	/* environment: list and map merged as a map */
	struct plm_node *env = at(c, "env");
	assert_int_equal(plm_node_count(env), 3);
	assert_string_equal(str_at(env, "0.name"), "A");
	assert_string_equal(str_at(env, "1.value"), "3");
	assert_string_equal(str_at(env, "2.name"), "C");
	assert_string_equal(str_at(c, "healthcheck.test.1"), "b");
	assert_true(at(c, "privileged")->as.boolean);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void sequences_append_without_duplicates(void **state)
{
	(void)state;
	const char *dir;
	struct plm_doc *doc = merged(
		"services:\n  web:\n    cap_add: [NET_ADMIN, SYS_TIME]\n", &dir);
	struct plm_node *add = at(doc->containers, "0.capabilities.add");
	assert_int_equal(plm_node_count(add), 2);
	assert_string_equal(str_at(add, "1"), "SYS_TIME");
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void reset_and_override_tags_in_an_override_file(void **state)
{
	(void)state;
	const char *dir;
	struct plm_doc *doc = merged(
		"services:\n  web:\n    privileged: !reset null\n"
		"    ports: !override [\"1:1\"]\n    cap_add: !reset []\n", &dir);
	struct plm_node *c = at(doc->containers, "0");
	assert_true(at(c, "privileged")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(plm_node_count(at(c, "ports")), 1);
	assert_int_equal(plm_node_count(at(c, "capabilities.add")), 0);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void merging_huge_documents_stays_linear(void **state)
{
	(void)state;
	size_t keys = 50000;
	char *text = malloc(keys * 64 + 256);
	if (text == NULL) {
		abort();
	}
	size_t n = 0;
	for (int doc = 0; doc < 2; doc++) {
		n += (size_t)sprintf(text + n, "---\nservices:\n  s:\n"
			"    environment:\n");
		for (size_t i = 0; i < keys; i++) {
			n += (size_t)sprintf(text + n, "      K%zu: \"%d\"\n", i, doc);
		}
		n += (size_t)sprintf(text + n, "    volumes:\n");
		for (size_t i = 0; i < keys / 10; i++) {
			n += (size_t)sprintf(text + n, "      - ./v%zu:/v%zu\n", i, i);
		}
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_doc *doc = build(text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(text);
	assert_int_equal(plm_node_count(at(doc->containers, "0.env")), keys);
	assert_string_equal(str_at(doc->containers, "0.env.9.value"), "1");
	assert_int_equal(plm_node_count(at(doc->containers, "0.mounts")),
		keys / 10);
	double seconds = (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(seconds < 20.0);
	plm_doc_destroy(doc);
}

static void many_services_extending_one_stay_linear(void **state)
{
	(void)state;
	size_t n = 20000;
	char *text = malloc(n * 64 + 256);
	if (text == NULL) {
		abort();
	}
	size_t len = (size_t)sprintf(text, "services:\n  base: {image: b, "
		"environment: [A=1, B=2]}\n");
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(text + len,
			"  s%zu: {extends: base, user: \"%zu\"}\n", i, i);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_doc *doc = build(text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(text);
	assert_int_equal(plm_node_count(doc->containers), n + 1);
	assert_string_equal(str_at(doc->containers, "7.image.text"), "b");
	double seconds = (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(seconds < 20.0);
	plm_doc_destroy(doc);
}

static void default_override_file_is_merged(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], over[256];
	snprintf(over, sizeof(over), "%s/compose.override.yaml", dir);
	write_file(over, "services:\n  web:\n    privileged: true\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path,
		"services:\n  web:\n    image: x\n", &o);
	assert_true(at(doc->containers, "0.privileged")->as.boolean);
	assert_int_equal(at(doc->containers, "0.privileged")->span.source, 1);
	plm_doc_destroy(doc);
	/* a file with another name gets no default override */
	snprintf(path, sizeof(path), "%s/other.yaml", dir);
	doc = build_with(path, "services:\n  web:\n    image: x\n", &o);
	assert_int_equal(at(doc->containers, "0.privileged")->kind,
		PLM_NODE_NULL);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void include_pulls_in_services(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], inc[256];
	snprintf(inc, sizeof(inc), "%s/inc.yaml", dir);
	write_file(inc, "services:\n  db:\n    image: db\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path,
		"include:\n  - inc.yaml\nservices:\n  web:\n    image: x\n", &o);
	assert_int_equal(plm_node_count(doc->containers), 2);
	assert_string_equal(str_at(doc->containers, "0.name"), "db");
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void anchors_and_merge_keys_feed_services(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"x-defaults: &defaults\n  privileged: true\n  cap_drop: [ALL]\n"
		"services:\n  a:\n    <<: *defaults\n    image: a\n"
		"  b:\n    <<: *defaults\n    privileged: false\n");
	assert_true(at(doc->containers, "0.privileged")->as.boolean);
	assert_string_equal(str_at(doc->containers, "0.capabilities.drop.0"),
		"ALL");
	assert_false(at(doc->containers, "1.privileged")->as.boolean);
	plm_doc_destroy(doc);
}

static void service_security_fields(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n"
		"    user: \"1000:1000\"\n"
		"    privileged: ${PRIV}\n"
		"    read_only: true\n"
		"    cap_add: [cap_sys_admin]\n"
		"    cap_drop: [all]\n"
		"    security_opt:\n"
		"      - no-new-privileges:true\n"
		"      - seccomp=unconfined\n"
		"      - apparmor:docker-default\n"
		"      - label:type:svirt\n"
		"      - label:level:s0\n"
		"    network_mode: host\n    pid: host\n    ipc: shareable\n"
		"    userns_mode: host\n"
		"  t:\n    security_opt: [no-new-privileges:false]\n"
		"    network_mode: \"service:s\"\n");
	struct plm_node *s = at(doc->containers, "0");
	assert_string_equal(str_at(s, "user.text"), "1000:1000");
	assert_int_equal(at(s, "user.uid")->as.integer, 1000);
	assert_int_equal(at(s, "user.gid")->as.integer, 1000);
	assert_false(at(s, "user.root")->as.boolean);
	assert_true(at(s, "privileged")->as.boolean);
	assert_true(at(s, "privileged")->flags & PLM_NODE_INTERPOLATED);
	assert_true(at(s, "read_only_rootfs")->as.boolean);
	assert_string_equal(str_at(s, "capabilities.add.0"), "SYS_ADMIN");
	assert_string_equal(str_at(s, "capabilities.drop.0"), "ALL");
	assert_false(at(s, "allow_privilege_escalation")->as.boolean);
	assert_string_equal(str_at(s, "seccomp"), "unconfined");
	assert_string_equal(str_at(s, "apparmor"), "docker-default");
	assert_string_equal(str_at(s, "selinux.text"), "type:svirt,level:s0");
	assert_true(at(s, "host.network")->as.boolean);
	assert_true(at(s, "host.pid")->as.boolean);
	assert_false(at(s, "host.ipc")->as.boolean);
	assert_true(at(s, "host.users")->as.boolean);
	struct plm_node *t = at(doc->containers, "1");
	assert_true(at(t, "allow_privilege_escalation")->as.boolean);
	assert_false(at(t, "host.network")->as.boolean);
	assert_false(at(t, "host.pid")->as.boolean);
	assert_true(at(t, "host.pid")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(at(t, "host.users")->kind, PLM_NODE_NULL);
	plm_doc_destroy(doc);
}

static void unwritten_fields_point_at_the_service_key(void **state)
{
	(void)state;
	struct plm_doc *doc = build("services:\n  web:\n    image: x\n");
	struct plm_node *c = at(doc->containers, "0");
	struct plm_node *user = at(c, "user.text");
	assert_int_equal(user->kind, PLM_NODE_NULL);
	assert_true(user->flags & PLM_NODE_IMPLICIT);
	assert_string_equal(span_text(doc, user->span), "web");
	assert_string_equal(span_text(doc, at(c, "privileged")->span), "web");
	assert_string_equal(str_at(c, "origin"), "compose");
	assert_string_equal(str_at(c, "role"), "service");
	assert_string_equal(str_at(c, "workload.kind"), "Service");
	assert_int_equal(at(c, "build")->kind, PLM_NODE_NULL);
	plm_doc_destroy(doc);
}

static void volumes_short_long_and_tmpfs(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    volumes:\n"
		"      - /var/run/docker.sock:/var/run/docker.sock\n"
		"      - ./conf:/etc/conf:ro,z\n"
		"      - data:/data:rw\n"
		"      - /anonymous\n"
		"      - C:\\host:/win\n"
		"      - type: bind\n        source: /etc\n        target: /host-etc\n"
		"        read_only: true\n"
		"      - {type: volume, source: v, target: /v}\n"
		"      - {type: tmpfs, target: /t}\n"
		"    tmpfs: [/run, \"/tmp:size=64m\"]\n");
	struct plm_node *m = at(doc->containers, "0.mounts");
	assert_int_equal(plm_node_count(m), 10);
	assert_string_equal(str_at(m, "0.kind"), "bind");
	assert_string_equal(str_at(m, "0.source"), "/var/run/docker.sock");
	assert_false(at(m, "0.read_only")->as.boolean);
	assert_string_equal(str_at(m, "1.kind"), "bind");
	assert_true(at(m, "1.read_only")->as.boolean);
	assert_string_equal(str_at(m, "2.kind"), "volume");
	assert_false(at(m, "2.read_only")->as.boolean);
	assert_string_equal(str_at(m, "3.kind"), "volume");
	assert_int_equal(at(m, "3.source")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(m, "3.target"), "/anonymous");
	assert_string_equal(str_at(m, "4.kind"), "bind");
	assert_string_equal(str_at(m, "4.source"), "C:\\host");
	assert_string_equal(str_at(m, "4.target"), "/win");
	assert_string_equal(str_at(m, "5.source"), "/etc");
	assert_true(at(m, "5.read_only")->as.boolean);
	assert_string_equal(str_at(m, "6.kind"), "volume");
	assert_string_equal(str_at(m, "7.kind"), "tmpfs");
	assert_string_equal(str_at(m, "8.kind"), "tmpfs");
	assert_string_equal(str_at(m, "9.target"), "/tmp");
	plm_doc_destroy(doc);
}

static void ports_short_long_ranges_and_host_ips(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    ports:\n"
		"      - 80\n      - \"8080:80\"\n"
		"      - \"127.0.0.1:5000-5010:5000-5010/udp\"\n"
		"      - \"[::1]:6000:6000\"\n      - \"9090\"\n"
		"      - {target: 22, published: \"2222\", host_ip: 0.0.0.0,"
		" protocol: tcp}\n");
	struct plm_node *p = at(doc->containers, "0.ports");
	assert_int_equal(plm_node_count(p), 6);
	assert_int_equal(at(p, "0.container")->as.integer, 80);
	assert_int_equal(at(p, "0.host")->kind, PLM_NODE_NULL);
	assert_int_equal(at(p, "1.host")->as.integer, 8080);
	assert_int_equal(at(p, "2.container")->as.integer, 5000);
	assert_int_equal(at(p, "2.container_end")->as.integer, 5010);
	assert_int_equal(at(p, "2.host_end")->as.integer, 5010);
	assert_string_equal(str_at(p, "2.protocol"), "udp");
	assert_string_equal(str_at(p, "2.host_ip"), "127.0.0.1");
	assert_string_equal(str_at(p, "3.host_ip"), "::1");
	assert_int_equal(at(p, "3.host")->as.integer, 6000);
	assert_int_equal(at(p, "4.container")->as.integer, 9090);
	assert_int_equal(at(p, "5.container")->as.integer, 22);
	assert_int_equal(at(p, "5.host")->as.integer, 2222);
	assert_string_equal(str_at(p, "5.host_ip"), "0.0.0.0");
	plm_doc_destroy(doc);
}

static void command_entrypoint_environment_and_healthcheck(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n"
		"    command: sh -c 'apt-get update && apt-get install -y x'\n"
		"    entrypoint: [\"/bin/tini\", \"--\"]\n"
		"    environment:\n      A: 1\n      B:\n      C: \"x\"\n"
		"    healthcheck: {disable: true}\n"
		"    post_start: [{command: pip install x}]\n"
		"  t:\n    environment: [\"X=1=2\", Y]\n"
		"    healthcheck: {test: [\"NONE\"]}\n");
	struct plm_node *s = at(doc->containers, "0");
	assert_int_equal(plm_node_count(at(s, "command")), 3);
	assert_string_equal(str_at(s, "command.2"),
		"apt-get update && apt-get install -y x");
	assert_false(at(s, "shell_form.command")->as.boolean);
	assert_string_equal(str_at(s, "entrypoint.0"), "/bin/tini");
	assert_string_equal(str_at(s, "env.0.value"), "1");
	assert_int_equal(at(s, "env.1.value")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(s, "env.2.value"), "x");
	assert_true(at(s, "healthcheck.disabled")->as.boolean);
	assert_string_equal(str_at(s, "lifecycle.0.hook"), "post_start");
	assert_string_equal(str_at(s, "lifecycle.0.command.0"), "pip");
	struct plm_node *t = at(doc->containers, "1");
	assert_string_equal(str_at(t, "env.0.name"), "X");
	assert_string_equal(str_at(t, "env.0.value"), "1=2");
	assert_int_equal(at(t, "env.1.value")->kind, PLM_NODE_NULL);
	assert_true(at(t, "healthcheck.disabled")->as.boolean);
	plm_doc_destroy(doc);
}

static void yaml_1_2_keeps_yes_a_string_in_the_tree(void **state)
{
	(void)state;
	struct plm_doc *doc = build("services:\n  s:\n    x: yes\n    y: on\n");
	assert_string_equal(str_at(doc->tree, "0.services.s.x"), "yes");
	assert_string_equal(str_at(doc->tree, "0.services.s.y"), "on");
	plm_doc_destroy(doc);
}

static void legacy_v1_files_and_extension_fields(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"web:\n  image: nginx\n  privileged: true\nx-meta: {a: 1}\n"
		"other: {extends: web}\n");
	assert_int_equal(plm_node_count(doc->containers), 2);
	assert_non_null(diag_with(doc, "compose/v1-format"));
	assert_true(at(doc->containers, "1.privileged")->as.boolean);
	plm_doc_destroy(doc);
	doc = build("services:\n  x-not-a-service: {image: a}\n  s: {image: b}\n"
		"x-top: 1\n");
	assert_int_equal(plm_node_count(doc->containers), 1);
	plm_doc_destroy(doc);
}

static void build_links_the_dockerfile_and_its_user(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], sub[256], dockerfile[256];
	snprintf(sub, sizeof(sub), "%s/app", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(dockerfile, sizeof(dockerfile), "%s/app/Dockerfile", dir);
	write_file(dockerfile, "FROM alpine:3.19 AS base\nUSER 1000\n"
		"FROM base AS final\nUSER root\nCMD [\"run\"]\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_linked(path,
		"services:\n"
		"  a:\n    build: ./app\n"
		"  b:\n    build: {context: app, target: base}\n    user: \"0\"\n"
		"  c:\n    build:\n      dockerfile_inline: |\n"
		"        FROM busybox\n        USER nobody\n"
		"  d:\n    build: missing\n", &o);
	struct plm_node *a = at(doc->containers, "0");
	/* no user: of its own: the image's USER, flagged inherited */
	assert_string_equal(str_at(a, "build.origin"), "dockerfile");
	assert_string_equal(str_at(a, "user.text"), "root");
	assert_true(at(a, "user.root")->as.boolean);
	assert_true(at(a, "user")->flags & PLM_NODE_INHERITED);
	assert_int_equal(at(a, "user.text")->span.source, 1);
	struct plm_node *b = at(doc->containers, "1");
	/* its own user: wins; the target stage is the one linked */
	assert_string_equal(str_at(b, "user.text"), "0");
	assert_string_equal(str_at(b, "build.user.text"), "1000");
	struct plm_node *c = at(doc->containers, "2");
	assert_string_equal(str_at(c, "user.text"), "nobody");
	assert_false(at(c, "user.root")->as.boolean);
	/* an inline Dockerfile's spans land in the compose file, line by
	 * line */
	assert_int_equal(at(c, "user.text")->span.source, 0);
	assert_string_equal(span_text(doc, at(c, "user.text")->span), "nobody");
	assert_int_equal(line_of(doc, at(c, "build.user.text")->span), 11);
	assert_int_equal(at(doc->containers, "3.build")->kind, PLM_NODE_NULL);
	assert_non_null(diag_with(doc, "compose/missing-dockerfile"));
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void env_file_variables_come_before_environment(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], envf[256];
	snprintf(envf, sizeof(envf), "%s/app.env", dir);
	write_file(envf, "# settings\nA=from-file\nB=\"quoted value\"\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path,
		"services:\n  s:\n"
		"    env_file: [app.env, {path: optional.env, required: false}]\n"
		"    environment: {A: override}\n"
		"  t:\n    env_file: gone.env\n", &o);
	struct plm_node *env = at(doc->containers, "0.env");
	assert_int_equal(plm_node_count(env), 2);
	assert_string_equal(str_at(env, "0.name"), "A");
	assert_string_equal(str_at(env, "0.value"), "override");
	assert_string_equal(str_at(env, "1.value"), "quoted value");
	assert_int_equal(at(env, "1.value")->span.source, 1);
	assert_int_equal(line_of(doc, at(env, "1.value")->span), 3);
	const struct plm_diag *d = diag_with(doc, "compose/missing-env-file");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "gone.env"));
	assert_int_equal(d->level, PLM_DIAG_NOTE);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void broken_yaml_still_builds_what_it_can(void **state)
{
	(void)state;
	struct plm_doc *doc = build("services:\n  s: [\n");
	assert_non_null(diag_with(doc, "yaml/syntax"));
	assert_int_equal(plm_node_count(doc->containers), 0);
	plm_doc_destroy(doc);
	doc = build("services: 3\n");
	assert_non_null(diag_with(doc, "compose/bad-services"));
	plm_doc_destroy(doc);
	doc = build("- a\n");
	assert_non_null(diag_with(doc, "compose/not-a-map"));
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compose_file_names_are_recognised),
		cmocka_unit_test(interpolation_of_every_form),
		cmocka_unit_test(interpolated_values_are_flagged_and_keep_their_text),
		cmocka_unit_test(required_variable_and_bad_syntax_are_reported),
		cmocka_unit_test(unset_variable_is_a_note_once_per_variable),
		cmocka_unit_test(dotenv_beside_the_file_is_read_and_environment_wins),
		cmocka_unit_test(dotenv_variables_doubling_each_other_stop_at_the_limit),
		cmocka_unit_test(extends_in_the_same_file_inherits_and_own_values_win),
		cmocka_unit_test(extends_from_another_file_adds_a_source),
		cmocka_unit_test(extends_from_another_directory_rebases_relative_paths),
		cmocka_unit_test(extends_cycles_and_missing_bases_are_reported),
		cmocka_unit_test(override_file_merges_by_the_spec_rules),
		cmocka_unit_test(sequences_append_without_duplicates),
		cmocka_unit_test(reset_and_override_tags_in_an_override_file),
		cmocka_unit_test(merging_huge_documents_stays_linear),
		cmocka_unit_test(many_services_extending_one_stay_linear),
		cmocka_unit_test(default_override_file_is_merged),
		cmocka_unit_test(include_pulls_in_services),
		cmocka_unit_test(anchors_and_merge_keys_feed_services),
		cmocka_unit_test(service_security_fields),
		cmocka_unit_test(unwritten_fields_point_at_the_service_key),
		cmocka_unit_test(volumes_short_long_and_tmpfs),
		cmocka_unit_test(ports_short_long_ranges_and_host_ips),
		cmocka_unit_test(command_entrypoint_environment_and_healthcheck),
		cmocka_unit_test(yaml_1_2_keeps_yes_a_string_in_the_tree),
		cmocka_unit_test(legacy_v1_files_and_extension_fields),
		cmocka_unit_test(build_links_the_dockerfile_and_its_user),
		cmocka_unit_test(env_file_variables_come_before_environment),
		cmocka_unit_test(broken_yaml_still_builds_what_it_can),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

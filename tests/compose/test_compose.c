/*
 * tests/compose/test_compose.c - the Compose front end: name detection,
 * interpolation, .env, extends, multi-file merges, services to records.
 */
#include "../yaml/helpers.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plm_config.h"

#include "compose/compose.h"
#include "engine/link.h"

static const char *const test_environ[] = {"SET=value", "EMPTY=", "TAG=1.25",
	"PRIV=true", NULL};

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
		{"${SET}", "value"},
		{"$SET", "value"},
		{"a${SET}b", "avalueb"},
		{"${UNSET}", ""},
		{"${UNSET:-d}", "d"},
		{"${EMPTY:-d}", "d"},
		{"${SET:-d}", "value"},
		{"${UNSET-d}", "d"},
		{"${EMPTY-d}", ""},
		{"${SET-d}", "value"},
		{"${SET:+r}", "r"},
		{"${EMPTY:+r}", ""},
		{"${UNSET:+r}", ""},
		{"${SET+r}", "r"},
		{"${EMPTY+r}", "r"},
		{"${UNSET+r}", ""},
		{"${SET:?e}", "value"},
		{"${SET?e}", "value"},
		{"$$SET", "$SET"},
		{"$${SET}", "${SET}"},
		{"cost $5", "cost $5"},
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
	write_file(env,
		"# comment\nFROM_FILE=file\nexport QUOTED=\"a b\"\n"
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
	struct plm_doc *doc = build("services:\n"
				    "  base:\n"
				    "    image: base\n"
				    "    privileged: true\n" /* line 4 */
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
	write_file(other,
		"services:\n  db:\n    image: postgres:${TAG}\n"
		"    user: root\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path,
		"services:\n  db:\n    extends:\n      file: common.yml\n"
		"      service: db\n    read_only: true\n",
		&o);
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
	write_file(f,
		"services:\n  base:\n    build: ./app\n"
		"    env_file: vars.env\n"
		"    volumes: [\"./data:/data\", \"named:/n\"]\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_linked(path,
		"services:\n  web:\n    extends: {file: sub/common.yml, "
		"service: base}\n    volumes: [\"./own:/own\"]\n",
		&o);
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
	struct plm_doc *doc = merged("services:\n  web:\n"
				     "    image: web:2\n"
				     "    command: [run, over]\n"
				     "    dns: [8.8.8.8]\n"
				     "    ports: [\"8080:80\", \"7000:7000\"]\n"
				     "    volumes: [\"./b:/data\"]\n"
				     "    environment: {B: \"3\", C: \"4\"}\n"
				     "    labels: [y=2]\n"
				     "    healthcheck: {test: [CMD, b]}\n"
				     "  extra:\n    image: extra\n",
		&dir);
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
	struct plm_doc *doc =
		merged("services:\n  web:\n    cap_add: [NET_ADMIN, SYS_TIME]\n",
			&dir);
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
	struct plm_doc *doc =
		merged("services:\n  web:\n    privileged: !reset null\n"
		       "    ports: !override [\"1:1\"]\n    cap_add: !reset []\n",
			&dir);
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
		n += (size_t)sprintf(text + n,
			"---\nservices:\n  s:\n"
			"    environment:\n");
		for (size_t i = 0; i < keys; i++) {
			n += (size_t)sprintf(text + n, "      K%zu: \"%d\"\n",
				i, doc);
		}
		n += (size_t)sprintf(text + n, "    volumes:\n");
		for (size_t i = 0; i < keys / 10; i++) {
			n += (size_t)sprintf(text + n, "      - ./v%zu:/v%zu\n",
				i, i);
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
	size_t len = (size_t)sprintf(text,
		"services:\n  base: {image: b, "
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
		"include:\n  - inc.yaml\nservices:\n  web:\n    image: x\n",
		&o);
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

static size_t count_code(const struct plm_doc *doc, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		n += strcmp(doc->diags[i].code, code) == 0;
	}
	return n;
}

static void security_opt_in_the_kubernetes_shapes(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    image: x\n"
		"    security_opt:\n"
		"      - no-new-privileges\n"        /* line 5 */
		"      - seccomp:unconfined\n"       /* line 6 */
		"      - apparmor=my-profile\n"      /* line 7 */
		"      - label:type:svirt_t\n"       /* line 8 */
		"      - label=level:s0:c100,c200\n" /* line 9 */
		"      - label:disable\n"            /* line 10 */
		"      - systempaths=unconfined\n"   /* line 11 */
		"  t:\n    image: y\n"
		"    security_opt: [seccomp=/p/prof.json, apparmor:docker-default,"
		" seccomp=builtin, \"no-new-privileges=false\", label=user:u]\n");
	struct plm_node *s = at(doc->containers, "0");
	assert_false(at(s, "allow_privilege_escalation")->as.boolean);
	assert_int_equal(line_of(doc,
				 at(s, "allow_privilege_escalation")->span),
		5);
	assert_string_equal(str_at(s, "seccomp.type"), "Unconfined");
	assert_int_equal(at(s, "seccomp.profile")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(s, "seccomp.from"), "security_opt");
	assert_string_equal(span_text(doc, at(s, "seccomp")->span),
		"seccomp:unconfined");
	assert_string_equal(str_at(s, "apparmor.type"), "Localhost");
	assert_string_equal(str_at(s, "apparmor.profile"), "my-profile");
	assert_int_equal(line_of(doc, at(s, "apparmor")->span), 7);
	assert_string_equal(str_at(s, "selinux.type"), "svirt_t");
	assert_int_equal(line_of(doc, at(s, "selinux.type")->span), 8);
	assert_string_equal(str_at(s, "selinux.level"), "s0:c100,c200");
	assert_int_equal(at(s, "selinux.user")->kind, PLM_NODE_NULL);
	assert_true(at(s, "selinux.disabled")->as.boolean);
	assert_int_equal(line_of(doc, at(s, "selinux.disabled")->span), 10);
	assert_string_equal(str_at(s, "selinux.from"), "security_opt");
	assert_string_equal(str_at(s, "proc_mount"), "Unmasked");
	assert_int_equal(line_of(doc, at(s, "proc_mount")->span), 11);
	struct plm_node *t = at(doc->containers, "1");
	/* the last seccomp option wins, as in Docker */
	assert_string_equal(str_at(t, "seccomp.type"), "RuntimeDefault");
	assert_string_equal(str_at(t, "apparmor.type"), "RuntimeDefault");
	assert_true(at(t, "allow_privilege_escalation")->as.boolean);
	assert_string_equal(str_at(t, "selinux.user"), "u");
	assert_false(at(t, "selinux.disabled")->as.boolean);
	assert_true(at(t, "selinux.disabled")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(count_code(doc, "model/wrong-shape"), 0);
	plm_doc_destroy(doc);

	doc = build("services:\n  s:\n    image: x\n"
		    "    security_opt: [seccomp=/p/prof.json]\n");
	assert_string_equal(str_at(doc->containers, "0.seccomp.type"),
		"Localhost");
	assert_string_equal(str_at(doc->containers, "0.seccomp.profile"),
		"/p/prof.json");
	plm_doc_destroy(doc);
}

static void security_opt_of_the_wrong_shape_is_unknown(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    image: x\n"
		"    security_opt: \"x\"\n" /* line 4 */
		"  t:\n    image: y\n"
		"    security_opt: [no-new-privileges:maybe, seccomp, 5, label]\n");
	static const char *const fields[] = {"allow_privilege_escalation",
		"seccomp", "apparmor", "selinux"};
	struct plm_node *s = at(doc->containers, "0");
	for (size_t i = 0; i < 4; i++) {
		struct plm_node *f = plm_node_get(s, fields[i]);
		assert_int_equal(f->kind, PLM_NODE_NULL);
		assert_true(f->flags & PLM_NODE_UNKNOWN);
		assert_int_equal(line_of(doc, f->span), 4);
	}
	const struct plm_diag *d = diag_with(doc, "model/wrong-shape");
	assert_non_null(d);
	assert_int_equal(line_of(doc, d->span), 4);
	struct plm_node *t = at(doc->containers, "1");
	assert_true(
		at(t, "allow_privilege_escalation")->flags & PLM_NODE_UNKNOWN);
	assert_true(at(t, "seccomp")->flags & PLM_NODE_UNKNOWN);
	/* apparmor was not written: absent, not unknown */
	assert_false(at(t, "apparmor")->flags & PLM_NODE_UNKNOWN);
	assert_true(at(t, "apparmor")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(at(t, "selinux")->kind, PLM_NODE_NULL);
	/* one note for the string, four for t's items */
	assert_int_equal(count_code(doc, "model/wrong-shape"), 5);
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
	assert_string_equal(str_at(s, "seccomp.type"), "Unconfined");
	assert_string_equal(str_at(s, "apparmor.type"), "RuntimeDefault");
	assert_string_equal(str_at(s, "selinux.type"), "svirt");
	assert_string_equal(str_at(s, "selinux.level"), "s0");
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

static void port_protocols_are_lower_case_and_bad_items_noted(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    ports:\n"
		"      - \"127.0.0.1:8080:80/UDP\"\n" /* line 4 */
		"      - {target: 53, published: 53, protocol: SCTP}\n"
		"      - {target: \"${PORT:-81}\", published: \"8000-8010\"}\n"
		"      - [1]\n" /* line 7 */
		"  t:\n    ports: 80\n");
	struct plm_node *p = at(doc->containers, "0.ports");
	assert_int_equal(plm_node_count(p), 3);
	assert_string_equal(str_at(p, "0.protocol"), "udp");
	assert_false(at(p, "0.protocol")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(line_of(doc, at(p, "0.protocol")->span), 4);
	assert_string_equal(str_at(p, "0.host_ip"), "127.0.0.1");
	assert_int_equal(at(p, "0.host")->as.integer, 8080);
	assert_string_equal(str_at(p, "1.protocol"), "sctp");
	assert_string_equal(span_text(doc, at(p, "1.protocol")->span), "SCTP");
	/* an interpolated target reads as a number, as Compose reads it */
	assert_int_equal(at(p, "2.container")->kind, PLM_NODE_INT);
	assert_int_equal(at(p, "2.container")->as.integer, 81);
	assert_int_equal(at(p, "2.host")->as.integer, 8000);
	assert_int_equal(at(p, "2.host_end")->as.integer, 8010);
	assert_string_equal(str_at(p, "2.protocol"), "tcp");
	assert_true(at(p, "2.protocol")->flags & PLM_NODE_IMPLICIT);
	const struct plm_diag *d = diag_with(doc, "model/wrong-shape");
	assert_non_null(d);
	assert_int_equal(line_of(doc, d->span), 7);
	struct plm_node *t = at(doc->containers, "1.ports");
	assert_int_equal(t->kind, PLM_NODE_NULL);
	assert_true(t->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(count_code(doc, "model/wrong-shape"), 2);
	plm_doc_destroy(doc);
}

static void tmpfs_sizes_and_a_single_tmpfs_path(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n"
		"    tmpfs: /run:size=64m,mode=1777\n"
		"    volumes:\n"
		"      - {type: tmpfs, target: /cache, tmpfs: {size: 1000}}\n"
		"      - {type: tmpfs, target: /big, tmpfs: {size: big}}\n"
		"      - /data:/data\n"
		"  t:\n    tmpfs: [/tmp]\n");
	struct plm_node *m = at(doc->containers, "0.mounts");
	assert_int_equal(plm_node_count(m), 4);
	assert_string_equal(str_at(m, "0.kind"), "tmpfs");
	assert_int_equal(at(m, "0.size_limit")->as.integer, 1000);
	assert_int_equal(line_of(doc, at(m, "0.size_limit")->span), 5);
	assert_true(at(m, "1.size_limit")->flags & PLM_NODE_UNKNOWN);
	assert_null(plm_node_get(at(m, "2"), "size_limit"));
	assert_string_equal(str_at(m, "3.target"), "/run");
	assert_int_equal(at(m, "3.size_limit")->as.integer, 64 << 20);
	/* a single path is a list of one in the record */
	assert_string_equal(str_at(doc->containers, "0.tmpfs.0"),
		"/run:size=64m,mode=1777");
	assert_int_equal(count_code(doc, "model/wrong-shape"), 1);
	struct plm_node *t = at(doc->containers, "1.mounts.0");
	assert_int_equal(at(t, "size_limit")->kind, PLM_NODE_NULL);
	assert_true(at(t, "size_limit")->flags & PLM_NODE_IMPLICIT);
	plm_doc_destroy(doc);
}

static void runtime_settings_are_read_with_positions(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n  s:\n    image: x\n"
		"    deploy:\n      resources:\n"
		"        limits: {cpus: \"0.5\", memory: 512M, pids: 100}\n"
		"        reservations: {cpus: '0.25', memory: 128m}\n" /* 7 */
		"    mem_limit: 1g\n"
		"    restart: unless-stopped\n"
		"    devices: [\"/dev/fuse:/dev/fuse:rwm\"]\n" /* line 10 */
		"    ulimits:\n      nproc: 65535\n"
		"      nofile: {soft: 20000, hard: 40000}\n"
		"    secrets: [db_password, {source: s2, target: /run/s2}]\n"
		"    configs: [c1]\n" /* line 15 */
		"    profiles: [debug]\n"
		"    healthcheck: {test: curl -f http://x, interval: 30s}\n"
		"    network_mode: host\n    pid: host\n    ipc: host\n"
		"    cgroup: host\n    uts: host\n" /* lines 21, 22 */
		"    userns_mode: host\n"
		"    sysctls:\n      net.core.somaxconn: 1024\n" /* line 25 */
		"    runtime: runsc\n"
		"  t:\n    image: y\n"
		"    sysctls: [\"net.core.somaxconn=1024\", kernel.msgmax]\n"
		"    deploy: {resources: {limits: \"1g\"}}\n" /* line 30 */
		"    mem_limit: 2g\n    pids_limit: 50\n"
		"    cgroup: private\n"
		"  u:\n    image: z\n    sysctls: 5\n    ulimits: 7\n" /* 36 */
		"  p:\n    provider: {type: model}\n");
	assert_int_equal(plm_node_count(doc->containers), 3);
	struct plm_node *s = at(doc->containers, "0");
	assert_int_equal(at(s, "resources.limits.cpu")->as.integer, 500);
	assert_int_equal(at(s, "resources.limits.memory")->as.integer, 1 << 30);
	assert_int_equal(line_of(doc, at(s, "resources.limits.memory")->span),
		8);
	assert_int_equal(at(s, "resources.requests.cpu")->as.integer, 250);
	assert_int_equal(at(s, "resources.requests.memory")->as.integer,
		128 << 20);
	assert_int_equal(line_of(doc, at(s, "resources.requests.cpu")->span),
		7);
	assert_int_equal(at(s, "pids_limit")->as.integer, 100);
	assert_string_equal(str_at(s, "restart_policy"), "unless-stopped");
	assert_string_equal(str_at(s, "devices.0"), "/dev/fuse:/dev/fuse:rwm");
	assert_int_equal(line_of(doc, at(s, "devices.0")->span), 10);
	assert_string_equal(str_at(s, "ulimits.0.name"), "nproc");
	assert_int_equal(at(s, "ulimits.0.value")->as.integer, 65535);
	assert_int_equal(at(s, "ulimits.1.value.hard")->as.integer, 40000);
	assert_string_equal(str_at(s, "secrets.0"), "db_password");
	assert_string_equal(str_at(s, "secrets.1.target"), "/run/s2");
	assert_string_equal(str_at(s, "configs.0"), "c1");
	assert_string_equal(str_at(s, "profiles.0"), "debug");
	assert_string_equal(str_at(s, "healthcheck.test.0"), "CMD-SHELL");
	assert_string_equal(str_at(s, "healthcheck.test.1"),
		"curl -f http://x");
	assert_string_equal(str_at(s, "healthcheck.options.interval"), "30s");
	assert_int_equal(at(s, "healthcheck.options.retries")->kind,
		PLM_NODE_NULL);
	static const char *const host[] = {"host.network", "host.pid",
		"host.ipc", "host.cgroup", "host.uts", "host.users"};
	for (size_t i = 0; i < 6; i++) {
		assert_true(at(s, host[i])->as.boolean);
		assert_false(at(s, host[i])->flags & PLM_NODE_IMPLICIT);
	}
	assert_int_equal(line_of(doc, at(s, "host.cgroup")->span), 21);
	assert_int_equal(line_of(doc, at(s, "host.uts")->span), 22);
	assert_string_equal(str_at(s, "sysctls.0.name"), "net.core.somaxconn");
	assert_string_equal(str_at(s, "sysctls.0.value"), "1024");
	assert_int_equal(line_of(doc, at(s, "sysctls.0")->span), 25);
	assert_string_equal(str_at(s, "runtime_class"), "runsc");
	struct plm_node *t = at(doc->containers, "1");
	assert_string_equal(str_at(t, "sysctls.1.name"), "kernel.msgmax");
	assert_int_equal(at(t, "sysctls.1.value")->kind, PLM_NODE_NULL);
	assert_int_equal(line_of(doc, at(t, "sysctls.1")->span), 29);
	/* limits unknown, but mem_limit still fills the memory */
	assert_true(at(t, "resources.limits")->flags & PLM_NODE_UNKNOWN);
	assert_true(at(t, "resources.limits.cpu")->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(at(t, "resources.limits.memory")->as.integer,
		2LL << 30);
	assert_int_equal(at(t, "pids_limit")->as.integer, 50);
	assert_false(at(t, "host.cgroup")->as.boolean);
	assert_int_equal(at(t, "host.uts")->kind, PLM_NODE_NULL);
	struct plm_node *u = at(doc->containers, "2");
	assert_true(at(u, "sysctls")->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(line_of(doc, at(u, "sysctls")->span), 36);
	assert_true(at(u, "ulimits")->flags & PLM_NODE_UNKNOWN);
	/* limits "1g", sysctls 5, ulimits 7 */
	assert_int_equal(count_code(doc, "model/wrong-shape"), 3);
	plm_doc_destroy(doc);
}

static void service_lists_of_the_wrong_shape_are_unknown(void **state)
{
	(void)state;
	struct plm_doc *doc = build("services:\n  s:\n    image: x\n"
				    "    volumes: \"/a:/b\"\n" /* line 4 */
				    "    cap_add: NET_ADMIN\n"
				    "    cap_drop: [ALL]\n"
				    "    environment: 5\n"
				    "    command: 5\n"
				    "    entrypoint: [sh, -c]\n");
	struct plm_node *s = at(doc->containers, "0");
	static const char *const unknown[][2] = {{"mounts", "4"},
		{"capabilities.add", "5"}, {"env", "7"}, {"command", "8"}};
	for (size_t i = 0; i < 4; i++) {
		struct plm_node *f = at(s, unknown[i][0]);
		assert_int_equal(f->kind, PLM_NODE_NULL);
		assert_true(f->flags & PLM_NODE_UNKNOWN);
		assert_int_equal(line_of(doc, f->span),
			strtoul(unknown[i][1], NULL, 10));
	}
	assert_string_equal(str_at(s, "capabilities.drop.0"), "ALL");
	assert_string_equal(str_at(s, "entrypoint.1"), "-c");
	assert_int_equal(count_code(doc, "model/wrong-shape"), 4);
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
	doc = build(
		"services:\n  x-not-a-service: {image: a}\n  s: {image: b}\n"
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
	write_file(dockerfile,
		"FROM alpine:3.19 AS base\nUSER 1000\n"
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
		"  d:\n    build: missing\n",
		&o);
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
		"  t:\n    env_file: gone.env\n",
		&o);
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

/* ---- projects: spans after merging, override discovery, links ------- */

#define FIXTURES PLM_SOURCE_ROOT "/tests/compose/fixtures"

/* Builds a compose file read from disk, with its links made. */
static struct plm_doc *build_file(const char *path,
	const struct plm_compose_options *options,
	const struct plm_link_options *link)
{
	struct plm_source *src = NULL;
	assert_int_equal(plm_source_read(path, path, 0, &src), 0);
	struct plm_doc *doc = plm_doc_create_take(src, PLM_KIND_COMPOSE);
	assert_non_null(doc);
	assert_int_equal(plm_compose_build(doc, options), 0);
	assert_int_equal(plm_link_resolve(doc, link), 0);
	return doc;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The node is written in the file whose path ends with `file`, on line. */
static void assert_written_at(const struct plm_doc *doc,
	const struct plm_node *n, const char *file, unsigned line)
{
	assert_non_null(n);
	assert_true(n->span.source < doc->source_count);
	const char *path = doc->sources[n->span.source]->path;
	if (!ends_with(path, file) || line_of(doc, n->span) != line) {
		fail_msg("written at %s:%u, expected %s:%u", path,
			line_of(doc, n->span), file, line);
	}
}

static void override_values_keep_the_file_and_line_that_wrote_them(void **state)
{
	(void)state;
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_file(FIXTURES "/override/compose.yaml", &o,
		NULL);
	assert_int_equal(doc->source_count, 2);
	assert_int_equal(plm_node_count(doc->containers), 3);
	struct plm_node *web = at(doc->containers, "0");
	assert_string_equal(str_at(web, "name"), "web");
	/* the service key is the base's: unwritten fields point there */
	assert_written_at(doc, at(web, "name"), "/compose.yaml", 3);
	assert_written_at(doc, at(web, "read_only_rootfs"), "/compose.yaml", 3);
	assert_true(at(web, "read_only_rootfs")->flags & PLM_NODE_IMPLICIT);
	/* written only in the base */
	assert_written_at(doc, at(web, "user.text"), "/compose.yaml", 5);
	assert_written_at(doc, at(web, "privileged"), "/compose.yaml", 6);
	/* overridden: the override's value and line */
	assert_string_equal(str_at(web, "image.text"), "nginx:1.27");
	assert_written_at(doc, at(web, "image.text"), "/compose.override.yaml",
		7);
	/* merged lists: each item from its own file */
	struct plm_node *add = at(web, "capabilities.add");
	assert_int_equal(plm_node_count(add), 2);
	assert_string_equal(str_at(add, "0"), "NET_ADMIN");
	assert_written_at(doc, at(add, "0"), "/compose.yaml", 8);
	assert_string_equal(str_at(add, "1"), "SYS_TIME");
	assert_written_at(doc, at(add, "1"), "/compose.override.yaml", 9);
	struct plm_node *ports = at(web, "ports");
	assert_int_equal(plm_node_count(ports), 3);
	assert_int_equal(at(ports, "0.container")->as.integer, 80);
	assert_written_at(doc, at(ports, "0.container"), "/compose.yaml", 10);
	assert_int_equal(at(ports, "1.container")->as.integer, 9000);
	assert_written_at(doc, at(ports, "1.container"), "/compose.yaml", 11);
	assert_int_equal(at(ports, "2.container")->as.integer, 7000);
	assert_written_at(doc, at(ports, "2.container"),
		"/compose.override.yaml", 11);
	/* merged maps: each entry from its own file */
	struct plm_node *env = at(web, "env");
	assert_int_equal(plm_node_count(env), 2);
	assert_written_at(doc, at(env, "0.value"), "/compose.yaml", 13);
	assert_written_at(doc, at(env, "1.value"), "/compose.override.yaml",
		13);
	/* a service only the base declares, one only the override does */
	assert_written_at(doc, at(doc->containers, "1.name"), "/compose.yaml",
		14);
	assert_written_at(doc, at(doc->containers, "1.image.text"),
		"/compose.yaml", 15);
	assert_string_equal(str_at(doc->containers, "2.name"), "cache");
	assert_written_at(doc, at(doc->containers, "2.name"),
		"/compose.override.yaml", 14);
	assert_written_at(doc, at(doc->containers, "2.privileged"),
		"/compose.override.yaml", 14);
	plm_doc_destroy(doc);
}

static void extends_keeps_the_extending_service_key(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"services:\n"
		"  base:\n    image: b\n    environment: [A=1]\n"
		"  web:\n    extends: base\n    environment: [B=2]\n");
	struct plm_node *web = at(doc->containers, "1");
	assert_int_equal(line_of(doc, at(web, "name")->span), 5);
	assert_int_equal(line_of(doc, at(web, "privileged")->span), 5);
	assert_int_equal(line_of(doc, at(web, "image.text")->span), 3);
	assert_int_equal(line_of(doc, at(web, "env.0.value")->span), 4);
	assert_int_equal(line_of(doc, at(web, "env.1.value")->span), 7);
	plm_doc_destroy(doc);
}

static void default_and_override_names(void **state)
{
	(void)state;
	static const char *const defaults[] = {"compose.yaml", "compose.yml",
		"docker-compose.yaml", "docker-compose.yml"};
	static const char *const overrides[] = {"compose.override.yaml",
		"compose.override.yml", "docker-compose.override.yaml",
		"docker-compose.override.yml"};
	for (size_t i = 0; i < 4; i++) {
		assert_true(plm_compose_is_default_name(defaults[i]));
		assert_false(plm_compose_is_override_name(defaults[i]));
		assert_true(plm_compose_is_override_name(overrides[i]));
		assert_false(plm_compose_is_default_name(overrides[i]));
	}
	static const char *const neither[] = {"compose.prod.yaml",
		"docker-compose.dev.yml", "Compose.yaml", "compose.json",
		"override.yaml", "compose.override.json", "my-compose.yaml",
		"compose.yaml.bak", "", "docker-compose.override.yml.orig"};
	for (size_t i = 0; i < sizeof(neither) / sizeof(neither[0]); i++) {
		assert_false(plm_compose_is_default_name(neither[i]));
		assert_false(plm_compose_is_override_name(neither[i]));
	}
}

static void default_override_is_found_beside_its_base(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], f[256];
	char *over = (char *)"unset";
	/* none yet */
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	assert_int_equal(plm_compose_default_override(path, &over), 0);
	assert_null(over);
	/* compose-go's order: docker-compose.override.yaml, then .yml, then
	 * compose.override.yaml, then .yml win in turn, whatever the base's
	 * stem */
	static const char *const order[] = {"docker-compose.override.yaml",
		"docker-compose.override.yml", "compose.override.yaml",
		"compose.override.yml"};
	static const char *const bases[] = {"compose.yaml",
		"docker-compose.yml"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, order[i]);
		write_file(f, "services: {}\n");
		for (size_t b = 0; b < 2; b++) {
			snprintf(path, sizeof(path), "%s/%s", dir, bases[b]);
			assert_int_equal(plm_compose_default_override(path,
						 &over),
				0);
			assert_non_null(over);
			assert_string_equal(over, f);
			free(over);
		}
	}
	/* a directory is no file */
	remove_dir(dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(f, sizeof(f), "%s/compose.override.yml", dir);
	assert_int_equal(mkdir(f, 0700), 0);
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	assert_int_equal(plm_compose_default_override(path, &over), 0);
	assert_null(over);
	snprintf(f, sizeof(f), "%s/compose.override.yaml", dir);
	write_file(f, "services: {}\n");
	assert_int_equal(plm_compose_default_override(path, &over), 0);
	assert_non_null(over);
	assert_string_equal(over, f);
	free(over);
	/* another name has no default override, nor has an override */
	snprintf(path, sizeof(path), "%s/compose.prod.yaml", dir);
	assert_int_equal(plm_compose_default_override(path, &over), 0);
	assert_null(over);
	snprintf(path, sizeof(path), "%s/compose.override.yaml", dir);
	assert_int_equal(plm_compose_default_override(path, &over), 0);
	assert_null(over);
	/* a bare name is looked up in the working directory */
	assert_int_equal(plm_compose_default_override("compose.yaml", &over),
		0);
	if (over != NULL) {
		assert_string_equal(over, "compose.override.yaml");
		free(over);
	}
	/* no_default_override: the project layer names the files itself */
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	o.no_default_override = true;
	struct plm_doc *doc = build_with(path, "services:\n  web: {image: x}\n",
		&o);
	assert_int_equal(doc->source_count, 1);
	plm_doc_destroy(doc);
	o.no_default_override = false;
	doc = build_with(path, "services:\n  web: {image: x}\n", &o);
	assert_int_equal(doc->source_count, 2);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

/* A base + -f override pair written to a temporary directory. */
static struct plm_doc *pair(const char *base_text, const char *over_text,
	const char **dir)
{
	*dir = temp_dir();
	char over[256], base[256];
	snprintf(over, sizeof(over), "%s/over.yml", *dir);
	write_file(over, over_text);
	snprintf(base, sizeof(base), "%s/compose.yaml", *dir);
	const char *overrides[] = {over};
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	o.override_paths = overrides;
	o.override_count = 1;
	return build_with(base, base_text, &o);
}

/* The diagnostic with code is in the file ending with `file`, at line and
 * 1-based column. */
static void assert_diag_at(const struct plm_doc *doc, const char *code,
	const char *file, unsigned line, unsigned column)
{
	const struct plm_diag *d = diag_with(doc, code);
	if (d == NULL) {
		fail_msg("no %s diagnostic", code);
	}
	struct plm_region r = plm_doc_region(doc, d->span);
	const char *path = doc->sources[d->span.source]->path;
	if (!ends_with(path, file) || r.start_line != line ||
		r.start_column != column) {
		fail_msg("%s at %s:%u:%u, expected %s:%u:%u", code, path,
			r.start_line, r.start_column, file, line, column);
	}
}

static void projects_that_cannot_be_merged_are_diagnostics(void **state)
{
	(void)state;
	const char *dir;
	/* an override that is not a map: the base alone */
	struct plm_doc *doc = pair("services:\n  web: {image: x}\n",
		"# not a map\n- web\n", &dir);
	assert_diag_at(doc, "compose/not-a-map", "/over.yml", 2, 1);
	assert_int_equal(plm_node_count(doc->containers), 1);
	assert_string_equal(str_at(doc->containers, "0.image.text"), "x");
	plm_doc_destroy(doc);
	remove_dir(dir);
	/* a service that is a list in the override and a map in the base */
	doc = pair("services:\n  web: {image: x, privileged: true}\n"
		   "  db: {image: d}\n",
		"services:\n  db: {user: \"5\"}\n  web:\n    - image\n", &dir);
	assert_diag_at(doc, "compose/merge-conflict", "/over.yml", 4, 5);
	assert_int_equal(plm_node_count(doc->containers), 2);
	assert_true(at(doc->containers, "0.privileged")->as.boolean);
	assert_string_equal(str_at(doc->containers, "1.user.text"), "5");
	plm_doc_destroy(doc);
	remove_dir(dir);
	/* ... and the other way round: the override's map is kept */
	doc = pair("services:\n  web: [image]\n",
		"services:\n  web: {image: y}\n", &dir);
	assert_diag_at(doc, "compose/merge-conflict", "/compose.yaml", 2, 8);
	assert_string_equal(str_at(doc->containers, "0.image.text"), "y");
	plm_doc_destroy(doc);
	remove_dir(dir);
	/* services a map in one file and a list in the other */
	doc = pair("services:\n  web: {image: x}\n", "services:\n  - web\n",
		&dir);
	assert_diag_at(doc, "compose/merge-conflict", "/over.yml", 2, 3);
	assert_int_equal(plm_node_count(doc->containers), 1);
	plm_doc_destroy(doc);
	remove_dir(dir);
	/* an override that cannot be read */
	const char *missing[] = {"/nonexistent/over.yml"};
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	o.no_env_file = true;
	o.override_paths = missing;
	o.override_count = 1;
	doc = build_with("/nonexistent/compose.yaml",
		"services:\n  web: {image: x}\n", &o);
	assert_non_null(diag_with(doc, "compose/missing-file"));
	assert_int_equal(plm_node_count(doc->containers), 1);
	plm_doc_destroy(doc);
}

static void extends_that_cannot_be_resolved_are_diagnostics(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], f[256];
	/* a cycle through another file: reported where it closes, in that
	 * file */
	snprintf(f, sizeof(f), "%s/common.yml", dir);
	write_file(f,
		"services:\n  base:\n    image: b\n"
		"    extends: {file: compose.yaml, service: web}\n");
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	const char *text =
		"services:\n  web:\n    extends: {file: common.yml, "
		"service: base}\n    user: \"7\"\n  other: {image: o}\n";
	write_file(path, text);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path, text, &o);
	assert_diag_at(doc, "compose/extends-cycle", "/common.yml", 4, 5);
	assert_int_equal(plm_node_count(doc->containers), 2);
	assert_string_equal(str_at(doc->containers, "0.user.text"), "7");
	assert_string_equal(str_at(doc->containers, "1.image.text"), "o");
	plm_doc_destroy(doc);
	/* a cycle in one file: file:line:col of the extends key */
	doc = build_with(path,
		"services:\n  a:\n    extends: b\n"
		"  b:\n    image: b\n    extends: a\n",
		&o);
	assert_diag_at(doc, "compose/extends-cycle", "/compose.yaml", 3, 5);
	assert_int_equal(plm_node_count(doc->containers), 2);
	plm_doc_destroy(doc);
	/* a missing extends file: where it is named */
	doc = build_with(path,
		"services:\n  web:\n    image: w\n"
		"    extends: {file: gone.yml, service: base}\n",
		&o);
	assert_diag_at(doc, "compose/missing-file", "/compose.yaml", 4, 14);
	assert_string_equal(str_at(doc->containers, "0.image.text"), "w");
	plm_doc_destroy(doc);
	/* a file outside the tree (root: the compose file's directory) is
	 * not read, even when it exists */
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/compose.yaml", dir);
	doc = build_with(path,
		"services:\n  web:\n    image: w\n"
		"    extends: {file: ../common.yml, service: base}\n"
		"include:\n  - ../common.yml\n",
		&o);
	/* include: is read first */
	assert_diag_at(doc, "compose/file-outside-tree", "/compose.yaml", 6, 5);
	size_t outside = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		const struct plm_diag *d = &doc->diags[i];
		if (strcmp(d->code, "compose/file-outside-tree") == 0) {
			outside++;
			assert_int_equal(d->level, PLM_DIAG_WARNING);
		}
	}
	assert_int_equal(outside, 2);
	assert_int_equal(doc->source_count, 1);
	assert_string_equal(str_at(doc->containers, "0.image.text"), "w");
	plm_doc_destroy(doc);
	/* ... and is read when the root is the parent */
	o.root = dir;
	doc = build_with(path,
		"services:\n  web:\n"
		"    extends: {file: ../common.yml, service: base}\n",
		&o);
	assert_null(diag_with(doc, "compose/file-outside-tree"));
	/* common.yml, and the compose.yaml beside it that its base extends */
	assert_int_equal(doc->source_count, 3);
	assert_true(ends_with(doc->sources[1]->path, "/common.yml"));
	plm_doc_destroy(doc);
	/* a symbolic link in the tree to a file out of it is not read */
	char link[256];
	snprintf(link, sizeof(link), "%s/sub/common.yml", dir);
	assert_int_equal(symlink("../common.yml", link), 0);
	o.root = NULL;
	doc = build_with(path,
		"services:\n  web:\n"
		"    extends: {file: common.yml, service: base}\n",
		&o);
	assert_non_null(diag_with(doc, "compose/file-outside-tree"));
	assert_int_equal(doc->source_count, 1);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void env_files_and_overrides_out_of_the_tree_are_not_read(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], f[256];
	snprintf(f, sizeof(f), "%s/secret.env", dir);
	write_file(f, "TOKEN=outside\n");
	snprintf(f, sizeof(f), "%s/over.yaml", dir);
	write_file(f, "services:\n  web:\n    privileged: true\n");
	snprintf(f, sizeof(f), "%s/sub", dir);
	assert_int_equal(mkdir(f, 0700), 0);
	snprintf(f, sizeof(f), "%s/sub/local.env", dir);
	write_file(f, "LOCAL=inside\n");
	/* the default override, a symbolic link out of the tree */
	snprintf(f, sizeof(f), "%s/sub/compose.override.yaml", dir);
	assert_int_equal(symlink("../over.yaml", f), 0);
	snprintf(path, sizeof(path), "%s/sub/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	const char *text = "services:\n  web:\n    image: x\n"
			   "    env_file: [../secret.env, local.env]\n";
	struct plm_doc *doc = build_with(path, text, &o);
	struct plm_node *web = at(doc->containers, "0");
	assert_int_equal(plm_node_count(at(web, "env")), 1);
	assert_string_equal(str_at(web, "env.0.value"), "inside");
	assert_int_equal(at(web, "privileged")->kind, PLM_NODE_NULL);
	size_t outside = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		outside += strcmp(doc->diags[i].code,
				   "compose/file-outside-tree") == 0;
	}
	assert_int_equal(outside, 2);
	assert_null(diag_with(doc, "compose/missing-env-file"));
	plm_doc_destroy(doc);
	/* with the parent as the root both are read */
	o.root = dir;
	doc = build_with(path, text, &o);
	web = at(doc->containers, "0");
	assert_int_equal(plm_node_count(at(web, "env")), 2);
	assert_string_equal(str_at(web, "env.0.value"), "outside");
	assert_true(at(web, "privileged")->as.boolean);
	assert_null(diag_with(doc, "compose/file-outside-tree"));
	plm_doc_destroy(doc);
	/* an -f override is the user's choice: read wherever it is */
	o.root = NULL;
	snprintf(f, sizeof(f), "%s/over.yaml", dir);
	const char *overrides[] = {f};
	o.override_paths = overrides;
	o.override_count = 1;
	doc = build_with(path, "services:\n  web: {image: x}\n", &o);
	assert_true(at(doc->containers, "0.privileged")->as.boolean);
	plm_doc_destroy(doc);
	remove_dir(dir);
}

static void dotenv_is_the_base_files_also_for_an_override_elsewhere(
	void **state)
{
	(void)state;
	const char *overrides[] = {FIXTURES "/elsewhere/other/override.yaml"};
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	o.override_paths = overrides;
	o.override_count = 1;
	struct plm_doc *doc = build_file(FIXTURES
		"/elsewhere/base/compose.yaml",
		&o, NULL);
	struct plm_node *app = at(doc->containers, "0");
	/* the base file's .env, read once, serves the override too */
	assert_string_equal(str_at(app, "image.text"), "app:from-base-env");
	assert_string_equal(str_at(app, "env.0.name"), "TAG");
	assert_string_equal(str_at(app, "env.0.value"), "from-base-env");
	/* the override's own directory's .env is not read */
	assert_string_equal(str_at(app, "env.1.value"), "");
	const struct plm_diag *d = diag_with(doc, "compose/unset-variable");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "ONLY_IN_OTHER_ENV"));
	/* a default written in the file */
	assert_string_equal(str_at(app, "user.text"), "nobody");
	assert_int_equal(doc->source_count, 2);
	plm_doc_destroy(doc);
}

static void build_links_are_requests_the_engine_makes(void **state)
{
	(void)state;
	const char *dir = temp_dir();
	char path[256], f[256];
	snprintf(f, sizeof(f), "%s/app", dir);
	assert_int_equal(mkdir(f, 0700), 0);
	snprintf(f, sizeof(f), "%s/app/Dockerfile", dir);
	write_file(f, "FROM alpine\nUSER 1000\n");
	snprintf(f, sizeof(f), "%s/outside.Dockerfile", dir);
	write_file(f, "FROM alpine\nUSER 0\n");
	snprintf(f, sizeof(f), "%s/sub", dir);
	assert_int_equal(mkdir(f, 0700), 0);
	snprintf(f, sizeof(f), "%s/sub/app", dir);
	assert_int_equal(symlink("../app", f), 0);
	snprintf(f, sizeof(f), "%s/sub/escape", dir);
	assert_int_equal(symlink("..", f), 0);
	snprintf(path, sizeof(path), "%s/sub/compose.yaml", dir);
	struct plm_compose_options o = {0};
	o.environ = test_environ;
	struct plm_doc *doc = build_with(path,
		"services:\n"
		"  up:\n    build: {context: .., dockerfile: outside.Dockerfile}\n"
		"  abs:\n    build: {context: /, dockerfile: etc/passwd}\n"
		"  link:\n    build: app\n"
		"  esc:\n    build: escape/app\n"
		"  remote:\n    build: https://example.com/repo.git\n"
		"  gone:\n    build: nothing-here\n",
		&o);
	/* the front end only asks */
	assert_int_equal(doc->link_count, 6);
	assert_int_equal(doc->source_count, 1);
	assert_int_equal(doc->links[0].kind, PLM_LINK_BUILD);
	assert_ptr_equal(doc->links[0].record, at(doc->containers, "0"));
	assert_true(ends_with(doc->links[0].path, "/outside.Dockerfile"));
	assert_null(strstr(doc->links[0].path, "sub/.."));
	assert_int_equal(line_of(doc, doc->links[0].span), 3);
	assert_null(doc->links[4].path);
	assert_int_equal(at(doc->containers, "0.build")->kind, PLM_NODE_NULL);
	/* root NULL: the compose file's directory; nothing above it */
	assert_int_equal(plm_link_resolve(doc, NULL), 0);
	for (size_t i = 0; i < doc->link_count; i++) {
		assert_true(doc->links[i].resolved);
	}
	struct plm_node *c = doc->containers;
	assert_int_equal(at(c, "0.build")->kind, PLM_NODE_NULL);
	assert_int_equal(at(c, "1.build")->kind, PLM_NODE_NULL);
	/* through symbolic links: out of sub/, not read either */
	assert_int_equal(at(c, "2.build")->kind, PLM_NODE_NULL);
	assert_int_equal(at(c, "3.build")->kind, PLM_NODE_NULL);
	assert_int_equal(at(c, "4.build")->kind, PLM_NODE_NULL);
	assert_int_equal(at(c, "5.build")->kind, PLM_NODE_NULL);
	size_t outside = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		outside += strcmp(doc->diags[i].code,
				   "compose/build-outside-tree") == 0;
	}
	assert_int_equal(outside, 4);
	assert_diag_at(doc, "compose/build-outside-tree", "/compose.yaml", 3,
		5);
	assert_int_equal(diag_with(doc, "compose/build-outside-tree")->level,
		PLM_DIAG_NOTE);
	assert_diag_at(doc, "compose/remote-build", "/compose.yaml", 11, 5);
	assert_diag_at(doc, "compose/missing-dockerfile", "/compose.yaml", 13,
		5);
	assert_int_equal(doc->source_count, 1);
	/* a second call makes nothing twice */
	size_t diags = doc->diag_count;
	assert_int_equal(plm_link_resolve(doc, NULL), 0);
	assert_int_equal(doc->diag_count, diags);
	plm_doc_destroy(doc);
	/* with the parent as the root, what is inside it is read */
	struct plm_link_options lo = {dir, 0};
	doc = build_with(path,
		"services:\n"
		"  up:\n    build: {context: .., dockerfile: outside.Dockerfile}\n"
		"  abs:\n    build: {context: /, dockerfile: etc/passwd}\n"
		"  link:\n    build: app\n"
		"  esc:\n    build: escape/app\n",
		&o);
	assert_int_equal(plm_link_resolve(doc, &lo), 0);
	c = doc->containers;
	assert_string_equal(str_at(c, "0.build.user.text"), "0");
	assert_true(at(c, "0.user.root")->as.boolean);
	assert_true(at(c, "0.user")->flags & PLM_NODE_INHERITED);
	assert_written_at(doc, at(c, "0.user.text"), "/outside.Dockerfile", 2);
	assert_int_equal(at(c, "1.build")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(c, "2.build.user.text"), "1000");
	assert_string_equal(str_at(c, "3.build.user.text"), "1000");
	assert_int_equal(doc->links[0].source,
		at(c, "0.user.text")->span.source);
	assert_int_equal(doc->links[1].source, 0);
	outside = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		outside += strcmp(doc->diags[i].code,
				   "compose/build-outside-tree") == 0;
	}
	assert_int_equal(outside, 1);
	plm_doc_destroy(doc);
	/* a Dockerfile over the size limit is not read */
	lo.max_file_size = 8;
	doc = build_with(path, "services:\n  link:\n    build: app\n", &o);
	assert_int_equal(plm_link_resolve(doc, &lo), 0);
	assert_int_equal(at(doc->containers, "0.build")->kind, PLM_NODE_NULL);
	const struct plm_diag *d = diag_with(doc, "compose/missing-dockerfile");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "size limit"));
	plm_doc_destroy(doc);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compose_file_names_are_recognised),
		cmocka_unit_test(interpolation_of_every_form),
		cmocka_unit_test(
			interpolated_values_are_flagged_and_keep_their_text),
		cmocka_unit_test(required_variable_and_bad_syntax_are_reported),
		cmocka_unit_test(unset_variable_is_a_note_once_per_variable),
		cmocka_unit_test(
			dotenv_beside_the_file_is_read_and_environment_wins),
		cmocka_unit_test(
			dotenv_variables_doubling_each_other_stop_at_the_limit),
		cmocka_unit_test(
			extends_in_the_same_file_inherits_and_own_values_win),
		cmocka_unit_test(extends_from_another_file_adds_a_source),
		cmocka_unit_test(
			extends_from_another_directory_rebases_relative_paths),
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
		cmocka_unit_test(security_opt_in_the_kubernetes_shapes),
		cmocka_unit_test(security_opt_of_the_wrong_shape_is_unknown),
		cmocka_unit_test(unwritten_fields_point_at_the_service_key),
		cmocka_unit_test(volumes_short_long_and_tmpfs),
		cmocka_unit_test(ports_short_long_ranges_and_host_ips),
		cmocka_unit_test(service_lists_of_the_wrong_shape_are_unknown),
		cmocka_unit_test(
			port_protocols_are_lower_case_and_bad_items_noted),
		cmocka_unit_test(tmpfs_sizes_and_a_single_tmpfs_path),
		cmocka_unit_test(runtime_settings_are_read_with_positions),
		cmocka_unit_test(
			command_entrypoint_environment_and_healthcheck),
		cmocka_unit_test(yaml_1_2_keeps_yes_a_string_in_the_tree),
		cmocka_unit_test(legacy_v1_files_and_extension_fields),
		cmocka_unit_test(build_links_the_dockerfile_and_its_user),
		cmocka_unit_test(env_file_variables_come_before_environment),
		cmocka_unit_test(broken_yaml_still_builds_what_it_can),
		cmocka_unit_test(
			override_values_keep_the_file_and_line_that_wrote_them),
		cmocka_unit_test(extends_keeps_the_extending_service_key),
		cmocka_unit_test(default_and_override_names),
		cmocka_unit_test(default_override_is_found_beside_its_base),
		cmocka_unit_test(
			projects_that_cannot_be_merged_are_diagnostics),
		cmocka_unit_test(
			extends_that_cannot_be_resolved_are_diagnostics),
		cmocka_unit_test(
			env_files_and_overrides_out_of_the_tree_are_not_read),
		cmocka_unit_test(
			dotenv_is_the_base_files_also_for_an_override_elsewhere),
		cmocka_unit_test(build_links_are_requests_the_engine_makes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

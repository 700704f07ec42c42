/* plm_image_parse and plm_user_parse (core/model). */
#include "helpers.h"
#include "model/image.h"
#include "model/user.h"

static struct plm_node *image(struct plm_arena *a, const char *text)
{
	struct plm_node *out;
	assert_int_equal(plm_image_parse(a, text, strlen(text),
				 plm_span_make(0, 0), &out),
		0);
	return out;
}

static void expect_image(const char *text, const char *registry,
	const char *repository, const char *tag, const char *digest)
{
	struct plm_arena *a = plm_arena_create(0);
	struct plm_node *m = image(a, text);
	const char *want[] = {registry, repository, tag, digest};
	const char *keys[] = {"registry", "repository", "tag", "digest"};
	for (size_t k = 0; k < 4; k++) {
		struct plm_node *v = get(m, keys[k]);
		if (want[k] == NULL) {
			if (v->kind != PLM_NODE_NULL) {
				fail_msg("%s: %s is '%s', expected null", text,
					keys[k], plm_node_str(v));
			}
		} else if (v->kind != PLM_NODE_STRING ||
			strcmp(v->as.string.ptr, want[k]) != 0) {
			fail_msg("%s: %s is '%s', expected '%s'", text, keys[k],
				plm_node_str(v) ? plm_node_str(v) : "null",
				want[k]);
		}
	}
	assert_string_equal(str(m, "text"), text);
	plm_arena_destroy(a);
}

static void image_references_are_split(void **state)
{
	(void)state;
	expect_image("nginx", "docker.io", "nginx", NULL, NULL);
	expect_image("nginx:1.25-alpine", "docker.io", "nginx", "1.25-alpine",
		NULL);
	expect_image("library/nginx@sha256:abc", "docker.io", "library/nginx",
		NULL, "sha256:abc");
	expect_image("ghcr.io/org/app:v1@sha256:d", "ghcr.io", "org/app", "v1",
		"sha256:d");
	expect_image("localhost:5000/app", "localhost:5000", "app", NULL, NULL);
	expect_image("localhost/app:1", "localhost", "app", "1", NULL);
	expect_image("my-registry:5000/team/app:2", "my-registry:5000",
		"team/app", "2", NULL);
	expect_image("scratch", NULL, "scratch", NULL, NULL);
}

static void default_registry_is_flagged_implicit(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	struct plm_node *m = image(a, "alpine");
	assert_true(get(m, "registry")->flags & PLM_NODE_IMPLICIT);
	plm_arena_destroy(a);
}

static struct plm_node *user(struct plm_arena *a, const char *text)
{
	struct plm_node *out;
	assert_int_equal(plm_user_parse(a, text, text ? strlen(text) : 0,
				 plm_span_make(0, 0), &out),
		0);
	return out;
}

static void user_specs_are_classified(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	struct plm_node *u = user(a, "1000:1000");
	assert_int_equal(integer(u, "uid"), 1000);
	assert_int_equal(integer(u, "gid"), 1000);
	assert_false(boolean(u, "root"));
	u = user(a, "root");
	assert_true(boolean(u, "root"));
	assert_true(is_null(u, "uid"));
	assert_true(is_null(u, "group"));
	u = user(a, "0");
	assert_true(boolean(u, "root"));
	/* Every spelling the runtime's strconv.Atoi reads as 0. */
	static const char *const zeros[] = {"+0", "-0", "00", "000", "+000",
		"0000000000000000", "0:0", "+0:+0", "00:root", " 0 ", NULL};
	for (size_t i = 0; zeros[i] != NULL; i++) {
		u = user(a, zeros[i]);
		assert_true(boolean(u, "root"));
		assert_int_equal(integer(u, "uid"), 0);
	}
	u = user(a, "root:root");
	assert_true(boolean(u, "root"));
	/* Names, hex, a negative uid, spaces inside: not uid 0. */
	static const char *const others[] = {"0x0", "-1", "+", "+-0", "0 0",
		"00001000", "ROOT", "0_0", NULL};
	for (size_t i = 0; others[i] != NULL; i++) {
		u = user(a, others[i]);
		assert_false(boolean(u, "root"));
	}
	assert_int_equal(integer(user(a, "00001000"), "uid"), 1000);
	assert_int_equal(integer(user(a, "1000:-0"), "gid"), 0);
	assert_true(is_null(user(a, "-1"), "uid"));
	u = user(a, "www-data:www-data");
	assert_false(boolean(u, "root"));
	assert_string_equal(str(u, "name"), "www-data");
	assert_string_equal(str(u, "group"), "www-data");
	assert_true(is_null(u, "gid"));
	u = user(a, "${APP_UID}");
	assert_true(is_null(u, "root"));
	assert_true(is_null(u, "uid"));
	u = user(a, NULL);
	assert_true(is_null(u, "text"));
	assert_true(is_null(u, "root"));
	u = user(a, ":0");
	assert_true(is_null(u, "root"));
	assert_int_equal(integer(u, "gid"), 0);
	plm_arena_destroy(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(image_references_are_split),
		cmocka_unit_test(default_registry_is_flagged_implicit),
		cmocka_unit_test(user_specs_are_classified),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

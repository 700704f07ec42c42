#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/path.h"

static void check(const char *dir, const char *rel, const char *want)
{
	struct plm_arena *a = plm_arena_create(0);
	char *got = plm_path_join(a, dir, rel);
	assert_non_null(got);
	assert_string_equal(got, want);
	plm_arena_destroy(a);
}

static void join_removes_dot_and_dot_dot_segments(void **state)
{
	(void)state;
	check("examples/compose", "../dockerfile/Dockerfile",
		"examples/dockerfile/Dockerfile");
	check("a/b", "./c/./d", "a/b/c/d");
	check("a", "b/../../c", "c");
	check("a//b/", "c", "a/b/c");
}

static void join_keeps_leading_dot_dot_and_absolute_roots(void **state)
{
	(void)state;
	check("..", "../x", "../../x");
	check("a", "../../x", "../x");
	check("/srv", "../../etc/passwd", "/etc/passwd");
	check("/srv/app", "..", "/srv");
}

static void join_takes_absolute_and_home_paths_alone(void **state)
{
	(void)state;
	check("a/b", "/var/run/docker.sock", "/var/run/docker.sock");
	check("a/b", "~/.docker", "~/.docker");
}

static void join_with_current_directory_gives_dot_for_nothing(void **state)
{
	(void)state;
	check("", "Dockerfile", "Dockerfile");
	check(".", "./Dockerfile", "Dockerfile");
	check("", ".", ".");
	check("a", "..", ".");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(join_removes_dot_and_dot_dot_segments),
		cmocka_unit_test(join_keeps_leading_dot_dot_and_absolute_roots),
		cmocka_unit_test(join_takes_absolute_and_home_paths_alone),
		cmocka_unit_test(
			join_with_current_directory_gives_dot_for_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Golden tests: every built-in format renders each fixture variant
 * (tests/output/fixture.h) byte for byte as tests/golden/output/<format>/
 * <variant>.<ext> says. Run with PLM_UPDATE_GOLDEN=1 to rewrite the files
 * after an intended change, then review the diff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "output/output.h"
#include "plm_config.h"

static const char *extension(const char *format)
{
	if (strcmp(format, "sarif") == 0) {
		return "sarif";
	}
	if (strcmp(format, "json") == 0 || strcmp(format, "codeclimate") == 0) {
		return "json";
	}
	if (strcmp(format, "checkstyle") == 0 || strcmp(format, "junit") == 0) {
		return "xml";
	}
	return "txt";
}

/* The whole of a file, or NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	char *data = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *n = realloc(data, cap);
			assert_non_null(n);
			data = n;
		}
		size_t got = fread(data + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0) {
			break;
		}
	}
	fclose(f);
	return data;
}

/* Renders format in variant with the given fixture flags and compares
 * with its golden file; `suffix` names a non-default layout ("-color"). */
static void check_golden(const char *format, enum fixture_variant variant,
	unsigned flags, const char *suffix)
{
	const struct plm_output_plugin *plugin = NULL;
	for (const struct plm_output_plugin *const *b = plm_output_builtins();
		*b != NULL; b++) {
		if (strcmp((*b)->name, format) == 0) {
			plugin = *b;
		}
	}
	assert_non_null(plugin);
	char *actual = NULL;
	size_t actual_len = 0;
	FILE *out = open_memstream(&actual, &actual_len);
	assert_non_null(out);
	int rc = fixture_run(plugin, out, variant, flags);
	fclose(out);
	assert_int_equal(rc, 0);

	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/golden/output/%s/%s%s.%s",
		PLM_SOURCE_ROOT, format, fixture_variant_name(variant), suffix,
		extension(format));
	const char *update = getenv("PLM_UPDATE_GOLDEN");
	if (update != NULL && update[0] != '\0') {
		FILE *g = fopen(path, "wb");
		assert_non_null(g);
		fwrite(actual, 1, actual_len, g);
		fclose(g);
		free(actual);
		return;
	}
	size_t expected_len = 0;
	char *expected = slurp(path, &expected_len);
	if (expected == NULL) {
		free(actual);
		fail_msg("missing golden file %s (PLM_UPDATE_GOLDEN=1 writes it)",
			path);
	}
	bool same = expected_len == actual_len &&
		memcmp(expected, actual, actual_len) == 0;
	if (!same) {
		char got[1100];
		snprintf(got, sizeof(got), "%s.actual",
			path + strlen(PLM_SOURCE_ROOT) + 1);
		for (char *p = got; *p != '\0'; p++) {
			if (*p == '/') {
				*p = '_';
			}
		}
		FILE *g = fopen(got, "wb");
		if (g != NULL) {
			fwrite(actual, 1, actual_len, g);
			fclose(g);
		}
		print_error("%s differs; this run's output is in %s\n", path,
			got);
	}
	free(expected);
	free(actual);
	assert_true(same);
}

#define GOLDEN(format) \
	static void format##_default(void **state) \
	{ \
		(void)state; \
		check_golden(#format, FIXTURE_DEFAULT, FIXTURE_PRETTY, ""); \
	} \
	static void format##_include_suppressed(void **state) \
	{ \
		(void)state; \
		check_golden(#format, FIXTURE_INCLUDE_SUPPRESSED, \
			FIXTURE_PRETTY, ""); \
	} \
	static void format##_clean(void **state) \
	{ \
		(void)state; \
		check_golden(#format, FIXTURE_CLEAN, FIXTURE_PRETTY, ""); \
	}

GOLDEN(sarif)
GOLDEN(json)
GOLDEN(text)
GOLDEN(gnu)
GOLDEN(github)
GOLDEN(checkstyle)
GOLDEN(junit)
GOLDEN(codeclimate)

static void text_default_color(void **state)
{
	(void)state;
	check_golden("text", FIXTURE_DEFAULT, FIXTURE_COLOR | FIXTURE_PRETTY,
		"-color");
}

/* What plimsoll writes unless asked to be pretty: compact SARIF. */
static void sarif_default_compact(void **state)
{
	(void)state;
	check_golden("sarif", FIXTURE_DEFAULT, 0, "-compact");
}

#define CASES(format) \
	cmocka_unit_test(format##_default), \
		cmocka_unit_test(format##_include_suppressed), \
		cmocka_unit_test(format##_clean)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASES(sarif),
		CASES(json),
		CASES(text),
		CASES(gnu),
		CASES(github),
		CASES(checkstyle),
		CASES(junit),
		CASES(codeclimate),
		cmocka_unit_test(text_default_color),
		cmocka_unit_test(sarif_default_compact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * core/output/linehash: GitHub's primaryLocationLineHash. The expected
 * values are worked out from the algorithm's closed form, not by running
 * it: a line's raw hash is sum(u[k] * 37^(99-k)) mod 2^64 over the 100
 * UTF-16 units from the line's first one, spaces and tabs skipped, CR/CRLF
 * read as LF, 65535 after the last unit and 0 after that. For example
 * "a" alone is 97*37^99 + 65535*37^98. (linehash-reference.js, run by the
 * golden suite, cross-checks whole files against the published steps.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "output/linehash.h"

/* Asserts the value of every line of text, given as a NULL-ended list. */
static void expect_lines(const char *text, size_t len,
	const char *const *expected)
{
	struct plm_line_hashes h;
	assert_int_equal(plm_line_hashes_compute(text, len, &h), 0);
	uint32_t n = 0;
	while (expected[n] != NULL) {
		n++;
	}
	assert_int_equal(h.count, n);
	char buf[PLM_LINE_HASH_SIZE];
	for (uint32_t i = 0; i < n; i++) {
		assert_true(plm_line_hashes_format(&h, i + 1, buf));
		assert_string_equal(buf, expected[i]);
	}
	assert_false(plm_line_hashes_format(&h, n + 1, buf));
	assert_string_equal(buf, "");
	assert_false(plm_line_hashes_format(&h, 0, buf));
	plm_line_hashes_finish(&h);
}

#define EXPECT(text, ...) \
	expect_lines(text, sizeof(text) - 1, \
		(const char *const[]){__VA_ARGS__, NULL})

static void one_line_without_newline(void **state)
{
	(void)state;
	EXPECT("a", "53b5d4aabe50d64:1");
}

static void trailing_newline_adds_an_end_of_file_line(void **state)
{
	(void)state;
	EXPECT("a\n", "243cbaa4685aab12:1", "c129715d7a2bc9a3:1");
}

static void empty_file_has_one_line(void **state)
{
	(void)state;
	EXPECT("", "c129715d7a2bc9a3:1");
}

static void spaces_and_tabs_are_skipped(void **state)
{
	(void)state;
	EXPECT("ab\n", "882bbb3d8de7a640:1", "c129715d7a2bc9a3:1");
	EXPECT("  a\tb \n", "882bbb3d8de7a640:1", "c129715d7a2bc9a3:1");
}

static void crlf_and_cr_count_as_lf(void **state)
{
	(void)state;
	EXPECT("a\nb", "c74339777b6a2c60:1", "8ee5a81e681643c1:1");
	EXPECT("a\r\nb", "c74339777b6a2c60:1", "8ee5a81e681643c1:1");
	EXPECT("a\rb", "c74339777b6a2c60:1", "8ee5a81e681643c1:1");
}

static void non_ascii_is_hashed_as_utf16_units(void **state)
{
	(void)state;
	EXPECT("\xC3\xA9", "27b31dc6a609eecc:1");         /* U+00E9 */
	EXPECT("\xF0\x9F\x98\x80", "56e41eb4cc943584:1"); /* a surrogate pair */
	EXPECT("\xFF", "8989dec65f08d110:1");             /* U+FFFD */
}

/* Lines whose next 100 units are the same hash the same: the value
 * counts them. */
static void repeated_windows_count_occurrences(void **state)
{
	(void)state;
	char text[4 * 121 + 1];
	for (int line = 0; line < 4; line++) {
		memset(text + line * 121, 'a', 120);
		text[line * 121 + 120] = '\n';
	}
	text[4 * 121] = '\0';
	struct plm_line_hashes h;
	assert_int_equal(plm_line_hashes_compute(text, 4 * 121, &h), 0);
	assert_int_equal(h.count, 5);
	char buf[PLM_LINE_HASH_SIZE];
	/* sum(97 * 37^k, k = 0..99) mod 2^64 */
	const char *const want[] = {"871f6af4d0d4dd7c:1", "871f6af4d0d4dd7c:2",
		"871f6af4d0d4dd7c:3", "871f6af4d0d4dd7c:4",
		"c129715d7a2bc9a3:1"};
	for (uint32_t i = 0; i < 5; i++) {
		assert_true(plm_line_hashes_format(&h, i + 1, buf));
		assert_string_equal(buf, want[i]);
	}
	plm_line_hashes_finish(&h);
}

/* The text is printf's "%" PRIx64 ":%" PRIu32 whatever the hash and the
 * occurrence: no leading zeros, every digit of the largest values. */
static void format_is_printfs_for_any_value(void **state)
{
	(void)state;
	static const uint64_t hashes[] = {0, 1, 0xf, 0x10,
		0x0123456789abcdefULL, 0x8000000000000000ULL, UINT64_MAX};
	static const uint32_t occurrences[] = {1, 9, 10, 4096, UINT32_MAX};
	const size_t nh = sizeof(hashes) / sizeof(hashes[0]);
	const size_t no = sizeof(occurrences) / sizeof(occurrences[0]);
	uint64_t hash[sizeof(hashes) / sizeof(hashes[0]) *
		(sizeof(occurrences) / sizeof(occurrences[0]))];
	uint32_t occurrence[sizeof(hash) / sizeof(hash[0])];
	for (size_t i = 0; i < nh; i++) {
		for (size_t j = 0; j < no; j++) {
			hash[i * no + j] = hashes[i];
			occurrence[i * no + j] = occurrences[j];
		}
	}
	struct plm_line_hashes h = {.hash = hash,
		.occurrence = occurrence,
		.count = (uint32_t)(nh * no)};
	for (uint32_t line = 1; line <= h.count; line++) {
		char buf[PLM_LINE_HASH_SIZE], want[PLM_LINE_HASH_SIZE];
		snprintf(want, sizeof(want), "%" PRIx64 ":%" PRIu32,
			hash[line - 1], occurrence[line - 1]);
		assert_true(plm_line_hashes_format(&h, line, buf));
		assert_string_equal(buf, want);
	}
}

static void fill_sets_the_hash_of_each_finding_of_the_file(void **state)
{
	(void)state;
	struct plm_arena *arena = plm_arena_create(0);
	assert_non_null(arena);
	struct plm_finding f[4] = {
		{.path = "Dockerfile", .region = {2, 1, 2, 2, 2, 3}},
		{.path = "other.yaml", .region = {1, 1, 1, 2, 0, 1}},
		{.path = "Dockerfile", .region = {0, 0, 0, 0, 0, 0}},
		{.path = "Dockerfile",
			.region = {1, 1, 1, 2, 0, 1},
			.line_hash = "kept:1"},
	};
	assert_int_equal(plm_line_hashes_fill(f, 4, "Dockerfile", "a\nb", 3,
				 arena),
		0);
	assert_string_equal(f[0].line_hash, "8ee5a81e681643c1:1");
	assert_null(f[1].line_hash);
	assert_string_equal(f[2].line_hash, "c74339777b6a2c60:1");
	assert_string_equal(f[3].line_hash, "kept:1");
	plm_arena_destroy(arena);
}

static void finish_accepts_a_zeroed_struct(void **state)
{
	(void)state;
	struct plm_line_hashes h = {0};
	plm_line_hashes_finish(&h);
	plm_line_hashes_finish(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_line_without_newline),
		cmocka_unit_test(trailing_newline_adds_an_end_of_file_line),
		cmocka_unit_test(empty_file_has_one_line),
		cmocka_unit_test(spaces_and_tabs_are_skipped),
		cmocka_unit_test(crlf_and_cr_count_as_lf),
		cmocka_unit_test(non_ascii_is_hashed_as_utf16_units),
		cmocka_unit_test(repeated_windows_count_occurrences),
		cmocka_unit_test(format_is_printfs_for_any_value),
		cmocka_unit_test(
			fill_sets_the_hash_of_each_finding_of_the_file),
		cmocka_unit_test(finish_accepts_a_zeroed_struct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

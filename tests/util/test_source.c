/*
 * Line and column computation: the checkpointed walk gives exactly what a
 * walk from the start of the line gives, on short and very long lines,
 * valid UTF-8 or not, CR-only, CRLF and LF endings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/source.h"

static int continuation(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

/* The definitions, walked from the line start. */
static uint32_t naive_column(const struct plm_source *s, uint32_t offset,
	bool utf16)
{
	uint32_t line = plm_source_line_of(s, offset);
	uint32_t col = 1;
	for (uint32_t i = s->line_starts[line]; i < offset; i++) {
		unsigned char b = (unsigned char)s->bytes[i];
		col += !continuation(b) + (utf16 && b >= 0xF0);
	}
	return col;
}

static uint32_t naive_offset_at(const struct plm_source *s, uint32_t line,
	uint32_t column)
{
	size_t len;
	const char *p = plm_source_line(s, line, &len);
	size_t i = 0;
	while (column > 0 && i < len) {
		i++;
		while (i < len && continuation((unsigned char)p[i])) {
			i++;
		}
		column--;
	}
	return (uint32_t)((p - s->bytes) + i);
}

/* Random text: mostly one long line, some short ones, multi-byte
 * characters, stray continuation bytes and 4-byte sequences. */
static char *random_text(unsigned seed, size_t len)
{
	static const char *const pieces[] = {"a", "b", " ", "\xc3\xa9",
		"\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xbf", "\n",
		"\r\n", "{", "\"k\":"};
	char *t = malloc(len + 8);
	assert_non_null(t);
	size_t n = 0;
	srand(seed);
	while (n < len) {
		int r = rand() % 1000;
		const char *p = r < 2
			? pieces[8 + (r & 1)]
			: pieces[rand() % 8 == 0 ? 6 + rand() % 2
					  : (rand() % 12 + 12) % 12 == 8
					  ? 0
					  : rand() % 12 % 8];
		size_t k = strlen(p);
		memcpy(t + n, p, k);
		n += k;
	}
	return t;
}

static void columns_match_a_walk_from_the_line_start(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 6; seed++) {
		size_t len = seed * 3000;
		char *text = random_text(seed, len);
		struct plm_source *s = plm_source_create("t", text, len);
		assert_non_null(s);
		for (uint32_t a = 0; a <= s->len; a += 1 + (a % 7)) {
			uint32_t b = a + (uint32_t)((a * 31) % 900);
			if (b > s->len) {
				b = (uint32_t)s->len;
			}
			for (int utf16 = 0; utf16 < 2; utf16++) {
				struct plm_region r = utf16
					? plm_source_region_utf16(s, a, b)
					: plm_source_region(s, a, b);
				assert_int_equal(r.start_line,
					plm_source_line_of(s, a) + 1);
				assert_int_equal(r.start_column,
					naive_column(s, a, utf16));
				assert_int_equal(r.end_column == 0, 0);
				/* (an empty region on one line gets one column) */
				if (r.end_offset == b &&
					(r.end_line != r.start_line ||
						naive_column(s, b, utf16) >
							r.start_column)) {
					assert_int_equal(r.end_column,
						naive_column(s, b, utf16));
				}
			}
		}
		for (uint32_t line = 0; line < s->line_count; line++) {
			size_t n;
			(void)plm_source_line(s, line, &n);
			for (uint32_t c = 0; c <= n + 2; c += 1 + (c % 13)) {
				assert_int_equal(plm_source_offset_at(s, line,
							 c),
					naive_offset_at(s, line, c));
			}
		}
		plm_source_destroy(s);
		free(text);
	}
}

/* Files of LF line breaks only (the quick path), of every length up to
 * a few blocks and with breaks anywhere: each line starts after an LF. */
static void lf_only_lines_start_after_each_break(void **state)
{
	(void)state;
	char text[200];
	srand(7);
	for (size_t len = 0; len < sizeof(text); len++) {
		for (int round = 0; round < 20; round++) {
			for (size_t i = 0; i < len; i++) {
				int r = rand() % 8;
				text[i] = r == 0 ? '\n' : r == 1 ? ' ' : 'a';
			}
			if (len > 0 && round == 0) {
				text[len - 1] = '\n';
			}
			struct plm_source *s = plm_source_create("t", text,
				len);
			assert_non_null(s);
			uint32_t line = 0;
			assert_int_equal(s->line_starts[0], 0);
			for (size_t i = 0; i < len; i++) {
				if (text[i] == '\n') {
					line++;
					assert_true(line < s->line_count);
					assert_int_equal(s->line_starts[line],
						i + 1);
				}
			}
			assert_int_equal(s->line_count, line + 1);
			plm_source_destroy(s);
		}
	}
}

static void an_empty_source_has_one_line(void **state)
{
	(void)state;
	struct plm_source *s = plm_source_create("t", "", 0);
	assert_non_null(s);
	assert_int_equal(s->line_count, 1);
	struct plm_region r = plm_source_region(s, 0, 0);
	assert_int_equal(r.start_line, 1);
	assert_int_equal(r.start_column, 1);
	assert_int_equal(plm_source_offset_at(s, 0, 5), 0);
	plm_source_destroy(s);
}

static void cr_lf_and_crlf_each_end_a_line(void **state)
{
	(void)state;
	static const char text[] = "a\rbb\r\nc\n\r\rd\r";
	struct plm_source *s = plm_source_create("t", text, sizeof(text) - 1);
	assert_non_null(s);
	assert_int_equal(s->line_count, 7);
	static const char *const lines[] = {"a", "bb", "c", "", "", "d", ""};
	for (uint32_t i = 0; i < 7; i++) {
		size_t n;
		const char *p = plm_source_line(s, i, &n);
		assert_int_equal(n, strlen(lines[i]));
		assert_memory_equal(p, lines[i], n);
	}
	struct plm_region r = plm_source_region(s, 3, 4); /* the second b */
	assert_int_equal(r.start_line, 2);
	assert_int_equal(r.start_column, 2);
	r = plm_source_region(s, 10, 11); /* d */
	assert_int_equal(r.start_line, 6);
	assert_int_equal(r.start_column, 1);
	plm_source_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(columns_match_a_walk_from_the_line_start),
		cmocka_unit_test(lf_only_lines_start_after_each_break),
		cmocka_unit_test(an_empty_source_has_one_line),
		cmocka_unit_test(cr_lf_and_crlf_each_end_a_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

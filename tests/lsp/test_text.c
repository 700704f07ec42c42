/*
 * The language server's positions and documents: UTF-16 columns to and
 * from byte offsets (BMP and astral characters, every line ending), edits spliced in those units, and file: URIs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lsp/documents.h"
#include "lsp/text.h"
#include "util/alloc.h"

static struct plm_source *src(const char *text)
{
	struct plm_source *s = plm_source_create("t", text, strlen(text));
	assert_non_null(s);
	return s;
}

static void assert_position(const struct plm_source *s, uint32_t offset,
	uint32_t line, uint32_t character)
{
	struct plm_lsp_position p = plm_lsp_position_at(s, offset);
	assert_int_equal(p.line, line);
	assert_int_equal(p.character, character);
}

static uint32_t offset_at(const struct plm_source *s, uint32_t line,
	uint32_t character)
{
	return plm_lsp_offset_at(s, (struct plm_lsp_position){line, character});
}

/* "a" 1 byte 1 unit, "é" 2 bytes 1 unit, "😀" 4 bytes 2 units. */
static void columns_count_utf16_units(void **state)
{
	struct plm_source *s = src("a\xC3\xA9\xF0\x9F\x98\x80z\n");
	assert_position(s, 0, 0, 0);
	assert_position(s, 1, 0, 1);
	assert_position(s, 3, 0, 2);
	assert_position(s, 7, 0, 4);
	assert_position(s, 8, 0, 5);
	assert_position(s, 9, 1, 0);
	assert_int_equal(offset_at(s, 0, 2), 3);
	assert_int_equal(offset_at(s, 0, 4), 7);
	assert_int_equal(offset_at(s, 0, 5), 8);
	plm_source_destroy(s);
}

static void a_unit_inside_a_pair_is_the_start_of_its_character(void **state)
{
	struct plm_source *s = src("\xF0\x9F\x98\x80x");
	assert_int_equal(offset_at(s, 0, 1), 0);
	assert_int_equal(offset_at(s, 0, 2), 4);
	plm_source_destroy(s);
}

static void past_the_end_clamps(void **state)
{
	struct plm_source *s = src("ab\ncd");
	assert_int_equal(offset_at(s, 0, 99), 2); /* the line's end */
	assert_int_equal(offset_at(s, 1, 99), 5);
	assert_int_equal(offset_at(s, 7, 0), 5); /* past the last line */
	assert_position(s, 99, 1, 2);
	plm_source_destroy(s);
}

static void every_line_ending_counts(void **state)
{
	struct plm_source *s = src("a\r\nb\rc\nd");
	assert_int_equal(offset_at(s, 1, 0), 3);
	assert_int_equal(offset_at(s, 2, 0), 5);
	assert_int_equal(offset_at(s, 3, 0), 7);
	assert_int_equal(offset_at(s, 0, 5), 1); /* stops before CR LF */
	assert_position(s, 5, 2, 0);
	plm_source_destroy(s);
}

static struct plm_lsp_change range(uint32_t l1, uint32_t c1, uint32_t l2,
	uint32_t c2, const char *text)
{
	return (struct plm_lsp_change){true, {l1, c1}, {l2, c2}, text,
		strlen(text)};
}

static void edits_splice_in_utf16_units(void **state)
{
	struct plm_lsp_documents docs = {0};
	const char *text = "x\xF0\x9F\x98\x80y\nsecond\n";
	assert_int_equal(plm_lsp_documents_open(&docs, "file:///tmp/a%20b",
				 "dockerfile", 1, text, strlen(text)),
		0);
	struct plm_lsp_document *d = plm_lsp_documents_find(&docs,
		"file:///tmp/a%20b");
	assert_non_null(d);
	assert_string_equal(d->path, "/tmp/a b");
	struct plm_lsp_change c = range(0, 1, 0, 3, "-"); /* the emoji */
	assert_int_equal(plm_lsp_document_change(d, &c), 0);
	assert_string_equal(d->text->bytes, "x-y\nsecond\n");
	c = range(0, 2, 1, 3, ""); /* across lines */
	assert_int_equal(plm_lsp_document_change(d, &c), 0);
	assert_string_equal(d->text->bytes, "x-ond\n");
	c = range(0, 4, 0, 1, "<"); /* reversed: an insertion at the start */
	assert_int_equal(plm_lsp_document_change(d, &c), 0);
	assert_string_equal(d->text->bytes, "x-on<d\n");
	c = (struct plm_lsp_change){.text = "new", .len = 3};
	assert_int_equal(plm_lsp_document_change(d, &c), 0);
	assert_string_equal(d->text->bytes, "new");
	plm_lsp_documents_close(&docs, "file:///tmp/a%20b");
	assert_null(plm_lsp_documents_find(&docs, "file:///tmp/a%20b"));
	plm_lsp_documents_finish(&docs);
}

static void file_uris_and_paths(void **state)
{
	char *p = plm_lsp_uri_to_path("file://localhost/etc/x%C3%A9");
	assert_string_equal(p, "/etc/x\xC3\xA9");
	plm_free(p);
	assert_null(plm_lsp_uri_to_path("untitled:Untitled-1"));
	assert_null(plm_lsp_uri_to_path("file://server/share/x"));
	assert_null(plm_lsp_uri_to_path("file:///a%00b"));
	char *u = plm_lsp_path_to_uri("/a b/c#d");
	assert_string_equal(u, "file:///a%20b/c%23d");
	plm_free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(columns_count_utf16_units),
		cmocka_unit_test(
			a_unit_inside_a_pair_is_the_start_of_its_character),
		cmocka_unit_test(past_the_end_clamps),
		cmocka_unit_test(every_line_ending_counts),
		cmocka_unit_test(edits_splice_in_utf16_units),
		cmocka_unit_test(file_uris_and_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

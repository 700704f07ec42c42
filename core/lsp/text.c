/*
 * lsp/text.c - UTF-16 positions to and from byte offsets.
 */
#include "lsp/text.h"

#include <stdbool.h>

static bool is_continuation(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

/* UTF-16 units of the character that starts with byte b. */
static uint32_t units_of(unsigned char b)
{
	return is_continuation(b) ? 0 : b >= 0xF0 ? 2 : 1;
}

struct plm_lsp_position plm_lsp_position_at(const struct plm_source *source,
	uint32_t offset)
{
	if (offset > source->len) {
		offset = (uint32_t)source->len;
	}
	struct plm_region r = plm_source_region_utf16(source, offset, offset);
	struct plm_lsp_position p = {0, 0};
	if (r.start_line > 0) {
		p.line = r.start_line - 1;
		p.character = r.start_column - 1;
	}
	return p;
}

size_t plm_lsp_line_break(const char *bytes, size_t len, size_t offset)
{
	if (offset >= len) {
		return 0;
	}
	if (bytes[offset] == '\n') {
		return 1;
	}
	if (bytes[offset] == '\r') {
		return offset + 1 < len && bytes[offset + 1] == '\n' ? 2 : 1;
	}
	return 0;
}

uint32_t plm_lsp_offset_at(const struct plm_source *source,
	struct plm_lsp_position position)
{
	if (position.line >= source->line_count) {
		return (uint32_t)source->len;
	}
	const unsigned char *b = (const unsigned char *)source->bytes;
	uint32_t at = source->line_starts[position.line];
	uint32_t units = 0;
	while (at < source->len &&
		plm_lsp_line_break(source->bytes, source->len, at) == 0) {
		/* A character is whole or not at all: its continuation
		 * bytes count nothing and are passed with it. */
		uint32_t n = units_of(b[at]);
		if (n > 0 && units + n > position.character) {
			break;
		}
		units += n;
		at++;
	}
	return at;
}

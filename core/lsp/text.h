/*
 * lsp/text.h - positions as the Language Server Protocol counts them:
 * 0-based lines and columns in UTF-16 code units, converted to and from
 * byte offsets of a source.
 *
 * Lines end at LF, CR LF or a lone CR, as the protocol and the source's
 * line map both say. Columns count what plm_source_region_utf16 counts:
 * one unit per character, two for one outside the Basic Multilingual
 * Plane (a surrogate pair). A document from a client is valid UTF-8 (it
 * came as a JSON string); a file read from disk may not be, and its
 * invalid bytes count as the source's line map counts them.
 */
#ifndef PLM_LSP_TEXT_H
#define PLM_LSP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/source.h"

struct plm_lsp_position {
	uint32_t line;      /* 0-based */
	uint32_t character; /* UTF-16 code units from the line's start */
};

/* The position of byte offset (clamped to the source's length). */
struct plm_lsp_position plm_lsp_position_at(const struct plm_source *source,
	uint32_t offset);

/* The byte offset of a position. A line past the last is the end of the
 * text; a character past the line's end is its end (the protocol's rule);
 * a character inside a surrogate pair or a character's bytes is the start
 * of that character. */
uint32_t plm_lsp_offset_at(const struct plm_source *source,
	struct plm_lsp_position position);

/* The length in bytes of a line's terminator at offset (0, 1 or 2). */
size_t plm_lsp_line_break(const char *bytes, size_t len, size_t offset);

#endif

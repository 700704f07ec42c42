/*
 * util/source.h - one input file's bytes and its line map.
 *
 * Positions inside plimsoll are byte offsets into a source; they become
 * 1-based lines and columns only at the edge (output plugins, the LSP), with
 * the helpers below. A source owns a private copy of its bytes, always
 * followed by a NUL so parsers may peek one past the end.
 */
#ifndef PLM_UTIL_SOURCE_H
#define PLM_UTIL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"

/* Largest file plimsoll reads; a larger one gets a diagnostic. */
#define PLM_MAX_FILE_SIZE ((size_t)64 * 1024 * 1024)

/* Bytes between two column checkpoints: a column is found by walking at
 * most this many bytes from a checkpoint, however long its line. */
#define PLM_SOURCE_CHECKPOINT 256

struct plm_source {
	char *path;  /* as it will be displayed */
	char *bytes; /* len bytes, then a NUL */
	size_t len;
	uint32_t *line_starts; /* offset of each line's first byte */
	uint32_t line_count;
	/* For each k, how many characters (bytes that are not UTF-8
	 * continuation bytes) and how many 4-byte leads (which take two
	 * UTF-16 units) precede byte k * PLM_SOURCE_CHECKPOINT. Built with
	 * the line map and read-only afterwards, so any thread may compute
	 * columns while others do. */
	uint32_t *chars_before;
	uint32_t *astral_before;
	uint32_t checkpoint_count;
};

/* Creates a source from a copy of bytes[0..len). Returns NULL when out of
 * memory or when len exceeds PLM_MAX_FILE_SIZE. Free with
 * plm_source_destroy(). */
struct plm_source *plm_source_create(const char *path, const char *bytes,
	size_t len);
/* Reads a file (or stdin when path is "-") into a new source shown as
 * display_path. Returns 0, PLM_EIO (errno set) or PLM_ELIMIT. */
PLM_NODISCARD int plm_source_read(const char *path, const char *display_path,
	size_t max_size, struct plm_source **out);
/* Reads a file (or stdin when path is "-") as plm_source_read does, into
 * *bytes (malloc'd, NUL-terminated, *length bytes before the NUL) without
 * the source's line maps. Returns 0, PLM_EIO (errno set), PLM_ELIMIT or
 * PLM_ENOMEM. */
PLM_NODISCARD int plm_file_read(const char *path, size_t max_size, char **bytes,
	size_t *length);
/* Writes n bytes of p to fd, again after a short write or EINTR. Returns
 * 0 or PLM_EIO. */
PLM_NODISCARD int plm_write_all(int fd, const char *p, size_t n);
/* Accepts NULL. */
void plm_source_destroy(struct plm_source *source);

/* 0-based line index of a byte offset (offsets past the end map to the last
 * line). */
uint32_t plm_source_line_of(const struct plm_source *source, uint32_t offset);
/* The bytes of a 0-based line, without its line terminator. */
const char *plm_source_line(const struct plm_source *source, uint32_t line,
	size_t *len);
/* The byte offset of 0-based line `line`, code-point column `column`
 * (0-based), clamped to the line's end. Used by loaders whose library counts
 * characters (libyaml). Like the two below, it costs O(log n) plus a walk of
 * at most PLM_SOURCE_CHECKPOINT bytes, not the length of the line. */
uint32_t plm_source_offset_at(const struct plm_source *source, uint32_t line,
	uint32_t column);
/* Converts a byte range to a display region: 1-based lines, 1-based columns
 * in Unicode code points, end column exclusive. */
struct plm_region plm_source_region(const struct plm_source *source,
	uint32_t start, uint32_t end);
/* The same with columns in UTF-16 code units (what LSP clients expect). */
struct plm_region plm_source_region_utf16(const struct plm_source *source,
	uint32_t start, uint32_t end);

#endif

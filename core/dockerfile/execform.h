/*
 * dockerfile/execform.h - the exec form: a JSON array of strings.
 *
 * As in BuildKit, text that is not a JSON array at all falls back to the
 * shell form; a JSON array with a non-string element is an error (reported
 * by the caller, which then also falls back).
 */
#ifndef PLM_DOCKERFILE_EXECFORM_H
#define PLM_DOCKERFILE_EXECFORM_H

#include "dockerfile/text.h"

enum plm_dockerfile_json {
	PLM_DOCKERFILE_JSON_OK = 0,    /* a JSON array of strings */
	PLM_DOCKERFILE_JSON_NOT_ARRAY, /* not JSON: use the shell form */
	PLM_DOCKERFILE_JSON_NOT_STRINGS, /* JSON, but an element is not a string */
	/* Not JSON either (shell form), but clearly meant to be: */
	PLM_DOCKERFILE_JSON_UNTERMINATED, /* input ended inside the array */
	PLM_DOCKERFILE_JSON_TRAILING,     /* text after the closing ']' */
};

/* Parses [from, to) as a JSON array of strings. On PLM_DOCKERFILE_JSON_OK, *out is a
 * sequence of string nodes (decoded, each with the span of its literal);
 * *bad_at is the offset of the first problem otherwise (for NOT_ARRAY, only
 * meaningful when the text starts with '['). */
enum plm_dockerfile_json plm_dockerfile_execform_parse(struct plm_dockerfile_ctx
							       *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	struct plm_node **out, size_t *bad_at);

/* Decodes the index-th string of the JSON string array [from, to) of t into
 * out (reset first), with *segs (heap, the caller frees it; *seg_count of
 * them) mapping each decoded offset to its source offset, escapes
 * included. False when there is no such string or memory ran out. */
bool plm_dockerfile_execform_string(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	size_t index, struct plm_dockerfile_buf *out,
	struct plm_dockerfile_segment **segs, size_t *seg_count);

#endif

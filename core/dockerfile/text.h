/*
 * dockerfile/text.h - the Dockerfile front end's shared context, scratch
 * buffers, and joined text with its map back to source offsets.
 *
 * A logical line of a Dockerfile is made of pieces of several physical lines
 * (continuations drop the escape character and the line break, and skip
 * comment lines). Parsers work on the joined text; every offset in it maps
 * back to a byte of the source through the segment list, so each node gets
 * an exact span.
 */
#ifndef PLM_DOCKERFILE_TEXT_H
#define PLM_DOCKERFILE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/document.h"
#include "model/node.h"

/* Longest logical line (an instruction with its continuations) parsed; a
 * longer one is reported and skipped. */
#define PLM_DOCKERFILE_MAX_LINE ((size_t)1024 * 1024)
/* Arena bytes the model of one Dockerfile may take; past it the rest of the
 * file is reported and not parsed (a partial model beats none). */
#define PLM_DOCKERFILE_MAX_MODEL ((size_t)256 * 1024 * 1024)
/* Longest command text kept per split command, and raw $(...) text kept
 * inside an enclosing word (nested substitutions would copy it per level). */
#define PLM_DOCKERFILE_MAX_COMMAND_TEXT ((size_t)64 * 1024)
#define PLM_DOCKERFILE_MAX_SUBSTITUTION_TEXT ((size_t)4096)
/* Deepest nesting of $(...), (...), `...` and ${...} that is analysed. */
#define PLM_DOCKERFILE_MAX_NESTING 64
/* Bytes that variable substitution may produce per document, on top of the
 * file's own size (guards against $A$A$A... chains that double each time). */
#define PLM_DOCKERFILE_EXPANSION_BUDGET ((size_t)16 * 1024 * 1024)
/* Longest chain of stages built FROM one another that inherit settings. */
#define PLM_DOCKERFILE_MAX_STAGE_DEPTH 128
/* Matching steps that ${v#pattern}, ${v%pattern} and ${v/pattern/word} may
 * take per document; past it the value is left as it is. */
#define PLM_DOCKERFILE_PATTERN_BUDGET ((size_t)64 * 1024 * 1024)

/* A growable byte buffer on the heap, for scratch work. */
struct plm_dockerfile_buf {
	char *ptr;
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed: contents are incomplete */
};

/* Appends n bytes (sets failed on allocation failure). */
void plm_dockerfile_buf_add(struct plm_dockerfile_buf *b, const char *s,
	size_t n);
static inline void plm_dockerfile_buf_addc(struct plm_dockerfile_buf *b, char c)
{
	if (b->len < b->cap) {
		b->ptr[b->len++] = c;
	} else {
		plm_dockerfile_buf_add(b, &c, 1);
	}
}
/* Frees the memory; accepts a zeroed buffer. */
void plm_dockerfile_buf_free(struct plm_dockerfile_buf *b);

/* Maps joined-text offset `at` (and everything after it up to the next
 * segment) to source offset `src`. */
struct plm_dockerfile_segment {
	uint32_t at;
	uint32_t src;
};

/* Joined text: ptr[0..len) plus the segment map (sorted by `at`). */
struct plm_dockerfile_text {
	const char *ptr;
	size_t len;
	const struct plm_dockerfile_segment *segs;
	size_t seg_count;
	/* The segment of the last lookup: lookups mostly move forward. Only
	 * plm_dockerfile_text_src writes it (the struct itself is never const). */
	size_t hint;
};

/* Per-parse state shared by the front end's files. */
struct plm_dockerfile_ctx {
	struct plm_doc *doc;
	struct plm_arena *arena;
	uint32_t source;   /* index of the source being parsed */
	const char *bytes; /* the source's bytes */
	size_t len;
	char escape;             /* '\\' or '`' */
	size_t expansion_budget; /* bytes substitution may still produce */
	bool expansion_reported;
	bool nesting_reported;
	bool out_of_memory; /* the arena ran out: stop building */
	bool model_full;    /* PLM_DOCKERFILE_MAX_MODEL was reached */
	/* The source is valid UTF-8 without NULs, so text cut from it at
	 * ASCII delimiters (and decoded JSON) needs no sanitizing. */
	bool clean;
	struct plm_dockerfile_buf scratch;  /* reused by word processing */
	struct plm_dockerfile_buf expanded; /* reused by variable substitution */
	size_t pattern_budget; /* steps ${v#pattern} matching may take */
	int depth;             /* nesting of the analysis in progress */
	uint32_t pipelines;    /* pipeline ids handed out to commands */
};

/* True (and reported once) when the model passed PLM_DOCKERFILE_MAX_MODEL:
 * callers stop adding to it. */
bool plm_dockerfile_model_full(struct plm_dockerfile_ctx *ctx,
	struct plm_span at);

/* Source offset of joined offset `off` (off may equal t->len). */
uint32_t plm_dockerfile_text_src(const struct plm_dockerfile_text *t,
	size_t off);
/* The span of joined range [start, end). */
struct plm_span plm_dockerfile_text_span(const struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t start, size_t end);
/* A span of source bytes [start, end). */
static inline struct plm_span plm_dockerfile_span(const struct plm_dockerfile_ctx
							  *ctx,
	size_t start, size_t end)
{
	/* Offsets mapped from decoded text (the script of `sh -c` in an
	 * exec form, where U+FFFD replacements make it longer than its
	 * source) may overshoot: a span never leaves its source. */
	if (end > ctx->len) {
		end = ctx->len;
	}
	if (start > end) {
		start = end;
	}
	struct plm_span s = {ctx->source, (uint32_t)start, (uint32_t)end};
	return s;
}

/* A string node holding s[0..len), sanitized to valid UTF-8 without NULs.
 * NULL (and ctx->out_of_memory set) when the arena is exhausted. */
struct plm_node *plm_dockerfile_string(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, const char *s, size_t len);
/* An arena copy of s[0..len), sanitized like plm_dockerfile_string. */
char *plm_dockerfile_strdup(struct plm_dockerfile_ctx *ctx, const char *s,
	size_t len, size_t *out_len);
/* Small constructors that set ctx->out_of_memory on failure. */
struct plm_node *plm_dockerfile_null(struct plm_dockerfile_ctx *ctx,
	struct plm_span span);
struct plm_node *plm_dockerfile_bool(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, bool value);
struct plm_node *plm_dockerfile_int(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, int64_t value);
struct plm_node *plm_dockerfile_seq(struct plm_dockerfile_ctx *ctx,
	struct plm_span span);
struct plm_node *plm_dockerfile_map(struct plm_dockerfile_ctx *ctx,
	struct plm_span span);
/* A map with room for `cap` entries (no regrowth for known shapes). */
struct plm_node *plm_dockerfile_map_cap(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, size_t cap);
/* map[key] = value, key a string literal (not copied, not looked up); a
 * NULL value (a failed constructor) only records the failure. */
void plm_dockerfile_set_n(struct plm_dockerfile_ctx *ctx, struct plm_node *map,
	const char *key, size_t key_len, struct plm_node *value);
static inline void plm_dockerfile_set(struct plm_dockerfile_ctx *ctx,
	struct plm_node *map, const char *key, struct plm_node *value)
{
	/* Inlined, strlen of a literal folds to a constant. */
	plm_dockerfile_set_n(ctx, map, key, __builtin_strlen(key), value);
}
/* Appends value to seq, likewise. */
void plm_dockerfile_push(struct plm_dockerfile_ctx *ctx, struct plm_node *seq,
	struct plm_node *value);
/* Records a diagnostic at [start, end) of the source. */
void plm_dockerfile_diag(struct plm_dockerfile_ctx *ctx,
	enum plm_diag_level level, const char *code, struct plm_span span,
	const char *fmt, ...) PLM_PRINTF(5, 6);

/* The largest length <= max (and <= n) that does not cut a UTF-8 sequence of
 * s[0..n) in two. */
static inline size_t plm_dockerfile_utf8_cut(const char *s, size_t n,
	size_t max)
{
	if (n <= max) {
		return n;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) {
		max--;
	}
	return max;
}

/* ASCII helpers. */
static inline bool plm_dockerfile_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}
static inline char plm_dockerfile_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}
/* Case-insensitive equality of s[0..len) and the NUL-terminated lower-case
 * word. */
bool plm_dockerfile_word_is(const char *s, size_t len, const char *word);

#endif

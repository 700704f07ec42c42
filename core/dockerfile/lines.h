/*
 * dockerfile/lines.h - physical lines to logical lines.
 *
 * Follows BuildKit's reader: a BOM is skipped on the first line; parser
 * directives are recognised only before anything else; comment lines are
 * recorded and dropped (also inside continuations); the escape character at
 * the end of a line (trailing blanks allowed) continues it on the next line;
 * empty lines inside a continuation are skipped with a warning; a
 * continuation at end of file ends the instruction. Heredoc bodies are read
 * on request after the line that opens them.
 */
#ifndef PLM_DOCKERFILE_LINES_H
#define PLM_DOCKERFILE_LINES_H

#include "dockerfile/text.h"

enum plm_dockerfile_directive {
	PLM_DOCKERFILE_DIRECTIVE_SYNTAX = 0,
	PLM_DOCKERFILE_DIRECTIVE_ESCAPE,
	PLM_DOCKERFILE_DIRECTIVE_CHECK,
	PLM_DOCKERFILE_DIRECTIVE_COUNT,
};

/* One logical line: an instruction with its continuations joined. */
struct plm_dockerfile_line {
	struct plm_dockerfile_text text; /* valid until the next read */
	uint32_t start;                  /* source offset of its first byte */
	uint32_t end;                    /* source offset after its last byte */
	bool too_long; /* longer than PLM_DOCKERFILE_MAX_LINE */
};

struct plm_dockerfile_reader {
	struct plm_dockerfile_ctx *ctx;
	size_t pos;       /* offset of the next physical line */
	uint32_t line_no; /* its 0-based number */
	bool directives_done;
	bool record_comments; /* store comments on the document */
	/* Source ranges of the directives' values; start == end: not set. */
	uint32_t directive_start[PLM_DOCKERFILE_DIRECTIVE_COUNT];
	uint32_t directive_end[PLM_DOCKERFILE_DIRECTIVE_COUNT];
	bool directive_seen[PLM_DOCKERFILE_DIRECTIVE_COUNT];
	struct plm_dockerfile_buf joined;
	struct plm_dockerfile_segment *segs;
	size_t seg_count;
	size_t seg_cap;
};

/* Starts reading ctx's source (ctx->escape is set by directives). */
void plm_dockerfile_reader_init(struct plm_dockerfile_reader *r,
	struct plm_dockerfile_ctx *ctx);
/* Frees the reader's buffers. */
void plm_dockerfile_reader_finish(struct plm_dockerfile_reader *r);
/* Reads the next logical line into *line. Returns false at end of input. */
bool plm_dockerfile_reader_next(struct plm_dockerfile_reader *r,
	struct plm_dockerfile_line *line);

/* A heredoc body as read from the lines after its instruction. */
struct plm_dockerfile_body {
	uint32_t start;    /* first byte of the body */
	uint32_t end;      /* end of the body (before the terminator) */
	uint32_t term_end; /* end of the terminator line */
	bool terminated;
};

/* Reads lines up to the one equal to name (leading tabs removed first when
 * strip_tabs). Without a terminator the body runs to end of input. */
void plm_dockerfile_reader_heredoc(struct plm_dockerfile_reader *r,
	const char *name, size_t name_len, bool strip_tabs,
	struct plm_dockerfile_body *body);

#endif

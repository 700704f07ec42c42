/*
 * dockerfile/heredoc.h - heredoc openers in RUN, COPY and ADD lines.
 *
 * As in BuildKit, the line is split into shell words (quotes kept) and each
 * word of the shape [n]<<[-]NAME opens a heredoc: NAME is the word with its
 * quotes removed; a quoted NAME (in part or whole) marks a body that is not
 * expanded; `<<-` strips leading tabs from the body and terminator.
 */
#ifndef PLM_DOCKERFILE_HEREDOC_H
#define PLM_DOCKERFILE_HEREDOC_H

#include "dockerfile/lex.h"
#include "dockerfile/lines.h"
#include "dockerfile/text.h"

/* Heredocs read per instruction; more are reported and ignored. */
#define PLM_DOCKERFILE_MAX_HEREDOCS 64

struct plm_dockerfile_heredoc {
	size_t word_start; /* joined offsets of the <<NAME word */
	size_t word_end;
	const char *name; /* in the arena */
	size_t name_len;
	unsigned fd; /* the n of n<<NAME, 0 when absent */
	bool strip_tabs;
	bool quoted;
	struct plm_dockerfile_body body;
};

/* Finds the heredoc openers of [from, t->len) and stores up to `max` of them
 * in docs. Returns how many were found (may exceed max). */
size_t plm_dockerfile_heredoc_find(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from,
	struct plm_dockerfile_heredoc *docs, size_t max);

#endif

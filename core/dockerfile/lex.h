/*
 * dockerfile/lex.h - splitting an instruction's text the way BuildKit's
 * parser does: the keyword, the leading `--flag` words, and the word lists of
 * instructions that take several arguments.
 *
 * All offsets are into the joined text of a logical line.
 */
#ifndef PLM_DOCKERFILE_LEX_H
#define PLM_DOCKERFILE_LEX_H

#include "dockerfile/text.h"

/* Called for each word found; [start, end) is the raw word. For flags,
 * value/len hold the word with its quotes and escapes removed. */
typedef void (*plm_dockerfile_word_fn)(void *user, size_t start, size_t end,
	const char *value, size_t len);

/* The keyword: the first run of non-blanks at or after `from`. Sets *ks, *ke;
 * returns the offset where its arguments start (blanks skipped). */
size_t plm_dockerfile_lex_keyword(const struct plm_dockerfile_text *t,
	size_t from, size_t *ks, size_t *ke);
/* Reads the `--name[=value]` words that open [from, t->len), calling fn for
 * each; `--` alone ends them. Returns the offset of the first argument. */
size_t plm_dockerfile_lex_flags(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from,
	plm_dockerfile_word_fn fn, void *user);
/* Splits [from, to) into words at blanks, keeping quotes and escapes inside
 * words (BuildKit's parseWords); value is the raw word. */
void plm_dockerfile_lex_words(const struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	plm_dockerfile_word_fn fn, void *user);
/* Splits [from, to) at blanks only (no quoting). */
void plm_dockerfile_lex_fields(const struct plm_dockerfile_text *t, size_t from,
	size_t to, plm_dockerfile_word_fn fn, void *user);
/* [from, to) with blanks trimmed from both ends. */
void plm_dockerfile_lex_trim(const struct plm_dockerfile_text *t, size_t *from,
	size_t *to);

#endif

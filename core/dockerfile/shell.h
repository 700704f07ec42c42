/*
 * dockerfile/shell.h - a RUN (CMD, ENTRYPOINT, ...) shell text split into
 * simple commands, so a policy can ask "is apt-get install run without -y".
 *
 * Commands are separated by &&, ||, ;, |, &, newlines; subshells (...),
 * groups { ...; }, $(...) and `...` contribute their inner commands too, and
 * the control words of if/while/until/for/case are skipped. Each command is
 * {argv = {...}, text} with quotes removed from argv (variables are kept as
 * written); leading NAME=value words go to `assignments`, redirections are
 * left out. The bodies of heredocs fed to a shell (or forming the whole
 * RUN) are split too. POSIX sh rules throughout; nesting is bounded by
 * PLM_DOCKERFILE_MAX_NESTING.
 */
#ifndef PLM_DOCKERFILE_SHELL_H
#define PLM_DOCKERFILE_SHELL_H

#include "dockerfile/heredoc.h"
#include "dockerfile/text.h"

/* Splits [from, to) of t into commands appended to the sequence `commands`.
 * docs[0..doc_count) are the bodies of the heredocs the text opens, in
 * order; with docs NULL, heredocs are read inline (the text holds their
 * bodies after the line that opens them). */
void plm_dockerfile_shell_split(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	const struct plm_dockerfile_heredoc *docs, size_t doc_count,
	struct plm_node *commands);

#endif

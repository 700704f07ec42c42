/*
 * dockerfile/shell.h - a RUN (CMD, ENTRYPOINT, ...) shell text split into
 * simple commands, so a policy can ask "is apt-get install run without -y".
 *
 * Commands are separated by &&, ||, ;, |, &, newlines; subshells (...),
 * groups { ...; }, $(...) and `...` contribute their inner commands too, and
 * the control words of if/while/until/for/case are skipped. Each command is
 * {argv = {...}, text} with quotes removed from argv (variables are kept as
 * written), spanning its words in the file; leading NAME=value words go to
 * `assignments`, redirections are left out. The operators around a command
 * in its list are `op_before` / `op_after`; commands joined by | or |&
 * share a `pipeline` id. The bodies of heredocs fed to a shell (or forming
 * the whole RUN) and the script of `sh -c SCRIPT` (bash, dash..., after
 * sudo/env/exec, and `su -c`) are split too, right after the command that
 * runs them, with `nested` set; a script word is mapped byte by byte back
 * to the file, so its commands keep exact spans. POSIX sh rules
 * throughout; nesting is bounded by PLM_DOCKERFILE_MAX_NESTING.
 */
#ifndef PLM_DOCKERFILE_SHELL_H
#define PLM_DOCKERFILE_SHELL_H

#include "dockerfile/heredoc.h"
#include "dockerfile/text.h"

/* Splits [from, to) of t into commands appended to the sequence `commands`.
 * docs[0..doc_count) are the bodies of the heredocs the text opens, in
 * order; with docs NULL, heredocs are read inline (the text holds their
 * bodies after the line that opens them). `nested` is how many shells run
 * the text as their script (0 for a RUN's own text, 1 for the script of
 * an exec form's `sh -c`); it is recorded on each command when not 0. */
void plm_dockerfile_shell_split(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	const struct plm_dockerfile_heredoc *docs, size_t doc_count,
	struct plm_node *commands, int nested);

/* The index in argv (a sequence of strings) of the script a shell runs
 * (`sh -c SCRIPT`, as the shell text's commands are read: after sudo, env,
 * exec; option clusters; `su -c`), or 0 when there is none. */
size_t plm_dockerfile_shell_script(const struct plm_node *argv);

#endif

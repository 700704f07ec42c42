/*
 * lsp/isolate.h - a lint in a child process, watched: what the child
 * computes comes back as JSON through a pipe; a child that crashes or
 * runs past its time is reported, never followed.
 */
#ifndef PLM_LSP_ISOLATE_H
#define PLM_LSP_ISOLATE_H

#include <jansson.h>

#include "lsp/documents.h"
#include "lsp/lint.h"

/* plm_lsp_lint(l, doc, open) in a forked child, which is killed after
 * timeout seconds. Returns the diagnostics, or an array of one diagnostic
 * saying why there are none (the lint crashed, timed out, or could not
 * start); NULL only when out of memory. */
json_t *plm_lsp_lint_isolated(const struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc,
	const struct plm_lsp_documents *open, double timeout);

#endif

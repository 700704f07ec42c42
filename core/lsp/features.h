/*
 * lsp/features.h - what the server answers about a document beyond its
 * diagnostics: code actions (an ignore comment for a finding) and hover
 * (a rule's title and description).
 */
#ifndef PLM_LSP_FEATURES_H
#define PLM_LSP_FEATURES_H

#include <jansson.h>

#include "lsp/documents.h"
#include "lsp/lint.h"

/* The code actions for params of textDocument/codeAction: for each of
 * plimsoll's diagnostics in params.context that names a rule, a quick fix
 * that inserts `# plimsoll ignore=RULE -- reason` on a line of its own
 * before the diagnostic's line, indented as that line (before the YAML
 * key or item the finding points at). A new JSON array, or NULL when out
 * of memory. */
json_t *plm_lsp_code_actions(const struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc, const json_t *params);

/* The hover for a position: the rule named by the word under it in an
 * ignore comment, else the rules of the published diagnostics (in
 * `published`, the last array sent for doc) whose range holds it. A new
 * Hover object, or JSON null when there is nothing to show; NULL when out
 * of memory. */
json_t *plm_lsp_hover(const struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc, const json_t *published,
	struct plm_lsp_position at);

/* Reads a Position object; false when it is not one. */
bool plm_lsp_position_read(const json_t *j, struct plm_lsp_position *out);

#endif

/*
 * lsp/lint.h - an open document linted through the engine's run, its
 * results turned into LSP diagnostics.
 *
 * The document's text goes to the run as an in-memory buffer under its
 * real path (plm_project_add_buffer), so discovery, kind detection, the
 * links a Compose file makes to the Dockerfile it builds (read from disk,
 * beside the buffer's path) and everything else the run does apply as in
 * `plimsoll scan`. Only file-scope rules run: the project-scope ones judge
 * a whole tree, which one buffer is not.
 */
#ifndef PLM_LSP_LINT_H
#define PLM_LSP_LINT_H

#include <jansson.h>

#include "engine/config.h"
#include "engine/engine.h"
#include "lsp/documents.h"
#include "plimsoll/error.h"

struct plm_lsp_linter;

/* Creates a linter with an engine made from o and configuration files
 * looked up as config says (both borrowed: they and their strings must
 * outlive the linter, which reads them again on reload). Returns 0, or an
 * engine error with *error a malloc'd message (caller frees). */
PLM_NODISCARD int plm_lsp_linter_create(const struct plm_engine_options *o,
	const struct plm_config_options *config, struct plm_lsp_linter **out,
	char **error);
/* Makes the engine again (policy files or configuration changed). On
 * failure the previous engine stays and *error says why (caller frees).
 * Returns 0 or the engine's error. */
PLM_NODISCARD int plm_lsp_linter_reload(struct plm_lsp_linter *l, char **error);
/* Accepts NULL. */
void plm_lsp_linter_destroy(struct plm_lsp_linter *l);
/* The engine's catalogue (rule metadata), valid until the next reload. */
const struct plm_engine *plm_lsp_linter_engine(const struct plm_lsp_linter *l);
/* Reads the configuration that applies to path, and when it names policy
 * directories the engine does not have, makes the engine again with them:
 * what a server whose lints run in a worker process calls, so that hover
 * and quick fixes know the rules of those directories too. Errors are
 * left for the lint to report. Accepts a NULL path (no configuration). */
void plm_lsp_linter_learn(struct plm_lsp_linter *l, const char *path);
/* The rule's documentation address: the policy's help_uri, else a file:
 * URI of docs/rules/ID.md beside the built-in policies when that file
 * exists; malloc'd, or NULL when there is none. */
char *plm_lsp_rule_href(const struct plm_lsp_linter *l,
	const struct plm_rule_info *rule);

/* The diagnostics of doc: a JSON array of LSP Diagnostic objects as text
 * (malloc'd), or NULL when out of memory. open is every open document: a related
 * location in one of them is placed in its text as the editor has it.
 * The configuration file that applies to doc's path (.plimsoll.yaml, from
 * its directory upward) is read the first time its directory is met and
 * kept; a wrong one is one diagnostic and nothing else is linted. A
 * configuration naming policy directories not loaded yet makes the engine
 * again with them. */
char *plm_lsp_lint(struct plm_lsp_linter *l, const struct plm_lsp_document *doc,
	const struct plm_lsp_documents *open);

/* The kind a languageId names (dockerfile, dockercompose, ...), or
 * PLM_KIND_UNKNOWN: decided by the name, then the content. */
enum plm_kind plm_lsp_kind_of_language(const char *language);

#endif

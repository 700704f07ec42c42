/*
 * model/document.h - one scanned file's model: its sources, the format's own
 * tree, the containers view, and the diagnostics raised while building them.
 *
 * Ownership: a document owns its arena (every node and string), its sources
 * and its diagnostics; plm_doc_destroy() frees everything in one call.
 * A document is built by exactly one front end on one thread and is
 * read-only afterwards.
 */
#ifndef PLM_MODEL_DOCUMENT_H
#define PLM_MODEL_DOCUMENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "model/node.h"
#include "util/arena.h"
#include "util/source.h"

enum plm_kind {
	PLM_KIND_UNKNOWN = 0,
	PLM_KIND_DOCKERFILE,
	PLM_KIND_COMPOSE,
	PLM_KIND_KUBERNETES,
	/* `docker run` / `podman run` command lines in scripts, Makefiles,
	 * CI workflows and Markdown (core/command) */
	PLM_KIND_COMMAND,
};

/* "dockerfile", "compose", "kubernetes", "command" ("unknown" for the
 * rest). */
const char *plm_kind_name(enum plm_kind kind);
/* Parses a kind name; PLM_KIND_UNKNOWN if it is none of them. */
enum plm_kind plm_kind_parse(const char *name);

enum plm_diag_level {
	PLM_DIAG_ERROR = 0,   /* part of the file could not be read */
	PLM_DIAG_WARNING = 1, /* read, but something is off */
	PLM_DIAG_NOTE = 2,    /* informational (a skipped Helm template, ...) */
};

/* Problems kept per document; past this one last diagnostic says so. */
#define PLM_MAX_DIAGNOSTICS 1000

struct plm_diag {
	enum plm_diag_level level;
	const char *code;    /* static stable slug, e.g. "yaml/duplicate-key" */
	const char *message; /* in the arena: says what was expected */
	struct plm_span span;
};

/* A link from this document to another file, asked for by a front end and
 * made by the engine (core/engine/link.h): a front end never reads the
 * files of another format itself. */
enum plm_link_kind {
	/* A Compose service's `build:`: the Dockerfile's container record
	 * becomes the service record's `build` (and its user, when the
	 * service sets none). */
	PLM_LINK_BUILD = 1,
};

/* One link request. Strings and nodes live in the document's arena. */
struct plm_link {
	enum plm_link_kind kind;
	/* the container record to complete */
	struct plm_node *record;
	/* the file to read, tidied (plm_path_join of the compose file's
	 * directory, the context and the dockerfile); NULL when the text is
	 * inline or the context is remote */
	const char *path;
	/* the build context as written, for the diagnostics (a remote
	 * context is never read) */
	const char *context;
	/* dockerfile_inline: the text, the span of its value and whether the
	 * value is a literal block (`|`) whose lines map one to one */
	const char *inline_text;
	struct plm_span inline_span;
	bool inline_literal;
	/* the stage to take (`target:`), or NULL for the final one */
	const char *target;
	/* the `build:` key: where the diagnostics about the link go */
	struct plm_span span;
	/* set by the resolver: made (or given up on) once; the source the
	 * file was read as (0 when it was not read) */
	bool resolved;
	uint32_t source;
};

struct plm_doc {
	struct plm_arena *arena;
	enum plm_kind kind;
	/* sources[0] is the file scanned; others were pulled in (a Compose
	 * service's Dockerfile, an extends file, an override). */
	struct plm_source **sources;
	size_t source_count;
	size_t source_cap;
	/* The format's own structure. Dockerfile: a map (directives, args,
	 * stages). YAML formats: a sequence of the stream's documents. */
	struct plm_node *tree;
	/* A sequence of container records (docs/model.md). */
	struct plm_node *containers;
	struct plm_diag *diags;
	size_t diag_count;
	size_t diag_cap;
	/* Comments by line, for suppressions: comments[i] is the text of the
	 * comment that stands on 0-based line i of sources[0], "" when the
	 * line only looks like a comment (a line of a block scalar or a
	 * heredoc that starts with `#`: text, never a directive), or NULL.
	 * comment_count is sources[0]->line_count or 0. */
	const char **comments;
	size_t comment_count;
	/* Links to other files the front end asks for (plm_doc_add_link),
	 * made later by plm_link_resolve(); not visible to policies. */
	struct plm_link *links;
	size_t link_count;
	size_t link_cap;
	/* Values the front end took from the process environment (Compose
	 * interpolation with the environment asked for): never shown. The
	 * run rewrites each in every message, snippet and fix of the
	 * document's results as `${NAME}` (plm_redact). Name and value in
	 * the arena. */
	struct plm_secret *secrets;
	size_t secret_count;
	size_t secret_cap;
};

struct plm_secret {
	const char *name;
	const char *value;
};

/* Values shorter than this are not redacted: a one-letter value would
 * rewrite every such letter of every message. */
#define PLM_SECRET_MIN_LEN 4

/* Records that the value of variable name[0..len) came from the process
 * environment (once per name). Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_doc_add_secret(struct plm_doc *doc, const char *name,
	size_t len, const char *value);

/* text with every secret value (at least PLM_SECRET_MIN_LEN bytes)
 * replaced by `${NAME}`, longest values first: a new malloc'd string, or
 * NULL when nothing was replaced (or text is NULL). *oom is set when
 * memory ran out (text is then left as it is). */
char *plm_redact(const char *text, const struct plm_secret *secrets,
	size_t count, bool *oom);

/* Creates an empty document that owns `source` (taken). Returns NULL when
 * out of memory, in which case source is destroyed. */
struct plm_doc *plm_doc_create_take(struct plm_source *source,
	enum plm_kind kind);
/* Frees the document, its arena, sources and diagnostics. Accepts NULL. */
void plm_doc_destroy(struct plm_doc *doc);
/* Frees the document but hands back its main source, untouched (a file
 * read once and built again as another kind). */
struct plm_source *plm_doc_destroy_keep_source(struct plm_doc *doc);

/* Adds another source (taken) and returns its index, or -1 when out of
 * memory (source destroyed). */
PLM_NODISCARD int plm_doc_add_source_take(struct plm_doc *doc,
	struct plm_source *source);
/* The document's main file. */
static inline const struct plm_source *plm_doc_main(const struct plm_doc *doc)
{
	return doc->sources[0];
}

/* Records a diagnostic. code must be a static string. Never fails visibly:
 * when memory is short the message is replaced by a static one. */
void plm_doc_diag(struct plm_doc *doc, enum plm_diag_level level,
	const char *code, struct plm_span span, const char *fmt, ...)
	PLM_PRINTF(5, 6);
/* True if any diagnostic is an error. */
bool plm_doc_has_errors(const struct plm_doc *doc);
/* Records the comment text that stands on a 0-based line of sources[0];
 * an empty text says the line is not a comment (see comments above). */
void plm_doc_set_comment(struct plm_doc *doc, uint32_t line, const char *text,
	size_t len);
/* The display region of a span. */
struct plm_region plm_doc_region(const struct plm_doc *doc,
	struct plm_span span);

/* Records a link request (copied; its strings and nodes must live in the
 * document's arena). Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_doc_add_link(struct plm_doc *doc,
	const struct plm_link *link);

/* A span in the main source. */
static inline struct plm_span plm_span_make(uint32_t start, uint32_t end)
{
	struct plm_span s = {0, start, end};
	return s;
}

#endif

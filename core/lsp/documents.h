/*
 * lsp/documents.h - the documents an editor has open: their text as the
 * editor holds it (saved or not), kept current from full and incremental
 * changes.
 *
 * Ownership: the store owns every document and string in it; a document
 * pointer is valid until the next call that opens, changes or closes a
 * document.
 */
#ifndef PLM_LSP_DOCUMENTS_H
#define PLM_LSP_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsp/text.h"
#include "plimsoll/error.h"
#include "util/source.h"

struct plm_lsp_document {
	char *uri;
	char *path;     /* the file the URI names; NULL: not a file: URI */
	char *language; /* the client's languageId; never NULL */
	int64_t version;
	struct plm_source *text; /* its path is `path`, else the URI */
};

struct plm_lsp_documents {
	struct plm_lsp_document **items;
	size_t count;
	size_t cap;
};

/* One change of textDocument/didChange: the whole text (has_range
 * false), or a range replaced. */
struct plm_lsp_change {
	bool has_range;
	struct plm_lsp_position start;
	struct plm_lsp_position end;
	const char *text;
	size_t len;
};

/* Opens (or reopens, replacing) a document with a copy of text. Returns
 * 0, PLM_ENOMEM or PLM_ELIMIT (larger than PLM_MAX_FILE_SIZE). */
PLM_NODISCARD int plm_lsp_documents_open(struct plm_lsp_documents *store,
	const char *uri, const char *language, int64_t version,
	const char *text, size_t len);
/* The open document with this URI, or NULL. */
struct plm_lsp_document *plm_lsp_documents_find(const struct plm_lsp_documents
							*store,
	const char *uri);
/* The open document whose file is path, or NULL. */
struct plm_lsp_document *plm_lsp_documents_find_path(const struct plm_lsp_documents
							     *store,
	const char *path);
/* Applies one change. Returns 0, PLM_ENOMEM or PLM_ELIMIT; the document is
 * unchanged on error. */
PLM_NODISCARD int plm_lsp_document_change(struct plm_lsp_document *doc,
	const struct plm_lsp_change *change);
/* Closes a document; nothing happens when it is not open. */
void plm_lsp_documents_close(struct plm_lsp_documents *store, const char *uri);
/* Frees every document. */
void plm_lsp_documents_finish(struct plm_lsp_documents *store);

/* The path a file: URI names (percent-decoded), malloc'd; NULL when the
 * URI is not a local file: URI or when out of memory. */
char *plm_lsp_uri_to_path(const char *uri);
/* The file: URI of an absolute path (percent-encoded), malloc'd; NULL
 * when out of memory. */
char *plm_lsp_path_to_uri(const char *path);

#endif

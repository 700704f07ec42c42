/*
 * lsp/documents.c - the open documents and their edits.
 */
#include "lsp/documents.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

static void document_destroy(struct plm_lsp_document *doc)
{
	if (doc == NULL) {
		return;
	}
	plm_free(doc->uri);
	plm_free(doc->path);
	plm_free(doc->language);
	plm_source_destroy(doc->text);
	plm_free(doc);
}

/* The byte a %XX escape at p stands for, or -1 when p is not one. */
static int escaped_byte(const char *p)
{
	if (p[0] != '%' || !isxdigit((unsigned char)p[1]) ||
		!isxdigit((unsigned char)p[2])) {
		return -1;
	}
	char digits[3] = {p[1], p[2], '\0'};
	return (int)strtol(digits, NULL, 16);
}

char *plm_lsp_uri_to_path(const char *uri)
{
	static const char scheme[] = "file://";
	if (strncmp(uri, scheme, sizeof(scheme) - 1) != 0) {
		return NULL;
	}
	const char *p = uri + sizeof(scheme) - 1;
	/* file://localhost/x is file:///x; another host is not ours. */
	if (strncmp(p, "localhost/", 10) == 0) {
		p += 9;
	}
	if (*p != '/') {
		return NULL;
	}
	char *out = plm_malloc(strlen(p) + 1);
	if (out == NULL) {
		return NULL;
	}
	size_t n = 0;
	for (; *p != '\0' && *p != '?' && *p != '#'; p++) {
		int byte = escaped_byte(p);
		if (byte >= 0) {
			out[n++] = (char)byte;
			p += 2;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	if (memchr(out, '\0', n) != NULL) {
		plm_free(out); /* %00 names no file */
		return NULL;
	}
	return out;
}

static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || strchr("-._~/", c) != NULL;
}

char *plm_lsp_path_to_uri(const char *path)
{
	size_t len = strlen(path);
	char *out = plm_malloc(sizeof("file://") + 3 * len);
	if (out == NULL) {
		return NULL;
	}
	size_t n = (size_t)sprintf(out, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (unreserved(*p) && *p != '\0') {
			out[n++] = (char)*p;
		} else {
			n += (size_t)sprintf(out + n, "%%%02X", *p);
		}
	}
	out[n] = '\0';
	return out;
}

struct plm_lsp_document *plm_lsp_documents_find(const struct plm_lsp_documents
							*store,
	const char *uri)
{
	for (size_t i = 0; i < store->count; i++) {
		if (strcmp(store->items[i]->uri, uri) == 0) {
			return store->items[i];
		}
	}
	return NULL;
}

struct plm_lsp_document *plm_lsp_documents_find_path(const struct plm_lsp_documents
							     *store,
	const char *path)
{
	for (size_t i = 0; i < store->count; i++) {
		const char *p = store->items[i]->path;
		if (p != NULL && strcmp(p, path) == 0) {
			return store->items[i];
		}
	}
	return NULL;
}

static int make_text(struct plm_lsp_document *doc, const char *bytes,
	size_t len, struct plm_source **out)
{
	if (len > PLM_MAX_FILE_SIZE) {
		return PLM_ELIMIT;
	}
	*out = plm_source_create(doc->path ? doc->path : doc->uri, bytes, len);
	return *out != NULL ? 0 : PLM_ENOMEM;
}

static int new_document(const char *uri, const char *language, int64_t version,
	struct plm_lsp_document **out)
{
	struct plm_lsp_document *doc = plm_calloc(1, sizeof(*doc));
	if (doc == NULL) {
		return PLM_ENOMEM;
	}
	doc->uri = plm_strdup(uri);
	doc->language = plm_strdup(language ? language : "");
	doc->version = version;
	/* An unsaved buffer (untitled:) or a remote file has no path: it is
	 * linted under its URI, by content. */
	doc->path = plm_lsp_uri_to_path(uri);
	if (doc->uri == NULL || doc->language == NULL) {
		document_destroy(doc);
		return PLM_ENOMEM;
	}
	*out = doc;
	return 0;
}

int plm_lsp_documents_open(struct plm_lsp_documents *store, const char *uri,
	const char *language, int64_t version, const char *text, size_t len)
{
	struct plm_lsp_document *doc = NULL;
	int rc = new_document(uri, language, version, &doc);
	if (rc == 0) {
		rc = make_text(doc, text, len, &doc->text);
	}
	if (rc == 0 && store->count == store->cap) {
		size_t ncap = store->cap ? store->cap * 2 : 8;
		void *n = plm_realloc(store->items,
			ncap * sizeof(*store->items));
		if (n == NULL) {
			rc = PLM_ENOMEM;
		} else {
			store->items = n;
			store->cap = ncap;
		}
	}
	if (rc != 0) {
		document_destroy(doc);
		return rc;
	}
	plm_lsp_documents_close(store, uri);
	store->items[store->count++] = doc;
	return 0;
}

int plm_lsp_document_change(struct plm_lsp_document *doc,
	const struct plm_lsp_change *change)
{
	const struct plm_source *old = doc->text;
	size_t start = 0, end = old->len;
	if (change->has_range) {
		start = plm_lsp_offset_at(old, change->start);
		end = plm_lsp_offset_at(old, change->end);
		if (end < start) {
			end = start; /* a reversed range replaces nothing */
		}
	}
	size_t len = old->len - (end - start) + change->len;
	if (len > PLM_MAX_FILE_SIZE) {
		return PLM_ELIMIT;
	}
	char *bytes = plm_malloc(len ? len : 1);
	if (bytes == NULL) {
		return PLM_ENOMEM;
	}
	memcpy(bytes, old->bytes, start);
	memcpy(bytes + start, change->text, change->len);
	memcpy(bytes + start + change->len, old->bytes + end, old->len - end);
	struct plm_source *text = NULL;
	int rc = make_text(doc, bytes, len, &text);
	plm_free(bytes);
	if (rc == 0) {
		plm_source_destroy(doc->text);
		doc->text = text;
	}
	return rc;
}

void plm_lsp_documents_close(struct plm_lsp_documents *store, const char *uri)
{
	for (size_t i = 0; i < store->count; i++) {
		if (strcmp(store->items[i]->uri, uri) == 0) {
			document_destroy(store->items[i]);
			store->items[i] = store->items[--store->count];
			return;
		}
	}
}

void plm_lsp_documents_finish(struct plm_lsp_documents *store)
{
	for (size_t i = 0; i < store->count; i++) {
		document_destroy(store->items[i]);
	}
	plm_free(store->items);
	*store = (struct plm_lsp_documents){0};
}

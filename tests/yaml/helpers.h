/*
 * tests/yaml/helpers.h - small helpers shared by the YAML, Compose and
 * Kubernetes unit tests (header-only, static).
 */
#ifndef PLM_TESTS_YAML_HELPERS_H
#define PLM_TESTS_YAML_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/document.h"
#include "model/node.h"
#include "util/source.h"

static inline struct plm_doc *doc_from(const char *path, const char *text,
	enum plm_kind kind)
{
	struct plm_source *s = plm_source_create(path, text, strlen(text));
	assert_non_null(s);
	struct plm_doc *doc = plm_doc_create_take(s, kind);
	assert_non_null(doc);
	return doc;
}

/* Walks a path of map keys and sequence indices ("containers.0.name"). */
static inline struct plm_node *at(const struct plm_node *n, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ".", &save); tok != NULL && n != NULL;
		tok = strtok_r(NULL, ".", &save)) {
		if (n->kind == PLM_NODE_SEQ) {
			size_t i = (size_t)strtoul(tok, NULL, 10);
			n = i < n->as.seq.count ? n->as.seq.items[i] : NULL;
		} else {
			n = plm_node_get(n, tok);
		}
	}
	return (struct plm_node *)n;
}

static inline const char *str_at(const struct plm_node *n, const char *path)
{
	return plm_node_str(at(n, path));
}

/* The diagnostic with this code, or NULL. */
static inline const struct plm_diag *diag_with(const struct plm_doc *doc,
	const char *code)
{
	for (size_t i = 0; i < doc->diag_count; i++) {
		if (strcmp(doc->diags[i].code, code) == 0) {
			return &doc->diags[i];
		}
	}
	return NULL;
}

static inline size_t error_count(const struct plm_doc *doc)
{
	size_t n = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		n += doc->diags[i].level == PLM_DIAG_ERROR;
	}
	return n;
}

/* The 1-based line of a span in the doc. */
static inline unsigned line_of(const struct plm_doc *doc, struct plm_span s)
{
	return plm_doc_region(doc, s).start_line;
}

/* Text of the source bytes a span covers. */
static inline char *span_text(const struct plm_doc *doc, struct plm_span s)
{
	static char buf[512];
	const struct plm_source *src = doc->sources[s.source];
	size_t n = s.end - s.start;
	if (n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
	}
	memcpy(buf, src->bytes + s.start, n);
	buf[n] = '\0';
	return buf;
}

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif

/*
 * tests/dockerfile/helpers.h - parsing a string and reaching into the model.
 */
#ifndef PLM_TESTS_DOCKERFILE_HELPERS_H
#define PLM_TESTS_DOCKERFILE_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockerfile/dockerfile.h"
#include "model/document.h"
#include "model/node.h"
#include "util/source.h"

static inline struct plm_doc *parse_n(const char *text, size_t len)
{
	struct plm_source *src = plm_source_create("Dockerfile", text, len);
	assert_non_null(src);
	struct plm_doc *doc = plm_doc_create_take(src, PLM_KIND_DOCKERFILE);
	assert_non_null(doc);
	assert_int_equal(plm_dockerfile_build(doc), 0);
	assert_non_null(doc->tree);
	assert_non_null(doc->containers);
	return doc;
}

static inline struct plm_doc *parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static inline struct plm_node *item(const struct plm_node *seq, size_t i)
{
	assert_non_null(seq);
	assert_int_equal(seq->kind, PLM_NODE_SEQ);
	assert_true(i < seq->as.seq.count);
	return seq->as.seq.items[i];
}

static inline struct plm_node *get(const struct plm_node *map, const char *key)
{
	struct plm_node *v = plm_node_get(map, key);
	if (v == NULL) {
		fail_msg("no key '%s'", key);
	}
	return v;
}

static inline const char *str(const struct plm_node *map, const char *key)
{
	const struct plm_node *v = get(map, key);
	if (v->kind != PLM_NODE_STRING) {
		fail_msg("'%s' is a %s, not a string", key,
			plm_node_kind_name(v->kind));
	}
	return v->as.string.ptr;
}

static inline bool is_null(const struct plm_node *map, const char *key)
{
	return get(map, key)->kind == PLM_NODE_NULL;
}

static inline int64_t integer(const struct plm_node *map, const char *key)
{
	const struct plm_node *v = get(map, key);
	assert_int_equal(v->kind, PLM_NODE_INT);
	return v->as.integer;
}

static inline bool boolean(const struct plm_node *map, const char *key)
{
	const struct plm_node *v = get(map, key);
	assert_int_equal(v->kind, PLM_NODE_BOOL);
	return v->as.boolean;
}

static inline struct plm_node *stage(const struct plm_doc *doc, size_t i)
{
	return item(get(doc->tree, "stages"), i);
}

/* Instruction j of stage i. */
static inline struct plm_node *instr(const struct plm_doc *doc, size_t i,
	size_t j)
{
	return item(get(stage(doc, i), "instructions"), j);
}

static inline struct plm_node *container(const struct plm_doc *doc)
{
	return item(doc->containers, 0);
}

static inline const char *seq_str(const struct plm_node *seq, size_t i)
{
	const struct plm_node *v = item(seq, i);
	assert_int_equal(v->kind, PLM_NODE_STRING);
	return v->as.string.ptr;
}

/* The number of diagnostics with this code. */
static inline size_t diags(const struct plm_doc *doc, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		if (strcmp(doc->diags[i].code, code) == 0) {
			n++;
		}
	}
	return n;
}

/* The first diagnostic with this code (fails if none). */
static inline const struct plm_diag *diag(const struct plm_doc *doc,
	const char *code)
{
	for (size_t i = 0; i < doc->diag_count; i++) {
		if (strcmp(doc->diags[i].code, code) == 0) {
			return &doc->diags[i];
		}
	}
	fail_msg("no diagnostic %s", code);
	return NULL;
}

/* 1-based line and column of a span's start. */
static inline void assert_at(const struct plm_doc *doc, struct plm_span span,
	uint32_t line, uint32_t column)
{
	struct plm_region r = plm_doc_region(doc, span);
	assert_int_equal(r.start_line, line);
	assert_int_equal(r.start_column, column);
}

/* The text a span covers. */
static inline void assert_span_text(const struct plm_doc *doc,
	struct plm_span span, const char *text)
{
	const struct plm_source *src = doc->sources[span.source];
	assert_true(span.end <= src->len);
	size_t n = span.end - span.start;
	if (n != strlen(text) ||
		memcmp(src->bytes + span.start, text, n) != 0) {
		fail_msg("span covers '%.*s', expected '%s'", (int)n,
			src->bytes + span.start, text);
	}
}

#endif

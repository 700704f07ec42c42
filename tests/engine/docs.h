/*
 * tests/engine/docs.h - documents built by hand for engine tests, shaped
 * like docs/model.md (file helpers: tests/common/testutil.h).
 */
#ifndef PLM_TESTS_ENGINE_DOCS_H
#define PLM_TESTS_ENGINE_DOCS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "model/document.h"
#include "model/node.h"
#include "testutil.h"

/* The span of the first occurrence of needle in the main source (or of
 * the whole text when absent). */
static inline struct plm_span test_at(const struct plm_doc *doc,
	const char *needle)
{
	const struct plm_source *s = plm_doc_main(doc);
	const char *p = strstr(s->bytes, needle);
	if (p == NULL) {
		return plm_span_make(0, (uint32_t)s->len);
	}
	uint32_t start = (uint32_t)(p - s->bytes);
	return plm_span_make(start, start + (uint32_t)strlen(needle));
}

static inline struct plm_doc *test_doc(enum plm_kind kind, const char *path,
	const char *text)
{
	struct plm_source *s = plm_source_create(path, text, strlen(text));
	struct plm_doc *doc = plm_doc_create_take(s, kind);
	struct plm_span all = plm_span_make(0, (uint32_t)strlen(text));
	doc->tree = plm_node_map(doc->arena, all);
	doc->containers = plm_node_seq(doc->arena, all);
	/* Full-line comments, as a front end records them. */
	const struct plm_source *src = plm_doc_main(doc);
	for (uint32_t l = 0; l < src->line_count; l++) {
		size_t len = 0;
		const char *line = plm_source_line(src, l, &len);
		const char *hash = memchr(line, '#', len);
		if (hash != NULL) {
			plm_doc_set_comment(doc, l, hash,
				len - (size_t)(hash - line));
		}
	}
	return doc;
}

static inline struct plm_node *implicit_null(struct plm_doc *doc,
	struct plm_span decl)
{
	struct plm_node *n = plm_node_null(doc->arena, decl);
	n->flags |= PLM_NODE_IMPLICIT;
	return n;
}

static inline void test_set(struct plm_doc *doc, struct plm_node *map,
	const char *key, struct plm_node *value)
{
	if (plm_node_set(doc->arena, map, key, value->span, value) != 0) {
		abort();
	}
}

/* A container record declared at decl; every optional field implicit. */
static inline struct plm_node *test_container(struct plm_doc *doc,
	const char *name, const char *origin, struct plm_span decl)
{
	struct plm_arena *a = doc->arena;
	struct plm_node *c = plm_node_map(a, decl);
	test_set(doc, c, "name", plm_node_cstring(a, decl, name));
	test_set(doc, c, "origin", plm_node_cstring(a, decl, origin));
	test_set(doc, c, "role",
		plm_node_cstring(a, decl,
			strcmp(origin, "dockerfile") == 0 ? "stage"
				: strcmp(origin, "compose") == 0
				? "service"
				: "container"));
	struct plm_node *user = plm_node_map(a, decl);
	user->flags |= PLM_NODE_IMPLICIT;
	test_set(doc, user, "text", implicit_null(doc, decl));
	test_set(doc, user, "root", implicit_null(doc, decl));
	test_set(doc, c, "user", user);
	test_set(doc, c, "run_as_non_root", implicit_null(doc, decl));
	test_set(doc, c, "privileged", implicit_null(doc, decl));
	struct plm_node *caps = plm_node_map(a, decl);
	test_set(doc, caps, "add", plm_node_seq(a, decl));
	test_set(doc, caps, "drop", plm_node_seq(a, decl));
	test_set(doc, c, "capabilities", caps);
	test_set(doc, c, "mounts", plm_node_seq(a, decl));
	test_set(doc, c, "command", implicit_null(doc, decl));
	test_set(doc, c, "entrypoint", implicit_null(doc, decl));
	test_set(doc, c, "lifecycle", plm_node_seq(a, decl));
	test_set(doc, c, "build", implicit_null(doc, decl));
	if (plm_node_push(a, doc->containers, c) != 0) {
		abort();
	}
	return c;
}

/* Sets c.user to a written spec at span; root: 1 yes, 0 no, -1 unknown. */
static inline void test_user(struct plm_doc *doc, struct plm_node *c,
	const char *text, struct plm_span span, int root)
{
	struct plm_arena *a = doc->arena;
	struct plm_node *user = plm_node_map(a, span);
	test_set(doc, user, "text", plm_node_cstring(a, span, text));
	test_set(doc, user, "root",
		root < 0 ? plm_node_null(a, span)
			 : plm_node_bool(a, span, root == 1));
	test_set(doc, c, "user", user);
}

#endif

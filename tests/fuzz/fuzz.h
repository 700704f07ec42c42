/*
 * tests/fuzz/fuzz.h - what every fuzz target shares: turning the fuzzer's
 * bytes into a document of a given kind, and touching every node so that
 * a dangling pointer or an uninitialized span shows up under ASan.
 *
 * Each target defines LLVMFuzzerTestOneInput (and, where it needs a setup
 * that is costly to repeat, LLVMFuzzerInitialize). The same object links
 * either with libFuzzer (-Dfuzz=true) or with replay.c, which feeds it the
 * files of tests/fuzz/regressions/<target>/ in the normal and ASan builds.
 */
#ifndef PLM_TESTS_FUZZ_FUZZ_H
#define PLM_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/document.h"
#include "model/node.h"
#include "util/source.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A document of `kind` owning a copy of data, shown as `path`; NULL when
 * the input is larger than a source may be or memory ran out. */
static inline struct plm_doc *fuzz_doc(const char *path, const uint8_t *data,
	size_t size, enum plm_kind kind)
{
	struct plm_source *src = plm_source_create(path, (const char *)data,
		size);
	if (src == NULL) {
		return NULL;
	}
	return plm_doc_create_take(src, kind);
}

/* Stops the program with a message: the fuzzer records it as a crash. */
static inline void fuzz_invariant(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz: model invariant broken: %s\n", what);
		abort();
	}
}

/* Checks what every consumer of the model relies on (docs/architecture.md):
 * a span names an existing source and lies inside it, start <= end. */
static inline void fuzz_check_span(const struct plm_doc *doc,
	struct plm_span span)
{
	fuzz_invariant(span.source < doc->source_count, "span source index");
	const struct plm_source *src = doc->sources[span.source];
	fuzz_invariant(span.start <= span.end, "span start <= end");
	fuzz_invariant(span.end <= src->len, "span end inside its source");
}

static inline void fuzz_check_utf8(const char *s, size_t len, const char *what)
{
	fuzz_invariant(s != NULL, what);
	fuzz_invariant(plm_utf8_check(s, len) == len, what);
}

/* Reads every node reachable from n, checks its span and strings, and
 * converts its span to a region as an output plugin would. Aliased YAML
 * nodes are shared, so a budget bounds the walk (a billion-laughs input
 * may expand to PLM_YAML_MAX_ALIAS_NODES nodes). Returns a checksum so the
 * compiler cannot drop the reads. */
static inline uint64_t fuzz_walk(const struct plm_doc *doc,
	const struct plm_node *n, unsigned depth, size_t *budget)
{
	if (n == NULL || depth > 4096 || *budget == 0) {
		return 0;
	}
	(*budget)--;
	fuzz_check_span(doc, n->span);
	struct plm_region r = plm_doc_region(doc, n->span);
	uint64_t sum = (uint64_t)n->kind + r.start_line + r.end_column;
	if (n->text != NULL && n->text_len > 0) {
		sum += (unsigned char)n->text[n->text_len - 1];
	}
	switch (n->kind) {
	case PLM_NODE_STRING:
		fuzz_check_utf8(n->as.string.ptr, n->as.string.len,
			"string node is valid UTF-8");
		fuzz_invariant(n->as.string.ptr[n->as.string.len] == '\0',
			"string node is NUL-terminated");
		sum += n->as.string.len;
		break;
	case PLM_NODE_SEQ:
		for (size_t i = 0; i < n->as.seq.count; i++) {
			sum += fuzz_walk(doc, n->as.seq.items[i], depth + 1,
				budget);
		}
		break;
	case PLM_NODE_MAP:
		for (size_t i = 0; i < n->as.map.count; i++) {
			const struct plm_entry *e = &n->as.map.entries[i];
			fuzz_check_utf8(e->key, e->key_len,
				"map key is valid UTF-8");
			fuzz_check_span(doc, e->key_span);
			sum += e->key_len;
			sum += fuzz_walk(doc, e->value, depth + 1, budget);
		}
		break;
	default:
		break;
	}
	return sum;
}

/* Walks a document's tree, containers and diagnostics. */
static inline uint64_t fuzz_walk_doc(const struct plm_doc *doc)
{
	size_t budget = 200000;
	uint64_t sum = fuzz_walk(doc, doc->tree, 0, &budget);
	budget = 200000;
	sum += fuzz_walk(doc, doc->containers, 0, &budget);
	for (size_t i = 0; i < doc->diag_count; i++) {
		const struct plm_diag *d = &doc->diags[i];
		fuzz_check_span(doc, d->span);
		fuzz_invariant(d->code != NULL, "diagnostic has a code");
		fuzz_check_utf8(d->message, strlen(d->message),
			"diagnostic message is valid UTF-8");
		struct plm_region r = plm_doc_region(doc, d->span);
		sum += r.start_line + strlen(d->code);
	}
	for (size_t i = 0; i < doc->comment_count; i++) {
		if (doc->comments[i] != NULL) {
			sum += strlen(doc->comments[i]);
		}
	}
	return sum;
}

#endif

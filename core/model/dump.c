#include "model/dump.h"

#include <jansson.h>
#include <stdio.h>

/* Depth bound for the writer; the loaders bound depth far below this. */
#define DUMP_MAX_DEPTH 4096

static json_t *span_json(const struct plm_doc *doc, struct plm_span span,
	bool implicit)
{
	struct plm_region r = plm_doc_region(doc, span);
	char buf[96];
	const char *file = "";
	if (span.source != 0 && span.source < doc->source_count) {
		file = doc->sources[span.source]->path;
	}
	snprintf(buf, sizeof(buf), "%s%u:%u-%u:%u%s", span.source ? "@" : "",
		r.start_line, r.start_column, r.end_line, r.end_column,
		implicit ? " (implicit)" : "");
	if (span.source != 0) {
		json_t *s = json_pack("{s:s, s:s}", "file", file, "at", buf);
		return s;
	}
	return json_string(buf);
}

/* The last span written: a record's implicit fields all span its
 * declaration, so one string serves them all (jansson shares values by
 * reference count). */
struct span_cache {
	struct plm_span span;
	bool implicit;
	json_t *json;
};

static json_t *cached_span(const struct plm_doc *doc, struct span_cache *c,
	struct plm_span span, bool implicit)
{
	if (c->json == NULL || c->implicit != implicit ||
		c->span.source != span.source || c->span.start != span.start ||
		c->span.end != span.end) {
		json_decref(c->json);
		c->json = span_json(doc, span, implicit);
		c->span = span;
		c->implicit = implicit;
	}
	return json_incref(c->json);
}

static json_t *node_json(const struct plm_doc *doc, const struct plm_node *n,
	const struct plm_dump_options *o, int depth, struct span_cache *sc)
{
	if (n == NULL) {
		return json_null();
	}
	if (depth > DUMP_MAX_DEPTH) {
		return json_string("(too deep)");
	}
	json_t *v = NULL;
	if ((n->flags & PLM_NODE_LINK) && n->kind == PLM_NODE_SEQ &&
		n->as.seq.count == 1) {
		/* A link: where the raw node is, not a second copy of it. */
		return json_pack("{s:o}", "link",
			span_json(doc, n->as.seq.items[0]->span, false));
	}
	switch (n->kind) {
	case PLM_NODE_NULL:
		v = json_null();
		break;
	case PLM_NODE_BOOL:
		v = json_boolean(n->as.boolean);
		break;
	case PLM_NODE_INT:
		v = json_integer((json_int_t)n->as.integer);
		break;
	case PLM_NODE_FLOAT:
		v = json_real(n->as.number);
		break;
	case PLM_NODE_STRING:
		v = json_stringn_nocheck(n->as.string.ptr, n->as.string.len);
		break;
	case PLM_NODE_SEQ:
		v = json_array();
		for (size_t i = 0; v && i < n->as.seq.count; i++) {
			json_array_append_new(v,
				node_json(doc, n->as.seq.items[i], o, depth + 1,
					sc));
		}
		break;
	case PLM_NODE_MAP:
		v = json_object();
		for (size_t i = 0; v && i < n->as.map.count; i++) {
			const struct plm_entry *e = &n->as.map.entries[i];
			json_object_setn_new_nocheck(v, e->key, e->key_len,
				node_json(doc, e->value, o, depth + 1, sc));
		}
		break;
	}
	if (o->spans && v != NULL) {
		json_t *w = json_object();
		json_object_set_new(w, "value", v);
		json_object_set_new(w, "span",
			cached_span(doc, sc, n->span,
				(n->flags & PLM_NODE_IMPLICIT) != 0));
		if (n->flags & PLM_NODE_INTERPOLATED) {
			json_object_set_new(w, "interpolated", json_true());
		}
		if (n->flags & PLM_NODE_INHERITED) {
			json_object_set_new(w, "inherited", json_true());
		}
		if (n->flags & PLM_NODE_UNKNOWN) {
			json_object_set_new(w, "unknown", json_true());
		}
		return w;
	}
	return v;
}

static const char *level_name(enum plm_diag_level level)
{
	switch (level) {
	case PLM_DIAG_ERROR:
		return "error";
	case PLM_DIAG_WARNING:
		return "warning";
	default:
		return "note";
	}
}

int plm_dump_doc(FILE *out, const struct plm_doc *doc,
	const struct plm_dump_options *o)
{
	json_t *root = json_object();
	if (root == NULL) {
		return PLM_ENOMEM;
	}
	json_object_set_new(root, "path", json_string(plm_doc_main(doc)->path));
	json_object_set_new(root, "kind",
		json_string(plm_kind_name(doc->kind)));
	json_t *diags = json_array();
	for (size_t i = 0; i < doc->diag_count; i++) {
		const struct plm_diag *d = &doc->diags[i];
		struct plm_region r = plm_doc_region(doc, d->span);
		const char *file = d->span.source < doc->source_count
			? doc->sources[d->span.source]->path
			: "";
		json_array_append_new(diags,
			json_pack("{s:s, s:s, s:s, s:i, s:i, s:s}", "level",
				level_name(d->level), "code", d->code, "file",
				file, "line", (int)r.start_line, "column",
				(int)r.start_column, "message", d->message));
	}
	json_object_set_new(root, "diagnostics", diags);
	struct span_cache sc = {{0, 0, 0}, false, NULL};
	if (o->tree) {
		json_object_set_new(root, "tree",
			node_json(doc, doc->tree, o, 0, &sc));
	}
	if (o->containers) {
		json_object_set_new(root, "containers",
			node_json(doc, doc->containers, o, 0, &sc));
	}
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) == 0
		? 0
		: PLM_EIO;
	if (rc == 0) {
		fputc('\n', out);
	}
	json_decref(sc.json);
	json_decref(root);
	return rc;
}

/*
 * yaml/yaml.c - libyaml events to plm_node trees.
 *
 * The event API (not libyaml's document API) is used so that anchors,
 * aliases, merges and limits are ours: an alias shares the anchored node and
 * adds its size to an expansion budget, a `<<` key is applied when its map
 * ends, and a nesting or size limit stops the document early. libyaml stops
 * at its first error, so the loader restarts a fresh parser at the next line
 * that begins with `---` and goes on with the documents after it.
 */
#include "yaml/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/utf8.h"
#include "yaml/keyset.h"
#include "util/alloc.h"

static const char TAG_STR[] = "tag:yaml.org,2002:str";
static const char TAG_NULL[] = "tag:yaml.org,2002:null";
static const char TAG_BOOL[] = "tag:yaml.org,2002:bool";
static const char TAG_INT[] = "tag:yaml.org,2002:int";
static const char TAG_FLOAT[] = "tag:yaml.org,2002:float";

struct anchor {
	char *name; /* malloc'd; NULL for an empty slot */
	struct plm_node *node;
	size_t size; /* nodes in the anchored subtree */
};

struct frame {
	struct plm_node *node; /* a SEQ or a MAP */
	size_t size;           /* nodes in the subtree so far */
	char *anchor;          /* malloc'd anchor name, or NULL */
	/* maps: the key waiting for its value */
	bool have_key;
	bool key_is_merge;
	const char *key; /* in the arena */
	size_t key_len;
	struct plm_span key_span;
	struct plm_node *merges; /* SEQ of maps given to `<<`, or NULL */
	bool flow;               /* written [ ] or { } */
};

/* A range of a quoted or block scalar: `#` inside is not a comment. */
struct range {
	uint32_t start, end;
};

struct loader {
	struct plm_doc *doc;
	struct plm_arena *arena;
	const struct plm_source *src;
	uint32_t source;
	enum plm_yaml_schema schema;
	bool ascii;   /* character index == byte offset */
	uint32_t bom; /* bytes of a UTF-8 byte order mark */
	/* where the current parser started */
	uint32_t base_offset;
	uint32_t base_line;
	struct frame *frames;
	size_t depth, frames_cap;
	struct plm_node *root;
	struct anchor *anchors;
	size_t anchor_count, anchor_cap;
	size_t alias_nodes;
	struct range *ranges;
	size_t range_count, range_cap;
	struct plm_node *out;
	/* non-ASCII text: the last character index converted, and its byte;
	 * the offset of the next byte past 127 at or after it, or len (0:
	 * not found yet) */
	size_t cursor_index, cursor_offset, next_high;
};

/* ---- positions ------------------------------------------------------ */

/* The offset of the first byte past 127 in s[from..len), or len. */
static size_t find_high(const unsigned char *s, size_t from, size_t len)
{
	const uint64_t high = UINT64_C(0x8080808080808080);
	while (len - from >= 8) {
		uint64_t w;
		memcpy(&w, s + from, 8);
		if ((w & high) != 0) {
			break;
		}
		from += 8;
	}
	while (from < len && s[from] < 0x80) {
		from++;
	}
	return from;
}

/* Byte offset of a character index for non-ASCII text, walking from the
 * last conversion (marks come mostly in order, so this stays linear). A
 * character is a byte and the continuation bytes after it; the run of
 * ASCII bytes before the next byte past 127 is crossed in one step (a
 * manifest's few non-ASCII characters are far apart, its marks close). */
static bool cursor_offset(struct loader *l, size_t index, size_t *off)
{
	if (index < l->cursor_index) {
		return false;
	}
	const unsigned char *s = (const unsigned char *)l->src->bytes;
	size_t len = l->src->len;
	size_t b = l->cursor_offset;
	size_t i = l->cursor_index;
	while (i < index && b < len) {
		if (l->next_high <= b) {
			l->next_high = find_high(s, b, len);
		}
		size_t ascii = l->next_high - b;
		size_t step = ascii == 0
			? 1
			: (index - i < ascii ? index - i : ascii);
		i += step;
		b += step;
		while (b < len && (s[b] & 0xC0) == 0x80) {
			b++;
		}
	}
	l->cursor_index = index;
	l->cursor_offset = b;
	*off = b;
	return true;
}

static uint32_t mark_offset(struct loader *l, const yaml_mark_t *m)
{
	size_t off;
	if (l->ascii) {
		off = (size_t)l->base_offset + l->bom + m->index;
	} else if (cursor_offset(l, m->index, &off)) {
		/* done */
	} else {
		uint32_t line = l->base_line + (uint32_t)m->line;
		uint32_t column = (uint32_t)m->column;
		if (line == 0 && l->bom) {
			column++; /* the mark does not count the BOM */
		}
		off = plm_source_offset_at(l->src, line, column);
	}
	return off > l->src->len ? (uint32_t)l->src->len : (uint32_t)off;
}

static struct plm_span mark_span(struct loader *l, const yaml_mark_t *start,
	const yaml_mark_t *end)
{
	struct plm_span s = {l->source, mark_offset(l, start),
		mark_offset(l, end)};
	if (s.end < s.start) {
		s.end = s.start;
	}
	return s;
}

/* ---- anchors -------------------------------------------------------- */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++) {
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	}
	return h;
}

static struct anchor *anchor_slot(struct loader *l, const char *name)
{
	size_t mask = l->anchor_cap - 1;
	size_t i = (size_t)hash_name(name) & mask;
	while (l->anchors[i].name != NULL &&
		strcmp(l->anchors[i].name, name) != 0) {
		i = (i + 1) & mask;
	}
	return &l->anchors[i];
}

static int anchor_define(struct loader *l, char *name, struct plm_node *node,
	size_t size)
{
	if ((l->anchor_count + 1) * 2 > l->anchor_cap) {
		size_t ncap = l->anchor_cap ? l->anchor_cap * 2 : 16;
		struct anchor *old = l->anchors;
		size_t old_cap = l->anchor_cap;
		l->anchors = plm_calloc(ncap, sizeof(*l->anchors));
		if (l->anchors == NULL) {
			l->anchors = old;
			plm_free(name);
			return PLM_ENOMEM;
		}
		l->anchor_cap = ncap;
		for (size_t i = 0; i < old_cap; i++) {
			if (old[i].name != NULL) {
				*anchor_slot(l, old[i].name) = old[i];
			}
		}
		plm_free(old);
	}
	struct anchor *a = anchor_slot(l, name);
	if (a->name != NULL) {
		plm_free(a->name); /* a redefined anchor: the latest wins */
	} else {
		l->anchor_count++;
	}
	a->name = name;
	a->node = node;
	a->size = size;
	return 0;
}

static const struct anchor *anchor_find(struct loader *l, const char *name)
{
	if (l->anchor_cap == 0) {
		return NULL;
	}
	struct anchor *a = anchor_slot(l, name);
	return a->name != NULL ? a : NULL;
}

static void anchors_clear(struct loader *l)
{
	for (size_t i = 0; i < l->anchor_cap; i++) {
		plm_free(l->anchors[i].name);
	}
	plm_free(l->anchors);
	l->anchors = NULL;
	l->anchor_count = l->anchor_cap = 0;
}

/* ---- building ------------------------------------------------------- */

static void frames_unwind(struct loader *l)
{
	while (l->depth > 0) {
		plm_free(l->frames[--l->depth].anchor);
	}
	l->root = NULL;
}

static bool is_plain_merge_key(const yaml_event_t *ev)
{
	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		ev->data.scalar.length == 2 &&
		memcmp(ev->data.scalar.value, "<<", 2) == 0 &&
		(ev->data.scalar.tag == NULL);
}

static const char *region_line_text(const struct loader *l, uint32_t offset,
	char *buf, size_t size)
{
	struct plm_region r = plm_source_region(l->src, offset, offset);
	snprintf(buf, size, "line %u", (unsigned)r.start_line);
	return buf;
}

static void report_duplicate(struct loader *l, const struct plm_entry *first,
	const struct plm_entry *dup)
{
	char where[32];
	plm_doc_diag(l->doc, PLM_DIAG_WARNING, "yaml/duplicate-key",
		dup->key_span,
		"duplicate key \"%s\" (first at %s): keys of a "
		"mapping must be unique; the last value is used",
		dup->key,
		region_line_text(l, first->key_span.start, where,
			sizeof(where)));
}

static int key_compare(const struct plm_entry *a, const struct plm_entry *b)
{
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);
	if (c != 0) {
		return c;
	}
	return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

/* Merge sort of entry indices by (key, index): no qsort_r in C11. */
static void sort_indices(const struct plm_entry *e, size_t *idx, size_t *tmp,
	size_t n)
{
	if (n < 2) {
		return;
	}
	size_t h = n / 2;
	sort_indices(e, idx, tmp, h);
	sort_indices(e, idx + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n) {
		if (key_compare(&e[idx[j]], &e[idx[i]]) < 0) {
			tmp[k++] = idx[j++];
		} else {
			tmp[k++] = idx[i++];
		}
	}
	while (i < h) {
		tmp[k++] = idx[i++];
	}
	while (j < n) {
		tmp[k++] = idx[j++];
	}
	memcpy(idx, tmp, n * sizeof(*idx));
}

/* Replaces earlier duplicates by the last value (at the first key's place)
 * and reports each. */
static int dedupe_map(struct loader *l, struct plm_node *map)
{
	size_t n = map->as.map.count;
	struct plm_entry *e = map->as.map.entries;
	if (n < 2) {
		return 0;
	}
	bool any = false;
	bool *drop = NULL;
	if (n <= 16) {
		for (size_t i = 1; i < n && !any; i++) {
			for (size_t j = 0; j < i; j++) {
				if (key_compare(&e[i], &e[j]) == 0) {
					any = true;
					break;
				}
			}
		}
		if (!any) {
			return 0;
		}
	}
	size_t *idx = plm_malloc(2 * n * sizeof(*idx));
	drop = plm_calloc(n, sizeof(*drop));
	if (idx == NULL || drop == NULL) {
		plm_free(idx);
		plm_free(drop);
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		idx[i] = i;
	}
	sort_indices(e, idx, idx + n, n);
	any = false;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && key_compare(&e[idx[i]], &e[idx[j]]) == 0) {
			j++;
		}
		if (j - i > 1) {
			struct plm_entry *first = &e[idx[i]];
			for (size_t k = i + 1; k < j; k++) {
				report_duplicate(l, first, &e[idx[k]]);
				drop[idx[k]] = true;
			}
			first->value = e[idx[j - 1]].value;
			any = true;
		}
		i = j;
	}
	if (any) {
		size_t w = 0;
		for (size_t i = 0; i < n; i++) {
			if (!drop[i]) {
				e[w++] = e[i];
			}
		}
		map->as.map.count = w;
	}
	plm_free(idx);
	plm_free(drop);
	return 0;
}

/* Merged keys go after the map's own, skipping keys already present
 * (the map's own win, then earlier merged maps): linear, with a key set. */
static int apply_merges(struct loader *l, struct frame *f)
{
	struct plm_node *map = f->node;
	struct plm_keyset seen = {0};
	int rc = 0;
	for (size_t j = 0; j < map->as.map.count && rc == 0; j++) {
		rc = plm_keyset_add(&seen, map->as.map.entries[j].key,
			map->as.map.entries[j].key_len, j);
	}
	for (size_t m = 0; m < f->merges->as.seq.count && rc == 0; m++) {
		const struct plm_node *src = f->merges->as.seq.items[m];
		for (size_t i = 0; i < src->as.map.count && rc == 0; i++) {
			const struct plm_entry *e = &src->as.map.entries[i];
			if (plm_keyset_find(&seen, e->key, e->key_len, NULL)) {
				continue;
			}
			rc = plm_node_append(l->arena, map, e->key, e->key_len,
				e->key_span, e->value);
			if (rc == 0) {
				/* the key string of the appended entry lives as
				 * long as the arena */
				const struct plm_entry *added =
					&map->as.map.entries[map->as.map.count -
						1];
				rc = plm_keyset_add(&seen, added->key,
					added->key_len, map->as.map.count - 1);
			}
		}
	}
	plm_keyset_finish(&seen);
	return rc == 0 ? 0 : PLM_ENOMEM;
}

/* Gives a finished node (and its subtree size) to the parent, or makes it
 * the document's root. */
static int attach(struct loader *l, struct plm_node *node, size_t size)
{
	if (l->depth == 0) {
		l->root = node;
		return 0;
	}
	struct frame *p = &l->frames[l->depth - 1];
	p->size += size;
	if (node->span.end > p->node->span.end) {
		p->node->span.end = node->span.end;
	}
	if (p->node->kind == PLM_NODE_SEQ) {
		return plm_node_push(l->arena, p->node, node);
	}
	if (!p->have_key) {
		/* A key that is not a scalar (`? [a, b]`): keep its text. */
		plm_doc_diag(l->doc, PLM_DIAG_WARNING, "yaml/complex-key",
			node->span,
			"a mapping key must be a scalar; this %s key "
			"is kept as an empty key",
			plm_node_kind_name(node->kind));
		p->have_key = true;
		p->key_is_merge = false;
		p->key = "";
		p->key_len = 0;
		p->key_span = node->span;
		return 0;
	}
	p->have_key = false;
	if (p->key_is_merge) {
		if (node->kind == PLM_NODE_MAP || node->kind == PLM_NODE_SEQ) {
			if (p->merges == NULL) {
				p->merges = plm_node_seq(l->arena, node->span);
				if (p->merges == NULL) {
					return PLM_ENOMEM;
				}
			}
			if (node->kind == PLM_NODE_MAP) {
				return plm_node_push(l->arena, p->merges, node);
			}
			for (size_t i = 0; i < node->as.seq.count; i++) {
				struct plm_node *item = node->as.seq.items[i];
				if (item->kind != PLM_NODE_MAP) {
					plm_doc_diag(l->doc, PLM_DIAG_ERROR,
						"yaml/bad-merge", item->span,
						"a `<<` merge list must hold maps; "
						"this item is a %s",
						plm_node_kind_name(item->kind));
					continue;
				}
				if (plm_node_push(l->arena, p->merges, item) !=
					0) {
					return PLM_ENOMEM;
				}
			}
			return 0;
		}
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "yaml/bad-merge",
			node->span,
			"the value of a `<<` merge key must be a map "
			"or a list of maps, not a %s",
			plm_node_kind_name(node->kind));
		return 0;
	}
	return plm_node_append_static(l->arena, p->node, p->key, p->key_len,
		p->key_span, node);
}

static char *copy_anchor(const yaml_char_t *anchor)
{
	return anchor ? plm_strdup((const char *)anchor) : NULL;
}

/* Returns 0, PLM_ENOMEM, or PLM_ELIMIT (diagnostic raised). */
static int push_frame(struct loader *l, struct plm_node *node,
	const yaml_char_t *anchor)
{
	if (l->depth >= PLM_YAML_MAX_DEPTH) {
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "limit/yaml-depth",
			node->span,
			"nesting deeper than %d levels "
			"(PLM_YAML_MAX_DEPTH); the rest of this document is "
			"skipped",
			PLM_YAML_MAX_DEPTH);
		return PLM_ELIMIT;
	}
	if (l->depth == l->frames_cap) {
		size_t ncap = l->frames_cap ? l->frames_cap * 2 : 16;
		struct frame *f = plm_realloc(l->frames, ncap * sizeof(*f));
		if (f == NULL) {
			return PLM_ENOMEM;
		}
		l->frames = f;
		l->frames_cap = ncap;
	}
	struct frame *f = &l->frames[l->depth];
	memset(f, 0, sizeof(*f));
	f->node = node;
	f->size = 1;
	if (anchor != NULL) {
		f->anchor = copy_anchor(anchor);
		if (f->anchor == NULL) {
			return PLM_ENOMEM;
		}
	}
	l->depth++;
	return 0;
}

static int pop_frame(struct loader *l)
{
	struct frame f = l->frames[--l->depth];
	int rc = 0;
	if (f.node->kind == PLM_NODE_MAP) {
		rc = dedupe_map(l, f.node);
		if (rc == 0 && f.merges != NULL) {
			rc = apply_merges(l, &f);
		}
	}
	if (rc == 0 && f.anchor != NULL) {
		rc = anchor_define(l, f.anchor, f.node, f.size);
		f.anchor = NULL;
	}
	plm_free(f.anchor);
	if (rc != 0) {
		return rc;
	}
	return attach(l, f.node, f.size);
}

static const char *known_tag(const char *tag)
{
	static const char *const known[] = {TAG_STR, TAG_NULL, TAG_BOOL,
		TAG_INT, TAG_FLOAT, NULL};
	for (size_t i = 0; known[i] != NULL; i++) {
		if (strcmp(tag, known[i]) == 0) {
			return known[i];
		}
	}
	return NULL;
}

static int on_scalar(struct loader *l, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct plm_span span = mark_span(l, &ev->start_mark, &ev->end_mark);
	yaml_scalar_style_t style = ev->data.scalar.style;
	if (style != YAML_PLAIN_SCALAR_STYLE && l->source == 0) {
		if (l->range_count == l->range_cap) {
			size_t ncap = l->range_cap ? l->range_cap * 2 : 64;
			struct range *r = plm_realloc(l->ranges,
				ncap * sizeof(*r));
			if (r == NULL) {
				return PLM_ENOMEM;
			}
			l->ranges = r;
			l->range_cap = ncap;
		}
		l->ranges[l->range_count++] = (struct range){span.start,
			span.end};
	}
	if (len > PLM_YAML_MAX_SCALAR_LEN) {
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "limit/yaml-scalar", span,
			"a scalar of %zu bytes is longer than %zu bytes "
			"(PLM_YAML_MAX_SCALAR_LEN); the rest of this document is "
			"skipped",
			len, PLM_YAML_MAX_SCALAR_LEN);
		return PLM_ELIMIT;
	}
	/* libyaml checked the input, but escapes can still produce bytes
	 * the model must not carry. */
	char *clean = NULL;
	if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
		plm_utf8_check(value, len) != len) {
		size_t clean_len;
		clean = plm_utf8_sanitize(l->arena, value, len, &clean_len);
		if (clean == NULL) {
			return PLM_ENOMEM;
		}
		value = clean;
		len = clean_len;
	}
	struct frame *p = l->depth ? &l->frames[l->depth - 1] : NULL;
	if (p != NULL && p->node->kind == PLM_NODE_MAP && !p->have_key &&
		ev->data.scalar.anchor == NULL) {
		/* A key: no node, just its text. */
		p->have_key = true;
		p->key_is_merge = is_plain_merge_key(ev);
		p->key = clean ? clean
			       : plm_arena_strndup(l->arena, value, len);
		if (p->key == NULL) {
			return PLM_ENOMEM;
		}
		p->key_len = len;
		p->key_span = span;
		p->size++;
		return 0;
	}
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *ktag = tag ? known_tag(tag) : NULL;
	struct plm_node *n;
	bool as_string = style != YAML_PLAIN_SCALAR_STYLE ||
		(tag != NULL && strcmp(tag, "!") == 0) || ktag == TAG_STR;
	if (as_string) {
		n = plm_node_string(l->arena, span, value, len);
	} else {
		n = plm_yaml_scalar(l->arena, l->schema, span, value, len);
		if (n != NULL && ktag != NULL && ktag != TAG_NULL &&
			n->kind == PLM_NODE_NULL) {
			n = plm_node_string(l->arena, span, value, len);
		}
		if (n != NULL && ktag == TAG_FLOAT && n->kind == PLM_NODE_INT) {
			double d = (double)n->as.integer;
			n = plm_node_float(l->arena, span, d);
		}
	}
	if (n == NULL) {
		return PLM_ENOMEM;
	}
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		n->flags |= PLM_NODE_QUOTED;
	}
	if (tag != NULL) {
		n->tag = ktag ? ktag : plm_arena_strdup(l->arena, tag);
	}
	/* The original text: shared with the value when they are the same. */
	size_t tlen = span.end - span.start;
	const char *text = l->src->bytes + span.start;
	if (n->kind == PLM_NODE_STRING && tlen == len &&
		memcmp(text, n->as.string.ptr, len) == 0) {
		n->text = n->as.string.ptr;
		n->text_len = len;
	} else {
		/* libyaml has checked the source it parsed: valid UTF-8 */
		n->text = plm_arena_strndup(l->arena, text, tlen);
		n->text_len = tlen;
		if (n->text == NULL) {
			return PLM_ENOMEM;
		}
	}
	if (ev->data.scalar.anchor != NULL) {
		char *name = copy_anchor(ev->data.scalar.anchor);
		if (name == NULL || anchor_define(l, name, n, 1) != 0) {
			return PLM_ENOMEM;
		}
	}
	return attach(l, n, 1);
}

static int on_alias(struct loader *l, const yaml_event_t *ev)
{
	struct plm_span span = mark_span(l, &ev->start_mark, &ev->end_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	const struct anchor *a = anchor_find(l, name);
	if (a == NULL) {
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "yaml/unknown-anchor",
			span,
			"alias *%s refers to no anchor defined before it "
			"(expected `&%s` earlier in the document)",
			name, name);
		struct plm_node *n = plm_node_null(l->arena, span);
		return n ? attach(l, n, 1) : PLM_ENOMEM;
	}
	l->alias_nodes += a->size;
	if (l->alias_nodes > PLM_YAML_MAX_ALIAS_NODES) {
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "limit/yaml-aliases", span,
			"aliases expand to more than %d nodes "
			"(PLM_YAML_MAX_ALIAS_NODES): is this a \"billion laughs\" "
			"file? The rest of the stream is skipped",
			PLM_YAML_MAX_ALIAS_NODES);
		return PLM_ELIMIT;
	}
	struct frame *p = l->depth ? &l->frames[l->depth - 1] : NULL;
	if (p != NULL && p->node->kind == PLM_NODE_MAP && !p->have_key &&
		a->node->kind == PLM_NODE_STRING) {
		p->have_key = true;
		p->key_is_merge = false;
		p->key = a->node->as.string.ptr;
		p->key_len = a->node->as.string.len;
		p->key_span = span;
		p->size++;
		return 0;
	}
	int rc = attach(l, a->node, a->size);
	if (rc == 0 && p != NULL && span.end > p->node->span.end) {
		p->node->span.end = span.end; /* the alias, not its target */
	}
	return rc;
}

/* ---- the event loop ------------------------------------------------- */

static bool line_has_tab_indent(const struct loader *l, uint32_t offset)
{
	uint32_t line = plm_source_line_of(l->src, offset);
	size_t len;
	const char *p = plm_source_line(l->src, line, &len);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\t') {
			return true;
		}
		if (p[i] != ' ' && p[i] != '-' && p[i] != '?' && p[i] != ':') {
			return false;
		}
	}
	return false;
}

static uint32_t report_parser_error(struct loader *l, const yaml_parser_t *p)
{
	uint32_t off;
	if (p->error == YAML_READER_ERROR) {
		size_t o = l->base_offset + p->problem_offset;
		off = o > l->src->len ? (uint32_t)l->src->len : (uint32_t)o;
	} else {
		off = mark_offset(l, &p->problem_mark);
	}
	struct plm_span span = {l->source, off, off};
	if (off < l->src->len) {
		span.end = off + 1;
	}
	const char *problem = p->problem ? p->problem : "unknown problem";
	if (p->error == YAML_READER_ERROR) {
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "yaml/encoding", span,
			"not valid UTF-8 text: %s (byte 0x%02x); YAML files "
			"must be UTF-8",
			problem, (unsigned)(p->problem_value & 0xff));
	} else if (line_has_tab_indent(l, off)) {
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "yaml/tab-indent", span,
			"YAML syntax error: %s%s%s; this line is indented with a "
			"tab, and YAML allows only spaces for indentation",
			problem, p->context ? " " : "",
			p->context ? p->context : "");
	} else {
		plm_doc_diag(l->doc, PLM_DIAG_ERROR, "yaml/syntax", span,
			"YAML syntax error: %s%s%s", problem,
			p->context ? " " : "", p->context ? p->context : "");
	}
	return off;
}

/* The offset of the next line at or after `from` (strictly after the line
 * holding `from`) that starts a document with `---`, or UINT32_MAX. */
static uint32_t next_document_marker(const struct plm_source *src,
	uint32_t from)
{
	uint32_t line = plm_source_line_of(src, from) + 1;
	for (; line < src->line_count; line++) {
		size_t len;
		const char *p = plm_source_line(src, line, &len);
		if (len >= 3 && memcmp(p, "---", 3) == 0 &&
			(len == 3 || p[3] == ' ' || p[3] == '\t' ||
				p[3] == '\r')) {
			return src->line_starts[line];
		}
	}
	return UINT32_MAX;
}

/* Runs one parser from l->base_offset. Returns 0 at the end of the stream,
 * PLM_ENOMEM, or 1 with *resume set to where a new parser should start. */
static int run_parser(struct loader *l, uint32_t *resume)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	if (!yaml_parser_initialize(&parser)) {
		return PLM_ENOMEM;
	}
	yaml_parser_set_input_string(&parser,
		(const unsigned char *)l->src->bytes + l->base_offset,
		l->src->len - l->base_offset);
	if (l->base_offset > 0) {
		yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	}
	int rc = 0;
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			uint32_t off = report_parser_error(l, &parser);
			frames_unwind(l);
			*resume = next_document_marker(l->src, off);
			rc = *resume == UINT32_MAX ? 0 : 1;
			break;
		}
		int step = 0;
		bool done = false;
		struct plm_span span;
		struct plm_node *n;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			/* anchors do not reach across documents */
			frames_unwind(l);
			anchors_clear(l);
			break;
		case YAML_DOCUMENT_END_EVENT:
			span = mark_span(l, &ev.start_mark, &ev.end_mark);
			n = l->root ? l->root : plm_node_null(l->arena, span);
			if (n == NULL ||
				plm_node_push(l->arena, l->out, n) != 0) {
				step = PLM_ENOMEM;
			}
			l->root = NULL;
			break;
		case YAML_SCALAR_EVENT:
			step = on_scalar(l, &ev);
			break;
		case YAML_ALIAS_EVENT:
			step = on_alias(l, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			span = mark_span(l, &ev.start_mark, &ev.end_mark);
			bool is_map = ev.type == YAML_MAPPING_START_EVENT;
			n = is_map ? plm_node_map(l->arena, span)
				   : plm_node_seq(l->arena, span);
			const yaml_char_t *tag = is_map
				? ev.data.mapping_start.tag
				: ev.data.sequence_start.tag;
			const yaml_char_t *anchor = is_map
				? ev.data.mapping_start.anchor
				: ev.data.sequence_start.anchor;
			if (n == NULL) {
				step = PLM_ENOMEM;
				break;
			}
			if (tag != NULL) {
				n->tag = plm_arena_strdup(l->arena,
					(const char *)tag);
			}
			step = push_frame(l, n, anchor);
			if (step == 0) {
				l->frames[l->depth - 1].flow = is_map
					? ev.data.mapping_start.style ==
						YAML_FLOW_MAPPING_STYLE
					: ev.data.sequence_start.style ==
						YAML_FLOW_SEQUENCE_STYLE;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (l->depth > 0 && l->frames[l->depth - 1].flow) {
				/* a flow collection ends at its bracket (a block
				 * one's end mark is the next token: not used) */
				uint32_t end = mark_offset(l, &ev.end_mark);
				struct plm_node *open =
					l->frames[l->depth - 1].node;
				if (end > open->span.end) {
					open->span.end = end;
				}
			}
			step = pop_frame(l);
			break;
		default:
			break;
		}
		yaml_mark_t start = ev.start_mark;
		bool alias_limit = ev.type == YAML_ALIAS_EVENT;
		yaml_event_delete(&ev);
		if (step == PLM_ELIMIT) {
			uint32_t at = mark_offset(l, &start);
			frames_unwind(l);
			*resume = alias_limit
				? UINT32_MAX
				: next_document_marker(l->src, at);
			rc = *resume == UINT32_MAX ? 0 : 1;
			break;
		}
		if (step != 0) {
			rc = step;
			break;
		}
		if (done) {
			break;
		}
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* Records the comments of sources[0]: a `#` at a line start or after a space
 * or tab, outside quoted and block scalars. */
static void scan_comments(struct loader *l)
{
	const char *s = l->src->bytes;
	size_t len = l->src->len;
	size_t r = 0;
	for (size_t i = 0; i < len; i++) {
		const char *hash = memchr(s + i, '#', len - i);
		if (hash == NULL) {
			break;
		}
		i = (size_t)(hash - s);
		if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t' &&
			s[i - 1] != '\n') {
			continue;
		}
		while (r < l->range_count && l->ranges[r].end <= i) {
			r++;
		}
		if (r < l->range_count && l->ranges[r].start <= i) {
			/* Inside a scalar: text, not a comment. A line of a
			 * block scalar that only looks like a comment is
			 * recorded as none (""), so that no one reading the
			 * raw line takes it for a directive. */
			uint32_t line = plm_source_line_of(l->src, (uint32_t)i);
			size_t b = l->src->line_starts[line];
			while (b < i && (s[b] == ' ' || s[b] == '\t')) {
				b++;
			}
			if (b == i) {
				plm_doc_set_comment(l->doc, line, "", 0);
			}
			continue;
		}
		size_t e = i;
		while (e < len && s[e] != '\n') {
			e++;
		}
		size_t t = e;
		while (t > i &&
			(s[t - 1] == '\r' || s[t - 1] == ' ' ||
				s[t - 1] == '\t')) {
			t--;
		}
		uint32_t line = plm_source_line_of(l->src, (uint32_t)i);
		if (plm_utf8_check(s + i, t - i) == t - i) {
			plm_doc_set_comment(l->doc, line, s + i, t - i);
		} else {
			size_t clean_len;
			char *clean = plm_utf8_sanitize(l->arena, s + i, t - i,
				&clean_len);
			if (clean != NULL) {
				plm_doc_set_comment(l->doc, line, clean,
					clean_len);
			}
		}
		i = e;
	}
}

int plm_yaml_load(struct plm_doc *doc, uint32_t source,
	enum plm_yaml_schema schema, struct plm_node **out)
{
	*out = NULL;
	if (source >= doc->source_count) {
		return PLM_EINVAL;
	}
	struct loader l = {0};
	l.doc = doc;
	l.arena = doc->arena;
	l.src = doc->sources[source];
	l.source = source;
	l.schema = schema;
	if (l.src->len >= 3 && memcmp(l.src->bytes, "\xEF\xBB\xBF", 3) == 0) {
		l.bom = 3;
	}
	/* The first byte past 127 tells both whether the text is ASCII
	 * (marks are then byte offsets) and where cursor_offset's first run
	 * ends. */
	l.cursor_offset = l.bom;
	l.next_high = find_high((const unsigned char *)l.src->bytes, l.bom,
		l.src->len);
	l.ascii = l.next_high == l.src->len;
	struct plm_span whole = {source, 0, (uint32_t)l.src->len};
	l.out = plm_node_seq(l.arena, whole);
	if (l.out == NULL) {
		return PLM_ENOMEM;
	}
	int rc;
	for (;;) {
		uint32_t resume = UINT32_MAX;
		rc = run_parser(&l, &resume);
		if (rc != 1) {
			break;
		}
		/* Restart at the next document: the BOM is behind us. */
		l.base_offset = resume;
		l.base_line = plm_source_line_of(l.src, resume);
		l.cursor_index = 0;
		l.cursor_offset = resume;
		l.next_high = 0;
		l.bom = 0;
		anchors_clear(&l);
	}
	frames_unwind(&l);
	if (rc == 0 && source == 0) {
		scan_comments(&l);
	}
	plm_free(l.frames);
	plm_free(l.ranges);
	anchors_clear(&l);
	if (rc != 0 || plm_arena_exhausted(l.arena)) {
		plm_doc_diag(doc, PLM_DIAG_ERROR, "limit/memory", whole,
			"out of memory while loading YAML (the document's arena "
			"is capped at %zu bytes)",
			(size_t)PLM_ARENA_DEFAULT_CAP);
		return PLM_ENOMEM;
	}
	*out = l.out;
	return 0;
}

#include "model/node.h"
#include "util/utf8.h"

#include <string.h>

static struct plm_node *node_new(struct plm_arena *a, enum plm_node_kind kind,
	struct plm_span span)
{
	struct plm_node *n = plm_arena_alloc(a, sizeof(*n));
	if (n != NULL) {
		n->kind = kind;
		n->span = span;
	}
	return n;
}

struct plm_node *plm_node_null(struct plm_arena *a, struct plm_span span)
{
	return node_new(a, PLM_NODE_NULL, span);
}

struct plm_node *plm_node_bool(struct plm_arena *a, struct plm_span span,
	bool value)
{
	struct plm_node *n = node_new(a, PLM_NODE_BOOL, span);
	if (n != NULL) {
		n->as.boolean = value;
	}
	return n;
}

struct plm_node *plm_node_int(struct plm_arena *a, struct plm_span span,
	int64_t value)
{
	struct plm_node *n = node_new(a, PLM_NODE_INT, span);
	if (n != NULL) {
		n->as.integer = value;
	}
	return n;
}

struct plm_node *plm_node_float(struct plm_arena *a, struct plm_span span,
	double value)
{
	struct plm_node *n = node_new(a, PLM_NODE_FLOAT, span);
	if (n != NULL) {
		n->as.number = value;
	}
	return n;
}

struct plm_node *plm_node_string(struct plm_arena *a, struct plm_span span,
	const char *s, size_t len)
{
	struct plm_node *n = node_new(a, PLM_NODE_STRING, span);
	if (n == NULL) {
		return NULL;
	}
	char *copy = plm_arena_strndup(a, s, len);
	if (copy == NULL) {
		return NULL;
	}
	n->as.string.ptr = copy;
	n->as.string.len = len;
	return n;
}

struct plm_node *plm_node_text(struct plm_arena *a, struct plm_span span,
	const char *s, size_t len)
{
	struct plm_node *n = node_new(a, PLM_NODE_STRING, span);
	if (n == NULL) {
		return NULL;
	}
	size_t clean_len;
	char *clean = plm_utf8_sanitize(a, s, len, &clean_len);
	if (clean == NULL) {
		return NULL;
	}
	n->as.string.ptr = clean;
	n->as.string.len = clean_len;
	return n;
}

struct plm_node *plm_node_cstring(struct plm_arena *a, struct plm_span span,
	const char *s)
{
	return plm_node_string(a, span, s, strlen(s));
}

struct plm_node *plm_node_seq(struct plm_arena *a, struct plm_span span)
{
	return node_new(a, PLM_NODE_SEQ, span);
}

struct plm_node *plm_node_map(struct plm_arena *a, struct plm_span span)
{
	return node_new(a, PLM_NODE_MAP, span);
}

struct plm_node *plm_node_map_sized(struct plm_arena *a, struct plm_span span,
	size_t cap)
{
	struct plm_node *m = node_new(a, PLM_NODE_MAP, span);
	if (m == NULL || cap == 0) {
		return m;
	}
	m->as.map.entries = plm_arena_alloc(a,
		cap * sizeof(*m->as.map.entries));
	if (m->as.map.entries == NULL) {
		return NULL;
	}
	m->as.map.cap = cap;
	return m;
}

int plm_node_push(struct plm_arena *a, struct plm_node *seq,
	struct plm_node *item)
{
	if (seq == NULL || seq->kind != PLM_NODE_SEQ || item == NULL) {
		return PLM_EINVAL;
	}
	if (seq->as.seq.count == seq->as.seq.cap) {
		size_t ncap = seq->as.seq.cap ? seq->as.seq.cap * 2 : 4;
		struct plm_node **items = plm_arena_realloc(a,
			seq->as.seq.items, seq->as.seq.cap * sizeof(*items),
			ncap * sizeof(*items));
		if (items == NULL) {
			return PLM_ENOMEM;
		}
		seq->as.seq.items = items;
		seq->as.seq.cap = ncap;
	}
	seq->as.seq.items[seq->as.seq.count++] = item;
	return 0;
}

int plm_node_append_static_slow(struct plm_arena *a, struct plm_node *map,
	const char *key, size_t key_len, struct plm_span key_span,
	struct plm_node *value)
{
	if (map == NULL || map->kind != PLM_NODE_MAP || value == NULL) {
		return PLM_EINVAL;
	}
	if (map->as.map.count == map->as.map.cap) {
		size_t ncap = map->as.map.cap ? map->as.map.cap * 2 : 4;
		struct plm_entry *entries = plm_arena_realloc(a,
			map->as.map.entries, map->as.map.cap * sizeof(*entries),
			ncap * sizeof(*entries));
		if (entries == NULL) {
			return PLM_ENOMEM;
		}
		map->as.map.entries = entries;
		map->as.map.cap = ncap;
	}
	/* Room now: the inline path writes the entry. */
	return plm_node_append_static(a, map, key, key_len, key_span, value);
}

int plm_node_append(struct plm_arena *a, struct plm_node *map, const char *key,
	size_t key_len, struct plm_span key_span, struct plm_node *value)
{
	if (map == NULL || map->kind != PLM_NODE_MAP || value == NULL) {
		return PLM_EINVAL;
	}
	const char *copy = plm_arena_strndup(a, key, key_len);
	if (copy == NULL) {
		return PLM_ENOMEM;
	}
	return plm_node_append_static(a, map, copy, key_len, key_span, value);
}

int plm_node_set(struct plm_arena *a, struct plm_node *map, const char *key,
	struct plm_span key_span, struct plm_node *value)
{
	if (map == NULL || map->kind != PLM_NODE_MAP || value == NULL) {
		return PLM_EINVAL;
	}
	size_t len = strlen(key);
	for (size_t i = 0; i < map->as.map.count; i++) {
		struct plm_entry *e = &map->as.map.entries[i];
		if (e->key_len == len && memcmp(e->key, key, len) == 0) {
			e->value = value;
			e->key_span = key_span;
			return 0;
		}
	}
	return plm_node_append(a, map, key, len, key_span, value);
}

const struct plm_entry *plm_node_entry_n(const struct plm_node *map,
	const char *key, size_t len)
{
	if (map == NULL || map->kind != PLM_NODE_MAP) {
		return NULL;
	}
	for (size_t i = 0; i < map->as.map.count; i++) {
		const struct plm_entry *e = &map->as.map.entries[i];
		/* the first byte before the call: most keys differ there */
		if (e->key_len == len && (len == 0 || e->key[0] == key[0]) &&
			memcmp(e->key, key, len) == 0) {
			return e;
		}
	}
	return NULL;
}

const char *plm_node_str(const struct plm_node *node)
{
	return node && node->kind == PLM_NODE_STRING ? node->as.string.ptr
						     : NULL;
}

const char *plm_node_get_str(const struct plm_node *map, const char *key)
{
	return plm_node_str(plm_node_get(map, key));
}

size_t plm_node_count(const struct plm_node *node)
{
	if (node == NULL) {
		return 0;
	}
	if (node->kind == PLM_NODE_SEQ) {
		return node->as.seq.count;
	}
	if (node->kind == PLM_NODE_MAP) {
		return node->as.map.count;
	}
	return 0;
}

struct plm_node *plm_node_clone(struct plm_arena *a, const struct plm_node *n)
{
	if (n == NULL) {
		return NULL;
	}
	struct plm_node *c = plm_arena_alloc(a, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	*c = *n;
	switch (n->kind) {
	case PLM_NODE_SEQ:
		c->as.seq.items = NULL;
		c->as.seq.count = c->as.seq.cap = 0;
		for (size_t i = 0; i < n->as.seq.count; i++) {
			struct plm_node *item = plm_node_clone(a,
				n->as.seq.items[i]);
			if (item == NULL || plm_node_push(a, c, item) != 0) {
				return NULL;
			}
		}
		break;
	case PLM_NODE_MAP:
		c->as.map.entries = NULL;
		c->as.map.count = c->as.map.cap = 0;
		for (size_t i = 0; i < n->as.map.count; i++) {
			const struct plm_entry *e = &n->as.map.entries[i];
			struct plm_node *v = plm_node_clone(a, e->value);
			if (v == NULL ||
				plm_node_append(a, c, e->key, e->key_len,
					e->key_span, v) != 0) {
				return NULL;
			}
		}
		break;
	case PLM_NODE_STRING:
		c->as.string.ptr = plm_arena_strndup(a, n->as.string.ptr,
			n->as.string.len);
		if (c->as.string.ptr == NULL) {
			return NULL;
		}
		break;
	default:
		break;
	}
	if (n->text != NULL) {
		c->text = plm_arena_strndup(a, n->text, n->text_len);
	}
	if (n->tag != NULL) {
		c->tag = plm_arena_strdup(a, n->tag);
	}
	return c;
}

const char *plm_node_kind_name(enum plm_node_kind kind)
{
	switch (kind) {
	case PLM_NODE_NULL:
		return "null";
	case PLM_NODE_BOOL:
		return "bool";
	case PLM_NODE_INT:
		return "int";
	case PLM_NODE_FLOAT:
		return "float";
	case PLM_NODE_STRING:
		return "string";
	case PLM_NODE_SEQ:
		return "seq";
	case PLM_NODE_MAP:
		return "map";
	}
	return "?";
}

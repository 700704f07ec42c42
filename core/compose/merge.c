/*
 * compose/merge.c - merging Compose models (several -f files, an override
 * file, extends) by the Compose Specification's rules:
 *
 * - maps merge key by key, the later file winning on conflicts;
 * - sequences append the later file's items (identical scalars once);
 * - command, entrypoint and healthcheck.test are replaced, not appended;
 * - ports, volumes, secrets and configs are unique by their target (ports
 *   by their whole definition): a later item replaces an earlier one;
 * - environment, labels, annotations, sysctls, extra_hosts, ulimits and
 *   build.args merge as maps whichever form (list or map) each file used;
 * - a value tagged !reset removes the key, !override replaces it whole.
 *
 * Inputs are never modified: merged maps and sequences are new nodes that
 * share unchanged subtrees, so every value keeps the span of the file that
 * wrote it. A map or sequence both sides wrote keeps the span (and its key
 * the key span) of the side that declared it: the base file when files are
 * merged (a service's key stays the base's, where a fix for an unwritten
 * field goes), the extending service for extends. A service or a top-level
 * section that is a map on one side and something else on the other is a
 * diagnostic at the odd one; the map is kept.
 */
#include "compose/internal.h"

#include <string.h>

#include "yaml/keyset.h"

/* How one merge goes. */
struct merge {
	struct compose_ctx *ctx;
	/* whole files (the base declared the merged containers) rather than
	 * a service over the one it extends */
	bool files;
};

static bool has_tag(const struct plm_node *n, const char *tag)
{
	return n != NULL && n->tag != NULL && strcmp(n->tag, tag) == 0;
}

static struct plm_node *copy_map(struct plm_arena *a, const struct plm_node *m)
{
	struct plm_node *c = plm_node_map(a, m->span);
	if (c == NULL) {
		return NULL;
	}
	c->flags = m->flags;
	c->tag = m->tag;
	for (size_t i = 0; i < m->as.map.count; i++) {
		const struct plm_entry *e = &m->as.map.entries[i];
		if (has_tag(e->value, "!reset")) {
			continue;
		}
		if (plm_node_append(a, c, e->key, e->key_len, e->key_span,
			    e->value) != 0) {
			return NULL;
		}
	}
	return c;
}

/* The unique key of a ports/volumes/secrets/configs item: a string item's
 * target (volumes: the part after the first ':'), a map's `target`. */
static void unique_key(const struct plm_node *item, const char *field,
	const char **key, size_t *len)
{
	*key = NULL;
	*len = 0;
	if (item->kind == PLM_NODE_MAP) {
		const struct plm_node *t = plm_node_get(item, "target");
		if (t == NULL && strcmp(field, "volumes") != 0) {
			t = plm_node_get(item, "source");
		}
		if (t != NULL && t->kind == PLM_NODE_STRING) {
			*key = t->as.string.ptr;
			*len = t->as.string.len;
		} else if (t != NULL && t->text != NULL) {
			*key = t->text;
			*len = t->text_len;
		}
		return;
	}
	if (item->kind != PLM_NODE_STRING) {
		if (item->text != NULL) {
			*key = item->text;
			*len = item->text_len;
		}
		return;
	}
	const char *s = item->as.string.ptr;
	size_t n = item->as.string.len;
	if (strcmp(field, "volumes") == 0) {
		const char *colon = memchr(s, ':', n);
		/* a Windows drive letter is not a separator */
		if (colon == s + 1 && n > 2 && (s[2] == '\\' || s[2] == '/')) {
			colon = memchr(s + 2, ':', n - 2);
		}
		if (colon != NULL) {
			const char *t = colon + 1;
			const char *end = memchr(t, ':', n - (size_t)(t - s));
			*key = t;
			*len = end ? (size_t)(end - t) : n - (size_t)(t - s);
			return;
		}
	}
	*key = s;
	*len = n;
}

static bool is_unique_field(const char *field)
{
	return strcmp(field, "ports") == 0 || strcmp(field, "volumes") == 0 ||
		strcmp(field, "secrets") == 0 || strcmp(field, "configs") == 0;
}

/* The text identifying a scalar item for de-duplication, or NULL. */
static const char *scalar_key(const struct plm_node *n, size_t *len)
{
	if (n->kind == PLM_NODE_STRING) {
		*len = n->as.string.len;
		return n->as.string.ptr;
	}
	if (n->kind == PLM_NODE_MAP || n->kind == PLM_NODE_SEQ) {
		return NULL;
	}
	*len = n->text_len;
	return n->text;
}

/* Linear in both lists: a key set of the override's unique keys (unique
 * fields) or of the base's scalars (de-duplication). */
static struct plm_node *merge_seq(const struct merge *mg,
	const struct plm_node *base, const struct plm_node *over,
	const char *field)
{
	struct plm_arena *a = mg->ctx->arena;
	struct plm_node *r = plm_node_seq(a,
		mg->files ? base->span : over->span);
	struct plm_keyset keys = {0};
	if (r == NULL) {
		return NULL;
	}
	bool unique = field != NULL && is_unique_field(field);
	const char *k;
	size_t len;
	for (size_t j = 0; unique && j < over->as.seq.count; j++) {
		unique_key(over->as.seq.items[j], field, &k, &len);
		if (k != NULL && plm_keyset_add(&keys, k, len, j) != 0) {
			goto nomem;
		}
	}
	for (size_t i = 0; i < base->as.seq.count; i++) {
		struct plm_node *b = base->as.seq.items[i];
		if (unique) {
			unique_key(b, field, &k, &len);
			if (k != NULL && plm_keyset_find(&keys, k, len, NULL)) {
				continue; /* replaced by the override's item */
			}
		} else if ((k = scalar_key(b, &len)) != NULL &&
			plm_keyset_add(&keys, k, len, i) != 0) {
			goto nomem;
		}
		if (plm_node_push(a, r, b) != 0) {
			goto nomem;
		}
	}
	for (size_t j = 0; j < over->as.seq.count; j++) {
		struct plm_node *o = over->as.seq.items[j];
		if (!unique && (k = scalar_key(o, &len)) != NULL &&
			plm_keyset_find(&keys, k, len, NULL)) {
			continue; /* already there */
		}
		if (plm_node_push(a, r, o) != 0) {
			goto nomem;
		}
	}
	plm_keyset_finish(&keys);
	return r;
nomem:
	mg->ctx->env.out_of_memory = true;
	plm_keyset_finish(&keys);
	return NULL;
}

static bool is_mapping_field(const char *field)
{
	static const char *const fields[] = {"environment", "labels",
		"annotations", "sysctls", "extra_hosts", "ulimits", "args",
		NULL};
	for (size_t i = 0; fields[i] != NULL; i++) {
		if (strcmp(field, fields[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* A list of "KEY=value" (or "KEY:value" for extra_hosts) as a map; a key
 * without a value maps to null. */
static struct plm_node *list_to_map(struct plm_arena *a,
	const struct plm_node *list, const char *field)
{
	if (list->kind == PLM_NODE_MAP) {
		return (struct plm_node *)list;
	}
	if (list->kind != PLM_NODE_SEQ) {
		return NULL;
	}
	char sep = strcmp(field, "extra_hosts") == 0 ? ':' : '=';
	struct plm_node *m = plm_node_map(a, list->span);
	struct plm_keyset keys = {0};
	if (m == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < list->as.seq.count; i++) {
		const struct plm_node *item = list->as.seq.items[i];
		const char *s = plm_node_str(item);
		if (s == NULL) {
			continue;
		}
		const char *eq = strchr(s, sep);
		if (sep == ':' && eq == NULL) {
			eq = strchr(s, '=');
		}
		size_t klen = eq ? (size_t)(eq - s) : strlen(s);
		struct plm_node *v = eq
			? plm_node_cstring(a, item->span, eq + 1)
			: plm_node_null(a, item->span);
		if (v == NULL) {
			plm_keyset_finish(&keys);
			return NULL;
		}
		v->flags = item->flags;
		size_t at;
		if (plm_keyset_find(&keys, s, klen, &at)) {
			m->as.map.entries[at].value = v; /* the last one wins */
			continue;
		}
		if (plm_node_append(a, m, s, klen, item->span, v) != 0 ||
			plm_keyset_add(&keys,
				m->as.map.entries[m->as.map.count - 1].key,
				klen, m->as.map.count - 1) != 0) {
			plm_keyset_finish(&keys);
			return NULL;
		}
	}
	plm_keyset_finish(&keys);
	return m;
}

static struct plm_node *merge_value(const struct merge *mg,
	struct plm_node *base, struct plm_node *over, const char *field,
	int depth);

/* A map on one side and something else on the other, where only a map
 * makes sense (a service, a top-level section): the map is kept, the
 * other side reported. NULL (not written) and !reset are no conflict. */
static struct plm_node *kept_map(const struct merge *mg, const char *what,
	const char *name, struct plm_node *base, struct plm_node *over)
{
	bool base_map = base->kind == PLM_NODE_MAP;
	bool over_map = over->kind == PLM_NODE_MAP;
	if (base_map == over_map) {
		return NULL;
	}
	struct plm_node *odd = base_map ? over : base;
	struct plm_node *map = base_map ? base : over;
	if (odd->kind == PLM_NODE_NULL) {
		return map;
	}
	plm_doc_diag(mg->ctx->doc, PLM_DIAG_ERROR, "compose/merge-conflict",
		odd->span,
		"%s \"%s\" is a %s here but a map in the %s file: "
		"they cannot be merged, the map is kept",
		what, name, plm_node_kind_name(odd->kind),
		base_map ? "base" : "override");
	return map;
}

static struct plm_node *merge_map(const struct merge *mg, struct plm_node *base,
	struct plm_node *over, const char *self, int depth)
{
	struct compose_ctx *ctx = mg->ctx;
	/* the entries of `services` are names, not fields */
	bool names = self != NULL && strcmp(self, "services") == 0 &&
		depth == 1;
	struct plm_node *r = copy_map(ctx->arena, base);
	if (r == NULL) {
		return NULL;
	}
	if (!mg->files) {
		r->span = over->span;
	}
	/* key -> entry index, so that big maps merge in linear time */
	struct plm_keyset index = {0};
	bool removed = false;
	for (size_t j = 0; j < r->as.map.count; j++) {
		if (plm_keyset_add(&index, r->as.map.entries[j].key,
			    r->as.map.entries[j].key_len, j) != 0) {
			goto nomem;
		}
	}
	for (size_t i = 0; i < over->as.map.count; i++) {
		const struct plm_entry *e = &over->as.map.entries[i];
		size_t at;
		bool found = plm_keyset_find(&index, e->key, e->key_len, &at) &&
			r->as.map.entries[at].value != NULL;
		if (has_tag(e->value, "!reset")) {
			if (found) {
				r->as.map.entries[at].value = NULL;
				removed = true;
			}
			continue;
		}
		struct plm_node *v = e->value;
		struct plm_node *kept = NULL;
		if (found && mg->files &&
			(names ||
				(depth == 0 && strncmp(e->key, "x-", 2) != 0))) {
			/* a service, or a top-level section (services, networks,
			 * volumes, ...; x- extensions hold anything): two lists
			 * or two scalars merge as usual */
			kept = kept_map(mg, names ? "service" : "section",
				e->key, r->as.map.entries[at].value, v);
		}
		if (kept != NULL) {
			v = kept;
		} else if (found && !has_tag(v, "!override")) {
			v = merge_value(mg, r->as.map.entries[at].value, v,
				names ? NULL : e->key, depth + 1);
			if (v == NULL) {
				goto nomem;
			}
		}
		if (found) {
			/* written whole by the override: its key; merged: the
			 * declaring side's */
			if (v == e->value || !mg->files) {
				r->as.map.entries[at].key_span = e->key_span;
			}
			r->as.map.entries[at].value = v;
			continue;
		}
		if (plm_node_append(ctx->arena, r, e->key, e->key_len,
			    e->key_span, v) != 0 ||
			plm_keyset_add(&index,
				r->as.map.entries[r->as.map.count - 1].key,
				e->key_len, r->as.map.count - 1) != 0) {
			goto nomem;
		}
	}
	plm_keyset_finish(&index);
	if (removed) {
		size_t w = 0;
		for (size_t j = 0; j < r->as.map.count; j++) {
			if (r->as.map.entries[j].value != NULL) {
				r->as.map.entries[w++] = r->as.map.entries[j];
			}
		}
		r->as.map.count = w;
	}
	return r;
nomem:
	mg->ctx->env.out_of_memory = true;
	plm_keyset_finish(&index);
	return NULL;
}

static struct plm_node *merge_value(const struct merge *mg,
	struct plm_node *base, struct plm_node *over, const char *field,
	int depth)
{
	struct compose_ctx *ctx = mg->ctx;
	if (depth > 64) {
		return over;
	}
	if (field != NULL &&
		(strcmp(field, "command") == 0 ||
			strcmp(field, "entrypoint") == 0 ||
			strcmp(field, "test") == 0)) {
		return over;
	}
	if (field != NULL && is_mapping_field(field) &&
		(base->kind == PLM_NODE_SEQ || over->kind == PLM_NODE_SEQ)) {
		struct plm_node *bm = list_to_map(ctx->arena, base, field);
		struct plm_node *om = list_to_map(ctx->arena, over, field);
		if (bm == NULL || om == NULL) {
			return over;
		}
		return merge_map(mg, bm, om, field, depth);
	}
	if (base->kind == PLM_NODE_MAP && over->kind == PLM_NODE_MAP) {
		return merge_map(mg, base, over, field, depth);
	}
	if (base->kind == PLM_NODE_SEQ && over->kind == PLM_NODE_SEQ) {
		return merge_seq(mg, base, over, field);
	}
	return over;
}

struct plm_node *plm_compose_merge_service(struct compose_ctx *ctx,
	struct plm_node *base, struct plm_node *over)
{
	if (base == NULL || base->kind != PLM_NODE_MAP) {
		return over;
	}
	if (over == NULL || over->kind != PLM_NODE_MAP) {
		return base;
	}
	struct merge mg = {ctx, false};
	return merge_map(&mg, base, over, NULL, 2);
}

struct plm_node *plm_compose_merge_model(struct compose_ctx *ctx,
	struct plm_node *base, struct plm_node *over)
{
	if (base == NULL || base->kind != PLM_NODE_MAP) {
		return over;
	}
	if (over == NULL || over->kind != PLM_NODE_MAP) {
		return base;
	}
	struct merge mg = {ctx, true};
	return merge_map(&mg, base, over, NULL, 0);
}

/*
 * engine/index.c - the project index: what project-scope policies know of
 * every document of a run, copied out of each document into its part.
 */
#include "engine/index.h"

#include <stdlib.h>
#include <string.h>
#include "model/node.h"
#include "output/linehash.h"
#include "util/arena.h"
#include "util/alloc.h"

/* Locations kept per entry: "object" and the key nodes below. */
#define MAX_LOCATIONS 10

struct plm_index_part {
	struct plm_arena *arena;
	struct plm_index_doc doc;
	struct plm_line_hashes line_hashes; /* doc.line_hashes, when kept */
};

struct plm_index {
	struct plm_index_part **parts;
	size_t count;
	size_t cap;
};

/* What one part is built from; every copy goes into part->arena. The
 * entries are gathered on the heap and copied into the arena once their
 * count is known (as an entry's locations are), so that the part holds
 * no smaller arrays a growing one left behind. */
struct builder {
	const struct plm_doc *doc;
	struct plm_index_part *part;
	bool nomem;
	struct plm_index_entry *entries;
	size_t cap;
	size_t next_record; /* where service_record looks first */
};

static const char *copy(struct builder *b, const char *s, size_t len)
{
	if (s == NULL) {
		return NULL;
	}
	char *c = plm_arena_strndup(b->part->arena, s, len);
	if (c == NULL) {
		b->nomem = true;
	}
	return c;
}

/* The text of a scalar: a string as is, numbers and booleans as written;
 * NULL for null, maps and sequences. */
static const char *scalar(struct builder *b, const struct plm_node *n)
{
	if (n == NULL) {
		return NULL;
	}
	switch (n->kind) {
	case PLM_NODE_STRING:
		return copy(b, n->as.string.ptr, n->as.string.len);
	case PLM_NODE_INT:
	case PLM_NODE_FLOAT:
	case PLM_NODE_BOOL:
		if (n->text != NULL) {
			return copy(b, n->text, n->text_len);
		}
		if (n->kind == PLM_NODE_BOOL) {
			return n->as.boolean ? "true" : "false";
		}
		if (n->kind == PLM_NODE_INT) {
			return plm_arena_printf(b->part->arena, "%lld",
				(long long)n->as.integer);
		}
		return plm_arena_printf(b->part->arena, "%g", n->as.number);
	default:
		return NULL;
	}
}

static const struct plm_node *get(const struct plm_node *map, const char *key)
{
	if (map == NULL || map->kind != PLM_NODE_MAP) {
		return NULL;
	}
	return plm_node_get(map, key);
}

static const struct plm_node *get_path(const struct plm_node *n,
	const char *const *keys)
{
	for (; n != NULL && *keys != NULL; keys++) {
		n = get(n, *keys);
	}
	return n;
}

/* A map of scalars as pairs (keys in order; non-scalar values NULL). */
static struct plm_index_pairs pairs_of(struct builder *b,
	const struct plm_node *map)
{
	struct plm_index_pairs out = {NULL, 0};
	if (map == NULL || map->kind != PLM_NODE_MAP ||
		map->as.map.count == 0) {
		return out;
	}
	size_t n = map->as.map.count;
	if (n > PLM_INDEX_MAX_ITEMS) {
		n = PLM_INDEX_MAX_ITEMS;
	}
	struct plm_index_pair *items = plm_arena_alloc(b->part->arena,
		n * sizeof(*items));
	if (items == NULL) {
		b->nomem = true;
		return out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct plm_entry *e = &map->as.map.entries[i];
		items[i].key = copy(b, e->key, e->key_len);
		items[i].value = scalar(b, e->value);
	}
	out.items = items;
	out.count = n;
	return out;
}

/* Compose `labels:` as a map, or a list of "key=value" strings. */
static struct plm_index_pairs compose_labels(struct builder *b,
	const struct plm_node *n)
{
	if (n == NULL || n->kind != PLM_NODE_SEQ) {
		return pairs_of(b, n);
	}
	struct plm_index_pairs out = {NULL, 0};
	size_t count = n->as.seq.count;
	if (count > PLM_INDEX_MAX_ITEMS) {
		count = PLM_INDEX_MAX_ITEMS;
	}
	struct plm_index_pair *items = plm_arena_alloc(b->part->arena,
		(count ? count : 1) * sizeof(*items));
	if (items == NULL) {
		b->nomem = true;
		return out;
	}
	for (size_t i = 0; i < count; i++) {
		const struct plm_node *item = n->as.seq.items[i];
		if (item == NULL || item->kind != PLM_NODE_STRING) {
			continue;
		}
		const char *s = item->as.string.ptr;
		const char *eq = strchr(s, '=');
		size_t klen = eq != NULL ? (size_t)(eq - s)
					 : item->as.string.len;
		items[out.count].key = copy(b, s, klen);
		items[out.count].value = eq != NULL
			? copy(b, eq + 1, item->as.string.len - klen - 1)
			: NULL;
		out.count++;
	}
	out.items = items;
	return out;
}

/* A sequence of scalars as strings (others skipped); a map's keys when
 * keys_of_map. */
static struct plm_index_strings strings_of(struct builder *b,
	const struct plm_node *n, bool keys_of_map)
{
	struct plm_index_strings out = {NULL, 0};
	size_t count = plm_node_count(n);
	if (n == NULL || count == 0 ||
		(n->kind == PLM_NODE_MAP && !keys_of_map)) {
		return out;
	}
	if (count > PLM_INDEX_MAX_ITEMS) {
		count = PLM_INDEX_MAX_ITEMS;
	}
	const char **items = plm_arena_alloc(b->part->arena,
		count * sizeof(*items));
	if (items == NULL) {
		b->nomem = true;
		return out;
	}
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		const char *s = n->kind == PLM_NODE_MAP
			? copy(b, n->as.map.entries[i].key,
				  n->as.map.entries[i].key_len)
			: scalar(b, n->as.seq.items[i]);
		if (s != NULL) {
			items[k++] = s;
		}
	}
	out.items = items;
	out.count = k;
	return out;
}

/* Appends the images of a pod spec's containers to a growing list. */
static void add_images(struct builder *b, const struct plm_node *pod,
	const char **images, size_t room, size_t *count)
{
	static const char *const lists[] = {"initContainers", "containers",
		"ephemeralContainers", NULL};
	for (const char *const *l = lists; *l != NULL; l++) {
		const struct plm_node *seq = get(pod, *l);
		if (seq == NULL || seq->kind != PLM_NODE_SEQ) {
			continue;
		}
		for (size_t i = 0; i < seq->as.seq.count && *count < room;
			i++) {
			const char *image = scalar(b,
				get(seq->as.seq.items[i], "image"));
			if (image != NULL) {
				images[(*count)++] = image;
			}
		}
	}
}

/* The pod template of an object (a map with metadata and spec), or for a
 * Pod the object itself; NULL when it runs no pods. */
static const struct plm_node *pod_template(const struct plm_node *obj,
	const char *kind)
{
	static const char *const cron[] = {"spec", "jobTemplate", "spec",
		"template", NULL};
	static const char *const workload[] = {"spec", "template", NULL};
	static const char *const podtemplate[] = {"template", NULL};
	if (kind != NULL && strcmp(kind, "Pod") == 0) {
		return obj;
	}
	const struct plm_node *t = NULL;
	if (kind != NULL && strcmp(kind, "CronJob") == 0) {
		t = get_path(obj, cron);
	} else if (kind != NULL && strcmp(kind, "PodTemplate") == 0) {
		t = get_path(obj, podtemplate);
	} else {
		t = get_path(obj, workload);
	}
	return t != NULL && t->kind == PLM_NODE_MAP && get(t, "spec") != NULL
		? t
		: NULL;
}

static struct plm_index_selector selector_of(struct builder *b,
	const struct plm_node *sel)
{
	struct plm_index_selector out;
	memset(&out, 0, sizeof(out));
	if (sel == NULL || sel->kind != PLM_NODE_MAP) {
		out.present = sel != NULL && sel->kind != PLM_NODE_NULL;
		return out;
	}
	out.present = true;
	const struct plm_node *ml = get(sel, "matchLabels");
	const struct plm_node *me = get(sel, "matchExpressions");
	if (ml == NULL && me == NULL) {
		out.match_labels = pairs_of(b, sel); /* a Service's selector */
		return out;
	}
	out.match_labels = pairs_of(b, ml);
	size_t n = me != NULL && me->kind == PLM_NODE_SEQ ? me->as.seq.count
							  : 0;
	if (n > PLM_INDEX_MAX_ITEMS) {
		n = PLM_INDEX_MAX_ITEMS;
	}
	if (n == 0) {
		return out;
	}
	struct plm_index_expression *ex = plm_arena_alloc(b->part->arena,
		n * sizeof(*ex));
	if (ex == NULL) {
		b->nomem = true;
		return out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct plm_node *item = me->as.seq.items[i];
		ex[i].key = scalar(b, get(item, "key"));
		ex[i].operator_name = scalar(b, get(item, "operator"));
		ex[i].values = strings_of(b, get(item, "values"), false);
	}
	out.expressions = ex;
	out.expression_count = n;
	return out;
}

struct locations {
	struct plm_index_location items[MAX_LOCATIONS];
	size_t count;
};

static void locate(struct builder *b, struct locations *l, const char *name,
	struct plm_span span)
{
	const struct plm_doc *doc = b->doc;
	if (l->count == MAX_LOCATIONS || span.source >= doc->source_count) {
		return;
	}
	struct plm_index_location *loc = &l->items[l->count++];
	loc->name = name;
	loc->path = span.source == 0
		? b->part->doc.shown_path
		: copy(b, doc->sources[span.source]->path,
			  strlen(doc->sources[span.source]->path));
	loc->span = span;
	loc->region = plm_doc_region(doc, span);
}

/* The location of map[key]: a scalar value; a map or sequence from its
 * key to its end (a block map starts on the line after its key); the key
 * when the value is empty (`labels:` with nothing after it). */
static void locate_key(struct builder *b, struct locations *l, const char *name,
	const struct plm_node *map, const char *key)
{
	if (map == NULL || map->kind != PLM_NODE_MAP) {
		return;
	}
	const struct plm_entry *e = plm_node_entry(map, key);
	if (e == NULL) {
		return;
	}
	const struct plm_node *v = e->value;
	if (v != NULL && (v->kind == PLM_NODE_MAP || v->kind == PLM_NODE_SEQ) &&
		v->span.source == e->key_span.source &&
		v->span.end > e->key_span.start) {
		struct plm_span s = {v->span.source, e->key_span.start,
			v->span.end};
		locate(b, l, name, s);
		return;
	}
	locate(b, l, name,
		v != NULL && v->span.end > v->span.start ? v->span
							 : e->key_span);
}

/* The next entry, zeroed: valid until the next call. */
static struct plm_index_entry *new_entry(struct builder *b)
{
	struct plm_index_doc *d = &b->part->doc;
	if (d->entry_count == PLM_INDEX_MAX_ENTRIES) {
		d->truncated = true;
		return NULL;
	}
	if (plm_array_reserve((void **)&b->entries, &b->cap, d->entry_count,
		    sizeof(*b->entries)) != 0) {
		b->nomem = true;
		return NULL;
	}
	struct plm_index_entry *e = &b->entries[d->entry_count++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* The gathered entries into the arena, at their count. */
static void finish_entries(struct builder *b)
{
	struct plm_index_doc *d = &b->part->doc;
	if (d->entry_count > 0 && !b->nomem) {
		size_t bytes = d->entry_count * sizeof(*b->entries);
		struct plm_index_entry *out = plm_arena_alloc(b->part->arena,
			bytes);
		if (out == NULL) {
			b->nomem = true;
		} else {
			memcpy(out, b->entries, bytes);
			d->entries = out;
		}
	}
	plm_free(b->entries);
	b->entries = NULL;
}

static void finish_locations(struct builder *b, struct plm_index_entry *e,
	const struct locations *l)
{
	struct plm_index_location *out = plm_arena_alloc(b->part->arena,
		(l->count ? l->count : 1) * sizeof(*out));
	if (out == NULL) {
		b->nomem = true;
		return;
	}
	memcpy(out, l->items, l->count * sizeof(*out));
	e->locations = out;
	e->location_count = l->count;
}

static void add_object(struct builder *b, const struct plm_node *obj)
{
	struct plm_index_entry *e = new_entry(b);
	if (e == NULL) {
		return;
	}
	struct locations l = {.count = 0};
	e->kind = PLM_INDEX_OBJECT;
	const struct plm_node *meta = get(obj, "metadata");
	const struct plm_node *spec = get(obj, "spec");
	e->api_version = scalar(b, get(obj, "apiVersion"));
	e->object_kind = scalar(b, get(obj, "kind"));
	e->name = scalar(b, get(meta, "name"));
	e->namespace_name = scalar(b, get(meta, "namespace"));
	e->labels = pairs_of(b, get(meta, "labels"));
	locate(b, &l, "object", obj->span);
	locate_key(b, &l, "kind", obj, "kind");
	locate_key(b, &l, "metadata", obj, "metadata");
	locate_key(b, &l, "name", meta, "name");
	locate_key(b, &l, "namespace", meta, "namespace");
	locate_key(b, &l, "labels", meta, "labels");

	const char *kind = e->object_kind;
	const struct plm_node *tmpl = pod_template(obj, kind);
	if (tmpl != NULL) {
		const struct plm_node *tmeta = get(tmpl, "metadata");
		e->has_pods = true;
		e->pod_labels = pairs_of(b, get(tmeta, "labels"));
		locate_key(b, &l, "pod_labels", tmeta, "labels");
		const struct plm_node *pod = get(tmpl, "spec");
		size_t room = plm_node_count(get(pod, "initContainers")) +
			plm_node_count(get(pod, "containers")) +
			plm_node_count(get(pod, "ephemeralContainers"));
		room = room < PLM_INDEX_MAX_ITEMS ? room : PLM_INDEX_MAX_ITEMS;
		const char **images = room == 0
			? NULL
			: plm_arena_alloc(b->part->arena,
				  room * sizeof(*images));
		size_t count = 0;
		if (room == 0) {
			/* no containers */
		} else if (images == NULL) {
			b->nomem = true;
		} else {
			add_images(b, pod, images, room, &count);
			e->images.items = images;
			e->images.count = count;
		}
	}
	bool netpol = kind != NULL && strcmp(kind, "NetworkPolicy") == 0;
	const char *sel_key = netpol ? "podSelector" : "selector";
	e->selector = selector_of(b, get(spec, sel_key));
	locate_key(b, &l, "selector", spec, sel_key);
	if (netpol) {
		e->policy_types = strings_of(b, get(spec, "policyTypes"),
			false);
		locate_key(b, &l, "policy_types", spec, "policyTypes");
	}
	finish_locations(b, e, &l);
}

/* The items of obj when it is a List (a kind ending in "List" with an
 * `items` sequence), each of them an object of its own; else NULL. */
static const struct plm_node *list_items(const struct plm_node *obj)
{
	const char *kind = plm_node_get_str(obj, "kind");
	const struct plm_node *items = get(obj, "items");
	size_t klen = kind != NULL ? strlen(kind) : 0;
	return klen >= 4 && strcmp(kind + klen - 4, "List") == 0 &&
			items != NULL && items->kind == PLM_NODE_SEQ
		? items
		: NULL;
}

static void add_kubernetes(struct builder *b)
{
	const struct plm_node *tree = b->doc->tree;
	if (tree == NULL || tree->kind != PLM_NODE_SEQ) {
		return;
	}
	for (size_t i = 0; i < tree->as.seq.count && !b->nomem; i++) {
		const struct plm_node *obj = tree->as.seq.items[i];
		if (obj == NULL || obj->kind != PLM_NODE_MAP) {
			continue;
		}
		const struct plm_node *items = list_items(obj);
		if (items != NULL) {
			for (size_t k = 0; k < items->as.seq.count; k++) {
				const struct plm_node *it =
					items->as.seq.items[k];
				if (it != NULL && it->kind == PLM_NODE_MAP) {
					add_object(b, it);
				}
			}
			continue;
		}
		add_object(b, obj);
	}
}

/* The container record of the Compose service called name, or NULL.
 * The records come in the order of the services that add_compose goes
 * through, so the look starts after the last one found (and goes round
 * to it): one step a service, where a look from the first record for
 * each service of a file of thousands grew with their square. */
static const struct plm_node *service_record(struct builder *b,
	const char *name)
{
	const struct plm_node *cs = b->doc->containers;
	if (cs == NULL || cs->kind != PLM_NODE_SEQ) {
		return NULL;
	}
	size_t count = cs->as.seq.count;
	for (size_t k = 0; k < count; k++) {
		size_t i = (b->next_record + k) % count;
		const struct plm_node *c = cs->as.seq.items[i];
		const char *n = plm_node_get_str(c, "name");
		const char *role = plm_node_get_str(c, "role");
		if (n != NULL && role != NULL && strcmp(role, "service") == 0 &&
			strcmp(n, name) == 0) {
			b->next_record = i + 1;
			return c;
		}
	}
	return NULL;
}

static void add_service(struct builder *b, const struct plm_entry *svc)
{
	struct plm_index_entry *e = new_entry(b);
	if (e == NULL) {
		return;
	}
	struct locations l = {.count = 0};
	const struct plm_node *s = svc->value;
	e->kind = PLM_INDEX_SERVICE;
	e->name = copy(b, svc->key, svc->key_len);
	e->image = scalar(b, get(s, "image"));
	e->labels = compose_labels(b, get(s, "labels"));
	e->networks = strings_of(b, get(s, "networks"), true);
	locate(b, &l, "object",
		s != NULL && s->span.end > s->span.start ? s->span
							 : svc->key_span);
	locate(b, &l, "name", svc->key_span);
	locate_key(b, &l, "image", s, "image");
	locate_key(b, &l, "build", s, "build");
	locate_key(b, &l, "labels", s, "labels");
	locate_key(b, &l, "networks", s, "networks");
	const struct plm_node *record = e->name != NULL
		? service_record(b, e->name)
		: NULL;
	const struct plm_node *built = get(record, "build");
	if (built != NULL && built->kind == PLM_NODE_MAP) {
		uint32_t src = built->span.source;
		e->build = src != 0 && src < b->doc->source_count
			? copy(b, b->doc->sources[src]->path,
				  strlen(b->doc->sources[src]->path))
			: "";
	}
	finish_locations(b, e, &l);
}

static void add_compose(struct builder *b)
{
	const struct plm_node *tree = b->doc->tree;
	for (size_t i = 0; tree != NULL && tree->kind == PLM_NODE_SEQ &&
		i < tree->as.seq.count && !b->nomem;
		i++) {
		const struct plm_node *services = get(tree->as.seq.items[i],
			"services");
		if (services == NULL || services->kind != PLM_NODE_MAP) {
			continue;
		}
		for (size_t k = 0; k < services->as.map.count && !b->nomem;
			k++) {
			add_service(b, &services->as.map.entries[k]);
		}
	}
}

static void add_dockerfile(struct builder *b)
{
	const struct plm_node *stages = get(b->doc->tree, "stages");
	size_t n = plm_node_count(stages);
	if (stages == NULL || stages->kind != PLM_NODE_SEQ || n == 0) {
		return;
	}
	struct plm_index_entry *e = new_entry(b);
	if (e == NULL) {
		return;
	}
	struct locations l = {.count = 0};
	const struct plm_node *last = stages->as.seq.items[n - 1];
	e->kind = PLM_INDEX_DOCKERFILE;
	e->name = scalar(b, get(last, "name"));
	e->image = scalar(b, get(get(last, "base"), "text"));
	e->user = scalar(b, get(get(last, "user"), "text"));
	const char **names = plm_arena_alloc(b->part->arena,
		n * sizeof(*names));
	if (names == NULL) {
		b->nomem = true;
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < n && k < PLM_INDEX_MAX_ITEMS; i++) {
		const char *name = scalar(b,
			get(stages->as.seq.items[i], "name"));
		if (name != NULL) {
			names[k++] = name;
		}
	}
	e->stages.items = names;
	e->stages.count = k;
	if (last != NULL) {
		locate(b, &l, "object", last->span);
		locate_key(b, &l, "name", last, "name");
		locate_key(b, &l, "image", last, "base");
		locate_key(b, &l, "user", last, "user");
	}
	finish_locations(b, e, &l);
}

void plm_index_part_keep_line_hashes(struct plm_index_part *part,
	struct plm_line_hashes *hashes)
{
	plm_line_hashes_finish(&part->line_hashes);
	part->line_hashes = *hashes;
	memset(hashes, 0, sizeof(*hashes));
	part->doc.line_hashes = part->line_hashes.hash != NULL
		? &part->line_hashes
		: NULL;
}

void plm_index_part_destroy(struct plm_index_part *part)
{
	if (part == NULL) {
		return;
	}
	plm_line_hashes_finish(&part->line_hashes);
	plm_arena_destroy(part->arena);
	plm_free(part);
}

size_t plm_index_part_bytes(const struct plm_index_part *part)
{
	return plm_arena_used(part->arena);
}

const struct plm_index_doc *plm_index_part_doc(
	const struct plm_index_part *part)
{
	return &part->doc;
}

/* Builds the part of doc into arena; false when out of memory. */
static bool build_part(const struct plm_doc *doc, const char *path,
	const char *shown_path, struct plm_index_part *part)
{
	struct builder b = {.doc = doc, .part = part};
	const char *shown = shown_path != NULL ? shown_path
					       : plm_doc_main(doc)->path;
	part->doc.path = copy(&b, path, strlen(path));
	part->doc.shown_path = strcmp(shown, path) == 0
		? part->doc.path
		: copy(&b, shown, strlen(shown));
	part->doc.kind = doc->kind;
	part->doc.line_count = plm_doc_main(doc)->line_count;
	switch (doc->kind) {
	case PLM_KIND_KUBERNETES:
		add_kubernetes(&b);
		break;
	case PLM_KIND_COMPOSE:
		add_compose(&b);
		break;
	case PLM_KIND_DOCKERFILE:
		add_dockerfile(&b);
		break;
	default:
		break;
	}
	finish_entries(&b);
	return !b.nomem;
}

int plm_index_part_build(const struct plm_doc *doc, const char *path,
	const char *shown_path, struct plm_index_part **out)
{
	*out = NULL;
	/* A part lives until the run ends, and there is one per file: it
	 * is built twice, once to learn its size and once into a block of
	 * exactly that size (the same allocations in the same order), so
	 * that the index holds no slack. Building costs little next to
	 * loading the document. */
	struct plm_index_part trial = {0};
	trial.arena = plm_arena_create(0);
	bool ok = trial.arena != NULL &&
		build_part(doc, path, shown_path, &trial);
	size_t need = ok ? plm_arena_used(trial.arena) : 0;
	plm_arena_destroy(trial.arena);
	struct plm_index_part *part = ok ? plm_calloc(1, sizeof(*part)) : NULL;
	if (part == NULL ||
		(part->arena = plm_arena_create_sized(0, need)) == NULL) {
		plm_free(part);
		return PLM_ENOMEM;
	}
	if (!build_part(doc, path, shown_path, part)) {
		plm_index_part_destroy(part);
		return PLM_ENOMEM;
	}
	*out = part;
	return 0;
}

int plm_index_create(struct plm_index **out)
{
	*out = plm_calloc(1, sizeof(**out));
	return *out != NULL ? 0 : PLM_ENOMEM;
}

void plm_index_destroy(struct plm_index *index)
{
	if (index == NULL) {
		return;
	}
	for (size_t i = 0; i < index->count; i++) {
		plm_index_part_destroy(index->parts[i]);
	}
	plm_free(index->parts);
	plm_free(index);
}

int plm_index_append_take(struct plm_index *index, struct plm_index_part *part)
{
	if (index->count == index->cap) {
		size_t cap = index->cap ? index->cap * 2 : 16;
		struct plm_index_part **n = plm_realloc(index->parts,
			cap * sizeof(*n));
		if (n == NULL) {
			plm_index_part_destroy(part);
			return PLM_ENOMEM;
		}
		index->parts = n;
		index->cap = cap;
	}
	index->parts[index->count++] = part;
	return 0;
}

int plm_index_add_doc(struct plm_index *index, const struct plm_doc *doc,
	const char *path, const char *shown_path)
{
	struct plm_index_part *part = NULL;
	int rc = plm_index_part_build(doc, path, shown_path, &part);
	return rc != 0 ? rc : plm_index_append_take(index, part);
}

size_t plm_index_doc_count(const struct plm_index *index)
{
	return index->count;
}

const struct plm_index_doc *plm_index_doc_at(const struct plm_index *index,
	size_t i)
{
	return i < index->count ? &index->parts[i]->doc : NULL;
}

const struct plm_index_location *plm_index_entry_location(const struct plm_index_entry
								  *entry,
	const char *name)
{
	for (size_t i = 0; i < entry->location_count; i++) {
		if (strcmp(entry->locations[i].name, name) == 0) {
			return &entry->locations[i];
		}
	}
	return NULL;
}

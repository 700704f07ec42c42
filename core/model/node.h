/*
 * model/node.h - the one node type of the model.
 *
 * Every format's tree and the containers view are built from these nodes: a
 * null, boolean, integer, float or string scalar, a sequence, or a map whose
 * entries keep their order. Every node has a span (which source, which bytes);
 * a map entry also has the span of its key. Nodes live in their document's
 * arena and are never freed one by one.
 *
 * Once a document is built its nodes are read-only: the engine shares them
 * between policies.
 */
#ifndef PLM_MODEL_NODE_H
#define PLM_MODEL_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "plimsoll/error.h"
#include "util/arena.h"

/* A byte range [start, end) in one of the document's sources. */
struct plm_span {
	uint32_t source; /* index into plm_doc.sources */
	uint32_t start;
	uint32_t end;
};

enum plm_node_kind {
	PLM_NODE_NULL = 0,
	PLM_NODE_BOOL,
	PLM_NODE_INT,
	PLM_NODE_FLOAT,
	PLM_NODE_STRING,
	PLM_NODE_SEQ,
	PLM_NODE_MAP,
};

/* Node flags. */
enum {
	/* The value was not written in the source: the span points at the place
	 * a fix would go (a container's declaration). */
	PLM_NODE_IMPLICIT = 1u << 0,
	/* The value came from variable interpolation (Compose ${VAR}, Dockerfile
	 * $VAR) rather than being written literally. */
	PLM_NODE_INTERPOLATED = 1u << 1,
	/* A YAML scalar written in quotes (so `"yes"` stays a string). */
	PLM_NODE_QUOTED = 1u << 2,
	/* The value was inherited (Kubernetes pod-level securityContext, Docker
	 * parent stage, Compose extends). */
	PLM_NODE_INHERITED = 1u << 3,
	/* A record field written with the wrong shape (`ports: 80`): the node
	 * is a null spanning what was written, and a model note says why. A
	 * policy can tell it from a field left out (implicit). */
	PLM_NODE_UNKNOWN = 1u << 4,
	/* A link from the containers view to the raw node it came from: a
	 * sequence whose one item is that node (shared with the tree). Lua
	 * sees the item itself; the dump writes its position. */
	PLM_NODE_LINK = 1u << 5,
};

struct plm_node;

struct plm_entry {
	const char *key; /* NUL-terminated, in the arena */
	size_t key_len;
	struct plm_span key_span;
	struct plm_node *value;
};

struct plm_node {
	enum plm_node_kind kind;
	uint32_t flags;
	struct plm_span span;
	const char *tag;  /* YAML tag (e.g. "tag:yaml.org,2002:str") or NULL */
	const char *text; /* original source text of a scalar, or NULL */
	size_t text_len;
	union {
		bool boolean;
		int64_t integer;
		double number;
		struct {
			const char *ptr; /* NUL-terminated */
			size_t len;
		} string;
		struct {
			struct plm_node **items;
			size_t count;
			size_t cap;
		} seq;
		struct {
			struct plm_entry *entries;
			size_t count;
			size_t cap;
		} map;
	} as;
};

/* Constructors: each returns a node in the arena, or NULL when the arena is
 * exhausted. String constructors copy their bytes. */
struct plm_node *plm_node_null(struct plm_arena *a, struct plm_span span);
struct plm_node *plm_node_bool(struct plm_arena *a, struct plm_span span,
	bool value);
struct plm_node *plm_node_int(struct plm_arena *a, struct plm_span span,
	int64_t value);
struct plm_node *plm_node_float(struct plm_arena *a, struct plm_span span,
	double value);
struct plm_node *plm_node_string(struct plm_arena *a, struct plm_span span,
	const char *s, size_t len);
struct plm_node *plm_node_cstring(struct plm_arena *a, struct plm_span span,
	const char *s);
/* A string node of s[0..len) copied out of a source: invalid UTF-8 bytes
 * become U+FFFD, so model strings stay valid UTF-8. */
struct plm_node *plm_node_text(struct plm_arena *a, struct plm_span span,
	const char *s, size_t len);
struct plm_node *plm_node_seq(struct plm_arena *a, struct plm_span span);
struct plm_node *plm_node_map(struct plm_arena *a, struct plm_span span);
/* A map with room for cap entries made at once: filling it up to cap
 * never grows it. */
struct plm_node *plm_node_map_sized(struct plm_arena *a, struct plm_span span,
	size_t cap);

/* Appends item to a sequence. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_node_push(struct plm_arena *a, struct plm_node *seq,
	struct plm_node *item);
/* Sets key in a map: replaces the value of an existing key (keeping its
 * position), else appends. The key is copied. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_node_set(struct plm_arena *a, struct plm_node *map,
	const char *key, struct plm_span key_span, struct plm_node *value);
/* Appends an entry without looking for an existing key (a YAML loader that
 * has already reported duplicates uses this). */
PLM_NODISCARD int plm_node_append(struct plm_arena *a, struct plm_node *map,
	const char *key, size_t key_len, struct plm_span key_span,
	struct plm_node *value);

/* Appends an entry whose key lives at least as long as the map (a string
 * literal, or a copy already in the same arena): the key is not copied.
 * For front ends building maps with fixed field names, and the YAML loader,
 * which copies each key once when it reads it. Returns 0, PLM_EINVAL or
 * PLM_ENOMEM. */
PLM_NODISCARD static inline int plm_node_append_static(struct plm_arena *a,
	struct plm_node *map, const char *key, size_t key_len,
	struct plm_span key_span, struct plm_node *value);
/* Its path when the map must grow or the arguments are wrong. */
PLM_NODISCARD int plm_node_append_static_slow(struct plm_arena *a,
	struct plm_node *map, const char *key, size_t key_len,
	struct plm_span key_span, struct plm_node *value);

/* The entry of the key of len bytes in map, or NULL if absent or map is
 * not a map. */
const struct plm_entry *plm_node_entry_n(const struct plm_node *map,
	const char *key, size_t len);
/* The entry of key in map, or NULL (inline: a literal key's length is
 * known when compiling, and front ends look up hundreds per record). */
static inline const struct plm_entry *plm_node_entry(const struct plm_node *map,
	const char *key)
{
	return plm_node_entry_n(map, key, strlen(key));
}
/* The value of key in map, or NULL if absent or map is not a map. */
static inline struct plm_node *plm_node_get(const struct plm_node *map,
	const char *key)
{
	const struct plm_entry *e = plm_node_entry_n(map, key, strlen(key));
	return e ? e->value : NULL;
}
/* The string of a STRING node, or NULL for any other node (or NULL). */
const char *plm_node_str(const struct plm_node *node);
/* The string value of map[key], or NULL. */
const char *plm_node_get_str(const struct plm_node *map, const char *key);
/* Number of items or entries (0 for scalars and NULL). */
size_t plm_node_count(const struct plm_node *node);
/* A deep copy of node into arena a (spans kept). NULL when out of memory. */
struct plm_node *plm_node_clone(struct plm_arena *a,
	const struct plm_node *node);

/* The name of a node kind: "null", "bool", "int", "float", "string", "seq",
 * "map". */
const char *plm_node_kind_name(enum plm_node_kind kind);

static inline int plm_node_append_static(struct plm_arena *a,
	struct plm_node *map, const char *key, size_t key_len,
	struct plm_span key_span, struct plm_node *value)
{
	if (map != NULL && map->kind == PLM_NODE_MAP && value != NULL &&
		map->as.map.count < map->as.map.cap) {
		struct plm_entry *e = &map->as.map.entries[map->as.map.count++];
		e->key = key;
		e->key_len = key_len;
		e->key_span = key_span;
		e->value = value;
		return 0;
	}
	return plm_node_append_static_slow(a, map, key, key_len, key_span,
		value);
}

#endif

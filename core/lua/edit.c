/*
 * lua/edit.c - native.edit_set: the edit that sets a key of a container's
 * own YAML mapping (Compose service, Kubernetes container), replacing a
 * scalar that is written or adding the missing keys as block lines at the
 * mapping's indentation, nested by the file's own step, with its line
 * breaks. A policy hands the edit to report() in
 * extra.edits; a fix is a suggestion, so where the file's shape does not
 * allow a sound edit (flow style, the value is a mapping, the key lies in
 * a file the document pulled in) there is none.
 */
#include <string.h>
#include <lauxlib.h>
#include "lua/internal.h"
#include "lua/model.h"
#include "model/document.h"

#define MAX_KEYS 4
#define MAX_DEPTH 64
#define MAX_TEXT 1024

/* Where child i of the map or list n starts: an entry's key, an item. */
static uint32_t child_start(const struct plm_node *n, size_t i)
{
	return n->kind == PLM_NODE_MAP ? n->as.map.entries[i].key_span.start
				       : n->as.seq.items[i]->span.start;
}

/* The last child of n (a map or a list of `count` children) that starts
 * at or before `start`, found by halving as if the children were in the
 * order the file writes them (a stream's documents, a list's items, a
 * map's keys); SIZE_MAX when none does. Only a first guess: a child
 * from another file, or one an alias shares, breaks the order. */
static size_t guess_child(const struct plm_node *n, size_t count,
	uint32_t start)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (child_start(n, mid) <= start) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo == 0 ? SIZE_MAX : lo - 1;
}

static const struct plm_node *map_with_key(const struct plm_node *n,
	uint32_t start, int depth, const struct plm_entry **entry);

/* map_with_key through the child of n that the file's order says holds
 * `start`: one path down a stream of thousands of documents or a map of
 * thousands of services, where a look through every child for every fix
 * grew with the square of the file. NULL when that child does not hold
 * it (the caller then looks through the others: *tried is the child
 * looked through, SIZE_MAX for none, so that no child is gone through
 * twice, which along a path of nested children would double at each
 * level). */
static const struct plm_node *by_guess(const struct plm_node *n, uint32_t start,
	int depth, const struct plm_entry **entry, size_t *tried)
{
	size_t count = n->kind == PLM_NODE_MAP ? n->as.map.count
					       : n->as.seq.count;
	size_t i = guess_child(n, count, start);
	*tried = i;
	if (i == SIZE_MAX) {
		return NULL;
	}
	if (n->kind == PLM_NODE_MAP) {
		const struct plm_entry *e = &n->as.map.entries[i];
		if (e->key_span.source == 0 && e->key_span.start == start) {
			*entry = e;
			return n;
		}
		return map_with_key(e->value, start, depth + 1, entry);
	}
	return map_with_key(n->as.seq.items[i], start, depth + 1, entry);
}

/* The map in `n` (depth-first) holding an entry whose key starts at
 * `start`; *entry is that entry. */
static const struct plm_node *map_with_key(const struct plm_node *n,
	uint32_t start, int depth, const struct plm_entry **entry)
{
	if (n == NULL || depth > MAX_DEPTH) {
		return NULL;
	}
	/* Only down the node whose bytes hold the key: a fix in a bundle
	 * of many documents walks one path, not the whole tree. */
	if (n->span.source == 0 && n->span.end > n->span.start &&
		(start < n->span.start || start >= n->span.end)) {
		return NULL;
	}
	size_t tried = SIZE_MAX;
	if (n->kind == PLM_NODE_MAP || n->kind == PLM_NODE_SEQ) {
		const struct plm_node *m = by_guess(n, start, depth, entry,
			&tried);
		if (m != NULL) {
			return m;
		}
	}
	if (n->kind == PLM_NODE_MAP) {
		for (size_t i = 0; i < n->as.map.count; i++) {
			const struct plm_entry *e = &n->as.map.entries[i];
			if (e->key_span.source == 0 &&
				e->key_span.start == start) {
				*entry = e;
				return n;
			}
		}
		for (size_t i = 0; i < n->as.map.count; i++) {
			const struct plm_node *m = i == tried
				? NULL
				: map_with_key(n->as.map.entries[i].value,
					  start, depth + 1, entry);
			if (m != NULL) {
				return m;
			}
		}
	} else if (n->kind == PLM_NODE_SEQ) {
		for (size_t i = 0; i < n->as.seq.count; i++) {
			const struct plm_node *m = i == tried
				? NULL
				: map_with_key(n->as.seq.items[i], start,
					  depth + 1, entry);
			if (m != NULL) {
				return m;
			}
		}
	}
	return NULL;
}

static const struct plm_entry *find_key(const struct plm_node *map,
	const char *key)
{
	for (size_t i = 0; i < map->as.map.count; i++) {
		if (strcmp(map->as.map.entries[i].key, key) == 0) {
			return &map->as.map.entries[i];
		}
	}
	return NULL;
}

/* The column (bytes from the line's start) of a block map's keys, or -1
 * when the map is not a block map of the main source whose first key
 * starts its line (after spaces and a sequence's `- `). */
static long key_column(const struct plm_source *src, const struct plm_node *m)
{
	if (m->kind != PLM_NODE_MAP || m->as.map.count == 0 ||
		m->span.source != 0 || m->span.start >= src->len ||
		src->bytes[m->span.start] == '{') {
		return -1;
	}
	uint32_t at = m->as.map.entries[0].key_span.start;
	uint32_t line = plm_source_line_of(src, at);
	uint32_t from = src->line_starts[line];
	for (uint32_t i = from; i < at; i++) {
		if (src->bytes[i] != ' ' && src->bytes[i] != '-') {
			return -1;
		}
	}
	return (long)(at - from);
}

/* The column (bytes from its line's start) of an entry's key. */
static long entry_column(const struct plm_source *src,
	const struct plm_entry *e)
{
	uint32_t at = e->key_span.start;
	return (long)(at - src->line_starts[plm_source_line_of(src, at)]);
}

/* The step the file indents a nested block mapping by, found in n
 * (depth-first): the first entry whose value is a block mapping on a
 * line of its own, its keys' column less the entry key's. 0: none. */
static long nested_step(const struct plm_source *src, const struct plm_node *n,
	int depth)
{
	if (n == NULL || depth > MAX_DEPTH) {
		return 0;
	}
	if (n->kind == PLM_NODE_SEQ) {
		for (size_t i = 0; i < n->as.seq.count; i++) {
			long step = nested_step(src, n->as.seq.items[i],
				depth + 1);
			if (step > 0) {
				return step;
			}
		}
		return 0;
	}
	if (n->kind != PLM_NODE_MAP) {
		return 0;
	}
	for (size_t i = 0; i < n->as.map.count; i++) {
		const struct plm_entry *e = &n->as.map.entries[i];
		const struct plm_node *v = e->value;
		if (e->key_span.source != 0 || v == NULL ||
			v->kind != PLM_NODE_MAP || v->as.map.count == 0 ||
			v->as.map.entries[0].key_span.source != 0) {
			continue;
		}
		long inner = key_column(src, v);
		uint32_t key_line = plm_source_line_of(src, e->key_span.start);
		uint32_t value_line = plm_source_line_of(src,
			v->as.map.entries[0].key_span.start);
		long outer = entry_column(src, e);
		if (inner > outer && value_line > key_line) {
			return inner - outer;
		}
	}
	for (size_t i = 0; i < n->as.map.count; i++) {
		long step = nested_step(src, n->as.map.entries[i].value,
			depth + 1);
		if (step > 0) {
			return step;
		}
	}
	return 0;
}

/* The line break of 0-based line `line` ("\r\n" or "\n"), or of the
 * line before it when it has none (the file's last). */
static const char *line_break(const struct plm_source *src, uint32_t line)
{
	for (int k = 0; k < 2 && line < src->line_count; k++, line--) {
		size_t len = 0;
		const char *text = plm_source_line(src, line, &len);
		size_t at = (size_t)(text - src->bytes) + len;
		if (at < src->len) {
			return src->bytes[at] == '\r' ? "\r\n" : "\n";
		}
		if (line == 0) {
			break;
		}
	}
	return "\n";
}

static void push_edit(lua_State *L, uint32_t start, uint32_t end,
	const char *text, size_t len)
{
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, 1); /* the main source, 1-based as p.span says */
	lua_setfield(L, -2, "source");
	lua_pushinteger(L, start);
	lua_setfield(L, -2, "offset");
	lua_pushinteger(L, end);
	lua_setfield(L, -2, "end_offset");
	lua_pushlstring(L, text, len);
	lua_setfield(L, -2, "text");
}

/* native.edit_set(record, keys, value) -> {offset, end_offset, text} or
 * nil. record: a Compose service's or Kubernetes container's record;
 * keys: a list of keys from its mapping down ({"securityContext",
 * "runAsNonRoot"}); value: the YAML text of the value. */
int plm_lua_native_edit_set(lua_State *L)
{
	const struct plm_doc *doc = plm_lua_host(L)->doc;
	struct plm_span span;
	const struct plm_node *target = NULL;
	plm_lua_check_target(L, 1, false, &span, &target);
	luaL_checktype(L, 2, LUA_TTABLE);
	size_t value_len = 0;
	const char *value = luaL_checklstring(L, 3, &value_len);
	const char *keys[MAX_KEYS];
	lua_Integer n = luaL_len(L, 2);
	luaL_argcheck(L, n >= 1 && n <= MAX_KEYS, 2, "1 to 4 keys expected");
	for (lua_Integer i = 0; i < n; i++) {
		lua_geti(L, 2, i + 1);
		keys[i] = lua_tostring(L, -1);
		luaL_argcheck(L, keys[i] != NULL && keys[i][0] != '\0', 2,
			"keys must be strings");
	}
	if (doc == NULL || span.source != 0 || doc->source_count == 0 ||
		value_len == 0 || value_len > MAX_TEXT ||
		memchr(value, '\n', value_len) != NULL) {
		return 0;
	}
	const struct plm_source *src = doc->sources[0];
	/* The record's mapping: a Compose service's record spans the
	 * service's key (the mapping is that key's value); a Kubernetes
	 * container's spans its first entry (the mapping holds it). */
	const struct plm_entry *e = NULL;
	const struct plm_node *map = map_with_key(doc->tree, span.start, 0, &e);
	if (map == NULL) {
		return 0;
	}
	if (e->key_span.end == span.end && e->value != NULL &&
		e->value->kind == PLM_NODE_MAP) {
		map = e->value;
	}
	lua_Integer i = 0;
	for (; i < n; i++) {
		const struct plm_entry *k = find_key(map, keys[i]);
		if (k == NULL) {
			break;
		}
		const struct plm_node *v = k->value;
		if (i == n - 1) {
			/* Written: its scalar replaced. */
			if (v == NULL || v->kind == PLM_NODE_MAP ||
				v->kind == PLM_NODE_SEQ ||
				v->span.source != 0 ||
				v->span.end <= v->span.start ||
				(v->flags & PLM_NODE_IMPLICIT)) {
				return 0;
			}
			push_edit(L, v->span.start, v->span.end, value,
				value_len);
			return 1;
		}
		if (v == NULL || v->kind != PLM_NODE_MAP) {
			return 0;
		}
		map = v;
	}
	long col = key_column(src, map);
	if (col < 0 || col > 200) {
		return 0;
	}
	/* The missing keys as lines after the map's last line, nested by
	 * the step the file's own nested mappings use (the container's
	 * first, then the file's; 2 when it has none), with its line
	 * breaks. */
	long step = i < n - 1 ? nested_step(src, map, 0) : 0;
	if (i < n - 1 && step == 0) {
		step = nested_step(src, doc->tree, 0);
	}
	if (step <= 0 || step > 16) {
		step = 2;
	}
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	uint32_t end = map->span.end > map->span.start ? map->span.end - 1
						       : map->span.start;
	uint32_t line = plm_source_line_of(src, end);
	const char *eol = line_break(src, line);
	uint32_t at = line + 1 < src->line_count ? src->line_starts[line + 1]
						 : (uint32_t)src->len;
	bool newline_first = at == src->len &&
		(src->len == 0 || src->bytes[src->len - 1] != '\n');
	if (newline_first) {
		luaL_addstring(&b, eol);
	}
	for (lua_Integer k = i; k < n; k++) {
		for (long s = 0; s < col + step * (k - i); s++) {
			luaL_addchar(&b, ' ');
		}
		luaL_addstring(&b, keys[k]);
		luaL_addchar(&b, ':');
		if (k == n - 1) {
			luaL_addchar(&b, ' ');
			luaL_addlstring(&b, value, value_len);
		}
		if (k < n - 1 || !newline_first) {
			luaL_addstring(&b, eol);
		}
	}
	luaL_pushresult(&b);
	size_t len = 0;
	const char *text = lua_tolstring(L, -1, &len);
	push_edit(L, at, at, text, len);
	return 1;
}

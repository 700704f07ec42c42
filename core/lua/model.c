/*
 * lua/model.c - read-only proxies over model nodes, the `doc` table, and
 * the native helpers (span, meta) the helper library wraps.
 */
#include "lua/model.h"

#include <string.h>
#include <lauxlib.h>
#include "lua/internal.h"
#include "lua/pattern.h"

#define PROXY_NAME "plimsoll.node"

/* The key of the `doc` table in the bound document's proxy table. */
static const char key_doc = 0;

struct proxy {
	const struct plm_node *node;
	uint64_t generation;
};

void plm_lua_bind_doc(struct plm_lua *h, const struct plm_doc *doc)
{
	h->doc = doc;
	h->generation++;
}

void plm_lua_unbind_doc(struct plm_lua *h)
{
	h->doc = NULL;
	h->generation++;
}

/* The proxy at idx, or NULL: compares its metatable with the one the
 * host keeps the address of (no registry look-up).  [-0, +0, -] */
static struct proxy *to_proxy(lua_State *L, int idx)
{
	struct proxy *p = lua_touserdata(L, idx);
	if (p == NULL || lua_islightuserdata(L, idx) ||
		!lua_getmetatable(L, idx)) {
		return NULL;
	}
	bool same = lua_topointer(L, -1) == plm_lua_host(L)->node_mt;
	lua_pop(L, 1);
	return same ? p : NULL;
}

const struct plm_node *plm_lua_to_node(lua_State *L, int idx)
{
	struct proxy *p = to_proxy(L, idx);
	if (p == NULL) {
		return NULL;
	}
	struct plm_lua *h = plm_lua_host(L);
	if (p->generation != h->generation || h->doc == NULL) {
		return NULL;
	}
	return p->node;
}

/* The node of the proxy at idx; raises when it is not a live one. */
static const struct plm_node *check_node(lua_State *L, int idx)
{
	struct proxy *p = to_proxy(L, idx);
	if (p == NULL) {
		luaL_typeerror(L, idx, "model node");
	}
	struct plm_lua *h = plm_lua_host(L);
	if (p->generation != h->generation || h->doc == NULL) {
		luaL_error(L, "model node used after its document was checked");
	}
	return p->node;
}

/* Pushes the cache table of the bound document (node -> proxy, and the
 * `doc` table), making a fresh one when the document changed.
 * [-0, +1, m] */
static void push_cache(lua_State *L, struct plm_lua *h)
{
	if (h->cache_ref > 0 && h->cache_generation == h->generation) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, h->cache_ref);
		return;
	}
	lua_createtable(L, 0, 64);
	lua_pushvalue(L, -1);
	if (h->cache_ref > 0) {
		lua_rawseti(L, LUA_REGISTRYINDEX, h->cache_ref);
	} else {
		h->cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	h->cache_generation = h->generation;
}

void plm_lua_push_node(lua_State *L, const struct plm_node *node)
{
	if (node == NULL) {
		lua_pushnil(L);
		return;
	}
	switch (node->kind) {
	case PLM_NODE_NULL:
		lua_pushnil(L);
		return;
	case PLM_NODE_BOOL:
		lua_pushboolean(L, node->as.boolean);
		return;
	case PLM_NODE_INT:
		lua_pushinteger(L, node->as.integer);
		return;
	case PLM_NODE_FLOAT:
		lua_pushnumber(L, node->as.number);
		return;
	case PLM_NODE_STRING:
		lua_pushlstring(L, node->as.string.ptr, node->as.string.len);
		return;
	case PLM_NODE_SEQ:
	case PLM_NODE_MAP:
		break;
	}
	if ((node->flags & PLM_NODE_LINK) && node->as.seq.count == 1) {
		plm_lua_push_node(L, node->as.seq.items[0]);
		return;
	}
	struct plm_lua *h = plm_lua_host(L);
	push_cache(L, h);
	if (lua_rawgetp(L, -1, node) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	struct proxy *p = lua_newuserdatauv(L, sizeof(*p), 1);
	p->node = node;
	p->generation = h->generation;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &plm_lua_key_node_mt);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, node);
	lua_remove(L, -2);
}

/* The item of a sequence for a Lua key (1-based integer), or NULL. */
static const struct plm_node *seq_item(lua_State *L, const struct plm_node *seq,
	int key)
{
	int isnum = 0;
	lua_Integer i = lua_tointegerx(L, key, &isnum);
	if (!isnum || i < 1 || (lua_Unsigned)i > seq->as.seq.count) {
		return NULL;
	}
	return seq->as.seq.items[i - 1];
}

/* The node of the proxy a metamethod of the proxy metatable was called
 * on. Only the proxies carry that metatable and policies cannot reach
 * its functions (it is protected, and there is no debug library), so the
 * size test is all the type check needed; it keeps the read in bounds
 * all the same.  [-0, +0, v] */
static const struct plm_node *self_node(lua_State *L)
{
	struct proxy *p = lua_touserdata(L, 1);
	if (p == NULL || lua_rawlen(L, 1) != sizeof(*p)) {
		luaL_typeerror(L, 1, "model node");
	}
	struct plm_lua *h = plm_lua_host(L);
	if (p->generation != h->generation || h->doc == NULL) {
		luaL_error(L, "model node used after its document was checked");
	}
	return p->node;
}

/* Stands in the memo for a key the node does not have. */
static const char key_absent = 0;

/* node[key]: what the memo table of the proxy (its user value, made on
 * the first read) holds, else worked out from the node and kept there.
 * Policies read the same fields of a node again and again (every policy
 * asks each container for its securityContext); a table read is far
 * cheaper than matching the key against the entries and pushing the
 * value again (a long string is copied at each push). */
static int proxy_index(lua_State *L)
{
	const struct plm_node *n = self_node(L);
	if (lua_getiuservalue(L, 1, 1) == LUA_TTABLE) {
		lua_pushvalue(L, 2);
		int t = lua_rawget(L, -2);
		if (t == LUA_TLIGHTUSERDATA &&
			lua_touserdata(L, -1) == &key_absent) {
			lua_pushnil(L);
			return 1;
		}
		if (t != LUA_TNIL) {
			return 1;
		}
		lua_pop(L, 1);
	} else {
		lua_pop(L, 1);
		size_t count = plm_node_count(n);
		int room = count < 16 ? (int)count : 16;
		lua_createtable(L, n->kind == PLM_NODE_SEQ ? room : 0,
			n->kind == PLM_NODE_SEQ ? 0 : room);
		lua_pushvalue(L, -1);
		lua_setiuservalue(L, 1, 1);
	}
	/* Stack: proxy, key, memo. */
	const struct plm_node *v = NULL;
	if (n->kind == PLM_NODE_SEQ) {
		v = seq_item(L, n, 2);
		if (v == NULL) {
			/* Out of range, or not an index: not worth keeping. */
			lua_pushnil(L);
			return 1;
		}
	} else if (lua_type(L, 2) == LUA_TSTRING) {
		size_t len = 0;
		const char *key = lua_tolstring(L, 2, &len);
		for (size_t i = 0; i < n->as.map.count; i++) {
			const struct plm_entry *e = &n->as.map.entries[i];
			if (e->key_len == len &&
				memcmp(e->key, key, len) == 0) {
				v = e->value;
				break;
			}
		}
	} else {
		lua_pushnil(L);
		return 1;
	}
	lua_pushvalue(L, 2);
	plm_lua_push_node(L, v);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushlightuserdata(L, (void *)&key_absent);
		lua_rawset(L, -3);
		lua_pushnil(L);
		return 1;
	}
	lua_pushvalue(L, -1);
	lua_insert(L, -3);
	lua_rawset(L, -4);
	return 1;
}

static int proxy_newindex(lua_State *L)
{
	return luaL_error(L, "the model is read-only");
}

static int proxy_len(lua_State *L)
{
	const struct plm_node *n = self_node(L);
	lua_pushinteger(L, (lua_Integer)plm_node_count(n));
	return 1;
}

/* Iterator: upvalue 1 is the proxy, upvalue 2 the next 0-based position. */
static int proxy_next(lua_State *L)
{
	const struct plm_node *n = check_node(L, lua_upvalueindex(1));
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
	if (i < 0 || (size_t)i >= plm_node_count(n)) {
		return 0;
	}
	lua_pushinteger(L, i + 1);
	lua_replace(L, lua_upvalueindex(2));
	if (n->kind == PLM_NODE_SEQ) {
		lua_pushinteger(L, i + 1);
		plm_lua_push_node(L, n->as.seq.items[i]);
	} else {
		const struct plm_entry *e = &n->as.map.entries[i];
		lua_pushlstring(L, e->key, e->key_len);
		plm_lua_push_node(L, e->value);
	}
	return 2;
}

static int proxy_pairs(lua_State *L)
{
	check_node(L, 1);
	lua_pushvalue(L, 1);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, proxy_next, 2);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int proxy_tostring(lua_State *L)
{
	struct proxy *p = to_proxy(L, 1);
	if (p == NULL) {
		return luaL_typeerror(L, 1, "model node");
	}
	lua_pushfstring(L, "plimsoll.node(%s)",
		plm_node_kind_name(p->node->kind));
	return 1;
}

void plm_lua_model_init(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{"__index", proxy_index},
		{"__newindex", proxy_newindex},
		{"__len", proxy_len},
		{"__pairs", proxy_pairs},
		{"__tostring", proxy_tostring},
		{NULL, NULL},
	};
	luaL_newmetatable(L, PROXY_NAME);
	luaL_setfuncs(L, methods, 0);
	lua_pushliteral(L, PROXY_NAME);
	lua_setfield(L, -2, "__metatable");
	plm_lua_host(L)->node_mt = lua_topointer(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &plm_lua_key_node_mt);
}

static void make_doc(lua_State *L, const struct plm_doc *doc)
{
	lua_createtable(L, 0, 5);
	lua_pushstring(L, plm_kind_name(doc->kind));
	lua_setfield(L, -2, "kind");
	lua_pushstring(L, plm_doc_main(doc)->path);
	lua_setfield(L, -2, "path");
	plm_lua_push_node(L, doc->tree);
	lua_setfield(L, -2, "tree");
	if (doc->containers != NULL) {
		plm_lua_push_node(L, doc->containers);
	} else {
		lua_createtable(L, 0, 0);
	}
	lua_setfield(L, -2, "containers");
	lua_pushinteger(L, (lua_Integer)plm_doc_main(doc)->line_count);
	lua_setfield(L, -2, "lines");
}

/* The `doc` table of the bound document: made once per document and
 * read-only, since every policy that checks the file is handed the same
 * one.  [-0, +1, m] */
void plm_lua_push_doc(lua_State *L)
{
	struct plm_lua *h = plm_lua_host(L);
	if (h->doc == NULL) {
		lua_createtable(L, 0, 0);
		return;
	}
	push_cache(L, h);
	if (lua_rawgetp(L, -1, &key_doc) == LUA_TTABLE) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	make_doc(L, h->doc);
	plm_lua_freeze(L);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, &key_doc);
	lua_remove(L, -2);
}

void plm_lua_check_target(lua_State *L, int idx, bool has_field,
	struct plm_span *span, const struct plm_node **target)
{
	const struct plm_node *n = check_node(L, idx);
	*span = n->span;
	*target = n;
	if (!has_field || lua_isnoneornil(L, idx + 1)) {
		return;
	}
	int t = lua_type(L, idx + 1);
	if (n->kind == PLM_NODE_MAP && t == LUA_TSTRING) {
		size_t len = 0;
		const char *key = lua_tolstring(L, idx + 1, &len);
		for (size_t i = 0; i < n->as.map.count; i++) {
			const struct plm_entry *e = &n->as.map.entries[i];
			if (e->key_len == len &&
				memcmp(e->key, key, len) == 0) {
				*target = e->value;
				if (e->value != NULL &&
					(e->value->span.end >
							e->value->span.start ||
						(e->value->flags &
							PLM_NODE_IMPLICIT))) {
					*span = e->value->span;
				} else {
					*span = e->key_span;
				}
				return;
			}
		}
		*target = NULL;
		return;
	}
	if (n->kind == PLM_NODE_SEQ && t == LUA_TNUMBER) {
		const struct plm_node *item = seq_item(L, n, idx + 1);
		*target = item;
		if (item != NULL) {
			*span = item->span;
		}
		return;
	}
	luaL_argerror(L, idx + 1,
		n->kind == PLM_NODE_MAP ? "a key (string) of the map expected"
					: "an index of the sequence expected");
}

/* native.span(node [, field]) -> {path, source, start_line, start_column,
 * end_line, end_column}; native.span(node, field, "source") -> the source
 * alone (what p.edits_for asks of every finding with edits: no table, no
 * line and column worked out). */
static int native_span(lua_State *L)
{
	struct plm_lua *h = plm_lua_host(L);
	struct plm_span span;
	const struct plm_node *target = NULL;
	plm_lua_check_target(L, 1, true, &span, &target);
	if (lua_type(L, 3) == LUA_TSTRING) {
		luaL_argcheck(L, strcmp(lua_tostring(L, 3), "source") == 0, 3,
			"\"source\" expected");
		lua_pushinteger(L, (lua_Integer)span.source + 1);
		return 1;
	}
	struct plm_region r = plm_doc_region(h->doc, span);
	lua_createtable(L, 0, 6);
	if (span.source < h->doc->source_count) {
		lua_pushstring(L, h->doc->sources[span.source]->path);
		lua_setfield(L, -2, "path");
	}
	lua_pushinteger(L, (lua_Integer)span.source + 1);
	lua_setfield(L, -2, "source");
	lua_pushinteger(L, r.start_line);
	lua_setfield(L, -2, "start_line");
	lua_pushinteger(L, r.start_column);
	lua_setfield(L, -2, "start_column");
	lua_pushinteger(L, r.end_line);
	lua_setfield(L, -2, "end_line");
	lua_pushinteger(L, r.end_column);
	lua_setfield(L, -2, "end_column");
	return 1;
}

static void set_flag(lua_State *L, const char *name, bool value)
{
	lua_pushboolean(L, value);
	lua_setfield(L, -2, name);
}

/* One entry of native.meta's table for target t (flags its flags), or
 * nothing pushed and false for a name it does not have. */
static bool push_meta_entry(lua_State *L, const struct plm_node *t,
	uint32_t flags, const char *name)
{
	static const struct {
		const char *name;
		uint32_t flag;
	} flag_names[] = {
		{"implicit", PLM_NODE_IMPLICIT},
		{"interpolated", PLM_NODE_INTERPOLATED},
		{"inherited", PLM_NODE_INHERITED},
		{"quoted", PLM_NODE_QUOTED},
		{"unknown", PLM_NODE_UNKNOWN},
	};
	if (strcmp(name, "present") == 0) {
		lua_pushboolean(L, t != NULL && !(flags & PLM_NODE_IMPLICIT));
		return true;
	}
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(*flag_names); i++) {
		if (strcmp(name, flag_names[i].name) == 0) {
			lua_pushboolean(L, (flags & flag_names[i].flag) != 0);
			return true;
		}
	}
	if (strcmp(name, "kind") == 0) {
		lua_pushstring(L,
			t != NULL ? plm_node_kind_name(t->kind) : NULL);
		return true;
	}
	if (strcmp(name, "tag") == 0) {
		lua_pushstring(L, t != NULL ? t->tag : NULL);
		return true;
	}
	if (strcmp(name, "text") == 0) {
		if (t != NULL && t->text != NULL) {
			lua_pushlstring(L, t->text, t->text_len);
		} else {
			lua_pushnil(L);
		}
		return true;
	}
	return false;
}

/* native.meta(node [, field]) -> {present, implicit, interpolated,
 * inherited, quoted, unknown, kind, tag, text}; native.meta(node, field,
 * name) -> that entry alone (the helpers' question about one flag makes
 * no table). */
static int native_meta(lua_State *L)
{
	struct plm_span span;
	const struct plm_node *t = NULL;
	plm_lua_check_target(L, 1, true, &span, &t);
	uint32_t flags = t != NULL ? t->flags : PLM_NODE_IMPLICIT;
	if (lua_type(L, 3) == LUA_TSTRING) {
		if (!push_meta_entry(L, t, flags, lua_tostring(L, 3))) {
			return luaL_argerror(L, 3, "not an entry of meta");
		}
		return 1;
	}
	lua_createtable(L, 0, 8);
	set_flag(L, "present", t != NULL && !(flags & PLM_NODE_IMPLICIT));
	set_flag(L, "implicit", (flags & PLM_NODE_IMPLICIT) != 0);
	set_flag(L, "interpolated", (flags & PLM_NODE_INTERPOLATED) != 0);
	set_flag(L, "inherited", (flags & PLM_NODE_INHERITED) != 0);
	set_flag(L, "quoted", (flags & PLM_NODE_QUOTED) != 0);
	set_flag(L, "unknown", (flags & PLM_NODE_UNKNOWN) != 0);
	if (t != NULL) {
		lua_pushstring(L, plm_node_kind_name(t->kind));
		lua_setfield(L, -2, "kind");
		if (t->tag != NULL) {
			lua_pushstring(L, t->tag);
			lua_setfield(L, -2, "tag");
		}
		if (t->text != NULL) {
			lua_pushlstring(L, t->text, t->text_len);
			lua_setfield(L, -2, "text");
		}
	}
	return 1;
}

/* native.is_node(v) -> true for a live proxy (a map or a sequence of the
 * bound document), else false: a boolean, not the kind's name, so that
 * the helpers' most frequent question interns no string. */
static int native_is_node(lua_State *L)
{
	lua_pushboolean(L, plm_lua_to_node(L, 1) != NULL);
	return 1;
}

/* native.mentions(text) -> true when text occurs in the bytes of any
 * source of the document (the file and the files it pulled in). Charged
 * by the work done: the bytes scanned for the first byte, and the needle's
 * length for each place it is compared at, so a long needle that almost
 * matches everywhere spends the budget, not hours. */
static int native_mentions(lua_State *L)
{
	size_t n = 0;
	const char *needle = luaL_checklstring(L, 1, &n);
	const struct plm_doc *doc = plm_lua_host(L)->doc;
	struct plm_lua_meter meter = {L, 0};
	bool found = false;
	for (size_t k = 0; doc != NULL && k < doc->source_count && !found;
		k++) {
		const struct plm_source *src = doc->sources[k];
		const char *p = src->bytes, *end = src->bytes + src->len;
		while (!found && n > 0 && (size_t)(end - p) >= n) {
			const char *at = memchr(p, needle[0],
				(size_t)(end - p) - n + 1);
			size_t scanned = (size_t)((at ? at : end) - p);
			plm_lua_meter_add(&meter,
				1 + scanned / PLM_LUA_BYTES_PER_STEP);
			if (at == NULL) {
				break;
			}
			plm_lua_meter_add(&meter,
				1 + n / PLM_LUA_BYTES_PER_STEP);
			found = memcmp(at, needle, n) == 0;
			p = at + 1;
		}
		found = found || n == 0;
	}
	plm_lua_meter_settle(&meter);
	lua_pushboolean(L, found);
	return 1;
}

/* Pushes a fresh list of what
 * `for _, a in ipairs(seq) do list[#list + 1] = tostring(a) end` gives
 * for the proxy of seq (up to the first nil item; a map, or no node,
 * gives an empty list). One step per item.  [-0, +1, m] */
static void push_strings(lua_State *L, const struct plm_node *seq,
	struct plm_lua_meter *meter)
{
	size_t count = seq != NULL && seq->kind == PLM_NODE_SEQ
		? seq->as.seq.count
		: 0;
	lua_createtable(L, (int)(count < 64 ? count : 64), 0);
	int list = lua_gettop(L);
	for (size_t i = 0; i < count; i++) {
		plm_lua_meter_add(meter, 1);
		plm_lua_push_node(L, seq->as.seq.items[i]);
		int t = lua_type(L, -1);
		if (t == LUA_TNIL) {
			lua_pop(L, 1);
			break;
		}
		if (t != LUA_TSTRING) {
			luaL_tolstring(L, -1, NULL);
			lua_remove(L, -2);
		}
		lua_rawseti(L, list, (lua_Integer)i + 1);
	}
}

/* native.strings(v) -> for a live proxy, a fresh list of what
 * `for _, a in ipairs(v) do list[#list + 1] = tostring(a) end` gives (up
 * to the first nil item; a map gives an empty list), in one call instead
 * of an __index and a tostring per item; nil for anything else. Charged
 * one step per item. */
static int native_strings(lua_State *L)
{
	const struct plm_node *n = plm_lua_to_node(L, 1);
	if (n == NULL) {
		return 0;
	}
	struct plm_lua_meter meter = {L, 0};
	push_strings(L, n, &meter);
	plm_lua_meter_settle(&meter);
	return 1;
}

/* The node a proxy shows for n: a link's one item (as plm_lua_push_node
 * gives it). */
static const struct plm_node *shown(const struct plm_node *n)
{
	while (n != NULL && (n->flags & PLM_NODE_LINK) &&
		n->as.seq.count == 1) {
		n = n->as.seq.items[0];
	}
	return n;
}

/* native.commands(ins) -> for a live proxy of a node with a `commands`
 * sequence (a Dockerfile instruction's), three lists: the command nodes
 * (as `ipairs(ins.commands)` gives them), each one's argv as
 * native.strings gives it (`{}` without one) and each one's text as
 * `tostring(node.text or "")` gives it: what the shell helpers read of
 * every command of a RUN, in one call instead of three field reads a
 * command. Nothing for anything else. Charged one step per item. */
static int native_commands(lua_State *L)
{
	const struct plm_node *ins = plm_lua_to_node(L, 1);
	if (ins == NULL) {
		return 0;
	}
	const struct plm_node *cmds = ins->kind == PLM_NODE_MAP
		? shown(plm_node_get(ins, "commands"))
		: NULL;
	size_t count = cmds != NULL && cmds->kind == PLM_NODE_SEQ
		? cmds->as.seq.count
		: 0;
	int cap = (int)(count < 64 ? count : 64);
	lua_createtable(L, cap, 0);
	lua_createtable(L, cap, 0);
	lua_createtable(L, cap, 0);
	int nodes = lua_gettop(L) - 2, argvs = nodes + 1, texts = nodes + 2;
	struct plm_lua_meter meter = {L, 0};
	for (size_t i = 0; i < count; i++) {
		plm_lua_meter_add(&meter, 1);
		const struct plm_node *c = cmds->as.seq.items[i];
		plm_lua_push_node(L, c);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			break;
		}
		lua_rawseti(L, nodes, (lua_Integer)i + 1);
		const struct plm_node *shown_c = shown(c);
		bool map = shown_c->kind == PLM_NODE_MAP;
		push_strings(L,
			map ? shown(plm_node_get(shown_c, "argv")) : NULL,
			&meter);
		lua_rawseti(L, argvs, (lua_Integer)i + 1);
		if (map) {
			plm_lua_push_node(L, plm_node_get(shown_c, "text"));
		} else {
			lua_pushnil(L);
		}
		if (!lua_toboolean(L, -1)) {
			lua_pop(L, 1);
			lua_pushliteral(L, "");
		} else if (lua_type(L, -1) != LUA_TSTRING) {
			luaL_tolstring(L, -1, NULL);
			lua_remove(L, -2);
		}
		lua_rawseti(L, texts, (lua_Integer)i + 1);
	}
	plm_lua_meter_settle(&meter);
	return 3;
}

/* Pushes string s in upper case (ASCII, as string.upper in the C
 * locale). */
static void push_upper(lua_State *L, const char *s, size_t len)
{
	char small[32];
	luaL_Buffer b;
	char *d = len <= sizeof(small) ? small : luaL_buffinitsize(L, &b, len);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		d[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	if (d == small) {
		lua_pushlstring(L, small, len);
	} else {
		luaL_pushresultsize(&b, len);
	}
}

/* The keyword of instruction node ins (shown), in upper case, pushed:
 * false when it has none; returns false (nothing pushed) for a keyword
 * that is no string, which the helper library's own walk meets as it
 * always did. */
static bool push_keyword(lua_State *L, const struct plm_node *ins)
{
	const struct plm_node *kw = ins != NULL && ins->kind == PLM_NODE_MAP
		? shown(plm_node_get(ins, "keyword"))
		: NULL;
	if (kw == NULL || kw->kind == PLM_NODE_NULL) {
		lua_pushboolean(L, 0);
		return true;
	}
	if (kw->kind != PLM_NODE_STRING) {
		return false;
	}
	push_upper(L, kw->as.string.ptr, kw->as.string.len);
	return true;
}

/* Appends the triple (ins, stage, onbuild or false) to the list of key
 * (at the top; popped) in lists: the list is made the first time. */
static void walk_add(lua_State *L, int lists, int ins, int stage, int onbuild)
{
	lua_pushvalue(L, -1);
	if (lua_rawget(L, lists) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_createtable(L, 12, 0);
		lua_pushvalue(L, -2);
		lua_pushvalue(L, -2);
		lua_rawset(L, lists);
	}
	lua_remove(L, -2);
	lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
	lua_pushvalue(L, ins);
	lua_rawseti(L, -2, n + 1);
	lua_pushvalue(L, stage);
	lua_rawseti(L, -2, n + 2);
	if (onbuild != 0) {
		lua_pushvalue(L, onbuild);
	} else {
		lua_pushboolean(L, 0);
	}
	lua_rawseti(L, -2, n + 3);
	lua_pop(L, 1);
}

/* How many items of seq (shown; NULL or no sequence: none) there are to
 * walk; the walk stops earlier at one that shows as nil, as ipairs over
 * the proxy does. */
static size_t walk_count(const struct plm_node *seq)
{
	return seq != NULL && seq->kind == PLM_NODE_SEQ ? seq->as.seq.count : 0;
}

/* True when `ipairs(v or {})` raises for the value node v shows as (a
 * number, or true). */
static bool walk_raises(const struct plm_node *v)
{
	return v != NULL &&
		(v->kind == PLM_NODE_INT || v->kind == PLM_NODE_FLOAT ||
			(v->kind == PLM_NODE_BOOL && v->as.boolean));
}

/* True when reading a field of the value node v shows as raises (a
 * number or a boolean: a string has its methods, a table its fields). */
static bool indexing_raises(const struct plm_node *v)
{
	return v != NULL &&
		(v->kind == PLM_NODE_INT || v->kind == PLM_NODE_FLOAT ||
			v->kind == PLM_NODE_BOOL);
}

/* native.instruction_walk(tree) -> for a live proxy of a Dockerfile's
 * tree, what the helper library's walk of it makes (plimsoll.lua,
 * instruction_lists): {lists, stages, of_stage}, read here in one call
 * instead of through the proxies, field by field. lists: by keyword in
 * upper case (false: every instruction), triples (instruction, stage,
 * ONBUILD instruction or false), an ONBUILD's trigger under its own
 * keyword too; stages: the stage proxies in order; of_stage: by stage,
 * {its instructions, their keywords in upper case or false}. Nothing
 * where the library's walk would raise (a keyword that is no string, a
 * stage or instruction that is a number or a boolean): it then does. A
 * model the Dockerfile parser built holds none of these. Charged one
 * step per instruction. */
static int native_instruction_walk(lua_State *L)
{
	const struct plm_node *tree = plm_lua_to_node(L, 1);
	if (tree == NULL || tree->kind != PLM_NODE_MAP) {
		return 0;
	}
	int base = lua_gettop(L);
	const struct plm_node *stages = shown(plm_node_get(tree, "stages"));
	if (walk_raises(stages)) {
		return 0;
	}
	luaL_checkstack(L, 24, "instruction walk");
	size_t stage_count = walk_count(stages);
	lua_createtable(L, 0, 8); /* lists */
	int lists = base + 1;
	lua_pushboolean(L, 0);
	lua_createtable(L, 16, 0);
	lua_rawset(L, lists);
	lua_createtable(L, stage_count < 16 ? (int)stage_count : 16, 0);
	int stage_list = base + 2;
	lua_createtable(L, 0, stage_count < 16 ? (int)stage_count : 16);
	int of_stage = base + 3;
	struct plm_lua_meter meter = {L, 0};
	for (size_t s = 0; s < stage_count; s++) {
		const struct plm_node *stage_node = stages->as.seq.items[s];
		plm_lua_push_node(L, stage_node);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			break;
		}
		const struct plm_node *shown_stage = shown(stage_node);
		if (indexing_raises(shown_stage)) {
			lua_settop(L, base);
			return 0;
		}
		int stage = lua_gettop(L);
		lua_pushvalue(L, stage);
		lua_rawseti(L, stage_list, (lua_Integer)s + 1);
		const struct plm_node *list = shown_stage->kind == PLM_NODE_MAP
			? shown(plm_node_get(shown_stage, "instructions"))
			: NULL;
		if (walk_raises(list)) {
			lua_settop(L, base);
			return 0;
		}
		size_t count = walk_count(list);
		int cap = count < 64 ? (int)count : 64;
		lua_createtable(L, 2, 0); /* {own, keywords} */
		lua_createtable(L, cap, 0);
		int own = lua_gettop(L);
		lua_createtable(L, cap, 0);
		int keywords = own + 1;
		lua_pushvalue(L, own);
		lua_rawseti(L, own - 1, 1);
		lua_pushvalue(L, keywords);
		lua_rawseti(L, own - 1, 2);
		lua_pushvalue(L, stage);
		lua_pushvalue(L, own - 1);
		lua_rawset(L, of_stage);
		for (size_t i = 0; i < count; i++) {
			plm_lua_meter_add(&meter, 1);
			const struct plm_node *ins_node = list->as.seq.items[i];
			plm_lua_push_node(L, ins_node);
			if (lua_isnil(L, -1)) {
				lua_pop(L, 1);
				break;
			}
			int ins = lua_gettop(L);
			const struct plm_node *shown_ins = shown(ins_node);
			if (indexing_raises(shown_ins) ||
				!push_keyword(L, shown_ins)) {
				lua_settop(L, base);
				return 0;
			}
			int upper = ins + 1;
			lua_pushvalue(L, ins);
			lua_rawseti(L, own, (lua_Integer)i + 1);
			lua_pushvalue(L, upper);
			lua_rawseti(L, keywords, (lua_Integer)i + 1);
			lua_pushboolean(L, 0);
			walk_add(L, lists, ins, stage, 0);
			size_t len = 0;
			const char *kw = lua_type(L, upper) == LUA_TSTRING
				? lua_tolstring(L, upper, &len)
				: NULL;
			if (kw != NULL && len == 7 &&
				memcmp(kw, "ONBUILD", 7) == 0) {
				lua_pushvalue(L, upper);
				walk_add(L, lists, ins, stage, 0);
				const struct plm_node *trigger =
					shown_ins->kind == PLM_NODE_MAP
					? plm_node_get(shown_ins, "instruction")
					: NULL;
				plm_lua_push_node(L, trigger);
				int t = lua_type(L, -1);
				if (t == LUA_TUSERDATA) {
					int tr = lua_gettop(L);
					const struct plm_node *st = shown(
						trigger);
					const struct plm_node *tk = st->kind ==
							PLM_NODE_MAP
						? shown(plm_node_get(st,
							  "keyword"))
						: NULL;
					if (tk != NULL &&
						tk->kind != PLM_NODE_NULL) {
						if (tk->kind !=
							PLM_NODE_STRING) {
							lua_settop(L, base);
							return 0;
						}
						push_upper(L, tk->as.string.ptr,
							tk->as.string.len);
						walk_add(L, lists, tr, stage,
							ins);
					}
				} else if (t != LUA_TNIL && t != LUA_TSTRING) {
					/* a number or a boolean: the library
					 * raises */
					lua_settop(L, base);
					return 0;
				}
			} else if (kw != NULL) {
				lua_pushvalue(L, upper);
				walk_add(L, lists, ins, stage, 0);
			}
			lua_settop(L, own + 1);
		}
		lua_settop(L, of_stage);
	}
	plm_lua_meter_settle(&meter);
	lua_createtable(L, 0, 3);
	lua_pushvalue(L, lists);
	lua_setfield(L, -2, "lists");
	lua_pushvalue(L, stage_list);
	lua_setfield(L, -2, "stages");
	lua_pushvalue(L, of_stage);
	lua_setfield(L, -2, "of_stage");
	return 1;
}

void plm_lua_push_native(lua_State *L)
{
	static const luaL_Reg natives[] = {
		{"span", native_span},
		{"meta", native_meta},
		{"is_node", native_is_node},
		{"mentions", native_mentions},
		{"strings", native_strings},
		{"commands", native_commands},
		{"instruction_walk", native_instruction_walk},
		{"setting", plm_lua_native_setting},
		{"comment", plm_lua_native_comment},
		{"comments", plm_lua_native_comments},
		{"sharing", plm_lua_native_sharing},
		{"edit_set", plm_lua_native_edit_set},
		{"pipe_offsets", plm_lua_native_pipe_offsets},
		{NULL, NULL},
	};
	luaL_newlib(L, natives);
}

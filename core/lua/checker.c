/*
 * lua/checker.c - running policies: each policy's chunk loaded once, on
 * its first run, into a state of the checker's own (from its build-time
 * or run-time dump when it has one), one protected run per policy over a
 * bound document or project, report() and project.load() handed back to
 * the engine through its hooks, and the run's settings for p.setting().
 */
#include "lua/checker.h"

#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "lua/host.h"
#include "lua/internal.h"
#include "lua/model.h"
#include "lua/pattern.h"
#include "util/alloc.h"

struct plm_lua_checker {
	struct plm_lua *host;
	int chunks_ref; /* registry: table of compiled policies */
	const struct plm_lua_chunk *chunks; /* borrowed */
	size_t count;
	struct plm_lua_hooks hooks;
	/* What is bound: a document (file runs) or an index (project runs),
	 * and the one document project.load() holds (owned, NULL when
	 * none). */
	const struct plm_doc *doc;
	const struct plm_index *index;
	struct plm_doc *loaded;
	size_t loaded_doc;
	/* The run in progress. */
	size_t rule;
	const struct plm_setting_values *settings;
	bool verify_shared; /* PLIMSOLL_VERIFY_SHARED is set */
};

/* The table the policies' compiled chunks go in, referenced from the
 * registry; in protected mode. A chunk is loaded when its policy first
 * runs (run_policy): a file meets the policies of its kind only. */
static int chunk_table(lua_State *L)
{
	struct plm_lua_checker *c = lua_touserdata(L, 1);
	lua_createtable(L, (int)c->count, 0);
	c->chunks_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

static char *strdup_both(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = plm_malloc(la + lb + 1);
	if (s != NULL) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

int plm_lua_checker_create(const struct plm_lua_chunk *chunks, size_t count,
	struct plm_lua_checker **out, char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_lua_checker *c = plm_calloc(1, sizeof(*c));
	if (c == NULL || plm_lua_create(&c->host) != 0) {
		*error = plm_strdup("out of memory creating a checker");
		plm_lua_checker_destroy(c);
		return PLM_ENOMEM;
	}
	c->chunks = chunks;
	c->count = count;
	c->chunks_ref = LUA_NOREF;
	c->verify_shared = getenv("PLIMSOLL_VERIFY_SHARED") != NULL;
	struct plm_lua_limits none = {0};
	struct plm_lua_failure fail;
	enum plm_lua_status st = plm_lua_run(c->host, chunk_table, c, &none,
		&fail);
	if (st != PLM_LUA_OK) {
		*error = strdup_both("cannot make a checker: ", fail.message);
		plm_lua_checker_destroy(c);
		return st == PLM_LUA_MEMORY ? PLM_ENOMEM : PLM_EPOLICY;
	}
	*out = c;
	return 0;
}

void plm_lua_checker_destroy(struct plm_lua_checker *c)
{
	if (c == NULL) {
		return;
	}
	plm_lua_destroy(c->host);
	plm_doc_destroy(c->loaded);
	plm_free(c);
}

void plm_lua_checker_bind(struct plm_lua_checker *c, const struct plm_doc *doc,
	const struct plm_lua_hooks *hooks)
{
	c->doc = doc;
	c->index = NULL;
	c->hooks = *hooks;
	plm_lua_bind_doc(c->host, doc);
	plm_lua_set_user(c->host, c);
}

static void forget_shared_project(lua_State *L);

void plm_lua_checker_bind_project(struct plm_lua_checker *c,
	const struct plm_index *index, const struct plm_lua_hooks *hooks)
{
	forget_shared_project(plm_lua_state(c->host));
	c->doc = NULL;
	c->index = index;
	c->hooks = *hooks;
	plm_lua_unbind_doc(c->host);
	plm_lua_set_user(c->host, c);
}

void plm_lua_checker_unbind(struct plm_lua_checker *c)
{
	forget_shared_project(plm_lua_state(c->host));
	plm_lua_set_user(c->host, NULL);
	plm_lua_unbind_doc(c->host);
	plm_doc_destroy(c->loaded);
	c->loaded = NULL;
	c->doc = NULL;
	c->index = NULL;
}

void plm_lua_checker_collect(struct plm_lua_checker *c)
{
	lua_gc(plm_lua_state(c->host), LUA_GCCOLLECT);
}

uint64_t plm_lua_checker_last_executed(const struct plm_lua_checker *c)
{
	return plm_lua_last_executed(c->host);
}

/* ---- report() ------------------------------------------------------------ */

/* A span from a location table {line, column, end_line, end_column
 * [, source]} in the main source (or source N, 1-based, as p.span gives
 * it: a command placed in a file the document pulled in); raises when it
 * lies outside the file. */
static struct plm_span location_span(lua_State *L, const struct plm_doc *doc,
	int idx)
{
	uint32_t source = 0;
	if (lua_getfield(L, idx, "source") != LUA_TNIL) {
		int ok = 0;
		lua_Integer n = lua_tointegerx(L, -1, &ok);
		if (!ok || n < 1 || (lua_Unsigned)n > doc->source_count) {
			luaL_error(L,
				"report: 'source' must be a source of "
				"the document (1 to %d)",
				(int)doc->source_count);
		}
		source = (uint32_t)n - 1;
	}
	lua_pop(L, 1);
	const struct plm_source *src = doc->sources[source];
	lua_Integer v[4] = {0, 0, 0, 0};
	static const char *const names[4] = {"line", "column", "end_line",
		"end_column"};
	for (int i = 0; i < 4; i++) {
		int t = lua_getfield(L, idx, names[i]);
		if (t != LUA_TNIL) {
			int ok = 0;
			v[i] = lua_tointegerx(L, -1, &ok);
			if (!ok) {
				luaL_error(L, "report: '%s' must be an integer",
					names[i]);
			}
		}
		lua_pop(L, 1);
	}
	lua_Integer lines = (lua_Integer)src->line_count;
	if (v[0] < 1 || v[0] > lines ||
		(v[2] != 0 && (v[2] < v[0] || v[2] > lines)) || v[1] < 0 ||
		v[3] < 0) {
		luaL_error(L, "report: line %d is outside %s (%d lines)",
			(int)(v[0] > lines || v[0] < 1 ? v[0] : v[2]),
			src->path, (int)lines);
	}
	uint32_t line = (uint32_t)v[0] - 1;
	size_t len = 0;
	plm_source_line(src, line, &len);
	struct plm_span s = {source, 0, 0};
	s.start = v[1] > 0 ? plm_source_offset_at(src, line, (uint32_t)v[1] - 1)
			   : src->line_starts[line];
	uint32_t end_line = v[2] > 0 ? (uint32_t)v[2] - 1 : line;
	if (v[3] > 0) {
		s.end = plm_source_offset_at(src, end_line, (uint32_t)v[3] - 1);
	} else {
		plm_source_line(src, end_line, &len);
		s.end = src->line_starts[end_line] + (uint32_t)len;
	}
	if (s.end < s.start) {
		s.end = s.start;
	}
	return s;
}

/* Registry key of the table that maps the entry and document tables of a
 * project run to their place in the index (weak keys). Tables are keyed
 * by identity, so a policy cannot forge one. */
static const char key_handles = 0;

/* A handle: the index document in the high bits, the entry + 1 in the low
 * 24 (0: the document itself). */
#define HANDLE_ENTRY_BITS 24

/* The index document and entry (NULL: the document) of the table at idx,
 * or false when it is not one of this run's.  [-0, +0, -] */
static bool to_handle(lua_State *L, struct plm_lua_checker *c, int idx,
	size_t *doc, const struct plm_index_entry **entry)
{
	if (c->index == NULL || !lua_istable(L, idx)) {
		return false;
	}
	idx = lua_absindex(L, idx);
	bool found = false;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_handles) == LUA_TTABLE) {
		lua_pushvalue(L, idx);
		if (lua_rawget(L, -2) == LUA_TNUMBER) {
			lua_Integer h = lua_tointeger(L, -1);
			size_t d = (size_t)h >> HANDLE_ENTRY_BITS;
			size_t e = (size_t)h & ((1u << HANDLE_ENTRY_BITS) - 1);
			const struct plm_index_doc *id =
				plm_index_doc_at(c->index, d);
			if (id != NULL && e <= id->entry_count) {
				*doc = d;
				*entry = e > 0 ? &id->entries[e - 1] : NULL;
				found = true;
			}
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return found;
}

/* Resolves the target at idx (with its field at idx+1 when has_field):
 * a model node, a {line = N} table (file runs), or in a project run an
 * entry or document of `project` or a node of the document project.load()
 * returned. Raises on anything else. */
static void resolve_target(lua_State *L, struct plm_lua_checker *c, int idx,
	bool has_field, struct plm_lua_target *t)
{
	idx = lua_absindex(L, idx);
	memset(t, 0, sizeof(*t));
	const struct plm_doc *doc = c->index != NULL ? c->loaded : c->doc;
	size_t d = 0;
	const struct plm_index_entry *entry = NULL;
	if (plm_lua_to_node(L, idx) != NULL && doc != NULL) {
		const struct plm_node *target = NULL;
		plm_lua_check_target(L, idx, has_field, &t->span, &target);
		t->doc = c->loaded_doc;
	} else if (to_handle(L, c, idx, &d, &entry)) {
		const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
		const struct plm_index_location *loc = NULL;
		if (entry != NULL && has_field &&
			lua_type(L, idx + 1) == LUA_TSTRING) {
			loc = plm_index_entry_location(entry,
				lua_tostring(L, idx + 1));
		} else if (has_field && !lua_isnoneornil(L, idx + 1)) {
			luaL_argerror(L, idx + 1,
				"a field name (string) expected");
		}
		if (loc == NULL && entry != NULL) {
			loc = plm_index_entry_location(entry, "object");
		}
		t->doc = d;
		if (loc != NULL) {
			t->span = loc->span;
			t->region = loc->region;
			t->path = loc->path;
		} else { /* the document: its first line */
			t->region.start_line = t->region.end_line = 1;
			t->region.start_column = t->region.end_column = 1;
			t->path = id->shown_path;
		}
		return;
	} else if (c->index == NULL && lua_istable(L, idx) && c->doc != NULL) {
		luaL_argcheck(L, !has_field || lua_isnil(L, idx + 1), idx + 1,
			"a location table takes no field");
		if (lua_getfield(L, idx, "line") == LUA_TNIL) {
			luaL_argerror(L, idx,
				"a model node or a {line = N} "
				"table expected");
		}
		lua_pop(L, 1);
		t->span = location_span(L, c->doc, idx);
	} else if (lua_type(L, idx) == LUA_TUSERDATA) {
		const struct plm_node *target = NULL;
		/* Raises: a stale node, or not a node at all. */
		plm_lua_check_target(L, idx, false, &t->span, &target);
		luaL_error(L,
			"report: model node used after its document was "
			"checked");
	} else if (c->index != NULL) {
		luaL_argerror(L, idx,
			"an entry or document of the project, or "
			"a node of a document project.load() returned, expected");
	} else {
		luaL_argerror(L, idx,
			"a model node or a {line = N} table "
			"expected");
	}
	if (t->span.source >= doc->source_count ||
		t->span.end > doc->sources[t->span.source]->len ||
		t->span.start > t->span.end) {
		luaL_error(L, "report: the span is outside %s",
			plm_doc_main(doc)->path);
	}
	t->region = plm_doc_region(doc, t->span);
	t->path = doc->sources[t->span.source]->path;
}

/* Reads extra.related: a list of {node = target [, field = name],
 * message = text}. Raises on a wrong shape. */
static size_t read_related(lua_State *L, struct plm_lua_checker *c,
	int extra_idx, struct plm_lua_related *out)
{
	if (lua_getfield(L, extra_idx, "related") == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	int list = lua_gettop(L);
	luaL_argexpected(L, lua_type(L, list) == LUA_TTABLE, extra_idx,
		"extra.related to be a list");
	lua_Integer n = luaL_len(L, list);
	if (n < 0 || n > PLM_LUA_MAX_RELATED) {
		luaL_error(L,
			"report: extra.related holds at most %d locations",
			PLM_LUA_MAX_RELATED);
	}
	luaL_checkstack(L, (int)n + 8, "report: extra.related");
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_geti(L, list, i) != LUA_TTABLE) {
			luaL_error(L,
				"report: extra.related[%d] must be a table "
				"{node = ..., message = ...}",
				(int)i);
		}
		int item = lua_gettop(L);
		struct plm_lua_related *r = &out[i - 1];
		lua_getfield(L, item, "node");
		int field_type = lua_getfield(L, item, "field");
		resolve_target(L, c, item + 1, field_type != LUA_TNIL,
			&r->target);
		lua_pop(L, 2);
		if (lua_getfield(L, item, "message") == LUA_TSTRING) {
			r->message = lua_tolstring(L, -1, &r->message_len);
		} else if (lua_isnil(L, -1)) {
			r->message = NULL;
		} else {
			luaL_error(L,
				"report: extra.related[%d].message must be "
				"a string",
				(int)i);
		}
		/* The message stays on the stack for the rest of the call
		 * (an __index could have made it afresh). */
		lua_remove(L, item);
	}
	return (size_t)n;
}

/* One edit of extra.edits, the table at idx: {node = target [, field =
 * name] [, at = "replace" | "before" | "after"], text = ...}, a location
 * {line, column [, end_line, end_column], text = ...} (no end: an
 * insertion), or {offset, end_offset, text} as p.edit_set() makes it.
 * Raises on a wrong shape or a place outside the finding's file. */
static void read_edit(lua_State *L, struct plm_lua_checker *c, int idx, int i,
	uint32_t source, struct plm_lua_edit *out)
{
	idx = lua_absindex(L, idx);
	if (lua_getfield(L, idx, "text") != LUA_TSTRING) {
		luaL_error(L, "report: extra.edits[%d].text must be a string",
			i);
	}
	out->text = lua_tolstring(L, -1, &out->text_len);
	if (out->text_len > PLM_LUA_MAX_EDIT_TEXT) {
		luaL_error(L,
			"report: extra.edits[%d].text is longer than %d "
			"bytes",
			i, PLM_LUA_MAX_EDIT_TEXT);
	}
	/* The text stays on the stack for the rest of the call. */
	const struct plm_source *src = c->doc->sources[source];
	if (lua_getfield(L, idx, "offset") != LUA_TNIL) {
		/* Offsets are in source `source` (1-based, as p.span gives
		 * it), the finding's when not given. */
		if (lua_getfield(L, idx, "source") != LUA_TNIL) {
			int ok = 0;
			lua_Integer n = lua_tointegerx(L, -1, &ok);
			if (!ok || n != (lua_Integer)source + 1) {
				luaL_error(L,
					"report: extra.edits[%d] must change the "
					"file the finding is in",
					i);
			}
		}
		lua_pop(L, 1);
		int ok1 = 0, ok2 = 0;
		lua_Integer a = lua_tointegerx(L, -1, &ok1);
		lua_getfield(L, idx, "end_offset");
		lua_Integer b = lua_tointegerx(L, -1, &ok2);
		lua_pop(L, 2);
		if (!ok1 || !ok2 || a < 0 || b < a ||
			(lua_Unsigned)b > src->len) {
			luaL_error(L,
				"report: extra.edits[%d]: offsets outside "
				"%s",
				i, src->path);
		}
		uint32_t in = source;
		if (lua_getfield(L, idx, "source") != LUA_TNIL) {
			int ok = 0;
			lua_Integer k = lua_tointegerx(L, -1, &ok);
			in = ok && k >= 1 &&
					(lua_Unsigned)k <= c->doc->source_count
				? (uint32_t)k - 1
				: UINT32_MAX;
		}
		lua_pop(L, 1);
		if (in != source) {
			luaL_error(L,
				"report: extra.edits[%d] must change the file "
				"the finding is in",
				i);
		}
		out->span = (struct plm_span){source, (uint32_t)a, (uint32_t)b};
	} else if (lua_pop(L, 1), lua_getfield(L, idx, "node") != LUA_TNIL) {
		int field_type = lua_getfield(L, idx, "field");
		struct plm_lua_target t;
		resolve_target(L, c, -2, field_type != LUA_TNIL, &t);
		lua_pop(L, 2);
		out->span = t.span;
		const char *at = "replace";
		if (lua_getfield(L, idx, "at") != LUA_TNIL) {
			at = lua_tostring(L, -1);
		}
		if (at != NULL && strcmp(at, "before") == 0) {
			out->span.end = out->span.start;
		} else if (at != NULL && strcmp(at, "after") == 0) {
			out->span.start = out->span.end;
		} else if (at == NULL || strcmp(at, "replace") != 0) {
			luaL_error(L,
				"report: extra.edits[%d].at must be "
				"\"replace\", \"before\" or \"after\"",
				i);
		}
		lua_pop(L, 1);
	} else {
		lua_pop(L, 1);
		if (lua_getfield(L, idx, "line") == LUA_TNIL) {
			luaL_error(L,
				"report: extra.edits[%d] needs a node, a line "
				"or an offset",
				i);
		}
		lua_pop(L, 1);
		bool insertion = lua_getfield(L, idx, "end_line") == LUA_TNIL;
		insertion = lua_getfield(L, idx, "end_column") == LUA_TNIL &&
			insertion;
		lua_pop(L, 2);
		out->span = location_span(L, c->doc, idx);
		if (insertion) {
			out->span.end = out->span.start;
		}
	}
	if (out->span.source != source) {
		luaL_error(L,
			"report: extra.edits[%d] must change the file the "
			"finding is in",
			i);
	}
	/* Never between the bytes of one character. */
	for (int k = 0; k < 2; k++) {
		uint32_t at = k == 0 ? out->span.start : out->span.end;
		if (at < src->len &&
			((unsigned char)src->bytes[at] & 0xC0) == 0x80) {
			luaL_error(L,
				"report: extra.edits[%d] cuts a character", i);
		}
	}
}

/* Reads extra.edits (file runs only): at most PLM_LUA_MAX_EDITS, in the
 * finding's own file, none overlapping another. */
static size_t read_edits(lua_State *L, struct plm_lua_checker *c, int extra_idx,
	uint32_t source, struct plm_lua_edit *out)
{
	if (lua_getfield(L, extra_idx, "edits") == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	int list = lua_gettop(L);
	if (lua_type(L, list) != LUA_TTABLE) {
		luaL_error(L, "report: extra.edits must be a list, not %s",
			luaL_typename(L, list));
	}
	if (c->index != NULL) {
		luaL_error(L, "report: extra.edits is for file policies");
	}
	lua_Integer n = luaL_len(L, list);
	if (n < 0 || n > PLM_LUA_MAX_EDITS) {
		luaL_error(L, "report: extra.edits holds at most %d edits",
			PLM_LUA_MAX_EDITS);
	}
	luaL_checkstack(L, (int)n * 2 + 8, "report: extra.edits");
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_geti(L, list, i) != LUA_TTABLE) {
			luaL_error(L, "report: extra.edits[%d] must be a table",
				(int)i);
		}
		int item = lua_gettop(L);
		read_edit(L, c, item, (int)i, source, &out[i - 1]);
		lua_remove(L, item);
	}
	for (lua_Integer i = 0; i < n; i++) {
		for (lua_Integer k = 0; k < i; k++) {
			const struct plm_span *a = &out[i].span,
					      *b = &out[k].span;
			if (a->start < b->end && b->start < a->end) {
				luaL_error(L,
					"report: extra.edits[%d] and [%d] "
					"overlap",
					(int)k + 1, (int)i + 1);
			}
		}
	}
	return (size_t)n;
}

/* report(node [, field], message [, extra]) or report({line=...}, message
 * [, extra]); in a project run the node may be an entry or document of
 * `project`. Records a finding for the running policy. */
static int report(lua_State *L)
{
	struct plm_lua_checker *c = plm_lua_user(L);
	if (c == NULL || (c->doc == NULL && c->index == NULL)) {
		return luaL_error(L, "report: called outside a check");
	}
	bool has_field = lua_type(L, 3) == LUA_TSTRING;
	int msg_idx = has_field ? 3 : 2;
	int extra_idx = msg_idx + 1;
	size_t msg_len = 0;
	const char *msg = luaL_checklstring(L, msg_idx, &msg_len);
	luaL_argcheck(L, msg_len > 0, msg_idx, "the message must not be empty");
	struct plm_lua_target target;
	resolve_target(L, c, 1, has_field, &target);
	int severity = -1;
	const char *fix = NULL;
	size_t fix_len = 0;
	struct plm_lua_related related[PLM_LUA_MAX_RELATED];
	size_t related_count = 0;
	struct plm_lua_edit edits[PLM_LUA_MAX_EDITS];
	size_t edit_count = 0;
	if (!lua_isnoneornil(L, extra_idx)) {
		luaL_checktype(L, extra_idx, LUA_TTABLE);
		if (lua_getfield(L, extra_idx, "fix") != LUA_TNIL) {
			luaL_argexpected(L, lua_type(L, -1) == LUA_TSTRING,
				extra_idx, "extra.fix to be a string");
			fix = lua_tolstring(L, -1, &fix_len);
		}
		if (lua_getfield(L, extra_idx, "severity") != LUA_TNIL) {
			const char *s = lua_tostring(L, -1);
			severity = s != NULL ? plm_severity_parse(s) : -1;
			if (severity < 0) {
				return luaL_error(L,
					"report: extra.severity must be "
					"critical, high, medium, low or info");
			}
		}
		related_count = read_related(L, c, extra_idx, related);
		edit_count = read_edits(L, c, extra_idx, target.span.source,
			edits);
	}
	struct plm_lua_report r = {
		.target = target,
		.message = msg,
		.message_len = msg_len,
		.fix = fix,
		.fix_len = fix_len,
		.severity = severity,
		.related = related,
		.related_count = related_count,
		.edits = edits,
		.edit_count = edit_count,
	};
	/* The hook holds nothing malloc'd across the raises below: what it
	 * kept is freed with the failed run's findings. */
	size_t kept = 0;
	const char *problem = c->hooks.report(c->hooks.context, &r, &kept);
	if (problem != NULL) {
		return luaL_error(L, "%s", problem);
	}
	plm_lua_charge_memory(L, kept);
	return 0;
}

/* ---- the project a project-scope policy sees ----------------------------- */

static void set_string(lua_State *L, const char *key, const char *value)
{
	if (value != NULL) {
		lua_pushstring(L, value);
		lua_setfield(L, -2, key);
	}
}

/* A list of strings.  [-0, +1, m] */
static void push_strings(lua_State *L, const struct plm_index_strings *s)
{
	lua_createtable(L, (int)s->count, 0);
	for (size_t i = 0; i < s->count; i++) {
		lua_pushstring(L, s->items[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* A map of key = value (a key without a scalar value maps to "").
 * [-0, +1, m] */
static void push_pairs(lua_State *L, const struct plm_index_pairs *p)
{
	lua_createtable(L, 0, (int)p->count);
	for (size_t i = 0; i < p->count; i++) {
		lua_pushstring(L,
			p->items[i].value != NULL ? p->items[i].value : "");
		lua_setfield(L, -2, p->items[i].key);
	}
}

static void push_selector(lua_State *L, const struct plm_index_selector *s)
{
	lua_createtable(L, 0, 2);
	push_pairs(L, &s->match_labels);
	lua_setfield(L, -2, "match_labels");
	lua_createtable(L, (int)s->expression_count, 0);
	for (size_t i = 0; i < s->expression_count; i++) {
		const struct plm_index_expression *x = &s->expressions[i];
		lua_createtable(L, 0, 3);
		set_string(L, "key", x->key);
		set_string(L, "operator", x->operator_name);
		push_strings(L, &x->values);
		lua_setfield(L, -2, "values");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "match_expressions");
}

/* {path, line, column, end_line, end_column}.  [-0, +1, m] */
static void push_location(lua_State *L, const struct plm_index_location *l)
{
	lua_createtable(L, 0, 5);
	set_string(L, "path", l->path);
	lua_pushinteger(L, l->region.start_line);
	lua_setfield(L, -2, "line");
	lua_pushinteger(L, l->region.start_column);
	lua_setfield(L, -2, "column");
	lua_pushinteger(L, l->region.end_line);
	lua_setfield(L, -2, "end_line");
	lua_pushinteger(L, l->region.end_column);
	lua_setfield(L, -2, "end_column");
}

/* An entry's `spans`: {name = location} for each place the index kept.
 * [-0, +1, m] */
static void push_spans(lua_State *L, const struct plm_index_entry *e)
{
	lua_createtable(L, 0, (int)e->location_count);
	for (size_t i = 0; i < e->location_count; i++) {
		push_location(L, &e->locations[i]);
		lua_setfield(L, -2, e->locations[i].name);
	}
}

/* Registry key of the metatable every project entry has: its __index
 * makes the entry's lists and maps, and `spans`, on first use; its
 * __pairs makes them all first. */
static const char key_entry_mt = 0;

/* The fields of an entry that are made when first read: its lists and
 * maps (a whole tree's entries would otherwise each carry several
 * tables, most never read: the built-in project policies read
 * `pod_labels` and `selector`), and `spans`. */
enum lazy_field {
	LAZY_LABELS,
	LAZY_POD_LABELS,
	LAZY_SELECTOR,
	LAZY_POLICY_TYPES,
	LAZY_IMAGES,
	LAZY_NETWORKS,
	LAZY_STAGES,
	LAZY_SPANS,
	LAZY_DOCUMENT,
	LAZY_NONE
};
static const char *const lazy_fields[] = {"labels", "pod_labels", "selector",
	"policy_types", "images", "networks", "stages", "spans", "document"};

/* Which lazy field name is, by its first byte and then one comparison:
 * most reads that reach __index are of a scalar the entry lacks
 * (`namespace` of an object written without one), answered nil at
 * once. */
static enum lazy_field lazy_field_of(const char *name)
{
	enum lazy_field f;
	switch (name[0]) {
	case 'l':
		f = LAZY_LABELS;
		break;
	case 'p':
		f = name[1] == 'o' && name[2] == 'd' ? LAZY_POD_LABELS
						     : LAZY_POLICY_TYPES;
		break;
	case 's':
		f = name[1] == 'e'       ? LAZY_SELECTOR
			: name[1] == 't' ? LAZY_STAGES
					 : LAZY_SPANS;
		break;
	case 'i':
		f = LAZY_IMAGES;
		break;
	case 'n':
		f = LAZY_NETWORKS;
		break;
	case 'd':
		f = LAZY_DOCUMENT;
		break;
	default:
		return LAZY_NONE;
	}
	return strcmp(name, lazy_fields[f]) == 0 ? f : LAZY_NONE;
}

static void push_document(lua_State *L, struct plm_lua_checker *c, size_t d);

/* Pushes field f of entry e, or nothing and false when e has no such
 * field (pod_labels of an object without pods, a selector not written,
 * a field of another type of entry).  [-0, +(0|1), m] */
static bool push_lazy_field(lua_State *L, struct plm_lua_checker *c, size_t d,
	const struct plm_index_entry *e, enum lazy_field f)
{
	bool object = e->kind == PLM_INDEX_OBJECT;
	bool service = e->kind == PLM_INDEX_SERVICE;
	switch (f) {
	case LAZY_DOCUMENT:
		push_document(L, c, d);
		return true;
	case LAZY_SPANS:
		push_spans(L, e);
		return true;
	case LAZY_LABELS:
		if (!object && !service) {
			return false;
		}
		push_pairs(L, &e->labels);
		return true;
	case LAZY_POD_LABELS:
		if (!object || !e->has_pods) {
			return false;
		}
		push_pairs(L, &e->pod_labels);
		return true;
	case LAZY_SELECTOR:
		if (!object || !e->selector.present) {
			return false;
		}
		push_selector(L, &e->selector);
		return true;
	case LAZY_POLICY_TYPES:
		if (!object) {
			return false;
		}
		push_strings(L, &e->policy_types);
		return true;
	case LAZY_IMAGES:
		if (!object) {
			return false;
		}
		push_strings(L, &e->images);
		return true;
	case LAZY_NETWORKS:
		if (!service) {
			return false;
		}
		push_strings(L, &e->networks);
		return true;
	case LAZY_STAGES:
		if (e->kind != PLM_INDEX_DOCKERFILE) {
			return false;
		}
		push_strings(L, &e->stages);
		return true;
	case LAZY_NONE:
		break;
	}
	return false;
}

static int entry_index(lua_State *L)
{
	struct plm_lua_checker *c = plm_lua_user(L);
	size_t d;
	const struct plm_index_entry *e = NULL;
	enum lazy_field f = lua_type(L, 2) == LUA_TSTRING
		? lazy_field_of(lua_tostring(L, 2))
		: LAZY_NONE;
	if (c == NULL || f == LAZY_NONE || !to_handle(L, c, 1, &d, &e) ||
		e == NULL || !push_lazy_field(L, c, d, e, f)) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);
	return 1;
}

/* The raw walk pairs(entry) hands out (the sandbox's globals have no
 * `next` to fetch). */
static int entry_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (lua_next(L, 1)) {
		return 2;
	}
	lua_pushnil(L);
	return 1;
}

/* pairs(entry): every field made, then the plain walk. */
static int entry_pairs(lua_State *L)
{
	struct plm_lua_checker *c = plm_lua_user(L);
	size_t d;
	const struct plm_index_entry *e = NULL;
	luaL_checktype(L, 1, LUA_TTABLE);
	if (c != NULL && to_handle(L, c, 1, &d, &e) && e != NULL) {
		for (size_t i = 0;
			i < sizeof(lazy_fields) / sizeof(*lazy_fields); i++) {
			lua_pushstring(L, lazy_fields[i]);
			bool missing = lua_rawget(L, 1) == LUA_TNIL;
			lua_pop(L, 1);
			if (missing &&
				push_lazy_field(L, c, d, e,
					(enum lazy_field)i)) {
				lua_pushstring(L, lazy_fields[i]);
				lua_insert(L, -2);
				lua_rawset(L, 1);
			}
		}
	}
	lua_pushcfunction(L, entry_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Pushes the protected metatable kept in the registry at key, made once
 * per state with index and pairs as __index and __pairs.  [-0, +1, m] */
static void push_lazy_mt(lua_State *L, const char *key, lua_CFunction index,
	lua_CFunction pairs)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) {
		return;
	}
	lua_pop(L, 1);
	lua_createtable(L, 0, 3);
	lua_pushcfunction(L, index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

/* Makes the entries' metatable once per state.  [-0, +0, m] */
static void ensure_entry_mt(lua_State *L)
{
	push_lazy_mt(L, &key_entry_mt, entry_index, entry_pairs);
	lua_pop(L, 1);
}

/* Records the table on top of the stack as (doc, entry) in handles. */
static void register_handle(lua_State *L, int handles, size_t doc, size_t entry)
{
	lua_pushvalue(L, -1);
	lua_pushinteger(L, (lua_Integer)((doc << HANDLE_ENTRY_BITS) | entry));
	lua_rawset(L, handles);
}

static const char *const entry_types[] = {"object", "service", "dockerfile"};

/* What a view keeps in its handles table besides the handles (under
 * light-userdata keys a policy cannot make): the three lists of entries
 * by type, and per document the place of its first entry in its type's
 * list; the tables of the documents made so far are at d + 1. */
static const char key_view_lists = 0;
static const char key_view_starts = 0;

/* One entry of document d (its shown path at path_idx).  [-0, +1, m] */
static void push_entry(lua_State *L, int handles, int path_idx, size_t d,
	size_t k, const struct plm_index_entry *e)
{
	/* The scalars now; the lists, maps and the document when first
	 * read (entry_index): six fields at most. */
	lua_createtable(L, 0, 8);
	lua_pushstring(L, entry_types[e->kind]);
	lua_setfield(L, -2, "type");
	lua_pushvalue(L, path_idx);
	lua_setfield(L, -2, "path");
	set_string(L, "name", e->name);
	if (e->kind == PLM_INDEX_OBJECT) {
		set_string(L, "api_version", e->api_version);
		set_string(L, "kind", e->object_kind);
		set_string(L, "namespace", e->namespace_name);
	} else if (e->kind == PLM_INDEX_SERVICE) {
		set_string(L, "image", e->image);
		set_string(L, "build", e->build);
	} else {
		set_string(L, "image", e->image);
		set_string(L, "user", e->user);
	}
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_entry_mt);
	lua_setmetatable(L, -2);
	register_handle(L, handles, d, k + 1);
}

/* Registry key of the `project` table of the current view: its lists
 * are made for that table only (a table kept from another run gets
 * none). */
static const char key_current_project = 0;

static const char *const list_names[] = {"objects", "services", "dockerfiles"};

/* Pushes the list of the view's entries of one type (project.objects,
 * .services or .dockerfiles), made on first use with each entry's
 * handle and, per document of that type, the place of its first entry
 * in it; set in the project table too. The built-in project policies
 * read only the objects: the Dockerfiles' and services' entries were
 * half of a view's tables.  [-0, +1, m] */
static void push_list(lua_State *L, struct plm_lua_checker *c, int handles,
	enum plm_index_entry_kind kind)
{
	luaL_checkstack(L, 8, "project");
	lua_rawgetp(L, handles, &key_view_lists);
	if (lua_rawgeti(L, -1, (lua_Integer)kind + 1) == LUA_TTABLE) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	int lists = lua_gettop(L);
	lua_rawgetp(L, handles, &key_view_starts);
	int starts = lua_gettop(L);
	lua_newtable(L);
	int list = lua_gettop(L);
	lua_Integer count = 0;
	size_t n = plm_index_doc_count(c->index);
	for (size_t d = 0; d < n; d++) {
		const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
		if (id->entry_count == 0 || id->entries[0].kind != kind) {
			continue;
		}
		lua_pushinteger(L, count);
		lua_rawseti(L, starts, (lua_Integer)d + 1);
		lua_pushstring(L, id->shown_path);
		int path_idx = lua_gettop(L);
		for (size_t k = 0; k < id->entry_count; k++) {
			push_entry(L, handles, path_idx, d, k, &id->entries[k]);
			lua_rawseti(L, list, ++count);
		}
		lua_pop(L, 1);
	}
	lua_pushvalue(L, list);
	lua_rawseti(L, lists, (lua_Integer)kind + 1);
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_current_project) ==
		LUA_TTABLE) {
		lua_pushstring(L, list_names[kind]);
		lua_pushvalue(L, list);
		lua_rawset(L, -3);
	}
	lua_pop(L, 1);
	lua_replace(L, lists);
	lua_settop(L, lists);
}

/* Pushes the table of document d of the current view ({path, kind,
 * lines, truncated, objects}), made on first use: an entry's `document`
 * or `project.documents`. Most project policies read neither: a table
 * per file made up front was a tenth of the project pass over the
 * corpus (344M of its instructions then, 308M since).  [-0, +1, m] */
static void push_document(lua_State *L, struct plm_lua_checker *c, size_t d)
{
	luaL_checkstack(L, 8, "project");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_handles);
	int handles = lua_gettop(L);
	if (lua_rawgeti(L, handles, (lua_Integer)d + 1) == LUA_TTABLE) {
		lua_remove(L, handles);
		return;
	}
	lua_pop(L, 1);
	const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
	lua_createtable(L, 0, 5);
	int doc = lua_gettop(L);
	lua_pushstring(L, id->shown_path);
	lua_setfield(L, doc, "path");
	lua_pushstring(L, plm_kind_name(id->kind));
	lua_setfield(L, doc, "kind");
	lua_pushinteger(L, (lua_Integer)id->line_count);
	lua_setfield(L, doc, "lines");
	lua_pushboolean(L, id->truncated);
	lua_setfield(L, doc, "truncated");
	lua_createtable(L, (int)id->entry_count, 0);
	if (id->entry_count > 0) {
		/* A document's entries are all of one type, in a row of
		 * that type's list. */
		push_list(L, c, handles, id->entries[0].kind);
		lua_rawgetp(L, handles, &key_view_starts);
		lua_rawgeti(L, -1, (lua_Integer)d + 1);
		lua_Integer start = lua_tointeger(L, -1);
		lua_pop(L, 2);
		for (size_t k = 0; k < id->entry_count; k++) {
			lua_rawgeti(L, -1, start + (lua_Integer)k + 1);
			lua_rawseti(L, -3, (lua_Integer)k + 1);
		}
		lua_pop(L, 1);
	}
	lua_setfield(L, doc, "objects");
	register_handle(L, handles, d, 0);
	lua_pushvalue(L, doc);
	lua_rawseti(L, handles, (lua_Integer)d + 1);
	lua_remove(L, handles);
}

/* project.documents, made on first read.  [-0, +1, m] */
static int project_index(lua_State *L)
{
	struct plm_lua_checker *c = plm_lua_user(L);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_current_project);
	bool current = lua_rawequal(L, 1, -1);
	lua_pop(L, 1);
	if (c == NULL || c->index == NULL || !current ||
		lua_type(L, 2) != LUA_TSTRING) {
		lua_pushnil(L);
		return 1;
	}
	const char *name = lua_tostring(L, 2);
	for (int kind = 0; kind < 3; kind++) {
		if (strcmp(name, list_names[kind]) == 0) {
			lua_rawgetp(L, LUA_REGISTRYINDEX, &key_handles);
			push_list(L, c, lua_gettop(L),
				(enum plm_index_entry_kind)kind);
			return 1;
		}
	}
	if (strcmp(name, "documents") != 0) {
		lua_pushnil(L);
		return 1;
	}
	size_t n = plm_index_doc_count(c->index);
	lua_createtable(L, (int)n, 0);
	for (size_t d = 0; d < n; d++) {
		push_document(L, c, d);
		lua_rawseti(L, -2, (lua_Integer)d + 1);
	}
	lua_pushliteral(L, "documents");
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);
	return 1;
}

/* pairs(project): `documents` made, then the plain walk. */
static int project_pairs(lua_State *L)
{
	static const char *const made[] = {"objects", "services", "dockerfiles",
		"documents"};
	luaL_checktype(L, 1, LUA_TTABLE);
	for (size_t i = 0; i < sizeof(made) / sizeof(*made); i++) {
		lua_pushstring(L, made[i]);
		if (lua_rawget(L, 1) == LUA_TNIL) {
			lua_pushcfunction(L, project_index);
			lua_pushvalue(L, 1);
			lua_pushstring(L, made[i]);
			lua_call(L, 2, 0);
		}
		lua_pop(L, 1);
	}
	lua_pushcfunction(L, entry_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Registry key of the metatable of `project`. */
static const char key_project_mt = 0;

static int project_load(lua_State *L);

/* Pushes a fresh `project` table for one policy run and records its
 * entries in the handles table (its documents as they are made).
 * [-0, +1, m] */
static void push_project(lua_State *L, struct plm_lua_checker *c)
{
	ensure_entry_mt(L);
	lua_createtable(L, 0, 1);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_handles);
	int handles = lua_gettop(L);

	size_t n = plm_index_doc_count(c->index);
	lua_createtable(L, (int)n, 0);
	lua_rawsetp(L, handles, &key_view_starts);
	lua_createtable(L, 3, 0);
	lua_rawsetp(L, handles, &key_view_lists);
	lua_createtable(L, 0, 6); /* project; its lists made when read */
	int project = lua_gettop(L);
	lua_pushvalue(L, project);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_current_project);
	lua_pushcfunction(L, project_load);
	lua_setfield(L, project, "load");
	push_lazy_mt(L, &key_project_mt, project_index, project_pairs);
	lua_setmetatable(L, project);
	lua_remove(L, handles);
}

/* The view built-in policies share in one project run (registry keys:
 * the project table and its handles), forgotten when the run ends. */
static const char key_shared_project = 0;
static const char key_shared_handles = 0;

/* Pushes the `project` a policy sees: a built-in policy (trusted, as with
 * the helper library's kept tables, not to change what it is handed)
 * gets the view the run's first built-in project policy had, with its
 * handles; any other policy a fresh one. Building the view of the whole
 * tree was most of a built-in project policy's cost.  [-0, +1, m] */
static void push_shared_project(lua_State *L, struct plm_lua_checker *c,
	bool shared)
{
	if (shared &&
		lua_rawgetp(L, LUA_REGISTRYINDEX, &key_shared_project) ==
			LUA_TTABLE) {
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_current_project);
		lua_rawgetp(L, LUA_REGISTRYINDEX, &key_shared_handles);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_handles);
		return;
	}
	if (shared) {
		lua_pop(L, 1);
	}
	push_project(L, c);
	if (shared) {
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_shared_project);
		lua_rawgetp(L, LUA_REGISTRYINDEX, &key_handles);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_shared_handles);
	}
}

/* Forgets the view of the run that ended (outside a run: keys set
 * before are set to nil, which allocates nothing): a policy's own view
 * is garbage from here, and a table kept from it reads no more lists.
 * The shared one stays under its own keys. */
static void drop_current_view(lua_State *L)
{
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_current_project);
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_handles);
}

/* Drops the shared view (outside a run: a key set before is set to nil,
 * which allocates nothing). */
static void forget_shared_project(lua_State *L)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_shared_project) !=
		LUA_TNIL) {
		lua_pushnil(L);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_shared_project);
		lua_pushnil(L);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_shared_handles);
	}
	lua_pop(L, 1);
}

/* project.load(document or entry) -> doc, or nil and a message when the
 * file cannot be read now. Loads the document again through the same
 * loader as a scan, and keeps it (only one at a time: loading another
 * makes the nodes of the previous one stale). The bytes it takes are
 * charged to the run's instruction budget. */
static int project_load(lua_State *L)
{
	struct plm_lua_checker *c = plm_lua_user(L);
	size_t d = 0;
	const struct plm_index_entry *entry = NULL;
	if (c == NULL || c->index == NULL) {
		return luaL_error(L, "project.load: called outside a check");
	}
	if (!to_handle(L, c, 1, &d, &entry)) {
		return luaL_argerror(L, 1,
			"a document or entry of the project "
			"expected");
	}
	if (c->loaded == NULL || c->loaded_doc != d) {
		plm_lua_unbind_doc(c->host);
		plm_doc_destroy(c->loaded);
		c->loaded = NULL;
		const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
		struct plm_load_status st;
		struct plm_doc *doc = NULL;
		if (c->hooks.load(c->hooks.context, d, &doc, &st) != 0) {
			return luaL_error(L, "project.load: out of memory");
		}
		if (st.outcome != PLM_LOAD_OK || doc == NULL) {
			plm_doc_destroy(doc);
			lua_pushnil(L);
			lua_pushfstring(L, "%s: %s", id->shown_path,
				st.message);
			return 2;
		}
		/* Owned by the checker from here: a raise below leaks nothing. */
		c->loaded = doc;
		c->loaded_doc = d;
		plm_lua_bind_doc(c->host, doc);
		size_t bytes = plm_arena_used(doc->arena);
		for (size_t i = 0; i < doc->source_count; i++) {
			bytes += doc->sources[i]->len;
		}
		plm_lua_charge(L, bytes / PLM_LUA_BYTES_PER_STEP);
	}
	plm_lua_push_doc(L);
	return 1;
}

/* ---- sharing ------------------------------------------------------------ */

/* native.sharing() -> nil: the running policy gets its own copy of what
 * the helper library works out once and shares (a policy from outside
 * the built-in directory, or no policy running); true: the shared tables
 * themselves (a built-in policy, which never changes them); "verify":
 * the shared tables, each checked unchanged before it is handed out
 * again (PLIMSOLL_VERIFY_SHARED set: the test of that promise). */
int plm_lua_native_sharing(lua_State *L)
{
	struct plm_lua *h = plm_lua_host(L);
	const struct plm_lua_checker *c = h->user;
	if (c == NULL || c->rule >= c->count || !c->chunks[c->rule].reuse) {
		lua_pushnil(L);
	} else if (c->verify_shared) {
		lua_pushliteral(L, "verify");
	} else {
		lua_pushboolean(L, 1);
	}
	return 1;
}

/* ---- settings and comments ----------------------------------------------- */

/* The registry key of the list settings handed to built-in policies,
 * by setting value (light userdata). */
static const char key_shared_lists = 0;

/* Pushes the kept table of list setting v when it still holds the list's
 * words, in order: true; else pushes nothing, and sets *changed when a
 * kept table holds other words. Compared word by word, the value's
 * address alone would not do: a configuration freed and another made at
 * the same address would find the first one's words. */
static bool push_kept_list(lua_State *L, const struct plm_setting_value *v,
	bool *changed)
{
	*changed = false;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_shared_lists) !=
		LUA_TTABLE) {
		lua_pop(L, 1);
		return false;
	}
	if (lua_rawgetp(L, -1, v) != LUA_TTABLE) {
		lua_pop(L, 2);
		return false;
	}
	lua_remove(L, -2);
	lua_Integer n = 0;
	for (const char *const *p = v->list; *p != NULL; p++) {
		n++;
		size_t len = 0;
		const char *got = lua_rawgeti(L, -1, n) == LUA_TSTRING
			? lua_tolstring(L, -1, &len)
			: NULL;
		bool same = got != NULL && strlen(*p) == len &&
			memcmp(got, *p, len) == 0;
		lua_pop(L, 1);
		if (!same) {
			lua_pop(L, 1);
			*changed = true;
			return false;
		}
	}
	if ((lua_Integer)lua_rawlen(L, -1) != n) {
		lua_pop(L, 1);
		*changed = true;
		return false;
	}
	return true;
}

/* Keeps the list at the top for setting value v (it stays pushed). */
static void keep_list(lua_State *L, const struct plm_setting_value *v)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_shared_lists) !=
		LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_shared_lists);
	}
	lua_pushvalue(L, -2);
	lua_rawsetp(L, -2, v);
	lua_pop(L, 1);
}

/* native.setting(name) -> the value of the running policy's setting
 * `name`; raises when the policy declares no such setting. A list is a
 * fresh table for a policy from outside the built-in directory; a
 * built-in policy, which never changes it, gets the same table from run
 * to run (checked word by word, and made again if it was changed; under
 * PLIMSOLL_VERIFY_SHARED, a change raises, as the helper library's
 * check of its shared tables does; there a configuration freed and
 * another made with other words at the same address would too). */
int plm_lua_native_setting(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct plm_lua *h = plm_lua_host(L);
	struct plm_lua_checker *c = h->user;
	const struct plm_setting_values *s = c != NULL ? c->settings : NULL;
	for (size_t i = 0; s != NULL && i < s->count; i++) {
		if (strcmp(s->decls[i].name, name) != 0) {
			continue;
		}
		const struct plm_setting_value *v = &s->values[i];
		switch (s->decls[i].type) {
		case PLM_SETTING_STRING:
			lua_pushstring(L, v->string);
			break;
		case PLM_SETTING_INT:
			lua_pushinteger(L, (lua_Integer)v->integer);
			break;
		case PLM_SETTING_BOOL:
			lua_pushboolean(L, v->boolean);
			break;
		case PLM_SETTING_LIST: {
			/* A fresh table per call for a policy that may change
			 * it: not what the next call sees. */
			bool shared = c->rule < c->count &&
				c->chunks[c->rule].reuse;
			bool changed = false;
			if (shared && push_kept_list(L, v, &changed)) {
				break;
			}
			if (changed && c->verify_shared) {
				/* (as the helper library says it of its own) */
				return luaL_error(L,
					"a policy changed a table p.setting "
					"shares; built-in policies must not "
					"change what the helpers hand them");
			}
			lua_newtable(L);
			lua_Integer n = 0;
			for (const char *const *p = v->list; *p != NULL; p++) {
				lua_pushstring(L, *p);
				lua_rawseti(L, -2, ++n);
			}
			if (shared) {
				keep_list(L, v);
			}
			break;
		}
		}
		return 1;
	}
	return luaL_error(L, "setting: the policy declares no setting '%s'",
		name);
}

/* native.comment(line) -> the text of the comment on 1-based line `line`
 * of the bound document's main file, or nil. A line that only looks like
 * a comment (inside a block scalar or a heredoc) has none. */
int plm_lua_native_comment(lua_State *L)
{
	lua_Integer line = luaL_checkinteger(L, 1);
	const struct plm_doc *doc = plm_lua_host(L)->doc;
	if (doc == NULL || line < 1 ||
		(lua_Unsigned)line > doc->comment_count ||
		doc->comments[line - 1] == NULL ||
		doc->comments[line - 1][0] == '\0') {
		lua_pushnil(L);
		return 1;
	}
	lua_pushstring(L, doc->comments[line - 1]);
	return 1;
}

/* native.comments() -> a list of {line, text} of every comment of the
 * bound document's main file, in line order. */
int plm_lua_native_comments(lua_State *L)
{
	const struct plm_doc *doc = plm_lua_host(L)->doc;
	lua_newtable(L);
	lua_Integer n = 0;
	for (size_t i = 0; doc != NULL && i < doc->comment_count; i++) {
		const char *text = doc->comments[i];
		if (text == NULL || text[0] == '\0') {
			continue;
		}
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, (lua_Integer)i + 1);
		lua_setfield(L, -2, "line");
		lua_pushstring(L, text);
		lua_setfield(L, -2, "text");
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

/* ---- runs ---------------------------------------------------------------- */

/* Heap growth over a project run (KiB) past which its garbage is
 * collected at once. */
#define PROJECT_GARBAGE_KB 1024

/* One policy run, in protected mode: the policy's check function, then
 * check(doc, report). The chunk is loaded on the policy's first run and
 * kept at i + 1. The check function comes from running the chunk in
 * a fresh environment: for every run, or for a chunk marked reuse only on
 * its first run, after which it is kept in the chunks table at -(i + 1). */
static int run_policy(lua_State *L)
{
	struct plm_lua_checker *c = lua_touserdata(L, 1);
	const struct plm_lua_chunk *chunk = &c->chunks[c->rule];
	lua_Integer kept = -((lua_Integer)c->rule + 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->chunks_ref);
	int chunks = lua_gettop(L);
	if (!chunk->reuse || lua_rawgeti(L, chunks, kept) != LUA_TFUNCTION) {
		lua_settop(L, chunks);
		if (lua_rawgeti(L, chunks, (lua_Integer)c->rule + 1) !=
			LUA_TFUNCTION) {
			lua_pop(L, 1);
			bool parsed;
			if (plm_lua_load_chunk(L, chunk, &parsed) != LUA_OK) {
				return lua_error(L);
			}
			lua_pushvalue(L, -1);
			lua_rawseti(L, chunks, (lua_Integer)c->rule + 1);
		}
		plm_lua_push_env(L);
		plm_lua_set_env(L, -2);
		lua_call(L, 0, 1);
		if (!lua_istable(L, -1)) {
			return luaL_error(L,
				"the policy returned %s, not its table",
				luaL_typename(L, -1));
		}
		if (lua_getfield(L, -1, "check") != LUA_TFUNCTION) {
			return luaL_error(L,
				"the policy's check is not a function");
		}
		if (chunk->reuse) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, chunks, kept);
		}
	}
	if (c->index != NULL) {
		push_shared_project(L, c, chunk->reuse);
	} else {
		plm_lua_push_doc(L);
	}
	lua_pushcfunction(L, report);
	lua_call(L, 2, 0);
	return 0;
}

/* Forgets the check function kept for a rule whose run failed: the next
 * run starts from its chunk again, with nothing left of the failed one.
 * Setting an existing key to nil allocates nothing. */
static void forget_check(struct plm_lua_checker *c, size_t rule)
{
	lua_State *L = c->host->L;
	if (c->chunks_ref == LUA_NOREF ||
		lua_rawgeti(L, LUA_REGISTRYINDEX, c->chunks_ref) !=
			LUA_TTABLE) {
		lua_pop(L, 1);
		return;
	}
	lua_pushnil(L);
	lua_rawseti(L, -2, -((lua_Integer)rule + 1));
	lua_pop(L, 1);
}

enum plm_lua_status plm_lua_checker_run(struct plm_lua_checker *c, size_t rule,
	const struct plm_setting_values *settings,
	const struct plm_lua_limits *limits, struct plm_lua_failure *fail)
{
	c->rule = rule;
	c->settings = settings;
	int heap_kb = c->index != NULL
		? lua_gc(plm_lua_state(c->host), LUA_GCCOUNT)
		: 0;
	plm_lua_set_lib_dir(c->host, c->chunks[rule].lib_dir);
	enum plm_lua_status st = plm_lua_run(c->host, run_policy, c, limits,
		fail);
	if (st != PLM_LUA_OK && c->chunks[rule].reuse) {
		forget_check(c, rule);
	}
	plm_lua_set_lib_dir(c->host, NULL);
	c->settings = NULL;
	if (c->index != NULL) {
		drop_current_view(plm_lua_state(c->host));
	}
	if (c->index != NULL && !c->chunks[rule].reuse &&
		lua_gc(plm_lua_state(c->host), LUA_GCCOUNT) - heap_kb >
			PROJECT_GARBAGE_KB) {
		/* A project run's view of the whole tree is garbage now: freed
		 * before the next project policy builds its own, not beside
		 * it. (A small project's is left to the collector: a full
		 * collection walks the whole state, a third of what a scan of
		 * one small file cost. The view the built-in policies share is
		 * kept until the run ends: collecting after them would walk it
		 * and free little.) */
		lua_gc(plm_lua_state(c->host), LUA_GCCOLLECT);
	}
	return st;
}

/*
 * engine/engine.c - the catalogue (selection, order) and the checkers that
 * run policies over documents: the `report` function, regions, snippets,
 * fingerprints and suppressions.
 */
#include "engine/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>
#include <lauxlib.h>
#include "engine/index.h"
#include "load/load.h"
#include "lua/model.h"
#include "lua/pattern.h"
#include "output/linehash.h"
#include "util/hash.h"
#include "plm_config.h"

/* ---- the catalogue ------------------------------------------------------- */

const char *plm_engine_builtin_dir(const struct plm_engine_options *o)
{
	if (o != NULL && o->builtin_dir != NULL) {
		return o->builtin_dir;
	}
#ifdef PLM_BUILD_ROOT
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		size_t root = strlen(PLM_BUILD_ROOT);
		if (strncmp(exe, PLM_BUILD_ROOT, root) == 0 &&
			(exe[root] == '/' || exe[root] == '\0')) {
			return PLM_SOURCE_ROOT "/policies";
		}
	}
#endif
	return PLM_DATADIR "/policies";
}

static bool names_rule(const struct plm_rule_info *r, const char *name)
{
	if (strcmp(r->id, name) == 0) {
		return true;
	}
	for (const char *const *a = r->aliases; a && *a; a++) {
		if (strcasecmp(*a, name) == 0) {
			return true;
		}
	}
	return false;
}

static bool in_list(const struct plm_rule_info *r, const char *const *names,
	size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (names_rule(r, names[i])) {
			return true;
		}
	}
	return false;
}

static bool has_tag(const struct plm_rule_info *r, const char *const *tags,
	size_t count)
{
	for (size_t i = 0; i < count; i++) {
		for (const char *const *t = r->tags; t && *t; t++) {
			if (strcasecmp(*t, tags[i]) == 0) {
				return true;
			}
		}
	}
	return false;
}

/* Checks that every --only/--skip name is some rule's id or alias. */
static int check_names(const struct plm_policy *all, size_t count,
	const char *const *names, size_t n, const char *option, char **error)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < count && !found; j++) {
			found = names_rule(&all[j].info, names[i]);
		}
		if (!found) {
			*error = plm_engine_strdupf("%s: unknown rule '%s' (see "
				"`plimsoll rules`)", option, names[i]);
			return PLM_EINVAL;
		}
	}
	return 0;
}

static int cmp_policy(const void *a, const void *b)
{
	const struct plm_policy *x = a, *y = b;
	return strcmp(x->info.id, y->info.id);
}

int plm_engine_create(const struct plm_engine_options *o,
	struct plm_engine **out, char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_policy *all = NULL;
	size_t count = 0;
	int rc = PLM_ENOMEM;
	struct plm_engine *e = calloc(1, sizeof(*e));
	if (e == NULL || (e->arena = plm_arena_create(0)) == NULL) {
		goto fail;
	}
	e->limits.memory = o->memory_limit ? o->memory_limit
					   : PLM_LUA_DEFAULT_MEMORY;
	e->limits.instructions = o->instruction_limit
		? o->instruction_limit : PLM_LUA_DEFAULT_INSTRUCTIONS;
	e->limits.seconds = o->time_limit > 0 ? o->time_limit
		: PLM_LUA_DEFAULT_SECONDS;
	rc = plm_policy_load_all(o, &e->limits, e->arena, &all, &count, error);
	if (rc != 0) {
		goto fail;
	}
	rc = check_names(all, count, o->only, o->only_count, "--only", error);
	if (rc == 0) {
		rc = check_names(all, count, o->skip, o->skip_count, "--skip",
			error);
	}
	if (rc != 0) {
		goto fail;
	}
	rc = PLM_ENOMEM;
	e->policies = plm_arena_alloc(e->arena,
		(count ? count : 1) * sizeof(*e->policies));
	e->rules = plm_arena_alloc(e->arena,
		(count ? count : 1) * sizeof(*e->rules));
	if (e->policies == NULL || e->rules == NULL) {
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		const struct plm_rule_info *r = &all[i].info;
		if (o->only_count > 0 && !in_list(r, o->only, o->only_count)) {
			continue;
		}
		if (in_list(r, o->skip, o->skip_count)) {
			continue;
		}
		if (o->tag_count > 0 && !has_tag(r, o->tags, o->tag_count)) {
			continue;
		}
		e->policies[e->count++] = all[i];
	}
	qsort(e->policies, e->count, sizeof(*e->policies), cmp_policy);
	for (size_t i = 0; i < e->count; i++) {
		e->rules[i] = e->policies[i].info;
	}
	*out = e;
	return 0;
fail:
	if (*error == NULL) {
		*error = plm_engine_strdupf("%s", plm_error_string(rc));
	}
	plm_engine_destroy(e);
	return rc;
}

void plm_engine_destroy(struct plm_engine *e)
{
	if (e == NULL) {
		return;
	}
	plm_arena_destroy(e->arena);
	free(e);
}

const struct plm_rule_info *plm_engine_rules(const struct plm_engine *e,
	size_t *count)
{
	*count = e->count;
	return e->rules;
}

const struct plm_rule_info *plm_engine_find(const struct plm_engine *e,
	const char *name, size_t *index)
{
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < e->count; i++) {
			bool hit = pass == 0 ? strcmp(e->rules[i].id, name) == 0
					     : names_rule(&e->rules[i], name);
			if (hit) {
				if (index != NULL) {
					*index = i;
				}
				return &e->rules[i];
			}
		}
	}
	return NULL;
}

/* ---- checkers ------------------------------------------------------------ */

struct pending_related {
	char *path;
	struct plm_region region;
	char *message;
};

struct pending {
	size_t rule;
	struct plm_span span;
	enum plm_severity severity;
	char *message;
	char *fix;
	size_t doc;                 /* project runs: the index document */
	struct plm_region region;   /* project runs: as the index saw it */
	struct pending_related *related;
	size_t related_count;
};

struct plm_checker {
	const struct plm_engine *engine;
	struct plm_lua *host;
	int chunks_ref;             /* registry: table of compiled policies */
	struct pending *pending;
	size_t pending_count;
	size_t pending_cap;
	/* The run in progress. */
	const struct plm_doc *doc;
	/* A project run: the index, how to load its documents, and the one
	 * document project.load() holds (owned, NULL when none). */
	const struct plm_index *index;
	const struct plm_load_options *load;
	struct plm_doc *loaded;
	size_t loaded_doc;
	size_t rule;
	size_t run_findings;
	struct plm_rule_profile *profile;   /* per rule; NULL: not measuring */
};

struct run_ctx {
	struct plm_checker *c;
	size_t rule;
};

/* Compiles every policy into a table referenced from the registry; in
 * protected mode. */
static int compile_all(lua_State *L)
{
	struct plm_checker *c = lua_touserdata(L, 1);
	const struct plm_engine *e = c->engine;
	lua_createtable(L, (int)e->count, 0);
	for (size_t i = 0; i < e->count; i++) {
		const struct plm_policy *p = &e->policies[i];
		if (luaL_loadbufferx(L, p->text, p->text_len, p->chunkname,
			    "t") != LUA_OK) {
			return lua_error(L);
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	c->chunks_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

int plm_checker_create(const struct plm_engine *e, struct plm_checker **out,
	char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_checker *c = calloc(1, sizeof(*c));
	if (c == NULL || plm_lua_create(&c->host) != 0) {
		*error = plm_engine_strdupf("out of memory creating a checker");
		plm_checker_destroy(c);
		return PLM_ENOMEM;
	}
	c->engine = e;
	c->chunks_ref = LUA_NOREF;
	struct plm_lua_limits none = {0};
	struct plm_lua_failure fail;
	enum plm_lua_status st = plm_lua_run(c->host, compile_all, c, &none,
		&fail);
	if (st != PLM_LUA_OK) {
		*error = plm_engine_strdupf("cannot compile the policies: %s",
			fail.message);
		plm_checker_destroy(c);
		return st == PLM_LUA_MEMORY ? PLM_ENOMEM : PLM_EPOLICY;
	}
	*out = c;
	return 0;
}

static void free_pending(struct pending *p)
{
	free(p->message);
	free(p->fix);
	for (size_t i = 0; i < p->related_count; i++) {
		free(p->related[i].path);
		free(p->related[i].message);
	}
	free(p->related);
	p->message = p->fix = NULL;
	p->related = NULL;
	p->related_count = 0;
}

static void clear_pending(struct plm_checker *c)
{
	for (size_t i = 0; i < c->pending_count; i++) {
		free_pending(&c->pending[i]);
	}
	c->pending_count = 0;
}

void plm_checker_destroy(struct plm_checker *c)
{
	if (c == NULL) {
		return;
	}
	clear_pending(c);
	free(c->pending);
	free(c->profile);
	plm_lua_destroy(c->host);
	free(c);
}

/* A span from a location table {line, column, end_line, end_column} in the
 * main source; raises when it lies outside the file. */
static struct plm_span location_span(lua_State *L, const struct plm_doc *doc,
	int idx)
{
	const struct plm_source *src = plm_doc_main(doc);
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
	if (v[0] < 1 || v[0] > lines || (v[2] != 0 && (v[2] < v[0] ||
		v[2] > lines)) || v[1] < 0 || v[3] < 0) {
		luaL_error(L, "report: line %d is outside %s (%d lines)",
			(int)(v[0] > lines || v[0] < 1 ? v[0] : v[2]), src->path,
			(int)lines);
	}
	uint32_t line = (uint32_t)v[0] - 1;
	size_t len = 0;
	plm_source_line(src, line, &len);
	struct plm_span s = {0, 0, 0};
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

/* Where a report or a related location lands. */
struct target {
	struct plm_span span;
	size_t doc;                 /* project runs: the index document */
	struct plm_region region;
	const char *path;           /* borrowed for the call */
};

/* The index document and entry (NULL: the document) of the table at idx,
 * or false when it is not one of this run's.  [-0, +0, -] */
static bool to_handle(lua_State *L, struct plm_checker *c, int idx,
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
			const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
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
static void resolve_target(lua_State *L, struct plm_checker *c, int idx,
	bool has_field, struct target *t)
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
		if (entry != NULL && has_field && lua_type(L, idx + 1) ==
			LUA_TSTRING) {
			loc = plm_index_entry_location(entry,
				lua_tostring(L, idx + 1));
		} else if (has_field && !lua_isnoneornil(L, idx + 1)) {
			luaL_argerror(L, idx + 1, "a field name (string) expected");
		}
		if (loc == NULL && entry != NULL) {
			loc = plm_index_entry_location(entry, "object");
		}
		t->doc = d;
		if (loc != NULL) {
			t->span = loc->span;
			t->region = loc->region;
			t->path = loc->path;
		} else {  /* the document: its first line */
			t->region.start_line = t->region.end_line = 1;
			t->region.start_column = t->region.end_column = 1;
			t->path = id->shown_path;
		}
		return;
	} else if (c->index == NULL && lua_istable(L, idx) && c->doc != NULL) {
		luaL_argcheck(L, !has_field, idx + 1,
			"a location table takes no field");
		if (lua_getfield(L, idx, "line") == LUA_TNIL) {
			luaL_argerror(L, idx, "a model node or a {line = N} "
				"table expected");
		}
		lua_pop(L, 1);
		t->span = location_span(L, c->doc, idx);
	} else if (lua_type(L, idx) == LUA_TUSERDATA) {
		const struct plm_node *target = NULL;
		/* Raises: a stale node, or not a node at all. */
		plm_lua_check_target(L, idx, false, &t->span, &target);
		luaL_error(L, "report: model node used after its document was "
			"checked");
	} else if (c->index != NULL) {
		luaL_argerror(L, idx, "an entry or document of the project, or "
			"a node of a document project.load() returned, expected");
	} else {
		luaL_argerror(L, idx, "a model node or a {line = N} table "
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

/* Related locations a finding may carry. */
#define PLM_MAX_RELATED 32

struct related_arg {
	struct target target;
	const char *message;        /* in the Lua string, alive for the call */
	size_t message_len;
};

/* Reads extra.related: a list of {node = target [, field = name],
 * message = text}. Raises on a wrong shape. */
static size_t read_related(lua_State *L, struct plm_checker *c,
	int extra_idx, struct related_arg *out)
{
	if (lua_getfield(L, extra_idx, "related") == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	int list = lua_gettop(L);
	luaL_argexpected(L, lua_type(L, list) == LUA_TTABLE, extra_idx,
		"extra.related to be a list");
	lua_Integer n = luaL_len(L, list);
	if (n < 0 || n > PLM_MAX_RELATED) {
		luaL_error(L, "report: extra.related holds at most %d locations",
			PLM_MAX_RELATED);
	}
	luaL_checkstack(L, (int)n + 8, "report: extra.related");
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_geti(L, list, i) != LUA_TTABLE) {
			luaL_error(L, "report: extra.related[%d] must be a table "
				"{node = ..., message = ...}", (int)i);
		}
		int item = lua_gettop(L);
		struct related_arg *r = &out[i - 1];
		lua_getfield(L, item, "node");
		int field_type = lua_getfield(L, item, "field");
		resolve_target(L, c, item + 1, field_type != LUA_TNIL, &r->target);
		lua_pop(L, 2);
		if (lua_getfield(L, item, "message") == LUA_TSTRING) {
			r->message = lua_tolstring(L, -1, &r->message_len);
		} else if (lua_isnil(L, -1)) {
			r->message = NULL;
		} else {
			luaL_error(L, "report: extra.related[%d].message must be "
				"a string", (int)i);
		}
		/* The message stays on the stack for the rest of the call
		 * (an __index could have made it afresh). */
		lua_remove(L, item);
	}
	return (size_t)n;
}

static char *clip_dup(const char *s, size_t len)
{
	return strndup(s, len < PLM_MAX_MESSAGE ? len : PLM_MAX_MESSAGE);
}

/* report(node [, field], message [, extra]) or report({line=...}, message
 * [, extra]); in a project run the node may be an entry or document of
 * `project`. Records a finding for the running policy. */
static int report(lua_State *L)
{
	struct plm_checker *c = plm_lua_user(L);
	if (c == NULL || (c->doc == NULL && c->index == NULL)) {
		return luaL_error(L, "report: called outside a check");
	}
	bool has_field = lua_type(L, 3) == LUA_TSTRING;
	int msg_idx = has_field ? 3 : 2;
	int extra_idx = msg_idx + 1;
	size_t msg_len = 0;
	const char *msg = luaL_checklstring(L, msg_idx, &msg_len);
	luaL_argcheck(L, msg_len > 0, msg_idx, "the message must not be empty");
	struct target target;
	resolve_target(L, c, 1, has_field, &target);
	enum plm_severity severity = c->engine->rules[c->rule].severity;
	const char *fix = NULL;
	size_t fix_len = 0;
	struct related_arg related[PLM_MAX_RELATED];
	size_t related_count = 0;
	if (!lua_isnoneornil(L, extra_idx)) {
		luaL_checktype(L, extra_idx, LUA_TTABLE);
		if (lua_getfield(L, extra_idx, "fix") != LUA_TNIL) {
			luaL_argexpected(L, lua_type(L, -1) == LUA_TSTRING,
				extra_idx, "extra.fix to be a string");
			fix = lua_tolstring(L, -1, &fix_len);
		}
		if (lua_getfield(L, extra_idx, "severity") != LUA_TNIL) {
			const char *s = lua_tostring(L, -1);
			int sev = s != NULL ? plm_severity_parse(s) : -1;
			if (sev < 0) {
				return luaL_error(L, "report: extra.severity must be "
					"critical, high, medium, low or info");
			}
			severity = (enum plm_severity)sev;
		}
		related_count = read_related(L, c, extra_idx, related);
	}
	if (c->run_findings >= PLM_MAX_FINDINGS_PER_RUN) {
		return luaL_error(L, "report: more than %d findings on one %s",
			PLM_MAX_FINDINGS_PER_RUN, c->index != NULL ? "project"
								   : "file");
	}
	/* No call below raises: nothing malloc'd is held across a raise. */
	if (c->pending_count == c->pending_cap) {
		size_t ncap = c->pending_cap ? c->pending_cap * 2 : 16;
		struct pending *n = realloc(c->pending, ncap * sizeof(*n));
		if (n == NULL) {
			return luaL_error(L, "report: out of memory");
		}
		c->pending = n;
		c->pending_cap = ncap;
	}
	struct pending *p = &c->pending[c->pending_count];
	memset(p, 0, sizeof(*p));
	p->rule = c->rule;
	p->span = target.span;
	p->doc = target.doc;
	p->region = target.region;
	p->severity = severity;
	p->message = clip_dup(msg, msg_len);
	p->fix = fix != NULL ? clip_dup(fix, fix_len) : NULL;
	bool nomem = p->message == NULL || (fix != NULL && p->fix == NULL);
	if (related_count > 0 && !nomem) {
		p->related = calloc(related_count, sizeof(*p->related));
		nomem = p->related == NULL;
	}
	for (size_t i = 0; i < related_count && !nomem; i++) {
		struct pending_related *r = &p->related[i];
		p->related_count++;
		r->region = related[i].target.region;
		r->path = strdup(related[i].target.path);
		r->message = related[i].message != NULL
			? clip_dup(related[i].message, related[i].message_len)
			: NULL;
		nomem = r->path == NULL || (related[i].message != NULL &&
			r->message == NULL);
	}
	if (nomem) {
		free_pending(p);
		return luaL_error(L, "report: out of memory");
	}
	c->pending_count++;
	c->run_findings++;
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
		lua_pushstring(L, p->items[i].value != NULL ? p->items[i].value
							    : "");
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

/* Records the table on top of the stack as (doc, entry) in handles. */
static void register_handle(lua_State *L, int handles, size_t doc,
	size_t entry)
{
	lua_pushvalue(L, -1);
	lua_pushinteger(L, (lua_Integer)((doc << HANDLE_ENTRY_BITS) | entry));
	lua_rawset(L, handles);
}

static const char *const entry_types[] = {"object", "service", "dockerfile"};

/* One entry of document d (its table at doc_idx).  [-0, +1, m] */
static void push_entry(lua_State *L, int handles, int doc_idx, size_t d,
	size_t k, const struct plm_index_entry *e)
{
	lua_createtable(L, 0, 16);
	lua_pushstring(L, entry_types[e->kind]);
	lua_setfield(L, -2, "type");
	lua_getfield(L, doc_idx, "path");
	lua_setfield(L, -2, "path");
	lua_pushvalue(L, doc_idx);
	lua_setfield(L, -2, "document");
	set_string(L, "name", e->name);
	if (e->kind == PLM_INDEX_OBJECT) {
		set_string(L, "api_version", e->api_version);
		set_string(L, "kind", e->object_kind);
		set_string(L, "namespace", e->namespace_name);
		push_pairs(L, &e->labels);
		lua_setfield(L, -2, "labels");
		if (e->has_pods) {
			push_pairs(L, &e->pod_labels);
			lua_setfield(L, -2, "pod_labels");
		}
		if (e->selector.present) {
			push_selector(L, &e->selector);
			lua_setfield(L, -2, "selector");
		}
		push_strings(L, &e->policy_types);
		lua_setfield(L, -2, "policy_types");
		push_strings(L, &e->images);
		lua_setfield(L, -2, "images");
	} else if (e->kind == PLM_INDEX_SERVICE) {
		set_string(L, "image", e->image);
		set_string(L, "build", e->build);
		push_pairs(L, &e->labels);
		lua_setfield(L, -2, "labels");
		push_strings(L, &e->networks);
		lua_setfield(L, -2, "networks");
	} else {
		set_string(L, "image", e->image);
		set_string(L, "user", e->user);
		push_strings(L, &e->stages);
		lua_setfield(L, -2, "stages");
	}
	lua_createtable(L, 0, (int)e->location_count);
	for (size_t i = 0; i < e->location_count; i++) {
		push_location(L, &e->locations[i]);
		lua_setfield(L, -2, e->locations[i].name);
	}
	lua_setfield(L, -2, "spans");
	register_handle(L, handles, d, k + 1);
}

static int project_load(lua_State *L);

/* Pushes a fresh `project` table for one policy run and records its
 * entries and documents in the handles table.  [-0, +1, m] */
static void push_project(lua_State *L, struct plm_checker *c)
{
	lua_createtable(L, 0, 1);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_handles);
	int handles = lua_gettop(L);

	size_t n = plm_index_doc_count(c->index);
	lua_createtable(L, 0, 6);                    /* project */
	int project = lua_gettop(L);
	lua_createtable(L, (int)n, 0);               /* documents */
	lua_newtable(L);                             /* objects */
	lua_newtable(L);                             /* services */
	lua_newtable(L);                             /* dockerfiles */
	int lists = project + 2;                     /* objects, by type */
	lua_Integer counts[3] = {0, 0, 0};
	luaL_checkstack(L, 8, "project");
	for (size_t d = 0; d < n; d++) {
		const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
		lua_createtable(L, 0, 5);
		int doc_idx = lua_gettop(L);
		lua_pushstring(L, id->shown_path);
		lua_setfield(L, doc_idx, "path");
		lua_pushstring(L, plm_kind_name(id->kind));
		lua_setfield(L, doc_idx, "kind");
		lua_pushinteger(L, (lua_Integer)id->line_count);
		lua_setfield(L, doc_idx, "lines");
		lua_pushboolean(L, id->truncated);
		lua_setfield(L, doc_idx, "truncated");
		lua_createtable(L, (int)id->entry_count, 0);
		for (size_t k = 0; k < id->entry_count; k++) {
			const struct plm_index_entry *e = &id->entries[k];
			push_entry(L, handles, doc_idx, d, k, e);
			lua_pushvalue(L, -1);
			lua_rawseti(L, lists + (int)e->kind, ++counts[e->kind]);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, doc_idx, "objects");
		register_handle(L, handles, d, 0);
		lua_rawseti(L, project + 1, (lua_Integer)d + 1);
	}
	lua_setfield(L, project, "dockerfiles");
	lua_setfield(L, project, "services");
	lua_setfield(L, project, "objects");
	lua_setfield(L, project, "documents");
	lua_pushcfunction(L, project_load);
	lua_setfield(L, project, "load");
	lua_remove(L, handles);
}

/* Loads a document of the index again through the same loader as a
 * scan, with the checker's load options and the document's kind. Returns
 * 0 (see st for the outcome; *doc is set on PLM_LOAD_OK) or PLM_ENOMEM. */
static int load_indexed(const struct plm_checker *c,
	const struct plm_index_doc *id, struct plm_doc **doc,
	struct plm_load_status *st)
{
	struct plm_load_options o;
	memset(&o, 0, sizeof(o));
	if (c->load != NULL) {
		o = *c->load;
	}
	o.kind = id->kind;
	int rc = plm_load(id->path, id->shown_path, id->kind, true, &o, doc, st);
	if (rc != 0) {
		plm_doc_destroy(*doc);
		*doc = NULL;
	}
	return rc;
}

/* project.load(document or entry) -> doc, or nil and a message when the
 * file cannot be read now. Loads the document again through the same
 * loader as a scan, and keeps it (only one at a time: loading another
 * makes the nodes of the previous one stale). The bytes it takes are
 * charged to the run's instruction budget. */
static int project_load(lua_State *L)
{
	struct plm_checker *c = plm_lua_user(L);
	size_t d = 0;
	const struct plm_index_entry *entry = NULL;
	if (c == NULL || c->index == NULL) {
		return luaL_error(L, "project.load: called outside a check");
	}
	if (!to_handle(L, c, 1, &d, &entry)) {
		return luaL_argerror(L, 1, "a document or entry of the project "
			"expected");
	}
	if (c->loaded == NULL || c->loaded_doc != d) {
		plm_lua_unbind_doc(c->host);
		plm_doc_destroy(c->loaded);
		c->loaded = NULL;
		const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
		struct plm_load_status st;
		struct plm_doc *doc = NULL;
		if (load_indexed(c, id, &doc, &st) != 0) {
			return luaL_error(L, "project.load: out of memory");
		}
		if (st.outcome != PLM_LOAD_OK || doc == NULL) {
			plm_doc_destroy(doc);
			lua_pushnil(L);
			lua_pushfstring(L, "%s: %s", id->shown_path, st.message);
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

/* One policy run, in protected mode: a fresh environment, the chunk run
 * for its table, then check(doc, report). */
static int run_policy(lua_State *L)
{
	struct run_ctx *ctx = lua_touserdata(L, 1);
	struct plm_checker *c = ctx->c;
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->chunks_ref);
	lua_rawgeti(L, -1, (lua_Integer)ctx->rule + 1);
	plm_lua_push_env(L);
	plm_lua_set_env(L, -2);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1)) {
		return luaL_error(L, "the policy returned %s, not its table",
			luaL_typename(L, -1));
	}
	if (lua_getfield(L, -1, "check") != LUA_TFUNCTION) {
		return luaL_error(L, "the policy's check is not a function");
	}
	if (c->index != NULL) {
		push_project(L, c);
	} else {
		plm_lua_push_doc(L);
	}
	lua_pushcfunction(L, report);
	lua_call(L, 2, 0);
	return 0;
}

static const char *failure_code(enum plm_lua_status st)
{
	switch (st) {
	case PLM_LUA_INSTRUCTIONS: return "policy/instruction-limit";
	case PLM_LUA_MEMORY: return "policy/memory-limit";
	case PLM_LUA_TIME: return "policy/time-limit";
	default: return "policy/error";
	}
}

int plm_checker_profile(struct plm_checker *c)
{
	if (c->profile == NULL) {
		c->profile = calloc(c->engine->count ? c->engine->count : 1,
			sizeof(*c->profile));
	}
	return c->profile != NULL ? 0 : PLM_ENOMEM;
}

void plm_checker_add_profile(const struct plm_checker *c,
	struct plm_rule_profile *totals)
{
	for (size_t i = 0; c->profile != NULL && i < c->engine->count; i++) {
		const struct plm_rule_profile *p = &c->profile[i];
		struct plm_rule_profile *t = &totals[i];
		t->runs += p->runs;
		t->findings += p->findings;
		t->failures += p->failures;
		t->nanoseconds += p->nanoseconds;
		t->instructions += p->instructions;
		if (p->max_nanoseconds > t->max_nanoseconds) {
			t->max_nanoseconds = p->max_nanoseconds;
		}
		if (p->max_instructions > t->max_instructions) {
			t->max_instructions = p->max_instructions;
		}
	}
}

static uint64_t thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Counts one run of rule into the checker's profile. */
static void profile_run(struct plm_checker *c, size_t rule, uint64_t t0,
	bool failed)
{
	struct plm_rule_profile *p = &c->profile[rule];
	uint64_t ns = thread_ns() - t0;
	uint64_t charged = plm_lua_last_executed(c->host);
	p->runs++;
	p->findings += c->run_findings;
	p->failures += failed;
	p->nanoseconds += ns;
	p->instructions += charged;
	if (ns > p->max_nanoseconds) {
		p->max_nanoseconds = ns;
	}
	if (charged > p->max_instructions) {
		p->max_instructions = charged;
	}
}

/* Runs one policy; a failure becomes a notification on result naming
 * `what` (the scanned file, or "the project"). */
static int run_one(struct plm_checker *c, const char *what,
	size_t rule, struct plm_file_result *result)
{
	const struct plm_policy *p = &c->engine->policies[rule];
	struct run_ctx ctx = {c, rule};
	struct plm_lua_failure fail;
	c->rule = rule;
	c->run_findings = 0;
	size_t before = c->pending_count;
	plm_lua_set_lib_dir(c->host, p->lib_dir);
	uint64_t t0 = c->profile != NULL ? thread_ns() : 0;
	enum plm_lua_status st = plm_lua_run(c->host, run_policy, &ctx,
		&c->engine->limits, &fail);
	if (c->profile != NULL) {
		profile_run(c, rule, t0, st != PLM_LUA_OK);
	}
	plm_lua_set_lib_dir(c->host, NULL);
	if (st == PLM_LUA_OK) {
		return 0;
	}
	/* A failed run's findings are dropped: the notification says the
	 * policy did not finish on this file. */
	while (c->pending_count > before) {
		c->pending_count--;
		free_pending(&c->pending[c->pending_count]);
	}
	char *where = plm_engine_full_location(fail.message,
		p->info.source_path);
	char *msg = plm_engine_strdupf("policy %s failed on %s: %s",
		p->info.id, what,
		where != NULL ? where : fail.message);
	free(where);
	struct plm_notification n = {0};
	n.kind = PLM_NOTIFY_POLICY_ERROR;
	n.code = failure_code(st);
	n.message = msg != NULL ? msg : fail.message;
	n.path = c->index != NULL ? NULL : what;
	n.rule_id = p->info.id;
	int rc = plm_file_result_add_note(result, &n);
	free(msg);
	return rc;
}

/* ---- findings ------------------------------------------------------------ */

/* Hash of the region's lines with blank runs collapsed and ends trimmed,
 * so re-indenting or moving the lines keeps it. */
static uint64_t normalized_hash(uint64_t h, const struct plm_source *src,
	uint32_t first, uint32_t last)
{
	bool space = false, started = false;
	for (uint32_t l = first; l <= last && l < src->line_count; l++) {
		size_t len = 0;
		const char *s = plm_source_line(src, l, &len);
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch == ' ' || ch == '\t' || ch == '\r') {
				space = started;
				continue;
			}
			if (space) {
				h = plm_fnv1a(h, " ", 1);
				space = false;
			}
			h = plm_fnv1a(h, &ch, 1);
			started = true;
		}
		space = started;
	}
	return h;
}

/* True when "ignore" occurs in bytes[0..len): only then can a comment
 * suppress anything in that source. */
static bool mentions_ignore(const char *bytes, size_t len)
{
	const char *p = bytes, *end = bytes + len;
	while (end - p >= 6) {
		p = memchr(p, 'i', (size_t)(end - p) - 5);
		if (p == NULL) {
			return false;
		}
		if (memcmp(p, "ignore", 6) == 0) {
			return true;
		}
		p++;
	}
	return false;
}

/* The fingerprint keys met so far in one file: an open-addressing table
 * of at least twice as many slots as findings. */
struct seen_key {
	uint64_t key;
	uint32_t count;
	bool used;
};

/* How many findings before this one had the same key. */
static uint32_t occurrence_of(struct seen_key *seen, size_t mask,
	uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & mask;
	while (seen[i].used && seen[i].key != key) {
		i = (i + 1) & mask;
	}
	if (!seen[i].used) {
		seen[i].used = true;
		seen[i].key = key;
		return 0;
	}
	return ++seen[i].count;
}

/* Report order may depend on the Lua state (pairs over a table with string
 * keys hashes with a per-state seed); findings are put in one order before
 * occurrences are counted, so fingerprints do not depend on the worker. */
static int cmp_pending(const void *pa, const void *pb)
{
	const struct pending *a = pa, *b = pb;
	if (a->rule != b->rule) {
		return a->rule < b->rule ? -1 : 1;
	}
	if (a->span.source != b->span.source) {
		return a->span.source < b->span.source ? -1 : 1;
	}
	if (a->span.start != b->span.start) {
		return a->span.start < b->span.start ? -1 : 1;
	}
	if (a->span.end != b->span.end) {
		return a->span.end < b->span.end ? -1 : 1;
	}
	int m = strcmp(a->message, b->message);
	if (m != 0) {
		return m;
	}
	return strcmp(a->fix ? a->fix : "", b->fix ? b->fix : "");
}

/* What finishing the findings of one file keeps from one to the next. */
struct finish_state {
	struct seen_key *seen;
	size_t seen_slots;
	/* Per source: 0 unknown, 1 has no "ignore" anywhere, 2 may have an
	 * ignore comment (then each finding looks at the comments). */
	unsigned char may_ignore[64];
};

/* Appends the finding of p to result. doc is the document the span is in,
 * or NULL when it could not be loaded again (a project finding whose file
 * changed or vanished): then the region is the one the index saw, and
 * there is no snippet and no suppression. */
static int emit_finding(struct plm_checker *c, const struct plm_doc *doc,
	const char *path, enum plm_kind kind, const struct pending *p,
	struct finish_state *fs, struct plm_file_result *result)
{
	const struct plm_rule_info *rule = &c->engine->rules[p->rule];
	struct plm_finding f = {0};
	struct plm_related_location related[PLM_MAX_RELATED];
	f.rule_id = rule->id;
	f.rule_index = p->rule;
	f.severity = p->severity;
	f.message = p->message;
	f.kind = plm_kind_name(kind);
	f.fix = p->fix;
	for (size_t i = 0; i < p->related_count && i < PLM_MAX_RELATED; i++) {
		related[i].path = p->related[i].path;
		related[i].region = p->related[i].region;
		related[i].message = p->related[i].message;
	}
	f.related = p->related_count > 0 ? related : NULL;
	f.related_count = p->related_count;
	uint64_t key = plm_fnv1a(PLM_FNV1A_INIT, rule->id,
		strlen(rule->id) + 1);
	char *snippet = NULL, *line_text = NULL;
	char reason[512];
	const struct plm_source *src = doc != NULL ? doc->sources[p->span.source]
						   : NULL;
	if (src == NULL) {
		f.path = path;
		f.region = p->region;
		f.line_text = "";
		key = plm_fnv1a(key, path, strlen(path) + 1);
		key = plm_fnv1a(key, p->message, strlen(p->message));
	} else {
		f.path = src->path;
		f.region = plm_doc_region(doc, p->span);
		size_t snip_len = p->span.end - p->span.start;
		if (snip_len > PLM_MAX_MESSAGE) {
			snip_len = PLM_MAX_MESSAGE;
		}
		snippet = strndup(src->bytes + p->span.start, snip_len);
		uint32_t first = plm_source_line_of(src, p->span.start);
		uint32_t last = plm_source_line_of(src,
			p->span.end > p->span.start ? p->span.end - 1 : p->span.end);
		size_t line_len = 0;
		const char *line = plm_source_line(src, first, &line_len);
		line_text = strndup(line, line_len);
		f.snippet = snippet;
		f.line_text = line_text;
		key = plm_fnv1a(key, src->path, strlen(src->path) + 1);
		key = normalized_hash(key, src, first, last);

		const char *why = NULL;
		uint32_t sid = p->span.source;
		unsigned char *mi = sid < sizeof(fs->may_ignore)
			? &fs->may_ignore[sid] : NULL;
		if (mi != NULL && *mi == 0) {
			*mi = mentions_ignore(src->bytes, src->len) ? 2 : 1;
		}
		if ((mi == NULL || *mi == 2) &&
			plm_suppress_match(doc, p->span.source, first, rule, reason,
				sizeof(reason), &why)) {
			f.suppression = PLM_SUPPRESSION_IN_SOURCE;
			f.suppression_justification = why;
		}
	}
	uint32_t occurrence = occurrence_of(fs->seen, fs->seen_slots - 1, key);
	uint64_t a = plm_fnv1a(key, &occurrence, sizeof(occurrence));
	uint64_t b = plm_fnv1a(a ^ 0x9e3779b97f4a7c15ull, rule->id,
		strlen(rule->id));
	char fingerprint[33];
	snprintf(fingerprint, sizeof(fingerprint), "%016llx%016llx",
		(unsigned long long)a, (unsigned long long)b);
	f.fingerprint = fingerprint;
	int rc = 0;
	if (src != NULL && (snippet == NULL || line_text == NULL)) {
		rc = PLM_ENOMEM;
	} else {
		rc = plm_file_result_add_finding(result, &f);
	}
	free(snippet);
	free(line_text);
	return rc;
}

static int finish_begin(struct plm_checker *c, struct finish_state *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->seen_slots = 16;
	while (fs->seen_slots < 2 * c->pending_count) {
		fs->seen_slots *= 2;
	}
	fs->seen = calloc(fs->seen_slots, sizeof(*fs->seen));
	return fs->seen != NULL ? 0 : PLM_ENOMEM;
}

static int finish_findings(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result)
{
	if (c->pending_count == 0) {
		return 0;
	}
	if (c->pending_count > 1) { /* qsort(NULL, 0, ...) is undefined */
		qsort(c->pending, c->pending_count, sizeof(*c->pending),
			cmp_pending);
	}
	struct finish_state fs;
	int rc = finish_begin(c, &fs);
	for (size_t i = 0; i < c->pending_count && rc == 0; i++) {
		rc = emit_finding(c, doc, NULL, doc->kind, &c->pending[i], &fs,
			result);
	}
	free(fs.seen);
	clear_pending(c);
	return rc;
}

static int cmp_pending_project(const void *pa, const void *pb)
{
	const struct pending *a = pa, *b = pb;
	if (a->doc != b->doc) {
		return a->doc < b->doc ? -1 : 1;
	}
	return cmp_pending(pa, pb);
}

/* Loads document d of the index again (for snippets, fingerprints and
 * suppressions), or NULL when it cannot be read now. */
static struct plm_doc *reload(const struct plm_checker *c, size_t d)
{
	const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
	if (id == NULL) {
		return NULL;
	}
	struct plm_load_status st;
	struct plm_doc *doc = NULL;
	if (load_indexed(c, id, &doc, &st) != 0 || st.outcome != PLM_LOAD_OK) {
		plm_doc_destroy(doc);
		return NULL;
	}
	return doc;
}

/* True when p's span lies inside doc (the file may have changed since
 * it was indexed). */
static bool span_fits(const struct plm_doc *doc, const struct pending *p)
{
	return doc != NULL && p->span.source < doc->source_count &&
		p->span.start <= p->span.end &&
		p->span.end <= doc->sources[p->span.source]->len;
}

/* Project findings, grouped by the file they land in: each file is loaded
 * once more (one at a time) for what needs its text. */
static int finish_project_findings(struct plm_checker *c,
	struct plm_file_result *result)
{
	if (c->pending_count == 0) {
		return 0;
	}
	if (c->pending_count > 1) {
		qsort(c->pending, c->pending_count, sizeof(*c->pending),
			cmp_pending_project);
	}
	struct finish_state fs;
	int rc = finish_begin(c, &fs);
	struct plm_doc *doc = NULL;
	size_t doc_of = SIZE_MAX;
	size_t group = result->finding_count;  /* the findings of doc */
	for (size_t i = 0; i <= c->pending_count && rc == 0; i++) {
		const struct pending *p = i < c->pending_count ? &c->pending[i]
							       : NULL;
		if (p != NULL && p->doc == doc_of) {
			rc = emit_finding(c, span_fits(doc, p) ? doc : NULL,
				plm_index_doc_at(c->index, p->doc)->shown_path,
				plm_index_doc_at(c->index, p->doc)->kind, p, &fs,
				result);
			continue;
		}
		/* GitHub's line hashes while the file's bytes are loaded, as
		 * the scan does for file findings. */
		for (size_t k = 0; doc != NULL && k < doc->source_count &&
			rc == 0; k++) {
			const struct plm_source *src = doc->sources[k];
			rc = plm_line_hashes_fill(result->findings + group,
				result->finding_count - group, src->path,
				src->bytes, src->len, result->arena);
		}
		plm_doc_destroy(doc);
		doc = NULL;
		if (p == NULL || rc != 0 ||
			plm_index_doc_at(c->index, p->doc) == NULL) {
			continue;
		}
		doc = reload(c, p->doc);
		doc_of = p->doc;
		group = result->finding_count;
		memset(fs.may_ignore, 0, sizeof(fs.may_ignore));
		rc = emit_finding(c, span_fits(doc, p) ? doc : NULL,
			plm_index_doc_at(c->index, p->doc)->shown_path,
			plm_index_doc_at(c->index, p->doc)->kind, p, &fs, result);
	}
	plm_doc_destroy(doc);
	free(fs.seen);
	clear_pending(c);
	return rc;
}

static int run_rules(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result, size_t only, bool use_only)
{
	int rc = 0;
	c->doc = doc;
	clear_pending(c);
	plm_lua_bind_doc(c->host, doc);
	plm_lua_set_user(c->host, c);
	unsigned kind = 1u << doc->kind;
	for (size_t i = 0; i < c->engine->count && rc == 0; i++) {
		const struct plm_policy *p = &c->engine->policies[i];
		if (p->project || (use_only ? i != only : (p->kinds & kind) == 0)) {
			continue;
		}
		rc = run_one(c, plm_doc_main(doc)->path, i, result);
	}
	plm_lua_set_user(c->host, NULL);
	plm_lua_unbind_doc(c->host);
	c->doc = NULL;
	if (rc == 0) {
		rc = finish_findings(c, doc, result);
	}
	clear_pending(c);
	return rc;
}

int plm_checker_run(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result)
{
	return run_rules(c, doc, result, 0, false);
}

int plm_checker_run_rule(struct plm_checker *c, const struct plm_doc *doc,
	size_t rule_index, struct plm_file_result *result)
{
	if (rule_index >= c->engine->count) {
		return PLM_EINVAL;
	}
	return run_rules(c, doc, result, rule_index, true);
}

static int run_project_rules(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	struct plm_file_result *result, size_t only, bool use_only)
{
	int rc = 0;
	c->doc = NULL;
	c->index = index;
	c->load = load;
	clear_pending(c);
	plm_lua_unbind_doc(c->host);
	plm_lua_set_user(c->host, c);
	for (size_t i = 0; i < c->engine->count && rc == 0; i++) {
		const struct plm_policy *p = &c->engine->policies[i];
		if (!p->project || (use_only && i != only)) {
			continue;
		}
		rc = run_one(c, "the project", i, result);
	}
	plm_lua_set_user(c->host, NULL);
	plm_lua_unbind_doc(c->host);
	plm_doc_destroy(c->loaded);
	c->loaded = NULL;
	if (rc == 0) {
		rc = finish_project_findings(c, result);
	}
	clear_pending(c);
	c->index = NULL;
	c->load = NULL;
	return rc;
}

int plm_checker_run_project(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	struct plm_file_result *result)
{
	return run_project_rules(c, index, load, result, 0, false);
}

int plm_checker_run_project_rule(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	size_t rule_index, struct plm_file_result *result)
{
	if (rule_index >= c->engine->count) {
		return PLM_EINVAL;
	}
	return run_project_rules(c, index, load, result, rule_index, true);
}

bool plm_engine_rule_is_project(const struct plm_engine *e, size_t index)
{
	return index < e->count && e->policies[index].project;
}

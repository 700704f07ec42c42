/*
 * lua/policy.c - reading a policy's metadata: its chunk is run once in a
 * fresh environment and the table it returns is validated field by field,
 * its settings declarations included.
 */
#include "lua/checker.h"

#include <string.h>
#include <lauxlib.h>
#include "dockerfile/instruction.h"
#include "lua/host.h"
#include "lua/internal.h"

struct load_ctx {
	const struct plm_lua_chunk *chunk;
	struct plm_arena *arena;
	struct plm_lua_metadata *meta;
};

static const char *const known_fields[] = {
	"id",
	"title",
	"severity",
	"applies_to",
	"tags",
	"aliases",
	"description",
	"help_uri",
	"precision",
	"scope",
	"settings",
	"needs",
	"check",
	NULL,
};

static bool id_ok(const char *id)
{
	/* [namespace/]slug; each part lower-case words joined by '-'. */
	const char *slash = strchr(id, '/');
	if (slash != NULL && strchr(slash + 1, '/') != NULL) {
		return false;
	}
	const char *parts[2] = {id, slash != NULL ? slash + 1 : NULL};
	size_t lens[2] = {slash != NULL ? (size_t)(slash - id) : strlen(id),
		slash != NULL ? strlen(slash + 1) : 0};
	for (int p = 0; p < 2 && parts[p] != NULL; p++) {
		const char *s = parts[p];
		size_t n = lens[p];
		if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-') {
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			bool ok = (c >= 'a' && c <= 'z') ||
				(c >= '0' && c <= '9') ||
				(c == '-' && s[i + 1] != '-');
			if (!ok) {
				return false;
			}
		}
	}
	return true;
}

/* A string field (raises with a message when wrong).  [-0, +0, e] */
static const char *get_string(lua_State *L, int t, struct load_ctx *ctx,
	const char *field, bool required)
{
	int type = lua_getfield(L, t, field);
	if (type == LUA_TNIL && !required) {
		lua_pop(L, 1);
		return NULL;
	}
	if (type != LUA_TSTRING || lua_rawlen(L, -1) == 0) {
		luaL_error(L,
			"metadata: '%s' must be a non-empty string (got %s)",
			field, luaL_typename(L, -1));
	}
	const char *s = plm_arena_strdup(ctx->arena, lua_tostring(L, -1));
	lua_pop(L, 1);
	if (s == NULL) {
		luaL_error(L, "out of memory");
	}
	return s;
}

/* A list of strings as a NULL-terminated array; check(s) validates each.
 * The messages name the field `label` (a field of a field). */
static const char *const *get_list_as(lua_State *L, int t, struct load_ctx *ctx,
	const char *field, const char *label, bool required,
	bool (*check)(const char *), const char *expected)
{
	int type = lua_getfield(L, t, field);
	if (type == LUA_TNIL && !required) {
		lua_pop(L, 1);
		const char **empty = plm_arena_alloc(ctx->arena,
			sizeof(*empty));
		if (empty == NULL) {
			luaL_error(L, "out of memory");
		}
		return empty;
	}
	if (type != LUA_TTABLE) {
		luaL_error(L,
			"metadata: '%s' must be a list of strings (got %s)",
			label, luaL_typename(L, -1));
	}
	lua_Integer n = luaL_len(L, -1);
	if (n < (required ? 1 : 0) || n > 256) {
		luaL_error(L, "metadata: '%s' must list 1 to 256 strings",
			label);
	}
	const char **list = plm_arena_alloc(ctx->arena,
		((size_t)n + 1) * sizeof(*list));
	if (list == NULL) {
		luaL_error(L, "out of memory");
	}
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_geti(L, -1, i) != LUA_TSTRING ||
			lua_rawlen(L, -1) == 0) {
			luaL_error(L,
				"metadata: '%s'[%d] must be a non-empty string",
				label, (int)i);
		}
		const char *s = lua_tostring(L, -1);
		if (check != NULL && !check(s)) {
			luaL_error(L, "metadata: '%s' has '%s'; expected %s",
				label, s, expected);
		}
		list[i - 1] = plm_arena_strdup(ctx->arena, s);
		if (list[i - 1] == NULL) {
			luaL_error(L, "out of memory");
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return list;
}

/* get_list_as a field of the policy's table. */
static const char *const *get_list(lua_State *L, int t, struct load_ctx *ctx,
	const char *field, bool required, bool (*check)(const char *),
	const char *expected)
{
	return get_list_as(L, t, ctx, field, field, required, check, expected);
}

static bool kind_ok(const char *s)
{
	return strcmp(s, "dockerfile") == 0 || strcmp(s, "compose") == 0 ||
		strcmp(s, "kubernetes") == 0 || strcmp(s, "command") == 0;
}

static bool tag_ok(const char *s)
{
	if (strncmp(s, "CWE-", 4) == 0) {
		if (s[4] == '\0') {
			return false;
		}
		for (const char *p = s + 4; *p != '\0'; p++) {
			if (*p < '0' || *p > '9') {
				return false;
			}
		}
		return true;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n') {
			return false;
		}
	}
	return true;
}

static bool alias_ok(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n') {
			return false;
		}
	}
	return true;
}

/* ---- settings ---------------------------------------------------------- */

static bool setting_name_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 64 || !(*s >= 'a' && *s <= 'z')) {
		return false;
	}
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			    *s == '_')) {
			return false;
		}
	}
	return true;
}

/* The value at the top of the stack as a setting of type d->type, into
 * d->fallback; raises naming the setting when it has another shape.
 * [-0, +0, e] */
static void read_default(lua_State *L, struct load_ctx *ctx,
	struct plm_setting_decl *d)
{
	struct plm_setting_value *v = &d->fallback;
	int type = lua_type(L, -1);
	switch (d->type) {
	case PLM_SETTING_STRING:
		if (type != LUA_TSTRING) {
			break;
		}
		v->string = plm_arena_strdup(ctx->arena, lua_tostring(L, -1));
		if (v->string == NULL) {
			luaL_error(L, "out of memory");
		}
		return;
	case PLM_SETTING_INT:
		if (!lua_isinteger(L, -1)) {
			break;
		}
		v->integer = lua_tointeger(L, -1);
		if (v->integer < -2147483647 - 1 || v->integer > 2147483647) {
			break;
		}
		return;
	case PLM_SETTING_BOOL:
		if (type != LUA_TBOOLEAN) {
			break;
		}
		v->boolean = lua_toboolean(L, -1);
		return;
	case PLM_SETTING_LIST: {
		if (type != LUA_TTABLE) {
			break;
		}
		lua_Integer n = luaL_len(L, -1);
		if (n < 0 || n > PLM_SETTING_MAX_LIST) {
			break;
		}
		const char **list = plm_arena_alloc(ctx->arena,
			((size_t)n + 1) * sizeof(*list));
		if (list == NULL) {
			luaL_error(L, "out of memory");
		}
		for (lua_Integer i = 1; i <= n; i++) {
			if (lua_geti(L, -1, i) != LUA_TSTRING) {
				luaL_error(L,
					"metadata: setting '%s': default[%d] "
					"must be a string",
					d->name, (int)i);
			}
			list[i - 1] = plm_arena_strdup(ctx->arena,
				lua_tostring(L, -1));
			if (list[i - 1] == NULL) {
				luaL_error(L, "out of memory");
			}
			lua_pop(L, 1);
		}
		list[n] = NULL;
		v->list = list;
		return;
	}
	}
	luaL_error(L, "metadata: setting '%s': default must be %s (got %s)",
		d->name,
		d->type == PLM_SETTING_LIST           ? "a list of strings"
			: d->type == PLM_SETTING_INT  ? "an integer"
			: d->type == PLM_SETTING_BOOL ? "a boolean"
						      : "a string",
		luaL_typename(L, -1));
}

/* One entry {name, type, default, description} of `settings` (on top of
 * the stack) into d.  [-0, +0, e] */
static void read_setting(lua_State *L, struct load_ctx *ctx, int i,
	struct plm_setting_decl *d)
{
	int t = lua_gettop(L);
	if (!lua_istable(L, t)) {
		luaL_error(L,
			"metadata: settings[%d] must be a table {name, "
			"type, default, description}",
			i);
	}
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		const char *k = lua_type(L, -2) == LUA_TSTRING
			? lua_tostring(L, -2)
			: "";
		if (strcmp(k, "name") != 0 && strcmp(k, "type") != 0 &&
			strcmp(k, "default") != 0 &&
			strcmp(k, "description") != 0) {
			luaL_error(L,
				"metadata: settings[%d]: unknown field '%s' "
				"(expected name, type, default, description)",
				i, *k != '\0' ? k : "(not a string)");
		}
		lua_pop(L, 1);
	}
	d->name = get_string(L, t, ctx, "name", true);
	if (!setting_name_ok(d->name)) {
		luaL_error(L,
			"metadata: setting name '%s' must be snake_case "
			"(a-z, 0-9, _)",
			d->name);
	}
	const char *type = get_string(L, t, ctx, "type", true);
	static const char *const types[] = {"string", "int", "bool", "list"};
	int found = -1;
	for (int k = 0; k < 4; k++) {
		found = strcmp(type, types[k]) == 0 ? k : found;
	}
	if (found < 0) {
		luaL_error(L,
			"metadata: setting '%s': type must be string, int, "
			"bool or list (got '%s')",
			d->name, type);
	}
	d->type = (enum plm_setting_type)found;
	d->description = get_string(L, t, ctx, "description", true);
	if (lua_getfield(L, t, "default") == LUA_TNIL) {
		luaL_error(L, "metadata: setting '%s' needs a default",
			d->name);
	}
	read_default(L, ctx, d);
	lua_pop(L, 1);
}

/* The optional `settings` list of the policy table at t.  [-0, +0, e] */
static void read_settings(lua_State *L, int t, struct load_ctx *ctx)
{
	struct plm_lua_metadata *m = ctx->meta;
	m->settings = NULL;
	m->setting_count = 0;
	int type = lua_getfield(L, t, "settings");
	if (type == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (type != LUA_TTABLE) {
		luaL_error(L,
			"metadata: 'settings' must be a list of tables "
			"(got %s)",
			luaL_typename(L, -1));
	}
	lua_Integer n = luaL_len(L, -1);
	if (n < 0 || n > 64) {
		luaL_error(L, "metadata: 'settings' lists at most 64 settings");
	}
	m->settings = plm_arena_alloc(ctx->arena,
		((size_t)n + 1) * sizeof(*m->settings));
	if (m->settings == NULL) {
		luaL_error(L, "out of memory");
	}
	memset(m->settings, 0, ((size_t)n + 1) * sizeof(*m->settings));
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, -1, i);
		read_setting(L, ctx, (int)i, &m->settings[i - 1]);
		for (lua_Integer j = 1; j < i; j++) {
			if (strcmp(m->settings[j - 1].name,
				    m->settings[i - 1].name) == 0) {
				luaL_error(L,
					"metadata: setting '%s' is declared "
					"twice",
					m->settings[i - 1].name);
			}
		}
		lua_pop(L, 1);
	}
	m->setting_count = (size_t)n;
	lua_pop(L, 1);
}

/* A compiled chunk dumped into an arena. */
struct dump {
	struct plm_arena *arena;
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

static int dump_write(lua_State *L, const void *bytes, size_t size, void *ud)
{
	(void)L;
	struct dump *d = ud;
	if (d->failed) {
		return 1;
	}
	if (d->len + size > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		while (cap < d->len + size) {
			cap *= 2;
		}
		unsigned char *grown = plm_arena_realloc(d->arena, d->data,
			d->cap, cap);
		if (grown == NULL) {
			d->failed = true;
			return 1;
		}
		d->data = grown;
		d->cap = cap;
	}
	memcpy(d->data + d->len, bytes, size);
	d->len += size;
	return 0;
}

static bool instruction_ok(const char *s)
{
	return plm_dockerfile_keyword_of(s, strlen(s)) !=
		PLM_DOCKERFILE_UNKNOWN;
}

/* needs = {containers = true, instructions = {...}, mentions = {...}}
 * (struct plm_rule_needs), at index t. */
static void read_needs(lua_State *L, int t, struct load_ctx *ctx)
{
	struct plm_rule_needs *n = &ctx->meta->needs;
	int type = lua_getfield(L, t, "needs");
	if (type == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (type != LUA_TTABLE) {
		luaL_error(L,
			"metadata: 'needs' must be a table such as {containers "
			"= true, instructions = {\"RUN\"}, mentions = "
			"{\"apt-get\"}} (got %s)",
			luaL_typename(L, -1));
	}
	int nt = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, nt) != 0) {
		const char *k = lua_type(L, -2) == LUA_TSTRING
			? lua_tostring(L, -2)
			: NULL;
		if (k == NULL ||
			(strcmp(k, "containers") != 0 &&
				strcmp(k, "instructions") != 0 &&
				strcmp(k, "mentions") != 0)) {
			luaL_error(L,
				"metadata: 'needs' has an unknown field '%s' "
				"(expected containers, instructions, mentions)",
				k != NULL ? k : "(not a string)");
		}
		lua_pop(L, 1);
	}
	type = lua_getfield(L, nt, "containers");
	if (type != LUA_TNIL && type != LUA_TBOOLEAN) {
		luaL_error(L,
			"metadata: 'needs.containers' must be true or false "
			"(got %s)",
			luaL_typename(L, -1));
	}
	n->containers = lua_toboolean(L, -1);
	lua_pop(L, 1);
	const char *const *ins = get_list_as(L, nt, ctx, "instructions",
		"needs.instructions", false, instruction_ok,
		"a Dockerfile instruction such as RUN");
	for (; *ins != NULL; ins++) {
		n->instructions |= 1u
			<< plm_dockerfile_keyword_of(*ins, strlen(*ins));
	}
	const char *const *mentions = get_list_as(L, nt, ctx, "mentions",
		"needs.mentions", false, NULL, NULL);
	n->mentions = mentions[0] != NULL ? mentions : NULL;
	lua_pop(L, 1);
}

/* Runs the policy chunk and reads its metadata; in protected mode. */
static int load_metadata(lua_State *L)
{
	struct load_ctx *ctx = lua_touserdata(L, 1);
	struct plm_lua_metadata *p = ctx->meta;
	const struct plm_lua_chunk *chunk = ctx->chunk;
	bool parsed;
	if (plm_lua_load_chunk(L, chunk, &parsed) != LUA_OK) {
		return lua_error(L);
	}
	/* A chunk parsed here is dumped for the checkers, which load that
	 * instead of parsing the text again (before the environment is set:
	 * that is an upvalue, not in the dump). */
	struct dump d = {ctx->arena, NULL, 0, 0, false};
	if (parsed && lua_dump(L, dump_write, &d, 0) == 0 && !d.failed) {
		p->bytecode = d.data;
		p->bytecode_len = d.len;
	}
	plm_lua_push_env(L);
	plm_lua_set_env(L, -2);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1)) {
		return luaL_error(L, "the policy must return a table (got %s)",
			luaL_typename(L, -1));
	}
	int t = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		bool known = false;
		if (lua_type(L, -2) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -2);
			for (const char *const *f = known_fields; *f; f++) {
				known = known || strcmp(k, *f) == 0;
			}
		}
		if (!known) {
			lua_pop(L, 1);
			return luaL_error(L,
				"metadata: unknown field '%s' (expected "
				"id, title, severity, applies_to, tags, aliases, "
				"description, help_uri, precision, scope, settings, "
				"needs, check)",
				lua_type(L, -1) == LUA_TSTRING
					? lua_tostring(L, -1)
					: "(not a string)");
		}
		lua_pop(L, 1);
	}
	p->info.id = get_string(L, t, ctx, "id", true);
	if (!id_ok(p->info.id)) {
		return luaL_error(L,
			"metadata: id '%s' must be kebab-case "
			"(lower-case letters, digits, single '-'), optionally "
			"namespaced as 'team/id'",
			p->info.id);
	}
	p->info.title = get_string(L, t, ctx, "title", true);
	if (strchr(p->info.title, '\n') != NULL) {
		return luaL_error(L, "metadata: 'title' must be one line");
	}
	const char *sev = get_string(L, t, ctx, "severity", true);
	int s = plm_severity_parse(sev);
	if (s < 0) {
		return luaL_error(L,
			"metadata: 'severity' must be one of "
			"critical, high, medium, low, info (got '%s')",
			sev);
	}
	p->info.severity = (enum plm_severity)s;
	p->info.applies_to = get_list(L, t, ctx, "applies_to", true, kind_ok,
		"dockerfile, compose, kubernetes or command");
	p->info.tags = get_list(L, t, ctx, "tags", false, tag_ok,
		"a word without spaces, or CWE-<number>");
	p->info.aliases = get_list(L, t, ctx, "aliases", false, alias_ok,
		"a code without spaces or commas");
	p->info.description = get_string(L, t, ctx, "description", true);
	p->info.help_uri = get_string(L, t, ctx, "help_uri", false);
	p->info.precision = get_string(L, t, ctx, "precision", false);
	if (p->info.precision == NULL) {
		p->info.precision = "high";
	} else if (strcmp(p->info.precision, "very-high") != 0 &&
		strcmp(p->info.precision, "high") != 0 &&
		strcmp(p->info.precision, "medium") != 0 &&
		strcmp(p->info.precision, "low") != 0) {
		return luaL_error(L,
			"metadata: 'precision' must be one of "
			"very-high, high, medium, low (got '%s')",
			p->info.precision);
	}
	const char *scope = get_string(L, t, ctx, "scope", false);
	if (scope == NULL || strcmp(scope, "file") == 0) {
		p->project = false;
	} else if (strcmp(scope, "project") == 0) {
		p->project = true;
	} else {
		return luaL_error(L,
			"metadata: 'scope' must be \"file\" "
			"(check(doc, report), the default) or \"project\" "
			"(check(project, report)) (got '%s')",
			scope);
	}
	if (lua_getfield(L, t, "check") != LUA_TFUNCTION) {
		return luaL_error(L,
			"metadata: 'check' must be a function "
			"check(%s, report) (got %s)",
			p->project ? "project" : "doc", luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	read_settings(L, t, ctx);
	read_needs(L, t, ctx);
	if (p->project &&
		(p->needs.containers || p->needs.instructions ||
			p->needs.mentions != NULL)) {
		return luaL_error(L,
			"metadata: 'needs' is for file-scope policies (a "
			"project-scope policy sees every document at once)");
	}
	return 0;
}

enum plm_lua_status plm_lua_read_metadata(struct plm_lua *h,
	const struct plm_lua_chunk *chunk, const struct plm_lua_limits *lim,
	struct plm_arena *arena, struct plm_lua_metadata *meta,
	struct plm_lua_failure *fail)
{
	struct load_ctx ctx = {chunk, arena, meta};
	memset(meta, 0, sizeof(*meta));
	plm_lua_set_lib_dir(h, chunk->lib_dir);
	enum plm_lua_status st = plm_lua_run(h, load_metadata, &ctx, lim, fail);
	plm_lua_set_lib_dir(h, NULL);
	return st;
}

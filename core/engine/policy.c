/*
 * engine/policy.c - finding policy files, reading them, and validating
 * their metadata in a sandboxed state of their own.
 *
 * A policy directory holds `<name>.lua` files and `<name>/policy.lua`
 * folders (nested folders are searched too, for namespaces), a `lib/` of
 * shared modules, and fixtures (`fixtures/` folders are never policies).
 */
#include "engine/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <lauxlib.h>

/* How deep a policy directory is searched. */
#define MAX_POLICY_DEPTH 4

struct found {
	char *path;
	const char *lib_dir;   /* in the arena */
};

struct found_list {
	struct found *items;
	size_t count;
	size_t cap;
};

char *plm_engine_strdupf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (s == NULL) {
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

char *plm_engine_full_location(const char *message, const char *path)
{
	if (strncmp(message, "...", 3) == 0) {
		const char *colon = strchr(message + 3, ':');
		size_t tail = colon != NULL ? (size_t)(colon - message - 3) : 0;
		size_t plen = strlen(path);
		if (tail > 0 && tail <= plen &&
			strncmp(path + plen - tail, message + 3, tail) == 0) {
			return plm_engine_strdupf("%s%s", path, colon);
		}
	}
	return strdup(message);
}

static int add_found(struct found_list *l, const char *path,
	const char *lib_dir)
{
	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct found *n = realloc(l->items, ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		l->items = n;
		l->cap = ncap;
	}
	char *p = strdup(path);
	if (p == NULL) {
		return PLM_ENOMEM;
	}
	l->items[l->count].path = p;
	l->items[l->count].lib_dir = lib_dir;
	l->count++;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir (without . and ..). */
static int list_dir(const char *dir, char ***names, size_t *count)
{
	*names = NULL;
	*count = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		return PLM_EIO;
	}
	size_t cap = 0;
	int rc = 0;
	struct dirent *ent;
	while ((ent = readdir(d)) != NULL) {
		if (ent->d_name[0] == '.') {
			continue;
		}
		if (*count == cap) {
			cap = cap ? cap * 2 : 32;
			char **n = realloc(*names, cap * sizeof(*n));
			if (n == NULL) {
				rc = PLM_ENOMEM;
				break;
			}
			*names = n;
		}
		(*names)[*count] = strdup(ent->d_name);
		if ((*names)[*count] == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		(*count)++;
	}
	closedir(d);
	if (*names != NULL) {
		qsort(*names, *count, sizeof(**names), cmp_names);
	}
	return rc;
}

static void free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(names[i]);
	}
	free(names);
}

static int scan_dir(struct found_list *l, const char *dir,
	const char *lib_dir, int depth)
{
	char **names = NULL;
	size_t count = 0;
	int rc = list_dir(dir, &names, &count);
	if (rc != 0) {
		goto cleanup;
	}
	for (size_t i = 0; i < count && rc == 0; i++) {
		const char *name = names[i];
		if (strcmp(name, "lib") == 0 || strcmp(name, "fixtures") == 0) {
			continue;
		}
		char *path = plm_engine_strdupf("%s/%s", dir, name);
		if (path == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		if (ends_with(name, ".lua") && is_file(path)) {
			rc = add_found(l, path, lib_dir);
		} else if (is_dir(path)) {
			char *policy = plm_engine_strdupf("%s/policy.lua", path);
			if (policy == NULL) {
				rc = PLM_ENOMEM;
			} else if (is_file(policy)) {
				rc = add_found(l, policy, lib_dir);
			} else if (depth < MAX_POLICY_DEPTH) {
				rc = scan_dir(l, path, lib_dir, depth + 1);
			}
			free(policy);
		}
		free(path);
	}
cleanup:
	free_names(names, count);
	return rc;
}

/* The lib/ directory beside a policy root, or NULL when there is none. */
static const char *lib_dir_of(struct plm_arena *a, const char *root)
{
	char *lib = plm_arena_printf(a, "%s/lib", root);
	return lib != NULL && is_dir(lib) ? lib : NULL;
}

static char *read_text(const char *path, size_t *len, char **error)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		*error = plm_engine_strdupf("%s: cannot read policy: %s", path,
			strerror(errno));
		return NULL;
	}
	char *buf = malloc(PLM_MAX_POLICY_SIZE + 1);
	size_t n = buf != NULL ? fread(buf, 1, PLM_MAX_POLICY_SIZE + 1, f) : 0;
	bool bad = buf == NULL || ferror(f) || n > PLM_MAX_POLICY_SIZE;
	fclose(f);
	if (bad) {
		*error = plm_engine_strdupf("%s: cannot read policy: %s", path,
			n > PLM_MAX_POLICY_SIZE ? "larger than 1 MiB"
						: "read error");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ---- metadata ---------------------------------------------------------- */

struct load_ctx {
	struct plm_lua *host;
	struct plm_arena *arena;
	struct plm_policy *policy;
};

static const char *const known_fields[] = {
	"id", "title", "severity", "applies_to", "tags", "aliases",
	"description", "help_uri", "precision", "scope", "check", NULL,
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
			bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
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
		luaL_error(L, "metadata: '%s' must be a non-empty string (got %s)",
			field, luaL_typename(L, -1));
	}
	const char *s = plm_arena_strdup(ctx->arena, lua_tostring(L, -1));
	lua_pop(L, 1);
	if (s == NULL) {
		luaL_error(L, "out of memory");
	}
	return s;
}

/* A list of strings as a NULL-terminated array; check(s) validates each. */
static const char *const *get_list(lua_State *L, int t, struct load_ctx *ctx,
	const char *field, bool required, bool (*check)(const char *),
	const char *expected)
{
	int type = lua_getfield(L, t, field);
	if (type == LUA_TNIL && !required) {
		lua_pop(L, 1);
		const char **empty = plm_arena_alloc(ctx->arena, sizeof(*empty));
		if (empty == NULL) {
			luaL_error(L, "out of memory");
		}
		return empty;
	}
	if (type != LUA_TTABLE) {
		luaL_error(L, "metadata: '%s' must be a list of strings (got %s)",
			field, luaL_typename(L, -1));
	}
	lua_Integer n = luaL_len(L, -1);
	if (n < (required ? 1 : 0) || n > 256) {
		luaL_error(L, "metadata: '%s' must list 1 to 256 strings", field);
	}
	const char **list = plm_arena_alloc(ctx->arena,
		((size_t)n + 1) * sizeof(*list));
	if (list == NULL) {
		luaL_error(L, "out of memory");
	}
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_geti(L, -1, i) != LUA_TSTRING || lua_rawlen(L, -1) == 0) {
			luaL_error(L, "metadata: '%s'[%d] must be a non-empty string",
				field, (int)i);
		}
		const char *s = lua_tostring(L, -1);
		if (check != NULL && !check(s)) {
			luaL_error(L, "metadata: '%s' has '%s'; expected %s", field,
				s, expected);
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

static bool kind_ok(const char *s)
{
	return strcmp(s, "dockerfile") == 0 || strcmp(s, "compose") == 0 ||
		strcmp(s, "kubernetes") == 0;
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

/* Runs the policy chunk and reads its metadata; in protected mode. */
static int load_metadata(lua_State *L)
{
	struct load_ctx *ctx = lua_touserdata(L, 1);
	struct plm_policy *p = ctx->policy;
	if (luaL_loadbufferx(L, p->text, p->text_len, p->chunkname, "t") !=
		LUA_OK) {
		return lua_error(L);
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
			return luaL_error(L, "metadata: unknown field '%s' (expected "
				"id, title, severity, applies_to, tags, aliases, "
				"description, help_uri, precision, scope, check)",
				lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
							     : "(not a string)");
		}
		lua_pop(L, 1);
	}
	p->info.id = get_string(L, t, ctx, "id", true);
	if (!id_ok(p->info.id)) {
		return luaL_error(L, "metadata: id '%s' must be kebab-case "
			"(lower-case letters, digits, single '-'), optionally "
			"namespaced as 'team/id'", p->info.id);
	}
	p->info.title = get_string(L, t, ctx, "title", true);
	if (strchr(p->info.title, '\n') != NULL) {
		return luaL_error(L, "metadata: 'title' must be one line");
	}
	const char *sev = get_string(L, t, ctx, "severity", true);
	int s = plm_severity_parse(sev);
	if (s < 0) {
		return luaL_error(L, "metadata: 'severity' must be one of "
			"critical, high, medium, low, info (got '%s')", sev);
	}
	p->info.severity = (enum plm_severity)s;
	p->info.applies_to = get_list(L, t, ctx, "applies_to", true, kind_ok,
		"dockerfile, compose or kubernetes");
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
		return luaL_error(L, "metadata: 'precision' must be one of "
			"very-high, high, medium, low (got '%s')",
			p->info.precision);
	}
	const char *scope = get_string(L, t, ctx, "scope", false);
	if (scope == NULL || strcmp(scope, "file") == 0) {
		p->project = false;
	} else if (strcmp(scope, "project") == 0) {
		p->project = true;
	} else {
		return luaL_error(L, "metadata: 'scope' must be \"file\" "
			"(check(doc, report), the default) or \"project\" "
			"(check(project, report)) (got '%s')", scope);
	}
	if (lua_getfield(L, t, "check") != LUA_TFUNCTION) {
		return luaL_error(L, "metadata: 'check' must be a function "
			"check(%s, report) (got %s)",
			p->project ? "project" : "doc", luaL_typename(L, -1));
	}
	p->kinds = 0;
	for (const char *const *k = p->info.applies_to; *k; k++) {
		p->kinds |= 1u << plm_kind_parse(*k);
	}
	return 0;
}

static int load_one(struct plm_lua *host, const struct plm_lua_limits *lim,
	struct plm_arena *arena, const struct found *f, struct plm_policy *p,
	char **error)
{
	size_t len = 0;
	char *text = read_text(f->path, &len, error);
	if (text == NULL) {
		return PLM_EIO;
	}
	int rc = PLM_ENOMEM;
	memset(p, 0, sizeof(*p));
	p->info.source_path = plm_arena_strdup(arena, f->path);
	p->chunkname = plm_arena_printf(arena, "@%s", f->path);
	p->text = plm_arena_strndup(arena, text, len);
	p->text_len = len;
	p->lib_dir = f->lib_dir;
	free(text);
	if (p->info.source_path == NULL || p->chunkname == NULL ||
		p->text == NULL) {
		*error = plm_engine_strdupf("%s: out of memory", f->path);
		return rc;
	}
	struct plm_lua_failure fail;
	struct load_ctx ctx = {host, arena, p};
	plm_lua_set_lib_dir(host, p->lib_dir);
	enum plm_lua_status st = plm_lua_run(host, load_metadata, &ctx, lim,
		&fail);
	plm_lua_set_lib_dir(host, NULL);
	if (st != PLM_LUA_OK) {
		char *msg = plm_engine_full_location(fail.message, f->path);
		*error = plm_engine_strdupf("%s: invalid policy: %s", f->path,
			msg != NULL ? msg : fail.message);
		free(msg);
		return PLM_EPOLICY;
	}
	return 0;
}

int plm_policy_load_all(const struct plm_engine_options *o,
	const struct plm_lua_limits *limits, struct plm_arena *arena,
	struct plm_policy **out, size_t *count, char **error)
{
	struct found_list found = {0};
	struct plm_lua *host = NULL;
	struct plm_policy *policies = NULL;
	int rc = 0;
	*out = NULL;
	*count = 0;

	if (!o->no_builtin) {
		const char *dir = plm_engine_builtin_dir(o);
		if (!is_dir(dir)) {
			*error = plm_engine_strdupf("%s: built-in policies not "
				"found (install plimsoll, or use --no-builtin)", dir);
			rc = PLM_EIO;
			goto cleanup;
		}
		rc = scan_dir(&found, dir, lib_dir_of(arena, dir), 0);
		if (rc != 0) {
			*error = plm_engine_strdupf("%s: cannot list policies", dir);
			goto cleanup;
		}
	}
	for (size_t i = 0; i < o->policy_dir_count; i++) {
		const char *dir = o->policy_dirs[i];
		if (!is_dir(dir)) {
			*error = plm_engine_strdupf("%s: --policy-dir is not a "
				"readable directory", dir);
			rc = PLM_EIO;
			goto cleanup;
		}
		rc = scan_dir(&found, dir, lib_dir_of(arena, dir), 0);
		if (rc != 0) {
			*error = plm_engine_strdupf("%s: cannot list policies", dir);
			goto cleanup;
		}
	}
	for (size_t i = 0; i < o->policy_file_count; i++) {
		const char *file = o->policy_files[i];
		if (!is_file(file)) {
			*error = plm_engine_strdupf("%s: --policy is not a readable "
				"file", file);
			rc = PLM_EIO;
			goto cleanup;
		}
		char *dir = strdup(file);
		if (dir == NULL) {
			rc = PLM_ENOMEM;
			goto cleanup;
		}
		char *slash = strrchr(dir, '/');
		const char *root = ".";
		if (slash != NULL) {
			*slash = '\0';
			root = slash == dir ? "/" : dir;
		}
		rc = add_found(&found, file, lib_dir_of(arena, root));
		free(dir);
		if (rc != 0) {
			goto cleanup;
		}
	}

	rc = plm_lua_create(&host);
	if (rc != 0) {
		*error = plm_engine_strdupf("cannot create a Lua state");
		goto cleanup;
	}
	policies = plm_arena_alloc(arena,
		(found.count ? found.count : 1) * sizeof(*policies));
	if (policies == NULL) {
		rc = PLM_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < found.count; i++) {
		rc = load_one(host, limits, arena, &found.items[i], &policies[i],
			error);
		if (rc != 0) {
			goto cleanup;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(policies[j].info.id, policies[i].info.id) == 0) {
				*error = plm_engine_strdupf("%s: duplicate policy id "
					"'%s' (also in %s)", found.items[i].path,
					policies[i].info.id,
					policies[j].info.source_path);
				rc = PLM_EPOLICY;
				goto cleanup;
			}
		}
	}
	*out = policies;
	*count = found.count;
cleanup:
	if (rc == PLM_ENOMEM && *error == NULL) {
		*error = plm_engine_strdupf("out of memory loading policies");
	}
	plm_lua_destroy(host);
	for (size_t i = 0; i < found.count; i++) {
		free(found.items[i].path);
	}
	free(found.items);
	return rc;
}

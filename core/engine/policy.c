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
#include "engine/builtin.h"
#include "plm_config.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/source.h"

/* How deep a policy directory is searched. */
#define MAX_POLICY_DEPTH 4

struct found {
	char *path;
	const char *lib_dir; /* in the arena */
	bool builtin;        /* from the built-in policy directory */
	/* A built-in policy's dump when the file's size and time say it is
	 * the one compiled: then it was not read, and text is NULL. */
	const struct plm_precompiled *unchanged;
	/* The text, read when the file was found (or why it could not be:
	 * plm_file_read's code and errno, reported when it is loaded). */
	char *text;
	size_t len;
	int read_rc, read_errno;
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
	char *s = plm_malloc((size_t)n + 1);
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
	return plm_strdup(message);
}

/* A built-in policy's build-time dump (lua/precompiled.h) and metadata
 * (engine/builtin.h), found by its folder's name, when text is what was
 * compiled (or, with e, a file known unchanged); *meta is left as it is
 * when there is none. */
static void builtin_dump(struct plm_policy *p, const char *path,
	const char *text, size_t len, const struct plm_precompiled *e,
	const struct plm_builtin_metadata **meta)
{
	const char *end = strrchr(path, '/');
	const char *start = end;
	while (start != NULL && start > path && start[-1] != '/') {
		start--;
	}
	char folder[256];
	if (end == NULL || start == end ||
		(size_t)(end - start) >= sizeof(folder)) {
		return;
	}
	memcpy(folder, start, (size_t)(end - start));
	folder[end - start] = '\0';
	if (e == NULL) {
		e = plm_lua_precompiled_find(folder, text, len);
	}
	p->chunk.precompiled = e;
	if (e == NULL) {
		return;
	}
	/* By folder name, in the same order as the dumps. */
	size_t lo = 0, hi = 0;
	while (plm_builtin_metadata[hi] != NULL) {
		hi++;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct plm_builtin_metadata *m = plm_builtin_metadata[mid];
		int order = strcmp(m->name, folder);
		if (order == 0) {
			if (m->hash == plm_lua_precompiled_hash(e) &&
				m->text_len == len) {
				*meta = m;
			}
			return;
		}
		if (order < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
}

/* Adds a policy file, with its text or why it could not be read. */
static int add_found(struct found_list *l, const char *path,
	const char *lib_dir, char *text, size_t len, int read_rc,
	int read_errno)
{
	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct found *n = plm_realloc(l->items, ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		l->items = n;
		l->cap = ncap;
	}
	char *p = plm_strdup(path);
	if (p == NULL) {
		plm_free(text);
		return PLM_ENOMEM;
	}
	l->items[l->count] = (struct found){
		.path = p,
		.lib_dir = lib_dir,
		.text = text,
		.len = len,
		.read_rc = read_rc,
		.read_errno = read_errno,
	};
	l->count++;
	return 0;
}

/* plm_file_read's answer for a path that is not a policy file: not there,
 * a directory, or not a regular file. */
static bool not_a_file(int rc)
{
	return rc == PLM_EIO &&
		(errno == ENOENT || errno == ENOTDIR || errno == EISDIR ||
			errno == EINVAL);
}

/* Reads path as a policy (a policy file is read once, when it is found:
 * a stat first and a read later cost twice the system calls at every
 * start). A built-in policy in its folder whose size and time are those
 * the build compiled is not read: one stat instead of four calls. Returns
 * 1 when there is no policy file there, else what add_found returns; an
 * unreadable policy is added with its error. */
static int add_if_policy(struct found_list *l, const char *path,
	const char *lib_dir, const char *builtin_folder)
{
	struct stat st;
	const struct plm_precompiled *e = NULL;
	if (builtin_folder != NULL && stat(path, &st) == 0 &&
		(e = plm_lua_precompiled_unchanged(builtin_folder, &st)) !=
			NULL) {
		int rc = add_found(l, path, lib_dir, NULL, (size_t)st.st_size,
			0, 0);
		if (rc == 0) {
			l->items[l->count - 1].unchanged = e;
		}
		return rc;
	}
	char *text = NULL;
	size_t len = 0;
	int rc = plm_file_read(path, PLM_MAX_POLICY_SIZE, &text, &len);
	if (rc != 0 && not_a_file(rc)) {
		return 1;
	}
	return add_found(l, path, lib_dir, text, len, rc, errno);
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
			char **n = plm_realloc(*names, cap * sizeof(*n));
			if (n == NULL) {
				rc = PLM_ENOMEM;
				break;
			}
			*names = n;
		}
		(*names)[*count] = plm_strdup(ent->d_name);
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
		plm_free(names[i]);
	}
	plm_free(names);
}

/* a, b and c as one string (a directory, a separator, a name): without
 * printf, which cost more than the rest of finding a policy. */
static char *join(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = plm_malloc(la + lb + lc + 1);
	if (s != NULL) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb);
		memcpy(s + la + lb, c, lc + 1);
	}
	return s;
}

/* Finds the policies under dir; builtin when dir is the built-in
 * catalogue's root. */
static int scan_dir(struct found_list *l, const char *dir, const char *lib_dir,
	int depth, bool builtin)
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
		char *path = join(dir, "/", name);
		if (path == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		int added = 1;
		if (ends_with(name, ".lua")) {
			added = add_if_policy(l, path, lib_dir, NULL);
		}
		if (added == 1) {
			/* A folder with a policy.lua, or one to search. */
			char *policy = join(path, "/", "policy.lua");
			added = policy != NULL
				? add_if_policy(l, policy, lib_dir,
					  builtin && depth == 0 ? name : NULL)
				: PLM_ENOMEM;
			plm_free(policy);
		}
		if (added == 1 && depth < MAX_POLICY_DEPTH && is_dir(path)) {
			added = scan_dir(l, path, lib_dir, depth + 1, builtin);
		}
		rc = added == 1 ? 0 : added;
		plm_free(path);
	}
cleanup:
	free_names(names, count);
	return rc;
}

const char *plm_engine_builtin_dir(const struct plm_engine_options *o)
{
	if (o != NULL && o->builtin_dir != NULL) {
		return o->builtin_dir;
	}
	const char *env = getenv("PLIMSOLL_POLICY_DIR");
	if (env != NULL && env[0] != '\0') {
		return env;
	}
	/* Installed: the data directory of the prefix it was built for.
	 * Not installed yet (run from the build tree): the source tree. */
	if (is_dir(PLM_POLICY_DIR) || !is_dir(PLM_SOURCE_POLICY_DIR)) {
		return PLM_POLICY_DIR;
	}
	return PLM_SOURCE_POLICY_DIR;
}

/* The lib/ directory beside a policy root, or NULL when there is none. */
static const char *lib_dir_of(struct plm_arena *a, const char *root)
{
	char *lib = plm_arena_printf(a, "%s/lib", root);
	return lib != NULL && is_dir(lib) ? lib : NULL;
}

/* The policies of one directory, given or built in; `missing` says why a
 * directory that is not there is an error. */
static int add_dir(struct found_list *l, struct plm_arena *a, const char *dir,
	bool builtin, const char *missing, char **error)
{
	if (!is_dir(dir)) {
		*error = plm_engine_strdupf("%s: %s", dir, missing);
		return PLM_EIO;
	}
	int rc = scan_dir(l, dir, lib_dir_of(a, dir), 0, builtin);
	if (rc != 0) {
		*error = plm_engine_strdupf("%s: cannot list policies", dir);
	}
	return rc;
}

/* Why a policy file could not be read, as an error. */
static int read_error(const struct found *f, char **error)
{
	int rc = f->read_rc;
	*error = plm_engine_strdupf("%s: cannot read policy: %s", f->path,
		rc == PLM_ELIMIT           ? "larger than 1 MiB"
			: rc == PLM_ENOMEM ? "out of memory"
					   : strerror(f->read_errno));
	return PLM_EIO;
}

/* The metadata read at build time, for a built-in policy unchanged. */
static void use_builtin(struct plm_policy *p,
	const struct plm_builtin_metadata *m)
{
	p->info = m->info;
	p->project = m->project;
	p->settings = m->settings;
	p->setting_count = m->setting_count;
	p->needs = m->needs;
}

/* Reads the policy's metadata by running its chunk, in *host (created
 * at the first policy that needs it). */
static int read_metadata(struct plm_lua **host,
	const struct plm_lua_limits *lim, struct plm_arena *arena,
	const struct found *f, struct plm_policy *p, char **error)
{
	if (*host == NULL && plm_lua_create(host) != 0) {
		*error = plm_engine_strdupf("cannot create a Lua state");
		return PLM_ENOMEM;
	}
	struct plm_lua_failure fail;
	struct plm_lua_metadata meta;
	enum plm_lua_status st = plm_lua_read_metadata(*host, &p->chunk, lim,
		arena, &meta, &fail);
	if (st != PLM_LUA_OK) {
		char *msg = plm_engine_full_location(fail.message, f->path);
		*error = plm_engine_strdupf("%s: invalid policy: %s", f->path,
			msg != NULL ? msg : fail.message);
		plm_free(msg);
		return PLM_EPOLICY;
	}
	p->info = meta.info;
	p->chunk.bytecode = meta.bytecode;
	p->chunk.bytecode_len = meta.bytecode_len;
	p->project = meta.project;
	p->settings = meta.settings;
	p->setting_count = meta.setting_count;
	p->needs = meta.needs;
	return 0;
}

static int load_one(struct plm_lua **host, const struct plm_lua_limits *lim,
	struct plm_arena *arena, const struct found *f, struct plm_policy *p,
	char **error)
{
	if (f->read_rc != 0) {
		return read_error(f, error);
	}
	const char *text = f->text;
	size_t len = f->len;
	memset(p, 0, sizeof(*p));
	size_t path_len = strlen(f->path);
	char *chunkname = plm_arena_take(arena, path_len + 2);
	if (chunkname != NULL) {
		chunkname[0] = '@';
		memcpy(chunkname + 1, f->path, path_len + 1);
	}
	p->chunk.chunkname = chunkname;
	p->chunk.text_len = len;
	p->chunk.lib_dir = f->lib_dir;
	p->chunk.reuse = f->builtin;
	p->builtin = f->builtin;
	const struct plm_builtin_metadata *meta = NULL;
	if (f->builtin && p->chunk.chunkname != NULL) {
		builtin_dump(p, f->path, text, len, f->unchanged, &meta);
	}
	/* The text of a policy compiled at build time is not kept: it is
	 * read again only if this Lua refuses the dump. */
	if (p->chunk.precompiled == NULL) {
		p->chunk.text = plm_arena_strndup(arena, text, len);
	}
	const char *source_path = plm_arena_strdup(arena, f->path);
	if (source_path == NULL || p->chunk.chunkname == NULL ||
		(p->chunk.precompiled == NULL && p->chunk.text == NULL)) {
		*error = plm_engine_strdupf("%s: out of memory", f->path);
		return PLM_ENOMEM;
	}
	if (meta != NULL) {
		use_builtin(p, meta);
	} else {
		int rc = read_metadata(host, lim, arena, f, p, error);
		if (rc != 0) {
			return rc;
		}
	}
	p->info.source_path = source_path;
	p->kinds = 0;
	for (const char *const *k = p->info.applies_to; *k; k++) {
		p->kinds |= 1u << plm_kind_parse(*k);
	}
	return 0;
}

/* The ids loaded so far, by hash: slots hold a policy's index + 1, or 0.
 * Returns the index of an earlier policy with policies[i]'s id, or i
 * itself after adding it. */
static size_t seen_id(size_t *slots, size_t mask,
	const struct plm_policy *policies, size_t i)
{
	const char *id = policies[i].info.id;
	uint64_t h = plm_fnv1a(PLM_FNV1A_INIT, id, strlen(id));
	for (size_t at = (size_t)h & mask;; at = (at + 1) & mask) {
		if (slots[at] == 0) {
			slots[at] = i + 1;
			return i;
		}
		if (strcmp(policies[slots[at] - 1].info.id, id) == 0) {
			return slots[at] - 1;
		}
	}
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
		rc = add_dir(&found, arena, plm_engine_builtin_dir(o), true,
			"built-in policies not found (install plimsoll, or use "
			"--no-builtin)",
			error);
		if (rc != 0) {
			goto cleanup;
		}
		for (size_t i = 0; i < found.count; i++) {
			found.items[i].builtin = true;
		}
	}
	for (size_t i = 0; i < o->policy_dir_count; i++) {
		rc = add_dir(&found, arena, o->policy_dirs[i], false,
			"--policy-dir is not a readable directory", error);
		if (rc != 0) {
			goto cleanup;
		}
	}
	for (size_t i = 0; i < o->policy_file_count; i++) {
		const char *file = o->policy_files[i];
		if (!is_file(file)) {
			*error = plm_engine_strdupf("%s: --policy is not a readable "
						    "file",
				file);
			rc = PLM_EIO;
			goto cleanup;
		}
		char *dir = plm_strdup(file);
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
		char *text = NULL;
		size_t len = 0;
		int read_rc = plm_file_read(file, PLM_MAX_POLICY_SIZE, &text,
			&len);
		int read_errno = errno;
		rc = add_found(&found, file, lib_dir_of(arena, root), text, len,
			read_rc, read_errno);
		plm_free(dir);
		if (rc != 0) {
			goto cleanup;
		}
	}

	policies = plm_arena_alloc(arena,
		(found.count ? found.count : 1) * sizeof(*policies));
	size_t id_mask = 15;
	while (id_mask < 2 * found.count) {
		id_mask = id_mask * 2 + 1;
	}
	size_t *ids = plm_arena_alloc(arena, (id_mask + 1) * sizeof(*ids));
	if (policies == NULL || ids == NULL) {
		rc = PLM_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < found.count; i++) {
		rc = load_one(&host, limits, arena, &found.items[i],
			&policies[i], error);
		plm_free(found.items[i].text);
		found.items[i].text = NULL;
		if (rc != 0) {
			goto cleanup;
		}
		size_t j = seen_id(ids, id_mask, policies, i);
		if (j != i) {
			*error = plm_engine_strdupf("%s: duplicate policy id "
						    "'%s' (also in %s)",
				found.items[i].path, policies[i].info.id,
				policies[j].info.source_path);
			rc = PLM_EPOLICY;
			goto cleanup;
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
		plm_free(found.items[i].path);
		plm_free(found.items[i].text);
	}
	plm_free(found.items);
	return rc;
}

/*
 * lua/host.c - the sandbox: allocation funnel, instruction hook, allow-listed
 * globals, read-only libraries, require, and the protected entry point.
 *
 * What policies get: the base functions below (without dofile, loadfile,
 * load, collectgarbage, print, rawset), and read-only string, table, math
 * (without random) and utf8 tables. No io, os, debug, package, coroutine,
 * and never a binary chunk. pcall and xpcall are wrapped so that once a
 * limit is hit the error keeps propagating; setmetatable refuses __gc so
 * no code runs outside the run that created it. The string metatable is
 * protected and indexes a private copy of the string library, so changing
 * `string` (impossible anyway: it is read only) cannot leak into another
 * policy. The pattern functions, string.rep and table.move are our own
 * (pattern.c, guard.c): they charge their steps to the instruction budget,
 * which the hook cannot do inside C.
 */
#include "lua/internal.h"
#include "lua/pattern.h"
#include "lua/precompiled.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include <lualib.h>
#include "util/alloc.h"

const char plm_lua_key_module = 0;
const char plm_lua_key_node_mt = 0;
static const char key_env_mt = 0;      /* metatable of per-run environments */
static const char key_trusted = 0;     /* the helper library's environment */
static const char key_run_modules = 0; /* modules required in this run */
static const char key_chunks = 0;      /* compiled lib/ modules, by path */
static const char key_readonly_mt = 0; /* marks read-only proxies */

/* Largest lib/ module read from disk. */
#define MAX_MODULE_SIZE ((size_t)1024 * 1024)

extern const char plm_lua_helper_source[];
extern const size_t plm_lua_helper_source_len;

static struct plm_lua *host_of(lua_State *L)
{
	return *(struct plm_lua **)lua_getextraspace(L);
}

struct plm_lua *plm_lua_host(lua_State *L)
{
	return host_of(L);
}

lua_State *plm_lua_state(struct plm_lua *h)
{
	return h->L;
}

void plm_lua_set_user(struct plm_lua *h, void *user)
{
	h->user = user;
}

void *plm_lua_user(lua_State *L)
{
	return host_of(L)->user;
}

void plm_lua_set_lib_dir(struct plm_lua *h, const char *dir)
{
	h->lib_dir = dir;
}

void plm_lua_record_where(struct plm_lua *h, lua_State *L)
{
	lua_Debug ar;
	for (int level = 0; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(h->where, sizeof(h->where), "%s:%d",
				ar.short_src, ar.currentline);
			return;
		}
	}
}

#if defined(__SANITIZE_ADDRESS__)
#define USE_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_POOL 0
#endif
#endif
#ifndef USE_POOL
#define USE_POOL 1
#endif

struct plm_lua_pool_chunk {
	struct plm_lua_pool_chunk *next;
	_Alignas(max_align_t) char data[];
};

/* The size class of a small block (0-based), or -1 for a large one. */
static int size_class(size_t size)
{
	if (!USE_POOL || size == 0 ||
		size > PLM_LUA_POOL_GRAIN * PLM_LUA_POOL_CLASSES) {
		return -1;
	}
	return (int)((size - 1) / PLM_LUA_POOL_GRAIN);
}

static void *pool_take(struct plm_lua *h, int cls)
{
	void *p = h->free_list[cls];
	if (p != NULL) {
		h->free_list[cls] = *(void **)p;
		return p;
	}
	size_t size = (size_t)(cls + 1) * PLM_LUA_POOL_GRAIN;
	if (h->bump_left < size) {
		struct plm_lua_pool_chunk *c = plm_malloc(
			sizeof(*c) + PLM_LUA_POOL_CHUNK);
		if (c == NULL) {
			return NULL;
		}
		c->next = h->chunks;
		h->chunks = c;
		h->bump = c->data;
		h->bump_left = PLM_LUA_POOL_CHUNK;
	}
	p = h->bump;
	h->bump += size;
	h->bump_left -= size;
	return p;
}

static void pool_give(struct plm_lua *h, int cls, void *p)
{
	*(void **)p = h->free_list[cls];
	h->free_list[cls] = p;
}

/* A block too big for the pool, on the host's list of them: with the
 * pool's chunks, the list holds every byte the state has, so a host is
 * freed without lua_close walking each of its objects (6% of the
 * instructions of a scan of one small file). Nothing is lost by not
 * closing: the sandbox refuses __gc metamethods, so no finalizer is owed
 * a call. */
struct plm_lua_large {
	struct plm_lua_large *prev, *next;
	_Alignas(max_align_t) char data[];
};

static struct plm_lua_large *large_of(void *ptr)
{
	return (struct plm_lua_large *)(void *)((char *)ptr -
		offsetof(struct plm_lua_large, data));
}

static void large_link(struct plm_lua *h, struct plm_lua_large *b)
{
	b->prev = NULL;
	b->next = h->large;
	if (h->large != NULL) {
		h->large->prev = b;
	}
	h->large = b;
}

static void large_unlink(struct plm_lua *h, struct plm_lua_large *b)
{
	if (b->prev != NULL) {
		b->prev->next = b->next;
	} else {
		h->large = b->next;
	}
	if (b->next != NULL) {
		b->next->prev = b->prev;
	}
}

static void *large_alloc(struct plm_lua *h, size_t size)
{
	if (size > SIZE_MAX - sizeof(struct plm_lua_large)) {
		return NULL;
	}
	struct plm_lua_large *b = plm_malloc(sizeof(*b) + size);
	if (b == NULL) {
		return NULL;
	}
	large_link(h, b);
	return b->data;
}

static void large_free(struct plm_lua *h, void *ptr)
{
	if (ptr != NULL) {
		struct plm_lua_large *b = large_of(ptr);
		large_unlink(h, b);
		plm_free(b);
	}
}

static void *large_realloc(struct plm_lua *h, void *ptr, size_t size)
{
	if (ptr == NULL) {
		return large_alloc(h, size);
	}
	if (size > SIZE_MAX - sizeof(struct plm_lua_large)) {
		return NULL;
	}
	struct plm_lua_large *b = large_of(ptr);
	large_unlink(h, b);
	struct plm_lua_large *n = plm_realloc(b, sizeof(*n) + size);
	/* Failed, the block is as it was: back on the list. */
	large_link(h, n != NULL ? n : b);
	return n != NULL ? n->data : NULL;
}

/* Frees everything the state has: the pool's chunks and the large
 * blocks. */
static void pool_destroy(struct plm_lua *h)
{
	while (h->chunks != NULL) {
		struct plm_lua_pool_chunk *next = h->chunks->next;
		plm_free(h->chunks);
		h->chunks = next;
	}
	while (h->large != NULL) {
		struct plm_lua_large *next = h->large->next;
		plm_free(h->large);
		h->large = next;
	}
}

/* The one allocation funnel. Growth past the cap is refused while a run is
 * armed; Lua then collects garbage and retries once before raising a
 * memory error. Shrinking never fails. Lua always passes the true old size
 * of a block, which tells which pool (if any) it came from. */
static void *funnel(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct plm_lua *h = ud;
	size_t old = ptr != NULL ? osize : 0;
	int ocls = ptr != NULL ? size_class(osize) : -1;
	if (nsize == 0) {
		if (ocls >= 0) {
			pool_give(h, ocls, ptr);
		} else {
			large_free(h, ptr);
		}
		h->used -= old;
		return NULL;
	}
	if (nsize > old && h->cap != 0 &&
		(nsize - old > h->cap || h->used > h->cap - (nsize - old))) {
		if (h->L != NULL) {
			plm_lua_record_where(h, h->L);
		}
		return NULL;
	}
	int ncls = size_class(nsize);
	void *n;
	if (ptr != NULL && ocls == ncls) {
		n = ncls >= 0 ? ptr : large_realloc(h, ptr, nsize);
	} else if (ncls >= 0) {
		n = pool_take(h, ncls);
		if (n != NULL && ptr != NULL) {
			memcpy(n, ptr, old < nsize ? old : nsize);
			if (ocls >= 0) {
				pool_give(h, ocls, ptr);
			} else {
				large_free(h, ptr);
			}
		}
	} else if (ocls >= 0) {
		n = large_alloc(h, nsize);
		if (n != NULL) {
			memcpy(n, ptr, old < nsize ? old : nsize);
			pool_give(h, ocls, ptr);
		}
	} else {
		n = large_realloc(h, ptr, nsize);
	}
	if (n == NULL) {
		return NULL;
	}
	h->used = h->used - old + nsize;
	if (nsize > old && h->budget != 0) {
		/* Charged, not checked: an allocator must not raise. The next
		 * hook or guarded call does. */
		h->executed += (nsize - old) / PLM_LUA_BYTES_PER_STEP;
	}
	return n;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/* Once the budget is spent, raises on every call and, through the hook,
 * on every instruction, so code that catches the error cannot go on. */
void plm_lua_charge(lua_State *L, uint64_t n)
{
	struct plm_lua *h = host_of(L);
	if (h == NULL) {
		return;
	}
	if (h->abort == PLM_LUA_OK && atomic_load(&h->expired)) {
		h->abort = PLM_LUA_TIME;
		plm_lua_record_where(h, L);
	}
	if (h->abort == PLM_LUA_OK) {
		h->executed += n;
		if (h->budget == 0 || h->executed <= h->budget) {
			return;
		}
		h->abort = PLM_LUA_INSTRUCTIONS;
		plm_lua_record_where(h, L);
	}
	lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	if (h->abort == PLM_LUA_TIME) {
		lua_pushliteral(L, "time limit exceeded");
	} else {
		lua_pushliteral(L, "instruction limit exceeded");
	}
	lua_error(L);
}

void plm_lua_charge_memory(lua_State *L, size_t bytes)
{
	struct plm_lua *h = host_of(L);
	if (h == NULL || h->cap == 0) {
		return;
	}
	if (h->abort == PLM_LUA_OK && h->used <= h->cap &&
		bytes <= h->cap - h->used) {
		h->cap -= bytes;
		return;
	}
	if (h->abort == PLM_LUA_OK) {
		h->abort = PLM_LUA_MEMORY;
		plm_lua_record_where(h, L);
	}
	lua_pushliteral(L, "not enough memory");
	lua_error(L);
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The count hook: adds up instructions. The watchdog makes it run at the
 * next instruction once the deadline has passed; plm_lua_charge then
 * sees the expired flag. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	plm_lua_charge(L, PLM_LUA_HOOK_STEP);
}

/* pcall/xpcall results, except that a limit hit inside keeps propagating. */
static int finish_pcall(lua_State *L, int status, int extra)
{
	struct plm_lua *h = host_of(L);
	if (status == LUA_ERRMEM && h->cap != 0 && h->abort == PLM_LUA_OK) {
		h->abort = PLM_LUA_MEMORY;
	}
	if (h->abort != PLM_LUA_OK) {
		if (status == LUA_OK) {
			lua_pushliteral(L, "run aborted");
		}
		return lua_error(L);
	}
	if (status != LUA_OK) {
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - extra;
}

static int sandbox_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
	return finish_pcall(L, status, 0);
}

static int sandbox_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2);
	int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
	return finish_pcall(L, status, 2);
}

static int sandbox_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2,
		"nil or table");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		int gc = lua_rawget(L, 2);
		lua_pop(L, 1);
		if (gc != LUA_TNIL) {
			return luaL_error(L,
				"setmetatable: __gc metamethods are "
				"not allowed in policies");
		}
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
		return luaL_error(L, "cannot change a protected metatable");
	}
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

static int readonly_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to modify a read-only table");
}

/* Iterator over the hidden table in upvalue 1. */
static int readonly_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)) == 0) {
		return 0;
	}
	return 2;
}

static int readonly_pairs(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "__index");
	lua_pushcclosure(L, readonly_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int readonly_len(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "__index");
	lua_pushinteger(L, (lua_Integer)luaL_len(L, -1));
	return 1;
}

/* Replaces the table at idx (absolute) by a read-only proxy, recursively.
 * `seen` (absolute) maps tables to their proxies. */
static void freeze_at(lua_State *L, int idx, int seen)
{
	lua_pushvalue(L, idx);
	if (lua_rawget(L, seen) != LUA_TNIL) {
		lua_replace(L, idx);
		return;
	}
	lua_pop(L, 1);
	/* Freeze nested tables first, in place. */
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			int v = lua_gettop(L);
			freeze_at(L, v, seen);
			lua_pushvalue(L, -2);
			lua_pushvalue(L, v);
			lua_rawset(L, idx);
		}
		lua_pop(L, 1);
	}
	lua_createtable(L, 0, 0); /* proxy */
	lua_createtable(L, 0, 6); /* its metatable */
	lua_pushvalue(L, idx);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, readonly_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, readonly_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushcfunction(L, readonly_len);
	lua_setfield(L, -2, "__len");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_pushboolean(L, 1);
	lua_rawsetp(L, -2, &key_readonly_mt);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, idx);
	lua_pushvalue(L, -2);
	lua_rawset(L, seen);
	lua_replace(L, idx);
}

void plm_lua_freeze(lua_State *L)
{
	int idx = lua_gettop(L);
	lua_newtable(L);
	freeze_at(L, idx, idx + 1);
	lua_pop(L, 1);
}

void plm_lua_push_env(lua_State *L)
{
	lua_createtable(L, 0, 4);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_env_mt);
	lua_setmetatable(L, -2);
}

void plm_lua_set_env(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_setupvalue(L, idx, 1) == NULL) {
		lua_pop(L, 1);
	}
}

/* A module name is dot-separated words of [A-Za-z0-9_-]. */
static bool module_name_ok(const char *name)
{
	size_t word = 0;
	for (const char *p = name; *p != '\0'; p++) {
		char c = *p;
		if (c == '.') {
			if (word == 0) {
				return false;
			}
			word = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '-') {
			word++;
		} else {
			return false;
		}
	}
	return word > 0 && strlen(name) < 200;
}

/* Reads a module file into a malloc'd buffer; NULL with errno set. */
static char *read_module(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	char *buf = plm_malloc(MAX_MODULE_SIZE + 1);
	if (buf == NULL) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	size_t n = fread(buf, 1, MAX_MODULE_SIZE + 1, f);
	bool bad = ferror(f) != 0 || n > MAX_MODULE_SIZE;
	fclose(f);
	if (bad) {
		plm_free(buf);
		errno = n > MAX_MODULE_SIZE ? EFBIG : EIO;
		return NULL;
	}
	*len = n;
	return buf;
}

/* Pushes the compiled chunk of lib/<name>.lua, compiling it on first use.
 * Raises when it is missing or does not compile. */
static void push_module_chunk(lua_State *L, struct plm_lua *h, const char *name)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/", h->lib_dir);
	for (const char *p = name; *p != '\0' && n < (int)sizeof(path) - 5;
		p++) {
		path[n++] = *p == '.' ? '/' : *p;
	}
	snprintf(path + n, sizeof(path) - (size_t)n, ".lua");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_chunks);
	if (lua_getfield(L, -1, path) == LUA_TFUNCTION) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	size_t len = 0;
	char *text = read_module(path, &len);
	if (text == NULL) {
		lua_pushfstring(L, "module '%s' not found (%s: %s)", name, path,
			strerror(errno));
		lua_error(L);
	}
	char chunkname[4100];
	snprintf(chunkname, sizeof(chunkname), "@%s", path);
	int status = luaL_loadbufferx(L, text, len, chunkname, "t");
	plm_free(text);
	if (status != LUA_OK) {
		lua_error(L);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, path);
	lua_remove(L, -2);
}

/* require(name): the helper library ("plimsoll"), or a module from the
 * policy directory's lib/, run once per policy run in its own
 * environment. */
static int sandbox_require(lua_State *L)
{
	struct plm_lua *h = host_of(L);
	const char *name = luaL_checkstring(L, 1);
	if (strcmp(name, "plimsoll") == 0) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &plm_lua_key_module);
		return 1;
	}
	if (!module_name_ok(name)) {
		return luaL_error(L, "require: bad module name '%s'", name);
	}
	if (h->lib_dir == NULL) {
		return luaL_error(L,
			"require: module '%s' not found (only "
			"'plimsoll' and modules in the policy directory's lib/ "
			"can be required)",
			name);
	}
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_run_modules) != LUA_TTABLE) {
		/* The run's first module: its table is made now, not for
		 * every run (most require only the library). */
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key_run_modules);
	}
	int cache = lua_gettop(L);
	int t = lua_getfield(L, cache, name);
	if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
		return luaL_error(L, "require: module '%s' requires itself",
			name);
	}
	if (t != LUA_TNIL) {
		return 1;
	}
	lua_pop(L, 1);
	lua_pushboolean(L, 0);
	lua_setfield(L, cache, name);
	push_module_chunk(L, h, name);
	plm_lua_push_env(L);
	plm_lua_set_env(L, -2);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, cache, name);
	return 1;
}

static const char *const allowed_globals[] = {
	"assert",
	"error",
	"getmetatable",
	"ipairs",
	"next",
	"pairs",
	"rawequal",
	"rawget",
	"rawlen",
	"select",
	"tonumber",
	"tostring",
	"type",
	"_VERSION",
	NULL,
};

/* Copies t (at idx) without the listed keys.  [-0, +1, m] */
static void push_copy_without(lua_State *L, int idx, const char *const *drop)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		bool skip = false;
		if (lua_type(L, -2) == LUA_TSTRING) {
			for (const char *const *d = drop; *d != NULL; d++) {
				if (strcmp(lua_tostring(L, -2), *d) == 0) {
					skip = true;
				}
			}
		}
		if (skip) {
			lua_pop(L, 1);
			continue;
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	return;
}

/* The helper library's global reads with PLIMSOLL_STRICT_HELPERS set
 * (the tests' switch): a name the sandbox does not define raises, where
 * it would read nil, so a misspelt local or one out of scope shows.
 * Upvalue 1: the sandbox's globals. */
static int strict_global(lua_State *L)
{
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL) {
		return luaL_error(L,
			"the helper library read the global %s, "
			"which the sandbox does not define",
			luaL_tolstring(L, 2, NULL));
	}
	return 1;
}

/* Pushes the helper library's chunk: its build-time dump, or its text
 * when this Lua refuses the dump; a status of lua_load. */
static int load_helper(lua_State *L)
{
	const struct plm_precompiled *e = &plm_precompiled_helper;
	if (luaL_loadbufferx(L, (const char *)e->dump, e->dump_len, "=plimsoll",
		    "b") == LUA_OK) {
		return LUA_OK;
	}
	lua_pop(L, 1);
	return luaL_loadbufferx(L, plm_lua_helper_source,
		plm_lua_helper_source_len, "=plimsoll", "t");
}

/* Builds the sandbox; runs in protected mode. */
static int setup(lua_State *L)
{
	static const char *const no_string[] = {"dump", NULL};
	static const char *const no_math[] = {"random", "randomseed", NULL};
	static const char *const none[] = {NULL};

	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);        /* 1: _G */
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0); /* 2 */
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);  /* 3 */
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);  /* 4 */
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);  /* 5 */

	/* Library functions whose C loops can run long, replaced by ones
	 * that charge the budget, before any copy is made. */
	plm_lua_pattern_install(L, 2);
	plm_lua_guard_install(L, 2, 3, 5);

	/* The private string library behind the string metatable. */
	lua_pushnil(L);
	lua_setfield(L, 2, "dump");
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "protected");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	lua_newtable(L); /* 6: base */
	int base = lua_gettop(L);
	for (const char *const *g = allowed_globals; *g != NULL; g++) {
		lua_getfield(L, 1, *g);
		lua_setfield(L, base, *g);
	}
	lua_pushcfunction(L, sandbox_pcall);
	lua_setfield(L, base, "pcall");
	lua_pushcfunction(L, sandbox_xpcall);
	lua_setfield(L, base, "xpcall");
	lua_pushcfunction(L, sandbox_setmetatable);
	lua_setfield(L, base, "setmetatable");
	lua_pushcfunction(L, sandbox_require);
	lua_setfield(L, base, "require");
	push_copy_without(L, 2, no_string);
	plm_lua_freeze(L);
	lua_setfield(L, base, "string");
	push_copy_without(L, 3, none);
	plm_lua_freeze(L);
	lua_setfield(L, base, "table");
	push_copy_without(L, 4, no_math);
	plm_lua_freeze(L);
	lua_setfield(L, base, "math");
	push_copy_without(L, 5, none);
	plm_lua_freeze(L);
	lua_setfield(L, base, "utf8");

	lua_createtable(L, 0, 2); /* env metatable */
	lua_pushvalue(L, base);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_env_mt);

	/* The helper library's environment: the sandbox plus the real
	 * libraries (never handed to policies). */
	lua_createtable(L, 0, 8);
	int trusted = lua_gettop(L);
	lua_pushvalue(L, 2);
	lua_setfield(L, trusted, "string");
	lua_pushvalue(L, 3);
	lua_setfield(L, trusted, "table");
	lua_pushvalue(L, 4);
	lua_setfield(L, trusted, "math");
	lua_pushvalue(L, 5);
	lua_setfield(L, trusted, "utf8");
	lua_createtable(L, 0, 1);
	lua_pushvalue(L, base);
	if (getenv("PLIMSOLL_STRICT_HELPERS") != NULL) {
		lua_pushcclosure(L, strict_global, 1);
	}
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, trusted);
	lua_pushvalue(L, trusted);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_trusted);

	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_chunks);

	/* The real globals table is never an environment: empty it. */
	lua_newtable(L);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);

	plm_lua_model_init(L);

	/* The helper library. */
	if (load_helper(L) != LUA_OK) {
		return lua_error(L);
	}
	lua_pushvalue(L, trusted);
	plm_lua_set_env(L, -2);
	plm_lua_push_native(L);
	lua_call(L, 1, 1);
	luaL_checktype(L, -1, LUA_TTABLE);
	plm_lua_freeze(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &plm_lua_key_module);
	return 0;
}

int plm_lua_create(struct plm_lua **out)
{
	*out = NULL;
	struct plm_lua *h = plm_calloc(1, sizeof(*h));
	if (h == NULL) {
		return PLM_ENOMEM;
	}
	if (plm_lua_watchdog_join(count_hook) != 0) {
		plm_free(h);
		return PLM_ENOMEM;
	}
	lua_State *L = lua_newstate(funnel, h);
	if (L == NULL) {
		plm_lua_watchdog_leave();
		pool_destroy(h);
		plm_free(h);
		return PLM_ENOMEM;
	}
	*(struct plm_lua **)lua_getextraspace(L) = h;
	/* The generational collector, with Lua's own parameters: a policy
	 * run's garbage dies young (the proxies, memo tables and strings of
	 * one document), while the library, the policies' functions and
	 * their kept tables live as long as the state; a minor collection
	 * leaves those alone where an incremental cycle marks and sweeps
	 * them all. 4 to 5% less CPU over the corpus, same peak memory. */
	lua_gc(L, LUA_GCGEN, 0, 0);
	lua_pushcfunction(L, setup);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
		plm_lua_watchdog_leave();
		pool_destroy(h);
		plm_free(h);
		return PLM_ENOMEM;
	}
	h->L = L;
	lua_sethook(L, count_hook, LUA_MASKCOUNT, PLM_LUA_HOOK_STEP);
	*out = h;
	return 0;
}

void plm_lua_destroy(struct plm_lua *h)
{
	if (h == NULL) {
		return;
	}
	/* Not lua_close: pool_destroy frees every block the state has. */
	plm_lua_watchdog_leave();
	pool_destroy(h);
	plm_free(h);
}

/* The message handler: makes sure the message names a Lua location. */
static int message_handler(lua_State *L)
{
	struct plm_lua *h = host_of(L);
	const char *msg = lua_tostring(L, 1);
	if (msg == NULL) {
		msg = lua_pushfstring(L, "(error object is a %s value)",
			luaL_typename(L, 1));
	}
	h->where[0] = '\0';
	plm_lua_record_where(h, L);
	size_t wl = strcspn(h->where, ":");
	if (h->where[0] != '\0' && strncmp(msg, h->where, wl) != 0) {
		lua_pushfstring(L, "%s: %s", h->where, msg);
	} else {
		lua_pushstring(L, msg);
	}
	return 1;
}

/* The protected entry: forgets the previous run's modules (no state crosses
 * runs; setting a key to nil allocates nothing), then calls fn(ud).
 * Arguments: fn, ud. */
static int run_entry(lua_State *L)
{
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_run_modules);
	lua_settop(L, 2);
	lua_call(L, 1, 0);
	return 0;
}

uint64_t plm_lua_last_executed(const struct plm_lua *h)
{
	return h->executed;
}

enum plm_lua_status plm_lua_run(struct plm_lua *h, lua_CFunction fn, void *ud,
	const struct plm_lua_limits *limits, struct plm_lua_failure *fail)
{
	lua_State *L = h->L;
	int top = lua_gettop(L);
	fail->status = PLM_LUA_OK;
	fail->message[0] = '\0';
	/* Light C functions and light userdata: pushing them allocates
	 * nothing, so everything that can raise happens inside the pcall. */
	lua_pushcfunction(L, message_handler);
	lua_pushcfunction(L, run_entry);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);

	h->abort = PLM_LUA_OK;
	h->where[0] = '\0';
	h->executed = 0;
	h->budget = limits->instructions;
	h->deadline = limits->seconds > 0
		? monotonic_ns() + (int64_t)(limits->seconds * 1e9)
		: 0;
	h->cap = limits->memory != 0 ? h->used + limits->memory : 0;
	if (limits->uncounted) {
		lua_sethook(L, NULL, 0, 0);
	} else {
		lua_sethook(L, count_hook, LUA_MASKCOUNT, PLM_LUA_HOOK_STEP);
	}
	plm_lua_watchdog_arm(h);
	int status = lua_pcall(L, 2, 0, top + 1);
	/* After disarm the watchdog no longer touches L: the hook it may
	 * have set is replaced below. */
	plm_lua_watchdog_disarm(h);
	h->cap = 0;
	h->budget = 0;
	h->deadline = 0;
	lua_sethook(L, count_hook, LUA_MASKCOUNT, PLM_LUA_HOOK_STEP);

	enum plm_lua_status result = PLM_LUA_OK;
	if (h->abort == PLM_LUA_INSTRUCTIONS) {
		result = PLM_LUA_INSTRUCTIONS;
		snprintf(fail->message, sizeof(fail->message),
			"%s%sinstruction limit exceeded (%llu instructions)",
			h->where, h->where[0] ? ": " : "",
			(unsigned long long)limits->instructions);
	} else if (h->abort == PLM_LUA_TIME) {
		result = PLM_LUA_TIME;
		snprintf(fail->message, sizeof(fail->message),
			"%s%stime limit exceeded (%g s)", h->where,
			h->where[0] ? ": " : "", limits->seconds);
	} else if (h->abort == PLM_LUA_MEMORY || status == LUA_ERRMEM) {
		result = PLM_LUA_MEMORY;
		snprintf(fail->message, sizeof(fail->message),
			"%s%smemory limit exceeded (%zu MiB)", h->where,
			h->where[0] ? ": " : "",
			limits->memory / (1024 * 1024));
	} else if (status != LUA_OK) {
		result = PLM_LUA_ERROR;
		const char *msg = lua_tostring(L, -1);
		snprintf(fail->message, sizeof(fail->message), "%s",
			msg != NULL ? msg : "unknown error");
	}
	h->abort = PLM_LUA_OK;
	fail->status = result;
	lua_settop(L, top);
	if (result != PLM_LUA_OK) {
		lua_gc(L, LUA_GCCOLLECT);
	}
	return result;
}

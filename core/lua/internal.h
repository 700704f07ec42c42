/*
 * lua/internal.h - the host's fields, shared by host.c, model.c and
 * watchdog.c only.
 */
#ifndef PLM_LUA_INTERNAL_H
#define PLM_LUA_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include "lua/host.h"
#include "model/document.h"

/* Small blocks (most of what Lua allocates) come from per-host free lists
 * by size class; larger ones from malloc. Sanitizer builds use malloc for
 * everything so they keep seeing each block. */
#define PLM_LUA_POOL_GRAIN 16
#define PLM_LUA_POOL_CLASSES 16 /* blocks up to 256 bytes */
#define PLM_LUA_POOL_CHUNK ((size_t)64 * 1024)

struct plm_lua_pool_chunk;

struct plm_lua {
	lua_State *L;
	void *free_list[PLM_LUA_POOL_CLASSES];
	struct plm_lua_pool_chunk *chunks;
	struct plm_lua_large *large; /* every block too big for the pool */
	char *bump;                  /* unused tail of the newest chunk */
	size_t bump_left;
	size_t used;     /* bytes allocated through the funnel */
	size_t cap;      /* refuse growth past this while armed; 0: none */
	uint64_t budget; /* instructions for this run; 0: none */
	uint64_t executed;
	int64_t deadline;           /* CLOCK_MONOTONIC nanoseconds; 0: none */
	atomic_int expired;         /* set by the watchdog once past deadline */
	struct plm_lua *watch_next; /* the watchdog's list of armed runs */
	enum plm_lua_status abort;  /* set once a limit is hit in this run */
	char where[256];            /* Lua location when a limit was hit */
	const char *lib_dir;
	void *user;
	/* The document bound for the runs in progress. */
	const struct plm_doc *doc;
	uint64_t generation; /* bumped per bound document */
	/* lua/model.c: the node proxies' metatable (to tell a proxy without
	 * a registry look-up), and the registry reference of the table of
	 * proxies made for generation cache_generation (0: none yet). */
	const void *node_mt;
	int cache_ref;
	uint64_t cache_generation;
};

/* The watchdog (watchdog.c): a host joins it when created and leaves it
 * when destroyed; a run with a deadline is armed for its length. Past the
 * deadline the watchdog sets h->expired and sets `hook` to run at the next
 * instruction. join returns 0 or PLM_ENOMEM. */
int plm_lua_watchdog_join(lua_Hook hook);
void plm_lua_watchdog_leave(void);
void plm_lua_watchdog_arm(struct plm_lua *h);
void plm_lua_watchdog_disarm(struct plm_lua *h);

/* Registry keys (addresses of constants, never written). */
extern const char plm_lua_key_module;  /* the frozen helper module */
extern const char plm_lua_key_node_mt; /* metatable of node proxies */

/* Records the innermost Lua location (chunk:line) of L into h->where. */
void plm_lua_record_where(struct plm_lua *h, lua_State *L);

/* The table of native helpers the helper library receives.  [-0, +1, m] */
void plm_lua_push_native(lua_State *L);
/* Natives of a checker's run (checker.c): native.setting(name) and
 * native.comment(line), native.comments(). */
int plm_lua_native_setting(lua_State *L);
int plm_lua_native_comment(lua_State *L);
int plm_lua_native_comments(lua_State *L);
/* native.sharing() (checker.c): how the running policy gets the results
 * the helper library shares between policies. */
int plm_lua_native_sharing(lua_State *L);
/* native.edit_set(record, keys, value) (edit.c). */
int plm_lua_native_edit_set(lua_State *L);
/* native.pipe_offsets(text) (shell_scan.c). */
int plm_lua_native_pipe_offsets(lua_State *L);
/* Creates the node proxy metatable in the registry.  [-0, +0, m] */
void plm_lua_model_init(lua_State *L);

/* Pushes c's compiled chunk: its build-time dump loaded under its chunk
 * name, else its run-time dump, else its text parsed (*parsed set then).
 * A status of lua_load, the error message pushed on failure
 * (lua/precompiled.c). */
struct plm_lua_chunk;
int plm_lua_load_chunk(lua_State *L, const struct plm_lua_chunk *c,
	bool *parsed);

#endif

/*
 * lua/internal.h - the host's fields, shared by host.c and model.c only.
 */
#ifndef PLM_LUA_INTERNAL_H
#define PLM_LUA_INTERNAL_H

#include <stdbool.h>
#include "lua/host.h"
#include "model/document.h"

struct plm_lua {
	lua_State *L;
	size_t used;            /* bytes allocated through the funnel */
	size_t cap;             /* refuse growth past this while armed; 0: none */
	uint64_t budget;        /* instructions for this run; 0: none */
	uint64_t executed;
	enum plm_lua_status abort; /* set once a limit is hit in this run */
	char where[256];        /* Lua location when a limit was hit */
	const char *lib_dir;
	void *user;
	/* The document bound for the runs in progress. */
	const struct plm_doc *doc;
	uint64_t generation;    /* bumped per bound document */
};

/* Registry keys (addresses of constants, never written). */
extern const char plm_lua_key_module;   /* the frozen helper module */
extern const char plm_lua_key_node_mt;  /* metatable of node proxies */

/* Records the innermost Lua location (chunk:line) of L into h->where. */
void plm_lua_record_where(struct plm_lua *h, lua_State *L);

/* The table of native helpers the helper library receives.  [-0, +1, m] */
void plm_lua_push_native(lua_State *L);
/* Creates the node proxy metatable in the registry.  [-0, +0, m] */
void plm_lua_model_init(lua_State *L);

#endif

/*
 * lua/host.h - one sandboxed Lua state: the allocation funnel with a cap,
 * the instruction budget, the allow-listed globals, `require` for the
 * helper library and a policy directory's lib/, and one protected entry
 * point through which every call into Lua goes.
 *
 * A host is used by one thread at a time. Nothing in it is global: several
 * hosts run at once on different threads.
 */
#ifndef PLM_LUA_HOST_H
#define PLM_LUA_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>
#include "plimsoll/error.h"
#include "lua/checker.h"

/* Bytes a run allocates that count as one instruction: a run that builds
 * big strings over and over (`s .. "x"` on a 30 MB `s`) spends its budget
 * on them, not only on the few instructions that ask for them. */
#define PLM_LUA_BYTES_PER_STEP 64
/* Instructions between two checks of the budget. */
#define PLM_LUA_HOOK_STEP 1000

/* The host's state, and the host of a state (from its extra space). */
lua_State *plm_lua_state(struct plm_lua *h);
struct plm_lua *plm_lua_host(lua_State *L);

/* The engine's context for the run in progress (NULL outside runs); C
 * functions registered by the engine read it back with plm_lua_user(). */
void plm_lua_set_user(struct plm_lua *h, void *user);
void *plm_lua_user(lua_State *L);
/* The directory whose modules `require` may load (a policy dir's lib/), or
 * NULL for none. Borrowed: must outlive the runs that use it. */
void plm_lua_set_lib_dir(struct plm_lua *h, const char *dir);

/* Pushes a fresh global environment for one run of untrusted code: the
 * allow-listed globals, read only, with writes kept in the new table.
 * [-0, +1, m]. */
void plm_lua_push_env(lua_State *L);
/* Sets the _ENV upvalue of the function at idx to the table on top of the
 * stack, which is popped.  [-1, +0, -]. */
void plm_lua_set_env(lua_State *L, int idx);
/* Wraps the table at the top of the stack in a read-only proxy (nested
 * tables too) and replaces it with the proxy.  [-1, +1, m]. */
void plm_lua_freeze(lua_State *L);

/* Calls fn(L) with one light userdata argument `ud` in protected mode with
 * the limits armed: the memory cap counts from the state's size at the
 * start; the instruction budget is re-armed so no pcall inside can swallow
 * it. Forgets the modules a previous run required. Returns PLM_LUA_OK or a
 * failure described in *fail. The stack is left as it was. */
/* Counts bytes kept outside the state for the run in progress (copies of
 * what a policy reported) against its memory limit; raises a memory error
 * past it. Outside a run, or with no limit, does nothing.  [-0, +0, v] */
void plm_lua_charge_memory(lua_State *L, size_t bytes);

/* The instructions the last run was charged (VM instructions and the
 * charges of library loops and allocations). */
uint64_t plm_lua_last_executed(const struct plm_lua *h);

enum plm_lua_status plm_lua_run(struct plm_lua *h, lua_CFunction fn, void *ud,
	const struct plm_lua_limits *limits, struct plm_lua_failure *fail);

#endif

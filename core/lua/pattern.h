/*
 * lua/pattern.h - library functions that run long loops in C, replaced by
 * versions that charge their steps to the run's instruction budget: the
 * pattern functions (pattern.c) and the other guarded loops (guard.c).
 * Internal to core/lua.
 */
#ifndef PLM_LUA_PATTERN_H
#define PLM_LUA_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

/* Steps a meter gathers before it charges them to the budget. */
#define PLM_LUA_METER_BATCH 1024

/* Counts the steps of one library call; one step counts as one VM
 * instruction. */
struct plm_lua_meter {
	lua_State *L;
	size_t steps;
};

/* Adds n to the run's executed instructions; once the budget is spent,
 * marks the run aborted, records the Lua location and raises "instruction
 * limit exceeded", as the count hook does. No budget (no host, or outside
 * a run): does nothing.  [-0, +0, v] */
void plm_lua_charge(lua_State *L, uint64_t n);

/* Adds n steps; charges them once a batch is full.  [-0, +0, v] */
static inline void plm_lua_meter_add(struct plm_lua_meter *m, size_t n)
{
	m->steps += n;
	if (m->steps >= PLM_LUA_METER_BATCH) {
		size_t steps = m->steps;
		m->steps = 0;
		plm_lua_charge(m->L, steps);
	}
}

/* Charges what is left in the meter.  [-0, +0, v] */
static inline void plm_lua_meter_settle(struct plm_lua_meter *m)
{
	size_t steps = m->steps;
	m->steps = 0;
	plm_lua_charge(m->L, steps);
}

/* Sets find, match, gmatch and gsub in the string library table at
 * string_lib.  [-0, +0, m] */
void plm_lua_pattern_install(lua_State *L, int string_lib);

/* Sets the guarded rep in the string library at string_lib, move,
 * insert, remove, concat and sort in the table library at table_lib, and
 * len, offset and codepoint in the utf8 library at utf8_lib.
 * [-0, +0, m] */
void plm_lua_guard_install(lua_State *L, int string_lib, int table_lib,
	int utf8_lib);

#endif

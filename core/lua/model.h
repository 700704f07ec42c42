/*
 * lua/model.h - the read-only model binding: maps and sequences are
 * userdata proxies (__index, __len, __pairs), scalars plain Lua values.
 *
 * A document is bound for the runs that check it; proxies made for one
 * document refuse to be used once another is bound.
 */
#ifndef PLM_LUA_MODEL_H
#define PLM_LUA_MODEL_H

#include <stdbool.h>
#include <lua.h>
#include "lua/host.h"
#include "model/document.h"

/* Binds doc for the following runs (borrowed until the next bind or
 * plm_lua_unbind_doc). Raises on memory errors: call from inside a run or
 * let the caller's protected call catch it. */
void plm_lua_bind_doc(struct plm_lua *h, const struct plm_doc *doc);
/* Forgets the bound document; its proxies become stale. */
void plm_lua_unbind_doc(struct plm_lua *h);

/* Pushes the Lua value of a node: nil, boolean, integer, number, string,
 * or a proxy for a map or sequence.  [-0, +1, m] */
void plm_lua_push_node(lua_State *L, const struct plm_node *node);
/* Pushes a fresh `doc` table: kind, path, tree, containers, lines.
 * [-0, +1, m] */
void plm_lua_push_doc(lua_State *L);

/* The node of a proxy at idx, or NULL if it is not a (live) proxy. */
const struct plm_node *plm_lua_to_node(lua_State *L, int idx);

/* Where a finding on `node [, field]` lands: the node at idx (a proxy), the
 * optional field at idx+1 (a map key or a 1-based sequence index) whose
 * span is used; a missing field uses the node's own span. Returns true and
 * sets *span, *target (the field's node, NULL when absent). Raises when the
 * argument at idx is not a live proxy. */
void plm_lua_check_target(lua_State *L, int idx, bool has_field,
	struct plm_span *span, const struct plm_node **target);

#endif

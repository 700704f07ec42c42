/*
 * model/user.h - user specifications (`user[:group]`), shared by every front
 * end.
 */
#ifndef PLM_MODEL_USER_H
#define PLM_MODEL_USER_H

#include <stddef.h>
#include "plimsoll/error.h"
#include "model/node.h"

/* Parses `user[:group]` into a map {text, name, uid, group, gid, root}
 * (docs/model.md): text as given (null when text is NULL: unset); name and
 * group as written (strings or null); uid and gid integers when numeric, else
 * null; root true for uid 0 or name "root", false for another uid or name,
 * null when unset, empty or containing a variable reference ('$'). Every node
 * gets `span`. Returns 0 or PLM_ENOMEM; *out is in the arena. */
PLM_NODISCARD int plm_user_parse(struct plm_arena *arena, const char *text,
	size_t len, struct plm_span span, struct plm_node **out);

#endif

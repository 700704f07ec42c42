/*
 * util/path.h - file paths as text. No file system access: paths are
 * joined and tidied lexically, so a path shown to the user reads
 * `deploy/Dockerfile`, not `deploy/compose/../Dockerfile`.
 */
#ifndef PLM_UTIL_PATH_H
#define PLM_UTIL_PATH_H

#include "util/arena.h"

/* dir/rel, tidied: "." segments and empty segments dropped, "x/.." pairs
 * removed (leading ".." kept), "" becomes ".". rel is taken alone when it
 * is absolute or starts with "~"; dir may be "" or "." for the current
 * directory. The result lives in the arena; NULL when it is exhausted. */
char *plm_path_join(struct plm_arena *arena, const char *dir, const char *rel);

#endif

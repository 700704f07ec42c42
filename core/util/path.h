/*
 * util/path.h - file paths as text. plm_path_join asks nothing of the file
 * system: paths are joined and tidied lexically, so a path shown to the
 * user reads `deploy/Dockerfile`, not `deploy/compose/../Dockerfile`.
 * plm_path_resolve_inside is the one that does, to keep reads in a tree.
 */
#ifndef PLM_UTIL_PATH_H
#define PLM_UTIL_PATH_H

#include <stdbool.h>
#include "plimsoll/error.h"
#include "util/arena.h"

/* dir/rel, tidied: "." segments and empty segments dropped, "x/.." pairs
 * removed (leading ".." kept), "" becomes ".". rel is taken alone when it
 * is absolute or starts with "~"; dir may be "" or "." for the current
 * directory. The result lives in the arena; NULL when it is exhausted. */
char *plm_path_join(struct plm_arena *arena, const char *dir, const char *rel);

/* The directory part of path, as text: "." when path has no "/", "/" for a
 * file at the root. The result lives in the arena; NULL when it is
 * exhausted. */
char *plm_path_dir(struct plm_arena *arena, const char *path);

/* Resolves root and path through the file system (symlinks, "..") and
 * tells whether path names root itself or something under it. On success
 * *real is path resolved (malloc'd; the caller frees it): read that rather
 * than path, so that what was checked is what is read. Returns 0, PLM_EIO
 * when either cannot be resolved (errno says why: ENOENT for a missing
 * file) or PLM_ENOMEM. */
PLM_NODISCARD int plm_path_resolve_inside(const char *root, const char *path,
	bool *inside, char **real);

#endif

#include "util/path.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

/* Tidies s[0..len) into out (at least len + 2 bytes). */
static void tidy(const char *s, size_t len, char *out)
{
	bool absolute = len > 0 && s[0] == '/';
	size_t o = 0;
	/* Where the segments that ".." may remove begin. */
	size_t floor = 0;
	if (absolute) {
		out[o++] = '/';
		floor = 1;
	}
	size_t i = 0;
	while (i < len) {
		while (i < len && s[i] == '/') {
			i++;
		}
		size_t start = i;
		while (i < len && s[i] != '/') {
			i++;
		}
		size_t n = i - start;
		if (n == 0 || (n == 1 && s[start] == '.')) {
			continue;
		}
		if (n == 2 && s[start] == '.' && s[start + 1] == '.') {
			if (o > floor) {
				/* Drop the last segment. */
				while (o > floor && out[o - 1] != '/') {
					o--;
				}
				if (o > floor) {
					o--;
				}
				continue;
			}
			if (absolute) {
				continue; /* "/.." is "/" */
			}
			/* A leading "..": it stays, and nothing before it
			 * may be removed. */
			if (o > 0) {
				out[o++] = '/';
			}
			out[o++] = '.';
			out[o++] = '.';
			floor = o;
			continue;
		}
		if (o > 0 && out[o - 1] != '/') {
			out[o++] = '/';
		}
		memcpy(out + o, s + start, n);
		o += n;
	}
	if (o == 0) {
		out[o++] = '.';
	}
	out[o] = '\0';
}

char *plm_path_join(struct plm_arena *arena, const char *dir, const char *rel)
{
	if (rel[0] == '~') {
		return plm_arena_strdup(arena, rel);
	}
	size_t dlen = rel[0] == '/' ? 0 : strlen(dir);
	size_t rlen = strlen(rel);
	char *joined = plm_arena_alloc(arena, dlen + rlen + 2);
	char *out = plm_arena_alloc(arena, dlen + rlen + 4);
	if (joined == NULL || out == NULL) {
		return NULL;
	}
	memcpy(joined, dir, dlen);
	joined[dlen] = '/';
	memcpy(joined + dlen + 1, rel, rlen);
	size_t len = dlen + 1 + rlen;
	tidy(dlen ? joined : joined + 1, dlen ? len : rlen, out);
	return out;
}

char *plm_path_dir(struct plm_arena *arena, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL) {
		return plm_arena_strdup(arena, ".");
	}
	if (slash == path) {
		return plm_arena_strdup(arena, "/");
	}
	return plm_arena_strndup(arena, path, (size_t)(slash - path));
}

int plm_path_resolve_inside(const char *root, const char *path, bool *inside,
	char **real)
{
	*inside = false;
	*real = NULL;
	char *real_root = realpath(root, NULL);
	if (real_root == NULL) {
		return errno == ENOMEM ? PLM_ENOMEM : PLM_EIO;
	}
	char *real_path = realpath(path, NULL);
	if (real_path == NULL) {
		int err = errno;
		plm_free(real_root);
		errno = err;
		return err == ENOMEM ? PLM_ENOMEM : PLM_EIO;
	}
	size_t n = strlen(real_root);
	/* "/" is the only resolved root that ends with a slash */
	bool under = strcmp(real_root, "/") == 0 ||
		(strncmp(real_path, real_root, n) == 0 &&
			(real_path[n] == '\0' || real_path[n] == '/'));
	plm_free(real_root);
	*inside = under;
	*real = real_path;
	return 0;
}

/*
 * command/env_file.c - the variables of a `docker run --env-file`.
 *
 * The file is read as the Docker CLI reads one (opts.ParseEnvFile), not
 * as Compose's dotenv: a line `NAME=VALUE` sets NAME to VALUE as written
 * (no quotes removed, nothing interpolated, empty allowed), a line `NAME`
 * alone passes NAME from the host's environment at run time (its value
 * is unknown here), blank lines and lines starting with `#` are skipped,
 * leading whitespace is dropped. The CLI refuses a whole file for a name
 * with whitespace in it, no name, or bytes that are not UTF-8; here such
 * a line is a note and left out, and the rest is read.
 *
 * A relative path is looked for beside the file holding the command,
 * then from the scanned tree's root (a CI job runs there); the file is
 * read only when it resolves inside that root, as Compose's env_file.
 */
#include "command/internal.h"

#include <string.h>
#include <sys/stat.h>

#include "util/alloc.h"
#include "util/path.h"
#include "util/source.h"
#include "util/utf8.h"

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The index of the document's source shown as path, read for an earlier
 * command, or -1. */
static int source_of(const struct plm_doc *doc, const char *path)
{
	for (size_t i = 1; i < doc->source_count; i++) {
		if (strcmp(doc->sources[i]->path, path) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* Reads the file at path (checked to exist) if it is inside the root:
 * *index is its source, or -1 after a note at `at` when it is not read.
 * Returns 0 or PLM_ENOMEM. */
static int read_inside(struct command_ctx *c, const char *path,
	struct plm_span at, int *index)
{
	*index = source_of(c->doc, path);
	if (*index > 0) {
		return 0;
	}
	bool inside = false;
	char *real = NULL;
	int rc = plm_path_resolve_inside(c->root, path, &inside, &real);
	if (rc == PLM_ENOMEM) {
		return PLM_ENOMEM;
	}
	if (rc == 0 && !inside) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/file-outside-tree",
			at,
			"env file %s is outside the scanned tree (%s): it is "
			"not read, its variables are not in the model",
			path, c->root);
		plm_free(real);
		return 0;
	}
	struct plm_source *src = NULL;
	if (rc == 0) {
		rc = plm_source_read(real, path, PLM_COMMAND_MAX_ENV_FILE,
			&src);
	}
	plm_free(real);
	if (rc == PLM_ENOMEM) {
		return PLM_ENOMEM;
	}
	if (rc != 0) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/missing-env-file",
			at,
			"cannot read env file %s%s: its variables are not in "
			"the model",
			path,
			rc == PLM_ELIMIT
				? " (larger than PLM_COMMAND_MAX_ENV_FILE)"
				: "");
		return 0;
	}
	*index = plm_doc_add_source_take(c->doc, src);
	return *index < 0 ? PLM_ENOMEM : 0;
}

/* Where the file named rel is: the first candidate that exists (beside
 * the command's file, then under the root), or NULL after a note.
 * *oom set when the arena is exhausted. */
static const char *locate(struct command_ctx *c, const char *rel,
	struct plm_span at, bool *oom)
{
	const char *tried[2] = {NULL, NULL};
	size_t n = 0;
	*oom = false;
	if (rel[0] == '/') {
		tried[n++] = plm_path_join(c->arena, "", rel);
	} else {
		/* plm_path_join takes no NULL directory */
		if (c->dir != NULL) {
			tried[n++] = plm_path_join(c->arena, c->dir, rel);
		}
		if (c->root != NULL &&
			(c->dir == NULL || strcmp(c->root, c->dir) != 0)) {
			tried[n++] = plm_path_join(c->arena, c->root, rel);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (tried[i] == NULL) {
			*oom = true;
			return NULL;
		}
	}
	if (c->root == NULL) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/missing-env-file",
			at,
			"cannot read env file %s: the commands are in no file "
			"and no tree is scanned, its variables are not in the "
			"model",
			rel);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (exists(tried[i])) {
			return tried[i];
		}
	}
	if (n == 2) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/missing-env-file",
			at,
			"cannot read env file %s (nor %s): its variables are "
			"not in the model",
			tried[0], tried[1]);
	} else {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/missing-env-file",
			at,
			"cannot read env file %s: its variables are not in the "
			"model",
			tried[0]);
	}
	return NULL;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f' ||
		ch == '\r' || ch == '\n';
}

/* One line of the file: appended to vars unless blank, a comment or
 * refused (a note). Returns 0 or PLM_ENOMEM. */
static int env_line(struct command_ctx *c, const struct plm_source *src,
	int index, uint32_t line, struct plm_node *vars)
{
	size_t len;
	const char *p = plm_source_line(src, line, &len);
	uint32_t start = src->line_starts[line];
	struct plm_span span = {(uint32_t)index, start, start + (uint32_t)len};
	if (line == 0 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		len -= 3;
	}
	while (len > 0 && is_space(*p)) {
		p++;
		len--;
	}
	if (len == 0 || p[0] == '#') {
		return 0;
	}
	const char *eq = memchr(p, '=', len);
	size_t name_len = eq ? (size_t)(eq - p) : len;
	const char *problem = NULL;
	if (plm_utf8_check(p, len) != len || memchr(p, '\0', len) != NULL) {
		problem = "holds bytes that are not UTF-8";
	} else if (name_len == 0) {
		problem = "has no variable name";
	} else if (memchr(p, ' ', name_len) != NULL ||
		memchr(p, '\t', name_len) != NULL) {
		problem = "has whitespace in its variable name";
	}
	if (problem != NULL) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/env-file-line",
			span,
			"this line %s: docker run refuses the file, the line "
			"is left out of the model",
			problem);
		return 0;
	}
	struct plm_node *value = eq
		? plm_node_string(c->arena, span, eq + 1, len - name_len - 1)
		: plm_node_null(c->arena, span);
	if (value == NULL ||
		plm_node_append(c->arena, vars, p, name_len, span, value) !=
			0) {
		return PLM_ENOMEM;
	}
	return 0;
}

int plm_command_env_file(struct command_ctx *c, const struct plm_node *value,
	struct plm_node *vars)
{
	const char *rel = value->as.string.ptr;
	if (value->as.string.len == 0 ||
		memchr(rel, '\0', value->as.string.len) != NULL) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/missing-env-file",
			value->span, "%s",
			"cannot read an env file without a name: its variables "
			"are not in the model");
		return 0;
	}
	bool oom;
	const char *path = locate(c, rel, value->span, &oom);
	if (path == NULL) {
		return oom ? PLM_ENOMEM : 0;
	}
	int index;
	if (read_inside(c, path, value->span, &index) != 0) {
		return PLM_ENOMEM;
	}
	if (index < 0) {
		return 0;
	}
	const struct plm_source *src = c->doc->sources[index];
	for (uint32_t line = 0; line < src->line_count; line++) {
		int rc = env_line(c, src, index, line, vars);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

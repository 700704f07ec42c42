#include "discover/discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Folders that hold other people's code or tool state, never the project's
 * own configuration. */
static const char *const skipped_dirs[] = {
	".git", ".hg", ".svn", ".bzr", "node_modules", ".terraform",
	"__pycache__", ".venv", ".tox", ".idea", ".vscode", NULL,
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static bool has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_yaml_name(const char *name)
{
	return has_suffix_ci(name, ".yaml") || has_suffix_ci(name, ".yml");
}

enum plm_kind plm_discover_kind_by_name(const char *path, bool *is_yaml)
{
	const char *name = base_name(path);
	*is_yaml = false;
	if (has_suffix_ci(name, ".dockerignore")) {
		return PLM_KIND_UNKNOWN;
	}
	if (strcasecmp(name, "Dockerfile") == 0 ||
		strcasecmp(name, "Containerfile") == 0 ||
		has_prefix_ci(name, "Dockerfile.") ||
		has_prefix_ci(name, "Containerfile.") ||
		has_suffix_ci(name, ".Dockerfile") ||
		has_suffix_ci(name, ".Containerfile")) {
		return PLM_KIND_DOCKERFILE;
	}
	if (is_yaml_name(name)) {
		if (has_prefix_ci(name, "docker-compose") ||
			strcasecmp(name, "compose.yaml") == 0 ||
			strcasecmp(name, "compose.yml") == 0 ||
			has_prefix_ci(name, "compose.")) {
			return PLM_KIND_COMPOSE;
		}
		*is_yaml = true;
	}
	return PLM_KIND_UNKNOWN;
}

static int push_sized(struct plm_discover_list *list, const char *path,
	enum plm_kind kind, bool explicit, const char *problem, long long size)
{
	if (list->count == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 64;
		struct plm_discovered *n = realloc(list->items,
			ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		list->items = n;
		list->cap = ncap;
	}
	struct plm_discovered *d = &list->items[list->count];
	memset(d, 0, sizeof(*d));
	d->path = strdup(path);
	d->problem = problem ? strdup(problem) : NULL;
	if (d->path == NULL || (problem && d->problem == NULL)) {
		free(d->path);
		free(d->problem);
		return PLM_ENOMEM;
	}
	d->kind = kind;
	d->explicit = explicit;
	d->size = size;
	list->count++;
	return 0;
}

static int push(struct plm_discover_list *list, const char *path,
	enum plm_kind kind, bool explicit, const char *problem)
{
	return push_sized(list, path, kind, explicit, problem, 0);
}

/* The directories on the path from the walk's root, to catch loops through
 * followed symlinks. */
struct ancestors {
	dev_t dev[PLM_DISCOVER_MAX_DEPTH + 1];
	ino_t ino[PLM_DISCOVER_MAX_DEPTH + 1];
	int depth;
};

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, const struct plm_discover_options *o,
	struct ancestors *anc, struct plm_discover_list *list);

static int visit(const char *path, const char *name,
	const struct plm_discover_options *o, struct ancestors *anc,
	struct plm_discover_list *list)
{
	struct stat lst, st;
	if (lstat(path, &lst) != 0) {
		/* Vanished between readdir and now: nothing to scan. */
		return 0;
	}
	bool is_link = S_ISLNK(lst.st_mode);
	if (is_link && stat(path, &st) != 0) {
		bool looped = errno == ELOOP;
		bool link_yaml;
		enum plm_kind link_kind = plm_discover_kind_by_name(name,
			&link_yaml);
		/* A loop of links under a name we read is a broken file
		 * someone meant us to scan: say so. A dangling link is no
		 * file of ours. */
		if (looped && (link_kind != PLM_KIND_UNKNOWN || link_yaml)) {
			return push(list, path, link_kind, false,
				"symbolic link loop (too many levels of "
				"symbolic links); not read");
		}
		return 0;
	}
	if (!is_link) {
		st = lst;
	}
	if (S_ISDIR(st.st_mode)) {
		for (const char *const *s = skipped_dirs; *s; s++) {
			if (strcmp(name, *s) == 0) {
				return 0;
			}
		}
		if (is_link && !o->follow_symlinks) {
			return 0;
		}
		return walk(path, o, anc, list);
	}
	bool is_yaml;
	enum plm_kind by_name = plm_discover_kind_by_name(name, &is_yaml);
	if (!S_ISREG(st.st_mode)) {
		/* A FIFO, socket or device with a name we would read: opening
		 * it could block or never end, so say why it is passed over. */
		if (by_name != PLM_KIND_UNKNOWN || is_yaml) {
			return push(list, path, by_name, false,
				"not a regular file (a FIFO, socket or device); "
				"not read");
		}
		return 0;
	}
	/* --kind makes every file found of that kind, whatever its name. */
	enum plm_kind kind = o->kind;
	if (kind == PLM_KIND_UNKNOWN) {
		if (by_name == PLM_KIND_UNKNOWN && !is_yaml) {
			return 0;
		}
		kind = by_name;
	}
	return push_sized(list, path, kind, false, NULL, (long long)st.st_size);
}

static int walk(const char *dir, const struct plm_discover_options *o,
	struct ancestors *anc, struct plm_discover_list *list)
{
	char msg[512];
	struct stat st;
	if (stat(dir, &st) != 0) {
		snprintf(msg, sizeof(msg), "cannot read directory: %s",
			strerror(errno));
		return push(list, dir, PLM_KIND_UNKNOWN, true, msg);
	}
	for (int i = 0; i < anc->depth; i++) {
		if (anc->dev[i] == st.st_dev && anc->ino[i] == st.st_ino) {
			return push(list, dir, PLM_KIND_UNKNOWN, true,
				"symbolic link loop: this directory contains "
				"itself; not walked again");
		}
	}
	if (anc->depth >= PLM_DISCOVER_MAX_DEPTH) {
		snprintf(msg, sizeof(msg), "directory nesting deeper than %d "
			"levels; not walked", PLM_DISCOVER_MAX_DEPTH);
		return push(list, dir, PLM_KIND_UNKNOWN, true, msg);
	}
	DIR *d = opendir(dir);
	if (d == NULL) {
		snprintf(msg, sizeof(msg), "cannot read directory: %s",
			strerror(errno));
		return push(list, dir, PLM_KIND_UNKNOWN, true, msg);
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **n = realloc(names, ncap * sizeof(*n));
			if (n == NULL) {
				rc = PLM_ENOMEM;
				goto done;
			}
			names = n;
			cap = ncap;
		}
		names[count] = strdup(e->d_name);
		if (names[count] == NULL) {
			rc = PLM_ENOMEM;
			goto done;
		}
		count++;
	}
	qsort(names, count, sizeof(*names), compare_names);
	anc->dev[anc->depth] = st.st_dev;
	anc->ino[anc->depth] = st.st_ino;
	anc->depth++;
	size_t dlen = strlen(dir);
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	for (size_t i = 0; i < count && rc == 0; i++) {
		size_t len = dlen + 1 + strlen(names[i]) + 1;
		char *path = malloc(len);
		if (path == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		snprintf(path, len, "%s%s%s", dir, slash ? "" : "/", names[i]);
		/* "./x" reads better as "x". */
		const char *shown = strncmp(path, "./", 2) == 0 && strcmp(dir, ".") == 0
			? path + 2 : path;
		rc = visit(shown, names[i], o, anc, list);
		free(path);
	}
	anc->depth--;
done:
	for (size_t i = 0; i < count; i++) {
		free(names[i]);
	}
	free(names);
	closedir(d);
	return rc;
}

int plm_discover(const char *const *paths, size_t count,
	const struct plm_discover_options *o, struct plm_discover_list *list)
{
	for (size_t i = 0; i < count; i++) {
		const char *p = paths[i];
		int rc;
		struct stat st;
		if (strcmp(p, "-") == 0) {
			rc = push(list, p, o->kind, true, NULL);
		} else if (stat(p, &st) != 0) {
			char msg[512];
			snprintf(msg, sizeof(msg), "cannot read: %s",
				strerror(errno));
			rc = push(list, p, PLM_KIND_UNKNOWN, true, msg);
		} else if (S_ISDIR(st.st_mode)) {
			struct ancestors anc = {.depth = 0};
			rc = walk(p, o, &anc, list);
		} else {
			bool is_yaml;
			enum plm_kind kind = o->kind != PLM_KIND_UNKNOWN
				? o->kind : plm_discover_kind_by_name(p, &is_yaml);
			rc = push_sized(list, p, kind, true, NULL,
				S_ISREG(st.st_mode) ? (long long)st.st_size : 0);
		}
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

void plm_discover_list_finish(struct plm_discover_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].path);
		free(list->items[i].problem);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

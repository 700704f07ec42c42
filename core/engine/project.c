/*
 * engine/project.c - the units of a run: discovery of each path added,
 * in-memory buffers, and the grouping of Compose files into projects.
 */
#include "engine/project.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compose/compose.h"
#include "discover/discover.h"
#include "util/alloc.h"

struct plm_project {
	struct plm_project_options options;
	char *stdin_name;
	struct plm_unit *units;
	size_t count;
	size_t cap;
	bool planned;
};

static void unit_finish(struct plm_unit *u)
{
	plm_free(u->path);
	plm_free(u->shown);
	plm_free(u->problem);
	plm_free(u->bytes);
	for (size_t i = 0; i < u->override_count; i++) {
		plm_free(u->overrides[i]);
	}
	plm_free(u->overrides);
	plm_free(u->root);
	memset(u, 0, sizeof(*u));
}

/* A new zeroed unit at the end, or NULL when out of memory. */
static struct plm_unit *new_unit(struct plm_project *p)
{
	if (p->count == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct plm_unit *n = plm_realloc(p->units, ncap * sizeof(*n));
		if (n == NULL) {
			return NULL;
		}
		p->units = n;
		p->cap = ncap;
	}
	struct plm_unit *u = &p->units[p->count++];
	memset(u, 0, sizeof(*u));
	return u;
}

static char *dup_or_null(const char *s, bool *oom)
{
	if (s == NULL) {
		return NULL;
	}
	char *d = plm_strdup(s);
	*oom |= d == NULL;
	return d;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int plm_project_create(const struct plm_project_options *o,
	struct plm_project **out)
{
	*out = NULL;
	struct plm_project *p = plm_calloc(1, sizeof(*p));
	if (p == NULL) {
		return PLM_ENOMEM;
	}
	p->options = *o;
	bool oom = false;
	p->stdin_name = dup_or_null(o->stdin_name ? o->stdin_name : "<stdin>",
		&oom);
	p->options.stdin_name = p->stdin_name;
	p->options.compose_files = NULL;
	p->options.compose_file_count = 0;
	if (o->compose_file_count > 0) {
		/* -f a -f b: a is the unit, the rest merge into it. */
		struct plm_unit *u = new_unit(p);
		char **over = plm_calloc(o->compose_file_count, sizeof(*over));
		if (u == NULL || over == NULL) {
			plm_free(over);
			plm_project_destroy(p);
			return PLM_ENOMEM;
		}
		const char *first = o->compose_files[0];
		bool is_stdin = strcmp(first, "-") == 0;
		u->path = dup_or_null(first, &oom);
		u->shown = dup_or_null(is_stdin ? p->stdin_name : first, &oom);
		u->kind = o->kind != PLM_KIND_UNKNOWN ? o->kind
						      : PLM_KIND_COMPOSE;
		u->explicit = true;
		struct stat st;
		if (!is_stdin && stat(first, &st) == 0 && S_ISREG(st.st_mode)) {
			u->size = (long long)st.st_size;
		}
		u->overrides = over;
		for (size_t i = 1; i < o->compose_file_count; i++) {
			over[u->override_count++] =
				dup_or_null(o->compose_files[i], &oom);
		}
	}
	if (oom) {
		plm_project_destroy(p);
		return PLM_ENOMEM;
	}
	*out = p;
	return 0;
}

void plm_project_destroy(struct plm_project *p)
{
	if (p == NULL) {
		return;
	}
	for (size_t i = 0; i < p->count; i++) {
		unit_finish(&p->units[i]);
	}
	plm_free(p->units);
	plm_free(p->stdin_name);
	plm_free(p);
}

int plm_project_add_path(struct plm_project *p, const char *path)
{
	return plm_project_add_path_as(p, path, PLM_KIND_UNKNOWN);
}

static int add_path_known(struct plm_project *p, const char *path,
	enum plm_kind kind, const struct plm_discover_stat *named);

int plm_project_add_paths(struct plm_project *p, const char *const *paths,
	size_t count)
{
	struct plm_discover_stat *named = count > 1
		? plm_calloc(count, sizeof(*named))
		: NULL;
	if (named != NULL) {
		plm_discover_stat_all(paths, count, p->options.jobs, named);
	}
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		rc = add_path_known(p, paths[i], PLM_KIND_UNKNOWN,
			named != NULL ? &named[i] : NULL);
	}
	plm_free(named);
	return rc;
}

int plm_project_add_path_as(struct plm_project *p, const char *path,
	enum plm_kind kind)
{
	return add_path_known(p, path, kind, NULL);
}

/* plm_project_add_path_as, with path's stat() taken already (named) or
 * not (NULL). */
static int add_path_known(struct plm_project *p, const char *path,
	enum plm_kind kind, const struct plm_discover_stat *named)
{
	struct plm_discover_options dopt = {
		.follow_symlinks = p->options.follow_symlinks,
		.kind = kind != PLM_KIND_UNKNOWN ? kind : p->options.kind,
		.max_file_size = p->options.max_file_size,
		.filter_named = p->options.filter_named,
		.jobs = p->options.jobs,
		.named = named,
	};
	struct plm_discover_list list = {0};
	int rc = plm_discover(&path, 1, &dopt, &list);
	bool oom = false;
	for (size_t i = 0; rc == 0 && i < list.count; i++) {
		struct plm_discovered *d = &list.items[i];
		struct plm_unit *u = new_unit(p);
		if (u == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		bool is_stdin = strcmp(d->path, "-") == 0;
		u->path = d->path; /* taken */
		d->path = NULL;
		u->shown = dup_or_null(is_stdin ? p->stdin_name : u->path,
			&oom);
		u->kind = d->kind;
		if (is_stdin && u->kind == PLM_KIND_UNKNOWN) {
			bool is_yaml;
			u->kind = plm_discover_kind_by_name(p->stdin_name,
				&is_yaml);
		}
		u->explicit = d->explicit;
		u->problem = d->problem; /* taken */
		d->problem = NULL;
		u->skip_code = d->skip_code;
		u->size = d->size;
		u->identified = d->identified;
		u->dev = d->dev;
		u->ino = d->ino;
		u->root = d->walked ? dup_or_null(path, &oom) : NULL;
		if (oom) {
			rc = PLM_ENOMEM;
		}
	}
	plm_discover_list_finish(&list);
	return rc;
}

int plm_project_add_buffer(struct plm_project *p, const char *shown,
	const char *bytes, size_t len, enum plm_kind kind)
{
	struct plm_unit *u = new_unit(p);
	if (u == NULL) {
		return PLM_ENOMEM;
	}
	bool oom = false;
	u->shown = dup_or_null(shown, &oom);
	u->bytes = plm_malloc(len ? len : 1);
	if (oom || u->bytes == NULL) {
		unit_finish(u);
		p->count--;
		return PLM_ENOMEM;
	}
	memcpy(u->bytes, bytes, len);
	u->len = len;
	u->size = (long long)len;
	u->explicit = true;
	u->kind = kind != PLM_KIND_UNKNOWN ? kind : p->options.kind;
	if (u->kind == PLM_KIND_UNKNOWN) {
		bool is_yaml;
		u->kind = plm_discover_kind_by_name(shown, &is_yaml);
	}
	return 0;
}

/* "a/b/c" and "./a/b/c" name the same file; so do "x" and "./x". */
static const char *tidy(const char *path)
{
	while (strncmp(path, "./", 2) == 0) {
		path += 2;
	}
	return path;
}

static bool same_path(const char *a, const char *b)
{
	return strcmp(tidy(a), tidy(b)) == 0;
}

/* The unit index of a file unit at path, or count. */
static size_t find_unit(const struct plm_project *p, const char *path)
{
	for (size_t i = 0; i < p->count; i++) {
		const struct plm_unit *u = &p->units[i];
		if (u->path != NULL && u->problem == NULL &&
			same_path(u->path, path)) {
			return i;
		}
	}
	return p->count;
}

/* Gives base the override of its Compose project: the unit at that path
 * is marked for removal (its path set aside in *gone). */
static int attach_override(struct plm_project *p, size_t base, bool *gone)
{
	struct plm_unit *u = &p->units[base];
	char *over = NULL;
	int rc = plm_compose_default_override(u->path, &over);
	if (rc != 0 || over == NULL) {
		return rc;
	}
	size_t k = find_unit(p, over);
	if (k < p->count) {
		if (gone[k] || p->units[k].kind != PLM_KIND_COMPOSE) {
			plm_free(over);
			return 0;
		}
		gone[k] = true;
	}
	u->overrides = plm_malloc(sizeof(*u->overrides));
	if (u->overrides == NULL) {
		plm_free(over);
		return PLM_ENOMEM;
	}
	/* Shown as it was discovered, when it was. */
	if (k < p->count) {
		plm_free(over);
		over = plm_strdup(p->units[k].path);
		if (over == NULL) {
			return PLM_ENOMEM;
		}
	}
	u->overrides[0] = over;
	u->override_count = 1;
	return 0;
}

struct file_id {
	dev_t dev;
	ino_t ino;
	size_t index;
};

static int compare_ids(const void *a, const void *b)
{
	const struct file_id *x = a, *y = b;
	if (x->dev != y->dev) {
		return x->dev < y->dev ? -1 : 1;
	}
	if (x->ino != y->ino) {
		return x->ino < y->ino ? -1 : 1;
	}
	return x->index < y->index ? -1 : x->index > y->index;
}

/* A file reached twice (`scan . ./Dockerfile`, a path given twice, two
 * links to one file inside the tree) is one unit, the first. Returns 0 or
 * PLM_ENOMEM. */
static int drop_repeats(struct plm_project *p, bool *gone)
{
	struct file_id *ids = plm_malloc(
		(p->count ? p->count : 1) * sizeof(*ids));
	if (ids == NULL) {
		return PLM_ENOMEM;
	}
	size_t n = 0;
	for (size_t i = 0; i < p->count; i++) {
		const struct plm_unit *u = &p->units[i];
		struct stat st;
		if (u->path == NULL || u->problem != NULL ||
			strcmp(u->path, "-") == 0) {
			continue;
		}
		if (u->identified) {
			ids[n++] = (struct file_id){u->dev, u->ino, i};
		} else if (stat(u->path, &st) == 0) {
			ids[n++] = (struct file_id){st.st_dev, st.st_ino, i};
		}
	}
	qsort(ids, n, sizeof(*ids), compare_ids);
	for (size_t k = 1; k < n; k++) {
		if (ids[k].dev == ids[k - 1].dev &&
			ids[k].ino == ids[k - 1].ino) {
			gone[ids[k].index] = true;
		}
	}
	plm_free(ids);
	return 0;
}

int plm_project_plan(struct plm_project *p)
{
	if (p->planned) {
		return 0;
	}
	bool *gone = plm_calloc(p->count ? p->count : 1, sizeof(*gone));
	if (gone == NULL) {
		return PLM_ENOMEM;
	}
	int rc = drop_repeats(p, gone);
	for (size_t i = 0; i < p->count && rc == 0; i++) {
		struct plm_unit *u = &p->units[i];
		if (gone[i] || u->path == NULL || u->problem != NULL ||
			u->override_count > 0 || strcmp(u->path, "-") == 0 ||
			u->kind != PLM_KIND_COMPOSE ||
			!plm_compose_is_default_name(base_name(u->path))) {
			continue;
		}
		rc = attach_override(p, i, gone);
	}
	if (rc == 0) {
		size_t n = 0;
		for (size_t i = 0; i < p->count; i++) {
			if (gone[i]) {
				unit_finish(&p->units[i]);
			} else {
				p->units[n++] = p->units[i];
			}
		}
		p->count = n;
		p->planned = true;
	}
	plm_free(gone);
	return rc;
}

size_t plm_project_unit_count(const struct plm_project *p)
{
	return p->count;
}

const struct plm_unit *plm_project_unit(const struct plm_project *p,
	size_t index)
{
	return &p->units[index];
}

const struct plm_project_options *plm_project_options(
	const struct plm_project *p)
{
	return &p->options;
}

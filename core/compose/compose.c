/*
 * compose/compose.c - the Compose front end: load, interpolate, merge the
 * documents and override files, resolve extends, and build one container
 * record per service.
 */
#include "compose/compose.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compose/internal.h"
#include "util/path.h"
#include "util/source.h"
#include "model/record.h"
#include "yaml/yaml.h"
#include "util/alloc.h"

extern char **environ;

bool plm_compose_name_matches(const char *basename)
{
	static const char *const patterns[] = {"compose.yaml", "compose.yml",
		"compose.*.yaml", "compose.*.yml", "docker-compose*.yaml",
		"docker-compose*.yml", NULL};
	for (size_t i = 0; patterns[i] != NULL; i++) {
		if (fnmatch(patterns[i], basename, 0) == 0) {
			return true;
		}
	}
	return false;
}

bool plm_compose_is_default_name(const char *basename)
{
	return strcmp(basename, "compose.yaml") == 0 ||
		strcmp(basename, "compose.yml") == 0 ||
		strcmp(basename, "docker-compose.yaml") == 0 ||
		strcmp(basename, "docker-compose.yml") == 0;
}

bool plm_compose_is_override_name(const char *basename)
{
	return strcmp(basename, "compose.override.yaml") == 0 ||
		strcmp(basename, "compose.override.yml") == 0 ||
		strcmp(basename, "docker-compose.override.yaml") == 0 ||
		strcmp(basename, "docker-compose.override.yml") == 0;
}

/* Merges the map documents of a stream into one model. */
static struct plm_node *stream_model(struct compose_ctx *ctx,
	struct plm_node *stream)
{
	struct plm_node *model = NULL;
	for (size_t i = 0; i < stream->as.seq.count; i++) {
		struct plm_node *d = stream->as.seq.items[i];
		if (d->kind != PLM_NODE_MAP) {
			if (d->kind != PLM_NODE_NULL) {
				plm_doc_diag(ctx->doc, PLM_DIAG_ERROR,
					"compose/not-a-map", d->span,
					"a Compose file must be a map (services, "
					"networks, volumes, ...), not a %s",
					plm_node_kind_name(d->kind));
			}
			continue;
		}
		model = model ? plm_compose_merge_model(ctx, model, d) : d;
		if (model == NULL) {
			return NULL;
		}
	}
	return model;
}

/* Reads path for load_file: when in_tree, only if it resolves inside the
 * root (what is read is the resolved path, so that a symlink cannot be
 * swapped between the check and the read). Returns 0 with *out NULL after a
 * diagnostic when it is not read, or PLM_ENOMEM. */
static int read_file(struct compose_ctx *ctx, const char *path, bool in_tree,
	struct plm_span from, struct plm_source **out)
{
	*out = NULL;
	char *real = NULL;
	int rc = 0;
	if (in_tree) {
		bool inside;
		rc = plm_path_resolve_inside(ctx->root, path, &inside, &real);
		if (rc == PLM_ENOMEM) {
			return rc;
		}
		if (rc == 0 && !inside) {
			plm_doc_diag(ctx->doc, PLM_DIAG_WARNING,
				"compose/file-outside-tree", from,
				"%s is outside the scanned tree (%s): it is not "
				"read and is left out of the model",
				path, ctx->root);
			plm_free(real);
			return 0;
		}
	}
	if (rc == 0) {
		rc = plm_source_read(real ? real : path, path, 0, out);
	}
	plm_free(real);
	if (rc == PLM_ENOMEM) {
		return rc;
	}
	if (rc != 0) {
		*out = NULL;
		plm_doc_diag(ctx->doc, PLM_DIAG_WARNING, "compose/missing-file",
			from, "cannot read %s%s: it is left out of the model",
			path,
			rc == PLM_ELIMIT ? " (larger than PLM_MAX_FILE_SIZE)"
					 : "");
	}
	return 0;
}

/* Loads another file as a source of the document; returns its interpolated
 * stream (cached by path), or NULL with *rc set (0 when the file could not
 * be read, which is a diagnostic). in_tree: a file named by the model
 * (extends, include), read only inside the root; the -f files are not. */
static struct plm_node *load_file(struct compose_ctx *ctx, const char *path,
	bool in_tree, struct plm_span from, uint32_t *source, int *rc)
{
	*rc = 0;
	for (size_t i = 0; i < ctx->file_count; i++) {
		if (strcmp(ctx->files[i].path, path) == 0) {
			*source = ctx->files[i].source;
			return ctx->files[i].stream;
		}
	}
	if (ctx->file_count >= PLM_COMPOSE_MAX_FILES) {
		plm_doc_diag(ctx->doc, PLM_DIAG_ERROR, "limit/compose-files",
			from,
			"more than %d files pulled in (PLM_COMPOSE_MAX_FILES); "
			"%s is not read",
			PLM_COMPOSE_MAX_FILES, path);
		return NULL;
	}
	struct plm_source *src = NULL;
	*rc = read_file(ctx, path, in_tree, from, &src);
	if (src == NULL) {
		return NULL;
	}
	int index = plm_doc_add_source_take(ctx->doc, src);
	if (index < 0) {
		*rc = PLM_ENOMEM;
		return NULL;
	}
	struct plm_node *stream = NULL;
	*rc = plm_yaml_load(ctx->doc, (uint32_t)index, PLM_YAML_SCHEMA_CORE,
		&stream);
	if (*rc != 0) {
		return NULL;
	}
	stream = plm_compose_interpolate(ctx, stream);
	char *copy = plm_arena_strdup(ctx->arena, path);
	if (stream == NULL || copy == NULL) {
		*rc = PLM_ENOMEM;
		return NULL;
	}
	ctx->files[ctx->file_count].path = copy;
	ctx->files[ctx->file_count].source = (uint32_t)index;
	ctx->files[ctx->file_count].stream = stream;
	ctx->file_count++;
	*source = (uint32_t)index;
	return stream;
}

/* ---- extends -------------------------------------------------------- */

struct chain {
	const struct plm_node *services;
	const char *name;
};

/* A shallow copy of a service whose top-level values are flagged
 * PLM_NODE_INHERITED. */
static struct plm_node *inherited(struct compose_ctx *ctx,
	const struct plm_node *service)
{
	struct plm_node *m = plm_node_map(ctx->arena, service->span);
	if (m == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < service->as.map.count; i++) {
		const struct plm_entry *e = &service->as.map.entries[i];
		struct plm_node *v = plm_arena_alloc(ctx->arena, sizeof(*v));
		if (v == NULL) {
			return NULL;
		}
		*v = *e->value;
		v->flags |= PLM_NODE_INHERITED;
		if (plm_node_append(ctx->arena, m, e->key, e->key_len,
			    e->key_span, v) != 0) {
			return NULL;
		}
	}
	return m;
}

static struct plm_node *without_key(struct compose_ctx *ctx,
	const struct plm_node *map, const char *key)
{
	struct plm_node *m = plm_node_map(ctx->arena, map->span);
	if (m == NULL) {
		return NULL;
	}
	m->flags = map->flags;
	for (size_t i = 0; i < map->as.map.count; i++) {
		const struct plm_entry *e = &map->as.map.entries[i];
		if (strcmp(e->key, key) != 0 &&
			plm_node_append(ctx->arena, m, e->key, e->key_len,
				e->key_span, e->value) != 0) {
			return NULL;
		}
	}
	return m;
}

/* The service `name` of a services map, through an index built at the
 * first lookup (past the cache's size, a linear search). Returns 0 or
 * PLM_ENOMEM. */
static int find_service(struct compose_ctx *ctx,
	const struct plm_node *services, const char *name,
	struct plm_node **out)
{
	*out = NULL;
	if (services == NULL || services->kind != PLM_NODE_MAP) {
		return 0;
	}
	size_t k = 0;
	while (k < ctx->service_index_count &&
		ctx->service_index[k].services != services) {
		k++;
	}
	size_t slots = sizeof(ctx->service_index) /
		sizeof(ctx->service_index[0]);
	if (k == ctx->service_index_count) {
		if (k == slots) {
			*out = plm_node_get(services, name);
			return 0;
		}
		ctx->service_index[k].services = services;
		ctx->service_index_count++;
		for (size_t i = 0; i < services->as.map.count; i++) {
			const struct plm_entry *e = &services->as.map.entries[i];
			if (plm_keyset_add(&ctx->service_index[k].index, e->key,
				    e->key_len, i) != 0) {
				return PLM_ENOMEM;
			}
		}
	}
	size_t i;
	if (plm_keyset_find(&ctx->service_index[k].index, name, strlen(name),
		    &i)) {
		*out = services->as.map.entries[i].value;
	}
	return 0;
}

/* rel/path for a path relative to a file in directory rel (itself relative
 * to the main file's directory; "" for the main file's own). */
static char *rel_join(struct plm_arena *a, const char *rel, const char *path)
{
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
	}
	if (rel[0] == '\0' || path[0] == '/' || path[0] == '~') {
		return plm_arena_strdup(a, path);
	}
	if (strcmp(path, ".") == 0 || path[0] == '\0') {
		return plm_arena_strdup(a, rel);
	}
	return plm_arena_printf(a, "%s/%s", rel, path);
}

static bool is_relative_path(const char *s)
{
	return s[0] == '.';
}

static struct plm_node *rebased_string(struct compose_ctx *ctx,
	struct plm_node *n, const char *rel, bool only_dotted)
{
	const char *s = plm_node_str(n);
	if (s == NULL || s[0] == '/' || (only_dotted && !is_relative_path(s)) ||
		strstr(s, "://") != NULL) {
		return n;
	}
	char *joined = rel_join(ctx->arena, rel, s);
	struct plm_node *c = joined ? plm_arena_alloc(ctx->arena, sizeof(*c))
				    : NULL;
	if (c == NULL) {
		return NULL;
	}
	*c = *n;
	c->as.string.ptr = joined;
	c->as.string.len = strlen(joined);
	return c;
}

/* The service with its relative paths (build context, env_file, bind
 * sources) made relative to the main file's directory, for a service
 * declared in a file in directory rel ("" leaves it as is). */
static struct plm_node *rebase(struct compose_ctx *ctx, struct plm_node *svc,
	const char *rel)
{
	if (rel[0] == '\0' || svc->kind != PLM_NODE_MAP) {
		return svc;
	}
	struct plm_node *m = without_key(ctx, svc, "");
	if (m == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < m->as.map.count; i++) {
		struct plm_entry *e = &m->as.map.entries[i];
		struct plm_node *v = e->value;
		if (strcmp(e->key, "build") == 0 &&
			v->kind == PLM_NODE_STRING) {
			v = rebased_string(ctx, v, rel, false);
		} else if (strcmp(e->key, "build") == 0 &&
			v->kind == PLM_NODE_MAP) {
			struct plm_node *b = without_key(ctx, v, "context");
			struct plm_node *c = plm_node_get(v, "context");
			struct plm_node *nc = c
				? rebased_string(ctx, c, rel, false)
				: plm_node_cstring(ctx->arena, v->span, rel);
			if (b == NULL || nc == NULL ||
				plm_node_set(ctx->arena, b, "context", nc->span,
					nc) != 0) {
				return NULL;
			}
			v = b;
		} else if ((strcmp(e->key, "env_file") == 0 ||
				   strcmp(e->key, "volumes") == 0) &&
			(v->kind == PLM_NODE_SEQ ||
				v->kind == PLM_NODE_STRING)) {
			bool volumes = strcmp(e->key, "volumes") == 0;
			struct plm_node *one = v;
			size_t count = v->kind == PLM_NODE_SEQ ? v->as.seq.count
							       : 1;
			struct plm_node *seq = plm_node_seq(ctx->arena,
				v->span);
			if (seq == NULL) {
				return NULL;
			}
			seq->flags = v->flags;
			for (size_t k = 0; k < count; k++) {
				struct plm_node *item = v->kind == PLM_NODE_SEQ
					? v->as.seq.items[k]
					: one;
				struct plm_node *r = item;
				if (item->kind == PLM_NODE_STRING) {
					/* bind sources: ./x, ../x (a bare name is a
					 * named volume) */
					r = rebased_string(ctx, item, rel,
						volumes);
				} else if (item->kind == PLM_NODE_MAP) {
					const char *key = volumes ? "source"
								  : "path";
					struct plm_node *p = plm_node_get(item,
						key);
					struct plm_node *np = p
						? rebased_string(ctx, p, rel,
							  volumes)
						: p;
					r = without_key(ctx, item, "");
					if (r == NULL ||
						(p != NULL &&
							(np == NULL ||
								plm_node_set(
									ctx->arena,
									r, key,
									np->span,
									np) !=
									0))) {
						return NULL;
					}
				}
				if (r == NULL ||
					plm_node_push(ctx->arena, seq, r) !=
						0) {
					return NULL;
				}
			}
			v = v->kind == PLM_NODE_SEQ ? seq
						    : seq->as.seq.items[0];
		}
		if (v == NULL) {
			return NULL;
		}
		e->value = v;
	}
	return m;
}

/* The service `name` of `services` (a file in directory dir, rel from the
 * main file's directory) with its extends chain applied, its paths made
 * relative to the main file's directory. *out NULL when there is no such
 * service. */
static int resolve(struct compose_ctx *ctx, const struct plm_node *services,
	const char *dir, const char *rel, const char *name, struct chain *chain,
	size_t depth, struct plm_node **out)
{
	*out = NULL;
	struct plm_node *svc = NULL;
	int found = find_service(ctx, services, name, &svc);
	if (found != 0) {
		return found;
	}
	if (svc == NULL) {
		return 0;
	}
	const struct plm_entry *ext = plm_node_entry(svc, "extends");
	if (ext == NULL || svc->kind != PLM_NODE_MAP) {
		*out = rebase(ctx, svc, rel);
		return *out ? 0 : PLM_ENOMEM;
	}
	for (size_t i = 0; i < depth; i++) {
		if (chain[i].services == services &&
			strcmp(chain[i].name, name) == 0) {
			plm_doc_diag(ctx->doc, PLM_DIAG_ERROR,
				"compose/extends-cycle", ext->key_span,
				"service \"%s\" extends itself "
				"through a cycle; the cycle is cut here",
				name);
			*out = without_key(ctx, svc, "extends");
			return *out ? 0 : PLM_ENOMEM;
		}
	}
	if (depth >= PLM_COMPOSE_MAX_EXTENDS) {
		plm_doc_diag(ctx->doc, PLM_DIAG_ERROR, "limit/extends-depth",
			ext->key_span,
			"extends chain longer than %d "
			"(PLM_COMPOSE_MAX_EXTENDS); cut here",
			PLM_COMPOSE_MAX_EXTENDS);
		*out = without_key(ctx, svc, "extends");
		return *out ? 0 : PLM_ENOMEM;
	}
	chain[depth].services = services;
	chain[depth].name = name;
	const char *base_name = plm_node_str(ext->value);
	const char *file = NULL;
	if (ext->value->kind == PLM_NODE_MAP) {
		base_name = plm_node_get_str(ext->value, "service");
		file = plm_node_get_str(ext->value, "file");
	}
	if (base_name == NULL) {
		plm_doc_diag(ctx->doc, PLM_DIAG_ERROR, "compose/bad-extends",
			ext->value->span,
			"extends expects a service name or "
			"{service, file}");
		*out = without_key(ctx, svc, "extends");
		return *out ? 0 : PLM_ENOMEM;
	}
	const struct plm_node *base_services = services;
	const char *base_dir = dir;
	const char *base_rel = rel;
	if (file != NULL) {
		char *path = plm_path_join(ctx->arena, dir, file);
		if (path == NULL) {
			return PLM_ENOMEM;
		}
		uint32_t source;
		int rc;
		struct plm_node *stream = load_file(ctx, path, true,
			ext->value->span, &source, &rc);
		if (rc != 0) {
			return rc;
		}
		struct plm_node *model = stream ? stream_model(ctx, stream)
						: NULL;
		base_services = plm_node_get(model, "services");
		if (model != NULL && base_services == NULL &&
			plm_node_get(model, base_name) != NULL) {
			base_services = model; /* a v1 file */
		}
		base_dir = plm_path_dir(ctx->arena, path);
		char *file_dir = plm_path_dir(ctx->arena, file);
		base_rel = file_dir ? rel_join(ctx->arena, rel, file_dir)
				    : NULL;
		if (base_dir == NULL || base_rel == NULL) {
			return PLM_ENOMEM;
		}
		if (stream == NULL) {
			*out = without_key(ctx, svc, "extends");
			return *out ? 0 : PLM_ENOMEM;
		}
	}
	struct plm_node *base = NULL;
	int rc = resolve(ctx, base_services, base_dir, base_rel, base_name,
		chain, depth + 1, &base);
	if (rc != 0) {
		return rc;
	}
	struct plm_node *own = without_key(ctx, svc, "extends");
	own = own ? rebase(ctx, own, rel) : NULL;
	if (own == NULL) {
		return PLM_ENOMEM;
	}
	if (base == NULL || base->kind != PLM_NODE_MAP) {
		plm_doc_diag(ctx->doc, PLM_DIAG_ERROR, "compose/bad-extends",
			ext->value->span,
			"service \"%s\" extends \"%s\", which "
			"is not defined%s%s",
			name, base_name, file ? " in " : "", file ? file : "");
		*out = own;
		return 0;
	}
	struct plm_node *parent = inherited(ctx, base);
	if (parent == NULL) {
		return PLM_ENOMEM;
	}
	*out = plm_compose_merge_service(ctx, parent, own);
	return *out ? 0 : PLM_ENOMEM;
}

/* ---- the build ------------------------------------------------------ */

/* `include:` (a path, or {path: one or a list}): each included model is
 * merged under the including one. Includes inside included files are not
 * followed. */
static int apply_includes(struct compose_ctx *ctx, struct plm_node **model,
	const char *dir)
{
	const struct plm_node *inc = plm_node_get(*model, "include");
	if (inc == NULL || inc->kind != PLM_NODE_SEQ) {
		return 0;
	}
	struct plm_node *merged = NULL;
	for (size_t i = 0; i < inc->as.seq.count; i++) {
		const struct plm_node *item = inc->as.seq.items[i];
		const struct plm_node *paths = item->kind == PLM_NODE_MAP
			? plm_node_get(item, "path")
			: item;
		size_t n = paths && paths->kind == PLM_NODE_SEQ
			? paths->as.seq.count
			: 1;
		for (size_t k = 0; paths != NULL && k < n; k++) {
			const struct plm_node *p = paths->kind == PLM_NODE_SEQ
				? paths->as.seq.items[k]
				: paths;
			const char *rel = plm_node_str(p);
			if (rel == NULL) {
				continue;
			}
			char *path = plm_path_join(ctx->arena, dir, rel);
			if (path == NULL) {
				return PLM_ENOMEM;
			}
			uint32_t source;
			int rc;
			struct plm_node *stream = load_file(ctx, path, true,
				p->span, &source, &rc);
			if (rc != 0) {
				return rc;
			}
			struct plm_node *m = stream ? stream_model(ctx, stream)
						    : NULL;
			if (m != NULL) {
				merged = merged ? plm_compose_merge_model(ctx,
							  merged, m)
						: m;
				if (merged == NULL) {
					return PLM_ENOMEM;
				}
			}
		}
	}
	if (merged != NULL) {
		*model = plm_compose_merge_model(ctx, merged, *model);
		if (*model == NULL) {
			return PLM_ENOMEM;
		}
	}
	return 0;
}

static const char *base_name_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int plm_compose_default_override(const char *compose_path, char **override_path)
{
	/* compose-go's DefaultOverrideFileNames, in its order */
	static const char *const names[] = {"compose.override.yml",
		"compose.override.yaml", "docker-compose.override.yml",
		"docker-compose.override.yaml"};
	*override_path = NULL;
	const char *base = base_name_of(compose_path);
	if (!plm_compose_is_default_name(base)) {
		return 0;
	}
	size_t dir_len = (size_t)(base - compose_path);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len = dir_len + strlen(names[i]) + 1;
		char *candidate = plm_malloc(len);
		if (candidate == NULL) {
			return PLM_ENOMEM;
		}
		snprintf(candidate, len, "%.*s%s", (int)dir_len, compose_path,
			names[i]);
		struct stat st;
		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
			*override_path = candidate;
			return 0;
		}
		plm_free(candidate);
	}
	return 0;
}

/* Top-level keys of a v1 file that are not services. */
static bool is_v1_service(const struct plm_entry *e)
{
	if (e->value->kind != PLM_NODE_MAP || strncmp(e->key, "x-", 2) == 0) {
		return false;
	}
	return plm_node_get(e->value, "image") != NULL ||
		plm_node_get(e->value, "build") != NULL ||
		plm_node_get(e->value, "extends") != NULL;
}

static int build_records(struct compose_ctx *ctx, struct plm_node *model,
	const char *dir)
{
	struct plm_doc *doc = ctx->doc;
	struct plm_node *services = plm_node_get(model, "services");
	bool v1 = false;
	if (services == NULL && model != NULL && model->kind == PLM_NODE_MAP &&
		plm_node_get(model, "version") == NULL) {
		for (size_t i = 0; i < model->as.map.count; i++) {
			if (is_v1_service(&model->as.map.entries[i])) {
				v1 = true;
				services = model;
				break;
			}
		}
		if (v1) {
			plm_doc_diag(doc, PLM_DIAG_NOTE, "compose/v1-format",
				model->span,
				"a Compose file in the legacy v1 "
				"format (services at the top level)");
		}
	}
	if (services == NULL || services->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (services->kind != PLM_NODE_MAP) {
		plm_doc_diag(doc, PLM_DIAG_ERROR, "compose/bad-services",
			services->span,
			"services must be a map of service "
			"names to definitions, not a %s",
			plm_node_kind_name(services->kind));
		return 0;
	}
	size_t input = 0;
	for (size_t i = 0; i < doc->source_count; i++) {
		input += doc->sources[i]->len;
	}
	size_t budget = PLM_COMPOSE_EXPANSION_BASE +
		(input > SIZE_MAX / 2 / PLM_COMPOSE_EXPANSION_FACTOR
				? SIZE_MAX / 2
				: input * PLM_COMPOSE_EXPANSION_FACTOR);
	bool over_budget = false;
	for (size_t i = 0; i < services->as.map.count; i++) {
		const struct plm_entry *e = &services->as.map.entries[i];
		if (strncmp(e->key, "x-", 2) == 0 ||
			(v1 && !is_v1_service(e))) {
			continue;
		}
		struct chain chain[PLM_COMPOSE_MAX_EXTENDS + 1];
		struct plm_node *svc = NULL;
		int rc = 0;
		if (!over_budget && plm_arena_used(ctx->arena) > budget) {
			over_budget = true;
			plm_doc_diag(doc, PLM_DIAG_ERROR,
				"limit/compose-expansion", e->key_span,
				"resolving extends built more than %zu MB from "
				"%zu KB of Compose files (the limit is 32 times "
				"the input plus 16 MB); from service \"%s\" on, "
				"extends are not followed",
				budget >> 20, input >> 10, e->key);
		}
		if (over_budget) {
			svc = e->value;
			if (svc->kind == PLM_NODE_MAP &&
				plm_node_get(svc, "extends") != NULL) {
				svc = without_key(ctx, svc, "extends");
				rc = svc ? 0 : PLM_ENOMEM;
			}
		} else {
			rc = resolve(ctx, services, dir, "", e->key, chain, 0,
				&svc);
		}
		if (rc != 0) {
			return rc;
		}
		if (svc == NULL ||
			(svc->kind != PLM_NODE_MAP &&
				svc->kind != PLM_NODE_NULL)) {
			plm_doc_diag(doc, PLM_DIAG_ERROR, "compose/bad-service",
				e->value->span,
				"service \"%s\" must be a map, "
				"not a %s",
				e->key, plm_node_kind_name(e->value->kind));
			continue;
		}
		struct plm_node *name = plm_node_string(ctx->arena, e->key_span,
			e->key, e->key_len);
		struct plm_node *rec = NULL;
		if (name == NULL) {
			return PLM_ENOMEM;
		}
		rc = plm_compose_service_record(ctx, name, svc, &rec);
		if (rc == 0 && rec != NULL) {
			rc = plm_node_push(ctx->arena, doc->containers, rec);
		}
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

int plm_compose_build(struct plm_doc *doc,
	const struct plm_compose_options *options)
{
	static const struct plm_compose_options defaults = {0};
	struct compose_ctx *ctx = plm_calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		return PLM_ENOMEM;
	}
	if (options == NULL) {
		options = &defaults;
	}
	ctx->doc = doc;
	ctx->arena = doc->arena;
	ctx->options = options;
	static const char *const no_environ[] = {NULL};
	ctx->env.environ = options->environ ? options->environ
		: options->use_environment  ? (const char *const *)environ
					    : no_environ;
	ctx->env.doc = doc;
	int rc = 0;
	const char *main_path = doc->sources[0]->path;
	char *dir = plm_path_dir(ctx->arena, main_path);
	struct plm_node *stream = NULL;
	char *auto_override = NULL;
	ctx->dir = dir;
	ctx->root = options->root ? options->root : dir;
	if (dir == NULL) {
		rc = PLM_ENOMEM;
		goto cleanup;
	}
	if (!options->no_env_file) {
		char *env_path = plm_path_join(ctx->arena, dir, ".env");
		if (env_path == NULL) {
			rc = PLM_ENOMEM;
			goto cleanup;
		}
		if (plm_compose_env_read(ctx, env_path) == PLM_ENOMEM) {
			rc = PLM_ENOMEM;
			goto cleanup;
		}
	}
	rc = plm_yaml_load(doc, 0, PLM_YAML_SCHEMA_CORE, &stream);
	if (rc != 0) {
		goto cleanup;
	}
	doc->tree = plm_compose_interpolate(ctx, stream);
	doc->containers = plm_node_seq(ctx->arena, stream->span);
	if (doc->tree == NULL || doc->containers == NULL) {
		rc = PLM_ENOMEM;
		goto cleanup;
	}
	struct plm_node *model = stream_model(ctx, doc->tree);
	rc = apply_includes(ctx, &model, dir);
	if (rc != 0) {
		goto cleanup;
	}
	size_t count = options->override_count;
	if (count == 0 && !options->no_default_override) {
		rc = plm_compose_default_override(main_path, &auto_override);
		if (rc != 0) {
			goto cleanup;
		}
		count = auto_override ? 1 : 0;
	}
	for (size_t i = 0; i < count; i++) {
		const char *path = auto_override ? auto_override
						 : options->override_paths[i];
		uint32_t source;
		/* an override found by its name is a file of the model,
		 * one named by -f the user's choice */
		struct plm_node *over = load_file(ctx, path,
			auto_override != NULL, doc->tree->span, &source, &rc);
		if (rc != 0) {
			goto cleanup;
		}
		struct plm_node *over_model = over ? stream_model(ctx, over)
						   : NULL;
		if (over_model != NULL) {
			model = model ? plm_compose_merge_model(ctx, model,
						over_model)
				      : over_model;
		}
	}
	rc = build_records(ctx, model, dir);
cleanup:
	if (rc == 0 &&
		(plm_arena_exhausted(ctx->arena) || ctx->env.out_of_memory)) {
		rc = PLM_ENOMEM;
	}
	for (size_t i = 0; i < ctx->service_index_count; i++) {
		plm_keyset_finish(&ctx->service_index[i].index);
	}
	plm_free(auto_override);
	plm_free(ctx);
	return rc;
}

/*
 * engine/config.c - .plimsoll.yaml: lookup (cached per directory), parsing
 * with positions, checking against the catalogue, and resolving what
 * applies to one file.
 *
 * A file is read in two passes. discover parses it on its own (keys,
 * types, severities, globs, policy directories) before the engine exists,
 * because `policy-dirs:` adds to the catalogue; bind then checks what
 * needs the catalogue (rule names, tags, settings against their declared
 * types) and turns each layer (the top level, each override) into a list
 * of operations on a per-rule table. Resolving a file applies the top
 * layer and the overrides whose globs match it, cached per configuration
 * and set of matching overrides.
 */
#include "engine/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/internal.h"
#include "util/alloc.h"
#include "util/glob.h"
#include "util/hash.h"
#include "util/path.h"
#include "util/source.h"
#include "yaml/yaml.h"

/* Problems printed from one discover or bind (the first in file and
 * line order), and problems kept to choose them from; the rest are
 * counted only. */
#define MAX_ERRORS 50
#define MAX_ERRORS_KEPT 1000

enum op_kind { OP_ENABLE, OP_SEVERITY, OP_SETTING };

/* One thing a layer sets for one (selected) rule. */
struct op {
	enum op_kind kind;
	size_t rule;
	size_t setting;
	int value; /* OP_ENABLE: 0/1; OP_SEVERITY: the severity */
	struct plm_setting_value v;
	const char *origin;
};

struct globs {
	const char **items;
	size_t count;
};

/* The top level, or one override. */
struct layer {
	const struct plm_node *rules;    /* map, or NULL */
	const struct plm_node *settings; /* map, or NULL */
	struct globs paths;              /* an override's */
	struct op *ops;
	size_t op_count;
	size_t op_cap;
};

/* A table resolved for one set of matching overrides. */
struct resolved {
	uint64_t mask;
	bool excluded;
	struct plm_file_config fc;
	struct resolved *next;
};

struct config_file {
	const char *shown; /* as messages name it */
	const char *dir;   /* absolute, for globs and policy-dirs */
	struct plm_doc *doc;
	bool broken; /* had errors: never resolved */
	bool bound;
	struct globs include, exclude;
	const struct plm_node *tags_include, *tags_exclude; /* sequences */
	int fail_on;
	const char *fail_on_origin;
	struct layer top;
	struct layer *overrides;
	size_t override_count;
	struct resolved *resolved;
	struct config_file *next;
};

struct dir_slot {
	const char *dir; /* NULL: empty */
	struct config_file *config;
};

struct plm_config_set {
	struct plm_config_options o;
	struct plm_arena *arena;
	char *cwd;
	struct config_file *files;  /* every one read, newest first */
	struct config_file *forced; /* --config */
	bool forced_loaded;
	struct dir_slot *slots;
	size_t slot_count, slot_cap;
	const char **policy_dirs;
	size_t policy_dir_count, policy_dir_cap;
	const struct plm_engine *engine;
	uint64_t *locked;          /* per selected rule: settings --set fixes */
	struct resolved *defaults; /* no configuration */
	char *errors;
	size_t error_len, error_cap, error_count;
	size_t dirs_searched, files_read;
};

/* ---- errors ---------------------------------------------------------- */

PLM_PRINTF(2, 3)
static void add_line(struct plm_config_set *cs, const char *fmt, ...)
{
	if (cs->error_count++ >= MAX_ERRORS_KEPT) {
		return;
	}
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	size_t len = n < 0                 ? 0
		: (size_t)n < sizeof(line) ? (size_t)n
					   : sizeof(line) - 1;
	if (cs->error_len + len + 2 > cs->error_cap) {
		size_t ncap = (cs->error_cap + len + 2) * 2;
		char *p = plm_realloc(cs->errors, ncap);
		if (p == NULL) {
			return;
		}
		cs->errors = p;
		cs->error_cap = ncap;
	}
	memcpy(cs->errors + cs->error_len, line, len);
	cs->error_len += len;
	cs->errors[cs->error_len++] = '\n';
	cs->errors[cs->error_len] = '\0';
}

/* "FILE:LINE:COL" of a span of cf. */
static void where(const struct config_file *cf, struct plm_span span, char *buf,
	size_t len)
{
	struct plm_region r = plm_doc_region(cf->doc, span);
	snprintf(buf, len, "%s:%u:%u", cf->shown, r.start_line, r.start_column);
}

PLM_PRINTF(4, 5)
static void problem(struct plm_config_set *cs, struct config_file *cf,
	struct plm_span span, const char *fmt, ...)
{
	char at[PATH_MAX + 32], msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(cf, span, at, sizeof(at));
	add_line(cs, "%s: %s", at, msg);
	cf->broken = true;
}

/* One line of the problems, with where it points. */
struct error_line {
	const char *text;
	size_t len;
	size_t file_len; /* the "FILE" of FILE:LINE:COL */
	unsigned long line, column;
	size_t seq;
};

/* Reads "FILE:LINE:COL: " at the start of e->text; a line without a
 * position sorts before the others of its file. */
static void position_of(struct error_line *e)
{
	e->file_len = e->len;
	e->line = e->column = 0;
	for (size_t i = 0; i < e->len; i++) {
		if (e->text[i] != ':') {
			continue;
		}
		char *end = NULL;
		unsigned long line = strtoul(e->text + i + 1, &end, 10);
		if (end == e->text + i + 1 || *end != ':') {
			continue;
		}
		char *end2 = NULL;
		unsigned long column = strtoul(end + 1, &end2, 10);
		if (end2 != end + 1 && *end2 == ':') {
			e->file_len = i;
			e->line = line;
			e->column = column;
			return;
		}
	}
}

static int cmp_error_line(const void *pa, const void *pb)
{
	const struct error_line *a = pa, *b = pb;
	size_t n = a->file_len < b->file_len ? a->file_len : b->file_len;
	int c = memcmp(a->text, b->text, n);
	if (c != 0 || a->file_len != b->file_len) {
		return c != 0 ? c : a->file_len < b->file_len ? -1 : 1;
	}
	if (a->line != b->line) {
		return a->line < b->line ? -1 : 1;
	}
	if (a->column != b->column) {
		return a->column < b->column ? -1 : 1;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Puts the problems in file, line and column order: they are found key
 * by key, not in the order a reader meets them. */
static void sort_errors(struct plm_config_set *cs)
{
	size_t count = 0;
	for (size_t i = 0; i < cs->error_len; i++) {
		count += cs->errors[i] == '\n';
	}
	struct error_line *lines = plm_calloc(count ? count : 1,
		sizeof(*lines));
	char *sorted = plm_malloc(cs->error_len + 1);
	if (lines == NULL || sorted == NULL) {
		plm_free(lines);
		plm_free(sorted);
		return; /* left in the order found */
	}
	const char *p = cs->errors;
	for (size_t k = 0; k < count; k++) {
		const char *nl = strchr(p, '\n');
		lines[k] = (struct error_line){p, (size_t)(nl - p), 0, 0, 0, k};
		position_of(&lines[k]);
		p = nl + 1;
	}
	qsort(lines, count, sizeof(*lines), cmp_error_line);
	size_t at = 0;
	for (size_t k = 0; k < count; k++) {
		memcpy(sorted + at, lines[k].text, lines[k].len);
		at += lines[k].len;
		sorted[at++] = '\n';
	}
	sorted[at] = '\0';
	memcpy(cs->errors, sorted, at + 1);
	plm_free(sorted);
	plm_free(lines);
}

/* Hands the collected problems to *error. Returns 0 when there were
 * none, else PLM_EINVAL (PLM_ENOMEM when the text could not be kept). */
static int take_errors(struct plm_config_set *cs, char **error)
{
	*error = NULL;
	if (cs->error_count == 0) {
		return 0;
	}
	if (cs->errors != NULL) {
		sort_errors(cs);
	}
	if (cs->error_count > MAX_ERRORS) {
		/* keep the first MAX_ERRORS lines, then say how many more */
		size_t more = cs->error_count - MAX_ERRORS;
		size_t at = 0;
		for (size_t k = 0; k < MAX_ERRORS; k++) {
			at = (size_t)(strchr(cs->errors + at, '\n') -
				     cs->errors) +
				1;
		}
		cs->error_len = at;
		cs->errors[at] = '\0';
		cs->error_count = 0; /* room for this last line */
		add_line(cs, "(%zu more problems)", more);
	}
	*error = cs->errors;
	if (*error != NULL && *error[0] != '\0') {
		/* without the last newline: faces print it as one message */
		(*error)[cs->error_len - 1] = '\0';
	}
	cs->errors = NULL;
	cs->error_len = cs->error_cap = cs->error_count = 0;
	return *error != NULL ? PLM_EINVAL : PLM_ENOMEM;
}

static const char *origin_of(struct plm_config_set *cs,
	const struct config_file *cf, struct plm_span span)
{
	char at[PATH_MAX + 32];
	where(cf, span, at, sizeof(at));
	return plm_arena_strdup(cs->arena, at);
}

/* ---- the set ----------------------------------------------------------- */

int plm_config_set_create(const struct plm_config_options *o,
	struct plm_config_set **out)
{
	*out = NULL;
	struct plm_config_set *cs = plm_calloc(1, sizeof(*cs));
	if (cs == NULL || (cs->arena = plm_arena_create(0)) == NULL) {
		plm_free(cs);
		return PLM_ENOMEM;
	}
	cs->o = *o;
	char buf[PATH_MAX];
	cs->cwd = plm_arena_strdup(cs->arena,
		getcwd(buf, sizeof(buf)) != NULL ? buf : "/");
	if (cs->cwd == NULL ||
		(o->file != NULL &&
			(cs->o.file = plm_arena_strdup(cs->arena, o->file)) ==
				NULL)) {
		plm_config_set_destroy(cs);
		return PLM_ENOMEM;
	}
	*out = cs;
	return 0;
}

void plm_config_set_destroy(struct plm_config_set *cs)
{
	if (cs == NULL) {
		return;
	}
	for (struct config_file *cf = cs->files; cf != NULL; cf = cf->next) {
		plm_doc_destroy(cf->doc);
	}
	plm_free(cs->errors);
	plm_free(cs->slots);
	plm_free(cs->locked);
	plm_arena_destroy(cs->arena);
	plm_free(cs);
}

void plm_config_stats(const struct plm_config_set *cs, size_t *dirs_searched,
	size_t *files_read)
{
	*dirs_searched = cs->dirs_searched;
	*files_read = cs->files_read;
}

const char *const *plm_config_policy_dirs(const struct plm_config_set *cs,
	size_t *count)
{
	*count = cs->policy_dir_count;
	return cs->policy_dirs;
}

/* ---- the directory cache ------------------------------------------------ */

static size_t slot_of(const struct plm_config_set *cs, const char *dir)
{
	size_t mask = cs->slot_cap - 1;
	size_t i = (size_t)plm_fnv1a(PLM_FNV1A_INIT, dir, strlen(dir)) & mask;
	while (cs->slots[i].dir != NULL && strcmp(cs->slots[i].dir, dir) != 0) {
		i = (i + 1) & mask;
	}
	return i;
}

static bool cache_get(const struct plm_config_set *cs, const char *dir,
	struct config_file **cf)
{
	if (cs->slot_cap == 0) {
		return false;
	}
	const struct dir_slot *s = &cs->slots[slot_of(cs, dir)];
	*cf = s->config;
	return s->dir != NULL;
}

static int cache_put(struct plm_config_set *cs, const char *dir,
	struct config_file *cf)
{
	if (2 * (cs->slot_count + 1) > cs->slot_cap) {
		size_t old_cap = cs->slot_cap;
		struct dir_slot *old = cs->slots;
		cs->slot_cap = old_cap ? old_cap * 2 : 64;
		cs->slots = plm_calloc(cs->slot_cap, sizeof(*cs->slots));
		if (cs->slots == NULL) {
			cs->slots = old;
			cs->slot_cap = old_cap;
			return PLM_ENOMEM;
		}
		for (size_t i = 0; i < old_cap; i++) {
			if (old[i].dir != NULL) {
				cs->slots[slot_of(cs, old[i].dir)] = old[i];
			}
		}
		plm_free(old);
	}
	struct dir_slot *s = &cs->slots[slot_of(cs, dir)];
	if (s->dir == NULL) {
		s->dir = plm_arena_strdup(cs->arena, dir);
		if (s->dir == NULL) {
			return PLM_ENOMEM;
		}
		cs->slot_count++;
	}
	s->config = cf;
	return 0;
}

/* ---- parsing ----------------------------------------------------------- */

static const char *kind_text(const struct plm_node *n)
{
	switch (n->kind) {
	case PLM_NODE_MAP:
		return "a mapping";
	case PLM_NODE_SEQ:
		return "a list";
	case PLM_NODE_NULL:
		return "nothing";
	case PLM_NODE_BOOL:
		return "a boolean";
	case PLM_NODE_INT:
	case PLM_NODE_FLOAT:
		return "a number";
	case PLM_NODE_STRING:
		return "a string";
	}
	return "?";
}

static bool is_map(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *n, const char *key)
{
	if (n->kind == PLM_NODE_MAP) {
		return true;
	}
	problem(cs, cf, n->span, "'%s' takes a mapping, not %s", key,
		kind_text(n));
	return false;
}

/* Checks that every key of map is one of names (NULL-terminated). */
static bool known_keys(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *map, const char *const *names, const char *in)
{
	bool ok = true;
	for (size_t i = 0; i < map->as.map.count; i++) {
		const struct plm_entry *e = &map->as.map.entries[i];
		bool found = false;
		for (const char *const *n = names; *n != NULL && !found; n++) {
			found = strcmp(*n, e->key) == 0;
		}
		if (!found) {
			char list[256] = "";
			size_t used = 0;
			for (const char *const *n = names;
				*n != NULL && used < sizeof(list); n++) {
				int k = snprintf(list + used,
					sizeof(list) - used, "%s%s",
					n == names ? "" : ", ", *n);
				used += k > 0 ? (size_t)k : 0;
			}
			problem(cs, cf, e->key_span,
				"unknown key '%s' in %s (expected one of: %s)",
				e->key, in, list);
			ok = false;
		}
	}
	return ok;
}

/* A sequence of strings into a NULL-terminated array in the arena. */
static const char **strings(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *n, const char *key, size_t *count)
{
	*count = 0;
	if (n->kind != PLM_NODE_SEQ) {
		problem(cs, cf, n->span, "'%s' takes a list of strings, not %s",
			key, kind_text(n));
		return NULL;
	}
	const char **out = plm_arena_alloc(cs->arena,
		(n->as.seq.count + 1) * sizeof(*out));
	if (out == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < n->as.seq.count; i++) {
		const struct plm_node *item = n->as.seq.items[i];
		if (item->kind != PLM_NODE_STRING) {
			problem(cs, cf, item->span,
				"'%s' takes a list of strings: this item is %s",
				key, kind_text(item));
			return NULL;
		}
		out[(*count)++] = item->as.string.ptr;
	}
	return out;
}

static bool parse_globs(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *n, const char *key, struct globs *g)
{
	g->items = strings(cs, cf, n, key, &g->count);
	if (g->items == NULL) {
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < g->count; i++) {
		const char *why = plm_glob_check(g->items[i]);
		if (why != NULL) {
			problem(cs, cf, n->as.seq.items[i]->span,
				"bad glob '%s': %s", g->items[i], why);
			ok = false;
		}
	}
	return ok;
}

static int parse_severity(const char *text, bool none_ok)
{
	if (none_ok && strcmp(text, "none") == 0) {
		return PLM_CONFIG_FAIL_ON_NONE;
	}
	return plm_severity_parse(text);
}

static void parse_rule(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_entry *e)
{
	static const char *const keys[] = {"enabled", "severity", "settings",
		NULL};
	const struct plm_node *n = e->value;
	if (!is_map(cs, cf, n, e->key)) {
		return;
	}
	known_keys(cs, cf, n, keys, "a rule");
	const struct plm_node *v = plm_node_get(n, "enabled");
	if (v != NULL && v->kind != PLM_NODE_BOOL) {
		problem(cs, cf, v->span,
			"'enabled' takes true or false, not %s", kind_text(v));
	}
	v = plm_node_get(n, "severity");
	if (v != NULL &&
		(v->kind != PLM_NODE_STRING ||
			parse_severity(v->as.string.ptr, false) < 0)) {
		problem(cs, cf, v->span,
			"'severity' takes critical, high, medium, low or info");
	}
	v = plm_node_get(n, "settings");
	if (v != NULL) {
		is_map(cs, cf, v, "settings");
	}
}

static void parse_layer(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *map, struct layer *l)
{
	const struct plm_node *rules = plm_node_get(map, "rules");
	if (rules != NULL && rules->kind != PLM_NODE_NULL &&
		is_map(cs, cf, rules, "rules")) {
		l->rules = rules;
		for (size_t i = 0; i < rules->as.map.count; i++) {
			parse_rule(cs, cf, &rules->as.map.entries[i]);
		}
	}
	const struct plm_node *settings = plm_node_get(map, "settings");
	if (settings != NULL && settings->kind != PLM_NODE_NULL &&
		is_map(cs, cf, settings, "settings")) {
		l->settings = settings;
	}
}

static void parse_include_exclude(struct plm_config_set *cs,
	struct config_file *cf, const struct plm_node *n, const char *key,
	struct globs *include, struct globs *exclude,
	const struct plm_node **inc_node, const struct plm_node **exc_node)
{
	static const char *const keys[] = {"include", "exclude", NULL};
	if (!is_map(cs, cf, n, key)) {
		return;
	}
	known_keys(cs, cf, n, keys, key);
	const struct plm_node *inc = plm_node_get(n, "include");
	const struct plm_node *exc = plm_node_get(n, "exclude");
	if (include != NULL) {
		if (inc != NULL) {
			parse_globs(cs, cf, inc, "include", include);
		}
		if (exc != NULL) {
			parse_globs(cs, cf, exc, "exclude", exclude);
		}
		return;
	}
	size_t count;
	if (inc != NULL && strings(cs, cf, inc, "include", &count) != NULL) {
		*inc_node = inc;
	}
	if (exc != NULL && strings(cs, cf, exc, "exclude", &count) != NULL) {
		*exc_node = exc;
	}
}

static void add_policy_dir(struct plm_config_set *cs, const char *dir)
{
	for (size_t i = 0; i < cs->policy_dir_count; i++) {
		if (strcmp(cs->policy_dirs[i], dir) == 0) {
			return;
		}
	}
	if (cs->policy_dir_count == cs->policy_dir_cap) {
		size_t ncap = cs->policy_dir_cap ? cs->policy_dir_cap * 2 : 4;
		const char **n = plm_arena_realloc(cs->arena, cs->policy_dirs,
			cs->policy_dir_cap * sizeof(*n), ncap * sizeof(*n));
		if (n == NULL) {
			return;
		}
		cs->policy_dirs = n;
		cs->policy_dir_cap = ncap;
	}
	cs->policy_dirs[cs->policy_dir_count++] = dir;
}

static void parse_policy_dirs(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *n)
{
	size_t count = 0;
	const char **dirs = strings(cs, cf, n, "policy-dirs", &count);
	for (size_t i = 0; dirs != NULL && i < count; i++) {
		const char *path = plm_path_join(cs->arena, cf->dir, dirs[i]);
		struct stat st;
		if (path == NULL) {
			return;
		}
		if (stat(path, &st) != 0) {
			problem(cs, cf, n->as.seq.items[i]->span,
				"policy directory '%s' (%s): %s", dirs[i], path,
				strerror(errno));
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			problem(cs, cf, n->as.seq.items[i]->span,
				"policy directory '%s' (%s) is not a directory",
				dirs[i], path);
			continue;
		}
		add_policy_dir(cs, path);
	}
}

static void parse_overrides(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *n)
{
	static const char *const keys[] = {"paths", "rules", "settings", NULL};
	if (n->kind != PLM_NODE_SEQ) {
		problem(cs, cf, n->span,
			"'overrides' takes a list of mappings, not %s",
			kind_text(n));
		return;
	}
	if (n->as.seq.count > PLM_CONFIG_MAX_OVERRIDES) {
		problem(cs, cf, n->span,
			"'overrides' holds at most %d entries, not %zu",
			PLM_CONFIG_MAX_OVERRIDES, n->as.seq.count);
		return;
	}
	cf->overrides = plm_arena_alloc(cs->arena,
		(n->as.seq.count + 1) * sizeof(*cf->overrides));
	if (cf->overrides == NULL) {
		return;
	}
	for (size_t i = 0; i < n->as.seq.count; i++) {
		const struct plm_node *item = n->as.seq.items[i];
		struct layer *l = &cf->overrides[cf->override_count++];
		if (!is_map(cs, cf, item, "overrides item")) {
			continue;
		}
		known_keys(cs, cf, item, keys, "an override");
		const struct plm_node *paths = plm_node_get(item, "paths");
		if (paths == NULL) {
			problem(cs, cf, item->span,
				"an override needs 'paths': the globs of the "
				"files it applies to");
		} else {
			parse_globs(cs, cf, paths, "paths", &l->paths);
		}
		parse_layer(cs, cf, item, l);
	}
}

static void parse_root(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *root)
{
	static const char *const keys[] = {"rules", "tags", "paths",
		"policy-dirs", "fail-on", "settings", "overrides", NULL};
	if (root->kind == PLM_NODE_NULL) {
		return; /* an empty file: nothing set */
	}
	if (!is_map(cs, cf, root, "the configuration")) {
		return;
	}
	known_keys(cs, cf, root, keys, "the configuration");
	parse_layer(cs, cf, root, &cf->top);
	const struct plm_node *n = plm_node_get(root, "tags");
	if (n != NULL) {
		parse_include_exclude(cs, cf, n, "tags", NULL, NULL,
			&cf->tags_include, &cf->tags_exclude);
	}
	n = plm_node_get(root, "paths");
	if (n != NULL) {
		parse_include_exclude(cs, cf, n, "paths", &cf->include,
			&cf->exclude, NULL, NULL);
	}
	n = plm_node_get(root, "policy-dirs");
	if (n != NULL) {
		parse_policy_dirs(cs, cf, n);
	}
	n = plm_node_get(root, "fail-on");
	if (n != NULL) {
		cf->fail_on = n->kind == PLM_NODE_STRING
			? parse_severity(n->as.string.ptr, true)
			: -1;
		if (cf->fail_on < 0) {
			problem(cs, cf, n->span,
				"'fail-on' takes critical, high, medium, low, "
				"info or none");
		}
		cf->fail_on_origin = origin_of(cs, cf, n->span);
	}
	n = plm_node_get(root, "overrides");
	if (n != NULL) {
		parse_overrides(cs, cf, n);
	}
}

/* The path shown for an absolute path: relative to the current directory
 * when under it. */
static const char *shown_path(struct plm_config_set *cs, const char *abs)
{
	size_t n = strlen(cs->cwd);
	if (strcmp(cs->cwd, "/") != 0 && strncmp(abs, cs->cwd, n) == 0 &&
		abs[n] == '/') {
		return plm_arena_strdup(cs->arena, abs + n + 1);
	}
	return plm_arena_strdup(cs->arena, abs);
}

/* Reads and parses the configuration at abs (absolute). Returns NULL only
 * when out of memory; a file with problems comes back broken. */
static struct config_file *load_file(struct plm_config_set *cs, const char *abs)
{
	struct config_file *cf = plm_arena_alloc(cs->arena, sizeof(*cf));
	const char *slash = strrchr(abs, '/');
	if (cf == NULL || slash == NULL) {
		return NULL;
	}
	cf->fail_on = -1;
	cf->shown = shown_path(cs, abs);
	cf->dir = slash == abs
		? "/"
		: plm_arena_strndup(cs->arena, abs, (size_t)(slash - abs));
	if (cf->shown == NULL || cf->dir == NULL) {
		return NULL;
	}
	cs->files_read++;
	struct plm_source *src = NULL;
	int rc = plm_source_read(abs, cf->shown, PLM_CONFIG_MAX_SIZE, &src);
	if (rc != 0) {
		add_line(cs, "%s: cannot read the configuration: %s", cf->shown,
			rc == PLM_ELIMIT ? "larger than 1M" : strerror(errno));
		cf->broken = true;
		cf->next = cs->files;
		cs->files = cf;
		return cf;
	}
	cf->doc = plm_doc_create_take(src, PLM_KIND_UNKNOWN);
	if (cf->doc == NULL) {
		return NULL;
	}
	cf->next = cs->files;
	cs->files = cf;
	struct plm_node *tree = NULL;
	if (plm_yaml_load(cf->doc, 0, PLM_YAML_SCHEMA_CORE, &tree) != 0) {
		return NULL;
	}
	for (size_t i = 0; i < cf->doc->diag_count; i++) {
		const struct plm_diag *d = &cf->doc->diags[i];
		if (d->level == PLM_DIAG_ERROR) {
			problem(cs, cf, d->span, "%s", d->message);
		}
	}
	if (cf->broken || tree == NULL || tree->as.seq.count == 0) {
		return cf;
	}
	if (tree->as.seq.count > 1) {
		problem(cs, cf, tree->as.seq.items[1]->span,
			"a configuration is one YAML document, not %zu",
			tree->as.seq.count);
		return cf;
	}
	parse_root(cs, cf, tree->as.seq.items[0]);
	return cf;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The configuration in directory dir itself: *found false when there is
 * none. Returns 0 or PLM_ENOMEM. */
static int look_in(struct plm_config_set *cs, const char *dir,
	struct config_file **cf, bool *found)
{
	char a[PATH_MAX + 32], b[PATH_MAX + 32];
	const char *sep = strcmp(dir, "/") == 0 ? "" : "/";
	snprintf(a, sizeof(a), "%s%s%s", dir, sep, PLM_CONFIG_NAME);
	snprintf(b, sizeof(b), "%s%s%s", dir, sep, PLM_CONFIG_NAME_ALT);
	bool has_a = is_file(a), has_b = is_file(b);
	*found = has_a || has_b;
	*cf = NULL;
	if (!*found) {
		return 0;
	}
	*cf = load_file(cs, has_a ? a : b);
	if (*cf == NULL) {
		return PLM_ENOMEM;
	}
	if (has_a && has_b) {
		add_line(cs, "%s: both %s and %s are here: keep one",
			(*cf)->shown, PLM_CONFIG_NAME, PLM_CONFIG_NAME_ALT);
		(*cf)->broken = true;
	}
	return 0;
}

/* The configuration for files in dir (absolute, tidy): the nearest
 * .plimsoll.yaml from dir upward, stopping after the repository root (a
 * directory holding .git) or /. Every directory passed is cached. */
static int find_config(struct plm_config_set *cs, const char *dir,
	struct config_file **out)
{
	*out = NULL;
	if (cache_get(cs, dir, out)) {
		return 0;
	}
	char walk[PATH_MAX];
	snprintf(walk, sizeof(walk), "%s", dir);
	struct config_file *cf = NULL;
	for (;;) {
		if (cache_get(cs, walk, &cf)) {
			break;
		}
		cs->dirs_searched++;
		bool found = false;
		int rc = look_in(cs, walk, &cf, &found);
		if (rc != 0) {
			return rc;
		}
		char git[PATH_MAX + 8];
		snprintf(git, sizeof(git), "%s/.git",
			strcmp(walk, "/") == 0 ? "" : walk);
		if (found || strcmp(walk, "/") == 0 || exists(git)) {
			if (cache_put(cs, walk, cf) != 0) {
				return PLM_ENOMEM;
			}
			break;
		}
		char *slash = strrchr(walk, '/');
		if (slash == walk) {
			walk[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
	/* The directories between dir and where the walk ended. */
	char again[PATH_MAX];
	snprintf(again, sizeof(again), "%s", dir);
	while (strcmp(again, walk) != 0 && strlen(again) > strlen(walk)) {
		if (cache_put(cs, again, cf) != 0) {
			return PLM_ENOMEM;
		}
		char *slash = strrchr(again, '/');
		if (slash == again) {
			again[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
	*out = cf;
	return 0;
}

/* path made absolute and tidy, in the arena (NULL: out of memory). */
static const char *absolute(struct plm_config_set *cs, const char *path)
{
	return plm_path_join(cs->arena, cs->cwd, path);
}

/* The directory whose configuration applies to path, in `scratch` (an
 * arena the caller destroys: a lookup made for every file, or for every
 * edit in the language server's long-lived set, keeps nothing; the cache
 * copies what it keeps). */
static const char *dir_for(struct plm_config_set *cs, struct plm_arena *scratch,
	const char *path, bool directory)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		return cs->cwd;
	}
	const char *abs = plm_path_join(scratch, cs->cwd, path);
	if (abs == NULL || directory) {
		return abs;
	}
	const char *slash = strrchr(abs, '/');
	return slash == abs
		? "/"
		: plm_arena_strndup(scratch, abs, (size_t)(slash - abs));
}

/* The configuration file for path: --config, none, or the lookup. */
static int config_for(struct plm_config_set *cs, const char *path,
	bool directory, struct config_file **out)
{
	*out = NULL;
	if (cs->o.disabled) {
		return 0;
	}
	if (cs->o.file != NULL) {
		if (!cs->forced_loaded) {
			const char *abs = absolute(cs, cs->o.file);
			if (abs == NULL) {
				return PLM_ENOMEM;
			}
			cs->forced_loaded = true;
			cs->forced = load_file(cs, abs);
			if (cs->forced == NULL) {
				return PLM_ENOMEM;
			}
		}
		*out = cs->forced;
		return 0;
	}
	struct plm_arena *scratch = plm_arena_create(0);
	const char *dir = scratch != NULL
		? dir_for(cs, scratch, path, directory)
		: NULL;
	int rc = dir != NULL ? find_config(cs, dir, out) : PLM_ENOMEM;
	plm_arena_destroy(scratch);
	return rc;
}

int plm_config_discover_path(struct plm_config_set *cs, const char *path,
	char **error)
{
	struct stat st;
	bool directory = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	struct config_file *cf;
	int rc = config_for(cs, path, directory, &cf);
	if (rc != 0) {
		return rc;
	}
	return take_errors(cs, error);
}

int plm_config_discover(struct plm_config_set *cs,
	const struct plm_project *project, char **error)
{
	size_t count = plm_project_unit_count(project);
	for (size_t i = 0; i < count; i++) {
		const struct plm_unit *u = plm_project_unit(project, i);
		struct config_file *cf;
		int rc = config_for(cs,
			u->path != NULL && strcmp(u->path, "-") != 0 ? u->path
								     : u->shown,
			false, &cf);
		if (rc != 0) {
			return rc;
		}
	}
	return take_errors(cs, error);
}

/* ---- checking against the catalogue ------------------------------------- */

static bool names_policy(const struct plm_policy *p, const char *name)
{
	if (strcmp(p->info.id, name) == 0) {
		return true;
	}
	for (const char *const *a = p->info.aliases; a != NULL && *a; a++) {
		if (strcasecmp(*a, name) == 0) {
			return true;
		}
	}
	return false;
}

static const struct plm_policy *find_policy(const struct plm_engine *e,
	const char *name)
{
	for (size_t i = 0; i < e->all_count; i++) {
		if (names_policy(&e->all[i], name)) {
			return &e->all[i];
		}
	}
	return NULL;
}

/* The selected index of p, or SIZE_MAX when --only/--skip/--tag left it
 * out (it is checked, then ignored). */
static size_t selected(const struct plm_engine *e, const struct plm_policy *p)
{
	size_t index;
	return plm_engine_find(e, p->info.id, &index) != NULL ? index
							      : SIZE_MAX;
}

static struct op *add_op(struct plm_config_set *cs, struct layer *l,
	enum op_kind kind, size_t rule, const char *origin)
{
	if (l->op_count == l->op_cap) {
		size_t ncap = l->op_cap ? l->op_cap * 2 : 16;
		struct op *n = plm_arena_realloc(cs->arena, l->ops,
			l->op_cap * sizeof(*n), ncap * sizeof(*n));
		if (n == NULL) {
			return NULL;
		}
		l->ops = n;
		l->op_cap = ncap;
	}
	struct op *op = &l->ops[l->op_count++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->rule = rule;
	op->origin = origin;
	return op;
}

/* A YAML value as a setting of declaration d. */
static const char *to_value(struct plm_config_set *cs,
	const struct plm_setting_decl *d, const struct plm_node *n,
	struct plm_setting_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (d->type) {
	case PLM_SETTING_STRING:
		if (n->kind != PLM_NODE_STRING) {
			return "expected a string";
		}
		v->string = n->as.string.ptr;
		return NULL;
	case PLM_SETTING_INT:
		if (n->kind != PLM_NODE_INT || n->as.integer < INT_MIN ||
			n->as.integer > INT_MAX) {
			return "expected an integer";
		}
		v->integer = n->as.integer;
		return NULL;
	case PLM_SETTING_BOOL:
		if (n->kind != PLM_NODE_BOOL) {
			return "expected true or false";
		}
		v->boolean = n->as.boolean;
		return NULL;
	case PLM_SETTING_LIST: {
		if (n->kind != PLM_NODE_SEQ) {
			return "expected a list of strings";
		}
		if (n->as.seq.count > PLM_SETTING_MAX_LIST) {
			return "a list holds at most 256 items";
		}
		const char **list = plm_arena_alloc(cs->arena,
			(n->as.seq.count + 1) * sizeof(*list));
		if (list == NULL) {
			return "out of memory";
		}
		for (size_t i = 0; i < n->as.seq.count; i++) {
			const struct plm_node *item = n->as.seq.items[i];
			if (item->kind != PLM_NODE_STRING ||
				item->as.string.len == 0) {
				return "expected a list of non-empty strings";
			}
			list[i] = item->as.string.ptr;
		}
		v->list = list;
		return NULL;
	}
	}
	return "unknown type";
}

static void bind_setting(struct plm_config_set *cs, struct config_file *cf,
	struct layer *l, const struct plm_policy *p, const struct plm_entry *e)
{
	for (size_t k = 0; k < p->setting_count; k++) {
		const struct plm_setting_decl *d = &p->settings[k];
		if (strcmp(d->name, e->key) != 0) {
			continue;
		}
		struct plm_setting_value v;
		const char *why = to_value(cs, d, e->value, &v);
		if (why != NULL) {
			problem(cs, cf, e->value->span,
				"setting %s of rule %s: %s (it is of type %s), "
				"not %s",
				d->name, p->info.id, why,
				plm_setting_type_name(d->type),
				kind_text(e->value));
			return;
		}
		size_t rule = selected(cs->engine, p);
		if (rule == SIZE_MAX) {
			return;
		}
		struct op *op = add_op(cs, l, OP_SETTING, rule,
			origin_of(cs, cf, e->value->span));
		if (op != NULL) {
			op->setting = k;
			op->v = v;
		}
		return;
	}
	char names[512] = "";
	size_t used = 0;
	for (size_t k = 0; k < p->setting_count && used < sizeof(names); k++) {
		int n = snprintf(names + used, sizeof(names) - used, "%s%s",
			k ? ", " : "", p->settings[k].name);
		used += n > 0 ? (size_t)n : 0;
	}
	problem(cs, cf, e->key_span,
		"rule %s has no setting '%s' (its settings: %s)", p->info.id,
		e->key, p->setting_count ? names : "none");
}

/* `settings:` beside `rules:`: each name set for every rule declaring it. */
static void bind_shared(struct plm_config_set *cs, struct config_file *cf,
	struct layer *l)
{
	const struct plm_engine *e = cs->engine;
	for (size_t i = 0; l->settings && i < l->settings->as.map.count; i++) {
		const struct plm_entry *s = &l->settings->as.map.entries[i];
		bool declared = false;
		for (size_t k = 0; k < e->all_count; k++) {
			const struct plm_policy *p = &e->all[k];
			for (size_t j = 0; j < p->setting_count && !declared;
				j++) {
				declared = strcmp(p->settings[j].name,
						   s->key) == 0;
			}
		}
		if (!declared) {
			problem(cs, cf, s->key_span,
				"unknown setting '%s': no rule declares it "
				"(see plimsoll explain RULE)",
				s->key);
			continue;
		}
		for (size_t k = 0; k < e->all_count; k++) {
			const struct plm_policy *p = &e->all[k];
			for (size_t j = 0; j < p->setting_count; j++) {
				if (strcmp(p->settings[j].name, s->key) == 0) {
					bind_setting(cs, cf, l, p, s);
				}
			}
		}
	}
}

static void bind_rules(struct plm_config_set *cs, struct config_file *cf,
	struct layer *l)
{
	for (size_t i = 0; l->rules && i < l->rules->as.map.count; i++) {
		const struct plm_entry *r = &l->rules->as.map.entries[i];
		const struct plm_policy *p = find_policy(cs->engine, r->key);
		if (p == NULL) {
			problem(cs, cf, r->key_span,
				"unknown rule '%s' (see plimsoll rules)",
				r->key);
			continue;
		}
		if (r->value->kind != PLM_NODE_MAP) {
			continue; /* reported by discover */
		}
		size_t rule = selected(cs->engine, p);
		const struct plm_node *v = plm_node_get(r->value, "enabled");
		if (v != NULL && v->kind == PLM_NODE_BOOL && rule != SIZE_MAX) {
			struct op *op = add_op(cs, l, OP_ENABLE, rule,
				origin_of(cs, cf, v->span));
			if (op != NULL) {
				op->value = v->as.boolean;
			}
		}
		v = plm_node_get(r->value, "severity");
		if (v != NULL && v->kind == PLM_NODE_STRING &&
			rule != SIZE_MAX) {
			struct op *op = add_op(cs, l, OP_SEVERITY, rule,
				origin_of(cs, cf, v->span));
			if (op != NULL) {
				op->value = parse_severity(v->as.string.ptr,
					false);
			}
		}
		v = plm_node_get(r->value, "settings");
		for (size_t k = 0; v != NULL && v->kind == PLM_NODE_MAP &&
			k < v->as.map.count;
			k++) {
			bind_setting(cs, cf, l, p, &v->as.map.entries[k]);
		}
	}
}

static bool has_tag(const struct plm_rule_info *r, const char *tag)
{
	for (const char *const *t = r->tags; t != NULL && *t; t++) {
		if (strcasecmp(*t, tag) == 0) {
			return true;
		}
	}
	return false;
}

/* tags: include / exclude, as operations that turn rules off. */
static void bind_tags(struct plm_config_set *cs, struct config_file *cf,
	const struct plm_node *list, bool include)
{
	const struct plm_engine *e = cs->engine;
	for (size_t i = 0; list != NULL && i < list->as.seq.count; i++) {
		const struct plm_node *t = list->as.seq.items[i];
		bool known = false;
		for (size_t k = 0; k < e->all_count && !known; k++) {
			known = has_tag(&e->all[k].info, t->as.string.ptr);
		}
		if (!known) {
			problem(cs, cf, t->span,
				"no rule has the tag '%s' (see plimsoll rules)",
				t->as.string.ptr);
		}
	}
	if (list == NULL || cf->broken) {
		return;
	}
	const char *origin = origin_of(cs, cf, list->span);
	for (size_t r = 0; r < e->count; r++) {
		bool hit = false;
		for (size_t i = 0; i < list->as.seq.count && !hit; i++) {
			hit = has_tag(&e->rules[r],
				list->as.seq.items[i]->as.string.ptr);
		}
		if (hit != include) {
			add_op(cs, &cf->top, OP_ENABLE, r, origin);
		}
	}
}

static void bind_file(struct plm_config_set *cs, struct config_file *cf)
{
	if (cf->bound || cf->broken || cf->doc == NULL) {
		return;
	}
	cf->bound = true;
	bind_tags(cs, cf, cf->tags_include, true);
	bind_tags(cs, cf, cf->tags_exclude, false);
	bind_shared(cs, cf, &cf->top);
	bind_rules(cs, cf, &cf->top);
	for (size_t i = 0; i < cf->override_count; i++) {
		bind_shared(cs, cf, &cf->overrides[i]);
		bind_rules(cs, cf, &cf->overrides[i]);
	}
}

/* The settings --set fixes: bit k of locked[rule] for setting k. */
static int lock_cli_settings(struct plm_config_set *cs)
{
	const struct plm_engine *e = cs->engine;
	cs->locked = plm_calloc(e->count ? e->count : 1, sizeof(*cs->locked));
	if (cs->locked == NULL) {
		return PLM_ENOMEM;
	}
	const struct plm_settings *s = cs->o.cli_settings;
	for (size_t i = 0; i < plm_settings_count(s); i++) {
		const char *rule, *key, *value, *origin;
		plm_settings_at(s, i, &rule, &key, &value, &origin);
		size_t index;
		if (plm_engine_find(e, rule, &index) == NULL) {
			continue;
		}
		const struct plm_policy *p = &e->policies[index];
		for (size_t k = 0; k < p->setting_count && k < 64; k++) {
			if (strcmp(p->settings[k].name, key) == 0) {
				cs->locked[index] |= (uint64_t)1 << k;
			}
		}
	}
	return 0;
}

int plm_config_bind(struct plm_config_set *cs, const struct plm_engine *engine,
	char **error)
{
	*error = NULL;
	if (cs->engine != engine) {
		plm_free(cs->locked);
		cs->engine = engine;
		if (lock_cli_settings(cs) != 0) {
			return PLM_ENOMEM;
		}
	}
	for (struct config_file *cf = cs->files; cf != NULL; cf = cf->next) {
		bind_file(cs, cf);
	}
	return take_errors(cs, error);
}

/* ---- resolving ------------------------------------------------------------ */

/* The table with nothing configured: every selected rule on, at its own
 * severity, with the engine's values (defaults and --set). */
static struct plm_rule_config *base_table(struct plm_config_set *cs)
{
	const struct plm_engine *e = cs->engine;
	struct plm_rule_config *t = plm_arena_alloc(cs->arena,
		(e->count ? e->count : 1) * sizeof(*t));
	for (size_t i = 0; t != NULL && i < e->count; i++) {
		t[i].enabled = true;
		t[i].severity = -1;
		t[i].settings = e->policies[i].values;
	}
	return t;
}

/* Gives rule r of t its own values and origins before one changes. */
static int own_settings(struct plm_config_set *cs, struct plm_rule_config *t,
	size_t r)
{
	if (t[r].setting_origins != NULL) {
		return 0;
	}
	size_t n = t[r].settings.count;
	struct plm_setting_value *v = plm_arena_alloc(cs->arena,
		(n ? n : 1) * sizeof(*v));
	const char **o = plm_arena_alloc(cs->arena, (n ? n : 1) * sizeof(*o));
	if (v == NULL || o == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		v[k] = t[r].settings.values[k];
		o[k] = cs->locked[r] & ((uint64_t)1 << k) ? "--set" : NULL;
	}
	t[r].settings.values = v;
	t[r].setting_origins = o;
	return 0;
}

static int apply_layer(struct plm_config_set *cs, struct plm_rule_config *t,
	const struct layer *l)
{
	for (size_t i = 0; i < l->op_count; i++) {
		const struct op *op = &l->ops[i];
		struct plm_rule_config *rc = &t[op->rule];
		switch (op->kind) {
		case OP_ENABLE:
			rc->enabled = op->value != 0;
			rc->enabled_origin = op->origin;
			break;
		case OP_SEVERITY:
			rc->severity = op->value;
			rc->severity_origin = op->origin;
			break;
		case OP_SETTING:
			if (op->setting < 64 &&
				(cs->locked[op->rule] >> op->setting & 1)) {
				break; /* the command line wins */
			}
			if (own_settings(cs, t, op->rule) != 0) {
				return PLM_ENOMEM;
			}
			((struct plm_setting_value *)rc->settings
					.values)[op->setting] = op->v;
			((const char **)rc->setting_origins)[op->setting] =
				op->origin;
			break;
		}
	}
	return 0;
}

static bool any_glob(const struct globs *g, const char *rel)
{
	for (size_t i = 0; rel != NULL && i < g->count; i++) {
		if (plm_glob_match(g->items[i], rel)) {
			return true;
		}
	}
	return false;
}

/* abs relative to dir, or NULL when it is not under dir. */
static const char *relative_to(const char *dir, const char *abs)
{
	if (strcmp(dir, "/") == 0) {
		return abs + 1;
	}
	size_t n = strlen(dir);
	if (strncmp(abs, dir, n) != 0) {
		return NULL;
	}
	return abs[n] == '/' ? abs + n + 1 : abs[n] == '\0' ? "" : NULL;
}

static int resolve_in(struct plm_config_set *cs, struct config_file *cf,
	const char *abs, const struct plm_file_config **out)
{
	struct resolved **list = cf != NULL ? &cf->resolved : &cs->defaults;
	uint64_t mask = 0;
	bool excluded = false;
	if (cf != NULL) {
		const char *rel = relative_to(cf->dir, abs);
		excluded = (cf->include.count > 0 &&
				   !any_glob(&cf->include, rel)) ||
			any_glob(&cf->exclude, rel);
		for (size_t i = 0; i < cf->override_count; i++) {
			if (any_glob(&cf->overrides[i].paths, rel)) {
				mask |= (uint64_t)1 << i;
			}
		}
	}
	for (struct resolved *r = *list; r != NULL; r = r->next) {
		if (r->mask == mask && r->excluded == excluded) {
			*out = &r->fc;
			return 0;
		}
	}
	struct resolved *r = plm_arena_alloc(cs->arena, sizeof(*r));
	struct plm_rule_config *t = base_table(cs);
	if (r == NULL || t == NULL) {
		return PLM_ENOMEM;
	}
	r->mask = mask;
	r->excluded = excluded;
	r->fc.excluded = excluded;
	r->fc.fail_on = -1;
	r->fc.rules = t;
	if (cf != NULL) {
		r->fc.file = cf->shown;
		r->fc.fail_on = cf->fail_on;
		r->fc.fail_on_origin = cf->fail_on_origin;
		int rc = apply_layer(cs, t, &cf->top);
		for (size_t i = 0; rc == 0 && i < cf->override_count; i++) {
			if (mask >> i & 1) {
				rc = apply_layer(cs, t, &cf->overrides[i]);
			}
		}
		if (rc != 0) {
			return rc;
		}
	}
	for (size_t i = 0; i < cs->engine->count; i++) {
		if (cs->locked[i] != 0 && own_settings(cs, t, i) != 0) {
			return PLM_ENOMEM;
		}
	}
	r->next = *list;
	*list = r;
	*out = &r->fc;
	return 0;
}

int plm_config_resolve(struct plm_config_set *cs, const char *path,
	bool directory, const struct plm_file_config **out, char **error)
{
	*out = NULL;
	*error = NULL;
	if (cs->engine == NULL) {
		return PLM_EINVAL;
	}
	struct config_file *cf = NULL;
	int rc = config_for(cs, path, directory, &cf);
	if (rc != 0) {
		return rc;
	}
	if (cf != NULL && !cf->bound) {
		bind_file(cs, cf);
	}
	rc = take_errors(cs, error);
	if (rc != 0) {
		return rc;
	}
	if (cf != NULL && cf->broken) {
		/* its problems were reported when it was read */
		*error = plm_engine_strdupf("%s: the configuration has errors",
			cf->shown);
		return *error != NULL ? PLM_EINVAL : PLM_ENOMEM;
	}
	struct plm_arena *scratch = plm_arena_create(0);
	const char *abs = path == NULL || strcmp(path, "-") == 0 ? cs->cwd
		: scratch != NULL ? plm_path_join(scratch, cs->cwd, path)
				  : NULL;
	rc = abs != NULL ? resolve_in(cs, cf, abs, out) : PLM_ENOMEM;
	plm_arena_destroy(scratch);
	return rc;
}

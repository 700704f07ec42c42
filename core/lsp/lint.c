/*
 * lsp/lint.c - one document through the engine's run, into diagnostics.
 */
#include "lsp/lint.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/config.h"
#include "engine/project.h"
#include "engine/run.h"
#include "plimsoll/jsonw.h"
#include "util/alloc.h"

/* LSP DiagnosticSeverity. */
enum {
	SEVERITY_ERROR = 1,
	SEVERITY_WARNING = 2,
	SEVERITY_INFORMATION = 3,
	SEVERITY_HINT = 4,
};

struct plm_lsp_linter {
	const struct plm_engine_options *options;
	const struct plm_config_options *config_options;
	struct plm_engine *engine;
	/* The policies compiled once, kept for every lint (NULL: each run
	 * compiles its own, see plm_lsp_linter_create). */
	struct plm_checker *checker;
	/* The configuration files met so far, bound to `engine`, and the
	 * `policy-dirs:` they named that the engine was made with (owned
	 * copies): a file naming another makes the engine again. */
	struct plm_config_set *configs;
	char **config_dirs;
	size_t config_dir_count;
	char *docs_dir; /* docs/rules beside the built-in policies, or NULL */
};

/* docs/rules in the folder that holds the built-in policies' folder, when
 * it exists (a source tree); an install has no rule pages to link. */
static char *find_docs_dir(const struct plm_engine_options *o)
{
	const char *builtin = plm_engine_builtin_dir(o);
	char real[PATH_MAX];
	if (builtin == NULL || realpath(builtin, real) == NULL) {
		return NULL;
	}
	char *slash = strrchr(real, '/');
	if (slash == NULL) {
		return NULL;
	}
	*slash = '\0';
	char dir[PATH_MAX + 16];
	snprintf(dir, sizeof(dir), "%s/docs/rules", real);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		return NULL;
	}
	return plm_strdup(dir);
}

/* An engine (the options' policy directories and those the
 * configuration named) and its checker, both or neither. */
static int make_engine(const struct plm_lsp_linter *l,
	struct plm_engine **engine, struct plm_checker **checker, char **error)
{
	struct plm_engine_options o = *l->options;
	size_t n = o.policy_dir_count + l->config_dir_count;
	const char **dirs = plm_malloc((n ? n : 1) * sizeof(*dirs));
	*checker = NULL;
	*error = NULL;
	if (dirs == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < o.policy_dir_count; i++) {
		dirs[i] = o.policy_dirs[i];
	}
	for (size_t i = 0; i < l->config_dir_count; i++) {
		dirs[o.policy_dir_count + i] = l->config_dirs[i];
	}
	o.policy_dirs = dirs;
	o.policy_dir_count = n;
	int rc = plm_engine_create(&o, engine, error);
	if (rc == 0 &&
		(rc = plm_checker_create(*engine, checker, error)) != 0) {
		plm_engine_destroy(*engine);
		*engine = NULL;
	}
	plm_free(dirs);
	return rc;
}

/* Makes the engine and an empty configuration set again; the old ones
 * stay on failure. */
static int remake(struct plm_lsp_linter *l, char **error)
{
	struct plm_engine *engine;
	struct plm_checker *checker;
	struct plm_config_set *configs = NULL;
	int rc = make_engine(l, &engine, &checker, error);
	if (rc != 0) {
		return rc;
	}
	if (plm_config_set_create(l->config_options, &configs) != 0) {
		plm_checker_destroy(checker);
		plm_engine_destroy(engine);
		return PLM_ENOMEM;
	}
	plm_config_set_destroy(l->configs);
	plm_checker_destroy(l->checker);
	plm_engine_destroy(l->engine);
	l->engine = engine;
	l->checker = checker;
	l->configs = configs;
	return 0;
}

int plm_lsp_linter_create(const struct plm_engine_options *o,
	const struct plm_config_options *config, struct plm_lsp_linter **out,
	char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_lsp_linter *l = plm_calloc(1, sizeof(*l));
	if (l == NULL) {
		return PLM_ENOMEM;
	}
	l->options = o;
	l->config_options = config;
	int rc = remake(l, error);
	if (rc != 0) {
		plm_free(l);
		return rc;
	}
	l->docs_dir = find_docs_dir(o);
	*out = l;
	return 0;
}

static void forget_config_dirs(struct plm_lsp_linter *l)
{
	for (size_t i = 0; i < l->config_dir_count; i++) {
		plm_free(l->config_dirs[i]);
	}
	plm_free(l->config_dirs);
	l->config_dirs = NULL;
	l->config_dir_count = 0;
}

int plm_lsp_linter_reload(struct plm_lsp_linter *l, char **error)
{
	forget_config_dirs(l); /* the files are read again */
	return remake(l, error);
}

void plm_lsp_linter_destroy(struct plm_lsp_linter *l)
{
	if (l == NULL) {
		return;
	}
	forget_config_dirs(l);
	plm_config_set_destroy(l->configs);
	plm_checker_destroy(l->checker);
	plm_engine_destroy(l->engine);
	plm_free(l->docs_dir);
	plm_free(l);
}

static bool known_dir(const struct plm_lsp_linter *l, const char *dir)
{
	for (size_t i = 0; i < l->config_dir_count; i++) {
		if (strcmp(l->config_dirs[i], dir) == 0) {
			return true;
		}
	}
	return false;
}

/* Adds the policy directories the configuration names that the engine
 * was not made with. Returns how many, or -1 when out of memory. */
static long add_config_dirs(struct plm_lsp_linter *l)
{
	size_t count = 0;
	const char *const *dirs = plm_config_policy_dirs(l->configs, &count);
	long added = 0;
	for (size_t i = 0; i < count; i++) {
		if (known_dir(l, dirs[i])) {
			continue;
		}
		char **n = plm_realloc(l->config_dirs,
			(l->config_dir_count + 1) * sizeof(*n));
		char *copy = plm_strdup(dirs[i]);
		if (n == NULL || copy == NULL) {
			if (n != NULL) {
				l->config_dirs = n;
			}
			plm_free(copy);
			return -1;
		}
		l->config_dirs = n;
		l->config_dirs[l->config_dir_count++] = copy;
		added++;
	}
	return added;
}

/* The configuration that applies to path, read (and the engine made
 * again when it names policy directories not loaded yet) and bound.
 * Returns 0, or an error with *error saying where (caller frees). */
static int prepare_config(struct plm_lsp_linter *l, const char *path,
	char **error)
{
	*error = NULL;
	int rc = plm_config_discover_path(l->configs, path, error);
	if (rc != 0) {
		return rc;
	}
	long added = add_config_dirs(l);
	if (added < 0) {
		return PLM_ENOMEM;
	}
	if (added > 0) {
		/* A fresh set, read again, bound to the new engine. */
		if ((rc = remake(l, error)) != 0 ||
			(rc = plm_config_discover_path(l->configs, path,
				 error)) != 0) {
			return rc;
		}
	}
	return plm_config_bind(l->configs, l->engine, error);
}

void plm_lsp_linter_learn(struct plm_lsp_linter *l, const char *path)
{
	char *error = NULL;
	size_t had = l->config_dir_count;
	if (path != NULL &&
		plm_config_discover_path(l->configs, path, &error) == 0 &&
		add_config_dirs(l) > 0) {
		plm_free(error);
		error = NULL;
		if (remake(l, &error) != 0) {
			/* The engine stays as it was, without the new
			 * directories, so the lint tries them and says why. */
			while (l->config_dir_count > had) {
				plm_free(l->config_dirs[--l->config_dir_count]);
			}
		}
	}
	plm_free(error);
}

const struct plm_engine *plm_lsp_linter_engine(const struct plm_lsp_linter *l)
{
	return l->engine;
}

char *plm_lsp_rule_href(const struct plm_lsp_linter *l,
	const struct plm_rule_info *rule)
{
	if (rule->help_uri != NULL) {
		return plm_strdup(rule->help_uri);
	}
	if (l->docs_dir == NULL || strchr(rule->id, '/') != NULL) {
		return NULL; /* a namespaced team rule has no page here */
	}
	char path[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.md", l->docs_dir,
		    rule->id) >= sizeof(path) ||
		stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		return NULL;
	}
	return plm_lsp_path_to_uri(path);
}

enum plm_kind plm_lsp_kind_of_language(const char *language)
{
	static const struct {
		const char *language;
		enum plm_kind kind;
	} names[] = {
		{"dockerfile", PLM_KIND_DOCKERFILE},
		{"containerfile", PLM_KIND_DOCKERFILE},
		{"dockercompose", PLM_KIND_COMPOSE},
		{"docker-compose", PLM_KIND_COMPOSE},
		{"yaml.docker-compose", PLM_KIND_COMPOSE},
		{"compose", PLM_KIND_COMPOSE},
		{"kubernetes", PLM_KIND_KUBERNETES},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(language, names[i].language) == 0) {
			return names[i].kind;
		}
	}
	return PLM_KIND_UNKNOWN;
}

/* ---- positions ------------------------------------------------------- */

/* The diagnostics are written as JSON text as they are made: no tree is
 * built, dumped and freed for each lint (that was a third of an edit's
 * cost on a manifest with a few hundred findings). */

static void write_position(struct plm_jsonw *w, const char *key,
	struct plm_lsp_position p)
{
	plm_jsonw_key(w, key);
	plm_jsonw_object(w);
	plm_jsonw_key_int(w, "line", p.line);
	plm_jsonw_key_int(w, "character", p.character);
	plm_jsonw_close(w, '}');
}

static void write_range(struct plm_jsonw *w, struct plm_lsp_position start,
	struct plm_lsp_position end)
{
	plm_jsonw_key(w, "range");
	plm_jsonw_object(w);
	write_position(w, "start", start);
	write_position(w, "end", end);
	plm_jsonw_close(w, '}');
}

/* A region's range in text (NULL: no text, so from its 1-based code
 * point columns, exact but for characters outside the BMP). */
static void write_region_range(struct plm_jsonw *w,
	const struct plm_source *text, const struct plm_region *r)
{
	struct plm_lsp_position start = {0, 0}, end = {0, 0};
	if (r->start_line == 0) {
		/* the whole file */
	} else if (text != NULL && r->end_offset <= text->len &&
		r->start_offset <= r->end_offset) {
		start = plm_lsp_position_at(text, r->start_offset);
		end = plm_lsp_position_at(text, r->end_offset);
	} else {
		start = (struct plm_lsp_position){r->start_line - 1,
			r->start_column ? r->start_column - 1 : 0};
		end = (struct plm_lsp_position){r->end_line ? r->end_line - 1
							    : start.line,
			r->end_column ? r->end_column - 1 : start.character};
	}
	write_range(w, start, end);
}

/* ---- the run's sink ---------------------------------------------------- */

struct collect {
	const struct plm_lsp_linter *linter;
	const struct plm_lsp_document *doc;
	const struct plm_lsp_documents *open;
	const char *shown;  /* the path the buffer was given */
	struct plm_jsonw w; /* the diagnostics array, open */
	/* Each rule's documentation address, looked up (a stat) once per
	 * lint: hrefs[i] for rule i once href_known[i]. */
	char **hrefs;
	bool *href_known;
	size_t rule_count;
	bool oom;
};

static int severity_of(enum plm_severity s)
{
	switch (s) {
	case PLM_SEVERITY_CRITICAL:
	case PLM_SEVERITY_HIGH:
		return SEVERITY_ERROR;
	case PLM_SEVERITY_MEDIUM:
		return SEVERITY_WARNING;
	case PLM_SEVERITY_LOW:
		return SEVERITY_INFORMATION;
	default:
		return SEVERITY_HINT;
	}
}

static bool is_this_file(const struct collect *c, const char *path)
{
	return path != NULL && strcmp(path, c->shown) == 0;
}

/* The text of another file a related location points into: an open
 * document's, else the file on disk (*owned set: free it). */
static const struct plm_source *text_of(const struct collect *c,
	const char *path, struct plm_source **owned)
{
	*owned = NULL;
	if (is_this_file(c, path)) {
		return c->doc->text;
	}
	const struct plm_lsp_document *d = plm_lsp_documents_find_path(c->open,
		path);
	if (d != NULL) {
		return d->text;
	}
	if (plm_source_read(path, path, PLM_MAX_FILE_SIZE, owned) != 0) {
		*owned = NULL;
	}
	return *owned;
}

static char *uri_of(const struct collect *c, const char *path)
{
	if (is_this_file(c, path)) {
		return plm_strdup(c->doc->uri);
	}
	if (path[0] == '/') {
		return plm_lsp_path_to_uri(path);
	}
	char real[PATH_MAX];
	return realpath(path, real) ? plm_lsp_path_to_uri(real) : NULL;
}

/* The start of a diagnostic: its range, severity, code, source and
 * message; the object is left open for what else it has. */
static void open_diagnostic(struct plm_jsonw *w, const struct plm_source *text,
	const struct plm_region *region, int severity, const char *code,
	const char *message)
{
	plm_jsonw_object(w);
	write_region_range(w, text, region);
	plm_jsonw_key_int(w, "severity", severity);
	plm_jsonw_key_string(w, "code", code);
	plm_jsonw_key_string(w, "source", "plimsoll");
	plm_jsonw_key_string(w, "message", message);
}

/* A related location: {location: {uri, range}, message}. */
static void write_related_location(struct plm_jsonw *w, const char *uri,
	const struct plm_source *text, const struct plm_region *region,
	const char *message)
{
	plm_jsonw_object(w);
	plm_jsonw_key(w, "location");
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "uri", uri);
	write_region_range(w, text, region);
	plm_jsonw_close(w, '}');
	plm_jsonw_key_string(w, "message", message);
	plm_jsonw_close(w, '}');
}

/* Opens a diagnostic's relatedInformation array before its first item. */
static void open_related(struct plm_jsonw *w, bool *opened)
{
	if (!*opened) {
		plm_jsonw_key(w, "relatedInformation");
		plm_jsonw_array(w);
		*opened = true;
	}
}

static void write_related(const struct collect *c, struct plm_jsonw *w,
	const struct plm_finding *f)
{
	bool opened = false;
	for (size_t i = 0; i < f->related_count; i++) {
		const struct plm_related_location *rel = &f->related[i];
		char *uri = rel->path ? uri_of(c, rel->path) : NULL;
		if (uri == NULL) {
			continue;
		}
		open_related(w, &opened);
		struct plm_source *owned;
		const struct plm_source *text = text_of(c, rel->path, &owned);
		write_related_location(w, uri, text, &rel->region,
			rel->message ? rel->message : "related location");
		plm_source_destroy(owned);
		plm_free(uri);
	}
	if (opened) {
		plm_jsonw_close(w, ']');
	}
}

static const char *href_of(struct collect *c, size_t rule)
{
	size_t count = 0;
	const struct plm_rule_info *rules = plm_engine_rules(c->linter->engine,
		&count);
	if (rule >= count || rule >= c->rule_count) {
		return NULL;
	}
	if (!c->href_known[rule]) {
		c->hrefs[rule] = plm_lsp_rule_href(c->linter, &rules[rule]);
		c->href_known[rule] = true;
	}
	return c->hrefs[rule];
}

static void write_finding(struct collect *c, const struct plm_finding *f)
{
	struct plm_jsonw *w = &c->w;
	open_diagnostic(w, c->doc->text, &f->region, severity_of(f->severity),
		f->rule_id, f->message);
	const char *href = href_of(c, f->rule_index);
	if (href != NULL) {
		plm_jsonw_key(w, "codeDescription");
		plm_jsonw_object(w);
		plm_jsonw_key_string(w, "href", href);
		plm_jsonw_close(w, '}');
	}
	bool edits = f->edit_count > 0 && f->edits != NULL;
	if (f->fix != NULL || edits) {
		plm_jsonw_key(w, "data");
		plm_jsonw_object(w);
		if (f->fix != NULL) {
			plm_jsonw_key_string(w, "fix", f->fix);
		}
		if (edits) {
			/* The fix's text edits, for the code action. */
			plm_jsonw_key(w, "edits");
			plm_jsonw_array(w);
			for (size_t i = 0; i < f->edit_count; i++) {
				plm_jsonw_object(w);
				write_region_range(w, c->doc->text,
					&f->edits[i].region);
				plm_jsonw_key_string(w, "newText",
					f->edits[i].text);
				plm_jsonw_close(w, '}');
			}
			plm_jsonw_close(w, ']');
			/* The document version they were made for: a
			 * diagnostic handed back after a change gets no
			 * fix. */
			plm_jsonw_key_int(w, "version", c->doc->version);
		}
		plm_jsonw_close(w, '}');
	}
	write_related(c, w, f);
	plm_jsonw_close(w, '}');
}

static int note_severity(enum plm_notification_kind kind)
{
	switch (kind) {
	case PLM_NOTIFY_PARSE_WARNING:
		return SEVERITY_WARNING;
	case PLM_NOTIFY_NOTE:
		return SEVERITY_INFORMATION;
	default:
		return SEVERITY_ERROR;
	}
}

/* A notification as a diagnostic of its own: a parse error at its
 * position, a policy that failed (at the top, naming the policy), a note.
 * One about another file is placed at the top, naming that file. */
static void write_note(struct collect *c, const struct plm_notification *n)
{
	struct plm_region top = {0};
	bool here = n->path == NULL || is_this_file(c, n->path);
	char *message = NULL;
	if (!here) {
		size_t len = strlen(n->path) + strlen(n->message) + 3;
		message = plm_malloc(len);
		if (message == NULL) {
			c->oom = true;
			return;
		}
		snprintf(message, len, "%s: %s", n->path, n->message);
	}
	open_diagnostic(&c->w, c->doc->text, here ? &n->region : &top,
		note_severity(n->kind),
		n->rule_id != NULL ? n->rule_id : n->code,
		message ? message : n->message);
	plm_jsonw_close(&c->w, '}');
	plm_free(message);
}

static void collect_result(void *ctx, const struct plm_file_result *r)
{
	struct collect *c = ctx;
	for (size_t i = 0; i < r->note_count; i++) {
		const struct plm_notification *n = &r->notes[i];
		/* A YAML file that is none of the three formats (a CI
		 * workflow): not ours to judge, so nothing is shown. */
		if (n->code != NULL &&
			strcmp(n->code, "load/unknown-kind") == 0) {
			continue;
		}
		write_note(c, n);
	}
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct plm_finding *f = &r->findings[i];
		if (f->suppression == PLM_SUPPRESSION_NONE &&
			is_this_file(c, f->path)) {
			write_finding(c, f);
		}
	}
}

/* A diagnostic at the top of the document for what stopped the lint. */
static void write_failure(struct collect *c, const char *code,
	const char *message)
{
	struct plm_region top = {0};
	open_diagnostic(&c->w, NULL, &top, SEVERITY_ERROR, code, message);
	plm_jsonw_close(&c->w, '}');
}

/* One "FILE:LINE:COL: message" line of a configuration error. */
struct config_location {
	char text[PATH_MAX + 512]; /* the line, cut into the parts below */
	const char *path;
	const char *message;
	unsigned long line, column;
};

/* Reads one line of a configuration error; false when it has another
 * shape (not every line of an error names a place). */
static bool config_location_read(struct config_location *loc, const char *line,
	size_t len)
{
	if (len >= sizeof(loc->text)) {
		return false;
	}
	memcpy(loc->text, line, len);
	loc->text[len] = '\0';
	char *sep = strstr(loc->text, ": ");
	char *colon2 = NULL;
	if (sep == NULL) {
		return false;
	}
	*sep = '\0';
	char *colon1 = strrchr(loc->text, ':');
	loc->line = loc->column = 0;
	if (colon1 != NULL) {
		*colon1 = '\0';
		colon2 = strrchr(loc->text, ':');
		loc->column = strtoul(colon1 + 1, NULL, 10);
	}
	if (colon2 == NULL || loc->column == 0 || loc->column > UINT32_MAX ||
		(loc->line = strtoul(colon2 + 1, NULL, 10)) == 0 ||
		loc->line > UINT32_MAX || loc->text[0] != '/') {
		return false;
	}
	*colon2 = '\0';
	loc->path = loc->text;
	loc->message = sep + 2;
	return true;
}

/* A configuration that is wrong: nothing is linted until it is fixed, as
 * `scan` reads nothing; one diagnostic at the top says why, with each
 * problem as a related location in the configuration file. */
static void add_config_error(struct collect *c, const char *error)
{
	struct plm_jsonw *w = &c->w;
	struct plm_region top = {0};
	struct config_location loc;
	open_diagnostic(w, NULL, &top, SEVERITY_ERROR, "config/invalid", error);
	bool opened = false;
	for (const char *p = error; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *uri = config_location_read(&loc, p, len)
			? plm_lsp_path_to_uri(loc.path)
			: NULL;
		p += len + (eol != NULL);
		if (uri == NULL) {
			continue;
		}
		open_related(w, &opened);
		struct plm_region at = {.start_line = (uint32_t)loc.line,
			.start_column = (uint32_t)loc.column,
			.end_line = (uint32_t)loc.line,
			.end_column = (uint32_t)loc.column};
		write_related_location(w, uri, NULL, &at, loc.message);
		plm_free(uri);
	}
	if (opened) {
		plm_jsonw_close(w, ']');
	}
	plm_jsonw_close(w, '}');
}

/* The array closed and handed over as text, or NULL when out of memory. */
static char *finish(struct collect *c)
{
	for (size_t i = 0; i < c->rule_count; i++) {
		plm_free(c->hrefs[i]);
	}
	plm_free(c->hrefs);
	plm_free(c->href_known);
	plm_jsonw_close(&c->w, ']');
	char *text = c->oom || c->w.failed ? NULL
					   : plm_strndup(c->w.data, c->w.len);
	plm_jsonw_free(&c->w);
	return text;
}

char *plm_lsp_lint(struct plm_lsp_linter *l, const struct plm_lsp_document *doc,
	const struct plm_lsp_documents *open)
{
	struct collect c = {
		.linter = l,
		.doc = doc,
		.open = open,
		.shown = doc->path ? doc->path : doc->uri,
	};
	plm_jsonw_init(&c.w, false, 0);
	plm_jsonw_array(&c.w);
	struct plm_project *project = NULL;
	struct plm_project_options po = {0};
	char *error = NULL;
	/* A buffer with no file has no directory to look a configuration
	 * up from. */
	int rc = doc->path != NULL ? prepare_config(l, doc->path, &error) : 0;
	if (rc != 0 && rc != PLM_ENOMEM) {
		add_config_error(&c,
			error ? error : "the configuration is wrong");
		plm_free(error);
		return finish(&c);
	}
	plm_free(error);
	plm_engine_rules(l->engine, &c.rule_count);
	c.hrefs = plm_calloc(c.rule_count + 1, sizeof(*c.hrefs));
	c.href_known = plm_calloc(c.rule_count + 1, sizeof(*c.href_known));
	if (rc != 0 || c.hrefs == NULL || c.href_known == NULL ||
		plm_project_create(&po, &project) != 0 ||
		plm_project_add_buffer(project, c.shown, doc->text->bytes,
			doc->text->len,
			plm_lsp_kind_of_language(doc->language)) != 0) {
		plm_project_destroy(project);
		c.oom = true;
		return finish(&c);
	}
	struct plm_run_options ro = {
		.engine = l->engine,
		.jobs = 1,
		.rule = PLM_RUN_ALL_RULES,
		.no_project_rules = true,
		.no_line_hashes = true, /* diagnostics carry none */
		.checker = l->checker,
		.configs = doc->path != NULL ? l->configs : NULL,
	};
	struct plm_sink sink = {.result = collect_result, .ctx = &c};
	struct plm_run_status st;
	plm_run(project, &ro, &sink, &st);
	/* The checker lives as long as the server: without a collection
	 * after each lint, the incremental collector lets its heap grow to
	 * a few times what one lint needs before it comes round. */
	plm_checker_collect(l->checker);
	if (st.checker_error != NULL) {
		write_failure(&c, "lsp/run-failed", st.checker_error);
		plm_free(st.checker_error);
	}
	if (st.config_error != NULL) {
		add_config_error(&c, st.config_error);
		plm_free(st.config_error);
	}
	if (st.out_of_memory) {
		c.oom = true;
	}
	plm_project_destroy(project);
	return finish(&c);
}

#include "discover/discover.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/source.h"
#include "util/alloc.h"

/* Folders that hold other people's code, build output of tools or tool
 * state, never the project's own configuration. `vendor` and `target` are
 * walked: they are project folders often enough (docs/discovery.md). */
static const char *const skipped_dirs[] = {
	".git",
	".hg",
	".svn",
	".bzr",
	"_darcs",
	"CVS",
	"node_modules",
	"bower_components",
	".terraform",
	".terragrunt-cache",
	"__pycache__",
	".venv",
	".tox",
	".mypy_cache",
	".pytest_cache",
	".gradle",
	".cache",
	".idea",
	".vscode",
	NULL,
};

/* After a Dockerfile or Compose name, these make a template: a note. */
static const char *const template_exts[] = {
	"j2",
	"jinja",
	"jinja2",
	"tmpl",
	"tpl",
	"template",
	"gotmpl",
	"erb",
	"mustache",
	"hbs",
	"handlebars",
	"njk",
	"ejs",
	"liquid",
	"m4",
	"in",
	NULL,
};

/* After a Dockerfile name, these make something else, passed over
 * without a word: documentation, backups, scripts and source code, other
 * formats, archives and checksums. */
static const char *const other_exts[] = {
	/* documentation */
	"md",
	"markdown",
	"mdx",
	"txt",
	"rst",
	"adoc",
	"asciidoc",
	"org",
	"html",
	"htm",
	"pdf",
	"man",
	/* backups and editor files */
	"bak",
	"orig",
	"rej",
	"swp",
	"swo",
	"tmp",
	/* ignore files, scripts, source code */
	"dockerignore",
	"gitignore",
	"sh",
	"bash",
	"zsh",
	"fish",
	"ps1",
	"bat",
	"cmd",
	"py",
	"rb",
	"go",
	"rs",
	"js",
	"mjs",
	"cjs",
	"ts",
	"java",
	"kt",
	"scala",
	"c",
	"h",
	"cc",
	"cpp",
	"cs",
	"php",
	"pl",
	"lua",
	"vim",
	"el",
	"hcl",
	"tf",
	"nix",
	"toml",
	"ini",
	"xml",
	"lock",
	"properties",
	"csv",
	"tsv",
	"log",
	/* pictures, archives, signatures, checksums, patches */
	"svg",
	"png",
	"jpg",
	"jpeg",
	"gif",
	"ico",
	"zip",
	"gz",
	"tgz",
	"tar",
	"xz",
	"bz2",
	"zst",
	"sig",
	"asc",
	"sha256",
	"sha512",
	"md5",
	"patch",
	"diff",
	NULL,
};

static const char *const yaml_exts[] = {"yaml", "yml", NULL};

enum name_class {
	NAME_OTHER, /* not a file plimsoll reads */
	NAME_DOCKERFILE,
	NAME_COMPOSE,
	NAME_CONTENT,  /* YAML or JSON: the content decides */
	NAME_TEMPLATE, /* a Dockerfile or Compose name + a template ext */
	NAME_SCRIPT,   /* a script, Makefile or Markdown: read as commands
			* when a container command is in it (decided at
			* load) */
};

static const char *const script_exts[] = {"sh", "bash", "mk", "md", "markdown",
	NULL};
static const char *const script_names[] = {"Makefile", "makefile",
	"GNUmakefile", NULL};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static bool in_list(const char *const *list, const char *word, size_t len)
{
	for (; *list != NULL; list++) {
		if (strlen(*list) == len &&
			strncasecmp(*list, word, len) == 0) {
			return true;
		}
	}
	return false;
}

/* `stem`, or `stem` + one of . - _ + at least one character. */
static bool is_stem_variant(const char *name, size_t len, const char *stem)
{
	size_t m = strlen(stem);
	if (len < m || strncasecmp(name, stem, m) != 0) {
		return false;
	}
	return len == m ||
		(len > m + 1 &&
			(name[m] == '.' || name[m] == '-' || name[m] == '_'));
}

/* True if name[0..len) ends with `.suffix` after at least one character. */
static bool has_dot_suffix(const char *name, size_t len, const char *suffix)
{
	size_t m = strlen(suffix);
	return len > m + 1 && name[len - m - 1] == '.' &&
		strncasecmp(name + len - m, suffix, m) == 0;
}

static enum name_class classify_n(const char *name, size_t len, int depth)
{
	const char *dot = NULL;
	for (size_t i = len; i > 0; i--) {
		if (name[i - 1] == '.') {
			dot = name + i - 1;
			break;
		}
	}
	const char *ext = dot ? dot + 1 : "";
	size_t ext_len = dot ? len - (size_t)(ext - name) : 0;
	if (len > 0 && name[len - 1] == '~') {
		return NAME_OTHER; /* an editor's backup */
	}
	if (dot != NULL && in_list(yaml_exts, ext, ext_len)) {
		size_t stem = (size_t)(dot - name);
		if (is_stem_variant(name, stem, "compose") ||
			is_stem_variant(name, stem, "docker-compose")) {
			return NAME_COMPOSE;
		}
		return NAME_CONTENT;
	}
	if (dot != NULL && ext_len == 4 && strncasecmp(ext, "json", 4) == 0) {
		return NAME_CONTENT;
	}
	if (depth == 0 &&
		((dot != NULL && dot != name &&
			 in_list(script_exts, ext, ext_len)) ||
			in_list(script_names, name, len))) {
		/* Dockerfile.md is the Dockerfile's documentation: still
		 * Markdown, read as such */
		return NAME_SCRIPT;
	}
	if (dot != NULL && depth == 0 && in_list(template_exts, ext, ext_len)) {
		enum name_class stem = classify_n(name, (size_t)(dot - name),
			1);
		return stem == NAME_DOCKERFILE || stem == NAME_COMPOSE
			? NAME_TEMPLATE
			: NAME_OTHER;
	}
	bool dockerfile = is_stem_variant(name, len, "Dockerfile") ||
		is_stem_variant(name, len, "Containerfile") ||
		has_dot_suffix(name, len, "Dockerfile") ||
		has_dot_suffix(name, len, "Containerfile");
	if (!dockerfile) {
		return NAME_OTHER;
	}
	/* Dockerfile.alpine is a variant, Dockerfile.md its documentation. */
	if (dot != NULL &&
		(in_list(other_exts, ext, ext_len) ||
			in_list(template_exts, ext, ext_len))) {
		return NAME_OTHER;
	}
	return NAME_DOCKERFILE;
}

static enum name_class classify(const char *name)
{
	return classify_n(name, strlen(name), 0);
}

enum plm_kind plm_discover_kind_by_name(const char *path, bool *is_yaml)
{
	switch (classify(base_name(path))) {
	case NAME_DOCKERFILE:
		*is_yaml = false;
		return PLM_KIND_DOCKERFILE;
	case NAME_COMPOSE:
		*is_yaml = false;
		return PLM_KIND_COMPOSE;
	case NAME_CONTENT:
		*is_yaml = true;
		return PLM_KIND_UNKNOWN;
	default:
		*is_yaml = false;
		return PLM_KIND_UNKNOWN;
	}
}

/* An item; st, when not NULL, is what stat said of the file (its size
 * when regular, and its identity). */
static int push_stat(struct plm_discover_list *list, const char *path,
	enum plm_kind kind, bool explicit, const char *problem,
	const struct stat *st)
{
	if (list->count == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 64;
		struct plm_discovered *n = plm_realloc(list->items,
			ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		list->items = n;
		list->cap = ncap;
	}
	struct plm_discovered *d = &list->items[list->count];
	memset(d, 0, sizeof(*d));
	d->path = plm_strdup(path);
	d->problem = problem ? plm_strdup(problem) : NULL;
	if (d->path == NULL || (problem && d->problem == NULL)) {
		plm_free(d->path);
		plm_free(d->problem);
		return PLM_ENOMEM;
	}
	d->kind = kind;
	d->explicit = explicit;
	if (st != NULL) {
		d->size = S_ISREG(st->st_mode) ? (long long)st->st_size : 0;
		d->dev = st->st_dev;
		d->ino = st->st_ino;
		d->identified = true;
	}
	list->count++;
	return 0;
}

static int push(struct plm_discover_list *list, const char *path,
	enum plm_kind kind, bool explicit, const char *problem)
{
	return push_stat(list, path, kind, explicit, problem, NULL);
}

/* A file passed over on purpose: a note with its slug. */
PLM_PRINTF(5, 6)
static int push_note(struct plm_discover_list *list, const char *path,
	enum plm_kind kind, const char *skip_code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int rc = push(list, path, kind, false, msg);
	if (rc == 0) {
		list->items[list->count - 1].skip_code = skip_code;
	}
	return rc;
}

/* The directories on the path from the walk's root, to catch loops through
 * followed symlinks. */
struct ancestors {
	dev_t dev[PLM_DISCOVER_MAX_DEPTH + 1];
	ino_t ino[PLM_DISCOVER_MAX_DEPTH + 1];
	int depth;
};

/* Directories walked so far by (device, inode), when links are followed:
 * a directory reached again through another link is not walked again, so
 * a diamond of links costs one walk per real directory, not one per path.
 * Open addressing, grown at half full. */
struct visited {
	struct dir_id {
		dev_t dev;
		ino_t ino;
		bool used;
	} * slots;
	size_t count;
	size_t cap;
};

static size_t dir_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)dev * 0x9e3779b97f4a7c15u ^ (uint64_t)ino;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9u;
	h ^= h >> 32;
	return (size_t)(h & (cap - 1));
}

/* Adds (dev, ino): 1 if it was new, 0 if already there, PLM_ENOMEM. */
static int visited_add(struct visited *v, dev_t dev, ino_t ino)
{
	if (2 * (v->count + 1) > v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 64;
		struct dir_id *n = plm_calloc(ncap, sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		for (size_t i = 0; i < v->cap; i++) {
			if (v->slots[i].used) {
				size_t j = dir_hash(v->slots[i].dev,
					v->slots[i].ino, ncap);
				while (n[j].used) {
					j = (j + 1) & (ncap - 1);
				}
				n[j] = v->slots[i];
			}
		}
		plm_free(v->slots);
		v->slots = n;
		v->cap = ncap;
	}
	size_t j = dir_hash(dev, ino, v->cap);
	while (v->slots[j].used) {
		if (v->slots[j].dev == dev && v->slots[j].ino == ino) {
			return 0;
		}
		j = (j + 1) & (v->cap - 1);
	}
	v->slots[j] = (struct dir_id){dev, ino, true};
	v->count++;
	return 1;
}

/* One walk of a directory named on the command line. */
struct walker {
	const struct plm_discover_options *o;
	struct visited *visited; /* with --follow-symlinks, else NULL */
	size_t max_size;
	const char *root; /* the walked directory, resolved; NULL if
				  * it could not be */
	struct ancestors anc;
	struct plm_discover_list *list;
	/* The items of list whose first bytes are still to be read. */
	size_t *probes;
	size_t probe_count, probe_cap;
};

/* A directory's entry: its name, and its type as readdir gave it. */
struct entry {
	char *name;
	unsigned char type;
};

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		((const struct entry *)b)->name);
}

static int walk(struct walker *w, const char *dir);

/* Whether path leads outside the walked directory. A path that cannot be
 * resolved counts as outside: it is not read. */
static bool leads_outside(const struct walker *w, const char *path)
{
	char *target = realpath(path, NULL);
	if (target == NULL || w->root == NULL) {
		plm_free(target);
		return true;
	}
	size_t n = strlen(w->root);
	bool outside = !(n == 1 && w->root[0] == '/') &&
		(strncmp(target, w->root, n) != 0 ||
			(target[n] != '/' && target[n] != '\0'));
	plm_free(target);
	return outside;
}

/* Pushes a candidate as an item, to be probed when the walk is done
 * (probe_all): its first bytes read, it stays an item or becomes a note. */
static int probe_and_push(struct walker *w, const char *path,
	enum plm_kind kind, const struct stat *st)
{
	if (plm_array_reserve((void **)&w->probes, &w->probe_cap,
		    w->probe_count, sizeof(*w->probes)) != 0) {
		return PLM_ENOMEM;
	}
	int rc = push_stat(w->list, path, kind, false, NULL, st);
	if (rc == 0) {
		w->probes[w->probe_count++] = w->list->count - 1;
	}
	return rc;
}

/* What reading a candidate's first bytes found. */
enum probe_outcome { PROBE_OK, PROBE_NO_OPEN, PROBE_NO_READ, PROBE_BINARY };

struct probe_result {
	enum probe_outcome outcome;
	int err; /* errno of a failed open or read */
};

/* Opens path and reads its first bytes. Thread-safe: errno only. */
static struct probe_result probe_one(const char *path)
{
	struct probe_result r = {PROBE_OK, 0};
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r.outcome = PROBE_NO_OPEN;
		r.err = errno;
		return r;
	}
	char buf[PLM_DISCOVER_PROBE_SIZE];
	ssize_t n;
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	r.err = errno;
	close(fd);
	if (n < 0) {
		r.outcome = PROBE_NO_READ;
	} else if (memchr(buf, '\0', (size_t)n) != NULL) {
		r.outcome = PROBE_BINARY;
	}
	return r;
}

/* The most threads discovery reads or stats files on. */
#define THREADS_MAX 8

/* A parallel loop: each(ctx, i) for every i below count, the threads
 * taking the next i in turn. */
struct each_job {
	size_t count;
	atomic_size_t next;
	void (*each)(void *ctx, size_t i);
	void *ctx;
};

static void *each_worker(void *arg)
{
	struct each_job *job = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);
		if (i >= job->count) {
			return NULL;
		}
		job->each(job->ctx, i);
	}
}

/* Runs each(ctx, i) for i in 0..count on up to jobs threads, this one
 * among them: one thread more per per_thread items, at most
 * THREADS_MAX. A thread that cannot be started leaves its share to the
 * others. */
static void on_threads(size_t count, size_t per_thread, long jobs,
	void (*each)(void *ctx, size_t i), void *ctx)
{
	struct each_job job = {.count = count, .each = each, .ctx = ctx};
	atomic_init(&job.next, 0);
	long threads = jobs > 1 ? jobs : 1;
	if (threads > THREADS_MAX) {
		threads = THREADS_MAX;
	}
	if ((size_t)threads > count / per_thread + 1) {
		threads = (long)(count / per_thread) + 1;
	}
	pthread_t helpers[THREADS_MAX];
	long started = 0;
	for (; started < threads - 1; started++) {
		if (pthread_create(&helpers[started], NULL, each_worker,
			    &job) != 0) {
			break;
		}
	}
	each_worker(&job);
	for (long i = 0; i < started; i++) {
		pthread_join(helpers[i], NULL);
	}
}

/* The probes of one walk: the items of list at items[i], their results
 * at results[i]. */
struct probes {
	const struct plm_discover_list *list;
	const size_t *items;
	struct probe_result *results;
};

static void probe_at(void *ctx, size_t i)
{
	struct probes *p = ctx;
	p->results[i] = probe_one(p->list->items[p->items[i]].path);
}

/* Candidates a thread more is worth: each probe is three system calls. */
#define PROBES_PER_THREAD 64

/* Turns item d, a candidate whose probe failed, into the note it is. */
static int make_note(struct plm_discovered *d, const char *skip_code,
	const char *fmt, ...) PLM_PRINTF(3, 4);
static int make_note(struct plm_discovered *d, const char *skip_code,
	const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->problem = plm_strdup(msg);
	if (d->problem == NULL) {
		return PLM_ENOMEM;
	}
	d->skip_code = skip_code;
	d->size = 0;
	d->identified = false;
	d->dev = 0;
	d->ino = 0;
	return 0;
}

/* Reads the first bytes of every candidate the walk found, on up to
 * o->jobs threads (this one among them), then makes a note of each that
 * cannot be read or is binary, in the walk's order. */
static int probe_all(struct walker *w)
{
	if (w->probe_count == 0) {
		return 0;
	}
	struct probes job = {
		.list = w->list,
		.items = w->probes,
		.results = plm_calloc(w->probe_count, sizeof(*job.results)),
	};
	if (job.results == NULL) {
		return PLM_ENOMEM;
	}
	on_threads(w->probe_count, PROBES_PER_THREAD, w->o->jobs, probe_at,
		&job);
	int rc = 0;
	for (size_t i = 0; i < w->probe_count && rc == 0; i++) {
		struct plm_discovered *d = &w->list->items[w->probes[i]];
		const struct probe_result *r = &job.results[i];
		if (r->outcome == PROBE_NO_OPEN) {
			rc = make_note(d, "discover/unreadable",
				"cannot open this file: %s; not scanned (give "
				"the scanner read access, or leave the file "
				"out)",
				strerror(r->err));
		} else if (r->outcome == PROBE_NO_READ) {
			rc = make_note(d, "discover/unreadable",
				"cannot read this file: %s; not scanned",
				strerror(r->err));
		} else if (r->outcome == PROBE_BINARY) {
			rc = make_note(d, "discover/binary",
				"binary content (a NUL byte in the first %d "
				"bytes) under a name plimsoll reads; not "
				"scanned (name the file to scan it anyway)",
				PLM_DISCOVER_PROBE_SIZE);
		}
	}
	plm_free(job.results);
	return rc;
}

static bool is_skipped_dir(const char *name)
{
	for (const char *const *s = skipped_dirs; *s; s++) {
		if (strcmp(name, *s) == 0) {
			return true;
		}
	}
	return false;
}

/* visit() of a walk's entry whose type readdir gave (DT_UNKNOWN when it
 * gave none). */
static int visit_typed(struct walker *w, const char *path, const char *name,
	unsigned char type);

static int visit(struct walker *w, const char *path, const char *name)
{
	return visit_typed(w, path, name, DT_UNKNOWN);
}

static int visit_typed(struct walker *w, const char *path, const char *name,
	unsigned char type)
{
	const struct plm_discover_options *o = w->o;
	enum name_class cls = classify(name);
	if (type == DT_REG && cls == NAME_OTHER &&
		o->kind == PLM_KIND_UNKNOWN && strchr(name, '.') != NULL) {
		/* A regular file by a name nothing reads (source code, most of
		 * a tree): no lstat, which would say only that. */
		return 0;
	}
	struct stat lst, st;
	if (lstat(path, &lst) != 0) {
		/* Vanished between readdir and now: nothing to scan. */
		return 0;
	}
	enum plm_kind kind = o->kind;
	if (kind == PLM_KIND_UNKNOWN) {
		kind = cls == NAME_DOCKERFILE ? PLM_KIND_DOCKERFILE
			: cls == NAME_COMPOSE ? PLM_KIND_COMPOSE
					      : PLM_KIND_UNKNOWN;
	}
	/* --kind makes every file found of that kind, whatever its name. An
	 * executable without an extension may be a script (its shebang
	 * decides at load). */
	bool candidate = o->kind != PLM_KIND_UNKNOWN || cls != NAME_OTHER ||
		(strchr(name, '.') == NULL && S_ISREG(lst.st_mode) &&
			(lst.st_mode & 0111) != 0);
	bool is_link = S_ISLNK(lst.st_mode);
	if (is_link && stat(path, &st) != 0) {
		/* A loop of links under a name we read is a broken file
		 * someone meant us to scan: say so. A dangling link is no
		 * file of ours. */
		if (errno == ELOOP && candidate) {
			return push(w->list, path, kind, false,
				"symbolic link loop (too many levels of "
				"symbolic links); not read");
		}
		return 0;
	}
	if (!is_link) {
		st = lst;
	}
	if (S_ISDIR(st.st_mode)) {
		if (is_skipped_dir(name)) {
			return 0;
		}
		if (is_link && !o->follow_symlinks) {
			/* Inside the tree, its files are found where they
			 * are; outside, say what is not walked. */
			if (leads_outside(w, path)) {
				return push_note(w->list, path,
					PLM_KIND_UNKNOWN,
					"discover/symlink-outside", "%s",
					"symbolic link to a directory outside "
					"the scanned directory; not walked "
					"(scan its target by name, or pass "
					"--follow-symlinks)");
			}
			return 0;
		}
		return walk(w, path);
	}
	if (!candidate) {
		return 0;
	}
	if (is_link && !o->follow_symlinks && leads_outside(w, path)) {
		return push_note(w->list, path, kind,
			"discover/symlink-outside", "%s",
			"symbolic link to a file outside the scanned "
			"directory; not read (scan its target by name, or pass "
			"--follow-symlinks)");
	}
	if (cls == NAME_TEMPLATE && o->kind == PLM_KIND_UNKNOWN) {
		return push_note(w->list, path, kind, "discover/template", "%s",
			"a template of a Dockerfile or Compose file; not "
			"scanned (render it and scan the result, or name it "
			"with --kind)");
	}
	if (!S_ISREG(st.st_mode)) {
		/* A FIFO, socket or device with a name we would read: opening
		 * it could block or never end. */
		return push_note(w->list, path, kind, "discover/not-regular",
			"%s",
			"not a regular file (a FIFO, socket or device); "
			"not read");
	}
	if ((unsigned long long)st.st_size > (unsigned long long)w->max_size) {
		return push_note(w->list, path, kind, "discover/too-large",
			"file is larger than the limit of %zu bytes; not "
			"scanned (raise it with --max-file-size)",
			w->max_size);
	}
	return probe_and_push(w, path, kind, &st);
}

static int walk(struct walker *w, const char *dir)
{
	struct ancestors *anc = &w->anc;
	struct plm_discover_list *list = w->list;
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
		snprintf(msg, sizeof(msg),
			"directory nesting deeper than %d "
			"levels; not walked",
			PLM_DISCOVER_MAX_DEPTH);
		return push(list, dir, PLM_KIND_UNKNOWN, true, msg);
	}
	if (w->visited != NULL) {
		int added = visited_add(w->visited, st.st_dev, st.st_ino);
		if (added < 0) {
			return added;
		}
		if (added == 0) {
			/* Already walked under another path: its files are
			 * there already. */
			return 0;
		}
	}
	DIR *d = opendir(dir);
	if (d == NULL) {
		snprintf(msg, sizeof(msg), "cannot read directory: %s",
			strerror(errno));
		return push(list, dir, PLM_KIND_UNKNOWN, true, msg);
	}
	struct entry *names = NULL;
	size_t count = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
			strcmp(e->d_name, "..") == 0) {
			continue;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct entry *n = plm_realloc(names, ncap * sizeof(*n));
			if (n == NULL) {
				rc = PLM_ENOMEM;
				goto done;
			}
			names = n;
			cap = ncap;
		}
		names[count].name = plm_strdup(e->d_name);
		names[count].type = e->d_type;
		if (names[count].name == NULL) {
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
		size_t len = dlen + 1 + strlen(names[i].name) + 1;
		char *path = plm_malloc(len);
		if (path == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		snprintf(path, len, "%s%s%s", dir, slash ? "" : "/",
			names[i].name);
		/* "./x" reads better as "x". */
		const char *shown = strncmp(path, "./", 2) == 0 &&
				strcmp(dir, ".") == 0
			? path + 2
			: path;
		rc = visit_typed(w, shown, names[i].name, names[i].type);
		plm_free(path);
	}
	anc->depth--;
done:
	for (size_t i = 0; i < count; i++) {
		plm_free(names[i].name);
	}
	plm_free(names);
	closedir(d);
	return rc;
}

/* Walks a directory named on the command line. */
/* A walker over dir: the one it starts with, or (name != NULL) the file
 * path, named in dir, judged as the walk would judge it there. */
static int walk_root(const char *dir, const char *path, const char *name,
	const struct plm_discover_options *o, struct visited *visited,
	struct plm_discover_list *list)
{
	struct walker *w = plm_calloc(1, sizeof(*w));
	if (w == NULL) {
		return PLM_ENOMEM;
	}
	w->o = o;
	w->visited = o->follow_symlinks ? visited : NULL;
	w->max_size = o->max_file_size && o->max_file_size < PLM_MAX_FILE_SIZE
		? o->max_file_size
		: PLM_MAX_FILE_SIZE;
	w->list = list;
	char *root = realpath(dir, NULL);
	if (root == NULL && errno == ENOMEM) {
		plm_free(w);
		return PLM_ENOMEM;
	}
	w->root = root;
	int rc = name != NULL ? visit(w, path, name) : walk(w, dir);
	if (rc == 0) {
		rc = probe_all(w);
	}
	plm_free(w->probes);
	plm_free(root);
	plm_free(w);
	return rc;
}

/* Whether a folder of path (not its last part) is one a walk skips. */
static bool under_skipped_dir(const char *path, const char *name)
{
	char part[256];
	for (const char *p = path; p < name;) {
		const char *end = strchr(p, '/');
		size_t n = (size_t)(end - p);
		if (n > 0 && n < sizeof(part)) {
			memcpy(part, p, n);
			part[n] = '\0';
			if (is_skipped_dir(part)) {
				return true;
			}
		}
		p = end + 1;
	}
	return false;
}

/* A file named with filter_named: visited as if found in its directory,
 * and passed over in a folder a walk skips. */
static int visit_named(const char *path, const struct plm_discover_options *o,
	struct visited *visited, struct plm_discover_list *list)
{
	const char *name = base_name(path);
	if (under_skipped_dir(path, name)) {
		return 0;
	}
	size_t dir_len = (size_t)(name - path);
	char *dir = plm_strndup(dir_len > 0 ? path : ".",
		dir_len > 0 ? dir_len : 1);
	if (dir == NULL) {
		return PLM_ENOMEM;
	}
	int rc = walk_root(dir, path, name, o, visited, list);
	plm_free(dir);
	return rc;
}

/* The paths of one plm_discover_stat_all and where their answers go. */
struct stats {
	const char *const *paths;
	struct plm_discover_stat *out;
};

static void stat_at(void *ctx, size_t i)
{
	struct stats *job = ctx;
	struct plm_discover_stat *s = &job->out[i];
	s->rc = stat(job->paths[i], &s->st);
	s->err = s->rc != 0 ? errno : 0;
}

/* Paths a thread more is worth: a stat is one system call. */
#define STATS_PER_THREAD 256

void plm_discover_stat_all(const char *const *paths, size_t count, long jobs,
	struct plm_discover_stat *out)
{
	struct stats job = {.paths = paths, .out = out};
	on_threads(count, STATS_PER_THREAD, jobs, stat_at, &job);
}

/* stat(p), or what o says it gave when it was taken already. */
static int stat_named(const struct plm_discover_options *o, size_t count,
	const char *p, struct stat *st)
{
	if (o->named == NULL || count != 1) {
		return stat(p, st);
	}
	*st = o->named->st;
	errno = o->named->err;
	return o->named->rc;
}

int plm_discover(const char *const *paths, size_t count,
	const struct plm_discover_options *o, struct plm_discover_list *list)
{
	struct visited visited = {0};
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		const char *p = paths[i];
		struct stat st;
		if (strcmp(p, "-") == 0) {
			rc = push(list, p, o->kind, true, NULL);
		} else if (stat_named(o, count, p, &st) != 0) {
			char msg[512];
			snprintf(msg, sizeof(msg), "cannot read: %s",
				strerror(errno));
			rc = push(list, p, PLM_KIND_UNKNOWN, true, msg);
		} else if (S_ISDIR(st.st_mode)) {
			size_t first = list->count;
			rc = walk_root(p, NULL, NULL, o, &visited, list);
			for (size_t k = first; k < list->count; k++) {
				list->items[k].walked = true;
			}
		} else if (o->filter_named) {
			rc = visit_named(p, o, &visited, list);
		} else {
			bool is_yaml;
			enum plm_kind kind = o->kind != PLM_KIND_UNKNOWN
				? o->kind
				: plm_discover_kind_by_name(p, &is_yaml);
			rc = push_stat(list, p, kind, true, NULL, &st);
		}
	}
	plm_free(visited.slots);
	return rc;
}

void plm_discover_list_finish(struct plm_discover_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		plm_free(list->items[i].path);
		plm_free(list->items[i].problem);
	}
	plm_free(list->items);
	memset(list, 0, sizeof(*list));
}

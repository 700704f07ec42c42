#include "output/output.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/alloc.h"

struct output {
	const struct plm_output_plugin *plugin;
	void *state;
	FILE *out;
	bool owns_out;
	bool failed;
	char *buffer; /* out's stdio buffer (owned), or NULL */
	/* Writing to temp_path, renamed to final_path at the end (both
	 * owned); NULL: written in place (stdout, a device, a FIFO). */
	char *temp_path;
	char *final_path;
};

struct plm_output_set {
	struct output *outputs;
	size_t count;
	bool include_suppressed; /* from the run begun last */
	/* Plugins loaded from shared objects, searched before the built-ins. */
	const struct plm_output_plugin **loaded;
	void **handles;
	size_t loaded_count;
};

struct plm_output_set *plm_output_set_create(void)
{
	return plm_calloc(1, sizeof(struct plm_output_set));
}

void plm_output_set_destroy(struct plm_output_set *set)
{
	if (set == NULL) {
		return;
	}
	for (size_t i = 0; i < set->count; i++) {
		struct output *o = &set->outputs[i];
		o->plugin->destroy(o->state);
		if (o->owns_out) {
			fclose(o->out);
		} else {
			fflush(o->out);
		}
		plm_free(o->buffer);
		/* Never ended, or ended in failure: the report is not
		 * complete, and whatever was at the final path stays. */
		if (o->temp_path != NULL) {
			unlink(o->temp_path);
		}
		plm_free(o->temp_path);
		plm_free(o->final_path);
	}
	plm_free(set->outputs);
	for (size_t i = 0; i < set->loaded_count; i++) {
		dlclose(set->handles[i]);
	}
	plm_free(set->loaded);
	plm_free(set->handles);
	plm_free(set);
}

/* A plugin is usable when it speaks an ABI we know and has the two
 * callbacks the host must call. */
static const char *check_plugin(const struct plm_output_plugin *p)
{
	if (p == NULL) {
		return "the entry point returned NULL";
	}
	if (p->abi_version == 0 || p->abi_version > PLM_PLUGIN_ABI_VERSION) {
		return "unsupported plugin ABI version";
	}
	if (p->name == NULL || p->name[0] == '\0') {
		return "the plugin has no name";
	}
	if (p->create == NULL || p->destroy == NULL) {
		return "the plugin lacks create or destroy";
	}
	return NULL;
}

/* The built-in formats: each defines plm_plugin_NAME_entry(), the same
 * entry a shared object exports, and the build lists them in
 * plugins/builtin_plugins.h. */
#define PLM_BUILTIN(name) \
	const struct plm_output_plugin *plm_plugin_##name##_entry(void);
#include "plugins/builtin_plugins.h"
#undef PLM_BUILTIN

static const plm_output_plugin_entry_fn builtin_entries[] = {
#define PLM_BUILTIN(name) plm_plugin_##name##_entry,
#include "plugins/builtin_plugins.h"
#undef PLM_BUILTIN
};

#define BUILTIN_COUNT (sizeof(builtin_entries) / sizeof(builtin_entries[0]))

static const struct plm_output_plugin *builtins[BUILTIN_COUNT + 1];
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

/* A built-in that fails the check a loaded plugin must pass is a build
 * mistake: it is left out, as a loaded one would be refused. */
static void fill_builtins(void)
{
	size_t n = 0;
	for (size_t i = 0; i < BUILTIN_COUNT; i++) {
		const struct plm_output_plugin *p = builtin_entries[i]();
		if (check_plugin(p) == NULL) {
			builtins[n++] = p;
		}
	}
	builtins[n] = NULL;
}

const struct plm_output_plugin *const *plm_output_builtins(void)
{
	pthread_once(&builtins_once, fill_builtins);
	return builtins;
}

const struct plm_output_plugin *plm_output_builtin(const char *name)
{
	for (const struct plm_output_plugin *const *b = plm_output_builtins();
		*b != NULL; b++) {
		if (strcmp((*b)->name, name) == 0) {
			return *b;
		}
	}
	return NULL;
}

int plm_output_set_load(struct plm_output_set *set, const char *path, char *err,
	size_t err_len)
{
	/* dlopen searches the library path for a bare name: insist on a path. */
	char buf[4096];
	if (strchr(path, '/') == NULL) {
		snprintf(buf, sizeof(buf), "./%s", path);
		path = buf;
	}
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(err, err_len, "cannot load plugin %s: %s", path,
			dlerror());
		return PLM_EPLUGIN;
	}
	plm_output_plugin_entry_fn entry;
	void *sym = dlsym(h, PLM_PLUGIN_ENTRY_SYMBOL);
	if (sym == NULL) {
		snprintf(err, err_len, "plugin %s does not export %s", path,
			PLM_PLUGIN_ENTRY_SYMBOL);
		dlclose(h);
		return PLM_EPLUGIN;
	}
	memcpy(&entry, &sym, sizeof(entry));
	const struct plm_output_plugin *p = entry();
	const char *problem = check_plugin(p);
	if (problem != NULL) {
		snprintf(err, err_len, "plugin %s: %s", path, problem);
		dlclose(h);
		return PLM_EPLUGIN;
	}
	const struct plm_output_plugin **nl = plm_realloc(set->loaded,
		(set->loaded_count + 1) * sizeof(*nl));
	if (nl == NULL) {
		dlclose(h);
		return PLM_ENOMEM;
	}
	set->loaded = nl;
	void **nh = plm_realloc(set->handles,
		(set->loaded_count + 1) * sizeof(*nh));
	if (nh == NULL) {
		dlclose(h);
		return PLM_ENOMEM;
	}
	set->handles = nh;
	set->loaded[set->loaded_count] = p;
	set->handles[set->loaded_count] = h;
	set->loaded_count++;
	return 0;
}

static const struct plm_output_plugin *find(const struct plm_output_set *set,
	const char *name)
{
	for (size_t i = set->loaded_count; i-- > 0;) {
		if (strcmp(set->loaded[i]->name, name) == 0) {
			return set->loaded[i];
		}
	}
	return plm_output_builtin(name);
}

bool plm_output_set_knows(const struct plm_output_set *set, const char *format)
{
	return find(set, format) != NULL;
}

/* The stdio buffer of a report written to a file or a pipe. */
#define OUTPUT_BUFFER (64 << 10)

/* The permissions fopen(path, "w") would have given a new file. The umask
 * is read by setting it, so this runs before any thread is started (the
 * output set is built on the main thread, before the run). */
static mode_t new_file_mode(void)
{
	mode_t mask = umask(022);
	umask(mask);
	return 0666 & ~mask;
}

/* Opens a temporary file beside the report at `path` (or beside what a
 * symbolic link there points to), to be renamed over it at the end; or,
 * when path names something other than a regular file (/dev/null, a FIFO),
 * that thing itself. Returns 0 or PLM_EIO / PLM_ENOMEM with a message. */
static int open_report(struct output *o, const char *path, char *err,
	size_t err_len)
{
	struct stat st;
	char *final = NULL;
	mode_t mode = new_file_mode();
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			o->out = fopen(path, "w");
			if (o->out == NULL) {
				goto io_error;
			}
			return 0;
		}
		/* An existing report keeps its permissions; a link keeps
		 * pointing where it did. */
		mode = st.st_mode & 07777;
		final = realpath(path, NULL);
	} else {
		final = plm_strdup(path);
	}
	if (final == NULL) {
		goto io_error;
	}
	const char *slash = strrchr(final, '/');
	size_t dir_len = slash ? (size_t)(slash - final) + 1 : 0;
	const char *base = final + dir_len;
	size_t len = dir_len + strlen(base) + sizeof(".plimsoll-XXXXXX") + 1;
	char *temp = plm_malloc(len);
	if (temp == NULL) {
		plm_free(final);
		return PLM_ENOMEM;
	}
	snprintf(temp, len, "%.*s.%s.plimsoll-XXXXXX", (int)dir_len, final,
		base);
	int fd = mkstemp(temp);
	if (fd < 0 || fchmod(fd, mode) != 0 ||
		(o->out = fdopen(fd, "w")) == NULL) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(temp);
		}
		snprintf(err, err_len,
			"cannot write %s (a temporary file "
			"beside it): %s",
			path, strerror(e));
		plm_free(temp);
		plm_free(final);
		return PLM_EIO;
	}
	o->temp_path = temp;
	o->final_path = final;
	return 0;
io_error:
	snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
	plm_free(final);
	return PLM_EIO;
}

int plm_output_set_add(struct plm_output_set *set, const char *format,
	const char *output_path, bool color, char *err, size_t err_len)
{
	const struct plm_output_plugin *p = find(set, format);
	if (p == NULL) {
		snprintf(err, err_len,
			"unknown format '%s' (see plimsoll scan "
			"--help for the list)",
			format);
		return PLM_EINVAL;
	}
	struct output *n = plm_realloc(set->outputs,
		(set->count + 1) * sizeof(*n));
	if (n == NULL) {
		return PLM_ENOMEM;
	}
	set->outputs = n;
	struct output o = {.plugin = p};
	if (output_path == NULL || strcmp(output_path, "-") == 0) {
		o.out = stdout;
		/* Not a terminal: a larger buffer than stdio's page (a text
		 * scan of the corpus made 7,600 writes of 4 KiB). Nothing has
		 * been written to stdout before the outputs are added. From
		 * the heap, not static storage: the heap's first pages are
		 * already mapped (one huge page, see plm_alloc_tune), where
		 * each 4 KiB of a static buffer is a page fault when first
		 * written. Kept to the end of the process, as stdout is. */
		static char *stdout_buffer;
		if (stdout_buffer == NULL && !isatty(fileno(stdout))) {
			stdout_buffer = plm_malloc(OUTPUT_BUFFER);
			if (stdout_buffer != NULL) {
				(void)setvbuf(stdout, stdout_buffer, _IOFBF,
					OUTPUT_BUFFER);
			}
		}
	} else {
		int rc = open_report(&o, output_path, err, err_len);
		if (rc != 0) {
			return rc;
		}
		/* (glibc takes the size only with a buffer given) */
		o.buffer = plm_malloc(OUTPUT_BUFFER);
		if (o.buffer != NULL) {
			(void)setvbuf(o.out, o.buffer, _IOFBF, OUTPUT_BUFFER);
		}
		o.owns_out = true;
		color = false;
	}
	/* NO_COLOR (https://no-color.org): set and not empty turns colour
	 * off whatever the terminal. */
	const char *no_color = getenv("NO_COLOR");
	struct plm_plugin_options opts = {
		.out = o.out,
		.color = color && isatty(fileno(o.out)) &&
			(no_color == NULL || no_color[0] == '\0'),
	};
	o.state = p->create(&opts);
	if (o.state == NULL) {
		snprintf(err, err_len, "format '%s' could not start", format);
		if (o.owns_out) {
			fclose(o.out);
		}
		plm_free(o.buffer);
		if (o.temp_path != NULL) {
			unlink(o.temp_path);
		}
		plm_free(o.temp_path);
		plm_free(o.final_path);
		return PLM_EPLUGIN;
	}
	set->outputs[set->count++] = o;
	return 0;
}

size_t plm_output_set_count(const struct plm_output_set *set)
{
	return set->count;
}

bool plm_output_set_uses_stdout(const struct plm_output_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		if (!set->outputs[i].owns_out) {
			return true;
		}
	}
	return false;
}

bool plm_output_set_needs_line_hashes(const struct plm_output_set *set)
{
	/* The built-in formats that write no line hash; a loaded plugin
	 * may read any field. */
	static const char *const without[] = {"text", "gnu", "github",
		"checkstyle", "junit", "codeclimate", "html"};
	for (size_t i = 0; i < set->count; i++) {
		const struct plm_output_plugin *p = set->outputs[i].plugin;
		bool known = false;
		for (size_t k = 0; k < sizeof(without) / sizeof(without[0]);
			k++) {
			known = known ||
				(strcmp(p->name, without[k]) == 0 &&
					plm_output_builtin(without[k]) == p);
		}
		if (!known) {
			return true;
		}
	}
	return false;
}

/* Calls one callback on every output that has it and has not failed. */
#define DISPATCH(set, callback, arg) \
	do { \
		int first = 0; \
		for (size_t i = 0; i < (set)->count; i++) { \
			struct output *o = &(set)->outputs[i]; \
			if (o->failed || o->plugin->callback == NULL) { \
				continue; \
			} \
			int rc = o->plugin->callback(o->state, (arg)); \
			if (rc != 0) { \
				o->failed = true; \
				if (first == 0) { \
					first = rc; \
				} \
			} \
		} \
		return first; \
	} while (0)

int plm_output_begin(struct plm_output_set *set, const struct plm_run_info *r)
{
	set->include_suppressed = r->include_suppressed;
	DISPATCH(set, begin, r);
}

int plm_output_finding(struct plm_output_set *set, const struct plm_finding *f)
{
	/* Suppressed findings are the host's to hold back (plugin.h). */
	if (f->suppression != PLM_SUPPRESSION_NONE &&
		!set->include_suppressed) {
		return 0;
	}
	DISPATCH(set, finding, f);
}

int plm_output_notification(struct plm_output_set *set,
	const struct plm_notification *n)
{
	DISPATCH(set, notification, n);
}

int plm_output_end(struct plm_output_set *set, const struct plm_run_summary *s)
{
	int rc = 0;
	for (size_t i = 0; i < set->count; i++) {
		struct output *o = &set->outputs[i];
		if (!o->failed && o->plugin->end != NULL) {
			int r = o->plugin->end(o->state, s);
			if (r != 0) {
				o->failed = true;
				rc = rc ? rc : r;
			}
		}
		if (fflush(o->out) != 0 || ferror(o->out)) {
			o->failed = true;
			rc = rc ? rc : PLM_EIO;
		}
		if (o->temp_path == NULL || o->failed) {
			continue;
		}
		/* The report is complete and flushed: only now does it
		 * replace the old one (a report that failed is left out:
		 * destroy removes it). The stream stays open until destroy,
		 * which a plugin may still rely on; the rename moves the
		 * open file. */
		if (rename(o->temp_path, o->final_path) != 0) {
			o->failed = true;
			rc = rc ? rc : PLM_EIO;
			continue;
		}
		plm_free(o->temp_path);
		o->temp_path = NULL;
	}
	return rc;
}

#include "output/output.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct output {
	const struct plm_output_plugin *plugin;
	void *state;
	FILE *out;
	bool owns_out;
	bool failed;
};

struct plm_output_set {
	struct output *outputs;
	size_t count;
	bool include_suppressed;  /* from the run begun last */
	/* Plugins loaded from shared objects, searched before the built-ins. */
	const struct plm_output_plugin **loaded;
	void **handles;
	size_t loaded_count;
};

struct plm_output_set *plm_output_set_create(void)
{
	return calloc(1, sizeof(struct plm_output_set));
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
	}
	free(set->outputs);
	for (size_t i = 0; i < set->loaded_count; i++) {
		dlclose(set->handles[i]);
	}
	free(set->loaded);
	free(set->handles);
	free(set);
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

int plm_output_set_load(struct plm_output_set *set, const char *path,
	char *err, size_t err_len)
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
	const struct plm_output_plugin **nl = realloc(set->loaded,
		(set->loaded_count + 1) * sizeof(*nl));
	if (nl == NULL) {
		dlclose(h);
		return PLM_ENOMEM;
	}
	set->loaded = nl;
	void **nh = realloc(set->handles, (set->loaded_count + 1) * sizeof(*nh));
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
	for (const struct plm_output_plugin *const *b = plm_output_builtins();
		*b != NULL; b++) {
		if (strcmp((*b)->name, name) == 0) {
			return *b;
		}
	}
	return NULL;
}

int plm_output_set_add(struct plm_output_set *set, const char *format,
	const char *output_path, bool color, char *err, size_t err_len)
{
	const struct plm_output_plugin *p = find(set, format);
	if (p == NULL) {
		snprintf(err, err_len, "unknown format '%s' (see plimsoll scan "
				       "--help for the list)", format);
		return PLM_EINVAL;
	}
	struct output *n = realloc(set->outputs,
		(set->count + 1) * sizeof(*n));
	if (n == NULL) {
		return PLM_ENOMEM;
	}
	set->outputs = n;
	struct output o = {.plugin = p};
	if (output_path == NULL || strcmp(output_path, "-") == 0) {
		o.out = stdout;
	} else {
		o.out = fopen(output_path, "w");
		if (o.out == NULL) {
			snprintf(err, err_len, "cannot write %s: %s",
				output_path, strerror(errno));
			return PLM_EIO;
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

/* Calls one callback on every output that has it and has not failed. */
#define DISPATCH(set, callback, arg)                                         \
	do {                                                                 \
		int first = 0;                                               \
		for (size_t i = 0; i < (set)->count; i++) {                  \
			struct output *o = &(set)->outputs[i];               \
			if (o->failed || o->plugin->callback == NULL) {      \
				continue;                                    \
			}                                                    \
			int rc = o->plugin->callback(o->state, (arg));       \
			if (rc != 0) {                                       \
				o->failed = true;                            \
				if (first == 0) {                            \
					first = rc;                          \
				}                                            \
			}                                                    \
		}                                                            \
		return first;                                                \
	} while (0)

int plm_output_begin(struct plm_output_set *set, const struct plm_run_info *r)
{
	set->include_suppressed = r->include_suppressed;
	DISPATCH(set, begin, r);
}

int plm_output_finding(struct plm_output_set *set, const struct plm_finding *f)
{
	/* Suppressed findings are the host's to hold back (plugin.h). */
	if (f->suppression != PLM_SUPPRESSION_NONE && !set->include_suppressed) {
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
			if (r != 0 && rc == 0) {
				rc = r;
			}
		}
		if (fflush(o->out) != 0 && rc == 0) {
			rc = PLM_EIO;
		}
	}
	return rc;
}

/*
 * gnu - one line per finding in the GNU compiler style editors and quickfix
 * lists read: `file:line:col: severity: message [rule]`.
 */
#include <stdio.h>
#include <stdlib.h>
#include "plimsoll/plugin.h"
#include "plugins/builtins.h"

struct gnu {
	FILE *out;
};

static void *gnu_create(const struct plm_plugin_options *options)
{
	struct gnu *g = calloc(1, sizeof(*g));
	if (g != NULL) {
		g->out = options->out;
	}
	return g;
}

static void print_location(FILE *out, const char *path,
	const struct plm_region *r)
{
	if (r->start_line > 0) {
		fprintf(out, "%s:%u:%u: ", path, r->start_line, r->start_column);
	} else {
		fprintf(out, "%s: ", path);
	}
}

static int gnu_finding(void *self, const struct plm_finding *f)
{
	struct gnu *g = self;
	print_location(g->out, f->path, &f->region);
	fprintf(g->out, "%s: %s [%s]\n", plm_severity_name(f->severity),
		f->message, f->rule_id);
	return ferror(g->out) ? -2 : 0;
}

static const char *note_level(enum plm_notification_kind kind)
{
	switch (kind) {
	case PLM_NOTIFY_PARSE_WARNING: return "warning";
	case PLM_NOTIFY_NOTE: return "note";
	default: return "error";
	}
}

static int gnu_notification(void *self, const struct plm_notification *n)
{
	struct gnu *g = self;
	print_location(g->out, n->path ? n->path : "plimsoll", &n->region);
	fprintf(g->out, "%s: %s [%s]\n", note_level(n->kind), n->message,
		n->code);
	return ferror(g->out) ? -2 : 0;
}

static void gnu_destroy(void *self)
{
	free(self);
}

const struct plm_output_plugin plm_plugin_gnu = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "gnu",
	.description = "file:line:col: severity: message [rule], for editors",
	.create = gnu_create,
	.finding = gnu_finding,
	.notification = gnu_notification,
	.destroy = gnu_destroy,
};

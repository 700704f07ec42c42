/*
 * gnu - one line per finding in the GNU compiler style editors and quickfix
 * lists read: `file:line:col: severity: message [rule]`. Notifications
 * take the same shape with error/warning/note and their code; suppressed
 * findings are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include "plimsoll/error.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

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

/* Writes s with line breaks and other control characters as spaces: one
 * finding is one line. The runs between them go out in one call each
 * (not a locked call per byte). */
static void put_line(FILE *out, const char *s)
{
	const char *p = s != NULL ? s : "";
	for (;;) {
		const char *run = p;
		while (*run != '\0' && (unsigned char)*run >= 0x20 &&
			*run != 0x7F) {
			run++;
		}
		fwrite(p, 1, (size_t)(run - p), out);
		if (*run == '\0') {
			return;
		}
		fputc(' ', out);
		p = run + 1;
	}
}

static void print_location(FILE *out, const char *path,
	const struct plm_region *r)
{
	put_line(out, path);
	if (r->start_line > 0) {
		fprintf(out, ":%u:%u", r->start_line, r->start_column);
	}
	fputs(": ", out);
}

static void print_rest(FILE *out, const char *level, const char *message,
	const char *code)
{
	fprintf(out, "%s: ", level);
	put_line(out, message);
	fputs(" [", out);
	put_line(out, code);
	fputs("]\n", out);
}

static int gnu_finding(void *self, const struct plm_finding *f)
{
	struct gnu *g = self;
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		return 0; /* an editor would list it as a live problem */
	}
	print_location(g->out, f->path, &f->region);
	print_rest(g->out, plm_severity_name(f->severity), f->message,
		f->rule_id);
	return ferror(g->out) ? PLM_EIO : 0;
}

static int gnu_notification(void *self, const struct plm_notification *n)
{
	struct gnu *g = self;
	print_location(g->out, n->path ? n->path : "plimsoll", &n->region);
	print_rest(g->out, plm_output_note_level(n->kind), n->message,
		n->code != NULL ? n->code : "plimsoll");
	return ferror(g->out) ? PLM_EIO : 0;
}

static void gnu_destroy(void *self)
{
	free(self);
}

static const struct plm_output_plugin gnu_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "gnu",
	.description = "file:line:col: severity: message [rule], for editors",
	.create = gnu_create,
	.finding = gnu_finding,
	.notification = gnu_notification,
	.destroy = gnu_destroy,
};

const struct plm_output_plugin *plm_plugin_gnu_entry(void);

const struct plm_output_plugin *plm_plugin_gnu_entry(void)
{
	return &gnu_plugin;
}

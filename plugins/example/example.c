/*
 * example - a third-party output plugin, built outside plimsoll's core as
 * a shared object: CSV, one row per finding,
 *
 *     path,line,column,severity,rule,message
 *
 * quoted as RFC 4180 says. It shows everything a plugin needs: include
 * <plimsoll/plugin.h>, fill a struct plm_output_plugin, export
 * plm_output_plugin_entry(), and keep all state in what create() returns
 * (no globals: the host may run several outputs of one plugin at once).
 * It calls one function of the host's public API, plm_severity_name(),
 * resolved against the plimsoll executable when the plugin is loaded.
 *
 * Build:  cc -shared -fPIC $(pkg-config --cflags plimsoll) example.c \
 *             -o csv.so
 * Use:    plimsoll scan --plugin ./csv.so --format csv .
 */
#include <stdio.h>
#include <stdlib.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "plimsoll/plugin.h"

struct csv {
	FILE *out;
};

static void *csv_create(const struct plm_plugin_options *options)
{
	struct csv *c = calloc(1, sizeof(*c));
	if (c != NULL) {
		c->out = options->out;
	}
	return c;
}

static void csv_destroy(void *self)
{
	free(self);
}

/* A field in double quotes when it holds a comma, a quote or a line
 * break, with its quotes doubled. */
static void field(FILE *out, const char *s)
{
	const char *p = s != NULL ? s : "";
	bool quote = false;
	for (const char *q = p; *q != '\0'; q++) {
		quote = quote || *q == ',' || *q == '"' || *q == '\n' ||
			*q == '\r';
	}
	if (!quote) {
		fputs(p, out);
		return;
	}
	fputc('"', out);
	for (; *p != '\0'; p++) {
		if (*p == '"') {
			fputc('"', out);
		}
		fputc(*p, out);
	}
	fputc('"', out);
}

static int csv_begin(void *self, const struct plm_run_info *run)
{
	struct csv *c = self;
	(void)run;
	fputs("path,line,column,severity,rule,message\r\n", c->out);
	return ferror(c->out) ? PLM_EIO : 0;
}

static int csv_finding(void *self, const struct plm_finding *f)
{
	struct csv *c = self;
	/* A call into the host: the plimsoll executable exports its public
	 * API (PLM_API), which the plugin links against at load time. */
	const char *severity = plm_severity_name(f->severity);
	field(c->out, f->path);
	fprintf(c->out, ",%u,%u,%s,", f->region.start_line,
		f->region.start_column,
		severity != NULL ? severity : "unknown");
	field(c->out, f->rule_id);
	fputc(',', c->out);
	field(c->out, f->message);
	fputs("\r\n", c->out);
	return ferror(c->out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin csv_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "csv",
	.description = "CSV, one row per finding (an example plugin)",
	.create = csv_create,
	.begin = csv_begin,
	.finding = csv_finding,
	.destroy = csv_destroy,
};

const struct plm_output_plugin *plm_output_plugin_entry(void)
{
	return &csv_plugin;
}

/*
 * checkstyle - Checkstyle's XML report, read by reviewdog, Jenkins
 * (Warnings NG) and most CI dashboards:
 *
 *     <checkstyle version="4.3"><file name="F">
 *       <error line="L" column="C" severity="S" message="M"
 *              source="plimsoll.RULE"/></file></checkstyle>
 *
 * File names are relative to the source root (as CI tools resolve them
 * against the checkout). Every scanned file is listed, clean ones as an empty <file>, so a
 * dashboard can tell "fixed" from "not scanned". Severities: critical and
 * high are `error`, medium `warning`, low and info `info`; notifications
 * are `error` (or `warning`/`info`) with source `plimsoll.CODE`.
 * Suppressed findings are left out: the format has no way to mark them.
 * The report is written at end(), grouped by file; each finding's element
 * is written when it comes, into a spool (plimsoll/collect.h).
 */
#include <stdlib.h>
#include "plimsoll/collect.h"
#include "plimsoll/error.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

struct checkstyle {
	FILE *out;
	const struct plm_run_info *run;
	struct plm_spool *spool;
};

static void *checkstyle_create(const struct plm_plugin_options *options)
{
	struct checkstyle *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	c->out = options->out;
	c->spool = plm_spool_create();
	if (c->spool == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

static void checkstyle_destroy(void *self)
{
	struct checkstyle *c = self;
	if (c != NULL) {
		plm_spool_destroy(c->spool);
		free(c);
	}
}

static int checkstyle_begin(void *self, const struct plm_run_info *run)
{
	struct checkstyle *c = self;
	c->run = run;
	return 0;
}

static void error_element(FILE *out, const struct plm_region *r,
	const char *severity, const char *message, const char *source)
{
	fputs("    <error", out);
	if (r->start_line > 0) {
		fprintf(out, " line=\"%u\" column=\"%u\"", r->start_line,
			r->start_column > 0 ? r->start_column : 1);
	}
	fprintf(out, " severity=\"%s\" message=\"", severity);
	plm_output_xml_escape(out, message);
	fputs("\" source=\"plimsoll.", out);
	plm_output_xml_escape(out, source);
	fputs("\"/>\n", out);
}

/* One error element, into the spool as a piece about path. */
static int add_error(struct checkstyle *c, const char *path, bool note,
	const struct plm_region *r, const char *severity, const char *message,
	const char *source)
{
	FILE *out = plm_spool_begin(c->spool, path, note);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	error_element(out, r, severity, message, source);
	return plm_spool_end(c->spool);
}

static int checkstyle_finding(void *self, const struct plm_finding *f)
{
	struct checkstyle *c = self;
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		return 0;
	}
	return add_error(c, f->path, false, &f->region,
		plm_severity_level(f->severity, "info"), f->message,
		f->rule_id);
}

static int checkstyle_notification(void *self, const struct plm_notification *n)
{
	struct checkstyle *c = self;
	return add_error(c, n->path, true, &n->region,
		n->kind == PLM_NOTIFY_PARSE_WARNING  ? "warning"
			: n->kind == PLM_NOTIFY_NOTE ? "info"
						     : "error",
		n->message, n->code != NULL ? n->code : "notification");
}

static int checkstyle_end(void *self, const struct plm_run_summary *sum)
{
	struct checkstyle *c = self;
	struct plm_spool_file *groups;
	size_t count;
	int rc = plm_spool_files(c->spool, sum, &groups, &count);
	if (rc != 0) {
		return rc;
	}
	FILE *out = c->out;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<checkstyle version=\"4.3\">\n",
		out);
	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct plm_spool_file *g = &groups[i];
		bool relative;
		char *name = plm_output_run_path(c->run,
			g->path != NULL ? g->path : "plimsoll", &relative);
		if (name == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		fputs("  <file name=\"", out);
		plm_output_xml_escape(out, name);
		free(name);
		if (g->finding_count == 0 && g->notification_count == 0) {
			fputs("\"/>\n", out);
			continue;
		}
		fputs("\">\n", out);
		rc = plm_spool_write(c->spool, g, false, out);
		if (rc == 0) {
			rc = plm_spool_write(c->spool, g, true, out);
		}
		fputs("  </file>\n", out);
	}
	fputs("</checkstyle>\n", out);
	plm_spool_files_free(groups);
	if (rc != 0) {
		return rc;
	}
	return ferror(out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin checkstyle_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "checkstyle",
	.description = "Checkstyle XML (reviewdog, Jenkins)",
	.create = checkstyle_create,
	.begin = checkstyle_begin,
	.finding = checkstyle_finding,
	.notification = checkstyle_notification,
	.end = checkstyle_end,
	.destroy = checkstyle_destroy,
};

const struct plm_output_plugin *plm_plugin_checkstyle_entry(void);

const struct plm_output_plugin *plm_plugin_checkstyle_entry(void)
{
	return &checkstyle_plugin;
}

/*
 * github - GitHub Actions workflow commands, one per finding, which the
 * runner turns into annotations on the pull request:
 *
 *     ::error file=F,line=L,endLine=E,col=C,endColumn=D,title=T::MESSAGE
 *
 * Levels: critical and high are `error`, medium `warning`, low and info
 * `notice`. Values are escaped as the runner expects (%25, %0D, %0A, and in
 * properties also %3A for ':' and %2C for ','). Paths are made relative to
 * the source root, which is what GitHub resolves them against. col and
 * endColumn are written only for a region on one line (the runner ignores
 * them otherwise); endColumn is the last column inside the region.
 * Suppressed findings are left out: an annotation cannot say it is one.
 */
#include <stdlib.h>
#include <string.h>
#include "plimsoll/error.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

struct github {
	FILE *out;
	const struct plm_run_info *run;
};

static void *github_create(const struct plm_plugin_options *options)
{
	struct github *g = calloc(1, sizeof(*g));
	if (g != NULL) {
		g->out = options->out;
	}
	return g;
}

static void github_destroy(void *self)
{
	free(self);
}

static int github_begin(void *self, const struct plm_run_info *run)
{
	struct github *g = self;
	g->run = run;
	return 0;
}

/* Writes `::LEVEL file=...,line=...` up to and excluding the title. */
static int command_start(struct github *g, const char *level, const char *path,
	const struct plm_region *raw)
{
	fprintf(g->out, "::%s ", level);
	if (path == NULL) {
		return 0;
	}
	bool relative;
	char *shown = plm_output_run_path(g->run, path, &relative);
	if (shown == NULL) {
		return PLM_ENOMEM;
	}
	fputs("file=", g->out);
	plm_output_workflow_escape(g->out, shown, true);
	free(shown);
	if (raw->start_line > 0) {
		struct plm_region r = plm_output_region(raw);
		fprintf(g->out, ",line=%u,endLine=%u", r.start_line,
			r.end_line);
		if (r.end_line == r.start_line) {
			uint32_t last = r.end_column > r.start_column
				? r.end_column - 1
				: r.start_column;
			fprintf(g->out, ",col=%u,endColumn=%u", r.start_column,
				last);
		}
	}
	fputc(',', g->out);
	return 0;
}

static int github_finding(void *self, const struct plm_finding *f)
{
	struct github *g = self;
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		return 0;
	}
	if (command_start(g, plm_severity_level(f->severity, "notice"), f->path,
		    &f->region) != 0) {
		return PLM_ENOMEM;
	}
	const struct plm_rule_info *rule = plm_output_rule(g->run, f->rule_id,
		f->rule_index, NULL);
	fputs("title=", g->out);
	if (rule != NULL && rule->title != NULL) {
		plm_output_workflow_escape(g->out, rule->title, true);
		fputs(" (", g->out);
		plm_output_workflow_escape(g->out, f->rule_id, true);
		fputc(')', g->out);
	} else {
		plm_output_workflow_escape(g->out, f->rule_id, true);
	}
	fputs("::", g->out);
	plm_output_workflow_escape(g->out, f->message, false);
	fputc('\n', g->out);
	return ferror(g->out) ? PLM_EIO : 0;
}

static int github_notification(void *self, const struct plm_notification *n)
{
	struct github *g = self;
	const char *level = n->kind == PLM_NOTIFY_PARSE_WARNING ? "warning"
		: n->kind == PLM_NOTIFY_NOTE                    ? "notice"
								: "error";
	if (command_start(g, level, n->path, &n->region) != 0) {
		return PLM_ENOMEM;
	}
	fputs("title=plimsoll", g->out);
	if (n->code != NULL) {
		fputc(' ', g->out);
		plm_output_workflow_escape(g->out, n->code, true);
	}
	fputs("::", g->out);
	plm_output_workflow_escape(g->out, n->message, false);
	fputc('\n', g->out);
	return ferror(g->out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin github_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "github",
	.description = "GitHub Actions workflow commands (annotations)",
	.create = github_create,
	.begin = github_begin,
	.finding = github_finding,
	.notification = github_notification,
	.destroy = github_destroy,
};

const struct plm_output_plugin *plm_plugin_github_entry(void);

const struct plm_output_plugin *plm_plugin_github_entry(void)
{
	return &github_plugin;
}

/*
 * codeclimate - the Code Climate issue format as GitLab Code Quality reads
 * it (artifacts:reports:codequality): a JSON array of issues with
 * description, check_name, fingerprint, severity and location.path plus
 * location.lines.begin (and end). Schema: docs/schemas/codeclimate.json.
 *
 * Severities: critical -> blocker, high -> critical, medium -> major,
 * low -> minor, info -> info. Paths are relative to the source root, as
 * GitLab resolves them against the repository. Notifications about a file
 * (parse and policy errors) are issues too, in the "Bug Risk" category,
 * so a file plimsoll could not read does not pass silently. Suppressed
 * findings are left out: GitLab has no way to show them as such.
 */
#include <stdlib.h>
#include <jansson.h>
#include "plimsoll/error.h"
#include "plimsoll/jsonw.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

struct codeclimate {
	FILE *out;
	const struct plm_run_info *run;
	json_t *issues;
	bool failed;
};

static void *codeclimate_create(const struct plm_plugin_options *options)
{
	struct codeclimate *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	c->out = options->out;
	c->issues = json_array();
	if (c->issues == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

static void codeclimate_destroy(void *self)
{
	struct codeclimate *c = self;
	if (c != NULL) {
		json_decref(c->issues);
		free(c);
	}
}

static int codeclimate_begin(void *self, const struct plm_run_info *run)
{
	struct codeclimate *c = self;
	c->run = run;
	return 0;
}

static const char *severity_of(enum plm_severity s)
{
	switch (s) {
	case PLM_SEVERITY_CRITICAL:
		return "blocker";
	case PLM_SEVERITY_HIGH:
		return "critical";
	case PLM_SEVERITY_MEDIUM:
		return "major";
	case PLM_SEVERITY_LOW:
		return "minor";
	default:
		return "info";
	}
}

static json_t *location(struct codeclimate *c, const char *path,
	const struct plm_region *raw)
{
	bool relative;
	char *shown = plm_output_run_path(c->run, path, &relative);
	if (shown == NULL) {
		return NULL;
	}
	struct plm_region r = plm_output_region(raw);
	json_t *loc = json_pack("{s:o, s:{s:I, s:I}}", "path",
		plm_output_json_string(shown), "lines", "begin",
		(json_int_t)r.start_line, "end", (json_int_t)r.end_line);
	free(shown);
	return loc;
}

static void add_issue(struct codeclimate *c, const char *check,
	const char *description, const char *category, const char *severity,
	const char *fingerprint, json_t *loc)
{
	json_t *issue = json_pack("{s:s, s:o, s:o, s:[s], s:o, s:s, s:o}",
		"type", "issue", "check_name", plm_output_json_string(check),
		"description", plm_output_json_string(description),
		"categories", category, "location", loc, "severity", severity,
		"fingerprint", plm_output_json_string(fingerprint));
	if (issue == NULL || json_array_append_new(c->issues, issue) != 0) {
		c->failed = true;
	}
}

static int codeclimate_finding(void *self, const struct plm_finding *f)
{
	struct codeclimate *c = self;
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		return 0;
	}
	char own[PLM_FINGERPRINT_SIZE];
	add_issue(c, f->rule_id, f->message, "Security",
		severity_of(f->severity), plm_output_fingerprint(f, own),
		location(c, f->path, &f->region));
	return c->failed ? PLM_ENOMEM : 0;
}

static int codeclimate_notification(void *self,
	const struct plm_notification *n)
{
	struct codeclimate *c = self;
	if (n->path == NULL) {
		return 0; /* an issue needs a file */
	}
	/* Fingerprinted like a finding of a rule named by the code. */
	const char *check = n->code != NULL ? n->code : "plimsoll/notification";
	struct plm_finding as_finding = {
		.rule_id = check,
		.path = n->path,
		.message = n->message,
	};
	char own[PLM_FINGERPRINT_SIZE];
	add_issue(c, check, n->message, "Bug Risk",
		n->kind == PLM_NOTIFY_PARSE_WARNING  ? "minor"
			: n->kind == PLM_NOTIFY_NOTE ? "info"
						     : "major",
		plm_output_fingerprint(&as_finding, own),
		location(c, n->path, &n->region));
	return c->failed ? PLM_ENOMEM : 0;
}

static int codeclimate_end(void *self, const struct plm_run_summary *sum)
{
	struct codeclimate *c = self;
	if (c->failed) {
		return PLM_ENOMEM;
	}
	if (json_dumpf(c->issues, c->out,
		    JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
		fputc('\n', c->out) == EOF) {
		return PLM_EIO;
	}
	return ferror(c->out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin codeclimate_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "codeclimate",
	.description = "Code Climate JSON (GitLab Code Quality)",
	.create = codeclimate_create,
	.begin = codeclimate_begin,
	.finding = codeclimate_finding,
	.notification = codeclimate_notification,
	.end = codeclimate_end,
	.destroy = codeclimate_destroy,
};

const struct plm_output_plugin *plm_plugin_codeclimate_entry(void);

const struct plm_output_plugin *plm_plugin_codeclimate_entry(void)
{
	return &codeclimate_plugin;
}

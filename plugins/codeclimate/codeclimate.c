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
#include "plimsoll/error.h"
#include "plimsoll/jsonw.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

/* Written text is passed on to the stream once this much is pending. */
#define FLUSH_AT (64 * 1024)

/* The array is written as the issues come (laid out as jansson's
 * JSON_INDENT(2) would), not built as a tree and dumped at end(): the
 * tree of a large scan's issues took six times the memory of the rest of
 * the scan, and dumping it longer than writing the scan's JSON. */
struct codeclimate {
	FILE *out;
	const struct plm_run_info *run;
	struct plm_jsonw doc;
	bool begun; /* the array is open */
	int rc;     /* the first error */
};

static void *codeclimate_create(const struct plm_plugin_options *options)
{
	struct codeclimate *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	c->out = options->out;
	plm_jsonw_init(&c->doc, true, 0);
	return c;
}

static void codeclimate_destroy(void *self)
{
	struct codeclimate *c = self;
	if (c != NULL) {
		plm_jsonw_free(&c->doc);
		free(c);
	}
}

/* Passes pending text on; returns the first error so far. */
static int pass_on(struct codeclimate *c, bool always)
{
	if (c->rc == 0 && (always || c->doc.len >= FLUSH_AT)) {
		c->rc = plm_jsonw_flush(&c->doc, c->out);
	}
	return c->rc;
}

/* Opens the array, once. */
static void open_array(struct codeclimate *c)
{
	if (!c->begun) {
		plm_jsonw_array(&c->doc);
		c->begun = true;
	}
}

static int codeclimate_begin(void *self, const struct plm_run_info *run)
{
	struct codeclimate *c = self;
	c->run = run;
	open_array(c);
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

static void write_location(struct codeclimate *c, const char *path,
	const struct plm_region *raw)
{
	struct plm_jsonw *w = &c->doc;
	bool relative;
	char *shown = plm_output_run_path(c->run, path, &relative);
	if (shown == NULL) {
		c->rc = PLM_ENOMEM;
		return;
	}
	struct plm_region r = plm_output_region(raw);
	plm_jsonw_key(w, "location");
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "path", shown);
	plm_jsonw_key(w, "lines");
	plm_jsonw_object(w);
	plm_jsonw_key_int(w, "begin", (long long)r.start_line);
	plm_jsonw_key_int(w, "end", (long long)r.end_line);
	plm_jsonw_close(w, '}');
	plm_jsonw_close(w, '}');
	free(shown);
}

static int add_issue(struct codeclimate *c, const char *check,
	const char *description, const char *category, const char *severity,
	const char *fingerprint, const char *path,
	const struct plm_region *region)
{
	struct plm_jsonw *w = &c->doc;
	open_array(c);
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "type", "issue");
	plm_jsonw_key_string(w, "check_name", check);
	plm_jsonw_key_string(w, "description", description);
	plm_jsonw_key(w, "categories");
	plm_jsonw_array(w);
	plm_jsonw_string(w, category);
	plm_jsonw_close(w, ']');
	write_location(c, path, region);
	plm_jsonw_key_string(w, "severity", severity);
	plm_jsonw_key_string(w, "fingerprint", fingerprint);
	plm_jsonw_close(w, '}');
	if (c->rc == 0 && w->failed) {
		c->rc = PLM_ENOMEM;
	}
	return pass_on(c, false);
}

static int codeclimate_finding(void *self, const struct plm_finding *f)
{
	struct codeclimate *c = self;
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		return 0;
	}
	char own[PLM_FINGERPRINT_SIZE];
	return add_issue(c, f->rule_id, f->message, "Security",
		severity_of(f->severity), plm_output_fingerprint(f, own),
		f->path, &f->region);
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
	return add_issue(c, check, n->message, "Bug Risk",
		n->kind == PLM_NOTIFY_PARSE_WARNING  ? "minor"
			: n->kind == PLM_NOTIFY_NOTE ? "info"
						     : "major",
		plm_output_fingerprint(&as_finding, own), n->path, &n->region);
}

static int codeclimate_end(void *self, const struct plm_run_summary *sum)
{
	(void)sum;
	struct codeclimate *c = self;
	open_array(c);
	plm_jsonw_close(&c->doc, ']');
	if (pass_on(c, true) != 0) {
		return c->rc;
	}
	if (fputc('\n', c->out) == EOF || ferror(c->out)) {
		return PLM_EIO;
	}
	return 0;
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

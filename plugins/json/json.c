/*
 * json - plimsoll's own JSON document, schema version 1, documented in
 * docs/output-formats.md and described by docs/schemas/plimsoll-1.json.
 * Every key is always present; what is unknown is null. A change that
 * removes or renames a key, or changes a value's meaning, bumps
 * schema_version; adding keys does not.
 */
#include <stdlib.h>
#include <string.h>
#include "plimsoll/error.h"
#include "plimsoll/jsonw.h"
#include "plimsoll/plimsoll.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

#define SCHEMA_VERSION 1

/* Written text is passed on to the stream once this much is pending. */
#define FLUSH_AT (64 * 1024)

/* The document is written as it goes: the head at begin(), each finding
 * as it comes; notifications are held in their own writer (they follow
 * the findings in the document) until end(). */
struct json_out {
	FILE *out;
	struct plm_jsonw doc;
	struct plm_jsonw notes; /* the notifications array, at depth 1 */
	int rc;                 /* the first write error */
};

static void *json_create(const struct plm_plugin_options *options)
{
	struct json_out *j = calloc(1, sizeof(*j));
	if (j != NULL) {
		j->out = options->out;
		plm_jsonw_init(&j->doc, true, 0);
		plm_jsonw_init(&j->notes, true, 1);
	}
	return j;
}

static void json_destroy(void *self)
{
	struct json_out *j = self;
	if (j != NULL) {
		plm_jsonw_free(&j->doc);
		plm_jsonw_free(&j->notes);
		free(j);
	}
}

/* Passes pending text on; returns the first error so far. */
static int pass_on(struct json_out *j, bool always)
{
	if (j->rc == 0 && (always || j->doc.len >= FLUSH_AT)) {
		j->rc = plm_jsonw_flush(&j->doc, j->out);
	}
	return j->rc;
}

static void string_list(struct plm_jsonw *w, const char *key,
	const char *const *list)
{
	plm_jsonw_key(w, key);
	plm_jsonw_array(w);
	for (const char *const *p = list; p != NULL && *p != NULL; p++) {
		plm_jsonw_string(w, *p);
	}
	plm_jsonw_close(w, ']');
}

static void rule_object(struct plm_jsonw *w, const struct plm_rule_info *r)
{
	char name[PLM_RULE_NAME_SIZE];
	plm_output_rule_name(r, name);
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "id", r->id);
	plm_jsonw_key_string(w, "name", name[0] != '\0' ? name : NULL);
	plm_jsonw_key_string(w, "title", r->title);
	plm_jsonw_key_string(w, "severity", plm_severity_name(r->severity));
	string_list(w, "tags", r->tags);
	string_list(w, "aliases", r->aliases);
	string_list(w, "applies_to", r->applies_to);
	plm_jsonw_key_string(w, "precision", r->precision);
	plm_jsonw_key_string(w, "security_severity",
		plm_output_security_severity(r));
	plm_jsonw_key_string(w, "help_uri", r->help_uri);
	plm_jsonw_key_string(w, "description", r->description);
	plm_jsonw_close(w, '}');
}

static int json_begin(void *self, const struct plm_run_info *run)
{
	struct json_out *j = self;
	struct plm_jsonw *w = &j->doc;
	plm_jsonw_object(w);
	plm_jsonw_key_int(w, "schema_version", SCHEMA_VERSION);
	plm_jsonw_key(w, "tool");
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "name",
		run->tool_name ? run->tool_name : "plimsoll");
	plm_jsonw_key_string(w, "version",
		run->tool_version ? run->tool_version : plm_version());
	plm_jsonw_key_string(w, "information_uri", run->information_uri);
	plm_jsonw_close(w, '}');
	plm_jsonw_key(w, "run");
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "source_root",
		run->source_root ? run->source_root : run->working_directory);
	plm_jsonw_key_string(w, "start_time_utc", run->start_time_utc);
	plm_jsonw_key_string(w, "category", run->category);
	plm_jsonw_key(w, "include_suppressed");
	plm_jsonw_bool(w, run->include_suppressed);
	plm_jsonw_close(w, '}');
	plm_jsonw_key(w, "rules");
	plm_jsonw_array(w);
	for (size_t i = 0; i < run->rule_count; i++) {
		rule_object(w, &run->rules[i]);
	}
	plm_jsonw_close(w, ']');
	plm_jsonw_key(w, "findings");
	plm_jsonw_array(w);
	plm_jsonw_array(&j->notes);
	return pass_on(j, false);
}

static void region_object(struct plm_jsonw *w, const struct plm_region *r)
{
	plm_jsonw_key(w, "region");
	if (r->start_line == 0) {
		plm_jsonw_null(w);
		return;
	}
	struct plm_region d = plm_output_region(r);
	plm_jsonw_object(w);
	plm_jsonw_key_int(w, "start_line", (long long)d.start_line);
	plm_jsonw_key_int(w, "start_column", (long long)d.start_column);
	plm_jsonw_key_int(w, "end_line", (long long)d.end_line);
	plm_jsonw_key_int(w, "end_column", (long long)d.end_column);
	plm_jsonw_close(w, '}');
}

static void suppression_object(struct plm_jsonw *w, const struct plm_finding *f)
{
	plm_jsonw_key(w, "suppression");
	if (f->suppression == PLM_SUPPRESSION_NONE) {
		plm_jsonw_null(w);
		return;
	}
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "kind",
		f->suppression == PLM_SUPPRESSION_IN_SOURCE ? "in-source"
							    : "external");
	plm_jsonw_key_string(w, "justification", f->suppression_justification);
	plm_jsonw_close(w, '}');
}

static int json_finding(void *self, const struct plm_finding *f)
{
	struct json_out *j = self;
	struct plm_jsonw *w = &j->doc;
	char own[PLM_FINGERPRINT_SIZE];
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "rule", f->rule_id);
	plm_jsonw_key_string(w, "severity", plm_severity_name(f->severity));
	plm_jsonw_key_string(w, "message", f->message);
	plm_jsonw_key_string(w, "path", f->path);
	plm_jsonw_key_string(w, "kind", f->kind);
	region_object(w, &f->region);
	plm_jsonw_key_string(w, "snippet", f->snippet);
	plm_jsonw_key_string(w, "fix", f->fix);
	plm_jsonw_key_string(w, "fingerprint", plm_output_fingerprint(f, own));
	plm_jsonw_key_string(w, "line_hash", f->line_hash);
	suppression_object(w, f);
	if (f->related_count > 0 && f->related != NULL) {
		/* Only when there are some: older consumers see no change. */
		plm_jsonw_key(w, "related");
		plm_jsonw_array(w);
		for (size_t i = 0; i < f->related_count; i++) {
			plm_jsonw_object(w);
			plm_jsonw_key_string(w, "path", f->related[i].path);
			region_object(w, &f->related[i].region);
			plm_jsonw_key_string(w, "message",
				f->related[i].message);
			plm_jsonw_close(w, '}');
		}
		plm_jsonw_close(w, ']');
	}
	if (f->edit_count > 0 && f->edits != NULL) {
		/* A fix: the edits applied together, each a region of the
		 * finding's file (empty: an insertion), its byte offsets, and
		 * the text put there. */
		plm_jsonw_key(w, "edits");
		plm_jsonw_array(w);
		for (size_t i = 0; i < f->edit_count; i++) {
			plm_jsonw_object(w);
			region_object(w, &f->edits[i].region);
			plm_jsonw_key_int(w, "offset",
				(long long)f->edits[i].region.start_offset);
			plm_jsonw_key_int(w, "end_offset",
				(long long)f->edits[i].region.end_offset);
			plm_jsonw_key_string(w, "text", f->edits[i].text);
			plm_jsonw_close(w, '}');
		}
		plm_jsonw_close(w, ']');
	}
	plm_jsonw_close(w, '}');
	return pass_on(j, false);
}

static const char *const kind_names[] = {
	[PLM_NOTIFY_PARSE_ERROR] = "parse-error",
	[PLM_NOTIFY_PARSE_WARNING] = "parse-warning",
	[PLM_NOTIFY_POLICY_ERROR] = "policy-error",
	[PLM_NOTIFY_TOOL_ERROR] = "tool-error",
	[PLM_NOTIFY_NOTE] = "note",
};

static int json_notification(void *self, const struct plm_notification *n)
{
	struct json_out *j = self;
	struct plm_jsonw *w = &j->notes;
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "kind",
		(unsigned)n->kind <= PLM_NOTIFY_NOTE ? kind_names[n->kind]
						     : "tool-error");
	plm_jsonw_key_string(w, "level", plm_output_note_level(n->kind));
	plm_jsonw_key_string(w, "code", n->code);
	plm_jsonw_key_string(w, "message", n->message);
	plm_jsonw_key_string(w, "path", n->path);
	region_object(w, &n->region);
	plm_jsonw_key_string(w, "rule", n->rule_id);
	plm_jsonw_close(w, '}');
	return w->failed ? PLM_ENOMEM : 0;
}

static void summary_object(struct plm_jsonw *w,
	const struct plm_run_summary *sum)
{
	plm_jsonw_object(w);
	plm_jsonw_key_int(w, "files_scanned", (long long)sum->files_scanned);
	plm_jsonw_key_int(w, "files_skipped", (long long)sum->files_skipped);
	plm_jsonw_key(w, "findings");
	plm_jsonw_object(w);
	for (int s = PLM_SEVERITY_CRITICAL; s >= PLM_SEVERITY_INFO; s--) {
		plm_jsonw_key(w, plm_severity_name((enum plm_severity)s));
		plm_jsonw_int(w, (long long)sum->findings_by_severity[s]);
	}
	plm_jsonw_close(w, '}');
	plm_jsonw_key_int(w, "suppressed", (long long)sum->findings_suppressed);
	plm_jsonw_key_int(w, "baselined", (long long)sum->findings_baselined);
	plm_jsonw_key_int(w, "notifications", (long long)sum->notifications);
	plm_jsonw_key(w, "successful");
	plm_jsonw_bool(w, sum->successful);
	plm_jsonw_key(w, "exit_code");
	if (sum->exit_code_known) {
		plm_jsonw_int(w, sum->exit_code);
	} else {
		plm_jsonw_null(w);
	}
	plm_jsonw_key(w, "seconds");
	if (sum->seconds >= 0) {
		plm_jsonw_real(w, sum->seconds, 6);
	} else {
		plm_jsonw_null(w);
	}
	plm_jsonw_key_string(w, "end_time_utc", sum->end_time_utc);
	plm_jsonw_key(w, "paths");
	plm_jsonw_array(w);
	for (size_t i = 0; i < sum->path_count; i++) {
		plm_jsonw_string(w, sum->paths[i]);
	}
	plm_jsonw_close(w, ']');
	plm_jsonw_close(w, '}');
}

static int json_end(void *self, const struct plm_run_summary *sum)
{
	struct json_out *j = self;
	struct plm_jsonw *w = &j->doc;
	plm_jsonw_close(w, ']');
	plm_jsonw_close(&j->notes, ']');
	if (j->notes.failed) {
		return PLM_ENOMEM;
	}
	plm_jsonw_key(w, "notifications");
	plm_jsonw_raw(w, j->notes.data, j->notes.len);
	plm_jsonw_key(w, "summary");
	summary_object(w, sum);
	plm_jsonw_close(w, '}');
	plm_jsonw_raw(w, "\n", 1);
	int rc = pass_on(j, true);
	if (rc == 0 && fflush(j->out) != 0) {
		rc = PLM_EIO;
	}
	return rc != 0 ? rc : ferror(j->out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin json_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "json",
	.description = "plimsoll's own JSON document (versioned schema)",
	.create = json_create,
	.begin = json_begin,
	.finding = json_finding,
	.notification = json_notification,
	.end = json_end,
	.destroy = json_destroy,
};

const struct plm_output_plugin *plm_plugin_json_entry(void);

const struct plm_output_plugin *plm_plugin_json_entry(void)
{
	return &json_plugin;
}

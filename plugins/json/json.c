/*
 * json - plimsoll's own JSON document, schema version 1, documented in
 * docs/output-formats.md and described by docs/schemas/plimsoll-1.json.
 * Every key is always present; what is unknown is null. A change that
 * removes or renames a key, or changes a value's meaning, bumps
 * schema_version; adding keys does not.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "output/format.h"
#include "plimsoll/error.h"
#include "plimsoll/plimsoll.h"
#include "plimsoll/plugin.h"
#include "plugins/builtins.h"

#define SCHEMA_VERSION 1

struct json_out {
	FILE *out;
	const struct plm_run_info *run;
	json_t *doc;
	json_t *findings;
	json_t *notifications;
	bool failed;
};

static void *json_create(const struct plm_plugin_options *options)
{
	struct json_out *j = calloc(1, sizeof(*j));
	if (j != NULL) {
		j->out = options->out;
	}
	return j;
}

static void json_destroy(void *self)
{
	struct json_out *j = self;
	if (j != NULL) {
		json_decref(j->doc);
		free(j);
	}
}

static void put(struct json_out *j, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0) {
		j->failed = true;
	}
}

static json_t *str(const char *s)
{
	return plm_output_json_string(s);
}

static json_t *string_list(const char *const *list)
{
	json_t *a = json_array();
	for (const char *const *p = list; a != NULL && p != NULL && *p != NULL;
		p++) {
		json_array_append_new(a, str(*p));
	}
	return a;
}

static json_t *rule_object(struct json_out *j, const struct plm_rule_info *r)
{
	char name[PLM_RULE_NAME_SIZE];
	plm_output_rule_name(r, name);
	json_t *o = json_object();
	put(j, o, "id", str(r->id));
	put(j, o, "name", str(name[0] != '\0' ? name : NULL));
	put(j, o, "title", str(r->title));
	put(j, o, "severity", str(plm_severity_name(r->severity)));
	put(j, o, "tags", string_list(r->tags));
	put(j, o, "aliases", string_list(r->aliases));
	put(j, o, "applies_to", string_list(r->applies_to));
	put(j, o, "precision", str(r->precision));
	put(j, o, "security_severity", str(plm_output_security_severity(r)));
	put(j, o, "help_uri", str(r->help_uri));
	put(j, o, "description", str(r->description));
	return o;
}

static int json_begin(void *self, const struct plm_run_info *run)
{
	struct json_out *j = self;
	j->run = run;
	j->doc = json_object();
	put(j, j->doc, "schema_version", json_integer(SCHEMA_VERSION));
	put(j, j->doc, "tool", json_pack("{s:o, s:o, s:o}",
		"name", str(run->tool_name ? run->tool_name : "plimsoll"),
		"version", str(run->tool_version ? run->tool_version
			: plm_version()),
		"information_uri", str(run->information_uri)));
	put(j, j->doc, "run", json_pack("{s:o, s:o, s:o, s:b}",
		"source_root", str(run->source_root ? run->source_root
			: run->working_directory),
		"start_time_utc", str(run->start_time_utc),
		"category", str(run->category),
		"include_suppressed", run->include_suppressed));
	json_t *rules = json_array();
	for (size_t i = 0; i < run->rule_count; i++) {
		if (json_array_append_new(rules,
			rule_object(j, &run->rules[i])) != 0) {
			j->failed = true;
		}
	}
	put(j, j->doc, "rules", rules);
	j->findings = json_array();
	j->notifications = json_array();
	put(j, j->doc, "findings", j->findings);
	put(j, j->doc, "notifications", j->notifications);
	return j->failed ? PLM_ENOMEM : 0;
}

static json_t *region_object(const struct plm_region *r)
{
	if (r->start_line == 0) {
		return json_null();
	}
	struct plm_region d = plm_output_region(r);
	return json_pack("{s:I, s:I, s:I, s:I}",
		"start_line", (json_int_t)d.start_line,
		"start_column", (json_int_t)d.start_column,
		"end_line", (json_int_t)d.end_line,
		"end_column", (json_int_t)d.end_column);
}

static json_t *suppression_object(const struct plm_finding *f)
{
	if (f->suppression == PLM_SUPPRESSION_NONE) {
		return json_null();
	}
	return json_pack("{s:s, s:o}", "kind",
		f->suppression == PLM_SUPPRESSION_IN_SOURCE ? "in-source"
			: "external",
		"justification", str(f->suppression_justification));
}

static int json_finding(void *self, const struct plm_finding *f)
{
	struct json_out *j = self;
	char own[PLM_FINGERPRINT_SIZE];
	json_t *o = json_object();
	put(j, o, "rule", str(f->rule_id));
	put(j, o, "severity", str(plm_severity_name(f->severity)));
	put(j, o, "message", str(f->message));
	put(j, o, "path", str(f->path));
	put(j, o, "kind", str(f->kind));
	put(j, o, "region", region_object(&f->region));
	put(j, o, "snippet", str(f->snippet));
	put(j, o, "fix", str(f->fix));
	put(j, o, "fingerprint", str(plm_output_fingerprint(f, own)));
	put(j, o, "line_hash", str(f->line_hash));
	put(j, o, "suppression", suppression_object(f));
	if (json_array_append_new(j->findings, o) != 0) {
		j->failed = true;
	}
	return j->failed ? PLM_ENOMEM : 0;
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
	json_t *o = json_object();
	put(j, o, "kind", str((unsigned)n->kind <= PLM_NOTIFY_NOTE
		? kind_names[n->kind] : "tool-error"));
	put(j, o, "level", str(plm_output_note_level(n->kind)));
	put(j, o, "code", str(n->code));
	put(j, o, "message", str(n->message));
	put(j, o, "path", str(n->path));
	put(j, o, "region", region_object(&n->region));
	put(j, o, "rule", str(n->rule_id));
	if (json_array_append_new(j->notifications, o) != 0) {
		j->failed = true;
	}
	return j->failed ? PLM_ENOMEM : 0;
}

static int json_end(void *self, const struct plm_run_summary *sum)
{
	struct json_out *j = self;
	json_t *counts = json_object();
	for (int s = PLM_SEVERITY_CRITICAL; s >= PLM_SEVERITY_INFO; s--) {
		put(j, counts, plm_severity_name((enum plm_severity)s),
			json_integer((json_int_t)sum->findings_by_severity[s]));
	}
	json_t *o = json_object();
	put(j, o, "files_scanned", json_integer((json_int_t)sum->files_scanned));
	put(j, o, "findings", counts);
	put(j, o, "suppressed",
		json_integer((json_int_t)sum->findings_suppressed));
	put(j, o, "notifications",
		json_integer((json_int_t)sum->notifications));
	put(j, o, "successful", json_boolean(sum->successful));
	put(j, o, "exit_code", sum->exit_code_known
		? json_integer(sum->exit_code) : json_null());
	put(j, o, "seconds", sum->seconds >= 0 ? json_real(sum->seconds)
		: json_null());
	put(j, o, "end_time_utc", str(sum->end_time_utc));
	json_t *paths = json_array();
	for (size_t i = 0; paths != NULL && i < sum->path_count; i++) {
		if (json_array_append_new(paths, str(sum->paths[i])) != 0) {
			j->failed = true;
		}
	}
	put(j, o, "paths", paths);
	put(j, j->doc, "summary", o);
	if (j->failed) {
		return PLM_ENOMEM;
	}
	if (json_dumpf(j->doc, j->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		JSON_REAL_PRECISION(6)) != 0 || fputc('\n', j->out) == EOF) {
		return PLM_EIO;
	}
	return ferror(j->out) ? PLM_EIO : 0;
}

const struct plm_output_plugin plm_plugin_json = {
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

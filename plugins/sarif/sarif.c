/*
 * sarif - SARIF 2.1.0, the reference output plugin: one run per
 * invocation, written for GitHub code scanning first (its ingestion rules
 * and limits, see ../shared/SARIF-NOTES.md) and for every consumer that
 * reads the standard (GitLab, Azure DevOps, SonarQube, DefectDojo).
 *
 * Each result is laid out as text when it arrives (plimsoll/jsonw.h); the
 * rest of the log is small and built with jansson. The log is written at
 * end(), when the invocation's outcome and the artifacts are known and
 * the results to keep can be chosen (GitHub's limit per run), and the
 * results are spliced in: compact, so that a large scan stays under
 * consumers' size limits (the multitool skips files over 10 MB), or
 * indented when the host asks for `pretty` output. The results' text
 * waits in a spool (plimsoll/collect.h), in a temporary file past a
 * megabyte, so that a scan's memory does not grow with its results.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "plimsoll/collect.h"
#include "plimsoll/error.h"
#include "plimsoll/jsonw.h"
#include "plimsoll/plimsoll.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
	"errata01/os/schemas/sarif-schema-2.1.0.json"
#define SRCROOT "%SRCROOT%"
/* The base of files outside the source root: the file system root. */
#define FSROOT "%FSROOT%"
#define FSROOT_URI "file:///"
/* GitHub's limits on rule text (characters) and tags per rule. */
#define MAX_DESCRIPTION 1000
#define MAX_TAGS 20
/* GitHub rejects a run with more results than this. */
#define MAX_RESULTS 25000
/* The depth of a result in the log: log, runs, run, results. */
#define RESULT_DEPTH 4
/* Written text is passed on to the stream once this much is pending. */
#define FLUSH_AT (64 * 1024)

struct sarif {
	FILE *out;
	bool pretty;
	const struct plm_run_info *run;
	json_t *driver;   /* tool.driver, with the rules */
	json_t *base_ids; /* originalUriBaseIds */
	json_t *notifications;
	json_t *seen_uris; /* artifact URIs as keys, in order of first use */
	bool outside;      /* a file outside the source root was named */
	struct plm_jsonw results;  /* the result being laid out */
	struct plm_spool *spool;   /* each result's text: piece i, result i */
	unsigned char *severities; /* of each result, for MAX_RESULTS */
	size_t result_count;
	size_t result_cap;
	/* The last path given an artifact URI, and its URI: a file's
	 * findings come one after another, and each names it. */
	char *uri_path;
	char *uri;
	bool uri_relative;
	bool failed; /* out of memory: end() reports it */
};

static void *sarif_create(const struct plm_plugin_options *options)
{
	struct sarif *s = calloc(1, sizeof(*s));
	if (s != NULL) {
		s->out = options->out;
		s->pretty = options->pretty;
		plm_jsonw_init(&s->results, s->pretty, RESULT_DEPTH);
		s->spool = plm_spool_create();
		if (s->spool == NULL) {
			free(s);
			return NULL;
		}
	}
	return s;
}

static void sarif_destroy(void *self)
{
	struct sarif *s = self;
	if (s == NULL) {
		return;
	}
	json_decref(s->driver);
	json_decref(s->base_ids);
	json_decref(s->notifications);
	json_decref(s->seen_uris);
	plm_jsonw_free(&s->results);
	plm_spool_destroy(s->spool);
	free(s->severities);
	free(s->uri_path);
	free(s->uri);
	free(s);
}

/* Stores v under key in obj (stealing v); NULL v is skipped. Marks the
 * state failed when v is missing because an allocation failed. */
static void put(struct sarif *s, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0) {
		s->failed = true;
	}
}

static void append(struct sarif *s, json_t *array, json_t *v)
{
	if (v == NULL || json_array_append_new(array, v) != 0) {
		s->failed = true;
	}
}

static json_t *text_object(const char *text)
{
	return json_pack("{s:o}", "text", plm_output_json_string(text));
}

static bool valid_precision(const char *p)
{
	static const char *const ok[] = {"very-high", "high", "medium", "low"};
	for (size_t i = 0; p != NULL && i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (strcmp(p, ok[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* fullDescription: the first paragraph of the Markdown description on one
 * line, cut at a word boundary under GitHub's length limit. */
static char *first_paragraph(const char *markdown)
{
	const char *p = markdown;
	while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r') {
		p++;
	}
	const char *end = strstr(p, "\n\n");
	size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
	bool cut = false;
	if (len > MAX_DESCRIPTION) {
		len = MAX_DESCRIPTION;
		while (len > 0 && p[len] != ' ') {
			len--;
		}
		cut = true;
	}
	char *d = malloc(len + 4);
	if (d == NULL) {
		return NULL;
	}
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = p[i] == '\n' || p[i] == '\r' ? ' ' : p[i];
		if (!(c == ' ' && n > 0 && d[n - 1] == ' ')) {
			d[n++] = c;
		}
	}
	while (n > 0 && d[n - 1] == ' ') {
		n--;
	}
	if (cut) {
		memcpy(d + n, "...", 3);
		n += 3;
	}
	d[n] = '\0';
	return d;
}

/* "CWE-250", "cwe_250" or "cwe250" as GitHub's "external/cwe/cwe-250";
 * anything else as written. */
static json_t *tag_value(const char *tag)
{
	if (strncasecmp(tag, "cwe", 3) == 0) {
		const char *d = tag + 3;
		if (*d == '-' || *d == '_') {
			d++;
		}
		if (*d != '\0' && strspn(d, "0123456789") == strlen(d)) {
			return json_sprintf("external/cwe/cwe-%s", d);
		}
	}
	return plm_output_json_string(tag);
}

static bool has_tag(json_t *tags, json_t *tag)
{
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t) {
		if (json_equal(t, tag)) {
			return true;
		}
	}
	return false;
}

/* Tags: "security" first for a rule with a security severity, then the
 * rule's own (CWE ids in GitHub's form), without repeats, at most
 * MAX_TAGS. */
static json_t *rule_tags(struct sarif *s, const struct plm_rule_info *r)
{
	json_t *tags = json_array();
	if (tags == NULL) {
		s->failed = true;
		return NULL;
	}
	if (plm_output_security_severity(r) != NULL) {
		append(s, tags, json_string("security"));
	}
	for (const char *const *t = r->tags; t != NULL && *t != NULL; t++) {
		json_t *v = tag_value(*t);
		if (v == NULL) {
			s->failed = true;
			continue;
		}
		if (json_array_size(tags) >= MAX_TAGS || has_tag(tags, v)) {
			json_decref(v);
			continue;
		}
		append(s, tags, v);
	}
	return tags;
}

static json_t *rule_object(struct sarif *s, const struct plm_rule_info *r)
{
	char name[PLM_RULE_NAME_SIZE];
	plm_output_rule_name(r, name);
	const char *title = r->title != NULL ? r->title : r->id;
	const char *description = r->description != NULL &&
			r->description[0] != '\0'
		? r->description
		: title;
	char *full = first_paragraph(description);
	json_t *rule = json_object();
	if (full == NULL || rule == NULL) {
		free(full);
		json_decref(rule);
		s->failed = true;
		return NULL;
	}
	put(s, rule, "id", plm_output_json_string(r->id));
	/* SARIF1001: a name that only differs from the id in case is no
	 * name at all ("privileged" / "Privileged"). */
	if (name[0] != '\0' && strcasecmp(name, r->id) != 0) {
		put(s, rule, "name", json_string(name));
	}
	put(s, rule, "shortDescription", text_object(title));
	put(s, rule, "fullDescription", text_object(full));
	put(s, rule, "help",
		json_pack("{s:o, s:o}", "text",
			plm_output_json_string(description), "markdown",
			plm_output_json_string(description)));
	if (r->help_uri != NULL) {
		put(s, rule, "helpUri", plm_output_json_string(r->help_uri));
	}
	put(s, rule, "defaultConfiguration",
		json_pack("{s:s}", "level",
			plm_severity_level(r->severity, "note")));
	json_t *props = json_object();
	json_t *tags = rule_tags(s, r);
	if (json_array_size(tags) > 0) {
		put(s, props, "tags", tags);
	} else {
		json_decref(tags);
	}
	put(s, props, "precision",
		json_string(
			valid_precision(r->precision) ? r->precision : "high"));
	const char *score = plm_output_security_severity(r);
	if (score != NULL) {
		put(s, props, "security-severity", json_string(score));
	}
	put(s, props, "problem.severity",
		json_string(plm_severity_level(r->severity, "recommendation")));
	put(s, rule, "properties", props);
	free(full);
	return rule;
}

/* The base a URI from plm_output_uri() is written against, and the URI
 * relative to it. GitHub refuses absolute file: URIs and the spec wants a
 * relative reference with a base, so a file outside the source root is
 * written relative to FSROOT, declared once such a file is seen. */
static const char *uri_base(struct sarif *s, const char **uri, bool relative)
{
	if (relative) {
		return SRCROOT;
	}
	if (strncmp(*uri, FSROOT_URI, strlen(FSROOT_URI)) == 0) {
		*uri += strlen(FSROOT_URI);
		s->outside = true;
		return FSROOT;
	}
	return NULL;
}

/* An artifactLocation for a URI from plm_output_uri(). */
static json_t *uri_location(struct sarif *s, const char *uri, bool relative)
{
	const char *base = uri_base(s, &uri, relative);
	return base != NULL
		? json_pack("{s:s, s:s}", "uri", uri, "uriBaseId", base)
		: json_pack("{s:s}", "uri", uri);
}

/* The URI of path (as the run shows it), remembered for the artifacts
 * list and kept by s until another path is asked for; NULL when out of
 * memory. */
static const char *artifact_uri(struct sarif *s, const char *path,
	bool *relative)
{
	if (s->uri != NULL && strcmp(s->uri_path, path) == 0) {
		*relative = s->uri_relative;
		return s->uri;
	}
	free(s->uri_path);
	free(s->uri);
	s->uri_path = strdup(path);
	s->uri = plm_output_run_uri(s->run, path, relative);
	s->uri_relative = *relative;
	if (s->uri == NULL || s->uri_path == NULL) {
		free(s->uri_path);
		free(s->uri);
		s->uri_path = s->uri = NULL;
		s->failed = true;
		return NULL;
	}
	if (json_object_get(s->seen_uris, s->uri) == NULL) {
		put(s, s->seen_uris, s->uri, json_true());
	}
	return s->uri;
}

static json_t *artifact_location(struct sarif *s, const char *path)
{
	bool relative;
	const char *uri = artifact_uri(s, path, &relative);
	return uri != NULL ? uri_location(s, uri, relative) : NULL;
}

static json_t *region_object(const struct plm_region *raw, const char *snippet)
{
	struct plm_region r = plm_output_region(raw);
	json_t *region = json_pack("{s:I, s:I, s:I, s:I}", "startLine",
		(json_int_t)r.start_line, "startColumn",
		(json_int_t)r.start_column, "endLine", (json_int_t)r.end_line,
		"endColumn", (json_int_t)r.end_column);
	if (region != NULL && snippet != NULL) {
		json_object_set_new(region, "snippet", text_object(snippet));
	}
	return region;
}

static json_t *location(struct sarif *s, const char *path,
	const struct plm_region *region, const char *snippet, bool need_region)
{
	json_t *physical = json_object();
	put(s, physical, "artifactLocation", artifact_location(s, path));
	if (need_region || region->start_line > 0) {
		put(s, physical, "region", region_object(region, snippet));
	}
	return json_pack("{s:o}", "physicalLocation", physical);
}

static int sarif_begin(void *self, const struct plm_run_info *run)
{
	struct sarif *s = self;
	s->run = run;
	json_t *rules = json_array();
	for (size_t i = 0; i < run->rule_count; i++) {
		append(s, rules, rule_object(s, &run->rules[i]));
	}
	const char *version = run->tool_version != NULL ? run->tool_version
							: plm_version();
	json_t *driver = json_pack("{s:s, s:o, s:o}", "name",
		run->tool_name != NULL ? run->tool_name : "plimsoll", "version",
		plm_output_json_string(version), "semanticVersion",
		plm_output_json_string(version));
	if (driver != NULL && run->information_uri != NULL) {
		put(s, driver, "informationUri",
			plm_output_json_string(run->information_uri));
	}
	put(s, driver, "rules", rules);

	s->driver = driver;
	s->notifications = json_array();
	s->seen_uris = json_object();
	const char *root = plm_output_source_root(run);
	json_t *base = json_object();
	if (root != NULL) {
		char *uri = plm_output_directory_uri(root);
		put(s, base, "uri", uri != NULL ? json_string(uri) : NULL);
		free(uri);
	}
	put(s, base, "description",
		text_object("The root of the repository that was scanned."));
	s->base_ids = json_pack("{s:o}", SRCROOT, base);
	if (driver == NULL || s->notifications == NULL ||
		s->seen_uris == NULL || s->base_ids == NULL) {
		s->failed = true;
	}
	return s->failed ? PLM_ENOMEM : 0;
}

/* {"text": text} under key, in a result. */
static void write_text(struct plm_jsonw *w, const char *key, const char *text)
{
	plm_jsonw_key(w, key);
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "text", text);
	plm_jsonw_close(w, '}');
}

static void write_region(struct plm_jsonw *w, const struct plm_region *raw,
	const char *snippet)
{
	struct plm_region r = plm_output_region(raw);
	plm_jsonw_key(w, "region");
	plm_jsonw_object(w);
	plm_jsonw_key_int(w, "startLine", (long long)r.start_line);
	plm_jsonw_key_int(w, "startColumn", (long long)r.start_column);
	plm_jsonw_key_int(w, "endLine", (long long)r.end_line);
	plm_jsonw_key_int(w, "endColumn", (long long)r.end_column);
	if (snippet != NULL) {
		write_text(w, "snippet", snippet);
	}
	plm_jsonw_close(w, '}');
}

/* An artifactLocation: the file's URI and its base. */
static void write_artifact(struct sarif *s, const char *path)
{
	struct plm_jsonw *w = &s->results;
	bool relative = false;
	const char *uri = artifact_uri(s, path, &relative);
	const char *shown = uri;
	const char *base = uri != NULL ? uri_base(s, &shown, relative) : NULL;
	plm_jsonw_key(w, "artifactLocation");
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "uri", shown);
	if (base != NULL) {
		plm_jsonw_key_string(w, "uriBaseId", base);
	}
	plm_jsonw_close(w, '}');
}

/* A physicalLocation: the file and the region. */
static void write_physical(struct sarif *s, const char *path,
	const struct plm_region *region, const char *snippet, bool always)
{
	struct plm_jsonw *w = &s->results;
	plm_jsonw_key(w, "physicalLocation");
	plm_jsonw_object(w);
	write_artifact(s, path);
	if (always || region->start_line > 0) {
		write_region(w, region, snippet);
	}
	plm_jsonw_close(w, '}');
}

/* A result's one location: the file and the region. */
static void write_location(struct sarif *s, const struct plm_finding *f)
{
	struct plm_jsonw *w = &s->results;
	plm_jsonw_key(w, "locations");
	plm_jsonw_array(w);
	plm_jsonw_object(w);
	write_physical(s, f->path, &f->region, f->snippet, true);
	plm_jsonw_close(w, '}');
	plm_jsonw_close(w, ']');
}

/* fixes: one fix of the finding's edits, all in its file; the description
 * is the policy's fix hint. */
static void write_fixes(struct sarif *s, const struct plm_finding *f)
{
	struct plm_jsonw *w = &s->results;
	if (f->edit_count == 0 || f->edits == NULL) {
		return;
	}
	plm_jsonw_key(w, "fixes");
	plm_jsonw_array(w);
	plm_jsonw_object(w);
	if (f->fix != NULL) {
		char *text = plm_output_sentence(f->fix);
		s->failed |= text == NULL;
		write_text(w, "description", text != NULL ? text : "");
		free(text);
	}
	plm_jsonw_key(w, "artifactChanges");
	plm_jsonw_array(w);
	plm_jsonw_object(w);
	write_artifact(s, f->path);
	plm_jsonw_key(w, "replacements");
	plm_jsonw_array(w);
	for (size_t i = 0; i < f->edit_count; i++) {
		plm_jsonw_object(w);
		struct plm_region r = plm_output_region(&f->edits[i].region);
		plm_jsonw_key(w, "deletedRegion");
		plm_jsonw_object(w);
		plm_jsonw_key_int(w, "startLine", (long long)r.start_line);
		plm_jsonw_key_int(w, "startColumn", (long long)r.start_column);
		plm_jsonw_key_int(w, "endLine", (long long)r.end_line);
		plm_jsonw_key_int(w, "endColumn", (long long)r.end_column);
		plm_jsonw_close(w, '}');
		if (f->edits[i].text != NULL && f->edits[i].text[0] != '\0') {
			write_text(w, "insertedContent", f->edits[i].text);
		}
		plm_jsonw_close(w, '}');
	}
	plm_jsonw_close(w, ']');
	plm_jsonw_close(w, '}');
	plm_jsonw_close(w, ']');
	plm_jsonw_close(w, '}');
	plm_jsonw_close(w, ']');
}

/* relatedLocations, numbered from 1 in the order the policy gave them. */
static void write_related(struct sarif *s, const struct plm_finding *f)
{
	struct plm_jsonw *w = &s->results;
	if (f->related_count == 0 || f->related == NULL) {
		return;
	}
	plm_jsonw_key(w, "relatedLocations");
	plm_jsonw_array(w);
	for (size_t i = 0; i < f->related_count; i++) {
		const struct plm_related_location *r = &f->related[i];
		plm_jsonw_object(w);
		plm_jsonw_key_int(w, "id", (long long)i + 1);
		write_physical(s, r->path, &r->region, NULL, false);
		if (r->message != NULL) {
			char *message = plm_output_sentence(r->message);
			s->failed |= message == NULL;
			write_text(w, "message",
				message != NULL ? message : "");
			free(message);
		}
		plm_jsonw_close(w, '}');
	}
	plm_jsonw_close(w, ']');
}

static void write_suppressions(struct plm_jsonw *w, const struct plm_finding *f)
{
	plm_jsonw_key(w, "suppressions");
	plm_jsonw_array(w);
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		plm_jsonw_object(w);
		plm_jsonw_key_string(w, "kind",
			f->suppression == PLM_SUPPRESSION_IN_SOURCE
				? "inSource"
				: "external");
		plm_jsonw_key_string(w, "status", "accepted");
		if (f->suppression_justification != NULL) {
			plm_jsonw_key_string(w, "justification",
				f->suppression_justification);
		}
		plm_jsonw_close(w, '}');
	}
	plm_jsonw_close(w, ']');
}

/* Makes room for one more result's start and severity. */
static bool grow_results(struct sarif *s)
{
	if (s->result_count < s->result_cap) {
		return true;
	}
	size_t cap = s->result_cap ? s->result_cap * 2 : 256;
	unsigned char *severities = realloc(s->severities, cap);
	if (severities != NULL) {
		s->severities = severities;
	}
	if (severities == NULL) {
		s->failed = true;
		return false;
	}
	s->result_cap = cap;
	return true;
}

static int sarif_finding(void *self, const struct plm_finding *f)
{
	struct sarif *s = self;
	struct plm_jsonw *w = &s->results;
	if (!grow_results(s)) {
		return PLM_ENOMEM;
	}
	s->severities[s->result_count++] = (unsigned char)(f->severity <=
				PLM_SEVERITY_CRITICAL
			? f->severity
			: PLM_SEVERITY_CRITICAL);
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "ruleId", f->rule_id);
	size_t index;
	if (plm_output_rule(s->run, f->rule_id, f->rule_index, &index)) {
		plm_jsonw_key_int(w, "ruleIndex", (long long)index);
	}
	plm_jsonw_key_string(w, "level",
		plm_severity_level(f->severity, "note"));
	char *message = plm_output_sentence(f->message);
	s->failed |= message == NULL;
	write_text(w, "message", message);
	free(message);
	write_location(s, f);
	write_related(s, f);
	write_fixes(s, f);
	char own[PLM_FINGERPRINT_SIZE];
	plm_jsonw_key(w, "partialFingerprints");
	plm_jsonw_object(w);
	if (f->line_hash != NULL) {
		plm_jsonw_key_string(w, "primaryLocationLineHash",
			f->line_hash);
	}
	plm_jsonw_key_string(w, "plimsoll/v1", plm_output_fingerprint(f, own));
	plm_jsonw_close(w, '}');
	if (s->run->include_suppressed) {
		write_suppressions(w, f);
	}
	plm_jsonw_close(w, '}');
	s->failed |= w->failed;
	/* Into the spool, as piece result_count - 1. */
	FILE *piece = plm_spool_begin(s->spool, NULL, false);
	if (piece == NULL || plm_jsonw_flush(w, piece) != 0 ||
		plm_spool_end(s->spool) != 0) {
		s->failed = true;
		plm_jsonw_clear(w);
	}
	return s->failed ? PLM_ENOMEM : 0;
}

static int sarif_notification(void *self, const struct plm_notification *n)
{
	struct sarif *s = self;
	json_t *note = json_object();
	put(s, note, "level", json_string(plm_output_note_level(n->kind)));
	char *message = plm_output_sentence(n->message);
	put(s, note, "message", message ? text_object(message) : NULL);
	free(message);
	if (n->path != NULL) {
		put(s, note, "locations",
			json_pack("[o]",
				location(s, n->path, &n->region, NULL, false)));
	}
	if (n->code != NULL) {
		put(s, note, "descriptor",
			json_pack("{s:o}", "id",
				plm_output_json_string(n->code)));
	}
	size_t index;
	if (n->rule_id != NULL) {
		json_t *rule = json_pack("{s:o}", "id",
			plm_output_json_string(n->rule_id));
		if (plm_output_rule(s->run, n->rule_id, 0, &index) != NULL) {
			put(s, rule, "index", json_integer((json_int_t)index));
		}
		put(s, note, "associatedRule", rule);
	}
	append(s, s->notifications, note);
	return s->failed ? PLM_ENOMEM : 0;
}

/* Artifacts: every file scanned, in output order, then any other file a
 * result or notification pointed at (a Dockerfile a Compose file pulled
 * in). */
static json_t *artifacts(struct sarif *s, const struct plm_run_summary *sum)
{
	json_t *ordered = json_array();
	json_t *listed = json_object(); /* their URIs, as keys */
	for (size_t i = 0; i < sum->path_count; i++) {
		bool relative;
		char *uri = plm_output_run_uri(s->run, sum->paths[i],
			&relative);
		if (uri == NULL) {
			s->failed = true;
			continue;
		}
		if (json_object_get(listed, uri) == NULL) {
			append(s, ordered,
				json_pack("{s:o, s:[s]}", "location",
					uri_location(s, uri, relative), "roles",
					"analysisTarget"));
			put(s, listed, uri, json_true());
		}
		free(uri);
	}
	const char *u;
	json_t *unused;
	json_object_foreach(s->seen_uris, u, unused) {
		if (json_object_get(listed, u) == NULL) {
			append(s, ordered,
				json_pack("{s:o}", "location",
					uri_location(s, u,
						strncmp(u, "file:", 5) != 0)));
		}
	}
	json_decref(listed);
	return ordered;
}

static json_t *invocation(struct sarif *s, const struct plm_run_summary *sum)
{
	const struct plm_run_info *run = s->run;
	json_t *inv = json_object();
	if (run->command_line != NULL) {
		put(s, inv, "commandLine",
			plm_output_json_string(run->command_line));
	}
	put(s, inv, "executionSuccessful", json_boolean(sum->successful));
	if (sum->exit_code_known) {
		put(s, inv, "exitCode", json_integer(sum->exit_code));
	}
	if (run->start_time_utc != NULL) {
		put(s, inv, "startTimeUtc",
			plm_output_json_string(run->start_time_utc));
	}
	if (sum->end_time_utc != NULL) {
		put(s, inv, "endTimeUtc",
			plm_output_json_string(sum->end_time_utc));
	}
	/* GitHub resolves absolute URIs against the working directory, so
	 * it is written only when it is the root the URIs are relative to. */
	if (run->working_directory != NULL &&
		(run->source_root == NULL ||
			strcmp(run->source_root, run->working_directory) ==
				0)) {
		char *uri = plm_output_directory_uri(run->working_directory);
		put(s, inv, "workingDirectory",
			uri ? json_pack("{s:s}", "uri", uri) : NULL);
		free(uri);
	}
	if (json_array_size(s->notifications) > 0) {
		json_object_set(inv, "toolExecutionNotifications",
			s->notifications);
	}
	return inv;
}

/* Which results are written. Over GitHub's limit of results per run,
 * the MAX_RESULTS most severe: everything above `cutoff`, and of
 * `cutoff` the first `room` (output order kept); a warning notification
 * says so, rather than write a log GitHub refuses. */
struct selection {
	int cutoff;
	size_t room;
};

static struct selection select_results(struct sarif *s)
{
	struct selection sel = {PLM_SEVERITY_INFO, s->result_count};
	size_t n = s->result_count;
	if (n <= MAX_RESULTS) {
		return sel;
	}
	size_t count[PLM_SEVERITY_CRITICAL + 1] = {0};
	for (size_t i = 0; i < n; i++) {
		count[s->severities[i]]++;
	}
	sel.room = MAX_RESULTS;
	sel.cutoff = PLM_SEVERITY_CRITICAL;
	while (sel.cutoff > PLM_SEVERITY_INFO && count[sel.cutoff] < sel.room) {
		sel.room -= count[sel.cutoff];
		sel.cutoff--;
	}
	char text[200];
	snprintf(text, sizeof(text),
		"%zu results of the lowest severities "
		"were left out: GitHub code scanning accepts at most %d results "
		"per run.",
		n - MAX_RESULTS, MAX_RESULTS);
	append(s, s->notifications,
		json_pack("{s:s, s:{s:s}, s:{s:s}}", "level", "warning",
			"message", "text", text, "descriptor", "id",
			"sarif/results-limit"));
	return sel;
}

/* The results array: the selected results' text, spliced in. */
static int write_results(struct sarif *s, struct plm_jsonw *w,
	struct selection sel)
{
	plm_jsonw_key(w, "results");
	plm_jsonw_array(w);
	for (size_t i = 0; i < s->result_count; i++) {
		int severity = s->severities[i];
		if (severity < sel.cutoff ||
			(severity == sel.cutoff && sel.room == 0)) {
			continue;
		}
		sel.room -= severity == sel.cutoff;
		size_t len;
		const char *text = plm_spool_piece(s->spool, i, &len);
		if (text == NULL) {
			return PLM_EIO;
		}
		plm_jsonw_raw(w, text, len);
		if (w->len >= FLUSH_AT) {
			int rc = plm_jsonw_flush(w, s->out);
			if (rc != 0) {
				return rc;
			}
		}
	}
	plm_jsonw_close(w, ']');
	return 0;
}

static void write_automation(struct plm_jsonw *w, const char *category)
{
	if (category == NULL || category[0] == '\0') {
		return;
	}
	size_t n = strlen(category);
	plm_jsonw_key(w, "automationDetails");
	plm_jsonw_object(w);
	plm_jsonw_key(w, "id");
	if (category[n - 1] == '/') {
		plm_jsonw_string(w, category);
	} else {
		char *id = malloc(n + 2);
		if (id == NULL) {
			w->failed = true;
			return;
		}
		memcpy(id, category, n);
		memcpy(id + n, "/", 2);
		plm_jsonw_string(w, id);
		free(id);
	}
	plm_jsonw_close(w, '}');
}

/* The log, around the results. */
static int write_log(struct sarif *s, struct plm_jsonw *w, json_t *inv,
	json_t *artifact_list, struct selection sel)
{
	plm_jsonw_object(w);
	plm_jsonw_key_string(w, "$schema", SARIF_SCHEMA);
	plm_jsonw_key_string(w, "version", "2.1.0");
	plm_jsonw_key(w, "runs");
	plm_jsonw_array(w);
	plm_jsonw_object(w);
	plm_jsonw_key(w, "tool");
	plm_jsonw_object(w);
	plm_jsonw_key(w, "driver");
	plm_jsonw_json(w, s->driver);
	plm_jsonw_close(w, '}');
	plm_jsonw_key(w, "invocations");
	plm_jsonw_array(w);
	plm_jsonw_json(w, inv);
	plm_jsonw_close(w, ']');
	plm_jsonw_key(w, "originalUriBaseIds");
	plm_jsonw_json(w, s->base_ids);
	plm_jsonw_key(w, "artifacts");
	plm_jsonw_json(w, artifact_list);
	int rc = write_results(s, w, sel);
	if (rc != 0) {
		return rc;
	}
	write_automation(w, s->run->category);
	plm_jsonw_key_string(w, "columnKind", "unicodeCodePoints");
	plm_jsonw_close(w, '}');
	plm_jsonw_close(w, ']');
	plm_jsonw_close(w, '}');
	plm_jsonw_raw(w, "\n", 1);
	return plm_jsonw_flush(w, s->out);
}

static int sarif_end(void *self, const struct plm_run_summary *summary)
{
	struct sarif *s = self;
	struct selection sel = select_results(s);
	json_t *inv = invocation(s, summary);
	json_t *artifact_list = artifacts(s, summary);
	if (s->outside) {
		put(s, s->base_ids, FSROOT,
			json_pack("{s:s, s:{s:s}}", "uri", FSROOT_URI,
				"description", "text",
				"The file system root: files scanned outside "
				"the repository (" SRCROOT ") are named "
				"relative to it."));
	}
	if (s->failed || inv == NULL || artifact_list == NULL) {
		json_decref(inv);
		json_decref(artifact_list);
		return PLM_ENOMEM;
	}
	struct plm_jsonw w;
	plm_jsonw_init(&w, s->pretty, 0);
	int rc = write_log(s, &w, inv, artifact_list, sel);
	plm_jsonw_free(&w);
	json_decref(inv);
	json_decref(artifact_list);
	if (rc == 0 && (fflush(s->out) != 0 || ferror(s->out))) {
		rc = PLM_EIO;
	}
	return rc;
}

static const struct plm_output_plugin sarif_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "sarif",
	.description = "SARIF 2.1.0 for code-scanning dashboards "
		       "(GitHub, GitLab, Azure DevOps, DefectDojo)",
	.create = sarif_create,
	.begin = sarif_begin,
	.finding = sarif_finding,
	.notification = sarif_notification,
	.end = sarif_end,
	.destroy = sarif_destroy,
};

const struct plm_output_plugin *plm_plugin_sarif_entry(void);

const struct plm_output_plugin *plm_plugin_sarif_entry(void)
{
	return &sarif_plugin;
}

/*
 * lsp/features.c - code actions and hover.
 */
#include "lsp/features.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

/* What the inserted comment says until someone writes the reason. */
#define REASON_PLACEHOLDER "reason"

bool plm_lsp_position_read(const json_t *j, struct plm_lsp_position *out)
{
	json_t *line = json_object_get(j, "line");
	json_t *character = json_object_get(j, "character");
	if (!json_is_integer(line) || !json_is_integer(character) ||
		json_integer_value(line) < 0 ||
		json_integer_value(character) < 0 ||
		json_integer_value(line) > UINT32_MAX ||
		json_integer_value(character) > UINT32_MAX) {
		return false;
	}
	out->line = (uint32_t)json_integer_value(line);
	out->character = (uint32_t)json_integer_value(character);
	return true;
}

/* ---- code actions ------------------------------------------------------ */

/* The rule a diagnostic names, if it is one of plimsoll's findings (a
 * parse error's code names no rule). */
static const struct plm_rule_info *diagnostic_rule(const struct plm_lsp_linter
							   *l,
	const json_t *d)
{
	const char *source = json_string_value(json_object_get(d, "source"));
	const char *code = json_string_value(json_object_get(d, "code"));
	if (source == NULL || strcmp(source, "plimsoll") != 0 || code == NULL) {
		return NULL;
	}
	return plm_engine_find(plm_lsp_linter_engine(l), code, NULL);
}

/* The whitespace a line starts with, and how its lines end. */
static void line_shape(const struct plm_source *text, uint32_t line,
	size_t *indent, const char **eol)
{
	size_t len = 0;
	const char *s = line < text->line_count
		? plm_source_line(text, line, &len)
		: "";
	*indent = 0;
	while (*indent < len && (s[*indent] == ' ' || s[*indent] == '\t')) {
		(*indent)++;
	}
	size_t at = (size_t)(s - text->bytes) + len;
	*eol = plm_lsp_line_break(text->bytes, text->len, at) == 2 ? "\r\n"
								   : "\n";
}

static json_t *ignore_action(const struct plm_lsp_document *doc,
	const json_t *diagnostic, const char *rule)
{
	struct plm_lsp_position at;
	json_t *start = json_object_get(json_object_get(diagnostic, "range"),
		"start");
	if (!plm_lsp_position_read(start, &at)) {
		return NULL;
	}
	size_t indent;
	const char *eol;
	line_shape(doc->text, at.line, &indent, &eol);
	if (at.line >= doc->text->line_count) {
		return NULL;
	}
	const char *line = doc->text->bytes + doc->text->line_starts[at.line];
	size_t len = indent + strlen(rule) + 64;
	char *text = plm_malloc(len);
	char *title = plm_malloc(strlen(rule) + 64);
	if (text == NULL || title == NULL) {
		plm_free(text);
		plm_free(title);
		return NULL;
	}
	snprintf(text, len,
		"%.*s# plimsoll ignore=%s -- " REASON_PLACEHOLDER "%s",
		(int)indent, line, rule, eol);
	snprintf(title, strlen(rule) + 64, "Ignore %s on this line", rule);
	struct plm_lsp_position bol = {at.line, 0};
	json_t *edit = json_pack("{s:{s:[{s:{s:{s:I,s:I},s:{s:I,s:I}},s:s}]}}",
		"changes", doc->uri, "range", "start", "line",
		(json_int_t)bol.line, "character", (json_int_t)0, "end", "line",
		(json_int_t)bol.line, "character", (json_int_t)0, "newText",
		text);
	json_t *action = edit == NULL
		? NULL
		: json_pack("{s:s,s:s,s:[O],s:o}", "title", title, "kind",
			  "quickfix", "diagnostics", diagnostic, "edit", edit);
	plm_free(text);
	plm_free(title);
	return action;
}

/* The fix a diagnostic carries (data.edits, as published) as a preferred
 * quick fix, or NULL; none when the edits were made for another version
 * of the document than the one open now (a stale diagnostic, or one
 * whose lint has not run yet): they would land in the wrong places. */
static json_t *fix_action(const struct plm_lsp_document *doc,
	const json_t *diagnostic, const char *rule)
{
	const json_t *data = json_object_get(diagnostic, "data");
	json_t *edits = json_object_get(data, "edits");
	json_t *version = json_object_get(data, "version");
	if (!json_is_array(edits) || json_array_size(edits) == 0 ||
		!json_is_integer(version) ||
		json_integer_value(version) != (json_int_t)doc->version) {
		return NULL;
	}
	size_t i;
	json_t *e;
	json_array_foreach(edits, i, e) {
		struct plm_lsp_position s, t;
		const json_t *range = json_object_get(e, "range");
		if (!json_is_string(json_object_get(e, "newText")) ||
			!plm_lsp_position_read(json_object_get(range, "start"),
				&s) ||
			!plm_lsp_position_read(json_object_get(range, "end"),
				&t)) {
			return NULL;
		}
	}
	const char *hint = json_string_value(json_object_get(data, "fix"));
	size_t len = strlen(rule) + (hint ? strlen(hint) : 0) + 16;
	char *title = plm_malloc(len);
	if (title == NULL) {
		return NULL;
	}
	if (hint != NULL) {
		snprintf(title, len, "Fix %s: %s", rule, hint);
	} else {
		snprintf(title, len, "Fix %s", rule);
	}
	json_t *action = json_pack("{s:s,s:s,s:[O],s:b,s:{s:{s:O}}}", "title",
		title, "kind", "quickfix", "diagnostics", diagnostic,
		"isPreferred", 1, "edit", "changes", doc->uri, edits);
	plm_free(title);
	return action;
}

json_t *plm_lsp_code_actions(const struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc, const json_t *params)
{
	json_t *actions = json_array();
	json_t *list = json_object_get(json_object_get(params, "context"),
		"diagnostics");
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d) {
		const struct plm_rule_info *rule = diagnostic_rule(l, d);
		if (rule == NULL || actions == NULL) {
			continue;
		}
		json_t *a = fix_action(doc, d, rule->id);
		if (a != NULL) {
			json_array_append_new(actions, a);
		}
		a = ignore_action(doc, d, rule->id);
		if (a != NULL) {
			json_array_append_new(actions, a);
		}
	}
	return actions;
}

/* ---- hover --------------------------------------------------------------- */

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		c == '/';
}

/* The rule whose id or alias is the word at `at`, when the line is an
 * ignore comment or annotation (it says "ignore"). */
static const struct plm_rule_info *rule_under(const struct plm_lsp_linter *l,
	const struct plm_source *text, struct plm_lsp_position at)
{
	if (at.line >= text->line_count) {
		return NULL;
	}
	size_t len;
	const char *line = plm_source_line(text, at.line, &len);
	size_t pos = plm_lsp_offset_at(text, at) - (size_t)(line - text->bytes);
	size_t start = pos, end = pos;
	while (start > 0 && is_id_char(line[start - 1])) {
		start--;
	}
	while (end < len && is_id_char(line[end])) {
		end++;
	}
	char word[128];
	char copy[512];
	if (end == start || end - start >= sizeof(word) ||
		len >= sizeof(copy)) {
		return NULL;
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (strstr(copy, "ignore") == NULL) {
		return NULL;
	}
	memcpy(word, line + start, end - start);
	word[end - start] = '\0';
	return plm_engine_find(plm_lsp_linter_engine(l), word, NULL);
}

static bool before(struct plm_lsp_position a, struct plm_lsp_position b)
{
	return a.line < b.line ||
		(a.line == b.line && a.character < b.character);
}

/* True when a diagnostic's range holds `at` (its end included, so an
 * empty range can be hovered). */
static bool holds(const json_t *d, struct plm_lsp_position at)
{
	const json_t *range = json_object_get(d, "range");
	struct plm_lsp_position s, e;
	return plm_lsp_position_read(json_object_get(range, "start"), &s) &&
		plm_lsp_position_read(json_object_get(range, "end"), &e) &&
		!before(at, s) && !before(e, at);
}

/* Appends one rule's section to the Markdown text. */
static int append_rule(char **text, const struct plm_rule_info *r,
	const char *fix)
{
	const char *old = *text ? *text : "";
	size_t len = strlen(old) + strlen(r->id) + strlen(r->title) +
		strlen(r->description) + (fix ? strlen(fix) : 0) + 96;
	char *n = plm_malloc(len);
	if (n == NULL) {
		return PLM_ENOMEM;
	}
	snprintf(n, len, "%s%s**%s** (%s): %s\n\n%s%s%s\n", old,
		old[0] ? "\n---\n\n" : "", r->id,
		plm_severity_name(r->severity), r->title, fix ? "Fix: " : "",
		fix ? fix : "", fix ? "\n\n" : "");
	/* The description goes last: it is the long part. */
	size_t used = strlen(n);
	snprintf(n + used, len - used, "%s\n", r->description);
	plm_free(*text);
	*text = n;
	return 0;
}

json_t *plm_lsp_hover(const struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc, const json_t *published,
	struct plm_lsp_position at)
{
	char *text = NULL;
	int rc = 0;
	const struct plm_rule_info *named = rule_under(l, doc->text, at);
	if (named != NULL) {
		rc = append_rule(&text, named, NULL);
	}
	size_t i;
	json_t *d;
	json_array_foreach(published, i, d) {
		const struct plm_rule_info *r = diagnostic_rule(l, d);
		if (named == NULL && rc == 0 && r != NULL && holds(d, at)) {
			const char *fix = json_string_value(
				json_object_get(json_object_get(d, "data"),
					"fix"));
			rc = append_rule(&text, r, fix);
		}
	}
	if (rc != 0) {
		plm_free(text);
		return NULL;
	}
	if (text == NULL) {
		return json_null();
	}
	json_t *hover = json_pack("{s:{s:s,s:s}}", "contents", "kind",
		"markdown", "value", text);
	plm_free(text);
	return hover;
}

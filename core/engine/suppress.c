/*
 * engine/suppress.c - ignore comments in the scanned sources.
 *
 *   # plimsoll ignore=ID[,ID...] [-- reason]     the next line, or this line
 *   # plimsoll ignore-file=ID[,ID...] [-- reason] the whole file
 *   # hadolint ignore=DL3002                     a peer's code (an alias)
 *   # hadolint global ignore=DL3002              a peer's file-wide form
 *   # checkov:skip=CKV_DOCKER_8[,...]: reason    Checkov's form: the file
 *   # kics-scan disable=<query id>[,...]         KICS's: the whole file
 *   # kics-scan ignore-line                      KICS's: the next line, for
 *                                                every rule with a KICS id
 *   # kics-scan ignore                           KICS's: the whole file, idem
 *
 * And on a Kubernetes object or its pod template (see
 * plm_suppress_annotation):
 *
 *   plimsoll.dev/ignore: "ID[,ID...]"            the object's findings
 *   ignore-check.kube-linter.io/<check>: reason  kube-linter's, by alias
 *
 * A line comment covers the line it ends, or the first line below the
 * block of comment lines it stands in. IDs after `plimsoll` match a rule id
 * or alias; after another tool's name, only an alias.
 */
#include "engine/internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t')) {
		p++;
	}
	return p;
}

/* True when the list [p, end) (comma separated) names rule. */
static bool list_names(const char *p, const char *end,
	const struct plm_rule_info *rule, bool own_tool)
{
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma != NULL ? comma : end;
		size_t n = (size_t)(stop - p);
		if (own_tool && strlen(rule->id) == n &&
			strncmp(rule->id, p, n) == 0) {
			return true;
		}
		for (const char *const *a = rule->aliases; a && *a; a++) {
			if (strlen(*a) == n && strncasecmp(*a, p, n) == 0) {
				return true;
			}
		}
		p = stop + 1;
	}
	return false;
}

/* True when rule names a KICS query (a UUID) among its aliases: KICS's
 * comments without ids cover only such rules. */
static bool has_kics_alias(const struct plm_rule_info *rule)
{
	for (const char *const *a = rule->aliases; a && *a; a++) {
		if (strlen(*a) == 36 && (*a)[8] == '-' && (*a)[13] == '-' &&
			(*a)[18] == '-' && (*a)[23] == '-') {
			return true;
		}
	}
	return false;
}

/* Copies the trimmed text [r, end) into buf as the reason. */
static void take_reason(const char *r, const char *end, char *buf,
	size_t buf_len, const char **reason)
{
	r = skip_space(r, end);
	while (end > r && isspace((unsigned char)end[-1])) {
		end--;
	}
	if (end > r && buf_len > 0) {
		size_t n = (size_t)(end - r) < buf_len - 1 ? (size_t)(end - r)
							   : buf_len - 1;
		memcpy(buf, r, n);
		buf[n] = '\0';
		*reason = buf;
	}
}

static bool starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) >= n && strncmp(p, word, n) == 0;
}

/* Checkov's `checkov:skip=ID[,ID]: reason` (p after "checkov") and KICS's
 * `kics-scan ...` (p after "kics-scan"): true when the comment suppresses
 * rule at the wanted scope. */
static bool peer_form_matches(const char *p, const char *end, bool checkov,
	const struct plm_rule_info *rule, bool file_scope, char *buf,
	size_t buf_len, const char **reason)
{
	*reason = NULL;
	if (checkov) {
		if (!file_scope || !starts(p, end, ":skip=")) {
			return false;
		}
		const char *list = p + 6, *stop = list;
		while (stop < end && *stop != ':' && *stop != ' ' &&
			*stop != '\t') {
			stop++;
		}
		if (!list_names(list, stop, rule, false)) {
			return false;
		}
		if (stop < end && *stop == ':') {
			take_reason(stop + 1, end, buf, buf_len, reason);
		}
		return true;
	}
	p = skip_space(p, end);
	if (starts(p, end, "disable=")) {
		const char *list = p + 8, *stop = list;
		while (stop < end && *stop != ' ' && *stop != '\t') {
			stop++;
		}
		return file_scope && list_names(list, stop, rule, false);
	}
	if (starts(p, end, "ignore-line")) {
		return !file_scope && has_kics_alias(rule);
	}
	if (starts(p, end, "ignore") &&
		(end - p == 6 || isspace((unsigned char)p[6]))) {
		return file_scope && has_kics_alias(rule);
	}
	return false;
}

/* Parses one comment; true when it suppresses rule at the wanted scope. */
static bool comment_matches(const char *text, const struct plm_rule_info *rule,
	bool file_scope, char *buf, size_t buf_len, const char **reason)
{
	const char *p = text, *end = text + strlen(text);
	p = skip_space(p, end);
	while (p < end && *p == '#') {
		p++;
	}
	p = skip_space(p, end);
	const char *tool = p;
	while (p < end &&
		(isalnum((unsigned char)*p) || *p == '-' || *p == '_')) {
		p++;
	}
	size_t tool_len = (size_t)(p - tool);
	if (tool_len == 0) {
		return false;
	}
	bool own = tool_len == 8 && strncmp(tool, "plimsoll", 8) == 0;
	if ((tool_len == 7 && strncmp(tool, "checkov", 7) == 0) ||
		(tool_len == 9 && strncmp(tool, "kics-scan", 9) == 0)) {
		return peer_form_matches(p, end, tool_len == 7, rule,
			file_scope, buf, buf_len, reason);
	}
	if (p < end && *p == ':') {
		p++;
	}
	p = skip_space(p, end);
	bool global = false;
	if ((size_t)(end - p) > 7 && strncmp(p, "global ", 7) == 0) {
		global = true;
		p = skip_space(p + 7, end);
	}
	bool file = false;
	if ((size_t)(end - p) > 12 && strncmp(p, "ignore-file=", 12) == 0) {
		file = true;
		p += 12;
	} else if ((size_t)(end - p) > 7 && strncmp(p, "ignore=", 7) == 0) {
		file = global;
		p += 7;
	} else {
		return false;
	}
	if (file != file_scope) {
		return false;
	}
	const char *list = p;
	while (p < end && *p != ' ' && *p != '\t') {
		p++;
	}
	if (!list_names(list, p, rule, own)) {
		return false;
	}
	*reason = NULL;
	const char *dash = strstr(p, "--");
	if (dash != NULL) {
		take_reason(dash + 2, end, buf, buf_len, reason);
	}
	return true;
}

/* The text of a line of a source with leading blanks skipped. */
static const char *line_trimmed(const struct plm_source *src, uint32_t line,
	size_t *len)
{
	const char *s = plm_source_line(src, line, len);
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	return s;
}

static bool is_comment_line(const struct plm_source *src, uint32_t line)
{
	size_t len = 0;
	const char *s = line_trimmed(src, line, &len);
	return len > 0 && s[0] == '#';
}

/* The comment on a line: the front end's record for the main source, the
 * whole line when it is a comment line (a NUL-terminated copy in buf). */
static const char *comment_on(const struct plm_doc *doc, uint32_t source,
	uint32_t line, char *buf, size_t buf_len)
{
	if (source == 0 && line < doc->comment_count &&
		doc->comments[line] != NULL) {
		return doc->comments[line];
	}
	const struct plm_source *src = doc->sources[source];
	if (line >= src->line_count || !is_comment_line(src, line)) {
		return NULL;
	}
	size_t len = 0;
	const char *s = line_trimmed(src, line, &len);
	if (len >= buf_len) {
		len = buf_len - 1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

bool plm_suppress_match(const struct plm_doc *doc, uint32_t source,
	uint32_t line, const struct plm_rule_info *rule, char *buf,
	size_t buf_len, const char **reason)
{
	char text[1024];
	*reason = NULL;
	if (source >= doc->source_count) {
		return false;
	}
	const struct plm_source *src = doc->sources[source];
	/* The line itself (an end-of-line comment). */
	const char *c = comment_on(doc, source, line, text, sizeof(text));
	if (c != NULL &&
		comment_matches(c, rule, false, buf, buf_len, reason)) {
		return true;
	}
	/* The block of comment lines just above. */
	for (uint32_t l = line; l > 0; l--) {
		if (!is_comment_line(src, l - 1)) {
			break;
		}
		c = comment_on(doc, source, l - 1, text, sizeof(text));
		if (c != NULL &&
			comment_matches(c, rule, false, buf, buf_len, reason)) {
			return true;
		}
	}
	/* File-wide comments. */
	for (uint32_t l = 0; l < src->line_count; l++) {
		c = comment_on(doc, source, l, text, sizeof(text));
		if (c != NULL &&
			comment_matches(c, rule, true, buf, buf_len, reason)) {
			return true;
		}
	}
	return false;
}

/* How deep below an object its pod templates' metadata is looked for
 * (a CronJob's is at spec.jobTemplate.spec.template.metadata). */
#define ANNOTATION_DEPTH 8

/* True when annotation (key, value) suppresses rule. */
static bool annotation_matches(const struct plm_entry *e,
	const struct plm_rule_info *rule, char *buf, size_t buf_len,
	const char **reason)
{
	static const char own[] = "plimsoll.dev/ignore";
	static const char kube_linter[] = "ignore-check.kube-linter.io/";
	const struct plm_node *v = e->value;
	if (v == NULL || v->kind != PLM_NODE_STRING) {
		return false;
	}
	const char *s = v->as.string.ptr, *end = s + v->as.string.len;
	if (strcmp(e->key, own) == 0) {
		const char *stop = s;
		while (stop < end && *stop != ' ' && *stop != '\t') {
			stop++;
		}
		if (!list_names(s, stop, rule, true)) {
			return false;
		}
		const char *dash = strstr(stop, "--");
		if (dash != NULL) {
			take_reason(dash + 2, end, buf, buf_len, reason);
		}
		return true;
	}
	size_t n = sizeof(kube_linter) - 1;
	if (strncmp(e->key, kube_linter, n) == 0) {
		const char *check = e->key + n;
		if (!list_names(check, check + strlen(check), rule, false)) {
			return false;
		}
		take_reason(s, end, buf, buf_len, reason);
		return true;
	}
	return false;
}

/* Looks through node's `metadata.annotations` maps, at any depth below
 * it down to ANNOTATION_DEPTH (the object's own, its pod template's). */
static bool annotations_match(const struct plm_node *node, int depth,
	const struct plm_rule_info *rule, char *buf, size_t buf_len,
	const char **reason)
{
	if (node == NULL || depth > ANNOTATION_DEPTH) {
		return false;
	}
	if (node->kind == PLM_NODE_SEQ) {
		for (size_t i = 0; i < node->as.seq.count; i++) {
			if (annotations_match(node->as.seq.items[i], depth + 1,
				    rule, buf, buf_len, reason)) {
				return true;
			}
		}
		return false;
	}
	if (node->kind != PLM_NODE_MAP) {
		return false;
	}
	const struct plm_node *meta = plm_node_get(node, "metadata");
	const struct plm_node *ann = meta && meta->kind == PLM_NODE_MAP
		? plm_node_get(meta, "annotations")
		: NULL;
	for (size_t i = 0;
		ann && ann->kind == PLM_NODE_MAP && i < ann->as.map.count;
		i++) {
		if (annotation_matches(&ann->as.map.entries[i], rule, buf,
			    buf_len, reason)) {
			return true;
		}
	}
	for (size_t i = 0; i < node->as.map.count; i++) {
		const struct plm_entry *e = &node->as.map.entries[i];
		if (strcmp(e->key, "metadata") != 0 &&
			annotations_match(e->value, depth + 1, rule, buf,
				buf_len, reason)) {
			return true;
		}
	}
	return false;
}

static bool contains(const struct plm_node *n, struct plm_span span)
{
	return n != NULL && n->span.source == span.source &&
		n->span.start <= span.start && span.start < n->span.end;
}

bool plm_suppress_annotation(const struct plm_doc *doc, struct plm_span span,
	const struct plm_rule_info *rule, char *buf, size_t buf_len,
	const char **reason)
{
	*reason = NULL;
	const struct plm_node *stream = doc->tree;
	if (doc->kind != PLM_KIND_KUBERNETES || stream == NULL ||
		stream->kind != PLM_NODE_SEQ) {
		return false;
	}
	for (size_t i = 0; i < stream->as.seq.count; i++) {
		const struct plm_node *obj = stream->as.seq.items[i];
		if (!contains(obj, span) || obj->kind != PLM_NODE_MAP) {
			continue;
		}
		/* A List: the item the finding is in is the object. */
		const struct plm_node *items = plm_node_get(obj, "items");
		for (size_t k = 0; items && items->kind == PLM_NODE_SEQ &&
			k < items->as.seq.count;
			k++) {
			if (contains(items->as.seq.items[k], span)) {
				obj = items->as.seq.items[k];
				break;
			}
		}
		return annotations_match(obj, 0, rule, buf, buf_len, reason);
	}
	return false;
}

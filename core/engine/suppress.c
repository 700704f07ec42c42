/*
 * engine/suppress.c - ignore directives in the scanned sources.
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
 * And on a Kubernetes object or its pod template:
 *
 *   plimsoll.dev/ignore: "ID[,ID...]"            the object's findings
 *   ignore-check.kube-linter.io/<check>: reason  kube-linter's, by alias
 *
 * A line comment covers the line it ends, or the first line below the
 * block of comment lines it stands in. IDs after `plimsoll` match a rule id
 * or alias; after another tool's name, only an alias.
 *
 * Each document's directives are read once into a table (every id with
 * its position), which each finding is matched against and which marks
 * the ids that suppressed something. The run gathers those marks from
 * every unit (plm_ignore_ledger) and reports, at its end, the ids that
 * suppressed nothing anywhere.
 */
#include "engine/internal.h"
#include "engine/suppress.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "util/alloc.h"
#include "util/find.h"

/* How deep below an object its pod templates' metadata is looked for
 * (a CronJob's is at spec.jobTemplate.spec.template.metadata). */
#define ANNOTATION_DEPTH 8

enum scope { SCOPE_LINE, SCOPE_FILE, SCOPE_OBJECT };

struct ignore_id {
	const char *text; /* as written, not NUL-terminated */
	uint32_t len;
	uint32_t offset; /* in the directive's source */
	bool used;
};

struct directive {
	uint32_t source;
	uint32_t first, last; /* SCOPE_LINE: the lines it covers */
	enum scope scope;
	bool own;        /* plimsoll's form: ids and aliases */
	bool kics_any;   /* no ids: every rule with a KICS alias */
	bool used;       /* kics_any: it suppressed a finding */
	uint32_t at;     /* kics_any: where its tool's name is */
	uint32_t at_len; /* and how long the form is */
	const char *reason;
	size_t reason_len;
	size_t id_begin, id_end;
};

/* A Kubernetes object (a stream document, or an item of a List) and the
 * directives of its annotations. */
struct object {
	struct plm_span span;
	size_t dir_begin, dir_end;
	size_t item_begin, item_end; /* a List's items */
};

struct source_dirs {
	size_t line_begin, line_end; /* SCOPE_LINE, by first line */
	size_t file_begin, file_end;
};

struct plm_suppress_table {
	struct directive *dirs;
	size_t dir_count, dir_cap;
	struct ignore_id *ids;
	size_t id_count, id_cap;
	struct source_dirs *sources;
	size_t source_count;
	struct object *objects; /* stream documents, in order */
	size_t object_count, object_cap;
	struct object *items; /* the items of Lists, in order */
	size_t item_count, item_cap;
};

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t')) {
		p++;
	}
	return p;
}

static bool starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) >= n && strncmp(p, word, n) == 0;
}

/* The first "--" in [p, end), or NULL: a comment's text may run on into
 * the rest of its source. */
static const char *find_dashes(const char *p, const char *end)
{
	for (; p + 1 < end; p++) {
		if (p[0] == '-' && p[1] == '-') {
			return p;
		}
	}
	return NULL;
}

/* True when [p, p + n) names rule: its id (own tool only) or an alias. */
static bool id_names(const char *p, size_t n, const struct plm_rule_info *rule,
	bool own)
{
	if (own && strlen(rule->id) == n && strncmp(rule->id, p, n) == 0) {
		return true;
	}
	for (const char *const *a = rule->aliases; a && *a; a++) {
		if (strlen(*a) == n && strncasecmp(*a, p, n) == 0) {
			return true;
		}
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

/* ---- reading directives -------------------------------------------------- */

/* One directive as read from its text, before it is placed. */
struct parsed {
	enum scope scope;
	bool own, kics_any;
	const char *list, *list_end; /* comma-separated ids */
	const char *reason, *reason_end;
	const char *form, *form_end; /* kics_any: the words of the form */
};

/* Checkov's `checkov:skip=ID[,ID]: reason` (p after "checkov") and KICS's
 * `kics-scan ...` (p after "kics-scan"). */
static bool parse_peer_form(const char *tool, const char *p, const char *end,
	bool checkov, struct parsed *d)
{
	d->scope = SCOPE_FILE;
	if (checkov) {
		if (!starts(p, end, ":skip=")) {
			return false;
		}
		d->list = p + 6;
		const char *stop = d->list;
		while (stop < end && *stop != ':' && *stop != ' ' &&
			*stop != '\t') {
			stop++;
		}
		d->list_end = stop;
		if (stop < end && *stop == ':') {
			d->reason = stop + 1;
			d->reason_end = end;
		}
		return true;
	}
	p = skip_space(p, end);
	if (starts(p, end, "disable=")) {
		d->list = p + 8;
		const char *stop = d->list;
		while (stop < end && *stop != ' ' && *stop != '\t') {
			stop++;
		}
		d->list_end = stop;
		return true;
	}
	d->kics_any = true;
	d->form = tool;
	if (starts(p, end, "ignore-line")) {
		d->scope = SCOPE_LINE;
		d->form_end = p + 11;
		return true;
	}
	if (starts(p, end, "ignore") &&
		(end - p == 6 || isspace((unsigned char)p[6]))) {
		d->form_end = p + 6;
		return true;
	}
	return false;
}

/* Reads one comment's text; false when it is no directive. */
static bool parse_comment(const char *text, size_t len, struct parsed *d)
{
	const char *p = text, *end = text + len;
	memset(d, 0, sizeof(*d));
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
	d->own = tool_len == 8 && strncmp(tool, "plimsoll", 8) == 0;
	if ((tool_len == 7 && strncmp(tool, "checkov", 7) == 0) ||
		(tool_len == 9 && strncmp(tool, "kics-scan", 9) == 0)) {
		return parse_peer_form(tool, p, end, tool_len == 7, d);
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
	if ((size_t)(end - p) > 12 && strncmp(p, "ignore-file=", 12) == 0) {
		d->scope = SCOPE_FILE;
		p += 12;
	} else if ((size_t)(end - p) > 7 && strncmp(p, "ignore=", 7) == 0) {
		d->scope = global ? SCOPE_FILE : SCOPE_LINE;
		p += 7;
	} else {
		return false;
	}
	d->list = p;
	while (p < end && *p != ' ' && *p != '\t') {
		p++;
	}
	d->list_end = p;
	const char *dash = find_dashes(p, end);
	if (dash != NULL) {
		d->reason = dash + 2;
		d->reason_end = end;
	}
	return true;
}

/* Offset in the source of text (a copy or a pointer into it) when it
 * stands at `base` there; else `fallback`. */
static uint32_t offset_of(const struct plm_source *src, size_t base,
	const char *text, size_t len, size_t fallback)
{
	if (base <= src->len && len <= src->len - base &&
		memcmp(src->bytes + base, text, len) == 0) {
		return (uint32_t)base;
	}
	return (uint32_t)fallback;
}

/* Appends d (ids at `base` + their place in `text`, when the source
 * holds the text there) as a directive. */
static int add_directive(struct plm_suppress_table *t, const struct parsed *d,
	uint32_t source, const struct plm_source *src, const char *text,
	size_t base, struct directive *out)
{
	*out = (struct directive){
		.source = source,
		.scope = d->scope,
		.own = d->own,
		.kics_any = d->kics_any,
		.reason = d->reason,
		.reason_len = d->reason ? (size_t)(d->reason_end - d->reason)
					: 0,
		.id_begin = t->id_count,
	};
	if (d->kics_any) {
		size_t n = (size_t)(d->form_end - d->form);
		out->at = offset_of(src, base + (size_t)(d->form - text),
			d->form, n, base);
		out->at_len = (uint32_t)n;
	}
	for (const char *p = d->list; p != NULL && p < d->list_end;) {
		const char *comma = memchr(p, ',', (size_t)(d->list_end - p));
		const char *stop = comma != NULL ? comma : d->list_end;
		if (stop > p) {
			if (plm_array_reserve((void **)&t->ids, &t->id_cap,
				    t->id_count, sizeof(*t->ids)) != 0) {
				return PLM_ENOMEM;
			}
			size_t n = (size_t)(stop - p);
			t->ids[t->id_count++] = (struct ignore_id){
				.text = p,
				.len = (uint32_t)n,
				.offset = offset_of(src,
					base + (size_t)(p - text), p, n, base),
			};
		}
		p = stop + 1;
	}
	out->id_end = t->id_count;
	return 0;
}

static int push_directive(struct plm_suppress_table *t,
	const struct directive *d)
{
	if (plm_array_reserve((void **)&t->dirs, &t->dir_cap, t->dir_count,
		    sizeof(*t->dirs)) != 0) {
		return PLM_ENOMEM;
	}
	t->dirs[t->dir_count++] = *d;
	return 0;
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

/* The comment on a line and where it starts: the front end's record for
 * the main source (from its '#' to the line's end, trailing blanks
 * removed), the whole line when it is a comment line. */
static const char *comment_on(const struct plm_doc *doc, uint32_t source,
	uint32_t line, size_t *len, size_t *base)
{
	const struct plm_source *src = doc->sources[source];
	if (source == 0 && doc->comments != NULL) {
		const char *c = line < doc->comment_count ? doc->comments[line]
							  : NULL;
		if (c == NULL || c[0] == '\0') {
			return NULL;
		}
		size_t line_len = 0;
		const char *s = plm_source_line(src, line, &line_len);
		*len = strlen(c);
		/* Where the record stands in the line: at its end, blanks
		 * after it left out; else (a sanitized copy) the line's
		 * start, so that the position is at least on its line. */
		size_t e = line_len;
		while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
			e--;
		}
		size_t at = e >= *len ? e - *len : 0;
		*base = offset_of(src, (size_t)(s - src->bytes) + at, c, *len,
			(size_t)(s - src->bytes));
		return c;
	}
	if (!is_comment_line(src, line)) {
		return NULL;
	}
	const char *t = line_trimmed(src, line, len);
	*base = (size_t)(t - src->bytes);
	return t;
}

/* True when word occurs in bytes[0..len). */
static bool mentions(const char *bytes, size_t len, const char *word)
{
	return plm_find_word(bytes, len, word, strlen(word));
}

/* True when a word an ignore comment needs ("ignore" in every form but
 * Checkov's "skip=" and KICS's "kics-scan") stands after a '#' on its
 * line somewhere in bytes: every comment the front ends record starts at
 * a '#', so only then can a source hold a comment directive. One pass
 * from '#' to '#', each read to its line's end. */
static bool commented(const char *bytes, size_t len)
{
	static const char *const words[] = {"ignore", "skip=", "kics-scan"};
	const char *end = bytes + len, *p = bytes;
	while ((p = memchr(p, '#', (size_t)(end - p))) != NULL) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL) {
			eol = end;
		}
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (mentions(p + 1, (size_t)(eol - p - 1), words[i])) {
				return true;
			}
		}
		p = eol;
	}
	return false;
}

bool plm_suppress_possible(const struct plm_source *src)
{
	return commented(src->bytes, src->len) ||
		mentions(src->bytes, src->len, "plimsoll.dev/ignore") ||
		mentions(src->bytes, src->len, "ignore-check.kube-linter.io/");
}

/* The comment directives of one source: line ones by first line (so by
 * last line too), then the file-wide ones. */
static int read_source(struct plm_suppress_table *t, const struct plm_doc *doc,
	uint32_t source)
{
	const struct plm_source *src = doc->sources[source];
	struct source_dirs *sd = &t->sources[source];
	sd->line_begin = sd->line_end = t->dir_count;
	if (!commented(src->bytes, src->len)) {
		sd->file_begin = sd->file_end = t->dir_count;
		return 0;
	}
	size_t file_count = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			sd->line_end = sd->file_begin = t->dir_count;
		}
		uint32_t block_end = 0; /* the line below the comment block */
		for (uint32_t l = 0; l < src->line_count; l++) {
			size_t len = 0, base = 0;
			const char *c = comment_on(doc, source, l, &len, &base);
			struct parsed p;
			if (c == NULL || !parse_comment(c, len, &p) ||
				(p.scope == SCOPE_FILE) != (pass == 1)) {
				continue;
			}
			struct directive d;
			if (add_directive(t, &p, source, src, c, base, &d) !=
				0) {
				return PLM_ENOMEM;
			}
			d.first = d.last = l;
			if (pass == 0 && is_comment_line(src, l)) {
				if (block_end <= l) {
					block_end = l + 1;
					while (block_end < src->line_count &&
						is_comment_line(src,
							block_end)) {
						block_end++;
					}
				}
				d.last = block_end;
			}
			file_count += pass == 1;
			if (push_directive(t, &d) != 0) {
				return PLM_ENOMEM;
			}
		}
	}
	sd->file_end = sd->file_begin + file_count;
	return 0;
}

/* The directive of annotation e of an object, when it is one. */
static int read_annotation(struct plm_suppress_table *t,
	const struct plm_doc *doc, const struct plm_entry *e,
	struct plm_span object)
{
	static const char own[] = "plimsoll.dev/ignore";
	static const char kube_linter[] = "ignore-check.kube-linter.io/";
	const struct plm_node *v = e->value;
	if (v == NULL || v->kind != PLM_NODE_STRING ||
		v->span.source >= doc->source_count) {
		return 0;
	}
	const struct plm_source *src = doc->sources[v->span.source];
	const char *s = v->as.string.ptr, *end = s + v->as.string.len;
	struct parsed p = {.scope = SCOPE_OBJECT};
	const char *text;
	size_t base;
	if (strcmp(e->key, own) == 0) {
		p.own = true;
		p.list = s;
		p.list_end = s;
		while (p.list_end < end && *p.list_end != ' ' &&
			*p.list_end != '\t') {
			p.list_end++;
		}
		const char *dash = find_dashes(p.list_end, end);
		if (dash != NULL) {
			p.reason = dash + 2;
			p.reason_end = end;
		}
		text = s;
		base = v->span.start + ((v->flags & PLM_NODE_QUOTED) ? 1 : 0);
	} else if (strncmp(e->key, kube_linter, sizeof(kube_linter) - 1) == 0) {
		p.list = e->key + sizeof(kube_linter) - 1;
		p.list_end = e->key + strlen(e->key);
		p.reason = s;
		p.reason_end = end;
		text = e->key;
		base = e->key_span.start;
	} else {
		return 0;
	}
	struct directive d;
	if (add_directive(t, &p, v->span.source, src, text, base, &d) != 0) {
		return PLM_ENOMEM;
	}
	d.first = object.start;
	d.last = object.end;
	return push_directive(t, &d);
}

/* The annotations of node's `metadata.annotations` maps, at any depth
 * below it down to ANNOTATION_DEPTH (the object's own, its pod
 * template's); `skip` is a key not to look under (a List's items). */
static int read_annotations(struct plm_suppress_table *t,
	const struct plm_doc *doc, const struct plm_node *node, int depth,
	struct plm_span object, const char *skip)
{
	if (node == NULL || depth > ANNOTATION_DEPTH) {
		return 0;
	}
	int rc = 0;
	if (node->kind == PLM_NODE_SEQ) {
		for (size_t i = 0; i < node->as.seq.count && rc == 0; i++) {
			rc = read_annotations(t, doc, node->as.seq.items[i],
				depth + 1, object, NULL);
		}
		return rc;
	}
	if (node->kind != PLM_NODE_MAP) {
		return 0;
	}
	const struct plm_node *meta = plm_node_get(node, "metadata");
	const struct plm_node *ann = meta && meta->kind == PLM_NODE_MAP
		? plm_node_get(meta, "annotations")
		: NULL;
	for (size_t i = 0; ann && ann->kind == PLM_NODE_MAP &&
		i < ann->as.map.count && rc == 0;
		i++) {
		rc = read_annotation(t, doc, &ann->as.map.entries[i], object);
	}
	for (size_t i = 0; i < node->as.map.count && rc == 0; i++) {
		const struct plm_entry *e = &node->as.map.entries[i];
		if (strcmp(e->key, "metadata") != 0 &&
			(skip == NULL || strcmp(e->key, skip) != 0)) {
			rc = read_annotations(t, doc, e->value, depth + 1,
				object, NULL);
		}
	}
	return rc;
}

static int add_object(struct plm_suppress_table *t, struct object **list,
	size_t *count, size_t *cap, const struct plm_doc *doc,
	const struct plm_node *node, const char *skip)
{
	if (plm_array_reserve((void **)list, cap, *count, sizeof(**list)) !=
		0) {
		return PLM_ENOMEM;
	}
	struct object o = {.span = node->span, .dir_begin = t->dir_count};
	int rc = read_annotations(t, doc, node, 0, node->span, skip);
	o.dir_end = t->dir_count;
	(*list)[(*count)++] = o;
	return rc;
}

/* Every object of a Kubernetes stream with its annotation directives. An
 * item of a List is the object its findings belong to; the List's own
 * annotations cover what lies in no item. */
static int read_objects(struct plm_suppress_table *t, const struct plm_doc *doc)
{
	const struct plm_node *stream = doc->tree;
	if (doc->kind != PLM_KIND_KUBERNETES || stream == NULL ||
		stream->kind != PLM_NODE_SEQ ||
		!mentions(doc->sources[0]->bytes, doc->sources[0]->len,
			"ignore")) {
		return 0;
	}
	int rc = 0;
	for (size_t i = 0; i < stream->as.seq.count && rc == 0; i++) {
		const struct plm_node *obj = stream->as.seq.items[i];
		if (obj == NULL || obj->kind != PLM_NODE_MAP) {
			continue;
		}
		const struct plm_node *items = plm_node_get(obj, "items");
		bool list = items != NULL && items->kind == PLM_NODE_SEQ;
		rc = add_object(t, &t->objects, &t->object_count,
			&t->object_cap, doc, obj, list ? "items" : NULL);
		if (rc != 0 || !list) {
			continue;
		}
		struct object *o = &t->objects[t->object_count - 1];
		o->item_begin = t->item_count;
		for (size_t k = 0; k < items->as.seq.count && rc == 0; k++) {
			const struct plm_node *item = items->as.seq.items[k];
			if (item != NULL) {
				rc = add_object(t, &t->items, &t->item_count,
					&t->item_cap, doc, item, NULL);
			}
		}
		t->objects[t->object_count - 1].item_end = t->item_count;
	}
	return rc;
}

void plm_suppress_destroy(struct plm_suppress_table *t)
{
	if (t == NULL) {
		return;
	}
	plm_free(t->dirs);
	plm_free(t->ids);
	plm_free(t->sources);
	plm_free(t->objects);
	plm_free(t->items);
	plm_free(t);
}

int plm_suppress_build(const struct plm_doc *doc,
	struct plm_suppress_table **out)
{
	*out = NULL;
	struct plm_suppress_table *t = plm_calloc(1, sizeof(*t));
	if (t == NULL) {
		return PLM_ENOMEM;
	}
	t->source_count = doc->source_count;
	t->sources = plm_calloc(doc->source_count ? doc->source_count : 1,
		sizeof(*t->sources));
	int rc = t->sources != NULL ? 0 : PLM_ENOMEM;
	for (uint32_t s = 0; s < doc->source_count && rc == 0; s++) {
		rc = read_source(t, doc, s);
	}
	if (rc == 0) {
		rc = read_objects(t, doc);
	}
	if (rc != 0) {
		plm_suppress_destroy(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* ---- matching findings --------------------------------------------------- */

/* True when d covers rule; marks what matched as used. */
static bool directive_matches(struct plm_suppress_table *t, struct directive *d,
	const struct plm_rule_info *rule)
{
	if (d->kics_any) {
		if (has_kics_alias(rule)) {
			d->used = true;
			return true;
		}
		return false;
	}
	bool hit = false;
	for (size_t i = d->id_begin; i < d->id_end; i++) {
		struct ignore_id *id = &t->ids[i];
		if (id_names(id->text, id->len, rule, d->own)) {
			id->used = true;
			hit = true;
		}
	}
	return hit;
}

/* The first object of list[0..count) (in order, disjoint) holding pos. */
static struct object *object_at(struct object *list, size_t count, uint32_t pos)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (list[mid].span.end <= pos) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < count && list[lo].span.start <= pos ? &list[lo] : NULL;
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

/* Keeps d as the directive whose reason is given, when none is yet. */
static void prefer(const struct directive **best, const struct directive *d)
{
	if (*best == NULL) {
		*best = d;
	}
}

bool plm_suppress_find(struct plm_suppress_table *t, struct plm_span span,
	uint32_t line, const struct plm_rule_info *rule, char *buf,
	size_t buf_len, const char **reason)
{
	*reason = NULL;
	if (t == NULL || span.source >= t->source_count) {
		return false;
	}
	const struct directive *best = NULL;
	const struct source_dirs *sd = &t->sources[span.source];
	/* Line directives covering the line: last >= line, first <= line.
	 * The nearest one above gives the reason. */
	size_t lo = sd->line_begin, hi = sd->line_end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->dirs[mid].last < line) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	for (size_t i = lo; i < sd->line_end && t->dirs[i].first <= line; i++) {
		if (directive_matches(t, &t->dirs[i], rule)) {
			best = &t->dirs[i];
		}
	}
	const struct directive *line_best = best;
	best = NULL;
	for (size_t i = sd->file_begin; i < sd->file_end; i++) {
		if (directive_matches(t, &t->dirs[i], rule)) {
			prefer(&best, &t->dirs[i]);
		}
	}
	const struct directive *file_best = best;
	best = NULL;
	struct object *o = span.source == 0
		? object_at(t->objects, t->object_count, span.start)
		: NULL;
	if (o != NULL && o->item_end > o->item_begin) {
		struct object *item = object_at(t->items + o->item_begin,
			o->item_end - o->item_begin, span.start);
		o = item != NULL ? item : o;
	}
	for (size_t i = o ? o->dir_begin : 0; o && i < o->dir_end; i++) {
		if (directive_matches(t, &t->dirs[i], rule)) {
			prefer(&best, &t->dirs[i]);
		}
	}
	best = line_best ? line_best : file_best ? file_best : best;
	if (best == NULL) {
		return false;
	}
	if (best->reason != NULL) {
		take_reason(best->reason, best->reason + best->reason_len, buf,
			buf_len, reason);
	}
	return true;
}

/* ---- what the directives did --------------------------------------------- */

/* Whether the rules an id (or a kics_any directive, id NULL) names ran
 * on this unit: *named the first selected one, *ran one that ran to its
 * end, *project one still to run in the project pass. */
static void named_rules(const struct plm_engine *e, const struct directive *d,
	const struct ignore_id *id, unsigned kind, const bool *ran,
	bool project_pass, const char **named, bool *did_run, bool *project)
{
	*named = NULL;
	*did_run = *project = false;
	for (size_t i = 0; i < e->count; i++) {
		const struct plm_policy *p = &e->policies[i];
		bool names = id != NULL
			? id_names(id->text, id->len, &p->info, d->own)
			: has_kics_alias(&p->info);
		if (!names) {
			continue;
		}
		if (*named == NULL) {
			*named = p->info.id;
		}
		if ((p->kinds & kind) == 0) {
			continue;
		}
		if (p->project == project_pass && ran != NULL && ran[i]) {
			*did_run = true;
		}
		if (p->project && !project_pass) {
			*project = true;
		}
	}
}

/* True when the id names a rule or alias of the catalogue, selected or
 * not (peers' forms: an alias). */
static bool id_known(const struct plm_engine *e, const struct ignore_id *id,
	bool own)
{
	for (size_t i = 0; i < e->all_count; i++) {
		if (id_names(id->text, id->len, &e->all[i].info, own)) {
			return true;
		}
	}
	return false;
}

static struct plm_region region_of(const struct plm_doc *doc, uint32_t source,
	uint32_t offset, uint32_t len)
{
	struct plm_span s = {source, offset, offset + len};
	return plm_doc_region(doc, s);
}

static int note_unknown(const struct plm_doc *doc, const struct directive *d,
	const struct ignore_id *id, struct plm_file_result *result)
{
	char msg[256];
	snprintf(msg, sizeof(msg),
		"%s names '%.*s', which is no rule id or alias (see `plimsoll "
		"rules`): it suppresses nothing",
		d->scope == SCOPE_OBJECT ? "the ignore annotation"
					 : "the ignore comment",
		(int)(id->len < 100 ? id->len : 100), id->text);
	struct plm_notification n = {
		.kind = PLM_NOTIFY_PARSE_WARNING,
		.code = "suppress/unknown-rule",
		.message = msg,
		.path = doc->sources[d->source]->path,
		.region = region_of(doc, d->source, id->offset, id->len),
	};
	return plm_file_result_add_note(result, &n);
}

int plm_suppress_finish(struct plm_suppress_table *t,
	const struct plm_engine *e, const struct plm_doc *doc, const bool *ran,
	bool project_pass, struct plm_file_result *result)
{
	int rc = 0;
	unsigned kind = 1u << doc->kind;
	for (size_t k = 0; t != NULL && k < t->dir_count && rc == 0; k++) {
		const struct directive *d = &t->dirs[k];
		size_t n = d->kics_any ? 1 : d->id_end - d->id_begin;
		for (size_t i = 0; i < n && rc == 0; i++) {
			const struct ignore_id *id = d->kics_any
				? NULL
				: &t->ids[d->id_begin + i];
			bool known = id == NULL || id_known(e, id, d->own);
			if (!known && d->own && !project_pass) {
				rc = note_unknown(doc, d, id, result);
				continue;
			}
			/* A peer's id that is no alias of ours is for the
			 * peer: not ours to judge. */
			if (!known || !e->report_unused) {
				continue;
			}
			struct plm_ignore_use u = {
				.path = doc->sources[d->source]->path,
				.annotation = d->scope == SCOPE_OBJECT,
			};
			named_rules(e, d, id, kind, ran, project_pass,
				&u.rule_id, &u.ran, &u.project);
			if (id != NULL) {
				u.region = region_of(doc, d->source, id->offset,
					id->len);
				u.used = id->used;
				/* A copy: the text is not NUL-terminated. */
				char text[128];
				snprintf(text, sizeof(text), "%.*s",
					(int)(id->len < 127 ? id->len : 127),
					id->text);
				u.id = text;
				rc = plm_file_result_add_ignore(result, &u);
			} else {
				u.region = region_of(doc, d->source, d->at,
					d->at_len);
				u.used = d->used;
				rc = plm_file_result_add_ignore(result, &u);
			}
		}
	}
	return rc;
}

/* ---- the run's ledger ---------------------------------------------------- */

struct plm_ignore_ledger {
	struct plm_file_result uses; /* owns the copies */
};

int plm_ignore_ledger_create(struct plm_ignore_ledger **out)
{
	*out = plm_calloc(1, sizeof(**out));
	if (*out == NULL) {
		return PLM_ENOMEM;
	}
	if (plm_file_result_init(&(*out)->uses, "") != 0) {
		plm_ignore_ledger_destroy(*out);
		*out = NULL;
		return PLM_ENOMEM;
	}
	return 0;
}

void plm_ignore_ledger_destroy(struct plm_ignore_ledger *l)
{
	if (l == NULL) {
		return;
	}
	plm_file_result_finish(&l->uses);
	plm_free(l);
}

int plm_ignore_ledger_add(struct plm_ignore_ledger *l,
	const struct plm_file_result *r)
{
	for (size_t i = 0; i < r->ignore_count; i++) {
		if (plm_file_result_add_ignore(&l->uses, &r->ignores[i]) != 0) {
			return PLM_ENOMEM;
		}
	}
	return 0;
}

static int cmp_use(const void *pa, const void *pb)
{
	const struct plm_ignore_use *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	if (c != 0) {
		return c;
	}
	if (a->region.start_offset != b->region.start_offset) {
		return a->region.start_offset < b->region.start_offset ? -1 : 1;
	}
	return (int)a->annotation - (int)b->annotation;
}

static int note_unused(const struct plm_ignore_use *u,
	struct plm_file_result *out)
{
	char msg[384];
	const char *where = u->annotation ? "ignore annotation"
					  : "ignore comment";
	if (u->id == NULL) {
		snprintf(msg, sizeof(msg),
			"this %s suppressed no finding: no rule with a KICS "
			"id reported anything it covers",
			where);
	} else if (u->rule_id != NULL && strcmp(u->id, u->rule_id) != 0) {
		snprintf(msg, sizeof(msg),
			"'%s' (%s) in this %s suppressed no finding: the "
			"rule reported nothing it covers",
			u->id, u->rule_id, where);
	} else {
		snprintf(msg, sizeof(msg),
			"'%s' in this %s suppressed no finding: the rule "
			"reported nothing it covers",
			u->id, where);
	}
	struct plm_notification n = {
		.kind = PLM_NOTIFY_PARSE_WARNING,
		.code = "suppress/unused",
		.message = msg,
		.path = u->path,
		.region = u->region,
		.rule_id = u->rule_id,
	};
	return plm_file_result_add_note(out, &n);
}

int plm_ignore_ledger_report(struct plm_ignore_ledger *l, bool project_ran,
	struct plm_file_result *out)
{
	struct plm_ignore_use *u = l->uses.ignores;
	size_t count = l->uses.ignore_count;
	if (count > 1) {
		qsort(u, count, sizeof(*u), cmp_use);
	}
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0;) {
		/* The same id seen by several units (a file another one
		 * includes, a Dockerfile a Compose file builds): used when any
		 * used it, judged when a rule it names ran in any. */
		bool used = false, judged = false;
		size_t j = i;
		for (; j < count && cmp_use(&u[i], &u[j]) == 0; j++) {
			used |= u[j].used;
			judged |= u[j].ran || (u[j].project && project_ran);
		}
		if (judged && !used) {
			rc = note_unused(&u[i], out);
		}
		i = j;
	}
	return rc;
}

/*
 * engine/engine.c - the catalogue (selection, order) and the checkers that
 * run policies over documents: the `report` function, regions, snippets,
 * fingerprints and suppressions.
 */
#include "engine/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include "dockerfile/instruction.h"
#include "engine/config.h"
#include "engine/index.h"
#include "load/load.h"
#include "output/linehash.h"
#include "util/alloc.h"
#include "plimsoll/report.h"
#include "util/find.h"
#include "util/hash.h"
#include "util/sort.h"
#include "plm_config.h"

/* ---- the catalogue ------------------------------------------------------- */

static bool names_rule(const struct plm_rule_info *r, const char *name)
{
	if (strcmp(r->id, name) == 0) {
		return true;
	}
	for (const char *const *a = r->aliases; a && *a; a++) {
		if (strcasecmp(*a, name) == 0) {
			return true;
		}
	}
	return false;
}

static bool in_list(const struct plm_rule_info *r, const char *const *names,
	size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (names_rule(r, names[i])) {
			return true;
		}
	}
	return false;
}

static bool has_tag(const struct plm_rule_info *r, const char *const *tags,
	size_t count)
{
	for (size_t i = 0; i < count; i++) {
		for (const char *const *t = r->tags; t && *t; t++) {
			if (strcasecmp(*t, tags[i]) == 0) {
				return true;
			}
		}
	}
	return false;
}

/* Checks that every --only/--skip name is some rule's id or alias. */
static int check_names(const struct plm_policy *all, size_t count,
	const char *const *names, size_t n, const char *option, char **error)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < count && !found; j++) {
			found = names_rule(&all[j].info, names[i]);
		}
		if (!found) {
			*error = plm_engine_strdupf("%s: unknown rule '%s' (see "
						    "`plimsoll rules`)",
				option, names[i]);
			return PLM_EINVAL;
		}
	}
	return 0;
}

static int cmp_policy(const void *a, const void *b)
{
	const struct plm_policy *x = a, *y = b;
	return strcmp(x->info.id, y->info.id);
}

int plm_engine_create(const struct plm_engine_options *o,
	struct plm_engine **out, char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_policy *all = NULL;
	size_t count = 0;
	int rc = PLM_ENOMEM;
	struct plm_engine *e = plm_calloc(1, sizeof(*e));
	if (e == NULL || (e->arena = plm_arena_create(0)) == NULL) {
		goto fail;
	}
	e->limits.memory = o->memory_limit ? o->memory_limit
					   : PLM_LUA_DEFAULT_MEMORY;
	e->limits.instructions = o->instruction_limit
		? o->instruction_limit
		: PLM_LUA_DEFAULT_INSTRUCTIONS;
	e->limits.seconds = o->time_limit > 0 ? o->time_limit
					      : PLM_LUA_DEFAULT_SECONDS;
	e->builtin_limits = e->limits;
	e->builtin_limits.uncounted = o->instruction_limit == 0;
	rc = plm_policy_load_all(o, &e->limits, e->arena, &all, &count, error);
	if (rc != 0) {
		goto fail;
	}
	rc = check_names(all, count, o->only, o->only_count, "--only", error);
	if (rc == 0) {
		rc = check_names(all, count, o->skip, o->skip_count, "--skip",
			error);
	}
	if (rc == 0) {
		rc = plm_engine_apply_settings(all, count, o->settings,
			e->arena, error);
	}
	if (rc != 0) {
		goto fail;
	}
	rc = PLM_ENOMEM;
	e->policies = plm_arena_alloc(e->arena,
		(count ? count : 1) * sizeof(*e->policies));
	e->rules = plm_arena_alloc(e->arena,
		(count ? count : 1) * sizeof(*e->rules));
	e->chunks = plm_arena_alloc(e->arena,
		(count ? count : 1) * sizeof(*e->chunks));
	if (e->policies == NULL || e->rules == NULL || e->chunks == NULL) {
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		const struct plm_rule_info *r = &all[i].info;
		if (o->only_count > 0 && !in_list(r, o->only, o->only_count)) {
			continue;
		}
		if (in_list(r, o->skip, o->skip_count)) {
			continue;
		}
		if (o->tag_count > 0 && !has_tag(r, o->tags, o->tag_count)) {
			continue;
		}
		e->policies[e->count++] = all[i];
	}
	qsort(e->policies, e->count, sizeof(*e->policies), cmp_policy);
	e->all = all;
	e->all_count = count;
	e->report_unused = o->report_unused_ignores;
	for (size_t i = 0; i < e->count; i++) {
		e->rules[i] = e->policies[i].info;
		e->chunks[i] = e->policies[i].chunk;
	}
	*out = e;
	return 0;
fail:
	if (*error == NULL) {
		*error = plm_engine_strdupf("%s", plm_error_string(rc));
	}
	plm_engine_destroy(e);
	return rc;
}

void plm_engine_destroy(struct plm_engine *e)
{
	if (e == NULL) {
		return;
	}
	plm_arena_destroy(e->arena);
	plm_free(e);
}

bool plm_engine_reports_unused(const struct plm_engine *e)
{
	return e->report_unused;
}

const struct plm_rule_info *plm_engine_rules(const struct plm_engine *e,
	size_t *count)
{
	*count = e->count;
	return e->rules;
}

const struct plm_rule_info *plm_engine_find(const struct plm_engine *e,
	const char *name, size_t *index)
{
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < e->count; i++) {
			bool hit = pass == 0 ? strcmp(e->rules[i].id, name) == 0
					     : names_rule(&e->rules[i], name);
			if (hit) {
				if (index != NULL) {
					*index = i;
				}
				return &e->rules[i];
			}
		}
	}
	return NULL;
}

/* ---- checkers ------------------------------------------------------------ */

struct pending_related {
	char *path;
	struct plm_region region;
	char *message;
};

struct pending_edit {
	struct plm_span span;
	char *text;
};

struct pending {
	size_t rule;
	struct plm_span span;
	enum plm_severity severity;
	char *message;
	char *fix;
	size_t doc;               /* project runs: the index document */
	struct plm_region region; /* project runs: as the index saw it */
	struct pending_related *related;
	size_t related_count;
	struct pending_edit *edits;
	size_t edit_count;
};

struct plm_checker {
	const struct plm_engine *engine;
	struct plm_lua_checker *lua;
	struct pending *pending;
	size_t pending_count;
	size_t pending_cap;
	/* A project run: the index and how to load its documents. */
	const struct plm_index *index;
	const struct plm_load_options *load;
	size_t rule;
	/* What the file's configuration says, per rule; NULL: defaults. */
	const struct plm_rule_config *config;
	size_t run_findings;
	size_t run_dropped; /* reported past the cap in this run */
	char problem[128];  /* what report() raises, when it does */
	struct plm_rule_profile *profile; /* per rule; NULL: not measuring */
	bool *ran;           /* per rule: it ran to its end in this pass */
	bool no_line_hashes; /* project findings get none */
	/* The pairs of adjacent bytes of the document whose needs are
	 * being checked (struct doc_holds), made when first wanted. */
	uint64_t *pairs;
};

void plm_checker_skip_line_hashes(struct plm_checker *c, bool skip)
{
	c->no_line_hashes = skip;
}

int plm_checker_create(const struct plm_engine *e, struct plm_checker **out,
	char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_checker *c = plm_calloc(1, sizeof(*c));
	if (c == NULL) {
		*error = plm_engine_strdupf("out of memory creating a checker");
		return PLM_ENOMEM;
	}
	c->engine = e;
	c->ran = plm_calloc(e->count ? e->count : 1, sizeof(*c->ran));
	if (c->ran == NULL) {
		plm_checker_destroy(c);
		*error = plm_engine_strdupf("out of memory creating a checker");
		return PLM_ENOMEM;
	}
	int rc = plm_lua_checker_create(e->chunks, e->count, &c->lua, error);
	if (rc != 0) {
		plm_checker_destroy(c);
		return rc;
	}
	*out = c;
	return 0;
}

void plm_checker_collect(struct plm_checker *c)
{
	if (c != NULL) {
		plm_lua_checker_collect(c->lua);
	}
}

static void free_pending(struct pending *p)
{
	plm_free(p->message);
	plm_free(p->fix);
	for (size_t i = 0; i < p->related_count; i++) {
		plm_free(p->related[i].path);
		plm_free(p->related[i].message);
	}
	plm_free(p->related);
	for (size_t i = 0; i < p->edit_count; i++) {
		plm_free(p->edits[i].text);
	}
	plm_free(p->edits);
	p->message = p->fix = NULL;
	p->related = NULL;
	p->related_count = 0;
	p->edits = NULL;
	p->edit_count = 0;
}

static void clear_pending(struct plm_checker *c)
{
	for (size_t i = 0; i < c->pending_count; i++) {
		free_pending(&c->pending[i]);
	}
	c->pending_count = 0;
}

void plm_checker_destroy(struct plm_checker *c)
{
	if (c == NULL) {
		return;
	}
	clear_pending(c);
	plm_free(c->pending);
	plm_free(c->profile);
	plm_free(c->ran);
	plm_free(c->pairs);
	plm_lua_checker_destroy(c->lua);
	plm_free(c);
}

/* ---- what a run hands back ----------------------------------------------- */

static size_t clip_len(size_t len)
{
	return (len < PLM_MAX_MESSAGE ? len : PLM_MAX_MESSAGE) + 1;
}

static char *clip_dup(const char *s, size_t len)
{
	return plm_strndup(s, clip_len(len) - 1);
}

/* The report hook: keeps one finding of the running policy. */
static const char *on_report(void *context, const struct plm_lua_report *r,
	size_t *kept)
{
	struct plm_checker *c = context;
	*kept = 0;
	if (c->run_findings >= PLM_MAX_FINDINGS_PER_RUN) {
		/* Counted, not kept: a notification says how many. */
		c->run_dropped++;
		return NULL;
	}
	if (c->pending_count == c->pending_cap) {
		size_t ncap = c->pending_cap ? c->pending_cap * 2 : 16;
		struct pending *n = plm_realloc(c->pending, ncap * sizeof(*n));
		if (n == NULL) {
			return "report: out of memory";
		}
		c->pending = n;
		c->pending_cap = ncap;
	}
	struct pending *p = &c->pending[c->pending_count];
	memset(p, 0, sizeof(*p));
	p->rule = c->rule;
	p->span = r->target.span;
	p->doc = r->target.doc;
	p->region = r->target.region;
	p->severity = r->severity >= 0 ? (enum plm_severity)r->severity
				       : c->engine->rules[c->rule].severity;
	if (c->config != NULL && c->config[c->rule].severity >= 0) {
		/* the configuration's severity replaces the policy's */
		p->severity = (enum plm_severity)c->config[c->rule].severity;
	}
	p->message = clip_dup(r->message, r->message_len);
	p->fix = r->fix != NULL ? clip_dup(r->fix, r->fix_len) : NULL;
	bool nomem = p->message == NULL || (r->fix != NULL && p->fix == NULL);
	if (r->related_count > 0 && !nomem) {
		p->related = plm_calloc(r->related_count, sizeof(*p->related));
		nomem = p->related == NULL;
	}
	for (size_t i = 0; i < r->related_count && !nomem; i++) {
		const struct plm_lua_related *from = &r->related[i];
		struct pending_related *to = &p->related[i];
		p->related_count++;
		to->region = from->target.region;
		to->path = plm_strdup(from->target.path);
		to->message = from->message != NULL
			? clip_dup(from->message, from->message_len)
			: NULL;
		nomem = to->path == NULL ||
			(from->message != NULL && to->message == NULL);
	}
	if (r->edit_count > 0 && !nomem) {
		p->edits = plm_calloc(r->edit_count, sizeof(*p->edits));
		nomem = p->edits == NULL;
	}
	for (size_t i = 0; i < r->edit_count && !nomem; i++) {
		p->edits[i].span = r->edits[i].span;
		p->edits[i].text = plm_strndup(r->edits[i].text,
			r->edits[i].text_len);
		nomem = p->edits[i].text == NULL;
		p->edit_count++;
	}
	if (nomem) {
		free_pending(p);
		return "report: out of memory";
	}
	*kept = sizeof(*p) + clip_len(r->message_len) +
		(r->fix != NULL ? clip_len(r->fix_len) : 0);
	for (size_t i = 0; i < p->related_count; i++) {
		*kept += sizeof(*p->related) + strlen(p->related[i].path) + 1 +
			(r->related[i].message != NULL
					? clip_len(r->related[i].message_len)
					: 0);
	}
	for (size_t i = 0; i < p->edit_count; i++) {
		*kept += sizeof(*p->edits) + r->edits[i].text_len + 1;
	}
	c->pending_count++;
	c->run_findings++;
	return NULL;
}

/* Loads a document of the index again through the same loader as a
 * scan, with the checker's load options and the document's kind. Returns
 * 0 (see st for the outcome; *doc is set on PLM_LOAD_OK) or PLM_ENOMEM. */
static int load_indexed(const struct plm_checker *c,
	const struct plm_index_doc *id, struct plm_doc **doc,
	struct plm_load_status *st)
{
	struct plm_load_options o;
	memset(&o, 0, sizeof(o));
	if (c->load != NULL) {
		o = *c->load;
	}
	o.kind = id->kind;
	int rc = plm_load(id->path, id->shown_path, id->kind, true, &o, doc,
		st);
	if (rc != 0) {
		plm_doc_destroy(*doc);
		*doc = NULL;
	}
	return rc;
}

/* The project.load() hook. */
static int on_load(void *context, size_t d, struct plm_doc **doc,
	struct plm_load_status *st)
{
	const struct plm_checker *c = context;
	return load_indexed(c, plm_index_doc_at(c->index, d), doc, st);
}

static const char *failure_code(enum plm_lua_status st)
{
	switch (st) {
	case PLM_LUA_INSTRUCTIONS:
		return "policy/instruction-limit";
	case PLM_LUA_MEMORY:
		return "policy/memory-limit";
	case PLM_LUA_TIME:
		return "policy/time-limit";
	default:
		return "policy/error";
	}
}

int plm_checker_profile(struct plm_checker *c)
{
	if (c->profile == NULL) {
		c->profile = plm_calloc(c->engine->count ? c->engine->count : 1,
			sizeof(*c->profile));
	}
	return c->profile != NULL ? 0 : PLM_ENOMEM;
}

void plm_checker_add_profile(const struct plm_checker *c,
	struct plm_rule_profile *totals)
{
	for (size_t i = 0; c->profile != NULL && i < c->engine->count; i++) {
		const struct plm_rule_profile *p = &c->profile[i];
		struct plm_rule_profile *t = &totals[i];
		t->runs += p->runs;
		t->skipped += p->skipped;
		t->findings += p->findings;
		t->failures += p->failures;
		t->nanoseconds += p->nanoseconds;
		t->instructions += p->instructions;
		if (p->max_nanoseconds > t->max_nanoseconds) {
			t->max_nanoseconds = p->max_nanoseconds;
		}
		if (p->max_instructions > t->max_instructions) {
			t->max_instructions = p->max_instructions;
		}
	}
}

static uint64_t thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Counts one run of rule into the checker's profile. */
static void profile_run(struct plm_checker *c, size_t rule, uint64_t t0,
	bool failed)
{
	struct plm_rule_profile *p = &c->profile[rule];
	uint64_t ns = thread_ns() - t0;
	uint64_t charged = plm_lua_checker_last_executed(c->lua);
	p->runs++;
	p->findings += c->run_findings;
	p->failures += failed;
	p->nanoseconds += ns;
	p->instructions += charged;
	if (ns > p->max_nanoseconds) {
		p->max_nanoseconds = ns;
	}
	if (charged > p->max_instructions) {
		p->max_instructions = charged;
	}
}

/* The notification for findings a run reported past the cap: they are
 * lost, so the result is incomplete. */
static int note_dropped(struct plm_checker *c, const char *what, size_t rule,
	struct plm_file_result *result)
{
	const struct plm_policy *p = &c->engine->policies[rule];
	char *msg = plm_engine_strdupf(
		"policy %s reported %zu more findings "
		"on %s than the limit of %d per %s: they were dropped",
		p->info.id, c->run_dropped, what, PLM_MAX_FINDINGS_PER_RUN,
		c->index != NULL ? "project" : "file");
	struct plm_notification n = {0};
	n.kind = PLM_NOTIFY_POLICY_ERROR;
	n.code = "limit/findings";
	n.message = msg != NULL ? msg : "findings past the limit were dropped";
	n.path = c->index != NULL ? NULL : what;
	n.rule_id = p->info.id;
	int rc = plm_file_result_add_note(result, &n);
	plm_free(msg);
	return rc;
}

/* Runs one policy; a failure becomes a notification on result naming
 * `what` (the scanned file, or "the project"). */
static int run_one(struct plm_checker *c, const char *what, size_t rule,
	bool small, struct plm_file_result *result)
{
	const struct plm_policy *p = &c->engine->policies[rule];
	struct plm_lua_failure fail;
	c->rule = rule;
	c->run_findings = 0;
	c->run_dropped = 0;
	size_t before = c->pending_count;
	uint64_t t0 = c->profile != NULL ? thread_ns() : 0;
	const struct plm_setting_values *values = c->config != NULL
		? &c->config[rule].settings
		: &p->values;
	enum plm_lua_status st = plm_lua_checker_run(c->lua, rule, values,
		p->builtin && small ? &c->engine->builtin_limits
				    : &c->engine->limits,
		&fail);
	if (c->profile != NULL) {
		profile_run(c, rule, t0, st != PLM_LUA_OK);
	}
	/* Findings dropped past the cap may be what an ignore was for. */
	c->ran[rule] = st == PLM_LUA_OK && c->run_dropped == 0;
	if (st == PLM_LUA_OK) {
		return c->run_dropped > 0 ? note_dropped(c, what, rule, result)
					  : 0;
	}
	/* A failed run's findings are dropped: the notification says the
	 * policy did not finish on this file. */
	while (c->pending_count > before) {
		c->pending_count--;
		free_pending(&c->pending[c->pending_count]);
	}
	char *where = plm_engine_full_location(fail.message,
		p->info.source_path);
	char *msg = plm_engine_strdupf("policy %s failed on %s: %s", p->info.id,
		what, where != NULL ? where : fail.message);
	plm_free(where);
	struct plm_notification n = {0};
	n.kind = PLM_NOTIFY_POLICY_ERROR;
	n.code = failure_code(st);
	n.message = msg != NULL ? msg : fail.message;
	n.path = c->index != NULL ? NULL : what;
	n.rule_id = p->info.id;
	int rc = plm_file_result_add_note(result, &n);
	plm_free(msg);
	return rc;
}

/* ---- findings ------------------------------------------------------------ */

/* The part of a line a finding quotes: the whole line when it is short,
 * else a window of PLM_LINE_TEXT_MAX bytes that starts a little before
 * the region (at offset `at` in the line), cut at character boundaries.
 * A minified manifest's one line can hold megabytes and thousands of
 * findings: each keeps its window, not a copy of the line. */
static void line_window(const char *line, size_t line_len, size_t at,
	size_t *from, size_t *len)
{
	if (line_len <= PLM_LINE_TEXT_MAX) {
		*from = 0;
		*len = line_len;
		return;
	}
	if (at > line_len) {
		at = line_len;
	}
	size_t start = at > PLM_LINE_TEXT_BEFORE ? at - PLM_LINE_TEXT_BEFORE
						 : 0;
	while (start > 0 && ((unsigned char)line[start] & 0xC0) == 0x80) {
		start--;
	}
	size_t end = start + PLM_LINE_TEXT_MAX < line_len
		? start + PLM_LINE_TEXT_MAX
		: line_len;
	while (end < line_len && end > start &&
		((unsigned char)line[end] & 0xC0) == 0x80) {
		end--;
	}
	*from = start;
	*len = end - start;
}

/* Hash of the region's lines with blank runs collapsed and ends trimmed,
 * so re-indenting or moving the lines keeps it. */
static uint64_t normalized_hash(uint64_t h, const struct plm_source *src,
	uint32_t first, uint32_t last, size_t from, size_t window)
{
	bool space = false, started = false;
	for (uint32_t l = first; l <= last && l < src->line_count; l++) {
		size_t len = 0;
		const char *s = plm_source_line(src, l, &len);
		/* A long line counts by the window quoted from it (the first
		 * line) or its start: hashing a megabyte line once per
		 * finding on it would be quadratic. */
		if (len > PLM_FINGERPRINT_LINE_MAX && l == first) {
			s += from;
			len = window;
		} else if (len > PLM_FINGERPRINT_LINE_MAX) {
			len = PLM_FINGERPRINT_LINE_MAX;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch == ' ' || ch == '\t' || ch == '\r') {
				space = started;
				continue;
			}
			if (space) {
				h = plm_fnv1a(h, " ", 1);
				space = false;
			}
			h = plm_fnv1a(h, &ch, 1);
			started = true;
		}
		space = started;
	}
	return h;
}

/* The fingerprint keys met so far in one file: an open-addressing table
 * of at least twice as many slots as findings. */
struct seen_key {
	uint64_t key;
	uint32_t count;
	bool used;
};

/* How many findings before this one had the same key. */
static uint32_t occurrence_of(struct seen_key *seen, size_t mask, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & mask;
	while (seen[i].used && seen[i].key != key) {
		i = (i + 1) & mask;
	}
	if (!seen[i].used) {
		seen[i].used = true;
		seen[i].key = key;
		return 0;
	}
	return ++seen[i].count;
}

/* Report order may depend on the Lua state (pairs over a table with string
 * keys hashes with a per-state seed); findings are put in one order before
 * occurrences are counted, so fingerprints do not depend on the worker. */
static int cmp_pending(const void *pa, const void *pb)
{
	const struct pending *a = pa, *b = pb;
	if (a->rule != b->rule) {
		return a->rule < b->rule ? -1 : 1;
	}
	if (a->span.source != b->span.source) {
		return a->span.source < b->span.source ? -1 : 1;
	}
	if (a->span.start != b->span.start) {
		return a->span.start < b->span.start ? -1 : 1;
	}
	if (a->span.end != b->span.end) {
		return a->span.end < b->span.end ? -1 : 1;
	}
	int m = strcmp(a->message, b->message);
	if (m != 0) {
		return m;
	}
	return strcmp(a->fix ? a->fix : "", b->fix ? b->fix : "");
}

/* What finishing the findings of one file keeps from one to the next. */
struct finish_state {
	struct seen_key *seen;
	size_t seen_slots;
	struct plm_suppress_table *ignores; /* the document's; may be NULL */
	/* The fingerprint's hash of a rule's id and a path, kept for the
	 * next finding of the same (they come sorted by rule, then place);
	 * forgotten when the document changes, whose path may be freed. */
	bool prefix_known;
	size_t prefix_rule;
	const char *prefix_path;
	uint64_t prefix_key;
};

/* The fingerprint's key of rule's id and path, from fs when the last
 * finding had the same. */
static uint64_t key_prefix(struct finish_state *fs, size_t rule_index,
	const char *rule_id, const char *path)
{
	if (fs->prefix_known && fs->prefix_rule == rule_index &&
		fs->prefix_path == path) {
		return fs->prefix_key;
	}
	uint64_t key = plm_fnv1a(PLM_FNV1A_INIT, rule_id, strlen(rule_id) + 1);
	key = plm_fnv1a(key, path, strlen(path) + 1);
	fs->prefix_known = true;
	fs->prefix_rule = rule_index;
	fs->prefix_path = path;
	fs->prefix_key = key;
	return key;
}

/* Appends the finding of p to result. doc is the document the span is in,
 * or NULL when it could not be loaded again (a project finding whose file
 * changed or vanished): then the region is the one the index saw, and
 * there is no snippet and no suppression. */
static int emit_finding(struct plm_checker *c, const struct plm_doc *doc,
	const char *path, enum plm_kind kind, const struct pending *p,
	struct finish_state *fs, struct plm_file_result *result)
{
	const struct plm_rule_info *rule = &c->engine->rules[p->rule];
	struct plm_finding f = {0};
	struct plm_related_location related[PLM_LUA_MAX_RELATED];
	f.rule_id = rule->id;
	f.rule_index = p->rule;
	f.severity = p->severity;
	f.message = p->message;
	f.kind = plm_kind_name(kind);
	f.fix = p->fix;
	for (size_t i = 0; i < p->related_count && i < PLM_LUA_MAX_RELATED;
		i++) {
		related[i].path = p->related[i].path;
		related[i].region = p->related[i].region;
		related[i].message = p->related[i].message;
	}
	f.related = p->related_count > 0 ? related : NULL;
	f.related_count = p->related_count;
	struct plm_edit edits[PLM_LUA_MAX_EDITS];
	for (size_t i = 0;
		doc != NULL && i < p->edit_count && i < PLM_LUA_MAX_EDITS;
		i++) {
		edits[i].region = plm_doc_region(doc, p->edits[i].span);
		if (p->edits[i].span.end == p->edits[i].span.start) {
			/* an insertion: an empty region, not one character */
			edits[i].region.end_line = edits[i].region.start_line;
			edits[i].region.end_column =
				edits[i].region.start_column;
			edits[i].region.end_offset =
				edits[i].region.start_offset;
		}
		edits[i].text = p->edits[i].text;
		f.edit_count = i + 1;
	}
	f.edits = f.edit_count > 0 ? edits : NULL;
	uint64_t key;
	char *snippet = NULL, *line_text = NULL;
	char reason[512];
	const struct plm_source *src = doc != NULL
		? doc->sources[p->span.source]
		: NULL;
	if (src == NULL) {
		f.path = path;
		f.region = p->region;
		f.line_text = "";
		key = key_prefix(fs, p->rule, rule->id, path);
		key = plm_fnv1a(key, p->message, strlen(p->message));
	} else {
		f.path = src->path;
		f.region = plm_doc_region(doc, p->span);
		size_t snip_len = p->span.end - p->span.start;
		if (snip_len > PLM_MAX_MESSAGE) {
			snip_len = PLM_MAX_MESSAGE;
		}
		snippet = plm_strndup(src->bytes + p->span.start, snip_len);
		uint32_t first = plm_source_line_of(src, p->span.start);
		uint32_t last = plm_source_line_of(src,
			p->span.end > p->span.start ? p->span.end - 1
						    : p->span.end);
		size_t line_len = 0;
		const char *line = plm_source_line(src, first, &line_len);
		size_t from = 0, len = line_len;
		line_window(line, line_len,
			p->span.start - (size_t)(line - src->bytes), &from,
			&len);
		line_text = plm_strndup(line + from, len);
		f.snippet = snippet;
		f.line_text = line_text;
		f.line_text_column = f.region.start_column -
			(uint32_t)plm_output_code_points(line + from,
				p->span.start - (size_t)(line - src->bytes) -
					from);
		key = key_prefix(fs, p->rule, rule->id, src->path);
		key = normalized_hash(key, src, first, last, from, len);

		const char *why = NULL;
		if (plm_suppress_find(fs->ignores, p->span, first, rule, reason,
			    sizeof(reason), &why)) {
			f.suppression = PLM_SUPPRESSION_IN_SOURCE;
			f.suppression_justification = why;
		}
	}
	uint32_t occurrence = occurrence_of(fs->seen, fs->seen_slots - 1, key);
	uint64_t a = plm_fnv1a(key, &occurrence, sizeof(occurrence));
	uint64_t b = plm_fnv1a(a ^ 0x9e3779b97f4a7c15ull, rule->id,
		strlen(rule->id));
	char fingerprint[33];
	plm_hex64(a, fingerprint);
	plm_hex64(b, fingerprint + 16);
	fingerprint[32] = '\0';
	f.fingerprint = fingerprint;
	int rc = 0;
	if (src != NULL && (snippet == NULL || line_text == NULL)) {
		rc = PLM_ENOMEM;
	} else {
		rc = plm_file_result_add_finding(result, &f);
	}
	plm_free(snippet);
	plm_free(line_text);
	return rc;
}

static int finish_begin(struct plm_checker *c, struct finish_state *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->seen_slots = 16;
	while (fs->seen_slots < 2 * c->pending_count) {
		fs->seen_slots *= 2;
	}
	fs->seen = plm_calloc(fs->seen_slots, sizeof(*fs->seen));
	return fs->seen != NULL ? 0 : PLM_ENOMEM;
}

/* Says that a result could not hold `dropped` findings (memory, or the
 * result's cap): the run is incomplete, never silently short. */
static int note_result_full(struct plm_file_result *result, const char *path,
	size_t dropped)
{
	char msg[256];
	snprintf(msg, sizeof(msg),
		"%zu findings on %s were dropped: the "
		"results of one file reached the memory they may use",
		dropped, path);
	struct plm_notification n = {0};
	n.kind = PLM_NOTIFY_TOOL_ERROR;
	n.code = "limit/result-memory";
	n.message = msg;
	n.path = path;
	return plm_file_result_add_note(result, &n);
}

/* The findings of doc, matched against its directives t (may be NULL),
 * then what the directives did. */
static int finish_findings(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_suppress_table *t, struct plm_file_result *result)
{
	if (c->pending_count > 1) { /* qsort(NULL, 0, ...) is undefined */
		plm_sort(c->pending, c->pending_count, sizeof(*c->pending),
			cmp_pending);
	}
	struct finish_state fs = {0};
	int rc = c->pending_count > 0 ? finish_begin(c, &fs) : 0;
	fs.ignores = t;
	size_t dropped = 0;
	for (size_t i = 0; i < c->pending_count && rc == 0; i++) {
		rc = emit_finding(c, doc, NULL, doc->kind, &c->pending[i], &fs,
			result);
		/* A full result keeps what it holds; the rest are counted. */
		if (rc == PLM_ENOMEM) {
			dropped = c->pending_count - i;
			break;
		}
	}
	if (c->pending_count > 0) {
		plm_free(fs.seen);
	}
	clear_pending(c);
	if (dropped > 0) {
		rc = note_result_full(result, plm_doc_main(doc)->path, dropped);
		/* Some findings went unmatched: an ignore may look unused. */
		memset(c->ran, 0, c->engine->count * sizeof(*c->ran));
	}
	if (rc == 0) {
		rc = plm_suppress_finish(t, c->engine, doc, c->ran, false,
			result);
	}
	return rc;
}

static int cmp_pending_project(const void *pa, const void *pb)
{
	const struct pending *a = pa, *b = pb;
	if (a->doc != b->doc) {
		return a->doc < b->doc ? -1 : 1;
	}
	return cmp_pending(pa, pb);
}

/* A manifest's bytes alone, as a document with no tree, when they are
 * what was indexed (as many lines) and can hold no ignore directive: its
 * project findings need only the text (snippets, fingerprints, line
 * hashes), and parsing a large manifest again would cost as much as the
 * scan of it did. *out stays NULL when the whole file must be loaded. */
static int reload_text(const struct plm_checker *c,
	const struct plm_index_doc *id, struct plm_doc **out)
{
	*out = NULL;
	if (id->kind != PLM_KIND_KUBERNETES) {
		return 0; /* other kinds may span several files */
	}
	size_t max = c->load != NULL ? c->load->max_file_size : 0;
	struct plm_source *src = NULL;
	int rc = plm_source_read(id->path, id->shown_path, max, &src);
	if (rc == PLM_ENOMEM) {
		return rc;
	}
	if (rc != 0 || src->line_count != id->line_count ||
		plm_suppress_possible(src)) {
		plm_source_destroy(src);
		return 0;
	}
	*out = plm_doc_create_take(src, id->kind);
	return *out != NULL ? 0 : PLM_ENOMEM;
}

/* Loads document d of the index again (for snippets, fingerprints and
 * suppressions) into *out, NULL when it cannot be read now (it changed or
 * vanished). Returns 0, or PLM_ENOMEM: then the findings would lose their
 * snippets without a word, so the caller fails instead. */
static int reload(const struct plm_checker *c, size_t d, struct plm_doc **out)
{
	*out = NULL;
	const struct plm_index_doc *id = plm_index_doc_at(c->index, d);
	if (id == NULL) {
		return 0;
	}
	int rc = reload_text(c, id, out);
	if (rc != 0 || *out != NULL) {
		return rc;
	}
	struct plm_load_status st;
	struct plm_doc *doc = NULL;
	rc = load_indexed(c, id, &doc, &st);
	if (rc != 0 || st.outcome != PLM_LOAD_OK) {
		plm_doc_destroy(doc);
		return rc == PLM_ENOMEM ? rc : 0;
	}
	*out = doc;
	return 0;
}

/* True when p's span lies inside doc (the file may have changed since
 * it was indexed). */
static bool span_fits(const struct plm_doc *doc, const struct pending *p)
{
	return doc != NULL && p->span.source < doc->source_count &&
		p->span.start <= p->span.end &&
		p->span.end <= doc->sources[p->span.source]->len;
}

/* Project findings, grouped by the file they land in: each file is loaded
 * once more (one at a time) for what needs its text. */
static int finish_project_findings(struct plm_checker *c,
	struct plm_file_result *result)
{
	if (c->pending_count == 0) {
		return 0;
	}
	if (c->pending_count > 1) {
		plm_sort(c->pending, c->pending_count, sizeof(*c->pending),
			cmp_pending_project);
	}
	struct finish_state fs;
	int rc = finish_begin(c, &fs);
	bool uses = c->engine->report_unused;
	struct plm_doc *doc = NULL;
	size_t doc_of = SIZE_MAX;
	size_t group = result->finding_count; /* the findings of doc */
	for (size_t i = 0; i <= c->pending_count && rc == 0; i++) {
		const struct pending *p = i < c->pending_count ? &c->pending[i]
							       : NULL;
		if (p != NULL && p->doc == doc_of) {
			rc = emit_finding(c, span_fits(doc, p) ? doc : NULL,
				plm_index_doc_at(c->index, p->doc)->shown_path,
				plm_index_doc_at(c->index, p->doc)->kind, p,
				&fs, result);
			continue;
		}
		/* GitHub's line hashes while the file's bytes are loaded, as
		 * the scan does for file findings; or those the scan kept for
		 * a large file, computed over the bytes its findings come
		 * from. */
		const struct plm_index_doc *id = doc != NULL
			? plm_index_doc_at(c->index, doc_of)
			: NULL;
		if (c->no_line_hashes) {
			/* none wanted */
		} else if (id != NULL && id->line_hashes != NULL &&
			doc->source_count == 1) {
			rc = plm_line_hashes_apply(result->findings + group,
				result->finding_count - group,
				doc->sources[0]->path, id->line_hashes,
				result->arena);
		}
		for (size_t k = 0; doc != NULL && !c->no_line_hashes &&
			k < doc->source_count && rc == 0 &&
			(id == NULL || id->line_hashes == NULL);
			k++) {
			const struct plm_source *src = doc->sources[k];
			rc = plm_line_hashes_fill(result->findings + group,
				result->finding_count - group, src->path,
				src->bytes, src->len, result->arena);
		}
		if (rc == 0 && doc != NULL && uses) {
			rc = plm_suppress_finish(fs.ignores, c->engine, doc,
				c->ran, true, result);
		}
		plm_suppress_destroy(fs.ignores);
		fs.ignores = NULL;
		plm_doc_destroy(doc);
		doc = NULL;
		if (p == NULL || rc != 0 ||
			plm_index_doc_at(c->index, p->doc) == NULL) {
			continue;
		}
		rc = reload(c, p->doc, &doc);
		fs.prefix_known = false;
		doc_of = p->doc;
		group = result->finding_count;
		if (rc == 0 && doc != NULL) {
			rc = plm_suppress_build(doc, &fs.ignores);
		}
		rc = rc != 0
			? rc
			: emit_finding(c, span_fits(doc, p) ? doc : NULL,
				  plm_index_doc_at(c->index, p->doc)->shown_path,
				  plm_index_doc_at(c->index, p->doc)->kind, p,
				  &fs, result);
	}
	plm_suppress_destroy(fs.ignores);
	plm_doc_destroy(doc);
	plm_free(fs.seen);
	clear_pending(c);
	return rc;
}

/* Words whose search is kept per document: the built-in rules ask for
 * about twenty, several of them more than once ("apt" five times). */
#define HOLDS_WORDS 32
/* Every pair of bytes, a bit each. */
#define PAIR_WORDS (65536 / 64)
/* The most bytes a document's pairs are worked out for: a word's search
 * costs about two instructions a byte, a pass over the pairs five, and a
 * rule's words are mostly absent from the few kilobytes of a Dockerfile;
 * past this, each word is searched for. */
#define PAIRS_UP_TO ((size_t)256 * 1024)

/* What a document holds that a rule may need (struct plm_rule_needs),
 * found when a rule first asks. */
struct doc_holds {
	const struct plm_doc *doc;
	size_t size;      /* the bytes of its sources */
	uint64_t *pairs;  /* PAIR_WORDS, the checker's; NULL: not made */
	bool pairs_tried; /* made, or the document is too large */
	uint64_t bytes[4];
	bool instructions_known;
	uint32_t instructions; /* 1u << enum plm_dockerfile_keyword */
	size_t word_count;
	struct {
		const char *word;
		bool found;
	} words[HOLDS_WORDS];
};

/* The keywords of a Dockerfile's instructions, and of its ONBUILD
 * triggers, as p.instructions lists them. */
static uint32_t instruction_bits(const struct plm_doc *doc)
{
	uint32_t bits = 0;
	const struct plm_node *stages = plm_node_get(doc->tree, "stages");
	for (size_t s = 0; s < plm_node_count(stages); s++) {
		const struct plm_node *list =
			plm_node_get(stages->as.seq.items[s], "instructions");
		for (size_t i = 0; i < plm_node_count(list); i++) {
			const struct plm_node *ins = list->as.seq.items[i];
			for (int k = 0; k < 2 && ins != NULL; k++) {
				const struct plm_node *kw = plm_node_get(ins,
					"keyword");
				if (kw != NULL && kw->kind == PLM_NODE_STRING) {
					bits |= 1u << plm_dockerfile_keyword_of(
							kw->as.string.ptr,
							kw->as.string.len);
				}
				ins = plm_node_get(ins, "instruction");
			}
		}
	}
	return bits;
}

/* Sets the bits of the bytes and of the pairs of adjacent bytes of h's
 * sources, into pairs (PAIR_WORDS). */
static void find_pairs(struct doc_holds *h, uint64_t *pairs)
{
	memset(pairs, 0, PAIR_WORDS * sizeof(*pairs));
	memset(h->bytes, 0, sizeof(h->bytes));
	for (size_t k = 0; k < h->doc->source_count; k++) {
		const unsigned char *s =
			(const unsigned char *)h->doc->sources[k]->bytes;
		size_t len = h->doc->sources[k]->len;
		/* One pass over the pairs; a byte is in the text when it
		 * starts a pair, or is the last. */
		for (size_t i = 0; i + 1 < len; i++) {
			unsigned pair = (unsigned)s[i] << 8 | s[i + 1];
			pairs[pair >> 6] |= UINT64_C(1) << (pair & 63);
		}
		if (len > 0) {
			h->bytes[s[len - 1] >> 6] |= UINT64_C(1)
				<< (s[len - 1] & 63);
		}
	}
	/* The pairs that start with byte b are the four words from 4b. */
	for (unsigned b = 0; b < 256; b++) {
		const uint64_t *w = pairs + 4 * b;
		if ((w[0] | w[1] | w[2] | w[3]) != 0) {
			h->bytes[b >> 6] |= UINT64_C(1) << (b & 63);
		}
	}
	h->pairs = pairs;
}

/* False when a byte or a pair of adjacent bytes of word is in none of
 * h's sources (then the word is not there either). */
static bool may_mention(const struct doc_holds *h, const char *word, size_t n)
{
	const unsigned char *w = (const unsigned char *)word;
	for (size_t i = 0; i < n; i++) {
		if ((h->bytes[w[i] >> 6] & (UINT64_C(1) << (w[i] & 63))) == 0) {
			return false;
		}
	}
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned pair = (unsigned)w[i] << 8 | w[i + 1];
		if ((h->pairs[pair >> 6] & (UINT64_C(1) << (pair & 63))) == 0) {
			return false;
		}
	}
	return true;
}

/* True when word occurs in the bytes of a source of doc (the file and
 * those it pulled in), as p.mentions finds it; each word searched once,
 * and not at all when one of its pairs of bytes is missing. */
static bool mentions(struct plm_checker *c, struct doc_holds *h,
	const char *word)
{
	for (size_t i = 0; i < h->word_count; i++) {
		if (strcmp(h->words[i].word, word) == 0) {
			return h->words[i].found;
		}
	}
	size_t n = strlen(word);
	if (!h->pairs_tried) {
		h->pairs_tried = true;
		if (h->size <= PAIRS_UP_TO && c->pairs == NULL) {
			c->pairs = plm_malloc(PAIR_WORDS * sizeof(*c->pairs));
		}
		if (h->size <= PAIRS_UP_TO && c->pairs != NULL) {
			find_pairs(h, c->pairs);
		}
	}
	bool found = false;
	bool search = h->pairs == NULL || may_mention(h, word, n);
	for (size_t k = 0; search && k < h->doc->source_count && !found; k++) {
		const struct plm_source *src = h->doc->sources[k];
		found = plm_find_word(src->bytes, src->len, word, n);
	}
	if (h->word_count < HOLDS_WORDS) {
		h->words[h->word_count].word = word;
		h->words[h->word_count].found = found;
		h->word_count++;
	}
	return found;
}

/* True when doc holds what rule p needs to find anything in it. */
static bool needs_met(struct plm_checker *c, const struct plm_policy *p,
	struct doc_holds *h)
{
	const struct plm_rule_needs *n = &p->needs;
	const struct plm_doc *doc = h->doc;
	if (n->containers && plm_node_count(doc->containers) == 0) {
		return false;
	}
	if (n->instructions != 0 && doc->kind == PLM_KIND_DOCKERFILE) {
		if (!h->instructions_known) {
			h->instructions = instruction_bits(doc);
			h->instructions_known = true;
		}
		if ((h->instructions & n->instructions) == 0) {
			return false;
		}
	}
	if (n->mentions == NULL) {
		return true;
	}
	for (const char *const *w = n->mentions; *w != NULL; w++) {
		if (mentions(c, h, *w)) {
			return true;
		}
	}
	return false;
}

static int run_rules(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result, size_t only, bool use_only)
{
	int rc = 0;
	struct plm_lua_hooks hooks = {c, on_report, on_load};
	clear_pending(c);
	plm_lua_checker_bind(c->lua, doc, &hooks);
	memset(c->ran, 0, c->engine->count * sizeof(*c->ran));
	unsigned kind = 1u << doc->kind;
	size_t bytes = 0;
	for (size_t k = 0; k < doc->source_count; k++) {
		bytes += doc->sources[k]->len;
	}
	bool small = bytes <= PLM_UNCOUNTED_BYTES;
	struct doc_holds holds = {.doc = doc, .size = bytes};
	for (size_t i = 0; i < c->engine->count && rc == 0; i++) {
		const struct plm_policy *p = &c->engine->policies[i];
		if (p->project ||
			(use_only ? i != only : (p->kinds & kind) == 0) ||
			(c->config != NULL && !c->config[i].enabled)) {
			continue;
		}
		if (!needs_met(c, p, &holds)) {
			/* It would have found nothing: it ran, for the
			 * ignores that name it. */
			c->ran[i] = true;
			if (c->profile != NULL) {
				c->profile[i].skipped++;
			}
			continue;
		}
		rc = run_one(c, plm_doc_main(doc)->path, i, small, result);
	}
	plm_lua_checker_unbind(c->lua);
	struct plm_suppress_table *t = NULL;
	if (rc == 0) {
		rc = plm_suppress_build(doc, &t);
	}
	if (rc == 0) {
		rc = finish_findings(c, doc, t, result);
	}
	plm_suppress_destroy(t);
	clear_pending(c);
	return rc;
}

int plm_checker_run(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result)
{
	return run_rules(c, doc, result, 0, false);
}

int plm_checker_run_config(struct plm_checker *c, const struct plm_doc *doc,
	const struct plm_rule_config *config, struct plm_file_result *result)
{
	c->config = config;
	int rc = run_rules(c, doc, result, 0, false);
	c->config = NULL;
	return rc;
}

int plm_checker_run_rule(struct plm_checker *c, const struct plm_doc *doc,
	size_t rule_index, struct plm_file_result *result)
{
	if (rule_index >= c->engine->count) {
		return PLM_EINVAL;
	}
	return run_rules(c, doc, result, rule_index, true);
}

static int run_project_rules(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	struct plm_file_result *result, size_t only, bool use_only)
{
	int rc = 0;
	struct plm_lua_hooks hooks = {c, on_report, on_load};
	c->index = index;
	c->load = load;
	clear_pending(c);
	plm_lua_checker_bind_project(c->lua, index, &hooks);
	memset(c->ran, 0, c->engine->count * sizeof(*c->ran));
	for (size_t i = 0; i < c->engine->count && rc == 0; i++) {
		const struct plm_policy *p = &c->engine->policies[i];
		if (!p->project || (use_only && i != only)) {
			continue;
		}
		rc = run_one(c, "the project", i, false, result);
	}
	plm_lua_checker_unbind(c->lua);
	if (rc == 0) {
		rc = finish_project_findings(c, result);
	}
	clear_pending(c);
	c->index = NULL;
	c->load = NULL;
	return rc;
}

int plm_checker_run_project(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	struct plm_file_result *result)
{
	return run_project_rules(c, index, load, result, 0, false);
}

int plm_checker_run_project_rule(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	size_t rule_index, struct plm_file_result *result)
{
	if (rule_index >= c->engine->count) {
		return PLM_EINVAL;
	}
	return run_project_rules(c, index, load, result, rule_index, true);
}

struct plm_setting_values plm_engine_rule_settings(const struct plm_engine *e,
	size_t index)
{
	struct plm_setting_values none = {NULL, NULL, 0};
	return index < e->count ? e->policies[index].values : none;
}

bool plm_engine_rule_is_project(const struct plm_engine *e, size_t index)
{
	return index < e->count && e->policies[index].project;
}

/* Appends printf-style text to buf at *at (cut to size). */
static void needs_put(char *buf, size_t size, size_t *at, const char *fmt, ...)
	PLM_PRINTF(4, 5);

static void needs_put(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
	if (*at + 1 >= size) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, size - *at, fmt, ap);
	va_end(ap);
	if (n > 0) {
		*at += (size_t)n < size - *at ? (size_t)n : size - *at - 1;
	}
}

bool plm_engine_rule_needs_text(const struct plm_engine *e, size_t index,
	char *buf, size_t size)
{
	size_t at = 0;
	if (size > 0) {
		buf[0] = '\0';
	}
	if (index >= e->count || size == 0) {
		return false;
	}
	const struct plm_rule_needs *n = &e->policies[index].needs;
	const char *sep = "";
	if (n->containers) {
		needs_put(buf, size, &at, "a container");
		sep = "; ";
	}
	if (n->instructions != 0) {
		needs_put(buf, size, &at, "%san instruction", sep);
		const char * or = " ";
		for (unsigned k = 1; k < 32; k++) {
			if (n->instructions & (1u << k)) {
				needs_put(buf, size, &at, "%s%s", or,
					plm_dockerfile_keyword_name((
						enum plm_dockerfile_keyword)k));
				or = " or ";
			}
		}
		needs_put(buf, size, &at, " (Dockerfiles)");
		sep = "; ";
	}
	if (n->mentions != NULL) {
		needs_put(buf, size, &at, "%s%s", sep,
			n->mentions[1] != NULL ? "one of " : "");
		for (const char *const *w = n->mentions; *w != NULL; w++) {
			needs_put(buf, size, &at, "%s\"%s\"",
				w == n->mentions ? "" : ", ", *w);
		}
		needs_put(buf, size, &at, " in the text");
	}
	return at > 0;
}

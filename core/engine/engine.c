/*
 * engine/engine.c - the catalogue (selection, order) and the checkers that
 * run policies over documents: the `report` function, regions, snippets,
 * fingerprints and suppressions.
 */
#include "engine/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>
#include <lauxlib.h>
#include "lua/model.h"
#include "plm_config.h"

/* ---- the catalogue ------------------------------------------------------- */

const char *plm_engine_builtin_dir(const struct plm_engine_options *o)
{
	if (o != NULL && o->builtin_dir != NULL) {
		return o->builtin_dir;
	}
#ifdef PLM_BUILD_ROOT
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		size_t root = strlen(PLM_BUILD_ROOT);
		if (strncmp(exe, PLM_BUILD_ROOT, root) == 0 &&
			(exe[root] == '/' || exe[root] == '\0')) {
			return PLM_SOURCE_ROOT "/policies";
		}
	}
#endif
	return PLM_DATADIR "/policies";
}

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
				"`plimsoll rules`)", option, names[i]);
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
	struct plm_engine *e = calloc(1, sizeof(*e));
	if (e == NULL || (e->arena = plm_arena_create(0)) == NULL) {
		goto fail;
	}
	e->limits.memory = o->memory_limit ? o->memory_limit
					   : PLM_LUA_DEFAULT_MEMORY;
	e->limits.instructions = o->instruction_limit
		? o->instruction_limit : PLM_LUA_DEFAULT_INSTRUCTIONS;
	e->limits.seconds = o->time_limit > 0 ? o->time_limit
		: PLM_LUA_DEFAULT_SECONDS;
	rc = plm_policy_load_all(o, &e->limits, e->arena, &all, &count, error);
	if (rc != 0) {
		goto fail;
	}
	rc = check_names(all, count, o->only, o->only_count, "--only", error);
	if (rc == 0) {
		rc = check_names(all, count, o->skip, o->skip_count, "--skip",
			error);
	}
	if (rc != 0) {
		goto fail;
	}
	rc = PLM_ENOMEM;
	e->policies = plm_arena_alloc(e->arena,
		(count ? count : 1) * sizeof(*e->policies));
	e->rules = plm_arena_alloc(e->arena,
		(count ? count : 1) * sizeof(*e->rules));
	if (e->policies == NULL || e->rules == NULL) {
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
	for (size_t i = 0; i < e->count; i++) {
		e->rules[i] = e->policies[i].info;
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
	free(e);
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

struct pending {
	size_t rule;
	struct plm_span span;
	enum plm_severity severity;
	char *message;
	char *fix;
};

struct plm_checker {
	const struct plm_engine *engine;
	struct plm_lua *host;
	int chunks_ref;             /* registry: table of compiled policies */
	struct pending *pending;
	size_t pending_count;
	size_t pending_cap;
	/* The run in progress. */
	const struct plm_doc *doc;
	size_t rule;
	size_t run_findings;
	struct plm_rule_profile *profile;   /* per rule; NULL: not measuring */
};

struct run_ctx {
	struct plm_checker *c;
	size_t rule;
};

/* Compiles every policy into a table referenced from the registry; in
 * protected mode. */
static int compile_all(lua_State *L)
{
	struct plm_checker *c = lua_touserdata(L, 1);
	const struct plm_engine *e = c->engine;
	lua_createtable(L, (int)e->count, 0);
	for (size_t i = 0; i < e->count; i++) {
		const struct plm_policy *p = &e->policies[i];
		if (luaL_loadbufferx(L, p->text, p->text_len, p->chunkname,
			    "t") != LUA_OK) {
			return lua_error(L);
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	c->chunks_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

int plm_checker_create(const struct plm_engine *e, struct plm_checker **out,
	char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_checker *c = calloc(1, sizeof(*c));
	if (c == NULL || plm_lua_create(&c->host) != 0) {
		*error = plm_engine_strdupf("out of memory creating a checker");
		plm_checker_destroy(c);
		return PLM_ENOMEM;
	}
	c->engine = e;
	c->chunks_ref = LUA_NOREF;
	struct plm_lua_limits none = {0};
	struct plm_lua_failure fail;
	enum plm_lua_status st = plm_lua_run(c->host, compile_all, c, &none,
		&fail);
	if (st != PLM_LUA_OK) {
		*error = plm_engine_strdupf("cannot compile the policies: %s",
			fail.message);
		plm_checker_destroy(c);
		return st == PLM_LUA_MEMORY ? PLM_ENOMEM : PLM_EPOLICY;
	}
	*out = c;
	return 0;
}

static void clear_pending(struct plm_checker *c)
{
	for (size_t i = 0; i < c->pending_count; i++) {
		free(c->pending[i].message);
		free(c->pending[i].fix);
	}
	c->pending_count = 0;
}

void plm_checker_destroy(struct plm_checker *c)
{
	if (c == NULL) {
		return;
	}
	clear_pending(c);
	free(c->pending);
	free(c->profile);
	plm_lua_destroy(c->host);
	free(c);
}

/* A span from a location table {line, column, end_line, end_column} in the
 * main source; raises when it lies outside the file. */
static struct plm_span location_span(lua_State *L, const struct plm_doc *doc,
	int idx)
{
	const struct plm_source *src = plm_doc_main(doc);
	lua_Integer v[4] = {0, 0, 0, 0};
	static const char *const names[4] = {"line", "column", "end_line",
		"end_column"};
	for (int i = 0; i < 4; i++) {
		int t = lua_getfield(L, idx, names[i]);
		if (t != LUA_TNIL) {
			int ok = 0;
			v[i] = lua_tointegerx(L, -1, &ok);
			if (!ok) {
				luaL_error(L, "report: '%s' must be an integer",
					names[i]);
			}
		}
		lua_pop(L, 1);
	}
	lua_Integer lines = (lua_Integer)src->line_count;
	if (v[0] < 1 || v[0] > lines || (v[2] != 0 && (v[2] < v[0] ||
		v[2] > lines)) || v[1] < 0 || v[3] < 0) {
		luaL_error(L, "report: line %d is outside %s (%d lines)",
			(int)(v[0] > lines || v[0] < 1 ? v[0] : v[2]), src->path,
			(int)lines);
	}
	uint32_t line = (uint32_t)v[0] - 1;
	size_t len = 0;
	plm_source_line(src, line, &len);
	struct plm_span s = {0, 0, 0};
	s.start = v[1] > 0 ? plm_source_offset_at(src, line, (uint32_t)v[1] - 1)
			   : src->line_starts[line];
	uint32_t end_line = v[2] > 0 ? (uint32_t)v[2] - 1 : line;
	if (v[3] > 0) {
		s.end = plm_source_offset_at(src, end_line, (uint32_t)v[3] - 1);
	} else {
		plm_source_line(src, end_line, &len);
		s.end = src->line_starts[end_line] + (uint32_t)len;
	}
	if (s.end < s.start) {
		s.end = s.start;
	}
	return s;
}

/* report(node [, field], message [, extra]) or report({line=...}, message
 * [, extra]). Records a finding for the running policy. */
static int report(lua_State *L)
{
	struct plm_checker *c = plm_lua_user(L);
	if (c == NULL || c->doc == NULL) {
		return luaL_error(L, "report: called outside a check");
	}
	bool has_field = lua_type(L, 3) == LUA_TSTRING;
	int msg_idx = has_field ? 3 : 2;
	int extra_idx = msg_idx + 1;
	size_t msg_len = 0;
	const char *msg = luaL_checklstring(L, msg_idx, &msg_len);
	luaL_argcheck(L, msg_len > 0, msg_idx, "the message must not be empty");
	struct plm_span span;
	if (plm_lua_to_node(L, 1) == NULL && lua_istable(L, 1)) {
		luaL_argcheck(L, !has_field, 2, "a location table takes no field");
		if (lua_getfield(L, 1, "line") == LUA_TNIL) {
			return luaL_argerror(L, 1, "a model node or a {line = N} "
				"table expected");
		}
		lua_pop(L, 1);
		span = location_span(L, c->doc, 1);
	} else {
		const struct plm_node *target = NULL;
		plm_lua_check_target(L, 1, has_field, &span, &target);
	}
	if (span.source >= c->doc->source_count ||
		span.end > c->doc->sources[span.source]->len ||
		span.start > span.end) {
		return luaL_error(L, "report: the span is outside %s",
			plm_doc_main(c->doc)->path);
	}
	enum plm_severity severity = c->engine->rules[c->rule].severity;
	const char *fix = NULL;
	size_t fix_len = 0;
	if (!lua_isnoneornil(L, extra_idx)) {
		luaL_checktype(L, extra_idx, LUA_TTABLE);
		if (lua_getfield(L, extra_idx, "fix") != LUA_TNIL) {
			luaL_argexpected(L, lua_type(L, -1) == LUA_TSTRING,
				extra_idx, "extra.fix to be a string");
			fix = lua_tolstring(L, -1, &fix_len);
		}
		if (lua_getfield(L, extra_idx, "severity") != LUA_TNIL) {
			const char *s = lua_tostring(L, -1);
			int sev = s != NULL ? plm_severity_parse(s) : -1;
			if (sev < 0) {
				return luaL_error(L, "report: extra.severity must be "
					"critical, high, medium, low or info");
			}
			severity = (enum plm_severity)sev;
		}
	}
	if (c->run_findings >= PLM_MAX_FINDINGS_PER_RUN) {
		return luaL_error(L, "report: more than %d findings on one file",
			PLM_MAX_FINDINGS_PER_RUN);
	}
	/* No call below raises: nothing malloc'd is held across a raise. */
	if (c->pending_count == c->pending_cap) {
		size_t ncap = c->pending_cap ? c->pending_cap * 2 : 16;
		struct pending *n = realloc(c->pending, ncap * sizeof(*n));
		if (n == NULL) {
			return luaL_error(L, "report: out of memory");
		}
		c->pending = n;
		c->pending_cap = ncap;
	}
	struct pending *p = &c->pending[c->pending_count];
	p->rule = c->rule;
	p->span = span;
	p->severity = severity;
	p->message = strndup(msg, msg_len < PLM_MAX_MESSAGE ? msg_len
							    : PLM_MAX_MESSAGE);
	p->fix = fix != NULL ? strndup(fix, fix_len < PLM_MAX_MESSAGE
						? fix_len : PLM_MAX_MESSAGE)
			     : NULL;
	if (p->message == NULL || (fix != NULL && p->fix == NULL)) {
		free(p->message);
		free(p->fix);
		return luaL_error(L, "report: out of memory");
	}
	c->pending_count++;
	c->run_findings++;
	return 0;
}

/* One policy run, in protected mode: a fresh environment, the chunk run
 * for its table, then check(doc, report). */
static int run_policy(lua_State *L)
{
	struct run_ctx *ctx = lua_touserdata(L, 1);
	struct plm_checker *c = ctx->c;
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->chunks_ref);
	lua_rawgeti(L, -1, (lua_Integer)ctx->rule + 1);
	plm_lua_push_env(L);
	plm_lua_set_env(L, -2);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1)) {
		return luaL_error(L, "the policy returned %s, not its table",
			luaL_typename(L, -1));
	}
	if (lua_getfield(L, -1, "check") != LUA_TFUNCTION) {
		return luaL_error(L, "the policy's check is not a function");
	}
	plm_lua_push_doc(L);
	lua_pushcfunction(L, report);
	lua_call(L, 2, 0);
	return 0;
}

static const char *failure_code(enum plm_lua_status st)
{
	switch (st) {
	case PLM_LUA_INSTRUCTIONS: return "policy/instruction-limit";
	case PLM_LUA_MEMORY: return "policy/memory-limit";
	case PLM_LUA_TIME: return "policy/time-limit";
	default: return "policy/error";
	}
}

int plm_checker_profile(struct plm_checker *c)
{
	if (c->profile == NULL) {
		c->profile = calloc(c->engine->count ? c->engine->count : 1,
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
	uint64_t charged = plm_lua_last_executed(c->host);
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

static int run_one(struct plm_checker *c, const struct plm_doc *doc,
	size_t rule, struct plm_file_result *result)
{
	const struct plm_policy *p = &c->engine->policies[rule];
	struct run_ctx ctx = {c, rule};
	struct plm_lua_failure fail;
	c->rule = rule;
	c->run_findings = 0;
	size_t before = c->pending_count;
	plm_lua_set_lib_dir(c->host, p->lib_dir);
	uint64_t t0 = c->profile != NULL ? thread_ns() : 0;
	enum plm_lua_status st = plm_lua_run(c->host, run_policy, &ctx,
		&c->engine->limits, &fail);
	if (c->profile != NULL) {
		profile_run(c, rule, t0, st != PLM_LUA_OK);
	}
	plm_lua_set_lib_dir(c->host, NULL);
	if (st == PLM_LUA_OK) {
		return 0;
	}
	/* A failed run's findings are dropped: the notification says the
	 * policy did not finish on this file. */
	while (c->pending_count > before) {
		c->pending_count--;
		free(c->pending[c->pending_count].message);
		free(c->pending[c->pending_count].fix);
	}
	char *where = plm_engine_full_location(fail.message,
		p->info.source_path);
	char *msg = plm_engine_strdupf("policy %s failed on %s: %s",
		p->info.id, plm_doc_main(doc)->path,
		where != NULL ? where : fail.message);
	free(where);
	struct plm_notification n = {0};
	n.kind = PLM_NOTIFY_POLICY_ERROR;
	n.code = failure_code(st);
	n.message = msg != NULL ? msg : fail.message;
	n.path = plm_doc_main(doc)->path;
	n.rule_id = p->info.id;
	int rc = plm_file_result_add_note(result, &n);
	free(msg);
	return rc;
}

/* ---- findings ------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Hash of the region's lines with blank runs collapsed and ends trimmed,
 * so re-indenting or moving the lines keeps it. */
static uint64_t normalized_hash(uint64_t h, const struct plm_source *src,
	uint32_t first, uint32_t last)
{
	bool space = false, started = false;
	for (uint32_t l = first; l <= last && l < src->line_count; l++) {
		size_t len = 0;
		const char *s = plm_source_line(src, l, &len);
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch == ' ' || ch == '\t' || ch == '\r') {
				space = started;
				continue;
			}
			if (space) {
				h = fnv(h, " ", 1);
				space = false;
			}
			h = fnv(h, &ch, 1);
			started = true;
		}
		space = started;
	}
	return h;
}

/* True when "ignore" occurs in bytes[0..len): only then can a comment
 * suppress anything in that source. */
static bool mentions_ignore(const char *bytes, size_t len)
{
	const char *p = bytes, *end = bytes + len;
	while (end - p >= 6) {
		p = memchr(p, 'i', (size_t)(end - p) - 5);
		if (p == NULL) {
			return false;
		}
		if (memcmp(p, "ignore", 6) == 0) {
			return true;
		}
		p++;
	}
	return false;
}

/* The fingerprint keys met so far in one file: an open-addressing table
 * of at least twice as many slots as findings. */
struct seen_key {
	uint64_t key;
	uint32_t count;
	bool used;
};

/* How many findings before this one had the same key. */
static uint32_t occurrence_of(struct seen_key *seen, size_t mask,
	uint64_t key)
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

static int finish_findings(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result)
{
	int rc = 0;
	if (c->pending_count > 1) { /* qsort(NULL, 0, ...) is undefined */
		qsort(c->pending, c->pending_count, sizeof(*c->pending),
			cmp_pending);
	}
	struct seen_key *seen = NULL;
	size_t seen_slots = 16;
	/* Per source: 0 unknown, 1 has no "ignore" anywhere, 2 may have an
	 * ignore comment (then each finding looks at the comments). */
	unsigned char may_ignore[64] = {0};
	if (c->pending_count > 0) {
		while (seen_slots < 2 * c->pending_count) {
			seen_slots *= 2;
		}
		seen = calloc(seen_slots, sizeof(*seen));
		if (seen == NULL) {
			rc = PLM_ENOMEM;
			goto cleanup;
		}
	}
	for (size_t i = 0; i < c->pending_count && rc == 0; i++) {
		const struct pending *p = &c->pending[i];
		const struct plm_rule_info *rule = &c->engine->rules[p->rule];
		const struct plm_source *src = doc->sources[p->span.source];
		struct plm_finding f = {0};
		f.rule_id = rule->id;
		f.rule_index = p->rule;
		f.severity = p->severity;
		f.message = p->message;
		f.path = src->path;
		f.kind = plm_kind_name(doc->kind);
		f.region = plm_doc_region(doc, p->span);
		f.fix = p->fix;
		size_t snip_len = p->span.end - p->span.start;
		if (snip_len > PLM_MAX_MESSAGE) {
			snip_len = PLM_MAX_MESSAGE;
		}
		char *snippet = strndup(src->bytes + p->span.start, snip_len);
		uint32_t first = plm_source_line_of(src, p->span.start);
		uint32_t last = plm_source_line_of(src,
			p->span.end > p->span.start ? p->span.end - 1 : p->span.end);
		size_t line_len = 0;
		const char *line = plm_source_line(src, first, &line_len);
		char *line_text = strndup(line, line_len);

		uint64_t key = fnv(0xcbf29ce484222325ull, rule->id,
			strlen(rule->id) + 1);
		key = fnv(key, src->path, strlen(src->path) + 1);
		key = normalized_hash(key, src, first, last);
		uint32_t occurrence = occurrence_of(seen, seen_slots - 1, key);
		uint64_t a = fnv(key, &occurrence, sizeof(occurrence));
		uint64_t b = fnv(a ^ 0x9e3779b97f4a7c15ull, rule->id,
			strlen(rule->id));
		char fingerprint[33];
		snprintf(fingerprint, sizeof(fingerprint), "%016llx%016llx",
			(unsigned long long)a, (unsigned long long)b);
		f.fingerprint = fingerprint;
		f.snippet = snippet;
		f.line_text = line_text;

		char reason[512];
		const char *why = NULL;
		uint32_t sid = p->span.source;
		unsigned char *mi = sid < sizeof(may_ignore) ? &may_ignore[sid]
							     : NULL;
		if (mi != NULL && *mi == 0) {
			*mi = mentions_ignore(src->bytes, src->len) ? 2 : 1;
		}
		if ((mi == NULL || *mi == 2) &&
			plm_suppress_match(doc, p->span.source, first, rule, reason,
				sizeof(reason), &why)) {
			f.suppression = PLM_SUPPRESSION_IN_SOURCE;
			f.suppression_justification = why;
		}
		if (snippet == NULL || line_text == NULL) {
			rc = PLM_ENOMEM;
		} else {
			rc = plm_file_result_add_finding(result, &f);
		}
		free(snippet);
		free(line_text);
	}
cleanup:
	free(seen);
	clear_pending(c);
	return rc;
}

static int run_rules(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result, size_t only, bool use_only)
{
	int rc = 0;
	c->doc = doc;
	clear_pending(c);
	plm_lua_bind_doc(c->host, doc);
	plm_lua_set_user(c->host, c);
	unsigned kind = 1u << doc->kind;
	for (size_t i = 0; i < c->engine->count && rc == 0; i++) {
		if (use_only ? i != only
			     : (c->engine->policies[i].kinds & kind) == 0) {
			continue;
		}
		rc = run_one(c, doc, i, result);
	}
	plm_lua_set_user(c->host, NULL);
	plm_lua_unbind_doc(c->host);
	c->doc = NULL;
	if (rc == 0) {
		rc = finish_findings(c, doc, result);
	}
	clear_pending(c);
	return rc;
}

int plm_checker_run(struct plm_checker *c, const struct plm_doc *doc,
	struct plm_file_result *result)
{
	return run_rules(c, doc, result, 0, false);
}

int plm_checker_run_rule(struct plm_checker *c, const struct plm_doc *doc,
	size_t rule_index, struct plm_file_result *result)
{
	if (rule_index >= c->engine->count) {
		return PLM_EINVAL;
	}
	return run_rules(c, doc, result, rule_index, true);
}

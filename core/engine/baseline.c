/*
 * engine/baseline.c - reading and recording baselines (see baseline.h).
 *
 * Fingerprints are 32 hex digits; a loaded baseline keeps them as pairs
 * of 64-bit words in an open-addressing table of at least twice as many
 * slots, so matching a finding is one hash and a probe or two, whatever
 * the baseline's size.
 */
#include "engine/baseline.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/internal.h"
#include "plimsoll/error.h"
#include "plimsoll/plimsoll.h"
#include "util/alloc.h"
#include "util/source.h"

struct fp {
	uint64_t hi, lo;
};

struct plm_baseline {
	struct fp *slots; /* {0, 0}: empty */
	size_t mask;
	size_t count;
	bool has_zero; /* the all-zero fingerprint, which marks empty slots */
};

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Parses 32 hex digits into *out; false for anything else. */
static bool parse_fp(const char *s, struct fp *out)
{
	uint64_t w[2] = {0, 0};
	for (size_t i = 0; i < 32; i++) {
		int d = hex_digit(s[i]);
		if (d < 0) {
			return false;
		}
		w[i / 16] = w[i / 16] << 4 | (uint64_t)d;
	}
	if (s[32] != '\0') {
		return false;
	}
	out->hi = w[0];
	out->lo = w[1];
	return true;
}

static size_t slot_of(const struct plm_baseline *b, struct fp f)
{
	uint64_t h = f.hi ^ (f.lo * 0x9e3779b97f4a7c15ull);
	size_t i = (size_t)(h ^ (h >> 31)) & b->mask;
	while ((b->slots[i].hi != 0 || b->slots[i].lo != 0) &&
		(b->slots[i].hi != f.hi || b->slots[i].lo != f.lo)) {
		i = (i + 1) & b->mask;
	}
	return i;
}

static void insert(struct plm_baseline *b, struct fp f)
{
	if (f.hi == 0 && f.lo == 0) {
		b->count += !b->has_zero;
		b->has_zero = true;
		return;
	}
	size_t i = slot_of(b, f);
	if (b->slots[i].hi == 0 && b->slots[i].lo == 0) {
		b->slots[i] = f;
		b->count++;
	}
}

/*
 * The reader. A baseline can hold tens of thousands of findings, and only
 * their fingerprints are needed: a building JSON library makes an object
 * per entry, which costs ten times what the check takes. So the file is
 * read by a small validating scanner: the whole text must be JSON (an
 * error says FILE:LINE:COL), and the shape is checked as it goes.
 */
struct reader {
	const char *p, *start, *end;
	const struct plm_source *src;
	char *error; /* malloc'd, the first problem */
	int depth;
};

#define READER_MAX_DEPTH 64

static bool fail_at(struct reader *r, const char *at, const char *what)
{
	if (r->error == NULL) {
		struct plm_region g = plm_source_region(r->src,
			(uint32_t)(at - r->start), (uint32_t)(at - r->start));
		r->error = plm_engine_strdupf("%s:%u:%u: %s", r->src->path,
			g.start_line, g.start_column, what);
	}
	return false;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end &&
		(*r->p == ' ' || *r->p == '\n' || *r->p == '\r' ||
			*r->p == '\t')) {
		r->p++;
	}
}

static bool expect(struct reader *r, char c)
{
	skip_ws(r);
	if (r->p >= r->end || *r->p != c) {
		char what[40];
		snprintf(what, sizeof(what), "expected '%c'", c);
		return fail_at(r, r->p, what);
	}
	r->p++;
	return true;
}

/* A string; [*s, *e) are its bytes between the quotes (escapes kept). */
static bool string(struct reader *r, const char **s, const char **e)
{
	skip_ws(r);
	if (r->p >= r->end || *r->p != '"') {
		return fail_at(r, r->p, "expected a string");
	}
	const char *open = r->p++;
	*s = r->p;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20) {
			return fail_at(r, r->p,
				"control character in a string");
		}
		if (c == '\\') {
			r->p++;
			if (r->p >= r->end || !strchr("\"\\/bfnrtu", *r->p)) {
				return fail_at(r, r->p,
					"bad escape in a string");
			}
			if (*r->p == 'u') {
				for (int k = 1; k <= 4; k++) {
					if (r->p + k >= r->end ||
						hex_digit(r->p[k]) < 0) {
						return fail_at(r, r->p,
							"bad \\u escape");
					}
				}
				r->p += 4;
			}
		}
		r->p++;
	}
	if (r->p >= r->end) {
		return fail_at(r, open, "unterminated string");
	}
	*e = r->p++;
	return true;
}

static bool number(struct reader *r)
{
	const char *s = r->p;
	if (r->p < r->end && *r->p == '-') {
		r->p++;
	}
	const char *digits = r->p;
	while (r->p < r->end &&
		(isdigit((unsigned char)*r->p) || strchr(".eE+-", *r->p))) {
		r->p++;
	}
	return r->p > digits || fail_at(r, s, "expected a value");
}

static bool value(struct reader *r);

/* Called for each member of an object (with its key) or element of an
 * array (key NULL), the reader at the value, which it must consume. */
typedef bool each_fn(struct reader *r, const char *ks, const char *ke,
	void *ctx);

/* The object or array that opens with `open` at the reader: its members
 * or elements go to fn; brackets, keys and commas are checked here. */
static bool each(struct reader *r, char open, each_fn *fn, void *ctx)
{
	char close = open == '{' ? '}' : ']';
	if (!expect(r, open)) {
		return false;
	}
	if (++r->depth > READER_MAX_DEPTH) {
		return fail_at(r, r->p - 1, "nested too deeply");
	}
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return true;
	}
	for (;;) {
		const char *ks = NULL, *ke = NULL;
		if (open == '{' && (!string(r, &ks, &ke) || !expect(r, ':'))) {
			return false;
		}
		skip_ws(r);
		if (!fn(r, ks, ke, ctx)) {
			return false;
		}
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		r->depth--;
		return expect(r, close);
	}
}

static bool skip_member(struct reader *r, const char *ks, const char *ke,
	void *ctx)
{
	(void)ks, (void)ke, (void)ctx;
	return value(r);
}

/* A value of any kind, skipped. */
static bool value(struct reader *r)
{
	skip_ws(r);
	if (r->p >= r->end) {
		return fail_at(r, r->p, "unexpected end of the file");
	}
	const char *s, *e;
	char c = *r->p;
	if (c == '"') {
		return string(r, &s, &e);
	}
	if (c == '{' || c == '[') {
		return each(r, c, skip_member, NULL);
	}
	static const char *const words[] = {"true", "false", "null"};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(r->end - r->p) >= n &&
			memcmp(r->p, words[i], n) == 0) {
			r->p += n;
			return true;
		}
	}
	return number(r);
}

static bool key_is(const char *s, const char *e, const char *key)
{
	return (size_t)(e - s) == strlen(key) && memcmp(s, key, e - s) == 0;
}

struct entry_ctx {
	struct plm_baseline *b;
	bool found;
};

static bool entry_member(struct reader *r, const char *ks, const char *ke,
	void *ctx)
{
	struct entry_ctx *x = ctx;
	if (!key_is(ks, ke, "fingerprint")) {
		return value(r);
	}
	const char *vat = r->p, *vs, *ve;
	char hex[33];
	struct fp f;
	if (*r->p != '"' || !string(r, &vs, &ve) || ve - vs != 32 ||
		(memcpy(hex, vs, 32), hex[32] = '\0', !parse_fp(hex, &f))) {
		return fail_at(r, vat,
			"\"fingerprint\" is not 32 hexadecimal digits");
	}
	if (x->b->count >= x->b->mask) {
		return fail_at(r, vat, "too many findings");
	}
	insert(x->b, f);
	x->found = true;
	return true;
}

struct document_ctx {
	struct plm_baseline *b;
	bool version, list, oom;
	size_t index; /* of the next entry of "findings" */
};

/* One entry of "findings": an object with a "fingerprint". */
static bool entry(struct reader *r, const char *ks, const char *ke, void *ctx)
{
	(void)ks, (void)ke;
	struct document_ctx *d = ctx;
	size_t index = d->index++;
	const char *at = r->p;
	char what[64];
	if (r->p >= r->end || *r->p != '{') {
		snprintf(what, sizeof(what), "findings[%zu] is not an object",
			index);
		return fail_at(r, at, what);
	}
	struct entry_ctx x = {.b = d->b};
	if (!each(r, '{', entry_member, &x)) {
		return false;
	}
	if (!x.found) {
		snprintf(what, sizeof(what),
			"findings[%zu] has no \"fingerprint\"", index);
		return fail_at(r, at, what);
	}
	return true;
}

static bool grow(struct plm_baseline *b, size_t want)
{
	size_t slots = 16;
	while (slots < 2 * want + 2) {
		slots *= 2;
	}
	b->slots = plm_calloc(slots, sizeof(*b->slots));
	b->mask = slots - 1;
	return b->slots != NULL;
}

static bool version_member(struct reader *r)
{
	const char *vat = r->p;
	char *stop = NULL;
	long v = strtol(r->p, &stop, 10);
	if (stop == r->p || !value(r) || r->p != stop) {
		return fail_at(r, vat,
			"\"plimsoll_baseline\" is not a version number");
	}
	if (v != PLM_BASELINE_VERSION) {
		char what[96];
		snprintf(what, sizeof(what),
			"baseline version %ld; this plimsoll reads version %d",
			v, PLM_BASELINE_VERSION);
		return fail_at(r, vat, what);
	}
	return true;
}

static bool document_member(struct reader *r, const char *ks, const char *ke,
	void *ctx)
{
	struct document_ctx *d = ctx;
	if (key_is(ks, ke, "plimsoll_baseline")) {
		return (d->version = version_member(r));
	}
	if (!key_is(ks, ke, "findings")) {
		return value(r);
	}
	/* A fingerprint entry takes 60 bytes at least: the table is
	 * sized from what remains. */
	if (d->b->slots == NULL && !grow(d->b, (size_t)(r->end - r->p) / 60)) {
		d->oom = true;
		return false;
	}
	return (d->list = each(r, '[', entry, d));
}

/* The top-level object. */
static bool document(struct reader *r, struct plm_baseline *b, bool *oom)
{
	struct document_ctx d = {.b = b};
	bool ok = each(r, '{', document_member, &d);
	*oom = d.oom;
	if (!ok) {
		return false;
	}
	skip_ws(r);
	if (r->p != r->end) {
		return fail_at(r, r->p, "text after the baseline's object");
	}
	if (!d.version || !d.list) {
		char what[128];
		snprintf(what, sizeof(what),
			"not a plimsoll baseline (an object with "
			"\"plimsoll_baseline\": %d and a \"findings\" list)",
			PLM_BASELINE_VERSION);
		return fail_at(r, r->start, what);
	}
	return true;
}

int plm_baseline_load(const char *path, struct plm_baseline **out, char **error)
{
	*out = NULL;
	*error = NULL;
	struct plm_source *src = NULL;
	int rc = plm_source_read(path, path, PLM_MAX_FILE_SIZE, &src);
	if (rc != 0) {
		*error = plm_engine_strdupf("%s: %s", path,
			rc == PLM_EIO ? strerror(errno)
				      : "larger than a baseline may be");
		return *error == NULL ? PLM_ENOMEM : PLM_EIO;
	}
	struct plm_baseline *b = plm_calloc(1, sizeof(*b));
	struct reader r = {
		.p = src->bytes,
		.start = src->bytes,
		.end = src->bytes + src->len,
		.src = src,
	};
	bool oom = b == NULL;
	bool ok = !oom && document(&r, b, &oom);
	if (!ok && !oom && b->slots == NULL && r.error == NULL) {
		oom = true;
	}
	plm_source_destroy(src);
	if (!ok) {
		plm_baseline_free(b);
		if (oom || r.error == NULL) {
			plm_free(r.error);
			return PLM_ENOMEM;
		}
		*error = r.error;
		return PLM_EPARSE;
	}
	if (b->slots == NULL && !grow(b, 0)) {
		plm_baseline_free(b);
		return PLM_ENOMEM;
	}
	*out = b;
	return 0;
}

void plm_baseline_free(struct plm_baseline *b)
{
	if (b != NULL) {
		plm_free(b->slots);
		plm_free(b);
	}
}

size_t plm_baseline_size(const struct plm_baseline *b)
{
	return b != NULL ? b->count : 0;
}

bool plm_baseline_contains(const struct plm_baseline *b,
	const char *fingerprint)
{
	struct fp f;
	if (b == NULL || fingerprint == NULL || !parse_fp(fingerprint, &f)) {
		return false;
	}
	if (f.hi == 0 && f.lo == 0) {
		return b->has_zero;
	}
	size_t i = slot_of(b, f);
	return b->slots[i].hi == f.hi && b->slots[i].lo == f.lo;
}

/* One recorded finding: what the file shows of it. */
struct entry {
	char *fingerprint;
	char *rule;
	char *path;
	char *message;
	uint32_t line;
};

struct plm_baseline_writer {
	struct entry *items;
	size_t count;
	size_t cap;
};

struct plm_baseline_writer *plm_baseline_writer_new(void)
{
	return plm_calloc(1, sizeof(struct plm_baseline_writer));
}

static void entry_free(struct entry *e)
{
	plm_free(e->fingerprint);
	plm_free(e->rule);
	plm_free(e->path);
	plm_free(e->message);
}

int plm_baseline_writer_add(struct plm_baseline_writer *w,
	const struct plm_finding *f)
{
	if (f->fingerprint == NULL) {
		return 0;
	}
	if (w->count == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct entry *items = plm_realloc(w->items,
			cap * sizeof(*items));
		if (items == NULL) {
			return PLM_ENOMEM;
		}
		w->items = items;
		w->cap = cap;
	}
	struct entry e = {
		.fingerprint = plm_strdup(f->fingerprint),
		.rule = plm_strdup(f->rule_id),
		.path = plm_strdup(f->path ? f->path : ""),
		.message = plm_strdup(f->message ? f->message : ""),
		.line = f->region.start_line,
	};
	if (!e.fingerprint || !e.rule || !e.path || !e.message) {
		entry_free(&e);
		return PLM_ENOMEM;
	}
	w->items[w->count++] = e;
	return 0;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	if (c != 0) {
		return c;
	}
	if (a->line != b->line) {
		return a->line < b->line ? -1 : 1;
	}
	c = strcmp(a->rule, b->rule);
	return c != 0 ? c : strcmp(a->fingerprint, b->fingerprint);
}

static json_t *entry_json(const struct entry *e)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:s}", "fingerprint",
		e->fingerprint, "rule", e->rule, "path", e->path, "line",
		(json_int_t)e->line, "message", e->message);
}

static json_t *writer_document(struct plm_baseline_writer *w)
{
	json_t *list = json_array();
	if (list == NULL) {
		return NULL;
	}
	/* "o" hands list to the object, also when packing fails. */
	json_t *root = json_pack("{s:i, s:s, s:o}", "plimsoll_baseline",
		PLM_BASELINE_VERSION, "generator", plm_version(), "findings",
		list);
	for (size_t i = 0; root != NULL && i < w->count; i++) {
		if (json_array_append_new(list, entry_json(&w->items[i])) !=
			0) {
			json_decref(root);
			root = NULL;
		}
	}
	return root;
}

int plm_baseline_writer_save(struct plm_baseline_writer *w, const char *path,
	char **error)
{
	*error = NULL;
	if (w->count > 1) {
		qsort(w->items, w->count, sizeof(*w->items), cmp_entry);
	}
	json_t *root = writer_document(w);
	if (root == NULL || plm_alloc_json_failed()) {
		json_decref(root);
		return PLM_ENOMEM;
	}
	char *tmp = plm_engine_strdupf("%s.tmp.%ld", path, (long)getpid());
	if (tmp == NULL) {
		json_decref(root);
		return PLM_ENOMEM;
	}
	int rc = json_dump_file(root, tmp,
		JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc == 0 && plm_alloc_json_failed()) {
		rc = -1;
		errno = ENOMEM;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
	}
	if (rc != 0) {
		*error = plm_engine_strdupf("%s: cannot write the baseline: %s",
			path, strerror(errno));
		unlink(tmp);
	}
	plm_free(tmp);
	return rc != 0 ? PLM_EIO : 0;
}

void plm_baseline_writer_free(struct plm_baseline_writer *w)
{
	if (w == NULL) {
		return;
	}
	for (size_t i = 0; i < w->count; i++) {
		entry_free(&w->items[i]);
	}
	plm_free(w->items);
	plm_free(w);
}

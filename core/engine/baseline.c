/*
 * engine/baseline.c - reading and recording baselines (see baseline.h).
 *
 * Fingerprints are 32 hex digits; a loaded baseline keeps them as pairs
 * of 64-bit words in an open-addressing table of at least twice as many
 * slots, so matching a finding is one hash and a probe or two, whatever
 * the baseline's size.
 */
#include "engine/baseline.h"

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

static char *entry_error(const char *path, size_t index, const char *what)
{
	return plm_engine_strdupf("%s: findings[%zu]: %s", path, index, what);
}

/* Fills b from the parsed document root. */
static int read_entries(struct plm_baseline *b, json_t *root, const char *path,
	char **error)
{
	json_t *version = json_object_get(root, "plimsoll_baseline");
	json_t *list = json_object_get(root, "findings");
	if (!json_is_object(root) || !json_is_integer(version) ||
		!json_is_array(list)) {
		*error = plm_engine_strdupf("%s: not a plimsoll baseline (an "
					    "object with \"plimsoll_baseline\": %d "
					    "and a \"findings\" list)",
			path, PLM_BASELINE_VERSION);
		return PLM_EPARSE;
	}
	if (json_integer_value(version) != PLM_BASELINE_VERSION) {
		*error = plm_engine_strdupf("%s: baseline version %lld; this "
					    "plimsoll reads version %d",
			path, (long long)json_integer_value(version),
			PLM_BASELINE_VERSION);
		return PLM_EPARSE;
	}
	size_t n = json_array_size(list);
	size_t slots = 16;
	while (slots < 2 * n + 2) {
		slots *= 2;
	}
	b->slots = plm_calloc(slots, sizeof(*b->slots));
	if (b->slots == NULL) {
		return PLM_ENOMEM;
	}
	b->mask = slots - 1;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		const char *s = json_string_value(
			json_object_get(e, "fingerprint"));
		struct fp f;
		if (!json_is_object(e)) {
			*error = entry_error(path, i, "not an object");
			return PLM_EPARSE;
		}
		if (s == NULL || !parse_fp(s, &f)) {
			*error = entry_error(path, i,
				"\"fingerprint\" is not 32 hexadecimal digits");
			return PLM_EPARSE;
		}
		insert(b, f);
	}
	return 0;
}

int plm_baseline_load(const char *path, struct plm_baseline **out, char **error)
{
	*out = NULL;
	*error = NULL;
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		if (plm_alloc_json_failed()) {
			return PLM_ENOMEM;
		}
		bool unreadable = je.line < 0 || je.position == 0;
		*error = unreadable
			? plm_engine_strdupf("%s: %s", path, je.text)
			: plm_engine_strdupf("%s:%d:%d: %s", path, je.line,
				  je.column, je.text);
		return *error == NULL ? PLM_ENOMEM
				      : (unreadable ? PLM_EIO : PLM_EPARSE);
	}
	struct plm_baseline *b = plm_calloc(1, sizeof(*b));
	int rc = b != NULL ? read_entries(b, root, path, error) : PLM_ENOMEM;
	json_decref(root);
	if (rc != 0) {
		plm_baseline_free(b);
		return rc == PLM_EPARSE && *error == NULL ? PLM_ENOMEM : rc;
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

static json_t *document(struct plm_baseline_writer *w)
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
	json_t *root = document(w);
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

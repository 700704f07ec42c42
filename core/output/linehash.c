#include "output/linehash.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

enum {
	WINDOW = 100, /* units hashed per line */
	MULTIPLIER = 37,
	END_OF_FILE = 65535, /* the unit read after the last one */
	REPLACEMENT = 0xFFFD,
};

/* The rolling state of the upload action's `hash`: a window of the last
 * WINDOW units, which of them started a line, and the hash over them. */
struct roller {
	uint16_t window[WINDOW];
	int64_t line_at[WINDOW]; /* line number started by window[i], or -1 */
	unsigned index;          /* the oldest unit, next to be replaced */
	uint64_t hash;
	uint64_t first_power; /* MULTIPLIER^WINDOW mod 2^64 */
	uint32_t line;        /* lines started so far */
	bool line_start;
	bool previous_cr;
	struct plm_line_hashes *out;
};

static void emit(struct roller *r)
{
	int64_t line = r->line_at[r->index];
	r->out->hash[line - 1] = r->hash;
	r->line_at[r->index] = -1;
}

static void push(struct roller *r, uint16_t unit)
{
	uint64_t oldest = r->window[r->index];
	r->window[r->index] = unit;
	r->hash = MULTIPLIER * r->hash + unit - r->first_power * oldest;
	r->index = (r->index + 1) % WINDOW;
}

static void process(struct roller *r, uint16_t unit)
{
	if (unit == ' ' || unit == '\t' || (r->previous_cr && unit == '\n')) {
		r->previous_cr = false;
		return;
	}
	r->previous_cr = unit == '\r';
	if (unit == '\r') {
		unit = '\n';
	}
	if (r->line_at[r->index] != -1) {
		emit(r);
	}
	if (r->line_start) {
		r->line_start = false;
		r->line_at[r->index] = ++r->line;
	}
	if (unit == '\n') {
		r->line_start = true;
	}
	push(r, unit);
}

static void process_code_point(struct roller *r, uint32_t cp)
{
	if (cp >= 0x10000) {
		cp -= 0x10000;
		process(r, (uint16_t)(0xD800 + (cp >> 10)));
		process(r, (uint16_t)(0xDC00 + (cp & 0x3FF)));
	} else {
		process(r, (uint16_t)cp);
	}
}

/* process() over a run of ASCII bytes from s, with the roller's state in
 * locals (the compiler cannot keep it in registers through the stores to
 * the hash table, which might alias it): the same steps, most of the
 * time spent. Returns the bytes read (stops before a non-ASCII one). */
static size_t process_ascii(struct roller *r, const unsigned char *s,
	size_t len)
{
	uint64_t hash = r->hash;
	const uint64_t first_power = r->first_power;
	unsigned index = r->index;
	uint32_t line = r->line;
	bool line_start = r->line_start, previous_cr = r->previous_cr;
	uint64_t *const out = r->out->hash;
	size_t i = 0;
	for (; i < len; i++) {
		uint16_t unit = s[i];
		if (unit > 0x7F) {
			break;
		}
		if (unit == ' ' || unit == '\t' ||
			(previous_cr && unit == '\n')) {
			previous_cr = false;
			continue;
		}
		previous_cr = unit == '\r';
		if (unit == '\r') {
			unit = '\n';
		}
		int64_t ended = r->line_at[index];
		if (ended != -1) {
			out[ended - 1] = hash;
			r->line_at[index] = -1;
		}
		if (line_start) {
			line_start = false;
			r->line_at[index] = ++line;
		}
		line_start = unit == '\n';
		uint64_t oldest = r->window[index];
		r->window[index] = unit;
		hash = MULTIPLIER * hash + unit - first_power * oldest;
		if (++index == WINDOW) {
			index = 0;
		}
	}
	r->hash = hash;
	r->index = index;
	r->line = line;
	r->line_start = line_start;
	r->previous_cr = previous_cr;
	return i;
}

/* Decodes UTF-8 as the WHATWG Encoding Standard does (what Node's decoder
 * implements): each maximal invalid subpart becomes one U+FFFD. */
static void process_bytes(struct roller *r, const unsigned char *s, size_t len)
{
	uint32_t cp = 0;
	unsigned needed = 0, seen = 0;
	unsigned char lower = 0x80, upper = 0xBF;
	for (size_t i = 0; i < len; i++) {
		unsigned char b = s[i];
		if (needed == 0) {
			if (b <= 0x7F) {
				i += process_ascii(r, s + i, len - i) - 1;
			} else if (b >= 0xC2 && b <= 0xDF) {
				needed = 1;
				cp = b & 0x1Fu;
			} else if (b >= 0xE0 && b <= 0xEF) {
				lower = b == 0xE0 ? 0xA0 : 0x80;
				upper = b == 0xED ? 0x9F : 0xBF;
				needed = 2;
				cp = b & 0x0Fu;
			} else if (b >= 0xF0 && b <= 0xF4) {
				lower = b == 0xF0 ? 0x90 : 0x80;
				upper = b == 0xF4 ? 0x8F : 0xBF;
				needed = 3;
				cp = b & 0x07u;
			} else {
				process(r, REPLACEMENT);
			}
			continue;
		}
		if (b < lower || b > upper) {
			/* The sequence ends here; b is read again on its own. */
			cp = 0;
			needed = seen = 0;
			lower = 0x80;
			upper = 0xBF;
			process(r, REPLACEMENT);
			i--;
			continue;
		}
		lower = 0x80;
		upper = 0xBF;
		cp = (cp << 6) | (b & 0x3Fu);
		if (++seen == needed) {
			process_code_point(r, cp);
			cp = 0;
			needed = seen = 0;
		}
	}
	if (needed != 0) {
		process(r, REPLACEMENT);
	}
}

/* An upper bound on the lines the algorithm can count: one per LF or CR,
 * one for the first line and one for the end-of-file mark. */
static size_t max_lines(const char *bytes, size_t len)
{
	size_t n = 2;
	for (size_t i = 0; i < len; i++) {
		if (bytes[i] == '\n' || bytes[i] == '\r') {
			n++;
		}
	}
	return n;
}

/* A slot of the table of hashes seen: the first line that had the hash
 * and how many lines had it so far (0: an empty slot). */
struct seen {
	uint32_t line;
	uint32_t count;
};

/* The occurrence of each line's hash among the lines before it: one pass
 * in line order over an open-addressing table of the hashes seen, at
 * most half full (as many bytes as the sort it replaces took). */
static int number_occurrences(struct plm_line_hashes *h)
{
	size_t size = 16;
	while (size < (size_t)h->count * 2) {
		size *= 2;
	}
	struct seen *t = plm_calloc(size, sizeof(*t));
	if (t == NULL) {
		return PLM_ENOMEM;
	}
	size_t mask = size - 1;
	for (uint32_t i = 0; i < h->count; i++) {
		uint64_t key = h->hash[i];
		uint64_t mixed = key * UINT64_C(0x9E3779B97F4A7C15);
		size_t at = (size_t)(mixed >> 32) & mask;
		while (t[at].count != 0 && h->hash[t[at].line] != key) {
			at = (at + 1) & mask;
		}
		if (t[at].count == 0) {
			t[at].line = i;
		}
		h->occurrence[i] = ++t[at].count;
	}
	plm_free(t);
	return 0;
}

int plm_line_hashes_compute(const char *bytes, size_t len,
	struct plm_line_hashes *out)
{
	memset(out, 0, sizeof(*out));
	size_t lines = max_lines(bytes, len);
	if (lines > UINT32_MAX) {
		return PLM_ELIMIT;
	}
	struct roller *r = plm_calloc(1, sizeof(*r));
	out->hash = plm_calloc(lines, sizeof(*out->hash));
	out->occurrence = plm_calloc(lines, sizeof(*out->occurrence));
	if (r == NULL || out->hash == NULL || out->occurrence == NULL) {
		goto nomem;
	}
	r->out = out;
	r->line_start = true;
	r->first_power = 1;
	for (int i = 0; i < WINDOW; i++) {
		r->first_power *= MULTIPLIER;
		r->line_at[i] = -1;
	}
	process_bytes(r, (const unsigned char *)bytes, len);
	process(r, END_OF_FILE);
	/* Flush: slide zeros in until every pending line start has left. */
	for (int i = 0; i < WINDOW; i++) {
		if (r->line_at[r->index] != -1) {
			emit(r);
		}
		push(r, 0);
	}
	out->count = r->line;
	plm_free(r);
	if (number_occurrences(out) != 0) {
		plm_line_hashes_finish(out);
		return PLM_ENOMEM;
	}
	return 0;
nomem:
	plm_free(r);
	plm_line_hashes_finish(out);
	return PLM_ENOMEM;
}

void plm_line_hashes_finish(struct plm_line_hashes *hashes)
{
	if (hashes == NULL) {
		return;
	}
	plm_free(hashes->hash);
	plm_free(hashes->occurrence);
	memset(hashes, 0, sizeof(*hashes));
}

bool plm_line_hashes_format(const struct plm_line_hashes *hashes, uint32_t line,
	char buf[PLM_LINE_HASH_SIZE])
{
	buf[0] = '\0';
	if (line == 0 || line > hashes->count) {
		return false;
	}
	snprintf(buf, PLM_LINE_HASH_SIZE, "%" PRIx64 ":%" PRIu32,
		hashes->hash[line - 1], hashes->occurrence[line - 1]);
	return true;
}

static bool needs_hash(const struct plm_finding *f, const char *path)
{
	return f->line_hash == NULL && f->path != NULL &&
		strcmp(f->path, path) == 0;
}

int plm_line_hashes_fill(struct plm_finding *findings, size_t count,
	const char *path, const char *bytes, size_t len,
	struct plm_arena *arena)
{
	size_t i = 0;
	while (i < count && !needs_hash(&findings[i], path)) {
		i++;
	}
	if (i == count) {
		return 0;
	}
	struct plm_line_hashes h;
	int rc = plm_line_hashes_compute(bytes, len, &h);
	if (rc != 0) {
		return rc;
	}
	for (; i < count && rc == 0; i++) {
		struct plm_finding *f = &findings[i];
		char buf[PLM_LINE_HASH_SIZE];
		uint32_t line = f->region.start_line > 0 ? f->region.start_line
							 : 1;
		if (!needs_hash(f, path) ||
			!plm_line_hashes_format(&h, line, buf)) {
			continue;
		}
		f->line_hash = plm_arena_strdup(arena, buf);
		if (f->line_hash == NULL) {
			rc = PLM_ENOMEM;
		}
	}
	plm_line_hashes_finish(&h);
	return rc;
}

#include "output/linehash.h"

#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

enum {
	WINDOW = 100, /* units hashed per line */
	MULTIPLIER = 37,
	END_OF_FILE = 65535, /* the unit read after the last one */
	REPLACEMENT = 0xFFFD,
	PENDING = 128, /* > WINDOW lines can start within WINDOW units */
};

/* The upload action keeps a rolling hash over the last WINDOW units and
 * writes it out when a line's first unit is about to leave the window.
 * The same value, restated: with the prefix hash P(k) over the first k
 * units (P(k + 1) = 37 * P(k) + unit k), the window ending before unit k
 * hashes to P(k) - 37^WINDOW * P(k - WINDOW), all modulo 2^64. So a line
 * whose first unit is unit s hashes to P(s + WINDOW) - 37^WINDOW * P(s):
 * the reader keeps P, and for each line still waiting P(s) and the unit
 * count at which it is done, and does nothing else per unit. */
struct pending {
	uint64_t start_hash; /* P(s) */
	uint64_t done_at;    /* s + WINDOW */
};

struct reader {
	uint64_t hash;        /* P(units) */
	uint64_t units;       /* units read so far */
	uint64_t first_power; /* 37^WINDOW mod 2^64 */
	uint64_t done_at;     /* the oldest waiting line's, or UINT64_MAX */
	struct pending wait[PENDING];
	unsigned oldest, waiting;
	uint32_t line; /* lines started so far */
	uint32_t done; /* lines hashed so far */
	bool previous_cr;
	bool failed;
	struct plm_line_hashes *out;
	size_t cap; /* of out->hash */
};

/* The oldest waiting line is hashed. Called when units == done_at. */
static void finish_line(struct reader *r)
{
	const struct pending *p = &r->wait[r->oldest];
	if (r->done == r->cap) {
		size_t cap = r->cap;
		void *hash = r->out->hash;
		if (plm_array_reserve(&hash, &cap, r->done,
			    sizeof(*r->out->hash)) != 0) {
			r->failed = true;
		} else {
			r->out->hash = hash;
			r->cap = cap;
		}
	}
	if (!r->failed) {
		r->out->hash[r->done] = r->hash -
			r->first_power * p->start_hash;
	}
	r->done++;
	r->oldest = (r->oldest + 1) % PENDING;
	r->waiting--;
	r->done_at = r->waiting > 0 ? r->wait[r->oldest].done_at : UINT64_MAX;
}

/* A line starts at the next unit (the first, or the one after an LF). */
static void start_line(struct reader *r)
{
	if (r->line == UINT32_MAX) {
		r->failed = true;
		return;
	}
	r->line++;
	struct pending *p = &r->wait[(r->oldest + r->waiting) % PENDING];
	p->start_hash = r->hash;
	p->done_at = r->units + WINDOW;
	if (r->waiting++ == 0) {
		r->done_at = p->done_at;
	}
}

static inline void push(struct reader *r, uint64_t unit)
{
	r->hash = MULTIPLIER * r->hash + unit;
	if (++r->units == r->done_at) {
		finish_line(r);
	}
}

static void process(struct reader *r, uint16_t unit)
{
	if (unit == ' ' || unit == '\t' || (r->previous_cr && unit == '\n')) {
		r->previous_cr = false;
		return;
	}
	r->previous_cr = unit == '\r';
	if (unit == '\r') {
		unit = '\n';
	}
	push(r, unit);
	if (unit == '\n') {
		start_line(r);
	}
}

static void process_code_point(struct reader *r, uint32_t cp)
{
	if (cp >= 0x10000) {
		cp -= 0x10000;
		process(r, (uint16_t)(0xD800 + (cp >> 10)));
		process(r, (uint16_t)(0xDC00 + (cp & 0x3FF)));
	} else {
		process(r, (uint16_t)cp);
	}
}

/* What process() does with an ASCII byte. */
enum { PLAIN, BLANK, LF, CR, NOT_ASCII };

static const unsigned char byte_class[128] = {
	[' '] = BLANK,
	['\t'] = BLANK,
	['\n'] = LF,
	['\r'] = CR,
};

/* process() over a run of ASCII bytes from s with the hash and the unit
 * count in locals: most of the time is spent here, much of it on
 * indentation, skipped eight blanks at a time. Returns the bytes read
 * (stops before a non-ASCII one). */
static size_t process_ascii(struct reader *r, const unsigned char *s,
	size_t len)
{
	uint64_t hash = r->hash, units = r->units, done_at = r->done_at;
	bool previous_cr = r->previous_cr;
	size_t i = 0;
	while (i < len) {
		/* Eight bytes of 0x20..0x7f at a time while no line is done
		 * within them: each byte but a space is hashed, in order. */
		uint64_t block;
		while (len - i >= 8 && units + 8 < done_at &&
			(memcpy(&block, s + i, 8),
				((block + UINT64_C(0x6060606060606060)) &
					~block &
					UINT64_C(0x8080808080808080)) ==
					UINT64_C(0x8080808080808080))) {
			uint64_t z = block ^ UINT64_C(0x2020202020202020);
			uint64_t kept = (((z & UINT64_C(0x7f7f7f7f7f7f7f7f)) +
						 UINT64_C(0x7f7f7f7f7f7f7f7f)) |
						z) &
				UINT64_C(0x8080808080808080);
			const unsigned char *b = s + i;
			while (kept != 0) {
				/* The lowest flag is the first byte in memory
				 * on a little-endian machine; elsewhere, the
				 * highest. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				unsigned at = (unsigned)__builtin_clzll(kept) /
					8;
				hash = MULTIPLIER * hash + b[at];
				kept &= ~(UINT64_C(0x80) << (8 * (7 - at)));
#else
				unsigned at = (unsigned)__builtin_ctzll(kept) /
					8;
				hash = MULTIPLIER * hash + b[at];
				kept &= kept - 1;
#endif
				units++;
			}
			previous_cr = false;
			i += 8;
		}
		if (i >= len) {
			break;
		}
		unsigned unit = s[i];
		unsigned kind = unit < 0x80 ? byte_class[unit] : NOT_ASCII;
		if (kind == PLAIN) {
			previous_cr = false;
			hash = MULTIPLIER * hash + unit;
			i++;
			if (++units == done_at) {
				r->hash = hash;
				r->units = units;
				finish_line(r);
				done_at = r->done_at;
			}
			continue;
		}
		if (kind == BLANK) {
			previous_cr = false;
			i++;
			uint64_t w;
			while (len - i >= 8 &&
				(memcpy(&w, s + i, 8),
					w == UINT64_C(0x2020202020202020))) {
				i += 8;
			}
			continue;
		}
		if (kind == NOT_ASCII) {
			break;
		}
		i++;
		if (kind == LF && previous_cr) {
			previous_cr = false;
			continue;
		}
		previous_cr = kind == CR;
		hash = MULTIPLIER * hash + '\n';
		r->hash = hash;
		r->units = ++units;
		if (units == done_at) {
			finish_line(r);
		}
		start_line(r);
		done_at = r->done_at;
	}
	r->hash = hash;
	r->units = units;
	r->previous_cr = previous_cr;
	return i;
}

/* Decodes UTF-8 as the WHATWG Encoding Standard does (what Node's decoder
 * implements): each maximal invalid subpart becomes one U+FFFD. */
static void process_bytes(struct reader *r, const unsigned char *s, size_t len)
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
	/* Zeroed by writing, not by calloc: fresh pages that calloc leaves
	 * to the kernel are first read here (the shared zero page), then
	 * written, and each such write costs a fault and, while the scan's
	 * thread runs beside this one, a TLB flush on both cores. */
	struct seen *t = size <= SIZE_MAX / sizeof(*t)
		? plm_malloc(size * sizeof(*t))
		: NULL;
	if (t == NULL) {
		return PLM_ENOMEM;
	}
	memset(t, 0, size * sizeof(*t));
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
	struct reader *r = plm_calloc(1, sizeof(*r));
	if (r == NULL) {
		return PLM_ENOMEM;
	}
	r->out = out;
	r->done_at = UINT64_MAX;
	r->first_power = 1;
	for (int i = 0; i < WINDOW; i++) {
		r->first_power *= MULTIPLIER;
	}
	start_line(r);
	process_bytes(r, (const unsigned char *)bytes, len);
	process(r, END_OF_FILE);
	/* Units past the end read as 0 until every waiting line is done. */
	while (r->waiting > 0) {
		push(r, 0);
	}
	int rc = r->failed ? (r->line == UINT32_MAX ? PLM_ELIMIT : PLM_ENOMEM)
			   : 0;
	out->count = r->done;
	plm_free(r);
	if (rc == 0) {
		out->occurrence = plm_malloc(
			(out->count > 0 ? out->count : 1) * sizeof(uint32_t));
		if (out->occurrence == NULL || number_occurrences(out) != 0) {
			rc = PLM_ENOMEM;
		}
	}
	if (rc != 0) {
		plm_line_hashes_finish(out);
	}
	return rc;
}

size_t plm_line_hashes_size(const struct plm_line_hashes *hashes)
{
	return (size_t)hashes->count *
		(sizeof(*hashes->hash) + sizeof(*hashes->occurrence));
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
	/* "%" PRIx64 ":%" PRIu32 without printf (a finding's line hash is
	 * written for every finding): the hash in hex without leading
	 * zeros, as the upload action writes it, then the occurrence. */
	static const char digits[] = "0123456789abcdef";
	uint64_t h = hashes->hash[line - 1];
	uint32_t n = hashes->occurrence[line - 1];
	char tmp[PLM_LINE_HASH_SIZE];
	size_t at = sizeof(tmp);
	do {
		tmp[--at] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	tmp[--at] = ':';
	do {
		tmp[--at] = digits[h & 15];
		h >>= 4;
	} while (h != 0);
	size_t len = sizeof(tmp) - at;
	memcpy(buf, tmp + at, len);
	buf[len] = '\0';
	return true;
}

static bool needs_hash(const struct plm_finding *f, const char *path)
{
	return f->line_hash == NULL && f->path != NULL &&
		strcmp(f->path, path) == 0;
}

int plm_line_hashes_apply(struct plm_finding *findings, size_t count,
	const char *path, const struct plm_line_hashes *h,
	struct plm_arena *arena)
{
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		struct plm_finding *f = &findings[i];
		char buf[PLM_LINE_HASH_SIZE];
		uint32_t line = f->region.start_line > 0 ? f->region.start_line
							 : 1;
		if (!needs_hash(f, path) ||
			!plm_line_hashes_format(h, line, buf)) {
			continue;
		}
		f->line_hash = plm_arena_strdup(arena, buf);
		if (f->line_hash == NULL) {
			rc = PLM_ENOMEM;
		}
	}
	return rc;
}

int plm_line_hashes_fill_keep(struct plm_finding *findings, size_t count,
	const char *path, const char *bytes, size_t len,
	struct plm_arena *arena, struct plm_line_hashes *keep)
{
	if (keep != NULL) {
		memset(keep, 0, sizeof(*keep));
	}
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
	rc = plm_line_hashes_apply(findings + i, count - i, path, &h, arena);
	if (keep != NULL && rc == 0) {
		*keep = h;
	} else {
		plm_line_hashes_finish(&h);
	}
	return rc;
}

int plm_line_hashes_fill(struct plm_finding *findings, size_t count,
	const char *path, const char *bytes, size_t len,
	struct plm_arena *arena)
{
	return plm_line_hashes_fill_keep(findings, count, path, bytes, len,
		arena, NULL);
}

/*
 * output/jsonw.c - the streaming JSON writer (see jsonw.h for the layout
 * it matches).
 */
#include <jansson.h>
#include "plimsoll/jsonw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "plimsoll/error.h"
#include "util/arena.h"
#include "util/utf8.h"
#include "util/alloc.h"

static const char hex_digits[] = "0123456789ABCDEF";

void plm_jsonw_init(struct plm_jsonw *w, bool pretty, int base)
{
	memset(w, 0, sizeof(*w));
	w->pretty = pretty;
	w->base = base;
}

void plm_jsonw_free(struct plm_jsonw *w)
{
	plm_free(w->data);
	w->data = NULL;
	w->len = w->cap = 0;
}

void plm_jsonw_clear(struct plm_jsonw *w)
{
	w->len = 0;
}

static bool reserve(struct plm_jsonw *w, size_t n)
{
	if (w->failed) {
		return false;
	}
	if (w->len + n <= w->cap) {
		return true;
	}
	size_t cap = w->cap ? w->cap : 4096;
	while (cap < w->len + n) {
		cap *= 2;
	}
	char *d = plm_realloc(w->data, cap);
	if (d == NULL) {
		w->failed = true;
		return false;
	}
	w->data = d;
	w->cap = cap;
	return true;
}

static void put(struct plm_jsonw *w, const char *s, size_t n)
{
	if (reserve(w, n)) {
		memcpy(w->data + w->len, s, n);
		w->len += n;
	}
}

static void put_char(struct plm_jsonw *w, char c)
{
	if (reserve(w, 1)) {
		w->data[w->len++] = c;
	}
}

/* A line break and the indentation of `depth` (pretty layout only). */
static void newline(struct plm_jsonw *w, int depth)
{
	size_t n = 1 + 2 * (size_t)depth;
	if (reserve(w, n)) {
		w->data[w->len] = '\n';
		memset(w->data + w->len + 1, ' ', n - 1);
		w->len += n;
	}
}

/* What goes before a member or an item of the open container. */
static void separate(struct plm_jsonw *w)
{
	if (w->has_items[w->level - 1]) {
		put_char(w, ',');
	}
	w->has_items[w->level - 1] = true;
	if (w->pretty) {
		newline(w, w->base + w->level);
	}
}

/* Before any value: the separator when it is an item of an array. */
static void begin_value(struct plm_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
	} else if (w->level > 0) {
		separate(w);
	}
}

static void open(struct plm_jsonw *w, char c)
{
	begin_value(w);
	if (w->level == PLM_JSONW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	put_char(w, c);
	w->has_items[w->level++] = false;
}

void plm_jsonw_object(struct plm_jsonw *w)
{
	open(w, '{');
}

void plm_jsonw_array(struct plm_jsonw *w)
{
	open(w, '[');
}

void plm_jsonw_close(struct plm_jsonw *w, char close)
{
	if (w->level == 0) {
		w->failed = true;
		return;
	}
	w->level--;
	if (w->pretty && w->has_items[w->level]) {
		newline(w, w->base + w->level);
	}
	put_char(w, close);
}

/* s[0..len) as a JSON string body: the escapes jansson writes. */
/* How many bytes from s on need no escape (UTF-8's past 0x7f included:
 * the text was checked before): eight at a time while a word has no byte
 * below 0x20 and none of '"' or '\\' (the tests may flag a word that has
 * none, never miss one: the bytes are then looked at one by one). */
static size_t plain_run(const char *s, size_t len)
{
	size_t i = 0;
#ifdef __SSE2__
	/* Sixteen bytes at a time: a byte below 0x20 (unsigned: max(x,
	 * 0x1f) == 0x1f), a quote or a backslash ends the run. */
	const __m128i low = _mm_set1_epi8(0x1f);
	const __m128i vquote = _mm_set1_epi8('"');
	const __m128i vslash = _mm_set1_epi8('\\');
	for (; len - i >= 16; i += 16) {
		__m128i x = _mm_loadu_si128(
			(const __m128i *)(const void *)(s + i));
		__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, low),
						   low),
			_mm_or_si128(_mm_cmpeq_epi8(x, vquote),
				_mm_cmpeq_epi8(x, vslash)));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);
		if (mask != 0) {
			return i + (size_t)__builtin_ctz(mask);
		}
	}
#endif
	/* Then (or without SSE2, throughout) eight at a time. */
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	for (; len - i >= 8; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		uint64_t quote = x ^ (ones * '"');
		uint64_t slash = x ^ (ones * '\\');
		uint64_t flagged = ((x - ones * 0x20) & ~x) |
			((quote - ones) & ~quote) | ((slash - ones) & ~slash);
		if ((flagged & highs) != 0) {
			break;
		}
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\') {
			break;
		}
	}
	return i;
}

static void escape(struct plm_jsonw *w, const char *s, size_t len)
{
	size_t run = 0; /* start of the bytes not yet copied */
	size_t i = 0;
	for (;;) {
		i += plain_run(s + i, len - i);
		if (i >= len) {
			break;
		}
		unsigned char c = (unsigned char)s[i++];
		put(w, s + run, i - 1 - run);
		run = i;
		char seq[7] = {'\\', 0};
		switch (c) {
		case '"':
			seq[1] = '"';
			break;
		case '\\':
			seq[1] = '\\';
			break;
		case '\b':
			seq[1] = 'b';
			break;
		case '\f':
			seq[1] = 'f';
			break;
		case '\n':
			seq[1] = 'n';
			break;
		case '\r':
			seq[1] = 'r';
			break;
		case '\t':
			seq[1] = 't';
			break;
		default:
			memcpy(seq + 1, "u00", 3);
			seq[4] = hex_digits[c >> 4];
			seq[5] = hex_digits[c & 15];
			put(w, seq, 6);
			continue;
		}
		put(w, seq, 2);
	}
	put(w, s + run, len - run);
}

#if defined(__SANITIZE_ADDRESS__)
#define WHOLE_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define WHOLE_BLOCKS 0
#endif
#endif
#if !defined(WHOLE_BLOCKS) && defined(__SSE2__)
#define WHOLE_BLOCKS 1
#endif
#ifndef WHOLE_BLOCKS
#define WHOLE_BLOCKS 0
#endif

/* The offset of the first byte of the NUL-terminated s that is below 0x20
 * (the NUL itself included), a quote, a backslash or past 0x7f. With
 * SSE2, sixteen bytes at a time from the aligned block holding s: such a
 * block never reaches into another page, so reading past the NUL is
 * safe, but address sanitizers would report it (they get the bytewise
 * loop). */
static size_t first_special(const char *s)
{
#if WHOLE_BLOCKS
	uintptr_t addr = (uintptr_t)s;
	const char *p = (const char *)(addr & ~(uintptr_t)15);
	const __m128i low = _mm_set1_epi8(0x1f);
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i slash = _mm_set1_epi8('\\');
	unsigned mask = 0;
	for (bool first = true;; first = false, p += 16) {
		__m128i x = _mm_load_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, low),
						   low),
			_mm_or_si128(_mm_cmpeq_epi8(x, quote),
				_mm_cmpeq_epi8(x, slash)));
		mask = (unsigned)(_mm_movemask_epi8(hit) |
			_mm_movemask_epi8(x));
		if (first) {
			mask &= 0xffffu << (addr & 15);
		}
		if (mask != 0) {
			break;
		}
	}
	return (size_t)(p + __builtin_ctz(mask) - s);
#else
	size_t n = 0;
	for (;; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
			return n;
		}
	}
#endif
}

static void string_body(struct plm_jsonw *w, const char *s)
{
	/* Most strings (every key, most values) are printable ASCII: one
	 * pass finds how much of s needs no escaping and no UTF-8 check,
	 * and that part is copied as it is; the rest, if any, is checked
	 * and escaped. */
	size_t at = first_special(s);
	put_char(w, '"');
	put(w, s, at);
	s += at;
	if (*s == '\0') {
		put_char(w, '"');
		return;
	}
	size_t len = strlen(s);
	if (plm_utf8_check(s, len) == len) {
		escape(w, s, len);
	} else {
		/* Rare: model strings are valid UTF-8. */
		struct plm_arena *scratch = plm_arena_create(0);
		size_t clean_len = 0;
		char *clean = scratch != NULL
			? plm_utf8_sanitize(scratch, s, len, &clean_len)
			: NULL;
		if (clean == NULL) {
			w->failed = true;
		} else {
			escape(w, clean, clean_len);
		}
		plm_arena_destroy(scratch);
	}
	put_char(w, '"');
}

void plm_jsonw_key(struct plm_jsonw *w, const char *key)
{
	if (w->level == 0) {
		w->failed = true;
		return;
	}
	size_t plain = first_special(key);
	if (key[plain] == '\0') {
		/* A key that needs no escape (all of the outputs' own): the
		 * separator, the line break, the quoted key and the colon in
		 * one reservation. */
		size_t indent = w->pretty ? 2 * (size_t)(w->base + w->level)
					  : 0;
		if (!reserve(w, 1 + (w->pretty ? 1 + indent : 0) + plain + 4)) {
			return;
		}
		char *d = w->data + w->len;
		if (w->has_items[w->level - 1]) {
			*d++ = ',';
		}
		w->has_items[w->level - 1] = true;
		if (w->pretty) {
			*d++ = '\n';
			memset(d, ' ', indent);
			d += indent;
		}
		*d++ = '"';
		memcpy(d, key, plain);
		d += plain;
		*d++ = '"';
		*d++ = ':';
		if (w->pretty) {
			*d++ = ' ';
		}
		w->len = (size_t)(d - w->data);
		w->after_key = true;
		return;
	}
	separate(w);
	string_body(w, key);
	if (w->pretty) {
		put(w, ": ", 2);
	} else {
		put_char(w, ':');
	}
	w->after_key = true;
}

void plm_jsonw_string(struct plm_jsonw *w, const char *s)
{
	if (s == NULL) {
		plm_jsonw_null(w);
		return;
	}
	begin_value(w);
	string_body(w, s);
}

void plm_jsonw_key_string(struct plm_jsonw *w, const char *key, const char *s)
{
	plm_jsonw_key(w, key);
	plm_jsonw_string(w, s);
}

void plm_jsonw_key_int(struct plm_jsonw *w, const char *key, long long v)
{
	plm_jsonw_key(w, key);
	plm_jsonw_int(w, v);
}

void plm_jsonw_int(struct plm_jsonw *w, long long v)
{
	/* Digits from the right, without printf: outputs write a few of
	 * these per finding. */
	char text[24];
	size_t at = sizeof(text);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;
	do {
		text[--at] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0) {
		text[--at] = '-';
	}
	begin_value(w);
	put(w, text + at, sizeof(text) - at);
}

void plm_jsonw_bool(struct plm_jsonw *w, bool v)
{
	begin_value(w);
	if (v) {
		put(w, "true", 4);
	} else {
		put(w, "false", 5);
	}
}

void plm_jsonw_null(struct plm_jsonw *w)
{
	begin_value(w);
	put(w, "null", 4);
}

/* %g, then ".0" when it reads as an integer, and the exponent without a
 * plus sign or leading zeros: 1.5e-05 becomes 1.5e-5. */
void plm_jsonw_real(struct plm_jsonw *w, double v, int precision)
{
	char text[64];
	int n = snprintf(text, sizeof(text) - 2, "%.*g",
		precision > 0 ? precision : 17, v);
	if (n < 0 || (size_t)n >= sizeof(text) - 2) {
		w->failed = true;
		return;
	}
	if (strpbrk(text, ".e") == NULL) {
		memcpy(text + n, ".0", 3);
		n += 2;
	}
	char *e = strchr(text, 'e');
	if (e != NULL) {
		char *start = e + 1;
		char *end = start + 1;
		if (*start == '-') {
			start++;
		}
		while (*end == '0') {
			end++;
		}
		memmove(start, end, strlen(end) + 1);
		n = (int)strlen(text);
	}
	begin_value(w);
	put(w, text, (size_t)n);
}

void plm_jsonw_raw(struct plm_jsonw *w, const char *text, size_t len)
{
	begin_value(w);
	put(w, text, len);
}

/* Whether the writer can lay v out itself: its containers nest at most
 * `room` deep and each of its strings is one C string (jansson allows a
 * NUL inside one; the writer takes them NUL-terminated; keys are the
 * plugins' own names). */
static bool writable(const json_t *v, int room)
{
	if (json_is_string(v)) {
		return strlen(json_string_value(v)) == json_string_length(v);
	}
	if (!json_is_object(v) && !json_is_array(v)) {
		return true;
	}
	if (room <= 0) {
		return false;
	}
	if (json_is_object(v)) {
		const char *key;
		json_t *item;
		json_object_foreach((json_t *)v, key, item) {
			if (!writable(item, room - 1)) {
				return false;
			}
		}
		return true;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		if (!writable(json_array_get(v, i), room - 1)) {
			return false;
		}
	}
	return true;
}

/* v laid out by the writer itself, as jansson's dump would (its keys in
 * the order they were set, reals to 6 significant digits). */
static void write_json(struct plm_jsonw *w, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *item;
		plm_jsonw_object(w);
		json_object_foreach((json_t *)v, key, item) {
			plm_jsonw_key(w, key);
			write_json(w, item);
		}
		plm_jsonw_close(w, '}');
		break;
	}
	case JSON_ARRAY:
		plm_jsonw_array(w);
		for (size_t i = 0; i < json_array_size(v); i++) {
			write_json(w, json_array_get(v, i));
		}
		plm_jsonw_close(w, ']');
		break;
	case JSON_STRING:
		plm_jsonw_string(w, json_string_value(v));
		break;
	case JSON_INTEGER:
		plm_jsonw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		plm_jsonw_real(w, json_real_value(v), 6);
		break;
	case JSON_TRUE:
		plm_jsonw_bool(w, true);
		break;
	case JSON_FALSE:
		plm_jsonw_bool(w, false);
		break;
	case JSON_NULL:
		plm_jsonw_null(w);
		break;
	}
}

void plm_jsonw_json(struct plm_jsonw *w, const json_t *v)
{
	/* The writer's own layout (a SARIF log's rules are half a megabyte
	 * of text, which jansson's dump escaped a byte at a time, ten times
	 * slower), unless v is deeper than the writer nests or holds a
	 * string with a NUL inside: then jansson's dump, spliced in. */
	if (v != NULL && writable(v, PLM_JSONW_MAX_DEPTH - w->level)) {
		write_json(w, v);
		return;
	}
	size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6) |
		(w->pretty ? JSON_INDENT(2) : JSON_COMPACT);
	(void)plm_alloc_json_failed();
	char *text = v != NULL ? json_dumps(v, flags | JSON_ENCODE_ANY) : NULL;
	if (plm_alloc_json_failed()) {
		plm_free(text);
		text = NULL;
	}
	if (text == NULL) {
		w->failed = true;
		return;
	}
	begin_value(w);
	int depth = w->base + w->level;
	const char *p = text;
	for (const char *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		put(w, p, (size_t)(nl - p));
		newline(w, depth);
	}
	put(w, p, strlen(p));
	plm_free(text);
}

int plm_jsonw_flush(struct plm_jsonw *w, FILE *out)
{
	if (w->failed) {
		return PLM_ENOMEM;
	}
	if (w->len > 0 && fwrite(w->data, 1, w->len, out) != w->len) {
		return PLM_EIO;
	}
	w->len = 0;
	return 0;
}

#include "util/utf8.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Length of the valid sequence at s[0..len), or 0 if it is invalid. */
static size_t sequence_length(const unsigned char *s, size_t len)
{
	unsigned char b = s[0];
	if (b < 0x80) {
		return 1;
	}
	size_t n;
	unsigned min;
	unsigned cp;
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2;
		cp = b & 0x1F;
		min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		cp = b & 0x0F;
		min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		cp = b & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			return 0;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		return 0;
	}
	return n;
}

size_t plm_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		/* ASCII runs sixteen (or eight) bytes at a time. */
#ifdef __SSE2__
		while (len - i >= 16 &&
			_mm_movemask_epi8(_mm_loadu_si128(
				(const __m128i *)(const void *)(s + i))) == 0) {
			i += 16;
		}
#endif
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull) {
				break;
			}
			i += 8;
		}
		if (i >= len) {
			break;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = sequence_length(s + i, len - i);
		if (n == 0) {
			return i;
		}
		i += n;
	}
	return len;
}

char *plm_utf8_sanitize(struct plm_arena *arena, const char *str, size_t len,
	size_t *out_len)
{
	size_t bad = plm_utf8_check(str, len);
	if (bad == len) {
		if (out_len != NULL) {
			*out_len = len;
		}
		return plm_arena_strndup(arena, str, len);
	}
	const unsigned char *s = (const unsigned char *)str;
	/* Worst case: every byte becomes three. */
	if (len > ((size_t)-1) / 3 - 1) {
		return NULL;
	}
	char *out = plm_arena_alloc(arena, len * 3 + 1);
	if (out == NULL) {
		return NULL;
	}
	size_t o = 0, i = 0;
	while (i < len) {
		size_t n = s[i] < 0x80 ? 1 : sequence_length(s + i, len - i);
		if (n == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	if (out_len != NULL) {
		*out_len = o;
	}
	return out;
}

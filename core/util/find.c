/*
 * util/find.c - finding a short word in a text (util/find.h).
 */
#include "util/find.h"

#include <string.h>

/* How rare each byte is in source text, roughly (higher: rarer): letters
 * by their frequency in English, in either case; digits in between; white
 * space and the punctuation of paths and options the commonest; anything
 * else (0 here) the rarest. */
#define LETTER(c, r) [c] = (r), [(c) - 'a' + 'A'] = (r)
static const unsigned char rarity_of[256] = {LETTER('e', 4), LETTER('t', 5),
	LETTER('a', 6), LETTER('o', 7), LETTER('i', 8), LETTER('n', 9),
	LETTER('s', 10), LETTER('r', 11), LETTER('h', 12), LETTER('l', 13),
	LETTER('d', 14), LETTER('c', 15), LETTER('u', 16), LETTER('m', 17),
	LETTER('f', 18), LETTER('p', 19), LETTER('g', 20), LETTER('w', 21),
	LETTER('y', 22), LETTER('b', 23), LETTER('v', 24), LETTER('k', 25),
	LETTER('x', 26), LETTER('j', 27), LETTER('q', 28),
	LETTER('z', 29), ['0'] = 12, ['1'] = 12, ['2'] = 12, ['3'] = 12,
	['4'] = 12, ['5'] = 12, ['6'] = 12, ['7'] = 12, ['8'] = 12, ['9'] = 12,
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['-'] = 1, ['/'] = 1, ['.'] = 1,
	['_'] = 1, ['='] = 1, ['"'] = 1, ['\''] = 1, [':'] = 1, ['$'] = 1};
#undef LETTER

static int rarity(unsigned char b)
{
	return rarity_of[b] != 0 ? rarity_of[b] : 40;
}

bool plm_find_word(const char *s, size_t len, const char *word, size_t n)
{
	if (n == 0 || n > len) {
		return n == 0;
	}
	size_t pick = 0;
	for (size_t i = 1; i < n; i++) {
		if (rarity((unsigned char)word[i]) >=
			rarity((unsigned char)word[pick])) {
			pick = i;
		}
	}
	/* The word starts at `at - pick`, from s to s + len - n. */
	const char *p = s + pick, *end = s + len - (n - 1 - pick);
	while (p < end) {
		const char *at = memchr(p, word[pick], (size_t)(end - p));
		if (at == NULL) {
			return false;
		}
		if (memcmp(at - pick, word, n) == 0) {
			return true;
		}
		p = at + 1;
	}
	return false;
}

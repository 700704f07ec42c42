/*
 * util/find.c - finding a short word in a text (util/find.h).
 */
#include "util/find.h"

#include <string.h>

/* How rare byte b is in source text, roughly (higher: rarer): letters by
 * their frequency in English, digits in between, white space and the
 * punctuation of paths and options the commonest, anything else rare. */
static int rarity(unsigned char b)
{
	static const char letters[] = "etaoinsrhldcumfpgwybvkxjqz";
	static const char common[] = " \t\n-/._=\"':$";
	if (b >= 'A' && b <= 'Z') {
		b = (unsigned char)(b - 'A' + 'a');
	}
	if (b >= 'a' && b <= 'z') {
		return 4 + (int)(strchr(letters, b) - letters);
	}
	if (b >= '0' && b <= '9') {
		return 12;
	}
	if (b != '\0' && strchr(common, b) != NULL) {
		return 0;
	}
	return 40;
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

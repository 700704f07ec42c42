#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

int plm_strvec_push(struct plm_strvec *v, const char *s)
{
	if (v->count == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 8;
		const char **n = plm_realloc(v->items, ncap * sizeof(*n));
		if (n == NULL) {
			return -1;
		}
		v->items = n;
		v->cap = ncap;
	}
	v->items[v->count++] = s;
	return 0;
}

int plm_strvec_push_all(struct plm_strvec *v, const struct plm_strvec *from)
{
	for (size_t i = 0; i < from->count; i++) {
		if (plm_strvec_push(v, from->items[i]) != 0) {
			return -1;
		}
	}
	return 0;
}

int plm_strvec_split(struct plm_strvec *v, struct plm_strvec *owned,
	const char *list)
{
	const char *p = list;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > 0) {
			char *part = plm_strndup(p, len);
			if (part == NULL || plm_strvec_push(owned, part) != 0) {
				plm_free(part);
				return -1;
			}
			if (plm_strvec_push(v, part) != 0) {
				return -1;
			}
		}
		p += len;
		if (*p == ',') {
			p++;
		}
	}
	return 0;
}

void plm_strvec_free(struct plm_strvec *v, int owning)
{
	if (owning) {
		for (size_t i = 0; i < v->count; i++) {
			plm_free((void *)v->items[i]);
		}
	}
	plm_free(v->items);
	memset(v, 0, sizeof(*v));
}

int plm_parse_seconds(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(v > 0) ||
		v > 86400) {
		return -1;
	}
	*out = v;
	return 0;
}

/* Digits only: no sign, no space, no base prefix (strtoull would take
 * " -1" as its largest value). Returns 0 or -1 on overflow or no digit. */
static int parse_digits(const char **text, unsigned long long *out)
{
	const char *p = *text;
	unsigned long long n = 0;
	if (*p < '0' || *p > '9') {
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');
		if (n > (ULLONG_MAX - digit) / 10) {
			return -1;
		}
		n = n * 10 + digit;
	}
	*text = p;
	*out = n;
	return 0;
}

int plm_parse_count(const char *text, unsigned long long *out)
{
	unsigned long long n;
	if (parse_digits(&text, &n) != 0 || *text != '\0') {
		return -1;
	}
	*out = n;
	return 0;
}

int plm_parse_size(const char *text, size_t *out)
{
	unsigned long long n;
	if (parse_digits(&text, &n) != 0) {
		return -1;
	}
	unsigned long long mul = 1;
	switch (*text) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = 1024ULL;
		text++;
		break;
	case 'm':
	case 'M':
		mul = 1024ULL * 1024;
		text++;
		break;
	case 'g':
	case 'G':
		mul = 1024ULL * 1024 * 1024;
		text++;
		break;
	case 'b':
	case 'B':
		break;
	default:
		return -1;
	}
	if (*text == 'B' || *text == 'b') {
		text++;
	}
	if (*text != '\0' || n > SIZE_MAX / mul) {
		return -1;
	}
	*out = (size_t)(n * mul);
	return 0;
}

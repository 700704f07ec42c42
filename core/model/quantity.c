/*
 * model/quantity.c - resource quantities as integers.
 *
 * Both grammars are small; the value is computed in long double, which
 * holds every quantity a manifest can sensibly carry (up to 2^63) with the
 * precision the rounding needs.
 */
#include "model/quantity.h"

#include <math.h>
#include <string.h>

/* Reads digits with an optional fraction from s[*i..len). */
static bool number(const char *s, size_t len, size_t *i, long double *v)
{
	size_t start = *i;
	long double x = 0, scale = 1;
	bool frac = false;
	bool digits = false;
	for (; *i < len; (*i)++) {
		char c = s[*i];
		if (c >= '0' && c <= '9') {
			digits = true;
			if (frac) {
				scale /= 10;
				x += (c - '0') * scale;
			} else {
				x = x * 10 + (c - '0');
			}
		} else if (c == '.' && !frac) {
			frac = true;
		} else {
			break;
		}
	}
	*v = x;
	return digits && *i > start;
}

static bool finish(long double v, int64_t *out)
{
	v = ceill(v - 1e-9L);
	if (!(v >= 0) || v > 9.2e18L) {
		return false;
	}
	*out = (int64_t)v;
	return true;
}

bool plm_quantity_kube(const char *s, size_t len, int64_t unit, int64_t *out)
{
	static const struct {
		const char *suffix;
		long double factor;
	} suffixes[] = {
		{"Ki", 1024.0L},
		{"Mi", 1048576.0L},
		{"Gi", 1073741824.0L},
		{"Ti", 1099511627776.0L},
		{"Pi", 1125899906842624.0L},
		{"Ei", 1152921504606846976.0L},
		{"m", 1e-3L},
		{"k", 1e3L},
		{"M", 1e6L},
		{"G", 1e9L},
		{"T", 1e12L},
		{"P", 1e15L},
		{"E", 1e18L},
		{"", 1.0L},
	};
	size_t i = 0;
	if (i < len && s[i] == '+') {
		i++;
	}
	long double v;
	if (!number(s, len, &i, &v)) {
		return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E') && i + 1 < len &&
		(s[i + 1] == '-' || s[i + 1] == '+' ||
			(s[i + 1] >= '0' && s[i + 1] <= '9'))) {
		size_t j = i + 1;
		bool neg = s[j] == '-';
		if (s[j] == '-' || s[j] == '+') {
			j++;
		}
		long double e;
		if (!number(s, len, &j, &e) || j != len || e > 30) {
			return false;
		}
		return finish(v * powl(10.0L, neg ? -e : e) * unit, out);
	}
	for (size_t k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
		size_t sl = strlen(suffixes[k].suffix);
		if (len - i == sl &&
			memcmp(s + i, suffixes[k].suffix, sl) == 0) {
			return finish(v * suffixes[k].factor * unit, out);
		}
	}
	return false;
}

bool plm_quantity_docker_bytes(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	long double v;
	if (!number(s, len, &i, &v)) {
		return false;
	}
	long double factor = 1;
	if (i < len) {
		switch (s[i] | 0x20) {
		case 'b':
			factor = 1;
			break;
		case 'k':
			factor = 1024.0L;
			break;
		case 'm':
			factor = 1048576.0L;
			break;
		case 'g':
			factor = 1073741824.0L;
			break;
		default:
			return false;
		}
		i++;
		if (i < len && factor > 1 && (s[i] | 0x20) == 'b') {
			i++;
		}
	}
	return i == len && finish(v * factor, out);
}

/*
 * yaml/scalar.c - typing of plain scalars, per schema (docs/model.md, "The
 * YAML tree").
 */
#include "yaml/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool equals(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return n == len && memcmp(s, lit, n) == 0;
}

static bool one_of(const char *s, size_t len, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++) {
		if (equals(s, len, list[i])) {
			return true;
		}
	}
	return false;
}

static const char *const null_words[] = {"~", "null", "Null", "NULL", NULL};
static const char *const true_core[] = {"true", "True", "TRUE", NULL};
static const char *const false_core[] = {"false", "False", "FALSE", NULL};
static const char *const true_11[] = {"true", "True", "TRUE", "yes", "Yes",
	"YES", "on", "On", "ON", "y", "Y", NULL};
static const char *const false_11[] = {"false", "False", "FALSE", "no", "No",
	"NO", "off", "Off", "OFF", "n", "N", NULL};

static bool is_digit_in(char c, int base)
{
	if (c >= '0' && c <= '9') {
		return c - '0' < base;
	}
	if (base == 16) {
		return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}
	return false;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return c - 'A' + 10;
}

/* Parses digits of `base` (with `_` separators when allow_sep) into *out.
 * Returns 1 on success, 0 if not an integer of that form, -1 on overflow. */
static int parse_digits(const char *s, size_t len, int base, bool negative,
	bool allow_sep, int64_t *out)
{
	uint64_t v = 0;
	size_t digits = 0;
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1
				  : (uint64_t)INT64_MAX;
	bool overflow = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '_' && allow_sep) {
			continue;
		}
		if (!is_digit_in(c, base)) {
			return 0;
		}
		digits++;
		uint64_t d = (uint64_t)digit_value(c);
		if (v > (limit - d) / (uint64_t)base) {
			overflow = true;
		} else {
			v = v * (uint64_t)base + d;
		}
	}
	if (digits == 0) {
		return 0;
	}
	if (overflow) {
		return -1;
	}
	*out = negative ? (int64_t)(0 - v) : (int64_t)v;
	return 1;
}

/* Integer forms. Returns 1 (int), 0 (not an int), -1 (an int that does not
 * fit: typed as a float by the caller when decimal). */
static int parse_int(const char *s, size_t len, enum plm_yaml_schema schema,
	int64_t *out)
{
	bool yaml11 = schema == PLM_YAML_SCHEMA_1_1;
	bool negative = false;
	size_t i = 0;
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		negative = s[0] == '-';
		i = 1;
	}
	const char *d = s + i;
	size_t n = len - i;
	if (n == 0) {
		return 0;
	}
	if (!yaml11) {
		/* Core: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ (unsigned). */
		if (i == 0 && n > 2 && d[0] == '0' && d[1] == 'o') {
			return parse_digits(d + 2, n - 2, 8, false, false, out);
		}
		if (i == 0 && n > 2 && d[0] == '0' && d[1] == 'x') {
			return parse_digits(d + 2, n - 2, 16, false, false,
				out);
		}
		return parse_digits(d, n, 10, negative, false, out);
	}
	/* YAML 1.1: 0b…, 0x…, 0… octal, decimal; `_` separators. */
	if (n > 2 && d[0] == '0' && d[1] == 'b') {
		return parse_digits(d + 2, n - 2, 2, negative, true, out);
	}
	if (n > 2 && d[0] == '0' && d[1] == 'x') {
		return parse_digits(d + 2, n - 2, 16, negative, true, out);
	}
	if (n > 1 && d[0] == '0') {
		return parse_digits(d + 1, n - 1, 8, negative, true, out);
	}
	if (d[0] == '_') {
		return 0;
	}
	return parse_digits(d, n, 10, negative, true, out);
}

/* Float forms: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and the
 * .inf/.nan spellings (1.1 also allows `_`). */
static bool parse_float(const char *s, size_t len, enum plm_yaml_schema schema,
	double *out)
{
	bool yaml11 = schema == PLM_YAML_SCHEMA_1_1;
	size_t i = 0;
	bool negative = false;
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		negative = s[0] == '-';
		i = 1;
	}
	const char *r = s + i;
	size_t n = len - i;
	static const char *const inf[] = {".inf", ".Inf", ".INF", NULL};
	static const char *const nan[] = {".nan", ".NaN", ".NAN", NULL};
	if (one_of(r, n, inf)) {
		*out = negative ? -INFINITY : INFINITY;
		return true;
	}
	if (i == 0 && one_of(r, n, nan)) {
		*out = NAN;
		return true;
	}
	char buf[128];
	size_t b = 0;
	size_t int_digits = 0, frac_digits = 0;
	bool dot = false;
	size_t k = 0;
	if (n >= sizeof(buf) - 2) {
		return false;
	}
	if (negative) {
		buf[b++] = '-';
	}
	for (; k < n; k++) {
		char c = r[k];
		if (c >= '0' && c <= '9') {
			if (dot) {
				frac_digits++;
			} else {
				int_digits++;
			}
			buf[b++] = c;
		} else if (c == '_' && yaml11 && int_digits + frac_digits > 0) {
			continue;
		} else if (c == '.' && !dot) {
			dot = true;
			buf[b++] = c;
		} else {
			break;
		}
	}
	if (int_digits + frac_digits == 0) {
		return false;
	}
	if (!dot && yaml11) {
		/* 1.1 floats need a dot. */
		return false;
	}
	if (k < n && (r[k] == 'e' || r[k] == 'E')) {
		buf[b++] = 'e';
		k++;
		if (k < n && (r[k] == '-' || r[k] == '+')) {
			buf[b++] = r[k++];
		} else if (yaml11) {
			return false;
		}
		size_t exp_digits = 0;
		for (; k < n && r[k] >= '0' && r[k] <= '9'; k++) {
			buf[b++] = r[k];
			exp_digits++;
		}
		if (exp_digits == 0) {
			return false;
		}
	}
	if (k != n) {
		return false;
	}
	buf[b] = '\0';
	errno = 0;
	*out = strtod(buf, NULL);
	return true;
}

struct plm_node *plm_yaml_scalar(struct plm_arena *arena,
	enum plm_yaml_schema schema, struct plm_span span, const char *value,
	size_t len)
{
	if (len == 0 || one_of(value, len, null_words)) {
		return plm_node_null(arena, span);
	}
	char c = value[0];
	bool yaml11 = schema == PLM_YAML_SCHEMA_1_1;
	/* Quick reject: most scalars are words that start with a letter that no
	 * typed form can start with. */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		if (one_of(value, len, yaml11 ? true_11 : true_core)) {
			return plm_node_bool(arena, span, true);
		}
		if (one_of(value, len, yaml11 ? false_11 : false_core)) {
			return plm_node_bool(arena, span, false);
		}
		return plm_node_string(arena, span, value, len);
	}
	if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
		int64_t iv;
		int r = parse_int(value, len, schema, &iv);
		if (r == 1) {
			return plm_node_int(arena, span, iv);
		}
		double dv;
		if (parse_float(value, len, schema, &dv) ||
			(r == -1 &&
				parse_float(value, len, PLM_YAML_SCHEMA_CORE,
					&dv))) {
			return plm_node_float(arena, span, dv);
		}
	}
	return plm_node_string(arena, span, value, len);
}

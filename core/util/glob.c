/*
 * util/glob.c - matching configuration globs, one path segment at a time.
 */
#include "util/glob.h"

#include <stddef.h>
#include <string.h>

static const char *segment_end(const char *s)
{
	const char *e = strchr(s, '/');
	return e != NULL ? e : s + strlen(s);
}

static const char *next_segment(const char *end)
{
	return *end == '/' ? end + 1 : end;
}

/* The end of the bracket expression starting at p ('['), or NULL when it
 * is not closed within the segment. */
static const char *class_end(const char *p, const char *pe)
{
	const char *q = p + 1;
	if (q < pe && (*q == '!' || *q == '^')) {
		q++;
	}
	if (q < pe && *q == ']') {
		q++; /* a ']' first is a member */
	}
	while (q < pe && *q != ']') {
		q++;
	}
	return q < pe ? q : NULL;
}

static bool class_has(const char *p, const char *end, char c)
{
	const char *q = p + 1;
	bool negate = *q == '!' || *q == '^';
	bool hit = false;
	q += negate;
	for (bool first = true; q < end; first = false) {
		if (*q == ']' && !first) {
			break;
		}
		if (q + 2 < end && q[1] == '-') {
			hit |= c >= q[0] && c <= q[2];
			q += 3;
		} else {
			hit |= c == *q;
			q++;
		}
	}
	return hit != negate;
}

/* One segment: p[0..pe) against s[0..se), neither holding '/'. */
static bool segment_match(const char *p, const char *pe, const char *s,
	const char *se)
{
	const char *star_p = NULL, *star_s = NULL;
	while (s < se) {
		if (p < pe && *p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (p < pe && *p == '[') {
			const char *end = class_end(p, pe);
			if (end != NULL && class_has(p, end, *s)) {
				p = end + 1;
				s++;
				continue;
			}
		} else if (p < pe && *p == '\\' && p + 1 < pe) {
			if (p[1] == *s) {
				p += 2;
				s++;
				continue;
			}
		} else if (p < pe && (*p == '?' || *p == *s)) {
			p++;
			s++;
			continue;
		}
		if (star_p == NULL) {
			return false;
		}
		p = star_p; /* let the last '*' take one more character */
		s = ++star_s;
	}
	while (p < pe && *p == '*') {
		p++;
	}
	return p == pe;
}

static bool is_double_star(const char *p, const char *pe)
{
	return pe - p == 2 && p[0] == '*' && p[1] == '*';
}

/* p and s each at a segment start. */
static bool match_from(const char *p, const char *s, bool dir_only)
{
	if (*p == '\0') {
		/* the whole path, or one of its leading directories */
		return dir_only ? *s != '\0' : true;
	}
	const char *pe = segment_end(p);
	if (is_double_star(p, pe)) {
		for (;;) {
			if (match_from(next_segment(pe), s, dir_only)) {
				return true;
			}
			if (*s == '\0') {
				return false;
			}
			s = next_segment(segment_end(s));
		}
	}
	if (*s == '\0') {
		return false;
	}
	const char *se = segment_end(s);
	return segment_match(p, pe, s, se) &&
		match_from(next_segment(pe), next_segment(se), dir_only);
}

const char *plm_glob_check(const char *pattern)
{
	size_t len = strlen(pattern);
	if (len == 0) {
		return "a glob is empty";
	}
	if (len > PLM_GLOB_MAX_LEN) {
		return "a glob is longer than 1024 bytes";
	}
	int stars = 0;
	for (const char *p = pattern[0] == '/' ? pattern + 1 : pattern;
		*p != '\0';) {
		const char *pe = segment_end(p);
		if (pe == p && *pe == '/') {
			return "a glob has an empty segment ('//')";
		}
		if ((pe - p == 1 && p[0] == '.') ||
			(pe - p == 2 && p[0] == '.' && p[1] == '.')) {
			return "a glob has a '.' or '..' segment";
		}
		if (is_double_star(p, pe)) {
			stars++;
		} else {
			for (const char *q = p; q < pe; q++) {
				if (q[0] == '*' && q + 1 < pe && q[1] == '*') {
					return "'**' must be a whole segment "
					       "(a/**/b)";
				}
				if (*q == '\\') {
					q++;
				} else if (*q == '[') {
					const char *end = class_end(q, pe);
					if (end == NULL) {
						return "a '[' is not closed by "
						       "']'";
					}
					q = end;
				}
			}
		}
		p = next_segment(pe);
	}
	if (pattern[0] == '/' && pattern[1] == '\0') {
		return "a glob is only '/'";
	}
	return stars > PLM_GLOB_MAX_STARS ? "a glob has more than 8 '**'"
					  : NULL;
}

bool plm_glob_match(const char *pattern, const char *path)
{
	char buf[PLM_GLOB_MAX_LEN + 4];
	size_t len = strlen(pattern);
	bool anchored = pattern[0] == '/';
	const char *p = anchored ? pattern + 1 : pattern;
	len -= anchored;
	bool dir_only = len > 0 && p[len - 1] == '/';
	len -= dir_only;
	if (len > PLM_GLOB_MAX_LEN) {
		return false;
	}
	/* A pattern without a '/' floats: it may match at any depth. */
	bool floating = !anchored && memchr(p, '/', len) == NULL;
	size_t at = 0;
	if (floating) {
		memcpy(buf, "**/", 3);
		at = 3;
	}
	memcpy(buf + at, p, len);
	buf[at + len] = '\0';
	return match_from(buf, path, dir_only);
}

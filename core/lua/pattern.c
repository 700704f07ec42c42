/*
 * lua/pattern.c - Lua 5.4 patterns (reference manual §6.4.1) and the
 * functions that use them: string.find, match, gmatch and gsub (§6.4),
 * written for the sandbox. The matcher backtracks like the stock one, so
 * results and errors are the same, but every step it takes is charged to
 * the run's instruction budget: a pathological pattern ends the run like
 * an endless loop does, instead of hanging it inside C.
 *
 * A pattern is matched item by item. A single-character class alone moves
 * on; followed by '?', '*', '+' or '-' it leaves alternatives to come back
 * to, and so does a capture, opening or closing: those are the places that
 * recurse, each one level of MAX_DEPTH.
 */
#include "lua/pattern.h"

#include <stdbool.h>
#include <string.h>
#include <lauxlib.h>

#define MAX_CAPTURES 32
/* Nested alternatives one match may hold (C stack safety). */
#define MAX_DEPTH 200
#define ESCAPE '%'

enum { CAPTURE_OPEN = -1, CAPTURE_POSITION = -2 };

struct capture {
	const char *start;
	ptrdiff_t len; /* or CAPTURE_OPEN, CAPTURE_POSITION */
};

struct matcher {
	lua_State *L;
	const char *subject;
	const char *subject_end;
	const char *pattern_end;
	int depth_left;
	int count;      /* captures opened so far */
	bool skip_runs; /* a failed start may skip a run (next_start) */
	struct plm_lua_meter meter;
	struct capture capture[MAX_CAPTURES];
};

static inline int byte_at(const char *p)
{
	return (unsigned char)*p;
}

static inline bool is_in(int c, int first, int last)
{
	return (unsigned)(c - first) <= (unsigned)(last - first);
}

/* Whether a failed start may skip a run (next_start): the pattern holds
 * no back reference (a '%' and a digit, conservatively even in a set). */
static bool may_skip_runs(const char *p, size_t lp)
{
	for (size_t i = 0; i + 1 < lp; i++) {
		if (p[i] == ESCAPE) {
			if (is_in(byte_at(p + i + 1), '0', '9')) {
				return false;
			}
			i++;
		}
	}
	return true;
}

static void matcher_init(struct matcher *m, lua_State *L, const char *s,
	size_t ls, const char *p, size_t lp)
{
	m->L = L;
	m->subject = s;
	m->subject_end = s + ls;
	m->pattern_end = p + lp;
	m->meter.L = L;
	m->meter.steps = 0;
	m->skip_runs = may_skip_runs(p, lp);
}

/* Forgets the captures of the previous attempt. */
static void matcher_reset(struct matcher *m)
{
	m->depth_left = MAX_DEPTH;
	m->count = 0;
}

static inline bool is_alnum(int c)
{
	return is_in(c | 0x20, 'a', 'z') || is_in(c, '0', '9');
}

/* Whether c is in the class named by the lower-case letter `name`, in the
 * C locale (plimsoll never sets another): 1, 0, or -1 if `name` names no
 * class. */
static inline int in_class(int c, int name)
{
	switch (name) {
	case 'a':
		return is_in(c | 0x20, 'a', 'z');
	case 'c':
		return c < 32 || c == 127;
	case 'd':
		return is_in(c, '0', '9');
	case 'g':
		return is_in(c, 33, 126);
	case 'l':
		return is_in(c, 'a', 'z');
	case 'p':
		return is_in(c, 33, 126) && !is_alnum(c);
	case 's':
		return c == ' ' || is_in(c, '\t', '\r');
	case 'u':
		return is_in(c, 'A', 'Z');
	case 'w':
		return is_alnum(c);
	case 'x':
		return is_in(c, '0', '9') || is_in(c | 0x20, 'a', 'f');
	case 'z':
		return c == 0; /* not in the 5.4 manual; stock has it */
	default:
		return -1;
	}
}

/* Whether c is in the class %cl (a letter names a class, its upper case
 * the complement; anything else stands for itself). */
static inline bool class_matches(int c, int cl)
{
	int in = in_class(c, cl | 0x20);
	if (in < 0) {
		return cl == c;
	}
	return (cl & 0x20) != 0 ? in == 1 : in == 0;
}

/* Whether c is in the set from '[' at p to its ']' at last. */
static bool set_matches(int c, const char *p, const char *last)
{
	bool inside = true;
	p++;
	if (*p == '^') {
		inside = false;
		p++;
	}
	for (; p < last; p++) {
		if (*p == ESCAPE) {
			p++;
			if (class_matches(c, byte_at(p))) {
				return inside;
			}
		} else if (p[1] == '-' && p + 2 < last) {
			if (byte_at(p) <= c && c <= byte_at(p + 2)) {
				return inside;
			}
			p += 2;
		} else if (byte_at(p) == c) {
			return inside;
		}
	}
	return !inside;
}

/* The end of the single-character class that starts at p. A set's first
 * character is a member even when it is ']'. */
static const char *class_end(struct matcher *m, const char *p)
{
	const char *end = m->pattern_end;
	char c = *p++;
	if (c == ESCAPE) {
		if (p == end) {
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		}
		return p + 1;
	}
	if (c != '[') {
		return p;
	}
	const char *start = p;
	if (p < end && *p == '^') {
		p++;
	}
	do {
		if (p >= end) {
			luaL_error(m->L, "malformed pattern (missing ']')");
		}
		if (*p++ == ESCAPE && p < end) {
			p++;
		}
	} while (p >= end || *p != ']');
	plm_lua_meter_add(&m->meter, (size_t)(p - start) / 16);
	return p + 1;
}

/* Whether the class from p to ep matches the subject character at s. */
static inline bool single_matches(struct matcher *m, const char *s,
	const char *p, const char *ep)
{
	if (s >= m->subject_end) {
		return false;
	}
	int c = byte_at(s);
	switch (*p) {
	case '.':
		return true;
	case ESCAPE:
		return class_matches(c, byte_at(p + 1));
	case '[':
		plm_lua_meter_add(&m->meter, (size_t)(ep - p) / 16);
		return set_matches(c, p, ep - 1);
	default:
		return byte_at(p) == c;
	}
}

static const char *match(struct matcher *m, const char *s, const char *p);

/* Item p..ep repeated as often as it matches from s, then fewer. */
static const char *match_greedy(struct matcher *m, const char *s, const char *p,
	const char *ep)
{
	size_t n = 0;
	while (single_matches(m, s + n, p, ep)) {
		plm_lua_meter_add(&m->meter, 1);
		n++;
	}
	for (;;) {
		const char *r = match(m, s + n, ep + 1);
		if (r != NULL || n == 0) {
			return r;
		}
		n--;
	}
}

/* Item p..ep repeated as seldom as the rest of the pattern allows. */
static const char *match_lazy(struct matcher *m, const char *s, const char *p,
	const char *ep)
{
	for (;;) {
		const char *r = match(m, s, ep + 1);
		if (r != NULL) {
			return r;
		}
		if (!single_matches(m, s, p, ep)) {
			return NULL;
		}
		s++;
	}
}

static const char *open_capture(struct matcher *m, const char *s, const char *p,
	ptrdiff_t kind)
{
	if (m->count >= MAX_CAPTURES) {
		luaL_error(m->L, "too many captures");
	}
	m->capture[m->count].start = s;
	m->capture[m->count].len = kind;
	m->count++;
	const char *r = match(m, s, p);
	if (r == NULL) {
		m->count--;
	}
	return r;
}

static const char *close_capture(struct matcher *m, const char *s,
	const char *p)
{
	int i = m->count - 1;
	while (i >= 0 && m->capture[i].len != CAPTURE_OPEN) {
		i--;
	}
	if (i < 0) {
		luaL_error(m->L, "invalid pattern capture");
	}
	m->capture[i].len = s - m->capture[i].start;
	const char *r = match(m, s, p);
	if (r == NULL) {
		m->capture[i].len = CAPTURE_OPEN;
	}
	return r;
}

/* %1-%9: the text of a closed capture again. */
static const char *match_backreference(struct matcher *m, const char *s,
	int digit)
{
	int i = digit - '1';
	if (i < 0 || i >= m->count || m->capture[i].len == CAPTURE_OPEN) {
		luaL_error(m->L, "invalid capture index %%%d", i + 1);
	}
	ptrdiff_t len = m->capture[i].len;
	if (len == CAPTURE_POSITION || m->subject_end - s < len) {
		return NULL;
	}
	plm_lua_meter_add(&m->meter, (size_t)len / 16);
	if (memcmp(m->capture[i].start, s, (size_t)len) != 0) {
		return NULL;
	}
	return s + len;
}

/* %bxy at p (p just after "%b"). */
static const char *match_balance(struct matcher *m, const char *s,
	const char *p)
{
	if (p + 1 >= m->pattern_end) {
		luaL_error(m->L,
			"malformed pattern (missing arguments to '%%b')");
	}
	if (s >= m->subject_end || *s != p[0]) {
		return NULL;
	}
	int open = 1;
	while (++s < m->subject_end) {
		plm_lua_meter_add(&m->meter, 1);
		if (*s == p[1]) {
			if (--open == 0) {
				return s + 1;
			}
		} else if (*s == p[0]) {
			open++;
		}
	}
	return NULL;
}

/* %f[set] at p (p just after "%f"): the end of the set when s is at a
 * frontier, else NULL. The subject is taken as framed by '\0's. */
static const char *match_frontier(struct matcher *m, const char *s,
	const char *p)
{
	if (p >= m->pattern_end || *p != '[') {
		luaL_error(m->L, "missing '[' after '%%f' in pattern");
	}
	const char *ep = class_end(m, p);
	int before = s > m->subject ? byte_at(s - 1) : 0;
	int here = s < m->subject_end ? byte_at(s) : 0;
	plm_lua_meter_add(&m->meter, 1 + (size_t)(ep - p) / 8);
	if (set_matches(before, p, ep - 1) || !set_matches(here, p, ep - 1)) {
		return NULL;
	}
	return ep;
}

static bool optional(int quantifier)
{
	return quantifier == '*' || quantifier == '?' || quantifier == '-';
}

/* The item at *p is a single-character class, perhaps with a quantifier.
 * Returns true when it decides the match (*result), else false with *s and
 * *p moved past it. */
static bool match_class_item(struct matcher *m, const char **s, const char **p,
	const char **result)
{
	const char *ep = class_end(m, *p);
	int quantifier = ep < m->pattern_end ? *ep : '\0';
	if (!single_matches(m, *s, *p, ep)) {
		*p = ep + 1;
		*result = NULL;
		return !optional(quantifier);
	}
	switch (quantifier) {
	case '?':
		*result = match(m, *s + 1, ep + 1);
		*p = ep + 1;
		return *result != NULL;
	case '+':
		*result = match_greedy(m, *s + 1, *p, ep);
		return true;
	case '*':
		*result = match_greedy(m, *s, *p, ep);
		return true;
	case '-':
		*result = match_lazy(m, *s, *p, ep);
		return true;
	default:
		(*s)++;
		*p = ep;
		return false;
	}
}

/* The item at *p is %b, %f or a back reference (else returns false with
 * *p unchanged and *done false). */
static bool match_escape_item(struct matcher *m, const char **s, const char **p,
	bool *done)
{
	const char *at = *p;
	int c = at + 1 < m->pattern_end ? byte_at(at + 1) : '\0';
	const char *next;
	if (c == 'b') {
		*s = match_balance(m, *s, at + 2);
		next = at + 4;
	} else if (c == 'f') {
		next = match_frontier(m, *s, at + 2);
	} else if (is_in(c, '0', '9')) {
		*s = match_backreference(m, *s, c);
		next = at + 2;
	} else {
		*done = false;
		return false;
	}
	*done = *s == NULL || next == NULL;
	*p = next;
	return true;
}

/* Matches the item at *p. Returns true when that decides the match
 * (*result), else false with *s and *p moved past the item. */
static bool match_item(struct matcher *m, const char **s, const char **p,
	const char **result)
{
	const char *at = *p;
	const char *end = m->pattern_end;
	bool done;
	plm_lua_meter_add(&m->meter, 1);
	*result = NULL;
	if (at == end) {
		*result = *s;
		return true;
	}
	switch (*at) {
	case '(':
		if (at + 1 < end && at[1] == ')') {
			*result = open_capture(m, *s, at + 2, CAPTURE_POSITION);
		} else {
			*result = open_capture(m, *s, at + 1, CAPTURE_OPEN);
		}
		return true;
	case ')':
		*result = close_capture(m, *s, at + 1);
		return true;
	case '$':
		if (at + 1 == end) {
			*result = *s == m->subject_end ? *s : NULL;
			return true;
		}
		break;
	case ESCAPE:
		if (match_escape_item(m, s, p, &done)) {
			return done;
		}
		break;
	default:
		break;
	}
	return match_class_item(m, s, p, result);
}

/* The end of a match of the pattern from p on, at s; or NULL. */
static const char *match(struct matcher *m, const char *s, const char *p)
{
	if (m->depth_left-- == 0) {
		luaL_error(m->L, "pattern too complex");
	}
	const char *result;
	while (!match_item(m, &s, &p, &result)) {
	}
	m->depth_left++;
	return result;
}

/* Where an unanchored search may try next after the attempt at `at`
 * failed. When the pattern opens (after any captures) with a single
 * character class repeated by '+', '*' or '-' and holds no back reference,
 * that attempt already tried the rest of the pattern at every position of
 * the run of characters the class matches from `at` on, and whether the
 * rest matches at a position does not depend on where the attempt began:
 * every start inside the run fails too. So `(%S+)%s*$` walks a long word
 * once instead of once per character of it, as the stock matcher does. */
static const char *next_start(struct matcher *m, const char *at, const char *p)
{
	if (!m->skip_runs) {
		return at + 1;
	}
	while (p < m->pattern_end && *p == '(') {
		p += p + 1 < m->pattern_end && p[1] == ')' ? 2 : 1;
	}
	if (p >= m->pattern_end || *p == ')' || *p == '$' ||
		(*p == ESCAPE && p + 1 < m->pattern_end &&
			(p[1] == 'b' || p[1] == 'f'))) {
		return at + 1;
	}
	const char *ep = class_end(m, p);
	if (ep >= m->pattern_end || (*ep != '+' && *ep != '*' && *ep != '-')) {
		return at + 1;
	}
	const char *s = at;
	while (single_matches(m, s, p, ep)) {
		s++;
	}
	plm_lua_meter_add(&m->meter, 1 + (size_t)(s - at) / 16);
	return s > at ? s : at + 1;
}

/* Pushes capture i of the match s..e; with no captures, i == 0 is the
 * whole match.  [-0, +1, v] */
static void push_capture(struct matcher *m, int i, const char *s, const char *e)
{
	if (i >= m->count) {
		if (i != 0) {
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
		}
		lua_pushlstring(m->L, s, (size_t)(e - s));
		return;
	}
	const struct capture *c = &m->capture[i];
	if (c->len == CAPTURE_OPEN) {
		luaL_error(m->L, "unfinished capture");
	}
	if (c->len == CAPTURE_POSITION) {
		lua_pushinteger(m->L, c->start - m->subject + 1);
	} else {
		lua_pushlstring(m->L, c->start, (size_t)c->len);
	}
}

/* Pushes every capture, or the whole match s..e when there are none and s
 * is not NULL. Returns how many.  [-0, +n, v] */
static int push_captures(struct matcher *m, const char *s, const char *e)
{
	int n = m->count == 0 && s != NULL ? 1 : m->count;
	luaL_checkstack(m->L, n, "too many captures");
	for (int i = 0; i < n; i++) {
		push_capture(m, i, s, e);
	}
	return n;
}

/* A 1-based start position, negative from the end, as a 0-based offset
 * (ls + 1 or more: past the end). */
static size_t start_offset(lua_Integer pos, size_t ls)
{
	if (pos > 0) {
		return (size_t)pos - 1;
	}
	if (pos == 0 || pos < -(lua_Integer)ls) {
		return 0;
	}
	return ls - (size_t)-pos;
}

static bool has_specials(const char *p, size_t lp)
{
	for (size_t i = 0; i < lp; i++) {
		switch (p[i]) {
		case '^':
		case '$':
		case '*':
		case '+':
		case '?':
		case '.':
		case '(':
		case '[':
		case '%':
		case '-':
			return true;
		default:
			break;
		}
	}
	return false;
}

/* The first occurrence of p in s, or NULL. */
static const char *plain_search(struct plm_lua_meter *meter, const char *s,
	size_t ls, const char *p, size_t lp)
{
	if (lp == 0) {
		return s;
	}
	if (lp > ls) {
		return NULL;
	}
	const char *last = s + (ls - lp);
	while (s <= last) {
		const char *hit = memchr(s, *p, (size_t)(last - s) + 1);
		size_t scanned = (size_t)((hit != NULL ? hit : last) - s);
		plm_lua_meter_add(meter, 1 + scanned / 32 + lp / 16);
		if (hit == NULL) {
			return NULL;
		}
		if (memcmp(hit + 1, p + 1, lp - 1) == 0) {
			return hit;
		}
		s = hit + 1;
	}
	return NULL;
}

static int plain_find(lua_State *L, const char *s, size_t ls, size_t init,
	const char *p, size_t lp)
{
	struct plm_lua_meter meter = {L, 0};
	const char *hit = plain_search(&meter, s + init, ls - init, p, lp);
	plm_lua_meter_settle(&meter);
	if (hit == NULL) {
		luaL_pushfail(L);
		return 1;
	}
	lua_pushinteger(L, hit - s + 1);
	lua_pushinteger(L, (lua_Integer)((size_t)(hit - s) + lp));
	return 2;
}

/* string.find (find) and string.match (!find). */
/* The byte every match of p must start with, or -1: p's first item is
 * a plain character that no quantifier lets match nothing. An unanchored
 * search then tries only the places where that byte is (memchr) instead
 * of every place: at the others the first item fails before anything
 * else of the pattern is read, so no error a malformed rest would raise
 * is missed. (Not after an opening capture: too many of them is an
 * error wherever the match is tried.) */
static int first_byte(const char *p, size_t lp)
{
	if (lp == 0 || has_specials(p, 1) || p[0] == ')' || p[0] == ']') {
		return -1;
	}
	if (lp > 1 && (p[1] == '*' || p[1] == '?' || p[1] == '-')) {
		return -1;
	}
	return (unsigned char)p[0];
}

/* The first place from at where byte c is, or NULL; metered as a scan
 * of the bytes passed over. */
static const char *skip_to(struct matcher *m, const char *at, int c)
{
	const char *hit = memchr(at, c, (size_t)(m->subject_end - at));
	const char *to = hit != NULL ? hit : m->subject_end;
	plm_lua_meter_add(&m->meter, 1 + (size_t)(to - at) / 16);
	return hit;
}

/* The bytes the set from '[' at p to its ']' at last matches, marked in
 * out: the same reading of the set as set_matches. */
static void set_fill(const char *p, const char *last, bool out[256])
{
	bool inside = true;
	p++;
	if (*p == '^') {
		inside = false;
		p++;
	}
	for (int c = 0; c < 256; c++) {
		out[c] = !inside;
	}
	for (; p < last; p++) {
		if (*p == ESCAPE) {
			p++;
			int cl = byte_at(p);
			for (int c = 0; c < 256; c++) {
				if (class_matches(c, cl)) {
					out[c] = inside;
				}
			}
		} else if (p[1] == '-' && p + 2 < last) {
			for (int c = byte_at(p); c <= byte_at(p + 2); c++) {
				out[c] = inside;
			}
			p += 2;
		} else {
			out[byte_at(p)] = inside;
		}
	}
}

/* Whether every match of p must start with a byte of a set (its first
 * item is a set `[...]` that no quantifier lets match nothing), and then
 * which bytes, in out. An unanchored search tries only the places where
 * such a byte is, as first_byte's memchr does for a plain character: at
 * the others the set fails before anything else of the pattern is read.
 * Reading the set here raises what the first attempt would raise for a
 * set without its ']' (a search always makes one). */
static bool first_set(struct matcher *m, const char *p, size_t lp,
	size_t subject_left, bool out[256])
{
	if (lp == 0 || p[0] != '[') {
		return false;
	}
	const char *ep = class_end(m, p);
	if (ep < m->pattern_end && (*ep == '*' || *ep == '?' || *ep == '-')) {
		return false;
	}
	/* Filling the table costs a pass over the 256 bytes, and one more
	 * for each class (%s) in the set; trying a place costs about a
	 * tenth of a pass: not worth it for a short subject. */
	size_t passes = 1;
	for (const char *q = p + 1; q < ep - 1; q++) {
		if (*q == ESCAPE) {
			passes++;
			q++;
		}
	}
	if (subject_left < 16 * passes) {
		return false;
	}
	set_fill(p, ep - 1, out);
	return true;
}

/* The first place from at whose byte is in set, or NULL; metered as a
 * scan of the bytes passed over. */
static const char *skip_to_set(struct matcher *m, const char *at,
	const bool set[256])
{
	const char *to = at;
	while (to < m->subject_end && !set[byte_at(to)]) {
		to++;
	}
	plm_lua_meter_add(&m->meter, 1 + (size_t)(to - at) / 16);
	return to < m->subject_end ? to : NULL;
}

static int find_or_match(lua_State *L, bool find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
		return plain_find(L, s, ls, init, p, lp);
	}
	bool anchored = lp > 0 && *p == '^';
	if (anchored) {
		p++;
		lp--;
	}
	struct matcher m;
	matcher_init(&m, L, s, ls, p, lp);
	const char *at = s + init;
	int first = anchored ? -1 : first_byte(p, lp);
	bool set[256];
	bool use_set = !anchored && first < 0 &&
		first_set(&m, p, lp, (size_t)(m.subject_end - at), set);
	for (;;) {
		if (first >= 0 && (at = skip_to(&m, at, first)) == NULL) {
			break;
		}
		if (use_set && (at = skip_to_set(&m, at, set)) == NULL) {
			break;
		}
		matcher_reset(&m);
		const char *e = match(&m, at, p);
		if (e != NULL) {
			plm_lua_meter_settle(&m.meter);
			if (!find) {
				return push_captures(&m, at, e);
			}
			lua_pushinteger(L, at - s + 1);
			lua_pushinteger(L, e - s);
			return push_captures(&m, NULL, NULL) + 2;
		}
		if (anchored || at >= m.subject_end) {
			break;
		}
		at = next_start(&m, at, p);
	}
	plm_lua_meter_settle(&m.meter);
	luaL_pushfail(L);
	return 1;
}

static int pattern_find(lua_State *L)
{
	return find_or_match(L, true);
}

static int pattern_match(lua_State *L)
{
	return find_or_match(L, false);
}

/* Where a gmatch iteration goes on: offsets in the subject. */
struct gmatch_state {
	size_t next;
	size_t last_end; /* end of the last match, or SIZE_MAX */
};

/* Upvalues: subject, pattern, state. Skips an empty match where the last
 * match ended. */
static int gmatch_step(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
	struct gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
	struct matcher m;
	matcher_init(&m, L, s, ls, p, lp);
	for (size_t at = g->next; at <= ls;) {
		matcher_reset(&m);
		const char *e = match(&m, s + at, p);
		if (e != NULL && (size_t)(e - s) != g->last_end) {
			g->next = g->last_end = (size_t)(e - s);
			plm_lua_meter_settle(&m.meter);
			return push_captures(&m, s + at, e);
		}
		at = e == NULL && at < ls
			? (size_t)(next_start(&m, s + at, p) - s)
			: at + 1;
	}
	g->next = ls + 1;
	plm_lua_meter_settle(&m.meter);
	return 0;
}

static int pattern_gmatch(lua_State *L)
{
	size_t ls;
	luaL_checklstring(L, 1, &ls);
	luaL_checkstring(L, 2);
	size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
	lua_settop(L, 2);
	struct gmatch_state *g = lua_newuserdatauv(L, sizeof(*g), 0);
	g->next = init > ls ? ls + 1 : init;
	g->last_end = SIZE_MAX;
	lua_pushcclosure(L, gmatch_step, 3);
	return 1;
}

/* Appends the replacement string (argument 3) for the match s..e: "%%" is
 * '%', "%0" the whole match, "%1".."%9" a capture.  [-0, +0, v] */
static void add_replacement_string(struct matcher *m, luaL_Buffer *b,
	const char *s, const char *e)
{
	lua_State *L = m->L;
	size_t len;
	const char *r = lua_tolstring(L, 3, &len);
	const char *end = r + len;
	plm_lua_meter_add(&m->meter, 1 + len / 16);
	while (r < end) {
		const char *escape = memchr(r, ESCAPE, (size_t)(end - r));
		if (escape == NULL) {
			luaL_addlstring(b, r, (size_t)(end - r));
			return;
		}
		luaL_addlstring(b, r, (size_t)(escape - r));
		int c = escape + 1 < end ? byte_at(escape + 1) : '\0';
		if (c == ESCAPE) {
			luaL_addchar(b, ESCAPE);
		} else if (c == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (is_in(c, '0', '9')) {
			push_capture(m, c - '1', s, e);
			luaL_tolstring(L, -1, NULL);
			lua_remove(L, -2);
			luaL_addvalue(b);
		} else {
			luaL_error(L,
				"invalid use of '%c' in replacement string",
				ESCAPE);
		}
		r = escape + 2;
	}
}

/* Appends the replacement of the match s..e. Returns whether it differs
 * from the match (false: the table or function gave nil or false). */
static bool add_replacement(struct matcher *m, luaL_Buffer *b, const char *s,
	const char *e, int kind)
{
	lua_State *L = m->L;
	if (kind == LUA_TSTRING || kind == LUA_TNUMBER) {
		add_replacement_string(m, b, s, e);
		return true;
	}
	if (kind == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		lua_call(L, push_captures(m, s, e), 1);
	} else {
		push_capture(m, 0, s, e);
		lua_gettable(L, 3);
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return false;
	}
	if (!lua_isstring(L, -1)) {
		luaL_error(L, "invalid replacement value (a %s)",
			luaL_typename(L, -1));
	}
	luaL_addvalue(b);
	return true;
}

static int pattern_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	int kind = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
	luaL_argexpected(L,
		kind == LUA_TNUMBER || kind == LUA_TSTRING ||
			kind == LUA_TFUNCTION || kind == LUA_TTABLE,
		3, "string/function/table");
	bool anchored = lp > 0 && *p == '^';
	if (anchored) {
		p++;
		lp--;
	}
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	struct matcher m;
	matcher_init(&m, L, s, ls, p, lp);
	const char *at = s, *last_end = NULL;
	bool changed = false;
	lua_Integer n = 0;
	while (n < max) {
		matcher_reset(&m);
		const char *e = match(&m, at, p);
		if (e != NULL && e != last_end) {
			n++;
			changed = add_replacement(&m, &b, at, e, kind) ||
				changed;
			at = last_end = e;
		} else if (at < m.subject_end) {
			const char *next = e == NULL && !anchored
				? next_start(&m, at, p)
				: at + 1;
			luaL_addlstring(&b, at, (size_t)(next - at));
			at = next;
		} else {
			break;
		}
		if (anchored) {
			break;
		}
	}
	plm_lua_meter_settle(&m.meter);
	if (changed) {
		luaL_addlstring(&b, at, (size_t)(m.subject_end - at));
		luaL_pushresult(&b);
	} else {
		lua_pushvalue(L, 1);
	}
	lua_pushinteger(L, n);
	return 2;
}

void plm_lua_pattern_install(lua_State *L, int string_lib)
{
	static const luaL_Reg functions[] = {
		{"find", pattern_find},
		{"match", pattern_match},
		{"gmatch", pattern_gmatch},
		{"gsub", pattern_gsub},
		{NULL, NULL},
	};
	string_lib = lua_absindex(L, string_lib);
	for (const luaL_Reg *f = functions; f->name != NULL; f++) {
		lua_pushcfunction(L, f->func);
		lua_setfield(L, string_lib, f->name);
	}
}

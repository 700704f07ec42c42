/*
 * lua/shell_scan.c - byte scans of shell text for the helper library's
 * shell helpers (plimsoll.lua), done in C: the loops that walked a RUN's
 * text a byte at a time in Lua.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <lauxlib.h>

#include "lua/host.h"
#include "lua/internal.h"
#include "lua/pattern.h"

/* Lua's %s: the C locale's white space. */
static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A byte that ends a word read backwards from a `|`: white space or one
 * of ; & | ( ). */
static bool stops_word(unsigned char c)
{
	return is_space(c) || c == ';' || c == '&' || c == '|' || c == '(' ||
		c == ')';
}

/* True when the `|` at t[i] separates the alternatives of a case pattern
 * (`amd64|x86_64) ...`), which is no pipe: a word (no `=`, so no
 * assignment) right before it, and after it a word running, past any
 * blanks, into `|` or `)`. *scanned counts the bytes read. */
static bool case_pattern(const unsigned char *t, size_t n, size_t i,
	size_t *scanned)
{
	size_t j = i; /* t[j - 1] is the byte looked at */
	while (j > 0 && is_space(t[j - 1])) {
		j--;
	}
	size_t last = j;
	while (j > 0 && !stops_word(t[j - 1])) {
		if (t[j - 1] == '=') {
			*scanned += i - j;
			return false;
		}
		j--;
	}
	*scanned += i - j;
	if (j == last) {
		return false;
	}
	size_t k = i + 1;
	while (k < n && is_space(t[k])) {
		k++;
	}
	size_t word = k;
	while (k < n && !stops_word(t[k])) {
		k++;
	}
	if (k == word) {
		*scanned += k - i;
		return false;
	}
	while (k < n && is_space(t[k])) {
		k++;
	}
	*scanned += k - i;
	return k < n && (t[k] == '|' || t[k] == ')');
}

/* native.pipe_offsets(text) -> the offsets (1-based) of the pipes (`|`,
 * `|&`; not `||`, not a case pattern's `|`) in shell text, outside
 * quotes and comments: a backslash escapes the next byte (in double
 * quotes too), a `#` at the start of a word comments out the rest of its
 * line. Charged by the bytes read. */
int plm_lua_native_pipe_offsets(lua_State *L)
{
	size_t n = 0;
	const unsigned char *t = (const unsigned char *)luaL_checklstring(L, 1,
		&n);
	lua_newtable(L);
	struct plm_lua_meter meter = {L, 0};
	lua_Integer count = 0;
	size_t scanned = 0;
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = t[i];
		if (quote == '\'') {
			if (c == '\'') {
				quote = 0;
			}
			continue;
		}
		if (quote == '"') {
			if (c == '\\') {
				i++;
			} else if (c == '"') {
				quote = 0;
			}
			continue;
		}
		if (c == '\\') {
			i++;
		} else if (c == '\'' || c == '"') {
			quote = (char)c;
		} else if (c == '#') {
			if (i == 0 || is_space(t[i - 1])) {
				const unsigned char *nl = memchr(t + i, '\n',
					n - i);
				i = (nl != NULL ? (size_t)(nl - t) : n) - 1;
			}
		} else if (c == '|') {
			if (i + 1 < n && t[i + 1] == '|') {
				i++;
			} else if (!case_pattern(t, n, i, &scanned)) {
				lua_pushinteger(L, (lua_Integer)i + 1);
				lua_rawseti(L, -2, ++count);
				plm_lua_meter_add(&meter, 1);
			}
		}
	}
	plm_lua_meter_add(&meter, 1 + (n + scanned) / PLM_LUA_BYTES_PER_STEP);
	plm_lua_meter_settle(&meter);
	return 1;
}

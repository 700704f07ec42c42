/*
 * util/utf8.h - UTF-8 checks. Model strings are always valid UTF-8: front
 * ends sanitize what they copy out of a source and raise a diagnostic at the
 * first invalid byte, so that Lua, JSON and SARIF never see a broken string.
 */
#ifndef PLM_UTIL_UTF8_H
#define PLM_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include "util/arena.h"

/* The offset of the first byte that does not start a valid UTF-8 sequence
 * (overlongs, surrogates and code points past U+10FFFF are invalid), or len
 * if all of s[0..len) is valid. */
size_t plm_utf8_check(const char *s, size_t len);
/* A NUL-terminated copy of s[0..len) in the arena with each invalid byte
 * replaced by U+FFFD. NULL when the arena is exhausted. */
char *plm_utf8_sanitize(struct plm_arena *arena, const char *s, size_t len,
	size_t *out_len);

#endif

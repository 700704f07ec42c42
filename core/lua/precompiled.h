/*
 * lua/precompiled.h - the helper library and the built-in policies,
 * compiled at build time (core/lua/precompile.c): a state loads these
 * dumps instead of parsing the text, which was most of what starting a
 * scan cost. A policy file whose text is not the one compiled (its hash
 * and length differ) is compiled from its text as before; so is
 * everything when the Lua at run time refuses the dump's header.
 *
 * A file is not even read when its size and modification time, to the
 * nanosecond, are those of the file compiled: that is how make and git
 * tell a file unchanged, and reading the catalogue's files was a fifth
 * of what starting a scan cost (about 300 system calls, each several
 * microseconds on a virtual machine). A time without nanoseconds (a file
 * system that keeps seconds only) never counts: the file is read.
 */
#ifndef PLM_LUA_PRECOMPILED_H
#define PLM_LUA_PRECOMPILED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The chunk name the policies are compiled under; replaced by "@" and the
 * file's path when a dump is loaded (plm_precompiled_renamed). */
#define PLM_PRECOMPILED_NAME "plimsoll-builtin-policy"

struct plm_precompiled {
	const char *name; /* the policy's folder, or "plimsoll" */
	const unsigned char *dump;
	size_t dump_len;
	uint64_t hash; /* of the source text (plm_precompiled_hash) */
	size_t text_len;
	/* The source file's modification time when it was compiled, 0 and
	 * 0 when unknown (plm_lua_precompiled_unchanged). */
	int64_t mtime_sec;
	int64_t mtime_nsec;
};

extern const struct plm_precompiled plm_precompiled_helper;
/* NULL-terminated, by folder name. */
extern const struct plm_precompiled *const plm_precompiled_policies[];

/* Tells a changed file from the compiled one: FNV-1a's step over 8
 * bytes at a time, then the tail a byte at a time (a policy's text is read
 * at every start, so the hash must cost little next to it). */
static inline uint64_t plm_precompiled_hash(const char *text, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t word;
		memcpy(&word, text + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		word = __builtin_bswap64(word); /* the same hash everywhere */
#endif
		h = (h ^ word) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++) {
		h = (h ^ (unsigned char)text[i]) * 0x100000001b3ULL;
	}
	return h;
}

#endif

/*
 * util/hash.h - the one FNV-1a (64-bit) of the project, and its hex
 * form. Fingerprints and hash keys written into reports depend on it, so
 * its results must never change between releases.
 */
#ifndef PLM_UTIL_HASH_H
#define PLM_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The FNV-1a offset basis: the hash of nothing. */
#define PLM_FNV1A_INIT UINT64_C(0xcbf29ce484222325)

/* Folds data[0..len) into h and returns the new hash; start with
 * PLM_FNV1A_INIT. data may be NULL when len is 0. Inline: fingerprints
 * fold a finding's lines in a byte at a time. */
static inline uint64_t plm_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Writes h as 16 lower-case hex digits at out (no NUL), as printf's
 * "%016llx" would: a finding's fingerprint is two of them. */
static inline void plm_hex64(uint64_t h, char out[16])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--) {
		out[i] = digits[h & 15];
		h >>= 4;
	}
}

#endif

/*
 * util/hash.h - the one FNV-1a (64-bit) of the project. Fingerprints and
 * hash keys written into reports depend on it, so its results must never
 * change between releases.
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

#endif

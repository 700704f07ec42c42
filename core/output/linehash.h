/*
 * output/linehash.h - GitHub's primaryLocationLineHash for every line of a
 * file, computed the way github/codeql-action's upload step does
 * (src/fingerprints.ts, function `hash`), so that SARIF uploaded through the
 * REST API matches what upload-sarif would have computed.
 *
 * The algorithm, restated: the file is decoded as UTF-8 (invalid bytes
 * become U+FFFD) and read as UTF-16 code units. Spaces and tabs are skipped,
 * CR and CRLF count as one LF, and after the last unit the value 65535 is
 * read as an end-of-file mark. A line's raw hash is the polynomial
 * sum(c[k] * 37^(99-k)), k = 0..99, modulo 2^64, over the 100 units that
 * start at the line's first unit (units past the end read as 0). Its value
 * is the raw hash in lowercase hexadecimal, ":", and how many lines so far
 * (counting this one) had the same raw hash.
 *
 * Line numbers follow the algorithm: a line starts after every LF, CR or
 * CRLF, so a file that ends with a line break has one more line (holding
 * only the end-of-file mark) than its last line break, and a lone CR starts
 * a line (plimsoll's own line maps count LF only; for files without lone
 * CRs the numbers agree).
 */
#ifndef PLM_OUTPUT_LINEHASH_H
#define PLM_OUTPUT_LINEHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "util/arena.h"

/* Room for "ffffffffffffffff:4294967295" and its NUL. */
#define PLM_LINE_HASH_SIZE 32

struct plm_line_hashes {
	uint64_t *hash;       /* raw hash of line i + 1 */
	uint32_t *occurrence; /* 1 for the first line with that hash, ... */
	uint32_t count;       /* lines hashed */
};

/* Hashes every line of bytes[0..len) into *out (overwritten). Returns 0
 * or PLM_ENOMEM (then *out is empty). Free with plm_line_hashes_finish(). */
PLM_NODISCARD int plm_line_hashes_compute(const char *bytes, size_t len,
	struct plm_line_hashes *out);
/* Frees what plm_line_hashes_compute() allocated; accepts a zeroed
 * struct. */
void plm_line_hashes_finish(struct plm_line_hashes *hashes);
/* The bytes the hashes take (a run keeps some, within a budget). */
size_t plm_line_hashes_size(const struct plm_line_hashes *hashes);
/* Writes the value of 1-based line `line` ("1f2e...:1") into buf. Returns
 * false, leaving buf empty, when the file has no such line. */
bool plm_line_hashes_format(const struct plm_line_hashes *hashes, uint32_t line,
	char buf[PLM_LINE_HASH_SIZE]);

/* What the scan calls per file, while its bytes are in memory: sets
 * line_hash on each of findings[0..count) whose path is `path` and whose
 * line_hash is NULL, from region.start_line (line 1 for a whole-file
 * finding), hashing bytes[0..len) once and only if some finding needs it.
 * The strings are allocated in arena. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_line_hashes_fill(struct plm_finding *findings,
	size_t count, const char *path, const char *bytes, size_t len,
	struct plm_arena *arena);
/* plm_line_hashes_fill, handing the file's hashes to *keep (zeroed when
 * none were computed: no finding needed them, or on failure) instead of
 * freeing them; the caller finishes them. */
PLM_NODISCARD int plm_line_hashes_fill_keep(struct plm_finding *findings,
	size_t count, const char *path, const char *bytes, size_t len,
	struct plm_arena *arena, struct plm_line_hashes *keep);
/* Sets line_hash as plm_line_hashes_fill does, from hashes computed
 * before over the same bytes. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_line_hashes_apply(struct plm_finding *findings,
	size_t count, const char *path, const struct plm_line_hashes *hashes,
	struct plm_arena *arena);

#endif

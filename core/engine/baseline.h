/*
 * engine/baseline.h - the findings a team has accepted, recorded once
 * (`--write-baseline FILE`) so later scans report only what is new
 * (`--baseline FILE`).
 *
 * A finding is matched by its fingerprint, which hashes the rule, the
 * file, the flagged text with its whitespace normalised and which
 * occurrence of that text it is: it survives lines moving above it, and
 * changes when the flagged text does. The file is JSON:
 *
 *   {"plimsoll_baseline": 1,
 *    "findings": [{"fingerprint": "<32 hex>", "rule": ID, "path": P,
 *                  "line": N, "message": M}, ...]}
 *
 * Only "fingerprint" is read back; rule, path, line and message are for
 * the people who review the file. Findings are written sorted by path,
 * line, rule and fingerprint, so a rewritten baseline diffs well.
 */
#ifndef PLM_ENGINE_BASELINE_H
#define PLM_ENGINE_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "plimsoll/finding.h"

#define PLM_BASELINE_VERSION 1

struct plm_baseline;

/* Reads the baseline at path. Returns 0, or PLM_EIO (unreadable),
 * PLM_EPARSE (not a baseline: *error says where, as FILE:LINE:COL) or
 * PLM_ENOMEM, with *error malloc'd (caller frees). */
int plm_baseline_load(const char *path, struct plm_baseline **out,
	char **error);
void plm_baseline_free(struct plm_baseline *b);
/* How many fingerprints the baseline holds. */
size_t plm_baseline_size(const struct plm_baseline *b);
/* True when fingerprint is in the baseline (the finding is accepted). */
bool plm_baseline_contains(const struct plm_baseline *b,
	const char *fingerprint);

/* A baseline being recorded: findings are added as the scan produces
 * them and written, sorted, at the end. */
struct plm_baseline_writer;

struct plm_baseline_writer *plm_baseline_writer_new(void);
/* Records f (copies what it keeps). Returns 0 or PLM_ENOMEM. */
int plm_baseline_writer_add(struct plm_baseline_writer *w,
	const struct plm_finding *f);
/* Writes the file through a temporary file renamed over path, so a
 * failed write leaves the old baseline. Returns 0 or PLM_EIO with
 * *error malloc'd. */
int plm_baseline_writer_save(struct plm_baseline_writer *w, const char *path,
	char **error);
void plm_baseline_writer_free(struct plm_baseline_writer *w);

#endif

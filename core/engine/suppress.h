/*
 * engine/suppress.h - the run's ledger of ignore directives: which ids
 * suppressed a finding in some unit, and which suppressed nothing
 * (--report-unused-ignores).
 *
 * Whether an id was used is known only when every unit that reads its
 * file has been checked, and the project pass too (its findings land in
 * any file): the run adds each result's uses as the result is delivered
 * and reports the unused ones once, at its end.
 */
#ifndef PLM_ENGINE_SUPPRESS_H
#define PLM_ENGINE_SUPPRESS_H

#include <stdbool.h>
#include "plimsoll/error.h"
#include "engine/result.h"

struct plm_ignore_ledger;

/* Returns 0 or PLM_ENOMEM. Free with plm_ignore_ledger_destroy. */
PLM_NODISCARD int plm_ignore_ledger_create(struct plm_ignore_ledger **out);
/* Accepts NULL. */
void plm_ignore_ledger_destroy(struct plm_ignore_ledger *l);
/* Copies r's ignore uses into the ledger. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_ignore_ledger_add(struct plm_ignore_ledger *l,
	const struct plm_file_result *r);
/* Appends to out one suppress/unused warning per id (path and offset)
 * that no unit used and that a rule it names ran on: in some unit's file
 * pass, or in the project pass when project_ran (it ran, and no project
 * policy failed). In path, then offset order. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_ignore_ledger_report(struct plm_ignore_ledger *l,
	bool project_ran, struct plm_file_result *out);

#endif

/*
 * plimsoll/collect.h - findings and notifications kept until the end of a
 * run and handed back file by file, for formats that write a report per
 * file and list every scanned file (Checkstyle, JUnit).
 *
 * Part of plugin ABI 2 (see plimsoll/plugin.h). A collector copies what it
 * is given (every string), so a plugin may add the borrowed values of its
 * finding() and notification() callbacks; the file reports borrow from
 * the collector and the summary they were made from.
 */
#ifndef PLIMSOLL_COLLECT_H
#define PLIMSOLL_COLLECT_H

#include <stddef.h>
#include "plimsoll/api.h"
#include "plimsoll/error.h"
#include "plimsoll/finding.h"

PLM_BEGIN_DECLS

struct plm_collector;

/* What the collector holds for one file. */
struct plm_file_report {
	const char *path; /* NULL: notifications naming no file */
	const struct plm_finding *const *findings; /* in the order added */
	size_t finding_count;
	const struct plm_notification *const *notifications;
	size_t notification_count;
};

/* Returns an empty collector, or NULL when out of memory. Free with
 * plm_collector_destroy(). */
PLM_API struct plm_collector *plm_collector_create(void);
/* Frees the collector and every copy it holds. Accepts NULL. */
PLM_API void plm_collector_destroy(struct plm_collector *c);

/* Append a copy of *f or *n. Return 0 or PLM_ENOMEM. */
PLM_API PLM_NODISCARD int plm_collector_add_finding(struct plm_collector *c,
	const struct plm_finding *f);
PLM_API PLM_NODISCARD int plm_collector_add_notification(struct plm_collector *c,
	const struct plm_notification *n);

/* Groups what was collected by file: first every file of the summary's
 * paths in its order (clean ones too, with nothing in them), then any
 * other file a finding or notification names, in order of first
 * appearance. Stores an array of *count reports in *files. Returns 0 or
 * PLM_ENOMEM; free with plm_file_reports_free(). The reports borrow from
 * c and summary, which must outlive them. */
PLM_API PLM_NODISCARD int plm_collector_files(const struct plm_collector *c,
	const struct plm_run_summary *summary, struct plm_file_report **files,
	size_t *count);
/* Frees what plm_collector_files() stored. Accepts NULL. */
PLM_API void plm_file_reports_free(struct plm_file_report *files, size_t count);

PLM_END_DECLS

#endif

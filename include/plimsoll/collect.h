/*
 * plimsoll/collect.h - what a format keeps until the end of a run and
 * hands back file by file, for formats that write a report per file and
 * list every scanned file: copies of the findings and notifications (a
 * collector), or the text written for each (a spool, which Checkstyle
 * and JUnit use: its memory does not grow with the text).
 *
 * Part of plugin ABI 2 (see plimsoll/plugin.h). A collector copies what it
 * is given (every string), so a plugin may add the borrowed values of its
 * finding() and notification() callbacks; the file reports borrow from
 * the collector and the summary they were made from.
 */
#ifndef PLIMSOLL_COLLECT_H
#define PLIMSOLL_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
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

/* A spool: each file's report text, kept until the end of a run and
 * handed back file by file in the order plm_collector_files() groups
 * them, for formats that write a report per file. Where a collector
 * keeps a copy of every finding (a kilobyte or so each), a spool keeps
 * the text the format wrote for it, in a temporary file past a megabyte,
 * and a few dozen bytes of bookkeeping in memory. */
struct plm_spool;

/* What the spool holds for one file. */
struct plm_spool_file {
	const char *path;          /* NULL: text about no file */
	size_t number;             /* the file's number in the spool (from 0): a
	                   * format's own per-file figures may be kept by it */
	size_t finding_count;      /* pieces of text for findings */
	size_t notification_count; /* and for notifications */
};

/* Returns an empty spool, or NULL when out of memory. Free with
 * plm_spool_destroy(). */
PLM_API struct plm_spool *plm_spool_create(void);
PLM_API void plm_spool_destroy(struct plm_spool *s);

/* Starts a piece of text about the file at path (NULL: no file), for a
 * finding or for a notification: what the caller writes to the stream
 * returned, until plm_spool_end(), is the piece. Returns NULL when out
 * of memory or when a piece is already begun. */
PLM_API FILE *plm_spool_begin(struct plm_spool *s, const char *path,
	bool notification);
/* Ends the piece begun: 0, or PLM_ENOMEM / PLM_ELIMIT (a piece of 4 GiB). */
PLM_API PLM_NODISCARD int plm_spool_end(struct plm_spool *s);
/* The number plm_spool_files() will give the file at path, adding it
 * when new; SIZE_MAX when out of memory. */
PLM_API size_t plm_spool_number(struct plm_spool *s, const char *path);

/* The files in report order: first every file of the summary's paths in
 * its order (clean ones too, with no text), then any other file a piece
 * was about, those of findings in order, then those of notifications.
 * Stores an array of *count in *files. Returns 0 or PLM_ENOMEM; free
 * with plm_spool_files_free(). The paths are the spool's. */
PLM_API PLM_NODISCARD int plm_spool_files(struct plm_spool *s,
	const struct plm_run_summary *summary, struct plm_spool_file **files,
	size_t *count);
PLM_API void plm_spool_files_free(struct plm_spool_file *files);
/* Writes the file's pieces for findings (notifications false) or for
 * notifications to out, in the order they were added. Returns 0 or
 * PLM_EIO. */
PLM_API PLM_NODISCARD int plm_spool_write(struct plm_spool *s,
	const struct plm_spool_file *file, bool notifications, FILE *out);
/* The text of the n-th piece added (from 0, whatever its file), its
 * length in *len: valid until the next call on the spool. NULL when
 * there is no such piece or it cannot be read back. (SARIF keeps its
 * results so, all about no file, and splices the ones it keeps.) */
PLM_API const char *plm_spool_piece(struct plm_spool *s, size_t piece,
	size_t *len);

PLM_END_DECLS

#endif

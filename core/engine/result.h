/*
 * engine/result.h - what scanning one file produced: findings and
 * notifications, with every string they point at owned by the result.
 *
 * Results outlive the document they came from (documents are freed as soon
 * as they are checked), so everything is copied into the result's arena.
 */
#ifndef PLM_ENGINE_RESULT_H
#define PLM_ENGINE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "model/document.h"
#include "util/arena.h"

/* One id of an ignore directive (or a directive without ids, such as
 * `kics-scan ignore-line`) as one unit's check saw it: the run gathers
 * these from every result to report the ones nothing used
 * (--report-unused-ignores; core/engine/suppress.h). */
struct plm_ignore_use {
	const char *path;         /* the file the directive is written in */
	struct plm_region region; /* the id in it, or the directive's tool */
	const char *id;           /* as written; NULL: no id */
	const char *rule_id;      /* the rule it names (the first), or NULL */
	bool annotation;          /* a Kubernetes annotation, not a comment */
	bool used;                /* it suppressed a finding in this unit */
	bool ran;     /* a rule it names ran to the end on this unit */
	bool project; /* it names a project-scope rule still to run */
};

struct plm_file_result {
	struct plm_arena *arena; /* owns every string below */
	const char *path;        /* display path */
	const char *kind;        /* kind name, or NULL when not scanned */
	struct plm_finding *findings;
	size_t finding_count;
	size_t finding_cap;
	struct plm_notification *notes;
	size_t note_count;
	size_t note_cap;
	bool scanned;    /* a document was built */
	bool incomplete; /* an error made this file's results partial */
	bool skipped;    /* a candidate passed over, with a note */
	bool excluded;   /* left out by its configuration's `paths:` */
	/* The threshold its configuration sets (`fail-on:`): a severity,
	 * one above critical for none, or -1 when it sets none. */
	int fail_on;
	/* Other files this document was built from that the summary lists as
	 * scanned (the overrides of a Compose project), in the arena. */
	const char **also_paths;
	size_t also_count;
	/* The ignore directives met, when unused ones are reported. */
	struct plm_ignore_use *ignores;
	size_t ignore_count;
	size_t ignore_cap;
};

/* Initializes an empty result for path (copied). Returns 0 or PLM_ENOMEM.
 * Free with plm_file_result_finish(). */
PLM_NODISCARD int plm_file_result_init(struct plm_file_result *r,
	const char *path);
/* Frees what the result owns; the struct itself is the caller's. Accepts a
 * zeroed struct. */
void plm_file_result_finish(struct plm_file_result *r);

/* Adds path (copied) to also_paths. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_file_result_add_path(struct plm_file_result *r,
	const char *path);
/* Appends a copy of *f (every string copied). Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_file_result_add_finding(struct plm_file_result *r,
	const struct plm_finding *f);
/* Appends a copy of *n. An error-kind notification marks the result
 * incomplete. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_file_result_add_note(struct plm_file_result *r,
	const struct plm_notification *n);
/* Appends a copy of *u (strings copied). Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_file_result_add_ignore(struct plm_file_result *r,
	const struct plm_ignore_use *u);
/* Converts the document's diagnostics into notifications: errors become
 * PLM_NOTIFY_PARSE_ERROR, warnings PLM_NOTIFY_PARSE_WARNING, notes
 * PLM_NOTIFY_NOTE, each with its file and region. */
PLM_NODISCARD int plm_file_result_add_diagnostics(struct plm_file_result *r,
	const struct plm_doc *doc);
/* Sorts findings by position, then rule id, then message, and drops exact
 * duplicates (same rule, region and message). */
void plm_file_result_sort(struct plm_file_result *r);

/* Rewrites every secret value in the result's messages, snippets, line
 * texts, fixes and justifications as `${NAME}` (plm_redact). Returns 0 or
 * PLM_ENOMEM (some text may then be left as it was). */
PLM_NODISCARD int plm_file_result_redact(struct plm_file_result *r,
	const struct plm_secret *secrets, size_t count);

#endif

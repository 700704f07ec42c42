/*
 * plimsoll/finding.h - what the engine hands to output plugins.
 *
 * All of these are plain values owned by the host. A plugin borrows them for
 * the duration of the call that passes them and copies what it keeps.
 * Positions here are already converted for display: lines and columns are
 * 1-based, columns count Unicode code points, and end_column is exclusive.
 *
 * The structs grow only at their end (see plimsoll/plugin.h): a host fills
 * every field of the ABI version it was built with, zeroing what it does
 * not know, and every string marked "may be NULL" or "NULL: ..." is
 * optional. Deterministic output (golden tests) comes from leaving the
 * times and absolute paths NULL, and seconds negative.
 */
#ifndef PLIMSOLL_FINDING_H
#define PLIMSOLL_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plimsoll/api.h"

PLM_BEGIN_DECLS

enum plm_severity {
	PLM_SEVERITY_INFO = 0,
	PLM_SEVERITY_LOW = 1,
	PLM_SEVERITY_MEDIUM = 2,
	PLM_SEVERITY_HIGH = 3,
	PLM_SEVERITY_CRITICAL = 4,
};

/* "critical", "high", ...; NULL for an out-of-range value. */
PLM_API const char *plm_severity_name(enum plm_severity severity);
/* Parses a severity name (case-insensitive). Returns -1 if unknown. */
PLM_API int plm_severity_parse(const char *name);
/* The level a report gives a finding of this severity, the same in every
 * format: "error" for critical and high, "warning" for medium, and for low
 * and info (or an out-of-range value) `lowest`, the format's own word for
 * its lowest level (SARIF "note", Checkstyle "info", GitHub "notice").
 * Returns a static string or lowest. */
PLM_API const char *plm_severity_level(enum plm_severity severity,
	const char *lowest);

/* A region of a file, ready for display. A zero start_line means "the whole
 * file" (no position is known). */
struct plm_region {
	uint32_t start_line;
	uint32_t start_column;
	uint32_t end_line;
	uint32_t end_column;   /* exclusive */
	uint32_t start_offset; /* byte offsets into the file, end exclusive */
	uint32_t end_offset;
};

/* Metadata of one rule (one policy), as its Lua file declares it. */
struct plm_rule_info {
	const char *id;          /* stable kebab-case slug, maybe namespaced */
	const char *title;       /* one line */
	const char *description; /* Markdown */
	const char *help_uri;    /* may be NULL */
	enum plm_severity severity;
	const char *const *tags;       /* NULL-terminated */
	const char *const *aliases;    /* NULL-terminated: peers' codes */
	const char *const *applies_to; /* NULL-terminated kinds */
	const char *precision;   /* "very-high" | "high" | "medium" | "low" */
	const char *source_path; /* the policy file */
	/* Added within ABI 1, after the first draft. */
	const char *name;              /* PascalCase, e.g. "RunsAsRoot"; NULL:
	                            * derived from id by the plugins */
	const char *security_severity; /* a score "0.1".."10.0" as a string;
	                            * NULL: derived from severity */
};

enum plm_suppression_kind {
	PLM_SUPPRESSION_NONE = 0,
	PLM_SUPPRESSION_IN_SOURCE = 1, /* an ignore comment in the file */
	PLM_SUPPRESSION_EXTERNAL = 2,  /* configuration or baseline */
};

/* Another place a finding points at (SARIF relatedLocations): the
 * Service whose selector matches nothing, the NetworkPolicy that ... */
struct plm_related_location {
	const char *path;         /* as given, like plm_finding.path */
	struct plm_region region; /* start_line 0: the whole file */
	const char *message;      /* what this place is; may be NULL */
};

/* One change of a fix (SARIF replacements, LSP text edits): the region
 * replaced, in the finding's own file (empty: an insertion at its start),
 * and the text put there. */
struct plm_edit {
	struct plm_region region;
	const char *text;
};

struct plm_finding {
	const char *rule_id;
	size_t rule_index;          /* index into plm_run_info.rules */
	enum plm_severity severity; /* after configuration overrides */
	const char *message;        /* a full sentence */
	const char *path;           /* as given / relative to the scan root */
	const char *kind; /* "dockerfile" | "compose" | "kubernetes" */
	struct plm_region region;
	const char *snippet;   /* the source text of the region; may be NULL */
	const char *line_text; /* the region's first line, or a window
	                             * of at most 480 bytes around the region
	                             * when the line is longer (see
	                             * line_text_column) */
	const char *fix;       /* an optional fix hint; may be NULL */
	const char *fingerprint; /* stable across line moves */
	enum plm_suppression_kind suppression;
	const char *suppression_justification; /* may be NULL */
	/* Added within ABI 1, after the first draft. */
	const char *line_hash; /* GitHub's primaryLocationLineHash of
	                             * region.start_line ("hex:occurrence": a
	                             * hash of the line's text without its
	                             * whitespace, and which occurrence of that
	                             * text in the file it is); NULL if
	                             * unknown */
	/* Added within ABI 1: project-scope policies. */
	const struct plm_related_location *related; /* may be NULL */
	size_t related_count;
	/* Added within ABI 1: long lines are quoted in part. The column
	 * (code points, 1-based, as region.start_column) where line_text
	 * starts; 0 or 1: at the line's start. */
	uint32_t line_text_column;
	/* Added within ABI 1: a fix as edits of the finding's file, applied
	 * together; none when edit_count is 0. */
	const struct plm_edit *edits; /* may be NULL */
	size_t edit_count;
};

enum plm_notification_kind {
	PLM_NOTIFY_PARSE_ERROR = 0,   /* the input could not be read fully */
	PLM_NOTIFY_PARSE_WARNING = 1, /* read, with a problem worth saying */
	PLM_NOTIFY_POLICY_ERROR = 2, /* a policy failed while checking a file */
	PLM_NOTIFY_TOOL_ERROR =
		3,           /* anything else that made the run incomplete */
	PLM_NOTIFY_NOTE = 4, /* informational (a skipped file, ...) */
};

struct plm_notification {
	enum plm_notification_kind kind;
	const char
		*code; /* stable slug, e.g. "dockerfile/unterminated-heredoc" */
	const char *message;
	const char *path;         /* may be NULL */
	struct plm_region region; /* start_line 0 when unknown */
	const char *rule_id;      /* the policy involved, or NULL */
};

/* What is known when a run begins. */
struct plm_run_info {
	const char *tool_name; /* "plimsoll" */
	const char *tool_version;
	const char *information_uri;
	const struct plm_rule_info *rules;
	size_t rule_count;
	const char *working_directory; /* absolute, ends with '/'; NULL: not
	                             * written (golden tests leave it out) */
	const char *category;          /* --sarif-category; may be NULL */
	const char *command_line;
	const char *start_time_utc; /* ISO 8601; NULL: not written */
	bool include_suppressed;
	/* Added within ABI 1, after the first draft. */
	const char *source_root; /* absolute, ends with '/': the repository
	                             * root (--source-root; SARIF's
	                             * %SRCROOT%) that formats for dashboards
	                             * make paths relative to. Finding paths
	                             * stay as shown, relative to
	                             * working_directory when not absolute;
	                             * plm_output_run_uri() does both steps.
	                             * NULL: working_directory */
};

/* What is known when a run ends. */
struct plm_run_summary {
	size_t files_scanned;
	size_t findings_by_severity[5]; /* indexed by enum plm_severity: the
	                             * findings reported, suppressed ones not
	                             * counted */
	size_t findings_suppressed;     /* included or not */
	size_t notifications;
	bool successful;          /* false when the run was incomplete */
	double seconds;           /* wall time; negative: not written */
	const char *end_time_utc; /* ISO 8601; NULL: not written */
	const char *const *paths; /* every file scanned, in output order */
	size_t path_count;
	/* Added within ABI 1, after the first draft. */
	int exit_code;        /* the process exit status ... */
	bool exit_code_known; /* ... when the host knows it by then */
	size_t files_skipped; /* candidates passed over with a note (a
	                             * Helm template, a binary file...) */
	/* Added within ABI 2: baselines. */
	size_t findings_baselined; /* accepted in the --baseline file: not
	                            * in findings_by_severity, shown only
	                            * with include_suppressed */
};

PLM_END_DECLS

#endif

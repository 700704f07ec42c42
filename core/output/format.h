/*
 * output/format.h - helpers the built-in output plugins share: rule
 * metadata derived the same way in every format, regions made safe to
 * print, paths as URIs, and the escaping rules of XML, JSON and GitHub
 * workflow commands.
 *
 * Third-party plugins cannot rely on these (they are not exported); they
 * are internal to plimsoll. Strings in are borrowed; a returned char * is
 * the caller's to plm_free().
 */
#ifndef PLM_OUTPUT_FORMAT_H
#define PLM_OUTPUT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "engine/result.h"
#include "plimsoll/finding.h"
#include "util/alloc.h"

/* The longest rule name written (GitHub's limit for reportingDescriptor
 * name is 255 characters), with its NUL. */
#define PLM_RULE_NAME_SIZE 256
/* A fingerprint derived when the finding has none: 16 hex digits. */
#define PLM_FINGERPRINT_SIZE 17

/* The region of r made displayable: a whole-file region (start_line 0)
 * becomes line 1, column 1; a missing or inverted end collapses onto the
 * start; end_column stays exclusive. */
struct plm_region plm_output_region(const struct plm_region *r);

/* A notification's level in the words most formats use: "error" (parse,
 * policy and tool errors: the run is incomplete), "warning" or "note". */
const char *plm_output_note_level(enum plm_notification_kind kind);

/* The run's rule for a finding or notification: rules[index] when its id
 * matches, else the first rule with that id. Stores its index in *index_out
 * when not NULL. NULL when the run has no such rule. */
const struct plm_rule_info *plm_output_rule(const struct plm_run_info *run,
	const char *rule_id, size_t index, size_t *index_out);

/* The rule's PascalCase name into buf: rule->name, or its id with each
 * run of letters and digits capitalized and everything else dropped
 * ("acme/no-root-user" -> "AcmeNoRootUser"); when that is the id again
 * but for case ("privileged"), the title's ("PrivilegedContainer"); when
 * that is too, "" (no name). */
void plm_output_rule_name(const struct plm_rule_info *rule,
	char buf[PLM_RULE_NAME_SIZE]);

/* The rule's security-severity score as a string: rule->security_severity,
 * or by severity critical "9.5", high "8.0", medium "5.5", low "3.0". NULL
 * for info, which is not a security score. */
const char *plm_output_security_severity(const struct plm_rule_info *rule);

/* The finding's stable fingerprint: f->fingerprint, or else a 64-bit
 * FNV-1a hash in hex over rule id, path and message (stable when lines
 * move) written into buf. */
const char *plm_output_fingerprint(const struct plm_finding *f,
	char buf[PLM_FINGERPRINT_SIZE]);

/* The message as a sentence: a copy of message that ends with a period.
 * NULL when out of memory. */
char *plm_output_sentence(const char *message);

/* The root finding paths are relative to: run->source_root, else
 * run->working_directory, else NULL (also for a NULL run). */
const char *plm_output_source_root(const struct plm_run_info *run);

/* A path normalized for display: relative to root when it is under it
 * (*relative is then true), else absolute (or, with no root, as given when
 * it climbs with ".."). "./", "//" and "x/.." are dropped. NULL when out of
 * memory. */
char *plm_output_path(const char *path, const char *root, bool *relative);
/* A path as a URI reference. A relative path (or an absolute one under
 * root) is normalized ("./", "//" and "x/.." dropped) and made relative to
 * root; *relative is then true. Otherwise the result is an absolute
 * "file:///..." URI. Bytes other than unreserved characters and '/' are
 * percent-encoded (spaces, non-ASCII UTF-8, '%', '#', ...). root may be
 * NULL; if given it is absolute and ends with '/'. NULL when out of
 * memory. */
char *plm_output_uri(const char *path, const char *root, bool *relative);
/* plm_output_path and plm_output_uri for a path as the run shows it
 * (relative to its working directory, or absolute), against the run's
 * source root: when the root is another directory (--source-root), a
 * relative path is first anchored at the working directory. */
char *plm_output_run_path(const struct plm_run_info *run, const char *path,
	bool *relative);
char *plm_output_run_uri(const struct plm_run_info *run, const char *path,
	bool *relative);
/* The "file:///..." URI of an absolute directory, ending with '/'. */
char *plm_output_directory_uri(const char *directory);

/* Writes s escaped for XML 1.0 text and double-quoted attributes:
 * & < > " ' as entities, tab, LF and CR as character references, other
 * control characters and invalid UTF-8 as U+FFFD. */
void plm_output_xml_escape(FILE *out, const char *s);

/* Writes s escaped for a GitHub workflow command: '%', CR and LF as %25,
 * %0D and %0A (which the runner decodes), and in a property value also
 * ':' and ',' as %3A and %2C. Every other control character (C0, DEL and
 * the C1 controls U+0080..U+009F) is written as its %XX bytes too, which
 * the runner shows as written: no escape sequence reaches a log or an
 * annotation raw. */
void plm_output_workflow_escape(FILE *out, const char *s, bool property);

/* A JSON string of s with invalid UTF-8 replaced by U+FFFD, or JSON null
 * when s is NULL. NULL when out of memory. */
json_t *plm_output_json_string(const char *s);

/* Number of Unicode code points in s[0..len) (invalid bytes count one
 * each). */
size_t plm_output_code_points(const char *s, size_t len);

/* The findings and notifications of one file, as indexes into a
 * collection (see plm_output_group). */
struct plm_output_group {
	const char *path;          /* borrowed; NULL for notifications
	                            * without a file */
	size_t *findings;
	size_t finding_count;
	size_t *notes;
	size_t note_count;
};

/* Groups what a buffering plugin collected by file, for formats that list
 * every file (checkstyle, junit): first every scanned file in the
 * summary's order (clean ones too), then any other file a finding or
 * notification names, in order of first appearance. Within a group the
 * collection's order is kept. Returns 0 or PLM_ENOMEM; free with
 * plm_output_groups_free(). */
PLM_NODISCARD int plm_output_group(const struct plm_run_summary *summary,
	const struct plm_file_result *collected,
	struct plm_output_group **groups, size_t *count);
/* Accepts NULL. */
void plm_output_groups_free(struct plm_output_group *groups, size_t count);

#endif

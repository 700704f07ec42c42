/*
 * plimsoll/report.h - helpers for writing a report, shared by every output
 * plugin (built-in or not) so that each format derives rule metadata the
 * same way, prints regions that are safe, shows paths and URIs alike, and
 * escapes XML and GitHub workflow commands by one set of rules.
 *
 * Part of plugin ABI 2 (see plimsoll/plugin.h): the host exports these.
 * Strings in are borrowed; a returned char * is the caller's to free().
 */
#ifndef PLIMSOLL_REPORT_H
#define PLIMSOLL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "plimsoll/api.h"
#include "plimsoll/finding.h"

PLM_BEGIN_DECLS

/* The longest rule name written (GitHub's limit for reportingDescriptor
 * name is 255 characters), with its NUL. */
#define PLM_RULE_NAME_SIZE 256
/* A fingerprint derived when the finding has none: 16 hex digits. */
#define PLM_FINGERPRINT_SIZE 17

/* The region of r made displayable: a whole-file region (start_line 0)
 * becomes line 1, column 1; a missing or inverted end collapses onto the
 * start; end_column stays exclusive. */
PLM_API struct plm_region plm_output_region(const struct plm_region *r);

/* A notification's level in the words most formats use: "error" (parse,
 * policy and tool errors: the run is incomplete), "warning" or "note". */
PLM_API const char *plm_output_note_level(enum plm_notification_kind kind);

/* The run's rule for a finding or notification: rules[index] when its id
 * matches, else the first rule with that id. Stores its index in *index_out
 * when not NULL. NULL when the run has no such rule. */
PLM_API const struct plm_rule_info *plm_output_rule(const struct plm_run_info
							    *run,
	const char *rule_id, size_t index, size_t *index_out);

/* The rule's PascalCase name into buf: rule->name, or its id with each
 * run of letters and digits capitalized and everything else dropped
 * ("acme/no-root-user" -> "AcmeNoRootUser"); when that is the id again
 * but for case ("privileged"), the title's ("PrivilegedContainer"); when
 * that is too, "" (no name). */
PLM_API void plm_output_rule_name(const struct plm_rule_info *rule,
	char buf[PLM_RULE_NAME_SIZE]);

/* The rule's security-severity score as a string: rule->security_severity,
 * or by severity critical "9.5", high "8.0", medium "5.5", low "3.0". NULL
 * for info, which is not a security score. */
PLM_API const char *plm_output_security_severity(
	const struct plm_rule_info *rule);

/* The finding's stable fingerprint: f->fingerprint, or else a 64-bit
 * FNV-1a hash in hex over rule id, path and message (stable when lines
 * move) written into buf. */
PLM_API const char *plm_output_fingerprint(const struct plm_finding *f,
	char buf[PLM_FINGERPRINT_SIZE]);

/* The message as a sentence: a copy of message that ends with a period.
 * NULL when out of memory. */
PLM_API char *plm_output_sentence(const char *message);

/* The root finding paths are relative to: run->source_root, else
 * run->working_directory, else NULL (also for a NULL run). */
PLM_API const char *plm_output_source_root(const struct plm_run_info *run);

/* A path normalized for display: relative to root when it is under it
 * (*relative is then true), else absolute (or, with no root, as given when
 * it climbs with ".."). "./", "//" and "x/.." are dropped. NULL when out of
 * memory. */
PLM_API char *plm_output_path(const char *path, const char *root,
	bool *relative);
/* A path as a URI reference. A relative path (or an absolute one under
 * root) is normalized ("./", "//" and "x/.." dropped) and made relative to
 * root; *relative is then true. Otherwise the result is an absolute
 * "file:///..." URI. Bytes other than unreserved characters and '/' are
 * percent-encoded (spaces, non-ASCII UTF-8, '%', '#', ...). root may be
 * NULL; if given it is absolute and ends with '/'. NULL when out of
 * memory. */
PLM_API char *plm_output_uri(const char *path, const char *root,
	bool *relative);
/* plm_output_path and plm_output_uri for a path as the run shows it
 * (relative to its working directory, or absolute), against the run's
 * source root: when the root is another directory (--source-root), a
 * relative path is first anchored at the working directory. */
PLM_API char *plm_output_run_path(const struct plm_run_info *run,
	const char *path, bool *relative);
PLM_API char *plm_output_run_uri(const struct plm_run_info *run,
	const char *path, bool *relative);
/* The "file:///..." URI of an absolute directory, ending with '/'. */
PLM_API char *plm_output_directory_uri(const char *directory);

/* Writes s escaped for XML 1.0 text and double-quoted attributes:
 * & < > " ' as entities, tab, LF and CR as character references, other
 * control characters and invalid UTF-8 as U+FFFD. */
PLM_API void plm_output_xml_escape(FILE *out, const char *s);

/* Writes s escaped for a GitHub workflow command: '%', CR and LF as %25,
 * %0D and %0A (which the runner decodes), and in a property value also
 * ':' and ',' as %3A and %2C. Every other control character (C0, DEL and
 * the C1 controls U+0080..U+009F) is written as its %XX bytes too, which
 * the runner shows as written: no escape sequence reaches a log or an
 * annotation raw. */
PLM_API void plm_output_workflow_escape(FILE *out, const char *s,
	bool property);

/* Number of Unicode code points in s[0..len) (invalid bytes count one
 * each). */
PLM_API size_t plm_output_code_points(const char *s, size_t len);

PLM_END_DECLS

#endif

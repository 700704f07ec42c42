/*
 * discover/discover.h - turns the paths given on the command line into the
 * list of files to scan.
 *
 * Directories are walked recursively in name order (so output order does not
 * depend on the file system), skipping version-control and dependency
 * folders. Symlinked directories are followed only when asked, and then
 * loops are detected. Files named on the command line are always scanned;
 * files found in a directory only when their name says what they are, or
 * (YAML) their content does.
 */
#ifndef PLM_DISCOVER_DISCOVER_H
#define PLM_DISCOVER_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "model/document.h"

/* Deepest directory nesting walked; deeper folders get a problem report. */
#define PLM_DISCOVER_MAX_DEPTH 64

struct plm_discover_options {
	bool follow_symlinks;   /* follow symlinked directories */
	enum plm_kind kind;     /* --kind: every file is of this kind */
};

struct plm_discovered {
	char *path;             /* path to open */
	enum plm_kind kind;     /* by name, or UNKNOWN: decide by content */
	bool explicit;          /* named on the command line */
	char *problem;          /* non-NULL: could not be walked/read (message) */
	const char *skip_code;  /* with problem: a candidate passed over (a
	                         * note, static slug); NULL: an error */
	long long size;         /* bytes when known (a regular file), else 0 */
};

struct plm_discover_list {
	struct plm_discovered *items;
	size_t count;
	size_t cap;
};

/* Walks paths[0..count) and appends what to scan to list, in order. Paths
 * that cannot be read become items with a problem message. Returns 0 or
 * PLM_ENOMEM. Free the list with plm_discover_list_finish(). */
PLM_NODISCARD int plm_discover(const char *const *paths, size_t count,
	const struct plm_discover_options *options,
	struct plm_discover_list *list);
void plm_discover_list_finish(struct plm_discover_list *list);

/* The kind a file name says: Dockerfile and Containerfile names, Compose
 * names; YAML extensions give UNKNOWN with *is_yaml set (content decides);
 * anything else UNKNOWN. */
enum plm_kind plm_discover_kind_by_name(const char *path, bool *is_yaml);

#endif

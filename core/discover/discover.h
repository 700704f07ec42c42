/*
 * discover/discover.h - turns the paths given on the command line into the
 * list of files to scan.
 *
 * Directories are walked recursively in name order (so output order does not
 * depend on the file system), skipping version-control, dependency and tool
 * folders. Symbolic links that lead out of the walked directory are not
 * followed unless asked; followed directories are checked for loops. Files
 * named on the command line are always scanned; files found in a directory
 * when their name says what they are (Dockerfile, Compose), or, for YAML and
 * JSON, when their content does (decided at load). docs/discovery.md lists
 * the names.
 *
 * Never a silent skip: a file that looks like something plimsoll reads but
 * is not read (a template, too large, binary, unreadable, not a regular
 * file, a link out of the tree) is an item with a problem and a skip_code.
 */
#ifndef PLM_DISCOVER_DISCOVER_H
#define PLM_DISCOVER_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "plimsoll/error.h"
#include "model/document.h"

/* Deepest directory nesting walked; deeper folders get a problem report. */
#define PLM_DISCOVER_MAX_DEPTH 64

/* Bytes read from each candidate found by walking to tell text from
 * binary (a NUL byte among them). */
#define PLM_DISCOVER_PROBE_SIZE 8192

struct plm_discover_options {
	bool follow_symlinks; /* follow links out of the walked directory */
	enum plm_kind kind;   /* --kind: every file is of this kind */
	/* 0: PLM_MAX_FILE_SIZE; larger files found by walking are notes
	 * (named ones fail at load) */
	size_t max_file_size;
	/* Files named are judged as a walk of their directory judges them
	 * (--filter-named): left out where a walk would pass them over, read
	 * by content only as YAML or JSON. For tools that name every changed
	 * file (pre-commit). */
	bool filter_named;
	/* Threads that may read the first bytes of the files a walk finds
	 * at once (the binary check: a system call or three a file, the
	 * most of a walk); 0 or 1: the caller's alone. The list is the same
	 * either way. */
	long jobs;
	/* With one path: what stat() said of it, taken already
	 * (plm_discover_stat_all); NULL: taken here. */
	const struct plm_discover_stat *named;
};

/* What stat() said of a path named. */
struct plm_discover_stat {
	int rc;  /* stat()'s return */
	int err; /* its errno when it failed */
	struct stat st;
};

struct plm_discovered {
	char *path;         /* path to open */
	enum plm_kind kind; /* by name, or UNKNOWN: decide by content */
	bool explicit;      /* named on the command line */
	char *problem;      /* non-NULL: could not be walked/read (message) */
	long long size;     /* bytes when known (a regular file), else 0 */
	/* What stat said the file is, when identified (a file named, or one
	 * a walk found and kept): the run drops a file named twice without
	 * asking again. */
	bool identified;
	dev_t dev;
	ino_t ino;
	bool walked; /* found by walking a directory named */
	/* With problem: a stable static slug (discover/template,
	 * discover/too-large, discover/binary, discover/unreadable,
	 * discover/not-regular, discover/symlink-outside) saying the file was
	 * passed over on purpose: a note, not an error. NULL: the problem is
	 * an error. */
	const char *skip_code;
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

/* stat() of paths[0..count) into out[0..count), on up to jobs threads
 * when they are many (thousands of files named, by a script or a hook,
 * are that many system calls before any file is scanned). */
void plm_discover_stat_all(const char *const *paths, size_t count, long jobs,
	struct plm_discover_stat *out);

/* The kind a file name says (case-insensitively; docs/discovery.md):
 * Dockerfile and Containerfile names and their variants, minus documentation,
 * template, backup and other-format extensions; Compose's conventional names;
 * other YAML and JSON names give UNKNOWN with *is_yaml set (content
 * decides); anything else UNKNOWN. */
enum plm_kind plm_discover_kind_by_name(const char *path, bool *is_yaml);

#endif

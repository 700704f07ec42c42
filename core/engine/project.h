/*
 * engine/project.h - what one run reads: the paths and in-memory buffers a
 * face hands over, discovered into files and grouped into units.
 *
 * A unit is one document to build: a Dockerfile, a Kubernetes manifest, or
 * a Compose project (its base file with the overrides merged over it, as
 * `docker compose` reads them). An override that joins a project is never
 * a unit of its own, so its findings are not reported twice. A candidate
 * that cannot be read, or is passed over (a template, a binary file...),
 * is still a unit: it carries the problem, and the run reports it.
 *
 * Ownership: the project owns its units and every string in them; it is
 * built on one thread, then read-only while plm_run() reads it.
 */
#ifndef PLM_ENGINE_PROJECT_H
#define PLM_ENGINE_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "plimsoll/error.h"
#include "model/document.h"

struct plm_project_options {
	enum plm_kind kind;     /* --kind: every file is of this kind */
	bool follow_symlinks;   /* walk into symlinked directories */
	size_t max_file_size;   /* 0: PLM_MAX_FILE_SIZE */
	const char *stdin_name; /* shown for "-"; NULL: "<stdin>" */
	/* -f a -f b: one Compose project, a merged with b over it, in order
	 * (before any path added). */
	const char *const *compose_files;
	size_t compose_file_count;
	/* Compose interpolation reads the process environment
	 * (--env-interpolation); values taken from it are never shown. */
	bool environment;
	/* Files named are judged as a directory walk judges them
	 * (--filter-named; see plm_discover_options). */
	bool filter_named;
	/* Threads a directory walk may read the heads of files on (see
	 * plm_discover_options); 0 or 1: the caller's alone. */
	long jobs;
};

struct plm_unit {
	char *path;            /* to open; "-": stdin; NULL: `bytes` */
	char *shown;           /* the path findings carry */
	enum plm_kind kind;    /* by --kind or name; UNKNOWN: by content */
	bool explicit;         /* named by the user: an unknown kind is an
	                            * error, not a quiet skip */
	char *problem;         /* non-NULL: not built; why */
	const char *skip_code; /* with problem: a candidate passed over
	                            * (a note, static slug); NULL: an error */
	long long size;        /* bytes when known, else 0 */
	char *bytes;           /* an in-memory buffer (path NULL) */
	size_t len;
	char **overrides; /* Compose files merged over this one */
	size_t override_count;
	char *root;      /* the tree this unit was found in (links
	                            * stay inside it); NULL: its directory */
	bool identified; /* dev and ino are what discovery's stat said */
	dev_t dev;
	ino_t ino;
};

struct plm_project;

/* Creates an empty project (the -f files of options, if any, are its
 * first unit). options is copied; its strings are copied too. Returns 0
 * or PLM_ENOMEM. */
PLM_NODISCARD int plm_project_create(const struct plm_project_options *options,
	struct plm_project **out);
/* Frees the project. Accepts NULL. */
void plm_project_destroy(struct plm_project *p);

/* Adds a file, a directory (walked) or "-" (standard input). Paths that
 * cannot be read become units with a problem. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_project_add_path(struct plm_project *p, const char *path);
/* plm_project_add_path of each of paths[0..count), in order; the named
 * paths' stat()s taken first, on the options' jobs threads when they are
 * many. */
PLM_NODISCARD int plm_project_add_paths(struct plm_project *p,
	const char *const *paths, size_t count);
/* The same, with this path's files read as kind (UNKNOWN: as the
 * project's options say). */
PLM_NODISCARD int plm_project_add_path_as(struct plm_project *p,
	const char *path, enum plm_kind kind);
/* Adds an in-memory buffer (copied) shown as `shown`, of kind (UNKNOWN:
 * by name, then content), as if the user had named it. Returns 0 or
 * PLM_ENOMEM. */
PLM_NODISCARD int plm_project_add_buffer(struct plm_project *p,
	const char *shown, const char *bytes, size_t len, enum plm_kind kind);

/* Groups what was added: each Compose base file takes its override (found
 * among the units, or beside it on disk) and the override's own unit goes.
 * Called by plm_run(); calling it again does nothing. Returns 0 or
 * PLM_ENOMEM. */
PLM_NODISCARD int plm_project_plan(struct plm_project *p);

/* The units, in discovery order (after plm_project_plan). */
size_t plm_project_unit_count(const struct plm_project *p);
const struct plm_unit *plm_project_unit(const struct plm_project *p,
	size_t index);
/* The options the project was created with. */
const struct plm_project_options *plm_project_options(
	const struct plm_project *p);

#endif

/*
 * load/load.h - from a path to a document: read the file, decide its kind
 * (forced, by name, then by content), and run the matching front end.
 */
#ifndef PLM_LOAD_LOAD_H
#define PLM_LOAD_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "model/document.h"

struct plm_line_hashes;

struct plm_load_options {
	enum plm_kind kind;   /* --kind, or UNKNOWN to detect */
	size_t max_file_size; /* 0: PLM_MAX_FILE_SIZE */
	/* Compose files merged over a compose file (-f a -f b), in order. */
	const char *const *compose_overrides;
	size_t compose_override_count;
	/* The overrides above are the whole project: do not look for the
	 * default override file beside a Compose file. */
	bool compose_no_default_override;
	/* The scanned tree's root directory (absolute or relative, as given):
	 * files a document pulls in (a Compose service's Dockerfile, an
	 * extends, include or env_file file) are read only inside it. NULL:
	 * the directory of the file loaded. */
	const char *root;
	/* Compose interpolation reads the process environment (values taken
	 * from it become the document's secrets, never shown). */
	bool environment;
	/* Not NULL: GitHub's line hashes of a large file loaded (its own
	 * bytes, PLM_LOAD_HASHES_FROM and more) are worked out into it on a
	 * thread of their own while the file is parsed, so that the findings'
	 * hashes do not wait for a second pass over the bytes. Left zeroed
	 * for a smaller file, one that failed, or when no thread could start;
	 * the caller finishes them (plm_line_hashes_finish). */
	struct plm_line_hashes *line_hashes;
};

#define PLM_LOAD_HASHES_FROM ((size_t)1 << 20)

enum plm_load_outcome {
	PLM_LOAD_OK = 0,  /* *doc built (it may carry diagnostics) */
	PLM_LOAD_SKIPPED, /* not a file plimsoll reads: say nothing */
	PLM_LOAD_NOTE,    /* skipped, with a note (a Helm template, ...) */
	PLM_LOAD_FAILED,  /* could not be read: an error */
};

struct plm_load_status {
	enum plm_load_outcome outcome;
	const char *code; /* static slug for NOTE and FAILED */
	char message[512];
};

/* Loads path (shown as display_path; "-" reads stdin). name_kind is the
 * kind the discoverer saw in the name (UNKNOWN: decide by content);
 * explicit says the user named the file, so an unknown kind is an error
 * rather than a quiet skip. On PLM_LOAD_OK *doc is the caller's to free
 * with plm_doc_destroy(). Returns 0, or PLM_ENOMEM when memory ran out. */
PLM_NODISCARD int plm_load(const char *path, const char *display_path,
	enum plm_kind name_kind, bool explicit,
	const struct plm_load_options *options, struct plm_doc **doc,
	struct plm_load_status *status);

/* The same for bytes already in memory (copied), shown as display_path:
 * an editor's unsaved buffer. */
PLM_NODISCARD int plm_load_bytes(const char *display_path, const char *bytes,
	size_t len, enum plm_kind name_kind, bool explicit,
	const struct plm_load_options *options, struct plm_doc **doc,
	struct plm_load_status *status);

/* Runs the front end of kind on a source (taken) and returns the document,
 * as for bytes in no file (a command's env files are looked for in
 * options->root only). Used by tests. NULL when out of memory. */
struct plm_doc *plm_load_source_take(struct plm_source *source,
	enum plm_kind kind, const struct plm_load_options *options);

#endif

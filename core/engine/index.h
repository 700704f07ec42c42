/*
 * engine/index.h - the project index: a compact summary of every document
 * of a run (per document its path and kind; per Kubernetes object, Compose
 * service or Dockerfile its names, labels, selectors, images and the spans
 * of a few key nodes), for project-scope policies.
 *
 * The index holds no document tree: each document's part is copied out of
 * the document into memory the part owns (one arena per part), so the
 * document can be freed as soon as it is checked.
 *
 * Threads: plm_index_part_build() touches nothing shared, so every worker
 * builds the part of the document it loaded; the run appends the parts in
 * discovery order with plm_index_append_take() (one thread), which makes
 * the index the same whatever the number of workers.
 *
 * Ownership: the index owns the parts appended to it and everything they
 * point at; plm_index_destroy() frees it all.
 */
#ifndef PLM_ENGINE_INDEX_H
#define PLM_ENGINE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "model/document.h"

/* Entries kept per document; past this, later objects are left out and
 * the part says so (truncated). */
#define PLM_INDEX_MAX_ENTRIES 100000
/* Items kept per list (labels, images, ...) of one entry. */
#define PLM_INDEX_MAX_ITEMS 1000

struct plm_index_pair {
	const char *key;
	const char *value; /* NULL when not a scalar */
};

struct plm_index_strings {
	const char *const *items;
	size_t count;
};

struct plm_index_pairs {
	const struct plm_index_pair *items;
	size_t count;
};

/* One matchExpressions item: {key, operator, values}. */
struct plm_index_expression {
	const char *key;
	const char *operator_name; /* In, NotIn, Exists, DoesNotExist, ...
	                             * as written */
	struct plm_index_strings values;
};

/* A label selector as written. A Service's spec.selector (a plain map)
 * gives match_labels only. */
struct plm_index_selector {
	bool present; /* the selector was written */
	struct plm_index_pairs match_labels;
	const struct plm_index_expression *expressions;
	size_t expression_count;
};

/* Where a key node of an entry is written. */
struct plm_index_location {
	const char *name;         /* the entry field it belongs to:
	                             * "object", "name", "namespace", ... */
	const char *path;         /* the file the span is in (the
	                             * document's source span.source) */
	struct plm_span span;     /* in the document's sources, as loaded */
	struct plm_region region; /* for display: 1-based */
};

enum plm_index_entry_kind {
	PLM_INDEX_OBJECT = 0, /* a Kubernetes object */
	PLM_INDEX_SERVICE,    /* a Compose service */
	PLM_INDEX_DOCKERFILE, /* a Dockerfile's final stage */
};

/* One object, service or Dockerfile. Strings are NULL when not written. */
struct plm_index_entry {
	enum plm_index_entry_kind kind;
	const char *name; /* metadata.name, the service name, the
	                             * final stage's name */
	/* Kubernetes. */
	const char *api_version;
	const char *object_kind;       /* kind: Deployment, Service, ... */
	const char *namespace_name;    /* metadata.namespace as written */
	struct plm_index_pairs labels; /* metadata.labels; Compose labels */
	bool has_pods; /* the object runs pods (a pod template) */
	struct plm_index_pairs pod_labels;  /* the pod template's labels (a
	                             * Pod's own labels) */
	struct plm_index_selector selector; /* spec.selector, or a
	                             * NetworkPolicy's spec.podSelector */
	struct plm_index_strings
		policy_types;            /* NetworkPolicy spec.policyTypes */
	struct plm_index_strings images; /* of every container of the pods */
	/* Compose and Dockerfile. */
	const char *image; /* a service's image; a Dockerfile's final base */
	const char *build; /* a service's built Dockerfile (its path),
	                             * or "" when it builds an inline one */
	struct plm_index_strings networks; /* a service's networks */
	const char *user; /* a Dockerfile's effective final USER */
	struct plm_index_strings stages; /* a Dockerfile's stage names */
	/* locations[0] is the whole entry ("object"). */
	const struct plm_index_location *locations;
	size_t location_count;
};

/* One document of the run. */
struct plm_index_doc {
	const char *path;       /* the path to read it again */
	const char *shown_path; /* as displayed (finding paths) */
	enum plm_kind kind;
	uint32_t line_count;
	const struct plm_index_entry *entries;
	size_t entry_count;
	bool truncated; /* PLM_INDEX_MAX_ENTRIES was hit */
	/* GitHub's line hashes of the file as the scan read it, kept for a
	 * large file (plm_index_part_keep_line_hashes), or NULL. */
	const struct plm_line_hashes *line_hashes;
};

struct plm_index;
struct plm_index_part;
struct plm_line_hashes;

/* Creates an empty index. Returns 0 or PLM_ENOMEM. Free with
 * plm_index_destroy(). */
PLM_NODISCARD int plm_index_create(struct plm_index **out);
/* Frees the index and every part it took. Accepts NULL. */
void plm_index_destroy(struct plm_index *index);

/* Summarizes doc (borrowed for the call) into a new part: path is what
 * plm_load() reads to load it again, shown_path how findings name it
 * (NULL: the document's own path). Touches nothing shared: safe on any
 * thread. Returns 0 or PLM_ENOMEM; on success *out is the caller's, for
 * plm_index_append_take() or plm_index_part_destroy(). */
PLM_NODISCARD int plm_index_part_build(const struct plm_doc *doc,
	const char *path, const char *shown_path, struct plm_index_part **out);
/* Gives the part the line hashes the scan computed for its file (moved:
 * *hashes is zeroed; the part frees them), for the project pass. */
void plm_index_part_keep_line_hashes(struct plm_index_part *part,
	struct plm_line_hashes *hashes);
/* Frees a part that was not appended. Accepts NULL. */
void plm_index_part_destroy(struct plm_index_part *part);
/* The bytes the part holds in its arena (its entries, their lists and
 * strings): what the index keeps of one document. */
size_t plm_index_part_bytes(const struct plm_index_part *part);
/* The document a part describes, valid as long as the part. */
const struct plm_index_doc *plm_index_part_doc(
	const struct plm_index_part *part);
/* Appends a part (taken, also on failure) as the next document. Documents
 * keep the order of the calls. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_index_append_take(struct plm_index *index,
	struct plm_index_part *part);
/* plm_index_part_build() and plm_index_append_take() in one call, for a
 * run on one thread. */
PLM_NODISCARD int plm_index_add_doc(struct plm_index *index,
	const struct plm_doc *doc, const char *path, const char *shown_path);

/* The documents, in the order they were appended. */
size_t plm_index_doc_count(const struct plm_index *index);
/* The i-th document, valid as long as the index; NULL when out of range. */
const struct plm_index_doc *plm_index_doc_at(const struct plm_index *index,
	size_t i);
/* The entry's location named name ("object", "name", ...), or NULL. */
const struct plm_index_location *plm_index_entry_location(const struct plm_index_entry
								  *entry,
	const char *name);

#endif

/*
 * yaml/yaml.h - the YAML loader shared by the Compose and Kubernetes front
 * ends: libyaml events to plm_node trees.
 *
 * A stream becomes a sequence of its documents. Each node keeps its span,
 * tag, style (PLM_NODE_QUOTED) and, for scalars, its original text. Anchors
 * and aliases are resolved (an alias shares the anchored node, which is
 * read-only) under a bound on expanded nodes; `<<` merge keys are applied;
 * duplicate keys are reported. Comments of sources[0] are recorded per line
 * with plm_doc_set_comment. Problems become diagnostics with a span; a
 * broken document does not hide the documents after it (the loader restarts
 * at the next `---` marker).
 *
 * Reentrant: no global state; one document is loaded on one thread.
 */
#ifndef PLM_YAML_YAML_H
#define PLM_YAML_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plimsoll/error.h"
#include "model/document.h"
#include "model/node.h"

/* Deepest nesting of collections accepted in one document. */
#define PLM_YAML_MAX_DEPTH 256
/* Nodes that aliases and merge keys may add to a stream, counted as if every
 * alias were expanded (a billion-laughs file hits this fast). */
#define PLM_YAML_MAX_ALIAS_NODES 1000000
/* Longest scalar accepted, in bytes. */
#define PLM_YAML_MAX_SCALAR_LEN ((size_t)16 * 1024 * 1024)

/* How plain scalars are typed (docs/model.md, "The YAML tree"). */
enum plm_yaml_schema {
	/* YAML 1.2 core schema (Compose, as compose-go reads it). */
	PLM_YAML_SCHEMA_CORE = 0,
	/* YAML 1.1 types (Kubernetes, as sigs.k8s.io/yaml reads it): yes/no,
	 * on/off, y/n are booleans; 0777 is octal; `_` separators. */
	PLM_YAML_SCHEMA_1_1 = 1,
};

/* Loads doc->sources[source] as a YAML stream into *out, a sequence with one
 * node per document (in the document's arena). Comments are recorded on doc
 * when source is 0. Returns 0, or PLM_ENOMEM when memory ran out (the arena
 * cap included); every problem in the input is a diagnostic. */
PLM_NODISCARD int plm_yaml_load(struct plm_doc *doc, uint32_t source,
	enum plm_yaml_schema schema, struct plm_node **out);

/* Types one plain scalar by schema. Returns a new node with `span` (text not
 * set), or NULL when out of memory. Exposed for tests and re-typing after
 * interpolation. */
struct plm_node *plm_yaml_scalar(struct plm_arena *arena,
	enum plm_yaml_schema schema, struct plm_span span, const char *value,
	size_t len);

/* Sets *found when the stream has a document whose top level is a mapping
 * with both an `apiVersion` and a `kind` key, in any YAML style (block,
 * flow, JSON, quoted keys, indented under `---`). Parses events only and
 * stops as soon as the answer is known; bytes without both words are not
 * parsed. A broken document does not hide the ones after it (parsing
 * restarts at the next `---` line), and bytes that are not UTF-8 text do
 * not hide the keys. Borrowed bytes; returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_yaml_detect_kubernetes(const char *bytes, size_t len,
	bool *found);
/* False when bytes cannot be a manifest: they lack the word `apiVersion`
 * or the word `kind` (a scan, no parse). */
bool plm_yaml_may_be_kubernetes(const char *bytes, size_t len);

/* True if a top-level `services:` (or `include:`) key appears at column 0
 * or the file is a legacy v1 Compose file (only top-level maps, each with an
 * `image:`, `build:` or `extends:` and no CI `script:`). Only scans, never
 * parses; borrowed bytes. */
bool plm_yaml_looks_like_compose(const char *bytes, size_t len);

/* The kind of a YAML or JSON file by its content: PLM_KIND_KUBERNETES as
 * plm_yaml_detect_kubernetes says, else PLM_KIND_COMPOSE as
 * plm_yaml_looks_like_compose says, else PLM_KIND_UNKNOWN. Borrowed bytes;
 * returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_yaml_detect(const char *bytes, size_t len,
	enum plm_kind *kind);

/* True if the bytes hold Go template actions (`{{ ... }}` outside a
 * comment), as Helm chart templates do: such files are not YAML yet and are
 * skipped with a note. */
bool plm_yaml_is_helm_template(const char *bytes, size_t len);

#endif

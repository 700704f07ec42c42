/*
 * model/record.h - the container record (docs/model.md, "The containers
 * view"): its one definition, filled by the Dockerfile, Compose and
 * Kubernetes front ends.
 *
 * A record starts with every field present, each flagged PLM_NODE_IMPLICIT
 * and spanning the container's declaration; a front end then replaces the
 * fields that were written. All nodes live in the given arena.
 */
#ifndef PLM_MODEL_RECORD_H
#define PLM_MODEL_RECORD_H

#include <stdbool.h>
#include "plimsoll/error.h"
#include "model/document.h"
#include "model/node.h"

/* A new record for a container declared at `decl`: name (NULL: null),
 * origin ("compose", "kubernetes"), role ("service", "container", "init",
 * "ephemeral"). NULL when out of memory. */
struct plm_node *plm_record_new(struct plm_arena *arena, struct plm_span decl,
	const char *origin, const char *role);

/* The record's top-level fields, in order (NULL past the end). */
size_t plm_record_field_count(void);
const char *plm_record_field_name(size_t i);

/* Replaces a top-level field of the record (keeping its position). */
PLM_NODISCARD int plm_record_set(struct plm_arena *arena,
	struct plm_node *record, const char *field, struct plm_node *value);

/* Replaces field `key` of the map in the record's field `field` (user,
 * host, capabilities, workload, shell_form). */
PLM_NODISCARD int plm_record_set_in(struct plm_arena *arena,
	struct plm_node *record, const char *field, const char *key,
	struct plm_node *value);

/* The image map for an image reference node (a string): {text, registry,
 * repository, tag, digest} (plm_image_parse), carrying the node's
 * interpolated/inherited flags. NULL when out of memory. */
struct plm_node *plm_record_image(struct plm_arena *arena,
	const struct plm_node *text);

/* The user map for a `user[:group]` string node: {text, name, uid, group,
 * gid, root} (plm_user_parse), carrying the node's flags. NULL when out of
 * memory. */
struct plm_node *plm_record_user(struct plm_arena *arena,
	const struct plm_node *text);

/* An implicit null (or other default) at the declaration. */
struct plm_node *plm_record_implicit_null(struct plm_arena *arena,
	struct plm_span decl);

/* A deep copy of node (in arena) with extra flags on its root, e.g.
 * PLM_NODE_INHERITED for a value taken from elsewhere; the original, which
 * may be shared, is untouched. NULL when out of memory. */
struct plm_node *plm_record_flagged(struct plm_arena *arena,
	const struct plm_node *node, uint32_t flags);

/* A field written with the wrong shape: a note (model/wrong-shape) at the
 * written node saying what was expected, and a null flagged
 * PLM_NODE_UNKNOWN spanning it. NULL when out of memory. */
struct plm_node *plm_record_unknown(struct plm_doc *doc,
	const struct plm_node *written, const char *field,
	const char *expected);

/* A set of amounts (resources.requests or .limits) written with the wrong
 * shape: one note, as plm_record_unknown, and a map {cpu, memory} of
 * unknown nulls spanning the written node (flagged unknown itself), so a
 * later key can still fill one amount. NULL when out of memory. */
struct plm_node *plm_record_unknown_amounts(struct plm_doc *doc,
	const struct plm_node *written, const char *field,
	const char *expected);

/* A link (PLM_NODE_LINK) to a raw node of the tree. */
struct plm_node *plm_record_link(struct plm_arena *arena,
	const struct plm_node *target);

/* A quantity as an integer node: CPU in millicores, memory in bytes
 * (Kubernetes suffixes; with `docker`, memory as a Docker byte size). A
 * value that does not parse is unknown (plm_record_unknown). */
struct plm_node *plm_record_quantity(struct plm_doc *doc,
	const struct plm_node *written, const char *field, bool cpu,
	bool docker);

/* A confinement profile (seccomp, AppArmor) as the record holds it, one
 * shape for every format: {type, profile, from}. `type` is "RuntimeDefault",
 * "Localhost", "Unconfined" (else as written), `profile` the localhost
 * profile (NULL: an implicit null at `at`), `from` where it was written
 * ("container", "pod", "annotation", "security_opt"). The map spans `at`,
 * the node where the fix goes; `flags` (PLM_NODE_INHERITED for a pod-level
 * value) go on the map and its values, which are copied first so the tree
 * is untouched. NULL when out of memory. */
struct plm_node *plm_record_profile(struct plm_arena *arena, struct plm_span at,
	const struct plm_node *type, const struct plm_node *profile,
	const char *from, uint32_t flags);

/* The SELinux map, one shape for every format: {user, role, type, level}
 * (each an implicit null at `at`), disabled (implicit false) and from (as
 * for plm_record_profile). The front end sets the keys it read with
 * plm_record_selinux_set. NULL when out of memory. */
struct plm_node *plm_record_selinux(struct plm_arena *arena, struct plm_span at,
	const char *from, uint32_t flags);

/* Sets key of an SELinux map to value (a copy carrying the map's
 * PLM_NODE_INHERITED flag when it has one). */
PLM_NODISCARD int plm_record_selinux_set(struct plm_arena *arena,
	struct plm_node *selinux, const char *key,
	const struct plm_node *value);

/* A port's protocol as the record holds it: the written string node
 * lower-cased (tcp, udp, sctp), keeping its span, text and flags (less
 * `clear`); NULL written: an implicit "tcp" at `at`. A written value that
 * is not a string is unknown (plm_record_unknown). NULL when out of
 * memory. */
struct plm_node *plm_record_protocol(struct plm_doc *doc,
	const struct plm_node *written, struct plm_span at, uint32_t clear);

/* A capability name as the record holds it: upper-case, without a CAP_
 * prefix (ALL stays ALL), with the span, source text and flags (less
 * `clear`) of the string node `name`. NULL when name is not a string or out
 * of memory. */
struct plm_node *plm_record_capability(struct plm_arena *arena,
	const struct plm_node *name, uint32_t clear);

#endif

/*
 * dockerfile/dockerfile.h - the Dockerfile front end.
 *
 * A hand-written parser faithful to BuildKit's Dockerfile frontend (1.x
 * syntax). It builds the tree of docs/model.md (directives, global ARGs,
 * stages with their instructions) and the container record of the final
 * stage. Problems in the input become diagnostics; parsing goes on.
 * Reentrant: all state lives in the document and on the stack.
 */
#ifndef PLM_DOCKERFILE_DOCKERFILE_H
#define PLM_DOCKERFILE_DOCKERFILE_H

#include <stdint.h>
#include "plimsoll/error.h"
#include "model/document.h"

/* Parses doc->sources[0] as a Dockerfile: fills doc->tree (the map in
 * docs/model.md), doc->containers (a seq with one container record for the
 * final stage; empty if no FROM), doc->comments (plm_doc_set_comment for
 * each comment line), and diagnostics.
 * Returns 0 even when the input had problems (they are diagnostics);
 * PLM_ENOMEM only when memory ran out. */
PLM_NODISCARD int plm_dockerfile_build(struct plm_doc *doc);

/* Parses doc->sources[source] (another Dockerfile pulled into this document,
 * e.g. the one a Compose service builds) and returns the container record of
 * stage `target` (by name, case-insensitive; NULL: the final stage) in *out
 * (NULL if there is none). Diagnostics go to doc with spans in that source.
 * Returns 0, PLM_EINVAL for a bad source index, or PLM_ENOMEM. */
PLM_NODISCARD int plm_dockerfile_container(struct plm_doc *doc, uint32_t source,
	const char *target, struct plm_node **out);

#endif

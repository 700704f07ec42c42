/*
 * model/image.h - container image references, shared by every front end.
 */
#ifndef PLM_MODEL_IMAGE_H
#define PLM_MODEL_IMAGE_H

#include <stddef.h>
#include "plimsoll/error.h"
#include "model/node.h"

/* Parses an image reference `[registry/]repository[:tag][@digest]` into a
 * map {text, registry, repository, tag, digest} (each a string or null),
 * every node with `span`. The first path component is the registry when it
 * contains '.' or ':' or is `localhost`; otherwise registry is "docker.io"
 * (flagged PLM_NODE_IMPLICIT). `scratch` has a null registry. Repository is
 * kept as written (no `library/` prefix); tag and digest are null when
 * absent. Invalid UTF-8 is replaced. Returns 0 or PLM_ENOMEM; *out is in
 * the arena. */
PLM_NODISCARD int plm_image_parse(struct plm_arena *arena, const char *text,
	size_t len, struct plm_span span, struct plm_node **out);

#endif

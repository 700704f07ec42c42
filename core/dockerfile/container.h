/*
 * dockerfile/container.h - the container record of a stage (docs/model.md).
 */
#ifndef PLM_DOCKERFILE_CONTAINER_H
#define PLM_DOCKERFILE_CONTAINER_H

#include "dockerfile/stage.h"

/* Builds the record of stage st: user, image, command, entrypoint, env,
 * ports, mounts (VOLUME), healthcheck inherited through parent stages; the
 * fields a Dockerfile cannot set are null or empty, flagged implicit, with
 * the span of the stage's FROM. Returns NULL when out of memory. */
struct plm_node *plm_dockerfile_container_build(struct plm_dockerfile_builder *b,
	struct plm_dockerfile_stage *st);

#endif

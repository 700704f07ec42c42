/*
 * dockerfile/instruction.h - one instruction: keyword, flags, arguments in
 * shell or exec form, heredocs, split commands, per-instruction extras, and
 * its effect on the current stage (variables, USER, CMD, ...).
 */
#ifndef PLM_DOCKERFILE_INSTRUCTION_H
#define PLM_DOCKERFILE_INSTRUCTION_H

#include "dockerfile/stage.h"
#include "dockerfile/text.h"

enum plm_dockerfile_keyword {
	PLM_DOCKERFILE_UNKNOWN = 0,
	PLM_DOCKERFILE_ADD,
	PLM_DOCKERFILE_ARG,
	PLM_DOCKERFILE_CMD,
	PLM_DOCKERFILE_COPY,
	PLM_DOCKERFILE_ENTRYPOINT,
	PLM_DOCKERFILE_ENV,
	PLM_DOCKERFILE_EXPOSE,
	PLM_DOCKERFILE_FROM,
	PLM_DOCKERFILE_HEALTHCHECK,
	PLM_DOCKERFILE_LABEL,
	PLM_DOCKERFILE_MAINTAINER,
	PLM_DOCKERFILE_ONBUILD,
	PLM_DOCKERFILE_RUN,
	PLM_DOCKERFILE_SHELL,
	PLM_DOCKERFILE_STOPSIGNAL,
	PLM_DOCKERFILE_USER,
	PLM_DOCKERFILE_VOLUME,
	PLM_DOCKERFILE_WORKDIR,
};

/* The keyword of s[0..len) (case-insensitive), PLM_DOCKERFILE_UNKNOWN if none. */
enum plm_dockerfile_keyword plm_dockerfile_keyword_of(const char *s,
	size_t len);
/* The upper-case name of a keyword ("" for PLM_DOCKERFILE_UNKNOWN). */
const char *plm_dockerfile_keyword_name(enum plm_dockerfile_keyword kw);

/* Parses the instruction whose keyword starts at or after `from` in t;
 * `end` is the source offset where the logical line ends. Reads heredoc
 * bodies from b->reader (unless b->nested) and applies the instruction to
 * the builder's current stage. Returns the instruction node (NULL when out
 * of memory) and its keyword in *kw. */
struct plm_node *plm_dockerfile_instruction_parse(struct plm_dockerfile_builder
							  *b,
	const struct plm_dockerfile_text *t, size_t from, uint32_t end,
	enum plm_dockerfile_keyword *kw);

#endif

/*
 * dockerfile/instruction.h - one instruction: keyword, flags, arguments in
 * shell or exec form, heredocs, split commands, per-instruction extras, and
 * its effect on the current stage (variables, USER, CMD, ...).
 */
#ifndef PLM_DOCKERFILE_INSTRUCTION_H
#define PLM_DOCKERFILE_INSTRUCTION_H

#include "dockerfile/stage.h"
#include "dockerfile/text.h"

enum plm_df_keyword {
	PLM_DF_UNKNOWN = 0,
	PLM_DF_ADD,
	PLM_DF_ARG,
	PLM_DF_CMD,
	PLM_DF_COPY,
	PLM_DF_ENTRYPOINT,
	PLM_DF_ENV,
	PLM_DF_EXPOSE,
	PLM_DF_FROM,
	PLM_DF_HEALTHCHECK,
	PLM_DF_LABEL,
	PLM_DF_MAINTAINER,
	PLM_DF_ONBUILD,
	PLM_DF_RUN,
	PLM_DF_SHELL,
	PLM_DF_STOPSIGNAL,
	PLM_DF_USER,
	PLM_DF_VOLUME,
	PLM_DF_WORKDIR,
};

/* The keyword of s[0..len) (case-insensitive), PLM_DF_UNKNOWN if none. */
enum plm_df_keyword plm_df_keyword_of(const char *s, size_t len);
/* The upper-case name of a keyword ("" for PLM_DF_UNKNOWN). */
const char *plm_df_keyword_name(enum plm_df_keyword kw);

/* Parses the instruction whose keyword starts at or after `from` in t;
 * `end` is the source offset where the logical line ends. Reads heredoc
 * bodies from b->reader (unless b->nested) and applies the instruction to
 * the builder's current stage. Returns the instruction node (NULL when out
 * of memory) and its keyword in *kw. */
struct plm_node *plm_df_instruction_parse(struct plm_df_builder *b,
	const struct plm_df_text *t, size_t from, uint32_t end,
	enum plm_df_keyword *kw);

#endif

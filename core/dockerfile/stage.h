/*
 * dockerfile/stage.h - build stages and the variables in scope.
 *
 * The builder keeps the global ARGs (before the first FROM) and one record
 * per stage: its ARGs and ENVs (for substitution), and the settings a stage
 * inherits from the stage it is built FROM (USER, CMD, ENTRYPOINT, SHELL,
 * HEALTHCHECK, ENV, EXPOSE, VOLUME).
 */
#ifndef PLM_DOCKERFILE_STAGE_H
#define PLM_DOCKERFILE_STAGE_H

#include "dockerfile/expand.h"
#include "dockerfile/lines.h"
#include "dockerfile/text.h"

/* A variable: value NULL when its value is not known (ARG without a
 * default). Strings live in the arena. */
struct plm_dockerfile_var {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	uint64_t hash;
};

/* A small open-addressing table of variables. */
struct plm_dockerfile_vars {
	struct plm_dockerfile_var *slots;
	size_t count;
	size_t cap;
};

/* Sets name (copied) to value (copied; NULL: unknown). */
void plm_dockerfile_vars_set(struct plm_dockerfile_ctx *ctx,
	struct plm_dockerfile_vars *vars, const char *name, size_t name_len,
	const char *value, size_t value_len);
/* The variable, or NULL. */
const struct plm_dockerfile_var *
plm_dockerfile_vars_get(const struct plm_dockerfile_vars *vars,
	const char *name, size_t name_len);
/* Frees the table (names and values stay in the arena). */
void plm_dockerfile_vars_free(struct plm_dockerfile_vars *vars);

struct plm_dockerfile_stage {
	size_t index;
	struct plm_node *node; /* the stage's map in the tree */
	struct plm_node *instructions;
	struct plm_node *from;      /* its FROM instruction */
	struct plm_node *base;      /* the base map (tree) */
	struct plm_node *image;     /* {text, registry, ...} of the base */
	struct plm_node *name_node; /* the name as written, or NULL */
	struct plm_node *platform;  /* --platform value, or NULL */
	const char *name;           /* lower-case, or NULL */
	size_t name_len;
	bool duplicate;                      /* an earlier stage has its name */
	struct plm_dockerfile_stage *parent; /* the stage it is built FROM */
	int depth;                           /* length of the parent chain */
	struct plm_dockerfile_vars args;
	struct plm_dockerfile_vars env;
	/* Effective settings (inherited, then updated). */
	struct plm_node *user;      /* user map, or NULL */
	struct plm_node *user_from; /* the USER instruction */
	struct plm_node *cmd;       /* argv seq, or NULL */
	struct plm_node *cmd_from;
	bool cmd_shell;
	bool cmd_set; /* CMD written in this stage */
	struct plm_node *entrypoint;
	struct plm_node *entrypoint_from;
	bool entrypoint_shell;
	struct plm_node *shell;       /* SHELL argv, or NULL: /bin/sh -c */
	struct plm_node *healthcheck; /* {test, disabled} */
	struct plm_node *workdir;     /* absolute WORKDIR string, or NULL */
	/* Snapshots of what is in effect, shared by the instructions that
	 * see them (a change makes a new map; the old one is never
	 * touched): ENV name -> value, inherited; the stage's own ARGs name
	 * -> value (null flagged unknown without a default); LABELs,
	 * inherited. */
	struct plm_node *env_map;
	struct plm_node *arg_map;
	struct plm_node *labels;
	bool windows;             /* the root base looks like a Windows image */
	struct plm_node *state;   /* {env, args, workdir, shell, user}; NULL:
				   changed since it was last built */
	struct plm_node *exposes; /* EXPOSE across the chain, at the end */
	/* Written in this stage only (the container walks the chain). */
	struct plm_node *env_pairs; /* seq of {name, value} */
	struct plm_node *ports;     /* seq of port maps */
	struct plm_node *volumes;   /* seq of mount maps */
};

struct plm_dockerfile_builder {
	struct plm_dockerfile_ctx *ctx;
	struct plm_dockerfile_reader *reader;
	struct plm_dockerfile_vars meta; /* global ARGs */
	struct plm_dockerfile_stage **stages;
	size_t stage_count;
	size_t stage_cap;
	struct plm_dockerfile_stage *current; /* NULL before the first FROM */
	struct plm_dockerfile_vars
		stage_names;   /* lower-case name -> index (decimal) */
	struct plm_node *args; /* global ARG instructions */
	struct plm_node *stage_nodes;
	struct plm_node *unstaged; /* other instructions before FROM */
	bool nested;               /* parsing an ONBUILD trigger */
	bool from_unresolved;      /* the last FROM had an unknown variable */
	struct plm_node *default_shell; /* ["/bin/sh", "-c"], implicit */
};

/* Variable lookup for substitution in the builder's current scope (global
 * ARGs before the first FROM; then the stage's ENV, inherited ENV and its
 * ARGs). `user` is the builder. */
enum plm_dockerfile_var_state plm_dockerfile_builder_lookup(void *user,
	const char *name, size_t len, const char **value, size_t *value_len);
/* True for the ARGs BuildKit sets from the build's platforms
 * (BUILDPLATFORM, TARGETARCH, ...): their values are never known here. */
bool plm_dockerfile_platform_arg(const char *name, size_t len);

/* Starts a new stage for a FROM instruction. base/base_len is the expanded
 * base name (to link a stage built on another). Returns the stage, or NULL
 * when out of memory. */
struct plm_dockerfile_stage *plm_dockerfile_stage_begin(struct plm_dockerfile_builder
								*b,
	struct plm_node *from, const char *name, size_t name_len,
	const char *base, size_t base_len);
/* Finds a stage by name (case-insensitive; the last one of that name) or
 * NULL. */
struct plm_dockerfile_stage *plm_dockerfile_stage_find(struct plm_dockerfile_builder
							       *b,
	const char *name, size_t len);
/* The state in effect at the next instruction of st: the map {env, args,
 * workdir, shell, user} (docs/model.md), shared until something in it
 * changes. NULL when out of memory. */
struct plm_node *plm_dockerfile_stage_state(struct plm_dockerfile_builder *b,
	struct plm_dockerfile_stage *st);
/* A copy of map (NULL: an empty map) with room for `more` entries; the old
 * map is left as it is, for the instructions that share it. */
struct plm_node *plm_dockerfile_map_copy(struct plm_dockerfile_ctx *ctx,
	const struct plm_node *map, struct plm_span span, size_t more);
/* Frees every stage's tables (nodes stay in the arena). */
void plm_dockerfile_builder_finish(struct plm_dockerfile_builder *b);

#endif

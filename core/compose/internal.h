/*
 * compose/internal.h - what the Compose front end's files share.
 */
#ifndef PLM_COMPOSE_INTERNAL_H
#define PLM_COMPOSE_INTERNAL_H

#include "compose/compose.h"
#include "model/node.h"
#include "util/source.h"
#include "yaml/keyset.h"

/* Interpolation variables: the environment first, then the `.env` file. */
struct compose_env {
	const char *const *environ;
	struct plm_doc *doc; /* where values taken from environ are
				   * recorded as secrets */
	bool out_of_memory;  /* recording one failed, or a merge's
				   * key index (heap, not arena) */
	const char **dotenv; /* "NAME=value" strings in the arena */
	size_t dotenv_count, dotenv_cap;
};

struct compose_ctx {
	struct plm_doc *doc;
	struct plm_arena *arena;
	const struct plm_compose_options *options;
	const char *dir;  /* the main file's directory */
	const char *root; /* files of the model are read inside it */
	struct compose_env env;
	/* files loaded for extends: path and their interpolated stream */
	struct {
		char *path;
		uint32_t source;
		struct plm_node *stream;
	} files[PLM_COMPOSE_MAX_FILES];
	size_t file_count;
	/* services maps indexed by name (a linear lookup per extends would
	 * make a hostile file quadratic) */
	struct {
		const struct plm_node *services;
		struct plm_keyset index;
	} service_index[PLM_COMPOSE_MAX_FILES + 2];
	size_t service_index_count;
	/* unset variables already reported (each once per document) */
	const char **unset;
	size_t unset_count, unset_cap;
};

/* Reads a dotenv-format file into env (later names win). Returns 0,
 * PLM_EIO when the file cannot be read, or PLM_ENOMEM. */
int plm_compose_env_read(struct compose_ctx *ctx, const char *path);
/* The same for a dotenv file already in memory (borrowed). Returns 0 or
 * PLM_ENOMEM; values that expand past the limits end the file with a
 * diagnostic. */
int plm_compose_env_parse(struct compose_ctx *ctx,
	const struct plm_source *src);
/* Splits one dotenv line (`[export ]NAME=value`): false for a blank,
 * comment or malformed line. */
bool plm_compose_dotenv_split(const char *line, size_t len, const char **name,
	size_t *name_len, const char **value, size_t *value_len);
/* Decodes a dotenv value (quotes, escapes, interpolation) into the arena.
 * Returns 0, PLM_ELIMIT when it expands past PLM_COMPOSE_MAX_INTERPOLATED,
 * or PLM_ENOMEM. */
int plm_compose_dotenv_value(struct compose_ctx *ctx, const char *s, size_t len,
	char **out, size_t *out_len);
/* The value of a variable, or NULL when unset. */
const char *plm_compose_env_get(struct compose_env *env, const char *name,
	size_t len);
/* A copy of node with every string interpolated (unchanged subtrees are
 * shared). NULL when out of memory. */
struct plm_node *plm_compose_interpolate(struct compose_ctx *ctx,
	struct plm_node *node);

/* Merges `over` into `base` by the Compose merge rules for a whole model
 * (services merged per service, other top-level maps merged). Returns the
 * merged model (new nodes; inputs unchanged) or NULL when out of memory. */
struct plm_node *plm_compose_merge_model(struct compose_ctx *ctx,
	struct plm_node *base, struct plm_node *over);
/* Merges one service definition over another. */
struct plm_node *plm_compose_merge_service(struct compose_ctx *ctx,
	struct plm_node *base, struct plm_node *over);

/* The container record of one service (docs/model.md). decl is the
 * service's key. *out stays NULL for a `provider:` service (no container).
 * Returns 0 or PLM_ENOMEM. */
int plm_compose_service_record(struct compose_ctx *ctx, struct plm_node *name,
	struct plm_node *service, struct plm_node **out);
#endif

/*
 * compose/compose.h - the Compose front end: Compose files (the Compose
 * Specification) to the model (docs/model.md).
 */
#ifndef PLM_COMPOSE_COMPOSE_H
#define PLM_COMPOSE_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "model/document.h"

/* Extends chains longer than this are reported and cut. */
#define PLM_COMPOSE_MAX_EXTENDS 16
/* Files an extends chain or a merge may pull into one document. */
#define PLM_COMPOSE_MAX_FILES 32
/* Interpolation nesting (`${A:-${B:-${C}}}`) accepted. */
#define PLM_COMPOSE_MAX_INTERPOLATION_DEPTH 16
/* Longest value interpolation may produce (one string, one `.env` value);
 * past it the value is cut with a diagnostic. The `.env` values together
 * may hold at most PLM_COMPOSE_MAX_AUX_FILE bytes once expanded. */
#define PLM_COMPOSE_MAX_INTERPOLATED ((size_t)1024 * 1024)
/* What resolving `extends` may build, in bytes of the document's arena:
 * PLM_COMPOSE_EXPANSION_BASE plus PLM_COMPOSE_EXPANSION_FACTOR times the
 * bytes of every file read for the document. Past it, the services left
 * are taken as written (their `extends` not followed) with an error: a
 * few hundred kilobytes of services that each extend a large one would
 * otherwise copy it once per service. */
#define PLM_COMPOSE_EXPANSION_BASE ((size_t)16 * 1024 * 1024)
#define PLM_COMPOSE_EXPANSION_FACTOR 32
/* Largest `.env` or override file read. */
#define PLM_COMPOSE_MAX_AUX_FILE ((size_t)4 * 1024 * 1024)

struct plm_compose_options {
	/* Extra -f files merged in order over sources[0]. With none, the
	 * default override file beside a default-named compose file
	 * (compose.override.yaml, docker-compose.override.yml...) is merged
	 * when it exists. */
	const char *const *override_paths;
	size_t override_count;
	/* "NAME=value" strings used for interpolation; NULL: the process
	 * environment when use_environment is set, else none (only the
	 * `.env` file). Read only. Values taken from here are recorded as
	 * the document's secrets (plm_doc_add_secret): never shown. */
	const char *const *environ;
	/* Interpolate from the process environment (`--env-interpolation`):
	 * off by default, so a scan in CI neither depends on nor leaks what
	 * its environment holds. */
	bool use_environment;
	/* Do not read the `.env` file beside the compose file. */
	bool no_env_file;
	/* Do not look for the default override file: the caller (the project
	 * layer) names every file of the project in override_paths. */
	bool no_default_override;
	/* The scanned tree's root directory (absolute or relative, as given):
	 * files pulled in by `extends` or `include` that resolve outside it
	 * are not read (a diagnostic says so). NULL: the compose file's own
	 * directory. The -f files are read wherever they are. */
	const char *root;
};

/* Builds doc from doc->sources[0], a Compose file: doc->tree is the
 * sequence of its YAML documents (interpolated; each interpolated scalar
 * flagged PLM_NODE_INTERPOLATED with its original text kept),
 * doc->containers one record per service of the merged model (overrides,
 * extends). Files pulled in become further sources of doc. A service's
 * `build:` is not read here: it becomes a PLM_LINK_BUILD link request on
 * doc (plm_link_resolve, core/engine/link.h, makes it). options may be
 * NULL (defaults). Returns 0 or PLM_ENOMEM; problems are diagnostics. */
PLM_NODISCARD int plm_compose_build(struct plm_doc *doc,
	const struct plm_compose_options *options);

/* The container record of a service map that another front end built: a
 * `docker run` command line read as the Compose service it stands for
 * (core/command). The map is read exactly as a Compose file's service is,
 * with no interpolation, extends or include, and no file read: it must
 * not hold `env_file` or `build`. `name` (a string) names the record and
 * spans the declaration unwritten fields point at; origin and role are
 * the record's. *out is in doc's arena. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_compose_record(struct plm_doc *doc, struct plm_node *name,
	struct plm_node *service, const char *origin, const char *role,
	struct plm_node **out);

/* True if a file's base name is one Compose picks up by name: compose.yaml,
 * compose.yml, compose.*.y*ml, docker-compose*.y*ml. */
bool plm_compose_name_matches(const char *basename);

/* True for the names `docker compose` picks up in a directory by itself:
 * compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml. */
bool plm_compose_is_default_name(const char *basename);

/* True for the default override names: compose.override.yaml,
 * compose.override.yml, docker-compose.override.yaml,
 * docker-compose.override.yml. */
bool plm_compose_is_override_name(const char *basename);

/* The override file merged by default over compose_path, as `docker
 * compose` picks it: when compose_path's base name is a default name, the
 * first regular file beside it of compose.override.yml,
 * compose.override.yaml, docker-compose.override.yml and
 * docker-compose.override.yaml (compose-go's order, whatever the base
 * file's own stem). *override_path is that path (malloc'd; the caller frees
 * it), or NULL when there is none. Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_compose_default_override(const char *compose_path,
	char **override_path);

#endif

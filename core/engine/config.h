/*
 * engine/config.h - the configuration file (.plimsoll.yaml): found for each
 * file from its directory upward, parsed with positions, checked against
 * the policies' declarations before any file is read, and resolved into
 * what each file's run uses: which rules run, at which severity, with
 * which settings, and whether the file is scanned at all.
 *
 * Lifecycle: create a set; plm_config_discover() each planned project
 * (or a path) to read the files it needs; add plm_config_policy_dirs() to
 * the engine's options; plm_config_bind() the engine; then plm_run() (or
 * plm_config_resolve()) looks each file up, cached per directory.
 * Discovering and resolving run on one thread (the run's calling thread);
 * what resolve returns is read-only and lives as long as the set.
 */
#ifndef PLM_ENGINE_CONFIG_H
#define PLM_ENGINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "engine/engine.h"
#include "engine/project.h"
#include "engine/settings.h"

/* The names looked for in each directory, in this order. */
#define PLM_CONFIG_NAME ".plimsoll.yaml"
#define PLM_CONFIG_NAME_ALT ".plimsoll.yml"
/* Largest configuration file read. */
#define PLM_CONFIG_MAX_SIZE ((size_t)1024 * 1024)
/* Most `overrides:` entries in one file. */
#define PLM_CONFIG_MAX_OVERRIDES 64
/* `fail-on: none`: above every severity. */
#define PLM_CONFIG_FAIL_ON_NONE (PLM_SEVERITY_CRITICAL + 1)

struct plm_config_options {
	const char *file; /* --config FILE: used for every file, no lookup */
	bool disabled;    /* --no-config: no file at all */
	/* --set: these values win over every file (borrowed). */
	const struct plm_settings *cli_settings;
};

/* What one rule is for one file. origin strings say where a value came
 * from ("deploy/.plimsoll.yaml:4:7", "--set"), NULL: the default. */
struct plm_rule_config {
	bool enabled;
	int severity; /* enum plm_severity, or -1: the policy's own */
	struct plm_setting_values settings;
	const char *enabled_origin;
	const char *severity_origin;
	const char *const *setting_origins; /* one per setting */
};

/* What the configuration says for one file. */
struct plm_file_config {
	const char *file; /* the configuration's path, or NULL: none */
	bool excluded;    /* by `paths:`: the file is not scanned */
	int fail_on;      /* a severity, PLM_CONFIG_FAIL_ON_NONE, or -1 */
	const char *fail_on_origin;
	/* One per rule of the bound engine (plm_engine_rules order). */
	const struct plm_rule_config *rules;
};

struct plm_config_set;

/* Creates an empty set (options copied; cli_settings borrowed). The
 * current directory is read once here: relative paths are taken from it.
 * Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_config_set_create(const struct plm_config_options *o,
	struct plm_config_set **out);
/* Frees the set and everything resolved from it. Accepts NULL. */
void plm_config_set_destroy(struct plm_config_set *cs);

/* Finds and parses the configuration of every unit of a planned project.
 * Returns 0, PLM_EINVAL (a file is wrong: *error holds one line
 * "FILE:LINE:COL: message" per problem, malloc'd) or PLM_ENOMEM. */
PLM_NODISCARD int plm_config_discover(struct plm_config_set *cs,
	const struct plm_project *project, char **error);
/* The same for one path (a file, or a directory: its own configuration). */
PLM_NODISCARD int plm_config_discover_path(struct plm_config_set *cs,
	const char *path, char **error);

/* The policy directories the discovered files name (`policy-dirs:`),
 * each once, as paths to open; valid until the next discover. */
const char *const *plm_config_policy_dirs(const struct plm_config_set *cs,
	size_t *count);

/* Checks every discovered file against the engine's catalogue (rule ids
 * and aliases, tags, settings and their declared types) and keeps the
 * engine for resolving. Returns 0, PLM_EINVAL with *error as above, or
 * PLM_ENOMEM. */
PLM_NODISCARD int plm_config_bind(struct plm_config_set *cs,
	const struct plm_engine *engine, char **error);

/* What applies to the file at path (with directory: the directory itself,
 * as a file in it would see it; NULL or "-": the current directory), found, parsed and checked now if its
 * directory was not seen yet. After plm_config_bind only. Returns 0 with
 * *out set, PLM_EINVAL with *error, or PLM_ENOMEM. */
PLM_NODISCARD int plm_config_resolve(struct plm_config_set *cs,
	const char *path, bool directory, const struct plm_file_config **out,
	char **error);

/* Counts for tests and benchmarks: directories looked up on disk, and
 * configuration files read. */
void plm_config_stats(const struct plm_config_set *cs, size_t *dirs_searched,
	size_t *files_read);

#endif

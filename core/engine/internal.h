/*
 * engine/internal.h - the catalogue's insides, shared by the engine's files.
 */
#ifndef PLM_ENGINE_INTERNAL_H
#define PLM_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/engine.h"
#include "engine/settings.h"
#include "lua/checker.h"
#include "util/arena.h"

/* Largest policy file read. */
#define PLM_MAX_POLICY_SIZE ((size_t)1024 * 1024)
/* Findings one policy may report on one file. */
#define PLM_MAX_FINDINGS_PER_RUN 10000
/* Longest finding message or fix kept (bytes). */
#define PLM_MAX_MESSAGE 4096
/* Lines longer than this are quoted as a window of this many bytes,
 * starting this many before the finding's region. */
#define PLM_LINE_TEXT_MAX 480
#define PLM_LINE_TEXT_BEFORE 160
/* Lines up to this long count whole in a finding's fingerprint; longer
 * ones by the window quoted from them. */
#define PLM_FINGERPRINT_LINE_MAX 4096

struct plm_policy {
	struct plm_rule_info info;  /* strings in the engine's arena */
	struct plm_lua_chunk chunk; /* its source, in the engine's arena */
	const struct plm_setting_decl *settings; /* declared */
	size_t setting_count;
	struct plm_setting_values values; /* as checked for this run */
	unsigned kinds;                   /* 1u << enum plm_kind */
	bool project; /* scope = "project": check(project, report) */
};

struct plm_engine {
	struct plm_arena *arena;
	struct plm_policy *policies; /* selected, sorted by id */
	size_t count;
	/* Every policy loaded, before selection: a configuration may name a
	 * rule that --only or --skip left out. */
	struct plm_policy *all;
	size_t all_count;
	struct plm_rule_info *rules;  /* policies[i].info, contiguous */
	struct plm_lua_chunk *chunks; /* policies[i].chunk, contiguous */
	struct plm_lua_limits limits;
};

/* Checks the value of every entry of s against the declarations of the
 * loaded policies (all of them, before selection) and stores each
 * policy's values. Returns 0, or PLM_EINVAL with *error a malloc'd
 * message naming the entry's origin. */
PLM_NODISCARD int plm_engine_apply_settings(struct plm_policy *all,
	size_t count, const struct plm_settings *s, struct plm_arena *arena,
	char **error);

/* Text to a typed value of declaration d (lists into the arena). Returns
 * 0, or PLM_EINVAL with *problem a static description. */
PLM_NODISCARD int plm_setting_parse(const struct plm_setting_decl *d,
	const char *text, struct plm_arena *a, struct plm_setting_value *out,
	const char **problem);

/* Finds, reads and validates every policy o names (before selection) into
 * the arena. Returns 0 or an error with *error malloc'd. */
PLM_NODISCARD int plm_policy_load_all(const struct plm_engine_options *o,
	const struct plm_lua_limits *limits, struct plm_arena *arena,
	struct plm_policy **out, size_t *count, char **error);

/* A malloc'd printf; NULL when out of memory. */
char *plm_engine_strdupf(const char *fmt, ...) PLM_PRINTF(1, 2);

/* A malloc'd copy of a Lua message where a location shortened by Lua
 * ("...tail/of/policy.lua:12: ...") is given back its full path when it is
 * the end of `path`. NULL when out of memory. */
char *plm_engine_full_location(const char *message, const char *path);

/* In-source suppression of a finding at (source, 0-based line) for rule:
 * true when an ignore comment covers it; *reason gets the justification
 * (into buf) or NULL. */
bool plm_suppress_match(const struct plm_doc *doc, uint32_t source,
	uint32_t line, const struct plm_rule_info *rule, char *buf,
	size_t buf_len, const char **reason);
/* Suppression by a Kubernetes annotation on the object the span lies in
 * (or on its pod template): `plimsoll.dev/ignore: "ID,ID"` or kube-linter's
 * `ignore-check.kube-linter.io/<check>: reason` for a rule with that alias.
 * Same contract as plm_suppress_match. */
bool plm_suppress_annotation(const struct plm_doc *doc, struct plm_span span,
	const struct plm_rule_info *rule, char *buf, size_t buf_len,
	const char **reason);

#endif

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
	struct plm_rule_needs needs;      /* not run where these are not */
	bool project; /* scope = "project": check(project, report) */
	bool builtin; /* from the built-in directory: trusted code */
};

/* The most source bytes a document may have for the built-in policies to
 * run on it without the count hook (a sixth of a scan's time): a helper
 * that is slower than linear in some hostile shape of input stays within
 * seconds below it; above, the instruction budget ends it as before. */
#define PLM_UNCOUNTED_BYTES ((size_t)64 * 1024)

struct plm_engine {
	struct plm_arena *arena;
	struct plm_policy *policies; /* selected, sorted by id */
	size_t count;
	/* Every policy loaded, before selection: a configuration may name a
	 * rule that --only or --skip left out, and an ignore naming one that
	 * did not run is not unknown. */
	struct plm_policy *all;
	size_t all_count;
	struct plm_rule_info *rules;  /* policies[i].info, contiguous */
	struct plm_lua_chunk *chunks; /* policies[i].chunk, contiguous */
	struct plm_lua_limits limits;
	/* The limits of the built-in policies on a document of at most
	 * PLM_UNCOUNTED_BYTES: their VM instructions are not counted unless
	 * --policy-instructions was given. */
	struct plm_lua_limits builtin_limits;
	bool report_unused; /* --report-unused-ignores */
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

/* The ignore directives of a document (comments in every source, and
 * annotations on Kubernetes objects), read once: each finding is matched
 * against it, and it records which ids suppressed something. Borrows the
 * document, which must outlive it. */
struct plm_suppress_table;

/* True when src's text could hold a directive: one of their words after
 * a '#' on its line, or an ignore annotation's key. When false,
 * plm_suppress_build finds nothing in a document of that one source,
 * whatever its tree. */
bool plm_suppress_possible(const struct plm_source *src);
/* Reads doc's directives into *out (free with plm_suppress_destroy).
 * Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_suppress_build(const struct plm_doc *doc,
	struct plm_suppress_table **out);
/* Accepts NULL. */
void plm_suppress_destroy(struct plm_suppress_table *t);
/* True when a directive covers a finding of rule at span (0-based `line`
 * of its source): a comment on or above the line, a file-wide one, an
 * annotation of the object the span lies in. Marks every directive id
 * that names the rule there as used; *reason gets the nearest one's
 * justification (into buf) or NULL. t may be NULL (nothing covers). */
bool plm_suppress_find(struct plm_suppress_table *t, struct plm_span span,
	uint32_t line, const struct plm_rule_info *rule, char *buf,
	size_t buf_len, const char **reason);
/* After doc's findings: a suppress/unknown-rule warning on result for
 * each id of plimsoll's forms that names no rule of the catalogue (file
 * pass only), and, when e reports unused ignores, each id's use
 * (plm_ignore_use) on result for the run's ledger. ran[i]: selected
 * rule i ran to its end on doc in this pass (the file pass, or the
 * project pass when project_pass). Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_suppress_finish(struct plm_suppress_table *t,
	const struct plm_engine *e, const struct plm_doc *doc, const bool *ran,
	bool project_pass, struct plm_file_result *result);

#endif

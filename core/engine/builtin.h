/*
 * engine/builtin.h - the built-in policies' metadata, read at build time
 * (core/engine/builtin_gen.c runs each policy's chunk with the same code a
 * scan would and writes what it returned as C). A scan whose policies are
 * the built-in ones, unchanged, starts without running a line of Lua for
 * their metadata: reading the 70 policies' tables was half of what a scan
 * of one small file cost.
 *
 * An entry holds for a policy file whose text has the hash and length it
 * was read from (lua/precompiled.h's hash); a changed file is read at run
 * time as before.
 */
#ifndef PLM_ENGINE_BUILTIN_H
#define PLM_ENGINE_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/settings.h"
#include "lua/checker.h"
#include "plimsoll/finding.h"

struct plm_builtin_metadata {
	const char *name; /* the policy's folder */
	uint64_t hash;    /* of the text read (plm_precompiled_hash) */
	size_t text_len;
	struct plm_rule_info info; /* all but source_path */
	bool project;              /* scope = "project" */
	const struct plm_setting_decl *settings;
	size_t setting_count;
	struct plm_rule_needs needs;
};

/* NULL-terminated, by folder name; empty in the build-time tool itself
 * (engine/builtin_none.c). */
extern const struct plm_builtin_metadata *const plm_builtin_metadata[];

#endif

/*
 * plimsoll/plugin.h - the output-plugin interface.
 *
 * An output plugin turns a run's findings into one format. The built-in
 * formats (sarif, json, text, ...) implement exactly this interface; a
 * third-party plugin is a shared object that exports one symbol,
 *
 *     const struct plm_output_plugin *plm_output_plugin_entry(void);
 *
 * The struct starts with its ABI version and only ever grows at the end: a
 * host reads abi_version first and never calls past what that version has.
 * Every callback may be NULL except create and destroy. The host calls, in
 * order: create, begin, then finding/notification any number of times (in
 * output order: by file, then position, then rule), end, destroy.
 * Findings whose `suppression` is not PLM_SUPPRESSION_NONE reach a plugin
 * only when the run's include_suppressed is set (the host filters them);
 * a plugin whose format cannot mark a result as suppressed skips them.
 *
 * Versioning: a plugin sets abi_version to the PLM_PLUGIN_ABI_VERSION it
 * was built with; the host refuses a plugin newer than itself, so every
 * field a plugin's headers declare is present in what the host passes.
 * New fields are only ever appended, and a new version is cut when a
 * released header grows.
 *
 * Ownership: everything passed in is borrowed for the call, except the
 * run info given to begin(), which stays valid until end() returns (a
 * plugin may keep the pointer and read the rules at each finding). create()
 * allocates the plugin's state; destroy() frees it and accepts NULL. The
 * `out` stream belongs to the host, which closes it after destroy().
 */
#ifndef PLIMSOLL_PLUGIN_H
#define PLIMSOLL_PLUGIN_H

#include <stdio.h>
#include "plimsoll/api.h"
#include "plimsoll/finding.h"

PLM_BEGIN_DECLS

/* ABI 1: the structs of plimsoll/finding.h and this header.
 * ABI 2: the same structs; the host exports the helpers a plugin may call
 * (plimsoll/report.h, plimsoll/collect.h, plimsoll/jsonw.h and
 * plm_severity_level), which a host of ABI 1 does not have. A plugin that
 * calls none of them may keep declaring ABI 1. */
#define PLM_PLUGIN_ABI_VERSION 2u
#define PLM_PLUGIN_ENTRY_SYMBOL "plm_output_plugin_entry"

/* Options the host passes to create(). */
struct plm_plugin_options {
	FILE *out;  /* where to write */
	bool color; /* the output is a colour terminal and NO_COLOR is unset */
	bool verbose; /* say more where the format can */
	/* Added within ABI 1, after the first draft. */
	bool pretty; /* lay out for people rather than for size:
	                          * the sarif format is compact JSON without
	                          * it (large logs must stay under consumers'
	                          * size limits) and indented with it */
};

struct plm_output_plugin {
	uint32_t abi_version;    /* PLM_PLUGIN_ABI_VERSION */
	const char *name;        /* the --format name */
	const char *description; /* one line */

	/* Returns the plugin's state, or NULL on failure. */
	void *(*create)(const struct plm_plugin_options *options);
	/* Each returns 0 or a negative PLM_E* code; a failure ends the run as
	 * incomplete but other plugins go on. */
	int (*begin)(void *self, const struct plm_run_info *run);
	int (*finding)(void *self, const struct plm_finding *finding);
	int (*notification)(void *self, const struct plm_notification *note);
	int (*end)(void *self, const struct plm_run_summary *summary);
	void (*destroy)(void *self);
};

typedef const struct plm_output_plugin *(*plm_output_plugin_entry_fn)(void);

/* The one symbol a plugin shared object defines and exports: returns its
 * plugin struct, which stays valid until the object is unloaded. The
 * built-in formats have the same entry, named plm_plugin_NAME_entry, and
 * are listed by the build (plugins/meson.build) in the table the host
 * searches after the plugins it loaded. */
PLM_PLUGIN_EXPORT const struct plm_output_plugin *plm_output_plugin_entry(void);

PLM_END_DECLS

#endif

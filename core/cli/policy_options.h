/*
 * cli/policy_options.h - the policy selection options that `scan`, `rules`,
 * `explain` and `test` share, and the engine options they make.
 */
#ifndef PLM_CLI_POLICY_OPTIONS_H
#define PLM_CLI_POLICY_OPTIONS_H

#include <stdbool.h>
#include <getopt.h>
#include "cli/cli.h"
#include "engine/engine.h"

/* getopt_long codes of the policy options (above any short option). */
enum {
	PLM_OPT_POLICY_DIR = 0x1000,
	PLM_OPT_POLICY,
	PLM_OPT_ONLY,
	PLM_OPT_SKIP,
	PLM_OPT_TAG,
	PLM_OPT_NO_BUILTIN,
	PLM_OPT_POLICY_MEMORY,
	PLM_OPT_POLICY_INSTRUCTIONS,
	PLM_OPT_POLICY_TIMEOUT,
	PLM_OPT_SET,
};

/* The long options above, for a getopt_long table. */
#define PLM_POLICY_LONG_OPTIONS \
	{"policy-dir", required_argument, NULL, PLM_OPT_POLICY_DIR}, \
		{"policy", required_argument, NULL, PLM_OPT_POLICY}, \
		{"only", required_argument, NULL, PLM_OPT_ONLY}, \
		{"skip", required_argument, NULL, PLM_OPT_SKIP}, \
		{"tag", required_argument, NULL, PLM_OPT_TAG}, \
		{"no-builtin", no_argument, NULL, PLM_OPT_NO_BUILTIN}, \
		{"policy-memory", required_argument, NULL, \
			PLM_OPT_POLICY_MEMORY}, \
		{"policy-instructions", required_argument, NULL, \
			PLM_OPT_POLICY_INSTRUCTIONS}, \
		{"policy-timeout", required_argument, NULL, \
			PLM_OPT_POLICY_TIMEOUT}, \
	{ \
		"set", required_argument, NULL, PLM_OPT_SET \
	}

#define PLM_POLICY_OPTIONS_HELP \
	"  --policy-dir DIR        also load the policies in DIR (repeatable)\n" \
	"  --policy FILE           also load one policy file (repeatable)\n" \
	"  --only ID,...           run only these rules (ids or aliases)\n" \
	"  --skip ID,...           do not run these rules\n" \
	"  --tag TAG               run only rules with this tag (repeatable)\n" \
	"  --no-builtin            do not load the built-in policies\n" \
	"  --policy-memory SIZE    memory cap per policy run (default 64M)\n" \
	"  --policy-instructions N instruction budget per policy run (default\n" \
	"                          20M; counted for the built-in policies on files\n" \
	"                          over 64 KB, or on all when it is given)\n" \
	"  --policy-timeout SECONDS  wall-clock time per policy run (default 10)\n" \
	"  --set RULE.KEY=VALUE    a setting of a rule (repeatable; a list is\n" \
	"                          comma-separated); see plimsoll explain RULE\n"

struct plm_policy_options {
	struct plm_strvec dirs;
	struct plm_strvec files;
	struct plm_strvec only;
	struct plm_strvec skip;
	struct plm_strvec tags;
	struct plm_strvec owned; /* comma-split parts */
	bool no_builtin;
	size_t memory;
	unsigned long long instructions;
	double seconds;
	struct plm_settings *settings; /* --set; NULL until the first */
};

/* Handles one getopt code. Returns 1 when it was a policy option (handled),
 * 0 when it is not one, -1 on a bad value or out of memory (message
 * printed, prefixed with `command`). */
int plm_policy_option(struct plm_policy_options *p, int code, const char *arg,
	const char *command);
/* The engine options these make (borrowing p's strings). */
struct plm_engine_options plm_policy_engine_options(
	const struct plm_policy_options *p);
/* Frees the lists. */
void plm_policy_options_free(struct plm_policy_options *p);

#endif

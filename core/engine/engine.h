/*
 * engine/engine.h - the policy engine: a catalogue of validated policies
 * (built-in, --policy-dir, --policy), and checkers that run them over
 * documents.
 *
 * Ownership: the engine owns the catalogue and is read-only once created,
 * so every worker thread shares it. Each worker creates its own checker
 * (one sandboxed Lua state with every selected policy compiled once) and
 * uses it from that thread only.
 */
#ifndef PLM_ENGINE_ENGINE_H
#define PLM_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "engine/result.h"
#include "engine/settings.h"
#include "model/document.h"

struct plm_engine_options {
	const char *const *policy_dirs;
	size_t policy_dir_count; /* --policy-dir (repeatable) */
	const char *const *policy_files;
	size_t policy_file_count; /* --policy FILE */
	const char *const *only;
	size_t only_count; /* --only ID,... (ids or aliases) */
	const char *const *skip;
	size_t skip_count; /* --skip ID,... */
	const char *const *tags;
	size_t tag_count;        /* --tag TAG */
	bool no_builtin;         /* --no-builtin */
	const char *builtin_dir; /* NULL: see plm_engine_builtin_dir() */
	size_t memory_limit;     /* bytes per policy run; 0: default (64 MiB) */
	uint64_t instruction_limit; /* VM instructions per policy run; 0: default */
	double time_limit; /* wall-clock seconds per policy run; 0: default (10) */
	const struct plm_settings
		*settings; /* --set RULE.KEY=VALUE; may be NULL */
	/* --report-unused-ignores: results carry each ignore id's use for
	 * the run's ledger (engine/suppress.h). */
	bool report_unused_ignores;
};

struct plm_engine;
struct plm_checker;

/* Loads and validates every policy the options name, then keeps those
 * selected by --only/--skip/--tag, sorted by id. Returns 0, or PLM_EPOLICY
 * (a policy does not load, its metadata is wrong, two share an id, an
 * --only/--skip id is unknown), PLM_EIO (a directory or file cannot be
 * read) or PLM_ENOMEM, with *error a malloc'd message naming the file
 * (caller frees). */
PLM_NODISCARD int plm_engine_create(const struct plm_engine_options *o,
	struct plm_engine **out, char **error);
/* Frees the catalogue. Accepts NULL. Every checker must be gone. */
void plm_engine_destroy(struct plm_engine *e);

/* The selected rules, sorted by id; valid as long as the engine. A
 * finding's rule_index indexes this array. */
const struct plm_rule_info *plm_engine_rules(const struct plm_engine *e,
	size_t *count);
/* The rule whose id or alias is `name`, with its index, or NULL. */
const struct plm_rule_info *plm_engine_find(const struct plm_engine *e,
	const char *name, size_t *index);
/* The settings rule `index` declares, each with the value it has for this
 * engine's runs (its default unless the options set it). Valid as long as
 * the engine; count 0 when the rule has none or index is out of range. */
struct plm_setting_values plm_engine_rule_settings(const struct plm_engine *e,
	size_t index);
/* True when the engine was created with report_unused_ignores. */
bool plm_engine_reports_unused(const struct plm_engine *e);
/* The directory holding the built-in policies that options would use:
 * o->builtin_dir, else $PLIMSOLL_POLICY_DIR when set and not empty, else
 * <datadir>/plimsoll/policies of the install prefix when it exists, else
 * the source tree's policies/ (a binary not installed yet). */
const char *plm_engine_builtin_dir(const struct plm_engine_options *o);

/* What one rule cost over the files a checker ran it on (--profile). */
struct plm_rule_profile {
	uint64_t runs;        /* files it ran on */
	uint64_t skipped;     /* files of its kinds it was not started on:
	                       * they lacked what it needs */
	uint64_t findings;    /* reported, suppressed or not */
	uint64_t failures;    /* runs that ended as a policy error */
	uint64_t nanoseconds; /* CPU time of its runs (the thread's clock) */
	uint64_t max_nanoseconds;  /* the slowest run */
	uint64_t instructions;     /* charged to the instruction budget: VM
	                            * instructions in steps of the hook's
	                            * 1,000, plus library and allocation
	                            * charges */
	uint64_t max_instructions; /* the most one run was charged */
};

/* Creates a checker for one worker thread. Returns 0, or PLM_ENOMEM /
 * PLM_EPOLICY with *error a malloc'd message (caller frees). */
PLM_NODISCARD int plm_checker_create(const struct plm_engine *e,
	struct plm_checker **out, char **error);
/* Leaves the line hashes of project findings unset when skip is true
 * (plm_run_options.no_line_hashes); by default they are worked out. */
void plm_checker_skip_line_hashes(struct plm_checker *c, bool skip);
/* Closes the checker's Lua state. Accepts NULL. */
void plm_checker_destroy(struct plm_checker *c);
/* Frees what the runs so far left in the checker's Lua state (a full
 * collection): a long-lived checker (the language server's) keeps its
 * memory where one run puts it. Accepts NULL. */
void plm_checker_collect(struct plm_checker *c);
/* Measures every later run of this checker (two clock reads per policy
 * run; off by default). Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_checker_profile(struct plm_checker *c);
/* Adds what the checker measured to totals, indexed like
 * plm_engine_rules. */
void plm_checker_add_profile(const struct plm_checker *c,
	struct plm_rule_profile *totals);

/* Runs every selected file-scope policy that applies to doc->kind (never a
 * project-scope one: see plm_checker_run_project), in id order, and
 * appends to result its findings (with region, snippet, line text, fix,
 * fingerprint and in-source suppression) and one PLM_NOTIFY_POLICY_ERROR
 * notification per policy that errored, ran out of instructions or memory
 * (naming the policy file:line and the scanned file); what a failed
 * policy reported on this file before failing is dropped. Findings are
 * appended by rule, then position, then message (not in report order, so
 * occurrence counts in fingerprints never depend on the worker); sort
 * with plm_file_result_sort() for output. doc is
 * borrowed for the call. Returns 0, or PLM_ENOMEM when the result could not
 * grow. */
PLM_NODISCARD int plm_checker_run(struct plm_checker *c,
	const struct plm_doc *doc, struct plm_file_result *result);
struct plm_rule_config;
/* The same with what a file's configuration says for each rule (one per
 * rule of plm_engine_rules; NULL: defaults): rules turned off do not
 * run, each runs with its configured settings, and its findings carry
 * the configured severity. config is borrowed for the call. */
PLM_NODISCARD int plm_checker_run_config(struct plm_checker *c,
	const struct plm_doc *doc, const struct plm_rule_config *config,
	struct plm_file_result *result);
/* The same for one rule only (its index in plm_engine_rules), whatever
 * its applies_to (nothing for a project-scope rule); `plimsoll test`
 * uses it. */
PLM_NODISCARD int plm_checker_run_rule(struct plm_checker *c,
	const struct plm_doc *doc, size_t rule_index,
	struct plm_file_result *result);

/* True when the rule (its index in plm_engine_rules) has project scope:
 * it runs in plm_checker_run_project, never in plm_checker_run. */
bool plm_engine_rule_is_project(const struct plm_engine *e, size_t index);

/* What the rule (its index in plm_engine_rules) needs of a file to run
 * on it, in words, into buf ("a container; an instruction RUN
 * (Dockerfiles); one of "npm", "yarn" in the text"; cut to size); false
 * (buf "") when it needs nothing. */
bool plm_engine_rule_needs_text(const struct plm_engine *e, size_t index,
	char *buf, size_t size);

struct plm_index;
struct plm_load_options;

/* Runs every selected project-scope policy once over the project index,
 * in id order, and appends to result their findings (each with its own
 * path: the file it lands in, loaded again through plm_load() with load
 * (NULL: defaults) for its snippet, fingerprint and in-source
 * suppression; related locations copied) and one PLM_NOTIFY_POLICY_ERROR
 * notification per policy that failed ("on the project", no path).
 * File-scope policies do not run. index and load are borrowed for the
 * call. Returns 0, or PLM_ENOMEM. */
PLM_NODISCARD int plm_checker_run_project(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	struct plm_file_result *result);
/* The same for one project-scope rule only; `plimsoll test` uses it. */
PLM_NODISCARD int plm_checker_run_project_rule(struct plm_checker *c,
	const struct plm_index *index, const struct plm_load_options *load,
	size_t rule_index, struct plm_file_result *result);

#endif

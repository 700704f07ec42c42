/*
 * engine/run.h - the run: every unit of a project built into its document
 * and checked by the policies, on worker threads, with each unit's result
 * handed to the caller's sink in unit order.
 *
 * This is the one place where files are loaded and checked: `scan`,
 * `test`, `dump` and the benchmarks are faces that build a project, pick
 * the options and give a sink. Output starts before the last unit is
 * checked, and a result is held only until everything before it is out,
 * so memory stays flat in the number of files.
 */
#ifndef PLM_ENGINE_RUN_H
#define PLM_ENGINE_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/config.h"
#include "engine/engine.h"
#include "engine/project.h"
#include "engine/result.h"
#include "model/document.h"

/* Every selected rule that applies to the document's kind. */
#define PLM_RUN_ALL_RULES ((size_t)-1)

/* With fit_jobs, the work one more worker takes to pay for itself: a
 * worker makes its own checker (a Lua state, each policy loaded again on
 * its first file, a heap of its own), about what checking a few dozen
 * small files costs. A unit's work is its bytes and PLM_RUN_UNIT_WORK. */
#define PLM_RUN_WORK_PER_JOB ((long long)64 * 1024)
#define PLM_RUN_UNIT_WORK ((long long)1024)

struct plm_run_options {
	const struct plm_engine *engine; /* shared, read-only */
	long jobs;                       /* worker threads; <= 1: this thread */
	/* jobs is the most to use: fewer when the units are too little work
	 * to pay for a worker's own checker (PLM_RUN_WORK_PER_JOB). */
	bool fit_jobs;
	/* PLM_RUN_ALL_RULES, or the index (plm_engine_rules) of the one rule
	 * to run on every document whatever its applies_to (`test`). */
	size_t rule;
	/* Build documents only; no checker, no policy (`dump`, parse-only
	 * benchmarks). */
	bool no_policies;
	/* --profile: every checker's figures are added here, one per rule of
	 * the engine; NULL: nothing is measured per rule. */
	struct plm_rule_profile *profile;
	/* Measure each unit's building and checking on its thread's CPU
	 * clock into the status (benchmarks). */
	bool measure;
	/* The configuration files (bound to `engine`), looked up for each
	 * unit on the calling thread before any is read; NULL: none. Not
	 * used when `rule` names one rule. */
	struct plm_config_set *configs;
	/* Run the file-scope rules only: the project pass over the index
	 * is left out (an editor's buffer, linted alone, is not the whole
	 * project those rules judge). */
	bool no_project_rules;
	/* Leave the findings' GitHub line hashes (plm_finding.line_hash)
	 * unset: no output reads them (only JSON and SARIF write them), and
	 * working them out reads every byte of each file with a finding
	 * again. Not applied to `checker` when one is given. */
	bool no_line_hashes;
	/* The checker to run with (the run then works on the calling thread
	 * only), made by the caller from
	 * the same engine and kept across runs (an editor lints the same
	 * policies on every change; compiling them is most of a small
	 * file's cost). NULL: each run makes its own. */
	struct plm_checker *checker;
};

struct plm_sink {
	/* May be NULL. Called once a unit's document is built, before it is
	 * checked, on the thread that built it (the calling thread when
	 * jobs <= 1); doc and unit are borrowed for the call. */
	void (*document)(void *ctx, const struct plm_unit *unit,
		const struct plm_doc *doc);
	/* Called on the calling thread once per unit, in unit order; the
	 * result is freed when it returns. When project-scope rules run,
	 * once more at the end with their findings (each in its own file)
	 * and failures: a result whose path is "" and that is not scanned.
	 * When the engine reports unused ignores, that last result (or,
	 * without project-scope rules, one of its own, only when there is
	 * something to say) carries their suppress/unused warnings. */
	void (*result)(void *ctx, const struct plm_file_result *r);
	void *ctx;
	/* May be NULL (last, so that positional initializers of the
	 * fields above still hold). How far the run is: `done` of the `total` units are
	 * built and checked (in any order; results may still wait for an
	 * earlier one). Called on the calling thread after each of its own
	 * units and each result and, while it waits for workers, every
	 * PLM_RUN_PROGRESS_MS at least, so a face can show progress without
	 * a thread of its own (not while the calling thread checks a unit:
	 * a big one pauses it); the face throttles what it draws. */
	void (*progress)(void *ctx, size_t done, size_t total);
};

/* The longest the calling thread waits without calling sink.progress. */
#define PLM_RUN_PROGRESS_MS 100

struct plm_run_status {
	char *checker_error; /* a worker could not build its checker (malloc'd) */
	/* a configuration is wrong ("FILE:LINE:COL: message" lines,
	 * malloc'd): nothing was read or delivered */
	char *config_error;
	bool out_of_memory;         /* a unit's result could not be started */
	size_t delivered;           /* results handed to the sink */
	uint64_t build_nanoseconds; /* with `measure`: reading, parsing, */
	uint64_t check_nanoseconds; /* normalizing; the policies */
};

/* Plans the project (plm_project_plan), resolves each unit's
 * configuration, and runs it. Every unit reaches the sink unless a
 * configuration is wrong (st->config_error), no worker could build its
 * checker (st->checker_error) or memory ran out (st->out_of_memory). A
 * unit its configuration excludes reaches the sink as a result marked
 * `excluded`, not read. Free st->checker_error and st->config_error. */
void plm_run(struct plm_project *project, const struct plm_run_options *o,
	const struct plm_sink *sink, struct plm_run_status *st);

/* How a face writes a built document as the model policies read, in JSON
 * (docs/model.md): the engine's entry to core/model's writer, so the
 * `dump` face needs nothing below the engine. */
struct plm_run_dump {
	bool spans;      /* each node as {"value":..., "span":"L:C-L:C"} */
	bool tree;       /* the format's tree */
	bool containers; /* the containers view */
};

/* Writes doc to out. Returns 0 or PLM_EIO/PLM_ENOMEM. */
PLM_NODISCARD int plm_run_dump_doc(FILE *out, const struct plm_doc *doc,
	const struct plm_run_dump *how);

#endif

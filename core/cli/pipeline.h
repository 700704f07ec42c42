/*
 * cli/pipeline.h - the scan pipeline: worker threads load and check the
 * discovered files in any order, while the calling thread hands each
 * file's result to a sink in discovery order as soon as it and every
 * earlier one are ready, then frees it.
 *
 * Output therefore starts before the last file is checked and overlaps the
 * checking, and a result is held only until everything before it is out.
 */
#ifndef PLM_CLI_PIPELINE_H
#define PLM_CLI_PIPELINE_H

#include <stdbool.h>

#include "discover/discover.h"
#include "engine/engine.h"
#include "engine/result.h"
#include "load/load.h"

struct plm_pipeline {
	const struct plm_discover_list *files;
	const struct plm_load_options *load;
	/* The paths named on the command line: a file found by walking one
	 * of them is loaded with it as the tree's root (load->root), so the
	 * files it pulls in are read inside what was scanned; a file named
	 * itself keeps load->root. */
	const char *const *roots;
	size_t root_count;
	const char *stdin_name;            /* shown for "-" */
	const struct plm_engine *engine;   /* shared, read-only */
	long jobs;                         /* worker threads; 1: this thread */
	/* Called on this thread, once per file, in discovery order; the
	 * result is freed when it returns. */
	void (*sink)(void *ctx, const struct plm_file_result *r);
	void *ctx;
	/* --profile: every checker's figures are added here, one per rule
	 * of the engine; NULL: nothing is measured. */
	struct plm_rule_profile *profile;
};

struct plm_pipeline_status {
	char *checker_error;   /* a worker could not build its checker (malloc'd) */
	bool out_of_memory;    /* a file's result could not be started */
	size_t delivered;      /* results handed to the sink */
};

/* Runs the pipeline. Every file reaches the sink unless no worker could
 * build its checker (st->checker_error) or threads are unavailable and
 * this thread could not build one either. */
void plm_pipeline_run(const struct plm_pipeline *p,
	struct plm_pipeline_status *st);

#endif

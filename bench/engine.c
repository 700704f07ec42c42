/*
 * bench/engine.c - parsing against checking, in one process, per file:
 *
 *   engine-bench [--repeat N] [--only ID] KIND FILE...
 *
 * Runs the engine on one thread over the files (read, parse, normalize:
 * what `scan --no-builtin` does; then every built-in policy with one
 * checker), with the run measuring the two on the thread's CPU clock,
 * best of N passes. Output formatting and start-up are left out, so the
 * ratio is the engine's own cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/run.h"

struct tally {
	size_t files;
	size_t findings;
};

static void count_result(void *ctx, const struct plm_file_result *r)
{
	struct tally *t = ctx;
	t->files += r->scanned;
	t->findings += r->finding_count;
}

int main(int argc, char **argv)
{
	int repeat = 3;
	const char *only[1] = {NULL};
	int i = 1;
	while (argc - i > 2 && argv[i][0] == '-') {
		if (strcmp(argv[i], "--repeat") == 0) {
			repeat = atoi(argv[i + 1]);
		} else if (strcmp(argv[i], "--only") == 0) {
			only[0] = argv[i + 1];
		} else {
			break;
		}
		i += 2;
	}
	if (argc - i < 2 || repeat < 1) {
		fprintf(stderr,
			"usage: engine-bench [--repeat N] [--only ID] "
			"KIND FILE...\n");
		return 2;
	}
	enum plm_kind kind = plm_kind_parse(argv[i++]);
	struct plm_engine_options eo = {0};
	if (only[0] != NULL) {
		eo.only = only;
		eo.only_count = 1;
	}
	struct plm_engine *e = NULL;
	char *error = NULL;
	if (plm_engine_create(&eo, &e, &error) != 0) {
		fprintf(stderr, "engine-bench: %s\n", error);
		return 2;
	}
	double best_parse = 0, best_check = 0;
	struct tally t = {0};
	for (int pass = 0; pass < repeat; pass++) {
		struct plm_project_options po = {.kind = kind};
		struct plm_project *project = NULL;
		int rc = plm_project_create(&po, &project);
		for (int k = i; rc == 0 && k < argc; k++) {
			rc = plm_project_add_path(project, argv[k]);
		}
		if (rc != 0) {
			fputs("engine-bench: out of memory\n", stderr);
			return 2;
		}
		struct plm_run_options ro = {
			.engine = e,
			.jobs = 1,
			.rule = PLM_RUN_ALL_RULES,
			.measure = true,
		};
		t = (struct tally){0};
		struct plm_sink sink = {.result = count_result, .ctx = &t};
		struct plm_run_status rs;
		plm_run(project, &ro, &sink, &rs);
		plm_project_destroy(project);
		if (rs.checker_error != NULL || rs.out_of_memory) {
			fprintf(stderr, "engine-bench: %s\n",
				rs.checker_error ? rs.checker_error
						 : "out of memory");
			return 2;
		}
		double parse = (double)rs.build_nanoseconds / 1e9;
		double check = (double)rs.check_nanoseconds / 1e9;
		if (pass == 0 || parse < best_parse) {
			best_parse = parse;
		}
		if (pass == 0 || check < best_check) {
			best_check = check;
		}
	}
	size_t files = t.files, findings = t.findings;
	printf("%s: %zu files, %zu findings: parse %.3f s, policies %.3f s "
	       "(%.0f%% of parsing)\n",
		plm_kind_name(kind), files, findings, best_parse, best_check,
		100.0 * best_check / best_parse);
	plm_engine_destroy(e);
	return 0;
}

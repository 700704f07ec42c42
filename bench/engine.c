/*
 * bench/engine.c - parsing against checking, in one process, per file:
 *
 *   engine-bench [--repeat N] [--only ID] KIND FILE...
 *
 * Loads each file (read, parse, normalize: what `scan --no-builtin` does)
 * and runs every built-in policy on it with one checker, timing the two
 * with the thread's CPU clock, best of N passes. Output formatting and
 * start-up are left out, so the ratio is the engine's own cost. Each
 * document is also summarized into the project index, and the project
 * policies run once over it at the end: both timed apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "engine/index.h"
#include "load/load.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
		fprintf(stderr, "usage: engine-bench [--repeat N] [--only ID] "
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
	struct plm_checker *c = NULL;
	char *error = NULL;
	if (plm_engine_create(&eo, &e, &error) != 0 ||
		plm_checker_create(e, &c, &error) != 0) {
		fprintf(stderr, "engine-bench: %s\n", error);
		return 2;
	}
	double best_parse = 0, best_check = 0, best_index = 0, best_project = 0;
	size_t findings = 0, files = 0, project_findings = 0;
	for (int pass = 0; pass < repeat; pass++) {
		double parse = 0, check = 0, indexing = 0;
		findings = files = 0;
		struct plm_index *index = NULL;
		if (plm_index_create(&index) != 0) {
			return 2;
		}
		for (int k = i; k < argc; k++) {
			struct plm_load_options lo = {0};
			lo.kind = kind;
			struct plm_doc *doc = NULL;
			struct plm_load_status st;
			double t0 = now();
			if (plm_load(argv[k], argv[k], kind, true, &lo, &doc, &st) != 0) {
				return 2;
			}
			double t1 = now();
			parse += t1 - t0;
			if (st.outcome != PLM_LOAD_OK) {
				continue;
			}
			struct plm_file_result r;
			if (plm_file_result_init(&r, argv[k]) != 0) {
				return 2;
			}
			t1 = now();
			if (plm_checker_run(c, doc, &r) != 0) {
				return 2;
			}
			check += now() - t1;
			t1 = now();
			if (plm_index_add_doc(index, doc, argv[k], NULL) != 0) {
				return 2;
			}
			indexing += now() - t1;
			findings += r.finding_count;
			files++;
			plm_file_result_finish(&r);
			plm_doc_destroy(doc);
		}
		if (pass == 0 || parse < best_parse) {
			best_parse = parse;
		}
		if (pass == 0 || check < best_check) {
			best_check = check;
		}
		if (pass == 0 || indexing < best_index) {
			best_index = indexing;
		}
		struct plm_file_result r;
		struct plm_load_options lo = {0};
		if (plm_file_result_init(&r, "project") != 0) {
			return 2;
		}
		double t0 = now();
		if (plm_checker_run_project(c, index, &lo, &r) != 0) {
			return 2;
		}
		double project = now() - t0;
		if (pass == 0 || project < best_project) {
			best_project = project;
		}
		project_findings = r.finding_count;
		plm_file_result_finish(&r);
		plm_index_destroy(index);
	}
	printf("%s: %zu files, %zu findings: parse %.3f s, policies %.3f s "
		"(%.0f%% of parsing)\n", plm_kind_name(kind), files, findings,
		best_parse, best_check, 100.0 * best_check / best_parse);
	printf("  index %.3f s (%.1f%% of parse + policies); project policies "
		"%.3f s, %zu findings\n", best_index, 100.0 * best_index /
		(best_parse + best_check), best_project, project_findings);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	return 0;
}

/*
 * bench/project.c - a temporary driver for project-scope policies until
 * `scan` runs them (the engine's plm_run will):
 *
 *   project-run FORMAT OUTPUT FILE...
 *
 * Loads each file (kind by name, then content), indexes it, runs the
 * built-in project-scope policies once over the index and writes their
 * findings in FORMAT (sarif, json, text, ...) to OUTPUT ("-": stdout).
 * Exit status: 0 no findings, 1 findings, 2 an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/discover.h"
#include "engine/engine.h"
#include "engine/index.h"
#include "load/load.h"
#include "output/output.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: project-run FORMAT OUTPUT FILE...\n");
		return 2;
	}
	struct plm_engine_options eo = {0};
	struct plm_engine *e = NULL;
	struct plm_checker *c = NULL;
	struct plm_index *index = NULL;
	struct plm_output_set *set = NULL;
	struct plm_file_result r;
	char *error = NULL;
	char err[512];
	int status = 2;
	memset(&r, 0, sizeof(r));
	if (plm_engine_create(&eo, &e, &error) != 0 ||
		plm_checker_create(e, &c, &error) != 0) {
		fprintf(stderr, "project-run: %s\n", error);
		goto done;
	}
	if (plm_index_create(&index) != 0 ||
		plm_file_result_init(&r, "project") != 0) {
		goto done;
	}
	for (int i = 3; i < argc; i++) {
		bool is_yaml = false;
		enum plm_kind kind = plm_discover_kind_by_name(argv[i], &is_yaml);
		struct plm_load_options lo = {0};
		struct plm_doc *doc = NULL;
		struct plm_load_status st;
		if (plm_load(argv[i], argv[i], kind, true, &lo, &doc, &st) != 0) {
			goto done;
		}
		if (st.outcome != PLM_LOAD_OK) {
			fprintf(stderr, "project-run: %s: %s\n", argv[i], st.message);
			plm_doc_destroy(doc);
			goto done;
		}
		int rc = plm_index_add_doc(index, doc, argv[i], NULL);
		plm_doc_destroy(doc);
		if (rc != 0) {
			goto done;
		}
	}
	if (plm_checker_run_project(c, index, NULL, &r) != 0) {
		goto done;
	}
	plm_file_result_sort(&r);
	set = plm_output_set_create();
	if (set == NULL || plm_output_set_add(set, argv[1], argv[2], false, err,
			       sizeof(err)) != 0) {
		fprintf(stderr, "project-run: %s\n", set ? err : "out of memory");
		goto done;
	}
	size_t rule_count = 0;
	struct plm_run_info run = {0};
	run.tool_name = "plimsoll";
	run.information_uri = "https://github.com/plimsoll-linter/plimsoll";
	run.rules = plm_engine_rules(e, &rule_count);
	run.rule_count = rule_count;
	struct plm_run_summary sum = {0};
	sum.files_scanned = plm_index_doc_count(index);
	sum.seconds = -1;
	sum.successful = !r.incomplete;
	const char **paths = calloc(sum.files_scanned + 1, sizeof(*paths));
	if (paths == NULL) {
		goto done;
	}
	for (size_t i = 0; i < sum.files_scanned; i++) {
		paths[i] = plm_index_doc_at(index, i)->shown_path;
	}
	sum.paths = paths;
	sum.path_count = sum.files_scanned;
	int rc = plm_output_begin(set, &run);
	for (size_t i = 0; i < r.finding_count && rc == 0; i++) {
		const struct plm_finding *f = &r.findings[i];
		rc = plm_output_finding(set, f);
		if (f->suppression == PLM_SUPPRESSION_NONE) {
			sum.findings_by_severity[f->severity]++;
		} else {
			sum.findings_suppressed++;
		}
	}
	for (size_t i = 0; i < r.note_count && rc == 0; i++) {
		rc = plm_output_notification(set, &r.notes[i]);
	}
	sum.notifications = r.note_count;
	if (rc == 0) {
		rc = plm_output_end(set, &sum);
	}
	free(paths);
	status = rc != 0 || r.incomplete ? 2 : r.finding_count > 0 ? 1 : 0;
done:
	free(error);
	plm_output_set_destroy(set);
	plm_file_result_finish(&r);
	plm_index_destroy(index);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	return status;
}

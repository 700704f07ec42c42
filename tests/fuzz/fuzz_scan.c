/*
 * tests/fuzz/fuzz_scan.c - a whole scan of one file: the kind decided from
 * the content as `plimsoll scan` does for a file whose name says nothing
 * (Compose or Kubernetes by content detection, else Dockerfile; a
 * leading NUL byte and the byte after it pick the kind explicitly so
 * mutations reach every front end), the front end, every built-in policy in the sandboxed Lua host,
 * the result (diagnostics, sorting), `plimsoll dump`, and every built-in
 * output format writing to /dev/null.
 *
 * The engine (the validated catalogue) is created once and lives in this
 * harness, not the library. The checker (a Lua state with every policy
 * compiled) is created per input: a long-lived Lua state frees garbage of
 * one input during a later one, so libFuzzer's per-input leak check would
 * run LeakSanitizer on every input; a fresh checker keeps allocations
 * balanced and lets a leak anywhere in the checker's life show up.
 */
#include "fuzz.h"

#include "engine/engine.h"
#include "engine/result.h"
#include "load/load.h"
#include "model/dump.h"
#include "output/output.h"
#include "plimsoll/plugin.h"
#include "plm_config.h"
#include "yaml/yaml.h"

struct fuzz_scan {
	struct plm_engine *engine;
	const struct plm_rule_info *rules;
	size_t rule_count;
	FILE *devnull;
};

static struct fuzz_scan *scan_state(void)
{
	static struct fuzz_scan state;
	static bool ready;
	if (ready) {
		return &state;
	}
	struct plm_engine_options eo = {
		.builtin_dir = PLM_SOURCE_ROOT "/policies",
	};
	char *error = NULL;
	if (plm_engine_create(&eo, &state.engine, &error) != 0) {
		fprintf(stderr, "fuzz_scan: %s\n", error ? error : "no engine");
		abort();
	}
	state.rules = plm_engine_rules(state.engine, &state.rule_count);
	fuzz_invariant(state.rule_count > 0, "built-in policies loaded");
	state.devnull = fopen("/dev/null", "w");
	fuzz_invariant(state.devnull != NULL, "/dev/null opens");
	ready = true;
	return &state;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)scan_state();
	return 0;
}

static enum plm_kind pick_kind(const uint8_t **data, size_t *size)
{
	if (*size >= 2 && (*data)[0] == 0) {
		enum plm_kind k = (enum plm_kind)(1 + (*data)[1] % 3);
		*data += 2;
		*size -= 2;
		return k;
	}
	enum plm_kind k = PLM_KIND_UNKNOWN;
	if (plm_yaml_detect((const char *)*data, *size, &k) != 0) {
		k = PLM_KIND_UNKNOWN;
	}
	return k == PLM_KIND_UNKNOWN ? PLM_KIND_DOCKERFILE : k;
}

/* Feeds the result to every built-in output format. */
static void emit_all(struct fuzz_scan *s, const struct plm_file_result *r)
{
	struct plm_output_set *set = plm_output_set_create();
	if (set == NULL) {
		return;
	}
	char err[256];
	const struct plm_output_plugin *const *p = plm_output_builtins();
	for (; *p != NULL; p++) {
		if (plm_output_set_add(set, (*p)->name, "/dev/null", false, err,
			    sizeof(err)) != 0) {
			fprintf(stderr, "fuzz_scan: %s\n", err);
			abort();
		}
	}
	struct plm_run_info run = {
		.tool_name = "plimsoll",
		.tool_version = PLM_VERSION,
		.rules = s->rules,
		.rule_count = s->rule_count,
		.working_directory = "/src/",
		.command_line = "plimsoll scan",
		.include_suppressed = true,
	};
	struct plm_run_summary summary = {0};
	int rc = plm_output_begin(set, &run);
	for (size_t i = 0; i < r->note_count; i++) {
		summary.notifications++;
		rc |= plm_output_notification(set, &r->notes[i]);
	}
	for (size_t i = 0; i < r->finding_count; i++) {
		summary.findings_by_severity[r->findings[i].severity]++;
		rc |= plm_output_finding(set, &r->findings[i]);
	}
	summary.files_scanned = r->scanned ? 1 : 0;
	rc |= plm_output_end(set, &summary);
	fuzz_invariant(rc == 0, "every output format accepts the result");
	plm_output_set_destroy(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_scan *s = scan_state();
	enum plm_kind kind = pick_kind(&data, &size);
	struct plm_source *src = plm_source_create("src/fuzz.input",
		(const char *)data, size);
	if (src == NULL) {
		return 0;
	}
	struct plm_load_options lo = {.kind = kind};
	struct plm_doc *doc = plm_load_source_take(src, kind, &lo);
	if (doc == NULL) {
		return 0;
	}
	(void)fuzz_walk_doc(doc);
	struct plm_dump_options dopt = {.spans = true,
		.tree = true,
		.containers = true};
	fuzz_invariant(plm_dump_doc(s->devnull, doc, &dopt) == 0,
		"plimsoll dump writes any document");
	struct plm_checker *checker = NULL;
	char *error = NULL;
	if (plm_checker_create(s->engine, &checker, &error) != 0) {
		fprintf(stderr, "fuzz_scan: %s\n",
			error ? error : "no checker");
		abort();
	}
	struct plm_file_result r;
	if (plm_file_result_init(&r, "src/fuzz.input") != 0) {
		plm_checker_destroy(checker);
		plm_doc_destroy(doc);
		return 0;
	}
	r.scanned = true;
	r.kind = plm_kind_name(doc->kind);
	if (plm_file_result_add_diagnostics(&r, doc) == 0 &&
		plm_checker_run(checker, doc, &r) == 0) {
		plm_file_result_sort(&r);
		for (size_t i = 0; i < r.note_count; i++) {
			fuzz_invariant(r.notes[i].kind !=
					PLM_NOTIFY_POLICY_ERROR,
				"no built-in policy errors on any document");
		}
		emit_all(s, &r);
	}
	plm_file_result_finish(&r);
	plm_checker_destroy(checker);
	plm_doc_destroy(doc);
	return 0;
}

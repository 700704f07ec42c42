/*
 * tests/engine/test_run.c - the engine's run over a project: in-memory
 * buffers, Compose base and override as one unit, repeated files, the
 * order of results whatever the number of workers, the document sink,
 * one-rule and policy-free runs, units that cannot be read, the
 * progress the run reports, and the line hashes a large file keeps for
 * the project pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "docs.h"
#include "engine/run.h"
#include "load/load.h"
#include "output/linehash.h"
#include "plm_config.h"

#define BUILTIN PLM_SOURCE_ROOT "/policies"

/* What a run handed to its sink, copied. */
struct seen {
	char paths[128][256]; /* each result's path, in order */
	size_t findings[128]; /* each result's finding count */
	char rules[128][64];  /* the first finding's rule, or "" */
	char also[128][256];  /* the first also_path, or "" */
	bool scanned[128];
	bool skipped[128];
	int note_kind[128]; /* the first note's kind, or -1 */
	size_t results;
	size_t documents;
	char first_document[256]; /* the first document scanned */
	size_t project_results;   /* the project rules' result, path "" */
	size_t project_findings;
	size_t progress_calls; /* sink.progress: how often, */
	size_t progress_done;  /* the last count, */
	size_t progress_total; /* of how many */
	bool progress_backwards;
	pthread_t caller;  /* the thread that called plm_run */
	size_t off_caller; /* documents built on another thread */
};

static void on_progress(void *ctx, size_t done, size_t total)
{
	struct seen *s = ctx;
	assert_true(done <= total);
	s->progress_backwards |= done < s->progress_done;
	s->progress_calls++;
	s->progress_done = done;
	s->progress_total = total;
}

static void on_document(void *ctx, const struct plm_unit *unit,
	const struct plm_doc *doc)
{
	struct seen *s = ctx;
	assert_non_null(doc->tree);
	assert_string_equal(unit->shown, plm_doc_main(doc)->path);
	if (!pthread_equal(pthread_self(), s->caller)) {
		__atomic_fetch_add(&s->off_caller, 1, __ATOMIC_RELAXED);
	}
	if (s->documents++ == 0) {
		snprintf(s->first_document, sizeof(s->first_document), "%s",
			unit->shown);
	}
}

static void on_result(void *ctx, const struct plm_file_result *r)
{
	struct seen *s = ctx;
	if (r->path[0] == '\0') {
		assert_false(r->scanned);
		s->project_results++;
		s->project_findings += r->finding_count;
		return;
	}
	assert_true(s->results < 128);
	size_t i = s->results++;
	snprintf(s->paths[i], sizeof(s->paths[i]), "%s", r->path);
	s->findings[i] = r->finding_count;
	snprintf(s->rules[i], sizeof(s->rules[i]), "%s",
		r->finding_count ? r->findings[0].rule_id : "");
	snprintf(s->also[i], sizeof(s->also[i]), "%s",
		r->also_count ? r->also_paths[0] : "");
	s->scanned[i] = r->scanned;
	s->skipped[i] = r->skipped;
	s->note_kind[i] = r->note_count ? (int)r->notes[0].kind : -1;
}

static struct plm_engine *builtin_engine(void)
{
	struct plm_engine_options o = {.builtin_dir = BUILTIN};
	struct plm_engine *e = NULL;
	char *error = NULL;
	assert_int_equal(plm_engine_create(&o, &e, &error), 0);
	return e;
}

static void run_project(struct plm_project *p, const struct plm_engine *e,
	long jobs, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->caller = pthread_self();
	struct plm_run_options o = {
		.engine = e,
		.jobs = jobs,
		.rule = PLM_RUN_ALL_RULES,
		.no_policies = e == NULL,
	};
	struct plm_sink sink = {on_document, on_result, s, on_progress};
	struct plm_run_status st;
	plm_run(p, &o, &sink, &st);
	assert_null(st.checker_error);
	assert_false(st.out_of_memory);
	assert_int_equal(st.delivered, s->results + s->project_results);
	/* Progress counts up to every unit, on this thread, whatever the
	 * jobs. */
	assert_true(s->progress_calls >= 1);
	assert_false(s->progress_backwards);
	assert_int_equal(s->progress_total, plm_project_unit_count(p));
	assert_int_equal(s->progress_done, s->progress_total);
	/* the built-in catalogue has project rules: they run once */
	assert_int_equal(s->project_results, e != NULL ? 1 : 0);
}

static struct plm_project *new_project(enum plm_kind kind)
{
	struct plm_project_options o = {.kind = kind};
	struct plm_project *p = NULL;
	assert_int_equal(plm_project_create(&o, &p), 0);
	return p;
}

static void buffers_are_linted_from_memory(void **state)
{
	struct plm_engine *e = builtin_engine();
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	const char *df = "FROM alpine:3.20\nRUN apk add curl\n";
	const char *k8s = "{apiVersion: v1, kind: Pod, metadata: {name: a},\n"
			  " spec: {containers: [{name: c, image: x,\n"
			  "  securityContext: {privileged: true}}]}}\n";
	assert_int_equal(plm_project_add_buffer(p, "unsaved/Dockerfile", df,
				 strlen(df), PLM_KIND_UNKNOWN),
		0);
	assert_int_equal(plm_project_add_buffer(p, "pod.yaml", k8s, strlen(k8s),
				 PLM_KIND_KUBERNETES),
		0);
	struct seen s;
	run_project(p, e, 1, &s);
	assert_int_equal(s.results, 2);
	assert_int_equal(s.documents, 2);
	assert_string_equal(s.paths[0], "unsaved/Dockerfile");
	assert_true(s.scanned[0]);
	assert_true(s.findings[0] > 0); /* no USER: runs as root */
	assert_string_equal(s.paths[1], "pod.yaml");
	assert_true(s.findings[1] > 0); /* privileged */
	/* the project rules saw the pod: no NetworkPolicy selects it */
	assert_true(s.project_findings > 0);
	plm_project_destroy(p);
	plm_engine_destroy(e);
}

/* One file named several ways (as given, through ".", by a hard link,
 * and found again by walking its folder, twice) is one unit: the first
 * way it came, by what discovery's stat said of it. A unit found by the walk
 * has the walked folder as its root; a file named has none. */
static void a_file_named_several_ways_is_one_unit(void **state)
{
	char *dir = test_tmpdir();
	char path[512], dotted[512], hard[512], sub[512];
	snprintf(sub, sizeof(sub), "%s/app", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(path, sizeof(path), "%s/app/Dockerfile", dir);
	test_write(path, "FROM alpine:3.20\nUSER app\n");
	snprintf(dotted, sizeof(dotted), "%s/app/./Dockerfile", dir);
	snprintf(hard, sizeof(hard), "%s/Dockerfile.copy", dir);
	assert_int_equal(link(path, hard), 0);

	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, sub), 0);
	assert_int_equal(plm_project_add_path(p, path), 0);
	assert_int_equal(plm_project_add_path(p, dotted), 0);
	assert_int_equal(plm_project_add_path(p, hard), 0);
	assert_int_equal(plm_project_add_path(p, sub), 0);
	assert_int_equal(plm_project_plan(p), 0);
	assert_int_equal(plm_project_unit_count(p), 1);
	const struct plm_unit *u = plm_project_unit(p, 0);
	assert_non_null(strstr(u->shown, "/app/Dockerfile"));
	assert_non_null(u->root);
	assert_string_equal(u->root, sub);
	plm_project_destroy(p);

	/* Named first, it stays the one named: no root. */
	p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, hard), 0);
	assert_int_equal(plm_project_add_path(p, sub), 0);
	assert_int_equal(plm_project_plan(p), 0);
	assert_int_equal(plm_project_unit_count(p), 1);
	u = plm_project_unit(p, 0);
	assert_non_null(strstr(u->shown, "/Dockerfile.copy"));
	assert_null(u->root);
	plm_project_destroy(p);

	/* Two files: two units. */
	unlink(hard);
	test_write(hard, "FROM alpine:3.20\n");
	p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, hard), 0);
	assert_int_equal(plm_project_add_path(p, sub), 0);
	assert_int_equal(plm_project_plan(p), 0);
	assert_int_equal(plm_project_unit_count(p), 2);
	plm_project_destroy(p);
	test_rmrf(dir);
}

/* compose.yaml and compose.override.yaml in one folder: one unit, the
 * override merged once and listed with the base. */
static void compose_override_joins_its_base(void **state)
{
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	test_write(path, "services:\n  web:\n    image: nginx\n");
	snprintf(path, sizeof(path), "%s/compose.override.yaml", dir);
	test_write(path, "services:\n  web:\n    privileged: true\n");
	snprintf(path, sizeof(path), "%s/docker-compose.prod.yml", dir);
	test_write(path, "services:\n  db:\n    image: postgres\n");
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, dir), 0);
	assert_int_equal(plm_project_plan(p), 0);
	assert_int_equal(plm_project_unit_count(p), 2);
	const struct plm_unit *u = plm_project_unit(p, 0);
	assert_non_null(strstr(u->shown, "/compose.yaml"));
	assert_int_equal(u->override_count, 1);
	assert_non_null(strstr(u->overrides[0], "/compose.override.yaml"));
	/* A variant that is no override stays a project of its own. */
	assert_non_null(strstr(plm_project_unit(p, 1)->shown,
		"/docker-compose.prod.yml"));
	assert_int_equal(plm_project_unit(p, 1)->override_count, 0);

	struct plm_engine *e = builtin_engine();
	struct seen s;
	run_project(p, e, 2, &s);
	assert_int_equal(s.results, 2);
	assert_non_null(strstr(s.also[0], "/compose.override.yaml"));
	assert_string_equal(s.also[1], "");
	plm_project_destroy(p);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* Named alone, a base still takes the override beside it, as `docker
 * compose` does; named alone, an override is linted alone. */
static void compose_base_named_alone_takes_its_override(void **state)
{
	char *dir = test_tmpdir();
	char base[512], over[512];
	snprintf(base, sizeof(base), "%s/docker-compose.yml", dir);
	test_write(base, "services:\n  web:\n    image: nginx\n");
	snprintf(over, sizeof(over), "%s/docker-compose.override.yml", dir);
	test_write(over, "services:\n  web:\n    user: root\n");
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, base), 0);
	assert_int_equal(plm_project_plan(p), 0);
	assert_int_equal(plm_project_unit_count(p), 1);
	assert_int_equal(plm_project_unit(p, 0)->override_count, 1);
	plm_project_destroy(p);

	p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, over), 0);
	assert_int_equal(plm_project_plan(p), 0);
	assert_int_equal(plm_project_unit_count(p), 1);
	assert_int_equal(plm_project_unit(p, 0)->override_count, 0);
	plm_project_destroy(p);
	test_rmrf(dir);
}

/* -f a -f b: a is the unit, b merges over it, whatever the names. */
static void compose_files_make_one_project(void **state)
{
	char *dir = test_tmpdir();
	char a[512], b[512];
	snprintf(a, sizeof(a), "%s/base.yml", dir);
	test_write(a, "services:\n  web:\n    image: nginx\n");
	snprintf(b, sizeof(b), "%s/prod.yml", dir);
	test_write(b, "services:\n  web:\n    privileged: true\n");
	const char *files[] = {a, b};
	struct plm_project_options o = {
		.compose_files = files,
		.compose_file_count = 2,
	};
	struct plm_project *p = NULL;
	assert_int_equal(plm_project_create(&o, &p), 0);
	assert_int_equal(plm_project_plan(p), 0);
	assert_int_equal(plm_project_unit_count(p), 1);
	const struct plm_unit *u = plm_project_unit(p, 0);
	assert_int_equal(u->kind, PLM_KIND_COMPOSE);
	assert_int_equal(u->override_count, 1);
	assert_string_equal(u->overrides[0], b);
	struct plm_engine *e = builtin_engine();
	struct seen s;
	run_project(p, e, 1, &s);
	assert_int_equal(s.results, 1);
	assert_string_equal(s.also[0], b);
	assert_true(s.findings[0] > 0); /* privileged, from prod.yml */
	plm_project_destroy(p);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* With one job too, a big file is scanned first (its memory then serves
 * the files after it), and its result still comes in its place. */
static void one_job_scans_a_big_file_first(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[512];
	size_t big = 200000;
	char *text = malloc(big + 64);
	assert_non_null(text);
	size_t len = (size_t)snprintf(text, 64, "FROM alpine\n");
	while (len < big) {
		len += (size_t)snprintf(text + len, 64, "RUN echo %zu\n", len);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/Dockerfile.%d", dir, i);
		test_write(path, i == 1 ? text : "FROM alpine\nRUN sudo ls\n");
	}
	free(text);
	struct plm_engine *e = builtin_engine();
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, dir), 0);
	static struct seen s;
	run_project(p, e, 1, &s);
	assert_int_equal(s.results, 3);
	assert_non_null(strstr(s.first_document, "Dockerfile.1"));
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Dockerfile.%d", i);
		assert_non_null(strstr(s.paths[i], name));
		assert_true(s.findings[i] > 0);
	}
	plm_project_destroy(p);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* Runs p with `jobs` as the most to use (the CLI's default). */
static void run_fitted(struct plm_project *p, const struct plm_engine *e,
	long jobs, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->caller = pthread_self();
	struct plm_run_options o = {.engine = e,
		.jobs = jobs,
		.fit_jobs = true,
		.rule = PLM_RUN_ALL_RULES};
	struct plm_sink sink = {on_document, on_result, s, NULL};
	struct plm_run_status st;
	plm_run(p, &o, &sink, &st);
	assert_null(st.checker_error);
	assert_int_equal(st.delivered, s->results + s->project_results);
}

/* Scans folder dir with at most (fit) or exactly `jobs` workers. */
static void run_dir(const char *dir, const struct plm_engine *e, long jobs,
	bool fit, struct seen *s)
{
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, dir), 0);
	if (fit) {
		run_fitted(p, e, jobs, s);
	} else {
		run_project(p, e, jobs, s);
	}
	plm_project_destroy(p);
}

/* Results come in unit order whatever the number of workers. */
static void results_keep_unit_order_whatever_the_jobs(void **state)
{
	char *dir = test_tmpdir();
	char path[512];
	for (int i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "%s/Dockerfile.%02d", dir, i);
		test_write(path,
			i % 3 == 0           ? "FROM alpine\nUSER 1000\n"
				: i % 3 == 1 ? "FROM alpine\nRUN sudo ls\n"
					     : "FROM alpine\n");
	}
	struct plm_engine *e = builtin_engine();
	static struct seen one, four;
	run_dir(dir, e, 1, false, &one);
	run_dir(dir, e, 4, false, &four);
	assert_int_equal(one.results, 60);
	assert_int_equal(four.results, 60);
	for (size_t i = 0; i < 60; i++) {
		assert_string_equal(one.paths[i], four.paths[i]);
		assert_int_equal(one.findings[i], four.findings[i]);
		assert_string_equal(one.rules[i], four.rules[i]);
	}
	assert_true(strstr(one.paths[0], "Dockerfile.00") != NULL);
	assert_true(strstr(one.paths[59], "Dockerfile.59") != NULL);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* With jobs as a ceiling, a few small files are checked on the calling
 * thread alone (a worker's own checker costs more than they do); enough
 * work gets the workers, and the same results. */
static void a_few_small_files_get_one_worker(void **state)
{
	char *dir = test_tmpdir();
	char path[512];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/Dockerfile.%d", dir, i);
		test_write(path, "FROM alpine:3.20\nRUN apk add curl\n");
	}
	struct plm_engine *e = builtin_engine();
	static struct seen s, many, one;
	run_dir(dir, e, 4, true, &s);
	assert_int_equal(s.results, 3);
	assert_int_equal(s.documents, 3);
	assert_int_equal(s.off_caller, 0);

	/* 40 files of 8 KB: five times the work a worker pays for. */
	char *text = malloc(8192 + 64);
	assert_non_null(text);
	strcpy(text, "FROM alpine:3.20\n");
	while (strlen(text) < 8192) {
		strcat(text, "RUN echo one two three four five six seven\n");
	}
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "%s/Dockerfile.%d", dir, i);
		test_write(path, text);
	}
	free(text);
	run_dir(dir, e, 2, true, &many);
	run_dir(dir, e, 1, true, &one);
	assert_int_equal(many.results, 40);
	assert_true(many.off_caller > 0);
	assert_int_equal(one.off_caller, 0);
	for (size_t i = 0; i < 40; i++) {
		assert_string_equal(many.paths[i], one.paths[i]);
		assert_int_equal(many.findings[i], one.findings[i]);
	}
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* Without policies the run only builds documents (dump); with one rule
 * only that rule reports (test). */
static void policy_free_and_one_rule_runs(void **state)
{
	const char *df = "FROM alpine\nRUN sudo apt-get install -y curl\n";
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_buffer(p, "Dockerfile", df, strlen(df),
				 PLM_KIND_DOCKERFILE),
		0);
	struct seen s;
	run_project(p, NULL, 1, &s);
	assert_int_equal(s.documents, 1);
	assert_int_equal(s.findings[0], 0);
	assert_true(s.scanned[0]);

	struct plm_engine *e = builtin_engine();
	size_t index = 0;
	assert_non_null(plm_engine_find(e, "sudo-in-build", &index));
	memset(&s, 0, sizeof(s));
	struct plm_run_options o = {.engine = e, .jobs = 1, .rule = index};
	struct plm_sink sink = {NULL, on_result, &s, NULL};
	struct plm_run_status st;
	plm_run(p, &o, &sink, &st);
	assert_int_equal(s.results, 1);
	assert_int_equal(s.findings[0], 1);
	assert_string_equal(s.rules[0], "sudo-in-build");
	plm_project_destroy(p);
	plm_engine_destroy(e);
}

/* A path that cannot be read is a result with an error, and the other
 * units go on. */
static void unreadable_units_do_not_stop_the_run(void **state)
{
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof(path), "%s/Dockerfile", dir);
	test_write(path, "FROM alpine\n");
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, "/nonexistent/Dockerfile"), 0);
	assert_int_equal(plm_project_add_path(p, path), 0);
	struct plm_engine *e = builtin_engine();
	struct seen s;
	run_project(p, e, 2, &s);
	assert_int_equal(s.results, 2);
	assert_false(s.scanned[0]);
	assert_int_equal(s.note_kind[0], PLM_NOTIFY_TOOL_ERROR);
	assert_true(s.scanned[1]);
	assert_true(s.findings[1] > 0);
	plm_project_destroy(p);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* The findings of a run's project result: line and line hash. */
struct project_hashes {
	size_t count;
	uint32_t line[16];
	char hash[16][PLM_LINE_HASH_SIZE];
	size_t file_findings;
	/* the file's own findings: their line hashes were worked out while
	 * the file was parsed (PLM_LOAD_HASHES_FROM) */
	size_t file_count;
	uint32_t file_line[16];
	char file_hash[16][PLM_LINE_HASH_SIZE];
};

static void on_project_result(void *ctx, const struct plm_file_result *r)
{
	struct project_hashes *h = ctx;
	if (r->path[0] != '\0') {
		h->file_findings += r->finding_count;
		for (size_t i = 0; i < r->finding_count && h->file_count < 16;
			i++) {
			const struct plm_finding *f = &r->findings[i];
			assert_non_null(f->line_hash);
			h->file_line[h->file_count] = f->region.start_line;
			snprintf(h->file_hash[h->file_count],
				PLM_LINE_HASH_SIZE, "%s", f->line_hash);
			h->file_count++;
		}
		return;
	}
	for (size_t i = 0; i < r->finding_count && h->count < 16; i++) {
		const struct plm_finding *f = &r->findings[i];
		assert_non_null(f->line_hash);
		h->line[h->count] = f->region.start_line;
		snprintf(h->hash[h->count], PLM_LINE_HASH_SIZE, "%s",
			f->line_hash);
		h->count++;
	}
}

/* Runs every rule over p, each result to result(ctx, the result). */
static void run_results(struct plm_project *p, const struct plm_engine *e,
	long jobs, bool no_line_hashes,
	void (*result)(void *, const struct plm_file_result *), void *ctx)
{
	struct plm_run_options o = {
		.engine = e,
		.jobs = jobs,
		.rule = PLM_RUN_ALL_RULES,
		.no_line_hashes = no_line_hashes,
	};
	struct plm_sink sink = {NULL, result, ctx, NULL};
	struct plm_run_status st;
	plm_run(p, &o, &sink, &st);
	assert_null(st.checker_error);
}

/* Findings with and without a line hash, file and project ones alike. */
struct hash_count {
	size_t with, without;
};

static void on_counted_result(void *ctx, const struct plm_file_result *r)
{
	struct hash_count *h = ctx;
	for (size_t i = 0; i < r->finding_count; i++) {
		if (r->findings[i].line_hash != NULL) {
			h->with++;
		} else {
			h->without++;
		}
	}
}

/* A file of a MiB or more keeps the line hashes its scan computed for the
 * project pass: the project findings' hashes are the file's own (many
 * equal lines before them, so the occurrence counts matter too). Its own
 * findings' hashes, worked out on another thread while it was parsed,
 * are the file's too. */
static void large_file_project_findings_have_its_line_hashes(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	size_t cap = 1400000, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n"
		"  namespace: shop\ndata:\n  big: |\n");
	while (len < 1200000) {
		len += (size_t)snprintf(text + len, cap - len,
			"    the same line, again and again, to pad the file\n");
	}
	len += (size_t)snprintf(text + len, cap - len,
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		"  name: web\n  namespace: shop\nspec:\n  template:\n"
		"    spec:\n      containers:\n      - name: web\n"
		"        image: nginx:1.27\n");
	test_write(path, text);
	struct plm_project *p = new_project(PLM_KIND_UNKNOWN);
	assert_int_equal(plm_project_add_path(p, path), 0);
	struct plm_engine *e = builtin_engine();
	for (long jobs = 1; jobs <= 2; jobs++) {
		struct project_hashes got = {0};
		run_results(p, e, jobs, false, on_project_result, &got);
		assert_true(got.file_findings > 0); /* the scan hashed it */
		assert_true(got.count > 0); /* no NetworkPolicy selects web */
		struct plm_line_hashes want;
		assert_int_equal(plm_line_hashes_compute(text, len, &want), 0);
		for (size_t i = 0; i < got.count; i++) {
			char buf[PLM_LINE_HASH_SIZE];
			assert_true(got.line[i] > 20000);
			assert_true(plm_line_hashes_format(&want, got.line[i],
				buf));
			assert_string_equal(got.hash[i], buf);
		}
		assert_true(got.file_count > 0);
		for (size_t i = 0; i < got.file_count; i++) {
			char buf[PLM_LINE_HASH_SIZE];
			assert_true(plm_line_hashes_format(&want,
				got.file_line[i], buf));
			assert_string_equal(got.file_hash[i], buf);
		}
		plm_line_hashes_finish(&want);
	}
	/* A run asked for none (no output writes them) leaves every
	 * finding's unset: the large file's, worked out beside its parse
	 * and kept for the project pass; a small file's; the project's. */
	char small[512];
	snprintf(small, sizeof(small), "%s/small.yaml", dir);
	test_write(small,
		"apiVersion: v1\nkind: Pod\nmetadata:\n"
		"  name: p\nspec:\n  containers:\n"
		"  - name: c\n    image: nginx\n");
	assert_int_equal(plm_project_add_path(p, small), 0);
	for (int off = 0; off <= 1; off++) {
		struct hash_count n = {0};
		run_results(p, e, 2, off, on_counted_result, &n);
		assert_true(n.with + n.without > 10);
		assert_int_equal(off ? n.with : n.without, 0);
	}
	free(text);
	plm_project_destroy(p);
	plm_engine_destroy(e);
	test_rmrf(dir);
}

/* Asserts that hashes are those of text[0..len), worked out afresh. */
static void assert_hashes_of(const struct plm_line_hashes *hashes,
	const char *text, size_t len)
{
	struct plm_line_hashes want;
	assert_int_equal(plm_line_hashes_compute(text, len, &want), 0);
	assert_non_null(hashes->hash);
	assert_int_equal(hashes->count, want.count);
	assert_memory_equal(hashes->hash, want.hash,
		want.count * sizeof(*want.hash));
	assert_memory_equal(hashes->occurrence, want.occurrence,
		want.count * sizeof(*want.occurrence));
	plm_line_hashes_finish(&want);
}

/* The loader works out a file's line hashes beside the parse when asked
 * and the file has PLM_LOAD_HASHES_FROM bytes or more: the same as
 * hashing it afterwards. A smaller file's are left for later (zeroed). */
static void loader_hashes_large_files_beside_the_parse(void **state)
{
	(void)state;
	size_t cap = PLM_LOAD_HASHES_FROM + 4096, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	while (len < PLM_LOAD_HASHES_FROM) {
		len += (size_t)snprintf(text + len, cap - len,
			"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
			"  name: c%zu\ndata:\n  k: v\n",
			len);
	}
	for (int big = 0; big < 2; big++) {
		size_t n = big ? len : 4000;
		struct plm_line_hashes early = {0};
		struct plm_load_options lo = {.line_hashes = &early};
		struct plm_load_status st;
		struct plm_doc *doc = NULL;
		assert_int_equal(plm_load_bytes("c.yaml", text, n,
					 PLM_KIND_KUBERNETES, true, &lo, &doc,
					 &st),
			0);
		assert_int_equal(st.outcome, PLM_LOAD_OK);
		assert_non_null(doc);
		if (!big) {
			assert_null(early.hash);
		} else {
			assert_hashes_of(&early, text, n);
		}
		plm_line_hashes_finish(&early);
		plm_doc_destroy(doc);
	}
	free(text);
}

/* Loads text (a file whose name tells nothing) as a directory walk
 * would: the kind comes from the content. */
static struct plm_doc *load_unnamed(const char *text, size_t len,
	struct plm_load_options *lo, struct plm_load_status *st)
{
	struct plm_doc *doc = NULL;
	assert_int_equal(plm_load_bytes("f.yaml", text, len, PLM_KIND_UNKNOWN,
				 false, lo, &doc, st),
		0);
	return doc;
}

/* A YAML file with both words is parsed once as a manifest and the tree
 * tells: an object anywhere in the stream (its kind after a long
 * `data:`, after a broken document) makes it one; words that are not
 * top-level keys leave it to the other kinds, built from a fresh parse
 * (line hashes of a large one kept from that build). */
static void a_file_is_told_a_manifest_by_its_tree(void **state)
{
	(void)state;
	struct plm_load_options lo = {0};
	struct plm_load_status st;
	static const char *const manifests[] = {
		"apiVersion: v1\ndata:\n  a: |\n    kind: x\nkind: ConfigMap\n",
		"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n"
		"    spec:\n      containers:\n      - name: a\n        image: b\n",
		"a: b: c\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
		"  - {name: a, image: b}\n",
		"{\"kind\": \"Pod\", \"apiVersion\": \"v1\"}\n",
	};
	static const size_t containers[] = {0, 1, 1, 0};
	for (size_t i = 0; i < 4; i++) {
		struct plm_doc *doc = load_unnamed(manifests[i],
			strlen(manifests[i]), &lo, &st);
		assert_non_null(doc);
		assert_int_equal(doc->kind, PLM_KIND_KUBERNETES);
		assert_int_equal(plm_node_count(doc->containers),
			containers[i]);
		plm_doc_destroy(doc);
	}
	/* Nested words: a workflow-like file is no manifest (skipped). */
	const char *steps = "steps:\n  - kind: a\n    apiVersion: b\n";
	assert_null(load_unnamed(steps, strlen(steps), &lo, &st));
	assert_int_equal(st.outcome, PLM_LOAD_SKIPPED);
	/* A Dockerfile named on the command line, by any name, with both
	 * words: YAML that parses cleanly (one plain scalar), still a
	 * Dockerfile. */
	const char *df = "FROM alpine\nRUN echo apiVersion kind\n";
	struct plm_doc *d = NULL;
	assert_int_equal(plm_load_bytes("build.txt", df, strlen(df),
				 PLM_KIND_UNKNOWN, true, &lo, &d, &st),
		0);
	assert_non_null(d);
	assert_int_equal(d->kind, PLM_KIND_DOCKERFILE);
	plm_doc_destroy(d);
	/* A Compose file, larger than PLM_LOAD_HASHES_FROM, whose labels
	 * hold the words. */
	size_t cap = PLM_LOAD_HASHES_FROM + 4096, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text, cap,
		"services:\n  web:\n    image: x\n"
		"    labels:\n      apiVersion: v1\n      kind: y\n");
	while (len < PLM_LOAD_HASHES_FROM) {
		len += (size_t)snprintf(text + len, cap - len,
			"      l%zu: v\n", len);
	}
	struct plm_line_hashes early = {0};
	lo.line_hashes = &early;
	struct plm_doc *doc = load_unnamed(text, len, &lo, &st);
	assert_non_null(doc);
	assert_int_equal(doc->kind, PLM_KIND_COMPOSE);
	assert_int_equal(plm_node_count(doc->containers), 1);
	assert_hashes_of(&early, text, len);
	plm_line_hashes_finish(&early);
	plm_doc_destroy(doc);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buffers_are_linted_from_memory),
		cmocka_unit_test(a_file_named_several_ways_is_one_unit),
		cmocka_unit_test(compose_override_joins_its_base),
		cmocka_unit_test(compose_base_named_alone_takes_its_override),
		cmocka_unit_test(compose_files_make_one_project),
		cmocka_unit_test(results_keep_unit_order_whatever_the_jobs),
		cmocka_unit_test(a_few_small_files_get_one_worker),
		cmocka_unit_test(one_job_scans_a_big_file_first),
		cmocka_unit_test(policy_free_and_one_rule_runs),
		cmocka_unit_test(unreadable_units_do_not_stop_the_run),
		cmocka_unit_test(
			large_file_project_findings_have_its_line_hashes),
		cmocka_unit_test(loader_hashes_large_files_beside_the_parse),
		cmocka_unit_test(a_file_is_told_a_manifest_by_its_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

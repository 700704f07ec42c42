/*
 * tests/engine/test_alloc_fail.c - a scan in which the nth allocation
 * fails, for every n the scan makes.
 *
 * The scan is what `plimsoll scan --format json --format sarif` does over
 * a small project (a Dockerfile, a Compose file with an override and a
 * build link to it, a Kubernetes Deployment): fourteen built-in policies, the
 * engine's run on this thread, both reports written to files. It runs
 * once counting its allocations, then once per n with the nth refused.
 *
 * The contract, for every n: no crash and (under ASan) no leak; and
 * either the scan says it failed (a call returns an error, the run
 * reports out of memory or a checker error, a result is incomplete, an
 * output fails) or everything it produced (results, both reports) is
 * exactly what the scan without a failure produced. A scan that lost a
 * finding and looks clean is the one outcome refused.
 *
 * PLM_ALLOC_FAIL_STRIDE=k tries every kth n (the sanitized build);
 * PLM_ALLOC_FAIL_ONLY=n tries that one alone (to chase a report).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/run.h"
#include "output/output.h"
#include "plm_config.h"
#include "util/alloc.h"

/* A fixed set of the built-in policies (links into policies/), so the
 * cost of this test does not grow with the catalogue: every n reruns the
 * whole scan, and each policy loaded adds its allocations to the count. */
#define BUILTIN PLM_SOURCE_ROOT "/tests/engine/alloc_fail_policies"

static const char *const files[][2] = {
	{"Dockerfile",
		"FROM ubuntu:latest\n"
		"RUN apt-get update && apt-get install -y curl\n"
		"ADD https://example.com/app.tar.gz /opt/\n"
		"USER root\n"},
	{"compose.yaml",
		"services:\n"
		"  web:\n"
		"    build: .\n"
		"    ports: [\"8080:80\"]\n"
		"    environment:\n"
		"      MODE: ${MODE:-prod}\n"
		"  db:\n"
		"    image: postgres\n"},
	{"compose.override.yaml",
		"services:\n"
		"  web:\n"
		"    privileged: true\n"
		"    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n"},
	{"deploy.yaml",
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata: {name: web, namespace: shop}\n"
		"spec:\n"
		"  selector: {matchLabels: {app: web}}\n"
		"  template:\n"
		"    metadata: {labels: {app: web}}\n"
		"    spec:\n"
		"      hostNetwork: true\n"
		"      containers:\n"
		"      - name: web\n"
		"        image: nginx\n"
		"        securityContext: {privileged: true}\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: web, namespace: shop}\n"
		"spec: {selector: {app: other}, ports: [{port: 80}]}\n"},
};

/* What one scan produced. */
struct outcome {
	bool failed; /* the scan said something went wrong */
	char *log;   /* every result, one line each; plm_free */
	size_t log_len;
	char *json; /* the reports' bytes, NULL when not written */
	char *sarif;
};

struct sink_state {
	struct plm_output_set *outs;
	struct outcome *out;
	FILE *log;
	int rc;
};

static char project_dir[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/src/%s", project_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, or NULL when it is missing. Test memory: plain malloc,
 * so the hook does not count it. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		assert_non_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (buf == NULL) {
		buf = calloc(1, 1);
	}
	buf[len] = '\0';
	return buf;
}

static void on_result(void *ctx, const struct plm_file_result *r)
{
	struct sink_state *s = ctx;
	s->out->failed |= r->incomplete;
	fprintf(s->log, "%s scanned=%d skipped=%d incomplete=%d", r->path,
		r->scanned, r->skipped, r->incomplete);
	for (size_t k = 0; k < r->note_count; k++) {
		fprintf(s->log, " note:%d", (int)r->notes[k].kind);
		int e = plm_output_notification(s->outs, &r->notes[k]);
		s->rc = s->rc ? s->rc : e;
	}
	for (size_t k = 0; k < r->finding_count; k++) {
		const struct plm_finding *f = &r->findings[k];
		fprintf(s->log, " %s@%s:%u", f->rule_id, f->path,
			f->region.start_line);
		int e = plm_output_finding(s->outs, f);
		s->rc = s->rc ? s->rc : e;
	}
	fputc('\n', s->log);
}

/* One scan, into out. Every failure it can see sets out->failed; the
 * test's own setup (the log stream) uses plain malloc. */
static void scan(struct outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct sink_state s = {.out = out};
	s.log = open_memstream(&out->log, &out->log_len);
	assert_non_null(s.log);
	char json[512], sarif[512];
	snprintf(json, sizeof(json), "%s/out/report.json", project_dir);
	snprintf(sarif, sizeof(sarif), "%s/out/report.sarif", project_dir);
	char src[512];
	snprintf(src, sizeof(src), "%s/src", project_dir);
	unlink(json);
	unlink(sarif);

	struct plm_engine *engine = NULL;
	struct plm_project *project = NULL;
	char *engine_error = NULL;
	char err[256];
	s.outs = plm_output_set_create();
	struct plm_engine_options eo = {.builtin_dir = BUILTIN};
	struct plm_project_options po = {0};
	if (s.outs == NULL ||
		plm_output_set_add(s.outs, "json", json, false, err,
			sizeof(err)) != 0 ||
		plm_output_set_add(s.outs, "sarif", sarif, false, err,
			sizeof(err)) != 0 ||
		plm_engine_create(&eo, &engine, &engine_error) != 0 ||
		plm_project_create(&po, &project) != 0 ||
		plm_project_add_path(project, src) != 0 ||
		plm_project_plan(project) != 0) {
		out->failed = true;
		goto out;
	}
	size_t rule_count = 0;
	struct plm_run_info run = {
		.tool_name = "plimsoll",
		.tool_version = "test",
		.rules = plm_engine_rules(engine, &rule_count),
		.rule_count = rule_count,
		.command_line = "plimsoll scan",
	};
	s.rc = plm_output_begin(s.outs, &run);
	struct plm_run_options ro = {
		.engine = engine,
		.jobs = 1,
		.rule = PLM_RUN_ALL_RULES,
	};
	struct plm_sink sink = {.result = on_result, .ctx = &s};
	struct plm_run_status st;
	plm_run(project, &ro, &sink, &st);
	out->failed |= st.checker_error != NULL || st.out_of_memory;
	plm_free(st.checker_error);
	struct plm_run_summary sum = {
		.successful = !out->failed,
		.seconds = -1,
	};
	int e = plm_output_end(s.outs, &sum);
	s.rc = s.rc ? s.rc : e;
	out->failed |= s.rc != 0;
out:
	plm_project_destroy(project);
	plm_output_set_destroy(s.outs);
	plm_engine_destroy(engine);
	plm_free(engine_error);
	assert_int_equal(fclose(s.log), 0);
	out->json = slurp(json);
	out->sarif = slurp(sarif);
}

static void outcome_free(struct outcome *o)
{
	free(o->log);
	free(o->json);
	free(o->sarif);
}

static bool same_text(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Where a report first differs from the clean one, for the message. */
static void say_difference(const char *what, const char *got, const char *want)
{
	if (same_text(got, want)) {
		return;
	}
	if (got == NULL || want == NULL) {
		fprintf(stderr, "  %s: %s\n", what,
			got == NULL ? "not written" : "written, unexpectedly");
		return;
	}
	size_t i = 0;
	while (got[i] != '\0' && got[i] == want[i]) {
		i++;
	}
	size_t from = i > 60 ? i - 60 : 0;
	fprintf(stderr,
		"  %s differs at byte %zu: ...%.120s\n  wanted ...%.120s\n",
		what, i, got + from, want + from);
}

static unsigned long env_number(const char *name, unsigned long fallback)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? strtoul(v, NULL, 10) : fallback;
}

static void every_failed_allocation_is_reported_or_harmless(void **state)
{
	(void)state;
	struct outcome clean;
	plm_alloc_fail_nth(PLM_ALLOC_COUNT_ONLY);
	scan(&clean);
	unsigned long total = plm_alloc_count();
	plm_alloc_fail_nth(0);
	/* The scan is worth failing in: it found things and wrote both. */
	assert_false(clean.failed);
	assert_non_null(clean.json);
	assert_non_null(clean.sarif);
	assert_non_null(strstr(clean.log, "Dockerfile"));
	assert_non_null(strstr(clean.log, "compose.yaml"));
	assert_non_null(strstr(clean.log, "deploy.yaml"));
	assert_non_null(strstr(clean.log, "@"));
	assert_true(total > 1000);

	unsigned long stride = env_number("PLM_ALLOC_FAIL_STRIDE", 1);
	unsigned long only = env_number("PLM_ALLOC_FAIL_ONLY", 0);
	unsigned long tried = 0, reported = 0, silent = 0, missed = 0;
	stride = stride ? stride : 1;
	for (unsigned long n = only ? only : 1; n <= total;
		n += only ? total : stride) {
		struct outcome o;
		plm_alloc_fail_nth(n);
		scan(&o);
		bool hit = plm_alloc_failed();
		plm_alloc_fail_nth(0);
		tried++;
		reported += o.failed;
		/* One thread, so the count is the same every time: an n that
		 * was not reached would be a scan that tested nothing. */
		missed += !hit;
		if (!o.failed &&
			(!same_text(o.log, clean.log) ||
				!same_text(o.json, clean.json) ||
				!same_text(o.sarif, clean.sarif))) {
			/* Go on, so one run lists every such n. */
			fprintf(stderr,
				"allocation %lu of %lu failed (%s) and "
				"the scan looks complete, but differs from the "
				"clean one:\n%s",
				n, total, hit ? "refused" : "not reached",
				o.log);
			say_difference("json", o.json, clean.json);
			say_difference("sarif", o.sarif, clean.sarif);
			silent++;
		}
		outcome_free(&o);
	}
	print_message("%lu allocations; %lu failures tried, %lu reported, "
		      "the rest harmless\n",
		total, tried, reported);
	if (silent != 0) {
		fprintf(stderr, "the clean scan:\n%s", clean.log);
	}
	outcome_free(&clean);
	assert_int_equal(silent, 0);
	assert_int_equal(missed, 0);
}

static int make_project(void **state)
{
	(void)state;
	snprintf(project_dir, sizeof(project_dir), "%s/plm-alloc-XXXXXX",
		getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(project_dir) == NULL) {
		return -1;
	}
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/src", project_dir);
	if (mkdir(dir, 0700) != 0) {
		return -1;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		write_file(files[i][0], files[i][1]);
	}
	char out[512];
	snprintf(out, sizeof(out), "%s/out", project_dir);
	return mkdir(out, 0700);
}

static int remove_project(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", project_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			every_failed_allocation_is_reported_or_harmless),
	};
	return cmocka_run_group_tests(tests, make_project, remove_project);
}

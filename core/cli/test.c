/*
 * cli/test.c - `plimsoll test [DIR...]`: runs each policy on the fixtures
 * beside it and checks every finding against the fixtures' annotations.
 *
 * Fixtures of `<dir>/<id>/policy.lua` live in `<dir>/<id>/fixtures/`; of a
 * single-file policy `<dir>/<name>.lua`, in `<dir>/fixtures/<name>/`. A
 * fixture under a `dockerfile/`, `compose/` or `kubernetes/` folder is read
 * as that kind; elsewhere the kind is detected as `scan` does.
 *
 * In a fixture, a comment line `# expect-next: ID` (repeatable, or several
 * ids separated by commas) says that the next line that is neither blank
 * nor a comment must be reported by that rule, once per annotation. Only
 * the policy that owns the fixtures runs; a finding it makes without an
 * annotation, an annotation without its finding, a policy error or a
 * fixture that cannot be read fails the test with file:line.
 *
 * A project-scope policy's fixtures are projects: each folder directly
 * under its fixtures folder is one project (every file below it, kind
 * folders read relative to it), each file directly in it a project of
 * one file; annotations work in every file of a project.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/policy_options.h"
#include "engine/engine.h"
#include "engine/run.h"
#include "util/source.h"
#include "util/alloc.h"

/* Deepest fixture folder searched. */
#define MAX_FIXTURE_DEPTH 6

struct expectation {
	uint32_t line; /* 1-based target line */
	uint32_t at;   /* 1-based line of the annotation */
	char *rule;
	bool matched;
};

struct tally {
	size_t policies;
	size_t fixtures;
	size_t expectations;
	size_t failures;
	bool verbose;
};

static void test_usage(FILE *out)
{
	fputs("usage: plimsoll test [OPTIONS] [DIR...]\n"
	      "\n"
	      "Run each policy in DIR (default: the built-in policies) on the fixtures\n"
	      "beside it. In a fixture, a comment line `# expect-next: ID` says the next\n"
	      "non-comment line must be reported by that rule; a missing or unexpected\n"
	      "finding fails with file:line.\n"
	      "\n"
	      "  -v, --verbose           list every fixture and finding\n"
	      "  --policy-memory SIZE    memory cap per policy run (default 64M)\n"
	      "  --policy-instructions N instruction budget per policy run (default\n"
	      "                          20M; counted for the built-in policies on files\n"
	      "                          over 64 KB, or on all when it is given)\n"
	      "  --policy-timeout SECONDS  wall-clock time per policy run (default 10)\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "Exit status: 0 all passed, 1 a fixture failed, 2 a policy did not load.\n",
		out);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the regular files under dir (sorted, recursively) to *files. */
static int collect(const char *dir, int depth, char ***files, size_t *count,
	size_t *cap)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		return errno == ENOENT ? 0 : -1;
	}
	char **names = NULL;
	size_t n = 0, ncap = 0;
	int rc = 0;
	struct dirent *ent;
	while ((ent = readdir(d)) != NULL) {
		if (ent->d_name[0] == '.') {
			continue;
		}
		if (n == ncap) {
			ncap = ncap ? ncap * 2 : 16;
			char **g = plm_realloc(names, ncap * sizeof(*g));
			if (g == NULL) {
				rc = -1;
				break;
			}
			names = g;
		}
		if ((names[n] = plm_strdup(ent->d_name)) == NULL) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (names != NULL) {
		qsort(names, n, sizeof(*names), cmp_names);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *path = plm_malloc(len);
		if (path == NULL) {
			rc = -1;
			break;
		}
		snprintf(path, len, "%s/%s", dir, names[i]);
		if (is_dir(path)) {
			if (depth < MAX_FIXTURE_DEPTH) {
				rc = collect(path, depth + 1, files, count,
					cap);
			}
			plm_free(path);
			continue;
		}
		if (*count == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			char **g = plm_realloc(*files, *cap * sizeof(*g));
			if (g == NULL) {
				plm_free(path);
				rc = -1;
				break;
			}
			*files = g;
		}
		(*files)[(*count)++] = path;
	}
	for (size_t i = 0; i < n; i++) {
		plm_free(names[i]);
	}
	plm_free(names);
	return rc;
}

/* The fixtures folder of a policy file (malloc'd). */
static char *fixtures_dir(const char *policy_path)
{
	const char *slash = strrchr(policy_path, '/');
	size_t dir_len = slash != NULL ? (size_t)(slash - policy_path) : 1;
	const char *dir = slash != NULL ? policy_path : ".";
	const char *base = slash != NULL ? slash + 1 : policy_path;
	size_t len = strlen(policy_path) + 32;
	char *out = plm_malloc(len);
	if (out == NULL) {
		return NULL;
	}
	if (strcmp(base, "policy.lua") == 0) {
		snprintf(out, len, "%.*s/fixtures", (int)dir_len, dir);
	} else {
		size_t stem = strlen(base) - (strlen(base) > 4 ? 4 : 0);
		snprintf(out, len, "%.*s/fixtures/%.*s", (int)dir_len, dir,
			(int)stem, base);
	}
	return out;
}

/* The kind a fixture's folder names, or UNKNOWN. */
static enum plm_kind kind_of_fixture(const char *fixtures, const char *path)
{
	const char *rest = path + strlen(fixtures);
	while (*rest == '/') {
		rest++;
	}
	static const char *const kinds[] = {"dockerfile", "compose",
		"kubernetes", "command"};
	for (size_t i = 0; i < 4; i++) {
		size_t n = strlen(kinds[i]);
		if (strncmp(rest, kinds[i], n) == 0 && rest[n] == '/') {
			return plm_kind_parse(kinds[i]);
		}
	}
	return PLM_KIND_UNKNOWN;
}

static bool names_rule(const struct plm_rule_info *r, const char *name)
{
	if (strcmp(r->id, name) == 0) {
		return true;
	}
	for (const char *const *a = r->aliases; *a != NULL; a++) {
		if (strcmp(*a, name) == 0) {
			return true;
		}
	}
	return false;
}

static void fail_at(struct tally *t, const char *path, uint32_t line,
	const char *fmt, ...) PLM_PRINTF(4, 5);

/* Counts a failure and prints it as "  path:line: message". */
static void fail_at(struct tally *t, const char *path, uint32_t line,
	const char *fmt, ...)
{
	t->failures++;
	if (line > 0) {
		printf("  %s:%u: ", path, line);
	} else {
		printf("  %s: ", path);
	}
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Reads the annotations of a fixture source. */
static int parse_expectations(const struct plm_source *src,
	struct expectation **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	size_t cap = 0;
	size_t pending_start = 0, pending_count = 0;
	for (uint32_t l = 0; l < src->line_count; l++) {
		size_t len = 0;
		const char *s = plm_source_line(src, l, &len);
		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' ')) {
			len--;
		}
		if (len == 0) {
			continue;
		}
		if (s[0] != '#') {
			for (size_t i = 0; i < pending_count; i++) {
				(*out)[pending_start + i].line = l + 1;
			}
			pending_count = 0;
			continue;
		}
		const char *key = "expect-next:";
		const char *p = s + 1;
		while (p < s + len && (*p == ' ' || *p == '\t')) {
			p++;
		}
		size_t klen = strlen(key);
		if ((size_t)(s + len - p) < klen ||
			strncmp(p, key, klen) != 0) {
			continue;
		}
		p += klen;
		const char *end = s + len;
		while (p < end) {
			while (p < end &&
				(*p == ' ' || *p == ',' || *p == '\t')) {
				p++;
			}
			const char *start = p;
			while (p < end && *p != ' ' && *p != ',' &&
				*p != '\t') {
				p++;
			}
			if (p == start) {
				break;
			}
			if (*count == cap) {
				cap = cap ? cap * 2 : 8;
				struct expectation *g = plm_realloc(*out,
					cap * sizeof(*g));
				if (g == NULL) {
					return -1;
				}
				*out = g;
			}
			struct expectation *e = &(*out)[(*count)++];
			e->line = 0;
			e->at = l + 1;
			e->matched = false;
			e->rule = plm_strndup(start, (size_t)(p - start));
			if (e->rule == NULL) {
				return -1;
			}
			if (pending_count == 0) {
				pending_start = *count - 1;
			}
			pending_count++;
		}
	}
	return 0;
}

static void free_expectations(struct expectation *e, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		plm_free(e[i].rule);
	}
	plm_free(e);
}

/* One fixture file of a run, and its annotations. */
struct fixture_file {
	const char *path;
	struct expectation *ex;
	size_t ex_count;
	bool loaded;
};

/* One run over a set of fixtures (one file, or a project folder). */
struct fixture_run {
	struct tally *t;
	const struct plm_rule_info *rule;
	struct fixture_file *files;
	size_t count;
	bool out_of_memory;
};

static struct fixture_file *fixture_of(struct fixture_run *f, const char *path)
{
	for (size_t i = 0; i < f->count; i++) {
		if (strcmp(f->files[i].path, path) == 0) {
			return &f->files[i];
		}
	}
	return NULL;
}

/* A fixture's document: its annotations, and no parse error. */
static void fixture_document(void *ctx, const struct plm_unit *unit,
	const struct plm_doc *doc)
{
	struct fixture_run *f = ctx;
	struct tally *t = f->t;
	struct fixture_file *ff = fixture_of(f, unit->shown);
	if (ff == NULL || ff->loaded) {
		return;
	}
	ff->loaded = true;
	t->fixtures++;
	if (parse_expectations(plm_doc_main(doc), &ff->ex, &ff->ex_count) !=
		0) {
		f->out_of_memory = true;
		return;
	}
	if (t->verbose) {
		printf("  %s (%s)\n", ff->path, plm_kind_name(doc->kind));
	}
	for (size_t i = 0; i < doc->diag_count; i++) {
		if (doc->diags[i].level == PLM_DIAG_ERROR &&
			doc->diags[i].span.source == 0) {
			struct plm_region reg = plm_doc_region(doc,
				doc->diags[i].span);
			fail_at(t, ff->path, reg.start_line, "parse error: %s",
				doc->diags[i].message);
		}
	}
}

/* Each finding of a result against the annotations of its file. */
static void fixture_result(void *ctx, const struct plm_file_result *r)
{
	struct fixture_run *fx = ctx;
	struct tally *t = fx->t;
	const struct plm_rule_info *rule = fx->rule;
	bool project_result = r->path[0] == '\0';
	if (!project_result && !r->scanned) {
		fail_at(t, r->path, 0, "cannot be read as a fixture: %s",
			r->note_count ? r->notes[0].message
				      : "not a known kind");
		return;
	}
	for (size_t i = 0; i < r->note_count; i++) {
		if (r->notes[i].kind == PLM_NOTIFY_POLICY_ERROR ||
			(project_result &&
				r->notes[i].kind == PLM_NOTIFY_TOOL_ERROR)) {
			fail_at(t, project_result ? "(project)" : r->path, 0,
				"%s", r->notes[i].message);
		}
	}
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct plm_finding *f = &r->findings[i];
		if (t->verbose) {
			printf("    %s:%u:%u: %s%s\n", f->path,
				f->region.start_line, f->region.start_column,
				f->message,
				f->suppression ? " (suppressed)" : "");
			for (size_t k = 0; k < f->related_count; k++) {
				printf("      related %s:%u:%u: %s\n",
					f->related[k].path,
					f->related[k].region.start_line,
					f->related[k].region.start_column,
					f->related[k].message
						? f->related[k].message
						: "");
			}
		}
		if (f->suppression != PLM_SUPPRESSION_NONE) {
			continue;
		}
		struct fixture_file *ff = fixture_of(fx, f->path);
		if (ff == NULL) {
			if (project_result) {
				fail_at(t, f->path, f->region.start_line,
					"unexpected %s finding outside the "
					"project: %s",
					rule->id, f->message);
			}
			continue; /* in a file a fixture pulled in */
		}
		bool found = false;
		for (size_t k = 0; k < ff->ex_count && !found; k++) {
			if (!ff->ex[k].matched &&
				ff->ex[k].line == f->region.start_line &&
				names_rule(rule, ff->ex[k].rule)) {
				ff->ex[k].matched = true;
				found = true;
			}
		}
		if (!found) {
			fail_at(t, f->path, f->region.start_line,
				"unexpected %s finding: %s", rule->id,
				f->message);
		}
	}
}

/* After the run: annotations that are wrong or were not matched. */
static void fixture_finish(struct fixture_run *fx)
{
	struct tally *t = fx->t;
	const struct plm_rule_info *rule = fx->rule;
	for (size_t i = 0; i < fx->count; i++) {
		struct fixture_file *ff = &fx->files[i];
		for (size_t k = 0; k < ff->ex_count; k++) {
			struct expectation *e = &ff->ex[k];
			t->expectations++;
			if (!names_rule(rule, e->rule)) {
				fail_at(t, ff->path, e->at,
					"expects '%s', but these "
					"fixtures belong to '%s'",
					e->rule, rule->id);
			} else if (e->line == 0) {
				fail_at(t, ff->path, e->at,
					"expect-next: %s is not "
					"followed by a line to report",
					e->rule);
			} else if (!e->matched) {
				fail_at(t, ff->path, e->line,
					"expected a finding of "
					"%s on line %u, got none",
					rule->id, e->line);
			}
		}
		free_expectations(ff->ex, ff->ex_count);
	}
}

/* Runs one policy through the engine's run on fixtures files[0..n) (one
 * project; a fixture's kind comes from its folder under base) and
 * compares. Returns -1 out of memory or when no checker could be built. */
static int check_fixtures(const struct plm_engine *e, size_t rule_index,
	const struct plm_rule_info *rule, const char *base, char **files,
	size_t n, struct tally *t)
{
	struct plm_project_options po = {0};
	struct plm_project *project = NULL;
	struct fixture_file *ff = plm_calloc(n ? n : 1, sizeof(*ff));
	int rc = ff ? plm_project_create(&po, &project) : PLM_ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		ff[i].path = files[i];
		rc = plm_project_add_path_as(project, files[i],
			kind_of_fixture(base, files[i]));
	}
	if (rc != 0) {
		plm_project_destroy(project);
		plm_free(ff);
		return -1;
	}
	if (t->verbose && n > 1) {
		printf("  project of %zu files\n", n);
	}
	struct fixture_run fx = {.t = t, .rule = rule, .files = ff, .count = n};
	struct plm_run_options ro = {.engine = e,
		.jobs = 1,
		.rule = rule_index};
	struct plm_sink sink = {
		.document = fixture_document,
		.result = fixture_result,
		.ctx = &fx,
	};
	struct plm_run_status rs;
	plm_run(project, &ro, &sink, &rs);
	plm_project_destroy(project);
	fixture_finish(&fx);
	plm_free(ff);
	if (rs.checker_error != NULL) {
		fprintf(stderr, "plimsoll test: %s\n", rs.checker_error);
		plm_free(rs.checker_error);
		return -1;
	}
	return rs.out_of_memory || fx.out_of_memory ? -1 : 0;
}

/* The fixtures of a rule: for a file-scope rule each file alone; for a
 * project-scope rule each folder directly under fixtures is one project
 * (every file under it) and each file directly in it a project of one
 * file. files are sorted, so a folder's files are next to each other. */
static int check_rule(const struct plm_engine *e, size_t rule_index,
	const struct plm_rule_info *rule, const char *fixtures, char **files,
	size_t n, struct tally *t)
{
	bool project = plm_engine_rule_is_project(e, rule_index);
	size_t flen = strlen(fixtures);
	for (size_t i = 0; i < n;) {
		const char *rest = files[i] + flen + 1;
		const char *slash = project ? strchr(rest, '/') : NULL;
		/* a kind folder is no project of its own */
		if (slash != NULL &&
			kind_of_fixture(fixtures, files[i]) !=
				PLM_KIND_UNKNOWN) {
			slash = NULL;
		}
		size_t len = slash != NULL ? (size_t)(slash - files[i]) : 0;
		size_t k = i + 1;
		while (slash != NULL && k < n &&
			strncmp(files[k], files[i], len + 1) == 0) {
			k++;
		}
		char *dir = slash != NULL ? plm_strndup(files[i], len) : NULL;
		int rc = slash != NULL && dir == NULL
			? -1
			: check_fixtures(e, rule_index, rule,
				  dir != NULL ? dir : fixtures, files + i,
				  k - i, t);
		plm_free(dir);
		if (rc != 0) {
			return rc;
		}
		i = k;
	}
	return 0;
}

static int test_dir(const char *dir, const struct plm_policy_options *p,
	struct tally *t)
{
	struct plm_engine_options eo = plm_policy_engine_options(p);
	const char *dirs[] = {dir};
	eo.policy_dirs = dirs;
	eo.policy_dir_count = 1;
	eo.no_builtin = true;
	struct plm_engine *e = NULL;
	char *error = NULL;
	if (plm_engine_create(&eo, &e, &error) != 0) {
		fprintf(stderr, "plimsoll test: %s\n", error);
		plm_free(error);
		plm_engine_destroy(e);
		return PLM_EXIT_ERROR;
	}
	int status = PLM_EXIT_CLEAN;
	size_t count = 0;
	const struct plm_rule_info *rules = plm_engine_rules(e, &count);
	for (size_t i = 0; i < count && status == PLM_EXIT_CLEAN; i++) {
		const struct plm_rule_info *rule = &rules[i];
		char *fixtures = fixtures_dir(rule->source_path);
		char **files = NULL;
		size_t n = 0, cap = 0;
		size_t before = t->failures, fixtures_before = t->fixtures;
		size_t ex_before = t->expectations;
		t->policies++;
		if (fixtures == NULL ||
			collect(fixtures, 0, &files, &n, &cap) != 0) {
			status = PLM_EXIT_ERROR;
		}
		if (t->verbose) {
			printf("%s (%s)\n", rule->id, rule->source_path);
		}
		if (status == PLM_EXIT_CLEAN &&
			check_rule(e, i, rule, fixtures, files, n, t) != 0) {
			fputs("plimsoll test: out of memory or no checker\n",
				stderr);
			status = PLM_EXIT_ERROR;
		}
		if (n == 0) {
			printf("warning: %s has no fixtures (looked in %s)\n",
				rule->id, fixtures ? fixtures : "?");
		} else if (t->failures == before) {
			printf("ok    %s (%zu fixtures, %zu expectations)\n",
				rule->id, t->fixtures - fixtures_before,
				t->expectations - ex_before);
		} else {
			printf("FAIL  %s\n", rule->id);
		}
		for (size_t k = 0; k < n; k++) {
			plm_free(files[k]);
		}
		plm_free(files);
		plm_free(fixtures);
	}
	plm_engine_destroy(e);
	return status;
}

int plm_cli_test(int argc, char **argv)
{
	static const struct option longs[] = {
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		PLM_POLICY_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct plm_policy_options p = {0};
	struct tally t = {0};
	int status = PLM_EXIT_CLEAN;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longs, NULL)) != -1) {
		int r = plm_policy_option(&p, c, optarg, "test");
		if (r < 0) {
			status = PLM_EXIT_ERROR;
			goto cleanup;
		}
		if (r > 0) {
			continue;
		}
		switch (c) {
		case 'v':
			t.verbose = true;
			break;
		case 'h':
			test_usage(stdout);
			goto cleanup;
		default:
			fputs("(see plimsoll test --help)\n", stderr);
			status = PLM_EXIT_ERROR;
			goto cleanup;
		}
	}
	if (p.dirs.count > 0 || p.files.count > 0 || p.only.count > 0 ||
		p.skip.count > 0 || p.tags.count > 0) {
		fputs("plimsoll test: give policy directories as arguments; "
		      "--policy-dir, --policy, --only, --skip and --tag do not "
		      "apply\n",
			stderr);
		status = PLM_EXIT_ERROR;
		goto cleanup;
	}
	if (optind == argc) {
		status = test_dir(plm_engine_builtin_dir(NULL), &p, &t);
	}
	for (int i = optind; i < argc && status == PLM_EXIT_CLEAN; i++) {
		if (!is_dir(argv[i])) {
			fprintf(stderr,
				"plimsoll test: %s is not a directory\n",
				argv[i]);
			status = PLM_EXIT_ERROR;
			break;
		}
		status = test_dir(argv[i], &p, &t);
	}
	if (status == PLM_EXIT_CLEAN) {
		printf("%zu policies, %zu fixtures, %zu expectations: %s\n",
			t.policies, t.fixtures, t.expectations,
			t.failures == 0 ? "all passed" : "FAILED");
		if (t.failures > 0) {
			printf("%zu failure%s\n", t.failures,
				t.failures == 1 ? "" : "s");
			status = PLM_EXIT_FINDINGS;
		}
	}
cleanup:
	plm_policy_options_free(&p);
	return status;
}

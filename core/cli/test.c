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
#include "discover/discover.h"
#include "engine/engine.h"
#include "engine/index.h"
#include "load/load.h"
#include "util/source.h"

/* Deepest fixture folder searched. */
#define MAX_FIXTURE_DEPTH 6

struct expectation {
	uint32_t line;        /* 1-based target line */
	uint32_t at;          /* 1-based line of the annotation */
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
	fputs(
"usage: plimsoll test [OPTIONS] [DIR...]\n"
"\n"
"Run each policy in DIR (default: the built-in policies) on the fixtures\n"
"beside it. In a fixture, a comment line `# expect-next: ID` says the next\n"
"non-comment line must be reported by that rule; a missing or unexpected\n"
"finding fails with file:line.\n"
"\n"
"  -v, --verbose           list every fixture and finding\n"
"  --policy-memory SIZE    memory cap per policy run (default 64M)\n"
"  --policy-instructions N instruction budget per policy run\n"
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
			char **g = realloc(names, ncap * sizeof(*g));
			if (g == NULL) {
				rc = -1;
				break;
			}
			names = g;
		}
		if ((names[n] = strdup(ent->d_name)) == NULL) {
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
		char *path = malloc(len);
		if (path == NULL) {
			rc = -1;
			break;
		}
		snprintf(path, len, "%s/%s", dir, names[i]);
		if (is_dir(path)) {
			if (depth < MAX_FIXTURE_DEPTH) {
				rc = collect(path, depth + 1, files, count, cap);
			}
			free(path);
			continue;
		}
		if (*count == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			char **g = realloc(*files, *cap * sizeof(*g));
			if (g == NULL) {
				free(path);
				rc = -1;
				break;
			}
			*files = g;
		}
		(*files)[(*count)++] = path;
	}
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
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
	char *out = malloc(len);
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
		"kubernetes"};
	for (size_t i = 0; i < 3; i++) {
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
		if ((size_t)(s + len - p) < klen || strncmp(p, key, klen) != 0) {
			continue;
		}
		p += klen;
		const char *end = s + len;
		while (p < end) {
			while (p < end && (*p == ' ' || *p == ',' || *p == '\t')) {
				p++;
			}
			const char *start = p;
			while (p < end && *p != ' ' && *p != ',' && *p != '\t') {
				p++;
			}
			if (p == start) {
				break;
			}
			if (*count == cap) {
				cap = cap ? cap * 2 : 8;
				struct expectation *g = realloc(*out, cap * sizeof(*g));
				if (g == NULL) {
					return -1;
				}
				*out = g;
			}
			struct expectation *e = &(*out)[(*count)++];
			e->line = 0;
			e->at = l + 1;
			e->matched = false;
			e->rule = strndup(start, (size_t)(p - start));
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
		free(e[i].rule);
	}
	free(e);
}

/* Matches the findings that land in path against its expectations; a
 * finding elsewhere is the caller's to judge. */
static void compare(struct tally *t, const struct plm_rule_info *rule,
	const char *path, struct expectation *ex, size_t ex_count,
	const struct plm_file_result *r)
{
	for (size_t i = 0; i < ex_count; i++) {
		t->expectations++;
		if (!names_rule(rule, ex[i].rule)) {
			fail_at(t, path, ex[i].at, "expects '%s', but these fixtures "
				"belong to '%s'", ex[i].rule, rule->id);
			ex[i].matched = true;
		} else if (ex[i].line == 0) {
			fail_at(t, path, ex[i].at, "expect-next: %s is not followed "
				"by a line to report", ex[i].rule);
			ex[i].matched = true;
		}
	}
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct plm_finding *f = &r->findings[i];
		if (f->suppression != PLM_SUPPRESSION_NONE ||
			strcmp(f->path, path) != 0) {
			continue;
		}
		bool found = false;
		for (size_t k = 0; k < ex_count && !found; k++) {
			if (!ex[k].matched && ex[k].line == f->region.start_line) {
				ex[k].matched = true;
				found = true;
			}
		}
		if (!found) {
			fail_at(t, path, f->region.start_line,
				"unexpected %s finding: %s", rule->id, f->message);
		}
	}
	for (size_t k = 0; k < ex_count; k++) {
		if (!ex[k].matched) {
			fail_at(t, path, ex[k].line, "expected a finding of %s on line "
				"%u, got none", rule->id, ex[k].line);
		}
	}
}

static void print_findings(const struct tally *t,
	const struct plm_file_result *r)
{
	for (size_t i = 0; t->verbose && i < r->finding_count; i++) {
		const struct plm_finding *f = &r->findings[i];
		printf("    %s:%u:%u: %s%s\n", f->path, f->region.start_line,
			f->region.start_column, f->message,
			f->suppression ? " (suppressed)" : "");
		for (size_t k = 0; k < f->related_count; k++) {
			printf("      related %s:%u:%u: %s\n", f->related[k].path,
				f->related[k].region.start_line,
				f->related[k].region.start_column,
				f->related[k].message ? f->related[k].message : "");
		}
	}
}

/* Fails on every parse error of a fixture's document. */
static void fail_on_parse_errors(struct tally *t, const char *path,
	const struct plm_doc *doc)
{
	for (size_t i = 0; i < doc->diag_count; i++) {
		if (doc->diags[i].level == PLM_DIAG_ERROR) {
			struct plm_region reg = plm_doc_region(doc, doc->diags[i].span);
			fail_at(t, path, reg.start_line, "parse error: %s",
				doc->diags[i].message);
		}
	}
}

/* Loads a fixture; NULL with a failure counted when it cannot be read,
 * and *oom set when memory ran out. */
static struct plm_doc *load_fixture(const char *path, enum plm_kind kind,
	struct tally *t, bool *oom)
{
	struct plm_load_options lo = {0};
	lo.kind = kind;
	enum plm_kind name_kind = kind;
	if (name_kind == PLM_KIND_UNKNOWN) {
		bool is_yaml = false;
		name_kind = plm_discover_kind_by_name(path, &is_yaml);
	}
	struct plm_doc *doc = NULL;
	struct plm_load_status st;
	*oom = false;
	if (plm_load(path, path, name_kind, true, &lo, &doc, &st) != 0) {
		*oom = true;
		return NULL;
	}
	if (st.outcome != PLM_LOAD_OK) {
		fail_at(t, path, 0, "cannot be read as a fixture: %s", st.message);
		plm_doc_destroy(doc);
		return NULL;
	}
	return doc;
}

/* Runs one policy on one fixture and compares. Returns -1 out of memory. */
static int check_fixture(struct plm_checker *c, size_t rule_index,
	const struct plm_rule_info *rule, const char *path, enum plm_kind kind,
	struct tally *t)
{
	bool oom = false;
	struct plm_doc *doc = load_fixture(path, kind, t, &oom);
	if (doc == NULL) {
		return oom ? -1 : 0;
	}
	t->fixtures++;
	int rc = 0;
	struct expectation *ex = NULL;
	size_t ex_count = 0;
	struct plm_file_result r;
	if (plm_file_result_init(&r, path) != 0 ||
		parse_expectations(plm_doc_main(doc), &ex, &ex_count) != 0 ||
		plm_checker_run_rule(c, doc, rule_index, &r) != 0) {
		rc = -1;
		goto cleanup;
	}
	if (t->verbose) {
		printf("  %s (%s)\n", path, plm_kind_name(doc->kind));
	}
	fail_on_parse_errors(t, path, doc);
	for (size_t i = 0; i < r.note_count; i++) {
		if (r.notes[i].kind == PLM_NOTIFY_POLICY_ERROR) {
			fail_at(t, path, 0, "%s", r.notes[i].message);
		}
	}
	print_findings(t, &r);
	compare(t, rule, path, ex, ex_count, &r);
cleanup:
	free_expectations(ex, ex_count);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);
	return rc;
}

struct project_file {
	const char *path;
	struct expectation *ex;
	size_t ex_count;
};

/* Runs a project-scope policy on one project: files[0..n) (a fixture
 * folder, or one file) under base, whose kind folders are read relative
 * to base. Returns -1 out of memory. */
static int check_project(struct plm_checker *c, size_t rule_index,
	const struct plm_rule_info *rule, const char *name, const char *base,
	char **files, size_t n, struct tally *t)
{
	int rc = 0;
	struct plm_index *index = NULL;
	struct project_file *pf = calloc(n ? n : 1, sizeof(*pf));
	struct plm_file_result r;
	memset(&r, 0, sizeof(r));
	if (pf == NULL || plm_index_create(&index) != 0 ||
		plm_file_result_init(&r, name) != 0) {
		rc = -1;
		goto cleanup;
	}
	if (t->verbose) {
		printf("  %s (project of %zu file%s)\n", name, n,
			n == 1 ? "" : "s");
	}
	size_t used = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool oom = false;
		struct plm_doc *doc = load_fixture(files[i],
			kind_of_fixture(base, files[i]), t, &oom);
		if (doc == NULL) {
			rc = oom ? -1 : 0;
			continue;
		}
		t->fixtures++;
		fail_on_parse_errors(t, files[i], doc);
		pf[used].path = files[i];
		if (parse_expectations(plm_doc_main(doc), &pf[used].ex,
			    &pf[used].ex_count) != 0 ||
			plm_index_add_doc(index, doc, files[i], NULL) != 0) {
			rc = -1;
		}
		used++;
		plm_doc_destroy(doc);
	}
	if (rc != 0 || plm_checker_run_project_rule(c, index, NULL,
			       rule_index, &r) != 0) {
		rc = -1;
		goto cleanup;
	}
	for (size_t i = 0; i < r.note_count; i++) {
		if (r.notes[i].kind == PLM_NOTIFY_POLICY_ERROR) {
			fail_at(t, name, 0, "%s", r.notes[i].message);
		}
	}
	print_findings(t, &r);
	for (size_t i = 0; i < used; i++) {
		compare(t, rule, pf[i].path, pf[i].ex, pf[i].ex_count, &r);
	}
	for (size_t i = 0; i < r.finding_count; i++) {
		bool known = false;
		for (size_t k = 0; k < used && !known; k++) {
			known = strcmp(r.findings[i].path, pf[k].path) == 0;
		}
		if (!known) {
			fail_at(t, r.findings[i].path, r.findings[i].region.start_line,
				"unexpected %s finding outside the project: %s",
				rule->id, r.findings[i].message);
		}
	}
cleanup:
	for (size_t i = 0; pf != NULL && i < n; i++) {
		free_expectations(pf[i].ex, pf[i].ex_count);
	}
	free(pf);
	plm_file_result_finish(&r);
	plm_index_destroy(index);
	return rc;
}

/* The fixtures of a project-scope policy: each folder directly under
 * fixtures is one project (every file under it), each file directly in
 * it a project of one file. files are sorted, so a folder's files are
 * next to each other. */
static int check_projects(struct plm_checker *c, size_t rule_index,
	const struct plm_rule_info *rule, const char *fixtures, char **files,
	size_t n, struct tally *t)
{
	size_t flen = strlen(fixtures);
	for (size_t i = 0; i < n;) {
		const char *rest = files[i] + flen + 1;
		const char *slash = strchr(rest, '/');
		size_t len = slash != NULL ? (size_t)(slash - files[i]) : 0;
		size_t k = i + 1;
		while (slash != NULL && k < n && strncmp(files[k], files[i],
			len + 1) == 0) {
			k++;
		}
		char *dir = slash != NULL ? strndup(files[i], len) : NULL;
		int rc = slash != NULL && dir == NULL ? -1
			: check_project(c, rule_index, rule,
				dir != NULL ? dir : files[i],
				dir != NULL ? dir : fixtures, files + i, k - i, t);
		free(dir);
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
	struct plm_checker *c = NULL;
	char *error = NULL;
	if (plm_engine_create(&eo, &e, &error) != 0 ||
		plm_checker_create(e, &c, &error) != 0) {
		fprintf(stderr, "plimsoll test: %s\n", error);
		free(error);
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
		if (fixtures == NULL || collect(fixtures, 0, &files, &n, &cap) != 0) {
			status = PLM_EXIT_ERROR;
		}
		if (t->verbose) {
			printf("%s (%s)\n", rule->id, rule->source_path);
		}
		if (plm_engine_rule_is_project(e, i)) {
			if (n > 0 && check_projects(c, i, rule, fixtures, files, n,
					     t) != 0) {
				fputs("plimsoll test: out of memory\n", stderr);
				status = PLM_EXIT_ERROR;
			}
		}
		for (size_t k = 0; k < n && status == PLM_EXIT_CLEAN &&
			!plm_engine_rule_is_project(e, i); k++) {
			if (check_fixture(c, i, rule, files[k],
				    kind_of_fixture(fixtures, files[k]), t) != 0) {
				fputs("plimsoll test: out of memory\n", stderr);
				status = PLM_EXIT_ERROR;
			}
		}
		if (n == 0) {
			printf("warning: %s has no fixtures (looked in %s)\n",
				rule->id, fixtures ? fixtures : "?");
		} else if (t->failures == before) {
			printf("ok    %s (%zu fixtures, %zu expectations)\n", rule->id,
				t->fixtures - fixtures_before,
				t->expectations - ex_before);
		} else {
			printf("FAIL  %s\n", rule->id);
		}
		for (size_t k = 0; k < n; k++) {
			free(files[k]);
		}
		free(files);
		free(fixtures);
	}
	plm_checker_destroy(c);
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
		case 'v': t.verbose = true; break;
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
			"apply\n", stderr);
		status = PLM_EXIT_ERROR;
		goto cleanup;
	}
	if (optind == argc) {
		status = test_dir(plm_engine_builtin_dir(NULL), &p, &t);
	}
	for (int i = optind; i < argc && status == PLM_EXIT_CLEAN; i++) {
		if (!is_dir(argv[i])) {
			fprintf(stderr, "plimsoll test: %s is not a directory\n",
				argv[i]);
			status = PLM_EXIT_ERROR;
			break;
		}
		status = test_dir(argv[i], &p, &t);
	}
	if (status == PLM_EXIT_CLEAN) {
		printf("%zu policies, %zu fixtures, %zu expectations: %s\n",
			t.policies, t.fixtures, t.expectations,
			t.failures == 0 ? "all passed"
					: "FAILED");
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

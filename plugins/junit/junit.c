/*
 * junit - a JUnit XML test report, which CI systems (GitLab, Jenkins,
 * Azure Pipelines, GitHub test-report actions) show as test results: one
 * <testsuite> per scanned file, one <testcase> per finding, marked
 * <failure>; a notification is a testcase marked <error>; a suppressed
 * finding (with --include-suppressed) is <skipped>; file names are
 * relative to the source root; a clean file has one
 * passing testcase, so it still shows as checked.
 * The report is written at end(), grouped by file; each testcase is
 * written when its finding comes, into a spool (plimsoll/collect.h).
 */
#include <stdlib.h>
#include <string.h>
#include "plimsoll/collect.h"
#include "plimsoll/error.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

struct junit {
	FILE *out;
	const struct plm_run_info *run;
	struct plm_spool *spool;
	/* Per file of the spool (by its number): findings suppressed. */
	size_t *skipped;
	size_t skipped_cap;
	/* The last file named and its name in the report. */
	char *last_path;
	char *last_shown;
};

static void *junit_create(const struct plm_plugin_options *options)
{
	struct junit *j = calloc(1, sizeof(*j));
	if (j == NULL) {
		return NULL;
	}
	j->out = options->out;
	j->spool = plm_spool_create();
	if (j->spool == NULL) {
		free(j);
		return NULL;
	}
	return j;
}

static void junit_destroy(void *self)
{
	struct junit *j = self;
	if (j != NULL) {
		plm_spool_destroy(j->spool);
		free(j->skipped);
		free(j->last_path);
		free(j->last_shown);
		free(j);
	}
}

static int junit_begin(void *self, const struct plm_run_info *run)
{
	struct junit *j = self;
	j->run = run;
	return 0;
}

struct counts {
	size_t tests;
	size_t failures;
	size_t errors;
	size_t skipped;
};

static struct counts count_group(const struct junit *j,
	const struct plm_spool_file *g)
{
	struct counts c = {0};
	c.skipped = g->number < j->skipped_cap ? j->skipped[g->number] : 0;
	c.failures = g->finding_count - c.skipped;
	c.errors = g->notification_count;
	c.tests = g->finding_count + g->notification_count;
	if (c.tests == 0) {
		c.tests = 1; /* the passing "no findings" testcase */
	}
	return c;
}

static void counts_attributes(FILE *out, struct counts c)
{
	fprintf(out,
		" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"%zu\"",
		c.tests, c.failures, c.errors, c.skipped);
}

/* "path:line:col" for a testcase name and a failure's body. */
static void where(FILE *out, const char *path, const struct plm_region *r)
{
	plm_output_xml_escape(out, path);
	if (r->start_line > 0) {
		fprintf(out, ":%u:%u", r->start_line, r->start_column);
	}
}

static void testcase_start(FILE *out, const char *name, const char *path,
	const struct plm_region *r)
{
	fputs("    <testcase name=\"", out);
	plm_output_xml_escape(out, name);
	fputs(" at ", out);
	where(out, path, r);
	fputs("\" classname=\"", out);
	plm_output_xml_escape(out, path);
	fputs("\" file=\"", out);
	plm_output_xml_escape(out, path);
	fputc('"', out);
	if (r->start_line > 0) {
		fprintf(out, " line=\"%u\"", r->start_line);
	}
	fputs(">\n", out);
}

static void finding_case(FILE *out, const struct plm_finding *f,
	const char *path)
{
	testcase_start(out, f->rule_id, path, &f->region);
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		fputs("      <skipped message=\"", out);
		plm_output_xml_escape(out,
			f->suppression_justification != NULL
				? f->suppression_justification
				: "suppressed");
		fputs("\"/>\n", out);
	} else {
		fputs("      <failure message=\"", out);
		plm_output_xml_escape(out, f->message);
		fprintf(out, "\" type=\"%s\">", plm_severity_name(f->severity));
		where(out, path, &f->region);
		fprintf(out, ": %s: ", plm_severity_name(f->severity));
		plm_output_xml_escape(out, f->message);
		fputs(" [", out);
		plm_output_xml_escape(out, f->rule_id);
		fputc(']', out);
		if (f->line_text != NULL) {
			fputs("&#10;", out);
			plm_output_xml_escape(out, f->line_text);
		}
		fputs("</failure>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void note_case(FILE *out, const struct plm_notification *n,
	const char *path)
{
	testcase_start(out, n->code != NULL ? n->code : "plimsoll", path,
		&n->region);
	fputs("      <error message=\"", out);
	plm_output_xml_escape(out, n->message);
	fputs("\" type=\"", out);
	plm_output_xml_escape(out, n->code != NULL ? n->code : "error");
	fputs("\"/>\n    </testcase>\n", out);
}

/* The name the report gives the file at path (NULL: "plimsoll"), kept
 * for the findings of the same file that follow. NULL when out of
 * memory. */
static const char *shown(struct junit *j, const char *path)
{
	const char *p = path != NULL ? path : "plimsoll";
	if (j->last_path != NULL && strcmp(j->last_path, p) == 0) {
		return j->last_shown;
	}
	free(j->last_path);
	free(j->last_shown);
	bool relative;
	j->last_path = strdup(p);
	j->last_shown = plm_output_run_path(j->run, p, &relative);
	if (j->last_path == NULL || j->last_shown == NULL) {
		free(j->last_path);
		free(j->last_shown);
		j->last_path = j->last_shown = NULL;
	}
	return j->last_shown;
}

/* Starts the piece of text of a testcase about path (NULL: no file),
 * the file's name in the report in *name. NULL when out of memory. */
static FILE *begin_case(struct junit *j, const char *path, bool note,
	const char **name)
{
	*name = shown(j, path);
	return *name != NULL ? plm_spool_begin(j->spool, path, note) : NULL;
}

/* One more suppressed finding in the file at path. */
static int count_skipped(struct junit *j, const char *path)
{
	size_t n = plm_spool_number(j->spool, path);
	if (n == SIZE_MAX) {
		return PLM_ENOMEM;
	}
	if (n >= j->skipped_cap) {
		size_t cap = j->skipped_cap ? j->skipped_cap : 64;
		while (cap <= n) {
			cap *= 2;
		}
		size_t *grown = realloc(j->skipped, cap * sizeof(*grown));
		if (grown == NULL) {
			return PLM_ENOMEM;
		}
		memset(grown + j->skipped_cap, 0,
			(cap - j->skipped_cap) * sizeof(*grown));
		j->skipped = grown;
		j->skipped_cap = cap;
	}
	j->skipped[n]++;
	return 0;
}

static int junit_finding(void *self, const struct plm_finding *f)
{
	struct junit *j = self;
	const char *name;
	FILE *out = begin_case(j, f->path, false, &name);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	finding_case(out, f, name);
	int rc = plm_spool_end(j->spool);
	if (rc == 0 && f->suppression != PLM_SUPPRESSION_NONE) {
		rc = count_skipped(j, f->path);
	}
	return rc;
}

static int junit_notification(void *self, const struct plm_notification *n)
{
	struct junit *j = self;
	const char *name;
	FILE *out = begin_case(j, n->path, true, &name);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	note_case(out, n, name);
	return plm_spool_end(j->spool);
}

static int junit_end(void *self, const struct plm_run_summary *sum)
{
	struct junit *j = self;
	struct plm_spool_file *groups;
	size_t count;
	int rc = plm_spool_files(j->spool, sum, &groups, &count);
	if (rc != 0) {
		return rc;
	}
	FILE *out = j->out;
	struct counts total = {0};
	for (size_t i = 0; i < count; i++) {
		struct counts c = count_group(j, &groups[i]);
		total.tests += c.tests;
		total.failures += c.failures;
		total.errors += c.errors;
		total.skipped += c.skipped;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<testsuites name=\"plimsoll\"",
		out);
	counts_attributes(out, total);
	if (sum->seconds >= 0) {
		fprintf(out, " time=\"%.3f\"", sum->seconds);
	}
	fputs(">\n", out);
	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct plm_spool_file *g = &groups[i];
		bool relative;
		char *path = plm_output_run_path(j->run,
			g->path != NULL ? g->path : "plimsoll", &relative);
		if (path == NULL) {
			rc = PLM_ENOMEM;
			break;
		}
		fputs("  <testsuite name=\"", out);
		plm_output_xml_escape(out, path);
		fputc('"', out);
		counts_attributes(out, count_group(j, g));
		fputs(">\n", out);
		rc = plm_spool_write(j->spool, g, false, out);
		if (rc == 0) {
			rc = plm_spool_write(j->spool, g, true, out);
		}
		if (g->finding_count == 0 && g->notification_count == 0) {
			fputs("    <testcase name=\"no findings\" classname=\"",
				out);
			plm_output_xml_escape(out, path);
			fputs("\" file=\"", out);
			plm_output_xml_escape(out, path);
			fputs("\"/>\n", out);
		}
		fputs("  </testsuite>\n", out);
		free(path);
	}
	fputs("</testsuites>\n", out);
	plm_spool_files_free(groups);
	if (rc != 0) {
		return rc;
	}
	return ferror(out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin junit_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "junit",
	.description = "JUnit XML test report (CI test results)",
	.create = junit_create,
	.begin = junit_begin,
	.finding = junit_finding,
	.notification = junit_notification,
	.end = junit_end,
	.destroy = junit_destroy,
};

const struct plm_output_plugin *plm_plugin_junit_entry(void);

const struct plm_output_plugin *plm_plugin_junit_entry(void)
{
	return &junit_plugin;
}

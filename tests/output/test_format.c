/*
 * plimsoll/report.h and collect.h: the helpers every plugin shares: paths as
 * URIs, escaping for XML and workflow commands, rule names and scores,
 * regions, sentences and grouping by file (a collector's and a spool's).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include "plimsoll/collect.h"
#include "util/hash.h"
#include "plimsoll/jsonw.h"
#include "plimsoll/report.h"
#include "output/output.h"

static void expect_uri(const char *path, const char *root, const char *want,
	bool want_relative)
{
	bool relative;
	char *uri = plm_output_uri(path, root, &relative);
	assert_non_null(uri);
	assert_string_equal(uri, want);
	assert_int_equal(relative, want_relative);
	free(uri);
}

static void expect_run_uri(const struct plm_run_info *run, const char *path,
	const char *want, bool want_relative)
{
	bool relative;
	char *uri = plm_output_run_uri(run, path, &relative);
	assert_non_null(uri);
	assert_string_equal(uri, want);
	assert_int_equal(relative, want_relative);
	free(uri);
	char *shown = plm_output_run_path(run, path, &relative);
	assert_non_null(shown);
	assert_int_equal(relative, want_relative);
	free(shown);
}

/* --source-root above the working directory: paths as shown (relative to
 * the working directory) are anchored there first. */
static void run_paths_are_anchored_at_the_working_directory(void **state)
{
	(void)state;
	struct plm_run_info run = {
		.working_directory = "/home/dev/repo/sub/",
		.source_root = "/home/dev/repo/",
	};
	expect_run_uri(&run, "Dockerfile", "sub/Dockerfile", true);
	expect_run_uri(&run, "./k8s/../pod.yaml", "sub/pod.yaml", true);
	expect_run_uri(&run, "../compose.yaml", "compose.yaml", true);
	expect_run_uri(&run, "/home/dev/repo/x/Dockerfile", "x/Dockerfile",
		true);
	expect_run_uri(&run, "../../other/Dockerfile",
		"file:///home/dev/other/Dockerfile", false);
	/* The same root as the working directory, or none: as before. */
	run.source_root = "/home/dev/repo/sub/";
	expect_run_uri(&run, "Dockerfile", "Dockerfile", true);
	run.source_root = NULL;
	expect_run_uri(&run, "../compose.yaml",
		"file:///home/dev/repo/compose.yaml", false);
}

static void uris_are_normalized_and_relative_to_the_root(void **state)
{
	(void)state;
	const char *root = "/home/dev/repo/";
	expect_uri("Dockerfile", root, "Dockerfile", true);
	expect_uri("./deploy//k8s/./pod.yaml", root, "deploy/k8s/pod.yaml",
		true);
	expect_uri("a/b/../c.yaml", root, "a/c.yaml", true);
	expect_uri("/home/dev/repo/x/Dockerfile", root, "x/Dockerfile", true);
	expect_uri("../repo/x.yaml", root, "x.yaml", true);
	expect_uri("../other/x.yaml", root, "file:///home/dev/other/x.yaml",
		false);
	expect_uri("/etc/compose.yaml", root, "file:///etc/compose.yaml",
		false);
	expect_uri("../x.yaml", NULL, "../x.yaml", true);
}

static void uris_percent_encode_spaces_and_non_ascii(void **state)
{
	(void)state;
	expect_uri("deploy/my app/caf\xC3\xA9.yaml", NULL,
		"deploy/my%20app/caf%C3%A9.yaml", true);
	expect_uri("a%b#c?d[e].yml", NULL, "a%25b%23c%3Fd%5Be%5D.yml", true);
	char *dir = plm_output_directory_uri("/home/dev/my repo/");
	assert_string_equal(dir, "file:///home/dev/my%20repo/");
	free(dir);
	dir = plm_output_directory_uri("/");
	assert_string_equal(dir, "file:///");
	free(dir);
}

static char *captured(void (*write)(FILE *, const char *, bool), const char *s,
	bool flag)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	write(f, s, flag);
	fclose(f);
	return buf;
}

static void xml_escape(FILE *out, const char *s, bool unused)
{
	(void)unused;
	plm_output_xml_escape(out, s);
}

static void xml_escapes_markup_controls_and_bad_utf8(void **state)
{
	(void)state;
	char *s = captured(xml_escape,
		"<a href=\"x\">&'\t\n\r\x01\xff</a>"
		"\xEF\xBF\xBE\xC3\xA9",
		false);
	assert_string_equal(s,
		"&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
		"&#9;&#10;&#13;\xEF\xBF\xBD\xEF\xBF\xBD&lt;/a&gt;"
		"\xEF\xBF\xBD\xC3\xA9");
	free(s);
}

static void workflow_commands_escape_data_and_properties(void **state)
{
	(void)state;
	char *s = captured(plm_output_workflow_escape, "50%: a,b\r\n", false);
	assert_string_equal(s, "50%25: a,b%0D%0A");
	free(s);
	s = captured(plm_output_workflow_escape, "50%: a,b\r\n", true);
	assert_string_equal(s, "50%25%3A a%2Cb%0D%0A");
	free(s);
	/* ESC, BEL, tab, DEL and CSI (U+009B) never go out raw; é does. */
	s = captured(plm_output_workflow_escape,
		"a\x1b[31m\x07\t\x7f\xc2\x9b"
		"2J\xc3\xa9.yml",
		true);
	assert_string_equal(s, "a%1B[31m%07%09%7F%C2%9B2J\xc3\xa9.yml");
	free(s);
	s = captured(plm_output_workflow_escape, "x\x1b]0;t\x07:,", false);
	assert_string_equal(s, "x%1B]0;t%07:,");
	free(s);
}

static void json_strings_replace_invalid_utf8(void **state)
{
	(void)state;
	json_t *j = plm_output_json_string("caf\xC3\xA9 \xFF!");
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "caf\xC3\xA9 \xEF\xBF\xBD!");
	json_decref(j);
	j = plm_output_json_string(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
}

static void rule_names_are_pascal_case(void **state)
{
	(void)state;
	char name[PLM_RULE_NAME_SIZE];
	struct plm_rule_info r = {.id = "acme/no-root-user_2"};
	plm_output_rule_name(&r, name);
	assert_string_equal(name, "AcmeNoRootUser2");
	r.name = "Given";
	plm_output_rule_name(&r, name);
	assert_string_equal(name, "Given");
	/* Not the id again (SARIF1001 compares without case). */
	struct plm_rule_info one = {.id = "privileged",
		.title = "Privileged container"};
	plm_output_rule_name(&one, name);
	assert_string_equal(name, "PrivilegedContainer");
	one.title = "privileged";
	plm_output_rule_name(&one, name);
	assert_string_equal(name, "");
}

static void security_severity_follows_severity(void **state)
{
	(void)state;
	struct plm_rule_info r = {.severity = PLM_SEVERITY_CRITICAL};
	assert_string_equal(plm_output_security_severity(&r), "9.5");
	r.severity = PLM_SEVERITY_LOW;
	assert_string_equal(plm_output_security_severity(&r), "3.0");
	r.severity = PLM_SEVERITY_INFO;
	assert_null(plm_output_security_severity(&r));
	r.security_severity = "6.1";
	assert_string_equal(plm_output_security_severity(&r), "6.1");
}

static void regions_are_made_displayable(void **state)
{
	(void)state;
	struct plm_region whole = {0};
	struct plm_region r = plm_output_region(&whole);
	assert_int_equal(r.start_line, 1);
	assert_int_equal(r.start_column, 1);
	assert_int_equal(r.end_line, 1);
	assert_int_equal(r.end_column, 1);
	struct plm_region inverted = {5, 7, 4, 2, 0, 0};
	r = plm_output_region(&inverted);
	assert_int_equal(r.end_line, 5);
	assert_int_equal(r.end_column, 7);
}

static void sentences_end_with_a_period(void **state)
{
	(void)state;
	char *s = plm_output_sentence("runs as root  ");
	assert_string_equal(s, "runs as root.");
	free(s);
	s = plm_output_sentence("done.");
	assert_string_equal(s, "done.");
	free(s);
}

static void fingerprints_fall_back_to_a_stable_hash(void **state)
{
	(void)state;
	char buf[PLM_FINGERPRINT_SIZE];
	struct plm_finding f = {.rule_id = "r",
		.path = "p",
		.message = "m",
		.region = {3, 1, 3, 2, 0, 0}};
	const char *a = plm_output_fingerprint(&f, buf);
	/* FNV-1a of each field and its NUL, as printf writes it. */
	char want[32];
	snprintf(want, sizeof(want), "%016" PRIx64,
		plm_fnv1a(PLM_FNV1A_INIT, "r\0p\0m", 6));
	assert_string_equal(a, want);
	char first[PLM_FINGERPRINT_SIZE];
	strcpy(first, a);
	f.region.start_line = 30; /* the line moved: same fingerprint */
	assert_string_equal(plm_output_fingerprint(&f, buf), first);
	f.fingerprint = "own";
	assert_string_equal(plm_output_fingerprint(&f, buf), "own");
}

static void groups_list_scanned_files_first(void **state)
{
	(void)state;
	struct plm_collector *c = plm_collector_create();
	assert_non_null(c);
	struct plm_finding f = {.rule_id = "r", .message = "m0"};
	f.path = "pulled-in/Dockerfile";
	assert_int_equal(plm_collector_add_finding(c, &f), 0);
	f.path = "b.yaml";
	f.message = "m1";
	assert_int_equal(plm_collector_add_finding(c, &f), 0);
	f.message = "m2";
	assert_int_equal(plm_collector_add_finding(c, &f), 0);
	struct plm_notification n = {.message = "x", .path = NULL};
	assert_int_equal(plm_collector_add_notification(c, &n), 0);
	n.path = "b.yaml";
	n.message = "y";
	assert_int_equal(plm_collector_add_notification(c, &n), 0);
	const char *paths[] = {"a.yaml", "b.yaml"};
	struct plm_run_summary sum = {.paths = paths, .path_count = 2};
	struct plm_file_report *g;
	size_t count;
	assert_int_equal(plm_collector_files(c, &sum, &g, &count), 0);
	assert_int_equal(count, 4);
	assert_string_equal(g[0].path, "a.yaml");
	assert_int_equal(g[0].finding_count, 0);
	assert_int_equal(g[0].notification_count, 0);
	assert_string_equal(g[1].path, "b.yaml");
	assert_int_equal(g[1].finding_count, 2);
	assert_string_equal(g[1].findings[0]->message, "m1");
	assert_string_equal(g[1].findings[1]->message, "m2");
	assert_int_equal(g[1].notification_count, 1);
	assert_string_equal(g[1].notifications[0]->message, "y");
	assert_string_equal(g[2].path, "pulled-in/Dockerfile");
	assert_int_equal(g[2].finding_count, 1);
	assert_string_equal(g[2].findings[0]->message, "m0");
	assert_null(g[3].path);
	assert_int_equal(g[3].notification_count, 1);
	assert_string_equal(g[3].notifications[0]->message, "x");
	plm_file_reports_free(g, count);
	plm_collector_destroy(c);
}

/* One piece of a pseudo-random scan: which file it names, whether it is
 * a notification, and its text. */
static void spool_piece(unsigned *seed, size_t i, const char **path, bool *note,
	char *text, size_t cap)
{
	static const char *const paths[] = {"a.yaml", "b.yaml", "c/Dockerfile",
		"late.yaml", "pulled-in/Dockerfile", NULL};
	*seed = *seed * 1103515245u + 12345u;
	unsigned r = *seed >> 16;
	*path = paths[r % 6];
	*note = (r / 6) % 5 == 0 || *path == NULL;
	/* Lengths from a few bytes to past the spool's read window. */
	size_t len = i % 997 == 0 ? (size_t)1300000 : 20 + r % 900;
	int n = snprintf(text, cap, "<%zu %s>", i, *path ? *path : "-");
	for (size_t k = (size_t)n; k < len && k + 1 < cap; k++) {
		text[k] = (char)('a' + (i + k) % 26);
	}
	text[len < cap ? len : cap - 1] = '\0';
}

/* A spool gives the files in the order a collector groups them (the
 * summary's, clean ones too, then those first named by a finding, then
 * by a notification) and each file's text back whole and in order, with
 * about 12 MB of text spilled to its temporary file or (no usable
 * TMPDIR) kept in memory. */
static void spools_give_files_in_order_and_text_back_whole(void **state)
{
	(void)state;
	const char *saved = getenv("TMPDIR");
	char *old = saved != NULL ? strdup(saved) : NULL;
	char *text = malloc(1400000);
	assert_non_null(text);
	for (int t = 0; t < 2; t++) {
		if (t == 0) {
			unsetenv("TMPDIR");
		} else {
			setenv("TMPDIR", "/nonexistent/plimsoll-test", 1);
		}
		struct plm_spool *sp = plm_spool_create();
		struct plm_collector *c = plm_collector_create();
		assert_non_null(sp);
		assert_non_null(c);
		unsigned seed = 7;
		for (size_t i = 0; i < 6000; i++) {
			const char *path;
			bool note;
			spool_piece(&seed, i, &path, &note, text, 1400000);
			FILE *out = plm_spool_begin(sp, path, note);
			assert_non_null(out);
			assert_null(plm_spool_begin(sp, path, note));
			fputs(text, out);
			assert_int_equal(plm_spool_end(sp), 0);
			if (note) {
				struct plm_notification n = {.path = path,
					.message = text};
				assert_int_equal(plm_collector_add_notification(c,
							 &n),
					0);
			} else {
				struct plm_finding f = {.rule_id = "r",
					.path = path,
					.message = text};
				assert_int_equal(plm_collector_add_finding(c,
							 &f),
					0);
			}
		}
		const char *paths[] = {"clean.yaml", "b.yaml", "a.yaml",
			"b.yaml"};
		struct plm_run_summary sum = {.paths = paths, .path_count = 4};
		struct plm_file_report *g;
		struct plm_spool_file *f;
		size_t gn, fn;
		assert_int_equal(plm_collector_files(c, &sum, &g, &gn), 0);
		assert_int_equal(plm_spool_files(sp, &sum, &f, &fn), 0);
		assert_int_equal(fn, gn);
		assert_int_equal(gn, 7);
		for (size_t i = 0; i < gn; i++) {
			if (g[i].path == NULL) {
				assert_null(f[i].path);
			} else {
				assert_string_equal(f[i].path, g[i].path);
			}
			assert_int_equal(f[i].finding_count,
				g[i].finding_count);
			assert_int_equal(f[i].notification_count,
				g[i].notification_count);
			for (int part = 0; part < 2; part++) {
				char *buf = NULL;
				size_t len = 0;
				FILE *m = open_memstream(&buf, &len);
				assert_non_null(m);
				assert_int_equal(plm_spool_write(sp, &f[i],
							 part == 1, m),
					0);
				fclose(m);
				size_t at = 0;
				size_t n = part ? g[i].notification_count
						: g[i].finding_count;
				for (size_t k = 0; k < n; k++) {
					const char *want = part
						? g[i].notifications[k]->message
						: g[i].findings[k]->message;
					size_t wl = strlen(want);
					assert_true(at + wl <= len);
					assert_memory_equal(buf + at, want, wl);
					at += wl;
				}
				assert_int_equal(at, len);
				free(buf);
			}
		}
		plm_spool_files_free(f);
		plm_file_reports_free(g, gn);
		plm_collector_destroy(c);
		plm_spool_destroy(sp);
	}
	if (old != NULL) {
		setenv("TMPDIR", old, 1);
		free(old);
	} else {
		unsetenv("TMPDIR");
	}
	free(text);
}

static void severity_levels_are_one_mapping(void **state)
{
	(void)state;
	assert_string_equal(plm_severity_level(PLM_SEVERITY_CRITICAL, "note"),
		"error");
	assert_string_equal(plm_severity_level(PLM_SEVERITY_HIGH, "note"),
		"error");
	assert_string_equal(plm_severity_level(PLM_SEVERITY_MEDIUM, "note"),
		"warning");
	assert_string_equal(plm_severity_level(PLM_SEVERITY_LOW, "notice"),
		"notice");
	assert_string_equal(plm_severity_level(PLM_SEVERITY_INFO, "info"),
		"info");
}

/* What a built-in format writes for one finding and the run's end. */
static char *rendered(const char *format, const struct plm_finding *f)
{
	const struct plm_output_plugin *p = plm_output_builtin(format);
	assert_non_null(p);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	struct plm_plugin_options o = {.out = out};
	void *self = p->create(&o);
	assert_non_null(self);
	assert_int_equal(p->finding(self, f), 0);
	p->destroy(self);
	fclose(out);
	return buf;
}

/* The line formats write a finding's text a run at a time: control
 * characters are still replaced where they fall (first, last, next to
 * each other), and the marker under a long line still lines up (an
 * indent and a run of '~' longer than the blocks they are written in). */
static void line_formats_replace_controls_and_mark_long_spans(void **state)
{
	(void)state;
	char line[400];
	line[0] = '\t';
	memset(line + 1, 'x', 299);
	memset(line + 300, 'y', 99);
	line[399] = '\0';
	struct plm_finding f = {
		.rule_id = "r\x1b",
		.severity = PLM_SEVERITY_HIGH,
		.message = "\x1b[31mred\r\n\x7f\x01\tend\x07",
		.path = "a\x07"
			"b.yaml",
		.region = {.start_line = 7,
			.start_column = 301,
			.end_line = 7,
			.end_column = 400},
		.line_text = line,
	};
	char *text = rendered("text", &f);
	char want[2048];
	char indent[301];
	indent[0] = '\t';
	memset(indent + 1, ' ', 299);
	indent[300] = '\0';
	char tildes[99];
	memset(tildes, '~', 98);
	tildes[98] = '\0';
	snprintf(want, sizeof(want),
		"a?b.yaml\n"
		"a?b.yaml:7:301: high: ?[31mred  ??\tend? [r?]\n"
		" 7 | %s\n"
		"   | %s^%s\n",
		line, indent, tildes);
	assert_string_equal(text, want);
	free(text);
	char *gnu = rendered("gnu", &f);
	assert_string_equal(gnu,
		"a b.yaml:7:301: high:  [31mred     end  [r ]\n");
	free(gnu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uris_are_normalized_and_relative_to_the_root),
		cmocka_unit_test(
			run_paths_are_anchored_at_the_working_directory),
		cmocka_unit_test(uris_percent_encode_spaces_and_non_ascii),
		cmocka_unit_test(xml_escapes_markup_controls_and_bad_utf8),
		cmocka_unit_test(workflow_commands_escape_data_and_properties),
		cmocka_unit_test(json_strings_replace_invalid_utf8),
		cmocka_unit_test(rule_names_are_pascal_case),
		cmocka_unit_test(security_severity_follows_severity),
		cmocka_unit_test(regions_are_made_displayable),
		cmocka_unit_test(sentences_end_with_a_period),
		cmocka_unit_test(fingerprints_fall_back_to_a_stable_hash),
		cmocka_unit_test(groups_list_scanned_files_first),
		cmocka_unit_test(
			spools_give_files_in_order_and_text_back_whole),
		cmocka_unit_test(severity_levels_are_one_mapping),
		cmocka_unit_test(
			line_formats_replace_controls_and_mark_long_spans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

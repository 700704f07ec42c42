/*
 * core/output/output: the output set. A third-party plugin (the CSV
 * example in plugins/example, built as a shared module) is loaded by path
 * and renders the fixture as its golden file says; load errors are
 * reported; the host holds suppressed findings back unless the run
 * includes them; every output gets its own file; the run is asked for
 * line hashes only when a format writes them.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "output/output.h"
#include "plm_config.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *data = calloc(1, 65536);
	assert_non_null(data);
	size_t n = fread(data, 1, 65535, f);
	data[n] = '\0';
	fclose(f);
	return data;
}

static void example_plugin_loads_and_renders_the_fixture(void **state)
{
	(void)state;
	char err[512] = "";
	struct plm_output_set *set = plm_output_set_create();
	assert_non_null(set);
	assert_int_equal(plm_output_set_load(set, EXAMPLE_PLUGIN, err,
				 sizeof(err)),
		0);
	char path[] = "/tmp/plm-output-set-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(plm_output_set_add(set, "csv", path, false, err,
				 sizeof(err)),
		0);
	assert_int_equal(plm_output_set_count(set), 1);
	assert_false(plm_output_set_uses_stdout(set));
	plm_output_set_destroy(set);

	/* The same plugin struct, driven through the fixture. */
	void *h = dlopen(EXAMPLE_PLUGIN, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(h);
	void *sym = dlsym(h, "plm_output_plugin_entry");
	assert_non_null(sym);
	plm_output_plugin_entry_fn entry;
	memcpy(&entry, &sym, sizeof(entry));
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fixture_run(entry(), out, FIXTURE_INCLUDE_SUPPRESSED,
				 0),
		0);
	fclose(out);
	dlclose(h);
	char *actual = slurp(path);
	unlink(path);
	const char *golden = PLM_SOURCE_ROOT
		"/tests/golden/output/example/include-suppressed.csv";
	const char *update = getenv("PLM_UPDATE_GOLDEN");
	if (update != NULL && update[0] != '\0') {
		FILE *g = fopen(golden, "wb");
		assert_non_null(g);
		fputs(actual, g);
		fclose(g);
	}
	char *expected = slurp(golden);
	assert_string_equal(actual, expected);
	free(actual);
	free(expected);
}

static void load_errors_name_what_failed(void **state)
{
	(void)state;
	char err[512] = "";
	struct plm_output_set *set = plm_output_set_create();
	assert_int_equal(plm_output_set_load(set, "/nonexistent/plugin.so", err,
				 sizeof(err)),
		PLM_EPLUGIN);
	assert_non_null(strstr(err, "cannot load plugin"));
	assert_int_equal(plm_output_set_add(set, "no-such-format", NULL, false,
				 err, sizeof(err)),
		PLM_EINVAL);
	assert_non_null(strstr(err, "unknown format 'no-such-format'"));
	assert_int_equal(plm_output_set_add(set, "json",
				 "/nonexistent/dir/out.json", false, err,
				 sizeof(err)),
		PLM_EIO);
	plm_output_set_destroy(set);
	plm_output_set_destroy(NULL);
}

/* Two outputs, each to its own file; a suppressed finding reaches neither
 * unless the run includes suppressed findings. */
static void host_holds_back_suppressed_findings(void **state)
{
	(void)state;
	for (int include = 0; include <= 1; include++) {
		char err[512] = "";
		char gnu_path[] = "/tmp/plm-gnu-XXXXXX";
		char json_path[] = "/tmp/plm-json-XXXXXX";
		close(mkstemp(gnu_path));
		close(mkstemp(json_path));
		struct plm_output_set *set = plm_output_set_create();
		assert_int_equal(plm_output_set_add(set, "text", gnu_path, true,
					 err, sizeof(err)),
			0);
		assert_int_equal(plm_output_set_add(set, "json", json_path,
					 false, err, sizeof(err)),
			0);
		struct plm_rule_info rule = {.id = "r",
			.title = "R",
			.severity = PLM_SEVERITY_HIGH};
		struct plm_run_info run = {.rules = &rule,
			.rule_count = 1,
			.include_suppressed = include};
		assert_int_equal(plm_output_begin(set, &run), 0);
		struct plm_finding f = {.rule_id = "r",
			.path = "Dockerfile",
			.message = "open",
			.severity = PLM_SEVERITY_HIGH,
			.region = {1, 1, 1, 2, 0, 1}};
		assert_int_equal(plm_output_finding(set, &f), 0);
		f.message = "hidden";
		f.suppression = PLM_SUPPRESSION_IN_SOURCE;
		assert_int_equal(plm_output_finding(set, &f), 0);
		struct plm_run_summary sum = {.files_scanned = 1,
			.successful = true,
			.seconds = -1};
		assert_int_equal(plm_output_end(set, &sum), 0);
		plm_output_set_destroy(set);
		char *text = slurp(gnu_path);
		char *json = slurp(json_path);
		unlink(gnu_path);
		unlink(json_path);
		assert_non_null(strstr(text, "open"));
		assert_null(strstr(text, "\033[")); /* a file: no colour */
		assert_non_null(strstr(json, "\"open\""));
		if (include) {
			assert_non_null(strstr(text, "hidden"));
			assert_non_null(strstr(json, "\"hidden\""));
		} else {
			assert_null(strstr(text, "hidden"));
			assert_null(strstr(json, "hidden"));
		}
		free(text);
		free(json);
	}
}

/* Files in dir whose name holds ".plimsoll-" (temporary reports). */
static int temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		n += strstr(e->d_name, ".plimsoll-") != NULL;
	}
	closedir(d);
	return n;
}

/* A report replaces the file at its path only once ended; a set destroyed
 * before that leaves the old file whole and no temporary file behind. */
static void a_report_replaces_the_old_file_only_when_complete(void **state)
{
	(void)state;
	char dir[] = "/tmp/plm-report-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/report.json", dir);
	for (int finish = 0; finish <= 1; finish++) {
		FILE *old = fopen(path, "w");
		assert_non_null(old);
		fputs("old report", old);
		fclose(old);
		char err[512] = "";
		struct plm_output_set *set = plm_output_set_create();
		assert_int_equal(plm_output_set_add(set, "json", path, false,
					 err, sizeof(err)),
			0);
		struct plm_run_info run = {.rule_count = 0};
		assert_int_equal(plm_output_begin(set, &run), 0);
		struct plm_finding f = {.rule_id = "r",
			.path = "Dockerfile",
			.message = "new",
			.severity = PLM_SEVERITY_HIGH};
		assert_int_equal(plm_output_finding(set, &f), 0);
		assert_int_equal(temporaries(dir), 1);
		char *text = slurp(path);
		assert_string_equal(text, "old report");
		free(text);
		if (finish) {
			struct plm_run_summary sum = {.successful = true};
			assert_int_equal(plm_output_end(set, &sum), 0);
		}
		plm_output_set_destroy(set);
		assert_int_equal(temporaries(dir), 0);
		text = slurp(path);
		if (finish) {
			assert_non_null(strstr(text, "\"new\""));
		} else {
			assert_string_equal(text, "old report");
		}
		free(text);
	}
	unlink(path);
	rmdir(dir);
}

static void every_builtin_is_a_valid_plugin(void **state)
{
	(void)state;
	size_t n = 0;
	for (const struct plm_output_plugin *const *b = plm_output_builtins();
		*b != NULL; b++, n++) {
		assert_int_equal((*b)->abi_version, PLM_PLUGIN_ABI_VERSION);
		assert_non_null((*b)->name);
		assert_non_null((*b)->description);
		assert_non_null((*b)->create);
		assert_non_null((*b)->destroy);
		(*b)->destroy(NULL);
	}
	assert_int_equal(n, 9);
}

/* The fixture as format renders it (variant DEFAULT, no flags). */
static char *render(const struct plm_output_plugin *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(fixture_run(p, out, FIXTURE_DEFAULT, 0), 0);
	fclose(out);
	return buf;
}

/* Whether a set of these formats asks the run for line hashes. */
static bool set_needs_hashes(const char *const *formats, const char *load)
{
	char err[512] = "";
	struct plm_output_set *set = plm_output_set_create();
	assert_non_null(set);
	if (load != NULL) {
		assert_int_equal(plm_output_set_load(set, load, err,
					 sizeof(err)),
			0);
	}
	for (const char *const *f = formats; *f != NULL; f++) {
		assert_int_equal(plm_output_set_add(set, *f, "/dev/null", false,
					 err, sizeof(err)),
			0);
	}
	bool needs = plm_output_set_needs_line_hashes(set);
	plm_output_set_destroy(set);
	return needs;
}

/* A run leaves the line hashes out when no output writes them: each
 * built-in format is asked for them exactly when its rendering of the
 * fixture holds one of the fixture's hashes (so a format that starts
 * writing them fails here until it asks); a loaded plugin always is. */
static void line_hashes_are_asked_for_by_the_formats_that_write_them(
	void **state)
{
	(void)state;
	char *json = render(plm_output_builtin("json"));
	const char *key = strstr(json, "\"line_hash\": \"");
	assert_non_null(key);
	key += strlen("\"line_hash\": \"");
	char hash[64];
	size_t len = strcspn(key, "\"");
	assert_true(len > 2 && len < sizeof(hash));
	memcpy(hash, key, len);
	hash[len] = '\0';
	free(json);
	size_t writers = 0;
	for (const struct plm_output_plugin *const *b = plm_output_builtins();
		*b != NULL; b++) {
		char *out = render(*b);
		bool writes = strstr(out, hash) != NULL;
		free(out);
		writers += writes;
		const char *one[] = {(*b)->name, NULL};
		assert_int_equal(set_needs_hashes(one, NULL), writes);
	}
	assert_int_equal(writers, 2); /* JSON and SARIF */
	const char *quiet[] = {"text", "gnu", "html", NULL};
	assert_false(set_needs_hashes(quiet, NULL));
	const char *mixed[] = {"text", "sarif", NULL};
	assert_true(set_needs_hashes(mixed, NULL));
	const char *loaded[] = {"csv", NULL};
	assert_true(set_needs_hashes(loaded, EXAMPLE_PLUGIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_plugin_loads_and_renders_the_fixture),
		cmocka_unit_test(load_errors_name_what_failed),
		cmocka_unit_test(host_holds_back_suppressed_findings),
		cmocka_unit_test(every_builtin_is_a_valid_plugin),
		cmocka_unit_test(
			line_hashes_are_asked_for_by_the_formats_that_write_them),
		cmocka_unit_test(
			a_report_replaces_the_old_file_only_when_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * tests/command/test_env_file.c - `docker run --env-file` of text that is
 * in no file (standard input, an editor's unsaved buffer): only the scan
 * root is looked in, and with no root nothing is read.
 */
#include "../yaml/helpers.h"

#include <unistd.h>

#include "command/command.h"

static const char *const text = "docker run --env-file app.env a:1\n";

static struct plm_doc *build(const struct plm_command_options *o)
{
	struct plm_doc *doc = doc_from("<stdin>", text, PLM_KIND_COMMAND);
	assert_int_equal(plm_command_build(doc, o), 0);
	return doc;
}

static void test_no_file_reads_from_the_root(void **state)
{
	(void)state;
	char dir[] = "/tmp/plm-env-file-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/app.env", dir);
	write_file(path, "A=1\n");
	struct plm_command_options o = {.path = NULL, .root = dir};
	struct plm_doc *doc = build(&o);
	assert_string_equal(str_at(doc->containers, "0.env.0.name"), "A");
	assert_string_equal(str_at(doc->containers, "0.env.0.value"), "1");
	assert_null(diag_with(doc, "command/missing-env-file"));
	plm_doc_destroy(doc);
	unlink(path);
	rmdir(dir);
}

static void test_no_file_and_no_root_reads_nothing(void **state)
{
	(void)state;
	struct plm_command_options o = {.path = NULL, .root = NULL};
	struct plm_doc *doc = build(&o);
	assert_null(at(doc->containers, "0.env.0"));
	const struct plm_diag *d = diag_with(doc, "command/missing-env-file");
	assert_non_null(d);
	assert_string_equal(span_text(doc, d->span), "app.env");
	plm_doc_destroy(doc);
	/* no options at all: the same */
	doc = build(NULL);
	assert_non_null(diag_with(doc, "command/missing-env-file"));
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_file_reads_from_the_root),
		cmocka_unit_test(test_no_file_and_no_root_reads_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Bad and hostile input: diagnostics with a position, no crash, no hang. */
#include <pthread.h>
#include <time.h>

#include "helpers.h"
#include "dockerfile/text.h"
#include "util/utf8.h"

/* Every string in the tree is valid UTF-8 without NULs. */
static void assert_clean(const struct plm_node *n, int depth)
{
	assert_true(depth < 200);
	if (n == NULL) {
		return;
	}
	if (n->kind == PLM_NODE_STRING) {
		assert_int_equal(plm_utf8_check(n->as.string.ptr,
					 n->as.string.len),
			n->as.string.len);
		assert_null(memchr(n->as.string.ptr, '\0', n->as.string.len));
	} else if (n->kind == PLM_NODE_SEQ) {
		for (size_t i = 0; i < n->as.seq.count; i++) {
			assert_clean(n->as.seq.items[i], depth + 1);
		}
	} else if (n->kind == PLM_NODE_MAP) {
		for (size_t i = 0; i < n->as.map.count; i++) {
			assert_clean(n->as.map.entries[i].value, depth + 1);
		}
	}
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void unknown_instruction_is_reported_and_kept(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nfrobnicate --x y\nUSER 1\n");
	const struct plm_diag *d = diag(doc, "dockerfile/unknown-instruction");
	assert_int_equal(d->level, PLM_DIAG_ERROR);
	assert_at(doc, d->span, 2, 1);
	assert_non_null(strstr(d->message, "expected one of"));
	assert_string_equal(str(instr(doc, 0, 1), "keyword"), "FROBNICATE");
	assert_false(boolean(get(container(doc), "user"), "root"));
	plm_doc_destroy(doc);
}

static void unterminated_quote_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nENV A=\"open\nLABEL b='x\n");
	assert_int_equal(diags(doc, "dockerfile/unterminated-quote"), 2);
	assert_at(doc, diag(doc, "dockerfile/unterminated-quote")->span, 2, 7);
	plm_doc_destroy(doc);
}

static void unterminated_json_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nCMD [\"a\", \"b\"\n"
				    "ENTRYPOINT [\"x\n");
	assert_int_equal(diags(doc, "dockerfile/exec-form"), 2);
	assert_non_null(strstr(diag(doc, "dockerfile/exec-form")->message,
		"unterminated"));
	assert_string_equal(str(instr(doc, 0, 1), "form"), "shell");
	plm_doc_destroy(doc);
}

static void nul_bytes_are_reported_and_replaced(void **state)
{
	(void)state;
	const char text[] = "FROM a\nRUN echo a\0b\nUSER x\0y\n";
	struct plm_doc *doc = parse_n(text, sizeof(text) - 1);
	assert_int_equal(diags(doc, "dockerfile/binary"), 1);
	assert_at(doc, diag(doc, "dockerfile/binary")->span, 2, 11);
	assert_clean(doc->tree, 0);
	assert_clean(doc->containers, 0);
	plm_doc_destroy(doc);
}

static void invalid_utf8_is_reported_and_sanitized(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("FROM a\nLABEL x=\"\xff\xfe\"\n# \xc3\n"
				    "USER \xe9t\xe9\n");
	assert_int_equal(diags(doc, "dockerfile/invalid-utf8"), 1);
	assert_at(doc, diag(doc, "dockerfile/invalid-utf8")->span, 2, 10);
	assert_clean(doc->tree, 0);
	assert_clean(doc->containers, 0);
	assert_int_equal(plm_utf8_check(doc->comments[2],
				 strlen(doc->comments[2])),
		strlen(doc->comments[2]));
	plm_doc_destroy(doc);
}

static void binary_junk_does_not_crash(void **state)
{
	(void)state;
	unsigned seed = 12345;
	char *junk = malloc(1 << 20);
	assert_non_null(junk);
	for (int round = 0; round < 8; round++) {
		size_t n = (size_t)(1 << (12 + round % 8));
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly Dockerfile-ish bytes, some random ones. */
			static const char alphabet[] =
				"FROM RUN <<EOF\n\\`\"'${}()[],:=-#$|&; \t\r";
			junk[i] = (seed >> 24) % 4 == 0
				? (char)(seed >> 16)
				: alphabet[(seed >> 16) %
					  (sizeof(alphabet) - 1)];
		}
		struct plm_doc *doc = parse_n(junk, n);
		assert_clean(doc->tree, 0);
		plm_doc_destroy(doc);
	}
	free(junk);
}

static void over_long_line_is_reported_and_skipped(void **state)
{
	(void)state;
	size_t n = PLM_DOCKERFILE_MAX_LINE + 100;
	char *text = malloc(n + 64);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, 64, "FROM a\nRUN ");
	memset(text + k, 'x', n);
	k += n;
	memcpy(text + k, "\nUSER 1\n", 8);
	k += 8;
	double t0 = seconds();
	struct plm_doc *doc = parse_n(text, k);
	assert_true(seconds() - t0 < 10.0);
	const struct plm_diag *d = diag(doc, "dockerfile/line-too-long");
	assert_at(doc, d->span, 2, 1);
	/* Parsing goes on after it. */
	assert_string_equal(str(instr(doc, 0, 1), "keyword"), "USER");
	plm_doc_destroy(doc);
	free(text);
}

static void millions_of_continuations_are_linear(void **state)
{
	(void)state;
	size_t lines = 1000000;
	char *text = malloc(lines * 4 + 64);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, 64, "FROM a\nRUN x");
	for (size_t i = 0; i < lines; i++) {
		memcpy(text + k, " \\\n", 3);
		k += 3;
		if (i % 2) {
			memcpy(text + k, "#\n", 2);
			k += 2;
		}
	}
	memcpy(text + k, "y\n", 2);
	k += 2;
	double t0 = seconds();
	struct plm_doc *doc = parse_n(text, k);
	assert_true(seconds() - t0 < 20.0);
	const char *t = str(instr(doc, 0, 1), "text");
	assert_int_equal(strlen(t), lines + 2);
	assert_int_equal(t[0], 'x');
	assert_int_equal(t[lines + 1], 'y');
	plm_doc_destroy(doc);
	free(text);
}

static void doubling_expansion_is_bounded(void **state)
{
	(void)state;
	char text[8192];
	size_t k = (size_t)snprintf(text, sizeof(text),
		"FROM a\nENV V0=xxxxxxxx\n");
	for (int i = 1; i < 60; i++) {
		k += (size_t)snprintf(text + k, sizeof(text) - k,
			"ENV V%d=$V%d$V%d\n", i, i - 1, i - 1);
	}
	double t0 = seconds();
	struct plm_doc *doc = parse_n(text, k);
	assert_true(seconds() - t0 < 10.0);
	assert_int_equal(diags(doc, "dockerfile/expansion-limit"), 1);
	plm_doc_destroy(doc);
}

static void model_size_limit_keeps_a_partial_model(void **state)
{
	(void)state;
	const char *line = "RUN a && b | c; d x y z\n";
	size_t count = 120000, ln = strlen(line);
	char *text = malloc(count * ln + 16);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, 16, "FROM a\n");
	for (size_t i = 0; i < count; i++) {
		memcpy(text + k, line, ln);
		k += ln;
	}
	struct plm_doc *doc = parse_n(text, k);
	assert_int_equal(diags(doc, "dockerfile/model-limit"), 1);
	size_t n = plm_node_count(get(stage(doc, 0), "instructions"));
	assert_true(n > 1000 && n < count);
	assert_int_equal(plm_node_count(doc->containers), 1);
	plm_doc_destroy(doc);
	free(text);
}

static void cut_command_text_stays_valid_utf8(void **state)
{
	(void)state;
	/* A command longer than the kept text, made of 2-byte characters
	 * shifted by one byte so a plain cut would split one. */
	size_t chars = PLM_DOCKERFILE_MAX_COMMAND_TEXT;
	char *text = malloc(chars * 2 + 64);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, 64, "FROM a\nRUN echo x");
	for (size_t i = 0; i < chars; i++) {
		memcpy(text + k, "\xc3\xa9", 2);
		k += 2;
	}
	text[k++] = '\n';
	struct plm_doc *doc = parse_n(text, k);
	assert_int_equal(doc->diag_count, 0);
	const char *t = str(item(get(instr(doc, 0, 1), "commands"), 0), "text");
	assert_true(strlen(t) <= PLM_DOCKERFILE_MAX_COMMAND_TEXT);
	assert_int_equal(plm_utf8_check(t, strlen(t)), strlen(t));
	plm_doc_destroy(doc);
	free(text);
}

static void mount_options_are_bounded(void **state)
{
	(void)state;
	char text[8192];
	size_t k = (size_t)snprintf(text, sizeof(text),
		"FROM a\nRUN --mount=type=bind");
	for (int i = 0; i < 200; i++) {
		k += (size_t)snprintf(text + k, sizeof(text) - k, ",k%d=v", i);
	}
	k += (size_t)snprintf(text + k, sizeof(text) - k, " x\n");
	struct plm_doc *doc = parse_n(text, k);
	assert_int_equal(diags(doc, "dockerfile/mount-limit"), 1);
	plm_doc_destroy(doc);
}

static void empty_and_blank_files_report_no_from(void **state)
{
	(void)state;
	struct plm_doc *doc = parse("");
	assert_int_equal(diags(doc, "dockerfile/no-from"), 1);
	assert_int_equal(plm_node_count(get(doc->tree, "stages")), 0);
	plm_doc_destroy(doc);
	doc = parse("\n\n   \n\\\n");
	assert_int_equal(diags(doc, "dockerfile/no-from"), 1);
	plm_doc_destroy(doc);
}

static void missing_arguments_are_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = parse(
		"FROM a\nRUN\nCMD\nUSER\nWORKDIR\n"
		"ONBUILD\nEXPOSE\nVOLUME\nHEALTHCHECK CMD\n");
	assert_int_equal(diags(doc, "dockerfile/missing-argument"), 8);
	plm_doc_destroy(doc);
}

static void *parse_in_thread(void *arg)
{
	const char *text = arg;
	for (int i = 0; i < 200; i++) {
		struct plm_source *src = plm_source_create("t", text,
			strlen(text));
		struct plm_doc *doc = plm_doc_create_take(src,
			PLM_KIND_DOCKERFILE);
		if (doc == NULL || plm_dockerfile_build(doc) != 0 ||
			plm_node_count(doc->containers) != 1) {
			plm_doc_destroy(doc);
			return (void *)1;
		}
		plm_doc_destroy(doc);
	}
	return NULL;
}

static void parsing_is_reentrant_across_threads(void **state)
{
	(void)state;
	const char *text = "ARG V=1\nFROM a:$V AS b\nENV X=$V\n"
			   "RUN <<EOF\nset -e\napk add x\nEOF\nUSER 10\n";
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_create(&t[i], NULL, parse_in_thread,
					 (void *)text),
			0);
	}
	for (int i = 0; i < 4; i++) {
		void *rc;
		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_null(rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_instruction_is_reported_and_kept),
		cmocka_unit_test(unterminated_quote_is_reported),
		cmocka_unit_test(unterminated_json_is_reported),
		cmocka_unit_test(nul_bytes_are_reported_and_replaced),
		cmocka_unit_test(invalid_utf8_is_reported_and_sanitized),
		cmocka_unit_test(binary_junk_does_not_crash),
		cmocka_unit_test(over_long_line_is_reported_and_skipped),
		cmocka_unit_test(millions_of_continuations_are_linear),
		cmocka_unit_test(doubling_expansion_is_bounded),
		cmocka_unit_test(model_size_limit_keeps_a_partial_model),
		cmocka_unit_test(mount_options_are_bounded),
		cmocka_unit_test(cut_command_text_stays_valid_utf8),
		cmocka_unit_test(empty_and_blank_files_report_no_from),
		cmocka_unit_test(missing_arguments_are_reported),
		cmocka_unit_test(parsing_is_reentrant_across_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * plugins/sarif beyond the golden files: GitHub's limit of results per
 * run, results whose rule the run does not list, and results that wait
 * in a temporary file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "output/output.h"

/* Runs the sarif plugin over `count` findings made by make(i) and returns
 * the parsed log. */
static json_t *render(size_t count,
	void (*make)(size_t i, struct plm_finding *f))
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	const struct plm_output_plugin *p = plm_output_builtin("sarif");
	struct plm_plugin_options options = {.out = out};
	void *self = p->create(&options);
	assert_non_null(self);
	struct plm_rule_info rules[] = {
		{.id = "low-rule", .title = "Low", .severity = PLM_SEVERITY_LOW},
		{.id = "critical-rule",
			.title = "Critical",
			.severity = PLM_SEVERITY_CRITICAL},
	};
	struct plm_run_info run = {.rules = rules,
		.rule_count = 2,
		.source_root = "/src/"};
	assert_int_equal(p->begin(self, &run), 0);
	for (size_t i = 0; i < count; i++) {
		struct plm_finding f = {.path = "Dockerfile",
			.message = "m.",
			.region = {1, 1, 1, 2, 0, 1},
			.line_hash = "0:1"};
		make(i, &f);
		assert_int_equal(p->finding(self, &f), 0);
	}
	struct plm_run_summary sum = {.successful = true, .seconds = -1};
	assert_int_equal(p->end(self, &sum), 0);
	p->destroy(self);
	fclose(out);
	json_error_t err;
	json_t *log = json_loadb(text, len, 0, &err);
	free(text);
	assert_non_null(log);
	return log;
}

static void low_then_one_critical(size_t i, struct plm_finding *f)
{
	bool last = i == 25000;
	f->rule_id = last ? "critical-rule" : "low-rule";
	f->rule_index = last ? 1 : 0;
	f->severity = last ? PLM_SEVERITY_CRITICAL : PLM_SEVERITY_LOW;
}

static void results_over_githubs_limit_keep_the_most_severe(void **state)
{
	(void)state;
	json_t *log = render(25001, low_then_one_critical);
	json_t *run = json_array_get(json_object_get(log, "runs"), 0);
	json_t *results = json_object_get(run, "results");
	assert_int_equal(json_array_size(results), 25000);
	json_t *last = json_array_get(results, 24999);
	assert_string_equal(json_string_value(json_object_get(last, "ruleId")),
		"critical-rule");
	json_t *notes = json_object_get(json_array_get(json_object_get(run,
							       "invocations"),
						0),
		"toolExecutionNotifications");
	assert_int_equal(json_array_size(notes), 1);
	json_t *id = json_object_get(json_object_get(json_array_get(notes, 0),
					     "descriptor"),
		"id");
	assert_string_equal(json_string_value(id), "sarif/results-limit");
	json_decref(log);
}

static void unknown_rule(size_t i, struct plm_finding *f)
{
	(void)i;
	f->rule_id = "not-in-the-run";
	f->rule_index = 7;
	f->severity = PLM_SEVERITY_MEDIUM;
}

static void misplaced_rule_index(size_t i, struct plm_finding *f)
{
	(void)i;
	f->rule_id = "critical-rule";
	f->rule_index = 0; /* wrong: the id wins */
	f->severity = PLM_SEVERITY_CRITICAL;
}

static void rule_index_follows_the_rule_id(void **state)
{
	(void)state;
	json_t *log = render(1, unknown_rule);
	json_t *result =
		json_array_get(json_object_get(json_array_get(json_object_get(log,
								      "runs"),
						       0),
				       "results"),
			0);
	assert_null(json_object_get(result, "ruleIndex"));
	json_decref(log);
	log = render(1, misplaced_rule_index);
	result =
		json_array_get(json_object_get(json_array_get(json_object_get(log,
								      "runs"),
						       0),
				       "results"),
			0);
	assert_int_equal(json_integer_value(
				 json_object_get(result, "ruleIndex")),
		1);
	json_decref(log);
}

#define MESSAGE_SIZE 600

/* Every third critical, the rest low; a long message that says which. */
static void many_long_results(size_t i, struct plm_finding *f)
{
	static char message[MESSAGE_SIZE];
	bool critical = i % 3 == 0;
	f->rule_id = critical ? "critical-rule" : "low-rule";
	f->rule_index = critical ? 1 : 0;
	f->severity = critical ? PLM_SEVERITY_CRITICAL : PLM_SEVERITY_LOW;
	int n = snprintf(message, sizeof(message), "result %zu ", i);
	memset(message + n, 'x', sizeof(message) - (size_t)n - 2);
	message[sizeof(message) - 2] = '.';
	message[sizeof(message) - 1] = '\0';
	f->message = message;
}

/* The results of 40,000 long findings (about 30 MB of text, most of it
 * past the plugin's memory threshold): the same log whether they wait
 * in a temporary file or (no usable TMPDIR) in memory, holding every
 * critical one and the first low ones, in order, each whole. */
static void spilled_results_come_back_whole_and_in_order(void **state)
{
	(void)state;
	const char *saved = getenv("TMPDIR");
	char *old = saved != NULL ? strdup(saved) : NULL;
	json_t *logs[2];
	for (int k = 0; k < 2; k++) {
		if (k == 0) {
			unsetenv("TMPDIR");
		} else {
			setenv("TMPDIR", "/nonexistent/plimsoll-test", 1);
		}
		logs[k] = render(40000, many_long_results);
	}
	if (old != NULL) {
		setenv("TMPDIR", old, 1);
		free(old);
	} else {
		unsetenv("TMPDIR");
	}
	json_t *results =
		json_object_get(json_array_get(json_object_get(logs[0], "runs"),
					0),
			"results");
	assert_true(json_equal(results,
		json_object_get(json_array_get(json_object_get(logs[1], "runs"),
					0),
			"results")));
	assert_int_equal(json_array_size(results), 25000);
	/* 13,334 critical (i % 3 == 0), so room for 11,666 low ones. */
	size_t low = 0, at = 0;
	for (size_t i = 0; i < 40000; i++) {
		bool critical = i % 3 == 0;
		if (!critical && low == 11666) {
			continue;
		}
		low += !critical;
		json_t *r = json_array_get(results, at++);
		const char *text = json_string_value(
			json_object_get(json_object_get(r, "message"), "text"));
		char want[32];
		snprintf(want, sizeof(want), "result %zu x", i);
		assert_non_null(text);
		assert_memory_equal(text, want, strlen(want));
		assert_int_equal(strlen(text), MESSAGE_SIZE - 1);
	}
	assert_int_equal(at, 25000);
	json_decref(logs[0]);
	json_decref(logs[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			results_over_githubs_limit_keep_the_most_severe),
		cmocka_unit_test(rule_index_follows_the_rule_id),
		cmocka_unit_test(spilled_results_come_back_whole_and_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

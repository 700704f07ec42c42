/*
 * plugins/sarif beyond the golden files: GitHub's limit of results per
 * run, and results whose rule the run does not list.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			results_over_githubs_limit_keep_the_most_severe),
		cmocka_unit_test(rule_index_follows_the_rule_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

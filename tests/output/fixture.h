/*
 * tests/output/fixture.h - a synthetic run for the output-plugin tests:
 * rules, sources, findings (with regions, source lines, snippets and
 * GitHub line hashes computed from the sources the way the scan does),
 * notifications and a summary, in the variants the golden files pin.
 */
#ifndef PLM_TESTS_OUTPUT_FIXTURE_H
#define PLM_TESTS_OUTPUT_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include "plimsoll/plugin.h"

enum fixture_variant {
	/* Findings in four files, notifications, suppressed findings held
	 * back; source root injected, no times. */
	FIXTURE_DEFAULT,
	/* The same with --include-suppressed, a category, times, an exit
	 * code and a duration. */
	FIXTURE_INCLUDE_SUPPRESSED,
	/* Two clean files, no root, no findings, a successful run. */
	FIXTURE_CLEAN,
};

/* The variant's file-name stem in tests/golden/output/<format>/. */
const char *fixture_variant_name(enum fixture_variant variant);

/* Options a test can set, as the host would in plm_plugin_options. */
enum fixture_flags {
	FIXTURE_COLOR = 1,  /* options.color */
	FIXTURE_PRETTY = 2, /* options.pretty */
};

/* Drives plugin through create, begin, finding and notification in
 * output order, end and destroy, writing to out, as the host does
 * (suppressed findings reach the plugin only when the variant includes
 * them). Returns 0 or the first error a callback returned (-100 if create
 * failed). */
int fixture_run(const struct plm_output_plugin *plugin, FILE *out,
	enum fixture_variant variant, unsigned flags);

#endif

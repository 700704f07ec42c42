/*
 * cli/cli.h - the subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 clean, 1 findings at or above the threshold, 2 usage, configuration or
 * policy error (the run is incomplete).
 */
#ifndef PLM_CLI_CLI_H
#define PLM_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "plimsoll/finding.h"

enum {
	PLM_EXIT_CLEAN = 0,
	PLM_EXIT_FINDINGS = 1,
	PLM_EXIT_ERROR = 2,
};

int plm_cli_scan(int argc, char **argv);
int plm_cli_dump(int argc, char **argv);
int plm_cli_rules(int argc, char **argv);
int plm_cli_explain(int argc, char **argv);
int plm_cli_test(int argc, char **argv);
int plm_cli_config(int argc, char **argv);
/* Defined with the server, in core/lsp/cli.c. */
int plm_cli_lsp(int argc, char **argv);

/* A growable list of borrowed strings (argv entries, comma-split parts). */
struct plm_strvec {
	const char **items;
	size_t count;
	size_t cap;
};

/* Appends s (borrowed). Returns 0 or -1 when out of memory. */
int plm_strvec_push(struct plm_strvec *v, const char *s);
/* Appends every item of from (borrowed). Returns 0 or -1. */
int plm_strvec_push_all(struct plm_strvec *v, const struct plm_strvec *from);
/* Splits a comma-separated list into v; the parts are strdup'd into
 * `owned` so they can be freed together. Returns 0 or -1. */
int plm_strvec_split(struct plm_strvec *v, struct plm_strvec *owned,
	const char *list);
/* Frees the array (and, for an owning vector, each string). */
void plm_strvec_free(struct plm_strvec *v, int owning);

/* Parses a size: decimal digits, then optionally k, M or G (powers of
 * 1024), then optionally B. No sign, space or other unit. Returns 0, or -1
 * when the text is anything else or the size does not fit a size_t. */
int plm_parse_size(const char *text, size_t *out);
/* Parses a number of seconds above 0 and at most a day (a fraction is
 * allowed). Returns 0 or -1. */
int plm_parse_seconds(const char *text, double *out);
/* Parses a count: decimal digits only (no sign, space or suffix). Returns 0,
 * or -1 when the text is anything else or overflows. */
int plm_parse_count(const char *text, unsigned long long *out);

/* The file name of a rule's page in the generated reference, without
 * ".md": the id, with '/' of a namespaced id as "--". Writes at most len
 * bytes to buf, NUL included. */
void plm_rule_page_name(const char *id, char *buf, size_t len);

/* Whether base can start a rule's help address: an http(s) URL with a
 * host and no query, fragment, space or quote. */
bool plm_docs_url_valid(const char *base);

/* A copy of the run's rules in which each rule that names no page of its
 * own (help_uri NULL) points at BASE/<page>.md, its page in the
 * reference `rules --format markdown --output-dir` writes. */
struct plm_rules_docs {
	struct plm_rule_info *rules;
	char **uris; /* the addresses made, one per rule or NULL */
	size_t count;
};

/* Fills d from rules (borrowed: d's copies point into them). Returns 0,
 * or -1 when out of memory (d is then empty). Free with
 * plm_rules_docs_free. */
int plm_rules_docs_fill(struct plm_rules_docs *d,
	const struct plm_rule_info *rules, size_t count, const char *base);
/* Frees what d holds; d may be zeroed or freed already. */
void plm_rules_docs_free(struct plm_rules_docs *d);

#endif

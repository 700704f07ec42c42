/*
 * cli/cli.h - the subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 clean, 1 findings at or above the threshold, 2 usage, configuration or
 * policy error (the run is incomplete).
 */
#ifndef PLM_CLI_CLI_H
#define PLM_CLI_CLI_H

#include <stddef.h>

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

#endif

/*
 * cli/main.c - the plimsoll command: dispatch to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "plimsoll/plimsoll.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"scan", plm_cli_scan, "scan files and directories for problems"},
	{"dump", plm_cli_dump, "print the model policies read for one file"},
	{"rules", plm_cli_rules, "list the rules (policies) a scan runs"},
	{"explain", plm_cli_explain, "describe one rule: why, how to fix it"},
	{"test", plm_cli_test, "run policies on the fixtures beside them"},
	{"config", plm_cli_config,
		"print the configuration that applies to a path"},
	{"lsp", plm_cli_lsp, "a language server for editors (stdio)"},
};

static void usage(FILE *out)
{
	fputs("usage: plimsoll COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "A security linter for Dockerfiles, Docker Compose files and\n"
	      "Kubernetes manifests.\n"
	      "\n"
	      "Commands:\n",
		out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	}
	fputs("\n"
	      "  plimsoll COMMAND --help   help on one command\n"
	      "  plimsoll --version        print the version\n",
		out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return PLM_EXIT_ERROR;
	}
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 ||
		strcmp(name, "version") == 0) {
		printf("plimsoll %s\n", plm_version());
		return PLM_EXIT_CLEAN;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
		strcmp(name, "help") == 0) {
		usage(stdout);
		return PLM_EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(name, commands[i].name) == 0) {
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr,
		"plimsoll: unknown command '%s' (see plimsoll --help)\n", name);
	return PLM_EXIT_ERROR;
}

/*
 * lsp/cli.c - `plimsoll lsp`: its options, then the server.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/policy_options.h"
#include "lsp/server.h"

static void usage(FILE *out)
{
	fputs("usage: plimsoll lsp [OPTIONS]\n"
	      "\n"
	      "A language server on standard input and output: Dockerfiles,\n"
	      "Compose files and Kubernetes manifests are linted as they are\n"
	      "edited (see docs/editors.md for each editor's setup).\n"
	      "\n"
	      "Policies:\n" PLM_POLICY_OPTIONS_HELP "\n"
	      "Configuration:\n"
	      "  --config FILE           use FILE for every document (no lookup)\n"
	      "  --no-config             use no configuration file; by default each\n"
	      "                          document's .plimsoll.yaml, found from its\n"
	      "                          directory upward, applies\n"
	      "\n"
	      "Server:\n"
	      "  --stdio                 talk over standard input and output (the\n"
	      "                          default and only channel; accepted because\n"
	      "                          clients pass it)\n"
	      "  --lint-timeout SECONDS  stop a document's lint after this long and\n"
	      "                          say so on the document (default 30)\n"
	      "  --no-isolation          lint in the server's own process instead of\n"
	      "                          a child (a crash then ends the server)\n"
	      "  -h, --help              show this help\n",
		out);
}

enum {
	OPT_STDIO = 256,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_LINT_TIMEOUT,
	OPT_NO_ISOLATION,
};

static const struct option long_options[] = {
	PLM_POLICY_LONG_OPTIONS,
	{"stdio", no_argument, NULL, OPT_STDIO},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"lint-timeout", required_argument, NULL, OPT_LINT_TIMEOUT},
	{"no-isolation", no_argument, NULL, OPT_NO_ISOLATION},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Returns -1 to go on, else the exit status to end with. */
static int parse_options(int argc, char **argv,
	struct plm_policy_options *policy, struct plm_config_options *config,
	struct plm_lsp_options *o)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		int handled = plm_policy_option(policy, c, optarg, "lsp");
		if (handled != 0) {
			if (handled < 0) {
				return PLM_EXIT_ERROR;
			}
			continue;
		}
		switch (c) {
		case OPT_STDIO:
			break;
		case OPT_CONFIG:
			config->file = optarg;
			break;
		case OPT_NO_CONFIG:
			config->disabled = true;
			break;
		case OPT_LINT_TIMEOUT:
			if (plm_parse_seconds(optarg, &o->lint_timeout) != 0) {
				fprintf(stderr,
					"plimsoll lsp: --lint-timeout takes "
					"seconds (above 0, at most a day), not "
					"'%s'\n",
					optarg);
				return PLM_EXIT_ERROR;
			}
			break;
		case OPT_NO_ISOLATION:
			o->isolate = false;
			break;
		case 'h':
			usage(stdout);
			return PLM_EXIT_CLEAN;
		default:
			fputs("(see plimsoll lsp --help)\n", stderr);
			return PLM_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"plimsoll lsp: unexpected argument '%s' (the "
			"server reads its documents from the client)\n",
			argv[optind]);
		return PLM_EXIT_ERROR;
	}
	return -1;
}

int plm_cli_lsp(int argc, char **argv)
{
	struct plm_policy_options policy = {0};
	struct plm_lsp_options o = {
		.isolate = true,
		.in = STDIN_FILENO,
		.out = STDOUT_FILENO,
	};
	struct plm_config_options config = {0};
	int status = parse_options(argc, argv, &policy, &config, &o);
	if (status < 0) {
		struct plm_engine_options eopt = plm_policy_engine_options(
			&policy);
		config.cli_settings = policy.settings;
		o.engine = &eopt;
		o.config = &config;
		status = plm_lsp_serve(&o);
	}
	plm_policy_options_free(&policy);
	return status;
}

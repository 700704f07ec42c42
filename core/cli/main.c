/*
 * cli/main.c - the plimsoll command: dispatch to a subcommand. The same
 * binary is also a Docker CLI plugin when it is installed (or linked) as
 * docker-plimsoll.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/alloc.h"
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

/* Docker's own global options, which it passes on to a plugin before the
 * plugin's name: those that take a value, then those that do not. */
static const char *const docker_valued[] = {"--config", "-c", "--context", "-H",
	"--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey",
	NULL};
static const char *const docker_flags[] = {"-D", "--debug", "--tls",
	"--tlsverify", NULL};

static bool listed(const char *const *list, const char *arg, size_t len)
{
	for (; *list != NULL; list++) {
		if (strlen(*list) == len && strncmp(*list, arg, len) == 0) {
			return true;
		}
	}
	return false;
}

/* How many of argv[from...] are Docker's global options (and their
 * values); "--opt=value" is one. */
static int skip_docker_options(int argc, char **argv, int from)
{
	int i = from;
	while (i < argc && argv[i][0] == '-') {
		const char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (listed(docker_flags, argv[i], len) ||
			(eq != NULL && listed(docker_valued, argv[i], len))) {
			i++;
		} else if (listed(docker_valued, argv[i], len)) {
			i += 2;
		} else {
			break;
		}
	}
	return i - from;
}

/* argv[0] is the command name, what follows its arguments. */
static int dispatch(int argc, char **argv)
{
	if (argc < 1) {
		usage(stderr);
		return PLM_EXIT_ERROR;
	}
	const char *name = argv[0];
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
			return commands[i].run(argc, argv);
		}
	}
	fprintf(stderr,
		"plimsoll: unknown command '%s' (see plimsoll --help)\n", name);
	return PLM_EXIT_ERROR;
}

static bool is_docker_plugin(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	return strcmp(base != NULL ? base + 1 : argv0, "docker-plimsoll") == 0;
}

/* Docker finds ~/.docker/cli-plugins/docker-NAME, lists it by running
 * `docker-NAME docker-cli-plugin-metadata` (a JSON object on stdout,
 * exit 0), and runs `docker [OPTIONS] NAME ARGS` as
 * `docker-NAME [OPTIONS] NAME ARGS`. `docker plimsoll` alone scans the
 * build context, the current directory. */
static int docker_plugin(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "docker-cli-plugin-metadata") == 0) {
		printf("{\"SchemaVersion\": \"0.1.0\", \"Vendor\": "
		       "\"plimsoll\", \"Version\": \"%s\", "
		       "\"ShortDescription\": \"Scan Dockerfiles, Compose "
		       "files and Kubernetes manifests for security "
		       "problems\"}\n",
			plm_version());
		return PLM_EXIT_CLEAN;
	}
	int i = 1 + skip_docker_options(argc, argv, 1);
	if (i >= argc || strcmp(argv[i], "plimsoll") != 0) {
		fprintf(stderr,
			"docker-plimsoll: this is a Docker CLI plugin: run it "
			"as `docker plimsoll [COMMAND]`, or as `plimsoll`\n");
		return PLM_EXIT_ERROR;
	}
	if (i + 1 < argc) {
		return dispatch(argc - i - 1, argv + i + 1);
	}
	char scan[] = "scan", here[] = ".";
	char *scan_here[] = {scan, here, NULL};
	return dispatch(2, scan_here);
}

int main(int argc, char **argv)
{
	plm_alloc_tune();
	if (argc > 0 && is_docker_plugin(argv[0])) {
		return docker_plugin(argc, argv);
	}
	return dispatch(argc - 1, argv + 1);
}

/*
 * cli/dump.c - `plimsoll dump FILE`: the model a policy sees, as JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "discover/discover.h"
#include "load/load.h"
#include "model/dump.h"

static void usage(FILE *out)
{
	fputs(
"usage: plimsoll dump [OPTIONS] FILE\n"
"\n"
"Prints the model that policies read for FILE (- for standard input) as\n"
"JSON: the format's own tree and the containers view, with the problems\n"
"found while reading it. See docs/model.md.\n"
"\n"
"  --kind KIND             treat FILE as dockerfile, compose or kubernetes\n"
"  --stdin-filename NAME   the name to report for standard input\n"
"  -f, --compose-file FILE merge this Compose file over FILE (repeatable)\n"
"  --spans                 show each node as {value, span: \"L:C-L:C\"}\n"
"  --containers            only the containers view\n"
"  --tree                  only the tree\n"
"  -h, --help              show this help\n", out);
}

enum { OPT_KIND = 256, OPT_STDIN_FILENAME, OPT_SPANS, OPT_CONTAINERS, OPT_TREE };

static const struct option long_options[] = {
	{"kind", required_argument, NULL, OPT_KIND},
	{"stdin-filename", required_argument, NULL, OPT_STDIN_FILENAME},
	{"compose-file", required_argument, NULL, 'f'},
	{"spans", no_argument, NULL, OPT_SPANS},
	{"containers", no_argument, NULL, OPT_CONTAINERS},
	{"tree", no_argument, NULL, OPT_TREE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int plm_cli_dump(int argc, char **argv)
{
	enum plm_kind kind = PLM_KIND_UNKNOWN;
	const char *stdin_name = "<stdin>";
	struct plm_strvec overrides = {0};
	struct plm_dump_options d = {.tree = true, .containers = true};
	bool only_tree = false, only_containers = false;
	int status = PLM_EXIT_ERROR;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_KIND:
			kind = plm_kind_parse(optarg);
			if (kind == PLM_KIND_UNKNOWN) {
				fprintf(stderr, "plimsoll dump: unknown kind '%s' "
					"(expected dockerfile, compose or "
					"kubernetes)\n", optarg);
				goto out;
			}
			break;
		case OPT_STDIN_FILENAME: stdin_name = optarg; break;
		case 'f':
			if (plm_strvec_push(&overrides, optarg) != 0) {
				goto out;
			}
			break;
		case OPT_SPANS: d.spans = true; break;
		case OPT_CONTAINERS: only_containers = true; break;
		case OPT_TREE: only_tree = true; break;
		case 'h':
			usage(stdout);
			status = PLM_EXIT_CLEAN;
			goto out;
		default:
			fputs("(see plimsoll dump --help)\n", stderr);
			goto out;
		}
	}
	if (only_tree || only_containers) {
		d.tree = only_tree;
		d.containers = only_containers;
	}
	if (argc - optind != 1) {
		fputs("plimsoll dump: give exactly one FILE (see plimsoll dump "
		      "--help)\n", stderr);
		goto out;
	}
	const char *path = argv[optind];
	bool is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? stdin_name : path;
	bool is_yaml;
	enum plm_kind name_kind = plm_discover_kind_by_name(shown, &is_yaml);
	struct plm_load_options lo = {
		.kind = kind,
		.compose_overrides = overrides.items,
		.compose_override_count = overrides.count,
	};
	struct plm_doc *doc = NULL;
	struct plm_load_status st;
	if (plm_load(path, shown, name_kind, true, &lo, &doc, &st) != 0) {
		fprintf(stderr, "plimsoll dump: out of memory\n");
		goto out;
	}
	if (doc == NULL) {
		fprintf(stderr, "%s: %s\n", shown, st.message);
		goto out;
	}
	if (plm_dump_doc(stdout, doc, &d) != 0) {
		fprintf(stderr, "plimsoll dump: cannot write the output\n");
	} else {
		status = PLM_EXIT_CLEAN;
	}
	plm_doc_destroy(doc);
out:
	plm_strvec_free(&overrides, 0);
	return status;
}

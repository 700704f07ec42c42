/*
 * cli/dump.c - `plimsoll dump FILE`: the model a policy sees, as JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/run.h"

/* What the run's sink needs. */
struct dumper {
	const struct plm_run_dump *d;
	size_t dumped;
	bool write_failed;
};

/* Called with each document built, before it is freed. */
static void dump_document(void *ctx, const struct plm_unit *unit,
	const struct plm_doc *doc)
{
	struct dumper *w = ctx;
	w->dumped++;
	if (plm_run_dump_doc(stdout, doc, w->d) != 0) {
		w->write_failed = true;
	}
}

/* A unit with no document says why on stderr. */
static void dump_result(void *ctx, const struct plm_file_result *r)
{
	(void)ctx;
	if (r->scanned) {
		return;
	}
	for (size_t i = 0; i < r->note_count; i++) {
		fprintf(stderr, "%s: %s\n",
			r->notes[i].path ? r->notes[i].path : r->path,
			r->notes[i].message);
	}
	if (r->note_count == 0) {
		fprintf(stderr,
			"%s: not a Dockerfile, Compose file or Kubernetes "
			"manifest\n",
			r->path);
	}
}

static void usage(FILE *out)
{
	fputs("usage: plimsoll dump [OPTIONS] FILE\n"
	      "\n"
	      "Prints the model that policies read for FILE (- for standard input) as\n"
	      "JSON: the format's own tree and the containers view, with the problems\n"
	      "found while reading it. See docs/model.md.\n"
	      "\n"
	      "  --kind KIND             treat FILE as dockerfile, compose, kubernetes or command\n"
	      "  --stdin-filename NAME   the name to report for standard input\n"
	      "  -f, --compose-file FILE merge this Compose file over FILE (repeatable)\n"
	      "  --spans                 show each node as {value, span: \"L:C-L:C\"}\n"
	      "  --containers            only the containers view\n"
	      "  --tree                  only the tree\n"
	      "  -h, --help              show this help\n",
		out);
}

enum {
	OPT_KIND = 256,
	OPT_STDIN_FILENAME,
	OPT_SPANS,
	OPT_CONTAINERS,
	OPT_TREE
};

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
	struct plm_run_dump d = {.tree = true, .containers = true};
	bool only_tree = false, only_containers = false;
	int status = PLM_EXIT_ERROR;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_KIND:
			kind = plm_kind_parse(optarg);
			if (kind == PLM_KIND_UNKNOWN) {
				fprintf(stderr,
					"plimsoll dump: unknown kind '%s' "
					"(expected dockerfile, compose or "
					"kubernetes)\n",
					optarg);
				goto out;
			}
			break;
		case OPT_STDIN_FILENAME:
			stdin_name = optarg;
			break;
		case 'f':
			if (plm_strvec_push(&overrides, optarg) != 0) {
				goto out;
			}
			break;
		case OPT_SPANS:
			d.spans = true;
			break;
		case OPT_CONTAINERS:
			only_containers = true;
			break;
		case OPT_TREE:
			only_tree = true;
			break;
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
		      "--help)\n",
			stderr);
		goto out;
	}
	/* FILE with -f files merged over it is one Compose project. */
	const char *path = argv[optind];
	struct plm_strvec files = {0};
	if (overrides.count > 0 &&
		(plm_strvec_push(&files, path) != 0 ||
			plm_strvec_push_all(&files, &overrides) != 0)) {
		plm_strvec_free(&files, 0);
		fputs("plimsoll dump: out of memory\n", stderr);
		goto out;
	}
	struct plm_project_options po = {
		.kind = kind,
		.stdin_name = stdin_name,
		.compose_files = files.items,
		.compose_file_count = files.count,
	};
	struct plm_project *project = NULL;
	int rc = plm_project_create(&po, &project);
	plm_strvec_free(&files, 0);
	if (rc == 0 && overrides.count == 0) {
		rc = plm_project_add_path(project, path);
	}
	if (rc != 0) {
		plm_project_destroy(project);
		fputs("plimsoll dump: out of memory\n", stderr);
		goto out;
	}
	struct dumper w = {.d = &d};
	struct plm_run_options ro = {.jobs = 1, .no_policies = true};
	struct plm_sink sink = {
		.document = dump_document,
		.result = dump_result,
		.ctx = &w,
	};
	struct plm_run_status rs;
	plm_run(project, &ro, &sink, &rs);
	plm_project_destroy(project);
	if (rs.out_of_memory) {
		fputs("plimsoll dump: out of memory\n", stderr);
	} else if (w.write_failed) {
		fputs("plimsoll dump: cannot write the output\n", stderr);
	} else if (w.dumped > 0) {
		status = PLM_EXIT_CLEAN;
	}
out:
	plm_strvec_free(&overrides, 0);
	return status;
}

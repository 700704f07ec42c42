/*
 * command/command.h - the fourth front end: `docker run` / `podman run`
 * command lines (docker create, docker container run, nerdctl run,
 * docker compose run) found in shell scripts, Makefiles, GitHub Actions
 * workflows, GitLab CI files and Markdown code blocks.
 *
 * Each command becomes one container record, read as the Compose service
 * the command stands for (plm_compose_record), so every container policy
 * sees the same fields it sees for Compose; the tree lists the commands
 * with their flags (docs/model.md, "The command tree").
 */
#ifndef PLM_COMMAND_COMMAND_H
#define PLM_COMMAND_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "model/document.h"

/* Longest text handed to the shell splitter at once (a script, a recipe
 * line, a code block, a `run:` step); a longer one is reported and
 * skipped. */
#define PLM_COMMAND_MAX_TEXT ((size_t)16 * 1024 * 1024)
/* Arguments read per command; past it the rest is reported and left out. */
#define PLM_COMMAND_MAX_ARGS 4096

/* Largest `--env-file` read; a larger one is a note and left out. */
#define PLM_COMMAND_MAX_ENV_FILE ((size_t)4 * 1024 * 1024)

/* Where command lines are read from, by the file's name and content. */
enum plm_command_source {
	PLM_COMMAND_NONE = 0,
	PLM_COMMAND_SHELL,    /* *.sh, *.bash, a sh/bash shebang, else */
	PLM_COMMAND_MAKEFILE, /* Makefile, GNUmakefile, *.mk: recipe lines */
	PLM_COMMAND_MARKDOWN, /* *.md: sh/bash/shell/console code blocks */
	PLM_COMMAND_WORKFLOW, /* GitHub Actions: run: steps, container: and
			       * services: options */
	PLM_COMMAND_GITLAB,   /* GitLab CI: script lines */
};

/* True when a workflow's bytes have a `container:` or `services:` key (a
 * job's containers, whose options are flags with no `docker` word). */
bool plm_command_workflow_containers(const char *bytes, size_t len);

/* What a file named `path` holding bytes[0..len) is read as. YAML names
 * give WORKFLOW (under .github/workflows/, or a top-level `jobs:`) or
 * GITLAB (.gitlab-ci.yml, or anything else YAML); names of other formats
 * plimsoll does not read as commands give NONE; the rest SHELL. */
enum plm_command_source plm_command_source_of(const char *path,
	const char *bytes, size_t len);

/* True when the name alone says the file may hold command lines (a
 * script, a Makefile, Markdown, a CI file): directory scans read such a
 * file when plm_command_sniff finds a command in it. */
bool plm_command_named(const char *path);

/* The cheap test a directory scan makes before reading a file as
 * commands: a `docker`, `podman`, `nerdctl` or `docker-compose` word
 * followed (after other words on the same line) by `run` or `create`. */
bool plm_command_sniff(const char *bytes, size_t len);

/* Where the files a command names (`--env-file`) are read. */
struct plm_command_options {
	/* The file the commands were read from, as a path to open: a
	 * relative env file is looked for beside it first. NULL: the text
	 * is in no file (standard input, an editor's unsaved buffer). */
	const char *path;
	/* The scanned tree's root: env files are read only inside it, and
	 * a relative one not found beside the file is looked for here (a
	 * CI job runs from the repository's root). NULL: the directory of
	 * path; with neither, no env file is read. */
	const char *root;
};

/* Builds doc from doc->sources[0]: doc->tree is the sequence of the
 * container commands found (docs/model.md), doc->containers one record per
 * command, doc->comments the file's comment lines; each env file read is
 * another source of doc. Problems (unbalanced quotes, unterminated
 * heredocs, unknown flags, a flag without its value, an env file not
 * read) are diagnostics with their position; the rest of the file is
 * still read. options may be NULL (no file is read). Returns 0 or
 * PLM_ENOMEM. */
PLM_NODISCARD int plm_command_build(struct plm_doc *doc,
	const struct plm_command_options *options);

#endif

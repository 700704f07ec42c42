/*
 * command/internal.h - what the command front end's files share.
 *
 * Shell text is split by the Dockerfile front end's shell splitter
 * (dockerfile/shell.h over dockerfile/text.h's joined text): the same
 * reading as a RUN, with exact spans. Nothing else of core/dockerfile is
 * used (tests/style/layering.py holds this).
 */
#ifndef PLM_COMMAND_INTERNAL_H
#define PLM_COMMAND_INTERNAL_H

#include "command/command.h"
#include "dockerfile/text.h"
#include "model/node.h"

struct command_ctx {
	struct plm_doc *doc;
	struct plm_arena *arena;
	/* the splitter's context over sources[0] */
	struct plm_dockerfile_ctx sh;
	/* the tree: one map per container command */
	struct plm_node *tree;
	/* where the commands come from: "script", "makefile", "markdown",
	 * "workflow", "gitlab" */
	const char *from;
	/* where env files are looked for: the directory of the file the
	 * commands are in, the scanned tree's root; each may be NULL */
	const char *dir;
	const char *root;
	bool out_of_memory;
};

/* Reads the commands the splitter put in `commands` (a sequence of
 * {argv, ...} maps): each docker/podman/nerdctl run or create (and
 * docker compose run) becomes a tree entry and a container record.
 * Returns 0 or PLM_ENOMEM. */
int plm_command_read(struct command_ctx *c, const struct plm_node *commands);

/* A container given as `docker create` flags with the image apart (a
 * workflow's container: or services: entry): words are the split
 * options (string nodes, may be NULL), image the image node, extra a
 * map of Compose keys read beside the options (volumes, ports,
 * environment; may be NULL), decl where unwritten fields point.
 * Returns 0 or PLM_ENOMEM. */
int plm_command_options(struct command_ctx *c, const struct plm_node *words,
	struct plm_node *image, struct plm_node *extra, struct plm_span decl,
	const char *name);

/* Reads the env file a `--env-file` value (a string node spanning the
 * value in sources[0]) names, as the Docker CLI reads one, and appends
 * each variable to the map vars: name -> its value, or a null (a name
 * alone takes its value from the host's environment at run time), each
 * node spanning its line in the file, which becomes another source of
 * the document. A file not read (missing, outside the tree, a path with
 * a variable) is a note at the value. Returns 0 or PLM_ENOMEM. */
int plm_command_env_file(struct command_ctx *c, const struct plm_node *value,
	struct plm_node *vars);

#endif

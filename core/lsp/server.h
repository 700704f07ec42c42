/*
 * lsp/server.h - `plimsoll lsp`: a language server on standard input and
 * output.
 *
 * What is guaranteed: each lint runs in a child process (unless
 * `isolate` is off), so a crash in a parser or a policy, or a lint that
 * runs past `lint_timeout` seconds (the child is killed), becomes a
 * diagnostic on that document and the server goes on. Inside the lint,
 * every policy run has the engine's memory, instruction and time limits.
 */
#ifndef PLM_LSP_SERVER_H
#define PLM_LSP_SERVER_H

#include <stdbool.h>

#include "engine/config.h"
#include "engine/engine.h"

struct plm_lsp_options {
	/* The engine's options (policies, limits, --set), borrowed for the
	 * server's life: a reload reads them again. */
	const struct plm_engine_options *engine;
	/* --config, --no-config, --set: how configuration files apply
	 * (borrowed likewise). */
	const struct plm_config_options *config;
	bool isolate;        /* lint in a child process */
	double lint_timeout; /* seconds a child may take; <= 0: 30 */
	int in;              /* the client's messages (0) */
	int out;             /* the server's (1) */
};

/* Serves until the client's exit notification or the end of input.
 * Returns the process exit status: 0 after shutdown then exit, 1 when
 * the stream ended or exit came without shutdown (as the protocol says),
 * 2 when the policies could not be loaded at start. */
int plm_lsp_serve(const struct plm_lsp_options *o);

#endif

/*
 * lsp/isolate.h - lints in a worker process, watched.
 *
 * The worker is forked from the server with the linter (the engine and
 * its compiled policies) and lints one document per request: the text
 * goes down a pipe, the diagnostics come back up another, both framed as
 * the protocol frames messages. A worker that crashes or runs past the
 * time a lint may take is killed and reported on that document; the next
 * lint starts a new one (with the linter as the server has it, so what the
 * worker learnt, the configuration files it read, starts afresh). So no
 * document can take the server down, and
 * the policies are compiled once per worker, not once per keystroke.
 */
#ifndef PLM_LSP_ISOLATE_H
#define PLM_LSP_ISOLATE_H

#include <jansson.h>
#include <sys/types.h>

#include "lsp/documents.h"
#include "lsp/lint.h"
#include "lsp/rpc.h"

struct plm_lsp_worker {
	pid_t pid; /* 0: none running */
	int to;    /* requests to the worker */
	struct plm_rpc_reader from;
};

/* The diagnostics of doc, linted in the worker (started when none runs),
 * which is killed when it takes more than timeout seconds: a JSON array as
 * text (malloc'd; it is passed on to the client as it is), or an array of
 * one diagnostic saying why there are none (the lint crashed, timed out,
 * or could not start); NULL only when out of memory. */
char *plm_lsp_worker_lint(struct plm_lsp_worker *w, struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc, double timeout);
/* Stops the worker (the next lint starts one with the linter as it is
 * then). Accepts a worker that is not running. */
void plm_lsp_worker_stop(struct plm_lsp_worker *w);
/* The worker's process id, or 0 (the benchmark reads its memory). */
pid_t plm_lsp_worker_pid(const struct plm_lsp_worker *w);

#endif

/*
 * lsp/isolate.c - the lint worker and its watchdog.
 */
#include "lsp/isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/alloc.h"

static char *failure(const char *code, const char *message)
{
	json_t *j = json_pack("[{s:{s:{s:i,s:i},s:{s:i,s:i}},s:i,s:s,s:s,s:s}]",
		"range", "start", "line", 0, "character", 0, "end", "line", 0,
		"character", 0, "severity", 1, "code", code, "source",
		"plimsoll", "message", message);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return text;
}

/* ---- the worker's side -------------------------------------------------- */

/* One request: {uri, language, version, text}, linted as an open
 * document; the answer is the diagnostics array as text (or NULL when
 * out of memory). */
static char *serve_one(struct plm_lsp_linter *l, const char *body, size_t len)
{
	json_t *req = json_loadb(body, len, 0, NULL);
	json_t *text = json_object_get(req, "text");
	struct plm_lsp_documents docs = {0};
	char *out = NULL;
	if (json_is_string(text) &&
		plm_lsp_documents_open(&docs,
			json_string_value(json_object_get(req, "uri")),
			json_string_value(json_object_get(req, "language")),
			json_integer_value(json_object_get(req, "version")),
			json_string_value(text),
			json_string_length(text)) == 0) {
		out = plm_lsp_lint(l, docs.items[0], &docs);
	}
	plm_lsp_documents_finish(&docs);
	json_decref(req);
	return out;
}

/* The worker: requests until the server closes the pipe. It never
 * touches the client's channel. */
static void worker_main(struct plm_lsp_linter *l, int in, int out)
{
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	struct plm_rpc_reader r;
	plm_rpc_reader_init(&r, in);
	const char *body;
	size_t len;
	while (plm_rpc_read(&r, &body, &len) == PLM_RPC_MESSAGE) {
		char *d = serve_one(l, body, len);
		int rc = d != NULL ? plm_rpc_write_body(out, d, strlen(d))
				   : plm_rpc_write_body(out, "null", 4);
		plm_free(d);
		if (rc != 0) {
			break;
		}
	}
	_exit(0);
}

/* ---- the server's side -------------------------------------------------- */

static int start(struct plm_lsp_worker *w, struct plm_lsp_linter *l)
{
	int down[2], up[2];
	if (pipe(down) != 0) {
		return -1;
	}
	if (pipe(up) != 0) {
		close(down[0]);
		close(down[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		worker_main(l, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	if (pid < 0) {
		close(down[1]);
		close(up[0]);
		return -1;
	}
	w->pid = pid;
	w->to = down[1];
	plm_rpc_reader_init(&w->from, up[0]);
	return 0;
}

pid_t plm_lsp_worker_pid(const struct plm_lsp_worker *w)
{
	return w->pid;
}

/* Ends the worker; returns how it ended (a waitpid status). */
static int finish(struct plm_lsp_worker *w, bool kill_it)
{
	int status = 0;
	if (w->pid == 0) {
		return 0;
	}
	if (kill_it) {
		kill(w->pid, SIGKILL);
	}
	close(w->to);
	close(w->from.fd);
	plm_rpc_reader_finish(&w->from);
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {
	}
	w->pid = 0;
	return status;
}

void plm_lsp_worker_stop(struct plm_lsp_worker *w)
{
	finish(w, true);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits until the worker's answer can be read, or the deadline. Returns
 * true when it can. */
static bool wait_readable(struct plm_lsp_worker *w, double deadline)
{
	for (;;) {
		if (w->from.len > w->from.start) {
			return true;
		}
		double left = deadline - now();
		if (left <= 0) {
			return false;
		}
		struct pollfd p = {.fd = w->from.fd, .events = POLLIN};
		int ready = poll(&p, 1, (int)(left * 1000) + 1);
		if (ready > 0) {
			return true;
		}
		if (ready < 0 && errno != EINTR) {
			return false;
		}
	}
}

static json_t *request_of(const struct plm_lsp_document *doc)
{
	return json_pack("{s:s,s:s,s:I,s:s%}", "uri", doc->uri, "language",
		doc->language, "version", (json_int_t)doc->version, "text",
		doc->text->bytes, doc->text->len);
}

/* Reads the answer (a copy, malloc'd), each wait bounded by the
 * deadline. Returns 0, 1 past the deadline, -1 when the worker is gone or
 * said something else than a diagnostics array. */
static int read_answer(struct plm_lsp_worker *w, double deadline, char **out)
{
	const char *body;
	size_t len;
	*out = NULL;
	if (!wait_readable(w, deadline)) {
		return 1;
	}
	/* The answer comes in one write; a worker that hung halfway through
	 * one is not expected, and the read then waits for the rest. */
	if (plm_rpc_read(&w->from, &body, &len) != PLM_RPC_MESSAGE ||
		len == 0 || body[0] != '[') {
		return -1;
	}
	*out = plm_strndup(body, len);
	return *out != NULL ? 0 : -1;
}

static char *ended(struct plm_lsp_worker *w, int rc, double timeout)
{
	char message[256];
	int status = finish(w, true);
	if (rc == 1) {
		snprintf(message, sizeof(message),
			"linting this document took more than %g s and was "
			"stopped; the server goes on",
			timeout);
		return failure("lsp/lint-timeout", message);
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
		snprintf(message, sizeof(message),
			"linting this document crashed (signal %d); this is a "
			"bug in plimsoll, please report it with the file",
			WTERMSIG(status));
		return failure("lsp/lint-crashed", message);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		/* what a sanitizer does with a crash */
		snprintf(message, sizeof(message),
			"linting this document stopped: the lint worker exited "
			"with status %d; this is a bug in plimsoll, please "
			"report it with the file",
			WEXITSTATUS(status));
		return failure("lsp/lint-crashed", message);
	}
	return failure("lsp/lint-failed",
		"linting this document failed (out of memory?)");
}

char *plm_lsp_worker_lint(struct plm_lsp_worker *w, struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc, double timeout)
{
	if (w->pid == 0 && start(w, l) != 0) {
		return failure("lsp/lint-failed",
			"cannot start the lint worker (fork failed)");
	}
	json_t *req = request_of(doc);
	if (req == NULL) {
		return NULL;
	}
	int rc = plm_rpc_write(w->to, req) == 0 ? 0 : -1;
	json_decref(req);
	char *text = NULL;
	if (rc == 0) {
		rc = read_answer(w, now() + timeout, &text);
	}
	return rc == 0 ? text : ended(w, rc, timeout);
}

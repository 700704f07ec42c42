/*
 * lsp/isolate.c - the lint's child process and its watchdog.
 */
#include "lsp/isolate.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lsp/rpc.h"
#include "util/alloc.h"

static json_t *failure(const char *code, const char *message)
{
	return json_pack("[{s:{s:{s:i,s:i},s:{s:i,s:i}},s:i,s:s,s:s,s:s}]",
		"range", "start", "line", 0, "character", 0, "end", "line", 0,
		"character", 0, "severity", 1, "code", code, "source",
		"plimsoll", "message", message);
}

/* The child: lint, write the JSON, leave without running anything the
 * parent registered (no atexit, no stdio flush of copied buffers). */
static void child(const struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc,
	const struct plm_lsp_documents *open, int fd)
{
	json_t *d = plm_lsp_lint(l, doc, open);
	char *text = d ? json_dumps(d, JSON_COMPACT) : NULL;
	int status = 3;
	if (text != NULL) {
		size_t n = strlen(text);
		const char *p = text;
		status = 0;
		while (n > 0) {
			ssize_t put = write(fd, p, n);
			if (put < 0 && errno == EINTR) {
				continue;
			}
			if (put <= 0) {
				status = 4;
				break;
			}
			p += put;
			n -= (size_t)put;
		}
	}
	_exit(status);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the child's output until it closes the pipe or the deadline.
 * Returns 0, 1 on timeout, -1 on failure. */
static int read_child(int fd, double deadline, char **out, size_t *len)
{
	size_t cap = 65536;
	*len = 0;
	*out = plm_malloc(cap);
	if (*out == NULL) {
		return -1;
	}
	for (;;) {
		double left = deadline - now();
		if (left <= 0) {
			return 1;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ready = poll(&p, 1, (int)(left * 1000) + 1);
		if (ready < 0 && errno == EINTR) {
			continue;
		}
		if (ready <= 0) {
			return ready == 0 ? 1 : -1;
		}
		if (cap - *len < 4096) {
			char *n = plm_realloc(*out, cap * 2);
			if (n == NULL) {
				return -1;
			}
			*out = n;
			cap *= 2;
		}
		ssize_t got = read(fd, *out + *len, cap - *len);
		if (got == 0) {
			return 0;
		}
		if (got < 0 && errno != EINTR) {
			return -1;
		}
		*len += got > 0 ? (size_t)got : 0;
	}
}

static json_t *judge(int wstatus, int read_rc, const char *text, size_t len,
	double timeout)
{
	char message[256];
	if (read_rc == 1) {
		snprintf(message, sizeof(message),
			"linting this document took more than %g s and was "
			"stopped; the server goes on",
			timeout);
		return failure("lsp/lint-timeout", message);
	}
	if (WIFSIGNALED(wstatus)) {
		snprintf(message, sizeof(message),
			"linting this document crashed (signal %d); this is a "
			"bug in plimsoll, please report it with the file",
			WTERMSIG(wstatus));
		return failure("lsp/lint-crashed", message);
	}
	json_t *d = read_rc == 0 && WIFEXITED(wstatus) &&
			WEXITSTATUS(wstatus) == 0
		? json_loadb(text, len, 0, NULL)
		: NULL;
	if (!json_is_array(d)) {
		json_decref(d);
		return failure("lsp/lint-failed",
			"linting this document failed (out of memory?)");
	}
	return d;
}

json_t *plm_lsp_lint_isolated(const struct plm_lsp_linter *l,
	const struct plm_lsp_document *doc,
	const struct plm_lsp_documents *open, double timeout)
{
	int fds[2];
	if (pipe(fds) != 0) {
		return failure("lsp/lint-failed",
			"cannot start the lint: no pipe");
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return failure("lsp/lint-failed",
			"cannot start the lint: fork failed");
	}
	if (pid == 0) {
		close(fds[0]);
		child(l, doc, open, fds[1]);
	}
	close(fds[1]);
	char *text = NULL;
	size_t len = 0;
	int rc = read_child(fds[0], now() + timeout, &text, &len);
	close(fds[0]);
	if (rc != 0) {
		kill(pid, SIGKILL);
	}
	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
	}
	json_t *d = judge(wstatus, rc, text, len, timeout);
	plm_free(text);
	return d;
}

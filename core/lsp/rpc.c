/*
 * lsp/rpc.c - Content-Length framing and JSON-RPC message shapes.
 */
#include "lsp/rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/source.h"

void plm_rpc_reader_init(struct plm_rpc_reader *r, int fd)
{
	*r = (struct plm_rpc_reader){.fd = fd};
}

void plm_rpc_reader_finish(struct plm_rpc_reader *r)
{
	plm_free(r->buf);
	*r = (struct plm_rpc_reader){.fd = -1};
}

/* Reads more bytes, keeping at least `want` free. Returns 1 when bytes
 * came, 0 at end of stream, -1 on failure. */
static int fill(struct plm_rpc_reader *r, size_t want)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	if (r->cap - r->len < want) {
		size_t ncap = r->cap ? r->cap : 65536;
		while (ncap - r->len < want) {
			ncap *= 2;
		}
		char *n = plm_realloc(r->buf, ncap);
		if (n == NULL) {
			return -1;
		}
		r->buf = n;
		r->cap = ncap;
	}
	for (;;) {
		ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (got > 0) {
			r->len += (size_t)got;
			return 1;
		}
		if (got == 0) {
			return 0;
		}
		if (errno != EINTR) {
			return -1;
		}
	}
}

/* Passes over the body of a message too large to keep, as it arrives.
 * Returns 0, or -1 when the stream ends first. */
static int skip_discarded(struct plm_rpc_reader *r)
{
	while (r->discard > 0) {
		size_t have = r->len - r->start;
		size_t n = have < r->discard ? have : (size_t)r->discard;
		r->start += n;
		r->discard -= n;
		if (r->discard > 0 && fill(r, 4096) <= 0) {
			return -1;
		}
	}
	return 0;
}

/* The end of the header block (just past its empty line) in the
 * buffered bytes, or 0 when it has not arrived yet. */
static size_t header_end(const struct plm_rpc_reader *r)
{
	if (r->buf == NULL) { /* nothing read yet */
		return 0;
	}
	const char *p = r->buf + r->start;
	size_t n = r->len - r->start;
	if (n > PLM_LSP_MAX_HEADER + 4) {
		n = PLM_LSP_MAX_HEADER + 4;
	}
	for (size_t i = 0; i + 3 < n; i++) {
		if (memcmp(p + i, "\r\n\r\n", 4) == 0) {
			return i + 4;
		}
	}
	return 0;
}

/* The Content-Length of a header block, or -1 when it has none or a
 * bad one. Other headers (Content-Type) are allowed and ignored. */
static long long content_length(const char *h, size_t n)
{
	static const char name[] = "content-length:";
	long long length = -1;
	size_t at = 0;
	while (at < n) {
		const char *eol = memchr(h + at, '\n', n - at);
		size_t line = eol ? (size_t)(eol - (h + at)) + 1 : n - at;
		if (line > sizeof(name) &&
			strncasecmp(h + at, name, sizeof(name) - 1) == 0) {
			const char *v = h + at + sizeof(name) - 1;
			while (*v == ' ' || *v == '\t') {
				v++;
			}
			char *end;
			errno = 0;
			long long value = strtoll(v, &end, 10);
			if (end == v || errno != 0 || value < 0 ||
				(*end != '\r' && *end != '\n')) {
				return -1;
			}
			length = value;
		}
		at += line;
	}
	return length;
}

enum plm_rpc_read plm_rpc_read(struct plm_rpc_reader *r, const char **body,
	size_t *len)
{
	size_t end;
	r->framing_error = NULL;
	if (skip_discarded(r) != 0) {
		return PLM_RPC_EOF;
	}
	while ((end = header_end(r)) == 0) {
		if (r->len - r->start > PLM_LSP_MAX_HEADER) {
			r->start = r->len;
			r->framing_error = "a header block longer than 4096 "
					   "bytes was dropped";
			return PLM_RPC_BAD_FRAME;
		}
		int got = fill(r, 4096);
		if (got <= 0) {
			return got == 0 ? PLM_RPC_EOF : PLM_RPC_FAILED;
		}
	}
	long long length = content_length(r->buf + r->start, end);
	if (length < 0 || (size_t)length > PLM_LSP_MAX_MESSAGE) {
		r->start += end;
		if (length > 0) {
			r->discard = (unsigned long long)length;
		}
		r->framing_error = length < 0
			? "a message without a valid Content-Length header "
			  "was dropped"
			: "a message larger than 160 MiB was dropped";
		return PLM_RPC_BAD_FRAME;
	}
	while (r->len - r->start < end + (size_t)length) {
		int got = fill(r, end + (size_t)length - (r->len - r->start));
		if (got <= 0) {
			return got == 0 ? PLM_RPC_EOF : PLM_RPC_FAILED;
		}
	}
	*body = r->buf + r->start + end;
	*len = (size_t)length;
	r->start += end + (size_t)length;
	return PLM_RPC_MESSAGE;
}

int plm_rpc_write_body(int fd, const char *body, size_t len)
{
	char header[64];
	int h = snprintf(header, sizeof(header), "Content-Length: %zu\r\n\r\n",
		len);
	int rc = plm_write_all(fd, header, (size_t)h);
	return rc == 0 ? plm_write_all(fd, body, len) : rc;
}

int plm_rpc_write(int fd, const json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	if (text == NULL || plm_alloc_json_failed()) {
		plm_free(text);
		return PLM_ENOMEM;
	}
	int rc = plm_rpc_write_body(fd, text, strlen(text));
	plm_free(text);
	return rc;
}

static json_t *envelope(const json_t *id)
{
	json_t *m = json_object();
	if (m == NULL ||
		json_object_set_new(m, "jsonrpc", json_string("2.0")) != 0 ||
		json_object_set_new(m, "id",
			id ? json_deep_copy(id) : json_null()) != 0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

json_t *plm_rpc_result(const json_t *id, json_t *result)
{
	json_t *m = envelope(id);
	if (m == NULL) {
		json_decref(result);
		return NULL;
	}
	if (json_object_set_new(m, "result", result ? result : json_null()) !=
		0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

json_t *plm_rpc_error(const json_t *id, int code, const char *message)
{
	json_t *m = envelope(id);
	json_t *e = json_pack("{s:i,s:s}", "code", code, "message", message);
	if (m == NULL || e == NULL || json_object_set_new(m, "error", e) != 0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

json_t *plm_rpc_notification(const char *method, json_t *params)
{
	json_t *m = json_pack("{s:s,s:s}", "jsonrpc", "2.0", "method", method);
	if (m == NULL) {
		json_decref(params);
		return NULL;
	}
	if (json_object_set_new(m, "params", params ? params : json_object()) !=
		0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

/*
 * lsp/rpc.h - JSON-RPC 2.0 over a byte stream, framed as the Language
 * Server Protocol frames it: headers ("Content-Length: N"), an empty
 * line, then N bytes of JSON.
 *
 * The reader takes whatever read(2) gives (a message may arrive in any
 * number of pieces, several may arrive at once) and hands back one body
 * at a time; the writer frames one message and writes it whole.
 */
#ifndef PLM_LSP_RPC_H
#define PLM_LSP_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "plimsoll/error.h"

/* The largest body accepted: an open document is at most
 * PLM_MAX_FILE_SIZE bytes, escaped as JSON that may double, and framed. */
#define PLM_LSP_MAX_MESSAGE ((size_t)160 * 1024 * 1024)
/* The largest header block accepted. */
#define PLM_LSP_MAX_HEADER 4096

/* JSON-RPC and LSP error codes. */
enum {
	PLM_RPC_PARSE_ERROR = -32700,
	PLM_RPC_INVALID_REQUEST = -32600,
	PLM_RPC_METHOD_NOT_FOUND = -32601,
	PLM_RPC_INVALID_PARAMS = -32602,
	PLM_RPC_INTERNAL_ERROR = -32603,
	PLM_RPC_SERVER_NOT_INITIALIZED = -32002,
};

struct plm_rpc_reader {
	int fd;
	char *buf;
	size_t start; /* the first byte not handed out yet */
	size_t len;   /* bytes in buf */
	size_t cap;
	unsigned long long discard; /* body bytes still to pass over */
	/* An unusable header block was dropped: why, for the caller to
	 * answer (static string), or NULL. */
	const char *framing_error;
};

enum plm_rpc_read {
	PLM_RPC_MESSAGE,   /* *body holds one message */
	PLM_RPC_BAD_FRAME, /* a header block was dropped (framing_error) */
	PLM_RPC_EOF,       /* the stream ended (mid-message or not) */
	PLM_RPC_FAILED,    /* read failed or out of memory */
};

/* Starts a reader on fd (borrowed). */
void plm_rpc_reader_init(struct plm_rpc_reader *r, int fd);
/* Frees the reader's buffer. */
void plm_rpc_reader_finish(struct plm_rpc_reader *r);
/* Reads the next message. On PLM_RPC_MESSAGE, *body points at *len bytes
 * inside the reader's buffer, valid until the next call. */
enum plm_rpc_read plm_rpc_read(struct plm_rpc_reader *r, const char **body,
	size_t *len);

/* Frames body (len bytes of JSON) and writes it to fd. Returns 0 or
 * PLM_EIO. */
PLM_NODISCARD int plm_rpc_write_body(int fd, const char *body, size_t len);
/* Frames msg and writes it to fd. Returns 0, PLM_EIO or PLM_ENOMEM. */
PLM_NODISCARD int plm_rpc_write(int fd, const json_t *msg);

/* A response to id (NULL: JSON null) carrying result (taken; NULL:
 * JSON null). NULL when out of memory. */
json_t *plm_rpc_result(const json_t *id, json_t *result);
/* An error response to id (NULL: null). NULL when out of memory. */
json_t *plm_rpc_error(const json_t *id, int code, const char *message);
/* A notification of method with params (taken). NULL when out of
 * memory. */
json_t *plm_rpc_notification(const char *method, json_t *params);

#endif

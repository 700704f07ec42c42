/*
 * lsp/server.c - the server's loop: messages in, handlers, diagnostics
 * out. The protocol's rules live here; what a diagnostic says is lint.c's,
 * what an action or a hover says is features.c's.
 */
#include "lsp/server.h"

#include "engine/config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lsp/documents.h"
#include "lsp/features.h"
#include "lsp/isolate.h"
#include "lsp/lint.h"
#include "lsp/rpc.h"
#include "plimsoll/plimsoll.h"
#include "util/alloc.h"

#define DEFAULT_LINT_TIMEOUT 30.0

/* LSP TextDocumentSyncKind.Incremental: ranges; a change without one is
 * the whole text, which every client may still send. */
#define SYNC_INCREMENTAL 2

struct server {
	const struct plm_lsp_options *o;
	struct plm_rpc_reader in;
	struct plm_lsp_documents docs;
	struct plm_lsp_linter *linter;
	struct plm_lsp_worker worker; /* with o->isolate */
	/* Per open document (same index as docs.items would shift, so by
	 * URI): the last diagnostics published, for hover. */
	json_t *published; /* object: uri -> the array as JSON text */
	json_t *dirty;     /* object: uri -> true, to lint before reading on */
	bool initialized;
	bool shutdown;
	bool exit;
	bool io_failed;
	bool watch_registration; /* the client registers file watchers */
};

struct handler {
	const char *method;
	/* A request's result (taken), or NULL with *code and *message set;
	 * NULL for notifications. */
	json_t *(*run)(struct server *s, const json_t *params, int *code,
		const char **message);
	bool request;
};

static void send_msg(struct server *s, json_t *m)
{
	if (m == NULL || plm_rpc_write(s->o->out, m) != 0) {
		s->io_failed = true;
	}
	json_decref(m);
}

static void log_message(struct server *s, int type, const char *text)
{
	send_msg(s,
		plm_rpc_notification("window/logMessage",
			json_pack("{s:i,s:s}", "type", type, "message", text)));
}

/* ---- documents and diagnostics --------------------------------------- */

/* Sends the diagnostics (a JSON array as text, taken) of doc as they
 * are: the worker's answer is not parsed again on its way through. They
 * are kept as text too, and read again only for a hover. */
static void publish(struct server *s, const struct plm_lsp_document *doc,
	char *diagnostics)
{
	json_t *uri = json_string(doc->uri);
	char *quoted = uri ? json_dumps(uri, JSON_ENCODE_ANY) : NULL;
	json_decref(uri);
	size_t len = diagnostics ? strlen(diagnostics) : 0;
	size_t cap = len + (quoted ? strlen(quoted) : 0) + 160;
	char *body = diagnostics && quoted ? plm_malloc(cap) : NULL;
	if (body == NULL) {
		log_message(s, 1, "plimsoll: out of memory while linting");
	} else {
		int n = snprintf(body, cap,
			"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
			"publishDiagnostics\",\"params\":{\"uri\":%s,"
			"\"version\":%lld,\"diagnostics\":%s}}",
			quoted, (long long)doc->version, diagnostics);
		if (plm_rpc_write_body(s->o->out, body, (size_t)n) != 0) {
			s->io_failed = true;
		}
		json_object_set_new(s->published, doc->uri,
			json_stringn(diagnostics, len));
	}
	plm_free(body);
	plm_free(quoted);
	plm_free(diagnostics);
}

static char *lint_in_process(struct server *s,
	const struct plm_lsp_document *doc)
{
	return plm_lsp_lint(s->linter, doc, &s->docs);
}

static void lint(struct server *s, const struct plm_lsp_document *doc)
{
	if (s->o->isolate) {
		/* The worker reads the configuration for its lint; the server
		 * reads it too, for the rules of the policy directories it
		 * names (hover, quick fixes). */
		plm_lsp_linter_learn(s->linter, doc->path);
	}
	double timeout = s->o->lint_timeout > 0 ? s->o->lint_timeout
						: DEFAULT_LINT_TIMEOUT;
	publish(s, doc,
		s->o->isolate ? plm_lsp_worker_lint(&s->worker, s->linter, doc,
					timeout)
			      : lint_in_process(s, doc));
}

/* Lints every document marked dirty, then clears the marks. */
static void lint_dirty(struct server *s)
{
	const char *uri;
	json_t *v;
	json_object_foreach(s->dirty, uri, v) {
		const struct plm_lsp_document *doc =
			plm_lsp_documents_find(&s->docs, uri);
		if (doc != NULL) {
			lint(s, doc);
		}
	}
	json_object_clear(s->dirty);
}

static void mark_all_dirty(struct server *s)
{
	for (size_t i = 0; i < s->docs.count; i++) {
		json_object_set_new(s->dirty, s->docs.items[i]->uri,
			json_true());
	}
}

static const char *text_document_uri(const json_t *params)
{
	return json_string_value(
		json_object_get(json_object_get(params, "textDocument"),
			"uri"));
}

static json_t *did_open(struct server *s, const json_t *params, int *code,
	const char **message)
{
	json_t *td = json_object_get(params, "textDocument");
	const char *uri = json_string_value(json_object_get(td, "uri"));
	json_t *text = json_object_get(td, "text");
	if (uri == NULL || !json_is_string(text)) {
		log_message(s, 1, "plimsoll: didOpen without uri or text");
		return NULL;
	}
	const char *language = json_string_value(
		json_object_get(td, "languageId"));
	int rc = plm_lsp_documents_open(&s->docs, uri, language,
		json_integer_value(json_object_get(td, "version")),
		json_string_value(text), json_string_length(text));
	if (rc != 0) {
		log_message(s, 1,
			rc == PLM_ELIMIT
				? "plimsoll: document too large (64 MiB)"
				: "plimsoll: out of memory");
		return NULL;
	}
	json_object_set_new(s->dirty, uri, json_true());
	return NULL;
}

static bool read_change(const json_t *j, struct plm_lsp_change *c)
{
	json_t *text = json_object_get(j, "text");
	json_t *range = json_object_get(j, "range");
	if (!json_is_string(text)) {
		return false;
	}
	*c = (struct plm_lsp_change){
		.has_range = range != NULL && !json_is_null(range),
		.text = json_string_value(text),
		.len = json_string_length(text),
	};
	return !c->has_range ||
		(plm_lsp_position_read(json_object_get(range, "start"),
			 &c->start) &&
			plm_lsp_position_read(json_object_get(range, "end"),
				&c->end));
}

static json_t *did_change(struct server *s, const json_t *params, int *code,
	const char **message)
{
	const char *uri = text_document_uri(params);
	struct plm_lsp_document *doc = uri
		? plm_lsp_documents_find(&s->docs, uri)
		: NULL;
	if (doc == NULL) {
		log_message(s, 2,
			"plimsoll: didChange for a document not open");
		return NULL;
	}
	size_t i;
	json_t *change;
	json_array_foreach(json_object_get(params, "contentChanges"), i,
		change) {
		struct plm_lsp_change c;
		if (!read_change(change, &c) ||
			plm_lsp_document_change(doc, &c) != 0) {
			log_message(s, 1,
				"plimsoll: a change could not be applied; the "
				"document may be out of step until it is "
				"reopened");
			break;
		}
	}
	json_t *version = json_object_get(json_object_get(params,
						  "textDocument"),
		"version");
	if (json_is_integer(version)) {
		doc->version = json_integer_value(version);
	}
	json_object_set_new(s->dirty, uri, json_true());
	return NULL;
}

static json_t *did_close(struct server *s, const json_t *params, int *code,
	const char **message)
{
	const char *uri = text_document_uri(params);
	if (uri == NULL) {
		return NULL;
	}
	plm_lsp_documents_close(&s->docs, uri);
	json_object_del(s->dirty, uri);
	json_object_del(s->published, uri);
	send_msg(s,
		plm_rpc_notification("textDocument/publishDiagnostics",
			json_pack("{s:s,s:[]}", "uri", uri, "diagnostics")));
	return NULL;
}

static json_t *did_change_watched(struct server *s, const json_t *params,
	int *code, const char **message);

/* A saved policy or configuration file reloads them, as a watched one
 * does (a client that cannot watch files still saves them). */
static bool is_policy_or_config(const char *uri)
{
	const char *name = strrchr(uri, '/');
	name = name ? name + 1 : uri;
	size_t n = strlen(name);
	return strcmp(name, PLM_CONFIG_NAME) == 0 ||
		strcmp(name, PLM_CONFIG_NAME_ALT) == 0 ||
		(n > 4 && strcmp(name + n - 4, ".lua") == 0);
}

/* A saved file may be what other documents read from disk (the
 * Dockerfile a Compose file builds): all are linted again. */
static json_t *did_save(struct server *s, const json_t *params, int *code,
	const char **message)
{
	const char *uri = text_document_uri(params);
	if (uri != NULL && is_policy_or_config(uri)) {
		return did_change_watched(s, params, code, message);
	}
	mark_all_dirty(s);
	return NULL;
}

static json_t *did_change_watched(struct server *s, const json_t *params,
	int *code, const char **message)
{
	char *error = NULL;
	if (plm_lsp_linter_reload(s->linter, &error) != 0) {
		char text[1024];
		snprintf(text, sizeof(text),
			"plimsoll: the policies could not be reloaded (the "
			"previous ones stay): %s",
			error ? error : "out of memory");
		log_message(s, 1, text);
		send_msg(s,
			plm_rpc_notification("window/showMessage",
				json_pack("{s:i,s:s}", "type", 1, "message",
					text)));
	}
	plm_free(error);
	/* The worker holds the engine it was started with. */
	plm_lsp_worker_stop(&s->worker);
	mark_all_dirty(s);
	return NULL;
}

/* ---- requests -------------------------------------------------------------- */

static json_t *initialize(struct server *s, const json_t *params, int *code,
	const char **message)
{
	json_t *watch = json_object_get(json_object_get(json_object_get(params,
								"capabilities"),
						"workspace"),
		"didChangeWatchedFiles");
	s->watch_registration = json_is_true(
		json_object_get(watch, "dynamicRegistration"));
	s->initialized = true;
	return json_pack("{s:{s:{s:b,s:i,s:{s:b}},s:{s:[s]},s:b},s:{s:s,s:s}}",
		"capabilities", "textDocumentSync", "openClose", 1, "change",
		SYNC_INCREMENTAL, "save", "includeText", 0,
		"codeActionProvider", "codeActionKinds", "quickfix",
		"hoverProvider", 1, "serverInfo", "name", "plimsoll", "version",
		plm_version());
}

/* Asks the client to watch policy files and the configuration file, when
 * it can register watchers; its answer needs no handling. */
static json_t *initialized(struct server *s, const json_t *params, int *code,
	const char **message)
{
	if (!s->watch_registration) {
		return NULL;
	}
	json_t *req = json_pack("{s:s,s:s,s:s,s:{s:[{s:s,s:s,s:{s:["
				"{s:s},{s:s},{s:s}]}}]}}",
		"jsonrpc", "2.0", "id", "plimsoll-watch", "method",
		"client/registerCapability", "params", "registrations", "id",
		"plimsoll-watch", "method", "workspace/didChangeWatchedFiles",
		"registerOptions", "watchers", "globPattern", "**/*.lua",
		"globPattern", "**/.plimsoll.yaml", "globPattern",
		"**/.plimsoll.yml");
	send_msg(s, req);
	return NULL;
}

static json_t *shutdown_request(struct server *s, const json_t *params,
	int *code, const char **message)
{
	s->shutdown = true;
	return json_null();
}

static const struct plm_lsp_document *request_document(struct server *s,
	const json_t *params, int *code, const char **message)
{
	const char *uri = text_document_uri(params);
	const struct plm_lsp_document *doc = uri
		? plm_lsp_documents_find(&s->docs, uri)
		: NULL;
	if (doc == NULL) {
		*code = PLM_RPC_INVALID_PARAMS;
		*message = "textDocument.uri names no open document";
	}
	return doc;
}

/* The context's diagnostics with the data the server published for them
 * (a client that does not keep `data` sends them back without it): a
 * copy of params, the same diagnostic found by code and range. */
static json_t *with_published_data(struct server *s,
	const struct plm_lsp_document *doc, const json_t *params)
{
	json_t *out = json_deep_copy(params);
	const char *text = json_string_value(
		json_object_get(s->published, doc->uri));
	json_t *published = text != NULL ? json_loads(text, 0, NULL) : NULL;
	json_t *list = json_object_get(json_object_get(out, "context"),
		"diagnostics");
	size_t i, k;
	json_t *d, *p;
	json_array_foreach(list, i, d) {
		if (json_object_get(d, "data") != NULL) {
			continue;
		}
		json_array_foreach(published, k, p) {
			if (json_object_get(p, "data") != NULL &&
				json_equal(json_object_get(p, "code"),
					json_object_get(d, "code")) &&
				json_equal(json_object_get(p, "range"),
					json_object_get(d, "range"))) {
				json_object_set(d, "data",
					json_object_get(p, "data"));
				break;
			}
		}
	}
	json_decref(published);
	return out;
}

static json_t *code_action(struct server *s, const json_t *params, int *code,
	const char **message)
{
	const struct plm_lsp_document *doc = request_document(s, params, code,
		message);
	if (doc == NULL) {
		return NULL;
	}
	json_t *full = with_published_data(s, doc, params);
	json_t *actions = full != NULL
		? plm_lsp_code_actions(s->linter, doc, full)
		: NULL;
	json_decref(full);
	if (actions == NULL) {
		*code = PLM_RPC_INTERNAL_ERROR;
		*message = "out of memory";
	}
	return actions;
}

static json_t *hover(struct server *s, const json_t *params, int *code,
	const char **message)
{
	const struct plm_lsp_document *doc = request_document(s, params, code,
		message);
	struct plm_lsp_position at;
	if (doc == NULL) {
		return NULL;
	}
	if (!plm_lsp_position_read(json_object_get(params, "position"), &at)) {
		*code = PLM_RPC_INVALID_PARAMS;
		*message = "position must be {line, character}";
		return NULL;
	}
	const char *text = json_string_value(
		json_object_get(s->published, doc->uri));
	json_t *published = json_loads(text ? text : "[]", 0, NULL);
	json_t *h = plm_lsp_hover(s->linter, doc, published, at);
	json_decref(published);
	if (h == NULL) {
		*code = PLM_RPC_INTERNAL_ERROR;
		*message = "out of memory";
	}
	return h;
}

static const struct handler handlers[] = {
	{"initialize", initialize, true},
	{"shutdown", shutdown_request, true},
	{"textDocument/codeAction", code_action, true},
	{"textDocument/hover", hover, true},
	{"initialized", initialized, false},
	{"textDocument/didOpen", did_open, false},
	{"textDocument/didChange", did_change, false},
	{"textDocument/didClose", did_close, false},
	{"textDocument/didSave", did_save, false},
	{"workspace/didChangeWatchedFiles", did_change_watched, false},
};

/* ---- dispatch ------------------------------------------------------------- */

static const struct handler *find_handler(const char *method)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (strcmp(handlers[i].method, method) == 0) {
			return &handlers[i];
		}
	}
	return NULL;
}

static void reply_error(struct server *s, const json_t *id, int code,
	const char *message)
{
	send_msg(s, plm_rpc_error(id, code, message));
}

/* The state the protocol puts a request in before its handler runs:
 * 0 to run it, else the error code to answer with. */
static int request_gate(const struct server *s, const char *method,
	const char **message)
{
	bool is_init = strcmp(method, "initialize") == 0;
	if (s->shutdown) {
		*message = "the server is shutting down";
		return PLM_RPC_INVALID_REQUEST;
	}
	if (!s->initialized && !is_init) {
		*message = "the server is not initialized";
		return PLM_RPC_SERVER_NOT_INITIALIZED;
	}
	if (s->initialized && is_init) {
		*message = "initialize was already sent";
		return PLM_RPC_INVALID_REQUEST;
	}
	return 0;
}

static void handle_request(struct server *s, const json_t *id,
	const char *method, const json_t *params)
{
	const struct handler *h = find_handler(method);
	const char *message = NULL;
	/* What a request asks about (a hover over a diagnostic, the actions
	 * for one) is the text as it now is: pending lints go first. */
	lint_dirty(s);
	int code = request_gate(s, method, &message);
	if (code == 0 && (h == NULL || !h->request)) {
		code = PLM_RPC_METHOD_NOT_FOUND;
		message = "method not found";
	}
	json_t *result = code == 0 ? h->run(s, params, &code, &message) : NULL;
	if (result != NULL) {
		send_msg(s, plm_rpc_result(id, result));
	} else {
		reply_error(s, id, code ? code : PLM_RPC_INTERNAL_ERROR,
			message ? message : "internal error");
	}
}

static void handle_notification(struct server *s, const char *method,
	const json_t *params)
{
	if (strcmp(method, "exit") == 0) {
		s->exit = true;
		return;
	}
	const struct handler *h = find_handler(method);
	/* Before initialize and after shutdown, notifications are dropped;
	 * unknown ones ($/cancelRequest, $/setTrace...) are ignored. */
	if (h == NULL || h->request || !s->initialized || s->shutdown) {
		return;
	}
	int code = 0;
	const char *message = NULL;
	h->run(s, params, &code, &message);
}

static bool valid_id(const json_t *id)
{
	return json_is_string(id) || json_is_integer(id) || json_is_null(id);
}

/* One message: checked against JSON-RPC 2.0, then handed to its handler. */
static void handle(struct server *s, const char *body, size_t len)
{
	json_error_t error;
	json_t *m = json_loadb(body, len, 0, &error);
	if (m == NULL) {
		reply_error(s, NULL, PLM_RPC_PARSE_ERROR,
			"parse error: not JSON");
		return;
	}
	json_t *id = json_object_get(m, "id");
	json_t *method = json_object_get(m, "method");
	json_t *params = json_object_get(m, "params");
	const char *version = json_string_value(json_object_get(m, "jsonrpc"));
	if (!json_is_object(m) || version == NULL ||
		strcmp(version, "2.0") != 0 || (id != NULL && !valid_id(id)) ||
		(params != NULL && !json_is_object(params) &&
			!json_is_array(params))) {
		reply_error(s, id != NULL && valid_id(id) ? id : NULL,
			PLM_RPC_INVALID_REQUEST,
			"invalid request: not a JSON-RPC 2.0 message");
	} else if (method == NULL && id != NULL &&
		(json_object_get(m, "result") || json_object_get(m, "error"))) {
		/* a response to our registration request: nothing to do */
	} else if (!json_is_string(method)) {
		reply_error(s, id, PLM_RPC_INVALID_REQUEST,
			"invalid request: method must be a string");
	} else if (id != NULL) {
		handle_request(s, id, json_string_value(method), params);
	} else {
		handle_notification(s, json_string_value(method), params);
	}
	json_decref(m);
}

/* True when another message is already waiting: the dirty documents are
 * linted only once the client pauses, so a burst of keystrokes costs one
 * lint. */
static bool more_waiting(const struct server *s)
{
	if (s->in.len > s->in.start) {
		return true;
	}
	struct pollfd p = {.fd = s->o->in, .events = POLLIN};
	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static int serve(struct server *s)
{
	while (!s->exit && !s->io_failed) {
		if (json_object_size(s->dirty) > 0 && !more_waiting(s)) {
			lint_dirty(s);
			continue;
		}
		const char *body;
		size_t len;
		enum plm_rpc_read got = plm_rpc_read(&s->in, &body, &len);
		if (got == PLM_RPC_MESSAGE) {
			handle(s, body, len);
		} else if (got == PLM_RPC_BAD_FRAME) {
			reply_error(s, NULL, PLM_RPC_PARSE_ERROR,
				s->in.framing_error);
		} else {
			return 1; /* the stream ended without exit */
		}
	}
	return s->exit && s->shutdown ? 0 : 1;
}

int plm_lsp_serve(const struct plm_lsp_options *o)
{
	struct server s = {.o = o};
	char *error = NULL;
	/* A client that goes away is seen as a failed write, not a
	 * signal. */
	signal(SIGPIPE, SIG_IGN);
	if (plm_lsp_linter_create(o->engine, o->config, &s.linter, &error) !=
		0) {
		fprintf(stderr, "plimsoll lsp: %s\n",
			error ? error : "cannot load the policies");
		plm_free(error);
		return 2;
	}
	s.published = json_object();
	s.dirty = json_object();
	int status = 1;
	if (s.published != NULL && s.dirty != NULL) {
		plm_rpc_reader_init(&s.in, o->in);
		status = serve(&s);
		plm_rpc_reader_finish(&s.in);
	}
	plm_lsp_worker_stop(&s.worker);
	json_decref(s.published);
	json_decref(s.dirty);
	plm_lsp_documents_finish(&s.docs);
	plm_lsp_linter_destroy(s.linter);
	return status;
}

#include "model/document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"
#include "util/alloc.h"

const char *plm_kind_name(enum plm_kind kind)
{
	switch (kind) {
	case PLM_KIND_DOCKERFILE:
		return "dockerfile";
	case PLM_KIND_COMPOSE:
		return "compose";
	case PLM_KIND_KUBERNETES:
		return "kubernetes";
	case PLM_KIND_COMMAND:
		return "command";
	default:
		return "unknown";
	}
}

enum plm_kind plm_kind_parse(const char *name)
{
	if (strcasecmp(name, "dockerfile") == 0 ||
		strcasecmp(name, "containerfile") == 0) {
		return PLM_KIND_DOCKERFILE;
	}
	if (strcasecmp(name, "compose") == 0) {
		return PLM_KIND_COMPOSE;
	}
	if (strcasecmp(name, "kubernetes") == 0 ||
		strcasecmp(name, "k8s") == 0) {
		return PLM_KIND_KUBERNETES;
	}
	if (strcasecmp(name, "command") == 0) {
		return PLM_KIND_COMMAND;
	}
	return PLM_KIND_UNKNOWN;
}

struct plm_doc *plm_doc_create_take(struct plm_source *source,
	enum plm_kind kind)
{
	struct plm_doc *doc = plm_calloc(1, sizeof(*doc));
	if (doc == NULL) {
		plm_source_destroy(source);
		return NULL;
	}
	doc->kind = kind;
	doc->arena = plm_arena_create(0);
	if (doc->arena == NULL) {
		/* the source is ours to free, as on every failure here */
		plm_source_destroy(source);
	}
	if (doc->arena == NULL || plm_doc_add_source_take(doc, source) < 0) {
		plm_arena_destroy(doc->arena);
		plm_free(doc->sources);
		plm_free(doc);
		return NULL;
	}
	return doc;
}

void plm_doc_destroy(struct plm_doc *doc)
{
	if (doc == NULL) {
		return;
	}
	for (size_t i = 0; i < doc->source_count; i++) {
		plm_source_destroy(doc->sources[i]);
	}
	plm_free(doc->sources);
	plm_free(doc->diags);
	plm_free(doc->comments);
	plm_free(doc->links);
	plm_free(doc->secrets);
	plm_arena_destroy(doc->arena);
	plm_free(doc);
}

struct plm_source *plm_doc_destroy_keep_source(struct plm_doc *doc)
{
	struct plm_source *kept = doc->sources[0];
	doc->sources[0] = NULL;
	plm_doc_destroy(doc);
	return kept;
}

int plm_doc_add_link(struct plm_doc *doc, const struct plm_link *link)
{
	if (doc->link_count == doc->link_cap) {
		size_t ncap = doc->link_cap ? doc->link_cap * 2 : 4;
		struct plm_link *n = plm_realloc(doc->links, ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		doc->links = n;
		doc->link_cap = ncap;
	}
	doc->links[doc->link_count++] = *link;
	return 0;
}

int plm_doc_add_source_take(struct plm_doc *doc, struct plm_source *source)
{
	if (source == NULL) {
		return -1;
	}
	if (doc->source_count == doc->source_cap) {
		size_t ncap = doc->source_cap ? doc->source_cap * 2 : 2;
		struct plm_source **n = plm_realloc(doc->sources,
			ncap * sizeof(*n));
		if (n == NULL) {
			plm_source_destroy(source);
			return -1;
		}
		doc->sources = n;
		doc->source_cap = ncap;
	}
	doc->sources[doc->source_count] = source;
	return (int)doc->source_count++;
}

void plm_doc_diag(struct plm_doc *doc, enum plm_diag_level level,
	const char *code, struct plm_span span, const char *fmt, ...)
{
	if (doc->diag_count >= PLM_MAX_DIAGNOSTICS) {
		return;
	}
	if (doc->diag_count == doc->diag_cap) {
		size_t ncap = doc->diag_cap ? doc->diag_cap * 2 : 8;
		struct plm_diag *n = plm_realloc(doc->diags, ncap * sizeof(*n));
		if (n == NULL) {
			return;
		}
		doc->diags = n;
		doc->diag_cap = ncap;
	}
	if (doc->diag_count == PLM_MAX_DIAGNOSTICS - 1) {
		/* A hostile file can raise a problem per line: say so once. */
		doc->diags[doc->diag_count++] = (struct plm_diag){PLM_DIAG_ERROR,
			"limit/diagnostics",
			"too many problems in this file (more than 1000); "
			"the rest are not shown",
			span};
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = plm_arena_vprintf(doc->arena, fmt, ap);
	va_end(ap);
	if (msg != NULL) {
		/* Messages quote the input, cut to a length in bytes: a cut
		 * inside a multi-byte character (or invalid input quoted as
		 * is) must not reach JSON, SARIF or Lua as broken UTF-8. */
		size_t len = strlen(msg);
		if (plm_utf8_check(msg, len) != len) {
			size_t clean_len;
			char *clean = plm_utf8_sanitize(doc->arena, msg, len,
				&clean_len);
			msg = clean;
		}
	}
	struct plm_diag *d = &doc->diags[doc->diag_count++];
	d->level = level;
	d->code = code;
	d->message = msg ? msg : "(out of memory while formatting the message)";
	d->span = span;
}

bool plm_doc_has_errors(const struct plm_doc *doc)
{
	for (size_t i = 0; i < doc->diag_count; i++) {
		if (doc->diags[i].level == PLM_DIAG_ERROR) {
			return true;
		}
	}
	return false;
}

void plm_doc_set_comment(struct plm_doc *doc, uint32_t line, const char *text,
	size_t len)
{
	const struct plm_source *src = doc->sources[0];
	if (line >= src->line_count) {
		return;
	}
	if (doc->comments == NULL) {
		doc->comments = plm_calloc(src->line_count,
			sizeof(*doc->comments));
		if (doc->comments == NULL) {
			return;
		}
		doc->comment_count = src->line_count;
	}
	doc->comments[line] = plm_arena_strndup(doc->arena, text, len);
}

struct plm_region plm_doc_region(const struct plm_doc *doc,
	struct plm_span span)
{
	if (span.source >= doc->source_count) {
		struct plm_region none = {0};
		return none;
	}
	return plm_source_region(doc->sources[span.source], span.start,
		span.end);
}

int plm_doc_add_secret(struct plm_doc *doc, const char *name, size_t len,
	const char *value)
{
	for (size_t i = 0; i < doc->secret_count; i++) {
		if (strncmp(doc->secrets[i].name, name, len) == 0 &&
			doc->secrets[i].name[len] == '\0') {
			return 0;
		}
	}
	if (doc->secret_count == doc->secret_cap) {
		size_t ncap = doc->secret_cap ? doc->secret_cap * 2 : 4;
		struct plm_secret *n = plm_realloc(doc->secrets,
			ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		doc->secrets = n;
		doc->secret_cap = ncap;
	}
	char *nm = plm_arena_strndup(doc->arena, name, len);
	char *val = plm_arena_strdup(doc->arena, value);
	if (nm == NULL || val == NULL) {
		return PLM_ENOMEM;
	}
	doc->secrets[doc->secret_count++] = (struct plm_secret){nm, val};
	return 0;
}

/* The secret whose value starts at p, longest first; NULL if none. */
static const struct plm_secret *secret_at(const char *p,
	const struct plm_secret *secrets, size_t count)
{
	const struct plm_secret *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < count; i++) {
		size_t n = strlen(secrets[i].value);
		if (n >= PLM_SECRET_MIN_LEN && n > best_len &&
			strncasecmp(p, secrets[i].value, n) == 0) {
			best = &secrets[i];
			best_len = n;
		}
	}
	return best;
}

char *plm_redact(const char *text, const struct plm_secret *secrets,
	size_t count, bool *oom)
{
	if (text == NULL || count == 0) {
		return NULL;
	}
	size_t len = strlen(text), cap = len + 1, out = 0;
	char *buf = NULL;
	bool any = false;
	for (size_t i = 0; i <= len; i++) {
		const struct plm_secret *s = i < len
			? secret_at(text + i, secrets, count)
			: NULL;
		size_t need = s ? strlen(s->name) + 3 : 1;
		if (s != NULL && !any) {
			any = true;
			buf = plm_malloc(cap);
			if (buf == NULL) {
				*oom = true;
				return NULL;
			}
			memcpy(buf, text, i);
			out = i;
		}
		if (!any) {
			continue;
		}
		if (out + need + 1 > cap) {
			cap = 2 * (out + need + 1);
			char *n = plm_realloc(buf, cap);
			if (n == NULL) {
				plm_free(buf);
				*oom = true;
				return NULL;
			}
			buf = n;
		}
		if (s != NULL) {
			out += (size_t)sprintf(buf + out, "${%s}", s->name);
			i += strlen(s->value) - 1;
		} else {
			buf[out++] = text[i];
		}
	}
	return buf;
}

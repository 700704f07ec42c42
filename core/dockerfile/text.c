#include "dockerfile/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/utf8.h"
#include "util/alloc.h"

void plm_dockerfile_buf_add(struct plm_dockerfile_buf *b, const char *s,
	size_t n)
{
	if (b->failed || n == 0) {
		return;
	}
	if (b->cap - b->len < n) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap - b->len < n) {
			if (ncap > ((size_t)-1) / 2) {
				b->failed = true;
				return;
			}
			ncap *= 2;
		}
		char *p = plm_realloc(b->ptr, ncap);
		if (p == NULL) {
			b->failed = true;
			return;
		}
		b->ptr = p;
		b->cap = ncap;
	}
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
}

void plm_dockerfile_buf_free(struct plm_dockerfile_buf *b)
{
	plm_free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

bool plm_dockerfile_model_full(struct plm_dockerfile_ctx *ctx,
	struct plm_span at)
{
	if (ctx->model_full) {
		return true;
	}
	if (plm_arena_used(ctx->arena) <= PLM_DOCKERFILE_MAX_MODEL) {
		return false;
	}
	ctx->model_full = true;
	plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/model-limit", at,
		"the model of this file passed the limit of %zu MiB "
		"(PLM_DOCKERFILE_MAX_MODEL): the rest of the file is not parsed",
		(size_t)(PLM_DOCKERFILE_MAX_MODEL >> 20));
	return true;
}

uint32_t plm_dockerfile_text_src(const struct plm_dockerfile_text *t,
	size_t off)
{
	if (t->seg_count <= 1) {
		return t->seg_count ? t->segs[0].src + (uint32_t)off
				    : (uint32_t)off;
	}
	size_t h = t->hint < t->seg_count ? t->hint : 0;
	if (t->segs[h].at <= off) {
		/* The hinted segment or one of the next two. */
		for (size_t k = h; k < t->seg_count && k < h + 3; k++) {
			if (k + 1 == t->seg_count || t->segs[k + 1].at > off) {
				((struct plm_dockerfile_text *)t)->hint = k;
				return t->segs[k].src +
					(uint32_t)(off - t->segs[k].at);
			}
		}
	}
	size_t lo = 0, hi = t->seg_count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->segs[mid].at <= off) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	((struct plm_dockerfile_text *)t)->hint = lo;
	const struct plm_dockerfile_segment *s = &t->segs[lo];
	if (off < s->at) {
		return s->src;
	}
	return s->src + (uint32_t)(off - s->at);
}

struct plm_span plm_dockerfile_text_span(const struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t start, size_t end)
{
	uint32_t s = plm_dockerfile_text_src(t, start);
	uint32_t e = end > start ? plm_dockerfile_text_src(t, end - 1) + 1 : s;
	return plm_dockerfile_span(ctx, s, e);
}

char *plm_dockerfile_strdup(struct plm_dockerfile_ctx *ctx, const char *s,
	size_t len, size_t *out_len)
{
	/* Fast path: text cut from a clean file at ASCII delimiters, or
	 * plain ASCII without NULs, is copied as is. */
	bool plain = true;
	for (size_t i = ctx->clean ? len : 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0 || c >= 0x80) {
			plain = false;
			break;
		}
	}
	char *copy;
	size_t n = len;
	if (plain) {
		copy = plm_arena_strndup(ctx->arena, s, len);
	} else {
		copy = plm_utf8_sanitize(ctx->arena, s, len, &n);
		if (copy != NULL && memchr(copy, '\0', n) != NULL) {
			/* NULs would cut strings short in C consumers. */
			for (size_t i = 0; i < n; i++) {
				if (copy[i] == '\0') {
					copy[i] = '?';
				}
			}
		}
	}
	if (copy == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	if (out_len != NULL) {
		*out_len = n;
	}
	return copy;
}

static bool is_plain(const struct plm_dockerfile_ctx *ctx, const char *s,
	size_t len)
{
	if (ctx->clean) {
		return true;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0 || c >= 0x80) {
			return false;
		}
	}
	return true;
}

struct plm_node *plm_dockerfile_string(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, const char *s, size_t len)
{
	struct plm_node *node;
	if (is_plain(ctx, s, len) && len < ((size_t)1 << 30)) {
		/* The node and its bytes in one allocation. */
		node = plm_arena_take(ctx->arena, sizeof(*node) + len + 1);
		if (node == NULL) {
			ctx->out_of_memory = true;
			return NULL;
		}
		memset(node, 0, sizeof(*node));
		char *copy = (char *)(node + 1);
		if (len > 0) {
			memcpy(copy, s, len);
		}
		copy[len] = '\0';
		node->as.string.ptr = copy;
		node->as.string.len = len;
	} else {
		size_t n;
		char *copy = plm_dockerfile_strdup(ctx, s, len, &n);
		if (copy == NULL) {
			return NULL;
		}
		node = plm_arena_alloc(ctx->arena, sizeof(*node));
		if (node == NULL) {
			ctx->out_of_memory = true;
			return NULL;
		}
		node->as.string.ptr = copy;
		node->as.string.len = n;
	}
	node->kind = PLM_NODE_STRING;
	node->span = span;
	return node;
}

static struct plm_node *checked(struct plm_dockerfile_ctx *ctx,
	struct plm_node *n)
{
	if (n == NULL) {
		ctx->out_of_memory = true;
	}
	return n;
}

struct plm_node *plm_dockerfile_null(struct plm_dockerfile_ctx *ctx,
	struct plm_span span)
{
	return checked(ctx, plm_node_null(ctx->arena, span));
}

struct plm_node *plm_dockerfile_bool(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, bool value)
{
	return checked(ctx, plm_node_bool(ctx->arena, span, value));
}

struct plm_node *plm_dockerfile_int(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, int64_t value)
{
	return checked(ctx, plm_node_int(ctx->arena, span, value));
}

/* A seq or map with room for `slots` items or entries in the same
 * allocation (most have few; more grow as usual). */
static struct plm_node *container(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, enum plm_node_kind kind, size_t slots)
{
	size_t slot = kind == PLM_NODE_SEQ ? sizeof(struct plm_node *)
					   : sizeof(struct plm_entry);
	struct plm_node *n = plm_arena_alloc(ctx->arena,
		sizeof(*n) + slots * slot);
	if (n == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	n->kind = kind;
	n->span = span;
	if (kind == PLM_NODE_SEQ) {
		n->as.seq.items = (struct plm_node **)(void *)(n + 1);
		n->as.seq.cap = slots;
	} else {
		n->as.map.entries = (struct plm_entry *)(void *)(n + 1);
		n->as.map.cap = slots;
	}
	return n;
}

#define INLINE_SLOTS 4

struct plm_node *plm_dockerfile_map_cap(struct plm_dockerfile_ctx *ctx,
	struct plm_span span, size_t cap)
{
	return container(ctx, span, PLM_NODE_MAP, cap);
}

struct plm_node *plm_dockerfile_seq(struct plm_dockerfile_ctx *ctx,
	struct plm_span span)
{
	return container(ctx, span, PLM_NODE_SEQ, INLINE_SLOTS);
}

struct plm_node *plm_dockerfile_map(struct plm_dockerfile_ctx *ctx,
	struct plm_span span)
{
	return container(ctx, span, PLM_NODE_MAP, INLINE_SLOTS);
}

void plm_dockerfile_set_n(struct plm_dockerfile_ctx *ctx, struct plm_node *map,
	const char *key, size_t key_len, struct plm_node *value)
{
	if (map == NULL || value == NULL) {
		ctx->out_of_memory = true;
		return;
	}
	/* Keys are distinct string literals by construction: append without
	 * a lookup or a copy. */
	if (plm_node_append_static(ctx->arena, map, key, key_len, value->span,
		    value) != 0) {
		ctx->out_of_memory = true;
	}
}

void plm_dockerfile_push(struct plm_dockerfile_ctx *ctx, struct plm_node *seq,
	struct plm_node *value)
{
	if (seq == NULL || value == NULL ||
		plm_node_push(ctx->arena, seq, value) != 0) {
		ctx->out_of_memory = true;
	}
}

void plm_dockerfile_diag(struct plm_dockerfile_ctx *ctx,
	enum plm_diag_level level, const char *code, struct plm_span span,
	const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Messages may quote input: keep them valid UTF-8. */
	size_t n = strlen(msg);
	if (plm_utf8_check(msg, n) != n) {
		char *clean = plm_utf8_sanitize(ctx->arena, msg, n, NULL);
		plm_doc_diag(ctx->doc, level, code, span, "%s",
			clean ? clean : "(message lost: out of memory)");
		return;
	}
	plm_doc_diag(ctx->doc, level, code, span, "%s", msg);
}

bool plm_dockerfile_word_is(const char *s, size_t len, const char *word)
{
	size_t i = 0;
	for (; i < len && word[i] != '\0'; i++) {
		if (plm_dockerfile_lower(s[i]) != word[i]) {
			return false;
		}
	}
	return i == len && word[i] == '\0';
}

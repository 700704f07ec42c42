#include "dockerfile/execform.h"

#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

/* Nesting bound when skipping non-string JSON values. */
#define JSON_MAX_DEPTH 64

/* Records where decoded bytes come from (for exact spans in a decoded
 * string). */
struct segrec {
	const struct plm_dockerfile_text *t;
	struct plm_dockerfile_segment *v;
	size_t n;
	size_t cap;
	bool failed;
};

struct json {
	const char *p;
	size_t i;
	size_t to;
	struct segrec *rec; /* NULL: no recording */
};

static void record(struct segrec *r, size_t at, size_t joined)
{
	if (r->failed) {
		return;
	}
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 16;
		struct plm_dockerfile_segment *v = plm_realloc(r->v,
			ncap * sizeof(*v));
		if (v == NULL) {
			r->failed = true;
			return;
		}
		r->v = v;
		r->cap = ncap;
	}
	r->v[r->n].at = (uint32_t)at;
	r->v[r->n].src = plm_dockerfile_text_src(r->t, joined);
	r->n++;
}

/* Decoded bytes [at, ...) copied from joined [a, b): one segment, split
 * where the joined text itself jumps (a continuation). */
static void record_run(struct segrec *r, size_t at, size_t a, size_t b)
{
	record(r, at, a);
	const struct plm_dockerfile_text *t = r->t;
	for (size_t k = 1; k < t->seg_count; k++) {
		size_t boundary = t->segs[k].at;
		if (boundary > a && boundary < b) {
			record(r, at + (boundary - a), boundary);
		}
	}
}

static void skip_ws(struct json *j)
{
	while (j->i < j->to) {
		char c = j->p[j->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return;
		}
		j->i++;
	}
}

static int hex(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static bool read_hex4(struct json *j, unsigned *out)
{
	if (j->to - j->i < 4) {
		return false;
	}
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hex(j->p[j->i + (size_t)k]);
		if (h < 0) {
			return false;
		}
		v = (v << 4) | (unsigned)h;
	}
	j->i += 4;
	*out = v;
	return true;
}

static void put_utf8(struct plm_dockerfile_buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	plm_dockerfile_buf_add(b, u, n);
}

/* A JSON string at j->i (which is '"'); decoded into b when b != NULL. */
static bool read_string(struct json *j, struct plm_dockerfile_buf *b)
{
	j->i++;
	while (j->i < j->to) {
		size_t run = j->i;
		while (j->i < j->to && j->p[j->i] != '"' &&
			j->p[j->i] != '\\' &&
			(unsigned char)j->p[j->i] >= 0x20) {
			j->i++;
		}
		if (b != NULL) {
			if (j->rec != NULL && j->i > run) {
				record_run(j->rec, b->len, run, j->i);
			}
			plm_dockerfile_buf_add(b, j->p + run, j->i - run);
		}
		if (j->i >= j->to) {
			return false;
		}
		char c = j->p[j->i];
		if (c == '\\' && b != NULL && j->rec != NULL) {
			record(j->rec, b->len, j->i);
		}
		if (c == '"') {
			j->i++;
			return true;
		}
		if (c != '\\') {
			return false; /* a control character */
		}
		j->i++;
		if (j->i >= j->to) {
			return false;
		}
		char e = j->p[j->i++];
		char out = 0;
		switch (e) {
		case '"':
			out = '"';
			break;
		case '\\':
			out = '\\';
			break;
		case '/':
			out = '/';
			break;
		case 'b':
			out = '\b';
			break;
		case 'f':
			out = '\f';
			break;
		case 'n':
			out = '\n';
			break;
		case 'r':
			out = '\r';
			break;
		case 't':
			out = '\t';
			break;
		case 'u': {
			unsigned cp;
			if (!read_hex4(j, &cp)) {
				return false;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF && j->to - j->i >= 6 &&
				j->p[j->i] == '\\' && j->p[j->i + 1] == 'u') {
				size_t save = j->i;
				unsigned lo;
				j->i += 2;
				if (read_hex4(j, &lo) && lo >= 0xDC00 &&
					lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) +
						(lo - 0xDC00);
				} else {
					j->i = save;
					cp = 0xFFFD;
				}
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				cp = 0xFFFD;
			}
			if (cp == 0) {
				/* A NUL would cut C strings short. */
				cp = 0xFFFD;
			}
			if (b != NULL) {
				put_utf8(b, cp);
			}
			continue;
		}
		default:
			return false;
		}
		if (b != NULL) {
			plm_dockerfile_buf_addc(b, out);
		}
	}
	return false;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		c == '+' || c == '.' || c == 'E';
}

/* Skips any JSON value (used only to tell "not strings" from "not JSON"). */
static bool skip_value(struct json *j, int depth)
{
	if (depth > JSON_MAX_DEPTH) {
		return false;
	}
	skip_ws(j);
	if (j->i >= j->to) {
		return false;
	}
	char c = j->p[j->i];
	if (c == '"') {
		return read_string(j, NULL);
	}
	if (c == '[' || c == '{') {
		char close = c == '[' ? ']' : '}';
		j->i++;
		skip_ws(j);
		if (j->i < j->to && j->p[j->i] == close) {
			j->i++;
			return true;
		}
		for (;;) {
			if (close == '}') {
				skip_ws(j);
				if (j->i >= j->to || j->p[j->i] != '"' ||
					!read_string(j, NULL)) {
					return false;
				}
				skip_ws(j);
				if (j->i >= j->to || j->p[j->i] != ':') {
					return false;
				}
				j->i++;
			}
			if (!skip_value(j, depth + 1)) {
				return false;
			}
			skip_ws(j);
			if (j->i >= j->to) {
				return false;
			}
			if (j->p[j->i] == close) {
				j->i++;
				return true;
			}
			if (j->p[j->i] != ',') {
				return false;
			}
			j->i++;
		}
	}
	size_t start = j->i;
	while (j->i < j->to && is_word_char(j->p[j->i])) {
		j->i++;
	}
	size_t n = j->i - start;
	const char *w = j->p + start;
	if ((n == 4 && memcmp(w, "true", 4) == 0) ||
		(n == 5 && memcmp(w, "false", 5) == 0) ||
		(n == 4 && memcmp(w, "null", 4) == 0)) {
		return true;
	}
	/* A number: a loose check is enough to call the text JSON. */
	return n > 0 && (w[0] == '-' || (w[0] >= '0' && w[0] <= '9'));
}

enum plm_dockerfile_json plm_dockerfile_execform_parse(struct plm_dockerfile_ctx
							       *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	struct plm_node **out, size_t *bad_at)
{
	struct json j = {t->ptr, from, to, NULL};
	*out = NULL;
	*bad_at = from;
	skip_ws(&j);
	if (j.i >= j.to || j.p[j.i] != '[') {
		return PLM_DOCKERFILE_JSON_NOT_ARRAY;
	}
	size_t open = j.i;
	j.i++;
	struct plm_node *seq = plm_dockerfile_seq(ctx,
		plm_dockerfile_text_span(ctx, t, open, to));
	bool strings = true;
	size_t first_bad = from;
	skip_ws(&j);
	if (j.i < j.to && j.p[j.i] == ']') {
		j.i++;
	} else {
		for (;;) {
			skip_ws(&j);
			if (j.i >= j.to) {
				*bad_at = j.i;
				return PLM_DOCKERFILE_JSON_UNTERMINATED;
			}
			size_t start = j.i;
			if (j.p[j.i] == '"') {
				struct plm_dockerfile_buf *b = &ctx->scratch;
				b->len = 0;
				if (!read_string(&j, b)) {
					*bad_at = j.i;
					return j.i >= j.to
						? PLM_DOCKERFILE_JSON_UNTERMINATED
						: PLM_DOCKERFILE_JSON_NOT_ARRAY;
				}
				if (strings) {
					plm_dockerfile_push(ctx, seq,
						plm_dockerfile_string(ctx,
							plm_dockerfile_text_span(ctx,
								t, start, j.i),
							b->ptr, b->len));
				}
			} else {
				if (strings) {
					first_bad = start;
				}
				strings = false;
				if (!skip_value(&j, 0)) {
					*bad_at = j.i;
					return PLM_DOCKERFILE_JSON_NOT_ARRAY;
				}
			}
			skip_ws(&j);
			if (j.i >= j.to) {
				*bad_at = j.i;
				return PLM_DOCKERFILE_JSON_UNTERMINATED;
			}
			if (j.p[j.i] == ']') {
				j.i++;
				break;
			}
			if (j.p[j.i] != ',') {
				*bad_at = j.i;
				return PLM_DOCKERFILE_JSON_NOT_ARRAY;
			}
			j.i++;
		}
	}
	skip_ws(&j);
	if (j.i != j.to) {
		*bad_at = j.i;
		return PLM_DOCKERFILE_JSON_TRAILING;
	}
	if (!strings) {
		*bad_at = first_bad;
		return PLM_DOCKERFILE_JSON_NOT_STRINGS;
	}
	*out = seq;
	return PLM_DOCKERFILE_JSON_OK;
}

bool plm_dockerfile_execform_string(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	size_t index, struct plm_dockerfile_buf *out,
	struct plm_dockerfile_segment **segs, size_t *seg_count)
{
	(void)ctx;
	struct segrec rec = {t, NULL, 0, 0, false};
	struct json j = {t->ptr, from, to, NULL};
	*segs = NULL;
	*seg_count = 0;
	out->len = 0;
	skip_ws(&j);
	if (j.i >= j.to || j.p[j.i] != '[') {
		return false;
	}
	j.i++;
	for (size_t k = 0;; k++) {
		skip_ws(&j);
		if (j.i >= j.to || j.p[j.i] != '"') {
			return false;
		}
		if (k == index) {
			j.rec = &rec;
			bool ok = read_string(&j, out) && !rec.failed &&
				!out->failed;
			if (!ok) {
				plm_free(rec.v);
				return false;
			}
			*segs = rec.v;
			*seg_count = rec.n;
			return true;
		}
		if (!read_string(&j, NULL)) {
			return false;
		}
		skip_ws(&j);
		if (j.i >= j.to || j.p[j.i] != ',') {
			return false;
		}
		j.i++;
	}
}

#include "dockerfile/lines.h"

#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

static const char *const directive_names[PLM_DOCKERFILE_DIRECTIVE_COUNT] = {
	"syntax",
	"escape",
	"check",
};

void plm_dockerfile_reader_init(struct plm_dockerfile_reader *r,
	struct plm_dockerfile_ctx *ctx)
{
	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->record_comments = ctx->source == 0;
	if (ctx->len >= 3 && memcmp(ctx->bytes, "\xEF\xBB\xBF", 3) == 0) {
		r->pos = 3;
	}
}

void plm_dockerfile_reader_finish(struct plm_dockerfile_reader *r)
{
	plm_dockerfile_buf_free(&r->joined);
	plm_free(r->segs);
	r->segs = NULL;
}

/* The next physical line: content [*s, *e) without its line break (a CR
 * before the LF is dropped). False at end of input. */
static bool physical(struct plm_dockerfile_reader *r, size_t *s, size_t *e,
	size_t *next)
{
	const struct plm_dockerfile_ctx *ctx = r->ctx;
	if (r->pos >= ctx->len) {
		return false;
	}
	const char *start = ctx->bytes + r->pos;
	const char *nl = memchr(start, '\n', ctx->len - r->pos);
	size_t end = nl ? (size_t)(nl - ctx->bytes) : ctx->len;
	*s = r->pos;
	*next = nl ? end + 1 : end;
	if (nl && end > r->pos && ctx->bytes[end - 1] == '\r') {
		end--;
	}
	*e = end;
	return true;
}

static void advance(struct plm_dockerfile_reader *r, size_t next)
{
	r->pos = next;
	r->line_no++;
}

static size_t skip_space(const char *b, size_t s, size_t e)
{
	while (s < e && plm_dockerfile_is_space(b[s])) {
		s++;
	}
	return s;
}

/* The line of a byte offset in the line map of sources[0], which also
 * counts a lone CR as a line break (the reader, like Docker, splits on LF
 * only). */
static uint32_t source_line(const struct plm_dockerfile_reader *r,
	size_t offset)
{
	return plm_source_line_of(r->ctx->doc->sources[0], (uint32_t)offset);
}

static void record_comment(struct plm_dockerfile_reader *r, size_t s, size_t e)
{
	if (!r->record_comments) {
		return;
	}
	/* As the YAML front end records them: from the '#' to the end of the
	 * line, trailing blanks removed. */
	const char *b = r->ctx->bytes;
	while (e > s && plm_dockerfile_is_space(b[e - 1])) {
		e--;
	}
	size_t n;
	char *clean = plm_dockerfile_strdup(r->ctx, b + s, e - s, &n);
	if (clean != NULL) {
		plm_doc_set_comment(r->ctx->doc, source_line(r, s), clean, n);
	}
}

/* A heredoc line that starts with '#' is text for the command that reads
 * it (a shell comment at most): recorded as no comment, so that it is
 * never taken for a suppression. */
static void record_text_line(struct plm_dockerfile_reader *r, size_t s,
	size_t e)
{
	if (!r->record_comments) {
		return;
	}
	size_t t = skip_space(r->ctx->bytes, s, e);
	if (t < e && r->ctx->bytes[t] == '#') {
		plm_doc_set_comment(r->ctx->doc, source_line(r, t), "", 0);
	}
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A directive line `#` key `=` value, blanks allowed around each part.
 * Returns false when the line does not have that shape. */
static bool directive_shape(const char *b, size_t s, size_t e, size_t *ks,
	size_t *ke, size_t *vs, size_t *ve)
{
	if (s >= e || b[s] != '#') {
		return false;
	}
	s = skip_space(b, s + 1, e);
	if (s >= e || !is_alpha(b[s])) {
		return false;
	}
	*ks = s;
	while (s < e && (is_alpha(b[s]) || is_digit(b[s]))) {
		s++;
	}
	*ke = s;
	s = skip_space(b, s, e);
	if (s >= e || b[s] != '=') {
		return false;
	}
	s = skip_space(b, s + 1, e);
	while (e > s && plm_dockerfile_is_space(b[e - 1])) {
		e--;
	}
	if (s >= e) {
		return false;
	}
	*vs = s;
	*ve = e;
	return true;
}

static bool starts_with(const char *s, size_t n, const char *prefix,
	size_t *used)
{
	size_t k = strlen(prefix);
	if (n < k || memcmp(s, prefix, k) != 0) {
		return false;
	}
	*used = k;
	return true;
}

/* Is the `# syntax=` value Docker's own Dockerfile frontend: the image
 * docker/dockerfile or docker/dockerfile-upstream (optionally on Docker
 * Hub by name), with an optional :tag and an optional @sha256:digest? */
static bool official_frontend(const char *v, size_t n)
{
	static const char *const hosts[] = {"docker.io/", "index.docker.io/",
		"registry-1.docker.io/"};
	size_t used = 0;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		if (starts_with(v, n, hosts[i], &used)) {
			v += used;
			n -= used;
			break;
		}
	}
	if (!starts_with(v, n, "docker/dockerfile", &used)) {
		return false;
	}
	v += used;
	n -= used;
	if (starts_with(v, n, "-upstream", &used)) {
		v += used;
		n -= used;
	}
	if (n > 0 && v[0] == ':') {
		size_t t = 1;
		while (t < n &&
			(is_alpha(v[t]) || is_digit(v[t]) || v[t] == '.' ||
				v[t] == '_' || v[t] == '-')) {
			t++;
		}
		if (t == 1) {
			return false;
		}
		v += t;
		n -= t;
	}
	if (n > 0 && starts_with(v, n, "@sha256:", &used)) {
		size_t hex = 0;
		for (size_t i = used; i < n; i++) {
			char c = v[i];
			if (!is_digit(c) && !(c >= 'a' && c <= 'f')) {
				return false;
			}
			hex++;
		}
		return hex == 64;
	}
	return n == 0;
}

/* Looks at a line that comes before any instruction. */
static void directive_line(struct plm_dockerfile_reader *r, size_t s, size_t e)
{
	struct plm_dockerfile_ctx *ctx = r->ctx;
	const char *b = ctx->bytes;
	size_t ks, ke, vs, ve;
	if (!directive_shape(b, s, e, &ks, &ke, &vs, &ve)) {
		r->directives_done = true;
		return;
	}
	int which = -1;
	for (int i = 0; i < PLM_DOCKERFILE_DIRECTIVE_COUNT; i++) {
		if (plm_dockerfile_word_is(b + ks, ke - ks,
			    directive_names[i])) {
			which = i;
		}
	}
	if (which < 0) {
		/* An unknown directive is a comment, and ends the directives. */
		r->directives_done = true;
		return;
	}
	if (r->directive_seen[which]) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
			"dockerfile/duplicate-directive",
			plm_dockerfile_span(ctx, s, e),
			"only one %s parser directive can be used; this one is "
			"ignored",
			directive_names[which]);
		return;
	}
	r->directive_seen[which] = true;
	if (which == PLM_DOCKERFILE_DIRECTIVE_ESCAPE) {
		if (ve - vs != 1 || (b[vs] != '\\' && b[vs] != '`')) {
			plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
				"dockerfile/invalid-directive",
				plm_dockerfile_span(ctx, vs, ve),
				"invalid escape token '%.*s': expected \\ or `",
				(int)(ve - vs > 40 ? 40 : ve - vs), b + vs);
			return;
		}
		ctx->escape = b[vs];
	}
	if (which == PLM_DOCKERFILE_DIRECTIVE_SYNTAX &&
		!official_frontend(b + vs, ve - vs)) {
		plm_dockerfile_diag(ctx, PLM_DIAG_NOTE,
			"dockerfile/custom-syntax",
			plm_dockerfile_span(ctx, vs, ve),
			"the syntax directive names a custom frontend ('%.*s'), "
			"not docker/dockerfile: this file may use syntax "
			"plimsoll does not model, and what it reports may miss "
			"what the frontend builds",
			(int)(ve - vs > 80 ? 80 : ve - vs), b + vs);
	}
	r->directive_start[which] = (uint32_t)vs;
	r->directive_end[which] = (uint32_t)ve;
}

/* If [s, e) ends with the escape character (then blanks), returns true and
 * moves *e before it. */
static bool trim_continuation(const struct plm_dockerfile_ctx *ctx, size_t s,
	size_t *e)
{
	size_t i = *e;
	while (i > s &&
		(ctx->bytes[i - 1] == ' ' || ctx->bytes[i - 1] == '\t')) {
		i--;
	}
	if (i > s && ctx->bytes[i - 1] == ctx->escape) {
		*e = i - 1;
		return true;
	}
	return false;
}

static bool add_segment(struct plm_dockerfile_reader *r, uint32_t at,
	uint32_t src)
{
	if (r->seg_count == r->seg_cap) {
		size_t ncap = r->seg_cap ? r->seg_cap * 2 : 16;
		struct plm_dockerfile_segment *n = plm_realloc(r->segs,
			ncap * sizeof(*n));
		if (n == NULL) {
			return false;
		}
		r->segs = n;
		r->seg_cap = ncap;
	}
	r->segs[r->seg_count].at = at;
	r->segs[r->seg_count].src = src;
	r->seg_count++;
	return true;
}

bool plm_dockerfile_reader_next(struct plm_dockerfile_reader *r,
	struct plm_dockerfile_line *line)
{
	struct plm_dockerfile_ctx *ctx = r->ctx;
	const char *b = ctx->bytes;
	size_t s, e, next;
	for (;;) {
		if (!physical(r, &s, &e, &next)) {
			return false;
		}
		size_t t = skip_space(b, s, e);
		if (!r->directives_done) {
			if (t == e) {
				r->directives_done = true;
			} else {
				directive_line(r, t, e);
			}
		}
		if (t < e && b[t] == '#') {
			record_comment(r, t, e);
			advance(r, next);
			continue;
		}
		if (t == e) {
			advance(r, next);
			continue;
		}
		r->directives_done = true;
		s = t;
		break;
	}
	memset(line, 0, sizeof(*line));
	line->start = (uint32_t)s;
	r->seg_count = 0;
	r->joined.len = 0;
	r->joined.failed = false;
	size_t content_end = e;
	bool more = trim_continuation(ctx, s, &content_end);
	line->end = (uint32_t)content_end;
	advance(r, next);
	size_t total = content_end - s;
	if (total > PLM_DOCKERFILE_MAX_LINE) {
		line->too_long = true;
	}
	bool joined = false;
	bool warned_empty = false;
	if (!add_segment(r, 0, (uint32_t)s)) {
		ctx->out_of_memory = true;
	}
	while (more) {
		size_t cs, ce, cnext;
		if (!physical(r, &cs, &ce, &cnext)) {
			break;
		}
		size_t t = skip_space(b, cs, ce);
		if (t < ce && b[t] == '#') {
			record_comment(r, t, ce);
			advance(r, cnext);
			continue;
		}
		if (t == ce) {
			if (!warned_empty) {
				warned_empty = true;
				plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
					"dockerfile/empty-continuation",
					plm_dockerfile_span(ctx, cs, cnext),
					"empty line inside a continuation: it is "
					"ignored, but a future Dockerfile syntax may "
					"end the instruction here");
			}
			advance(r, cnext);
			continue;
		}
		size_t cend = ce;
		more = trim_continuation(ctx, cs, &cend);
		advance(r, cnext);
		line->end = (uint32_t)(cend > cs ? cend : ce);
		if (cend == cs) {
			/* Only the escape character: nothing to join. */
			continue;
		}
		total += cend - cs;
		if (total > PLM_DOCKERFILE_MAX_LINE) {
			line->too_long = true;
		}
		if (line->too_long) {
			continue;
		}
		if (!joined) {
			joined = true;
			plm_dockerfile_buf_add(&r->joined, b + s,
				content_end - s);
		}
		if (!add_segment(r, (uint32_t)r->joined.len, (uint32_t)cs)) {
			ctx->out_of_memory = true;
		}
		plm_dockerfile_buf_add(&r->joined, b + cs, cend - cs);
	}
	if (r->joined.failed) {
		ctx->out_of_memory = true;
	}
	if (joined && !r->joined.failed) {
		line->text.ptr = r->joined.ptr;
		line->text.len = r->joined.len;
	} else {
		line->text.ptr = b + s;
		line->text.len = content_end - s;
		r->seg_count = r->seg_count ? 1 : 0;
	}
	line->text.segs = r->segs;
	line->text.seg_count = r->seg_count;
	return true;
}

void plm_dockerfile_reader_heredoc(struct plm_dockerfile_reader *r,
	const char *name, size_t name_len, bool strip_tabs,
	struct plm_dockerfile_body *body)
{
	const char *b = r->ctx->bytes;
	body->start = (uint32_t)r->pos;
	body->terminated = false;
	size_t s, e, next;
	while (physical(r, &s, &e, &next)) {
		size_t t = s;
		if (strip_tabs) {
			while (t < e && b[t] == '\t') {
				t++;
			}
		}
		if (e - t == name_len && memcmp(b + t, name, name_len) == 0) {
			body->end = (uint32_t)s;
			body->term_end = (uint32_t)e;
			body->terminated = true;
			advance(r, next);
			return;
		}
		record_text_line(r, s, e);
		advance(r, next);
	}
	body->end = (uint32_t)r->pos;
	body->term_end = (uint32_t)r->pos;
}

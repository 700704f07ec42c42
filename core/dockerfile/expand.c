#include "dockerfile/expand.h"

#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

/* Values longer than this are not pattern-matched (left unchanged). */
#define PATTERN_MAX_VALUE 4096

struct ex {
	struct plm_dockerfile_ctx *ctx;
	const char *p;
	size_t n;
	plm_dockerfile_lookup_fn lookup;
	void *user;
	struct plm_dockerfile_buf *out;
	bool keep;
	struct plm_dockerfile_expansion *res;
};

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static void fail(struct ex *x, size_t at, const char *what)
{
	if (x->res->error == NULL) {
		x->res->error = what;
		x->res->error_at = at;
	}
}

static bool lookup(struct ex *x, const char *name, size_t len,
	const char **value, size_t *value_len)
{
	x->res->substituted = true;
	enum plm_dockerfile_var_state state = x->lookup != NULL
		? x->lookup(x->user, name, len, value, value_len)
		: PLM_DOCKERFILE_VAR_UNSET;
	if (state == PLM_DOCKERFILE_VAR_SET) {
		return true;
	}
	x->res->unresolved = true;
	if (state == PLM_DOCKERFILE_VAR_UNKNOWN) {
		x->res->unknown = true;
	}
	*value = "";
	*value_len = 0;
	return false;
}

/* Appends a substituted value within the document's expansion budget. */
static void emit_value(struct ex *x, const char *v, size_t n, const char *raw,
	size_t raw_len)
{
	struct plm_dockerfile_ctx *ctx = x->ctx;
	if (n > ctx->expansion_budget) {
		if (!ctx->expansion_reported) {
			ctx->expansion_reported = true;
			plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
				"dockerfile/expansion-limit",
				plm_dockerfile_span(ctx, 0, 0),
				"variable substitution would produce more than the "
				"limit of %zu bytes; further references are left "
				"unexpanded",
				(size_t)PLM_DOCKERFILE_EXPANSION_BUDGET);
		}
		plm_dockerfile_buf_add(x->out, raw, raw_len);
		return;
	}
	ctx->expansion_budget -= n;
	plm_dockerfile_buf_add(x->out, v, n);
}

static size_t run(struct ex *x, size_t i, char stop, int depth);

/* Skips a ${...} body without analysing it (past the nesting bound). */
static size_t skip_braces(const struct ex *x, size_t i)
{
	int open = 1;
	for (; i < x->n; i++) {
		if (x->p[i] == '{') {
			open++;
		} else if (x->p[i] == '}' && --open == 0) {
			return i;
		}
	}
	return i;
}

/* Glob match of the whole of s against pattern (*, ? and \x). */
static bool glob(struct plm_dockerfile_ctx *ctx, const char *pat, size_t pn,
	const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
	while (si < sn) {
		if (ctx->pattern_budget == 0) {
			return false;
		}
		ctx->pattern_budget--;
		if (pi < pn && pat[pi] == '*') {
			star = pi++;
			mark = si;
			continue;
		}
		if (pi < pn) {
			char pc = pat[pi];
			size_t adv = 1;
			if (pc == '\\' && pi + 1 < pn) {
				pc = pat[pi + 1];
				adv = 2;
			}
			if ((pat[pi] == '?') || pc == s[si]) {
				pi += adv;
				si++;
				continue;
			}
		}
		if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
			continue;
		}
		return false;
	}
	while (pi < pn && pat[pi] == '*') {
		pi++;
	}
	return pi == pn;
}

/* Applies #, ##, %, %% (op) or / and // (replace) to value; writes into out. */
static void pattern_op(struct ex *x, const char *op, size_t op_len,
	const char *v, size_t vn, const char *word, size_t wn)
{
	struct plm_dockerfile_ctx *ctx = x->ctx;
	/* Byte-wise matching may cut a multi-byte character: from now on
	 * strings of this document are checked when copied. */
	ctx->clean = false;
	if (vn > PATTERN_MAX_VALUE || ctx->pattern_budget == 0) {
		x->res->unresolved = true;
		x->res->unknown = true;
		plm_dockerfile_buf_add(x->out, v, vn);
		return;
	}
	if (op[0] == '#' || op[0] == '%') {
		bool longest = op_len == 2;
		bool prefix = op[0] == '#';
		for (size_t step = 0; step <= vn; step++) {
			size_t k = longest ? vn - step : step;
			bool hit = prefix ? glob(ctx, word, wn, v, k)
					  : glob(ctx, word, wn, v + vn - k, k);
			if (hit) {
				if (prefix) {
					plm_dockerfile_buf_add(x->out, v + k,
						vn - k);
				} else {
					plm_dockerfile_buf_add(x->out, v,
						vn - k);
				}
				return;
			}
		}
		plm_dockerfile_buf_add(x->out, v, vn);
		return;
	}
	/* ${v/pattern/replacement}: the first (or every) longest match. */
	const char *slash = memchr(word, '/', wn);
	size_t pn = slash ? (size_t)(slash - word) : wn;
	const char *rep = slash ? slash + 1 : "";
	size_t rn = slash ? wn - pn - 1 : 0;
	bool all = op_len == 2;
	size_t i = 0;
	bool replaced = false;
	while (i <= vn) {
		size_t hit = 0;
		bool found = false;
		if (pn > 0 && (all || !replaced)) {
			for (size_t k = vn - i + 1; k-- > 0;) {
				if (glob(ctx, word, pn, v + i, k)) {
					hit = k;
					found = true;
					break;
				}
			}
		}
		if (found && hit > 0) {
			plm_dockerfile_buf_add(x->out, rep, rn);
			i += hit;
			replaced = true;
			continue;
		}
		if (i < vn) {
			plm_dockerfile_buf_addc(x->out, v[i]);
		}
		i++;
	}
}

/* A $ reference at p[i] == '$'. Returns the offset after it. */
static size_t dollar(struct ex *x, size_t i, int depth)
{
	const char *p = x->p;
	size_t start = i;
	i++;
	if (i >= x->n) {
		plm_dockerfile_buf_addc(x->out, '$');
		return i;
	}
	const char *v;
	size_t vn;
	if (name_start(p[i]) || (p[i] >= '0' && p[i] <= '9')) {
		size_t ns = i;
		if (name_start(p[i])) {
			while (i < x->n && name_char(p[i])) {
				i++;
			}
		} else {
			i++;
		}
		lookup(x, p + ns, i - ns, &v, &vn);
		emit_value(x, v, vn, p + start, i - start);
		return i;
	}
	if (p[i] != '{') {
		plm_dockerfile_buf_addc(x->out, '$');
		return i;
	}
	i++;
	size_t ns = i;
	while (i < x->n && name_char(p[i])) {
		i++;
	}
	size_t ne = i;
	if (ne == ns || i >= x->n) {
		fail(x, start, "a variable name after ${");
		plm_dockerfile_buf_add(x->out, p + start, i - start);
		return i;
	}
	bool set = lookup(x, p + ns, ne - ns, &v, &vn);
	if (p[i] == '}') {
		emit_value(x, v, vn, p + start, i + 1 - start);
		return i + 1;
	}
	/* The operator. */
	char op[2];
	size_t op_len = 0;
	bool colon = false;
	if (p[i] == ':') {
		colon = true;
		i++;
	}
	if (i < x->n &&
		(p[i] == '-' || p[i] == '+' || p[i] == '?' ||
			(!colon &&
				(p[i] == '#' || p[i] == '%' || p[i] == '/')))) {
		op[0] = p[i];
		op_len = 1;
		i++;
		if (!colon && i < x->n &&
			(op[0] == '#' || op[0] == '%' || op[0] == '/') &&
			p[i] == op[0]) {
			op[1] = p[i];
			op_len = 2;
			i++;
		}
	}
	if (op_len == 0) {
		fail(x, i,
			"one of :- :+ :? - + ? # ## % %% / // after the "
			"variable name in ${...}");
		size_t close = skip_braces(x, i);
		plm_dockerfile_buf_add(x->out, p + start,
			(close < x->n ? close + 1 : close) - start);
		return close < x->n ? close + 1 : close;
	}
	size_t mark = x->out->len;
	size_t close;
	if (depth >= PLM_DOCKERFILE_MAX_NESTING) {
		close = skip_braces(x, i);
		plm_dockerfile_buf_add(x->out, p + i, close - i);
		if (!x->ctx->nesting_reported) {
			x->ctx->nesting_reported = true;
			plm_dockerfile_diag(x->ctx, PLM_DIAG_WARNING,
				"dockerfile/nesting-limit",
				plm_dockerfile_span(x->ctx, 0, 0),
				"${...} nested deeper than %d levels is not expanded",
				PLM_DOCKERFILE_MAX_NESTING);
		}
		x->res->unresolved = true;
		x->res->unknown = true;
	} else {
		close = run(x, i, '}', depth + 1);
	}
	if (close >= x->n) {
		fail(x, start, "a closing } for ${");
	}
	size_t after = close < x->n ? close + 1 : close;
	bool nonempty = set && vn > 0;
	switch (op[0]) {
	case '-':
		if (colon ? nonempty : set) {
			x->out->len = mark;
			emit_value(x, v, vn, p + start, after - start);
		}
		return after;
	case '+':
		if (!(colon ? nonempty : set)) {
			x->out->len = mark;
		}
		return after;
	case '?':
		x->out->len = mark;
		if (colon ? nonempty : set) {
			emit_value(x, v, vn, p + start, after - start);
		} else {
			/* BuildKit stops the build with the word as message. */
			x->res->unresolved = true;
			x->res->unknown = true;
		}
		return after;
	default:
		break;
	}
	/* Pattern operators: the word is in out[mark..]; move it aside. */
	size_t wn = x->out->len - mark;
	char *word = plm_malloc(wn + 1);
	if (word == NULL) {
		x->out->failed = true;
		return after;
	}
	if (wn > 0) {
		memcpy(word, x->out->ptr + mark, wn);
	}
	x->out->len = mark;
	pattern_op(x, op, op_len, v, vn, word, wn);
	plm_free(word);
	return after;
}

/* Double-quoted text from i (after the quote); returns after the closing
 * quote. */
static size_t dquote(struct ex *x, size_t i, int depth)
{
	const char *p = x->p;
	char esc = x->ctx->escape;
	size_t open = i - 1;
	if (x->keep) {
		plm_dockerfile_buf_addc(x->out, '"');
	}
	while (i < x->n) {
		char c = p[i];
		if (c == '"') {
			if (x->keep) {
				plm_dockerfile_buf_addc(x->out, '"');
			}
			return i + 1;
		}
		if (c == esc && i + 1 < x->n) {
			char d = p[i + 1];
			if (x->keep || !(d == '"' || d == '$' || d == esc)) {
				plm_dockerfile_buf_addc(x->out, c);
			}
			plm_dockerfile_buf_addc(x->out, d);
			i += 2;
			continue;
		}
		if (c == '$') {
			i = dollar(x, i, depth);
			continue;
		}
		plm_dockerfile_buf_addc(x->out, c);
		i++;
	}
	fail(x, open, "a closing double quote");
	return i;
}

static size_t run(struct ex *x, size_t i, char stop, int depth)
{
	const char *p = x->p;
	char esc = x->ctx->escape;
	while (i < x->n) {
		char c = p[i];
		if (stop != 0 && c == stop) {
			return i;
		}
		if (c == esc) {
			if (i + 1 < x->n) {
				if (x->keep) {
					plm_dockerfile_buf_addc(x->out, c);
				}
				plm_dockerfile_buf_addc(x->out, p[i + 1]);
				i += 2;
			} else {
				if (x->keep) {
					plm_dockerfile_buf_addc(x->out, c);
				}
				i++;
			}
			continue;
		}
		if (c == '\'') {
			const char *q = memchr(p + i + 1, '\'', x->n - i - 1);
			size_t close = q ? (size_t)(q - p) : x->n;
			if (q == NULL) {
				fail(x, i, "a closing single quote");
			}
			if (x->keep) {
				plm_dockerfile_buf_add(x->out, p + i,
					(q ? close + 1 : close) - i);
			} else {
				plm_dockerfile_buf_add(x->out, p + i + 1,
					close - i - 1);
			}
			i = q ? close + 1 : close;
			continue;
		}
		if (c == '"') {
			i = dquote(x, i + 1, depth);
			continue;
		}
		if (c == '$') {
			i = dollar(x, i, depth);
			continue;
		}
		/* Copy a run of ordinary bytes at once. */
		size_t s = i;
		while (i < x->n && p[i] != esc && p[i] != '\'' && p[i] != '"' &&
			p[i] != '$' && (stop == 0 || p[i] != stop)) {
			i++;
		}
		plm_dockerfile_buf_add(x->out, p + s, i - s);
	}
	return i;
}

void plm_dockerfile_expand(struct plm_dockerfile_ctx *ctx, const char *s,
	size_t len, enum plm_dockerfile_expand_mode mode,
	plm_dockerfile_lookup_fn fn, void *user,
	struct plm_dockerfile_expansion *result)
{
	memset(result, 0, sizeof(*result));
	ctx->expanded.len = 0;
	ctx->expanded.failed = false;
	struct ex x = {ctx, s, len, fn, user, &ctx->expanded,
		mode == PLM_DOCKERFILE_EXPAND_KEEP_QUOTES, result};
	run(&x, 0, 0, 0);
	if (ctx->expanded.failed) {
		ctx->out_of_memory = true;
	}
}

bool plm_dockerfile_has_variable(const struct plm_dockerfile_ctx *ctx,
	const char *s, size_t len)
{
	bool single = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\'') {
			single = !single;
		} else if (!single && c == ctx->escape) {
			i++;
		} else if (!single && c == '$' && i + 1 < len &&
			(name_start(s[i + 1]) || s[i + 1] == '{')) {
			return true;
		}
	}
	return false;
}

/*
 * compose/interpolate.c - `.env` files and variable interpolation, as the
 * Compose Specification describes them: ${VAR}, $VAR, ${VAR:-default},
 * ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+replacement},
 * ${VAR+replacement}, $$ for a literal $, defaults nested to any depth (up
 * to PLM_COMPOSE_MAX_INTERPOLATION_DEPTH).
 */
#include "compose/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/source.h"
#include "util/utf8.h"
#include "util/alloc.h"

/* ---- environment ---------------------------------------------------- */

static bool name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(!first && c >= '0' && c <= '9');
}

static const char *find_in(const char *const *list, size_t count,
	const char *name, size_t len)
{
	/* the last definition wins: scan backwards */
	for (size_t i = count; i > 0; i--) {
		const char *s = list[i - 1];
		if (s != NULL && strncmp(s, name, len) == 0 && s[len] == '=') {
			return s + len + 1;
		}
	}
	return NULL;
}

const char *plm_compose_env_get(struct compose_env *env, const char *name,
	size_t len)
{
	if (env->environ != NULL) {
		for (size_t i = 0; env->environ[i] != NULL; i++) {
			const char *s = env->environ[i];
			if (strncmp(s, name, len) == 0 && s[len] == '=') {
				if (env->doc != NULL &&
					plm_doc_add_secret(env->doc, name, len,
						s + len + 1) != 0) {
					env->out_of_memory = true;
				}
				return s + len + 1;
			}
		}
	}
	return find_in(env->dotenv, env->dotenv_count, name, len);
}

static int env_add(struct compose_ctx *ctx, const char *name, size_t nlen,
	const char *value, size_t vlen)
{
	struct compose_env *env = &ctx->env;
	if (env->dotenv_count == env->dotenv_cap) {
		size_t ncap = env->dotenv_cap ? env->dotenv_cap * 2 : 16;
		const char **n = plm_arena_realloc(ctx->arena, env->dotenv,
			env->dotenv_cap * sizeof(*n), ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		env->dotenv = n;
		env->dotenv_cap = ncap;
	}
	char *s = plm_arena_printf(ctx->arena, "%.*s=%.*s", (int)nlen, name,
		(int)vlen, value);
	if (s == NULL) {
		return PLM_ENOMEM;
	}
	env->dotenv[env->dotenv_count++] = s;
	return 0;
}

struct buf {
	char *p;
	size_t len, cap;
	bool failed;
	bool truncated; /* cut at PLM_COMPOSE_MAX_INTERPOLATED */
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed) {
		return;
	}
	/* Variables that repeat each other (`.env`: A=$A$A, line after
	 * line) grow exponentially, like YAML's billion laughs. */
	if (b->len + n > PLM_COMPOSE_MAX_INTERPOLATED) {
		b->truncated = true;
		n = PLM_COMPOSE_MAX_INTERPOLATED - b->len;
		if (n == 0) {
			return;
		}
	}
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 64;
		while (ncap < b->len + n + 1) {
			ncap *= 2;
		}
		char *p = plm_realloc(b->p, ncap);
		if (p == NULL) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

struct interp {
	struct compose_ctx *ctx;
	struct plm_span span;
	bool substituted; /* a variable (not just $$) was used */
	bool report;      /* raise diagnostics (false in untaken branches) */
	int depth;
};

static size_t expand(struct interp *in, const char *s, size_t i, size_t len,
	bool in_braces, struct buf *out);

/* A note at the first use of each unset variable. */
static void report_unset(struct interp *in, const char *name, size_t len)
{
	struct compose_ctx *ctx = in->ctx;
	for (size_t i = 0; i < ctx->unset_count; i++) {
		if (strncmp(ctx->unset[i], name, len) == 0 &&
			ctx->unset[i][len] == '\0') {
			return;
		}
	}
	if (ctx->unset_count == ctx->unset_cap) {
		size_t ncap = ctx->unset_cap ? ctx->unset_cap * 2 : 8;
		const char **n = plm_arena_realloc(ctx->arena, ctx->unset,
			ctx->unset_cap * sizeof(*n), ncap * sizeof(*n));
		if (n == NULL) {
			return;
		}
		ctx->unset = n;
		ctx->unset_cap = ncap;
	}
	const char *copy = plm_arena_strndup(ctx->arena, name, len);
	if (copy == NULL) {
		return;
	}
	ctx->unset[ctx->unset_count++] = copy;
	plm_doc_diag(ctx->doc, PLM_DIAG_NOTE, "compose/unset-variable",
		in->span,
		"variable %.*s is not set: it defaults to an empty string "
		"(reported at its first use)",
		(int)len, name);
}

/* ${...} starting at s[i] == '$', s[i+1] == '{'. Returns the index after
 * the closing brace. */
static size_t expand_braced(struct interp *in, const char *s, size_t i,
	size_t len, struct buf *out)
{
	size_t start = i;
	i += 2;
	size_t name = i;
	while (i < len && name_char(s[i], i == name)) {
		i++;
	}
	size_t nlen = i - name;
	if (nlen == 0 || i >= len) {
		goto invalid;
	}
	const char *value = plm_compose_env_get(&in->ctx->env, s + name, nlen);
	in->substituted = true;
	if (s[i] == '}') {
		if (value == NULL && in->report) {
			report_unset(in, s + name, nlen);
		}
		if (value != NULL) {
			buf_add(out, value, strlen(value));
		}
		return i + 1;
	}
	bool colon = false;
	if (s[i] == ':') {
		colon = true;
		i++;
		if (i >= len) {
			goto invalid;
		}
	}
	char op = s[i];
	if (op != '-' && op != '?' && op != '+') {
		goto invalid;
	}
	i++;
	bool set = value != NULL && (!colon || value[0] != '\0');
	bool use_word = (op == '-' && !set) || (op == '+' && set) ||
		(op == '?' && !set);
	struct buf word = {0};
	bool saved = in->report;
	in->report = saved && use_word;
	if (in->depth >= PLM_COMPOSE_MAX_INTERPOLATION_DEPTH) {
		in->report = saved;
		if (saved) {
			plm_doc_diag(in->ctx->doc, PLM_DIAG_ERROR,
				"limit/interpolation-depth", in->span,
				"interpolation nested deeper than %d "
				"(PLM_COMPOSE_MAX_INTERPOLATION_DEPTH)",
				PLM_COMPOSE_MAX_INTERPOLATION_DEPTH);
		}
		plm_free(word.p);
		return len;
	}
	in->depth++;
	size_t end = expand(in, s, i, len, true, &word);
	in->depth--;
	in->report = saved;
	if (end >= len || s[end] != '}') {
		plm_free(word.p);
		goto invalid;
	}
	if (op == '?') {
		if (!set && in->report) {
			/* a warning, not an error: a linter runs without
			 * the deployment's environment */
			plm_doc_diag(in->ctx->doc, PLM_DIAG_WARNING,
				"compose/required-variable", in->span,
				"required variable %.*s is %s: %s", (int)nlen,
				s + name,
				value == NULL ? "missing a value" : "empty",
				word.len ? word.p : "(no message)");
		}
		if (value != NULL) {
			buf_add(out, value, strlen(value));
		}
	} else if (use_word) {
		if (word.len) {
			buf_add(out, word.p, word.len);
		}
	} else if (value != NULL && op == '-') {
		buf_add(out, value, strlen(value));
	}
	if (word.failed) {
		out->failed = true;
	}
	if (word.truncated) {
		out->truncated = true;
	}
	plm_free(word.p);
	return end + 1;
invalid:
	if (in->report) {
		plm_doc_diag(in->ctx->doc, PLM_DIAG_ERROR,
			"compose/bad-interpolation", in->span,
			"invalid interpolation format in \"%.*s\": expected "
			"${NAME}, ${NAME:-default}, ${NAME?error} or "
			"${NAME:+replacement} (write $$ for a literal $)",
			(int)(len - start > 80 ? 80 : len - start), s + start);
	}
	/* keep the rest as written */
	buf_add(out, s + start, len - start);
	return len;
}

/* Expands s[i..len) into out; inside braces, stops at the first `}` that is
 * not part of a nested ${...}. Returns where it stopped. */
static size_t expand(struct interp *in, const char *s, size_t i, size_t len,
	bool in_braces, struct buf *out)
{
	while (i < len) {
		char c = s[i];
		if (in_braces && c == '}') {
			return i;
		}
		if (c != '$') {
			size_t j = i + 1;
			while (j < len && s[j] != '$' &&
				!(in_braces && s[j] == '}')) {
				j++;
			}
			buf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '$') {
			buf_add(out, "$", 1);
			i += 2;
		} else if (i + 1 < len && s[i + 1] == '{') {
			i = expand_braced(in, s, i, len, out);
		} else if (i + 1 < len && name_char(s[i + 1], true)) {
			size_t name = i + 1, j = name;
			while (j < len && name_char(s[j], j == name)) {
				j++;
			}
			const char *value = plm_compose_env_get(&in->ctx->env,
				s + name, j - name);
			in->substituted = true;
			if (value != NULL) {
				buf_add(out, value, strlen(value));
			} else if (in->report) {
				report_unset(in, s + name, j - name);
			}
			i = j;
		} else {
			buf_add(out, "$", 1);
			i++;
		}
	}
	return i;
}

/* Interpolates one string. Returns the new node, the node itself when it
 * holds no `$`, or NULL when out of memory. */
static struct plm_node *interpolate_string(struct compose_ctx *ctx,
	struct plm_node *n)
{
	const char *s = n->as.string.ptr;
	size_t len = n->as.string.len;
	if (memchr(s, '$', len) == NULL) {
		return n;
	}
	struct interp in = {ctx, n->span, false, true, 0};
	struct buf out = {0};
	expand(&in, s, 0, len, false, &out);
	if (out.failed) {
		plm_free(out.p);
		return NULL;
	}
	if (out.truncated) {
		plm_doc_diag(ctx->doc, PLM_DIAG_ERROR, "limit/interpolation",
			n->span,
			"interpolated value longer than %zu bytes "
			"(PLM_COMPOSE_MAX_INTERPOLATED): it is cut there",
			(size_t)PLM_COMPOSE_MAX_INTERPOLATED);
	}
	size_t clean_len = 0;
	char *clean = plm_utf8_sanitize(ctx->arena, out.p ? out.p : "", out.len,
		&clean_len);
	plm_free(out.p);
	if (clean == NULL) {
		return NULL;
	}
	struct plm_node *r = plm_arena_alloc(ctx->arena, sizeof(*r));
	if (r == NULL) {
		return NULL;
	}
	*r = *n;
	r->as.string.ptr = clean;
	r->as.string.len = clean_len;
	if (in.substituted) {
		r->flags |= PLM_NODE_INTERPOLATED;
	}
	if (r->text == NULL) {
		r->text = s;
		r->text_len = len;
	}
	return r;
}

struct plm_node *plm_compose_interpolate(struct compose_ctx *ctx,
	struct plm_node *n)
{
	if (n == NULL) {
		return NULL;
	}
	switch (n->kind) {
	case PLM_NODE_STRING:
		return interpolate_string(ctx, n);
	case PLM_NODE_SEQ: {
		struct plm_node *copy = NULL;
		for (size_t i = 0; i < n->as.seq.count; i++) {
			struct plm_node *item = n->as.seq.items[i];
			struct plm_node *v = plm_compose_interpolate(ctx, item);
			if (v == NULL) {
				return NULL;
			}
			if (v != item && copy == NULL) {
				copy = plm_arena_alloc(ctx->arena,
					sizeof(*copy));
				struct plm_node **items =
					plm_arena_alloc(ctx->arena,
						n->as.seq.count *
							sizeof(*items));
				if (copy == NULL || items == NULL) {
					return NULL;
				}
				*copy = *n;
				memcpy(items, n->as.seq.items,
					n->as.seq.count * sizeof(*items));
				copy->as.seq.items = items;
				copy->as.seq.cap = n->as.seq.count;
			}
			if (copy != NULL) {
				copy->as.seq.items[i] = v;
			}
		}
		return copy ? copy : n;
	}
	case PLM_NODE_MAP: {
		struct plm_node *copy = NULL;
		for (size_t i = 0; i < n->as.map.count; i++) {
			struct plm_node *value = n->as.map.entries[i].value;
			struct plm_node *v = plm_compose_interpolate(ctx,
				value);
			if (v == NULL) {
				return NULL;
			}
			if (v != value && copy == NULL) {
				copy = plm_arena_alloc(ctx->arena,
					sizeof(*copy));
				struct plm_entry *entries =
					plm_arena_alloc(ctx->arena,
						n->as.map.count *
							sizeof(*entries));
				if (copy == NULL || entries == NULL) {
					return NULL;
				}
				*copy = *n;
				memcpy(entries, n->as.map.entries,
					n->as.map.count * sizeof(*entries));
				copy->as.map.entries = entries;
				copy->as.map.cap = n->as.map.count;
			}
			if (copy != NULL) {
				copy->as.map.entries[i].value = v;
			}
		}
		return copy ? copy : n;
	}
	default:
		return n;
	}
}

/* ---- .env files ----------------------------------------------------- */

/* One value of a dotenv line, starting at s[i]: quoted ('...' literal,
 * "..." with \n \t \\ \" escapes and interpolation) or bare (up to ` #`,
 * trimmed, interpolated). */
static int dotenv_value(struct compose_ctx *ctx, const char *s, size_t len,
	struct buf *out)
{
	if (len > 0 && s[0] == '\'') {
		const char *end = memchr(s + 1, '\'', len - 1);
		size_t n = end ? (size_t)(end - s - 1) : len - 1;
		buf_add(out, s + 1, n);
		return 0;
	}
	struct buf raw = {0};
	if (len > 0 && s[0] == '"') {
		size_t i = 1;
		for (; i < len && s[i] != '"'; i++) {
			if (s[i] == '\\' && i + 1 < len) {
				char e = s[++i];
				char c = e == 'n'  ? '\n'
					: e == 't' ? '\t'
					: e == 'r' ? '\r'
						   : e;
				buf_add(&raw, &c, 1);
			} else {
				buf_add(&raw, &s[i], 1);
			}
		}
	} else {
		size_t n = 0;
		while (n < len &&
			!(s[n] == '#' && n > 0 &&
				(s[n - 1] == ' ' || s[n - 1] == '\t'))) {
			n++;
		}
		while (n > 0 &&
			(s[n - 1] == ' ' || s[n - 1] == '\t' ||
				s[n - 1] == '\r')) {
			n--;
		}
		buf_add(&raw, s, n);
	}
	struct interp in = {ctx, plm_span_make(0, 0), false, false, 0};
	if (raw.len > 0) {
		expand(&in, raw.p, 0, raw.len, false, out);
	}
	bool failed = raw.failed;
	plm_free(raw.p);
	return failed ? PLM_ENOMEM : 0;
}

bool plm_compose_dotenv_split(const char *p, size_t len, const char **name,
	size_t *name_len, const char **value, size_t *value_len)
{
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	if (len == 0 || *p == '#') {
		return false;
	}
	if (len > 7 && strncmp(p, "export ", 7) == 0) {
		p += 7;
		len -= 7;
	}
	size_t n = 0;
	while (n < len && p[n] != '=' && p[n] != ' ' && p[n] != '\t') {
		n++;
	}
	size_t eq = n;
	while (eq < len && (p[eq] == ' ' || p[eq] == '\t')) {
		eq++;
	}
	if (n == 0 || eq >= len || p[eq] != '=') {
		return false;
	}
	size_t v = eq + 1;
	while (v < len && (p[v] == ' ' || p[v] == '\t')) {
		v++;
	}
	*name = p;
	*name_len = n;
	*value = p + v;
	*value_len = len - v;
	return true;
}

int plm_compose_dotenv_value(struct compose_ctx *ctx, const char *s, size_t len,
	char **out, size_t *out_len)
{
	struct buf value = {0};
	int rc = dotenv_value(ctx, s, len, &value);
	if (rc == 0 && value.failed) {
		rc = PLM_ENOMEM;
	}
	if (rc == 0 && value.truncated) {
		rc = PLM_ELIMIT;
	}
	if (rc != 0) {
		plm_free(value.p);
		return rc;
	}
	size_t clean_len = 0;
	*out = plm_utf8_sanitize(ctx->arena, value.p ? value.p : "", value.len,
		&clean_len);
	*out_len = clean_len;
	plm_free(value.p);
	return *out ? 0 : PLM_ENOMEM;
}

int plm_compose_env_read(struct compose_ctx *ctx, const char *path)
{
	struct plm_source *src = NULL;
	if (plm_source_read(path, path, PLM_COMPOSE_MAX_AUX_FILE, &src) != 0) {
		return PLM_EIO;
	}
	int rc = plm_compose_env_parse(ctx, src);
	plm_source_destroy(src);
	return rc;
}

int plm_compose_env_parse(struct compose_ctx *ctx, const struct plm_source *src)
{
	int rc = 0;
	size_t total = 0;
	for (uint32_t line = 0; line < src->line_count && rc == 0; line++) {
		size_t len;
		const char *p = plm_source_line(src, line, &len);
		const char *name, *raw;
		size_t nlen, rlen;
		if (!plm_compose_dotenv_split(p, len, &name, &nlen, &raw,
			    &rlen)) {
			continue;
		}
		char *value;
		size_t vlen = 0;
		rc = plm_compose_dotenv_value(ctx, raw, rlen, &value, &vlen);
		total += vlen;
		if (rc == PLM_ELIMIT || total > PLM_COMPOSE_MAX_AUX_FILE) {
			/* Values that expand each other past the bounds: the
			 * rest of the file is not read. */
			plm_doc_diag(ctx->doc, PLM_DIAG_ERROR,
				"limit/interpolation", plm_span_make(0, 0),
				"%s: line %u: variables expand past %zu bytes "
				"(PLM_COMPOSE_MAX_INTERPOLATED, "
				"PLM_COMPOSE_MAX_AUX_FILE in all); the rest of "
				"the file is not read",
				src->path, line + 1,
				rc == PLM_ELIMIT
					? (size_t)PLM_COMPOSE_MAX_INTERPOLATED
					: (size_t)PLM_COMPOSE_MAX_AUX_FILE);
			return 0;
		}
		if (rc == 0) {
			rc = env_add(ctx, name, nlen, value, vlen);
		}
	}
	return rc;
}

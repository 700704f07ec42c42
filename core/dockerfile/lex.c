#include "dockerfile/lex.h"

size_t plm_dockerfile_lex_keyword(const struct plm_dockerfile_text *t,
	size_t from, size_t *ks, size_t *ke)
{
	const char *p = t->ptr;
	size_t i = from;
	while (i < t->len && plm_dockerfile_is_space(p[i])) {
		i++;
	}
	*ks = i;
	while (i < t->len && !plm_dockerfile_is_space(p[i])) {
		i++;
	}
	*ke = i;
	while (i < t->len && plm_dockerfile_is_space(p[i])) {
		i++;
	}
	return i;
}

size_t plm_dockerfile_lex_flags(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from,
	plm_dockerfile_word_fn fn, void *user)
{
	const char *p = t->ptr;
	size_t n = t->len;
	size_t i = from;
	struct plm_dockerfile_buf *w = &ctx->scratch;
	for (;;) {
		while (i < n && plm_dockerfile_is_space(p[i])) {
			i++;
		}
		if (i + 1 >= n || p[i] != '-' || p[i + 1] != '-') {
			return i;
		}
		size_t start = i;
		w->len = 0;
		char quote = 0;
		for (; i < n; i++) {
			char c = p[i];
			if (quote == 0 && plm_dockerfile_is_space(c)) {
				break;
			}
			if (quote == 0 && (c == '\'' || c == '"')) {
				quote = c;
				continue;
			}
			if (quote != 0 && c == quote) {
				quote = 0;
				continue;
			}
			if (c == '\\') {
				if (i + 1 == n) {
					continue;
				}
				c = p[++i];
			}
			plm_dockerfile_buf_addc(w, c);
		}
		if (i - start == 2) {
			/* `--` ends the flags. */
			while (i < n && plm_dockerfile_is_space(p[i])) {
				i++;
			}
			return i;
		}
		fn(user, start, i, w->ptr, w->len);
	}
}

void plm_dockerfile_lex_words(const struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	plm_dockerfile_word_fn fn, void *user)
{
	const char *p = t->ptr;
	char esc = ctx->escape;
	size_t i = from;
	for (;;) {
		while (i < to && plm_dockerfile_is_space(p[i])) {
			i++;
		}
		if (i >= to) {
			return;
		}
		size_t start = i;
		char quote = 0;
		size_t end = to;
		for (; i < to; i++) {
			char c = p[i];
			if (quote == 0) {
				if (plm_dockerfile_is_space(c)) {
					break;
				}
				if (c == '\'' || c == '"') {
					quote = c;
				} else if (c == esc) {
					if (i + 1 == to) {
						/* A trailing escape is dropped. */
						end = i;
						i++;
						break;
					}
					i++;
				}
			} else if (c == quote) {
				quote = 0;
			} else if (c == esc && quote != '\'') {
				if (i + 1 == to) {
					end = i;
					i++;
					break;
				}
				i++;
			}
		}
		if (i < end) {
			end = i;
		}
		if (end > start) {
			fn(user, start, end, p + start, end - start);
		}
	}
}

void plm_dockerfile_lex_fields(const struct plm_dockerfile_text *t, size_t from,
	size_t to, plm_dockerfile_word_fn fn, void *user)
{
	const char *p = t->ptr;
	size_t i = from;
	for (;;) {
		while (i < to && plm_dockerfile_is_space(p[i])) {
			i++;
		}
		if (i >= to) {
			return;
		}
		size_t start = i;
		while (i < to && !plm_dockerfile_is_space(p[i])) {
			i++;
		}
		fn(user, start, i, p + start, i - start);
	}
}

void plm_dockerfile_lex_trim(const struct plm_dockerfile_text *t, size_t *from,
	size_t *to)
{
	while (*from < *to && plm_dockerfile_is_space(t->ptr[*from])) {
		(*from)++;
	}
	while (*to > *from && plm_dockerfile_is_space(t->ptr[*to - 1])) {
		(*to)--;
	}
}

#include "dockerfile/heredoc.h"

#include <string.h>

struct finder {
	struct plm_dockerfile_ctx *ctx;
	struct plm_dockerfile_heredoc *docs;
	size_t max;
	size_t count;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Removes quotes (and backslash escapes) from a heredoc name. Returns false
 * if the name is more than one shell word. */
static bool unquote_name(struct plm_dockerfile_buf *b, const char *s, size_t n,
	bool *quoted)
{
	b->len = 0;
	*quoted = false;
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (quote == 0) {
			if (plm_dockerfile_is_space(c)) {
				return false;
			}
			if (c == '\'' || c == '"') {
				quote = c;
				*quoted = true;
				continue;
			}
			if (c == '\\' && i + 1 < n) {
				c = s[++i];
			}
		} else if (c == quote) {
			quote = 0;
			continue;
		} else if (quote == '"' && c == '\\' && i + 1 < n &&
			(s[i + 1] == '"' || s[i + 1] == '\\' ||
				s[i + 1] == '$')) {
			c = s[++i];
		}
		plm_dockerfile_buf_addc(b, c);
	}
	return true;
}

static void on_word(void *user, size_t start, size_t end, const char *w,
	size_t n)
{
	struct finder *f = user;
	size_t i = 0;
	while (i < n && is_digit(w[i])) {
		i++;
	}
	if (n - i < 3 || w[i] != '<' || w[i + 1] != '<') {
		return;
	}
	size_t digits = i;
	i += 2;
	bool strip = false;
	if (i < n && w[i] == '-') {
		strip = true;
		i++;
	}
	if (i >= n || memchr(w + i, '<', n - i) != NULL) {
		return;
	}
	bool quoted;
	struct plm_dockerfile_buf *b = &f->ctx->scratch;
	if (!unquote_name(b, w + i, n - i, &quoted) || b->len == 0) {
		return;
	}
	if (f->count < f->max) {
		struct plm_dockerfile_heredoc *d = &f->docs[f->count];
		memset(d, 0, sizeof(*d));
		d->word_start = start;
		d->word_end = end;
		d->name = plm_dockerfile_strdup(f->ctx, b->ptr, b->len,
			&d->name_len);
		if (d->name == NULL) {
			return;
		}
		unsigned fd = 0;
		for (size_t k = 0; k < digits && fd < 100000; k++) {
			fd = fd * 10 + (unsigned)(w[k] - '0');
		}
		d->fd = fd;
		d->strip_tabs = strip;
		d->quoted = quoted;
	}
	f->count++;
}

size_t plm_dockerfile_heredoc_find(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from,
	struct plm_dockerfile_heredoc *docs, size_t max)
{
	struct finder f = {ctx, docs, max, 0};
	/* Heredoc words are split with BuildKit's shell lexer, whose escape
	 * is always the backslash. */
	char saved = ctx->escape;
	ctx->escape = '\\';
	plm_dockerfile_lex_words(ctx, t, from, t->len, on_word, &f);
	ctx->escape = saved;
	return f.count;
}

#include "dockerfile/shell.h"

#include <stdlib.h>
#include <string.h>

struct sh {
	struct plm_dockerfile_ctx *ctx;
	const struct plm_dockerfile_text *t;
	const char *p;
	size_t end;
	struct plm_node *commands;
	const struct plm_dockerfile_heredoc *docs;
	size_t doc_count;
	size_t doc_next;
	struct plm_dockerfile_buf w;
	/* Inline heredoc waiting for the end of the current line. */
	size_t inline_name_start;
	size_t inline_name_len;
	bool inline_pending;
	bool inline_strip;
};

struct cmd {
	struct plm_node *argv;
	struct plm_node *assignments;
	size_t start;
	size_t end;
	bool started;
	bool redirect_pending;
	bool heredoc_pending;
	bool skip_header; /* for/select: drop words up to a separator */
	bool case_header; /* case WORD: drop words up to `in` */
	int drop_next;    /* function NAME */
	size_t first_heredoc;
	size_t heredoc_count;
};

static size_t parse_list(struct sh *s, size_t i, char terminator, int depth);

static void nesting_limit(struct sh *s, size_t at)
{
	struct plm_dockerfile_ctx *ctx = s->ctx;
	if (!ctx->nesting_reported) {
		ctx->nesting_reported = true;
		plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
			"dockerfile/nesting-limit",
			plm_dockerfile_text_span(ctx, s->t, at, at + 1),
			"shell nesting deeper than %d levels ($(...), (...), "
			"`...`): the inner commands are not analysed",
			PLM_DOCKERFILE_MAX_NESTING);
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Bytes that end a word, and bytes a word treats specially. */
enum { META = 1, SPECIAL = 2 };
static const unsigned char byte_class[256] = {
	[' '] = META,
	['\t'] = META,
	['\r'] = META,
	['\n'] = META,
	[';'] = META,
	['&'] = META,
	['|'] = META,
	['('] = META,
	[')'] = META,
	['<'] = META,
	['>'] = META,
	['\\'] = SPECIAL,
	['\''] = SPECIAL,
	['"'] = SPECIAL,
	['$'] = SPECIAL,
	['`'] = SPECIAL,
};

static bool is_meta(char c)
{
	return byte_class[(unsigned char)c] == META;
}

/* Skips to the parenthesis closing the one before i (no analysis). */
static size_t skip_parens(const struct sh *s, size_t i, int open)
{
	char quote = 0;
	for (; i < s->end; i++) {
		char c = s->p[i];
		if (quote) {
			if (c == quote) {
				quote = 0;
			} else if (c == '\\' && quote == '"') {
				i++;
			}
			continue;
		}
		if (c == '\\') {
			i++;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '(') {
			open++;
		} else if (c == ')' && --open == 0) {
			return i;
		}
	}
	return s->end;
}

static size_t skip_braces(const struct sh *s, size_t i)
{
	int open = 1;
	for (; i < s->end; i++) {
		char c = s->p[i];
		if (c == '\\') {
			i++;
		} else if (c == '{') {
			open++;
		} else if (c == '}' && --open == 0) {
			return i;
		}
	}
	return s->end;
}

/* $(...) or `...` at i (pointing at '(' after '$', or at '`'): analyses the
 * inner commands and appends the raw text to the word. Returns the offset
 * after the closing character. */
static size_t substitution(struct sh *s, size_t dollar, size_t i, char close,
	int depth)
{
	size_t inner_end;
	if (depth + 1 >= PLM_DOCKERFILE_MAX_NESTING) {
		nesting_limit(s, i);
		if (close == ')') {
			inner_end = skip_parens(s, i + 1, 1);
		} else {
			const char *q = memchr(s->p + i + 1, '`',
				s->end - i - 1);
			inner_end = q ? (size_t)(q - s->p) : s->end;
		}
	} else {
		inner_end = parse_list(s, i + 1, close, depth + 1);
	}
	size_t after = inner_end < s->end ? inner_end + 1 : s->end;
	plm_dockerfile_buf_add(&s->w, s->p + dollar,
		plm_dockerfile_utf8_cut(s->p + dollar, after - dollar,
			PLM_DOCKERFILE_MAX_SUBSTITUTION_TEXT));
	return after;
}

/* Reads one word at i into s->w (from its current length). Sets *quoted when
 * any part was quoted. Returns the offset after the word. */
static size_t read_word(struct sh *s, size_t i, char terminator, int depth,
	bool *quoted)
{
	const char *p = s->p;
	*quoted = false;
	while (i < s->end) {
		char c = p[i];
		if (is_meta(c) || (terminator == '`' && c == '`')) {
			return i;
		}
		if (c == '\\') {
			if (i + 1 < s->end) {
				if (p[i + 1] != '\n') {
					plm_dockerfile_buf_addc(&s->w,
						p[i + 1]);
				}
				i += 2;
			} else {
				i++;
			}
			*quoted = true;
			continue;
		}
		if (c == '\'') {
			*quoted = true;
			const char *q = memchr(p + i + 1, '\'', s->end - i - 1);
			size_t close = q ? (size_t)(q - p) : s->end;
			plm_dockerfile_buf_add(&s->w, p + i + 1, close - i - 1);
			i = q ? close + 1 : close;
			continue;
		}
		if (c == '"') {
			*quoted = true;
			i++;
			while (i < s->end && p[i] != '"') {
				char d = p[i];
				if (d == '\\' && i + 1 < s->end) {
					char e = p[i + 1];
					if (e == '\n') {
						i += 2;
						continue;
					}
					if (e != '"' && e != '\\' && e != '$' &&
						e != '`') {
						plm_dockerfile_buf_addc(&s->w,
							d);
					}
					plm_dockerfile_buf_addc(&s->w, e);
					i += 2;
					continue;
				}
				if (d == '$' && i + 1 < s->end &&
					p[i + 1] == '(' &&
					!(i + 2 < s->end && p[i + 2] == '(')) {
					i = substitution(s, i, i + 1, ')',
						depth);
					continue;
				}
				if (d == '`') {
					i = substitution(s, i, i, '`', depth);
					continue;
				}
				plm_dockerfile_buf_addc(&s->w, d);
				i++;
			}
			if (i < s->end) {
				i++;
			}
			continue;
		}
		if (c == '$' && i + 1 < s->end) {
			char d = p[i + 1];
			if (d == '(' && i + 2 < s->end && p[i + 2] == '(') {
				size_t close = skip_parens(s, i + 2, 1);
				size_t after = close < s->end ? close + 1
							      : close;
				if (after < s->end && p[after] == ')') {
					after++;
				}
				plm_dockerfile_buf_add(&s->w, p + i, after - i);
				i = after;
				continue;
			}
			if (d == '(') {
				i = substitution(s, i, i + 1, ')', depth);
				continue;
			}
			if (d == '{') {
				size_t close = skip_braces(s, i + 2);
				size_t after = close < s->end ? close + 1
							      : close;
				plm_dockerfile_buf_add(&s->w, p + i, after - i);
				i = after;
				continue;
			}
			if (d == '\'') {
				/* $'...': ANSI-C quoting, kept with escapes. */
				*quoted = true;
				size_t j = i + 2;
				while (j < s->end && p[j] != '\'') {
					if (p[j] == '\\') {
						j++;
					}
					j++;
				}
				if (j > s->end) {
					j = s->end;
				}
				plm_dockerfile_buf_add(&s->w, p + i + 2,
					j - i - 2);
				i = j < s->end ? j + 1 : j;
				continue;
			}
		}
		if (c == '`') {
			i = substitution(s, i, i, '`', depth);
			continue;
		}
		/* A run of ordinary bytes at once. */
		size_t run = i++;
		while (i < s->end && byte_class[(unsigned char)p[i]] == 0) {
			i++;
		}
		plm_dockerfile_buf_add(&s->w, p + run, i - run);
	}
	return i;
}

static bool is_assignment(const char *w, size_t n)
{
	if (n == 0 ||
		!((w[0] >= 'a' && w[0] <= 'z') ||
			(w[0] >= 'A' && w[0] <= 'Z') || w[0] == '_')) {
		return false;
	}
	for (size_t i = 1; i < n; i++) {
		char c = w[i];
		if (c == '=' || (c == '+' && i + 1 < n && w[i + 1] == '=')) {
			return true;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_')) {
			return false;
		}
	}
	return false;
}

static bool word_eq(const char *w, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

enum word_kind {
	WORD_PLAIN = 0,
	WORD_CONTROL, /* if then else elif fi do done while until ! { } time */
	WORD_ESAC,
	WORD_LOOP, /* for select: a header, not a command */
	WORD_CASE,
	WORD_FUNCTION,
};

/* The reserved word w[0..n) is, at the start of a command. */
static enum word_kind reserved(const char *w, size_t n)
{
	static const struct {
		const char *word;
		size_t len;
		enum word_kind kind;
	} words[] = {
		{"if", 2, WORD_CONTROL},
		{"then", 4, WORD_CONTROL},
		{"else", 4, WORD_CONTROL},
		{"elif", 4, WORD_CONTROL},
		{"fi", 2, WORD_CONTROL},
		{"do", 2, WORD_CONTROL},
		{"done", 4, WORD_CONTROL},
		{"while", 5, WORD_CONTROL},
		{"until", 5, WORD_CONTROL},
		{"!", 1, WORD_CONTROL},
		{"{", 1, WORD_CONTROL},
		{"}", 1, WORD_CONTROL},
		{"time", 4, WORD_CONTROL},
		{"esac", 4, WORD_ESAC},
		{"for", 3, WORD_LOOP},
		{"select", 6, WORD_LOOP},
		{"case", 4, WORD_CASE},
		{"function", 8, WORD_FUNCTION},
	};
	if (n == 0 || n > 8) {
		return WORD_PLAIN;
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		if (words[k].len == n && words[k].word[0] == w[0] &&
			memcmp(words[k].word, w, n) == 0) {
			return words[k].kind;
		}
	}
	return WORD_PLAIN;
}

/* Does argv[0] name a POSIX-like shell that reads its script from stdin? */
static bool reads_script(const struct plm_node *argv)
{
	if (argv == NULL || argv->as.seq.count == 0) {
		return true;
	}
	const char *a0 = argv->as.seq.items[0]->as.string.ptr;
	const char *base = strrchr(a0, '/');
	base = base ? base + 1 : a0;
	static const char *const shells[] = {"sh", "bash", "ash", "dash", "zsh",
		"ksh", "mksh", "busybox", NULL};
	bool shell = false;
	for (size_t k = 0; shells[k] != NULL; k++) {
		if (strcmp(base, shells[k]) == 0) {
			shell = true;
		}
	}
	if (!shell) {
		return false;
	}
	for (size_t k = 1; k < argv->as.seq.count; k++) {
		if (strcmp(argv->as.seq.items[k]->as.string.ptr, "-c") == 0) {
			return false;
		}
	}
	return true;
}

static void finish(struct sh *s, struct cmd *c, int depth)
{
	struct plm_dockerfile_ctx *ctx = s->ctx;
	bool has_argv = c->argv != NULL && c->argv->as.seq.count > 0;
	if (has_argv &&
		!plm_dockerfile_model_full(ctx,
			plm_dockerfile_text_span(ctx, s->t, c->start,
				c->start + 1))) {
		struct plm_span span = plm_dockerfile_text_span(ctx, s->t,
			c->start, c->end);
		struct plm_node *node = plm_dockerfile_map(ctx, span);
		plm_dockerfile_set(ctx, node, "argv", c->argv);
		plm_dockerfile_set(ctx, node, "text",
			plm_dockerfile_string(ctx, span, s->p + c->start,
				plm_dockerfile_utf8_cut(s->p + c->start,
					c->end - c->start,
					PLM_DOCKERFILE_MAX_COMMAND_TEXT)));
		if (c->assignments != NULL) {
			plm_dockerfile_set(ctx, node, "assignments",
				c->assignments);
		}
		plm_dockerfile_push(ctx, s->commands, node);
	}
	if (c->heredoc_count > 0 && s->docs != NULL && reads_script(c->argv)) {
		for (size_t k = 0; k < c->heredoc_count; k++) {
			size_t idx = c->first_heredoc + k;
			if (idx >= s->doc_count) {
				break;
			}
			const struct plm_dockerfile_heredoc *d = &s->docs[idx];
			if (depth + 1 >= PLM_DOCKERFILE_MAX_NESTING) {
				nesting_limit(s, c->start);
				break;
			}
			struct plm_dockerfile_segment seg = {0, d->body.start};
			struct plm_dockerfile_text body = {ctx->bytes +
					d->body.start,
				d->body.end - d->body.start, &seg, 1, 0};
			ctx->depth++;
			plm_dockerfile_shell_split(ctx, &body, 0, body.len,
				NULL, 0, s->commands);
			ctx->depth--;
		}
	}
	memset(c, 0, sizeof(*c));
}

static void extend(struct cmd *c, size_t start, size_t end)
{
	if (!c->started) {
		c->started = true;
		c->start = start;
	}
	c->end = end;
}

/* At a newline: skips the bodies of inline heredocs opened on that line. */
static size_t skip_inline_heredoc(struct sh *s, size_t i)
{
	if (!s->inline_pending) {
		return i;
	}
	s->inline_pending = false;
	const char *name = s->p + s->inline_name_start;
	size_t n = s->inline_name_len;
	while (i < s->end) {
		const char *nl = memchr(s->p + i, '\n', s->end - i);
		size_t le = nl ? (size_t)(nl - s->p) : s->end;
		size_t ls = i;
		if (s->inline_strip) {
			while (ls < le && s->p[ls] == '\t') {
				ls++;
			}
		}
		i = nl ? le + 1 : le;
		if (le - ls == n && memcmp(s->p + ls, name, n) == 0) {
			break;
		}
	}
	return i;
}

/* A redirection operator at i? Returns its length (0: none) and whether it
 * opens a heredoc. */
static size_t redirection(const struct sh *s, size_t i, bool *heredoc,
	bool *strip)
{
	const char *p = s->p;
	size_t j = i;
	*heredoc = false;
	*strip = false;
	while (j < s->end && p[j] >= '0' && p[j] <= '9') {
		j++;
	}
	if (j >= s->end) {
		return 0;
	}
	if (j == i && p[j] == '&' && j + 1 < s->end && p[j + 1] == '>') {
		j += 2;
		if (j < s->end && p[j] == '>') {
			j++;
		}
		return j - i;
	}
	if (p[j] == '<') {
		j++;
		if (j < s->end && p[j] == '<') {
			j++;
			if (j < s->end && p[j] == '<') {
				return j + 1 - i;
			}
			*heredoc = true;
			if (j < s->end && p[j] == '-') {
				*strip = true;
				j++;
			}
			return j - i;
		}
		if (j < s->end && (p[j] == '&' || p[j] == '>')) {
			j++;
		}
		return j - i;
	}
	if (p[j] == '>') {
		j++;
		if (j < s->end && (p[j] == '>' || p[j] == '&' || p[j] == '|')) {
			j++;
		}
		return j - i;
	}
	return 0;
}

static size_t parse_list(struct sh *s, size_t i, char terminator, int depth)
{
	struct plm_dockerfile_ctx *ctx = s->ctx;
	const char *p = s->p;
	struct cmd c;
	memset(&c, 0, sizeof(c));
	int case_depth = 0;
	bool pattern_mode = false;
	while (i < s->end && !ctx->out_of_memory && !ctx->model_full) {
		char ch = p[i];
		if (is_blank(ch)) {
			i++;
			continue;
		}
		if ((terminator == ')' && ch == ')' && !pattern_mode) ||
			(terminator == '`' && ch == '`')) {
			finish(s, &c, depth);
			return i;
		}
		if (ch == '\\' && i + 1 < s->end && p[i + 1] == '\n') {
			i += 2;
			continue;
		}
		if (ch == '\n') {
			finish(s, &c, depth);
			i = skip_inline_heredoc(s, i + 1);
			continue;
		}
		if (ch == ';' || ch == '|' ||
			(ch == '&' && !(i + 1 < s->end && p[i + 1] == '>'))) {
			finish(s, &c, depth);
			if (ch == ';' && i + 1 < s->end &&
				(p[i + 1] == ';' || p[i + 1] == '&')) {
				i += 2;
				if (i < s->end && p[i] == '&') {
					i++;
				}
				pattern_mode = case_depth > 0;
				continue;
			}
			if (i + 1 < s->end &&
				(p[i + 1] == ch ||
					(ch == '|' && p[i + 1] == '&'))) {
				i++;
			}
			i++;
			continue;
		}
		if (pattern_mode) {
			size_t ws = i;
			while (i < s->end && !is_meta(p[i])) {
				i++;
			}
			if (word_eq(p + ws, i - ws, "esac")) {
				case_depth--;
				pattern_mode = false;
				continue;
			}
			i = ws;
			/* Skip the pattern list up to its ')'. */
			char quote = 0;
			for (; i < s->end; i++) {
				char d = p[i];
				if (quote) {
					if (d == quote) {
						quote = 0;
					}
				} else if (d == '\'' || d == '"') {
					quote = d;
				} else if (d == '\\') {
					i++;
				} else if (d == ')') {
					break;
				}
			}
			if (i < s->end) {
				i++;
			}
			pattern_mode = false;
			continue;
		}
		if (ch == '(') {
			finish(s, &c, depth);
			if (i + 1 < s->end && p[i + 1] == '(') {
				size_t close = skip_parens(s, i + 2, 1);
				i = close < s->end ? close + 1 : close;
				if (i < s->end && p[i] == ')') {
					i++;
				}
				continue;
			}
			size_t close;
			if (depth + 1 >= PLM_DOCKERFILE_MAX_NESTING) {
				nesting_limit(s, i);
				close = skip_parens(s, i + 1, 1);
			} else {
				close = parse_list(s, i + 1, ')', depth + 1);
			}
			i = close < s->end ? close + 1 : close;
			continue;
		}
		if (ch == ')') {
			finish(s, &c, depth);
			i++;
			continue;
		}
		if (ch == '#') {
			const char *nl = memchr(p + i, '\n', s->end - i);
			i = nl ? (size_t)(nl - p) : s->end;
			continue;
		}
		bool heredoc, strip;
		size_t rlen = redirection(s, i, &heredoc, &strip);
		if (rlen > 0) {
			if (heredoc) {
				c.heredoc_pending = true;
				s->inline_strip = strip;
			} else {
				c.redirect_pending = true;
			}
			if (c.started) {
				c.end = i + rlen;
			}
			i += rlen;
			continue;
		}
		/* A word. */
		enum word_kind kind;
		size_t base = s->w.len;
		bool quoted;
		size_t ws = i;
		i = read_word(s, i, terminator, depth, &quoted);
		if (i == ws) {
			/* A character no rule consumes (a stray '`'). */
			i++;
			s->w.len = base;
			continue;
		}
		if (s->w.failed) {
			ctx->out_of_memory = true;
			break;
		}
		/* A word may be empty with nothing buffered yet (`RUN "`):
		 * the buffer is still NULL and NULL + 0 is undefined. */
		const char *w = s->w.ptr != NULL ? s->w.ptr + base : "";
		size_t wn = s->w.len - base;
		if (c.redirect_pending) {
			c.redirect_pending = false;
			if (c.started) {
				c.end = i;
			}
		} else if (c.heredoc_pending) {
			c.heredoc_pending = false;
			if (c.heredoc_count++ == 0) {
				c.first_heredoc = s->doc_next;
			}
			s->doc_next++;
			if (c.started) {
				c.end = i;
			}
			if (s->docs == NULL && !s->inline_pending) {
				/* The name is unquoted in place: keep its source
				 * form only when it had no quotes. */
				s->inline_pending = true;
				s->inline_name_start = ws;
				s->inline_name_len = i - ws;
				if (quoted && wn <= i - ws && wn <= 256) {
					/* Compare against the unquoted name:
					 * find it in the raw word. */
					const char *at = NULL;
					for (size_t k = ws; k + wn <= i; k++) {
						if (memcmp(p + k, w, wn) == 0) {
							at = p + k;
							break;
						}
					}
					if (at != NULL) {
						s->inline_name_start =
							(size_t)(at - p);
						s->inline_name_len = wn;
					}
				}
			}
		} else if (c.drop_next > 0) {
			c.drop_next--;
		} else if (c.case_header) {
			if (!quoted && word_eq(w, wn, "in")) {
				c.case_header = false;
				case_depth++;
				pattern_mode = true;
				memset(&c, 0, sizeof(c));
			}
		} else if (c.skip_header) {
			/* for NAME in WORDS: not a command. */
		} else if ((c.argv == NULL || c.argv->as.seq.count == 0) &&
			!quoted && (kind = reserved(w, wn)) != WORD_PLAIN &&
			(kind != WORD_CONTROL || c.assignments == NULL)) {
			switch (kind) {
			case WORD_ESAC:
				if (case_depth > 0) {
					case_depth--;
				}
				break;
			case WORD_LOOP:
				c.skip_header = true;
				break;
			case WORD_CASE:
				c.case_header = true;
				break;
			case WORD_FUNCTION:
				c.drop_next = 1;
				break;
			default:
				break; /* control words open or close a list */
			}
		} else {
			struct plm_span span = plm_dockerfile_text_span(ctx,
				s->t, ws, i);
			struct plm_node *node = plm_dockerfile_string(ctx, span,
				w, wn);
			bool first = c.argv == NULL ||
				c.argv->as.seq.count == 0;
			if (first && is_assignment(p + ws, i - ws)) {
				if (c.assignments == NULL) {
					c.assignments = plm_dockerfile_seq(ctx,
						span);
				}
				plm_dockerfile_push(ctx, c.assignments, node);
			} else {
				if (c.argv == NULL) {
					c.argv = plm_dockerfile_seq(ctx, span);
				}
				plm_dockerfile_push(ctx, c.argv, node);
			}
			extend(&c, ws, i);
		}
		s->w.len = base;
	}
	finish(s, &c, depth);
	return i;
}

void plm_dockerfile_shell_split(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	const struct plm_dockerfile_heredoc *docs, size_t doc_count,
	struct plm_node *commands)
{
	struct sh s;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.t = t;
	s.p = t->ptr;
	s.end = to;
	s.commands = commands;
	s.docs = docs;
	s.doc_count = doc_count;
	(void)parse_list(&s, from, 0, ctx->depth);
	if (s.w.failed) {
		ctx->out_of_memory = true;
	}
	plm_dockerfile_buf_free(&s.w);
}

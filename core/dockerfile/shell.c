#include "dockerfile/shell.h"

#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

/* Where each byte of a word being read came from, kept for the script of
 * `sh -c SCRIPT` so that its commands get spans in the file. */
struct word_map {
	size_t base; /* s->w.len when the word started */
	struct plm_dockerfile_segment *segs;
	size_t count;
	size_t cap;
	bool failed;
};

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
	int nested;           /* shell scripts (sh -c, sh <<EOF) around these */
	struct word_map *map; /* recording the word being read, or NULL */
};

/* What a command's words say about a script it runs. */
enum script_phase {
	SCRIPT_PROGRAM = 0, /* looking for the program, past wrappers */
	SCRIPT_OPTIONS,     /* a shell (or su): looking for -c */
	SCRIPT_NEXT,        /* the next word is the script */
	SCRIPT_DONE,
};

/* The state of one list ("a && b | c; d"): the operator before the next
 * command and the pipeline being built. */
struct list_state {
	const char *pending; /* operator before the next command, or NULL */
	size_t pending_at;   /* its offset */
	uint32_t pipeline;   /* id of the pipeline in progress, 0: none */
	struct plm_node *before_newline; /* gets op_after "\n" if a command
					  * follows in the list */
	bool after_item; /* a command or group ended, no operator yet */
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
	const char *op_before;
	size_t op_before_at;
	enum script_phase phase;
	bool wrapper;    /* a wrapper (sudo, env, exec...) came first */
	bool su;         /* the program is su: -c takes a command line */
	bool skip_value; /* the next word is an option's value */
	char *script;    /* heap copy of the script of sh -c, or NULL */
	size_t script_len;
	struct plm_dockerfile_segment *script_segs; /* heap */
	size_t script_seg_count;
};

static size_t parse_list(struct sh *s, size_t i, char terminator, int depth,
	struct list_state *l);

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

/* Records that the word's bytes from `at` on come from text [from,
 * from + n), cut where the text's own segments (joined continuation lines)
 * end; adjacent pieces merge. */
static void map_run(struct sh *s, size_t at, size_t from, size_t n)
{
	struct word_map *m = s->map;
	const struct plm_dockerfile_text *t = s->t;
	while (n > 0 && !m->failed) {
		uint32_t src = plm_dockerfile_text_src(t, from);
		size_t run = n;
		if (t->seg_count > 1 && t->hint + 1 < t->seg_count) {
			size_t next = t->segs[t->hint + 1].at;
			if (next > from && next - from < run) {
				run = next - from;
			}
		}
		struct plm_dockerfile_segment *last = m->count
			? &m->segs[m->count - 1]
			: NULL;
		if (last == NULL || src < last->src ||
			at - last->at != src - last->src) {
			if (m->count == m->cap) {
				size_t cap = m->cap ? m->cap * 2 : 8;
				void *grown = plm_realloc(m->segs,
					cap * sizeof(*m->segs));
				if (grown == NULL) {
					m->failed = true;
					return;
				}
				m->segs = grown;
				m->cap = cap;
			}
			m->segs[m->count].at = (uint32_t)at;
			m->segs[m->count].src = src;
			m->count++;
		}
		at += run;
		from += run;
		n -= run;
	}
}

/* Appends text [from, from + n) to the word being read. */
static void emit(struct sh *s, size_t from, size_t n)
{
	size_t at = s->w.len;
	plm_dockerfile_buf_add(&s->w, s->p + from, n);
	if (s->map != NULL) {
		map_run(s, at - s->map->base, from, n);
	}
}

static inline void emitc(struct sh *s, size_t from)
{
	size_t at = s->w.len;
	plm_dockerfile_buf_addc(&s->w, s->p[from]);
	if (s->map != NULL) {
		map_run(s, at - s->map->base, from, 1);
	}
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
 * after the closing character. In the script of `sh -c` the inner
 * commands are left to the script's own analysis (found once, not twice). */
static size_t substitution(struct sh *s, size_t dollar, size_t i, char close,
	int depth)
{
	size_t inner_end;
	bool too_deep = depth + 1 >= PLM_DOCKERFILE_MAX_NESTING;
	if (too_deep || s->map != NULL) {
		if (too_deep) {
			nesting_limit(s, i);
		}
		if (close == ')') {
			inner_end = skip_parens(s, i + 1, 1);
		} else {
			const char *q = memchr(s->p + i + 1, '`',
				s->end - i - 1);
			inner_end = q ? (size_t)(q - s->p) : s->end;
		}
	} else {
		struct list_state inner = {0};
		inner_end = parse_list(s, i + 1, close, depth + 1, &inner);
	}
	size_t after = inner_end < s->end ? inner_end + 1 : s->end;
	emit(s, dollar,
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
					emitc(s, i + 1);
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
			emit(s, i + 1, close - i - 1);
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
						emit(s, i, 2);
					} else {
						emitc(s, i + 1);
					}
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
				emitc(s, i);
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
				emit(s, i, after - i);
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
				emit(s, i, after - i);
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
				emit(s, i + 2, j - i - 2);
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
		emit(s, run, i - run);
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

/* The last path component of w[0..n). */
static const char *base_name(const char *w, size_t *n)
{
	for (size_t k = *n; k > 0; k--) {
		if (w[k - 1] == '/') {
			*n -= k;
			return w + k;
		}
	}
	return w;
}

/* Does w[0..n) name a POSIX-like shell (a path allowed)? */
static bool is_shell_name(const char *w, size_t n)
{
	static const char *const shells[] = {"sh", "bash", "ash", "dash", "zsh",
		"ksh", "mksh", "yash", "posh", NULL};
	w = base_name(w, &n);
	for (size_t k = 0; shells[k] != NULL; k++) {
		if (word_eq(w, n, shells[k])) {
			return true;
		}
	}
	return false;
}

/* Does argv[0] name a POSIX-like shell that reads its script from stdin? */
static bool reads_script(const struct plm_node *argv)
{
	if (argv == NULL || argv->as.seq.count == 0) {
		return true;
	}
	const struct plm_node *a0 = argv->as.seq.items[0];
	bool shell = is_shell_name(a0->as.string.ptr, a0->as.string.len);
	size_t n = a0->as.string.len;
	if (word_eq(base_name(a0->as.string.ptr, &n), n, "busybox")) {
		shell = true;
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

/* Wrappers that run the command after their own options. */
static bool is_wrapper(const char *w, size_t n)
{
	static const char *const wrappers[] = {"exec", "sudo", "doas", "env",
		"nohup", "time", "command", "nice", NULL};
	for (size_t k = 0; wrappers[k] != NULL; k++) {
		if (word_eq(w, n, wrappers[k])) {
			return true;
		}
	}
	return false;
}

/* Follows the words of a command (w[0..n), unquoted) to the script it
 * passes to a shell: `sh -c SCRIPT`, `bash -euo pipefail -c SCRIPT`,
 * `sudo -u x sh -c SCRIPT`, `su user -c SCRIPT`. A shell given a script
 * file instead (`sh setup.sh`) runs nothing this model can see. */
static void script_word(struct cmd *c, const char *w, size_t n)
{
	if (c->skip_value) {
		c->skip_value = false;
		return;
	}
	bool dash = n >= 2 && w[0] == '-';
	switch (c->phase) {
	case SCRIPT_PROGRAM:
		if (is_wrapper(w, n) && !c->wrapper) {
			c->wrapper = true;
		} else if (c->wrapper && dash) {
			/* sudo -u USER, sudo -g GROUP, nice -n N */
			c->skip_value = n == 2 &&
				(w[1] == 'u' || w[1] == 'g' || w[1] == 'n');
		} else if (c->wrapper && memchr(w, '=', n) != NULL) {
			/* env NAME=value */
		} else if (is_shell_name(w, n)) {
			c->phase = SCRIPT_OPTIONS;
		} else if (word_eq(w, n, "su")) {
			c->phase = SCRIPT_OPTIONS;
			c->su = true;
		} else {
			c->phase = SCRIPT_DONE;
		}
		return;
	case SCRIPT_OPTIONS:
		if (c->su) {
			if (word_eq(w, n, "-c") || word_eq(w, n, "--command")) {
				c->phase = SCRIPT_NEXT;
			} else {
				c->skip_value = word_eq(w, n, "-s") ||
					word_eq(w, n, "--shell") ||
					word_eq(w, n, "-g") ||
					word_eq(w, n, "--group");
			}
			return;
		}
		if (n == 2 && (w[0] == '-' || w[0] == '+') && w[1] == 'o') {
			c->skip_value = true;
		} else if (dash && w[1] != '-') {
			/* A cluster: -c, -ec, -euxo (pipefail follows). */
			if (memchr(w, 'c', n) != NULL) {
				c->phase = SCRIPT_NEXT;
			}
			c->skip_value = w[n - 1] == 'o';
		} else if (!dash) {
			c->phase = SCRIPT_DONE;
		}
		return;
	case SCRIPT_NEXT:
	case SCRIPT_DONE:
		c->phase = SCRIPT_DONE;
		return;
	}
}

size_t plm_dockerfile_shell_script(const struct plm_node *argv)
{
	struct cmd c;
	memset(&c, 0, sizeof(c));
	for (size_t k = 0; argv != NULL && k < argv->as.seq.count; k++) {
		if (c.phase == SCRIPT_NEXT) {
			return k;
		}
		const struct plm_node *w = argv->as.seq.items[k];
		script_word(&c, w->as.string.ptr, w->as.string.len);
	}
	return 0;
}

static void free_script(struct cmd *c)
{
	plm_free(c->script);
	plm_free(c->script_segs);
	c->script = NULL;
	c->script_segs = NULL;
}

static void set_op(struct plm_dockerfile_ctx *ctx, const struct sh *s,
	struct plm_node *node, const char *key, const char *op, size_t at)
{
	size_t n = strlen(op);
	plm_dockerfile_set_n(ctx, node, key, strlen(key),
		plm_dockerfile_string(ctx,
			plm_dockerfile_text_span(ctx, s->t, at, at + n), op,
			n));
}

/* Splits a script the command runs (its heredocs fed to a shell, the
 * script of sh -c) one nesting level deeper. */
static void split_inner(struct sh *s, struct cmd *c, int depth)
{
	struct plm_dockerfile_ctx *ctx = s->ctx;
	if (c->script != NULL && c->script_len > 0 && c->script_seg_count > 0) {
		if (depth + 1 >= PLM_DOCKERFILE_MAX_NESTING) {
			nesting_limit(s, c->start);
		} else {
			struct plm_dockerfile_text st = {c->script,
				c->script_len, c->script_segs,
				c->script_seg_count, 0};
			int saved = ctx->depth;
			ctx->depth = depth + 1;
			plm_dockerfile_shell_split(ctx, &st, 0, st.len, NULL, 0,
				s->commands, s->nested + 1);
			ctx->depth = saved;
		}
	}
	free_script(c);
	if (c->heredoc_count > 0 && s->docs != NULL && reads_script(c->argv)) {
		/* `RUN <<EOF` is the RUN's own script; `RUN bash <<EOF`
		 * feeds one to a shell. */
		bool fed = c->argv != NULL && c->argv->as.seq.count > 0;
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
				NULL, 0, s->commands, s->nested + fed);
			ctx->depth--;
		}
	}
}

/* Command c starts with its first word: it takes the operator pending in
 * the list, and a newline before it becomes the previous command's
 * op_after (a script's last newline is no operator). */
static void start_command(struct sh *s, struct cmd *c, struct list_state *l)
{
	c->op_before = l->pending;
	c->op_before_at = l->pending_at;
	if (l->pending != NULL && l->pending[0] == '\n' &&
		l->before_newline != NULL) {
		set_op(s->ctx, s, l->before_newline, "op_after", "\n",
			l->pending_at);
	}
	l->pending = NULL;
	l->before_newline = NULL;
}

/* Ends command c, followed by operator op (at op_at; NULL: none), and
 * pushes it when it has words. Returns the node pushed, or NULL. */
static struct plm_node *finish(struct sh *s, struct cmd *c, int depth,
	struct list_state *l, const char *op, size_t op_at)
{
	struct plm_dockerfile_ctx *ctx = s->ctx;
	struct plm_node *node = NULL;
	bool has_argv = c->argv != NULL && c->argv->as.seq.count > 0;
	bool pipe_after = op != NULL && op[0] == '|' && op[1] != '|';
	if (has_argv &&
		!plm_dockerfile_model_full(ctx,
			plm_dockerfile_text_span(ctx, s->t, c->start,
				c->start + 1))) {
		struct plm_span span = plm_dockerfile_text_span(ctx, s->t,
			c->start, c->end);
		node = plm_dockerfile_map(ctx, span);
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
		if (c->op_before != NULL) {
			set_op(ctx, s, node, "op_before", c->op_before,
				c->op_before_at);
		}
		if (op != NULL) {
			set_op(ctx, s, node, "op_after", op, op_at);
		}
		bool pipe_before = c->op_before != NULL &&
			c->op_before[0] == '|' && c->op_before[1] != '|';
		if (pipe_before || pipe_after) {
			if (l->pipeline == 0) {
				l->pipeline = ++ctx->pipelines;
			}
			plm_dockerfile_set(ctx, node, "pipeline",
				plm_dockerfile_int(ctx, span, l->pipeline));
		}
		if (s->nested > 0) {
			plm_dockerfile_set(ctx, node, "nested",
				plm_dockerfile_int(ctx, span, s->nested));
		}
		plm_dockerfile_push(ctx, s->commands, node);
	}
	if (!pipe_after && has_argv) {
		l->pipeline = 0;
	}
	split_inner(s, c, depth);
	memset(c, 0, sizeof(*c));
	return node;
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

static size_t parse_list(struct sh *s, size_t i, char terminator, int depth,
	struct list_state *l)
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
			finish(s, &c, depth, l, NULL, 0);
			return i;
		}
		if (ch == '\\' && i + 1 < s->end && p[i + 1] == '\n') {
			i += 2;
			continue;
		}
		if (ch == '\n') {
			struct plm_node *done = finish(s, &c, depth, l, NULL,
				0);
			if (done != NULL || l->after_item) {
				l->pending = "\n";
				l->pending_at = i;
				l->before_newline = done;
			}
			l->after_item = false;
			i = skip_inline_heredoc(s, i + 1);
			continue;
		}
		if (ch == ';' || ch == '|' ||
			(ch == '&' && !(i + 1 < s->end && p[i + 1] == '>'))) {
			if (ch == ';' && i + 1 < s->end &&
				(p[i + 1] == ';' || p[i + 1] == '&')) {
				/* The end of a case arm: no sequence. */
				finish(s, &c, depth, l, NULL, 0);
				l->pending = NULL;
				l->after_item = false;
				l->before_newline = NULL;
				i += 2;
				if (i < s->end && p[i] == '&') {
					i++;
				}
				pattern_mode = case_depth > 0;
				continue;
			}
			const char *op = ch == ';' ? ";"
				: ch == '&'        ? "&"
						   : "|";
			if (i + 1 < s->end && p[i + 1] == ch) {
				op = ch == '&' ? "&&" : ch == '|' ? "||" : ";";
			} else if (ch == '|' && i + 1 < s->end &&
				p[i + 1] == '&') {
				op = "|&";
			}
			finish(s, &c, depth, l, op, i);
			l->pending = op;
			l->before_newline = NULL;
			l->pending_at = i;
			l->after_item = false;
			i += strlen(op);
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
			finish(s, &c, depth, l, NULL, 0);
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
				/* A group takes the operator before it: in
				 * `curl x | (sh)`, sh reads the pipe. */
				struct list_state inner = *l;
				inner.after_item = false;
				inner.before_newline = NULL;
				close = parse_list(s, i + 1, ')', depth + 1,
					&inner);
			}
			l->pending = NULL;
			l->pipeline = 0;
			l->after_item = true;
			l->before_newline = NULL;
			i = close < s->end ? close + 1 : close;
			continue;
		}
		if (ch == ')') {
			finish(s, &c, depth, l, NULL, 0);
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
		struct word_map map = {0};
		bool script = c.phase == SCRIPT_NEXT && !c.redirect_pending &&
			!c.heredoc_pending;
		if (script) {
			map.base = base;
			s->map = &map;
		}
		i = read_word(s, i, terminator, depth, &quoted);
		s->map = NULL;
		if (script && !map.failed && s->w.len > base &&
			c.script == NULL) {
			c.script = plm_malloc(s->w.len - base);
			if (c.script != NULL) {
				memcpy(c.script, s->w.ptr + base,
					s->w.len - base);
				c.script_len = s->w.len - base;
				c.script_segs = map.segs;
				c.script_seg_count = map.count;
				map.segs = NULL;
			}
		}
		plm_free(map.segs);
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
				free_script(&c);
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
				script_word(&c, w, wn);
			}
			if (!c.started) {
				start_command(s, &c, l);
			}
			extend(&c, ws, i);
		}
		s->w.len = base;
	}
	finish(s, &c, depth, l, NULL, 0);
	free_script(&c);
	return i;
}

void plm_dockerfile_shell_split(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_text *t, size_t from, size_t to,
	const struct plm_dockerfile_heredoc *docs, size_t doc_count,
	struct plm_node *commands, int nested)
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
	s.nested = nested;
	struct list_state l = {0};
	(void)parse_list(&s, from, 0, ctx->depth, &l);
	if (s.w.failed) {
		ctx->out_of_memory = true;
	}
	plm_dockerfile_buf_free(&s.w);
}

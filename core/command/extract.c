/*
 * command/extract.c - where command lines are in a file, and their text
 * handed to the shell splitter with a map back to the file.
 *
 * Each place shell text is found (a whole script, one Makefile recipe line
 * with its continuations, a Markdown code block, a workflow's `run:`) is
 * joined into one text whose every byte maps to a byte of the file (the
 * Dockerfile front end's segment map), so each word of a command keeps
 * its line and column. Everything here is one pass over the file.
 */
#include "command/internal.h"

#include <string.h>
#include <strings.h>

#include "dockerfile/shell.h"
#include "util/alloc.h"
#include "util/path.h"
#include "util/utf8.h"
#include "yaml/yaml.h"

/* ---- names and sniffing ---------------------------------------------- */

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

static bool is_makefile_name(const char *base)
{
	return strcmp(base, "Makefile") == 0 || strcmp(base, "makefile") == 0 ||
		strcmp(base, "GNUmakefile") == 0 || ends_with(base, ".mk");
}

static bool is_markdown_name(const char *base)
{
	return ends_with(base, ".md") || ends_with(base, ".markdown");
}

static bool is_yaml_name(const char *base)
{
	return ends_with(base, ".yml") || ends_with(base, ".yaml");
}

bool plm_command_named(const char *path)
{
	const char *base = base_of(path);
	return ends_with(base, ".sh") || ends_with(base, ".bash") ||
		is_makefile_name(base) || is_markdown_name(base) ||
		strncmp(base, ".gitlab-ci", 10) == 0 ||
		strstr(path, ".github/workflows/") != NULL;
}

/* True when a line at column 0 starts with `key:`. */
static bool top_key(const char *p, size_t len, const char *key)
{
	size_t m = strlen(key);
	for (size_t i = 0; i + m < len;) {
		if (memcmp(p + i, key, m) == 0 && p[i + m] == ':') {
			return true;
		}
		const char *nl = memchr(p + i, '\n', len - i);
		if (nl == NULL) {
			break;
		}
		i = (size_t)(nl - p) + 1;
	}
	return false;
}

/* A line that is `key:` after its indentation. */
static bool key_line(const char *p, size_t len, const char *key)
{
	size_t m = strlen(key);
	for (size_t i = 0; i < len;) {
		size_t s = i;
		while (s < len && p[s] == ' ') {
			s++;
		}
		if (s + m < len && memcmp(p + s, key, m) == 0 &&
			p[s + m] == ':') {
			return true;
		}
		const char *nl = memchr(p + i, '\n', len - i);
		if (nl == NULL) {
			break;
		}
		i = (size_t)(nl - p) + 1;
	}
	return false;
}

bool plm_command_workflow_containers(const char *bytes, size_t len)
{
	return key_line(bytes, len, "container") ||
		key_line(bytes, len, "services");
}

enum plm_command_source plm_command_source_of(const char *path,
	const char *bytes, size_t len)
{
	const char *base = base_of(path);
	if (is_markdown_name(base)) {
		return PLM_COMMAND_MARKDOWN;
	}
	if (is_makefile_name(base)) {
		return PLM_COMMAND_MAKEFILE;
	}
	if (is_yaml_name(base)) {
		if (strncmp(base, ".gitlab-ci", 10) != 0 &&
			(strstr(path, ".github/workflows/") != NULL ||
				top_key(bytes, len, "jobs"))) {
			return PLM_COMMAND_WORKFLOW;
		}
		return PLM_COMMAND_GITLAB;
	}
	return PLM_COMMAND_SHELL;
}

static bool word_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* The word at p[i..) when it stands alone (not part of a longer word). */
static bool word_at(const char *p, size_t len, size_t i, const char *w)
{
	size_t m = strlen(w);
	return i + m <= len && memcmp(p + i, w, m) == 0 &&
		(i == 0 || !word_byte(p[i - 1])) &&
		(i + m == len || !word_byte(p[i + m]));
}

/* The first letters of the CLIs' names: docker, docker-compose, podman,
 * nerdctl. */
static const bool cli_initial[256] = {['d'] = true, ['p'] = true, ['n'] = true};

bool plm_command_sniff(const char *p, size_t len)
{
	const char *end = p + len;
	for (const char *q = p; q < end;) {
		/* each candidate start: a 'd', 'p' or 'n' starting a word,
		 * then only the names that start with it */
		const char *d = NULL;
		for (const char *s = q; s < end; s++) {
			if (cli_initial[(unsigned char)*s] &&
				(s == p || !word_byte(s[-1]))) {
				d = s;
				break;
			}
		}
		if (d == NULL) {
			return false;
		}
		size_t i = (size_t)(d - p);
		bool cli = *d == 'd' ? word_at(p, len, i, "docker") ||
				word_at(p, len, i, "docker-compose")
			: *d == 'p' ? word_at(p, len, i, "podman")
				    : word_at(p, len, i, "nerdctl");
		q = d + 1;
		if (!cli) {
			continue;
		}
		/* run or create later on the line (or the next, after a
		 * backslash continuation) */
		for (size_t j = i + 6; j < len && j < i + 4096; j++) {
			if (p[j] == '\n' && p[j - 1] != '\\') {
				break;
			}
			if ((p[j] == 'r' && word_at(p, len, j, "run")) ||
				(p[j] == 'c' && word_at(p, len, j, "create"))) {
				return true;
			}
		}
	}
	return false;
}

/* ---- joined text ------------------------------------------------------ */

struct joined {
	struct plm_dockerfile_buf buf;
	struct plm_dockerfile_segment *segs;
	size_t count, cap;
	bool failed;
};

/* Maps the next byte of the text to src: a new segment unless src
 * continues the last one. */
static void map_to(struct joined *j, size_t src)
{
	size_t at = j->buf.len;
	struct plm_dockerfile_segment *last = j->count ? &j->segs[j->count - 1]
						       : NULL;
	if (last != NULL && last->src + (at - last->at) == src) {
		return;
	}
	if (j->count == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 16;
		void *grown = plm_realloc(j->segs, cap * sizeof(*j->segs));
		if (grown == NULL) {
			j->failed = true;
			return;
		}
		j->segs = grown;
		j->cap = cap;
	}
	j->segs[j->count].at = (uint32_t)at;
	j->segs[j->count].src = (uint32_t)src;
	j->count++;
}

/* Appends source bytes [src, src + n) (which the text holds as they are). */
static void piece(struct joined *j, const char *bytes, size_t src, size_t n)
{
	if (n == 0) {
		return;
	}
	map_to(j, src);
	plm_dockerfile_buf_add(&j->buf, bytes + src, n);
}

/* Appends text that is not the file's bytes (a YAML scalar's value), each
 * byte mapped to where it is found in the file's [start, end): bytes are
 * matched in order, skipping the indentation, line breaks and escapes the
 * value does not hold; a byte not found is placed where the search
 * stands. */
static void aligned(struct joined *j, const char *bytes, size_t start,
	size_t end, const char *v, size_t vlen)
{
	size_t s = start;
	if (s < end && (bytes[s] == '|' || bytes[s] == '>')) {
		/* a block scalar's header line holds none of the value */
		while (s < end && bytes[s] != '\n') {
			s++;
		}
	}
	for (size_t i = 0; i < vlen && !j->failed; i++) {
		size_t k = s;
		while (k < end && bytes[k] != v[i] &&
			(bytes[k] == ' ' || bytes[k] == '\t' ||
				bytes[k] == '\r' || bytes[k] == '\n' ||
				bytes[k] == '\\' || bytes[k] == '\'' ||
				bytes[k] == '"')) {
			k++;
		}
		/* a byte found, or one the value holds in its place (an
		 * escape's letter): either way the search moves past it, so
		 * each byte of the file is looked at a bounded number of
		 * times */
		map_to(j, k < end ? k : (end > start ? end - 1 : start));
		s = k < end ? k + 1 : end;
		plm_dockerfile_buf_addc(&j->buf, v[i]);
	}
}

static void joined_free(struct joined *j)
{
	plm_dockerfile_buf_free(&j->buf);
	plm_free(j->segs);
	memset(j, 0, sizeof(*j));
}

/* The bytes check_text acts on outside quotes: an escape, a quote, a
 * comment's `#`, a heredoc's `<`, a line break, a parenthesis. */
static const bool plain_special[256] = {
	['\\'] = true,
	['\''] = true,
	['"'] = true,
	['`'] = true,
	['#'] = true,
	['<'] = true,
	['\n'] = true,
	['('] = true,
	[')'] = true,
};

/* Where the statements of a text start: after each line break outside
 * quotes, heredoc bodies, continuations and parentheses, so a statement
 * is whole lines the shell reads as one (its `$(...)` and subshells,
 * quoted line breaks, heredoc bodies all inside it). */
struct cuts {
	size_t *at;
	size_t count, cap;
	bool failed;
};

static void cut_add(struct cuts *k, size_t at)
{
	if (k == NULL) {
		return;
	}
	if (k->count == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		void *grown = plm_realloc(k->at, cap * sizeof(*k->at));
		if (grown == NULL) {
			k->failed = true;
			return;
		}
		k->at = grown;
		k->cap = cap;
	}
	k->at[k->count++] = at;
}

/* ... and inside double quotes or backquotes: the closing quote and the
 * escape. */
static inline bool special_byte(char c, char quote)
{
	if (quote) {
		return c == quote || c == '\\';
	}
	return plain_special[(unsigned char)c];
}

/* Reports an unterminated quote or heredoc in the text (the splitter
 * reads such a text to its end without a word), and when cuts is not
 * NULL where its statements start. One pass. */
static void check_text(struct command_ctx *c,
	const struct plm_dockerfile_text *t, struct cuts *cuts)
{
	const char *p = t->ptr;
	size_t n = t->len;
	char quote = 0;
	size_t quote_at = 0;
	size_t depth = 0; /* open parentheses */
	size_t i = 0;
	while (i < n) {
		/* most bytes are none of the ones this pass acts on: skip
		 * them a run at a time */
		if (quote == '\'') {
			const char *q = memchr(p + i, '\'', n - i);
			if (q == NULL) {
				break;
			}
			quote = 0;
			i = (size_t)(q - p) + 1;
			continue;
		}
		while (i < n && !special_byte(p[i], quote)) {
			i++;
		}
		if (i >= n) {
			break;
		}
		char ch = p[i];
		if (quote) {
			if (ch == quote) {
				quote = 0;
			} else if (ch == '\\') {
				i++;
			}
			i++;
			continue;
		}
		if (ch == '\\') {
			i += 2;
			continue;
		}
		if (ch == '\'' || ch == '"' || ch == '`') {
			quote = ch;
			quote_at = i;
			i++;
			continue;
		}
		if (ch == '\n' || ch == '(' || ch == ')') {
			if (ch == '(') {
				depth++;
			} else if (ch == ')') {
				depth -= depth > 0;
			} else if (depth == 0) {
				cut_add(cuts, i + 1);
			}
			i++;
			continue;
		}
		if (ch == '#' &&
			(i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t' ||
				p[i - 1] == '\n')) {
			while (i < n && p[i] != '\n') {
				i++;
			}
			continue;
		}
		if (ch == '<' && i + 2 < n && p[i + 1] == '<' &&
			p[i + 2] != '<') {
			/* <<[-]WORD: the body runs to a line that is WORD */
			size_t op = i;
			i += 2;
			bool strip = i < n && p[i] == '-';
			i += strip;
			while (i < n && (p[i] == ' ' || p[i] == '\t')) {
				i++;
			}
			char word[256];
			size_t wl = 0;
			while (i < n && p[i] != ' ' && p[i] != '\t' &&
				p[i] != '\n' && p[i] != ';' && p[i] != '&' &&
				p[i] != '|' && p[i] != ')' && p[i] != '<' &&
				p[i] != '>') {
				if (p[i] != '\'' && p[i] != '"' &&
					p[i] != '\\' && wl < sizeof(word)) {
					word[wl++] = p[i];
				}
				i++;
			}
			/* `$(( x << 2 ))` shifts: a heredoc word starts
			 * with a letter, `_` or a quote */
			char w0 = p[op + 2 + strip];
			for (size_t b = op + 2 + strip;
				b + 1 < n && (p[b] == ' ' || p[b] == '\t');
				b++) {
				w0 = p[b + 1];
			}
			bool wordlike = (w0 >= 'A' && w0 <= 'Z') ||
				(w0 >= 'a' && w0 <= 'z') || w0 == '_' ||
				w0 == '\'' || w0 == '"' || w0 == '\\';
			if (wl == 0 || wl == sizeof(word) || !wordlike) {
				continue;
			}
			const char *nl = memchr(p + i, '\n', n - i);
			bool found = false;
			size_t k = nl ? (size_t)(nl - p) + 1 : n;
			while (k < n && !found) {
				size_t e = k;
				while (e < n && p[e] != '\n') {
					e++;
				}
				size_t b = k;
				while (strip && b < e && p[b] == '\t') {
					b++;
				}
				size_t le = e;
				if (le > b && p[le - 1] == '\r') {
					le--;
				}
				found = le - b == wl &&
					memcmp(p + b, word, wl) == 0;
				k = e + 1;
			}
			if (!found) {
				plm_doc_diag(c->doc, PLM_DIAG_WARNING,
					"command/unterminated-heredoc",
					plm_dockerfile_text_span(&c->sh, t, op,
						i),
					"heredoc <<%.*s has no line `%.*s` "
					"ending it: the rest of the text is "
					"its body",
					(int)wl, word, (int)wl, word);
				return;
			}
			size_t body = nl ? (size_t)(nl - p) + 1 : n;
			if (plm_command_sniff(p + body, k - body)) {
				plm_doc_diag(c->doc, PLM_DIAG_NOTE,
					"command/heredoc",
					plm_dockerfile_text_span(&c->sh, t, op,
						i),
					"the heredoc <<%.*s holds a container "
					"command: a heredoc's body is not read "
					"as commands, even fed to a shell",
					(int)wl, word);
			}
			/* the body holds no shell: resume after it (the
			 * rest of the opener's line included, which keeps
			 * this one pass over the text) */
			i = k;
			if (depth == 0 && k < n) {
				cut_add(cuts, k);
			}
			continue;
		}
		i++;
	}
	if (quote) {
		plm_doc_diag(c->doc, PLM_DIAG_WARNING,
			"command/unbalanced-quote",
			plm_dockerfile_text_span(&c->sh, t, quote_at,
				quote_at + 1),
			"%c opens a quoted word that is never closed: the "
			"words from here to the end of the %s are not read",
			quote, c->from);
	}
}

/* Splits the joined text into commands (*out, a sequence spanning decl),
 * after reporting its unbalanced quotes and heredocs. With `only_runs`,
 * only the statements that may run a container are split: the others
 * cannot give one, and splitting a script whole cost most of its
 * reading. */
static int split_joined(struct command_ctx *c, struct joined *j,
	struct plm_span decl, bool only_runs, struct plm_node **out)
{
	*out = NULL;
	if (j->failed || j->buf.failed) {
		return PLM_ENOMEM;
	}
	struct plm_dockerfile_text t = {j->buf.ptr, j->buf.len, j->segs,
		j->count, 0};
	struct plm_node *cmds = plm_node_seq(c->arena, decl);
	if (cmds == NULL) {
		return PLM_ENOMEM;
	}
	struct cuts cuts = {0};
	check_text(c, &t, only_runs ? &cuts : NULL);
	if (cuts.failed) {
		plm_free(cuts.at);
		return PLM_ENOMEM;
	}
	size_t start = 0;
	for (size_t k = 0; k <= cuts.count && !c->sh.out_of_memory; k++) {
		size_t end = k < cuts.count ? cuts.at[k] : t.len;
		if (end > start &&
			(!only_runs ||
				plm_command_sniff(t.ptr + start,
					end - start))) {
			plm_dockerfile_shell_split(&c->sh, &t, start, end, NULL,
				0, cmds, 0);
		}
		start = end;
	}
	plm_free(cuts.at);
	if (c->sh.out_of_memory) {
		return PLM_ENOMEM;
	}
	*out = cmds;
	return 0;
}

/* Splits the joined text and reads its container commands; frees j. */
static int run_text(struct command_ctx *c, struct joined *j)
{
	int rc = 0;
	struct plm_node *cmds = NULL;
	if (j->failed || j->buf.failed) {
		rc = PLM_ENOMEM;
	} else if (j->buf.len > PLM_COMMAND_MAX_TEXT) {
		plm_doc_diag(c->doc, PLM_DIAG_WARNING, "command/text-limit",
			plm_span_make(j->segs[0].src, j->segs[0].src + 1),
			"shell text of %zu bytes, over the limit of %zu "
			"(PLM_COMMAND_MAX_TEXT): not read",
			j->buf.len, (size_t)PLM_COMMAND_MAX_TEXT);
	} else if (j->buf.len > 0 &&
		plm_command_sniff(j->buf.ptr, j->buf.len)) {
		rc = split_joined(c, j, plm_span_make(0, 0), true, &cmds);
		if (rc == 0) {
			rc = plm_command_read(c, cmds);
		}
	}
	joined_free(j);
	return rc;
}

/* A YAML scalar's value as a joined text, each byte mapped into the
 * file; j is empty when the value is not the main file's. */
static void scalar_joined(struct command_ctx *c, const struct plm_node *n,
	struct joined *j)
{
	memset(j, 0, sizeof(*j));
	if (n == NULL || n->kind != PLM_NODE_STRING || n->span.source != 0) {
		return;
	}
	aligned(j, plm_doc_main(c->doc)->bytes, n->span.start, n->span.end,
		n->as.string.ptr, n->as.string.len);
}

/* ---- shell scripts ---------------------------------------------------- */

static void shell_comments(struct command_ctx *c)
{
	const struct plm_source *src = plm_doc_main(c->doc);
	for (uint32_t l = 0; l < src->line_count; l++) {
		size_t len = 0;
		const char *s = plm_source_line(src, l, &len);
		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		if (len > 0 && *s == '#') {
			while (len > 0 &&
				(s[len - 1] == ' ' || s[len - 1] == '\r')) {
				len--;
			}
			plm_doc_set_comment(c->doc, l, s, len);
		}
	}
}

static int read_shell(struct command_ctx *c)
{
	const struct plm_source *src = plm_doc_main(c->doc);
	struct joined j = {0};
	piece(&j, src->bytes, 0, src->len);
	return run_text(c, &j);
}

/* ---- Makefiles -------------------------------------------------------- */

/* Each recipe line (a line starting with a tab, its `\` continuations
 * joined) is its own shell text, as make runs it: the leading tab and
 * make's @ - + prefixes are dropped, `$$` is the shell's `$`, and a make
 * variable ($(VAR), ${VAR}) stays a substitution: unknown. */
static int read_makefile(struct command_ctx *c)
{
	const struct plm_source *src = plm_doc_main(c->doc);
	const char *p = src->bytes;
	size_t n = src->len;
	size_t i = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		size_t e = i;
		while (e < n && p[e] != '\n') {
			e++;
		}
		if (p[i] != '\t') {
			i = e + 1;
			continue;
		}
		struct joined j = {0};
		size_t s = i + 1;
		bool first = true;
		for (;;) {
			if (first) {
				while (s < e &&
					(p[s] == '@' || p[s] == '-' ||
						p[s] == '+' || p[s] == ' ')) {
					s++;
				}
				first = false;
			} else if (s < e && p[s] == '\t') {
				s++;
			}
			/* the line, `$$` as `$` */
			size_t from = s;
			for (size_t k = s; k < e; k++) {
				if (p[k] == '$' && k + 1 < e &&
					p[k + 1] == '$') {
					piece(&j, p, from, k + 1 - from);
					from = k + 2;
					k++;
				}
			}
			piece(&j, p, from, e - from);
			size_t le = e > s && p[e - 1] == '\r' ? e - 1 : e;
			if (le > s && p[le - 1] == '\\' && e < n) {
				piece(&j, p, e, 1);
				s = e + 1;
				e = s;
				while (e < n && p[e] != '\n') {
					e++;
				}
				continue;
			}
			break;
		}
		rc = run_text(c, &j);
		i = e + 1;
	}
	return rc;
}

/* ---- Markdown --------------------------------------------------------- */

static bool shell_info(const char *s, size_t len, bool *console)
{
	static const char *const shells[] = {"sh", "bash", "shell", "zsh",
		"console", "shell-session", "shellsession", "terminal", NULL};
	size_t w = 0;
	while (w < len && s[w] != ' ' && s[w] != '\t' && s[w] != '{' &&
		s[w] != ',' && s[w] != '\r') {
		w++;
	}
	for (size_t k = 0; shells[k] != NULL; k++) {
		if (strlen(shells[k]) == w &&
			strncasecmp(s, shells[k], w) == 0) {
			*console = k >= 4;
			return true;
		}
	}
	return false;
}

/* Fenced code blocks (``` or ~~~, up to three spaces in) tagged sh, bash,
 * shell, zsh, or console (and the session names): each block is one
 * text. In a console block only the commands are read: lines after a
 * `$ ` prompt (and their `\` continuations), the output lines are
 * left out. */
static int read_markdown(struct command_ctx *c)
{
	const struct plm_source *src = plm_doc_main(c->doc);
	const char *p = src->bytes;
	size_t n = src->len;
	size_t i = 0;
	int rc = 0;
	struct joined j = {0};
	bool in = false, console = false, taken = false, cont = false;
	char fence = 0;
	size_t fence_len = 0;
	while (i < n && rc == 0) {
		size_t e = i;
		while (e < n && p[e] != '\n') {
			e++;
		}
		size_t s = i;
		while (s < e && s < i + 3 && p[s] == ' ') {
			s++;
		}
		size_t f = s;
		while (f < e && (p[f] == '`' || p[f] == '~') && p[f] == p[s]) {
			f++;
		}
		if (!in && f - s >= 3) {
			size_t info = f;
			while (info < e &&
				(p[info] == ' ' || p[info] == '\t')) {
				info++;
			}
			in = true;
			fence = p[s];
			fence_len = f - s;
			taken = shell_info(p + info, e - info, &console);
			cont = false;
		} else if (in && f - s >= fence_len && p[s] == fence) {
			in = false;
			if (taken) {
				rc = run_text(c, &j);
			} else {
				joined_free(&j);
			}
		} else if (in && taken) {
			size_t b = i;
			if (!cont) {
				/* a `$ ` prompt, in a console block the
				 * mark of a command (other lines are its
				 * output), in a shell block a habit */
				size_t q = b;
				while (q < e && (p[q] == ' ' || p[q] == '\t')) {
					q++;
				}
				if (q < e && p[q] == '$' &&
					(q + 1 == e || p[q + 1] == ' ')) {
					b = q + (q + 1 < e ? 2 : 1);
				} else if (console) {
					i = e + 1;
					continue;
				}
			}
			size_t le = e > b && p[e - 1] == '\r' ? e - 1 : e;
			cont = le > b && p[le - 1] == '\\';
			piece(&j, p, b, e - b);
			if (e < n) {
				piece(&j, p, e, 1);
			}
		}
		i = e + 1;
	}
	if (rc == 0 && in && taken) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/unclosed-fence",
			plm_span_make((uint32_t)(n > 0 ? n - 1 : 0),
				(uint32_t)n),
			"%s",
			"a code block is not closed: read to the end "
			"of the file");
		rc = run_text(c, &j);
	}
	joined_free(&j);
	return rc;
}

/* ---- YAML: GitHub Actions and GitLab CI ------------------------------ */

static int scalar_text(struct command_ctx *c, const struct plm_node *n)
{
	struct joined j;
	scalar_joined(c, n, &j);
	return run_text(c, &j);
}

/* GitLab: a script line, or a list of them (nested lists, as !reference
 * leaves them, too). */
static int script_lines(struct command_ctx *c, const struct plm_node *n,
	int depth)
{
	if (n == NULL || depth > 8) {
		return 0;
	}
	if (n->kind == PLM_NODE_SEQ) {
		for (size_t i = 0; i < n->as.seq.count; i++) {
			int rc = script_lines(c, n->as.seq.items[i], depth + 1);
			if (rc != 0) {
				return rc;
			}
		}
		return 0;
	}
	return scalar_text(c, n);
}

static int read_gitlab(struct command_ctx *c, const struct plm_node *top)
{
	static const char *const keys[] = {"before_script", "script",
		"after_script", NULL};
	for (size_t i = 0; i < top->as.map.count; i++) {
		const struct plm_node *job = top->as.map.entries[i].value;
		if (job == NULL || job->kind != PLM_NODE_MAP) {
			continue;
		}
		for (size_t k = 0; keys[k] != NULL; k++) {
			int rc = script_lines(c, plm_node_get(job, keys[k]), 0);
			if (rc != 0) {
				return rc;
			}
		}
	}
	return 0;
}

/* A job's container: or one of its services: an image string, or a map
 * with image, options (docker create flags), volumes, ports, env. */
static int workflow_container(struct command_ctx *c, struct plm_node *spec,
	struct plm_span decl, const char *name)
{
	struct plm_node *image = spec;
	struct plm_node *options = NULL;
	struct plm_node *extra = plm_node_map(c->arena, decl);
	if (extra == NULL) {
		return PLM_ENOMEM;
	}
	if (spec->kind == PLM_NODE_MAP) {
		image = plm_node_get(spec, "image");
		options = plm_node_get(spec, "options");
		static const char *const keys[][2] = {{"volumes", "volumes"},
			{"ports", "ports"}, {"env", "environment"}};
		for (size_t k = 0; k < 3; k++) {
			const struct plm_entry *e = plm_node_entry(spec,
				keys[k][0]);
			if (e != NULL &&
				plm_node_append(c->arena, extra, keys[k][1],
					strlen(keys[k][1]), e->key_span,
					e->value) != 0) {
				return PLM_ENOMEM;
			}
		}
	}
	if (image == NULL || image->kind != PLM_NODE_STRING) {
		return 0;
	}
	struct plm_node *words = NULL;
	struct joined j;
	scalar_joined(c, options, &j);
	if (j.buf.len > 0 || j.failed || j.buf.failed) {
		struct plm_node *cmds = NULL;
		int rc = split_joined(c, &j, decl, false, &cmds);
		if (rc != 0) {
			joined_free(&j);
			return rc;
		}
		if (plm_node_count(cmds) > 0) {
			words = plm_node_get(cmds->as.seq.items[0], "argv");
		}
	}
	joined_free(&j);
	return plm_command_options(c, words, image, extra, decl, name);
}

static int read_workflow(struct command_ctx *c, const struct plm_node *top)
{
	const struct plm_node *jobs = plm_node_get(top, "jobs");
	if (jobs == NULL || jobs->kind != PLM_NODE_MAP) {
		return 0;
	}
	for (size_t i = 0; i < jobs->as.map.count; i++) {
		const struct plm_entry *je = &jobs->as.map.entries[i];
		const struct plm_node *job = je->value;
		if (job == NULL || job->kind != PLM_NODE_MAP) {
			continue;
		}
		const struct plm_entry *ce = plm_node_entry(job, "container");
		int rc = 0;
		if (ce != NULL && ce->value != NULL) {
			rc = workflow_container(c, ce->value, ce->key_span,
				je->key);
		}
		const struct plm_node *services = plm_node_get(job, "services");
		for (size_t k = 0; rc == 0 && services != NULL &&
			services->kind == PLM_NODE_MAP &&
			k < services->as.map.count;
			k++) {
			const struct plm_entry *se =
				&services->as.map.entries[k];
			if (se->value != NULL) {
				rc = workflow_container(c, se->value,
					se->key_span, se->key);
			}
		}
		const struct plm_node *steps = plm_node_get(job, "steps");
		for (size_t k = 0; rc == 0 && steps != NULL &&
			steps->kind == PLM_NODE_SEQ && k < steps->as.seq.count;
			k++) {
			const struct plm_node *step = steps->as.seq.items[k];
			if (step->kind == PLM_NODE_MAP) {
				rc = scalar_text(c, plm_node_get(step, "run"));
			}
		}
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

static int read_yaml(struct command_ctx *c, enum plm_command_source kind)
{
	struct plm_node *stream = NULL;
	int rc = plm_yaml_load(c->doc, 0, PLM_YAML_SCHEMA_CORE, &stream);
	if (rc != 0) {
		return rc;
	}
	for (size_t i = 0; stream != NULL && i < stream->as.seq.count; i++) {
		const struct plm_node *top = stream->as.seq.items[i];
		if (top == NULL || top->kind != PLM_NODE_MAP) {
			continue;
		}
		rc = kind == PLM_COMMAND_WORKFLOW ? read_workflow(c, top)
						  : read_gitlab(c, top);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

int plm_command_build(struct plm_doc *doc,
	const struct plm_command_options *options)
{
	const struct plm_source *src = plm_doc_main(doc);
	struct command_ctx c;
	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.arena = doc->arena;
	if (options != NULL && options->path != NULL) {
		c.dir = plm_path_dir(c.arena, options->path);
		if (c.dir == NULL) {
			return PLM_ENOMEM;
		}
	}
	c.root = options != NULL && options->root != NULL ? options->root
							  : c.dir;
	c.sh.doc = doc;
	c.sh.arena = doc->arena;
	c.sh.source = 0;
	c.sh.bytes = src->bytes;
	c.sh.len = src->len;
	c.sh.escape = '\\';
	c.sh.expansion_budget = src->len;
	c.sh.clean = memchr(src->bytes, '\0', src->len) == NULL &&
		plm_utf8_check(src->bytes, src->len) == src->len;
	struct plm_span top = plm_span_make(0, 0);
	c.tree = plm_node_seq(c.arena, top);
	doc->containers = plm_node_seq(c.arena, top);
	if (c.tree == NULL || doc->containers == NULL) {
		return PLM_ENOMEM;
	}
	doc->tree = c.tree;
	enum plm_command_source kind = plm_command_source_of(src->path,
		src->bytes, src->len);
	static const char *const names[] = {
		[PLM_COMMAND_NONE] = "script",
		[PLM_COMMAND_SHELL] = "script",
		[PLM_COMMAND_MAKEFILE] = "makefile",
		[PLM_COMMAND_MARKDOWN] = "markdown",
		[PLM_COMMAND_WORKFLOW] = "workflow",
		[PLM_COMMAND_GITLAB] = "gitlab",
	};
	c.from = names[kind];
	int rc;
	switch (kind) {
	case PLM_COMMAND_MAKEFILE:
		shell_comments(&c);
		rc = read_makefile(&c);
		break;
	case PLM_COMMAND_MARKDOWN:
		shell_comments(&c);
		rc = read_markdown(&c);
		break;
	case PLM_COMMAND_WORKFLOW:
	case PLM_COMMAND_GITLAB:
		rc = read_yaml(&c, kind);
		break;
	default:
		shell_comments(&c);
		rc = read_shell(&c);
		break;
	}
	plm_dockerfile_buf_free(&c.sh.scratch);
	plm_dockerfile_buf_free(&c.sh.expanded);
	return rc;
}

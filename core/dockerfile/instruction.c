#include "dockerfile/instruction.h"

#include <stdlib.h>
#include <string.h>
#include "dockerfile/execform.h"
#include "dockerfile/expand.h"
#include "dockerfile/heredoc.h"
#include "dockerfile/lex.h"
#include "dockerfile/shell.h"
#include "model/image.h"
#include "model/user.h"
#include "util/alloc.h"

static const char *const keyword_names[] = {
	"",
	"ADD",
	"ARG",
	"CMD",
	"COPY",
	"ENTRYPOINT",
	"ENV",
	"EXPOSE",
	"FROM",
	"HEALTHCHECK",
	"LABEL",
	"MAINTAINER",
	"ONBUILD",
	"RUN",
	"SHELL",
	"STOPSIGNAL",
	"USER",
	"VOLUME",
	"WORKDIR",
};

#define KEYWORD_COUNT (sizeof(keyword_names) / sizeof(keyword_names[0]))
#define MAX_EXTRAS 8
/* Options of one --mount that are read (each is looked up by key). */
#define MAX_MOUNT_OPTIONS 64

enum plm_dockerfile_keyword plm_dockerfile_keyword_of(const char *s, size_t len)
{
	if (len < 3 || len > 11) {
		return PLM_DOCKERFILE_UNKNOWN;
	}
	for (size_t k = 1; k < KEYWORD_COUNT; k++) {
		const char *name = keyword_names[k];
		size_t i = 0;
		while (i < len && name[i] != '\0' &&
			(s[i] == name[i] || s[i] == name[i] + 32)) {
			i++;
		}
		if (i == len && name[i] == '\0') {
			return (enum plm_dockerfile_keyword)k;
		}
	}
	return PLM_DOCKERFILE_UNKNOWN;
}

const char *plm_dockerfile_keyword_name(enum plm_dockerfile_keyword kw)
{
	return (size_t)kw < KEYWORD_COUNT ? keyword_names[kw] : "";
}

/* The flags each instruction accepts (BuildKit 1.x). */
static const char *const *allowed_flags(enum plm_dockerfile_keyword kw)
{
	static const char *const from[] = {"platform", NULL};
	static const char *const run[] = {"mount", "network", "security",
		"device", NULL};
	static const char *const add[] = {"chown", "chmod", "link", "checksum",
		"keep-git-dir", "exclude", "unpack", NULL};
	static const char *const copy[] = {"from", "chown", "chmod", "link",
		"parents", "exclude", NULL};
	static const char *const health[] = {"interval", "timeout",
		"start-period", "start-interval", "retries", NULL};
	static const char *const none[] = {NULL};
	switch (kw) {
	case PLM_DOCKERFILE_FROM:
		return from;
	case PLM_DOCKERFILE_RUN:
		return run;
	case PLM_DOCKERFILE_ADD:
		return add;
	case PLM_DOCKERFILE_COPY:
		return copy;
	case PLM_DOCKERFILE_HEALTHCHECK:
		return health;
	default:
		return none;
	}
}

struct extra {
	const char *key;
	struct plm_node *value;
};

struct inst {
	struct plm_dockerfile_builder *b;
	struct plm_dockerfile_ctx *ctx;
	const struct plm_dockerfile_text *t;
	enum plm_dockerfile_keyword kw;
	size_t ks, ke;        /* keyword */
	size_t as, ae;        /* arguments (after flags, trimmed) */
	struct plm_span span; /* the whole instruction */
	struct plm_span text_span;
	struct plm_node *flags;
	struct plm_node *args;
	struct plm_node *heredocs;
	struct plm_node *commands;
	struct plm_node *expanded;
	const char *form;
	struct extra extras[MAX_EXTRAS];
	size_t extra_count;
	struct plm_dockerfile_heredoc *docs; /* heap, only when the line has << */
	size_t doc_count;
	/* Flags of interest. */
	struct plm_node *flag_platform;
	struct plm_node *flag_from;
	struct plm_node *health[5];
};

static void extra(struct inst *in, const char *key, struct plm_node *value)
{
	if (value == NULL) {
		in->ctx->out_of_memory = true;
		return;
	}
	if (in->extra_count < MAX_EXTRAS) {
		in->extras[in->extra_count].key = key;
		in->extras[in->extra_count].value = value;
		in->extra_count++;
	}
}

static struct plm_span span_of(const struct inst *in, size_t s, size_t e)
{
	return plm_dockerfile_text_span(in->ctx, in->t, s, e);
}

static struct plm_node *text_node(struct inst *in, size_t s, size_t e)
{
	return plm_dockerfile_string(in->ctx, span_of(in, s, e), in->t->ptr + s,
		e - s);
}

/* Expands s[0..n) (a word of the instruction at span) and returns a string
 * node flagged when it was interpolated, and unknown when it depends on a
 * variable whose value is unknown. *out (may be NULL) says what was read. */
static struct plm_node *expand_node(struct inst *in, const char *s, size_t n,
	struct plm_span span, enum plm_dockerfile_expand_mode mode,
	struct plm_dockerfile_expansion *out)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
	}
	/* Nothing to substitute or unquote: the text as it is. */
	bool plain = memchr(s, '$', n) == NULL;
	if (plain && mode == PLM_DOCKERFILE_EXPAND_WORD) {
		plain = memchr(s, ctx->escape, n) == NULL &&
			memchr(s, '"', n) == NULL && memchr(s, '\'', n) == NULL;
	}
	if (plain) {
		return plm_dockerfile_string(ctx, span, s, n);
	}
	struct plm_dockerfile_expansion res;
	plm_dockerfile_expand(ctx, s, n, mode, plm_dockerfile_builder_lookup,
		in->b, &res);
	/* The whole-text expansion (KEEP_QUOTES) repeats the words' problems:
	 * only the words report them. */
	if (res.error != NULL && mode == PLM_DOCKERFILE_EXPAND_WORD) {
		bool quote = strstr(res.error, "quote") != NULL;
		struct plm_span at = span;
		if (s >= in->t->ptr && s + n <= in->t->ptr + in->t->len) {
			size_t off = (size_t)(s - in->t->ptr) + res.error_at;
			at = span_of(in, off, off + 1);
		}
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
			quote ? "dockerfile/unterminated-quote"
			      : "dockerfile/bad-substitution",
			at, "expected %s in %s", res.error,
			plm_dockerfile_keyword_name(in->kw));
	}
	struct plm_node *node = plm_dockerfile_string(ctx, span,
		ctx->expanded.ptr, ctx->expanded.len);
	if (node != NULL && res.substituted) {
		node->flags |= PLM_NODE_INTERPOLATED;
	}
	if (node != NULL && res.unknown) {
		node->flags |= PLM_NODE_UNKNOWN;
	}
	if (out != NULL) {
		*out = res;
	}
	return node;
}

static struct plm_node *expand_range(struct inst *in, size_t s, size_t e,
	enum plm_dockerfile_expand_mode mode,
	struct plm_dockerfile_expansion *out)
{
	return expand_node(in, in->t->ptr + s, e - s, span_of(in, s, e), mode,
		out);
}

/* --mount=type=cache,target=/x,... as a map (type first, "bind" by
 * default). */
static struct plm_node *mount_map(struct inst *in, const char *v, size_t n,
	struct plm_span span)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *map = plm_dockerfile_map(ctx, span);
	if (map == NULL) {
		return NULL;
	}
	struct plm_node *type = plm_dockerfile_string(ctx, span, "bind", 4);
	if (type != NULL) {
		type->flags |= PLM_NODE_IMPLICIT;
	}
	plm_dockerfile_set(ctx, map, "type", type);
	size_t i = 0;
	size_t options = 0;
	while (i <= n) {
		if (++options > MAX_MOUNT_OPTIONS) {
			plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
				"dockerfile/mount-limit", span,
				"more than %d --mount options: the rest are "
				"not read",
				MAX_MOUNT_OPTIONS);
			break;
		}
		size_t fs = i;
		bool quoted = false;
		while (i < n && (v[i] != ',' || quoted)) {
			if (v[i] == '"') {
				quoted = !quoted;
			}
			i++;
		}
		size_t fe = i;
		i++;
		if (fe == fs) {
			continue;
		}
		const char *eq = memchr(v + fs, '=', fe - fs);
		size_t kn = eq ? (size_t)(eq - (v + fs)) : fe - fs;
		char key[64];
		if (kn == 0 || kn >= sizeof(key)) {
			continue;
		}
		for (size_t k = 0; k < kn; k++) {
			key[k] = plm_dockerfile_lower(v[fs + k]);
		}
		key[kn] = '\0';
		const char *val = eq ? eq + 1 : "true";
		size_t vn = eq ? fe - fs - kn - 1 : 4;
		if (vn >= 2 && val[0] == '"' && val[vn - 1] == '"') {
			val++;
			vn -= 2;
		}
		struct plm_node *value = plm_dockerfile_string(ctx, span, val,
			vn);
		if (value == NULL ||
			plm_node_set(ctx->arena, map, key, span, value) != 0) {
			ctx->out_of_memory = true;
			return map;
		}
	}
	return map;
}

static void on_flag(void *user, size_t start, size_t end, const char *w,
	size_t n)
{
	struct inst *in = user;
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_span span = span_of(in, start, end);
	/* w is "--name[=value]" with quotes removed; copy it out first: the
	 * scratch buffer it lives in is reused below. */
	size_t len;
	char *word = plm_dockerfile_strdup(ctx, w, n, &len);
	if (word == NULL) {
		return;
	}
	const char *name = word + 2;
	const char *eq = memchr(name, '=', len - 2);
	size_t name_len = eq ? (size_t)(eq - name) : len - 2;
	struct plm_node *flag = plm_dockerfile_map(ctx, span);
	plm_dockerfile_set(ctx, flag, "name",
		plm_dockerfile_string(ctx, span, name, name_len));
	struct plm_node *value = eq ? plm_dockerfile_string(ctx, span, eq + 1,
					      len - 2 - name_len - 1)
				    : plm_dockerfile_null(ctx, span);
	plm_dockerfile_set(ctx, flag, "value", value);
	plm_dockerfile_push(ctx, in->flags, flag);
	const char *const *ok = allowed_flags(in->kw);
	bool known = false;
	for (size_t k = 0; ok[k] != NULL; k++) {
		if (strlen(ok[k]) == name_len &&
			memcmp(ok[k], name, name_len) == 0) {
			known = true;
		}
	}
	if (!known && in->kw != PLM_DOCKERFILE_UNKNOWN) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
			"dockerfile/unknown-flag", span,
			"unknown flag --%.*s for %s%s",
			(int)(name_len > 60 ? 60 : name_len), name,
			plm_dockerfile_keyword_name(in->kw),
			ok[0] ? "" : " (it takes no flags)");
		return;
	}
	if (value == NULL) {
		return;
	}
	if (eq != NULL && memchr(eq + 1, '$', len - 2 - name_len - 1) != NULL &&
		!in->b->nested) {
		/* BuildKit substitutes variables in flag values too; a value
		 * with an unknown one ($BUILDPLATFORM) is left as written. */
		struct plm_dockerfile_expansion res;
		struct plm_node *x = expand_node(in, value->as.string.ptr,
			value->as.string.len, span,
			PLM_DOCKERFILE_EXPAND_KEEP_QUOTES, &res);
		if (!res.unresolved) {
			plm_dockerfile_set(ctx, flag, "expanded", x);
		}
	}
	if (name_len == 5 && memcmp(name, "mount", 5) == 0 && eq != NULL) {
		plm_dockerfile_set(ctx, flag, "mount",
			mount_map(in, eq + 1, len - 2 - name_len - 1, span));
	}
	if (name_len == 8 && memcmp(name, "platform", 8) == 0) {
		in->flag_platform = value;
	}
	if (name_len == 4 && memcmp(name, "from", 4) == 0) {
		in->flag_from = value;
	}
	if (in->kw == PLM_DOCKERFILE_HEALTHCHECK) {
		const char *const *h = allowed_flags(
			PLM_DOCKERFILE_HEALTHCHECK);
		for (size_t k = 0; h[k] != NULL; k++) {
			if (strlen(h[k]) == name_len &&
				memcmp(h[k], name, name_len) == 0) {
				in->health[k] = value;
			}
		}
	}
}

static void diag_missing(struct inst *in, const char *what)
{
	plm_dockerfile_diag(in->ctx, PLM_DIAG_ERROR,
		"dockerfile/missing-argument", in->span, "%s requires %s",
		plm_dockerfile_keyword_name(in->kw), what);
}

/* Commands of an exec form: the argv itself, and the script of sh -c. */
static void exec_commands(struct inst *in, struct plm_node *argv, size_t s,
	size_t e)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	if (argv->as.seq.count == 0) {
		return;
	}
	struct plm_span span = span_of(in, s, e);
	struct plm_node *cmd = plm_dockerfile_map(ctx, span);
	plm_dockerfile_set(ctx, cmd, "argv", argv);
	plm_dockerfile_set(ctx, cmd, "text", text_node(in, s, e));
	plm_dockerfile_push(ctx, in->commands, cmd);
	size_t script = plm_dockerfile_shell_script(argv);
	if (script == 0) {
		return;
	}
	/* Decode the script again, this time with a map from each decoded
	 * byte to its source byte, so its commands get exact spans. */
	struct plm_dockerfile_buf buf = {0};
	struct plm_dockerfile_segment *segs = NULL;
	size_t seg_count = 0;
	if (plm_dockerfile_execform_string(ctx, in->t, s, e, script, &buf,
		    &segs, &seg_count) &&
		seg_count > 0) {
		struct plm_dockerfile_text st = {buf.ptr, buf.len, segs,
			seg_count, 0};
		plm_dockerfile_shell_split(ctx, &st, 0, st.len, NULL, 0,
			in->commands, 1);
	}
	plm_free(segs);
	plm_dockerfile_buf_free(&buf);
}

/* Does text that failed to parse as JSON look like an attempt at the exec
 * form (rather than, say, the shell's `[ -f x ]` test)? */
static bool looks_like_json(const char *s, size_t n)
{
	if (n == 0 || s[0] != '[') {
		return false;
	}
	size_t i = 1;
	while (i < n && plm_dockerfile_is_space(s[i])) {
		i++;
	}
	if (i < n && s[i] == ']') {
		return true;
	}
	if (i >= n || (s[i] != '"' && s[i] != '\'')) {
		return false;
	}
	size_t e = n;
	while (e > 0 && plm_dockerfile_is_space(s[e - 1])) {
		e--;
	}
	/* ["a", "b"] shapes: a quote right before a comma or the bracket. */
	for (size_t k = i; k + 1 < e; k++) {
		if ((s[k] == '"' || s[k] == '\'') &&
			(s[k + 1] == ',' || s[k + 1] == ']')) {
			return true;
		}
	}
	return false;
}

/* Does the SHELL in effect run POSIX sh? PowerShell, cmd and the like
 * take scripts in another language, which are not split. HEALTHCHECK's
 * CMD-SHELL does not use SHELL. */
static bool posix_shell(const struct inst *in)
{
	static const char *const shells[] = {"sh", "bash", "ash", "dash", "zsh",
		"ksh", "mksh", "yash", "posh", "busybox", NULL};
	const struct plm_dockerfile_stage *st = in->b->current;
	if (in->kw == PLM_DOCKERFILE_HEALTHCHECK || st == NULL ||
		st->shell == NULL) {
		return true;
	}
	const struct plm_node *argv = st->shell;
	for (size_t k = 0; k < argv->as.seq.count; k++) {
		const char *a = argv->as.seq.items[k]->as.string.ptr;
		size_t n = argv->as.seq.items[k]->as.string.len;
		for (size_t j = n; j > 0; j--) {
			if (a[j - 1] == '/' || a[j - 1] == '\\') {
				a += j;
				n -= j;
				break;
			}
		}
		if (n > 4 && plm_dockerfile_word_is(a + n - 4, 4, ".exe")) {
			n -= 4;
		}
		if (plm_dockerfile_word_is(a, n, "env") &&
			k + 1 < argv->as.seq.count) {
			continue; /* SHELL ["/usr/bin/env", "bash", "-c"] */
		}
		for (size_t i = 0; shells[i] != NULL; i++) {
			if (plm_dockerfile_word_is(a, n, shells[i])) {
				return true;
			}
		}
		return false;
	}
	return true;
}

/* RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD: exec or shell form over [s, e).
 * Returns the argv (exec) or NULL (shell). */
static struct plm_node *command_form(struct inst *in, size_t s, size_t e,
	bool *exec)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *json;
	size_t bad;
	*exec = false;
	enum plm_dockerfile_json r = plm_dockerfile_execform_parse(ctx, in->t,
		s, e, &json, &bad);
	if (r == PLM_DOCKERFILE_JSON_OK) {
		*exec = true;
		in->form = "exec";
		in->args = json;
		exec_commands(in, json, s, e);
		return json;
	}
	if (r == PLM_DOCKERFILE_JSON_NOT_STRINGS) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/exec-form",
			span_of(in, bad, bad + 1),
			"expected a JSON array of strings; an element is not a "
			"string, so %s falls back to the shell form",
			plm_dockerfile_keyword_name(in->kw));
	} else if (r == PLM_DOCKERFILE_JSON_TRAILING) {
		plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
			"dockerfile/exec-form", span_of(in, bad, e),
			"expected the end of the JSON array (exec form); because "
			"of the text after ']' %s runs the whole text in shell "
			"form",
			plm_dockerfile_keyword_name(in->kw));
	} else if (r == PLM_DOCKERFILE_JSON_UNTERMINATED ||
		looks_like_json(in->t->ptr + s, e - s)) {
		size_t at = bad < e ? bad : e - 1;
		plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
			"dockerfile/exec-form", span_of(in, at, at + 1),
			"expected a JSON array of strings (exec form) but the JSON "
			"is %s here; %s runs the text in shell form",
			r == PLM_DOCKERFILE_JSON_UNTERMINATED ? "unterminated"
							      : "invalid",
			plm_dockerfile_keyword_name(in->kw));
	}
	in->form = "shell";
	plm_dockerfile_push(ctx, in->args, text_node(in, s, e));
	if (!posix_shell(in)) {
		/* One command whose words are not known. */
		struct plm_node *cmd = plm_dockerfile_map(ctx,
			span_of(in, s, e));
		plm_dockerfile_set(ctx, cmd, "argv",
			plm_dockerfile_seq(ctx, span_of(in, s, e)));
		plm_dockerfile_set(ctx, cmd, "text", text_node(in, s, e));
		plm_dockerfile_set(ctx, cmd, "unknown",
			plm_dockerfile_bool(ctx, span_of(in, s, e), true));
		plm_dockerfile_push(ctx, in->commands, cmd);
		return NULL;
	}
	plm_dockerfile_shell_split(ctx, in->t, s, e,
		in->doc_count ? in->docs : NULL,
		in->doc_count < PLM_DOCKERFILE_MAX_HEREDOCS
			? in->doc_count
			: PLM_DOCKERFILE_MAX_HEREDOCS,
		in->commands, 0);
	return NULL;
}

/* The argv a shell-form CMD/ENTRYPOINT runs: SHELL (or /bin/sh -c) + text. */
static struct plm_node *shell_argv(struct inst *in, struct plm_node *text)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_dockerfile_stage *st = in->b->current;
	struct plm_node *argv = plm_dockerfile_seq(ctx, in->span);
	if (st != NULL && st->shell != NULL) {
		for (size_t k = 0; k < st->shell->as.seq.count; k++) {
			plm_dockerfile_push(ctx, argv,
				st->shell->as.seq.items[k]);
		}
	} else {
		struct plm_node *sh = plm_dockerfile_string(ctx, in->span,
			"/bin/sh", 7);
		struct plm_node *c = plm_dockerfile_string(ctx, in->span, "-c",
			2);
		if (sh != NULL && c != NULL) {
			sh->flags |= PLM_NODE_IMPLICIT;
			c->flags |= PLM_NODE_IMPLICIT;
		}
		plm_dockerfile_push(ctx, argv, sh);
		plm_dockerfile_push(ctx, argv, c);
	}
	plm_dockerfile_push(ctx, argv, text);
	return argv;
}

static void do_command(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	if (in->as == in->ae) {
		diag_missing(in, "at least one argument");
		in->form = "shell";
		return;
	}
	bool exec;
	struct plm_node *argv = command_form(in, in->as, in->ae, &exec);
	struct plm_dockerfile_stage *st = in->b->current;
	if (in->b->nested || st == NULL) {
		return;
	}
	if (!exec) {
		argv = shell_argv(in, in->args->as.seq.items[0]);
	}
	if (in->kw == PLM_DOCKERFILE_CMD) {
		st->cmd = argv;
		st->cmd_from = NULL;
		st->cmd_shell = !exec;
		st->cmd_set = true;
	} else if (in->kw == PLM_DOCKERFILE_ENTRYPOINT) {
		st->entrypoint = argv;
		st->entrypoint_shell = !exec;
		if (!st->cmd_set) {
			/* ENTRYPOINT resets a CMD inherited from the base. */
			st->cmd = NULL;
		}
	}
	(void)ctx;
}

static void do_shell(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *json;
	size_t bad;
	if (plm_dockerfile_execform_parse(ctx, in->t, in->as, in->ae, &json,
		    &bad) != PLM_DOCKERFILE_JSON_OK) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/exec-form",
			in->text_span,
			"SHELL requires its arguments as a JSON array of strings, "
			"e.g. SHELL [\"/bin/bash\", \"-c\"]");
		in->form = "shell";
		plm_dockerfile_push(ctx, in->args,
			text_node(in, in->as, in->ae));
		return;
	}
	in->form = "exec";
	in->args = json;
	if (json->as.seq.count == 0) {
		diag_missing(in, "at least one element in its JSON array");
		return;
	}
	if (!in->b->nested && in->b->current != NULL) {
		in->b->current->shell = json;
		in->b->current->state = NULL;
	}
}

/* A null node flagged unknown: a value that depends on the build. */
static struct plm_node *unknown_node(struct plm_dockerfile_ctx *ctx,
	struct plm_span span)
{
	struct plm_node *n = plm_dockerfile_null(ctx, span);
	if (n != NULL) {
		n->flags |= PLM_NODE_UNKNOWN;
	}
	return n;
}

/* A value that depends on an unknown variable reads as unknown (null),
 * not as the text it would have with that variable empty. */
static struct plm_node *known_or_unknown(struct inst *in, struct plm_node *n)
{
	if (n != NULL && (n->flags & PLM_NODE_UNKNOWN)) {
		return unknown_node(in->ctx, n->span);
	}
	return n;
}

struct pairs_ctx {
	struct inst *in;
	size_t count;
	bool legacy_checked;
	bool legacy;
};

static void on_pair_word(void *user, size_t start, size_t end, const char *w,
	size_t n)
{
	struct pairs_ctx *pc = user;
	struct inst *in = pc->in;
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *pairs = in->extras[in->extra_count - 1].value;
	struct plm_span span = span_of(in, start, end);
	const char *eq = memchr(w, '=', n);
	pc->count++;
	if (in->kw == PLM_DOCKERFILE_ARG) {
		size_t kn = eq ? (size_t)(eq - w) : n;
		struct plm_node *pair = plm_dockerfile_map(ctx, span);
		plm_dockerfile_set(ctx, pair, "name",
			plm_dockerfile_string(ctx,
				span_of(in, start, start + kn), w, kn));
		struct plm_node *value, *raw;
		if (eq != NULL) {
			size_t vs = start + kn + 1;
			value = known_or_unknown(in,
				expand_range(in, vs, end,
					PLM_DOCKERFILE_EXPAND_WORD, NULL));
			raw = text_node(in, vs, end);
		} else {
			value = plm_dockerfile_null(ctx, span);
			raw = plm_dockerfile_null(ctx, span);
		}
		plm_dockerfile_set(ctx, pair, "value", value);
		plm_dockerfile_set(ctx, pair, "raw", raw);
		plm_dockerfile_push(ctx, pairs, pair);
		if (kn == 0) {
			plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
				"dockerfile/syntax", span,
				"expected ARG NAME or ARG NAME=default");
		}
		return;
	}
	if (eq == NULL) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/syntax",
			span,
			"can't find = in '%.*s': expected the form %s "
			"name=value",
			(int)(n > 60 ? 60 : n), w,
			plm_dockerfile_keyword_name(in->kw));
		return;
	}
	size_t kn = (size_t)(eq - w);
	struct plm_node *pair = plm_dockerfile_map(ctx, span);
	plm_dockerfile_set(ctx, pair, "name",
		expand_range(in, start, start + kn, PLM_DOCKERFILE_EXPAND_WORD,
			NULL));
	plm_dockerfile_set(ctx, pair, "value",
		known_or_unknown(in,
			expand_range(in, start + kn + 1, end,
				PLM_DOCKERFILE_EXPAND_WORD, NULL)));
	plm_dockerfile_set(ctx, pair, "raw",
		text_node(in, start + kn + 1, end));
	plm_dockerfile_push(ctx, pairs, pair);
}

static void count_word(void *user, size_t start, size_t end, const char *w,
	size_t n)
{
	struct pairs_ctx *pc = user;
	(void)start;
	(void)end;
	if (pc->count++ == 0) {
		pc->legacy = memchr(w, '=', n) == NULL;
	}
}

static void on_arg_field(void *user, size_t start, size_t end, const char *w,
	size_t n)
{
	(void)w;
	(void)n;
	struct inst *in = user;
	plm_dockerfile_push(in->ctx, in->args, text_node(in, start, end));
}

static void do_pairs(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	in->form = "none";
	struct plm_node *pairs = plm_dockerfile_seq(ctx, in->text_span);
	extra(in, "pairs", pairs);
	if (in->extra_count == 0 || pairs == NULL) {
		return;
	}
	plm_dockerfile_lex_words(ctx, in->t, in->as, in->ae, on_arg_field, in);
	struct pairs_ctx pc = {in, 0, false, false};
	plm_dockerfile_lex_words(ctx, in->t, in->as, in->ae, count_word, &pc);
	if (pc.count == 0) {
		diag_missing(in,
			in->kw == PLM_DOCKERFILE_ARG
				? "a name"
				: "at least one name=value");
		return;
	}
	if (pc.legacy && in->kw != PLM_DOCKERFILE_ARG) {
		/* The legacy form: NAME value... */
		size_t i = in->as;
		while (i < in->ae && !plm_dockerfile_is_space(in->t->ptr[i])) {
			i++;
		}
		size_t ke = i;
		while (i < in->ae && plm_dockerfile_is_space(in->t->ptr[i])) {
			i++;
		}
		if (i >= in->ae) {
			plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
				"dockerfile/syntax", in->text_span,
				"%s must have two arguments: expected %s name=value "
				"or %s name value",
				plm_dockerfile_keyword_name(in->kw),
				plm_dockerfile_keyword_name(in->kw),
				plm_dockerfile_keyword_name(in->kw));
			return;
		}
		struct plm_node *pair = plm_dockerfile_map(ctx, in->text_span);
		plm_dockerfile_set(ctx, pair, "name",
			text_node(in, in->as, ke));
		plm_dockerfile_set(ctx, pair, "value",
			known_or_unknown(in,
				expand_range(in, i, in->ae,
					PLM_DOCKERFILE_EXPAND_WORD, NULL)));
		plm_dockerfile_set(ctx, pair, "raw", text_node(in, i, in->ae));
		plm_dockerfile_push(ctx, pairs, pair);
	} else {
		pc.count = 0;
		plm_dockerfile_lex_words(ctx, in->t, in->as, in->ae,
			on_pair_word, &pc);
	}
	/* Effects, after every value was expanded in the old scope. */
	struct plm_dockerfile_builder *b = in->b;
	if (b->nested || ctx->out_of_memory) {
		return;
	}
	struct plm_dockerfile_stage *st = b->current;
	struct plm_node *map = NULL;
	if (st != NULL) {
		struct plm_node **snap = in->kw == PLM_DOCKERFILE_ENV
			? &st->env_map
			: in->kw == PLM_DOCKERFILE_ARG ? &st->arg_map
						       : &st->labels;
		map = plm_dockerfile_map_copy(ctx, *snap, in->span,
			pairs->as.seq.count);
		*snap = map;
		if (in->kw != PLM_DOCKERFILE_LABEL) {
			st->state = NULL;
		}
	}
	for (size_t k = 0; k < pairs->as.seq.count; k++) {
		struct plm_node *pair = pairs->as.seq.items[k];
		const struct plm_node *name = plm_node_get(pair, "name");
		struct plm_node *value = plm_node_get(pair, "value");
		if (name == NULL || value == NULL ||
			name->kind != PLM_NODE_STRING) {
			continue;
		}
		const char *v = value->kind == PLM_NODE_STRING
			? value->as.string.ptr
			: NULL;
		size_t vn = v ? value->as.string.len : 0;
		if (in->kw == PLM_DOCKERFILE_ARG) {
			if (st == NULL) {
				plm_dockerfile_vars_set(ctx, &b->meta,
					name->as.string.ptr,
					name->as.string.len, v, vn);
				continue;
			}
			if (v == NULL) {
				/* A bare ARG takes the global default. */
				const struct plm_dockerfile_var *g =
					plm_dockerfile_vars_get(&b->meta,
						name->as.string.ptr,
						name->as.string.len);
				v = g ? g->value : NULL;
				vn = g ? g->value_len : 0;
				value = v != NULL
					? plm_dockerfile_string(ctx,
						  value->span, v, vn)
					: unknown_node(ctx, value->span);
			}
			plm_dockerfile_vars_set(ctx, &st->args,
				name->as.string.ptr, name->as.string.len, v,
				vn);
		} else if (in->kw == PLM_DOCKERFILE_ENV && st != NULL) {
			plm_dockerfile_vars_set(ctx, &st->env,
				name->as.string.ptr, name->as.string.len, v,
				vn);
			struct plm_node *env = plm_dockerfile_map(ctx,
				pair->span);
			plm_dockerfile_set(ctx, env, "name",
				(struct plm_node *)name);
			plm_dockerfile_set(ctx, env, "value", value);
			plm_dockerfile_push(ctx, st->env_pairs, env);
		}
		if (map != NULL && value != NULL &&
			plm_node_set(ctx->arena, map, name->as.string.ptr,
				name->span, value) != 0) {
			ctx->out_of_memory = true;
		}
	}
}

/* EXPOSE: 80, 80/tcp, 8000-8010/udp. */
static struct plm_node *port_node(struct inst *in, struct plm_node *word)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_span span = word->span;
	const char *s = word->as.string.ptr;
	size_t n = word->as.string.len;
	struct plm_node *port = plm_dockerfile_map_cap(ctx, span, 6);
	plm_dockerfile_set(ctx, port, "text", word);
	const char *slash = memchr(s, '/', n);
	size_t pn = slash ? (size_t)(slash - s) : n;
	const char *dash = memchr(s, '-', pn);
	int64_t lo = -1, hi = -1;
	size_t i = 0;
	bool ok = pn > 0;
	int64_t v = 0;
	for (; i < (dash ? (size_t)(dash - s) : pn) && ok; i++) {
		ok = s[i] >= '0' && s[i] <= '9' &&
			(v = v * 10 + (s[i] - '0')) < 65536;
	}
	ok = ok && i > 0;
	lo = ok ? v : -1;
	if (ok && dash != NULL) {
		v = 0;
		size_t ds = (size_t)(dash - s) + 1;
		ok = ds < pn;
		for (i = ds; i < pn && ok; i++) {
			ok = s[i] >= '0' && s[i] <= '9' &&
				(v = v * 10 + (s[i] - '0')) < 65536;
		}
		hi = ok ? v : -1;
	}
	const char *proto = "tcp";
	size_t proto_len = 3;
	bool proto_written = false;
	if (slash != NULL) {
		proto = slash + 1;
		proto_len = n - pn - 1;
		proto_written = true;
		if (!(plm_dockerfile_word_is(proto, proto_len, "tcp") ||
			    plm_dockerfile_word_is(proto, proto_len, "udp") ||
			    plm_dockerfile_word_is(proto, proto_len, "sctp"))) {
			ok = false;
		}
	}
	if (!ok && !(word->flags & PLM_NODE_INTERPOLATED && n == 0) &&
		!(word->flags & PLM_NODE_UNKNOWN)) {
		plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
			"dockerfile/invalid-port", span,
			"invalid port '%.*s': expected a port number or a range "
			"like 8000-8010, optionally followed by /tcp, /udp or "
			"/sctp",
			(int)(n > 60 ? 60 : n), s);
	}
	plm_dockerfile_set(ctx, port, "container",
		ok && lo >= 0 ? plm_dockerfile_int(ctx, span, lo)
			: (word->flags & PLM_NODE_UNKNOWN)
			? unknown_node(ctx, span)
			: plm_dockerfile_null(ctx, span));
	if (ok && dash != NULL) {
		plm_dockerfile_set(ctx, port, "container_end",
			plm_dockerfile_int(ctx, span, hi));
	}
	struct plm_node *host = plm_dockerfile_null(ctx, span);
	if (host != NULL) {
		host->flags |= PLM_NODE_IMPLICIT;
	}
	plm_dockerfile_set(ctx, port, "host", host);
	char lower[8];
	size_t ln = proto_len < sizeof(lower) ? proto_len : sizeof(lower) - 1;
	for (size_t k = 0; k < ln; k++) {
		lower[k] = plm_dockerfile_lower(proto[k]);
	}
	struct plm_node *pr = plm_dockerfile_string(ctx, span, lower, ln);
	if (pr != NULL && !proto_written) {
		pr->flags |= PLM_NODE_IMPLICIT;
	}
	plm_dockerfile_set(ctx, port, "protocol", pr);
	struct plm_node *hip = plm_dockerfile_null(ctx, span);
	if (hip != NULL) {
		hip->flags |= PLM_NODE_IMPLICIT;
	}
	plm_dockerfile_set(ctx, port, "host_ip", hip);
	return port;
}

/* Arguments as a JSON array or whitespace-separated fields; returns the
 * expanded values. */
static struct plm_node *list_args(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *json;
	size_t bad;
	enum plm_dockerfile_json r = PLM_DOCKERFILE_JSON_NOT_ARRAY;
	if (in->kw != PLM_DOCKERFILE_EXPOSE) {
		r = plm_dockerfile_execform_parse(ctx, in->t, in->as, in->ae,
			&json, &bad);
	}
	struct plm_node *values = plm_dockerfile_seq(ctx, in->text_span);
	if (r == PLM_DOCKERFILE_JSON_OK) {
		in->form = "exec";
		in->args = json;
		for (size_t k = 0; k < json->as.seq.count; k++) {
			struct plm_node *a = json->as.seq.items[k];
			plm_dockerfile_push(ctx, values,
				expand_node(in, a->as.string.ptr,
					a->as.string.len, a->span,
					PLM_DOCKERFILE_EXPAND_WORD, NULL));
		}
		return values;
	}
	if (r == PLM_DOCKERFILE_JSON_NOT_STRINGS) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/exec-form",
			span_of(in, bad, bad + 1),
			"expected a JSON array of strings; an element is not a "
			"string");
	}
	in->form = "none";
	plm_dockerfile_lex_fields(in->t, in->as, in->ae, on_arg_field, in);
	if (in->args == NULL) {
		return values;
	}
	for (size_t k = 0; k < in->args->as.seq.count; k++) {
		struct plm_node *a = in->args->as.seq.items[k];
		plm_dockerfile_push(ctx, values,
			expand_node(in, a->as.string.ptr, a->as.string.len,
				a->span, PLM_DOCKERFILE_EXPAND_WORD, NULL));
	}
	return values;
}

static void do_copy(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *values = list_args(in);
	if (values == NULL) {
		return;
	}
	size_t n = values->as.seq.count;
	if (n < 2) {
		diag_missing(in,
			"at least two arguments: sources and a "
			"destination");
	}
	struct plm_node *sources = plm_dockerfile_seq(ctx, in->text_span);
	for (size_t k = 0; k + 1 < n; k++) {
		plm_dockerfile_push(ctx, sources, values->as.seq.items[k]);
	}
	extra(in, "sources", sources);
	extra(in, "destination",
		n >= 1 ? values->as.seq.items[n - 1]
		       : plm_dockerfile_null(ctx, in->text_span));
	if (in->flag_from != NULL) {
		const char *f = in->flag_from->as.string.ptr;
		size_t fn = in->flag_from->as.string.len;
		struct plm_dockerfile_stage *st =
			plm_dockerfile_stage_find(in->b, f, fn);
		int64_t index = st ? (int64_t)st->index : -1;
		if (st == NULL && fn > 0 && fn < 6) {
			index = 0;
			for (size_t k = 0; k < fn && index >= 0; k++) {
				index = f[k] >= '0' && f[k] <= '9'
					? index * 10 + (f[k] - '0')
					: -1;
			}
			if (index >= (int64_t)in->b->stage_count) {
				index = -1;
			}
		}
		extra(in, "from_stage",
			index >= 0 ? plm_dockerfile_int(ctx,
					     in->flag_from->span, index)
				   : plm_dockerfile_null(ctx,
					     in->flag_from->span));
	}
}

static void do_volume(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *values = list_args(in);
	if (values == NULL) {
		return;
	}
	if (values->as.seq.count == 0) {
		diag_missing(in, "at least one path");
	}
	extra(in, "paths", values);
	struct plm_dockerfile_stage *st = in->b->current;
	if (in->b->nested || st == NULL) {
		return;
	}
	for (size_t k = 0; k < values->as.seq.count; k++) {
		struct plm_node *path = values->as.seq.items[k];
		struct plm_node *m = plm_dockerfile_map(ctx, path->span);
		plm_dockerfile_set(ctx, m, "kind",
			plm_dockerfile_string(ctx, path->span, "volume", 6));
		plm_dockerfile_set(ctx, m, "source",
			plm_dockerfile_null(ctx, path->span));
		plm_dockerfile_set(ctx, m, "target", path);
		plm_dockerfile_set(ctx, m, "read_only",
			plm_dockerfile_bool(ctx, path->span, false));
		plm_dockerfile_push(ctx, st->volumes, m);
	}
}

static void do_expose(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *values = list_args(in);
	if (values == NULL) {
		return;
	}
	if (values->as.seq.count == 0) {
		diag_missing(in, "at least one port");
	}
	struct plm_node *ports = plm_dockerfile_seq(ctx, in->text_span);
	for (size_t k = 0; k < values->as.seq.count; k++) {
		struct plm_node *p = port_node(in, values->as.seq.items[k]);
		plm_dockerfile_push(ctx, ports, p);
		if (!in->b->nested && in->b->current != NULL && p != NULL) {
			plm_dockerfile_push(ctx, in->b->current->ports, p);
		}
	}
	extra(in, "ports", ports);
}

/* The user map of a USER whose value depends on an unknown variable: the
 * text as written, every part of it unknown (not split at a ':' that may
 * belong to ${V:-default}). */
static struct plm_node *unknown_user(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_node *spec;
	if (plm_user_parse(ctx->arena, in->t->ptr + in->as, in->ae - in->as,
		    in->text_span, &spec) != 0) {
		ctx->out_of_memory = true;
		return NULL;
	}
	static const char *const keys[] = {"name", "uid", "group", "gid",
		"root"};
	for (size_t k = 0; k < 5; k++) {
		if (plm_node_set(ctx->arena, spec, keys[k], in->text_span,
			    unknown_node(ctx, in->text_span)) != 0) {
			ctx->out_of_memory = true;
			return NULL;
		}
	}
	spec->flags |= PLM_NODE_UNKNOWN;
	return spec;
}

static void do_user(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	in->form = "none";
	plm_dockerfile_push(ctx, in->args, text_node(in, in->as, in->ae));
	if (in->as == in->ae) {
		diag_missing(in, "a user name or UID");
		return;
	}
	struct plm_dockerfile_expansion res;
	struct plm_node *value = expand_range(in, in->as, in->ae,
		PLM_DOCKERFILE_EXPAND_WORD, &res);
	if (value == NULL) {
		return;
	}
	struct plm_node *spec;
	if (res.unknown) {
		extra(in, "user", unknown_node(ctx, value->span));
		extra(in, "group", unknown_node(ctx, value->span));
		spec = unknown_user(in);
		if (spec == NULL) {
			return;
		}
	} else {
		/* Every variable known, or unset (BuildKit substitutes ""). */
		const char *v = value->as.string.ptr;
		size_t vn = value->as.string.len;
		const char *colon = memchr(v, ':', vn);
		size_t un = colon ? (size_t)(colon - v) : vn;
		extra(in, "user",
			plm_dockerfile_string(ctx, value->span, v, un));
		extra(in, "group",
			colon ? plm_dockerfile_string(ctx, value->span,
					colon + 1, vn - un - 1)
			      : plm_dockerfile_null(ctx, value->span));
		if (plm_user_parse(ctx->arena, v, vn, in->text_span, &spec) !=
			0) {
			ctx->out_of_memory = true;
			return;
		}
	}
	if (value->flags & PLM_NODE_INTERPOLATED) {
		spec->flags |= PLM_NODE_INTERPOLATED;
	}
	extra(in, "spec", spec);
	if (!in->b->nested && in->b->current != NULL) {
		in->b->current->user = spec;
		in->b->current->state = NULL;
	}
}

static void do_single(struct inst *in, const char *key, bool expand)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	in->form = "none";
	plm_dockerfile_push(ctx, in->args, text_node(in, in->as, in->ae));
	if (in->as == in->ae) {
		diag_missing(in, "an argument");
		return;
	}
	if (expand && key != NULL) {
		extra(in, key,
			expand_range(in, in->as, in->ae,
				PLM_DOCKERFILE_EXPAND_WORD, NULL));
	}
}

static struct plm_node *join_path(struct inst *in, const char *dir, size_t dn,
	const struct plm_node *rel)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	size_t rn = rel->as.string.len;
	char *buf = plm_arena_alloc(ctx->arena, dn + rn + 2);
	if (buf == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	memcpy(buf, dir, dn);
	size_t n = dn;
	if (n == 0 || buf[n - 1] != '/') {
		buf[n++] = '/';
	}
	memcpy(buf + n, rel->as.string.ptr, rn);
	n += rn;
	return plm_dockerfile_string(ctx, rel->span, buf, n);
}

/* WORKDIR: the path as expanded, and `absolute`, the path a relative one
 * resolves to against the stage's previous WORKDIR; null when a variable is
 * unknown or no earlier WORKDIR is known (the base image may set one). */
static void do_workdir(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	in->form = "none";
	plm_dockerfile_push(ctx, in->args, text_node(in, in->as, in->ae));
	if (in->as == in->ae) {
		diag_missing(in, "an argument");
		return;
	}
	struct plm_dockerfile_expansion res;
	struct plm_node *path = expand_range(in, in->as, in->ae,
		PLM_DOCKERFILE_EXPAND_WORD, &res);
	extra(in, "path", path);
	struct plm_dockerfile_stage *st = in->b->current;
	struct plm_node *abs;
	if (path == NULL || path->kind != PLM_NODE_STRING || res.unknown) {
		abs = unknown_node(ctx, in->span);
	} else if (path->as.string.len > 0 && path->as.string.ptr[0] == '/') {
		abs = path;
	} else if (st != NULL && st->workdir != NULL &&
		st->workdir->kind == PLM_NODE_STRING) {
		abs = join_path(in, st->workdir->as.string.ptr,
			st->workdir->as.string.len, path);
	} else {
		abs = plm_dockerfile_null(ctx, in->span);
	}
	extra(in, "absolute", abs);
	if (st != NULL && !in->b->nested && abs != NULL) {
		st->workdir = abs;
		st->state = NULL;
	}
}

static void do_healthcheck(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	size_t ks, ke;
	size_t rest = plm_dockerfile_lex_keyword(in->t, in->as, &ks, &ke);
	struct plm_node *options = plm_dockerfile_map(ctx, in->span);
	static const char *const keys[] = {"interval", "timeout",
		"start_period", "start_interval", "retries"};
	for (size_t k = 0; k < 5; k++) {
		struct plm_node *v = in->health[k];
		if (v != NULL && k == 4 && v->kind == PLM_NODE_STRING) {
			char *end = NULL;
			long long r = strtoll(v->as.string.ptr, &end, 10);
			if (end != NULL && *end == '\0' &&
				end != v->as.string.ptr) {
				v = plm_dockerfile_int(ctx, v->span, r);
			}
		}
		plm_dockerfile_set(ctx, options, keys[k],
			v ? v : plm_dockerfile_null(ctx, in->span));
	}
	struct plm_node *test = plm_dockerfile_seq(ctx, in->text_span);
	bool disabled = false;
	if (plm_dockerfile_word_is(in->t->ptr + ks, ke - ks, "none")) {
		in->form = "none";
		plm_dockerfile_push(ctx, in->args,
			text_node(in, in->as, in->ae));
		disabled = true;
		plm_dockerfile_push(ctx, test, text_node(in, ks, ke));
		if (rest < in->ae) {
			plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
				"dockerfile/syntax", span_of(in, rest, in->ae),
				"HEALTHCHECK NONE takes no arguments");
		}
	} else if (plm_dockerfile_word_is(in->t->ptr + ks, ke - ks, "cmd")) {
		if (rest >= in->ae) {
			diag_missing(in, "a command after CMD");
			in->form = "shell";
		} else {
			bool exec;
			struct plm_node *argv = command_form(in, rest, in->ae,
				&exec);
			struct plm_node *kind = exec
				? plm_dockerfile_string(ctx,
					  span_of(in, ks, ke), "CMD", 3)
				: plm_dockerfile_string(ctx,
					  span_of(in, ks, ke), "CMD-SHELL", 9);
			plm_dockerfile_push(ctx, test, kind);
			if (exec) {
				for (size_t k = 0; k < argv->as.seq.count;
					k++) {
					plm_dockerfile_push(ctx, test,
						argv->as.seq.items[k]);
				}
			} else if (in->args->as.seq.count > 0) {
				plm_dockerfile_push(ctx, test,
					in->args->as.seq.items[0]);
			}
		}
	} else {
		in->form = "none";
		plm_dockerfile_push(ctx, in->args,
			text_node(in, in->as, in->ae));
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/syntax",
			in->span,
			"HEALTHCHECK expects NONE or CMD followed by a command");
		return;
	}
	extra(in, "options", options);
	extra(in, "command", test);
	extra(in, "disabled", plm_dockerfile_bool(ctx, in->span, disabled));
	if (!in->b->nested && in->b->current != NULL) {
		struct plm_node *hc = plm_dockerfile_map(ctx, in->span);
		plm_dockerfile_set(ctx, hc, "test", test);
		plm_dockerfile_set(ctx, hc, "disabled",
			plm_dockerfile_bool(ctx, in->span, disabled));
		plm_dockerfile_set(ctx, hc, "options", options);
		in->b->current->healthcheck = hc;
	}
}

static void do_from(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	struct plm_dockerfile_builder *b = in->b;
	in->form = "none";
	plm_dockerfile_lex_fields(in->t, in->as, in->ae, on_arg_field, in);
	size_t n = in->args ? in->args->as.seq.count : 0;
	struct plm_node *image_raw = n > 0 ? in->args->as.seq.items[0] : NULL;
	struct plm_node *name = NULL;
	if (n == 3 &&
		plm_dockerfile_word_is(in->args->as.seq.items[1]->as.string.ptr,
			in->args->as.seq.items[1]->as.string.len, "as")) {
		name = in->args->as.seq.items[2];
	} else if (n != 1) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/syntax",
			n ? in->text_span : in->span,
			"FROM requires either one argument (an image) or three "
			"(image AS name)");
	}
	if (b->nested) {
		return;
	}
	/* The base is expanded with the global ARGs only. */
	b->current = NULL;
	struct plm_node *image = NULL;
	struct plm_dockerfile_expansion res = {0};
	if (image_raw != NULL) {
		image = expand_node(in, image_raw->as.string.ptr,
			image_raw->as.string.len, image_raw->span,
			PLM_DOCKERFILE_EXPAND_WORD, &res);
	}
	if (name != NULL) {
		const char *s = name->as.string.ptr;
		size_t sn = name->as.string.len;
		bool valid = sn > 0 &&
			((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z');
		for (size_t k = 1; k < sn && valid; k++) {
			char c = plm_dockerfile_lower(s[k]);
			valid = (c >= 'a' && c <= 'z') ||
				(c >= '0' && c <= '9') || c == '-' ||
				c == '_' || c == '.';
		}
		if (!valid) {
			plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
				"dockerfile/syntax", name->span,
				"invalid stage name '%.*s': expected a letter "
				"followed by letters, digits, '-', '_' or '.'",
				(int)(sn > 60 ? 60 : sn), s);
		}
	}
	extra(in, "image", image ? image : plm_dockerfile_null(ctx, in->span));
	extra(in, "name", name ? name : plm_dockerfile_null(ctx, in->span));
	extra(in, "platform",
		in->flag_platform ? in->flag_platform
				  : plm_dockerfile_null(ctx, in->span));
	/* The stage itself is built by the caller (it owns the node). */
	in->expanded = image;
	/* An unset variable in a base name leaves a reference BuildKit
	 * refuses (`/alpine`): the build needs a --build-arg, unknown here. */
	b->from_unresolved = res.unresolved;
}

static void do_onbuild(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	in->form = "none";
	plm_dockerfile_push(ctx, in->args, text_node(in, in->as, in->ae));
	if (in->as == in->ae) {
		diag_missing(in, "an instruction to run later");
		return;
	}
	if (in->b->nested) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/onbuild",
			in->span, "ONBUILD cannot wrap ONBUILD");
		return;
	}
	size_t ks, ke;
	(void)plm_dockerfile_lex_keyword(in->t, in->as, &ks, &ke);
	enum plm_dockerfile_keyword inner =
		plm_dockerfile_keyword_of(in->t->ptr + ks, ke - ks);
	if (inner == PLM_DOCKERFILE_ONBUILD || inner == PLM_DOCKERFILE_FROM ||
		inner == PLM_DOCKERFILE_MAINTAINER) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/onbuild",
			span_of(in, ks, ke),
			"ONBUILD cannot wrap %s: expected another instruction",
			plm_dockerfile_keyword_name(inner));
	}
	in->b->nested = true;
	ctx->depth++;
	enum plm_dockerfile_keyword kw;
	struct plm_node *node = plm_dockerfile_instruction_parse(in->b, in->t,
		in->as, plm_dockerfile_text_src(in->t, in->ae), &kw);
	ctx->depth--;
	in->b->nested = false;
	extra(in, "instruction", node);
}

static bool expands(enum plm_dockerfile_keyword kw)
{
	switch (kw) {
	case PLM_DOCKERFILE_ADD:
	case PLM_DOCKERFILE_COPY:
	case PLM_DOCKERFILE_ENV:
	case PLM_DOCKERFILE_EXPOSE:
	case PLM_DOCKERFILE_FROM:
	case PLM_DOCKERFILE_LABEL:
	case PLM_DOCKERFILE_STOPSIGNAL:
	case PLM_DOCKERFILE_USER:
	case PLM_DOCKERFILE_VOLUME:
	case PLM_DOCKERFILE_WORKDIR:
	case PLM_DOCKERFILE_ARG:
		return true;
	default:
		return false;
	}
}

static void read_heredocs(struct inst *in)
{
	struct plm_dockerfile_ctx *ctx = in->ctx;
	const struct plm_dockerfile_text *t = in->t;
	if (in->b->nested || in->b->reader == NULL ||
		!(in->kw == PLM_DOCKERFILE_RUN ||
			in->kw == PLM_DOCKERFILE_COPY ||
			in->kw == PLM_DOCKERFILE_ADD)) {
		return;
	}
	bool has = false;
	for (size_t i = in->ke; i + 1 < t->len && !has; i++) {
		has = t->ptr[i] == '<' && t->ptr[i + 1] == '<';
	}
	if (!has) {
		return;
	}
	in->docs = plm_calloc(PLM_DOCKERFILE_MAX_HEREDOCS, sizeof(*in->docs));
	if (in->docs == NULL) {
		ctx->out_of_memory = true;
		return;
	}
	size_t found = plm_dockerfile_heredoc_find(ctx, t, in->ke, in->docs,
		PLM_DOCKERFILE_MAX_HEREDOCS);
	if (found > PLM_DOCKERFILE_MAX_HEREDOCS) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
			"dockerfile/heredoc-limit", in->span,
			"more than %d heredocs in one instruction; the "
			"rest are not read",
			PLM_DOCKERFILE_MAX_HEREDOCS);
		found = PLM_DOCKERFILE_MAX_HEREDOCS;
	}
	in->doc_count = found;
	for (size_t k = 0; k < found; k++) {
		struct plm_dockerfile_heredoc *d = &in->docs[k];
		if (d->name == NULL) {
			continue;
		}
		plm_dockerfile_reader_heredoc(in->b->reader, d->name,
			d->name_len, d->strip_tabs, &d->body);
		struct plm_span word = span_of(in, d->word_start, d->word_end);
		if (!d->body.terminated) {
			plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
				"dockerfile/unterminated-heredoc", word,
				"unterminated heredoc: expected a line '%.*s' to "
				"end it before the end of the file",
				(int)(d->name_len > 60 ? 60 : d->name_len),
				d->name);
		}
		uint32_t end = d->body.terminated ? d->body.term_end
						  : d->body.end;
		if (end > in->span.end) {
			in->span.end = end;
		}
		struct plm_span whole = plm_dockerfile_span(ctx, word.start,
			end);
		struct plm_span body_span = plm_dockerfile_span(ctx,
			d->body.start, d->body.end);
		struct plm_node *h = plm_dockerfile_map_cap(ctx, whole, 5);
		plm_dockerfile_set(ctx, h, "delimiter",
			plm_dockerfile_string(ctx, word, d->name, d->name_len));
		/* The body as the builder uses it: with <<- leading tabs
		 * go from every line. */
		const char *body = ctx->bytes + d->body.start;
		size_t bn = d->body.end - d->body.start;
		struct plm_node *bnode;
		if (d->strip_tabs) {
			struct plm_dockerfile_buf *sb = &ctx->scratch;
			sb->len = 0;
			bool at_start = true;
			for (size_t i = 0; i < bn; i++) {
				if (at_start && body[i] == '\t') {
					continue;
				}
				at_start = body[i] == '\n';
				plm_dockerfile_buf_addc(sb, body[i]);
			}
			bnode = plm_dockerfile_string(ctx, body_span, sb->ptr,
				sb->len);
		} else {
			bnode = plm_dockerfile_string(ctx, body_span, body, bn);
		}
		plm_dockerfile_set(ctx, h, "body", bnode);
		plm_dockerfile_set(ctx, h, "strip_tabs",
			plm_dockerfile_bool(ctx, word, d->strip_tabs));
		plm_dockerfile_set(ctx, h, "quoted",
			plm_dockerfile_bool(ctx, word, d->quoted));
		if (d->fd != 0) {
			plm_dockerfile_set(ctx, h, "fd",
				plm_dockerfile_int(ctx, word, (int64_t)d->fd));
		}
		plm_dockerfile_push(ctx, in->heredocs, h);
	}
}

struct plm_node *plm_dockerfile_instruction_parse(struct plm_dockerfile_builder
							  *b,
	const struct plm_dockerfile_text *t, size_t from, uint32_t end,
	enum plm_dockerfile_keyword *kw)
{
	struct plm_dockerfile_ctx *ctx = b->ctx;
	struct inst *in = plm_calloc(1, sizeof(*in));
	if (in == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	in->b = b;
	in->ctx = ctx;
	in->t = t;
	size_t rest = plm_dockerfile_lex_keyword(t, from, &in->ks, &in->ke);
	in->kw = plm_dockerfile_keyword_of(t->ptr + in->ks, in->ke - in->ks);
	*kw = in->kw;
	uint32_t start = plm_dockerfile_text_src(t, in->ks);
	in->span = plm_dockerfile_span(ctx, start, end > start ? end : start);
	struct plm_span kspan = span_of(in, in->ks, in->ke);
	in->flags = plm_dockerfile_seq(ctx, in->span);
	in->args = plm_dockerfile_seq(ctx, in->span);
	in->heredocs = plm_dockerfile_seq(ctx, in->span);
	in->commands = plm_dockerfile_seq(ctx, in->span);
	in->form = "none";
	if (in->kw == PLM_DOCKERFILE_UNKNOWN) {
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR,
			"dockerfile/unknown-instruction", kspan,
			"unknown instruction '%.*s': expected one of ADD, ARG, "
			"CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, "
			"LABEL, MAINTAINER, ONBUILD, RUN, SHELL, STOPSIGNAL, "
			"USER, VOLUME, WORKDIR",
			(int)(in->ke - in->ks > 40 ? 40 : in->ke - in->ks),
			t->ptr + in->ks);
	}
	/* What is in effect when the instruction runs, before its own
	 * effect (a trigger runs in another build: none). */
	struct plm_node *state = NULL;
	if (!b->nested && b->current != NULL && in->kw != PLM_DOCKERFILE_FROM) {
		state = plm_dockerfile_stage_state(b, b->current);
	}
	if (in->kw == PLM_DOCKERFILE_FROM && !b->nested) {
		/* FROM (its flags too) sees the global ARGs only; the caller
		 * starts the new stage. */
		b->current = NULL;
	}
	if (in->kw != PLM_DOCKERFILE_ONBUILD) {
		in->as = plm_dockerfile_lex_flags(ctx, t, rest, on_flag, in);
	} else {
		in->as = rest;
	}
	in->ae = t->len;
	if (in->kw == PLM_DOCKERFILE_ONBUILD || b->nested) {
		/* Only ONBUILD's own arguments end at the line's end. */
	}
	plm_dockerfile_lex_trim(t, &in->as, &in->ae);
	in->text_span = in->as < in->ae
		? span_of(in, in->as, in->ae)
		: plm_dockerfile_span(ctx, in->span.end, in->span.end);
	read_heredocs(in);

	switch (in->kw) {
	case PLM_DOCKERFILE_RUN:
	case PLM_DOCKERFILE_CMD:
	case PLM_DOCKERFILE_ENTRYPOINT:
		do_command(in);
		break;
	case PLM_DOCKERFILE_SHELL:
		do_shell(in);
		break;
	case PLM_DOCKERFILE_ENV:
	case PLM_DOCKERFILE_LABEL:
	case PLM_DOCKERFILE_ARG:
		do_pairs(in);
		break;
	case PLM_DOCKERFILE_EXPOSE:
		do_expose(in);
		break;
	case PLM_DOCKERFILE_ADD:
	case PLM_DOCKERFILE_COPY:
		do_copy(in);
		break;
	case PLM_DOCKERFILE_VOLUME:
		do_volume(in);
		break;
	case PLM_DOCKERFILE_USER:
		do_user(in);
		break;
	case PLM_DOCKERFILE_WORKDIR:
		do_workdir(in);
		break;
	case PLM_DOCKERFILE_STOPSIGNAL:
		do_single(in, "signal", true);
		break;
	case PLM_DOCKERFILE_MAINTAINER:
		do_single(in, "maintainer", false);
		break;
	case PLM_DOCKERFILE_HEALTHCHECK:
		do_healthcheck(in);
		break;
	case PLM_DOCKERFILE_FROM:
		do_from(in);
		break;
	case PLM_DOCKERFILE_ONBUILD:
		do_onbuild(in);
		break;
	case PLM_DOCKERFILE_UNKNOWN:
		in->form = "none";
		plm_dockerfile_push(ctx, in->args,
			text_node(in, in->as, in->ae));
		break;
	}

	struct plm_node *node = plm_dockerfile_map_cap(ctx, in->span,
		10 + in->extra_count + (in->kw == PLM_DOCKERFILE_FROM));
	const char *kname = in->kw == PLM_DOCKERFILE_UNKNOWN
		? NULL
		: plm_dockerfile_keyword_name(in->kw);
	if (kname != NULL) {
		plm_dockerfile_set(ctx, node, "keyword",
			plm_dockerfile_string(ctx, kspan, kname,
				strlen(kname)));
	} else {
		/* An unknown keyword, upper-cased as written. */
		struct plm_node *k = text_node(in, in->ks, in->ke);
		if (k != NULL) {
			char *p = (char *)k->as.string.ptr;
			for (size_t i = 0; i < k->as.string.len; i++) {
				if (p[i] >= 'a' && p[i] <= 'z') {
					p[i] = (char)(p[i] - 32);
				}
			}
		}
		plm_dockerfile_set(ctx, node, "keyword", k);
	}
	struct plm_node *text = in->as < in->ae
		? text_node(in, in->as, in->ae)
		: plm_dockerfile_string(ctx, in->text_span, "", 0);
	plm_dockerfile_set(ctx, node, "text", text);
	plm_dockerfile_set(ctx, node, "raw",
		plm_dockerfile_string(ctx, plm_dockerfile_span(ctx, start, end),
			ctx->bytes + start, end > start ? end - start : 0));
	if (expands(in->kw) && in->expanded == NULL) {
		/* Without a '$' the expanded text is the text: share it. */
		in->expanded = in->as < in->ae &&
				memchr(in->t->ptr + in->as, '$',
					in->ae - in->as)
			? expand_range(in, in->as, in->ae,
				  PLM_DOCKERFILE_EXPAND_KEEP_QUOTES, NULL)
			: text;
	}
	if (in->kw == PLM_DOCKERFILE_FROM) {
		/* FROM's expanded text is its whole argument list. */
		struct plm_dockerfile_stage *saved = b->current;
		b->current = NULL;
		struct plm_node *full = in->as < in->ae
			? expand_range(in, in->as, in->ae,
				  PLM_DOCKERFILE_EXPAND_KEEP_QUOTES, NULL)
			: plm_dockerfile_string(ctx, in->text_span, "", 0);
		b->current = saved;
		plm_dockerfile_set(ctx, node, "expanded", full);
	} else if (in->expanded != NULL) {
		plm_dockerfile_set(ctx, node, "expanded", in->expanded);
	}
	plm_dockerfile_set(ctx, node, "flags", in->flags);
	plm_dockerfile_set(ctx, node, "form",
		plm_dockerfile_string(ctx, in->span, in->form,
			strlen(in->form)));
	plm_dockerfile_set(ctx, node, "args", in->args);
	plm_dockerfile_set(ctx, node, "heredocs", in->heredocs);
	plm_dockerfile_set(ctx, node, "commands", in->commands);
	for (size_t k = 0; k < in->extra_count; k++) {
		plm_dockerfile_set(ctx, node, in->extras[k].key,
			in->extras[k].value);
	}
	if (state != NULL) {
		plm_dockerfile_set(ctx, node, "state", state);
	}
	plm_free(in->docs);
	plm_free(in);
	return ctx->out_of_memory ? NULL : node;
}

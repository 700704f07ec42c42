#include "dockerfile/dockerfile.h"

#include <string.h>
#include "dockerfile/container.h"
#include "dockerfile/instruction.h"
#include "dockerfile/lines.h"
#include "dockerfile/stage.h"
#include "dockerfile/text.h"
#include "model/image.h"
#include "util/utf8.h"

static void check_bytes(struct plm_dockerfile_ctx *ctx)
{
	const char *nul = memchr(ctx->bytes, '\0', ctx->len);
	size_t bad = plm_utf8_check(ctx->bytes, ctx->len);
	ctx->clean = nul == NULL && bad == ctx->len;
	if (nul != NULL) {
		size_t at = (size_t)(nul - ctx->bytes);
		plm_dockerfile_diag(ctx, PLM_DIAG_ERROR, "dockerfile/binary",
			plm_dockerfile_span(ctx, at, at + 1),
			"NUL byte: expected a text Dockerfile, this looks like "
			"binary data (NULs are replaced in the model)");
	}
	if (bad != ctx->len) {
		plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
			"dockerfile/invalid-utf8",
			plm_dockerfile_span(ctx, bad, bad + 1),
			"invalid UTF-8: expected UTF-8 text (invalid bytes are "
			"replaced by U+FFFD in the model)");
	}
	/* BuildKit splits lines at LF only: a lone CR (an old Mac line
	 * ending) joins what an editor shows as two lines. */
	for (const char *cr = memchr(ctx->bytes, '\r', ctx->len); cr != NULL;
		cr = memchr(cr + 1, '\r',
			ctx->len - (size_t)(cr + 1 - ctx->bytes))) {
		size_t at = (size_t)(cr - ctx->bytes);
		if (at + 1 < ctx->len && cr[1] != '\n') {
			plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
				"dockerfile/cr-line-ending",
				plm_dockerfile_span(ctx, at, at + 1),
				"a CR without LF does not end a line for Docker "
				"(BuildKit splits lines at LF only): what follows "
				"it is part of the same instruction; expected LF "
				"or CR LF line endings");
			break;
		}
	}
}

/* True when a variable reference starts within the first component of the
 * reference as written (before the first '/', or before the tag or digest
 * when there is no '/'): that component may be a registry. */
static bool registry_unknown(const struct plm_node *raw)
{
	const char *s = raw->as.string.ptr;
	size_t n = raw->as.string.len;
	bool slash = memchr(s, '/', n) != NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '$') {
			return true;
		}
		if (s[i] == '/' || (!slash && (s[i] == ':' || s[i] == '@'))) {
			return false;
		}
	}
	return false;
}

/* True when s[0..n) contains word, ignoring case. */
static bool contains(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= n; i++) {
		size_t k = 0;
		while (k < w && plm_dockerfile_lower(s[i + k]) == word[k]) {
			k++;
		}
		if (k == w) {
			return true;
		}
	}
	return false;
}

/* Does the base look like a Windows image (whose default shell is cmd)?
 * The backtick escape is the Windows convention too. */
static bool windows_base(const struct plm_dockerfile_ctx *ctx,
	const struct plm_node *image)
{
	if (ctx->escape == '`') {
		return true;
	}
	const struct plm_node *text = plm_node_get(image, "text");
	const char *s = plm_node_str(text);
	return s != NULL &&
		(contains(s, text->as.string.len, "windows") ||
			contains(s, text->as.string.len, "nanoserver"));
}

/* The base map of a stage: {text, expanded, registry, repository, tag,
 * digest, stage}. */
static void stage_base(struct plm_dockerfile_builder *b,
	struct plm_dockerfile_stage *st, struct plm_node *from)
{
	struct plm_dockerfile_ctx *ctx = b->ctx;
	struct plm_node *args = plm_node_get(from, "args");
	struct plm_node *raw = plm_node_count(args) > 0 ? args->as.seq.items[0]
							: NULL;
	struct plm_node *expanded = plm_node_get(from, "image");
	struct plm_node *name = plm_node_get(from, "name");
	struct plm_node *platform = plm_node_get(from, "platform");
	st->name_node = name && name->kind == PLM_NODE_STRING ? name : NULL;
	st->platform = platform;
	struct plm_node *base = plm_dockerfile_map_cap(ctx,
		raw ? raw->span : from->span, 7);
	st->base = base;
	if (raw == NULL || expanded == NULL ||
		expanded->kind != PLM_NODE_STRING) {
		plm_dockerfile_set(ctx, base, "text",
			plm_dockerfile_null(ctx, from->span));
		plm_dockerfile_set(ctx, base, "expanded",
			plm_dockerfile_null(ctx, from->span));
		plm_dockerfile_set(ctx, base, "registry",
			plm_dockerfile_null(ctx, from->span));
		plm_dockerfile_set(ctx, base, "repository",
			plm_dockerfile_null(ctx, from->span));
		plm_dockerfile_set(ctx, base, "tag",
			plm_dockerfile_null(ctx, from->span));
		plm_dockerfile_set(ctx, base, "digest",
			plm_dockerfile_null(ctx, from->span));
		plm_dockerfile_set(ctx, base, "stage",
			plm_dockerfile_null(ctx, from->span));
		return;
	}
	plm_dockerfile_set(ctx, base, "text", raw);
	plm_dockerfile_set(ctx, base, "expanded", expanded);
	static const char *const keys[] = {"registry", "repository", "tag",
		"digest"};
	if (st->parent != NULL) {
		/* Built on another stage: not an image reference. */
		for (size_t k = 0; k < 4; k++) {
			plm_dockerfile_set(ctx, base, keys[k],
				plm_dockerfile_null(ctx, raw->span));
		}
		plm_dockerfile_set(ctx, base, "stage",
			plm_dockerfile_int(ctx, raw->span,
				(int64_t)st->parent->index));
		return;
	}
	/* An unknown variable leaves the reference as written. */
	const struct plm_node *src = b->from_unresolved ? raw : expanded;
	struct plm_node *image;
	if (plm_image_parse(ctx->arena, src->as.string.ptr, src->as.string.len,
		    raw->span, &image) != 0) {
		ctx->out_of_memory = true;
		return;
	}
	if (expanded->flags & PLM_NODE_INTERPOLATED) {
		image->flags |= PLM_NODE_INTERPOLATED;
	}
	if (b->from_unresolved && registry_unknown(raw)) {
		/* `${REG}/alpine` with REG unset or unknown names no registry
		 * we can tell: not Docker Hub. */
		if (plm_node_set(ctx->arena, image, "registry", raw->span,
			    plm_dockerfile_null(ctx, raw->span)) != 0) {
			ctx->out_of_memory = true;
			return;
		}
	}
	st->image = image;
	st->windows = windows_base(ctx, image);
	for (size_t k = 0; k < 4; k++) {
		plm_dockerfile_set(ctx, base, keys[k],
			plm_node_get(image, keys[k]));
	}
	plm_dockerfile_set(ctx, base, "stage",
		plm_dockerfile_null(ctx, raw->span));
}

/* EXPOSE across the chain of stages, as of the end of st (parents are
 * done first: they come earlier in the file). */
static struct plm_node *stage_exposes(struct plm_dockerfile_ctx *ctx,
	struct plm_dockerfile_stage *st)
{
	struct plm_node *own = st->ports;
	struct plm_node *from = st->parent ? st->parent->exposes : NULL;
	if (plm_node_count(from) == 0) {
		return own;
	}
	struct plm_node *seq = plm_dockerfile_seq(ctx, st->from->span);
	for (size_t k = 0; k < plm_node_count(from); k++) {
		plm_dockerfile_push(ctx, seq, from->as.seq.items[k]);
	}
	for (size_t k = 0; k < plm_node_count(own); k++) {
		plm_dockerfile_push(ctx, seq, own->as.seq.items[k]);
	}
	return seq;
}

static struct plm_node *or_implicit(struct plm_dockerfile_ctx *ctx,
	struct plm_node *n, struct plm_span at)
{
	if (n != NULL) {
		return n;
	}
	n = plm_dockerfile_null(ctx, at);
	if (n != NULL) {
		n->flags |= PLM_NODE_IMPLICIT;
	}
	return n;
}

static void stage_node(struct plm_dockerfile_builder *b,
	struct plm_dockerfile_stage *st)
{
	struct plm_dockerfile_ctx *ctx = b->ctx;
	struct plm_span at = st->from->span;
	struct plm_node *n = st->node;
	struct plm_node *state = plm_dockerfile_stage_state(b, st);
	if (state == NULL) {
		return;
	}
	st->exposes = stage_exposes(ctx, st);
	if (st->labels == NULL) {
		st->labels = plm_dockerfile_map(ctx, at);
		if (st->labels != NULL) {
			st->labels->flags |= PLM_NODE_IMPLICIT;
		}
	}
	plm_dockerfile_set(ctx, n, "index",
		plm_dockerfile_int(ctx, at, (int64_t)st->index));
	plm_dockerfile_set(ctx, n, "name",
		st->name_node ? st->name_node : plm_dockerfile_null(ctx, at));
	plm_dockerfile_set(ctx, n, "platform",
		st->platform ? st->platform : plm_dockerfile_null(ctx, at));
	plm_dockerfile_set(ctx, n, "base",
		st->base ? st->base : plm_dockerfile_null(ctx, at));
	plm_dockerfile_set(ctx, n, "user",
		st->user ? st->user : plm_dockerfile_null(ctx, at));
	/* What the stage's image has at its end (docs/model.md). */
	plm_dockerfile_set(ctx, n, "env", plm_node_get(state, "env"));
	plm_dockerfile_set(ctx, n, "args", plm_node_get(state, "args"));
	plm_dockerfile_set(ctx, n, "workdir", plm_node_get(state, "workdir"));
	plm_dockerfile_set(ctx, n, "shell", plm_node_get(state, "shell"));
	plm_dockerfile_set(ctx, n, "labels", st->labels);
	plm_dockerfile_set(ctx, n, "exposes", st->exposes);
	plm_dockerfile_set(ctx, n, "healthcheck",
		or_implicit(ctx, st->healthcheck, at));
	plm_dockerfile_set(ctx, n, "instructions", st->instructions);
}

static struct plm_node *directives_node(struct plm_dockerfile_ctx *ctx,
	const struct plm_dockerfile_reader *r)
{
	static const char *const keys[] = {"syntax", "escape", "check"};
	struct plm_span top = plm_dockerfile_span(ctx, 0, 0);
	struct plm_node *map = plm_dockerfile_map(ctx, top);
	for (int k = 0; k < PLM_DOCKERFILE_DIRECTIVE_COUNT; k++) {
		struct plm_node *v;
		if (r->directive_end[k] > r->directive_start[k]) {
			v = plm_dockerfile_string(ctx,
				plm_dockerfile_span(ctx, r->directive_start[k],
					r->directive_end[k]),
				ctx->bytes + r->directive_start[k],
				r->directive_end[k] - r->directive_start[k]);
		} else if (k == PLM_DOCKERFILE_DIRECTIVE_ESCAPE) {
			v = plm_dockerfile_string(ctx, top, "\\", 1);
			if (v != NULL) {
				v->flags |= PLM_NODE_IMPLICIT;
			}
		} else {
			v = plm_dockerfile_null(ctx, top);
		}
		plm_dockerfile_set(ctx, map, keys[k], v);
	}
	return map;
}

/* Parses sources[source]; fills *tree (when tree != NULL) and the container
 * of stage `target` (NULL: final) in *container. */
static int parse(struct plm_doc *doc, uint32_t source, const char *target,
	struct plm_node **tree, struct plm_node **container)
{
	const struct plm_source *src = doc->sources[source];
	struct plm_dockerfile_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.doc = doc;
	ctx.arena = doc->arena;
	ctx.source = source;
	ctx.bytes = src->bytes;
	ctx.len = src->len;
	ctx.escape = '\\';
	ctx.expansion_budget = PLM_DOCKERFILE_EXPANSION_BUDGET + src->len;
	ctx.pattern_budget = PLM_DOCKERFILE_PATTERN_BUDGET;
	*container = NULL;
	check_bytes(&ctx);

	struct plm_dockerfile_reader reader;
	plm_dockerfile_reader_init(&reader, &ctx);
	struct plm_dockerfile_builder b;
	memset(&b, 0, sizeof(b));
	b.ctx = &ctx;
	b.reader = &reader;
	struct plm_span top = plm_dockerfile_span(&ctx, 0, 0);
	b.args = plm_dockerfile_seq(&ctx, top);
	b.stage_nodes = plm_dockerfile_seq(&ctx, top);
	b.unstaged = plm_dockerfile_seq(&ctx, top);

	struct plm_dockerfile_line line;
	while (!ctx.out_of_memory &&
		plm_dockerfile_reader_next(&reader, &line)) {
		if (line.too_long) {
			plm_dockerfile_diag(&ctx, PLM_DIAG_ERROR,
				"dockerfile/line-too-long",
				plm_dockerfile_span(&ctx, line.start,
					line.start + 1),
				"instruction longer than the limit of %zu bytes "
				"(PLM_DOCKERFILE_MAX_LINE): it is skipped",
				(size_t)PLM_DOCKERFILE_MAX_LINE);
			continue;
		}
		if (plm_dockerfile_model_full(&ctx,
			    plm_dockerfile_span(&ctx, line.start,
				    line.start + 1))) {
			break;
		}
		enum plm_dockerfile_keyword kw;
		struct plm_node *node = plm_dockerfile_instruction_parse(&b,
			&line.text, 0, line.end, &kw);
		if (node == NULL) {
			break;
		}
		if (kw == PLM_DOCKERFILE_FROM) {
			struct plm_node *name = plm_node_get(node, "name");
			struct plm_node *image = plm_node_get(node, "image");
			const char *base = plm_node_str(image);
			struct plm_dockerfile_stage *st =
				plm_dockerfile_stage_begin(&b, node,
					plm_node_str(name),
					name && name->kind == PLM_NODE_STRING
						? name->as.string.len
						: 0,
					base ? base : "",
					base ? image->as.string.len : 0);
			if (st == NULL) {
				break;
			}
			if (st->duplicate) {
				plm_dockerfile_diag(&ctx, PLM_DIAG_ERROR,
					"dockerfile/duplicate-stage",
					name->span,
					"duplicate stage name '%s': expected a "
					"unique name",
					st->name);
			}
			stage_base(&b, st, node);
			plm_dockerfile_set(&ctx, node, "stage",
				plm_dockerfile_int(&ctx, node->span,
					(int64_t)st->index));
			plm_dockerfile_push(&ctx, st->instructions, node);
			plm_dockerfile_push(&ctx, b.stage_nodes, st->node);
		} else if (b.current != NULL) {
			plm_dockerfile_push(&ctx, b.current->instructions,
				node);
		} else if (kw == PLM_DOCKERFILE_ARG) {
			plm_dockerfile_push(&ctx, b.args, node);
		} else {
			const char *k = plm_node_get_str(node, "keyword");
			plm_dockerfile_diag(&ctx, PLM_DIAG_ERROR,
				"dockerfile/instruction-before-from",
				node->span,
				"expected FROM before %s: only ARG may come before "
				"the first FROM",
				k ? k : "this instruction");
			plm_dockerfile_push(&ctx, b.unstaged, node);
		}
	}
	if (!ctx.out_of_memory) {
		for (size_t i = 0; i < b.stage_count; i++) {
			stage_node(&b, b.stages[i]);
		}
		if (b.stage_count == 0) {
			plm_dockerfile_diag(&ctx, PLM_DIAG_ERROR,
				"dockerfile/no-from",
				plm_dockerfile_span(&ctx, 0, ctx.len ? 1 : 0),
				"no FROM instruction: expected at least one FROM to "
				"start a build stage");
		}
	}
	if (!ctx.out_of_memory && tree != NULL) {
		struct plm_node *t = plm_dockerfile_map(&ctx,
			plm_dockerfile_span(&ctx, 0, ctx.len));
		plm_dockerfile_set(&ctx, t, "directives",
			directives_node(&ctx, &reader));
		plm_dockerfile_set(&ctx, t, "args", b.args);
		plm_dockerfile_set(&ctx, t, "stages", b.stage_nodes);
		if (plm_node_count(b.unstaged) > 0) {
			plm_dockerfile_set(&ctx, t, "unstaged", b.unstaged);
		}
		*tree = t;
	}
	if (!ctx.out_of_memory && b.stage_count > 0) {
		struct plm_dockerfile_stage *st = b.stages[b.stage_count - 1];
		if (target != NULL) {
			st = plm_dockerfile_stage_find(&b, target,
				strlen(target));
		}
		if (st != NULL) {
			*container = plm_dockerfile_container_build(&b, st);
		}
	}
	bool oom = ctx.out_of_memory || plm_arena_exhausted(ctx.arena);
	plm_dockerfile_builder_finish(&b);
	plm_dockerfile_reader_finish(&reader);
	plm_dockerfile_buf_free(&ctx.scratch);
	plm_dockerfile_buf_free(&ctx.expanded);
	if (oom) {
		plm_doc_diag(doc, PLM_DIAG_ERROR, "limit/memory",
			plm_dockerfile_span(&ctx, 0, 0),
			"out of memory (or over the document's memory limit) "
			"while parsing this Dockerfile");
		return PLM_ENOMEM;
	}
	return 0;
}

int plm_dockerfile_build(struct plm_doc *doc)
{
	struct plm_node *tree = NULL, *container = NULL;
	int rc = parse(doc, 0, NULL, &tree, &container);
	if (rc != 0) {
		return rc;
	}
	doc->tree = tree;
	doc->containers = plm_node_seq(doc->arena, plm_span_make(0, 0));
	if (doc->containers == NULL) {
		return PLM_ENOMEM;
	}
	if (container != NULL &&
		plm_node_push(doc->arena, doc->containers, container) != 0) {
		return PLM_ENOMEM;
	}
	return 0;
}

int plm_dockerfile_container(struct plm_doc *doc, uint32_t source,
	const char *target, struct plm_node **out)
{
	*out = NULL;
	if (source >= doc->source_count) {
		return PLM_EINVAL;
	}
	return parse(doc, source, target, NULL, out);
}

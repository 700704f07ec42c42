#include "dockerfile/container.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/record.h"
#include "util/alloc.h"

struct rec {
	struct plm_dockerfile_ctx *ctx;
	struct plm_span at; /* the FROM: where a fix would go */
	struct plm_node *map;
};

static struct plm_node *implicit(struct plm_node *n)
{
	if (n != NULL) {
		n->flags |= PLM_NODE_IMPLICIT;
	}
	return n;
}

static struct plm_node *inherited(struct plm_dockerfile_ctx *ctx,
	struct plm_node *n, bool from_parent)
{
	if (n == NULL || !from_parent) {
		return n;
	}
	/* Nodes are shared with the tree: mark a shallow copy. */
	struct plm_node *c = plm_arena_alloc(ctx->arena, sizeof(*c));
	if (c == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	*c = *n;
	c->flags |= PLM_NODE_INHERITED;
	return c;
}

/* The chain of stages from the root ancestor down to st. */
static size_t chain(struct plm_dockerfile_stage *st,
	struct plm_dockerfile_stage **out, size_t max)
{
	size_t n = 0;
	for (struct plm_dockerfile_stage *s = st; s != NULL && n < max;
		s = s->parent) {
		n++;
	}
	size_t i = n;
	for (struct plm_dockerfile_stage *s = st; s != NULL && i > 0;
		s = s->parent) {
		out[--i] = s;
	}
	return n;
}

/* Appends the items of every stage's list in the chain. */
static struct plm_node *collect(struct rec *r,
	struct plm_dockerfile_stage **stages, size_t n, size_t offset,
	size_t last)
{
	struct plm_node *seq = plm_dockerfile_seq(r->ctx, r->at);
	for (size_t i = 0; i < n; i++) {
		struct plm_node *list = *(
			struct plm_node **)((char *)stages[i] + offset);
		for (size_t k = 0; list != NULL && k < list->as.seq.count;
			k++) {
			plm_dockerfile_push(r->ctx, seq,
				inherited(r->ctx, list->as.seq.items[k],
					i != last));
		}
	}
	if (seq != NULL && seq->as.seq.count == 0) {
		seq->flags |= PLM_NODE_IMPLICIT;
	}
	return seq;
}

/* ENV across the chain: a later value of a name replaces the earlier one in
 * place. */
static struct plm_node *collect_env(struct rec *r,
	struct plm_dockerfile_stage **stages, size_t n, size_t last)
{
	struct plm_dockerfile_ctx *ctx = r->ctx;
	struct plm_node *seq = plm_dockerfile_seq(ctx, r->at);
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += plm_node_count(stages[i]->env_pairs);
	}
	size_t cap = 16;
	while (cap < total * 2) {
		cap *= 2;
	}
	size_t *slots = plm_malloc(cap * sizeof(*slots));
	if (slots == NULL || seq == NULL) {
		plm_free(slots);
		ctx->out_of_memory = true;
		return seq;
	}
	for (size_t k = 0; k < cap; k++) {
		slots[k] = (size_t)-1;
	}
	for (size_t i = 0; i < n; i++) {
		struct plm_node *list = stages[i]->env_pairs;
		for (size_t k = 0; list != NULL && k < list->as.seq.count;
			k++) {
			struct plm_node *pair = inherited(ctx,
				list->as.seq.items[k], i != last);
			const char *name = plm_node_get_str(pair, "name");
			if (pair == NULL || name == NULL) {
				continue;
			}
			uint64_t h = 1469598103934665603ull;
			for (const char *p = name; *p; p++) {
				h = (h ^ (unsigned char)*p) * 1099511628211ull;
			}
			size_t at = (size_t)h & (cap - 1);
			for (;;) {
				size_t idx = slots[at];
				if (idx == (size_t)-1) {
					slots[at] = seq->as.seq.count;
					plm_dockerfile_push(ctx, seq, pair);
					break;
				}
				const char *other =
					plm_node_get_str(seq->as.seq.items[idx],
						"name");
				if (other != NULL && strcmp(other, name) == 0) {
					seq->as.seq.items[idx] = pair;
					break;
				}
				at = (at + 1) & (cap - 1);
			}
		}
	}
	plm_free(slots);
	if (seq->as.seq.count == 0) {
		seq->flags |= PLM_NODE_IMPLICIT;
	}
	return seq;
}

/* Replaces a field of the record; a failure stops the build. */
static void set(struct rec *r, const char *field, struct plm_node *value)
{
	if (r->ctx->out_of_memory ||
		plm_record_set(r->ctx->arena, r->map, field, value) != 0) {
		r->ctx->out_of_memory = true;
	}
}

static struct plm_node *kept(struct plm_dockerfile_ctx *ctx, struct plm_node *n,
	bool from_parent, struct plm_span at)
{
	return n != NULL ? inherited(ctx, n, from_parent)
			 : implicit(plm_dockerfile_null(ctx, at));
}

struct plm_node *plm_dockerfile_container_build(struct plm_dockerfile_builder *b,
	struct plm_dockerfile_stage *st)
{
	struct plm_dockerfile_ctx *ctx = b->ctx;
	struct rec r = {ctx, st->from->span, NULL};
	/* Fields a Dockerfile cannot set keep the record's defaults. */
	r.map = plm_record_new(ctx->arena, r.at, "dockerfile", "stage");
	if (r.map == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	struct plm_dockerfile_stage *stages[PLM_DOCKERFILE_MAX_STAGE_DEPTH + 2];
	size_t n = chain(st, stages, PLM_DOCKERFILE_MAX_STAGE_DEPTH + 2);
	size_t last = n - 1;
	bool has_parent = st->parent != NULL;

	if (st->name_node != NULL) {
		set(&r, "name", st->name_node);
	} else {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "stage-%zu", st->index);
		set(&r, "name",
			implicit(plm_dockerfile_string(ctx, r.at, buf,
				(size_t)len)));
	}
	if (plm_record_set_in(ctx->arena, r.map, "workload", "kind",
		    implicit(plm_dockerfile_string(ctx, r.at, "Dockerfile",
			    10))) != 0) {
		ctx->out_of_memory = true;
	}
	/* The image: the base of the root ancestor. */
	set(&r, "image", kept(ctx, stages[0]->image, has_parent, r.at));
	if (st->user != NULL) {
		bool from_parent = has_parent && st->user == st->parent->user;
		set(&r, "user", inherited(ctx, st->user, from_parent));
	}
	set(&r, "mounts",
		collect(&r, stages, n,
			offsetof(struct plm_dockerfile_stage, volumes), last));
	set(&r, "ports",
		collect(&r, stages, n,
			offsetof(struct plm_dockerfile_stage, ports), last));
	bool cmd_parent = has_parent && st->cmd == st->parent->cmd;
	bool ep_parent = has_parent && st->entrypoint == st->parent->entrypoint;
	set(&r, "command", kept(ctx, st->cmd, cmd_parent, r.at));
	set(&r, "entrypoint", kept(ctx, st->entrypoint, ep_parent, r.at));
	struct plm_node *forms = plm_dockerfile_map(ctx, r.at);
	plm_dockerfile_set(ctx, forms, "command",
		plm_dockerfile_bool(ctx, st->cmd ? st->cmd->span : r.at,
			st->cmd != NULL && st->cmd_shell));
	plm_dockerfile_set(ctx, forms, "entrypoint",
		plm_dockerfile_bool(ctx,
			st->entrypoint ? st->entrypoint->span : r.at,
			st->entrypoint != NULL && st->entrypoint_shell));
	set(&r, "shell_form", forms);
	set(&r, "env", collect_env(&r, stages, n, last));
	bool hc_parent = has_parent &&
		st->healthcheck == st->parent->healthcheck;
	set(&r, "healthcheck", kept(ctx, st->healthcheck, hc_parent, r.at));
	plm_dockerfile_set(ctx, r.map, "stage",
		plm_dockerfile_int(ctx, r.at, (int64_t)st->index));
	return ctx->out_of_memory ? NULL : r.map;
}

#include "dockerfile/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

static uint64_t hash_name(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	}
	return h | 1;
}

static struct plm_dockerfile_var *slot(const struct plm_dockerfile_vars *vars,
	const char *name, size_t n, uint64_t h)
{
	size_t mask = vars->cap - 1;
	size_t i = (size_t)h & mask;
	for (;;) {
		struct plm_dockerfile_var *v = &vars->slots[i];
		if (v->hash == 0 ||
			(v->hash == h && v->name_len == n &&
				memcmp(v->name, name, n) == 0)) {
			return v;
		}
		i = (i + 1) & mask;
	}
}

static bool grow(struct plm_dockerfile_vars *vars)
{
	size_t ncap = vars->cap ? vars->cap * 2 : 16;
	struct plm_dockerfile_var *old = vars->slots;
	size_t old_cap = vars->cap;
	vars->slots = plm_calloc(ncap, sizeof(*vars->slots));
	if (vars->slots == NULL) {
		vars->slots = old;
		return false;
	}
	vars->cap = ncap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].hash != 0) {
			*slot(vars, old[i].name, old[i].name_len,
				old[i].hash) = old[i];
		}
	}
	plm_free(old);
	return true;
}

void plm_dockerfile_vars_set(struct plm_dockerfile_ctx *ctx,
	struct plm_dockerfile_vars *vars, const char *name, size_t name_len,
	const char *value, size_t value_len)
{
	if ((vars->count + 1) * 2 > vars->cap && !grow(vars)) {
		ctx->out_of_memory = true;
		return;
	}
	uint64_t h = hash_name(name, name_len);
	struct plm_dockerfile_var *v = slot(vars, name, name_len, h);
	if (v->hash == 0) {
		v->name = plm_arena_strndup(ctx->arena, name, name_len);
		if (v->name == NULL) {
			ctx->out_of_memory = true;
			return;
		}
		v->name_len = name_len;
		v->hash = h;
		vars->count++;
	}
	if (value != NULL) {
		v->value = plm_arena_strndup(ctx->arena, value, value_len);
		if (v->value == NULL) {
			ctx->out_of_memory = true;
		}
		v->value_len = value_len;
	} else {
		v->value = NULL;
		v->value_len = 0;
	}
}

const struct plm_dockerfile_var *
plm_dockerfile_vars_get(const struct plm_dockerfile_vars *vars,
	const char *name, size_t name_len)
{
	if (vars->count == 0) {
		return NULL;
	}
	struct plm_dockerfile_var *v = slot(vars, name, name_len,
		hash_name(name, name_len));
	return v->hash != 0 ? v : NULL;
}

void plm_dockerfile_vars_free(struct plm_dockerfile_vars *vars)
{
	plm_free(vars->slots);
	memset(vars, 0, sizeof(*vars));
}

static enum plm_dockerfile_var_state found(const struct plm_dockerfile_var *v,
	const char **value, size_t *value_len)
{
	if (v == NULL) {
		return PLM_DOCKERFILE_VAR_UNSET;
	}
	if (v->value == NULL) {
		return PLM_DOCKERFILE_VAR_UNKNOWN;
	}
	*value = v->value;
	*value_len = v->value_len;
	return PLM_DOCKERFILE_VAR_SET;
}

bool plm_dockerfile_platform_arg(const char *name, size_t len)
{
	static const char *const names[] = {"BUILDPLATFORM", "BUILDOS",
		"BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM", "TARGETOS",
		"TARGETARCH", "TARGETVARIANT", "TARGETSTAGE"};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (strlen(names[k]) == len &&
			memcmp(names[k], name, len) == 0) {
			return true;
		}
	}
	return false;
}

enum plm_dockerfile_var_state plm_dockerfile_builder_lookup(void *user,
	const char *name, size_t len, const char **value, size_t *value_len)
{
	const struct plm_dockerfile_builder *b = user;
	const struct plm_dockerfile_stage *st = b->current;
	if (st == NULL) {
		const struct plm_dockerfile_var *g =
			plm_dockerfile_vars_get(&b->meta, name, len);
		/* BuildKit defines the platform ARGs for FROM lines itself. */
		if (g == NULL && plm_dockerfile_platform_arg(name, len)) {
			return PLM_DOCKERFILE_VAR_UNKNOWN;
		}
		return found(g, value, value_len);
	}
	/* ENV always wins over ARG; ENV is inherited from parent stages, an
	 * ARG is not: a stage sees the ARGs it declares itself. */
	for (const struct plm_dockerfile_stage *s = st; s != NULL;
		s = s->parent) {
		const struct plm_dockerfile_var *v =
			plm_dockerfile_vars_get(&s->env, name, len);
		if (v != NULL) {
			return found(v, value, value_len);
		}
	}
	return found(plm_dockerfile_vars_get(&st->args, name, len), value,
		value_len);
}

struct plm_dockerfile_stage *plm_dockerfile_stage_find(struct plm_dockerfile_builder
							       *b,
	const char *name, size_t len)
{
	char small[128];
	char *lower = len <= sizeof(small) ? small : plm_malloc(len);
	if (lower == NULL || len == 0) {
		return NULL;
	}
	for (size_t k = 0; k < len; k++) {
		lower[k] = plm_dockerfile_lower(name[k]);
	}
	const struct plm_dockerfile_var *v =
		plm_dockerfile_vars_get(&b->stage_names, lower, len);
	if (lower != small) {
		plm_free(lower);
	}
	if (v == NULL || v->value == NULL) {
		return NULL;
	}
	size_t index = (size_t)strtoull(v->value, NULL, 10);
	return index < b->stage_count ? b->stages[index] : NULL;
}

struct plm_dockerfile_stage *plm_dockerfile_stage_begin(struct plm_dockerfile_builder
								*b,
	struct plm_node *from, const char *name, size_t name_len,
	const char *base, size_t base_len)
{
	struct plm_dockerfile_ctx *ctx = b->ctx;
	if (b->stage_count == b->stage_cap) {
		size_t ncap = b->stage_cap ? b->stage_cap * 2 : 8;
		struct plm_dockerfile_stage **n = plm_realloc(b->stages,
			ncap * sizeof(*n));
		if (n == NULL) {
			ctx->out_of_memory = true;
			return NULL;
		}
		b->stages = n;
		b->stage_cap = ncap;
	}
	struct plm_dockerfile_stage *parent = plm_dockerfile_stage_find(b, base,
		base_len);
	struct plm_dockerfile_stage *st = plm_calloc(1, sizeof(*st));
	if (st == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	b->stages[b->stage_count] = st;
	st->index = b->stage_count++;
	st->from = from;
	if (name != NULL) {
		char *lower = plm_arena_strndup(ctx->arena, name, name_len);
		if (lower == NULL) {
			ctx->out_of_memory = true;
		} else {
			for (size_t i = 0; i < name_len; i++) {
				lower[i] = plm_dockerfile_lower(lower[i]);
			}
		}
		st->name = lower;
		st->name_len = name_len;
		if (lower != NULL) {
			char index[32];
			int n = snprintf(index, sizeof(index), "%zu",
				st->index);
			st->duplicate = plm_dockerfile_vars_get(&b->stage_names,
						lower, name_len) != NULL;
			plm_dockerfile_vars_set(ctx, &b->stage_names, lower,
				name_len, index, (size_t)n);
		}
	}
	if (parent != NULL) {
		if (parent->depth + 1 > PLM_DOCKERFILE_MAX_STAGE_DEPTH) {
			plm_dockerfile_diag(ctx, PLM_DIAG_WARNING,
				"dockerfile/stage-depth-limit", from->span,
				"stages built FROM one another more than %d deep: "
				"this stage does not inherit its parent's settings",
				PLM_DOCKERFILE_MAX_STAGE_DEPTH);
		} else {
			st->parent = parent;
			st->depth = parent->depth + 1;
			st->user = parent->user;
			st->user_from = parent->user_from;
			st->cmd = parent->cmd;
			st->cmd_from = parent->cmd_from;
			st->cmd_shell = parent->cmd_shell;
			st->entrypoint = parent->entrypoint;
			st->entrypoint_from = parent->entrypoint_from;
			st->entrypoint_shell = parent->entrypoint_shell;
			st->shell = parent->shell;
			st->healthcheck = parent->healthcheck;
			st->workdir = parent->workdir;
			st->env_map = parent->env_map;
			st->labels = parent->labels;
			st->windows = parent->windows;
		}
	}
	struct plm_span span = from->span;
	st->node = plm_dockerfile_map(ctx, span);
	st->instructions = plm_dockerfile_seq(ctx, span);
	st->env_pairs = plm_dockerfile_seq(ctx, span);
	st->ports = plm_dockerfile_seq(ctx, span);
	st->volumes = plm_dockerfile_seq(ctx, span);
	b->current = st;
	return st;
}

struct plm_node *plm_dockerfile_map_copy(struct plm_dockerfile_ctx *ctx,
	const struct plm_node *map, struct plm_span span, size_t more)
{
	size_t n = plm_node_count(map);
	struct plm_node *copy = plm_dockerfile_map_cap(ctx, span, n + more);
	if (copy == NULL) {
		ctx->out_of_memory = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct plm_entry *e = &map->as.map.entries[i];
		/* Keys already live in the arena. */
		if (plm_node_append_static(ctx->arena, copy, e->key, e->key_len,
			    e->key_span, e->value) != 0) {
			ctx->out_of_memory = true;
			return copy;
		}
	}
	return copy;
}

/* An empty map standing for "nothing set", flagged implicit. */
static struct plm_node *empty_map(struct plm_dockerfile_ctx *ctx,
	struct plm_span at)
{
	struct plm_node *m = plm_dockerfile_map(ctx, at);
	if (m != NULL) {
		m->flags |= PLM_NODE_IMPLICIT;
	}
	return m;
}

/* The shell a shell-form RUN, CMD or ENTRYPOINT runs with: SHELL, else
 * /bin/sh -c; unknown on a Windows base (cmd /S /C there, unless the
 * image says otherwise). */
static struct plm_node *effective_shell(struct plm_dockerfile_builder *b,
	struct plm_dockerfile_stage *st)
{
	struct plm_dockerfile_ctx *ctx = b->ctx;
	struct plm_span at = st->from->span;
	if (st->shell != NULL) {
		return st->shell;
	}
	if (st->windows) {
		struct plm_node *n = plm_dockerfile_null(ctx, at);
		if (n != NULL) {
			n->flags |= PLM_NODE_UNKNOWN | PLM_NODE_IMPLICIT;
		}
		return n;
	}
	if (b->default_shell == NULL) {
		struct plm_span top = plm_dockerfile_span(ctx, 0, 0);
		struct plm_node *seq = plm_dockerfile_seq(ctx, top);
		struct plm_node *sh = plm_dockerfile_string(ctx, top, "/bin/sh",
			7);
		struct plm_node *c = plm_dockerfile_string(ctx, top, "-c", 2);
		if (seq == NULL || sh == NULL || c == NULL) {
			ctx->out_of_memory = true;
			return NULL;
		}
		seq->flags |= PLM_NODE_IMPLICIT;
		sh->flags |= PLM_NODE_IMPLICIT;
		c->flags |= PLM_NODE_IMPLICIT;
		plm_dockerfile_push(ctx, seq, sh);
		plm_dockerfile_push(ctx, seq, c);
		b->default_shell = seq;
	}
	return b->default_shell;
}

struct plm_node *plm_dockerfile_stage_state(struct plm_dockerfile_builder *b,
	struct plm_dockerfile_stage *st)
{
	struct plm_dockerfile_ctx *ctx = b->ctx;
	if (st->state != NULL) {
		return st->state;
	}
	struct plm_span at = st->from->span;
	if (st->env_map == NULL) {
		st->env_map = empty_map(ctx, at);
	}
	if (st->arg_map == NULL) {
		st->arg_map = empty_map(ctx, at);
	}
	struct plm_node *m = plm_dockerfile_map_cap(ctx, at, 5);
	plm_dockerfile_set(ctx, m, "env", st->env_map);
	plm_dockerfile_set(ctx, m, "args", st->arg_map);
	struct plm_node *wd = st->workdir;
	if (wd == NULL) {
		/* The base image's: not known. */
		wd = plm_dockerfile_null(ctx, at);
		if (wd != NULL) {
			wd->flags |= PLM_NODE_IMPLICIT;
		}
	}
	plm_dockerfile_set(ctx, m, "workdir", wd);
	plm_dockerfile_set(ctx, m, "shell", effective_shell(b, st));
	struct plm_node *user = st->user;
	if (user == NULL) {
		user = plm_dockerfile_null(ctx, at);
		if (user != NULL) {
			user->flags |= PLM_NODE_IMPLICIT;
		}
	}
	plm_dockerfile_set(ctx, m, "user", user);
	st->state = ctx->out_of_memory ? NULL : m;
	return st->state;
}

void plm_dockerfile_builder_finish(struct plm_dockerfile_builder *b)
{
	for (size_t i = 0; i < b->stage_count; i++) {
		plm_dockerfile_vars_free(&b->stages[i]->args);
		plm_dockerfile_vars_free(&b->stages[i]->env);
		plm_free(b->stages[i]);
	}
	plm_free(b->stages);
	b->stages = NULL;
	b->stage_count = b->stage_cap = 0;
	plm_dockerfile_vars_free(&b->meta);
	plm_dockerfile_vars_free(&b->stage_names);
}

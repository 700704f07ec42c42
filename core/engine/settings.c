/*
 * engine/settings.c - the table of requested policy settings, and turning
 * their text into typed values against what a policy declares.
 */
#include "engine/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

struct setting_entry {
	char *rule;
	char *key;
	char *value;
	char *origin;
};

struct plm_settings {
	struct setting_entry *items;
	size_t count;
	size_t cap;
};

struct plm_settings *plm_settings_create(void)
{
	return plm_calloc(1, sizeof(struct plm_settings));
}

void plm_settings_destroy(struct plm_settings *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t i = 0; i < s->count; i++) {
		plm_free(s->items[i].rule);
		plm_free(s->items[i].key);
		plm_free(s->items[i].value);
		plm_free(s->items[i].origin);
	}
	plm_free(s->items);
	plm_free(s);
}

int plm_settings_add(struct plm_settings *s, const char *text,
	const char *origin, char **error)
{
	*error = NULL;
	const char *eq = strchr(text, '=');
	const char *dot = NULL;
	for (const char *p = text; eq != NULL && p < eq; p++) {
		if (*p == '.') {
			dot = p;
		}
	}
	if (eq == NULL || dot == NULL || dot == text || dot + 1 == eq) {
		*error = plm_engine_strdupf("%s %s: expected RULE.KEY=VALUE",
			origin, text);
		return *error != NULL ? PLM_EINVAL : PLM_ENOMEM;
	}
	if (strlen(eq + 1) > PLM_SETTING_MAX_VALUE) {
		*error = plm_engine_strdupf("%s %.*s: the value is longer than "
					    "%d bytes",
			origin, (int)(eq - text), text, PLM_SETTING_MAX_VALUE);
		return *error != NULL ? PLM_EINVAL : PLM_ENOMEM;
	}
	if (s->count == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		struct setting_entry *n = plm_realloc(s->items,
			ncap * sizeof(*n));
		if (n == NULL) {
			return PLM_ENOMEM;
		}
		s->items = n;
		s->cap = ncap;
	}
	struct setting_entry *e = &s->items[s->count];
	e->rule = plm_strndup(text, (size_t)(dot - text));
	e->key = plm_strndup(dot + 1, (size_t)(eq - dot - 1));
	e->value = plm_strdup(eq + 1);
	e->origin = plm_strdup(origin);
	if (e->rule == NULL || e->key == NULL || e->value == NULL ||
		e->origin == NULL) {
		plm_free(e->rule);
		plm_free(e->key);
		plm_free(e->value);
		plm_free(e->origin);
		return PLM_ENOMEM;
	}
	s->count++;
	return 0;
}

size_t plm_settings_count(const struct plm_settings *s)
{
	return s != NULL ? s->count : 0;
}

void plm_settings_at(const struct plm_settings *s, size_t i, const char **rule,
	const char **key, const char **value, const char **origin)
{
	const struct setting_entry *e = &s->items[i];
	*rule = e->rule;
	*key = e->key;
	*value = e->value;
	*origin = e->origin;
}

const char *plm_setting_type_name(enum plm_setting_type t)
{
	switch (t) {
	case PLM_SETTING_STRING:
		return "string";
	case PLM_SETTING_INT:
		return "int";
	case PLM_SETTING_BOOL:
		return "bool";
	case PLM_SETTING_LIST:
		return "list";
	}
	return "?";
}

const char *plm_setting_format(enum plm_setting_type t,
	const struct plm_setting_value *v, char *buf, size_t len)
{
	buf[0] = '\0';
	switch (t) {
	case PLM_SETTING_STRING:
		snprintf(buf, len, "%s", v->string);
		break;
	case PLM_SETTING_INT:
		snprintf(buf, len, "%lld", v->integer);
		break;
	case PLM_SETTING_BOOL:
		snprintf(buf, len, "%s", v->boolean ? "true" : "false");
		break;
	case PLM_SETTING_LIST: {
		size_t used = 0;
		for (const char *const *p = v->list; *p != NULL && used < len;
			p++) {
			int n = snprintf(buf + used, len - used, "%s%s",
				p != v->list ? "," : "", *p);
			used += n > 0 ? (size_t)n : 0;
		}
		break;
	}
	}
	return buf;
}

/* Splits "a,b, c" into a NULL-terminated list of trimmed, non-empty
 * items in the arena; "" is the empty list. */
static const char *const *parse_list(const char *text, struct plm_arena *a,
	const char **problem)
{
	size_t n = 1;
	for (const char *p = text; *p != '\0'; p++) {
		n += *p == ',';
	}
	if (n > PLM_SETTING_MAX_LIST) {
		*problem = "a list holds at most 256 items";
		return NULL;
	}
	const char **list = plm_arena_alloc(a, (n + 1) * sizeof(*list));
	if (list == NULL) {
		*problem = "out of memory";
		return NULL;
	}
	size_t count = 0;
	const char *p = text;
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		if (end == NULL) {
			end = p + strlen(p);
		}
		const char *s = p, *e = end;
		while (s < e && (*s == ' ' || *s == '\t')) {
			s++;
		}
		while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
			e--;
		}
		if (s == e) {
			*problem = "a list item is empty";
			return NULL;
		}
		list[count] = plm_arena_strndup(a, s, (size_t)(e - s));
		if (list[count++] == NULL) {
			*problem = "out of memory";
			return NULL;
		}
		p = *end == ',' ? end + 1 : end;
	}
	list[count] = NULL;
	return list;
}

int plm_setting_parse(const struct plm_setting_decl *d, const char *text,
	struct plm_arena *a, struct plm_setting_value *out,
	const char **problem)
{
	memset(out, 0, sizeof(*out));
	*problem = NULL;
	switch (d->type) {
	case PLM_SETTING_STRING:
		out->string = plm_arena_strdup(a, text);
		*problem = out->string == NULL ? "out of memory" : NULL;
		break;
	case PLM_SETTING_INT: {
		char *end = NULL;
		errno = 0;
		long long v = strtoll(text, &end, 10);
		if (text[0] == '\0' || *end != '\0' || errno == ERANGE ||
			v < INT_MIN || v > INT_MAX) {
			*problem = "expected an integer";
		}
		out->integer = v;
		break;
	}
	case PLM_SETTING_BOOL:
		if (strcmp(text, "true") == 0) {
			out->boolean = true;
		} else if (strcmp(text, "false") != 0) {
			*problem = "expected true or false";
		}
		break;
	case PLM_SETTING_LIST:
		out->list = parse_list(text, a, problem);
		break;
	}
	return *problem == NULL ? 0 : PLM_EINVAL;
}

static bool is_named(const struct plm_rule_info *r, const char *name)
{
	if (strcmp(r->id, name) == 0) {
		return true;
	}
	for (const char *const *a = r->aliases; a != NULL && *a; a++) {
		if (strcmp(*a, name) == 0) {
			return true;
		}
	}
	return false;
}

/* "a, b, c" of the settings p declares, or "none", into buf. */
static const char *declared(const struct plm_policy *p, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < p->setting_count && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
			p->settings[i].name);
		used += n > 0 ? (size_t)n : 0;
	}
	return p->setting_count > 0 ? buf : "none";
}

static int apply_one(struct plm_policy *all, size_t count,
	const struct plm_settings *s, size_t k, struct plm_arena *arena,
	char **error)
{
	const char *rule, *key, *text, *origin;
	plm_settings_at(s, k, &rule, &key, &text, &origin);
	struct plm_policy *p = NULL;
	for (size_t i = 0; i < count && p == NULL; i++) {
		p = is_named(&all[i].info, rule) ? &all[i] : NULL;
	}
	if (p == NULL) {
		*error = plm_engine_strdupf("%s %s.%s=%s: no rule '%s' is "
					    "loaded",
			origin, rule, key, text, rule);
		return PLM_EINVAL;
	}
	for (size_t i = 0; i < p->setting_count; i++) {
		const struct plm_setting_decl *d = &p->settings[i];
		if (strcmp(d->name, key) != 0) {
			continue;
		}
		const char *problem = NULL;
		struct plm_setting_value *v =
			(struct plm_setting_value *)&p->values.values[i];
		if (plm_setting_parse(d, text, arena, v, &problem) != 0) {
			*error = plm_engine_strdupf("%s %s.%s=%s: %s (the "
						    "setting is of type %s)",
				origin, rule, key, text, problem,
				plm_setting_type_name(d->type));
			return PLM_EINVAL;
		}
		return 0;
	}
	char names[512];
	*error = plm_engine_strdupf("%s %s.%s=%s: rule %s has no setting "
				    "'%s' (its settings: %s)",
		origin, rule, key, text, p->info.id, key,
		declared(p, names, sizeof(names)));
	return PLM_EINVAL;
}

int plm_engine_apply_settings(struct plm_policy *all, size_t count,
	const struct plm_settings *s, struct plm_arena *arena, char **error)
{
	for (size_t i = 0; i < count; i++) {
		struct plm_policy *p = &all[i];
		struct plm_setting_value *values = plm_arena_alloc(arena,
			(p->setting_count ? p->setting_count : 1) *
				sizeof(*values));
		if (values == NULL) {
			return PLM_ENOMEM;
		}
		for (size_t k = 0; k < p->setting_count; k++) {
			values[k] = p->settings[k].fallback;
		}
		p->values.decls = p->settings;
		p->values.values = values;
		p->values.count = p->setting_count;
	}
	for (size_t k = 0; k < plm_settings_count(s); k++) {
		int rc = apply_one(all, count, s, k, arena, error);
		if (rc != 0) {
			return *error != NULL ? rc : PLM_ENOMEM;
		}
	}
	return 0;
}

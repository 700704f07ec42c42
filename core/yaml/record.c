/*
 * yaml/record.c - container records with every field present.
 */
#include "yaml/record.h"

#include <string.h>

#include "model/image.h"
#include "model/user.h"

static struct plm_node *implicit(struct plm_node *n)
{
	if (n != NULL) {
		n->flags |= PLM_NODE_IMPLICIT;
	}
	return n;
}

struct plm_node *plm_record_implicit_null(struct plm_arena *arena,
	struct plm_span decl)
{
	return implicit(plm_node_null(arena, decl));
}

static int add(struct plm_arena *a, struct plm_node *map, const char *key,
	struct plm_node *value)
{
	if (value == NULL) {
		return PLM_ENOMEM;
	}
	return plm_node_append(a, map, key, strlen(key), map->span, value);
}

static struct plm_node *null_map(struct plm_arena *a, struct plm_span decl,
	const char *const *keys)
{
	struct plm_node *m = implicit(plm_node_map(a, decl));
	if (m == NULL) {
		return NULL;
	}
	for (size_t i = 0; keys[i] != NULL; i++) {
		if (add(a, m, keys[i], plm_record_implicit_null(a, decl)) != 0) {
			return NULL;
		}
	}
	return m;
}

struct plm_node *plm_record_new(struct plm_arena *a, struct plm_span decl,
	const char *origin, const char *role)
{
	static const char *const workload_keys[] = {"kind", "name",
		"namespace", NULL};
	static const char *const user_keys[] = {"text", "name", "uid",
		"group", "gid", "root", NULL};
	static const char *const host_keys[] = {"network", "pid", "ipc",
		"users", NULL};
	struct plm_node *r = plm_node_map(a, decl);
	if (r == NULL) {
		return NULL;
	}
	struct plm_node *caps = implicit(plm_node_map(a, decl));
	struct plm_node *shell = implicit(plm_node_map(a, decl));
	if (caps == NULL || shell == NULL ||
		add(a, caps, "add", implicit(plm_node_seq(a, decl))) != 0 ||
		add(a, caps, "drop", implicit(plm_node_seq(a, decl))) != 0 ||
		add(a, shell, "command",
			implicit(plm_node_bool(a, decl, false))) != 0 ||
		add(a, shell, "entrypoint",
			implicit(plm_node_bool(a, decl, false))) != 0) {
		return NULL;
	}
	struct plm_node *origin_node = plm_node_cstring(a, decl, origin);
	struct plm_node *role_node = plm_node_cstring(a, decl, role);
	if (origin_node == NULL || role_node == NULL) {
		return NULL;
	}
	origin_node->flags |= PLM_NODE_IMPLICIT;
	role_node->flags |= PLM_NODE_IMPLICIT;
	if (add(a, r, "name", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "origin", origin_node) != 0 ||
		add(a, r, "role", role_node) != 0 ||
		add(a, r, "workload", null_map(a, decl, workload_keys)) != 0 ||
		add(a, r, "image", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "user", null_map(a, decl, user_keys)) != 0 ||
		add(a, r, "run_as_non_root", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "privileged", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "allow_privilege_escalation",
			plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "read_only_rootfs", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "capabilities", caps) != 0 ||
		add(a, r, "host", null_map(a, decl, host_keys)) != 0 ||
		add(a, r, "seccomp", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "apparmor", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "selinux", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "mounts", implicit(plm_node_seq(a, decl))) != 0 ||
		add(a, r, "ports", implicit(plm_node_seq(a, decl))) != 0 ||
		add(a, r, "command", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "entrypoint", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "shell_form", shell) != 0 ||
		add(a, r, "lifecycle", implicit(plm_node_seq(a, decl))) != 0 ||
		add(a, r, "env", implicit(plm_node_seq(a, decl))) != 0 ||
		add(a, r, "healthcheck", plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "automount_service_account_token",
			plm_record_implicit_null(a, decl)) != 0 ||
		add(a, r, "build", plm_record_implicit_null(a, decl)) != 0) {
		return NULL;
	}
	return r;
}

int plm_record_set(struct plm_arena *a, struct plm_node *record,
	const char *field, struct plm_node *value)
{
	if (value == NULL) {
		return PLM_ENOMEM;
	}
	const struct plm_entry *e = plm_node_entry(record, field);
	struct plm_span key_span = e ? e->key_span : record->span;
	return plm_node_set(a, record, field, key_span, value);
}

int plm_record_set_in(struct plm_arena *a, struct plm_node *record,
	const char *field, const char *key, struct plm_node *value)
{
	if (value == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *m = plm_node_get(record, field);
	if (m == NULL || m->kind != PLM_NODE_MAP) {
		return PLM_EINVAL;
	}
	/* The map now holds something written: it is no longer implicit. */
	if (!(value->flags & PLM_NODE_IMPLICIT)) {
		m->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
	}
	const struct plm_entry *e = plm_node_entry(m, key);
	return plm_node_set(a, m, key, e ? e->key_span : m->span, value);
}

/* Adds flags to a node and, for a map, to its values. */
static void flag_all(struct plm_node *n, uint32_t flags)
{
	n->flags |= flags;
	if (n->kind == PLM_NODE_MAP) {
		for (size_t i = 0; i < n->as.map.count; i++) {
			n->as.map.entries[i].value->flags |= flags;
		}
	}
}

struct plm_node *plm_record_image(struct plm_arena *a,
	const struct plm_node *text)
{
	struct plm_node *m = NULL;
	if (text->kind != PLM_NODE_STRING ||
		plm_image_parse(a, text->as.string.ptr, text->as.string.len,
			text->span, &m) != 0 || m == NULL) {
		return NULL;
	}
	flag_all(m, text->flags & (PLM_NODE_INTERPOLATED | PLM_NODE_INHERITED));
	return m;
}

struct plm_node *plm_record_user(struct plm_arena *a,
	const struct plm_node *text)
{
	struct plm_node *m = NULL;
	if (text->kind != PLM_NODE_STRING ||
		plm_user_parse(a, text->as.string.ptr, text->as.string.len,
			text->span, &m) != 0 || m == NULL) {
		return NULL;
	}
	flag_all(m, text->flags & (PLM_NODE_INTERPOLATED | PLM_NODE_INHERITED));
	return m;
}

struct plm_node *plm_record_flagged(struct plm_arena *a,
	const struct plm_node *node, uint32_t flags)
{
	struct plm_node *c = plm_node_clone(a, node);
	if (c != NULL) {
		c->flags |= flags;
	}
	return c;
}

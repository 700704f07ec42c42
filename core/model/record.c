/*
 * model/record.c - the container record: its one schema and its builder.
 */
#include "model/record.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "model/image.h"
#include "model/quantity.h"
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
	return plm_node_append_static(a, map, key, strlen(key), map->span,
		value);
}

static struct plm_node *null_map(struct plm_arena *a, struct plm_span decl,
	const char *const *keys)
{
	size_t count = 0;
	while (keys[count] != NULL) {
		count++;
	}
	struct plm_node *m = implicit(plm_node_map_sized(a, decl, count));
	if (m == NULL) {
		return NULL;
	}
	for (size_t i = 0; keys[i] != NULL; i++) {
		if (add(a, m, keys[i], plm_record_implicit_null(a, decl)) !=
			0) {
			return NULL;
		}
	}
	return m;
}

/*
 * The record's schema: every top-level field, in dump order, with the shape
 * of its default. A map default lists its keys (each an implicit null).
 */
/* D_ORIGIN and D_ROLE: the values plm_record_new is given. */
enum dflt {
	D_NULL,
	D_SEQ,
	D_MAP,
	D_CAPS,
	D_SHELL,
	D_RES,
	D_FALSE,
	D_ORIGIN,
	D_ROLE
};

struct field {
	const char *name;
	enum dflt dflt;
	const char *const *keys; /* D_MAP */
};

static const char *const workload_keys[] = {"kind", "name", "namespace", NULL};
static const char *const user_keys[] = {"text", "name", "uid", "group", "gid",
	"root", NULL};
static const char *const host_keys[] = {"network", "pid", "ipc", "users", "uts",
	"cgroup", NULL};

static const char *const probe_keys[] = {"liveness", "readiness", "startup",
	NULL};
static const char *const group_keys[] = {"fs_group", "supplemental", NULL};

static const struct field fields[] = {
	{"name", D_NULL, NULL},
	{"origin", D_ORIGIN, NULL},
	{"role", D_ROLE, NULL},
	{"workload", D_MAP, workload_keys},
	{"image", D_NULL, NULL},
	{"user", D_MAP, user_keys},
	{"run_as_non_root", D_NULL, NULL},
	{"privileged", D_NULL, NULL},
	{"allow_privilege_escalation", D_NULL, NULL},
	{"read_only_rootfs", D_NULL, NULL},
	{"capabilities", D_CAPS, NULL},
	{"host", D_MAP, host_keys},
	{"seccomp", D_NULL, NULL},
	{"apparmor", D_NULL, NULL},
	{"selinux", D_NULL, NULL},
	{"mounts", D_SEQ, NULL},
	{"ports", D_SEQ, NULL},
	{"command", D_NULL, NULL},
	{"entrypoint", D_NULL, NULL},
	{"shell_form", D_SHELL, NULL},
	{"lifecycle", D_SEQ, NULL},
	{"env", D_SEQ, NULL},
	{"healthcheck", D_NULL, NULL},
	{"automount_service_account_token", D_NULL, NULL},
	{"build", D_NULL, NULL},
	{"source", D_NULL, NULL},
	{"pod", D_NULL, NULL},
	{"resources", D_RES, NULL},
	{"probes", D_MAP, probe_keys},
	{"image_pull_policy", D_NULL, NULL},
	{"proc_mount", D_NULL, NULL},
	{"groups", D_MAP, group_keys},
	{"service_account_name", D_NULL, NULL},
	{"env_from", D_SEQ, NULL},
	{"sysctls", D_SEQ, NULL},
	{"runtime_class", D_NULL, NULL},
	{"restart_policy", D_NULL, NULL},
	{"sidecar", D_FALSE, NULL},
	{"pids_limit", D_NULL, NULL},
	{"devices", D_SEQ, NULL},
	{"ulimits", D_SEQ, NULL},
	{"tmpfs", D_SEQ, NULL},
	{"secrets", D_SEQ, NULL},
	{"configs", D_SEQ, NULL},
	{"profiles", D_SEQ, NULL},
	{"publish_all", D_FALSE, NULL},
};

static const char *const amount_keys[] = {"cpu", "memory", NULL};

static struct plm_node *default_of(struct plm_arena *a, struct plm_span decl,
	const struct field *f)
{
	struct plm_node *m;
	switch (f->dflt) {
	case D_SEQ:
		return implicit(plm_node_seq(a, decl));
	case D_MAP:
		return null_map(a, decl, f->keys);
	case D_CAPS:
		m = implicit(plm_node_map(a, decl));
		if (m == NULL ||
			add(a, m, "add", implicit(plm_node_seq(a, decl))) !=
				0 ||
			add(a, m, "drop", implicit(plm_node_seq(a, decl))) !=
				0) {
			return NULL;
		}
		return m;
	case D_SHELL:
		m = implicit(plm_node_map(a, decl));
		if (m == NULL ||
			add(a, m, "command",
				implicit(plm_node_bool(a, decl, false))) != 0 ||
			add(a, m, "entrypoint",
				implicit(plm_node_bool(a, decl, false))) != 0) {
			return NULL;
		}
		return m;
	case D_RES:
		m = implicit(plm_node_map(a, decl));
		if (m == NULL ||
			add(a, m, "requests", null_map(a, decl, amount_keys)) !=
				0 ||
			add(a, m, "limits", null_map(a, decl, amount_keys)) !=
				0) {
			return NULL;
		}
		return m;
	case D_FALSE:
		return implicit(plm_node_bool(a, decl, false));
	case D_NULL:
	default:
		return plm_record_implicit_null(a, decl);
	}
}

size_t plm_record_field_count(void)
{
	return sizeof(fields) / sizeof(fields[0]);
}

const char *plm_record_field_name(size_t i)
{
	return i < plm_record_field_count() ? fields[i].name : NULL;
}

struct plm_node *plm_record_new(struct plm_arena *a, struct plm_span decl,
	const char *origin, const char *role)
{
	struct plm_node *r = plm_node_map_sized(a, decl,
		plm_record_field_count());
	if (r == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < plm_record_field_count(); i++) {
		struct plm_node *v;
		if (fields[i].dflt == D_ORIGIN || fields[i].dflt == D_ROLE) {
			v = implicit(plm_node_cstring(a, decl,
				fields[i].dflt == D_ORIGIN ? origin : role));
		} else {
			v = default_of(a, decl, &fields[i]);
		}
		if (add(a, r, fields[i].name, v) != 0) {
			return NULL;
		}
	}
	return r;
}

int plm_record_set(struct plm_arena *a, struct plm_node *record,
	const char *field, struct plm_node *value)
{
	if (value == NULL) {
		return PLM_ENOMEM;
	}
	/* One look-up: a record has every field (plm_record_new). */
	struct plm_entry *e = (struct plm_entry *)plm_node_entry(record, field);
	if (e != NULL) {
		e->value = value;
		return 0;
	}
	return plm_node_set(a, record, field, record->span, value);
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
	struct plm_entry *e = (struct plm_entry *)plm_node_entry(m, key);
	if (e != NULL) {
		e->value = value;
		return 0;
	}
	return plm_node_set(a, m, key, m->span, value);
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
			text->span, &m) != 0 ||
		m == NULL) {
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
			text->span, &m) != 0 ||
		m == NULL) {
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

struct plm_node *plm_record_capability(struct plm_arena *a,
	const struct plm_node *name, uint32_t clear)
{
	const char *s = plm_node_str(name);
	if (s == NULL) {
		return NULL;
	}
	size_t len = name->as.string.len;
	if (len > 4 && strncasecmp(s, "CAP_", 4) == 0) {
		s += 4;
		len -= 4;
	}
	struct plm_node *n = plm_node_string(a, name->span, s, len);
	if (n == NULL) {
		return NULL;
	}
	char *p = (char *)n->as.string.ptr;
	for (size_t i = 0; i < len; i++) {
		p[i] = (char)toupper((unsigned char)p[i]);
	}
	n->flags = name->flags & ~clear;
	n->text = name->text;
	n->text_len = name->text_len;
	return n;
}

struct plm_node *plm_record_unknown(struct plm_doc *doc,
	const struct plm_node *written, const char *field, const char *expected)
{
	plm_doc_diag(doc, PLM_DIAG_NOTE, "model/wrong-shape", written->span,
		"%s should be %s (found: %s); the container is read with "
		"%s unknown",
		field, expected, plm_node_kind_name(written->kind), field);
	struct plm_node *n = plm_node_null(doc->arena, written->span);
	if (n != NULL) {
		n->flags |= PLM_NODE_UNKNOWN;
	}
	return n;
}

struct plm_node *plm_record_link(struct plm_arena *a,
	const struct plm_node *target)
{
	struct plm_node *n = plm_node_seq(a, target->span);
	if (n == NULL || plm_node_push(a, n, (struct plm_node *)target) != 0) {
		return NULL;
	}
	n->flags |= PLM_NODE_LINK;
	return n;
}

struct plm_node *plm_record_quantity(struct plm_doc *doc,
	const struct plm_node *written, const char *field, bool cpu,
	bool docker)
{
	const char *s = written->kind == PLM_NODE_STRING
		? written->as.string.ptr
		: written->text;
	size_t len = written->kind == PLM_NODE_STRING ? written->as.string.len
						      : written->text_len;
	int64_t v = 0;
	bool ok = false;
	if (s != NULL &&
		(written->kind == PLM_NODE_STRING ||
			written->kind == PLM_NODE_INT ||
			written->kind == PLM_NODE_FLOAT)) {
		ok = docker && !cpu
			? plm_quantity_docker_bytes(s, len, &v)
			: plm_quantity_kube(s, len, cpu ? 1000 : 1, &v);
	}
	if (!ok) {
		return plm_record_unknown(doc, written, field,
			cpu ? "a CPU quantity (500m, 1.5)"
			    : "a memory quantity (512Mi, 1G)");
	}
	struct plm_node *n = plm_node_int(doc->arena, written->span, v);
	if (n != NULL) {
		n->flags = written->flags &
			(PLM_NODE_INTERPOLATED | PLM_NODE_INHERITED);
		n->text = written->text;
		n->text_len = written->text_len;
	}
	return n;
}

/* A copy of n with extra flags (NULL stays NULL: the caller fills it). */
static struct plm_node *copy_flagged(struct plm_arena *a,
	const struct plm_node *n, uint32_t flags)
{
	if (n == NULL) {
		return NULL;
	}
	if (flags == 0) {
		return (struct plm_node *)n;
	}
	return plm_record_flagged(a, n, flags);
}

static struct plm_node *from_node(struct plm_arena *a, struct plm_span at,
	const char *from, uint32_t flags)
{
	struct plm_node *n = plm_node_cstring(a, at, from);
	if (n != NULL) {
		n->flags |= flags;
	}
	return n;
}

struct plm_node *plm_record_profile(struct plm_arena *a, struct plm_span at,
	const struct plm_node *type, const struct plm_node *profile,
	const char *from, uint32_t flags)
{
	struct plm_node *m = plm_node_map(a, at);
	struct plm_node *t = type ? copy_flagged(a, type, flags)
				  : plm_record_implicit_null(a, at);
	struct plm_node *p = profile ? copy_flagged(a, profile, flags)
				     : plm_record_implicit_null(a, at);
	if (m == NULL || t == NULL || p == NULL) {
		return NULL;
	}
	m->flags |= flags;
	t->flags |= flags;
	p->flags |= flags;
	if (add(a, m, "type", t) != 0 || add(a, m, "profile", p) != 0 ||
		add(a, m, "from", from_node(a, at, from, flags)) != 0) {
		return NULL;
	}
	return m;
}

static const char *const selinux_keys[] = {"user", "role", "type", "level",
	NULL};

struct plm_node *plm_record_selinux(struct plm_arena *a, struct plm_span at,
	const char *from, uint32_t flags)
{
	struct plm_node *m = null_map(a, at, selinux_keys);
	if (m == NULL) {
		return NULL;
	}
	m->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
	m->flags |= flags;
	if (add(a, m, "disabled", implicit(plm_node_bool(a, at, false))) != 0 ||
		add(a, m, "from", from_node(a, at, from, flags)) != 0) {
		return NULL;
	}
	return m;
}

int plm_record_selinux_set(struct plm_arena *a, struct plm_node *selinux,
	const char *key, const struct plm_node *value)
{
	uint32_t flags = selinux->flags & PLM_NODE_INHERITED;
	struct plm_node *v = copy_flagged(a, value, flags);
	if (v == NULL) {
		return PLM_ENOMEM;
	}
	const struct plm_entry *e = plm_node_entry(selinux, key);
	return plm_node_set(a, selinux, key, e ? e->key_span : selinux->span,
		v);
}

struct plm_node *plm_record_protocol(struct plm_doc *doc,
	const struct plm_node *written, struct plm_span at, uint32_t clear)
{
	struct plm_arena *a = doc->arena;
	if (written == NULL || written->kind == PLM_NODE_NULL) {
		return implicit(plm_node_cstring(a, at, "tcp"));
	}
	const char *s = plm_node_str(written);
	if (s == NULL) {
		return plm_record_unknown(doc, written, "protocol",
			"tcp, udp or sctp");
	}
	struct plm_node *n = plm_node_string(a, written->span, s,
		written->as.string.len);
	if (n == NULL) {
		return NULL;
	}
	char *p = (char *)n->as.string.ptr;
	for (size_t i = 0; i < n->as.string.len; i++) {
		p[i] = (char)tolower((unsigned char)p[i]);
	}
	n->flags = written->flags & ~clear;
	n->text = written->text;
	n->text_len = written->text_len;
	return n;
}

struct plm_node *plm_record_unknown_amounts(struct plm_doc *doc,
	const struct plm_node *written, const char *field, const char *expected)
{
	struct plm_node *u = plm_record_unknown(doc, written, field, expected);
	struct plm_node *m = plm_node_map(doc->arena, written->span);
	if (u == NULL || m == NULL || add(doc->arena, m, "cpu", u) != 0 ||
		add(doc->arena, m, "memory", plm_node_clone(doc->arena, u)) !=
			0) {
		return NULL;
	}
	m->flags |= PLM_NODE_UNKNOWN;
	return m;
}

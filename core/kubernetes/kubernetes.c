/*
 * kubernetes/kubernetes.c - workloads to container records.
 *
 * Precedence (the API's): a container's securityContext field wins over the
 * pod's; runAsUser, runAsGroup, runAsNonRoot, seccompProfile,
 * seLinuxOptions and appArmorProfile are inherited from the pod (flagged
 * PLM_NODE_INHERITED, spanning where the pod wrote them); privileged,
 * allowPrivilegeEscalation, capabilities, readOnlyRootFilesystem and
 * procMount are container-level only. The legacy annotations come after the
 * fields at the same level: container field, container annotation, pod
 * field, pod annotation.
 */
#include "kubernetes/kubernetes.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "yaml/keyset.h"
#include "model/record.h"
#include "yaml/yaml.h"

/* How deep `List` items may nest (a List of Lists...). */
#define PLM_KUBERNETES_MAX_LIST_DEPTH 8

struct builder {
	struct plm_doc *doc;
	struct plm_arena *a;
	int64_t pods; /* pods read so far: the next id */
	/* the object and pod spec whose string fields were last checked: a
	 * value shared by several records gets one note */
	const struct plm_node *noted_object;
	const struct plm_node *noted_spec;
};

struct pod {
	const struct plm_node *object;   /* the top-level object */
	const struct plm_node *spec;     /* the pod spec */
	const struct plm_node *meta;     /* the pod's metadata (annotations) */
	const struct plm_node *security; /* spec.securityContext */
	struct plm_node *workload;       /* {kind, name, namespace} */
	struct plm_node *identity;       /* the record's pod: {id, source} */
	struct plm_node *sysctls;        /* shared by the records, or NULL */
	/* name -> index: pod volumes, annotation keys (linear lookups would
	 * make a hostile pod quadratic) */
	struct plm_keyset volumes;
	struct plm_keyset annotations;
};

static bool is_map(const struct plm_node *n)
{
	return n != NULL && n->kind == PLM_NODE_MAP;
}

static bool is_seq(const struct plm_node *n)
{
	return n != NULL && n->kind == PLM_NODE_SEQ;
}

static const struct plm_node *path(const struct plm_node *n,
	const char *const *keys)
{
	for (size_t i = 0; keys[i] != NULL && n != NULL; i++) {
		n = plm_node_get(n, keys[i]);
	}
	return n;
}

static struct plm_node *inherited(struct builder *b, const struct plm_node *n)
{
	return plm_record_flagged(b->a, n, PLM_NODE_INHERITED);
}

/* A field of the container's securityContext, else the pod's (inherited),
 * else NULL. *from_pod says which. */
static const struct plm_node *pick(const struct plm_node *sc,
	const struct plm_node *psc, const char *key, bool *from_pod)
{
	const struct plm_node *v = plm_node_get(sc, key);
	*from_pod = false;
	if (v != NULL && v->kind != PLM_NODE_NULL) {
		return v;
	}
	v = plm_node_get(psc, key);
	if (v != NULL && v->kind != PLM_NODE_NULL) {
		*from_pod = true;
		return v;
	}
	return NULL;
}

static struct plm_node *as_written(struct builder *b, const struct plm_node *n,
	bool from_pod)
{
	return from_pod ? inherited(b, n) : (struct plm_node *)n;
}

/* A boolean field: a YAML boolean as is; the strings true/false (as the
 * API server would refuse them, a warning) as booleans; anything else is
 * reported and left unset. */
static int set_bool(struct builder *b, struct plm_node *rec, const char *field,
	struct plm_node *v, bool from_pod)
{
	if (v == NULL || v->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (v->kind == PLM_NODE_BOOL) {
		return plm_record_set(b->a, rec, field,
			as_written(b, v, from_pod));
	}
	const char *s = plm_node_str(v);
	bool value = s != NULL && strcmp(s, "true") == 0;
	if (s == NULL || (!value && strcmp(s, "false") != 0)) {
		plm_doc_diag(b->doc, PLM_DIAG_WARNING,
			"kubernetes/not-a-boolean", v->span,
			"expected true or false here, not a %s",
			plm_node_kind_name(v->kind));
		return 0;
	}
	plm_doc_diag(b->doc, PLM_DIAG_WARNING, "kubernetes/not-a-boolean",
		v->span,
		"a quoted \"%s\" is a string, which the API server "
		"refuses where a boolean is expected; read as %s",
		s, s);
	struct plm_node *n = plm_node_bool(b->a, v->span, value);
	if (n == NULL) {
		return PLM_ENOMEM;
	}
	n->flags = v->flags & ~(uint32_t)PLM_NODE_QUOTED;
	n->text = v->text;
	n->text_len = v->text_len;
	if (from_pod) {
		n->flags |= PLM_NODE_INHERITED;
	}
	return plm_record_set(b->a, rec, field, n);
}

static int set_written(struct builder *b, struct plm_node *rec,
	const char *field, const struct plm_node *map, const char *key)
{
	struct plm_node *v = plm_node_get(map, key);
	if (v == NULL || v->kind == PLM_NODE_NULL) {
		return 0;
	}
	return plm_record_set(b->a, rec, field, v);
}

/* A string field: a string as written (flagged inherited when from_pod);
 * any other shape is null flagged unknown, with a note (model/wrong-shape)
 * unless `quiet`. Not written (or null): *out is NULL. */
static int text_field(struct builder *b, const struct plm_node *v,
	const char *field, bool from_pod, bool quiet, struct plm_node **out)
{
	*out = NULL;
	if (v == NULL || v->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (v->kind == PLM_NODE_STRING) {
		*out = from_pod ? inherited(b, v) : (struct plm_node *)v;
		return *out != NULL ? 0 : PLM_ENOMEM;
	}
	struct plm_node *n = quiet
		? plm_node_null(b->a, v->span)
		: plm_record_unknown(b->doc, v, field, "a string");
	if (n != NULL) {
		n->flags |= PLM_NODE_UNKNOWN |
			(from_pod ? PLM_NODE_INHERITED : 0);
	}
	*out = n;
	return n != NULL ? 0 : PLM_ENOMEM;
}

static int set_text(struct builder *b, struct plm_node *rec, const char *field,
	const struct plm_node *map, const char *key, bool from_pod, bool quiet)
{
	struct plm_node *n;
	int rc = text_field(b, plm_node_get(map, key), key, from_pod, quiet,
		&n);
	return rc != 0 || n == NULL ? rc : plm_record_set(b->a, rec, field, n);
}

/* When map[key] is written but is not a list: a note, and `field` of the
 * record (in `within`, e.g. "capabilities", or the record itself when
 * NULL) is unknown; true then, and the caller reads no further. */
static bool not_a_list(struct builder *b, struct plm_node *rec,
	const char *within, const char *field, const struct plm_node *map,
	const char *key, const char *expected, int *rc)
{
	const struct plm_node *n = plm_node_get(map, key);
	if (n == NULL || n->kind == PLM_NODE_NULL || is_seq(n)) {
		return false;
	}
	struct plm_node *u = plm_record_unknown(b->doc, n, key, expected);
	*rc = within ? plm_record_set_in(b->a, rec, within, field, u)
		     : plm_record_set(b->a, rec, field, u);
	return true;
}

/* command / args: a list of strings as written, else unknown. */
static int set_argv(struct builder *b, struct plm_node *rec, const char *field,
	const struct plm_node *c, const char *key)
{
	int rc = 0;
	if (not_a_list(b, rec, NULL, field, c, key, "a list of strings", &rc)) {
		return rc;
	}
	return set_written(b, rec, field, c, key);
}

/* ---- user ------------------------------------------------------------ */

static int set_user(struct builder *b, struct plm_node *rec,
	const struct plm_node *sc, const struct plm_node *psc)
{
	bool uid_pod, gid_pod;
	const struct plm_node *uid = pick(sc, psc, "runAsUser", &uid_pod);
	const struct plm_node *gid = pick(sc, psc, "runAsGroup", &gid_pod);
	int rc = 0;
	if (uid != NULL) {
		struct plm_node *text;
		if (uid->kind == PLM_NODE_INT) {
			text = plm_node_string(b->a, uid->span, uid->text,
				uid->text_len);
		} else {
			text = plm_node_clone(b->a, uid);
			if (text != NULL && text->kind != PLM_NODE_STRING) {
				text = plm_node_cstring(b->a, uid->span,
					uid->text ? uid->text : "");
			}
		}
		if (text != NULL && uid_pod) {
			text->flags |= PLM_NODE_INHERITED;
		}
		rc = plm_record_set_in(b->a, rec, "user", "text", text);
		/* name as written, as plm_user_parse gives it for "1000" */
		if (rc == 0) {
			rc = plm_record_set_in(b->a, rec, "user", "name",
				plm_node_clone(b->a, text));
		}
		if (rc == 0 && uid->kind == PLM_NODE_INT) {
			rc = plm_record_set_in(b->a, rec, "user", "uid",
				as_written(b, uid, uid_pod));
			struct plm_node *root = plm_node_bool(b->a, uid->span,
				uid->as.integer == 0);
			if (root != NULL && uid_pod) {
				root->flags |= PLM_NODE_INHERITED;
			}
			if (rc == 0) {
				rc = plm_record_set_in(b->a, rec, "user",
					"root", root);
			}
		}
	}
	if (rc == 0 && gid != NULL && gid->kind == PLM_NODE_INT) {
		struct plm_node *group = plm_node_string(b->a, gid->span,
			gid->text, gid->text_len);
		if (group != NULL && gid_pod) {
			group->flags |= PLM_NODE_INHERITED;
		}
		rc = plm_record_set_in(b->a, rec, "user", "group", group);
		if (rc == 0) {
			rc = plm_record_set_in(b->a, rec, "user", "gid",
				as_written(b, gid, gid_pod));
		}
	}
	return rc;
}

/* ---- profiles -------------------------------------------------------- */

/* A securityContext profile ({type, localhostProfile}) as the record's
 * {type, profile, from}, spanning the profile map. */
static struct plm_node *profile_field(struct builder *b,
	const struct plm_node *p, const char *key, bool from_pod)
{
	if (!is_map(p)) {
		return plm_record_unknown(b->doc, p, key,
			"a map (type, localhostProfile)");
	}
	const struct plm_node *type = plm_node_get(p, "type");
	if (type != NULL && type->kind != PLM_NODE_STRING) {
		type = plm_record_unknown(b->doc, type, "type",
			"RuntimeDefault, Localhost or Unconfined");
	}
	const struct plm_node *local = plm_node_get(p, "localhostProfile");
	if (local != NULL && local->kind == PLM_NODE_NULL) {
		local = NULL;
	}
	return plm_record_profile(b->a, p->span, type, local,
		from_pod ? "pod" : "container",
		from_pod ? PLM_NODE_INHERITED : 0);
}

/* A legacy annotation value (runtime/default, docker/default, unconfined,
 * localhost/<path>) in the field's shape, spanning the value. */
static struct plm_node *annotation_profile(struct builder *b,
	const struct plm_node *value, bool from_pod)
{
	const char *v = plm_node_str(value);
	if (v == NULL) {
		return plm_record_unknown(b->doc, value, "annotation",
			"a profile string (runtime/default, unconfined, "
			"localhost/<profile>)");
	}
	const char *type = v;
	struct plm_node *profile = NULL;
	if (strcmp(v, "runtime/default") == 0 ||
		strcmp(v, "docker/default") == 0) {
		type = "RuntimeDefault";
	} else if (strcmp(v, "unconfined") == 0) {
		type = "Unconfined";
	} else if (strncmp(v, "localhost/", 10) == 0) {
		type = "Localhost";
		profile = plm_node_cstring(b->a, value->span, v + 10);
		if (profile == NULL) {
			return NULL;
		}
	}
	struct plm_node *t = plm_node_cstring(b->a, value->span, type);
	if (t == NULL) {
		return NULL;
	}
	return plm_record_profile(b->a, value->span, t, profile, "annotation",
		from_pod ? PLM_NODE_INHERITED : 0);
}

static const struct plm_node *annotation(const struct pod *pod,
	const char *prefix, const char *name)
{
	const struct plm_node *ann = plm_node_get(pod->meta, "annotations");
	char key[512];
	int n = snprintf(key, sizeof(key), "%s%s", prefix, name);
	size_t i;
	if (!is_map(ann) || n < 0 || (size_t)n >= sizeof(key) ||
		!plm_keyset_find(&pod->annotations, key, (size_t)n, &i)) {
		return NULL;
	}
	const struct plm_node *v = ann->as.map.entries[i].value;
	return v->kind == PLM_NODE_NULL ? NULL : v;
}

static const struct plm_node *written(const struct plm_node *map,
	const char *key)
{
	const struct plm_node *v = plm_node_get(map, key);
	return v != NULL && v->kind != PLM_NODE_NULL ? v : NULL;
}

/* One profile field (seccompProfile, appArmorProfile) in precedence order:
 * container field, container annotation, pod field, pod annotation. */
static int set_profile(struct builder *b, struct plm_node *rec,
	const struct pod *pod, const struct plm_node *sc, const char *field,
	const char *key, const char *container_prefix, const char *name,
	const char *pod_annotation)
{
	const struct plm_node *p;
	struct plm_node *v;
	if ((p = written(sc, key)) != NULL) {
		v = profile_field(b, p, key, false);
	} else if ((p = annotation(pod, container_prefix, name)) != NULL) {
		v = annotation_profile(b, p, false);
	} else if ((p = written(pod->security, key)) != NULL) {
		v = profile_field(b, p, key, true);
	} else if (pod_annotation != NULL &&
		(p = annotation(pod, pod_annotation, "")) != NULL) {
		v = annotation_profile(b, p, true);
	} else {
		return 0;
	}
	return plm_record_set(b->a, rec, field, v);
}

/* seLinuxOptions {user, role, type, level} as the record's SELinux map. */
static int set_selinux(struct builder *b, struct plm_node *rec,
	const struct plm_node *sc, const struct plm_node *psc)
{
	bool from_pod;
	const struct plm_node *o = pick(sc, psc, "seLinuxOptions", &from_pod);
	if (o == NULL) {
		return 0;
	}
	if (!is_map(o)) {
		return plm_record_set(b->a, rec, "selinux",
			plm_record_unknown(b->doc, o, "seLinuxOptions",
				"a map (user, role, type, level)"));
	}
	struct plm_node *m = plm_record_selinux(b->a, o->span,
		from_pod ? "pod" : "container",
		from_pod ? PLM_NODE_INHERITED : 0);
	if (m == NULL) {
		return PLM_ENOMEM;
	}
	static const char *const keys[] = {"user", "role", "type", "level"};
	for (size_t i = 0; i < 4; i++) {
		const struct plm_node *v = written(o, keys[i]);
		if (v != NULL &&
			plm_record_selinux_set(b->a, m, keys[i], v) != 0) {
			return PLM_ENOMEM;
		}
	}
	return plm_record_set(b->a, rec, "selinux", m);
}

static int set_profiles(struct builder *b, struct plm_node *rec,
	const struct pod *pod, const struct plm_node *sc, const char *name)
{
	int rc = set_profile(b, rec, pod, sc, "seccomp", "seccompProfile",
		"container.seccomp.security.alpha.kubernetes.io/", name,
		"seccomp.security.alpha.kubernetes.io/pod");
	/* AppArmor: no pod-level annotation exists. */
	if (rc == 0)
		rc = set_profile(b, rec, pod, sc, "apparmor", "appArmorProfile",
			"container.apparmor.security.beta.kubernetes.io/", name,
			NULL);
	if (rc == 0)
		rc = set_selinux(b, rec, sc, pod->security);
	return rc;
}

/* ---- capabilities, mounts, ports, env, hooks ----------------------- */

static int set_capabilities(struct builder *b, struct plm_node *rec,
	const struct plm_node *sc)
{
	const struct plm_node *caps = plm_node_get(sc, "capabilities");
	if (!is_map(caps)) {
		return 0;
	}
	static const char *const keys[] = {"add", "drop"};
	for (size_t k = 0; k < 2; k++) {
		const struct plm_node *list = plm_node_get(caps, keys[k]);
		int rc = 0;
		if (not_a_list(b, rec, "capabilities", keys[k], caps, keys[k],
			    "a list of capability names", &rc)) {
			if (rc != 0) {
				return rc;
			}
			continue;
		}
		if (!is_seq(list)) {
			continue;
		}
		struct plm_node *out = plm_node_seq(b->a, list->span);
		if (out == NULL) {
			return PLM_ENOMEM;
		}
		for (size_t i = 0; i < list->as.seq.count; i++) {
			struct plm_node *item = list->as.seq.items[i];
			if (item->kind != PLM_NODE_STRING) {
				/* a note, and left out of the list */
				if (plm_record_unknown(b->doc, item,
					    "capability",
					    "a capability name") == NULL) {
					return PLM_ENOMEM;
				}
				continue;
			}
			struct plm_node *c = plm_record_capability(b->a, item,
				0);
			if (c == NULL || plm_node_push(b->a, out, c) != 0) {
				return PLM_ENOMEM;
			}
		}
		if (plm_record_set_in(b->a, rec, "capabilities", keys[k],
			    out) != 0) {
			return PLM_ENOMEM;
		}
	}
	return 0;
}

static int put(struct builder *b, struct plm_node *map, const char *key,
	struct plm_node *value)
{
	if (value == NULL) {
		return PLM_ENOMEM;
	}
	return plm_node_append(b->a, map, key, strlen(key), value->span, value);
}

/* value, or an implicit null at `at` when value is absent. */
static struct plm_node *or_null(struct builder *b, struct plm_node *value,
	struct plm_span at)
{
	return value ? value : plm_record_implicit_null(b->a, at);
}

static const struct plm_node *find_volume(const struct pod *pod,
	const char *name)
{
	const struct plm_node *vols = plm_node_get(pod->spec, "volumes");
	size_t i;
	if (!is_seq(vols) || name == NULL ||
		!plm_keyset_find(&pod->volumes, name, strlen(name), &i)) {
		return NULL;
	}
	return vols->as.seq.items[i];
}

/* Indexes the pod's volumes by name and its annotations by key. */
static int index_pod(struct pod *pod)
{
	const struct plm_node *vols = plm_node_get(pod->spec, "volumes");
	for (size_t i = 0; is_seq(vols) && i < vols->as.seq.count; i++) {
		const struct plm_node *name =
			plm_node_get(vols->as.seq.items[i], "name");
		if (name != NULL && name->kind == PLM_NODE_STRING &&
			plm_keyset_add(&pod->volumes, name->as.string.ptr,
				name->as.string.len, i) != 0) {
			return PLM_ENOMEM;
		}
	}
	const struct plm_node *ann = plm_node_get(pod->meta, "annotations");
	for (size_t i = 0; is_map(ann) && i < ann->as.map.count; i++) {
		if (plm_keyset_add(&pod->annotations,
			    ann->as.map.entries[i].key,
			    ann->as.map.entries[i].key_len, i) != 0) {
			return PLM_ENOMEM;
		}
	}
	return 0;
}

/* emptyDir's medium ("Memory": a tmpfs, counted against the container's
 * memory) and sizeLimit (bytes), each null when not written. */
static int empty_dir(struct builder *b, struct plm_node *m,
	const struct plm_node *detail)
{
	struct plm_span at = detail->span;
	struct plm_node *medium = plm_node_get(detail, "medium");
	struct plm_node *limit = plm_node_get(detail, "sizeLimit");
	if (detail->kind != PLM_NODE_MAP && detail->kind != PLM_NODE_NULL) {
		medium = plm_record_unknown(b->doc, detail, "emptyDir",
			"a map (medium, sizeLimit)");
		limit = medium ? plm_node_clone(b->a, medium) : NULL;
	}
	if (medium != NULL && medium->kind == PLM_NODE_NULL &&
		!(medium->flags & PLM_NODE_UNKNOWN)) {
		medium = NULL;
	}
	if (limit != NULL && limit->kind != PLM_NODE_NULL) {
		limit = plm_record_quantity(b->doc, limit, "sizeLimit", false,
			false);
	} else if (limit != NULL && !(limit->flags & PLM_NODE_UNKNOWN)) {
		limit = NULL;
	}
	if (put(b, m, "medium", or_null(b, medium, at)) != 0 ||
		put(b, m, "size_limit", or_null(b, limit, at)) != 0) {
		return PLM_ENOMEM;
	}
	return 0;
}

static int mount_record(struct builder *b, const struct pod *pod,
	struct plm_node *vm, struct plm_node *out)
{
	static const struct {
		const char *key, *source;
	} kinds[] = {
		{"hostPath", "path"},
		{"emptyDir", NULL},
		{"secret", "secretName"},
		{"configMap", "name"},
		{"projected", NULL},
		{"persistentVolumeClaim", "claimName"},
	};
	struct plm_span at = vm->span;
	const struct plm_node *vol = find_volume(pod,
		plm_node_get_str(vm, "name"));
	const char *kind = "other";
	struct plm_node *kind_at = NULL;
	struct plm_node *source = NULL;
	const struct plm_node *detail = NULL;
	for (size_t i = 0; vol != NULL && i < sizeof(kinds) / sizeof(kinds[0]);
		i++) {
		const struct plm_entry *e = plm_node_entry(vol, kinds[i].key);
		if (e != NULL) {
			kind = kinds[i].key;
			detail = e->value;
			kind_at = plm_node_cstring(b->a, e->key_span, kind);
			if (kinds[i].source != NULL) {
				source = plm_node_get(detail, kinds[i].source);
			}
			break;
		}
	}
	if (kind_at == NULL) {
		kind_at = plm_node_cstring(b->a, vol ? vol->span : at, kind);
		if (kind_at != NULL && vol == NULL) {
			kind_at->flags |= PLM_NODE_IMPLICIT;
		}
	}
	struct plm_node *m = plm_node_map(b->a, at);
	if (m == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *ro = plm_node_get(vm, "readOnly");
	if (ro == NULL) {
		ro = plm_node_bool(b->a, at, false);
		if (ro != NULL) {
			ro->flags |= PLM_NODE_IMPLICIT;
		}
	}
	if (put(b, m, "kind", kind_at) != 0 ||
		put(b, m, "source", or_null(b, source, at)) != 0 ||
		put(b, m, "target",
			or_null(b, plm_node_get(vm, "mountPath"), at)) != 0 ||
		put(b, m, "read_only", ro) != 0) {
		return PLM_ENOMEM;
	}
	if (strcmp(kind, "hostPath") == 0 &&
		put(b, m, "type",
			or_null(b, plm_node_get(detail, "type"),
				detail ? detail->span : at)) != 0) {
		return PLM_ENOMEM;
	}
	if (strcmp(kind, "emptyDir") == 0 && empty_dir(b, m, detail) != 0) {
		return PLM_ENOMEM;
	}
	return plm_node_push(b->a, out, m);
}

static int set_mounts(struct builder *b, struct plm_node *rec,
	const struct pod *pod, const struct plm_node *c)
{
	const struct plm_node *vms = plm_node_get(c, "volumeMounts");
	int rc = 0;
	if (not_a_list(b, rec, NULL, "mounts", c, "volumeMounts",
		    "a list of volume mounts", &rc) ||
		!is_seq(vms)) {
		return rc;
	}
	struct plm_node *out = plm_node_seq(b->a, vms->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < vms->as.seq.count; i++) {
		struct plm_node *vm = vms->as.seq.items[i];
		if (is_map(vm) && mount_record(b, pod, vm, out) != 0) {
			return PLM_ENOMEM;
		}
	}
	return plm_record_set(b->a, rec, "mounts", out);
}

static int set_ports(struct builder *b, struct plm_node *rec,
	const struct plm_node *c)
{
	const struct plm_node *ports = plm_node_get(c, "ports");
	if (ports != NULL && ports->kind != PLM_NODE_NULL && !is_seq(ports)) {
		return plm_record_set(b->a, rec, "ports",
			plm_record_unknown(b->doc, ports, "ports",
				"a list of ports"));
	}
	if (!is_seq(ports)) {
		return 0;
	}
	struct plm_node *out = plm_node_seq(b->a, ports->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < ports->as.seq.count; i++) {
		struct plm_node *p = ports->as.seq.items[i];
		if (!is_map(p)) {
			(void)plm_record_unknown(b->doc, p, "ports item",
				"a map (containerPort, protocol, hostPort, "
				"hostIP)");
			continue;
		}
		struct plm_node *m = plm_node_map(b->a, p->span);
		if (m == NULL ||
			put(b, m, "container",
				or_null(b, plm_node_get(p, "containerPort"),
					p->span)) != 0 ||
			put(b, m, "host",
				or_null(b, plm_node_get(p, "hostPort"),
					p->span)) != 0 ||
			put(b, m, "protocol",
				plm_record_protocol(b->doc,
					plm_node_get(p, "protocol"), p->span,
					0)) != 0 ||
			put(b, m, "host_ip",
				or_null(b, plm_node_get(p, "hostIP"),
					p->span)) != 0 ||
			plm_node_push(b->a, out, m) != 0) {
			return PLM_ENOMEM;
		}
	}
	return plm_record_set(b->a, rec, "ports", out);
}

/* Where an env value comes from: "literal", or the one key of valueFrom
 * (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef). */
static struct plm_node *env_kind(struct builder *b, const struct plm_node *e)
{
	const struct plm_node *from = plm_node_get(e, "valueFrom");
	if (is_map(from) && from->as.map.count > 0) {
		const struct plm_entry *k = &from->as.map.entries[0];
		return plm_node_string(b->a, k->key_span, k->key, k->key_len);
	}
	struct plm_node *n = plm_node_cstring(b->a, e->span, "literal");
	if (n != NULL && plm_node_get(e, "value") == NULL) {
		n->flags |= PLM_NODE_IMPLICIT;
	}
	return n;
}

static int set_env(struct builder *b, struct plm_node *rec,
	const struct plm_node *c)
{
	const struct plm_node *env = plm_node_get(c, "env");
	int rc = 0;
	if (not_a_list(b, rec, NULL, "env", c, "env", "a list of {name, value}",
		    &rc) ||
		!is_seq(env)) {
		return rc;
	}
	struct plm_node *out = plm_node_seq(b->a, env->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < env->as.seq.count; i++) {
		struct plm_node *e = env->as.seq.items[i];
		if (!is_map(e)) {
			continue;
		}
		struct plm_node *m = plm_node_map(b->a, e->span);
		struct plm_node *value = plm_node_get(e, "value");
		if (m == NULL || put(b, m, "kind", env_kind(b, e)) != 0) {
			return PLM_ENOMEM;
		}
		if (value == NULL) {
			struct plm_node *from = plm_node_get(e, "valueFrom");
			value = plm_node_null(b->a,
				from ? from->span : e->span);
			if (value != NULL && from == NULL) {
				value->flags |= PLM_NODE_IMPLICIT;
			}
		}
		if (m == NULL ||
			put(b, m, "name",
				or_null(b, plm_node_get(e, "name"), e->span)) !=
				0 ||
			put(b, m, "value", value) != 0 ||
			plm_node_push(b->a, out, m) != 0) {
			return PLM_ENOMEM;
		}
	}
	return plm_record_set(b->a, rec, "env", out);
}

static int add_hook(struct builder *b, struct plm_node *out, const char *hook,
	const struct plm_node *handler)
{
	static const char *const exec_command[] = {"exec", "command", NULL};
	struct plm_node *cmd = (struct plm_node *)path(handler, exec_command);
	if (cmd == NULL || cmd->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (!is_seq(cmd)) {
		cmd = plm_record_unknown(b->doc, cmd, "exec.command",
			"a list of strings");
	}
	struct plm_node *m = plm_node_map(b->a, handler->span);
	if (m == NULL || cmd == NULL ||
		put(b, m, "hook",
			plm_node_cstring(b->a, handler->span, hook)) != 0 ||
		put(b, m, "command", cmd) != 0) {
		return PLM_ENOMEM;
	}
	return plm_node_push(b->a, out, m);
}

static int set_lifecycle(struct builder *b, struct plm_node *rec,
	const struct plm_node *c)
{
	struct plm_node *out = plm_node_seq(b->a, c->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	const struct plm_node *lc = plm_node_get(c, "lifecycle");
	static const char *const hooks[] = {"postStart", "preStop"};
	static const char *const probes[] = {"livenessProbe", "readinessProbe",
		"startupProbe"};
	for (size_t i = 0; i < 2; i++) {
		const struct plm_node *h = plm_node_get(lc, hooks[i]);
		if (is_map(h) && add_hook(b, out, hooks[i], h) != 0) {
			return PLM_ENOMEM;
		}
	}
	for (size_t i = 0; i < 3; i++) {
		const struct plm_node *h = plm_node_get(c, probes[i]);
		if (is_map(h) && add_hook(b, out, probes[i], h) != 0) {
			return PLM_ENOMEM;
		}
	}
	if (out->as.seq.count == 0) {
		return 0;
	}
	return plm_record_set(b->a, rec, "lifecycle", out);
}

/* ---- containers and workloads --------------------------------------- */

/* Where a container is declared: its `name: x` entry (else the item). */
static struct plm_span declaration(const struct plm_node *c)
{
	const struct plm_entry *e = plm_node_entry(c, "name");
	if (e == NULL) {
		return c->span;
	}
	struct plm_span s = e->key_span;
	if (e->value->span.source == s.source && e->value->span.end > s.end) {
		s.end = e->value->span.end;
	}
	return s;
}

static int host_field(struct builder *b, struct plm_node *rec,
	const struct pod *pod, const char *key, const char *field,
	bool default_false)
{
	struct plm_node *v = plm_node_get(pod->spec, key);
	if (v != NULL && v->kind == PLM_NODE_BOOL) {
		return plm_record_set_in(b->a, rec, "host", field, v);
	}
	if (!default_false) {
		return 0;
	}
	struct plm_node *f = plm_node_bool(b->a, rec->span, false);
	if (f != NULL) {
		f->flags |= PLM_NODE_IMPLICIT;
	}
	return plm_record_set_in(b->a, rec, "host", field, f);
}

/* ---- resources, probes, pod settings -------------------------------- */

static int set_resources(struct builder *b, struct plm_node *rec,
	const struct plm_node *c)
{
	const struct plm_node *res = plm_node_get(c, "resources");
	if (res == NULL || res->kind == PLM_NODE_NULL) {
		return 0;
	}
	struct plm_node *out = plm_node_get(rec, "resources");
	out->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
	if (!is_map(res)) {
		/* the record keeps its shape: both sets of unknown amounts */
		struct plm_node *u = plm_record_unknown_amounts(b->doc, res,
			"resources", "a map (requests, limits)");
		int rc = u ? plm_record_set(b->a, out, "limits", u)
			   : PLM_ENOMEM;
		if (rc == 0)
			rc = plm_record_set(b->a, out, "requests",
				plm_node_clone(b->a, u));
		return rc;
	}
	static const char *const sets[] = {"requests", "limits"};
	for (size_t i = 0; i < 2; i++) {
		const struct plm_node *set = plm_node_get(res, sets[i]);
		if (set == NULL || set->kind == PLM_NODE_NULL) {
			continue;
		}
		if (!is_map(set)) {
			int rc = plm_record_set(b->a, out, sets[i],
				plm_record_unknown_amounts(b->doc, set, sets[i],
					"a map (cpu, memory)"));
			if (rc != 0) {
				return rc;
			}
			continue;
		}
		struct plm_node *m = plm_node_get(out, sets[i]);
		m->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
		m->span = set->span;
		static const char *const keys[] = {"cpu", "memory"};
		for (size_t k = 0; k < 2; k++) {
			const struct plm_node *q = plm_node_get(set, keys[k]);
			if (q == NULL || q->kind == PLM_NODE_NULL) {
				continue;
			}
			int rc = plm_record_set(b->a, m, keys[k],
				plm_record_quantity(b->doc, q, keys[k], k == 0,
					false));
			if (rc != 0) {
				return rc;
			}
		}
	}
	return 0;
}

static int set_probes(struct builder *b, struct plm_node *rec,
	const struct plm_node *c)
{
	static const char *const keys[][2] = {{"livenessProbe", "liveness"},
		{"readinessProbe", "readiness"}, {"startupProbe", "startup"}};
	static const char *const types[] = {"exec", "httpGet", "tcpSocket",
		"grpc"};
	for (size_t i = 0; i < 3; i++) {
		const struct plm_node *pr = plm_node_get(c, keys[i][0]);
		if (pr == NULL || pr->kind == PLM_NODE_NULL) {
			continue;
		}
		struct plm_node *v;
		if (!is_map(pr)) {
			v = plm_record_unknown(b->doc, pr, keys[i][0],
				"a map (exec, httpGet, tcpSocket or grpc)");
		} else {
			v = plm_node_map(b->a, pr->span);
			const struct plm_node *t = NULL;
			const char *type = NULL;
			for (size_t k = 0; k < 4 && t == NULL; k++) {
				t = plm_node_get(pr, types[k]);
				type = types[k];
			}
			if (v == NULL ||
				put(b, v, "type",
					t ? plm_node_cstring(b->a, t->span,
						    type)
					  : plm_record_implicit_null(b->a,
						    pr->span)) != 0 ||
				put(b, v, "source",
					plm_record_link(b->a, pr)) != 0) {
				return PLM_ENOMEM;
			}
		}
		int rc = plm_record_set_in(b->a, rec, "probes", keys[i][1], v);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

static int set_groups(struct builder *b, struct plm_node *rec,
	const struct pod *pod)
{
	static const char *const keys[][2] = {{"fsGroup", "fs_group"},
		{"supplementalGroups", "supplemental"}};
	for (size_t i = 0; i < 2; i++) {
		const struct plm_node *v = plm_node_get(pod->security,
			keys[i][0]);
		if (v == NULL || v->kind == PLM_NODE_NULL) {
			continue;
		}
		int rc = plm_record_set_in(b->a, rec, "groups", keys[i][1],
			inherited(b, v));
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* Pod sysctls as {name, value}, built once per pod (so a note about
 * them is made once) and shared by its records: *out stays NULL when
 * none are written. */
static int pod_sysctls(struct builder *b, const struct pod *pod,
	struct plm_node **out_sysctls)
{
	*out_sysctls = NULL;
	const struct plm_node *list = plm_node_get(pod->security, "sysctls");
	if (list == NULL || list->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (!is_seq(list)) {
		*out_sysctls = plm_record_unknown(b->doc, list, "sysctls",
			"a list of {name, value}");
		return *out_sysctls ? 0 : PLM_ENOMEM;
	}
	struct plm_node *out = plm_node_seq(b->a, list->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	out->flags |= PLM_NODE_INHERITED;
	for (size_t i = 0; i < list->as.seq.count; i++) {
		struct plm_node *it = list->as.seq.items[i];
		if (!is_map(it)) {
			(void)plm_record_unknown(b->doc, it, "sysctls item",
				"a map (name, value)");
			continue;
		}
		struct plm_node *m = plm_node_map(b->a, it->span);
		if (m != NULL) {
			m->flags |= PLM_NODE_INHERITED; /* a pod setting */
		}
		if (m == NULL ||
			put(b, m, "name",
				or_null(b, plm_node_get(it, "name"),
					it->span)) != 0 ||
			put(b, m, "value",
				or_null(b, plm_node_get(it, "value"),
					it->span)) != 0 ||
			plm_node_push(b->a, out, m) != 0) {
			return PLM_ENOMEM;
		}
	}
	*out_sysctls = out;
	return 0;
}

/* envFrom as {kind (secretRef, configMapRef), name, prefix}. */
static int set_env_from(struct builder *b, struct plm_node *rec,
	const struct plm_node *c)
{
	const struct plm_node *list = plm_node_get(c, "envFrom");
	int rc = 0;
	if (not_a_list(b, rec, NULL, "env_from", c, "envFrom",
		    "a list of {secretRef} or {configMapRef}", &rc) ||
		!is_seq(list)) {
		return rc;
	}
	struct plm_node *out = plm_node_seq(b->a, list->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < list->as.seq.count; i++) {
		struct plm_node *it = list->as.seq.items[i];
		const char *kind = plm_node_get(it, "secretRef") ? "secretRef"
			: plm_node_get(it, "configMapRef") ? "configMapRef"
							   : NULL;
		if (!is_map(it) || kind == NULL) {
			continue;
		}
		struct plm_node *ref = plm_node_get(it, kind);
		struct plm_node *m = plm_node_map(b->a, it->span);
		if (m == NULL ||
			put(b, m, "kind",
				plm_node_cstring(b->a, it->span, kind)) != 0 ||
			put(b, m, "name",
				or_null(b, plm_node_get(ref, "name"),
					ref->span)) != 0 ||
			put(b, m, "prefix",
				or_null(b, plm_node_get(it, "prefix"),
					it->span)) != 0 ||
			plm_node_push(b->a, out, m) != 0) {
			return PLM_ENOMEM;
		}
	}
	return plm_record_set(b->a, rec, "env_from", out);
}

static int set_pod_fields(struct builder *b, struct plm_node *rec,
	const struct pod *pod, const struct plm_node *c, const char *role)
{
	int rc = plm_record_set(b->a, rec, "source", plm_record_link(b->a, c));
	if (rc == 0)
		rc = plm_record_set(b->a, rec, "pod", pod->identity);
	if (rc == 0)
		rc = set_resources(b, rec, c);
	if (rc == 0)
		rc = set_probes(b, rec, c);
	if (rc == 0)
		rc = set_text(b, rec, "image_pull_policy", c, "imagePullPolicy",
			false, false);
	if (rc == 0)
		rc = set_text(b, rec, "proc_mount",
			plm_node_get(c, "securityContext"), "procMount", false,
			false);
	if (rc == 0)
		rc = set_groups(b, rec, pod);
	/* pod-level strings: noted for the pod's first record only */
	bool quiet = b->noted_spec == pod->spec;
	b->noted_spec = pod->spec;
	if (rc == 0)
		rc = set_text(b, rec, "service_account_name", pod->spec,
			"serviceAccountName", true, quiet);
	if (rc == 0)
		rc = set_text(b, rec, "runtime_class", pod->spec,
			"runtimeClassName", true, quiet);
	if (rc == 0 && pod->sysctls != NULL)
		rc = plm_record_set(b->a, rec, "sysctls", pod->sysctls);
	if (rc == 0)
		rc = set_env_from(b, rec, c);
	if (rc == 0)
		rc = set_text(b, rec, "restart_policy", c, "restartPolicy",
			false, false);
	const char *restart = plm_node_get_str(c, "restartPolicy");
	if (rc == 0 && strcmp(role, "init") == 0 && restart != NULL &&
		strcmp(restart, "Always") == 0) {
		rc = plm_record_set(b->a, rec, "sidecar",
			plm_node_bool(b->a,
				plm_node_get(c, "restartPolicy")->span, true));
	}
	return rc;
}

/* A container securityContext that is not a map: one note, and the
 * fields only a container sets are unknown (the others fall back to the
 * pod's). */
static int security_context_unknown(struct builder *b, struct plm_node *rec,
	const struct plm_node *sc)
{
	static const char *const fields[] = {"privileged",
		"allow_privilege_escalation", "read_only_rootfs", "proc_mount"};
	struct plm_node *u = plm_record_unknown(b->doc, sc, "securityContext",
		"a map (runAsUser, privileged, capabilities, ...)");
	int rc = u ? 0 : PLM_ENOMEM;
	for (size_t i = 0; rc == 0 && i < 4; i++) {
		rc = plm_record_set(b->a, rec, fields[i],
			i == 0 ? u : plm_node_clone(b->a, u));
	}
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		rc = plm_record_set_in(b->a, rec, "capabilities",
			i == 0 ? "add" : "drop", plm_node_clone(b->a, u));
	}
	return rc;
}

static int container(struct builder *b, const struct pod *pod,
	struct plm_node *c, const char *role)
{
	if (!is_map(c)) {
		plm_doc_diag(b->doc, PLM_DIAG_WARNING,
			"kubernetes/bad-container", c->span,
			"a container must be a map (with name, image, "
			"...), not a %s",
			plm_node_kind_name(c->kind));
		return 0;
	}
	struct plm_span decl = declaration(c);
	struct plm_node *rec = plm_record_new(b->a, decl, "kubernetes", role);
	if (rec == NULL) {
		return PLM_ENOMEM;
	}
	const struct plm_node *sc = plm_node_get(c, "securityContext");
	const struct plm_node *psc = pod->security;
	const char *name = plm_node_get_str(c, "name");
	struct plm_node *image = plm_node_get(c, "image");
	int rc = 0;
	if (rc == 0)
		rc = set_text(b, rec, "name", c, "name", false, false);
	if (rc == 0)
		rc = plm_record_set(b->a, rec, "workload", pod->workload);
	if (rc == 0 && image != NULL && image->kind == PLM_NODE_STRING) {
		rc = plm_record_set(b->a, rec, "image",
			plm_record_image(b->a, image));
	}
	if (rc == 0)
		rc = set_user(b, rec, sc, psc);
	bool from_pod;
	struct plm_node *non_root = (struct plm_node *)pick(sc, psc,
		"runAsNonRoot", &from_pod);
	if (rc == 0)
		rc = set_bool(b, rec, "run_as_non_root", non_root, from_pod);
	if (rc == 0)
		rc = set_bool(b, rec, "privileged",
			plm_node_get(sc, "privileged"), false);
	if (rc == 0)
		rc = set_bool(b, rec, "allow_privilege_escalation",
			plm_node_get(sc, "allowPrivilegeEscalation"), false);
	if (rc == 0)
		rc = set_bool(b, rec, "read_only_rootfs",
			plm_node_get(sc, "readOnlyRootFilesystem"), false);
	if (rc == 0)
		rc = set_capabilities(b, rec, sc);
	if (rc == 0 && sc != NULL && sc->kind != PLM_NODE_NULL && !is_map(sc))
		rc = security_context_unknown(b, rec, sc);
	if (rc == 0)
		rc = host_field(b, rec, pod, "hostNetwork", "network", true);
	if (rc == 0)
		rc = host_field(b, rec, pod, "hostPID", "pid", true);
	if (rc == 0)
		rc = host_field(b, rec, pod, "hostIPC", "ipc", true);
	if (rc == 0)
		rc = host_field(b, rec, pod, "hostUsers", "users", false);
	if (rc == 0)
		rc = set_profiles(b, rec, pod, sc, name ? name : "");
	if (rc == 0)
		rc = set_mounts(b, rec, pod, c);
	if (rc == 0)
		rc = set_ports(b, rec, c);
	if (rc == 0)
		rc = set_argv(b, rec, "command", c, "args");
	if (rc == 0)
		rc = set_argv(b, rec, "entrypoint", c, "command");
	if (rc == 0)
		rc = set_lifecycle(b, rec, c);
	if (rc == 0)
		rc = set_env(b, rec, c);
	if (rc == 0)
		rc = set_bool(b, rec, "automount_service_account_token",
			plm_node_get(pod->spec, "automountServiceAccountToken"),
			false);
	if (rc == 0)
		rc = set_pod_fields(b, rec, pod, c, role);
	if (rc == 0)
		rc = plm_node_push(b->a, b->doc->containers, rec);
	return rc;
}

/* Every container of one list (`containers`, `initContainers`, Tekton
 * `steps`...) of a pod. */
static int container_list(struct builder *b, const struct pod *pod,
	const struct plm_node *owner, const char *key, const char *role)
{
	const struct plm_node *list = plm_node_get(owner, key);
	if (list == NULL || list->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (!is_seq(list)) {
		plm_doc_diag(b->doc, PLM_DIAG_WARNING,
			"kubernetes/bad-container", list->span,
			"%s must be a list of containers, not a %s", key,
			plm_node_kind_name(list->kind));
		return 0;
	}
	for (size_t i = 0; i < list->as.seq.count; i++) {
		int rc = container(b, pod, list->as.seq.items[i], role);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* The container lists of a pod spec, with their roles. */
static const char *const pod_lists[][2] = {
	{"initContainers", "init"},
	{"containers", "container"},
	{"ephemeralContainers", "ephemeral"},
};

static struct plm_node *workload(struct builder *b,
	const struct plm_node *object)
{
	struct plm_node *kind = plm_node_get(object, "kind");
	const struct plm_node *meta = plm_node_get(object, "metadata");
	struct plm_node *m = plm_node_map(b->a,
		kind ? kind->span : object->span);
	/* an object with several pods (a Kubeflow job) is noted once */
	bool quiet = b->noted_object == object;
	b->noted_object = object;
	struct plm_node *name, *ns;
	if (m == NULL ||
		text_field(b, plm_node_get(meta, "name"), "metadata.name",
			false, quiet, &name) != 0 ||
		text_field(b, plm_node_get(meta, "namespace"),
			"metadata.namespace", false, quiet, &ns) != 0 ||
		put(b, m, "kind", or_null(b, kind, object->span)) != 0 ||
		put(b, m, "name", or_null(b, name, object->span)) != 0 ||
		put(b, m, "namespace", or_null(b, ns, object->span)) != 0) {
		return NULL;
	}
	return m;
}

/* Custom resources that run containers (Argo Rollouts and Workflows,
 * Knative, OpenShift DeploymentConfig, KEDA ScaledJob, Tekton, Kubeflow
 * training jobs...) are recognised by the shape of what they hold, not
 * by their kind, so every container policy covers them:
 *   - a pod template: a map with `template: {metadata, spec: {containers:
 *     [...]}}` anywhere under `spec` (spec.template, jobTargetRef.template,
 *     jobTemplate.spec.template, *ReplicaSpecs.<role>.template...);
 *   - an Argo template: a map with `container:` or `script:` (a container
 *     with an image), beside optional `initContainers` and `sidecars`,
 *     whose pod settings are the workflow spec's;
 *   - a Tekton task spec: a map with `steps:` (containers with an image)
 *     and optional `sidecars`.
 * The search goes at most PLM_KUBERNETES_MAX_SHAPE_DEPTH levels down and
 * visits at most PLM_KUBERNETES_MAX_SHAPE_NODES nodes per object. */
#define PLM_KUBERNETES_MAX_SHAPE_DEPTH 12
#define PLM_KUBERNETES_MAX_SHAPE_NODES 100000

struct shape_walk {
	struct builder *b;
	const struct plm_node *object;
	const struct plm_node *argo_spec; /* the workflow spec, for Argo */
	size_t visited;
};

static bool has_image(const struct plm_node *c)
{
	return is_map(c) && plm_node_get(c, "image") != NULL;
}

/* True when a list holds at least one container-like map. */
static bool lists_containers(const struct plm_node *list)
{
	if (!is_seq(list)) {
		return false;
	}
	for (size_t i = 0; i < list->as.seq.count; i++) {
		if (has_image(list->as.seq.items[i])) {
			return true;
		}
	}
	return false;
}

/* The pod a record belongs to: {id (unique in the document), source (a
 * link to the pod spec)}, so pod-level findings are reported once. */
static struct plm_node *pod_identity(struct builder *b,
	const struct plm_node *spec)
{
	struct plm_node *m = plm_node_map(b->a, spec->span);
	if (m == NULL ||
		put(b, m, "id", plm_node_int(b->a, spec->span, b->pods++)) !=
			0 ||
		put(b, m, "source", plm_record_link(b->a, spec)) != 0) {
		return NULL;
	}
	m->flags |= PLM_NODE_INHERITED;
	return m;
}

/* Builds the records of one pod (of a known kind, or found by shape). `lists` names the keys
 * of `owner` holding containers, with their roles; `single` a key of
 * owner holding one container (Argo), or NULL. */
static int shaped_pod(struct builder *b, const struct plm_node *object,
	const struct plm_node *spec, const struct plm_node *meta,
	const struct plm_node *security, const struct plm_node *owner,
	const char *single, const char *const (*lists)[2], size_t list_count)
{
	struct pod pod = {0};
	pod.object = object;
	pod.spec = spec;
	pod.meta = meta;
	pod.security = is_map(security) ? security : NULL;
	pod.workload = workload(b, object);
	pod.identity = pod_identity(b, spec);
	int rc = pod.workload && pod.identity ? index_pod(&pod) : PLM_ENOMEM;
	if (rc == 0)
		rc = pod_sysctls(b, &pod, &pod.sysctls);
	const struct plm_node *vols = plm_node_get(spec, "volumes");
	if (rc == 0 && vols != NULL && vols->kind != PLM_NODE_NULL &&
		!is_seq(vols) &&
		plm_record_unknown(b->doc, vols, "volumes",
			"a list of volumes") == NULL) {
		rc = PLM_ENOMEM; /* the mounts then read as kind "other" */
	}
	if (rc == 0 && single != NULL) {
		struct plm_node *c = plm_node_get(owner, single);
		if (has_image(c)) {
			rc = container(b, &pod, c, "container");
		}
		/* An Argo template's container is named by the template. */
		struct plm_node *tname = plm_node_get(owner, "name");
		size_t n = b->doc->containers->as.seq.count;
		if (rc == 0 && has_image(c) &&
			plm_node_get(c, "name") == NULL && tname != NULL &&
			tname->kind == PLM_NODE_STRING && n > 0) {
			rc = plm_record_set(b->a,
				b->doc->containers->as.seq.items[n - 1], "name",
				tname);
		}
	}
	for (size_t i = 0; rc == 0 && i < list_count; i++) {
		rc = container_list(b, &pod, owner, lists[i][0], lists[i][1]);
	}
	plm_keyset_finish(&pod.volumes);
	plm_keyset_finish(&pod.annotations);
	return rc;
}

static int find_shapes(struct shape_walk *w, const struct plm_node *n,
	int depth)
{
	if (n == NULL || depth > PLM_KUBERNETES_MAX_SHAPE_DEPTH ||
		++w->visited > PLM_KUBERNETES_MAX_SHAPE_NODES) {
		return 0;
	}
	if (is_seq(n)) {
		for (size_t i = 0; i < n->as.seq.count; i++) {
			int rc = find_shapes(w, n->as.seq.items[i], depth + 1);
			if (rc != 0) {
				return rc;
			}
		}
		return 0;
	}
	if (!is_map(n)) {
		return 0;
	}
	if (depth == 0 && plm_node_get(n, "templates") != NULL) {
		w->argo_spec = n; /* an Argo workflow spec */
	} else if (depth == 0 && is_map(plm_node_get(n, "workflowSpec"))) {
		w->argo_spec = plm_node_get(n, "workflowSpec");
	}
	const struct plm_node *tmpl = plm_node_get(n, "template");
	const struct plm_node *tspec = plm_node_get(tmpl, "spec");
	if (is_map(tmpl) && is_map(tspec) &&
		is_seq(plm_node_get(tspec, "containers"))) {
		return shaped_pod(w->b, w->object, tspec,
			plm_node_get(tmpl, "metadata"),
			plm_node_get(tspec, "securityContext"), tspec, NULL,
			pod_lists, 3);
	}
	if (w->argo_spec != NULL &&
		(has_image(plm_node_get(n, "container")) ||
			has_image(plm_node_get(n, "script")))) {
		static const char *const argo_lists[][2] = {
			{"initContainers", "init"},
			{"sidecars", "container"},
		};
		const struct plm_node *sc = plm_node_get(n, "securityContext");
		if (!is_map(sc)) {
			sc = plm_node_get(w->argo_spec, "securityContext");
		}
		return shaped_pod(w->b, w->object, w->argo_spec,
			plm_node_get(n, "metadata"), sc, n,
			has_image(plm_node_get(n, "container")) ? "container"
								: "script",
			argo_lists, 2);
	}
	if (lists_containers(plm_node_get(n, "steps"))) {
		static const char *const tekton_lists[][2] = {
			{"steps", "container"},
			{"sidecars", "container"},
		};
		return shaped_pod(w->b, w->object, n, NULL, NULL, n, NULL,
			tekton_lists, 2);
	}
	for (size_t i = 0; i < n->as.map.count; i++) {
		const struct plm_entry *e = &n->as.map.entries[i];
		if (strcmp(e->key, "metadata") == 0) {
			continue;
		}
		int rc = find_shapes(w, e->value, depth + 1);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

static int object(struct builder *b, const struct plm_node *obj, int depth)
{
	if (!is_map(obj)) {
		return 0;
	}
	const char *kind = plm_node_get_str(obj, "kind");
	if (kind == NULL) {
		return 0;
	}
	size_t klen = strlen(kind);
	const struct plm_node *items = plm_node_get(obj, "items");
	if (klen >= 4 && strcmp(kind + klen - 4, "List") == 0 &&
		is_seq(items)) {
		if (depth >= PLM_KUBERNETES_MAX_LIST_DEPTH) {
			plm_doc_diag(b->doc, PLM_DIAG_ERROR, "limit/list-depth",
				obj->span,
				"Lists nested deeper than %d "
				"(PLM_KUBERNETES_MAX_LIST_DEPTH) are not read",
				PLM_KUBERNETES_MAX_LIST_DEPTH);
			return 0;
		}
		for (size_t i = 0; i < items->as.seq.count; i++) {
			int rc = object(b, items->as.seq.items[i], depth + 1);
			if (rc != 0) {
				return rc;
			}
		}
		return 0;
	}
	static const char *const spec[] = {"spec", NULL};
	static const char *const tmpl_spec[] = {"spec", "template", "spec",
		NULL};
	static const char *const tmpl_meta[] = {"spec", "template", "metadata",
		NULL};
	static const char *const cron_spec[] = {"spec", "jobTemplate", "spec",
		"template", "spec", NULL};
	static const char *const cron_meta[] = {"spec", "jobTemplate", "spec",
		"template", "metadata", NULL};
	static const char *const pt_spec[] = {"template", "spec", NULL};
	static const char *const pt_meta[] = {"template", "metadata", NULL};
	static const char *const meta[] = {"metadata", NULL};
	static const struct {
		const char *kind;
		const char *const *spec, *const *meta;
	} workloads[] = {
		{"Pod", spec, meta},
		{"Deployment", tmpl_spec, tmpl_meta},
		{"StatefulSet", tmpl_spec, tmpl_meta},
		{"DaemonSet", tmpl_spec, tmpl_meta},
		{"ReplicaSet", tmpl_spec, tmpl_meta},
		{"ReplicationController", tmpl_spec, tmpl_meta},
		{"Job", tmpl_spec, tmpl_meta},
		{"CronJob", cron_spec, cron_meta},
		{"PodTemplate", pt_spec, pt_meta},
	};
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		if (strcmp(kind, workloads[i].kind) != 0) {
			continue;
		}
		const struct plm_node *pod_spec = path(obj, workloads[i].spec);
		if (!is_map(pod_spec)) {
			/* a note: partial manifests (kustomize patches) are
			 * common */
			plm_doc_diag(b->doc, PLM_DIAG_NOTE,
				"kubernetes/no-pod-spec", obj->span,
				"this %s has no pod spec (%s): no containers read",
				kind,
				i == 0 ? "spec"
					: i == 7
					? "spec.jobTemplate.spec.template.spec"
					: i == 8 ? "template.spec"
						 : "spec.template.spec");
			return 0;
		}
		return shaped_pod(b, obj, pod_spec,
			path(obj, workloads[i].meta),
			plm_node_get(pod_spec, "securityContext"), pod_spec,
			NULL, pod_lists, 3);
	}
	if (klen >= 4 && strcmp(kind + klen - 4, "List") == 0) {
		return 0;
	}
	struct shape_walk w = {b, obj, NULL, 0};
	return find_shapes(&w, plm_node_get(obj, "spec"), 0);
}

/* True when a document of stream is a mapping with both an `apiVersion`
 * and a `kind` key, whatever their values: what makes a stream a
 * manifest (plm_yaml_detect_kubernetes asks the same of the events). */
static bool has_object(const struct plm_node *stream)
{
	for (size_t i = 0; i < stream->as.seq.count; i++) {
		const struct plm_node *d = stream->as.seq.items[i];
		if (plm_node_entry(d, "apiVersion") != NULL &&
			plm_node_entry(d, "kind") != NULL) {
			return true;
		}
	}
	return false;
}

static int build_stream(struct plm_doc *doc, struct plm_node *stream)
{
	struct builder b = {doc, doc->arena, 0, NULL, NULL};
	doc->tree = stream;
	doc->containers = plm_node_seq(doc->arena, stream->span);
	if (doc->containers == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < stream->as.seq.count; i++) {
		int rc = object(&b, stream->as.seq.items[i], 0);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

int plm_kubernetes_build(struct plm_doc *doc)
{
	struct plm_node *stream = NULL;
	int rc = plm_yaml_load(doc, 0, PLM_YAML_SCHEMA_1_1, &stream);
	return rc != 0 ? rc : build_stream(doc, stream);
}

int plm_kubernetes_build_probe(struct plm_doc *doc, bool *is)
{
	*is = false;
	struct plm_node *stream = NULL;
	int rc = plm_yaml_load(doc, 0, PLM_YAML_SCHEMA_1_1, &stream);
	if (rc != 0 || !has_object(stream)) {
		return rc;
	}
	*is = true;
	return build_stream(doc, stream);
}

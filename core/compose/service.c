/*
 * compose/service.c - one Compose service to its container record.
 *
 * Values come from the merged, interpolated service map, so each keeps the
 * span (and the PLM_NODE_INTERPOLATED / PLM_NODE_INHERITED flags) of where
 * it was written. Booleans accept YAML booleans and, as Compose does after
 * interpolation, the strings true/false/yes/no/1/0.
 */
#include "compose/internal.h"
#include "util/path.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/source.h"
#include "util/utf8.h"
#include "yaml/keyset.h"
#include "model/record.h"
#include "util/alloc.h"

struct svc {
	struct compose_ctx *ctx;
	struct plm_arena *a;
	struct plm_node *rec;
	struct plm_node *s;          /* the service map */
	struct plm_keyset env_names; /* env name -> index in the env list */
};

static bool is_seq(const struct plm_node *n)
{
	return n != NULL && n->kind == PLM_NODE_SEQ;
}

static bool is_map(const struct plm_node *n)
{
	return n != NULL && n->kind == PLM_NODE_MAP;
}

/* -1 when not a boolean. */
static int truth(const struct plm_node *n)
{
	if (n == NULL) {
		return -1;
	}
	if (n->kind == PLM_NODE_BOOL) {
		return n->as.boolean;
	}
	if (n->kind == PLM_NODE_INT) {
		return n->as.integer == 0 ? 0 : n->as.integer == 1 ? 1 : -1;
	}
	const char *s = plm_node_str(n);
	if (s == NULL) {
		return -1;
	}
	static const char *const yes[] = {"true", "yes", "on", "1", "y", NULL};
	static const char *const no[] = {"false", "no", "off", "0", "n", NULL};
	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			return 1;
		}
		if (strcasecmp(s, no[i]) == 0) {
			return 0;
		}
	}
	return -1;
}

static struct plm_node *bool_at(struct svc *v, const struct plm_node *at,
	bool value)
{
	struct plm_node *n = plm_node_bool(v->a, at->span, value);
	if (n != NULL) {
		n->flags = at->flags & ~(uint32_t)PLM_NODE_QUOTED;
		n->text = at->text;
		n->text_len = at->text_len;
	}
	return n;
}

static struct plm_node *string_at(struct svc *v, const struct plm_node *at,
	const char *s, size_t len)
{
	struct plm_node *n = plm_node_string(v->a, at->span, s, len);
	if (n != NULL) {
		n->flags = at->flags & ~(uint32_t)PLM_NODE_QUOTED;
	}
	return n;
}

/* A scalar as a string node: its string, else its original text. */
static struct plm_node *as_string(struct svc *v, struct plm_node *n)
{
	if (n->kind == PLM_NODE_STRING) {
		return n;
	}
	if (n->text != NULL) {
		return string_at(v, n, n->text, n->text_len);
	}
	if (n->kind == PLM_NODE_INT) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%lld",
			(long long)n->as.integer);
		return string_at(v, n, buf, (size_t)len);
	}
	return string_at(v, n, "", 0);
}

static int set_bool(struct svc *v, const char *field, const char *key)
{
	struct plm_node *n = plm_node_get(v->s, key);
	int t = truth(n);
	if (t < 0) {
		return 0;
	}
	return plm_record_set(v->a, v->rec, field, bool_at(v, n, t == 1));
}

static int put(struct svc *v, struct plm_node *map, const char *key,
	struct plm_node *value)
{
	if (value == NULL) {
		return PLM_ENOMEM;
	}
	return plm_node_append(v->a, map, key, strlen(key), value->span, value);
}

static struct plm_node *implicit_null(struct svc *v, struct plm_span at)
{
	struct plm_node *n = plm_node_null(v->a, at);
	if (n != NULL) {
		n->flags |= PLM_NODE_IMPLICIT;
	}
	return n;
}

/* ---- words ----------------------------------------------------------- */

/* Splits a command string into words the way Compose does (shell-like
 * quoting, no shell run). */
static struct plm_node *split_words(struct svc *v, const struct plm_node *n)
{
	struct plm_node *out = plm_node_seq(v->a, n->span);
	if (out == NULL) {
		return NULL;
	}
	out->flags = n->flags & ~(uint32_t)PLM_NODE_QUOTED;
	const char *s = n->as.string.ptr;
	size_t len = n->as.string.len;
	char *word = plm_malloc(len + 1);
	if (word == NULL) {
		return NULL;
	}
	size_t i = 0;
	for (;;) {
		while (i < len && isspace((unsigned char)s[i])) {
			i++;
		}
		if (i >= len) {
			break;
		}
		size_t w = 0;
		while (i < len && !isspace((unsigned char)s[i])) {
			char c = s[i++];
			if (c == '\'') {
				while (i < len && s[i] != '\'') {
					word[w++] = s[i++];
				}
				i++;
			} else if (c == '"') {
				while (i < len && s[i] != '"') {
					if (s[i] == '\\' && i + 1 < len &&
						strchr("\"\\$`", s[i + 1])) {
						i++;
					}
					word[w++] = s[i++];
				}
				i++;
			} else if (c == '\\' && i < len) {
				word[w++] = s[i++];
			} else {
				word[w++] = c;
			}
		}
		struct plm_node *item = string_at(v, n, word, w);
		if (item == NULL || plm_node_push(v->a, out, item) != 0) {
			plm_free(word);
			return NULL;
		}
	}
	plm_free(word);
	return out;
}

static int set_argv(struct svc *v, const char *field, const char *key)
{
	struct plm_node *n = plm_node_get(v->s, key);
	if (n == NULL) {
		return 0;
	}
	if (n->kind == PLM_NODE_STRING) {
		return plm_record_set(v->a, v->rec, field, split_words(v, n));
	}
	if (n->kind != PLM_NODE_SEQ && n->kind != PLM_NODE_NULL) {
		return plm_record_set(v->a, v->rec, field,
			plm_record_unknown(v->ctx->doc, n, key,
				"a string or a list of strings"));
	}
	return plm_record_set(v->a, v->rec, field, n);
}

/* ---- security ------------------------------------------------------- */

static struct plm_node *capability(struct svc *v, struct plm_node *item)
{
	struct plm_node *s = as_string(v, item);
	struct plm_node *n = s ? plm_record_capability(v->a, s, PLM_NODE_QUOTED)
			       : NULL;
	if (n != NULL) {
		n->text = item->text;
		n->text_len = item->text_len;
	}
	return n;
}

static int set_capabilities(struct svc *v)
{
	static const char *const keys[][2] = {{"cap_add", "add"},
		{"cap_drop", "drop"}};
	for (size_t k = 0; k < 2; k++) {
		struct plm_node *list = plm_node_get(v->s, keys[k][0]);
		if (list != NULL && list->kind != PLM_NODE_NULL &&
			!is_seq(list)) {
			int rc = plm_record_set_in(v->a, v->rec, "capabilities",
				keys[k][1],
				plm_record_unknown(v->ctx->doc, list,
					keys[k][0],
					"a list of capability names"));
			if (rc != 0) {
				return rc;
			}
			continue;
		}
		if (!is_seq(list)) {
			continue;
		}
		struct plm_node *out = plm_node_seq(v->a, list->span);
		if (out == NULL) {
			return PLM_ENOMEM;
		}
		for (size_t i = 0; i < list->as.seq.count; i++) {
			struct plm_node *c = capability(v,
				list->as.seq.items[i]);
			if (c == NULL || plm_node_push(v->a, out, c) != 0) {
				return PLM_ENOMEM;
			}
		}
		if (plm_record_set_in(v->a, v->rec, "capabilities", keys[k][1],
			    out) != 0) {
			return PLM_ENOMEM;
		}
	}
	return 0;
}

/* security_opt written as anything but a list: every field it fills is
 * unknown (one note). */
static int security_opt_unknown(struct svc *v, struct plm_node *list)
{
	static const char *const fields[] = {"allow_privilege_escalation",
		"seccomp", "apparmor", "selinux"};
	struct plm_node *u = plm_record_unknown(v->ctx->doc, list,
		"security_opt",
		"a list of options (seccomp:..., no-new-privileges, ...)");
	for (size_t i = 0; i < 4; i++) {
		int rc = plm_record_set(v->a, v->rec, fields[i],
			i == 0 ? u : plm_node_clone(v->a, u));
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* seccomp / apparmor option values in the record's profile shape:
 * "unconfined"; Docker's default profile ("builtin" for seccomp,
 * "docker-default" for AppArmor); else a profile file or name, as a
 * Kubernetes Localhost profile is. */
static int profile_opt(struct svc *v, struct plm_node *item, const char *field,
	const char *val, const char *builtin)
{
	if (val == NULL || val[0] == '\0') {
		return plm_record_set(v->a, v->rec, field,
			plm_record_unknown(v->ctx->doc, item, field,
				"unconfined, or a profile file or name"));
	}
	const char *type = "Localhost";
	struct plm_node *profile = NULL;
	if (strcmp(val, "unconfined") == 0) {
		type = "Unconfined";
	} else if (strcmp(val, builtin) == 0) {
		type = "RuntimeDefault";
	} else {
		profile = string_at(v, item, val, strlen(val));
		if (profile == NULL) {
			return PLM_ENOMEM;
		}
	}
	struct plm_node *t = string_at(v, item, type, strlen(type));
	if (t == NULL) {
		return PLM_ENOMEM;
	}
	return plm_record_set(v->a, v->rec, field,
		plm_record_profile(v->a, item->span, t, profile, "security_opt",
			0));
}

/* label options: disable, user:U, role:R, type:T, level:L (the level may
 * hold colons); others (filetype, nested) do not change the process. */
static int label_opt(struct svc *v, struct plm_node **selinux,
	struct plm_node *item, const char *val)
{
	if (val == NULL) {
		return plm_record_unknown(v->ctx->doc, item, "label",
			       "label:disable or label:<key>:<value>")
			? 0
			: PLM_ENOMEM;
	}
	if (*selinux == NULL) {
		*selinux = plm_record_selinux(v->a, item->span, "security_opt",
			0);
		if (*selinux == NULL) {
			return PLM_ENOMEM;
		}
	}
	if (strcmp(val, "disable") == 0) {
		struct plm_node *t = bool_at(v, item, true);
		return t ? plm_record_selinux_set(v->a, *selinux, "disabled", t)
			 : PLM_ENOMEM;
	}
	static const char *const keys[] = {"user", "role", "type", "level"};
	size_t klen = strcspn(val, ":");
	for (size_t i = 0; i < 4 && val[klen] == ':'; i++) {
		if (strlen(keys[i]) == klen &&
			strncmp(val, keys[i], klen) == 0) {
			const char *x = val + klen + 1;
			struct plm_node *n = string_at(v, item, x, strlen(x));
			return n ? plm_record_selinux_set(v->a, *selinux,
					   keys[i], n)
				 : PLM_ENOMEM;
		}
	}
	return 0;
}

/* security_opt: no-new-privileges[:=true|false], seccomp[:=]profile,
 * apparmor[:=]profile, label[:=]option, systempaths=unconfined. */
static int security_opt(struct svc *v, struct plm_node **selinux,
	struct plm_node *item)
{
	const char *s = plm_node_str(item);
	if (s == NULL) {
		(void)plm_record_unknown(v->ctx->doc, item, "security_opt item",
			"a string");
		return 0;
	}
	size_t klen = strcspn(s, ":=");
	const char *val = s[klen] ? s + klen + 1 : NULL;
	if (klen == 17 && strncmp(s, "no-new-privileges", 17) == 0) {
		int on = 1;
		if (val != NULL) {
			struct plm_node tmp = {0};
			tmp.kind = PLM_NODE_STRING;
			tmp.as.string.ptr = val;
			tmp.as.string.len = strlen(val);
			on = truth(&tmp);
		}
		return plm_record_set(v->a, v->rec,
			"allow_privilege_escalation",
			on < 0 ? plm_record_unknown(v->ctx->doc, item,
					 "no-new-privileges",
					 "no-new-privileges, or with :true or "
					 ":false")
			       : bool_at(v, item, on == 0));
	}
	if (klen == 7 && strncmp(s, "seccomp", 7) == 0) {
		return profile_opt(v, item, "seccomp", val, "builtin");
	}
	if (klen == 8 && strncmp(s, "apparmor", 8) == 0) {
		return profile_opt(v, item, "apparmor", val, "docker-default");
	}
	if (klen == 5 && strncmp(s, "label", 5) == 0) {
		return label_opt(v, selinux, item, val);
	}
	if (klen == 11 && strncmp(s, "systempaths", 11) == 0 && val != NULL &&
		strcmp(val, "unconfined") == 0) {
		/* /proc unmasked: what Kubernetes calls procMount: Unmasked */
		return plm_record_set(v->a, v->rec, "proc_mount",
			string_at(v, item, "Unmasked", 8));
	}
	return 0;
}

static int set_security_opt(struct svc *v)
{
	struct plm_node *list = plm_node_get(v->s, "security_opt");
	if (list == NULL || list->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (!is_seq(list)) {
		return security_opt_unknown(v, list);
	}
	struct plm_node *selinux = NULL;
	for (size_t i = 0; i < list->as.seq.count; i++) {
		int rc = security_opt(v, &selinux, list->as.seq.items[i]);
		if (rc != 0) {
			return rc;
		}
	}
	if (selinux != NULL) {
		return plm_record_set(v->a, v->rec, "selinux", selinux);
	}
	return 0;
}

/* network_mode / pid / ipc: "host" shares the host's namespace. */
static int set_host(struct svc *v, const char *key, const char *field,
	bool default_false)
{
	struct plm_node *n = plm_node_get(v->s, key);
	const char *s = plm_node_str(n);
	if (s != NULL) {
		return plm_record_set_in(v->a, v->rec, "host", field,
			bool_at(v, n, strcmp(s, "host") == 0));
	}
	if (!default_false) {
		return 0;
	}
	struct plm_node *f = plm_node_bool(v->a, v->rec->span, false);
	if (f != NULL) {
		f->flags |= PLM_NODE_IMPLICIT;
	}
	return plm_record_set_in(v->a, v->rec, "host", field, f);
}

/* ---- volumes and tmpfs ---------------------------------------------- */

static bool looks_like_path(const char *s, size_t len)
{
	if (len == 0) {
		return false;
	}
	if (s[0] == '/' || s[0] == '.' || s[0] == '~' || s[0] == '\\') {
		return true;
	}
	/* C:\ or C:/ */
	return len >= 3 && isalpha((unsigned char)s[0]) && s[1] == ':' &&
		(s[2] == '\\' || s[2] == '/');
}

static bool option_in(const char *opts, size_t len, const char *opt)
{
	size_t n = strlen(opt);
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && opts[j] != ',') {
			j++;
		}
		if (j - i == n && memcmp(opts + i, opt, n) == 0) {
			return true;
		}
		i = j + 1;
	}
	return false;
}

static int mount(struct svc *v, struct plm_node *out, struct plm_node *at,
	const char *kind, struct plm_node *source, struct plm_node *target,
	struct plm_node *read_only)
{
	struct plm_node *m = plm_node_map(v->a, at->span);
	if (m == NULL) {
		return PLM_ENOMEM;
	}
	m->flags = at->flags & ~(uint32_t)PLM_NODE_QUOTED;
	struct plm_node *k = string_at(v, at, kind, strlen(kind));
	if (k == NULL) {
		return PLM_ENOMEM;
	}
	if (put(v, m, "kind", k) != 0 ||
		put(v, m, "source",
			source ? source : implicit_null(v, at->span)) != 0 ||
		put(v, m, "target",
			target ? target : implicit_null(v, at->span)) != 0 ||
		put(v, m, "read_only", read_only) != 0) {
		return PLM_ENOMEM;
	}
	return plm_node_push(v->a, out, m);
}

static struct plm_node *implicit_false(struct svc *v, struct plm_span at)
{
	struct plm_node *n = plm_node_bool(v->a, at, false);
	if (n != NULL) {
		n->flags |= PLM_NODE_IMPLICIT;
	}
	return n;
}

/* Short syntax: [SOURCE:]TARGET[:MODE]. */
static int short_volume(struct svc *v, struct plm_node *out,
	struct plm_node *item)
{
	const char *s = item->as.string.ptr;
	size_t len = item->as.string.len;
	const char *parts[3] = {s, NULL, NULL};
	size_t lens[3] = {len, 0, 0};
	size_t count = 0, start = 0;
	for (size_t i = 0; i <= len && count < 3; i++) {
		/* a Windows drive letter's colon (C:\ or C:/) does not split */
		bool drive = i < len && i == start + 1 &&
			isalpha((unsigned char)s[start]) && i + 1 < len &&
			(s[i + 1] == '\\' || s[i + 1] == '/');
		if (i == len || (s[i] == ':' && !drive)) {
			parts[count] = s + start;
			lens[count] = (count == 2 ? len : i) - start;
			count++;
			start = i + 1;
		}
	}
	struct plm_node *source = NULL, *target;
	const char *mode = NULL;
	size_t mode_len = 0;
	if (count == 1) {
		target = string_at(v, item, parts[0], lens[0]);
	} else {
		source = string_at(v, item, parts[0], lens[0]);
		target = string_at(v, item, parts[1], lens[1]);
		if (count == 3) {
			mode = parts[2];
			mode_len = lens[2];
		}
	}
	if (target == NULL || (count > 1 && source == NULL)) {
		return PLM_ENOMEM;
	}
	const char *kind = source && looks_like_path(parts[0], lens[0])
		? "bind"
		: "volume";
	struct plm_node *ro = mode && option_in(mode, mode_len, "ro")
		? bool_at(v, item, true)
		: mode ? bool_at(v, item, false)
		       : implicit_false(v, item->span);
	if (ro == NULL) {
		return PLM_ENOMEM;
	}
	return mount(v, out, item, kind, source, target, ro);
}

/* A tmpfs mount's size (bytes, as Docker reads `64m`) as size_limit of
 * the mount just added: null when not written, unknown when it does not
 * parse. */
static int tmpfs_size(struct svc *v, struct plm_node *out, struct plm_node *at,
	const struct plm_node *size)
{
	struct plm_node *m = out->as.seq.items[out->as.seq.count - 1];
	struct plm_node *n = size != NULL && size->kind != PLM_NODE_NULL
		? plm_record_quantity(v->ctx->doc, size, "size", false, true)
		: implicit_null(v, at->span);
	return put(v, m, "size_limit", n);
}

/* The value of option `name=` in a comma-separated option list, or NULL. */
static const char *option_value(const char *opts, const char *name, size_t *len)
{
	size_t n = strlen(name);
	for (const char *p = opts; p != NULL && *p != '\0';) {
		size_t item = strcspn(p, ",");
		if (item > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			*len = item - n - 1;
			return p + n + 1;
		}
		p = p[item] ? p + item + 1 : NULL;
	}
	return NULL;
}

static int long_volume(struct svc *v, struct plm_node *out,
	struct plm_node *item)
{
	struct plm_node *type = plm_node_get(item, "type");
	const char *kind = plm_node_str(type);
	struct plm_node *source = plm_node_get(item, "source");
	if (kind == NULL) {
		const char *src = plm_node_str(source);
		kind = src && looks_like_path(src, strlen(src)) ? "bind"
								: "volume";
	} else if (strcmp(kind, "bind") != 0 && strcmp(kind, "volume") != 0 &&
		strcmp(kind, "tmpfs") != 0) {
		kind = "other";
	}
	struct plm_node *ro_node = plm_node_get(item, "read_only");
	int t = truth(ro_node);
	struct plm_node *ro = t >= 0 ? bool_at(v, ro_node, t == 1)
				     : implicit_false(v, item->span);
	if (ro == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *target = plm_node_get(item, "target");
	int rc = mount(v, out, item, kind,
		source && source->kind != PLM_NODE_NULL ? as_string(v, source)
							: NULL,
		target ? as_string(v, target) : NULL, ro);
	if (rc == 0 && strcmp(kind, "tmpfs") == 0) {
		static const char *const size[] = {"tmpfs", "size", NULL};
		const struct plm_node *n = item;
		for (size_t i = 0; size[i] != NULL && n != NULL; i++) {
			n = plm_node_get(n, size[i]);
		}
		rc = tmpfs_size(v, out, item, n);
	}
	return rc;
}

static int set_mounts(struct svc *v)
{
	struct plm_node *vols = plm_node_get(v->s, "volumes");
	struct plm_node *tmpfs = plm_node_get(v->s, "tmpfs");
	if (vols != NULL && vols->kind != PLM_NODE_NULL && !is_seq(vols)) {
		return plm_record_set(v->a, v->rec, "mounts",
			plm_record_unknown(v->ctx->doc, vols, "volumes",
				"a list of volumes"));
	}
	if (!is_seq(vols) && tmpfs == NULL) {
		return 0;
	}
	struct plm_node *out = plm_node_seq(v->a,
		is_seq(vols) ? vols->span : tmpfs->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; is_seq(vols) && i < vols->as.seq.count; i++) {
		struct plm_node *item = vols->as.seq.items[i];
		int rc = 0;
		if (item->kind == PLM_NODE_STRING) {
			rc = short_volume(v, out, item);
		} else if (item->kind == PLM_NODE_MAP) {
			rc = long_volume(v, out, item);
		}
		if (rc != 0) {
			return rc;
		}
	}
	/* tmpfs: a path or a list of paths (with optional :options) */
	struct plm_node *one[1] = {tmpfs};
	struct plm_node **items = is_seq(tmpfs) ? tmpfs->as.seq.items : one;
	size_t count = is_seq(tmpfs) ? tmpfs->as.seq.count : tmpfs ? 1 : 0;
	for (size_t i = 0; i < count; i++) {
		const char *s = plm_node_str(items[i]);
		if (s == NULL) {
			continue;
		}
		size_t path_len = strcspn(s, ":");
		struct plm_node *target = string_at(v, items[i], s, path_len);
		struct plm_node *ro = implicit_false(v, items[i]->span);
		if (target == NULL || ro == NULL ||
			mount(v, out, items[i], "tmpfs", NULL, target, ro) !=
				0) {
			return PLM_ENOMEM;
		}
		size_t size_len = 0;
		const char *size = s[path_len]
			? option_value(s + path_len + 1, "size", &size_len)
			: NULL;
		struct plm_node *size_node = size
			? string_at(v, items[i], size, size_len)
			: NULL;
		if ((size != NULL && size_node == NULL) ||
			tmpfs_size(v, out, items[i], size_node) != 0) {
			return PLM_ENOMEM;
		}
	}
	return plm_record_set(v->a, v->rec, "mounts", out);
}

/* ---- ports ---------------------------------------------------------- */

/* "80", "8000-8010", or a variable left as text. */
static struct plm_node *port_number(struct svc *v, struct plm_node *at,
	const char *s, size_t len, struct plm_node **end)
{
	*end = NULL;
	const char *dash = memchr(s, '-', len);
	size_t first = dash ? (size_t)(dash - s) : len;
	char buf[16];
	bool numeric = first > 0 && first < sizeof(buf);
	for (size_t i = 0; numeric && i < first; i++) {
		numeric = isdigit((unsigned char)s[i]);
	}
	if (!numeric) {
		return string_at(v, at, s, len);
	}
	memcpy(buf, s, first);
	buf[first] = '\0';
	struct plm_node *n = plm_node_int(v->a, at->span, atol(buf));
	if (n != NULL) {
		n->flags = at->flags & ~(uint32_t)PLM_NODE_QUOTED;
	}
	if (dash != NULL) {
		struct plm_node *ignored;
		*end = port_number(v, at, dash + 1, len - first - 1, &ignored);
	}
	return n;
}

static int port_record(struct svc *v, struct plm_node *out, struct plm_node *at,
	struct plm_node *container, struct plm_node *container_end,
	struct plm_node *host, struct plm_node *host_end,
	struct plm_node *protocol, struct plm_node *host_ip)
{
	struct plm_node *m = plm_node_map(v->a, at->span);
	if (m == NULL || container == NULL) {
		return PLM_ENOMEM;
	}
	m->flags = at->flags & ~(uint32_t)PLM_NODE_QUOTED;
	protocol = plm_record_protocol(v->ctx->doc, protocol, at->span,
		PLM_NODE_QUOTED);
	if (protocol == NULL) {
		return PLM_ENOMEM;
	}
	if (put(v, m, "container", container) != 0 ||
		(container_end != NULL &&
			put(v, m, "container_end", container_end) != 0) ||
		put(v, m, "host", host ? host : implicit_null(v, at->span)) !=
			0 ||
		(host_end != NULL && put(v, m, "host_end", host_end) != 0) ||
		put(v, m, "protocol", protocol) != 0 ||
		put(v, m, "host_ip",
			host_ip ? host_ip : implicit_null(v, at->span)) != 0) {
		return PLM_ENOMEM;
	}
	return plm_node_push(v->a, out, m);
}

/* Short syntax: [[HOST_IP:]HOST[-END]:]CONTAINER[-END][/PROTOCOL], the
 * host IP possibly in brackets (IPv6). */
static int short_port(struct svc *v, struct plm_node *out,
	struct plm_node *item)
{
	struct plm_node *text = as_string(v, item);
	if (text == NULL) {
		return PLM_ENOMEM;
	}
	const char *s = text->as.string.ptr;
	size_t len = text->as.string.len;
	struct plm_node *protocol = NULL;
	const char *slash = memchr(s, '/', len);
	if (slash != NULL) {
		protocol = string_at(v, item, slash + 1,
			len - (size_t)(slash - s) - 1);
		len = (size_t)(slash - s);
	}
	/* container part: after the last ':' */
	size_t c = len;
	while (c > 0 && s[c - 1] != ':') {
		c--;
	}
	struct plm_node *container_end, *host_end = NULL;
	struct plm_node *container = port_number(v, item, s + c, len - c,
		&container_end);
	struct plm_node *host = NULL, *host_ip = NULL;
	if (c > 0) {
		size_t hend = c - 1;
		size_t h = hend;
		while (h > 0 && s[h - 1] != ':' && s[h - 1] != ']') {
			h--;
		}
		if (hend > h) {
			host = port_number(v, item, s + h, hend - h, &host_end);
		}
		if (h > 0) {
			size_t ip_end = s[h - 1] == ']' ? h : h - 1;
			size_t ip_start = 0;
			if (s[0] == '[') {
				ip_start = 1;
				ip_end = ip_end > 0 && s[ip_end - 1] == ']'
					? ip_end - 1
					: ip_end;
			}
			host_ip = string_at(v, item, s + ip_start,
				ip_end > ip_start ? ip_end - ip_start : 0);
		}
	}
	return port_record(v, out, item, container, container_end, host,
		host_end, protocol, host_ip);
}

static int long_port(struct svc *v, struct plm_node *out, struct plm_node *item)
{
	struct plm_node *target = plm_node_get(item, "target");
	struct plm_node *published = plm_node_get(item, "published");
	struct plm_node *container = target ? target
					    : implicit_null(v, item->span);
	struct plm_node *container_end = NULL;
	if (target != NULL && target->kind == PLM_NODE_STRING) {
		/* interpolated: digits read as Compose reads them */
		container = port_number(v, target, target->as.string.ptr,
			target->as.string.len, &container_end);
	}
	struct plm_node *host = NULL, *host_end = NULL;
	if (published != NULL && published->kind == PLM_NODE_STRING) {
		host = port_number(v, published, published->as.string.ptr,
			published->as.string.len, &host_end);
	} else {
		host = published;
	}
	return port_record(v, out, item, container, container_end, host,
		host_end, plm_node_get(item, "protocol"),
		plm_node_get(item, "host_ip"));
}

static int set_ports(struct svc *v)
{
	struct plm_node *ports = plm_node_get(v->s, "ports");
	if (ports != NULL && ports->kind != PLM_NODE_NULL && !is_seq(ports)) {
		return plm_record_set(v->a, v->rec, "ports",
			plm_record_unknown(v->ctx->doc, ports, "ports",
				"a list of ports"));
	}
	if (!is_seq(ports)) {
		return 0;
	}
	struct plm_node *out = plm_node_seq(v->a, ports->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < ports->as.seq.count; i++) {
		struct plm_node *item = ports->as.seq.items[i];
		int rc = 0;
		if (item->kind == PLM_NODE_MAP) {
			rc = long_port(v, out, item);
		} else if (item->kind == PLM_NODE_SEQ ||
			item->kind == PLM_NODE_NULL) {
			(void)plm_record_unknown(v->ctx->doc, item,
				"ports item",
				"a port (\"8080:80/tcp\") or a map (target, "
				"published, protocol, host_ip)");
		} else {
			rc = short_port(v, out, item);
		}
		if (rc != 0) {
			return rc;
		}
	}
	return plm_record_set(v->a, v->rec, "ports", out);
}

/* ---- environment, healthcheck, hooks -------------------------------- */

/* Appends {name, value}, or replaces the value of an earlier item of the
 * same name (environment: wins over env_file). */
static int env_item(struct svc *v, struct plm_node *out, struct plm_node *at,
	struct plm_node *name, struct plm_node *value)
{
	if (name == NULL || value == NULL) {
		return PLM_ENOMEM;
	}
	size_t i;
	if (plm_keyset_find(&v->env_names, name->as.string.ptr,
		    name->as.string.len, &i)) {
		return plm_node_set(v->a, out->as.seq.items[i], "value",
			value->span, value);
	}
	if (plm_keyset_add(&v->env_names, name->as.string.ptr,
		    name->as.string.len, out->as.seq.count) != 0) {
		return PLM_ENOMEM;
	}
	struct plm_node *m = plm_node_map(v->a, at->span);
	if (m == NULL) {
		return PLM_ENOMEM;
	}
	m->flags = at->flags & (PLM_NODE_INTERPOLATED | PLM_NODE_INHERITED);
	if (put(v, m, "name", name) != 0 || put(v, m, "value", value) != 0) {
		return PLM_ENOMEM;
	}
	return plm_node_push(v->a, out, m);
}

/* One env_file: another source of the document, each variable spanning its
 * line there. A missing file is a note (often a git-ignored .env). */
static int env_file(struct svc *v, struct plm_node *out, struct plm_node *at,
	const char *rel, bool required)
{
	char *path = plm_path_join(v->a, v->ctx->dir, rel);
	if (path == NULL) {
		return PLM_ENOMEM;
	}
	/* read only inside the tree, and what was checked: the resolved
	 * path */
	bool inside = false;
	char *real = NULL;
	int rc = plm_path_resolve_inside(v->ctx->root, path, &inside, &real);
	if (rc == PLM_ENOMEM) {
		return rc;
	}
	if (rc == 0 && !inside) {
		plm_doc_diag(v->ctx->doc, PLM_DIAG_NOTE,
			"compose/file-outside-tree", at->span,
			"env_file %s is "
			"outside the scanned tree (%s): it is not read, its "
			"variables are not in the model",
			path, v->ctx->root);
		plm_free(real);
		return 0;
	}
	struct plm_source *src = NULL;
	if (rc == 0) {
		rc = plm_source_read(real, path, PLM_COMPOSE_MAX_AUX_FILE,
			&src);
	}
	plm_free(real);
	if (rc == PLM_ENOMEM) {
		return rc;
	}
	if (rc != 0) {
		if (required) {
			plm_doc_diag(v->ctx->doc, PLM_DIAG_NOTE,
				"compose/missing-env-file", at->span,
				"cannot read env_file %s%s: its variables are not in "
				"the model",
				path,
				rc == PLM_ELIMIT
					? " (larger than PLM_COMPOSE_MAX_AUX_FILE)"
					: "");
		}
		return 0;
	}
	int index = plm_doc_add_source_take(v->ctx->doc, src);
	if (index < 0) {
		return PLM_ENOMEM;
	}
	for (uint32_t line = 0; line < src->line_count; line++) {
		size_t len;
		const char *p = plm_source_line(src, line, &len);
		const char *name, *raw;
		size_t nlen, rlen;
		if (!plm_compose_dotenv_split(p, len, &name, &nlen, &raw,
			    &rlen)) {
			continue;
		}
		uint32_t start = src->line_starts[line];
		struct plm_span span = {(uint32_t)index, start,
			start + (uint32_t)len};
		char *value;
		size_t vlen;
		rc = plm_compose_dotenv_value(v->ctx, raw, rlen, &value, &vlen);
		if (rc == PLM_ELIMIT) {
			plm_doc_diag(v->ctx->doc, PLM_DIAG_ERROR,
				"limit/interpolation", span,
				"value expands past %zu bytes "
				"(PLM_COMPOSE_MAX_INTERPOLATED): this variable is "
				"left out",
				(size_t)PLM_COMPOSE_MAX_INTERPOLATED);
			continue;
		}
		if (rc != 0) {
			return rc;
		}
		size_t clean_len;
		char *clean = plm_utf8_sanitize(v->a, name, nlen, &clean_len);
		struct plm_node *n = clean
			? plm_node_string(v->a, span, clean, clean_len)
			: NULL;
		struct plm_node *val = plm_node_string(v->a, span, value, vlen);
		struct plm_node line_at = {0};
		line_at.span = span;
		if (n == NULL || val == NULL ||
			env_item(v, out, &line_at, n, val) != 0) {
			return PLM_ENOMEM;
		}
	}
	return 0;
}

static int env_files(struct svc *v, struct plm_node *out,
	struct plm_node *files)
{
	struct plm_node *one[1] = {files};
	struct plm_node **items = is_seq(files) ? files->as.seq.items : one;
	size_t count = is_seq(files) ? files->as.seq.count : 1;
	for (size_t i = 0; i < count; i++) {
		struct plm_node *item = items[i];
		const char *rel = plm_node_str(item);
		bool required = true;
		if (is_map(item)) {
			rel = plm_node_get_str(item, "path");
			required = truth(plm_node_get(item, "required")) != 0;
		}
		if (rel == NULL) {
			continue;
		}
		int rc = env_file(v, out, item, rel, required);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

static int set_env(struct svc *v)
{
	struct plm_node *env = plm_node_get(v->s, "environment");
	struct plm_node *files = plm_node_get(v->s, "env_file");
	if (files != NULL && files->kind == PLM_NODE_NULL) {
		files = NULL;
	}
	if (env != NULL && env->kind != PLM_NODE_NULL && !is_seq(env) &&
		!is_map(env)) {
		return plm_record_set(v->a, v->rec, "env",
			plm_record_unknown(v->ctx->doc, env, "environment",
				"a list (NAME=value) or a map"));
	}
	if (!is_seq(env) && !is_map(env)) {
		env = NULL;
	}
	if (env == NULL && files == NULL) {
		return 0;
	}
	struct plm_node *out = plm_node_seq(v->a,
		env ? env->span : files->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	if (files != NULL) {
		int rc = env_files(v, out, files);
		if (rc != 0) {
			return rc;
		}
	}
	if (is_map(env)) {
		for (size_t i = 0; i < env->as.map.count; i++) {
			struct plm_entry *e = &env->as.map.entries[i];
			struct plm_node *name = plm_node_string(v->a,
				e->key_span, e->key, e->key_len);
			struct plm_node *value = e->value->kind == PLM_NODE_NULL
				? e->value
				: as_string(v, e->value);
			if (env_item(v, out, e->value, name, value) != 0) {
				return PLM_ENOMEM;
			}
		}
	} else if (is_seq(env)) {
		for (size_t i = 0; i < env->as.seq.count; i++) {
			struct plm_node *item = env->as.seq.items[i];
			const char *s = plm_node_str(item);
			if (s == NULL) {
				continue;
			}
			const char *eq = strchr(s, '=');
			size_t nlen = eq ? (size_t)(eq - s) : strlen(s);
			struct plm_node *name = string_at(v, item, s, nlen);
			struct plm_node *value = eq
				? string_at(v, item, eq + 1, strlen(eq + 1))
				: plm_node_null(v->a, item->span);
			if (env_item(v, out, item, name, value) != 0) {
				return PLM_ENOMEM;
			}
		}
	}
	return plm_record_set(v->a, v->rec, "env", out);
}

static int set_healthcheck(struct svc *v)
{
	struct plm_node *hc = plm_node_get(v->s, "healthcheck");
	if (!is_map(hc)) {
		return 0;
	}
	struct plm_node *m = plm_node_map(v->a, hc->span);
	if (m == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *test = plm_node_get(hc, "test");
	struct plm_node *disable = plm_node_get(hc, "disable");
	bool disabled = truth(disable) == 1;
	if (is_seq(test) && test->as.seq.count > 0 &&
		plm_node_str(test->as.seq.items[0]) != NULL &&
		strcmp(plm_node_str(test->as.seq.items[0]), "NONE") == 0) {
		disabled = true;
	}
	struct plm_node *d = disable && truth(disable) >= 0
		? bool_at(v, disable, disabled)
		: plm_node_bool(v->a, test ? test->span : hc->span, disabled);
	if (d != NULL && disable == NULL && !disabled) {
		d->flags |= PLM_NODE_IMPLICIT;
	}
	if (test != NULL && test->kind == PLM_NODE_STRING) {
		/* a string runs in a shell, as ["CMD-SHELL", text] */
		struct plm_node *seq = plm_node_seq(v->a, test->span);
		struct plm_node *cmd = string_at(v, test, "CMD-SHELL", 9);
		if (seq == NULL || cmd == NULL ||
			plm_node_push(v->a, seq, cmd) != 0 ||
			plm_node_push(v->a, seq, test) != 0) {
			return PLM_ENOMEM;
		}
		seq->flags = test->flags & ~(uint32_t)PLM_NODE_QUOTED;
		test = seq;
	}
	if (put(v, m, "test", test ? test : implicit_null(v, hc->span)) != 0 ||
		put(v, m, "disabled", d) != 0) {
		return PLM_ENOMEM;
	}
	/* the Dockerfile's HEALTHCHECK options, under the same names */
	static const char *const options[] = {"interval", "timeout",
		"start_period", "start_interval", "retries"};
	struct plm_node *o = plm_node_map(v->a, hc->span);
	for (size_t i = 0; o != NULL && i < 5; i++) {
		struct plm_node *x = plm_node_get(hc, options[i]);
		if (put(v, o, options[i], x ? x : implicit_null(v, hc->span)) !=
			0) {
			return PLM_ENOMEM;
		}
	}
	if (o == NULL || put(v, m, "options", o) != 0) {
		return PLM_ENOMEM;
	}
	return plm_record_set(v->a, v->rec, "healthcheck", m);
}

/* post_start / pre_stop hooks: lists of {command, user, ...}. */
static int set_lifecycle(struct svc *v)
{
	static const char *const hooks[] = {"post_start", "pre_stop"};
	struct plm_node *out = NULL;
	for (size_t h = 0; h < 2; h++) {
		struct plm_node *list = plm_node_get(v->s, hooks[h]);
		if (!is_seq(list)) {
			continue;
		}
		for (size_t i = 0; i < list->as.seq.count; i++) {
			struct plm_node *hook = list->as.seq.items[i];
			struct plm_node *cmd = plm_node_get(hook, "command");
			if (cmd == NULL) {
				continue;
			}
			if (cmd->kind == PLM_NODE_STRING) {
				cmd = split_words(v, cmd);
			} else if (cmd->kind != PLM_NODE_SEQ) {
				cmd = plm_record_unknown(v->ctx->doc, cmd,
					"command",
					"a string or a list of strings");
			}
			if (out == NULL) {
				out = plm_node_seq(v->a, list->span);
			}
			struct plm_node *m = plm_node_map(v->a, hook->span);
			if (out == NULL || m == NULL ||
				put(v, m, "hook",
					plm_node_cstring(v->a, hook->span,
						hooks[h])) != 0 ||
				put(v, m, "command", cmd) != 0 ||
				plm_node_push(v->a, out, m) != 0) {
				return PLM_ENOMEM;
			}
		}
	}
	return out ? plm_record_set(v->a, v->rec, "lifecycle", out) : 0;
}

static int set_user(struct svc *v)
{
	struct plm_node *user = plm_node_get(v->s, "user");
	if (user == NULL || user->kind == PLM_NODE_NULL) {
		return 0;
	}
	struct plm_node *text = as_string(v, user);
	if (text == NULL) {
		return PLM_ENOMEM;
	}
	return plm_record_set(v->a, v->rec, "user",
		plm_record_user(v->a, text));
}

static bool is_remote_context(const char *context)
{
	return strstr(context, "://") != NULL ||
		strncmp(context, "git@", 4) == 0;
}

/* build: (a context path, or {context, dockerfile, dockerfile_inline,
 * target, args}): a link request on the document; the engine reads the
 * Dockerfile and attaches its record as `build` (core/engine/link.c). */
static int set_build(struct svc *v)
{
	const struct plm_entry *e = plm_node_entry(v->s, "build");
	struct plm_node *b = e ? e->value : NULL;
	const char *context = ".", *dockerfile = "Dockerfile";
	const struct plm_node *inline_value = NULL;
	struct plm_link link = {0};
	if (b == NULL || b->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (b->kind == PLM_NODE_STRING) {
		context = b->as.string.len ? b->as.string.ptr : ".";
	} else if (b->kind == PLM_NODE_MAP) {
		const char *c = plm_node_get_str(b, "context");
		const char *d = plm_node_get_str(b, "dockerfile");
		/* empty (an unset variable): the defaults, as Compose does */
		context = c && c[0] ? c : ".";
		dockerfile = d && d[0] ? d : "Dockerfile";
		inline_value = plm_node_get(b, "dockerfile_inline");
		if (plm_node_str(inline_value) == NULL) {
			inline_value = NULL;
		}
		link.target = plm_node_get_str(b, "target");
	} else {
		return 0;
	}
	link.kind = PLM_LINK_BUILD;
	link.record = v->rec;
	link.context = context;
	link.span = e->key_span;
	if (inline_value != NULL) {
		link.inline_text = plm_node_str(inline_value);
		link.inline_span = inline_value->span;
		link.inline_literal = inline_value->text != NULL &&
			inline_value->text[0] == '|';
	} else if (!is_remote_context(context)) {
		char *ctx_dir = plm_path_join(v->a, v->ctx->dir, context);
		link.path = ctx_dir ? plm_path_join(v->a, ctx_dir, dockerfile)
				    : NULL;
		if (link.path == NULL) {
			return PLM_ENOMEM;
		}
	}
	return plm_doc_add_link(v->ctx->doc, &link);
}

/* ---- resources and runtime settings ---------------------------------- */

/* A quantity into resources.<set>.<key> (CPU in millicores, memory in
 * bytes as Docker reads it). */
static int set_amount(struct svc *v, const char *set, const char *key,
	struct plm_node *written)
{
	if (written == NULL || written->kind == PLM_NODE_NULL) {
		return 0;
	}
	struct plm_node *res = plm_node_get(v->rec, "resources");
	struct plm_node *m = plm_node_get(res, set);
	struct plm_node *q = plm_record_quantity(v->ctx->doc, written, key,
		strcmp(key, "cpu") == 0, true);
	if (q == NULL) {
		return PLM_ENOMEM;
	}
	res->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
	m->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
	return plm_record_set(v->a, m, key, q);
}

static int set_resources(struct svc *v)
{
	static const char *const deploy_res[] = {"deploy", "resources", NULL};
	const struct plm_node *res = v->s;
	for (size_t i = 0; deploy_res[i] != NULL && res != NULL; i++) {
		res = plm_node_get(res, deploy_res[i]);
	}
	static const char *const sets[][2] = {{"limits", "limits"},
		{"reservations", "requests"}};
	int rc = 0;
	struct plm_node *out = plm_node_get(v->rec, "resources");
	if (res != NULL && res->kind != PLM_NODE_NULL && !is_map(res)) {
		/* both sets unknown: the service-level keys may still fill
		 * an amount */
		struct plm_node *u = plm_record_unknown_amounts(v->ctx->doc,
			res, "deploy.resources",
			"a map (limits, reservations)");
		rc = u ? plm_record_set(v->a, out, "limits", u) : PLM_ENOMEM;
		if (rc == 0)
			rc = plm_record_set(v->a, out, "requests",
				plm_node_clone(v->a, u));
		out->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
	}
	for (size_t i = 0; rc == 0 && is_map(res) && i < 2; i++) {
		struct plm_node *m = plm_node_get(res, sets[i][0]);
		if (m != NULL && m->kind != PLM_NODE_NULL && !is_map(m)) {
			rc = plm_record_set(v->a, out, sets[i][1],
				plm_record_unknown_amounts(v->ctx->doc, m,
					sets[i][0], "a map (cpus, memory)"));
			out->flags &= ~(uint32_t)PLM_NODE_IMPLICIT;
			continue;
		}
		if (rc == 0)
			rc = set_amount(v, sets[i][1], "cpu",
				plm_node_get(m, "cpus"));
		if (rc == 0)
			rc = set_amount(v, sets[i][1], "memory",
				plm_node_get(m, "memory"));
	}
	/* The service-level keys win over deploy, as in Compose. */
	if (rc == 0)
		rc = set_amount(v, "limits", "cpu", plm_node_get(v->s, "cpus"));
	if (rc == 0)
		rc = set_amount(v, "limits", "memory",
			plm_node_get(v->s, "mem_limit"));
	if (rc == 0)
		rc = set_amount(v, "requests", "memory",
			plm_node_get(v->s, "mem_reservation"));
	return rc;
}

/* A key copied as written when it has the expected shape (a list for
 * `seq`, else a scalar or map), else unknown with a note. */
static int set_as_written(struct svc *v, const char *field, const char *key,
	bool seq, bool map_too, const char *expected)
{
	struct plm_node *n = plm_node_get(v->s, key);
	if (n == NULL || n->kind == PLM_NODE_NULL) {
		return 0;
	}
	bool ok = seq ? (is_seq(n) || (map_too && is_map(n)))
		      : (n->kind != PLM_NODE_SEQ && (map_too || !is_map(n)));
	return plm_record_set(v->a, v->rec, field,
		ok ? n : plm_record_unknown(v->ctx->doc, n, key, expected));
}

/* sysctls in either form as [{name, value}]. */
static int set_sysctls(struct svc *v)
{
	struct plm_node *n = plm_node_get(v->s, "sysctls");
	if (n == NULL || n->kind == PLM_NODE_NULL) {
		return 0;
	}
	if (!is_seq(n) && !is_map(n)) {
		return plm_record_set(v->a, v->rec, "sysctls",
			plm_record_unknown(v->ctx->doc, n, "sysctls",
				"a list or a map"));
	}
	struct plm_node *out = plm_node_seq(v->a, n->span);
	if (out == NULL) {
		return PLM_ENOMEM;
	}
	size_t count = plm_node_count(n);
	for (size_t i = 0; i < count; i++) {
		struct plm_node *name, *value;
		struct plm_span at;
		if (is_map(n)) {
			const struct plm_entry *e = &n->as.map.entries[i];
			at = e->key_span;
			name = plm_node_string(v->a, e->key_span, e->key,
				e->key_len);
			value = as_string(v, e->value);
		} else {
			struct plm_node *it = n->as.seq.items[i];
			const char *s = plm_node_str(it);
			if (s == NULL) {
				continue;
			}
			at = it->span;
			const char *eq = strchr(s, '=');
			size_t nl = eq ? (size_t)(eq - s) : strlen(s);
			name = string_at(v, it, s, nl);
			value = eq ? string_at(v, it, eq + 1, strlen(eq + 1))
				   : plm_record_implicit_null(v->a, it->span);
		}
		struct plm_node *m = plm_node_map(v->a, at);
		if (m == NULL || name == NULL || value == NULL ||
			plm_node_append_static(v->a, m, "name", 4, at, name) !=
				0 ||
			plm_node_append_static(v->a, m, "value", 5, at,
				value) != 0 ||
			plm_node_push(v->a, out, m) != 0) {
			return PLM_ENOMEM;
		}
	}
	return plm_record_set(v->a, v->rec, "sysctls", out);
}

/* tmpfs: a path or a list of paths, always a list in the record. */
static int set_tmpfs(struct svc *v)
{
	struct plm_node *n = plm_node_get(v->s, "tmpfs");
	if (n == NULL || n->kind != PLM_NODE_STRING) {
		return set_as_written(v, "tmpfs", "tmpfs", true, false,
			"a path or a list of paths");
	}
	struct plm_node *seq = plm_node_seq(v->a, n->span);
	if (seq == NULL || plm_node_push(v->a, seq, n) != 0) {
		return PLM_ENOMEM;
	}
	seq->flags = n->flags & ~(uint32_t)PLM_NODE_QUOTED;
	return plm_record_set(v->a, v->rec, "tmpfs", seq);
}

static int set_runtime(struct svc *v, struct plm_node *name)
{
	int rc = plm_record_set(v->a, v->rec, "source",
		plm_record_link(v->a, v->s));
	if (rc == 0)
		rc = set_resources(v);
	if (rc == 0)
		rc = set_as_written(v, "restart_policy", "restart", false,
			false,
			"a string (no, always, on-failure, unless-stopped)");
	static const char *const deploy_pids[] = {"deploy", "resources",
		"limits", "pids", NULL};
	const struct plm_node *pids = v->s;
	for (size_t i = 0; deploy_pids[i] != NULL && pids != NULL; i++) {
		pids = plm_node_get(pids, deploy_pids[i]);
	}
	if (rc == 0 && pids != NULL && pids->kind != PLM_NODE_NULL) {
		/* deploy's pids limit, unless pids_limit is set too */
		rc = plm_record_set(v->a, v->rec, "pids_limit",
			pids->kind == PLM_NODE_INT
				? (struct plm_node *)pids
				: plm_record_unknown(v->ctx->doc, pids, "pids",
					  "a number"));
	}
	if (rc == 0)
		rc = set_as_written(v, "pids_limit", "pids_limit", false, false,
			"a number");
	if (rc == 0)
		rc = set_as_written(v, "devices", "devices", true, false,
			"a list of devices");
	if (rc == 0)
		rc = set_tmpfs(v);
	if (rc == 0)
		rc = set_as_written(v, "secrets", "secrets", true, false,
			"a list of secrets");
	if (rc == 0)
		rc = set_as_written(v, "configs", "configs", true, false,
			"a list of configs");
	if (rc == 0)
		rc = set_as_written(v, "profiles", "profiles", true, false,
			"a list of profile names");
	if (rc == 0)
		rc = set_as_written(v, "runtime_class", "runtime", false, false,
			"a runtime name");
	if (rc == 0)
		rc = set_sysctls(v);
	struct plm_node *ul = plm_node_get(v->s, "ulimits");
	if (rc == 0 && ul != NULL && ul->kind != PLM_NODE_NULL) {
		/* ulimits is a map of name -> number or {soft, hard}. */
		struct plm_node *seq = is_map(ul)
			? plm_node_seq(v->a, ul->span)
			: plm_record_unknown(v->ctx->doc, ul, "ulimits",
				  "a map of limits");
		for (size_t i = 0;
			seq != NULL && is_map(ul) && i < ul->as.map.count;
			i++) {
			const struct plm_entry *e = &ul->as.map.entries[i];
			struct plm_node *m = plm_node_map(v->a, e->key_span);
			struct plm_node *nm = plm_node_string(v->a, e->key_span,
				e->key, e->key_len);
			if (m == NULL || nm == NULL ||
				plm_node_append_static(v->a, m, "name", 4,
					e->key_span, nm) != 0 ||
				plm_node_append_static(v->a, m, "value", 5,
					e->key_span, e->value) != 0 ||
				plm_node_push(v->a, seq, m) != 0) {
				return PLM_ENOMEM;
			}
		}
		rc = seq ? plm_record_set(v->a, v->rec, "ulimits", seq)
			 : PLM_ENOMEM;
	}
	(void)name;
	return rc;
}

static int service_record(struct compose_ctx *ctx, struct plm_node *name,
	struct plm_node *service, const char *origin, const char *role,
	struct plm_node **out);

int plm_compose_service_record(struct compose_ctx *ctx, struct plm_node *name,
	struct plm_node *service, struct plm_node **out)
{
	return service_record(ctx, name, service, "compose", "service", out);
}

int plm_compose_record(struct plm_doc *doc, struct plm_node *name,
	struct plm_node *service, const char *origin, const char *role,
	struct plm_node **out)
{
	/* No files, no interpolation: only what the map holds is read, and
	 * the keys that would read a file (env_file, build) are never in it. */
	static const struct plm_compose_options none = {0};
	struct compose_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.doc = doc;
	ctx.arena = doc->arena;
	ctx.options = &none;
	ctx.env.doc = doc;
	return service_record(&ctx, name, service, origin, role, out);
}

static int service_record(struct compose_ctx *ctx, struct plm_node *name,
	struct plm_node *service, const char *origin, const char *role,
	struct plm_node **out)
{
	struct svc v = {ctx, ctx->arena, NULL, service, {0}};
	*out = NULL;
	v.rec = plm_record_new(v.a, name->span, origin, role);
	if (v.rec == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *kind = plm_node_cstring(v.a, name->span, "Service");
	if (kind == NULL) {
		return PLM_ENOMEM;
	}
	kind->flags |= PLM_NODE_IMPLICIT;
	int rc = plm_record_set(v.a, v.rec, "name", name);
	if (rc == 0)
		rc = plm_record_set_in(v.a, v.rec, "workload", "kind", kind);
	if (rc == 0)
		rc = plm_record_set_in(v.a, v.rec, "workload", "name", name);
	if (!is_map(service)) {
		*out = v.rec;
		return rc;
	}
	/* A `provider:` service is set up by a plugin: no container. */
	if (plm_node_get(service, "provider") != NULL) {
		return rc;
	}
	struct plm_node *image = plm_node_get(service, "image");
	if (rc == 0 && image != NULL && image->kind != PLM_NODE_NULL &&
		image->kind != PLM_NODE_MAP && image->kind != PLM_NODE_SEQ) {
		struct plm_node *text = as_string(&v, image);
		rc = text ? plm_record_set(v.a, v.rec, "image",
				    plm_record_image(v.a, text))
			  : PLM_ENOMEM;
	}
	if (rc == 0)
		rc = set_user(&v);
	if (rc == 0)
		rc = set_bool(&v, "privileged", "privileged");
	if (rc == 0)
		rc = set_bool(&v, "read_only_rootfs", "read_only");
	if (rc == 0)
		rc = set_capabilities(&v);
	if (rc == 0)
		rc = set_host(&v, "network_mode", "network", true);
	if (rc == 0)
		rc = set_host(&v, "pid", "pid", true);
	if (rc == 0)
		rc = set_host(&v, "ipc", "ipc", true);
	if (rc == 0)
		rc = set_host(&v, "userns_mode", "users", false);
	if (rc == 0)
		rc = set_host(&v, "uts", "uts", false);
	if (rc == 0)
		rc = set_host(&v, "cgroup", "cgroup", false);
	if (rc == 0)
		rc = set_security_opt(&v);
	if (rc == 0)
		rc = set_mounts(&v);
	if (rc == 0)
		rc = set_ports(&v);
	if (rc == 0)
		rc = set_argv(&v, "command", "command");
	if (rc == 0)
		rc = set_argv(&v, "entrypoint", "entrypoint");
	if (rc == 0)
		rc = set_lifecycle(&v);
	if (rc == 0)
		rc = set_env(&v);
	plm_keyset_finish(&v.env_names);
	if (rc == 0)
		rc = set_healthcheck(&v);
	if (rc == 0)
		rc = set_build(&v);
	if (rc == 0)
		rc = set_runtime(&v, name);
	*out = v.rec;
	return rc;
}

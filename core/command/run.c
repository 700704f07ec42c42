/*
 * command/run.c - one `docker run` command line to a tree entry and a
 * container record.
 *
 * Flags are read as the Docker and Podman CLIs read them (pflag): `--flag
 * value`, `--flag=value`, `-f value`, `-fvalue`, clusters of short boolean
 * flags (`-it`, `-itd`) that may end in one taking a value (`-itu0`),
 * booleans with `=true`/`=false`, `--` ending the flags; the first word
 * that is not a flag is the image, the rest the command. The flags fill a
 * Compose service map (each value spanning its flag in the file), which
 * plm_compose_record reads into the record, so a command and the Compose
 * service it stands for give the same record.
 *
 * A value with an unresolved `$` or backquote (`$(id -u)`, `${VAR}`, make's
 * `$(VAR)`, a workflow's `${{ ... }}`) is unknown: the field it sets is a
 * null flagged PLM_NODE_UNKNOWN at the flag (the user is kept as written:
 * its `root` is then unknown too), never a guess.
 */
#include "command/internal.h"

#include <stdio.h>
#include <string.h>

#include "compose/compose.h"
#include "model/record.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* What a flag sets in the service map. */
enum action {
	A_NONE = 0,
	A_USER,
	A_PRIVILEGED,
	A_READ_ONLY,
	A_CAP_ADD,
	A_CAP_DROP,
	A_SECURITY_OPT,
	A_NETWORK,
	A_PID,
	A_IPC,
	A_UTS,
	A_USERNS,
	A_CGROUPNS,
	A_VOLUME,
	A_MOUNT,
	A_TMPFS,
	A_DEVICE,
	A_PUBLISH,
	A_PUBLISH_ALL,
	A_ENV,
	A_ENV_FILE,
	A_ENTRYPOINT,
	A_MEMORY,
	A_MEMORY_RESERVATION,
	A_CPUS,
	A_PIDS_LIMIT,
	A_RESTART,
	A_NAME,
	A_RUNTIME,
	A_SYSCTL,
	A_HEALTH_CMD,
	A_HEALTH_INTERVAL,
	A_HEALTH_TIMEOUT,
	A_HEALTH_START_PERIOD,
	A_HEALTH_START_INTERVAL,
	A_HEALTH_RETRIES,
	A_NO_HEALTHCHECK,
	A_ROOTFS,
	A_ULIMIT,
	A_GROUP_ADD,
};

struct flag {
	const char *name; /* long name without -- */
	char short_name;  /* 0: none */
	bool value;       /* takes a value (else a boolean) */
	enum action act;
};

/*
 * `docker container run` / `create` (docs.docker.com, Docker 27) and
 * `podman run` / `create` (podman 5), which nerdctl follows. Flags the
 * record does not hold are listed for their arity alone.
 */
static const struct flag run_flags[] = {
	{"add-host", 0, true, A_NONE},
	{"annotation", 0, true, A_NONE},
	{"arch", 0, true, A_NONE},
	{"attach", 'a', true, A_NONE},
	{"authfile", 0, true, A_NONE},
	{"blkio-weight", 0, true, A_NONE},
	{"blkio-weight-device", 0, true, A_NONE},
	{"cap-add", 0, true, A_CAP_ADD},
	{"cap-drop", 0, true, A_CAP_DROP},
	{"cert-dir", 0, true, A_NONE},
	{"cgroup-conf", 0, true, A_NONE},
	{"cgroup-parent", 0, true, A_NONE},
	{"cgroupns", 0, true, A_CGROUPNS},
	{"cgroups", 0, true, A_NONE},
	{"chrootdirs", 0, true, A_NONE},
	{"cidfile", 0, true, A_NONE},
	{"conmon-pidfile", 0, true, A_NONE},
	{"cpu-count", 0, true, A_NONE},
	{"cpu-percent", 0, true, A_NONE},
	{"cpu-period", 0, true, A_NONE},
	{"cpu-quota", 0, true, A_NONE},
	{"cpu-rt-period", 0, true, A_NONE},
	{"cpu-rt-runtime", 0, true, A_NONE},
	{"cpu-shares", 'c', true, A_NONE},
	{"cpus", 0, true, A_CPUS},
	{"cpuset-cpus", 0, true, A_NONE},
	{"cpuset-mems", 0, true, A_NONE},
	{"creds", 0, true, A_NONE},
	{"decryption-key", 0, true, A_NONE},
	{"detach", 'd', false, A_NONE},
	{"detach-keys", 0, true, A_NONE},
	{"device", 0, true, A_DEVICE},
	{"device-cgroup-rule", 0, true, A_NONE},
	{"device-read-bps", 0, true, A_NONE},
	{"device-read-iops", 0, true, A_NONE},
	{"device-write-bps", 0, true, A_NONE},
	{"device-write-iops", 0, true, A_NONE},
	{"disable-content-trust", 0, false, A_NONE},
	{"dns", 0, true, A_NONE},
	{"dns-opt", 0, true, A_NONE},
	{"dns-option", 0, true, A_NONE},
	{"dns-search", 0, true, A_NONE},
	{"domainname", 0, true, A_NONE},
	{"entrypoint", 0, true, A_ENTRYPOINT},
	{"env", 'e', true, A_ENV},
	{"env-file", 0, true, A_ENV_FILE},
	{"env-host", 0, false, A_NONE},
	{"env-merge", 0, true, A_NONE},
	{"expose", 0, true, A_NONE},
	{"gidmap", 0, true, A_NONE},
	{"gpus", 0, true, A_NONE},
	{"group-add", 0, true, A_GROUP_ADD},
	{"group-entry", 0, true, A_NONE},
	{"health-cmd", 0, true, A_HEALTH_CMD},
	{"health-interval", 0, true, A_HEALTH_INTERVAL},
	{"health-log-destination", 0, true, A_NONE},
	{"health-max-log-count", 0, true, A_NONE},
	{"health-max-log-size", 0, true, A_NONE},
	{"health-on-failure", 0, true, A_NONE},
	{"health-retries", 0, true, A_HEALTH_RETRIES},
	{"health-start-interval", 0, true, A_HEALTH_START_INTERVAL},
	{"health-start-period", 0, true, A_HEALTH_START_PERIOD},
	{"health-startup-cmd", 0, true, A_NONE},
	{"health-startup-interval", 0, true, A_NONE},
	{"health-startup-retries", 0, true, A_NONE},
	{"health-startup-success", 0, true, A_NONE},
	{"health-startup-timeout", 0, true, A_NONE},
	{"health-timeout", 0, true, A_HEALTH_TIMEOUT},
	{"help", 0, false, A_NONE},
	{"hostname", 'h', true, A_NONE},
	{"hostuser", 0, true, A_NONE},
	{"http-proxy", 0, false, A_NONE},
	{"image-volume", 0, true, A_NONE},
	{"init", 0, false, A_NONE},
	{"init-path", 0, true, A_NONE},
	{"interactive", 'i', false, A_NONE},
	{"io-maxbandwidth", 0, true, A_NONE},
	{"io-maxiops", 0, true, A_NONE},
	{"ip", 0, true, A_NONE},
	{"ip6", 0, true, A_NONE},
	{"ipc", 0, true, A_IPC},
	{"isolation", 0, true, A_NONE},
	{"kernel-memory", 0, true, A_NONE},
	{"label", 'l', true, A_NONE},
	{"label-file", 0, true, A_NONE},
	{"link", 0, true, A_NONE},
	{"link-local-ip", 0, true, A_NONE},
	{"log-driver", 0, true, A_NONE},
	{"log-opt", 0, true, A_NONE},
	{"mac-address", 0, true, A_NONE},
	{"memory", 'm', true, A_MEMORY},
	{"memory-reservation", 0, true, A_MEMORY_RESERVATION},
	{"memory-swap", 0, true, A_NONE},
	{"memory-swappiness", 0, true, A_NONE},
	{"mount", 0, true, A_MOUNT},
	{"name", 0, true, A_NAME},
	{"net", 0, true, A_NETWORK},
	{"net-alias", 0, true, A_NONE},
	{"network", 0, true, A_NETWORK},
	{"network-alias", 0, true, A_NONE},
	{"no-healthcheck", 0, false, A_NO_HEALTHCHECK},
	{"no-hostname", 0, false, A_NONE},
	{"no-hosts", 0, false, A_NONE},
	{"oom-kill-disable", 0, false, A_NONE},
	{"oom-score-adj", 0, true, A_NONE},
	{"os", 0, true, A_NONE},
	{"passwd", 0, false, A_NONE},
	{"passwd-entry", 0, true, A_NONE},
	{"personality", 0, true, A_NONE},
	{"pid", 0, true, A_PID},
	{"pidfile", 0, true, A_NONE},
	{"pids-limit", 0, true, A_PIDS_LIMIT},
	{"platform", 0, true, A_NONE},
	{"pod", 0, true, A_NONE},
	{"pod-id-file", 0, true, A_NONE},
	{"preserve-fd", 0, true, A_NONE},
	{"preserve-fds", 0, true, A_NONE},
	{"privileged", 0, false, A_PRIVILEGED},
	{"publish", 'p', true, A_PUBLISH},
	{"publish-all", 'P', false, A_PUBLISH_ALL},
	{"pull", 0, true, A_NONE},
	{"quiet", 'q', false, A_NONE},
	{"rdt-class", 0, true, A_NONE},
	{"read-only", 0, false, A_READ_ONLY},
	{"read-only-tmpfs", 0, false, A_NONE},
	{"replace", 0, false, A_NONE},
	{"requires", 0, true, A_NONE},
	{"restart", 0, true, A_RESTART},
	{"retry", 0, true, A_NONE},
	{"retry-delay", 0, true, A_NONE},
	{"rm", 0, false, A_NONE},
	{"rmi", 0, false, A_NONE},
	{"rootfs", 0, false, A_ROOTFS},
	{"runtime", 0, true, A_RUNTIME},
	{"sdnotify", 0, true, A_NONE},
	{"seccomp-policy", 0, true, A_NONE},
	{"secret", 0, true, A_NONE},
	{"security-opt", 0, true, A_SECURITY_OPT},
	{"shm-size", 0, true, A_NONE},
	{"shm-size-systemd", 0, true, A_NONE},
	{"sig-proxy", 0, false, A_NONE},
	{"stop-signal", 0, true, A_NONE},
	{"stop-timeout", 0, true, A_NONE},
	{"storage-opt", 0, true, A_NONE},
	{"subgidname", 0, true, A_NONE},
	{"subuidname", 0, true, A_NONE},
	{"sysctl", 0, true, A_SYSCTL},
	{"systemd", 0, true, A_NONE},
	{"timeout", 0, true, A_NONE},
	{"tls-verify", 0, false, A_NONE},
	{"tmpfs", 0, true, A_TMPFS},
	{"tty", 't', false, A_NONE},
	{"tz", 0, true, A_NONE},
	{"uidmap", 0, true, A_NONE},
	{"ulimit", 0, true, A_ULIMIT},
	{"umask", 0, true, A_NONE},
	{"unsetenv", 0, true, A_NONE},
	{"unsetenv-all", 0, false, A_NONE},
	{"use-api-socket", 0, false, A_NONE},
	{"user", 'u', true, A_USER},
	{"userns", 0, true, A_USERNS},
	{"uts", 0, true, A_UTS},
	{"variant", 0, true, A_NONE},
	{"volume", 'v', true, A_VOLUME},
	{"volume-driver", 0, true, A_NONE},
	{"volumes-from", 0, true, A_NONE},
	{"workdir", 'w', true, A_NONE},
	{NULL, 0, false, A_NONE},
};

/* `docker compose run` (Compose v2): the service's own settings come from
 * the Compose file; these flags override them. */
static const struct flag compose_run_flags[] = {
	{"build", 0, false, A_NONE},
	{"cap-add", 0, true, A_CAP_ADD},
	{"cap-drop", 0, true, A_CAP_DROP},
	{"detach", 'd', false, A_NONE},
	{"entrypoint", 0, true, A_ENTRYPOINT},
	{"env", 'e', true, A_ENV},
	{"env-from-file", 0, true, A_NONE},
	{"interactive", 'i', false, A_NONE},
	{"label", 'l', true, A_NONE},
	{"name", 0, true, A_NAME},
	{"no-TTY", 'T', false, A_NONE},
	{"no-deps", 0, false, A_NONE},
	{"publish", 'p', true, A_PUBLISH},
	{"pull", 0, true, A_NONE},
	{"quiet", 'q', false, A_NONE},
	{"quiet-build", 0, false, A_NONE},
	{"quiet-pull", 0, false, A_NONE},
	{"remove-orphans", 0, false, A_NONE},
	{"rm", 0, false, A_NONE},
	{"service-ports", 'P', false, A_NONE},
	{"tty", 't', false, A_NONE},
	{"use-aliases", 0, false, A_NONE},
	{"user", 'u', true, A_USER},
	{"volume", 'v', true, A_VOLUME},
	{"workdir", 'w', true, A_NONE},
	{NULL, 0, false, A_NONE},
};

/* A lookup bisects the table, so a flag costs a few comparisons whatever
 * the table's size: the tables are kept in strcmp order (a flag out of
 * order would not be found; tests/command checks the order). */
static const struct flag *find_long(const struct flag *table, size_t count,
	const char *s, size_t len)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *name = table[mid].name;
		int d = strncmp(name, s, len);
		if (d == 0) {
			d = name[len] == '\0' ? 0 : 1;
		}
		if (d == 0) {
			return &table[mid];
		}
		if (d < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

static const struct flag *find_short(const struct flag *table, char c)
{
	for (; table->name != NULL; table++) {
		if (table->short_name == c) {
			return table;
		}
	}
	return NULL;
}

/* A field the record reads as unknown once built (a value with a
 * variable): set to a null flagged PLM_NODE_UNKNOWN at the flag. */
struct fixup {
	const char *field;
	const char *key; /* in the field's map, or NULL */
	size_t mount;    /* A_VOLUME: index of the mount + 1, else 0 */
	struct plm_span span;
};

#define MAX_FIXUPS 64

struct run {
	struct command_ctx *c;
	struct plm_arena *a;
	const struct flag *table;
	size_t table_len;       /* entries before the NULL one */
	struct plm_node *svc;   /* the Compose service map */
	struct plm_node *flags; /* tree: [{name, value}] */
	struct plm_node *name;  /* --name value, or NULL */
	struct plm_node *health;
	struct plm_node *userns;      /* --userns value, or NULL */
	struct plm_node *groups;      /* --group-add values, or NULL */
	struct plm_node *publish_all; /* -P as a boolean, or NULL */
	/* --env-file variables, in order (name -> value or null), and the
	 * -e/--env values; NULL when none */
	struct plm_node *env_file_vars;
	struct plm_node *env_flags;
	bool user_set;
	bool rootfs;
	size_t volumes; /* items in svc.volumes */
	struct fixup fixups[MAX_FIXUPS];
	size_t fixup_count;
	bool failed;
};

static bool has_variable(const char *s, size_t len)
{
	return memchr(s, '$', len) != NULL || memchr(s, '`', len) != NULL;
}

/* The span of s[off..) of the word node w: exact when the word is written
 * as its text (no quotes or escapes), else the whole word. */
static struct plm_span sub_span(const struct plm_node *w, size_t off)
{
	struct plm_span sp = w->span;
	if ((size_t)(sp.end - sp.start) == w->as.string.len &&
		off <= w->as.string.len) {
		sp.start += (uint32_t)off;
	}
	return sp;
}

static struct plm_node *string_of(struct run *r, const struct plm_node *w,
	size_t off)
{
	struct plm_node *n = plm_node_string(r->a, sub_span(w, off),
		w->as.string.ptr + off, w->as.string.len - off);
	if (n == NULL) {
		r->failed = true;
	}
	return n;
}

static void set_key(struct run *r, const char *key, struct plm_node *value)
{
	if (value == NULL ||
		plm_node_set(r->a, r->svc, key, value->span, value) != 0) {
		r->failed = true;
	}
}

static void push_key(struct run *r, const char *key, struct plm_node *value)
{
	if (value == NULL) {
		r->failed = true;
		return;
	}
	struct plm_node *seq = plm_node_get(r->svc, key);
	if (seq == NULL) {
		seq = plm_node_seq(r->a, value->span);
		if (seq == NULL ||
			plm_node_append(r->a, r->svc, key, strlen(key),
				value->span, seq) != 0) {
			r->failed = true;
			return;
		}
	}
	if (plm_node_push(r->a, seq, value) != 0) {
		r->failed = true;
	}
}

static void fixup(struct run *r, const char *field, const char *key,
	size_t mount, struct plm_span span)
{
	if (r->fixup_count < MAX_FIXUPS) {
		struct fixup *f = &r->fixups[r->fixup_count++];
		f->field = field;
		f->key = key;
		f->mount = mount;
		f->span = span;
	}
}

static int truth_of(const char *s, size_t len)
{
	if ((len == 4 && memcmp(s, "true", 4) == 0) ||
		(len == 1 && s[0] == '1')) {
		return 1;
	}
	if ((len == 5 && memcmp(s, "false", 5) == 0) ||
		(len == 1 && s[0] == '0')) {
		return 0;
	}
	return -1;
}

/* --mount type=bind,source=/a,target=/b,readonly as a Compose long
 * volume map: {type, source, target, read_only, tmpfs: {size}}. The
 * type defaults to `volume`, as the CLI's does. */
static struct plm_node *mount_map(struct run *r, struct plm_node *v)
{
	struct plm_node *m = plm_node_map(r->a, v->span);
	if (m == NULL) {
		r->failed = true;
		return NULL;
	}
	const char *s = v->as.string.ptr;
	size_t len = v->as.string.len;
	struct plm_node *type = NULL;
	for (size_t i = 0; i < len && !r->failed;) {
		size_t j = i;
		while (j < len && s[j] != ',') {
			j++;
		}
		size_t eq = i;
		while (eq < j && s[eq] != '=') {
			eq++;
		}
		const char *k = s + i;
		size_t kl = eq - i;
		const char *val = eq < j ? s + eq + 1 : NULL;
		size_t vl = val ? j - eq - 1 : 0;
		struct plm_span sp = v->span;
		const char *key = NULL;
#define KEY_IS(lit) (kl == sizeof(lit) - 1 && memcmp(k, lit, kl) == 0)
		if (KEY_IS("type")) {
			key = "type";
		} else if (KEY_IS("source") || KEY_IS("src")) {
			key = "source";
		} else if (KEY_IS("target") || KEY_IS("destination") ||
			KEY_IS("dst")) {
			key = "target";
		} else if (KEY_IS("readonly") || KEY_IS("ro")) {
			int t = val ? truth_of(val, vl) : 1;
			struct plm_node *b = t >= 0
				? plm_node_bool(r->a, sp, t == 1)
				: plm_node_null(r->a, sp);
			if (b != NULL && t < 0) {
				b->flags |= PLM_NODE_UNKNOWN;
			}
			if (b == NULL ||
				plm_node_set(r->a, m, "read_only", sp, b) !=
					0) {
				r->failed = true;
			}
		} else if (KEY_IS("tmpfs-size") && val != NULL) {
			struct plm_node *t = plm_node_map(r->a, sp);
			struct plm_node *size = plm_node_string(r->a, sp, val,
				vl);
			if (t == NULL || size == NULL ||
				plm_node_append(r->a, t, "size", 4, sp, size) !=
					0 ||
				plm_node_set(r->a, m, "tmpfs", sp, t) != 0) {
				r->failed = true;
			}
		}
#undef KEY_IS
		if (key != NULL && val != NULL) {
			struct plm_node *n = plm_node_string(r->a, sp, val, vl);
			if (n == NULL ||
				plm_node_set(r->a, m, key, sp, n) != 0) {
				r->failed = true;
			}
			if (strcmp(key, "type") == 0) {
				type = n;
			}
			if (strcmp(key, "source") == 0 &&
				has_variable(val, vl)) {
				fixup(r, "mounts", NULL, r->volumes + 1, sp);
			}
		}
		i = j + 1;
	}
	if (type == NULL) {
		struct plm_node *n = plm_node_cstring(r->a, v->span, "volume");
		if (n == NULL ||
			plm_node_set(r->a, m, "type", v->span, n) != 0) {
			r->failed = true;
		}
	}
	return m;
}

/* --userns: host shares the host's user namespace; anything else
 * (Podman's keep-id, auto, nomap, a named namespace) does not. */
static void userns(struct run *r, struct plm_node *v)
{
	r->userns = v;
	set_key(r, "userns_mode", v);
}

static void health(struct run *r, const char *key, struct plm_node *v)
{
	if (r->health == NULL) {
		r->health = plm_node_map(r->a, v->span);
		if (r->health == NULL) {
			r->failed = true;
			return;
		}
		set_key(r, "healthcheck", r->health);
	}
	if (plm_node_set(r->a, r->health, key, v->span, v) != 0) {
		r->failed = true;
	}
}

/* A numeric value as an integer node (pids-limit, health-retries). */
static struct plm_node *integer(struct run *r, struct plm_node *v)
{
	const char *s = v->as.string.ptr;
	size_t len = v->as.string.len;
	size_t i = len > 0 && s[0] == '-' ? 1 : 0;
	long long x = 0;
	if (i == len || len - i > 18) {
		return v;
	}
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return v;
		}
		x = x * 10 + (s[i] - '0');
	}
	struct plm_node *n = plm_node_int(r->a, v->span, s[0] == '-' ? -x : x);
	if (n == NULL) {
		r->failed = true;
		return v;
	}
	n->text = v->as.string.ptr;
	n->text_len = len;
	return n;
}

/* --ulimit NAME=SOFT[:HARD] as Compose's ulimits map: NAME: SOFT, or
 * NAME: {soft, hard}. A value without `=` is left to the tree. */
static void ulimit(struct run *r, struct plm_node *v)
{
	const char *s = v->as.string.ptr;
	size_t len = v->as.string.len;
	const char *eq = memchr(s, '=', len);
	if (eq == NULL || eq == s) {
		return;
	}
	size_t off = (size_t)(eq - s) + 1;
	const char *colon = memchr(eq, ':', len - off + 1);
	struct plm_node *value = NULL;
	if (colon == NULL) {
		struct plm_node *t = string_of(r, v, off);
		value = t != NULL ? integer(r, t) : NULL;
	} else {
		size_t hard = (size_t)(colon - s) + 1;
		struct plm_node *soft = plm_node_string(r->a, sub_span(v, off),
			s + off, hard - 1 - off);
		struct plm_node *h = string_of(r, v, hard);
		value = plm_node_map(r->a, v->span);
		if (soft == NULL || h == NULL || value == NULL ||
			plm_node_append_static(r->a, value, "soft", 4, v->span,
				integer(r, soft)) != 0 ||
			plm_node_append_static(r->a, value, "hard", 4, v->span,
				integer(r, h)) != 0) {
			r->failed = true;
			return;
		}
	}
	if (r->failed || value == NULL) {
		r->failed = true;
		return;
	}
	struct plm_node *map = plm_node_get(r->svc, "ulimits");
	if (map == NULL) {
		map = plm_node_map(r->a, v->span);
		set_key(r, "ulimits", map);
	}
	if (map == NULL ||
		plm_node_append(r->a, map, s, (size_t)(eq - s), v->span,
			value) != 0) {
		r->failed = true;
	}
}

/* --env-file: the file's variables, unless its path is unknown (a
 * variable, or `~`: whoever runs the command decides). */
static void env_file(struct run *r, struct plm_node *v, bool unknown)
{
	if (unknown || (v->as.string.len > 0 && v->as.string.ptr[0] == '~')) {
		plm_doc_diag(r->c->doc, PLM_DIAG_NOTE,
			"command/unknown-env-file", v->span,
			"env file %.*s: its path is unknown (it holds a variable "
			"or `~`), its variables are not in the model",
			(int)v->as.string.len, v->as.string.ptr);
		return;
	}
	if (r->env_file_vars == NULL) {
		r->env_file_vars = plm_node_map(r->a, v->span);
	}
	if (r->env_file_vars == NULL ||
		plm_command_env_file(r->c, v, r->env_file_vars) != 0) {
		r->failed = true;
	}
}

/* Takes the entries named key out of env's first *end entries (those
 * read from env files), so that the variable that wins is where it was
 * written, name and value: a literal secret given with -e is found on
 * the command line even when an env file names it too. */
static void drop_name(struct plm_node *env, const char *key, size_t len,
	size_t *end)
{
	struct plm_entry *e = env->as.map.entries;
	for (size_t i = 0; i < *end;) {
		if (e[i].key_len == len && memcmp(e[i].key, key, len) == 0) {
			memmove(&e[i], &e[i + 1],
				(env->as.map.count - i - 1) * sizeof(*e));
			env->as.map.count--;
			(*end)--;
		} else {
			i++;
		}
	}
}

/* One -e value (NAME=VALUE, or NAME alone: from the environment it runs
 * in) appended to the map env, name and value spanning the word; an env
 * file's variable of that name (in env's first *end entries) is taken
 * out. */
static void env_flag(struct run *r, struct plm_node *env, size_t *end,
	const struct plm_node *v)
{
	const char *s = v->as.string.ptr;
	const char *eq = memchr(s, '=', v->as.string.len);
	size_t name_len = eq ? (size_t)(eq - s) : v->as.string.len;
	drop_name(env, s, name_len, end);
	struct plm_node *value = eq ? plm_node_string(r->a, v->span, eq + 1,
					      v->as.string.len - name_len - 1)
				    : plm_node_null(r->a, v->span);
	if (value == NULL ||
		plm_node_append(r->a, env, s, name_len, v->span, value) != 0) {
		r->failed = true;
	}
}

/* The service's environment: the env files' variables, then what it
 * already holds (a workflow container's env:), then -e values, a later
 * one of a name replacing an earlier's value (-e wins over --env-file
 * wherever it is written, as in the CLI). An environment that is neither
 * a map nor a list (a workflow expression) is kept: it is unknown. */
static void environment(struct run *r)
{
	struct plm_node *held = plm_node_get(r->svc, "environment");
	if ((r->env_file_vars == NULL && r->env_flags == NULL) ||
		(held != NULL && held->kind != PLM_NODE_MAP &&
			held->kind != PLM_NODE_SEQ &&
			held->kind != PLM_NODE_NULL)) {
		return;
	}
	struct plm_node *first = r->env_flags != NULL
		? r->env_flags->as.seq.items[0]
		: r->env_file_vars;
	struct plm_node *env = plm_node_map(r->a,
		held != NULL ? held->span : first->span);
	if (env == NULL) {
		r->failed = true;
		return;
	}
	/* env files: a later one's variable replaces an earlier one's */
	size_t end = 0;
	const struct plm_node *const maps[] = {r->env_file_vars, held};
	for (size_t k = 0; k < 2; k++) {
		const struct plm_node *m = maps[k];
		for (size_t i = 0; m != NULL && m->kind == PLM_NODE_MAP &&
			i < m->as.map.count;
			i++) {
			const struct plm_entry *e = &m->as.map.entries[i];
			size_t files_end = k == 0 ? env->as.map.count : end;
			drop_name(env, e->key, e->key_len, &files_end);
			if (plm_node_append(r->a, env, e->key, e->key_len,
				    e->key_span, e->value) != 0) {
				r->failed = true;
			}
			end = k == 0 ? env->as.map.count : files_end;
		}
	}
	for (size_t i = 0; held != NULL && held->kind == PLM_NODE_SEQ &&
		i < held->as.seq.count;
		i++) {
		if (held->as.seq.items[i]->kind == PLM_NODE_STRING) {
			env_flag(r, env, &end, held->as.seq.items[i]);
		}
	}
	for (size_t i = 0; i < plm_node_count(r->env_flags); i++) {
		env_flag(r, env, &end, r->env_flags->as.seq.items[i]);
	}
	set_key(r, "environment", env);
}

static const char *const bool_fields[][2] = {
	[A_PRIVILEGED] = {"privileged", "privileged"},
	[A_READ_ONLY] = {"read_only", "read_only_rootfs"},
};

/* Applies one flag. flag_span spans the flag word(s); v is the value
 * (NULL for a boolean written bare); bool_value for booleans. */
static void apply(struct run *r, const struct flag *f,
	struct plm_span flag_span, struct plm_node *v, int bool_value)
{
	bool unknown = v != NULL && v->kind == PLM_NODE_STRING &&
		has_variable(v->as.string.ptr, v->as.string.len);
	struct plm_span at = v != NULL ? v->span : flag_span;
	switch (f->act) {
	case A_PRIVILEGED:
	case A_READ_ONLY: {
		const char *key = bool_fields[f->act][0];
		if (bool_value < 0) {
			fixup(r, bool_fields[f->act][1], NULL, 0, at);
			return;
		}
		struct plm_node *b = plm_node_bool(r->a, at, bool_value == 1);
		set_key(r, key, b);
		return;
	}
	case A_ROOTFS:
		r->rootfs = bool_value == 1;
		return;
	case A_PUBLISH_ALL:
		if (bool_value < 0) {
			fixup(r, "publish_all", NULL, 0, at);
			return;
		}
		r->publish_all = plm_node_bool(r->a, at, bool_value == 1);
		if (r->publish_all == NULL) {
			r->failed = true;
		}
		return;
	case A_NO_HEALTHCHECK:
		if (bool_value == 1) {
			health(r, "disable", plm_node_bool(r->a, at, true));
		}
		return;
	default:
		break;
	}
	if (v == NULL) {
		return;
	}
	switch (f->act) {
	case A_USER:
		r->user_set = true;
		set_key(r, "user", v);
		break;
	case A_CAP_ADD:
		push_key(r, "cap_add", v);
		break;
	case A_CAP_DROP:
		push_key(r, "cap_drop", v);
		break;
	case A_SECURITY_OPT:
		if (unknown) {
			fixup(r, "allow_privilege_escalation", NULL, 0, at);
			fixup(r, "seccomp", NULL, 0, at);
			fixup(r, "apparmor", NULL, 0, at);
			fixup(r, "selinux", NULL, 0, at);
		} else {
			push_key(r, "security_opt", v);
		}
		break;
	case A_NETWORK:
	case A_PID:
	case A_IPC:
	case A_UTS:
	case A_CGROUPNS: {
		static const char *const keys[][2] = {
			{"network_mode", "network"},
			{"pid", "pid"},
			{"ipc", "ipc"},
			{"uts", "uts"},
			{"cgroup", "cgroup"},
		};
		size_t k = f->act == A_NETWORK ? 0
			: f->act == A_PID      ? 1
			: f->act == A_IPC      ? 2
			: f->act == A_UTS      ? 3
					       : 4;
		set_key(r, keys[k][0], v);
		if (unknown) {
			fixup(r, "host", keys[k][1], 0, at);
		}
		break;
	}
	case A_USERNS:
		userns(r, v);
		if (unknown) {
			fixup(r, "host", "users", 0, at);
		}
		break;
	case A_VOLUME: {
		/* the source part (before the first colon) decides the
		 * kind: a variable there leaves both unknown */
		const char *s = v->as.string.ptr;
		const char *colon = memchr(s, ':', v->as.string.len);
		if (colon != NULL && has_variable(s, (size_t)(colon - s))) {
			fixup(r, "mounts", NULL, r->volumes + 1, at);
		}
		push_key(r, "volumes", v);
		r->volumes++;
		break;
	}
	case A_MOUNT: {
		struct plm_node *m = mount_map(r, v);
		push_key(r, "volumes", m);
		r->volumes++;
		break;
	}
	case A_TMPFS:
		push_key(r, "tmpfs", v);
		break;
	case A_DEVICE:
		push_key(r, "devices", v);
		break;
	case A_PUBLISH:
		push_key(r, "ports", v);
		break;
	case A_ENV:
		if (r->env_flags == NULL) {
			r->env_flags = plm_node_seq(r->a, v->span);
		}
		if (r->env_flags == NULL ||
			plm_node_push(r->a, r->env_flags, v) != 0) {
			r->failed = true;
		}
		break;
	case A_ENV_FILE:
		env_file(r, v, unknown);
		break;
	case A_ENTRYPOINT: {
		/* one word: the CLI does not split it */
		struct plm_node *seq = plm_node_seq(r->a, v->span);
		if (seq == NULL || plm_node_push(r->a, seq, v) != 0) {
			r->failed = true;
			return;
		}
		set_key(r, "entrypoint", seq);
		break;
	}
	case A_MEMORY:
	case A_MEMORY_RESERVATION:
	case A_CPUS:
	case A_PIDS_LIMIT: {
		const char *key = f->act == A_MEMORY     ? "mem_limit"
			: f->act == A_MEMORY_RESERVATION ? "mem_reservation"
			: f->act == A_CPUS               ? "cpus"
							 : "pids_limit";
		if (unknown) {
			static const char *const fields[][2] = {
				{"resources", NULL},
				{"pids_limit", NULL},
			};
			fixup(r, fields[f->act == A_PIDS_LIMIT][0], NULL, 0,
				at);
			break;
		}
		set_key(r, key, f->act == A_PIDS_LIMIT ? integer(r, v) : v);
		break;
	}
	case A_RESTART:
		set_key(r, "restart", v);
		break;
	case A_NAME:
		r->name = v;
		break;
	case A_RUNTIME:
		set_key(r, "runtime", v);
		break;
	case A_SYSCTL:
		push_key(r, "sysctls", v);
		break;
	case A_HEALTH_CMD:
		health(r, "test", v);
		break;
	case A_HEALTH_INTERVAL:
		health(r, "interval", v);
		break;
	case A_HEALTH_TIMEOUT:
		health(r, "timeout", v);
		break;
	case A_HEALTH_START_PERIOD:
		health(r, "start_period", v);
		break;
	case A_HEALTH_START_INTERVAL:
		health(r, "start_interval", v);
		break;
	case A_HEALTH_RETRIES:
		health(r, "retries", integer(r, v));
		break;
	case A_ULIMIT:
		ulimit(r, v);
		break;
	case A_GROUP_ADD:
		if (r->groups == NULL) {
			r->groups = plm_node_seq(r->a, v->span);
		}
		if (r->groups == NULL ||
			plm_node_push(r->a, r->groups, integer(r, v)) != 0) {
			r->failed = true;
		}
		break;
	default:
		break;
	}
}

/* Records {name, value} in the tree's flag list. */
static void tree_flag_named(struct run *r, const struct plm_node *word,
	const char *name, size_t name_len, struct plm_node *value)
{
	struct plm_node *m = plm_node_map_sized(r->a, word->span, 2);
	struct plm_node *n = plm_node_string(r->a, word->span, name, name_len);
	if (m == NULL || n == NULL ||
		plm_node_append_static(r->a, m, "name", 4, word->span, n) !=
			0 ||
		plm_node_append_static(r->a, m, "value", 5, word->span,
			value ? value : plm_node_null(r->a, word->span)) != 0 ||
		plm_node_push(r->a, r->flags, m) != 0) {
		r->failed = true;
	}
}

static struct plm_span join(struct plm_span a, struct plm_span b)
{
	if (b.source == a.source && b.end > a.end) {
		a.end = b.end;
	}
	return a;
}

static void tree_flag(struct run *r, const struct plm_node *word,
	size_t name_len, struct plm_node *value)
{
	tree_flag_named(r, word, word->as.string.ptr, name_len, value);
}

/* One flag of a cluster of short flags (-it): named -i, -t. */
static void tree_short(struct run *r, const struct plm_node *word, char c,
	struct plm_node *value)
{
	char name[2] = {'-', c};
	tree_flag_named(r, word, name, 2, value);
}

/* Reads the flags of words[i..count): returns the index of the first word
 * that is not a flag (the image; count when none). */
static size_t read_flags(struct run *r, struct plm_node *const *words, size_t i,
	size_t count)
{
	struct plm_doc *doc = r->c->doc;
	while (i < count && !r->failed) {
		const struct plm_node *w = words[i];
		const char *s = w->as.string.ptr;
		size_t len = w->as.string.len;
		if (len < 2 || s[0] != '-') {
			return i;
		}
		if (len == 2 && s[1] == '-') {
			return i + 1;
		}
		i++;
		if (s[1] == '-') {
			/* --name, --name=value */
			const char *eq = memchr(s, '=', len);
			size_t nlen = eq ? (size_t)(eq - s) - 2 : len - 2;
			const struct flag *f = find_long(r->table, r->table_len,
				s + 2, nlen);
			struct plm_node *v = NULL;
			struct plm_span fs = w->span;
			if (eq != NULL) {
				v = string_of(r, w, (size_t)(eq - s) + 1);
			} else if ((f == NULL || f->value) && i < count &&
				(f != NULL || words[i]->as.string.len == 0 ||
					words[i]->as.string.ptr[0] != '-')) {
				/* an unknown --flag takes the next word when
				 * it is not a flag: most flags that carry
				 * security settings come before the image,
				 * so reading a value too many loses none of
				 * them (docs/model.md) */
				v = string_of(r, words[i], 0);
				fs = join(fs, words[i]->span);
				i++;
			} else if (f != NULL && f->value) {
				plm_doc_diag(doc, PLM_DIAG_WARNING,
					"command/missing-value", w->span,
					"flag %.*s needs a value", (int)len, s);
				continue;
			}
			if (f == NULL) {
				plm_doc_diag(doc, PLM_DIAG_NOTE,
					"command/unknown-flag", w->span,
					"unknown flag --%.*s (a newer or "
					"another CLI's?): read as %s",
					(int)nlen, s + 2,
					v ? "taking a value" : "a boolean");
				tree_flag(r, w, nlen + 2, v);
				continue;
			}
			int b = 1;
			if (!f->value && v != NULL) {
				b = has_variable(v->as.string.ptr,
					    v->as.string.len)
					? -1
					: truth_of(v->as.string.ptr,
						  v->as.string.len);
			}
			tree_flag(r, w, nlen + 2, v);
			apply(r, f, fs, f->value ? v : NULL, b);
			continue;
		}
		/* -x, -xyz, -xVALUE, -x=VALUE */
		for (size_t k = 1; k < len && !r->failed; k++) {
			const struct flag *f = find_short(r->table, s[k]);
			if (f == NULL) {
				plm_doc_diag(doc, PLM_DIAG_NOTE,
					"command/unknown-flag", w->span,
					"unknown flag -%c in %.*s: the rest of "
					"the word is left out",
					s[k], (int)len, s);
				tree_flag(r, w, len, NULL);
				break;
			}
			if (!f->value) {
				int b = 1;
				struct plm_node *v = NULL;
				if (k + 1 < len && s[k + 1] == '=') {
					v = string_of(r, w, k + 2);
					b = v ? truth_of(v->as.string.ptr,
							v->as.string.len)
					      : 1;
					k = len;
				}
				tree_short(r, w, s[k], v);
				apply(r, f, w->span, NULL, b);
				continue;
			}
			struct plm_node *v = NULL;
			struct plm_span fs = w->span;
			if (k + 1 < len) {
				size_t off = k + 1 + (s[k + 1] == '=');
				v = string_of(r, w, off);
			} else if (i < count) {
				v = string_of(r, words[i], 0);
				fs = join(fs, words[i]->span);
				i++;
			} else {
				plm_doc_diag(doc, PLM_DIAG_WARNING,
					"command/missing-value", w->span,
					"flag -%c needs a value", s[k]);
				break;
			}
			tree_short(r, w, s[k], v);
			apply(r, f, fs, v, 1);
			break;
		}
	}
	return i;
}

/* Podman's --userns=keep-id runs the process as the invoking user's uid
 * (keep-id:uid=N as N), never as the host's root unless that user is
 * root: without --user, the record's user says so. */
static int keep_id_user(struct run *r, struct plm_node *rec)
{
	const char *s = plm_node_str(r->userns);
	if (r->user_set || s == NULL || strncmp(s, "keep-id", 7) != 0 ||
		(s[7] != '\0' && s[7] != ':')) {
		return 0;
	}
	struct plm_span at = r->userns->span;
	const char *uid = strstr(s, "uid=");
	struct plm_node *text = NULL;
	if (uid != NULL) {
		size_t n = strcspn(uid + 4, ",");
		text = plm_node_string(r->a, at, uid + 4, n);
	}
	struct plm_node *user = NULL;
	if (text != NULL) {
		user = plm_record_user(r->a, text);
	} else {
		static const char *const keys[] = {"text", "name", "uid",
			"group", "gid", NULL};
		user = plm_node_map(r->a, at);
		for (size_t i = 0; user != NULL && keys[i] != NULL; i++) {
			struct plm_node *n = plm_node_null(r->a, at);
			if (n == NULL ||
				plm_node_append(r->a, user, keys[i],
					strlen(keys[i]), at, n) != 0) {
				return PLM_ENOMEM;
			}
		}
		struct plm_node *f = plm_node_bool(r->a, at, false);
		if (user == NULL || f == NULL ||
			plm_node_append(r->a, user, "root", 4, at, f) != 0) {
			return PLM_ENOMEM;
		}
	}
	return user ? plm_record_set(r->a, rec, "user", user) : PLM_ENOMEM;
}

static int apply_fixups(struct run *r, struct plm_node *rec)
{
	for (size_t i = 0; i < r->fixup_count; i++) {
		const struct fixup *f = &r->fixups[i];
		struct plm_node *u = plm_node_null(r->a, f->span);
		if (u == NULL) {
			return PLM_ENOMEM;
		}
		u->flags |= PLM_NODE_UNKNOWN;
		int rc = 0;
		if (f->mount > 0) {
			struct plm_node *mounts = plm_node_get(rec, "mounts");
			if (mounts == NULL || mounts->kind != PLM_NODE_SEQ ||
				f->mount > mounts->as.seq.count) {
				continue;
			}
			struct plm_node *m = mounts->as.seq.items[f->mount - 1];
			struct plm_node *u2 = plm_node_clone(r->a, u);
			rc = u2 == NULL
				? PLM_ENOMEM
				: plm_node_set(r->a, m, "kind", f->span, u);
			if (rc == 0) {
				rc = plm_node_set(r->a, m, "source", f->span,
					u2);
			}
		} else if (strcmp(f->field, "resources") == 0) {
			continue; /* a variable amount stays unset */
		} else if (f->key != NULL) {
			rc = plm_record_set_in(r->a, rec, f->field, f->key, u);
		} else {
			rc = plm_record_set(r->a, rec, f->field, u);
		}
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* The CLI and subcommand of argv: the index of the first flag of `run`
 * (0 when argv is not a container command), *cli its program, *compose
 * set for `docker compose run`. */
static size_t container_command(struct plm_node *const *w, size_t n,
	size_t *cli, bool *compose)
{
	size_t i = 0;
	*compose = false;
	/* wrappers: sudo [-E...] / env [A=b...] / exec / time / nohup */
	while (i < n) {
		const char *s = w[i]->as.string.ptr;
		const char *base = strrchr(s, '/');
		base = base ? base + 1 : s;
		if (strcmp(base, "sudo") == 0 || strcmp(base, "env") == 0 ||
			strcmp(base, "exec") == 0 ||
			strcmp(base, "time") == 0 ||
			strcmp(base, "nohup") == 0 ||
			strcmp(base, "command") == 0) {
			i++;
			while (i < n &&
				(w[i]->as.string.ptr[0] == '-' ||
					strchr(w[i]->as.string.ptr, '=') !=
						NULL)) {
				i++;
			}
			continue;
		}
		break;
	}
	if (i >= n) {
		return 0;
	}
	const char *s = w[i]->as.string.ptr;
	const char *base = strrchr(s, '/');
	base = base ? base + 1 : s;
	bool docker_compose = strcmp(base, "docker-compose") == 0 ||
		strcmp(base, "podman-compose") == 0;
	if (!docker_compose && strcmp(base, "docker") != 0 &&
		strcmp(base, "podman") != 0 && strcmp(base, "nerdctl") != 0) {
		return 0;
	}
	*cli = i++;
	/* global options: --opt=v, --opt v for those that take one */
	static const char *const valued[] = {"-H", "--host", "-c", "--context",
		"--config", "-l", "--log-level", "--url", "--connection",
		"--root", "--runroot", "--storage-driver", "--namespace", "-n",
		"--address", "-a", "--cgroup-manager", "--tlscacert",
		"--tlscert", "--tlskey", "--identity", "--module",
		"--events-backend", "--network-cmd-path", "--tmpdir", NULL};
	static const char *const compose_valued[] = {"-f", "--file", "-p",
		"--project-name", "--profile", "--env-file",
		"--project-directory", "--ansi", "--progress", "--parallel",
		NULL};
	bool in_compose = docker_compose;
	while (i < n) {
		s = w[i]->as.string.ptr;
		if (s[0] == '-') {
			const char *const *list = in_compose ? compose_valued
							     : valued;
			bool takes = false;
			for (size_t k = 0; list[k] != NULL; k++) {
				if (strcmp(s, list[k]) == 0) {
					takes = true;
				}
			}
			i += takes ? 2 : 1;
			continue;
		}
		if (!in_compose && strcmp(s, "container") == 0) {
			i++;
			continue;
		}
		if (!in_compose && strcmp(s, "compose") == 0) {
			in_compose = true;
			i++;
			continue;
		}
		if (strcmp(s, "run") == 0 ||
			(!in_compose && strcmp(s, "create") == 0)) {
			*compose = in_compose;
			return i + 1;
		}
		return 0;
	}
	return 0;
}

/* Builds the tree entry and record of one container command: words[0..n)
 * are its argv, first the index of its first flag (or of the options),
 * image_node the image when given apart (workflows). */
static int build(struct command_ctx *c, struct plm_node *const *words, size_t n,
	size_t first, size_t cli, bool compose, struct plm_node *image_node,
	struct plm_node *extra, struct plm_span decl, const char *default_name)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.a = c->arena;
	r.table = compose ? compose_run_flags : run_flags;
	r.table_len = compose ? COUNT_OF(compose_run_flags) - 1
			      : COUNT_OF(run_flags) - 1;
	r.svc = plm_node_map(r.a, decl);
	r.flags = plm_node_seq(r.a, decl);
	struct plm_node *entry = plm_node_map(r.a, decl);
	if (r.svc == NULL || r.flags == NULL || entry == NULL) {
		return PLM_ENOMEM;
	}
	if (extra != NULL) {
		for (size_t i = 0; i < extra->as.map.count; i++) {
			const struct plm_entry *e = &extra->as.map.entries[i];
			if (plm_node_append(r.a, r.svc, e->key, e->key_len,
				    e->key_span, e->value) != 0) {
				return PLM_ENOMEM;
			}
			if (strcmp(e->key, "volumes") == 0) {
				r.volumes = plm_node_count(e->value);
			}
		}
	}
	size_t i = read_flags(&r, words, first, n);
	environment(&r);
	if (r.failed) {
		return PLM_ENOMEM;
	}
	struct plm_node *image = image_node;
	struct plm_node *service = NULL;
	if (image == NULL && i < n && !r.rootfs) {
		image = words[i++];
	}
	if (compose) {
		service = image;
		image = NULL;
	}
	if (image_node == NULL && i > first && image == NULL &&
		service == NULL && !r.rootfs) {
		plm_doc_diag(c->doc, PLM_DIAG_NOTE, "command/no-image", decl,
			"%s",
			"no image after the flags: the command is read "
			"without one");
	}
	if (image != NULL) {
		set_key(&r, "image", image);
	}
	if (i < n && image_node == NULL) {
		struct plm_node *cmd = plm_node_seq(r.a, words[i]->span);
		for (size_t k = i; cmd != NULL && k < n; k++) {
			if (plm_node_push(r.a, cmd, words[k]) != 0) {
				return PLM_ENOMEM;
			}
		}
		if (cmd == NULL) {
			return PLM_ENOMEM;
		}
		set_key(&r, "command", cmd);
	}
	if (r.failed) {
		return PLM_ENOMEM;
	}
	/* the tree entry */
	struct plm_node *prog = cli < n ? words[cli] : NULL;
	const char *word = prog ? plm_node_str(prog) : "docker";
	const char *slash = strrchr(word, '/');
	struct plm_node *program = plm_node_cstring(r.a,
		prog ? prog->span : decl, slash ? slash + 1 : word);
	struct plm_node *from = plm_node_cstring(r.a, decl, c->from);
	struct plm_node *sub = plm_node_cstring(r.a, decl,
		compose ? "compose run"
			: first > 0 &&
				strcmp(plm_node_str(words[first - 1]),
					"create") == 0
			? "create"
			: "run");
	struct plm_node *args = plm_node_seq(r.a, decl);
	for (size_t k = i; args != NULL && image_node == NULL && k < n; k++) {
		if (plm_node_push(r.a, args, words[k]) != 0) {
			return PLM_ENOMEM;
		}
	}
	if (program == NULL || from == NULL || sub == NULL || args == NULL ||
		plm_node_append_static(r.a, entry, "program", 7, decl,
			program) != 0 ||
		plm_node_append_static(r.a, entry, "subcommand", 10, decl,
			sub) != 0 ||
		plm_node_append_static(r.a, entry, "from", 4, decl, from) !=
			0 ||
		plm_node_append_static(r.a, entry, "flags", 5, decl, r.flags) !=
			0 ||
		plm_node_append_static(r.a, entry, "image", 5, decl,
			image ? image : plm_node_null(r.a, decl)) != 0 ||
		plm_node_append_static(r.a, entry, "service", 7, decl,
			service ? service : plm_node_null(r.a, decl)) != 0 ||
		plm_node_append_static(r.a, entry, "args", 4, decl, args) !=
			0 ||
		plm_node_push(r.a, c->tree, entry) != 0) {
		return PLM_ENOMEM;
	}
	/* the record: named by --name, else the service, else the image */
	struct plm_node *name = r.name ? r.name
		: service              ? service
		: image                ? image
				       : NULL;
	struct plm_node *name_node = name
		? plm_node_string(r.a, decl, name->as.string.ptr,
			  name->as.string.len)
		: plm_node_cstring(r.a, decl, default_name);
	if (name_node == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *rec = NULL;
	int rc = plm_compose_record(c->doc, name_node, r.svc, "command",
		compose ? "compose-run" : "run", &rec);
	if (rc != 0 || rec == NULL) {
		return rc ? rc : PLM_ENOMEM;
	}
	struct plm_node *kind = plm_node_string(r.a, decl,
		program->as.string.ptr, program->as.string.len);
	if (kind == NULL) {
		return PLM_ENOMEM;
	}
	kind->flags |= PLM_NODE_IMPLICIT;
	rc = plm_record_set_in(r.a, rec, "workload", "kind", kind);
	if (rc == 0)
		rc = plm_record_set(r.a, rec, "source",
			plm_record_link(r.a, entry));
	if (rc == 0)
		rc = keep_id_user(&r, rec);
	if (rc == 0 && r.groups != NULL)
		rc = plm_record_set_in(r.a, rec, "groups", "supplemental",
			r.groups);
	if (rc == 0 && r.publish_all != NULL)
		rc = plm_record_set(r.a, rec, "publish_all", r.publish_all);
	if (rc == 0)
		rc = apply_fixups(&r, rec);
	if (rc == 0 && plm_node_push(r.a, c->doc->containers, rec) != 0) {
		rc = PLM_ENOMEM;
	}
	return rc;
}

int plm_command_read(struct command_ctx *c, const struct plm_node *commands)
{
	struct plm_node *words[PLM_COMMAND_MAX_ARGS];
	for (size_t k = 0; k < plm_node_count(commands); k++) {
		const struct plm_node *cmd = commands->as.seq.items[k];
		const struct plm_node *argv = plm_node_get(cmd, "argv");
		size_t n = plm_node_count(argv);
		if (n < 2 || argv->kind != PLM_NODE_SEQ) {
			continue;
		}
		if (n > PLM_COMMAND_MAX_ARGS) {
			plm_doc_diag(c->doc, PLM_DIAG_WARNING,
				"command/too-many-args", cmd->span,
				"a command of %zu words: only the first %zu "
				"are read",
				n, (size_t)PLM_COMMAND_MAX_ARGS);
			n = PLM_COMMAND_MAX_ARGS;
		}
		bool strings = true;
		for (size_t i = 0; i < n; i++) {
			words[i] = argv->as.seq.items[i];
			strings = strings && words[i]->kind == PLM_NODE_STRING;
		}
		size_t cli = 0;
		bool compose = false;
		size_t first = strings
			? container_command(words, n, &cli, &compose)
			: 0;
		if (first == 0) {
			continue;
		}
		struct plm_span decl = words[cli]->span;
		decl = join(decl, words[first - 1]->span);
		char name[32];
		snprintf(name, sizeof(name), "command-%zu",
			plm_node_count(c->tree) + 1);
		int rc = build(c, words, n, first, cli, compose, NULL, NULL,
			decl, name);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

int plm_command_options(struct command_ctx *c, const struct plm_node *words,
	struct plm_node *image, struct plm_node *extra, struct plm_span decl,
	const char *name)
{
	struct plm_node *list[PLM_COMMAND_MAX_ARGS];
	size_t n = 0;
	for (size_t i = 0; words != NULL && i < plm_node_count(words) &&
		n < PLM_COMMAND_MAX_ARGS;
		i++) {
		if (words->as.seq.items[i]->kind == PLM_NODE_STRING) {
			list[n++] = words->as.seq.items[i];
		}
	}
	return build(c, list, n, 0, n, false, image, extra, decl, name);
}

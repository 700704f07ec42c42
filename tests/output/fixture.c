#include "fixture.h"

#include <stdlib.h>
#include <string.h>
#include "output/linehash.h"
#include "plimsoll/error.h"
#include "util/arena.h"
#include "util/source.h"

/* The scanned files. A tab before USER and non-ASCII text before a
 * finding's column pin the marker and the code-point columns; the path
 * with a space and a non-ASCII letter pins URI encoding. */
static const char dockerfile[] =
	"FROM ubuntu:latest\n"
	"RUN apt-get update && apt-get install -y curl\n"
	"\tUSER root\n"
	"CMD [\"sh\", \"-c\", \"pip install flask && python app.py\"]\n";

static const char broken[] = "services:\n"
			     "  web:\n"
			     "    image: \"nginx\n";

static const char compose[] =
	"services:\n"
	"  web:\n"
	"    image: nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31\n"
	"    user: \"10001\"\n";

static const char pod[] =
	"apiVersion: v1\n"
	"kind: Pod\n"
	"metadata:\n"
	"  name: web # résumé ☃\n"
	"spec:\n"
	"  containers:\n"
	"    - name: web\n"
	"      image: \"nginx:1.25\" # ☃\n"
	"      securityContext: {seLinuxOptions: {role: \"rôle_r\"}, "
	"privileged: true}\n"
	"      command: [\"sh\"]\n"
	"      securityContext2:\n"
	"        runAsUser: 0 # plimsoll-ignore runs-as-root: init needs it\n";

enum { DOCKERFILE, BROKEN, COMPOSE, POD, SOURCE_COUNT };

static const char *const paths[SOURCE_COUNT] = {
	"Dockerfile",
	"broken.yaml",
	"./compose.yaml",
	"deploy/my app/café.yaml",
};
static const char *const texts[SOURCE_COUNT] = {
	dockerfile,
	broken,
	compose,
	pod,
};

static const char *const tags_root[] = {"security", "CWE-250", NULL};
static const char *const tags_privileged[] = {"security", "cwe-269",
	"kubernetes", NULL};
static const char *const tags_latest[] = {"supply-chain", NULL};
static const char *const tags_install[] = {"security", "CWE-829", NULL};
static const char *const aliases_root[] = {"DL3002", "KSV012", NULL};
static const char *const all_kinds[] = {"dockerfile", "compose", "kubernetes",
	NULL};
static const char *const k8s_only[] = {"kubernetes", NULL};

enum {
	RUNS_AS_ROOT,
	PRIVILEGED,
	LATEST,
	INSTALL,
	HEALTHCHECK,
	REGISTRY,
	RULE_COUNT
};

static const struct plm_rule_info rules[RULE_COUNT] = {
	[RUNS_AS_ROOT] =
		{
			.id = "runs-as-root",
			.title = "Container runs as root",
			.description =
				"A container that runs as root gives a process "
				"that escapes it\nroot on the host.\n\n"
				"Set a numeric non-root `USER` (Dockerfile), `user:` "
				"(Compose) or\n`runAsUser` with `runAsNonRoot: true` "
				"(Kubernetes).",
			.help_uri =
				"https://docs.example.com/rules/runs-as-root",
			.severity = PLM_SEVERITY_HIGH,
			.tags = tags_root,
			.aliases = aliases_root,
			.applies_to = all_kinds,
			.precision = "very-high",
			.source_path = "policies/runs-as-root.lua",
		},
	[PRIVILEGED] =
		{
			.id = "privileged-container",
			.title = "Privileged container",
			.description =
				"A privileged container has every capability "
				"and all host devices.",
			.help_uri = "https://docs.example.com/rules/"
				    "privileged-container",
			.severity = PLM_SEVERITY_CRITICAL,
			.tags = tags_privileged,
			.applies_to = all_kinds,
			.precision = "high",
		},
	[LATEST] =
		{
			.id = "latest-tag",
			.title = "Image uses the latest tag",
			.description =
				"`latest` moves: pin a version or a digest.",
			.severity = PLM_SEVERITY_MEDIUM,
			.tags = tags_latest,
			.applies_to = all_kinds,
			.precision = "medium",
		},
	[INSTALL] =
		{
			.id = "install-at-runtime",
			.title = "Packages installed when the container starts",
			.description =
				"Install packages at build time, not in `CMD`.",
			.severity = PLM_SEVERITY_LOW,
			.tags = tags_install,
			.applies_to = all_kinds,
			.precision = "high",
			.name = "PackagesInstalledAtRuntime",
		},
	[HEALTHCHECK] =
		{
			.id = "healthcheck-missing",
			.title = "No HEALTHCHECK",
			.description = "The image declares no `HEALTHCHECK`.",
			.severity = PLM_SEVERITY_INFO,
			.applies_to = all_kinds,
			.precision = "low",
		},
	[REGISTRY] =
		{
			.id = "acme/no-public-registry",
			.title = "Image from a public registry",
			.severity = PLM_SEVERITY_MEDIUM,
			.applies_to = k8s_only,
			.security_severity = "4.0",
		},
};

struct fixture {
	struct plm_arena *arena;
	struct plm_source *sources[SOURCE_COUNT];
	struct plm_line_hashes hashes[SOURCE_COUNT];
	struct plm_finding findings[16];
	size_t finding_count;
	struct plm_notification notes[8];
	size_t note_count;
	struct plm_related_location related[3];
};

/* A finding on the `occurrence`-th (1-based) appearance of needle in a
 * source, filled as the scan fills it. */
static void add_finding(struct fixture *fx, int src, size_t rule,
	const char *needle, int occurrence, const char *message,
	enum plm_suppression_kind suppression, const char *justification)
{
	const struct plm_source *s = fx->sources[src];
	const char *at = s->bytes;
	for (int i = 0; i < occurrence; i++) {
		at = strstr(i == 0 ? at : at + 1, needle);
		if (at == NULL) {
			abort();
		}
	}
	uint32_t start = (uint32_t)(at - s->bytes);
	uint32_t end = start + (uint32_t)strlen(needle);
	struct plm_finding *f = &fx->findings[fx->finding_count++];
	memset(f, 0, sizeof(*f));
	f->rule_id = rules[rule].id;
	f->rule_index = rule;
	f->severity = rules[rule].severity;
	f->message = message;
	f->path = s->path;
	f->kind = src == DOCKERFILE ? "dockerfile"
		: src == POD        ? "kubernetes"
				    : "compose";
	f->region = plm_source_region(s, start, end);
	f->snippet = plm_arena_strdup(fx->arena, needle);
	size_t len;
	const char *line = plm_source_line(s, f->region.start_line - 1, &len);
	f->line_text = plm_arena_strndup(fx->arena, line, len);
	/* The scan's own fingerprint: stable when lines move. */
	f->fingerprint = plm_arena_printf(fx->arena, "%s/%s/%s", rules[rule].id,
		s->path, needle);
	char hash[PLM_LINE_HASH_SIZE];
	if (plm_line_hashes_format(&fx->hashes[src], f->region.start_line,
		    hash)) {
		f->line_hash = plm_arena_strdup(fx->arena, hash);
	}
	f->suppression = suppression;
	f->suppression_justification = justification;
}

static void add_note(struct fixture *fx, enum plm_notification_kind kind,
	const char *code, const char *message, int src, uint32_t line,
	uint32_t column, const char *rule_id)
{
	struct plm_notification *n = &fx->notes[fx->note_count++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->code = code;
	n->message = message;
	n->path = src >= 0 ? fx->sources[src]->path : NULL;
	if (line > 0) {
		n->region = (struct plm_region){line, column, line, column + 1,
			0, 0};
	}
	n->rule_id = rule_id;
}

static int build(struct fixture *fx, enum fixture_variant variant)
{
	memset(fx, 0, sizeof(*fx));
	fx->arena = plm_arena_create(0);
	if (fx->arena == NULL) {
		return PLM_ENOMEM;
	}
	for (int i = 0; i < SOURCE_COUNT; i++) {
		fx->sources[i] = plm_source_create(paths[i], texts[i],
			strlen(texts[i]));
		if (fx->sources[i] == NULL ||
			plm_line_hashes_compute(texts[i], strlen(texts[i]),
				&fx->hashes[i]) != 0) {
			return PLM_ENOMEM;
		}
	}
	if (variant == FIXTURE_CLEAN) {
		return 0;
	}
	add_finding(fx, DOCKERFILE, LATEST, "ubuntu:latest", 1,
		"Image \"ubuntu:latest\" uses the latest tag",
		PLM_SUPPRESSION_NONE, NULL);
	fx->findings[fx->finding_count - 1].fix =
		"Pin a version or a digest: FROM ubuntu:24.04";
	add_finding(fx, DOCKERFILE, RUNS_AS_ROOT, "USER root", 1,
		"The final stage runs as root (USER root).",
		PLM_SUPPRESSION_NONE, NULL);
	add_finding(fx, DOCKERFILE, INSTALL, "pip install flask", 1,
		"CMD installs packages with `pip install` each time the "
		"container starts.",
		PLM_SUPPRESSION_NONE, NULL);
	add_note(fx, PLM_NOTIFY_POLICY_ERROR, "policy/runtime-error",
		"policy healthcheck-missing failed: policies/healthcheck.lua:12: "
		"attempt to index a nil value (field 'healthcheck')",
		DOCKERFILE, 0, 0, "healthcheck-missing");
	add_note(fx, PLM_NOTIFY_PARSE_ERROR, "yaml/unterminated-string",
		"expected a closing '\"' before the end of the file", BROKEN, 3,
		12, NULL);
	add_finding(fx, POD, REGISTRY, "\"nginx:1.25\"", 1,
		"Image \"nginx:1.25\" comes from a public registry.",
		PLM_SUPPRESSION_EXTERNAL, NULL);
	add_finding(fx, POD, PRIVILEGED, "privileged: true", 1,
		"Container \"web\" is privileged: every capability, 100% of "
		"the host's devices & <all> namespaces,\nno isolation left.",
		PLM_SUPPRESSION_NONE, NULL);
	/* Related locations (a project policy's): one in another file with a
	 * message that needs escaping, one naming a whole file. */
	const struct plm_source *cs = fx->sources[COMPOSE];
	const char *user = strstr(cs->bytes, "user:");
	fx->related[0].path = cs->path;
	fx->related[0].region = plm_source_region(cs,
		(uint32_t)(user - cs->bytes), (uint32_t)(user - cs->bytes + 5));
	fx->related[0].message = "The service \"web\" <runs> as 10001";
	fx->related[1].path = fx->sources[DOCKERFILE]->path;
	fx->related[1].message = NULL;
	/* A file outside the source root (SARIF: relative to %FSROOT%). */
	fx->related[2].path = "/srv/shared/base policy.yaml";
	fx->related[2].message = "The shared base it extends";
	fx->findings[fx->finding_count - 1].related = fx->related;
	fx->findings[fx->finding_count - 1].related_count = 3;
	add_finding(fx, POD, RUNS_AS_ROOT, "runAsUser: 0", 1,
		"Container \"web\" runs as UID 0.", PLM_SUPPRESSION_IN_SOURCE,
		"init needs it");
	add_note(fx, PLM_NOTIFY_NOTE, "discover/skipped",
		"1 file was skipped: a symbolic link out of the scan root", -1,
		0, 0, NULL);
	return 0;
}

static void teardown(struct fixture *fx)
{
	for (int i = 0; i < SOURCE_COUNT; i++) {
		plm_source_destroy(fx->sources[i]);
		plm_line_hashes_finish(&fx->hashes[i]);
	}
	plm_arena_destroy(fx->arena);
}

const char *fixture_variant_name(enum fixture_variant variant)
{
	switch (variant) {
	case FIXTURE_INCLUDE_SUPPRESSED:
		return "include-suppressed";
	case FIXTURE_CLEAN:
		return "clean";
	default:
		return "default";
	}
}

int fixture_run(const struct plm_output_plugin *plugin, FILE *out,
	enum fixture_variant variant, unsigned flags)
{
	struct fixture fx;
	int rc = build(&fx, variant);
	if (rc != 0) {
		teardown(&fx);
		return rc;
	}
	bool include = variant == FIXTURE_INCLUDE_SUPPRESSED;
	bool clean = variant == FIXTURE_CLEAN;
	struct plm_run_info run = {
		.tool_name = "plimsoll",
		.tool_version = "0.1.0",
		.information_uri = "https://docs.example.com/",
		.rules = rules,
		.rule_count = RULE_COUNT,
		.working_directory = clean ? NULL : "/home/dev/project/",
		.source_root = clean ? NULL : "/home/dev/project/",
		.category = include ? "plimsoll/k8s" : NULL,
		.start_time_utc = include ? "2026-01-02T03:04:05.000Z" : NULL,
		.include_suppressed = include,
	};
	const char *scanned[] = {paths[0], paths[1], paths[2], paths[3]};
	struct plm_run_summary summary = {
		.files_scanned = clean ? 2 : 4,
		.findings_by_severity = {0, 1, 1, 1, 1},
		.findings_suppressed = 2,
		.notifications = 3,
		.successful = false,
		.seconds = include ? 1.5 : -1.0,
		.end_time_utc = include ? "2026-01-02T03:04:06.500Z" : NULL,
		.paths = clean ? scanned + 2 : scanned,
		.path_count = clean ? 2 : 4,
		.exit_code = 2,
		.exit_code_known = include,
	};
	if (clean) {
		memset(summary.findings_by_severity, 0,
			sizeof(summary.findings_by_severity));
		summary.findings_suppressed = 0;
		summary.notifications = 0;
		summary.successful = true;
	}
	struct plm_plugin_options options = {
		.out = out,
		.color = (flags & FIXTURE_COLOR) != 0,
		.pretty = (flags & FIXTURE_PRETTY) != 0,
	};
	void *self = plugin->create(&options);
	if (self == NULL) {
		teardown(&fx);
		return -100;
	}
	rc = plugin->begin ? plugin->begin(self, &run) : 0;
	/* Output order: by file, then position; notifications of a file
	 * after its findings (the host's order, core/engine/result.h). */
	size_t fi = 0, ni = 0;
	for (int src = 0; src < SOURCE_COUNT && rc == 0; src++) {
		for (; fi < fx.finding_count && rc == 0 &&
			fx.findings[fi].path == fx.sources[src]->path;
			fi++) {
			const struct plm_finding *f = &fx.findings[fi];
			if (f->suppression != PLM_SUPPRESSION_NONE &&
				!include) {
				continue;
			}
			if (plugin->finding) {
				rc = plugin->finding(self, f);
			}
		}
		for (; ni < fx.note_count && rc == 0 &&
			fx.notes[ni].path == fx.sources[src]->path;
			ni++) {
			if (plugin->notification) {
				rc = plugin->notification(self, &fx.notes[ni]);
			}
		}
	}
	for (; ni < fx.note_count && rc == 0; ni++) {
		if (plugin->notification) {
			rc = plugin->notification(self, &fx.notes[ni]);
		}
	}
	if (rc == 0 && plugin->end) {
		rc = plugin->end(self, &summary);
	}
	plugin->destroy(self);
	teardown(&fx);
	return rc;
}

#include "load/load.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "command/command.h"
#include "compose/compose.h"
#include "dockerfile/dockerfile.h"
#include "engine/link.h"
#include "kubernetes/kubernetes.h"
#include "output/linehash.h"
#include "yaml/yaml.h"

/* Line hashes worked out beside the parse (plm_load_options.line_hashes). */
struct hashing {
	pthread_t thread;
	const char *bytes;
	size_t len;
	struct plm_line_hashes out;
	int rc;
};

static void *hash_lines(void *arg)
{
	struct hashing *h = arg;
	h->rc = plm_line_hashes_compute(h->bytes, h->len, &h->out);
	return NULL;
}

/* Starts hashing doc's own bytes when o asks for it and they are many;
 * false when nothing was started. The document owns the bytes, and is
 * freed only after hashing_end. */
static bool hashing_start(struct hashing *h, const struct plm_doc *doc,
	const struct plm_load_options *o)
{
	const struct plm_source *src = doc->sources[0];
	if (o == NULL || o->line_hashes == NULL ||
		src->len < PLM_LOAD_HASHES_FROM) {
		return false;
	}
	*h = (struct hashing){.bytes = src->bytes, .len = src->len};
	pthread_attr_t attr;
	if (pthread_attr_init(&attr) != 0) {
		return false;
	}
	/* The hashing needs little stack: not the default 8 MiB. */
	(void)pthread_attr_setstacksize(&attr, (size_t)256 * 1024);
	bool started = pthread_create(&h->thread, &attr, hash_lines, h) == 0;
	pthread_attr_destroy(&attr);
	return started;
}

/* Waits for the hashing; its result goes to o->line_hashes when kept. */
static void hashing_end(struct hashing *h, const struct plm_load_options *o,
	bool keep)
{
	pthread_join(h->thread, NULL);
	if (keep && h->rc == 0) {
		*o->line_hashes = h->out;
	} else if (h->rc == 0) {
		plm_line_hashes_finish(&h->out);
	}
}

/* What a file parsed as a manifest by content was not (build_take). */
struct not_kubernetes {
	struct plm_source *source; /* handed back */
	bool clean;                /* parsed without an error */
};

/* plm_load_source_take for a source read from file_path (a path to open;
 * NULL when the bytes are in no file): the command front end reads the
 * env files a command names beside it. With back (kind Kubernetes, told
 * by content), a stream with no Kubernetes object is not built: the
 * document is dropped, its source handed back in *back, NULL returned. */
static struct plm_doc *build_take(struct plm_source *source, enum plm_kind kind,
	const struct plm_load_options *o, const char *file_path,
	struct not_kubernetes *back)
{
	struct plm_doc *doc = plm_doc_create_take(source, kind);
	if (doc == NULL) {
		return NULL;
	}
	struct hashing hashing;
	bool hashed = hashing_start(&hashing, doc, o);
	int rc = 0;
	bool not_kubernetes = false;
	switch (kind) {
	case PLM_KIND_DOCKERFILE:
		rc = plm_dockerfile_build(doc);
		break;
	case PLM_KIND_COMPOSE: {
		struct plm_compose_options co = {
			.override_paths = o ? o->compose_overrides : NULL,
			.override_count = o ? o->compose_override_count : 0,
			.no_default_override = o
				? o->compose_no_default_override
				: false,
			.root = o ? o->root : NULL,
			.use_environment = o ? o->environment : false,
		};
		rc = plm_compose_build(doc, &co);
		/* for now: the engine's run will make the links */
		if (rc == 0) {
			struct plm_link_options lo = {
				.root = o ? o->root : NULL,
				.max_file_size = o ? o->max_file_size : 0,
			};
			rc = plm_link_resolve(doc, &lo);
		}
		break;
	}
	case PLM_KIND_KUBERNETES:
		if (back != NULL) {
			bool is = false;
			rc = plm_kubernetes_build_probe(doc, &is);
			not_kubernetes = rc == 0 && !is;
		} else {
			rc = plm_kubernetes_build(doc);
		}
		break;
	case PLM_KIND_COMMAND: {
		struct plm_command_options cmo = {
			.path = file_path,
			.root = o ? o->root : NULL,
		};
		rc = plm_command_build(doc, &cmo);
		break;
	}
	default:
		rc = PLM_EINVAL;
		break;
	}
	if (hashed) {
		hashing_end(&hashing, o, rc == 0 && !not_kubernetes);
	}
	if (not_kubernetes) {
		back->clean = !plm_doc_has_errors(doc);
		back->source = plm_doc_destroy_keep_source(doc);
		return NULL;
	}
	if (rc != 0) {
		plm_doc_destroy(doc);
		return NULL;
	}
	return doc;
}

struct plm_doc *plm_load_source_take(struct plm_source *source,
	enum plm_kind kind, const struct plm_load_options *o)
{
	return build_take(source, kind, o, NULL, NULL);
}

/* True when the first line that is not blank or a comment starts with
 * FROM or ARG, as every Dockerfile's must. */
static bool looks_like_dockerfile(const char *p, size_t len)
{
	const char *end = p + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
	}
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) {
			p++;
		}
		if (p < end && (*p == '\n' || *p == '#')) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl + 1 : end;
			continue;
		}
		size_t n = (size_t)(end - p);
		return (n > 4 && strncasecmp(p, "FROM", 4) == 0 &&
			       (p[4] == ' ' || p[4] == '\t')) ||
			(n > 3 && strncasecmp(p, "ARG", 3) == 0 &&
				(p[3] == ' ' || p[3] == '\t'));
	}
	return false;
}

static int load_source(struct plm_source *src, const char *file_path,
	enum plm_kind name_kind, bool explicit,
	const struct plm_load_options *o, struct plm_doc **doc,
	struct plm_load_status *st);

PLM_PRINTF(4, 5)
static void set_status(struct plm_load_status *st,
	enum plm_load_outcome outcome, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	st->outcome = outcome;
	st->code = code;
	vsnprintf(st->message, sizeof(st->message), fmt, ap);
	va_end(ap);
}

int plm_load(const char *path, const char *display_path,
	enum plm_kind name_kind, bool explicit,
	const struct plm_load_options *o, struct plm_doc **doc,
	struct plm_load_status *st)
{
	*doc = NULL;
	memset(st, 0, sizeof(*st));
	size_t max = o->max_file_size ? o->max_file_size : PLM_MAX_FILE_SIZE;
	struct plm_source *src = NULL;
	int rc = plm_source_read(path, display_path, max, &src);
	if (rc == PLM_ELIMIT) {
		st->outcome = PLM_LOAD_FAILED;
		st->code = "limit/file-size";
		snprintf(st->message, sizeof(st->message),
			"file is larger than the limit of %zu bytes; not scanned "
			"(raise it with --max-file-size)",
			max);
		return 0;
	}
	if (rc == PLM_ENOMEM) {
		return rc;
	}
	if (rc != 0 && errno == EINVAL) {
		set_status(st, PLM_LOAD_FAILED, "io/read",
			"not a regular file (a device, a FIFO, a socket or a "
			"kernel file such as /proc's): not read");
		return 0;
	}
	if (rc != 0) {
		set_status(st, PLM_LOAD_FAILED, "io/read",
			"cannot read file: %s", strerror(errno));
		return 0;
	}
	/* standard input is in no file */
	return load_source(src, strcmp(path, "-") == 0 ? NULL : path, name_kind,
		explicit, o, doc, st);
}

int plm_load_bytes(const char *display_path, const char *bytes, size_t len,
	enum plm_kind name_kind, bool explicit,
	const struct plm_load_options *o, struct plm_doc **doc,
	struct plm_load_status *st)
{
	*doc = NULL;
	memset(st, 0, sizeof(*st));
	size_t max = o->max_file_size ? o->max_file_size : PLM_MAX_FILE_SIZE;
	if (len > max) {
		set_status(st, PLM_LOAD_FAILED, "limit/file-size",
			"file is larger than the limit of %zu bytes; not scanned "
			"(raise it with --max-file-size)",
			max);
		return 0;
	}
	struct plm_source *src = plm_source_create(display_path, bytes, len);
	if (src == NULL) {
		return PLM_ENOMEM;
	}
	return load_source(src, NULL, name_kind, explicit, o, doc, st);
}

/* Decides the kind of src (taken; read from file_path, NULL when from no
 * file) and builds it. */
static int load_source(struct plm_source *src, const char *file_path,
	enum plm_kind name_kind, bool explicit,
	const struct plm_load_options *o, struct plm_doc **doc,
	struct plm_load_status *st)
{
	enum plm_kind kind = o->kind != PLM_KIND_UNKNOWN ? o->kind : name_kind;
	/* Scripts, Makefiles, Markdown and CI files by name: read as
	 * commands when they hold a container command (a CI file that is
	 * not one may still be YAML of another kind), else passed over. */
	if (kind == PLM_KIND_UNKNOWN && plm_command_named(src->path)) {
		enum plm_command_source from = plm_command_source_of(src->path,
			src->bytes, src->len);
		/* a workflow's containers hold flags without a `docker
		 * run` word */
		if ((from == PLM_COMMAND_WORKFLOW &&
			    plm_command_workflow_containers(src->bytes,
				    src->len)) ||
			plm_command_sniff(src->bytes, src->len)) {
			kind = PLM_KIND_COMMAND;
		} else if (from < PLM_COMMAND_WORKFLOW) {
			if (explicit) {
				kind = PLM_KIND_COMMAND;
			} else {
				st->outcome = PLM_LOAD_SKIPPED;
				plm_source_destroy(src);
				return 0;
			}
		}
	}
	/* A file with a sh/bash shebang, by content. */
	if (kind == PLM_KIND_UNKNOWN && src->len > 2 &&
		memcmp(src->bytes, "#!", 2) == 0 &&
		plm_command_sniff(src->bytes, src->len)) {
		const char *nl = memchr(src->bytes, '\n', src->len);
		size_t line = nl ? (size_t)(nl - src->bytes) : src->len;
		for (size_t i = 2; i + 1 < line; i++) {
			if (src->bytes[i] == 's' && src->bytes[i + 1] == 'h') {
				kind = PLM_KIND_COMMAND;
			}
		}
	}
	/* Any other script found by walking is no YAML: not parsed as one. */
	if (kind == PLM_KIND_UNKNOWN && !explicit && src->len > 2 &&
		memcmp(src->bytes, "#!", 2) == 0) {
		st->outcome = PLM_LOAD_SKIPPED;
		plm_source_destroy(src);
		return 0;
	}
	if (kind == PLM_KIND_UNKNOWN || kind == PLM_KIND_COMPOSE) {
		if (plm_yaml_is_helm_template(src->bytes, src->len)) {
			set_status(st, PLM_LOAD_NOTE, "yaml/helm-template",
				"%s",
				"Helm template ({{ ... }}) skipped: render it "
				"with `helm template` and scan the output");
			plm_source_destroy(src);
			return 0;
		}
	}
	/* Whether the content was looked at without finding a manifest. */
	bool not_manifest = false;
	if (kind == PLM_KIND_UNKNOWN &&
		plm_yaml_may_be_kubernetes(src->bytes, src->len)) {
		/* Most such files are manifests: parsed once, as one, and
		 * the tree tells. A stream with no object whose parse raised
		 * an error (a document the tree's recovery lost, bytes that
		 * are not UTF-8) goes on to the events' detection. */
		struct not_kubernetes back = {0};
		*doc = build_take(src, PLM_KIND_KUBERNETES, o, file_path,
			&back);
		if (*doc != NULL) {
			return 0;
		}
		if (back.source == NULL) {
			return PLM_ENOMEM;
		}
		src = back.source;
		not_manifest = back.clean;
	}
	if (kind == PLM_KIND_UNKNOWN) {
		if (not_manifest) {
			/* The events would see the documents the tree saw. */
			if (plm_yaml_looks_like_compose(src->bytes, src->len)) {
				kind = PLM_KIND_COMPOSE;
			}
		} else if (plm_yaml_detect(src->bytes, src->len, &kind) != 0) {
			plm_source_destroy(src);
			return PLM_ENOMEM;
		}
		/* A file named on the command line may be a Dockerfile by
		 * any name. */
		if (kind == PLM_KIND_UNKNOWN && explicit &&
			looks_like_dockerfile(src->bytes, src->len)) {
			kind = PLM_KIND_DOCKERFILE;
		}
	}
	if (kind == PLM_KIND_UNKNOWN) {
		if (explicit) {
			set_status(st, PLM_LOAD_FAILED, "load/unknown-kind",
				"%s",
				"cannot tell whether this is a Dockerfile, a "
				"Compose file, a Kubernetes manifest or a script "
				"running containers; name it with --kind "
				"dockerfile|compose|kubernetes|command");
		} else {
			st->outcome = PLM_LOAD_SKIPPED;
		}
		plm_source_destroy(src);
		return 0;
	}
	*doc = build_take(src, kind, o, file_path, NULL);
	return *doc ? 0 : PLM_ENOMEM;
}

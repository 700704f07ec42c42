#include "model/image.h"

#include <string.h>
#include "util/utf8.h"

static struct plm_node *str_or_null(struct plm_arena *a, struct plm_span span,
	const char *s, size_t n, bool present)
{
	return present ? plm_node_text(a, span, s, n) : plm_node_null(a, span);
}

int plm_image_parse(struct plm_arena *a, const char *text, size_t len,
	struct plm_span span, struct plm_node **out)
{
	*out = NULL;
	/* Trim blanks that a caller may have left. */
	while (len > 0 && (text[0] == ' ' || text[0] == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t')) {
		len--;
	}
	const char *end = text + len;
	/* Digest: from the first '@'. */
	const char *at = memchr(text, '@', len);
	const char *name_end = at ? at : end;
	/* Registry: the first component, if it looks like a host. */
	const char *slash = memchr(text, '/', (size_t)(name_end - text));
	const char *repo = text;
	bool has_registry = false;
	if (slash != NULL) {
		size_t n = (size_t)(slash - text);
		if (memchr(text, '.', n) != NULL ||
			memchr(text, ':', n) != NULL ||
			(n == 9 && memcmp(text, "localhost", 9) == 0)) {
			has_registry = true;
			repo = slash + 1;
		}
	}
	/* Tag: after the last ':' of the last path component. */
	const char *last = repo;
	for (const char *p = repo; p < name_end; p++) {
		if (*p == '/') {
			last = p + 1;
		}
	}
	const char *colon = NULL;
	for (const char *p = last; p < name_end; p++) {
		if (*p == ':') {
			colon = p;
		}
	}
	const char *repo_end = colon ? colon : name_end;
	bool scratch = !has_registry && (size_t)(repo_end - repo) == 7 &&
		memcmp(repo, "scratch", 7) == 0;

	struct plm_node *map = plm_node_map(a, span);
	if (map == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *v_text = str_or_null(a, span, text, len, true);
	struct plm_node *v_registry;
	if (has_registry) {
		v_registry = str_or_null(a, span, text, (size_t)(slash - text),
			true);
	} else if (scratch || len == 0) {
		v_registry = plm_node_null(a, span);
	} else {
		v_registry = plm_node_cstring(a, span, "docker.io");
		if (v_registry != NULL) {
			v_registry->flags |= PLM_NODE_IMPLICIT;
		}
	}
	struct plm_node *v_repo = str_or_null(a, span, repo,
		(size_t)(repo_end - repo), repo_end > repo);
	struct plm_node *v_tag = str_or_null(a, span, colon ? colon + 1 : NULL,
		colon ? (size_t)(name_end - colon - 1) : 0, colon != NULL);
	struct plm_node *v_digest = str_or_null(a, span, at ? at + 1 : NULL,
		at ? (size_t)(end - at - 1) : 0, at != NULL);
	if (v_text == NULL || v_registry == NULL || v_repo == NULL ||
		v_tag == NULL || v_digest == NULL ||
		plm_node_set(a, map, "text", span, v_text) != 0 ||
		plm_node_set(a, map, "registry", span, v_registry) != 0 ||
		plm_node_set(a, map, "repository", span, v_repo) != 0 ||
		plm_node_set(a, map, "tag", span, v_tag) != 0 ||
		plm_node_set(a, map, "digest", span, v_digest) != 0) {
		return PLM_ENOMEM;
	}
	*out = map;
	return 0;
}

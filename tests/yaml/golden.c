/*
 * tests/yaml/golden.c - `plimsoll dump` of a Compose file and a Kubernetes
 * manifest (both views, with spans) compared with checked-in JSON, so any
 * change to the tree or the container records shows up as a diff.
 *
 * usage: test_yaml_golden DIR [--write]   (DIR holds NAME.yaml and
 * NAME.json for compose and kubernetes)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose/compose.h"
#include "kubernetes/kubernetes.h"
#include "model/document.h"
#include "model/dump.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int check(const char *dir, const char *name, bool write)
{
	char yaml[4096], json[4096];
	snprintf(yaml, sizeof(yaml), "%s/%s.yaml", dir, name);
	snprintf(json, sizeof(json), "%s/%s.json", dir, name);
	size_t len;
	char *text = slurp(yaml, &len);
	if (text == NULL) {
		fprintf(stderr, "cannot read %s\n", yaml);
		return 1;
	}
	/* displayed as the bare name so the output does not depend on where
	 * the tree is checked out */
	char display[256];
	snprintf(display, sizeof(display), "%s.yaml", name);
	struct plm_source *src = plm_source_create(display, text, len);
	free(text);
	bool compose = strcmp(name, "compose") == 0;
	struct plm_doc *doc = plm_doc_create_take(src,
		compose ? PLM_KIND_COMPOSE : PLM_KIND_KUBERNETES);
	static const char *const no_environ[] = {NULL};
	struct plm_compose_options o = {0};
	o.environ = no_environ;
	o.no_env_file = true;
	int rc = doc == NULL ? PLM_ENOMEM
		: compose    ? plm_compose_build(doc, &o)
			     : plm_kubernetes_build(doc);
	if (rc != 0) {
		fprintf(stderr, "%s: build failed (%d)\n", yaml, rc);
		plm_doc_destroy(doc);
		return 1;
	}
	char *actual = NULL;
	size_t actual_len = 0;
	FILE *out = open_memstream(&actual, &actual_len);
	struct plm_dump_options d = {true, true, true};
	if (out == NULL || plm_dump_doc(out, doc, &d) != 0) {
		return 1;
	}
	fclose(out);
	plm_doc_destroy(doc);
	int result = 0;
	if (write) {
		FILE *f = fopen(json, "wb");
		if (f == NULL ||
			fwrite(actual, 1, actual_len, f) != actual_len) {
			result = 1;
		}
		if (f != NULL) {
			fclose(f);
		}
		printf("wrote %s\n", json);
	} else {
		size_t expected_len = 0;
		char *expected = slurp(json, &expected_len);
		if (expected == NULL || expected_len != actual_len ||
			memcmp(expected, actual, actual_len) != 0) {
			printf("%s differs from the dump of %s; actual:\n%s\n"
			       "(if the change is intended, rerun with --write)\n",
				json, yaml, actual);
			result = 1;
		} else {
			printf("ok: %s\n", json);
		}
		free(expected);
	}
	free(actual);
	return result;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [--write]\n", argv[0]);
		return 2;
	}
	bool write = argc > 2 && strcmp(argv[2], "--write") == 0;
	int failed = check(argv[1], "compose", write);
	failed += check(argv[1], "kubernetes", write);
	return failed ? 1 : 0;
}

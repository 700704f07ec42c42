/*
 * tests/yaml/corpus.c - loads every file of the Compose and Kubernetes
 * corpora (../shared/corpus) and compares per-file document, container and
 * error counts with a checked-in expectation file, so a regression in either
 * front end shows up as a changed line.
 *
 * usage: test_yaml_corpus CORPUS_DIR EXPECTED_TSV [--write]
 * (PLM_CORPUS_DIR in the environment overrides CORPUS_DIR)
 * Exit 77 (skipped) when the corpus is absent.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose/compose.h"
#include "kubernetes/kubernetes.h"
#include "model/document.h"

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **list_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	*count = 0;
	if (d == NULL) {
		return NULL;
	}
	size_t cap = 256;
	char **names = malloc(cap * sizeof(*names));
	struct dirent *e;
	while (names != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue;
		}
		if (*count == cap) {
			cap *= 2;
			char **n = realloc(names, cap * sizeof(*names));
			if (n == NULL) {
				break;
			}
			names = n;
		}
		names[(*count)++] = strdup(e->d_name);
	}
	closedir(d);
	if (names != NULL) {
		qsort(names, *count, sizeof(*names), compare_names);
	}
	return names;
}

static int run_kind(const char *root, const char *kind, FILE *out)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%s", root, kind);
	size_t count;
	char **names = list_dir(dir, &count);
	if (names == NULL) {
		return -1;
	}
	static const char *const no_environ[] = {NULL};
	struct plm_compose_options options = {0};
	options.environ = no_environ;
	options.no_env_file = true;
	for (size_t i = 0; i < count; i++) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		struct plm_source *src = NULL;
		if (plm_source_read(path, names[i], 0, &src) != 0) {
			fprintf(out, "%s/%s\tunreadable\n", kind, names[i]);
			free(names[i]);
			continue;
		}
		bool compose = strcmp(kind, "compose") == 0;
		struct plm_doc *doc = plm_doc_create_take(src,
			compose ? PLM_KIND_COMPOSE : PLM_KIND_KUBERNETES);
		int rc = doc == NULL ? PLM_ENOMEM
			: compose    ? plm_compose_build(doc, &options)
				     : plm_kubernetes_build(doc);
		size_t errors = 0;
		for (size_t d = 0; doc != NULL && d < doc->diag_count; d++) {
			errors += doc->diags[d].level == PLM_DIAG_ERROR;
		}
		fprintf(out, "%s/%s\t%s\t%zu\t%zu\t%zu\n", kind, names[i],
			rc == 0 ? "ok" : "fail",
			doc ? plm_node_count(doc->tree) : 0,
			doc ? plm_node_count(doc->containers) : 0, errors);
		plm_doc_destroy(doc);
		free(names[i]);
	}
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s CORPUS_DIR EXPECTED_TSV [--write]\n",
			argv[0]);
		return 2;
	}
	bool write = argc > 3 && strcmp(argv[3], "--write") == 0;
	/* PLM_CORPUS_DIR overrides the default (a worktree may not have
	 * ../shared beside it). */
	const char *root = getenv("PLM_CORPUS_DIR");
	if (root == NULL || root[0] == '\0') {
		root = argv[1];
	}
	char *actual = NULL;
	size_t actual_len = 0;
	FILE *out = open_memstream(&actual, &actual_len);
	if (out == NULL) {
		return 2;
	}
	fprintf(out, "# file\tstatus\tdocuments\tcontainers\terrors\n");
	if (run_kind(root, "compose", out) != 0 ||
		run_kind(root, "kubernetes", out) != 0) {
		fclose(out);
		free(actual);
		printf("corpus not found under %s: skipped (set PLM_CORPUS_DIR)\n",
			root);
		return 77;
	}
	fclose(out);
	if (write) {
		FILE *f = fopen(argv[2], "w");
		if (f == NULL ||
			fwrite(actual, 1, actual_len, f) != actual_len) {
			return 2;
		}
		fclose(f);
		free(actual);
		printf("wrote %s\n", argv[2]);
		return 0;
	}
	FILE *f = fopen(argv[2], "r");
	if (f == NULL) {
		fprintf(stderr, "cannot read %s\n", argv[2]);
		free(actual);
		return 1;
	}
	/* line by line, report every difference */
	int differences = 0;
	char line[16384];
	const char *p = actual;
	size_t files = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (strlen(line) != n || memcmp(line, p, n) != 0) {
			if (differences++ < 20) {
				printf("expected: %sactual:   %.*s", line,
					(int)n, p);
			}
		}
		p += n;
		files++;
	}
	fclose(f);
	if (*p != '\0') {
		printf("actual has more lines than expected, from: %.200s\n",
			p);
		differences++;
	}
	free(actual);
	printf("%zu lines compared, %d differences\n", files, differences);
	if (differences) {
		printf("if the change is intended, rerun with --write\n");
	}
	return differences ? 1 : 0;
}

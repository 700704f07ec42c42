/*
 * bench/parse_bench.c - plimsoll-parse-bench: parses files with one front
 * end and prints totals (for bench/dockerfile.sh), or, for the tests, the
 * instruction list (--list) or the model as JSON (--dump).
 *
 *   plimsoll-parse-bench [--repeat N] dockerfile|command FILE... | @LISTFILE
 *   plimsoll-parse-bench --list FILE...    path<TAB>line<TAB>KEYWORD
 *   plimsoll-parse-bench --dump FILE       JSON, as `plimsoll dump`
 *   plimsoll-parse-bench --check FILE...   parse, print diagnostics count
 *   plimsoll-parse-bench --once dockerfile|command FILE... | @LISTFILE
 *       each file read, parsed and freed in turn, as a scan does: the
 *       process's own CPU time is the figure (bench/run.py)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "command/command.h"
#include "dockerfile/dockerfile.h"
#include "model/document.h"
#include "model/dump.h"
#include "util/source.h"

/* CPU time of this thread: on a shared machine it does not count the time
 * other processes hold the core. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct plm_doc *load(const char *path)
{
	struct plm_source *src;
	if (plm_source_read(path, path, 0, &src) != 0) {
		fprintf(stderr, "%s: cannot read\n", path);
		return NULL;
	}
	struct plm_doc *doc = plm_doc_create_take(src, PLM_KIND_DOCKERFILE);
	if (doc == NULL) {
		fprintf(stderr, "%s: out of memory\n", path);
	}
	return doc;
}

static int by_start(const void *a, const void *b)
{
	const struct plm_node *x = *(const struct plm_node *const *)a;
	const struct plm_node *y = *(const struct plm_node *const *)b;
	return x->span.start < y->span.start ? -1
					     : x->span.start > y->span.start;
}

static void add_all(const struct plm_node *seq, const struct plm_node ***v,
	size_t *n, size_t *cap)
{
	for (size_t i = 0; i < plm_node_count(seq); i++) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*v = realloc(*v, *cap * sizeof(**v));
			if (*v == NULL) {
				exit(2);
			}
		}
		(*v)[(*n)++] = seq->as.seq.items[i];
	}
}

static int list(const char *path)
{
	struct plm_doc *doc = load(path);
	if (doc == NULL) {
		return 1;
	}
	if (plm_dockerfile_build(doc) != 0) {
		plm_doc_destroy(doc);
		return 1;
	}
	const struct plm_node **v = NULL;
	size_t n = 0, cap = 0;
	add_all(plm_node_get(doc->tree, "args"), &v, &n, &cap);
	add_all(plm_node_get(doc->tree, "unstaged"), &v, &n, &cap);
	const struct plm_node *stages = plm_node_get(doc->tree, "stages");
	for (size_t i = 0; i < plm_node_count(stages); i++) {
		add_all(plm_node_get(stages->as.seq.items[i], "instructions"),
			&v, &n, &cap);
	}
	qsort(v, n, sizeof(*v), by_start);
	for (size_t i = 0; i < n; i++) {
		struct plm_region r = plm_doc_region(doc, v[i]->span);
		printf("%s\t%u\t%s\n", path, r.start_line,
			plm_node_get_str(v[i], "keyword"));
	}
	free(v);
	plm_doc_destroy(doc);
	return 0;
}

static int dump(const char *path)
{
	struct plm_doc *doc = load(path);
	if (doc == NULL) {
		return 1;
	}
	int rc = plm_dockerfile_build(doc);
	struct plm_dump_options o = {false, true, true};
	if (rc == 0) {
		rc = plm_dump_doc(stdout, doc, &o);
	}
	plm_doc_destroy(doc);
	return rc == 0 ? 0 : 1;
}

/* The front end of kind over doc: 0 or an error. */
static int build(struct plm_doc *doc, enum plm_kind kind)
{
	if (doc == NULL) {
		return PLM_ENOMEM;
	}
	return kind == PLM_KIND_COMMAND ? plm_command_build(doc, NULL)
					: plm_dockerfile_build(doc);
}

/* Reads, parses and frees each file in turn; prints the totals with the
 * process's CPU time so far (reading the list and the files included). */
static int once(enum plm_kind kind, char **paths, int nfiles)
{
	size_t bytes = 0, instructions = 0, diags = 0;
	for (int k = 0; k < nfiles; k++) {
		struct plm_source *src;
		if (plm_source_read(paths[k], paths[k], 0, &src) != 0) {
			fprintf(stderr, "%s: cannot read\n", paths[k]);
			return 2;
		}
		bytes += src->len;
		struct plm_doc *doc = plm_doc_create_take(src, kind);
		if (build(doc, kind) != 0) {
			fprintf(stderr, "%s: out of memory\n", paths[k]);
			return 2;
		}
		diags += doc->diag_count;
		const struct plm_node *st = plm_node_get(doc->tree, "stages");
		for (size_t s = 0; s < plm_node_count(st); s++) {
			instructions += plm_node_count(
				plm_node_get(st->as.seq.items[s],
					"instructions"));
		}
		plm_doc_destroy(doc);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double secs = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("plimsoll: %d files read and parsed one at a time, %.1f MB, "
	       "%.3f s of process CPU, %.1f MB/s, %zu instructions, "
	       "%zu diagnostics, peak RSS %ld KB\n",
		nfiles, (double)bytes / 1e6, secs,
		secs > 0 ? (double)bytes / 1e6 / secs : 0.0, instructions,
		diags, ru.ru_maxrss);
	return 0;
}

int main(int argc, char **argv)
{
	int repeat = 1;
	enum plm_kind kind = PLM_KIND_DOCKERFILE;
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "--list") == 0) {
		int rc = 0;
		for (i = 2; i < argc; i++) {
			rc |= list(argv[i]);
		}
		return rc;
	}
	if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
		return dump(argv[2]);
	}
	bool check = argc > 2 && strcmp(argv[1], "--check") == 0;
	bool one_at_a_time = false;
	if (check) {
		i = 2;
	} else {
		if (argc > 3 && strcmp(argv[1], "--repeat") == 0) {
			repeat = atoi(argv[2]);
			i = 3;
		} else if (argc > 2 && strcmp(argv[1], "--once") == 0) {
			one_at_a_time = true;
			i = 2;
		}
		if (i < argc && strcmp(argv[i], "command") == 0) {
			kind = PLM_KIND_COMMAND;
		} else if (i >= argc || strcmp(argv[i], "dockerfile") != 0) {
			fprintf(stderr,
				"usage: %s [--repeat N | --once] "
				"dockerfile|command FILE...\n"
				"       %s --list FILE... | --dump FILE | "
				"--check FILE...\n",
				argv[0], argv[0]);
			return 2;
		}
		i++;
	}
	/* Paths: the arguments, or one per line of @LISTFILE. */
	char **paths = argv + i;
	int nfiles = argc - i;
	char *listbuf = NULL;
	if (nfiles == 1 && argv[i][0] == '@') {
		struct plm_source *list;
		if (plm_source_read(argv[i] + 1, argv[i] + 1, 0, &list) != 0) {
			fprintf(stderr, "%s: cannot read\n", argv[i] + 1);
			return 2;
		}
		listbuf = malloc(list->len + 1);
		paths = calloc(list->line_count + 1, sizeof(*paths));
		if (listbuf == NULL || paths == NULL) {
			return 2;
		}
		memcpy(listbuf, list->bytes, list->len + 1);
		nfiles = 0;
		for (char *line = strtok(listbuf, "\n"); line != NULL;
			line = strtok(NULL, "\n")) {
			paths[nfiles++] = line;
		}
		plm_source_destroy(list);
	}
	if (one_at_a_time) {
		int rc = once(kind, paths, nfiles);
		free(listbuf);
		free(paths == argv + i ? NULL : paths);
		return rc;
	}
	/* Files are read first so that the timing covers parsing only. */
	struct plm_source **sources = calloc((size_t)nfiles + 1,
		sizeof(*sources));
	size_t bytes = 0;
	for (int k = 0; k < nfiles; k++) {
		if (plm_source_read(paths[k], paths[k], 0, &sources[k]) != 0) {
			fprintf(stderr, "%s: cannot read\n", paths[k]);
			return 2;
		}
		bytes += sources[k]->len;
	}
	struct rusage before;
	getrusage(RUSAGE_SELF, &before);
	size_t diags = 0, instructions = 0;
	/* Per-file clock reads would cost as much as a small parse, so the
	 * parser's time is the whole loop minus the same loop without
	 * plm_dockerfile_build (copying the source, building its line map,
	 * freeing the document). */
	double overhead = now();
	for (int r = 0; r < repeat && !check; r++) {
		for (int k = 0; k < nfiles; k++) {
			struct plm_doc *doc = plm_doc_create_take(
				plm_source_create(sources[k]->path,
					sources[k]->bytes, sources[k]->len),
				kind);
			plm_doc_destroy(doc);
		}
	}
	overhead = now() - overhead;
	double t0 = now();
	for (int r = 0; r < repeat; r++) {
		for (int k = 0; k < nfiles; k++) {
			struct plm_source *copy =
				plm_source_create(sources[k]->path,
					sources[k]->bytes, sources[k]->len);
			struct plm_doc *doc = plm_doc_create_take(copy, kind);
			if (build(doc, kind) != 0) {
				fprintf(stderr, "%s: out of memory\n",
					sources[k]->path);
				return 2;
			}
			if (r == 0) {
				diags += doc->diag_count;
				const struct plm_node *st =
					plm_node_get(doc->tree, "stages");
				for (size_t s = 0; s < plm_node_count(st);
					s++) {
					instructions += plm_node_count(
						plm_node_get(st->as.seq.items[s],
							"instructions"));
				}
			}
			if (check) {
				for (size_t d = 0; d < doc->diag_count; d++) {
					struct plm_region reg =
						plm_doc_region(doc,
							doc->diags[d].span);
					printf("%s:%u:%u: %s: %s\n",
						sources[k]->path,
						reg.start_line,
						reg.start_column,
						doc->diags[d].code,
						doc->diags[d].message);
				}
			}
			plm_doc_destroy(doc);
		}
	}
	double secs = now() - t0;
	double parse_secs = secs - overhead;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double total = (double)bytes * repeat;
	printf("plimsoll: %d files x %d, %.1f MB, %.3f s, %.0f files/s, "
	       "%.1f MB/s, %zu instructions, %zu diagnostics, peak RSS %ld KB "
	       "(%ld KB with the files loaded, before parsing) "
	       "(CPU time; with source copy and free: %.3f s, %.1f MB/s)\n",
		nfiles, repeat, total / 1e6, parse_secs,
		parse_secs > 0 ? nfiles * repeat / parse_secs : 0.0,
		parse_secs > 0 ? total / 1e6 / parse_secs : 0.0, instructions,
		diags, ru.ru_maxrss, before.ru_maxrss, secs,
		secs > 0 ? total / 1e6 / secs : 0.0);
	for (int k = 0; k < nfiles; k++) {
		plm_source_destroy(sources[k]);
	}
	free(sources);
	if (listbuf != NULL) {
		free(listbuf);
		free(paths);
	}
	return 0;
}

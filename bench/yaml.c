/*
 * bench/yaml.c - how fast the YAML front ends load and normalize the Compose
 * and Kubernetes corpora, beside a bare libyaml event parse of the same
 * bytes in the same run (the floor no loader built on libyaml can beat).
 *
 * usage: yaml-bench [CORPUS_DIR [ITERATIONS]]
 * CORPUS_DIR defaults to <source root>/../shared/corpus; the best of
 * ITERATIONS (default 5) runs is reported for each, in CPU time.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "compose/compose.h"
#include "kubernetes/kubernetes.h"
#include "model/document.h"
#include "plm_config.h"

struct file {
	char *name;
	char *bytes;
	size_t len;
	bool compose;
};

struct corpus {
	struct file *files;
	size_t count, cap;
	size_t bytes;
};

static int load_dir(struct corpus *c, const char *root, const char *kind)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%s", root, kind);
	DIR *d = opendir(dir);
	if (d == NULL) {
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue;
		}
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (f == NULL) {
			continue;
		}
		fseek(f, 0, SEEK_END);
		long size = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *bytes = malloc((size_t)size + 1);
		if (bytes == NULL ||
			fread(bytes, 1, (size_t)size, f) != (size_t)size) {
			free(bytes);
			fclose(f);
			continue;
		}
		fclose(f);
		if (c->count == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 1024;
			c->files = realloc(c->files,
				c->cap * sizeof(*c->files));
			if (c->files == NULL) {
				abort();
			}
		}
		c->files[c->count++] = (struct file){strdup(e->d_name), bytes,
			(size_t)size, strcmp(kind, "compose") == 0};
		c->bytes += (size_t)size;
	}
	closedir(d);
	return 0;
}

/* CPU time of this (single-threaded) process: on a shared machine it is
 * far steadier than wall time, which other jobs stretch. */
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The floor: every event of every file, nothing built. */
static size_t bare_parse(const struct corpus *c)
{
	size_t events = 0;
	for (size_t i = 0; i < c->count; i++) {
		yaml_parser_t parser;
		yaml_event_t event;
		if (!yaml_parser_initialize(&parser)) {
			abort();
		}
		yaml_parser_set_input_string(&parser,
			(const unsigned char *)c->files[i].bytes,
			c->files[i].len);
		for (;;) {
			if (!yaml_parser_parse(&parser, &event)) {
				break;
			}
			bool end = event.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&event);
			events++;
			if (end) {
				break;
			}
		}
		yaml_parser_delete(&parser);
	}
	return events;
}

/* The real thing: a source, a document, the front end, freeing it all. */
static size_t full_build(const struct corpus *c)
{
	static const char *const no_environ[] = {NULL};
	struct plm_compose_options options = {0};
	options.environ = no_environ;
	options.no_env_file = true;
	size_t containers = 0;
	for (size_t i = 0; i < c->count; i++) {
		const struct file *f = &c->files[i];
		struct plm_source *src = plm_source_create(f->name, f->bytes,
			f->len);
		struct plm_doc *doc = plm_doc_create_take(src,
			f->compose ? PLM_KIND_COMPOSE : PLM_KIND_KUBERNETES);
		if (doc == NULL) {
			abort();
		}
		int rc = f->compose ? plm_compose_build(doc, &options)
				    : plm_kubernetes_build(doc);
		if (rc != 0) {
			fprintf(stderr, "%s: error %d\n", f->name, rc);
		}
		containers += plm_node_count(doc->containers);
		plm_doc_destroy(doc);
	}
	return containers;
}

int main(int argc, char **argv)
{
	char default_root[4096];
	snprintf(default_root, sizeof(default_root), "%s/../shared/corpus",
		PLM_SOURCE_ROOT);
	const char *root = argc > 1 ? argv[1] : default_root;
	int iterations = argc > 2 ? atoi(argv[2]) : 5;
	struct corpus c = {0};
	if (load_dir(&c, root, "compose") != 0 ||
		load_dir(&c, root, "kubernetes") != 0) {
		fprintf(stderr, "no corpus under %s\n", root);
		return 2;
	}
	double best_floor = 1e30, best_full = 1e30;
	size_t events = 0, containers = 0;
	for (int it = 0; it < iterations; it++) {
		double t0 = now();
		events = bare_parse(&c);
		double t1 = now();
		containers = full_build(&c);
		double t2 = now();
		if (t1 - t0 < best_floor) {
			best_floor = t1 - t0;
		}
		if (t2 - t1 < best_full) {
			best_full = t2 - t1;
		}
	}
	double mb = (double)c.bytes / (1024.0 * 1024.0);
	printf("corpus: %zu files, %.1f MB (compose + kubernetes), best of %d, "
	       "CPU time\n",
		c.count, mb, iterations);
	printf("libyaml events only (floor): %8.0f files/s %7.1f MB/s "
	       "(%zu events)\n",
		(double)c.count / best_floor, mb / best_floor, events);
	printf("plimsoll load+normalize:     %8.0f files/s %7.1f MB/s "
	       "(%zu containers)\n",
		(double)c.count / best_full, mb / best_full, containers);
	printf("ratio: %.2fx the floor's time\n", best_full / best_floor);
	for (size_t i = 0; i < c.count; i++) {
		free(c.files[i].name);
		free(c.files[i].bytes);
	}
	free(c.files);
	return 0;
}

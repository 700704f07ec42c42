/*
 * bench/floor.c - the floor a scan is measured against: reading every file
 * and the least work any linter must do on it, a libyaml event parse of
 * the YAML files and a bare tokenize of the Dockerfiles (lines, line
 * continuations, words), in CPU time, best of N passes.
 *
 *   plimsoll-floor [--repeat N] @LISTFILE | FILE...
 *
 * A file is a Dockerfile when it is in a folder named dockerfile (the
 * corpus's) or its name says so (Dockerfile, Dockerfile.*,
 * Containerfile, *.dockerfile), else YAML. Prints one line: files, bytes, CPU seconds, tokens, events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

struct file {
	char *bytes;
	size_t len;
	int dockerfile;
};

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int is_dockerfile(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	size_t n = strlen(base);
	return strstr(path, "/dockerfile/") != NULL ||
		(n >= 10 && strcmp(base + n - 10, "Dockerfile") == 0) ||
		strstr(base, "Dockerfile.") != NULL ||
		strstr(base, "Containerfile") != NULL ||
		strstr(base, "dockerfile") != NULL;
}

static int read_file(const char *path, struct file *f)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		return -1;
	}
	size_t cap = 1 << 16, len = 0;
	char *b = malloc(cap);
	size_t got;
	while (b != NULL && (got = fread(b + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			char *n = realloc(b, cap);
			if (n == NULL) {
				free(b);
			}
			b = n;
		}
	}
	fclose(fp);
	if (b == NULL) {
		return -1;
	}
	f->bytes = b;
	f->len = len;
	f->dockerfile = is_dockerfile(path);
	return 0;
}

/* Words of a Dockerfile: blank-separated runs, a backslash before a
 * newline joining lines, comment lines skipped. */
static size_t tokenize(const char *s, size_t len)
{
	size_t words = 0;
	int in_word = 0, line_start = 1, comment = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n') {
			in_word = comment = 0;
			line_start = 1;
			continue;
		}
		if (comment) {
			continue;
		}
		if (c == '\\' && i + 1 < len && s[i + 1] == '\n') {
			i++;
			in_word = 0;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			in_word = 0;
			continue;
		}
		if (line_start && c == '#') {
			comment = 1;
			continue;
		}
		line_start = 0;
		if (!in_word) {
			words++;
			in_word = 1;
		}
	}
	return words;
}

static size_t events_of(const struct file *f)
{
	yaml_parser_t parser;
	yaml_event_t event;
	size_t n = 0;
	if (!yaml_parser_initialize(&parser)) {
		return 0;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->bytes,
		f->len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &event)) {
			break; /* a broken file costs what was parsed */
		}
		int end = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
		n++;
		if (end) {
			break;
		}
	}
	yaml_parser_delete(&parser);
	return n;
}

static int add_path(struct file **files, size_t *count, size_t *cap,
	const char *path)
{
	if (*count == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		struct file *n = realloc(*files, *cap * sizeof(**files));
		if (n == NULL) {
			return -1;
		}
		*files = n;
	}
	if (read_file(path, &(*files)[*count]) != 0) {
		fprintf(stderr, "plimsoll-floor: cannot read %s\n", path);
		return -1;
	}
	(*count)++;
	return 0;
}

static int add_list(struct file **files, size_t *count, size_t *cap,
	const char *list)
{
	FILE *fp = fopen(list, "r");
	if (fp == NULL) {
		fprintf(stderr, "plimsoll-floor: cannot read %s\n", list);
		return -1;
	}
	char line[8192];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0') {
			rc = add_path(files, count, cap, line);
		}
	}
	fclose(fp);
	return rc;
}

int main(int argc, char **argv)
{
	int repeat = 3, i = 1;
	if (argc > 2 && strcmp(argv[1], "--repeat") == 0) {
		repeat = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc || repeat < 1) {
		fprintf(stderr,
			"usage: plimsoll-floor [--repeat N] @LIST | FILE...\n");
		return 2;
	}
	struct file *files = NULL;
	size_t count = 0, cap = 0, bytes = 0;
	for (; i < argc; i++) {
		int rc = argv[i][0] == '@'
			? add_list(&files, &count, &cap, argv[i] + 1)
			: add_path(&files, &count, &cap, argv[i]);
		if (rc != 0) {
			return 2;
		}
	}
	for (size_t k = 0; k < count; k++) {
		bytes += files[k].len;
	}
	double best = 1e30;
	size_t tokens = 0, events = 0;
	for (int r = 0; r < repeat; r++) {
		tokens = events = 0;
		double t0 = cpu_now();
		for (size_t k = 0; k < count; k++) {
			if (files[k].dockerfile) {
				tokens += tokenize(files[k].bytes,
					files[k].len);
			} else {
				events += events_of(&files[k]);
			}
		}
		double t = cpu_now() - t0;
		best = t < best ? t : best;
	}
	printf("files %zu bytes %zu cpu_s %.4f tokens %zu events %zu\n", count,
		bytes, best, tokens, events);
	for (size_t k = 0; k < count; k++) {
		free(files[k].bytes);
	}
	free(files);
	return 0;
}

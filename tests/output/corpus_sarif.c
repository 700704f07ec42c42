/*
 * corpus_sarif DIR OUT.sarif - writes SARIF for every file under DIR/corpus
 * with the sarif plugin: one synthetic finding per file on the first
 * non-empty line (region, snippet, line text and GitHub line hash as the
 * scan fills them) and a parse-error notification for every tenth file.
 * The paths, names and bytes are the corpus's own, so the validator sees
 * real-world URIs (spaces, '@', non-ASCII), odd encodings and volume,
 * without depending on the policies.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output/linehash.h"
#include "output/output.h"
#include "util/source.h"

static const struct plm_rule_info rule = {
	.id = "corpus-first-line",
	.title = "First line of a corpus file",
	.description = "A synthetic rule that reports each file's first "
		       "line, to validate SARIF over real paths and bytes.",
	.severity = PLM_SEVERITY_LOW,
	.precision = "low",
};

struct walk {
	const struct plm_output_plugin *plugin;
	void *self;
	size_t files;
	const char **paths;
	size_t path_count;
	int rc;
};

static void report(struct walk *w, const char *path)
{
	struct plm_source *s = NULL;
	if (plm_source_read(path, path, 0, &s) != 0) {
		return;
	}
	struct plm_line_hashes h;
	if (plm_line_hashes_compute(s->bytes, s->len, &h) != 0) {
		plm_source_destroy(s);
		w->rc = 1;
		return;
	}
	uint32_t line = 0;
	size_t len = 0;
	const char *text = "";
	for (; line < s->line_count; line++) {
		text = plm_source_line(s, line, &len);
		if (len > 0) {
			break;
		}
	}
	if (line == s->line_count) {
		line = 0;
		text = plm_source_line(s, 0, &len);
	}
	uint32_t start = (uint32_t)(text - s->bytes);
	char *line_text = strndup(text, len);
	char hash[PLM_LINE_HASH_SIZE];
	struct plm_finding f = {
		.rule_id = rule.id,
		.severity = rule.severity,
		.message = "This is the first line of the file.",
		.path = path,
		.kind = "corpus",
		.region = plm_source_region(s, start, start + (uint32_t)len),
		.snippet = line_text,
		.line_text = line_text,
	};
	if (plm_line_hashes_format(&h, f.region.start_line, hash)) {
		f.line_hash = hash;
	}
	if (w->rc == 0) {
		w->rc = w->plugin->finding(w->self, &f);
	}
	if (w->files % 10 == 0 && w->rc == 0) {
		struct plm_notification n = {
			.kind = PLM_NOTIFY_PARSE_ERROR,
			.code = "corpus/synthetic",
			.message =
				"A synthetic notification for every tenth file.",
			.path = path,
			.region = f.region,
		};
		w->rc = w->plugin->notification(w->self, &n);
	}
	const char **grown = realloc(w->paths,
		(w->path_count + 1) * sizeof(*grown));
	char *copy = strdup(path);
	if (grown == NULL || copy == NULL) {
		free(copy);
		w->rc = 1;
	} else {
		w->paths = grown;
		w->paths[w->path_count++] = copy;
	}
	w->files++;
	free(line_text);
	plm_line_hashes_finish(&h);
	plm_source_destroy(s);
}

/* Reports every regular file under dir, except the licences. */
static void walk(struct walk *w, const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		w->rc = 1;
		return;
	}
	struct dirent *e;
	while (w->rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "LICENSES") == 0) {
			continue;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *path = malloc(len);
		if (path == NULL) {
			w->rc = 1;
			break;
		}
		snprintf(path, len, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) != 0) {
			w->rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			walk(w, path);
		} else if (S_ISREG(st.st_mode) && strcmp(dir, "corpus") != 0) {
			report(w, path); /* files at the top are not corpus */
		}
		free(path);
	}
	closedir(d);
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc != 3 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: corpus_sarif SHARED_DIR OUT.sarif\n");
		return 2;
	}
	FILE *out = fopen(argv[2], "w");
	if (out == NULL) {
		perror(argv[2]);
		return 2;
	}
	struct walk w = {.plugin = plm_output_builtin("sarif")};
	struct plm_plugin_options options = {.out = out};
	w.self = w.plugin->create(&options);
	char cwd[4096];
	if (w.self == NULL || getcwd(cwd, sizeof(cwd) - 1) == NULL) {
		return 2;
	}
	strcat(cwd, "/");
	struct plm_run_info run = {
		.tool_name = "plimsoll",
		.information_uri = "https://plimsoll.dev/",
		.rules = &rule,
		.rule_count = 1,
		.working_directory = cwd,
		.category = "corpus",
	};
	w.rc = w.plugin->begin(w.self, &run);
	if (w.rc == 0) {
		walk(&w, "corpus");
	}
	qsort(w.paths, w.path_count, sizeof(*w.paths), compare);
	struct plm_run_summary sum = {
		.files_scanned = w.files,
		.successful = true,
		.seconds = -1,
		.paths = w.paths,
		.path_count = w.path_count,
	};
	sum.findings_by_severity[PLM_SEVERITY_LOW] = w.files;
	if (w.rc == 0) {
		w.rc = w.plugin->end(w.self, &sum);
	}
	w.plugin->destroy(w.self);
	for (size_t i = 0; i < w.path_count; i++) {
		free((char *)w.paths[i]);
	}
	free(w.paths);
	fclose(out);
	fprintf(stderr, "%zu files, status %d\n", w.files, w.rc);
	return w.rc != 0;
}

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover/discover.h"

static char root[256];

static void touch(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);
}

static void mkdir_rel(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/plm-discover-XXXXXX");
	if (mkdtemp(root) == NULL) {
		return -1;
	}
	mkdir_rel("app");
	mkdir_rel(".git");
	mkdir_rel("node_modules");
	mkdir_rel("deploy");
	touch("app/Dockerfile");
	touch("app/Dockerfile.dockerignore");
	touch("app/api.Dockerfile");
	touch("Containerfile.dev");
	touch("docker-compose.override.yml");
	touch("deploy/web.yaml");
	touch("deploy/notes.txt");
	touch(".git/Dockerfile");
	touch("node_modules/Dockerfile");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct plm_discovered *find(const struct plm_discover_list *l,
	const char *suffix)
{
	for (size_t i = 0; i < l->count; i++) {
		size_t n = strlen(l->items[i].path), m = strlen(suffix);
		if (n >= m && strcmp(l->items[i].path + n - m, suffix) == 0) {
			return &l->items[i];
		}
	}
	return NULL;
}

static void walk_finds_by_name_and_skips_vcs_and_dependencies(void **state)
{
	(void)state;
	const char *paths[] = {root};
	struct plm_discover_options o = {0};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 1, &o, &l), 0);
	assert_non_null(find(&l, "/app/Dockerfile"));
	assert_int_equal(find(&l, "/app/Dockerfile")->kind,
		PLM_KIND_DOCKERFILE);
	assert_non_null(find(&l, "/app/api.Dockerfile"));
	assert_non_null(find(&l, "/Containerfile.dev"));
	assert_int_equal(find(&l, "/docker-compose.override.yml")->kind,
		PLM_KIND_COMPOSE);
	/* Other YAML is left to content detection. */
	assert_int_equal(find(&l, "/deploy/web.yaml")->kind, PLM_KIND_UNKNOWN);
	assert_null(find(&l, "notes.txt"));
	assert_null(find(&l, "Dockerfile.dockerignore"));
	assert_null(find(&l, ".git/Dockerfile"));
	assert_null(find(&l, "node_modules/Dockerfile"));
	assert_int_equal(l.count, 5);
	plm_discover_list_finish(&l);
}

static void walk_order_is_sorted_by_name(void **state)
{
	(void)state;
	const char *paths[] = {root};
	struct plm_discover_options o = {0};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 1, &o, &l), 0);
	for (size_t i = 1; i < l.count; i++) {
		/* Within one directory level names come in strcmp order. */
		assert_true(strcmp(l.items[i - 1].path, l.items[i].path) < 0);
	}
	plm_discover_list_finish(&l);
}

static void symlink_loop_is_reported_once_when_following(void **state)
{
	(void)state;
	char link[512], target[512];
	snprintf(link, sizeof(link), "%s/app/loop", root);
	snprintf(target, sizeof(target), "%s/app", root);
	assert_int_equal(symlink(target, link), 0);
	const char *paths[] = {root};
	struct plm_discover_list l = {0};
	struct plm_discover_options nofollow = {0};
	assert_int_equal(plm_discover(paths, 1, &nofollow, &l), 0);
	size_t problems = 0;
	for (size_t i = 0; i < l.count; i++) {
		problems += l.items[i].problem != NULL;
	}
	assert_int_equal(problems, 0);
	plm_discover_list_finish(&l);

	struct plm_discover_options follow = {.follow_symlinks = true};
	assert_int_equal(plm_discover(paths, 1, &follow, &l), 0);
	problems = 0;
	for (size_t i = 0; i < l.count; i++) {
		if (l.items[i].problem != NULL) {
			problems++;
			assert_non_null(strstr(l.items[i].problem, "loop"));
		}
	}
	assert_int_equal(problems, 1);
	plm_discover_list_finish(&l);
	unlink(link);
}

static void file_symlink_loop_under_a_read_name_is_a_problem_item(void **state)
{
	(void)state;
	char a[512], b[512];
	snprintf(a, sizeof(a), "%s/deploy/Dockerfile", root);
	snprintf(b, sizeof(b), "%s/deploy/Dockerfile.b", root);
	assert_int_equal(symlink("Dockerfile.b", a), 0);
	assert_int_equal(symlink("Dockerfile", b), 0);
	char dangling[512];
	snprintf(dangling, sizeof(dangling), "%s/deploy/gone.Dockerfile", root);
	assert_int_equal(symlink("nowhere", dangling), 0);
	const char *paths[] = {root};
	struct plm_discover_list l = {0};
	struct plm_discover_options o = {0};
	assert_int_equal(plm_discover(paths, 1, &o, &l), 0);
	size_t loops = 0;
	for (size_t i = 0; i < l.count; i++) {
		/* The dangling link stays quiet; both looped links are named. */
		assert_null(strstr(l.items[i].path, "gone.Dockerfile"));
		if (l.items[i].problem != NULL) {
			assert_non_null(strstr(l.items[i].problem, "loop"));
			assert_null(l.items[i].skip_code); /* an error */
			loops++;
		}
	}
	assert_int_equal(loops, 2);
	plm_discover_list_finish(&l);
	unlink(a);
	unlink(b);
	unlink(dangling);
}

static void missing_path_becomes_a_problem_item(void **state)
{
	(void)state;
	const char *paths[] = {"/nonexistent/plimsoll/Dockerfile"};
	struct plm_discover_options o = {0};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 1, &o, &l), 0);
	assert_int_equal(l.count, 1);
	assert_non_null(l.items[0].problem);
	assert_true(l.items[0].explicit);
	plm_discover_list_finish(&l);
}

static void forced_kind_applies_to_every_file_named_or_walked(void **state)
{
	(void)state;
	char file[512];
	snprintf(file, sizeof(file), "%s/deploy/notes.txt", root);
	const char *paths[] = {file, root};
	struct plm_discover_options o = {.kind = PLM_KIND_DOCKERFILE};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 2, &o, &l), 0);
	assert_string_equal(l.items[0].path, file);
	assert_int_equal(l.items[0].kind, PLM_KIND_DOCKERFILE);
	/* Every file of the walk is taken, whatever its name. */
	assert_int_equal(find(&l, "/deploy/web.yaml")->kind,
		PLM_KIND_DOCKERFILE);
	assert_int_equal(find(&l, "/deploy/notes.txt")->kind,
		PLM_KIND_DOCKERFILE);
	assert_non_null(find(&l, "/app/Dockerfile"));
	assert_null(find(&l, ".git/Dockerfile"));
	plm_discover_list_finish(&l);
}

static void kind_by_name_follows_the_documented_patterns(void **state)
{
	(void)state;
	bool y;
	assert_int_equal(plm_discover_kind_by_name("x/Dockerfile", &y),
		PLM_KIND_DOCKERFILE);
	assert_int_equal(plm_discover_kind_by_name("Dockerfile.prod", &y),
		PLM_KIND_DOCKERFILE);
	assert_int_equal(plm_discover_kind_by_name("web.dockerfile", &y),
		PLM_KIND_DOCKERFILE);
	assert_int_equal(plm_discover_kind_by_name("Containerfile", &y),
		PLM_KIND_DOCKERFILE);
	assert_int_equal(plm_discover_kind_by_name("compose.yaml", &y),
		PLM_KIND_COMPOSE);
	assert_int_equal(plm_discover_kind_by_name("compose.prod.yml", &y),
		PLM_KIND_COMPOSE);
	assert_int_equal(plm_discover_kind_by_name("docker-compose.yml", &y),
		PLM_KIND_COMPOSE);
	assert_int_equal(plm_discover_kind_by_name("docker-compose.dev.yaml",
				 &y),
		PLM_KIND_COMPOSE);
	assert_int_equal(plm_discover_kind_by_name("deploy.yaml", &y),
		PLM_KIND_UNKNOWN);
	assert_true(y);
	assert_int_equal(plm_discover_kind_by_name("README.md", &y),
		PLM_KIND_UNKNOWN);
	assert_false(y);
	assert_int_equal(plm_discover_kind_by_name("compose.json", &y),
		PLM_KIND_UNKNOWN);
	assert_true(y);
}

static void every_dockerfile_variant_is_a_dockerfile(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"Dockerfile-windows",
		"Dockerfile_prod",
		"Dockerfile-alpine",
		"DOCKERFILE.alpine",
		"dockerfile_1",
		"Dockerfile.3",
		"Dockerfile.rhel9",
		"Containerfile-hardlinks",
		"Containerfile_x",
		"containerfile.bad",
		"base.Dockerfile",
		"x.containerfile",
		"a/b/Dockerfile-WINDOWS_LTSC2022",
		NULL,
	};
	static const char *const no[] = {
		"Dockerfile.md",
		"Dockerfile.txt",
		"Dockerfile.rst",
		"Dockerfile.html",
		"Dockerfile.j2",
		"Dockerfile.alpine.tmpl",
		"Dockerfile~",
		"Dockerfile.bak",
		"Dockerfile.orig",
		"Dockerfile.swp",
		"dockerfile_test.go",
		"dockerfile.py",
		"Dockerfile.sh",
		"Dockerfile.dockerignore",
		"Dockerfiles",
		"DockerfileBuilder.java",
		"Dockerfile.",
		"Dockerfile-",
		".Dockerfile",
		"mydockerfile",
		NULL,
	};
	bool y;
	for (const char *const *n = yes; *n; n++) {
		if (plm_discover_kind_by_name(*n, &y) != PLM_KIND_DOCKERFILE) {
			fail_msg("%s should be a Dockerfile", *n);
		}
	}
	for (const char *const *n = no; *n; n++) {
		if (plm_discover_kind_by_name(*n, &y) != PLM_KIND_UNKNOWN ||
			y) {
			fail_msg("%s should not be a Dockerfile", *n);
		}
	}
	assert_int_equal(plm_discover_kind_by_name("compose-test.yml", &y),
		PLM_KIND_COMPOSE);
	assert_int_equal(plm_discover_kind_by_name("docker-compose-mysql.yaml",
				 &y),
		PLM_KIND_COMPOSE);
	assert_int_equal(plm_discover_kind_by_name("COMPOSE.override.YAML", &y),
		PLM_KIND_COMPOSE);
	assert_int_equal(plm_discover_kind_by_name("composer.yaml", &y),
		PLM_KIND_UNKNOWN);
	assert_true(y);
	assert_int_equal(plm_discover_kind_by_name("pod.json", &y),
		PLM_KIND_UNKNOWN);
	assert_true(y);
	/* a Compose template is neither Compose nor content */
	assert_int_equal(plm_discover_kind_by_name("compose.yaml.j2", &y),
		PLM_KIND_UNKNOWN);
	assert_false(y);
}

static void write_rel(const char *rel, const char *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static const struct plm_discovered *noted(const struct plm_discover_list *l,
	const char *suffix, const char *code)
{
	const struct plm_discovered *d = find(l, suffix);
	if (d == NULL || d->problem == NULL || d->skip_code == NULL ||
		strcmp(d->skip_code, code) != 0) {
		fail_msg("%s: expected a note %s, got %s", suffix, code,
			d == NULL              ? "nothing"
				: d->skip_code ? d->skip_code
				: d->problem   ? d->problem
					       : "an item to scan");
	}
	assert_false(d->explicit);
	return d;
}

static void candidates_passed_over_are_notes_with_a_code(void **state)
{
	(void)state;
	mkdir_rel("n");
	mkdir_rel("n/.cache");
	write_rel("n/Dockerfile.j2", "FROM {{ x }}\n", 13);
	write_rel("n/docker-compose.yml.tmpl", "services: {}\n", 13);
	write_rel("n/Dockerfile.md", "# FROM x\n", 9);
	write_rel("n/Dockerfile.bin", "FROM x\n\0\1\2", 10);
	write_rel("n/big.Dockerfile", "FROM alpine\n# padding padding\n", 30);
	write_rel("n/pod.json", "{\"kind\": \"Pod\"}", 15);
	write_rel("n/package.json", "{}", 2);
	write_rel("n/.cache/Dockerfile", "FROM x\n", 7);
	char fifo[512];
	snprintf(fifo, sizeof(fifo), "%s/n/compose.yaml", root);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/n", root);
	const char *paths[] = {sub};
	struct plm_discover_options o = {.max_file_size = 20};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 1, &o, &l), 0);
	noted(&l, "/n/Dockerfile.j2", "discover/template");
	noted(&l, "/n/docker-compose.yml.tmpl", "discover/template");
	noted(&l, "/n/Dockerfile.bin", "discover/binary");
	const struct plm_discovered *big = noted(&l, "/n/big.Dockerfile",
		"discover/too-large");
	assert_non_null(strstr(big->problem, "--max-file-size"));
	noted(&l, "/n/compose.yaml", "discover/not-regular");
	/* tool folders: not a word */
	assert_null(find(&l, "/.cache/Dockerfile"));
	/* JSON is walked, and Markdown (never as a Dockerfile: as command
	 * lines, when it runs a container); their content decides */
	assert_non_null(find(&l, "/n/pod.json"));
	assert_null(find(&l, "/n/pod.json")->problem);
	assert_non_null(find(&l, "/n/package.json"));
	assert_non_null(find(&l, "/n/Dockerfile.md"));
	assert_int_equal(find(&l, "/n/Dockerfile.md")->kind, PLM_KIND_UNKNOWN);
	assert_int_equal(l.count, 8);
	plm_discover_list_finish(&l);

	/* named on the command line, a file is read whatever it looks like */
	char named[512];
	snprintf(named, sizeof(named), "%s/n/Dockerfile.bin", root);
	const char *one[] = {named};
	assert_int_equal(plm_discover(one, 1, &o, &l), 0);
	assert_int_equal(l.count, 1);
	assert_null(l.items[0].problem);
	assert_null(l.items[0].skip_code);
	assert_true(l.items[0].explicit);
	plm_discover_list_finish(&l);
	unlink(fifo);
}

/* A walk reads the first bytes of what it finds on several threads when
 * it may: the list is the same as on one, in the same order, binary
 * files noted where they stand. Files by names nothing reads are passed
 * over without a stat; an executable without an extension is still
 * found (its mode is what makes it one); a template is a note at once. */
static void walk_on_threads_finds_the_same_list(void **state)
{
	(void)state;
	mkdir_rel("t");
	char rel[64];
	size_t binary = 0;
	for (int i = 0; i < 300; i++) {
		snprintf(rel, sizeof(rel), "t/s%03d.Dockerfile", i);
		if (i % 37 == 5) {
			write_rel(rel, "FROM x\n\0", 8);
			binary++;
		} else {
			write_rel(rel, "FROM alpine\n##", 12 + (size_t)(i % 3));
		}
	}
	write_rel("t/README.md.txt", "x", 1);
	write_rel("t/a.Dockerfile.j2", "FROM {{ x }}\n", 13);
	write_rel("t/main.go", "package main\n", 13);
	write_rel("t/run", "#!/bin/sh\ndocker run x\n", 23);
	char exe[512];
	snprintf(exe, sizeof(exe), "%s/t/run", root);
	assert_int_equal(chmod(exe, 0755), 0);
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/t", root);
	const char *paths[] = {sub};
	struct plm_discover_list one = {0}, many = {0};
	struct plm_discover_options o = {.jobs = 1};
	assert_int_equal(plm_discover(paths, 1, &o, &one), 0);
	o.jobs = 4;
	assert_int_equal(plm_discover(paths, 1, &o, &many), 0);
	assert_int_equal(one.count, 302);
	assert_int_equal(many.count, one.count);
	size_t notes = 0;
	for (size_t i = 0; i < one.count; i++) {
		const struct plm_discovered *a = &one.items[i],
					    *b = &many.items[i];
		assert_string_equal(a->path, b->path);
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->problem == NULL, b->problem == NULL);
		if (i == 0) {
			/* a template: a note at once, never read */
			assert_string_equal(b->skip_code, "discover/template");
		} else if (a->problem != NULL) {
			assert_string_equal(a->problem, b->problem);
			assert_string_equal(a->skip_code, "discover/binary");
			assert_string_equal(b->skip_code, "discover/binary");
			assert_false(b->identified);
			assert_int_equal(b->size, 0);
			notes++;
		} else {
			assert_true(b->identified);
			assert_int_equal(a->size, b->size);
			assert_int_equal(a->ino, b->ino);
			assert_true(b->size == 5 || b->size >= 12);
		}
	}
	assert_int_equal(notes, binary);
	assert_string_equal(one.items[1].path + strlen(sub), "/run");
	assert_null(find(&many, "/main.go"));
	plm_discover_list_finish(&one);
	plm_discover_list_finish(&many);
}

/* Paths named by the thousand have their stat()s taken on threads: the
 * same answers as one by one, and plm_discover given one of them finds
 * what it finds when it takes the stat itself (a file, a directory, a
 * path that is not there). */
static void named_paths_stat_on_threads_as_one_by_one(void **state)
{
	(void)state;
	mkdir_rel("m");
	enum { FILES = 600 };
	char *paths[FILES + 2];
	for (int i = 0; i < FILES; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "m/f%03d.Dockerfile", i);
		write_rel(rel, "FROM alpine\n##", 12 + (size_t)(i % 3));
		paths[i] = malloc(512);
		snprintf(paths[i], 512, "%s/%s", root, rel);
	}
	paths[FILES] = malloc(512);
	snprintf(paths[FILES], 512, "%s/m/not-there.yaml", root);
	paths[FILES + 1] = malloc(512);
	snprintf(paths[FILES + 1], 512, "%s/app", root);
	struct plm_discover_stat *got = calloc(FILES + 2, sizeof(*got));
	assert_non_null(got);
	plm_discover_stat_all((const char *const *)paths, FILES + 2, 4, got);
	for (int i = 0; i < FILES + 2; i++) {
		struct stat st;
		int rc = stat(paths[i], &st);
		assert_int_equal(got[i].rc, rc);
		if (rc == 0) {
			assert_int_equal(got[i].st.st_size, st.st_size);
			assert_int_equal(got[i].st.st_ino, st.st_ino);
			assert_int_equal(got[i].st.st_mode, st.st_mode);
		} else {
			assert_int_equal(got[i].err, ENOENT);
		}
	}
	const int sample[] = {0, 1, 2, FILES - 1, FILES, FILES + 1};
	for (size_t k = 0; k < sizeof(sample) / sizeof(*sample); k++) {
		const char *one[] = {paths[sample[k]]};
		struct plm_discover_options o = {0};
		struct plm_discover_list a = {0}, b = {0};
		assert_int_equal(plm_discover(one, 1, &o, &a), 0);
		o.named = &got[sample[k]];
		assert_int_equal(plm_discover(one, 1, &o, &b), 0);
		assert_true(a.count >= 1);
		assert_int_equal(a.count, b.count);
		for (size_t i = 0; i < a.count; i++) {
			assert_string_equal(a.items[i].path, b.items[i].path);
			assert_int_equal(a.items[i].problem == NULL,
				b.items[i].problem == NULL);
			if (a.items[i].problem != NULL) {
				assert_string_equal(a.items[i].problem,
					b.items[i].problem);
			}
			assert_int_equal(a.items[i].size, b.items[i].size);
			assert_int_equal(a.items[i].ino, b.items[i].ino);
			assert_int_equal(a.items[i].identified,
				b.items[i].identified);
		}
		if (sample[k] == FILES) {
			assert_non_null(
				strstr(b.items[0].problem, "No such file"));
		}
		plm_discover_list_finish(&a);
		plm_discover_list_finish(&b);
	}
	for (int i = 0; i < FILES + 2; i++) {
		free(paths[i]);
	}
	free(got);
}

static void unreadable_candidate_is_a_note(void **state)
{
	(void)state;
	if (geteuid() == 0) {
		skip(); /* root reads a chmod 000 file */
	}
	mkdir_rel("u");
	write_rel("u/Dockerfile", "FROM x\n", 7);
	char path[512];
	snprintf(path, sizeof(path), "%s/u/Dockerfile", root);
	assert_int_equal(chmod(path, 0), 0);
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/u", root);
	const char *paths[] = {sub};
	struct plm_discover_options o = {0};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 1, &o, &l), 0);
	noted(&l, "/u/Dockerfile", "discover/unreadable");
	plm_discover_list_finish(&l);
	assert_int_equal(chmod(path, 0644), 0);
}

/* Each level holds two links to the next: 2^depth paths, one real
 * directory per level. Following links walks each real directory once. */
static void symlink_diamonds_walk_each_directory_once(void **state)
{
	(void)state;
	char base[512], dir[600], link[700], target[600];
	snprintf(base, sizeof(base), "%s/diamond", root);
	assert_int_equal(mkdir(base, 0755), 0);
	enum { LEVELS = 24 };
	for (int i = 0; i <= LEVELS; i++) {
		snprintf(dir, sizeof(dir), "%s/l%02d", base, i);
		assert_int_equal(mkdir(dir, 0755), 0);
		snprintf(link, sizeof(link), "%s/Dockerfile", dir);
		FILE *f = fopen(link, "w");
		assert_non_null(f);
		fputs("FROM scratch\n", f);
		fclose(f);
	}
	for (int i = 0; i < LEVELS; i++) {
		snprintf(target, sizeof(target), "%s/l%02d", base, i + 1);
		for (int k = 0; k < 2; k++) {
			snprintf(link, sizeof(link), "%s/l%02d/%c", base, i,
				'a' + k);
			assert_int_equal(symlink(target, link), 0);
		}
	}
	snprintf(dir, sizeof(dir), "%s/l00", base);
	const char *paths[] = {dir};
	struct plm_discover_options follow = {.follow_symlinks = true};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 1, &follow, &l), 0);
	/* One Dockerfile per level: l00's own, then a/ (l01), a/a/ (l02)... */
	assert_int_equal(l.count, LEVELS + 1);
	for (size_t i = 0; i < l.count; i++) {
		assert_null(l.items[i].problem);
		assert_null(strstr(l.items[i].path, "/b/"));
	}
	plm_discover_list_finish(&l);
	snprintf(link, sizeof(link), "rm -rf %s", base);
	assert_int_equal(system(link), 0);
}

static void links_out_of_the_tree_are_notes_unless_followed(void **state)
{
	(void)state;
	char outside[] = "/tmp/plm-discover-out-XXXXXX";
	assert_non_null(mkdtemp(outside));
	char path[600], link[512];
	snprintf(path, sizeof(path), "%s/Dockerfile", outside);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("FROM x\n", f);
	fclose(f);
	mkdir_rel("s");
	snprintf(link, sizeof(link), "%s/s/Dockerfile", root);
	assert_int_equal(symlink(path, link), 0);
	snprintf(link, sizeof(link), "%s/s/elsewhere", root);
	assert_int_equal(symlink(outside, link), 0);
	/* a link inside the tree is read */
	snprintf(link, sizeof(link), "%s/s/Dockerfile.same", root);
	assert_int_equal(symlink("../app/Dockerfile", link), 0);
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/s", root);
	const char *paths[] = {sub};
	struct plm_discover_options o = {0};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(paths, 1, &o, &l), 0);
	/* the walked directory is s/: app/ is outside it */
	noted(&l, "/s/Dockerfile", "discover/symlink-outside");
	noted(&l, "/s/Dockerfile.same", "discover/symlink-outside");
	noted(&l, "/s/elsewhere", "discover/symlink-outside");
	assert_int_equal(l.count, 3);
	plm_discover_list_finish(&l);

	const char *whole[] = {root};
	assert_int_equal(plm_discover(whole, 1, &o, &l), 0);
	assert_null(find(&l, "/s/Dockerfile.same")->problem);
	noted(&l, "/s/Dockerfile", "discover/symlink-outside");
	plm_discover_list_finish(&l);

	struct plm_discover_options follow = {.follow_symlinks = true};
	assert_int_equal(plm_discover(paths, 1, &follow, &l), 0);
	assert_null(find(&l, "/s/Dockerfile")->problem);
	assert_null(find(&l, "/s/elsewhere/Dockerfile")->problem);
	plm_discover_list_finish(&l);

	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s/s", outside, root);
	assert_int_equal(system(cmd), 0);
}

/* --filter-named: files named are judged as a walk of their directory
 * judges them. */
static void filter_named_judges_named_files_as_a_walk_does(void **state)
{
	(void)state;
	mkdir_rel("f");
	mkdir_rel("f/node_modules");
	write_rel("f/Dockerfile", "FROM x\n", 7);
	write_rel("f/Dockerfile.md", "# FROM x\n", 9);
	write_rel("f/Dockerfile.j2", "FROM {{ x }}\n", 13);
	write_rel("f/main.go", "package main\n", 13);
	write_rel("f/ci.yml", "on: push\n", 9);
	write_rel("f/Dockerfile.bin", "FROM x\n\0\1\2", 10);
	write_rel("f/node_modules/Dockerfile", "FROM x\n", 7);
	const char *names[] = {"f/Dockerfile", "f/Dockerfile.md",
		"f/Dockerfile.j2", "f/main.go", "f/ci.yml", "f/Dockerfile.bin",
		"f/node_modules/Dockerfile"};
	char paths[7][512];
	const char *argv[7];
	for (int i = 0; i < 7; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", root, names[i]);
		argv[i] = paths[i];
	}
	struct plm_discover_options o = {.filter_named = true};
	struct plm_discover_list l = {0};
	assert_int_equal(plm_discover(argv, 7, &o, &l), 0);
	const struct plm_discovered *d = find(&l, "/f/Dockerfile");
	assert_non_null(d);
	assert_int_equal(d->kind, PLM_KIND_DOCKERFILE);
	assert_false(d->explicit);
	/* YAML is kept, for its content to decide (not explicit: nothing
	 * said when it is no manifest) */
	assert_non_null(find(&l, "/f/ci.yml"));
	assert_false(find(&l, "/f/ci.yml")->explicit);
	/* notes as in a walk */
	noted(&l, "/f/Dockerfile.j2", "discover/template");
	noted(&l, "/f/Dockerfile.bin", "discover/binary");
	/* Markdown is kept for its content to decide (read as command
	 * lines only when it runs a container), never as a Dockerfile */
	assert_non_null(find(&l, "/f/Dockerfile.md"));
	assert_false(find(&l, "/f/Dockerfile.md")->explicit);
	assert_int_not_equal(find(&l, "/f/Dockerfile.md")->kind,
		PLM_KIND_DOCKERFILE);
	/* passed over as in a walk */
	assert_null(find(&l, "/f/main.go"));
	assert_null(find(&l, "/node_modules/Dockerfile"));
	assert_int_equal(l.count, 5);
	plm_discover_list_finish(&l);

	/* without it, every file named is read */
	o.filter_named = false;
	assert_int_equal(plm_discover(argv, 7, &o, &l), 0);
	assert_int_equal(l.count, 7);
	assert_true(find(&l, "/f/main.go")->explicit);
	plm_discover_list_finish(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			walk_finds_by_name_and_skips_vcs_and_dependencies),
		cmocka_unit_test(walk_order_is_sorted_by_name),
		cmocka_unit_test(symlink_loop_is_reported_once_when_following),
		cmocka_unit_test(symlink_diamonds_walk_each_directory_once),
		cmocka_unit_test(
			file_symlink_loop_under_a_read_name_is_a_problem_item),
		cmocka_unit_test(missing_path_becomes_a_problem_item),
		cmocka_unit_test(
			forced_kind_applies_to_every_file_named_or_walked),
		cmocka_unit_test(kind_by_name_follows_the_documented_patterns),
		cmocka_unit_test(every_dockerfile_variant_is_a_dockerfile),
		cmocka_unit_test(candidates_passed_over_are_notes_with_a_code),
		cmocka_unit_test(
			filter_named_judges_named_files_as_a_walk_does),
		cmocka_unit_test(unreadable_candidate_is_a_note),
		cmocka_unit_test(walk_on_threads_finds_the_same_list),
		cmocka_unit_test(named_paths_stat_on_threads_as_one_by_one),
		cmocka_unit_test(
			links_out_of_the_tree_are_notes_unless_followed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

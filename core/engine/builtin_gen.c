/*
 * engine/builtin_gen.c - a build-time tool: reads each built-in policy's
 * metadata with the code a scan uses (plm_lua_read_metadata, over the
 * policy's build-time dump) and writes it as C (engine/builtin.h).
 *
 *   plimsoll-builtin-metadata OUTPUT.c NAME=POLICY.lua ...
 *
 * A policy whose metadata is invalid fails the build with the message a
 * scan would have printed. Strings are written as byte arrays: the
 * descriptions are longer than the 4095 characters C promises for a
 * literal, and unsigned, for the bytes of UTF-8 past 127.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "engine/builtin.h"
#include "lua/checker.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/source.h"

struct out {
	FILE *f;
	unsigned next; /* the next symbol's number */
};

/* Writes s as a byte array and returns its symbol's number. */
static unsigned put_string(struct out *o, const char *s)
{
	unsigned n = o->next++;
	fprintf(o->f, "static const unsigned char b%u[] = {", n);
	size_t i = 0;
	for (; s[i] != '\0'; i++) {
		fprintf(o->f, "%s%u,", i % 20 == 0 ? "\n\t" : "",
			(unsigned char)s[i]);
	}
	fprintf(o->f, "%s0};\n", i % 20 == 0 ? "\n\t" : "");
	return n;
}

/* How the string written as symbol n is named in an initializer. */
#define STR "(const char *)b%u"

/* A string's name in an initializer, or NULL. */
static void ref(char *buf, size_t size, struct out *o, const char *s)
{
	if (s == NULL) {
		snprintf(buf, size, "NULL");
	} else {
		snprintf(buf, size, STR, put_string(o, s));
	}
}

/* Writes a NULL-terminated list and returns its symbol's number. */
static unsigned put_list(struct out *o, const char *const *list)
{
	size_t count = 0;
	while (list != NULL && list[count] != NULL) {
		count++;
	}
	unsigned *items = plm_malloc((count ? count : 1) * sizeof(*items));
	if (items == NULL) {
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		items[i] = put_string(o, list[i]);
	}
	unsigned n = o->next++;
	fprintf(o->f, "static const char *const l%u[] = {", n);
	for (size_t i = 0; i < count; i++) {
		fprintf(o->f, STR ", ", items[i]);
	}
	fprintf(o->f, "NULL};\n");
	plm_free(items);
	return n;
}

/* Writes the settings declarations; their symbol's number, or 0 for
 * none. */
static unsigned put_settings(struct out *o, const struct plm_lua_metadata *m)
{
	if (m->setting_count == 0) {
		return 0;
	}
	char(*names)[3][40] = plm_malloc(m->setting_count * sizeof(*names));
	if (names == NULL) {
		return 0;
	}
	for (size_t i = 0; i < m->setting_count; i++) {
		const struct plm_setting_decl *d = &m->settings[i];
		ref(names[i][0], sizeof(names[i][0]), o, d->name);
		ref(names[i][1], sizeof(names[i][1]), o, d->description);
		if (d->type == PLM_SETTING_STRING) {
			ref(names[i][2], sizeof(names[i][2]), o,
				d->fallback.string);
		} else if (d->type == PLM_SETTING_LIST) {
			snprintf(names[i][2], sizeof(names[i][2]), "l%u",
				put_list(o, d->fallback.list));
		}
	}
	unsigned n = o->next++;
	fprintf(o->f, "static const struct plm_setting_decl d%u[] = {\n", n);
	for (size_t i = 0; i < m->setting_count; i++) {
		const struct plm_setting_decl *d = &m->settings[i];
		const char *type = d->type == PLM_SETTING_STRING ? "STRING"
			: d->type == PLM_SETTING_INT             ? "INT"
			: d->type == PLM_SETTING_BOOL            ? "BOOL"
								 : "LIST";
		fprintf(o->f,
			"\t{%s, PLM_SETTING_%s, {%s, %lld, %s, %s}, %s},\n",
			names[i][0], type,
			d->type == PLM_SETTING_STRING ? names[i][2] : "NULL",
			d->fallback.integer,
			d->fallback.boolean ? "true" : "false",
			d->type == PLM_SETTING_LIST ? names[i][2] : "NULL",
			names[i][1]);
	}
	fprintf(o->f, "};\n");
	plm_free(names);
	return n;
}

static void put_metadata(struct out *o, const char *name, uint64_t hash,
	size_t len, const struct plm_lua_metadata *m, unsigned index)
{
	const struct plm_rule_info *r = &m->info;
	char id[40], title[40], description[40], help[40], precision[40],
		folder[40];
	ref(folder, sizeof(folder), o, name);
	ref(id, sizeof(id), o, r->id);
	ref(title, sizeof(title), o, r->title);
	ref(description, sizeof(description), o, r->description);
	ref(help, sizeof(help), o, r->help_uri);
	ref(precision, sizeof(precision), o, r->precision);
	unsigned tags = put_list(o, r->tags);
	unsigned aliases = put_list(o, r->aliases);
	unsigned applies = put_list(o, r->applies_to);
	unsigned settings = put_settings(o, m);
	char decls[24] = "NULL";
	if (settings != 0) {
		snprintf(decls, sizeof(decls), "d%u", settings);
	}
	fprintf(o->f,
		"static const struct plm_builtin_metadata m%u = {\n"
		"\t%s, 0x%" PRIx64 "ULL, %zu,\n"
		"\t{.id = %s, .title = %s, .description = %s,\n"
		"\t\t.help_uri = %s, .severity = %d, .tags = l%u,\n"
		"\t\t.aliases = l%u, .applies_to = l%u, .precision = %s},\n"
		"\t%s, %s, %zu,\n"
		"};\n\n",
		index, folder, hash, len, id, title, description, help,
		(int)r->severity, tags, aliases, applies, precision,
		m->project ? "true" : "false", decls, m->setting_count);
}

/* The directory `require` reads for a policy at ROOT/NAME/policy.lua:
 * ROOT/lib when there is one, as the engine gives built-in policies. */
static const char *lib_dir(struct plm_arena *a, const char *path)
{
	char *root = plm_arena_strdup(a, path);
	for (int up = 0; up < 2 && root != NULL; up++) {
		char *slash = strrchr(root, '/');
		if (slash == NULL) {
			return NULL;
		}
		*slash = '\0';
	}
	char *lib = root != NULL ? plm_arena_printf(a, "%s/lib", root) : NULL;
	struct stat st;
	return lib != NULL && stat(lib, &st) == 0 && S_ISDIR(st.st_mode) ? lib
									 : NULL;
}

/* Reads one policy's metadata and writes it; 0, or 1 with the error on
 * stderr. */
static int one(struct out *o, struct plm_lua *host, struct plm_arena *a,
	const char *name, const char *path, unsigned index)
{
	char *text = NULL;
	size_t len = 0;
	int rc = plm_file_read(path, 0, &text, &len);
	if (rc != 0) {
		fprintf(stderr, "builtin-metadata: cannot read %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	struct plm_lua_chunk chunk = {
		.chunkname = plm_arena_printf(a, "@%s", path),
		.text = text,
		.text_len = len,
		.lib_dir = lib_dir(a, path),
		.reuse = true,
		.precompiled = plm_lua_precompiled_find(name, text, len),
	};
	struct plm_lua_limits lim = {PLM_LUA_DEFAULT_MEMORY,
		PLM_LUA_DEFAULT_INSTRUCTIONS, PLM_LUA_DEFAULT_SECONDS};
	struct plm_lua_metadata meta;
	struct plm_lua_failure fail;
	if (chunk.chunkname == NULL ||
		plm_lua_read_metadata(host, &chunk, &lim, a, &meta, &fail) !=
			PLM_LUA_OK) {
		fprintf(stderr, "builtin-metadata: %s: invalid policy: %s\n",
			path,
			chunk.chunkname == NULL ? "out of memory"
						: fail.message);
		plm_free(text);
		return 1;
	}
	/* The hash of the dump's text: a policy with no dump (none can be
	 * made here) gets 0, which no scan matches. */
	put_metadata(o, name,
		chunk.precompiled != NULL
			? plm_lua_precompiled_hash(chunk.precompiled)
			: 0,
		len, &meta, index);
	plm_free(text);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s OUTPUT.c [NAME=POLICY.lua ...]\n",
			argv[0]);
		return 2;
	}
	struct out o = {fopen(argv[1], "w"), 1};
	struct plm_arena *a = plm_arena_create(0);
	struct plm_lua *host = NULL;
	if (o.f == NULL || a == NULL || plm_lua_create(&host) != 0) {
		fprintf(stderr, "builtin-metadata: cannot start (%s)\n",
			argv[1]);
		return 1;
	}
	fprintf(o.f,
		"/* Generated by core/engine/builtin_gen.c: do not edit. */\n"
		"#include <stddef.h>\n"
		"#include \"engine/builtin.h\"\n\n");
	int failed = 0;
	unsigned count = 0;
	for (int i = 2; i < argc && !failed; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL) {
			fprintf(stderr,
				"builtin-metadata: %s is not NAME=PATH\n",
				argv[i]);
			failed = 1;
			break;
		}
		*eq = '\0';
		failed |= one(&o, host, a, argv[i], eq + 1, count++);
	}
	fprintf(o.f,
		"const struct plm_builtin_metadata *const "
		"plm_builtin_metadata[] = {\n");
	for (unsigned i = 0; i < count && !failed; i++) {
		fprintf(o.f, "\t&m%u,\n", i);
	}
	fprintf(o.f, "\tNULL,\n};\n");
	plm_lua_destroy(host);
	plm_arena_destroy(a);
	if (fclose(o.f) != 0 || failed) {
		remove(argv[1]);
		return 1;
	}
	return 0;
}

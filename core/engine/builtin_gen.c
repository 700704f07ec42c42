/*
 * engine/builtin_gen.c - a build-time tool: reads each built-in policy's
 * metadata with the code a scan uses (plm_lua_read_metadata, over the
 * policy's build-time dump) and writes it as C (engine/builtin.h).
 *
 *   plimsoll-builtin-metadata OUTPUT.c NAME=POLICY.lua ...
 *
 * A policy whose metadata is invalid fails the build with the message a
 * scan would have printed. Each entry is one initializer whose strings,
 * lists and settings are compound literals (static at file scope);
 * strings are written as byte arrays: the descriptions are longer than
 * the 4095 characters C promises for a string literal, and unsigned, for
 * the bytes of UTF-8 past 127.
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

/* Writes s as an expression: a NUL-terminated byte array (a compound
 * literal, static at file scope), or NULL. */
static void put_string(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("NULL", f);
		return;
	}
	fputs("(const char *)(const unsigned char[]){", f);
	for (size_t i = 0; s[i] != '\0'; i++) {
		fprintf(f, "%s%u,", i % 20 == 0 ? "\n\t\t" : "",
			(unsigned char)s[i]);
	}
	fputs("0}", f);
}

/* Writes a NULL-terminated list of strings as an expression. */
static void put_list(FILE *f, const char *const *list)
{
	fputs("(const char *const[]){", f);
	for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
		put_string(f, list[i]);
		fputs(", ", f);
	}
	fputs("NULL}", f);
}

/* Writes the settings declarations as an expression, or NULL. */
static void put_settings(FILE *f, const struct plm_lua_metadata *m)
{
	if (m->setting_count == 0) {
		fputs("NULL", f);
		return;
	}
	static const char *const types[] = {
		[PLM_SETTING_STRING] = "STRING",
		[PLM_SETTING_INT] = "INT",
		[PLM_SETTING_BOOL] = "BOOL",
		[PLM_SETTING_LIST] = "LIST",
	};
	fputs("(const struct plm_setting_decl[]){", f);
	for (size_t i = 0; i < m->setting_count; i++) {
		const struct plm_setting_decl *d = &m->settings[i];
		fputs("\n\t\t{", f);
		put_string(f, d->name);
		fprintf(f, ", PLM_SETTING_%s, {", types[d->type]);
		put_string(f,
			d->type == PLM_SETTING_STRING ? d->fallback.string
						      : NULL);
		fprintf(f, ", %lld, %s, ", d->fallback.integer,
			d->fallback.boolean ? "true" : "false");
		if (d->type == PLM_SETTING_LIST) {
			put_list(f, d->fallback.list);
		} else {
			fputs("NULL", f);
		}
		fputs("}, ", f);
		put_string(f, d->description);
		fputs("},", f);
	}
	fputs("}", f);
}

/* Writes one policy's entry as the static m<index>. */
static void put_metadata(FILE *f, const char *name, uint64_t hash, size_t len,
	const struct plm_lua_metadata *m, unsigned index)
{
	const struct plm_rule_info *r = &m->info;
	fprintf(f, "static const struct plm_builtin_metadata m%u = {\n\t",
		index);
	put_string(f, name);
	fprintf(f, ", 0x%" PRIx64 "ULL, %zu,\n\t{.id = ", hash, len);
	put_string(f, r->id);
	fputs(",\n\t.title = ", f);
	put_string(f, r->title);
	fputs(",\n\t.description = ", f);
	put_string(f, r->description);
	fputs(",\n\t.help_uri = ", f);
	put_string(f, r->help_uri);
	fprintf(f, ",\n\t.severity = %d,\n\t.tags = ", (int)r->severity);
	put_list(f, r->tags);
	fputs(",\n\t.aliases = ", f);
	put_list(f, r->aliases);
	fputs(",\n\t.applies_to = ", f);
	put_list(f, r->applies_to);
	fputs(",\n\t.precision = ", f);
	put_string(f, r->precision);
	fprintf(f, "},\n\t%s, ", m->project ? "true" : "false");
	put_settings(f, m);
	fprintf(f, ", %zu,\n\t{%s, 0x%" PRIx32 "u, ", m->setting_count,
		m->needs.containers ? "true" : "false", m->needs.instructions);
	if (m->needs.mentions != NULL) {
		put_list(f, m->needs.mentions);
	} else {
		fputs("NULL", f);
	}
	fputs("},\n};\n\n", f);
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
static int one(FILE *out, struct plm_lua *host, struct plm_arena *a,
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
	struct plm_lua_limits lim = {.memory = PLM_LUA_DEFAULT_MEMORY,
		.instructions = PLM_LUA_DEFAULT_INSTRUCTIONS,
		.seconds = PLM_LUA_DEFAULT_SECONDS};
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
	put_metadata(out, name,
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
	FILE *out = fopen(argv[1], "w");
	struct plm_arena *a = plm_arena_create(0);
	struct plm_lua *host = NULL;
	if (out == NULL || a == NULL || plm_lua_create(&host) != 0) {
		fprintf(stderr, "builtin-metadata: cannot start (%s)\n",
			argv[1]);
		return 1;
	}
	fprintf(out,
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
		failed |= one(out, host, a, argv[i], eq + 1, count++);
	}
	fprintf(out,
		"const struct plm_builtin_metadata *const "
		"plm_builtin_metadata[] = {\n");
	for (unsigned i = 0; i < count && !failed; i++) {
		fprintf(out, "\t&m%u,\n", i);
	}
	fprintf(out, "\tNULL,\n};\n");
	plm_lua_destroy(host);
	plm_arena_destroy(a);
	if (fclose(out) != 0 || failed) {
		remove(argv[1]);
		return 1;
	}
	return 0;
}

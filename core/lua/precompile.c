/*
 * lua/precompile.c - a build-time tool: compiles the helper library and
 * the built-in policies with the Lua the build links, and writes them as
 * C arrays (lua/precompiled.h says how they are used).
 *
 *   plimsoll-precompile OUTPUT.c HELPER.lua [NAME=POLICY.lua ...]
 *
 * Each policy is compiled under the chunk name PLM_PRECOMPILED_NAME, which
 * the engine replaces with the file's real path when it loads the dump;
 * its source's hash and length are written beside it, so a policy file
 * changed after the build is compiled from its text again.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lua/precompiled.h"

/* How long after a file's last change its time is trusted to tell the
 * next change (see main). */
#define RACY_SECONDS 2

struct buffer {
	unsigned char *data;
	size_t len, cap;
};

static int collect(lua_State *L, const void *p, size_t size, void *ud)
{
	(void)L;
	struct buffer *b = ud;
	if (b->len + size > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + size) {
			cap *= 2;
		}
		unsigned char *grown = realloc(b->data, cap);
		if (grown == NULL) {
			return 1;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, size);
	b->len += size;
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *text = malloc(cap);
	size_t got;
	while (text != NULL && (got = fread(text + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *grown = realloc(text, cap * 2);
			if (grown == NULL) {
				free(text);
				text = NULL;
			}
			text = grown;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return text;
}

/*
 * Dropping the names of locals and upvalues from a dump.
 *
 * A state loading a dump interns every string in it, and half of the
 * strings of the helper library and the built-in policies are those
 * names: debug information that only names variables in error messages
 * ("local 'x'"). Line numbers stay, so a built-in policy's error or
 * profile still says where. lua_dump can only strip all of it or none,
 * so the dump is rewritten here: its layout (Lua 5.4's lundump.c) is
 * walked, and each function's local and upvalue name lists are written
 * empty. Anything not as expected keeps the whole dump.
 */
struct walk {
	const unsigned char *in;
	size_t len, at;
	struct buffer *out;
	size_t int_size, num_size, ins_size;
	bool bad;
};

/* lundump's size: 7-bit groups, most significant first, the last one
 * marked with 0x80. */
static size_t walk_size(struct walk *w)
{
	size_t x = 0;
	for (int n = 0; n < 10; n++) {
		if (w->at >= w->len) {
			break;
		}
		unsigned char b = w->in[w->at++];
		x = (x << 7) | (b & 0x7f);
		if (b & 0x80) {
			return x;
		}
	}
	w->bad = true;
	return 0;
}

static void walk_skip(struct walk *w, size_t n)
{
	if (n > w->len - w->at) {
		w->bad = true;
		w->at = w->len;
	} else {
		w->at += n;
	}
}

/* Copies what was walked since `from` to the output. */
static void walk_copy(struct walk *w, size_t from)
{
	if (!w->bad && collect(NULL, w->in + from, w->at - from, w->out)) {
		w->bad = true;
	}
}

static void walk_string(struct walk *w)
{
	size_t n = walk_size(w);
	if (n > 0) {
		walk_skip(w, n - 1);
	}
}

static void walk_function(struct walk *w, int depth)
{
	if (depth > 200) {
		w->bad = true;
		return;
	}
	size_t from = w->at;
	walk_string(w);  /* source */
	walk_size(w);    /* linedefined */
	walk_size(w);    /* lastlinedefined */
	walk_skip(w, 3); /* numparams, is_vararg, maxstacksize */
	size_t n = walk_size(w);
	walk_skip(w, n * w->ins_size); /* code */
	n = walk_size(w);              /* constants */
	for (size_t i = 0; i < n && !w->bad; i++) {
		unsigned char type = w->at < w->len ? w->in[w->at++] : 0xff;
		switch (type) {
		case 0:  /* nil */
		case 1:  /* false */
		case 17: /* true */
			break;
		case 3: /* integer */
			walk_skip(w, w->int_size);
			break;
		case 19: /* float */
			walk_skip(w, w->num_size);
			break;
		case 4:  /* short string */
		case 20: /* long string */
			walk_string(w);
			break;
		default:
			w->bad = true;
		}
	}
	n = walk_size(w);
	walk_skip(w, n * 3); /* upvalues: instack, idx, kind */
	n = walk_size(w);    /* nested functions */
	walk_copy(w, from);
	for (size_t i = 0; i < n && !w->bad; i++) {
		walk_function(w, depth + 1);
	}
	from = w->at;
	n = walk_size(w);
	walk_skip(w, n); /* line info, kept */
	n = walk_size(w);
	for (size_t i = 0; i < n && !w->bad; i++) {
		walk_size(w); /* absolute line info: pc, line */
		walk_size(w);
	}
	walk_copy(w, from);
	n = walk_size(w); /* locals: name, startpc, endpc */
	for (size_t i = 0; i < n && !w->bad; i++) {
		walk_string(w);
		walk_size(w);
		walk_size(w);
	}
	n = walk_size(w); /* upvalue names */
	for (size_t i = 0; i < n && !w->bad; i++) {
		walk_string(w);
	}
	static const unsigned char none[2] = {0x80, 0x80};
	if (!w->bad && collect(NULL, none, sizeof(none), w->out)) {
		w->bad = true;
	}
}

/* The dump without local and upvalue names in *out, or false (out left
 * empty) when the dump is not laid out as this walk expects. */
static bool drop_names(const unsigned char *dump, size_t len,
	struct buffer *out)
{
	static const unsigned char head[] = "\x1bLua\x54\x00\x19\x93\r\n\x1a\n";
	size_t head_len = sizeof(head) - 1;
	struct walk w = {.in = dump, .len = len, .out = out};
	if (len < head_len + 3 || memcmp(dump, head, head_len) != 0) {
		return false;
	}
	w.ins_size = dump[head_len];
	w.int_size = dump[head_len + 1];
	w.num_size = dump[head_len + 2];
	/* The sizes, a sample integer and float, the main upvalue count. */
	w.at = head_len + 3;
	walk_skip(&w, w.int_size + w.num_size + 1);
	walk_copy(&w, 0);
	walk_function(&w, 0);
	if (w.bad || w.at != len) {
		free(out->data);
		*out = (struct buffer){0};
		return false;
	}
	return true;
}

static void write_bytes(FILE *out, const char *symbol,
	const unsigned char *data, size_t len)
{
	fprintf(out, "static const unsigned char %s[] = {", symbol);
	for (size_t i = 0; i < len; i++) {
		fprintf(out, "%s%u,", i % 20 == 0 ? "\n\t" : "", data[i]);
	}
	fprintf(out, "\n};\n");
}

/* Compiles path's text under chunkname and writes the dump as symbol.
 * Returns 0, or 1 with the error on stderr. */
static int compile(lua_State *L, FILE *out, const char *path,
	const char *chunkname, const char *symbol, uint64_t *hash,
	size_t *text_len, size_t *dump_len)
{
	size_t len = 0;
	char *text = read_file(path, &len);
	if (text == NULL) {
		fprintf(stderr, "precompile: cannot read %s\n", path);
		return 1;
	}
	struct buffer b = {0};
	int rc = luaL_loadbufferx(L, text, len, chunkname, "t");
	if (rc != LUA_OK) {
		fprintf(stderr, "precompile: %s: %s\n", path,
			lua_tostring(L, -1));
		free(text);
		return 1;
	}
	*hash = plm_precompiled_hash(text, len);
	*text_len = len;
	free(text);
	if (lua_dump(L, collect, &b, 0) != 0 || b.data == NULL) {
		fprintf(stderr, "precompile: cannot dump %s\n", path);
		free(b.data);
		return 1;
	}
	lua_pop(L, 1);
	/* Kept only if this Lua loads it back. */
	struct buffer lean = {0};
	if (drop_names(b.data, b.len, &lean)) {
		if (luaL_loadbufferx(L, (const char *)lean.data, lean.len,
			    chunkname, "b") == LUA_OK) {
			free(b.data);
			b = lean;
		} else {
			free(lean.data);
		}
		lua_pop(L, 1);
	}
	write_bytes(out, symbol, b.data, b.len);
	*dump_len = b.len;
	free(b.data);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr,
			"usage: %s OUTPUT.c HELPER.lua "
			"[NAME=POLICY.lua ...]\n",
			argv[0]);
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	lua_State *L = luaL_newstate();
	if (out == NULL || L == NULL) {
		fprintf(stderr, "precompile: cannot write %s\n", argv[1]);
		return 1;
	}
	int failed = 0;
	uint64_t hash;
	size_t text_len, dump_len;
	fprintf(out,
		"/* Generated by core/lua/precompile.c: do not edit. */\n"
		"#include \"lua/precompiled.h\"\n\n");
	failed |= compile(L, out, argv[2], "=plimsoll", "helper", &hash,
		&text_len, &dump_len);
	fprintf(out,
		"const struct plm_precompiled plm_precompiled_helper = "
		"{\"plimsoll\", helper, %zu, 0x%llxULL, %zu, 0, 0};\n\n",
		dump_len, (unsigned long long)hash, text_len);
	size_t count = 0;
	for (int i = 3; i < argc && !failed; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL) {
			fprintf(stderr, "precompile: %s is not NAME=PATH\n",
				argv[i]);
			failed = 1;
			break;
		}
		*eq = '\0';
		/* plm_lua_precompiled_find looks names up by bisection. */
		if (i > 3 && strcmp(argv[i - 1], argv[i]) >= 0) {
			fprintf(stderr,
				"precompile: %s is listed after %s: the "
				"policies must come in byte order\n",
				argv[i], argv[i - 1]);
			failed = 1;
			break;
		}
		char symbol[32];
		snprintf(symbol, sizeof(symbol), "policy%d", i - 3);
		/* The time the file had when compiled: a scan that finds the
		 * same size and time does not read it (precompiled.h). Not
		 * kept when the file changed while it was read, nor when it
		 * changed in the last few seconds: a file system stamps times
		 * from a clock that moves a few milliseconds at a time, so a
		 * second change that soon could keep the first one's time
		 * (git calls such an entry racy). */
		struct stat before, after;
		bool timed = stat(eq + 1, &before) == 0;
		failed |= compile(L, out, eq + 1, "@" PLM_PRECOMPILED_NAME,
			symbol, &hash, &text_len, &dump_len);
		struct timespec now;
		long long sec = 0, nsec = 0;
		if (timed && stat(eq + 1, &after) == 0 &&
			clock_gettime(CLOCK_REALTIME, &now) == 0 &&
			now.tv_sec - after.st_mtim.tv_sec >= RACY_SECONDS &&
			(size_t)after.st_size == text_len &&
			before.st_size == after.st_size &&
			before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
			before.st_mtim.tv_nsec == after.st_mtim.tv_nsec) {
			sec = (long long)after.st_mtim.tv_sec;
			nsec = (long long)after.st_mtim.tv_nsec;
		}
		fprintf(out,
			"static const struct plm_precompiled entry%d = "
			"{\"%s\", %s, %zu, 0x%llxULL, %zu, %lld, %lld};\n",
			i - 3, argv[i], symbol, dump_len,
			(unsigned long long)hash, text_len, sec, nsec);
		count++;
	}
	fprintf(out,
		"\nconst struct plm_precompiled *const "
		"plm_precompiled_policies[] = {\n");
	for (size_t i = 0; i < count; i++) {
		fprintf(out, "\t&entry%zu,\n", i);
	}
	fprintf(out, "\tNULL,\n};\n");
	lua_close(L);
	if (fclose(out) != 0 || failed) {
		remove(argv[1]);
		return 1;
	}
	return 0;
}

/*
 * lua/precompiled.c - finding a built-in policy's build-time dump, and
 * loading a policy's chunk from the best form it has: that dump under the
 * file's path, a dump made at run time, or the text.
 */
#include "lua/checker.h"

#include <string.h>
#include <sys/stat.h>
#include "lua/internal.h"
#include "lua/precompiled.h"
#include "util/alloc.h"
#include "util/source.h"
#include <lauxlib.h>

/* The dump of the policy in folder, whatever its file holds now. */
static const struct plm_precompiled *by_folder(const char *folder)
{
	/* The table is in byte order of names (the build checks). */
	size_t lo = 0, hi = 0;
	while (plm_precompiled_policies[hi] != NULL) {
		hi++;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct plm_precompiled *e = plm_precompiled_policies[mid];
		int order = strcmp(e->name, folder);
		if (order == 0) {
			return e;
		}
		if (order < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

const struct plm_precompiled *plm_lua_precompiled_find(const char *folder,
	const char *text, size_t len)
{
	const struct plm_precompiled *e = by_folder(folder);
	return e != NULL && e->text_len == len &&
			e->hash == plm_precompiled_hash(text, len)
		? e
		: NULL;
}

const struct plm_precompiled *plm_lua_precompiled_unchanged(const char *folder,
	const struct stat *st)
{
	const struct plm_precompiled *e = by_folder(folder);
	if (e == NULL || e->mtime_nsec == 0 || !S_ISREG(st->st_mode) ||
		(uint64_t)st->st_size != (uint64_t)e->text_len ||
		(int64_t)st->st_mtim.tv_sec != e->mtime_sec ||
		(int64_t)st->st_mtim.tv_nsec != e->mtime_nsec) {
		return NULL;
	}
	return e;
}

uint64_t plm_lua_precompiled_hash(const struct plm_precompiled *e)
{
	return e->hash;
}

/* A string's size as lua_dump writes it: (length + 1) in 7-bit groups,
 * the most significant first, the last one marked with 0x80. Returns the
 * bytes written to out (at most 10). */
static size_t encode_size(size_t n, unsigned char *out)
{
	unsigned char groups[10];
	size_t count = 0;
	do {
		groups[count++] = (unsigned char)(n & 0x7f);
		n >>= 7;
	} while (n != 0 && count < sizeof(groups));
	for (size_t i = 0; i < count; i++) {
		out[i] = groups[count - 1 - i];
	}
	out[count - 1] |= 0x80;
	return count;
}

/* A build-time dump read with the chunk name replaced, without a copy:
 * the header, the new name's size and bytes, then the rest. */
struct splice {
	const char *piece[4];
	size_t len[4];
	int next;
};

static const char *splice_read(lua_State *L, void *ud, size_t *size)
{
	(void)L;
	struct splice *s = ud;
	while (s->next < 4 && s->len[s->next] == 0) {
		s->next++;
	}
	if (s->next == 4) {
		*size = 0;
		return NULL;
	}
	*size = s->len[s->next];
	return s->piece[s->next++];
}

static int load_precompiled(lua_State *L, const struct plm_precompiled *e,
	const char *chunkname)
{
	static const char old[] = "@" PLM_PRECOMPILED_NAME;
	unsigned char mark[10];
	size_t mark_len = encode_size(sizeof(old), mark);
	/* The main function's source follows the header and the upvalue
	 * count (32 bytes in Lua 5.4); looked for, not assumed. */
	size_t at = 0;
	bool found = false;
	for (; at + mark_len + sizeof(old) - 1 <= e->dump_len && at < 64;
		at++) {
		if (memcmp(e->dump + at, mark, mark_len) == 0 &&
			memcmp(e->dump + at + mark_len, old, sizeof(old) - 1) ==
				0) {
			found = true;
			break;
		}
	}
	if (!found) {
		lua_pushliteral(L, "the dump has another layout");
		return LUA_ERRSYNTAX;
	}
	unsigned char size[10];
	size_t name_len = strlen(chunkname);
	size_t rest = at + mark_len + sizeof(old) - 1;
	struct splice s = {
		.piece = {(const char *)e->dump, (const char *)size, chunkname,
			(const char *)e->dump + rest},
		.len = {at, encode_size(name_len + 1, size), name_len,
			e->dump_len - rest},
	};
	return lua_load(L, splice_read, &s, chunkname, "b");
}

/* The text of a precompiled policy whose dump this Lua refused, read
 * again from its file (the chunk name is "@" and the path). */
static int load_file_text(lua_State *L, const struct plm_lua_chunk *c)
{
	char *text = NULL;
	size_t len = 0;
	if (c->chunkname[0] != '@' ||
		plm_file_read(c->chunkname + 1, 0, &text, &len) != 0) {
		lua_pushfstring(L, "%s: cannot read the policy again",
			c->chunkname + 1);
		return LUA_ERRFILE;
	}
	int rc = luaL_loadbufferx(L, text, len, c->chunkname, "t");
	plm_free(text);
	return rc;
}

int plm_lua_load_chunk(lua_State *L, const struct plm_lua_chunk *c,
	bool *parsed)
{
	*parsed = false;
	if (c->precompiled != NULL) {
		if (load_precompiled(L, c->precompiled, c->chunkname) ==
			LUA_OK) {
			return LUA_OK;
		}
		lua_pop(L, 1); /* a Lua that refuses the dump: the text */
	}
	if (c->bytecode != NULL) {
		return luaL_loadbufferx(L, c->bytecode, c->bytecode_len,
			c->chunkname, "b");
	}
	*parsed = true;
	if (c->text == NULL) {
		return load_file_text(L, c);
	}
	return luaL_loadbufferx(L, c->text, c->text_len, c->chunkname, "t");
}

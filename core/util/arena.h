/*
 * util/arena.h - a bump allocator for everything that lives as long as one
 * document (model nodes, strings, diagnostics).
 *
 * Ownership: the arena owns every block it hands out; plm_arena_destroy()
 * frees them all at once. An arena has a byte cap; an allocation past it
 * returns NULL and sets the `exhausted` flag, which loaders report as a
 * memory-limit diagnostic. Not thread-safe: one arena per document.
 */
#ifndef PLM_UTIL_ARENA_H
#define PLM_UTIL_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "plimsoll/error.h"

/* Default cap of one document's arena. */
#define PLM_ARENA_DEFAULT_CAP ((size_t)1 << 30)

struct plm_arena;

/* Creates an arena that will hold at most cap bytes (0: the default).
 * Returns NULL when out of memory. Free with plm_arena_destroy(). */
struct plm_arena *plm_arena_create(size_t cap);
/* The same, with a first block of first_block bytes (the default is
 * 4 KiB; blocks double from there): for the many small arenas that live
 * long, such as the project index's parts. */
struct plm_arena *plm_arena_create_sized(size_t cap, size_t first_block);
/* Frees every block and the arena itself. Accepts NULL. */
void plm_arena_destroy(struct plm_arena *arena);

/* Zeroed, max-aligned memory, or NULL at the cap / out of memory. */
static inline void *plm_arena_alloc(struct plm_arena *arena, size_t size);
/* Grows a block from plm_arena_alloc (old contents copied). */
void *plm_arena_realloc(struct plm_arena *arena, void *old, size_t old_size,
	size_t new_size);
/* A NUL-terminated copy of s[0..len). */
char *plm_arena_strndup(struct plm_arena *arena, const char *s, size_t len);
char *plm_arena_strdup(struct plm_arena *arena, const char *s);
/* printf into the arena. */
char *plm_arena_printf(struct plm_arena *arena, const char *fmt, ...)
	PLM_PRINTF(2, 3);
char *plm_arena_vprintf(struct plm_arena *arena, const char *fmt, va_list ap)
	PLM_PRINTF(2, 0);

/* True once an allocation has failed. */
bool plm_arena_exhausted(const struct plm_arena *arena);
/* Bytes handed out so far. */
size_t plm_arena_used(const struct plm_arena *arena);

/* The fast path, inline: a model is hundreds of thousands of small
 * allocations whose sizes the compiler knows, so the bump and the zeroing
 * are a few instructions where the call and a libc memset were dozens.
 * What an arena starts with (private to arena.c otherwise): the free
 * bytes of its current block; both NULL once the arena is exhausted. */
struct plm_arena_cursor {
	unsigned char *at;
	unsigned char *end;
};

#define PLM_ARENA_ALIGN _Alignof(max_align_t)

void *plm_arena_alloc_slow(struct plm_arena *arena, size_t size);
void *plm_arena_take_slow(struct plm_arena *arena, size_t size);

/* The bump itself: size bytes of the current block, or NULL when they
 * are not there (then the slow path makes a block or says why not). */
static inline void *plm_arena_bump(struct plm_arena *arena, size_t size)
{
	if (arena != NULL && size - 1 < (size_t)4096) {
		struct plm_arena_cursor *c = (struct plm_arena_cursor *)arena;
		size_t r = (size + PLM_ARENA_ALIGN - 1) &
			~(size_t)(PLM_ARENA_ALIGN - 1);
		if ((size_t)(c->end - c->at) >= r) {
			void *p = c->at;
			c->at += r;
			return p;
		}
	}
	return NULL;
}

static inline void *plm_arena_alloc(struct plm_arena *arena, size_t size)
{
	void *p = plm_arena_bump(arena, size);
	return p != NULL ? memset(p, 0, size)
			 : plm_arena_alloc_slow(arena, size);
}

/* Like plm_arena_alloc, but not zeroed: for callers that write every
 * byte of it. */
static inline void *plm_arena_take(struct plm_arena *arena, size_t size)
{
	void *p = plm_arena_bump(arena, size);
	return p != NULL ? p : plm_arena_take_slow(arena, size);
}

#endif

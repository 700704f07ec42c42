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
#include "plimsoll/error.h"

/* Default cap of one document's arena. */
#define PLM_ARENA_DEFAULT_CAP ((size_t)1 << 30)

struct plm_arena;

/* Creates an arena that will hold at most cap bytes (0: the default).
 * Returns NULL when out of memory. Free with plm_arena_destroy(). */
struct plm_arena *plm_arena_create(size_t cap);
/* Frees every block and the arena itself. Accepts NULL. */
void plm_arena_destroy(struct plm_arena *arena);

/* Zeroed, max-aligned memory, or NULL at the cap / out of memory. */
void *plm_arena_alloc(struct plm_arena *arena, size_t size);
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

#endif

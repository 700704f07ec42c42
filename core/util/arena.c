#include "util/arena.h"

#include "util/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN PLM_ARENA_ALIGN
/* Blocks start small (a per-file result holds a few strings) and double
 * up to MAX_GROWN, so a big document needs few blocks. */
#define FIRST_BLOCK ((size_t)4 * 1024)
#define MIN_BLOCK ((size_t)64 * 1024)
#define MAX_GROWN ((size_t)16 * 1024 * 1024)

struct block {
	struct block *next;
	size_t size;
	size_t used;
	_Alignas(max_align_t) unsigned char data[];
};

/* The head block's `used` is kept in the cursor (arena.h) while it is
 * the head, and written back when another block takes its place. */
struct plm_arena {
	struct plm_arena_cursor cur; /* first: the inline path reads it */
	struct block *head;
	size_t cap;
	size_t total; /* bytes of all blocks */
	size_t used;  /* bytes handed out, but the head's */
	size_t first; /* the first block's size */
	bool exhausted;
};

/* Bytes handed out of the head block. */
static size_t head_used(const struct plm_arena *arena)
{
	return arena->head != NULL ? (size_t)(arena->cur.at - arena->head->data)
				   : 0;
}

static void set_exhausted(struct plm_arena *arena)
{
	if (arena->head != NULL && !arena->exhausted) {
		arena->head->used = head_used(arena);
	}
	arena->exhausted = true;
	arena->cur.at = NULL;
	arena->cur.end = NULL;
}

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(ALIGN - 1);
}

struct plm_arena *plm_arena_create(size_t cap)
{
	return plm_arena_create_sized(cap, FIRST_BLOCK);
}

struct plm_arena *plm_arena_create_sized(size_t cap, size_t first_block)
{
	struct plm_arena *arena = plm_calloc(1, sizeof(*arena));
	if (arena == NULL) {
		return NULL;
	}
	arena->cap = cap ? cap : PLM_ARENA_DEFAULT_CAP;
	arena->first = first_block > ALIGN ? round_up(first_block) : ALIGN;
	return arena;
}

void plm_arena_destroy(struct plm_arena *arena)
{
	if (arena == NULL) {
		return;
	}
	struct block *b = arena->head;
	while (b != NULL) {
		struct block *next = b->next;
		plm_free(b);
		b = next;
	}
	plm_free(arena);
}

static struct block *new_block(struct plm_arena *arena, size_t need)
{
	size_t size = need > arena->first ? need : arena->first;
	if (arena->head != NULL) {
		arena->head->used = head_used(arena);
	}
	if (arena->head != NULL && arena->head->size * 2 > size &&
		arena->head->size * 2 <= MAX_GROWN) {
		size = arena->head->size * 2;
	}
	if (arena->total + size > arena->cap) {
		if (arena->total + need > arena->cap) {
			return NULL;
		}
		size = need;
	}
	struct block *b = plm_malloc(sizeof(*b) + size);
	if (b == NULL) {
		return NULL;
	}
	plm_alloc_mark_huge(b, sizeof(*b) + size);
	b->size = size;
	b->used = 0;
	arena->total += size;
	/* A big one-off block goes behind the head so the head keeps serving
	 * small requests. */
	if (arena->head != NULL && need > MIN_BLOCK &&
		arena->head->size - arena->head->used > MIN_BLOCK / 4) {
		b->next = arena->head->next;
		arena->head->next = b;
	} else {
		if (arena->head != NULL) {
			arena->used += arena->head->used;
		}
		b->next = arena->head;
		arena->head = b;
		arena->cur.at = b->data;
		arena->cur.end = b->data + b->size;
	}
	return b;
}

/* size bytes, not zeroed: for callers that write all of them. */
static void *alloc_raw(struct plm_arena *arena, size_t size)
{
	if (arena == NULL || arena->exhausted) {
		return NULL;
	}
	if (size == 0) {
		size = 1;
	}
	if (size > SIZE_MAX / 2) {
		set_exhausted(arena);
		return NULL;
	}
	size = round_up(size);
	if ((size_t)(arena->cur.end - arena->cur.at) >= size) {
		void *p = arena->cur.at;
		arena->cur.at += size;
		return p;
	}
	struct block *b = new_block(arena, size);
	if (b == NULL || b->used != 0 || b->size < size) {
		set_exhausted(arena);
		return NULL;
	}
	if (b != arena->head) { /* a one-off block behind the head */
		b->used = size;
		arena->used += size;
		return b->data;
	}
	arena->cur.at += size;
	return b->data;
}

void *plm_arena_take_slow(struct plm_arena *arena, size_t size)
{
	return alloc_raw(arena, size);
}

void *plm_arena_alloc_slow(struct plm_arena *arena, size_t size)
{
	void *p = alloc_raw(arena, size);
	if (p != NULL) {
		memset(p, 0, size ? size : 1);
	}
	return p;
}

void *plm_arena_realloc(struct plm_arena *arena, void *old, size_t old_size,
	size_t new_size)
{
	if (old != NULL && new_size <= old_size) {
		return old;
	}
	/* Grow in place when the block is the last one handed out. */
	if (old != NULL && arena != NULL && arena->head != NULL &&
		!arena->exhausted) {
		size_t old_rounded = round_up(old_size ? old_size : 1);
		if ((unsigned char *)old + old_rounded == arena->cur.at &&
			new_size <= SIZE_MAX / 2) {
			size_t extra = round_up(new_size) - old_rounded;
			if ((size_t)(arena->cur.end - arena->cur.at) >= extra) {
				/* from the old end: the padding of a block
				 * written with alloc_raw is not zero */
				memset((unsigned char *)old + old_size, 0,
					new_size - old_size);
				arena->cur.at += extra;
				return old;
			}
		}
	}
	if (old == NULL) {
		return plm_arena_alloc(arena, new_size);
	}
	unsigned char *p = alloc_raw(arena, new_size);
	if (p != NULL) {
		memcpy(p, old, old_size);
		memset(p + old_size, 0, new_size - old_size);
	}
	return p;
}

char *plm_arena_strndup(struct plm_arena *arena, const char *s, size_t len)
{
	if (len == SIZE_MAX) {
		return NULL;
	}
	char *p = plm_arena_take(arena, len + 1);
	if (p == NULL) {
		return NULL;
	}
	if (len > 0) {
		memcpy(p, s, len);
	}
	p[len] = '\0';
	return p;
}

char *plm_arena_strdup(struct plm_arena *arena, const char *s)
{
	return plm_arena_strndup(arena, s, strlen(s));
}

char *plm_arena_vprintf(struct plm_arena *arena, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		return NULL;
	}
	char *p = plm_arena_alloc(arena, (size_t)n + 1);
	if (p == NULL) {
		return NULL;
	}
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *plm_arena_printf(struct plm_arena *arena, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = plm_arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return p;
}

bool plm_arena_exhausted(const struct plm_arena *arena)
{
	return arena->exhausted;
}

size_t plm_arena_used(const struct plm_arena *arena)
{
	if (arena->head == NULL) {
		return arena->used;
	}
	return arena->used +
		(arena->exhausted ? arena->head->used : head_used(arena));
}

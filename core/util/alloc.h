/*
 * util/alloc.h - the one allocation funnel for heap memory outside the
 * arenas (and for the arenas' own blocks, Lua's states and jansson).
 *
 * The functions behave as their C library namesakes and are freed with
 * plm_free() (which is free(): memory from either may go to the other, so
 * a buffer a library hands back with free() semantics needs no wrapper).
 * What the funnel adds is one place where an allocation can be made to
 * fail: a test arms plm_alloc_fail_nth() and checks that every caller
 * turns the NULL into PLM_ENOMEM or a notification, never a crash.
 *
 * libyaml allocates through its own yaml_malloc() and cannot be routed
 * here; its failures reach us as a parser error, which the YAML loader
 * already reports.
 */
#ifndef PLM_UTIL_ALLOC_H
#define PLM_UTIL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* malloc(size); NULL when out of memory. */
void *plm_malloc(size_t size);
/* calloc(count, size): zeroed; NULL when out of memory or on overflow. */
void *plm_calloc(size_t count, size_t size);
/* realloc(ptr, size); on NULL, ptr is untouched and still owned. */
void *plm_realloc(void *ptr, size_t size);
/* A NUL-terminated copy of s; NULL when out of memory. */
char *plm_strdup(const char *s);
/* A NUL-terminated copy of at most len bytes of s. */
char *plm_strndup(const char *s, size_t len);
/* free(ptr). Accepts NULL. */
void plm_free(void *ptr);
/* Makes room in a growing array *items of *cap elements of `size` bytes
 * for one more after `count`, doubling it (8 at first) when full.
 * Returns 0, or PLM_ENOMEM with *items and *cap untouched. */
int plm_array_reserve(void **items, size_t *cap, size_t count, size_t size);

/* Tunes the C library's allocator for a process that allocates and frees
 * megabytes a file at a time: freed memory is kept for the next file
 * instead of going back to the system (where every page handed out again
 * costs a fault), and the main heap is marked for transparent huge pages
 * where the system gives them on request. Call once, first thing in main,
 * before any thread starts; does nothing outside glibc or under a
 * sanitizer (which brings its own allocator). */
void plm_alloc_tune(void);
/* The same for the heap of the calling thread, a worker that allocates
 * as much as the main thread: call first thing in the thread. */
void plm_alloc_tune_thread(void);
/* Asks for huge pages for a block of size bytes at p just allocated and
 * not yet written but for its first bytes (an arena's block, a large
 * file's text), when plm_alloc_tune marked the heap: past the main
 * heap's marked first 256 MiB, or in a thread's heap, each 4 KiB of a
 * large file's model is otherwise a page fault. Blocks under 4 MiB are
 * left as they are. */
void plm_alloc_mark_huge(void *p, size_t size);

/* True when an allocation jansson made on this thread failed since the
 * last call; clears the flag. json_dumps() can drop an object key whose
 * copy failed and still return text, so a caller that writes what it
 * returns asks this first. */
bool plm_alloc_json_failed(void);

/*
 * Failure injection, for tests. Compiled in every build: while disarmed
 * it costs one relaxed atomic load and a predictable branch per
 * allocation, which is nothing beside malloc itself, and it lets the
 * same binary the user runs be the one tested.
 *
 * plm_alloc_fail_nth(n) with n >= 1 arms the hook and resets the count:
 * the nth allocation from now (1-based, over every thread) returns NULL,
 * once; later ones succeed again. n == PLM_ALLOC_COUNT_ONLY counts
 * without failing; 0 disarms. Not meant to be armed while another run
 * is going on in the process.
 */
#define PLM_ALLOC_COUNT_ONLY ((unsigned long)-1)
void plm_alloc_fail_nth(unsigned long n);
/* Allocations through the funnel since the hook was armed. */
unsigned long plm_alloc_count(void);
/* True once the armed failure has been handed out. */
bool plm_alloc_failed(void);

#endif

#include "util/alloc.h"
#include "plimsoll/error.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

static atomic_bool armed;
static atomic_ulong made;
static atomic_ulong fail_at;
static atomic_bool failed;

/* True when this allocation is the one to refuse. Kept out of line so
 * the disarmed path stays a load and a branch. */
static bool inject(void)
{
	unsigned long n = atomic_fetch_add_explicit(&made, 1,
				  memory_order_relaxed) +
		1;
	if (n != atomic_load_explicit(&fail_at, memory_order_relaxed)) {
		return false;
	}
	atomic_store_explicit(&failed, true, memory_order_relaxed);
	return true;
}

static inline bool refuse(void)
{
	return atomic_load_explicit(&armed, memory_order_relaxed) && inject();
}

void *plm_malloc(size_t size)
{
	return refuse() ? NULL : malloc(size);
}

void *plm_calloc(size_t count, size_t size)
{
	/* Checked here, so the answer is NULL whatever the allocator (a
	 * sanitizer's aborts instead). */
	if (size != 0 && count > SIZE_MAX / size) {
		return NULL;
	}
	return refuse() ? NULL : calloc(count, size);
}

void *plm_realloc(void *ptr, size_t size)
{
	return refuse() ? NULL : realloc(ptr, size);
}

int plm_array_reserve(void **items, size_t *cap, size_t count, size_t size)
{
	if (count < *cap) {
		return 0;
	}
	size_t ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / size) {
		return PLM_ENOMEM;
	}
	void *n = plm_realloc(*items, ncap * size);
	if (n == NULL) {
		return PLM_ENOMEM;
	}
	*items = n;
	*cap = ncap;
	return 0;
}

char *plm_strndup(const char *s, size_t len)
{
	size_t n = strnlen(s, len);
	char *p = plm_malloc(n + 1);
	if (p == NULL) {
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *plm_strdup(const char *s)
{
	return plm_strndup(s, strlen(s));
}

void plm_free(void *ptr)
{
	free(ptr);
}

void plm_alloc_fail_nth(unsigned long n)
{
	atomic_store(&armed, false);
	atomic_store(&made, 0);
	atomic_store(&failed, false);
	atomic_store(&fail_at, n);
	atomic_store(&armed, n != 0);
}

unsigned long plm_alloc_count(void)
{
	return atomic_load(&made);
}

bool plm_alloc_failed(void)
{
	return atomic_load(&failed);
}

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif

/* Sizes for glibc's malloc (its defaults: chunks of 128 KiB and more are
 * mapped on their own and unmapped when freed, and the heap gives back
 * what passes 128 KiB free at its top). A file's model, text and line
 * hashes are megabytes made and freed a file at a time; handed back and
 * asked for again, each of their pages is a fresh fault (several
 * microseconds each on a virtual machine). Chunks up to 32 MiB now come
 * from the heap, which keeps up to 256 MiB free before giving any back;
 * its first growth reserves 256 MiB of address space (marked for huge
 * pages below: a stream of thousands of workloads has a model of that
 * size; 64 MiB before, past which each 4 KiB of a large file's model was
 * a fault). GROWTH must not pass KEPT_FREE: the free of the first
 * allocation would give the marked span back at once. */
#define MAPPED_FROM ((size_t)32 << 20)
#define KEPT_FREE ((size_t)256 << 20)
#define GROWTH ((size_t)256 << 20)
_Static_assert(GROWTH <= KEPT_FREE, "the marked span would be trimmed");
#define HUGE_PAGE ((uintptr_t)2 << 20)

#if defined(__GLIBC__) && !defined(SANITIZED) && defined(MADV_HUGEPAGE)
/* True when the process's data or address space is limited: then no
 * address space is reserved ahead (a reservation past the limit would
 * fail the allocation that asked for it). */
static bool limited(void)
{
	struct rlimit lim;
	return (getrlimit(RLIMIT_DATA, &lim) == 0 &&
		       lim.rlim_cur != RLIM_INFINITY) ||
		(getrlimit(RLIMIT_AS, &lim) == 0 &&
			lim.rlim_cur != RLIM_INFINITY);
}

/* The main heap's marked span, set once by plm_alloc_tune. */
static uintptr_t marked_from, marked_to;
#endif

void plm_alloc_tune(void)
{
#if defined(__GLIBC__) && !defined(SANITIZED)
	mallopt(M_MMAP_THRESHOLD, (int)MAPPED_FROM);
	mallopt(M_TRIM_THRESHOLD, (int)KEPT_FREE);
#if defined(MADV_HUGEPAGE)
	if (limited()) {
		return;
	}
	/* The first allocation grows the heap by GROWTH; marking that span
	 * lets the kernel back each whole 2 MiB of it with one huge page
	 * (one fault instead of 512) when transparent huge pages are
	 * enabled "on request". A 2 MiB span must not be touched before it
	 * is marked: the break is first moved to one page below a 2 MiB
	 * boundary, where the allocator's first records land, so that the
	 * heap's first 2 MiB, most of a small scan's, start right above.
	 * Past GROWTH, the heap grows unmarked (plm_alloc_mark_huge marks
	 * a large block where it lands). */
	long page = sysconf(_SC_PAGESIZE);
	char *brk = sbrk(0);
	if (page > 0 && brk != (char *)-1) {
		uintptr_t at = (uintptr_t)brk + (uintptr_t)page;
		uintptr_t below = ((at + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1)) -
			(uintptr_t)page;
		(void)sbrk((intptr_t)(below - (uintptr_t)brk));
	}
	mallopt(M_TOP_PAD, (int)GROWTH);
	void *first = malloc(1);
	/* Past that, 2 MiB at a time (glibc's default: 128 KiB; the
	 * threads' heaps grow by what is asked, whatever the pad). */
	mallopt(M_TOP_PAD, (int)HUGE_PAGE);
	char *end = sbrk(0);
	if (first != NULL && end != (char *)-1 && (char *)first < end) {
		uintptr_t from = ((uintptr_t)first + HUGE_PAGE - 1) &
			~(HUGE_PAGE - 1);
		if (from < (uintptr_t)end &&
			madvise((void *)from, (uintptr_t)end - from,
				MADV_HUGEPAGE) == 0) {
			marked_from = (uintptr_t)first;
			marked_to = (uintptr_t)end;
		}
	}
	free(first);
#endif
#endif
}

void plm_alloc_mark_huge(void *p, size_t size)
{
#if defined(__GLIBC__) && !defined(SANITIZED) && defined(MADV_HUGEPAGE)
	/* Only where plm_alloc_tune marked the heap (glibc, no sanitizer,
	 * no address space limit, huge pages given on request), and only
	 * the whole 2 MiB spans inside [p, p + size), none of them touched
	 * yet but perhaps the first (the block's header). */
	if (marked_to == 0 || p == NULL || size < 2 * HUGE_PAGE) {
		return;
	}
	uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t to = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
	if (to > from && (from < marked_from || to > marked_to)) {
		(void)madvise((void *)from, to - from, MADV_HUGEPAGE);
	}
#else
	(void)p;
	(void)size;
#endif
}

/* glibc gives each thread that allocates while the others do an arena
 * of its own: a heap of address space reserved HEAP_RESERVE at a time at
 * that alignment, made writable only as far as it is used. */
#define HEAP_RESERVE ((uintptr_t)64 << 20)

#if defined(__GLIBC__) && !defined(SANITIZED) && defined(MADV_HUGEPAGE)
/* True when [base, base + HEAP_RESERVE) is, by /proc/self/maps, private
 * anonymous memory mapped from base on, writable then inaccessible, and
 * nothing else: a thread heap as glibc reserves it. */
static bool is_thread_heap(uintptr_t base)
{
	FILE *f = fopen("/proc/self/maps", "re");
	if (f == NULL) {
		return false;
	}
	uintptr_t end = base + HEAP_RESERVE, covered = base;
	bool ok = true, seen_none = false;
	char line[512];
	while (ok && covered < end && fgets(line, sizeof(line), f) != NULL) {
		unsigned long from = 0, to = 0, offset = 0, inode = 0;
		char perms[5] = "";
		unsigned dev_major = 0, dev_minor = 0;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu", &from, &to, perms,
			    &offset, &dev_major, &dev_minor, &inode) != 7) {
			ok = false;
			break;
		}
		if (to <= covered || from >= end) {
			continue;
		}
		bool rw = strcmp(perms, "rw-p") == 0;
		bool none = strcmp(perms, "---p") == 0;
		ok = from == covered && to <= end && inode == 0 &&
			(rw ? !seen_none : none);
		seen_none = seen_none || none;
		covered = to;
	}
	fclose(f);
	return ok && covered == end;
}
#endif

void plm_alloc_tune_thread(void)
{
#if defined(__GLIBC__) && !defined(SANITIZED) && defined(MADV_HUGEPAGE)
	if (marked_to == 0 || UINTPTR_MAX <= 0xFFFFFFFFu) {
		return; /* the main heap was not marked: nor are these */
	}
	void *p = malloc(1);
	uintptr_t at = (uintptr_t)p;
	uintptr_t base = at & ~(HEAP_RESERVE - 1);
	if (p != NULL && (at < marked_from || at >= marked_to) &&
		is_thread_heap(base)) {
		/* The reserve past its first 2 MiB (the heap's header and
		 * first chunks, touched already), writable at once: a huge
		 * page is given only to a 2 MiB span wholly writable when it
		 * is first touched, and glibc makes a thread's heap writable
		 * a few pages at a time. */
		void *from = (void *)(base + HUGE_PAGE);
		size_t len = HEAP_RESERVE - HUGE_PAGE;
		if (madvise(from, len, MADV_HUGEPAGE) == 0) {
			(void)mprotect(from, len, PROT_READ | PROT_WRITE);
		}
	}
	free(p);
#endif
}

static _Thread_local bool json_failed;

static void *json_malloc(size_t size)
{
	void *p = plm_malloc(size);
	json_failed |= p == NULL;
	return p;
}

bool plm_alloc_json_failed(void)
{
	bool was = json_failed;
	json_failed = false;
	return was;
}

/* jansson's allocator is process-wide and must be set before its first
 * use on any thread; a constructor does that without every entry point
 * remembering to. */
__attribute__((constructor)) static void route_jansson(void)
{
	json_set_alloc_funcs(json_malloc, plm_free);
}

/*
 * util/sort.h - qsort for lists that usually come in order already: the
 * findings of a file are reported rule by rule, each rule's in the order
 * of the file, so most lists need one pass of comparisons and no sort.
 */
#ifndef PLM_UTIL_SORT_H
#define PLM_UTIL_SORT_H

#include <stdbool.h>
#include <stdlib.h>

/* Sorts base[0..n) of size-byte items by cmp as qsort does (equal items
 * in no particular order), after a pass that finds them in order. */
static inline void plm_sort(void *base, size_t n, size_t size,
	int (*cmp)(const void *, const void *))
{
	const char *p = base;
	bool ordered = true;
	for (size_t i = 1; i < n && ordered; i++) {
		ordered = cmp(p + (i - 1) * size, p + i * size) <= 0;
	}
	if (!ordered) {
		qsort(base, n, size, cmp);
	}
}

#endif

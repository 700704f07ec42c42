/*
 * yaml/keyset.c - open addressing over borrowed keys.
 */
#include "yaml/keyset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	}
	return h;
}

void plm_keyset_finish(struct plm_keyset *set)
{
	plm_free(set->slots);
	set->slots = NULL;
	set->count = set->cap = 0;
}

static size_t slot_of(const struct plm_keyset *set, const char *key, size_t len)
{
	size_t mask = set->cap - 1;
	size_t i = (size_t)hash(key, len) & mask;
	while (set->slots[i].key != NULL &&
		(set->slots[i].len != len ||
			memcmp(set->slots[i].key, key, len) != 0)) {
		i = (i + 1) & mask;
	}
	return i;
}

int plm_keyset_add(struct plm_keyset *set, const char *key, size_t len,
	size_t index)
{
	if ((set->count + 1) * 2 > set->cap) {
		struct plm_keyset bigger = {0};
		bigger.cap = set->cap ? set->cap * 2 : 32;
		bigger.slots = plm_calloc(bigger.cap, sizeof(*bigger.slots));
		if (bigger.slots == NULL) {
			return PLM_ENOMEM;
		}
		for (size_t i = 0; i < set->cap; i++) {
			if (set->slots[i].key != NULL) {
				size_t s = slot_of(&bigger, set->slots[i].key,
					set->slots[i].len);
				bigger.slots[s] = set->slots[i];
				bigger.count++;
			}
		}
		plm_free(set->slots);
		*set = bigger;
	}
	size_t s = slot_of(set, key, len);
	if (set->slots[s].key == NULL) {
		set->slots[s].key = key ? key : "";
		set->slots[s].len = len;
		set->slots[s].index = index;
		set->count++;
	}
	return 0;
}

bool plm_keyset_find(const struct plm_keyset *set, const char *key, size_t len,
	size_t *index)
{
	if (set->cap == 0) {
		return false;
	}
	size_t s = slot_of(set, key, len);
	if (set->slots[s].key == NULL) {
		return false;
	}
	if (index != NULL) {
		*index = set->slots[s].index;
	}
	return true;
}

/*
 * yaml/keyset.h - a set of map keys for merging big maps in linear time
 * (a hostile `<<` or override of 100,000 keys must not take minutes).
 */
#ifndef PLM_YAML_KEYSET_H
#define PLM_YAML_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"

struct plm_keyset {
	struct {
		const char *key; /* borrowed: must outlive the set */
		size_t len;
		size_t index; /* caller's value, e.g. an entry index */
	} * slots;
	size_t count, cap;
};

/* Frees the slots (the keys are borrowed). Accepts a zeroed set. */
void plm_keyset_finish(struct plm_keyset *set);
/* Adds key (borrowed) with a value; an existing key keeps its value.
 * Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_keyset_add(struct plm_keyset *set, const char *key,
	size_t len, size_t index);
/* True if key is in the set; *index gets its value. */
bool plm_keyset_find(const struct plm_keyset *set, const char *key, size_t len,
	size_t *index);

#endif

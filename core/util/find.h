/*
 * util/find.h - finding a short word in a text: where a rule's needed
 * words and the ignore comments' words are looked for in whole files.
 */
#ifndef PLM_UTIL_FIND_H
#define PLM_UTIL_FIND_H

#include <stdbool.h>
#include <stddef.h>

/* True when s (len bytes) holds word (n bytes; an empty word is in every
 * text): memchr finds each place of the word's rarest byte (by a rough
 * table of how often bytes occur in source text), and the word is
 * compared there; for the short words searched for, fewer places than a
 * general search tries. */
bool plm_find_word(const char *s, size_t len, const char *word, size_t n);

#endif

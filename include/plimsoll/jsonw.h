/*
 * plimsoll/jsonw.h - a streaming JSON writer for output plugins (part of
 * plugin ABI 2, see plimsoll/plugin.h).
 *
 * It appends text to a growable buffer as values are written, without
 * building a tree, and lays it out exactly as jansson's json_dump does with
 * JSON_INDENT(2) ("pretty") or JSON_COMPACT, so that pieces written here
 * and pieces dumped from jansson values can be mixed in one document.
 *
 * A writer starts at an indentation level (`base`): a value written at the
 * top is laid out as if it were nested that deep, so that its text can be
 * spliced into another writer's document at that depth with
 * plm_jsonw_raw(). Several top-level values may follow each other; no
 * separator is written between them.
 *
 * Errors stick: once memory runs out, `failed` is set and every later
 * call does nothing.
 *
 * The struct is part of the ABI (a plugin holds it by value): it only
 * grows at its end, and a plugin reads no field but `failed`. A writer is
 * set up with plm_jsonw_init() and released with plm_jsonw_free(); the
 * text it holds is its own.
 *
 * Two functions take or return jansson values, for plugins that build
 * parts of a document with jansson (linked against the same libjansson as
 * plimsoll): they are declared only when <jansson.h> is included before
 * this header, so that no other plugin needs jansson to build.
 */
#ifndef PLIMSOLL_JSONW_H
#define PLIMSOLL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "plimsoll/api.h"

PLM_BEGIN_DECLS

#define PLM_JSONW_MAX_DEPTH 32

struct plm_jsonw {
	char *data;
	size_t len;
	size_t cap;
	bool pretty;
	bool failed;
	bool after_key;                      /* a key awaits its value */
	int base;                            /* indentation of the top */
	int level;                           /* open containers */
	bool has_items[PLM_JSONW_MAX_DEPTH]; /* per open container */
};

/* Sets up an empty writer: pretty for JSON_INDENT(2), else compact; base
 * is the depth its top-level values will be spliced at (0 for a whole
 * document). */
PLM_API void plm_jsonw_init(struct plm_jsonw *w, bool pretty, int base);
/* Frees the writer's text; the struct is the caller's. */
PLM_API void plm_jsonw_free(struct plm_jsonw *w);
/* Forgets the text written so far, keeping the layout state. */
PLM_API void plm_jsonw_clear(struct plm_jsonw *w);

PLM_API void plm_jsonw_object(struct plm_jsonw *w);            /* opens { */
PLM_API void plm_jsonw_array(struct plm_jsonw *w);             /* opens [ */
PLM_API void plm_jsonw_close(struct plm_jsonw *w, char close); /* '}' or ']' */
/* The key of the next value in the open object. */
PLM_API void plm_jsonw_key(struct plm_jsonw *w, const char *key);

/* s, or null when s is NULL; invalid UTF-8 is replaced by U+FFFD. */
PLM_API void plm_jsonw_string(struct plm_jsonw *w, const char *s);
PLM_API void plm_jsonw_int(struct plm_jsonw *w, long long v);
PLM_API void plm_jsonw_bool(struct plm_jsonw *w, bool v);
PLM_API void plm_jsonw_null(struct plm_jsonw *w);
/* A real as jansson writes it with JSON_REAL_PRECISION(precision). */
PLM_API void plm_jsonw_real(struct plm_jsonw *w, double v, int precision);
/* A value already laid out for this depth (by a writer whose base was
 * the depth it lands at). */
PLM_API void plm_jsonw_raw(struct plm_jsonw *w, const char *text, size_t len);

/* key: s and key: v, for the common cases. */
PLM_API void plm_jsonw_key_string(struct plm_jsonw *w, const char *key,
	const char *s);
PLM_API void plm_jsonw_key_int(struct plm_jsonw *w, const char *key,
	long long v);

/* Writes the text so far to out and clears it. Returns 0, PLM_ENOMEM
 * when the writer failed, or PLM_EIO. */
PLM_API int plm_jsonw_flush(struct plm_jsonw *w, FILE *out);

#ifdef JANSSON_H
/* A jansson value, dumped and laid out for this depth; v is borrowed.
 * NULL counts as out of memory. */
PLM_API void plm_jsonw_json(struct plm_jsonw *w, const json_t *v);
/* A new JSON string of s with invalid UTF-8 replaced by U+FFFD, or JSON
 * null when s is NULL; the caller owns the reference. NULL when out of
 * memory. */
PLM_API json_t *plm_output_json_string(const char *s);
#endif

PLM_END_DECLS

#endif

/*
 * output/jsonw.h - a streaming JSON writer for the output plugins.
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
 */
#ifndef PLM_OUTPUT_JSONW_H
#define PLM_OUTPUT_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PLM_JSONW_MAX_DEPTH 32

struct plm_jsonw {
	char *data;
	size_t len;
	size_t cap;
	bool pretty;
	bool failed;
	bool after_key;                        /* a key awaits its value */
	int base;                              /* indentation of the top */
	int level;                             /* open containers */
	bool has_items[PLM_JSONW_MAX_DEPTH];   /* per open container */
};

void plm_jsonw_init(struct plm_jsonw *w, bool pretty, int base);
void plm_jsonw_free(struct plm_jsonw *w);
/* Forgets the text written so far, keeping the layout state. */
void plm_jsonw_clear(struct plm_jsonw *w);

void plm_jsonw_object(struct plm_jsonw *w);   /* opens { */
void plm_jsonw_array(struct plm_jsonw *w);    /* opens [ */
void plm_jsonw_close(struct plm_jsonw *w, char close);   /* '}' or ']' */
/* The key of the next value in the open object. */
void plm_jsonw_key(struct plm_jsonw *w, const char *key);

/* s, or null when s is NULL; invalid UTF-8 is replaced by U+FFFD. */
void plm_jsonw_string(struct plm_jsonw *w, const char *s);
void plm_jsonw_int(struct plm_jsonw *w, long long v);
void plm_jsonw_bool(struct plm_jsonw *w, bool v);
void plm_jsonw_null(struct plm_jsonw *w);
/* A real as jansson writes it with JSON_REAL_PRECISION(precision). */
void plm_jsonw_real(struct plm_jsonw *w, double v, int precision);
/* A value already laid out for this depth (by a writer whose base was
 * the depth it lands at). */
void plm_jsonw_raw(struct plm_jsonw *w, const char *text, size_t len);
/* A jansson value, dumped and laid out for this depth; v is borrowed.
 * NULL counts as out of memory. */
void plm_jsonw_json(struct plm_jsonw *w, const json_t *v);

/* key: s and key: v, for the common cases. */
void plm_jsonw_key_string(struct plm_jsonw *w, const char *key,
	const char *s);
void plm_jsonw_key_int(struct plm_jsonw *w, const char *key, long long v);

/* Writes the text so far to out and clears it. Returns 0, PLM_ENOMEM
 * when the writer failed, or PLM_EIO. */
int plm_jsonw_flush(struct plm_jsonw *w, FILE *out);

#endif

/*
 * core/output/jsonw: the streaming writer must lay text out exactly as
 * jansson's dump does (the json and sarif plugins mix the two), in both
 * layouts, for any value: checked against json_dumps on generated values,
 * on values spliced in at depth, and on the escapes and reals.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include "plimsoll/jsonw.h"
#include "plimsoll/error.h"

#define PRETTY (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
#define COMPACT (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Strings with what needs escaping: quotes, backslashes, every control
 * character, DEL, slashes and multi-byte UTF-8. */
static json_t *random_string(void)
{
	static const char *const pieces[] = {
		"a",
		"Z",
		" ",
		"\"",
		"\\",
		"/",
		"\n",
		"\t",
		"\r",
		"\b",
		"\f",
		"\x01",
		"\x1f",
		"\x7f",
		"\xc3\xa9",
		"\xe2\x80\xa8",
		"\xf0\x9f\x90\xb3",
		"{",
		"]",
		":",
		",",
	};
	char text[64] = "";
	unsigned n = next(8);
	for (unsigned i = 0; i < n; i++) {
		strcat(text, pieces[next(sizeof(pieces) / sizeof(pieces[0]))]);
	}
	return json_string(text);
}

static json_t *random_value(int depth)
{
	unsigned pick = next(depth > 5 ? 6 : 8);
	switch (pick) {
	case 0:
		return json_null();
	case 1:
		return json_boolean(next(2));
	case 2:
		return json_integer((json_int_t)next(2000000) - 1000000);
	case 3:
		return json_real((double)next(1000000) / (1 + next(9999)));
	case 4:
	case 5:
		return random_string();
	case 6: {
		json_t *a = json_array();
		for (unsigned n = next(4); n > 0; n--) {
			json_array_append_new(a, random_value(depth + 1));
		}
		return a;
	}
	default: {
		json_t *o = json_object();
		for (unsigned n = next(4); n > 0; n--) {
			json_t *key = random_string();
			json_object_set_new(o, json_string_value(key),
				random_value(depth + 1));
			json_decref(key);
		}
		return o;
	}
	}
}

/* Writes v through the writer's calls, as a plugin would. */
static void write_value(struct plm_jsonw *w, const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		plm_jsonw_object(w);
		json_object_foreach((json_t *)v, key, item) {
			plm_jsonw_key(w, key);
			write_value(w, item);
		}
		plm_jsonw_close(w, '}');
		break;
	case JSON_ARRAY:
		plm_jsonw_array(w);
		json_array_foreach(v, i, item) {
			write_value(w, item);
		}
		plm_jsonw_close(w, ']');
		break;
	case JSON_STRING:
		plm_jsonw_string(w, json_string_value(v));
		break;
	case JSON_INTEGER:
		plm_jsonw_int(w, json_integer_value(v));
		break;
	case JSON_REAL:
		plm_jsonw_real(w, json_real_value(v), 6);
		break;
	case JSON_TRUE:
		plm_jsonw_bool(w, true);
		break;
	case JSON_FALSE:
		plm_jsonw_bool(w, false);
		break;
	case JSON_NULL:
		plm_jsonw_null(w);
		break;
	}
}

static char *written(struct plm_jsonw *w)
{
	assert_false(w->failed);
	char *s = malloc(w->len + 1);
	assert_non_null(s);
	memcpy(s, w->data, w->len);
	s[w->len] = '\0';
	return s;
}

/* What w holds is jansson's dump of whole. */
static void expect_written_as(struct plm_jsonw *w, const json_t *whole,
	bool pretty)
{
	char *mine = written(w);
	char *theirs = json_dumps(whole, pretty ? PRETTY : COMPACT);
	assert_non_null(theirs);
	assert_string_equal(mine, theirs);
	free(mine);
	free(theirs);
}

static void expect_same(const json_t *v, bool pretty)
{
	struct plm_jsonw w;
	plm_jsonw_init(&w, pretty, 0);
	write_value(&w, v);
	char *mine = written(&w);
	char *theirs = json_dumps(v,
		(pretty ? PRETTY : COMPACT) | JSON_ENCODE_ANY);
	assert_non_null(theirs);
	assert_string_equal(mine, theirs);
	free(mine);
	free(theirs);
	plm_jsonw_free(&w);
}

static void generated_values_match_jansson(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++) {
		json_t *v = random_value(0);
		expect_same(v, true);
		expect_same(v, false);
		json_decref(v);
	}
}

static void empty_containers_and_escapes_match(void **state)
{
	(void)state;
	json_t *v = json_pack("{s:[], s:{}, s:[[], {}], s:s}", "a", "b", "c",
		"d", "\x01 \x1f \x7f \"q\" \\ / \xe2\x80\xa8");
	expect_same(v, true);
	expect_same(v, false);
	json_decref(v);
}

/* Strings are scanned sixteen bytes at a time, then eight, then one
 * (and the first 64 bytes in one pass, for short plain strings): one byte
 * to escape (or of UTF-8) at every place of strings of every length up
 * to 80, among plain ASCII. */
static void escapes_at_every_place_match(void **state)
{
	(void)state;
	static const char *const specials[] = {"\"", "\\", "\n", "\x01", "\x1f",
		"\x7f", " ", "\xc3\xa9", "\xe2\x80\xa8", "/"};
	char text[128];
	for (size_t len = 0; len <= 80; len++) {
		for (size_t at = 0; at <= len; at++) {
			for (size_t k = 0;
				k < sizeof(specials) / sizeof(*specials); k++) {
				size_t n = strlen(specials[k]);
				memset(text, 'a' + (int)(len % 26), len);
				memcpy(text + at, specials[k], n);
				text[len + n] = '\0';
				memset(text + at + n, 'z', len - at);
				text[len + n] = '\0';
				json_t *v = json_string(text);
				assert_non_null(v);
				expect_same(v, false);
				json_decref(v);
			}
		}
	}
}

/* The same strings wherever they start: the writer reads a string's
 * aligned sixteen-byte blocks, so each is written from every offset in a
 * block, compared with jansson's dump of it. */
static void strings_at_every_alignment_match(void **state)
{
	(void)state;
	static const char *const specials[] = {"\"", "\n", "\xc3\xa9", "a"};
	_Alignas(16) char buf[160];
	for (size_t offset = 0; offset < 16; offset++) {
		for (size_t len = 0; len <= 40; len++) {
			for (size_t k = 0;
				k < sizeof(specials) / sizeof(*specials); k++) {
				/* What precedes the string in its block is
				 * not its own: a quote, to be ignored. */
				memset(buf, '"', sizeof(buf));
				char *text = buf + offset;
				memset(text, 'q', len);
				size_t n = strlen(specials[k]);
				memcpy(text + len, specials[k], n);
				memcpy(text + len + n, "tail", 5);
				struct plm_jsonw w;
				plm_jsonw_init(&w, false, 0);
				plm_jsonw_string(&w, text);
				char *mine = written(&w);
				json_t *v = json_string(text);
				char *theirs = json_dumps(v,
					COMPACT | JSON_ENCODE_ANY);
				assert_string_equal(mine, theirs);
				free(mine);
				free(theirs);
				json_decref(v);
				plm_jsonw_free(&w);
			}
		}
	}
}

/* Integers are written without printf: the ends of the range, zero and
 * each count of digits, both signs. */
static void integers_match(void **state)
{
	(void)state;
	json_t *list = json_pack("[I,I,I,I]", (json_int_t)LLONG_MIN,
		(json_int_t)LLONG_MAX, (json_int_t)0, (json_int_t)-1);
	long long p = 1;
	for (int i = 0; i < 18; i++, p *= 10) {
		json_array_append_new(list, json_integer(p));
		json_array_append_new(list, json_integer(-p));
		json_array_append_new(list, json_integer(p - 1));
	}
	expect_same(list, false);
	expect_same(list, true);
	json_decref(list);
}

static void reals_match(void **state)
{
	(void)state;
	const double values[] = {0.0, 3.0, -2.0, 0.5, 0.1234567, 1.5e-05, 1e20,
		123456789.0, 6.02e23, -7.25e-100, 0.000999};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		json_t *v = json_real(values[i]);
		expect_same(v, true);
		json_decref(v);
	}
}

/* A value written by a writer whose base is its depth, spliced in raw,
 * and a jansson value laid out at depth, both read as the whole dump. */
static void spliced_values_match(void **state)
{
	(void)state;
	for (int i = 0; i < 500; i++) {
		bool pretty = i % 2 == 0;
		json_t *inner = random_value(0);
		json_t *other = random_value(0);
		json_t *whole = json_pack("{s:[{s:O, s:O}]}", "runs", "x",
			inner, "y", other);
		struct plm_jsonw part;
		plm_jsonw_init(&part, pretty, 3);
		write_value(&part, inner);
		struct plm_jsonw w;
		plm_jsonw_init(&w, pretty, 0);
		plm_jsonw_object(&w);
		plm_jsonw_key(&w, "runs");
		plm_jsonw_array(&w);
		plm_jsonw_object(&w);
		plm_jsonw_key(&w, "x");
		plm_jsonw_raw(&w, part.data, part.len);
		plm_jsonw_key(&w, "y");
		plm_jsonw_json(&w, other);
		plm_jsonw_close(&w, '}');
		plm_jsonw_close(&w, ']');
		plm_jsonw_close(&w, '}');
		expect_written_as(&w, whole, pretty);
		plm_jsonw_free(&part);
		plm_jsonw_free(&w);
		json_decref(inner);
		json_decref(other);
		json_decref(whole);
	}
}

/* A value of containers nested `depth` deep around an integer. */
static json_t *nested(int depth)
{
	json_t *v = json_integer(7);
	for (int i = 0; i < depth; i++) {
		v = i % 2 == 0 ? json_pack("[o]", v)
			       : json_pack("{s:o}", "k", v);
	}
	assert_non_null(v);
	return v;
}

/* plm_jsonw_json as jansson's dump, inside an open object, in both
 * layouts: generated values and a value nested as deep as the writer has
 * room for (laid out by the writer itself), values nested deeper and a
 * string with a NUL inside (handed to jansson's dump). */
static void json_values_match_jansson_whatever_their_depth(void **state)
{
	(void)state;
	/* Inside one object: the writer has room for 31 more levels. */
	json_t *special[] = {
		nested(PLM_JSONW_MAX_DEPTH - 1),
		nested(PLM_JSONW_MAX_DEPTH),
		nested(PLM_JSONW_MAX_DEPTH + 8),
		json_pack("{s:[s, s%]}", "a", "x", "b\0c", (size_t)3),
	};
	size_t specials = sizeof(special) / sizeof(*special);
	assert_non_null(special[specials - 1]);
	for (size_t i = 0; i < 400; i++) {
		bool pretty = i % 2 == 0;
		json_t *v = i < 2 * specials ? json_incref(special[i / 2])
					     : random_value(0);
		json_t *whole = json_pack("{s:O}", "v", v);
		struct plm_jsonw w;
		plm_jsonw_init(&w, pretty, 0);
		plm_jsonw_object(&w);
		plm_jsonw_key(&w, "v");
		plm_jsonw_json(&w, v);
		plm_jsonw_close(&w, '}');
		expect_written_as(&w, whole, pretty);
		plm_jsonw_free(&w);
		json_decref(whole);
		json_decref(v);
	}
	for (size_t i = 0; i < specials; i++) {
		json_decref(special[i]);
	}
}

static void invalid_utf8_is_replaced(void **state)
{
	(void)state;
	struct plm_jsonw w;
	plm_jsonw_init(&w, false, 0);
	plm_jsonw_string(&w,
		"a\xff"
		"b");
	char *mine = written(&w);
	assert_string_equal(mine,
		"\"a\xef\xbf\xbd"
		"b\"");
	free(mine);
	plm_jsonw_free(&w);
}

static void misuse_fails_and_sticks(void **state)
{
	(void)state;
	struct plm_jsonw w;
	plm_jsonw_init(&w, false, 0);
	plm_jsonw_close(&w, ']');
	assert_true(w.failed);
	plm_jsonw_int(&w, 1);
	assert_int_equal(w.len, 0);
	assert_int_equal(plm_jsonw_flush(&w, stdout), PLM_ENOMEM);
	plm_jsonw_free(&w);

	plm_jsonw_init(&w, false, 0);
	for (int i = 0; i < PLM_JSONW_MAX_DEPTH + 1; i++) {
		plm_jsonw_array(&w);
	}
	assert_true(w.failed);
	plm_jsonw_free(&w);

	plm_jsonw_init(&w, false, 0);
	plm_jsonw_key(&w, "top-level key");
	assert_true(w.failed);
	plm_jsonw_free(&w);
}

static void flush_writes_and_clears(void **state)
{
	(void)state;
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	struct plm_jsonw w;
	plm_jsonw_init(&w, false, 0);
	plm_jsonw_array(&w);
	plm_jsonw_int(&w, 1);
	assert_int_equal(plm_jsonw_flush(&w, out), 0);
	assert_int_equal(w.len, 0);
	plm_jsonw_int(&w, 2);
	plm_jsonw_close(&w, ']');
	assert_int_equal(plm_jsonw_flush(&w, out), 0);
	fclose(out);
	assert_string_equal(text, "[1,2]");
	free(text);
	plm_jsonw_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generated_values_match_jansson),
		cmocka_unit_test(
			json_values_match_jansson_whatever_their_depth),
		cmocka_unit_test(empty_containers_and_escapes_match),
		cmocka_unit_test(escapes_at_every_place_match),
		cmocka_unit_test(strings_at_every_alignment_match),
		cmocka_unit_test(integers_match),
		cmocka_unit_test(reals_match),
		cmocka_unit_test(spliced_values_match),
		cmocka_unit_test(invalid_utf8_is_replaced),
		cmocka_unit_test(misuse_fails_and_sticks),
		cmocka_unit_test(flush_writes_and_clears),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

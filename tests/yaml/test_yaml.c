/*
 * tests/yaml/test_yaml.c - the YAML loader: typing, spans, anchors, merges,
 * duplicate keys, comments, error recovery, detection, hostile input.
 */
#include "helpers.h"

#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include "compose/compose.h"
#include "kubernetes/kubernetes.h"
#include "yaml/yaml.h"

static struct plm_node *load(struct plm_doc *doc, enum plm_yaml_schema schema)
{
	struct plm_node *out = NULL;
	assert_int_equal(plm_yaml_load(doc, 0, schema, &out), 0);
	assert_non_null(out);
	return out;
}

static double seconds_since(struct timespec t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void core_schema_types_true_but_not_yes(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: true\nb: yes\nc: on\nd: TRUE\ne: ~\nf:\ng: null\n"
		"h: 12\ni: -3\nj: 1.5\nk: 1e3\nl: .inf\nm: 0x1F\nn: 0o17\n"
		"o: 0777\np: 1_000\nq: n\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_int_equal(at(d, "a")->kind, PLM_NODE_BOOL);
	assert_true(at(d, "a")->as.boolean);
	assert_string_equal(str_at(d, "b"), "yes");
	assert_string_equal(str_at(d, "c"), "on");
	assert_int_equal(at(d, "d")->kind, PLM_NODE_BOOL);
	assert_int_equal(at(d, "e")->kind, PLM_NODE_NULL);
	assert_int_equal(at(d, "f")->kind, PLM_NODE_NULL);
	assert_int_equal(at(d, "g")->kind, PLM_NODE_NULL);
	assert_int_equal(at(d, "h")->as.integer, 12);
	assert_int_equal(at(d, "i")->as.integer, -3);
	assert_int_equal(at(d, "j")->kind, PLM_NODE_FLOAT);
	assert_int_equal(at(d, "k")->kind, PLM_NODE_FLOAT);
	assert_int_equal(at(d, "l")->kind, PLM_NODE_FLOAT);
	assert_int_equal(at(d, "m")->as.integer, 31);
	assert_int_equal(at(d, "n")->as.integer, 15);
	/* core: 0777 is decimal, 1_000 a string */
	assert_int_equal(at(d, "o")->as.integer, 777);
	assert_string_equal(str_at(d, "p"), "1_000");
	assert_string_equal(str_at(d, "q"), "n");
	assert_string_equal(at(d, "h")->text, "12");
	plm_doc_destroy(doc);
}

static void yaml11_schema_types_yes_on_y_as_booleans(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: yes\nb: On\nc: n\nd: off\ne: 0777\nf: 1_000\ng: 0b101\n"
		"h: 1.5\ni: 1e3\nj: \"yes\"\n",
		PLM_KIND_KUBERNETES);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_1_1), "0");
	assert_int_equal(at(d, "a")->kind, PLM_NODE_BOOL);
	assert_true(at(d, "a")->as.boolean);
	assert_true(at(d, "b")->as.boolean);
	assert_false(at(d, "c")->as.boolean);
	assert_false(at(d, "d")->as.boolean);
	assert_int_equal(at(d, "e")->as.integer, 511);
	assert_int_equal(at(d, "f")->as.integer, 1000);
	assert_int_equal(at(d, "g")->as.integer, 5);
	assert_int_equal(at(d, "h")->kind, PLM_NODE_FLOAT);
	/* 1.1 floats need a dot */
	assert_string_equal(str_at(d, "i"), "1e3");
	assert_string_equal(str_at(d, "j"), "yes");
	assert_int_equal(at(d, "a")->text_len, 3);
	plm_doc_destroy(doc);
}

static void quoted_scalar_stays_string_with_quoted_flag_and_text(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: \"true\"\nb: '0'\nc: |\n  12\n", PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	struct plm_node *a = at(d, "a");
	assert_int_equal(a->kind, PLM_NODE_STRING);
	assert_true(a->flags & PLM_NODE_QUOTED);
	assert_string_equal(a->text, "\"true\"");
	assert_string_equal(str_at(d, "b"), "0");
	assert_string_equal(str_at(d, "c"), "12\n");
	assert_false(at(d, "c")->flags & PLM_NODE_QUOTED);
	plm_doc_destroy(doc);
}

static void explicit_and_custom_tags_are_kept(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: !!str 12\nb: !reset []\nc: !!int \"7\"\nd: !custom 5\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_string_equal(str_at(d, "a"), "12");
	assert_string_equal(at(d, "a")->tag, "tag:yaml.org,2002:str");
	assert_string_equal(at(d, "b")->tag, "!reset");
	assert_int_equal(at(d, "b")->kind, PLM_NODE_SEQ);
	assert_int_equal(at(d, "d")->as.integer, 5);
	assert_string_equal(at(d, "d")->tag, "!custom");
	plm_doc_destroy(doc);
}

static void spans_are_byte_offsets_after_multibyte_text(void **state)
{
	(void)state;
	const char *text = "é: \"日本\"\nkey: value\n";
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	const struct plm_entry *e = plm_node_entry(d, "key");
	assert_non_null(e);
	assert_string_equal(span_text(doc, e->key_span), "key");
	assert_string_equal(span_text(doc, e->value->span), "value");
	assert_string_equal(span_text(doc, at(d, "é")->span), "\"日本\"");
	struct plm_region r = plm_doc_region(doc, e->value->span);
	assert_int_equal(r.start_line, 2);
	assert_int_equal(r.start_column, 6);
	plm_doc_destroy(doc);
}

/* Non-ASCII characters of every width, far apart between long ASCII runs
 * and close together, in two documents: every key's and value's span is
 * its own text (positions cross ASCII runs in one step). */
static void spans_stay_exact_across_sparse_and_dense_multibyte_text(
	void **state)
{
	(void)state;
	static const char *const wide[] = {"\xC3\xA9", "\xE2\x82\xAC",
		"\xF0\x9F\x90\xB3", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x90\xB3"};
	char *text = malloc(64 * 1024);
	assert_non_null(text);
	size_t n = 0;
	for (int k = 0; k < 300; k++) {
		if (k == 150) {
			n += (size_t)sprintf(text + n, "---\n");
		}
		/* mostly plain ASCII values, a wide character now and then
		 * (one in 37), and a run of them packed together at 200 */
		if (k % 37 == 5 || (k >= 200 && k < 205)) {
			n += (size_t)sprintf(text + n, "key%03d: v%s%d\n", k,
				wide[k % 4], k);
		} else {
			n += (size_t)sprintf(text + n,
				"key%03d: value-%d-with-a-long-ascii-tail\n", k,
				k);
		}
	}
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_COMPOSE);
	struct plm_node *stream = load(doc, PLM_YAML_SCHEMA_CORE);
	for (int k = 0; k < 300; k++) {
		char key[16], want[64], path[8];
		sprintf(key, "key%03d", k);
		if (k % 37 == 5 || (k >= 200 && k < 205)) {
			sprintf(want, "v%s%d", wide[k % 4], k);
		} else {
			sprintf(want, "value-%d-with-a-long-ascii-tail", k);
		}
		sprintf(path, "%d", k < 150 ? 0 : 1);
		const struct plm_entry *e = plm_node_entry(at(stream, path),
			key);
		assert_non_null(e);
		assert_string_equal(span_text(doc, e->key_span), key);
		assert_string_equal(span_text(doc, e->value->span), want);
	}
	plm_doc_destroy(doc);
	free(text);
}

static void collection_spans_cover_their_text(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: &x 1\nflow: {k: [1, 2], e: {}}\nblock:\n  - one\n  - *x\n"
		"\n# trailing\nlast: 2\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_string_equal(span_text(doc, at(d, "flow")->span),
		"{k: [1, 2], e: {}}");
	assert_string_equal(span_text(doc, at(d, "flow.k")->span), "[1, 2]");
	assert_string_equal(span_text(doc, at(d, "flow.e")->span), "{}");
	assert_string_equal(span_text(doc, at(d, "block")->span),
		"- one\n  - *x");
	plm_doc_destroy(doc);
}

static void crlf_line_ends_keep_spans_and_comments_clean(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: 1 # one\r\nb: \"x\"\r\nc: é\r\nd: z\r\n", PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_string_equal(span_text(doc, at(d, "b")->span), "\"x\"");
	assert_string_equal(span_text(doc, at(d, "d")->span), "z");
	assert_int_equal(line_of(doc, at(d, "d")->span), 4);
	assert_string_equal(doc->comments[0], "# one");
	plm_doc_destroy(doc);
}

static void byte_order_mark_does_not_shift_spans(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml", "\xEF\xBB\xBFkey: value\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_string_equal(span_text(doc, at(d, "key")->span), "value");
	plm_doc_destroy(doc);
}

static void multi_document_stream_yields_each_document(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: 1\n---\nb: 2\n---\n---\n- x\n...\n", PLM_KIND_KUBERNETES);
	struct plm_node *s = load(doc, PLM_YAML_SCHEMA_1_1);
	assert_int_equal(plm_node_count(s), 4);
	assert_int_equal(at(s, "1.b")->as.integer, 2);
	assert_int_equal(at(s, "2")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(s, "3.0"), "x");
	plm_doc_destroy(doc);
}

static void aliases_share_the_anchored_node(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"base: &b {x: 1, y: [a, b]}\nuse: *b\nname: &n hi\nagain: *n\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_ptr_equal(at(d, "base"), at(d, "use"));
	assert_string_equal(str_at(d, "use.y.1"), "b");
	assert_string_equal(str_at(d, "again"), "hi");
	plm_doc_destroy(doc);
}

static void merge_key_explicit_keys_win_then_earlier_maps(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: &a {x: 1, y: 1, z: 1}\n"
		"b: &b {y: 2, w: 2}\n"
		"one:\n  x: 0\n  <<: *a\n"
		"list:\n  <<: [*b, *a]\n  z: 9\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_int_equal(at(d, "one.x")->as.integer, 0);
	assert_int_equal(at(d, "one.y")->as.integer, 1);
	assert_null(plm_node_get(at(d, "one"), "<<"));
	assert_int_equal(plm_node_count(at(d, "one")), 3);
	assert_int_equal(at(d, "list.y")->as.integer, 2);
	assert_int_equal(at(d, "list.w")->as.integer, 2);
	assert_int_equal(at(d, "list.x")->as.integer, 1);
	assert_int_equal(at(d, "list.z")->as.integer, 9);
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void merge_key_with_scalar_is_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml", "a:\n  <<: 3\n  b: 1\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_non_null(diag_with(doc, "yaml/bad-merge"));
	assert_int_equal(at(d, "a.b")->as.integer, 1);
	plm_doc_destroy(doc);
}

static void quoted_merge_key_is_an_ordinary_key(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml", "a:\n  \"<<\": 3\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_int_equal(at(d, "a.<<")->as.integer, 3);
	plm_doc_destroy(doc);
}

static void duplicate_key_reported_and_last_value_wins(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml", "a: 1\nb: 2\na: 3\n",
		PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	const struct plm_diag *diag = diag_with(doc, "yaml/duplicate-key");
	assert_non_null(diag);
	assert_int_equal(line_of(doc, diag->span), 3);
	assert_non_null(strstr(diag->message, "line 1"));
	assert_int_equal(plm_node_count(d), 2);
	assert_string_equal(d->as.map.entries[0].key, "a");
	assert_int_equal(at(d, "a")->as.integer, 3);
	plm_doc_destroy(doc);
}

static void duplicate_keys_in_a_large_map_are_all_reported(void **state)
{
	(void)state;
	char text[4096] = "";
	for (int i = 0; i < 40; i++) {
		char line[32];
		snprintf(line, sizeof(line), "k%d: %d\n", i % 30, i);
		strcat(text, line);
	}
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_COMPOSE);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_int_equal(plm_node_count(d), 30);
	assert_int_equal(doc->diag_count, 10);
	assert_int_equal(at(d, "k5")->as.integer, 35);
	plm_doc_destroy(doc);
}

static void comments_recorded_per_line_but_not_inside_scalars(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"# head\n"
		"a: \"x # not\" # yes\n"
		"b: |\n"
		"  # inside block\n"
		"c: d#e\n"
		"  # trailing\n",
		PLM_KIND_COMPOSE);
	(void)load(doc, PLM_YAML_SCHEMA_CORE);
	assert_int_equal(doc->comment_count, doc->sources[0]->line_count);
	assert_string_equal(doc->comments[0], "# head");
	assert_string_equal(doc->comments[1], "# yes");
	/* A block scalar's line that looks like a comment is recorded as
	 * none, so that no reader of the raw line takes it for one. */
	assert_string_equal(doc->comments[3], "");
	assert_null(doc->comments[4]);
	assert_string_equal(doc->comments[5], "# trailing");
	plm_doc_destroy(doc);
}

static void syntax_error_has_position_and_later_documents_survive(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n", PLM_KIND_KUBERNETES);
	struct plm_node *s = load(doc, PLM_YAML_SCHEMA_1_1);
	const struct plm_diag *diag = diag_with(doc, "yaml/syntax");
	assert_non_null(diag);
	assert_int_equal(diag->level, PLM_DIAG_ERROR);
	assert_true(line_of(doc, diag->span) >= 3);
	assert_int_equal(plm_node_count(s), 2);
	assert_int_equal(at(s, "0.a")->as.integer, 1);
	assert_int_equal(at(s, "1.d")->as.integer, 4);
	/* spans of the recovered document are in the whole file */
	assert_int_equal(line_of(doc, at(s, "1.d")->span), 6);
	plm_doc_destroy(doc);
}

static void unknown_alias_reported(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml", "a: *nope\n",
		PLM_KIND_COMPOSE);
	struct plm_node *s = load(doc, PLM_YAML_SCHEMA_CORE);
	/* libyaml itself rejects undefined aliases only in its loader: the
	 * event parser leaves it to us */
	assert_non_null(diag_with(doc, "yaml/unknown-anchor"));
	assert_int_equal(at(s, "0.a")->kind, PLM_NODE_NULL);
	plm_doc_destroy(doc);
	/* an anchor of an earlier document is out of reach */
	doc = doc_from("t.yaml", "a: &x 1\n---\nb: *x\n", PLM_KIND_COMPOSE);
	s = load(doc, PLM_YAML_SCHEMA_CORE);
	assert_non_null(diag_with(doc, "yaml/unknown-anchor"));
	assert_int_equal(at(s, "1.b")->kind, PLM_NODE_NULL);
	plm_doc_destroy(doc);
}

static void billion_laughs_fails_fast_with_alias_limit(void **state)
{
	(void)state;
	const char *text =
		"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
		"---\nnext: 1\n";
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_KUBERNETES);
	struct plm_node *s = load(doc, PLM_YAML_SCHEMA_1_1);
	const struct plm_diag *diag = diag_with(doc, "limit/yaml-aliases");
	assert_non_null(diag);
	assert_non_null(strstr(diag->message, "PLM_YAML_MAX_ALIAS_NODES"));
	assert_int_equal(plm_node_count(s), 0);
	assert_true(plm_arena_used(doc->arena) < 64 * 1024 * 1024);
	assert_true(seconds_since(t0) < 20.0);
	plm_doc_destroy(doc);
}

static void nesting_10000_deep_hits_the_depth_limit(void **state)
{
	(void)state;
	size_t n = 10000;
	char *text = malloc(2 * n + 64);
	if (text == NULL) {
		abort();
	}
	memset(text, '[', n);
	memset(text + n, ']', n);
	strcpy(text + 2 * n, "\n---\nok: 1\n");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_KUBERNETES);
	struct plm_node *s = load(doc, PLM_YAML_SCHEMA_1_1);
	const struct plm_diag *diag = diag_with(doc, "limit/yaml-depth");
	assert_non_null(diag);
	assert_non_null(strstr(diag->message, "PLM_YAML_MAX_DEPTH"));
	assert_int_equal(plm_node_count(s), 1);
	assert_int_equal(at(s, "0.ok")->as.integer, 1);
	assert_true(seconds_since(t0) < 20.0);
	plm_doc_destroy(doc);
	free(text);
}

static void deep_block_nesting_hits_the_depth_limit(void **state)
{
	(void)state;
	size_t levels = 10000;
	/* "- " repeated on one line nests a sequence per dash */
	char *text = malloc(levels * 2 + 8);
	if (text == NULL) {
		abort();
	}
	for (size_t i = 0; i < levels; i++) {
		memcpy(text + 2 * i, "- ", 2);
	}
	strcpy(text + 2 * levels, "x\n");
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_COMPOSE);
	(void)load(doc, PLM_YAML_SCHEMA_CORE);
	assert_non_null(diag_with(doc, "limit/yaml-depth"));
	plm_doc_destroy(doc);
	free(text);
}

static void merging_a_huge_map_stays_linear(void **state)
{
	(void)state;
	size_t keys = 100000;
	char *text = malloc(keys * 16 + 64);
	if (text == NULL) {
		abort();
	}
	size_t n = 0;
	n += (size_t)sprintf(text + n, "a: &a\n");
	for (size_t i = 0; i < keys; i++) {
		n += (size_t)sprintf(text + n, "  k%zu: 1\n", i);
	}
	sprintf(text + n, "b:\n  <<: *a\n  k7: 2\n");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_COMPOSE);
	free(text);
	struct plm_node *d = at(load(doc, PLM_YAML_SCHEMA_CORE), "0");
	assert_int_equal(plm_node_count(at(d, "b")), keys);
	assert_int_equal(at(d, "b.k7")->as.integer, 2);
	assert_true(seconds_since(t0) < 20.0);
	plm_doc_destroy(doc);
}

static void scalar_over_the_length_limit_is_reported(void **state)
{
	(void)state;
	size_t n = PLM_YAML_MAX_SCALAR_LEN + 16;
	char *text = malloc(n + 16);
	if (text == NULL) {
		abort();
	}
	memcpy(text, "a: ", 3);
	memset(text + 3, 'x', n);
	strcpy(text + 3 + n, "\n");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_doc *doc = doc_from("t.yaml", text, PLM_KIND_COMPOSE);
	free(text);
	struct plm_node *s = load(doc, PLM_YAML_SCHEMA_CORE);
	const struct plm_diag *diag = diag_with(doc, "limit/yaml-scalar");
	assert_non_null(diag);
	assert_non_null(strstr(diag->message, "PLM_YAML_MAX_SCALAR_LEN"));
	assert_int_equal(plm_node_count(s), 0);
	assert_true(seconds_since(t0) < 20.0);
	plm_doc_destroy(doc);
}

static void file_with_a_100mb_scalar_is_refused_before_parsing(void **state)
{
	(void)state;
	char path[] = "/tmp/plm-yaml-bigXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("a: ", f);
	char *chunk = malloc(1 << 20);
	if (chunk == NULL) {
		abort();
	}
	memset(chunk, 'x', 1 << 20);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(fwrite(chunk, 1, 1 << 20, f), 1 << 20);
	}
	free(chunk);
	fclose(f);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_source *src = NULL;
	assert_int_equal(plm_source_read(path, path, 0, &src), PLM_ELIMIT);
	assert_null(src);
	assert_true(seconds_since(t0) < 5.0);
	unlink(path);
}

static void invalid_utf8_is_an_encoding_error_with_position(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml",
		"a: 1\nb: caf\xe9\n---\nc: 2\n", PLM_KIND_KUBERNETES);
	struct plm_node *s = load(doc, PLM_YAML_SCHEMA_1_1);
	const struct plm_diag *diag = diag_with(doc, "yaml/encoding");
	assert_non_null(diag);
	assert_int_equal(line_of(doc, diag->span), 2);
	assert_non_null(strstr(diag->message, "UTF-8"));
	/* the document after the broken one is still read */
	assert_int_equal(at(s, "0.c")->as.integer, 2);
	plm_doc_destroy(doc);
}

static void tab_indentation_is_reported_with_a_hint(void **state)
{
	(void)state;
	struct plm_doc *doc = doc_from("t.yaml", "a:\n\tb: 1\n",
		PLM_KIND_COMPOSE);
	(void)load(doc, PLM_YAML_SCHEMA_CORE);
	const struct plm_diag *diag = diag_with(doc, "yaml/tab-indent");
	assert_non_null(diag);
	assert_int_equal(line_of(doc, diag->span), 2);
	assert_non_null(strstr(diag->message, "tab"));
	plm_doc_destroy(doc);
}

static enum plm_kind detect(const char *text)
{
	enum plm_kind kind = PLM_KIND_DOCKERFILE;
	assert_int_equal(plm_yaml_detect(text, strlen(text), &kind), 0);
	return kind;
}

static void detect_tells_compose_from_kubernetes(void **state)
{
	(void)state;
	const char *c = "version: '3'\nservices:\n  web: {image: x}\n";
	const char *k = "# c\napiVersion: v1\nkind: Pod\nmetadata: {}\n";
	const char *k2 = "a: 1\n---\nkind: Service\napiVersion: v1\n";
	const char *j = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}\n";
	const char *u = "foo: bar\n  services: nested\n";
	const char *v1 = "# legacy\nweb:\n  image: nginx\n  ports: [80]\n"
			 "db:\n  build: .\n";
	const char *values = "replicaCount: 1\nweb:\n  image: nginx\n";
	const char *nested = "app:\n  web:\n    image: nginx\n";
	const char *ci = "test:\n  image: node\n  script:\n    - npm test\n";
	assert_int_equal(detect(c), PLM_KIND_COMPOSE);
	assert_int_equal(detect(k), PLM_KIND_KUBERNETES);
	assert_int_equal(detect(k2), PLM_KIND_KUBERNETES);
	assert_int_equal(detect(j), PLM_KIND_KUBERNETES);
	assert_int_equal(detect(u), PLM_KIND_UNKNOWN);
	assert_int_equal(detect(v1), PLM_KIND_COMPOSE);
	assert_int_equal(detect(values), PLM_KIND_UNKNOWN);
	assert_int_equal(detect(nested), PLM_KIND_UNKNOWN);
	assert_int_equal(detect(ci), PLM_KIND_UNKNOWN);
}

static void helm_templates_detected_but_not_quoted_go_templates(void **state)
{
	(void)state;
	const char *h1 = "apiVersion: v1\n{{- if .Values.x }}\nkind: Pod\n";
	const char *h2 = "spec:\n  replicas: {{ .Values.replicas }}\n";
	const char *ok1 = "annotations:\n  summary: \"{{ $labels.x }} down\"\n";
	const char *ok2 = "data:\n  t: |\n    {{ range . }}x{{ end }}\n"
			  "b: 1\n";
	const char *ok3 = "a: 1 # {{ not this }}\n";
	const char *h3 =
		"data:\n  c: |\n    {{- .Values.config | nindent 4 }}\n";
	assert_true(plm_yaml_is_helm_template(h1, strlen(h1)));
	assert_true(plm_yaml_is_helm_template(h2, strlen(h2)));
	assert_false(plm_yaml_is_helm_template(ok1, strlen(ok1)));
	assert_false(plm_yaml_is_helm_template(ok2, strlen(ok2)));
	assert_false(plm_yaml_is_helm_template(ok3, strlen(ok3)));
	assert_true(plm_yaml_is_helm_template(h3, strlen(h3)));
}

static void *build_many(void *arg)
{
	static const char *const no_environ[] = {"TAG=1", NULL};
	struct plm_compose_options o = {0};
	o.environ = no_environ;
	o.no_env_file = true;
	size_t *containers = arg;
	for (int i = 0; i < 200; i++) {
		const char *c =
			"x: &x {privileged: true}\nservices:\n  a: {<<: *x, "
			"image: \"n:${TAG}\"}\n  b: {extends: a}\n";
		struct plm_source *s = plm_source_create("c.yaml", c,
			strlen(c));
		struct plm_doc *doc = plm_doc_create_take(s, PLM_KIND_COMPOSE);
		if (doc == NULL || plm_compose_build(doc, &o) != 0) {
			return NULL;
		}
		*containers += plm_node_count(doc->containers);
		plm_doc_destroy(doc);
		const char *k =
			"kind: Pod\napiVersion: v1\nmetadata: {name: p}\n"
			"spec: {securityContext: {runAsUser: 0}, "
			"containers: [{name: a}, {name: b}]}\n";
		s = plm_source_create("k.yaml", k, strlen(k));
		doc = plm_doc_create_take(s, PLM_KIND_KUBERNETES);
		if (doc == NULL || plm_kubernetes_build(doc) != 0) {
			return NULL;
		}
		*containers += plm_node_count(doc->containers);
		plm_doc_destroy(doc);
	}
	return NULL;
}

static void documents_build_concurrently_on_several_threads(void **state)
{
	(void)state;
	pthread_t threads[4];
	size_t counts[4] = {0};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_create(&threads[i], NULL, build_many,
					 &counts[i]),
			0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(counts[i], 200 * 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(core_schema_types_true_but_not_yes),
		cmocka_unit_test(yaml11_schema_types_yes_on_y_as_booleans),
		cmocka_unit_test(
			quoted_scalar_stays_string_with_quoted_flag_and_text),
		cmocka_unit_test(explicit_and_custom_tags_are_kept),
		cmocka_unit_test(spans_are_byte_offsets_after_multibyte_text),
		cmocka_unit_test(
			spans_stay_exact_across_sparse_and_dense_multibyte_text),
		cmocka_unit_test(collection_spans_cover_their_text),
		cmocka_unit_test(crlf_line_ends_keep_spans_and_comments_clean),
		cmocka_unit_test(byte_order_mark_does_not_shift_spans),
		cmocka_unit_test(multi_document_stream_yields_each_document),
		cmocka_unit_test(aliases_share_the_anchored_node),
		cmocka_unit_test(merge_key_explicit_keys_win_then_earlier_maps),
		cmocka_unit_test(merge_key_with_scalar_is_reported),
		cmocka_unit_test(quoted_merge_key_is_an_ordinary_key),
		cmocka_unit_test(duplicate_key_reported_and_last_value_wins),
		cmocka_unit_test(
			duplicate_keys_in_a_large_map_are_all_reported),
		cmocka_unit_test(
			comments_recorded_per_line_but_not_inside_scalars),
		cmocka_unit_test(
			syntax_error_has_position_and_later_documents_survive),
		cmocka_unit_test(unknown_alias_reported),
		cmocka_unit_test(billion_laughs_fails_fast_with_alias_limit),
		cmocka_unit_test(nesting_10000_deep_hits_the_depth_limit),
		cmocka_unit_test(deep_block_nesting_hits_the_depth_limit),
		cmocka_unit_test(merging_a_huge_map_stays_linear),
		cmocka_unit_test(scalar_over_the_length_limit_is_reported),
		cmocka_unit_test(
			file_with_a_100mb_scalar_is_refused_before_parsing),
		cmocka_unit_test(
			invalid_utf8_is_an_encoding_error_with_position),
		cmocka_unit_test(tab_indentation_is_reported_with_a_hint),
		cmocka_unit_test(detect_tells_compose_from_kubernetes),
		cmocka_unit_test(
			helm_templates_detected_but_not_quoted_go_templates),
		cmocka_unit_test(
			documents_build_concurrently_on_several_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

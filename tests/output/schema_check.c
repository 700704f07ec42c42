/*
 * schema_check SCHEMA FILE... - checks JSON files against a JSON Schema
 * (draft-07), for the golden tests of the json and codeclimate formats.
 *
 * A minimal validator: it knows the keywords docs/schemas/ uses (type,
 * enum, required, properties, additionalProperties: false, items,
 * minimum, minLength, minItems, $ref to #/definitions/...) and refuses a
 * schema with any other, so a schema can never use a keyword this checker
 * would silently skip. Prints each problem with its JSON pointer; exits 0
 * when every file is valid, 1 otherwise, 2 on a usage or schema error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

struct checker {
	json_t *root; /* the schema, for $ref */
	const char *file;
	int problems;
	int schema_errors;
};

static void problem(struct checker *c, const char *where, const char *what)
{
	printf("%s: %s: %s\n", c->file, where[0] ? where : "/", what);
	c->problems++;
}

static bool type_matches(const char *type, const json_t *v)
{
	if (strcmp(type, "object") == 0) {
		return json_is_object(v);
	}
	if (strcmp(type, "array") == 0) {
		return json_is_array(v);
	}
	if (strcmp(type, "string") == 0) {
		return json_is_string(v);
	}
	if (strcmp(type, "integer") == 0) {
		return json_is_integer(v);
	}
	if (strcmp(type, "number") == 0) {
		return json_is_number(v);
	}
	if (strcmp(type, "boolean") == 0) {
		return json_is_boolean(v);
	}
	if (strcmp(type, "null") == 0) {
		return json_is_null(v);
	}
	return false;
}

static const json_t *resolve(struct checker *c, const json_t *schema)
{
	const json_t *ref = json_object_get(schema, "$ref");
	if (ref == NULL) {
		return schema;
	}
	const char *prefix = "#/definitions/";
	const char *r = json_string_value(ref);
	const json_t *target = NULL;
	if (r != NULL && strncmp(r, prefix, strlen(prefix)) == 0) {
		target = json_object_get(json_object_get(c->root,
						 "definitions"),
			r + strlen(prefix));
	}
	if (target == NULL) {
		printf("schema: cannot resolve $ref %s\n", r ? r : "?");
		c->schema_errors++;
		return NULL;
	}
	return target;
}

static void check(struct checker *c, const json_t *schema, const json_t *v,
	const char *where);

static void check_object(struct checker *c, const json_t *schema,
	const json_t *v, const char *where)
{
	char sub[1024];
	size_t i;
	const json_t *req;
	json_array_foreach(json_object_get(schema, "required"), i, req) {
		const char *key = json_string_value(req);
		if (key != NULL && json_object_get(v, key) == NULL) {
			snprintf(sub, sizeof(sub), "missing required key '%s'",
				key);
			problem(c, where, sub);
		}
	}
	const json_t *props = json_object_get(schema, "properties");
	const json_t *extra = json_object_get(schema, "additionalProperties");
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)v, key, value) {
		snprintf(sub, sizeof(sub), "%s/%s", where, key);
		const json_t *ps = json_object_get(props, key);
		if (ps != NULL) {
			check(c, ps, value, sub);
		} else if (json_is_false(extra)) {
			problem(c, sub, "key not allowed here");
		}
	}
}

static void check(struct checker *c, const json_t *schema, const json_t *v,
	const char *where)
{
	static const char *const known[] = {"$schema", "$id", "title",
		"description", "type", "enum", "required", "properties",
		"additionalProperties", "items", "minimum", "minLength",
		"minItems", "$ref", "definitions", NULL};
	schema = resolve(c, schema);
	if (schema == NULL) {
		return;
	}
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)schema, key, value) {
		bool ok = false;
		for (const char *const *k = known; *k != NULL; k++) {
			ok = ok || strcmp(*k, key) == 0;
		}
		if (!ok) {
			printf("schema: unsupported keyword '%s'\n", key);
			c->schema_errors++;
		}
	}
	const json_t *type = json_object_get(schema, "type");
	if (type != NULL) {
		bool match = false;
		if (json_is_string(type)) {
			match = type_matches(json_string_value(type), v);
		}
		size_t i;
		const json_t *t;
		json_array_foreach(type, i, t) {
			match = match || type_matches(json_string_value(t), v);
		}
		if (!match) {
			problem(c, where, "wrong type");
			return;
		}
	}
	const json_t *choices = json_object_get(schema, "enum");
	if (choices != NULL) {
		bool match = false;
		size_t i;
		const json_t *e;
		json_array_foreach(choices, i, e) {
			match = match || json_equal((json_t *)e, (json_t *)v);
		}
		if (!match) {
			problem(c, where, "value not in enum");
		}
	}
	if (json_is_object(v)) {
		check_object(c, schema, v, where);
	}
	const json_t *items = json_object_get(schema, "items");
	const json_t *min_items = json_object_get(schema, "minItems");
	if (json_is_array(v)) {
		if (min_items != NULL &&
			json_array_size(v) <
				(size_t)json_integer_value(min_items)) {
			problem(c, where, "too few items");
		}
		size_t i;
		const json_t *item;
		char sub[1024];
		json_array_foreach(v, i, item) {
			if (items != NULL) {
				snprintf(sub, sizeof(sub), "%s/%zu", where, i);
				check(c, items, item, sub);
			}
		}
	}
	const json_t *minimum = json_object_get(schema, "minimum");
	if (minimum != NULL && json_is_number(v) &&
		json_number_value(v) < json_number_value(minimum)) {
		problem(c, where, "below the minimum");
	}
	const json_t *min_length = json_object_get(schema, "minLength");
	if (min_length != NULL && json_is_string(v) &&
		json_string_length(v) <
			(size_t)json_integer_value(min_length)) {
		problem(c, where, "string too short");
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: schema_check SCHEMA FILE...\n");
		return 2;
	}
	json_error_t err;
	struct checker c = {0};
	c.root = json_load_file(argv[1], 0, &err);
	if (c.root == NULL) {
		fprintf(stderr, "%s:%d: %s\n", argv[1], err.line, err.text);
		return 2;
	}
	int bad_files = 0;
	for (int i = 2; i < argc; i++) {
		c.file = argv[i];
		json_t *doc = json_load_file(argv[i], 0, &err);
		if (doc == NULL) {
			printf("%s:%d: %s\n", argv[i], err.line, err.text);
			bad_files++;
			continue;
		}
		int before = c.problems;
		check(&c, c.root, doc, "");
		bad_files += c.problems > before;
		json_decref(doc);
	}
	json_decref(c.root);
	if (c.schema_errors > 0) {
		return 2;
	}
	printf("%d file(s), %d invalid\n", argc - 2, bad_files);
	return bad_files > 0;
}

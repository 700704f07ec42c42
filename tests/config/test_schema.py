#!/usr/bin/env python3
"""docs/schemas/plimsoll-config.schema.json against the parser: the
example configurations validate against the schema and are accepted by
plimsoll; broken ones are refused by both; and every mapping's keys in
the schema are exactly the keys the parser accepts (read from its "expected
one of" error). Validation uses python3-jsonschema when it is installed,
and always a small validator of the schema subset the file uses.

usage: test_schema.py PLIMSOLL SOURCE_ROOT
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None
ROOT = None

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None
try:
    import jsonschema
except ImportError:
    jsonschema = None


def load_schema():
    with open(os.path.join(ROOT, "docs", "schemas",
                           "plimsoll-config.schema.json")) as f:
        return json.load(f)


TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
         "null": type(None)}


def problems(schema, value, root, where="$"):
    """The subset of JSON Schema the file uses: $ref, type, enum,
    properties, additionalProperties, required, items, anyOf, maxItems,
    minLength, maxLength."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return problems(root["$defs"][name], value, root, where)
    out = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) \
            else [schema["type"]]
        ok = any((t == "integer" and isinstance(value, int)
                  and not isinstance(value, bool)) or
                 (t in TYPES and isinstance(value, TYPES[t]) and
                  not (t != "boolean" and isinstance(value, bool)))
                 for t in types)
        if not ok:
            return ["%s: not %s" % (where, types)]
    if "enum" in schema and value not in schema["enum"]:
        out.append("%s: %r not in enum" % (where, value))
    if "anyOf" in schema and all(problems(s, value, root, where)
                                 for s in schema["anyOf"]):
        out.append("%s: matches no anyOf" % where)
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or \
                len(value) > schema.get("maxLength", 1 << 30):
            out.append("%s: length" % where)
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", 1 << 30):
            out.append("%s: too many items" % where)
        for i, item in enumerate(value):
            if "items" in schema:
                out += problems(schema["items"], item, root,
                                "%s[%d]" % (where, i))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append("%s: %s required" % (where, key))
        for key, item in value.items():
            sub = "%s.%s" % (where, key)
            if key in props:
                out += problems(props[key], item, root, sub)
            elif schema.get("additionalProperties") is False:
                out.append("%s: not allowed" % sub)
            elif isinstance(schema.get("additionalProperties"), dict):
                out += problems(schema["additionalProperties"], item, root,
                                sub)
    return out


def schema_errors(schema, value):
    found = problems(schema, value, schema)
    if jsonschema is not None:
        v = jsonschema.Draft202012Validator(schema)
        lib = [e.message for e in v.iter_errors(value)]
        # both validators agree on whether the value is valid
        assert bool(lib) == bool(found), (lib, found)
    return found


EXAMPLES = [
    {},
    {"fail-on": "none"},
    {"rules": {"low-uid": {"enabled": False, "severity": "high",
                           "settings": {"min_uid": 1000}},
               "DL3008": {"enabled": False}},
     "settings": {"non_root_images": ["gcr.io/distroless/*:nonroot"],
                  "allowed": []},
     "tags": {"include": ["security"], "exclude": ["image-size"]},
     "paths": {"include": ["**"], "exclude": ["vendor", "**/test/**"]},
     "overrides": [{"paths": ["dev/**"],
                    "rules": {"runs-as-root": {"severity": "critical"}},
                    "settings": {"min_uid": 500}}]},
]

BROKEN = [
    {"colour": "red"},
    {"rules": {"low-uid": {"severity": "extreme"}}},
    {"rules": {"low-uid": {"enabled": "yes"}}},
    {"fail-on": "sometimes"},
    {"overrides": [{"rules": {}}]},
    {"paths": {"exclude": "vendor"}},
]


def plimsoll_accepts(d, config):
    with open(os.path.join(d, ".plimsoll.yaml"), "w") as f:
        json.dump(config, f)  # JSON is YAML
    r = subprocess.run([PLIMSOLL, "config", "--format", "json", "."],
                       cwd=d, capture_output=True, text=True, timeout=60)
    return r


class Schema(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        os.mkdir(os.path.join(self.d, ".git"))
        self.schema = load_schema()

    def tearDown(self):
        self.tmp.cleanup()

    def test_schema_is_a_valid_draft_2020_12_schema(self):
        self.assertEqual(self.schema["$schema"],
                         "https://json-schema.org/draft/2020-12/schema")
        if jsonschema is not None:
            jsonschema.Draft202012Validator.check_schema(self.schema)

    def test_examples_validate_and_are_accepted(self):
        for config in EXAMPLES:
            self.assertEqual(schema_errors(self.schema, config), [],
                             config)
            r = plimsoll_accepts(self.d, config)
            self.assertEqual(r.returncode, 0, (config, r.stderr))

    def test_documented_example_validates_and_is_accepted(self):
        if yaml is None:
            self.skipTest("python3-yaml is not installed")
        with open(os.path.join(ROOT, "docs", "configuration.md")) as f:
            text = f.read()
        block = re.search(r"```yaml\n(# \.plimsoll\.yaml.*?)```", text,
                          re.S).group(1)
        config = yaml.safe_load(block)
        config.pop("policy-dirs")  # names a directory of the example
        self.assertEqual(schema_errors(self.schema, config), [])
        r = plimsoll_accepts(self.d, config)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_broken_configurations_are_refused_by_both(self):
        for config in BROKEN:
            self.assertNotEqual(schema_errors(self.schema, config), [],
                                config)
            r = plimsoll_accepts(self.d, config)
            self.assertEqual(r.returncode, 2, config)

    def parser_keys(self, config):
        r = plimsoll_accepts(self.d, config)
        m = re.search(r"expected one of: ([a-z, -]+)\)", r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return set(m.group(1).split(", "))

    def test_schema_keys_match_the_parser(self):
        s = self.schema
        defs = s["$defs"]
        cases = [
            ({"bogus-key": 1}, s["properties"]),
            ({"rules": {"low-uid": {"bogus-key": 1}}},
             defs["rule"]["properties"]),
            ({"overrides": [{"paths": ["a"], "bogus-key": 1}]},
             defs["override"]["properties"]),
            ({"tags": {"bogus-key": []}}, s["properties"]["tags"]
             ["properties"]),
            ({"paths": {"bogus-key": []}}, s["properties"]["paths"]
             ["properties"]),
        ]
        for config, props in cases:
            self.assertEqual(self.parser_keys(config), set(props), config)


if __name__ == "__main__":
    ROOT = os.path.abspath(sys.argv.pop(2))
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

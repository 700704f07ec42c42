#!/usr/bin/env python3
"""check_dump_schema.py PLIMSOLL SCHEMA_CHECK SCHEMA SOURCE_ROOT [CORPUS]

Validates `plimsoll dump` of every policy fixture, example and golden
input (and every 20th file of the corpus, when given) against
docs/schemas/dump.schema.json with the in-tree validator, and checks that
the schema describes every field of the container record: a field the model
gains without a schema entry fails here (additionalProperties: false).
"""
import json
import os
import subprocess
import sys
import tempfile

EXTS = (".yaml", ".yml", ".json")


def inputs(root, corpus):
    out = []
    for top in ("policies", "examples", os.path.join("tests", "yaml", "golden"),
                os.path.join("tests", "golden", "dockerfile")):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                p = os.path.join(d, f)
                if f.startswith("Dockerfile") or "fixtures" in p and \
                        f.endswith(EXTS) or top != "policies" and \
                        f.endswith((".yaml", ".yml")):
                    out.append(p)
    if corpus and os.path.isdir(corpus):
        sample = []
        for kind in ("dockerfile", "compose", "kubernetes"):
            for d, _, files in os.walk(os.path.join(corpus, kind)):
                sample += [os.path.join(d, f) for f in sorted(files)]
        out += sorted(sample)[::20]
    return out


def main():
    exe, checker, schema, root = sys.argv[1:5]
    corpus = sys.argv[5] if len(sys.argv) > 5 else None
    files = inputs(root, corpus)
    dumps = []
    records = 0
    seen = set()
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(files):
            p = subprocess.run([exe, "dump", path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=120)
            if not p.stdout.strip():
                continue
            doc = json.loads(p.stdout)
            for rec in doc.get("containers") or []:
                records += 1
                seen.add(rec.get("origin"))
            out = os.path.join(tmp, "%05d.json" % i)
            with open(out, "wb") as f:
                f.write(p.stdout)
            dumps.append(out)
        if len(dumps) < 10 or records < 10:
            print("too few dumps (%d) or records (%d)" % (len(dumps), records))
            return 1
        if seen != {"dockerfile", "compose", "kubernetes", "command"}:
            print("records of every origin expected, got %s" % sorted(seen))
            return 1
        r = subprocess.run([checker, schema] + dumps)
        print("%d dumps, %d records checked" % (len(dumps), records))
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())

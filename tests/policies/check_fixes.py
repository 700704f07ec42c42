#!/usr/bin/env python3
"""Fixes that policies carry as edits do what they say. For every finding
with edits, in the fixtures of the policies that give fixes and in a
sample of the shared corpus (when it is there): the edits applied to a
copy of the file (its folder copied too, for the files it builds from),
the file scanned again, and
- that rule has one finding fewer in the file, the others the same count
  or fewer,
- no parse error or warning appears that was not there before,
- the JSON edits and the SARIF fixes of the same finding agree.
At least one fix of each of those policies must be seen.

usage: check_fixes.py PLIMSOLL POLICIES_DIR [CORPUS_DIR]
"""
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

FIXED = ["runs-as-root", "privileged", "privilege-escalation",
         "writable-root-filesystem", "apt-get-missing-yes", "apk-no-cache",
         "apt-get-no-install-recommends"]


def scan(plimsoll, paths, fmt="json", only=None):
    args = [plimsoll, "scan", "--no-config", "--format", fmt, "--fail-on", "none"]
    if only:
        args += ["--only", ",".join(only)]
    out = subprocess.run(args + paths, capture_output=True, check=False)
    assert out.returncode in (0, 1, 2), (paths, out.stderr.decode())
    return json.loads(out.stdout)


def parse_problems(doc):
    return sorted((n["code"], n["message"]) for n in doc["notifications"]
                  if n["kind"] in ("parse-error", "parse-warning"))


def apply(data, edits):
    for e in sorted(edits, key=lambda e: e["offset"], reverse=True):
        data = data[:e["offset"]] + e["text"].encode() + \
            data[e["end_offset"]:]
    return data


def sarif_fixes(plimsoll, path):
    """(rule, line) -> replacements, from the SARIF of the same scan."""
    doc = scan(plimsoll, [path], "sarif", FIXED)
    out = {}
    for r in doc["runs"][0]["results"]:
        reg = r["locations"][0]["physicalLocation"]["region"]
        for fx in r.get("fixes", []):
            out[(r["ruleId"], reg["startLine"], reg["startColumn"])] = \
                fx["artifactChanges"][0]["replacements"]
    return out


def check_file(plimsoll, path, seen):
    before = scan(plimsoll, [path], only=FIXED)
    fixable = [f for f in before["findings"] if f.get("edits")]
    if not fixable:
        return 0
    sarif = sarif_fixes(plimsoll, path)
    counts = collections.Counter(f["rule"] for f in before["findings"])
    for f in fixable:
        key = (f["rule"], f["region"]["start_line"],
               f["region"]["start_column"])
        reps = sarif.get(key)
        assert reps is not None and len(reps) == len(f["edits"]), (path, key)
        for rep, e in zip(reps, f["edits"]):
            d = rep["deletedRegion"]
            assert (d["startLine"], d["startColumn"], d["endLine"],
                    d["endColumn"]) == (
                e["region"]["start_line"], e["region"]["start_column"],
                e["region"]["end_line"], e["region"]["end_column"]), (
                path, rep, e)
            assert rep.get("insertedContent", {}).get("text", "") == \
                e["text"], (path, rep, e)
        with tempfile.TemporaryDirectory() as tmp:
            folder = os.path.dirname(os.path.abspath(path))
            copy = os.path.join(tmp, "c")
            alone = len(os.listdir(folder)) >= 200
            if alone:
                # A big flat folder (the corpus): the file alone, so the
                # files it names are missing in both scans' eyes.
                os.makedirs(copy)
            else:
                shutil.copytree(folder, copy, symlinks=True)
            target = os.path.join(copy, os.path.basename(path))
            with open(path, "rb") as fh:
                data = fh.read()
            with open(target, "wb") as fh:
                fh.write(apply(data, f["edits"]))
            after = scan(plimsoll, [target], only=FIXED)
            now = collections.Counter(g["rule"] for g in after["findings"])
            assert now[f["rule"]] == counts[f["rule"]] - 1, (
                path, f, now, counts, apply(data, f["edits"]).decode())
            for rule in counts:
                assert now[rule] <= counts[rule], (path, f, rule)
            problems, had = parse_problems(after), parse_problems(before)
            if alone:
                problems = [p for p in problems
                            if not p[0].endswith("missing-file")]
                had = [p for p in had if not p[0].endswith("missing-file")]
            assert problems == had, (path, f, problems)
        seen[f["rule"]] += 1
    return len(fixable)


def main():
    plimsoll, policies = sys.argv[1], sys.argv[2]
    corpus = sys.argv[3] if len(sys.argv) > 3 else None
    seen = collections.Counter()
    files = []
    for rule in FIXED:
        for p in sorted(glob.glob(os.path.join(policies, rule, "fixtures",
                                               "**", "*"), recursive=True)):
            if os.path.isfile(p) and not p.endswith(".expected"):
                files.append(p)
    total = sum(check_file(plimsoll, p, seen) for p in files)
    sampled = 0
    if corpus and os.path.isdir(corpus):
        for kind, step in (("dockerfile", 97), ("compose", 53),
                           ("kubernetes", 61)):
            names = sorted(os.listdir(os.path.join(corpus, kind)))
            for name in names[::step]:
                sampled += check_file(plimsoll,
                                      os.path.join(corpus, kind, name), seen)
    missing = [r for r in FIXED if seen[r] == 0]
    assert not missing, ("no fix seen for", missing)
    print("fixes applied and checked: %d in fixtures, %d in the corpus "
          "sample; per rule: %s" % (total, sampled, dict(seen)))


if __name__ == "__main__":
    main()

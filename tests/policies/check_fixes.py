#!/usr/bin/env python3
"""The fixes policies give are sound: for every policy that carries
edits, each of its fixtures (and the extra cases below) is scanned, the
edits of every finding are applied as an editor would, and the file is
scanned again: each finding that had edits is gone (the rule's count in
the file drops by exactly that many), the file still parses (no parse
error or warning that was not there before), and a second scan of the
fixed file offers no edit for what was fixed. Every rule must have
fixed something in each kind it lists below, so the test cannot pass on
findings without edits.

usage: check_fixes.py PLIMSOLL SOURCE_ROOT
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# rule -> the kinds in which its fixtures must get fixes
RULES = {
    "runs-as-root": {"dockerfile", "compose", "kubernetes"},
    "privileged": {"compose", "kubernetes"},
    "privilege-escalation": {"compose", "kubernetes"},
    "writable-root-filesystem": {"compose", "kubernetes"},
    "apt-get-missing-yes": {"dockerfile"},
    "apt-get-no-install-recommends": {"dockerfile"},
    "apk-no-cache": {"dockerfile"},
}

KINDS = ("dockerfile", "compose", "kubernetes")

# Cases the fixtures do not cover: indentation of 4 and of 3, CRLF
# line ends, a flow mapping (no fix), a tab-free "- name:" start, a
# Dockerfile whose CMD is followed by a RUN (USER goes at the end).
EXTRA = {
    "kubernetes/indent4.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n    name: w\n"
        "spec:\n    template:\n        spec:\n            containers:\n"
        "                -   name: w\n                    image: nginx:1.27\n"
        "                    securityContext:\n"
        "                        privileged: true\n",
    "kubernetes/crlf.yaml":
        "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n   name: p\r\n"
        "spec:\r\n   containers:\r\n   - name: a\r\n     image: nginx:1.27\r\n",
    "kubernetes/flow.yaml":
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers:\n  - {name: a, image: nginx:1.27}\n",
    "compose/service.yaml":
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n"
        "    read_only: false\n",
    "dockerfile/late-run.Dockerfile":
        "FROM alpine:3.20\nCMD [\"sh\"]\nRUN apk add --no-cache curl\n",
    "dockerfile/apt.Dockerfile":
        "FROM debian:12\nRUN apt-get update && \\\n"
        "    apt-get install \\\n      curl=8.5.0-2 && \\\n"
        "    rm -rf /var/lib/apt/lists/*\n"
        "RUN <<EOF\napt-get update\napt-get install -y wget=1.21\nEOF\n"
        "USER 10001\n",
    "dockerfile/apk.Dockerfile":
        "FROM alpine:3.20\nRUN apk update && apk add \\\n    curl=8.9.1-r0\n"
        "USER 10001\n",
    "dockerfile/cmd.Dockerfile":
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
        "ENTRYPOINT [\"curl\"]\nCMD [\"--help\"]\n",
}

# What some fixed files must contain: the document's own indentation and
# line ends, the USER in the sound place.
EXPECT = {
    ("privilege-escalation", "kubernetes/indent4.yaml"):
        "securityContext:\n" + " " * 24 + "allowPrivilegeEscalation: false\n"
        + " " * 24 + "privileged: true\n",
    ("runs-as-root", "kubernetes/crlf.yaml"):
        "   - securityContext:\r\n        runAsNonRoot: true\r\n"
        "     name: a\r\n",
    ("writable-root-filesystem", "compose/service.yaml"):
        "    read_only: true\n",
    ("privileged", "compose/service.yaml"): "    privileged: false\n",
    ("runs-as-root", "dockerfile/late-run.Dockerfile"):
        "RUN apk add --no-cache curl\nUSER 10001\n",
    ("apt-get-missing-yes", "dockerfile/apt.Dockerfile"):
        "    apt-get install -y \\\n",
    ("apt-get-no-install-recommends", "dockerfile/apt.Dockerfile"):
        "apt-get install --no-install-recommends -y wget=1.21\n",
    ("apk-no-cache", "dockerfile/apk.Dockerfile"):
        "apk add --no-cache \\\n",
    ("runs-as-root", "dockerfile/cmd.Dockerfile"):
        "curl\nUSER 10001\nENTRYPOINT",
}

EXE = None


def scan(rule, path, kind):
    args = [EXE, "scan", "--no-config", "--format", "json", "--only", rule]
    if kind is not None:
        args += ["--kind", kind]
    out = subprocess.run(args + [path], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode in (0, 1), (args, path, out.stderr)
    return json.loads(out.stdout)


def parse_problems(report):
    return sorted((n.get("path"), n.get("code"))
                  for n in report.get("notifications", [])
                  if n.get("kind") in ("parse-error", "parse-warning"))


def apply(text, edits):
    """Applies edits (1-based lines, code-point columns, end exclusive)
    from the last to the first; identical edits count once."""
    parts = re.split(r"(\r\n|\n|\r)", text)
    starts, at = [], 0
    for i in range(0, len(parts), 2):
        starts.append(at)
        at += len(parts[i]) + (len(parts[i + 1]) if i + 1 < len(parts)
                               else 0)

    def offset(line, column):
        assert 1 <= line <= len(starts), (line, len(starts))
        return starts[line - 1] + column - 1
    spans = set()
    for e in edits:
        r = e["region"]
        spans.add((offset(r["start_line"], r["start_column"]),
                   offset(r["end_line"], r["end_column"]), e["text"]))
    last = None
    for a, b, new in sorted(spans, reverse=True):
        assert a <= b, (a, b)
        assert last is None or b <= last, "edits of two findings overlap"
        text = text[:a] + new + text[b:]
        last = a
    return text


def check_file(rule, path, kind, fixed_kinds):
    before = scan(rule, path, kind)
    mine = [f for f in before["findings"]
            if f["rule"] == rule and f["suppression"] is None]
    by_path = {}
    for f in mine:
        by_path.setdefault(f["path"], []).append(f)
    changed = 0
    for p, findings in by_path.items():
        edits = [e for f in findings for e in f.get("edits", [])]
        if not edits:
            continue
        for f in findings:
            for e in f.get("edits", []):
                assert e["region"] is not None and isinstance(e["text"], str)
        with open(p, encoding="utf-8", newline="") as fh:
            text = fh.read()
        new = apply(text, edits)
        assert new != text, (p, edits)
        extra = os.path.relpath(p, os.path.join(TMP, rule))
        want = EXPECT.get((rule, extra.replace("extra-", "", 1)))
        if extra.startswith("extra-") and want is not None:
            assert want in new, (rule, extra, want, new)
            EXPECT.pop((rule, extra.replace("extra-", "", 1)))
        with open(p, "w", encoding="utf-8", newline="") as fh:
            fh.write(new)
        changed += 1
        fixed = sum(1 for f in findings if f.get("edits"))
        fixed_kinds.add(findings[0]["kind"])
        after = scan(rule, path, kind)
        left = [f for f in after["findings"]
                if f["rule"] == rule and f["path"] == p and
                f["suppression"] is None]
        assert len(left) == len(findings) - fixed, (
            rule, p, len(findings), fixed, [f["message"] for f in left],
            new)
        assert not [f for f in left if f.get("edits")], (rule, p, new)
        assert parse_problems(after) == parse_problems(before), (
            rule, p, parse_problems(before), parse_problems(after), new)
        print("ok    %s %s: %d of %d findings fixed" % (
            rule, os.path.relpath(p, TMP), fixed, len(findings)))
    return changed


def main():
    global EXE, TMP
    EXE, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="plm-fixes-") as TMP:
        for rule, kinds in RULES.items():
            work = os.path.join(TMP, rule)
            shutil.copytree(os.path.join(root, "policies", rule, "fixtures"),
                            work)
            for name, text in EXTRA.items():
                path = os.path.join(work, "extra-" + name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
            fixed_kinds = set()
            for entry in sorted(os.listdir(work)):
                d = os.path.join(work, entry)
                kind = entry.replace("extra-", "")
                if kind == "command":
                    continue
                if kind in KINDS:
                    targets = [(os.path.join(d, f), kind)
                               for f in sorted(os.listdir(d))]
                else:
                    targets = [(d, None)]  # a project folder
                for path, k in targets:
                    try:
                        check_file(rule, path, k, fixed_kinds)
                    except AssertionError as e:
                        failures += 1
                        print("FAIL  %s %s: %r" % (rule, path, e))
            if not kinds <= fixed_kinds:
                failures += 1
                print("FAIL  %s fixed nothing in %s" % (
                    rule, sorted(kinds - fixed_kinds)))
    for key in EXPECT:
        failures += 1
        print("FAIL  %s %s: not fixed" % key)
    print("%d failed" % failures if failures else "all fixes hold")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

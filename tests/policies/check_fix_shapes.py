#!/usr/bin/env python3
"""The fixed text itself, for the shapes where a fix is easy to get
wrong: each case is scanned with one rule, every finding's edits are
applied (by their byte offsets), and the result must be exactly the text
given here; scanned again, the rule's findings with edits are gone and
no parse error or warning appears.

- a Dockerfile whose CMD comes before a RUN: USER 10001 goes after the
  RUN (before the CMD, the RUN would run as 10001 and fail to install);
- a CMD and ENTRYPOINT after the last build step: USER goes before them;
- YAML with 3- and 4-space indentation and CRLF line ends: the created
  securityContext is nested by the file's own step, with its line ends;
- apt-get over continuation lines and in a heredoc.

usage: check_fix_shapes.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile

CASES = [
    ("runs-as-root", "dockerfile", "late-run.Dockerfile",
     "FROM alpine:3.20\nCMD [\"sh\"]\nRUN apk add --no-cache curl\n",
     "FROM alpine:3.20\nCMD [\"sh\"]\nRUN apk add --no-cache curl\n"
     "USER 10001\n"),
    ("runs-as-root", "dockerfile", "cmd.Dockerfile",
     "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
     "ENTRYPOINT [\"curl\"]\nCMD [\"--help\"]\n",
     "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 10001\n"
     "ENTRYPOINT [\"curl\"]\nCMD [\"--help\"]\n"),
    ("runs-as-root", "kubernetes", "crlf.yaml",
     "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n   name: p\r\n"
     "spec:\r\n   containers:\r\n   - name: a\r\n     image: nginx:1.27\r\n",
     "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n   name: p\r\n"
     "spec:\r\n   containers:\r\n   - name: a\r\n     image: nginx:1.27\r\n"
     "     securityContext:\r\n        runAsNonRoot: true\r\n"),
    ("privilege-escalation", "kubernetes", "indent4.yaml",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n    name: w\n"
     "spec:\n    template:\n        spec:\n            containers:\n"
     "                -   name: w\n                    image: nginx:1.27\n",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n    name: w\n"
     "spec:\n    template:\n        spec:\n            containers:\n"
     "                -   name: w\n                    image: nginx:1.27\n"
     "                    securityContext:\n"
     "                        allowPrivilegeEscalation: false\n"),
    ("apt-get-no-install-recommends", "dockerfile", "apt.Dockerfile",
     "FROM debian:12\nRUN apt-get update && \\\n"
     "    apt-get install -y \\\n      curl=8.5.0-2 && \\\n"
     "    rm -rf /var/lib/apt/lists/*\n"
     "RUN <<EOF\napt-get update\napt-get install -y wget=1.21\nEOF\n",
     "FROM debian:12\nRUN apt-get update && \\\n"
     "    apt-get install --no-install-recommends -y \\\n"
     "      curl=8.5.0-2 && \\\n    rm -rf /var/lib/apt/lists/*\n"
     "RUN <<EOF\napt-get update\n"
     "apt-get install --no-install-recommends -y wget=1.21\nEOF\n"),
]


def scan(exe, rule, kind, path):
    out = subprocess.run([exe, "scan", "--no-config", "--format", "json",
                          "--fail-on", "none", "--only", rule, "--kind", kind,
                          path], capture_output=True, timeout=60)
    assert out.returncode in (0, 1, 2), out.stderr.decode()
    return json.loads(out.stdout)


def problems(doc):
    return sorted((n["code"], n["message"]) for n in doc["notifications"]
                  if n["kind"] in ("parse-error", "parse-warning"))


def main():
    exe = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="plm-shapes-") as tmp:
        for rule, kind, name, before, want in CASES:
            path = os.path.join(tmp, rule, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(before.encode())
            try:
                doc = scan(exe, rule, kind, path)
                found = [f for f in doc["findings"] if f["rule"] == rule]
                edits = [e for f in found for e in f.get("edits", [])]
                assert edits, ("no edits", found)
                data = before.encode()
                for e in sorted(edits, key=lambda e: e["offset"],
                                reverse=True):
                    data = data[:e["offset"]] + e["text"].encode() + \
                        data[e["end_offset"]:]
                assert data.decode() == want, (data.decode(), want)
                with open(path, "wb") as f:
                    f.write(data)
                again = scan(exe, rule, kind, path)
                left = [f for f in again["findings"] if f["rule"] == rule]
                fixed = sum(1 for f in found if f.get("edits"))
                assert len(left) == len(found) - fixed, left
                assert problems(again) == problems(doc), problems(again)
                print("ok    %s %s" % (rule, name))
            except AssertionError as e:
                failures += 1
                print("FAIL  %s %s: %r" % (rule, name, e))
    # A Compose service whose `user: root` is written in an override
    # file: the finding lands there, and the fix that would go into the
    # base file is left out (it used to fail the policy: offsets of the
    # base file read in the override).
    with tempfile.TemporaryDirectory(prefix="plm-shapes-") as tmp:
        base = os.path.join(tmp, "compose.yaml")
        prod = os.path.join(tmp, "compose.prod.yaml")
        with open(base, "w") as f:
            f.write("services:\n  web:\n    image: nginx:1.27\n"
                    "    user: \"1000\"\n")
        with open(prod, "w") as f:
            f.write("services:\n  web:\n    user: root\n")
        out = subprocess.run([exe, "scan", "--no-config", "--format", "json",
                              "--only", "runs-as-root", "-f", base, "-f",
                              prod], capture_output=True, timeout=60)
        try:
            assert out.returncode == 1, (out.returncode, out.stdout)
            doc = json.loads(out.stdout)
            assert [n for n in doc["notifications"]
                    if n["kind"] == "policy-error"] == [], doc
            found = doc["findings"]
            assert len(found) == 1 and found[0]["path"] == prod and \
                "edits" not in found[0], found
            print("ok    runs-as-root in an override file: no edit")
        except AssertionError as e:
            failures += 1
            print("FAIL  runs-as-root in an override file: %r" % (e,))
    # privileged: true written only in the override: inserting `false`
    # in the base file would fix nothing (the override wins), and used
    # to be placed at the base file's offset in the override.
    with tempfile.TemporaryDirectory(prefix="plm-shapes-") as tmp:
        base = os.path.join(tmp, "compose.yaml")
        over = os.path.join(tmp, "compose.override.yaml")
        with open(base, "w") as f:
            f.write("services:\n  web:\n    image: nginx:1.27\n"
                    "    ports: [\"8080:80\"]\n    environment:\n"
                    "      MODE: prod\n")
        with open(over, "w") as f:
            f.write("services:\n  web:\n    privileged: true\n")
        out = subprocess.run([exe, "scan", "--no-config", "--format", "json",
                              "--only", "privileged", base],
                             capture_output=True, timeout=60)
        try:
            doc = json.loads(out.stdout)
            assert out.returncode == 1, (out.returncode, doc)
            found = doc["findings"]
            assert len(found) == 1 and found[0]["path"] == over and \
                "edits" not in found[0], found
            print("ok    privileged in an override file: no edit")
        except AssertionError as e:
            failures += 1
            print("FAIL  privileged in an override file: %r" % (e,))
    print("%d failed" % failures if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

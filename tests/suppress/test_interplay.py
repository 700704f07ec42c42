#!/usr/bin/env python3
"""Suppressions of findings about something missing, and how suppressions,
baselines and --fail-on combine: the comment before the line a missing
setting points at (the final FROM, a container's `- name:`) ignores it;
suppressed and baselined findings are counted but never fail the run.

usage: test_interplay.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None

# Two stages: only the final one is the container, so runs-as-root (no
# USER) points at the second FROM, and the comment above it covers it.
DOCKERFILE = ("FROM golang:1.22 AS build\n"
              "RUN go build ./...\n"
              "# plimsoll ignore=runs-as-root -- the entrypoint drops root\n"
              "FROM ubuntu:24.04\n"
              "RUN apt-get install curl\n"
              "COPY --from=build /go/bin/app /app\n")

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    # plimsoll ignore=writable-root-filesystem -- nginx writes its cache
    - name: app
      image: nginx:1.27
    - name: sidecar
      image: busybox:1.36
"""


def run(d, *args):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([PLIMSOLL, "scan", *args], cwd=d, env=env,
                          capture_output=True, text=True, timeout=120)


def write(d, name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


def json_scan(d, *args):
    r = run(d, "--format", "json", *args)
    doc = json.loads(r.stdout)
    return r, doc["findings"], doc["summary"]


class Interplay(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_missing_user_ignored_by_the_comment_above_the_final_from(self):
        write(self.d, "Dockerfile", DOCKERFILE)
        _, found, summary = json_scan(self.d, "--include-suppressed",
                                      "Dockerfile")
        root = [f for f in found if f["rule"] == "runs-as-root"]
        self.assertEqual(len(root), 1)
        self.assertEqual(root[0]["region"]["start_line"], 4)
        self.assertEqual(root[0]["suppression"],
                         {"kind": "in-source",
                          "justification": "the entrypoint drops root"})
        self.assertGreaterEqual(summary["suppressed"], 1)

    def test_missing_read_only_root_ignored_before_the_container_name(self):
        write(self.d, "pod.yaml", POD)
        _, found, _ = json_scan(self.d, "--include-suppressed", "pod.yaml")
        lines = sorted((f["region"]["start_line"],
                        f["suppression"] is not None)
                       for f in found
                       if f["rule"] == "writable-root-filesystem")
        # app (line 8) is covered by the comment above it; sidecar is not.
        self.assertEqual(lines, [(8, True), (10, False)])

    def test_fail_on_counts_neither_suppressed_nor_baselined(self):
        # runs-as-root (high) is suppressed in source; the other findings
        # (medium and below) are recorded in a baseline.
        write(self.d, "Dockerfile", DOCKERFILE)
        r = run(self.d, "--write-baseline", "base.json", "Dockerfile")
        self.assertEqual(r.returncode, 1, r.stderr)
        with open(os.path.join(self.d, "base.json")) as f:
            recorded = {e["rule"] for e in json.load(f)["findings"]}
        self.assertNotIn("runs-as-root", recorded)
        self.assertTrue(recorded)

        r, found, summary = json_scan(self.d, "--baseline", "base.json",
                                      "--fail-on", "info", "Dockerfile")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(found, [])
        self.assertGreaterEqual(summary["suppressed"], 1)
        self.assertGreaterEqual(summary["baselined"], len(recorded))

        # Without the comment the high finding is new: --fail-on high
        # fails, --fail-on critical does not.
        write(self.d, "Dockerfile", DOCKERFILE.replace(
            "# plimsoll ignore=runs-as-root -- the entrypoint drops root\n",
            ""))
        r, found, _ = json_scan(self.d, "--baseline", "base.json",
                                "--fail-on", "high", "Dockerfile")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual([f["rule"] for f in found], ["runs-as-root"])
        r = run(self.d, "--baseline", "base.json", "--fail-on", "critical",
                "Dockerfile")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_sarif_carries_in_source_suppressions_and_validates(self):
        validator = os.path.join(os.path.dirname(__file__), "..", "..",
                                 "..", "shared", "tools", "sarif-validate")
        write(self.d, "Dockerfile", DOCKERFILE)
        r = run(self.d, "--format", "sarif", "Dockerfile")
        plain = json.loads(r.stdout)["runs"][0]["results"]
        self.assertNotIn("runs-as-root", [x["ruleId"] for x in plain])
        r = run(self.d, "--format", "sarif", "--include-suppressed",
                "-o", "out.sarif", "Dockerfile")
        with open(os.path.join(self.d, "out.sarif")) as f:
            results = json.load(f)["runs"][0]["results"]
        root = [x for x in results if x["ruleId"] == "runs-as-root"]
        self.assertEqual(root[0]["suppressions"],
                         [{"kind": "inSource", "status": "accepted",
                           "justification": "the entrypoint drops root"}])
        if not os.access(validator, os.X_OK):
            self.skipTest("sarif-validate not found beside the tree")
        v = subprocess.run([validator, "--strict",
                            os.path.join(self.d, "out.sarif")],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

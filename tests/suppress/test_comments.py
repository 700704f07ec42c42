#!/usr/bin/env python3
"""Ignore comments in the peers' forms end to end: Checkov's
`checkov:skip=`, KICS's `kics-scan ignore-line`, `ignore` and `disable=`,
each honoured only for the rules that list that peer's codes, and each
suppressed finding kept (counted, shown under --include-suppressed with
its justification).

usage: test_comments.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None
SOCKET = '"/var/run/docker.sock:/var/run/docker.sock"'


def scan(files, *args):
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        r = subprocess.run([PLIMSOLL, "scan", "--format", "json",
                            "--include-suppressed", *args, "."], cwd=d,
                           capture_output=True, text=True, timeout=120)
    doc = json.loads(r.stdout)
    return doc["findings"], doc["summary"]


def by_rule(findings, rule):
    return [f for f in findings if f["rule"] == rule]


class PeerComments(unittest.TestCase):
    def test_checkov_skip_covers_the_rule_with_that_code(self):
        found, summary = scan({"Dockerfile":
                               "# checkov:skip=CKV_DOCKER_3: drops root "
                               "in its entrypoint\nFROM alpine:3.20\n"})
        root = by_rule(found, "runs-as-root")
        self.assertEqual(len(root), 1)
        self.assertEqual(root[0]["suppression"],
                         {"kind": "in-source",
                          "justification": "drops root in its entrypoint"})
        self.assertGreaterEqual(summary["suppressed"], 1)

    def test_checkov_skip_of_another_code_covers_nothing(self):
        found, _ = scan({"Dockerfile":
                         "# checkov:skip=CKV_DOCKER_2: no\nFROM alpine:3.20\n"})
        self.assertIsNone(by_rule(found, "runs-as-root")[0]["suppression"])

    def test_kics_ignore_line_covers_the_next_line_only(self):
        compose = ("services:\n"
                   "  a:\n    image: nginx:1.27\n    volumes:\n"
                   "      # kics-scan ignore-line\n"
                   "      - " + SOCKET + "\n"
                   "  b:\n    image: nginx:1.27\n    volumes:\n"
                   "      - " + SOCKET + "\n")
        found, _ = scan({"compose.yaml": compose})
        sock = {f["region"]["start_line"]: f["suppression"]
                for f in by_rule(found, "docker-socket-mount")}
        self.assertEqual(sorted(sock), [6, 10])
        self.assertIsNotNone(sock[6])
        self.assertIsNone(sock[10])

    def test_kics_ignore_covers_the_file_for_rules_with_kics_ids(self):
        compose = ("# kics-scan ignore\nservices:\n  a:\n"
                   "    image: nginx:1.27\n    volumes:\n"
                   "      - " + SOCKET + "\n")
        found, _ = scan({"compose.yaml": compose})
        self.assertIsNotNone(by_rule(found, "docker-socket-mount")[0]
                             ["suppression"])
        # runs-as-root names no KICS query: KICS's comment does not reach it.
        self.assertTrue(any(f["suppression"] is None for f in found))


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
  annotations:
    ignore-check.kube-linter.io/privileged-container: "the CNI agent needs it"
spec:
  template:
    metadata:
      annotations:
        plimsoll.dev/ignore: "runs-as-root,privilege-escalation -- vendor"
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: b
      annotations:
        plimsoll.dev/ignore: privileged
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
  - apiVersion: v1
    kind: Pod
    metadata:
      name: c
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
"""


class Annotations(unittest.TestCase):
    def test_object_and_pod_template_annotations(self):
        found, _ = scan({"k.yaml": DEPLOYMENT})
        got = {(f["rule"], f["region"]["start_line"]):
               (f["suppression"].get("justification") or "-")
               if f["suppression"] else None
               for f in found if f["rule"] in
               ("privileged", "runs-as-root", "privilege-escalation")}
        # The Deployment: its own annotation (kube-linter's, by alias)
        # and its pod template's (plimsoll's, with a reason).
        self.assertEqual(got[("privileged", 17)], "the CNI agent needs it")
        self.assertEqual(got[("runs-as-root", 14)], "vendor")
        self.assertEqual(got[("privilege-escalation", 14)], "vendor")
        # In a List, each item's annotation covers that item only.
        self.assertEqual(got[("privileged", 33)], "-")
        self.assertIsNone(got[("privileged", 43)])
        self.assertIsNone(got[("runs-as-root", 30)])


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

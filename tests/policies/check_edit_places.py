#!/usr/bin/env python3
"""A fix's edit lands on the container it is for, wherever the container
is written:
- in a stream of 300 documents, each container's edit replaces its own
  `privileged: true` (the edit is found by halving the stream's
  documents in the order the file writes them);
- in a list whose last item is an alias of the first (so the items are
  not in the file's order), the edit of the item between them is still
  its own (the look through every item when halving finds nothing).

usage: check_edit_places.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None
DOCS = 300

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d{i}
spec:
  selector:
    matchLabels: {{app: d{i}}}
  template:
    metadata:
      labels: {{app: d{i}}}
    spec:
      containers:
        - name: c
          image: registry.example/d{i}:1.0
          securityContext:
            privileged: true
"""

ALIASED = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - &first
      name: a
      image: nginx:1.27
      securityContext:
        privileged: true
    - name: b
      image: nginx:1.27
      securityContext:
        privileged: true
    - *first
"""


def scan(root, name):
    r = subprocess.run([PLIMSOLL, "scan", "--no-config", "--only",
                        "privileged", "--format", "json", name], cwd=root,
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise AssertionError("scan exited %d: %s" % (r.returncode, r.stderr))
    return json.loads(r.stdout)["findings"]


class EditPlaces(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.stream = "---\n".join(DEPLOYMENT.format(i=i) for i in range(DOCS))
        cls.aliased = ALIASED
        for name, text in (("stream.yaml", cls.stream),
                           ("aliased.yaml", cls.aliased)):
            with open(os.path.join(cls.tmp.name, name), "w") as f:
                f.write(text)

    def check_each_edit_replaces_its_own_value(self, text, findings):
        self.assertTrue(findings)
        lines = text.split("\n")
        for f in findings:
            edits = f.get("edits") or []
            self.assertEqual(len(edits), 1, f)
            e = edits[0]
            self.assertEqual(e["text"], "false")
            # the finding is at the value the edit replaces
            self.assertEqual(e["region"]["start_line"],
                             f["region"]["start_line"], f)
            self.assertEqual(text[e["offset"]:e["end_offset"]], "true")
            line = lines[e["region"]["start_line"] - 1]
            self.assertEqual(line.strip(), "privileged: true")

    def test_stream_of_documents(self):
        findings = scan(self.tmp.name, "stream.yaml")
        self.assertEqual(len(findings), DOCS)
        self.check_each_edit_replaces_its_own_value(self.stream, findings)
        self.assertEqual(len({f["edits"][0]["offset"] for f in findings}),
                         DOCS)

    def test_list_out_of_order(self):
        findings = scan(self.tmp.name, "aliased.yaml")
        self.check_each_edit_replaces_its_own_value(self.aliased, findings)
        self.assertIn(14, [f["region"]["start_line"] for f in findings])


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main()

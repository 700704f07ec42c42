#!/usr/bin/env python3
"""Baselines end to end: `--write-baseline` records a scan's findings,
`--baseline` reports only what is new, matched by fingerprint so lines
moving above a finding do not make it new; rewriting drops what is gone;
a bad baseline is an error that says where.

usage: test_baseline.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None

DOCKERFILE = "FROM ubuntu\nRUN apt-get install curl\n"
# The same file with lines added above the findings, and one new problem.
MOVED = ("FROM ubuntu\n# the tools we need\n\n"
         "RUN apt-get install curl\nRUN apt-get install wget\n")


def run(*args, cwd):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([PLIMSOLL, "scan", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def findings(result):
    doc = json.loads(result.stdout)
    return doc["findings"], doc["summary"]


class Baseline(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        write(os.path.join(self.d, "Dockerfile"), DOCKERFILE)

    def tearDown(self):
        self.tmp.cleanup()

    def record(self, name="base.json"):
        r = run("--format", "json", "--write-baseline", name, "Dockerfile",
                cwd=self.d)
        self.assertEqual(r.returncode, 1, r.stderr)
        with open(os.path.join(self.d, name)) as f:
            return json.load(f), findings(r)[0]

    def test_written_baseline_lists_every_finding_sorted(self):
        base, found = self.record()
        self.assertEqual(base["plimsoll_baseline"], 1)
        self.assertEqual(len(base["findings"]), len(found))
        self.assertGreater(len(found), 2)
        self.assertEqual(sorted(e["fingerprint"] for e in base["findings"]),
                         sorted(f["fingerprint"] for f in found))
        keys = [(e["path"], e["line"], e["rule"], e["fingerprint"])
                for e in base["findings"]]
        self.assertEqual(keys, sorted(keys))

    def test_same_scan_against_its_baseline_is_clean(self):
        base, _ = self.record()
        r = run("--format", "json", "--baseline", "base.json", "Dockerfile",
                cwd=self.d)
        self.assertEqual(r.returncode, 0, r.stderr)
        found, summary = findings(r)
        self.assertEqual(found, [])
        self.assertEqual(summary["baselined"], len(base["findings"]))

    def test_lines_moved_above_still_match_and_new_ones_are_reported(self):
        base, _ = self.record()
        write(os.path.join(self.d, "Dockerfile"), MOVED)
        r = run("--format", "json", "--baseline", "base.json", "Dockerfile",
                cwd=self.d)
        self.assertEqual(r.returncode, 1, r.stderr)
        found, summary = findings(r)
        self.assertTrue(found)
        # Only the new RUN line is reported: the old ones moved to line 4.
        self.assertEqual({f["region"]["start_line"] for f in found}, {5},
                         found)
        self.assertEqual(summary["baselined"], len(base["findings"]))

    def test_rewriting_drops_findings_that_are_gone(self):
        base, _ = self.record()
        write(os.path.join(self.d, "Dockerfile"),
              "FROM ubuntu\nRUN echo no installs here\n")
        r = run("--format", "json", "--baseline", "base.json",
                "--write-baseline", "base.json", "Dockerfile", cwd=self.d)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        with open(os.path.join(self.d, "base.json")) as f:
            again = json.load(f)
        rules = {e["rule"] for e in again["findings"]}
        self.assertNotIn("apt-get-missing-yes", rules)
        self.assertLess(len(again["findings"]), len(base["findings"]))
        self.assertTrue(again["findings"])

    def test_include_suppressed_shows_baselined_as_external(self):
        self.record()
        r = run("--format", "sarif", "--include-suppressed", "--baseline",
                "base.json", "Dockerfile", cwd=self.d)
        self.assertEqual(r.returncode, 0, r.stderr)
        results = json.loads(r.stdout)["runs"][0]["results"]
        self.assertTrue(results)
        for res in results:
            self.assertEqual([s["kind"] for s in res["suppressions"]],
                             ["external"])

    def test_fail_on_none_and_threshold(self):
        r = run("--fail-on", "none", "Dockerfile", cwd=self.d)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("--fail-on", "critical", "Dockerfile", cwd=self.d)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("--fail-on", "high", "Dockerfile", cwd=self.d)
        self.assertEqual(r.returncode, 1, r.stderr)

    def test_bad_baselines_are_errors_that_say_where(self):
        cases = {
            "syntax.json": ('{"plimsoll_baseline": 1,\n  "findings": [,]}',
                            "syntax.json:2:"),
            "shape.json": ('{"findings": []}', "not a plimsoll baseline"),
            "trailing.json": ('{"plimsoll_baseline": 1, "findings": []}\n'
                              '{}', "trailing.json:2:1:"),
            "missing.json": ('{"plimsoll_baseline": 1, "findings": '
                             '[{"rule": "x"}]}', "has no \"fingerprint\""),
            "version.json": ('{"plimsoll_baseline": 9, "findings": []}',
                             "version 9"),
            "entry.json": ('{"plimsoll_baseline": 1, "findings": '
                           '[{"fingerprint": "abc"}]}', "entry.json:1:55:"),
        }
        for name, (text, want) in cases.items():
            write(os.path.join(self.d, name), text)
            r = run("--baseline", name, "Dockerfile", cwd=self.d)
            self.assertEqual(r.returncode, 2, name)
            self.assertIn(want, r.stderr, name)
        r = run("--baseline", "absent.json", "Dockerfile", cwd=self.d)
        self.assertEqual(r.returncode, 2)
        self.assertIn("absent.json", r.stderr)


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

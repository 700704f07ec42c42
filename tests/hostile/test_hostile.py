#!/usr/bin/env python3
"""Bad input, end to end: one scan of a directory that holds good files and
hostile ones, generated at test time in a temporary directory.

Pins, for the whole directory scanned at once (--jobs 2 and --jobs 1):
- every good file's findings and notifications are exactly those it gets
  when scanned alone;
- every hostile file gets at least one error notification naming it, with a
  code and a message (a warning for invalid UTF-8, which is read with the
  bad bytes replaced), and never a flood (at most PLM_MAX_DIAGNOSTICS + 1);
- the run stays within a time bound (timeout) and a memory bound (RLIMIT_AS
  in the plain build; peak RSS from getrusage in every build: sanitizer
  runtimes reserve terabytes of address space, so ulimit -v cannot apply);
- the exit status is 2: the run was incomplete.

And, for policies that call library functions which would loop for hours
in C (pathological patterns, an empty string.rep, table functions over a
huge range), scanned with the good files: each ends as one instruction-limit
notification naming the policy file and line, within seconds, and the
built-in findings are unchanged.

The unreadable file: tests run as root, and root reads a chmod 000 file, so
when the test runs as root the scans run as `nobody` through setpriv(1)
(the files are made world-readable except that one). Without setpriv the
unreadable case is skipped with a message.

usage: test_hostile.py PLIMSOLL SOURCE_ROOT SANITIZE
  SANITIZE: meson's b_sanitize ("none" in the plain build)
"""
import json
import os
import random
import re
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

PLIMSOLL = None
SOURCE_ROOT = None
SANITIZED = False

MAX_DIAGNOSTICS = 1000          # core/model/document.h
TIME_LIMIT = 120                # seconds per scan (ASan is slower)
AS_LIMIT = 2 << 30              # bytes of address space, plain build
RSS_LIMIT_MB = 1536             # peak resident set, every build

GOOD = {
    "good/Dockerfile": "examples/dockerfile/Dockerfile",
    "good/hardened/Dockerfile": "examples/dockerfile/Dockerfile.hardened",
    "good/compose/docker-compose.yml": "examples/compose/docker-compose.yml",
    "good/k8s/deployment.yaml": "examples/kubernetes/deployment.yaml",
}


def deep_yaml(depth):
    return ("services:\n  web:\n    image: alpine\n    labels: "
            + "[" * depth + "]" * depth + "\n")


def billion_laughs():
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol}",
             "data:", '  a0: &a0 ["lol","lol","lol","lol","lol","lol",'
             '"lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"  a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def hostile_files():
    """name -> bytes; each is hostile in one way."""
    rnd = random.Random(6)
    junk = bytes(rnd.getrandbits(8) for _ in range(64 * 1024))
    return {
        # truncated in the middle of a construct
        "truncated/Dockerfile": b"FROM alpine:3.20\nRUN <<EOF\necho hi",
        "truncated/docker-compose.yml":
            b"services:\n  web:\n    image: \"alpine:3.2",
        "truncated/pod.yaml":
            b"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a",
        # binary junk under names we read
        "junk/Dockerfile": junk,
        "junk/compose.yaml": b"services:\n" + junk,
        # NUL bytes
        "nul/Dockerfile": b"FROM alpine\nRUN echo \x00\x00 hi\nUSER \x00\n",
        "nul/pod.yaml": b"apiVersion: v1\nkind: Pod\x00\nspec: {}\n",
        # invalid UTF-8
        "utf8/Dockerfile": b"FROM alpine\nLABEL x=\xff\xfe\xc0\xaf\nUSER r\xe9\n",
        "utf8/compose.yaml":
            b"services:\n  web:\n    image: \"alp\xffine\"\n",
        # one 100 MB line: over the file size limit
        "huge/Dockerfile": None,  # written by write_huge()
        # one 5 MB line: under the file size limit, over the line limit
        "longline/Dockerfile":
            b"FROM alpine\nRUN echo " + b"x" * (5 * 1024 * 1024) + b"\n",
        # 10,000 nested collections
        "deep/compose.yaml": deep_yaml(10000).encode(),
        "deep/pod.yaml": ("apiVersion: v1\nkind: Pod\nspec:\n"
                          + "".join("  " * i + "- a:\n" for i in
                                    range(1, 10001))).encode(),
        # exponential alias expansion
        "laughs/configmap.yaml": billion_laughs().encode(),
        # a .env whose variables double each other, line after line
        "envlaughs/compose.yaml":
            b"services:\n  web:\n    image: \"alpine:${A}\"\n",
        "envlaughs/.env": b"A=lol\n" + b"A=${A}${A}\n" * 64,
        "laughs/compose.yaml": ("services:\n  web:\n    image: alpine\n"
                                "x-lol:\n" + "\n".join(
                                    billion_laughs().splitlines()[4:])
                                + "\n").encode(),
    }


# Found by walking, these are passed over with a note saying why (never
# read, so never parsed); named on the command line they are read.
PASSED_OVER = {
    "junk/Dockerfile": "discover/binary",
    "junk/compose.yaml": "discover/binary",
    "nul/Dockerfile": "discover/binary",
    "nul/pod.yaml": "discover/binary",
    "huge/Dockerfile": "discover/too-large",
    "deep/pod.yaml": "discover/too-large",
    "fifo/Dockerfile": "discover/not-regular",
    "unreadable/Dockerfile": "discover/unreadable",
}


# Policies whose library calls would run for hours inside C, where the
# count hook cannot stop them: pattern backtracking, an empty string.rep
# (which returns at once, then the loop after it is stopped), a huge
# table.move, and table functions on a list whose metamethods say it is
# huge. Each runs its `-- here` line over the instruction budget.
RUNAWAY_POLICIES = {
    "pattern-find": """local s = string.rep("a", 50000)
    string.find(s, string.rep("a*", 15) .. "b") -- here""",
    "pattern-method": """local s = string.rep("a", 50000)
    local m = s:match(("a*"):rep(15) .. "b") -- here""",
    "pattern-gsub": """local s = string.rep("a", 30000)
    s:gsub(("a-"):rep(12) .. "b", "") -- here""",
    "pattern-gmatch": """local s = string.rep("a", 30000)
    for w in string.gmatch(s, ("a?"):rep(14) .. "b") do end -- here""",
    "rep-empty": """local s = string.rep("", 1e15) .. string.rep("", 1e15, "")
    while s == "" do end -- here""",
    "move-huge": """table.move({}, 1, 1e15, 2) -- here""",
    "insert-huge": """local t = setmetatable({}, {__len = function() return 1e15 end})
    table.insert(t, 1, 1) -- here""",
    "remove-huge": """local t = setmetatable({}, {__len = function() return 1e15 end})
    table.remove(t, 1) -- here""",
    "concat-huge": """local t = setmetatable({}, {__index = table.concat})
    table.concat(t, "", 1, 1e15) -- here""",
    "sort-huge": """local t = setmetatable({}, {__len = function() return 2^31 - 2 end,
        __index = tostring, __newindex = rawequal})
    table.sort(t) -- here""",
    # One instruction each, but each builds or walks 8 MB: the bytes
    # allocated and the bytes utf8 walks are charged too.
    "concat-big": """local s = string.rep("x", 8e6)
    for i = 1, 1e9 do local t = s .. "b" end -- here""",
    "utf8-len-big": """local s = string.rep("\\u{e9}", 4e6)
    for i = 1, 1e9 do local n = utf8.len(s) end -- here""",
}
# Single instructions slow in C that nothing charges (comparing two long
# equal-length strings) meet the wall-clock limit per run instead.
SLOW_COMPARE = """local a = string.rep("x", 8e6)
    local b = a:sub(1, -2) .. "y"
    for i = 1, 1e9 do local same = a == b end -- here"""
# Seconds for the whole scan: a bound on "it ends", not a benchmark. It
# takes 7-20 s under ASan alone; with the other suite running beside it
# on CI's two cores it reached 42 s, so the bound leaves room for that.
RUNAWAY_TIME_LIMIT = 240


def runaway_policy(name, body):
    """The policy text, and the line of its `-- here` marker."""
    text = f"""-- Hostile policy: {name}, a long loop in a library function
return {{
	id = "runaway-{name}",
	title = "Runaway {name}",
	severity = "low",
	applies_to = {{"dockerfile", "compose", "kubernetes"}},
	description = "A library call that would not return for hours.",
	check = function(doc, report)
		{body}
	end,
}}
"""
    line = next(i for i, t in enumerate(text.splitlines(), 1)
                if t.endswith("-- here"))
    return text, line


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_huge(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"FROM alpine\nRUN echo ")
        chunk = b"y" * (1 << 20)
        for _ in range(100):
            f.write(chunk)
        f.write(b"\n")


def as_nobody():
    """The argv prefix that drops root, or None when not root / no setpriv."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def limits():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def scan(prefix, *args, stdin=None, cwd=None):
    """Runs plimsoll scan --format json; returns (status, report, seconds,
    peak RSS of this child in MB)."""
    env = dict(os.environ, NO_COLOR="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    p = subprocess.Popen([*prefix, PLIMSOLL, "scan", "--format", "json",
                          *args], stdin=subprocess.PIPE if stdin else
                         subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, cwd=cwd,
                         preexec_fn=limits)
    if stdin:
        # The feeder owns standard input; communicate() must not touch it
        # (it would flush and close it, waiting on the feeder's lock while
        # plimsoll waits for its output to be read: a deadlock once the
        # report's header outgrows a pipe buffer).
        feeder, p.stdin = p.stdin, None
        threading.Thread(target=stdin, args=(feeder,), daemon=True).start()
    out, err = p.communicate(timeout=TIME_LIMIT)
    secs = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss = max(before, after) / 1024
    try:
        report = json.loads(out)
    except ValueError:
        raise AssertionError(f"not JSON (status {p.returncode}): "
                             f"{out[:400]!r} {err[-2000:]!r}")
    return p.returncode, report, secs, rss, err


def by_path(report, path):
    fs = [(f["rule"], f["region"] and tuple(sorted(f["region"].items())),
           f["message"]) for f in report["findings"] if f["path"] == path]
    ns = [(n["kind"], n["code"], n["message"],
           n["region"] and tuple(sorted(n["region"].items())))
          for n in report["notifications"] if n["path"] == path]
    return fs, ns


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = as_nobody()
        cls.tmp = tempfile.mkdtemp(prefix="plm-hostile-")
        os.chmod(cls.tmp, 0o755)
        cls.root = os.path.join(cls.tmp, "scan")
        for rel, src in GOOD.items():
            with open(os.path.join(SOURCE_ROOT, src), "rb") as f:
                write(os.path.join(cls.root, rel), f.read())
        cls.hostile = []
        for rel, data in hostile_files().items():
            path = os.path.join(cls.root, rel)
            if data is None:
                write_huge(path)
            else:
                write(path, data)
            if not rel.endswith("/.env"):
                cls.hostile.append(rel)
        # a symlink loop under a name we read
        os.makedirs(os.path.join(cls.root, "loop"))
        os.symlink("Dockerfile.b", os.path.join(cls.root, "loop/Dockerfile"))
        os.symlink("Dockerfile", os.path.join(cls.root, "loop/Dockerfile.b"))
        cls.hostile += ["loop/Dockerfile", "loop/Dockerfile.b"]
        # a FIFO with no writer
        os.makedirs(os.path.join(cls.root, "fifo"))
        os.mkfifo(os.path.join(cls.root, "fifo/Dockerfile"))
        cls.hostile.append("fifo/Dockerfile")
        # an unreadable file (only meaningful when not root)
        cls.unreadable = cls.prefix is not None
        if cls.unreadable:
            write(os.path.join(cls.root, "unreadable/Dockerfile"),
                  b"FROM alpine\n")
            cls.hostile.append("unreadable/Dockerfile")
        for base, dirs, files in os.walk(cls.root):
            os.chmod(base, 0o755)
            for n in files:
                p = os.path.join(base, n)
                if not os.path.islink(p) and stat.S_ISREG(os.lstat(p).st_mode):
                    os.chmod(p, 0o644)
        if cls.unreadable:
            os.chmod(os.path.join(cls.root, "unreadable/Dockerfile"), 0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def check_whole_run(self, jobs):
        status, report, secs, rss, err = scan(
            self.prefix, "--jobs", str(jobs), self.root)
        self.assertEqual(status, 2, err[-2000:])
        self.assertLess(secs, TIME_LIMIT)
        self.assertLess(rss, RSS_LIMIT_MB, "peak RSS in MB")
        self.assertFalse(report["summary"]["successful"])
        # The comparison below means something only if good files have
        # findings (the examples are written to trip the policies).
        good_paths = {self.path(rel) for rel in GOOD}
        self.assertTrue(any(f["path"] in good_paths
                            for f in report["findings"]))
        for rel in GOOD:
            with self.subTest(good=rel, jobs=jobs):
                p = self.path(rel)
                st, alone, _, _, _ = scan(self.prefix, p)
                self.assertIn(st, (0, 1))
                self.assertEqual(by_path(report, p), by_path(alone, p))
                self.assertIn(p, report["summary"]["paths"])
        for rel in self.hostile:
            with self.subTest(hostile=rel, jobs=jobs):
                p = self.path(rel)
                notes = [n for n in report["notifications"]
                         if n["path"] == p]
                if rel in PASSED_OVER:
                    self.assertEqual([(n["level"], n["code"]) for n in notes],
                                     [("note", PASSED_OVER[rel])])
                    self.assertNotIn(p, report["summary"]["paths"])
                    continue
                # Invalid UTF-8 is read (bytes replaced by U+FFFD) with a
                # warning; everything else here cannot be read fully.
                levels = ("error", "warning") if rel.startswith("utf8/") \
                    else ("error",)
                said = [n for n in notes if n["level"] in levels]
                self.assertTrue(said, f"no {levels} names {p}: {notes}")
                self.assertTrue(all(n["message"] and n["code"]
                                    for n in said))
                self.assertLessEqual(len(notes), MAX_DIAGNOSTICS + 1)
        return report

    def test_one_scan_of_good_and_hostile_files_with_two_jobs(self):
        self.check_whole_run(2)

    def test_one_scan_of_good_and_hostile_files_with_one_job(self):
        self.check_whole_run(1)

    def test_binary_files_named_on_the_command_line_are_read(self):
        named = [rel for rel, code in PASSED_OVER.items()
                 if code == "discover/binary"]
        status, report, secs, rss, err = scan(
            self.prefix, "--jobs", "2", *[self.path(rel) for rel in named])
        self.assertEqual(status, 2, err[-2000:])
        self.assertLess(secs, TIME_LIMIT)
        self.assertLess(rss, RSS_LIMIT_MB, "peak RSS in MB")
        for rel in named:
            with self.subTest(named=rel):
                p = self.path(rel)
                said = [n for n in report["notifications"]
                        if n["path"] == p and n["level"] == "error"]
                self.assertTrue(said, f"no error names {p}")
                self.assertTrue(all(n["message"] and n["code"]
                                    for n in said))

    def test_runaway_library_calls_end_at_the_instruction_limit(self):
        d = os.path.join(self.tmp, "runaway")
        os.makedirs(d)
        os.chmod(d, 0o755)
        lines = {}
        for name, body in RUNAWAY_POLICIES.items():
            text, lines[name] = runaway_policy(name, body)
            p = os.path.join(d, name + ".lua")
            write(p, text.encode())
            os.chmod(p, 0o644)
        good = [self.path(rel) for rel in GOOD]
        # A tenth of the default budget: any budget shows the runaway
        # calls end, and the sanitized build gets there ten times sooner.
        status, report, secs, _, err = scan(
            self.prefix, "--jobs", "2", "--policy-instructions", "2000000",
            # the budget, not the clock, must end them: a sanitized build
            # under load can spend 10 s on concat-big's allocations
            "--policy-timeout", "120",
            "--policy-dir", d, *good)
        self.assertEqual(status, 2, err[-2000:])
        self.assertLess(secs, RUNAWAY_TIME_LIMIT)
        _, plain, _, _, _ = scan(self.prefix, "--jobs", "2", *good)
        for p in good:
            with self.subTest(good=p):
                fs, _ = by_path(report, p)
                self.assertEqual(fs, by_path(plain, p)[0])
                notes = [n for n in report["notifications"]
                         if n["path"] == p]
                for name in RUNAWAY_POLICIES:
                    where = f"{name}.lua:{lines[name]}: instruction limit"
                    said = [n for n in notes
                            if n["code"] == "policy/instruction-limit"
                            and where in n["message"]]
                    self.assertEqual(len(said), 1, (name, notes))

    def test_slow_single_instructions_end_at_the_time_limit(self):
        d = os.path.join(self.tmp, "slow")
        os.makedirs(d)
        os.chmod(d, 0o755)
        text, line = runaway_policy("slow-compare", SLOW_COMPARE)
        p = os.path.join(d, "slow-compare.lua")
        write(p, text.encode())
        os.chmod(p, 0o644)
        good = [self.path(rel) for rel in GOOD]
        status, report, secs, _, err = scan(
            self.prefix, "--jobs", "2", "--policy-timeout", "0.5",
            "--policy-instructions", "1000000000000", "--policy-dir", d,
            *good)
        self.assertEqual(status, 2, err[-2000:])
        self.assertLess(secs, RUNAWAY_TIME_LIMIT)
        _, plain, _, _, _ = scan(self.prefix, "--jobs", "2", *good)
        # The watchdog ends the run at the first instruction past the
        # limit: on a loaded machine that can be while the strings are
        # still being built, a line or two above the loop.
        where = re.compile(r"slow-compare\.lua:(\d+): time limit exceeded "
                           r"\(0\.5 s\)")
        for p in good:
            with self.subTest(good=p):
                self.assertEqual(by_path(report, p)[0],
                                 by_path(plain, p)[0])
                said = [n for n in report["notifications"]
                        if n["path"] == p and n["code"] == "policy/time-limit"
                        and (m := where.search(n["message"]))
                        and line - 2 <= int(m.group(1)) <= line]
                self.assertEqual(len(said), 1, report["notifications"])

    def test_unreadable_file_is_reported_as_a_read_error(self):
        if not self.unreadable:
            self.skipTest("running as root without setpriv: root reads a "
                          "chmod 000 file")
        p = self.path("unreadable/Dockerfile")
        status, report, _, _, _ = scan(self.prefix, p)
        self.assertEqual(status, 2)
        codes = [n["code"] for n in report["notifications"]
                 if n["path"] == p]
        self.assertIn("io/read", codes)

    def test_file_that_vanishes_mid_scan_is_reported(self):
        # Standard input comes first in discovery order, and discovery ends
        # before any file is read: once plimsoll has drained more than a
        # pipe buffer of stdin, the directory has been walked, so deleting
        # a discovered file now makes it vanish between discovery and read.
        d = tempfile.mkdtemp(prefix="vanish-", dir=self.tmp)
        os.chmod(d, 0o755)
        good = os.path.join(d, "good/Dockerfile")
        gone = os.path.join(d, "gone/Dockerfile")
        write(good, b"FROM alpine:3.20\nUSER 1000\nBOGUS x\n")
        write(gone, b"FROM alpine:3.20\n")
        for p in (good, gone):
            os.chmod(p, 0o644)
            os.chmod(os.path.dirname(p), 0o755)

        def feed(pipe):
            pad = b"FROM alpine:3.20\n" + b"# pad\n" * 100000
            pipe.write(pad)         # blocks until plimsoll reads stdin
            os.unlink(gone)
            pipe.close()

        status, report, _, _, _ = scan(
            self.prefix, "--jobs", "1", "--kind", "dockerfile",
            "--stdin-filename", "stdin/Dockerfile", "-", d, stdin=feed)
        self.assertEqual(status, 2)
        notes = [n for n in report["notifications"] if n["path"] == gone]
        self.assertEqual([n["code"] for n in notes], ["io/read"], notes)
        self.assertIn("No such file", notes[0]["message"])
        _, alone, _, _, _ = scan(self.prefix, good)
        self.assertEqual(by_path(report, good), by_path(alone, good))


if __name__ == "__main__":
    PLIMSOLL, SOURCE_ROOT = os.path.abspath(sys.argv[1]), sys.argv[2]
    SANITIZED = sys.argv[3] != "none"
    unittest.main(argv=[sys.argv[0], "-v"])

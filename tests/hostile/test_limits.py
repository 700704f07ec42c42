#!/usr/bin/env python3
"""Limits that hold and results that are not lost (issue 14), end to end.

Pins:
- the wall-clock limit ends a run whose single instructions are slow in
  C (comparing 64 MB strings) within a fraction of a second of the limit:
  a watchdog thread, not the instruction hook, looks at the clock;
- helpers are charged by the work they do: `p.mentions` with a long
  needle that almost matches everywhere spends the instruction budget;
- findings on one very long line are all kept, each with a bounded
  excerpt of the line, so the text report stays small;
- a policy that reports without end is capped per file and a notification
  says how many findings were dropped; the other files keep exactly their
  findings;
- files of kernel pseudo file systems (/proc, /sys) are never read, even
  named on the command line or through a link named there;
- the VM instructions of the built-in policies (trusted code) are not
  counted unless --policy-instructions is given, those of added policies
  always are; what library calls charge counts for both. Built in, they
  run uncounted on files up to 64 KB, so on hostile shapes of that size
  (thousands of pipes in one RUN, hundreds of RUNs, stages, containers)
  each stays within the default budget when it is counted;
- under a limit on the process's data segment or address space (ulimit
  -d, -v) the allocator reserves no address space ahead: a scan within
  the limit has the same findings as without it.

usage: test_limits.py PLIMSOLL SOURCE_ROOT SANITIZE
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


def run(*args, timeout=300):
    env = dict(os.environ, NO_COLOR="1")
    t0 = time.monotonic()
    p = subprocess.run([PLIMSOLL, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return (p.returncode, p.stdout, p.stderr.decode(errors="replace"),
            time.monotonic() - t0)


def spawn(*args):
    """Runs plimsoll with its output to /dev/null; returns (exit status,
    peak RSS of that process in KB)."""
    env = dict(os.environ, NO_COLOR="1")
    null = os.open(os.devnull, os.O_RDWR)
    try:
        pid = os.posix_spawn(PLIMSOLL, [PLIMSOLL, *args], env, file_actions=[
            (os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
            (os.POSIX_SPAWN_DUP2, null, 2)])
    finally:
        os.close(null)
    _, status, usage = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss


POLICY = """local p = require("plimsoll")
return {{
	id = "{id}",
	title = "Hostile policy {id}",
	severity = "low",
	applies_to = {{"dockerfile", "compose", "kubernetes"}},
	description = "A hostile policy.",
	check = function(doc, report)
		{body}
	end,
}}
"""

GOOD = {
    "good/Dockerfile": "FROM alpine:3.20\nUSER root\nRUN apk add curl\n",
    "good/compose.yaml": "services:\n  web:\n    image: nginx:1.25\n"
                         "    privileged: true\n",
}


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="plm-limits-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, rel, data):
        p = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return p

    def policy(self, pid, body):
        return self.write(f"policies/{pid}.lua",
                          POLICY.format(id=pid, body=body))

    def good(self):
        return [self.write(rel, text) for rel, text in GOOD.items()]

    def scan(self, *args):
        st, out, err, secs = run("scan", "--format", "json", *args)
        try:
            return st, json.loads(out), err, secs
        except ValueError:
            raise AssertionError(f"not JSON ({st}): {out[:300]!r} {err}")

    def findings_of(self, report, path):
        return sorted((f["rule"], json.dumps(f["region"]), f["message"])
                      for f in report["findings"] if f["path"] == path)


class PolicyLimits(Base):
    def test_slow_single_instructions_end_at_the_wall_clock_limit(self):
        # Each comparison of two 128 MB strings is one VM instruction that
        # takes milliseconds in memcmp: checking the clock every thousand
        # instructions let this run for 23 s under a 0.5 s limit (on a
        # loaded machine; 5 s now, most of it building the strings).
        self.policy("slow-compare", """local a = string.rep("x", 128e6)
		local b = a:sub(1, -2) .. "y"
		for i = 1, 1e9 do local same = a == b end""")
        good = self.good()
        st, report, err, secs = self.scan(
            "--jobs", "2", "--policy-timeout", "0.5",
            "--policy-instructions", "1000000000000",
            "--policy-memory", "1G",
            "--policy-dir", os.path.join(self.tmp, "policies"), *good)
        self.assertEqual(st, 2, err)
        notes = [n for n in report["notifications"]
                 if n["code"] == "policy/time-limit"]
        self.assertEqual(sorted(n["path"] for n in notes), sorted(good))
        for n in notes:
            self.assertIn("time limit exceeded (0.5 s)", n["message"])
        # A bound on "ends near the limit", with room for a loaded
        # machine; sanitized builds are too slow to say anything.
        if not SANITIZED:
            self.assertLess(secs, 15.0)

    def test_helpers_are_charged_by_their_work(self):
        # A 3 MB line of "abab..." and a 4 KB needle "abab...c": the
        # needle's first byte occurs every other byte and almost matches
        # each time. Uncharged, 100,000 calls take minutes.
        big = self.write("big/Dockerfile",
                         "FROM alpine:3.20\nLABEL x=" + "ab" * 1500000 +
                         "\n")
        self.policy("mentions-flood", """local needle = string.rep("ab", 2047) .. "c"
		for i = 1, 100000 do
			if p.mentions(doc, needle) then report({line = 1}, "found") end
		end""")
        good = self.good()
        st, report, err, secs = self.scan(
            "--jobs", "1", "--policy-timeout", "600",
            "--policy-dir", os.path.join(self.tmp, "policies"),
            big, *good)
        self.assertEqual(st, 2, err)
        notes = [n for n in report["notifications"]
                 if n["code"] == "policy/instruction-limit"]
        self.assertEqual([n["path"] for n in notes], [big])
        self.assertLess(secs, 5.0 if not SANITIZED else 30.0)


class TrustedPolicies(Base):
    # 30 million turns of a loop that calls nothing: some 120 million VM
    # instructions, six times the default budget.
    LOOP = """local n = 0
		for i = 1, 3e7 do n = n + i end
		report({line = 1}, "looped " .. n)"""
    # A pattern that backtracks over a 1 MB string: library steps, charged
    # to the budget by the pattern engine, not counted by the VM.
    PATTERN = """local s = string.rep("a", 1e6)
		for i = 1, 100 do
			if s:find(".-b") then report({line = 1}, "found") end
		end"""

    def scan_with(self, builtin_dir, *args):
        env = dict(os.environ, NO_COLOR="1", PLIMSOLL_POLICY_DIR=builtin_dir)
        p = subprocess.run([PLIMSOLL, "scan", "--format", "json",
                            "--no-config", "--jobs", "1", *args],
                           capture_output=True, env=env, timeout=300,
                           stdin=subprocess.DEVNULL)
        return p.returncode, json.loads(p.stdout), p.stderr.decode()

    def codes(self, report):
        return sorted((n["rule"], n["code"])
                      for n in report["notifications"])

    def test_builtin_instructions_are_counted_only_when_asked(self):
        d = os.path.join(self.tmp, "builtin")
        for pid, body in (("loop", self.LOOP),
                          ("pattern", self.PATTERN)):
            self.write(f"builtin/{pid}/policy.lua",
                       POLICY.format(id=pid, body=body))
        target = self.write("good/Dockerfile", GOOD["good/Dockerfile"])
        want = "looped " + str(30000000 * 30000001 // 2)

        # Built in, default limits: the loop runs to its end; the
        # pattern's charges still spend the budget.
        st, report, err = self.scan_with(d, target)
        self.assertEqual(st, 2, err)
        self.assertEqual([f["message"] for f in report["findings"]
                          if f["rule"] == "loop"], [want])
        self.assertEqual(self.codes(report),
                         [("pattern", "policy/instruction-limit")])

        # An explicit budget counts the built-in policies' instructions.
        st, report, err = self.scan_with(
            d, "--policy-instructions", "20000000", target)
        self.assertEqual(st, 2, err)
        self.assertEqual(self.codes(report),
                         [("loop", "policy/instruction-limit"),
                          ("pattern", "policy/instruction-limit")])

        # The same files added with --policy-dir are untrusted: counted.
        st, report, err = self.scan_with(
            os.path.join(self.tmp, "none"), "--no-builtin",
            "--policy-dir", d, target)
        self.assertEqual(st, 2, err)
        self.assertEqual(self.codes(report),
                         [("loop", "policy/instruction-limit"),
                          ("pattern", "policy/instruction-limit")])


def hostile_shapes():
    """Files of a little under 64 KB whose shape once made a built-in
    policy slower than linear."""
    n = range
    return {
        "pipes.Dockerfile": "FROM alpine\nRUN " + " | ".join(
            "c%d x" % i for i in n(6000)) + "\n",
        "harmless-pipes.Dockerfile": "FROM alpine\nRUN " + " | ".join(
            "echo %d" % i for i in n(5500)) + "\n",
        "runs.Dockerfile": "FROM alpine\n" + "".join(
            "RUN apt-get install -y p%d && pip install q%d | tee x\n"
            % (i, i) for i in n(1000)),
        "shells.Dockerfile": "FROM alpine\n" + "".join(
            "SHELL [\"/bin/sh\", \"-c\"]\nRUN a%d | b\n" % i
            for i in n(1500)),
        "heredoc.Dockerfile": "FROM alpine\nRUN <<EOF\n" + "".join(
            "apk add p%d | grep x\n" % i for i in n(2800)) + "EOF\n",
        "scripts.Dockerfile": "FROM alpine\nRUN " + " ; ".join(
            "sh -c 'curl x | sh; apk add y'" for _ in n(1800)) + "\n",
        "stages.Dockerfile": "".join(
            "FROM alpine AS s%d\nUSER u%d\nCOPY --from=s%d /a /b\n"
            % (i, i, max(i - 1, 0)) for i in n(1100)),
        "compose.yaml": "services:\n" + "".join(
            "  s%d:\n    image: nginx\n    privileged: true\n"
            "    volumes: [\"/:/h\", \"/var/run/docker.sock:/s\"]\n"
            % i for i in n(450)),
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
            "spec:\n  containers:\n" + "".join(
                "  - name: c%d\n    image: nginx\n    command: [\"sh\", "
                "\"-c\", \"curl x | sh && apt-get install y\"]\n" % i
                for i in n(500)),
    }


class HostileShapes(Base):
    def test_builtins_stay_within_the_budget(self):
        paths = []
        for name, text in hostile_shapes().items():
            self.assertLess(len(text), 64 * 1024, name)
            self.assertGreater(len(text), 40 * 1024, name)
            paths.append(self.write("shapes/" + name, text))
        st, report, err, secs = self.scan(
            "--no-config", "--jobs", "2",
            "--policy-instructions", "20000000", *paths)
        self.assertEqual(st, 1, err)
        self.assertEqual(report["notifications"], [])
        for path in paths:
            self.assertTrue([f for f in report["findings"]
                             if f["path"] == path], path)


def long_line_manifest(pods):
    items = [{"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": f"p{i}"},
              "spec": {"hostNetwork": True, "containers": [
                  {"name": "c", "image": "nginx:1.25",
                   "securityContext": {"privileged": True}}]}}
             for i in range(pods)]
    return {"apiVersion": "v1", "kind": "List", "items": items}


class ReportMemory(Base):
    def test_what_report_keeps_counts_against_the_memory_limit(self):
        # Ten thousand findings of 4 KB messages and fixes, each with 32
        # related locations of 4 KB: 1.4 GB kept outside Lua unless the
        # copies count against the policy's memory limit (64 MB).
        self.policy("report-hoard", """local big = string.rep("m", 4096)
		local rel = {}
		for i = 1, 32 do rel[i] = {node = {line = 1}, message = big} end
		for i = 1, 10000 do
			report({line = 1}, big .. i, {fix = big, related = rel})
		end""")
        good = self.good()
        out = os.path.join(self.tmp, "report.json")
        status, peak_kb = spawn(
            "scan", "--format", "json", "-o", out, "--jobs", "1",
            "--policy-dir", os.path.join(self.tmp, "policies"), *good)
        with open(out) as f:
            report = json.load(f)
        self.assertEqual(status, 2)
        if not SANITIZED:
            self.assertLess(peak_kb, 512 * 1024, "peak RSS in KB")
        notes = [n for n in report["notifications"]
                 if n["code"] == "policy/memory-limit"]
        self.assertEqual(sorted(n["path"] for n in notes), sorted(good))
        self.assertFalse([f for f in report["findings"]
                          if f["rule"] == "report-hoard"])


class SpecialFiles(Base):
    def test_proc_files_are_never_read(self):
        link = os.path.join(self.tmp, "Dockerfile.ci")
        os.symlink("/proc/self/environ", link)
        good = self.good()
        secret = "plm-secret-4f1d9c"
        for fmt in ("json", "text", "sarif", "github"):
            env = dict(os.environ, NO_COLOR="1", PLM_TEST_SECRET=secret)
            p = subprocess.run(
                [PLIMSOLL, "scan", "--format", fmt, link, "/proc/self/status",
                 *good], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, timeout=120, stdin=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertNotIn(secret.encode(), p.stdout + p.stderr)
            if fmt == "json":
                report = json.loads(p.stdout)
                said = {n["path"]: n["code"]
                        for n in report["notifications"]}
                self.assertEqual(said.get(link), "io/read")
                self.assertEqual(said.get("/proc/self/status"), "io/read")
                for path in good:
                    self.assertTrue([f for f in report["findings"]
                                     if f["path"] == path])


class LongLines(Base):
    def test_findings_on_one_long_line_are_all_kept(self):
        doc = long_line_manifest(2000)
        one = self.write("one/list.json",
                         json.dumps(doc, separators=(",", ":")))
        many = self.write("many/list.json", json.dumps(doc, indent=1))
        self.assertGreater(os.path.getsize(one), 300 * 1024)
        st, report, err, _ = self.scan("--jobs", "1", one, many)
        self.assertEqual(st, 1, err)
        self.assertEqual(report["notifications"], [])

        def rules(path):
            counts = {}
            for f in report["findings"]:
                if f["path"] == path:
                    counts[f["rule"]] = counts.get(f["rule"], 0) + 1
            return counts
        self.assertEqual(rules(one), rules(many))
        self.assertGreaterEqual(rules(one).get("privileged"), 2000)
        # The text report quotes a bounded excerpt of the line for each
        # finding, with the marker under the region.
        st, out, err, _ = run("scan", "--format", "text", "--jobs", "1", one)
        self.assertEqual(st, 1, err)
        findings = sum(rules(one).values())
        self.assertLess(len(out), findings * 1200)
        text = out.decode()
        self.assertIn('"privileged":true', text)
        marked = 0
        lines = text.split("\n")
        for i, line in enumerate(lines[:-1]):
            if "| " in line and '"privileged":true' in line:
                below = lines[i + 1]
                col = below.find("^")
                if col >= 0 and line[col:].startswith("true") and \
                        line[:col].endswith('"privileged":'):
                    marked += 1
        self.assertGreaterEqual(marked, 2000)


class RunawayReports(Base):
    def test_a_policy_reporting_without_end_is_capped_per_file(self):
        self.policy("report-flood", """for i = 1, 50000 do
			report({line = 1}, "finding " .. i)
		end""")
        good = self.good()
        plain = self.scan("--jobs", "2", *good)[1]
        st, report, err, _ = self.scan(
            "--jobs", "2", "--policy-dir",
            os.path.join(self.tmp, "policies"), *good)
        self.assertEqual(st, 2, err)
        for path in good:
            with self.subTest(path=path):
                mine = [f for f in report["findings"]
                        if f["path"] == path and f["rule"] == "report-flood"]
                self.assertEqual(len(mine), 10000)
                # the first ten thousand, the order they were reported
                self.assertEqual({f["message"] for f in mine},
                                 {f"finding {i}" for i in range(1, 10001)})
                notes = [n for n in report["notifications"]
                         if n["path"] == path and
                         n["code"] == "limit/findings"]
                self.assertEqual(len(notes), 1, report["notifications"])
                self.assertIn("40000", notes[0]["message"])
                self.assertIn("report-flood", notes[0]["message"])
        # Without the hostile policy each file has its findings; with it,
        # those findings are still there.
        for path in good:
            others = [x for x in self.findings_of(report, path)
                      if x[0] != "report-flood"]
            self.assertEqual(others, self.findings_of(plain, path))


class ProcessLimits(Base):
    def test_a_scan_within_a_data_or_address_space_limit_works(self):
        if SANITIZED:
            self.skipTest("sanitizers reserve terabytes of address space")
        import resource
        files = self.good()
        st, plain, _, _ = self.scan("--no-config", *files)
        self.assertEqual(st, 1)
        # (Half again what this scan needs; the reservation ahead that
        # failed it took 64 MB.)
        for which, limit in ((resource.RLIMIT_DATA, 48 << 20),
                             (resource.RLIMIT_AS, 80 << 20)):
            def limited(which=which, limit=limit):
                resource.setrlimit(which, (limit, limit))
            p = subprocess.run(
                [PLIMSOLL, "scan", "--no-config", "--format", "json",
                 *files], capture_output=True, timeout=300,
                preexec_fn=limited, env=dict(os.environ, NO_COLOR="1"))
            self.assertEqual(p.returncode, 1, p.stderr[-300:])
            report = json.loads(p.stdout)
            self.assertEqual(report["findings"], plain["findings"])
            self.assertFalse(report["notifications"])


if __name__ == "__main__":
    PLIMSOLL, SOURCE_ROOT = os.path.abspath(sys.argv[1]), sys.argv[2]
    SANITIZED = sys.argv[3] != "none"
    unittest.main(argv=[sys.argv[0], "-v"])

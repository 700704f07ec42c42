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
  custom `# syntax=` frontends; spellings of uid 0;
- Compose `extends` cannot amplify the input past a budget;
- Compose interpolation reads the environment only with
  --env-interpolation, and its values appear in no format.

usage: test_edges.py PLIMSOLL SOURCE_ROOT SANITIZE
"""
import json
import os
import resource
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


def read(path):
    with open(path, "rb") as f:
        return f.read()


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


SLOW_POLICY = """-- Hostile policy: spins until the time limit
return {
	id = "spin",
	title = "Spin",
	severity = "low",
	applies_to = {"dockerfile"},
	description = "Loops until the time limit.",
	check = function(doc, report)
		while true do end
	end,
}
"""


class Outputs(Base):
    def setUp(self):
        super().setUp()
        self.dockerfile = self.write("scan/Dockerfile",
                                     "FROM alpine:3.20\nUSER root\n")
        self.compose = self.write("scan/compose.yaml",
                                  "services:\n  web:\n    image: alpine\n")

    def refused(self, *args, expect):
        before = {p: read(p) for p in
                  (self.dockerfile, self.compose)}
        st, out, err = run("scan", *args)
        self.assertEqual(st, 2, err)
        self.assertIn(expect, err)
        for p, data in before.items():
            self.assertEqual(read(p), data, p)
        return out

    def test_output_naming_an_input_is_refused_before_anything_is_written(self):
        other = os.path.join(self.tmp, "new.sarif")
        scan_dir = os.path.join(self.tmp, "scan")
        linked = os.path.join(self.tmp, "link.yaml")
        os.symlink(self.compose, linked)
        hard = os.path.join(self.tmp, "hard-Dockerfile")
        os.link(self.dockerfile, hard)
        for args in (
                # the file given
                ["--format", "json", "-o", self.dockerfile, self.dockerfile],
                # found by walking a directory, named another way
                ["--format", "sarif", "-o", other, "--format", "json", "-o",
                 os.path.join(scan_dir, ".", "compose.yaml"), scan_dir],
                # through a symbolic link, and a hard link
                ["--format", "json", "-o", linked, scan_dir],
                ["--format", "text", "-o", hard, scan_dir],
                # a -f file
                ["--format", "json", "-o", self.compose, "-f", self.compose]):
            with self.subTest(args=args):
                self.refused(*args, expect="is one of the files scanned")
                self.assertFalse(os.path.exists(other))

    def test_two_formats_writing_one_file_are_refused(self):
        out = os.path.join(self.tmp, "report")
        for first, second in ((out, out),
                              (out, os.path.join(self.tmp, ".", "report"))):
            with self.subTest(second=second):
                self.refused("--format", "json", "-o", first, "--format",
                             "sarif", "-o", second, self.dockerfile,
                             expect="are the same file")
                self.assertFalse(os.path.exists(out))
        write_existing = self.write("existing.json", "old")
        self.refused("--format", "json", "-o", write_existing, "--format",
                     "text", "-o", write_existing, self.dockerfile,
                     expect="are the same file")
        self.assertEqual(read(write_existing).decode(), "old")

    def test_a_report_replaces_the_old_one_only_when_complete(self):
        report = self.write("out/report.json", "the previous report")
        os.chmod(report, 0o640)
        policies = self.write("policies/spin.lua", SLOW_POLICY)
        p = subprocess.Popen(
            [PLIMSOLL, "scan", "--format", "json", "-o", report,
             "--policy-dir", os.path.dirname(policies), "--policy-timeout",
             "60", "--policy-instructions", "1000000000000000",
             self.dockerfile], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.5)
            self.assertIsNone(p.poll(), "the scan should still be running")
            # Killed mid-run: the old report is whole.
            self.assertEqual(read(report).decode(), "the previous report")
        finally:
            p.kill()
            p.wait()
        self.assertEqual(read(report).decode(), "the previous report")
        # A complete run replaces it, keeping its permissions, and leaves
        # no temporary file behind.
        st, out, err = run("scan", "--format", "json", "-o", report,
                           self.dockerfile)
        self.assertEqual(st, 1, err)
        self.assertEqual(out, b"")
        data = json.loads(read(report))
        self.assertTrue(data["findings"])
        self.assertEqual(os.stat(report).st_mode & 0o777, 0o640)
        left = [n for n in os.listdir(os.path.dirname(report))
                if n != "report.json" and "plimsoll-" in n]
        # only the killed run's temporary file may be left
        self.assertLessEqual(len(left), 1, left)

    def test_a_report_through_a_link_or_to_a_device_stays_what_it_was(self):
        target = self.write("out/real.json", "old")
        link = os.path.join(self.tmp, "out/link.json")
        os.symlink("real.json", link)
        st, _, err = run("scan", "--format", "json", "-o", link,
                         self.dockerfile)
        self.assertEqual(st, 1, err)
        self.assertTrue(os.path.islink(link))
        self.assertTrue(json.loads(read(target))["findings"])
        st, _, err = run("scan", "--format", "json", "-o", "/dev/null",
                         self.dockerfile)
        self.assertEqual(st, 1, err)
        import stat as st_mod
        self.assertTrue(st_mod.S_ISCHR(os.stat("/dev/null").st_mode))

    def test_workflow_commands_escape_every_property(self):
        name = "a\x1b[31m\x07,b:c%d\r\u009b.Dockerfile"
        d = os.path.join(self.tmp, "gh")
        os.makedirs(d)
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write("FROM alpine:3.20\nUSER root\n")
        st, out, err = run("scan", "--format", "github", "--kind",
                           "dockerfile", name, cwd=d)
        self.assertEqual(st, 1, err)
        text = out.decode()
        lines = text.splitlines()
        self.assertTrue(lines, text)
        for line in lines:
            self.assertTrue(line.startswith("::"), line)
            self.assertFalse(any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f
                                 for c in line), repr(line))
            props, _, message = line[2:].partition("::")
            self.assertIn("file=a%1B[31m%07%2Cb%3Ac%25d%0D%C2%9B.Dockerfile",
                          props)
            # properties split on ',' into key=value pairs only
            level, _, props = props.partition(" ")
            for pair in props.split(","):
                self.assertRegex(pair, r"^(file|line|endLine|col|endColumn|"
                                 r"title)=[^:]*$")


def one_line_manifest(size):
    """A minified JSON Deployment on one line of about `size` bytes: a
    few thousand containers with multi-byte characters in long values.
    Returns (bytes, the byte offset of the last container's name value)."""
    containers = []
    pad = "\u00e9x" * 120
    n = size // 900
    for i in range(n):
        containers.append({"name": f"c{i}", "image": f"app:{i}",
                           "securityContext": {"privileged": True},
                           "env": [{"name": "A", "value": pad},
                                   {"name": "B", "value": pad}]})
    doc = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "big"},
           "spec": {"template": {"spec": {"containers": containers}}}}
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    data = text.encode()
    needle = f'"name":"c{n - 1}"'.encode()
    return data + b"\n", data.rindex(needle) + len(b'"name":')


class LongLines(Base):
    # CPU seconds of the child; sanitizers slow everything tenfold. The
    # quadratic column computation took 174 s on a 780 KB line: any bound
    # of seconds on 3 MB shows linear time. The debug build's dump of the
    # full container record takes 1.3-1.8 s here, so 4 s leaves room for
    # a loaded machine.
    BOUND = 4.0

    def cpu(self, *args):
        # meson's MALLOC_PERTURB_ fills every allocation: not what is
        # measured here.
        env = {k: v for k, v in os.environ.items()
               if k != "MALLOC_PERTURB_"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([PLIMSOLL, *args], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600, env=env,
                           stdin=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        secs = (after.ru_utime - before.ru_utime
                + after.ru_stime - before.ru_stime)
        return p.returncode, p.stdout, p.stderr.decode(), secs

    def test_spans_of_a_3mb_one_line_manifest_take_linear_time(self):
        data, offset = one_line_manifest(3 << 20)
        path = self.write("big.json", data)
        bound = self.BOUND * (10 if SANITIZED else 1)
        st, out, err, secs = self.cpu("dump", "--spans", path)
        self.assertEqual(st, 0, err)
        self.assertLess(secs, bound, "dump --spans, CPU seconds")
        # The last container's name: columns count characters, not bytes.
        column = len(data[:offset].decode()) + 1
        last = data.decode().count('"name":"c')
        self.assertIn(f'"span": "1:{column}-1:{column + len(str(last - 1)) + 3}"',
                      out.decode())
        # A scan computes the findings' regions the same way, and keeps
        # every finding (test_limits.py counts them). Every policy runs
        # over the 3 MB too: three times the bound.
        st, out, err, secs = self.cpu("scan", "--jobs", "1", "--format",
                                      "json", path)
        self.assertEqual(st, 1, err)
        self.assertLess(secs, 3 * bound, "scan, CPU seconds")
        report = json.loads(out)
        self.assertTrue(report["findings"])
        self.assertTrue(all(f["region"]["start_line"] == 1
                            for f in report["findings"]))

POD_WITH_TEXT = """apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: a
    image: nginx:1.25
    securityContext:
      seLinuxOptions:
        level: >-
          s0
          # plimsoll ignore=privileged
      privileged: true
  - name: b
    image: nginx:1.25
    args:
    - |
      # plimsoll ignore-file=runs-as-root
      echo hi
"""


class Parsing(Base):
    def findings(self, *args):
        st, report, err = self.scan_json("--include-suppressed", *args)
        self.assertIn(st, (0, 1), err)
        return [(f["rule"], f["region"]["start_line"],
                 f["region"]["start_column"], f["region"]["end_line"],
                 f["region"]["end_column"], f["suppression"] is not None)
                for f in report["findings"]]

    def test_directives_inside_block_scalars_are_text(self):
        p = self.write("pod.yaml", POD_WITH_TEXT)
        fs = self.findings(p)
        self.assertIn(("privileged", 14), [f[:2] for f in fs])
        self.assertFalse([f for f in fs if f[5]], fs)
        self.assertTrue([f for f in fs if f[0] == "runs-as-root"], fs)
        # a real comment in the same place does suppress
        real = POD_WITH_TEXT.replace("        level: >-\n          s0\n",
                                     "        level: s0\n")
        real = real.replace("          # plimsoll ignore=privileged",
                            "      # plimsoll ignore=privileged")
        fs = self.findings(self.write("real/pod.yaml", real))
        self.assertTrue([f for f in fs if f[0] == "privileged" and f[5]], fs)

    def test_directives_inside_heredocs_are_text(self):
        text = ("FROM alpine:3.20\nRUN <<EOF\necho hi\n"
                "  # plimsoll ignore-file=runs-as-root\nEOF\nUSER root\n")
        fs = self.findings(self.write("heredoc/Dockerfile", text))
        self.assertEqual([f for f in fs if f[0] == "runs-as-root"],
                         [("runs-as-root", 6, 6, 6, 10, False)])
        real = text.replace("  # plimsoll", "# plimsoll").replace(
            "RUN <<EOF\necho hi\n", "RUN echo hi\n").replace("EOF\n", "")
        fs = self.findings(self.write("real/Dockerfile", real))
        self.assertTrue(all(f[5] for f in fs if f[0] == "runs-as-root"), fs)
        self.assertTrue(fs)

    def test_cr_only_and_crlf_files_have_the_lines_of_lf_files(self):
        for name, text, kind in (
                ("pod.yaml", POD_WITH_TEXT, None),
                ("compose.yaml", "services:\n  web:\n    image: alpine\n"
                 "    # a comment\n    privileged: true\n"
                 "    user: root\n", None),
                ("Dockerfile", "FROM alpine:3.20\n# plimsoll ignore="
                 "no-healthcheck\nUSER root\n", None)):
            lf = self.findings(self.write("lf/" + name, text))
            self.assertTrue(lf)
            crlf = self.findings(self.write("crlf/" + name,
                                            text.replace("\n", "\r\n")))
            self.assertEqual(crlf, lf, name)
            if name == "Dockerfile":
                # Docker splits lines at LF only: one line, and a warning
                # where the first lone CR is.
                st, report, err = self.scan_json(self.write(
                    "cr/" + name, text.replace("\n", "\r")))
                notes = [(n["code"], n["region"]["start_line"],
                          n["region"]["start_column"])
                         for n in report["notifications"]]
                self.assertIn(("dockerfile/cr-line-ending", 1, 17), notes)
                self.assertNotIn("dockerfile/cr-line-ending",
                                 [n["code"] for n in
                                  self.scan_json(self.write(
                                      "crlf2/" + name, text.replace(
                                          "\n", "\r\n")))[1][
                                      "notifications"]])
                continue
            cr = self.findings(self.write("cr/" + name,
                                          text.replace("\n", "\r")))
            self.assertEqual(cr, lf, name)

    def test_every_spelling_of_uid_0_is_root(self):
        for spelling in ("+0", "-0", "000", "0:0", "+0:0", "root:root"):
            with self.subTest(user=spelling):
                fs = self.findings(self.write(
                    "Dockerfile", f"FROM alpine:3.20\nUSER {spelling}\n"))
                self.assertIn(("runs-as-root", 2),
                              [f[:2] for f in fs], spelling)
                fs = self.findings(self.write(
                    "compose.yaml", "services:\n  web:\n    image: alpine"
                    f":3.20\n    user: \"{spelling}\"\n"))
                self.assertIn(("runs-as-root", 4),
                              [f[:2] for f in fs], spelling)
        fs = self.findings(self.write("Dockerfile",
                                      "FROM alpine:3.20\nUSER 0x0\n"))
        self.assertNotIn("runs-as-root", [f[0] for f in fs])

    def test_a_custom_syntax_frontend_gets_a_note(self):
        digest = "@sha256:" + "0123456789abcdef" * 4
        for frontend, custom in (
                ("docker/dockerfile:1", False),
                ("docker/dockerfile", False),
                ("docker/dockerfile:1.7-labs" + digest, False),
                ("docker.io/docker/dockerfile-upstream:master", False),
                ("example.com/team/frontend:1", True),
                ("docker/dockerfile-evil:1", True),
                ("docker/dockerfile:1@sha256:abc", True)):
            with self.subTest(frontend=frontend):
                p = self.write("Dockerfile", f"# syntax={frontend}\n"
                               "FROM alpine:3.20\nUSER 1000\n")
                st, report, err = self.scan_json(p)
                self.assertIn(st, (0, 1), err)
                self.assertTrue(report["summary"]["successful"])
                notes = [n for n in report["notifications"]
                         if n["code"] == "dockerfile/custom-syntax"]
                self.assertEqual(len(notes), 1 if custom else 0, notes)
                if custom:
                    self.assertEqual(notes[0]["region"]["start_line"], 1)
                    self.assertIn(frontend, notes[0]["message"])


class EnvironmentValues(Base):
    """Compose interpolation reads the process environment only when asked,
    and what it reads there is never shown, in any format."""
    SECRET = "s3cr3t-Token-Value"
    COMPOSE = ('services:\n  web:\n    image: "${REG}/app:1"\n'
               '    cap_add: ["${TOKEN}"]\n    user: "${RUN_AS}"\n'
               '    environment:\n      PASSWORD: "${TOKEN}"\n')
    FORMATS = ("text", "json", "sarif", "gnu", "github", "checkstyle",
               "junit", "codeclimate", "html")

    def scan_env(self, *args):
        env = dict(os.environ, NO_COLOR="1", TOKEN=self.SECRET,
                   REG="registry.internal.example")
        p = subprocess.run([PLIMSOLL, "scan", *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=120, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def test_the_environment_is_not_read_unless_asked(self):
        self.write("app/.env", "RUN_AS=0\n")
        p = self.write("app/compose.yaml", self.COMPOSE)
        st, out, err = self.scan_env("--format", "json", p)
        self.assertIn(st, (0, 1), err)
        report = json.loads(out)
        codes = [(n["code"], n["message"]) for n in report["notifications"]]
        unset = [m for c, m in codes if c == "compose/unset-variable"]
        self.assertTrue(any("TOKEN" in m for m in unset), codes)
        self.assertTrue(any("REG" in m for m in unset), codes)
        self.assertNotIn(self.SECRET.lower().encode(), out.lower())
        # the .env file beside the project is read: user 0 is root
        self.assertIn("runs-as-root",
                      [f["rule"] for f in report["findings"]])

    def test_values_from_the_environment_never_appear_in_any_format(self):
        self.write("app/.env", "RUN_AS=0\n")
        p = self.write("app/compose.yaml", self.COMPOSE)
        for fmt in self.FORMATS:
            with self.subTest(format=fmt):
                st, out, err = self.scan_env("--env-interpolation",
                                             "--format", fmt, p)
                self.assertIn(st, (0, 1), err)
                self.assertTrue(out, fmt)
                for secret in (self.SECRET, "registry.internal.example"):
                    self.assertNotIn(secret.lower().encode(), out.lower())
                    self.assertNotIn(secret.lower().encode(), err.lower())
        st, out, err = self.scan_env("--env-interpolation", "--format",
                                     "json", p)
        report = json.loads(out)
        caps = [f for f in report["findings"]
                if f["rule"] == "added-capabilities"]
        self.assertEqual(len(caps), 1, report["findings"])
        self.assertIn("${TOKEN}", caps[0]["message"])
        # no unset-variable note: the environment was read
        self.assertFalse([n for n in report["notifications"]
                          if n["code"] == "compose/unset-variable"])


class ComposeAmplification(Base):
    """Services that each extend a large one would copy it once per
    service: a budget proportional to the input stops the copying with an
    error, and the other files keep their findings."""

    def test_extends_fan_out_is_bounded_by_the_input(self):
        lines = ["services:", "  base:", "    image: alpine:3.20",
                 "    environment:"]
        lines += [f"      VAR_{i:05d}: value{i}" for i in range(4000)]
        lines += [f"  s{i}:\n    extends: base" for i in range(3000)]
        amp = self.write("amp/compose.yaml", "\n".join(lines) + "\n")
        self.assertLess(os.path.getsize(amp), 320 * 1024)
        good = self.write("good/Dockerfile", "FROM alpine:3.20\nUSER root\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        st, report, err = self.scan_json("-j", "1", amp, good)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.assertEqual(st, 2, err)
        notes = [n for n in report["notifications"]
                 if n["code"] == "limit/compose-expansion"]
        self.assertEqual(len(notes), 1, report["notifications"][:5])
        self.assertTrue(notes[0]["path"].endswith("amp/compose.yaml"))
        # every service is still a container, taken as written past the
        # budget: four findings each (root, writable root, ...)
        services = {f["message"].split('"')[1] for f in report["findings"]
                    if f["path"].endswith("compose.yaml")}
        self.assertEqual(len(services), 3001)
        self.assertTrue([f for f in report["findings"]
                         if f["path"].endswith("good/Dockerfile") and
                         f["rule"] == "runs-as-root"])
        if not SANITIZED and after > before:
            self.assertLess(after, 512 * 1024, "peak RSS in KB")


if __name__ == "__main__":
    PLIMSOLL, SOURCE_ROOT = os.path.abspath(sys.argv[1]), sys.argv[2]
    SANITIZED = sys.argv[3] != "none"
    unittest.main(argv=[sys.argv[0], "-v"])

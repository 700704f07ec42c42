"""Shell completion offers what the binary takes: bash completes the
commands of `plimsoll --help`, each command's options, the output formats
of `scan --help`, the rule ids of `plimsoll rules` (for explain, --only,
--skip and --set) and the fixed values of --kind and --fail-on. The zsh
function is checked for syntax when zsh is installed.

usage: check_completion.py PLIMSOLL SOURCE_ROOT
"""
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

PLIMSOLL = None
SOURCE_ROOT = None


def complete(*words):
    """COMPREPLY for the command line `plimsoll WORDS...`, the last word
    being completed."""
    script = os.path.join(SOURCE_ROOT, "completions", "plimsoll.bash")
    words = [PLIMSOLL, *words]
    line = " ".join("'%s'" % w for w in words)
    prog = ('source "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _plimsoll; '
            'printf "%%s\\n" "${COMPREPLY[@]}"' % (line, len(words) - 1))
    r = subprocess.run(["bash", "-c", prog, "bash", script],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    return [w for w in r.stdout.split("\n") if w]


def help_of(*args):
    return subprocess.run([PLIMSOLL, *args, "--help"], capture_output=True,
                          text=True).stdout


class Bash(unittest.TestCase):
    def test_commands_are_those_of_help(self):
        listed = re.findall(r"^  ([a-z]+) {2,}\S",
                            help_of().split("Commands:")[1], flags=re.M)
        got = complete("")
        self.assertEqual(sorted(set(got) - {"--help", "--version"}),
                         sorted(listed))
        self.assertEqual(complete("ex"), ["explain"])

    def test_options_are_those_of_each_commands_help(self):
        listed = re.findall(r"^  ([a-z]+) {2,}\S",
                            help_of().split("Commands:")[1], flags=re.M)
        for cmd in listed:
            text = help_of(cmd).split("\nFormats:")[0]
            want = set()
            for m in re.finditer(r"^ +(-[^ ,]+(?:, -[^ ,]+)*)",
                                 text, flags=re.M):
                want.update(p for p in re.split(r"[, \n]+", m.group(1))
                            if p)
            self.assertEqual(set(complete(cmd, "-")), want, cmd)
        self.assertIn("--docs-url", complete("scan", "--do"))

    def test_format_values(self):
        formats = re.findall(r"^  ([a-z][a-z0-9-]*) ",
                             help_of("scan").split("\nFormats:")[1],
                             flags=re.M)
        self.assertIn("sarif", formats)
        self.assertEqual(complete("scan", "--format", ""), formats)
        self.assertEqual(complete("scan", "--format", "co"), ["codeclimate"])
        self.assertEqual(complete("rules", "--format", ""),
                         ["table", "json", "markdown"])
        self.assertEqual(tuple(complete("config", "--format", "")),
                         re.findall(r"--format FORMAT +(\w+) \(default\) or "
                                    r"(\w+)", help_of("config"))[0])

    def test_rule_ids_from_the_catalogue(self):
        rules = json.loads(subprocess.run(
            [PLIMSOLL, "rules", "--format", "json"], capture_output=True,
            text=True).stdout)
        ids = sorted(r["id"] for r in rules)
        self.assertGreater(len(ids), 10)
        self.assertEqual(sorted(complete("explain", "")), ids)
        self.assertEqual(complete("explain", "runs-as"), ["runs-as-root"])
        # A comma-separated list completes its last element.
        self.assertEqual(complete("scan", "--only", "privileged,runs-as"),
                         ["privileged,runs-as-root"])
        self.assertEqual(complete("scan", "--skip", "low-"), ["low-uid"])
        self.assertEqual(complete("scan", "--set", "low-u"), ["low-uid."])

    def test_fixed_values_and_paths(self):
        kinds = re.search(r"--kind KIND +treat files as (.*)",
                          help_of("scan")).group(1)
        self.assertEqual(set(complete("scan", "--kind", "")),
                         set(re.findall(r"[a-z]+", kinds)) - {"or"})
        self.assertEqual(complete("scan", "--fail-on", "h"), ["high"])
        examples = os.path.join(SOURCE_ROOT, "examples", "")
        got = complete("scan", examples)
        self.assertIn(os.path.join(examples, "dockerfile"), got)
        self.assertEqual(complete("scan", "--jobs", ""), [])


class Zsh(unittest.TestCase):
    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh_function_parses(self):
        r = subprocess.run(["zsh", "-n", os.path.join(
            SOURCE_ROOT, "completions", "_plimsoll")],
            capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv[1])
    SOURCE_ROOT = os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0], "-v"])

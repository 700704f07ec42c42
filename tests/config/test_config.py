#!/usr/bin/env python3
"""The configuration file end to end: lookup (nearest, the repository
root, --config, --no-config), paths include/exclude, overrides, severity
overrides in every output, rules turned off, settings reaching a policy,
each configuration error with its line and column, `plimsoll config`,
and how a configured severity combines with suppressions, baselines and
fail-on.

usage: test_config.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None

# low-uid (low): USER 1000 is below the default min_uid of 10000.
# apt-get-no-install-recommends (low) and apt-package-unpinned (info).
LOW_UID = ("FROM ubuntu:24.04\n"
           "RUN apt-get install -y curl\n"
           "USER 1000\n")
# runs-as-root (high): no USER.
ROOT = "FROM ubuntu:24.04\nCMD [\"true\"]\n"


def run(d, *args, command="scan"):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([PLIMSOLL, command, *args], cwd=d, env=env,
                          capture_output=True, text=True, timeout=120)


def write(d, name, text):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def json_scan(d, *args):
    r = run(d, "--format", "json", *args)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        raise AssertionError("no JSON: rc=%d %s" % (r.returncode, r.stderr))
    return r, doc["findings"], doc["summary"]


def rules_at(found, path):
    return sorted(f["rule"] for f in found if f["path"] == path)


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        # The walk stops at a repository root: nothing above the
        # temporary tree can apply.
        os.mkdir(os.path.join(self.d, ".git"))

    def tearDown(self):
        self.tmp.cleanup()


class Lookup(Base):
    def test_nearest_configuration_applies_and_does_not_merge(self):
        write(self.d, ".plimsoll.yaml",
              "rules:\n  low-uid: {enabled: false}\n"
              "  apt-package-unpinned: {enabled: false}\n")
        write(self.d, "sub/.plimsoll.yml",
              "rules:\n  apt-get-no-install-recommends: {enabled: false}\n")
        write(self.d, "top/Dockerfile", LOW_UID)
        write(self.d, "sub/deep/Dockerfile", LOW_UID)
        r, found, _ = json_scan(self.d, ".")
        self.assertEqual(r.returncode, 1, r.stderr)
        # the root file: low-uid and the pinning rule off
        self.assertEqual(rules_at(found, "top/Dockerfile"),
                         ["apt-get-no-install-recommends"])
        # the nearest file replaces the root one (no merging)
        self.assertEqual(rules_at(found, "sub/deep/Dockerfile"),
                         ["apt-package-unpinned", "low-uid"])

    def test_lookup_stops_at_the_repository_root(self):
        write(self.d, ".plimsoll.yaml", "rules:\n  low-uid: {enabled: false}\n")
        os.makedirs(os.path.join(self.d, "repo", ".git"))
        write(self.d, "repo/Dockerfile", LOW_UID)
        _, found, _ = json_scan(self.d, "repo")
        self.assertIn("low-uid", rules_at(found, "repo/Dockerfile"))

    def test_config_option_replaces_lookup_and_no_config_ignores_files(self):
        write(self.d, ".plimsoll.yaml", "rules:\n  low-uid: {enabled: false}\n")
        write(self.d, "other.yaml",
              "rules:\n  apt-package-unpinned: {enabled: false}\n")
        write(self.d, "Dockerfile", LOW_UID)
        _, found, _ = json_scan(self.d, "--config", "other.yaml",
                                "Dockerfile")
        self.assertEqual(rules_at(found, "Dockerfile"),
                         ["apt-get-no-install-recommends", "low-uid"])
        _, found, _ = json_scan(self.d, "--no-config", "Dockerfile")
        self.assertEqual(rules_at(found, "Dockerfile"),
                         ["apt-get-no-install-recommends",
                          "apt-package-unpinned", "low-uid"])

    def test_both_names_in_one_directory_is_an_error(self):
        write(self.d, ".plimsoll.yaml", "{}\n")
        write(self.d, ".plimsoll.yml", "{}\n")
        write(self.d, "Dockerfile", LOW_UID)
        r = run(self.d, "Dockerfile")
        self.assertEqual(r.returncode, 2)
        self.assertIn("keep one", r.stderr)

    def test_standard_input_uses_the_current_directory(self):
        write(self.d, ".plimsoll.yaml", "rules:\n  low-uid: {enabled: false}\n")
        env = dict(os.environ, NO_COLOR="1")
        r = subprocess.run([PLIMSOLL, "scan", "--format", "json", "--kind",
                            "dockerfile", "-"], cwd=self.d, env=env,
                           input=LOW_UID, capture_output=True, text=True,
                           timeout=60)
        rules = [f["rule"] for f in json.loads(r.stdout)["findings"]]
        self.assertNotIn("low-uid", rules)
        self.assertIn("apt-package-unpinned", rules)


class Paths(Base):
    def test_include_and_exclude_globs(self):
        write(self.d, ".plimsoll.yaml",
              "paths:\n  include: [\"deploy/**\", \"*.Dockerfile\"]\n"
              "  exclude: [deploy/legacy, \"**/test/**\"]\n")
        for name in ("deploy/a/Dockerfile", "deploy/legacy/Dockerfile",
                     "deploy/x/test/y/Dockerfile", "other/Dockerfile",
                     "other/web.Dockerfile"):
            write(self.d, name, LOW_UID)
        _, found, summary = json_scan(self.d, ".")
        paths = sorted({f["path"] for f in found})
        self.assertEqual(paths, ["deploy/a/Dockerfile",
                                 "other/web.Dockerfile"])
        self.assertEqual(summary["files_scanned"], 2)

    def test_overrides_apply_in_order_to_matching_paths(self):
        write(self.d, ".plimsoll.yaml",
              "rules:\n  low-uid: {severity: medium}\n"
              "overrides:\n"
              "  - paths: [\"dev/**\"]\n"
              "    rules:\n      low-uid: {enabled: false}\n"
              "  - paths: [dev/keep]\n"
              "    rules:\n      low-uid: {enabled: true, severity: high}\n")
        write(self.d, "Dockerfile", LOW_UID)
        write(self.d, "dev/Dockerfile", LOW_UID)
        write(self.d, "dev/keep/Dockerfile", LOW_UID)
        _, found, _ = json_scan(self.d, ".")
        sev = {f["path"]: f["severity"] for f in found
               if f["rule"] == "low-uid"}
        self.assertEqual(sev, {"Dockerfile": "medium",
                               "dev/keep/Dockerfile": "high"})


class Effects(Base):
    def test_severity_override_reaches_json_sarif_and_text(self):
        write(self.d, ".plimsoll.yaml",
              "rules:\n  low-uid: {severity: critical}\n")
        write(self.d, "Dockerfile", LOW_UID)
        _, found, summary = json_scan(self.d, "Dockerfile")
        uid = [f for f in found if f["rule"] == "low-uid"]
        self.assertEqual(uid[0]["severity"], "critical")
        self.assertEqual(summary["findings"]["critical"], 1)
        r = run(self.d, "--format", "sarif", "Dockerfile")
        results = json.loads(r.stdout)["runs"][0]["results"]
        level = [x["level"] for x in results if x["ruleId"] == "low-uid"]
        self.assertEqual(level, ["error"])
        r = run(self.d, "--format", "gnu", "Dockerfile")
        self.assertIn("critical: the image runs as UID 1000", r.stdout)

    def test_setting_changes_a_policys_verdict(self):
        write(self.d, "Dockerfile", LOW_UID)
        _, found, _ = json_scan(self.d, "Dockerfile")
        self.assertIn("low-uid", rules_at(found, "Dockerfile"))
        write(self.d, ".plimsoll.yaml",
              "rules:\n  low-uid:\n    settings:\n      min_uid: 1000\n")
        _, found, _ = json_scan(self.d, "Dockerfile")
        self.assertNotIn("low-uid", rules_at(found, "Dockerfile"))
        # shared settings reach every rule that declares the name
        write(self.d, ".plimsoll.yaml", "settings:\n  min_uid: 999\n")
        _, found, _ = json_scan(self.d, "Dockerfile")
        self.assertNotIn("low-uid", rules_at(found, "Dockerfile"))
        # the command line wins over the file
        _, found, _ = json_scan(self.d, "--set", "low-uid.min_uid=5000",
                                "Dockerfile")
        self.assertIn("low-uid", rules_at(found, "Dockerfile"))

    def test_non_root_images_setting_quiets_runs_as_root(self):
        write(self.d, "Dockerfile",
              "FROM gcr.io/distroless/static-debian12:nonroot\n"
              "COPY app /app\n")
        _, found, _ = json_scan(self.d, "--no-config", "Dockerfile")
        self.assertNotIn("runs-as-root", rules_at(found, "Dockerfile"))
        write(self.d, "Dockerfile", "FROM example.com/base:1\n")
        _, found, _ = json_scan(self.d, "Dockerfile")
        self.assertIn("runs-as-root", rules_at(found, "Dockerfile"))
        write(self.d, ".plimsoll.yaml",
              "settings:\n  non_root_images: [\"example.com/base:*\"]\n")
        _, found, _ = json_scan(self.d, "Dockerfile")
        self.assertNotIn("runs-as-root", rules_at(found, "Dockerfile"))

    def test_policy_dirs_and_every_setting_type_reach_the_policy(self):
        echo = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "policies", "settings", "settings-echo.lua")
        with open(echo) as f:
            write(self.d, "cfg/policies/settings-echo.lua", f.read())
        write(self.d, "cfg/.plimsoll.yaml",
              "policy-dirs: [policies]\n"
              "rules:\n  settings-echo:\n    settings:\n"
              "      label: x\n      count: 7\n      strict: true\n"
              "      names: [c, d]\n"
              "overrides:\n  - paths: [\"sub/**\"]\n"
              "    rules:\n      settings-echo:\n"
              "        settings: {label: y, names: []}\n")
        write(self.d, "cfg/Dockerfile", LOW_UID)
        write(self.d, "cfg/sub/Dockerfile", LOW_UID)
        _, found, _ = json_scan(self.d, "cfg")
        echo = {f["path"]: f["message"] for f in found
                if f["rule"] == "settings-echo"}
        self.assertEqual(echo, {
            "cfg/Dockerfile": "label=x count=7 strict=true names=c|d",
            "cfg/sub/Dockerfile": "label=y count=7 strict=true names=",
        })

    def test_tags_include_runs_only_rules_with_those_tags(self):
        write(self.d, ".plimsoll.yaml", "tags:\n  include: [reproducibility]\n")
        write(self.d, "Dockerfile", LOW_UID)
        _, found, _ = json_scan(self.d, "Dockerfile")
        self.assertEqual(rules_at(found, "Dockerfile"),
                         ["apt-package-unpinned"])

    def test_alias_and_tags_turn_rules_off(self):
        write(self.d, ".plimsoll.yaml",
              "rules:\n  DL3008: {enabled: false}\n"
              "tags:\n  exclude: [image-size]\n")
        write(self.d, "Dockerfile", LOW_UID)
        _, found, _ = json_scan(self.d, "Dockerfile")
        rules = rules_at(found, "Dockerfile")
        self.assertNotIn("apt-package-unpinned", rules)  # DL3008
        self.assertNotIn("apt-get-no-install-recommends", rules)  # image-size
        self.assertIn("low-uid", rules)

    def test_fail_on_from_the_file_and_the_command_line_wins(self):
        write(self.d, ".plimsoll.yaml", "fail-on: high\n")
        write(self.d, "Dockerfile", LOW_UID)
        self.assertEqual(run(self.d, "Dockerfile").returncode, 0)
        self.assertEqual(run(self.d, "--fail-on", "low",
                             "Dockerfile").returncode, 1)
        write(self.d, ".plimsoll.yaml",
              "fail-on: high\nrules:\n  low-uid: {severity: high}\n")
        self.assertEqual(run(self.d, "Dockerfile").returncode, 1)


class Errors(Base):
    def check(self, text, expected):
        """expected: (line, column, words in the message)"""
        write(self.d, ".plimsoll.yaml", text)
        write(self.d, "Dockerfile", LOW_UID)
        r = run(self.d, "--format", "json", "Dockerfile")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, "", "nothing is scanned")
        line, col, words = expected
        want = ".plimsoll.yaml:%d:%d: " % (line, col)
        hits = [l for l in r.stderr.splitlines() if l.startswith(want)]
        self.assertTrue(hits, "no %s in %r" % (want, r.stderr))
        self.assertIn(words, hits[0])
        return r

    def test_unknown_top_level_key(self):
        self.check("rules: {}\ncolour: red\n",
                   (2, 1, "unknown key 'colour'"))

    def test_unknown_rule_key(self):
        self.check("rules:\n  low-uid:\n    severty: high\n",
                   (3, 5, "unknown key 'severty' in a rule"))

    def test_bad_severity(self):
        self.check("rules:\n  low-uid:\n    severity: extreme\n",
                   (3, 15, "'severity' takes critical"))

    def test_wrong_type(self):
        self.check("rules:\n  low-uid:\n    enabled: yes\n",
                   (3, 14, "'enabled' takes true or false, not a string"))
        self.check("rules: [low-uid]\n",
                   (1, 8, "'rules' takes a mapping, not a list"))

    def test_unknown_rule(self):
        self.check("rules:\n  runs-as-rot: {enabled: false}\n",
                   (2, 3, "unknown rule 'runs-as-rot'"))

    def test_unknown_setting_of_a_rule(self):
        self.check("rules:\n  low-uid:\n    settings:\n      max_uid: 3\n",
                   (4, 7, "rule low-uid has no setting 'max_uid' "
                          "(its settings: min_uid)"))

    def test_setting_of_the_wrong_type(self):
        self.check("rules:\n  low-uid:\n    settings:\n      min_uid: lots\n",
                   (4, 16, "expected an integer (it is of type int)"))
        self.check("settings:\n  allowed: NET_ADMIN\n",
                   (2, 12, "expected a list of strings"))

    def test_unknown_shared_setting(self):
        self.check("settings:\n  trusted: [x]\n",
                   (2, 3, "unknown setting 'trusted'"))

    def test_bad_globs(self):
        self.check("paths:\n  exclude: [\"vendor/[a\"]\n",
                   (2, 13, "bad glob 'vendor/[a'"))
        self.check("overrides:\n  - paths: [\"a**\"]\n",
                   (2, 13, "'**' must be a whole segment"))
        self.check("paths:\n  include:\n    - ../up\n",
                   (3, 7, "'.' or '..' segment"))

    def test_bad_fail_on_tag_and_override(self):
        self.check("fail-on: sometimes\n", (1, 10, "'fail-on' takes"))
        self.check("tags:\n  include: [securty]\n",
                   (2, 13, "no rule has the tag 'securty'"))
        self.check("overrides:\n  - rules: {}\n",
                   (2, 5, "an override needs 'paths'"))

    def test_missing_policy_dir(self):
        self.check("policy-dirs: [nowhere]\n",
                   (1, 15, "policy directory 'nowhere'"))

    def test_yaml_syntax_error_has_a_position(self):
        r = self.check("rules:\n  low-uid: {enabled: true\n",
                       (3, 1, ""))
        self.assertIn(".plimsoll.yaml:3:1:", r.stderr)

    def test_every_problem_of_a_file_at_once(self):
        r = self.check("rules:\n  low-uid: {severity: x}\nnope: 1\n",
                       (3, 1, "unknown key 'nope'"))
        self.assertIn(".plimsoll.yaml:2:23: 'severity'", r.stderr)

    def test_problems_in_line_order_and_capped(self):
        keys = "".join("k%02d: 1\n" % i for i in range(60))
        r = self.check("rules:\n  low-uid: {severity: x}\n" + keys,
                       (2, 23, "'severity' takes"))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 51)
        self.assertTrue(lines[0].startswith(".plimsoll.yaml:2:23:"))
        self.assertTrue(lines[1].startswith(".plimsoll.yaml:3:1:"))
        self.assertEqual(lines[-1], "(11 more problems)")

    def test_a_broken_file_stops_a_scan_of_a_tree(self):
        write(self.d, "good/Dockerfile", LOW_UID)
        write(self.d, "bad/.plimsoll.yaml", "rules: 3\n")
        write(self.d, "bad/Dockerfile", LOW_UID)
        r = run(self.d, "--format", "json", ".")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertIn("bad/.plimsoll.yaml:1:8:", r.stderr)


class ConfigCommand(Base):
    def test_prints_effective_values_with_their_origin(self):
        write(self.d, ".plimsoll.yaml",
              "fail-on: medium\n"
              "rules:\n  low-uid:\n    severity: high\n"
              "overrides:\n  - paths: [dev]\n"
              "    settings:\n      min_uid: 1000\n")
        write(self.d, "dev/Dockerfile", LOW_UID)
        r = run(self.d, "--format", "json", "dev/Dockerfile",
                command="config")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["configuration"], ".plimsoll.yaml")
        self.assertEqual(doc["fail-on"],
                         {"value": "medium", "from": ".plimsoll.yaml:1:10"})
        uid = doc["rules"]["low-uid"]
        self.assertEqual(uid["severity"],
                         {"value": "high", "from": ".plimsoll.yaml:4:15"})
        self.assertEqual(uid["enabled"], {"value": True, "from": "default"})
        self.assertEqual(uid["settings"]["min_uid"],
                         {"value": 1000, "from": ".plimsoll.yaml:8:16"})
        # outside the override: the default
        r = run(self.d, "--format", "json", "--set", "low-uid.min_uid=7",
                "Dockerfile", command="config")
        uid = json.loads(r.stdout)["rules"]["low-uid"]
        self.assertEqual(uid["settings"]["min_uid"],
                         {"value": 7, "from": "--set"})
        r = run(self.d, "dev/Dockerfile", command="config")
        self.assertIn("min_uid: 1000  # .plimsoll.yaml:8:16", r.stdout)
        self.assertIn("fail-on: \"medium\"  # .plimsoll.yaml:1:10", r.stdout)

    def test_bad_configuration_exits_2(self):
        write(self.d, ".plimsoll.yaml", "rules:\n  nope: {}\n")
        r = run(self.d, ".", command="config")
        self.assertEqual(r.returncode, 2)
        self.assertIn(".plimsoll.yaml:2:3: unknown rule 'nope'", r.stderr)

    def test_no_configuration(self):
        r = run(self.d, "--format", "json", ".", command="config")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertIsNone(doc.get("configuration"))
        self.assertEqual(doc["fail-on"]["from"], "default")


class Interplay(Base):
    def test_suppressed_baselined_overridden_and_fail_on(self):
        # runs-as-root (high) suppressed in source; low-uid raised to
        # critical by the file; the rest baselined; fail-on high.
        write(self.d, "Dockerfile",
              "# plimsoll ignore=runs-as-root -- checked by hand\n"
              "FROM ubuntu:24.04\n"
              "RUN apt-get install -y curl\n")
        write(self.d, "b/Dockerfile", LOW_UID)
        r = run(self.d, "--write-baseline", "base.json", ".")
        self.assertEqual(r.returncode, 1, r.stderr)
        write(self.d, ".plimsoll.yaml",
              "fail-on: high\nrules:\n  low-uid: {severity: critical}\n")
        # everything is baselined or suppressed: passes whatever the
        # configured severity
        r, found, summary = json_scan(self.d, "--baseline", "base.json", ".")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(found, [])
        self.assertEqual(summary["suppressed"], 1)
        self.assertEqual(summary["baselined"], 5)
        # a new low-uid finding: raised to critical, it fails the run
        write(self.d, "c/Dockerfile", "FROM ubuntu:24.04\nUSER 2000\n")
        r, found, summary = json_scan(self.d, "--baseline", "base.json", ".")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual([(f["rule"], f["severity"]) for f in found],
                         [("low-uid", "critical")])
        self.assertEqual(summary["findings"]["critical"], 1)
        self.assertEqual(summary["baselined"], 5)
        self.assertEqual(summary["suppressed"], 1)
        # at its own severity (low) it would not reach fail-on high
        write(self.d, ".plimsoll.yaml", "fail-on: high\n")
        r, found, _ = json_scan(self.d, "--baseline", "base.json", ".")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(f["rule"], f["severity"]) for f in found],
                         [("low-uid", "low")])


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""Ignore directives that suppress nothing: with --report-unused-ignores,
each id of a comment or annotation that no finding used is a
`suppress/unused` warning at the id (file:line:col) in text, JSON and
SARIF; an id of plimsoll's forms that names no rule is a
`suppress/unknown-rule` warning with or without the flag. Ignores for
rules that did not run (skipped, not applicable to the kind) and peers'
codes that are none of our aliases are never reported; neither is an
ignore used by a project-scope finding. The exit status is unchanged.

usage: test_unused.py PLIMSOLL [--validate SOURCE_ROOT]
With --validate, only the SARIF log is checked, with sarif-validate from
the shared folder ($PLM_SHARED_DIR, SOURCE_ROOT/../shared or
SOURCE_ROOT/../../shared; skipped when none has it).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None
VALIDATE = None

DOCKERFILE = ("FROM alpine:3.20\n"
              "# plimsoll ignore=runs-as-root,sudo-in-build -- drops root\n"
              "USER root\n"
              "RUN echo hi\n")

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    plimsoll.dev/ignore: "privileged,host-namespaces -- the CNI agent"
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
"""


def run(files, *args, fmt="json"):
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            path = os.path.join(d, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        r = subprocess.run([PLIMSOLL, "scan", "--format", fmt, *args, "."],
                           cwd=d, capture_output=True, text=True,
                           timeout=120)
    return r


def notes(files, *args):
    r = run(files, *args)
    doc = json.loads(r.stdout)
    return doc["notifications"], doc, r.returncode


def codes(found, code):
    return [n for n in found if n["code"] == code]


def where(n):
    return (n["path"], n["region"]["start_line"],
            n["region"]["start_column"], n["region"]["end_column"])


class Unused(unittest.TestCase):
    def test_unused_id_is_a_warning_at_the_id(self):
        found, doc, rc = notes({"Dockerfile": DOCKERFILE},
                               "--report-unused-ignores")
        unused = codes(found, "suppress/unused")
        self.assertEqual(len(unused), 1, found)
        n = unused[0]
        # `sudo-in-build` starts at column 32 of line 2 (13 bytes long).
        self.assertEqual(where(n), ("Dockerfile", 2, 32, 45))
        self.assertEqual(n["level"], "warning")
        self.assertEqual(n["rule"], "sudo-in-build")
        self.assertIn("sudo-in-build", n["message"])
        # runs-as-root in the same comment suppressed its finding.
        root = [f for f in doc["findings"] if f["rule"] == "runs-as-root"]
        self.assertEqual(root, [])
        self.assertEqual(doc["summary"]["suppressed"], 1)
        self.assertEqual(rc, 0)

    def test_not_reported_without_the_flag(self):
        found, _, _ = notes({"Dockerfile": DOCKERFILE})
        self.assertEqual(codes(found, "suppress/unused"), [])

    def test_text_names_file_line_and_column(self):
        r = run({"Dockerfile": DOCKERFILE}, "--report-unused-ignores",
                fmt="text")
        self.assertIn("Dockerfile:2:32: warning: 'sudo-in-build' in this "
                      "ignore comment suppressed no finding", r.stdout)
        self.assertIn("[suppress/unused]", r.stdout)

    def test_sarif_tool_notification_with_location(self):
        r = run({"Dockerfile": DOCKERFILE}, "--report-unused-ignores",
                fmt="sarif")
        log = json.loads(r.stdout)
        inv = log["runs"][0]["invocations"][0]
        unused = [n for n in inv["toolExecutionNotifications"]
                  if n["descriptor"]["id"] == "suppress/unused"]
        self.assertEqual(len(unused), 1)
        self.assertEqual(unused[0]["level"], "warning")
        loc = unused[0]["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"]["uri"], "Dockerfile")
        self.assertEqual((loc["region"]["startLine"],
                          loc["region"]["startColumn"]), (2, 32))
        self.assertEqual(unused[0]["associatedRule"]["id"], "sudo-in-build")
        # Not a result: dashboards count results as alerts.
        self.assertTrue(all(res["ruleId"] != "suppress/unused"
                            for res in log["runs"][0]["results"]))
        self.assertTrue(inv["executionSuccessful"])

    def test_file_wide_ignore_unused(self):
        text = ("# plimsoll ignore-file=sudo-in-build\n"
                "FROM alpine:3.20\nUSER 10001\nRUN echo hi\n")
        found, _, _ = notes({"Dockerfile": text}, "--report-unused-ignores")
        self.assertEqual([where(n) for n in
                          codes(found, "suppress/unused")],
                         [("Dockerfile", 1, 24, 37)])

    def test_file_wide_ignore_used_is_quiet(self):
        text = ("# plimsoll ignore-file=sudo-in-build\n"
                "FROM alpine:3.20\nUSER 10001\nRUN sudo echo hi\n")
        found, doc, _ = notes({"Dockerfile": text},
                              "--report-unused-ignores")
        self.assertEqual(codes(found, "suppress/unused"), [])
        self.assertGreaterEqual(doc["summary"]["suppressed"], 1)

    def test_annotation_unused_id_points_into_the_value(self):
        found, doc, _ = notes({"pod.yaml": POD}, "--report-unused-ignores")
        unused = codes(found, "suppress/unused")
        # privileged is used; host-namespaces is not.
        self.assertEqual([n["rule"] for n in unused], ["host-namespaces"],
                         found)
        self.assertIn("annotation", unused[0]["message"])
        # `"privileged,host-namespaces` : the id after the comma.
        self.assertEqual(where(unused[0]), ("pod.yaml", 6, 38, 53))
        self.assertEqual(
            [f for f in doc["findings"] if f["rule"] == "privileged"], [])

    def test_kube_linter_annotation_unused(self):
        pod = POD.replace(
            '    plimsoll.dev/ignore: "privileged,host-namespaces -- the '
            'CNI agent"\n',
            '    ignore-check.kube-linter.io/host-network: "agent"\n')
        found, _, _ = notes({"pod.yaml": pod}, "--report-unused-ignores")
        unused = codes(found, "suppress/unused")
        self.assertEqual(len(unused), 1, found)
        self.assertEqual(where(unused[0]), ("pod.yaml", 6, 33, 45))

    def test_rules_that_did_not_run_are_not_reported(self):
        # Skipped by --skip, outside --only, or not for this kind (privileged
        # applies to Compose and Kubernetes, not to a Dockerfile).
        text = ("FROM alpine:3.20\n"
                "# plimsoll ignore=sudo-in-build,privileged\n"
                "USER 10001\n")
        for args in (["--skip", "sudo-in-build"],
                     ["--only", "runs-as-root"]):
            found, _, _ = notes({"Dockerfile": text},
                                "--report-unused-ignores", *args)
            self.assertEqual(codes(found, "suppress/unused"), [], args)
        found, _, _ = notes({"Dockerfile": text}, "--report-unused-ignores")
        self.assertEqual([n["rule"] for n in
                          codes(found, "suppress/unused")],
                         ["sudo-in-build"])

    def test_peer_codes_only_when_they_are_our_aliases(self):
        # DL3008 is an alias of apt-package-unpinned (it ran, found
        # nothing); DL9999 is hadolint's business only.
        text = ("FROM alpine:3.20\nUSER 10001\n"
                "# hadolint ignore=DL3008,DL9999\n"
                "RUN echo hi\n")
        found, _, _ = notes({"Dockerfile": text}, "--report-unused-ignores")
        unused = codes(found, "suppress/unused")
        self.assertEqual([(n["rule"], n["region"]["start_column"])
                          for n in unused],
                         [("apt-package-unpinned", 19)])
        self.assertIn("DL3008", unused[0]["message"])
        self.assertEqual(codes(found, "suppress/unknown-rule"), [])

    def test_kics_ignore_line_unused(self):
        compose = ("services:\n  a:\n    image: nginx:1.27\n"
                   "    user: app\n"
                   "    # kics-scan ignore-line\n"
                   "    read_only: true\n")
        found, _, _ = notes({"compose.yaml": compose},
                            "--report-unused-ignores")
        unused = codes(found, "suppress/unused")
        self.assertEqual([where(n)[:3] for n in unused],
                         [("compose.yaml", 5, 7)], found)

    def test_used_by_a_project_scope_finding_is_quiet(self):
        # network-policy-missing (project scope) reports the Deployment
        # no NetworkPolicy selects, after every file's own result.
        deploy = ("apiVersion: apps/v1\nkind: Deployment\n"
                  "metadata:\n  name: web\n"
                  "  annotations:\n"
                  "    plimsoll.dev/ignore: network-policy-missing\n"
                  "spec:\n  selector:\n    matchLabels: {app: web}\n"
                  "  template:\n    metadata:\n      labels: {app: web}\n"
                  "    spec:\n      containers:\n"
                  "        - name: web\n          image: nginx:1.27\n")
        found, doc, _ = notes({"k8s/deploy.yaml": deploy},
                              "--report-unused-ignores", "--only",
                              "network-policy-missing",
                              "--include-suppressed")
        sup = [f for f in doc["findings"]
               if f["rule"] == "network-policy-missing"]
        self.assertEqual(len(sup), 1, doc["findings"])
        self.assertIsNotNone(sup[0]["suppression"])
        self.assertEqual(codes(found, "suppress/unused"), [])
        # The same ignore with a NetworkPolicy that selects the pods: the
        # project rule ran and found nothing, so the ignore is unused.
        netpol = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                  "metadata:\n  name: web\nspec:\n"
                  "  podSelector:\n    matchLabels: {app: web}\n"
                  "  policyTypes: [Ingress]\n")
        found, _, _ = notes({"k8s/deploy.yaml": deploy,
                             "k8s/netpol.yaml": netpol},
                            "--report-unused-ignores", "--only",
                            "network-policy-missing")
        self.assertEqual([where(n)[:3] for n in
                          codes(found, "suppress/unused")],
                         [("k8s/deploy.yaml", 6, 26)], found)

    def test_project_findings_the_same_however_the_file_is_reread(self):
        # A project finding's manifest is read again for its text only
        # when no ignore can be in it ("ignore" in a value, not after a
        # '#'), else loaded whole (a comment mentions it, or it holds an
        # ignore): the finding is the same either way, and a comment
        # directive still suppresses it.
        deploy = ("apiVersion: apps/v1\nkind: Deployment\n"
                  "metadata:\n  name: web\n"
                  "  labels: {note: ignore-me}\n"
                  "spec:\n  selector:\n    matchLabels: {app: web}\n"
                  "  template:\n    metadata:\n      labels: {app: web}\n"
                  "    spec:\n      containers:\n"
                  "        - name: web\n          image: nginx:1.27\n"
                  "          args: [%s]\n" % ", ".join(
                      '"--flag-%d"' % i for i in range(20)))
        found = {}
        for how, tail in [("text", ""),
                          ("whole", "# we ignore nothing here\n"),
                          ("ignored", "# plimsoll ignore-file="
                           "network-policy-missing -- a test\n")]:
            _, doc, _ = notes({"deploy.yaml": deploy + tail}, "--only",
                              "network-policy-missing",
                              "--include-suppressed")
            found[how] = [f for f in doc["findings"]
                          if f["rule"] == "network-policy-missing"]
            self.assertEqual(len(found[how]), 1, (how, doc))
        self.assertEqual(found["text"], found["whole"])
        self.assertTrue(found["text"][0]["snippet"])
        self.assertTrue(found["text"][0]["line_hash"])
        self.assertIsNone(found["text"][0]["suppression"])
        self.assertIsNotNone(found["ignored"][0]["suppression"])

    def test_a_file_two_units_read_is_reported_once(self):
        # The Dockerfile is its own unit and a source of the Compose
        # file's: each of its notes comes once, used in either counts.
        text = ("FROM alpine:3.20\n"
                "# plimsoll ignore=sudo-in-build,nope,runs-as-root\n"
                "USER 0\nRUN echo hi\n")
        compose = "services:\n  app:\n    build: .\n    read_only: true\n"
        found, _, _ = notes({"Dockerfile": text, "compose.yaml": compose},
                            "--report-unused-ignores")
        self.assertEqual([where(n)[:3] for n in
                          codes(found, "suppress/unknown-rule")],
                         [("Dockerfile", 2, 33)])
        self.assertEqual([where(n)[:3] for n in
                          codes(found, "suppress/unused")],
                         [("Dockerfile", 2, 19)])

    def test_unknown_id_is_reported_without_the_flag(self):
        text = ("FROM alpine:3.20\nUSER 10001\n"
                "# plimsoll ignore=no-such-rule\n"
                "RUN echo hi\n")
        found, _, rc = notes({"Dockerfile": text})
        unknown = codes(found, "suppress/unknown-rule")
        self.assertEqual([where(n) for n in unknown],
                         [("Dockerfile", 3, 19, 31)])
        self.assertEqual(unknown[0]["level"], "warning")
        self.assertIn("no-such-rule", unknown[0]["message"])
        self.assertEqual(rc, 0)
        # Unknown is not also unused.
        found, _, _ = notes({"Dockerfile": text}, "--report-unused-ignores")
        self.assertEqual(len(codes(found, "suppress/unknown-rule")), 1)
        self.assertEqual(codes(found, "suppress/unused"), [])

    def test_skipped_rule_is_not_unknown(self):
        text = "FROM alpine:3.20\nUSER 10001\n# plimsoll ignore=sudo-in-build\n"
        found, _, _ = notes({"Dockerfile": text}, "--skip", "sudo-in-build")
        self.assertEqual(codes(found, "suppress/unknown-rule"), [])

    def test_exit_status_is_unchanged(self):
        text = ("FROM alpine:3.20\nUSER 10001\n"
                "# plimsoll ignore=sudo-in-build\nRUN echo hi\n")
        for fail_on in ("info", "none"):
            _, doc, rc = notes({"Dockerfile": text},
                               "--report-unused-ignores", "--fail-on",
                               fail_on)
            self.assertEqual(rc, 0, doc["findings"])
            self.assertTrue(doc["summary"]["successful"])


class ValidSarif(unittest.TestCase):
    def test_log_with_unused_and_unknown_validates(self):
        files = {"Dockerfile": DOCKERFILE.replace("sudo-in-build",
                                                  "sudo-in-build,nope"),
                 "pod.yaml": POD}
        with tempfile.TemporaryDirectory() as d:
            for name, text in files.items():
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            out = os.path.join(d, "out.sarif")
            subprocess.run([PLIMSOLL, "scan", "--report-unused-ignores",
                            "--format", "sarif", "-o", out, "."], cwd=d,
                           check=False, timeout=120)
            with open(out) as f:
                ids = [n["descriptor"]["id"] for n in json.load(f)
                       ["runs"][0]["invocations"][0]
                       ["toolExecutionNotifications"]]
            self.assertIn("suppress/unused", ids)
            self.assertIn("suppress/unknown-rule", ids)
            v = subprocess.run([VALIDATE, "--strict", out],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 3 and sys.argv[2] == "--validate":
        root = sys.argv[3]
        for d in (os.environ.get("PLM_SHARED_DIR", ""),
                  os.path.join(root, "..", "shared"),
                  os.path.join(root, "..", "..", "shared")):
            tool = os.path.join(d, "tools", "sarif-validate")
            if d and os.access(tool, os.X_OK):
                VALIDATE = tool
                break
        if VALIDATE is None:
            print("SKIP: sarif-validate not found in ../shared/tools")
            sys.exit(77)
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(ValidSarif)
    else:
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(Unused)
    ok = unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful()
    sys.exit(0 if ok else 1)

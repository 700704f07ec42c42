#!/usr/bin/env python3
"""runs-as-root gives the second place a reader needs as a related
location, asserted at its file, line and column in JSON and SARIF:
- a Dockerfile whose final stage inherits USER root from an earlier
  stage: the finding at the USER, related at the final stage's FROM;
- a Compose service built from a Dockerfile that switches to root: the
  finding at the service, related at the Dockerfile's USER;
- one built from a Dockerfile with no USER: related at its FROM;
- a Kubernetes container that inherits the pod's runAsUser: 0 or
  runAsNonRoot: false: the finding at the pod's setting, related at the
  container (one that sets its own has none).
A finding with no second place has none.

usage: check_related.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None

FILES = {
    "inherit/Dockerfile": "FROM alpine:3.20 AS base\n"
                          "RUN adduser -D app\n"
                          "USER root\n"
                          "\n"
                          "FROM base\n"
                          "CMD [\"/app/run\"]\n",
    "app/a/Dockerfile": "FROM alpine:3.20\nUSER root\n",
    "app/b/Dockerfile": "FROM alpine:3.20\nRUN true\n",
    "app/compose.yaml": "services:\n"
                        "  a:\n"
                        "    build: ./a\n"
                        "  b:\n"
                        "    build:\n"
                        "      context: ./b\n",
    "k8s/pod.yaml": "apiVersion: v1\n"
                    "kind: Pod\n"
                    "metadata: {name: p}\n"
                    "spec:\n"
                    "  securityContext:\n"
                    "    runAsUser: 0\n"
                    "  containers:\n"
                    "    - name: app\n"
                    "      image: nginx:1.27\n"
                    "    - name: side\n"
                    "      image: busybox:1.36\n"
                    "      securityContext: {runAsUser: 0}\n"
                    "---\n"
                    "apiVersion: v1\n"
                    "kind: Pod\n"
                    "metadata: {name: q}\n"
                    "spec:\n"
                    "  securityContext: {runAsNonRoot: false}\n"
                    "  containers:\n"
                    "    - {name: app, image: nginx:1.27}\n",
}


def scan(root, fmt):
    r = subprocess.run([PLIMSOLL, "scan", "--no-config", "--only",
                        "runs-as-root", "--format", fmt, "."], cwd=root,
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise AssertionError("scan exited %d: %s" % (r.returncode, r.stderr))
    return json.loads(r.stdout)


class Related(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        for name, text in FILES.items():
            path = os.path.join(cls.tmp.name, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        cls.json = scan(cls.tmp.name, "json")
        cls.sarif = scan(cls.tmp.name, "sarif")

    def rel(self, path):
        if os.path.isabs(path):
            return os.path.relpath(path, self.tmp.name)
        return os.path.normpath(path)

    def finding(self, path, line):
        for f in self.json["findings"]:
            rel = self.rel(f["path"])
            if rel == path and f["region"]["start_line"] == line:
                return f
        self.fail("no finding at %s:%d" % (path, line))

    def related(self, f):
        return [(self.rel(r["path"]),
                 r["region"]["start_line"], r["region"]["start_column"],
                 r["message"]) for r in f.get("related") or []]

    def test_inherited_user_points_at_the_final_stage(self):
        f = self.finding("inherit/Dockerfile", 3)
        self.assertEqual(f["region"]["start_column"], 6)
        self.assertEqual(self.related(f), [
            ("inherit/Dockerfile", 5, 1,
             "the final stage inherits this user here")])

    def test_service_points_at_the_dockerfiles_user(self):
        f = self.finding("app/compose.yaml", 2)
        self.assertEqual(self.related(f), [
            ("app/a/Dockerfile", 2, 6, "the USER of the Dockerfile it builds")])

    def test_service_without_user_points_at_the_from(self):
        f = self.finding("app/compose.yaml", 4)
        self.assertEqual(self.related(f), [
            ("app/b/Dockerfile", 1, 1,
             "the final stage of the Dockerfile it builds")])

    def test_pod_level_user_points_at_the_container(self):
        f = self.finding("k8s/pod.yaml", 6)
        self.assertEqual(self.related(f), [
            ("k8s/pod.yaml", 8, 7,
             'container "app" inherits this pod-level setting')])

    def test_container_level_user_has_no_related(self):
        self.assertEqual(self.related(self.finding("k8s/pod.yaml", 12)), [])

    def test_pod_level_run_as_non_root_points_at_the_container(self):
        f = self.finding("k8s/pod.yaml", 18)
        self.assertEqual(self.related(f), [
            ("k8s/pod.yaml", 20, 8,
             'container "app" inherits this pod-level setting')])

    def test_a_finding_with_one_place_has_no_related(self):
        self.assertEqual(self.related(self.finding("app/b/Dockerfile", 1)),
                         [])

    def test_sarif_related_locations(self):
        got = set()
        for r in self.sarif["runs"][0]["results"]:
            loc = r["locations"][0]["physicalLocation"]
            for x in r.get("relatedLocations", []):
                p = x["physicalLocation"]
                got.add((loc["artifactLocation"]["uri"],
                         p["artifactLocation"]["uri"],
                         p["region"]["startLine"],
                         p["region"]["startColumn"]))
        self.assertEqual(got, {
            ("inherit/Dockerfile", "inherit/Dockerfile", 5, 1),
            ("app/compose.yaml", "app/a/Dockerfile", 2, 6),
            ("app/compose.yaml", "app/b/Dockerfile", 1, 1),
            ("k8s/pod.yaml", "k8s/pod.yaml", 8, 7),
            ("k8s/pod.yaml", "k8s/pod.yaml", 20, 8)})


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main()

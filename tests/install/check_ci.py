"""The CI integrations run as their hosts run them: the GitHub Action's
steps (action.yml) and the GitLab CI template's job
(ci/gitlab/plimsoll.gitlab-ci.yml) parse as YAML, and their shell
scripts, run with bash as the runner runs them (inputs and variables at
their defaults, the paths set to a copy of examples/), call plimsoll with
options it has and leave the reports their hosts read: SARIF with the
category for code scanning, annotations on stdout, Code Quality JSON.

usage: check_ci.py PLIMSOLL SOURCE_ROOT
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import yamlfile  # noqa: E402

PLIMSOLL = None
SOURCE_ROOT = None
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def bash(script, cwd, env, shell_flags=("-e", "-o", "pipefail")):
    e = dict(os.environ)
    e.pop("CI", None)
    e.update(env)
    e["PATH"] = os.path.dirname(PLIMSOLL) + os.pathsep + e["PATH"]
    return subprocess.run(["bash", "--noprofile", "--norc", *shell_flags,
                           "-c", script], cwd=cwd, env=e,
                          capture_output=True, text=True, timeout=300)


def scan_options():
    text = subprocess.run([PLIMSOLL, "scan", "--help"], capture_output=True,
                          text=True).stdout
    return set(re.findall(r"--[a-z][a-z-]*", text.split("\nFormats:")[0]))


def check_options(test, script):
    """script calls plimsoll scan, and every option in it is one scan
    has."""
    test.assertRegex(script, r"\bplimsoll scan\b")
    known = scan_options()
    for opt in set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", script)):
        test.assertIn(opt, known, opt)


def examples_copy(tmp):
    shutil.copytree(os.path.join(SOURCE_ROOT, "examples"),
                    os.path.join(tmp, "examples"))


class GitHubAction(unittest.TestCase):
    def setUp(self):
        docs = yamlfile.load(PLIMSOLL, os.path.join(SOURCE_ROOT,
                                                   "action.yml"))
        self.assertEqual(len(docs), 1)
        self.action = docs[0]
        self.inputs = {k: v.get("default", "")
                       for k, v in self.action["inputs"].items()}
        self.steps = self.action["runs"]["steps"]

    def env_of(self, step, inputs, outputs=None):
        """The step's env as the runner evaluates it."""
        def value(m):
            expr = m.group(1).strip()
            if expr.startswith("inputs."):
                return str(inputs[expr[len("inputs."):]])
            if expr == "github.action_path":
                return SOURCE_ROOT
            if expr.startswith("steps.") and outputs is not None:
                return outputs.get(expr.split(".")[-1], "")
            raise AssertionError("unknown expression " + expr)
        return {k: re.sub(r"\$\{\{(.*?)\}\}", value, str(v))
                for k, v in step.get("env", {}).items()}

    def step(self, name):
        for s in self.steps:
            if s.get("id") == name or s.get("name") == name:
                return s
        self.fail("no step " + name)

    def test_composite_with_inputs(self):
        self.assertEqual(self.action["runs"]["using"], "composite")
        for key in ("paths", "args", "fail-on", "sarif-file", "category",
                    "upload-sarif", "annotate", "build"):
            self.assertIn(key, self.action["inputs"])
        for s in self.steps:
            if "run" in s:
                self.assertEqual(s.get("shell"), "bash", s["name"])

    def test_upload_step_uses_codeql_upload_sarif_with_category(self):
        up = [s for s in self.steps if "uses" in s]
        self.assertEqual(len(up), 1)
        self.assertRegex(up[0]["uses"],
                         r"^github/codeql-action/upload-sarif@v\d+$")
        self.assertEqual(up[0]["with"]["category"], "${{ inputs.category }}")
        self.assertIn("steps.scan.outputs.sarif-file",
                      up[0]["with"]["sarif_file"])

    def test_build_step_uses_real_meson_options(self):
        build = self.step("build")
        with open(os.path.join(SOURCE_ROOT, "meson_options.txt")) as f:
            own = set(re.findall(r"option\('([a-z_]+)'", f.read()))
        for opt in re.findall(r"-D([a-z_]+)=", build["run"]):
            self.assertIn(opt, own | {"buildtype"}, opt)
        # With plimsoll on PATH, 'auto' builds nothing.
        with tempfile.TemporaryDirectory() as tmp:
            r = bash(build["run"], tmp, self.env_of(build, self.inputs))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("using " + PLIMSOLL, r.stdout)

    def test_scan_step_writes_sarif_and_annotations(self):
        scan = self.step("scan")
        check_options(self, scan["run"])
        with tempfile.TemporaryDirectory() as tmp:
            examples_copy(tmp)
            out = os.path.join(tmp, "github_output")
            inputs = dict(self.inputs, paths="examples")
            env = self.env_of(scan, inputs)
            env.update(GITHUB_WORKSPACE=tmp, GITHUB_OUTPUT=out)
            r = bash(scan["run"], tmp, env)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out) as f:
                outputs = dict(line.split("=", 1)
                               for line in f.read().splitlines())
            self.assertEqual(outputs["exit-code"], "1")
            with open(os.path.join(tmp, outputs["sarif-file"])) as f:
                run = json.load(f)["runs"][0]
            self.assertEqual(run["automationDetails"]["id"], "plimsoll/")
            self.assertGreater(len(run["results"]), 10)
            for res in run["results"]:
                loc = res["locations"][0]["physicalLocation"]
                self.assertEqual(loc["artifactLocation"]["uriBaseId"],
                                 "%SRCROOT%")
                self.assertTrue(os.path.exists(os.path.join(
                    tmp, loc["artifactLocation"]["uri"])))
            notes = re.findall(r"^::(error|warning|notice) file=([^,]+),",
                               r.stdout, flags=re.M)
            self.assertEqual(len(notes), len(run["results"]))
            for _, path in notes:
                self.assertTrue(os.path.exists(os.path.join(tmp, path)))

            # The last step fails the job as the threshold says.
            result = self.step("Result")
            r = bash(result["run"], tmp,
                     self.env_of(result, inputs, outputs))
            self.assertEqual(r.returncode, 1, r.stdout)

            # Without annotations, with a category of its own and help
            # links: the same run otherwise.
            inputs.update(annotate="false", category="containers",
                          **{"docs-url": "https://docs.example.org/rules",
                             "fail-on": "none"})
            os.remove(out)
            r = bash(scan["run"], tmp, dict(self.env_of(scan, inputs),
                                            GITHUB_WORKSPACE=tmp,
                                            GITHUB_OUTPUT=out))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("::error", r.stdout)
            with open(out) as f:
                self.assertIn("exit-code=0", f.read())
            with open(os.path.join(tmp, "plimsoll.sarif")) as f:
                run = json.load(f)["runs"][0]
            self.assertEqual(run["automationDetails"]["id"], "containers/")
            self.assertTrue(all(
                r["helpUri"].startswith("https://docs.example.org/rules/")
                for r in run["tool"]["driver"]["rules"]))


class GitLabTemplate(unittest.TestCase):
    def setUp(self):
        path = os.path.join(SOURCE_ROOT, "ci", "gitlab",
                            "plimsoll.gitlab-ci.yml")
        docs = yamlfile.load(PLIMSOLL, path)
        self.assertEqual(len(docs), 1)
        self.template = docs[0]
        self.job = self.template["plimsoll"]

    def test_job_writes_the_code_quality_report(self):
        variables = {k: str(v) for k, v in
                     self.template["variables"].items()}
        variables["PLIMSOLL_PATHS"] = "examples"
        report = self.job["artifacts"]["reports"]["codequality"]
        self.assertEqual(self.job["artifacts"]["when"], "always")
        for line in self.job["script"]:
            check_options(self, line)
        with tempfile.TemporaryDirectory() as tmp:
            examples_copy(tmp)
            # GitLab runs before_script and script in one shell.
            script = "\n".join(self.job["before_script"] +
                               self.job["script"])
            r = bash(script, tmp, variables, shell_flags=("-e",))
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("findings", r.stdout)  # the text summary
            with open(os.path.join(tmp, report)) as f:
                issues = json.load(f)
            self.assertGreater(len(issues), 10)
            for i in issues:
                self.assertTrue(i["description"] and i["check_name"] and
                                i["fingerprint"], i)
                self.assertIn(i["severity"], SEVERITIES)
                self.assertTrue(os.path.exists(os.path.join(
                    tmp, i["location"]["path"])), i["location"])
                self.assertGreaterEqual(i["location"]["lines"]["begin"], 1)
            self.assertEqual(len({i["fingerprint"] for i in issues}),
                             len(issues))
            for kept in self.job["artifacts"]["paths"]:
                self.assertTrue(os.path.exists(os.path.join(tmp, kept)))

    def test_without_plimsoll_and_sources_it_says_what_to_set(self):
        variables = {k: str(v) for k, v in
                     self.template["variables"].items()}
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(variables, PATH="/usr/bin:/bin")
            r = subprocess.run(["bash", "-e", "-c",
                                "\n".join(self.job["before_script"])],
                               cwd=tmp, env=env, capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("PLIMSOLL_REPOSITORY", r.stderr)


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv[1])
    SOURCE_ROOT = os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0], "-v"])

#!/usr/bin/env python3
"""End-to-end tests of the plimsoll command line: exit statuses, discovery,
stdin, output routing, and that one bad file never costs the others' results.

usage: test_cli.py PLIMSOLL SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None
SOURCE_ROOT = None


def run(*args, stdin=None, cwd=None, env=None):
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    if env:
        e.update(env)
    return subprocess.run([os.path.abspath(PLIMSOLL), *args], input=stdin,
                          cwd=cwd, env=e,
                          capture_output=True, timeout=120)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


class Cli(unittest.TestCase):
    def test_policy_dir_layouts_and_unreadable_policies(self):
        """A policy directory read file by file as found: `x.lua` files,
        `x/policy.lua` folders (a folder named `y.lua` too), nested
        folders; other files passed over; a policy that cannot be read
        stops the scan with its path and why."""
        policy = """return {
	id = "%s", title = "T", severity = "low",
	applies_to = {"dockerfile"}, description = "Why.",
	check = function(doc, report) report(doc.tree, "%s") end,
}
"""
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/pol/flat.lua", policy % ("t/flat", "flat"))
            write(f"{d}/pol/folder/policy.lua", policy % ("t/folder", "fo"))
            write(f"{d}/pol/named.lua/policy.lua", policy % ("t/named", "n"))
            write(f"{d}/pol/ns/deep/policy.lua", policy % ("t/deep", "d"))
            write(f"{d}/pol/README.md", "not a policy\n")
            write(f"{d}/pol/empty/notes.txt", "nothing here\n")
            write(f"{d}/Dockerfile", "FROM alpine\n")
            r = run("scan", "--no-config", "--no-builtin", "--policy-dir",
                    f"{d}/pol", "--format", "json", f"{d}/Dockerfile")
            self.assertEqual(r.returncode, 1, r.stderr)
            import json
            got = sorted(f["rule"] for f in json.loads(r.stdout)["findings"])
            self.assertEqual(got, ["t/deep", "t/flat", "t/folder",
                                   "t/named"])
            big = f"{d}/pol/huge/policy.lua"
            write(big, "-- " + "x" * (1 << 20) + "\n")
            r = run("scan", "--no-config", "--no-builtin", "--policy-dir",
                    f"{d}/pol", f"{d}/Dockerfile")
            self.assertEqual(r.returncode, 2)
            self.assertIn(f"{big}: cannot read policy: larger than 1 MiB",
                          r.stderr.decode())
            os.remove(big)
            if os.geteuid() != 0:
                os.chmod(f"{d}/pol/flat.lua", 0)
                r = run("scan", "--no-config", "--no-builtin",
                        "--policy-dir", f"{d}/pol", f"{d}/Dockerfile")
                self.assertEqual(r.returncode, 2)
                self.assertIn("flat.lua: cannot read policy: Permission "
                              "denied", r.stderr.decode())

    def test_version_prints_the_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.decode(), r"^plimsoll \d+\.\d+\.\d+\n$")

    def test_unknown_command_is_a_usage_error(self):
        r = run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command", r.stderr.decode())

    def test_every_command_has_help(self):
        for cmd in ("scan", "dump"):
            r = run(cmd, "--help")
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn("usage: plimsoll " + cmd, r.stdout.decode())

    def test_bad_option_values_are_usage_errors(self):
        for args in (["--jobs", "0"], ["--kind", "helm"],
                     ["--fail-on", "severe"], ["--max-file-size", "x"],
                     ["--format", "nosuchformat"],
                     ["--policy-timeout", "0"], ["--policy-timeout", "-1"],
                     ["--policy-timeout", "ten"],
                     ["--policy-timeout", "1e9"]):
            r = run("scan", *args, os.devnull)
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr, args)
        for args in (["--policy-timeout", "0"], ["--policy-timeout", "x"]):
            r = run("test", *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("--policy-timeout", r.stderr.decode(), args)
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/Dockerfile", "FROM alpine:3.20\nUSER 10001\n")
            r = run("scan", "--policy-timeout", "2.5", f"{d}/Dockerfile")
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_source_root_makes_dashboard_paths_relative_to_it(self):
        import json
        with tempfile.TemporaryDirectory() as d:
            d = os.path.realpath(d)
            write(f"{d}/repo/deploy/Dockerfile", "FROM alpine:3.20\n")
            write(f"{d}/elsewhere/Dockerfile", "FROM alpine:3.20\n")
            sub = f"{d}/repo/deploy"
            r = run("scan", "--format", "sarif", "--source-root", "..",
                    "Dockerfile", "../../elsewhere/Dockerfile", cwd=sub)
            self.assertEqual(r.returncode, 1, r.stderr)
            sarif = json.loads(r.stdout)["runs"][0]
            self.assertEqual(sarif["originalUriBaseIds"]["%SRCROOT%"]["uri"],
                             f"file://{d}/repo/")
            # A file outside the root is relative to a named base too:
            # GitHub refuses absolute file: URIs.
            self.assertEqual(sarif["originalUriBaseIds"]["%FSROOT%"]["uri"],
                             "file:///")
            uris = [a["location"] for a in sarif["artifacts"]]
            self.assertEqual(uris, [
                {"uri": "deploy/Dockerfile", "uriBaseId": "%SRCROOT%"},
                {"uri": f"{d[1:]}/elsewhere/Dockerfile",
                 "uriBaseId": "%FSROOT%"}])
            self.assertNotIn("file:", json.dumps(sarif["results"]))
            self.assertNotIn("workingDirectory", sarif["invocations"][0])
            r = run("scan", "--format", "github", "--source-root", "..",
                    "Dockerfile", cwd=sub)
            self.assertIn("file=deploy/Dockerfile,", r.stdout.decode())
            # Formats for people keep the path as given.
            r = run("scan", "--format", "gnu", "--source-root", "..",
                    "Dockerfile", cwd=sub)
            self.assertTrue(r.stdout.decode().startswith("Dockerfile:"),
                            r.stdout)
            for bad in ("/nonexistent-root", "Dockerfile"):
                r = run("scan", "--source-root", bad, "Dockerfile", cwd=sub)
                self.assertEqual(r.returncode, 2, bad)
                self.assertIn("--source-root", r.stderr.decode(), bad)
                self.assertEqual(r.stdout, b"", bad)

    def test_help_uri_only_under_a_configured_docs_url(self):
        import json
        examples = os.path.join(SOURCE_ROOT, "examples", "dockerfile")
        r = run("scan", "--format", "sarif", examples)
        rules = json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"]
        self.assertGreater(len(rules), 10)
        self.assertEqual([x["id"] for x in rules if "helpUri" in x], [])
        for x in rules:
            self.assertTrue(x["help"]["markdown"].strip(), x["id"])
            self.assertEqual(x["help"]["text"], x["help"]["markdown"])
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/acme/own.lua", """return {
	id = "acme/own", title = "Own", severity = "low",
	applies_to = {"dockerfile"}, description = "Why.",
	check = function(doc, report) end,
}
""")
            write(f"{d}/acme/page.lua", """return {
	id = "acme/page", title = "Page", severity = "low",
	applies_to = {"dockerfile"}, description = "Why.",
	help_uri = "https://acme.example/wiki/page",
	check = function(doc, report) end,
}
""")
            for base in ("https://docs.example.org/plimsoll/rules",
                         "https://docs.example.org/plimsoll/rules/"):
                r = run("scan", "--format", "sarif", "--format", "json",
                        "-o", f"{d}/out.json", "--docs-url", base,
                        "--policy-dir", f"{d}/acme", examples)
                self.assertEqual(r.returncode, 1, r.stderr)
                rules = {x["id"]: x.get("helpUri") for x in json.loads(
                    r.stdout)["runs"][0]["tool"]["driver"]["rules"]}
                self.assertEqual(
                    rules["runs-as-root"], "https://docs.example.org/"
                    "plimsoll/rules/runs-as-root.md")
                # The page name `rules --output-dir` gives the rule.
                self.assertEqual(
                    rules["acme/own"], "https://docs.example.org/"
                    "plimsoll/rules/acme--own.md")
                # A page the policy names itself is kept.
                self.assertEqual(rules["acme/page"],
                                 "https://acme.example/wiki/page")
                with open(f"{d}/out.json") as f:
                    listed = {x["id"]: x["help_uri"]
                              for x in json.load(f)["rules"]}
                self.assertEqual(listed, rules)
            # Each built-in rule's address is a page of docs/rules.
            for rule, uri in rules.items():
                if not rule.startswith("acme/"):
                    page = uri.rsplit("/", 1)[1]
                    self.assertTrue(os.path.exists(os.path.join(
                        SOURCE_ROOT, "docs", "rules", page)), uri)
        for bad in ("docs/rules", "ftp://x/", "https://x/?a=1",
                    "https://", "https://x/a b"):
            r = run("scan", "--docs-url", bad, examples)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("--docs-url", r.stderr.decode(), bad)

    def test_profile_counts_each_rule_on_stderr(self):
        import json
        examples = os.path.join(SOURCE_ROOT, "examples")
        r = run("scan", "--profile", "--format", "json", "--jobs", "2",
                "--include-suppressed", examples)
        self.assertEqual(r.returncode, 1, r.stderr)
        report = json.loads(r.stdout)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(lines[0].split()[:5],
                         ["rule", "runs", "skipped", "findings", "failed"])
        rows = {l.split()[0]: l.split() for l in lines[1:]}
        kinds = {}
        for path in report["summary"]["paths"]:
            # the folder under examples/, not the checkout's own path
            # (which may well contain "compose")
            path = os.path.relpath(path, examples)
            kind = ("compose" if "compose" in path else "kubernetes"
                    if "kubernetes" in path else "dockerfile")
            kinds[kind] = kinds.get(kind, 0) + 1
        # Project-scope policies run once per project, not per file.
        project = set()
        policies = os.path.join(SOURCE_ROOT, "policies")
        for name in os.listdir(policies):
            path = os.path.join(policies, name, "policy.lua")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    if 'scope = "project"' in f.read():
                        project.add(name)
        self.assertIn("network-policy-missing", project)
        for rule in report["rules"]:
            row = rows[rule["id"]]
            runs = sum(n for k, n in kinds.items()
                       if k in rule["applies_to"])
            if rule["id"] in project:
                runs = 1
            # Each file of its kinds is run or, lacking what the rule
            # needs, skipped.
            self.assertEqual(int(row[1]) + int(row[2]), runs, rule["id"])
            found = sum(1 for f in report["findings"]
                        if f["rule"] == rule["id"])
            self.assertEqual(int(row[3]), found, rule["id"])
            self.assertEqual(int(row[4]), 0, rule["id"])
        self.assertEqual(int(rows["total"][3]), len(report["findings"]))
        # Without --profile, nothing on stderr.
        r = run("scan", "--format", "json", examples)
        self.assertEqual(r.stderr, b"")

    def test_missing_path_is_reported_and_makes_the_run_incomplete(self):
        r = run("scan", "--format", "gnu", "/nonexistent/Dockerfile")
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/Dockerfile", r.stdout.decode())

    def test_dump_prints_the_model_as_json(self):
        import json
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/Dockerfile", "FROM alpine:3.20\nUSER 1000\n")
            r = run("dump", f"{d}/Dockerfile")
            self.assertEqual(r.returncode, 0, r.stderr)
            model = json.loads(r.stdout)
            self.assertEqual(model["kind"], "dockerfile")
            self.assertEqual(len(model["containers"]), 1)
            self.assertEqual(model["containers"][0]["user"]["uid"], 1000)

    def test_dump_of_unknown_kind_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/notes.txt", "hello\n")
            r = run("dump", f"{d}/notes.txt")
            self.assertEqual(r.returncode, 2)
            self.assertIn("--kind", r.stderr.decode())

    def test_stdin_is_scanned_under_the_given_name(self):
        r = run("scan", "--format", "gnu", "--kind", "dockerfile",
                "--stdin-filename", "svc/Dockerfile", "-",
                stdin=b"FROM alpine\nFROBNICATE x\n")
        self.assertIn("svc/Dockerfile:2:1", r.stdout.decode())

    def test_bad_files_do_not_cost_the_good_files_results(self):
        with tempfile.TemporaryDirectory() as d:
            good = "FROM alpine:3.20\nRUN apk add curl\nBOGUS here\n"
            write(f"{d}/good/Dockerfile", good)
            write(f"{d}/bad/Dockerfile", b"\x00\xff\xfe binary \x00\x01" * 100)
            write(f"{d}/trunc/Dockerfile", "FROM alpine\nRUN <<EOF\necho")
            alone = run("scan", "--format", "gnu", f"{d}/good")
            together = run("scan", "--format", "gnu", d)
            lines = [l for l in together.stdout.decode().splitlines()
                     if l.startswith(f"{d}/good/")]
            self.assertEqual(lines, alone.stdout.decode().splitlines())
            out = together.stdout.decode()
            self.assertIn(f"{d}/bad/Dockerfile", out)
            self.assertIn(f"{d}/trunc/Dockerfile", out)
            self.assertEqual(together.returncode, 2)

    def test_output_does_not_depend_on_jobs(self):
        ex = os.path.join(SOURCE_ROOT, "examples")
        one = run("scan", "--format", "gnu", "--jobs", "1", ex)
        two = run("scan", "--format", "gnu", "--jobs", "2", ex)
        self.assertEqual(one.stdout, two.stdout)
        self.assertEqual(one.returncode, two.returncode)

    def test_output_goes_to_the_file_named_after_its_format(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/Dockerfile", "FROM alpine\nBOGUS x\n")
            r = run("scan", "--format", "gnu", "-o", f"{d}/out.txt",
                    f"{d}/Dockerfile")
            self.assertEqual(r.stdout, b"")
            with open(f"{d}/out.txt") as f:
                self.assertIn("Dockerfile:2:1", f.read())

    def test_oversized_file_is_skipped_with_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/Dockerfile", "FROM alpine\n" + "# pad\n" * 50000)
            r = run("scan", "--format", "gnu", "--max-file-size", "64k",
                    f"{d}/Dockerfile")
            self.assertEqual(r.returncode, 2)
            self.assertIn("larger than the limit", r.stdout.decode())

    def test_oversized_file_found_by_walking_is_a_note(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/Dockerfile", "FROM alpine\n" + "# pad\n" * 50000)
            r = run("scan", "--format", "gnu", "--max-file-size", "64k", d)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn(f"{d}/Dockerfile: note: file is larger than the "
                          "limit", r.stdout.decode())
            self.assertIn("[discover/too-large]", r.stdout.decode())

    def test_fifo_and_unreadable_files_do_not_hang(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkfifo(f"{d}/Dockerfile")
            # found by walking: passed over with a note
            r = run("scan", "--format", "gnu", d)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn(f"{d}/Dockerfile: note: not a regular file",
                          r.stdout.decode())
            self.assertIn("[discover/not-regular]", r.stdout.decode())
            # named: an error
            r = run("scan", "--format", "gnu", f"{d}/Dockerfile")
            self.assertEqual(r.returncode, 2)
            self.assertIn("Dockerfile", r.stdout.decode())

    def test_dockerfile_named_on_the_command_line_is_known_by_content(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/build.txt", "# syntax=docker/dockerfile:1\n"
                  "\nARG BASE=alpine\nFROM $BASE\nBOGUS x\n")
            r = run("scan", "--format", "gnu", "--no-builtin",
                    f"{d}/build.txt")
            self.assertIn(f"{d}/build.txt:5:1", r.stdout.decode())
            self.assertIn("unknown-instruction", r.stdout.decode())

    def test_compose_override_user_is_reported_where_it_is_written(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/compose.yaml", "services:\n  web:\n"
                  "    image: nginx:1.27\n    user: \"1000\"\n")
            write(f"{d}/compose.prod.yaml", "services:\n  web:\n"
                  "    user: root\n")
            r = run("scan", "--format", "gnu", "--only", "runs-as-root",
                    "-f", f"{d}/compose.yaml", "-f", f"{d}/compose.prod.yaml")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertEqual(r.stdout.decode().strip(),
                             f"{d}/compose.prod.yaml:3:11: high: service "
                             "\"web\" runs as root (user root) [runs-as-root]")

    def test_compose_findings_point_at_the_file_that_wrote_the_value(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/compose.yaml", "services:\n  web:\n"
                  "    image: nginx:1.27\n    privileged: true\n"
                  "    cap_add: [SYS_ADMIN]\n")
            write(f"{d}/compose.override.yaml", "# local changes\n\n"
                  "services:\n  web:\n    cap_add:\n      - NET_ADMIN\n")
            r = run("scan", "--format", "gnu", "--only",
                    "privileged,added-capabilities,runs-as-root",
                    f"{d}/compose.yaml")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertEqual(sorted(r.stdout.decode().splitlines()), sorted([
                # unwritten user: the service key of the base file
                f"{d}/compose.yaml:2:3: high: service \"web\" runs as "
                "root: no `user:` is set and image nginx:1.27 starts as "
                "root [runs-as-root]",
                f"{d}/compose.yaml:4:17: critical: service \"web\" runs "
                "privileged [privileged]",
                f"{d}/compose.yaml:5:15: high: service \"web\" adds "
                "capability SYS_ADMIN (mounting filesystems and most kernel "
                "administration, the usual way out of a container) "
                "[added-capabilities]",
                f"{d}/compose.override.yaml:6:9: high: service \"web\" "
                "adds capability NET_ADMIN (configuring interfaces, routes "
                "and firewall rules and intercepting traffic of its network "
                "namespace) [added-capabilities]",
            ]))

    def test_compose_build_is_linked_only_inside_the_scanned_tree(self):
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/app/Dockerfile", "FROM alpine:3.20\nUSER 1000\n")
            write(f"{d}/deploy/compose.yaml", "services:\n  web:\n"
                  "    build: ../app\n")
            # the compose file alone: its directory is the tree, and the
            # user of an image it cannot read is unknown
            r = run("scan", "--format", "gnu", "--only",
                    "runs-as-root,image-user-unknown",
                    f"{d}/deploy/compose.yaml")
            out = r.stdout.decode()
            self.assertIn(f"{d}/deploy/compose.yaml:3:5: note: ", out)
            self.assertIn("[compose/build-outside-tree]", out)
            self.assertIn("[image-user-unknown]", out)
            # the whole tree: linked, the image's USER 1000 is not root
            r = run("scan", "--format", "gnu", "--only", "runs-as-root", d)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertNotIn("build-outside-tree", r.stdout.decode())
            self.assertNotIn("runs-as-root", r.stdout.decode())
            # a Dockerfile reached through a symbolic link out of the tree
            os.symlink(f"{d}/app", f"{d}/deploy/app")
            write(f"{d}/deploy/compose.yaml", "services:\n  web:\n"
                  "    build: app\n")
            r = run("scan", "--format", "gnu", f"{d}/deploy")
            self.assertIn("[compose/build-outside-tree]", r.stdout.decode())

    def test_compose_build_paths_are_shown_tidied(self):
        ex = os.path.join(SOURCE_ROOT, "examples")
        r = run("scan", "--format", "gnu", ex)
        self.assertNotIn("/../", r.stdout.decode())

    def test_commands_of_an_exec_form_script_are_counted_once(self):
        policy = """local p = require("plimsoll")
return {
  id = "acme/count-installs", title = "Counts installs",
  severity = "info", applies_to = {"dockerfile"}, tags = {"test"},
  description = "Counts package-manager commands per RUN.",
  check = function(doc, report)
    for _, st in ipairs(doc.tree.stages) do
      for _, ins in ipairs(st.instructions) do
        if ins.keyword == "RUN" then
          local n = #p.find_commands(ins, {"apk", "pip"})
          report(ins, ("%d installs"):format(n))
        end
      end
    end
  end,
}
"""
        with tempfile.TemporaryDirectory() as d:
            write(f"{d}/count.lua", policy)
            write(f"{d}/Dockerfile", "FROM alpine\n"
                  'RUN ["sh", "-c", "apk add curl && echo hi"]\n'
                  'RUN sh -c "apk add curl && echo hi" && '
                  'bash -c "pip install x"\n')
            r = run("scan", "--format", "gnu", "--no-builtin", "--policy",
                    f"{d}/count.lua", f"{d}/Dockerfile")
            self.assertEqual(r.stdout.decode().splitlines(), [
                f"{d}/Dockerfile:2:1: info: 1 installs [acme/count-installs]",
                f"{d}/Dockerfile:3:1: info: 2 installs [acme/count-installs]",
            ])


# A policy whose description uses the labels the rule pages are made of.
DOCUMENTED_POLICY = """return {
  id = "acme/documented",
  title = "A documented rule",
  severity = "low",
  applies_to = {"dockerfile"},
  aliases = {"CKV_K8S_14", "CKV_K8S_9999", "DL3999", "some-check"},
  description = [[
Why: it matters a great deal.

What is reported: every stage.

How to fix, when it matters: change it.

```dockerfile
# Before
FROM alpine
# After, not a label: How to fix: inside a code block
FROM alpine:3.20
```

References:

- somewhere
]],
  check = function(doc, report) end,
}
"""

BARE_POLICY = """return {
  id = "acme/bare",
  title = "A rule with plain prose",
  severity = "low",
  applies_to = {"dockerfile"},
  description = "Just prose, no labels.",
  check = function(doc, report) end,
}
"""


class RulesAndExplain(unittest.TestCase):
    def policies(self, d):
        write(f"{d}/pol/documented/policy.lua", DOCUMENTED_POLICY)
        write(f"{d}/pol/bare/policy.lua", BARE_POLICY)
        return ["--no-builtin", "--policy-dir", f"{d}/pol"]

    def test_rules_table_lists_each_rules_aliases(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("rules", *self.policies(d))
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.decode().splitlines()
            row = [i for i, l in enumerate(lines)
                   if l.startswith("acme/documented ")][0]
            self.assertEqual(lines[row + 1].split(), [
                "aliases:", "CKV_K8S_14,", "CKV_K8S_9999,", "DL3999,",
                "some-check"])
            # A rule without aliases gets no aliases line.
            bare = [i for i, l in enumerate(lines)
                    if l.startswith("acme/bare ")][0]
            self.assertFalse(lines[bare + 1].strip().startswith("aliases"))

    def test_builtin_table_shows_aliases_of_builtin_rules(self):
        r = run("rules")
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode()
        self.assertRegex(text, r"\nimage-tag-latest .*\n +aliases: "
                               r"CKV_K8S_14, latest-tag")

    def test_markdown_page_has_the_sections_of_a_rule_page(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("rules", "--format", "markdown", "--output-dir",
                    f"{d}/out", *self.policies(d))
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(f"{d}/out/acme--documented.md") as f:
                page = f.read()
            heads = [l for l in page.splitlines() if l.startswith("## ")]
            self.assertEqual(heads, [
                "## Why it matters", "## What is reported", "## How to fix",
                "## Peer codes covered", "## References", "## Suppressing"])
            self.assertIn("## Why it matters\n\nWhy: it matters", page)
            self.assertIn("## What is reported\n\nEvery stage.", page)
            # A qualified label keeps its qualifier in the section.
            self.assertIn("## How to fix\n\nWhen it matters: change it.",
                          page)
            # The label inside the code block stays in the snippet.
            self.assertIn("# After, not a label: How to fix: inside", page)
            self.assertIn("## References\n\n- somewhere", page)
            # Tools: from peer-ids.tsv with its link, else from the form.
            self.assertRegex(page, r"\| Checkov \| \[`CKV_K8S_14`\]"
                                   r"\(https://[^)]+\) \|")
            self.assertIn("| Checkov | `CKV_K8S_9999` |", page)
            self.assertIn("| hadolint | `DL3999` |", page)
            self.assertIn("|  | `some-check` |", page)

    def test_markdown_page_of_plain_prose_keeps_it_whole(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("rules", "--format", "markdown", "--output-dir",
                    f"{d}/out", *self.policies(d))
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(f"{d}/out/acme--bare.md") as f:
                page = f.read()
            self.assertIn("## Why it matters\n\nJust prose, no labels.",
                          page)
            self.assertIn("## How to fix\n\nThe description above says",
                          page)
            self.assertIn("## Peer codes covered\n\nNo other tool's", page)

    def test_explain_says_what_a_rule_needs(self):
        for rule, line in (
                ("npm-package-unpinned", "  needs:      an instruction RUN "
                 "(Dockerfiles); one of \"npm\", \"yarn\", \"pnpm\" in "
                 "the text\n"),
                ("copy-multiple-sources-no-trailing-slash", "  needs:      "
                 "an instruction ADD or COPY (Dockerfiles)\n"),
                ("privileged", "  needs:      a container\n")):
            r = run("explain", rule)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(line, r.stdout.decode())
        # A rule that needs nothing says nothing.
        r = run("explain", "healthcheck-missing")
        self.assertNotIn("needs:", r.stdout.decode())

    def test_explain_names_the_tool_of_each_alias(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("explain", *self.policies(d), "DL3999")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("  aliases:    CKV_K8S_14 (Checkov), CKV_K8S_9999 "
                          "(Checkov), DL3999 (hadolint), some-check\n",
                          r.stdout.decode())


if __name__ == "__main__":
    PLIMSOLL, SOURCE_ROOT = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])

#!/usr/bin/env python3
"""`docker run` command lines end to end: the seed cases give the same
findings in a script, a workflow and a README as the equivalent Compose
service; findings land on the flag; bad input is a diagnostic with its
position and the rest of the file is still read; directory scans pick
these files only when they run a container.

usage: test_command.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None

SEEDS = {
    "user": ("docker run --user 0 example/app:1.0",
             'user: "0"', "runs-as-root"),
    "privileged": ("podman run --privileged example/app:1.0",
                   "privileged: true", "privileged"),
    "socket": ("docker run -v /var/run/docker.sock:/var/run/docker.sock "
               "example/app:1.0",
               "volumes:\n      - /var/run/docker.sock:/var/run/docker.sock",
               "docker-socket-mount"),
    "uts": ("docker run --uts host example/app:1.0", "uts: host",
            "host-namespaces"),
}


def run(args, cwd):
    r = subprocess.run([PLIMSOLL, *args], cwd=cwd, capture_output=True,
                       text=True, timeout=120)
    return r


def scan(files, *args):
    """Findings and notifications of a scan of a directory holding files."""
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            path = os.path.join(d, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        r = run(["scan", "--format", "json", *args, "."], d)
    doc = json.loads(r.stdout)
    return doc


def rules(doc):
    return sorted(f["rule"] for f in doc["findings"])


def as_script(cmd):
    return {"deploy.sh": "#!/bin/sh\nset -e\n" + cmd + "\n"}


def as_workflow(cmd):
    return {".github/workflows/ci.yml":
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: |\n          echo start\n"
            "          " + cmd + "\n"}


def as_readme(cmd):
    return {"README.md": "# Try it\n\n```sh\n" + cmd + "\n```\n"}


def as_compose(keys):
    return {"compose.yaml": "services:\n  app:\n    image: example/app:1.0\n"
            "    " + keys + "\n"}


class Seeds(unittest.TestCase):
    def test_each_source_gives_the_compose_services_findings(self):
        for name, (cmd, keys, rule) in SEEDS.items():
            want = rules(scan(as_compose(keys)))
            self.assertIn(rule, want)
            for make in (as_script, as_workflow, as_readme):
                with self.subTest(seed=name, source=make.__name__):
                    got = scan(make(cmd))
                    self.assertEqual(rules(got), want)
                    self.assertEqual(got["summary"]["files_scanned"], 1)

    def test_the_finding_lands_on_the_flag(self):
        cmd = SEEDS["user"][0]
        for make, line, col in ((as_script, 3, 19), (as_workflow, 8, 29),
                                (as_readme, 4, 19)):
            with self.subTest(source=make.__name__):
                got = scan(make(cmd), "--only", "runs-as-root")
                [f] = got["findings"]
                self.assertEqual(f["region"]["start_line"], line)
                self.assertEqual(f["region"]["start_column"], col)

    def test_a_missing_flag_points_at_the_command(self):
        got = scan({"x.sh": "true\n  docker run example/app:1.0\n"},
                   "--only", "writable-root-filesystem")
        [f] = got["findings"]
        self.assertEqual((f["region"]["start_line"],
                          f["region"]["start_column"],
                          f["region"]["end_column"]), (2, 3, 13))


def notes(doc, code):
    """The notifications of a code, each with its line and column."""
    out = []
    for n in doc["notifications"]:
        if n.get("code") == code:
            n["line"] = n["region"]["start_line"]
            n["column"] = n["region"]["start_column"]
            out.append(n)
    return out


class BadInput(unittest.TestCase):
    def test_an_unbalanced_quote_is_reported_and_earlier_commands_read(self):
        got = scan({"x.sh": "docker run --privileged a:1\n"
                    "echo 'oops\ndocker run --privileged b:1\n"},
                   "--only", "privileged")
        [n] = notes(got, "command/unbalanced-quote")
        self.assertEqual((n["line"], n["column"]), (2, 6))
        self.assertEqual([f["region"]["start_line"]
                          for f in got["findings"]], [1])

    def test_an_unterminated_heredoc_is_reported(self):
        got = scan({"x.sh": "cat <<EOF\ntext\ndocker run --privileged a:1\n"})
        [n] = notes(got, "command/unterminated-heredoc")
        self.assertEqual((n["line"], n["column"]), (1, 5))

    def test_a_heredoc_body_is_not_a_command_but_what_follows_is(self):
        got = scan({"x.sh": "cat <<'EOF' > notes\ndocker run --privileged "
                    "a:1\nEOF\ndocker run --privileged b:1\n"},
                   "--only", "privileged")
        self.assertEqual([f["region"]["start_line"]
                          for f in got["findings"]], [4])

    def test_a_command_over_several_lines_is_read_whole(self):
        # a script is split a statement at a time: a statement runs over
        # line breaks in quotes, $(...), subshells and continuations
        text = ("set -e\n"
                "id=$(\n  docker run -d \\\n    --privileged a:1\n)\n"
                "sh -c \"\n  docker run --privileged b:1\n\"\n"
                "(\n  cd /srv\n  docker run --privileged c:1\n)\n"
                "echo '(' && docker run --privileged d:1\n"
                "case $x in a) docker run --privileged e:1 ;; esac\n")
        got = scan({"x.sh": text}, "--only", "privileged")
        self.assertEqual(sorted(f["region"]["start_line"]
                                for f in got["findings"]), [4, 7, 11, 13, 14])

    def test_a_container_command_in_a_heredoc_is_a_note(self):
        got = scan({"x.sh": "true\nssh host bash <<'EOF'\n"
                    "docker run --privileged a:1\nEOF\n"})
        [n] = notes(got, "command/heredoc")
        self.assertEqual((n["line"], n["column"]), (2, 15))

    def test_an_unknown_flag_is_a_note_and_the_flags_after_it_count(self):
        got = scan({"x.sh": "docker run --frobnicate=1 --gizmo --privileged "
                    "a:1\n"}, "--only", "privileged")
        found = notes(got, "command/unknown-flag")
        self.assertEqual([(n["line"], n["column"]) for n in found],
                         [(1, 12), (1, 27)])
        self.assertEqual(rules(got), ["privileged"])

    def test_a_flag_without_its_value_is_reported(self):
        got = scan({"x.sh": "docker run --privileged --user\n"})
        self.assertEqual(len(notes(got, "command/missing-value")), 1)

    def test_a_huge_script_is_read_whole(self):
        # 2.6 MB: each container command among 40 lines of other shell
        other = "if [ -n \"$X\" ]; then echo 'a b' | tr a b; fi\n" * 40
        line = "docker run -v /var/run/docker.sock:/x example/a:1 'x y'\n"
        n = 1500
        got = scan({"big.sh": (other + line) * n},
                   "--only", "docker-socket-mount")
        self.assertEqual(len(got["findings"]), n)
        self.assertEqual(got["findings"][-1]["region"]["start_line"],
                         41 * n)


class Discovery(unittest.TestCase):
    def test_files_are_scanned_only_when_they_run_a_container(self):
        got = scan({"README.md": "# x\n\n```sh\nmake\n```\n",
                    "build.sh": "make all\n",
                    "notes.md": "```console\n$ docker run --rm a:1\n```\n",
                    "INSTALL.md": "```bash\n$ sudo docker run \\\n"
                    "    --rm a:1\n```\n",
                    "Makefile": "all:\n\tpodman run --rm a:1\n",
                    "tool": "#!/bin/bash\nnerdctl run a:1\n",
                    ".gitlab-ci.yml": "t:\n  script:\n    - make\n"})
        self.assertEqual(sorted(got["summary"]["paths"]),
                         ["INSTALL.md", "Makefile", "notes.md"])

    def test_a_workflow_is_read_for_its_containers_or_commands(self):
        got = scan({".github/workflows/a.yml":
                    "jobs:\n  t:\n    runs-on: x\n    container:\n"
                    "      image: a:1\n      options: --privileged\n",
                    ".github/workflows/b.yml":
                    "jobs:\n  t:\n    runs-on: x\n    steps:\n"
                    "      - run: make\n"}, "--only", "privileged")
        self.assertEqual(got["summary"]["paths"],
                         [".github/workflows/a.yml"])
        [f] = got["findings"]
        self.assertEqual((f["region"]["start_line"],
                          f["region"]["start_column"]), (6, 16))

    def test_an_executable_script_is_found_by_its_shebang(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "deploy")
            with open(path, "w") as f:
                f.write("#!/usr/bin/env bash\ndocker run --privileged a:1\n")
            os.chmod(path, 0o755)
            r = run(["scan", "--format", "json", "--only", "privileged",
                     "."], d)
            self.assertEqual(rules(json.loads(r.stdout)), ["privileged"])

    def test_kind_command_reads_any_name(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "steps.txt"), "w") as f:
                f.write("docker run --privileged a:1\n")
            r = run(["scan", "--format", "json", "--kind", "command",
                     "--only", "privileged", "steps.txt"], d)
            self.assertEqual(rules(json.loads(r.stdout)), ["privileged"])


class Model(unittest.TestCase):
    def dump(self, name, text):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
            r = run(["dump", "--kind", "command", name], d)
        return json.loads(r.stdout)

    def test_flags_fill_the_record(self):
        doc = self.dump("x.sh", (
            "docker run -itu0 --cap-add=NET_ADMIN --cap-drop ALL "
            "--security-opt seccomp=unconfined --read-only --pid host "
            "--mount type=bind,src=/srv,dst=/srv,readonly --tmpfs /tmp "
            "-p 127.0.0.1:80:8080 -e A=b -m 512m --cpus 1.5 --pids-limit 100 "
            "--entrypoint /bin/sh --name web --restart always "
            "--no-healthcheck example/app:1.0 -c 'echo hi'\n"))
        [c] = doc["containers"]
        self.assertEqual(c["origin"], "command")
        self.assertEqual(c["name"], "web")
        self.assertEqual(c["user"]["uid"], 0)
        self.assertEqual(c["capabilities"], {"add": ["NET_ADMIN"],
                                             "drop": ["ALL"]})
        self.assertEqual(c["seccomp"]["type"], "Unconfined")
        self.assertIs(c["read_only_rootfs"], True)
        self.assertIs(c["host"]["pid"], True)
        self.assertEqual([(m["kind"], m["source"], m["read_only"])
                          for m in c["mounts"]],
                         [("bind", "/srv", True), ("tmpfs", None, False)])
        self.assertEqual(c["ports"][0]["host_ip"], "127.0.0.1")
        self.assertEqual(c["env"], [{"name": "A", "value": "b"}])
        self.assertEqual(c["resources"]["limits"],
                         {"cpu": 1500, "memory": 512 * 1024 * 1024})
        self.assertEqual(c["pids_limit"], 100)
        self.assertEqual(c["entrypoint"], ["/bin/sh"])
        self.assertEqual(c["command"], ["-c", "echo hi"])
        self.assertEqual(c["restart_policy"], "always")
        self.assertIs(c["healthcheck"]["disabled"], True)

    def test_ulimits_groups_and_devices_fill_the_record(self):
        doc = self.dump("x.sh", (
            "docker run --ulimit nofile=1024:2048 --ulimit=nproc=512 "
            "--group-add 999 --group-add=docker -P --env-file app.env "
            "--device /dev/fuse --device=/dev/sda:/dev/xvda:r "
            "--cgroupns=host example/app:1.0\n"))
        [c] = doc["containers"]
        self.assertEqual(c["devices"], ["/dev/fuse", "/dev/sda:/dev/xvda:r"])
        self.assertIs(c["host"]["cgroup"], True)
        self.assertEqual(c["ulimits"], [
            {"name": "nofile", "value": {"soft": 1024, "hard": 2048}},
            {"name": "nproc", "value": 512}])
        self.assertEqual(c["groups"]["supplemental"], [999, "docker"])
        self.assertEqual(c["image"]["text"], "example/app:1.0")

    def test_variables_are_unknown_not_guessed(self):
        doc = self.dump("x.sh", 'docker run --user "$(id -u)" '
                        '-v "$PWD:/src" --network "$NET" a:1\n')
        [c] = doc["containers"]
        self.assertIsNone(c["user"]["root"])
        self.assertEqual((c["mounts"][0]["kind"], c["mounts"][0]["source"]),
                         (None, None))
        self.assertIsNone(c["host"]["network"])

    def test_a_prompt_in_a_shell_block_is_dropped(self):
        doc = self.dump("README.md", "```bash\n$ docker run --rm a:1\n"
                        "  $ podman run b:1\n```\n```console\n"
                        "$ docker run c:1\nUnable to find image 'c:1'\n"
                        "docker run d:1\n```\n")
        self.assertEqual([c["name"] for c in doc["containers"]],
                         ["a:1", "b:1", "c:1"])

    def test_podman_keep_id_runs_as_the_invoking_user(self):
        doc = self.dump("x.sh", "podman run --userns=keep-id a:1\n")
        [c] = doc["containers"]
        self.assertIs(c["user"]["root"], False)
        self.assertIs(c["host"]["users"], False)

    def test_workflow_container_options(self):
        doc = self.dump("ci.yml", (
            "jobs:\n  t:\n    container:\n      image: a:1\n"
            "      options: --user 0 --cap-add SYS_ADMIN\n"
            "    services:\n      db:\n        image: postgres:16\n"))
        names = [c["name"] for c in doc["containers"]]
        self.assertEqual(names, ["a:1", "postgres:16"])
        self.assertEqual(doc["containers"][0]["user"]["uid"], 0)
        self.assertEqual(doc["containers"][0]["capabilities"]["add"],
                         ["SYS_ADMIN"])

    def test_compose_run_reads_the_service_not_an_image(self):
        doc = self.dump("Makefile", "t:\n\tdocker compose -f c.yml run "
                        "--rm -u 0 app pytest\n")
        [c] = doc["containers"]
        self.assertEqual((c["name"], c["role"], c["image"]),
                         ("app", "compose-run", None))
        self.assertEqual(doc["tree"][0]["service"], "app")



def env_of(container):
    return [(e["name"], e["value"]) for e in container["env"]]


class EnvFile(unittest.TestCase):
    """--env-file: Docker's env-file format read into the record's env."""

    def scan_dump(self, files, name):
        """dump of files[name] (no scan root: its directory is the root),
        with the other files around it."""
        with tempfile.TemporaryDirectory() as d:
            for path, text in files.items():
                full = os.path.join(d, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as f:
                    f.write(text)
            r = run(["dump", "--kind", "command", name], d)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_lines_are_read_as_docker_reads_them(self):
        doc = self.scan_dump({
            "run.sh": "docker run --env-file app.env a:1\n",
            "app.env": "# a comment\n\n  A=1\nB=\"q $X\" x\nC\nD=\n"
                       "#E=2\nF=a=b\n"}, "run.sh")
        [c] = doc["containers"]
        self.assertEqual(env_of(c), [("A", "1"), ("B", '"q $X" x'),
                                     ("C", None), ("D", ""),
                                     ("F", "a=b")])
        self.assertEqual(doc["diagnostics"], [])

    def test_a_name_with_whitespace_is_a_note_and_left_out(self):
        doc = self.scan_dump({
            "run.sh": "docker run --env-file app.env a:1\n",
            "app.env": "A=1\nB C=2\nD=3\n"}, "run.sh")
        [c] = doc["containers"]
        self.assertEqual(env_of(c), [("A", "1"), ("D", "3")])
        [n] = [n for n in doc["diagnostics"]
               if n["code"] == "command/env-file-line"]
        self.assertEqual((n["file"], n["line"], n["column"]),
                         ("app.env", 2, 1))

    def test_e_wins_over_env_files_and_a_later_file_over_an_earlier(self):
        doc = self.scan_dump({
            "run.sh": "docker run -e A=flag --env-file one.env "
                      "--env-file=two.env -e B a:1\n",
            "one.env": "A=one\nB=one\nC=one\nD=one\n",
            "two.env": "C=two\nE=two\n"}, "run.sh")
        [c] = doc["containers"]
        self.assertEqual(sorted(env_of(c), key=str),
                         sorted([("A", "flag"), ("B", None), ("C", "two"),
                                 ("D", "one"), ("E", "two")], key=str))

    def test_each_variable_spans_its_line_in_the_env_file(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "run.sh"), "w") as f:
                f.write("docker run -e A=flag --env-file app.env a:1\n")
            with open(os.path.join(d, "app.env"), "w") as f:
                f.write("\nB=1\nA=file\n")
            r = run(["dump", "--spans", "--containers", "run.sh"], d)
        env = json.loads(r.stdout)["containers"]["value"][0]["value"]
        env = env["env"]["value"]
        spans = {e["value"]["name"]["value"]: e["value"]["name"]["span"]
                 for e in env}
        self.assertEqual(spans["B"], {"file": "app.env", "at": "@2:1-2:4"})
        # -e's variable is on the command line, name and value
        self.assertEqual(spans["A"], "1:15-1:21")

    def test_a_missing_file_is_a_note_at_the_value(self):
        doc = self.scan_dump({"run.sh": "true\ndocker run  --env-file "
                              "missing.env a:1\n"}, "run.sh")
        [n] = [n for n in doc["diagnostics"]
               if n["code"] == "command/missing-env-file"]
        self.assertEqual((n["file"], n["line"], n["column"]),
                         ("run.sh", 2, 24))
        self.assertIn("cannot read env file missing.env: its variables "
                      "are not in the model", n["message"])
        self.assertEqual(doc["containers"][0]["env"], [])

    def test_a_path_with_a_variable_is_not_read(self):
        doc = self.scan_dump({
            "run.sh": "docker run --env-file=$ENV_DIR/app.env a:1\n",
            "app.env": "A=1\n"}, "run.sh")
        [n] = [n for n in doc["diagnostics"]
               if n["code"] == "command/unknown-env-file"]
        self.assertEqual((n["line"], n["column"]), (1, 23))
        self.assertEqual(doc["containers"][0]["env"], [])

    def test_a_file_outside_the_tree_is_not_read(self):
        with tempfile.TemporaryDirectory() as outside:
            secret = os.path.join(outside, "app.env")
            with open(secret, "w") as f:
                f.write("A=1\n")
            doc = self.scan_dump({
                "run.sh": "docker run --env-file ../x/../" +
                          os.path.basename(outside) + "/app.env "
                          "--env-file " + secret + " a:1\n"},
                "run.sh")
        found = [n for n in doc["diagnostics"]
                 if n["code"] == "command/file-outside-tree"]
        # a relative path out of the tree and an absolute one
        self.assertEqual(len(found), 2)
        self.assertIn(secret, found[1]["message"])
        before = ("docker run --env-file ../x/../" +
                  os.path.basename(outside) + "/app.env --env-file ")
        self.assertEqual((found[1]["line"], found[1]["column"]),
                         (1, len(before) + 1))
        self.assertEqual(doc["containers"][0]["env"], [])

    def env_names(self, files, target="."):
        """The env names of each command found by scanning target (the
        scan root) in a tree holding files, sorted."""
        with tempfile.TemporaryDirectory() as d, \
                tempfile.TemporaryDirectory() as p:
            for path, text in files.items():
                full = os.path.join(d, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as f:
                    f.write(text)
            policy = os.path.join(p, "env.lua")
            with open(policy, "w") as f:
                f.write(ENV_POLICY)
            r = run(["scan", "--format", "json", "--no-builtin",
                     "--policy", policy, target], d)
        doc = json.loads(r.stdout)
        return sorted(f["message"] for f in doc["findings"]), doc

    def test_a_relative_path_is_read_from_the_root_when_not_beside(self):
        # a workflow runs from the repository root: ci/test.env is there,
        # not under .github/workflows; a file beside the command wins
        files = {".github/workflows/ci.yml":
                 "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n"
                 "      - run: docker run --env-file ci/test.env "
                 "--env-file local.env a:1\n",
                 "ci/test.env": "FROM_ROOT=1\n",
                 ".github/workflows/local.env": "BESIDE=1\n",
                 "local.env": "SHADOWED=1\n"}
        names, doc = self.env_names(files)
        self.assertEqual(names, ["BESIDE", "FROM_ROOT"])
        self.assertEqual([n for n in doc["notifications"]
                          if "env-file" in n.get("code", "")], [])

    def test_without_a_scan_root_only_the_files_directory_is_read(self):
        # dump reads one file: its directory is the root
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "scripts"))
            with open(os.path.join(d, "scripts", "run.sh"), "w") as f:
                f.write("docker run --env-file conf/app.env a:1\n")
            os.makedirs(os.path.join(d, "conf"))
            with open(os.path.join(d, "conf", "app.env"), "w") as f:
                f.write("A=1\n")
            r = run(["dump", "scripts/run.sh"], d)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["containers"][0]["env"], [])
        self.assertEqual([n["code"] for n in doc["diagnostics"]],
                         ["command/missing-env-file"])

    def test_standard_input_reads_no_env_file(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "app.env"), "w") as f:
                f.write("A=1\n")
            r = subprocess.run([PLIMSOLL, "dump", "--kind", "command", "-"],
                               cwd=d, input="docker run --env-file app.env "
                               "a:1\n", capture_output=True, text=True,
                               timeout=60)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["containers"][0]["env"], [])
        [n] = doc["diagnostics"]
        self.assertEqual((n["code"], n["line"], n["column"]),
                         ("command/missing-env-file", 1, 23))


# A policy that reports each env variable's name (the scan-root test).
ENV_POLICY = """
return {
  id = "test-env", title = "env", severity = "low",
  applies_to = {"command"}, description = "test",
  check = function(doc, report)
    for _, c in ipairs(doc.containers) do
      for _, e in ipairs(c.env or {}) do report(e, "name", e.name) end
    end
  end,
}
"""


class FlagTables(unittest.TestCase):
    def test_the_flag_tables_are_in_strcmp_order(self):
        # a lookup bisects the tables: a flag out of order is not found
        import re
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "core", "command", "run.c")
        with open(src) as f:
            text = f.read()
        for table in ("run_flags", "compose_run_flags"):
            with self.subTest(table=table):
                body = re.search(r"static const struct flag " + table +
                                 r"\[\] = \{(.*?)\{NULL", text, re.S)
                names = re.findall(r'\{"([^"]+)"', body.group(1))
                self.assertGreater(len(names), 20)
                self.assertEqual(names, sorted(names, key=str.encode))

if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)

"""The pre-commit hooks (.pre-commit-hooks.yaml) pick the files plimsoll
itself picks: on a tree of sample names (docs/discovery.md), each hook's
`files`/`exclude` patterns select exactly the files a scan of the tree
reads as that hook's format (YAML and JSON by extension, their content
deciding), and each hook's entry, run as pre-commit runs it on the files
it selects, reports those files and never fails on the others.

usage: check_precommit.py PLIMSOLL SOURCE_ROOT
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import yamlfile  # noqa: E402

DOCKERFILE = "FROM alpine:3.20\nUSER root\n"
POD = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
       "  containers:\n    - name: a\n      image: nginx:1.27\n"
       "      securityContext:\n        runAsUser: 0\n")
POD_JSON = json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": "p"},
                       "spec": {"containers": [{
                           "name": "a", "image": "nginx:1.27",
                           "securityContext": {"runAsUser": 0}}]}})
COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    user: root\n"
OTHER_YAML = "name: ci\nreplicas: 2\nsteps:\n  - build\n"
SCRIPT = "#!/bin/sh\ndocker run --privileged nginx:1.27\n"
MAKEFILE = "run:\n\tdocker run --privileged nginx:1.27\n"
MARKDOWN = "# Run\n\n```sh\ndocker run --privileged nginx:1.27\n```\n"
WORKFLOW = ("name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n"
            "    steps:\n      - run: docker run --privileged nginx:1.27\n")
GITLAB = "test:\n  script:\n    - docker run --privileged nginx:1.27\n"

# name -> content; the names cover each rule of docs/discovery.md.
SAMPLES = {
    # Dockerfiles by name
    "Dockerfile": DOCKERFILE, "dockerfile": DOCKERFILE,
    "DOCKERFILE": DOCKERFILE, "Containerfile": DOCKERFILE,
    "Dockerfile.alpine": DOCKERFILE, "Dockerfile-windows": DOCKERFILE,
    "Dockerfile_prod": DOCKERFILE, "Containerfile.fedora": DOCKERFILE,
    "dockerfile_1": DOCKERFILE, "base.Dockerfile": DOCKERFILE,
    "app.dockerfile": DOCKERFILE, "x.containerfile": DOCKERFILE,
    "Dockerfile.rhel9": DOCKERFILE, "Dockerfile.3": DOCKERFILE,
    "svc/api/Dockerfile.builder": DOCKERFILE, "vendor/Dockerfile": DOCKERFILE,
    # not Dockerfiles
    "Dockerfile.md": DOCKERFILE, "dockerfile_test.go": DOCKERFILE,
    "Dockerfile~": DOCKERFILE, "Dockerfile.bak": DOCKERFILE,
    "Dockerfile.sh": DOCKERFILE, "Dockerfile.TXT": DOCKERFILE,
    "Dockerfile.go": DOCKERFILE,
    "Dockerfile.patch": DOCKERFILE, "Dockerfiles": DOCKERFILE,
    "MyDockerfile": DOCKERFILE, ".dockerfile": DOCKERFILE,
    "Dockerfile.": DOCKERFILE, "notes/README.md": "# notes\n",
    # templates: a note, not scanned
    "Dockerfile.j2": DOCKERFILE, "Dockerfile-alpine.tmpl": DOCKERFILE,
    "Dockerfile.in": DOCKERFILE, "docker-compose.yml.j2": COMPOSE,
    # Compose by name
    "compose.yaml": COMPOSE, "compose.yml": COMPOSE,
    "docker-compose.yml": COMPOSE, "compose.prod.yaml": COMPOSE,
    "compose.override.yaml": COMPOSE,
    "docker-compose.override.yml": COMPOSE,
    "docker-compose-mysql.yaml": COMPOSE, "compose-test.yml": COMPOSE,
    "Docker-Compose.YML": COMPOSE, "stacks/compose_dev.yaml": COMPOSE,
    # YAML and JSON: the content decides
    "stack.yml": COMPOSE, "composer.yml": OTHER_YAML,
    "my-compose.yml": OTHER_YAML, "compose.json": "{}",
    "k8s/pod.yaml": POD, "k8s/pod.json": POD_JSON, "deploy.YML": POD,
    "Dockerfile.yaml": POD, "config/settings.yml": OTHER_YAML,
    "chart/values.yaml": "replicaCount: 1\nimage:\n  tag: latest\n",
    "package.json": '{"name": "x"}',
    # command lines: by name, read when a docker run is in them
    "deploy.sh": SCRIPT, "tools/run.BASH": SCRIPT, "Makefile": MAKEFILE,
    "GNUmakefile": MAKEFILE, "rules.mk": MAKEFILE, "docs/usage.md": MARKDOWN,
    "Dockerfile.markdown": MARKDOWN, "empty.sh": "echo hi\n",
    ".github/workflows/ci.yml": WORKFLOW, ".gitlab-ci.yml": GITLAB,
    # folders a walk skips
    "node_modules/pkg/Dockerfile": DOCKERFILE,
    ".cache/pod.yaml": POD, ".venv/compose.yaml": COMPOSE,
}

failures = []


def check(what, ok, detail=""):
    if not ok:
        detail = str(detail)
        if len(detail) > 600:
            detail = detail[:600] + "..."
        failures.append("%s%s" % (what, ": " + detail if detail else ""))


def selects(hook, name):
    exclude = hook.get("exclude") or "^$"
    return bool(re.search(hook["files"], name)) and \
        not re.search(exclude, name)


def scanned_kinds(plimsoll, root):
    """{path: kind} of what a scan of the tree reads: each sample that
    is read has a runs-as-root or privileged finding."""
    r = subprocess.run([plimsoll, "scan", "--format", "json", "--only",
                        "runs-as-root,privileged", "--no-progress", "."],
                       cwd=root,
                       capture_output=True, text=True, timeout=120)
    if r.returncode not in (0, 1):
        sys.exit("FAIL: scanning the sample tree: %s" % r.stderr)
    report = json.loads(r.stdout)
    kinds = {f["path"]: f["kind"] for f in report["findings"]}
    paths = set(report["summary"]["paths"])
    check("every file the scan reads has a finding", paths == set(kinds),
          paths ^ set(kinds))
    return {os.path.normpath(p): k for p, k in kinds.items()}


def run_hook(plimsoll, hook, root, names):
    argv = shlex.split(hook["entry"])
    check("%s: entry runs plimsoll scan" % hook["id"],
          argv[:2] == ["plimsoll", "scan"], hook["entry"])
    r = subprocess.run([plimsoll, *argv[1:], *sorted(names)], cwd=root,
                       capture_output=True, text=True, timeout=120)
    check("%s: exits 0 or 1 on the files it selects" % hook["id"],
          r.returncode in (0, 1), r.stdout + r.stderr)
    return {os.path.normpath(line.split(":", 1)[0])
            for line in r.stdout.splitlines() if ":" in line}


def main():
    plimsoll = os.path.abspath(sys.argv[1])
    source = os.path.abspath(sys.argv[2])
    docs = yamlfile.load(plimsoll, os.path.join(source,
                                                ".pre-commit-hooks.yaml"))
    check("one YAML document, a list of hooks",
          len(docs) == 1 and isinstance(docs[0], list), docs)
    hooks = {h["id"]: h for h in docs[0]}
    check("hooks per format", set(hooks) == {
        "plimsoll", "plimsoll-dockerfile", "plimsoll-compose",
        "plimsoll-kubernetes", "plimsoll-commands"}, sorted(hooks))
    help_text = subprocess.run([plimsoll, "scan", "--help"],
                               capture_output=True, text=True).stdout
    for h in hooks.values():
        for key in ("id", "name", "entry", "language", "files"):
            check("%s has %s" % (h["id"], key), h.get(key))
        check("%s: language system or script" % h["id"],
              h.get("language") in ("system", "script"))
        for opt in re.findall(r"--[a-z-]+", h["entry"]):
            check("%s: %s is an option of plimsoll scan" % (h["id"], opt),
                  re.search(r"\s%s[\s,]" % opt, help_text))

    with tempfile.TemporaryDirectory() as root:
        # Each sample in a folder of its own, so that no two are grouped
        # into one Compose project.
        names = set()
        for i, (name, content) in enumerate(sorted(SAMPLES.items())):
            name = "s%02d/%s" % (i, name)
            names.add(name)
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(content)
        kinds = scanned_kinds(plimsoll, root)
        data = {n for n in names if re.search(r"(?i)\.(ya?ml|json)$", n)}
        by_kind = {k: {p for p, v in kinds.items() if v == k}
                   for k in ("dockerfile", "compose", "kubernetes",
                             "command")}
        sel = {h: {n for n in names if selects(hooks[h], n)} for h in hooks}
        script_names = {n for n in names if re.search(
            r"(?i)(^|/)(makefile|gnumakefile|[^/]+\.(sh|bash|mk|md|markdown))$",
            n)}

        # The Dockerfile hook: exactly the Dockerfiles a scan reads.
        check("plimsoll-dockerfile selects what a scan reads as "
              "Dockerfiles", sel["plimsoll-dockerfile"] ==
              by_kind["dockerfile"],
              sel["plimsoll-dockerfile"] ^ by_kind["dockerfile"])
        # Compose by name; Compose by content is the YAML hook's.
        check("plimsoll-compose selects Compose files by name only",
              sel["plimsoll-compose"] <= by_kind["compose"],
              sel["plimsoll-compose"] - by_kind["compose"])
        check("Compose files by content are left to plimsoll-kubernetes",
              by_kind["compose"] - sel["plimsoll-compose"] <=
              sel["plimsoll-kubernetes"])
        check("plimsoll-kubernetes selects every manifest",
              by_kind["kubernetes"] <= sel["plimsoll-kubernetes"],
              by_kind["kubernetes"] - sel["plimsoll-kubernetes"])
        check("plimsoll-kubernetes selects only YAML and JSON, not "
              "Compose names", sel["plimsoll-kubernetes"] <=
              data - sel["plimsoll-compose"])
        # Command lines: every file read as commands, and only files a
        # scan reads by name as scripts, workflows or CI files.
        check("plimsoll-commands selects every file read as commands",
              by_kind["command"] <= sel["plimsoll-commands"],
              by_kind["command"] - sel["plimsoll-commands"])
        check("plimsoll-commands selects scripts, Makefiles, Markdown "
              "and CI files only", sel["plimsoll-commands"] - data <=
              script_names, sel["plimsoll-commands"] - data - script_names)
        # The hook for all: what a scan reads, and the files whose
        # content a scan reads and passes over.
        check("plimsoll selects every file a scan reads",
              set(kinds) <= sel["plimsoll"], set(kinds) - sel["plimsoll"])
        check("plimsoll selects nothing else but YAML, JSON, scripts, "
              "Makefiles and Markdown",
              sel["plimsoll"] - set(kinds) <= data | script_names,
              sel["plimsoll"] - set(kinds) - data - script_names)
        for skipped in ("node_modules/pkg/Dockerfile", ".cache/pod.yaml",
                        ".venv/compose.yaml"):
            check("no hook selects %s" % skipped,
                  not any(n.endswith("/" + skipped)
                          for s in sel.values() for n in s))

        # Run as pre-commit runs them: the files each hook selects, as
        # arguments; what it reports is what a scan reads among them.
        for h in hooks:
            reported = run_hook(plimsoll, hooks[h], root, sel[h])
            want = set(kinds) & sel[h]
            check("%s reports what a scan reads among its files" % h,
                  reported == want, reported ^ want)
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(1)
    print("ok: %d hooks pick the files plimsoll picks (%d sample names)"
          % (len(hooks), len(SAMPLES)))


main()

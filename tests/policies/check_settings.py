#!/usr/bin/env python3
"""Policy settings and comments through the command line:
check_settings.py PLIMSOLL SOURCE_ROOT.

- --set gives a policy's setting (string, int, bool, list) a value that
  p.setting() returns; the defaults otherwise;
- a wrong --set (no such rule, no such key, a value of the wrong type, no
  RULE.KEY=) is a usage error naming the option, exit 2, before any file
  is read;
- the built-in settings change what runs-as-root and added-capabilities
  report; explain and rules --format json list them;
- p.comments and p.comment_near let a policy accept a documented
  exception.
"""
import json
import os
import subprocess
import sys
import tempfile

failures = []
EXE = os.path.abspath(sys.argv[1])
HERE = os.path.join(sys.argv[2], "tests", "policies")


def check(what, ok, detail=""):
    if not ok:
        failures.append(what + (": " + detail if detail else ""))


def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True)


def findings(args, path):
    p = run("scan", "--format", "json", *args, path)
    data = json.loads(p.stdout) if p.stdout else {"findings": []}
    return p.returncode, [(f["rule"], f["region"]["start_line"],
                           f["message"]) for f in data["findings"]], p.stderr


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


with tempfile.TemporaryDirectory() as d:
    docker = write(d, "Dockerfile", "FROM alpine:3.20\nUSER 500\n")
    echo = ["--no-builtin", "--policy-dir", os.path.join(HERE, "settings")]

    rc, fs, err = findings(echo, docker)
    check("defaults", [m for _, _, m in fs] ==
          ["label=none count=3 strict=false names=a|b"], str(fs) + err)
    rc, fs, err = findings(echo + [
        "--set", "settings-echo.label=x y", "--set", "settings-echo.count=-7",
        "--set", "settings-echo.strict=true",
        "--set", "settings-echo.names=one, two,three"], docker)
    check("values from --set", [m for _, _, m in fs] ==
          ["label=x y count=-7 strict=true names=one|two|three"],
          str(fs) + err)
    rc, fs, err = findings(echo + ["--set", "settings-echo.names=",
                                   "--set", "settings-echo.count=4",
                                   "--set", "settings-echo.count=5"], docker)
    check("empty list, last --set wins", [m for _, _, m in fs] ==
          ["label=none count=5 strict=false names="], str(fs) + err)

    missing = os.path.join(d, "no-such-file")
    for arg, needle in (
            ("nosuch.key=1", "no rule 'nosuch'"),
            ("settings-echo.nokey=1", "has no setting 'nokey'"),
            ("settings-echo.count=ten", "expected an integer"),
            ("settings-echo.count=99999999999", "expected an integer"),
            ("settings-echo.strict=yes", "expected true or false"),
            ("settings-echo.names=a,,b", "a list item is empty"),
            ("settings-echo", "expected RULE.KEY=VALUE"),
            ("settings-echo.=1", "expected RULE.KEY=VALUE")):
        p = run("scan", *echo, "--set", arg, missing)
        check("--set %s exits 2" % arg, p.returncode == 2,
              "%d %s" % (p.returncode, p.stderr))
        check("--set %s names the option" % arg,
              "--set" in p.stderr and needle in p.stderr, p.stderr)
        check("--set %s fails before reading files" % arg,
              "no-such-file" not in p.stderr, p.stderr)
    p = run("test", "--set", "nosuch.key=1")
    check("test --set unknown rule exits 2", p.returncode == 2, p.stderr)

    # low-uid: min_uid (10000 by default); runs-as-root: non_root_images.
    only = ["--only", "low-uid"]
    rc, fs, err = findings(only, docker)
    check("UID 500 is reported by default at USER",
          [(r, l) for r, l, _ in fs] == [("low-uid", 2)] and
          "UID 500" in fs[0][2], str(fs) + err)
    rc, fs, err = findings(only + ["--set", "low-uid.min_uid=100"], docker)
    check("min_uid 100 passes UID 500", fs == [], str(fs) + err)
    pod = write(d, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n"
                "  name: p\nspec:\n  containers:\n  - name: c\n"
                "    image: nginx:1.27\n    securityContext:\n"
                "      runAsUser: 999\n")
    rc, fs, err = findings(only + ["--set", "low-uid.min_uid=1000"], pod)
    check("min_uid reports a Kubernetes runAsUser",
          [(r, l) for r, l, _ in fs] == [("low-uid", 10)], str(fs) + err)
    only = ["--only", "runs-as-root"]
    rc, fs, err = findings(only, docker)
    check("UID 500 is not root", fs == [], str(fs))
    distroless = write(d, "distroless.Dockerfile",
                       "FROM gcr.io/distroless/static:nonroot\n"
                       "COPY app /app\n")
    rc, fs, err = findings(only, distroless)
    check("a distroless :nonroot image passes by default", fs == [], str(fs))
    rc, fs, err = findings(only + ["--set", "runs-as-root.non_root_images="],
                           distroless)
    check("with no non-root images it is reported", len(fs) == 1, str(fs))
    alpine = write(d, "alpine.Dockerfile", "FROM alpine:3.20\nRUN true\n")
    rc, fs, err = findings(only, alpine)
    check("alpine without USER is reported", len(fs) == 1, str(fs))
    rc, fs, err = findings(only + ["--set",
                                   "runs-as-root.non_root_images=alpine:*"],
                           alpine)
    check("a listed image is not reported", fs == [], str(fs))

    # added-capabilities: allowed.
    compose = write(d, "compose.yaml", "services:\n  web:\n"
                    "    image: nginx:1.27\n    cap_add:\n"
                    "      - NET_ADMIN\n      - SYS_TIME\n      - CHOWN\n")
    only = ["--only", "added-capabilities"]
    rc, fs, err = findings(only, compose)
    check("three capabilities reported", sorted(l for _, l, _ in fs) ==
          [5, 6, 7], str(fs) + err)
    rc, fs, err = findings(only + ["--set", "added-capabilities.allowed="
                                   "net_admin,CAP_SYS_TIME"], compose)
    check("allowed capabilities are not reported",
          [l for _, l, _ in fs] == [7], str(fs) + err)

    # Comments: a documented exception is accepted.
    exposed = write(d, "exposed.Dockerfile",
                    "FROM alpine:3.20\n"
                    "# allow: the health endpoint\n"
                    "EXPOSE 8080\n"
                    "EXPOSE 9090 # allow: not a comment in a Dockerfile\n"
                    "# unrelated note\n"
                    "RUN true\n"
                    "EXPOSE 22\n")
    rc, fs, err = findings(["--no-builtin", "--policy-dir",
                            os.path.join(HERE, "comments")], exposed)
    check("comments: count and the undocumented EXPOSE only",
          [(l, m) for _, l, m in fs] ==
          [(1, "2 comments"), (4, "EXPOSE without a documented reason"),
           (7, "EXPOSE without a documented reason")],
          str(fs) + err)

p = run("explain", "runs-as-root")
check("explain lists the settings", p.returncode == 0 and
      "non_root_images (list" in p.stdout and
      "root_images (list" in p.stdout, p.stdout)
p = run("explain", "low-uid")
check("explain lists an int setting", p.returncode == 0 and
      "min_uid (int, default: 10000)" in p.stdout, p.stdout)
p = run("explain", "--set", "low-uid.min_uid=7", "low-uid")
check("explain shows a set value", "set to: 7" in p.stdout, p.stdout)
p = run("rules", "--format", "json")
rules = {r["id"]: r for r in json.loads(p.stdout)}
check("rules json has settings",
      [s["name"] for s in rules["runs-as-root"]["settings"]] ==
      ["non_root_images", "root_images"] and
      rules["low-uid"]["settings"][0]["default"] == 10000 and
      rules["added-capabilities"]["settings"][0]["type"] == "list" and
      rules["privileged"]["settings"] == [], str(rules["runs-as-root"]))

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""End to end through `plimsoll scan`: check_scan.py PLIMSOLL SOURCE_ROOT.

- the output is the same, in the same order, whatever --jobs is;
- hostile policies (--policy-dir) become policy-error notifications naming
  the policy file:line and the scanned file, exit status 2, while the
  witness policy's finding is still there;
- --only and --skip select rules; in-source ignores are kept as suppressed;
- with big files (started first) among small ones, the output is still in
  discovery order and the same whatever --jobs is;
- every built-in rule's help URI names its page in docs/rules/.
"""
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(what, ok, detail=""):
    if not ok:
        failures.append(what + (": " + detail if detail else ""))


def scan(exe, args, cwd):
    p = subprocess.run([exe, "scan", "--format", "json"] + args, cwd=cwd,
                       capture_output=True, text=True)
    try:
        data = json.loads(p.stdout)
    except ValueError:
        data = None
    return p.returncode, data


def strip(data):
    data = dict(data)
    data.pop("run", None)
    s = dict(data["summary"])
    s.pop("seconds", None)
    s.pop("end_time_utc", None)
    data["summary"] = s
    return data


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p%d
spec:
  containers:
    - name: c
      image: nginx:1.27
      securityContext:
        privileged: true
"""


PROJECT_RULES = ("network-policy-missing", "service-selector-matches-nothing")


def check_big_files_first(exe):
    """Files over an eighth of a worker's share are started first; the
    output must not show it."""
    with tempfile.TemporaryDirectory() as d:
        for i in range(40):
            # Every seventh file is big: 600 pods, about 100 KB.
            copies = 600 if i % 7 == 3 else 1
            with open(os.path.join(d, "m%02d.yaml" % i), "w") as f:
                f.write("---\n".join(POD % (i * 1000 + k)
                                      for k in range(copies)))
        outs = []
        for jobs in ("1", "2", "3"):
            rc, data = scan(exe, ["--kind", "kubernetes", "--jobs", jobs,
                                  d], d)
            outs.append(json.dumps(strip(data), sort_keys=True))
            # Project rules report once, after every file.
            paths = [f["path"] for f in data["findings"]
                     if f["rule"] not in PROJECT_RULES]
            check("big files: findings in discovery order (--jobs %s)"
                  % jobs, paths == sorted(paths))
            check("big files: every file scanned (--jobs %s)" % jobs,
                  data["summary"]["files_scanned"] == 40)
        check("big files: --jobs 1, 2 and 3 give the same output",
              outs[0] == outs[1] == outs[2])


def check_help_uris(exe, root):
    p = subprocess.run([exe, "rules", "--format", "json"], cwd=root,
                       capture_output=True, text=True)
    rules = json.loads(p.stdout)
    rules = rules["rules"] if isinstance(rules, dict) else rules
    check("rules: the built-in rules are listed", len(rules) >= 10)
    # No built-in policy names an address of its own: a help link exists
    # only where the rule reference is published (scan --docs-url).
    for r in rules:
        check("rules: %s names no help address of its own" % r["id"],
              r.get("help_uri") is None, r.get("help_uri"))
        check("rules: %s has its page in docs/rules" % r["id"],
              os.path.exists(os.path.join(root, "docs", "rules",
                                          r["id"] + ".md")))


def main():
    exe, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    fixtures = []
    for kind in ("dockerfile", "compose", "kubernetes"):
        files = []
        for d, _, names in os.walk(os.path.join(root, "policies")):
            if d.endswith(os.path.join("fixtures", kind)):
                files += [os.path.relpath(os.path.join(d, n), root)
                          for n in names]
        fixtures.append((kind, sorted(files)))

    # The same output whatever --jobs is.
    for kind, files in fixtures:
        outs = []
        for jobs in ("1", "2", "5"):
            rc, data = scan(exe, ["--kind", kind, "--jobs", jobs,
                                  "--include-suppressed"] + files, root)
            outs.append((rc, json.dumps(strip(data), sort_keys=True)))
        check("%s: --jobs 1, 2 and 5 give the same output" % kind,
              outs[0] == outs[1] == outs[2])
        check("%s: findings exit 1" % kind, outs[0][0] == 1,
              "exit %d" % outs[0][0])

    # Hostile policies are contained; the witness still reports.
    target = "policies/runs-as-root/fixtures/dockerfile/no-user.Dockerfile"
    rc, data = scan(exe, ["--no-builtin", "--policy-dir",
                          "tests/policies/hostile", "--policy-instructions",
                          "1000000", "--policy-memory", "16M", "--kind",
                          "dockerfile", target], root)
    check("hostile: exit 2 (incomplete)", rc == 2, "exit %d" % rc)
    errors = [n for n in data["notifications"]
              if n["kind"] == "policy-error"]
    check("hostile: one policy error per hostile policy",
          len(errors) == 16, "%d" % len(errors))
    for n in errors:
        check("hostile: %s names its file:line and the scanned file"
              % n["rule"], ("tests/policies/hostile/%s.lua:" % n["rule"])
              in n["message"] and target in n["message"], n["message"])
    check("hostile: the witness still reports",
          [f["message"] for f in data["findings"]] == ["STAGE-0/STAGE-0 0"])
    check("hostile: summary says unsuccessful",
          data["summary"]["successful"] is False)

    # Selection.
    files = dict(fixtures)["compose"]
    rc, data = scan(exe, ["--kind", "compose", "--only", "DL3002"] + files,
                    root)
    check("--only by alias", {f["rule"] for f in data["findings"]}
          == {"runs-as-root"})
    check("--only: the run lists only the selected rule",
          [r["id"] for r in data["rules"]] == ["runs-as-root"])
    rc, data = scan(exe, ["--kind", "compose", "--skip",
                          "runs-as-root,privileged"] + files, root)
    check("--skip", not {f["rule"] for f in data["findings"]}
          & {"runs-as-root", "privileged"})
    rc, data = scan(exe, ["--kind", "compose", "--only", "nope"] + files,
                    root)
    check("--only with an unknown rule is a usage error", rc == 2)

    sup = "policies/runs-as-root/fixtures/dockerfile/suppressed.Dockerfile"
    rc, data = scan(exe, ["--kind", "dockerfile", "--include-suppressed",
                          "--only", "runs-as-root", sup], root)
    f = data["findings"]
    check("suppressed finding kept with its justification",
          len(f) == 1 and f[0]["suppression"] is not None and
          "su-exec" in json.dumps(f[0]["suppression"]), json.dumps(f))
    check("only suppressed findings: exit 0", rc == 0, "exit %d" % rc)

    check_big_files_first(exe)
    check_help_uris(exe, root)

    if failures:
        print("\n".join("FAIL: " + f for f in failures))
        return 1
    print("scan with policies: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

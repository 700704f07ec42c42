#!/usr/bin/env python3
"""What a policy's closures keep from one file to the next:
check_state.py PLIMSOLL.

A policy counts its check calls in a local of its chunk and reports the
count on every file it scans (and raises on files named fail*).
- Given with --policy (or --policy-dir), its chunk runs again for every
  file: every finding says "call 1".
- As a built-in policy (PLIMSOLL_POLICY_DIR), its chunk runs once per
  worker and its check function is kept: the calls count up over the
  files, in order, with --jobs 1; after a run that fails, the next file
  starts from the chunk again ("call 1").
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


POLICY = """local calls = 0
return {
	id = "count-calls",
	title = "Counts its calls",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Reports how many times its check ran in this state.",
	check = function(doc, report)
		calls = calls + 1
		if doc.path:match("fail[^/]*$") then
			error("failing on purpose")
		end
		report({line = 1}, "call " .. calls)
	end,
}
"""


def messages(exe, args, files, env=None):
    p = subprocess.run([exe, "scan", "--no-config", "--jobs", "1",
                        "--format", "json"] + args + files,
                       capture_output=True, text=True, env=env)
    try:
        data = json.loads(p.stdout)
    except ValueError:
        check("scan output is JSON", False, p.stdout[:200] + p.stderr[:200])
        return {}
    out = {}
    for f in data.get("findings", []):
        if f.get("rule") == "count-calls":
            out[os.path.basename(f["path"])] = f["message"]
    return out


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        pdir = os.path.join(tmp, "policies", "count-calls")
        os.makedirs(pdir)
        policy = os.path.join(pdir, "policy.lua")
        with open(policy, "w") as f:
            f.write(POLICY)
        names = ["a.Dockerfile", "b.Dockerfile", "fail.Dockerfile",
                 "c.Dockerfile", "d.Dockerfile"]
        files = []
        for n in names:
            path = os.path.join(tmp, n)
            with open(path, "w") as f:
                f.write("FROM alpine:3.20\n")
            files.append(path)

        fresh = {n: "call 1" for n in names if not n.startswith("fail")}
        got = messages(exe, ["--no-builtin", "--policy", policy], files)
        check("--policy: a fresh chunk for every file", got == fresh,
              str(got))
        got = messages(exe, ["--no-builtin", "--policy-dir",
                             os.path.join(tmp, "policies")], files)
        check("--policy-dir: a fresh chunk for every file", got == fresh,
              str(got))

        env = dict(os.environ)
        env["PLIMSOLL_POLICY_DIR"] = os.path.join(tmp, "policies")
        got = messages(exe, [], files, env)
        want = {"a.Dockerfile": "call 1", "b.Dockerfile": "call 2",
                "c.Dockerfile": "call 1", "d.Dockerfile": "call 2"}
        check("built-in: the check function kept, started again after "
              "a failed run", got == want, str(got))

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

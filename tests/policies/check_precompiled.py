#!/usr/bin/env python3
"""The built-in policies compiled at build time: check_precompiled.py
PLIMSOLL POLICIES_DIR.

The policies are copied to a temporary folder given as
PLIMSOLL_POLICY_DIR.
- Unchanged, their build-time dumps are loaded: a policy that fails (a
  small instruction budget) names the copy's path and its line, not the
  path the build compiled, so the dump got the file's real path.
- A policy whose text changed (a comment line put first) is compiled
  from its text: the same failure is one line further down.
- Every policy changed that way (so none is loaded from a dump) gives the
  same findings as the unchanged copy on every fixture.
- The metadata read at build time (engine/builtin.h) is what reading the
  texts at run time gives: `plimsoll rules --format json` of the copy is
  the same before and after every policy changed; and a changed title is
  the one listed, not the build's.
- A copy keeps each file's size and modification time (copytree copies
  them): a file with the size and time the build compiled is not read
  (strace: no open of it), one whose time moved is; a change of the same
  size with a new time is seen (the title listed is the new one), and
  one whose time is put back to the build's is not (the known cost of
  telling files by size and time, as make and git do). A file the build
  recorded no time for (changed in the two seconds before it: the
  generated core/precompiled_lua.c beside the binary says which) is
  read like a changed one.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(what, ok, detail=""):
    if not ok:
        failures.append(what + (": " + detail if detail else ""))


DOCKERFILE = """FROM alpine:3.19
RUN apt-get install -y curl && curl http://example.com/x | sh
USER root
ADD http://example.com/x /x
"""


def scan(exe, policies, args):
    env = dict(os.environ, PLIMSOLL_POLICY_DIR=policies)
    r = subprocess.run([exe, "scan", "--no-config", "--format", "json"] +
                       args, capture_output=True, text=True, env=env,
                       timeout=300)
    if r.returncode not in (0, 1, 2):
        check("scan %s" % " ".join(args), False,
              "exit %d: %s" % (r.returncode, r.stderr[-500:]))
        return {"findings": [], "notifications": []}
    return json.loads(r.stdout)


def rules(exe, policies):
    env = dict(os.environ, PLIMSOLL_POLICY_DIR=policies)
    r = subprocess.run([exe, "rules", "--format", "json"],
                       capture_output=True, text=True, env=env, timeout=60)
    check("rules exits 0", r.returncode == 0, r.stderr[-500:])
    return json.loads(r.stdout) if r.returncode == 0 else []


def failed_at(doc, policies):
    """{policy id: line} of the failures placed in a policy.lua."""
    where = {}
    pattern = re.compile(re.escape(policies) +
                         r"/([a-z0-9-]+)/policy\.lua:(\d+):")
    for n in doc["notifications"]:
        m = pattern.search(n["message"])
        if m:
            where[m.group(1)] = int(m.group(2))
    return where


def prepend(path, text):
    with open(path) as f:
        old = f.read()
    with open(path, "w") as f:
        f.write(text + old)


def opened(exe, policies):
    """The policy files `plimsoll rules` opens (strace: the opens that
    succeed), or None when strace cannot run here."""
    env = dict(os.environ, PLIMSOLL_POLICY_DIR=policies)
    try:
        r = subprocess.run(["strace", "-f", "-e", "trace=open,openat",
                            exe, "rules", "--format", "json"],
                           capture_output=True, text=True, env=env,
                           timeout=60)
    except OSError:
        return None
    if r.returncode != 0:
        return None
    return set(re.findall(r'open(?:at)?\([^"]*"([^"]+/policy\.lua)".*= \d+$',
                          r.stderr, re.M))


def untimed(exe):
    """The policies the build recorded no time for, from the generated
    core/precompiled_lua.c beside exe; an empty set when it is not
    there."""
    gen = os.path.join(os.path.dirname(os.path.abspath(exe)), "core",
                       "precompiled_lua.c")
    try:
        with open(gen) as f:
            text = f.read()
    except OSError:
        return set()
    return set(re.findall(r'entry\d+ = \{"([^"]+)", \w+, \d+, '
                          r'0x[0-9a-f]+ULL, \d+, 0, 0\}', text))


def check_size_and_time(exe, source, tmp):
    kept = os.path.join(tmp, "kept")
    shutil.copytree(source, kept)  # copy2: sizes and times kept
    names = sorted(n for n in os.listdir(kept)
                   if os.path.isfile(os.path.join(kept, n, "policy.lua")))
    check("policies to copy", len(names) > 50, str(len(names)))
    touched = os.path.join(kept, names[0], "policy.lua")
    os.utime(touched, ns=(os.stat(touched).st_atime_ns,
                          os.stat(touched).st_mtime_ns + 1000))
    seen = opened(exe, kept)
    late = untimed(exe)
    if late:
        print("the build recorded no time for %d policies (changed just "
              "before it): they are read too" % len(late))
    if seen is None:
        print("strace cannot run here: which files are read not checked")
    else:
        want = {touched} | {os.path.join(kept, n, "policy.lua")
                            for n in late if n in names}
        check("only the files whose time moved (or was not recorded) "
              "are read", seen == want, "%d read, %d expected: %s" % (
                  len(seen), len(want), sorted(seen ^ want)[:3]))

    path = os.path.join(kept, "runs-as-root", "policy.lua")
    st = os.stat(path)
    with open(path) as f:
        text = f.read()
    title = next(r["title"] for r in rules(exe, kept)
                 if r["id"] == "runs-as-root")
    same_size = text.replace('title = "' + title[0],
                             'title = "' + ("Q" if title[0] != "Q" else "Z"),
                             1)
    check("a same-size change made", len(same_size) == len(text) and
          same_size != text)
    with open(path, "w") as f:
        f.write(same_size)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1000000))
    now = {r["id"]: r["title"] for r in rules(exe, kept)}
    check("a same-size change with a new time is seen",
          now.get("runs-as-root", "")[:1] not in ("", title[0]),
          repr(now.get("runs-as-root")))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    back = {r["id"]: r["title"] for r in rules(exe, kept)}
    if "runs-as-root" in late:
        return
    check("a same-size change with the build's time is taken as compiled",
          back.get("runs-as-root") == title, repr(back.get("runs-as-root")))


def main():
    exe, source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "policies")
        shutil.copytree(source, copy)
        target = os.path.join(tmp, "b.Dockerfile")
        with open(target, "w") as f:
            f.write(DOCKERFILE)
        before = {}
        budget = None
        # Small budgets first: a check reaches the helper library after a
        # few instructions, and where a budget runs out moves whenever
        # the library does.
        for n in (20, 40, 60, 100, 150, 200, 300, 500, 700, 1000, 1500,
                  2000, 4000, 8000, 16000):
            before = failed_at(scan(exe, copy, [
                "--policy-instructions", str(n), target]), copy)
            if before:
                budget = n
                break
        check("a policy fails inside its own file at some budget",
              bool(before))
        if before:
            rule, line = sorted(before.items())[0]
            prepend(os.path.join(copy, rule, "policy.lua"),
                    "-- changed after the build\n")
            # Compiled from its text, the policy costs a little more to
            # load, and the same budget may run out just before its own
            # code: the budgets a little above are tried too, up to the
            # first that fails inside the file.
            after = {}
            for n in range(budget, budget + 200, 10):
                after = failed_at(scan(exe, copy, [
                    "--policy-instructions", str(n), target]), copy)
                if rule in after:
                    break
            check("the changed policy fails one line further down",
                  after.get(rule) == line + 1,
                  "%s: line %s before, %s after" %
                  (rule, line, after.get(rule)))

        fixtures = []
        for root, _, files in os.walk(source):
            if "/fixtures" in root:
                fixtures += [os.path.join(root, f) for f in files]
        fixtures.sort()
        check("fixtures found", len(fixtures) > 50, str(len(fixtures)))

        def findings(policies):
            doc = scan(exe, policies, ["--jobs", "1"] + fixtures)
            return sorted((f["rule"], f["path"],
                           f["region"]["start_line"], f["message"])
                          for f in doc["findings"])

        fresh = os.path.join(tmp, "fresh")
        shutil.copytree(source, fresh)
        dumped = findings(fresh)
        listed = rules(exe, fresh)
        for name in os.listdir(fresh):
            p = os.path.join(fresh, name, "policy.lua")
            if os.path.isfile(p):
                with open(p, "a") as f:
                    f.write("-- changed after the build\n")
        parsed = findings(fresh)
        check("findings from the dumps and from the texts are the same",
              dumped == parsed and len(dumped) > 100,
              "%d and %d findings" % (len(dumped), len(parsed)))
        reread = rules(exe, fresh)
        check("the metadata from the build and from the texts is the same",
              listed == reread and len(listed) > 50,
              "%d and %d rules, first difference: %s" % (
                  len(listed), len(reread),
                  next((a["id"] for a, b in zip(listed, reread)
                        if a != b), None)))
        target = os.path.join(fresh, "runs-as-root", "policy.lua")
        with open(target) as f:
            text = f.read()
        with open(target, "w") as f:
            f.write(text.replace('title = "', 'title = "Changed: ', 1))
        titles = {r["id"]: r["title"] for r in rules(exe, fresh)}
        check("a changed built-in policy's own title is listed",
              titles.get("runs-as-root", "").startswith("Changed: "),
              repr(titles.get("runs-as-root")))
        check_size_and_time(exe, source, tmp)
    for f in failures:
        print("FAIL:", f)
    print("precompiled: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""An installed plimsoll finds its built-in policies with no environment
variable, and PLIMSOLL_POLICY_DIR overrides them.

Configures a build of the source tree with a prefix in a temporary
directory, installs it with --destdir and moves the staged tree to the
prefix (as a package does), then asks the installed binary for its rules.
One policy is removed from the installed copy first: if the binary read
the source tree instead, that rule would still be listed.

usage: check_install.py SOURCE_ROOT
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("FAIL: %s exited %d\n%s%s" % (" ".join(cmd), r.returncode,
                                                r.stdout, r.stderr))
    return r.stdout


def rule_ids(exe, env):
    return sorted(r["id"] for r in json.loads(
        run([exe, "rules", "--format", "json"], env=env)))


def main():
    source = os.path.abspath(sys.argv[1])
    builtin = sorted(
        n for n in os.listdir(os.path.join(source, "policies"))
        if os.path.isfile(os.path.join(source, "policies", n, "policy.lua")))
    tmp = tempfile.mkdtemp(prefix="plimsoll-install-")
    try:
        prefix = os.path.join(tmp, "usr")
        build = os.path.join(tmp, "build")
        stage = os.path.join(tmp, "stage")
        run(["meson", "setup", build, source, "--prefix=" + prefix,
             "-Dtests=false", "-Dwerror=false"])
        run(["ninja", "-C", build])
        run(["meson", "install", "-C", build, "--destdir", stage,
             "--quiet"])
        shutil.move(stage + prefix, prefix)
        installed = os.path.join(prefix, "share", "plimsoll", "policies")
        exe = os.path.join(prefix, "bin", "plimsoll")

        # Every built-in policy is installed.
        missing = [n for n in builtin if not os.path.isfile(
            os.path.join(installed, n, "policy.lua"))]
        if missing:
            sys.exit("FAIL: not installed: %s" % ", ".join(missing))

        env = {k: v for k, v in os.environ.items()
               if k != "PLIMSOLL_POLICY_DIR"}
        gone = builtin[0]
        shutil.rmtree(os.path.join(installed, gone))
        ids = rule_ids(exe, env)
        want = builtin[1:]
        if gone in ids or len(ids) != len(want):
            sys.exit("FAIL: the installed binary lists %s; expected the "
                     "installed policies %s" % (ids, want))

        custom = os.path.join(tmp, "custom")
        os.mkdir(custom)
        shutil.copytree(os.path.join(source, "policies", gone),
                        os.path.join(custom, gone))
        env["PLIMSOLL_POLICY_DIR"] = custom
        ids = rule_ids(exe, env)
        if ids != [gone]:
            sys.exit("FAIL: with PLIMSOLL_POLICY_DIR=%s the binary lists "
                     "%s; expected only %s" % (custom, ids, gone))
        print("ok: %d policies installed and found; "
              "PLIMSOLL_POLICY_DIR overrides" % len(builtin))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()

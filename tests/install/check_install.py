"""`meson install` lays out what a package ships: the binary, the
built-in policies, the man pages, bash and zsh completion, the JSON
Schemas, the headers and plimsoll.pc for output plugins (a plugin built
against them loads), and with -Ddocker_plugin_dir the docker-plimsoll
link Docker runs. An installed plimsoll finds its built-in policies with
no environment variable, and PLIMSOLL_POLICY_DIR overrides them.

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


def check_layout(source, prefix, exe, docker_dir, tmp):
    share = os.path.join(prefix, "share")
    want = [
        "bin/plimsoll",
        "share/man/man1/plimsoll.1",
        "share/man/man7/plimsoll-policies.7",
        "share/bash-completion/completions/plimsoll",
        "share/zsh/site-functions/_plimsoll",
        "lib/pkgconfig/plimsoll.pc",
        "share/plimsoll/policies/peer-ids.tsv",
    ]
    schemas = os.path.join(source, "docs", "schemas")
    want += ["share/plimsoll/schemas/" + n for n in os.listdir(schemas)]
    headers = os.path.join(source, "include", "plimsoll")
    want += ["include/plimsoll/" + n for n in os.listdir(headers)
             if n.endswith(".h")]
    missing = [w for w in want
               if not os.path.isfile(os.path.join(prefix, w))]
    if missing:
        sys.exit("FAIL: not installed: %s" % ", ".join(missing))
    with open(os.path.join(share, "man", "man1", "plimsoll.1")) as f:
        page = f.read()
    version = run([exe, "--version"]).split()[1]
    if "plimsoll " + version not in page or "@" + "DATADIR@" in page or \
            os.path.join(share, "plimsoll", "policies") not in page:
        sys.exit("FAIL: plimsoll.1 is not filled in with the version and "
                 "the installed data directory")

    # The Docker CLI plugin: a link to the installed binary.
    link = os.path.join(docker_dir, "docker-plimsoll")
    if os.path.realpath(link) != os.path.realpath(exe):
        sys.exit("FAIL: %s does not lead to %s" % (link, exe))
    meta = json.loads(run([link, "docker-cli-plugin-metadata"]))
    if meta.get("SchemaVersion") != "0.1.0" or meta.get("Version") != \
            version:
        sys.exit("FAIL: installed docker-plimsoll metadata: %s" % meta)

    # An output plugin built against the installed headers and
    # plimsoll.pc, then loaded by the installed binary.
    if shutil.which("pkg-config") and shutil.which("cc"):
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(
            prefix, "lib", "pkgconfig"))
        cflags = run(["pkg-config", "--cflags", "plimsoll"],
                     env=env).split()
        if "-I" + os.path.join(prefix, "include") not in cflags:
            sys.exit("FAIL: pkg-config --cflags plimsoll: %s" % cflags)
        so = os.path.join(tmp, "csv.so")
        run(["cc", "-shared", "-fPIC", *cflags, "-o", so,
             os.path.join(source, "plugins", "example", "example.c")])
        dockerfile = os.path.join(tmp, "Dockerfile")
        with open(dockerfile, "w") as f:
            f.write("FROM alpine:3.20\nUSER root\n")
        r = subprocess.run([exe, "scan", "--plugin", so, "--format", "csv",
                            dockerfile], capture_output=True, text=True)
        if r.returncode != 1 or "runs-as-root" not in r.stdout:
            sys.exit("FAIL: a plugin built against the installed headers: "
                     "exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))


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
        docker_dir = os.path.join(prefix, "libexec", "docker",
                                  "cli-plugins")
        run(["meson", "setup", build, source, "--prefix=" + prefix,
             "--libdir=lib", "-Dtests=false", "-Dwerror=false",
             "-Ddocker_plugin_dir=" + docker_dir])
        run(["ninja", "-C", build])
        run(["meson", "install", "-C", build, "--destdir", stage,
             "--quiet"])
        shutil.move(stage + prefix, prefix)
        installed = os.path.join(prefix, "share", "plimsoll", "policies")
        exe = os.path.join(prefix, "bin", "plimsoll")

        check_layout(source, prefix, exe, docker_dir, tmp)

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
        print("ok: the installed layout is complete; %d policies installed "
              "and found; PLIMSOLL_POLICY_DIR overrides" % len(builtin))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()

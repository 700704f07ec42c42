#!/usr/bin/env python3
"""plimsoll lsp under a real client: headless Neovim (tests/lsp/nvim_init.lua).

usage: test_neovim.py PLIMSOLL
Exits 77 (skipped) when nvim is not installed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

DOCKERFILE = ('FROM alpine:3.20\n'
              'RUN echo "\U0001F600" && apt-get install curl\n')
COMPOSE = ('services:\n'
           '  web:\n'
           '    image: nginx:1.27\n'
           '    privileged: true\n')
POD = ('apiVersion: v1\n'
       'kind: Pod\n'
       'metadata:\n'
       '  name: demo\n'
       'spec:\n'
       '  containers:\n'
       '    - name: app\n'
       '      image: nginx:1.27\n'
       '      securityContext:\n'
       '        privileged: true\n')


def codes(entry):
    return {d["code"] for d in entry["diagnostics"]}


def check(r):
    assert not r["errors"], r["errors"]
    docker = r["files"]["Dockerfile"]
    assert docker["seen"] and docker["filetype"] == "dockerfile", docker
    assert "runs-as-root" in codes(docker), docker
    # The emoji takes 2 UTF-16 units and 4 bytes: Neovim turns the
    # server's UTF-16 column into a byte column, which must land on
    # "apt-get" (10 + 4 + 5 bytes in).
    apt = [d for d in docker["diagnostics"]
           if d["code"] == "apt-get-missing-yes"]
    assert apt and apt[0]["lnum"] == 1 and apt[0]["col"] == 19, apt
    compose = r["files"]["compose.yaml"]
    assert compose["seen"] and "privileged" in codes(compose), compose
    pod = r["files"]["pod.yaml"]
    assert pod["seen"] and "privileged" in codes(pod), pod
    assert all(d["source"] == "plimsoll" for d in pod["diagnostics"])
    fix = r["fix"]
    assert fix.get("applied", "").startswith("Fix privileged"), fix
    titles = fix["titles"].split("\n")
    assert len(titles) == 3 and titles[0] == fix["applied"] and \
        titles[1] == "Ignore privileged on this line" and titles[2] == "", fix
    assert fix["cleared"] and fix["line"] == "    privileged: false", fix
    after = r["after_edit"]
    assert after["cleared"], after
    assert "runs-as-root" not in codes(after), after
    assert "apt-get-missing-yes" in codes(after), after


def main():
    nvim = shutil.which("nvim")
    if nvim is None:
        print("nvim is not installed (tests/install-deps.sh installs it): "
              "skipped")
        return 77
    exe = os.path.abspath(sys.argv[1])
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="plm-nvim-"))
    try:
        for name, text in (("Dockerfile", DOCKERFILE),
                           ("compose.yaml", COMPOSE), ("pod.yaml", POD)):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        out = os.path.join(tmp, "results.json")
        env = dict(os.environ, PLM_EXE=exe, PLM_DIR=tmp, PLM_OUT=out,
                   XDG_STATE_HOME=tmp, XDG_CACHE_HOME=tmp,
                   XDG_DATA_HOME=tmp, XDG_CONFIG_HOME=tmp)
        p = subprocess.run([nvim, "--headless", "--clean", "-n", "-u",
                            os.path.join(HERE, "nvim_init.lua")],
                           env=env, cwd=tmp, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        if not os.path.exists(out):
            print("nvim wrote no results (status %d)\n%s\n%s" % (
                p.returncode, p.stdout, p.stderr))
            return 1
        with open(out) as f:
            results = json.load(f)
        print(json.dumps(results, indent=1))
        check(results)
        print("ok")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

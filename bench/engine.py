#!/usr/bin/env python3
"""Benchmark of the policy engine (run by hand, not in CI).

    python3 bench/engine.py [--plimsoll build/plimsoll] [--corpus DIR] [--repeat N]

Prints, best of N runs each:
  - a scan of the whole corpus (dockerfile/, compose/, kubernetes/) with all
    built-in policies and with none (--no-builtin: parsing only), --jobs 1;
  - the same scan with all policies at --jobs 2, and the speed-up;
  - start-up: `plimsoll --version` and a scan of one small file.
Aims (issue 4): policies add at most as much time as parsing; --jobs 2 at
least 1.8x on two cores; start-up in a few milliseconds.
"""
import argparse
import os
import subprocess
import sys
import time


def run(cmd, repeat):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if p.returncode not in (0, 1):
            sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                               p.stderr.decode()[-2000:]))
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--plimsoll", default=os.path.join(root, "build",
                                                       "plimsoll"))
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    exe = a.plimsoll
    dirs = [os.path.join(a.corpus, k)
            for k in ("dockerfile", "compose", "kubernetes")]
    files = sum(len(os.listdir(d)) for d in dirs)
    scan = [exe, "scan", "--format", "json", "-o", "/dev/null"]

    parse1 = run(scan + ["--no-builtin", "--jobs", "1"] + dirs, a.repeat)
    all1 = run(scan + ["--jobs", "1"] + dirs, a.repeat)
    all2 = run(scan + ["--jobs", "2"] + dirs, a.repeat)
    parse2 = run(scan + ["--no-builtin", "--jobs", "2"] + dirs, a.repeat)

    small = os.path.join(root, "policies", "runs-as-root", "fixtures",
                         "dockerfile", "no-user.Dockerfile")
    n = 30
    version = run([exe, "--version"], n)
    one = run(scan + ["--jobs", "1", small], n)

    print("corpus: %d files in %s" % (files, ", ".join(dirs)))
    print("parse only (--no-builtin), --jobs 1: %8.3f s" % parse1)
    print("all policies,              --jobs 1: %8.3f s" % all1)
    print("  policies add:                      %8.3f s (%.0f%% of parsing)"
          % (all1 - parse1, 100.0 * (all1 - parse1) / parse1))
    print("parse only (--no-builtin), --jobs 2: %8.3f s" % parse2)
    print("all policies,              --jobs 2: %8.3f s (speed-up %.2fx)"
          % (all2, all1 / all2))
    print("start-up: plimsoll --version          %8.2f ms" % (version * 1e3))
    print("start-up: scan of one small file      %8.2f ms" % (one * 1e3))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark of the policy engine (run by hand, not in CI).

    python3 bench/engine.py [--plimsoll build/plimsoll] [--corpus DIR]
                            [--repeat N] [--all-origins]

Scans the shared corpus (Dockerfiles, Compose files and Kubernetes
manifests; the synthetic linter fixtures are left out unless --all-origins)
one kind at a time with --kind and every file named on the command line,
and prints, best of N runs each:
  - the scan with all built-in policies and with none (--no-builtin:
    loading and parsing only), --jobs 1, and what the policies add;
  - the same at --jobs 2, and the speed-up of --jobs 2 over --jobs 1;
  - start-up: `plimsoll --version`, and a scan of one small file.
Aims (issue 4): policies add at most as much time as parsing; --jobs 2 at
least 1.8x on two cores; start-up in a few milliseconds.
"""
import argparse
import csv
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "tests", "common"))
from shared import find_corpus  # noqa: E402


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd, cwd=None):
    """(wall seconds, CPU seconds of user + system) of one run."""
    c0 = cpu_children()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=cwd)
    dt = time.perf_counter() - t0
    dc = cpu_children() - c0
    # 2 is an incomplete run (the corpus has deliberately broken
    # files); a usage or load error also prints on stderr.
    if p.returncode not in (0, 1, 2) or p.stderr.strip():
        sys.exit("failed (%d): %s ...\n%s" % (
            p.returncode, " ".join(cmd[:8]), p.stderr.decode()[-2000:]))
    return dt, dc


def run(cmd, repeat, cwd=None):
    """Best wall time of `repeat` runs."""
    return min(run_once(cmd, cwd)[0] for _ in range(repeat))


def corpus_files(corpus, all_origins):
    origin = {}
    with open(os.path.join(corpus, "PROVENANCE.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            origin[row["path"]] = row["origin"]
    by_kind = {"dockerfile": [], "compose": [], "kubernetes": []}
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["kind"] not in by_kind:
                continue
            if not all_origins and origin.get(row["path"]) == "linter-fixture":
                continue
            by_kind[row["kind"]].append(row["path"])
    return by_kind


def scan_all(exe, corpus, by_kind, configs, repeat):
    """For each config (extra arguments), (wall, CPU) seconds of scanning
    every kind, one process per kind: the best run of each kind, summed.
    The configurations take turns, run by run, so that a slow spell of
    the machine does not fall on one of them only."""
    best = {}
    for _ in range(repeat):
        for ci, extra in enumerate(configs):
            for kind, files in by_kind.items():
                cmd = [exe, "scan", "--format", "json", "-o", "/dev/null",
                       "--kind", kind] + extra + files
                t = run_once(cmd, cwd=corpus)
                key = (ci, kind)
                if key not in best or t[0] < best[key][0]:
                    best[key] = t
    return [(sum(best[(ci, k)][0] for k in by_kind),
             sum(best[(ci, k)][1] for k in by_kind))
            for ci in range(len(configs))]


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--plimsoll", default=os.path.join(root, "build",
                                                       "plimsoll"))
    ap.add_argument("--corpus", default=find_corpus(root, "PROVENANCE.tsv"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--all-origins", action="store_true")
    ap.add_argument("--engine-bench", default=os.path.join(
        root, "build", "bench", "engine-bench"))
    a = ap.parse_args()
    if a.corpus is None:
        sys.exit("no shared corpus found (set PLM_CORPUS or --corpus)")
    exe = os.path.abspath(a.plimsoll)
    by_kind = corpus_files(a.corpus, a.all_origins)
    files = sum(len(v) for v in by_kind.values())
    size = sum(os.path.getsize(os.path.join(a.corpus, p))
               for v in by_kind.values() for p in v)

    load = os.getloadavg()[0]
    inproc = []
    if os.path.exists(a.engine_bench):
        for kind, kind_files in by_kind.items():
            p = subprocess.run([os.path.abspath(a.engine_bench), "--repeat",
                                str(a.repeat), kind] + kind_files,
                               cwd=a.corpus,
                               capture_output=True, text=True)
            inproc.append(p.stdout.strip() or p.stderr.strip())
    parse1, all1, parse2, all2 = scan_all(exe, a.corpus, by_kind, [
        ["--no-builtin", "--jobs", "1"], ["--jobs", "1"],
        ["--no-builtin", "--jobs", "2"], ["--jobs", "2"]], a.repeat)

    small = os.path.join(root, "policies", "runs-as-root", "fixtures",
                         "dockerfile", "no-user.Dockerfile")
    n = 30
    version = run([exe, "--version"], n)
    one = run([exe, "scan", "--format", "json", "-o", "/dev/null", "--jobs",
               "1", small], n)

    print("corpus: %d files, %.1f MB (%s)" % (
        files, size / 1e6, ", ".join("%s %d" % (k, len(v))
                                     for k, v in by_kind.items())))
    print("load average at start: %.2f on %d CPUs" % (load, os.cpu_count()))
    if inproc:
        print("in one process (CPU time, best of %d):" % a.repeat)
        for line in inproc:
            print("  " + line)
    print("through the CLI (--format json -o /dev/null, per kind, best of "
          "%d, the configurations taking turns):" % a.repeat)
    print("                                       wall        CPU")
    print("parse only (--no-builtin), --jobs 1: %7.3f s  %7.3f s"
          % parse1)
    print("all policies,              --jobs 1: %7.3f s  %7.3f s" % all1)
    print("  policies add (CPU):                 %7.3f s (%.0f%% of "
          "parsing)" % (all1[1] - parse1[1],
                        100.0 * (all1[1] - parse1[1]) / parse1[1]))
    print("parse only (--no-builtin), --jobs 2: %7.3f s  %7.3f s "
          "(wall speed-up %.2fx)" % (parse2 + (parse1[0] / parse2[0],)))
    print("all policies,              --jobs 2: %7.3f s  %7.3f s "
          "(wall speed-up %.2fx)" % (all2 + (all1[0] / all2[0],)))
    print("start-up: plimsoll --version          %7.2f ms" % (version * 1e3))
    print("start-up: scan of one small file      %7.2f ms" % (one * 1e3))


if __name__ == "__main__":
    main()

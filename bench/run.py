#!/usr/bin/env python3
"""The speed table: plimsoll over the shared corpus against the floor
(reading the files, a libyaml event parse of the YAML and a bare tokenize
of the Dockerfiles) and against the peers, from one command.

usage: bench/run.sh [BUILD_DIR] [--quick] [--corpus DIR]

Prints a Markdown table: measure | figure | aim | held. CPU time is user +
system of the process (and its threads), the best of N runs: on a shared
machine it moves far less than wall time. A VM's cores need not be equal:
the floor and the scan it is set against are timed on one core at a
time, and a row gives the one-job scan's time on each of two cores alone,
the ceiling that sets for --jobs 2. Wall time is used where the
measure is about wall time (--jobs 2 over --jobs 1, start-up, the 4 MB
manifest). Peak memory is the process's maximum resident set.

--quick runs a small sample (30 files of each kind, one repetition): it
shows the bench still works, its figures mean little.

Peers: dclint is looked for in bench/node_modules/.bin (install it with
`npm install --prefix bench dclint`) and on PATH; dockerfile-ast in
tests/differential/node_modules (where the differential tests install it)
or $PLM_NODE_MODULES. A peer that is missing gives "not installed".
"""
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUNDLE = "prometheus-operator__prometheus-operator@v0.84.0__bundle.yaml"


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(cmd, env=None, any_status=False):
    """Runs cmd, its output thrown away; returns (wall s, CPU s, peak RSS
    KB). Linux starts a forked child's peak at its parent's resident set
    (this script's, about 13 MB), so the peak is taken from /usr/bin/time
    (a small process in between) when it is installed; without it, peaks
    under that size read as that size."""
    with tempfile.NamedTemporaryFile("r") as peak:
        run = [TIME, "-f", "%M", "-o", peak.name] + cmd if TIME else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(run, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        rss = ru.ru_maxrss
        if TIME:
            words = peak.read().split()
            rss = int(words[-1]) if words and words[-1].isdigit() else rss
    code = os.waitstatus_to_exitcode(status)
    # 2: some file of the corpus has an error (a notification); the
    # others are scanned all the same.
    if code not in (0, 1, 2) and not any_status:
        raise SystemExit("bench: %s exited %d" % (" ".join(cmd[:3]), code))
    return wall, ru.ru_utime + ru.ru_stime, rss


def files_scanned(exe, files, tmp):
    """How many of files a scan reads (the JSON summary's count)."""
    out = os.path.join(tmp, "scan.json")
    subprocess.run([exe, "scan", "--no-config", "--format", "json", "-o",
                    out] + files, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    # The summary is at the end; reading only that keeps this process
    # small (a child's peak memory starts from its parent's, see measure).
    with open(out, "rb") as f:
        f.seek(max(0, os.path.getsize(out) - (4 << 20)))
        m = re.search(rb'"files_scanned": *(\d+)', f.read())
    os.unlink(out)
    return int(m.group(1)) if m else 0


def bare_wall(cmd):
    """Wall time of cmd spawned directly: measure() runs it under
    /usr/bin/time, whose own start (a few milliseconds here) would count
    in a start-up figure."""
    t0 = time.perf_counter()
    code = subprocess.call(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    if code not in (0, 1, 2):
        raise SystemExit("bench: %s exited %d" % (" ".join(cmd[:3]), code))
    return wall


class on_core:
    """Runs what is spawned inside the block on one core (children inherit
    this process's affinity); where it cannot be set, anywhere."""

    def __init__(self, cpu):
        self.cpu = cpu
        self.saved = None

    def __enter__(self):
        if self.cpu is not None and hasattr(os, "sched_setaffinity"):
            saved = os.sched_getaffinity(0)
            try:
                os.sched_setaffinity(0, {self.cpu})
                self.saved = saved
            except OSError:
                pass  # not allowed here: the runs go anywhere
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            os.sched_setaffinity(0, self.saved)
        return False


def cores():
    """The cores this process may run on, in order (one None when that
    cannot be told)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return [None]


def best(cmd, n, key, env=None, any_status=False):
    runs = [measure(cmd, env, any_status) for _ in range(n)]
    return min(runs, key=key)


def listfile(tmp, name, paths):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("".join(p + "\n" for p in paths))
    return path


def corpus_files(corpus, quick):
    kinds = {}
    for kind in ("dockerfile", "compose", "kubernetes"):
        d = os.path.join(corpus, kind)
        names = sorted(os.listdir(d))
        if quick:
            names = names[:30]
        kinds[kind] = [os.path.join(d, n) for n in names
                       if os.path.isfile(os.path.join(d, n))]
    return kinds


def scan_cmd(exe, files, jobs):
    # Every built-in policy, no configuration file, JSON to stdout (the
    # summary gives the files scanned; the findings are written, as a
    # scan writes them).
    return [exe, "scan", "--no-config", "--jobs", str(jobs), "--format",
            "json"] + files


def row(rows, measure_, figure, aim, held):
    rows.append((measure_, figure, aim,
                 "–" if held is None else ("yes" if held else "no")))


def parse_args(argv):
    """[BUILD_DIR] [--quick] [--corpus DIR]: returns (build directory,
    corpus, quick); exits 77 (a skipped test) under --quick, else 2, when
    there is no corpus."""
    args = list(argv)
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    corpus = os.environ.get("PLM_CORPUS",
                            os.path.join(ROOT, "..", "shared", "corpus"))
    if "--corpus" in args:
        i = args.index("--corpus")
        corpus = args[i + 1]
        del args[i:i + 2]
    if not os.path.isdir(os.path.join(corpus, "dockerfile")):
        print("bench: no corpus at %s (set PLM_CORPUS)" % corpus)
        sys.exit(77 if quick else 2)
    build = os.path.abspath(args[0] if args else os.path.join(ROOT, "build"))
    return build, corpus, quick


def main():
    build, corpus, quick = parse_args(sys.argv[1:])
    exe = os.path.join(build, "plimsoll")
    floor = os.path.join(build, "bench", "plimsoll-floor")
    for p in (exe, floor):
        if not os.access(p, os.X_OK):
            raise SystemExit("bench: %s is not built" % p)
    n = 1 if quick else 3
    kinds = corpus_files(corpus, quick)
    every = kinds["dockerfile"] + kinds["compose"] + kinds["kubernetes"]
    nbytes = sum(os.path.getsize(p) for p in every)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        all_list = listfile(tmp, "all", every)

        # The floor and the whole scan on one core, CPU time, each round
        # on one core, the next round on the next: on a VM a core may run
        # the same work half again as slow as another (a neighbour on the
        # host), and which one changes from minute to minute; a floor and
        # a scan measured on different cores would compare the cores.
        # The round with the fastest scan gives the figures.
        own = cores()
        rounds = []
        for r in range(n):
            with on_core(own[r % len(own)]):
                fcpu = measure([floor, "--repeat", "1", "@" + all_list])[1]
                cpu1 = measure(scan_cmd(exe, every, 1))
                rounds.append((fcpu, cpu1[1], cpu1[2]))
        fcpu, cpu1, rss = min(rounds, key=lambda r: r[1])
        got = files_scanned(exe, every, tmp)
        row(rows, "floor: read + libyaml events + Dockerfile tokens "
            "(%d files, %.1f MB), CPU" % (len(every), nbytes / 1e6),
            "%.3f s" % fcpu, "–", None)
        row(rows, "whole corpus, every built-in policy, --jobs 1, CPU "
            "(%d files scanned)" % got, "%.2f s = %.1f× the floor" %
            (cpu1, cpu1 / fcpu), "≤ 2×", cpu1 / fcpu <= 2)

        # Two workers against one, wall time: the runs alternated, so
        # that a change in the host's speed (it moves by a third from
        # one phase to the next) falls on both. Each round also times
        # the one-job scan on each of two cores alone (CPU time, pinned):
        # two jobs can at best do the work at the two cores' speeds
        # added, which is 2× the faster one only when they are equal.
        pairs = []
        for _ in range(n):
            w1 = measure(scan_cmd(exe, every, 1))[0]
            w2 = measure(scan_cmd(exe, every, 2))[0]
            alone = []
            for cpu in own[:2]:
                with on_core(cpu):
                    alone.append(measure(scan_cmd(exe, every, 1))[1])
            pairs.append((w1, w2, alone))
        w1 = min(p[0] for p in pairs)
        w2 = min(p[1] for p in pairs)
        row(rows, "--jobs 2 over --jobs 1, wall", "%.2f s / %.2f s = "
            "%.2f×" % (w1, w2, w1 / w2), "≥ 1.8×", w1 / w2 >= 1.8)
        if len(own) < 2:
            row(rows, "the machine's two cores, each alone", "one core",
                "–", None)
        else:
            # Per round: the two cores' speeds added, as a wall time
            # (1 / (1/a + 1/b)), against what --jobs 2 took; the median
            # round's figures.
            fits = sorted((1 / (1 / p[2][0] + 1 / p[2][1]) / p[1], p)
                          for p in pairs)
            fit, (_, _, (a, b)) = fits[len(fits) // 2]
            row(rows, "the machine: the one-job scan alone on each of two "
                "cores, CPU; the most --jobs 2 could gain over the faster "
                "one; how near --jobs 2 came (median round)",
                "%.2f s, %.2f s: %.2f×; %.0f%%" % (
                    a, b, 1 + min(a, b) / max(a, b), fit * 100),
                "–", None)

        # dclint on the Compose files, one process each side.
        dclint = os.path.join(HERE, "node_modules", ".bin", "dclint")
        if not os.access(dclint, os.X_OK):
            dclint = shutil.which("dclint")
        compose = kinds["compose"]
        if dclint is None:
            row(rows, "throughput against dclint (Compose files)",
                "not installed", "≥ 100×", None)
        else:
            pw = best(scan_cmd(exe, compose, 1), n, key=lambda r: r[0])[0]
            dw = best([dclint] + compose, 1, key=lambda r: r[0],
                      any_status=True)[0]
            row(rows, "throughput against dclint, %d Compose files, wall"
                % len(compose), "%.2f s / %.3f s = %.0f×" % (dw, pw, dw / pw),
                "≥ 100×", dw / pw >= 100)

        # dockerfile-ast parsing the Dockerfiles in one node process,
        # against plimsoll scanning them with every policy.
        modules = os.environ.get("PLM_NODE_MODULES", os.path.join(
            ROOT, "tests", "differential", "node_modules"))
        docker = kinds["dockerfile"]
        if shutil.which("node") is None or not os.path.isdir(
                os.path.join(modules, "dockerfile-ast")):
            for what in ("parsing only", "against a scan"):
                row(rows, "throughput against dockerfile-ast (%s)" % what,
                    "not installed", "≥ 20×", None)
        else:
            df_list = listfile(tmp, "docker", docker)
            env = dict(os.environ, PLM_NODE_MODULES=modules)
            _, acpu, _ = best(["node", os.path.join(
                HERE, "dockerfile_ast_bench.js"), "1", "@" + df_list], n,
                key=lambda r: r[1], env=env)
            _, pcpu, _ = best(scan_cmd(exe, docker, 1), n,
                                 key=lambda r: r[1])
            _, qcpu, _ = best([os.path.join(build, "bench",
                                  "plimsoll-parse-bench"), "--once",
                                  "dockerfile", "@" + df_list], n,
                                 key=lambda r: r[1])
            row(rows, "throughput against dockerfile-ast (one node process), "
                "both parsing only, %d Dockerfiles, CPU" % len(docker),
                "%.2f s / %.2f s = %.1f×" % (acpu, qcpu, acpu / qcpu),
                "≥ 20×", acpu / qcpu >= 20)
            row(rows, "dockerfile-ast parsing against plimsoll scanning "
                "with every policy, the same Dockerfiles, CPU",
                "%.2f s / %.2f s = %.1f×" % (acpu, pcpu, acpu / pcpu),
                "–", None)

        # Start-up: one small file.
        small = os.path.join(ROOT, "examples", "dockerfile", "Dockerfile")
        sw = min(bare_wall(scan_cmd(exe, [small], 1))
                 for _ in range(3 if quick else 20))
        # Beside it, what this machine takes to start and end a process
        # that does nothing (/bin/true, linked to the C library only).
        true = shutil.which("true") or "/bin/true"
        tw = min(bare_wall([true]) for _ in range(3 if quick else 20))
        row(rows, "start-up: scan of one small file, wall (a process "
            "doing nothing: /bin/true)", "%.1f ms (%.1f ms)" % (
                sw * 1e3, tw * 1e3), "< 5 ms", sw < 0.005)

        # The 4 MB multi-document manifest.
        bundle = os.path.join(corpus, "kubernetes", BUNDLE)
        if os.path.isfile(bundle):
            # Wall time spawned directly, as for start-up (under
            # /usr/bin/time its own start counted, 3 to 6 ms on a slow
            # VM); CPU and peak memory from the runs under it.
            bw = min(bare_wall(scan_cmd(exe, [bundle], 1))
                     for _ in range(3 if quick else 10))
            _, bcpu, brss = best(scan_cmd(exe, [bundle], 1), n,
                                 key=lambda r: r[1])
            row(rows, "the %.1f MB prometheus-operator bundle, wall "
                "(CPU, peak memory)" % (os.path.getsize(bundle) / 1e6),
                "%.0f ms (%.0f ms, %.0f MB)" % (bw * 1e3, bcpu * 1e3,
                                               brss / 1024),
                "< 50 ms", bw < 0.05)
        else:
            row(rows, "the prometheus-operator bundle", "not in the corpus",
                "< 50 ms", None)

        # Peak memory: the whole corpus against its largest file alone;
        # then what files add: the corpus without its largest file, every
        # second one and then all of them (until 2026-12-07 a tenth of
        # the corpus, whose own large files set its peak and hid the
        # growth).
        largest = max(every, key=os.path.getsize)
        _, _, rssl = measure(scan_cmd(exe, [largest], 1))
        row(rows, "peak memory: whole corpus / its largest file alone "
            "(%.1f MB)" % (os.path.getsize(largest) / 1e6),
            "%.0f / %.0f MB" % (rss / 1024, rssl / 1024),
            "within a few MB of the largest file's",
            rss <= rssl + 4 * 1024)
        rest = [f for f in every if f != largest]
        half = rest[::2]
        _, _, rssh = measure(scan_cmd(exe, half, 1))
        _, _, rssr = measure(scan_cmd(exe, rest, 1))
        added = len(rest) - len(half)
        row(rows, "peak memory against the number of files: the corpus "
            "without its largest file, every second file / all (%d / %d "
            "files)" % (len(half), len(rest)),
            "%.0f / %.0f MB: %.1f KB a file added" % (
                rssh / 1024, rssr / 1024,
                (rssr - rssh) / added if added else 0.0),
            "flat in files", rssr - rssh <= 4 * 1024)

    # Every measure gives a figure (a number, or why there is none).
    expected = 11
    if len(rows) != expected or any(not r[1] for r in rows):
        raise SystemExit("bench: %d rows of %d" % (len(rows), expected))
    print("| measure | figure | aim | held |")
    print("|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s |" % r)
    print()
    print("%s; %d cores; %s%s" % (
        time.strftime("%Y-%m-%d"), os.cpu_count() or 0,
        os.uname().sysname + " " + os.uname().release,
        "; --quick sample" if quick else ""))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""What each output format costs: the whole corpus scanned once per
built-in format, every policy, --jobs 1, its output to /dev/null.

usage: bench/formats.sh [BUILD_DIR] [--quick] [--corpus DIR]

Prints a Markdown table: format | CPU | over JSON | peak memory | output.
CPU is user + system time, the best of N runs (bench/run.py's measure);
the JSON format is the reference, since it is the format the speed table
(bench/run.sh) measures. Peak memory is the process's maximum resident
set: a format that keeps what it writes until the end shows it here.
--quick runs 30 files of each kind once: it shows the script works.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the speed table's helpers)


def formats(exe):
    """The built-in formats, as `plimsoll scan --help` lists them."""
    out = subprocess.run([exe, "scan", "--help"], capture_output=True,
                         text=True).stdout
    names, listing = [], False
    for line in out.splitlines():
        if line.startswith("Formats"):
            listing = True
            continue
        if listing:
            words = line.split()
            if not words:
                if names:
                    break
                continue
            names.append(words[0])
    return names


def output_bytes(exe, fmt, files, tmp):
    path = os.path.join(tmp, "out")
    subprocess.run([exe, "scan", "--no-config", "--jobs", "1", "--format",
                    fmt, "-o", path] + files, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    size = os.path.getsize(path) if os.path.exists(path) else 0
    if os.path.exists(path):
        os.unlink(path)
    return size


def main():
    build, corpus, quick = run.parse_args(sys.argv[1:])
    exe = os.path.join(build, "plimsoll")
    if not os.access(exe, os.X_OK):
        raise SystemExit("bench: %s is not built" % exe)
    names = formats(exe)
    if "json" not in names or len(names) < 2:
        raise SystemExit("bench: no format list in scan --help: %s" % names)
    names = ["json"] + [n for n in names if n != "json"]
    n = 1 if quick else 3
    kinds = run.corpus_files(corpus, quick)
    every = kinds["dockerfile"] + kinds["compose"] + kinds["kubernetes"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = None
        for fmt in names:
            cmd = [exe, "scan", "--no-config", "--jobs", "1", "--format",
                   fmt] + every
            _, cpu, rss = run.best(cmd, n, key=lambda r: r[1])
            base = cpu if base is None else base
            rows.append((fmt, "%.2f s" % cpu, "%+.0f%%" % (
                100.0 * (cpu - base) / base) if fmt != "json" else "–",
                "%.0f MB" % (rss / 1024),
                "%.1f MB" % (output_bytes(exe, fmt, every, tmp) / 1e6)))
    print("| format | CPU | over JSON | peak memory | output |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s | %s |" % r)
    print()
    print("%d files; %s; %d cores; %s%s" % (
        len(every), time.strftime("%Y-%m-%d"), os.cpu_count() or 0,
        os.uname().sysname + " " + os.uname().release,
        "; --quick sample" if quick else ""))


if __name__ == "__main__":
    main()

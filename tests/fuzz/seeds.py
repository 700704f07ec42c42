#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the shared corpus, the
policy fixtures, the examples and the regression inputs.

usage: seeds.py SOURCE_ROOT OUT_DIR [MAX_PER_SOURCE]

Writes OUT_DIR/<target>/<sha1 of content> for each target (dockerfile, yaml,
compose, dotenv, kubernetes, scan). MAX_PER_SOURCE (default 0: no limit) caps the
files taken from each corpus folder, picked evenly over the sorted list so
a short smoke run starts quickly and a long campaign can take everything.
Files larger than 64 KiB are left out: libFuzzer's default -max_len would
truncate them anyway. The shared corpus is looked up as
tests/common/shared.py says ($PLM_CORPUS first).
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from shared import find_corpus  # noqa: E402

MAX_SEED = 64 * 1024


def files_under(d, pred=lambda p: True):
    out = []
    for base, dirs, names in os.walk(d):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(base, n)
            if os.path.isfile(p) and not os.path.islink(p) and pred(p):
                out.append(p)
    return out


def sample(paths, limit):
    if limit <= 0 or len(paths) <= limit:
        return paths
    step = len(paths) / limit
    return [paths[int(i * step)] for i in range(limit)]


def is_yaml(p):
    return p.endswith((".yaml", ".yml"))


def is_dockerfile(p):
    n = os.path.basename(p)
    return "dockerfile" in n.lower() or "containerfile" in n.lower() \
        or "/dockerfile/" in p


def main():
    root, out = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    corpus = find_corpus(root)
    fixtures = files_under(os.path.join(root, "policies"),
                           lambda p: "/fixtures/" in p)
    examples = files_under(os.path.join(root, "examples"))
    sets = {t: [] for t in ("dockerfile", "yaml", "compose", "dotenv",
                            "kubernetes", "scan", "pattern", "command")}

    def add(targets, paths):
        for t in targets:
            sets[t].extend(paths)

    if corpus:
        add(["dockerfile", "scan"],
            sample(files_under(f"{corpus}/dockerfile"), limit))
        add(["yaml", "compose", "scan"],
            sample(files_under(f"{corpus}/compose", is_yaml), limit))
        add(["yaml", "kubernetes", "scan"],
            sample(files_under(f"{corpus}/kubernetes", is_yaml), limit))
    else:
        print("seeds: no shared corpus; fixtures and examples only",
              file=sys.stderr)
    # command: the first byte picks the reading (fuzz_command.c)
    for p in fixtures:
        if "/command/" in p:
            name = os.path.basename(p)
            pick = (1 if name == "Makefile" else 2 if name.endswith(".md")
                    else 4 if name.startswith(".gitlab") else
                    3 if name.endswith(".yml") else 0)
            with open(p, "rb") as f:
                sets["command"].append(bytes([pick]) + f.read())
    for p in fixtures + examples:
        if "/command/" in p:
            continue
        if "/compose/" in p:
            add(["yaml", "compose", "scan"], [p])
        elif "/kubernetes/" in p:
            add(["yaml", "kubernetes", "scan"], [p])
        elif is_dockerfile(p):
            add(["dockerfile", "scan"], [p])
    # dotenv: the corpus has no .env files; a few in each quoting style
    sets["dotenv"].extend([
        b"A=1\nB=two words\n# comment\nexport C=3\n",
        b"A='single ${B} quoted'\nB=\"double \\n ${A:-x} \\\"q\\\"\"\n",
        b"TAG=${TAG:-latest}\nIMAGE=registry:5000/app:${TAG}\nE=\n",
        b"MULTI=\"line one\nline two\"\nAFTER=ok # trailing comment\n",
        b"  SPACED = value  \n\tTABBED\t=\tv\nBAD LINE\n=novalue\n",
    ])
    # pattern: op byte, start byte, pattern NUL subject
    sets["pattern"].extend([
        b"\x00\x09(%w+)=(%w+)\x00key=value other=2",
        b"\x02\x09^%s*(.-)%s*$\x00  trimmed text  ",
        b"\x03\x08%f[%w]%w+\x00THE (quick) fox",
        b"\x04\x09%b()\x00f(a(b)c) g(d)",
        b"\x05\x09[^%s,]+\x00a, b,c ,, d",
        b"\x06\x09()aa()\x00flaaap",
        b"\x07\x0a(%a)%1\x00hello  bookkeeper",
        b"\x08\x09[%]%-a-c]+\x00x]-abc-]y",
        b"\x01\x09a.b\x00xxa.bxx",
    ])
    for t in sets:
        sets[t].extend(files_under(os.path.join(root, "tests", "fuzz",
                                                "regressions", t),
                                   lambda p: not os.path.basename(p)
                                   .startswith(".")))
    for t, paths in sets.items():
        d = os.path.join(out, t)
        os.makedirs(d, exist_ok=True)
        n = 0
        for p in paths:
            if isinstance(p, bytes):
                data = p
            else:
                with open(p, "rb") as f:
                    data = f.read(MAX_SEED + 1)
            if len(data) > MAX_SEED:
                continue
            name = hashlib.sha1(data).hexdigest()
            dest = os.path.join(d, name)
            if not os.path.exists(dest):
                with open(dest, "wb") as f:
                    f.write(data)
                n += 1
        print(f"seeds: {t}: {n} inputs")


if __name__ == "__main__":
    main()
